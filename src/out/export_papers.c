/*
** export_papers.c: the cleaned merged listing (one entry per paper) as CSV,
** JSON lines or the listing format itself, and the table of repeats.
**
** The listing format is written so that papergraph reads it back as the
** same papers: a page header whose day label is the latest day any paper was
** seen, then each canonical entry with its metadata block (publication date
** always with its year, so no year is guessed on the way back).  Titles and
** abstracts are made single lines: the format has no other escape.
*/
#include <stdio.h>
#include <string.h>

#include "papergraph/export.h"
#include "papergraph/papers.h"
#include "out/internal.h"

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

typedef struct out_ctx {
    FILE *out;
    pg_out_format fmt;
    pg_buf row;
    int rows;
    pg_err rc;
    pg_error *err;
} out_ctx;

static int fail(out_ctx *c, pg_err rc)
{
    if (rc == PG_ERR_NOMEM)
        pg_error_set(c->err, rc, "out of memory");
    c->rc = rc;
    return 1;
}

/* ---- CSV and JSON lines ------------------------------------------------ */

static const char *const paper_names[] = {
    "paper_id", "title", "authors", "date", "first_day", "last_day", "days",
    "occurrences", "variants", "upvotes", "truncated", "urls", "abstract",
};
#define PAPER_NCOLS (sizeof paper_names / sizeof paper_names[0])

static int paper_row(void *ctx, const pg_paper *p)
{
    out_ctx *c = ctx;
    const col cols[PAPER_NCOLS] = {
        { paper_names[0], p->id, 0, 0 },
        { paper_names[1], p->title, 0, 0 },
        { paper_names[2], NULL, p->authors, 0 },
        { paper_names[3], p->pub_date, 0, 0 },
        { paper_names[4], p->first_day, 0, 0 },
        { paper_names[5], p->last_day, 0, 0 },
        { paper_names[6], NULL, p->days, 0 },
        { paper_names[7], NULL, p->occurrences, 0 },
        { paper_names[8], NULL, p->variants, 0 },
        { paper_names[9], NULL, p->upvotes, 0 },
        { paper_names[10], NULL, p->truncated, 0 },
        { paper_names[11], p->urls, 0, 1 },
        { paper_names[12], p->abstract, 0, 0 },
    };
    pg_err rc = PG_OK;
    if (c->rows++ == 0 && c->fmt == PG_OUT_CSV)
        rc = pgx_put_header(&c->row, paper_names, PAPER_NCOLS);
    if (rc == PG_OK)
        rc = pgx_put_row(&c->row, c->fmt, cols, PAPER_NCOLS);
    if (rc == PG_OK)
        rc = pgx_flush(&c->row, c->out, c->err);
    return rc == PG_OK ? 0 : fail(c, rc);
}

/* ---- the listing format ------------------------------------------------ */

/* Appends s as one line: line breaks and tabs become spaces. */
static pg_err put_one_line(pg_buf *b, const char *s)
{
    pg_err rc = PG_OK;
    for (; *s && rc == PG_OK; s++)
        rc = pg_buf_putc(b, *s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s);
    return rc;
}

/* "Sep 3" (with_year 0) or "Sep 3, 2025" from YYYY-MM-DD; 0 when d is not a
 * full date. */
static int format_day(const char *d, int with_year, char *out, size_t n)
{
    int y, m, dd;
    if (sscanf(d, "%4d-%2d-%2d", &y, &m, &dd) != 3 || m < 1 || m > 12)
        return 0;
    if (with_year)
        snprintf(out, n, "%s %d, %d", months[m - 1], dd, y);
    else
        snprintf(out, n, "%s %d", months[m - 1], dd);
    return 1;
}

static pg_err put_metadata(pg_buf *b, const pg_paper *p)
{
    char date[32];
    pg_err rc = PG_OK;
    int have_date = format_day(p->pub_date, 1, date, sizeof date);
    if (p->authors < 0 && !have_date)
        return PG_OK;
    if (p->authors >= 0)
        rc = pg_buf_printf(b, "  \xE2\x80\xA2 %d author%s\n", p->authors,
                           p->authors == 1 ? "" : "s");
    if (rc == PG_OK && have_date) {
        rc = pg_buf_printf(b, "\xC2\xB7\n%s", date);
        if (rc == PG_OK && p->upvotes >= 0)
            rc = pg_buf_printf(b, " %d", p->upvotes);
        if (rc == PG_OK)
            rc = pg_buf_putc(b, '\n');
    }
    return rc == PG_OK ? pg_buf_putc(b, '\n') : rc;
}

static int listing_entry(void *ctx, const pg_paper *p)
{
    out_ctx *c = ctx;
    pg_err rc = put_one_line(&c->row, p->title);
    if (rc == PG_OK)
        rc = pg_buf_puts(&c->row, "\n\n");
    if (rc == PG_OK)
        rc = put_one_line(&c->row, p->abstract[0] ? p->abstract : p->title);
    if (rc == PG_OK)
        rc = pg_buf_puts(&c->row, "\n\n");
    if (rc == PG_OK)
        rc = put_metadata(&c->row, p);
    if (rc == PG_OK)
        rc = pgx_flush(&c->row, c->out, c->err);
    return rc == PG_OK ? 0 : fail(c, rc);
}

static int latest_day(void *ctx, const pg_paper_row *p)
{
    char *latest = ctx;
    if (strcmp(p->last_day, latest) > 0)
        snprintf(latest, 11, "%s", p->last_day);
    return 0;
}

static pg_err listing_header(pg_store *s, out_ctx *c)
{
    char latest[11] = "", label[16];
    pg_err rc = pg_store_foreach_paper(s, 0, PG_PAPERS_BY_ID, NULL, latest_day,
                                       latest, c->err);
    if (rc != PG_OK || !format_day(latest, 0, label, sizeof label))
        return rc;          /* no day known: a page without a header */
    rc = pg_buf_printf(&c->row, "new\n\nGet trending papers in your email inbox!\n\n"
                       "Subscribe\n\nDaily Papers\n\nbyAK and the research community"
                       "\n\n%s\n\n", label);
    return rc == PG_OK ? pgx_flush(&c->row, c->out, c->err) : rc;
}

pg_err pg_export_papers(pg_store *s, pg_out_format fmt, FILE *out, pg_error *err)
{
    if (fmt != PG_OUT_CSV && fmt != PG_OUT_JSONL && fmt != PG_OUT_LISTING)
        return pg_error_set(err, PG_ERR_USAGE, "papers can be exported as listing, "
                            "jsonl or csv, not %s", pg_out_format_name(fmt));
    out_ctx c = { out, fmt, PG_BUF_INIT, 0, PG_OK, err };
    pg_err rc = fmt == PG_OUT_LISTING ? listing_header(s, &c) : PG_OK;
    if (rc == PG_OK)
        rc = pg_papers_foreach(s, 0, PG_PAPERS_BY_FIRST_DAY, NULL,
                               fmt == PG_OUT_LISTING ? listing_entry : paper_row,
                               &c, err);
    if (rc == PG_OK)
        rc = c.rc;
    if (rc == PG_OK && c.rows == 0 && fmt == PG_OUT_CSV) {
        rc = pgx_put_header(&c.row, paper_names, PAPER_NCOLS);
        if (rc == PG_OK)
            rc = pgx_flush(&c.row, out, err);
    }
    pg_buf_release(&c.row);
    return rc;
}

/* ---- repeats ------------------------------------------------------------ */

static const char *const repeat_names[] = {
    "paper_id", "days", "occurrences", "first_day", "last_day", "variants", "title",
};
#define REPEAT_NCOLS (sizeof repeat_names / sizeof repeat_names[0])

/* Appends at most max display columns of s, ending in "…" when cut; never
 * splits a UTF-8 sequence. */
static pg_err put_clipped(pg_buf *b, const char *s, size_t max)
{
    size_t chars = 0, i = 0;
    while (s[i] && chars < max) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    pg_err rc = PG_OK;
    for (size_t k = 0; k < i && rc == PG_OK; k++)
        rc = pg_buf_putc(b, s[k] == '\n' || s[k] == '\r' || s[k] == '\t' ? ' ' : s[k]);
    if (rc == PG_OK && s[i])
        rc = pg_buf_puts(b, "\xE2\x80\xA6");
    return rc;
}

static int repeat_row(void *ctx, const pg_paper *p)
{
    out_ctx *c = ctx;
    pg_err rc = PG_OK;
    if (c->fmt == PG_OUT_TABLE) {
        if (c->rows++ == 0)
            rc = pg_buf_printf(&c->row, "%-16s %4s %5s  %-10s  %-10s  %s\n", "paper",
                               "days", "seen", "first", "last", "title");
        if (rc == PG_OK)
            rc = pg_buf_printf(&c->row, "%-16s %4d %5lld  %-10s  %-10s  ", p->id,
                               p->days, p->occurrences, p->first_day, p->last_day);
        if (rc == PG_OK)
            rc = put_clipped(&c->row, p->title, 70);
        if (rc == PG_OK)
            rc = pg_buf_putc(&c->row, '\n');
    } else {
        const col cols[REPEAT_NCOLS] = {
            { repeat_names[0], p->id, 0, 0 },
            { repeat_names[1], NULL, p->days, 0 },
            { repeat_names[2], NULL, p->occurrences, 0 },
            { repeat_names[3], p->first_day, 0, 0 },
            { repeat_names[4], p->last_day, 0, 0 },
            { repeat_names[5], NULL, p->variants, 0 },
            { repeat_names[6], p->title, 0, 0 },
        };
        if (c->rows++ == 0 && c->fmt == PG_OUT_CSV)
            rc = pgx_put_header(&c->row, repeat_names, REPEAT_NCOLS);
        if (rc == PG_OK)
            rc = pgx_put_row(&c->row, c->fmt, cols, REPEAT_NCOLS);
    }
    if (rc == PG_OK)
        rc = pgx_flush(&c->row, c->out, c->err);
    return rc == PG_OK ? 0 : fail(c, rc);
}

pg_err pg_export_repeats(pg_store *s, int min_days, pg_out_format fmt, FILE *out,
                         pg_error *err)
{
    if (fmt != PG_OUT_CSV && fmt != PG_OUT_JSONL && fmt != PG_OUT_TABLE)
        return pg_error_set(err, PG_ERR_USAGE, "repeats can be written as table, "
                            "csv or jsonl, not %s", pg_out_format_name(fmt));
    out_ctx c = { out, fmt, PG_BUF_INIT, 0, PG_OK, err };
    pg_err rc = pg_papers_foreach(s, min_days, PG_PAPERS_BY_REPEATS, NULL,
                                  repeat_row, &c, err);
    if (rc == PG_OK)
        rc = c.rc;
    if (rc == PG_OK && c.rows == 0 && fmt == PG_OUT_CSV) {
        rc = pgx_put_header(&c.row, repeat_names, REPEAT_NCOLS);
        if (rc == PG_OK)
            rc = pgx_flush(&c.row, out, err);
    }
    pg_buf_release(&c.row);
    return rc;
}
