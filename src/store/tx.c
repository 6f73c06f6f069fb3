/*
** tx.c: every transaction of the store: one file's (pg_store_file_begin ...
** pg_store_file_commit), a group of files sharing one (pg_store_group_files),
** a general one (pg_store_tx_begin, for `dedup`), and the hooks through
** which a stage above keeps its memory in step with them.
**
** Concurrency.  Each transaction is BEGIN IMMEDIATE ... COMMIT, so writers
** queue on the database's write lock and readers (WAL) never wait; a busy
** database is waited for (stmt.c).
**
** Failure inside a file transaction never commits a partial file: the
** transaction is rolled back by pg_store_file_rollback(), by a failing
** pg_store_file_commit(), by pg_store_close(), or, when the process dies,
** by SQLite itself (uncommitted WAL frames are ignored on the next open).
**
** Hooks run at each file's start (also inside a group), before each COMMIT
** (of a file, a group or a general transaction), after it, and after every
** rollback; each rollback also moves the store's generation.  The store's
** own held writes (the matches of clusters.c, the papers of placing.c) go
** in before the hooks run and are dropped with a rollback.
*/
#include <stdlib.h>

#include "store/db.h"

static const char begin_sql[] = "BEGIN IMMEDIATE";
static const char commit_sql[] = "COMMIT";
static const char rollback_sql[] = "ROLLBACK";

/* Runs one of the three, prepared once and kept. */
static pg_err run_kept(pg_store *s, const char *sql, const char *what, pg_error *err)
{
    sqlite3_stmt *st = pgs_kept(s, sql, err);
    if (st == NULL)
        return err != NULL ? err->code : PG_ERR_DB;
    int rc = pgs_step_retry(st);
    pg_err e = rc == SQLITE_DONE ? PG_OK : pgs_db_fail(s, rc, what, err);
    pgs_stmt_done(st);
    return e;
}

/* ---- the store's own held writes --------------------------------------- */

pg_err pgs_deferred_flush(pg_store *s, pg_error *err)
{
    pg_err e = pgs_matches_flush(s, err);
    if (e == PG_OK)
        e = pgs_placing_flush(s, err);
    return e;
}

void pgs_deferred_drop(pg_store *s)
{
    pgs_matches_drop(s);
    pgs_placing_drop(s);
}

/* ---- hooks ------------------------------------------------------------- */

pg_err pg_store_add_tx_hooks(pg_store *s, const pg_tx_hooks *h, void *ctx,
                             pg_error *err)
{
    pgs_hooks *v = realloc(s->hooks, (s->n_hooks + 1) * sizeof *v);
    if (v == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    s->hooks = v;
    s->hooks[s->n_hooks++] = (pgs_hooks){ h, ctx };
    return PG_OK;
}

void *pg_store_tx_ctx(const pg_store *s, const pg_tx_hooks *h)
{
    for (size_t i = 0; i < s->n_hooks; i++)
        if (s->hooks[i].h == h)
            return s->hooks[i].ctx;
    return NULL;
}

void pgs_hooks_free(pg_store *s)
{
    for (size_t i = 0; i < s->n_hooks; i++)
        if (s->hooks[i].h->free != NULL)
            s->hooks[i].h->free(s->hooks[i].ctx);
    free(s->hooks);
    s->hooks = NULL;
    s->n_hooks = 0;
}

static pg_err hooks_begin(pg_store *s, pg_error *err)
{
    pg_err e = PG_OK;
    for (size_t i = 0; i < s->n_hooks && e == PG_OK; i++)
        if (s->hooks[i].h->begin != NULL)
            e = s->hooks[i].h->begin(s->hooks[i].ctx, s, err);
    return e;
}

static pg_err hooks_precommit(pg_store *s, pg_error *err)
{
    pg_err e = pgs_deferred_flush(s, err);
    for (size_t i = 0; i < s->n_hooks && e == PG_OK; i++)
        if (s->hooks[i].h->precommit != NULL)
            e = s->hooks[i].h->precommit(s->hooks[i].ctx, s, err);
    return e;
}

static void hooks_committed(pg_store *s)
{
    for (size_t i = 0; i < s->n_hooks; i++)
        if (s->hooks[i].h->committed != NULL)
            s->hooks[i].h->committed(s->hooks[i].ctx, s);
}

static void hooks_rolled_back(pg_store *s)
{
    s->generation++;
    pgs_deferred_drop(s);
    for (size_t i = 0; i < s->n_hooks; i++)
        if (s->hooks[i].h->rolled_back != NULL)
            s->hooks[i].h->rolled_back(s->hooks[i].ctx, s);
}

unsigned long long pg_store_generation(const pg_store *s)
{
    return s->generation;
}

int pg_store_in_write(const pg_store *s)
{
    return s->in_file || s->in_tx || s->group_open;
}

/* ---- plain transactions (opening, closing) ----------------------------- */

pg_err pgs_begin(pg_store *s, const char *what, pg_error *err)
{
    return pgs_run_sql(s, begin_sql, what, err);
}

pg_err pgs_commit(pg_store *s, const char *what, pg_error *err)
{
    return pgs_run_sql(s, commit_sql, what, err);
}

/* Safe when SQLite has already rolled back on its own (after some errors
 * it does) or nothing was begun. */
void pgs_rollback(pg_store *s)
{
    if (s->db != NULL && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, rollback_sql, NULL, NULL, NULL);
}

/* ROLLBACK with the kept statement, when a transaction is open (as such
 * when the statement cannot be had). */
static void rollback(pg_store *s)
{
    if (sqlite3_get_autocommit(s->db))
        return;
    if (run_kept(s, rollback_sql, "cannot roll back", NULL) != PG_OK &&
        !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, rollback_sql, NULL, NULL, NULL);
}

/* ---- one file's transaction -------------------------------------------- */

/* Ends the open file's transaction without keeping anything. */
static void end_file(pg_store *s)
{
    if (s->group_open) {
        /* The group goes with the file (see pg_store_group_files). */
        s->group_open = 0;
        s->group_files = 0;
        s->group_bytes = 0;
    }
    rollback(s);
    hooks_rolled_back(s);
    s->in_file = 0;
    s->file_id = 0;
}

pg_err pg_store_file_begin(pg_store *s, const char *path, const char *format,
                           long long *file_id, pg_error *err)
{
    *file_id = 0;
    if (s->in_file)
        return pgs_usage(s, "a file transaction is already open", err);
    if (path == NULL || format == NULL)
        return pgs_usage(s, "a file needs a path and a format", err);
    pg_err e = PG_OK;
    if (!s->group_open) {
        e = run_kept(s, begin_sql, "cannot start a transaction", err);
        s->group_open = e == PG_OK && s->group_max > 0;
        if (e == PG_OK)
            pgs_known_begin(s);
    }
    if (e != PG_OK)
        return e;
    s->in_file = 1;
    e = pgs_new_file(s, path, format, &s->file_id, err);
    if (e == PG_OK)
        e = hooks_begin(s, err);
    if (e != PG_OK) {
        end_file(s);
        return e;
    }
    *file_id = s->file_id;
    return PG_OK;
}

pg_err pg_store_file_commit(pg_store *s, long long file_id, pg_key content,
                            const pg_file_counts *counts, int *dup,
                            pg_buf *dup_path, pg_error *err)
{
    int found = 0;
    pg_err rc = PG_OK;
    *dup = 0;
    if ((rc = pgs_need_file(s, err)) != PG_OK)
        return rc;
    if (file_id != s->file_id || counts == NULL) {
        rc = pgs_usage(s, file_id != s->file_id ? "commit of a file that is not open"
                                                : "no file counts given", err);
        goto out;
    }
    /* We hold the write lock: no one can commit this content between the
     * look-up and our COMMIT (and content_key is UNIQUE anyway). */
    rc = pg_store_find_file(s, content, dup_path, &found, err);
    if (rc != PG_OK || found)
        goto out;
    rc = pgs_finish_file(s, content, counts, err);
    if (rc == PG_OK && s->group_open) {
        s->in_file = 0;
        s->file_id = 0;
        s->group_files++;
        s->group_bytes += counts->size;
        if (s->group_bytes >= s->group_max || s->group_max == 0)
            rc = pg_store_flush(s, err);
        goto out;
    }
    if (rc == PG_OK)
        rc = hooks_precommit(s, err);
    if (rc == PG_OK)
        rc = run_kept(s, commit_sql, "cannot commit the file", err);
    if (rc == PG_OK) {
        s->in_file = 0;
        s->file_id = 0;
        hooks_committed(s);
    }
out:
    *dup = rc == PG_OK && found;
    if (s->in_file)             /* a duplicate or a failure: keep nothing */
        end_file(s);
    return rc;
}

void pg_store_file_rollback(pg_store *s)
{
    if (s != NULL && s->in_file)
        end_file(s);
}

/* Writes of an ingest belong to a file transaction: outside one each row
 * would commit on its own and a file could end up in the database in part. */
pg_err pgs_need_file(pg_store *s, pg_error *err)
{
    return s->in_file ? PG_OK : pgs_usage(s, "no file transaction is open", err);
}

/* ---- groups of files --------------------------------------------------- */

void pg_store_group_files(pg_store *s, unsigned long long max_bytes)
{
    s->group_max = max_bytes;
    if (max_bytes > 0)
        pgs_ckpt_begin(s);
    else
        pgs_ckpt_end(s);
}

int pg_store_unflushed(const pg_store *s)
{
    return s->group_open ? s->group_files : 0;
}

pg_err pg_store_flush(pg_store *s, pg_error *err)
{
    if (!s->group_open)
        return PG_OK;
    if (s->in_file)
        return pgs_usage(s, "cannot flush inside a file transaction", err);
    pg_err rc = hooks_precommit(s, err);
    if (rc == PG_OK)
        rc = run_kept(s, commit_sql, "cannot commit the ingested files", err);
    if (rc == PG_OK) {
        hooks_committed(s);
    } else {
        rollback(s);
        hooks_rolled_back(s);
    }
    s->group_open = 0;
    s->group_files = 0;
    s->group_bytes = 0;
    return rc;
}

/* ---- general transactions ---------------------------------------------- */

pg_err pg_store_tx_begin(pg_store *s, pg_error *err)
{
    if (s->in_file || s->in_tx)
        return pgs_usage(s, "a transaction is already open", err);
    pg_err e = pg_store_flush(s, err);
    if (e == PG_OK)
        e = run_kept(s, begin_sql, "cannot start a transaction", err);
    if (e == PG_OK)
        pgs_known_begin(s);
    s->in_tx = e == PG_OK;
    if (e == PG_OK && (e = hooks_begin(s, err)) != PG_OK)
        pg_store_tx_rollback(s);
    return e;
}

pg_err pg_store_tx_commit(pg_store *s, pg_error *err)
{
    if (!s->in_tx)
        return pgs_usage(s, "no transaction is open", err);
    pg_err e = hooks_precommit(s, err);
    if (e == PG_OK)
        e = run_kept(s, commit_sql, "cannot commit", err);
    if (e == PG_OK) {
        s->in_tx = 0;
        hooks_committed(s);
    } else {
        pg_store_tx_rollback(s);
    }
    return e;
}

void pg_store_tx_rollback(pg_store *s)
{
    if (s->in_tx) {
        rollback(s);
        hooks_rolled_back(s);
    }
    s->in_tx = 0;
}
