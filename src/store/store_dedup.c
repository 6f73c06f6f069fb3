/*
** store_dedup.c: the near-duplicate tables of the store: band keys, verified
** matches, clusters (which paper each text belongs to) and settings.
**
** The dedup stage (dedup.c) decides; this file only remembers.  Band keys
** are the index through which a new text finds candidates in time
** proportional to the text, not to the database: one indexed lookup per key.
** A text's band keys are looked up and stored with one statement each (a
** statement per key cost more than the index probes).  A band key shared by
** very many texts (a boilerplate opening, a generic title) says little about
** any of them, so a lookup reads at most 1024 texts: verification cost stays
** bounded.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "papergraph/store.h"
#include "store/internal.h"


static const char *const ds_sql[DS_COUNT] = {
    [DS_ADD_MATCH] =
        "INSERT OR REPLACE INTO matches (a, b, rule, score)"
        " SELECT min(x.id, y.id), max(x.id, y.id), ?3, ?4"
        " FROM texts AS x, texts AS y WHERE x.key = ?1 AND y.key = ?2",
    [DS_SET_PAPER] =
        "INSERT OR REPLACE INTO clusters (text_id, paper_id)"
        " SELECT id, ?2 FROM texts WHERE key = ?1",
    [DS_RENAME_PAPER] = "UPDATE clusters SET paper_id = ?2 WHERE paper_id = ?1",
    [DS_TEXT_META] =
        "SELECT t.norm_key, t.title, t.abstract, t.truncated, t.author_names,"
        " c.paper_id,"
        " (SELECT max(authors) FROM occurrences WHERE text_id = t.id),"
        " (SELECT min(CAST(substr(pub_date, 1, 4) AS INTEGER)) FROM occurrences"
        "   WHERE text_id = t.id AND pub_date IS NOT NULL),"
        " (SELECT min(venue) FROM occurrences WHERE text_id = t.id AND venue <> '')"
        " FROM texts AS t LEFT JOIN clusters AS c ON c.text_id = t.id"
        " WHERE t.key = ?1",
    [DS_TEXT_URLS] = "SELECT url FROM text_urls WHERE text_key = ?1 ORDER BY url",
    [DS_GET_SETTING] = "SELECT value FROM settings WHERE key = ?1",
    [DS_SET_SETTING] = "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
    [DS_PAPER_OF] =
        "SELECT c.paper_id FROM texts AS t JOIN clusters AS c ON c.text_id = t.id"
        " WHERE t.key = ?1",
};


pg_err pg_keyvec_push(pg_keyvec *kv, pg_key k)
{
    if (kv->n == kv->cap) {
        size_t cap = kv->cap ? kv->cap * 2 : 16;
        pg_key *v = realloc(kv->v, cap * sizeof *v);
        if (v == NULL)
            return PG_ERR_NOMEM;
        kv->v = v;
        kv->cap = cap;
    }
    kv->v[kv->n++] = k;
    return PG_OK;
}

void pg_keyvec_release(pg_keyvec *kv)
{
    if (kv == NULL)
        return;
    free(kv->v);
    kv->v = NULL;
    kv->n = kv->cap = 0;
}

static sqlite3_stmt *stmt(pg_store *s, int id, pg_error *err)
{
    return pgs_stmt(s, id, ds_sql[id], err);
}

static pg_err need_write(pg_store *s, pg_error *err)
{
    if (s->in_file || s->in_tx || s->group_open)
        return PG_OK;
    return pg_error_set(err, PG_ERR_USAGE, "%s: cluster tables written outside "
                        "a transaction", s->path);
}

/* The kept statement id for a write, once the write is allowed here. */
static pg_err write_stmt(pg_store *s, int id, sqlite3_stmt **st, pg_error *err)
{
    pg_err e = need_write(s, err);
    if (e == PG_OK && (*st = stmt(s, id, err)) == NULL)
        e = PG_ERR_DB;
    return e;
}

/* Steps a bound statement that returns no rows and readies it again. */
static pg_err exec_bound(pg_store *s, sqlite3_stmt *st, int rc, const char *what,
                         pg_error *err)
{
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    pg_err e = rc == SQLITE_DONE ? PG_OK : pgs_db_fail(s, rc, what, err);
    pgs_stmt_done(st);
    return e;
}

pg_err pg_store_tx_begin(pg_store *s, pg_error *err)
{
    if (s->in_file || s->in_tx)
        return pg_error_set(err, PG_ERR_USAGE, "%s: a transaction is already open",
                            s->path);
    pg_err e = pg_store_flush(s, err);
    if (e == PG_OK)
        e = pgs_run_sql(s, "BEGIN IMMEDIATE", "cannot start a transaction", err);
    s->in_tx = e == PG_OK;
    if (e == PG_OK && (e = pgs_bands_begin(s, err)) != PG_OK)
        pg_store_tx_rollback(s);
    return e;
}

pg_err pg_store_tx_commit(pg_store *s, pg_error *err)
{
    if (!s->in_tx)
        return pg_error_set(err, PG_ERR_USAGE, "%s: no transaction is open", s->path);
    pg_err e = pgs_bands_precommit(s, 0, err);
    if (e == PG_OK)
        e = pgs_run_sql(s, "COMMIT", "cannot commit", err);
    if (e == PG_OK) {
        s->in_tx = 0;
        pgs_bands_committed(s);
    } else {
        pg_store_tx_rollback(s);
    }
    return e;
}

void pg_store_tx_rollback(pg_store *s)
{
    if (s->in_tx) {
        pgs_run_sql(s, "ROLLBACK", "cannot roll back", NULL);
        pgs_bands_rollback(s);
    }
    s->in_tx = 0;
}

pg_err pg_store_add_match(pg_store *s, pg_key a, pg_key b, const char *rule,
                          double score, pg_error *err)
{
    unsigned char ab[16], bb[16];
    sqlite3_stmt *st = NULL;
    pg_err e = write_stmt(s, DS_ADD_MATCH, &st, err);
    if (e != PG_OK)
        return e;
    int rc = SQLITE_OK;
    pgs_bind_key(st, 1, a, ab, &rc);
    pgs_bind_key(st, 2, b, bb, &rc);
    pgs_bind_str(st, 3, rule, &rc);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_double(st, 4, score);
    return exec_bound(s, st, rc, "cannot record a match", err);
}

pg_err pg_store_set_paper(pg_store *s, pg_key text, const char *paper_id,
                          pg_error *err)
{
    unsigned char kb[16];
    sqlite3_stmt *st = NULL;
    pg_err e = write_stmt(s, DS_SET_PAPER, &st, err);
    if (e != PG_OK)
        return e;
    int rc = SQLITE_OK;
    pgs_bind_key(st, 1, text, kb, &rc);
    pgs_bind_str(st, 2, paper_id, &rc);
    return exec_bound(s, st, rc, "cannot record a paper", err);
}

pg_err pg_store_paper_of(pg_store *s, pg_key text, char id[PG_ID_HEX],
                         pg_error *err)
{
    unsigned char kb[16];
    int rc;
    pg_err e = PG_OK;
    id[0] = '\0';
    sqlite3_stmt *st = pgs_key_step(s, DS_PAPER_OF, ds_sql[DS_PAPER_OF], text, kb,
                                    &rc, err);
    if (st == NULL)
        return PG_ERR_DB;
    if (rc == SQLITE_ROW)
        snprintf(id, PG_ID_HEX, "%s", pgs_col_str(st, 0));
    else if (rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, "cannot read a paper", err);
    pgs_stmt_done(st);
    return e;
}

pg_err pg_store_rename_paper(pg_store *s, const char *from, const char *to,
                             pg_error *err)
{
    sqlite3_stmt *st = NULL;
    pg_err e = write_stmt(s, DS_RENAME_PAPER, &st, err);
    if (e != PG_OK)
        return e;
    int rc = SQLITE_OK;
    pgs_bind_str(st, 1, from, &rc);
    pgs_bind_str(st, 2, to, &rc);
    return exec_bound(s, st, rc, "cannot merge papers", err);
}

pg_err pg_store_clear_clusters(pg_store *s, pg_error *err)
{
    pg_err e = need_write(s, err);
    if (e == PG_OK)
        e = pgs_bands_clear(s, err);
    if (e == PG_OK)
        e = pgs_run_sql(s, "DELETE FROM matches", "cannot clear matches", err);
    if (e == PG_OK)
        e = pgs_run_sql(s, "DELETE FROM clusters", "cannot clear clusters", err);
    return e;
}

pg_err pg_store_foreach_text(pg_store *s, pg_key_fn fn, void *ctx, pg_error *err)
{
    sqlite3_stmt *st = NULL;
    pg_err e = PG_OK;
    int rc = sqlite3_prepare_v2(s->db, "SELECT key FROM texts ORDER BY key", -1,
                                &st, NULL);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
        pg_key k;
        if (pgs_col_key(st, 0, &k) && fn(ctx, k) != 0)
            goto out;
    }
    if (rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, "cannot read texts", err);
out:
    sqlite3_finalize(st);
    return e;
}

pg_err pg_store_get_setting(pg_store *s, const char *key, pg_buf *out,
                            int *found, pg_error *err)
{
    sqlite3_stmt *st = stmt(s, DS_GET_SETTING, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    pg_err e = PG_OK;
    *found = 0;
    pgs_bind_str(st, 1, key, &rc);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    if (rc == SQLITE_ROW) {
        *found = 1;
        if (pg_buf_puts(out, pgs_col_str(st, 0)) != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    } else if (rc != SQLITE_DONE) {
        e = pgs_db_fail(s, rc, "cannot read a setting", err);
    }
    pgs_stmt_done(st);
    return e;
}

pg_err pg_store_set_setting(pg_store *s, const char *key, const char *value,
                            pg_error *err)
{
    sqlite3_stmt *st = NULL;
    pg_err e = write_stmt(s, DS_SET_SETTING, &st, err);
    if (e != PG_OK)
        return e;
    int rc = SQLITE_OK;
    pgs_bind_str(st, 1, key, &rc);
    pgs_bind_str(st, 2, value, &rc);
    return exec_bound(s, st, rc, "cannot store a setting", err);
}

/* ---- text information -------------------------------------------------- */

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
    sqlite3_stmt *st = pgs_key_step(s, DS_TEXT_URLS, ds_sql[DS_TEXT_URLS], t->key, kb,
                                    &rc, err);
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
    t->authors = pgs_col_count(st, 6);
    t->year = sqlite3_column_type(st, 7) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 7);
    t->venue = dup_col(st, 8);
    if (!t->title || !t->abstract || !t->author_names || !t->venue)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    return PG_OK;
}

pg_err pg_store_text_info(pg_store *s, pg_key text, pg_text_info *out,
                          pg_error *err)
{
    unsigned char kb[16];
    memset(out, 0, sizeof *out);
    out->key = text;
    int rc;
    pg_err e = PG_OK;
    sqlite3_stmt *st = pgs_key_step(s, DS_TEXT_META, ds_sql[DS_TEXT_META], text, kb,
                                    &rc, err);
    if (st == NULL)
        return PG_ERR_DB;
    if (rc == SQLITE_ROW)
        e = read_meta_row(s, st, out, err);
    else if (rc == SQLITE_DONE)
        e = pg_error_set(err, PG_ERR_NOT_FOUND, "%s: no such text", s->path);
    else
        e = pgs_db_fail(s, rc, "cannot read a text", err);
    pgs_stmt_done(st);
    if (e == PG_OK)
        e = read_urls(s, out, err);
    if (e != PG_OK)
        pg_text_info_release(out);
    return e;
}
