/*
** dedup/bands.h: what the files of the band index share (band_index.c
** keeps its levels and their transactions, band_pack.c the stored form of
** a bucket, band_lookup.c writes a text's keys and finds candidates): the
** per-connection state and the bucket format.  Internal to src/dedup.
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
/* The merged keys are in two levels of buckets, both band_buckets rows:
 * bucket i of the base level is row i, of the recent level row
 * RECENT + i (band_index.c says when each is written). */
#define RECENT N_BUCKETS
/* The bytes of a band key a bucket stores (the top BUCKET_BITS are the
 * bucket's number). */
#define REST_BYTES 6
/* Groups of a kept bucket between two entries of its skip index. */
#define KEPT_SKIP 8

#define NONE UINT32_MAX

/* One (band, text) pair of the pending level.  The pairs are appended in
 * the order their texts are held; the pairs of one head (band hashed) are
 * chained through next, the latest held first.  text is an index into
 * bands.texts; next is NONE at a chain's end. */
typedef struct pend_pair {
    uint64_t band;
    uint32_t text;
    uint32_t next;
} pend_pair;

/* A (band, text id) pair, as merged. */
typedef struct band_pair {
    uint64_t band;
    long long id;
} band_pair;

/* A bucket in memory: its n pairs in (band, id) order, the bands and the
 * text ids in two arrays (one allocation, at bands), as merges use it. */
typedef struct bucket {
    uint64_t *bands;
    long long *ids;             /* bands + n, inside the same allocation */
    size_t n;
} bucket;

/* A bucket as lookups keep it: its stored form (well under half the bytes
 * of the decoded one), with the band and offset of every KEPT_SKIP-th
 * group, so that a lookup searches those and decodes at most KEPT_SKIP
 * groups.  One allocation, at p: len bytes, then the index. */
typedef struct kept {
    unsigned char *p;
    uint32_t len;               /* bytes of the stored form, at p */
    uint32_t size;              /* the allocation's bytes */
    uint32_t n_skip;            /* entries of the index (pgb_kept_skip_*) */
    uint32_t cached;            /* 1: a cache entry that holds its bucket */
} kept;

/* The index of k, after its stored form: the band of every KEPT_SKIP-th
 * group, then the group's offset. */
static inline uint64_t *pgb_kept_skip_band(const kept *k)
{
    return (uint64_t *)(void *)(k->p + (((size_t)k->len + 7) & ~(size_t)7));
}

static inline uint32_t *pgb_kept_skip_off(const kept *k)
{
    return (uint32_t *)(void *)(pgb_kept_skip_band(k) + k->n_skip);
}

/* The kept statements of the index (pg_store_stmt), by id. */
enum {
    BS_ADD, BS_PEND_ADD, BS_SINCE, BS_SKETCH, BS_SKETCH_ID, BS_BUCKET_GET,
    BS_BUCKET_PUT, BS_PEND_DROP, BS_BUCKETS_ANY, BS_NORM_TEXTS, BS_OLD_TABLE,
    BS_OLD_BUCKETS, BS_RECENT_ANY, BS_RECENT_DROP, BS_LEVEL_SIZES,
    BS_COUNT
};

/* The band index of one connection: the pending level in memory, the
 * buckets read, and the statements. */
typedef struct band_index {
    pend_pair *pairs;           /* n_pairs held, room for cap_pairs */
    size_t n_pairs, cap_pairs;
    uint32_t *heads;            /* n_heads (a power of two) chain heads, or NULL */
    size_t n_heads;
    long long *texts;           /* the ids of the pending texts, as held */
    size_t n_texts, cap_texts;
    long long seen;             /* largest text id held */
    long long indexed;          /* "bands.indexed" as last read or written
                                   here; -1 when unknown */
    int loaded;                 /* seen has been read from the settings */
    int merged;                 /* the open transaction merged into buckets */
    int empty;                  /* band_buckets had no rows at this write
                                   transaction's start and none were merged
                                   since (lookups and merges skip it) */
    int recent;                 /* the recent level may have rows (0: known
                                   to have none in this write transaction) */
    int repacked;               /* no schema-7 buckets are left to convert */
    unsigned long long rewrites[2];     /* bucket rows written by merges into
                                   the base, the recent level, by this
                                   connection (for the tests) */
    kept *cache;                /* 2 * N_BUCKETS (both levels), allocated on
                                   first use; small entries, so that a day's
                                   ingest, which asks a few thousand of them
                                   at random, pages in little of it */
    uint8_t *read_once;         /* 2 * N_BUCKETS bits: bucket i was read and
                                   not kept (pgb_cache_mark_read) */
    size_t cache_bytes;
    uint32_t *listed;           /* the cache entries kept since the last
                                   drop, each once (n_listed of them, room
                                   for cap_listed): a drop frees those and
                                   pages in no other part of the cache */
    size_t n_listed, cap_listed;
    uint8_t *is_listed;         /* 2 * N_BUCKETS bits: entry i is listed */
    size_t merge_keys;          /* pg_bands_set_merge_keys; 0: the default */
    int drop_merged;            /* pg_bands_keep_merged(s, 0): the buckets a
                                   merge writes are not kept */
    size_t added;               /* keys this connection placed that no merge
                                   has taken yet (pg_bands_settle) */
    pg_stmt *st[BS_COUNT];      /* kept by the store; NULL until first used */
} band_index;

/* The band index of s, made (and hooked to s's transactions) on first use. */
pg_err pgb_of(pg_store *s, band_index **out, pg_error *err);
/* The kept statement id of the index. */
pg_stmt *pgb_stmt(pg_store *s, band_index *b, int id, pg_error *err);
/* Pending keys that make a merge. */
size_t pgb_merge_size(const band_index *b);
/* Adds one text's keys to the in-memory level (PG_ERR_NOMEM). */
pg_err pgb_pend_add(band_index *b, long long id, const uint64_t *keys, size_t n);
/* Reads bucket row i (either level) from the database into *out (owned by
 * the caller, freed with pgb_kept_free; len 0 when the bucket has no row). */
pg_err pgb_bucket_read(pg_store *s, band_index *b, size_t i, kept *out, pg_error *err);
/* Keeps bucket row i (taking its memory) in the cache while there is
 * room, and drops what the cache held for it. */
void pgb_cache_keep(band_index *b, size_t i, kept *k);
/* Whether bucket row i was read (and not kept) before; marks it read.  A
 * bucket read (not written) is kept only when it is read the second time
 * (band_lookup.c): a day's ingest reads each bucket about once, and every
 * bucket kept is fresh memory. */
int pgb_read_before(const band_index *b, size_t i);
void pgb_cache_mark_read(band_index *b, size_t i);
/* Writes to ids the texts under band in bucket row i, read from the store
 * in place (pgb_bucket_find): a bucket read once is not worth a copy. */
pg_err pgb_bucket_lookup(pg_store *s, band_index *b, size_t i, uint64_t band,
                         long long *ids, size_t room, size_t *got, pg_error *err);
/* Whether cache entry i is listed (a cached entry always is). */
static inline int pgb_listed(const band_index *b, size_t i)
{
    return b->is_listed != NULL && (b->is_listed[i >> 3] >> (i & 7)) & 1;
}

/* Bucket i as cached, or NULL.  The list's bits are asked first: a day's
 * lookups touch entries all over the 3 MB array, most never kept, and
 * each first touch of a page of it is a fault. */
static inline const kept *pgb_cached(const band_index *b, size_t i)
{
    return pgb_listed(b, i) && b->cache[i].cached ? &b->cache[i] : NULL;
}

/* ---- the stored form of a bucket (band_pack.c) ---- */

/* Allocates room for n pairs in bk (PG_ERR_NOMEM). */
pg_err pgb_bucket_alloc(bucket *bk, size_t n);
void pgb_bucket_free(bucket *bk);
/* Appends the stored form of bk (pairs of one bucket, in (band, id) order,
 * each once) to out (PG_ERR_NOMEM). */
pg_err pgb_bucket_pack(const bucket *bk, pg_buf *out);
/* Decodes the stored form p[0..len) of bucket i into *out (allocated;
 * PG_ERR_FORMAT when p is not one, PG_ERR_NOMEM). */
pg_err pgb_bucket_unpack(const unsigned char *p, size_t len, size_t i, bucket *out);
/* Writes to ids the text ids under band in the stored form p[0..len) of
 * bucket i, lowest first, at most room of them, and their number to *got:
 * read in place, as far as band, for a bucket read once (PG_ERR_FORMAT
 * when what it read is not the stored form). */
pg_err pgb_bucket_find(const unsigned char *p, size_t len, size_t i, uint64_t band,
                       long long *ids, size_t room, size_t *got);
/* Makes *out, the kept form of the stored form p[0..len) of bucket i (a
 * copy; PG_ERR_FORMAT when p is not one, PG_ERR_NOMEM). */
pg_err pgb_kept_make(const unsigned char *p, size_t len, size_t i, kept *out);
void pgb_kept_free(kept *k);
/* The offset in k->p of the group to read band from (the indexed group at
 * or before it), SIZE_MAX when band comes before every group. */
size_t pgb_kept_seek(const kept *k, uint64_t band);
/* Writes to ids the text ids under band in kept bucket i, lowest first, at
 * most room of them; returns their number. */
size_t pgb_kept_find(const kept *k, size_t i, uint64_t band, long long *ids, size_t room);
/* Counts into *n the pairs of the stored form p[0..len) of bucket i
 * (PG_ERR_FORMAT when p is not one). */
pg_err pgb_bucket_count(const unsigned char *p, size_t len, size_t i, size_t *n);
/* Converts the schema-7 buckets (band_buckets_v7, 16-byte pairs) into
 * band_buckets and drops them, inside the open write transaction. */
pg_err pgb_repack_v7(pg_store *s, band_index *b, pg_error *err);

/* The chain head of a band in the pending level.  Band keys are already
 * hashes: the low bits will do, mixed once so a caller's structured keys
 * cannot make chains long. */
static inline size_t pgb_hash_head(const band_index *b, uint64_t band)
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

#endif
