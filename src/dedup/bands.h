/*
** dedup/bands.h: what the two files of the band index share (band_index.c
** keeps its levels and their transactions, band_lookup.c writes a text's
** keys and finds candidates): the per-connection state and the bucket
** format.  Internal to src/dedup.
*/
#ifndef PG_DEDUP_BANDS_H
#define PG_DEDUP_BANDS_H

#include "dedup/internal.h"

/* A lookup reads at most this many texts per key: a key shared by very
 * many texts (a boilerplate opening, a generic title) says little about any
 * of them, and verification cost stays bounded. */
#define BAND_FANOUT_MAX 1024
/* Band keys fall into 2^BUCKET_BITS buckets by their top bits: enough that
 * a lookup reads a few hundred bytes at a million texts, few enough that a
 * merge's rewrite of every bucket stays cheap. */
#define BUCKET_BITS 16
#define N_BUCKETS ((size_t)1 << BUCKET_BITS)
#define PAIR_BYTES 16

#define NONE UINT32_MAX

typedef struct pend_pair {
    uint64_t band;
    uint32_t text;      /* index into bands.texts */
    uint32_t next;      /* older pair in the same hash chain, or NONE */
} pend_pair;

typedef struct pend_text {
    long long id;
    pg_key key;
} pend_text;

/* A bucket as read from band_buckets: n pairs at pairs (owned). */
typedef struct bucket {
    unsigned char *pairs;
    size_t n;
    int cached;
} bucket;

/* The kept statements of the index (pg_store_stmt), by id. */
enum {
    BS_ADD, BS_SINCE, BS_SKETCH, BS_BUCKET_GET, BS_BUCKET_PUT, BS_KEY_OF_ID,
    BS_BUCKETS_ANY, BS_NORM_TEXTS,
    BS_COUNT
};

/* The band index of one connection: the pending level in memory, the
 * buckets read, and the statements. */
typedef struct bands {
    pend_pair *pairs;
    size_t n_pairs, cap_pairs;
    pend_text *texts;
    size_t n_texts, cap_texts;
    uint32_t *heads;            /* n_heads chain heads, a power of two */
    size_t n_heads;
    long long seen;             /* largest band_sets.text_id held */
    int loaded;                 /* seen has been read from the settings */
    int merged;                 /* the open transaction merged into buckets */
    int empty;                  /* band_buckets had no rows at this write
                                   transaction's start and none were merged
                                   since (lookups and merges skip it) */
    bucket *cache;              /* N_BUCKETS, allocated on first use */
    size_t cache_bytes;
    size_t merge_keys;          /* pg_bands_set_merge_keys; 0: the default */
    pg_stmt *st[BS_COUNT];      /* kept by the store; NULL until first used */
} bands;

/* The band index of s, made (and hooked to s's transactions) on first use. */
pg_err pgb_of(pg_store *s, bands **out, pg_error *err);
/* The kept statement id of the index. */
pg_stmt *pgb_stmt(pg_store *s, bands *b, int id, pg_error *err);
/* Pending keys that make a merge. */
size_t pgb_merge_size(const bands *b);
/* Adds one text's keys to the in-memory level (PG_ERR_NOMEM). */
pg_err pgb_pend_add(bands *b, long long id, pg_key key, const uint64_t *keys,
                    size_t n, size_t expect);
/* Reads bucket i from the database into *out (pairs owned by the caller;
 * none when the bucket has no row). */
pg_err pgb_bucket_read(pg_store *s, bands *b, size_t i, bucket *out, pg_error *err);
/* Keeps bucket i (taking its pairs) in the cache while there is room. */
void pgb_cache_keep(bands *b, size_t i, bucket *bk);

/* The hash chain of a band in the pending level.  Band keys are already
 * hashes: the low bits will do, mixed once so a caller's structured keys
 * cannot make chains long. */
static inline size_t pgb_hash_slot(const bands *b, uint64_t band)
{
    band ^= band >> 29;
    band *= 0xbf58476d1ce4e5b9ULL;
    return (size_t)(band >> 17) & (b->n_heads - 1);
}

static inline void pgb_put_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint64_t pgb_get_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static inline size_t pgb_bucket_of(uint64_t band)
{
    return (size_t)(band >> (64 - BUCKET_BITS));
}

static inline void pgb_pair_at(const unsigned char *p, size_t i, uint64_t *band,
                               long long *id)
{
    *band = pgb_get_le64(p + PAIR_BYTES * i);
    *id = (long long)pgb_get_le64(p + PAIR_BYTES * i + 8);
}

#endif
