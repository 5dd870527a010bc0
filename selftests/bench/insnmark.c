// SPDX-License-Identifier: GPL-2.0
/*
 * insnmark: run in the bench VM to take a reading of the insncount qemu
 * plugin (see insncount.c). Executes the marker instruction once, then
 * prints the file the plugin wrote for it: "INSNS_VCPU0 INSNS_VCPU1".
 *
 *   insnmark DIR N     N: this mark's number (1 for the first since boot)
 *
 * Exits 1 if the plugin wrote no DIR/mark.N (the VM runs without it, or
 * the count of marks went out of step).
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	char path[4096], line[128];
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: insnmark DIR N\n");
		return 2;
	}
	/* xchg %bx,%bx: a no-op the plugin watches for. */
	__asm__ volatile(".byte 0x66, 0x87, 0xdb" ::: "rbx", "memory");
	snprintf(path, sizeof(path), "%s/mark.%s", argv[1], argv[2]);
	f = fopen(path, "r");
	if (!f || !fgets(line, sizeof(line), f)) {
		fprintf(stderr, "insnmark: no reading in %s\n", path);
		return 1;
	}
	fputs(line, stdout);
	fclose(f);
	return 0;
}
