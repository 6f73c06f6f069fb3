/*
** store_bands.c: the band index, through which a new text finds the stored
** texts that share one of its LSH band or blocking keys (its near-duplicate
** candidates).
**
** Band keys are hashes, about 32 per text, so an index row per key is
** written at a random place: a b-tree of (band, text) rows costs an SQLite
** row insert per key (1.7 us each, measured: the largest single cost of a
** bulk ingest) and a file's commit would dirty nearly every leaf page of it.
** The index is therefore kept in two levels, as a log-structured merge tree
** would, and the durable level is bucketed:
**
**   band_sets     one row per text (text_id, its band keys as one BLOB of
**                 little-endian 64-bit words), appended when the text is
**                 stored, in the text's own file transaction;
**   band_buckets  65,536 rows, one per top 16 bits of the key: each BLOB a
**                 sorted array of (band, text_id) pairs, two little-endian
**                 64-bit words each, rewritten whole by a merge.
**
** Settings key "bands.indexed" holds the largest text id whose keys are in
** band_buckets; the band_sets rows above it are "pending".  A connection
** holds every pending row in an in-memory hash table (loaded at the start of
** each write transaction, so rows appended by other connections are seen
** too), and a lookup asks both levels.  When the pending rows reach the
** merge size (pg_store_set_merge_keys), the transaction being committed also
** merges them, sorted, into the buckets and advances "bands.indexed", in the
** same transaction, so that a crash leaves either the old or the new state.
** A new text thus costs one appended row; a merge costs one rewrite per
** bucket (65,536 row writes whatever the number of keys, against one row
** insert per key); memory is bounded by the merge size; a new connection
** reads at most that many keys back.
**
** Buckets read by lookups are kept in memory (up to BUCKET_CACHE_MAX bytes)
** for the connection: a bulk ingest reads each bucket once, a day's ingest
** only the buckets its keys fall in.  A cached bucket cannot hide a key:
** every band_sets row this connection has not merged itself is held in the
** pending level, and its own merges update the cache.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "papergraph/store.h"
#include "store/internal.h"

/* Keys held before they are merged into `bands`, by default: 512K keys are
 * about 16,000 texts and 12 MB in memory (pairs, hash heads, texts), and a
 * new connection reads them back in about 0.1 s.  Larger batches make bulk
 * ingests cheaper (fewer merges) and the first ingest of a session dearer. */
#define MERGE_KEYS_DEFAULT ((size_t)1 << 19)
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
/* Bytes of buckets a connection keeps in memory, at most. */
#define BUCKET_CACHE_MAX ((size_t)256 << 20)

#define NONE UINT32_MAX

typedef struct pend_pair {
    uint64_t band;
    uint32_t text;      /* index into pend.texts */
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

struct pgs_pending {
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
};

/* A text is placed once (its band_sets row comes with it, and `dedup`
 * clears them all before placing every text again): a plain INSERT, 1.3 us
 * a row against 3.0 for OR REPLACE, and a second placement is an error
 * rather than a silent overwrite. */
static const char *const sql_bandset_add =
    "INSERT INTO band_sets (text_id, keys, sketch) VALUES (?1, ?2, ?3)";
static const char *const sql_sketch =
    "SELECT b.sketch FROM texts AS t JOIN band_sets AS b ON b.text_id = t.id"
    " WHERE t.key = ?1";
static const char *const sql_bandset_since =
    "SELECT b.text_id, t.key, b.keys FROM band_sets AS b JOIN texts AS t"
    " ON t.id = b.text_id WHERE b.text_id > ?1 ORDER BY b.text_id";
static const char *const sql_text_id = "SELECT id FROM texts WHERE key = ?1";
static const char *const sql_bucket_get =
    "SELECT pairs FROM band_buckets WHERE bucket = ?1";
static const char *const sql_bucket_put =
    "INSERT OR REPLACE INTO band_buckets (bucket, pairs) VALUES (?1, ?2)";
static const char *const sql_key_of_id = "SELECT key FROM texts WHERE id = ?1";
static const char *const sql_buckets_any = "SELECT 1 FROM band_buckets LIMIT 1";

/* Pending keys that make a merge. */
static size_t merge_size(const pg_store *s)
{
    return s->merge_keys ? s->merge_keys : MERGE_KEYS_DEFAULT;
}

static size_t hash_slot(const struct pgs_pending *p, uint64_t band)
{
    /* Band keys are already hashes: the low bits will do, mixed once so a
     * caller's structured keys cannot make chains long. */
    band ^= band >> 29;
    band *= 0xbf58476d1ce4e5b9ULL;
    return (size_t)(band >> 17) & (p->n_heads - 1);
}

static void link_pair(struct pgs_pending *p, uint32_t i)
{
    size_t slot = hash_slot(p, p->pairs[i].band);
    p->pairs[i].next = p->heads[slot];
    p->heads[slot] = i;
}

static pg_err grow_heads(struct pgs_pending *p, size_t want)
{
    size_t n = p->n_heads ? p->n_heads : 1024;
    while (n < want * 2)
        n *= 2;
    if (n == p->n_heads)
        return PG_OK;
    uint32_t *h = malloc(n * sizeof *h);
    if (h == NULL)
        return PG_ERR_NOMEM;
    free(p->heads);
    p->heads = h;
    p->n_heads = n;
    memset(h, 0xff, n * sizeof *h);
    for (size_t i = 0; i < p->n_pairs; i++)
        link_pair(p, (uint32_t)i);
    return PG_OK;
}

static pg_err reserve(void **v, size_t *cap, size_t want, size_t size)
{
    if (want <= *cap)
        return PG_OK;
    size_t c = *cap ? *cap : 256;
    while (c < want)
        c *= 2;
    void *n = realloc(*v, c * size);
    if (n == NULL)
        return PG_ERR_NOMEM;
    *v = n;
    *cap = c;
    return PG_OK;
}

/* Adds one text's keys to the in-memory level.  The hash heads are sized
 * for `expect` pairs (the merge size) at once, twice as many heads as
 * pairs, and grow only when the pairs outnumber the heads (a file's keys
 * can pass the merge size before its commit merges them): each doubling
 * relinks every pair, a random write each, which cost half of a bulk
 * ingest's pend_add time. */
static pg_err pend_add(struct pgs_pending *p, long long id, pg_key key,
                       const uint64_t *bands, size_t n, size_t expect)
{
    if (p->n_texts >= NONE || p->n_pairs + n >= NONE)
        return PG_ERR_NOMEM;
    pg_err e = reserve((void **)&p->texts, &p->cap_texts, p->n_texts + 1,
                       sizeof *p->texts);
    if (e == PG_OK)
        e = reserve((void **)&p->pairs, &p->cap_pairs, p->n_pairs + n,
                    sizeof *p->pairs);
    size_t want = p->n_pairs + n > expect ? p->n_pairs + n : expect;
    if (e == PG_OK && p->n_heads < want)
        e = grow_heads(p, want);
    if (e != PG_OK)
        return e;
    uint32_t t = (uint32_t)p->n_texts++;
    p->texts[t].id = id;
    p->texts[t].key = key;
    for (size_t i = 0; i < n; i++) {
        uint32_t j = (uint32_t)p->n_pairs++;
        p->pairs[j].band = bands[i];
        p->pairs[j].text = t;
        link_pair(p, j);
    }
    if (id > p->seen)
        p->seen = id;
    return PG_OK;
}

static void pend_clear(struct pgs_pending *p)
{
    p->n_pairs = p->n_texts = 0;
    if (p->heads != NULL)
        memset(p->heads, 0xff, p->n_heads * sizeof *p->heads);
}

/* Forgets every cached bucket. */
static void cache_drop(struct pgs_pending *p)
{
    if (p->cache == NULL)
        return;
    for (size_t i = 0; i < N_BUCKETS; i++) {
        free(p->cache[i].pairs);
        p->cache[i] = (bucket){ NULL, 0, 0 };
    }
    p->cache_bytes = 0;
}

void pgs_bands_free(pg_store *s)
{
    struct pgs_pending *p = s->pend;
    if (p == NULL)
        return;
    cache_drop(p);
    free(p->cache);
    free(p->pairs);
    free(p->texts);
    free(p->heads);
    free(p);
    s->pend = NULL;
}

static void put_le64(unsigned char *b, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le64(const unsigned char *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

static pg_err indexed_upto(pg_store *s, long long *upto, pg_error *err)
{
    pg_buf v = PG_BUF_INIT;
    int found = 0;
    pg_err e = pg_store_get_setting(s, "bands.indexed", &v, &found, err);
    *upto = e == PG_OK && found ? strtoll(v.data, NULL, 10) : 0;
    pg_buf_release(&v);
    return e;
}

/* Loads the pending rows this connection does not hold yet. */
static pg_err load_pending(pg_store *s, pg_error *err)
{
    struct pgs_pending *p = s->pend;
    pg_err e = PG_OK;
    if (!p->loaded) {
        e = indexed_upto(s, &p->seen, err);
        if (e != PG_OK)
            return e;
        p->loaded = 1;
    }
    sqlite3_stmt *st = pgs_stmt(s, DS_BANDSET_SINCE, sql_bandset_since, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    pgs_bind_int(st, 1, p->seen, &rc);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    for (; rc == SQLITE_ROW && e == PG_OK; rc = sqlite3_step(st)) {
        uint64_t bands[PGS_BANDS_MAX];
        const unsigned char *b = sqlite3_column_blob(st, 2);
        size_t n = (size_t)sqlite3_column_bytes(st, 2) / 8;
        pg_key k;
        if (n > PGS_BANDS_MAX || !pgs_col_key(st, 1, &k))
            continue;
        for (size_t i = 0; i < n; i++)
            bands[i] = get_le64(b + 8 * i);
        if (pend_add(p, sqlite3_column_int64(st, 0), k, bands, n, merge_size(s)) != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    }
    if (e == PG_OK && rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, "cannot read pending band keys", err);
    pgs_stmt_done(st);
    return e;
}

pg_err pgs_bands_begin(pg_store *s, pg_error *err)
{
    if (s->pend == NULL && (s->pend = calloc(1, sizeof *s->pend)) == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    s->pend->merged = 0;
    sqlite3_stmt *st = pgs_stmt(s, DS_BUCKETS_ANY, sql_buckets_any, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = pgs_step_retry(st);
    pgs_stmt_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return pgs_db_fail(s, rc, "cannot read band keys", err);
    s->pend->empty = rc == SQLITE_DONE;
    return load_pending(s, err);
}

/* What a rolled-back transaction added is gone from the database (and its
 * text ids may be given again): rather than undo it piece by piece, forget
 * the whole level and read it again at the next transaction.  Rollbacks are
 * rare (an error, a file committed meanwhile by another process). */
void pgs_bands_rollback(pg_store *s)
{
    struct pgs_pending *p = s->pend;
    s->generation++;
    if (p == NULL)
        return;
    pend_clear(p);
    cache_drop(p);          /* it may hold buckets of a rolled-back merge */
    p->seen = 0;
    p->loaded = 0;
    p->merged = 0;
}

void pgs_bands_committed(pg_store *s)
{
    struct pgs_pending *p = s->pend;
    if (p != NULL && p->merged)
        pend_clear(p);
    if (p != NULL)
        p->merged = 0;
}

static int pair_order(const void *a, const void *b)
{
    const pend_pair *x = a, *y = b;
    if (x->band != y->band)
        return x->band < y->band ? -1 : 1;
    return (x->text > y->text) - (x->text < y->text);
}

static size_t bucket_of(uint64_t band)
{
    return (size_t)(band >> (64 - BUCKET_BITS));
}

static void pair_at(const unsigned char *b, size_t i, uint64_t *band, long long *id)
{
    *band = get_le64(b + PAIR_BYTES * i);
    *id = (long long)get_le64(b + PAIR_BYTES * i + 8);
}

/* Appends a pair to out, which has room for it. */
static void put_pair(pg_buf *out, uint64_t band, long long id)
{
    unsigned char *b = (unsigned char *)out->data + out->len;
    put_le64(b, band);
    put_le64(b + 8, (uint64_t)id);
    out->len += PAIR_BYTES;
}

/* Reads bucket i from the database into *out (pairs owned by the caller;
 * none when the bucket has no row). */
static pg_err bucket_read(pg_store *s, size_t i, bucket *out, pg_error *err)
{
    *out = (bucket){ NULL, 0, 0 };
    sqlite3_stmt *st = pgs_stmt(s, DS_BUCKET_GET, sql_bucket_get, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    pg_err e = PG_OK;
    pgs_bind_int(st, 1, (long long)i, &rc);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    if (rc == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(st, 0) / PAIR_BYTES;
        const void *b = sqlite3_column_blob(st, 0);
        if (n > 0 && (out->pairs = malloc(n * PAIR_BYTES)) == NULL)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        else if (n > 0)
            memcpy(out->pairs, b, n * PAIR_BYTES);
        out->n = out->pairs != NULL ? n : 0;
    } else if (rc != SQLITE_DONE) {
        e = pgs_db_fail(s, rc, "cannot read band keys", err);
    }
    pgs_stmt_done(st);
    return e;
}

/* Keeps bucket i (taking its pairs) in the cache while there is room. */
static void cache_keep(struct pgs_pending *p, size_t i, bucket *b)
{
    if (p->cache == NULL && (p->cache = calloc(N_BUCKETS, sizeof *p->cache)) == NULL)
        return;
    bucket *c = &p->cache[i];
    size_t had = c->cached ? c->n * PAIR_BYTES : 0;
    if (p->cache_bytes - had + b->n * PAIR_BYTES > BUCKET_CACHE_MAX) {
        free(c->pairs);
        *c = (bucket){ NULL, 0, 0 };
        p->cache_bytes -= had;
        return;
    }
    free(c->pairs);
    p->cache_bytes += b->n * PAIR_BYTES - had;
    *c = *b;
    c->cached = 1;
    *b = (bucket){ NULL, 0, 0 };
}

/* Writes the merge of bucket i's stored pairs and new[0..n) (sorted, one
 * bucket's) back, and keeps the result in the cache. */
static pg_err merge_bucket(pg_store *s, size_t i, const pend_pair *new, size_t n,
                           pg_buf *out, pg_error *err)
{
    struct pgs_pending *p = s->pend;
    bucket old = { NULL, 0, 0 };
    /* From the database, not the cache: another connection may have merged
     * into this bucket since it was cached.  Nothing to read when the index
     * was empty at this transaction's start and nothing merged since (the
     * first merge of a bulk load: 65,536 reads saved). */
    pg_err e = p->empty ? PG_OK : bucket_read(s, i, &old, err);
    if (e != PG_OK)
        return e;
    pg_buf_reset(out);
    /* Room for every pair at once: the buffer goes to the cache after each
     * bucket, so growing it pair by pair would start from nothing each time. */
    if (pg_buf_reserve(out, (old.n + n) * PAIR_BYTES) != PG_OK) {
        free(old.pairs);
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    }
    size_t a = 0, b = 0;
    uint64_t last_band = 0;
    long long last_id = -1;
    while (a < old.n || b < n) {
        uint64_t band;
        long long id;
        uint64_t nb = b < n ? new[b].band : 0;
        long long ni = b < n ? p->texts[new[b].text].id : 0;
        if (a < old.n) {
            pair_at(old.pairs, a, &band, &id);
            if (b < n && (nb < band || (nb == band && ni < id)))
                band = nb, id = ni, b++;
            else
                a++;
        } else {
            band = nb, id = ni, b++;
        }
        if (band == last_band && id == last_id)
            continue;           /* held and merged already, by another connection */
        last_band = band, last_id = id;
        put_pair(out, band, id);
    }
    out->data[out->len] = '\0';
    free(old.pairs);
    sqlite3_stmt *st = pgs_stmt(s, DS_BUCKET_PUT, sql_bucket_put, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    pgs_bind_int(st, 1, (long long)i, &rc);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob(st, 2, out->data, (int)out->len, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    e = rc == SQLITE_DONE ? PG_OK : pgs_db_fail(s, rc, "cannot merge band keys", err);
    pgs_stmt_done(st);
    if (e == PG_OK) {
        /* The written bytes become the cached bucket, without a copy. */
        bucket nb = { (unsigned char *)out->data, out->len / PAIR_BYTES, 0 };
        pg_buf_init(out);
        cache_keep(p, i, &nb);
        free(nb.pairs);         /* NULL unless the cache had no room */
    }
    return e;
}

/* Merges every pending pair into the buckets, in key order. */
static pg_err merge_pending(pg_store *s, pg_error *err)
{
    struct pgs_pending *p = s->pend;
    pend_pair *sorted = malloc((p->n_pairs ? p->n_pairs : 1) * sizeof *sorted);
    size_t *start = calloc(N_BUCKETS + 1, sizeof *start);
    if (sorted == NULL || start == NULL) {
        free(sorted);
        free(start);
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    }
    /* Into buckets by counting (one pass), then each bucket's few pairs by
     * band and text id: pend.texts is in id order (rows are held as their
     * ids grow), so the index is the id's order. */
    for (size_t i = 0; i < p->n_pairs; i++)
        start[bucket_of(p->pairs[i].band) + 1]++;
    for (size_t b = 0; b < N_BUCKETS; b++)
        start[b + 1] += start[b];
    for (size_t i = 0; i < p->n_pairs; i++)
        sorted[start[bucket_of(p->pairs[i].band)]++] = p->pairs[i];
    pg_err e = PG_OK;
    pg_buf out = PG_BUF_INIT;
    for (size_t b = 0, from = 0; b < N_BUCKETS && e == PG_OK; b++) {
        size_t to = start[b];   /* the end of bucket b, after the pass */
        if (to == from)
            continue;
        qsort(sorted + from, to - from, sizeof *sorted, pair_order);
        e = merge_bucket(s, b, sorted + from, to - from, &out, err);
        from = to;
    }
    pg_buf_release(&out);
    free(start);
    free(sorted);
    p->empty = 0;               /* buckets may have been written */
    if (e == PG_OK) {
        char v[32];
        snprintf(v, sizeof v, "%lld", p->seen);
        e = pg_store_set_setting(s, "bands.indexed", v, err);
    }
    p->merged = e == PG_OK;
    return e;
}

pg_err pgs_bands_precommit(pg_store *s, int force, pg_error *err)
{
    struct pgs_pending *p = s->pend;
    size_t max = merge_size(s);
    if (p == NULL || p->n_pairs == 0 || (!force && p->n_pairs < max))
        return PG_OK;
    return merge_pending(s, err);
}

void pg_store_set_merge_keys(pg_store *s, size_t keys)
{
    s->merge_keys = keys;
}

pg_err pg_store_merge_bands(pg_store *s, pg_error *err)
{
    pg_err e = pg_store_tx_begin(s, err);
    if (e == PG_OK)
        e = pgs_bands_precommit(s, 1, err);
    if (e == PG_OK)
        return pg_store_tx_commit(s, err);
    pg_store_tx_rollback(s);
    return e;
}

/* The id of a stored text: the one just added, or looked up. */
static pg_err text_id(pg_store *s, pg_key text, long long *id, pg_error *err)
{
    if (s->last_text_id > 0 && pg_key_cmp(s->last_text_key, text) == 0) {
        *id = s->last_text_id;
        return PG_OK;
    }
    unsigned char kb[16];
    int rc;
    pg_err e = PG_OK;
    sqlite3_stmt *st = pgs_key_step(s, DS_TEXT_ID, sql_text_id, text, kb, &rc, err);
    if (st == NULL)
        return PG_ERR_DB;
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else if (rc == SQLITE_DONE)
        e = pg_error_set(err, PG_ERR_NOT_FOUND, "%s: no such text", s->path);
    else
        e = pgs_db_fail(s, rc, "cannot find a text", err);
    pgs_stmt_done(st);
    return e;
}

pg_err pg_store_add_bands(pg_store *s, pg_key text, const uint64_t *bands,
                          size_t n, const void *sketch, size_t sketch_len,
                          pg_error *err)
{
    long long id = 0;
    unsigned char blob[8 * PGS_BANDS_MAX];
    if (n > PGS_BANDS_MAX)
        return pg_error_set(err, PG_ERR_USAGE, "%s: too many band keys", s->path);
    if ((!s->in_file && !s->in_tx) || s->pend == NULL)
        return pg_error_set(err, PG_ERR_USAGE, "%s: band keys written outside "
                            "a transaction", s->path);
    pg_err e = text_id(s, text, &id, err);
    sqlite3_stmt *st = NULL;
    if (e == PG_OK && (st = pgs_stmt(s, DS_BANDSET_ADD, sql_bandset_add, err)) == NULL)
        e = PG_ERR_DB;
    if (e != PG_OK)
        return e;
    for (size_t i = 0; i < n; i++)
        put_le64(blob + 8 * i, bands[i]);
    int rc = SQLITE_OK;
    pgs_bind_int(st, 1, id, &rc);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob(st, 2, blob, (int)(8 * n), SQLITE_STATIC);
    if (rc == SQLITE_OK && sketch != NULL && sketch_len > 0)
        rc = sqlite3_bind_blob(st, 3, sketch, (int)sketch_len, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    e = rc == SQLITE_DONE ? PG_OK : pgs_db_fail(s, rc, "cannot store band keys", err);
    pgs_stmt_done(st);
    if (e == PG_OK && pend_add(s->pend, id, text, bands, n, merge_size(s)) != PG_OK)
        e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    return e;
}

pg_err pg_store_sketch(pg_store *s, pg_key text, pg_buf *out, int *found,
                       pg_error *err)
{
    unsigned char kb[16];
    int rc;
    pg_err e = PG_OK;
    *found = 0;
    sqlite3_stmt *st = pgs_key_step(s, DS_SKETCH, sql_sketch, text, kb, &rc, err);
    if (st == NULL)
        return PG_ERR_DB;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB) {
        const void *b = sqlite3_column_blob(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        pg_buf_reset(out);
        if (pg_buf_append(out, b, n) != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        *found = e == PG_OK;
    } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        e = pgs_db_fail(s, rc, "cannot read a text's sketch", err);
    }
    pgs_stmt_done(st);
    return e;
}

/* Appends the key column of every row of a bound statement to out. */
static pg_err collect_keys(pg_store *s, sqlite3_stmt *st, int rc, pg_keyvec *out,
                           pg_error *err)
{
    pg_err e = PG_OK;
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    for (; rc == SQLITE_ROW && e == PG_OK; rc = sqlite3_step(st)) {
        pg_key k;
        if (pgs_col_key(st, 0, &k) && pg_keyvec_push(out, k) != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    }
    if (e == PG_OK && rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, "cannot look up candidates", err);
    pgs_stmt_done(st);
    return e;
}

/* Bucket i, from the cache or read (and cached); *tmp receives the pairs
 * to free when they could not be cached. */
static pg_err bucket_get(pg_store *s, size_t i, const bucket **out, bucket *tmp,
                         pg_error *err)
{
    struct pgs_pending *p = s->pend;
    if (p->cache != NULL && p->cache[i].cached) {
        *out = &p->cache[i];
        return PG_OK;
    }
    pg_err e = bucket_read(s, i, tmp, err);
    if (e != PG_OK)
        return e;
    /* Only a write transaction's reads are kept: the pending level it loaded
     * is what makes a cached bucket complete (see the top of this file). */
    if (s->in_file || s->in_tx)
        cache_keep(p, i, tmp);
    *out = p->cache != NULL && p->cache[i].cached ? &p->cache[i] : tmp;
    return PG_OK;
}

/* Appends to ids the texts in the buckets under band (at most
 * BAND_FANOUT_MAX, lowest ids first). */
static pg_err bucket_texts(pg_store *s, uint64_t band, pg_buf *ids, pg_error *err)
{
    const bucket *b = NULL;
    bucket tmp = { NULL, 0, 0 };
    pg_err e = bucket_get(s, bucket_of(band), &b, &tmp, err);
    size_t lo = 0, hi = e == PG_OK ? b->n : 0;
    while (lo < hi) {           /* the first pair with this band */
        size_t mid = lo + (hi - lo) / 2;
        if (get_le64(b->pairs + PAIR_BYTES * mid) < band)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = 0; e == PG_OK && lo < b->n && k < BAND_FANOUT_MAX; lo++, k++) {
        uint64_t v;
        long long id;
        pair_at(b->pairs, lo, &v, &id);
        if (v != band)
            break;
        if (pg_buf_append(ids, &id, sizeof id) != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    }
    free(tmp.pairs);
    return e;
}

static int id_order(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* The stored texts under any of the keys, from the buckets. */
static pg_err merged_candidates(pg_store *s, const uint64_t *bands, size_t n,
                                pg_keyvec *out, pg_error *err)
{
    pg_buf ids = PG_BUF_INIT;
    pg_err e = PG_OK;
    if ((s->in_file || s->in_tx) && s->pend->empty)
        return PG_OK;
    for (size_t i = 0; i < n && e == PG_OK; i++)
        e = bucket_texts(s, bands[i], &ids, err);
    long long *v = (long long *)(void *)ids.data;
    size_t nv = ids.len / sizeof *v;
    if (nv > 1)
        qsort(v, nv, sizeof *v, id_order);
    for (size_t i = 0; i < nv && e == PG_OK; i++) {
        if (i > 0 && v[i] == v[i - 1])
            continue;
        sqlite3_stmt *st = pgs_stmt(s, DS_KEY_OF_ID, sql_key_of_id, err);
        if (st == NULL) {
            e = PG_ERR_DB;
            break;
        }
        int rc = SQLITE_OK;
        pgs_bind_int(st, 1, v[i], &rc);
        e = collect_keys(s, st, rc, out, err);
    }
    pg_buf_release(&ids);
    return e;
}

/* The pending texts under any of the keys. */
static pg_err pending_candidates(const struct pgs_pending *p, const uint64_t *bands,
                                 size_t n, pg_keyvec *out)
{
    if (p == NULL || p->n_pairs == 0)
        return PG_OK;
    for (size_t i = 0; i < n; i++) {
        size_t taken = 0;
        for (uint32_t j = p->heads[hash_slot(p, bands[i])];
             j != NONE && taken < BAND_FANOUT_MAX; j = p->pairs[j].next) {
            if (p->pairs[j].band != bands[i])
                continue;
            taken++;
            if (pg_keyvec_push(out, p->texts[p->pairs[j].text].key) != PG_OK)
                return PG_ERR_NOMEM;
        }
    }
    return PG_OK;
}

static int key_order(const void *a, const void *b)
{
    return pg_key_cmp(*(const pg_key *)a, *(const pg_key *)b);
}

/* Sorts kv from `from` on and drops repeats and self. */
static void unique_keys(pg_keyvec *kv, size_t from, pg_key self)
{
    qsort(kv->v + from, kv->n - from, sizeof *kv->v, key_order);
    size_t w = from;
    for (size_t r = from; r < kv->n; r++) {
        if (pg_key_cmp(kv->v[r], self) == 0)
            continue;
        if (w > from && pg_key_cmp(kv->v[w - 1], kv->v[r]) == 0)
            continue;
        kv->v[w++] = kv->v[r];
    }
    kv->n = w;
}

pg_err pg_store_candidates(pg_store *s, pg_key self, pg_key norm_key,
                           const uint64_t *bands, size_t n, pg_keyvec *out,
                           pg_error *err)
{
    unsigned char kb[16];
    size_t from = out->n;
    sqlite3_stmt *st = pgs_stmt(s, DS_NORM_TEXTS, "SELECT key FROM texts WHERE"
                                " norm_key = ?1 LIMIT 1024", err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    pgs_bind_key(st, 1, norm_key, kb, &rc);
    pg_err e = collect_keys(s, st, rc, out, err);
    if (n > PGS_BANDS_MAX)
        n = PGS_BANDS_MAX;
    if (e == PG_OK && s->pend == NULL && (s->pend = calloc(1, sizeof *s->pend)) == NULL)
        e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (e == PG_OK)
        e = merged_candidates(s, bands, n, out, err);
    if (e == PG_OK && pending_candidates(s->pend, bands, n, out) != PG_OK)
        e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (e == PG_OK)
        unique_keys(out, from, self);
    return e;
}

pg_err pgs_bands_clear(pg_store *s, pg_error *err)
{
    s->generation++;
    pg_err e = pgs_run_sql(s, "DELETE FROM band_buckets", "cannot clear band keys", err);
    if (e == PG_OK)
        e = pgs_run_sql(s, "DELETE FROM band_sets", "cannot clear band keys", err);
    if (e == PG_OK)
        e = pg_store_set_setting(s, "bands.indexed", "0", err);
    if (e == PG_OK && s->pend != NULL) {
        pend_clear(s->pend);
        cache_drop(s->pend);
        s->pend->seen = 0;
        s->pend->empty = 1;
    }
    return e;
}
