/*
** ingest.c: read one input file into the store, in one transaction.
**
** The file's bytes are hashed first (XXH3-128) so that a file ingested
** before, under any path, is skipped without parsing: re-ingesting a day's
** files costs a hash, not a parse.  A stream that cannot be re-read (standard
** input, a pipe) is first copied to an anonymous temporary file while being
** hashed, which keeps memory bounded whatever its size.
**
** Each record's raw text (title "\n" abstract) gets a content key; a text
** seen before is only referenced, a new one is normalised, keyed again in
** normalised form, scanned for URLs, stored, and placed in its paper by the
** near-duplicate stage (dedup.c).  Every record gets an occurrence row, so
** nothing read is ever lost.
**
** The CPU-only part of that (ingest_prep.c), hashing the file included,
** can run ahead on a producer thread (ingest_pipe.c) while this thread does
** the store calls, in the same order as without it; a new text the producer
** did not prepare is prepared here by the same functions.  With a session,
** the producer also opens and reads the file the caller names next
** (pg_ingest_opts.next_path) while this one is written and committed.  A
** path that is not a regular file is handled here, as on one thread.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/internal.h"
#include "papergraph/dedup.h"
#include "papergraph/ingest.h"

static const char *format_name(pg_input_format f)
{
    switch (f) {
    case PG_INPUT_JSONL: return "jsonl";
    case PG_INPUT_CSV: return "csv";
    case PG_INPUT_LISTING: break;
    }
    return "listing";
}

/* The calling thread's scratch, reused across the records of one file. */
typedef struct scratch {
    pg_buf raw;         /* title "\n" abstract */
    pg_buf text;        /* a new text's data, when the producer had none */
    const char **url_v; /* the new text's URLs, sorted, each once */
    size_t n_urls, cap_urls;
} scratch;

static int str_order(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Points w->url_v at the URLs of urls[0..len) (each ending in NUL), sorted,
 * each once: the list the store would give back. */
static pg_err list_urls(scratch *w, const char *urls, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += urls[i] == '\0';
    if (n > w->cap_urls) {
        const char **v = realloc(w->url_v, n * sizeof *v);
        if (v == NULL)
            return PG_ERR_NOMEM;
        w->url_v = v;
        w->cap_urls = n;
    }
    w->n_urls = 0;
    if (n == 0)
        return PG_OK;
    for (size_t i = 0; i < len; i += strlen(urls + i) + 1)
        w->url_v[w->n_urls++] = urls + i;
    qsort(w->url_v, w->n_urls, sizeof *w->url_v, str_order);
    size_t u = 0;
    for (size_t i = 0; i < w->n_urls; i++)
        if (u == 0 || strcmp(w->url_v[u - 1], w->url_v[i]) != 0)
            w->url_v[u++] = w->url_v[i];
    w->n_urls = u;
    return PG_OK;
}

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
    };
    rc = pg_store_add_text(s, &t, err);
    const char *urls = base + pre->urls;
    for (size_t i = 0; i < pre->urls_len && rc == PG_OK; i += strlen(urls + i) + 1)
        rc = pg_store_add_url(s, key, urls + i, err);
    if (rc == PG_OK && list_urls(w, urls, pre->urls_len) != PG_OK)
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    pg_dedup_text d = {
        key, pre->norm_key, norm, pre->title_len,
        norm + pre->title_len + 1, pre->abstract_len, pre->truncated,
        rec->authors, rec->pub_year, rec->author_names, rec->venue,
        w->url_v, w->n_urls, pre->has_keys ? &pre->keys : NULL,
        rec->title, rec->title_len,
    };
    *dt = d;
    *is_new = rc == PG_OK;
    return rc;
}

/* The number of threads to ingest with: 1, or 2 (a producer thread). */
static int threads_for(const pg_ingest_opts *o)
{
    if (o->threads == 1)
        return 1;
    if (o->threads >= 2)
        return 2;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus > 1 ? 2 : 1;
}

/* The next record, from the producer (pipe non-NULL) or read here; *pre as
 * pgi_pipe_next gives it. */
static pg_err next_record(pg_reader *r, pgi_pipe *pipe, scratch *w, pg_record *rec,
                          pg_key *key, const pgi_text **pre, const char **base,
                          pg_error *err)
{
    if (pipe != NULL)
        return pgi_pipe_next(pipe, rec, key, pre, base, err);
    pg_err rc = pg_reader_next(r, rec, err);
    *pre = NULL;
    *base = NULL;
    if (rc == PG_OK && pgi_raw_key(rec, &w->raw, key) != PG_OK)
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    return rc;
}

/* Reads every record of an input into the open file transaction: from the
 * producer's open input when pipe is non-NULL, else from r. */
static pg_err ingest_records(pg_store *s, pg_reader *r, pgi_pipe *pipe,
                             const char *name, long long file_id,
                             const pg_ingest_opts *o, pg_ingest_result *res,
                             char *day, pg_error *err)
{
    scratch w = { PG_BUF_INIT, PG_BUF_INIT, NULL, 0, 0 };
    pg_record rec;
    pg_dedup *d = NULL;
    int current = 1;
    pg_err rc = pg_dedup_attached(s, &d, err);
    if (rc == PG_OK)
        rc = pg_dedup_keys_current(d, &current, err);
    if (rc == PG_OK && !current && o->warn != NULL)
        o->warn(o->warn_ctx, name, 0,
                "the database's near-duplicate keys were made by an older papergraph:"
                " run `papergraph dedup` once to recompute them (until then some"
                " near-duplicates of older texts are missed)");
    while (rc == PG_OK) {
        pg_key key;
        const pgi_text *pre;
        const char *base;
        pg_dedup_text dt;
        int is_new;
        rc = next_record(r, pipe, &w, &rec, &key, &pre, &base, err);
        if (rc == PG_OK)
            rc = store_text(s, &rec, &w, key, pre, base, &is_new, &dt, err);
        if (rc == PG_OK)
            rc = pg_store_add_occurrence(s, file_id, key, &rec, err);
        /* Placed only now: the matcher reads the text's authors, year and
         * venue from its occurrences. */
        if (rc == PG_OK && is_new)
            rc = pg_dedup_add_new(d, &dt, err);
        else if (rc == PG_OK)
            pg_dedup_forget(d, key);
        if (rc != PG_OK)
            break;
        if (day[0] == '\0' && rec.day[0] != '\0')
            snprintf(day, 11, "%s", rec.day);
        res->entries++;
        res->new_texts += is_new;
        res->known += !is_new;
        res->prepared += is_new && pre != NULL;
    }
    pg_buf_release(&w.raw);
    pg_buf_release(&w.text);
    free(w.url_v);
    return rc == PG_DONE ? PG_OK : rc;
}

/* Records the input as skipped: its content was ingested before. */
static void mark_skipped(pg_ingest_result *res, const pg_buf *dup_path)
{
    res->skipped = 1;
    res->entries = res->new_texts = res->known = res->prepared = 0;
    snprintf(res->same_as, sizeof res->same_as, "%s",
             dup_path->data ? dup_path->data : "");
}

/* Writes the records of an opened input, from the producer's open input
 * (pipe non-NULL) or from r, as one file transaction; nothing of it stays
 * on failure.  The caller checked that key is not a known file. */
static pg_err ingest_file(pg_store *s, pg_reader *r, pgi_pipe *pipe, const char *name,
                          pg_key key, unsigned long long size,
                          const pg_ingest_opts *o, pg_ingest_result *res,
                          pg_error *err)
{
    pg_buf dup_path = PG_BUF_INIT;
    long long file_id = 0;
    int found = 0;
    char day[11] = "";
    pg_err rc = pg_store_file_begin(s, name, format_name(o->format), &file_id, err);
    if (rc != PG_OK)
        return rc;
    rc = ingest_records(s, r, pipe, name, file_id, o, res, day, err);
    /* Counted as delivered: the producer may have read past a failure. */
    res->warnings = pipe != NULL ? pgi_pipe_warnings(pipe) : pg_reader_warnings(r);
    if (rc != PG_OK) {
        pg_store_file_rollback(s);
        return rc;
    }
    pg_file_counts counts = { res->entries, res->new_texts, res->warnings, size, day };
    rc = pg_store_file_commit(s, file_id, key, &counts, &found, &dup_path, err);
    if (rc == PG_OK && found)   /* another process stored it meanwhile */
        mark_skipped(res, &dup_path);
    pg_buf_release(&dup_path);
    return rc;
}

/* Whether key is a known file; if so, *res says skipped. */
static pg_err check_known(pg_store *s, pg_key key, pg_ingest_result *res, int *found,
                          pg_error *err)
{
    pg_buf dup_path = PG_BUF_INIT;
    pg_err rc = pg_store_find_file(s, key, &dup_path, found, err);
    if (rc == PG_OK && *found)
        mark_skipped(res, &dup_path);
    pg_buf_release(&dup_path);
    return rc;
}

/* The producer thread's pipe for this ingest: the session's, or one of
 * its own (*own, to free); NULL when one thread is asked for. */
static pg_err pipe_for(const pg_ingest_opts *o, pgi_pipe **pipe, pgi_pipe **own,
                       pg_error *err)
{
    *pipe = *own = NULL;
    if (threads_for(o) < 2)
        return PG_OK;
    if (o->session != NULL)
        return pgi_pipe_of(o->session, pipe, err);
    pg_err rc = pgi_pipe_new(NULL, own, err);
    *pipe = *own;
    return rc;
}

/* Ingests the producer's open input (its head h read), then closes it. */
static pg_err ingest_piped(pg_store *s, pgi_pipe *pipe, const pgi_head *h,
                           const char *name, pg_key key, unsigned long long size,
                           const pg_ingest_opts *o, pg_ingest_result *res,
                           pg_error *err)
{
    int found = 0;
    pg_err rc = check_known(s, key, res, &found, err);
    if (rc == PG_OK && !found && h->failed) {
        pg_record rec;
        const pgi_text *t;
        const char *base;
        /* Delivers the warnings opening gave, then the reader's error;
         * counted as on one thread, where no record was read. */
        rc = pgi_pipe_next(pipe, &rec, &key, &t, &base, err);
        res->warnings = 0;
    } else if (rc == PG_OK && !found) {
        /* Opening's warnings first, as on one thread. */
        pgi_pipe_deliver(pipe);
        rc = ingest_file(s, NULL, pipe, name, key, size, o, res, err);
    }
    pgi_pipe_close(pipe);
    return rc;
}

/* Ingests fp (its key known) on this thread. */
static pg_err ingest_here(pg_store *s, FILE *fp, const char *name, pg_key key,
                          unsigned long long size, const pg_ingest_opts *o,
                          pg_ingest_result *res, pg_error *err)
{
    pg_reader *r = NULL;
    int found = 0;
    pg_err rc = check_known(s, key, res, &found, err);
    if (rc != PG_OK || found)
        return rc;
    pg_read_opts ro = { .year = o->year, .max_line = o->max_line, .warn = o->warn,
                        .warn_ctx = o->warn_ctx, .encoding = o->encoding };
    rc = pg_reader_open(fp, name, o->format, &ro, &r, err);
    if (rc == PG_OK)
        rc = ingest_file(s, r, NULL, name, key, size, o, res, err);
    else
        res->warnings = 0;
    pg_reader_free(r);
    return rc;
}

pg_err pgi_ingest_keyed(pg_store *s, FILE *fp, const char *name, pg_key key,
                        unsigned long long size, const pg_ingest_opts *o,
                        pg_ingest_result *res, pg_error *err)
{
    pgi_pipe *pipe = NULL, *own = NULL;
    pgi_head h;
    pg_err rc = pipe_for(o, &pipe, &own, err);
    if (rc == PG_OK && pipe != NULL)
        rc = pgi_pipe_open_stream(pipe, fp, name, o, &h, err);
    if (rc == PG_OK && pipe != NULL)
        rc = ingest_piped(s, pipe, &h, name, key, size, o, res, err);
    else if (rc == PG_OK || rc == PG_ERR_INTERNAL)      /* no thread to be had */
        rc = ingest_here(s, fp, name, key, size, o, res, err);
    res->bytes = size;
    pgi_pipe_free(own);
    return rc;
}

pg_err pg_ingest_stream(pg_store *s, FILE *fp, const char *name,
                        const pg_ingest_opts *o, pg_ingest_result *res,
                        pg_error *err)
{
    pg_key key;
    unsigned long long size = 0;
    memset(res, 0, sizeof *res);
    FILE *copy = tmpfile();
    if (copy == NULL)
        return pg_error_set(err, PG_ERR_IO, "%s: cannot create a temporary file: %s",
                            name, strerror(errno));
    pg_err rc = pgi_hash_stream(fp, copy, name, &key, &size, NULL, NULL, err);
    if (rc == PG_OK && (fflush(copy) != 0 || fseek(copy, 0, SEEK_SET) != 0))
        rc = pg_error_set(err, PG_ERR_IO, "%s: temporary file: %s", name,
                          strerror(errno));
    if (rc == PG_OK)
        rc = pgi_ingest_keyed(s, copy, name, key, size, o, res, err);
    fclose(copy);
    return rc;
}

/* pg_ingest_path on this thread: opening, hashing, then reading. */
static pg_err ingest_path_here(pg_store *s, const char *path, const pg_ingest_opts *o,
                               pg_ingest_result *res, pg_error *err)
{
    struct stat st;
    pg_key key;
    unsigned long long size = 0;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return pg_error_set(err, PG_ERR_IO, "%s: cannot open: %s", path,
                            strerror(errno));
    pg_err rc = PG_OK;
    if (fstat(fileno(fp), &st) != 0) {
        rc = pg_error_set(err, PG_ERR_IO, "%s: %s", path, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        rc = pg_error_set(err, PG_ERR_IO, "%s: is a directory", path);
    } else if (!S_ISREG(st.st_mode)) {
        rc = pg_ingest_stream(s, fp, path, o, res, err);
    } else {
        rc = pgi_hash_file(fp, path, &key, &size, NULL, NULL, err);
        if (rc == PG_OK)
            rc = pgi_ingest_keyed(s, fp, path, key, size, o, res, err);
    }
    fclose(fp);
    return rc;
}

pg_err pg_ingest_path(pg_store *s, const char *path, const pg_ingest_opts *o,
                      pg_ingest_result *res, pg_error *err)
{
    pgi_pipe *pipe = NULL, *own = NULL;
    pgi_head h;
    memset(res, 0, sizeof *res);
    if (strcmp(path, "-") == 0)
        return pg_ingest_stream(s, stdin, "<stdin>", o, res, err);
    /* With a producer the file is opened and hashed there, ahead when the
     * previous call named it. */
    pg_err rc = pipe_for(o, &pipe, &own, err);
    if (rc == PG_OK && pipe != NULL)
        rc = pgi_pipe_open_path(pipe, path, o, &h, err);
    if (rc == PG_OK && pipe != NULL && !h.fallback) {
        rc = ingest_piped(s, pipe, &h, path, h.key, h.size, o, res, err);
        res->bytes = h.size;
        res->read_ahead = h.read_ahead;
    } else if (rc == PG_OK || rc == PG_ERR_INTERNAL) {
        if (pipe != NULL)
            pgi_pipe_close(pipe);
        rc = ingest_path_here(s, path, o, res, err);
    } else if (pipe != NULL) {
        pgi_pipe_close(pipe);
    }
    pgi_pipe_free(own);
    return rc;
}
