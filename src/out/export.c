/*
** export.c: writing store contents as CSV or JSON lines.
**
** Rows are built in one pg_buf per row through the escaping functions of
** escape.c and written with one fwrite, so a row is either whole in the
** stream or the export fails.  Output format names live here too.
*/
#include <errno.h>
#include <string.h>

#include "papergraph/export.h"
#include "out/internal.h"

static const char *const format_names[] = {
    [PG_OUT_CSV] = "csv",
    [PG_OUT_JSONL] = "jsonl",
    [PG_OUT_LISTING] = "listing",
    [PG_OUT_TABLE] = "table",
    [PG_OUT_TEXT] = "text",
    [PG_OUT_JSON] = "json",
    [PG_OUT_GRAPHML] = "graphml",
    [PG_OUT_MD] = "md",
    [PG_OUT_RSS] = "rss",
    [PG_OUT_HTML] = "html",
};

pg_err pg_out_format_parse(const char *s, pg_out_format *f)
{
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++) {
        if (strcmp(s, format_names[i]) == 0) {
            *f = (pg_out_format)i;
            return PG_OK;
        }
    }
    return PG_ERR_USAGE;
}

const char *pg_out_format_name(pg_out_format f)
{
    if ((size_t)f < sizeof format_names / sizeof format_names[0])
        return format_names[f];
    return "?";
}

/* Appends a newline-separated list as a JSON array or a space-separated
 * CSV field. */
static pg_err put_list(pg_buf *b, pg_out_format fmt, const char *s)
{
    pg_buf joined = PG_BUF_INIT;
    pg_err rc = fmt == PG_OUT_JSONL ? pg_buf_putc(b, '[') : PG_OK;
    int first = 1;
    while (*s && rc == PG_OK) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        if (len > 0) {
            if (fmt == PG_OUT_JSONL) {
                rc = first ? PG_OK : pg_buf_putc(b, ',');
                if (rc == PG_OK)
                    rc = pg_json_escape(s, len, b);
            } else {
                rc = first ? PG_OK : pg_buf_putc(&joined, ' ');
                if (rc == PG_OK)
                    rc = pg_buf_append(&joined, s, len);
            }
            first = 0;
        }
        s += len + (nl != NULL);
    }
    if (rc == PG_OK)
        rc = fmt == PG_OUT_JSONL ? pg_buf_putc(b, ']')
                                 : pg_csv_escape(joined.data ? joined.data : "",
                                                 joined.len, b);
    pg_buf_release(&joined);
    return rc;
}

pg_err pgx_put_row(pg_buf *b, pg_out_format fmt, const col *cols, size_t n)
{
    pg_err rc = fmt == PG_OUT_JSONL ? pg_buf_putc(b, '{') : PG_OK;
    for (size_t i = 0; i < n && rc == PG_OK; i++) {
        const col *c = &cols[i];
        if (i > 0)
            rc = pg_buf_putc(b, ',');
        if (rc == PG_OK && fmt == PG_OUT_JSONL) {
            rc = pg_json_escape(c->name, strlen(c->name), b);
            if (rc == PG_OK)
                rc = pg_buf_putc(b, ':');
        }
        if (rc != PG_OK)
            break;
        if (c->s != NULL && c->list)
            rc = put_list(b, fmt, c->s);
        else if (c->s != NULL)
            rc = fmt == PG_OUT_JSONL ? pg_json_escape(c->s, strlen(c->s), b)
                                     : pg_csv_escape(c->s, strlen(c->s), b);
        else if (c->n >= 0)
            rc = pg_buf_printf(b, "%lld", c->n);
        else if (fmt == PG_OUT_JSONL)
            rc = pg_buf_puts(b, "null");
    }
    if (rc == PG_OK && fmt == PG_OUT_JSONL)
        rc = pg_buf_putc(b, '}');
    return rc == PG_OK ? pg_buf_putc(b, '\n') : rc;
}

pg_err pgx_put_header(pg_buf *b, const char *const *names, size_t n)
{
    pg_err rc = PG_OK;
    for (size_t i = 0; i < n && rc == PG_OK; i++) {
        if (i > 0)
            rc = pg_buf_putc(b, ',');
        if (rc == PG_OK)
            rc = pg_buf_puts(b, names[i]);
    }
    return rc == PG_OK ? pg_buf_putc(b, '\n') : rc;
}

/* The occurrence columns, in output order. */
static const char *const occ_names[] = {
    "file", "line", "day", "paper_id", "text_key", "title", "authors",
    "upvotes", "pub_date", "ext_id",
};
#define OCC_NCOLS (sizeof occ_names / sizeof occ_names[0])

static void occ_cols(const pg_occurrence *o, col c[OCC_NCOLS])
{
    const col v[OCC_NCOLS] = {
        { occ_names[0], o->file, 0, 0 },
        { occ_names[1], NULL, o->line, 0 },
        { occ_names[2], o->day, 0, 0 },
        { occ_names[3], o->paper_id, 0, 0 },
        { occ_names[4], o->text_key, 0, 0 },
        { occ_names[5], o->title, 0, 0 },
        { occ_names[6], NULL, o->authors, 0 },
        { occ_names[7], NULL, o->upvotes, 0 },
        { occ_names[8], o->pub_date, 0, 0 },
        { occ_names[9], o->ext_id, 0, 0 },
    };
    memcpy(c, v, sizeof v);
}

typedef struct occ_ctx {
    FILE *out;
    pg_out_format fmt;
    pg_buf row;
    int header_done;
    pg_err rc;
    pg_error *err;
} occ_ctx;

pg_err pgx_flush(pg_buf *row, FILE *out, pg_error *err)
{
    if (row->len > 0 && fwrite(row->data, 1, row->len, out) != row->len)
        return pg_error_set(err, PG_ERR_IO, "write error: %s", strerror(errno));
    pg_buf_reset(row);
    return PG_OK;
}

static pg_err flush_row(occ_ctx *c)
{
    return pgx_flush(&c->row, c->out, c->err);
}

static int occ_row(void *ctx, const pg_occurrence *o)
{
    occ_ctx *c = ctx;
    col cols[OCC_NCOLS];
    occ_cols(o, cols);
    pg_err rc = PG_OK;
    if (!c->header_done && c->fmt == PG_OUT_CSV)
        rc = pgx_put_header(&c->row, occ_names, OCC_NCOLS);
    c->header_done = 1;
    if (rc == PG_OK)
        rc = pgx_put_row(&c->row, c->fmt, cols, OCC_NCOLS);
    if (rc == PG_OK)
        rc = flush_row(c);
    else
        pg_error_set(c->err, rc, "out of memory");
    c->rc = rc;
    return rc != PG_OK;
}

pg_err pg_export_occurrences(pg_store *s, pg_out_format fmt, FILE *out,
                             pg_error *err)
{
    if (fmt != PG_OUT_CSV && fmt != PG_OUT_JSONL)
        return pg_error_set(err, PG_ERR_USAGE,
                            "occurrences can be exported as csv or jsonl, not %s",
                            pg_out_format_name(fmt));
    occ_ctx c = { out, fmt, PG_BUF_INIT, 0, PG_OK, err };
    pg_err rc = pg_store_foreach_occurrence(s, occ_row, &c, err);
    if (rc == PG_OK)
        rc = c.rc;
    /* An empty store still gets its CSV header, so the file is a valid table. */
    if (rc == PG_OK && !c.header_done && fmt == PG_OUT_CSV) {
        rc = pgx_put_header(&c.row, occ_names, OCC_NCOLS);
        if (rc == PG_OK)
            rc = flush_row(&c);
    }
    pg_buf_release(&c.row);
    return rc;
}
