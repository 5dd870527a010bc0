// SPDX-License-Identifier: GPL-2.0
/*
 * digest.c - MD5 of HTTP_GET bodies (keepalived's digest), by OpenSSL's
 * EVP interface: libcrypto is in the process already, under libcurl.
 */
#include <openssl/evp.h>

#include "l4lbd.h"

struct md5 *md5_new(void)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		ctx = NULL;
	}
	return (struct md5 *)ctx;
}

bool md5_update(struct md5 *m, const void *data, size_t len)
{
	return EVP_DigestUpdate((EVP_MD_CTX *)m, data, len) == 1;
}

bool md5_final_hex(struct md5 *m, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	if (EVP_DigestFinal_ex((EVP_MD_CTX *)m, d, &len) != 1 || len != 16) {
		out[0] = '\0';
		return false;
	}
	for (i = 0; i < 16; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[32] = '\0';
	return true;
}

void md5_free(struct md5 *m)
{
	EVP_MD_CTX_free((EVP_MD_CTX *)m);
}
