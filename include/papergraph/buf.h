/*
** buf.h: a growable byte buffer, the one string builder used everywhere.
**
** The bytes are always NUL-terminated after a successful append (data may be
** NULL while cap is 0).  The caller owns the struct and releases it with
** pg_buf_release(); pg_buf_detach() hands the memory to the caller, who then
** frees it with free().
*/
#ifndef PAPERGRAPH_BUF_H
#define PAPERGRAPH_BUF_H

#include <stddef.h>
#include "papergraph/error.h"

typedef struct pg_buf {
    char *data;
    size_t len;
    size_t cap;
} pg_buf;

#define PG_BUF_INIT { NULL, 0, 0 }

void pg_buf_init(pg_buf *b);
/* Frees the memory and re-initialises b.  NULL is a no-op. */
void pg_buf_release(pg_buf *b);
/* Empties b and keeps its memory for reuse. */
void pg_buf_reset(pg_buf *b);
/* Makes room for extra more bytes plus the terminator. */
pg_err pg_buf_reserve(pg_buf *b, size_t extra);
pg_err pg_buf_append(pg_buf *b, const void *p, size_t n);
pg_err pg_buf_puts(pg_buf *b, const char *s);
pg_err pg_buf_putc(pg_buf *b, char c);
pg_err pg_buf_printf(pg_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Returns the bytes (never NULL: "" when empty) and re-initialises b; the
 * caller frees the result with free().  Returns NULL only when out of memory. */
char *pg_buf_detach(pg_buf *b);

#endif
