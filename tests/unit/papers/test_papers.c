/*
** test_papers.c: the walk over every paper (pg_papers_foreach in each
** order, which reads only each paper's canonical text) gives the very
** records, in the very order, the
** paper-by-paper road gives (three statements per paper, every text read
** and the canonical one chosen in C), on stores with near-duplicate
** variants and with rows planted to reach the corners of the aggregates:
** an empty day, unknown counts, a text with no occurrence, a text of no
** paper, a paper whose texts have no abstract.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "papergraph/papergraph.h"
#include "check.h"
#include "sql_exec.h"

static char dir[] = "/tmp/pg_papers_XXXXXX";
static char fixtures[512];

/* One record as text, every field: two walks agree when their dumps do. */
static int dump_paper(void *ctx, const pg_paper *p)
{
    pg_buf *b = ctx;
    char key[PG_KEY_HEX];
    pg_key_to_hex(p->canonical, key);
    char line[512];
    snprintf(line, sizeof line, "%s key=%s trunc=%d authors=%d up=%d pub=%s days=%s..%s "
             "n=%d occ=%lld var=%d\n", p->id, key, p->truncated, p->authors, p->upvotes,
             p->pub_date, p->first_day, p->last_day, p->days, p->occurrences, p->variants);
    if (pg_buf_puts(b, line) != PG_OK || pg_buf_puts(b, p->title) != PG_OK
        || pg_buf_puts(b, "\n") != PG_OK || pg_buf_puts(b, p->abstract) != PG_OK
        || pg_buf_puts(b, "\n") != PG_OK || pg_buf_puts(b, p->urls) != PG_OK
        || pg_buf_puts(b, "--\n") != PG_OK)
        return 1;
    return 0;
}

/* Room for one more element in *v (*cap of them, size bytes each) when it
 * holds n; 0 when out of memory. */
static int room(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 1;
    size_t c = *cap ? 2 * *cap : 64;
    void *grown = realloc(*v, c * size);
    if (grown == NULL)
        return 0;
    *v = grown;
    *cap = c;
    return 1;
}

typedef struct ids {
    char (*v)[PG_ID_HEX];
    size_t n, cap;
    size_t merged;              /* papers of two texts or more */
} ids;

static int collect_id(void *ctx, const pg_paper_row *p)
{
    ids *x = ctx;
    if (!room((void **)&x->v, &x->cap, x->n, sizeof *x->v))
        return 1;
    snprintf(x->v[x->n++], PG_ID_HEX, "%s", p->paper_id);
    x->merged += p->variants > 1;
    return 0;
}

/* One paper's dump with what BY_FIRST_DAY orders it by. */
typedef struct rec {
    char *first_day, *title, *id, *dump;
} rec;

typedef struct recs {
    rec *v;
    size_t n, cap;
} recs;

static int collect_rec(void *ctx, const pg_paper *p)
{
    recs *x = ctx;
    pg_buf b = PG_BUF_INIT;
    if (!room((void **)&x->v, &x->cap, x->n, sizeof *x->v))
        return 1;
    if (dump_paper(&b, p) != 0)
        return 1;
    rec r = { strdup(p->first_day), strdup(p->title), strdup(p->id), b.data };
    x->v[x->n++] = r;
    return 0;
}

/* First day (none last), then title, then id: pg_papers_foreach's
 * PG_PAPERS_BY_FIRST_DAY. */
static int by_day_title(const void *a, const void *b)
{
    const rec *x = a, *y = b;
    if ((x->first_day[0] == '\0') != (y->first_day[0] == '\0'))
        return x->first_day[0] == '\0' ? 1 : -1;
    int c = strcmp(x->first_day, y->first_day);
    if (c == 0)
        c = strcmp(x->title, y->title);
    return c != 0 ? c : strcmp(x->id, y->id);
}

/* The walk in order against the paper-by-paper road: the ids in the order
 * the store's SQL gives (paper_sql), each paper's record on its own. */
static void compare_order(pg_store *s, int min_days, pg_paper_order order)
{
    pg_error err;
    pg_buf fast = PG_BUF_INIT, slow = PG_BUF_INIT;
    ids x = { NULL, 0, 0, 0 };
    recs r = { NULL, 0, 0 };
    CHECK_INT(pg_papers_foreach(s, min_days, order, NULL, dump_paper, &fast, &err), PG_OK);
    CHECK_INT(pg_store_foreach_paper(s, min_days, order, NULL, collect_id, &x, &err), PG_OK);
    for (size_t i = 0; i < x.n; i++)
        CHECK_INT(pg_papers_foreach(s, min_days, PG_PAPERS_BY_ID, x.v[i], collect_rec, &r,
                                    &err), PG_OK);
    CHECK_INT(r.n, x.n);
    if (order == PG_PAPERS_BY_FIRST_DAY && r.n > 1)
        qsort(r.v, r.n, sizeof *r.v, by_day_title);
    for (size_t i = 0; i < r.n; i++) {
        CHECK_INT(pg_buf_puts(&slow, r.v[i].dump), PG_OK);
        free(r.v[i].first_day);
        free(r.v[i].title);
        free(r.v[i].id);
        free(r.v[i].dump);
    }
    CHECK(fast.len > 0 || min_days > 1);
    CHECK_STR(fast.data ? fast.data : "", slow.data ? slow.data : "");
    free(r.v);
    free(x.v);
    pg_buf_release(&fast);
    pg_buf_release(&slow);
}

/* The dumps of both roads for papers seen on at least min_days days, in
 * each order. */
static void compare_walks(pg_store *s, int min_days, size_t *n_papers, size_t *merged)
{
    pg_error err;
    pg_buf fast = PG_BUF_INIT, slow = PG_BUF_INIT;
    ids x = { NULL, 0, 0, 0 };
    CHECK_INT(pg_papers_foreach(s, min_days, PG_PAPERS_BY_ID, NULL, dump_paper, &fast, &err),
              PG_OK);
    CHECK_INT(pg_store_foreach_paper(s, min_days, PG_PAPERS_BY_ID, NULL, collect_id, &x, &err),
              PG_OK);
    for (size_t i = 0; i < x.n; i++)
        CHECK_INT(pg_papers_foreach(s, min_days, PG_PAPERS_BY_ID, x.v[i], dump_paper, &slow,
                                    &err), PG_OK);
    CHECK(fast.len > 0 || min_days > 1);
    CHECK_STR(fast.data ? fast.data : "", slow.data ? slow.data : "");
    *n_papers = x.n;
    *merged = x.merged;
    free(x.v);
    pg_buf_release(&fast);
    pg_buf_release(&slow);
    compare_order(s, min_days, PG_PAPERS_BY_REPEATS);
    compare_order(s, min_days, PG_PAPERS_BY_FIRST_DAY);
}

static void test_same_records(void)
{
    char path[600], in[700];
    pg_store *s = NULL;
    pg_error err;
    pg_ingest_result r;
    const pg_ingest_opts o = { .format = PG_INPUT_LISTING, .year = 2025 };
    static const char *const files[] = {
        "dedup/day1.txt", "dedup/day2.txt", "dedup/sibling.txt", "listings/2025-09-03.txt",
        "listings/2025-09-04.txt", "listings/2025-09-05.txt", "listings/2025-09-08.txt",
    };
    snprintf(path, sizeof path, "%s/p.db", dir);
    CHECK_INT(pg_store_open(path, &s, &err), PG_OK);
    for (size_t i = 0; s != NULL && i < sizeof files / sizeof *files; i++) {
        snprintf(in, sizeof in, "%s/%s", fixtures, files[i]);
        CHECK_INT(pg_ingest_path(s, in, &o, &r, &err), PG_OK);
    }
    if (s == NULL)
        return;
    size_t n = 0, n2 = 0, merged = 0;
    compare_walks(s, 0, &n, &merged);
    CHECK(n >= 20);
    CHECK(merged >= 2);
    compare_walks(s, 2, &n2, &merged);
    CHECK(n2 > 0 && n2 < n);
    pg_store_close(s);

    /* The corners, planted behind the library's back. */
    CHECK_INT(sql_exec(path,
        /* a day left empty and counts unknown on some occurrences */
        "UPDATE occurrences SET day = '', authors = NULL, upvotes = NULL, pub_date = NULL"
        "  WHERE (file_id, line) IN (SELECT file_id, line FROM occurrences"
        "    ORDER BY text_id LIMIT 7);"
        "UPDATE occurrences SET pub_date = '' WHERE text_id % 11 = 3;"
        /* a text of a paper that was never seen, and one of no paper */
        "INSERT INTO texts (key, norm_key, title, abstract, truncated)"
        "  VALUES (randomblob(16), randomblob(16), 'Never seen', 'nothing', 0);"
        "INSERT INTO clusters (text_id, paper_id)"
        "  SELECT max(id), (SELECT min(paper_id) FROM clusters) FROM texts;"
        "INSERT INTO texts (key, norm_key, title, abstract, truncated)"
        "  VALUES (randomblob(16), randomblob(16), 'Alone', 'alone', 0);"
        /* a paper whose texts lost their abstracts, one truncated */
        "UPDATE texts SET abstract = '', truncated = (id % 2) WHERE id IN (SELECT text_id"
        "  FROM clusters WHERE paper_id = (SELECT max(paper_id) FROM clusters));"),
        SQLITE_OK);
    CHECK_INT(pg_store_open(path, &s, &err), PG_OK);
    if (s == NULL)
        return;
    compare_walks(s, 0, &n2, &merged);
    CHECK_INT(n2, n);
    compare_walks(s, 2, &n2, &merged);
    pg_store_close(s);
}

int main(void)
{
    int setup = check_setup(fixtures, sizeof fixtures, dir);
    if (setup != 0)
        return setup;
    test_same_records();
    check_cleanup(dir);
    CHECK_DONE();
}
