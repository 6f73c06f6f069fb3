/*
** links.c: link evidence of the paper graph: each canonical URL of a paper
** yields up to two keys (the exact URL, and its GitHub owner or its host),
** the keys of all papers are hashed and sorted with their paper (an
** inverted index), and pairs are made only inside one key's posting list,
** weighted by rarity; a key too many papers share is skipped (see
** graph.h).  Also the evidence vector graph.c merges into edges.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "papergraph/base.h"
#include "papergraph/graph.h"
#include "graph/internal.h"

/* Link keys: an exact canonical URL, or the owner/host it lives under. */
enum { KEY_EXACT = 0, KEY_OWNER = 1, KEY_HOST = 2 };

/* Evidence strength of one shared key before rarity weighting: an exact URL
 * says "same artefact", an owner or host only "same group". */
static const double key_factor[] = { 1.0, 0.5, 0.5 };

/* Sites whose host says nothing about a project: many unrelated papers
 * point into them.  For these only the exact URL is a key (and not even
 * that for the bare site).  Sorted for bsearch.  The df cap catches the
 * ones missing here once N is large; this list matters for small N. */
static const char *const platform_hosts[] = {
    "aclanthology.org", "arxiv.org", "bit.ly", "colab.research.google.com",
    "dl.acm.org", "docs.google.com", "doi.org", "drive.google.com",
    "dx.doi.org", "gitlab.com", "huggingface.co",
    "ieeexplore.ieee.org", "kaggle.com", "link.springer.com", "medium.com",
    "openaccess.thecvf.com", "openreview.net", "paperswithcode.com",
    "proceedings.neurips.cc", "pypi.org", "sites.google.com", "twitter.com",
    "x.com", "youtu.be", "youtube.com", "zenodo.org",
};

typedef struct link_key {
    pg_key k;           /* XXH3-128 of "kind:text" */
    uint32_t node;
    uint32_t kind;
} link_key;

/* ------------------------------------------------------------------ */
/* Evidence                                                           */

pg_err pgg_ev_push(ev_vec *e, const evidence *x)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 1024;
        evidence *v = realloc(e->v, cap * sizeof *v);
        if (v == NULL)
            return PG_ERR_NOMEM;
        e->v = v;
        e->cap = cap;
    }
    e->v[e->n++] = *x;
    return PG_OK;
}

/* The most papers one link key may join.  A key above this is too common
 * to say anything (arxiv.org, a big GitHub organisation): it is skipped
 * rather than turned into a clique.  Above 5% of N or above 50 papers,
 * whichever is smaller, but never below 5 so that small graphs still link. */
static size_t link_df_cap(size_t n)
{
    size_t cap = n / 20;
    if (cap < 5)
        cap = 5;
    return cap > 50 ? 50 : cap;
}

static int cmp_str_ptr(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int is_platform_host(const char *host)
{
    return bsearch(&host, platform_hosts,
                   sizeof platform_hosts / sizeof platform_hosts[0],
                   sizeof platform_hosts[0], cmp_str_ptr) != NULL;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len > n && memcmp(s + len - n, suffix, n) == 0;
}

/* The keys of all papers, and a scratch buffer to spell one. */
typedef struct key_sink {
    link_key *keys;
    size_t n, cap;
    pg_buf tmp;
} key_sink;

static pg_err sink_add(key_sink *s, int kind, const char *p, size_t len,
                       uint32_t node)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        link_key *k = realloc(s->keys, cap * sizeof *k);
        if (k == NULL)
            return PG_ERR_NOMEM;
        s->keys = k;
        s->cap = cap;
    }
    pg_buf_reset(&s->tmp);
    pg_err rc = pg_buf_putc(&s->tmp, "uoh"[kind]);  /* kinds never match */
    if (rc == PG_OK)
        rc = pg_buf_append(&s->tmp, p, len);
    if (rc != PG_OK)
        return rc;
    s->keys[s->n].k = pg_key_of(s->tmp.data, s->tmp.len);
    s->keys[s->n].node = node;
    s->keys[s->n].kind = (uint32_t)kind;
    s->n++;
    return PG_OK;
}

/* Keys of one canonical URL ("https://host/rest"), see the file comment:
 * the exact URL unless it is a bare site, plus the group it belongs to:
 * the GitHub owner (github.com/OWNER/..., OWNER.github.io), else the host,
 * except for platform hosts. */
static pg_err url_keys(key_sink *s, const char *url, uint32_t node)
{
    const char *h = strstr(url, "://");
    char host[256];
    if (h == NULL)
        return PG_OK;
    h += 3;
    size_t hlen = strcspn(h, "/?#");
    const char *rest = h + hlen;
    if (hlen == 0 || hlen >= sizeof host)
        return PG_OK;
    memcpy(host, h, hlen);
    host[hlen] = '\0';

    int exact = rest[0] != '\0' && strcmp(rest, "/") != 0;
    int group = KEY_HOST;
    const char *gp = host;
    size_t glen = hlen;
    if (strcmp(host, "github.com") == 0) {
        gp = rest + (rest[0] == '/');
        glen = strcspn(gp, "/?#");
        if (glen == 0)
            return PG_OK;               /* github.com itself */
        const char *repo = gp + glen;   /* an owner page is not an artefact */
        exact = repo[0] == '/' && strcspn(repo + 1, "/?#") > 0;
        group = KEY_OWNER;
    } else if (ends_with(host, hlen, ".github.io")) {
        glen = strcspn(host, ".");
        group = KEY_OWNER;
    } else if (is_platform_host(host)) {
        group = -1;
    }
    pg_err rc = exact ? sink_add(s, KEY_EXACT, url, strlen(url), node) : PG_OK;
    if (rc == PG_OK && group >= 0)
        rc = sink_add(s, group, gp, glen, node);
    return rc;
}

static int cmp_link_key(const void *x, const void *y)
{
    const link_key *a = x, *b = y;
    int c = pg_key_cmp(a->k, b->k);
    if (c)
        return c;
    return (a->node > b->node) - (a->node < b->node);
}

/* Emits one evidence per pair of the posting list keys[0..df). */
static pg_err key_pairs(const link_key *keys, size_t df, size_t n, ev_vec *ev)
{
    double idf = log1p((double)n / (double)df) / log1p((double)n / 2.0);
    evidence e = { 0, 0, keys[0].kind == KEY_EXACT, 0.0f,
                   key_factor[keys[0].kind] * idf };
    for (size_t i = 0; i < df; i++) {
        for (size_t j = i + 1; j < df; j++) {
            e.a = keys[i].node;
            e.b = keys[j].node;
            if (pgg_ev_push(ev, &e) != PG_OK)
                return PG_ERR_NOMEM;
        }
    }
    return PG_OK;
}

/* Link evidence through the inverted index key -> papers (see the file
 * comment).  A paper naming one key twice counts once. */
pg_err pgg_link_evidence(const pg_graph_paper *papers, const size_t *order,
                            size_t n, ev_vec *ev, pg_error *err)
{
    pg_err rc = PG_OK;
    key_sink s = { NULL, 0, 0, PG_BUF_INIT };
    for (size_t i = 0; i < n && rc == PG_OK; i++) {
        const pg_graph_paper *p = &papers[order[i]];
        for (size_t u = 0; p->urls && u < p->n_urls && rc == PG_OK; u++)
            if (p->urls[u] != NULL)
                rc = url_keys(&s, p->urls[u], (uint32_t)i);
    }
    if (rc != PG_OK)
        goto out;
    if (s.n > 0)    /* qsort(NULL, 0) is undefined */
        qsort(s.keys, s.n, sizeof *s.keys, cmp_link_key);
    size_t m = 0;   /* drop repeated (key, paper) */
    for (size_t i = 0; i < s.n; i++)
        if (m == 0 || cmp_link_key(&s.keys[m - 1], &s.keys[i]) != 0)
            s.keys[m++] = s.keys[i];
    size_t cap = link_df_cap(n);
    for (size_t i = 0, j; i < m && rc == PG_OK; i = j) {
        for (j = i + 1; j < m && pg_key_cmp(s.keys[i].k, s.keys[j].k) == 0; j++)
            ;
        if (j - i >= 2 && j - i <= cap)
            rc = key_pairs(&s.keys[i], j - i, n, ev);
    }
out:
    free(s.keys);
    pg_buf_release(&s.tmp);
    return rc == PG_OK ? PG_OK : pg_error_set(err, rc, "out of memory");
}

