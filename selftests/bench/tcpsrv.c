// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsrv: the real servers' side of tcpcr. Listens on PORT, reads a
 * request of REQ bytes, answers RESP bytes and closes first (so the
 * TIME_WAIT stays on the server, never on the client's ports).
 *
 *   tcpsrv -p PORT [-s REQ] [-r RESP]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXFD 65536

static unsigned int got[MAXFD];

int main(int argc, char **argv)
{
	int opt, lfd, ep, one = 1, port = 0, reqlen = 100, resplen = 100;
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct epoll_event ev, evs[256];
	static char resp[65536];

	while ((opt = getopt(argc, argv, "p:s:r:")) != -1) {
		switch (opt) {
		case 'p': port = atoi(optarg); break;
		case 's': reqlen = atoi(optarg); break;
		case 'r': resplen = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: tcpsrv -p PORT [-s REQ] [-r RESP]\n");
			return 2;
		}
	}
	if (port <= 0 || reqlen <= 0 || resplen <= 0 || resplen > (int)sizeof(resp)) {
		fprintf(stderr, "tcpsrv: bad arguments\n");
		return 2;
	}
	memset(resp, 'y', sizeof(resp));
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_port = htons((uint16_t)port);
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(lfd, 4096) < 0) {
		perror("tcpsrv");
		return 1;
	}
	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1), k;

		for (k = 0; k < n; k++) {
			int fd = evs[k].data.fd;

			if (fd == lfd) {
				int c;

				while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					if (c >= MAXFD) {
						close(c);
						continue;
					}
					got[c] = 0;
					ev.events = EPOLLIN;
					ev.data.fd = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
				continue;
			}
			for (;;) {
				char buf[4096];
				ssize_t r = read(fd, buf, sizeof(buf));

				if (r > 0) {
					got[fd] += (unsigned int)r;
					if (got[fd] >= (unsigned int)reqlen) {
						if (write(fd, resp, (size_t)resplen) < 0)
							perror("write");
						close(fd);
						break;
					}
					continue;
				}
				if (r == 0 || errno != EAGAIN)
					close(fd);
				break;
			}
		}
	}
}
