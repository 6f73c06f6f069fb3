/*
** csv.c: the reader backend for CSV with a header row (RFC 4180, read
** leniently), each row a record; the header names the fields (the names
** understood are listed in reader.h).
**
** Parsing is libcsv's push parser, fed line by line from pgr_read_line()
** with the newline the line reader strips put back, so that quoting, "" and
** fields spanning lines are libcsv's business, and UTF-8 repair, Latin-1,
** CRLF and the line limit stay reader.c's.  Only "\n" ends a row: a CRLF
** line reaches libcsv as "...\n" already, and a stray '\r' inside a line is
** then text rather than a row break that would put two rows on one line.
** Because rows end only at line ends, at most one row ends per line fed,
** and a row that has not ended after its "\n" is inside a quoted field.
** Values go to the shared field builder (pgr_fields in reader.c) as libcsv
** hands them over, so nothing but the current record is held.
**
** A record, all its lines together, may be at most max_line bytes: an
** unclosed quote would otherwise make the rest of the file one field in
** libcsv's buffer.  A record that outgrows it is warned about and dropped,
** the parser is reset, and the rest of its quoted field is skipped by
** counting quotes (each '"' toggles quoting; "" toggles twice) until a line
** ends outside quotes, which is where libcsv itself would have ended the
** row.  An over-long single line cannot be looked into, so reading starts
** again on the line after it.
**
** Per-record problems are warnings: a row with more fields than the header
** (extras ignored) or fewer (the missing ones absent), a record that ends
** inside a quote at the end of input (skipped), one without a title
** (skipped).  A header without a "title" column refuses the whole file.
*/
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "papergraph/base.h"
#include "read/internal.h"

/* libcsv grows its field buffer by a fixed block (its default, 128 bytes,
 * makes a long abstract cost hundreds of reallocations).  feed() keeps the
 * block at least this size and at least the buffer's size, so the buffer
 * doubles and a field of n bytes costs O(log n) reallocations and O(n)
 * copying rather than O(n^2). */
#define CSV_GROWTH ((size_t)16 << 10)

typedef struct csvr {
    struct csv_parser p;
    pg_reader *r;           /* for the callbacks */
    pg_error *err;          /* for the callbacks */
    pg_err cb_rc;           /* the first error inside a callback */
    pgr_fields f;
    /* The header: column i is fields[i], named names[i]. */
    int in_header;          /* the header row is being read */
    pg_buf header;          /* header names, each followed by a NUL */
    size_t ncols;
    pgr_field *fields;
    const char **names;
    /* The row being read. */
    int open;               /* a row has started and not ended */
    int row_done;           /* libcsv ended the row */
    int dropped;            /* the row was warned about and is not wanted */
    size_t col;             /* values libcsv handed over for this row */
    size_t bytes;           /* input bytes of this row so far */
    int skipping;           /* skipping the rest of a dropped quoted field */
    int quoted;             /* with skipping: inside quotes */
    int at_eof;
} csvr;

/* ---- libcsv --------------------------------------------------------------- */

static int is_lf(unsigned char c)
{
    return c == '\n';
}

static int parser_init(csvr *c)
{
    if (csv_init(&c->p, CSV_APPEND_NULL) != 0)
        return -1;
    csv_set_term_func(&c->p, is_lf);
    csv_set_blk_size(&c->p, CSV_GROWTH);
    return 0;
}

/* Forgets a half-read row, and the memory of its longest field. */
static pg_err parser_reset(pg_reader *r, csvr *c, pg_error *err)
{
    csv_free(&c->p);
    if (parser_init(c) != 0)
        return pg_error_set(err, PG_ERR_NOMEM, "%s: out of memory", pgr_name(r));
    return PG_OK;
}

/* Keeps a header name, trimmed, for matching and for warnings. */
static void header_name(csvr *c, const char *s, size_t n)
{
    pg_err rc;

    pgr_trim(&s, &n);
    rc = pg_buf_append(&c->header, s, n);
    if (rc == PG_OK)
        rc = pg_buf_append(&c->header, "", 1);
    if (rc != PG_OK)
        c->cb_rc = pg_error_set(c->err, rc, "%s: out of memory",
                                pgr_name(c->r));
}

static void on_value(void *s, size_t n, void *ctx)
{
    csvr *c = ctx;
    size_t col = c->col++;

    if (s == NULL)
        s = "";
    if (c->cb_rc != PG_OK || c->dropped)
        return;
    if (c->in_header)
        header_name(c, s, n);
    else if (col < c->ncols)
        c->cb_rc = pgr_fields_text(c->r, &c->f, c->fields[col], c->names[col],
                                   s, n, c->err);
}

static void on_row(int term, void *ctx)
{
    csvr *c = ctx;

    (void)term;
    c->row_done = 1;
}

/* Hands s[0..n) to libcsv.  libcsv adds its block size to a full field
 * buffer; the text goes in pieces no longer than the block, and before each
 * one the block is raised to the buffer's size, so that a piece makes the
 * buffer grow once at most and the growth is geometric. */
static int parse_piece(csvr *c, const char *s, size_t n)
{
    size_t done = 0;
    while (done < n) {
        size_t blk = c->p.entry_size > CSV_GROWTH ? c->p.entry_size : CSV_GROWTH;
        size_t k = n - done < blk ? n - done : blk;
        csv_set_blk_size(&c->p, blk);
        if (csv_parse(&c->p, s + done, k, on_value, on_row, c) != k)
            return -1;
        done += k;
    }
    return 0;
}

/* Feeds one line and its newline. */
static pg_err feed(pg_reader *r, csvr *c, const char *s, size_t n,
                   pg_error *err)
{
    c->r = r;
    c->err = err;
    if (parse_piece(c, s, n) != 0 || parse_piece(c, "\n", 1) != 0)
        return pg_error_set(err, PG_ERR_NOMEM, "%s:%ld: CSV parser: %s",
                            pgr_name(r), c->f.line,
                            csv_strerror(csv_error(&c->p)));
    return c->cb_rc;
}

/* ---- rows ----------------------------------------------------------------- */

/* Turns the header row into columns; refuses a header without a title. */
static pg_err set_header(pg_reader *r, csvr *c, pg_error *err)
{
    const char *name = c->header.data;
    int has_title = 0;

    c->in_header = 0;
    c->ncols = c->col;
    c->fields = calloc(c->ncols ? c->ncols : 1, sizeof *c->fields);
    c->names = calloc(c->ncols ? c->ncols : 1, sizeof *c->names);
    if (c->fields == NULL || c->names == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "%s: out of memory", pgr_name(r));
    for (size_t i = 0; i < c->ncols; i++) {
        size_t n = strlen(name);
        c->names[i] = name;
        c->fields[i] = pgr_field_lookup(name, n);
        has_title |= c->fields[i] == PGR_F_TITLE;
        name += n + 1;
    }
    if (!has_title)
        return pg_error_set(err, PG_ERR_FORMAT,
                            "%s: CSV header has no 'title' column", pgr_name(r));
    return PG_OK;
}

/* The row libcsv ended is complete; *done when it is a record to return. */
static pg_err end_row(pg_reader *r, csvr *c, int *done, pg_error *err)
{
    c->row_done = 0;
    c->open = 0;
    if (c->in_header)
        return set_header(r, c, err);
    if (c->dropped)
        return PG_OK;
    if (c->col > c->ncols)
        pgr_warn(r, c->f.line, "row has %zu fields, header has %zu; extra "
                 "fields ignored", c->col, c->ncols);
    else if (c->col < c->ncols)
        pgr_warn(r, c->f.line, "row has %zu fields, header has %zu; missing "
                 "fields left empty", c->col, c->ncols);
    *done = 1;
    return PG_OK;
}

static void start_row(csvr *c, long line)
{
    c->open = 1;
    c->dropped = 0;
    c->col = 0;
    c->bytes = 0;
    pgr_fields_reset(&c->f, line);
}

static pg_err header_too_long(pg_reader *r, long line, pg_error *err)
{
    return pg_error_set(err, PG_ERR_FORMAT,
                        "%s:%ld: CSV header is longer than %zu bytes",
                        pgr_name(r), line, pgr_max_line(r));
}

/* Skips a line of a dropped quoted field, noting where quoting ends. */
static void skip_quoted(csvr *c, const pgr_line *ln)
{
    for (const char *q = ln->s; (q = memchr(q, '"', ln->len - (size_t)(q - ln->s)));
         q++)
        c->quoted = !c->quoted;
    c->skipping = c->quoted;
}

/* The open row would outgrow the record limit with line ln. */
static pg_err drop_long_row(pg_reader *r, csvr *c, const pgr_line *ln,
                            pg_error *err)
{
    if (c->in_header)
        return header_too_long(r, c->f.line, err);
    pgr_warn(r, c->f.line, "record is longer than %zu bytes; skipped",
             pgr_max_line(r));
    c->open = 0;
    c->skipping = 1;
    c->quoted = 1;          /* a row still open at a line end is in quotes */
    skip_quoted(c, ln);
    return parser_reset(r, c, err);
}

/* A line over the limit was skipped unseen: whatever row it was part of is
 * lost, and reading starts afresh on the next line. */
static pg_err long_line(pg_reader *r, csvr *c, const pgr_line *ln,
                        pg_error *err)
{
    if (c->in_header)
        return header_too_long(r, ln->no, err);
    pgr_warn(r, ln->no, "line %ld is longer than %zu bytes; record skipped",
             ln->no, pgr_max_line(r));
    c->open = 0;
    c->skipping = 0;
    return parser_reset(r, c, err);
}

/* The end of input: a row still open there ends inside a quoted field. */
static pg_err finish(pg_reader *r, csvr *c, int *done, pg_error *err)
{
    c->at_eof = 1;
    if (c->open && !c->in_header) {
        pgr_warn(r, c->f.line, "record ends inside a quoted field at the end "
                 "of input; skipped");
        c->dropped = 1;
    }
    c->r = r;
    c->err = err;
    csv_fini(&c->p, on_value, on_row, c);
    if (c->cb_rc != PG_OK)
        return c->cb_rc;
    return c->row_done ? end_row(r, c, done, err) : PG_OK;
}

static int blank(const pgr_line *ln)
{
    for (size_t i = 0; i < ln->len; i++)
        if (ln->s[i] != ' ' && ln->s[i] != '\t')
            return 0;
    return 1;
}

/* Reads and feeds one line; *done when it completed a record. */
static pg_err step(pg_reader *r, csvr *c, int *done, pg_error *err)
{
    pgr_line ln;
    pg_err rc = pgr_read_line(r, &ln, err);

    if (rc == PG_DONE)
        return finish(r, c, done, err);
    if (rc != PG_OK)
        return rc;
    if (ln.too_long)
        return long_line(r, c, &ln, err);
    if (c->skipping) {
        skip_quoted(c, &ln);
        return PG_OK;
    }
    if (!c->open && blank(&ln))
        return PG_OK;       /* libcsv skips them too; no row starts here */
    if (!c->open)
        start_row(c, ln.no);
    else if (c->bytes + ln.len + 1 > pgr_max_line(r))
        return drop_long_row(r, c, &ln, err);
    c->bytes += ln.len + 1;
    if ((rc = feed(r, c, ln.s, ln.len, err)) != PG_OK)
        return rc;
    return c->row_done ? end_row(r, c, done, err) : PG_OK;
}

/* ---- the backend ---------------------------------------------------------- */

static pg_err csv_next(pg_reader *r, void *state, pg_record *rec,
                       pg_error *err)
{
    csvr *c = state;
    pg_err rc;

    while (!c->at_eof) {
        int done = 0;
        if ((rc = step(r, c, &done, err)) != PG_OK)
            return rc;
        if (done && pgr_fields_finish(r, &c->f, rec))
            return PG_OK;
    }
    return PG_DONE;
}

static void csv_free_state(void *state)
{
    csvr *c = state;

    if (c == NULL)
        return;
    csv_free(&c->p);
    pgr_fields_release(&c->f);
    pg_buf_release(&c->header);
    free(c->fields);
    free(c->names);
    free(c);
}

/* Reads up to the end of the header row.  An input with no header at all
 * (empty, or blank lines only) is not refused: it holds no records. */
static pg_err csv_open(pg_reader *r, void **state, pg_error *err)
{
    csvr *c = calloc(1, sizeof *c);
    pg_err rc = PG_OK;

    if (c == NULL) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "%s: out of memory", pgr_name(r));
        goto out;
    }
    pgr_fields_init(&c->f);
    pg_buf_init(&c->header);
    c->in_header = 1;
    if (parser_init(c) != 0) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "%s: out of memory", pgr_name(r));
        goto out;
    }
    while (c->in_header && !c->at_eof && rc == PG_OK) {
        int done = 0;
        rc = step(r, c, &done, err);
    }
out:
    if (rc != PG_OK) {
        csv_free_state(c);
        return rc;
    }
    *state = c;
    return PG_OK;
}

const pgr_backend pgr_csv_backend = {
    csv_open,
    csv_next,
    csv_free_state,
};
