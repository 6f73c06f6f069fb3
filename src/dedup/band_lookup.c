/*
** band_lookup.c: a placed text's entry in the band index (its keys and
** sketch, one band_sets row), and the look-ups of the index: a text's
** candidates (the stored texts sharing one of its keys or its normalised
** key) and a candidate's sketch.  The index itself: band_index.c.
*/
#include <stdlib.h>
#include <string.h>

#include "dedup/bands.h"

pg_err pg_keyvec_push(pg_keyvec *kv, pg_key k)
{
    if (kv->n == kv->cap) {
        size_t cap = kv->cap ? kv->cap * 2 : 16;
        pg_key *v = realloc(kv->v, cap * sizeof *v);
        if (v == NULL)
            return PG_ERR_NOMEM;
        kv->v = v;
        kv->cap = cap;
    }
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

/* ---- writing a text's keys --------------------------------------------- */

pg_err pg_bands_add(pg_store *s, pg_key text, const uint64_t *keys, size_t n,
                    const void *sketch, size_t sketch_len, pg_error *err)
{
    long long id = 0;
    unsigned char blob[8 * PG_BANDS_MAX];
    bands *b = NULL;
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
    pg_stmt *st = NULL;
    if (e == PG_OK && (st = pgb_stmt(s, b, BS_ADD, err)) == NULL)
        e = PG_ERR_DB;
    if (e != PG_OK)
        return e;
    for (size_t i = 0; i < n; i++)
        pgb_put_le64(blob + 8 * i, keys[i]);
    int rc = 0;
    pg_stmt_bind_int(st, 1, id, &rc);
    pg_stmt_bind_blob(st, 2, blob, 8 * n, &rc);
    if (sketch != NULL && sketch_len > 0)
        pg_stmt_bind_blob(st, 3, sketch, sketch_len, &rc);
    e = pg_stmt_exec(s, st, rc, "cannot store band keys", err);
    if (e == PG_OK && pgb_pend_add(b, id, text, keys, n, pgb_merge_size(b)) != PG_OK)
        e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    return e;
}

pg_err pg_bands_sketch(pg_store *s, pg_key text, pg_buf *out, int *found,
                       pg_error *err)
{
    unsigned char kb[16];
    bands *b = NULL;
    pg_stmt *st = NULL;
    int rc = 0, row = 0;
    *found = 0;
    pg_err e = pgb_of(s, &b, err);
    if (e == PG_OK && (st = pgb_stmt(s, b, BS_SKETCH, err)) == NULL)
        e = PG_ERR_DB;
    if (e != PG_OK)
        return e;
    pg_stmt_bind_key(st, 1, text, kb, &rc);
    e = pg_stmt_step(s, st, rc, &row, "cannot read a text's sketch", err);
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

/* ---- candidates -------------------------------------------------------- */

/* Appends the key column of every row of a bound statement to out. */
static pg_err collect_keys(pg_store *s, pg_stmt *st, int rc, pg_keyvec *out,
                           pg_error *err)
{
    int row = 0;
    pg_err e = pg_stmt_step(s, st, rc, &row, "cannot look up candidates", err);
    for (; e == PG_OK && row;
         e = pg_stmt_step(s, st, 0, &row, "cannot look up candidates", err)) {
        pg_key k;
        if (pg_stmt_key(st, 0, &k) && pg_keyvec_push(out, k) != PG_OK) {
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
            break;
        }
    }
    pg_stmt_done(st);
    return e;
}

/* Bucket i, from the cache or read (and cached); *tmp receives the pairs
 * to free when they could not be cached. */
static pg_err bucket_get(pg_store *s, bands *b, size_t i, const bucket **out,
                         bucket *tmp, pg_error *err)
{
    if (b->cache != NULL && b->cache[i].cached) {
        *out = &b->cache[i];
        return PG_OK;
    }
    pg_err e = pgb_bucket_read(s, b, i, tmp, err);
    if (e != PG_OK)
        return e;
    /* Only a write transaction's reads are kept: the pending level it loaded
     * is what makes a cached bucket complete (see band_index.c). */
    if (pg_store_in_write(s))
        pgb_cache_keep(b, i, tmp);
    *out = b->cache != NULL && b->cache[i].cached ? &b->cache[i] : tmp;
    return PG_OK;
}

/* Appends to ids the texts in the buckets under band (at most
 * BAND_FANOUT_MAX, lowest ids first). */
static pg_err bucket_texts(pg_store *s, bands *b, uint64_t band, pg_buf *ids,
                           pg_error *err)
{
    const bucket *bk = NULL;
    bucket tmp = { NULL, 0, 0 };
    pg_err e = bucket_get(s, b, pgb_bucket_of(band), &bk, &tmp, err);
    size_t lo = 0, hi = e == PG_OK ? bk->n : 0;
    while (lo < hi) {           /* the first pair with this band */
        size_t mid = lo + (hi - lo) / 2;
        if (pgb_get_le64(bk->pairs + PAIR_BYTES * mid) < band)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = 0; e == PG_OK && lo < bk->n && k < BAND_FANOUT_MAX; lo++, k++) {
        uint64_t v;
        long long id;
        pgb_pair_at(bk->pairs, lo, &v, &id);
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
static pg_err merged_candidates(pg_store *s, bands *b, const uint64_t *keys,
                                size_t n, pg_keyvec *out, pg_error *err)
{
    pg_buf ids = PG_BUF_INIT;
    pg_err e = PG_OK;
    if (pg_store_in_write(s) && b->empty)
        return PG_OK;
    for (size_t i = 0; i < n && e == PG_OK; i++)
        e = bucket_texts(s, b, keys[i], &ids, err);
    long long *v = (long long *)(void *)ids.data;
    size_t nv = ids.len / sizeof *v;
    if (nv > 1)
        qsort(v, nv, sizeof *v, id_order);
    for (size_t i = 0; i < nv && e == PG_OK; i++) {
        if (i > 0 && v[i] == v[i - 1])
            continue;
        pg_stmt *st = pgb_stmt(s, b, BS_KEY_OF_ID, err);
        if (st == NULL) {
            e = PG_ERR_DB;
            break;
        }
        int rc = 0;
        pg_stmt_bind_int(st, 1, v[i], &rc);
        e = collect_keys(s, st, rc, out, err);
    }
    pg_buf_release(&ids);
    return e;
}

/* The pending texts under any of the keys. */
static pg_err pending_candidates(const bands *b, const uint64_t *keys, size_t n,
                                 pg_keyvec *out)
{
    if (b->n_pairs == 0)
        return PG_OK;
    for (size_t i = 0; i < n; i++) {
        size_t taken = 0;
        for (uint32_t j = b->heads[pgb_hash_slot(b, keys[i])];
             j != NONE && taken < BAND_FANOUT_MAX; j = b->pairs[j].next) {
            if (b->pairs[j].band != keys[i])
                continue;
            taken++;
            if (pg_keyvec_push(out, b->texts[b->pairs[j].text].key) != PG_OK)
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

pg_err pg_bands_candidates(pg_store *s, pg_key self, pg_key norm_key,
                           const uint64_t *keys, size_t n, pg_keyvec *out,
                           pg_error *err)
{
    unsigned char kb[16];
    size_t from = out->n;
    bands *b = NULL;
    pg_stmt *st = NULL;
    pg_err e = pgb_of(s, &b, err);
    if (e == PG_OK && (st = pgb_stmt(s, b, BS_NORM_TEXTS, err)) == NULL)
        e = PG_ERR_DB;
    if (e != PG_OK)
        return e;
    int rc = 0;
    pg_stmt_bind_key(st, 1, norm_key, kb, &rc);
    e = collect_keys(s, st, rc, out, err);
    if (n > PG_BANDS_MAX)
        n = PG_BANDS_MAX;
    if (e == PG_OK)
        e = merged_candidates(s, b, keys, n, out, err);
    if (e == PG_OK && pending_candidates(b, keys, n, out) != PG_OK)
        e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (e == PG_OK)
        unique_keys(out, from, self);
    return e;
}
