/*
** clusters.c: what the dedup stage decides, as the store keeps it: the
** paper of each text (clusters), the verified matches that joined texts,
** and the settings (the options and markers a stage saves).  The dedup stage
** decides; this file only remembers.
**
** Matches are not read while an ingest writes them, so those of a write
** transaction are held in memory and written in one run, sorted, before it
** commits: rows written one at a time between the ingest's other writes
** each found their pages gone from the processor's caches, and cost
** several times a row of a sorted run.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "store/db.h"

static const char add_match_ids_sql[] =
    "INSERT OR REPLACE INTO matches (a, b, rule, score)"
    " VALUES (min(?1, ?2), max(?1, ?2), ?3, ?4)";
static const char get_setting_sql[] = "SELECT value FROM settings WHERE key = ?1";
static const char set_setting_sql[] =
    "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)";

/* The kept statement of sql for a write, once the write is allowed here. */
static pg_err write_stmt(pg_store *s, const char *sql, sqlite3_stmt **st,
                         pg_error *err)
{
    pg_err e = pgs_need_write(s, err);
    if (e == PG_OK && (*st = pgs_kept(s, sql, err)) == NULL)
        e = PG_ERR_DB;
    return e;
}

/* A match held until the transaction commits.  seq keeps the order of
 * two records of one pair: the later one replaces the earlier. */
struct pgs_match {
    long long a, b;
    double score;
    size_t seq;
    char rule[48];
};

static pg_err write_match(pg_store *s, long long a, long long b, const char *rule,
                          double score, pg_error *err)
{
    sqlite3_stmt *st = NULL;
    pg_err e = write_stmt(s, add_match_ids_sql, &st, err);
    if (e != PG_OK)
        return e;
    int rc = SQLITE_OK;
    pgs_bind_int(st, 1, a, &rc);
    pgs_bind_int(st, 2, b, &rc);
    pgs_bind_str(st, 3, rule, &rc);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_double(st, 4, score);
    return pgs_exec_bound(s, st, rc, "cannot record a match", err);
}

pg_err pg_store_add_match_ids(pg_store *s, long long a, long long b, const char *rule,
                              double score, pg_error *err)
{
    pg_err e = pgs_need_write(s, err);
    if (e != PG_OK)
        return e;
    if (a <= 0 || b <= 0)
        return pgs_no_text(s, "cannot record a match", err);
    /* What the table would refuse is refused now, by the table. */
    if (a == b || rule == NULL || strlen(rule) >= sizeof s->matches->rule)
        return write_match(s, a, b, rule, score, err);
    if (pg_grow((void **)&s->matches, &s->cap_matches, s->n_matches + 1,
                sizeof *s->matches) != PG_OK)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    struct pgs_match *m = &s->matches[s->n_matches];
    m->a = a < b ? a : b;
    m->b = a < b ? b : a;
    m->score = score;
    m->seq = s->n_matches++;
    snprintf(m->rule, sizeof m->rule, "%s", rule);
    return PG_OK;
}

static int match_order(const void *x, const void *y)
{
    const struct pgs_match *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return p->seq < q->seq ? -1 : p->seq > q->seq;
}

pg_err pgs_matches_flush(pg_store *s, pg_error *err)
{
    pg_err e = PG_OK;
    size_t n = s->n_matches;
    if (n == 0)
        return PG_OK;
    qsort(s->matches, n, sizeof *s->matches, match_order);
    for (size_t i = 0; i < n && e == PG_OK; i++) {
        const struct pgs_match *m = &s->matches[i];
        if (i + 1 < n && m[1].a == m->a && m[1].b == m->b)
            continue;           /* replaced by the later record */
        e = write_match(s, m->a, m->b, m->rule, m->score, err);
    }
    s->n_matches = 0;
    return e;
}

void pgs_matches_drop(pg_store *s)
{
    s->n_matches = 0;
}

void pgs_matches_free(pg_store *s)
{
    free(s->matches);
    s->matches = NULL;
    s->n_matches = s->cap_matches = 0;
}

pg_err pg_store_clear_clusters(pg_store *s, pg_error *err)
{
    pg_err e = pgs_need_write(s, err);
    pgs_matches_drop(s);
    pgs_placing_drop(s);
    if (e == PG_OK)
        e = pgs_run_sql(s, "DELETE FROM matches", "cannot clear matches", err);
    if (e == PG_OK)
        e = pgs_run_sql(s, "DELETE FROM clusters", "cannot clear clusters", err);
    return e;
}

pg_err pg_store_get_setting(pg_store *s, const char *key, pg_buf *out,
                            int *found, pg_error *err)
{
    sqlite3_stmt *st = pgs_kept(s, get_setting_sql, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    pg_err e = PG_OK;
    *found = 0;
    pgs_bind_str(st, 1, key, &rc);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    if (rc == SQLITE_ROW) {
        *found = 1;
        if (pg_buf_puts(out, pgs_col_str(st, 0)) != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    } else if (rc != SQLITE_DONE) {
        e = pgs_db_fail(s, rc, "cannot read a setting", err);
    }
    pgs_stmt_done(st);
    return e;
}

pg_err pg_store_set_setting(pg_store *s, const char *key, const char *value,
                            pg_error *err)
{
    sqlite3_stmt *st = NULL;
    pg_err e = write_stmt(s, set_setting_sql, &st, err);
    if (e != PG_OK)
        return e;
    int rc = SQLITE_OK;
    pgs_bind_str(st, 1, key, &rc);
    pgs_bind_str(st, 2, value, &rc);
    return pgs_exec_bound(s, st, rc, "cannot store a setting", err);
}
