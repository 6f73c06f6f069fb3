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
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "papergraph/dedup.h"
#include "papergraph/ingest.h"
#include "papergraph/normalize.h"

#define HASH_CHUNK ((size_t)1 << 20)

/* Hashes the rest of src; when copy is non-NULL the bytes are also written
 * there.  *size receives the byte count. */
static pg_err hash_stream(FILE *src, FILE *copy, const char *name, pg_key *key,
                          unsigned long long *size, pg_error *err)
{
    pg_err rc = PG_OK;
    pg_hasher *h = NULL;
    char *chunk = malloc(HASH_CHUNK);
    if (chunk == NULL || pg_hasher_new(&h) != PG_OK) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "%s: out of memory", name);
        goto out;
    }
    *size = 0;
    size_t n;
    while ((n = fread(chunk, 1, HASH_CHUNK, src)) > 0) {
        pg_hasher_update(h, chunk, n);
        *size += n;
        if (copy != NULL && fwrite(chunk, 1, n, copy) != n) {
            rc = pg_error_set(err, PG_ERR_IO, "%s: cannot copy to a temporary file: %s",
                              name, strerror(errno));
            goto out;
        }
    }
    if (ferror(src)) {
        rc = pg_error_set(err, PG_ERR_IO, "%s: read error: %s", name, strerror(errno));
        goto out;
    }
    *key = pg_hasher_digest(h);
out:
    pg_hasher_free(h);
    free(chunk);
    return rc;
}

static const char *format_name(pg_input_format f)
{
    switch (f) {
    case PG_INPUT_JSONL: return "jsonl";
    case PG_INPUT_CSV: return "csv";
    case PG_INPUT_LISTING: break;
    }
    return "listing";
}

/* Scratch buffers reused across the records of one file. */
typedef struct scratch {
    pg_buf raw;         /* title "\n" abstract */
    pg_buf norm;        /* normalised title "\n" normalised abstract */
    pg_buf urls;        /* the new text's canonical URLs, each ending in NUL */
    const char **url_v; /* ... sorted, each once */
    size_t n_urls, cap_urls;
} scratch;

typedef struct url_ctx {
    pg_store *s;
    pg_key text;
    pg_buf *seen;
    pg_err rc;
    pg_error *err;
} url_ctx;

static pg_err keep_url(pg_store *s, pg_key text, pg_buf *seen, const char *url,
                       pg_error *err)
{
    pg_err rc = pg_store_add_url(s, text, url, err);
    if (rc == PG_OK && (pg_buf_puts(seen, url) != PG_OK || pg_buf_putc(seen, '\0') != PG_OK))
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    return rc;
}

static int store_url(void *ctx, const char *url, size_t len)
{
    url_ctx *u = ctx;
    (void)len;
    u->rc = keep_url(u->s, u->text, u->seen, url, u->err);
    return u->rc != PG_OK;
}

/* URLs a record gives in fields (one per line) are URLs by declaration:
 * each is normalised as one, even without a scheme ("example.org/x"); one
 * that is not a URL at all is dropped. */
static pg_err store_given_urls(pg_store *s, pg_key text, const char *urls,
                               pg_buf *seen, pg_error *err)
{
    pg_buf b = PG_BUF_INIT;
    pg_err rc = PG_OK;
    while (*urls && rc == PG_OK) {
        const char *nl = strchr(urls, '\n');
        size_t len = nl ? (size_t)(nl - urls) : strlen(urls);
        pg_buf_reset(&b);
        pg_err u = pg_url_normalize(urls, len, &b);
        if (u == PG_OK)
            rc = keep_url(s, text, seen, b.data, err);
        else if (u == PG_ERR_NOMEM)
            rc = pg_error_set(err, u, "out of memory");
        urls += len + (nl != NULL);
    }
    pg_buf_release(&b);
    return rc;
}

static pg_err store_urls(pg_store *s, pg_key text, const pg_record *rec,
                         pg_buf *seen, pg_error *err)
{
    url_ctx u = { s, text, seen, PG_OK, err };
    pg_err rc = pg_urls_extract(rec->title, rec->title_len, store_url, &u);
    if (rc == PG_OK && u.rc == PG_OK)
        rc = pg_urls_extract(rec->abstract, rec->abstract_len, store_url, &u);
    if (rc != PG_OK)
        return pg_error_set(err, rc, "out of memory");
    if (u.rc != PG_OK)
        return u.rc;
    return store_given_urls(s, text, rec->urls, seen, err);
}

static int str_order(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Points w->url_v at the URLs gathered in w->urls, sorted, each once: the
 * list the store would give back. */
static pg_err list_urls(scratch *w)
{
    size_t n = 0;
    for (size_t i = 0; i < w->urls.len; i++)
        n += w->urls.data[i] == '\0';
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
    for (size_t i = 0; i < w->urls.len; i += strlen(w->urls.data + i) + 1)
        w->url_v[w->n_urls++] = w->urls.data + i;
    qsort(w->url_v, w->n_urls, sizeof *w->url_v, str_order);
    size_t u = 0;
    for (size_t i = 0; i < w->n_urls; i++)
        if (u == 0 || strcmp(w->url_v[u - 1], w->url_v[i]) != 0)
            w->url_v[u++] = w->url_v[i];
    w->n_urls = u;
    return PG_OK;
}

/* A record without an abstract is known by its title and metadata: two
 * "Editorial" records of different years or authors are different texts.
 * The input's own id goes in too: two issues' "Book Review Column" by the
 * same editor in one year (DBLP journals/sigmod/Aberer02, Aberer02b) agree
 * on everything else, and one stored text would make them one paper before
 * the matcher is asked.  Records with the same id stay one text. */
static pg_err append_identity(const pg_record *rec, pg_buf *b, int normalise)
{
    char year[16];
    if (rec->abstract_len > 0)
        return PG_OK;
    snprintf(year, sizeof year, "\n%d\n", rec->pub_year);
    pg_err rc = pg_buf_putc(b, '\n');
    if (rc == PG_OK)
        rc = normalise ? pg_normalize_key(rec->author_names, strlen(rec->author_names), b)
                       : pg_buf_puts(b, rec->author_names);
    if (rc == PG_OK)
        rc = pg_buf_puts(b, year);
    if (rc == PG_OK)
        rc = normalise ? pg_normalize_key(rec->venue, strlen(rec->venue), b)
                       : pg_buf_puts(b, rec->venue);
    /* Kept as given, never normalised: ids are case- and punctuation-
     * sensitive ("Aberer02" vs "aberer02"). */
    if (rc == PG_OK && rec->ext_id[0] != '\0')
        rc = pg_buf_putc(b, '\n');
    if (rc == PG_OK)
        rc = pg_buf_puts(b, rec->ext_id);
    return rc;
}

/* Stores the text of rec unless known; sets *is_new, and for a new text
 * fills *dt (pointing into w) for the near-duplicate stage. */
static pg_err store_text(pg_store *s, const pg_record *rec, scratch *w,
                         pg_key key, int *is_new, pg_dedup_text *dt,
                         pg_error *err)
{
    int found = 0;
    pg_err rc = pg_store_has_text(s, key, &found, err);
    *is_new = 0;
    if (rc != PG_OK || found)
        return rc;
    pg_buf_reset(&w->norm);
    pg_buf_reset(&w->urls);
    rc = pg_normalize_key(rec->title, rec->title_len, &w->norm);
    size_t title_len = w->norm.len;
    if (rc == PG_OK)
        rc = pg_buf_putc(&w->norm, '\n');
    if (rc == PG_OK)
        rc = pg_normalize_key(rec->abstract, rec->abstract_len, &w->norm);
    size_t abstract_len = w->norm.len - title_len - 1;
    if (rc == PG_OK)
        rc = append_identity(rec, &w->norm, 1);
    if (rc != PG_OK)
        return pg_error_set(err, rc, "out of memory");
    pg_text t = {
        key, pg_key_of(w->norm.data, w->norm.len),
        rec->title, rec->title_len, rec->abstract, rec->abstract_len,
        pg_text_is_truncated(rec->abstract, rec->abstract_len),
        rec->author_names,
    };
    rc = pg_store_add_text(s, &t, err);
    if (rc == PG_OK)
        rc = store_urls(s, key, rec, &w->urls, err);
    if (rc == PG_OK && list_urls(w) != PG_OK)
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    pg_dedup_text d = {
        key, t.norm_key, w->norm.data, title_len,
        w->norm.data + title_len + 1, abstract_len, t.truncated,
        rec->authors, rec->pub_year, rec->author_names, rec->venue,
        w->url_v, w->n_urls,
    };
    *dt = d;
    *is_new = rc == PG_OK;
    return rc;
}

static pg_err raw_key(const pg_record *rec, scratch *w, pg_key *key)
{
    pg_buf_reset(&w->raw);
    pg_err rc = pg_buf_append(&w->raw, rec->title, rec->title_len);
    if (rc == PG_OK)
        rc = pg_buf_putc(&w->raw, '\n');
    if (rc == PG_OK)
        rc = pg_buf_append(&w->raw, rec->abstract, rec->abstract_len);
    if (rc == PG_OK)
        rc = append_identity(rec, &w->raw, 0);
    *key = pg_key_of(w->raw.data, w->raw.len);
    return rc;
}

/* Reads every record of an open reader into the open file transaction. */
static pg_err ingest_records(pg_store *s, pg_reader *r, const char *name,
                             long long file_id, const pg_ingest_opts *o,
                             pg_ingest_result *res, char *day, pg_error *err)
{
    scratch w = { PG_BUF_INIT, PG_BUF_INIT, PG_BUF_INIT, NULL, 0, 0 };
    pg_record rec;
    pg_dedup *d = NULL;
    int current = 1;
    pg_err rc = pg_dedup_new(s, NULL, &d, err);
    if (rc == PG_OK)
        rc = pg_dedup_keys_current(d, &current, err);
    if (rc == PG_OK && !current && o->warn != NULL)
        o->warn(o->warn_ctx, name, 0,
                "the database's near-duplicate keys were made by an older papergraph:"
                " run `papergraph dedup` once to recompute them (until then some"
                " near-duplicates of older texts are missed)");
    while (rc == PG_OK && (rc = pg_reader_next(r, &rec, err)) == PG_OK) {
        pg_key key;
        pg_dedup_text dt;
        int is_new;
        if (raw_key(&rec, &w, &key) != PG_OK) {
            rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
            break;
        }
        rc = store_text(s, &rec, &w, key, &is_new, &dt, err);
        if (rc == PG_OK)
            rc = pg_store_add_occurrence(s, file_id, key, &rec, err);
        /* Placed only now: the matcher reads the text's authors, year and
         * venue from its occurrences. */
        if (rc == PG_OK && is_new)
            rc = pg_dedup_add_new(d, &dt, err);
        if (rc != PG_OK)
            break;
        if (day[0] == '\0' && rec.day[0] != '\0')
            snprintf(day, 11, "%s", rec.day);
        res->entries++;
        res->new_texts += is_new;
        res->known += !is_new;
    }
    pg_dedup_free(d);
    pg_buf_release(&w.raw);
    pg_buf_release(&w.norm);
    pg_buf_release(&w.urls);
    free(w.url_v);
    return rc == PG_DONE ? PG_OK : rc;
}

/* Ingests a seekable stream whose content key is known. */
static pg_err ingest_keyed(pg_store *s, FILE *fp, const char *name, pg_key key,
                           unsigned long long size, const pg_ingest_opts *o,
                           pg_ingest_result *res, pg_error *err)
{
    pg_reader *r = NULL;
    pg_buf dup_path = PG_BUF_INIT;
    long long file_id = 0;
    int found = 0, in_tx = 0;
    char day[11] = "";
    pg_err rc = pg_store_find_file(s, key, &dup_path, &found, err);
    if (rc != PG_OK || found)
        goto out;
    pg_read_opts ro = { .year = o->year, .max_line = o->max_line, .warn = o->warn,
                        .warn_ctx = o->warn_ctx, .encoding = o->encoding };
    rc = pg_reader_open(fp, name, o->format, &ro, &r, err);
    if (rc != PG_OK)
        goto out;
    rc = pg_store_file_begin(s, name, format_name(o->format), &file_id, err);
    if (rc != PG_OK)
        goto out;
    in_tx = 1;
    rc = ingest_records(s, r, name, file_id, o, res, day, err);
    res->warnings = pg_reader_warnings(r);
    if (rc != PG_OK)
        goto out;
    pg_file_counts counts = { res->entries, res->new_texts, res->warnings, size, day };
    in_tx = 0;
    rc = pg_store_file_commit(s, file_id, key, &counts, &found, &dup_path, err);
out:
    if (in_tx)
        pg_store_file_rollback(s);
    if (rc == PG_OK && found) {
        /* Nothing of this file was kept: report it as nothing read. */
        res->skipped = 1;
        res->entries = res->new_texts = res->known = 0;
        snprintf(res->same_as, sizeof res->same_as, "%s",
                 dup_path.data ? dup_path.data : "");
    }
    res->bytes = size;
    pg_reader_free(r);
    pg_buf_release(&dup_path);
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
    pg_err rc = hash_stream(fp, copy, name, &key, &size, err);
    if (rc == PG_OK && (fflush(copy) != 0 || fseek(copy, 0, SEEK_SET) != 0))
        rc = pg_error_set(err, PG_ERR_IO, "%s: temporary file: %s", name,
                          strerror(errno));
    if (rc == PG_OK)
        rc = ingest_keyed(s, copy, name, key, size, o, res, err);
    fclose(copy);
    return rc;
}

pg_err pg_ingest_path(pg_store *s, const char *path, const pg_ingest_opts *o,
                      pg_ingest_result *res, pg_error *err)
{
    struct stat st;
    pg_key key;
    unsigned long long size = 0;
    memset(res, 0, sizeof *res);
    if (strcmp(path, "-") == 0)
        return pg_ingest_stream(s, stdin, "<stdin>", o, res, err);
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
        rc = hash_stream(fp, NULL, path, &key, &size, err);
        if (rc == PG_OK && fseek(fp, 0, SEEK_SET) != 0)
            rc = pg_error_set(err, PG_ERR_IO, "%s: %s", path, strerror(errno));
        if (rc == PG_OK)
            rc = ingest_keyed(s, fp, path, key, size, o, res, err);
    }
    fclose(fp);
    return rc;
}
