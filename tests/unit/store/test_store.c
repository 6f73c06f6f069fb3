/*
** test_store.c: unit tests of the store (src/store): opening, file
** transactions and groups, the transaction hooks, the statement API.
**
** Every database lives in a mkdtemp() directory that is removed at the end.
** The test talks to the files through the sqlite3 API too, to see what the
** store wrote (application id, NULLs) and to make databases of other kinds.
** Two cases fork: concurrent writers, and a writer killed mid-file.  The
** last case measures insert throughput and prints it (it asserts counts,
** never times); PG_STORE_BENCH_N sets its size.
*/
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/db.h"
#include "check.h"
#include "sql_exec.h"
#include "pragma.h"

static char g_dir[64];

/* dir/name into out (PATH_MAX bytes). */
static char *tpath(char *out, const char *name)
{
    snprintf(out, PATH_MAX, "%s/%s", g_dir, name);
    return out;
}

static int file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Does path+suffix exist? */
static int side_exists(const char *path, const char *suffix)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s%s", path, suffix);
    return file_exists(p);
}

static int no_side_files(const char *path)
{
    return !side_exists(path, "-wal") && !side_exists(path, "-shm") &&
           !side_exists(path, "-journal");
}

/* The whole file, malloc'd; *len its size.  NULL when unreadable. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    unsigned char *p = NULL;
    *len = 0;
    if (fp == NULL)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0) {
        long n = ftell(fp);
        p = malloc(n > 0 ? (size_t)n : 1);
        if (p != NULL && n >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
            fread(p, 1, (size_t)n, fp) == (size_t)n)
            *len = (size_t)n;
    }
    fclose(fp);
    return p;
}

static void spit(const char *path, const void *p, size_t n)
{
    FILE *fp = fopen(path, "wb");
    CHECK(fp != NULL);
    if (fp == NULL)
        return;
    CHECK(fwrite(p, 1, n, fp) == n);
    CHECK(fclose(fp) == 0);
}

static void rm_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return;
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *de;
        while (d != NULL && (de = readdir(d)) != NULL) {
            char p[PATH_MAX];
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof p, "%s/%s", path, de->d_name);
            rm_tree(p);
        }
        if (d != NULL)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* ---- looking at a database with the sqlite3 API ------------------------- */

/* Runs sql (which may create the file); returns the SQLite code. */
/* The first column of the first row of sql as text into out ("(error)" on
 * failure, "(null)" for NULL). */
static const char *sql_text(const char *path, const char *sql, char *out, size_t n)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    snprintf(out, n, "(error)");
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        snprintf(out, n, "%s", t ? t : "(null)");
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

static long long sql_int(const char *path, const char *sql)
{
    char buf[64];
    sql_text(path, sql, buf, sizeof buf);
    return strcmp(buf, "(error)") == 0 ? -999 : atoll(buf);
}

/* ---- building entries --------------------------------------------------- */

typedef struct entry {
    const char *title;
    const char *abstract;
    const char *norm;       /* what the normalised text is keyed on */
    const char *day;
    long line;
} entry;

static pg_record make_record(const entry *e)
{
    pg_record r;
    memset(&r, 0, sizeof r);
    r.title = e->title;
    r.title_len = strlen(e->title);
    r.abstract = e->abstract;
    r.abstract_len = strlen(e->abstract);
    r.authors = -1;
    r.upvotes = -1;
    r.date_raw = r.venue = r.ext_id = r.urls = r.day_label = "";
    r.day = e->day;
    r.line = e->line;
    return r;
}

static pg_key raw_key(const char *title, const char *abstract)
{
    char buf[8192];
    int n = snprintf(buf, sizeof buf, "%s\n%s", title, abstract);
    return pg_key_of(buf, (size_t)n);
}

static pg_text make_text(const pg_record *r, const char *norm)
{
    pg_text t = {
        raw_key(r->title, r->abstract), pg_key_of(norm, strlen(norm)),
        r->title, r->title_len, r->abstract, r->abstract_len, 0, "", 0, NULL, 0, 0,
    };
    return t;
}

/* Stores rec's text when new, then its occurrence; *is_new tells which. */
static pg_err put_record(pg_store *s, long long fid, const pg_record *r,
                         const char *norm, int *is_new, pg_error *err)
{
    pg_text t = make_text(r, norm);
    int found = 0;
    pg_err rc = pg_store_has_text(s, t.key, &found, err);
    *is_new = 0;
    if (rc == PG_OK && !found) {
        rc = pg_store_add_text(s, &t, err);
        *is_new = rc == PG_OK;
    }
    if (rc == PG_OK)
        rc = pg_store_add_occurrence(s, fid, t.key, r, err);
    return rc;
}

/* Ingests entries e[0..n) as one file; returns the commit's code and sets
 * *dup.  Any failure is printed. */
static pg_err ingest(pg_store *s, const char *path, pg_key content, const entry *e,
                     int n, int *dup, pg_buf *dup_path)
{
    pg_error err;
    long long fid = 0;
    pg_file_counts c = { 0, 0, 0, 100, "" };
    *dup = 0;
    pg_err rc = pg_store_file_begin(s, path, "listing", &fid, &err);
    for (int i = 0; i < n && rc == PG_OK; i++) {
        pg_record r = make_record(&e[i]);
        int is_new;
        rc = put_record(s, fid, &r, e[i].norm, &is_new, &err);
        c.entries++;
        c.new_texts += is_new;
        if (c.day[0] == '\0')
            c.day = e[i].day;
    }
    if (rc == PG_OK)
        return pg_store_file_commit(s, fid, content, &c, dup, dup_path, &err);
    fprintf(stderr, "ingest %s: %s\n", path, err.msg);
    pg_store_file_rollback(s);
    return rc;
}

static pg_key key_of(const char *s)
{
    return pg_key_of(s, strlen(s));
}

static pg_store *open_ok(const char *path)
{
    pg_store *s = NULL;
    pg_error err;
    pg_err rc = pg_store_open(path, &s, &err);
    CHECK_INT(rc, PG_OK);
    if (rc != PG_OK)
        fprintf(stderr, "open %s: %s\n", path, err.msg);
    return s;
}

static void check_stats(pg_store *s, long long files, long long occ, long long texts,
                        long long papers, long long days)
{
    pg_stats st;
    pg_error err;
    memset(&st, 0xff, sizeof st);
    CHECK_INT(pg_store_stats(s, &st, &err), PG_OK);
    CHECK_INT(st.files, files);
    CHECK_INT(st.occurrences, occ);
    CHECK_INT(st.texts, texts);
    CHECK_INT(st.papers, papers);
    CHECK_INT(st.days, days);
}

static int store_ok(pg_store *s)
{
    int ok = 0;
    pg_buf detail = PG_BUF_INIT;
    pg_error err;
    pg_err rc = pg_store_check(s, &ok, &detail, &err);
    if (rc != PG_OK || !ok)
        fprintf(stderr, "check: %s %s\n", rc != PG_OK ? err.msg : "",
                detail.data ? detail.data : "");
    pg_buf_release(&detail);
    return rc == PG_OK && ok;
}

/* ---- opening ------------------------------------------------------------ */

static const entry one_entry[] = {
    { "A title", "An abstract.", "norm a", "2024-01-01", 1 },
};

static void test_create_reopen(void)
{
    char path[PATH_MAX], buf[64];
    int dup;
    tpath(path, "new.db");
    CHECK(!file_exists(path));
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;
    check_stats(s, 0, 0, 0, 0, 0);
    pg_store_close(s);
    CHECK(file_exists(path));
    CHECK(no_side_files(path));     /* closed cleanly: WAL checkpointed, removed */
    CHECK_INT(sql_int(path, "PRAGMA application_id"), 0x50475248);
    CHECK_INT(sql_int(path, "PRAGMA user_version"), PG_SCHEMA_VERSION);
    CHECK_STR(sql_text(path, "PRAGMA journal_mode", buf, sizeof buf), "wal");
    CHECK_INT(sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name IN "
                      "('files','texts','occurrences','text_urls','paper_of_text')"), 5);

    s = open_ok(path);
    if (s == NULL)
        return;
    CHECK_INT(ingest(s, "one.txt", key_of("one"), one_entry, 1, &dup, NULL), PG_OK);
    pg_store_close(s);
    s = open_ok(path);
    if (s == NULL)
        return;
    check_stats(s, 1, 1, 1, 1, 1);
    CHECK(store_ok(s));
    pg_store_close(s);
    CHECK_INT(sql_int(path, "PRAGMA user_version"), PG_SCHEMA_VERSION);
}

static void test_empty_file(void)
{
    char path[PATH_MAX];
    tpath(path, "empty.db");
    spit(path, "", 0);
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;
    check_stats(s, 0, 0, 0, 0, 0);
    pg_store_close(s);
    CHECK_INT(sql_int(path, "PRAGMA application_id"), 0x50475248);
    CHECK_INT(sql_int(path, "PRAGMA user_version"), PG_SCHEMA_VERSION);

    /* Ours at version 0 (no tables yet): every migration is applied. */
    tpath(path, "v0.db");
    CHECK_INT(sql_exec(path, "PRAGMA application_id = 1346851400;"), SQLITE_OK);
    CHECK_INT(sql_int(path, "PRAGMA user_version"), 0);
    s = open_ok(path);
    if (s == NULL)
        return;
    check_stats(s, 0, 0, 0, 0, 0);
    pg_store_close(s);
    CHECK_INT(sql_int(path, "PRAGMA user_version"), PG_SCHEMA_VERSION);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'texts'"), 1);
}

/* Opening path fails with want, and leaves the file as it was. */
static void expect_refused(const char *path, pg_err want, const char *what)
{
    size_t n0, n1;
    unsigned char *before = slurp(path, &n0);
    pg_store *s = (pg_store *)&n0;     /* must be reset to NULL */
    pg_error err;
    pg_err rc = pg_store_open(path, &s, &err);
    unsigned char *after = slurp(path, &n1);
    if (rc != want)
        fprintf(stderr, "%s: %s\n", what, err.msg);
    CHECK_INT(rc, want);
    CHECK(s == NULL);
    CHECK(before != NULL && after != NULL && n0 == n1 && memcmp(before, after, n0) == 0);
    CHECK(no_side_files(path));
    if (want == PG_ERR_NOT_PG_DB) {
        char msg[PATH_MAX + 64];
        snprintf(msg, sizeof msg, "%s: not a papergraph database", path);
        CHECK_STR(err.msg, msg);
    }
    if (rc == PG_OK)
        pg_store_close(s);
    free(before);
    free(after);
}

static void test_not_a_database(void)
{
    char path[PATH_MAX];
    unsigned char bin[8192];
    uint32_t x = 12345;

    tpath(path, "notes.txt");
    const char *text = "These are notes, not a database.\nSecond line.\n";
    spit(path, text, strlen(text));
    expect_refused(path, PG_ERR_NOT_PG_DB, "text file");

    for (size_t i = 0; i < sizeof bin; i++) {
        x = x * 1103515245u + 12345u;
        bin[i] = (unsigned char)(x >> 16);
    }
    tpath(path, "random.bin");
    spit(path, bin, sizeof bin);
    expect_refused(path, PG_ERR_NOT_PG_DB, "binary file");

    tpath(path, "short.db");
    spit(path, "SQLite", 6);
    expect_refused(path, PG_ERR_NOT_PG_DB, "short file");

    /* The SQLite magic, then garbage: SQLite itself says SQLITE_NOTADB. */
    memcpy(bin, "SQLite format 3", 16);
    memset(bin + 16, 0xff, 84);
    tpath(path, "magic.db");
    spit(path, bin, sizeof bin);
    expect_refused(path, PG_ERR_NOT_PG_DB, "bad header");
}

static void test_foreign_database(void)
{
    char path[PATH_MAX];

    tpath(path, "other.db");
    CHECK_INT(sql_exec(path, "CREATE TABLE t (x); INSERT INTO t VALUES (1);"), SQLITE_OK);
    expect_refused(path, PG_ERR_NOT_PG_DB, "other app's db");

    tpath(path, "other-wal.db");
    CHECK_INT(sql_exec(path, "PRAGMA journal_mode = WAL; PRAGMA application_id = 305419896;"
                       " CREATE TABLE t (x); INSERT INTO t VALUES (1);"), SQLITE_OK);
    CHECK(no_side_files(path));
    expect_refused(path, PG_ERR_NOT_PG_DB, "other app's WAL db");
    CHECK_INT(sql_int(path, "PRAGMA application_id"), 305419896);

    /* Claimed by another application though still empty. */
    tpath(path, "claimed.db");
    CHECK_INT(sql_exec(path, "PRAGMA application_id = 7;"), SQLITE_OK);
    expect_refused(path, PG_ERR_NOT_PG_DB, "claimed empty db");
}

static void test_io_errors(void)
{
    char path[PATH_MAX], want[PATH_MAX + 64];
    pg_store *s = NULL;
    pg_error err;

    tpath(path, "subdir");
    CHECK(mkdir(path, 0700) == 0);
    CHECK_INT(pg_store_open(path, &s, &err), PG_ERR_IO);
    CHECK(s == NULL);
    snprintf(want, sizeof want, "%s: is a directory", path);
    CHECK_STR(err.msg, want);

    tpath(path, "missing/x.db");
    CHECK_INT(pg_store_open(path, &s, &err), PG_ERR_IO);
    CHECK(s == NULL);
    snprintf(want, sizeof want, "%s: cannot create: %s", path, strerror(ENOENT));
    CHECK_STR(err.msg, want);
    CHECK(!file_exists(tpath(path, "missing")));

    CHECK_INT(pg_store_open("", &s, &err), PG_ERR_USAGE);

    if (geteuid() != 0) {       /* root reads anything */
        tpath(path, "locked.db");
        spit(path, "", 0);
        CHECK(chmod(path, 0) == 0);
        CHECK_INT(pg_store_open(path, &s, &err), PG_ERR_IO);
        CHECK(s == NULL);
        chmod(path, 0600);
    }
}

static void test_newer_version(void)
{
    char path[PATH_MAX], sql[64];
    tpath(path, "future.db");
    pg_store *s = open_ok(path);
    pg_store_close(s);
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", PG_SCHEMA_VERSION + 1);
    CHECK_INT(sql_exec(path, sql), SQLITE_OK);
    CHECK(no_side_files(path));
    expect_refused(path, PG_ERR_DB_VERSION, "newer schema");
    CHECK_INT(sql_int(path, "PRAGMA user_version"), PG_SCHEMA_VERSION + 1);
}

/* A name SQLite would take for a URI is still a plain file name. */
static void test_uri_like_name(void)
{
    char cwd[PATH_MAX];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(g_dir) == 0);
    pg_store *s = open_ok("file:odd.db?mode=memory");
    pg_store_close(s);
    CHECK(file_exists("file:odd.db?mode=memory"));
    CHECK(chdir(cwd) == 0);
}

/* ---- file transactions -------------------------------------------------- */

static void test_commit(void)
{
    static const entry e[] = {
        { "A", "alpha", "paper 1", "2024-01-01", 1 },
        { "B", "beta", "paper 1", "2024-01-01", 3 },   /* same paper, other text */
        { "C", "gamma", "paper 2", "2024-01-02", 5 },
        { "A", "alpha", "paper 1", "", 7 },            /* same text again */
    };
    char path[PATH_MAX], buf[256], want[128];
    pg_error err;
    long long fid = 0;
    int is_new, news = 0, dup = -1, found = -1;
    pg_key content = key_of("day1 bytes");
    tpath(path, "commit.db");
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;
    CHECK_INT(pg_store_file_begin(s, "day1.txt", "listing", &fid, &err), PG_OK);
    CHECK(fid > 0);
    for (int i = 0; i < 4; i++) {
        pg_record r = make_record(&e[i]);
        CHECK_INT(put_record(s, fid, &r, e[i].norm, &is_new, &err), PG_OK);
        news += is_new;
    }
    CHECK_INT(news, 3);
    pg_key a = raw_key("A", "alpha");
    CHECK_INT(pg_store_add_url(s, a, "https://arxiv.org/abs/2401.00001", &err), PG_OK);
    CHECK_INT(pg_store_add_url(s, a, "https://arxiv.org/abs/2401.00001", &err), PG_OK);
    CHECK_INT(pg_store_add_url(s, a, "https://github.com/x/y", &err), PG_OK);
    pg_file_counts c = { 4, 3, 2, 1234, "2024-01-01" };
    CHECK_INT(pg_store_file_commit(s, fid, content, &c, &dup, NULL, &err), PG_OK);
    CHECK_INT(dup, 0);
    check_stats(s, 1, 4, 3, 2, 2);

    pg_buf p = PG_BUF_INIT;
    CHECK_INT(pg_store_find_file(s, content, &p, &found, &err), PG_OK);
    CHECK_INT(found, 1);
    CHECK_STR(p.data, "day1.txt");
    pg_buf_reset(&p);
    CHECK_INT(pg_store_find_file(s, key_of("other"), &p, &found, &err), PG_OK);
    CHECK_INT(found, 0);
    CHECK_INT(p.len, 0);
    pg_buf_release(&p);
    CHECK(store_ok(s));
    pg_store_close(s);

    unsigned char kb[16];
    char hex[33];
    pg_key_to_bytes(content, kb);
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02X", kb[i]);
    snprintf(want, sizeof want, "day1.txt|listing|%s|1234|2024-01-01|4|3|2", hex);
    CHECK_STR(sql_text(path, "SELECT path||'|'||format||'|'||hex(content_key)||'|'||size"
                       "||'|'||day||'|'||entries||'|'||new_texts||'|'||warnings FROM files",
                       buf, sizeof buf), want);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM files WHERE ingested_at GLOB "
                      "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'"), 1);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM text_urls"), 2);
    CHECK_INT(sql_int(path, "SELECT count(DISTINCT paper_id) FROM paper_of_text"), 2);
}

static void test_duplicate(void)
{
    static const entry first[] = { { "X", "x", "px", "2024-02-01", 1 } };
    static const entry second[] = {
        { "Y", "y", "py", "2024-02-02", 1 },
        { "X", "x", "px", "2024-02-02", 2 },
    };
    char path[PATH_MAX];
    pg_buf dp = PG_BUF_INIT;
    pg_error err;
    int dup = -1, found = -1;
    pg_key k = key_of("same bytes");
    tpath(path, "dup.db");
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;
    CHECK_INT(ingest(s, "a.txt", k, first, 1, &dup, &dp), PG_OK);
    CHECK_INT(dup, 0);
    CHECK_INT(dp.len, 0);
    check_stats(s, 1, 1, 1, 1, 1);

    CHECK_INT(ingest(s, "b.txt", k, second, 2, &dup, &dp), PG_OK);
    CHECK_INT(dup, 1);
    CHECK_STR(dp.data, "a.txt");
    check_stats(s, 1, 1, 1, 1, 1);
    CHECK_INT(pg_store_has_text(s, raw_key("Y", "y"), &found, &err), PG_OK);
    CHECK_INT(found, 0);

    /* No transaction was left open: the next file goes in. */
    CHECK_INT(ingest(s, "c.txt", key_of("other bytes"), second, 2, &dup, NULL), PG_OK);
    CHECK_INT(dup, 0);
    check_stats(s, 2, 3, 2, 2, 2);
    pg_buf_release(&dp);
    pg_store_close(s);
}

/* file_days holds a row per file and day of its entries (including the
 * empty day), and a rolled-back file's day is written again when the file
 * id comes back with the same day. */
static void test_file_days(void)
{
    static const entry e[] = {
        { "D1", "d one", "pd1", "2024-05-01", 1 },
        { "D2", "d two", "pd2", "2024-05-02", 2 },
        { "D3", "d three", "pd3", "2024-05-01", 3 },
        { "D4", "d four", "pd4", "", 4 },
    };
    char path[PATH_MAX];
    pg_error err;
    long long fid = 0;
    int is_new = 0, dup = 0;
    pg_record r = make_record(&e[0]);
    tpath(path, "file_days.db");
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;
    CHECK_INT(pg_store_file_begin(s, "a.txt", "listing", &fid, &err), PG_OK);
    CHECK_INT(put_record(s, fid, &r, e[0].norm, &is_new, &err), PG_OK);
    pg_store_file_rollback(s);
    CHECK_INT(ingest(s, "a.txt", key_of("a bytes"), e, 4, &dup, NULL), PG_OK);
    check_stats(s, 1, 4, 4, 4, 2);
    CHECK(store_ok(s));
    pg_store_close(s);
    CHECK_INT(sql_int(path, "SELECT id FROM files"), fid);   /* the id came back */
    CHECK_INT(sql_int(path, "SELECT count(*) FROM file_days"), 3);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM file_days AS d JOIN files AS f"
                      " ON f.id = d.file_id WHERE d.day IN ('2024-05-01', '2024-05-02', '')"), 3);
}

static void test_rollback(void)
{
    static const entry e = { "R", "r", "pr", "2024-03-01", 1 };
    char path[PATH_MAX];
    pg_error err;
    long long fid;
    int is_new, found = -1;
    pg_record r = make_record(&e);
    tpath(path, "rollback.db");
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;

    CHECK_INT(pg_store_file_begin(s, "r.txt", "listing", &fid, &err), PG_OK);
    CHECK_INT(put_record(s, fid, &r, e.norm, &is_new, &err), PG_OK);
    CHECK_INT(pg_store_add_url(s, raw_key("R", "r"), "https://example.org/", &err), PG_OK);
    check_stats(s, 0, 1, 1, 1, 1);      /* visible inside the transaction */
    pg_store_file_rollback(s);
    check_stats(s, 0, 0, 0, 0, 0);
    CHECK_INT(pg_store_has_text(s, raw_key("R", "r"), &found, &err), PG_OK);
    CHECK_INT(found, 0);
    pg_store_file_rollback(s);          /* twice: harmless */

    /* A failing statement leaves the transaction to the caller. */
    CHECK_INT(pg_store_file_begin(s, "r.txt", "listing", &fid, &err), PG_OK);
    CHECK_INT(pg_store_add_occurrence(s, fid, key_of("no such text"), &r, &err),
              PG_ERR_NOT_FOUND);
    CHECK(strstr(err.msg, "cannot store an occurrence: no such text") != NULL);
    CHECK(strncmp(err.msg, path, strlen(path)) == 0);
    CHECK_INT(put_record(s, fid, &r, e.norm, &is_new, &err), PG_OK);
    pg_text t = make_text(&r, e.norm);
    CHECK_INT(pg_store_add_text(s, &t, &err), PG_ERR_DB);     /* already stored */
    pg_store_file_rollback(s);
    check_stats(s, 0, 0, 0, 0, 0);

    /* Closing with an open transaction rolls it back. */
    CHECK_INT(pg_store_file_begin(s, "r.txt", "listing", &fid, &err), PG_OK);
    CHECK_INT(put_record(s, fid, &r, e.norm, &is_new, &err), PG_OK);
    pg_store_close(s);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM files"), 0);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM texts"), 0);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM occurrences"), 0);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM text_urls"), 0);
    s = open_ok(path);
    if (s == NULL)
        return;
    check_stats(s, 0, 0, 0, 0, 0);
    pg_store_close(s);
}

static void test_misuse(void)
{
    static const entry e = { "M", "m", "pm", "", 1 };
    char path[PATH_MAX];
    pg_error err;
    long long fid = 0, fid2 = 0;
    int dup = -1, is_new;
    pg_record r = make_record(&e);
    pg_text t = make_text(&r, e.norm);
    pg_file_counts c = { 1, 1, 0, 1, "" };
    tpath(path, "misuse.db");
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;
    CHECK_INT(pg_store_add_text(s, &t, &err), PG_ERR_USAGE);
    CHECK_INT(pg_store_add_url(s, t.key, "https://a/", &err), PG_ERR_USAGE);
    CHECK_INT(pg_store_add_occurrence(s, 1, t.key, &r, &err), PG_ERR_USAGE);
    CHECK_INT(pg_store_file_commit(s, 1, key_of("m"), &c, &dup, NULL, &err), PG_ERR_USAGE);
    CHECK_INT(pg_store_file_begin(s, "m.txt", "listing", &fid, &err), PG_OK);
    CHECK_INT(pg_store_file_begin(s, "n.txt", "listing", &fid2, &err), PG_ERR_USAGE);
    CHECK_INT(pg_store_add_occurrence(s, fid + 1, t.key, &r, &err), PG_ERR_USAGE);
    CHECK_INT(put_record(s, fid, &r, e.norm, &is_new, &err), PG_OK);
    CHECK_INT(pg_store_file_commit(s, fid, key_of("m"), &c, &dup, NULL, &err), PG_OK);
    check_stats(s, 1, 1, 1, 1, 0);
    pg_store_close(s);
}

static void test_shared_text(void)
{
    static const entry e1[] = { { "Shared", "text", "shared", "2024-04-01", 2 } };
    static const entry e2[] = { { "Shared", "text", "shared", "2024-04-02", 9 } };
    char path[PATH_MAX], hex[PG_KEY_HEX], id[PG_ID_HEX];
    int dup;
    tpath(path, "shared.db");
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;
    CHECK_INT(ingest(s, "one.txt", key_of("1"), e1, 1, &dup, NULL), PG_OK);
    CHECK_INT(ingest(s, "two.txt", key_of("2"), e2, 1, &dup, NULL), PG_OK);
    CHECK_INT(dup, 0);
    check_stats(s, 2, 2, 1, 1, 2);
    pg_store_close(s);
    pg_key_to_hex(raw_key("Shared", "text"), hex);
    pg_key_to_id(key_of("shared"), id);
    CHECK_INT(sql_int(path, "SELECT count(DISTINCT text_id) FROM occurrences"), 1);
    char sql[160], buf[64];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM occurrences AS o JOIN texts AS t"
             " ON t.id = o.text_id WHERE hex(t.key) = upper('%s')", hex);
    CHECK_INT(sql_int(path, sql), 2);
    CHECK_STR(sql_text(path, "SELECT paper_id FROM paper_of_text", buf, sizeof buf), id);
}

/* A connection that began on an empty store knows every text it stored and
 * answers "not stored" without a look-up; a text another connection stored
 * meanwhile must still be found (storing it again would break the key's
 * UNIQUE and fail the file). */
static void test_known_other_writer(void)
{
    static const entry a[] = { { "First", "one", "first", "2024-05-01", 1 } };
    static const entry b[] = { { "Second", "two", "second", "2024-05-02", 1 } };
    char path[PATH_MAX];
    int dup = -1, found = -1;
    long long fid = 0;
    pg_error err;
    tpath(path, "known.db");
    pg_store *s = open_ok(path);
    pg_store *t = open_ok(path);
    if (s == NULL || t == NULL) {
        pg_store_close(s);
        pg_store_close(t);
        return;
    }
    CHECK_INT(ingest(s, "a.txt", key_of("a"), a, 1, &dup, NULL), PG_OK);
    CHECK_INT(ingest(t, "b.txt", key_of("b"), b, 1, &dup, NULL), PG_OK);
    CHECK_INT(ingest(s, "c.txt", key_of("c"), b, 1, &dup, NULL), PG_OK);
    check_stats(s, 3, 3, 2, 2, 2);
    CHECK_INT(pg_store_file_begin(s, "d.txt", "listing", &fid, &err), PG_OK);
    CHECK_INT(pg_store_has_text(s, raw_key("Second", "two"), &found, &err), PG_OK);
    CHECK_INT(found, 1);
    CHECK_INT(pg_store_has_text(s, raw_key("Third", "three"), &found, &err), PG_OK);
    CHECK_INT(found, 0);
    pg_store_file_rollback(s);
    /* After the rollback the map starts over and is looked up again. */
    CHECK_INT(ingest(s, "e.txt", key_of("e"), a, 1, &dup, NULL), PG_OK);
    check_stats(s, 4, 4, 2, 2, 2);
    CHECK(store_ok(s));
    pg_store_close(t);
    pg_store_close(s);
}

/* Occurrences are held until their file commits (occurrences.c); what the
 * open transaction reads must see them all the same: a text's authors, year
 * and venue (what the matcher compares) and the counts. */
static void test_held_occurrences(void)
{
    static const entry e = { "Held", "held abstract", "norm held", "2024-06-01", 7 };
    char path[PATH_MAX];
    pg_error err;
    long long fid = 0;
    int is_new = 0, dup = 0;
    tpath(path, "held.db");
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;
    pg_record r = make_record(&e);
    r.authors = 6;
    r.pub_year = 2021;
    r.venue = "ICML";
    CHECK_INT(pg_store_file_begin(s, "h.txt", "listing", &fid, &err), PG_OK);
    CHECK_INT(put_record(s, fid, &r, e.norm, &is_new, &err), PG_OK);
    CHECK_INT(is_new, 1);
    pg_text_info info;
    CHECK_INT(pg_store_text_info(s, raw_key(e.title, e.abstract), &info, &err), PG_OK);
    CHECK_INT(info.authors, 6);
    CHECK_INT(info.year, 2021);
    CHECK_STR(info.venue, "ICML");
    pg_text_info_release(&info);
    r.line = 8;
    r.authors = 9;                      /* a second occurrence, still held */
    CHECK_INT(put_record(s, fid, &r, e.norm, &is_new, &err), PG_OK);
    CHECK_INT(is_new, 0);
    check_stats(s, 0, 2, 1, 1, 1);
    CHECK_INT(pg_store_text_info(s, raw_key(e.title, e.abstract), &info, &err), PG_OK);
    CHECK_INT(info.authors, 9);
    pg_text_info_release(&info);
    /* By id: the same answer; an id that is not the text's, none. */
    long long id = 0;
    CHECK_INT(pg_store_text_id(s, raw_key(e.title, e.abstract), &id, &err), PG_OK);
    CHECK_INT(pg_store_text_info_id(s, raw_key(e.title, e.abstract), id, &info, &err), PG_OK);
    CHECK_INT(info.authors, 9);
    CHECK_INT(info.year, 2021);
    CHECK_STR(info.venue, "ICML");
    CHECK_STR(info.title, e.title);
    CHECK(pg_key_cmp(info.norm_key, key_of(e.norm)) == 0);
    pg_text_info_release(&info);
    CHECK_INT(pg_store_text_info_id(s, key_of("other"), id, &info, &err), PG_ERR_NOT_FOUND);
    CHECK_INT(pg_store_text_info_id(s, raw_key(e.title, e.abstract), id + 1, &info, &err),
              PG_ERR_NOT_FOUND);
    r.line = 9;
    CHECK_INT(put_record(s, fid, &r, e.norm, &is_new, &err), PG_OK);
    /* An empty venue and an absent year count for nothing; the earliest
     * year given wins, and the largest author count. */
    pg_record other = r;
    other.line = 10;
    other.authors = 2;
    other.pub_year = 2019;
    other.venue = "";
    CHECK_INT(put_record(s, fid, &other, e.norm, &is_new, &err), PG_OK);
    other.line = 11;
    other.pub_year = 0;
    other.venue = "AAAI";
    CHECK_INT(put_record(s, fid, &other, e.norm, &is_new, &err), PG_OK);
    CHECK_INT(pg_store_text_info_id(s, raw_key(e.title, e.abstract), id, &info, &err), PG_OK);
    CHECK_INT(info.authors, 9);
    CHECK_INT(info.year, 2019);
    CHECK_STR(info.venue, "AAAI");
    pg_text_info_release(&info);
    pg_file_counts c = { 5, 1, 0, 10, "2024-06-01" };
    CHECK_INT(pg_store_file_commit(s, fid, key_of("held"), &c, &dup, NULL, &err), PG_OK);
    check_stats(s, 1, 5, 1, 1, 1);
    /* A rolled-back file leaves none of its held occurrences. */
    CHECK_INT(pg_store_file_begin(s, "h2.txt", "listing", &fid, &err), PG_OK);
    r.line = 1;
    CHECK_INT(put_record(s, fid, &r, e.norm, &is_new, &err), PG_OK);
    pg_store_file_rollback(s);
    check_stats(s, 1, 5, 1, 1, 1);
    CHECK(store_ok(s));
    pg_store_close(s);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM occurrences WHERE text_id = 1"), 5);
    CHECK_INT(sql_int(path, "SELECT max(authors) FROM occurrences"), 9);
}

/* ---- reading ------------------------------------------------------------ */

typedef struct walk {
    pg_buf seen;
    int calls;
    int stop_at;            /* stop after this many calls; 0: never */
} walk;

static int walk_fn(void *ctx, const pg_occurrence *o)
{
    walk *w = ctx;
    w->calls++;
    pg_buf_printf(&w->seen, "%s|%s|%ld;", o->day, o->file, o->line);
    return w->stop_at != 0 && w->calls >= w->stop_at;
}

static void test_foreach_order(void)
{
    static const entry b[] = {
        { "b9", "", "b9", "2024-01-02", 9 }, { "b2", "", "b2", "2024-01-02", 2 },
    };
    static const entry a[] = { { "a5", "", "a5", "2024-01-02", 5 } };
    static const entry z[] = { { "z4", "", "z4", "2024-01-01", 4 } };
    static const entry c[] = { { "c1", "", "c1", "", 1 } };
    static const entry m[] = {
        { "m2", "", "m2", "2024-01-03", 2 }, { "m1", "", "m1", "2024-01-01", 1 },
    };
    char path[PATH_MAX];
    pg_error err;
    int dup;
    tpath(path, "order.db");
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;
    CHECK_INT(ingest(s, "b.txt", key_of("b"), b, 2, &dup, NULL), PG_OK);
    CHECK_INT(ingest(s, "a.txt", key_of("a"), a, 1, &dup, NULL), PG_OK);
    CHECK_INT(ingest(s, "z.txt", key_of("z"), z, 1, &dup, NULL), PG_OK);
    CHECK_INT(ingest(s, "c.txt", key_of("c"), c, 1, &dup, NULL), PG_OK);
    CHECK_INT(ingest(s, "m.txt", key_of("m"), m, 2, &dup, NULL), PG_OK);

    walk w = { PG_BUF_INIT, 0, 0 };
    CHECK_INT(pg_store_foreach_occurrence(s, walk_fn, &w, &err), PG_OK);
    CHECK_INT(w.calls, 7);
    CHECK_STR(w.seen.data, "|c.txt|1;2024-01-01|m.txt|1;2024-01-01|z.txt|4;"
              "2024-01-02|a.txt|5;2024-01-02|b.txt|2;2024-01-02|b.txt|9;"
              "2024-01-03|m.txt|2;");
    pg_buf_reset(&w.seen);

    w.calls = 0;
    w.stop_at = 2;
    CHECK_INT(pg_store_foreach_occurrence(s, walk_fn, &w, &err), PG_OK);
    CHECK_INT(w.calls, 2);
    CHECK_STR(w.seen.data, "|c.txt|1;2024-01-01|m.txt|1;");
    pg_buf_release(&w.seen);
    check_stats(s, 5, 7, 7, 7, 3);
    pg_store_close(s);
}

typedef struct grab {
    int calls;
    char line[4][512];
} grab;

static int grab_fn(void *ctx, const pg_occurrence *o)
{
    grab *g = ctx;
    if (g->calls < 4)
        snprintf(g->line[g->calls], sizeof g->line[0], "%s|%ld|%s|%s|%s|%s|%s|%d|%d|%s|%s",
                 o->file, o->line, o->day, o->day_label, o->paper_id, o->text_key,
                 o->title, o->authors, o->upvotes, o->pub_date, o->date_raw);
    g->calls++;
    return 0;
}

static void test_fields(void)
{
    static const char *title = "Robert'); DROP TABLE texts;-- \"quoted\"";
    static const char *abstract = "Na\xc3\xafve \xe2\x80\x94 \xc3\xbc 100% %s ?1";
    entry full_e = { title, abstract, "norm full", "2024-03-06", 1 };
    entry bare_e = { "Bare", "", "norm bare", "", 2 };
    entry month_e = { "Month", "m", "norm month", "2024-03-07", 3 };
    entry year_e = { "Year", "y", "norm year", "2024-03-07", 4 };
    char path[PATH_MAX], want[512], hex[PG_KEY_HEX], id[PG_ID_HEX], buf[512];
    pg_error err;
    long long fid;
    int is_new, dup;
    tpath(path, "fields.db");
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;
    pg_record full = make_record(&full_e);
    full.authors = 5;
    full.upvotes = 0;                   /* zero is a value, not absence */
    full.pub_year = 2024, full.pub_month = 3, full.pub_day = 5;
    full.date_raw = "5 Mar 2024";
    full.venue = "NeurIPS";
    full.ext_id = "2403.00001";
    full.day_label = "Mar 6";
    pg_record bare = make_record(&bare_e);
    pg_record month = make_record(&month_e);
    month.pub_year = 2023, month.pub_month = 7;
    pg_record year = make_record(&year_e);
    year.pub_year = 1999;
    year.pub_day = 4;                   /* a day without a month is dropped */

    CHECK_INT(pg_store_file_begin(s, "f'ile\".txt", "jsonl", &fid, &err), PG_OK);
    CHECK_INT(put_record(s, fid, &full, full_e.norm, &is_new, &err), PG_OK);
    CHECK_INT(put_record(s, fid, &bare, bare_e.norm, &is_new, &err), PG_OK);
    CHECK_INT(put_record(s, fid, &month, month_e.norm, &is_new, &err), PG_OK);
    CHECK_INT(put_record(s, fid, &year, year_e.norm, &is_new, &err), PG_OK);
    pg_file_counts c = { 4, 4, 0, 10, "" };
    CHECK_INT(pg_store_file_commit(s, fid, key_of("fields"), &c, &dup, NULL, &err), PG_OK);

    grab g;
    memset(&g, 0, sizeof g);
    CHECK_INT(pg_store_foreach_occurrence(s, grab_fn, &g, &err), PG_OK);
    CHECK_INT(g.calls, 4);
    pg_key_to_hex(raw_key("Bare", ""), hex);
    pg_key_to_id(key_of("norm bare"), id);
    snprintf(want, sizeof want, "f'ile\".txt|2|||%s|%s|Bare|-1|-1||", id, hex);
    CHECK_STR(g.line[0], want);
    pg_key_to_hex(raw_key(title, abstract), hex);
    pg_key_to_id(key_of("norm full"), id);
    snprintf(want, sizeof want, "f'ile\".txt|1|2024-03-06|Mar 6|%s|%s|%s|5|0|2024-03-05|5 Mar 2024",
             id, hex, title);
    CHECK_STR(g.line[1], want);
    CHECK(strstr(g.line[2], "|Month|-1|-1|2023-07|") != NULL);
    CHECK(strstr(g.line[3], "|Year|-1|-1|1999|") != NULL);
    pg_store_close(s);

    CHECK_STR(sql_text(path, "SELECT typeof(authors)||typeof(upvotes)||typeof(pub_date)"
                       "||typeof(date_raw)||typeof(venue)||typeof(ext_id) FROM occurrences"
                       " WHERE line = 2", buf, sizeof buf),
              "nullnullnullnullnullnull");
    CHECK_STR(sql_text(path, "SELECT venue||'|'||ext_id FROM occurrences WHERE line = 1",
                       buf, sizeof buf), "NeurIPS|2403.00001");
    CHECK_STR(sql_text(path, "SELECT abstract FROM texts WHERE title LIKE 'Robert%'",
                       buf, sizeof buf), abstract);
    CHECK_STR(sql_text(path, "SELECT typeof(day) FROM files", buf, sizeof buf), "null");
    CHECK_INT(sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'texts'"), 1);
}

static void test_check(void)
{
    char path[PATH_MAX];
    pg_buf detail = PG_BUF_INIT;
    pg_error err;
    int ok = -1, dup;
    tpath(path, "check.db");
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;
    CHECK_INT(ingest(s, "one.txt", key_of("one"), one_entry, 1, &dup, NULL), PG_OK);
    CHECK_INT(pg_store_check(s, &ok, &detail, &err), PG_OK);
    CHECK_INT(ok, 1);
    CHECK_INT(detail.len, 0);
    pg_store_close(s);

    /* An occurrence of a text that does not exist, slipped in behind the
     * store's back (foreign keys are off by default in SQLite). */
    CHECK_INT(sql_exec(path, "INSERT INTO occurrences (file_id, line, day, day_label,"
                       " text_id) VALUES (1, 99, '', '', 999)"), SQLITE_OK);
    s = open_ok(path);
    if (s == NULL)
        return;
    CHECK_INT(pg_store_check(s, &ok, &detail, &err), PG_OK);
    CHECK_INT(ok, 0);
    CHECK(detail.data != NULL && strstr(detail.data, "occurrences") != NULL);
    pg_buf_release(&detail);
    pg_store_close(s);

    /* An occurrence of a day its file has no file_days row for: the digest
     * and the export would not find it. */
    tpath(path, "check_days.db");
    if ((s = open_ok(path)) == NULL)
        return;
    CHECK_INT(ingest(s, "one.txt", key_of("one"), one_entry, 1, &dup, NULL), PG_OK);
    pg_store_close(s);
    CHECK_INT(sql_exec(path, "INSERT INTO occurrences (file_id, line, day, day_label,"
                       " text_id) SELECT 1, 98, '2031-01-02', 'Jan 2', min(id) FROM texts"),
              SQLITE_OK);
    if ((s = open_ok(path)) == NULL)
        return;
    ok = -1;
    CHECK_INT(pg_store_check(s, &ok, &detail, &err), PG_OK);
    CHECK_INT(ok, 0);
    CHECK(detail.data != NULL && strstr(detail.data, "file_days") != NULL &&
          strstr(detail.data, "2031-01-02") != NULL);
    pg_buf_release(&detail);
    pg_store_close(s);
}

/* ---- processes ---------------------------------------------------------- */

#define CONC_FILES 200
#define CONC_OCC 100
#define CONC_TEXTS 500      /* texts drawn from a pool both writers share */
#define CONC_PAPERS 250
#define CONC_DAYS 28

typedef struct conc_result {
    int committed;
    int dups;
} conc_result;

/* Every 20th file has the same content in both writers: exactly one of the
 * two commits it. */
static int conc_shared(int f)
{
    return f % 20 == 0;
}

static int conc_text(int f, int j)
{
    return (f * 7 + j) % CONC_TEXTS;
}

/* One concurrent writer: CONC_FILES files of CONC_OCC occurrences. */
static int conc_writer(const char *path, int who, conc_result *res)
{
    pg_store *s = NULL;
    pg_error err;
    pg_err rc = pg_store_open(path, &s, &err);
    char name[64], title[64], abstract[128], norm[32], day[16], ck[64];
    for (int f = 0; f < CONC_FILES && rc == PG_OK; f++) {
        long long fid;
        int is_new, dup = 0;
        pg_file_counts c = { CONC_OCC, 0, 0, 1000, "" };
        snprintf(name, sizeof name, "w%d/f%03d.txt", who, f);
        if (conc_shared(f))
            snprintf(ck, sizeof ck, "shared %d", f);
        else
            snprintf(ck, sizeof ck, "writer %d file %d", who, f);
        snprintf(day, sizeof day, "2024-02-%02d", f % CONC_DAYS + 1);
        rc = pg_store_file_begin(s, name, "listing", &fid, &err);
        for (int j = 0; j < CONC_OCC && rc == PG_OK; j++) {
            int t = conc_text(f, j);
            snprintf(title, sizeof title, "Paper %d", t);
            snprintf(abstract, sizeof abstract, "The abstract of paper %d.", t);
            snprintf(norm, sizeof norm, "norm %d", t % CONC_PAPERS);
            entry e = { title, abstract, norm, day, j + 1 };
            pg_record r = make_record(&e);
            rc = put_record(s, fid, &r, norm, &is_new, &err);
            c.new_texts += is_new;
        }
        if (rc == PG_OK)
            rc = pg_store_file_commit(s, fid, key_of(ck), &c, &dup, NULL, &err);
        else
            pg_store_file_rollback(s);
        res->committed += rc == PG_OK && !dup;
        res->dups += rc == PG_OK && dup;
    }
    if (rc != PG_OK)
        fprintf(stderr, "writer %d: %s\n", who, err.msg);
    pg_store_close(s);
    return rc == PG_OK ? 0 : 1;
}

/* Two processes write into one database at once (creating it together). */
static void test_concurrent_writers(void)
{
    char path[PATH_MAX];
    int go[2], out[2];
    pid_t pid[2];
    tpath(path, "concurrent.db");
    CHECK(pipe(go) == 0 && pipe(out) == 0);
    fflush(NULL);
    for (int w = 0; w < 2; w++) {
        pid[w] = fork();
        CHECK(pid[w] >= 0);
        if (pid[w] == 0) {
            conc_result res = { 0, 0 };
            char c;
            close(go[1]);
            close(out[0]);
            while (read(go[0], &c, 1) < 0 && errno == EINTR)
                ;                               /* released by EOF */
            int status = conc_writer(path, w, &res);
            if (write(out[1], &res, sizeof res) != (ssize_t)sizeof res)
                status = 1;
            exit(status);
        }
    }
    close(go[0]);
    close(out[1]);
    close(go[1]);                               /* go */
    conc_result total = { 0, 0 }, res;
    for (int w = 0; w < 2; w++) {
        int st = -1;
        CHECK(read(out[0], &res, sizeof res) == (ssize_t)sizeof res);
        total.committed += res.committed;
        total.dups += res.dups;
        CHECK(waitpid(pid[w], &st, 0) == pid[w]);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    close(out[0]);

    int shared = 0;
    for (int f = 0; f < CONC_FILES; f++)
        shared += conc_shared(f);
    int files = 2 * CONC_FILES - shared;
    CHECK_INT(total.committed, files);
    CHECK_INT(total.dups, shared);
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;
    check_stats(s, files, (long long)files * CONC_OCC, CONC_TEXTS, CONC_PAPERS, CONC_DAYS);
    CHECK(store_ok(s));
    pg_store_close(s);
}

#define KILL_TEXTS 20000    /* 2 KB each: more than the page cache, so the
                             * transaction spills into the WAL before dying */

static void kill_entry(int i, char *title, char *abstract, char *norm)
{
    snprintf(title, 64, "Victim paper %d", i);
    int n = snprintf(abstract, 2100, "Abstract %d: ", i);
    for (; n < 2000; n++)
        abstract[n] = (char)('a' + (n * 7 + i) % 26);
    abstract[n] = '\0';
    snprintf(norm, 32, "victim %d", i);
}

/* Ingests the victim file; in the child it signals ready instead of
 * committing and waits for its death. */
static pg_err victim_file(pg_store *s, int ready_fd, int *dup, pg_error *err)
{
    char title[64], abstract[2100], norm[32];
    long long fid;
    int is_new;
    pg_err rc = pg_store_file_begin(s, "victim.txt", "listing", &fid, err);
    for (int i = 0; i < KILL_TEXTS && rc == PG_OK; i++) {
        kill_entry(i, title, abstract, norm);
        entry e = { title, abstract, norm, "2024-05-01", i + 1 };
        pg_record r = make_record(&e);
        rc = put_record(s, fid, &r, norm, &is_new, err);
    }
    if (rc != PG_OK)
        return rc;
    if (ready_fd >= 0) {
        alarm(60);              /* never outlive a broken parent */
        if (write(ready_fd, "r", 1) != 1)
            return PG_ERR_IO;
        for (;;)
            pause();
    }
    pg_file_counts c = { KILL_TEXTS, KILL_TEXTS, 0, 5000, "2024-05-01" };
    return pg_store_file_commit(s, fid, key_of("victim"), &c, dup, NULL, err);
}

static void test_killed_writer(void)
{
    char path[PATH_MAX], title[64], abstract[2100], norm[32];
    int ready[2], dup = -1, found = -1, st = 0;
    pg_error err;
    tpath(path, "killed.db");
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;
    CHECK_INT(ingest(s, "before.txt", key_of("before"), one_entry, 1, &dup, NULL), PG_OK);
    pg_store_close(s);

    CHECK(pipe(ready) == 0);
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(ready[0]);
        s = NULL;
        pg_err rc = pg_store_open(path, &s, &err);
        if (rc == PG_OK)
            rc = victim_file(s, ready[1], &dup, &err);
        fprintf(stderr, "victim: %s\n", err.msg);
        exit(1);
    }
    close(ready[1]);
    char c = 0;
    ssize_t n;
    while ((n = read(ready[0], &c, 1)) < 0 && errno == EINTR)
        ;
    CHECK(n == 1 && c == 'r');
    CHECK(kill(pid, SIGKILL) == 0);
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    close(ready[0]);
    CHECK(side_exists(path, "-wal"));   /* it died with the WAL open */

    s = open_ok(path);
    if (s == NULL)
        return;
    CHECK(store_ok(s));
    check_stats(s, 1, 1, 1, 1, 1);
    CHECK_INT(pg_store_find_file(s, key_of("victim"), NULL, &found, &err), PG_OK);
    CHECK_INT(found, 0);
    kill_entry(0, title, abstract, norm);
    CHECK_INT(pg_store_has_text(s, raw_key(title, abstract), &found, &err), PG_OK);
    CHECK_INT(found, 0);

    CHECK_INT(victim_file(s, -1, &dup, &err), PG_OK);
    CHECK_INT(dup, 0);
    check_stats(s, 2, 1 + KILL_TEXTS, 1 + KILL_TEXTS, 1 + KILL_TEXTS, 2);
    CHECK(store_ok(s));
    pg_store_close(s);
}

/* ---- throughput --------------------------------------------------------- */

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double seconds(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of this process: steadier than wall time on a loaded machine. */
static double cpu_seconds(void)
{
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static pg_record bench_record(char *title, char *abstract, int i)
{
    entry e = { title, abstract, "", "2024-06-01", i + 1 };
    pg_record r = make_record(&e);
    r.authors = 3 + i % 7;
    r.upvotes = i % 50;
    r.pub_year = 2024, r.pub_month = 6, r.pub_day = 1;
    r.date_raw = "Jun 1, 2024";
    r.day_label = "Jun 1";
    return r;
}

static void bench_text(int i, char *title, char *abstract)
{
    snprintf(title, 64, "Bench paper %d: a title of typical length for a paper", i);
    int n = snprintf(abstract, 1600, "Abstract %d. ", i);
    for (; n < 1500; n++)
        abstract[n] = (char)(n % 11 == 0 ? ' ' : 'a' + (n * 13 + i) % 26);
    abstract[n] = '\0';
}

/* Times (1) add_occurrence of known texts and (2) the whole path of a new
 * entry (has_text, add_text of 1.5 KB, add_url, add_occurrence), each inside
 * one transaction; the commit is timed apart. */
static void test_throughput(void)
{
    const char *env = getenv("PG_STORE_BENCH_N");
    long n = env ? atol(env) : 50000;
    int pool = 1000, dup, found;
    char path[PATH_MAX], title[64], abstract[1600], url[64];
    pg_error err;
    long long fid;
    if (n < 1)
        n = 1;
    tpath(path, "bench.db");
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;

    pg_err rc = pg_store_file_begin(s, "occ.txt", "listing", &fid, &err);
    pg_key keys[1000];
    for (int i = 0; i < pool && rc == PG_OK; i++) {
        bench_text(i, title, abstract);
        pg_record r = bench_record(title, abstract, i);
        pg_text t = make_text(&r, title);
        keys[i] = t.key;
        rc = pg_store_add_text(s, &t, &err);
    }
    double t0 = seconds(), c0 = cpu_seconds();
    for (long i = 0; i < n && rc == PG_OK; i++) {
        pg_record r = bench_record(title, abstract, (int)i);
        rc = pg_store_add_occurrence(s, fid, keys[i % pool], &r, &err);
    }
    double t1 = seconds(), c1 = cpu_seconds();
    pg_file_counts c = { n, pool, 0, 1, "2024-06-01" };
    CHECK_INT(rc, PG_OK);
    CHECK_INT(pg_store_file_commit(s, fid, key_of("bench occ"), &c, &dup, NULL, &err), PG_OK);
    double t2 = seconds();
    fprintf(stderr, "throughput: add_occurrence %.0f/s, %.0f/s of CPU (%ld in %.3f s, "
            "commit %.3f s)\n", n / (t1 - t0), n / (c1 - c0), n, t1 - t0, t2 - t1);

    long m = n / 2 > 0 ? n / 2 : 1;
    rc = pg_store_file_begin(s, "new.txt", "listing", &fid, &err);
    t0 = seconds();
    c0 = cpu_seconds();
    for (long i = 0; i < m && rc == PG_OK; i++) {
        bench_text(pool + (int)i, title, abstract);
        pg_record r = bench_record(title, abstract, (int)i);
        pg_text t = make_text(&r, title);
        snprintf(url, sizeof url, "https://arxiv.org/abs/2406.%05ld", i);
        rc = pg_store_has_text(s, t.key, &found, &err);
        if (rc == PG_OK && !found)
            rc = pg_store_add_text(s, &t, &err);
        if (rc == PG_OK)
            rc = pg_store_add_url(s, t.key, url, &err);
        if (rc == PG_OK)
            rc = pg_store_add_occurrence(s, fid, t.key, &r, &err);
    }
    t1 = seconds();
    c1 = cpu_seconds();
    CHECK_INT(rc, PG_OK);
    pg_file_counts c2 = { m, m, 0, 1, "2024-06-01" };
    CHECK_INT(pg_store_file_commit(s, fid, key_of("bench new"), &c2, &dup, NULL, &err), PG_OK);
    t2 = seconds();
    fprintf(stderr, "throughput: new entry (text 1.5 KB + url + occurrence) %.0f/s, "
            "%.0f/s of CPU (%ld in %.3f s, commit %.3f s)\n", m / (t1 - t0),
            m / (c1 - c0), m, t1 - t0, t2 - t1);
    check_stats(s, 2, n + m, pool + m, pool + m, 1);
    pg_store_close(s);
}

/* An abstract packed beforehand (pg_abstract_pack, as a producer thread
 * does) is stored byte for byte as the store packs it, and reads back. */
static void test_prepacked(void)
{
    char path[PATH_MAX], a[PATH_MAX + 64], b[PATH_MAX + 64];
    char abstract[2048];
    pg_packer *pk = NULL;
    pg_buf packed = PG_BUF_INIT;
    pg_error err;
    long long fid;
    int compressed = -1, dup;
    size_t n = 0;
    for (int i = 0; n + 64 < sizeof abstract; i++)
        n += (size_t)snprintf(abstract + n, sizeof abstract - n,
                              "token %d routes through expert %d; ", i % 7, i % 5);
    CHECK_INT(pg_packer_new(&pk), PG_OK);
    if (pk == NULL)
        return;
    CHECK_INT(pg_buf_puts(&packed, "kept"), PG_OK);
    pg_abstract_pack(pk, abstract, n, &packed, &compressed);
    CHECK_INT(compressed, 1);
    CHECK(packed.len > 4 && packed.len < n / 2);
    CHECK(memcmp(packed.data, "kept", 4) == 0);     /* appended after */
    size_t before = packed.len;
    pg_abstract_pack(pk, "short", 5, &packed, &compressed);
    CHECK_INT(compressed, 0);                       /* stored as text */
    CHECK_INT(packed.len, before);

    tpath(path, "prepacked.db");
    pg_store *s = open_ok(path);
    if (s == NULL)
        goto out;
    entry e[3] = {
        { "Packed here", abstract, "norm 1", "2024-01-01", 1 },
        { "Packed before", abstract, "norm 2", "2024-01-01", 2 },
        { "Text before", abstract, "norm 3", "2024-01-01", 3 },
    };
    CHECK_INT(pg_store_file_begin(s, "p.txt", "listing", &fid, &err), PG_OK);
    for (int i = 0; i < 3; i++) {
        pg_record r = make_record(&e[i]);
        pg_text t = make_text(&r, e[i].norm);
        t.prepacked = i > 0;
        t.packed = i == 1 ? packed.data + 4 : NULL;
        t.packed_len = i == 1 ? before - 4 : 0;
        CHECK_INT(pg_store_add_text(s, &t, &err), PG_OK);
        CHECK_INT(pg_store_add_occurrence(s, fid, t.key, &r, &err), PG_OK);
    }
    pg_file_counts c = { 3, 3, 0, 10, "" };
    CHECK_INT(pg_store_file_commit(s, fid, key_of("prepacked"), &c, &dup, NULL, &err), PG_OK);
    pg_text_info info;
    memset(&info, 0, sizeof info);
    CHECK_INT(pg_store_text_info(s, raw_key(e[1].title, abstract), &info, &err), PG_OK);
    CHECK_STR(info.abstract, abstract);
    pg_text_info_release(&info);
    pg_store_close(s);
    CHECK_STR(sql_text(path, "SELECT group_concat(t) FROM (SELECT typeof(abstract) AS t"
                       " FROM texts ORDER BY id)",
                       a, sizeof a), "blob,blob,text");
    sql_text(path, "SELECT hex(abstract) FROM texts WHERE id = 1", a, sizeof a);
    sql_text(path, "SELECT hex(abstract) FROM texts WHERE id = 2", b, sizeof b);
    CHECK(a[0] != '\0');
    CHECK_STR(b, a);
out:
    pg_packer_free(pk);
    pg_buf_release(&packed);
}

/* ---- transaction hooks -------------------------------------------------- */

/* What the hooks of a test saw, in order, as letters: b(egin) p(recommit)
 * c(ommitted) r(olled back); fail_* make a hook fail once. */
typedef struct hook_log {
    char seen[64];
    int fail_begin, fail_precommit;
    int *freed;
    unsigned long long gen_at_rollback;
} hook_log;

static void log_add(hook_log *l, char c)
{
    size_t n = strlen(l->seen);
    if (n + 1 < sizeof l->seen) {
        l->seen[n] = c;
        l->seen[n + 1] = '\0';
    }
}

static pg_err hk_begin(void *ctx, pg_store *s, pg_error *err)
{
    hook_log *l = ctx;
    CHECK(pg_store_in_write(s));
    log_add(l, 'b');
    if (l->fail_begin) {
        l->fail_begin = 0;
        return pg_error_set(err, PG_ERR_NOMEM, "begin hook failed");
    }
    return PG_OK;
}

static pg_err hk_precommit(void *ctx, pg_store *s, pg_error *err)
{
    hook_log *l = ctx;
    log_add(l, 'p');
    if (l->fail_precommit) {
        l->fail_precommit = 0;
        return pg_error_set(err, PG_ERR_DB, "precommit hook failed");
    }
    /* A last write, in the transaction being committed. */
    return pg_store_set_setting(s, "test.precommit", l->seen, err);
}

static void hk_committed(void *ctx, pg_store *s)
{
    (void)s;
    log_add(ctx, 'c');
}

static void hk_rolled_back(void *ctx, pg_store *s)
{
    hook_log *l = ctx;
    l->gen_at_rollback = pg_store_generation(s);
    log_add(l, 'r');
}

static void hk_free(void *ctx)
{
    hook_log *l = ctx;
    ++*l->freed;
    free(l);
}

static const pg_tx_hooks test_hooks = {
    hk_begin, hk_precommit, hk_committed, hk_rolled_back, hk_free,
};
/* A second table: hooks run in the order they were added. */
static const pg_tx_hooks test_hooks2 = { hk_begin, NULL, hk_committed, NULL, hk_free };

static hook_log *add_log(pg_store *s, const pg_tx_hooks *h, int *freed)
{
    pg_error err;
    hook_log *l = calloc(1, sizeof *l);
    CHECK(l != NULL);
    if (l == NULL)
        return NULL;
    l->freed = freed;
    CHECK_INT(pg_store_add_tx_hooks(s, h, l, &err), PG_OK);
    CHECK(pg_store_tx_ctx(s, h) == l);
    return l;
}

/* File transactions and general ones, committed and rolled back. */
static void test_tx_hooks(void)
{
    char path[PATH_MAX];
    pg_error err;
    pg_buf dp = PG_BUF_INIT;
    int dup = 0, freed = 0;
    long long fid = 0;
    pg_store *s = open_ok(tpath(path, "hooks.db"));
    if (s == NULL)
        return;
    CHECK(pg_store_tx_ctx(s, &test_hooks) == NULL);
    hook_log *l = add_log(s, &test_hooks, &freed);
    if (l == NULL) {
        pg_store_close(s);
        return;
    }
    CHECK(!pg_store_in_write(s));
    CHECK_INT(ingest(s, "a.txt", key_of("a"), one_entry, 1, &dup, &dp), PG_OK);
    CHECK_STR(l->seen, "bpc");
    /* The precommit hook wrote in the file's transaction, which committed. */
    char v[64];
    CHECK_STR(sql_text(path, "SELECT value FROM settings WHERE key = 'test.precommit'",
                       v, sizeof v), "bp");
    unsigned long long g = pg_store_generation(s);
    CHECK_INT(pg_store_file_begin(s, "b.txt", "listing", &fid, &err), PG_OK);
    pg_store_file_rollback(s);
    CHECK_STR(l->seen, "bpcbr");
    CHECK(pg_store_generation(s) != g);
    CHECK(l->gen_at_rollback == pg_store_generation(s));
    /* A duplicate file is rolled back at its commit. */
    CHECK_INT(ingest(s, "a-again.txt", key_of("a"), one_entry, 1, &dup, &dp), PG_OK);
    CHECK_INT(dup, 1);
    CHECK_STR(l->seen, "bpcbrbr");
    l->seen[0] = '\0';
    CHECK_INT(pg_store_tx_begin(s, &err), PG_OK);
    CHECK(pg_store_in_write(s));
    CHECK_INT(pg_store_tx_commit(s, &err), PG_OK);
    CHECK_INT(pg_store_tx_begin(s, &err), PG_OK);
    pg_store_tx_rollback(s);
    CHECK_STR(l->seen, "bpcbr");
    /* Hooks added later run after the earlier ones. */
    hook_log *l2 = add_log(s, &test_hooks2, &freed);
    if (l2 != NULL) {
        l->seen[0] = '\0';
        CHECK_INT(pg_store_tx_begin(s, &err), PG_OK);
        CHECK_INT(pg_store_tx_commit(s, &err), PG_OK);
        CHECK_STR(l->seen, "bpc");
        CHECK_STR(l2->seen, "bc");
    }
    CHECK_INT(freed, 0);
    pg_store_close(s);
    CHECK_INT(freed, l2 != NULL ? 2 : 1);
    pg_buf_release(&dp);
}

/* In a group of files: begin at each file, one precommit at the flush. */
static void test_group_hooks(void)
{
    char path[PATH_MAX];
    pg_error err;
    pg_buf dp = PG_BUF_INIT;
    int dup = 0, freed = 0;
    const entry e2[] = { { "Two", "Another abstract.", "norm two", "2024-01-02", 1 } };
    pg_store *s = open_ok(tpath(path, "hooks-group.db"));
    if (s == NULL)
        return;
    hook_log *l = add_log(s, &test_hooks, &freed);
    if (l != NULL) {
        pg_store_group_files(s, (unsigned long long)1 << 30);
        CHECK_INT(ingest(s, "a.txt", key_of("a"), one_entry, 1, &dup, &dp), PG_OK);
        CHECK_INT(ingest(s, "b.txt", key_of("b"), e2, 1, &dup, &dp), PG_OK);
        CHECK_STR(l->seen, "bb");
        CHECK(pg_store_in_write(s));
        CHECK_INT(pg_store_flush(s, &err), PG_OK);
        CHECK_STR(l->seen, "bbpc");
        CHECK(!pg_store_in_write(s));
    }
    pg_store_close(s);
    CHECK_INT(freed, 1);
    pg_buf_release(&dp);
}

/* A failing begin hook abandons the transaction; a failing precommit hook
 * rolls it back: the file is not in the database. */
static void test_hook_errors(void)
{
    char path[PATH_MAX];
    pg_error err;
    pg_buf dp = PG_BUF_INIT;
    int dup = 0, freed = 0;
    long long fid = 0;
    pg_store *s = open_ok(tpath(path, "hooks-fail.db"));
    if (s == NULL)
        return;
    hook_log *l = add_log(s, &test_hooks, &freed);
    if (l != NULL) {
        l->fail_begin = 1;
        CHECK_INT(pg_store_file_begin(s, "a.txt", "listing", &fid, &err), PG_ERR_NOMEM);
        CHECK_STR(err.msg, "begin hook failed");
        CHECK_INT(fid, 0);
        CHECK(!pg_store_in_write(s));
        l->fail_begin = 1;
        CHECK_INT(pg_store_tx_begin(s, &err), PG_ERR_NOMEM);
        CHECK(!pg_store_in_write(s));
        CHECK_STR(l->seen, "brbr");
        l->fail_precommit = 1;
        CHECK_INT(ingest(s, "a.txt", key_of("a"), one_entry, 1, &dup, &dp), PG_ERR_DB);
        CHECK_STR(l->seen, "brbrbpr");
        check_stats(s, 0, 0, 0, 0, 0);
        CHECK_INT(ingest(s, "a.txt", key_of("a"), one_entry, 1, &dup, &dp), PG_OK);
        check_stats(s, 1, 1, 1, 1, 1);
    }
    pg_store_close(s);
    pg_buf_release(&dp);
}

/* Bytes of a file, -1 when it is missing. */
static long long file_bytes(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/* The checkpointer (checkpoint.c) of grouped files: woken at every commit
 * here, it copies the WAL into the database file while the store stays
 * open (with no limit nothing else does: SQLite's own checkpoint is at
 * 16,384 pages); with a limit of 8 pages the writing thread also copies
 * what is left, so that the WAL is written from its start again and stays
 * small.  The rows are all there either way, and closing leaves no WAL. */
static void test_checkpointer(void)
{
    char path[PATH_MAX], wal[PATH_MAX + 4];
    pg_error err;
    pg_buf dp = PG_BUF_INIT;
    int dup = 0;
    for (int limit = 0; limit < 2; limit++) {
        snprintf(path, sizeof path, "%s/ckpt-%d.db", g_dir, limit);
        snprintf(wal, sizeof wal, "%s-wal", path);
        pg_store *s = open_ok(path);
        if (s == NULL)
            return;
        long long db_before = file_bytes(path);
        pg_store_group_files(s, 1);
        pgs_ckpt_tune(s, 1, limit ? 8 : 1 << 30);
        long long wal_most = 0;
        for (int i = 0; i < 40; i++) {
            char name[32], title[32], norm[32];
            snprintf(name, sizeof name, "%d.txt", i);
            snprintf(title, sizeof title, "Title %d", i);
            snprintf(norm, sizeof norm, "norm %d", i);
            const entry e[] = { { title, "An abstract.", norm, "2024-01-02", 1 } };
            CHECK_INT(ingest(s, name, key_of(name), e, 1, &dup, &dp), PG_OK);
            CHECK_INT(pg_store_flush(s, &err), PG_OK);
            if (file_bytes(wal) > wal_most)
                wal_most = file_bytes(wal);
        }
        CHECK_INT(pgs_ckpt_drain(s), 1);
        /* Only a checkpoint writes the database file in WAL mode. */
        CHECK(file_bytes(path) > db_before);
        /* Without the limit the WAL may or may not start again, as the
         * thread wins or loses the race to the next write. */
        if (limit)
            CHECK(wal_most < 40 * 8192);
        pg_store_group_files(s, 0);
        check_stats(s, 40, 40, 40, 40, 1);
        pg_store_close(s);
        CHECK_INT(file_bytes(wal), -1);
    }
    pg_buf_release(&dp);
}

/* ---- the statement API -------------------------------------------------- */

static void test_stmt_api(void)
{
    char path[PATH_MAX];
    pg_error err;
    static const char put_sql[] = "INSERT INTO settings (key, value) VALUES (?1, ?2)";
    static const char echo_sql[] = "SELECT ?1, ?2, ?3, ?4, ?5";
    static const char bad_sql[] = "SELECT x FROM nowhere";
    pg_store *s = open_ok(tpath(path, "stmt.db"));
    if (s == NULL)
        return;
    pg_stmt *put = pg_store_stmt(s, put_sql, &err);
    CHECK(put != NULL);
    CHECK(pg_store_stmt(s, put_sql, &err) == put);     /* kept */
    CHECK(pg_store_stmt(s, bad_sql, &err) == NULL);
    CHECK(strstr(err.msg, "no such table") != NULL);
    pg_stmt *echo = pg_store_stmt(s, echo_sql, &err);
    CHECK(echo != NULL);
    if (put == NULL || echo == NULL) {
        pg_store_close(s);
        return;
    }
    /* Binds and columns. */
    unsigned char kb[16];
    const unsigned char blob[3] = { 1, 0, 2 };
    pg_key k = key_of("k");
    int rc = 0, row = 0;
    pg_stmt_bind_int(echo, 1, -42, &rc);
    pg_stmt_bind_blob(echo, 2, blob, sizeof blob, &rc);
    pg_stmt_bind_text(echo, 3, "text!", 4, &rc);
    pg_stmt_bind_key(echo, 4, k, kb, &rc);
    pg_stmt_bind_blob(echo, 5, NULL, 0, &rc);
    CHECK_INT(pg_stmt_step(s, echo, rc, &row, "echo", &err), PG_OK);
    CHECK_INT(row, 1);
    size_t n = 0;
    pg_key got;
    CHECK_INT(pg_stmt_int(echo, 0), -42);
    const unsigned char *b = pg_stmt_blob(echo, 1, &n);
    CHECK(b != NULL && n == 3 && memcmp(b, blob, 3) == 0);
    CHECK_STR(pg_stmt_text(echo, 2), "text");
    CHECK(pg_stmt_key(echo, 3, &got) && pg_key_cmp(got, k) == 0);
    CHECK(!pg_stmt_key(echo, 1, &got));
    CHECK(pg_stmt_blob(echo, 4, &n) == NULL && n == 0);   /* NULL */
    CHECK(pg_stmt_blob(echo, 2, &n) == NULL && n == 0);   /* not a BLOB */
    CHECK_STR(pg_stmt_text(echo, 4), "");
    CHECK_INT(pg_stmt_step(s, echo, 0, &row, "echo", &err), PG_OK);
    CHECK_INT(row, 0);
    pg_stmt_done(echo);
    /* A failed binding is reported by the step, with what. */
    rc = 0;
    pg_stmt_bind_int(echo, 9, 1, &rc);
    CHECK(rc != 0);
    CHECK_INT(pg_stmt_step(s, echo, rc, &row, "echoing", &err), PG_ERR_DB);
    CHECK(strstr(err.msg, "echoing") != NULL);
    pg_stmt_done(echo);
    /* Writes, and a failing one (a UNIQUE key). */
    CHECK_INT(pg_store_tx_begin(s, &err), PG_OK);
    rc = 0;
    pg_stmt_bind_text(put, 1, "test.k", 6, &rc);
    pg_stmt_bind_text(put, 2, "v1", 2, &rc);
    CHECK_INT(pg_stmt_exec(s, put, rc, "put", &err), PG_OK);
    rc = 0;
    pg_stmt_bind_text(put, 1, "test.k", 6, &rc);
    pg_stmt_bind_text(put, 2, "v2", 2, &rc);
    CHECK_INT(pg_stmt_exec(s, put, rc, "put again", &err), PG_ERR_DB);
    CHECK(strstr(err.msg, "put again") != NULL && strstr(err.msg, "UNIQUE") != NULL);
    CHECK_INT(pg_store_exec(s, "UPDATE settings SET value = 'v3' WHERE key = 'test.k'",
                            "update", &err), PG_OK);
    CHECK_INT(pg_store_exec(s, "UPDATE nowhere SET x = 1", "updating", &err), PG_ERR_DB);
    CHECK(strstr(err.msg, "updating") != NULL);
    CHECK_INT(pg_store_tx_commit(s, &err), PG_OK);
    char v[64];
    CHECK_STR(sql_text(path, "SELECT value FROM settings WHERE key = 'test.k'", v,
                       sizeof v), "v3");
    CHECK_STR(pg_store_path(s), path);
    pg_store_close(s);
}

/* A store reads through a map with its full page cache until tuned for an
 * ingest: then without the map, with a cache of twice the input between a
 * floor and the full size; and as it opened when tuned back.  What it reads
 * is the same either way. */
static void test_tune_reads(void)
{
    char path[PATH_MAX];
    pg_error err;
    pg_store *s = open_ok(tpath(path, "map.db"));
    if (s == NULL)
        return;
    long long full = pragma_value(s, "PRAGMA cache_size");
    CHECK(pragma_value(s, "PRAGMA mmap_size") > 0);
    CHECK(full < 0);
    CHECK_INT(pg_store_tune_reads(s, 1, &err), PG_OK);
    CHECK_INT(pragma_value(s, "PRAGMA mmap_size"), 0);
    long long floor_kib = -pragma_value(s, "PRAGMA cache_size");
    CHECK(floor_kib > 0 && floor_kib < -full);
    check_stats(s, 0, 0, 0, 0, 0);
    /* Input of twice the floor's KiB: a cache of four times the floor. */
    CHECK_INT(pg_store_tune_reads(s, (unsigned long long)floor_kib * 2048, &err), PG_OK);
    CHECK_INT(pragma_value(s, "PRAGMA cache_size"), -4 * floor_kib);
    CHECK_INT(pg_store_tune_reads(s, ULLONG_MAX, &err), PG_OK);
    CHECK_INT(pragma_value(s, "PRAGMA cache_size"), full);
    CHECK_INT(pragma_value(s, "PRAGMA mmap_size"), 0);
    CHECK_INT(pg_store_tune_reads(s, 0, &err), PG_OK);
    CHECK(pragma_value(s, "PRAGMA mmap_size") > 0);
    CHECK_INT(pragma_value(s, "PRAGMA cache_size"), full);
    check_stats(s, 0, 0, 0, 0, 0);
    pg_store_close(s);
}

/* pg_store_setup_process works before SQLite is first used (first in
 * main), and refuses afterwards, with its message. */
static void test_setup_process(int first)
{
    pg_error err;
    pg_error_clear(&err);
    if (first) {
        CHECK_INT(pg_store_setup_process(&err), PG_OK);
        return;
    }
    CHECK_INT(pg_store_setup_process(&err), PG_ERR_USAGE);
    CHECK(strstr(err.msg, "SQLite is in use already") != NULL);
}

int main(void)
{
    test_setup_process(1);
    snprintf(g_dir, sizeof g_dir, "%s", "/tmp/pg-test-store-XXXXXX");
    if (mkdtemp(g_dir) == NULL) {
        perror("mkdtemp");
        return 99;
    }
    test_create_reopen();
    test_setup_process(0);
    test_empty_file();
    test_not_a_database();
    test_foreign_database();
    test_known_other_writer();
    test_held_occurrences();
    test_io_errors();
    test_newer_version();
    test_uri_like_name();
    test_commit();
    test_duplicate();
    test_rollback();
    test_file_days();
    test_misuse();
    test_shared_text();
    test_foreach_order();
    test_fields();
    test_prepacked();
    test_check();
    test_tx_hooks();
    test_group_hooks();
    test_checkpointer();
    test_hook_errors();
    test_stmt_api();
    test_tune_reads();
    test_concurrent_writers();
    test_killed_writer();
    test_throughput();
    rm_tree(g_dir);
    CHECK_DONE();
}
