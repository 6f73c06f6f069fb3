/*
** dedup.c: the near-duplicate stage (see dedup.h): a text made ready for
** comparison, the cache of candidates prepared, verification, and the
** union of papers; and the ingest's dedup kept with the connection.
** candidates.c finds a text's candidates (through the band index,
** band_index.c) and rules out most of them by their sketches.
**
** Why each step is shaped so:
** - Candidates come from the band index (kept in the store's tables), so
**   placing a text costs a few lookups per candidate; the candidates are
**   a text's variants plus the band collisions, which grow with the
**   store where unrelated abstracts share many shingles.
** - A text with an abstract is indexed by its abstract's bands and only its
**   whole-title key; the finer title keys (a word deleted, prefix, suffix)
**   are for records without abstract, whose title is all there is.  Using
**   them for every text would make each generic title a candidate of every
**   other and add rows for no gain.
** - Verification reloads candidates from the store and normalises them
**   again: storing normalised text would double the database for a cost
**   paid only on candidates.  In memory, though, every text the
**   connection has prepared is kept as a record (a prepared text in about
**   a KB, its abstract as the store keeps it; records.c): a candidate that
**   has left the cache of prepared texts is made again from it, not from
**   the store.
** - Options are saved in the store by `dedup`, so that later ingests match
**   as the last rebuild did.
*/
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedup/stage.h"


static const struct {
    const char *key;
    size_t offset;
} saved_opts[] = {
    { "match.same_abstract", offsetof(pg_match_opts, same_abstract) },
    { "match.revised_abstract", offsetof(pg_match_opts, revised_abstract) },
    { "match.revised_title", offsetof(pg_match_opts, revised_title) },
    { "match.title_only", offsetof(pg_match_opts, title_only) },
};
#define N_SAVED (sizeof saved_opts / sizeof saved_opts[0])

static pg_err load_opts(pg_store *s, pg_match_opts *o, pg_error *err)
{
    pg_buf v = PG_BUF_INIT;
    pg_err e = PG_OK;
    pg_match_opts_default(o);
    for (size_t i = 0; i < N_SAVED && e == PG_OK; i++) {
        int found = 0;
        pg_buf_reset(&v);
        e = pg_store_get_setting(s, saved_opts[i].key, &v, &found, err);
        if (e == PG_OK && found)
            *(double *)((char *)o + saved_opts[i].offset) = strtod(v.data, NULL);
    }
    pg_buf_release(&v);
    return e;
}

static pg_err save_opts(pg_store *s, const pg_match_opts *o, pg_error *err)
{
    pg_err e = PG_OK;
    for (size_t i = 0; i < N_SAVED && e == PG_OK; i++) {
        char v[64];
        snprintf(v, sizeof v, "%.17g",
                 *(const double *)((const char *)o + saved_opts[i].offset));
        e = pg_store_set_setting(s, saved_opts[i].key, v, err);
    }
    return e;
}

#define VERSION_KEY "bands.version"

pg_err pg_dedup_keys_current(pg_dedup *d, int *current, pg_error *err)
{
    pg_buf v = PG_BUF_INIT;
    int found = 0, indexed = 0;
    char want[16];
    snprintf(want, sizeof want, "%d", PG_MINHASH_VERSION);
    *current = 0;
    pg_err e = pg_store_get_setting(d->s, VERSION_KEY, &v, &found, err);
    if (e == PG_OK && found) {
        *current = strcmp(v.data, want) == 0;
    } else if (e == PG_OK) {
        /* Unmarked: keys from before versions were saved, unless there are
         * none at all (migration 3 saved the highest text id holding keys). */
        pg_buf_reset(&v);
        e = pg_store_get_setting(d->s, "bands.indexed", &v, &indexed, err);
        if (e == PG_OK && (!indexed || strtoll(v.data, NULL, 10) == 0)) {
            e = pg_store_set_setting(d->s, VERSION_KEY, want, err);
            *current = e == PG_OK;
        }
    }
    pg_buf_release(&v);
    return e;
}

/* Empties p for the next text, keeping its features' memory. */
static void prepared_release(prepared *p)
{
    pg_text_info_release(&p->info);
    pg_buf_release(&p->title);
    pg_buf_release(&p->abstract);
    pg_buf_release(&p->venue);
    pg_buf_release(&p->names_buf);
    pg_buf_release(&p->title_names);
    free(p->names);
    pgd_feat *f = p->feat;
    memset(p, 0, sizeof *p);
    if (f != NULL)
        f->ready = f->shingled = 0;
    p->feat = f;
}

static void prepared_free(prepared *p)
{
    prepared_release(p);
    if (p->feat != NULL)
        pgd_feat_release(p->feat);
    free(p->feat);
    p->feat = NULL;
}

/* p's match item with its features, made now when they are not yet (from
 * the producer's shingles when p still has them).  PG_ERR_NOMEM. */
static pg_err item_of(prepared *p, const pg_match_item **out)
{
    *out = &p->item;
    if (p->feat == NULL && (p->feat = calloc(1, sizeof *p->feat)) == NULL)
        return PG_ERR_NOMEM;
    pg_err e = PG_OK;
    if (!p->feat->ready && p->feat->shingled)
        pgd_feat_finish(&p->item, p->feat);
    else if (!p->feat->ready)
        e = p->sh != NULL ? pgd_feat_adopt(&p->item, p->sh, p->feat)
                          : pgd_feat_make(&p->item, p->feat);
    p->item.feat = p->feat->ready ? p->feat : NULL;
    return e;
}

/* pg_match_decide over two prepared texts (r->why filled when
 * explaining).  PG_ERR_NOMEM. */
static pg_err decide(pg_dedup *d, prepared *a, prepared *b, int explaining,
                     pg_match_result *r)
{
    const pg_match_item *x = NULL, *y = NULL;
    pg_err e = item_of(a, &x);
    if (e == PG_OK)
        e = item_of(b, &y);
    return e == PG_OK ? pgd_match_decide(x, y, &d->o, explaining, r) : e;
}

/* Gives back the scratch of p's features before p is kept. */
static void keep_lean(prepared *p)
{
    p->sh = NULL;
    p->from = NULL;
    if (p->feat != NULL)
        pgd_feat_shrink(p->feat);
}

/* Splits the normalised names (one per line in names_buf) into p->names. */
static pg_err split_names(prepared *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->names_buf.len; i++)
        n += p->names_buf.data[i] == '\n';
    free(p->names);
    p->names = NULL;
    p->n_names = 0;
    if (n == 0)
        return PG_OK;
    if ((p->names = malloc(n * sizeof *p->names)) == NULL)
        return PG_ERR_NOMEM;
    char *line = p->names_buf.data;
    for (char *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        *nl = '\0';
        if (nl > line)
            p->names[p->n_names++] = line;
    }
    return PG_OK;
}

/* Normalises each author name (one per line) into names_buf, one per line. */
static pg_err normalise_names(prepared *p)
{
    const char *s = p->info.author_names;
    pg_err e = PG_OK;
    while (*s && e == PG_OK) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        size_t before = p->names_buf.len;
        e = pg_normalize_key(s, len, &p->names_buf);
        if (e == PG_OK && p->names_buf.len > before)
            e = pg_buf_putc(&p->names_buf, '\n');
        s += len + (nl != NULL);
    }
    return e == PG_OK ? split_names(p) : e;
}

static pg_err make_item(prepared *p, const pg_dedup_shingles *sh);

/* Loads stored text key (its id, or 0 when not known) and makes its match
 * item. */
static pg_err prepare(pg_store *s, pg_key key, long long id, prepared *p, pg_error *err)
{
    prepared_release(p);
    pg_err e = pg_store_text_info_id(s, key, id, &p->info, err);
    if (e != PG_OK)
        return e;
    const pg_text_info *t = &p->info;
    e = pg_normalize_key(t->title, strlen(t->title), &p->title);
    if (e == PG_OK)
        e = pg_normalize_key(t->abstract, strlen(t->abstract), &p->abstract);
    if (e == PG_OK)
        e = pg_normalize_key(t->venue, strlen(t->venue), &p->venue);
    if (e == PG_OK)
        e = normalise_names(p);
    if (e == PG_OK)
        e = pgd_title_names(t->title, strlen(t->title), &p->title_names, &p->has_head,
                                &p->strong_name);
    if (e == PG_OK)
        e = make_item(p, NULL);
    if (e != PG_OK)
        return pg_error_set(err, e, "out of memory");
    /* The raw title and abstract are not compared: a kept text is lean. */
    free(p->info.title);
    free(p->info.abstract);
    p->info.title = p->info.abstract = NULL;
    return PG_OK;
}

/* The match item over p's normalised fields; sh: the abstract's shingles
 * when the caller has them, for item_of (they must live while p is the
 * text being placed). */
static pg_err make_item(prepared *p, const pg_dedup_shingles *sh)
{
    const pg_text_info *t = &p->info;
    pg_match_item it = {
        p->title.data ? p->title.data : "", p->title.len,
        p->abstract.len ? p->abstract.data : NULL, p->abstract.len,
        t->truncated, t->authors, t->year,
        p->n_names ? p->names : NULL, p->n_names,
        p->venue.len ? p->venue.data : NULL, p->venue.len,
        t->n_urls ? (const char *const *)t->urls : NULL, t->n_urls,
        p->title_names.len ? p->title_names.data : NULL, p->title_names.len,
        p->has_head, p->strong_name, NULL, 0, NULL,
    };
    p->item = it;
    p->sh = sh;
    return PG_OK;
}

pg_err pg_dedup_new(pg_store *s, const pg_match_opts *o, pg_dedup **out,
                    pg_error *err)
{
    pg_dedup *d = calloc(1, sizeof *d);
    if (d != NULL) {
        d->cache_mask = CACHE_SLOTS_FIRST - 1;
        d->cache = calloc(CACHE_SLOTS, sizeof *d->cache);
        d->cached = calloc(CACHE_SLOTS, 1);
        d->cache_key = calloc(CACHE_SLOTS, sizeof *d->cache_key);
        d->cache_used = calloc(CACHE_SLOTS, sizeof *d->cache_used);
        d->self = calloc(1, sizeof *d->self);
        d->other = calloc(1, sizeof *d->other);
    }
    if (d == NULL || d->cache == NULL || d->cached == NULL || d->cache_key == NULL
        || d->cache_used == NULL || d->self == NULL || d->other == NULL) {
        if (d != NULL) {
            free(d->cache);
            free(d->cached);
            free(d->cache_key);
            free(d->cache_used);
            free(d->self);
            free(d->other);
        }
        free(d);
        *out = NULL;
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    }
    d->s = s;
    pg_err e = PG_OK;
    if (o != NULL)
        d->o = *o;
    else
        e = load_opts(s, &d->o, err);
    if (e != PG_OK) {
        pg_dedup_free(d);
        d = NULL;
    }
    *out = d;
    return e;
}

/* The ingest's dedup of a connection, kept with it through tx hooks (only
 * their free: a rollback is noticed by the store's generation). */
typedef struct attached {
    pg_dedup *d;
    unsigned long long generation;  /* the store's, when d was made */
    unsigned long long others;      /* pg_store_others when d's prepared
                                       texts were last known current */
} attached;

static void attached_free(void *ctx)
{
    attached *a = ctx;
    pg_dedup_free(a->d);
    free(a);
}

static const pg_tx_hooks attached_hooks = { NULL, NULL, NULL, NULL, attached_free };

/* Drops the attached dedup of s (after its clusters were rebuilt). */
static void attached_drop(pg_store *s)
{
    attached *a = pg_store_tx_ctx(s, &attached_hooks);
    if (a != NULL) {
        pg_dedup_free(a->d);
        a->d = NULL;
    }
}

pg_err pg_dedup_attached(pg_store *s, pg_dedup **out, pg_error *err)
{
    attached *a = pg_store_tx_ctx(s, &attached_hooks);
    pg_err e = PG_OK;
    *out = NULL;
    if (a == NULL) {
        if ((a = calloc(1, sizeof *a)) == NULL)
            return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        if ((e = pg_store_add_tx_hooks(s, &attached_hooks, a, err)) != PG_OK) {
            free(a);
            return e;
        }
    }
    if (a->d != NULL && a->generation == pg_store_generation(s)) {
        /* Another connection may have added occurrences of the texts
         * prepared here, and so changed their authors, year or venue:
         * they are prepared again.  Keys, ids and sketches never change. */
        if (a->others != pg_store_others(s)) {
            pgd_cache_drop(a->d);
            pgd_records_release(&a->d->records);
            a->others = pg_store_others(s);
        }
        *out = a->d;
        return PG_OK;
    }
    pg_dedup_free(a->d);
    a->d = NULL;
    e = pg_dedup_new(s, NULL, &a->d, err);
    a->generation = pg_store_generation(s);
    a->others = pg_store_others(s);
    *out = a->d;
    return e;
}

/* The first slot of the pair key may be cached in. */
static size_t cache_pair(pg_key key, size_t mask)
{
    return (size_t)(key.lo & mask) & ~(size_t)1;
}

/* The slot holding key, or SIZE_MAX. */
static size_t cache_find(const pg_dedup *d, pg_key key)
{
    size_t at = cache_pair(key, d->cache_mask);
    for (size_t i = at; i < at + 2; i++)
        if (d->cached[i] && pg_key_cmp(d->cache_key[i], key) == 0)
            return i;
    return SIZE_MAX;
}

/* The slot a new text of key goes to: an empty one of its pair, else the
 * one asked for longer ago. */
static size_t cache_victim(const pg_dedup *d, pg_key key)
{
    size_t at = cache_pair(key, d->cache_mask);
    if (!d->cached[at])
        return at;
    if (!d->cached[at + 1])
        return at + 1;
    return (int32_t)(d->cache_used[at] - d->cache_used[at + 1]) <= 0 ? at : at + 1;
}

/* Uses all CACHE_SLOTS: each cached text moves to its pair under the wider
 * mask, which is its own or one of the new ones (same low bits), into the
 * same side of it, so no two land in one slot.  Slots whose text was
 * forgotten keep their allocation where it is. */
static void cache_grow(pg_dedup *d)
{
    size_t mask = CACHE_SLOTS - 1;
    for (size_t i = 0; i <= d->cache_mask; i++) {
        if (!d->cached[i])
            continue;
        size_t j = cache_pair(d->cache_key[i], mask) | (i & 1);
        if (j == i)
            continue;
        d->cache[j] = d->cache[i];
        d->cached[j] = 1;
        d->cache_key[j] = d->cache_key[i];
        d->cache_used[j] = d->cache_used[i];
        d->cache[i] = NULL;
        d->cached[i] = 0;
    }
    d->cache_mask = mask;
}

/* The cached prepared text of key, or NULL. */
prepared *pgd_cache_hit(pg_dedup *d, pg_key key)
{
    size_t slot = cache_find(d, key);
    if (slot == SIZE_MAX)
        return NULL;
    d->cache_used[slot] = ++d->tick;
    return d->cache[slot];
}

void pgd_cache_drop(pg_dedup *d)
{
    for (size_t i = 0; d->cached != NULL && i < CACHE_SLOTS; i++)
        d->cached[i] = 0;
}

void pg_dedup_forget(pg_dedup *d, pg_key text)
{
    prepared *p = pgd_cache_hit(d, text);
    if (p != NULL)
        p->stale = 1;
    pgd_records_drop(&d->records, text);
}

void pg_dedup_free(pg_dedup *d)
{
    if (d == NULL)
        return;
    if (d->self != NULL)
        prepared_free(d->self);
    if (d->other != NULL)
        prepared_free(d->other);
    free(d->self);
    free(d->other);
    for (size_t i = 0; d->cache != NULL && i < CACHE_SLOTS; i++) {
        if (d->cache[i] != NULL)
            prepared_free(d->cache[i]);
        free(d->cache[i]);
    }
    free(d->cache);
    free(d->cached);
    free(d->cache_key);
    free(d->cache_used);
    pgd_sketches_release(&d->sketches);
    pgd_records_release(&d->records);
    pg_packer_free(d->packer);
    pg_buf_release(&d->rec_buf);
    pg_buf_release(&d->raw_buf);
    free(d->cands);
    pg_idvec_release(&d->ids);
    free(d->key_of);
    pg_buf_release(&d->sk_buf);
    free(d);
}

const pg_match_opts *pg_dedup_opts(const pg_dedup *d)
{
    return &d->o;
}

const pg_dedup_stats *pg_dedup_stats_get(const pg_dedup *d)
{
    return &d->st;
}

void pg_dedup_keys_of(const char *title, size_t title_len, const char *abstract,
                      size_t abstract_len, int truncated, pg_dedup_keys *out)
{
    pg_dedup_keys_seq(title, title_len, abstract, abstract_len, truncated, out, NULL, 0,
                      NULL);
}

void pg_dedup_keys_seq(const char *title, size_t title_len, const char *abstract,
                       size_t abstract_len, int truncated, pg_dedup_keys *out,
                       uint64_t *seq, size_t cap, size_t *n_seq)
{
    uint64_t tb[PG_TITLE_BANDS_MAX];
    pg_minhash mh;
    sketch sk;
    size_t nt = pg_title_bands(title != NULL ? title : "", title_len, tb);
    size_t distinct = 0, n_own = 0;
    uint64_t *own = NULL;
    mh.shingles = 0;
    out->n_bands = 0;
    out->n_lsh = 0;
    if (n_seq != NULL)
        *n_seq = 0;
    if (abstract_len > 0) {
        /* The sketch counts the distinct shingles.  A caller with room for
         * the hashes sorts them anyway, and gives the count after
         * (pg_dedup_keys_set_distinct); without, they go into a buffer of
         * our own (a key has at most one shingle a word, or one), and
         * without memory the sketch has no count. */
        if (seq == NULL && (own = malloc((abstract_len / 2 + 2) * sizeof *own)) != NULL) {
            seq = own;
            cap = abstract_len / 2 + 2;
            n_seq = &n_own;
        }
        pg_minhash_compute_seq(abstract, abstract_len, &mh, seq, cap, n_seq);
        if (own != NULL)
            distinct = pg_dedup_distinct(own, n_own);
        free(own);
        out->n_bands = pg_minhash_bands(&mh, out->bands);
        out->n_lsh = out->n_bands < PG_MINHASH_BANDS ? out->n_bands : PG_MINHASH_BANDS;
        if (nt > 0)
            out->bands[out->n_bands++] = tb[0];
    } else {
        memcpy(out->bands, tb, nt * sizeof *tb);
        out->n_bands = nt;
    }
    /* Only a title with more keys than its whole ones (over 3 content
     * words) can be scored as identical; short titles keep the mark 2 so
     * that the many texts under "Continual Learning" are still ruled out. */
    pgd_sketch_make(&mh, title, title_len, nt > 2 ? (uint16_t)((tb[0] >> 48) | 1) : 2,
                    abstract, abstract_len, truncated, distinct, &sk);
    out->has_sketch = sk.valid;
    pgd_sketch_to_bytes(&sk, out->sketch);
}

void pg_dedup_keys_set_distinct(pg_dedup_keys *out, size_t distinct)
{
    if (out->has_sketch)
        pgd_sketch_bytes_set_distinct(out->sketch, distinct);
}

/* The prepared candidate, from the cache or loaded into it. */
/* ---- records: a prepared text in about a KB --------------------------- */

static int put_bytes(pg_buf *b, const void *p, size_t n)
{
    uint32_t len = (uint32_t)n;
    return n <= UINT32_MAX && pg_buf_append(b, &len, sizeof len) == PG_OK
           && (n == 0 || pg_buf_append(b, p, n) == PG_OK);
}

static int put_str(pg_buf *b, const char *s)
{
    return put_bytes(b, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

/* How a record holds its abstract. */
enum { REC_NORMALISED, REC_RAW_PACKED, REC_RAW };

/* Appends to b the record of p, a prepared text (raw title and abstract
 * not needed): what prepare() makes of the stored text, which make_item
 * and split_names then complete as they do after prepare().  The abstract
 * is kept as the store keeps it when the text came from an ingest (the
 * frame the producer packed for the store, or the text as given), to be
 * normalised again when the record is read: packing it once more would
 * cost the ingest more than normalising costs the few records read back.
 * 0 when memory is short. */
static int record_write(pg_buf *b, const prepared *p)
{
    const pg_text_info *t = &p->info;
    const pg_dedup_text *from = p->from;
    int32_t nums[2] = { t->authors, t->year };
    unsigned char flags = (unsigned char)((t->truncated != 0) | (p->has_head != 0) << 1
                                          | (p->strong_name != 0) << 2);
    uint32_t n_urls = (uint32_t)t->n_urls, form = REC_NORMALISED;
    const char *a = p->abstract.data;
    size_t an = p->abstract.len;
    if (from != NULL && from->packed_abstract != NULL) {
        form = REC_RAW_PACKED;
        a = from->packed_abstract;
        an = from->packed_len;
    } else if (from != NULL && from->raw_abstract != NULL) {
        form = REC_RAW;
        a = from->raw_abstract;
        an = from->raw_abstract_len;
    }
    int ok = pg_buf_append(b, &flags, 1) == PG_OK && pg_buf_append(b, nums, sizeof nums) == PG_OK
             && pg_buf_append(b, &t->norm_key, sizeof t->norm_key) == PG_OK
             && put_str(b, t->author_names) && put_str(b, t->venue)
             && put_bytes(b, p->title.data, p->title.len)
             && put_bytes(b, p->venue.data, p->venue.len)
             && put_bytes(b, p->names_buf.data, p->names_buf.len)
             && put_bytes(b, p->title_names.data, p->title_names.len)
             && pg_buf_append(b, &n_urls, sizeof n_urls) == PG_OK;
    for (size_t i = 0; ok && i < t->n_urls; i++)
        ok = put_str(b, t->urls[i]);
    return ok && pg_buf_append(b, &form, sizeof form) == PG_OK && put_bytes(b, a, an);
}

/* Keeps p, a lean prepared text, as the record of its key: the record the
 * producer made of it when there is one (the same bytes, made off this
 * thread), else made here.  Nothing is kept when memory is short. */
static void record_keep(pg_dedup *d, const prepared *p)
{
    const pg_dedup_text *from = p->from;
    if (from != NULL && from->record != NULL) {
        pgd_records_put(&d->records, p->info.key, from->record, from->record_len);
        return;
    }
    pg_buf_reset(&d->rec_buf);
    if (record_write(&d->rec_buf, p))
        pgd_records_put(&d->records, p->info.key, d->rec_buf.data, d->rec_buf.len);
}

/* Reads a record field by field: ok 0 once one is missing, nomem 1 once
 * memory was short; either stops the reading. */
typedef struct rec_reader {
    const unsigned char *p;
    size_t n, at;
    int ok, nomem;
} rec_reader;

static const unsigned char *take(rec_reader *r, size_t n)
{
    if (!r->ok || r->nomem)
        return NULL;
    if (n > r->n - r->at) {
        r->ok = 0;
        return NULL;
    }
    r->at += n;
    return r->p + r->at - n;
}

static uint32_t take_u32(rec_reader *r)
{
    uint32_t v = 0;
    const unsigned char *p = take(r, sizeof v);
    if (p != NULL)
        memcpy(&v, p, sizeof v);
    return v;
}

/* The next length-prefixed field (not NUL-terminated), its length in *n. */
static const char *take_bytes(rec_reader *r, size_t *n)
{
    *n = take_u32(r);
    return (const char *)take(r, *n);
}

static void take_buf(rec_reader *r, pg_buf *b)
{
    size_t n;
    const char *s = take_bytes(r, &n);
    if (s != NULL && pg_buf_append(b, s, n) != PG_OK)
        r->nomem = 1;
}

static char *take_str(rec_reader *r)
{
    size_t n;
    const char *s = take_bytes(r, &n);
    char *c = s != NULL ? malloc(n + 1) : NULL;
    if (c != NULL) {
        memcpy(c, s, n);
        c[n] = '\0';
    } else if (s != NULL) {
        r->nomem = 1;
    }
    return c;
}

/* Makes p (released first) from the record rec[0..len) of text key as
 * prepare() makes it from the store, its abstract normalised from the
 * record, or norm[0..norm_len) when norm is not NULL (the record's is
 * then only checked to be there): 1 when made, 0 when the record does not
 * read, -1 when memory is short. */
static int record_parse(pg_dedup *d, pg_key key, const unsigned char *rec, size_t len,
                        const char *norm, size_t norm_len, prepared *p, int *raw)
{
    size_t an = 0;
    rec_reader r = { rec, len, 0, 1, 0 };
    pg_text_info *t = &p->info;
    int32_t nums[2] = { 0, 0 };
    uint32_t form = 0;
    prepared_release(p);
    t->key = key;
    const unsigned char *f = take(&r, 1), *x = take(&r, sizeof nums),
                        *nk = take(&r, sizeof t->norm_key);
    if (r.ok) {
        t->truncated = *f & 1;
        p->has_head = *f >> 1 & 1;
        p->strong_name = *f >> 2 & 1;
        memcpy(nums, x, sizeof nums);
        t->authors = nums[0];
        t->year = nums[1];
        memcpy(&t->norm_key, nk, sizeof t->norm_key);
    }
    t->author_names = take_str(&r);
    t->venue = take_str(&r);
    take_buf(&r, &p->title);
    take_buf(&r, &p->venue);
    take_buf(&r, &p->names_buf);
    take_buf(&r, &p->title_names);
    size_t n_urls = take_u32(&r);
    if (n_urls > r.n)
        r.ok = 0;
    else if (r.ok && n_urls > 0 && (t->urls = calloc(n_urls, sizeof *t->urls)) == NULL)
        r.nomem = 1;
    while (r.ok && !r.nomem && t->n_urls < n_urls) {
        char *u = take_str(&r);
        if (u != NULL)
            t->urls[t->n_urls++] = u;
    }
    form = take_u32(&r);
    const char *a = take_bytes(&r, &an);
    if (r.ok && (r.at != r.n || form > REC_RAW))
        r.ok = 0;
    if (raw != NULL)
        *raw = norm == NULL && form != REC_NORMALISED;
    if (r.ok && form == REC_RAW_PACKED && d->packer == NULL && pg_packer_new(&d->packer) != PG_OK)
        r.nomem = 1;
    if (a != NULL && r.ok && !r.nomem) {
        pg_err e = PG_OK;
        if (norm != NULL) {
            e = pg_buf_append(&p->abstract, norm, norm_len);
        } else if (form == REC_NORMALISED) {
            e = pg_buf_append(&p->abstract, a, an);
        } else {
            /* As prepare() reads the stored text: up to a NUL. */
            if (form == REC_RAW_PACKED && (e = pg_abstract_unpack(d->packer, a, an, &d->raw_buf)) == PG_OK) {
                a = d->raw_buf.data;
                an = d->raw_buf.len;
            }
            const char *nul = e == PG_OK ? memchr(a, '\0', an) : NULL;
            if (e == PG_OK)
                e = pg_normalize_key(a, nul != NULL ? (size_t)(nul - a) : an, &p->abstract);
        }
        r.ok = e != PG_ERR_FORMAT;
        r.nomem = e == PG_ERR_NOMEM;
    }
    /* split_names ended each name of the kept buffer with a NUL: the
     * newlines it splits at again. */
    for (size_t i = 0; i < p->names_buf.len; i++)
        if (p->names_buf.data[i] == '\0')
            p->names_buf.data[i] = '\n';
    if (r.ok && !r.nomem && (split_names(p) != PG_OK || make_item(p, NULL) != PG_OK))
        r.nomem = 1;
    if (r.ok && !r.nomem)
        return 1;
    prepared_release(p);
    return r.nomem ? -1 : 0;
}

/* Makes p from key's record: 1 when made, 0 when key has no record (or one
 * that does not read, which is then dropped), -1 when memory is short.
 * A record whose abstract had to be normalised is kept again with the
 * normalised abstract while the records fill less than half their room: a
 * candidate read back is likely read back again (a text with a common
 * title or stock sentences meets many), and normalising is most of the
 * cost of reading one. */
static int record_load(pg_dedup *d, pg_key key, prepared *p)
{
    const unsigned char *rec;
    size_t len;
    int raw = 0;
    if (!pgd_records_get(&d->records, key, &rec, &len))
        return 0;
    int got = record_parse(d, key, rec, len, NULL, 0, p, &raw);
    if (got == 0)
        pgd_records_drop(&d->records, key);
    if (got > 0 && raw && d->records.bytes < pgd_records_max(&d->records) / 2) {
        pg_buf_reset(&d->rec_buf);
        if (record_write(&d->rec_buf, p)) {
            pgd_records_drop(&d->records, key);
            pgd_records_put(&d->records, key, d->rec_buf.data, d->rec_buf.len);
        }
    }
    return got;
}

static int same_buf(const pg_buf *a, const pg_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static int same_str(const char *a, const char *b)
{
    return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* 1 when a and b are the same prepared text, field by field. */
static int same_prepared(const prepared *a, const prepared *b)
{
    const pg_text_info *x = &a->info, *y = &b->info;
    int same = pg_key_cmp(x->key, y->key) == 0 && pg_key_cmp(x->norm_key, y->norm_key) == 0
               && x->truncated == y->truncated && x->authors == y->authors
               && x->year == y->year && same_str(x->author_names, y->author_names)
               && same_str(x->venue, y->venue) && x->n_urls == y->n_urls
               && same_buf(&a->title, &b->title) && same_buf(&a->abstract, &b->abstract)
               && same_buf(&a->venue, &b->venue) && same_buf(&a->names_buf, &b->names_buf)
               && same_buf(&a->title_names, &b->title_names) && a->has_head == b->has_head
               && a->strong_name == b->strong_name && a->n_names == b->n_names;
    for (size_t i = 0; same && i < x->n_urls; i++)
        same = same_str(x->urls[i], y->urls[i]);
    for (size_t i = 0; same && i < a->n_names; i++)
        same = same_str(a->names[i], b->names[i]);
    return same;
}

pg_err pgd_record_check(pg_dedup *d, pg_key key, int *same, pg_error *err)
{
    prepared *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    pg_err e = a != NULL && b != NULL ? prepare(d->s, key, 0, a, err)
                                      : pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    int got = e == PG_OK ? record_load(d, key, b) : 0;
    if (got < 0)
        e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    *same = got > 0 && same_prepared(a, b);
    if (a != NULL)
        prepared_free(a);
    if (b != NULL)
        prepared_free(b);
    free(a);
    free(b);
    return e;
}

/* Reads again the authors, year and venue of p, a cached text (id) whose
 * occurrences grew, and keeps its record again.  An occurrence changes
 * nothing else of a text (its key is its title and abstract, whose URLs
 * and features follow from them), so the text need not be made again:
 * most of a text's repeats come before it is a candidate. */
static pg_err refresh(pg_dedup *d, long long id, prepared *p, pg_error *err)
{
    pg_err e = pg_store_text_occ_meta(d->s, id, &p->info, err);
    if (e != PG_OK)
        return e;
    /* The item points into the venue's buffer, which normalising may move:
     * it is let go first (a failure leaves the slot stale, read again). */
    p->item.venue = NULL;
    p->item.venue_len = 0;
    pg_buf_reset(&p->venue);
    if (pg_normalize_key(p->info.venue, strlen(p->info.venue), &p->venue) != PG_OK)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    p->item.authors = p->info.authors;
    p->item.year = p->info.year;
    p->item.venue = p->venue.len ? p->venue.data : NULL;
    p->item.venue_len = p->venue.len;
    p->stale = 0;
    d->refreshes++;
    record_keep(d, p);
    return PG_OK;
}

static pg_err load_candidate(pg_dedup *d, pg_key key, long long id, prepared **out,
                              pg_error *err)
{
    if ((*out = pgd_cache_hit(d, key)) != NULL) {
        if (!(*out)->stale)
            return PG_OK;
        pg_err e = id > 0 ? refresh(d, id, *out, err) : PG_ERR_NOT_FOUND;
        if (e != PG_ERR_NOT_FOUND)
            return e;
        d->cached[cache_find(d, key)] = 0;      /* made again below */
    }
    if (++d->loads > CACHE_SLOTS_FIRST && d->cache_mask < CACHE_SLOTS - 1)
        cache_grow(d);
    size_t slot = cache_victim(d, key);
    d->cached[slot] = 0;
    d->cache_used[slot] = ++d->tick;
    if (d->cache[slot] == NULL && (d->cache[slot] = calloc(1, sizeof(prepared))) == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    prepared *p = *out = d->cache[slot];
    int from_record = record_load(d, key, p);
    pg_err e = from_record < 0 ? pg_error_set(err, PG_ERR_NOMEM, "out of memory") : PG_OK;
    d->record_loads += from_record > 0;
    if (from_record == 0 && (e = prepare(d->s, key, id, p, err)) == PG_OK)
        record_keep(d, p);
    if (e == PG_OK) {
        keep_lean(p);
        d->cache_key[slot] = key;
    }
    d->cached[slot] = e == PG_OK;
    return e;
}

pg_err pgd_candidate_check(pg_dedup *d, pg_key key, long long id, int *same, pg_error *err)
{
    prepared *got = NULL, *fresh = calloc(1, sizeof *fresh);
    pg_err e = fresh != NULL ? load_candidate(d, key, id, &got, err)
                             : pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    if (e == PG_OK)
        e = prepare(d->s, key, id, fresh, err);
    *same = e == PG_OK && same_prepared(got, fresh) && got->item.authors == fresh->item.authors
            && got->item.year == fresh->item.year && got->item.venue_len == fresh->item.venue_len
            && (got->item.venue_len == 0 ||
                memcmp(got->item.venue, fresh->item.venue, got->item.venue_len) == 0);
    if (fresh != NULL)
        prepared_free(fresh);
    free(fresh);
    return e;
}

/* Whether paper is one of papers[0..n). */
static int in_papers(char (*papers)[PG_ID_HEX], size_t n, const char *paper)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(papers[i], paper) == 0)
            return 1;
    return 0;
}

/* Verifies one candidate; on a match records it and adds the candidate's
 * paper to the merge set.  A candidate whose paper is in the set already
 * is not verified: whatever the verdict, the text joins that paper, and
 * the match recorded with the paper's first verified text explains it.
 * Variants of one paper are each other's candidates, so this saves most
 * verifications where papers have several texts; the papers come out the
 * same (the components of the match graph do not change). */
static pg_err verify(pg_dedup *d, long long self_id, const candidate *c,
                     char (*papers)[PG_ID_HEX], size_t *n_papers, pg_error *err)
{
    pg_key cand = c->key;
    pg_match_result r;
    prepared *other = NULL;
    int have_paper = 0;
    pg_err e = PG_OK;
    /* Its sketch did not rule it out (pgd_find_candidates).  Papers are
     * not renamed until the loop over candidates ends. */
    if (*n_papers > 0) {
        e = pg_store_paper_of_id(d->s, c->id, papers[*n_papers], err);
        if (e != PG_OK)
            return e;
        have_paper = 1;
        if (in_papers(papers, *n_papers, papers[*n_papers])) {
            d->st.same_paper++;
            return PG_OK;
        }
    }
    e = load_candidate(d, cand, c->id, &other, err);
    if (e == PG_OK)
        e = decide(d, d->self, other, 0, &r);
    if (e != PG_OK)
        return e == PG_ERR_NOMEM ? pg_error_set(err, e, "out of memory") : e;
    d->st.candidates++;
    if (!r.same)
        return PG_OK;
    d->st.matches++;
    double score = r.abstract_jaccard >= 0 ? r.abstract_jaccard : r.title_sim;
    e = pg_store_add_match_ids(d->s, self_id, c->id, r.rule, score, err);
    if (e == PG_OK && !have_paper)
        e = pg_store_paper_of_id(d->s, c->id, papers[*n_papers], err);
    if (e == PG_OK && papers[*n_papers][0] != '\0')
        (*n_papers)++;
    return e;
}

static int id_order(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Puts the text in the smallest of its own id and the matched papers' ids,
 * and moves the other matched papers there.  The text's cluster row is
 * written here, once its paper is known: an ingest stores a new text
 * without one (pg_text.unplaced), and a row that names its own id would
 * only be replaced by another when the text joined a paper. */
static pg_err join_papers(pg_dedup *d, long long self_id, char (*papers)[PG_ID_HEX],
                          size_t n, pg_error *err)
{
    char own[PG_ID_HEX];
    pg_key_to_id(d->self->info.norm_key, own);
    memcpy(papers[n++], own, PG_ID_HEX);
    qsort(papers, n, PG_ID_HEX, id_order);
    pg_err e = PG_OK;
    for (size_t i = 1; i < n && e == PG_OK; i++) {
        if (strcmp(papers[i], papers[i - 1]) == 0 || strcmp(papers[i], own) == 0)
            continue;
        e = pg_store_rename_paper(d->s, papers[i], papers[0], err);
        d->st.merges++;
    }
    if (e == PG_OK)
        e = pg_store_set_paper_id(d->s, self_id, papers[0], err);
    return e;
}

static void keys_of_prepared(const prepared *p, pg_dedup_keys *out)
{
    pg_dedup_keys_of(p->title.data, p->title.len,
                     p->item.abstract != NULL ? p->abstract.data : NULL,
                     p->item.abstract != NULL ? p->abstract.len : 0,
                     p->info.truncated, out);
}

/* Places the prepared self text: its keys (keys, or computed when NULL),
 * candidates, verification and paper.  Then keeps it in the cache, as the
 * likely candidate of the next variant of the same paper. */
static pg_err place_self(pg_dedup *d, const pg_dedup_keys *keys, pg_error *err)
{
    pg_dedup_keys own;
    char (*papers)[PG_ID_HEX] = NULL;
    size_t n_papers = 0;
    pg_key text = d->self->info.key;
    if (keys == NULL) {
        keys_of_prepared(d->self, &own);
        keys = &own;
    }
    /* The keys are made from the normalised title; whether it carries a
     * coined name needs its case, which the prepared text knows. */
    unsigned char sk_bytes[PG_DEDUP_SKETCH_BYTES];
    if (keys->has_sketch) {
        memcpy(sk_bytes, keys->sketch, sizeof sk_bytes);
        if (d->self->strong_name)
            pgd_sketch_bytes_mark_named(sk_bytes);
        pgd_sketch_from_bytes(sk_bytes, sizeof sk_bytes, &d->self->sk);
    } else {
        memset(&d->self->sk, 0, sizeof d->self->sk);
    }
    long long self_id = 0;
    size_t n_cands = 0;
    pg_err e = pg_store_text_id(d->s, text, &self_id, err);
    if (e == PG_OK && self_id > 0)
        pgd_remember_key(d, self_id, text);
    if (e == PG_OK)
        e = pgd_find_candidates(d, self_id, keys, &n_cands, err);
    if (e == PG_OK)
        e = pg_bands_add(d->s, text, keys->bands, keys->n_bands,
                         keys->has_sketch ? sk_bytes : NULL,
                         keys->has_sketch ? sizeof sk_bytes : 0, err);
    if (e == PG_OK && (papers = malloc((n_cands + 1) * PG_ID_HEX)) == NULL)
        e = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n_cands && e == PG_OK; i++)
        e = verify(d, self_id, &d->cands[i], papers, &n_papers, err);
    if (e == PG_OK)
        e = join_papers(d, self_id, papers, n_papers, err);
    d->st.texts += e == PG_OK;
    free(papers);
    /* Its shingles too, while the producer's live: a text placed without
     * candidates (a paper's first version) is the candidate of its later
     * versions, and shingling its text again costs many times the copy.
     * The title's part waits until it is compared (most texts never are);
     * without memory all is made then, as before. */
    if (e == PG_OK && d->self->sh != NULL && (d->self->feat == NULL || !d->self->feat->ready)
        && (d->self->feat != NULL || (d->self->feat = calloc(1, sizeof *d->self->feat)) != NULL))
        (void)pgd_feat_keep_shingles(d->self->sh, d->self->feat);
    if (e == PG_OK) {
        pgd_sketches_put(&d->sketches, self_id, &d->self->sk);
        record_keep(d, d->self);
        /* Its own slot when it is cached already (placed again by
         * `dedup`): a key is never in both of a pair. */
        size_t slot = cache_find(d, text);
        if (slot == SIZE_MAX)
            slot = cache_victim(d, text);
        prepared *old = d->cache[slot];
        d->cache_used[slot] = ++d->tick;
        keep_lean(d->self);
        d->cache[slot] = d->self;
        d->cached[slot] = 1;
        d->cache_key[slot] = text;
        /* The slot's old text is released by the next prepare. */
        if (old == NULL && (old = calloc(1, sizeof *old)) == NULL) {
            d->cache[slot] = NULL;      /* self stays self */
            d->cached[slot] = 0;
        } else {
            d->self = old;
        }
    }
    return e;
}

pg_err pg_dedup_add_text(pg_dedup *d, pg_key text, pg_error *err)
{
    pg_err e = prepare(d->s, text, 0, d->self, err);
    return e == PG_OK ? place_self(d, NULL, err) : e;
}

static char *dup_str(const char *s)
{
    return strdup(s != NULL ? s : "");
}

/* Fills p from t as prepare() would from the store. */
static pg_err prepare_from(const pg_dedup_text *t, prepared *p)
{
    prepared_release(p);
    pg_text_info *i = &p->info;
    i->key = t->key;
    i->norm_key = t->norm_key;
    i->truncated = t->truncated;
    i->authors = t->authors;
    i->year = t->year;
    i->author_names = dup_str(t->author_names);
    i->venue = dup_str(t->venue);
    if (i->author_names == NULL || i->venue == NULL)
        return PG_ERR_NOMEM;
    if (t->n_urls > 0 && (i->urls = calloc(t->n_urls, sizeof *i->urls)) == NULL)
        return PG_ERR_NOMEM;
    for (; i->n_urls < t->n_urls; i->n_urls++)
        if ((i->urls[i->n_urls] = dup_str(t->urls[i->n_urls])) == NULL)
            return PG_ERR_NOMEM;
    pg_err e = pg_buf_append(&p->title, t->title, t->title_len);
    if (e == PG_OK)
        e = pg_buf_append(&p->abstract, t->abstract, t->abstract_len);
    if (e == PG_OK)
        e = pg_normalize_key(i->venue, strlen(i->venue), &p->venue);
    if (e == PG_OK)
        e = normalise_names(p);
    if (e == PG_OK && t->raw_title != NULL)
        e = pgd_title_names(t->raw_title, t->raw_title_len, &p->title_names, &p->has_head,
                                &p->strong_name);
    else if (e == PG_OK)
        e = pgd_title_names(t->title, t->title_len, &p->title_names, &p->has_head,
                                &p->strong_name);
    if (e == PG_OK)
        e = make_item(p, t->shingles);
    p->from = t;
    return e;
}

pg_err pg_dedup_record_make(const pg_dedup_text *t, pg_buf *out)
{
    prepared p;
    memset(&p, 0, sizeof p);
    pg_err e = prepare_from(t, &p);
    if (e == PG_OK && !record_write(out, &p))
        e = PG_ERR_NOMEM;
    prepared_free(&p);
    return e;
}

pg_err pg_dedup_add_new(pg_dedup *d, const pg_dedup_text *t, pg_error *err)
{
    prepared *p = d->self;
    pg_err e = PG_OK;
    /* The producer's record holds what prepare_from would compute here
     * (the normalised venue, names and title names): read back, it makes
     * the same prepared text.  One that does not read is made here. */
    int got = t->record != NULL ? record_parse(d, t->key, t->record, t->record_len,
                                               t->abstract, t->abstract_len, p, NULL)
                                : 0;
    if (got < 0)
        e = PG_ERR_NOMEM;
    else if (got > 0)
        e = make_item(p, t->shingles);
    else
        e = prepare_from(t, p);
    if (e != PG_OK)
        return pg_error_set(err, e, "out of memory");
    p->from = t;
    return place_self(d, t->keys, err);
}

/* How many of keys[from..to) are among in[from_in..to_in). */
static size_t keys_shared(const uint64_t *keys, size_t from, size_t to, const uint64_t *in,
                          size_t from_in, size_t to_in)
{
    size_t n = 0;
    for (size_t i = from; i < to; i++)
        for (size_t j = from_in; j < to_in; j++)
            if (keys[i] == in[j]) {
                n++;
                break;
            }
    return n;
}

/* Whether a and b meet as candidates (pg_bands_candidates' rule over the
 * keys each would be placed with), into r. */
static void meet(const prepared *a, const prepared *b, pg_match_result *r)
{
    pg_dedup_keys ka, kb;
    keys_of_prepared(a, &ka);
    keys_of_prepared(b, &kb);
    r->shared_bands = keys_shared(ka.bands, 0, ka.n_lsh, kb.bands, 0, kb.n_lsh);
    size_t other = keys_shared(ka.bands, ka.n_lsh, ka.n_bands, kb.bands, kb.n_lsh, kb.n_bands);
    r->candidates = pg_key_cmp(a->info.norm_key, b->info.norm_key) == 0 || other > 0 ||
                    r->shared_bands >= 2;
}

pg_err pg_dedup_compare(pg_dedup *d, pg_key a, pg_key b, pg_match_result *r,
                        pg_error *err)
{
    pg_err e = prepare(d->s, a, 0, d->self, err);
    if (e == PG_OK)
        e = prepare(d->s, b, 0, d->other, err);
    if (e == PG_OK)
        e = decide(d, d->self, d->other, 1, r);
    if (e == PG_OK)
        meet(d->self, d->other, r);
    if (e == PG_ERR_NOMEM)
        pg_error_set(err, e, "out of memory");
    return e;
}

static int collect_key(void *ctx, pg_key k)
{
    return pg_keyvec_push(ctx, k) != PG_OK;
}

pg_err pg_dedup_rebuild(pg_store *s, const pg_match_opts *o,
                        pg_dedup_stats *st, pg_error *err)
{
    pg_keyvec keys = PG_KEYVEC_INIT;
    pg_dedup *d = NULL;
    pg_err e = pg_store_tx_begin(s, err);
    if (e != PG_OK)
        return e;
    e = pg_store_foreach_text(s, collect_key, &keys, err);
    if (e == PG_OK)
        e = pg_bands_clear(s, err);
    if (e == PG_OK)
        e = pg_store_clear_clusters(s, err);
    attached_drop(s);           /* its cache and papers are about to change */
    if (e == PG_OK)
        e = save_opts(s, o, err);
    char version[16];
    snprintf(version, sizeof version, "%d", PG_MINHASH_VERSION);
    if (e == PG_OK)
        e = pg_store_set_setting(s, VERSION_KEY, version, err);
    if (e == PG_OK)
        e = pg_dedup_new(s, o, &d, err);
    for (size_t i = 0; i < keys.n && e == PG_OK; i++)
        e = pg_dedup_add_text(d, keys.v[i], err);
    if (e == PG_OK) {
        *st = d->st;
        e = pg_store_tx_commit(s, err);
    } else {
        pg_store_tx_rollback(s);
    }
    pg_dedup_free(d);
    pg_keyvec_release(&keys);
    return e;
}
