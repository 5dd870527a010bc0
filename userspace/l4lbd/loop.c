// SPDX-License-Identifier: GPL-2.0
/*
 * loop.c - the single-threaded event loop: one epoll set, one timerfd
 * armed for the earliest of a binary heap of timers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>

#include "l4lbd.h"

static int epfd = -1;
static struct timer **heap;
static size_t nheap, heap_cap;

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int loop_init(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	return epfd < 0 ? -errno : 0;
}

void timer_init(struct timer *t, void (*fn)(struct timer *))
{
	t->idx = -1;
	t->when = 0;
	t->fn = fn;
}

static void heap_set(size_t i, struct timer *t)
{
	heap[i] = t;
	t->idx = (int)i;
}

static void sift_up(size_t i)
{
	struct timer *t = heap[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (heap[p]->when <= t->when)
			break;
		heap_set(i, heap[p]);
		i = p;
	}
	heap_set(i, t);
}

static void sift_down(size_t i)
{
	struct timer *t = heap[i];

	for (;;) {
		size_t l = 2 * i + 1, m = i;
		uint64_t best = t->when;

		if (l < nheap && heap[l]->when < best) {
			m = l;
			best = heap[l]->when;
		}
		if (l + 1 < nheap && heap[l + 1]->when < best)
			m = l + 1;
		if (m == i)
			break;
		heap_set(i, heap[m]);
		i = m;
	}
	heap_set(i, t);
}

void timer_cancel(struct timer *t)
{
	size_t i;
	struct timer *last;

	if (t->idx < 0)
		return;
	i = (size_t)t->idx;
	t->idx = -1;
	last = heap[--nheap];
	if (i == nheap)
		return;
	heap_set(i, last);
	sift_up(i);
	sift_down((size_t)last->idx);
}

void timer_arm(struct timer *t, uint64_t when)
{
	timer_cancel(t);
	if (nheap == heap_cap) {
		size_t cap = heap_cap ? heap_cap * 2 : 64;
		struct timer **n = realloc(heap, cap * sizeof(*n));

		if (!n)
			abort();
		heap = n;
		heap_cap = cap;
	}
	t->when = when;
	heap_set(nheap, t);
	sift_up(nheap++);
}

size_t timers_armed(void)
{
	return nheap;
}

int watch_add(struct watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, w->fd, &ev) == 0)
		return 0;
	if (errno == EEXIST && epoll_ctl(epfd, EPOLL_CTL_MOD, w->fd, &ev) == 0)
		return 0;
	return -errno;
}

int watch_mod(struct watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (epoll_ctl(epfd, EPOLL_CTL_MOD, w->fd, &ev) == 0)
		return 0;
	return watch_add(w, events);
}

void watch_del(struct watch *w)
{
	if (w->fd >= 0)
		epoll_ctl(epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

/*
 * Objects with a watch may be freed by the callback of another event of
 * the same epoll batch; they are freed after the batch instead.
 */
struct deferred {
	void (*fn)(void *);
	void *p;
};
static struct deferred *defer_q;
static size_t ndefer, defer_cap;

void loop_defer_free(void (*fn)(void *), void *p)
{
	if (ndefer == defer_cap) {
		size_t cap = defer_cap ? defer_cap * 2 : 64;
		struct deferred *n = realloc(defer_q, cap * sizeof(*n));

		if (!n)
			abort();
		defer_q = n;
		defer_cap = cap;
	}
	defer_q[ndefer].fn = fn;
	defer_q[ndefer++].p = p;
}

static void run_deferred(void)
{
	size_t i;

	for (i = 0; i < ndefer; i++)
		defer_q[i].fn(defer_q[i].p);
	ndefer = 0;
}

#define MAX_EVENTS 256

int loop_once(int max_wait_ms)
{
	struct epoll_event ev[MAX_EVENTS];
	uint64_t now = now_ms();
	int wait = max_wait_ms, n, i, budget;

	/* Expired timers first; a bounded batch so I/O is not starved. */
	for (budget = 4096; nheap && heap[0]->when <= now && budget; budget--) {
		struct timer *t = heap[0];

		timer_cancel(t);
		t->fn(t);
		if (!(budget & 63))
			now = now_ms();
	}
	if (nheap) {
		uint64_t d = heap[0]->when > now ? heap[0]->when - now : 0;

		if (wait < 0 || d < (uint64_t)wait)
			wait = (int)d;
	}
	run_deferred();
	n = epoll_wait(epfd, ev, MAX_EVENTS, wait);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		struct watch *w = ev[i].data.ptr;

		w->fn(w, ev[i].events);
	}
	run_deferred();
	return n;
}
