/*
** map_size.h: a store connection's PRAGMA mmap_size, read through the
** store's own statement API (a pragma is per connection: another one would
** not see it).  Header-only, for tests that include store/internal.h.
*/
#ifndef PG_TEST_MAP_SIZE_H
#define PG_TEST_MAP_SIZE_H

#include "store/internal.h"

/* s's PRAGMA mmap_size, or -1 when it cannot be read. */
static inline long long map_size(pg_store *s)
{
    static const char sql[] = "PRAGMA mmap_size";
    pg_error err;
    int row = 0;
    long long v = -1;
    pg_stmt *st = pg_store_stmt(s, sql, &err);
    if (st != NULL && pg_stmt_step(s, st, 0, &row, "map", &err) == PG_OK && row)
        v = pg_stmt_int(st, 0);
    if (st != NULL)
        pg_stmt_done(st);
    return v;
}

#endif
