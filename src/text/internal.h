/*
** text/internal.h: normalising text, decoding entities, canonical URLs.
*/
#ifndef PG_TEXT_INTERNAL_H
#define PG_TEXT_INTERNAL_H

#include "papergraph/base.h"
#include "base/internal.h"

/*
** Normalising: text keys for matching, display text, URL canonicalisation.
**
** Keys are what two spellings of the same paper have in common: Unicode NFKC,
** case folding and accent stripping (utf8proc), HTML entities decoded, LaTeX
** remnants reduced to their text, dashes and quotes unified, punctuation
** dropped and all white space (NBSP included) collapsed to one ASCII space.
** A key is lower-case words separated by single spaces, with no leading or
** trailing space.  Display text keeps the original characters.
**
** All functions append to a caller-owned pg_buf and return PG_OK, or
** PG_ERR_NOMEM.  Input must be valid UTF-8 (readers guarantee it); invalid
** bytes are treated as U+FFFD rather than failing.
*/

#include <stddef.h>

/* Appends the matching key of s[0..len) to out.  The key of a text cut off
 * and marked ("...", "…") is a prefix of the full text's key.  A text with
 * no letter or digit has an empty key: callers must not take two empty keys
 * for a match. */
pg_err pg_normalize_key(const char *s, size_t len, pg_buf *out);

/* Appends display text: entities decoded, control characters dropped, white
 * space runs (NBSP included) collapsed to one space, trimmed.  Characters,
 * case and punctuation are kept. */
pg_err pg_normalize_display(const char *s, size_t len, pg_buf *out);

/* 1 when the text ends as a cut-off abstract does ("...", "…", "[...]",
 * "(...)", "[…]", "(…)", "&hellip;"),
 * ignoring trailing white space; 0 otherwise. */
int pg_text_is_truncated(const char *s, size_t len);

/* Appends the canonical spelling of one URL: scheme and host lower-cased,
 * http -> https, "www." dropped, trailing . , ; ) / and ".git" removed,
 * markdown doubles ("u](u") and LaTeX debris ("{codes}") cut,
 * github.com/Owner/Repo/... reduced to https://github.com/owner/repo,
 * DOIs (doi.org, dx.doi.org) lower-cased as https://doi.org/10....
 * Returns PG_ERR_FORMAT (out unchanged) when what is left is not a URL with a
 * host. */
pg_err pg_url_normalize(const char *url, size_t len, pg_buf *out);

/* Calls fn once for every distinct canonical URL found in text, in order of
 * first appearance.  A URL is recognised where "http://", "https://",
 * "www.", a bare "github.com/", "gitlab.com/", "huggingface.co/", "hf.co/",
 * "arxiv.org/", "doi.org/", or "doi:"/"DOI " begins.  Returns PG_OK (also
 * when fn asked to stop) or PG_ERR_NOMEM.  url is NUL-terminated and valid only during the call.
 * A non-zero return from fn stops the scan (and is not an error). */
typedef int (*pg_url_fn)(void *ctx, const char *url, size_t len);
pg_err pg_urls_extract(const char *text, size_t len, pg_url_fn fn, void *ctx);

/* Shared by url.c (one URL) and url_find.c (URLs in text). */

/* Length of the URL that starts at s[0..len): it ends at white space, a
 * control character, < > " { } \ | ^ `, a "](", an unbalanced ) or ], a
 * character reference to anything but '&', or a non-ASCII character that
 * is not a letter, digit or mark. */
size_t pgi_url_span(const char *s, size_t len);

/* Length of a "doi:", "doi: " or "DOI " prefix before a "10." at s[0..n);
 * 0 when there is none. */
size_t pgi_doi_prefix(const char *s, size_t n);

/* Appends the canonical form of the URL (with doi set: of the DOI) that
 * starts at s[0..n) and ends where pgi_url_span() says.  PG_ERR_FORMAT (out
 * unchanged) when there is none, else PG_OK or PG_ERR_NOMEM. */
pg_err pgi_url_canon(int doi, const char *s, size_t n, pg_buf *out);

/*
** Character references (entities.c), shared by normalize.c and url.c.  UTF-8
** itself is decoded and encoded by base/utf8.c (pgr_utf8_decode,
** pgr_utf8_encode in base/internal.h).
**
** Texts come from web pages, so a character can be written three ways: as
** UTF-8 bytes, as a numeric character reference ("&#233;", "&#xE9;") or as
** a named one ("&eacute;").  These functions turn any of them into one code
** point, never read past the length they are given and never fail: what
** cannot be decoded is reported as such (0 bytes) or as U+FFFD.
**
** Internal names use the pgi_ prefix; only pg_ names are public.
*/

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

/* The next character of s[0..len), len >= 1: a character reference when one
 * starts there, else a UTF-8 sequence.  *n receives the bytes it took. */
uint32_t pgi_char_next(const char *s, size_t len, size_t *n);

/* 1 when s[0..len) starts with lit (lower-case ASCII), ignoring ASCII case
 * (url.c). */
int pgt_starts_with(const char *s, size_t len, const char *lit);

#endif
