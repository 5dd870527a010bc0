// SPDX-License-Identifier: GPL-2.0
/*
 * insncount: a qemu TCG plugin that counts the guest instructions each
 * vCPU executes, so `make bench` can state the LB's cost per packet in
 * instructions. Time under TCG depends on the host (its load, its caches,
 * how qemu translates each instruction); instruction counts do not: the
 * same packet path costs the same count on every run.
 *
 * The guest asks for a reading by executing the marker instruction
 * `xchg %bx,%bx` (insnmark does, and nothing else in a Linux guest does);
 * the plugin then writes DIR/mark.N (N = 1, 2, ... in the order of the
 * marks), holding the instruction totals of vCPU 0 and vCPU 1 so far, and
 * with prof=on also DIR/prof.N: for every translation block vCPU 0 ran
 * since the previous mark, its guest address, the instructions it
 * executed there and how many times it ran, and DIR/prof1.N the same for
 * vCPU 1. (TCG's time follows blocks as well as instructions: each block
 * entered costs a dispatch, each return or indirect call a lookup.) The guest reads
 * them back over the 9p root (new files, so never stale in its page
 * cache).
 *
 *   qemu-system-x86_64 ... -plugin insncount.so,dir=DIR[,prof=on]
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qemu_plugin_api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_API_VERSION;

#define VCPUS 2	/* the selftest VM's; others count as the last one */

static const unsigned char marker[] = { 0x66, 0x87, 0xdb };

/* One per translation: a block is retranslated as a new one. */
struct block {
	uint64_t pc;
	uint64_t insns;
	uint64_t runs[VCPUS];	/* written only by that vCPU's thread */
	uint64_t runs_at_mark[VCPUS];
	struct block *next;
};

static const char *out_dir;
static int profiling;
static uint64_t insns_total[VCPUS];	/* element i: vCPU i's thread only */
static struct block *blocks;
static pthread_mutex_t blocks_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t mark_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int marks;

static unsigned int vcpu_slot(unsigned int vcpu)
{
	return vcpu < VCPUS ? vcpu : VCPUS - 1;
}

static void block_ran(unsigned int vcpu, void *udata)
{
	struct block *b = udata;

	vcpu = vcpu_slot(vcpu);
	b->runs[vcpu]++;
	insns_total[vcpu] += b->insns;
}

static FILE *open_out(const char *what, unsigned int n)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s.%u", out_dir, what, n);
	return fopen(path, "w");
}

/*
 * Blocks another vCPU is running may be counted a block late or early:
 * a few instructions in the billions a measurement spans.
 */
static void write_profile(unsigned int n, unsigned int vcpu,
			  const char *what)
{
	struct block *b;
	FILE *f = open_out(what, n);

	if (!f)
		return;
	pthread_mutex_lock(&blocks_lock);
	for (b = blocks; b; b = b->next) {
		uint64_t runs = __atomic_load_n(&b->runs[vcpu], __ATOMIC_RELAXED);

		if (runs != b->runs_at_mark[vcpu])
			fprintf(f, "%016" PRIx64 " %" PRIu64 " %" PRIu64 "\n",
				b->pc, (runs - b->runs_at_mark[vcpu]) * b->insns,
				runs - b->runs_at_mark[vcpu]);
		b->runs_at_mark[vcpu] = runs;
	}
	pthread_mutex_unlock(&blocks_lock);
	fclose(f);
}

static void mark(unsigned int vcpu, void *udata)
{
	unsigned int n;
	FILE *f;

	(void)vcpu;
	(void)udata;
	pthread_mutex_lock(&mark_lock);
	n = ++marks;
	if (profiling) {
		write_profile(n, 0, "prof");
		write_profile(n, 1, "prof1");
	}
	/* Written last: its existence tells the guest the reading is done. */
	f = open_out("mark", n);
	if (f) {
		fprintf(f, "%" PRIu64 " %" PRIu64 "\n",
			__atomic_load_n(&insns_total[0], __ATOMIC_RELAXED),
			__atomic_load_n(&insns_total[1], __ATOMIC_RELAXED));
		fclose(f);
	}
	pthread_mutex_unlock(&mark_lock);
}

static void translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t i, n = qemu_plugin_tb_n_insns(tb);
	struct block *b = calloc(1, sizeof(*b));

	(void)id;
	if (!b)
		abort();
	b->pc = qemu_plugin_tb_vaddr(tb);
	b->insns = n;
	pthread_mutex_lock(&blocks_lock);
	b->next = blocks;
	blocks = b;
	pthread_mutex_unlock(&blocks_lock);
	qemu_plugin_register_vcpu_tb_exec_cb(tb, block_ran,
					     QEMU_PLUGIN_CB_NO_REGS, b);

	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		if (qemu_plugin_insn_size(insn) == sizeof(marker) &&
		    !memcmp(qemu_plugin_insn_data(insn), marker, sizeof(marker)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, mark,
						QEMU_PLUGIN_CB_NO_REGS, NULL);
	}
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "dir=", 4))
			out_dir = argv[i] + 4;
		else if (!strcmp(argv[i], "prof=on"))
			profiling = 1;
		else {
			fprintf(stderr, "insncount: unknown argument \"%s\"\n", argv[i]);
			return -1;
		}
	}
	if (!out_dir) {
		fprintf(stderr, "insncount: dir=DIR is required\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
	return 0;
}
