/*
** jsonl.c: the reader backend for JSON lines, one JSON object a line, each
** object a record (the fields it understands are listed in reader.h).
**
** Parsing is jansson's: every line goes whole to json_loadb(), and what the
** object's values mean is the shared field builder's (pgr_fields in
** reader.c), so a JSON key and a CSV column of the same name agree.  A line
** is a record or nothing: invalid JSON, a value that is not an object, an
** over-long line or a record without a title is warned about with its line
** number and skipped, and reading goes on with the next line, because one
** damaged line in a scraped file must not cost the rest of it.  A value of
** the wrong type spoils only its field.
**
** Memory is one line (bounded by max_line in reader.c), jansson's tree of
** that line, freed before the record is returned, and the record's copies
** of its text.
*/
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "read/internal.h"

/* Doubles hold every whole number up to 2^53 exactly. */
#define WHOLE_LIMIT 9007199254740992.0

typedef struct jsonl {
    pgr_fields f;
} jsonl;

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "a list";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "of an unknown type";
}

/* A whole number, written as an integer or as a real: tools that went
 * through a data frame write years and counts as 1999.0. */
static int whole_number(const json_t *v, long long *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 1;
    }
    if (!json_is_real(v))
        return 0;
    double d = json_real_value(v);
    if (d < -WHOLE_LIMIT || d > WHOLE_LIMIT || d != (double)(long long)d)
        return 0;
    *out = (long long)d;
    return 1;
}

/* A list of authors (one name an element) or of URLs. */
static pg_err set_list(pg_reader *r, pgr_fields *f, pgr_field k,
                       const char *key, json_t *list, pg_error *err)
{
    size_t i, bad = 0;
    json_t *item;
    pg_err rc = PG_OK;

    if (k != PGR_F_AUTHORS && k != PGR_F_URL) {
        pgr_fields_wrong_type(r, f, key, "a list");
        return PG_OK;
    }
    if (k == PGR_F_AUTHORS && f->authors >= 0)
        return PG_OK;           /* an earlier alias gave the authors */
    json_array_foreach(list, i, item) {
        if (json_is_null(item))
            continue;           /* absent, as null is everywhere */
        if (!json_is_string(item)) {
            bad++;
            continue;
        }
        rc = pgr_fields_item(r, f, k, key, json_string_value(item),
                             json_string_length(item), err);
        if (rc != PG_OK)
            return rc;
    }
    pgr_fields_list_done(f, k);
    if (bad > 0)
        pgr_warn(r, f->line, "field '%s' has %zu item%s that %s not text; "
                 "ignored", key, bad, bad == 1 ? "" : "s",
                 bad == 1 ? "is" : "are");
    return PG_OK;
}

static pg_err set_value(pg_reader *r, pgr_fields *f, const char *key,
                        json_t *v, pg_error *err)
{
    pgr_field k = pgr_field_lookup(key, strlen(key));
    long long n;

    if (k == PGR_F_UNKNOWN || json_is_null(v))
        return PG_OK;
    if (json_is_string(v))
        return pgr_fields_text(r, f, k, key, json_string_value(v),
                               json_string_length(v), err);
    if (json_is_array(v))
        return set_list(r, f, k, key, v, err);
    if (whole_number(v, &n))
        return pgr_fields_number(r, f, k, key, n, err);
    pgr_fields_wrong_type(r, f, key,
                          json_is_number(v) ? "not a whole number" : type_name(v));
    return PG_OK;
}

/* Parses one line into j->f; *ok tells whether it holds a record. */
static pg_err read_object(pg_reader *r, jsonl *j, const char *s, size_t n,
                          int *ok, pg_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(s, n, JSON_ALLOW_NUL, &jerr);
    const char *key;
    json_t *v;
    pg_err rc = PG_OK;

    *ok = 0;
    if (root == NULL && json_error_code(&jerr) == json_error_out_of_memory)
        return pg_error_set(err, PG_ERR_NOMEM, "%s:%ld: out of memory",
                            pgr_name(r), j->f.line);
    if (root == NULL) {
        pgr_warn(r, j->f.line, "invalid JSON: %s; skipped", jerr.text);
        return PG_OK;
    }
    if (!json_is_object(root)) {
        pgr_warn(r, j->f.line, "JSON value is %s, not an object; skipped",
                 type_name(root));
        goto out;
    }
    json_object_foreach(root, key, v) {
        if ((rc = set_value(r, &j->f, key, v, err)) != PG_OK)
            goto out;
    }
    *ok = 1;
out:
    json_decref(root);
    return rc;
}

static pg_err jsonl_next(pg_reader *r, void *state, pg_record *rec,
                         pg_error *err)
{
    jsonl *j = state;
    pgr_line ln;
    pg_err rc;
    int ok;

    while ((rc = pgr_read_line(r, &ln, err)) == PG_OK) {
        const char *s = ln.s;
        size_t n = ln.len;

        if (ln.too_long) {
            pgr_warn(r, ln.no, "line %ld is longer than %zu bytes; record "
                     "skipped", ln.no, pgr_max_line(r));
            continue;
        }
        pgr_trim(&s, &n);
        if (n == 0)
            continue;           /* blank lines separate nothing */
        pgr_fields_reset(&j->f, ln.no);
        if ((rc = read_object(r, j, s, n, &ok, err)) != PG_OK)
            return rc;
        if (ok && pgr_fields_finish(r, &j->f, rec))
            return PG_OK;
    }
    return rc;
}

static pg_err jsonl_open(pg_reader *r, void **state, pg_error *err)
{
    jsonl *j = calloc(1, sizeof *j);

    if (j == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "%s: out of memory", pgr_name(r));
    pgr_fields_init(&j->f);
    *state = j;
    return PG_OK;
}

static void jsonl_free(void *state)
{
    jsonl *j = state;

    if (j == NULL)
        return;
    pgr_fields_release(&j->f);
    free(j);
}

const pgr_backend pgr_jsonl_backend = {
    jsonl_open,
    jsonl_next,
    jsonl_free,
};
