/*
** url.c: the canonical spelling of one URL (pg_url_normalize).
**
** Two papers are linked when they point to the same repository, DOI or page.
** Abstracts write links loosely: a sentence's period glued on
** ("https://github.com/Brain-Cog-Lab/IEMF."), ".git", a trailing slash,
** http against https, "www.", markdown doubles
** ("https://github.com/x/y](https://github.com/x/y)"), LaTeX debris
** ("https://github.com/qiuzh20/gated_attention{codes}", "\url{...}"), deep
** links into a repository ("/tree/main/src"), DOIs in any case.  The
** canonical spelling removes the differences that do not change what is
** pointed to:
**
**   - the scheme is https, the host lower case without "www." or a default
**     port, the fragment is gone, and so are tracking parameters (utm_*,
**     fbclid, gclid); other parameters stay, in order;
**   - trailing . , ; : ' " ! ? * & / and ".git" are cut, repeatedly, and the
**     URL ends before a closing bracket that does not close anything inside
**     it (a Wikipedia URL may end in a balanced ")");
**   - github.com and gitlab.com links become the repository (or the owner
**     when there is no repository), lower-cased because those hosts ignore
**     case there; raw.githubusercontent.com maps to its repository;
**   - huggingface.co (and hf.co) keeps the repository id: /owner/name,
**     /datasets/owner/name, /spaces/owner/name, lower-cased;
**   - DOIs become https://doi.org/ plus the lower-cased DOI (DOIs ignore
**     case), whether written as a doi.org or dx.doi.org link, "doi:10.x/y",
**     "DOI 10.x/y" or a bare "10.x/y" given to pg_url_normalize; a
**     doi.org link to anything that is not a DOI once cut ("doi.org//#")
**     is an ordinary link;
**   - arXiv abstract, PDF and HTML links become https://arxiv.org/abs/ID
**     without the version;
**   - percent escapes keep their meaning and get upper-case hex digits;
**     an '&' written as character references ("&amp;", an HTML-escaped
**     page, "&amp;amp;" one escaped twice, "&#38;") is read as '&' by
**     every rule, decoded to the end in one pass, and written as "&"
**     ("%26" in the lower-cased repository and DOI forms, where
**     lower-casing "&Eacute" would make an entity of it); other paths keep
**     their case.
**
** A canonical URL is its own canonical form: every cut (a query, a
** fragment, a path reduced to its repository) makes a new end, which is
** cleaned like the original one.  The unit tests check it on every row.
**
** Only http and https URLs are accepted; a host must look like one (letters,
** digits, '-', dots, at least one dot, a plausible last label).
**
** A URL ends at white space (Unicode included), a control character,
** < > " { } \ | ^ `, a "](", an unbalanced ) or ], a character reference
** other than one to '&', or a non-ASCII character that is not a letter,
** digit or mark (a closing curly quote, "…"): pgi_url_span(), which
** url_find.c uses too.  Finding URLs in free text is url_find.c's job.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "text/internal.h"

/* ------------------------------------------------------------------ */
/* Character helpers                                                   */

static unsigned char to_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_hex(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Declared in text/internal.h; url_find.c uses it too. */
int pgt_starts_with(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    if (len < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (to_lower((unsigned char)s[i]) != (unsigned char)lit[i])
            return 0;
    return 1;
}

/* 1 when s[0..len) is lit, ignoring ASCII case. */
static int equals(const char *s, size_t len, const char *lit)
{
    return len == strlen(lit) && pgt_starts_with(s, len, lit);
}

static int ends_with(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len >= n && pgt_starts_with(s + len - n, n, lit);
}

/* Non-ASCII characters that may be part of a URL: letters, digits, marks
 * (an IRI path in any script).  Punctuation and spaces end it. */
static int url_letter(uint32_t cp)
{
    utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO);
}

/* ------------------------------------------------------------------ */
/* Where a URL ends                                                    */

/* See text/internal.h. */
size_t pgi_url_span(const char *s, size_t len)
{
    int paren = 0, square = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t n = 1;
        uint32_t cp;
        if (c <= 0x20 || c == 0x7F)
            return i;
        switch (c) {
        case '<': case '>': case '"': case '{': case '}': case '\\':
        case '|': case '^': case '`':
            return i;
        case '(':
            paren++;
            break;
        case ')':
            if (paren-- == 0)
                return i;
            break;
        case '[':
            square++;
            break;
        case ']':
            if (square-- == 0 || (i + 1 < len && s[i + 1] == '('))
                return i;
            break;
        case '&':
            /* "&quot;" or "&gt;" in an escaped page ends a URL as the
             * character would; "&amp;" is a query separator. */
            if ((n = pgi_entity_decode(s + i, len - i, &cp)) == 0)
                n = 1;
            else if (cp != '&')
                return i;
            break;
        default:
            if (c >= 0x80 && !url_letter(pgr_utf8_decode(s + i, len - i, &n)))
                return i;
            break;
        }
        i += n;
    }
    return i;
}

/* Cuts what sentences and markup glue to the end of s[0..n), a URL or a
 * part of one; ".git" only when it starts at git_at or later (inside the
 * path: "https://my.git" is a host).  Returns the new length.  Unbalanced
 * closing brackets need no test here: pgi_url_span() has already stopped
 * before them. */
static size_t strip_tail(const char *s, size_t n, size_t git_at)
{
    for (;;) {
        if (n == 0)
            return 0;
        char c = s[n - 1];
        if (c != '\0' && strchr(".,;:'\"!?*/&", c) != NULL) {
            n--;
        } else if (n >= 4 && n - 4 >= git_at && ends_with(s, n, ".git")) {
            n -= 4;
        } else {
            return n;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

/* Copies s[0..n) to out: percent escapes with upper-case hex digits,
 * everything else lower-cased when lower is set.  Lower-cased text writes
 * '&' as "%26": "&Eacute;" must not turn into an entity. */
static pg_err put_text(pg_buf *out, const char *s, size_t n, int lower)
{
    pg_err rc = pg_buf_reserve(out, n);
    for (size_t i = 0; i < n && rc == PG_OK; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%' && i + 2 < n && is_hex((unsigned char)s[i + 1])
            && is_hex((unsigned char)s[i + 2])) {
            char esc[3] = { '%', s[i + 1], s[i + 2] };
            esc[1] = (char)(esc[1] >= 'a' ? esc[1] - ('a' - 'A') : esc[1]);
            esc[2] = (char)(esc[2] >= 'a' ? esc[2] - ('a' - 'A') : esc[2]);
            rc = pg_buf_append(out, esc, 3);
            i += 2;
        } else if (c == '&' && lower) {
            rc = pg_buf_append(out, "%26", 3);
        } else {
            rc = pg_buf_putc(out, (char)(lower ? to_lower(c) : c));
        }
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* Parts of a URL                                                      */

#define HOST_MAX 253

typedef struct url_parts {
    char host[HOST_MAX + 1];    /* lower case, no "www.", no trailing dot */
    size_t host_len;
    const char *port;           /* digits, not a default port; NULL if none */
    size_t port_len;
    const char *path;           /* "" or starting with '/' */
    size_t path_len;
    const char *query;          /* after '?', before '#'; NULL if none */
    size_t query_len;
} url_parts;

/* The next non-empty path segment at or after *pos; 0 when none is left. */
static int next_segment(const char *p, size_t n, size_t *pos,
                        const char **seg, size_t *seg_len)
{
    size_t i = *pos;
    while (i < n && p[i] == '/')
        i++;
    size_t start = i;
    while (i < n && p[i] != '/')
        i++;
    *pos = i;
    *seg = p + start;
    *seg_len = i - start;
    return i > start;
}

/* A host label's characters.  Non-ASCII bytes (IDN) are let through as
 * written. */
static int host_char(unsigned char c)
{
    return is_alnum(c) || c == '-' || c == '.' || c >= 0x80;
}

/* The last label must look like a top-level domain, or the host be an
 * IPv4 address: "2.1" in "version 2.1" is not a host. */
static int host_plausible(const char *h, size_t n)
{
    if (n == 0 || h[0] == '.' || memchr(h, '.', n) == NULL)
        return 0;
    size_t dots = 0, digits_only = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)h[i];
        if (!host_char(c) || (c == '.' && (i + 1 == n || h[i + 1] == '.')))
            return 0;
        dots += c == '.';
        digits_only &= is_digit(c) || c == '.';
    }
    if (digits_only)
        return dots == 3;
    size_t tld = n;
    while (h[tld - 1] != '.')
        tld--;
    unsigned char t0 = (unsigned char)h[tld];
    return n - tld >= 2 && (t0 >= 0x80 || (t0 >= 'a' && t0 <= 'z'));
}

static pg_err parse_host(url_parts *u, const char *s, size_t n)
{
    if (n > HOST_MAX)
        return PG_ERR_FORMAT;
    for (size_t i = 0; i < n; i++)
        u->host[i] = (char)to_lower((unsigned char)s[i]);
    while (n > 0 && u->host[n - 1] == '.')
        n--;
    size_t skip = 0;
    while (n - skip > 4 && memcmp(u->host + skip, "www.", 4) == 0
           && memchr(u->host + skip + 4, '.', n - skip - 4) != NULL)
        skip += 4;
    memmove(u->host, u->host + skip, n - skip);
    u->host_len = n - skip;
    u->host[u->host_len] = '\0';
    return host_plausible(u->host, u->host_len) ? PG_OK : PG_ERR_FORMAT;
}

/* Splits s[0..n) (scheme removed) into its parts. */
static pg_err parse_url(url_parts *u, const char *s, size_t n)
{
    size_t a = 0;
    while (a < n && s[a] != '/' && s[a] != '?' && s[a] != '#')
        a++;
    if (memchr(s, '@', a) != NULL)
        return PG_ERR_FORMAT;   /* user info: not something papers link to */
    const char *colon = memchr(s, ':', a);
    size_t host_n = colon ? (size_t)(colon - s) : a;
    u->port = NULL;
    if (colon != NULL) {
        const char *p = colon + 1;
        size_t pn = a - host_n - 1;
        for (size_t i = 0; i < pn; i++)
            if (!is_digit((unsigned char)p[i]))
                return PG_ERR_FORMAT;
        while (pn > 0 && *p == '0') {
            p++;
            pn--;
        }
        if (pn > 0 && !equals(p, pn, "80") && !equals(p, pn, "443")) {
            u->port = p;
            u->port_len = pn;
        }
    }
    pg_err rc = parse_host(u, s, host_n);
    if (rc != PG_OK)
        return rc;
    size_t q = a;
    while (q < n && s[q] != '?' && s[q] != '#')
        q++;
    u->path = s + a;
    u->path_len = q - a;
    u->query = NULL;
    if (q < n && s[q] == '?') {
        size_t f = q + 1;
        while (f < n && s[f] != '#')
            f++;
        u->query = s + q + 1;
        u->query_len = f - q - 1;
    }
    return PG_OK;
}

/* ------------------------------------------------------------------ */
/* Canonical forms                                                     */

static int is_doi(const char *s, size_t n);

static int tracking_param(const char *p, size_t n)
{
    return pgt_starts_with(p, n, "utm_") || equals(p, n, "fbclid") || equals(p, n, "gclid");
}

/* The query without tracking parameters; nothing when none is left. */
static pg_err put_query(pg_buf *out, const char *q, size_t n)
{
    pg_err rc = PG_OK;
    int first = 1;
    size_t i = 0;
    while (i < n && rc == PG_OK) {
        size_t j = i;
        while (j < n && q[j] != '&')
            j++;
        size_t name = i;
        while (name < j && q[name] != '=')
            name++;
        if (j > i && !tracking_param(q + i, name - i)) {
            rc = pg_buf_putc(out, first ? '?' : '&');
            if (rc == PG_OK)
                rc = put_text(out, q + i, j - i, 0);
            first = 0;
        }
        i = j + 1;
    }
    return rc;
}

/* Dropping a query or a fragment makes a new end, which gets the same
 * treatment as the original one, so that a canonical URL is its own
 * canonical form.  start is where the path begins in out; git_at is as for
 * strip_tail(), relative to start. */
static void strip_output(pg_buf *out, size_t start, size_t git_at)
{
    out->len = start + strip_tail(out->data + start, out->len - start, git_at);
    out->data[out->len] = '\0';
}

/* The next path segment that is not empty once cut like the end of a URL
 * ("repo.git" is "repo", "..." is nothing); 0 when none is left.  Every
 * reading of segments goes through here, so that a second pass over a
 * canonical URL sees the segments the first pass wrote. */
static int next_clean_segment(const char *p, size_t n, size_t *pos,
                              const char **seg, size_t *seg_len)
{
    while (next_segment(p, n, pos, seg, seg_len)) {
        *seg_len = strip_tail(*seg, *seg_len, 0);
        if (*seg_len > 0)
            return 1;
    }
    return 0;
}

/* Appends "/seg" for at most max segments of the path, lower-cased; stops
 * early at a segment in stop_words (a sub-page such as "tree" or GitLab's
 * "-") once min segments are out.  Each segment is cut like the end of a
 * URL ("repo.git", "repo.") before anything looks at it, so that the result
 * is its own canonical form. */
static pg_err put_segments(pg_buf *out, const char *p, size_t n, size_t max,
                           size_t min, const char *const *stop_words)
{
    pg_err rc = PG_OK;
    size_t pos = 0, count = 0, seg_len;
    const char *seg;
    while (count < max && rc == PG_OK
           && next_clean_segment(p, n, &pos, &seg, &seg_len)) {
        int stop = 0;
        for (size_t i = 0; stop_words && stop_words[i] && count >= min; i++)
            stop |= equals(seg, seg_len, stop_words[i]);
        if (stop)
            break;
        rc = pg_buf_putc(out, '/');
        if (rc == PG_OK)
            rc = put_text(out, seg, seg_len, 1);
        count++;
    }
    return rc;
}

/* Any other host: the path keeps its case, the query its parameters. */
static pg_err put_generic(pg_buf *out, const url_parts *u)
{
    size_t n = u->path_len;
    while (n > 0 && u->path[n - 1] == '/')
        n--;
    pg_err rc = pg_buf_puts(out, "https://");
    if (rc == PG_OK)
        rc = pg_buf_append(out, u->host, u->host_len);
    if (rc == PG_OK && u->port != NULL)
        rc = pg_buf_putc(out, ':');
    if (rc == PG_OK && u->port != NULL)
        rc = pg_buf_append(out, u->port, u->port_len);
    size_t path_at = out->len;
    if (rc == PG_OK)
        rc = put_text(out, u->path, n, 0);
    if (rc == PG_OK && u->query != NULL)
        rc = put_query(out, u->query, u->query_len);
    if (rc == PG_OK)
        strip_output(out, path_at, 1);  /* "/a.?utm_source=x", "?q=a.#frag" */
    return rc;
}

static pg_err put_github(pg_buf *out, const url_parts *u)
{
    size_t pos = 0, len;
    const char *seg;
    pg_err rc = pg_buf_puts(out, "https://github.com");
    if (rc != PG_OK || !next_clean_segment(u->path, u->path_len, &pos, &seg, &len))
        return rc;
    /* github.com/orgs/NAME is the owner's page. */
    if (equals(seg, len, "orgs") || equals(seg, len, "users")) {
        size_t at = out->len;
        rc = put_segments(out, u->path + pos, u->path_len - pos, 1, 0, NULL);
        if (rc != PG_OK || out->len > at)
            return rc;
    }
    return put_segments(out, u->path, u->path_len, 2, 0, NULL);
}

/* raw.githubusercontent.com/OWNER/REPO/BRANCH/FILE is a file of a repo. */
static pg_err put_github_raw(pg_buf *out, const url_parts *u)
{
    pg_err rc = pg_buf_puts(out, "https://github.com");
    if (rc == PG_OK)
        rc = put_segments(out, u->path, u->path_len, 2, 0, NULL);
    return rc;
}

static pg_err put_gitlab(pg_buf *out, const url_parts *u)
{
    /* Projects nest in groups, so the project path ends at "/-/" or, in
     * old links, at a sub-page name. */
    static const char *const sub_pages[] = {
        "-", "tree", "blob", "raw", "issues", "merge_requests", "commits", "commit",
        "wikis", "releases", "tags", "branches", "pipelines", "activity", NULL,
    };
    pg_err rc = pg_buf_puts(out, "https://gitlab.com");
    if (rc == PG_OK)
        rc = put_segments(out, u->path, u->path_len, 8, 2, sub_pages);
    return rc;
}

static pg_err put_huggingface(pg_buf *out, const url_parts *u)
{
    static const char *const site_pages[] = {
        "docs", "blog", "learn", "tasks", "collections", "organizations",
        "posts", "chat", "join", "login", "pricing", "settings", "enterprise",
        "api", "course", "search", "models", NULL,
    };
    size_t pos = 0, len, keep = 2;
    const char *seg;
    if (!next_clean_segment(u->path, u->path_len, &pos, &seg, &len))
        return pg_buf_puts(out, "https://huggingface.co");
    for (size_t i = 0; site_pages[i]; i++)
        if (equals(seg, len, site_pages[i]))
            return put_generic(out, u);
    if (equals(seg, len, "datasets") || equals(seg, len, "spaces"))
        keep = 3;
    pg_err rc = pg_buf_puts(out, "https://huggingface.co");
    if (rc == PG_OK)
        rc = put_segments(out, u->path, u->path_len, keep, 0, NULL);
    return rc;
}

/* "10.1016/j.x", lower-cased and cut like the end of a URL.  Returns
 * PG_ERR_FORMAT (out unchanged) when what is written is not a DOI ("10.1234/."
 * is cut to "10.1234"), so that only a DOI is ever written in the DOI form
 * and a second pass reads the same DOI back. */
static pg_err put_doi(pg_buf *out, const char *doi, size_t n)
{
    size_t at = out->len;
    pg_err rc = pg_buf_puts(out, "https://doi.org/");
    size_t start = out->len;
    if (rc == PG_OK)
        rc = put_text(out, doi, n, 1);
    if (rc != PG_OK)
        return rc;
    strip_output(out, start, 0);        /* "10.1/x.?q" */
    if (is_doi(out->data + start, out->len - start))
        return PG_OK;
    out->len = at;
    out->data[at] = '\0';
    return PG_ERR_FORMAT;
}

/* Length of the "vN" version at the end of an arXiv identifier. */
static size_t arxiv_version(const char *id, size_t n)
{
    size_t i = n;
    while (i > 0 && is_digit((unsigned char)id[i - 1]))
        i--;
    if (i < n && i >= 2 && (id[i - 1] == 'v' || id[i - 1] == 'V')
        && is_digit((unsigned char)id[i - 2]))
        return n - i + 1;
    return 0;
}

/* The identifier without version, ".pdf" or trailing junk, until nothing
 * changes ("v2.pdf/", "v2v3"); works on the written (lower-cased, escaped)
 * form so that writing it again finds nothing more to cut. */
static size_t arxiv_trim(const char *id, size_t n)
{
    for (size_t was = n + 1; was != n;) {
        was = n;
        n = strip_tail(id, n, 0);
        if (ends_with(id, n, ".pdf"))
            n -= 4;
        n -= arxiv_version(id, n);
    }
    return n;
}

static pg_err put_arxiv(pg_buf *out, const url_parts *u)
{
    static const char *const kinds[] = { "abs", "pdf", "html", "format", NULL };
    size_t pos = 0, len;
    const char *seg;
    if (!next_clean_segment(u->path, u->path_len, &pos, &seg, &len))
        return put_generic(out, u);
    for (size_t i = 0; kinds[i]; i++) {
        if (!equals(seg, len, kinds[i]))
            continue;
        const char *id = u->path + pos;
        size_t n = u->path_len - pos;
        while (n > 0 && *id == '/') {
            id++;
            n--;
        }
        size_t start = out->len;
        pg_err rc = pg_buf_puts(out, "https://arxiv.org/abs/");
        size_t id_at = out->len;
        if (rc == PG_OK)
            rc = put_text(out, id, n, 1);
        if (rc != PG_OK)
            return rc;
        out->len = id_at + arxiv_trim(out->data + id_at, out->len - id_at);
        if (out->len == id_at)
            out->len = start;   /* no identifier: an ordinary link */
        out->data[out->len] = '\0';
        if (out->len > start)
            return PG_OK;
        break;
    }
    return put_generic(out, u);
}

/* Dispatches on the host. */
static pg_err put_url(pg_buf *out, url_parts *u)
{
    if (u->port != NULL)
        return put_generic(out, u);
    if (equals(u->host, u->host_len, "hf.co")) {    /* Hugging Face's short domain */
        memcpy(u->host, "huggingface.co", sizeof "huggingface.co");
        u->host_len = strlen(u->host);
    }
    const char *h = u->host;
    size_t n = u->host_len;
    if (equals(h, n, "github.com"))
        return put_github(out, u);
    if (equals(h, n, "raw.githubusercontent.com"))
        return put_github_raw(out, u);
    if (equals(h, n, "gitlab.com"))
        return put_gitlab(out, u);
    if (equals(h, n, "huggingface.co"))
        return put_huggingface(out, u);
    if (equals(h, n, "arxiv.org") || equals(h, n, "export.arxiv.org"))
        return put_arxiv(out, u);
    if (equals(h, n, "doi.org") || equals(h, n, "dx.doi.org")) {
        /* Anything else on the DOI resolver ("doi.org//#") is an ordinary
         * link: the DOI form is kept for DOIs. */
        pg_err rc = u->path_len > 1 ? put_doi(out, u->path + 1, u->path_len - 1)
                                     : PG_ERR_FORMAT;
        if (rc != PG_ERR_FORMAT)
            return rc;
    }
    return put_generic(out, u);
}

/* ------------------------------------------------------------------ */
/* One URL                                                             */

/* 1 when s[0..n) is a DOI, "10.NNNN/x...".  Registrant codes have at
 * least four digits, which keeps "10.0.0.1/x" out. */
static int is_doi(const char *s, size_t n)
{
    if (!pgt_starts_with(s, n, "10."))
        return 0;
    size_t i = 3;
    while (i < n && is_digit((unsigned char)s[i]))
        i++;
    if (i < 7)
        return 0;
    while (i < n && (is_digit((unsigned char)s[i]) || s[i] == '.'))
        i++;
    return i + 1 < n && s[i] == '/';
}

/* Length of a "doi:", "doi: " or "DOI " prefix before a DOI. */
size_t pgi_doi_prefix(const char *s, size_t n)
{
    if (!pgt_starts_with(s, n, "doi") || n < 4 || (s[3] != ':' && s[3] != ' '))
        return 0;
    size_t i = 4;
    for (int spaces = 0; i < n && s[i] == ' ' && spaces < 3; spaces++)
        i++;
    return pgt_starts_with(s + i, n - i, "10.") ? i : 0;
}

/* Canonical form of the DOI at s[0..n), which ends where a URL would. */
static pg_err canon_doi(const char *s, size_t n, pg_buf *out)
{
    /* In the https://doi.org/ form a '?' or '#' would start a query or a
     * fragment, so the DOI ends there as it does in a link. */
    n = pgi_url_span(s, n);
    for (size_t i = 0; i < n; i++)
        if (s[i] == '?' || s[i] == '#')
            n = i;
    n = strip_tail(s, n, 0);
    if (!is_doi(s, n))
        return PG_ERR_FORMAT;
    return put_doi(out, s, n);
}

/* Canonical form of the URL at s[0..n), which starts with a scheme, "www."
 * or a host. */
static pg_err canon_web(const char *s, size_t n, pg_buf *out)
{
    n = pgi_url_span(s, n);
    size_t skip = pgt_starts_with(s, n, "https://") ? 8 : pgt_starts_with(s, n, "http://") ? 7
                : pgt_starts_with(s, n, "//") ? 2 : 0;
    s += skip;
    n -= skip;
    size_t path_at = 0;
    while (path_at < n && s[path_at] != '/' && s[path_at] != '?' && s[path_at] != '#')
        path_at++;
    if (skip == 0 && path_at > 0 && s[path_at - 1] == ':' && path_at + 1 < n
        && s[path_at] == '/' && s[path_at + 1] == '/')
        return PG_ERR_FORMAT;   /* "ftp://", "file://": not a web link */
    n = strip_tail(s, n, path_at + 1);
    url_parts u;
    pg_err rc = parse_url(&u, s, n);
    if (rc != PG_OK)
        return rc;
    size_t start = out->len;
    rc = put_url(out, &u);
    if (rc != PG_OK && out->data != NULL) {
        out->len = start;
        out->data[start] = '\0';
    }
    return rc;
}

/* Length of the '&' that starts s[0..n) when it is written as character
 * references, nested as in a page escaped twice or more ("&amp;",
 * "&amp;amp;", "&#38;amp;"); 0 when it is not written so. */
static size_t amp_entity(const char *s, size_t n)
{
    /* After each reference the '&' it stands for is put in front of what
     * follows, and decoding starts again there; a window long enough for
     * any reference the decoder takes keeps this free of copies of s. */
    char win[40];
    size_t used = 1;    /* the bytes of s that the '&' stands for, so far */
    for (;;) {
        size_t m = n - used < sizeof win - 1 ? n - used : sizeof win - 1;
        uint32_t cp;
        win[0] = '&';
        memcpy(win + 1, s + used, m);
        size_t k = pgi_entity_decode(win, m + 1, &cp);
        if (k == 0 || cp != '&')
            return used > 1 ? used : 0;
        used += k - 1;
    }
}

/* Copies s[0..n) to out with every '&' written as character references
 * decoded, in one pass to the end (a fixed point): nothing written contains
 * a reference to '&', so that canonicalising the result again finds the
 * same text.  Other references stay as written: pgi_url_span() ends a URL at
 * them. */
static pg_err decode_amps(const char *s, size_t n, pg_buf *out)
{
    pg_err rc = pg_buf_reserve(out, n);
    size_t i = 0;
    while (i < n && rc == PG_OK) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t plain = amp ? (size_t)(amp - (s + i)) : n - i;
        rc = pg_buf_append(out, s + i, plain);
        i += plain;
        if (i >= n || rc != PG_OK)
            break;
        size_t k = amp_entity(s + i, n - i);
        rc = pg_buf_putc(out, '&');
        i += k > 0 ? k : 1;
    }
    return rc;
}

/* Canonical form of the URL (or, with doi set, the DOI) that starts at
 * s[0..n).  Every rule reads the URL with its '&' references decoded, so
 * that a cut, a path segment or a host name is seen the same on the first
 * pass and on the canonical form. */
pg_err pgi_url_canon(int doi, const char *s, size_t n, pg_buf *out)
{
    pg_buf plain = PG_BUF_INIT;
    pg_err rc = PG_OK;
    n = pgi_url_span(s, n);
    if (memchr(s, '&', n) != NULL) {
        rc = decode_amps(s, n, &plain);
        if (rc != PG_OK)
            goto out;
        s = plain.data;
        n = plain.len;
    }
    rc = doi ? canon_doi(s, n, out) : canon_web(s, n, out);
out:
    pg_buf_release(&plain);
    return rc;
}

/* Skips what may wrap a single URL: white space, brackets and quotes,
 * "\url{", "\href{", and the "[text](" of a markdown link. */
static size_t skip_wrapper(const char *s, size_t n)
{
    size_t i = 0;
    for (;;) {
        while (i < n && s[i] != '\0' && strchr(" \t\r\n<([{\"'*", s[i]) != NULL)
            i++;
        if (pgt_starts_with(s + i, n - i, "\\url{"))
            i += 5;
        else if (pgt_starts_with(s + i, n - i, "\\href{"))
            i += 6;
        else
            break;
    }
    if (i > 0 && s[i - 1] == '[') {
        for (size_t j = i; j + 1 < n && s[j] != '\n'; j++)
            if (s[j] == ']' && s[j + 1] == '(')
                return j + 2;
    }
    return i;
}

pg_err pg_url_normalize(const char *url, size_t len, pg_buf *out)
{
    size_t i = skip_wrapper(url, len);
    size_t start = out->len;
    url += i;
    len -= i;
    size_t p = pgi_doi_prefix(url, len);
    pg_err rc;
    if (p > 0 || is_doi(url, pgi_url_span(url, len)))
        rc = pgi_url_canon(1, url + p, len - p, out);
    else
        rc = pgi_url_canon(0, url, len, out);
    if (rc != PG_OK && out->data != NULL) {
        out->len = start;
        out->data[start] = '\0';
    }
    return rc;
}
