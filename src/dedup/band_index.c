/*
** band_index.c: the band index, through which a new text finds the stored
** texts that share one of its LSH band or blocking keys (its near-duplicate
** candidates): its levels, their merges, and how they follow the store's
** transactions (band_lookup.c writes a text's keys and reads candidates,
** band_pack.c says how a bucket is stored).
**
** Band keys are hashes, about 32 per text, so an index row per key is
** written at a random place: a b-tree of (band, text) rows costs an SQLite
** row insert per key (it was the largest single cost of a bulk ingest) and
** a file's commit would dirty nearly every leaf page of it.  The index is
** therefore kept in levels, as a log-structured merge tree would, and the
** durable ones are bucketed:
**
**   band_pending  one row per text not merged yet (text_id, its band keys
**                 as one BLOB of little-endian 64-bit words), appended when
**                 the text is placed, in the text's own file transaction,
**                 and deleted by the merge that moves the keys to buckets;
**   band_buckets  one row per top 16 bits of the key and level, each BLOB
**                 the (band, text_id) pairs under it in band_pack.c's packed
**                 form: rows 0-65535 the base level, RECENT + i the recent
**                 level (the keys merged since the base was last written);
**   band_sets     one row per placed text (text_id, its sketch), written
**                 with its band_pending row and kept.
**
** A text's keys are thus stored once: pending, then merged.  Settings key
** "bands.indexed" holds the largest text id whose keys are in band_buckets,
** "bands.levels" the pairs of the base and of the recent level.
** A connection holds every band_pending row in memory (pairs appended to
** an array, chained by band from a table of 4-byte heads; loaded at the
** start of each write transaction, so rows appended by other connections
** are seen too), and a lookup asks every level.
**
** When the pending rows reach the merge size (pg_bands_set_merge_keys), the
** transaction being committed also merges them, sorted, into buckets,
** deletes the merged band_pending rows and advances "bands.indexed", in the
** same transaction, so that a crash leaves either the old or the new state.
** A merge goes into the recent level, rewriting the recent rows it touches,
** until the recent level holds a LEVEL_RATIO-th of the base's pairs; the
** merge after that writes the recent level and the pending keys into the
** base and deletes the recent rows.  With a single level every merge
** rewrote every bucket, so a bulk load cost the square of its size; now the
** base is rewritten each time it has grown by a LEVEL_RATIO-th (a bounded
** number of times per key), and the recent level, a fraction of it, in
** between.  Every text of the recent level came after every text of the
** base, so a lookup takes the base's lowest ids and then the recent
** level's, as a single merged level would.  A new text costs two appended
** rows; memory is bounded by the merge size; a new connection reads at
** most that many keys back.
**
** Buckets are kept in memory in their stored form with a skip index
** (band_pack.c; up to BUCKET_CACHE_MAX bytes), for the connection: those a
** merge writes, and those a lookup reads for the second time.  A bulk
** ingest looks up mostly buckets its own merges wrote and kept; a day's
** ingest reads each of its buckets about once and so keeps none of them
** (every kept bucket is fresh memory); a merge reads only the buckets not
** kept.  A cached bucket cannot hide a
** key: every band_pending row not merged is held in the pending level, a
** connection's own merges update the cache, and when another connection
** has merged ("bands.indexed" moved) the cache and the pending level are
** dropped and read again.
**
** The tables are the store's (schema.c); this file reaches them through the
** store's statement API and follows its transactions through tx hooks.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "dedup/bands.h"

/* Keys held before they are merged into the buckets, by default: 512K keys
 * are about 16,000 texts and 12 MB in memory (the pairs and their heads).
 * Larger batches make bulk ingests cheaper (fewer merges) and the first
 * ingest of a session dearer (a new connection reads them back). */
#define MERGE_KEYS_DEFAULT ((size_t)1 << 19)
/* A merge goes into the base level once the recent level holds this part
 * of the base's pairs (merge_pending). */
#define LEVEL_RATIO 4
/* pg_bands_settle merges once a connection has placed this part of the
 * merge size: a bulk ingest, not a day's. */
#define SETTLE_PART 8
/* Bytes of buckets a connection keeps in memory, at most. */
#define BUCKET_CACHE_MAX ((size_t)256 << 20)

static const char *const bands_sql[BS_COUNT] = {
    /* A text is placed once (its band_sets row comes with it, and `dedup`
     * clears them all before placing every text again): a plain INSERT,
     * cheaper than OR REPLACE, and a second placement is an error rather
     * than a silent overwrite. */
    [BS_ADD] = "INSERT INTO band_sets (text_id, sketch) VALUES (?1, ?2)",
    [BS_PEND_ADD] = "INSERT INTO band_pending (text_id, keys) VALUES (?1, ?2)",
    [BS_SINCE] =
        "SELECT text_id, keys FROM band_pending WHERE text_id > ?1 ORDER BY text_id",
    [BS_SKETCH] =
        "SELECT b.sketch FROM texts AS t JOIN band_sets AS b ON b.text_id = t.id"
        " WHERE t.key = ?1",
    [BS_SKETCH_ID] = "SELECT sketch FROM band_sets WHERE text_id = ?1",
    [BS_BUCKET_GET] = "SELECT packed FROM band_buckets WHERE bucket = ?1",
    [BS_BUCKET_PUT] = "INSERT OR REPLACE INTO band_buckets (bucket, packed) VALUES (?1, ?2)",
    [BS_PEND_DROP] = "DELETE FROM band_pending WHERE text_id <= ?1",
    [BS_BUCKETS_ANY] = "SELECT 1 FROM band_buckets LIMIT 1",
    [BS_NORM_TEXTS] = "SELECT id FROM texts WHERE norm_key = ?1 LIMIT 1024",
    [BS_OLD_TABLE] =
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'band_buckets_v7'",
    [BS_OLD_BUCKETS] = "SELECT bucket, pairs FROM band_buckets_v7",
    [BS_RECENT_ANY] = "SELECT 1 FROM band_buckets WHERE bucket >= ?1 LIMIT 1",
    [BS_RECENT_DROP] = "DELETE FROM band_buckets WHERE bucket >= ?1",
    [BS_LEVEL_SIZES] = "SELECT bucket, packed FROM band_buckets",
};

pg_stmt *pgb_stmt(pg_store *s, band_index *b, int id, pg_error *err)
{
    if (b->st[id] == NULL)
        b->st[id] = pg_store_stmt(s, bands_sql[id], err);
    return b->st[id];
}

size_t pgb_merge_size(const band_index *b)
{
    return b->merge_keys ? b->merge_keys : MERGE_KEYS_DEFAULT;
}

/* ---- the pending level ------------------------------------------------- */

static void cache_drop(band_index *b);

/* Links every held pair into its chain, the latest held first. */
static void chain_all(band_index *b)
{
    memset(b->heads, 0xff, b->n_heads * sizeof *b->heads);
    for (size_t p = 0; p < b->n_pairs; p++) {
        size_t h = pgb_hash_head(b, b->pairs[p].band);
        b->pairs[p].next = b->heads[h];
        b->heads[h] = (uint32_t)p;
    }
}

/* The pairs are an array grown by doubling, the heads a table of at least
 * as many 4-byte entries, made again (by doubling, from small) when the
 * pairs pass it: a day's ingest holds a few thousand keys and should not
 * pay for the merge size's table up front, and nothing is cleared slot by
 * slot but the heads. */
pg_err pgb_pend_add(band_index *b, long long id, const uint64_t *keys, size_t n)
{
    if (b->n_texts >= NONE || b->n_pairs + n >= NONE)
        return PG_ERR_NOMEM;
    size_t want = b->n_pairs + n;
    pg_err e = pg_grow((void **)&b->texts, &b->cap_texts, b->n_texts + 1,
                       sizeof *b->texts);
    if (e == PG_OK)
        e = pg_grow((void **)&b->pairs, &b->cap_pairs, want, sizeof *b->pairs);
    if (e == PG_OK && b->n_heads < want) {
        size_t sz = b->n_heads ? b->n_heads : 1024;
        while (sz < want)
            sz *= 2;
        uint32_t *h = malloc(sz * sizeof *h);
        if (h == NULL)
            return PG_ERR_NOMEM;
        free(b->heads);
        b->heads = h;
        b->n_heads = sz;
        chain_all(b);
    }
    if (e != PG_OK)
        return e;
    uint32_t t = (uint32_t)b->n_texts++;
    b->texts[t] = id;
    for (size_t i = 0; i < n; i++) {
        size_t h = pgb_hash_head(b, keys[i]);
        b->pairs[b->n_pairs] = (pend_pair){ keys[i], t, b->heads[h] };
        b->heads[h] = (uint32_t)b->n_pairs++;
    }
    if (id > b->seen)
        b->seen = id;
    return PG_OK;
}

/* Forgets the held pairs, and their memory: the next ingest may be a day's. */
static void pend_clear(band_index *b)
{
    free(b->pairs);
    free(b->heads);
    free(b->texts);
    b->pairs = NULL;
    b->heads = NULL;
    b->texts = NULL;
    b->n_pairs = b->cap_pairs = b->n_heads = b->n_texts = b->cap_texts = 0;
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

/* Loads the pending rows this connection does not hold yet.  A merge
 * deletes the rows it merged, so when another connection has merged since
 * this one last looked ("bands.indexed" moved), the buckets cached here may
 * lack keys no longer pending, and pairs held here may be merged already:
 * both are dropped, and the rows still pending read again.  So the held
 * texts are always those above "bands.indexed", and the buckets hold none
 * twice. */
static pg_err load_pending(pg_store *s, band_index *b, pg_error *err)
{
    long long indexed = 0;
    pg_err e = indexed_upto(s, &indexed, err);
    if (e != PG_OK)
        return e;
    if (indexed != b->indexed || !b->loaded) {
        cache_drop(b);
        pend_clear(b);
        b->indexed = indexed;
        b->seen = indexed;
        b->loaded = 1;
    }
    pg_stmt *st = pgb_stmt(s, b, BS_SINCE, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = 0, row = 0;
    pg_stmt_bind_int(st, 1, b->seen, &rc);
    e = pg_stmt_step(s, st, rc, &row, "cannot read pending band keys", err);
    for (; e == PG_OK && row;
         e = pg_stmt_step(s, st, 0, &row, "cannot read pending band keys", err)) {
        uint64_t keys[PG_BANDS_MAX];
        size_t nb = 0;
        const unsigned char *p = pg_stmt_blob(st, 1, &nb);
        size_t n = nb / 8;
        if (n > PG_BANDS_MAX)
            continue;
        for (size_t i = 0; i < n; i++)
            keys[i] = pgb_get_le64(p + 8 * i);
        if (pgb_pend_add(b, pg_stmt_int(st, 0), keys, n) != PG_OK) {
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
            break;
        }
    }
    pg_stmt_done(st);
    return e;
}

/* ---- the bucket cache -------------------------------------------------- */

/* Frees what the cache holds for bucket i and empties its entry. */
static void cache_forget(band_index *b, size_t i)
{
    if (!pgb_listed(b, i))
        return;                 /* holds nothing, and stays untouched */
    kept *c = &b->cache[i];
    if (c->cached)
        b->cache_bytes -= c->size;
    pgb_kept_free(c);
}

/* Forgets every cached bucket.  The cache is 2 * N_BUCKETS entries, most
 * of them never touched by a day's ingest: only the entries in its list
 * are freed, so that the rest of the array is never paged in. */
static void cache_drop(band_index *b)
{
    if (b->cache == NULL)
        return;
    for (size_t j = 0; j < b->n_listed; j++) {
        size_t i = b->listed[j];
        cache_forget(b, i);
        b->is_listed[i >> 3] &= (uint8_t)~(1u << (i & 7));
    }
    b->n_listed = 0;
    b->cache_bytes = 0;
}

/* Lists entry i (once); 0 when there is no memory for it, and the
 * entry must then not be kept. */
static int cache_list(band_index *b, size_t i)
{
    if (b->is_listed[i >> 3] & (1u << (i & 7)))
        return 1;
    if (pg_grow((void **)&b->listed, &b->cap_listed, b->n_listed + 1, sizeof *b->listed) != PG_OK)
        return 0;
    b->listed[b->n_listed++] = (uint32_t)i;
    b->is_listed[i >> 3] |= (uint8_t)(1u << (i & 7));
    return 1;
}

/* The cache's arrays, allocated on first use; 0 without memory (then
 * nothing is kept, which costs reads, not answers). */
static int cache_arrays(band_index *b)
{
    if (b->cache != NULL)
        return 1;
    b->cache = calloc(2 * N_BUCKETS, sizeof *b->cache);
    b->is_listed = calloc(2 * N_BUCKETS / 8, 1);
    b->read_once = calloc(2 * N_BUCKETS / 8, 1);
    if (b->cache == NULL || b->is_listed == NULL || b->read_once == NULL) {
        free(b->cache);
        free(b->is_listed);
        free(b->read_once);
        b->cache = NULL;
        b->is_listed = NULL;
        b->read_once = NULL;
        return 0;
    }
    return 1;
}

int pgb_read_before(const band_index *b, size_t i)
{
    return b->read_once != NULL && (b->read_once[i >> 3] >> (i & 7)) & 1;
}

void pgb_cache_mark_read(band_index *b, size_t i)
{
    if (cache_arrays(b))
        b->read_once[i >> 3] |= (uint8_t)(1u << (i & 7));
}

void pgb_cache_keep(band_index *b, size_t i, kept *k)
{
    if (!cache_arrays(b))
        return;
    cache_forget(b, i);
    if (b->cache_bytes + k->size > BUCKET_CACHE_MAX || !cache_list(b, i))
        return;
    kept *c = &b->cache[i];
    *c = *k;
    c->cached = 1;
    b->cache_bytes += c->size;
    memset(k, 0, sizeof *k);
}

/* Reads bucket row i and gives its stored form to use (with the bucket's
 * number in its level); a row use finds malformed is reported damaged. */
static pg_err bucket_row(pg_store *s, band_index *b, size_t i,
                         pg_err (*use)(const unsigned char *p, size_t n, size_t i, void *ctx),
                         void *ctx, pg_error *err)
{
    pg_stmt *st = pgb_stmt(s, b, BS_BUCKET_GET, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = 0, row = 0;
    pg_stmt_bind_int(st, 1, (long long)i, &rc);
    pg_err e = pg_stmt_step(s, st, rc, &row, "cannot read band keys", err);
    if (e == PG_OK && row) {
        size_t nb = 0;
        const unsigned char *p = pg_stmt_blob(st, 0, &nb);
        e = use(p, nb, i & (N_BUCKETS - 1), ctx);
        if (e == PG_ERR_FORMAT)
            e = pg_error_set(err, e, "%s: band bucket %zu is damaged", pg_store_path(s), i);
        else if (e != PG_OK)
            e = pg_error_set(err, e, "out of memory");
    }
    pg_stmt_done(st);
    return e;
}

static pg_err use_kept(const unsigned char *p, size_t n, size_t i, void *ctx)
{
    return pgb_kept_make(p, n, i, ctx);
}

pg_err pgb_bucket_read(pg_store *s, band_index *b, size_t i, kept *out, pg_error *err)
{
    memset(out, 0, sizeof *out);
    return bucket_row(s, b, i, use_kept, out, err);
}

typedef struct find_ctx {
    uint64_t band;
    long long *ids;
    size_t room, got;
} find_ctx;

static pg_err use_find(const unsigned char *p, size_t n, size_t i, void *ctx)
{
    find_ctx *f = ctx;
    return pgb_bucket_find(p, n, i, f->band, f->ids, f->room, &f->got);
}

pg_err pgb_bucket_lookup(pg_store *s, band_index *b, size_t i, uint64_t band,
                         long long *ids, size_t room, size_t *got, pg_error *err)
{
    find_ctx f = { band, ids, room, 0 };
    pg_err e = bucket_row(s, b, i, use_find, &f, err);
    *got = f.got;
    return e;
}

/* ---- merging ----------------------------------------------------------- */

static int pair_order(const void *a, const void *b)
{
    const band_pair *x = a, *y = b;
    if (x->band != y->band)
        return x->band < y->band ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* A merge's bucket holds the merge size's share of 2^BUCKET_BITS, a few
 * pairs: sorted in place by insertion, without a call per comparison;
 * qsort past that. */
static void pairs_sort(band_pair *p, size_t n)
{
    if (n > 32) {
        qsort(p, n, sizeof *p, pair_order);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        band_pair v = p[i];
        size_t j = i;
        while (j > 0 && pair_order(&p[j - 1], &v) > 0) {
            p[j] = p[j - 1];
            j--;
        }
        p[j] = v;
    }
}

/* Bucket row i as this transaction sees it, decoded into *out: from the
 * cache (it is the database's: load_pending drops it when another
 * connection has merged, and this one's merges keep it up to date) or
 * read. */
static pg_err bucket_now(pg_store *s, band_index *b, size_t i, bucket *out, pg_error *err)
{
    kept own;
    const kept *k = pgb_cached(b, i);
    *out = (bucket){ NULL, NULL, 0 };
    pg_err e = PG_OK;
    if (k == NULL) {
        if ((e = pgb_bucket_read(s, b, i, &own, err)) != PG_OK)
            return e;
        k = &own;
    }
    e = pgb_bucket_unpack(k->p, k->len, i & (N_BUCKETS - 1), out);
    if (k == &own)
        pgb_kept_free(&own);
    return e == PG_OK ? PG_OK : pg_error_set(err, e, "out of memory");
}

/* *m = the pairs of x and y, in order, each once (PG_ERR_NOMEM). */
static pg_err bucket_merge(const bucket *x, const bucket *y, bucket *m)
{
    if (pgb_bucket_alloc(m, x->n + y->n) != PG_OK)
        return PG_ERR_NOMEM;
    size_t a = 0, c = 0, w = 0;
    while (a < x->n || c < y->n) {
        uint64_t band;
        long long id;
        if (c >= y->n || (a < x->n && (x->bands[a] < y->bands[c] ||
                                       (x->bands[a] == y->bands[c] && x->ids[a] <= y->ids[c]))))
            band = x->bands[a], id = x->ids[a++];
        else
            band = y->bands[c], id = y->ids[c++];
        if (w > 0 && m->bands[w - 1] == band && m->ids[w - 1] == id)
            continue;
        m->bands[w] = band;
        m->ids[w++] = id;
    }
    m->n = w;
    return PG_OK;
}

/* Writes bk as bucket row i and keeps it in the cache. */
static pg_err bucket_write(pg_store *s, band_index *b, size_t i, const bucket *bk,
                           pg_buf *out, pg_error *err)
{
    pg_buf_reset(out);
    if (pgb_bucket_pack(bk, out) != PG_OK)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    pg_stmt *st = pgb_stmt(s, b, BS_BUCKET_PUT, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = 0;
    pg_stmt_bind_int(st, 1, (long long)i, &rc);
    pg_stmt_bind_blob(st, 2, out->data, out->len, &rc);
    pg_err e = pg_stmt_exec(s, st, rc, "cannot merge band keys", err);
    if (e == PG_OK && b->drop_merged) {
        b->rewrites[i >= RECENT]++;
        if (b->cache != NULL)
            cache_forget(b, i);
    } else if (e == PG_OK) {
        kept k;
        b->rewrites[i >= RECENT]++;
        if (pgb_kept_make((const unsigned char *)out->data, out->len, i & (N_BUCKETS - 1),
                          &k) == PG_OK) {
            pgb_cache_keep(b, i, &k);
            pgb_kept_free(&k);  /* empty unless the cache had no room */
        } else if (b->cache != NULL) {
            /* Out of memory: the old entry must go all the same. */
            cache_forget(b, i);
        }
    }
    return e;
}

/* Merges the new pairs of bucket k (nb) into the recent level, or with the
 * recent level's pairs into the base when major.  *grew receives the pairs
 * the level written gained. */
static pg_err merge_bucket(pg_store *s, band_index *b, size_t k, int major, bucket *nb,
                           pg_buf *out, long long *grew, pg_error *err)
{
    bucket base = { NULL, NULL, 0 }, rec = { NULL, NULL, 0 };
    bucket t = { NULL, NULL, 0 }, m = { NULL, NULL, 0 };
    pg_err e = PG_OK;
    *grew = 0;
    /* Nothing to read when the index was empty at this transaction's start
     * and nothing merged since (the first merge of a bulk load), nor in a
     * recent level known to be empty. */
    if (b->recent && !b->empty)
        e = bucket_now(s, b, RECENT + k, &rec, err);
    if (e != PG_OK || (major && rec.n == 0 && nb->n == 0))
        goto out;               /* the base's bucket stays as it is */
    if (major && !b->empty)
        e = bucket_now(s, b, k, &base, err);
    if (e != PG_OK)
        goto out;
    if (major) {
        if (bucket_merge(&base, &rec, &t) != PG_OK || bucket_merge(&t, nb, &m) != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        *grew = (long long)m.n - (long long)base.n;
    } else {
        if (bucket_merge(&rec, nb, &m) != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        *grew = (long long)m.n - (long long)rec.n;
    }
    if (e == PG_OK)
        e = bucket_write(s, b, major ? k : RECENT + k, &m, out, err);
out:
    pgb_bucket_free(&base);
    pgb_bucket_free(&rec);
    pgb_bucket_free(&t);
    pgb_bucket_free(&m);
    return e;
}

/* The pairs of the base and the recent level, from the settings, or counted
 * (a database written before the recent level). */
static pg_err level_sizes(pg_store *s, band_index *b, long long sz[2], pg_error *err)
{
    pg_buf v = PG_BUF_INIT;
    int found = 0;
    pg_err e = pg_store_get_setting(s, "bands.levels", &v, &found, err);
    sz[0] = sz[1] = -1;
    if (e == PG_OK && found &&
        (sscanf(v.data, "%lld %lld", &sz[0], &sz[1]) != 2 || sz[0] < 0 || sz[1] < 0))
        sz[0] = sz[1] = -1;
    pg_buf_release(&v);
    if (e != PG_OK || sz[0] >= 0)
        return e;
    pg_stmt *st = pgb_stmt(s, b, BS_LEVEL_SIZES, err);
    if (st == NULL)
        return PG_ERR_DB;
    int row = 0;
    sz[0] = sz[1] = 0;
    e = pg_stmt_step(s, st, 0, &row, "cannot read band keys", err);
    for (; e == PG_OK && row; e = pg_stmt_step(s, st, 0, &row, "cannot read band keys", err)) {
        size_t nb = 0, n = 0;
        long long i = pg_stmt_int(st, 0);
        const unsigned char *p = pg_stmt_blob(st, 1, &nb);
        if (pgb_bucket_count(p, nb, (size_t)i & (N_BUCKETS - 1), &n) != PG_OK) {
            e = pg_error_set(err, PG_ERR_FORMAT, "%s: band bucket %lld is damaged",
                             pg_store_path(s), i);
            break;
        }
        sz[i >= (long long)RECENT] += (long long)n;
    }
    pg_stmt_done(st);
    return e;
}

/* Merges every pending pair into the buckets, in key order, drops the
 * merged band_pending rows and records what the levels hold. */
static pg_err merge_pending(pg_store *s, band_index *b, pg_error *err)
{
    long long sz[2];
    pg_err e = level_sizes(s, b, sz, err);
    if (e != PG_OK)
        return e;
    /* Into the base once the recent level holds a LEVEL_RATIO-th of it: the
     * base is rewritten each time it has grown by that part (so each pair
     * about LEVEL_RATIO times in all, whatever the size), the recent level at
     * every merge in between (it stays that small). */
    int major = sz[1] * LEVEL_RATIO >= sz[0];
    band_pair *sorted = malloc((b->n_pairs ? b->n_pairs : 1) * sizeof *sorted);
    size_t *start = calloc(N_BUCKETS + 1, sizeof *start);
    bucket nb = { NULL, NULL, 0 };
    if (sorted == NULL || start == NULL || pgb_bucket_alloc(&nb, b->n_pairs) != PG_OK) {
        free(sorted);
        free(start);
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    }
    /* Into buckets by counting (one pass), then each bucket's few pairs by
     * band and text id. */
    for (size_t i = 0; i < b->n_pairs; i++)
        start[pgb_bucket_of(b->pairs[i].band) + 1]++;
    for (size_t k = 0; k < N_BUCKETS; k++)
        start[k + 1] += start[k];
    for (size_t i = 0; i < b->n_pairs; i++) {
        const pend_pair *p = &b->pairs[i];
        sorted[start[pgb_bucket_of(p->band)]++] = (band_pair){ p->band, b->texts[p->text] };
    }
    pg_buf out = PG_BUF_INIT;
    long long grew = 0;
    for (size_t k = 0, from = 0; k < N_BUCKETS && e == PG_OK; k++) {
        size_t to = start[k];   /* the end of bucket k, after the pass */
        if (to == from && !(major && b->recent))
            continue;
        pairs_sort(sorted + from, to - from);
        bucket view = nb;       /* the new pairs, in nb's room */
        view.n = to - from;
        for (size_t j = 0; j < view.n; j++) {
            view.bands[j] = sorted[from + j].band;
            view.ids[j] = sorted[from + j].id;
        }
        e = merge_bucket(s, b, k, major, &view, &out, &grew, err);
        sz[!major] += grew;
        from = to;
    }
    pg_buf_release(&out);
    pgb_bucket_free(&nb);
    free(start);
    free(sorted);
    b->empty = 0;               /* buckets may have been written */
    if (e == PG_OK && major && b->recent) {
        pg_stmt *st = pgb_stmt(s, b, BS_RECENT_DROP, err);
        int rc = 0;
        if (st == NULL)
            e = PG_ERR_DB;
        else {
            pg_stmt_bind_int(st, 1, (long long)RECENT, &rc);
            e = pg_stmt_exec(s, st, rc, "cannot merge band keys", err);
        }
        /* Known empty now, in the cache too, so lookups do not ask. */
        for (size_t k = 0; e == PG_OK && b->cache != NULL && k < N_BUCKETS; k++) {
            kept none;
            memset(&none, 0, sizeof none);
            pgb_cache_keep(b, RECENT + k, &none);
        }
        sz[1] = 0;
    }
    b->recent = !major;
    pg_stmt *st = NULL;
    if (e == PG_OK && (st = pgb_stmt(s, b, BS_PEND_DROP, err)) == NULL)
        e = PG_ERR_DB;
    if (e == PG_OK) {
        int rc = 0;
        pg_stmt_bind_int(st, 1, b->seen, &rc);
        e = pg_stmt_exec(s, st, rc, "cannot merge band keys", err);
    }
    if (e == PG_OK) {
        char v[48];
        snprintf(v, sizeof v, "%lld %lld", sz[0], sz[1]);
        e = pg_store_set_setting(s, "bands.levels", v, err);
    }
    if (e == PG_OK) {
        char v[32];
        /* Never backwards (a connection holds only texts above it). */
        long long upto = b->seen > b->indexed ? b->seen : b->indexed;
        snprintf(v, sizeof v, "%lld", upto);
        e = pg_store_set_setting(s, "bands.indexed", v, err);
        b->indexed = upto;
    }
    b->merged = e == PG_OK;
    return e;
}

/* Merges the pending level when it is full, or always when force; once per
 * transaction. */
static pg_err merge_if(pg_store *s, band_index *b, int force, pg_error *err)
{
    if (b->merged || b->n_pairs == 0 || (!force && b->n_pairs < pgb_merge_size(b)))
        return PG_OK;
    return merge_pending(s, b, err);
}

/* ---- following the store's transactions -------------------------------- */

static pg_err on_begin(void *ctx, pg_store *s, pg_error *err)
{
    band_index *b = ctx;
    b->merged = 0;
    pg_err e = b->repacked ? PG_OK : pgb_repack_v7(s, b, err);
    if (e != PG_OK)
        return e;
    pg_stmt *st = pgb_stmt(s, b, BS_BUCKETS_ANY, err);
    if (st == NULL)
        return PG_ERR_DB;
    int row = 0;
    e = pg_stmt_step(s, st, 0, &row, "cannot read band keys", err);
    pg_stmt_done(st);
    if (e != PG_OK)
        return e;
    b->empty = !row;
    row = 0;
    if (!b->empty && (st = pgb_stmt(s, b, BS_RECENT_ANY, err)) == NULL)
        return PG_ERR_DB;
    if (!b->empty) {
        int rc = 0;
        pg_stmt_bind_int(st, 1, (long long)RECENT, &rc);
        e = pg_stmt_step(s, st, rc, &row, "cannot read band keys", err);
        pg_stmt_done(st);
    }
    b->recent = row;
    return e == PG_OK ? load_pending(s, b, err) : e;
}

static pg_err on_precommit(void *ctx, pg_store *s, pg_error *err)
{
    return merge_if(s, ctx, 0, err);
}

static void on_committed(void *ctx, pg_store *s)
{
    band_index *b = ctx;
    (void)s;
    if (b->merged) {
        pend_clear(b);
        b->added = 0;
    }
    b->merged = 0;
}

/* What a rolled-back transaction added is gone from the database (and its
 * text ids may be given again): rather than undo it piece by piece, forget
 * the whole level and read it again at the next transaction.  Rollbacks are
 * rare (an error, a file committed meanwhile by another process). */
static void on_rolled_back(void *ctx, pg_store *s)
{
    band_index *b = ctx;
    (void)s;
    pend_clear(b);
    b->added = 0;
    cache_drop(b);          /* it may hold buckets of a rolled-back merge */
    b->seen = 0;
    b->indexed = -1;
    b->loaded = 0;
    b->merged = 0;
    b->repacked = 0;        /* a conversion may have been rolled back */
}

static void on_free(void *ctx)
{
    band_index *b = ctx;
    cache_drop(b);
    free(b->cache);
    free(b->listed);
    free(b->is_listed);
    free(b->read_once);
    pend_clear(b);
    free(b);
}

static const pg_tx_hooks bands_hooks = {
    on_begin, on_precommit, on_committed, on_rolled_back, on_free,
};

pg_err pgb_of(pg_store *s, band_index **out, pg_error *err)
{
    band_index *b = pg_store_tx_ctx(s, &bands_hooks);
    *out = b;
    if (b != NULL)
        return PG_OK;
    if ((b = calloc(1, sizeof *b)) == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    b->indexed = -1;
    pg_err e = pg_store_add_tx_hooks(s, &bands_hooks, b, err);
    if (e != PG_OK) {
        free(b);
        return e;
    }
    *out = b;
    /* Made inside a write transaction: catch up on its start. */
    return pg_store_in_write(s) ? on_begin(b, s, err) : PG_OK;
}

/* ---- the calls of dedup/internal.h -------------------------------------- */

pg_err pg_bands_set_merge_keys(pg_store *s, size_t keys, pg_error *err)
{
    band_index *b = NULL;
    pg_err e = pgb_of(s, &b, err);
    if (e == PG_OK)
        b->merge_keys = keys;
    return e;
}

pg_err pg_bands_merge_keys(pg_store *s, size_t *keys, pg_error *err)
{
    band_index *b = NULL;
    pg_err e = pgb_of(s, &b, err);
    *keys = e == PG_OK ? b->merge_keys : 0;
    return e;
}

pg_err pg_bands_keep_merged(pg_store *s, int keep, pg_error *err)
{
    band_index *b = NULL;
    pg_err e = pgb_of(s, &b, err);
    if (e == PG_OK)
        b->drop_merged = !keep;
    return e;
}

pg_err pg_bands_merge(pg_store *s, pg_error *err)
{
    band_index *b = NULL;
    pg_err e = pg_store_tx_begin(s, err);
    if (e == PG_OK)
        e = pgb_of(s, &b, err);
    if (e == PG_OK)
        e = merge_if(s, b, 1, err);
    if (e == PG_OK)
        return pg_store_tx_commit(s, err);
    pg_store_tx_rollback(s);
    return e;
}

pg_err pg_bands_settle(pg_store *s, pg_error *err)
{
    band_index *b = pg_store_tx_ctx(s, &bands_hooks);
    if (b == NULL || pg_store_in_write(s) || b->added < pgb_merge_size(b) / SETTLE_PART)
        return PG_OK;
    return pg_bands_merge(s, err);
}

pg_err pg_bands_clear(pg_store *s, pg_error *err)
{
    band_index *b = NULL;
    pg_err e = pgb_of(s, &b, err);
    if (e == PG_OK)
        e = pg_store_exec(s, "DELETE FROM band_buckets", "cannot clear band keys", err);
    if (e == PG_OK)
        e = pg_store_exec(s, "DELETE FROM band_pending", "cannot clear band keys", err);
    if (e == PG_OK)
        e = pg_store_exec(s, "DELETE FROM band_sets", "cannot clear band keys", err);
    if (e == PG_OK)
        e = pg_store_set_setting(s, "bands.indexed", "0", err);
    if (e == PG_OK)
        e = pg_store_set_setting(s, "bands.levels", "0 0", err);
    if (e == PG_OK) {
        pend_clear(b);
        b->added = 0;
        b->recent = 0;
        cache_drop(b);
        b->seen = b->indexed = 0;
        b->empty = 1;
    }
    return e;
}
