// SPDX-License-Identifier: GPL-2.0
/*
 * saverestore.c - l4lbadm -S and -R; the contract is in saverestore.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "output.h"
#include "saverestore.h"

#define RESTORE_MAX_WORDS	32

void l4lbadm_rules_free(struct l4lbadm_rules *rs)
{
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}

static struct l4lbadm_rule *rules_add(struct l4lbadm_rules *rs)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 1024;
		struct l4lbadm_rule *n = realloc(rs->r, cap * sizeof(*n));

		if (!n)
			return NULL;
		rs->r = n;
		rs->cap = cap;
	}
	memset(&rs->r[rs->n], 0, sizeof(rs->r[0]));
	return &rs->r[rs->n++];
}

/* --- save --------------------------------------------------------------- */

void l4lbadm_print_save(FILE *f, const struct l4lb_service_list *l,
			bool numeric)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct l4lb_service *s = &l->svcs[i];
		const char *p = s->protocol == IPPROTO_UDP ? "-u" : "-t";
		char vs[L4LBADM_ADDRPORT_MAX];

		l4lbadm_addrport(vs, sizeof(vs), s->family, &s->addr, s->port,
				 s->protocol, numeric);
		/* ipvsadm's "-f 1" and "-f 1 -6" in place of "-t VIP:PORT". */
		if (s->fwmark) {
			p = "-f";
			snprintf(vs, sizeof(vs), "%u%s", s->fwmark,
				 l4lb_family(s->family) == AF_INET6 ? " -6" : "");
		}
		fprintf(f, "-A %s %s -s %s", p, vs, s->sched);
		if (s->sched_flags) {
			char names[128];

			l4lbadm_sched_flags_str(names, sizeof(names), s->sched,
						s->sched_flags);
			fprintf(f, " -b %s", names);
		}
		l4lbadm_print_persist(f, s, " -p ", " -M ");
		if (s->flags & L4LB_SVC_F_ONEPACKET)
			fputs(" -o", f);
		/* Not ipvsadm's: only when not the scheduler's default. */
		if (!(s->flags & L4LB_SVC_F_PICKUP) != !!strcmp(s->sched, "mh"))
			fprintf(f, " --pickup %s",
				s->flags & L4LB_SVC_F_PICKUP ? "on" : "off");
		/* Not ipvsadm's: only when not the defaults. */
		if ((s->set & L4LB_HAS_MH_SIZE) &&
		    s->mh_size != L4LB_MH_TABLE_SIZE_DEFAULT)
			fprintf(f, " --mh-table-size %u", s->mh_size);
		if ((s->set & L4LB_HAS_MH_KEY) &&
		    memcmp(s->mh_key, L4LB_MH_KEY_DEFAULT, L4LB_MH_KEY_LEN)) {
			char hex[2 * L4LB_MH_KEY_LEN + 1];

			l4lbadm_mh_key_str(hex, s->mh_key);
			fprintf(f, " --mh-key %s", hex);
		}
		fputc('\n', f);
		for (size_t j = 0; j < s->ndests; j++) {
			const struct l4lb_dest *d = &s->dests[j];
			char rs[L4LBADM_ADDRPORT_MAX];

			l4lbadm_addrport(rs, sizeof(rs), d->family, &d->addr,
					 d->port, s->protocol, numeric);
			fprintf(f, "-a %s %s -r %s %s -w %u", p, vs, rs,
				d->fwd == L4LB_FWD_NAT ? "-m" :
				d->fwd == L4LB_FWD_TUN ? "-i" : "-g",
				d->weight);
			/* As ipvsadm -S prints a tunnel's. */
			if (d->fwd == L4LB_FWD_TUN &&
			    d->tun_type == L4LB_TUN_GUE)
				fprintf(f, " --tun-type gue --tun-port %u %s",
					d->tun_port,
					d->tun_flags & L4LB_TUN_F_CSUM ?
					"--tun-csum" :
					d->tun_flags & L4LB_TUN_F_REMCSUM ?
					"--tun-remcsum" : "--tun-nocsum");
			else if (d->fwd == L4LB_FWD_TUN &&
				 d->tun_type == L4LB_TUN_GRE)
				fprintf(f, " --tun-type gre %s",
					d->tun_flags & L4LB_TUN_F_CSUM ?
					"--tun-csum" : "--tun-nocsum");
			else if (d->fwd == L4LB_FWD_TUN)
				fputs(" --tun-type ipip", f);
			if (d->u_thresh || d->l_thresh)
				fprintf(f, " -x %u -y %u", d->u_thresh,
					d->l_thresh);
			fputc('\n', f);
		}
	}
}

/* --- restore input ------------------------------------------------------ */

static uint8_t genl_cmd_of(enum l4lbadm_cmd c)
{
	switch (c) {
	case CMD_ADD_SERVICE:
		return L4LB_CMD_NEW_SERVICE;
	case CMD_EDIT_SERVICE:
		return L4LB_CMD_SET_SERVICE;
	case CMD_DEL_SERVICE:
		return L4LB_CMD_DEL_SERVICE;
	case CMD_ADD_SERVER:
		return L4LB_CMD_NEW_DEST;
	case CMD_EDIT_SERVER:
		return L4LB_CMD_SET_DEST;
	case CMD_DEL_SERVER:
		return L4LB_CMD_DEL_DEST;
	case CMD_CLEAR:
		return L4LB_CMD_FLUSH;
	default:
		return 0;
	}
}

/* The l4lbadm command id for messages (ipvsadm wording per command). */
static enum l4lbadm_cmd adm_cmd_of(uint8_t genl_cmd)
{
	switch (genl_cmd) {
	case L4LB_CMD_NEW_SERVICE:
		return CMD_ADD_SERVICE;
	case L4LB_CMD_SET_SERVICE:
		return CMD_EDIT_SERVICE;
	case L4LB_CMD_DEL_SERVICE:
		return CMD_DEL_SERVICE;
	case L4LB_CMD_NEW_DEST:
		return CMD_ADD_SERVER;
	case L4LB_CMD_SET_DEST:
		return CMD_EDIT_SERVER;
	case L4LB_CMD_DEL_DEST:
		return CMD_DEL_SERVER;
	default:
		return CMD_CLEAR;
	}
}

static void rule_from_cmdline(struct l4lbadm_rule *r,
			      const struct l4lbadm_cmdline *cl, uint8_t cmd)
{
	r->cmd = cmd;
	r->fwmark = cl->svc.fwmark;
	r->protocol = cl->svc.protocol;
	r->vfamily = l4lb_family(cl->svc.family);
	r->vaddr = cl->svc.addr;
	r->vport = cl->svc.port;
	r->set = cl->svc.set | cl->dest.set;
	memcpy(r->sched, cl->svc.sched, sizeof(r->sched));
	r->sched_flags = cl->svc.sched_flags;
	r->flags = cl->svc.flags;
	r->mh_size = cl->svc.mh_size;
	memcpy(r->mh_key, cl->svc.mh_key, sizeof(r->mh_key));
	r->persist_timeout = cl->svc.persist_timeout;
	r->persist_prefix = cl->svc.persist_prefix;
	r->rfamily = l4lb_family(cl->dest.family);
	r->raddr = cl->dest.addr;
	r->rport = cl->dest.port;
	r->fwd = cl->dest.fwd;
	r->tun_type = cl->dest.tun_type;
	r->tun_port = cl->dest.tun_port;
	r->tun_flags = cl->dest.tun_flags;
	r->weight = cl->dest.weight;
	r->u_thresh = cl->dest.u_thresh;
	r->l_thresh = cl->dest.l_thresh;
	r->flags = cl->svc.flags;
}

/* Split @line in place into argv[1..]; argv[0] is the program name. */
static int split_words(char *line, char **argv, int max)
{
	int argc = 1;
	char *save = NULL, *w;

	argv[0] = "l4lbadm";
	for (w = strtok_r(line, " \t\r\n", &save); w;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		if (argc == max)
			return -1;
		argv[argc++] = w;
	}
	return argc;
}

int l4lbadm_parse_restore(FILE *in, struct l4lbadm_rules *out, char *err,
			  size_t errlen)
{
	struct l4lbadm_cmdline cl;
	char *line = NULL, *argv[RESTORE_MAX_WORDS];
	size_t cap = 0, lineno = 0;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	while (getline(&line, &cap, in) >= 0) {
		struct l4lbadm_rule *r;
		char *p = line;
		uint8_t cmd;
		int argc;

		lineno++;
		p += strspn(p, " \t\r\n");
		if (!*p || *p == '#')
			continue;
		argc = split_words(p, argv, RESTORE_MAX_WORDS);
		if (argc < 0) {
			snprintf(err, errlen, "line %zu: more than %d words",
				 lineno, RESTORE_MAX_WORDS - 1);
			ret = L4LBADM_EXIT_USAGE;
			break;
		}
		argc = l4lbadm_drop_prog_name(argc, argv);
		if (l4lbadm_parse(argc, argv, &cl)) {
			snprintf(err, errlen, "line %zu: %s", lineno, cl.err);
			ret = L4LBADM_EXIT_USAGE;
			break;
		}
		cmd = genl_cmd_of(cl.cmd->id);
		if (!cmd) {
			snprintf(err, errlen, "line %zu: command '%s' is not "
				 "allowed in a restore (only -A -E -D -a -e -d "
				 "-C)", lineno, cl.cmd->long_name);
			ret = L4LBADM_EXIT_USAGE;
			break;
		}
		r = rules_add(out);
		if (!r) {
			snprintf(err, errlen, "line %zu: out of memory",
				 lineno);
			ret = L4LBADM_EXIT_FAIL;
			break;
		}
		rule_from_cmdline(r, &cl, cmd);
		r->line = lineno;
	}
	free(line);
	if (ret)
		l4lbadm_rules_free(out);
	return ret;
}

/* --- diff --------------------------------------------------------------- */

/* Both tables are in l4lb_service_list_sort()'s order: the merge walks it. */

/*
 * The mh settings of @b, where it has them, differ from @a's (a side
 * without them, a parsed -R line without the options, has the defaults).
 */
static bool mh_differs(const struct l4lb_service *a,
		       const struct l4lb_service *b)
{
	uint32_t sa = (a->set & L4LB_HAS_MH_SIZE) ? a->mh_size :
						     L4LB_MH_TABLE_SIZE_DEFAULT;
	uint32_t sb = (b->set & L4LB_HAS_MH_SIZE) ? b->mh_size :
						     L4LB_MH_TABLE_SIZE_DEFAULT;
	const void *ka = (a->set & L4LB_HAS_MH_KEY) ? a->mh_key :
						      (const void *)L4LB_MH_KEY_DEFAULT;
	const void *kb = (b->set & L4LB_HAS_MH_KEY) ? b->mh_key :
						      (const void *)L4LB_MH_KEY_DEFAULT;

	return sa != sb || memcmp(ka, kb, L4LB_MH_KEY_LEN);
}

/* -p and -M; a side without them is not persistent. */
static bool persist_differs(const struct l4lb_service *a,
			    const struct l4lb_service *b)
{
	uint32_t ta = (a->set & L4LB_HAS_PERSIST) ? a->persist_timeout : 0;
	uint32_t tb = (b->set & L4LB_HAS_PERSIST) ? b->persist_timeout : 0;

	return ta != tb || (ta && a->persist_prefix != b->persist_prefix);
}

static int add_svc_rule(struct l4lbadm_rules *out, uint8_t cmd,
			const struct l4lb_service *s)
{
	struct l4lbadm_rule *r = rules_add(out);

	if (!r)
		return -ENOMEM;
	r->cmd = cmd;
	r->fwmark = s->fwmark;
	r->protocol = s->protocol;
	r->vfamily = l4lb_family(s->family);
	r->vaddr = s->addr;
	r->vport = s->port;
	if (cmd != L4LB_CMD_DEL_SERVICE) {
		memcpy(r->sched, s->sched, sizeof(r->sched));
		r->sched_flags = s->sched_flags;
		r->flags = s->flags;
		r->set |= L4LB_HAS_SCHED | L4LB_HAS_SCHED_FLAGS |
			  L4LB_HAS_FLAGS;
		r->mh_size = s->mh_size;
		memcpy(r->mh_key, s->mh_key, sizeof(r->mh_key));
		r->set |= s->set & (L4LB_HAS_MH_SIZE | L4LB_HAS_MH_KEY |
				    L4LB_HAS_PERSIST);
		r->persist_timeout = s->persist_timeout;
		r->persist_prefix = s->persist_prefix;
	}
	return 0;
}

static int add_dest_rule(struct l4lbadm_rules *out, uint8_t cmd,
			 const struct l4lb_service *s,
			 const struct l4lb_dest *d)
{
	struct l4lbadm_rule *r = rules_add(out);

	if (!r)
		return -ENOMEM;
	r->cmd = cmd;
	r->fwmark = s->fwmark;
	r->protocol = s->protocol;
	r->vfamily = l4lb_family(s->family);
	r->vaddr = s->addr;
	r->vport = s->port;
	r->rfamily = l4lb_family(d->family);
	r->raddr = d->addr;
	r->rport = d->port;
	r->set = L4LB_HAS_PORT;
	if (cmd != L4LB_CMD_DEL_DEST) {
		r->fwd = d->fwd;
		r->weight = d->weight;
		r->u_thresh = d->u_thresh;
		r->l_thresh = d->l_thresh;
		r->set |= L4LB_HAS_FWD | L4LB_HAS_WEIGHT | L4LB_HAS_THRESH;
		if (d->fwd == L4LB_FWD_TUN) {
			r->tun_type = d->tun_type;
			r->tun_port = d->tun_port;
			r->tun_flags = d->tun_flags;
			r->set |= L4LB_HAS_TUN;
		}
	}
	return 0;
}

/*
 * Destinations of one service present in both tables. @deletions selects
 * the pass: first what goes away (so the destination limit never bites),
 * then what changes or comes in.
 */
static int diff_dests(const struct l4lb_service *from,
		      const struct l4lb_service *to, bool deletions,
		      struct l4lbadm_rules *out)
{
	size_t i = 0, j = 0;
	int ret = 0;

	while (!ret && (i < from->ndests || j < to->ndests)) {
		const struct l4lb_dest *a = i < from->ndests ?
					    &from->dests[i] : NULL;
		const struct l4lb_dest *b = j < to->ndests ?
					    &to->dests[j] : NULL;
		int c = !a ? 1 : !b ? -1 : l4lb_dest_key_cmp(a, b);

		if (c < 0) {
			if (deletions)
				ret = add_dest_rule(out, L4LB_CMD_DEL_DEST,
						    from, a);
			i++;
		} else if (c > 0) {
			if (!deletions)
				ret = add_dest_rule(out, L4LB_CMD_NEW_DEST,
						    to, b);
			j++;
		} else {
			/* The forwarding method is part of a dest's setup. */
			if (a->fwd != b->fwd ||
			    (a->fwd == L4LB_FWD_TUN &&
			     (a->tun_type != b->tun_type ||
			      a->tun_port != b->tun_port ||
			      a->tun_flags != b->tun_flags))) {
				ret = add_dest_rule(out, deletions ?
						    L4LB_CMD_DEL_DEST :
						    L4LB_CMD_NEW_DEST,
						    deletions ? from : to,
						    deletions ? a : b);
			} else if (!deletions &&
				   (a->weight != b->weight ||
				    a->u_thresh != b->u_thresh ||
				    a->l_thresh != b->l_thresh)) {
				ret = add_dest_rule(out, L4LB_CMD_SET_DEST,
						    to, b);
			}
			i++;
			j++;
		}
	}
	return ret;
}

static int diff_pass(const struct l4lb_service_list *from,
		     const struct l4lb_service_list *to, bool deletions,
		     struct l4lbadm_rules *out)
{
	size_t i = 0, j = 0;
	int ret = 0;

	while (!ret && (i < from->n || j < to->n)) {
		const struct l4lb_service *a = i < from->n ?
					       &from->svcs[i] : NULL;
		const struct l4lb_service *b = j < to->n ? &to->svcs[j] : NULL;
		int c = !a ? 1 : !b ? -1 : l4lb_service_key_cmp(a, b);

		if (c < 0) {
			if (deletions)
				ret = add_svc_rule(out, L4LB_CMD_DEL_SERVICE,
						   a);
			i++;
		} else if (c > 0) {
			if (!deletions) {
				struct l4lb_service none = *b;

				none.ndests = 0;
				ret = add_svc_rule(out, L4LB_CMD_NEW_SERVICE,
						   b);
				if (!ret)
					ret = diff_dests(&none, b, false, out);
			}
			j++;
		} else {
			if (!deletions && (strcmp(a->sched, b->sched) ||
					   a->sched_flags != b->sched_flags ||
					   a->flags != b->flags ||
					   mh_differs(a, b) ||
					   persist_differs(a, b)))
				ret = add_svc_rule(out, L4LB_CMD_SET_SERVICE,
						   b);
			if (!ret)
				ret = diff_dests(a, b, deletions, out);
			i++;
			j++;
		}
	}
	return ret;
}

int l4lbadm_diff(const struct l4lb_service_list *from,
		 const struct l4lb_service_list *to,
		 struct l4lbadm_rules *out)
{
	int ret;

	memset(out, 0, sizeof(*out));
	ret = diff_pass(from, to, true, out);
	if (!ret)
		ret = diff_pass(from, to, false, out);
	if (ret)
		l4lbadm_rules_free(out);
	return ret;
}

/* --- applying rules in batches ------------------------------------------ */

static void build_rule(void *buf, uint16_t family,
		       const struct l4lbadm_rule *r)
{
	struct l4lb_service svc = {
		.fwmark = r->fwmark,
		.protocol = r->protocol, .family = r->vfamily,
		.addr = r->vaddr, .port = r->vport,
		.flags = r->flags,
		.set = r->set & (L4LB_HAS_SCHED | L4LB_HAS_FLAGS |
				 L4LB_HAS_SCHED_FLAGS | L4LB_HAS_MH_SIZE |
				 L4LB_HAS_MH_KEY | L4LB_HAS_PERSIST),
		.persist_timeout = r->persist_timeout,
		.persist_prefix = r->persist_prefix,
	};
	struct l4lb_dest d = {
		.family = r->rfamily, .addr = r->raddr, .port = r->rport,
		.fwd = r->fwd,
		.tun_type = r->tun_type,
		.tun_port = r->tun_port,
		.tun_flags = r->tun_flags,
		.weight = r->weight,
		.u_thresh = r->u_thresh, .l_thresh = r->l_thresh,
		.set = r->set & (L4LB_HAS_PORT | L4LB_HAS_FWD |
				 L4LB_HAS_WEIGHT | L4LB_HAS_TUN | L4LB_HAS_THRESH),
	};

	memcpy(svc.sched, r->sched, sizeof(svc.sched));
	svc.sched_flags = r->sched_flags;
	svc.flags = r->flags;
	svc.mh_size = r->mh_size;
	memcpy(svc.mh_key, r->mh_key, sizeof(svc.mh_key));
	switch (r->cmd) {
	case L4LB_CMD_FLUSH:
		nl_genl_start(buf, family, r->cmd, L4LB_GENL_VERSION, 0);
		break;
	case L4LB_CMD_NEW_DEST:
	case L4LB_CMD_SET_DEST:
	case L4LB_CMD_DEL_DEST:
		l4lb_build_dest(buf, family, r->cmd, &svc, &d);
		break;
	default:
		l4lb_build_service(buf, family, r->cmd, 0, &svc,
				   r->cmd == L4LB_CMD_DEL_SERVICE);
	}
}

struct apply_result {
	const struct l4lbadm_rules *rules;
	size_t failed;
	size_t first;			/* index of the first failed rule */
	int err;			/* its errno */
	char extack[256];
};

static void apply_err_cb(size_t index, int err, const char *extack,
			 void *data)
{
	struct apply_result *res = data;

	if (!res->failed || index < res->first) {
		res->first = index;
		res->err = err;
		snprintf(res->extack, sizeof(res->extack), "%s", extack);
	}
	res->failed++;
}

/*
 * Send @rs in batches; stop after the first batch with a failure.
 * Returns 0 when every rule was applied, 1 when some failed (@res says
 * which first), or a negative errno when the exchange broke down.
 */
static int apply_rules(struct nl_ctx *nl, const struct l4lbadm_rules *rs,
		       struct apply_result *res)
{
	struct l4lb_batch bt;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	res->rules = rs;
	if (l4lb_batch_init(&bt))
		return -ENOMEM;
	for (size_t i = 0; i < rs->n && !ret; i++) {
		build_rule(l4lb_batch_slot(&bt), nl->family, &rs->r[i]);
		if (l4lb_batch_add(&bt, i) || i + 1 == rs->n)
			ret = l4lb_batch_flush(nl, &bt, apply_err_cb, res);
	}
	l4lb_batch_free(&bt);
	if (ret < 0)
		return ret;
	return res->failed ? 1 : 0;
}

/* --- commands ----------------------------------------------------------- */

int l4lbadm_run_save(const struct l4lbadm_cmdline *cl)
{
	struct l4lb_service_list l;
	struct nl_ctx nl;
	int ret;

	if (l4lbadm_open_nl(&nl))
		return L4LBADM_EXIT_NOKERNEL;
	ret = l4lb_get_services(&nl, NULL, true, &l);
	if (!ret) {
		if (!(cl->opts & OPT_NOSORT))
			l4lb_service_list_sort(&l);
		l4lbadm_print_save(stdout, &l, cl->numeric);
		l4lb_service_list_free(&l);
	}
	ret = l4lbadm_report(cl->cmd->id, &nl, ret);
	nl_close(&nl);
	return ret;
}

/* The table as it is now, sorted; empty without a dump when it is. */
static int snapshot(struct nl_ctx *nl, struct l4lb_service_list *l)
{
	struct l4lb_info info;
	int ret = l4lb_get_info(nl, &info);

	memset(l, 0, sizeof(*l));
	if (ret || !info.services)
		return ret;
	ret = l4lb_get_services(nl, NULL, true, l);
	if (!ret)
		l4lb_service_list_sort(l);
	return ret;
}

/* Put the table back as @before; returns the requests sent, or -errno. */
static int undo(struct nl_ctx *nl, const struct l4lb_service_list *before)
{
	struct l4lb_service_list now;
	struct l4lbadm_rules ops;
	struct apply_result res;
	int ret;

	ret = snapshot(nl, &now);
	if (ret)
		return ret;
	ret = l4lbadm_diff(&now, before, &ops);
	l4lb_service_list_free(&now);
	if (ret)
		return ret;
	ret = apply_rules(nl, &ops, &res);
	if (ret > 0) {
		fprintf(stderr, "l4lbadm: undo: %s\n", strerror(res.err));
		ret = -res.err;
	}
	if (!ret)
		ret = (int)ops.n;
	l4lbadm_rules_free(&ops);
	return ret;
}

static void report_failure(const struct apply_result *res)
{
	const struct l4lbadm_rule *r = &res->rules->r[res->first];
	char msg[512];

	l4lbadm_errmsg(adm_cmd_of(r->cmd), res->err,
		       res->extack[0] ? res->extack : NULL, msg, sizeof(msg));
	fprintf(stderr, "l4lbadm: line %zu: %s\n", r->line, msg);
	if (res->failed > 1)
		fprintf(stderr, "l4lbadm: %zu more line(s) of the same batch "
			"failed too\n", res->failed - 1);
}

static int restore(struct nl_ctx *nl, const struct l4lbadm_rules *rules)
{
	struct l4lb_service_list before;
	struct apply_result res;
	int ret, undone;

	ret = snapshot(nl, &before);
	if (ret)
		return l4lbadm_report(CMD_LIST, nl, ret);
	ret = apply_rules(nl, rules, &res);
	if (ret == 0) {
		l4lb_service_list_free(&before);
		return L4LBADM_EXIT_OK;
	}
	if (ret > 0)
		report_failure(&res);
	else
		fprintf(stderr, "l4lbadm: restore: talking to the kernel "
			"failed: %s\n", strerror(-ret));
	undone = undo(nl, &before);
	l4lb_service_list_free(&before);
	if (undone < 0) {
		fprintf(stderr, "l4lbadm: restore failed and undoing it failed "
			"too (%s): the table is partly restored; compare "
			"`l4lbadm -S -n` with the input\n", strerror(-undone));
		return L4LBADM_EXIT_FAIL;
	}
	fprintf(stderr, "l4lbadm: restore failed; undone with %d request(s): "
		"the table is as it was before the restore\n", undone);
	return L4LBADM_EXIT_FAIL;
}

int l4lbadm_run_restore(const struct l4lbadm_cmdline *cl)
{
	struct l4lbadm_rules rules;
	struct nl_ctx nl;
	char err[600];
	int ret;

	(void)cl;
	ret = l4lbadm_parse_restore(stdin, &rules, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "l4lbadm: %s\n"
			"l4lbadm: restore aborted, nothing applied\n", err);
		return ret;
	}
	if (l4lbadm_open_nl(&nl)) {
		l4lbadm_rules_free(&rules);
		return L4LBADM_EXIT_NOKERNEL;
	}
	ret = restore(&nl, &rules);
	nl_close(&nl);
	l4lbadm_rules_free(&rules);
	return ret;
}
