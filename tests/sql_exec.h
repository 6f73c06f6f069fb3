/*
** sql_exec.h: runs SQL of a test's own on a database file, behind the
** library's back (to build an old schema, plant a trigger, break a row).
** Header-only: each test executable that links SQLite includes it once.
*/
#ifndef PG_TEST_SQL_EXEC_H
#define PG_TEST_SQL_EXEC_H

#include <stdio.h>

#include <sqlite3.h>

/* Runs sql on the database at path; SQLITE_OK, or the error (printed). */
static inline int sql_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        fprintf(stderr, "sql_exec(%s): %s\n", sql, sqlite3_errmsg(db));
    sqlite3_close(db);
    return rc;
}

#endif
