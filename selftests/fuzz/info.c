// SPDX-License-Identifier: GPL-2.0
/*
 * l4lbinfo: print L4LB_CMD_GET_INFO of the caller's netns as key=value
 * lines, for shell tests (the leak check in lib.sh, table_full.sh):
 *   version=0.1.0 conn_max=262144 conn_buckets=65536 conn_count=0
 *   entry_size=120 services=0 dests=0 drop_no_dest=0 drop_table_full=0
 *   drop_malformed=0 drop_mtu=0 drop_no_route=0 fast_pkts=0
 *   fast_reply_pkts=0 conn_limit=262144 tcp_pickup=0 conn_evicted=0
 *   not_syn_pkts=0                                   (one per line)
 * Exit 0; 1 if the family is not registered (module not loaded); 2 if the
 * kernel refused (e.g. EPERM), with its errno and extack on stderr.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/l4lb.h>
#include "genl.h"

static const char *const info_names[L4LB_INFO_A_MAX + 1] = {
	[L4LB_INFO_A_VERSION]		= "version",
	[L4LB_INFO_A_CONN_MAX]		= "conn_max",
	[L4LB_INFO_A_CONN_BUCKETS]	= "conn_buckets",
	[L4LB_INFO_A_CONN_COUNT]	= "conn_count",
	[L4LB_INFO_A_CONN_ENTRY_SIZE]	= "entry_size",
	[L4LB_INFO_A_CONN_ENTRY_SIZE6]	= "entry_size6",
	[L4LB_INFO_A_SERVICES]		= "services",
	[L4LB_INFO_A_DESTS]		= "dests",
	[L4LB_INFO_A_FAST_PKTS]		= "fast_pkts",
	[L4LB_INFO_A_FAST_REPLY_PKTS]	= "fast_reply_pkts",
	[L4LB_INFO_A_CONN_LIMIT]	= "conn_limit",
	[L4LB_INFO_A_TCP_PICKUP]	= "tcp_pickup",
	[L4LB_INFO_A_CONN_EVICTED]	= "conn_evicted",
	[L4LB_INFO_A_NOT_SYN_PKTS]	= "not_syn_pkts",
};

static const char *const drop_names[L4LB_DROP_A_MAX + 1] = {
	[L4LB_DROP_A_NO_DEST]		= "drop_no_dest",
	[L4LB_DROP_A_TABLE_FULL]	= "drop_table_full",
	[L4LB_DROP_A_MALFORMED]		= "drop_malformed",
	[L4LB_DROP_A_MTU]		= "drop_mtu",
	[L4LB_DROP_A_NO_ROUTE]		= "drop_no_route",
};

static void print_drops(const struct nlattr *nest)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		unsigned int t = mnl_attr_get_type(a);

		if (t <= L4LB_DROP_A_MAX && drop_names[t] &&
		    mnl_attr_get_payload_len(a) == sizeof(uint64_t))
			printf("%s=%" PRIu64 "\n", drop_names[t],
			       mnl_attr_get_u64(a));
	}
}

static void info_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top, *a;

	(void)data;
	mnl_attr_for_each(top, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(top) != L4LB_A_INFO)
			continue;
		mnl_attr_for_each_nested(a, top) {
			unsigned int t = mnl_attr_get_type(a);

			if (t == L4LB_INFO_A_DROPS)
				print_drops(a);
			else if (t == L4LB_INFO_A_VERSION &&
				 mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
				printf("version=%s\n", mnl_attr_get_str(a));
			else if (t <= L4LB_INFO_A_MAX && info_names[t] &&
				 mnl_attr_get_payload_len(a) == sizeof(uint32_t))
				printf("%s=%u\n", info_names[t],
				       mnl_attr_get_u32(a));
			else if (t <= L4LB_INFO_A_MAX && info_names[t] &&
				 mnl_attr_get_payload_len(a) == sizeof(uint64_t))
				printf("%s=%" PRIu64 "\n", info_names[t],
				       mnl_attr_get_u64(a));
			else if (t <= L4LB_INFO_A_MAX && info_names[t] &&
				 mnl_attr_get_payload_len(a) == sizeof(uint8_t))
				printf("%s=%u\n", info_names[t],
				       mnl_attr_get_u8(a));
		}
	}
}

int main(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct gnl_result res;
	struct nlmsghdr *nlh;
	struct gnl g;
	int err;

	err = gnl_open(&g, 10, 0);
	if (err) {
		fprintf(stderr, "l4lbinfo: family \"%s\": %s\n", L4LB_GENL_NAME,
			strerror(-err));
		return err == -ENOENT ? 1 : 2;
	}
	nlh = gnl_put_header(&g, buf, L4LB_CMD_GET_INFO,
			     NLM_F_REQUEST | NLM_F_ACK);
	err = gnl_talk(&g, nlh, &res, info_cb, NULL);
	gnl_close(&g);
	if (!err)
		err = res.error;
	if (err) {
		fprintf(stderr, "l4lbinfo: GET_INFO: %s%s%s\n", strerror(-err),
			res.has_extack ? ": " : "", res.extack);
		return 2;
	}
	return 0;
}
