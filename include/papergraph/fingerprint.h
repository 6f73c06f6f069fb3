/*
** fingerprint.h: content keys and hashes (XXH3), the only door to xxHash.
**
** A pg_key is a 128-bit XXH3 digest.  It identifies raw entry texts, their
** normalised forms and whole input files.  Paper ids are the first 64 bits of
** a key written as 16 lower-case hex digits, so they depend on content only.
*/
#ifndef PAPERGRAPH_FINGERPRINT_H
#define PAPERGRAPH_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>
#include "papergraph/error.h"

typedef struct pg_key {
    uint64_t hi;
    uint64_t lo;
} pg_key;

#define PG_KEY_HEX 33       /* 32 hex digits + NUL */
#define PG_ID_HEX 17        /* 16 hex digits + NUL: a paper id */

/* XXH3-128 of p[0..n). */
pg_key pg_key_of(const void *p, size_t n);
/* XXH3-64 of p[0..n) with a seed. */
uint64_t pg_hash64(const void *p, size_t n, uint64_t seed);

int pg_key_cmp(pg_key a, pg_key b);             /* <0, 0, >0 like memcmp */
int pg_key_is_zero(pg_key k);
void pg_key_to_bytes(pg_key k, unsigned char out[16]);     /* big-endian */
pg_key pg_key_from_bytes(const unsigned char in[16]);
void pg_key_to_hex(pg_key k, char out[PG_KEY_HEX]);
/* The paper id form: the high 64 bits as 16 hex digits. */
void pg_key_to_id(pg_key k, char out[PG_ID_HEX]);
/* Parses 32 hex digits; returns PG_ERR_USAGE on anything else. */
pg_err pg_key_from_hex(const char *hex, pg_key *out);

/* Streaming XXH3-128 over a sequence of updates (a whole file). */
typedef struct pg_hasher pg_hasher;
pg_err pg_hasher_new(pg_hasher **out);          /* PG_ERR_NOMEM */
void pg_hasher_update(pg_hasher *h, const void *p, size_t n);
pg_key pg_hasher_digest(const pg_hasher *h);    /* does not end the stream */
void pg_hasher_free(pg_hasher *h);              /* NULL is a no-op */

#endif
