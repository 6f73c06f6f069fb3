/*
** store_digest.c: the store's queries for the daily digest (`papergraph
** new`): the range of listing days, the texts of the papers listed on one
** day with each text's history relative to that day, and the few rows the
** digest then reads per text or paper (pg_day_reader).
**
** Everything goes through file_days (schema version 9), the covering
** index occurrences_text or a primary key, so the cost follows the day and
** its papers, whatever the size of the store.  Deciding what is
** new or changed is the digest's job (out/digest.c).
*/
#include <stdlib.h>
#include <string.h>

#include "papergraph/store.h"
#include "store/db.h"

/* The first and the last non-empty day; each is one step down file_days. */
static const char first_day_sql[] =
    "SELECT day FROM file_days WHERE day > '' ORDER BY day LIMIT 1";
static const char last_day_sql[] =
    "SELECT day FROM file_days WHERE day > '' ORDER BY day DESC LIMIT 1";

/* ?1 = the day.  `dt` is the day's texts with their occurrences and
 * upvotes that day (the rows of the day's files, by file_days, that are of
 * the day), `dp` their papers;
 * then every text of those papers and its last day before the day, one
 * seek in occurrences_text.  No ORDER BY: the caller groups by paper
 * itself, cheaper than SQLite's sorter. */
static const char day_texts_sql[] =
    "WITH dt AS MATERIALIZED (SELECT o.text_id AS text_id, count(*) AS n,"
    "   max(o.upvotes) AS up FROM file_days AS fd"
    "   JOIN occurrences AS o ON o.file_id = fd.file_id"
    "   WHERE fd.day = ?1 AND o.day = ?1 GROUP BY o.text_id),"
    " dp AS (SELECT DISTINCT c.paper_id AS paper_id FROM dt"
    "   JOIN clusters AS c ON c.text_id = dt.text_id)"
    " SELECT c.paper_id, c.text_id,"
    "  (SELECT max(day) FROM occurrences"
    "    WHERE text_id = c.text_id AND day > '' AND day < ?1),"
    "  dt.n, dt.up"
    " FROM dp JOIN clusters AS c ON c.paper_id = dp.paper_id"
    " LEFT JOIN dt ON dt.text_id = c.text_id";

static sqlite3_stmt *prepare(pg_store *s, const char *sql, pg_error *err)
{
    sqlite3_stmt *st = NULL;
    if (pgs_deferred_flush(s, err) != PG_OK)
        return NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        pgs_db_fail(s, rc, "cannot prepare a digest query", err);
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* Copies the single day the query gives into out ("" when none). */
static pg_err one_day(pg_store *s, const char *sql, char out[11], pg_error *err)
{
    out[0] = '\0';
    sqlite3_stmt *st = prepare(s, sql, err);
    if (st == NULL)
        return err != NULL ? err->code : PG_ERR_DB;
    pg_err e = PG_OK;
    int rc = pgs_step_retry(st);
    if (rc == SQLITE_ROW) {
        const char *d = pgs_col_str(st, 0);
        /* Days are written by the readers as YYYY-MM-DD; anything else is
         * not a day this query can report. */
        if (strlen(d) == 10)
            memcpy(out, d, 11);
    } else if (rc != SQLITE_DONE) {
        e = pgs_db_fail(s, rc, "cannot read the listing days", err);
    }
    sqlite3_finalize(st);
    return e;
}

pg_err pg_store_day_range(pg_store *s, char first[11], char last[11],
                          pg_error *err)
{
    pg_err e = one_day(s, first_day_sql, first, err);
    if (e == PG_OK)
        e = one_day(s, last_day_sql, last, err);
    if (e != PG_OK || first[0] == '\0' || last[0] == '\0')
        first[0] = last[0] = '\0';
    return e;
}

pg_err pg_store_foreach_day_text(pg_store *s, const char *day,
                                 pg_day_text_fn fn, void *ctx, pg_error *err)
{
    sqlite3_stmt *st = prepare(s, day_texts_sql, err);
    if (st == NULL)
        return err != NULL ? err->code : PG_ERR_DB;
    pg_err e = PG_OK;
    int rc = SQLITE_OK;
    pgs_bind_str(st, 1, day, &rc);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
        pg_day_text t = {
            pgs_col_str(st, 0), sqlite3_column_int64(st, 1), pgs_col_str(st, 2),
            sqlite3_column_int64(st, 3), pgs_col_count(st, 4),
        };
        if (fn(ctx, &t) != 0)
            goto out;
    }
    if (rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, "cannot read the texts of the day", err);
out:
    sqlite3_finalize(st);
    return e;
}

/* ---- the reader ---------------------------------------------------------- */

enum { RD_BRIEF, RD_NORM_SEEN, RD_URLS, RD_FIRST_DAY, RD_COUNT };

static const char *const reader_sql[RD_COUNT] = {
    [RD_BRIEF] = "SELECT key, norm_key, title FROM texts WHERE id = ?1",
    [RD_NORM_SEEN] =
        "SELECT 1 FROM texts AS t WHERE t.norm_key = ?1 AND EXISTS (SELECT 1"
        " FROM occurrences AS o WHERE o.text_id = t.id AND o.day > '' AND o.day < ?2)"
        " LIMIT 1",
    [RD_URLS] =
        "SELECT DISTINCT u.url FROM clusters AS c JOIN texts AS t ON t.id = c.text_id"
        " JOIN text_urls AS u ON u.text_key = t.key WHERE c.paper_id = ?1 ORDER BY u.url",
    [RD_FIRST_DAY] =
        "SELECT min(o.day) FROM clusters AS c JOIN occurrences AS o ON o.text_id = c.text_id"
        " WHERE c.paper_id = ?1 AND o.day > ''",
};

struct pg_day_reader {
    pg_store *s;
    sqlite3_stmt *st[RD_COUNT];
    int in_read;            /* the reader began the read transaction */
};

pg_err pg_day_reader_open(pg_store *s, pg_day_reader **out, pg_error *err)
{
    pg_day_reader *r = calloc(1, sizeof *r);
    *out = NULL;
    if (r == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    r->s = s;
    pg_err e = PG_OK;
    /* Only when no transaction is open: a reader inside a caller's
     * transaction sees that one. */
    if (sqlite3_get_autocommit(s->db)) {
        int rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            e = pgs_db_fail(s, rc, "cannot begin reading", err);
        r->in_read = rc == SQLITE_OK;
    }
    for (int i = 0; i < RD_COUNT && e == PG_OK; i++)
        if ((r->st[i] = prepare(s, reader_sql[i], err)) == NULL)
            e = err != NULL ? err->code : PG_ERR_DB;
    if (e != PG_OK) {
        pg_day_reader_close(r);
        return e;
    }
    *out = r;
    return PG_OK;
}

void pg_day_reader_close(pg_day_reader *r)
{
    if (r == NULL)
        return;
    for (int i = 0; i < RD_COUNT; i++)
        sqlite3_finalize(r->st[i]);
    /* A read transaction changed nothing: its end cannot lose anything. */
    if (r->in_read)
        sqlite3_exec(r->s->db, "COMMIT", NULL, NULL, NULL);
    free(r);
}

pg_err pg_day_text_brief(pg_day_reader *r, long long id, pg_key *key,
                         pg_key *norm_key, pg_buf *title, pg_error *err)
{
    sqlite3_stmt *st = r->st[RD_BRIEF];
    pg_err e = PG_OK;
    int rc = SQLITE_OK;
    pgs_bind_int(st, 1, id, &rc);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    if (rc == SQLITE_ROW) {
        if (!pgs_col_key(st, 0, key) || !pgs_col_key(st, 1, norm_key))
            e = pg_error_set(err, PG_ERR_DB, "%s: text %lld has a malformed key",
                             r->s->path, id);
        else if (pg_buf_puts(title, pgs_col_str(st, 2)) != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    } else if (rc == SQLITE_DONE) {
        e = pg_error_set(err, PG_ERR_NOT_FOUND, "%s: no text %lld", r->s->path, id);
    } else {
        e = pgs_db_fail(r->s, rc, "cannot read a text", err);
    }
    pgs_stmt_done(st);
    return e;
}

pg_err pg_day_norm_seen(pg_day_reader *r, pg_key norm_key, const char *day,
                        int *seen, pg_error *err)
{
    sqlite3_stmt *st = r->st[RD_NORM_SEEN];
    unsigned char kb[16];
    int rc = SQLITE_OK;
    pgs_bind_key(st, 1, norm_key, kb, &rc);
    pgs_bind_str(st, 2, day, &rc);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    *seen = rc == SQLITE_ROW;
    pg_err e = rc == SQLITE_ROW || rc == SQLITE_DONE
                   ? PG_OK : pgs_db_fail(r->s, rc, "cannot look up a text", err);
    pgs_stmt_done(st);
    return e;
}

pg_err pg_day_paper_urls(pg_day_reader *r, const char *paper_id, pg_buf *out,
                         pg_error *err)
{
    sqlite3_stmt *st = r->st[RD_URLS];
    pg_err e = PG_OK;
    int rc = SQLITE_OK;
    pgs_bind_str(st, 1, paper_id, &rc);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    for (; rc == SQLITE_ROW && e == PG_OK; rc = sqlite3_step(st))
        if (pg_buf_puts(out, pgs_col_str(st, 0)) != PG_OK || pg_buf_putc(out, '\n') != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (e == PG_OK && rc != SQLITE_DONE)
        e = pgs_db_fail(r->s, rc, "cannot read a paper's URLs", err);
    pgs_stmt_done(st);
    return e;
}

pg_err pg_day_paper_first_day(pg_day_reader *r, const char *paper_id, char day[11],
                              pg_error *err)
{
    sqlite3_stmt *st = r->st[RD_FIRST_DAY];
    int rc = SQLITE_OK;
    day[0] = '\0';
    pgs_bind_str(st, 1, paper_id, &rc);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    if (rc == SQLITE_ROW) {
        const char *d = pgs_col_str(st, 0);
        if (strlen(d) == 10)
            memcpy(day, d, 11);
    }
    pg_err e = rc == SQLITE_ROW || rc == SQLITE_DONE
                   ? PG_OK : pgs_db_fail(r->s, rc, "cannot read a paper's first day", err);
    pgs_stmt_done(st);
    return e;
}
