/*
** store.c: the SQLite database of papergraph (see store.h and schema.c); the
** only file that includes sqlite3.h.
**
** Opening looks before it writes.  An existing file is first checked by hand
** (a regular file?  readable?  the SQLite magic?), then read through SQLite:
** PRAGMA application_id, user_version and whether sqlite_master has objects.
** Only a papergraph database or an empty one goes further; anything else is
** closed untouched.  Then WAL mode, the migrations of schema.c in one
** transaction, and the statements of the ingest path, prepared once.
**
** Concurrency.  Each input file is one BEGIN IMMEDIATE ... COMMIT
** transaction, so writers queue on the database's write lock and readers
** (WAL) never wait.  A writer waits up to BUSY_TIMEOUT_MS in SQLite's busy
** handler; if the database is still busy (another process ingesting a huge
** file) pgs_step_retry() keeps trying for up to BUSY_RETRY_MS more, so the user
** sees slowness rather than "database is locked".
**
** Failure inside a file transaction never commits a partial file: the
** transaction is rolled back by pg_store_file_rollback(), by a failing
** pg_store_file_commit(), by pg_store_close(), or, when the process dies,
** by SQLite itself (uncommitted WAL frames are ignored on the next open).
**
** Untrusted text (titles, paths, URLs...) reaches SQL only as bound
** parameters.  The schema of an opened file is not trusted either
** (SQLITE_DBCONFIG_TRUSTED_SCHEMA off, DEFENSIVE on).
**
** A pg_store is used by one thread at a time (SQLITE_OPEN_NOMUTEX).
*/
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>
#include <zstd.h>

#include "papergraph/store.h"
#include "store/internal.h"

#define BUSY_TIMEOUT_MS 30000       /* SQLite's own wait for a lock */
#define BUSY_RETRY_MS 600000        /* then ours, before giving up */
#define CACHE_KIB 262144            /* page cache, at most: hash-keyed indexes are read at random */
#define MMAP_BYTES 1073741824       /* reads through the OS page cache, without a copy per page */
#define WAL_LIMIT_BYTES 67108864    /* truncate the WAL back to this after a big file */
#define CHECK_DETAIL_MAX 10         /* problems reported by pg_store_check */


static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_FIND_FILE] = "SELECT path FROM files WHERE content_key = ?1",
    [ST_NEW_FILE] =
        "INSERT INTO files (path, format, ingested_at)"
        " VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    [ST_END_FILE] =
        "UPDATE files SET content_key = ?2, size = ?3, day = ?4, entries = ?5,"
        " new_texts = ?6, warnings = ?7 WHERE id = ?1 AND content_key IS NULL",
    [ST_HAS_TEXT] = "SELECT id FROM texts WHERE key = ?1",
    [ST_ADD_TEXT] =
        "INSERT INTO texts (key, norm_key, title, abstract, truncated, author_names)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    /* Every text has a paper from the start: its own, named by its
     * normalised key (pg_key_to_id); the dedup stage may then merge it into
     * another.  A plain INSERT with both values bound: the text is new, so a
     * clusters row for it would be a fault, and OR REPLACE with the id and
     * the hex computed in SQL cost three times as much (8.2 against 2.6 us
     * a row, measured over a bulk ingest). */
    [ST_ADD_CLUSTER] = "INSERT INTO clusters (text_id, paper_id) VALUES (?1, ?2)",
    [ST_ADD_URL] = "INSERT OR IGNORE INTO text_urls (text_key, url) VALUES (?1, ?2)",
    [ST_ADD_OCC] =
        "INSERT INTO occurrences (file_id, line, day, day_label, text_id,"
        " authors, upvotes, pub_date, date_raw, venue, ext_id)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    /* One statement, so the five numbers come from one snapshot. */
    [ST_STATS] =
        "SELECT (SELECT count(*) FROM files WHERE content_key IS NOT NULL),"
        " (SELECT count(*) FROM occurrences),"
        " (SELECT count(*) FROM texts),"
        " (SELECT count(DISTINCT paper_id) FROM paper_of_text),"
        " (SELECT count(DISTINCT day) FROM occurrences WHERE day <> '')",
};

/* Prepared per call, not kept: a walk may outlive other calls and a
 * callback may even start another walk. */
static const char occurrences_sql[] =
    "SELECT f.path, o.line, o.day, o.day_label, c.paper_id, t.key,"
    " t.title, o.authors, o.upvotes, o.pub_date, o.date_raw, o.ext_id"
    " FROM occurrences AS o"
    " JOIN files AS f ON f.id = o.file_id"
    " JOIN texts AS t ON t.id = o.text_id"
    " JOIN clusters AS c ON c.text_id = o.text_id"
    " ORDER BY o.day, f.path, o.file_id, o.line";

static const char ident_sql[] =
    "SELECT (SELECT application_id FROM pragma_application_id),"
    " (SELECT user_version FROM pragma_user_version),"
    " (SELECT count(*) FROM sqlite_master)";


/* What a database file says it is. */
typedef struct db_ident {
    long long app_id;
    long long version;
    long long objects;          /* rows of sqlite_master */
} db_ident;

/* ---- errors and statement helpers -------------------------------------- */

/* "PATH: what: SQLite's message".  sqlite3_errmsg describes the last failed
 * call on the connection; a failed bind may not have set it, hence errstr. */
pg_err pgs_db_fail(pg_store *s, int rc, const char *what, pg_error *err)
{
    const char *msg = (sqlite3_errcode(s->db) & 0xff) == (rc & 0xff)
        ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    pg_err code = (rc & 0xff) == SQLITE_NOMEM ? PG_ERR_NOMEM : PG_ERR_DB;
    return pg_error_set(err, code, "%s: %s: %s", s->path, what, msg);
}

static pg_err usage(pg_store *s, const char *what, pg_error *err)
{
    return pg_error_set(err, PG_ERR_USAGE, "%s: %s", s->path, what);
}

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
 * waited BUSY_TIMEOUT_MS when SQLITE_BUSY comes back; some waits (a lock
 * held for longer, WAL recovery, switching journal mode) never reach the
 * handler at all.  Only for the first step of a statement: a BUSY later in
 * a walk would restart it. */
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

/* Runs a kept statement that returns no rows. */
static pg_err run(pg_store *s, int id, const char *what, pg_error *err)
{
    sqlite3_stmt *st = s->st[id];
    int rc = pgs_step_retry(st);
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

/* A text column; NULL reads as "". */
const char *pgs_col_str(sqlite3_stmt *st, int i)
{
    const char *p = (const char *)sqlite3_column_text(st, i);
    return p ? p : "";
}

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
void pgs_bind_key(sqlite3_stmt *st, int i, pg_key k, unsigned char buf[16],
                     int *rc)
{
    pg_key_to_bytes(k, buf);
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_blob(st, i, buf, 16, SQLITE_STATIC);
}

sqlite3_stmt *pgs_stmt(pg_store *s, int id, const char *sql, pg_error *err)
{
    if (s->ds[id] == NULL) {
        int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                    &s->ds[id], NULL);
        if (rc != SQLITE_OK) {
            pgs_db_fail(s, rc, "cannot prepare a statement", err);
            sqlite3_finalize(s->ds[id]);
            s->ds[id] = NULL;
        }
    }
    return s->ds[id];
}

sqlite3_stmt *pgs_key_step(pg_store *s, int id, const char *sql, pg_key key,
                           unsigned char kb[16], int *rc, pg_error *err)
{
    sqlite3_stmt *st = pgs_stmt(s, id, sql, err);
    if (st != NULL)
        *rc = pgs_step_key(st, key, kb);
    return st;
}

int pgs_step_key(sqlite3_stmt *st, pg_key key, unsigned char kb[16])
{
    int rc = SQLITE_OK;
    pgs_bind_key(st, 1, key, kb, &rc);
    return rc == SQLITE_OK ? pgs_step_retry(st) : rc;
}

int pgs_col_key(sqlite3_stmt *st, int i, pg_key *out)
{
    const void *b = sqlite3_column_blob(st, i);
    if (b == NULL || sqlite3_column_bytes(st, i) != 16)
        return 0;
    *out = pg_key_from_bytes(b);
    return 1;
}

/* ---- opening ----------------------------------------------------------- */

/* Looks at path before SQLite does: usual file errors get usual messages,
 * and a file that is plainly not SQLite is never handed to it.  *exists is
 * 0 when there is no file yet (it will be created). */
static pg_err precheck(const char *path, int *exists, pg_error *err)
{
    static const char magic[16] = "SQLite format 3";    /* with its NUL */
    char head[16];
    struct stat sb;
    *exists = 0;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT)
            return PG_OK;
        return pg_error_set(err, PG_ERR_IO, "%s: %s", path, strerror(errno));
    }
    *exists = 1;
    if (S_ISDIR(sb.st_mode))
        return pg_error_set(err, PG_ERR_IO, "%s: is a directory", path);
    if (!S_ISREG(sb.st_mode))
        return pg_error_set(err, PG_ERR_IO, "%s: not a regular file", path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return pg_error_set(err, PG_ERR_IO, "%s: %s", path, strerror(errno));
    ssize_t n = read(fd, head, sizeof head);
    int read_errno = errno;
    close(fd);
    if (n < 0)
        return pg_error_set(err, PG_ERR_IO, "%s: %s", path, strerror(read_errno));
    if (n == 0)                 /* an empty file is an empty database */
        return PG_OK;
    if ((size_t)n < sizeof head || memcmp(head, magic, sizeof head) != 0)
        return pg_error_set(err, PG_ERR_NOT_PG_DB, "%s: not a papergraph database", path);
    return PG_OK;
}

/* SQLite (built with URI filenames on) would read "file:..." as a URI and
 * ":memory:" as no file at all; "./" keeps them plain relative names. */
static char *sqlite_name(const char *path)
{
    int plain = strncmp(path, "file:", 5) != 0 && strcmp(path, ":memory:") != 0;
    size_t n = strlen(path);
    char *name = malloc(n + 3);
    if (name != NULL)
        snprintf(name, n + 3, "%s%s", plain ? "" : "./", path);
    return name;
}

static pg_err connect_db(pg_store *s, int exists, pg_error *err)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
                (exists ? 0 : SQLITE_OPEN_CREATE);
    char *name = sqlite_name(s->path);
    if (name == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    int rc = sqlite3_open_v2(name, &s->db, flags, NULL);
    free(name);
    if (s->db == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (rc == SQLITE_CANTOPEN) {
        /* "unable to open database file" says less than the errno behind it. */
        int sys = sqlite3_system_errno(s->db);
        return pg_error_set(err, PG_ERR_IO, "%s: cannot %s: %s", s->path,
                            exists ? "open" : "create",
                            sys ? strerror(sys) : sqlite3_errmsg(s->db));
    }
    if (rc != SQLITE_OK)
        return pgs_db_fail(s, rc, "cannot open", err);
    /* Connection settings only: nothing here touches the file. */
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    rc = sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    if (rc != SQLITE_OK)
        return pgs_db_fail(s, rc, "cannot configure the connection", err);
    return PG_OK;
}

/* Reads what the database says it is.  Only reads: on a file that is not
 * ours nothing has been written when this fails. */
static pg_err read_ident(pg_store *s, db_ident *id, pg_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, ident_sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    if (rc == SQLITE_ROW) {
        id->app_id = sqlite3_column_int64(st, 0);
        id->version = sqlite3_column_int64(st, 1);
        id->objects = sqlite3_column_int64(st, 2);
        rc = SQLITE_OK;
    }
    pg_err e = PG_OK;
    if (rc == SQLITE_NOTADB)
        e = pg_error_set(err, PG_ERR_NOT_PG_DB, "%s: not a papergraph database", s->path);
    else if (rc != SQLITE_OK)
        e = pgs_db_fail(s, rc, "cannot read the database header", err);
    sqlite3_finalize(st);
    return e;
}

/* Ours (any version this build can read) or empty: PG_OK.  Another
 * application's database, even one with no tables yet but its own
 * application_id, is refused. */
static pg_err classify(pg_store *s, const db_ident *id, pg_error *err)
{
    if (id->app_id == PG_APPLICATION_ID) {
        if (id->version > PG_SCHEMA_VERSION)
            return pg_error_set(err, PG_ERR_DB_VERSION,
                                "%s: schema version %lld is newer than this "
                                "papergraph supports (%d)", s->path,
                                id->version, PG_SCHEMA_VERSION);
        return PG_OK;
    }
    if (id->app_id == 0 && id->version == 0 && id->objects == 0)
        return PG_OK;
    return pg_error_set(err, PG_ERR_NOT_PG_DB, "%s: not a papergraph database", s->path);
}

/* WAL lets readers (export, stats) run while a file is ingested; NORMAL
 * sync is crash-safe in WAL mode and costs no fsync per commit. */
static pg_err configure(pg_store *s, pg_error *err)
{
    sqlite3_stmt *st = NULL;
    /* Pages of 8 KiB for a new database (an existing one keeps its own):
     * half the page writes of the default 4 KiB for a bulk ingest, which
     * writes whole pages anyway (measured 6% faster end to end). */
    int rc = sqlite3_exec(s->db, "PRAGMA page_size = 8192", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return pgs_db_fail(s, rc, "cannot configure the database", err);
    rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    const char *mode = rc == SQLITE_ROW ? pgs_col_str(st, 0) : "";
    pg_err e = PG_OK;
    if (rc != SQLITE_ROW)
        e = pgs_db_fail(s, rc, "cannot switch to WAL mode", err);
    else if (strcmp(mode, "wal") != 0)
        e = pg_error_set(err, PG_ERR_DB, "%s: cannot switch to WAL mode: "
                         "journal mode stays %s", s->path, mode);
    sqlite3_finalize(st);
    if (e != PG_OK)
        return e;
    /* Statement journals and sorts stay in memory: a temporary file per
     * multi-row statement costs more than the statement.  Debian builds
     * SQLite with SECURE_DELETE, which zeroes every freed cell and page (a
     * band bucket rewritten, a row replaced); nothing here is secret, and
     * upstream's default is off. */
    char sql[320];
    snprintf(sql, sizeof sql, "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -%d;"
             " PRAGMA journal_size_limit = %d; PRAGMA temp_store = MEMORY;"
             " PRAGMA wal_autocheckpoint = 16384; PRAGMA mmap_size = %d;"
             " PRAGMA secure_delete = OFF;",
             CACHE_KIB, WAL_LIMIT_BYTES, MMAP_BYTES);
    rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? PG_OK : pgs_db_fail(s, rc, "cannot configure the database", err);
}

/* Inside the migration transaction: migrations from->PG_SCHEMA_VERSION. */
static pg_err apply_migrations(pg_store *s, long long from, pg_error *err)
{
    char sql[96], what[64];
    for (int v = (int)from + 1; v <= PG_SCHEMA_VERSION; v++) {
        snprintf(what, sizeof what, "cannot upgrade the schema to version %d", v);
        int rc = sqlite3_exec(s->db, pg_schema_migration(v), NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return pgs_db_fail(s, rc, what, err);
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
        rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return pgs_db_fail(s, rc, what, err);
    }
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d", PG_APPLICATION_ID);
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? PG_OK : pgs_db_fail(s, rc, "cannot set the application id", err);
}

/* A migration that rebuilds a table runs with foreign keys off (they are
 * switched on after), so check them before committing it. */
static pg_err check_foreign_keys(pg_store *s, pg_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    pg_err e = PG_OK;
    if (rc == SQLITE_ROW)
        e = pg_error_set(err, PG_ERR_DB, "%s: schema upgrade broke a foreign key "
                         "in table %s", s->path, (const char *)sqlite3_column_text(st, 0));
    else if (rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, "cannot check foreign keys", err);
    sqlite3_finalize(st);
    return e;
}

/* Brings the schema to PG_SCHEMA_VERSION in one transaction.  The state is
 * read again under the write lock: another process may have created or
 * upgraded the database since we looked. */
static pg_err migrate(pg_store *s, const db_ident *seen, pg_error *err)
{
    if (seen->app_id == PG_APPLICATION_ID && seen->version == PG_SCHEMA_VERSION)
        return PG_OK;
    db_ident id;
    pg_err rc = pgs_run_sql(s, "BEGIN IMMEDIATE", "cannot start the schema upgrade", err);
    if (rc != PG_OK)
        return rc;
    rc = read_ident(s, &id, err);
    if (rc == PG_OK)
        rc = classify(s, &id, err);
    if (rc == PG_OK && id.version < PG_SCHEMA_VERSION)
        rc = apply_migrations(s, id.version, err);
    if (rc == PG_OK)
        rc = check_foreign_keys(s, err);
    if (rc == PG_OK)
        rc = pgs_run_sql(s, "COMMIT", "cannot commit the schema upgrade", err);
    if (rc != PG_OK && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static pg_err prepare_all(pg_store *s, pg_error *err)
{
    for (int i = 0; i < ST_COUNT; i++) {
        int rc = sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                    &s->st[i], NULL);
        if (rc != SQLITE_OK)
            return pgs_db_fail(s, rc, "cannot prepare a statement", err);
    }
    return PG_OK;
}

pg_err pg_store_open(const char *path, pg_store **out, pg_error *err)
{
    pg_store *s = NULL;
    db_ident id;
    int exists;
    pg_err rc;
    *out = NULL;
    if (path == NULL || path[0] == '\0')
        return pg_error_set(err, PG_ERR_USAGE, "no database path given");
    rc = precheck(path, &exists, err);
    if (rc != PG_OK)
        goto out;
    rc = PG_ERR_NOMEM;
    s = calloc(1, sizeof *s);
    if (s == NULL || (s->path = strdup(path)) == NULL) {
        pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = connect_db(s, exists, err);
    if (rc == PG_OK)
        rc = read_ident(s, &id, err);
    if (rc == PG_OK)
        rc = classify(s, &id, err);
    /* Nothing was written up to here. */
    if (rc == PG_OK)
        rc = configure(s, err);
    if (rc == PG_OK)
        rc = migrate(s, &id, err);
    if (rc == PG_OK && sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL,
                                    NULL) != SQLITE_OK)
        rc = pgs_db_fail(s, sqlite3_errcode(s->db), "cannot enable foreign keys", err);
    if (rc == PG_OK)
        rc = prepare_all(s, err);
out:
    if (rc != PG_OK) {
        pg_store_close(s);
        return rc;
    }
    *out = s;
    return PG_OK;
}

void pg_store_close(pg_store *s)
{
    if (s == NULL)
        return;
    if (s->db != NULL && !s->in_file && !s->in_tx)
        pg_store_flush(s, NULL);
    if (s->db != NULL && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->st[i]);
    for (int i = 0; i < DS_COUNT; i++)
        sqlite3_finalize(s->ds[i]);
    pgs_bands_free(s);
    pg_store_attach(s, NULL, NULL);
    /* The last connection to close checkpoints and deletes -wal and -shm. */
    sqlite3_close(s->db);
    pg_buf_release(&s->zbuf);
    pg_packer_free(s->packer);
    ZSTD_freeDCtx(s->dctx);
    free(s->known);
    free(s->path);
    free(s);
}

/* ---- integrity --------------------------------------------------------- */

/* Collects the rows of an integrity pragma.  integrity_check says "ok" in
 * one row when all is well; foreign_key_check says nothing. */
static pg_err check_pragma(pg_store *s, int fk, int *ok, pg_buf *detail,
                           int *noted, pg_error *err)
{
    sqlite3_stmt *st = NULL;
    const char *sql = fk ? "PRAGMA foreign_key_check" : "PRAGMA integrity_check";
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    pg_err e = PG_OK;
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    for (; rc == SQLITE_ROW && e == PG_OK; rc = sqlite3_step(st)) {
        const char *what = pgs_col_str(st, 0);
        if (!fk && strcmp(what, "ok") == 0)
            continue;
        *ok = 0;
        if (detail == NULL || (*noted)++ >= CHECK_DETAIL_MAX)
            continue;
        if (fk)
            e = pg_buf_printf(detail, "table %s row %lld: refers to a missing %s row\n",
                              what, sqlite3_column_int64(st, 1), pgs_col_str(st, 2));
        else
            e = pg_buf_printf(detail, "%s\n", what);
    }
    if (e != PG_OK)
        e = pg_error_set(err, e, "out of memory");
    else if (rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, fk ? "cannot check foreign keys" : "cannot check integrity", err);
    sqlite3_finalize(st);
    return e;
}

pg_err pg_store_check(pg_store *s, int *ok, pg_buf *detail, pg_error *err)
{
    int noted = 0;
    *ok = 1;
    pg_err rc = check_pragma(s, 0, ok, detail, &noted, err);
    if (rc == PG_OK)
        rc = check_pragma(s, 1, ok, detail, &noted, err);
    return rc;
}

/* ---- one file's transaction -------------------------------------------- */

/* Finds committed files only: inside a file transaction the open file's
 * row still has a NULL content key. */
pg_err pg_store_find_file(pg_store *s, pg_key content, pg_buf *path_out,
                          int *found, pg_error *err)
{
    sqlite3_stmt *st = s->st[ST_FIND_FILE];
    unsigned char kb[16];
    pg_err e = PG_OK;
    *found = 0;
    int rc = pgs_step_key(st, content, kb);
    if (rc == SQLITE_ROW) {
        *found = 1;
        if (path_out != NULL &&
            pg_buf_puts(path_out, (const char *)sqlite3_column_text(st, 0)) != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    } else if (rc != SQLITE_DONE) {
        e = pgs_db_fail(s, rc, "cannot look up a file", err);
    }
    pgs_stmt_done(st);
    return e;
}

/* Ends the open transaction without keeping anything; safe when SQLite has
 * already rolled it back on its own (after some errors it does). */
static void end_file(pg_store *s)
{
    if (s->group_open) {
        /* The group goes with the file (see pg_store_group_files). */
        s->group_open = 0;
        s->group_files = 0;
        s->group_bytes = 0;
    }
    if (!sqlite3_get_autocommit(s->db)) {
        pgs_step_retry(s->st[ST_ROLLBACK]);
        pgs_stmt_done(s->st[ST_ROLLBACK]);
    }
    pgs_bands_rollback(s);
    s->last_text_id = 0;
    s->in_file = 0;
    s->file_id = 0;
}

pg_err pg_store_file_begin(pg_store *s, const char *path, const char *format,
                           long long *file_id, pg_error *err)
{
    sqlite3_stmt *st = s->st[ST_NEW_FILE];
    int rc = SQLITE_OK;
    *file_id = 0;
    if (s->in_file)
        return usage(s, "a file transaction is already open", err);
    if (path == NULL || format == NULL)
        return usage(s, "a file needs a path and a format", err);
    pg_err e = PG_OK;
    if (s->group_max > 0 && !s->group_open) {
        e = run(s, ST_BEGIN, "cannot start a transaction", err);
        s->group_open = e == PG_OK;
    } else if (s->group_max == 0 && !s->group_open) {
        e = run(s, ST_BEGIN, "cannot start a transaction", err);
    }
    if (e != PG_OK)
        return e;
    s->in_file = 1;
    pgs_bind_str(st, 1, path, &rc);
    pgs_bind_str(st, 2, format, &rc);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, "cannot record a file", err);
    pgs_stmt_done(st);
    if (e == PG_OK)
        s->file_id = *file_id = sqlite3_last_insert_rowid(s->db);
    if (e == PG_OK)
        e = pgs_bands_begin(s, err);
    if (e != PG_OK) {
        end_file(s);
        *file_id = 0;
    }
    return e;
}

/* ---- the texts known to be stored ---------------------------------------
 * Texts are never deleted, so a key once seen stored stays stored, with the
 * same id, except one stored by a transaction that then rolled back: the
 * map is emptied when the store's generation moves (every rollback moves
 * it).  It spares pg_store_has_text and pg_store_add_occurrence an index
 * lookup each for every repeat, most of the entries of a bulk ingest.
 * Other connections only ever add texts, and a key not in the map is
 * looked up, so the map is never wrong, only incomplete.  Beyond KNOWN_MAX
 * slots (24 MiB) it starts over rather than grow. */
#define KNOWN_MIN ((size_t)1 << 12)
#define KNOWN_MAX ((size_t)1 << 20)

static int key_zero(pg_key k)
{
    return (k.lo | k.hi) == 0;
}

static size_t known_slot(const pg_store *s, pg_key k)
{
    size_t i = (size_t)(k.lo * 0x9E3779B97F4A7C15ULL >> 20) & (s->known_cap - 1);
    while (!key_zero(s->known[i].key) && pg_key_cmp(s->known[i].key, k) != 0)
        i = (i + 1) & (s->known_cap - 1);
    return i;
}

/* k's text id when known, else 0. */
static long long known_id(pg_store *s, pg_key k)
{
    if (s->known_gen != s->generation) {
        s->known_gen = s->generation;
        s->known_n = 0;
        if (s->known != NULL)
            memset(s->known, 0, s->known_cap * sizeof *s->known);
    }
    if (s->known_n == 0 || key_zero(k))
        return 0;
    return s->known[known_slot(s, k)].id;
}

/* Grows the map for one more text, or empties it. */
static void known_room(pg_store *s)
{
    if (s->known_n + 1 <= s->known_cap / 4 * 3)
        return;
    size_t cap = s->known_cap ? s->known_cap * 2 : KNOWN_MIN;
    struct pgs_known *v = cap <= KNOWN_MAX ? calloc(cap, sizeof *v) : NULL;
    if (v == NULL) {            /* full, or no memory: start over */
        if (s->known != NULL)
            memset(s->known, 0, s->known_cap * sizeof *s->known);
        s->known_n = 0;
        return;
    }
    struct pgs_known *old = s->known;
    size_t old_cap = s->known_cap;
    s->known = v;
    s->known_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (!key_zero(old[i].key))
            s->known[known_slot(s, old[i].key)] = old[i];
    free(old);
}

/* Remembers that k is stored as text id (known_id first validates the map). */
static void known_put(pg_store *s, pg_key k, long long id)
{
    if (key_zero(k) || known_id(s, k) != 0)
        return;         /* the empty slot's value is never remembered */
    known_room(s);
    if (s->known == NULL)
        return;
    size_t i = known_slot(s, k);
    s->known[i].key = k;
    s->known[i].id = id;
    s->known_n++;
}

/* The id of the stored text k (known or looked up), or 0 when there is none. */
static pg_err text_id_of(pg_store *s, pg_key k, long long *id, pg_error *err)
{
    sqlite3_stmt *st = s->st[ST_HAS_TEXT];
    unsigned char kb[16];
    pg_err e = PG_OK;
    if ((*id = known_id(s, k)) != 0)
        return PG_OK;
    int rc = pgs_step_key(st, k, kb);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        known_put(s, k, *id);
    } else if (rc != SQLITE_DONE) {
        e = pgs_db_fail(s, rc, "cannot look up a text", err);
    }
    pgs_stmt_done(st);
    return e;
}

pg_err pg_store_has_text(pg_store *s, pg_key key, int *found, pg_error *err)
{
    long long id = 0;
    pg_err e = text_id_of(s, key, &id, err);
    *found = id != 0;
    return e;
}

/* Writes belong to a file transaction: outside one each row would commit on
 * its own and a file could end up in the database in part. */
static pg_err need_file(pg_store *s, pg_error *err)
{
    return s->in_file ? PG_OK : usage(s, "no file transaction is open", err);
}

/* Steps a kept INSERT or UPDATE whose parameters were bound (bind status in rc). */
static pg_err write_row(pg_store *s, int id, int rc, const char *what, pg_error *err)
{
    sqlite3_stmt *st = s->st[id];
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    pg_err e = rc == SQLITE_DONE ? PG_OK : pgs_db_fail(s, rc, what, err);
    pgs_stmt_done(st);
    return e;
}

/* Abstracts shorter than this are stored as they are: a zstd frame has a
 * fixed cost that short text cannot repay. */
#define COMPRESS_MIN 128
#define ZSTD_LEVEL 1        /* ~2x on abstracts; level 3 gains 5% for 2x the time */

struct pg_packer {
    ZSTD_CCtx *z;
};

pg_err pg_packer_new(pg_packer **out)
{
    pg_packer *p = calloc(1, sizeof *p);
    if (p != NULL && (p->z = ZSTD_createCCtx()) == NULL) {
        free(p);
        p = NULL;
    }
    *out = p;
    return p != NULL ? PG_OK : PG_ERR_NOMEM;
}

void pg_packer_free(pg_packer *p)
{
    if (p == NULL)
        return;
    ZSTD_freeCCtx(p->z);
    free(p);
}

/* The one decision of which form an abstract is stored in, for the store
 * and for ingesters packing ahead: a frame only when long enough and
 * smaller (text also when memory is short: both forms read the same). */
void pg_abstract_pack(pg_packer *p, const char *abstract, size_t n,
                      pg_buf *out, int *compressed)
{
    *compressed = 0;
    if (n < COMPRESS_MIN)
        return;
    size_t bound = ZSTD_compressBound(n);
    if (pg_buf_reserve(out, bound) != PG_OK)
        return;
    size_t len = ZSTD_compressCCtx(p->z, out->data + out->len, bound, abstract, n,
                                   ZSTD_LEVEL);
    if (ZSTD_isError(len) || len >= n)
        return;
    out->len += len;
    out->data[out->len] = '\0';
    *compressed = 1;
}

/* Binds an abstract: as TEXT when short or incompressible, else as a BLOB
 * holding a zstd frame.  The column's type says which, so databases written
 * before compression (or by hand) read the same. */
static void bind_abstract(pg_store *s, sqlite3_stmt *st, int i, const pg_text *t,
                          int *rc)
{
    if (*rc != SQLITE_OK)
        return;
    if (t->prepacked && t->packed != NULL) {
        *rc = sqlite3_bind_blob(st, i, t->packed, (int)t->packed_len, SQLITE_STATIC);
        return;
    }
    /* Without a packer (out of memory) the abstract is stored as text. */
    if (!t->prepacked && t->abstract_len >= COMPRESS_MIN && s->packer == NULL)
        pg_packer_new(&s->packer);
    int packed = 0;
    pg_buf_reset(&s->zbuf);
    if (!t->prepacked && s->packer != NULL)
        pg_abstract_pack(s->packer, t->abstract, t->abstract_len, &s->zbuf, &packed);
    if (packed)
        *rc = sqlite3_bind_blob(st, i, s->zbuf.data, (int)s->zbuf.len, SQLITE_STATIC);
    else
        pgs_bind_text(st, i, t->abstract, t->abstract_len, rc);
}

const char *pgs_col_abstract(pg_store *s, sqlite3_stmt *st, int i, pg_buf *scratch)
{
    if (sqlite3_column_type(st, i) != SQLITE_BLOB)
        return pgs_col_str(st, i);
    const void *z = sqlite3_column_blob(st, i);
    size_t zn = (size_t)sqlite3_column_bytes(st, i);
    unsigned long long n = ZSTD_getFrameContentSize(z, zn);
    pg_buf_reset(scratch);
    /* A frame that does not say its size, or lies, is not one of ours. */
    if (n == ZSTD_CONTENTSIZE_UNKNOWN || n == ZSTD_CONTENTSIZE_ERROR ||
        n > ((size_t)1 << 30) || pg_buf_reserve(scratch, (size_t)n) != PG_OK)
        return NULL;
    if (s->dctx == NULL && (s->dctx = ZSTD_createDCtx()) == NULL)
        return NULL;
    size_t got = ZSTD_decompressDCtx(s->dctx, scratch->data, (size_t)n + 1, z, zn);
    if (ZSTD_isError(got) || got != n || memchr(scratch->data, 0, got) != NULL)
        return NULL;
    scratch->len = got;
    scratch->data[got] = '\0';
    return scratch->data;
}

void pg_store_attach(pg_store *s, void *p, void (*free_fn)(void *))
{
    if (s->attached != NULL && s->attached_free != NULL)
        s->attached_free(s->attached);
    s->attached = p;
    s->attached_free = free_fn;
}

void *pg_store_attached(const pg_store *s)
{
    return s->attached;
}

unsigned long long pg_store_generation(const pg_store *s)
{
    return s->generation;
}

pg_err pg_store_add_text(pg_store *s, const pg_text *t, pg_error *err)
{
    sqlite3_stmt *st = s->st[ST_ADD_TEXT];
    unsigned char kb[16], nb[16];
    int rc = SQLITE_OK;
    pg_err e = need_file(s, err);
    if (e != PG_OK)
        return e;
    pgs_bind_key(st, 1, t->key, kb, &rc);
    pgs_bind_key(st, 2, t->norm_key, nb, &rc);
    pgs_bind_text(st, 3, t->title, t->title_len, &rc);
    bind_abstract(s, st, 4, t, &rc);
    pgs_bind_int(st, 5, t->truncated != 0, &rc);
    pgs_bind_opt_str(st, 6, t->author_names, &rc);
    e = write_row(s, ST_ADD_TEXT, rc, "cannot store a text", err);
    if (e != PG_OK)
        return e;
    s->last_text_key = t->key;
    s->last_text_id = sqlite3_last_insert_rowid(s->db);
    known_put(s, t->key, s->last_text_id);
    char paper[PG_ID_HEX];
    pg_key_to_id(t->norm_key, paper);
    rc = SQLITE_OK;
    pgs_bind_int(s->st[ST_ADD_CLUSTER], 1, s->last_text_id, &rc);
    pgs_bind_text(s->st[ST_ADD_CLUSTER], 2, paper, PG_ID_HEX - 1, &rc);
    return write_row(s, ST_ADD_CLUSTER, rc, "cannot place a text", err);
}

pg_err pg_store_add_url(pg_store *s, pg_key text, const char *url, pg_error *err)
{
    sqlite3_stmt *st = s->st[ST_ADD_URL];
    unsigned char kb[16];
    int rc = SQLITE_OK;
    pg_err e = need_file(s, err);
    if (e != PG_OK)
        return e;
    if (url == NULL)
        return usage(s, "no URL given", err);
    pgs_bind_key(st, 1, text, kb, &rc);
    pgs_bind_str(st, 2, url, &rc);
    return write_row(s, ST_ADD_URL, rc, "cannot store a URL", err);
}

/* The publication date as precise as given: "YYYY-MM-DD", "YYYY-MM",
 * "YYYY", or "" when there is no (valid) year. */
/* Writes n as `width` decimal digits (n fits). */
static char *put_digits(char *p, int n, int width)
{
    for (int i = width - 1; i >= 0; i--, n /= 10)
        p[i] = (char)('0' + n % 10);
    return p + width;
}

/* "YYYY", "YYYY-MM" or "YYYY-MM-DD", as much as the record gives; by hand
 * because snprintf once per occurrence was measurable. */
static void format_pub_date(const pg_record *rec, char out[32])
{
    char *p = out;
    if (rec->pub_year >= 1 && rec->pub_year <= 9999) {
        p = put_digits(p, rec->pub_year, 4);
        if (rec->pub_month >= 1 && rec->pub_month <= 12) {
            *p++ = '-';
            p = put_digits(p, rec->pub_month, 2);
            if (rec->pub_day >= 1 && rec->pub_day <= 31) {
                *p++ = '-';
                p = put_digits(p, rec->pub_day, 2);
            }
        }
    }
    *p = '\0';
}

pg_err pg_store_add_occurrence(pg_store *s, long long file_id, pg_key text,
                               const pg_record *rec, pg_error *err)
{
    sqlite3_stmt *st = s->st[ST_ADD_OCC];
    char pub_date[32];
    int rc = SQLITE_OK;
    pg_err e = need_file(s, err);
    if (e != PG_OK)
        return e;
    if (file_id != s->file_id)
        return usage(s, "an occurrence must belong to the open file", err);
    /* An unknown text leaves id 0, which the foreign key refuses. */
    long long id = 0;
    if ((e = text_id_of(s, text, &id, err)) != PG_OK)
        return e;
    format_pub_date(rec, pub_date);
    pgs_bind_int(st, 1, file_id, &rc);
    pgs_bind_int(st, 2, rec->line, &rc);
    pgs_bind_str(st, 3, rec->day, &rc);
    pgs_bind_str(st, 4, rec->day_label, &rc);
    pgs_bind_int(st, 5, id, &rc);
    pgs_bind_count(st, 6, rec->authors, &rc);
    pgs_bind_count(st, 7, rec->upvotes, &rc);
    pgs_bind_opt_str(st, 8, pub_date, &rc);
    pgs_bind_opt_str(st, 9, rec->date_raw, &rc);
    pgs_bind_opt_str(st, 10, rec->venue, &rc);
    pgs_bind_opt_str(st, 11, rec->ext_id, &rc);
    return write_row(s, ST_ADD_OCC, rc, "cannot store an occurrence", err);
}

/* Gives the open file its key and counts. */
static pg_err finish_file(pg_store *s, pg_key content, const pg_file_counts *c,
                          pg_error *err)
{
    sqlite3_stmt *st = s->st[ST_END_FILE];
    unsigned char kb[16];
    int rc = SQLITE_OK;
    if (c->size > (unsigned long long)INT64_MAX)
        return usage(s, "file size out of range", err);
    pgs_bind_int(st, 1, s->file_id, &rc);
    pgs_bind_key(st, 2, content, kb, &rc);
    pgs_bind_int(st, 3, (long long)c->size, &rc);
    pgs_bind_opt_str(st, 4, c->day, &rc);
    pgs_bind_int(st, 5, c->entries, &rc);
    pgs_bind_int(st, 6, c->new_texts, &rc);
    pgs_bind_int(st, 7, c->warnings, &rc);
    pg_err e = write_row(s, ST_END_FILE, rc, "cannot record the file's counts", err);
    if (e == PG_OK && sqlite3_changes(s->db) != 1)
        e = pg_error_set(err, PG_ERR_INTERNAL, "%s: the open file's row is missing",
                         s->path);
    return e;
}

pg_err pg_store_file_commit(pg_store *s, long long file_id, pg_key content,
                            const pg_file_counts *counts, int *dup,
                            pg_buf *dup_path, pg_error *err)
{
    int found = 0;
    pg_err rc = need_file(s, err);
    *dup = 0;
    if (rc != PG_OK)
        return rc;
    if (file_id != s->file_id || counts == NULL) {
        rc = usage(s, file_id != s->file_id ? "commit of a file that is not open"
                                            : "no file counts given", err);
        goto out;
    }
    /* We hold the write lock: no one can commit this content between the
     * look-up and our COMMIT (and content_key is UNIQUE anyway). */
    rc = pg_store_find_file(s, content, dup_path, &found, err);
    if (rc != PG_OK || found)
        goto out;
    rc = finish_file(s, content, counts, err);
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
        rc = pgs_bands_precommit(s, 0, err);
    if (rc == PG_OK)
        rc = run(s, ST_COMMIT, "cannot commit the file", err);
    if (rc == PG_OK) {
        s->in_file = 0;
        s->file_id = 0;
        pgs_bands_committed(s);
    }
out:
    *dup = rc == PG_OK && found;
    if (s->in_file)             /* a duplicate or a failure: keep nothing */
        end_file(s);
    return rc;
}

void pg_store_group_files(pg_store *s, unsigned long long max_bytes)
{
    s->group_max = max_bytes;
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
        return usage(s, "cannot flush inside a file transaction", err);
    pg_err rc = pgs_bands_precommit(s, 0, err);
    if (rc == PG_OK)
        rc = run(s, ST_COMMIT, "cannot commit the ingested files", err);
    if (rc == PG_OK) {
        pgs_bands_committed(s);
    } else {
        if (!sqlite3_get_autocommit(s->db))
            pgs_run_sql(s, "ROLLBACK", "cannot roll back", NULL);
        pgs_bands_rollback(s);
    }
    s->group_open = 0;
    s->group_files = 0;
    s->group_bytes = 0;
    return rc;
}

void pg_store_file_rollback(pg_store *s)
{
    if (s != NULL && s->in_file)
        end_file(s);
}

/* ---- reading ----------------------------------------------------------- */

pg_err pg_store_stats(pg_store *s, pg_stats *out, pg_error *err)
{
    sqlite3_stmt *st = s->st[ST_STATS];
    int rc = pgs_step_retry(st);
    pg_err e = PG_OK;
    memset(out, 0, sizeof *out);
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

/* NULL (absent) is -1, as in pg_record. */
int pgs_col_count(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return -1;
    long long v = sqlite3_column_int64(st, i);
    return v < 0 ? -1 : v > INT_MAX ? INT_MAX : (int)v;
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
    pg_err e = PG_OK;
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
