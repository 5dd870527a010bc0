// SPDX-License-Identifier: GPL-2.0
/* test_md5.c - the MD5 of digest.c against RFC 1321's test suite. */
#include "l4lbd.h"
#include "test.h"

static void expect(const char *in, size_t chunk, const char *want)
{
	struct md5 *m = md5_new();
	char hex[33] = "";
	size_t len = strlen(in), i;

	CHECK(m != NULL, "md5_new");
	if (!m)
		return;
	for (i = 0; i < len; i += chunk)
		md5_update(m, in + i, len - i < chunk ? len - i : chunk);
	md5_final_hex(m, hex);
	md5_free(m);
	CHECK(!strcmp(hex, want), "md5(\"%.20s...\") chunk %zu = %s, want %s",
	      in, chunk, hex, want);
}

int main(void)
{
	static const struct { const char *in, *md5; } v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
		  "57edf4a22be3c955ac49da2e2107b67a" },
		{ "The quick brown fox jumps over the lazy dog",
		  "9e107d9d372bb6826bd81d3542a419d6" },
	};
	size_t i, chunks[] = { 1, 3, 63, 64, 1000 }, j;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (j = 0; j < sizeof(chunks) / sizeof(chunks[0]); j++)
			expect(v[i].in, chunks[j], v[i].md5);
	TEST_DONE();
}
