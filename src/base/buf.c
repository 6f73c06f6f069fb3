/*
** buf.c: the growable byte buffer (see buf.h), and the one growth rule of
** every growable array (pg_grow).
*/
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "papergraph/base.h"
#include "base/internal.h"

pg_err pg_grow(void **v, size_t *cap, size_t want, size_t size)
{
    if (want <= *cap)
        return PG_OK;
    size_t c = *cap ? *cap : 16;
    while (c < want) {
        if (c > SIZE_MAX / 2 / size)
            return PG_ERR_NOMEM;
        c *= 2;
    }
    void *p = realloc(*v, c * size);
    if (p == NULL)
        return PG_ERR_NOMEM;
    *v = p;
    *cap = c;
    return PG_OK;
}

void pg_buf_init(pg_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void pg_buf_release(pg_buf *b)
{
    if (b == NULL)
        return;
    free(b->data);
    pg_buf_init(b);
}

void pg_buf_reset(pg_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

pg_err pg_buf_reserve(pg_buf *b, size_t extra)
{
    if (extra > (size_t)-1 / 2 - b->len)
        return PG_ERR_NOMEM;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return PG_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (p == NULL)
        return PG_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return PG_OK;
}

pg_err pg_buf_append(pg_buf *b, const void *p, size_t n)
{
    pg_err rc = pg_buf_reserve(b, n);
    if (rc != PG_OK)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return PG_OK;
}

pg_err pg_buf_puts(pg_buf *b, const char *s)
{
    return pg_buf_append(b, s, strlen(s));
}

pg_err pg_buf_putc(pg_buf *b, char c)
{
    return pg_buf_append(b, &c, 1);
}

pg_err pg_buf_printf(pg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return PG_ERR_INTERNAL;
    pg_err rc = pg_buf_reserve(b, (size_t)n);
    if (rc != PG_OK)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return PG_OK;
}

char *pg_buf_detach(pg_buf *b)
{
    char *p = b->data;
    if (p == NULL && (p = calloc(1, 1)) == NULL)
        return NULL;
    pg_buf_init(b);
    return p;
}
