/*
** store_digest.c: the store's queries for the daily digest (`papergraph
** new`): the range of listing days, and the texts of the papers listed on
** one day with each text's history relative to that day.
**
** Both go through the occurrences_day index (schema version 6), so they
** cost what the day and its papers hold, whatever the size of the store.
** Deciding what is new or changed is the digest's job (out/digest.c).
*/
#include <string.h>

#include "papergraph/store.h"
#include "store/internal.h"

/* The first and the last non-empty day; each is one step down the index. */
static const char first_day_sql[] =
    "SELECT day FROM occurrences WHERE day > '' ORDER BY day LIMIT 1";
static const char last_day_sql[] =
    "SELECT day FROM occurrences WHERE day > '' ORDER BY day DESC LIMIT 1";

/* ?1 = the day.  `dp` is the papers of the day (the day's texts from
 * occurrences_day, each text's paper from clusters); then every text of
 * those papers, each aggregate a seek in a covering index.  No ORDER BY:
 * the caller groups by paper itself, cheaper than SQLite's sorter. */
static const char day_texts_sql[] =
    "WITH dp AS (SELECT DISTINCT c.paper_id AS paper_id FROM occurrences AS o"
    "   JOIN clusters AS c ON c.text_id = o.text_id WHERE o.day = ?1)"
    " SELECT c.paper_id, c.text_id,"
    "  (SELECT min(day) FROM occurrences WHERE text_id = c.text_id AND day > ''),"
    "  (SELECT max(day) FROM occurrences"
    "    WHERE text_id = c.text_id AND day > '' AND day < ?1),"
    "  (SELECT count(*) FROM occurrences WHERE day = ?1 AND text_id = c.text_id),"
    "  (SELECT max(upvotes) FROM occurrences WHERE day = ?1 AND text_id = c.text_id)"
    " FROM dp JOIN clusters AS c ON c.paper_id = dp.paper_id";

static const char brief_sql[] =
    "SELECT key, norm_key, title FROM texts WHERE id = ?1";

static sqlite3_stmt *prepare(pg_store *s, const char *sql, pg_error *err)
{
    sqlite3_stmt *st = NULL;
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
            pgs_col_str(st, 3), sqlite3_column_int64(st, 4), pgs_col_count(st, 5),
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

pg_err pg_store_texts_brief(pg_store *s, const long long *ids, size_t n,
                            pg_text_brief_fn fn, void *ctx, pg_error *err)
{
    if (n == 0)
        return PG_OK;
    sqlite3_stmt *st = prepare(s, brief_sql, err);
    if (st == NULL)
        return err != NULL ? err->code : PG_ERR_DB;
    pg_err e = PG_OK;
    for (size_t i = 0; i < n && e == PG_OK; i++) {
        int rc = SQLITE_OK;
        pgs_bind_int(st, 1, ids[i], &rc);
        if (rc == SQLITE_OK)
            rc = pgs_step_retry(st);
        pg_key key, norm;
        if (rc == SQLITE_ROW) {
            if (!pgs_col_key(st, 0, &key) || !pgs_col_key(st, 1, &norm))
                e = pg_error_set(err, PG_ERR_DB, "%s: text %lld has a malformed key",
                                 s->path, ids[i]);
            else if (fn(ctx, i, key, norm, pgs_col_str(st, 2)) != 0)
                break;
        } else if (rc == SQLITE_DONE) {
            e = pg_error_set(err, PG_ERR_NOT_FOUND, "%s: no text %lld", s->path, ids[i]);
        } else {
            e = pgs_db_fail(s, rc, "cannot read a text", err);
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return e;
}
