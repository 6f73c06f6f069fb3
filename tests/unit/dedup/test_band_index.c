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
    static long line;
    r.line = ++line;            /* a line of its own, in whichever file */
    int n = snprintf(raw, sizeof raw, "%s\n%s", title, abstract);
    pg_text t = { pg_key_of(raw, (size_t)n), pg_key_of(title, strlen(title)),
                  title, strlen(title), abstract, strlen(abstract), 0, "", 0, NULL, 0, 0 };
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
    CHECK_INT(pg_bands_candidates(s, 0, self, bands, 2, 0, &cand, &err), PG_OK);
    CHECK(cand.n == 1 && has_id(&cand, aid));
    cand.n = 0;
    /* Not itself: the same keys asked for by the text. */
    CHECK_INT(pg_bands_candidates(s, aid, self, bands, 2, 0, &cand, &err), PG_OK);
    CHECK_INT(cand.n, 0);
    CHECK_INT(pg_bands_candidates(s, 0, self, other, 1, 0, &cand, &err), PG_OK);
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
        band_index *bi = NULL;
        CHECK_INT(pgb_of(s, &bi, &err), PG_OK);
        size_t at = pgb_bucket_of(shared);
        for (int round = 0; round < 2 && bi != NULL; round++) {
            kv.n = 0;
            CHECK_INT(pg_bands_candidates(s, 0, none, &shared, 1, 0, &kv, &err), PG_OK);
            CHECK_INT(kv.n, 2);
            CHECK(kv.n == 2 && kv.v[0] == id_of(s, a) && kv.v[1] == id_of(s, b));
            /* A fresh connection keeps a bucket it reads when it reads it
             * again; the writer's merges kept it already.  A bucket with
             * no row (the recent level's) is kept at once, as empty. */
            if (fresh)
                CHECK(round == 0 ? pgb_cached(bi, at) == NULL : pgb_cached(bi, at) != NULL);
            else
                CHECK(pgb_cached(bi, at) != NULL);
            if (fresh && pgb_cached(bi, RECENT + at) != NULL)
                CHECK_INT((long long)pgb_cached(bi, RECENT + at)->len, 0);
        }
        /* 0x1111, 0x2222 and 0x3333 share bucket 0, merged three times. */
        kv.n = 0;
        CHECK_INT(pg_bands_candidates(s, 0, none, &a_bands[1], 1, 0, &kv, &err), PG_OK);
        CHECK(kv.n == 1 && has_id(&kv, id_of(s, a)));
        pg_store_file_rollback(s);
        pg_idvec_release(&kv);
        pg_store_close(s);
    }
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_buckets"), 2);
}

/* Outside a write transaction a connection's lookups read the buckets from
 * the database, not from its cache: here another connection's merge has
 * rewritten the base level (taking the recent level with it) since this
 * one cached both levels' buckets of the key. */
static void test_bands_read_after_other(void)
{
    char path[PATH_MAX];
    pg_error err;
    pg_idvec cand = PG_IDVEC_INIT;
    const uint64_t k = 0x4444000000000004ULL;
    pg_key t1, t2, t3, none = pg_key_of("none", 4);
    tpath(path, "bands-other.db");
    pg_store *a = open_ok(path);
    if (a == NULL)
        return;
    CHECK_INT(pg_bands_set_merge_keys(a, 1, NULL), PG_OK);     /* every commit merges */
    put_banded(a, "one of three", &k, 1, &t1);      /* into the base level */
    put_banded(a, "two of three", &k, 1, &t2);      /* into the recent level */
    band_index *bi = NULL;
    CHECK_INT(pgb_of(a, &bi, &err), PG_OK);
    CHECK(bi != NULL && pgb_cached(bi, pgb_bucket_of(k)) != NULL &&
          pgb_cached(bi, RECENT + pgb_bucket_of(k)) != NULL);
    pg_store *b = open_ok(path);
    if (b == NULL) {
        pg_store_close(a);
        return;
    }
    CHECK_INT(pg_bands_set_merge_keys(b, 1, NULL), PG_OK);
    put_banded(b, "three of three", &k, 1, &t3);    /* the recent level into the base */
    pg_store_close(b);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_buckets"), 1);
    CHECK_INT(pg_bands_candidates(a, 0, none, &k, 1, 0, &cand, &err), PG_OK);
    CHECK_INT(cand.n, 3);
    CHECK(has_id(&cand, id_of(a, t1)) && has_id(&cand, id_of(a, t2)) &&
          has_id(&cand, id_of(a, t3)));
    pg_idvec_release(&cand);
    pg_store_close(a);
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
    CHECK_INT(pg_bands_candidates(s, 0, self, bands, 1, 0, &cand, &err), PG_OK);
    CHECK_INT(cand.n, 1);
    pg_store_file_rollback(s);
    cand.n = 0;
    CHECK_INT(pg_bands_candidates(s, 0, self, bands, 1, 0, &cand, &err), PG_OK);
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

/* pg_bands_settle merges at the end of a run only when the connection
 * placed an eighth of the merge size of keys since its last merge (a bulk
 * ingest), so that a day's ingest reads none of them back; after a day's
 * few keys it leaves them pending.  Every text stays a candidate. */
static void test_bands_settle(void)
{
    char path[PATH_MAX];
    pg_error err;
    pg_idvec cand = PG_IDVEC_INIT;
    const uint64_t k1[4] = { 0x1111000000000001ULL, 0x2222000000000002ULL,
                             0x3333000000000003ULL, 0x4444000000000004ULL };
    const uint64_t k2[4] = { 0x1111000000000001ULL, 0x5555000000000005ULL,
                             0x6666000000000006ULL, 0x7777000000000007ULL };
    const uint64_t k3[4] = { 0x1111000000000001ULL, 0x8888000000000008ULL,
                             0x9999000000000009ULL, 0xaaaa00000000000aULL };
    pg_key a, b, c, d, self = pg_key_of("x", 1);
    pg_store *s = open_ok(tpath(path, "bands-settle.db"));
    if (s == NULL)
        return;
    CHECK_INT(pg_bands_set_merge_keys(s, 64, NULL), PG_OK);    /* settles from 8 */
    CHECK_INT(pg_bands_settle(s, &err), PG_OK);                /* nothing placed */
    put_banded(s, "first text", k1, 4, &a);
    CHECK_INT(pg_bands_settle(s, &err), PG_OK);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_pending"), 1);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_buckets"), 0);
    put_banded(s, "second text", k2, 4, &b);
    CHECK_INT(pg_bands_settle(s, &err), PG_OK);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_pending"), 0);
    CHECK(sql_int(path, "SELECT count(*) FROM band_buckets") > 0);
    CHECK_INT(sql_int(path, "SELECT CAST(value AS INTEGER) FROM settings"
                      " WHERE key = 'bands.indexed'"), id_of(s, b));
    /* The merge took what was counted: one more text is a day's. */
    put_banded(s, "third text", k3, 4, &c);
    CHECK_INT(pg_bands_settle(s, &err), PG_OK);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_pending"), 1);
    pg_store_close(s);
    /* A new connection counts only what it places itself. */
    s = open_ok(path);
    if (s == NULL)
        return;
    CHECK_INT(pg_bands_set_merge_keys(s, 64, NULL), PG_OK);
    put_banded(s, "fourth text", k1, 4, &d);
    CHECK_INT(pg_bands_settle(s, &err), PG_OK);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_pending"), 2);
    CHECK_INT(pg_bands_candidates(s, 0, self, k1, 1, 0, &cand, &err), PG_OK);
    CHECK_INT((long long)cand.n, 4);
    CHECK(has_id(&cand, id_of(s, a)) && has_id(&cand, id_of(s, b)) &&
          has_id(&cand, id_of(s, c)) && has_id(&cand, id_of(s, d)));
    pg_store_close(s);
    pg_idvec_release(&cand);
}

/* The abstract's LSH bands (the first n_lsh keys asked) make a candidate
 * only when two of them meet the same text; any other key makes one alone.
 * A query of 3 bands and a title key against: a text under all 3 bands,
 * one under 2, one under 1 band, one under 1 band and the title key, one
 * under the title key alone.  Asked with texts in both levels (held and
 * merged), then with all merged. */
static void test_band_pairs(void)
{
    char path[PATH_MAX];
    pg_error err;
    long long fid = 0;
    pg_idvec cand = PG_IDVEC_INIT;
    const uint64_t q[4] = { 0x1111000000000001ULL, 0x2222000000000002ULL,
                            0x3333000000000003ULL, 0x7777000000000007ULL };
    const uint64_t all3[3] = { q[0], q[1], q[2] };
    const uint64_t band1[2] = { q[1], 0x4444000000000004ULL };
    const uint64_t band2[3] = { q[0], 0x5555000000000005ULL, q[2] };
    const uint64_t band_title[2] = { q[2], q[3] };
    const uint64_t title[1] = { q[3] };
    pg_key a, b, c, d, e, self = pg_key_of("x", 1);
    pg_store *s = open_ok(tpath(path, "bands-pairs.db"));
    if (s == NULL)
        return;
    put_banded(s, "all three bands", all3, 3, &a);
    put_banded(s, "one band", band1, 2, &c);
    put_banded(s, "a band and the title", band_title, 2, &d);
    CHECK_INT(pg_bands_merge(s, &err), PG_OK);
    put_banded(s, "two bands", band2, 3, &b);
    put_banded(s, "the title only", title, 1, &e);
    long long aid = id_of(s, a), bid = id_of(s, b), cid = id_of(s, c);
    long long did = id_of(s, d), eid = id_of(s, e);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_pending"), 2);
    for (int round = 0; round < 2; round++) {
        cand.n = 0;
        CHECK_INT(pg_store_file_begin(s, "look.txt", "listing", &fid, &err), PG_OK);
        CHECK_INT(pg_bands_candidates(s, 0, self, q, 4, 3, &cand, &err), PG_OK);
        CHECK_INT((long long)cand.n, 4);
        CHECK(has_id(&cand, aid) && has_id(&cand, bid) && has_id(&cand, did) &&
              has_id(&cand, eid));
        CHECK(!has_id(&cand, cid));
        /* Asked as blocking keys, every key makes a candidate. */
        cand.n = 0;
        CHECK_INT(pg_bands_candidates(s, 0, self, q, 4, 0, &cand, &err), PG_OK);
        CHECK_INT((long long)cand.n, 5);
        CHECK(has_id(&cand, cid));
        pg_store_file_rollback(s);
        CHECK_INT(pg_bands_merge(s, &err), PG_OK);
    }
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_pending"), 0);
    pg_idvec_release(&cand);
    pg_store_close(s);
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
    CHECK_INT(pg_bands_candidates(s, 0, self, bands, 1, 0, &cand, &err), PG_OK);
    CHECK(cand.n == 1 && cand.v[0] == id_of(s, a));
    CHECK_INT(pg_store_tx_begin(s, &err), PG_OK);
    CHECK_INT(pg_bands_clear(s, &err), PG_OK);
    cand.n = 0;
    CHECK_INT(pg_bands_candidates(s, 0, self, bands, 1, 0, &cand, &err), PG_OK);
    CHECK_INT(cand.n, 0);
    CHECK_INT(pg_store_tx_commit(s, &err), PG_OK);
    pg_store_close(s);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_buckets"), 0);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_sets"), 0);
    pg_idvec_release(&cand);
}

/* A bucket's packed form reads back exactly the pairs written, ids of any
 * size and bands with many texts included, in fewer bytes than 16 a pair;
 * a damaged one is refused, not misread. */
static void test_bucket_pack(void)
{
    const size_t i = 0xbeef;
    const uint64_t top = (uint64_t)i << 48;
    static const long long some[] = { 1, 2, 127, 128, 16383, 16384, 1LL << 32,
                                      (1LL << 62) + 5 };
    bucket bk, back;
    size_t n = 0;
    CHECK_INT(pgb_bucket_alloc(&bk, 8 + 300 + 1), PG_OK);
    for (size_t k = 0; k < 8; k++) {        /* one text a band */
        bk.bands[n] = top | (k * 0x10000000001ULL);
        bk.ids[n++] = some[k];
    }
    for (size_t k = 0; k < 300; k++) {      /* one band, 300 texts */
        bk.bands[n] = top | 0xfffffffffff0ULL;
        bk.ids[n++] = 1000 + 3 * (long long)k;
    }
    bk.bands[n] = top | 0xffffffffffffULL;  /* the bucket's last band */
    bk.ids[n++] = 7;
    bk.n = n;
    pg_buf out = PG_BUF_INIT;
    CHECK_INT(pgb_bucket_pack(&bk, &out), PG_OK);
    CHECK(out.len < n * 4);
    CHECK_INT(pgb_bucket_unpack((const unsigned char *)out.data, out.len, i, &back), PG_OK);
    CHECK_INT(back.n, n);
    int same = back.n == n;
    for (size_t k = 0; same && k < n; k++)
        same = back.bands[k] == bk.bands[k] && back.ids[k] == bk.ids[k];
    CHECK(same);
    pgb_bucket_free(&back);

    /* Kept as stored, with a skip index: every band gives its texts, lowest
     * first, up to the room asked for, from the first group, the last, and
     * those on either side of an indexed one; a band between two or outside
     * all gives none. */
    kept kb;
    long long got[400];
    CHECK_INT(pgb_kept_make((const unsigned char *)out.data, out.len, i, &kb), PG_OK);
    CHECK_INT((long long)kb.n_skip, (10 + KEPT_SKIP - 1) / KEPT_SKIP);
    for (size_t k = 0; k < 8; k++) {
        CHECK_INT((long long)pgb_kept_find(&kb, i, bk.bands[k], got, 400), 1);
        CHECK_INT(got[0], some[k]);
        CHECK_INT((long long)pgb_kept_find(&kb, i, bk.bands[k] + 1, got, 400), 0);
    }
    CHECK_INT((long long)pgb_kept_find(&kb, i, top | 0xfffffffffff0ULL, got, 400), 300);
    CHECK(got[0] == 1000 && got[299] == 1000 + 3 * 299);
    CHECK_INT((long long)pgb_kept_find(&kb, i, top | 0xfffffffffff0ULL, got, 5), 5);
    CHECK(got[4] == 1000 + 3 * 4);
    CHECK_INT((long long)pgb_kept_find(&kb, i, top | 0xffffffffffffULL, got, 400), 1);
    CHECK_INT(got[0], 7);
    CHECK_INT((long long)pgb_kept_find(&kb, i, top - 1, got, 400), 0);
    pgb_kept_free(&kb);
    CHECK_INT(pgb_kept_make((const unsigned char *)out.data, out.len - 1, i, &kb),
              PG_ERR_FORMAT);

    /* Read in place (a bucket read once): the same answers. */
    const unsigned char *po = (const unsigned char *)out.data;
    size_t nf = 99;
    for (size_t k = 0; k < 8; k++) {
        CHECK_INT(pgb_bucket_find(po, out.len, i, bk.bands[k], got, 400, &nf), PG_OK);
        CHECK(nf == 1 && got[0] == some[k]);
        CHECK_INT(pgb_bucket_find(po, out.len, i, bk.bands[k] + 1, got, 400, &nf), PG_OK);
        CHECK_INT((long long)nf, 0);
    }
    CHECK_INT(pgb_bucket_find(po, out.len, i, top | 0xfffffffffff0ULL, got, 5, &nf), PG_OK);
    CHECK(nf == 5 && got[0] == 1000 && got[4] == 1000 + 3 * 4);
    CHECK_INT(pgb_bucket_find(po, out.len, i, top | 0xffffffffffffULL, got, 400, &nf), PG_OK);
    CHECK(nf == 1 && got[0] == 7);
    CHECK_INT(pgb_bucket_find(po, 0, i, top, got, 400, &nf), PG_OK);
    CHECK_INT((long long)nf, 0);
    /* Damage it reads is found: the last group cut short. */
    CHECK_INT(pgb_bucket_find(po, out.len - 1, i, top | 0xffffffffffffULL, got, 400, &nf),
              PG_ERR_FORMAT);

    /* Cut short, by a byte or inside the first group. */
    CHECK_INT(pgb_bucket_unpack((const unsigned char *)out.data, out.len - 1, i, &back),
              PG_ERR_FORMAT);
    CHECK_INT(pgb_bucket_unpack((const unsigned char *)out.data, 4, i, &back), PG_ERR_FORMAT);
    /* A count of 0; two groups of one band (out of order). */
    unsigned char bad[2 * (REST_BYTES + 2)] = { 0 };
    bad[REST_BYTES] = 0;
    bad[REST_BYTES + 1] = 1;
    CHECK_INT(pgb_bucket_unpack(bad, REST_BYTES + 2, i, &back), PG_ERR_FORMAT);
    bad[REST_BYTES] = 1;
    memcpy(bad + REST_BYTES + 2, bad, REST_BYTES + 2);
    CHECK_INT(pgb_bucket_unpack(bad, REST_BYTES + 2, i, &back), PG_OK);
    CHECK(back.n == 1 && back.bands[0] == top && back.ids[0] == 1);
    pgb_bucket_free(&back);
    CHECK_INT(pgb_bucket_unpack(bad, sizeof bad, i, &back), PG_ERR_FORMAT);
    CHECK_INT(pgb_bucket_find(bad, sizeof bad, i, top + 1, got, 400, &nf), PG_ERR_FORMAT);
    /* Nothing is an empty bucket. */
    CHECK_INT(pgb_bucket_unpack(bad, 0, i, &back), PG_OK);
    CHECK_INT(back.n, 0);
    pg_buf_release(&out);
    pgb_bucket_free(&bk);
}

/* A key shared by more texts than a lookup takes gives 1024 of them: the
 * latest held while pending, the lowest ids once merged (as the index
 * always did). */
static void test_band_fanout(void)
{
    enum { N = 1100 };
    char path[PATH_MAX], title[64];
    pg_error err;
    long long fid = 0, first = 0;
    int dup = 0;
    pg_buf dup_path = PG_BUF_INIT;
    pg_file_counts c = { N, N, 0, 100, "" };
    pg_idvec cand = PG_IDVEC_INIT;
    const uint64_t shared = 0x7777000000000007ULL;
    pg_key none = pg_key_of("none", 4);
    pg_store *s = open_ok(tpath(path, "bands-fanout.db"));
    if (s == NULL)
        return;
    CHECK_INT(pg_store_file_begin(s, "many.txt", "listing", &fid, &err), PG_OK);
    for (int k = 0; k < N; k++) {
        snprintf(title, sizeof title, "text number %d", k);
        pg_key t = put_text(s, fid, title);
        CHECK_INT(pg_bands_add(s, t, &shared, 1, NULL, 0, &err), PG_OK);
        if (k == 0)
            first = id_of(s, t);
    }
    CHECK_INT(pg_bands_candidates(s, 0, none, &shared, 1, 0, &cand, &err), PG_OK);
    CHECK_INT(cand.n, 1024);
    CHECK(cand.n == 1024 && cand.v[0] == first + N - 1024 && cand.v[1023] == first + N - 1);
    CHECK_INT(pg_store_file_commit(s, fid, pg_key_of("many", 4), &c, &dup, &dup_path, &err),
              PG_OK);
    CHECK_INT(pg_bands_merge(s, &err), PG_OK);
    pg_store_close(s);
    if ((s = open_ok(path)) == NULL)
        return;
    cand.n = 0;
    CHECK_INT(pg_bands_candidates(s, 0, none, &shared, 1, 0, &cand, &err), PG_OK);
    CHECK(cand.n == 1024 && cand.v[0] == first && cand.v[1023] == first + 1023);
    pg_store_close(s);
    pg_idvec_release(&cand);
    pg_buf_release(&dup_path);
}

/* The merge policy: with a merge at every commit, the base level's bucket
 * is rewritten only when the recent level has grown to a part of it, so
 * its rewrites grow with the logarithm of the merges, not with their
 * number (each merge writes one row, the index's one bucket, in one level
 * or the other); no key is lost on the way, and a key shared by more texts
 * than a lookup takes gives the lowest ids of both levels, for a fresh
 * connection as for the writer. */
static void test_band_levels(void)
{
    enum { N = 1100 };
    char path[PATH_MAX], title[64];
    pg_error err;
    long long ids[N], fid = 0;
    const uint64_t top = 0x0005ULL << 48, shared = top | 0xffffffffULL;
    pg_key none = pg_key_of("none", 4);
    pg_idvec cand = PG_IDVEC_INIT;
    band_index *b = NULL;
    pg_store *s = open_ok(tpath(path, "bands-levels.db"));
    if (s == NULL)
        return;
    CHECK_INT(pg_bands_set_merge_keys(s, 1, NULL), PG_OK);     /* every commit merges */
    for (int k = 0; k < N; k++) {
        const uint64_t keys[2] = { top | (uint64_t)(k + 1), shared };
        pg_key t;
        snprintf(title, sizeof title, "levelled text %d", k);
        put_banded(s, title, keys, 2, &t);
        ids[k] = id_of(s, t);
    }
    CHECK_INT(pgb_of(s, &b, &err), PG_OK);
    if (b == NULL)
        return;
    /* One row a merge; into the base a few dozen times (every time would be
     * N, the quadratic policy). */
    CHECK_INT((long long)(b->rewrites[0] + b->rewrites[1]), N);
    CHECK(b->rewrites[0] >= 10 && b->rewrites[0] <= 40);
    CHECK(b->rewrites[1] >= N - 40);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_pending"), 0);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_buckets WHERE bucket = 5"), 1);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_buckets WHERE bucket = 65536 + 5"), 1);
    /* The levels' pairs, as recorded: every key once. */
    CHECK_INT(sql_int(path, "SELECT CAST(substr(value, 1, instr(value, ' ') - 1) AS INTEGER)"
                      " + CAST(substr(value, instr(value, ' ') + 1) AS INTEGER)"
                      " FROM settings WHERE key = 'bands.levels'"), 2 * N);
    for (int fresh = 0; fresh < 2; fresh++) {
        if (fresh) {
            pg_store_close(s);
            if ((s = open_ok(path)) == NULL)
                return;
        }
        CHECK_INT(pg_store_file_begin(s, "look.txt", "listing", &fid, &err), PG_OK);
        int lost = 0;
        for (int k = 0; k < N; k++) {
            const uint64_t own = top | (uint64_t)(k + 1);
            cand.n = 0;
            CHECK_INT(pg_bands_candidates(s, 0, none, &own, 1, 0, &cand, &err), PG_OK);
            lost += !(cand.n == 1 && cand.v[0] == ids[k]);
        }
        CHECK_INT(lost, 0);
        cand.n = 0;
        CHECK_INT(pg_bands_candidates(s, 0, none, &shared, 1, 0, &cand, &err), PG_OK);
        CHECK(cand.n == 1024 && cand.v[0] == ids[0] && cand.v[1023] == ids[1023]);
        pg_store_file_rollback(s);
    }
    pg_store_close(s);
    /* A database written before the levels were recorded: they are counted
     * at the next merge. */
    CHECK_INT(sql_exec(path, "DELETE FROM settings WHERE key = 'bands.levels'"), SQLITE_OK);
    if ((s = open_ok(path)) == NULL)
        return;
    CHECK_INT(pg_bands_set_merge_keys(s, 1, NULL), PG_OK);
    const uint64_t last[2] = { top | 0xfffffffeULL, shared };
    pg_key t;
    put_banded(s, "levelled text, the last", last, 2, &t);
    CHECK_INT(sql_int(path, "SELECT CAST(substr(value, 1, instr(value, ' ') - 1) AS INTEGER)"
                      " + CAST(substr(value, instr(value, ' ') + 1) AS INTEGER)"
                      " FROM settings WHERE key = 'bands.levels'"), 2 * N + 2);
    pg_store_close(s);
    pg_idvec_release(&cand);
}

/* Rewrites a schema-8 database as schema 7 stored it: every text's keys in
 * band_sets.keys (keys[t - 1] of text id t, n_keys[t - 1] of them), the
 * buckets as 16-byte (band, text id) pairs, no band_pending. */
static void to_schema_7(const char *path, const uint64_t (*keys)[3], const size_t *n_keys,
                        size_t n_texts)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *rd = NULL, *wr = NULL;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, "BEGIN;"
        "CREATE TABLE bb7 (bucket INTEGER PRIMARY KEY, pairs BLOB NOT NULL);"
        "CREATE TABLE bs7 (text_id INTEGER PRIMARY KEY REFERENCES texts(id),"
        "  keys BLOB NOT NULL, sketch BLOB);"
        "INSERT INTO bs7 (text_id, keys, sketch) SELECT text_id, x'', sketch FROM band_sets;",
        NULL, NULL, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_prepare_v2(db, "SELECT bucket, packed FROM band_buckets", -1, &rd,
                                 NULL), SQLITE_OK);
    CHECK_INT(sqlite3_prepare_v2(db, "INSERT INTO bb7 VALUES (?1, ?2)", -1, &wr, NULL),
              SQLITE_OK);
    while (sqlite3_step(rd) == SQLITE_ROW) {
        bucket bk;
        size_t i = (size_t)sqlite3_column_int64(rd, 0);
        CHECK_INT(pgb_bucket_unpack(sqlite3_column_blob(rd, 1),
                                    (size_t)sqlite3_column_bytes(rd, 1), i, &bk), PG_OK);
        unsigned char *p = malloc(16 * bk.n + 1);
        for (size_t k = 0; p != NULL && k < bk.n; k++) {
            pgb_put_le64(p + 16 * k, bk.bands[k]);
            pgb_put_le64(p + 16 * k + 8, (uint64_t)bk.ids[k]);
        }
        sqlite3_bind_int64(wr, 1, (long long)i);
        sqlite3_bind_blob(wr, 2, p, (int)(16 * bk.n), SQLITE_TRANSIENT);
        CHECK_INT(sqlite3_step(wr), SQLITE_DONE);
        sqlite3_reset(wr);
        free(p);
        pgb_bucket_free(&bk);
    }
    sqlite3_finalize(rd);
    sqlite3_finalize(wr);
    CHECK_INT(sqlite3_prepare_v2(db, "UPDATE bs7 SET keys = ?2 WHERE text_id = ?1", -1, &wr,
                                 NULL), SQLITE_OK);
    for (size_t t = 0; t < n_texts; t++) {
        unsigned char blob[24];
        for (size_t k = 0; k < n_keys[t]; k++)
            pgb_put_le64(blob + 8 * k, keys[t][k]);
        sqlite3_bind_int64(wr, 1, (long long)t + 1);
        sqlite3_bind_blob(wr, 2, blob, (int)(8 * n_keys[t]), SQLITE_TRANSIENT);
        CHECK_INT(sqlite3_step(wr), SQLITE_DONE);
        sqlite3_reset(wr);
    }
    sqlite3_finalize(wr);
    CHECK_INT(sqlite3_exec(db,
        "DROP TABLE band_sets; DROP TABLE band_buckets; DROP TABLE band_pending;"
        "ALTER TABLE bs7 RENAME TO band_sets; ALTER TABLE bb7 RENAME TO band_buckets;"
        "DROP TABLE file_days;"
        "CREATE INDEX occurrences_day ON occurrences(day, text_id, upvotes);"
        "PRAGMA user_version = 7; COMMIT;", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* The candidates of every query key, one id vector each, in a write
 * transaction (which converts schema 7's buckets when there are any). */
static void all_candidates(pg_store *s, const uint64_t *q, size_t nq, pg_idvec *out)
{
    pg_error err;
    pg_key none = pg_key_of("none", 4);
    CHECK_INT(pg_store_tx_begin(s, &err), PG_OK);
    for (size_t k = 0; k < nq; k++) {
        out[k].n = 0;
        CHECK_INT(pg_bands_candidates(s, 0, none, &q[k], 1, 0, &out[k], &err), PG_OK);
    }
    CHECK_INT(pg_store_tx_commit(s, &err), PG_OK);
}

/* A schema-7 database (keys merged into 16-byte pairs, the rest pending in
 * band_sets) opens, migrates, and gives the same candidates; its old
 * buckets are converted and dropped by the first write transaction, and
 * only the keys still pending move to band_pending. */
static void test_band_migration_7(void)
{
    enum { T = 6, MERGED = 4 };
    static const uint64_t keys[T][3] = {
        { 0x0001000000000001ULL, 0x9999000000000009ULL, 0x0001000000000002ULL },
        { 0x0001000000000001ULL, 0xffff00000000000fULL, 0 },
        { 0x9999000000000009ULL, 0x0001000000000002ULL, 0x4242000000000042ULL },
        { 0x4242000000000042ULL, 0, 0 },
        { 0x0001000000000001ULL, 0x4242000000000042ULL, 0x5150000000000051ULL },
        { 0x5150000000000051ULL, 0xffff00000000000fULL, 0 },
    };
    static const size_t n_keys[T] = { 3, 2, 3, 1, 3, 2 };
    static const uint64_t q[] = {
        0x0001000000000001ULL, 0x0001000000000002ULL, 0x9999000000000009ULL,
        0xffff00000000000fULL, 0x4242000000000042ULL, 0x5150000000000051ULL, 0x1234,
    };
    enum { NQ = sizeof q / sizeof q[0] };
    const unsigned char sketch[3] = { 1, 2, 3 };
    char path[PATH_MAX], title[32];
    pg_error err;
    pg_idvec before[NQ], after[NQ];
    memset(before, 0, sizeof before);
    memset(after, 0, sizeof after);
    pg_store *s = open_ok(tpath(path, "bands-v7.db"));
    if (s == NULL)
        return;
    for (size_t t = 0; t < T; t++) {
        pg_key k;
        if (t == MERGED)
            CHECK_INT(pg_bands_merge(s, &err), PG_OK);
        snprintf(title, sizeof title, "migrated text %zu", t);
        long long fid = 0;
        int dup = 0;
        pg_buf dup_path = PG_BUF_INIT;
        pg_file_counts c = { 1, 1, 0, 100, "" };
        CHECK_INT(pg_store_file_begin(s, title, "listing", &fid, &err), PG_OK);
        k = put_text(s, fid, title);
        CHECK_INT(pg_bands_add(s, k, keys[t], n_keys[t], sketch, sizeof sketch, &err), PG_OK);
        CHECK_INT(pg_store_file_commit(s, fid, pg_key_of(title, strlen(title)), &c, &dup,
                                       &dup_path, &err), PG_OK);
        pg_buf_release(&dup_path);
        CHECK_INT(id_of(s, k), (long long)t + 1);
    }
    all_candidates(s, q, NQ, before);
    pg_store_close(s);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_pending"), T - MERGED);
    to_schema_7(path, keys, n_keys, T);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_pending"), -999);

    if ((s = open_ok(path)) == NULL)
        return;
    CHECK_INT(sql_int(path, "PRAGMA user_version"), PG_SCHEMA_VERSION);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM band_pending"), T - MERGED);
    CHECK_INT(sql_int(path, "SELECT min(text_id) FROM band_pending"), MERGED + 1);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM pragma_table_info('band_sets')"
                      " WHERE name = 'keys'"), 0);
    CHECK(sql_int(path, "SELECT count(*) FROM band_buckets_v7") > 0);
    all_candidates(s, q, NQ, after);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM sqlite_master"
                      " WHERE name = 'band_buckets_v7'"), 0);
    CHECK(sql_int(path, "SELECT count(*) FROM band_buckets") > 0);
    for (size_t k = 0; k < NQ; k++) {
        CHECK_INT(after[k].n, before[k].n);
        CHECK(after[k].n == before[k].n &&
              (after[k].n == 0 ||
               memcmp(after[k].v, before[k].v, after[k].n * sizeof *after[k].v) == 0));
    }
    CHECK_INT(before[0].n, 3);                  /* texts 1, 2 (merged) and 5 */
    pg_buf sk = PG_BUF_INIT;
    int found = 0;
    CHECK_INT(pg_bands_sketch_id(s, 5, &sk, &found, &err), PG_OK);
    CHECK(found && sk.len == sizeof sketch);
    pg_buf_release(&sk);
    pg_store_close(s);
    /* A new connection reads the converted buckets: the same again. */
    if ((s = open_ok(path)) == NULL)
        return;
    all_candidates(s, q, NQ, after);
    for (size_t k = 0; k < NQ; k++)
        CHECK(after[k].n == before[k].n &&
              (after[k].n == 0 ||
               memcmp(after[k].v, before[k].v, after[k].n * sizeof *after[k].v) == 0));
    pg_store_close(s);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM pragma_integrity_check"
                      " WHERE integrity_check <> 'ok'"), 0);
    for (size_t k = 0; k < NQ; k++) {
        pg_idvec_release(&before[k]);
        pg_idvec_release(&after[k]);
    }
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
    test_bands_read_after_other();
    test_bands_rollback();
    test_bands_settle();
    test_band_pairs();
    test_bands_merge_clear();
    test_bucket_pack();
    test_band_fanout();
    test_band_levels();
    test_band_migration_7();
    rm_dir(g_dir);
    CHECK_DONE();
}
