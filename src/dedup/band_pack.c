/*
** band_pack.c: the stored form of a band bucket (a band_buckets row) and
** its form in memory, and the one-time conversion of the buckets a
** schema-7 database stored.
**
** A bucket holds the (band, text id) pairs whose band keys share their top
** BUCKET_BITS bits.  Stored (schema 8), it is a run of groups in increasing
** band order, one per distinct band:
**
**   rest    REST_BYTES bytes, little-endian: the band's low 48 bits (its
**           top 16 are the bucket's number)
**   count   varint, >= 1: texts under the band
**   ids     count varints: the first text id, then each id's difference
**           from the one before (ids increase, so each difference >= 1)
**
** Varints are LEB128 (7 bits a byte, low first).  Every band and id is kept
** whole, so a bucket reads back exactly the pairs written.  Schema 7 stored
** each pair as two little-endian 64-bit words (16 bytes); a band shared by
** a few variants of one paper now costs its 6 bytes once and each text id
** two or three bytes.
**
** A merge decodes a bucket into two arrays, the bands and the ids (bands.h);
** lookups keep it in its stored form with a skip index (a kept bucket): a
** binary search over every KEPT_SKIP-th group's band, then at most
** KEPT_SKIP groups decoded.
*/
#include <stdlib.h>
#include <string.h>

#include "dedup/bands.h"

pg_err pgb_bucket_alloc(bucket *bk, size_t n)
{
    *bk = (bucket){ NULL, NULL, 0 };
    if (n == 0)
        return PG_OK;
    const size_t pair = sizeof(uint64_t) + sizeof(long long);
    if (n > SIZE_MAX / pair)
        return PG_ERR_NOMEM;
    uint64_t *p = malloc(n * pair);
    if (p == NULL)
        return PG_ERR_NOMEM;
    bk->bands = p;
    bk->ids = (long long *)(void *)(p + n);
    bk->n = n;
    return PG_OK;
}

void pgb_bucket_free(bucket *bk)
{
    free(bk->bands);
    *bk = (bucket){ NULL, NULL, 0 };
}

static size_t put_varint(unsigned char *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

/* Reads a varint at *at (below len); 0 when it runs past len or 64 bits. */
static int get_varint(const unsigned char *p, size_t len, size_t *at, uint64_t *v)
{
    /* On a local: p may alias *at, so every store to *at would make the
     * next byte's read wait for it. */
    size_t a = *at;
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64 && a < len; shift += 7) {
        unsigned char c = p[a++];
        r |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *at = a;
            *v = r;
            return 1;
        }
    }
    return 0;
}

/* Steps *at past n varints without decoding them: 0 when they run past
 * len or one is longer than 64 bits (as get_varint). */
static int skip_varints(const unsigned char *p, size_t len, size_t *at, uint64_t n)
{
    size_t a = *at, in = 0;
    while (n > 0) {
        if (a >= len || in == 10)
            return 0;
        if (p[a++] & 0x80) {
            in++;
        } else {
            in = 0;
            n--;
        }
    }
    *at = a;
    return 1;
}

/* The low REST_BYTES bytes of a band, little-endian at p. */
static uint64_t rest_at(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
           (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40;
}
_Static_assert(REST_BYTES == 6, "rest_at reads six bytes");

pg_err pgb_bucket_pack(const bucket *bk, pg_buf *out)
{
    /* At most: a group per pair, each its rest, a count and an id. */
    if (pg_buf_reserve(out, bk->n * (REST_BYTES + 20)) != PG_OK)
        return PG_ERR_NOMEM;
    unsigned char *p = (unsigned char *)out->data + out->len;
    size_t w = 0;
    for (size_t i = 0; i < bk->n;) {
        size_t j = i + 1;
        while (j < bk->n && bk->bands[j] == bk->bands[i])
            j++;
        for (int b = 0; b < REST_BYTES; b++)
            p[w++] = (unsigned char)(bk->bands[i] >> (8 * b));
        w += put_varint(p + w, j - i);
        w += put_varint(p + w, (uint64_t)bk->ids[i]);
        for (size_t k = i + 1; k < j; k++)
            w += put_varint(p + w, (uint64_t)bk->ids[k] - (uint64_t)bk->ids[k - 1]);
        i = j;
    }
    out->len += w;
    out->data[out->len] = '\0';
    return PG_OK;
}

/* Reads at *at the band and the count of a group of the bucket whose top
 * bits are top, checking that it follows the group before (band last;
 * first 1 for the bucket's first group).  0 when it is malformed: cut
 * short, a count of 0, bands out of order. */
static inline int group_band(const unsigned char *p, size_t len, size_t *at, uint64_t top,
                             int first, uint64_t last, uint64_t *band, uint64_t *count)
{
    /* On locals, as get_varint: a lookup steps over most groups here. */
    size_t a = *at;
    uint64_t b, n;
    if (len - a < REST_BYTES)
        return 0;
    b = top | rest_at(p + a);
    a += REST_BYTES;
    if (!(first || b > last) || !get_varint(p, len, &a, &n) || n == 0 || n > len)
        return 0;
    *at = a;
    *band = b;
    *count = n;
    return 1;
}

/* group_band, then the group's first id. */
static int group_head(const unsigned char *p, size_t len, size_t *at, uint64_t top,
                      int first, uint64_t last, uint64_t *band, uint64_t *count,
                      uint64_t *id)
{
    return group_band(p, len, at, top, first, last, band, count) &&
           get_varint(p, len, at, id);
}

/* Reads at *at the next id of a group into *id: 0 when it is malformed
 * (cut short, a delta of 0 or one past 64 bits). */
static int group_next(const unsigned char *p, size_t len, size_t *at, uint64_t *id)
{
    uint64_t d = 0;
    if (!get_varint(p, len, at, &d) || d == 0 || *id + d < *id)
        return 0;
    *id += d;
    return 1;
}

/* Walks the groups of p[0..len): counts the pairs into *n and the groups
 * into *groups; when bk is not NULL (room for *n pairs) fills it, and when
 * kb is not NULL (an index of room) records every KEPT_SKIP-th group in
 * it.  0 when p is malformed (group_head, group_next). */
static int walk(const unsigned char *p, size_t len, size_t i, bucket *bk, kept *kb,
                size_t *n, size_t *groups)
{
    size_t at = 0, k = 0, g = 0;
    uint64_t top = (uint64_t)i << (64 - BUCKET_BITS), band = 0;
    while (at < len) {
        uint64_t count = 0, id = 0;
        size_t from = at;
        if (!group_head(p, len, &at, top, g == 0, band, &band, &count, &id))
            return 0;
        if (kb != NULL && g % KEPT_SKIP == 0) {
            pgb_kept_skip_band(kb)[g / KEPT_SKIP] = band;
            pgb_kept_skip_off(kb)[g / KEPT_SKIP] = (uint32_t)from;
        }
        g++;
        for (uint64_t c = 0; c < count; c++) {
            if (c > 0 && !group_next(p, len, &at, &id))
                return 0;
            if (bk != NULL) {
                bk->bands[k] = band;
                bk->ids[k] = (long long)id;
            }
            k++;
        }
    }
    *n = k;
    *groups = g;
    return 1;
}

pg_err pgb_bucket_unpack(const unsigned char *p, size_t len, size_t i, bucket *out)
{
    size_t n = 0, g = 0;
    *out = (bucket){ NULL, NULL, 0 };
    if (!walk(p, len, i, NULL, NULL, &n, &g))
        return PG_ERR_FORMAT;
    pg_err e = pgb_bucket_alloc(out, n);
    if (e == PG_OK && n > 0)
        walk(p, len, i, out, NULL, &n, &g);
    return e;
}

pg_err pgb_bucket_count(const unsigned char *p, size_t len, size_t i, size_t *n)
{
    size_t g = 0;
    *n = 0;
    return walk(p, len, i, NULL, NULL, n, &g) ? PG_OK : PG_ERR_FORMAT;
}

pg_err pgb_bucket_find(const unsigned char *p, size_t len, size_t i, uint64_t band,
                       long long *ids, size_t room, size_t *got)
{
    size_t at = 0;
    uint64_t top = (uint64_t)i << (64 - BUCKET_BITS), b = 0;
    *got = 0;
    /* A bucket read once is searched in place, most of it groups before
     * band's: those are stepped over undecoded, their ids only checked to
     * end inside the bucket (a merge's walk checks the rest). */
    for (int first = 1; at < len; first = 0) {
        uint64_t count = 0, id = 0;
        if (!group_band(p, len, &at, top, first, b, &b, &count))
            return PG_ERR_FORMAT;
        if (b > band)
            return PG_OK;       /* groups are in band order */
        if (b < band) {
            if (!skip_varints(p, len, &at, count))
                return PG_ERR_FORMAT;
            continue;
        }
        if (!get_varint(p, len, &at, &id))
            return PG_ERR_FORMAT;
        for (uint64_t c = 0; c < count; c++) {
            if (c > 0 && !group_next(p, len, &at, &id))
                return PG_ERR_FORMAT;
            if (*got < room)
                ids[(*got)++] = (long long)id;
        }
        return PG_OK;
    }
    return PG_OK;
}

/* ---- a kept bucket ----------------------------------------------------- */

pg_err pgb_kept_make(const unsigned char *p, size_t len, size_t i, kept *out)
{
    size_t n = 0, g = 0;
    memset(out, 0, sizeof *out);
    if (len > UINT32_MAX)
        return PG_ERR_FORMAT;
    if (len == 0)
        return walk(p, len, i, NULL, NULL, &n, &g) ? PG_OK : PG_ERR_FORMAT;
    /* One walk, which both checks the bucket and indexes it, into room for
     * as many groups as len could hold (each at least a rest, a count and
     * an id); the offsets are then moved down to follow the bands used. */
    size_t most = len / (REST_BYTES + 2) + 1;
    size_t n_skip = (most + KEPT_SKIP - 1) / KEPT_SKIP;
    size_t at_index = (len + 7) & ~(size_t)7;
    size_t size = at_index + n_skip * (sizeof(uint64_t) + sizeof(uint32_t));
    unsigned char *m = size <= UINT32_MAX ? malloc(size) : NULL;
    if (m == NULL)
        return PG_ERR_NOMEM;
    memcpy(m, p, len);
    out->p = m;
    out->len = (uint32_t)len;
    out->size = (uint32_t)size;
    out->n_skip = (uint32_t)n_skip;
    if (!walk(m, len, i, NULL, out, &n, &g)) {
        pgb_kept_free(out);
        return PG_ERR_FORMAT;
    }
    size_t used = (g + KEPT_SKIP - 1) / KEPT_SKIP;
    uint32_t *off = pgb_kept_skip_off(out);
    out->n_skip = (uint32_t)used;
    memmove(pgb_kept_skip_off(out), off, used * sizeof *off);
    return PG_OK;
}

void pgb_kept_free(kept *k)
{
    free(k->p);
    memset(k, 0, sizeof *k);
}

size_t pgb_kept_seek(const kept *k, uint64_t band)
{
    size_t lo = 0, hi = k->n_skip;
    while (lo < hi) {           /* past the last indexed group at or below band */
        size_t mid = lo + (hi - lo) / 2;
        if (pgb_kept_skip_band(k)[mid] <= band)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? SIZE_MAX : pgb_kept_skip_off(k)[lo - 1];
}

size_t pgb_kept_find(const kept *k, size_t i, uint64_t band, long long *ids, size_t room)
{
    size_t at = pgb_kept_seek(k, band);
    if (at == SIZE_MAX)
        return 0;
    /* The stored form was checked when kept: the walk needs no checks. */
    const unsigned char *p = k->p;
    uint64_t top = (uint64_t)i << (64 - BUCKET_BITS);
    for (int g = 0; g < KEPT_SKIP && at < k->len; g++) {
        uint64_t b = top | rest_at(p + at), count = 0, id = 0, d = 0;
        at += REST_BYTES;
        get_varint(p, k->len, &at, &count);
        if (b > band)
            return 0;
        if (b == band) {
            size_t w = 0;
            get_varint(p, k->len, &at, &id);
            for (uint64_t c = 0; c < count && w < room; c++) {
                if (c > 0)
                    get_varint(p, k->len, &at, &d);
                id += d;
                ids[w++] = (long long)id;
            }
            return w;
        }
        skip_varints(p, k->len, &at, count);
    }
    return 0;
}

/* ---- schema 7's buckets ------------------------------------------------ */

static int pair_cmp(const void *a, const void *b)
{
    const band_pair *x = a, *y = b;
    if (x->band != y->band)
        return x->band < y->band ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* Writes one schema-7 bucket (p[0..len), 16-byte pairs) in the new form. */
static pg_err repack_one(pg_store *s, band_index *b, long long i, const unsigned char *p,
                         size_t len, pg_buf *out, pg_error *err)
{
    size_t n = len / 16, w = 0;
    band_pair *v = malloc((n ? n : 1) * sizeof *v);
    bucket bk;
    if (v == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) {
        v[k].band = pgb_get_le64(p + 16 * k);
        v[k].id = (long long)pgb_get_le64(p + 16 * k + 8);
    }
    /* Schema 7 kept them in this order already, but the new form requires
     * it, so it is made sure of rather than assumed. */
    qsort(v, n, sizeof *v, pair_cmp);
    pg_err e = pgb_bucket_alloc(&bk, n);
    for (size_t k = 0; e == PG_OK && k < n; k++) {
        if (w > 0 && bk.bands[w - 1] == v[k].band && bk.ids[w - 1] == v[k].id)
            continue;
        if (pgb_bucket_of(v[k].band) != (size_t)i)
            continue;           /* cannot be found under this bucket anyway */
        bk.bands[w] = v[k].band;
        bk.ids[w++] = v[k].id;
    }
    free(v);
    bk.n = w;
    pg_buf_reset(out);
    if (e == PG_OK)
        e = pgb_bucket_pack(&bk, out);
    pgb_bucket_free(&bk);
    if (e != PG_OK)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (w == 0)
        return PG_OK;
    pg_stmt *st = pgb_stmt(s, b, BS_BUCKET_PUT, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = 0;
    pg_stmt_bind_int(st, 1, i, &rc);
    pg_stmt_bind_blob(st, 2, out->data, out->len, &rc);
    return pg_stmt_exec(s, st, rc, "cannot convert band keys", err);
}

pg_err pgb_repack_v7(pg_store *s, band_index *b, pg_error *err)
{
    pg_stmt *st = pgb_stmt(s, b, BS_OLD_TABLE, err);
    if (st == NULL)
        return PG_ERR_DB;
    int row = 0;
    pg_err e = pg_stmt_step(s, st, 0, &row, "cannot read the schema", err);
    pg_stmt_done(st);
    if (e != PG_OK || !row) {
        b->repacked = e == PG_OK;
        return e;
    }
    pg_buf out = PG_BUF_INIT;
    if ((st = pgb_stmt(s, b, BS_OLD_BUCKETS, err)) == NULL)
        return PG_ERR_DB;
    e = pg_stmt_step(s, st, 0, &row, "cannot read band keys", err);
    for (; e == PG_OK && row;
         e = pg_stmt_step(s, st, 0, &row, "cannot read band keys", err)) {
        size_t n = 0;
        const unsigned char *p = pg_stmt_blob(st, 1, &n);
        e = repack_one(s, b, pg_stmt_int(st, 0), p, n, &out, err);
        if (e != PG_OK)
            break;
    }
    pg_stmt_done(st);
    pg_buf_release(&out);
    if (e == PG_OK)
        e = pg_store_exec(s, "DROP TABLE band_buckets_v7", "cannot convert band keys", err);
    b->repacked = e == PG_OK;
    return e;
}
