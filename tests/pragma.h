/*
** pragma.h: a store connection's value of a pragma (mmap_size,
** cache_size), read through the store's own statement API (these pragmas
** are per connection: another one would not see them).  Header-only, for
** tests that include store/internal.h.
*/
#ifndef PG_TEST_PRAGMA_H
#define PG_TEST_PRAGMA_H

#include "store/internal.h"

/* The value the statement sql (a string literal "PRAGMA name": the store
 * keeps statements by their address) gives on s, or -1 when it cannot be
 * read. */
static inline long long pragma_value(pg_store *s, const char *sql)
{
    pg_error err;
    int row = 0;
    long long v = -1;
    pg_stmt *st = pg_store_stmt(s, sql, &err);
    if (st != NULL && pg_stmt_step(s, st, 0, &row, "pragma", &err) == PG_OK && row)
        v = pg_stmt_int(st, 0);
    if (st != NULL)
        pg_stmt_done(st);
    return v;
}

#endif
