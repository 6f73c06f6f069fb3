/*
** store_papers.c: reading papers back from the store: per-paper aggregates,
** the texts (variants) of a paper, their URLs, occurrences and matches,
** and every paper with its texts and URLs in one pass.
**
** A paper is the set of texts that share a clusters.paper_id; everything
** about it is aggregated over the occurrences of those texts at read time,
** so nothing derived can go stale when clusters merge.  The walk that wants
** only each paper's canonical text scans the tables once each and joins them
** in memory (see "canonical walk" below).
*/
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "papergraph/store.h"
#include "store/db.h"

/* Per-paper aggregates; ?1 = least days, ?2 = one paper id or NULL. */
#define PAPER_SQL(order) \
    "SELECT c.paper_id, count(o.line),"                                       \
    " count(DISTINCT nullif(o.day, '')) AS ndays,"                          \
    " min(nullif(o.day, '')), max(nullif(o.day, '')),"                      \
    " max(o.authors), min(o.pub_date), max(o.upvotes),"                     \
    " count(DISTINCT c.text_id) AS nvar"                                    \
    " FROM clusters AS c JOIN texts AS t ON t.id = c.text_id"               \
    " JOIN occurrences AS o ON o.text_id = t.id"                            \
    " WHERE ?2 IS NULL OR c.paper_id = ?2"                                  \
    " GROUP BY c.paper_id HAVING ndays >= ?1 ORDER BY " order

static const char *const paper_sql[] = {
    [PG_PAPERS_BY_ID] = PAPER_SQL("c.paper_id"),
    [PG_PAPERS_BY_REPEATS] = PAPER_SQL("ndays DESC, count(o.line) DESC, c.paper_id"),
    [PG_PAPERS_BY_FIRST_DAY] = PAPER_SQL("min(nullif(o.day, '')) IS NULL,"
                                         " min(nullif(o.day, '')), c.paper_id"),
};

static const char variants_sql[] =
    "SELECT t.key, t.title, t.abstract, t.truncated, count(o.line),"
    " max(o.upvotes), max(o.authors), min(nullif(o.day, '')), max(nullif(o.day, ''))"
    " FROM clusters AS c JOIN texts AS t ON t.id = c.text_id"
    " JOIN occurrences AS o ON o.text_id = t.id"
    " WHERE c.paper_id = ?1 GROUP BY t.id ORDER BY t.key";

static const char urls_sql[] =
    "SELECT DISTINCT u.url FROM clusters AS c JOIN texts AS t ON t.id = c.text_id"
    " JOIN text_urls AS u ON u.text_key = t.key WHERE c.paper_id = ?1 ORDER BY u.url";

static const char text_occ_sql[] =
    "SELECT f.path, o.line, o.day, o.day_label, c.paper_id, t.key, t.title,"
    " o.authors, o.upvotes, o.pub_date, o.date_raw, o.ext_id"
    " FROM texts AS t JOIN occurrences AS o ON o.text_id = t.id"
    " JOIN files AS f ON f.id = o.file_id"
    " LEFT JOIN clusters AS c ON c.text_id = t.id"
    " WHERE t.key = ?1 ORDER BY o.day, f.path, o.line";

/* Exact path first, then a unique path suffix at a '/' boundary. */
static const char find_occ_sql[] =
    "SELECT t.key, f.path FROM occurrences AS o JOIN files AS f ON f.id = o.file_id"
    " JOIN texts AS t ON t.id = o.text_id"
    " WHERE o.line = ?2 AND (f.path = ?1 OR (length(f.path) > length(?1)"
    "   AND substr(f.path, -length(?1)) = ?1"
    "   AND substr(f.path, -length(?1) - 1, 1) = '/'))"
    " ORDER BY f.path = ?1 DESC LIMIT 2";

static const char matches_sql[] =
    "SELECT ta.key, tb.key, m.rule, m.score FROM matches AS m"
    " JOIN texts AS ta ON ta.id = m.a JOIN texts AS tb ON tb.id = m.b"
    " JOIN clusters AS c ON c.text_id = m.a WHERE c.paper_id = ?1"
    " ORDER BY ta.key, tb.key";

/* Prepares sql for a walk (not kept: callbacks may start other walks). */
static sqlite3_stmt *prepare(pg_store *s, const char *sql, pg_error *err)
{
    sqlite3_stmt *st = NULL;
    /* Inside a write transaction, the papers it placed are rows too. */
    if (pgs_deferred_flush(s, err) != PG_OK)
        return NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        pgs_db_fail(s, rc, "cannot prepare a query", err);
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* Steps through st after its parameters are bound, calling row(st, ctx)
 * until it returns non-zero (then *stopped is 1, when stopped is not
 * NULL); then finalizes st. */
static pg_err step_rows(pg_store *s, sqlite3_stmt *st, int rc,
                        int (*row)(sqlite3_stmt *, void *), void *ctx, int *stopped,
                        const char *what, pg_error *err)
{
    pg_err e = PG_OK;
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    for (; rc == SQLITE_ROW; rc = sqlite3_step(st))
        if (row(st, ctx) != 0) {
            if (stopped != NULL)
                *stopped = 1;
            goto out;
        }
    if (rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, what, err);
out:
    sqlite3_finalize(st);
    return e;
}

/* step_rows for a caller that keeps in ctx why its callback stopped. */
static pg_err walk(pg_store *s, sqlite3_stmt *st, int rc, int (*row)(sqlite3_stmt *, void *),
                   void *ctx, const char *what, pg_error *err)
{
    return step_rows(s, st, rc, row, ctx, NULL, what, err);
}

/* The caller's callback of a walk, typed (ISO C has no generic function
 * pointer that converts to and from void *). */
typedef struct cb {
    pg_paper_row_fn paper;
    pg_variant_row_fn variant;
    pg_occurrence_fn occ;
    pg_match_row_fn match;
    void *ctx;
    pg_store *s;            /* for variant_row's decompression context */
    pg_buf z;               /* decompressed abstract of the current row */
    int corrupt;
} cb;

static int paper_row(sqlite3_stmt *st, void *ctx)
{
    const cb *c = ctx;
    pg_paper_row p = {
        pgs_col_str(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int(st, 2),
        pgs_col_str(st, 3), pgs_col_str(st, 4), pgs_col_count(st, 5),
        pgs_col_str(st, 6), pgs_col_count(st, 7), sqlite3_column_int(st, 8),
    };
    return c->paper(c->ctx, &p);
}

pg_err pg_store_foreach_paper(pg_store *s, int min_days, pg_paper_order order,
                              const char *paper_id, pg_paper_row_fn fn,
                              void *ctx, pg_error *err)
{
    if ((unsigned)order > PG_PAPERS_BY_FIRST_DAY)
        return pg_error_set(err, PG_ERR_USAGE, "unknown paper order");
    sqlite3_stmt *st = prepare(s, paper_sql[order], err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    pgs_bind_int(st, 1, min_days, &rc);
    if (paper_id != NULL)
        pgs_bind_str(st, 2, paper_id, &rc);
    cb c = { .paper = fn, .ctx = ctx };
    return walk(s, st, rc, paper_row, &c, "cannot read papers", err);
}

static int variant_row(sqlite3_stmt *st, void *ctx)
{
    cb *c = ctx;
    pg_variant_row v;
    if (!pgs_col_key(st, 0, &v.key))
        return 0;
    v.title = pgs_col_str(st, 1);
    v.abstract = pgs_col_abstract(c->s, st, 2, &c->z);
    if (v.abstract == NULL) {
        c->corrupt = 1;
        return 1;
    }
    v.has_abstract = v.abstract[0] != '\0';
    v.truncated = sqlite3_column_int(st, 3);
    v.occurrences = sqlite3_column_int64(st, 4);
    v.upvotes = pgs_col_count(st, 5);
    v.authors = pgs_col_count(st, 6);
    v.first_day = pgs_col_str(st, 7);
    v.last_day = pgs_col_str(st, 8);
    return c->variant(c->ctx, &v);
}

pg_err pg_store_foreach_variant(pg_store *s, const char *paper_id,
                                pg_variant_row_fn fn, void *ctx, pg_error *err)
{
    sqlite3_stmt *st = prepare(s, variants_sql, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    pgs_bind_str(st, 1, paper_id, &rc);
    cb c = { .variant = fn, .ctx = ctx, .s = s };
    pg_err e = walk(s, st, rc, variant_row, &c, "cannot read variants", err);
    pg_buf_release(&c.z);
    if (e == PG_OK && c.corrupt)
        e = pg_error_set(err, PG_ERR_DB, "%s: a stored abstract is corrupt", s->path);
    return e;
}

typedef struct url_acc {
    pg_buf *out;
    int failed;
} url_acc;

static int url_row(sqlite3_stmt *st, void *ctx)
{
    url_acc *a = ctx;
    if (pg_buf_puts(a->out, pgs_col_str(st, 0)) != PG_OK ||
        pg_buf_putc(a->out, '\n') != PG_OK)
        a->failed = 1;
    return a->failed;
}

pg_err pg_store_paper_urls(pg_store *s, const char *paper_id, pg_buf *out,
                           pg_error *err)
{
    sqlite3_stmt *st = prepare(s, urls_sql, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    pgs_bind_str(st, 1, paper_id, &rc);
    url_acc a = { out, 0 };
    pg_err e = walk(s, st, rc, url_row, &a, "cannot read URLs", err);
    if (e == PG_OK && a.failed)
        e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    return e;
}

static pg_err pgs_walk_canonical(pg_store *s, int min_days, const pg_paper_walk *w,
                                 pg_error *err);

/* The one-pass walk: the texts and URLs of every paper, ordered by paper id
 * like paper_sql[PG_PAPERS_BY_ID], merged with it as they are stepped. */
static const char all_variants_sql[] =
    "SELECT t.key, t.title, t.abstract, t.truncated, count(o.line),"
    " max(o.upvotes), max(o.authors), min(nullif(o.day, '')), max(nullif(o.day, '')),"
    " c.paper_id"
    " FROM clusters AS c JOIN texts AS t ON t.id = c.text_id"
    " JOIN occurrences AS o ON o.text_id = t.id"
    " GROUP BY t.id ORDER BY c.paper_id, t.key";

static const char all_urls_sql[] =
    "SELECT DISTINCT c.paper_id, u.url FROM clusters AS c"
    " JOIN texts AS t ON t.id = c.text_id"
    " JOIN text_urls AS u ON u.text_key = t.key ORDER BY c.paper_id, u.url";

/* One stepped statement of the merge and the paper id its row is on. */
typedef struct cursor {
    sqlite3_stmt *st;
    int rc;                 /* SQLITE_ROW while on a row */
    int id_col;
} cursor;

/* <0, 0, >0 as the cursor's paper is before, at or after id; >0 at the end. */
static int cursor_cmp(const cursor *c, const char *id)
{
    if (c->rc != SQLITE_ROW)
        return 1;
    return strcmp(pgs_col_str(c->st, c->id_col), id);
}

/* Advances c to the first row of paper id or after it, calling row() on
 * each row of id; *stop set when row() returns non-zero. */
static void cursor_take(cursor *c, const char *id, int (*row)(sqlite3_stmt *, void *),
                        void *ctx, int *stop)
{
    int d;
    while (!*stop && (d = cursor_cmp(c, id)) <= 0) {
        if (d == 0 && row != NULL && row(c->st, ctx) != 0)
            *stop = 1;
        c->rc = sqlite3_step(c->st);
    }
}

typedef struct merge_ctx {
    const pg_paper_walk *w;
    cb var;
    int stop;
} merge_ctx;

static int all_url_row(sqlite3_stmt *st, void *ctx)
{
    const merge_ctx *m = ctx;
    return m->w->url(m->w->ctx, pgs_col_str(st, 1));
}

pg_err pg_store_walk_papers(pg_store *s, int min_days, const pg_paper_walk *w,
                            pg_error *err)
{
    if ((unsigned)w->order > PG_PAPERS_BY_FIRST_DAY
        || (w->better == NULL && w->order != PG_PAPERS_BY_ID))
        return pg_error_set(err, PG_ERR_USAGE, "unknown paper order");
    if (w->better != NULL)
        return pgs_walk_canonical(s, min_days, w, err);
    pg_err e = PG_OK;
    cursor p = { NULL, SQLITE_OK, 0 }, v = { NULL, SQLITE_OK, 9 }, u = { NULL, SQLITE_OK, 0 };
    merge_ctx m = { w, { .variant = w->variant, .ctx = w->ctx, .s = s }, 0 };
    if ((p.st = prepare(s, paper_sql[PG_PAPERS_BY_ID], err)) == NULL
        || (v.st = prepare(s, all_variants_sql, err)) == NULL
        || (w->url != NULL && (u.st = prepare(s, all_urls_sql, err)) == NULL)) {
        e = PG_ERR_DB;
        goto out;
    }
    pgs_bind_int(p.st, 1, min_days, &p.rc);
    if (p.rc == SQLITE_OK)
        p.rc = pgs_step_retry(p.st);
    v.rc = pgs_step_retry(v.st);
    u.rc = u.st ? pgs_step_retry(u.st) : SQLITE_DONE;
    for (; p.rc == SQLITE_ROW && !m.stop; p.rc = sqlite3_step(p.st)) {
        const char *id = pgs_col_str(p.st, 0);
        cursor_take(&v, id, variant_row, &m.var, &m.stop);
        if (m.var.corrupt)
            break;
        cursor_take(&u, id, all_url_row, &m, &m.stop);
        cb pc = { .paper = w->paper, .ctx = w->ctx };
        if (!m.stop && paper_row(p.st, &pc) != 0)
            m.stop = 1;
    }
    if (m.var.corrupt)
        e = pg_error_set(err, PG_ERR_DB, "%s: a stored abstract is corrupt", s->path);
    else if (!m.stop && p.rc != SQLITE_DONE)
        e = pgs_db_fail(s, p.rc, "cannot read papers", err);
    else if (!m.stop && v.rc != SQLITE_DONE && v.rc != SQLITE_ROW)
        e = pgs_db_fail(s, v.rc, "cannot read variants", err);
    else if (!m.stop && u.rc != SQLITE_DONE && u.rc != SQLITE_ROW)
        e = pgs_db_fail(s, u.rc, "cannot read URLs", err);
out:
    sqlite3_finalize(p.st);
    sqlite3_finalize(v.st);
    sqlite3_finalize(u.st);
    pg_buf_release(&m.var.z);
    return e;
}

/* ---- canonical walk ------------------------------------------------------
** pg_store_walk_papers with a better() order: only each paper's canonical
** text's title and abstract are read.  Reading every text's abstract (most
** of them compressed) and aggregating through indexed joins cost more than
** all the rest of a graph; here each table is scanned once in its stored
** order, the aggregates are summed in arrays indexed by text id, and one
** statement, prepared once, fetches the chosen text of each paper by id.  The
** rows handed on are those the three-statement walk gives (the same SQL
** aggregates: counts, max, min over non-NULL values, distinct days). */

typedef struct ctext {          /* one text and its occurrence aggregates */
    pg_key key;
    int key_ok;                 /* the stored key has 16 bytes */
    int has_abstract, truncated;
    uint32_t paper;             /* index in cw.papers, or UINT32_MAX */
    long long n;                /* occurrences */
    long long up, au;           /* largest upvotes and authors seen */
    int have_up, have_au;
    int d0, d1;                 /* first and last day as ranks in cw.days,
                                   -1 when none */
    size_t pub;                 /* earliest pub_date + 1 in cw.strings, 0 none */
} ctext;

typedef struct cpaper {
    size_t id;                  /* offset of its id in cw.strings */
    size_t t0, nt;              /* its texts: cw.ptexts[t0 .. t0 + nt) */
    size_t u0, nu;              /* its URLs: cw.urls[u0 .. u0 + nu) */
    int days;
} cpaper;

typedef struct cw {
    ctext *texts;               /* by text id */
    size_t n_texts;             /* 1 + the largest id */
    cpaper *papers;             /* in paper id order */
    size_t n_papers, papers_cap;
    int64_t *ptexts;            /* text ids, grouped by paper */
    size_t n_ptexts, ptexts_cap;
    pg_buf strings;             /* NUL-terminated: paper ids, days, pub
                                   dates, URLs (offsets: the buffer moves) */
    size_t *days;               /* distinct non-empty days, sorted */
    size_t n_days, days_cap;
    int last_rank;              /* rank of the day of the previous row, -1:
                                   rows come file by file, one day each */
    uint64_t *pairs;            /* scratch: (paper << 32 | day or URL) */
    size_t n_pairs, pairs_cap;
    size_t *urls;               /* offsets in strings, grouped by paper */
} cw;

static pg_err cw_nomem(pg_error *err)
{
    return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
}

static pg_err cw_str(cw *c, const char *p, size_t *at)
{
    *at = c->strings.len;
    pg_err rc = pg_buf_puts(&c->strings, p);
    return rc == PG_OK ? pg_buf_putc(&c->strings, '\0') : rc;
}

/* Steps st to its end, calling row(st, c) on each row (non-zero: out of
 * memory); finalizes st. */
static pg_err cw_scan(pg_store *s, cw *c, sqlite3_stmt *st,
                      int (*row)(sqlite3_stmt *, void *), const char *what, pg_error *err)
{
    int stopped = 0;
    pg_err e = step_rows(s, st, SQLITE_OK, row, c, &stopped, what, err);
    return e == PG_OK && stopped ? cw_nomem(err) : e;
}

static int text_row(sqlite3_stmt *st, void *ctx)
{
    cw *c = ctx;
    sqlite3_int64 id = sqlite3_column_int64(st, 0);
    if (id < 0 || (uint64_t)id >= UINT32_MAX)
        return 0;               /* not one of ours: ids count from 1 */
    size_t cap = c->n_texts;
    if ((size_t)id >= c->n_texts) {
        if (pg_grow((void **)&c->texts, &cap, (size_t)id + 1, sizeof *c->texts) != PG_OK)
            return 1;
        memset(c->texts + c->n_texts, 0, (cap - c->n_texts) * sizeof *c->texts);
        for (size_t i = c->n_texts; i < cap; i++)
            c->texts[i].paper = UINT32_MAX;
        c->n_texts = cap;
    }
    ctext *t = &c->texts[id];
    t->key_ok = pgs_col_key(st, 1, &t->key);
    t->has_abstract = sqlite3_column_int(st, 2);
    t->truncated = sqlite3_column_int(st, 3);
    t->d0 = t->d1 = -1;
    return 0;
}

static int cluster_row(sqlite3_stmt *st, void *ctx)
{
    cw *c = ctx;
    const char *pid = pgs_col_str(st, 1);
    sqlite3_int64 id = sqlite3_column_int64(st, 0);
    if (c->n_papers == 0
        || strcmp(c->strings.data + c->papers[c->n_papers - 1].id, pid) != 0) {
        if (pg_grow((void **)&c->papers, &c->papers_cap,
                    c->n_papers + 1, sizeof *c->papers) != PG_OK)
            return 1;
        cpaper *p = &c->papers[c->n_papers++];
        memset(p, 0, sizeof *p);
        p->t0 = c->n_ptexts;
        if (cw_str(c, pid, &p->id) != PG_OK)
            return 1;
    }
    if (pg_grow((void **)&c->ptexts, &c->ptexts_cap,
                c->n_ptexts + 1, sizeof *c->ptexts) != PG_OK)
        return 1;
    c->ptexts[c->n_ptexts++] = id;
    c->papers[c->n_papers - 1].nt++;
    if (id >= 0 && (size_t)id < c->n_texts)
        c->texts[id].paper = (uint32_t)(c->n_papers - 1);
    return 0;
}

static int day_row(sqlite3_stmt *st, void *ctx)
{
    cw *c = ctx;
    if (pg_grow((void **)&c->days, &c->days_cap, c->n_days + 1, sizeof *c->days) != PG_OK
        || cw_str(c, pgs_col_str(st, 0), &c->days[c->n_days]) != PG_OK)
        return 1;
    c->n_days++;
    return 0;
}

static int day_rank(const cw *c, const char *d)
{
    size_t lo = 0, hi = c->n_days;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int k = strcmp(c->strings.data + c->days[mid], d);
        if (k == 0)
            return (int)mid;
        if (k < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;                  /* cannot happen: the days come from this table */
}

static int pair_push(cw *c, uint64_t x)
{
    if (pg_grow((void **)&c->pairs, &c->pairs_cap,
                c->n_pairs + 1, sizeof *c->pairs) != PG_OK)
        return 1;
    c->pairs[c->n_pairs++] = x;
    return 0;
}

static int occ_agg_row(sqlite3_stmt *st, void *ctx)
{
    cw *c = ctx;
    sqlite3_int64 id = sqlite3_column_int64(st, 0);
    if (id < 0 || (size_t)id >= c->n_texts || c->texts[id].paper == UINT32_MAX)
        return 0;               /* like the join: a text of no paper */
    ctext *t = &c->texts[id];
    t->n++;
    if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
        long long v = sqlite3_column_int64(st, 2);
        t->au = t->have_au && t->au > v ? t->au : v;
        t->have_au = 1;
    }
    if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
        long long v = sqlite3_column_int64(st, 3);
        t->up = t->have_up && t->up > v ? t->up : v;
        t->have_up = 1;
    }
    if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
        const char *pub = pgs_col_str(st, 4);
        if (t->pub == 0 || strcmp(pub, c->strings.data + t->pub - 1) < 0) {
            size_t at;
            if (cw_str(c, pub, &at) != PG_OK)
                return 1;
            t->pub = at + 1;
        }
    }
    const char *day = pgs_col_str(st, 1);
    if (day[0] == '\0')
        return 0;
    int r = c->last_rank;
    if (r < 0 || strcmp(c->strings.data + c->days[r], day) != 0)
        r = c->last_rank = day_rank(c, day);
    if (r < 0)
        return 0;
    if (t->d0 < 0 || r < t->d0)
        t->d0 = r;
    if (r > t->d1)
        t->d1 = r;
    return pair_push(c, (uint64_t)t->paper << 32 | (uint32_t)r);
}

static int url_agg_row(sqlite3_stmt *st, void *ctx)
{
    cw *c = ctx;
    sqlite3_int64 id = sqlite3_column_int64(st, 0);
    if (id < 0 || (size_t)id >= c->n_texts || c->texts[id].paper == UINT32_MAX)
        return 0;
    size_t at;
    if (cw_str(c, pgs_col_str(st, 1), &at) != PG_OK || at > UINT32_MAX)
        return 1;
    return pair_push(c, (uint64_t)c->texts[id].paper << 32 | at);
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* qsort's comparison cannot take a context: the string base travels in a
 * pair array sorted by (paper, URL text) through this wrapper. */
typedef struct url_pair {
    uint32_t paper;
    const char *url;
    size_t at;
} url_pair;

static int cmp_url_pair(const void *x, const void *y)
{
    const url_pair *a = x, *b = y;
    if (a->paper != b->paper)
        return a->paper < b->paper ? -1 : 1;
    return strcmp(a->url, b->url);
}

/* Distinct days per paper from the (paper, day) pairs. */
static void count_days(cw *c)
{
    if (c->n_pairs > 1)
        qsort(c->pairs, c->n_pairs, sizeof *c->pairs, cmp_u64);
    for (size_t i = 0; i < c->n_pairs; i++)
        if (i == 0 || c->pairs[i] != c->pairs[i - 1])
            c->papers[c->pairs[i] >> 32].days++;
    c->n_pairs = 0;
}

/* Sorted distinct URLs per paper from the (paper, URL) pairs. */
static pg_err group_urls(cw *c, pg_error *err)
{
    url_pair *v = malloc((c->n_pairs ? c->n_pairs : 1) * sizeof *v);
    c->urls = malloc((c->n_pairs ? c->n_pairs : 1) * sizeof *c->urls);
    if (v == NULL || c->urls == NULL) {
        free(v);
        return cw_nomem(err);
    }
    for (size_t i = 0; i < c->n_pairs; i++) {
        size_t at = (size_t)(c->pairs[i] & UINT32_MAX);
        v[i] = (url_pair){ (uint32_t)(c->pairs[i] >> 32), c->strings.data + at, at };
    }
    if (c->n_pairs > 1)
        qsort(v, c->n_pairs, sizeof *v, cmp_url_pair);
    size_t m = 0;
    for (size_t i = 0; i < c->n_pairs; i++) {
        if (i > 0 && v[i].paper == v[i - 1].paper && strcmp(v[i].url, v[i - 1].url) == 0)
            continue;
        cpaper *p = &c->papers[v[i].paper];
        if (p->nu == 0)
            p->u0 = m;
        p->nu++;
        c->urls[m++] = v[i].at;
    }
    free(v);
    c->n_pairs = 0;
    return PG_OK;
}

static int clamp_count(int have, long long v)
{
    return !have || v < 0 ? -1 : v > INT_MAX ? INT_MAX : (int)v;
}

/* The variant row of text id, without title and abstract. */
static pg_variant_row cw_variant(const cw *c, int64_t id)
{
    const ctext *t = &c->texts[id];
    pg_variant_row v = {
        t->key, NULL, NULL, t->truncated, t->n, clamp_count(t->have_up, t->up),
        clamp_count(t->have_au, t->au), t->d0 >= 0 ? c->strings.data + c->days[t->d0] : "",
        t->d1 >= 0 ? c->strings.data + c->days[t->d1] : "", t->has_abstract,
    };
    return v;
}

static const char canon_texts_sql[] =
    "SELECT id, key, length(abstract) > 0, truncated FROM texts";
static const char canon_clusters_sql[] =
    "SELECT text_id, paper_id FROM clusters ORDER BY paper_id, text_id";
static const char canon_days_sql[] =
    "SELECT DISTINCT day FROM file_days WHERE day <> '' ORDER BY day";
static const char canon_occ_sql[] =
    "SELECT text_id, day, authors, upvotes, pub_date FROM occurrences";
static const char canon_urls_sql[] =
    "SELECT t.id, u.url FROM text_urls AS u JOIN texts AS t ON t.key = u.text_key";
static const char canon_text_sql[] =
    "SELECT title, abstract FROM texts WHERE id = ?1";

/* Reads every table into c. */
static pg_err cw_read(pg_store *s, cw *c, int urls, pg_error *err)
{
    sqlite3_stmt *st;
    pg_err e = PG_OK;
#define SCAN(sql, row, what)                                                \
    if (e == PG_OK)                                                         \
        e = (st = prepare(s, sql, err)) == NULL ? PG_ERR_DB                 \
                                                : cw_scan(s, c, st, row, what, err)
    SCAN(canon_texts_sql, text_row, "cannot read texts");
    SCAN(canon_clusters_sql, cluster_row, "cannot read clusters");
    SCAN(canon_days_sql, day_row, "cannot read days");
    SCAN(canon_occ_sql, occ_agg_row, "cannot read occurrences");
    if (e != PG_OK)
        return e;
    count_days(c);
    if (urls)
        SCAN(canon_urls_sql, url_agg_row, "cannot read URLs");
#undef SCAN
    return e == PG_OK ? group_urls(c, err) : e;
}

static void cw_release(cw *c)
{
    free(c->texts);
    free(c->papers);
    free(c->ptexts);
    free(c->days);
    free(c->pairs);
    free(c->urls);
    pg_buf_release(&c->strings);
}

/* The text at cw.ptexts[at] when it has an occurrence (as the join with
 * occurrences gives it), else NULL. */
static const ctext *cw_seen(const cw *c, size_t at)
{
    int64_t id = c->ptexts[at];
    if (id < 0 || (size_t)id >= c->n_texts || c->texts[id].n == 0)
        return NULL;
    return &c->texts[id];
}

/* Hands paper p on: its canonical text, its URLs, its aggregates.  *stop
 * set when a callback asks to stop. */
static pg_err cw_emit(pg_store *s, cw *c, const cpaper *p, const pg_paper_walk *w,
                      sqlite3_stmt *text_st, pg_buf *z, int *stop, pg_error *err)
{
    long long n = 0;
    int variants = 0, d0 = -1, d1 = -1, have_up = 0, have_au = 0;
    long long up = 0, au = 0;
    size_t pub = 0;
    int64_t best = -1;
    pg_variant_row bv;
    for (size_t i = p->t0; i < p->t0 + p->nt; i++) {
        const ctext *t = cw_seen(c, i);
        if (t == NULL)
            continue;
        int64_t id = c->ptexts[i];
        n += t->n;
        variants++;
        if (t->d0 >= 0 && (d0 < 0 || t->d0 < d0))
            d0 = t->d0;
        if (t->d1 > d1)
            d1 = t->d1;
        if (t->have_up && (!have_up || t->up > up)) {
            up = t->up;
            have_up = 1;
        }
        if (t->have_au && (!have_au || t->au > au)) {
            au = t->au;
            have_au = 1;
        }
        if (t->pub && (!pub || strcmp(c->strings.data + t->pub - 1,
                                      c->strings.data + pub - 1) < 0))
            pub = t->pub;
        if (!t->key_ok)
            continue;           /* as variant_row: never a variant */
        pg_variant_row v = cw_variant(c, id);
        if (best < 0 || w->better(&v, &bv) < 0) {
            best = id;
            bv = v;
        }
    }
    if (n == 0)
        return PG_OK;           /* no occurrence: the join has no such paper */
    const char *pid = c->strings.data + p->id;
    if (best >= 0) {
        int rc = sqlite3_reset(text_st);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(text_st, 1, best);
        if (rc == SQLITE_OK)
            rc = pgs_step_retry(text_st);
        if (rc != SQLITE_ROW)
            return pgs_db_fail(s, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc,
                               "cannot read a paper's text", err);
        bv.title = pgs_col_str(text_st, 0);
        bv.abstract = pgs_col_abstract(s, text_st, 1, z);
        if (bv.abstract == NULL)
            return pg_error_set(err, PG_ERR_DB, "%s: a stored abstract is corrupt", s->path);
        bv.has_abstract = bv.abstract[0] != '\0';
        if (w->variant(w->ctx, &bv) != 0) {
            *stop = 1;
            return PG_OK;
        }
    }
    for (size_t i = p->u0; w->url != NULL && i < p->u0 + p->nu; i++)
        if (w->url(w->ctx, c->strings.data + c->urls[i]) != 0) {
            *stop = 1;
            return PG_OK;
        }
    pg_paper_row row = {
        pid, n, p->days, d0 >= 0 ? c->strings.data + c->days[d0] : "",
        d1 >= 0 ? c->strings.data + c->days[d1] : "", clamp_count(have_au, au),
        pub ? c->strings.data + pub - 1 : "", clamp_count(have_up, up), variants,
    };
    *stop = w->paper(w->ctx, &row) != 0;
    return PG_OK;
}

/* A paper's place in another order than its id's (pg_paper_order): the
 * aggregates paper_sql orders by. */
typedef struct ranked {
    size_t paper;               /* index in cw.papers: id order */
    long long n;                /* occurrences */
    int days;
    int d0;                     /* first day's rank, -1 when none */
} ranked;

static int by_repeats(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->days != b->days)
        return a->days > b->days ? -1 : 1;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return (a->paper > b->paper) - (a->paper < b->paper);
}

static int by_first_day(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if ((a->d0 < 0) != (b->d0 < 0))
        return a->d0 < 0 ? 1 : -1;      /* no day: last */
    if (a->d0 != b->d0)
        return a->d0 < b->d0 ? -1 : 1;
    return (a->paper > b->paper) - (a->paper < b->paper);
}

/* The papers of c seen on min_days days or more, with an occurrence (as
 * the join gives them), in order; *out (free it) holds *n of them. */
static pg_err cw_rank(const cw *c, int min_days, pg_paper_order order, ranked **out,
                      size_t *n, pg_error *err)
{
    ranked *r = malloc((c->n_papers ? c->n_papers : 1) * sizeof *r);
    *out = r;
    *n = 0;
    if (r == NULL)
        return cw_nomem(err);
    for (size_t i = 0; i < c->n_papers; i++) {
        const cpaper *p = &c->papers[i];
        ranked k = { i, 0, p->days, -1 };
        if (p->days < min_days)
            continue;
        for (size_t j = p->t0; j < p->t0 + p->nt; j++) {
            const ctext *t = cw_seen(c, j);
            if (t == NULL)
                continue;
            k.n += t->n;
            if (t->d0 >= 0 && (k.d0 < 0 || t->d0 < k.d0))
                k.d0 = t->d0;
        }
        if (k.n > 0)
            r[(*n)++] = k;
    }
    if (*n > 1)
        qsort(r, *n, sizeof *r, order == PG_PAPERS_BY_REPEATS ? by_repeats : by_first_day);
    return PG_OK;
}

static pg_err pgs_walk_canonical(pg_store *s, int min_days, const pg_paper_walk *w,
                                 pg_error *err)
{
    cw c;
    pg_buf z = PG_BUF_INIT;
    memset(&c, 0, sizeof c);
    c.strings = (pg_buf)PG_BUF_INIT;
    c.last_rank = -1;
    sqlite3_stmt *text_st = NULL;
    /* A statement left on its first row holds one read transaction over
     * the whole walk: every scan and look-up sees one snapshot, and the
     * look-ups do not take and drop the file's lock one by one. */
    sqlite3_stmt *hold = prepare(s, "SELECT 1 FROM texts", err);
    if (hold == NULL)
        return PG_ERR_DB;
    int hrc = pgs_step_retry(hold);
    if (hrc != SQLITE_ROW && hrc != SQLITE_DONE) {
        sqlite3_finalize(hold);
        return pgs_db_fail(s, hrc, "cannot read texts", err);
    }
    pg_err e = cw_read(s, &c, w->url != NULL, err);
    if (e == PG_OK && (text_st = prepare(s, canon_text_sql, err)) == NULL)
        e = PG_ERR_DB;
    int stop = 0;
    ranked *r = NULL;
    size_t n_ranked = 0;
    if (e == PG_OK && w->order != PG_PAPERS_BY_ID)
        e = cw_rank(&c, min_days, w->order, &r, &n_ranked, err);
    /* Ranked papers are those to emit, in order; else every paper, in id
     * order, seen on enough days. */
    size_t n_emit = r != NULL ? n_ranked : c.n_papers;
    for (size_t i = 0; e == PG_OK && !stop && i < n_emit; i++) {
        const cpaper *p = &c.papers[r != NULL ? r[i].paper : i];
        if (r != NULL || p->days >= min_days)
            e = cw_emit(s, &c, p, w, text_st, &z, &stop, err);
    }
    free(r);
    sqlite3_finalize(text_st);
    sqlite3_finalize(hold);
    pg_buf_release(&z);
    cw_release(&c);
    return e;
}

static int occ_row(sqlite3_stmt *st, void *ctx)
{
    const cb *c = ctx;
    char hex[PG_KEY_HEX];
    pg_key k;
    if (!pgs_col_key(st, 5, &k))
        return 0;
    pg_key_to_hex(k, hex);
    pg_occurrence o = {
        pgs_col_str(st, 0), (long)sqlite3_column_int64(st, 1), pgs_col_str(st, 2),
        pgs_col_str(st, 3), pgs_col_str(st, 4), hex, pgs_col_str(st, 6),
        pgs_col_count(st, 7), pgs_col_count(st, 8), pgs_col_str(st, 9),
        pgs_col_str(st, 10), pgs_col_str(st, 11),
    };
    return c->occ(c->ctx, &o);
}

pg_err pg_store_foreach_text_occurrence(pg_store *s, pg_key text,
                                        pg_occurrence_fn fn, void *ctx,
                                        pg_error *err)
{
    unsigned char kb[16];
    sqlite3_stmt *st = prepare(s, text_occ_sql, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    pgs_bind_key(st, 1, text, kb, &rc);
    cb c = { .occ = fn, .ctx = ctx };
    return walk(s, st, rc, occ_row, &c, "cannot read occurrences", err);
}

typedef struct find_acc {
    int rows, exact;
    pg_key key;
    const char *file;
} find_acc;

static int find_row(sqlite3_stmt *st, void *ctx)
{
    find_acc *a = ctx;
    pg_key k;
    if (!pgs_col_key(st, 0, &k))
        return 0;
    if (a->rows++ == 0) {
        a->key = k;
        a->exact = strcmp(pgs_col_str(st, 1), a->file) == 0;
    }
    return a->exact;            /* an exact path needs no second row */
}

pg_err pg_store_find_occurrence(pg_store *s, const char *file, long line,
                                pg_key *text, pg_error *err)
{
    sqlite3_stmt *st = prepare(s, find_occ_sql, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    pgs_bind_str(st, 1, file, &rc);
    pgs_bind_int(st, 2, line, &rc);
    find_acc a = { 0, 0, { 0, 0 }, file };
    pg_err e = walk(s, st, rc, find_row, &a, "cannot look up an occurrence", err);
    if (e != PG_OK)
        return e;
    if (a.rows == 0)
        return pg_error_set(err, PG_ERR_NOT_FOUND, "%s:%ld: no entry was read "
                            "there", file, line);
    if (a.rows > 1 && !a.exact)
        return pg_error_set(err, PG_ERR_USAGE, "%s:%ld: several ingested files "
                            "end in '%s'; give more of the path", file, line, file);
    *text = a.key;
    return PG_OK;
}

static int match_row(sqlite3_stmt *st, void *ctx)
{
    const cb *c = ctx;
    pg_key a, b;
    if (!pgs_col_key(st, 0, &a) || !pgs_col_key(st, 1, &b))
        return 0;
    return c->match(c->ctx, a, b, pgs_col_str(st, 2),
                                    sqlite3_column_double(st, 3));
}

pg_err pg_store_foreach_match(pg_store *s, const char *paper_id,
                              pg_match_row_fn fn, void *ctx, pg_error *err)
{
    /* Inside a write transaction, the matches it holds are rows too. */
    sqlite3_stmt *st = prepare(s, matches_sql, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    pgs_bind_str(st, 1, paper_id, &rc);
    cb c = { .match = fn, .ctx = ctx };
    return walk(s, st, rc, match_row, &c, "cannot read matches", err);
}
