/* test_placing.c: the papers of a write transaction held in memory
 * (placing.c) answer and end up as the clusters table would have, had each
 * placement and rename been written at once.  Random sequences of
 * placements, renames and look-ups are run against a plain model of the
 * table's semantics; reads of the table in the middle of the transaction,
 * a commit and a rollback are checked against it too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "papergraph/store.h"
#include "store/internal.h"
#include "check.h"

#define N_TEXTS 40
#define N_PAPERS 12

static char g_dir[64];

/* The model: each text's paper as the table would hold it ("" = no row). */
static char model[N_TEXTS + 1][PG_ID_HEX + 8];

/* Paper ids: most in pg_key_to_id's form, two that are not (a caller's
 * own names), which placing.c writes at once. */
static void paper_name(int i, char *out, size_t n)
{
    if (i == N_PAPERS - 1)
        snprintf(out, n, "odd-paper");
    else if (i == N_PAPERS - 2)
        snprintf(out, n, "00000000000000AB");      /* upper case: not the form */
    else
        snprintf(out, n, "%016llx", 0x1000000000000000ULL / (unsigned long long)(i + 1));
}

static unsigned long long rng_state;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(rng_state >> 33) % n;
}

static pg_key text_key(int i)
{
    char b[32];
    int n = snprintf(b, sizeof b, "text %d", i);
    return pg_key_of(b, (size_t)n);
}

/* A store whose texts 1..N_TEXTS each sit in a paper of their own. */
static pg_store *make_store(const char *path)
{
    pg_store *s = NULL;
    pg_error err;
    long long fid = 0;
    int dup = 0;
    pg_file_counts c = { N_TEXTS, N_TEXTS, 0, 1, "2024-01-01" };
    CHECK_INT(pg_store_open(path, &s, &err), PG_OK);
    if (s == NULL)
        return NULL;
    CHECK_INT(pg_store_file_begin(s, "f.txt", "listing", &fid, &err), PG_OK);
    for (int i = 1; i <= N_TEXTS; i++) {
        char title[32], norm[32];
        snprintf(title, sizeof title, "title %d", i);
        snprintf(norm, sizeof norm, "norm %d", i);
        pg_text t = { text_key(i), pg_key_of(norm, strlen(norm)), title, strlen(title),
                      "", 0, 0, "", 0, NULL, 0, 0 };
        CHECK_INT(pg_store_add_text(s, &t, &err), PG_OK);
        pg_key_to_id(t.norm_key, model[i]);
    }
    CHECK_INT(pg_store_file_commit(s, fid, pg_key_of("f", 1), &c, &dup, NULL, &err), PG_OK);
    return s;
}

/* The table's paper of each text equals the model's (read with another
 * connection: what was committed). */
static void check_table(const char *path, const char *when)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int bad = 0;
    CHECK_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_prepare_v2(db, "SELECT paper_id FROM clusters WHERE text_id = ?1",
                                 -1, &st, NULL), SQLITE_OK);
    for (int i = 1; st != NULL && i <= N_TEXTS; i++) {
        sqlite3_bind_int(st, 1, i);
        const char *got = sqlite3_step(st) == SQLITE_ROW
            ? (const char *)sqlite3_column_text(st, 0) : "";
        if (strcmp(got, model[i]) != 0 && bad++ < 3)
            fprintf(stderr, "%s: text %d in %s, want %s\n", when, i, got, model[i]);
        sqlite3_reset(st);
    }
    CHECK_INT(bad, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* One random step inside the open transaction, on both sides. */
static void step(pg_store *s, char (*m)[PG_ID_HEX + 8])
{
    pg_error err;
    char from[PG_ID_HEX + 8], to[PG_ID_HEX + 8], got[PG_ID_HEX];
    int t = 1 + (int)rnd(N_TEXTS);
    switch (rnd(7)) {
    case 0:
    case 1: {                       /* place a text */
        paper_name((int)rnd(N_PAPERS), to, sizeof to);
        CHECK_INT(pg_store_set_paper_id(s, t, to, &err), PG_OK);
        snprintf(m[t], sizeof m[t], "%s", to);
        break;
    }
    case 2:                         /* rename a paper some text is in, */
    case 3: {                       /* or one by name */
        if (rnd(2) == 0)
            snprintf(from, sizeof from, "%s", m[1 + rnd(N_TEXTS)]);
        else
            paper_name((int)rnd(N_PAPERS), from, sizeof from);
        paper_name((int)rnd(N_PAPERS), to, sizeof to);
        CHECK_INT(pg_store_rename_paper(s, from, to, &err), PG_OK);
        for (int i = 1; i <= N_TEXTS; i++)
            if (strcmp(m[i], from) == 0)
                snprintf(m[i], sizeof m[i], "%s", to);
        break;
    }
    case 4: {                       /* the text as the store describes it */
        pg_text_info info;
        CHECK_INT(pg_store_text_info(s, text_key(t), &info, &err), PG_OK);
        CHECK_STR(info.paper_id, m[t]);
        pg_text_info_release(&info);
        break;
    }
    case 5:
        if (rnd(8) == 0) {          /* a read of the table itself */
            pg_stats st;
            CHECK_INT(pg_store_stats(s, &st, &err), PG_OK);
            CHECK_INT(st.texts, N_TEXTS);
        }
        break;
    default:
        CHECK_INT(pg_store_paper_of_id(s, t, got, &err), PG_OK);
        CHECK_STR(got, m[t]);
        break;
    }
}

/* Rounds of random steps: committed ones must be in the table after,
 * rolled-back ones must leave no trace. */
static void test_random(unsigned long long seed)
{
    char path[128];
    pg_error err;
    char scratch[N_TEXTS + 1][PG_ID_HEX + 8];
    snprintf(path, sizeof path, "%s/p%llu.db", g_dir, seed);
    rng_state = seed;
    pg_store *s = make_store(path);
    if (s == NULL)
        return;
    check_table(path, "start");
    for (int round = 0; round < 6; round++) {
        int keep = round % 3 != 2;
        memcpy(scratch, model, sizeof scratch);
        CHECK_INT(pg_store_tx_begin(s, &err), PG_OK);
        for (int i = 0; i < 150; i++)
            step(s, keep ? model : scratch);
        if (keep) {
            CHECK_INT(pg_store_tx_commit(s, &err), PG_OK);
        } else {
            pg_store_tx_rollback(s);
            /* Nothing of the round is answered any more. */
            for (int t = 1; t <= N_TEXTS; t++) {
                char got[PG_ID_HEX];
                CHECK_INT(pg_store_paper_of_id(s, t, got, &err), PG_OK);
                CHECK_STR(got, model[t]);
            }
        }
        check_table(path, keep ? "after a commit" : "after a rollback");
    }
    pg_store_close(s);
}

/* A text placed by its caller only (pg_text.unplaced) has no paper until
 * placed; placed, it is found through the store's readers at once. */
static void test_unplaced(void)
{
    char path[128];
    pg_error err;
    long long fid = 0;
    int dup = 0;
    char got[PG_ID_HEX];
    pg_file_counts c = { 1, 1, 0, 1, "2024-01-02" };
    snprintf(path, sizeof path, "%s/unplaced.db", g_dir);
    pg_store *s = NULL;
    CHECK_INT(pg_store_open(path, &s, &err), PG_OK);
    if (s == NULL)
        return;
    CHECK_INT(pg_store_file_begin(s, "u.txt", "listing", &fid, &err), PG_OK);
    pg_text t = { text_key(1), pg_key_of("n", 1), "t", 1, "", 0, 0, "", 0, NULL, 0, 1 };
    CHECK_INT(pg_store_add_text(s, &t, &err), PG_OK);
    CHECK_INT(pg_store_paper_of_id(s, 1, got, &err), PG_OK);
    CHECK_STR(got, "");
    CHECK_INT(pg_store_set_paper_id(s, 1, "00000000000000aa", &err), PG_OK);
    CHECK_INT(pg_store_set_paper_id(s, 0, "00000000000000aa", &err), PG_ERR_NOT_FOUND);
    pg_stats st;
    CHECK_INT(pg_store_stats(s, &st, &err), PG_OK);
    CHECK_INT(st.papers, 1);
    CHECK_INT(pg_store_file_commit(s, fid, pg_key_of("u", 1), &c, &dup, NULL, &err), PG_OK);
    pg_store_close(s);
    memset(model, 0, sizeof model);
    snprintf(model[1], sizeof model[1], "00000000000000aa");
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    CHECK_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_prepare_v2(db, "SELECT count(*), min(paper_id) FROM clusters", -1, &q,
                                 NULL), SQLITE_OK);
    CHECK_INT(sqlite3_step(q), SQLITE_ROW);
    CHECK_INT(sqlite3_column_int(q, 0), 1);
    CHECK_STR((const char *)sqlite3_column_text(q, 1), "00000000000000aa");
    sqlite3_finalize(q);
    sqlite3_close(db);
}

/* Matches are held for the transaction and written in one sorted run
 * before it commits: the later record of a pair replaces the earlier, as
 * INSERT OR REPLACE would; a rolled-back one leaves nothing; a pair of a
 * text with itself is refused at once. */
static void test_matches(void)
{
    char path[128];
    pg_error err;
    snprintf(path, sizeof path, "%s/matches.db", g_dir);
    rng_state = 99;
    pg_store *s = make_store(path);
    if (s == NULL)
        return;
    CHECK_INT(pg_store_tx_begin(s, &err), PG_OK);
    CHECK_INT(pg_store_add_match_ids(s, 7, 3, "first-rule", 0.25, &err), PG_OK);
    CHECK_INT(pg_store_add_match_ids(s, 2, 9, "other", 0.5, &err), PG_OK);
    CHECK_INT(pg_store_add_match_ids(s, 3, 7, "second-rule", 0.75, &err), PG_OK);
    CHECK_INT(pg_store_add_match_ids(s, 4, 4, "self", 1.0, &err), PG_ERR_DB);
    CHECK_INT(pg_store_add_match_ids(s, 0, 4, "none", 1.0, &err), PG_ERR_NOT_FOUND);
    CHECK_INT(pg_store_tx_commit(s, &err), PG_OK);
    CHECK_INT(pg_store_tx_begin(s, &err), PG_OK);
    CHECK_INT(pg_store_add_match_ids(s, 5, 6, "rolled-back", 0.5, &err), PG_OK);
    pg_store_tx_rollback(s);
    pg_store_close(s);
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    CHECK_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_prepare_v2(db, "SELECT group_concat(a || '-' || b || ' ' || rule || ' ' || score, ';')"
                                 " FROM (SELECT * FROM matches ORDER BY a, b)", -1, &q, NULL),
              SQLITE_OK);
    CHECK_INT(sqlite3_step(q), SQLITE_ROW);
    CHECK_STR((const char *)sqlite3_column_text(q, 0), "2-9 other 0.5;3-7 second-rule 0.75");
    sqlite3_finalize(q);
    sqlite3_close(db);
}

int main(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/pg-test-placing-XXXXXX");
    if (mkdtemp(g_dir) == NULL) {
        perror("mkdtemp");
        return 99;
    }
    for (unsigned long long seed = 1; seed <= 8; seed++)
        test_random(seed);
    test_unplaced();
    test_matches();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", g_dir);
    CHECK_DONE();
}
