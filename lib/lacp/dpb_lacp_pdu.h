/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_LACP_PDU_H
#define DPB_LACP_PDU_H

/**
 * @file
 * The Slow Protocols PDUs of IEEE 802.1AX (ethertype 0x8809, destination
 * 01:80:c2:00:00:02): the LACPDU (802.1AX-2014 6.4.2) and the Marker PDU
 * (6.5.3). Decoders are total over bytes: any input gives either a decoded
 * PDU or one error reason (DPB_SLOW_ERRORS), which indexes a counter. The
 * encoders write exactly what the standard lays out, reserved octets zero.
 *
 * Pure code; any thread.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpb_mac.h"

#define DPB_SLOW_ETHERTYPE 0x8809
#define DPB_SLOW_PDU_LEN 110          /**< octets after the ethertype */
#define DPB_SLOW_FRAME_LEN (14 + DPB_SLOW_PDU_LEN)
#define DPB_SLOW_SUBTYPE_LACP 0x01
#define DPB_SLOW_SUBTYPE_MARKER 0x02

/** Actor_State / Partner_State bits (802.1AX 6.4.2.3), with Linux's names. */
#define DPB_LACP_STATE_BITS(X)            \
	X(ACTIVITY, 0x01, "activity")     \
	X(TIMEOUT, 0x02, "timeout")       \
	X(AGGREGATION, 0x04, "aggregation") \
	X(SYNCHRONIZATION, 0x08, "synchronization") \
	X(COLLECTING, 0x10, "collecting") \
	X(DISTRIBUTING, 0x20, "distributing") \
	X(DEFAULTED, 0x40, "defaulted")   \
	X(EXPIRED, 0x80, "expired")

enum dpb_lacp_state_bit {
#define X(id, bit, name) DPB_LACP_STATE_##id = bit,
	DPB_LACP_STATE_BITS(X)
#undef X
};

/** Why a slow-protocol frame was not taken; each reason is a counter. */
#define DPB_SLOW_ERRORS(X)                                                   \
	X(TOO_SHORT, "too-short", "shorter than a Slow Protocols PDU")       \
	X(UNKNOWN_SUBTYPE, "unknown-subtype", "neither LACP nor Marker")    \
	X(BAD_VERSION, "bad-version", "version number 0")                   \
	X(BAD_ACTOR_TLV, "bad-actor-tlv", "Actor Information TLV type or length wrong") \
	X(BAD_PARTNER_TLV, "bad-partner-tlv", "Partner Information TLV type or length wrong") \
	X(BAD_COLLECTOR_TLV, "bad-collector-tlv", "Collector Information TLV type or length wrong") \
	X(BAD_MARKER_TLV, "bad-marker-tlv", "Marker Information/Response TLV type or length wrong") \
	X(BAD_TERMINATOR, "bad-terminator", "Terminator TLV type or length not 0")

enum dpb_slow_error {
	DPB_SLOW_OK = 0,
#define X(id, name, desc) DPB_SLOW_ERR_##id,
	DPB_SLOW_ERRORS(X)
#undef X
	DPB_SLOW_ERR_COUNT
};

/** Name of an error reason ("bad-actor-tlv"); "ok" for DPB_SLOW_OK. */
const char *dpb_slow_error_name(enum dpb_slow_error e);

/** One side's information in a LACPDU (802.1AX 6.4.2.3). */
struct dpb_lacp_info {
	uint16_t system_priority;
	struct dpb_mac system;
	uint16_t key;
	uint16_t port_priority;
	uint16_t port;
	uint8_t state;          /**< DPB_LACP_STATE_* bits */
};

struct dpb_lacpdu {
	uint8_t version;        /**< 1 when encoding; any >= 1 decodes (6.4.2.3 a) */
	struct dpb_lacp_info actor;
	struct dpb_lacp_info partner;
	uint16_t collector_max_delay;  /**< tens of microseconds */
};

struct dpb_marker_pdu {
	uint8_t version;        /**< 1 */
	bool response;          /**< Marker Response, else Marker Information */
	uint16_t requester_port;
	struct dpb_mac requester_system;
	uint32_t requester_transaction_id;
};

/**
 * The subtype of the PDU in @p pdu (@p len octets after the ethertype).
 * @return DPB_SLOW_SUBTYPE_LACP, DPB_SLOW_SUBTYPE_MARKER, or -1 (none).
 */
int dpb_slow_subtype(const uint8_t *pdu, size_t len);

/**
 * Decodes a LACPDU from the octets after the ethertype.
 * @return DPB_SLOW_OK with @p out filled, or the error reason (@p out
 *   unspecified).
 */
enum dpb_slow_error dpb_lacpdu_decode(const uint8_t *pdu, size_t len, struct dpb_lacpdu *out);

/** Decodes a Marker PDU, as dpb_lacpdu_decode(). */
enum dpb_slow_error dpb_marker_decode(const uint8_t *pdu, size_t len, struct dpb_marker_pdu *out);

/**
 * Writes a whole frame: destination 01:80:c2:00:00:02, source @p src,
 * ethertype 0x8809, then the LACPDU. @p buf has DPB_SLOW_FRAME_LEN octets.
 * @return DPB_SLOW_FRAME_LEN.
 */
size_t dpb_lacpdu_encode(const struct dpb_lacpdu *pdu, const struct dpb_mac *src,
			 uint8_t buf[DPB_SLOW_FRAME_LEN]);

/** Writes a whole Marker PDU frame, as dpb_lacpdu_encode(). */
size_t dpb_marker_encode(const struct dpb_marker_pdu *pdu, const struct dpb_mac *src,
			 uint8_t buf[DPB_SLOW_FRAME_LEN]);

#endif
