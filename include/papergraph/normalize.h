/*
** normalize.h: text keys for matching, display text, URL canonicalisation.
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
#ifndef PAPERGRAPH_NORMALIZE_H
#define PAPERGRAPH_NORMALIZE_H

#include <stddef.h>
#include "papergraph/buf.h"
#include "papergraph/error.h"

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

#endif
