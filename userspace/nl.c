// SPDX-License-Identifier: GPL-2.0
/*
 * nl.c - generic netlink helpers over libmnl: family resolution,
 * request/ACK with extended-ACK capture, dumps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

#include "nl.h"

struct nlmsghdr *nl_genl_start(void *buf, uint16_t family, uint8_t cmd,
			       uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	/* Zero it all: attribute padding must not leak stack bytes. */
	memset(buf, 0, NL_TX_BUFSIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

/* --- extended ACK ------------------------------------------------------- */

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl_ctx *nl = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) {
		strncpy(nl->extack, mnl_attr_get_str(attr),
			sizeof(nl->extack) - 1);
		nl->extack[sizeof(nl->extack) - 1] = '\0';
	}
	return MNL_CB_OK;
}

static void parse_extack(struct nl_ctx *nl, const struct nlmsghdr *nlh,
			 const struct nlmsgerr *err)
{
	unsigned int off = sizeof(*err);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (off > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_parse(nlh, off, extack_attr_cb, nl);
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_ctx *nl = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	parse_extack(nl, nlh, err);
	if (err->error == 0)
		return MNL_CB_STOP;	/* the ACK */
	errno = err->error < 0 ? -err->error : err->error;
	return MNL_CB_ERROR;
}

int nl_error_of(struct nl_ctx *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	nl->extack[0] = '\0';
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return -EBADMSG;
	parse_extack(nl, nlh, err);
	return err->error < 0 ? -err->error : err->error;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_ctx *nl = data;
	int err = 0;

	/* A dump's DONE carries an int: its error, then maybe extack TLVs. */
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(int));
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS &&
	    mnl_nlmsg_get_payload_len(nlh) > sizeof(int))
		mnl_attr_parse(nlh, sizeof(int), extack_attr_cb, nl);
	if (err < 0) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

struct talk_data {
	struct nl_ctx *nl;
	mnl_cb_t cb;
	void *data;
};

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk_data *td = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		td->nl->dump_intr = true;
	return td->cb ? td->cb(nlh, td->data) : MNL_CB_OK;
}

int nl_talk(struct nl_ctx *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	static const mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = noop_cb,
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
		[NLMSG_OVERRUN] = noop_cb,
	};
	struct talk_data td = { .nl = nl, .cb = cb, .data = data };
	unsigned int seq = ++nl->seq;
	ssize_t n;
	int ret, cb_err = 0;

	nl->extack[0] = '\0';
	nl->dump_intr = false;
	nlh->nlmsg_seq = seq;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	/*
	 * mnl_cb_run2() would do, but it aborts on the first message flagged
	 * NLM_F_DUMP_INTR or failing its callback and leaves the rest of the
	 * reply queued on the socket, where it would confuse the next
	 * request (a long-lived daemon shares this code). Walk the replies
	 * with libmnl's iterators instead: note the flag or the callback's
	 * error, read on to the ACK or NLMSG_DONE, then report.
	 */
	for (;;) {
		const struct nlmsghdr *m;
		int len;

		n = mnl_socket_recvfrom(nl->sock, nl->rxbuf, NL_RX_BUFSIZE);
		if (n < 0)
			return -errno;
		m = (const struct nlmsghdr *)nl->rxbuf;
		len = (int)n;
		ret = MNL_CB_OK;
		while (mnl_nlmsg_ok(m, len)) {
			/* Leftovers of an earlier, abandoned exchange. */
			if (!mnl_nlmsg_seq_ok(m, seq) ||
			    !mnl_nlmsg_portid_ok(m, nl->portid)) {
				m = mnl_nlmsg_next(m, &len);
				continue;
			}
			errno = 0;
			if (m->nlmsg_type < NLMSG_MIN_TYPE) {
				ret = ctl[m->nlmsg_type] ?
				      ctl[m->nlmsg_type](m, nl) : MNL_CB_OK;
				if (ret <= MNL_CB_STOP)
					break;
			} else if (!cb_err &&
				   data_cb(m, &td) == MNL_CB_ERROR) {
				cb_err = errno ? -errno : -EIO;
			}
			m = mnl_nlmsg_next(m, &len);
		}
		if (ret == MNL_CB_ERROR)
			return errno ? -errno : -EIO;
		if (ret == MNL_CB_STOP)
			return cb_err;
	}
}

/* --- family resolution -------------------------------------------------- */

struct family_data {
	uint16_t id;
	uint32_t version;
	bool found;
};

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct family_data *fd = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) >= 0) {
			fd->id = mnl_attr_get_u16(attr);
			fd->found = true;
		}
		break;
	case CTRL_ATTR_VERSION:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			fd->version = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, NL_GENL_HDRLEN, family_attr_cb, data);
	return MNL_CB_OK;
}

int nl_open(struct nl_ctx *nl, const char *name)
{
	char buf[NL_TX_BUFSIZE];
	struct family_data fd = { 0 };
	struct nlmsghdr *nlh;
	int one = 1, ret;

	memset(nl, 0, sizeof(*nl));
	nl->rxbuf = malloc(NL_RX_BUFSIZE);
	if (!nl->rxbuf)
		return -ENOMEM;
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock) {
		ret = -errno;
		goto err;
	}
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto err;
	}
	/* Best effort: old kernels lack these; messages are then bare. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned int)time(NULL);

	nlh = nl_genl_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	ret = nl_talk(nl, nlh, family_cb, &fd);
	if (ret < 0)
		goto err;
	if (!fd.found) {
		ret = -ENOENT;
		goto err;
	}
	nl->family = fd.id;
	nl->family_version = fd.version;
	return 0;
err:
	nl_close(nl);
	return ret;
}

void nl_close(struct nl_ctx *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->rxbuf);
	nl->sock = NULL;
	nl->rxbuf = NULL;
}
