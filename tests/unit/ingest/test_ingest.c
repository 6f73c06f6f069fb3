/*
** test_ingest.c: the ingest pipeline end to end through the public API:
** counts, idempotent re-ingest, streams, failures that leave nothing behind.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "papergraph/papergraph.h"
#include "dedup/internal.h"
#include "check.h"
#include "sql_exec.h"
#include "pragma.h"

static char dir[] = "/tmp/pg_ingest_XXXXXX";
static char fixtures[512];

static void fixture(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", fixtures, name);
}

static pg_store *open_db(const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    pg_store *s = NULL;
    pg_error err;
    pg_err rc = pg_store_open(path, &s, &err);
    CHECK_INT(rc, PG_OK);
    if (rc != PG_OK)
        fprintf(stderr, "%s\n", err.msg);
    return s;
}

static const pg_ingest_opts opts = { .format = PG_INPUT_LISTING, .year = 2025 };

static pg_err ingest(pg_store *s, const char *name, pg_ingest_result *r, pg_error *err)
{
    char path[600];
    fixture(path, sizeof path, name);
    return pg_ingest_path(s, path, &opts, r, err);
}

static void test_counts(void)
{
    pg_store *s = open_db("counts.db");
    pg_ingest_result r;
    pg_error err;
    pg_stats st;
    if (s == NULL)
        return;
    CHECK_INT(ingest(s, "listings/2025-09-03.txt", &r, &err), PG_OK);
    CHECK_INT(r.entries, 5);
    CHECK_INT(r.new_texts, 5);
    CHECK_INT(r.skipped, 0);
    CHECK_INT(ingest(s, "listings/2025-09-04.txt", &r, &err), PG_OK);
    CHECK_INT(r.entries, 6);
    CHECK_INT(r.new_texts, 4);       /* two papers of Sep 3 come back */
    CHECK_INT(r.known, 2);
    CHECK_INT(ingest(s, "listings/2025-09-05.txt", &r, &err), PG_OK);
    CHECK_INT(r.known, 4);
    CHECK_INT(pg_store_stats(s, &st, &err), PG_OK);
    CHECK_INT(st.files, 3);
    CHECK_INT(st.occurrences, 16);
    CHECK_INT(st.texts, 10);
    CHECK_INT(st.papers, 10);
    CHECK_INT(st.days, 3);

    /* The same bytes again: skipped, nothing changes. */
    CHECK_INT(ingest(s, "listings/2025-09-04.txt", &r, &err), PG_OK);
    CHECK_INT(r.skipped, 1);
    CHECK_INT(r.entries, 0);
    CHECK(strstr(r.same_as, "2025-09-04.txt") != NULL);
    CHECK_INT(pg_store_stats(s, &st, &err), PG_OK);
    CHECK_INT(st.occurrences, 16);
    CHECK_INT(st.files, 3);
    pg_store_close(s);
}

static void test_stream(void)
{
    pg_store *s = open_db("stream.db");
    pg_ingest_result r;
    pg_error err;
    char path[600];
    if (s == NULL)
        return;
    fixture(path, sizeof path, "listings/2025-09-03.txt");
    FILE *fp = fopen(path, "rb");
    CHECK(fp != NULL);
    if (fp == NULL)
        return;
    CHECK_INT(pg_ingest_stream(s, fp, "<stdin>", &opts, &r, &err), PG_OK);
    fclose(fp);
    CHECK_INT(r.entries, 5);
    /* The same content by path is recognised as the stream's. */
    CHECK_INT(ingest(s, "listings/2025-09-03.txt", &r, &err), PG_OK);
    CHECK_INT(r.skipped, 1);
    CHECK_STR(r.same_as, "<stdin>");
    pg_store_close(s);
}

static void test_failures(void)
{
    pg_store *s = open_db("fail.db");
    pg_ingest_result r;
    pg_error err;
    pg_stats st;
    if (s == NULL)
        return;
    CHECK_INT(ingest(s, "errors/binary.png", &r, &err), PG_ERR_NOT_TEXT);
    CHECK(strstr(err.msg, "binary.png") != NULL);
    CHECK_INT(pg_ingest_path(s, "/nonexistent/x.txt", &opts, &r, &err), PG_ERR_IO);
    CHECK(strstr(err.msg, "/nonexistent/x.txt") != NULL);
    CHECK_INT(pg_ingest_path(s, dir, &opts, &r, &err), PG_ERR_IO);
    CHECK(strstr(err.msg, "directory") != NULL);
    CHECK_INT(ingest(s, "errors/header-only.txt", &r, &err), PG_OK);
    CHECK_INT(r.entries, 0);
    CHECK_INT(ingest(s, "errors/invalid-bytes.txt", &r, &err), PG_OK);
    CHECK_INT(r.entries, 2);
    CHECK(r.warnings >= 2);
    CHECK_INT(pg_store_stats(s, &st, &err), PG_OK);
    CHECK_INT(st.occurrences, 2);
    CHECK_INT(st.files, 2);          /* the failed files left no row */
    int ok = 0;
    CHECK_INT(pg_store_check(s, &ok, NULL, &err), PG_OK);
    CHECK_INT(ok, 1);
    pg_store_close(s);
}

static const char *const days[] = {
    "listings/2025-09-03.txt", "listings/2025-09-04.txt",
    "listings/2025-09-05.txt", "listings/2025-09-08.txt",
};

static long long papers_of(pg_store *s)
{
    pg_stats st;
    pg_error err;
    CHECK_INT(pg_store_stats(s, &st, &err), PG_OK);
    return st.papers;
}

/* Ingests days[from..to) into s. */
static void ingest_days(pg_store *s, int from, int to)
{
    pg_ingest_result r;
    pg_error err;
    for (int i = from; i < to; i++)
        CHECK_INT(ingest(s, days[i], &r, &err), PG_OK);
}

/* The band index has two levels (dedup/band_index.c): keys held in band_pending and
 * in memory, and the merged buckets.  Near-duplicates must be found across
 * both, and across connections.  The fixtures' 15 texts are 12 papers; the
 * three merges all join a text of Sep 5 or 8 to an earlier one. */
static void test_band_levels(void)
{
    pg_error err;
    pg_store *s = open_db("levels-all.db");
    if (s == NULL)
        return;
    ingest_days(s, 0, 4);
    CHECK_INT(papers_of(s), 12);
    pg_store_close(s);

    /* Sep 3 and 4 merged into the buckets (or only held), then a new
     * connection for Sep 5 and 8. */
    for (int merged = 0; merged < 2; merged++) {
        const char *name = merged ? "levels-split.db" : "levels-held.db";
        if ((s = open_db(name)) == NULL)
            return;
        ingest_days(s, 0, 2);
        CHECK_INT(papers_of(s), 9);
        if (merged)
            CHECK_INT(pg_bands_merge(s, &err), PG_OK);
        pg_store_close(s);
        if ((s = open_db(name)) == NULL)
            return;
        ingest_days(s, 2, 4);
        CHECK_INT(papers_of(s), 12);
        pg_store_close(s);
    }

    /* Merges at commits: after every file, and at the commit of a group. */
    for (int grouped = 0; grouped < 2; grouped++) {
        s = open_db(grouped ? "levels-merge-group.db" : "levels-merge.db");
        if (s == NULL)
            return;
        CHECK_INT(pg_bands_set_merge_keys(s, 1, NULL), PG_OK);
        pg_store_group_files(s, grouped ? (unsigned long long)1 << 30 : 0);
        ingest_days(s, 0, 4);
        CHECK_INT(pg_store_flush(s, &err), PG_OK);
        CHECK_INT(papers_of(s), 12);
        pg_store_close(s);
    }
    s = open_db("levels-held.db");
    if (s == NULL)
        return;
    /* `dedup` recomputes the same from scratch. */
    pg_dedup_stats ds;
    pg_match_opts mo;
    pg_match_opts_default(&mo);
    CHECK_INT(pg_dedup_rebuild(s, &mo, &ds, &err), PG_OK);
    CHECK_INT(ds.texts, 15);
    CHECK_INT(papers_of(s), 12);
    pg_store_close(s);
}

static void count_warning(void *ctx, const char *file, long line, const char *msg)
{
    (void)file;
    (void)line;
    if (strstr(msg, "papergraph dedup") != NULL)
        ++*(int *)ctx;
}

/* The ingest's dedup stage lives with the connection, so that its cache of
 * candidates outlives a file, and is made again after a rollback (its cache
 * may hold texts the rollback removed). */
static void test_attached_dedup(void)
{
    pg_error err;
    pg_dedup *d = NULL;
    long long fid = 0;
    pg_store *s = open_db("attached.db");
    if (s == NULL)
        return;
    ingest_days(s, 0, 1);
    CHECK_INT(pg_dedup_attached(s, &d, &err), PG_OK);
    long long first = pg_dedup_stats_get(d)->texts;
    CHECK(first > 0);
    ingest_days(s, 1, 2);
    CHECK_INT(pg_dedup_attached(s, &d, &err), PG_OK);
    CHECK(pg_dedup_stats_get(d)->texts > first);    /* the same, still counting */
    unsigned long long g = pg_store_generation(s);
    CHECK_INT(pg_store_file_begin(s, "x.txt", "listing", &fid, &err), PG_OK);
    pg_store_file_rollback(s);
    CHECK(pg_store_generation(s) != g);
    CHECK_INT(pg_dedup_attached(s, &d, &err), PG_OK);
    CHECK_INT(pg_dedup_stats_get(d)->texts, 0);     /* made again */
    ingest_days(s, 2, 4);
    CHECK_INT(papers_of(s), 12);
    pg_store_close(s);
}

/* A connection keeps the buckets it has read or merged in memory.  Another
 * connection then merges more keys; the first must still find them (they
 * come back to it through the buckets it reads again, as "bands.indexed"
 * moved). */
static void test_band_cache(void)
{
    pg_store *a = open_db("cache.db");
    if (a == NULL)
        return;
    CHECK_INT(pg_bands_set_merge_keys(a, 1, NULL), PG_OK);
    ingest_days(a, 0, 1);
    pg_store *b = open_db("cache.db");
    if (b != NULL) {
        CHECK_INT(pg_bands_set_merge_keys(b, 1, NULL), PG_OK);
        ingest_days(b, 1, 2);
        pg_store_close(b);
    }
    ingest_days(a, 2, 4);
    CHECK_INT(papers_of(a), 12);
    pg_store_close(a);
}

/* Five revisions of one paper (one word changed each) and a paper with
 * the same title but another abstract.  Each revision is a candidate of
 * every earlier one; once one of them matched, the others are in that
 * paper already and are not verified: 4 matches (one per revision after
 * the first) and 0 + 1 + 2 + 3 candidates skipped, the same two papers,
 * and `dedup` from scratch the same. */
static void test_same_paper(void)
{
    static const char *const words[] = {
        "we", "study", "sparse", "routing", "for", "mixture", "of", "experts",
        "models", "and", "show", "that", "a", "learned", "balancing", "loss",
    };
    char path[600];
    snprintf(path, sizeof path, "%s/revisions.txt", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    for (int v = 0; v < 5; v++) {
        fputs("Balanced Routing for Sparse Experts\n\n", f);
        for (int w = 0; w < 80; w++)
            fprintf(f, "%s%s", w ? " " : "", w == 20 + v ? "revised" : words[(w * 7) % 16]);
        fputs(".\n\n", f);
    }
    fputs("Balanced Routing for Sparse Experts\n\n", f);
    for (int w = 0; w < 80; w++)
        fprintf(f, "%s%s%d", w ? " " : "", words[(w * 5) % 16], w);
    fputs(".\n\n", f);
    fclose(f);

    pg_store *s = open_db("same-paper.db");
    pg_ingest_result r;
    pg_error err;
    pg_dedup *d = NULL;
    if (s == NULL)
        return;
    CHECK_INT(pg_ingest_path(s, path, &opts, &r, &err), PG_OK);
    CHECK_INT(r.new_texts, 6);
    CHECK_INT(papers_of(s), 2);
    CHECK_INT(pg_dedup_attached(s, &d, &err), PG_OK);
    const pg_dedup_stats *st = pg_dedup_stats_get(d);
    CHECK_INT(st->matches, 4);
    CHECK_INT(st->same_paper, 6);
    pg_dedup_stats ds;
    pg_match_opts mo;
    pg_match_opts_default(&mo);
    CHECK_INT(pg_dedup_rebuild(s, &mo, &ds, &err), PG_OK);
    CHECK_INT(ds.matches, 4);
    CHECK_INT(ds.same_paper, 6);
    CHECK_INT(papers_of(s), 2);
    pg_store_close(s);
}

static int run_sql(const char *name, const char *sql)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return sql_exec(path, sql);
}

/* Turns a database back into schema version 4: occurrences name their
 * text by key, as version 4 wrote them. */
/* The band tables as schema 7 had them (version 8's band_pending folded
 * back into band_sets.keys, empty buckets of 16-byte pairs): exact only
 * while no key was merged, as in a small test database (the merge size is
 * 512K keys). */
#define BANDS_TO_V7                                                            \
    "CREATE TABLE bs7 (text_id INTEGER PRIMARY KEY REFERENCES texts(id),"      \
    "  keys BLOB NOT NULL, sketch BLOB);"                                      \
    "INSERT INTO bs7 SELECT s.text_id, coalesce(p.keys, x''), s.sketch"        \
    "  FROM band_sets AS s LEFT JOIN band_pending AS p ON p.text_id = s.text_id;" \
    "DROP TABLE band_sets; DROP TABLE band_pending; DROP TABLE band_buckets;"  \
    "ALTER TABLE bs7 RENAME TO band_sets;"                                     \
    "CREATE TABLE band_buckets (bucket INTEGER PRIMARY KEY, pairs BLOB NOT NULL);"

#define OCCURRENCES_TO_V4                                                      \
    BANDS_TO_V7                                                                \
    "DROP TABLE file_days;"                      /* version 9 */              \
    "DROP INDEX files_path;"                     /* version 6 */              \
    "CREATE TABLE occ4 (id INTEGER PRIMARY KEY,"                               \
    "  file_id INTEGER NOT NULL REFERENCES files(id), line INTEGER NOT NULL,"  \
    "  day TEXT NOT NULL, day_label TEXT NOT NULL,"                            \
    "  text_key BLOB NOT NULL REFERENCES texts(key)"                           \
    "    CHECK (length(text_key) = 16),"                                       \
    "  authors INTEGER, upvotes INTEGER, pub_date TEXT, date_raw TEXT,"        \
    "  venue TEXT, ext_id TEXT, UNIQUE (file_id, line));"                      \
    "INSERT INTO occ4 SELECT NULL, o.file_id, o.line, o.day, o.day_label,"     \
    "  t.key, o.authors, o.upvotes, o.pub_date, o.date_raw, o.venue, o.ext_id" \
    "  FROM occurrences AS o JOIN texts AS t ON t.id = o.text_id"              \
    "  ORDER BY o.file_id, o.line;"                                            \
    "DROP TABLE occurrences;"                                                  \
    "ALTER TABLE occ4 RENAME TO occurrences;"                                  \
    "CREATE INDEX occurrences_text_key ON occurrences(text_key);"

/* Every occurrence with its text's key, as one comparable row set. */
#define OCCURRENCE_ROWS                                                        \
    "SELECT o.file_id, o.line, o.day, o.day_label, t.key, o.authors,"          \
    " o.upvotes, o.pub_date, o.date_raw, o.venue, o.ext_id"                    \
    " FROM occurrences AS o JOIN texts AS t ON t.id = o.text_id"

static long long sql_count(const char *name, const char *sql)
{
    char path[600];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long n = -1;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (sqlite3_open(path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Migration 5 names each occurrence's text by id and keys the table by
 * (file, line): every row comes through with the same place, metadata and
 * text, and ingest carries on. */
static void test_migration_5(void)
{
    const char *name = "v4.db";
    pg_store *s = open_db(name);
    if (s == NULL)
        return;
    ingest_days(s, 0, 2);
    pg_store_close(s);
    long long n = sql_count(name, "SELECT count(*) FROM occurrences");
    CHECK(n >= 8);
    CHECK_INT(run_sql(name, "CREATE TABLE before AS " OCCURRENCE_ROWS ";"
                      OCCURRENCES_TO_V4 "PRAGMA user_version = 4;"), SQLITE_OK);
    CHECK_INT(sql_count(name, "SELECT count(*) FROM pragma_table_info('occurrences')"
                        " WHERE name = 'text_key'"), 1);
    if ((s = open_db(name)) == NULL)
        return;
    pg_store_close(s);
    CHECK_INT(sql_count(name, "PRAGMA user_version"), PG_SCHEMA_VERSION);
    CHECK_INT(sql_count(name, "SELECT count(*) FROM occurrences"), n);
    CHECK_INT(sql_count(name, "SELECT count(*) FROM (" OCCURRENCE_ROWS
                        " EXCEPT SELECT * FROM before)"), 0);
    CHECK_INT(sql_count(name, "SELECT count(*) FROM (SELECT * FROM before EXCEPT "
                        OCCURRENCE_ROWS ")"), 0);
    CHECK_INT(sql_count(name, "SELECT count(*) FROM pragma_index_list('occurrences')"
                        " WHERE name = 'occurrences_text'"), 1);
    if ((s = open_db(name)) == NULL)
        return;
    ingest_days(s, 2, 4);
    CHECK_INT(papers_of(s), 12);
    pg_store_close(s);
}

/* Turns a database back into schema version 3 (band keys in a `bands`
 * b-tree, every text's keys also in band_sets), as version 3 wrote it. */
static const char to_v3[] =
    OCCURRENCES_TO_V4
    "DROP TABLE band_buckets;"
    "CREATE TABLE bands (band INTEGER NOT NULL, text_id INTEGER NOT NULL"
    "  REFERENCES texts(id), PRIMARY KEY (band, text_id)) WITHOUT ROWID;"
    "INSERT OR REPLACE INTO settings (key, value)"
    "  SELECT 'bands.indexed', max(id) FROM texts;"
    "PRAGMA user_version = 3;";

/* Migration 4 makes every text's band_sets keys pending again, so matching
 * carries on across the upgrade; a text without band_sets keys (placed
 * before version 3) marks the keys stale, so that ingest asks for `dedup`. */
static void test_migration_4(void)
{
    int warned = 0;
    pg_ingest_result r;
    pg_error err;
    pg_ingest_opts o = opts;
    o.warn = count_warning;
    o.warn_ctx = &warned;
    char path[600];
    for (int lost = 0; lost < 2; lost++) {
        const char *name = lost ? "v3-lost.db" : "v3.db";
        pg_store *s = open_db(name);
        if (s == NULL)
            return;
        /* No merge: every text's keys stay in band_pending, which BANDS_TO_V7
         * turns back into band_sets.keys. */
        ingest_days(s, 0, 2);
        pg_store_close(s);
        CHECK_INT(sql_count(name, "SELECT count(*) FROM band_buckets"), 0);
        CHECK_INT(run_sql(name, to_v3), SQLITE_OK);
        if (lost)
            CHECK_INT(run_sql(name, "DELETE FROM band_sets WHERE text_id = 1"), SQLITE_OK);
        if ((s = open_db(name)) == NULL)
            return;
        warned = 0;
        for (int i = 2; i < 4; i++) {
            fixture(path, sizeof path, days[i]);
            CHECK_INT(pg_ingest_path(s, path, &o, &r, &err), PG_OK);
        }
        CHECK_INT(warned, lost ? 2 : 0);
        if (!lost)
            CHECK_INT(papers_of(s), 12);
        pg_store_close(s);
    }
}

/* Group commit: files share a transaction; one that fails takes the open
 * group with it, and the held band keys of that group are forgotten. */
static void test_group_commit(void)
{
    pg_ingest_result r;
    pg_error err;
    pg_stats st;
    char path[600];
    const pg_ingest_opts csv = { .format = PG_INPUT_CSV, .year = 2025 };
    pg_store *s = open_db("group.db");
    if (s == NULL)
        return;
    pg_store_group_files(s, (unsigned long long)1 << 30);
    CHECK_INT(ingest(s, days[0], &r, &err), PG_OK);
    CHECK_INT(ingest(s, days[1], &r, &err), PG_OK);
    CHECK_INT(pg_store_unflushed(s), 2);
    /* A file refused before its transaction starts leaves the group be. */
    fixture(path, sizeof path, "formats/no_title.csv");
    CHECK(pg_ingest_path(s, path, &csv, &r, &err) != PG_OK);
    CHECK_INT(pg_store_unflushed(s), 2);
    /* One abandoned inside its transaction takes the group. */
    long long fid = 0;
    CHECK_INT(pg_store_file_begin(s, "x.txt", "listing", &fid, &err), PG_OK);
    CHECK_INT(pg_store_unflushed(s), 2);
    pg_store_file_rollback(s);
    CHECK_INT(pg_store_unflushed(s), 0);
    CHECK_INT(pg_store_stats(s, &st, &err), PG_OK);
    CHECK_INT(st.files, 0);
    CHECK_INT(st.texts, 0);
    /* Read again, the group commits whole, and matching still works. */
    ingest_days(s, 0, 4);
    CHECK_INT(pg_store_unflushed(s), 4);
    /* A general transaction (as `dedup` opens) commits the group first. */
    CHECK_INT(pg_store_tx_begin(s, &err), PG_OK);
    CHECK_INT(pg_store_unflushed(s), 0);
    CHECK_INT(pg_store_tx_commit(s, &err), PG_OK);
    CHECK_INT(pg_store_flush(s, &err), PG_OK);
    CHECK_INT(pg_store_stats(s, &st, &err), PG_OK);
    CHECK_INT(st.files, 4);
    CHECK_INT(st.papers, 12);
    /* A group reaching its size commits by itself. */
    pg_store_group_files(s, 1);
    CHECK_INT(ingest(s, "errors/invalid-bytes.txt", &r, &err), PG_OK);
    CHECK_INT(pg_store_unflushed(s), 0);
    pg_store_close(s);
    /* What close flushed is there for the next connection. */
    s = open_db("group.db");
    if (s == NULL)
        return;
    CHECK_INT(pg_store_stats(s, &st, &err), PG_OK);
    CHECK_INT(st.files, 5);
    int ok = 0;
    CHECK_INT(pg_store_check(s, &ok, NULL, &err), PG_OK);
    CHECK_INT(ok, 1);
    pg_store_close(s);
}

/* Band keys made by other key functions are flagged until `dedup`. */
static void test_key_version(void)
{
    pg_ingest_result r;
    pg_error err;
    int warned = 0, current = 0;
    pg_ingest_opts o = opts;
    o.warn = count_warning;
    o.warn_ctx = &warned;
    char path[600];
    pg_store *s = open_db("version.db");
    if (s == NULL)
        return;
    fixture(path, sizeof path, days[0]);
    CHECK_INT(pg_ingest_path(s, path, &o, &r, &err), PG_OK);
    CHECK_INT(warned, 0);
    CHECK_INT(pg_store_tx_begin(s, &err), PG_OK);
    CHECK_INT(pg_store_set_setting(s, "bands.version", "0", &err), PG_OK);
    CHECK_INT(pg_store_tx_commit(s, &err), PG_OK);
    fixture(path, sizeof path, days[1]);
    CHECK_INT(pg_ingest_path(s, path, &o, &r, &err), PG_OK);
    CHECK_INT(warned, 1);
    pg_match_opts mo;
    pg_dedup_stats ds;
    pg_match_opts_default(&mo);
    CHECK_INT(pg_dedup_rebuild(s, &mo, &ds, &err), PG_OK);
    pg_dedup *d = NULL;
    CHECK_INT(pg_dedup_new(s, NULL, &d, &err), PG_OK);
    CHECK_INT(pg_dedup_keys_current(d, &current, &err), PG_OK);
    CHECK_INT(current, 1);
    pg_dedup_free(d);
    pg_store_close(s);
}

/* ---- a run over many files (pg_ingest_files) ----------------------------- */

typedef struct events {
    char log[2048];         /* one letter per event: R read, C committed,
                               F failed, L lost */
    long long committed_entries;
    size_t last_files_done, last_files_total;
    long long last_entries;
    int progress_calls;
    pg_store *s;            /* the store being written */
    long long map_max;      /* greatest PRAGMA mmap_size seen at a commit */
    long long cache;        /* PRAGMA cache_size at the last commit */
} events;

static void on_file(void *ctx, const pg_ingest_event *ev)
{
    events *e = ctx;
    static const char letter[] = { 'R', 'C', 'F', 'L' };
    size_t n = strlen(e->log);
    if (n + 1 < sizeof e->log)
        e->log[n] = letter[ev->kind];
    if (ev->kind == PG_INGEST_COMMITTED) {
        e->committed_entries += ev->res->entries;
        long long m = pragma_value(e->s, "PRAGMA mmap_size");
        if (m > e->map_max)
            e->map_max = m;
        e->cache = pragma_value(e->s, "PRAGMA cache_size");
    }
}

static void on_progress(void *ctx, const pg_ingest_progress *p)
{
    events *e = ctx;
    e->progress_calls++;
    e->last_files_done = p->files_done;
    e->last_files_total = p->files_total;
    e->last_entries = p->entries;
}

/* The page cache pg_store_tune_reads gives a store for the bytes of the
 * regular files among paths, on a store of its own; 0 when it cannot. */
static long long tuned_cache(const char *const *paths, size_t n)
{
    unsigned long long bytes = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(paths[i], &st) == 0)
            bytes += (unsigned long long)st.st_size;
    }
    pg_error err;
    pg_store *s = open_db("tuned.db");
    long long v = 0;
    if (s != NULL && pg_store_tune_reads(s, bytes, &err) == PG_OK)
        v = pragma_value(s, "PRAGMA cache_size");
    pg_store_close(s);
    return v;
}

/* Files are told read at once and committed with their group; a file that
 * cannot be read is told failed and the others go in; totals and progress
 * add up; a group size of 1 byte commits every file by itself; the run
 * reads as pg_store_tune_reads sets a store for its input (no map, a cache
 * for its size) and leaves the store reading as it opened.  A run that
 * placed an eighth of the merge size of band keys merges them at its end
 * (pg_bands_settle): with the default size these few stay pending, with a
 * size no commit reaches but the run's keys pass an eighth of, none do. */
static void test_ingest_files(void)
{
    char p[4][600];
    fixture(p[0], sizeof p[0], "listings/2025-09-03.txt");
    fixture(p[1], sizeof p[1], "listings/2025-09-04.txt");
    snprintf(p[2], sizeof p[2], "%s/missing.txt", dir);
    fixture(p[3], sizeof p[3], "listings/2025-09-05.txt");
    const char *paths[] = { p[0], p[1], p[2], p[3], p[0] };
    for (int small = 0; small < 2; small++) {
        events e;
        memset(&e, 0, sizeof e);
        pg_ingest_opts o = opts;
        o.on_file = on_file;
        o.on_progress = on_progress;
        o.hook_ctx = &e;
        o.group_bytes = small ? 1 : 0;
        pg_ingest_totals t;
        pg_error err;
        const char *name = small ? "files-small.db" : "files.db";
        pg_store *s = open_db(name);
        if (s == NULL)
            return;
        e.s = s;
        long long cache_open = pragma_value(s, "PRAGMA cache_size");
        if (small)
            CHECK_INT(pg_bands_set_merge_keys(s, 2000, NULL), PG_OK);
        CHECK_INT(pg_ingest_files(s, paths, 5, &o, &t, &err), PG_OK);
        CHECK_INT(e.map_max, 0);
        CHECK_INT(e.cache, tuned_cache(paths, 5));
        CHECK(pragma_value(s, "PRAGMA mmap_size") > 0);
        CHECK_INT(pragma_value(s, "PRAGMA cache_size"), cache_open);
        /* The last path is the first again: skipped. */
        CHECK_STR(e.log, small ? "RCRCFRCRC" : "RRFRRCCCC");
        CHECK_INT(t.files, 4);
        CHECK_INT(t.skipped, 1);
        CHECK_INT(t.failed, 1);
        CHECK_INT(t.entries, 16);
        CHECK_INT(e.committed_entries, 16);
        CHECK_INT(e.last_files_done, 5);
        CHECK_INT(e.last_files_total, 5);
        CHECK_INT(e.last_entries, 16);
        CHECK(e.progress_calls >= 5);
        CHECK_INT(pg_store_unflushed(s), 0);
        pg_stats st;
        CHECK_INT(pg_store_stats(s, &st, &err), PG_OK);
        CHECK_INT(st.files, 3);
        CHECK_INT(st.occurrences, 16);
        pg_store_close(s);
        long long keys = sql_count(name, "SELECT sum(length(keys)) / 8 FROM band_pending");
        if (small) {
            CHECK_INT(keys, 0);
            CHECK(sql_count(name, "SELECT count(*) FROM band_buckets") > 0);
        } else {
            CHECK(keys > 2000 / 8 && keys < 2000);  /* the other run's case */
        }
    }
}

/* A page read again under the same path adds only what is not recorded for
 * that path and day, counting multiplicity; another day adds everything. */
static void test_recorded(void)
{
    char noon[600], night[600], next[600], today[600];
    fixture(noon, sizeof noon, "grow/noon.txt");
    fixture(night, sizeof night, "grow/night.txt");
    fixture(next, sizeof next, "grow/next-day.txt");
    snprintf(today, sizeof today, "%s/today.txt", dir);
    pg_store *s = open_db("recorded.db");
    pg_ingest_result r;
    pg_error err;
    pg_stats st;
    if (s == NULL)
        return;
    char cmd[2000];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", noon, today);
    CHECK_INT(system(cmd), 0);
    CHECK_INT(pg_ingest_path(s, today, &opts, &r, &err), PG_OK);
    CHECK_INT(r.recorded, 0);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", night, today);
    CHECK_INT(system(cmd), 0);
    CHECK_INT(pg_ingest_path(s, today, &opts, &r, &err), PG_OK);
    CHECK_INT(r.entries, 6);
    CHECK_INT(r.recorded, 3);       /* A, B once, C; B's second listing is new */
    CHECK_INT(r.new_texts, 2);
    CHECK_INT(pg_store_stats(s, &st, &err), PG_OK);
    CHECK_INT(st.occurrences, 6);
    /* The same page as a stream is never compared. */
    FILE *fp = fopen(noon, "rb");
    CHECK(fp != NULL);
    if (fp != NULL) {
        CHECK_INT(pg_ingest_stream(s, fp, today, &opts, &r, &err), PG_OK);
        CHECK_INT(r.skipped, 1);    /* noon's bytes were ingested */
        fclose(fp);
    }
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", next, today);
    CHECK_INT(system(cmd), 0);
    CHECK_INT(pg_ingest_path(s, today, &opts, &r, &err), PG_OK);
    CHECK_INT(r.recorded, 0);
    CHECK_INT(pg_store_stats(s, &st, &err), PG_OK);
    CHECK_INT(st.occurrences, 8);
    CHECK_INT(st.days, 2);
    pg_store_close(s);
}

/* A JSONL file whose records go back and forth between days: a file_days
 * row for each of its days (the empty one too), each once, and the days of
 * `stats` counted from them. */
static void test_file_days(void)
{
    char path[600];
    pg_ingest_opts o = opts;
    pg_ingest_result r;
    pg_error err;
    pg_stats st;
    pg_store *s = open_db("days.db");
    if (s == NULL)
        return;
    o.format = PG_INPUT_JSONL;
    fixture(path, sizeof path, "formats/days.jsonl");
    CHECK_INT(pg_ingest_path(s, path, &o, &r, &err), PG_OK);
    CHECK_INT(r.entries, 5);
    CHECK_INT(pg_store_stats(s, &st, &err), PG_OK);
    CHECK_INT(st.days, 3);
    int ok = 0;
    CHECK_INT(pg_store_check(s, &ok, NULL, &err), PG_OK);
    CHECK_INT(ok, 1);
    pg_store_close(s);
    CHECK_INT(sql_count("days.db", "SELECT count(*) FROM file_days"), 4);
    CHECK_INT(sql_count("days.db", "SELECT count(*) FROM file_days WHERE day IN"
                         " ('2026-01-05', '2026-01-06', '2026-01-07', '')"), 4);
}

int main(void)
{
    int setup = check_setup(fixtures, sizeof fixtures, dir);
    if (setup != 0)
        return setup;
    test_counts();
    test_stream();
    test_failures();
    test_band_levels();
    test_group_commit();
    test_key_version();
    test_band_cache();
    test_migration_4();
    test_migration_5();
    test_attached_dedup();
    test_same_paper();
    test_ingest_files();
    test_recorded();
    test_file_days();
    check_cleanup(dir);
    CHECK_DONE();
}
