/*
** ingest_prep.c: the CPU-only work ingest does on one record: its raw
** content key and, for a new text, the normalised form and its key, the
** truncated flag, the canonical URLs, the near-duplicate index keys and
** the packed abstract.
**
** Kept apart from the SQLite work so that a producer thread
** (ingest_pipe.c) can do it while the calling thread writes the previous
** records; the calling thread uses the same functions for a text the
** producer did not prepare, so both ways store the same bytes.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/internal.h"
#include "text/internal.h"

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

pg_err pgi_raw_key(const pg_record *rec, pg_buf *scratch, pg_key *key)
{
    pg_buf_reset(scratch);
    pg_err rc = pg_buf_append(scratch, rec->title, rec->title_len);
    if (rc == PG_OK)
        rc = pg_buf_putc(scratch, '\n');
    if (rc == PG_OK)
        rc = pg_buf_append(scratch, rec->abstract, rec->abstract_len);
    if (rc == PG_OK)
        rc = append_identity(rec, scratch, 0);
    *key = pg_key_of(scratch->data, scratch->len);
    return rc;
}

typedef struct url_ctx {
    pg_buf *out;
    pg_err rc;
} url_ctx;

static pg_err put_url(pg_buf *out, const char *url)
{
    pg_err rc = pg_buf_puts(out, url);
    return rc == PG_OK ? pg_buf_putc(out, '\0') : rc;
}

static int found_url(void *ctx, const char *url, size_t len)
{
    url_ctx *u = ctx;
    (void)len;
    u->rc = put_url(u->out, url);
    return u->rc != PG_OK;
}

/* URLs a record gives in fields (one per line) are URLs by declaration:
 * each is normalised as one, even without a scheme ("example.org/x"); one
 * that is not a URL at all is dropped.  norm is scratch space after the
 * arena's bytes, so the URL is appended from a copy. */
static pg_err given_urls(const char *urls, pg_buf *out, pg_buf *norm)
{
    pg_err rc = PG_OK;
    while (*urls && rc == PG_OK) {
        const char *nl = strchr(urls, '\n');
        size_t len = nl ? (size_t)(nl - urls) : strlen(urls);
        pg_buf_reset(norm);
        pg_err u = pg_url_normalize(urls, len, norm);
        if (u == PG_OK)
            rc = put_url(out, norm->data);
        else if (u == PG_ERR_NOMEM)
            rc = u;
        urls += len + (nl != NULL);
    }
    return rc;
}

/* The text's URLs in the order the store has always received them: those
 * found in the title, in the abstract (each scan names a URL once), then
 * those given in fields. */
static pg_err collect_urls(const pg_record *rec, pg_buf *out)
{
    url_ctx u = { out, PG_OK };
    pg_buf norm = PG_BUF_INIT;
    pg_err rc = pg_urls_extract(rec->title, rec->title_len, found_url, &u);
    if (rc == PG_OK && u.rc == PG_OK)
        rc = pg_urls_extract(rec->abstract, rec->abstract_len, found_url, &u);
    if (rc == PG_OK)
        rc = u.rc;
    if (rc == PG_OK)
        rc = given_urls(rec->urls, out, &norm);
    pg_buf_release(&norm);
    return rc;
}

static int str_order(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

pg_err pgi_list_urls(const char *urls, size_t len, const char ***v, size_t *n,
                     size_t *cap)
{
    size_t k = 0;
    for (size_t i = 0; i < len; i++)
        k += urls[i] == '\0';
    if (k > *cap) {
        const char **nv = realloc(*v, k * sizeof *nv);
        if (nv == NULL)
            return PG_ERR_NOMEM;
        *v = nv;
        *cap = k;
    }
    *n = 0;
    if (k == 0)
        return PG_OK;
    const char **u = *v;
    for (size_t i = 0; i < len; i += strlen(urls + i) + 1)
        u[(*n)++] = urls + i;
    qsort(u, *n, sizeof *u, str_order);
    size_t w = 0;
    for (size_t i = 0; i < *n; i++)
        if (w == 0 || strcmp(u[w - 1], u[i]) != 0)
            u[w++] = u[i];
    *n = w;
    return PG_OK;
}

/* Appends to arena the dedup stage's record of the text t describes there
 * (pg_dedup_record_make, as the writing thread would make it from the
 * same fields): the normalising it needs is done here, on the thread that
 * prepares, so the writing thread only reads the record back. */
static pg_err make_record(const pg_record *rec, pg_buf *arena, pgi_text *t)
{
    pg_buf out = PG_BUF_INIT;
    const char **url_v = NULL;
    size_t n_urls = 0, cap_urls = 0;
    const char *base = arena->data, *norm = base + t->norm;
    pg_err rc = pgi_list_urls(base + t->urls, t->urls_len, &url_v, &n_urls, &cap_urls);
    if (rc == PG_OK) {
        pg_dedup_text d;
        memset(&d, 0, sizeof d);
        d.norm_key = t->norm_key;
        d.title = norm;
        d.title_len = t->title_len;
        d.abstract = norm + t->title_len + 1;
        d.abstract_len = t->abstract_len;
        d.truncated = t->truncated;
        d.authors = rec->authors;
        d.year = rec->pub_year;
        d.author_names = rec->author_names;
        d.venue = rec->venue;
        d.urls = url_v;
        d.n_urls = n_urls;
        d.raw_title = rec->title;
        d.raw_title_len = rec->title_len;
        d.raw_abstract = rec->abstract;
        d.raw_abstract_len = rec->abstract_len;
        d.packed_abstract = t->packed_len ? base + t->packed_at : NULL;
        d.packed_len = t->packed_len;
        rc = pg_dedup_record_make(&d, &out);
    }
    /* Appended from a copy: the fields above lie in the arena. */
    if (rc == PG_OK) {
        t->record_at = arena->len;
        t->record_len = out.len;
        rc = pg_buf_append(arena, out.data, out.len);
    }
    t->has_record = rc == PG_OK;
    pg_buf_release(&out);
    free(url_v);
    return rc;
}

pg_err pgi_prepare_text(const pg_record *rec, pg_buf *arena, pgi_text *t,
                        pg_packer *packer, int keys)
{
    memset(t, 0, sizeof *t);
    t->norm = arena->len;
    pg_err rc = pg_normalize_key(rec->title, rec->title_len, arena);
    t->title_len = arena->len - t->norm;
    if (rc == PG_OK)
        rc = pg_buf_putc(arena, '\n');
    if (rc == PG_OK)
        rc = pg_normalize_key(rec->abstract, rec->abstract_len, arena);
    t->abstract_len = arena->len - t->norm - t->title_len - 1;
    if (rc == PG_OK)
        rc = append_identity(rec, arena, 1);
    if (rc != PG_OK)
        return rc;
    t->norm_len = arena->len - t->norm;
    t->norm_key = pg_key_of(arena->data + t->norm, t->norm_len);
    t->truncated = pg_text_is_truncated(rec->abstract, rec->abstract_len);
    /* A NUL after the normalised text: the URLs start on their own. */
    if ((rc = pg_buf_putc(arena, '\0')) != PG_OK)
        return rc;
    t->urls = arena->len;
    if ((rc = collect_urls(rec, arena)) != PG_OK)
        return rc;
    t->urls_len = arena->len - t->urls;
    if (keys) {
        const char *n = arena->data + t->norm;
        /* One pass of shingling gives the keys and the verification's
         * shingles (a key has at most one shingle a word, or one). */
        size_t cap = t->abstract_len / 2 + 2, n_full = 0;
        uint64_t *full = malloc(cap * sizeof *full);
        if (full == NULL)
            return PG_ERR_NOMEM;
        pg_dedup_keys_seq(n, t->title_len, n + t->title_len + 1, t->abstract_len,
                          t->truncated, &t->keys, full, cap, &n_full);
        t->has_keys = 1;
        rc = pg_dedup_shingles_reuse(n + t->title_len + 1, t->abstract_len, t->truncated,
                                     full, n_full, arena, &t->shingles_at, &t->shingles);
        /* A text judged whole has the hashes' set already; a cut-off one
         * was shingled again without its last word. */
        if (rc == PG_OK)
            pg_dedup_keys_set_distinct(&t->keys, t->truncated
                                                     ? pg_dedup_distinct(full, n_full)
                                                     : t->shingles.n_set);
        free(full);
        if (rc != PG_OK)
            return rc;
        t->has_shingles = 1;
    }
    if (packer != NULL) {
        int compressed = 0;
        t->packed = 1;
        t->packed_at = arena->len;
        pg_abstract_pack(packer, rec->abstract, rec->abstract_len, arena, &compressed);
        t->packed_len = compressed ? arena->len - t->packed_at : 0;
    }
    return keys ? make_record(rec, arena, t) : PG_OK;
}

#define HASH_CHUNK ((size_t)1 << 20)

pg_err pgi_hash_stream(FILE *src, FILE *copy, const char *name, pg_key *key,
                       unsigned long long *size, int (*stop)(void *), void *stop_ctx,
                       pg_error *err)
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
        if (stop != NULL && stop(stop_ctx)) {
            rc = PG_DONE;
            goto out;
        }
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

pg_err pgi_hash_file(FILE *fp, const char *name, pg_key *key, unsigned long long *size,
                     int (*stop)(void *), void *stop_ctx, pg_error *err)
{
    pg_err rc = pgi_hash_stream(fp, NULL, name, key, size, stop, stop_ctx, err);
    if (rc == PG_OK && fseek(fp, 0, SEEK_SET) != 0)
        rc = pg_error_set(err, PG_ERR_IO, "%s: %s", name, strerror(errno));
    return rc;
}
