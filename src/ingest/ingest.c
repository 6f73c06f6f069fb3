/*
** ingest.c: the one route of an ingest: one input (a source, see
** ingest_source.c) into the store, in one file transaction.
**
** The input's bytes are hashed first (XXH3-128) so that a file ingested
** before, under any path, is skipped without parsing: re-ingesting a day's
** files costs a hash, not a parse.
**
** Each record's raw text (title "\n" abstract) gets a content key; a text
** seen before is only referenced, a new one is normalised, keyed again in
** normalised form, scanned for URLs, stored, and placed in its paper by the
** near-duplicate stage (dedup.c).  Every record gets an occurrence row, so
** nothing read is ever lost, except an entry already recorded: a page read
** again under the same path (noon's page, then night's, grown) adds only
** the entries that no earlier file of that path recorded for the same day
** and the same text, counting each such occurrence once (ingest_recorded.c).
**
** The CPU-only part of that (ingest_prep.c) may have been done ahead by the
** producer thread (ingest_pipe.c); a new text it did not prepare is
** prepared here by the same functions, and every store call is made here,
** in the same order either way.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/internal.h"
#include "papergraph/dedup.h"
#include "papergraph/ingest.h"


/* The calling thread's scratch, reused across the records of one file. */
typedef struct scratch {
    pg_buf text;        /* a new text's data, when the producer had none */
    const char **url_v; /* the new text's URLs, sorted, each once */
    size_t n_urls, cap_urls;
    pg_dedup_shingles sh;   /* the new text's shingles, when prepared */
} scratch;

/* Stores the text of rec unless known; sets *is_new, and for a new text
 * fills *dt (pointing into w and base) for the near-duplicate stage.  pre
 * is the text's data as the producer prepared it (in base), or NULL. */
static pg_err store_text(pg_store *s, const pg_record *rec, scratch *w,
                         pg_key key, const pgi_text *pre, const char *base,
                         int *is_new, pg_dedup_text *dt, pg_error *err)
{
    pgi_text own;
    int found = 0;
    pg_err rc = pg_store_has_text(s, key, &found, err);
    *is_new = 0;
    if (rc != PG_OK || found)
        return rc;
    if (pre == NULL) {
        pg_buf_reset(&w->text);
        if (pgi_prepare_text(rec, &w->text, &own, NULL, 0) != PG_OK)
            return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        pre = &own;
        base = w->text.data;
    }
    const char *norm = base + pre->norm;
    pg_text t = {
        key, pre->norm_key,
        rec->title, rec->title_len, rec->abstract, rec->abstract_len,
        pre->truncated, rec->author_names,
        pre->packed, pre->packed_len ? base + pre->packed_at : NULL, pre->packed_len,
        1,  /* placed by pg_dedup_add_new, once its paper is known */
    };
    rc = pg_store_add_text(s, &t, err);
    const char *urls = base + pre->urls;
    for (size_t i = 0; i < pre->urls_len && rc == PG_OK; i += strlen(urls + i) + 1)
        rc = pg_store_add_url(s, key, urls + i, err);
    if (rc == PG_OK &&
        pgi_list_urls(urls, pre->urls_len, &w->url_v, &w->n_urls, &w->cap_urls) != PG_OK)
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    pg_dedup_text d = {
        key, pre->norm_key, norm, pre->title_len,
        norm + pre->title_len + 1, pre->abstract_len, pre->truncated,
        rec->authors, rec->pub_year, rec->author_names, rec->venue,
        w->url_v, w->n_urls, pre->has_keys ? &pre->keys : NULL,
        rec->title, rec->title_len, NULL,
        rec->abstract, rec->abstract_len,
        pre->packed_len ? base + pre->packed_at : NULL, pre->packed_len,
        pre->has_record ? base + pre->record_at : NULL, pre->record_len,
    };
    if (pre->has_shingles) {
        w->sh = pre->shingles;
        w->sh.seq = (const uint32_t *)(const void *)(base + pre->shingles_at);
        w->sh.set = w->sh.seq + w->sh.n_seq;
        d.shingles = &w->sh;
    }
    *dt = d;
    *is_new = rc == PG_OK;
    return rc;
}

/* What one file's records share on the calling thread. */
typedef struct file_ctx {
    pg_store *s;
    pgi_source *src;
    long long file_id;
    const pg_ingest_opts *o;
    const pgi_tick *tick;
    pgi_recorded recorded;  /* what earlier files of the path recorded */
    char day[11];           /* the first listing day met */
} file_ctx;

/* Writes one record: its text when new, its occurrence unless already
 * recorded for the path; counts it in res. */
static pg_err write_record(file_ctx *f, pg_dedup *d, scratch *w, const pg_record *rec,
                           pg_key key, const pgi_text *pre, const char *base,
                           pg_ingest_result *res, pg_error *err)
{
    pg_dedup_text dt;
    int is_new;
    pg_err rc = store_text(f->s, rec, w, key, pre, base, &is_new, &dt, err);
    if (rc != PG_OK)
        return rc;
    res->entries++;
    res->new_texts += is_new;
    res->known += !is_new;
    res->prepared += is_new && pre != NULL;
    if (!is_new && f->recorded.n > 0 && pgi_recorded_take(&f->recorded, rec->day, key)) {
        res->recorded++;
        return PG_OK;
    }
    rc = pg_store_add_occurrence(f->s, f->file_id, key, rec, err);
    /* Placed only now: the matcher reads the text's authors, year and
     * venue from its occurrences. */
    if (rc == PG_OK && is_new)
        rc = pg_dedup_add_new(d, &dt, err);
    else if (rc == PG_OK)
        pg_dedup_forget(d, key);
    return rc;
}

/* Reads every record of the source into the open file transaction. */
static pg_err ingest_records(file_ctx *f, pg_ingest_result *res, pg_error *err)
{
    scratch w = { PG_BUF_INIT, NULL, 0, 0, { 0, 0, 0, 0, NULL, NULL } };
    pg_dedup *d = NULL;
    int current = 1;
    pg_err rc = pg_dedup_attached(f->s, &d, err);
    if (rc == PG_OK)
        rc = pg_dedup_keys_current(d, &current, err);
    if (rc == PG_OK && !current && f->o->warn != NULL)
        f->o->warn(f->o->warn_ctx, f->src->name, 0,
                   "the database's near-duplicate keys were made by an older papergraph:"
                   " run `papergraph dedup` once to recompute them (until then some"
                   " near-duplicates of older texts are missed)");
    while (rc == PG_OK) {
        pg_record rec;
        pg_key key;
        const pgi_text *pre;
        const char *base;
        rc = pgi_source_next(f->src, &rec, &key, &pre, &base, err);
        if (rc == PG_OK)
            rc = write_record(f, d, &w, &rec, key, pre, base, res, err);
        if (rc != PG_OK)
            break;
        if (f->day[0] == '\0' && rec.day[0] != '\0')
            snprintf(f->day, sizeof f->day, "%s", rec.day);
        if (f->tick != NULL && res->entries % PGI_TICK_RECORDS == 0)
            f->tick->fn(f->tick->ctx, res->entries, pgi_source_offset(f->src));
    }
    pg_buf_release(&w.text);
    free(w.url_v);
    return rc == PG_DONE ? PG_OK : rc;
}

/* Records the input as skipped: its content was ingested before. */
static void mark_skipped(pg_ingest_result *res, const pg_buf *dup_path)
{
    res->skipped = 1;
    res->entries = res->new_texts = res->known = res->prepared = res->recorded = 0;
    snprintf(res->same_as, sizeof res->same_as, "%s",
             dup_path->data ? dup_path->data : "");
}

/* Writes the started source's records as one file transaction; nothing of
 * it stays on failure.  The caller checked that its key is not a known
 * file.  compare: check the records against what the path recorded. */
static pg_err ingest_file(file_ctx *f, int compare, pg_ingest_result *res, pg_error *err)
{
    pg_buf dup_path = PG_BUF_INIT;
    int found = 0;
    /* The files table records the format the file is read in. */
    const char *fmt = pg_input_format_name(pg_input_format_for(f->src->name, f->o->format));
    pg_err rc = pg_store_file_begin(f->s, f->src->name, fmt, &f->file_id, err);
    if (rc != PG_OK)
        return rc;
    if (compare)
        rc = pgi_recorded_load(&f->recorded, f->s, f->src->name, f->file_id, err);
    if (rc == PG_OK)
        rc = ingest_records(f, res, err);
    /* Counted as delivered: the producer may have read past a failure. */
    res->warnings = pgi_source_warnings(f->src);
    if (rc != PG_OK) {
        pg_store_file_rollback(f->s);
        return rc;
    }
    pg_file_counts counts = { res->entries, res->new_texts, res->warnings, f->src->size,
                              f->day };
    rc = pg_store_file_commit(f->s, f->file_id, f->src->key, &counts, &found, &dup_path,
                              err);
    if (rc == PG_OK && found)   /* another process stored it meanwhile */
        mark_skipped(res, &dup_path);
    pg_buf_release(&dup_path);
    return rc;
}

/* Ingests the opened source: skipped when its content is a known file. */
static pg_err ingest_source(pg_store *s, pgi_source *src, int compare,
                            const pg_ingest_opts *o, const pgi_tick *tick,
                            pg_ingest_result *res, pg_error *err)
{
    pg_buf dup_path = PG_BUF_INIT;
    int found = 0;
    res->bytes = src->size;
    res->read_ahead = src->read_ahead;
    pg_err rc = pg_store_find_file(s, src->key, &dup_path, &found, err);
    if (rc == PG_OK && found)
        mark_skipped(res, &dup_path);
    pg_buf_release(&dup_path);
    if (rc != PG_OK || found)
        return rc;
    if ((rc = pgi_source_start(src, err)) != PG_OK) {
        res->warnings = 0;      /* as if no record was read */
        return rc;
    }
    file_ctx f = { s, src, 0, o, tick, PGI_RECORDED_INIT, "" };
    rc = ingest_file(&f, compare, res, err);
    pgi_recorded_release(&f.recorded);
    return rc;
}

pg_err pgi_ingest_one(pg_store *s, const char *path, FILE *fp, const char *name,
                      const pg_ingest_opts *o, const pgi_tick *tick,
                      pg_ingest_result *res, pg_error *err)
{
    pgi_source src;
    memset(res, 0, sizeof *res);
    /* Only a path names a page that may be read again as it grows;
     * standard input and a caller's stream are never compared. */
    int compare = path != NULL && strcmp(path, "-") != 0;
    pg_err rc = pgi_source_open(&src, path, fp, name, o, err);
    if (rc == PG_OK)
        rc = ingest_source(s, &src, compare, o, tick, res, err);
    pgi_source_close(&src);
    return rc;
}

pg_err pgi_ingest_keyed(pg_store *s, FILE *fp, const char *name, pg_key key,
                        unsigned long long size, const pg_ingest_opts *o,
                        pg_ingest_result *res, pg_error *err)
{
    pgi_source src;
    pg_err rc = pgi_source_open_keyed(&src, fp, name, key, size, o, err);
    if (rc == PG_OK)
        rc = ingest_source(s, &src, 0, o, NULL, res, err);
    pgi_source_close(&src);
    return rc;
}

pg_err pg_ingest_stream(pg_store *s, FILE *fp, const char *name,
                        const pg_ingest_opts *o, pg_ingest_result *res,
                        pg_error *err)
{
    return pgi_ingest_one(s, NULL, fp, name, o, NULL, res, err);
}

pg_err pg_ingest_path(pg_store *s, const char *path, const pg_ingest_opts *o,
                      pg_ingest_result *res, pg_error *err)
{
    return pgi_ingest_one(s, path, NULL, NULL, o, NULL, res, err);
}
