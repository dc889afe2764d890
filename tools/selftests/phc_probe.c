// SPDX-License-Identifier: GPL-2.0
/* Copyright (c) 2026 The iovnet authors */

/*
 * phc_probe: drive and measure a PTP hardware clock for pf_ptp.sh.
 *
 *   phc_probe DEV OP [ARG] [OP [ARG]]...
 *
 *   caps          print "max_adj PPB"
 *   set SEC       set the clock to SEC seconds
 *   set-real      set the clock to CLOCK_REALTIME
 *   get           print "time NS"
 *   step NS       step the clock by NS nanoseconds (ADJ_SETOFFSET)
 *   freq PPB      set its frequency offset (ADJ_FREQUENCY)
 *   rate MS       print "rate_ppm X": how much faster than CLOCK_MONOTONIC
 *                 the clock ran over MS milliseconds (from two offsets)
 *   offset        print "offset_ns X": the clock minus CLOCK_MONOTONIC
 *   sysoff N      PTP_SYS_OFFSET_EXTENDED with N samples: print
 *                 "sysoff_ns X window_ns W", the median of clock minus
 *                 CLOCK_REALTIME and the widest read window; fails if any
 *                 window is negative
 *   txts IF N     send N PTPv2 Delay_Req frames on IF (EtherType 0x88f7)
 *                 asking for hardware transmit timestamps: print
 *                 "txts got G inside I wait_max_us W", the timestamps
 *                 received, those between the clock's time before the send
 *                 and after, and the longest send-to-timestamp wait
 *   rxts IF N     receive N PTPv2 event frames on IF with hardware
 *                 timestamps (within 10 s): print "rxts got G inside I",
 *                 those timestamped and those at most 1 s before the
 *                 clock's time after their receipt
 *
 * Hardware timestamping must be on for IF (hwstamp_ctl).
 * Exits 1 with a message on the first operation the kernel refuses.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <linux/ptp_clock.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#define CLOCKFD 3
#define FD_TO_CLOCKID(fd) ((clockid_t)((((unsigned int)~(fd)) << 3) | CLOCKFD))
#define NSEC 1000000000LL

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NSEC + ts->tv_nsec;
}

static int64_t ptp_ns(const struct ptp_clock_time *t)
{
	return (int64_t)t->sec * NSEC + t->nsec;
}

static int64_t now(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts)) {
		perror("clock_gettime");
		exit(1);
	}
	return ts_ns(&ts);
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void set_ns(clockid_t clk, int64_t ns)
{
	struct timespec ts = { ns / NSEC, ns % NSEC };

	if (clock_settime(clk, &ts)) {
		perror("clock_settime");
		exit(1);
	}
}

static void adj(clockid_t clk, struct timex *tx, const char *what)
{
	if (clock_adjtime(clk, tx) < 0) {
		fprintf(stderr, "%s: %s\n", what, strerror(errno));
		exit(1);
	}
}

/* The clock minus CLOCK_MONOTONIC, from the read nearest a monotonic pair */
static int64_t offset(clockid_t clk)
{
	int64_t best = -1, off = 0;
	int i;

	for (i = 0; i < 5; i++) {
		int64_t a = now(CLOCK_MONOTONIC), p = now(clk);
		int64_t b = now(CLOCK_MONOTONIC);

		if (best < 0 || b - a < best) {
			best = b - a;
			off = p - (a + (b - a) / 2);
		}
	}
	return off;
}

#define ETH_P_1588_ 0x88f7

/* A packet socket on @ifname for PTP over Ethernet, timestamping @flags */
static int ptp_socket(const char *ifname, int flags, int *ifindex)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_1588_));

	if (fd < 0) {
		perror("socket");
		exit(1);
	}
	sll.sll_protocol = htons(ETH_P_1588_);
	sll.sll_ifindex = if_nametoindex(ifname);
	*ifindex = sll.sll_ifindex;
	if (!sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags))) {
		perror(ifname);
		exit(1);
	}
	return fd;
}

/* The hardware time in a message's control data, or -1 */
static int64_t msg_hwts(struct msghdr *msg)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SO_TIMESTAMPING) {
			struct timespec *ts = (struct timespec *)CMSG_DATA(cm);

			if (ts[2].tv_sec || ts[2].tv_nsec)
				return ts_ns(&ts[2]);
		}
	}
	return -1;
}

/* Receive one message (from the error queue with MSG_ERRQUEUE) in @ms */
static int64_t recv_hwts(int fd, int flags, int ms)
{
	char data[256], ctrl[512];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctrl,
			      .msg_controllen = sizeof(ctrl) };
	struct pollfd pfd = { fd, (flags & MSG_ERRQUEUE) ? POLLERR : POLLIN, 0 };

	if (poll(&pfd, 1, ms) <= 0 || recvmsg(fd, &msg, flags) < 0)
		return -2;
	return msg_hwts(&msg);
}

static void txts(clockid_t clk, const char *ifname, int n)
{
	static const unsigned char dst[6] = { 0x01, 0x1b, 0x19, 0, 0, 0 };
	int ifindex, got = 0, inside = 0, i;
	int64_t wait_max = 0;
	int fd = ptp_socket(ifname, SOF_TIMESTAMPING_TX_HARDWARE |
				    SOF_TIMESTAMPING_RAW_HARDWARE, &ifindex);
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_halen = 6 };
	unsigned char frame[44] = { 0 };

	to.sll_ifindex = ifindex;
	to.sll_protocol = htons(ETH_P_1588_);
	memcpy(to.sll_addr, dst, 6);
	frame[0] = 0x01;	/* Delay_Req */
	frame[1] = 0x02;	/* PTPv2 */
	frame[3] = sizeof(frame);
	for (i = 0; i < n; i++) {
		int64_t before, ts, after;

		frame[31] = i;	/* sequenceId */
		before = now(clk);
		if (sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0) {
			perror("sendto");
			exit(1);
		}
		ts = recv_hwts(fd, MSG_ERRQUEUE, 2000);
		after = now(clk);
		if (after - before > wait_max)
			wait_max = after - before;
		if (ts >= 0) {
			got++;
			inside += ts >= before && ts <= after;
			if (ts < before || ts > after)
				fprintf(stderr, "frame %d: %lld, not in [%lld, %lld]\n",
					i, (long long)ts, (long long)before,
					(long long)after);
		}
		usleep(20000);
	}
	printf("txts got %d inside %d wait_max_us %lld\n", got, inside,
	       (long long)(wait_max / 1000));
	close(fd);
}

static void rxts(clockid_t clk, const char *ifname, int n)
{
	int ifindex, got = 0, inside = 0, seen = 0;
	int fd = ptp_socket(ifname, SOF_TIMESTAMPING_RX_HARDWARE |
				    SOF_TIMESTAMPING_RAW_HARDWARE, &ifindex);
	int64_t end = now(CLOCK_MONOTONIC) + 10 * NSEC;
	struct packet_mreq mr = { .mr_ifindex = ifindex,
				  .mr_type = PACKET_MR_MULTICAST,
				  .mr_alen = 6,
				  .mr_address = { 0x01, 0x1b, 0x19 } };

	/* PTP's multicast address, as ptp4l joins it */
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr))) {
		perror("PACKET_ADD_MEMBERSHIP");
		exit(1);
	}

	while (got < n && seen < 10 * n && now(CLOCK_MONOTONIC) < end) {
		int64_t ts = recv_hwts(fd, 0, 1000), at = now(clk);

		if (ts == -2)
			continue;
		seen++;
		if (ts < 0)
			continue;	/* a general message: no time */
		got++;
		inside += ts <= at && at - ts < NSEC;
		if (ts > at || at - ts >= NSEC)
			fprintf(stderr, "frame %d: %lld, clock %lld after\n",
				seen, (long long)ts, (long long)at);
	}
	printf("rxts got %d inside %d seen %d\n", got, inside, seen);
	close(fd);
}

int main(int argc, char **argv)
{
	clockid_t clk;
	int fd, i;

	if (argc < 3) {
		fprintf(stderr, "usage: %s DEV OP [ARG]...\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	clk = FD_TO_CLOCKID(fd);

	for (i = 2; i < argc; i++) {
		const char *op = argv[i];
		const char *arg = i + 1 < argc ? argv[i + 1] : "0";

		if (!strcmp(op, "caps")) {
			struct ptp_clock_caps caps;

			if (ioctl(fd, PTP_CLOCK_GETCAPS, &caps)) {
				perror("PTP_CLOCK_GETCAPS");
				return 1;
			}
			printf("max_adj %d\n", caps.max_adj);
		} else if (!strcmp(op, "set")) {
			set_ns(clk, strtoll(arg, NULL, 0) * NSEC);
			i++;
		} else if (!strcmp(op, "set-real")) {
			set_ns(clk, now(CLOCK_REALTIME));
		} else if (!strcmp(op, "get")) {
			printf("time %lld\n", (long long)now(clk));
		} else if (!strcmp(op, "step")) {
			long long ns = strtoll(arg, NULL, 0);
			struct timex tx = { .modes = ADJ_SETOFFSET | ADJ_NANO };

			tx.time.tv_sec = ns / NSEC;
			tx.time.tv_usec = ns % NSEC;
			if (tx.time.tv_usec < 0) {
				tx.time.tv_sec--;
				tx.time.tv_usec += NSEC;
			}
			adj(clk, &tx, "step");
			i++;
		} else if (!strcmp(op, "freq")) {
			struct timex tx = { .modes = ADJ_FREQUENCY };

			/* ppb to ppm with 16 fractional bits */
			tx.freq = (long)(strtod(arg, NULL) * 65.536);
			adj(clk, &tx, "freq");
			i++;
		} else if (!strcmp(op, "rate")) {
			int64_t ms = strtoll(arg, NULL, 0);
			int64_t m0 = now(CLOCK_MONOTONIC), o0 = offset(clk);
			int64_t m1, o1;

			usleep(ms * 1000);
			m1 = now(CLOCK_MONOTONIC);
			o1 = offset(clk);
			printf("rate_ppm %.1f\n",
			       (double)(o1 - o0) / (double)(m1 - m0) * 1e6);
			i++;
		} else if (!strcmp(op, "offset")) {
			printf("offset_ns %lld\n", (long long)offset(clk));
		} else if (!strcmp(op, "sysoff")) {
			struct ptp_sys_offset_extended so = { 0 };
			int64_t off[PTP_MAX_SAMPLES], width = 0;
			unsigned int n;

			so.n_samples = strtoul(arg, NULL, 0);
			if (ioctl(fd, PTP_SYS_OFFSET_EXTENDED, &so)) {
				perror("PTP_SYS_OFFSET_EXTENDED");
				return 1;
			}
			for (n = 0; n < so.n_samples; n++) {
				int64_t pre = ptp_ns(&so.ts[n][0]);
				int64_t post = ptp_ns(&so.ts[n][2]);

				if (post < pre) {
					fprintf(stderr, "sample %u: window %lld ns\n",
						n, (long long)(post - pre));
					return 1;
				}
				if (post - pre > width)
					width = post - pre;
				off[n] = ptp_ns(&so.ts[n][1]) - (pre + (post - pre) / 2);
			}
			qsort(off, so.n_samples, sizeof(off[0]), cmp64);
			printf("sysoff_ns %lld window_ns %lld\n",
			       (long long)off[so.n_samples / 2], (long long)width);
			i++;
		} else if (!strcmp(op, "txts") && i + 2 < argc) {
			txts(clk, argv[i + 1], atoi(argv[i + 2]));
			i += 2;
		} else if (!strcmp(op, "rxts") && i + 2 < argc) {
			rxts(clk, argv[i + 1], atoi(argv[i + 2]));
			i += 2;
		} else {
			fprintf(stderr, "unknown operation %s\n", op);
			return 2;
		}
	}
	return 0;
}
