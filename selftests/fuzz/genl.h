/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal generic netlink client for the selftest tools: unlike
 * userspace/nl.c it sends whatever bytes it is given (the fuzzer's
 * messages are malformed on purpose) and reports the raw outcome.
 */
#ifndef L4LB_SELFTEST_GENL_H
#define L4LB_SELFTEST_GENL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

struct gnl {
	struct mnl_socket *sock;
	uint16_t family;	/* resolved id of "l4lb" */
	uint32_t portid;
	uint32_t seq;
	char *rx;		/* receive buffer, GNL_RX_SIZE bytes */
};

#define GNL_RX_SIZE	(64 * 1024)

/* What came back for one request. */
struct gnl_result {
	int error;		/* 0, or the negative errno of the ack/DONE */
	bool acked;		/* a final ack or NLMSG_DONE arrived */
	bool has_extack;	/* NLMSGERR_ATTR_MSG present */
	char extack[200];
	unsigned int replies;	/* data messages (one per dumped object) */
	bool dump_intr;		/* some reply had NLM_F_DUMP_INTR */
	bool malformed;		/* some reply's attributes did not parse */
};

/* Called for every data message; may be NULL. */
typedef void (*gnl_data_cb)(const struct nlmsghdr *nlh, void *data);

/*
 * Open a socket with extended acks and resolve the family (or take
 * @family as is if not 0, so that nothing has been received on the new
 * socket yet): 0 or -errno.
 */
int gnl_open(struct gnl *g, int rcv_timeout_s, uint16_t family);
void gnl_close(struct gnl *g);

/* Send one message as is, after filling in seq and portid: 0 or -errno. */
int gnl_send(struct gnl *g, struct nlmsghdr *nlh);

/*
 * Read replies to the last request until its ack or NLMSG_DONE:
 * 0, or -errno if the socket failed (-EAGAIN: nothing within the timeout).
 */
int gnl_recv(struct gnl *g, struct gnl_result *res, gnl_data_cb cb,
	     void *data);

/* gnl_send() then gnl_recv(). */
int gnl_talk(struct gnl *g, struct nlmsghdr *nlh, struct gnl_result *res,
	     gnl_data_cb cb, void *data);

/* Start a request for @cmd in @buf: nlmsghdr + genlmsghdr. */
struct nlmsghdr *gnl_put_header(struct gnl *g, void *buf, uint8_t cmd,
				uint16_t flags);

/* Checks the nla framing of a reply's payload, nests included. */
bool gnl_attrs_wellformed(const void *attrs, size_t len);

#endif
