/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl.h - a small generic-netlink layer on top of libmnl.
 *
 * Shared by l4lbadm and the l4lbd health-check daemon. It knows nothing
 * about l4lb beyond a family name: it resolves the family (CTRL_CMD_GETFAMILY),
 * builds genl headers, sends a request and runs the replies until the ACK or
 * NLMSG_DONE, keeping the kernel's extended-ACK message for the caller.
 */
#ifndef L4LB_NL_H
#define L4LB_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

/* Big enough for any dump skb the kernel builds (it caps them at 32 KiB). */
#define NL_RX_BUFSIZE	65536
/* Requests are small: a few nested attributes. */
#define NL_TX_BUFSIZE	4096

struct nl_ctx {
	struct mnl_socket *sock;
	uint16_t family;		/* resolved genl family id */
	uint32_t family_version;	/* CTRL_ATTR_VERSION */
	unsigned int portid;
	unsigned int seq;
	bool dump_intr;			/* last dump had NLM_F_DUMP_INTR */
	char extack[256];		/* last NLMSGERR_ATTR_MSG, or "" */
	char *rxbuf;
};

/*
 * Open a netlink socket and resolve genl family @name.
 * Returns 0, or a negative errno: -ENOENT when the family does not exist
 * (module not loaded), other values for socket failures.
 */
int nl_open(struct nl_ctx *nl, const char *name);
void nl_close(struct nl_ctx *nl);

/*
 * Start a genl request in @buf (NL_TX_BUFSIZE bytes) for the resolved
 * family: nlmsghdr + genlmsghdr with @cmd and @version. NLM_F_REQUEST and
 * NLM_F_ACK are always set; pass NLM_F_DUMP etc. in @flags.
 * The family id is a parameter so that messages can be built (and unit
 * tested) without a socket.
 */
struct nlmsghdr *nl_genl_start(void *buf, uint16_t family, uint8_t cmd,
			       uint8_t version, uint16_t flags);

/* Payload offset of genl attributes in a genl message. */
#define NL_GENL_HDRLEN	sizeof(struct genlmsghdr)

/*
 * Send @nlh and process every reply with @cb (may be NULL) until the
 * final ACK (requests) or NLMSG_DONE (dumps). Returns 0 on success or a
 * negative errno; nl->extack holds the kernel's message when it sent one.
 * @cb returns MNL_CB_OK, or MNL_CB_ERROR with errno set: the rest of the
 * reply is then read and dropped, and nl_talk returns -errno, leaving the
 * socket ready for the next request. After a dump, nl->dump_intr tells
 * whether the kernel flagged it NLM_F_DUMP_INTR (the caller retries).
 */
int nl_talk(struct nl_ctx *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/*
 * An NLMSG_ERROR message: 0 for an ACK, a positive errno for an error
 * (nl->extack then holds the kernel's message, or ""), -EBADMSG if
 * truncated.
 */
int nl_error_of(struct nl_ctx *nl, const struct nlmsghdr *nlh);

#endif
