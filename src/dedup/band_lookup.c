/*
** band_lookup.c: a placed text's entry in the band index (its keys, one
** band_pending row, and its sketch, one band_sets row), and the look-ups of
** the index: a text's candidates (the ids of the stored texts sharing one
** of its keys or its normalised key) and a text's sketch.  The index
** itself: band_index.c.
*/
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "dedup/bands.h"

pg_err pg_keyvec_push(pg_keyvec *kv, pg_key k)
{
    if (pg_grow((void **)&kv->v, &kv->cap, kv->n + 1, sizeof *kv->v) != PG_OK)
        return PG_ERR_NOMEM;
    kv->v[kv->n++] = k;
    return PG_OK;
}

void pg_keyvec_release(pg_keyvec *kv)
{
    if (kv == NULL)
        return;
    free(kv->v);
    kv->v = NULL;
    kv->n = kv->cap = 0;
}

/* Makes room for `more` ids after iv->n. */
static pg_err idvec_room(pg_idvec *iv, size_t more)
{
    return pg_grow((void **)&iv->v, &iv->cap, iv->n + more, sizeof *iv->v);
}

pg_err pg_idvec_push(pg_idvec *iv, long long id)
{
    if (idvec_room(iv, 1) != PG_OK)
        return PG_ERR_NOMEM;
    iv->v[iv->n++] = id;
    return PG_OK;
}

void pg_idvec_release(pg_idvec *iv)
{
    if (iv == NULL)
        return;
    free(iv->v);
    iv->v = NULL;
    iv->n = iv->cap = 0;
}

/* ---- writing a text's keys --------------------------------------------- */

pg_err pg_bands_add(pg_store *s, pg_key text, const uint64_t *keys, size_t n,
                    const void *sketch, size_t sketch_len, pg_error *err)
{
    long long id = 0;
    unsigned char blob[8 * PG_BANDS_MAX];
    band_index *b = NULL;
    if (n > PG_BANDS_MAX)
        return pg_error_set(err, PG_ERR_USAGE, "%s: too many band keys",
                            pg_store_path(s));
    if (!pg_store_in_write(s))
        return pg_error_set(err, PG_ERR_USAGE, "%s: band keys written outside "
                            "a transaction", pg_store_path(s));
    pg_err e = pgb_of(s, &b, err);
    if (e == PG_OK)
        e = pg_store_text_id(s, text, &id, err);
    if (e == PG_OK && id == 0)
        e = pg_error_set(err, PG_ERR_NOT_FOUND, "%s: no such text", pg_store_path(s));
    pg_stmt *st = NULL, *pst = NULL;
    if (e == PG_OK && (st = pgb_stmt(s, b, BS_ADD, err)) == NULL)
        e = PG_ERR_DB;
    if (e == PG_OK && n > 0 && (pst = pgb_stmt(s, b, BS_PEND_ADD, err)) == NULL)
        e = PG_ERR_DB;
    if (e != PG_OK)
        return e;
    int rc = 0;
    pg_stmt_bind_int(st, 1, id, &rc);
    if (sketch != NULL && sketch_len > 0)
        pg_stmt_bind_blob(st, 2, sketch, sketch_len, &rc);
    e = pg_stmt_exec(s, st, rc, "cannot store band keys", err);
    /* A text without keys cannot be found by any: it needs no row. */
    if (e == PG_OK && n > 0) {
        for (size_t i = 0; i < n; i++)
            pgb_put_le64(blob + 8 * i, keys[i]);
        rc = 0;
        pg_stmt_bind_int(pst, 1, id, &rc);
        pg_stmt_bind_blob(pst, 2, blob, 8 * n, &rc);
        e = pg_stmt_exec(s, pst, rc, "cannot store band keys", err);
    }
    if (e == PG_OK && pgb_pend_add(b, id, keys, n) != PG_OK)
        e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (e == PG_OK)
        b->added += n;
    return e;
}

/* Replaces out with the first column of a bound statement's row, a sketch. */
static pg_err read_sketch(pg_store *s, pg_stmt *st, int rc, pg_buf *out, int *found,
                          pg_error *err)
{
    int row = 0;
    pg_err e = pg_stmt_step(s, st, rc, &row, "cannot read a text's sketch", err);
    size_t n = 0;
    const void *p = e == PG_OK && row ? pg_stmt_blob(st, 0, &n) : NULL;
    if (p != NULL) {
        pg_buf_reset(out);
        if (pg_buf_append(out, p, n) != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        *found = e == PG_OK;
    }
    pg_stmt_done(st);
    return e;
}

pg_err pg_bands_sketch(pg_store *s, pg_key text, pg_buf *out, int *found,
                       pg_error *err)
{
    unsigned char kb[16];
    band_index *b = NULL;
    pg_stmt *st = NULL;
    int rc = 0;
    *found = 0;
    pg_err e = pgb_of(s, &b, err);
    if (e == PG_OK && (st = pgb_stmt(s, b, BS_SKETCH, err)) == NULL)
        e = PG_ERR_DB;
    if (e != PG_OK)
        return e;
    pg_stmt_bind_key(st, 1, text, kb, &rc);
    return read_sketch(s, st, rc, out, found, err);
}

pg_err pg_bands_sketch_id(pg_store *s, long long text, pg_buf *out, int *found,
                          pg_error *err)
{
    band_index *b = NULL;
    pg_stmt *st = NULL;
    int rc = 0;
    *found = 0;
    pg_err e = pgb_of(s, &b, err);
    if (e == PG_OK && (st = pgb_stmt(s, b, BS_SKETCH_ID, err)) == NULL)
        e = PG_ERR_DB;
    if (e != PG_OK)
        return e;
    pg_stmt_bind_int(st, 1, text, &rc);
    return read_sketch(s, st, rc, out, found, err);
}

/* ---- candidates -------------------------------------------------------- */

/* Bucket row i, from the cache or read (and cached: level_texts comes
 * here for a bucket read before); *tmp receives the bucket to free when it
 * could not be cached. */
static pg_err bucket_get(pg_store *s, band_index *b, size_t i, const kept **out,
                         kept *tmp, pg_error *err)
{
    if ((*out = pgb_cached(b, i)) != NULL)
        return PG_OK;
    pg_err e = pgb_bucket_read(s, b, i, tmp, err);
    if (e != PG_OK)
        return e;
    /* Only a write transaction's reads are kept: the pending level it loaded
     * is what makes a cached bucket complete (see band_index.c). */
    if (pg_store_in_write(s))
        pgb_cache_keep(b, i, tmp);
    const kept *c = pgb_cached(b, i);
    *out = c != NULL ? c : tmp;
    return PG_OK;
}

/* Appends to out the texts under band in bucket row i, at most *room of
 * them (lowest ids first), and takes their number off *room. */
static pg_err level_texts(pg_store *s, band_index *b, size_t i, uint64_t band,
                          size_t *room, pg_idvec *out, pg_error *err)
{
    const kept *k = NULL;
    kept tmp;
    memset(&tmp, 0, sizeof tmp);
    int in_write = pg_store_in_write(s);
    /* A bucket read for the first time (a day's lookups read each about
     * once) is searched where SQLite holds it; a second read keeps it.
     * Outside a write transaction the cache is not asked at all: it is
     * made good against other connections' merges only when a write
     * transaction begins (band_index.c, load_pending). */
    if (!in_write || (pgb_cached(b, i) == NULL && !pgb_read_before(b, i))) {
        size_t got = 0;
        if (idvec_room(out, *room) != PG_OK)
            return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        pg_err e = pgb_bucket_lookup(s, b, i, band, out->v + out->n, *room, &got, err);
        if (e == PG_OK && in_write)
            pgb_cache_mark_read(b, i);
        out->n += got;
        *room -= got;
        return e;
    }
    pg_err e = bucket_get(s, b, i, &k, &tmp, err);
    if (e == PG_OK && k->len > 0 && idvec_room(out, *room) != PG_OK)
        e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (e == PG_OK && k->len > 0) {
        size_t got = pgb_kept_find(k, i & (N_BUCKETS - 1), band, out->v + out->n, *room);
        out->n += got;
        *room -= got;
    }
    pgb_kept_free(&tmp);
    return e;
}

/* Appends to out the merged texts under band: at most BAND_FANOUT_MAX,
 * lowest ids first.  Every text of the recent level came after every text
 * of the base (a merge into the base takes the recent level with it), so
 * the base first, then the recent level, are the lowest of both. */
static pg_err bucket_texts(pg_store *s, band_index *b, uint64_t band, pg_idvec *out,
                           pg_error *err)
{
    size_t room = BAND_FANOUT_MAX;
    size_t k = pgb_bucket_of(band);
    pg_err e = level_texts(s, b, k, band, &room, out, err);
    /* Outside a write transaction another connection may have written the
     * recent level since this one looked: it is always asked there. */
    if (e == PG_OK && room > 0 && (b->recent || !pg_store_in_write(s)))
        e = level_texts(s, b, RECENT + k, band, &room, out, err);
    return e;
}

/* Appends to out the pending texts under band: at most BAND_FANOUT_MAX,
 * the latest held first (the order of a chain; a text's repeated key
 * counts for each time). */
static pg_err pending_texts(const band_index *b, uint64_t band, pg_idvec *out)
{
    size_t taken = 0;
    for (uint32_t p = b->heads[pgb_hash_head(b, band)]; p != NONE && taken < BAND_FANOUT_MAX;
         p = b->pairs[p].next) {
        if (b->pairs[p].band != band)
            continue;
        taken++;
        if (pg_idvec_push(out, b->texts[b->pairs[p].text]) != PG_OK)
            return PG_ERR_NOMEM;
    }
    return PG_OK;
}

/* Sorts iv from `from` on and drops repeats and self. */
static void unique_ids(pg_idvec *iv, size_t from, long long self)
{
    if (iv->n - from > 1)
        pg_sort_ll(iv->v + from, iv->n - from);
    size_t w = from;
    for (size_t r = from; r < iv->n; r++) {
        if (iv->v[r] == self || (w > from && iv->v[w - 1] == iv->v[r]))
            continue;
        iv->v[w++] = iv->v[r];
    }
    iv->n = w;
}

/* Keeps of iv from `from` on the ids that are there twice or more, once
 * each, sorted. */
static void keep_repeated(pg_idvec *iv, size_t from)
{
    if (iv->n - from > 1)
        pg_sort_ll(iv->v + from, iv->n - from);
    size_t w = from;
    for (size_t r = from; r + 1 < iv->n; r++)
        if (iv->v[r] == iv->v[r + 1] && (w == from || iv->v[w - 1] != iv->v[r]))
            iv->v[w++] = iv->v[r];
    iv->n = w;
}

/* Asks the memory for everything the lookups of keys will read, before
 * the first one: each key's pending chain, its cached buckets (both levels),
 * their skip indexes and the groups those point to lie at random places,
 * and fetched one after another each would be a wait of its own.  Three
 * passes, as each address is known only once the one before is in. */
static void prefetch(const band_index *b, const uint64_t *keys, size_t n)
{
#if defined(__GNUC__)
    size_t levels = b->recent ? 2 : 1;
    for (size_t i = 0; i < n; i++) {
        for (size_t l = 0; b->cache != NULL && l < levels; l++)
            if (pgb_listed(b, l * RECENT + pgb_bucket_of(keys[i])))
                __builtin_prefetch(&b->cache[l * RECENT + pgb_bucket_of(keys[i])]);
        if (b->n_pairs > 0)
            __builtin_prefetch(&b->heads[pgb_hash_head(b, keys[i])]);
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t l = 0; b->cache != NULL && l < levels; l++) {
            const kept *k = pgb_cached(b, l * RECENT + pgb_bucket_of(keys[i]));
            if (k != NULL && k->n_skip > 0)
                __builtin_prefetch(pgb_kept_skip_band(k) + k->n_skip / 2);
        }
        uint32_t h = b->n_pairs > 0 ? b->heads[pgb_hash_head(b, keys[i])] : NONE;
        if (h != NONE)
            __builtin_prefetch(&b->pairs[h]);
    }
    for (size_t i = 0; i < n && b->cache != NULL; i++)
        for (size_t l = 0; l < levels; l++) {
            const kept *k = pgb_cached(b, l * RECENT + pgb_bucket_of(keys[i]));
            size_t at = k != NULL && k->n_skip > 0 ? pgb_kept_seek(k, keys[i]) : SIZE_MAX;
            if (at != SIZE_MAX)
                __builtin_prefetch(k->p + at);
        }
#else
    (void)b, (void)keys, (void)n;
#endif
}

/* Appends to out the texts under each of keys[0..n), in every level: a
 * text under k of them k times. */
static pg_err keys_texts(pg_store *s, band_index *b, const uint64_t *keys, size_t n,
                         pg_idvec *out, pg_error *err)
{
    pg_err e = PG_OK;
    /* The buckets, unless known to be empty in this write transaction. */
    if (!(pg_store_in_write(s) && b->empty))
        for (size_t i = 0; i < n && e == PG_OK; i++)
            e = bucket_texts(s, b, keys[i], out, err);
    for (size_t i = 0; i < n && e == PG_OK && b->n_pairs > 0; i++)
        if (pending_texts(b, keys[i], out) != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    return e;
}

pg_err pg_bands_candidates(pg_store *s, long long self, pg_key norm_key,
                           const uint64_t *keys, size_t n, size_t n_lsh,
                           pg_idvec *out, pg_error *err)
{
    unsigned char kb[16];
    size_t from = out->n;
    band_index *b = NULL;
    pg_stmt *st = NULL;
    pg_err e = pgb_of(s, &b, err);
    if (e == PG_OK && (st = pgb_stmt(s, b, BS_NORM_TEXTS, err)) == NULL)
        e = PG_ERR_DB;
    if (e != PG_OK)
        return e;
    int rc = 0, row = 0;
    if (n > PG_BANDS_MAX)
        n = PG_BANDS_MAX;
    prefetch(b, keys, n);       /* under the statement's own work */
    pg_stmt_bind_key(st, 1, norm_key, kb, &rc);
    e = pg_stmt_step(s, st, rc, &row, "cannot look up candidates", err);
    for (; e == PG_OK && row;
         e = pg_stmt_step(s, st, 0, &row, "cannot look up candidates", err))
        if (pg_idvec_push(out, pg_stmt_int(st, 0)) != PG_OK) {
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
            break;
        }
    pg_stmt_done(st);
    if (n_lsh > n)
        n_lsh = n;
    /* The LSH bands first, so that the texts met through one band only can
     * be dropped before the other keys' texts are appended. */
    size_t lsh_from = out->n;
    if (e == PG_OK)
        e = keys_texts(s, b, keys, n_lsh, out, err);
    if (e == PG_OK)
        keep_repeated(out, lsh_from);
    if (e == PG_OK)
        e = keys_texts(s, b, keys + n_lsh, n - n_lsh, out, err);
    if (e == PG_OK)
        unique_ids(out, from, self);
    return e;
}
