/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LACPDU and Marker PDU codecs (802.1AX-2014 6.4.2.3, 6.5.3.3). Offsets are
 * from the octet after the ethertype:
 *
 * LACPDU                                 Marker PDU
 *   0 subtype 0x01  1 version              0 subtype 0x02  1 version
 *   2 TLV 0x01, len 20: actor              2 TLV 0x01 (info) / 0x02 (response), len 16
 *      4 sys prio 6 system 12 key            4 requester port  6 system
 *     14 port prio 16 port 18 state         12 transaction id 16 pad (2)
 *     19 reserved (3)                     18 TLV 0x00, len 0
 *  22 TLV 0x02, len 20: partner (same)    20 reserved (90)
 *  42 TLV 0x03, len 16: collector
 *     44 max delay 46 reserved (12)
 *  58 TLV 0x00, len 0    60 reserved (50)
 */
#include <string.h>

#include "dpb_lacp_pdu.h"

_Static_assert(DPB_SLOW_PDU_LEN == 110, "802.1AX: 110 octets after the ethertype");
_Static_assert(DPB_SLOW_FRAME_LEN == 124, "a Slow Protocols frame without FCS");

static const uint8_t slow_dst[DPB_MAC_LEN] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x02 };

static const char *const error_names[] = {
	[DPB_SLOW_OK] = "ok",
#define X(id, name, desc) [DPB_SLOW_ERR_##id] = name,
	DPB_SLOW_ERRORS(X)
#undef X
};

const char *dpb_slow_error_name(enum dpb_slow_error e)
{
	return (unsigned int)e < DPB_SLOW_ERR_COUNT ? error_names[e] : "unknown";
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

int dpb_slow_subtype(const uint8_t *pdu, size_t len)
{
	if (len < 1)
		return -1;
	if (pdu[0] == DPB_SLOW_SUBTYPE_LACP || pdu[0] == DPB_SLOW_SUBTYPE_MARKER)
		return pdu[0];
	return -1;
}

/* A TLV header at @p: type @type, length @len. */
static bool tlv_is(const uint8_t *p, uint8_t type, uint8_t len)
{
	return p[0] == type && p[1] == len;
}

static void get_info(const uint8_t *p, struct dpb_lacp_info *i)
{
	i->system_priority = get16(p);
	memcpy(i->system.b, p + 2, DPB_MAC_LEN);
	i->key = get16(p + 8);
	i->port_priority = get16(p + 10);
	i->port = get16(p + 12);
	i->state = p[14];
}

static void put_info(uint8_t *p, uint8_t type, const struct dpb_lacp_info *i)
{
	p[0] = type;
	p[1] = 20;
	put16(p + 2, i->system_priority);
	memcpy(p + 4, i->system.b, DPB_MAC_LEN);
	put16(p + 10, i->key);
	put16(p + 12, i->port_priority);
	put16(p + 14, i->port);
	p[16] = i->state;
}

enum dpb_slow_error dpb_lacpdu_decode(const uint8_t *pdu, size_t len, struct dpb_lacpdu *out)
{
	/* The whole PDU, reserved octets included, as Linux requires. */
	if (len < DPB_SLOW_PDU_LEN)
		return DPB_SLOW_ERR_TOO_SHORT;
	if (pdu[0] != DPB_SLOW_SUBTYPE_LACP)
		return DPB_SLOW_ERR_UNKNOWN_SUBTYPE;
	if (pdu[1] == 0)
		return DPB_SLOW_ERR_BAD_VERSION;
	if (!tlv_is(pdu + 2, 0x01, 20))
		return DPB_SLOW_ERR_BAD_ACTOR_TLV;
	if (!tlv_is(pdu + 22, 0x02, 20))
		return DPB_SLOW_ERR_BAD_PARTNER_TLV;
	if (!tlv_is(pdu + 42, 0x03, 16))
		return DPB_SLOW_ERR_BAD_COLLECTOR_TLV;
	if (!tlv_is(pdu + 58, 0x00, 0))
		return DPB_SLOW_ERR_BAD_TERMINATOR;
	out->version = pdu[1];
	get_info(pdu + 4, &out->actor);
	get_info(pdu + 24, &out->partner);
	out->collector_max_delay = get16(pdu + 44);
	return DPB_SLOW_OK;
}

enum dpb_slow_error dpb_marker_decode(const uint8_t *pdu, size_t len, struct dpb_marker_pdu *out)
{
	if (len < DPB_SLOW_PDU_LEN)
		return DPB_SLOW_ERR_TOO_SHORT;
	if (pdu[0] != DPB_SLOW_SUBTYPE_MARKER)
		return DPB_SLOW_ERR_UNKNOWN_SUBTYPE;
	if (pdu[1] == 0)
		return DPB_SLOW_ERR_BAD_VERSION;
	if (!tlv_is(pdu + 2, 0x01, 16) && !tlv_is(pdu + 2, 0x02, 16))
		return DPB_SLOW_ERR_BAD_MARKER_TLV;
	if (!tlv_is(pdu + 18, 0x00, 0))
		return DPB_SLOW_ERR_BAD_TERMINATOR;
	out->version = pdu[1];
	out->response = pdu[2] == 0x02;
	out->requester_port = get16(pdu + 4);
	memcpy(out->requester_system.b, pdu + 6, DPB_MAC_LEN);
	out->requester_transaction_id = get32(pdu + 12);
	return DPB_SLOW_OK;
}

static uint8_t *frame_header(const struct dpb_mac *src, uint8_t *buf)
{
	memset(buf, 0, DPB_SLOW_FRAME_LEN);
	memcpy(buf, slow_dst, DPB_MAC_LEN);
	memcpy(buf + 6, src->b, DPB_MAC_LEN);
	put16(buf + 12, DPB_SLOW_ETHERTYPE);
	return buf + 14;
}

size_t dpb_lacpdu_encode(const struct dpb_lacpdu *pdu, const struct dpb_mac *src,
			 uint8_t buf[DPB_SLOW_FRAME_LEN])
{
	uint8_t *p = frame_header(src, buf);

	p[0] = DPB_SLOW_SUBTYPE_LACP;
	p[1] = 1;
	put_info(p + 2, 0x01, &pdu->actor);
	put_info(p + 22, 0x02, &pdu->partner);
	p[42] = 0x03;
	p[43] = 16;
	put16(p + 44, pdu->collector_max_delay);
	/* Terminator (0, 0) and the reserved octets are already zero. */
	return DPB_SLOW_FRAME_LEN;
}

size_t dpb_marker_encode(const struct dpb_marker_pdu *pdu, const struct dpb_mac *src,
			 uint8_t buf[DPB_SLOW_FRAME_LEN])
{
	uint8_t *p = frame_header(src, buf);

	p[0] = DPB_SLOW_SUBTYPE_MARKER;
	p[1] = 1;
	p[2] = pdu->response ? 0x02 : 0x01;
	p[3] = 16;
	put16(p + 4, pdu->requester_port);
	memcpy(p + 6, pdu->requester_system.b, DPB_MAC_LEN);
	put32(p + 12, pdu->requester_transaction_id);
	return DPB_SLOW_FRAME_LEN;
}
