/*
** url_find.c: finding URLs in free text (pg_urls_extract): where one
** starts, how much text it covers, and reporting each canonical form once.
**
** A URL starts at "http://" or "https://" (any case), "www.", a bare
** "github.com/", "gitlab.com/", "huggingface.co/", "hf.co/", "arxiv.org/",
** "doi.org/", "dx.doi.org/", or a DOI introduced by "doi:" or "DOI ", and
** not inside a word, a host or a path.  It ends where pgi_url_span() says
** (url.c), and a "{...}" glued to its end is LaTeX debris (a label, or the
** same link again) that is skipped whole.  What is reported is the
** canonical form (pgi_url_canon), once per text.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/internal.h"

static unsigned char to_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

static int is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}


/* The canonical URLs seen so far, for de-duplication: an open-addressing
 * hash set of offsets into one buffer. */
typedef struct url_set {
    pg_buf text;        /* the URLs, each NUL-terminated */
    size_t *slots;      /* 1 + offset into text; 0 marks a free slot */
    size_t cap;         /* a power of two, or 0 */
    size_t count;
} url_set;

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;     /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3u;
    }
    return h;
}

static size_t *set_find(const url_set *set, const char *s, size_t n)
{
    size_t mask = set->cap - 1;
    for (size_t i = (size_t)hash_bytes(s, n) & mask;; i = (i + 1) & mask) {
        size_t *slot = &set->slots[i];
        if (*slot == 0)
            return slot;
        const char *t = set->text.data + *slot - 1;
        if (strlen(t) == n && memcmp(t, s, n) == 0)
            return slot;
    }
}

static pg_err set_grow(url_set *set)
{
    size_t cap = set->cap ? set->cap * 2 : 16;
    size_t *old = set->slots, old_cap = set->cap;
    set->slots = calloc(cap, sizeof *set->slots);
    if (set->slots == NULL) {
        set->slots = old;
        return PG_ERR_NOMEM;
    }
    set->cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i] == 0)
            continue;
        const char *t = set->text.data + old[i] - 1;
        *set_find(set, t, strlen(t)) = old[i];
    }
    free(old);
    return PG_OK;
}

/* Adds s[0..n) unless present; *added tells which. */
static pg_err set_add(url_set *set, const char *s, size_t n, int *added)
{
    *added = 0;
    if (set->count * 2 >= set->cap && set_grow(set) != PG_OK)
        return PG_ERR_NOMEM;
    size_t *slot = set_find(set, s, n);
    if (*slot != 0)
        return PG_OK;
    size_t at = set->text.len;
    if (pg_buf_append(&set->text, s, n) != PG_OK
        || pg_buf_putc(&set->text, '\0') != PG_OK)
        return PG_ERR_NOMEM;
    *slot = at + 1;
    set->count++;
    *added = 1;
    return PG_OK;
}

static void set_release(url_set *set)
{
    pg_buf_release(&set->text);
    free(set->slots);
}

/* Where a URL may not start: inside a word, a host or a path. */
static int glued(const char *text, size_t at)
{
    if (at == 0)
        return 0;
    unsigned char c = (unsigned char)text[at - 1];
    return is_alnum(c) || c == '.' || c == '-' || c == '_' || c == '@' || c == '/';
}

enum { FOUND_NONE, FOUND_WEB, FOUND_DOI };

/* Bare host names that start a URL without a scheme. */
static const struct { const char *name; size_t len; } bare_hosts[] = {
    { "www.", 4 }, { "github.com/", 11 }, { "gitlab.com/", 11 },
    { "huggingface.co/", 15 }, { "hf.co/", 6 }, { "arxiv.org/", 10 },
    { "doi.org/", 8 }, { "dx.doi.org/", 11 },
};

/* What starts at text[at]; *skip is the length of a "doi:" prefix.  Called
 * at every byte of every new text: the first two letters rule out nearly
 * every position before any prefix is compared. */
static int url_start(const char *text, size_t len, size_t at, size_t *skip)
{
    const char *s = text + at;
    size_t n = len - at;
    *skip = 0;
    unsigned char c0 = to_lower((unsigned char)s[0]);
    switch (c0) {
    case 'h': case 'w': case 'g': case 'a': case 'd':
        break;
    default:
        return FOUND_NONE;
    }
    if (n < 4 || (at > 0 && is_alnum((unsigned char)text[at - 1])))
        return FOUND_NONE;
    unsigned char c1 = to_lower((unsigned char)s[1]);
    if (c0 == 'h' && c1 == 't' &&
        (pgt_starts_with(s, n, "https://") || pgt_starts_with(s, n, "http://")))
        return FOUND_WEB;
    if (glued(text, at))
        return FOUND_NONE;
    for (size_t i = 0; i < sizeof bare_hosts / sizeof bare_hosts[0]; i++)
        if (c0 == (unsigned char)bare_hosts[i].name[0]
            && c1 == (unsigned char)bare_hosts[i].name[1]
            && n > bare_hosts[i].len && pgt_starts_with(s, n, bare_hosts[i].name))
            return FOUND_WEB;
    if (c0 == 'd' && c1 == 'o' && (*skip = pgi_doi_prefix(s, n)) > 0)
        return FOUND_DOI;
    return FOUND_NONE;
}

/* Length of a "{...}" at s[0..n) to skip, 0 when it is not one; a short
 * bound keeps a text full of unclosed braces linear. */
static size_t brace_group(const char *s, size_t n)
{
    int depth = 0;
    for (size_t i = 0; i < n && i < 256; i++) {
        depth += (s[i] == '{') - (s[i] == '}');
        if (depth == 0)
            return i + 1;
    }
    return 0;
}

typedef struct extractor {
    pg_buf cur;         /* the canonical form of the URL at hand */
    url_set seen;
    pg_url_fn fn;
    void *ctx;
    int stop;           /* fn asked to stop */
} extractor;

/* Canonicalises the URL at text[at..] and reports it when new; returns the
 * length of text it covered. */
static pg_err take_url(extractor *x, const char *text, size_t len, size_t at,
                       int kind, size_t skip, size_t *used)
{
    const char *s = text + at + skip;
    size_t n = len - at - skip;
    size_t end = skip + pgi_url_span(s, n);
    pg_buf_reset(&x->cur);
    pg_err rc = pgi_url_canon(kind == FOUND_DOI, s, n, &x->cur);
    *used = end > 0 ? end : 1;
    if (at + end < len && text[at + end] == '{')
        *used += brace_group(text + at + end, len - at - end);
    if (rc == PG_ERR_FORMAT)
        return PG_OK;
    int added = 0;
    if (rc == PG_OK)
        rc = set_add(&x->seen, x->cur.data, x->cur.len, &added);
    if (rc == PG_OK && added)
        x->stop = x->fn(x->ctx, x->cur.data, x->cur.len) != 0;
    return rc;
}

pg_err pg_urls_extract(const char *text, size_t len, pg_url_fn fn, void *ctx)
{
    extractor x = { PG_BUF_INIT, { PG_BUF_INIT, NULL, 0, 0 }, fn, ctx, 0 };
    pg_err rc = PG_OK;
    size_t i = 0;
    while (i < len && rc == PG_OK && !x.stop) {
        size_t skip, used;
        int kind = url_start(text, len, i, &skip);
        if (kind == FOUND_NONE) {
            /* Nothing starts right after a letter or digit (url_start):
             * the rest of a word is passed over. */
            if (is_alnum((unsigned char)text[i]))
                while (i + 1 < len && is_alnum((unsigned char)text[i + 1]))
                    i++;
            i++;
            continue;
        }
        rc = take_url(&x, text, len, i, kind, skip, &used);
        i += used;
    }
    pg_buf_release(&x.cur);
    set_release(&x.seen);
    return rc;
}
