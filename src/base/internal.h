/*
** base/internal.h: UTF-8, the one decoder (utf8.c): checking and repairing
** it on the reading path, and single characters for the text stage.
**
** Every byte of input goes through here once, so the common case (a line
** that is already valid, mostly ASCII) is a word-at-a-time scan with no
** copy; only a line that needs repair is rewritten.  "Valid" is stricter
** than the encoding alone: a NUL byte is refused too, because records are C
** strings and a NUL would silently cut them.
**
** Repair follows the Unicode "maximal subpart" practice (the one WHATWG
** decoders use): each maximal prefix of a sequence that cannot be completed
** becomes one U+FFFD, so a truncated 3-byte character is one replacement
** and a stray continuation byte is one replacement.  Overlong forms,
** surrogates, code points above U+10FFFF and NUL are all replaced.
*/
#ifndef PG_UTF8_H
#define PG_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include "papergraph/base.h"

/* U+FFFD REPLACEMENT CHARACTER, encoded. */
#define PGR_UTF8_REPLACEMENT "\xEF\xBF\xBD"

/* Length of the longest prefix of s[0..n) that is valid UTF-8 without NUL;
 * n when the whole of it is. */
size_t pgr_utf8_valid_prefix(const char *s, size_t n);

/* Appends s[0..n) to out with every invalid sequence and every NUL replaced
 * by U+FFFD.  *bad (if non-NULL) receives the number of invalid sequences,
 * *nuls (if non-NULL) the number of NUL bytes.  PG_ERR_NOMEM on failure. */
pg_err pgr_utf8_repair(const char *s, size_t n, pg_buf *out, size_t *bad,
                       size_t *nuls);

/* For sniffing binary input: counts the bytes of s[0..n) that belong to
 * invalid sequences, NUL excluded.  When final is 0, a sequence cut short by
 * the end of the block is not counted (the next block may complete it).
 * *first (if non-NULL) receives the offset of the first invalid byte, or n. */
size_t pgr_utf8_invalid_bytes(const char *s, size_t n, int final,
                              size_t *first);

/* Decodes the character at s[0..n) (n >= 1) and stores its length in *len.
 * An invalid sequence (overlong, surrogate, beyond U+10FFFF, or cut short
 * by n) gives U+FFFD with *len the length of its maximal subpart, as
 * pgr_utf8_repair() counts it, so that decoding resynchronises where repair
 * would.  NUL decodes as 0. */
uint32_t pgr_utf8_decode(const char *s, size_t n, size_t *len);

/* Writes cp as UTF-8 into out (room for 4 bytes) and returns the byte
 * count; a surrogate or a value beyond U+10FFFF is written as U+FFFD. */
size_t pgr_utf8_encode(uint32_t cp, char *out);

/* ---- growable arrays (buf.c) ------------------------------------------- */

/* Makes *v, an array of *cap elements of size bytes each, hold at least want
 * of them, doubling its capacity (from 16) so that appending one at a time
 * costs amortised constant time.  *v and *cap are unchanged on
 * PG_ERR_NOMEM. */
pg_err pg_grow(void **v, size_t *cap, size_t want, size_t size);

/* ---- dates (date.c) ---------------------------------------------------- */

/* Writes "YYYY-MM-DD" into out, or as much of it as is valid: "" when y is
 * not in 1..9999, "YYYY" when m is not in 1..12, "YYYY-MM" when d is not in
 * 1..31 (the day is not checked against its month).  Returns the length. */
size_t pg_date_format(char out[11], int y, int m, int d);

/* ---- large arrays (mem.c) --------------------------------------------- */

/* As realloc, calloc and malloc (freed with free), for arrays that may be
 * several megabytes: those ask the kernel for huge pages before they are
 * touched (mem.c says why).  pg_mem_realloc keeps the first old bytes of p
 * (old: p's size, or less when only that much is in use). */
void *pg_mem_realloc(void *p, size_t old, size_t n);
void *pg_mem_calloc(size_t n, size_t size);
void *pg_mem_malloc(size_t n);
/* Asks for huge pages for the whole 2 MiB pages inside p[0..n), when n is
 * large; call it before the memory is first written. */
void pg_mem_advise(void *p, size_t n);

/* ---- sorting (sort.c) ------------------------------------------------- */

/* Sorts v[0..n) ascending, in place (a radix sort for a few hundred
 * values, else quicksort, insertion below 17). */
void pg_sort_u32(uint32_t *v, size_t n);
/* The same for 64-bit values and for text ids (quicksort only). */
void pg_sort_u64(uint64_t *v, size_t n);
void pg_sort_ll(long long *v, size_t n);

#endif
