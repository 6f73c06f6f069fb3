/*
** ingest_recorded.c: the entries a path already recorded, so that a page
** read again under the same path adds only what it gained.
**
** "Already recorded" means: an occurrence, written by an earlier file
** ingested under exactly the same path (as given), of the same text (the
** raw content key: title and abstract as read, plus the identity of a
** record without abstract) on the same listing day.  Multiplicity counts: a
** page that lists a text twice on a day keeps two occurrences, and a later
** reading that lists it three times adds the third.  Per-occurrence
** metadata (line, upvotes, author count, dates) is not part of it: the
** page's own counters change between two downloads of one day, and
** counting a paper again because its upvotes went up is the double count
** this exists to prevent.  The first reading's metadata is kept; nothing
** recorded is removed or changed.
**
** The pairs are loaded once per file, and only when the path was ingested
** before (one index probe otherwise), into a sorted array with a count
** per pair; each record of the new reading takes one off when it matches.
*/
#include <stdlib.h>
#include <string.h>

#include "ingest/internal.h"

struct pgi_recorded_item {
    pg_key key;
    char day[11];           /* YYYY-MM-DD or "" */
    unsigned long count;    /* occurrences not yet matched */
};

typedef struct pgi_recorded_item item;

static int item_order(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->key.hi != y->key.hi)
        return x->key.hi < y->key.hi ? -1 : 1;
    if (x->key.lo != y->key.lo)
        return x->key.lo < y->key.lo ? -1 : 1;
    return strcmp(x->day, y->day);
}

static int add_pair(void *ctx, const char *day, pg_key text)
{
    pgi_recorded *r = ctx;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        item *v = realloc(r->v, cap * sizeof *v);
        if (v == NULL) {
            r->nomem = 1;
            return 1;           /* stops the walk */
        }
        r->v = v;
        r->cap = cap;
    }
    item *it = &r->v[r->n++];
    it->key = text;
    snprintf(it->day, sizeof it->day, "%s", day);
    it->count = 1;
    return 0;
}

pg_err pgi_recorded_load(pgi_recorded *r, pg_store *s, const char *path, long long file_id,
                         pg_error *err)
{
    r->n = 0;
    r->nomem = 0;
    pg_err rc = pg_store_foreach_recorded(s, path, file_id, add_pair, r, err);
    if (rc == PG_OK && r->nomem)
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (rc != PG_OK || r->n == 0)
        return rc;
    qsort(r->v, r->n, sizeof *r->v, item_order);
    size_t u = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (u > 0 && item_order(&r->v[u - 1], &r->v[i]) == 0)
            r->v[u - 1].count++;
        else
            r->v[u++] = r->v[i];
    }
    r->n = u;
    return PG_OK;
}

int pgi_recorded_take(pgi_recorded *r, const char *day, pg_key text)
{
    item want;
    want.key = text;
    snprintf(want.day, sizeof want.day, "%s", day);
    item *it = bsearch(&want, r->v, r->n, sizeof *r->v, item_order);
    if (it == NULL || it->count == 0)
        return 0;
    it->count--;
    return 1;
}

void pgi_recorded_release(pgi_recorded *r)
{
    free(r->v);
    r->v = NULL;
    r->n = r->cap = 0;
}
