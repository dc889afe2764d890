// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_rr: TCP request/response transactions per second, as netperf's
 * TCP_RR measures them (one connection, one request of R bytes answered by
 * one response of S bytes, the next request only after the answer), with
 * the latency of every transaction.  netperf is not in Debian bookworm's
 * main archive, so the benchmark builds this instead.
 *
 *   tcp_rr -s [-B ADDRESS] [-p PORT]     serve one connection, then exit
 *   tcp_rr -c ADDRESS [-p PORT] [-t SECONDS] [-r REQUEST] [-R RESPONSE]
 *
 * The client prints one JSON object: transactions, seconds, per second,
 * and the latency's mean, min, max and percentiles in microseconds.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RR_DEFAULT_PORT		5202
#define RR_MAX_MSG		65536
#define RR_CONNECT_TRIES	50	/* 100 ms apart: the server may be starting */

static int rr_usage(void)
{
	fprintf(stderr,
		"usage: tcp_rr -s [-B ADDRESS] [-p PORT]\n"
		"       tcp_rr -c ADDRESS [-p PORT] [-t SECONDS] [-r REQUEST] [-R RESPONSE]\n");
	return 2;
}

static double rr_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read exactly len bytes; 0 on success, 1 on a clean EOF, -1 on error. */
static int rr_read_all(int fd, char *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return done ? -1 : 1;
		done += n;
	}
	return 0;
}

static int rr_write_all(int fd, const char *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		done += n;
	}
	return 0;
}

static int rr_parse_addr(const char *s, int port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	if (!s)
		return 0;
	return inet_pton(AF_INET, s, &sa->sin_addr) == 1 ? 0 : -1;
}

static void rr_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/*
 * Serve one connection: each request of req bytes gets resp bytes back.
 * The request size comes first, as two 32-bit words, so that one server
 * answers whatever sizes the client chose.
 */
static int rr_server(const char *addr, int port)
{
	struct sockaddr_in sa;
	uint32_t sizes[2];
	int lfd, fd, one = 1, rc;
	static char buf[RR_MAX_MSG];

	if (rr_parse_addr(addr, port, &sa)) {
		fprintf(stderr, "tcp_rr: bad address %s\n", addr);
		return 2;
	}
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1)) {
		perror("tcp_rr: listen");
		return 1;
	}
	fd = accept(lfd, NULL, NULL);
	close(lfd);
	if (fd < 0) {
		perror("tcp_rr: accept");
		return 1;
	}
	rr_nodelay(fd);
	if (rr_read_all(fd, (char *)sizes, sizeof(sizes))) {
		fprintf(stderr, "tcp_rr: no sizes from the client\n");
		return 1;
	}
	sizes[0] = ntohl(sizes[0]);
	sizes[1] = ntohl(sizes[1]);
	if (!sizes[0] || !sizes[1] || sizes[0] > RR_MAX_MSG || sizes[1] > RR_MAX_MSG) {
		fprintf(stderr, "tcp_rr: sizes %u/%u out of range\n", sizes[0], sizes[1]);
		return 1;
	}
	for (;;) {
		errno = 0;
		rc = rr_read_all(fd, buf, sizes[0]);
		if (rc == 1)
			break;
		if (rc || rr_write_all(fd, buf, sizes[1])) {
			/* A read cut short by EOF sets no errno */
			fprintf(stderr, "tcp_rr: serve: %s\n",
				errno ? strerror(errno) : "connection closed mid-request");
			return 1;
		}
	}
	close(fd);
	return 0;
}

static int rr_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t rr_pct(const uint32_t *v, size_t n, unsigned int pct)
{
	size_t i = (n * pct + 99) / 100;

	return v[i ? i - 1 : 0];
}

static int rr_client(const char *addr, int port, double secs, uint32_t req, uint32_t resp)
{
	static char buf[RR_MAX_MSG];
	struct sockaddr_in sa;
	uint32_t *lat = NULL, sizes[2];
	size_t n = 0, cap = 0;
	double start, end, t0, t1, sum = 0;
	int fd = -1, i;

	if (rr_parse_addr(addr, port, &sa)) {
		fprintf(stderr, "tcp_rr: bad address %s\n", addr);
		return 2;
	}
	for (i = 0; i < RR_CONNECT_TRIES; i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0) {
			perror("tcp_rr: socket");
			return 1;
		}
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			break;
		close(fd);
		fd = -1;
		usleep(100000);
	}
	if (fd < 0) {
		perror("tcp_rr: connect");
		return 1;
	}
	rr_nodelay(fd);
	sizes[0] = htonl(req);
	sizes[1] = htonl(resp);
	if (rr_write_all(fd, (char *)sizes, sizeof(sizes))) {
		perror("tcp_rr: sizes");
		return 1;
	}
	memset(buf, 'r', req);
	start = rr_now();
	end = start + secs;
	t1 = start;
	do {
		t0 = t1;
		errno = 0;
		if (rr_write_all(fd, buf, req) || rr_read_all(fd, buf, resp)) {
			fprintf(stderr, "tcp_rr: transaction %zu failed: %s\n", n,
				errno ? strerror(errno) : "connection closed");
			return 1;
		}
		t1 = rr_now();
		if (n == cap) {
			cap = cap ? 2 * cap : 65536;
			lat = realloc(lat, cap * sizeof(*lat));
			if (!lat) {
				fprintf(stderr, "tcp_rr: out of memory\n");
				return 1;
			}
		}
		lat[n] = (uint32_t)((t1 - t0) * 1e6 + 0.5);
		sum += t1 - t0;
		n++;
	} while (t1 < end);
	shutdown(fd, SHUT_WR);
	close(fd);

	qsort(lat, n, sizeof(*lat), rr_cmp_u32);
	printf("{\"transactions\": %zu, \"seconds\": %.6f, \"per_second\": %.1f, ",
	       n, t1 - start, n / (t1 - start));
	printf("\"request_bytes\": %u, \"response_bytes\": %u, ", req, resp);
	printf("\"latency_us\": {\"mean\": %.1f, \"min\": %u, \"p50\": %u, ",
	       sum * 1e6 / n, lat[0], rr_pct(lat, n, 50));
	printf("\"p90\": %u, \"p99\": %u, \"max\": %u}}\n",
	       rr_pct(lat, n, 90), rr_pct(lat, n, 99), lat[n - 1]);
	free(lat);
	return 0;
}

int main(int argc, char **argv)
{
	const char *addr = NULL;
	int opt, server = -1, port = RR_DEFAULT_PORT;
	long req = 1, resp = 1;
	double secs = 10;

	while ((opt = getopt(argc, argv, "sc:B:p:t:r:R:")) != -1) {
		switch (opt) {
		case 's':
			server = 1;
			break;
		case 'c':
			server = 0;
			addr = optarg;
			break;
		case 'B':
			addr = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'r':
			req = atol(optarg);
			break;
		case 'R':
			resp = atol(optarg);
			break;
		default:
			return rr_usage();
		}
	}
	if (server < 0 || optind != argc || port <= 0 || port > 65535 || secs <= 0 ||
	    req < 1 || req > RR_MAX_MSG || resp < 1 || resp > RR_MAX_MSG)
		return rr_usage();
	if (server)
		return rr_server(addr, port);
	return rr_client(addr, port, secs, req, resp);
}
