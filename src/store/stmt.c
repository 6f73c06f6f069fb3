/*
** stmt.c: the store's SQLite helpers (errors, waiting out a busy database,
** binders, columns, statements kept for the connection's life) and, over
** them, the generic statement API of store/internal.h through which a stage
** above keeps tables of its own without seeing SQLite.
**
** A writer waits up to BUSY_TIMEOUT_MS in SQLite's busy handler (db.c sets
** it); if the database is still busy (another process ingesting a huge
** file) pgs_step_retry() keeps trying for up to BUSY_RETRY_MS more, so the
** user sees slowness rather than "database is locked".
*/
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db.h"

#define BUSY_RETRY_MS 600000        /* after SQLite's own wait, before giving up */

/* ---- errors ------------------------------------------------------------ */

/* "PATH: what: SQLite's message".  sqlite3_errmsg describes the last failed
 * call on the connection; a failed bind may not have set it, hence errstr. */
pg_err pgs_db_fail(pg_store *s, int rc, const char *what, pg_error *err)
{
    const char *msg = (sqlite3_errcode(s->db) & 0xff) == (rc & 0xff)
        ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    pg_err code = (rc & 0xff) == SQLITE_NOMEM ? PG_ERR_NOMEM : PG_ERR_DB;
    return pg_error_set(err, code, "%s: %s: %s", s->path, what, msg);
}

pg_err pgs_usage(pg_store *s, const char *what, pg_error *err)
{
    return pg_error_set(err, PG_ERR_USAGE, "%s: %s", s->path, what);
}

pg_err pgs_no_text(pg_store *s, const char *what, pg_error *err)
{
    return pg_error_set(err, PG_ERR_NOT_FOUND, "%s: %s: no such text", s->path, what);
}

pg_err pgs_need_write(pg_store *s, pg_error *err)
{
    if (pg_store_in_write(s))
        return PG_OK;
    return pg_error_set(err, PG_ERR_USAGE, "%s: cluster tables written outside "
                        "a transaction", s->path);
}

pg_err pgs_exec_bound(pg_store *s, sqlite3_stmt *st, int rc, const char *what,
                      pg_error *err)
{
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    pg_err e = rc == SQLITE_DONE ? PG_OK : pgs_db_fail(s, rc, what, err);
    pgs_stmt_done(st);
    return e;
}

const char *pg_store_path(const pg_store *s)
{
    return s->path;
}

/* ---- stepping ---------------------------------------------------------- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* sqlite3_step that outlasts a busy database.  The busy handler has already
 * waited when SQLITE_BUSY comes back; some waits (a lock held for longer,
 * WAL recovery, switching journal mode) never reach the handler at all.
 * Only for the first step of a statement: a BUSY later in a walk would
 * restart it. */
int pgs_step_retry(sqlite3_stmt *st)
{
    long long deadline = 0;
    long pause = 1;
    for (;;) {
        int rc = sqlite3_step(st);
        if ((rc & 0xff) != SQLITE_BUSY)
            return rc;
        long long now = now_ms();
        if (deadline == 0)
            deadline = now + BUSY_RETRY_MS;
        else if (now >= deadline)
            return rc;
        sqlite3_reset(st);
        sleep_ms(pause);
        pause = pause < 64 ? pause * 2 : 100;
    }
}

/* Readies a kept statement for its next use.  A statement left unreset
 * would hold a read snapshot open; cleared bindings drop the pointers into
 * the caller's memory that SQLITE_STATIC bound. */
void pgs_stmt_done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

pg_err pgs_write_row(pg_store *s, sqlite3_stmt *st, int rc, const char *what,
                     pg_error *err)
{
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    pg_err e = rc == SQLITE_DONE ? PG_OK : pgs_db_fail(s, rc, what, err);
    pgs_stmt_done(st);
    return e;
}

/* Runs SQL of our own (no parameters, results ignored) with step_retry. */
pg_err pgs_run_sql(pg_store *s, const char *sql, const char *what, pg_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = pgs_step_retry(st);
        while (rc == SQLITE_ROW)
            rc = sqlite3_step(st);
    }
    pg_err e = rc == SQLITE_DONE ? PG_OK : pgs_db_fail(s, rc, what, err);
    sqlite3_finalize(st);
    return e;
}

int pgs_step_key(sqlite3_stmt *st, pg_key key, unsigned char kb[16])
{
    int rc = SQLITE_OK;
    pgs_bind_key(st, 1, key, kb, &rc);
    return rc == SQLITE_OK ? pgs_step_retry(st) : rc;
}

/* ---- binders and columns ----------------------------------------------- */

/* The bind helpers do nothing once *rc holds an error, so a statement's
 * parameters are bound in a row and checked once. */
void pgs_bind_int(sqlite3_stmt *st, int i, long long v, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_int64(st, i, v);
}

/* Negative numbers mean "absent" in pg_record: NULL. */
void pgs_bind_count(sqlite3_stmt *st, int i, long long v, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = v < 0 ? sqlite3_bind_null(st, i) : sqlite3_bind_int64(st, i, v);
}

void pgs_bind_text(sqlite3_stmt *st, int i, const char *p, size_t n, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_text64(st, i, p ? p : "", p ? n : 0, SQLITE_STATIC,
                                  SQLITE_UTF8);
}

void pgs_bind_str(sqlite3_stmt *st, int i, const char *p, int *rc)
{
    pgs_bind_text(st, i, p, p ? strlen(p) : 0, rc);
}

/* "" (or NULL) means "absent": NULL. */
void pgs_bind_opt_str(sqlite3_stmt *st, int i, const char *p, int *rc)
{
    if (*rc == SQLITE_OK && (p == NULL || p[0] == '\0'))
        *rc = sqlite3_bind_null(st, i);
    else
        pgs_bind_str(st, i, p, rc);
}

/* buf must live until the statement is reset: it is bound SQLITE_STATIC. */
void pgs_bind_key(sqlite3_stmt *st, int i, pg_key k, unsigned char buf[16], int *rc)
{
    pg_key_to_bytes(k, buf);
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_blob(st, i, buf, 16, SQLITE_STATIC);
}

const char *pgs_col_str(sqlite3_stmt *st, int i)
{
    const char *p = (const char *)sqlite3_column_text(st, i);
    return p ? p : "";
}

/* NULL (absent) is -1, as in pg_record. */
int pgs_col_count(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return -1;
    long long v = sqlite3_column_int64(st, i);
    return v < 0 ? -1 : v > INT_MAX ? INT_MAX : (int)v;
}

int pgs_col_key(sqlite3_stmt *st, int i, pg_key *out)
{
    const void *b = sqlite3_column_blob(st, i);
    if (b == NULL || sqlite3_column_bytes(st, i) != 16)
        return 0;
    *out = pg_key_from_bytes(b);
    return 1;
}

/* ---- kept statements --------------------------------------------------- */

/* Looked up by the address of their SQL, among the few dozen a connection
 * keeps: a linear search costs less than hashing the text would. */
sqlite3_stmt *pgs_kept(pg_store *s, const char *sql, pg_error *err)
{
    for (size_t i = 0; i < s->n_kept; i++)
        if (s->kept[i].sql == sql)
            return s->kept[i].st;
    if (s->n_kept == s->cap_kept) {
        size_t cap = s->cap_kept ? s->cap_kept * 2 : 16;
        pgs_kept_stmt *v = realloc(s->kept, cap * sizeof *v);
        if (v == NULL) {
            pg_error_set(err, PG_ERR_NOMEM, "out of memory");
            return NULL;
        }
        s->kept = v;
        s->cap_kept = cap;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        pgs_db_fail(s, rc, "cannot prepare a statement", err);
        sqlite3_finalize(st);
        return NULL;
    }
    s->kept[s->n_kept++] = (pgs_kept_stmt){ sql, st };
    return st;
}

void pgs_kept_free(pg_store *s)
{
    for (size_t i = 0; i < s->n_kept; i++)
        sqlite3_finalize(s->kept[i].st);
    free(s->kept);
    s->kept = NULL;
    s->n_kept = s->cap_kept = 0;
}

sqlite3_stmt *pgs_key_step(pg_store *s, const char *sql, pg_key key,
                           unsigned char kb[16], int *rc, pg_error *err)
{
    sqlite3_stmt *st = pgs_kept(s, sql, err);
    if (st != NULL)
        *rc = pgs_step_key(st, key, kb);
    return st;
}

/* ---- the generic statement API (store/internal.h) ------------------------
 * A pg_stmt is an sqlite3_stmt under another name, so that the stages above
 * need no SQLite header. */

static sqlite3_stmt *sq(pg_stmt *st)
{
    return (sqlite3_stmt *)(void *)st;
}

pg_stmt *pg_store_stmt(pg_store *s, const char *sql, pg_error *err)
{
    return (pg_stmt *)(void *)pgs_kept(s, sql, err);
}

void pg_stmt_bind_int(pg_stmt *st, int i, long long v, int *rc)
{
    pgs_bind_int(sq(st), i, v, rc);
}

void pg_stmt_bind_blob(pg_stmt *st, int i, const void *p, size_t n, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = n > INT_MAX ? SQLITE_TOOBIG
                          : sqlite3_bind_blob(sq(st), i, p, (int)n, SQLITE_STATIC);
}

void pg_stmt_bind_text(pg_stmt *st, int i, const char *p, size_t n, int *rc)
{
    pgs_bind_text(sq(st), i, p, n, rc);
}

void pg_stmt_bind_key(pg_stmt *st, int i, pg_key k, unsigned char kb[16], int *rc)
{
    pgs_bind_key(sq(st), i, k, kb, rc);
}

pg_err pg_stmt_step(pg_store *s, pg_stmt *st, int rc, int *row, const char *what,
                    pg_error *err)
{
    *row = 0;
    if (rc == SQLITE_OK)
        rc = sqlite3_stmt_busy(sq(st)) ? sqlite3_step(sq(st)) : pgs_step_retry(sq(st));
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        *row = rc == SQLITE_ROW;
        return PG_OK;
    }
    return pgs_db_fail(s, rc, what, err);
}

pg_err pg_stmt_exec(pg_store *s, pg_stmt *st, int rc, const char *what,
                    pg_error *err)
{
    int row = 0;
    pg_err e = pg_stmt_step(s, st, rc, &row, what, err);
    pg_stmt_done(st);
    return e;
}

void pg_stmt_done(pg_stmt *st)
{
    pgs_stmt_done(sq(st));
}

long long pg_stmt_int(pg_stmt *st, int i)
{
    return sqlite3_column_int64(sq(st), i);
}

const void *pg_stmt_blob(pg_stmt *st, int i, size_t *n)
{
    const void *b = NULL;
    if (sqlite3_column_type(sq(st), i) == SQLITE_BLOB)
        b = sqlite3_column_blob(sq(st), i);
    *n = b != NULL ? (size_t)sqlite3_column_bytes(sq(st), i) : 0;
    return b;
}

const char *pg_stmt_text(pg_stmt *st, int i)
{
    return pgs_col_str(sq(st), i);
}

int pg_stmt_key(pg_stmt *st, int i, pg_key *out)
{
    return pgs_col_key(sq(st), i, out);
}

pg_err pg_store_exec(pg_store *s, const char *sql, const char *what, pg_error *err)
{
    return pgs_run_sql(s, sql, what, err);
}
