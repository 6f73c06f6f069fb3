/*
** occurrences.c: what an ingest writes about where texts were read: the
** files (a row made at the file's start, its content key and counts at its
** commit), one occurrence row per entry read, with the metadata given
** with it there, and a file_days row per day a file has entries of.
*/
#include <stdint.h>
#include <string.h>

#include "base/internal.h"
#include "store/db.h"

/* Finds committed files only: inside a file transaction the open file's
 * row still has a NULL content key. */
pg_err pg_store_find_file(pg_store *s, pg_key content, pg_buf *path_out,
                          int *found, pg_error *err)
{
    sqlite3_stmt *st = s->st[ST_FIND_FILE];
    unsigned char kb[16];
    pg_err e = PG_OK;
    *found = 0;
    int rc = pgs_step_key(st, content, kb);
    if (rc == SQLITE_ROW) {
        *found = 1;
        if (path_out != NULL &&
            pg_buf_puts(path_out, (const char *)sqlite3_column_text(st, 0)) != PG_OK)
            e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    } else if (rc != SQLITE_DONE) {
        e = pgs_db_fail(s, rc, "cannot look up a file", err);
    }
    pgs_stmt_done(st);
    return e;
}

pg_err pgs_new_file(pg_store *s, const char *path, const char *format,
                    long long *id, pg_error *err)
{
    sqlite3_stmt *st = s->st[ST_NEW_FILE];
    int rc = SQLITE_OK;
    pgs_bind_str(st, 1, path, &rc);
    pgs_bind_str(st, 2, format, &rc);
    pg_err e = pgs_write_row(s, st, rc, "cannot record a file", err);
    *id = e == PG_OK ? sqlite3_last_insert_rowid(s->db) : 0;
    return e;
}

/* Gives the open file its key and counts. */
pg_err pgs_finish_file(pg_store *s, pg_key content, const pg_file_counts *c,
                       pg_error *err)
{
    sqlite3_stmt *st = s->st[ST_END_FILE];
    unsigned char kb[16];
    int rc = SQLITE_OK;
    if (c->size > (unsigned long long)INT64_MAX)
        return pgs_usage(s, "file size out of range", err);
    pgs_bind_int(st, 1, s->file_id, &rc);
    pgs_bind_key(st, 2, content, kb, &rc);
    pgs_bind_int(st, 3, (long long)c->size, &rc);
    pgs_bind_opt_str(st, 4, c->day, &rc);
    pgs_bind_int(st, 5, c->entries, &rc);
    pgs_bind_int(st, 6, c->new_texts, &rc);
    pgs_bind_int(st, 7, c->warnings, &rc);
    pg_err e = pgs_write_row(s, st, rc, "cannot record the file's counts", err);
    if (e == PG_OK && sqlite3_changes(s->db) != 1)
        e = pg_error_set(err, PG_ERR_INTERNAL, "%s: the open file's row is missing",
                         s->path);
    return e;
}

/* Records that the open file has entries of day (a file_days row), once
 * for each run of entries of one day: a listing page holds one day, and a
 * JSONL file's records mostly come a day at a time.  The row stands in for
 * an index of every occurrence by day, which an ingest paid for at each
 * entry. */
static pg_err note_day(pg_store *s, long long file_id, const char *day, pg_error *err)
{
    size_t n = strlen(day);
    if (s->day_file == file_id && s->day_gen == s->generation &&
        n < sizeof s->day_last && memcmp(s->day_last, day, n + 1) == 0)
        return PG_OK;
    sqlite3_stmt *st = s->st[ST_ADD_FILE_DAY];
    int rc = SQLITE_OK;
    pgs_bind_str(st, 1, day, &rc);
    pgs_bind_int(st, 2, file_id, &rc);
    pg_err e = pgs_write_row(s, st, rc, "cannot store an occurrence's day", err);
    s->day_file = 0;
    if (e == PG_OK && n < sizeof s->day_last) {
        memcpy(s->day_last, day, n + 1);
        s->day_file = file_id;
        s->day_gen = s->generation;
    }
    return e;
}

pg_err pg_store_add_occurrence(pg_store *s, long long file_id, pg_key text,
                               const pg_record *rec, pg_error *err)
{
    sqlite3_stmt *st = s->st[ST_ADD_OCC];
    char pub_date[32];
    int rc = SQLITE_OK;
    pg_err e = pgs_need_file(s, err);
    if (e != PG_OK)
        return e;
    if (file_id != s->file_id)
        return pgs_usage(s, "an occurrence must belong to the open file", err);
    long long id = 0;
    if ((e = pg_store_text_id(s, text, &id, err)) != PG_OK)
        return e;
    if (id == 0)
        return pgs_no_text(s, "cannot store an occurrence", err);
    pg_date_format(pub_date, rec->pub_year, rec->pub_month, rec->pub_day);
    pgs_bind_int(st, 1, file_id, &rc);
    pgs_bind_int(st, 2, rec->line, &rc);
    pgs_bind_str(st, 3, rec->day, &rc);
    pgs_bind_str(st, 4, rec->day_label, &rc);
    pgs_bind_int(st, 5, id, &rc);
    pgs_bind_count(st, 6, rec->authors, &rc);
    pgs_bind_count(st, 7, rec->upvotes, &rc);
    pgs_bind_opt_str(st, 8, pub_date, &rc);
    pgs_bind_opt_str(st, 9, rec->date_raw, &rc);
    pgs_bind_opt_str(st, 10, rec->venue, &rc);
    pgs_bind_opt_str(st, 11, rec->ext_id, &rc);
    e = pgs_write_row(s, st, rc, "cannot store an occurrence", err);
    return e == PG_OK ? note_day(s, file_id, rec->day, err) : e;
}

