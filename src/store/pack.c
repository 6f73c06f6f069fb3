/*
** pack.c: abstracts stored zstd-compressed when that pays: the packer (also
** used ahead of the store by ingesters, on other threads), binding an
** abstract in the form it is stored in, and reading it back.
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

const char *pgs_col_abstract(pg_store *s, sqlite3_stmt *st, int i, pg_buf *scratch)
{
    if (sqlite3_column_type(st, i) != SQLITE_BLOB)
        return pgs_col_str(st, i);
    const void *z = sqlite3_column_blob(st, i);
    size_t zn = (size_t)sqlite3_column_bytes(st, i);
    unsigned long long n = ZSTD_getFrameContentSize(z, zn);
    pg_buf_reset(scratch);
    /* A frame that does not say its size, or lies, is not one of ours. */
    if (n == ZSTD_CONTENTSIZE_UNKNOWN || n == ZSTD_CONTENTSIZE_ERROR ||
        n > ((size_t)1 << 30) || pg_buf_reserve(scratch, (size_t)n) != PG_OK)
        return NULL;
    if (s->dctx == NULL && (s->dctx = ZSTD_createDCtx()) == NULL)
        return NULL;
    size_t got = ZSTD_decompressDCtx(s->dctx, scratch->data, (size_t)n + 1, z, zn);
    if (ZSTD_isError(got) || got != n || memchr(scratch->data, 0, got) != NULL)
        return NULL;
    scratch->len = got;
    scratch->data[got] = '\0';
    return scratch->data;
}

void pgs_pack_free(pg_store *s)
{
    pg_buf_release(&s->zbuf);
    pg_packer_free(s->packer);
    s->packer = NULL;
    ZSTD_freeDCtx(s->dctx);
    s->dctx = NULL;
}
