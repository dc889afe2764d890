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
 *
 * Exits 1 with a message on the first operation the kernel refuses.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/ptp_clock.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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
		} else {
			fprintf(stderr, "unknown operation %s\n", op);
			return 2;
		}
	}
	return 0;
}
