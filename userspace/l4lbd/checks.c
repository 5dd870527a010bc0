// SPDX-License-Identifier: GPL-2.0
/*
 * checks.c - the probes, all non-blocking on the one event loop:
 *   TCP_CHECK   non-blocking connect(), EPOLLOUT, SO_ERROR, timer timeout
 *   HTTP_GET    libcurl multi interface driven by socket/timer callbacks
 *   SSL_GET     the same over https (certificates are not verified)
 *   MISC_CHECK  fork + exec of /bin/sh -c, exit watched through a pidfd,
 *               the whole process group killed at misc_timeout
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <curl/curl.h>

#include "l4lbd.h"

unsigned long long probes_done;

static CURLM *multi;
static struct timer curl_timer;

static socklen_t to_sockaddr(const struct ipaddr *a, uint16_t port,
			     struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = a->u.in6;
		s6->sin6_port = htons(port);
		return sizeof(*s6);
	}
	s4->sin_family = AF_INET;
	s4->sin_addr = a->u.in;
	s4->sin_port = htons(port);
	return sizeof(*s4);
}

/* What @c probes: connect_ip and connect_port, else the real server's. */
static const struct ipaddr *target_addr(const struct check *c)
{
	return c->connect_ip.family ? &c->connect_ip : &c->rs->addr;
}

static uint16_t target_port(const struct check *c)
{
	return c->connect_port ? c->connect_port : c->rs->port;
}

static void probe_timer(struct timer *t);

/* Next probe: sooner (delay_before_retry) while a transition is pending. */
static void schedule_next(struct check *c, bool ok)
{
	bool pending = c->st.up ? !ok || c->st.fail_run : ok || c->st.ok_run;
	unsigned int d = pending ? c->delay_before_retry_ms
				 : c->delay_loop_ms;

	c->timer.fn = probe_timer;
	timer_arm(&c->timer, now_ms() + d);
}

static void cleanup_probe(struct check *c);

static void finish(struct check *c, bool ok, const char *reason)
{
	cleanup_probe(c);
	c->running = false;
	probes_done++;
	c->probes++;
	c->last_ok = ok;
	c->last_ms = now_ms() - c->started;
	if (!ok)
		c->failures[fail_reason_of(reason)]++;
	check_result(c, ok, reason);
	schedule_next(c, ok);
}

/* --- TCP_CHECK ---------------------------------------------------------- */

static void tcp_event(struct watch *w, uint32_t events)
{
	struct check *c = (struct check *)((char *)w -
					   offsetof(struct check, watch));
	int err = 0;
	socklen_t len = sizeof(err);
	char why[160];

	(void)events;
	if (!c->running || c->type != CHECK_TCP || w->fd < 0)
		return;
	if (getsockopt(w->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (!err) {
		finish(c, true, NULL);
		return;
	}
	snprintf(why, sizeof(why), "TCP connect: %s", strerror(err));
	finish(c, false, why);
}

static void tcp_start(struct check *c)
{
	struct sockaddr_storage sa;
	socklen_t salen = to_sockaddr(target_addr(c), target_port(c), &sa);
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	char why[160];
	int fd;

	fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		snprintf(why, sizeof(why), "TCP socket: %s", strerror(errno));
		finish(c, false, why);
		return;
	}
	/* Close with RST: no TIME_WAIT pile-up on the checker's ports. */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	c->watch.fd = fd;
	c->watch.fn = tcp_event;
	if (c->bindto.family) {
		struct sockaddr_storage src;
		socklen_t srclen = to_sockaddr(&c->bindto, 0, &src);
		int one = 1;

		/* The port is picked at connect(), for the whole 4-tuple. */
		setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
			   sizeof(one));
		if (bind(fd, (struct sockaddr *)&src, srclen) < 0) {
			char a[NAME_LEN];

			snprintf(why, sizeof(why), "TCP bind %s: %s",
				 ipaddr_str(&c->bindto, a, sizeof(a)),
				 strerror(errno));
			finish(c, false, why);
			return;
		}
	}
	if (connect(fd, (struct sockaddr *)&sa, salen) == 0) {
		finish(c, true, NULL);
		return;
	}
	if (errno != EINPROGRESS) {
		snprintf(why, sizeof(why), "TCP connect: %s", strerror(errno));
		finish(c, false, why);
		return;
	}
	if (watch_add(&c->watch, EPOLLOUT) < 0) {
		snprintf(why, sizeof(why), "epoll: %s", strerror(errno));
		finish(c, false, why);
		return;
	}
	timer_arm(&c->timer, c->started + c->connect_timeout_ms);
}

/* --- UDP_CHECK ---------------------------------------------------------- */

/*
 * keepalived's UDP_CHECK: send the payload on a connected socket; an ICMP
 * error (port or host unreachable) fails the probe. A reply passes it,
 * checked against require_reply's length bounds and bytes if given; no
 * reply by connect_timeout passes, unless a reply is required.
 */
static bool udp_reply_ok(const struct check *c, const unsigned char *b,
			 size_t len, char *why, size_t whylen)
{
	size_t i, n;

	if (!c->require_reply)
		return true;
	if (len < c->min_reply || len > c->max_reply) {
		snprintf(why, whylen, "UDP_CHECK reply of %zu bytes, want %u..%u",
			 len, c->min_reply, c->max_reply);
		return false;
	}
	n = len < c->reply_len ? len : c->reply_len;
	for (i = 0; i < n; i++)
		if ((b[i] & c->reply_mask[i]) != (c->reply[i] & c->reply_mask[i])) {
			snprintf(why, whylen, "UDP_CHECK reply differs at byte %zu",
				 i);
			return false;
		}
	return true;
}

static void udp_event(struct watch *w, uint32_t events)
{
	struct check *c = (struct check *)((char *)w -
					   offsetof(struct check, watch));
	unsigned char buf[UDP_MAX_PAYLOAD + 1];
	char why[160];
	ssize_t n;

	(void)events;
	if (!c->running || c->type != CHECK_UDP || w->fd < 0)
		return;
	n = recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		snprintf(why, sizeof(why), "UDP_CHECK: %s", strerror(errno));
		finish(c, false, why);
		return;
	}
	if (!udp_reply_ok(c, buf, (size_t)n, why, sizeof(why))) {
		finish(c, false, why);
		return;
	}
	finish(c, true, NULL);
}

/* A socket of @type to @c's target, bound to bindto; -1 (finished). */
static int probe_socket(struct check *c, int type, int proto,
			const char *what, bool with_port)
{
	struct sockaddr_storage sa;
	socklen_t salen = to_sockaddr(target_addr(c),
				      with_port ? target_port(c) : 0, &sa);
	char why[160];
	int fd;

	fd = socket(sa.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd < 0) {
		snprintf(why, sizeof(why), "%s socket: %s", what,
			 strerror(errno));
		finish(c, false, why);
		return -1;
	}
	c->watch.fd = fd;
	if (c->bindto.family) {
		struct sockaddr_storage src;
		socklen_t srclen = to_sockaddr(&c->bindto, 0, &src);

		if (bind(fd, (struct sockaddr *)&src, srclen) < 0) {
			char a[NAME_LEN];

			snprintf(why, sizeof(why), "%s bind %s: %s", what,
				 ipaddr_str(&c->bindto, a, sizeof(a)),
				 strerror(errno));
			finish(c, false, why);
			return -1;
		}
	}
	if (connect(fd, (struct sockaddr *)&sa, salen) < 0) {
		snprintf(why, sizeof(why), "%s connect: %s", what,
			 strerror(errno));
		finish(c, false, why);
		return -1;
	}
	return fd;
}

static void udp_start(struct check *c)
{
	unsigned char rnd[8];
	const unsigned char *p = c->payload;
	size_t len = c->payload_len, i;
	char why[160];
	int fd = probe_socket(c, SOCK_DGRAM, 0, "UDP_CHECK", true);

	if (fd < 0)
		return;
	c->watch.fn = udp_event;
	if (!len) {
		for (i = 0; i < sizeof(rnd); i++)
			rnd[i] = (unsigned char)random();
		p = rnd;
		len = sizeof(rnd);
	}
	if (watch_add(&c->watch, EPOLLIN) < 0) {
		snprintf(why, sizeof(why), "epoll: %s", strerror(errno));
		finish(c, false, why);
		return;
	}
	if (send(fd, p, len, 0) < 0) {
		snprintf(why, sizeof(why), "UDP_CHECK send: %s", strerror(errno));
		finish(c, false, why);
		return;
	}
	timer_arm(&c->timer, c->started + c->connect_timeout_ms);
}

/* --- PING_CHECK --------------------------------------------------------- */

/*
 * An ICMP (ICMPv6) echo to the target, UP on the reply within
 * connect_timeout. A ping socket (SOCK_DGRAM) where the kernel allows it
 * (net.ipv4.ping_group_range), else a raw socket: connected, so it only
 * sees the target's packets; the echo id tells ours apart.
 */
static uint16_t icmp_csum(const void *data, size_t len)
{
	const unsigned char *b = data;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

struct echo {
	uint8_t type, code;
	uint16_t csum, id, seq;
	unsigned char data[8];
};

static void ping_event(struct watch *w, uint32_t events)
{
	struct check *c = (struct check *)((char *)w -
					   offsetof(struct check, watch));
	bool v6 = target_addr(c)->family == AF_INET6;
	unsigned char buf[1500];
	const struct echo *e;
	size_t off = 0;
	ssize_t n;
	int type = 0;
	socklen_t tl = sizeof(type);

	(void)events;
	if (!c->running || c->type != CHECK_PING || w->fd < 0)
		return;
	getsockopt(w->fd, SOL_SOCKET, SO_TYPE, &type, &tl);
	while ((n = recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		/* A raw IPv4 socket sees the IP header too. */
		if (type == SOCK_RAW && !v6)
			off = (size_t)(buf[0] & 15) * 4;
		if ((size_t)n < off + 8)
			continue;
		e = (const struct echo *)(buf + off);
		if (e->type != (v6 ? 129 : 0) || ntohs(e->seq) != c->ping_seq)
			continue;
		if (type == SOCK_RAW && ntohs(e->id) != c->ping_id)
			continue;
		finish(c, true, NULL);
		return;
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		char why[160];

		snprintf(why, sizeof(why), "PING_CHECK: %s", strerror(errno));
		finish(c, false, why);
	}
}

static void ping_start(struct check *c)
{
	bool v6 = target_addr(c)->family == AF_INET6;
	int proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, fd, raw = 0;
	struct echo e = { .type = v6 ? 128 : 8 };
	char why[160];

	fd = socket(v6 ? AF_INET6 : AF_INET,
		    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd >= 0)
		close(fd);
	else
		raw = 1;
	fd = probe_socket(c, raw ? SOCK_RAW : SOCK_DGRAM, proto, "PING_CHECK",
			  false);
	if (fd < 0)
		return;
	c->watch.fn = ping_event;
	c->ping_seq++;
	e.id = htons(c->ping_id);
	e.seq = htons(c->ping_seq);
	memcpy(e.data, "l4lbd\0\0\0", sizeof(e.data));
	if (!v6)
		e.csum = icmp_csum(&e, sizeof(e));
	if (watch_add(&c->watch, EPOLLIN) < 0) {
		snprintf(why, sizeof(why), "epoll: %s", strerror(errno));
		finish(c, false, why);
		return;
	}
	if (send(fd, &e, sizeof(e), 0) < 0) {
		snprintf(why, sizeof(why), "PING_CHECK send: %s",
			 strerror(errno));
		finish(c, false, why);
		return;
	}
	timer_arm(&c->timer, c->started + c->connect_timeout_ms);
}

/* --- HTTP_GET / SSL_GET (libcurl multi) --------------------------------- */

struct csock {
	struct watch w;
	bool dead;
};

static void process_curl_done(void)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(multi, &left))) {
		struct check *c = NULL;
		char why[256];
		long code = 0;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
				  (char **)&c);
		if (!c || c->easy != msg->easy_handle)
			continue;
		if (msg->data.result != CURLE_OK) {
			if (msg->data.result == CURLE_OPERATION_TIMEDOUT)
				snprintf(why, sizeof(why), "%s timeout after %u ms",
					 check_type_name(c->type),
					 c->connect_timeout_ms);
			else
				snprintf(why, sizeof(why), "%s: %s",
					 check_type_name(c->type),
					 curl_easy_strerror(msg->data.result));
			finish(c, false, why);
			continue;
		}
		curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE,
				  &code);
		if (!status_ok(c, code)) {
			snprintf(why, sizeof(why), "%s %s: status %ld",
				 check_type_name(c->type), c->path, code);
			finish(c, false, why);
			continue;
		}
		if (c->digest[0]) {
			char hex[33];

			if (!c->md5 || !md5_final_hex(c->md5, hex)) {
				snprintf(why, sizeof(why), "%s %s: MD5 failed",
					 check_type_name(c->type), c->path);
				finish(c, false, why);
				continue;
			}
			if (strcmp(hex, c->digest)) {
				snprintf(why, sizeof(why), "%s %s: digest %s, want %s",
					 check_type_name(c->type), c->path,
					 hex, c->digest);
				finish(c, false, why);
				continue;
			}
		}
		finish(c, true, NULL);
	}
}

static void csock_event(struct watch *w, uint32_t events)
{
	struct csock *cs = (struct csock *)w;
	int flags = 0, running;

	if (cs->dead)
		return;
	if (events & (EPOLLIN | EPOLLHUP))
		flags |= CURL_CSELECT_IN;
	if (events & EPOLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (events & EPOLLERR)
		flags |= CURL_CSELECT_ERR;
	curl_multi_socket_action(multi, w->fd, flags, &running);
	process_curl_done();
}

static int curl_sock_cb(CURL *e, curl_socket_t s, int what, void *userp,
			void *sockp)
{
	struct csock *cs = sockp;
	uint32_t ev = 0;

	(void)e;
	(void)userp;
	if (what == CURL_POLL_REMOVE) {
		if (cs) {
			watch_del(&cs->w);
			cs->dead = true;
			curl_multi_assign(multi, s, NULL);
			loop_defer_free(free, cs);
		}
		return 0;
	}
	if (!cs) {
		cs = calloc(1, sizeof(*cs));
		if (!cs)
			return -1;
		cs->w.fd = s;
		cs->w.fn = csock_event;
		curl_multi_assign(multi, s, cs);
	}
	if (what & CURL_POLL_IN)
		ev |= EPOLLIN;
	if (what & CURL_POLL_OUT)
		ev |= EPOLLOUT;
	return watch_mod(&cs->w, ev) < 0 ? -1 : 0;
}

static int curl_timer_cb(CURLM *m, long timeout_ms, void *userp)
{
	(void)m;
	(void)userp;
	if (timeout_ms < 0)
		timer_cancel(&curl_timer);
	else
		timer_arm(&curl_timer, now_ms() + (uint64_t)timeout_ms);
	return 0;
}

static void curl_timeout(struct timer *t)
{
	int running;

	(void)t;
	curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
	process_curl_done();
}

static size_t body_cb(char *ptr, size_t size, size_t n, void *data)
{
	struct check *c = data;

	if (c->md5 && !md5_update(c->md5, ptr, size * n))
		return 0;	/* curl fails the transfer: the probe fails */
	c->body_len += size * n;
	return size * n;
}

static void http_start(struct check *c)
{
	char url[2048], hostport[NAME_LEN], why[160];
	CURL *e = curl_easy_init();

	if (!e) {
		finish(c, false, "curl_easy_init failed");
		return;
	}
	/* An IPv6 literal in brackets (RFC 3986); curl's Host: follows it. */
	snprintf(url, sizeof(url), "%s://%s%s",
		 c->type == CHECK_SSL ? "https" : "http",
		 addr_port_str(target_addr(c), target_port(c), hostport,
			       sizeof(hostport)),
		 c->path);
	c->easy = e;
	c->body_len = 0;
	if (c->digest[0]) {
		c->md5 = md5_new();
		if (!c->md5) {
			finish(c, false, "MD5 not available");
			return;
		}
	}
	if (c->virtualhost) {
		char h[512];

		snprintf(h, sizeof(h), "Host: %s", c->virtualhost);
		c->hdrs = curl_slist_append(NULL, h);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->hdrs);
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	if (c->bindto.family) {
		char ifc[NAME_LEN], a[NAME_LEN];

		/* "host!": an address, never taken for an interface name. */
		snprintf(ifc, sizeof(ifc), "host!%s",
			 ipaddr_str(&c->bindto, a, sizeof(a)));
		curl_easy_setopt(e, CURLOPT_INTERFACE, ifc);
	}
	curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)c);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, body_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)c->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)c->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "l4lbd/" L4LBD_VERSION);
	if (curl_multi_add_handle(multi, e) != CURLM_OK) {
		snprintf(why, sizeof(why), "curl_multi_add_handle failed");
		finish(c, false, why);
	}
}

/* --- MISC_CHECK --------------------------------------------------------- */

struct reaper {
	struct watch w;
	pid_t pid;
};

static void reaper_event(struct watch *w, uint32_t events)
{
	struct reaper *r = (struct reaper *)w;

	(void)events;
	if (r->pid < 0)
		return;
	if (waitpid(r->pid, NULL, WNOHANG) == 0)
		return;
	watch_del(w);
	close(w->fd);
	r->pid = -1;
	loop_defer_free(free, r);
}

static void misc_event(struct watch *w, uint32_t events)
{
	struct check *c = (struct check *)((char *)w -
					   offsetof(struct check, watch));
	char why[160];
	int st;
	pid_t r;

	(void)events;
	if (!c->running || c->type != CHECK_MISC || c->pid < 0)
		return;
	r = waitpid(c->pid, &st, WNOHANG);
	if (r == 0)
		return;
	c->pid = -1;
	if (r < 0)
		snprintf(why, sizeof(why), "MISC_CHECK waitpid: %s",
			 strerror(errno));
	else if (c->killed)
		snprintf(why, sizeof(why), "MISC_CHECK timeout after %u ms",
			 c->misc_timeout_ms);
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		finish(c, true, NULL);
		return;
	} else if (WIFEXITED(st))
		snprintf(why, sizeof(why), "MISC_CHECK exit status %d",
			 WEXITSTATUS(st));
	else
		snprintf(why, sizeof(why), "MISC_CHECK killed by signal %d",
			 WTERMSIG(st));
	finish(c, false, why);
}

/* Child side: own process group, default signals, stdin /dev/null. */
static void exec_sh(const char *cmd)
{
	sigset_t none;
	int s, fd;

	setpgid(0, 0);
	for (s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, 0);
		if (fd > 2)
			close(fd);
	}
	syscall(SYS_close_range, 3U, ~0U, 0U);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

int run_script(const char *cmd)
{
	struct reaper *r = calloc(1, sizeof(*r));
	pid_t pid;
	int fd;

	if (!r)
		return -ENOMEM;
	pid = fork();
	if (pid < 0) {
		free(r);
		return -errno;
	}
	if (pid == 0)
		exec_sh(cmd);
	setpgid(pid, pid);
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0) {
		/* Cannot watch it: wait (a notify script is short). */
		waitpid(pid, NULL, 0);
		free(r);
		return 0;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	r->w.fd = fd;
	r->w.fn = reaper_event;
	r->pid = pid;
	watch_add(&r->w, EPOLLIN);
	return 0;
}

static void misc_start(struct check *c)
{
	char why[160];
	pid_t pid;
	int fd;

	pid = fork();
	if (pid < 0) {
		snprintf(why, sizeof(why), "MISC_CHECK fork: %s",
			 strerror(errno));
		finish(c, false, why);
		return;
	}
	if (pid == 0)
		exec_sh(c->misc_path);
	setpgid(pid, pid);
	c->pid = pid;
	c->killed = false;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0) {
		snprintf(why, sizeof(why), "pidfd_open: %s", strerror(errno));
		kill(-pid, SIGKILL);
		waitpid(pid, NULL, 0);
		c->pid = -1;
		finish(c, false, why);
		return;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	c->watch.fd = fd;
	c->watch.fn = misc_event;
	watch_add(&c->watch, EPOLLIN);
	timer_arm(&c->timer, c->started + c->misc_timeout_ms);
}

/* --- common ------------------------------------------------------------- */

static void cleanup_probe(struct check *c)
{
	timer_cancel(&c->timer);
	if (c->easy) {
		curl_multi_remove_handle(multi, c->easy);
		curl_easy_cleanup(c->easy);
		c->easy = NULL;
	}
	if (c->hdrs) {
		curl_slist_free_all(c->hdrs);
		c->hdrs = NULL;
	}
	md5_free(c->md5);
	c->md5 = NULL;
	if (c->pid > 0) {
		/* Still running (stop during a probe): kill, reap later. */
		struct reaper *r = calloc(1, sizeof(*r));

		kill(-c->pid, SIGKILL);
		watch_del(&c->watch);
		if (r) {
			r->w.fd = c->watch.fd;
			r->w.fn = reaper_event;
			r->pid = c->pid;
			watch_add(&r->w, EPOLLIN);
		}
		c->pid = -1;
		c->watch.fd = -1;
	}
	if (c->watch.fd >= 0) {
		watch_del(&c->watch);
		close(c->watch.fd);
		c->watch.fd = -1;
	}
}

static void probe_timer(struct timer *t)
{
	struct check *c = (struct check *)((char *)t -
					   offsetof(struct check, timer));

	if (c->running) {
		/* The probe's own deadline (TCP and MISC). */
		if (c->type == CHECK_TCP) {
			char why[64];

			snprintf(why, sizeof(why), "TCP connect timeout");
			finish(c, false, why);
		} else if (c->type == CHECK_UDP) {
			/* No ICMP error, no reply: up unless one is required. */
			if (c->require_reply)
				finish(c, false, "UDP_CHECK timeout: no reply");
			else
				finish(c, true, NULL);
		} else if (c->type == CHECK_PING) {
			finish(c, false, "PING_CHECK timeout: no echo reply");
		} else if (c->type == CHECK_MISC && c->pid > 0) {
			kill(-c->pid, SIGKILL);
			c->killed = true;
		}
		return;
	}
	/* ha_suspend: no probe while the VIP is elsewhere; state kept. */
	if (c->rs->vs->ha_suspend && !c->rs->vs->vip_local) {
		timer_arm(&c->timer, now_ms() + c->delay_loop_ms);
		return;
	}
	c->running = true;
	c->started = now_ms();
	c->reason[0] = '\0';
	if (verbose) {
		char b[NAME_LEN];

		logmsg(7, "probe %s of real server %s", check_type_name(c->type),
		       rs_name(c->rs, b, sizeof(b)));
	}
	switch (c->type) {
	case CHECK_TCP:
		tcp_start(c);
		break;
	case CHECK_HTTP:
	case CHECK_SSL:
		http_start(c);
		break;
	case CHECK_MISC:
		misc_start(c);
		break;
	case CHECK_UDP:
		udp_start(c);
		break;
	case CHECK_PING:
		ping_start(c);
		break;
	}
}

void check_start(struct check *c, uint64_t spread_ms)
{
	c->timer.fn = probe_timer;
	c->watch.fd = -1;
	c->pid = -1;
	if (!c->ping_id)
		c->ping_id = (uint16_t)(random() | 1);
	timer_arm(&c->timer, now_ms() + (spread_ms ? (uint64_t)random() % spread_ms : 0));
}

void check_stop(struct check *c)
{
	cleanup_probe(c);
	c->running = false;
}

int checks_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return -1;
	multi = curl_multi_init();
	if (!multi)
		return -1;
	timer_init(&curl_timer, curl_timeout);
	curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, curl_sock_cb);
	curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, curl_timer_cb);
	return 0;
}

void checks_cleanup(void)
{
	if (multi)
		curl_multi_cleanup(multi);
	multi = NULL;
	curl_global_cleanup();
}
