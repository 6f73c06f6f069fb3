/*
** texts.c: the distinct entry texts (stored once, keyed by their content
** key), each placed in its own paper as it is stored unless the dedup
** stage places it, and the canonical URLs found in them; and a map of the
** texts known stored, which spares an ingest most of its lookups.
*/
#include <stdlib.h>
#include <string.h>

#include "store/db.h"

struct pg_known {
    pg_key key;
    long long id;
};

/* The texts known to be stored.
 * Texts are never deleted, so a key once seen stored stays stored, with the
 * same id, except one stored by a transaction that then rolled back: the
 * map is emptied when the store's generation moves (every rollback moves
 * it).  It spares pg_store_has_text and pg_store_add_occurrence an index
 * lookup each for every repeat, most of the entries of a bulk ingest.
 * Other connections only ever add texts, and a key not in the map is
 * looked up, so the map is never wrong, only incomplete.  Beyond KNOWN_MAX
 * slots (24 MiB) it starts over rather than grow.
 *
 * The map is complete when it was started on an empty texts table and has
 * missed no text since: then a key it lacks is not stored, and a new text
 * (most texts of a first bulk ingest) costs no look-up.  It stays complete
 * only while nobody else writes: each write transaction begins by asking
 * SQLite's data_version, which moves when another connection has committed
 * (pgs_known_begin), and a rollback or a start-over empties the map. */
#define KNOWN_MIN ((size_t)1 << 12)
#define KNOWN_MAX ((size_t)1 << 20)

static int key_zero(pg_key k)
{
    return (k.lo | k.hi) == 0;
}

static size_t known_slot(const pg_store *s, pg_key k)
{
    size_t i = (size_t)(k.lo * 0x9E3779B97F4A7C15ULL >> 20) & (s->known_cap - 1);
    while (!key_zero(s->known[i].key) && pg_key_cmp(s->known[i].key, k) != 0)
        i = (i + 1) & (s->known_cap - 1);
    return i;
}

/* k's text id when known, else 0. */
static long long known_id(pg_store *s, pg_key k)
{
    if (s->known_gen != s->generation) {
        s->known_gen = s->generation;
        s->known_n = 0;
        s->known_complete = 0;
        if (s->known != NULL)
            memset(s->known, 0, s->known_cap * sizeof *s->known);
    }
    if (s->known_n == 0 || key_zero(k))
        return 0;
    return s->known[known_slot(s, k)].id;
}

/* Grows the map for one more text, or empties it. */
static void known_room(pg_store *s)
{
    if (s->known_n + 1 <= s->known_cap / 4 * 3)
        return;
    size_t cap = s->known_cap ? s->known_cap * 2 : KNOWN_MIN;
    struct pg_known *v = cap <= KNOWN_MAX ? calloc(cap, sizeof *v) : NULL;
    if (v == NULL) {            /* full, or no memory: start over */
        if (s->known != NULL)
            memset(s->known, 0, s->known_cap * sizeof *s->known);
        s->known_n = 0;
        s->known_complete = 0;
        return;
    }
    struct pg_known *old = s->known;
    size_t old_cap = s->known_cap;
    s->known = v;
    s->known_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (!key_zero(old[i].key))
            s->known[known_slot(s, old[i].key)] = old[i];
    free(old);
}

/* Remembers that k is stored as text id (known_id first validates the map). */
static void known_put(pg_store *s, pg_key k, long long id)
{
    if (key_zero(k) || known_id(s, k) != 0)
        return;         /* the empty slot's value is never remembered */
    known_room(s);
    if (s->known == NULL) {
        s->known_complete = 0;
        return;
    }
    size_t i = known_slot(s, k);
    s->known[i].key = k;
    s->known[i].id = id;
    s->known_n++;
}

/* The id of the stored text k (known or looked up), or 0 when there is none. */
static pg_err text_id_of(pg_store *s, pg_key k, long long *id, pg_error *err)
{
    sqlite3_stmt *st = s->st[ST_HAS_TEXT];
    unsigned char kb[16];
    pg_err e = PG_OK;
    if ((*id = known_id(s, k)) != 0)
        return PG_OK;
    if (s->known_complete && pg_store_in_write(s))
        return PG_OK;           /* not stored: the map would hold it */
    int rc = pgs_step_key(st, k, kb);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        known_put(s, k, *id);
    } else if (rc != SQLITE_DONE) {
        e = pgs_db_fail(s, rc, "cannot look up a text", err);
    }
    pgs_stmt_done(st);
    return e;
}

pg_err pg_store_has_text(pg_store *s, pg_key key, int *found, pg_error *err)
{
    long long id = 0;
    pg_err e = text_id_of(s, key, &id, err);
    *found = id != 0;
    return e;
}

/* The text just added is the one most often asked for (its band keys are
 * written next). */
pg_err pg_store_text_id(pg_store *s, pg_key text, long long *id, pg_error *err)
{
    if (s->last_text_id > 0 && s->last_text_gen == s->generation &&
        pg_key_cmp(s->last_text_key, text) == 0) {
        *id = s->last_text_id;
        return PG_OK;
    }
    return text_id_of(s, text, id, err);
}

pg_err pg_store_add_text(pg_store *s, const pg_text *t, pg_error *err)
{
    sqlite3_stmt *st = s->st[ST_ADD_TEXT];
    unsigned char kb[16], nb[16];
    int rc = SQLITE_OK;
    pg_err e = pgs_need_file(s, err);
    if (e != PG_OK)
        return e;
    pgs_bind_key(st, 1, t->key, kb, &rc);
    pgs_bind_key(st, 2, t->norm_key, nb, &rc);
    pgs_bind_text(st, 3, t->title, t->title_len, &rc);
    pgs_bind_abstract(s, st, 4, t, &rc);
    pgs_bind_int(st, 5, t->truncated != 0, &rc);
    pgs_bind_opt_str(st, 6, t->author_names, &rc);
    e = pgs_write_row(s, st, rc, "cannot store a text", err);
    if (e != PG_OK)
        return e;
    long long id = sqlite3_last_insert_rowid(s->db);
    known_put(s, t->key, id);
    s->last_text_key = t->key;
    s->last_text_id = id;
    s->last_text_gen = s->generation;
    if (t->unplaced)
        return PG_OK;
    char paper[PG_ID_HEX];
    pg_key_to_id(t->norm_key, paper);
    rc = SQLITE_OK;
    pgs_bind_int(s->st[ST_ADD_CLUSTER], 1, id, &rc);
    pgs_bind_text(s->st[ST_ADD_CLUSTER], 2, paper, PG_ID_HEX - 1, &rc);
    return pgs_write_row(s, s->st[ST_ADD_CLUSTER], rc, "cannot place a text", err);
}

pg_err pg_store_add_url(pg_store *s, pg_key text, const char *url, pg_error *err)
{
    sqlite3_stmt *st = s->st[ST_ADD_URL];
    unsigned char kb[16];
    int rc = SQLITE_OK;
    pg_err e = pgs_need_file(s, err);
    if (e != PG_OK)
        return e;
    if (url == NULL)
        return pgs_usage(s, "no URL given", err);
    long long id = 0;
    if ((e = pg_store_text_id(s, text, &id, err)) != PG_OK)
        return e;
    if (id == 0)
        return pgs_no_text(s, "cannot store a URL", err);
    pgs_bind_key(st, 1, text, kb, &rc);
    pgs_bind_str(st, 2, url, &rc);
    return pgs_write_row(s, st, rc, "cannot store a URL", err);
}

pg_err pg_store_foreach_text(pg_store *s, pg_key_fn fn, void *ctx, pg_error *err)
{
    sqlite3_stmt *st = NULL;
    pg_err e = PG_OK;
    int rc = sqlite3_prepare_v2(s->db, "SELECT key FROM texts ORDER BY key", -1,
                                &st, NULL);
    if (rc == SQLITE_OK)
        rc = pgs_step_retry(st);
    for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
        pg_key k;
        if (pgs_col_key(st, 0, &k) && fn(ctx, k) != 0)
            goto out;
    }
    if (rc != SQLITE_DONE)
        e = pgs_db_fail(s, rc, "cannot read texts", err);
out:
    sqlite3_finalize(st);
    return e;
}

/* One integer of a statement that returns one row, or -1. */
static long long one_int(pg_store *s, const char *sql)
{
    long long v = -1;
    sqlite3_stmt *st = pgs_kept(s, sql, NULL);
    if (st != NULL && pgs_step_retry(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    if (st != NULL)
        pgs_stmt_done(st);
    return v;
}

void pgs_known_begin(pg_store *s)
{
    long long dv = one_int(s, "PRAGMA data_version");
    (void)known_id(s, (pg_key){ 0, 0 });        /* drops a stale map */
    if (dv < 0 || dv != s->known_dv) {
        s->others++;
        s->known_complete = 0;
    }
    if (!s->known_complete && dv >= 0 &&
        one_int(s, "SELECT EXISTS (SELECT 1 FROM texts)") == 0) {
        s->known_n = 0;
        if (s->known != NULL)
            memset(s->known, 0, s->known_cap * sizeof *s->known);
        s->known_complete = 1;
    }
    s->known_dv = dv;
}

unsigned long long pg_store_others(const pg_store *s)
{
    return s->others;
}

void pgs_known_free(pg_store *s)
{
    free(s->known);
    s->known = NULL;
    s->known_cap = s->known_n = 0;
}
