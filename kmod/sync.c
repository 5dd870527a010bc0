// SPDX-License-Identifier: GPL-2.0
/*
 * Connection sync (ipvsadm --start-daemon master|backup): the master sends
 * its entries' births, state changes and refreshes to a multicast group,
 * the backup installs them. Format and behaviour: the UAPI header.
 *
 * Master: the packet path (conn.c, persist.c) appends a record to the
 * datagram being filled, under the master's spinlock (taken inside a
 * conn bucket or template lock, never around one); a full datagram goes
 * to a bounded list and the work item sends it at once, a partial one
 * when the work item runs, 50 ms after its first record. With no master
 * the packet path tests one flag.
 *
 * Backup: a kernel UDP socket whose encap_rcv queues each datagram
 * (softirq, bounded); the work item checks a datagram whole, then takes
 * the config mutex (the dest lists are configuration) and installs its
 * records. The mutex is never held while the work item is waited for:
 * a role is detached under it and torn down after (l4lb_sync_stop()).
 * Sockets are made and released outside the config mutex too, since
 * joining and leaving a group takes RTNL, which the netdev notifier
 * holds when it takes the config mutex.
 */
#include <linux/igmp.h>
#include <linux/inetdevice.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <crypto/algapi.h>
#include <net/addrconf.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include "l4lb.h"

#define L4LB_SYNC_FLUSH_DELAY	msecs_to_jiffies(50)
/* Full datagrams waiting for the master's work item. */
#define L4LB_SYNC_TX_QUEUE_MAX	64
/* Datagrams waiting for the backup's work item. */
#define L4LB_SYNC_RX_QUEUE_MAX	256
/* Records per datagram: the header's COUNT is 8 bits. */
#define L4LB_SYNC_COUNT_MAX	255

struct l4lb_sync_buf {
	struct list_head	list;
	unsigned int		len;	/* bytes used, the header's included */
	unsigned int		count;
	u8			data[];
};

struct l4lb_sync_master {
	struct l4lb_sync_cfg	cfg;
	struct l4lb_net		*ln;
	struct socket		*sock;
	spinlock_t		lock;
	struct l4lb_sync_buf	*cur;	/* being filled, or NULL; lock */
	struct list_head	full;	/* lock */
	unsigned int		nfull;	/* lock */
	struct delayed_work	work;
};

struct l4lb_sync_backup {
	struct l4lb_sync_cfg	cfg;
	struct l4lb_net		*ln;
	struct socket		*sock;
	struct sk_buff_head	queue;
	struct work_struct	work;
};

static void l4lb_sync_count(struct l4lb_net *ln, enum l4lb_sync_ctr ctr,
			    u64 n)
{
	atomic64_add(n, &ln->sync.ctrs[ctr]);
}

void l4lb_sync_net_init(struct l4lb_net *ln)
{
	unsigned int i;

	RCU_INIT_POINTER(ln->sync.master, NULL);
	ln->sync.backup = NULL;
	for (i = 0; i < L4LB_SYNC_NR_CTRS; i++)
		atomic64_set(&ln->sync.ctrs[i], 0);
}

/* ---------------------------------------------------------------- */
/* Master                                                            */

static unsigned int l4lb_sync_mac_room(const struct l4lb_sync_cfg *cfg)
{
	return cfg->keyed ? L4LB_SYNC_MAC_LEN : 0;
}

/*
 * Master lock held: room for a record of @len bytes in the current
 * datagram, or NULL (the record is dropped, and counted).
 */
static struct l4lb_sync_buf *l4lb_sync_room(struct l4lb_sync_master *m,
					    unsigned int len)
{
	struct l4lb_sync_buf *b = m->cur;

	lockdep_assert_held(&m->lock);
	if (b && (b->len + len + l4lb_sync_mac_room(&m->cfg) > m->cfg.maxlen ||
		  b->count >= L4LB_SYNC_COUNT_MAX)) {
		list_add_tail(&b->list, &m->full);
		m->nfull++;
		m->cur = NULL;
		b = NULL;
		mod_delayed_work(system_wq, &m->work, 0);
	}
	if (b)
		return b;
	if (m->nfull >= L4LB_SYNC_TX_QUEUE_MAX)
		return NULL;
	b = kmalloc(sizeof(*b) + m->cfg.maxlen, GFP_ATOMIC);
	if (!b)
		return NULL;
	b->len = sizeof(struct l4lb_sync_hdr);
	b->count = 0;
	m->cur = b;
	queue_delayed_work(system_wq, &m->work, L4LB_SYNC_FLUSH_DELAY);
	return b;
}

/* Milliseconds from now to @expires, 0 if past. */
static u32 l4lb_sync_ms_left(unsigned long expires)
{
	long left = (long)(expires - jiffies);

	return left > 0 ? jiffies_to_msecs(left) : 0;
}

/* The real server's family of record @r. */
static u8 l4lb_sync_dfamily(const struct l4lb_sync_rec *r)
{
	return r->dfamily ?: r->family;
}

/* Record @r's length, by its families. */
static unsigned int l4lb_sync_rec_len(const struct l4lb_sync_rec *r)
{
	return L4LB_SYNC_REC_LEN2(r->family, l4lb_sync_dfamily(r));
}

/* The addresses of @r, whose family is set, and its length; @dest's family. */
static void l4lb_sync_put_addrs(struct l4lb_sync_rec *r,
				const union l4lb_addr *caddr,
				const union l4lb_addr *vaddr,
				const struct l4lb_dest *dest)
{
	unsigned int n = l4lb_addr_words(r->family);

	if (dest->family != r->family)
		r->dfamily = dest->family;
	r->len = htons(l4lb_sync_rec_len(r));
	memcpy(&r->addrs[0], caddr->all, n * 4);
	memcpy(&r->addrs[n], vaddr->all, n * 4);
	memcpy(&r->addrs[2 * n], dest->addr.all,
	       l4lb_addr_words(dest->family) * 4);
}

/* RCU: append @r (l4lb_sync_rec_len() bytes) to the queue. */
static void l4lb_sync_queue(struct l4lb_net *ln, const struct l4lb_sync_rec *r)
{
	unsigned int len = l4lb_sync_rec_len(r);
	struct l4lb_sync_master *m;
	struct l4lb_sync_buf *b;
	unsigned long flags;

	m = rcu_dereference(ln->sync.master);
	if (!m)
		return;
	spin_lock_irqsave(&m->lock, flags);
	b = l4lb_sync_room(m, len);
	if (b) {
		memcpy(b->data + b->len, r, len);
		b->len += len;
		b->count++;
	}
	spin_unlock_irqrestore(&m->lock, flags);
	if (!b)
		l4lb_sync_count(ln, L4LB_SYNC_TX_DROPPED, 1);
}

union l4lb_sync_rec_buf {
	struct l4lb_sync_rec	rec;
	u8			bytes[L4LB_SYNC_REC_LEN(AF_INET6)];
};

/* Packet path or a timer: queue a record of entry @c. */
void __l4lb_sync_conn(struct l4lb_net *ln, const struct l4lb_conn *c)
{
	union l4lb_sync_rec_buf buf = {};
	struct l4lb_sync_rec *r = &buf.rec;
	const struct l4lb_service *svc;
	struct l4lb_dest *dest = c->dest;
	union l4lb_addr caddr, vaddr;

	rcu_read_lock();
	svc = rcu_dereference(dest->svc);
	if (!svc)
		goto out;	/* its dest was deleted: the flow moves */
	r->type = L4LB_SYNC_REC_CONN;
	if (READ_ONCE(c->flags) & L4LB_CONN_F_INET6) {
		r->family = AF_INET6;
		l4lb_addr_set6(&caddr, &c->a.v6.caddr);
		l4lb_addr_set6(&vaddr, &c->a.v6.vaddr);
	} else {
		r->family = AF_INET;
		l4lb_addr_set4(&caddr, c->a.v4.caddr);
		l4lb_addr_set4(&vaddr, c->a.v4.vaddr);
	}
	r->protocol = c->protocol;
	r->fwd = dest->fwd;
	r->state = READ_ONCE(c->state);
	if (READ_ONCE(c->flags) & L4LB_CONN_F_CONFIRMED)
		r->flags = L4LB_SYNC_REC_F_CONFIRMED;
	r->cport = c->cport;
	r->vport = c->vport;
	r->dport = dest->port;
	r->fwmark = htonl(svc->key.fwmark);
	r->timeout = htonl(l4lb_sync_ms_left(READ_ONCE(c->expires)));
	l4lb_sync_put_addrs(r, &caddr, &vaddr, dest);
	l4lb_sync_queue(ln, r);
out:
	rcu_read_unlock();
}

/* Packet path or a timer, template lock held: queue template @t. */
void __l4lb_sync_tmpl(struct l4lb_net *ln, const struct l4lb_tmpl *t)
{
	union l4lb_sync_rec_buf buf = {};
	struct l4lb_sync_rec *r = &buf.rec;
	const struct l4lb_service *svc = t->svc;

	r->type = L4LB_SYNC_REC_TMPL;
	r->family = svc->key.family;
	r->protocol = svc->key.protocol;
	r->fwd = t->dest->fwd;
	r->state = L4LB_CONN_S_NONE;
	r->vport = svc->key.port;
	r->dport = t->dest->port;
	r->fwmark = htonl(svc->key.fwmark);
	r->timeout = htonl(l4lb_sync_ms_left(READ_ONCE(t->expires)));
	l4lb_sync_put_addrs(r, &t->caddr, &svc->key.addr, t->dest);
	rcu_read_lock();
	l4lb_sync_queue(ln, r);
	rcu_read_unlock();
}

static int l4lb_sync_send(struct l4lb_sync_master *m, struct l4lb_sync_buf *b)
{
	const struct l4lb_sync_cfg *cfg = &m->cfg;
	struct l4lb_sync_hdr *h = (struct l4lb_sync_hdr *)b->data;
	struct sockaddr_storage ss = {};
	struct msghdr msg = { .msg_name = &ss, .msg_flags = MSG_DONTWAIT };
	struct kvec iov;

	h->magic = htonl(L4LB_SYNC_MAGIC);
	h->version = L4LB_SYNC_VERSION;
	h->syncid = cfg->syncid;
	h->count = b->count;
	h->flags = cfg->keyed ? L4LB_SYNC_HDR_F_MAC : 0;
	h->len = htons(b->len + l4lb_sync_mac_room(cfg));
	h->reserved = 0;
	if (cfg->keyed) {
		__le64 mac = cpu_to_le64(siphash(b->data, b->len, &cfg->key));

		memcpy(b->data + b->len, &mac, sizeof(mac));
	}
	if (cfg->family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = cfg->group.in6;
		sin6->sin6_port = cfg->port;
		sin6->sin6_scope_id = cfg->ifindex;
		msg.msg_namelen = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = cfg->group.ip;
		sin->sin_port = cfg->port;
		msg.msg_namelen = sizeof(*sin);
	}
	iov.iov_base = b->data;
	iov.iov_len = b->len + l4lb_sync_mac_room(cfg);
	return kernel_sendmsg(m->sock, &msg, &iov, 1, iov.iov_len);
}

static void l4lb_sync_master_work(struct work_struct *work)
{
	struct l4lb_sync_master *m = container_of(to_delayed_work(work),
						  struct l4lb_sync_master,
						  work);
	struct l4lb_sync_buf *b, *tmp;
	LIST_HEAD(out);

	spin_lock_irq(&m->lock);
	list_splice_init(&m->full, &out);
	m->nfull = 0;
	if (m->cur) {
		list_add_tail(&m->cur->list, &out);
		m->cur = NULL;
	}
	spin_unlock_irq(&m->lock);

	list_for_each_entry_safe(b, tmp, &out, list) {
		if (l4lb_sync_send(m, b) < 0) {
			l4lb_sync_count(m->ln, L4LB_SYNC_TX_DROPPED, b->count);
		} else {
			l4lb_sync_count(m->ln, L4LB_SYNC_TX_DATAGRAMS, 1);
			l4lb_sync_count(m->ln, L4LB_SYNC_TX_RECORDS, b->count);
		}
		list_del(&b->list);
		kfree(b);
	}
}

static int l4lb_sync_master_sock(struct l4lb_sync_master *m)
{
	const struct l4lb_sync_cfg *cfg = &m->cfg;
	struct socket *sock;
	struct sock *sk;
	int err;

	err = sock_create_kern(m->ln->net, cfg->family, SOCK_DGRAM,
			       IPPROTO_UDP, &sock);
	if (err)
		return err;
	sk = sock->sk;
	lock_sock(sk);
	sk->sk_bound_dev_if = cfg->ifindex;
	if (cfg->family == AF_INET6) {
		struct ipv6_pinfo *np = inet6_sk(sk);

		np->mcast_oif = cfg->ifindex;
		np->mcast_hops = cfg->ttl;
		np->mc_loop = 0;
	} else {
		struct inet_sock *inet = inet_sk(sk);

		inet->mc_index = cfg->ifindex;
		inet->mc_ttl = cfg->ttl;
		inet->mc_loop = 0;
	}
	release_sock(sk);
	m->sock = sock;
	return 0;
}

static struct l4lb_sync_master *l4lb_sync_master_new(struct l4lb_net *ln,
						     const struct l4lb_sync_cfg *cfg)
{
	struct l4lb_sync_master *m;
	int err;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return ERR_PTR(-ENOMEM);
	m->cfg = *cfg;
	m->ln = ln;
	spin_lock_init(&m->lock);
	INIT_LIST_HEAD(&m->full);
	INIT_DELAYED_WORK(&m->work, l4lb_sync_master_work);
	err = l4lb_sync_master_sock(m);
	if (err) {
		kfree(m);
		return ERR_PTR(err);
	}
	return m;
}

/* Detached a grace period ago: no packet queues any more. */
static void l4lb_sync_master_free(struct l4lb_sync_master *m)
{
	struct l4lb_sync_buf *b, *tmp;
	unsigned int dropped = 0;

	cancel_delayed_work_sync(&m->work);
	list_for_each_entry_safe(b, tmp, &m->full, list) {
		dropped += b->count;
		kfree(b);
	}
	if (m->cur) {
		dropped += m->cur->count;
		kfree(m->cur);
	}
	l4lb_sync_count(m->ln, L4LB_SYNC_TX_DROPPED, dropped);
	sock_release(m->sock);
	kfree(m);
}

/* ---------------------------------------------------------------- */
/* Backup                                                            */

/* Softirq: a datagram to the sync port; queued for the work item. */
static int l4lb_sync_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct l4lb_sync_backup *b = rcu_dereference_sk_user_data(sk);

	if (!b || !pskb_may_pull(skb, sizeof(struct udphdr)))
		goto drop;
	__skb_pull(skb, sizeof(struct udphdr));
	/* The input route may be held only by RCU: the work item is later. */
	skb_dst_drop(skb);
	if (skb_queue_len(&b->queue) >= L4LB_SYNC_RX_QUEUE_MAX) {
		l4lb_sync_count(b->ln, L4LB_SYNC_RX_DROPPED, 1);
		goto drop;
	}
	skb_queue_tail(&b->queue, skb);
	queue_work(system_wq, &b->work);
	return 0;
drop:
	kfree_skb(skb);
	return 0;
}

static bool l4lb_sync_state_ok(u8 protocol, u8 state)
{
	if (protocol == IPPROTO_UDP)
		return state == L4LB_CONN_S_UDP;
	return state >= L4LB_CONN_S_SYN_RECV && state <= L4LB_CONN_S_CLOSE;
}

/* One record's fields, its length checked already. */
static bool l4lb_sync_rec_ok(const struct l4lb_sync_rec *r)
{
	if (r->reserved || r->fwd < L4LB_FWD_DR || r->fwd > L4LB_FWD_MAX ||
	    ntohl(r->timeout) > L4LB_TIMEOUT_MAX * 1000U)
		return false;
	/* Only a tunnel reaches a real server of the other family. */
	if (r->dfamily && (r->fwd != L4LB_FWD_TUN || r->dfamily == r->family ||
			   (r->dfamily != AF_INET && r->dfamily != AF_INET6)))
		return false;
	switch (r->type) {
	case L4LB_SYNC_REC_CONN:
		return (r->protocol == IPPROTO_TCP ||
			r->protocol == IPPROTO_UDP) &&
		       l4lb_sync_state_ok(r->protocol, r->state) &&
		       !(r->flags & ~L4LB_SYNC_REC_F_CONFIRMED);
	case L4LB_SYNC_REC_TMPL:
		if (r->state != L4LB_CONN_S_NONE || r->flags || r->cport)
			return false;
		if (r->fwmark)
			return !r->protocol && !r->vport;
		return r->protocol == IPPROTO_TCP ||
		       r->protocol == IPPROTO_UDP;
	}
	return false;
}

/*
 * The datagram's records, if it is exactly as the UAPI header says and
 * for us: their offset, and the length that they take; else the reason
 * (a counter) it is not taken.
 */
static int l4lb_sync_check(const struct l4lb_sync_backup *b, const u8 *data,
			   unsigned int len, unsigned int *body_end)
{
	const struct l4lb_sync_hdr *h = (const struct l4lb_sync_hdr *)data;
	const struct l4lb_sync_cfg *cfg = &b->cfg;
	unsigned int off, end = len, i;

	if (len < sizeof(*h) || h->magic != htonl(L4LB_SYNC_MAGIC) ||
	    h->version != L4LB_SYNC_VERSION || ntohs(h->len) != len ||
	    h->reserved || (h->flags & ~L4LB_SYNC_HDR_F_MAC))
		return L4LB_SYNC_RX_MALFORMED;
	if (h->flags & L4LB_SYNC_HDR_F_MAC) {
		if (len < sizeof(*h) + L4LB_SYNC_MAC_LEN)
			return L4LB_SYNC_RX_MALFORMED;
		end -= L4LB_SYNC_MAC_LEN;
	}
	if (cfg->keyed) {
		__le64 mac;

		if (!(h->flags & L4LB_SYNC_HDR_F_MAC))
			return L4LB_SYNC_RX_BAD_AUTH;
		mac = cpu_to_le64(siphash(data, end, &cfg->key));
		if (crypto_memneq(&mac, data + end, sizeof(mac)))
			return L4LB_SYNC_RX_BAD_AUTH;
	}
	off = sizeof(*h);
	for (i = 0; i < h->count; i++) {
		const struct l4lb_sync_rec *r;

		if (end - off < sizeof(*r))
			return L4LB_SYNC_RX_MALFORMED;
		r = (const struct l4lb_sync_rec *)(data + off);
		if ((r->family != AF_INET && r->family != AF_INET6) ||
		    !l4lb_sync_rec_ok(r) ||
		    ntohs(r->len) != l4lb_sync_rec_len(r) ||
		    end - off < l4lb_sync_rec_len(r))
			return L4LB_SYNC_RX_MALFORMED;
		off += l4lb_sync_rec_len(r);
	}
	if (off != end)
		return L4LB_SYNC_RX_MALFORMED;
	if (cfg->syncid && h->syncid != cfg->syncid)
		return L4LB_SYNC_RX_OTHER_SYNCID;
	*body_end = end;
	return -1;
}

static void l4lb_sync_get_addr(union l4lb_addr *a, u8 family,
			       const __be32 *words)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->all, words, l4lb_addr_words(family) * 4);
}

/*
 * Config lock held: the live dest of @r's service and real server, held
 * for the caller, with the service in *@svcp; NULL if the backup has
 * none such.
 */
static struct l4lb_dest *l4lb_sync_dest_of(struct l4lb_net *ln,
					   const struct l4lb_sync_rec *r,
					   struct l4lb_service **svcp)
{
	unsigned int n = l4lb_addr_words(r->family);
	struct l4lb_svc_key key = { .family = r->family };
	struct l4lb_service *svc;
	struct l4lb_dest *dest;
	union l4lb_addr daddr;

	if (r->fwmark) {
		key.fwmark = ntohl(r->fwmark);
	} else {
		l4lb_sync_get_addr(&key.addr, r->family, &r->addrs[n]);
		key.port = r->vport;
		key.protocol = r->protocol;
	}
	svc = l4lb_svc_find(ln, &key);
	if (!svc)
		return NULL;
	l4lb_sync_get_addr(&daddr, l4lb_sync_dfamily(r), &r->addrs[2 * n]);
	dest = l4lb_svc_find_dest(svc, l4lb_sync_dfamily(r), &daddr, r->dport);
	if (!dest || dest->fwd != r->fwd || l4lb_dest_unusable(dest) ||
	    !l4lb_dest_hold(dest))
		return NULL;
	*svcp = svc;
	return dest;
}

/* Config lock held: install record @r; a counter of what came of it. */
static enum l4lb_sync_ctr l4lb_sync_install(struct l4lb_net *ln,
					    const struct l4lb_sync_rec *r)
{
	unsigned long ttl = msecs_to_jiffies(ntohl(r->timeout)) +
			    L4LB_SYNC_GRACE;
	unsigned int n = l4lb_addr_words(r->family);
	struct l4lb_service *svc;
	struct l4lb_dest *dest;
	struct l4lb_flow_in p;
	bool done;

	dest = l4lb_sync_dest_of(ln, r, &svc);
	if (!dest)
		return L4LB_SYNC_RX_NO_SERVICE;
	if (r->type == L4LB_SYNC_REC_TMPL) {
		union l4lb_addr caddr;

		l4lb_sync_get_addr(&caddr, r->family, &r->addrs[0]);
		done = svc->persist.timeout &&
		       l4lb_persist_sync_in(svc, dest, &caddr, ttl);
		l4lb_dest_put(dest);
		if (!svc->persist.timeout)
			return L4LB_SYNC_RX_NO_SERVICE;
		return done ? L4LB_SYNC_RX_RECORDS : L4LB_SYNC_RX_TABLE_FULL;
	}
	memset(&p, 0, sizeof(p));
	p.family = r->family;
	p.protocol = r->protocol;
	l4lb_sync_get_addr(&p.caddr, r->family, &r->addrs[0]);
	l4lb_sync_get_addr(&p.vaddr, r->family, &r->addrs[n]);
	p.cport = r->cport;
	p.vport = r->vport;
	switch (l4lb_conn_sync_in(ln, dest, &p, r->state,
				  r->flags & L4LB_SYNC_REC_F_CONFIRMED ?
				  L4LB_CONN_F_CONFIRMED : 0, ttl)) {
	case L4LB_SYNC_IN_DONE:
		return L4LB_SYNC_RX_RECORDS;
	case L4LB_SYNC_IN_FULL:
	case L4LB_SYNC_IN_NOMEM:
		break;
	}
	return L4LB_SYNC_RX_TABLE_FULL;
}

/*
 * One datagram; counted last, so that whoever sees the count sees what
 * the datagram did.
 */
static void l4lb_sync_process(struct l4lb_sync_backup *b, struct sk_buff *skb)
{
	struct l4lb_net *ln = b->ln;
	unsigned int off, end;
	const u8 *data;
	int why;

	if (skb_linearize(skb)) {
		l4lb_sync_count(ln, L4LB_SYNC_RX_DROPPED, 1);
		goto out;
	}
	data = skb->data;
	why = l4lb_sync_check(b, data, skb->len, &end);
	if (why >= 0) {
		l4lb_sync_count(ln, why, 1);
		goto out;
	}
	mutex_lock(&ln->lock);
	/* Being stopped: it drops what is left. */
	if (ln->sync.backup == b) {
		for (off = sizeof(struct l4lb_sync_hdr); off < end;) {
			const struct l4lb_sync_rec *r;

			r = (const struct l4lb_sync_rec *)(data + off);
			l4lb_sync_count(ln, l4lb_sync_install(ln, r), 1);
			off += l4lb_sync_rec_len(r);
		}
	}
	mutex_unlock(&ln->lock);
out:
	l4lb_sync_count(ln, L4LB_SYNC_RX_DATAGRAMS, 1);
}

static void l4lb_sync_backup_work(struct work_struct *work)
{
	struct l4lb_sync_backup *b = container_of(work, struct l4lb_sync_backup,
						  work);
	struct sk_buff *skb;
	unsigned int n = 0;

	while ((skb = skb_dequeue(&b->queue))) {
		l4lb_sync_process(b, skb);
		kfree_skb(skb);
		if (!(++n & 63))
			cond_resched();
	}
}

/* Join the group on the interface; RTNL, as setsockopt() takes it. */
static int l4lb_sync_join(struct sock *sk, const struct l4lb_sync_cfg *cfg)
{
	int err;

	rtnl_lock();
	lock_sock(sk);
	if (cfg->family == AF_INET6) {
		err = ipv6_sock_mc_join(sk, cfg->ifindex, &cfg->group.in6);
	} else {
		struct ip_mreqn mreq = {
			.imr_multiaddr.s_addr	= cfg->group.ip,
			.imr_ifindex		= cfg->ifindex,
		};

		err = ip_mc_join_group(sk, &mreq);
	}
	release_sock(sk);
	rtnl_unlock();
	return err;
}

static struct l4lb_sync_backup *l4lb_sync_backup_new(struct l4lb_net *ln,
						     const struct l4lb_sync_cfg *cfg)
{
	struct udp_tunnel_sock_cfg tcfg = {};
	struct udp_port_cfg ucfg = {};
	struct l4lb_sync_backup *b;
	int err;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	b->cfg = *cfg;
	b->ln = ln;
	skb_queue_head_init(&b->queue);
	INIT_WORK(&b->work, l4lb_sync_backup_work);

	ucfg.family = cfg->family;
	ucfg.local_udp_port = cfg->port;
	ucfg.bind_ifindex = cfg->ifindex;
	if (cfg->family == AF_INET6)
		ucfg.ipv6_v6only = 1;
	err = udp_sock_create(ln->net, &ucfg, &b->sock);
	if (err)
		goto err_free;
	err = l4lb_sync_join(b->sock->sk, cfg);
	if (err)
		goto err_release;
	tcfg.sk_user_data = b;
	tcfg.encap_type = 1;
	tcfg.encap_rcv = l4lb_sync_rcv;
	setup_udp_tunnel_sock(ln->net, b->sock, &tcfg);
	return b;

err_release:
	sock_release(b->sock);
err_free:
	kfree(b);
	return ERR_PTR(err);
}

/* Detached: nothing of the config refers to it any more. */
static void l4lb_sync_backup_free(struct l4lb_sync_backup *b)
{
	/* Waits for receivers (synchronize_rcu()); none queues after. */
	udp_tunnel_sock_release(b->sock);
	cancel_work_sync(&b->work);
	skb_queue_purge(&b->queue);
	kfree(b);
}

/* ---------------------------------------------------------------- */
/* Roles                                                             */

/*
 * NEW_DAEMON, without the config lock (see the top). -EEXIST if the role
 * runs, or another request started it meanwhile.
 */
int l4lb_sync_start(struct l4lb_net *ln, u32 state,
		    const struct l4lb_sync_cfg *cfg)
{
	struct l4lb_sync_master *m = NULL;
	struct l4lb_sync_backup *b = NULL;
	bool running;

	mutex_lock(&ln->lock);
	running = state == L4LB_DAEMON_MASTER ?
		  !!rcu_access_pointer(ln->sync.master) : !!ln->sync.backup;
	mutex_unlock(&ln->lock);
	if (running)
		return -EEXIST;

	if (state == L4LB_DAEMON_MASTER)
		m = l4lb_sync_master_new(ln, cfg);
	else
		b = l4lb_sync_backup_new(ln, cfg);
	if (IS_ERR(m))
		return PTR_ERR(m);
	if (IS_ERR(b))
		return PTR_ERR(b);

	mutex_lock(&ln->lock);
	if (m && !rcu_access_pointer(ln->sync.master)) {
		rcu_assign_pointer(ln->sync.master, m);
		WRITE_ONCE(ln->flags, ln->flags | L4LB_NET_F_SYNC_MASTER);
		m = NULL;
	} else if (b && !ln->sync.backup) {
		ln->sync.backup = b;
		b = NULL;
	}
	mutex_unlock(&ln->lock);
	if (m) {
		l4lb_sync_master_free(m);
		return -EEXIST;
	}
	if (b) {
		l4lb_sync_backup_free(b);
		return -EEXIST;
	}
	return 0;
}

/* DEL_DAEMON, without the config lock: -ENOENT if the role is not on. */
int l4lb_sync_stop(struct l4lb_net *ln, u32 state)
{
	struct l4lb_sync_master *m = NULL;
	struct l4lb_sync_backup *b = NULL;

	mutex_lock(&ln->lock);
	if (state == L4LB_DAEMON_MASTER) {
		m = rcu_dereference_protected(ln->sync.master,
					      lockdep_is_held(&ln->lock));
		WRITE_ONCE(ln->flags, ln->flags & ~L4LB_NET_F_SYNC_MASTER);
		RCU_INIT_POINTER(ln->sync.master, NULL);
	} else {
		b = ln->sync.backup;
		ln->sync.backup = NULL;
	}
	mutex_unlock(&ln->lock);
	if (m) {
		synchronize_rcu();
		l4lb_sync_master_free(m);
	}
	if (b)
		l4lb_sync_backup_free(b);
	return m || b ? 0 : -ENOENT;
}

/* The netns goes (.pre_exit): both roles stop. */
void l4lb_sync_net_stop(struct l4lb_net *ln)
{
	l4lb_sync_stop(ln, L4LB_DAEMON_BACKUP);
	l4lb_sync_stop(ln, L4LB_DAEMON_MASTER);
}

/* GET_DAEMON, config lock held: the settings of a running role, or NULL. */
const struct l4lb_sync_cfg *l4lb_sync_cfg_of(struct l4lb_net *ln, u32 state)
{
	struct l4lb_sync_master *m;

	lockdep_assert_held(&ln->lock);
	if (state == L4LB_DAEMON_BACKUP)
		return ln->sync.backup ? &ln->sync.backup->cfg : NULL;
	m = rcu_dereference_protected(ln->sync.master,
				      lockdep_is_held(&ln->lock));
	return m ? &m->cfg : NULL;
}
