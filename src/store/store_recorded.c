/*
** store_recorded.c: what the store already holds for a path: the day and
** text of every occurrence recorded by the files ingested under that path,
** so that ingest can add only what a page re-read under the same name
** gained since (see pg_ingest_result.recorded).
**
** files.path is indexed (schema version 6), so a path never seen before
** costs one index probe; the occurrences are then reached through their
** primary key (file_id, line) and their text through its rowid.
*/
#include <sqlite3.h>

#include "papergraph/store.h"
#include "store/db.h"

static const char recorded_sql[] =
    "SELECT o.day, t.key FROM files AS f"
    " JOIN occurrences AS o ON o.file_id = f.id"
    " JOIN texts AS t ON t.id = o.text_id"
    " WHERE f.path = ?1 AND f.id <> ?2";

pg_err pg_store_foreach_recorded(pg_store *s, const char *path, long long except_file,
                                 pg_recorded_fn fn, void *ctx, pg_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, recorded_sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(st);
        return pgs_db_fail(s, rc, "cannot prepare a statement", err);
    }
    pg_err e = PG_OK;
    pgs_bind_str(st, 1, path, &rc);
    pgs_bind_int(st, 2, except_file, &rc);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    while (rc == SQLITE_ROW) {
        pg_key key;
        if (!pgs_col_key(st, 1, &key)) {
            e = pg_error_set(err, PG_ERR_DB, "%s: an occurrence of %s names no text key",
                             s->path, path);
            break;
        }
        if (fn(ctx, pgs_col_str(st, 0), key) != 0)
            break;
        rc = sqlite3_step(st);
    }
    if (e == PG_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, "cannot read the recorded occurrences", err);
    sqlite3_finalize(st);
    return e;
}
