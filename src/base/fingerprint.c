/*
** fingerprint.c: XXH3 keys and hashes; the only file that includes xxhash.h.
*/
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "papergraph/base.h"
#include "base/internal.h"

pg_key pg_key_of(const void *p, size_t n)
{
    XXH128_hash_t h = XXH3_128bits(p, n);
    pg_key k = { h.high64, h.low64 };
    return k;
}

uint64_t pg_hash64(const void *p, size_t n, uint64_t seed)
{
    return XXH3_64bits_withSeed(p, n, seed);
}

int pg_key_cmp(pg_key a, pg_key b)
{
    if (a.hi != b.hi)
        return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo)
        return a.lo < b.lo ? -1 : 1;
    return 0;
}

int pg_key_is_zero(pg_key k)
{
    return k.hi == 0 && k.lo == 0;
}

void pg_key_to_bytes(pg_key k, unsigned char out[16])
{
    for (int i = 0; i < 8; i++) {
        out[i] = (unsigned char)(k.hi >> (56 - 8 * i));
        out[8 + i] = (unsigned char)(k.lo >> (56 - 8 * i));
    }
}

pg_key pg_key_from_bytes(const unsigned char in[16])
{
    pg_key k = { 0, 0 };
    for (int i = 0; i < 8; i++) {
        k.hi = (k.hi << 8) | in[i];
        k.lo = (k.lo << 8) | in[8 + i];
    }
    return k;
}

static void hex64(uint64_t v, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        out[i] = digits[v & 15];
        v >>= 4;
    }
}

void pg_key_to_hex(pg_key k, char out[PG_KEY_HEX])
{
    hex64(k.hi, out);
    hex64(k.lo, out + 16);
    out[32] = '\0';
}

void pg_key_to_id(pg_key k, char out[PG_ID_HEX])
{
    hex64(k.hi, out);
    out[16] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

pg_err pg_key_from_hex(const char *hex, pg_key *out)
{
    uint64_t part[2] = { 0, 0 };
    for (int i = 0; i < 32; i++) {
        int v = hexval(hex[i]);
        if (v < 0)
            return PG_ERR_USAGE;
        part[i / 16] = (part[i / 16] << 4) | (uint64_t)v;
    }
    if (hex[32] != '\0')
        return PG_ERR_USAGE;
    out->hi = part[0];
    out->lo = part[1];
    return PG_OK;
}

struct pg_hasher {
    XXH3_state_t *st;
};

pg_err pg_hasher_new(pg_hasher **out)
{
    pg_hasher *h = malloc(sizeof *h);
    if (h == NULL)
        return PG_ERR_NOMEM;
    h->st = XXH3_createState();
    if (h->st == NULL) {
        free(h);
        return PG_ERR_NOMEM;
    }
    XXH3_128bits_reset(h->st);
    *out = h;
    return PG_OK;
}

void pg_hasher_update(pg_hasher *h, const void *p, size_t n)
{
    XXH3_128bits_update(h->st, p, n);
}

pg_key pg_hasher_digest(const pg_hasher *h)
{
    XXH128_hash_t d = XXH3_128bits_digest(h->st);
    pg_key k = { d.high64, d.low64 };
    return k;
}

void pg_hasher_free(pg_hasher *h)
{
    if (h == NULL)
        return;
    XXH3_freeState(h->st);
    free(h);
}
