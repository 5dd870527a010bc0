// SPDX-License-Identifier: GPL-2.0
/* Minimal generic netlink client for the selftest tools; see genl.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/l4lb.h>
#include "genl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct nlmsghdr *gnl_put_header(struct gnl *g, void *buf, uint8_t cmd,
				uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *gh;

	nlh->nlmsg_type = g->family;
	nlh->nlmsg_flags = flags;
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = cmd;
	gh->version = L4LB_GENL_VERSION;
	return nlh;
}

bool gnl_attrs_wellformed(const void *attrs, size_t len)
{
	const unsigned char *p = attrs;

	while (len >= sizeof(struct nlattr)) {
		const struct nlattr *a = (const void *)p;
		size_t step;

		if (a->nla_len < sizeof(*a) || a->nla_len > len)
			return false;
		if ((a->nla_type & NLA_F_NESTED) &&
		    !gnl_attrs_wellformed(p + sizeof(*a),
					  a->nla_len - sizeof(*a)))
			return false;
		step = MNL_ALIGN(a->nla_len);
		if (step >= len)
			return true;	/* the last attribute may be unpadded */
		p += step;
		len -= step;
	}
	return len == 0;
}

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct gnl_result *res = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) {
		res->has_extack = true;
		strncpy(res->extack, mnl_attr_get_str(attr),
			sizeof(res->extack) - 1);
		res->extack[sizeof(res->extack) - 1] = '\0';
	}
	return MNL_CB_OK;
}

/* The error (or DONE) status and, after it, the extack TLVs. */
static void parse_status(const struct nlmsghdr *nlh, struct gnl_result *res)
{
	unsigned int off;

	res->acked = true;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
			res->error = -EBADMSG;
			return;
		}
		res->error = e->error;
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	} else {
		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int)) {
			res->error = 0;
			return;
		}
		res->error = *(const int *)mnl_nlmsg_get_payload(nlh);
		off = sizeof(int);
	}
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    off <= mnl_nlmsg_get_payload_len(nlh))
		mnl_attr_parse(nlh, off, extack_attr_cb, res);
}

int gnl_recv(struct gnl *g, struct gnl_result *res, gnl_data_cb cb,
	     void *data)
{
	memset(res, 0, sizeof(*res));
	while (!res->acked) {
		const struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		n = mnl_socket_recvfrom(g->sock, g->rx, GNL_RX_SIZE);
		if (n < 0)
			return -errno;
		nlh = (const void *)g->rx;
		len = (int)n;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			/* Leftovers of an exchange abandoned earlier. */
			if (nlh->nlmsg_seq != g->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR ||
			    nlh->nlmsg_type == NLMSG_DONE) {
				parse_status(nlh, res);
				break;
			}
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			res->replies++;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				res->dump_intr = true;
			if (mnl_nlmsg_get_payload_len(nlh) <
			    sizeof(struct genlmsghdr) ||
			    !gnl_attrs_wellformed(
				    mnl_nlmsg_get_payload_offset(nlh,
					sizeof(struct genlmsghdr)),
				    mnl_nlmsg_get_payload_len(nlh) -
				    sizeof(struct genlmsghdr)))
				res->malformed = true;
			else if (cb)
				cb(nlh, data);
		}
	}
	return 0;
}

int gnl_send(struct gnl *g, struct nlmsghdr *nlh)
{
	nlh->nlmsg_seq = ++g->seq;
	nlh->nlmsg_pid = 0;
	if (mnl_socket_sendto(g->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

int gnl_talk(struct gnl *g, struct nlmsghdr *nlh, struct gnl_result *res,
	     gnl_data_cb cb, void *data)
{
	int err;

	memset(res, 0, sizeof(*res));
	err = gnl_send(g, nlh);
	return err ? err : gnl_recv(g, res, cb, data);
}

static void family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(a, MNL_TYPE_U16) >= 0)
			*(uint16_t *)data = mnl_attr_get_u16(a);
}

int gnl_open(struct gnl *g, int rcv_timeout_s, uint16_t family)
{
	struct timeval tv = { .tv_sec = rcv_timeout_s };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct gnl_result res;
	struct nlmsghdr *nlh;
	int one = 1, err;

	memset(g, 0, sizeof(*g));
	g->rx = malloc(GNL_RX_SIZE);
	g->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!g->rx || !g->sock)
		goto err_errno;
	if (mnl_socket_bind(g->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err_errno;
	g->portid = mnl_socket_get_portid(g->sock);
	if (mnl_socket_setsockopt(g->sock, NETLINK_EXT_ACK, &one,
				  sizeof(one)) < 0 ||
	    mnl_socket_setsockopt(g->sock, NETLINK_CAP_ACK, &one,
				  sizeof(one)) < 0)
		goto err_errno;
	if (setsockopt(mnl_socket_get_fd(g->sock), SOL_SOCKET, SO_RCVTIMEO,
		       &tv, sizeof(tv)) < 0)
		goto err_errno;

	if (family) {
		g->family = family;
		return 0;
	}
	g->family = GENL_ID_CTRL;
	nlh = gnl_put_header(g, buf, CTRL_CMD_GETFAMILY,
			     NLM_F_REQUEST | NLM_F_ACK);
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, L4LB_GENL_NAME);
	g->family = 0;
	err = gnl_talk(g, nlh, &res, family_cb, &g->family);
	if (!err)
		err = res.error;
	if (!err && !g->family)
		err = -ENOENT;
	if (err) {
		gnl_close(g);
		return err;
	}
	return 0;

err_errno:
	err = -errno;
	gnl_close(g);
	return err;
}

void gnl_close(struct gnl *g)
{
	if (g->sock)
		mnl_socket_close(g->sock);
	free(g->rx);
	g->sock = NULL;
	g->rx = NULL;
}
