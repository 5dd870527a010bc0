// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfrom: one TCP connection from each of several source addresses, for
 * the selftests (tests/sched.sh, tests/persist.sh), inside network
 * namespaces only; one process for all of them, where a client process
 * per connection costs most of a second under TCG.
 *
 *   tcpfrom [-p] [-t SECONDS] [-w SECONDS] [-s LINE] DST PORT SRC...
 *
 * SRC is ADDR or ADDR:PORT, an IPv6 one [ADDR] or [ADDR]:PORT (DST's
 * family; DST may be bracketed too). For each SRC in turn: a socket bound
 * to it connects to DST:PORT (at most -t SECONDS, 4 by default), sends
 * nothing (-s: LINE and a newline), shuts its side down and reads the
 * answer until the server closes (at most 10 s; with -w, all of it within
 * SECONDS of the connection's start). One line per SRC, in their order:
 * the answer's first line, or "none" if the connection was not made
 * (refused, or not answered in time: dropped) or nothing came back in
 * time.
 *
 * -p: all the connections are started at once, then read in order (the
 * SECONDS of those not answered run together); without it each one ends
 * before the next starts, so a scheduler sees them in order.
 *
 * Exit 0, or 2 on a usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define READ_MS 10000
#define MAX_ANSWER 256

static void usage(const char *why)
{
	fprintf(stderr, "tcpfrom: %s\n"
		"usage: tcpfrom [-p] [-t SECONDS] [-w SECONDS] [-s LINE] DST PORT SRC...\n", why);
	exit(2);
}

/* ADDR, ADDR:PORT, [ADDR], [ADDR]:PORT of family FAMILY into SS. */
static int parse(const char *arg, int family, struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN + 16], *port = NULL, *addr = buf;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	long p = 0;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	if (buf[0] == '[') {
		char *end = strchr(buf, ']');

		if (!end)
			return -1;
		*end = '\0';
		addr = buf + 1;
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return -1;
	} else if (family == AF_INET) {
		port = strchr(buf, ':');
		if (port)
			*port++ = '\0';
	}
	if (port) {
		char *e;

		p = strtol(port, &e, 10);
		if (!*port || *e || p < 0 || p > 65535)
			return -1;
	}
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(p);
		return inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1 ? 0 : -1;
	}
	s4->sin_family = AF_INET;
	s4->sin_port = htons(p);
	return inet_pton(AF_INET, addr, &s4->sin_addr) == 1 ? 0 : -1;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for EVENTS on FD until DEADLINE (ms): 1 if they came, 0 if not. */
static int wait_fd(int fd, short events, long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	long left;
	int n;

	for (;;) {
		left = deadline - now_ms();
		if (left < 0)
			left = 0;
		n = poll(&pfd, 1, left);
		if (n > 0)
			return 1;
		if (n == 0 || errno != EINTR)
			return 0;
	}
}

/* A non-blocking socket bound to SRC, connecting to DST; -1 if not. */
static int start(const struct sockaddr_storage *src,
		 const struct sockaddr_storage *dst)
{
	socklen_t len = dst->ss_family == AF_INET6 ?
		sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	int fd;

	fd = socket(dst->ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (const struct sockaddr *)src, len) < 0 ||
	    (connect(fd, (const struct sockaddr *)dst, len) < 0 &&
	     errno != EINPROGRESS)) {
		close(fd);
		return -1;
	}
	return fd;
}

static const char *send_line;
static long whole_ms;

/* Finish FD's connection by DEADLINE, read the answer; print a line. */
static void finish(int fd, long started, long deadline)
{
	char answer[MAX_ANSWER + 1];
	size_t got = 0;
	socklen_t len = sizeof(int);
	long read_end;
	int err = 1;
	ssize_t n;

	if (fd < 0 || !wait_fd(fd, POLLOUT, deadline) ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
		puts("none");
		if (fd >= 0)
			close(fd);
		return;
	}
	if (send_line) {
		size_t len = strlen(send_line);

		if (write(fd, send_line, len) != (ssize_t)len ||
		    write(fd, "\n", 1) != 1) {
			puts("none");
			close(fd);
			return;
		}
	}
	shutdown(fd, SHUT_WR);
	read_end = now_ms() + READ_MS;
	if (whole_ms && read_end > started + whole_ms)
		read_end = started + whole_ms;
	while (wait_fd(fd, POLLIN, read_end)) {
		n = read(fd, answer + got, MAX_ANSWER - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
		/* With -w, the first line is the answer: no need to wait for the close. */
		if (got == MAX_ANSWER || (whole_ms && memchr(answer, '\n', got)))
			break;
	}
	close(fd);
	/* With -w, an answer without its whole first line in time is none. */
	if (whole_ms && !memchr(answer, '\n', got))
		got = 0;
	answer[got] = '\0';
	answer[strcspn(answer, "\n")] = '\0';
	puts(got && answer[0] ? answer : "none");
}

int main(int argc, char **argv)
{
	struct sockaddr_storage dst, *src;
	long connect_ms = 4000, deadline = 0, started = 0;
	int family, parallel = 0, opt, n, i, *fds;
	char *e;

	while ((opt = getopt(argc, argv, "ps:t:w:")) != -1) {
		switch (opt) {
		case 'p':
			parallel = 1;
			break;
		case 's':
			send_line = optarg;
			break;
		case 't':
			connect_ms = strtol(optarg, &e, 10) * 1000;
			if (!*optarg || *e || connect_ms <= 0)
				usage("bad -t");
			break;
		case 'w':
			whole_ms = strtol(optarg, &e, 10) * 1000;
			if (!*optarg || *e || whole_ms <= 0)
				usage("bad -w");
			break;
		default:
			usage("bad option");
		}
	}
	if (argc - optind < 3)
		usage("too few arguments");
	if (whole_ms && connect_ms > whole_ms)
		connect_ms = whole_ms;

	family = strchr(argv[optind], ':') ? AF_INET6 : AF_INET;
	{
		const char *a = argv[optind], *fmt = "%s:%s";
		char d[INET6_ADDRSTRLEN + 16];

		if (family == AF_INET6 && a[0] != '[')
			fmt = "[%s]:%s";
		if (snprintf(d, sizeof(d), fmt, a, argv[optind + 1]) >= (int)sizeof(d) ||
		    parse(d, family, &dst) < 0)
			usage("bad DST or PORT");
	}
	n = argc - optind - 2;
	src = calloc(n, sizeof(*src));
	fds = calloc(n, sizeof(*fds));
	if (!src || !fds)
		return 1;
	for (i = 0; i < n; i++)
		if (parse(argv[optind + 2 + i], family, &src[i]) < 0)
			usage("bad SRC");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parallel) {
		started = now_ms();
		for (i = 0; i < n; i++)
			fds[i] = start(&src[i], &dst);
		deadline = started + connect_ms;
	}
	for (i = 0; i < n; i++) {
		if (!parallel) {
			started = now_ms();
			fds[i] = start(&src[i], &dst);
			deadline = started + connect_ms;
		}
		finish(fds[i], started, deadline);
	}
	free(fds);
	free(src);
	return 0;
}
