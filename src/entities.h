/*
** entities.h: character-level decoding shared by normalize.c and url.c
** (internal, not installed).
**
** Texts come from web pages, so a character can be written three ways: as
** UTF-8 bytes, as a numeric character reference ("&#233;", "&#xE9;") or as
** a named one ("&eacute;").  These functions turn any of them into one code
** point, never read past the length they are given and never fail: what
** cannot be decoded is reported as such (0 bytes) or as U+FFFD.
**
** Internal names use the pgi_ prefix; only pg_ names are public.
*/
#ifndef PG_ENTITIES_H
#define PG_ENTITIES_H

#include <stddef.h>
#include <stdint.h>

#define PGI_REPLACEMENT 0xFFFDu

/* When s[0..len) starts with a character reference terminated by ';'
 * ("&amp;", "&#39;", "&#x2019;"), stores its code point in *cp and returns
 * the reference's length in bytes; returns 0 (and leaves *cp alone) when it
 * does not, so that the caller keeps the '&' as written.  Numeric references
 * to 0, to a surrogate or beyond U+10FFFF give U+FFFD; 128..159 are read as
 * Windows-1252, as browsers do ("&#146;" is a right quote). */
size_t pgi_entity_decode(const char *s, size_t len, uint32_t *cp);

/* Decodes the UTF-8 sequence at s[0..len), len >= 1, and stores its length
 * in *n.  An invalid, overlong, truncated or surrogate sequence gives U+FFFD
 * with *n = 1, so that decoding resynchronises on the next byte. */
uint32_t pgi_utf8_decode(const char *s, size_t len, size_t *n);

/* Writes cp as UTF-8 into out (room for 4 bytes) and returns the byte count;
 * an invalid code point is written as U+FFFD. */
size_t pgi_utf8_encode(uint32_t cp, char *out);

/* The next character of s[0..len), len >= 1: a character reference when one
 * starts there, else a UTF-8 sequence.  *n receives the bytes it took. */
uint32_t pgi_char_next(const char *s, size_t len, size_t *n);

#endif
