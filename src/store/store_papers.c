/*
** store_papers.c: reading papers back from the store: per-paper aggregates,
** the texts (variants) of a paper, their URLs, occurrences and matches,
** and every paper with its texts and URLs in one pass.
**
** A paper is the set of texts that share a clusters.paper_id; everything
** about it is aggregated over the occurrences of those texts at read time,
** so nothing derived can go stale when clusters merge.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        pgs_db_fail(s, rc, "cannot prepare a query", err);
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* Steps through st after its parameters are bound, calling row(st, ctx)
 * until it returns non-zero; then finalizes st. */
static pg_err walk(pg_store *s, sqlite3_stmt *st, int rc, int (*row)(sqlite3_stmt *, void *),
                   void *ctx, const char *what, pg_error *err)
{
    pg_err e = PG_OK;
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    for (; rc == SQLITE_ROW; rc = sqlite3_step(st))
        if (row(st, ctx) != 0)
            goto out;
    if (rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, what, err);
out:
    sqlite3_finalize(st);
    return e;
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
    sqlite3_stmt *st = prepare(s, matches_sql, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    pgs_bind_str(st, 1, paper_id, &rc);
    cb c = { .match = fn, .ctx = ctx };
    return walk(s, st, rc, match_row, &c, "cannot read matches", err);
}
