/*
** test_band_index.c: unit tests of the band index (src/dedup/band_index.c,
** band_lookup.c, band_pack.c) over a real store: keys written once and
** stored once, candidates from both levels across merges and connections,
** the packed form of a bucket, the fan-out limit, the index following the
** store's transactions (a rollback forgets what it added), and a schema-7
** database converted with the same candidates.
**
** Every database lives in a mkdtemp() directory that is removed at the end.
*/
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dedup/bands.h"
#include "dedup/internal.h"
#include "check.h"
#include "sql_exec.h"

static char g_dir[64];

/* dir/name into out (PATH_MAX bytes). */
static char *tpath(char *out, const char *name)
{
    snprintf(out, PATH_MAX, "%s/%s", g_dir, name);
    return out;
}

/* Removes dir and the files in it (the tests make no subdirectories). */
static void rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d != NULL && (de = readdir(d)) != NULL) {
        char p[PATH_MAX];
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        unlink(p);
    }
    if (d != NULL)
        closedir(d);
    rmdir(dir);
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

/* The first column of the first row of sql, as an integer; -999 on error. */
static long long sql_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long v = -999;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* One stored text of title, and its occurrence, in the open file fid. */
static pg_key put_text(pg_store *s, long long fid, const char *title)
{
    static const char abstract[] = "An abstract that is long enough to be a text.";
    pg_error err;
    char raw[256];
    pg_record r;
    memset(&r, 0, sizeof r);
    r.title = title;
    r.title_len = strlen(title);
    r.abstract = abstract;
    r.abstract_len = strlen(abstract);
    r.authors = r.upvotes = -1;
    r.date_raw = r.venue = r.ext_id = r.urls = r.day_label = "";
    r.day = "2024-01-01";
    r.line = 1;
    int n = snprintf(raw, sizeof raw, "%s\n%s", title, abstract);
    pg_text t = { pg_key_of(raw, (size_t)n), pg_key_of(title, strlen(title)),
                  title, strlen(title), abstract, strlen(abstract), 0, "", 0, NULL, 0 };
    CHECK_INT(pg_store_add_text(s, &t, &err), PG_OK);
    CHECK_INT(pg_store_add_occurrence(s, fid, t.key, &r, &err), PG_OK);
    return t.key;
}

/* A file of one text with band keys bands[0..n), committed. */
static void put_banded(pg_store *s, const char *title, const uint64_t *bands, size_t n,
                       pg_key *key)
{
    static long file_no;
    char path[64];
    pg_error err;
    long long fid = 0;
    int dup = 0;
    pg_buf dup_path = PG_BUF_INIT;
    pg_file_counts c = { 1, 1, 0, 100, "" };
    snprintf(path, sizeof path, "banded-%ld.txt", ++file_no);
    CHECK_INT(pg_store_file_begin(s, path, "listing", &fid, &err), PG_OK);
    *key = put_text(s, fid, title);
    CHECK_INT(pg_bands_add(s, *key, bands, n, NULL, 0, &err), PG_OK);
    CHECK_INT(pg_store_file_commit(s, fid, pg_key_of(path, strlen(path)), &c, &dup,
                                   &dup_path, &err), PG_OK);
    pg_buf_release(&dup_path);
}

/* The id of a stored text. */
static long long id_of(pg_store *s, pg_key k)
{
    long long id = 0;
    pg_error err;
    CHECK_INT(pg_store_text_id(s, k, &id, &err), PG_OK);
    CHECK(id > 0);
    return id;
}

static int has_id(const pg_idvec *iv, long long id)
{
    for (size_t i = 0; i < iv->n; i++)
        if (iv->v[i] == id)
            return 1;
    return 0;
}

/* A text is placed once: its band keys written a second time are an error,
 * not a silent overwrite, and the first ones stay. */
static void test_bands_once(void)
{
    char path[PATH_MAX];
    pg_error err;
    pg_idvec cand = PG_IDVEC_INIT;
    long long fid = 0;
    const uint64_t bands[2] = { 0x1111000000000001ULL, 0x2222000000000002ULL };
    const uint64_t other[1] = { 0x3333000000000003ULL };
    tpath(path, "bands-once.db");
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;
    pg_key a, self = pg_key_of("x", 1);
    put_banded(s, "placed once", bands, 2, &a);
    long long aid = id_of(s, a);
    CHECK_INT(pg_store_file_begin(s, "again.txt", "listing", &fid, &err), PG_OK);
    CHECK(pg_bands_add(s, a, other, 1, NULL, 0, &err) != PG_OK);
    CHECK(strstr(err.msg, "band keys") != NULL);
    pg_store_file_rollback(s);
    CHECK_INT(pg_store_file_begin(s, "look.txt", "listing", &fid, &err), PG_OK);
    CHECK_INT(pg_bands_candidates(s, 0, self, bands, 2, &cand, &err), PG_OK);
    CHECK(cand.n == 1 && has_id(&cand, aid));
    cand.n = 0;
    /* Not itself: the same keys asked for by the text. */
    CHECK_INT(pg_bands_candidates(s, aid, self, bands, 2, &cand, &err), PG_OK);
    CHECK_INT(cand.n, 0);
    CHECK_INT(pg_bands_candidates(s, 0, self, other, 1, &cand, &err), PG_OK);
    CHECK_INT(cand.n, 0);
    pg_store_file_rollback(s);
    pg_idvec_release(&cand);
    pg_store_close(s);
}

/* The band index across merges: a key merged in one transaction and met
 * again in a later one keeps both texts, in the bucket the second merge
 * rewrote, for a fresh connection (no cached buckets) as for the writer.
 * The first merge writes into an empty index without reading it; the
 * second must read what the first wrote. */
static void test_band_merges(void)
{
    char path[PATH_MAX];
    tpath(path, "bands.db");
    pg_store *s = open_ok(path);
    if (s == NULL)
        return;
    CHECK_INT(pg_bands_set_merge_keys(s, 1, NULL), PG_OK);     /* every commit merges */
    const uint64_t shared = 0x1234567890abcdefULL;
    const uint64_t a_bands[] = { shared, 0x1111 }, b_bands[] = { shared, 0x2222 };
    pg_key a, b, none = pg_key_of("none", 4);
    put_banded(s, "first text", a_bands, 2, &a);
    put_banded(s, "second text", b_bands, 2, &b);
    pg_store_close(s);
    for (int fresh = 0; fresh < 2; fresh++) {
        pg_idvec kv = PG_IDVEC_INIT;
        pg_error err;
        long long fid = 0;
        if ((s = open_ok(path)) == NULL)
            return;
        if (!fresh) {
            /* The writer's view: its cached buckets, in a write transaction. */
            CHECK_INT(pg_bands_set_merge_keys(s, 1, NULL), PG_OK);
            pg_key c;
            const uint64_t c_bands[] = { 0x3333 };
            put_banded(s, "third text", c_bands, 1, &c);
        }
        CHECK_INT(pg_store_file_begin(s, "look.txt", "listing", &fid, &err), PG_OK);
        CHECK_INT(pg_bands_candidates(s, 0, none, &shared, 1, &kv, &err), PG_OK);
        CHECK_INT(kv.n, 2);
        CHECK(kv.n == 2 && kv.v[0] == id_of(s, a) && kv.v[1] == id_of(s, b));
        /* 0x1111, 0x2222 and 0x3333 share bucket 0, merged three times. */
        kv.n = 0;
        CHECK_INT(pg_bands_candidates(s, 0, none, &a_bands[1], 1, &kv, &err), PG_OK);
        CHECK(kv.n == 1 && has_id(&kv, id_of(s, a)));
        pg_store_file_rollback(s);
        pg_idvec_release(&kv);
        pg_store_close(s);
    }
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_buckets"), 2);
}

/* Keys and a sketch written in a transaction that rolls back are gone, from
 * the database and from the connection's memory; outside a transaction
 * they are refused. */
static void test_bands_rollback(void)
{
    char path[PATH_MAX];
    pg_error err;
    pg_idvec cand = PG_IDVEC_INIT;
    pg_buf sk = PG_BUF_INIT;
    long long fid = 0;
    int found = 1;
    const uint64_t bands[1] = { 0x4444000000000004ULL };
    const unsigned char sketch[4] = { 9, 8, 7, 6 };
    pg_key self = pg_key_of("x", 1);
    pg_store *s = open_ok(tpath(path, "bands-rollback.db"));
    if (s == NULL)
        return;
    CHECK_INT(pg_store_file_begin(s, "gone.txt", "listing", &fid, &err), PG_OK);
    pg_key k = put_text(s, fid, "rolled back");
    CHECK_INT(pg_bands_add(s, k, bands, 1, sketch, sizeof sketch, &err), PG_OK);
    CHECK_INT(pg_bands_sketch(s, k, &sk, &found, &err), PG_OK);
    CHECK(found && sk.len == sizeof sketch && memcmp(sk.data, sketch, 4) == 0);
    long long kid = id_of(s, k);
    found = 0;
    pg_buf_reset(&sk);
    CHECK_INT(pg_bands_sketch_id(s, kid, &sk, &found, &err), PG_OK);
    CHECK(found && sk.len == sizeof sketch && memcmp(sk.data, sketch, 4) == 0);
    CHECK_INT(pg_bands_candidates(s, 0, self, bands, 1, &cand, &err), PG_OK);
    CHECK_INT(cand.n, 1);
    pg_store_file_rollback(s);
    cand.n = 0;
    CHECK_INT(pg_bands_candidates(s, 0, self, bands, 1, &cand, &err), PG_OK);
    CHECK_INT(cand.n, 0);
    CHECK_INT(pg_bands_sketch(s, k, &sk, &found, &err), PG_OK);
    CHECK_INT(found, 0);
    CHECK_INT(pg_bands_sketch_id(s, kid, &sk, &found, &err), PG_OK);
    CHECK_INT(found, 0);
    CHECK_INT(pg_bands_add(s, k, bands, 1, NULL, 0, &err), PG_ERR_USAGE);
    CHECK(strstr(err.msg, "outside a transaction") != NULL);
    pg_store_close(s);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_sets"), 0);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_pending"), 0);
    pg_idvec_release(&cand);
    pg_buf_release(&sk);
}

/* pg_bands_merge moves the held keys into the buckets at once, and
 * pg_bands_clear forgets them all. */
static void test_bands_merge_clear(void)
{
    char path[PATH_MAX];
    pg_error err;
    pg_idvec cand = PG_IDVEC_INIT;
    const uint64_t bands[1] = { 0x5555000000000005ULL };
    pg_key a, self = pg_key_of("x", 1);
    pg_store *s = open_ok(tpath(path, "bands-clear.db"));
    if (s == NULL)
        return;
    put_banded(s, "held text", bands, 1, &a);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_buckets"), 0);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_pending"), 1);
    CHECK_INT(pg_bands_merge(s, &err), PG_OK);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_buckets"), 1);
    /* Stored once: the merge took the keys out of band_pending. */
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_pending"), 0);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_sets"), 1);
    CHECK_INT(sql_int(path, "SELECT CAST(value AS INTEGER) FROM settings"
                      " WHERE key = 'bands.indexed'"), 1);
    CHECK_INT(pg_bands_candidates(s, 0, self, bands, 1, &cand, &err), PG_OK);
    CHECK(cand.n == 1 && cand.v[0] == id_of(s, a));
    CHECK_INT(pg_store_tx_begin(s, &err), PG_OK);
    CHECK_INT(pg_bands_clear(s, &err), PG_OK);
    cand.n = 0;
    CHECK_INT(pg_bands_candidates(s, 0, self, bands, 1, &cand, &err), PG_OK);
    CHECK_INT(cand.n, 0);
    CHECK_INT(pg_store_tx_commit(s, &err), PG_OK);
    pg_store_close(s);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_buckets"), 0);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_sets"), 0);
    pg_idvec_release(&cand);
}

int main(void)
{
    snprintf(g_dir, sizeof g_dir, "%s", "/tmp/pg-test-bands-XXXXXX");
    if (mkdtemp(g_dir) == NULL) {
        perror("mkdtemp");
        return 99;
    }
    test_bands_once();
    test_band_merges();
    test_bands_rollback();
    test_bands_merge_clear();
    rm_dir(g_dir);
    CHECK_DONE();
}
