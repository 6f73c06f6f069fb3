/*
** base.h: what every part of the library and its callers share: the error
** codes and messages, the growable byte buffer, and content keys (XXH3).
*/
#ifndef PAPERGRAPH_BASE_H
#define PAPERGRAPH_BASE_H

/*
** Errors: the one error enum of papergraph and the message buffer that goes
** with it.
**
** Every library function that can fail returns a pg_err and, when given a
** non-NULL pg_error, fills it with a one-line message that names the file and
** line where that makes sense ("day.txt:12: ...").  The library never prints
** and never exits: only the command-line front turns codes into messages and
** exit statuses.
*/

#include <stddef.h>

typedef enum pg_err {
    PG_OK = 0,
    PG_DONE,            /* an iterator has no more items: not a failure */
    PG_ERR_NOMEM,       /* allocation failed */
    PG_ERR_IO,          /* open, read or write failed (missing file, directory...) */
    PG_ERR_NOT_TEXT,    /* input is binary, not UTF-8 text */
    PG_ERR_FORMAT,      /* input is text but cannot be used as the format asked for */
    PG_ERR_TOO_LONG,    /* a line or field is longer than the documented limit */
    PG_ERR_DB,          /* the database engine failed */
    PG_ERR_NOT_PG_DB,   /* the file exists but is not a papergraph database */
    PG_ERR_DB_VERSION,  /* the database was written by a newer papergraph */
    PG_ERR_USAGE,       /* an argument is out of range or malformed */
    PG_ERR_NOT_FOUND,   /* the thing asked for does not exist */
    PG_ERR_GRAPH,       /* the graph library failed */
    PG_ERR_INTERNAL     /* a bug: an invariant did not hold */
} pg_err;

/* Caller-owned; no cleanup needed.  msg is always NUL-terminated. */
typedef struct pg_error {
    pg_err code;
    char msg[512];
} pg_error;

/* Static English description of a code; never NULL. */
const char *pg_strerror(pg_err code);

/* Sets e (if non-NULL) to code with a printf-style message and returns code,
 * so that callers can write `return pg_error_set(err, PG_ERR_IO, ...)`.
 * A message longer than the buffer is cut at a UTF-8 boundary. */
pg_err pg_error_set(pg_error *e, pg_err code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Resets e to PG_OK with an empty message.  NULL is a no-op. */
void pg_error_clear(pg_error *e);

/* A warning about input that was used anyway (repaired bytes, a skipped
 * entry).  file is the name given when the input was opened, line is 1-based
 * (0 when no line applies), msg is one line without the location. */
typedef void (*pg_warn_fn)(void *ctx, const char *file, long line, const char *msg);

/*
** Buffers: a growable byte buffer, the one string builder used everywhere.
**
** The bytes are always NUL-terminated after a successful append (data may be
** NULL while cap is 0).  The caller owns the struct and releases it with
** pg_buf_release(); pg_buf_detach() hands the memory to the caller, who then
** frees it with free().
*/

#include <stddef.h>

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

/*
** Keys: content keys and hashes (XXH3), the only door to xxHash.
**
** A pg_key is a 128-bit XXH3 digest.  It identifies raw entry texts, their
** normalised forms and whole input files.  Paper ids are the first 64 bits of
** a key written as 16 lower-case hex digits, so they depend on content only.
*/

#include <stddef.h>
#include <stdint.h>

typedef struct pg_key {
    uint64_t hi;
    uint64_t lo;
} pg_key;

#define PG_KEY_HEX 33       /* 32 hex digits + NUL */
#define PG_ID_HEX 17        /* 16 hex digits + NUL: a paper id */

/* XXH3-128 of p[0..n). */
pg_key pg_key_of(const void *p, size_t n);
/* XXH3-64 of p[0..n) with a seed. */
uint64_t pg_hash64(const void *p, size_t n, uint64_t seed);

int pg_key_cmp(pg_key a, pg_key b);             /* <0, 0, >0 like memcmp */
int pg_key_is_zero(pg_key k);
void pg_key_to_bytes(pg_key k, unsigned char out[16]);     /* big-endian */
pg_key pg_key_from_bytes(const unsigned char in[16]);
void pg_key_to_hex(pg_key k, char out[PG_KEY_HEX]);
/* The paper id form: the high 64 bits as 16 hex digits. */
void pg_key_to_id(pg_key k, char out[PG_ID_HEX]);
/* Parses 32 hex digits; returns PG_ERR_USAGE on anything else. */
pg_err pg_key_from_hex(const char *hex, pg_key *out);

/* Streaming XXH3-128 over a sequence of updates (a whole file). */
typedef struct pg_hasher pg_hasher;
pg_err pg_hasher_new(pg_hasher **out);          /* PG_ERR_NOMEM */
void pg_hasher_update(pg_hasher *h, const void *p, size_t n);
pg_key pg_hasher_digest(const pg_hasher *h);    /* does not end the stream */
void pg_hasher_free(pg_hasher *h);              /* NULL is a no-op */

#endif
