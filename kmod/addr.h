/* SPDX-License-Identifier: GPL-2.0 */
/*
 * l4lb: addresses of either family.
 * Included by l4lb.h only, first of its sub-headers.
 */
#ifndef _L4LB_ADDR_H
#define _L4LB_ADDR_H

#include <linux/in6.h>
#include <linux/jhash.h>

/*
 * An address of either family, IPv4 in its first word (as nf_inet_addr).
 * Whoever fills one zeroes the words its family does not use, so two
 * addresses compare and hash whole, whatever their family.
 */
union l4lb_addr {
	__be32		ip;
	struct in6_addr	in6;
	__be32		all[4];
};

static inline bool l4lb_addr_eq(const union l4lb_addr *a,
				const union l4lb_addr *b)
{
	return ((a->all[0] ^ b->all[0]) | (a->all[1] ^ b->all[1]) |
		(a->all[2] ^ b->all[2]) | (a->all[3] ^ b->all[3])) == 0;
}

static inline void l4lb_addr_set4(union l4lb_addr *a, __be32 ip)
{
	a->all[0] = ip;
	a->all[1] = 0;
	a->all[2] = 0;
	a->all[3] = 0;
}

static inline void l4lb_addr_set6(union l4lb_addr *a,
				  const struct in6_addr *in6)
{
	a->in6 = *in6;
}

/* The words of @a its family uses: 1 for IPv4, 4 for IPv6. */
static inline u32 l4lb_addr_words(u8 family)
{
	return family == AF_INET6 ? 4 : 1;
}

static inline u32 l4lb_addr_hash(u8 family, const union l4lb_addr *a,
				 u32 initval)
{
	return jhash2((const u32 *)a->all, l4lb_addr_words(family), initval);
}

#endif /* _L4LB_ADDR_H */
