/*
** pack.c: abstracts stored zstd-compressed when that pays: the packer (also
** used ahead of the store by ingesters, on other threads, and by the dedup
** stage for the texts it keeps), binding an abstract in the form it is
** stored in, and reading it back.
**
** The column's type says which form a row holds (TEXT as it is, or a BLOB
** holding a zstd frame), so databases written before compression (or by
** hand) read the same.
*/
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "store/db.h"

/* Abstracts shorter than this are stored as they are: a zstd frame has a
 * fixed cost that short text cannot repay. */
#define COMPRESS_MIN 128
#define ZSTD_LEVEL 1        /* higher levels gain little on abstracts for much more time */

struct pg_packer {
    ZSTD_CCtx *z;
    ZSTD_DCtx *d;           /* made on first pg_abstract_unpack */
};

pg_err pg_packer_new(pg_packer **out)
{
    pg_packer *p = calloc(1, sizeof *p);
    if (p != NULL && (p->z = ZSTD_createCCtx()) == NULL) {
        free(p);
        p = NULL;
    }
    *out = p;
    return p != NULL ? PG_OK : PG_ERR_NOMEM;
}

void pg_packer_free(pg_packer *p)
{
    if (p == NULL)
        return;
    ZSTD_freeCCtx(p->z);
    ZSTD_freeDCtx(p->d);
    free(p);
}

/* The one decision of which form an abstract is stored in, for the store
 * and for ingesters packing ahead: a frame only when long enough and
 * smaller (text also when memory is short: both forms read the same). */
void pg_abstract_pack(pg_packer *p, const char *abstract, size_t n,
                      pg_buf *out, int *compressed)
{
    *compressed = 0;
    if (n < COMPRESS_MIN)
        return;
    size_t bound = ZSTD_compressBound(n);
    if (pg_buf_reserve(out, bound) != PG_OK)
        return;
    size_t len = ZSTD_compressCCtx(p->z, out->data + out->len, bound, abstract, n,
                                   ZSTD_LEVEL);
    if (ZSTD_isError(len) || len >= n)
        return;
    out->len += len;
    out->data[out->len] = '\0';
    *compressed = 1;
}

/* Binds an abstract: as TEXT when short or incompressible, else as a BLOB
 * holding a zstd frame.  The column's type says which, so databases written
 * before compression (or by hand) read the same. */
void pgs_bind_abstract(pg_store *s, sqlite3_stmt *st, int i, const pg_text *t,
                       int *rc)
{
    if (*rc != SQLITE_OK)
        return;
    if (t->prepacked && t->packed != NULL) {
        *rc = sqlite3_bind_blob(st, i, t->packed, (int)t->packed_len, SQLITE_STATIC);
        return;
    }
    /* Without a packer (out of memory) the abstract is stored as text. */
    if (!t->prepacked && t->abstract_len >= COMPRESS_MIN && s->packer == NULL)
        pg_packer_new(&s->packer);
    int packed = 0;
    pg_buf_reset(&s->zbuf);
    if (!t->prepacked && s->packer != NULL)
        pg_abstract_pack(s->packer, t->abstract, t->abstract_len, &s->zbuf, &packed);
    if (packed)
        *rc = sqlite3_bind_blob(st, i, s->zbuf.data, (int)s->zbuf.len, SQLITE_STATIC);
    else
        pgs_bind_text(st, i, t->abstract, t->abstract_len, rc);
}

/* Decompresses the frame z[0..zn) into out (replacing what it held), with
 * *dctx (made on first use); PG_ERR_FORMAT when it is not a frame of ours,
 * PG_ERR_NOMEM. */
static pg_err unpack(ZSTD_DCtx **dctx, const void *z, size_t zn, pg_buf *out)
{
    unsigned long long n = ZSTD_getFrameContentSize(z, zn);
    pg_buf_reset(out);
    /* A frame that does not say its size, or lies, is not one of ours. */
    if (n == ZSTD_CONTENTSIZE_UNKNOWN || n == ZSTD_CONTENTSIZE_ERROR || n > ((size_t)1 << 30))
        return PG_ERR_FORMAT;
    if (pg_buf_reserve(out, (size_t)n) != PG_OK)
        return PG_ERR_NOMEM;
    if (*dctx == NULL && (*dctx = ZSTD_createDCtx()) == NULL)
        return PG_ERR_NOMEM;
    size_t got = ZSTD_decompressDCtx(*dctx, out->data, (size_t)n + 1, z, zn);
    if (ZSTD_isError(got) || got != n || memchr(out->data, 0, got) != NULL)
        return PG_ERR_FORMAT;
    out->len = got;
    out->data[got] = '\0';
    return PG_OK;
}

pg_err pg_abstract_unpack(pg_packer *p, const void *z, size_t zn, pg_buf *out)
{
    return unpack(&p->d, z, zn, out);
}

const char *pgs_col_abstract(pg_store *s, sqlite3_stmt *st, int i, pg_buf *scratch)
{
    if (sqlite3_column_type(st, i) != SQLITE_BLOB)
        return pgs_col_str(st, i);
    const void *z = sqlite3_column_blob(st, i);
    size_t zn = (size_t)sqlite3_column_bytes(st, i);
    ZSTD_DCtx *d = s->dctx;
    pg_err e = unpack(&d, z, zn, scratch);
    s->dctx = d;
    return e == PG_OK ? scratch->data : NULL;
}

void pgs_pack_free(pg_store *s)
{
    pg_buf_release(&s->zbuf);
    pg_packer_free(s->packer);
    s->packer = NULL;
    ZSTD_freeDCtx(s->dctx);
    s->dctx = NULL;
}
