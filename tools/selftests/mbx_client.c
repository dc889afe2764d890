// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * mbx_client - a hostile VF: speaks the VF side of the 82576 PF<->VF
 * mailbox straight through a VF's BAR 0, mapped from sysfs, so the tests
 * can send the PF anything at all (common/iovnet_mbx.h has the protocol).
 *
 * The VF must have no driver bound: the PCI core refuses to map the BAR of
 * a device a driver owns (and the lab kernel has strict devmem).
 *
 * Usage: mbx_client BDF reset
 *        mbx_client BDF send W0 [W1..W15]
 *        mbx_client BDF fuzz N SEED
 *        mbx_client BDF flood SECONDS [W0 [W1..W15]]
 *        mbx_client BDF hold SECONDS
 *        mbx_client BDF rstloop N [SECONDS]
 *        mbx_client BDF rtt N [noreset]
 *
 * Build: gcc -Wall -Wextra -O2 -Iinclude -I../../common -o mbx_client mbx_client.c
 * (include/ lets the protocol header of common/ compile in userspace)
 *
 * Exits 0 whatever the PF answers (ACK, NACK or nothing): the caller judges
 * the printed figures. Exits 1 on a usage error, 2 when the BAR cannot be
 * mapped or does not answer.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "iovnet_mbx.h"
#include "iovnet_regs.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* V2PMAILBOX bits that clear when read */
#define MBX_READ_CLEAR		(IOVNET_VF_MBX_PFSTS | IOVNET_VF_MBX_PFACK | \
				 IOVNET_VF_MBX_RSTD)

#define MSG_ID(w)		FIELD_GET(IOVNET_MBX_ID, (uint32_t)(w))
#define MSG_INFO(w)		FIELD_GET(IOVNET_MBX_INFO, (uint32_t)(w))
#define MSG(id, info)		((uint32_t)(FIELD_PREP(IOVNET_MBX_ID, id) | \
					    FIELD_PREP(IOVNET_MBX_INFO, info)))

#define REPLY_TIMEOUT_NS	(2 * 1000000000ull)
#define LOCK_TIMEOUT_NS		(100 * 1000000ull)

struct vf {
	volatile uint32_t *bar;
	size_t len;
	uint32_t sticky;	/* read-to-clear bits seen so far */
	uint64_t unsolicited;	/* PF_CONTROL messages taken on the way */
	uint64_t stale;		/* late replies found before a request */
};

enum result { R_ACK, R_NACK, R_OTHER, R_TIMEOUT, R_BUSY };

static const char * const result_name[] = {
	[R_ACK] = "ACK", [R_NACK] = "NACK", [R_OTHER] = "OTHER",
	[R_TIMEOUT] = "TIMEOUT", [R_BUSY] = "BUSY",
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void pause_us(unsigned int us)
{
	struct timespec ts = { .tv_nsec = us * 1000l };

	nanosleep(&ts, NULL);
}

static uint32_t rd32(struct vf *vf, uint32_t reg)
{
	return vf->bar[reg / 4];
}

static void wr32(struct vf *vf, uint32_t reg, uint32_t val)
{
	vf->bar[reg / 4] = val;
}

/* Read V2PMAILBOX, keeping the bits the read clears */
static uint32_t mbx_status(struct vf *vf)
{
	uint32_t v = rd32(vf, IOVNET_VF_MBX);

	vf->sticky |= v & MBX_READ_CLEAR;
	return v;
}

/* Take the buffer: VFU reads back set and PFU clear */
static bool mbx_lock(struct vf *vf, uint64_t timeout_ns)
{
	uint64_t end = now_ns() + timeout_ns;
	uint32_t v;

	for (;;) {
		wr32(vf, IOVNET_VF_MBX, IOVNET_VF_MBX_VFU);
		v = mbx_status(vf);
		if ((v & IOVNET_VF_MBX_VFU) && !(v & IOVNET_VF_MBX_PFU))
			return true;
		if (now_ns() >= end)
			return false;
		pause_us(10);
	}
}

static void mbx_unlock(struct vf *vf)
{
	wr32(vf, IOVNET_VF_MBX, 0);
}

/* Wait for a read-to-clear bit; true when seen (and consumed) */
static bool mbx_wait(struct vf *vf, uint32_t bit, uint64_t end, bool spin)
{
	for (;;) {
		mbx_status(vf);
		if (vf->sticky & bit) {
			vf->sticky &= ~bit;
			return true;
		}
		if (now_ns() >= end)
			return false;
		if (spin)
			sched_yield();
		else
			pause_us(5);
	}
}

/* Read the PF's message (PFSTS already seen) and acknowledge it */
static bool mbx_take_reply(struct vf *vf, uint32_t *reply)
{
	unsigned int i;

	if (!mbx_lock(vf, LOCK_TIMEOUT_NS))
		return false;
	for (i = 0; i < IOVNET_MBX_WORDS; i++)
		reply[i] = rd32(vf, IOVNET_VF_VMBMEM + 4 * i);
	/* ACK without VFU: also releases the buffer */
	wr32(vf, IOVNET_VF_MBX, IOVNET_VF_MBX_ACK);
	return true;
}

/* A message the PF left for us since the last exchange: take it */
static void mbx_drain(struct vf *vf)
{
	uint32_t old[IOVNET_MBX_WORDS];

	mbx_status(vf);
	vf->sticky &= ~IOVNET_VF_MBX_PFACK;
	if (!(vf->sticky & IOVNET_VF_MBX_PFSTS))
		return;
	vf->sticky &= ~IOVNET_VF_MBX_PFSTS;
	if (!mbx_take_reply(vf, old))
		return;
	if (MSG_ID(old[0]) == IOVNET_MBX_PF_CONTROL)
		vf->unsolicited++;
	else
		vf->stale++;
}

/*
 * One request and its reply: lock, write all 16 words, REQ, wait for PFACK
 * and PFSTS (2 s in all), lock, read, ACK. PF_CONTROL messages that arrive
 * instead of the reply are acknowledged and skipped.
 */
static enum result mbx_exchange(struct vf *vf, const uint32_t *msg,
				uint32_t *reply)
{
	uint64_t end;
	unsigned int i;

	mbx_drain(vf);
	if (!mbx_lock(vf, LOCK_TIMEOUT_NS)) {
		mbx_unlock(vf);
		return R_BUSY;
	}
	for (i = 0; i < IOVNET_MBX_WORDS; i++)
		wr32(vf, IOVNET_VF_VMBMEM + 4 * i, msg[i]);
	wr32(vf, IOVNET_VF_MBX, IOVNET_VF_MBX_REQ);	/* also releases VFU */

	end = now_ns() + REPLY_TIMEOUT_NS;
	if (!mbx_wait(vf, IOVNET_VF_MBX_PFACK, end, false))
		return R_TIMEOUT;
	for (;;) {
		if (!mbx_wait(vf, IOVNET_VF_MBX_PFSTS, end, false))
			return R_TIMEOUT;
		if (!mbx_take_reply(vf, reply))
			return R_BUSY;
		if (MSG_ID(reply[0]) == IOVNET_MBX_PF_CONTROL &&
		    MSG_ID(msg[0]) != IOVNET_MBX_PF_CONTROL) {
			vf->unsolicited++;
			continue;
		}
		break;
	}
	if (MSG_ID(reply[0]) != MSG_ID(msg[0]))
		return R_OTHER;
	if (reply[0] & IOVNET_MBX_ACK)
		return reply[0] & IOVNET_MBX_NACK ? R_OTHER : R_ACK;
	return reply[0] & IOVNET_MBX_NACK ? R_NACK : R_OTHER;
}

/* The rules of iovnet_mbx_validate(), restated from the protocol */
static bool mac_valid(const uint32_t *msg)
{
	uint8_t a[6];
	unsigned int i;

	for (i = 0; i < 6; i++)
		a[i] = msg[1 + i / 4] >> (8 * (i % 4));
	if (a[0] & 1)
		return false;	/* multicast or broadcast */
	for (i = 0; i < 6; i++)
		if (a[i])
			return true;
	return false;		/* all zero */
}

static bool msg_well_formed(const uint32_t *msg)
{
	uint32_t w0 = msg[0], info = MSG_INFO(w0), i, hash;

	if (w0 & IOVNET_MBX_FLAGS)
		return false;
	switch (MSG_ID(w0)) {
	case IOVNET_MBX_VF_RESET:
	case IOVNET_MBX_GET_CAPS:
	case IOVNET_MBX_GET_LINK:
	case IOVNET_MBX_GET_RSS:
		return !info;
	case IOVNET_MBX_SET_MAC:
		if (info == IOVNET_MBX_MAC_FILTER_CLR)
			return true;
		if (info != IOVNET_MBX_MAC_PRIMARY && info != IOVNET_MBX_MAC_FILTER_ADD)
			return false;
		/* All zeros: the VF lets its primary address go */
		if (info == IOVNET_MBX_MAC_PRIMARY && !msg[1] && !(msg[2] & 0xffff))
			return true;
		return mac_valid(msg);
	case IOVNET_MBX_SET_MULTICAST:
		if (info > IOVNET_MBX_MAX_MC_HASHES)
			return false;
		for (i = 0; i < info; i++) {
			hash = msg[1 + i / 2] >> (16 * (i % 2)) & 0xffff;
			if (hash > IOVNET_MBX_MC_HASH_MAX)
				return false;
		}
		return true;
	case IOVNET_MBX_SET_VLAN:
		return !(info & ~1u) && msg[1] < 4096;
	case IOVNET_MBX_SET_LPE:
		return !info && msg[1] >= IOVNET_MBX_MIN_FRAME && msg[1] <= IOVNET_MBX_MAX_FRAME;
	case IOVNET_MBX_SET_PROMISC:
		return !(info & ~3u);
	case IOVNET_MBX_SET_RSS:
		return !info && msg[1] <= 1;
	default:
		return false;
	}
}

/*
 * With no driver bound, nothing has turned on the VF's memory decoding
 * (PCI_COMMAND_MEMORY); QEMU's VF then ignores every access to the BAR.
 */
static void enable_memory(const char *bdf)
{
	char path[256];
	uint16_t cmd;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return;
	if (pread(fd, &cmd, 2, 4) == 2 && !(cmd & 0x2)) {
		cmd |= 0x2;
		if (pwrite(fd, &cmd, 2, 4) != 2)
			fprintf(stderr, "mbx_client: cannot enable memory decoding of %s\n",
				bdf);
	}
	close(fd);
}

static int open_vf(struct vf *vf, const char *bdf)
{
	char path[256];
	struct stat st;
	void *p;
	int fd;

	if (strchr(bdf, '/')) {
		snprintf(path, sizeof(path), "%s", bdf);
	} else {
		enable_memory(bdf);
		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/resource0", bdf);
	}
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		fprintf(stderr, "mbx_client: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || st.st_size < IOVNET_VF_MBX + 4) {
		fprintf(stderr, "mbx_client: %s: BAR too small\n", path);
		close(fd);
		return -1;
	}
	vf->len = st.st_size;
	p = mmap(NULL, vf->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "mbx_client: mmap %s: %s (is a driver bound?)\n",
			path, strerror(errno));
		return -1;
	}
	vf->bar = p;
	if (rd32(vf, IOVNET_VF_MBX) == 0xffffffff) {
		fprintf(stderr, "mbx_client: %s reads all ones: memory decoding off?\n",
			path);
		return -1;
	}
	return 0;
}

static void print_reply(enum result r, const uint32_t *reply)
{
	unsigned int i, n = IOVNET_MBX_WORDS;

	printf("result: %s\n", result_name[r]);
	if (r == R_TIMEOUT || r == R_BUSY)
		return;
	while (n > 1 && !reply[n - 1])
		n--;
	printf("reply:");
	for (i = 0; i < n; i++)
		printf(" 0x%08" PRIx32, reply[i]);
	printf("\n");
}

static int do_reset(struct vf *vf)
{
	uint32_t msg[IOVNET_MBX_WORDS] = { MSG(IOVNET_MBX_VF_RESET, 0) };
	uint32_t reply[IOVNET_MBX_WORDS] = { 0 };
	uint64_t end;
	enum result r;

	wr32(vf, IOVNET_CTRL, IOVNET_CTRL_RST);
	end = now_ns() + REPLY_TIMEOUT_NS;
	while (mbx_status(vf) & IOVNET_VF_MBX_RSTI) {
		if (now_ns() >= end) {
			printf("result: TIMEOUT (RSTI still set)\n");
			return 0;
		}
		pause_us(100);
	}
	r = mbx_exchange(vf, msg, reply);
	print_reply(r, reply);
	if (r == R_ACK)
		printf("mac: %02x:%02x:%02x:%02x:%02x:%02x\n",
		       reply[1] & 0xff, reply[1] >> 8 & 0xff,
		       reply[1] >> 16 & 0xff, reply[1] >> 24,
		       reply[2] & 0xff, reply[2] >> 8 & 0xff);
	return 0;
}

static int parse_words(int argc, char **argv, uint32_t *msg)
{
	int i;

	if (argc > IOVNET_MBX_WORDS)
		return -1;
	for (i = 0; i < argc; i++) {
		char *e;
		unsigned long v;

		errno = 0;
		v = strtoul(argv[i], &e, 0);
		if (errno || *e || v > 0xffffffffUL)
			return -1;
		msg[i] = v;
	}
	return 0;
}

static int do_send(struct vf *vf, int argc, char **argv)
{
	uint32_t msg[IOVNET_MBX_WORDS] = { 0 }, reply[IOVNET_MBX_WORDS] = { 0 };

	if (!argc || parse_words(argc, argv, msg))
		return 1;
	print_reply(mbx_exchange(vf, msg, reply), reply);
	return 0;
}

/* xorshift64* */
static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 0x2545f4914f6cdd1dull) >> 32;
}

static uint32_t rnd_range(uint32_t lo, uint32_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

static void put_mac(uint32_t *msg, const uint8_t *a)
{
	msg[1] = a[0] | a[1] << 8 | a[2] << 16 | (uint32_t)a[3] << 24;
	msg[2] = a[4] | a[5] << 8;
}

/* What the PF must answer, as far as the protocol alone decides */
enum expect { E_ACK, E_NACK, E_ANY };

/* A well-formed request any VF in the CTS state gets an ACK for */
static enum expect gen_good(uint32_t *msg, const uint8_t *own_mac)
{
	unsigned int i, n;

	switch (rnd() % 10) {
	case 0:
		msg[0] = MSG(IOVNET_MBX_GET_LINK, 0);
		break;
	case 1:
		msg[0] = MSG(IOVNET_MBX_GET_CAPS, 0);
		break;
	case 2:
		msg[0] = MSG(IOVNET_MBX_SET_LPE, 0);
		msg[1] = rnd_range(IOVNET_MBX_MIN_FRAME, IOVNET_MAX_FRAME);
		break;
	case 3:
		n = rnd() % (IOVNET_MBX_MAX_MC_HASHES + 1);
		msg[0] = MSG(IOVNET_MBX_SET_MULTICAST, n);
		for (i = 0; i < n; i++)
			msg[1 + i / 2] |= (rnd() & IOVNET_MBX_MC_HASH_MAX) << (16 * (i % 2));
		break;
	case 4:
		msg[0] = MSG(IOVNET_MBX_SET_VLAN, 0);	/* remove: always fine */
		msg[1] = rnd() % 4096;
		break;
	case 5:
		msg[0] = MSG(IOVNET_MBX_SET_PROMISC, 0);
		break;
	case 6:
		msg[0] = MSG(IOVNET_MBX_SET_RSS, 0);
		msg[1] = rnd() & 1;
		break;
	case 7:
		msg[0] = MSG(IOVNET_MBX_SET_MAC, IOVNET_MBX_MAC_FILTER_CLR);
		break;
	case 8:
		if (own_mac) {
			msg[0] = MSG(IOVNET_MBX_SET_MAC, IOVNET_MBX_MAC_PRIMARY);
			put_mac(msg, own_mac);
		} else {
			msg[0] = MSG(IOVNET_MBX_GET_LINK, 0);
		}
		break;
	default:
		/* now and then a whole reset handshake */
		if (own_mac && rnd() % 20 == 0)
			msg[0] = MSG(IOVNET_MBX_VF_RESET, 0);
		else
			msg[0] = MSG(IOVNET_MBX_GET_LINK, 0);
		break;
	}
	return E_ACK;
}

/* Valid IDs with a bad argument or field, or refused by policy */
static enum expect gen_bad(uint32_t *msg)
{
	static const uint8_t bad_macs[][6] = {
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
		{ 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 },
	};
	static const uint16_t ids[] = {
		IOVNET_MBX_VF_RESET, IOVNET_MBX_SET_MAC, IOVNET_MBX_SET_MULTICAST, IOVNET_MBX_SET_VLAN,
		IOVNET_MBX_SET_LPE, IOVNET_MBX_SET_PROMISC, IOVNET_MBX_GET_CAPS, IOVNET_MBX_GET_LINK,
		IOVNET_MBX_SET_RSS, IOVNET_MBX_GET_RSS,
	};
	static const uint16_t no_info[] = {
		IOVNET_MBX_VF_RESET, IOVNET_MBX_GET_CAPS, IOVNET_MBX_GET_LINK, IOVNET_MBX_SET_LPE, IOVNET_MBX_SET_RSS,
		IOVNET_MBX_GET_RSS,
	};
	static const uint16_t unknown[] = {
		0x0000, 0x0007, 0x00ff, 0x0101, 0x01ff, 0x0204, 0x0300, 0xffff,
	};
	uint8_t mac[6];
	unsigned int i, n;

	switch (rnd() % 16) {
	case 0:		/* a flag the PF alone may set */
		msg[0] = MSG(ids[rnd() % ARRAY_LEN(ids)], 0) |
			 (IOVNET_MBX_CTS << (rnd() % 3));
		msg[1] = 1518;
		break;
	case 1:		/* info on an ID that takes none */
		msg[0] = MSG(no_info[rnd() % ARRAY_LEN(no_info)], rnd_range(1, 255));
		msg[1] = 1518;
		break;
	case 2:
		msg[0] = MSG(IOVNET_MBX_SET_MAC, rnd_range(3, 255));
		put_mac(msg, (const uint8_t[]){ 0x02, 0, 0, 0, 0xee, 1 });
		break;
	case 3:		/* all zeros is well formed as a primary address */
		i = rnd() % 4;
		msg[0] = MSG(IOVNET_MBX_SET_MAC, rnd() & 1 && i != 2 ?
			     IOVNET_MBX_MAC_PRIMARY : IOVNET_MBX_MAC_FILTER_ADD);
		put_mac(msg, bad_macs[i]);
		break;
	case 4:
		msg[0] = MSG(IOVNET_MBX_SET_MULTICAST, rnd_range(IOVNET_MBX_MAX_MC_HASHES + 1,
							 255));
		break;
	case 5:		/* one hash beyond 12 bits */
		n = rnd_range(1, IOVNET_MBX_MAX_MC_HASHES);
		msg[0] = MSG(IOVNET_MBX_SET_MULTICAST, n);
		for (i = 0; i < n; i++)
			msg[1 + i / 2] |= (rnd() & IOVNET_MBX_MC_HASH_MAX) << (16 * (i % 2));
		i = rnd() % n;
		msg[1 + i / 2] |= rnd_range(0x1000, 0xffff) << (16 * (i % 2));
		break;
	case 6:
		msg[0] = MSG(IOVNET_MBX_SET_VLAN, rnd_range(2, 255));
		msg[1] = 100;
		break;
	case 7:
		msg[0] = MSG(IOVNET_MBX_SET_VLAN, rnd() & 1);
		msg[1] = rnd() & 1 ? rnd_range(4096, 65535) : rnd() | 0x1000;
		break;
	case 8:		/* frame too small, or beyond the protocol */
		msg[0] = MSG(IOVNET_MBX_SET_LPE, 0);
		msg[1] = rnd() & 1 ? rnd() % IOVNET_MBX_MIN_FRAME :
			 rnd_range(IOVNET_MBX_MAX_FRAME + 1, 0xffffffff);
		break;
	case 9:		/* well formed, beyond what the device takes */
		msg[0] = MSG(IOVNET_MBX_SET_LPE, 0);
		msg[1] = rnd_range(IOVNET_MAX_FRAME + 1, IOVNET_MBX_MAX_FRAME);
		break;
	case 10:
		msg[0] = MSG(IOVNET_MBX_SET_PROMISC, rnd_range(4, 255));
		break;
	case 11:
		msg[0] = MSG(IOVNET_MBX_SET_RSS, 0);
		msg[1] = rnd_range(2, 0xffffffff);
		break;
	case 12:	/* the PF's own message, from a VF */
		msg[0] = MSG(IOVNET_MBX_PF_CONTROL, rnd() % 2);
		break;
	case 13:	/* unknown IDs next to the known ones */
		msg[0] = MSG(unknown[rnd() % ARRAY_LEN(unknown)], 0);
		break;
	case 14:	/* policy: an untrusted VF may not go promiscuous */
		msg[0] = MSG(IOVNET_MBX_SET_PROMISC, rnd_range(1, 3));
		break;
	default:	/* policy: untrusted, administrative MAC: no new MAC */
		for (i = 0; i < 6; i++)
			mac[i] = rnd();
		mac[0] = (mac[0] & 0xfe) | 0x02;
		msg[0] = MSG(IOVNET_MBX_SET_MAC, rnd() & 1 ? IOVNET_MBX_MAC_PRIMARY :
			     IOVNET_MBX_MAC_FILTER_ADD);
		put_mac(msg, mac);
		break;
	}
	return E_NACK;
}

/* Anything: random words, or a known ID with random contents */
static enum expect gen_random(uint32_t *msg)
{
	unsigned int i;

	for (i = 0; i < IOVNET_MBX_WORDS; i++)
		msg[i] = rnd();
	if (rnd() & 1) {
		msg[0] = MSG(rnd() % 0x210, rnd() & 0xff);
		if (rnd() % 4 == 0)
			msg[0] |= rnd() & IOVNET_MBX_FLAGS;
		/* never a reset handshake by chance: that is gen_good's */
		if (msg[0] == MSG(IOVNET_MBX_VF_RESET, 0))
			msg[0] = MSG(IOVNET_MBX_VF_RESET, 1);
	}
	return msg_well_formed(msg) ? E_ANY : E_NACK;
}

static int do_fuzz(struct vf *vf, int argc, char **argv)
{
	uint64_t n, i, cnt[R_BUSY + 1] = { 0 };
	uint64_t bad_acked = 0, good_nacked = 0, malformed = 0;
	uint32_t reply[IOVNET_MBX_WORDS];
	uint8_t own_mac[6], *mac = NULL;
	uint64_t t0, ms;
	enum result r;

	if (argc != 2)
		return 1;
	n = strtoull(argv[0], NULL, 0);
	rng_state = strtoull(argv[1], NULL, 0) * 0x9e3779b97f4a7c15ull + 1;

	/* Start from a completed handshake, and learn our MAC */
	{
		uint32_t msg[IOVNET_MBX_WORDS] = { MSG(IOVNET_MBX_VF_RESET, 0) };

		r = mbx_exchange(vf, msg, reply);
		if (r == R_ACK) {
			for (i = 0; i < 6; i++)
				own_mac[i] = reply[1 + i / 4] >> (8 * (i % 4));
			mac = own_mac;
		}
		printf("fuzz: initial VF_RESET %s\n", result_name[r]);
	}

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		uint32_t msg[IOVNET_MBX_WORDS] = { 0 };
		unsigned int pick = rnd() % 100;
		enum expect e;

		if (pick < 30)
			e = gen_random(msg);
		else if (pick < 65)
			e = gen_bad(msg);
		else
			e = gen_good(msg, mac);
		r = mbx_exchange(vf, msg, reply);
		cnt[r]++;
		if (r == R_TIMEOUT || r == R_BUSY)
			continue;
		if (!msg_well_formed(msg))
			malformed++;
		if (e == E_NACK && r == R_ACK) {
			if (bad_acked++ < 10)
				printf("fuzz: ACK for bad request %08x %08x %08x\n",
				       msg[0], msg[1], msg[2]);
		}
		if (e == E_ACK && r != R_ACK) {
			if (good_nacked++ < 10)
				printf("fuzz: %s for good request %08x %08x %08x: %08x\n",
				       result_name[r], msg[0], msg[1], msg[2],
				       reply[0]);
		}
	}
	ms = (now_ns() - t0) / 1000000;
	printf("fuzz: sent=%" PRIu64 " ack=%" PRIu64 " nack=%" PRIu64
	       " other=%" PRIu64 " timeout=%" PRIu64 " busy=%" PRIu64
	       " malformed=%" PRIu64 " bad_acked=%" PRIu64
	       " good_nacked=%" PRIu64 " unsolicited=%" PRIu64
	       " stale=%" PRIu64 " ms=%" PRIu64 " per_s=%" PRIu64 "\n",
	       n, cnt[R_ACK], cnt[R_NACK], cnt[R_OTHER], cnt[R_TIMEOUT],
	       cnt[R_BUSY], malformed, bad_acked, good_nacked,
	       vf->unsolicited, vf->stale, ms, ms ? n * 1000 / ms : n);
	return 0;
}

/*
 * As fast as possible: post a request, look for a reply for at most
 * FLOOD_WAIT_NS, post the next one whether or not it came.
 */
#define FLOOD_WAIT_NS		(200 * 1000ull)

static int do_flood(struct vf *vf, int argc, char **argv)
{
	uint32_t fixed[IOVNET_MBX_WORDS] = { 0 }, reply[IOVNET_MBX_WORDS];
	uint64_t sent = 0, replies = 0, busy = 0, t0, end, ms;
	bool own = argc > 1;
	unsigned int i;
	long secs;

	if (argc < 1)
		return 1;
	secs = strtol(argv[0], NULL, 0);
	if (secs <= 0 || (own && parse_words(argc - 1, argv + 1, fixed)))
		return 1;

	t0 = now_ns();
	end = t0 + secs * 1000000000ull;
	while (now_ns() < end) {
		uint32_t msg[IOVNET_MBX_WORDS] = { 0 };

		mbx_status(vf);
		if (vf->sticky & IOVNET_VF_MBX_PFSTS) {
			vf->sticky &= ~IOVNET_VF_MBX_PFSTS;
			if (mbx_take_reply(vf, reply))
				replies++;
		}
		if (!mbx_lock(vf, 50 * 1000ull)) {
			mbx_unlock(vf);
			busy++;
			continue;
		}
		if (own)
			memcpy(msg, fixed, sizeof(msg));
		else if (sent & 1)
			msg[0] = MSG(0x7777, 0);	/* unknown ID */
		else
			msg[0] = MSG(IOVNET_MBX_GET_LINK, 0);
		for (i = 0; i < 2; i++)
			wr32(vf, IOVNET_VF_VMBMEM + 4 * i, msg[i]);
		wr32(vf, IOVNET_VF_MBX, IOVNET_VF_MBX_REQ);
		sent++;
		if (mbx_wait(vf, IOVNET_VF_MBX_PFSTS, now_ns() + FLOOD_WAIT_NS, true)) {
			if (mbx_take_reply(vf, reply))
				replies++;
		}
	}
	ms = (now_ns() - t0) / 1000000;

	/* Leave the mailbox as a well-behaved VF would: reply taken, no lock */
	end = now_ns() + REPLY_TIMEOUT_NS / 4;
	if (mbx_wait(vf, IOVNET_VF_MBX_PFSTS, end, false) && mbx_take_reply(vf, reply))
		replies++;
	mbx_unlock(vf);

	printf("flood: sent=%" PRIu64 " replies=%" PRIu64 " busy=%" PRIu64
	       " ms=%" PRIu64 " per_s=%" PRIu64 "\n", sent, replies, busy, ms,
	       ms ? sent * 1000 / ms : sent);
	return 0;
}

/*
 * A VF that keeps its buffer: take it, take it back every millisecond for
 * SECONDS (counting the times it was found taken away, and whether the PF
 * put a message in it meanwhile: sts_in_hold), release it, and time the
 * message the PF held back, if any (2 s at most).
 */
static int do_hold(struct vf *vf, int argc, char **argv)
{
	uint64_t t0, end, held_ms, lost = 0;
	uint32_t msg[IOVNET_MBX_WORDS];
	int sts_in_hold;
	long secs;

	if (argc != 1)
		return 1;
	secs = strtol(argv[0], NULL, 0);
	if (secs <= 0)
		return 1;

	mbx_drain(vf);
	if (!mbx_lock(vf, LOCK_TIMEOUT_NS)) {
		mbx_unlock(vf);
		printf("hold: busy\n");
		return 0;
	}
	printf("hold: locked\n");
	t0 = now_ns();
	end = t0 + secs * 1000000000ull;
	while (now_ns() < end) {
		pause_us(1000);
		if (!(mbx_status(vf) & IOVNET_VF_MBX_VFU))
			lost++;
		wr32(vf, IOVNET_VF_MBX, IOVNET_VF_MBX_VFU);
	}
	held_ms = (now_ns() - t0) / 1000000;
	/* mbx_status() keeps PFSTS for mbx_wait() below */
	sts_in_hold = !!(vf->sticky & IOVNET_VF_MBX_PFSTS);
	mbx_unlock(vf);

	t0 = now_ns();
	printf("hold: held_ms=%" PRIu64 " lost=%" PRIu64 " sts_in_hold=%d",
	       held_ms, lost, sts_in_hold);
	if (mbx_wait(vf, IOVNET_VF_MBX_PFSTS, t0 + REPLY_TIMEOUT_NS, false) &&
	    mbx_take_reply(vf, msg))
		printf(" then=0x%08x after_ms=%" PRIu64 "\n", msg[0],
		       (now_ns() - t0) / 1000000);
	else
		printf(" then=none\n");
	return 0;
}

/*
 * A VF that resets itself as fast as it can: writes of CTRL.RST through its
 * own BAR, no handshake in between, N of them and then more until SECONDS
 * have passed (if given). Each one is a VF reset the PF learns of (VFLRE
 * and the mailbox interrupt in QEMU's model).
 */
static int do_rstloop(struct vf *vf, int argc, char **argv)
{
	uint64_t n, i, t0, end, ms;
	long secs = 0;
	char *e;

	if (argc < 1 || argc > 2)
		return 1;
	errno = 0;
	n = strtoull(argv[0], &e, 0);
	if (errno || *e || !n)
		return 1;
	if (argc == 2) {
		secs = strtol(argv[1], &e, 0);
		if (*e || secs <= 0)
			return 1;
	}

	t0 = now_ns();
	end = t0 + secs * 1000000000ull;
	for (i = 0; i < n || now_ns() < end; i++)
		wr32(vf, IOVNET_CTRL, IOVNET_CTRL_RST);
	ms = (now_ns() - t0) / 1000000;
	printf("rstloop: writes=%" PRIu64 " ms=%" PRIu64 " per_s=%" PRIu64 "\n",
	       i, ms, ms ? i * 1000 / ms : i);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Mailbox round trips: the reset handshake (VF_RESET; "noreset" keeps the
 * handshake in force and what it negotiated), then N GET_LINK requests one
 * after the other, each timed from the first lock attempt to the reply
 * taken. Prints the counts, the PF_CONTROL messages met on the way, and
 * the 50th/99th percentile and the largest round trip in microseconds
 * (timeouts count as 2 s).
 */
static int do_rtt(struct vf *vf, int argc, char **argv)
{
	uint32_t msg[IOVNET_MBX_WORDS] = { MSG(IOVNET_MBX_VF_RESET, 0) };
	uint32_t reply[IOVNET_MBX_WORDS];
	uint64_t n, i, t0, *us, cnt[R_BUSY + 1] = { 0 };
	enum result r;
	char *e;

	if (argc != 1 && (argc != 2 || strcmp(argv[1], "noreset")))
		return 1;
	errno = 0;
	n = strtoull(argv[0], &e, 0);
	if (errno || *e || !n || n > 1000000)
		return 1;
	us = calloc(n, sizeof(*us));
	if (!us)
		return 2;

	if (argc == 1) {
		r = mbx_exchange(vf, msg, reply);
		printf("rtt: initial VF_RESET %s\n", result_name[r]);
	}

	for (i = 0; i < n; i++) {
		memset(msg, 0, sizeof(msg));
		msg[0] = MSG(IOVNET_MBX_GET_LINK, 0);
		t0 = now_ns();
		r = mbx_exchange(vf, msg, reply);
		us[i] = (now_ns() - t0) / 1000;
		if (r == R_TIMEOUT)
			us[i] = REPLY_TIMEOUT_NS / 1000;
		cnt[r]++;
	}
	qsort(us, n, sizeof(*us), cmp_u64);
	printf("rtt: n=%" PRIu64 " ack=%" PRIu64 " nack=%" PRIu64
	       " other=%" PRIu64 " timeout=%" PRIu64 " busy=%" PRIu64
	       " unsolicited=%" PRIu64
	       " p50_us=%" PRIu64 " p99_us=%" PRIu64 " max_us=%" PRIu64 "\n",
	       n, cnt[R_ACK], cnt[R_NACK], cnt[R_OTHER], cnt[R_TIMEOUT],
	       cnt[R_BUSY], (uint64_t)vf->unsolicited, us[n / 2],
	       us[n * 99 / 100], us[n - 1]);
	free(us);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mbx_client BDF reset\n"
		"       mbx_client BDF send W0 [W1..W15]\n"
		"       mbx_client BDF fuzz N SEED\n"
		"       mbx_client BDF flood SECONDS [W0 [W1..W15]]\n"
		"       mbx_client BDF hold SECONDS\n"
		"       mbx_client BDF rstloop N [SECONDS]\n"
		"       mbx_client BDF rtt N [noreset]\n");
}

int main(int argc, char **argv)
{
	struct vf vf = { 0 };
	const char *mode;
	int err;

	if (argc < 3) {
		usage();
		return 1;
	}
	mode = argv[2];
	if (strcmp(mode, "reset") && strcmp(mode, "send") &&
	    strcmp(mode, "fuzz") && strcmp(mode, "flood") &&
	    strcmp(mode, "hold") && strcmp(mode, "rstloop") &&
	    strcmp(mode, "rtt")) {
		usage();
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (open_vf(&vf, argv[1]))
		return 2;

	if (!strcmp(mode, "reset"))
		err = do_reset(&vf);
	else if (!strcmp(mode, "send"))
		err = do_send(&vf, argc - 3, argv + 3);
	else if (!strcmp(mode, "fuzz"))
		err = do_fuzz(&vf, argc - 3, argv + 3);
	else if (!strcmp(mode, "flood"))
		err = do_flood(&vf, argc - 3, argv + 3);
	else if (!strcmp(mode, "hold"))
		err = do_hold(&vf, argc - 3, argv + 3);
	else if (!strcmp(mode, "rstloop"))
		err = do_rstloop(&vf, argc - 3, argv + 3);
	else
		err = do_rtt(&vf, argc - 3, argv + 3);
	if (err == 1)
		usage();
	munmap((void *)vf.bar, vf.len);
	return err;
}
