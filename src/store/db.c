/*
** db.c: opening and closing the SQLite database of papergraph (see store.h
** and schema.c), and its integrity check.
**
** Opening looks before it writes.  An existing file is first checked by hand
** (a regular file?  readable?  the SQLite magic?), then read through SQLite:
** PRAGMA application_id, user_version and whether sqlite_master has objects.
** Only a papergraph database or an empty one goes further; anything else is
** closed untouched.  Then WAL mode, the migrations of schema.c in one
** transaction, and the statements of the ingest path, prepared once.
**
** Untrusted text (titles, paths, URLs...) reaches SQL only as bound
** parameters.  The schema of an opened file is not trusted either
** (SQLITE_DBCONFIG_TRUSTED_SCHEMA off, DEFENSIVE on).
**
** A pg_store is used by one thread at a time (SQLITE_OPEN_NOMUTEX).
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/db.h"

#define BUSY_TIMEOUT_MS 30000       /* SQLite's own wait for a lock (then stmt.c's) */
#define CACHE_KIB 262144            /* page cache, at most: hash-keyed indexes are read at random */
#define MMAP_BYTES 1073741824       /* reads through the OS page cache, without a copy per page */
#define INGEST_CACHE_MIN_KIB 8192   /* page cache of an ingest, at least (pg_store_tune_reads) */
#define WAL_LIMIT_BYTES 67108864    /* truncate the WAL back to this after a big file */
#define CHECK_DETAIL_MAX 10         /* problems reported by pg_store_check */

/* The statements of the ingest path, prepared at open. */
static const char *const stmt_sql[ST_COUNT] = {
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
    /* A text has a paper from the start: its own, named by its normalised
     * key (pg_key_to_id), which the dedup stage may then merge into another;
     * an ingest's text is placed by the dedup stage alone, once its paper is
     * known (pg_text.unplaced).  A plain INSERT with both values bound: the
     * text is new, so a clusters row for it would be a fault, and OR REPLACE
     * with the id and the hex computed in SQL cost several times as much. */
    [ST_ADD_CLUSTER] = "INSERT INTO clusters (text_id, paper_id) VALUES (?1, ?2)",
    [ST_ADD_URL] = "INSERT OR IGNORE INTO text_urls (text_key, url) VALUES (?1, ?2)",
    [ST_ADD_OCC] =
        "INSERT INTO occurrences (file_id, line, day, day_label, text_id,"
        " authors, upvotes, pub_date, date_raw, venue, ext_id)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [ST_ADD_FILE_DAY] = "INSERT OR IGNORE INTO file_days (day, file_id) VALUES (?1, ?2)",
    /* One statement, so the five numbers come from one snapshot. */
    [ST_STATS] =
        "SELECT (SELECT count(*) FROM files WHERE content_key IS NOT NULL),"
        " (SELECT count(*) FROM occurrences),"
        " (SELECT count(*) FROM texts),"
        /* Every cluster row names a stored text (texts are never deleted):
         * the distinct papers are read off clusters_paper, in order, not
         * found by a join of every text and a sort. */
        " (SELECT count(*) FROM (SELECT DISTINCT paper_id FROM clusters)),"
        " (SELECT count(DISTINCT day) FROM file_days WHERE day <> '')",
};

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

pg_err pg_store_setup_process(pg_error *err)
{
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
        return pg_error_set(err, PG_ERR_USAGE,
                            "SQLite is in use already: its settings cannot change now");
    return PG_OK;
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
     * writes whole pages anyway. */
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
    snprintf(sql, sizeof sql, "PRAGMA synchronous = NORMAL;"
             " PRAGMA journal_size_limit = %d; PRAGMA temp_store = MEMORY;"
             " PRAGMA wal_autocheckpoint = %d; PRAGMA secure_delete = OFF;",
             WAL_LIMIT_BYTES, PGS_WAL_AUTOCHECKPOINT);
    rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return pgs_db_fail(s, rc, "cannot configure the database", err);
    return pg_store_tune_reads(s, 0, err);
}

pg_err pg_store_tune_reads(pg_store *s, unsigned long long input_bytes, pg_error *err)
{
    unsigned long long cache = CACHE_KIB, map = MMAP_BYTES;
    if (input_bytes > 0) {
        map = 0;
        cache = input_bytes / 1024 * 2;
        if (cache < INGEST_CACHE_MIN_KIB)
            cache = INGEST_CACHE_MIN_KIB;
        if (cache > CACHE_KIB)
            cache = CACHE_KIB;
    }
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA mmap_size = %llu; PRAGMA cache_size = -%llu", map, cache);
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
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
    pg_err rc = pgs_begin(s, "cannot start the schema upgrade", err);
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
        rc = pgs_commit(s, "cannot commit the schema upgrade", err);
    if (rc != PG_OK)
        pgs_rollback(s);
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
    /* Foreign keys stay declared (pg_store_check and every migration
     * verify them) but are not enforced row by row: each write names the
     * open file and texts the store itself just found or stored, and the
     * few references a caller gives are checked where they are written
     * (texts.c, occurrences.c, clusters.c, placing.c).  Enforced, each row
     * of an ingest cost one more index look-up per reference. */
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
    pgs_rollback(s);
    pgs_ckpt_end(s);
    pgs_hooks_free(s);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->st[i]);
    pgs_kept_free(s);
    /* The last connection to close checkpoints and deletes -wal and -shm. */
    sqlite3_close(s->db);
    pgs_pack_free(s);
    pgs_known_free(s);
    pgs_matches_free(s);
    pgs_placing_free(s);
    free(s->path);
    free(s);
}

/* ---- integrity --------------------------------------------------------- */

/* The checks of pg_store_check, each a query whose rows are problems
 * (integrity_check's one "ok" row aside). */
enum { CHECK_INTEGRITY, CHECK_FOREIGN_KEYS, CHECK_FILE_DAYS, CHECK_COUNT };

static const struct {
    const char *sql;
    const char *fail;       /* the message when the query itself fails */
} checks[CHECK_COUNT] = {
    [CHECK_INTEGRITY] = { "PRAGMA integrity_check", "cannot check integrity" },
    [CHECK_FOREIGN_KEYS] = { "PRAGMA foreign_key_check", "cannot check foreign keys" },
    /* Every day a file has occurrences of has its file_days row: the
     * digest, the days of `stats` and the export of occurrences find a
     * day's rows only through it. */
    [CHECK_FILE_DAYS] = { "SELECT DISTINCT file_id, day FROM occurrences"
                          " EXCEPT SELECT file_id, day FROM file_days",
                          "cannot check the days of files" },
};

/* Appends problem row st of check c to detail. */
static pg_err describe(int c, sqlite3_stmt *st, pg_buf *detail)
{
    if (c == CHECK_FOREIGN_KEYS)
        return pg_buf_printf(detail, "table %s row %lld: refers to a missing %s row\n",
                             pgs_col_str(st, 0), sqlite3_column_int64(st, 1),
                             pgs_col_str(st, 2));
    if (c == CHECK_FILE_DAYS)
        return pg_buf_printf(detail, "file %lld has occurrences of day '%s' that "
                             "file_days does not list\n",
                             sqlite3_column_int64(st, 0), pgs_col_str(st, 1));
    return pg_buf_printf(detail, "%s\n", pgs_col_str(st, 0));
}

/* Runs check c: each row it gives clears *ok, and the first
 * CHECK_DETAIL_MAX of all checks are described in detail. */
static pg_err check_rows(pg_store *s, int c, int *ok, pg_buf *detail, int *noted,
                         pg_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, checks[c].sql, -1, &st, NULL);
    pg_err e = PG_OK;
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    for (; rc == SQLITE_ROW && e == PG_OK; rc = sqlite3_step(st)) {
        if (c == CHECK_INTEGRITY && strcmp(pgs_col_str(st, 0), "ok") == 0)
            continue;
        *ok = 0;
        if (detail != NULL && (*noted)++ < CHECK_DETAIL_MAX)
            e = describe(c, st, detail);
    }
    if (e != PG_OK)
        e = pg_error_set(err, e, "out of memory");
    else if (rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, checks[c].fail, err);
    sqlite3_finalize(st);
    return e;
}

pg_err pg_store_check(pg_store *s, int *ok, pg_buf *detail, pg_error *err)
{
    int noted = 0;
    pg_err rc = PG_OK;
    *ok = 1;
    for (int c = 0; c < CHECK_COUNT && rc == PG_OK; c++)
        rc = check_rows(s, c, ok, detail, &noted, err);
    return rc;
}

