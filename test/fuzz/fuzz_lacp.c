/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: lib/lacp's Slow Protocols decoders (LACPDU, Marker PDU) and,
 * behind them, an LACP actor fed what they accept, as a partner that lies.
 *
 * Input: one byte of actor parameters (bit 0 active, 1 fast, 2-3 ad_select,
 * 4 independent control), then records until the input ends:
 *   CTL [LEN PDU...]
 *   CTL bits 0-1: the port (4 ports); bits 4-7: 100 ms steps of time before
 *   the record (the machines run at each step); bit 2 set: a link event
 *   (bit 3 up or down, no payload); else LEN and LEN octets of a Slow
 *   Protocols PDU (from the subtype on, as after the ethertype).
 *
 * Checked: a PDU that decodes re-encodes to octets that decode to the same
 * fields (version 1 whatever it came with); a Marker Information gets a Response that decodes as one with the
 * same requester; distributing implies collecting; no more than
 * DPB_LACP_TX_PER_FAST_PERIOD LACPDUs leave a port at one instant.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpb_lacp.h"
#include "dpb_lacp_pdu.h"
#include "fuzz_target.h"

#define N_PORTS 4

static unsigned int sent_now[N_PORTS];

static void on_send(void *ctx, unsigned int port, const struct dpb_lacpdu *pdu)
{
	struct dpb_lacpdu back;
	uint8_t frame[DPB_SLOW_FRAME_LEN];
	const struct dpb_mac src = { .b = { 0x02, 0, 0x5e, 0, 0x53, (uint8_t)port } };

	(void)ctx;
	FUZZ_CHECK(port < N_PORTS, "LACPDU sent on a port never added");
	sent_now[port]++;
	FUZZ_CHECK(sent_now[port] <= DPB_LACP_TX_PER_FAST_PERIOD, "too many LACPDUs at one instant");
	/* What we send must be what we read. */
	dpb_lacpdu_encode(pdu, &src, frame);
	FUZZ_CHECK(dpb_lacpdu_decode(frame + 14, DPB_SLOW_PDU_LEN, &back) == DPB_SLOW_OK,
		   "own LACPDU does not decode");
}

/* Fields of two decoded LACPDUs, compared one by one (no padding compared). */
static bool info_eq(const struct dpb_lacp_info *a, const struct dpb_lacp_info *b)
{
	return a->system_priority == b->system_priority && dpb_mac_eq(&a->system, &b->system) &&
	       a->key == b->key && a->port_priority == b->port_priority && a->port == b->port &&
	       a->state == b->state;
}

static void lacpdu_roundtrip(const struct dpb_lacpdu *pdu)
{
	static const struct dpb_mac src = { .b = { 0x02, 0, 0x5e, 0, 0x53, 0x10 } };
	uint8_t frame[DPB_SLOW_FRAME_LEN];
	struct dpb_lacpdu back;

	FUZZ_CHECK(dpb_lacpdu_encode(pdu, &src, frame) == DPB_SLOW_FRAME_LEN, "encode length");
	FUZZ_CHECK(dpb_lacpdu_decode(frame + 14, DPB_SLOW_PDU_LEN, &back) == DPB_SLOW_OK,
		   "re-encoded LACPDU does not decode");
	/* Version: any non-zero decodes, ours is always 1 (802.1AX 6.4.2.3 a). */
	FUZZ_CHECK(back.version == 1 && info_eq(&back.actor, &pdu->actor) &&
			   info_eq(&back.partner, &pdu->partner) &&
			   back.collector_max_delay == pdu->collector_max_delay,
		   "LACPDU changed through encode and decode");
}

static void marker(const uint8_t *b, size_t n)
{
	static const struct dpb_mac src = { .b = { 0x02, 0, 0x5e, 0, 0x53, 0x11 } };
	struct dpb_marker_pdu in, resp, back;
	uint8_t frame[DPB_SLOW_FRAME_LEN];

	if (dpb_marker_decode(b, n, &in) != DPB_SLOW_OK)
		return;
	dpb_marker_encode(&in, &src, frame);
	FUZZ_CHECK(dpb_marker_decode(frame + 14, DPB_SLOW_PDU_LEN, &back) == DPB_SLOW_OK &&
			   back.response == in.response && back.requester_port == in.requester_port &&
			   dpb_mac_eq(&back.requester_system, &in.requester_system) &&
			   back.requester_transaction_id == in.requester_transaction_id,
		   "Marker PDU changed through encode and decode");
	if (dpb_marker_respond(&in, &resp) != 0) {
		FUZZ_CHECK(in.response, "no answer to a Marker Information");
		return;
	}
	dpb_marker_encode(&resp, &src, frame);
	FUZZ_CHECK(dpb_marker_decode(frame + 14, DPB_SLOW_PDU_LEN, &back) == DPB_SLOW_OK &&
			   back.response && back.requester_port == in.requester_port &&
			   back.requester_transaction_id == in.requester_transaction_id,
		   "Marker Response is not the Information's");
}

static void check_ports(const struct dpb_lacp *l)
{
	for (unsigned int p = 0; p < N_PORTS; p++) {
		struct dpb_lacp_port_status st;

		FUZZ_CHECK(dpb_lacp_port_status(l, p, &st) == 0, "status of an added port");
		FUZZ_CHECK(!dpb_lacp_distributing(l, p) || dpb_lacp_collecting(l, p),
			   "distributing without collecting");
	}
	(void)dpb_lacp_active_aggregator(l);
	(void)dpb_lacp_active_ports(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dpb_lacp_params prm = {
		.system_priority = 65535,
		.system = { .b = { 0x02, 0, 0x5e, 0, 0x53, 0x01 } },
	};
	struct dpb_lacp *l;
	uint64_t now = 1000;
	size_t i = 1;

	if (size < 1)
		return 0;
	prm.active = data[0] & 1;
	prm.fast = data[0] & 2;
	prm.ad_select = (enum dpb_lacp_ad_select)((data[0] >> 2 & 3) % 3);
	prm.independent_control = data[0] & 0x10;
	l = dpb_lacp_create(&prm, on_send, NULL);
	FUZZ_CHECK(l != NULL, "dpb_lacp_create");
	for (unsigned int p = 0; p < N_PORTS; p++) {
		FUZZ_CHECK(dpb_lacp_add_port(l, p, 255) == 0, "dpb_lacp_add_port");
		dpb_lacp_port_link(l, p, true, 10000, true, now);
	}
	while (i < size) {
		uint8_t ctl = data[i++];
		unsigned int port = ctl & 3;

		for (unsigned int step = 0; step < (unsigned int)(ctl >> 4); step++) {
			now += 100;
			memset(sent_now, 0, sizeof(sent_now));
			dpb_lacp_tick(l, now);
		}
		memset(sent_now, 0, sizeof(sent_now));
		if (ctl & 4) {
			dpb_lacp_port_link(l, port, ctl & 8, (ctl & 8) ? 1000 : 0, true, now);
		} else if (i < size) {
			size_t n = data[i++];
			const uint8_t *pdu = data + i;
			struct dpb_lacpdu in;

			if (n > size - i)
				n = size - i;
			i += n;
			/* The decoders get exactly n octets: a read past them is found. */
			uint8_t *copy = malloc(n ? n : 1);

			FUZZ_CHECK(copy != NULL, "malloc");
			memcpy(copy, pdu, n);
			switch (dpb_slow_subtype(copy, n)) {
			case DPB_SLOW_SUBTYPE_LACP:
				if (dpb_lacpdu_decode(copy, n, &in) == DPB_SLOW_OK) {
					lacpdu_roundtrip(&in);
					dpb_lacp_rx(l, port, &in, now);
				}
				break;
			case DPB_SLOW_SUBTYPE_MARKER:
				marker(copy, n);
				break;
			default:
				/* Neither: both decoders must still say why. */
				FUZZ_CHECK(dpb_lacpdu_decode(copy, n, &in) != DPB_SLOW_OK,
					   "a non-LACP subtype decoded as LACP");
				break;
			}
			free(copy);
		}
		check_ports(l);
	}
	dpb_lacp_destroy(l);
	return 0;
}
