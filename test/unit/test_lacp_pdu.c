/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Slow Protocols codecs against PDUs written out octet by octet from the
 * layout of IEEE 802.1AX-2014 6.4.2.3 (LACPDU) and 6.5.3.3 (Marker PDU).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dpb_lacp_pdu.h"

/* An actor in sync, collecting and distributing, fast timeout, active. */
static const uint8_t lacpdu_frame[DPB_SLOW_FRAME_LEN] = {
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x02,     /* destination: Slow Protocols */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x10,     /* source */
	0x88, 0x09,                             /* ethertype */
	0x01, 0x01,                             /* subtype LACP, version 1 */
	0x01, 0x14,                             /* Actor Information, 20 */
	0xff, 0xff,                             /*   system priority 65535 */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x10,     /*   system */
	0x00, 0x0f,                             /*   key 15 (10G full duplex) */
	0x00, 0xff,                             /*   port priority 255 */
	0x00, 0x01,                             /*   port 1 */
	0x3f,                                   /*   state 63 */
	0x00, 0x00, 0x00,                       /*   reserved */
	0x02, 0x14,                             /* Partner Information, 20 */
	0x80, 0x00,                             /*   system priority 32768 */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x99,     /*   system */
	0x00, 0x21,                             /*   key 33 */
	0x00, 0x80,                             /*   port priority 128 */
	0x00, 0x07,                             /*   port 7 */
	0x45,                                   /*   state 69: defaulted */
	0x00, 0x00, 0x00,                       /*   reserved */
	0x03, 0x10,                             /* Collector Information, 16 */
	0x00, 0x05,                             /*   max delay 5 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,     /*   reserved */
	0x00, 0x00,                             /* Terminator */
	/* 50 reserved octets: zero */
};

static const uint8_t marker_frame[DPB_SLOW_FRAME_LEN] = {
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x02,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x99,
	0x88, 0x09,
	0x02, 0x01,                             /* subtype Marker, version 1 */
	0x01, 0x10,                             /* Marker Information, 16 */
	0x00, 0x07,                             /*   requester port 7 */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x99,     /*   requester system */
	0xde, 0xad, 0xbe, 0xef,                 /*   transaction id */
	0x00, 0x00,                             /*   pad */
	0x00, 0x00,                             /* Terminator */
	/* 90 reserved octets: zero */
};

static void test_lacpdu_decode_encode(void **state)
{
	struct dpb_lacpdu d;
	uint8_t buf[DPB_SLOW_FRAME_LEN];
	struct dpb_mac src = { { 0x02, 0, 0, 0, 0, 0x10 } };

	(void)state;
	assert_int_equal(dpb_slow_subtype(lacpdu_frame + 14, DPB_SLOW_PDU_LEN), DPB_SLOW_SUBTYPE_LACP);
	assert_int_equal(dpb_lacpdu_decode(lacpdu_frame + 14, DPB_SLOW_PDU_LEN, &d), DPB_SLOW_OK);
	assert_int_equal(d.version, 1);
	assert_int_equal(d.actor.system_priority, 65535);
	assert_int_equal(d.actor.system.b[5], 0x10);
	assert_int_equal(d.actor.key, 15);
	assert_int_equal(d.actor.port_priority, 255);
	assert_int_equal(d.actor.port, 1);
	assert_int_equal(d.actor.state, DPB_LACP_STATE_ACTIVITY | DPB_LACP_STATE_TIMEOUT |
			 DPB_LACP_STATE_AGGREGATION | DPB_LACP_STATE_SYNCHRONIZATION |
			 DPB_LACP_STATE_COLLECTING | DPB_LACP_STATE_DISTRIBUTING);
	assert_int_equal(d.partner.system_priority, 32768);
	assert_int_equal(d.partner.key, 33);
	assert_int_equal(d.partner.port, 7);
	assert_int_equal(d.partner.state, 69);
	assert_int_equal(d.collector_max_delay, 5);
	/* Encoding what was decoded gives the same octets back. */
	assert_int_equal(dpb_lacpdu_encode(&d, &src, buf), DPB_SLOW_FRAME_LEN);
	assert_memory_equal(buf, lacpdu_frame, DPB_SLOW_FRAME_LEN);
}

static void test_marker_decode_encode(void **state)
{
	struct dpb_marker_pdu m;
	uint8_t buf[DPB_SLOW_FRAME_LEN];
	struct dpb_mac src = { { 0x02, 0, 0, 0, 0, 0x99 } };

	(void)state;
	assert_int_equal(dpb_marker_decode(marker_frame + 14, DPB_SLOW_PDU_LEN, &m), DPB_SLOW_OK);
	assert_false(m.response);
	assert_int_equal(m.requester_port, 7);
	assert_int_equal(m.requester_transaction_id, 0xdeadbeef);
	dpb_marker_encode(&m, &src, buf);
	assert_memory_equal(buf, marker_frame, DPB_SLOW_FRAME_LEN);
	/* The responder's answer differs only in the TLV type. */
	m.response = true;
	dpb_marker_encode(&m, &src, buf);
	assert_int_equal(buf[16], 0x02);
	buf[16] = 0x01;
	assert_memory_equal(buf, marker_frame, DPB_SLOW_FRAME_LEN);
}

/* Each damage gives its own reason. */
static void test_errors(void **state)
{
	uint8_t p[DPB_SLOW_PDU_LEN];
	struct dpb_lacpdu d;
	struct dpb_marker_pdu m;
	static const struct { size_t off; uint8_t val; enum dpb_slow_error err; } cases[] = {
		{ 0, 0x03, DPB_SLOW_ERR_UNKNOWN_SUBTYPE },
		{ 1, 0x00, DPB_SLOW_ERR_BAD_VERSION },
		{ 2, 0x02, DPB_SLOW_ERR_BAD_ACTOR_TLV },
		{ 3, 0x13, DPB_SLOW_ERR_BAD_ACTOR_TLV },
		{ 22, 0x01, DPB_SLOW_ERR_BAD_PARTNER_TLV },
		{ 43, 0x11, DPB_SLOW_ERR_BAD_COLLECTOR_TLV },
		{ 58, 0x05, DPB_SLOW_ERR_BAD_TERMINATOR },
		{ 59, 0x01, DPB_SLOW_ERR_BAD_TERMINATOR },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		memcpy(p, lacpdu_frame + 14, sizeof(p));
		p[cases[k].off] = cases[k].val;
		assert_int_equal(dpb_lacpdu_decode(p, sizeof(p), &d), cases[k].err);
	}
	/* A later version is read as version 1 (802.1AX 6.4.2.3). */
	memcpy(p, lacpdu_frame + 14, sizeof(p));
	p[1] = 2;
	assert_int_equal(dpb_lacpdu_decode(p, sizeof(p), &d), DPB_SLOW_OK);
	for (size_t n = 0; n < DPB_SLOW_PDU_LEN; n++)
		assert_int_equal(dpb_lacpdu_decode(lacpdu_frame + 14, n, &d), DPB_SLOW_ERR_TOO_SHORT);
	memcpy(p, marker_frame + 14, sizeof(p));
	p[2] = 0x03;
	assert_int_equal(dpb_marker_decode(p, sizeof(p), &m), DPB_SLOW_ERR_BAD_MARKER_TLV);
	assert_int_equal(dpb_marker_decode(lacpdu_frame + 14, sizeof(p), &m),
			 DPB_SLOW_ERR_UNKNOWN_SUBTYPE);
	assert_int_equal(dpb_slow_subtype(p, 0), -1);
	assert_string_equal(dpb_slow_error_name(DPB_SLOW_ERR_BAD_COLLECTOR_TLV), "bad-collector-tlv");
}

/* Random octets never crash a decoder and always give a known answer. */
static void test_random_bytes(void **state)
{
	uint8_t p[DPB_SLOW_PDU_LEN];
	struct dpb_lacpdu d;
	struct dpb_marker_pdu m;

	(void)state;
	srand(1);
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)rand() % (sizeof(p) + 1);

		for (size_t i = 0; i < sizeof(p); i++)
			p[i] = (uint8_t)rand();
		p[0] = (uint8_t)(1 + round % 2);   /* often a known subtype */
		assert_true(dpb_lacpdu_decode(p, n, &d) < DPB_SLOW_ERR_COUNT);
		assert_true(dpb_marker_decode(p, n, &m) < DPB_SLOW_ERR_COUNT);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lacpdu_decode_encode),
		cmocka_unit_test(test_marker_decode_encode),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_random_bytes),
	};

	return cmocka_run_group_tests_name("lacp_pdu", tests, NULL, NULL);
}
