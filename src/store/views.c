/*
** views.c: the store read back: the counts of `stats`, every occurrence in
** listing order, and what the matcher needs to know of one text.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"

/* Prepared per call, not kept: a walk may outlive other calls and a
 * callback may even start another walk.  Day by day through file_days
 * (CROSS JOIN keeps that order), each file's rows of the day a range of
 * the occurrences' key: only a day's rows are sorted, by path and line,
 * not the whole store. */
static const char occurrences_sql[] =
    "SELECT f.path, o.line, o.day, o.day_label, c.paper_id, t.key,"
    " t.title, o.authors, o.upvotes, o.pub_date, o.date_raw, o.ext_id"
    " FROM file_days AS fd"
    " CROSS JOIN occurrences AS o ON o.file_id = fd.file_id AND o.day = fd.day"
    " JOIN files AS f ON f.id = o.file_id"
    " JOIN texts AS t ON t.id = o.text_id"
    " JOIN clusters AS c ON c.text_id = o.text_id"
    " ORDER BY fd.day, f.path, o.file_id, o.line";

pg_err pg_store_stats(pg_store *s, pg_stats *out, pg_error *err)
{
    sqlite3_stmt *st = s->st[ST_STATS];
    memset(out, 0, sizeof *out);
    pg_err e = pgs_deferred_flush(s, err);
    if (e != PG_OK)
        return e;
    int rc = pgs_step_retry(st);
    if (rc == SQLITE_ROW) {
        out->files = sqlite3_column_int64(st, 0);
        out->occurrences = sqlite3_column_int64(st, 1);
        out->texts = sqlite3_column_int64(st, 2);
        out->papers = sqlite3_column_int64(st, 3);
        out->days = sqlite3_column_int64(st, 4);
    } else {
        e = pgs_db_fail(s, rc, "cannot count", err);
    }
    pgs_stmt_done(st);
    return e;
}

/* Fills o from the current row of occurrences_sql; hex is o's storage for
 * the text key.  Returns 0 when the stored key is not 16 bytes. */
static int read_occurrence(sqlite3_stmt *st, pg_occurrence *o, char hex[PG_KEY_HEX])
{
    const void *kb = sqlite3_column_blob(st, 5);
    if (kb == NULL || sqlite3_column_bytes(st, 5) != 16)
        return 0;
    pg_key_to_hex(pg_key_from_bytes(kb), hex);
    o->file = pgs_col_str(st, 0);
    o->line = (long)sqlite3_column_int64(st, 1);
    o->day = pgs_col_str(st, 2);
    o->day_label = pgs_col_str(st, 3);
    o->paper_id = pgs_col_str(st, 4);
    o->text_key = hex;
    o->title = pgs_col_str(st, 6);
    o->authors = pgs_col_count(st, 7);
    o->upvotes = pgs_col_count(st, 8);
    o->pub_date = pgs_col_str(st, 9);
    o->date_raw = pgs_col_str(st, 10);
    o->ext_id = pgs_col_str(st, 11);
    return 1;
}

pg_err pg_store_foreach_occurrence(pg_store *s, pg_occurrence_fn fn, void *ctx,
                                   pg_error *err)
{
    sqlite3_stmt *st = NULL;
    char hex[PG_KEY_HEX];
    pg_occurrence o;
    pg_err e = pgs_deferred_flush(s, err);
    if (e != PG_OK)
        return e;
    int rc = sqlite3_prepare_v2(s->db, occurrences_sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
        if (!read_occurrence(st, &o, hex)) {
            e = pg_error_set(err, PG_ERR_DB, "%s: an occurrence has a malformed "
                             "text key", s->path);
            goto out;
        }
        if (fn(ctx, &o) != 0)
            goto out;           /* stopped by the caller: not an error */
    }
    if (rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, "cannot read occurrences", err);
out:
    sqlite3_finalize(st);
    return e;
}

/* A text's row and paper; what its occurrences say of it comes from
 * text_occ_sql, one pass over them rather than a subquery per column. */
#define TEXT_META_SQL(WHERE)                                                   \
    "SELECT t.norm_key, t.title, t.abstract, t.truncated, t.author_names,"    \
    " c.paper_id, t.id, t.key"                                                \
    " FROM texts AS t LEFT JOIN clusters AS c ON c.text_id = t.id"            \
    " WHERE " WHERE
static const char text_meta_sql[] = TEXT_META_SQL("t.key = ?1");
/* By row id: one b-tree search fewer than by key, where the caller has
 * both (a candidate of the dedup stage). */
static const char text_meta_id_sql[] = TEXT_META_SQL("t.id = ?1");
/* NULLs are no value to min and max: a pub_date or venue absent, or a
 * venue given as "", counts for nothing. */
static const char text_occ_sql[] =
    "SELECT max(authors), min(CAST(substr(pub_date, 1, 4) AS INTEGER)),"
    " min(NULLIF(venue, '')) FROM occurrences WHERE text_id = ?1";
static const char text_urls_sql[] =
    "SELECT url FROM text_urls WHERE text_key = ?1 ORDER BY url";

static char *dup_col(sqlite3_stmt *st, int i)
{
    return strdup(pgs_col_str(st, i));
}

void pg_text_info_release(pg_text_info *t)
{
    if (t == NULL)
        return;
    free(t->title);
    free(t->abstract);
    free(t->author_names);
    free(t->venue);
    for (size_t i = 0; i < t->n_urls; i++)
        free(t->urls[i]);
    free(t->urls);
    memset(t, 0, sizeof *t);
}

static pg_err read_urls(pg_store *s, pg_text_info *t, pg_error *err)
{
    unsigned char kb[16];
    int rc;
    pg_err e = PG_OK;
    size_t cap = 0;
    sqlite3_stmt *st = pgs_key_step(s, text_urls_sql, t->key, kb, &rc, err);
    if (st == NULL)
        return PG_ERR_DB;
    for (; rc == SQLITE_ROW && e == PG_OK; rc = sqlite3_step(st)) {
        if (t->n_urls == cap) {
            cap = cap ? cap * 2 : 4;
            char **v = realloc(t->urls, cap * sizeof *v);
            if (v == NULL) {
                e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
                break;
            }
            t->urls = v;
        }
        if ((t->urls[t->n_urls] = dup_col(st, 0)) == NULL)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        else
            t->n_urls++;
    }
    if (e == PG_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        e = pgs_db_fail(s, rc, "cannot read URLs", err);
    pgs_stmt_done(st);
    return e;
}

static pg_err read_meta_row(pg_store *s, sqlite3_stmt *st, pg_text_info *t,
                           pg_error *err)
{
    pg_buf z = PG_BUF_INIT;
    const char *abstract = pgs_col_abstract(s, st, 2, &z);
    if (abstract == NULL) {
        pg_buf_release(&z);
        return pg_error_set(err, PG_ERR_DB, "%s: a stored abstract is corrupt", s->path);
    }
    t->abstract = strdup(abstract);
    pg_buf_release(&z);
    pgs_col_key(st, 0, &t->norm_key);
    t->title = dup_col(st, 1);
    t->truncated = sqlite3_column_int(st, 3) != 0;
    t->author_names = dup_col(st, 4);
    snprintf(t->paper_id, sizeof t->paper_id, "%s", pgs_col_str(st, 5));
    pgs_placing_paper(s, sqlite3_column_int64(st, 6), t->paper_id);
    if (!t->title || !t->abstract || !t->author_names)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    return PG_OK;
}

/* Fills t's authors, year and venue from the occurrences of text id. */
static pg_err read_occ_meta(pg_store *s, long long id, pg_text_info *t, pg_error *err)
{
    int rc = 0;
    sqlite3_stmt *st = pgs_kept(s, text_occ_sql, err);
    if (st == NULL)
        return PG_ERR_DB;
    pgs_bind_int(st, 1, id, &rc);
    rc = rc != SQLITE_OK ? rc : pgs_step_retry(st);
    pg_err e = PG_OK;
    if (rc == SQLITE_ROW) {
        t->authors = pgs_col_count(st, 0);
        t->year = sqlite3_column_type(st, 1) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 1);
        if ((t->venue = dup_col(st, 2)) == NULL)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    } else {
        e = pgs_db_fail(s, rc, "cannot read a text", err);
    }
    pgs_stmt_done(st);
    return e;
}

pg_err pg_store_text_occ_meta(pg_store *s, long long id, pg_text_info *t, pg_error *err)
{
    free(t->venue);
    t->venue = NULL;
    return read_occ_meta(s, id, t, err);
}

pg_err pg_store_text_info(pg_store *s, pg_key text, pg_text_info *out,
                          pg_error *err)
{
    return pg_store_text_info_id(s, text, 0, out, err);
}

pg_err pg_store_text_info_id(pg_store *s, pg_key text, long long id, pg_text_info *out,
                             pg_error *err)
{
    unsigned char kb[16];
    memset(out, 0, sizeof *out);
    out->key = text;
    int rc = 0;
    pg_err e = PG_OK;
    sqlite3_stmt *st;
    if (id > 0) {
        st = pgs_kept(s, text_meta_id_sql, err);
        if (st != NULL) {
            pgs_bind_int(st, 1, id, &rc);
            rc = rc != SQLITE_OK ? rc : pgs_step_retry(st);
        }
    } else {
        st = pgs_key_step(s, text_meta_sql, text, kb, &rc, err);
    }
    if (st == NULL)
        return PG_ERR_DB;
    pg_key row_key;
    if (rc == SQLITE_ROW && id > 0 && (!pgs_col_key(st, 7, &row_key) ||
                                       pg_key_cmp(row_key, text) != 0))
        rc = SQLITE_DONE;       /* id is not text's: no such text */
    long long row_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 6) : 0;
    if (rc == SQLITE_ROW)
        e = read_meta_row(s, st, out, err);
    else if (rc == SQLITE_DONE)
        e = pg_error_set(err, PG_ERR_NOT_FOUND, "%s: no such text", s->path);
    else
        e = pgs_db_fail(s, rc, "cannot read a text", err);
    pgs_stmt_done(st);
    if (e == PG_OK)
        e = read_occ_meta(s, row_id, out, err);
    if (e == PG_OK)
        e = read_urls(s, out, err);
    if (e != PG_OK)
        pg_text_info_release(out);
    return e;
}
