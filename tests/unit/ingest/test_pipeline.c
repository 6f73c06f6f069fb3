/*
** test_pipeline.c: ingest with the producer thread (threads 2) gives the
** same database, the same per-file counts and the same warnings, in the
** same order and on the calling thread, as ingest on one thread; and fails
** the same way, keeping nothing of the file, when the input breaks off
** mid-file or the store fails mid-file.
*/
#define _GNU_SOURCE             /* fopencookie */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ingest/internal.h"
#include "dedup/stage.h"
#include "papergraph/papergraph.h"
#include "check.h"
#include "sql_exec.h"

static char dir[] = "/tmp/pg_pipeline_XXXXXX";
static char fixtures[512];

static void path_in(char *out, size_t n, const char *base, const char *name)
{
    snprintf(out, n, "%s/%s", base, name);
}

static pg_store *open_db(const char *name)
{
    char path[600];
    path_in(path, sizeof path, dir, name);
    pg_store *s = NULL;
    pg_error err;
    pg_err rc = pg_store_open(path, &s, &err);
    CHECK_INT(rc, PG_OK);
    if (rc != PG_OK)
        fprintf(stderr, "%s\n", err.msg);
    return s;
}

/* ---- warnings, as the caller sees them ---------------------------------- */

typedef struct warn_log {
    pg_buf text;            /* "file:line: msg\n" each */
    long n;
    int wrong_thread;       /* a warning came on another thread */
    pthread_t caller;
} warn_log;

static void log_warning(void *ctx, const char *file, long line, const char *msg)
{
    warn_log *w = ctx;
    w->n++;
    if (!pthread_equal(pthread_self(), w->caller))
        w->wrong_thread++;
    pg_buf_printf(&w->text, "%s:%ld: %s\n", file, line, msg);
}

static void log_init(warn_log *w)
{
    memset(w, 0, sizeof *w);
    w->caller = pthread_self();
}

/* ---- the whole database as text ------------------------------------------ */

static int line_order(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends every row of every table (blobs in hex, so compressed abstracts
 * count byte for byte), rows sorted; files.ingested_at is left out (a
 * clock). */
static void dump_db(const char *name, pg_buf *out)
{
    char path[600];
    sqlite3 *db = NULL;
    sqlite3_stmt *tables = NULL;
    path_in(path, sizeof path, dir, name);
    CHECK_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                                 " ORDER BY name", -1, &tables, NULL), SQLITE_OK);
    while (sqlite3_step(tables) == SQLITE_ROW) {
        char sql[256];
        sqlite3_stmt *st = NULL;
        const char *t = (const char *)sqlite3_column_text(tables, 0);
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", t);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
            continue;
        char **rows = NULL;
        size_t n = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            pg_buf row = PG_BUF_INIT;
            pg_buf_printf(&row, "%s:", t);
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                if (strcmp(sqlite3_column_name(st, c), "ingested_at") == 0)
                    continue;
                if (sqlite3_column_type(st, c) == SQLITE_BLOB) {
                    const unsigned char *b = sqlite3_column_blob(st, c);
                    pg_buf_puts(&row, " x'");
                    for (int i = 0; i < sqlite3_column_bytes(st, c); i++)
                        pg_buf_printf(&row, "%02x", b[i]);
                    pg_buf_puts(&row, "'");
                } else {
                    const unsigned char *v = sqlite3_column_text(st, c);
                    pg_buf_printf(&row, " %d[%s]", sqlite3_column_type(st, c),
                                  v ? (const char *)v : "");
                }
            }
            char **grown = realloc(rows, (n + 1) * sizeof *rows);
            if (grown == NULL) {
                pg_buf_release(&row);
                break;
            }
            rows = grown;
            rows[n++] = pg_buf_detach(&row);
        }
        sqlite3_finalize(st);
        if (n > 1)
            qsort(rows, n, sizeof *rows, line_order);
        pg_buf_printf(out, "== %s: %zu rows\n", t, n);
        for (size_t i = 0; i < n; i++) {
            pg_buf_puts(out, rows[i]);
            pg_buf_putc(out, '\n');
            free(rows[i]);
        }
        free(rows);
    }
    sqlite3_finalize(tables);
    sqlite3_close(db);
}

/* 1 when the two databases hold the same rows; shows where they part. */
static int same_db(const char *a, const char *b)
{
    pg_buf da = PG_BUF_INIT, db = PG_BUF_INIT;
    dump_db(a, &da);
    dump_db(b, &db);
    int same = da.len == db.len && da.data != NULL && memcmp(da.data, db.data, da.len) == 0;
    if (!same) {
        size_t i = 0;
        while (i < da.len && i < db.len && da.data[i] == db.data[i])
            i++;
        size_t from = i > 200 ? i - 200 : 0;
        fprintf(stderr, "%s and %s differ at byte %zu:\n  %.300s\nvs\n  %.300s\n", a, b,
                i, da.data ? da.data + from : "", db.data ? db.data + from : "");
    }
    pg_buf_release(&da);
    pg_buf_release(&db);
    return same;
}

static int run_sql(const char *name, const char *sql)
{
    char path[600];
    path_in(path, sizeof path, dir, name);
    return sql_exec(path, sql);
}

/* ---- a generated corpus: many batches, repeats, variants, warnings ------- */

static unsigned long long rnd(unsigned long long *x)
{
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    return *x >> 33;
}

static const char *const words[] = {
    "sparse", "token", "routing", "expert", "diffusion", "policy", "graph",
    "kernel", "latent", "scaling", "attention", "memory", "retrieval", "agent",
    "benchmark", "reward", "vision", "language", "model", "training", "data",
    "noise", "quantised", "adapter", "prompt", "signal", "robust", "loss",
    "gradient", "sampling", "mixture", "layer", "decoder", "encoder", "caf\xc3\xa9",
    "na\xc3\xafve", "\xce\xb1-divergence", "U-Net", "O(n log n)", "50%",
};
#define N_WORDS (sizeof words / sizeof words[0])

/* Writes n JSON-lines records: PAPERS papers, each met again as an exact
 * repeat or as a variant (a word changed, or the abstract cut off), some
 * without abstract, with URLs in text and fields, and every 37th record
 * with a field that warns.  Abstracts are long enough to be compressed. */
#define PAPERS 700
static void write_papers(const char *name, int n, int papers)
{
    char path[600];
    path_in(path, sizeof path, dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    for (int i = 0; i < n; i++) {
        int paper = (int)((unsigned)i * 7919u % (unsigned)papers);
        int variant = i / papers % 4;   /* 0 first, 1 repeat, 2 edited, 3 cut */
        unsigned long long x = (unsigned long long)paper * 2654435761ULL + 1;
        fprintf(f, "{\"id\": \"p%d\", \"title\": \"", paper);
        for (int w = 0; w < 6; w++)
            fprintf(f, "%s%s", w ? " " : "", words[rnd(&x) % N_WORDS]);
        fprintf(f, " %d\"", paper);
        if (paper % 23 != 0) {
            int len = 60 + (int)(rnd(&x) % 120);
            fputs(", \"abstract\": \"", f);
            for (int w = 0; w < len; w++) {
                const char *word = words[rnd(&x) % N_WORDS];
                if (variant == 2 && w == 17)
                    word = "revised";
                if (variant == 3 && w == len / 2) {
                    fputs(" ...", f);
                    break;
                }
                fprintf(f, "%s%s", w ? " " : "", word);
                if (w == 30 && paper % 5 == 0)
                    fprintf(f, " (code: https://github.com/Lab%d/Repo%d.git)", paper % 11, paper);
            }
            fputc('"', f);
        }
        fprintf(f, ", \"authors\": \"A. Author%d and B. Writer%d\"", paper % 97, paper % 13);
        if (paper % 3 == 0)
            fprintf(f, ", \"url\": \"arxiv.org/abs/2509.%05d\"", paper);
        fprintf(f, ", \"year\": %d", 2020 + paper % 6);
        if (i % 37 == 0)
            fputs(", \"upvotes\": \"lots\"", f);
        fputs("}\n", f);
    }
    fclose(f);
}

static void write_corpus(const char *name, int n)
{
    write_papers(name, n, PAPERS);
}

/* ---- ingesting ------------------------------------------------------------ */

typedef struct run {
    pg_ingest_result r;
    pg_error err;
    pg_err rc;
} run;

static pg_ingest_opts opts_for(int threads, pg_input_format fmt, warn_log *w,
                               pg_ingest_session *session)
{
    pg_ingest_opts o = { .format = fmt, .year = 2025, .warn = log_warning,
                         .warn_ctx = w, .threads = threads, .session = session };
    return o;
}

/* The inputs of test_fixtures, with their formats. */
static const struct {
    const char *name;
    pg_input_format fmt;
    pg_encoding enc;
} inputs[] = {
    { "listings/2025-09-03.txt", PG_INPUT_LISTING, PG_ENCODING_UTF8 },
    { "parser/damaged.txt", PG_INPUT_LISTING, PG_ENCODING_UTF8 },
    { "listings/2025-09-04.txt", PG_INPUT_LISTING, PG_ENCODING_UTF8 },
    { "errors/invalid-bytes.txt", PG_INPUT_LISTING, PG_ENCODING_UTF8 },
    { "listings/2025-09-05.txt", PG_INPUT_LISTING, PG_ENCODING_UTF8 },
    { "parser/metadata.txt", PG_INPUT_LISTING, PG_ENCODING_UTF8 },
    { "listings/2025-09-08.txt", PG_INPUT_LISTING, PG_ENCODING_UTF8 },
    { "parser/crlf_bom.txt", PG_INPUT_LISTING, PG_ENCODING_UTF8 },
    { "formats/records.jsonl", PG_INPUT_JSONL, PG_ENCODING_UTF8 },
    { "formats/records.csv", PG_INPUT_CSV, PG_ENCODING_UTF8 },
    { "formats/bib_a.csv", PG_INPUT_CSV, PG_ENCODING_UTF8 },
    { "formats/bib_b.jsonl", PG_INPUT_JSONL, PG_ENCODING_UTF8 },
    { "formats/latin1.csv", PG_INPUT_CSV, PG_ENCODING_LATIN1 },
};
#define N_INPUTS (sizeof inputs / sizeof inputs[0])

/* Ingests every fixture input into db with the given threads; the counts
 * of each file are appended to counts, the warnings logged in w. */
static void ingest_fixtures(const char *db, int threads, int hints, pg_buf *counts,
                            warn_log *w, long long *n_prepared, int *read_ahead)
{
    pg_store *s = open_db(db);
    pg_ingest_session *session = NULL;
    if (s == NULL)
        return;
    CHECK_INT(pg_ingest_session_new(&session, NULL), PG_OK);
    *n_prepared = 0;
    *read_ahead = 0;
    for (size_t i = 0; i < N_INPUTS; i++) {
        char path[600], next[600];
        run u;
        path_in(path, sizeof path, fixtures, inputs[i].name);
        pg_ingest_opts o = opts_for(threads, inputs[i].fmt, w, session);
        o.encoding = inputs[i].enc;
        if (hints && i + 1 < N_INPUTS) {
            path_in(next, sizeof next, fixtures, inputs[i + 1].name);
            o.next_path = next;
        }
        u.rc = pg_ingest_path(s, path, &o, &u.r, &u.err);
        *read_ahead += u.r.read_ahead;
        CHECK_INT(u.rc, PG_OK);
        pg_buf_printf(counts, "%s: %lld entries, %lld new, %lld known, %lld warnings\n",
                      inputs[i].name, u.r.entries, u.r.new_texts, u.r.known, u.r.warnings);
        *n_prepared += u.r.prepared;
    }
    pg_ingest_session_free(session);
    pg_store_close(s);
}

/* The bundled fixtures (listing, JSON lines, CSV; warnings of several
 * kinds) give the same rows, counts and warnings either way: one thread,
 * a producer thread, and a producer reading each next file ahead (the
 * hint is taken where the next file has the same format and options, and
 * dropped where it has not). */
static void test_fixtures(void)
{
    pg_buf counts[3] = { PG_BUF_INIT, PG_BUF_INIT, PG_BUF_INIT };
    warn_log w[3];
    long long n_prepared[3];
    int ahead[3];
    const char *db[3] = { "fix1.db", "fix2.db", "fix3.db" };
    for (int m = 0; m < 3; m++) {
        log_init(&w[m]);
        ingest_fixtures(db[m], m ? 2 : 1, m == 2, &counts[m], &w[m], &n_prepared[m],
                        &ahead[m]);
    }
    CHECK(w[0].n >= 6);         /* damaged.txt 3, invalid-bytes.txt 3, ... */
    for (int m = 1; m < 3; m++) {
        CHECK(same_db(db[0], db[m]));
        CHECK_STR(counts[m].data, counts[0].data);
        CHECK_INT(w[m].n, w[0].n);
        CHECK_STR(w[m].text.data, w[0].text.data);
        CHECK_INT(w[m].wrong_thread, 0);
        /* The producer did the work: every new text was prepared ahead. */
        CHECK(n_prepared[m] >= 20);
    }
    CHECK_INT(n_prepared[0], 0);
    CHECK_INT(ahead[0], 0);
    CHECK_INT(ahead[1], 0);
    /* Every file after one of the same format and encoding was read ahead:
     * the seven listing files after the first, csv after csv, and nothing
     * where the format changes. */
    CHECK_INT(ahead[2], 8);
    for (int m = 0; m < 3; m++) {
        pg_buf_release(&counts[m]);
        pg_buf_release(&w[m].text);
    }
}

/* Ingests the JSON-lines file name of dir into db[0] with one thread and
 * into db[1] with two, each call's result in u, its warnings in w (owned
 * by the caller); 0 when a store cannot be opened (w then released). */
static int ingest_both_ways(const char *name, const char *const db[2], warn_log w[2],
                            run u[2])
{
    char path[600];
    path_in(path, sizeof path, dir, name);
    for (int t = 0; t < 2; t++) {
        log_init(&w[t]);
        pg_store *s = open_db(db[t]);
        if (s == NULL) {
            for (int k = 0; k <= t; k++)
                pg_buf_release(&w[k].text);
            return 0;
        }
        pg_ingest_opts o = opts_for(t + 1, PG_INPUT_JSONL, &w[t], NULL);
        u[t].rc = pg_ingest_path(s, path, &o, &u[t].r, &u[t].err);
        CHECK_INT(u[t].rc, PG_OK);
        pg_store_close(s);
    }
    return 1;
}

/* Thousands of records: many batches, texts met again in later batches,
 * near-duplicates, no-abstract records, warnings all along. */
static void test_large(void)
{
    write_corpus("large.jsonl", 3000);
    const char *const db[2] = { "large1.db", "large2.db" };
    warn_log w[2];
    run u[2];
    if (!ingest_both_ways("large.jsonl", db, w, u))
        return;
    CHECK(same_db(db[0], db[1]));
    CHECK_INT(u[0].r.entries, 3000);
    CHECK_INT(u[1].r.entries, u[0].r.entries);
    CHECK_INT(u[1].r.new_texts, u[0].r.new_texts);
    CHECK(u[0].r.new_texts > PAPERS && u[0].r.new_texts < 3000);
    /* Past PGI_SHARE_AFTER records the consumer may prepare some itself;
     * the producer prepares the new texts of the records before. */
    CHECK(u[1].r.prepared > 0 && u[1].r.prepared <= u[1].r.new_texts);
    CHECK_INT(u[0].r.warnings, 3000 / 37 + 1);
    CHECK_INT(u[1].r.warnings, u[0].r.warnings);
    CHECK_INT(w[1].n, w[0].n);
    CHECK_STR(w[1].text.data, w[0].text.data);
    CHECK_INT(w[1].wrong_thread, 0);
    /* Variants were merged into papers, the same way. */
    pg_store *s = open_db(db[1]);
    pg_stats st;
    pg_error err;
    if (s != NULL) {
        CHECK_INT(pg_store_stats(s, &st, &err), PG_OK);
        CHECK(st.papers < st.texts);
        pg_store_close(s);
    }
    for (int t = 0; t < 2; t++)
        pg_buf_release(&w[t].text);
}

/* n records of n papers, each a new text, written to name.jsonl and
 * ingested with one thread and with two (into name1.db, name2.db): the
 * same rows and counts whichever thread prepared each text.  Returns how
 * many the producer prepared in the two-thread run, or -1 when a store
 * could not be opened. */
static long long ingest_new_texts(const char *name, int n)
{
    char file[64], dbs[2][64];
    snprintf(file, sizeof file, "%s.jsonl", name);
    for (int t = 0; t < 2; t++)
        snprintf(dbs[t], sizeof dbs[t], "%s%d.db", name, t + 1);
    const char *const db[2] = { dbs[0], dbs[1] };
    write_papers(file, n, n);
    warn_log w[2];
    run u[2];
    if (!ingest_both_ways(file, db, w, u))
        return -1;
    for (int t = 0; t < 2; t++)
        pg_buf_release(&w[t].text);
    CHECK(same_db(db[0], db[1]));
    for (int t = 0; t < 2; t++) {
        CHECK_INT(u[t].r.entries, n);
        CHECK_INT(u[t].r.new_texts, n);
    }
    CHECK_INT(u[1].r.warnings, u[0].r.warnings);
    return (long long)u[1].r.prepared;
}

/* A run long enough that its producer may leave texts to a waiting consumer
 * (ingest_pipe.c, past its first PGI_SHARE_AFTER records): the producer
 * prepared at least every text of the records before sharing may begin,
 * and no more than were new. */
static void test_shared_preparing(void)
{
    enum { N = 6000 };
    long long prepared = ingest_new_texts("shared", N);
    CHECK(prepared >= PGI_SHARE_AFTER && prepared <= N);
}

/* A run of no more than PGI_SHARE_AFTER records (a few days' listings):
 * the producer prepares every text, since there the consumer is the slower
 * thread and each text it prepared would add to the run. */
static void test_days_prepared_ahead(void)
{
    CHECK_INT(ingest_new_texts("days", PGI_SHARE_AFTER), PGI_SHARE_AFTER);
}

/* ---- the dedup stage's records of texts ------------------------------------ */

/* Writes the lines of file src (in dir) to n files name0.jsonl ...
 * name{n-1}.jsonl, per lines each (the last takes the rest). */
static void split_lines(const char *src, const char *name, int n, int per)
{
    char path[600], line[8192];
    FILE *in, *out = NULL;
    path_in(path, sizeof path, dir, src);
    in = fopen(path, "r");
    CHECK(in != NULL);
    for (int k = 0; in != NULL && fgets(line, sizeof line, in) != NULL; k++) {
        if (k % per == 0 && k / per < n) {
            char part[64];
            if (out != NULL)
                fclose(out);
            snprintf(part, sizeof part, "%s%d.jsonl", name, k / per);
            path_in(path, sizeof path, dir, part);
            out = fopen(path, "w");
            CHECK(out != NULL);
        }
        if (out != NULL)
            fputs(line, out);
    }
    if (out != NULL)
        fclose(out);
    if (in != NULL)
        fclose(in);
}

/* Counts the texts of s that the stage d holds a record of into *kept,
 * and of those, the ones whose record makes the text prepare() makes of
 * it from the store into *same; *key the first kept. */
static void check_records(pg_store *s, pg_dedup *d, size_t *kept, size_t *same, pg_key *key)
{
    pg_error err;
    int row = 0;
    *kept = *same = 0;
    pg_stmt *st = pg_store_stmt(s, "SELECT key FROM texts ORDER BY id", &err);
    CHECK(st != NULL);
    if (st == NULL)
        return;
    while (pg_stmt_step(s, st, 0, &row, "keys", &err) == PG_OK && row) {
        const unsigned char *rec;
        size_t len;
        pg_key k;
        int ok = 0;
        if (!pg_stmt_key(st, 0, &k) || !pgd_records_get(&d->records, k, &rec, &len))
            continue;
        if ((*kept)++ == 0)
            *key = k;
        CHECK_INT(pgd_record_check(d, k, &ok, &err), PG_OK);
        *same += ok;
    }
    pg_stmt_done(st);
}

/* Candidates made from the dedup stage's records decide as candidates read
 * from the store.  The generated corpus goes in as four files (the
 * papers, their repeats, edited and cut-off versions; the last two on a
 * new connection, which reads the older texts from the store), and the
 * stage's cache of prepared texts is emptied before each, so that every
 * candidate met again is made again: from its record (records on), or
 * from the store (records off: a limit of one byte).  The databases are
 * the same, and the first did make candidates from records; every record
 * makes the text the store gives, field by field.  A text's record goes
 * when an occurrence of it is added (pg_dedup_forget), and every record
 * when another connection has committed since. */
static void test_records(void)
{
    write_corpus("records-all.jsonl", 4 * PAPERS);
    split_lines("records-all.jsonl", "records-part", 4, PAPERS);
    const char *db[2] = { "records-on.db", "records-off.db" };
    size_t loads[2] = { 0, 0 };
    for (int off = 0; off < 2; off++) {
        pg_store *s = open_db(db[off]);
        pg_dedup *d = NULL;
        pg_error err;
        if (s == NULL)
            return;
        CHECK_INT(pg_dedup_attached(s, &d, &err), PG_OK);
        if (d == NULL) {
            pg_store_close(s);
            return;
        }
        if (off)
            d->records.max_bytes = 1;
        for (int part = 0; part < 4 && s != NULL; part++) {
            char name[64], path[600];
            snprintf(name, sizeof name, "records-part%d.jsonl", part);
            path_in(path, sizeof path, dir, name);
            pg_ingest_opts o = opts_for(2, PG_INPUT_JSONL, NULL, NULL);
            o.warn = NULL;
            pg_ingest_result r;
            if (part == 2) {
                /* A new connection: the texts of the first two parts are
                 * read from the store, and kept as records then. */
                loads[off] += d->record_loads;
                pg_store_close(s);
                if ((s = open_db(db[off])) == NULL)
                    return;
                CHECK_INT(pg_dedup_attached(s, &d, &err), PG_OK);
                if (d != NULL && off)
                    d->records.max_bytes = 1;
            }
            CHECK_INT(pg_dedup_attached(s, &d, &err), PG_OK);
            pgd_cache_drop(d);
            CHECK_INT(pg_ingest_path(s, path, &o, &r, &err), PG_OK);
        }
        CHECK_INT(pg_dedup_attached(s, &d, &err), PG_OK);
        loads[off] += d->record_loads;
        pg_key k;
        size_t kept = 0, same = 0;
        check_records(s, d, &kept, &same, &k);
        CHECK_INT((long long)same, (long long)kept);
        CHECK(off ? kept == 0 : kept > PAPERS);
        if (!off) {
            const unsigned char *rec;
            size_t len;
            pg_dedup_forget(d, k);
            CHECK_INT(pgd_records_get(&d->records, k, &rec, &len), 0);
        }
        pg_store_close(s);
    }
    CHECK(loads[0] > 100);
    CHECK_INT((long long)loads[1], 0);
    CHECK(same_db(db[0], db[1]));
    /* Another connection's commit may change the metadata of the texts
     * kept: their records go at this connection's next write. */
    pg_store *a = open_db("records-two.db"), *b = open_db("records-two.db");
    pg_dedup *da = NULL;
    pg_error e2;
    pg_key first;
    size_t n_kept = 0, n_same = 0;
    if (a != NULL && b != NULL) {
        char p0[600], p1[600], other[600];
        pg_ingest_result r;
        pg_ingest_opts o = opts_for(2, PG_INPUT_JSONL, NULL, NULL);
        pg_ingest_opts lo = opts_for(2, PG_INPUT_LISTING, NULL, NULL);
        o.warn = lo.warn = NULL;
        path_in(p0, sizeof p0, dir, "records-part0.jsonl");
        path_in(p1, sizeof p1, dir, "records-part1.jsonl");
        path_in(other, sizeof other, fixtures, "listings/2025-09-03.txt");
        CHECK_INT(pg_ingest_path(a, p0, &o, &r, &e2), PG_OK);
        CHECK_INT(pg_dedup_attached(a, &da, &e2), PG_OK);
        if (da != NULL)
            check_records(a, da, &n_kept, &n_same, &first);
        CHECK(n_kept > 0);
        const unsigned char *rec;
        size_t len;
        /* b adds occurrences of a's texts (the same papers again). */
        CHECK_INT(pg_ingest_path(b, p1, &o, &r, &e2), PG_OK);
        CHECK(n_kept > 0 && pgd_records_get(&da->records, first, &rec, &len));
        CHECK_INT(pg_ingest_path(a, other, &lo, &r, &e2), PG_OK);
        CHECK_INT(pg_dedup_attached(a, &da, &e2), PG_OK);
        CHECK(da != NULL && !pgd_records_get(&da->records, first, &rec, &len));
    }
    pg_store_close(b);
    pg_store_close(a);
    /* The fixtures' real titles, names, venues and links, field by field,
     * on one thread: the abstracts kept as they are, not packed ahead. */
    pg_store *s = open_db("records-fixtures.db");
    pg_dedup *d = NULL;
    pg_error err;
    pg_key k;
    size_t kept = 0, same = 0;
    for (size_t i = 0; s != NULL && i < N_INPUTS; i++) {
        char path[600];
        pg_ingest_result r;
        pg_ingest_opts o = opts_for(1, inputs[i].fmt, NULL, NULL);
        o.warn = NULL;
        o.encoding = inputs[i].enc;
        path_in(path, sizeof path, fixtures, inputs[i].name);
        pg_ingest_path(s, path, &o, &r, &err);
    }
    if (s != NULL && pg_dedup_attached(s, &d, &err) == PG_OK && d != NULL)
        check_records(s, d, &kept, &same, &k);
    CHECK(kept >= 20);
    CHECK_INT((long long)same, (long long)kept);
    pg_store_close(s);
}


/* A text met again with other metadata (more authors, an earlier year, a
 * venue) stays in the stage's cache, marked stale, and when it is next a
 * candidate its authors, year and venue are read again: it is then the
 * text prepare() makes of it from the store, field by field, and the
 * revised version that asked for it joins its paper. */
/* A store named name, and in *o the options of a quiet JSONL ingest on
 * two threads. */
static pg_store *open_jsonl(const char *name, pg_ingest_opts *o)
{
    *o = opts_for(2, PG_INPUT_JSONL, NULL, NULL);
    o->warn = NULL;
    return open_db(name);
}

/* A word of six letters from an LCG: texts made of them share nothing. */
static void lcg_word(unsigned *x, char out[7])
{
    for (int i = 0; i < 6; i++) {
        *x = *x * 1103515245u + 12345u;
        out[i] = (char)('a' + (*x >> 16) % 26);
    }
    out[6] = '\0';
}

/* The cache of prepared texts goes by pairs of slots: two texts placed one
 * after the other whose keys name the same slot both stay cached (a
 * direct-mapped cache kept only the second). */
static void test_cache_pairs(void)
{
    enum { N = 400 };
    char path[600];
    path_in(path, sizeof path, dir, "pairs.jsonl");
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    unsigned x = 7;
    for (int t = 0; t < N; t++) {
        char w[7];
        fprintf(f, "{\"id\": \"p%d\", \"title\": \"", t);
        for (int i = 0; i < 6; i++) {
            lcg_word(&x, w);
            fprintf(f, "%s%s", i ? " " : "", w);
        }
        fputs("\", \"abstract\": \"", f);
        for (int i = 0; i < 60; i++) {
            lcg_word(&x, w);
            fprintf(f, "%s%s", i ? " " : "", w);
        }
        fputs("\"}\n", f);
    }
    fclose(f);
    pg_ingest_opts o;
    pg_store *s = open_jsonl("pairs.db", &o);
    pg_dedup *d = NULL;
    pg_error err;
    pg_ingest_result r;
    if (s == NULL)
        return;
    CHECK_INT(pg_ingest_path(s, path, &o, &r, &err), PG_OK);
    CHECK_INT((long long)r.new_texts, N);
    CHECK_INT(pg_dedup_attached(s, &d, &err), PG_OK);
    /* The texts in the order they were placed, and their keys. */
    pg_key keys[N];
    size_t n = 0;
    int row = 0;
    pg_stmt *st = pg_store_stmt(s, "SELECT key FROM texts ORDER BY id", &err);
    CHECK(st != NULL);
    for (pg_err e = st != NULL ? pg_stmt_step(s, st, 0, &row, "texts", &err) : PG_ERR_DB;
         e == PG_OK && row && n < N; e = pg_stmt_step(s, st, 0, &row, "texts", &err))
        CHECK(pg_stmt_key(st, 0, &keys[n++]));
    pg_stmt_done(st);
    CHECK_INT((long long)n, N);
    /* A pair of slots named by exactly two texts, which name the same slot. */
    size_t mask = CACHE_SLOTS_FIRST - 1, found = 0;
    for (size_t a = 0; a < n && !found; a++)
        for (size_t b = a + 1; b < n && !found; b++) {
            if ((keys[a].lo & mask) != (keys[b].lo & mask))
                continue;
            size_t others = 0;
            for (size_t c = 0; c < n; c++)
                others += c != a && c != b &&
                          ((keys[c].lo & mask) | 1) == ((keys[a].lo & mask) | 1);
            if (others == 0) {
                found = 1;
                CHECK(d != NULL && pgd_cache_hit(d, keys[a]) != NULL);
                CHECK(d != NULL && pgd_cache_hit(d, keys[b]) != NULL);
            }
        }
    CHECK(found);
    pg_store_close(s);
}

static void test_stale_metadata(void)
{
    static const char abstract[] =
        "We study how a cache of prepared texts keeps what their occurrences"
        " say of them while the same paper is listed again on later days with"
        " more authors an earlier year and a venue and we show that reading"
        " those three again is all a repeat asks for whereas the text its"
        " shingles and its title words stay as they were when it was first"
        " placed which saves making them again for every later candidate";
    static const char *const meta[3] = {
        "\"authors\": \"A. One and B. Two\", \"year\": 2024",
        "\"authors\": \"A. One and B. Two and C. Three and D. Four and E. Five\","
        " \"year\": 2021, \"venue\": \"ICML\"",
        "\"authors\": \"A. One and B. Two and C. Three and D. Four and E. Five\","
        " \"year\": 2021, \"venue\": \"ICML\"",
    };
    char path[3][600];
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "stale%d.jsonl", i);
        path_in(path[i], sizeof path[i], dir, name);
        FILE *f = fopen(path[i], "w");
        CHECK(f != NULL);
        if (f == NULL)
            return;
        /* The third is a revised version: one word of the abstract changed. */
        char text[sizeof abstract];
        memcpy(text, abstract, sizeof abstract);
        if (i == 2)
            memcpy(strstr(text, "cache"), "store", 5);
        fprintf(f, "{\"id\": \"s1\", \"title\": \"Stale Metadata in a Cache of Texts\","
                   " \"abstract\": \"%s\", %s}\n", text, meta[i]);
        fclose(f);
    }
    pg_ingest_opts o;
    pg_store *s = open_jsonl("stale.db", &o);
    pg_dedup *d = NULL;
    pg_error err;
    pg_ingest_result r;
    if (s == NULL)
        return;
    CHECK_INT(pg_ingest_path(s, path[0], &o, &r, &err), PG_OK);
    CHECK_INT(pg_ingest_path(s, path[1], &o, &r, &err), PG_OK);
    CHECK_INT((long long)r.known, 1);
    CHECK_INT(pg_dedup_attached(s, &d, &err), PG_OK);
    pg_key k;
    long long id = 0;
    int row = 0;
    pg_stmt *st = pg_store_stmt(s, "SELECT key, id FROM texts", &err);
    CHECK(st != NULL);
    if (st != NULL && pg_stmt_step(s, st, 0, &row, "texts", &err) == PG_OK && row) {
        CHECK(pg_stmt_key(st, 0, &k));
        id = pg_stmt_int(st, 1);
    }
    pg_stmt_done(st);
    prepared *p = d != NULL && id > 0 ? pgd_cache_hit(d, k) : NULL;
    CHECK(p != NULL);
    if (p == NULL) {
        pg_store_close(s);
        return;
    }
    /* Still what the first file said. */
    CHECK_INT(p->stale, 1);
    CHECK_INT(p->info.authors, 2);
    CHECK_INT(p->info.year, 2024);
    size_t refreshed = d->refreshes;
    CHECK_INT(pg_ingest_path(s, path[2], &o, &r, &err), PG_OK);
    CHECK_INT((long long)r.new_texts, 1);
    CHECK_INT((long long)(d->refreshes - refreshed), 1);
    p = pgd_cache_hit(d, k);
    CHECK(p != NULL && !p->stale);
    if (p != NULL) {
        CHECK_INT(p->info.authors, 5);
        CHECK_INT(p->info.year, 2021);
        CHECK_STR(p->info.venue, "ICML");
    }
    int same = 0;
    CHECK_INT(pgd_candidate_check(d, k, id, &same, &err), PG_OK);
    CHECK_INT(same, 1);
    st = pg_store_stmt(s, "SELECT count(DISTINCT paper_id), count(*) FROM clusters", &err);
    CHECK(st != NULL);
    if (st != NULL && pg_stmt_step(s, st, 0, &row, "papers", &err) == PG_OK && row) {
        CHECK_INT(pg_stmt_int(st, 0), 1);
        CHECK_INT(pg_stmt_int(st, 1), 2);
    }
    pg_stmt_done(st);
    pg_store_close(s);
}

/* A group of files lost at a failed commit is read again with the same
 * session: the producer saw those texts and does not prepare them again,
 * so the consumer prepares them, and the database is still the same. */
static void test_lost_group(void)
{
    const char *db[2] = { "group1.db", "group2.db" };
    long long n_prepared[2] = { 0, 0 };
    for (int t = 0; t < 2; t++) {
        pg_store *s = open_db(db[t]);
        pg_ingest_session *session = NULL;
        pg_error err;
        warn_log w;
        run u;
        long long fid = 0;
        if (s == NULL)
            return;
        log_init(&w);
        CHECK_INT(pg_ingest_session_new(&session, NULL), PG_OK);
        pg_store_group_files(s, (unsigned long long)1 << 30);
        for (int pass = 0; pass < 2; pass++) {
            for (int d = 0; d < 2; d++) {
                char path[600];
                path_in(path, sizeof path, fixtures,
                        d ? "listings/2025-09-04.txt" : "listings/2025-09-03.txt");
                pg_ingest_opts o = opts_for(t + 1, PG_INPUT_LISTING, &w, session);
                CHECK_INT(pg_ingest_path(s, path, &o, &u.r, &u.err), PG_OK);
                CHECK(u.r.new_texts > 0);
                if (pass == 1)
                    n_prepared[t] += u.r.prepared;
            }
            if (pass == 0) {
                /* A file abandoned inside its transaction takes the group. */
                CHECK_INT(pg_store_file_begin(s, "x.txt", "listing", &fid, &err), PG_OK);
                pg_store_file_rollback(s);
                CHECK_INT(pg_store_unflushed(s), 0);
            }
        }
        CHECK_INT(pg_store_flush(s, &err), PG_OK);
        pg_store_close(s);
        pg_ingest_session_free(session);
        pg_buf_release(&w.text);
    }
    CHECK(same_db(db[0], db[1]));
    CHECK_INT(n_prepared[0], 0);
    CHECK_INT(n_prepared[1], 0);  /* all n_prepared by the consumer */
}

/* ---- reading ahead ---------------------------------------------------------- */

/* Ingests path into s with a producer thread and the session, naming next
 * as the file to come. */
static void ingest_hinted(pg_store *s, pg_ingest_session *session, const char *path,
                          const char *next, warn_log *w, run *u)
{
    pg_ingest_opts o = opts_for(2, PG_INPUT_LISTING, w, session);
    o.next_path = next;
    pg_error_clear(&u->err);
    u->rc = pg_ingest_path(s, path, &o, &u->r, &u->err);
}

/* Checks how a call went: its status, and whether it was read ahead and
 * skipped as known (-1: not checked).  A macro, so failures name the line. */
#define CHECK_RUN(u, want_rc, want_ahead, want_skipped) do { \
        CHECK_INT((u).rc, (want_rc)); \
        if ((want_ahead) >= 0) CHECK_INT((u).r.read_ahead, (want_ahead)); \
        if ((want_skipped) >= 0) CHECK_INT((u).r.skipped, (want_skipped)); \
    } while (0)

/* A store with a session and a warning log, as the read-ahead tests use. */
typedef struct hinted {
    pg_store *s;
    pg_ingest_session *session;
    warn_log w;
} hinted;

static int hinted_open(hinted *h, const char *db)
{
    memset(h, 0, sizeof *h);
    log_init(&h->w);
    if ((h->s = open_db(db)) == NULL)
        return -1;
    CHECK_INT(pg_ingest_session_new(&h->session, NULL), PG_OK);
    return h->session != NULL ? 0 : -1;
}

static void hinted_close(hinted *h)
{
    pg_store_close(h->s);
    pg_ingest_session_free(h->session);
    pg_buf_release(&h->w.text);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    fputs(text, f);
    fclose(f);
}

static int truncate_to(const char *path, off_t size)
{
    write_file(path, "");
    return truncate(path, size);
}

/* The titles stored in db, one per line, sorted. */
static void titles_of(const char *db, char *out, size_t n)
{
    char path[600];
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    size_t len = 0;
    out[0] = '\0';
    path_in(path, sizeof path, dir, db);
    if (sqlite3_open(path, &h) == SQLITE_OK &&
        sqlite3_prepare_v2(h, "SELECT title FROM texts ORDER BY title", -1, &st,
                           NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW && len + 1 < n)
            len += (size_t)snprintf(out + len, n - len, "%s\n",
                                    (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
}

/* A file read ahead, then rewritten in place with the same size and its
 * mtime put back (as `cp -p` or `touch -r` leave it): its ctime tells, and
 * the new text is stored, as on one thread.  The file is made 2.2 s before,
 * so that its timestamps are old enough to be trusted at all. */
static void test_read_ahead_rewrite(void)
{
    char a[600], y[600], titles[4096];
    struct stat st;
    path_in(a, sizeof a, fixtures, "listings/2025-09-03.txt");
    path_in(y, sizeof y, dir, "rewritten.txt");
    write_file(y, "Title Y one\n\nAn abstract that stays the same length.\n\n");
    CHECK_INT(stat(y, &st), 0);
    struct timespec pause = { 2, 200 * 1000 * 1000 };
    nanosleep(&pause, NULL);
    hinted h;
    run u;
    if (hinted_open(&h, "rewrite.db") != 0)
        return;
    ingest_hinted(h.s, h.session, a, y, &h.w, &u);
    CHECK_INT(u.rc, PG_OK);
    struct timespec settle = { 0, 300 * 1000 * 1000 };
    nanosleep(&settle, NULL);   /* the producer reads y ahead meanwhile */
    write_file(y, "Title Y TWO\n\nAn abstract that stays the same length.\n\n");
    struct timespec times[2] = { st.st_atim, st.st_mtim };
    CHECK_INT(utimensat(AT_FDCWD, y, times, 0), 0);
    ingest_hinted(h.s, h.session, y, NULL, &h.w, &u);
    CHECK_RUN(u, PG_OK, 0, 0);
    CHECK_INT(u.r.entries, 1);
    hinted_close(&h);
    titles_of("rewrite.db", titles, sizeof titles);
    CHECK(strstr(titles, "Title Y TWO\n") != NULL);
    CHECK(strstr(titles, "Title Y one\n") == NULL);
}

/* A warning given while opening the input (a header row with an invalid
 * byte) comes before the ingest's own warning about stale keys, as on one
 * thread. */
static void test_open_warning_order(void)
{
    char csv[600];
    path_in(csv, sizeof csv, dir, "header.csv");
    write_file(csv, "title,abstract,ven\xffue\nA title,An abstract of some length,X\n");
    warn_log w[2];
    const char *db[2] = { "order1.db", "order2.db" };
    for (int t = 0; t < 2; t++) {
        pg_store *s = open_db(db[t]);
        if (s == NULL)
            return;
        pg_store_close(s);
        CHECK_INT(run_sql(db[t], "INSERT OR REPLACE INTO settings (key, value)"
                          " VALUES ('bands.version', '0')"), SQLITE_OK);
        if ((s = open_db(db[t])) == NULL)
            return;
        log_init(&w[t]);
        run u;
        pg_ingest_opts o = opts_for(t + 1, PG_INPUT_CSV, &w[t], NULL);
        u.rc = pg_ingest_path(s, csv, &o, &u.r, &u.err);
        CHECK_INT(u.rc, PG_OK);
        pg_store_close(s);
    }
    CHECK_INT(w[0].n, 2);
    const char *log = w[0].text.data ? w[0].text.data : "";
    const char *first = strstr(log, "header.csv:1: invalid UTF-8");
    CHECK(first != NULL && first < strchr(log, '\n'));
    CHECK_STR(w[1].text.data, w[0].text.data);
    for (int t = 0; t < 2; t++)
        pg_buf_release(&w[t].text);
}

/* Hints that are not followed, that name what the producer must not open
 * (a FIFO, a directory, a missing file), a file rewritten after it was read
 * ahead, and a file named twice: each input is ingested as it is when it
 * is asked for, errors read as on one thread, and nothing hangs. */
static void test_read_ahead(void)
{
    char a[600], b[600], c[600], fifo[600], sub[600], missing[600], fresh[600], big[600];
    path_in(a, sizeof a, fixtures, "listings/2025-09-03.txt");
    path_in(b, sizeof b, fixtures, "listings/2025-09-04.txt");
    path_in(c, sizeof c, fixtures, "listings/2025-09-05.txt");
    path_in(fifo, sizeof fifo, dir, "fifo.txt");
    path_in(sub, sizeof sub, dir, "subdir");
    path_in(missing, sizeof missing, dir, "missing.txt");
    path_in(fresh, sizeof fresh, dir, "fresh.txt");
    CHECK_INT(mkfifo(fifo, 0600), 0);
    CHECK_INT(mkdir(sub, 0700), 0);
    write_file(fresh, "Title one\n\nAbstract of the first paper, long enough.\n\n");
    path_in(big, sizeof big, dir, "big.txt");
    CHECK_INT(truncate_to(big, (off_t)256 << 20), 0);

    hinted h;
    run u;
    if (hinted_open(&h, "ahead.db") != 0)
        return;

    /* A names B, then C is asked for: C is read now, not B. */
    ingest_hinted(h.s, h.session, a, b, &h.w, &u);
    CHECK_RUN(u, PG_OK, 0, 0);
    ingest_hinted(h.s, h.session, c, fifo, &h.w, &u);
    CHECK_RUN(u, PG_OK, 0, 0);
    CHECK(u.r.entries > 0);
    /* The FIFO was named next but never opened (opening it would block):
     * asking for B instead returns, and B, not named, is read now. */
    ingest_hinted(h.s, h.session, b, sub, &h.w, &u);
    CHECK_RUN(u, PG_OK, 0, 0);
    CHECK(u.r.entries > 0);
    /* A directory and a missing file fail as they do on one thread. */
    ingest_hinted(h.s, h.session, sub, missing, &h.w, &u);
    CHECK_INT(u.rc, PG_ERR_IO);
    CHECK(strstr(u.err.msg, "subdir: is a directory") != NULL);
    ingest_hinted(h.s, h.session, missing, fresh, &h.w, &u);
    CHECK_INT(u.rc, PG_ERR_IO);
    CHECK(strstr(u.err.msg, "missing.txt: cannot open: No such file") != NULL);

    /* fresh.txt was named with one entry, then rewritten with two before
     * it is asked for: the two are ingested, whether the producer read it
     * before the rewrite (it is then read again) or after. */
    struct timespec pause = { 0, 300 * 1000 * 1000 };
    nanosleep(&pause, NULL);    /* most often before: the case to test */
    write_file(fresh, "Title one\n\nAbstract of the first paper, long enough.\n\n"
                      "Title two\n\nAbstract of the second paper, also long.\n\n");
    ingest_hinted(h.s, h.session, fresh, fresh, &h.w, &u);
    CHECK_RUN(u, PG_OK, 0, 0);
    CHECK_INT(u.r.entries, 2);
    /* Read again, its texts are prepared on the producer thread again,
     * though the first reading marked them seen. */
    CHECK_INT(u.r.new_texts, 2);
    CHECK_INT(u.r.prepared, 2);
    /* Written just now: its timestamps cannot be trusted yet, so naming it
     * again reads it again (and finds it known). */
    ingest_hinted(h.s, h.session, fresh, NULL, &h.w, &u);
    CHECK_RUN(u, PG_OK, 0, 1);
    CHECK_STR(u.r.same_as, fresh);
    /* An older file named twice: the second time it is read ahead and known. */
    ingest_hinted(h.s, h.session, a, a, &h.w, &u);
    CHECK_RUN(u, PG_OK, -1, 1);
    ingest_hinted(h.s, h.session, a, big, &h.w, &u);
    CHECK_RUN(u, PG_OK, 1, 1);
    CHECK_INT(u.r.entries, 0);
    CHECK_STR(u.r.same_as, a);
    /* big (256 MB, sparse) is being hashed ahead when another file is asked
     * for: the hashing stops, and the session ends without waiting for it. */
    ingest_hinted(h.s, h.session, b, NULL, &h.w, &u);
    CHECK_RUN(u, PG_OK, -1, 1);

    /* The same files on one thread give the same database. */
    pg_stats st[2];
    pg_error err;
    CHECK_INT(pg_store_stats(h.s, &st[0], &err), PG_OK);
    CHECK_INT(h.w.wrong_thread, 0);
    hinted_close(&h);
    unlink(big);
    if (hinted_open(&h, "ahead1.db") != 0)
        return;
    const char *order[] = { a, c, b, fresh };
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        pg_ingest_opts o = opts_for(1, PG_INPUT_LISTING, &h.w, NULL);
        CHECK_INT(pg_ingest_path(h.s, order[i], &o, &u.r, &u.err), PG_OK);
    }
    CHECK_INT(pg_store_stats(h.s, &st[1], &err), PG_OK);
    hinted_close(&h);
    CHECK(same_db("ahead.db", "ahead1.db"));
    CHECK_INT(st[0].occurrences, st[1].occurrences);
}

/* ---- failures mid-file ---------------------------------------------------- */

/* A stream over a file's bytes that fails with EIO at byte `fail_at`. */
typedef struct failing {
    FILE *real;
    long long pos, fail_at;
} failing;

static ssize_t failing_read(void *c, char *buf, size_t n)
{
    failing *f = c;
    if (f->pos >= f->fail_at) {
        errno = EIO;
        return -1;
    }
    if ((long long)n > f->fail_at - f->pos)
        n = (size_t)(f->fail_at - f->pos);
    size_t got = fread(buf, 1, n, f->real);
    f->pos += (long long)got;
    return (ssize_t)got;
}

static int failing_close(void *c)
{
    failing *f = c;
    return fclose(f->real);
}

/* Ingests a file's bytes as a stream that breaks off at fail_at (-1:
 * never); the content key is made up. */
static void ingest_failing(pg_store *s, const char *path, long long fail_at, int threads,
                           warn_log *w, run *u)
{
    failing f = { fopen(path, "rb"), 0, fail_at < 0 ? (long long)1 << 60 : fail_at };
    cookie_io_functions_t io = { failing_read, NULL, NULL, failing_close };
    CHECK(f.real != NULL);
    if (f.real == NULL)
        return;
    FILE *fp = fopencookie(&f, "r", io);
    CHECK(fp != NULL);
    if (fp == NULL) {
        fclose(f.real);
        return;
    }
    pg_key key = pg_key_of(&fail_at, sizeof fail_at);
    pg_ingest_opts o = opts_for(threads, PG_INPUT_JSONL, w, NULL);
    pg_error_clear(&u->err);
    memset(&u->r, 0, sizeof u->r);     /* as pg_ingest_path does */
    u->rc = pgi_ingest_keyed(s, fp, "broken.jsonl", key, 0, &o, &u->r, &u->err);
    fclose(fp);
}

static long long occurrences_of(pg_store *s)
{
    pg_stats st;
    pg_error err;
    CHECK_INT(pg_store_stats(s, &st, &err), PG_OK);
    return st.occurrences;
}

/* A read error after several batches: the same error, the warnings of the
 * records before it and nothing else, and nothing of the file kept. */
static void test_read_error(void)
{
    char path[600];
    path_in(path, sizeof path, dir, "broken.jsonl");
    write_corpus("broken.jsonl", 2000);
    warn_log w[2];
    run u[2];
    const char *db[2] = { "read1.db", "read2.db" };
    for (int t = 0; t < 2; t++) {
        log_init(&w[t]);
        pg_store *s = open_db(db[t]);
        if (s == NULL)
            return;
        ingest_failing(s, path, 1200000, t + 1, &w[t], &u[t]);
        CHECK_INT(occurrences_of(s), 0);
        /* The store is usable: the whole file then goes in. */
        run ok;
        ingest_failing(s, path, -1, t + 1, &w[t], &ok);
        CHECK_INT(ok.rc, PG_OK);
        CHECK_INT(ok.r.entries, 2000);
        pg_store_close(s);
    }
    CHECK_INT(u[0].rc, PG_ERR_IO);
    CHECK_INT(u[1].rc, u[0].rc);
    CHECK(strstr(u[0].err.msg, "broken.jsonl") != NULL);
    CHECK_STR(u[1].err.msg, u[0].err.msg);
    CHECK(w[0].n > 2000 / 37 + 1 && w[0].n < 2 * (2000 / 37 + 1)); /* a run and a part */
    CHECK_STR(w[1].text.data, w[0].text.data);
    CHECK(same_db(db[0], db[1]));
    for (int t = 0; t < 2; t++)
        pg_buf_release(&w[t].text);
}

/* The store fails at an occurrence (a trigger) while the producer is
 * batches ahead: the same error, no warning past it, the producer stopped
 * and joined, nothing of the file kept. */
static void test_store_error(void)
{
    char path[600];
    path_in(path, sizeof path, dir, "store-fail.jsonl");
    write_corpus("store-fail.jsonl", 2500);
    const char *db[2] = { "store1.db", "store2.db" };
    warn_log w[2];
    run u[2];
    for (int t = 0; t < 2; t++) {
        pg_store *s = open_db(db[t]);
        if (s == NULL)
            return;
        pg_store_close(s);
        CHECK_INT(run_sql(db[t], "CREATE TRIGGER boom BEFORE INSERT ON occurrences"
                          " WHEN NEW.line = 700 BEGIN SELECT RAISE(ABORT, 'boom'); END;"),
                  SQLITE_OK);
        if ((s = open_db(db[t])) == NULL)
            return;
        log_init(&w[t]);
        pg_ingest_opts o = opts_for(t + 1, PG_INPUT_JSONL, &w[t], NULL);
        u[t].rc = pg_ingest_path(s, path, &o, &u[t].r, &u[t].err);
        CHECK_INT(occurrences_of(s), 0);
        pg_store_close(s);
    }
    CHECK_INT(u[0].rc, PG_ERR_DB);
    CHECK_INT(u[1].rc, u[0].rc);
    /* The message names the database (which differs), then the failure. */
    CHECK(strstr(u[0].err.msg, "store1.db: cannot store an occurrence: boom") != NULL);
    CHECK_STR(strstr(u[1].err.msg, ".db: "), strstr(u[0].err.msg, ".db: "));
    CHECK_INT(w[0].n, 699 / 37 + 1);    /* records 0, 37, ... 666 */
    CHECK_STR(w[1].text.data, w[0].text.data);
    CHECK_INT(u[1].r.warnings, u[0].r.warnings);
    CHECK(same_db(db[0], db[1]));
    for (int t = 0; t < 2; t++)
        pg_buf_release(&w[t].text);
}

int main(void)
{
    int setup = check_setup(fixtures, sizeof fixtures, dir);
    if (setup != 0)
        return setup;
    test_fixtures();
    test_large();
    test_shared_preparing();
    test_days_prepared_ahead();
    test_records();
    test_stale_metadata();
    test_cache_pairs();
    test_lost_group();
    test_read_ahead();
    test_open_warning_order();
    test_read_ahead_rewrite();
    test_read_error();
    test_store_error();
    check_cleanup(dir);
    CHECK_DONE();
}
