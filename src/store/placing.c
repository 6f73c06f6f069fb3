/*
** placing.c: the papers of the open write transaction, held in memory and
** written in one sorted run before it commits.
**
** An ingest places every new text (one clusters row), asks the paper of
** each candidate it verifies (a look-up), and renames a paper when a text
** joins two or a smaller id arrives (an UPDATE of every row of the paper).
** Written one at a time between the ingest's other writes, each row found
** its pages gone from the processor's caches; here the transaction's
** placements and renames are kept in two hash maps, the papers asked for
** are answered from them (a paper read from the table is resolved through
** the renames), and the rows are written at the end: the renames of papers
** the table held before, then every placed text in id order.
**
** The maps hold paper ids in the form pg_key_to_id writes (16 lower-case
** hex digits) as integers.  Anything else (an id a caller made up, a
** rename of a paper already renamed or to one) is written at once, after
** what the maps hold, so that the table's own semantics decide it.
**
** Whoever reads clusters inside a write transaction calls
** pgs_deferred_flush first (the readers of store_papers.c, store_digest.c
** and views.c); pg_store_paper_of_id and pg_store_text_info answer from the
** maps instead.  A rollback drops the maps.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "store/db.h"

#define NONE 0u                 /* an empty slot (indexes are stored + 1) */

typedef struct placed {
    long long text;
    uint64_t paper;             /* as placed, or as read; resolve() it */
    int dirty;                  /* placed in this transaction: to write */
} placed;

typedef struct renamed {
    uint64_t from, to;
} renamed;

typedef struct pgs_placing pgs_placing;

struct pgs_placing {
    placed *p;
    size_t n_p, cap_p;
    uint32_t *p_slot;           /* text id -> index + 1 into p */
    size_t n_p_slot;            /* a power of two, or 0 */
    renamed *r;
    size_t n_r, cap_r;
    uint32_t *r_slot;           /* from -> index + 1 into r */
    size_t n_r_slot;
    int n_dirty;
};

static const char rename_sql[] = "UPDATE clusters SET paper_id = ?2 WHERE paper_id = ?1";
/* An upsert, not OR REPLACE: a REPLACE into clusters (a table with an
 * index) counts as more than one write, so SQLite opens a statement
 * journal for it and copies into memory every page it touches, first. */
static const char place_sql[] =
    "INSERT INTO clusters (text_id, paper_id) VALUES (?1, ?2)"
    " ON CONFLICT (text_id) DO UPDATE SET paper_id = excluded.paper_id";
static const char paper_of_sql[] = "SELECT paper_id FROM clusters WHERE text_id = ?1";

/* ---- ids --------------------------------------------------------------- */

/* 1 when id is 16 lower-case hex digits (pg_key_to_id's form). */
static int id_parse(const char *id, uint64_t *v)
{
    uint64_t x = 0;
    for (int i = 0; i < PG_ID_HEX - 1; i++) {
        char c = id[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else
            return 0;
        x = x << 4 | d;
    }
    if (id[PG_ID_HEX - 1] != '\0')
        return 0;
    *v = x;
    return 1;
}

static void id_format(uint64_t v, char out[PG_ID_HEX])
{
    snprintf(out, PG_ID_HEX, "%016" PRIx64, v);
}

static size_t mix(uint64_t v)
{
    v ^= v >> 31;
    v *= 0x9E3779B97F4A7C15ULL;
    return (size_t)(v >> 17);
}

/* ---- the two maps ------------------------------------------------------ */

/* The slot of a key (open addressing), holding its entry's index + 1, or
 * the empty slot where it would go. */
static size_t find_text(const pgs_placing *m, long long text)
{
    size_t mask = m->n_p_slot - 1, i = mix((uint64_t)text) & mask;
    while (m->p_slot[i] != NONE && m->p[m->p_slot[i] - 1].text != text)
        i = (i + 1) & mask;
    return i;
}

static size_t find_from(const pgs_placing *m, uint64_t from)
{
    size_t mask = m->n_r_slot - 1, i = mix(from) & mask;
    while (m->r_slot[i] != NONE && m->r[m->r_slot[i] - 1].from != from)
        i = (i + 1) & mask;
    return i;
}

/* Makes the slots of a map room for one more of its n entries: at half
 * full, twice as many slots, the n entries placed again. */
static int room(uint32_t **slot, size_t *n_slot, size_t n, int texts, const pgs_placing *m)
{
    if (n + 1 < *n_slot / 2)
        return 0;
    size_t cap = *n_slot ? *n_slot * 2 : 1024;
    uint32_t *v = calloc(cap, sizeof *v);
    if (v == NULL)
        return -1;
    free(*slot);
    *slot = v;
    *n_slot = cap;
    for (size_t k = 0; k < n; k++) {
        size_t i = texts ? find_text(m, m->p[k].text) : find_from(m, m->r[k].from);
        v[i] = (uint32_t)(k + 1);
    }
    return 0;
}

static placed *get_text(const pgs_placing *m, long long text)
{
    if (m == NULL || m->n_p == 0)
        return NULL;
    uint32_t at = m->p_slot[find_text(m, text)];
    return at != NONE ? &m->p[at - 1] : NULL;
}

static const renamed *get_from(const pgs_placing *m, uint64_t from)
{
    if (m == NULL || m->n_r == 0)
        return NULL;
    uint32_t at = m->r_slot[find_from(m, from)];
    return at != NONE ? &m->r[at - 1] : NULL;
}

/* The paper that p is now: renames followed.  Each rename goes to a paper
 * not renamed when it was made, so the chain ends. */
static uint64_t resolve(const pgs_placing *m, uint64_t p)
{
    const renamed *r;
    for (size_t hops = 0; (r = get_from(m, p)) != NULL && hops <= m->n_r; hops++)
        p = r->to;
    return p;
}

static pg_err put_text(pg_store *s, long long text, uint64_t paper, int dirty)
{
    pgs_placing *m = s->placing;
    if (m == NULL && (m = s->placing = calloc(1, sizeof *m)) == NULL)
        return PG_ERR_NOMEM;
    placed *p = get_text(m, text);
    if (p != NULL) {
        m->n_dirty += dirty && !p->dirty;
        p->paper = paper;
        p->dirty |= dirty;
        return PG_OK;
    }
    if (m->n_p >= UINT32_MAX - 1 ||
        pg_grow((void **)&m->p, &m->cap_p, m->n_p + 1, sizeof *m->p) != PG_OK ||
        room(&m->p_slot, &m->n_p_slot, m->n_p, 1, m) != 0)
        return PG_ERR_NOMEM;
    m->p[m->n_p] = (placed){ text, paper, dirty };
    m->p_slot[find_text(m, text)] = (uint32_t)++m->n_p;
    m->n_dirty += dirty;
    return PG_OK;
}

static pg_err put_rename(pg_store *s, uint64_t from, uint64_t to)
{
    pgs_placing *m = s->placing;
    if (m == NULL && (m = s->placing = calloc(1, sizeof *m)) == NULL)
        return PG_ERR_NOMEM;
    if (m->n_r >= UINT32_MAX - 1 ||
        pg_grow((void **)&m->r, &m->cap_r, m->n_r + 1, sizeof *m->r) != PG_OK ||
        room(&m->r_slot, &m->n_r_slot, m->n_r, 0, m) != 0)
        return PG_ERR_NOMEM;
    m->r[m->n_r] = (renamed){ from, to };
    m->r_slot[find_from(m, from)] = (uint32_t)++m->n_r;
    return PG_OK;
}

/* ---- writing ----------------------------------------------------------- */

static pg_err write_two(pg_store *s, const char *sql, sqlite3_stmt *st_in,
                        long long text, const char *a, const char *b,
                        const char *what, pg_error *err)
{
    sqlite3_stmt *st = st_in != NULL ? st_in : pgs_kept(s, sql, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    if (a != NULL)
        pgs_bind_str(st, 1, a, &rc);
    else
        pgs_bind_int(st, 1, text, &rc);
    pgs_bind_str(st, 2, b, &rc);
    return pgs_exec_bound(s, st, rc, what, err);
}

static int by_text(const void *x, const void *y)
{
    const placed *p = x, *q = y;
    return (p->text > q->text) - (p->text < q->text);
}

static int by_from(const void *x, const void *y)
{
    const renamed *p = x, *q = y;
    return (p->from > q->from) - (p->from < q->from);
}

void pgs_placing_drop(pg_store *s)
{
    pgs_placing *m = s->placing;
    if (m == NULL)
        return;
    m->n_p = m->n_r = 0;
    m->n_dirty = 0;
    if (m->p_slot != NULL)
        memset(m->p_slot, 0, m->n_p_slot * sizeof *m->p_slot);
    if (m->r_slot != NULL)
        memset(m->r_slot, 0, m->n_r_slot * sizeof *m->r_slot);
}

pg_err pgs_placing_flush(pg_store *s, pg_error *err)
{
    pgs_placing *m = s->placing;
    pg_err e = PG_OK;
    char from[PG_ID_HEX], to[PG_ID_HEX];
    if (m == NULL || (m->n_r == 0 && m->n_dirty == 0)) {
        pgs_placing_drop(s);
        return PG_OK;
    }
    /* Final papers first, while the maps still resolve; then sorted.  A
     * final paper is never renamed, so no row is moved twice. */
    for (size_t i = 0; i < m->n_r; i++)
        m->r[i].to = resolve(m, m->r[i].to);
    for (size_t i = 0; i < m->n_p; i++)
        m->p[i].paper = resolve(m, m->p[i].paper);
    if (m->n_r > 1)
        qsort(m->r, m->n_r, sizeof *m->r, by_from);
    if (m->n_p > 1)
        qsort(m->p, m->n_p, sizeof *m->p, by_text);
    for (size_t i = 0; i < m->n_r && e == PG_OK; i++) {
        id_format(m->r[i].from, from);
        id_format(m->r[i].to, to);
        e = write_two(s, rename_sql, NULL, 0, from, to, "cannot merge papers", err);
    }
    sqlite3_stmt *st = e == PG_OK ? pgs_kept(s, place_sql, err) : NULL;
    if (e == PG_OK && st == NULL)
        e = PG_ERR_DB;
    for (size_t i = 0; i < m->n_p && e == PG_OK; i++) {
        if (!m->p[i].dirty)
            continue;
        id_format(m->p[i].paper, to);
        e = write_two(s, place_sql, st, m->p[i].text, NULL, to, "cannot record a paper", err);
    }
    pgs_placing_drop(s);
    return e;
}

void pgs_placing_free(pg_store *s)
{
    pgs_placing *m = s->placing;
    if (m == NULL)
        return;
    free(m->p);
    free(m->p_slot);
    free(m->r);
    free(m->r_slot);
    free(m);
    s->placing = NULL;
}

/* ---- the store's calls ------------------------------------------------- */

pg_err pg_store_set_paper_id(pg_store *s, long long text, const char *paper_id,
                             pg_error *err)
{
    uint64_t p;
    pg_err e = pgs_need_write(s, err);
    if (e != PG_OK)
        return e;
    if (text <= 0)
        return pgs_no_text(s, "cannot record a paper", err);
    /* A paper renamed in this transaction holds no row now; a text placed
     * in it is its first, which the maps cannot tell from the renamed ones. */
    if (paper_id != NULL && id_parse(paper_id, &p) && get_from(s->placing, p) == NULL) {
        if (put_text(s, text, p, 1) != PG_OK)
            return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        return PG_OK;
    }
    e = pgs_placing_flush(s, err);
    return e == PG_OK ? write_two(s, place_sql, NULL, text, NULL, paper_id,
                                  "cannot record a paper", err)
                      : e;
}

pg_err pg_store_rename_paper(pg_store *s, const char *from, const char *to,
                             pg_error *err)
{
    uint64_t f, t;
    pg_err e = pgs_need_write(s, err);
    if (e != PG_OK)
        return e;
    if (from != NULL && to != NULL && id_parse(from, &f) && id_parse(to, &t)) {
        if (f == t)
            return PG_OK;
        /* Both papers as they are now: the table's UPDATE, in memory. */
        if (get_from(s->placing, f) == NULL && get_from(s->placing, t) == NULL) {
            if (put_rename(s, f, t) != PG_OK)
                return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
            return PG_OK;
        }
    }
    e = pgs_placing_flush(s, err);
    return e == PG_OK ? write_two(s, rename_sql, NULL, 0, from, to,
                                  "cannot merge papers", err)
                      : e;
}

pg_err pg_store_paper_of_id(pg_store *s, long long text, char id[PG_ID_HEX],
                            pg_error *err)
{
    uint64_t p;
    id[0] = '\0';
    const placed *pl = pg_store_in_write(s) ? get_text(s->placing, text) : NULL;
    if (pl != NULL) {
        id_format(resolve(s->placing, pl->paper), id);
        return PG_OK;
    }
    sqlite3_stmt *st = pgs_kept(s, paper_of_sql, err);
    if (st == NULL)
        return PG_ERR_DB;
    int rc = SQLITE_OK;
    pg_err e = PG_OK;
    pgs_bind_int(st, 1, text, &rc);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    if (rc == SQLITE_ROW)
        snprintf(id, PG_ID_HEX, "%s", pgs_col_str(st, 0));
    else if (rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, "cannot read a paper", err);
    pgs_stmt_done(st);
    /* Kept, so that the next candidate of the same text is not read again. */
    if (e == PG_OK && id[0] != '\0' && pg_store_in_write(s) && id_parse(id, &p) &&
        put_text(s, text, p, 0) == PG_OK)
        id_format(resolve(s->placing, p), id);
    return e;
}

void pgs_placing_paper(pg_store *s, long long text, char id[PG_ID_HEX])
{
    uint64_t p;
    if (!pg_store_in_write(s) || s->placing == NULL)
        return;
    const placed *pl = get_text(s->placing, text);
    if (pl != NULL)
        id_format(resolve(s->placing, pl->paper), id);
    else if (id_parse(id, &p))
        id_format(resolve(s->placing, p), id);
}
