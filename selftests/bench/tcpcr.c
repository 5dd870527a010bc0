// SPDX-License-Identifier: GPL-2.0
/*
 * tcpcr: TCP connection rate. Keeps CONC connections in flight, each:
 * non-blocking connect, send a REQ-byte request, read the answer until the
 * server closes, close. Destinations are used in turn (one VIP, or the
 * real servers themselves for the routing-only baseline).
 *
 *   tcpcr -d ADDR[,ADDR...] -p PORT [-c CONC] [-t SECONDS] [-s REQ]
 *
 * Prints one line:
 *   conns N errors E cps C connect_p50_us A connect_p99_us B txn_p50_us X txn_p99_us Y
 *   connect_max_us M oldest_unfinished_us U
 * where connect is SYN to established (the three-way handshake through the
 * LB) and txn is connect() to the server's close; the last is the age of
 * the oldest connection still in flight at the end (a stall shows there,
 * not in the latencies, when it outlasts the run).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXD 16
#define MAXC 1024
#define MAXLAT (1u << 22)

struct conn {
	int fd;
	int connected;
	double start, established;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, unsigned long n, double p)
{
	unsigned long i;

	if (!n)
		return 0;
	i = (unsigned long)(p * (double)(n - 1) + 0.5);
	return v[i];
}

static struct sockaddr_in dst[MAXD];
static unsigned int ndst, next_dst;
static struct conn conns[MAXC];
static int ep;
static char req[65536];
static size_t reqlen = 100;

static int start(struct conn *c)
{
	struct epoll_event ev;
	struct sockaddr_in *d = &dst[next_dst++ % ndst];
	int fd;

	c->fd = -1;	/* until it is in flight */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	c->connected = 0;
	c->start = now();
	if (connect(fd, (struct sockaddr *)d, sizeof(*d)) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	c->fd = fd;
	ev.events = EPOLLOUT | EPOLLIN;
	ev.data.ptr = c;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int conc = 32, i;
	unsigned long done = 0, errors = 0, nlat = 0;
	double seconds = 5, t0, t_end, oldest = 0, *lat_conn, *lat_txn;
	struct epoll_event evs[MAXC];
	uint16_t port = 0;
	int opt;

	while ((opt = getopt(argc, argv, "d:p:c:t:s:")) != -1) {
		switch (opt) {
		case 'd': {
			char *s = strdup(optarg), *tok, *save = NULL;

			for (tok = strtok_r(s, ",", &save); tok && ndst < MAXD;
			     tok = strtok_r(NULL, ",", &save)) {
				dst[ndst].sin_family = AF_INET;
				dst[ndst].sin_addr.s_addr = inet_addr(tok);
				ndst++;
			}
			break;
		}
		case 'p': port = (uint16_t)atoi(optarg); break;
		case 'c': conc = (unsigned int)atoi(optarg); break;
		case 't': seconds = atof(optarg); break;
		case 's': reqlen = (size_t)atoi(optarg); break;
		default:
			fprintf(stderr, "usage: tcpcr -d ADDR[,ADDR...] -p PORT [-c CONC] [-t SECONDS] [-s REQ]\n");
			return 2;
		}
	}
	if (!ndst || !port || !conc || conc > MAXC || reqlen > sizeof(req)) {
		fprintf(stderr, "tcpcr: bad arguments\n");
		return 2;
	}
	for (i = 0; i < ndst; i++)
		dst[i].sin_port = htons(port);
	memset(req, 'x', sizeof(req));
	lat_conn = calloc(MAXLAT, sizeof(double));
	lat_txn = calloc(MAXLAT, sizeof(double));
	ep = epoll_create1(0);
	if (!lat_conn || !lat_txn || ep < 0) {
		perror("tcpcr");
		return 1;
	}

	t0 = now();
	t_end = t0 + seconds;
	for (i = 0; i < conc; i++)
		if (start(&conns[i]) < 0)
			errors++;
	while (now() < t_end) {
		int n = epoll_wait(ep, evs, MAXC, 100), k;

		for (k = 0; k < n; k++) {
			struct conn *c = evs[k].data.ptr;
			char buf[4096];
			int err = 0, finished = 0;
			socklen_t el = sizeof(err);
			ssize_t r;

			if (!c->connected) {
				if (evs[k].events & (EPOLLERR | EPOLLHUP) ||
				    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err) {
					errors++;
					finished = 1;
					goto next;
				}
				c->connected = 1;
				c->established = now();
				if (write(c->fd, req, reqlen) != (ssize_t)reqlen) {
					errors++;
					finished = 1;
					goto next;
				}
				{
					struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

					epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
				}
				continue;
			}
			for (;;) {
				r = read(c->fd, buf, sizeof(buf));
				if (r > 0)
					continue;
				if (r == 0) {
					double t = now();

					if (nlat < MAXLAT) {
						lat_conn[nlat] = c->established - c->start;
						lat_txn[nlat] = t - c->start;
						nlat++;
					}
					done++;
					finished = 1;
				} else if (errno != EAGAIN) {
					errors++;
					finished = 1;
				}
				break;
			}
next:
			if (finished) {
				close(c->fd);
				if (start(c) < 0)
					errors++;
			}
		}
	}
	t_end = now();
	for (i = 0; i < conc; i++)
		if (conns[i].fd >= 0 && t_end - conns[i].start > oldest)
			oldest = t_end - conns[i].start;
	qsort(lat_conn, nlat, sizeof(double), cmp_d);
	qsort(lat_txn, nlat, sizeof(double), cmp_d);
	printf("conns %lu errors %lu cps %.0f connect_p50_us %.0f connect_p99_us %.0f txn_p50_us %.0f txn_p99_us %.0f "
	       "connect_max_us %.0f oldest_unfinished_us %.0f\n",
	       done, errors, done / (t_end - t0),
	       pct(lat_conn, nlat, 0.50) * 1e6, pct(lat_conn, nlat, 0.99) * 1e6,
	       pct(lat_txn, nlat, 0.50) * 1e6, pct(lat_txn, nlat, 0.99) * 1e6,
	       pct(lat_conn, nlat, 1) * 1e6, oldest * 1e6);
	return 0;
}
