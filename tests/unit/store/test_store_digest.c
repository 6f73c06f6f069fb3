/* test_store_digest.c: the store's queries for the daily digest
 * (store_digest.c): the range of days, the texts of a day's papers with
 * their last day before it, and the reader's per-text and per-paper rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "papergraph/store.h"
#include "store/internal.h"
#include "check.h"

typedef struct ent {
    const char *title, *norm, *day;
    int upvotes;
} ent;

/* Stores the entries as one file (a text once, an occurrence each). */
static void put_file(pg_store *s, const char *path, const ent *e, int n)
{
    pg_error err;
    long long fid = 0;
    pg_file_counts c = { 0, 0, 0, 10, "" };
    pg_err rc = pg_store_file_begin(s, path, "listing", &fid, &err);
    for (int i = 0; i < n && rc == PG_OK; i++) {
        pg_record r;
        memset(&r, 0, sizeof r);
        r.title = e[i].title;
        r.title_len = strlen(e[i].title);
        r.abstract = "";
        r.authors = -1;
        r.upvotes = e[i].upvotes;
        r.date_raw = r.venue = r.ext_id = r.urls = r.day_label = "";
        r.day = e[i].day;
        r.line = i + 1;
        pg_text t = { pg_key_of(e[i].title, strlen(e[i].title)),
                      pg_key_of(e[i].norm, strlen(e[i].norm)), e[i].title,
                      strlen(e[i].title), "", 0, 0, "", 0, NULL, 0, 0 };
        int found = 0;
        rc = pg_store_has_text(s, t.key, &found, &err);
        if (rc == PG_OK && !found)
            rc = pg_store_add_text(s, &t, &err);
        if (rc == PG_OK)
            rc = pg_store_add_occurrence(s, fid, t.key, &r, &err);
        c.entries++;
    }
    int dup = 0;
    if (rc == PG_OK)
        rc = pg_store_file_commit(s, fid, pg_key_of(path, strlen(path)), &c, &dup, NULL, &err);
    else
        pg_store_file_rollback(s);
    CHECK_INT(rc, PG_OK);
}

typedef struct row {
    char paper[PG_ID_HEX];
    long long id;
    char last_before[11];
    long long on_day;
    int upvotes;
} row;

typedef struct rows {
    row v[16];
    int n;
} rows;

static int take(void *ctx, const pg_day_text *t)
{
    rows *r = ctx;
    if (r->n == 16)
        return 1;
    row *w = &r->v[r->n++];
    snprintf(w->paper, sizeof w->paper, "%s", t->paper_id);
    w->id = t->text_id;
    snprintf(w->last_before, sizeof w->last_before, "%s", t->last_before);
    w->on_day = t->on_day;
    w->upvotes = t->upvotes;
    return 0;
}

static const row *find(const rows *r, const char *norm, int nth)
{
    char paper[PG_ID_HEX];
    pg_key_to_id(pg_key_of(norm, strlen(norm)), paper);
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->v[i].paper, paper) == 0 && nth-- == 0)
            return &r->v[i];
    return NULL;
}

int main(void)
{
    char dir[] = "/tmp/pg-test-digest-XXXXXX", path[64];
    if (mkdtemp(dir) == NULL)
        return 99;
    snprintf(path, sizeof path, "%s/d.db", dir);
    pg_store *s = NULL;
    pg_error err;
    CHECK_INT(pg_store_open(path, &s, &err), PG_OK);
    if (s == NULL)
        return 1;
    char first[11], last[11];
    CHECK_INT(pg_store_day_range(s, first, last, &err), PG_OK);
    CHECK_STR(first, "");
    CHECK_STR(last, "");

    /* Paper a: A on Jan 1 and 3, its cosmetic variant A2 first on Jan 3;
     * paper b on Jan 1 and 5; paper c on Jan 3 and 5; d on Jan 5. */
    static const ent f1[] = { { "A", "a", "2025-01-01", 4 }, { "B", "b", "2025-01-01", -1 } };
    static const ent f2[] = { { "A", "a", "2025-01-03", 7 }, { "C", "c", "2025-01-03", -1 },
                              { "A2", "a", "2025-01-03", 9 }, { "A", "a", "2025-01-03", 2 } };
    static const ent f3[] = { { "B", "b", "2025-01-05", 1 }, { "C", "c", "2025-01-05", 3 },
                              { "D", "d", "2025-01-05", -1 } };
    put_file(s, "f1.txt", f1, 2);
    put_file(s, "f2.txt", f2, 4);
    put_file(s, "f3.txt", f3, 3);
    CHECK_INT(pg_store_day_range(s, first, last, &err), PG_OK);
    CHECK_STR(first, "2025-01-01");
    CHECK_STR(last, "2025-01-05");

    rows r = { .n = 0 };
    CHECK_INT(pg_store_foreach_day_text(s, "2025-01-03", take, &r, &err), PG_OK);
    CHECK_INT(r.n, 3); /* A, A2 (paper a) and C: not B, not D */
    const row *a = find(&r, "a", 0), *a2 = find(&r, "a", 1), *c = find(&r, "c", 0);
    CHECK(a != NULL && a2 != NULL && c != NULL && find(&r, "b", 0) == NULL);
    if (a != NULL && a2 != NULL && c != NULL) {
        if (a->id > a2->id) {
            const row *t = a;
            a = a2;
            a2 = t;
        }
        CHECK_STR(a->last_before, "2025-01-01");
        CHECK_INT(a->on_day, 2);
        CHECK_INT(a->upvotes, 7);
        CHECK_STR(a2->last_before, "");
        CHECK_INT(a2->on_day, 1);
        CHECK_INT(a2->upvotes, 9);
        CHECK_STR(c->last_before, "");
        CHECK_INT(c->upvotes, -1);
    }
    /* On Jan 5, paper c's text was seen on Jan 3; b's on Jan 1. */
    r.n = 0;
    CHECK_INT(pg_store_foreach_day_text(s, "2025-01-05", take, &r, &err), PG_OK);
    CHECK_INT(r.n, 3);
    c = find(&r, "c", 0);
    const row *b = find(&r, "b", 0), *d = find(&r, "d", 0);
    CHECK(b != NULL && c != NULL && d != NULL);
    if (b != NULL && c != NULL && d != NULL) {
        CHECK_STR(b->last_before, "2025-01-01");
        CHECK_STR(c->last_before, "2025-01-03");
        CHECK_STR(d->last_before, "");
        CHECK_INT(c->on_day, 1);
    }
    r.n = 0;
    CHECK_INT(pg_store_foreach_day_text(s, "2025-01-02", take, &r, &err), PG_OK);
    CHECK_INT(r.n, 0);

    pg_day_reader *rd = NULL;
    CHECK_INT(pg_day_reader_open(s, &rd, &err), PG_OK);
    if (rd != NULL && a2 != NULL) {
        pg_key key, norm;
        pg_buf title = PG_BUF_INIT;
        r.n = 0;
        CHECK_INT(pg_store_foreach_day_text(s, "2025-01-03", take, &r, &err), PG_OK);
        a2 = find(&r, "a", 1);
        const row *a1 = find(&r, "a", 0);
        if (a1 != NULL && a2 != NULL && a1->id > a2->id)
            a2 = a1;
        CHECK_INT(pg_day_text_brief(rd, a2->id, &key, &norm, &title, &err), PG_OK);
        CHECK_STR(title.data, "A2");
        CHECK(pg_key_cmp(key, pg_key_of("A2", 2)) == 0);
        CHECK(pg_key_cmp(norm, pg_key_of("a", 1)) == 0);
        CHECK_INT(pg_day_text_brief(rd, 999999, &key, &norm, &title, &err), PG_ERR_NOT_FOUND);
        int seen = -1;
        CHECK_INT(pg_day_norm_seen(rd, pg_key_of("a", 1), "2025-01-03", &seen, &err), PG_OK);
        CHECK_INT(seen, 1);
        CHECK_INT(pg_day_norm_seen(rd, pg_key_of("a", 1), "2025-01-01", &seen, &err), PG_OK);
        CHECK_INT(seen, 0);
        CHECK_INT(pg_day_norm_seen(rd, pg_key_of("d", 1), "2025-01-05", &seen, &err), PG_OK);
        CHECK_INT(seen, 0);
        char day[11], paper[PG_ID_HEX];
        pg_key_to_id(pg_key_of("c", 1), paper);
        CHECK_INT(pg_day_paper_first_day(rd, paper, day, &err), PG_OK);
        CHECK_STR(day, "2025-01-03");
        pg_buf_reset(&title);
        CHECK_INT(pg_day_paper_urls(rd, paper, &title, &err), PG_OK);
        CHECK_INT((long long)title.len, 0);
        pg_buf_release(&title);
    }
    pg_day_reader_close(rd);
    pg_store_close(s);
    unlink(path);
    char side[80];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    rmdir(dir);
    CHECK_DONE();
}
