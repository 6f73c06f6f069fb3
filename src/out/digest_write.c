/*
** digest_write.c: writing a composed daily digest (digest.c) as text,
** Markdown, JSON lines, CSV, an RSS 2.0 feed or one HTML page.
**
** Untrusted text (titles, URLs) goes through the escaping function of the
** format (escape.c): JSON and CSV rows through pgx_put_row, RSS through
** pg_xml_escape, HTML and Markdown through pg_html_escape.  Plain text is
** written as stored.  Everything is built in one buffer and written once.
*/
#include <string.h>

#include "papergraph/export.h"
#include "out/internal.h"

/* The changed fields, in a fixed order. */
static const struct {
    unsigned bit;
    const char *name;
} fields[] = {
    { PG_CHANGED_TITLE, "title" },
    { PG_CHANGED_ABSTRACT, "abstract" },
    { PG_CHANGED_LINKS, "links" },
    { PG_CHANGED_AUTHORS, "authors" },
};
#define N_FIELDS (sizeof fields / sizeof fields[0])

static const char *status_of(const pg_digest_entry *e)
{
    return e->updated ? "updated" : "new";
}

/* "title, abstract (23% of words), links": what changed, for people. */
static pg_err put_changes(pg_buf *b, const pg_digest_entry *e)
{
    pg_err rc = PG_OK;
    int first = 1;
    for (size_t i = 0; i < N_FIELDS && rc == PG_OK; i++) {
        if (!(e->changed & fields[i].bit))
            continue;
        rc = pg_buf_printf(b, "%s%s", first ? "" : ", ", fields[i].name);
        if (rc == PG_OK && fields[i].bit == PG_CHANGED_ABSTRACT && e->abstract_pct >= 0)
            rc = pg_buf_printf(b, " (%d%% of words)", e->abstract_pct);
        first = 0;
    }
    return rc;
}

/* The one-sentence summary every human-readable format starts with. */
static pg_err put_summary(pg_buf *b, const pg_digest *d)
{
    if (d->papers_on_day == 0)
        return pg_buf_printf(b, "No entries on %s.", d->day);
    pg_err rc = pg_buf_printf(b, "%zu new, %zu updated of %lld paper%s on %s",
                              d->n_new, d->n_updated, d->papers_on_day,
                              d->papers_on_day == 1 ? "" : "s", d->day);
    if (rc == PG_OK)
        rc = pg_buf_printf(b, " (seen: listed in the %d day%s before, %s to ",
                           d->window, d->window == 1 ? "" : "s", d->from);
    char prev[11];
    long dn;
    if (pgx_day_parse(d->day, &dn) == 0)
        pgx_day_format(dn - 1, prev);
    else
        memcpy(prev, d->from, 11);
    if (rc == PG_OK)
        rc = pg_buf_printf(b, "%s).", prev);
    if (rc == PG_OK && d->n == 0)
        rc = pg_buf_puts(b, " Nothing new or changed.");
    return rc;
}

/* ---- text and Markdown -------------------------------------------------- */

static pg_err put_urls_text(pg_buf *b, const char *urls, const char *indent)
{
    pg_err rc = PG_OK;
    for (const char *p = urls; *p && rc == PG_OK;) {
        size_t n = strcspn(p, "\n");
        if (n > 0)
            rc = pg_buf_printf(b, "%s%.*s\n", indent, (int)n, p);
        p += n + (p[n] == '\n');
    }
    return rc;
}

static pg_err write_text(pg_buf *b, const pg_digest *d)
{
    pg_err rc = put_summary(b, d);
    if (rc == PG_OK)
        rc = pg_buf_putc(b, '\n');
    for (size_t i = 0; i < d->n && rc == PG_OK; i++) {
        const pg_digest_entry *e = &d->entries[i];
        rc = pg_buf_printf(b, "%s%-8s %s  first seen %s  ", i == 0 ? "\n" : "",
                           status_of(e), e->paper_id, e->first_day);
        if (rc == PG_OK && e->upvotes >= 0)
            rc = pg_buf_printf(b, "%d upvotes  ", e->upvotes);
        if (rc == PG_OK)
            rc = pg_buf_printf(b, "%s\n", e->title);
        if (rc == PG_OK && e->updated) {
            rc = pg_buf_puts(b, "         changed: ");
            if (rc == PG_OK)
                rc = put_changes(b, e);
            if (rc == PG_OK)
                rc = pg_buf_putc(b, '\n');
        }
        if (rc == PG_OK)
            rc = put_urls_text(b, e->urls, "         ");
    }
    return rc;
}

static pg_err html(pg_buf *b, const char *s)
{
    return pg_html_escape(s, strlen(s), b);
}

static pg_err write_md(pg_buf *b, const pg_digest *d)
{
    pg_err rc = pg_buf_printf(b, "# New papers, %s\n\n", d->day);
    if (rc == PG_OK)
        rc = put_summary(b, d);
    if (rc == PG_OK)
        rc = pg_buf_putc(b, '\n');
    int section = -1;
    for (size_t i = 0; i < d->n && rc == PG_OK; i++) {
        const pg_digest_entry *e = &d->entries[i];
        if (e->updated != section) {
            section = e->updated;
            rc = pg_buf_puts(b, section ? "\n## Updated\n\n" : "\n## New\n\n");
        }
        if (rc == PG_OK)
            rc = pg_buf_puts(b, "- **");
        if (rc == PG_OK)
            rc = html(b, e->title);
        if (rc == PG_OK)
            rc = pg_buf_puts(b, "** (`");
        if (rc == PG_OK)
            rc = html(b, e->paper_id);
        if (rc == PG_OK)
            rc = pg_buf_printf(b, "`, first seen %s", e->first_day);
        if (rc == PG_OK && e->upvotes >= 0)
            rc = pg_buf_printf(b, ", %d upvotes", e->upvotes);
        if (rc == PG_OK)
            rc = pg_buf_putc(b, ')');
        if (rc == PG_OK && e->updated) {
            rc = pg_buf_puts(b, ": changed ");
            if (rc == PG_OK)
                rc = put_changes(b, e);
        }
        for (const char *p = e->urls; *p && rc == PG_OK;) {
            size_t n = strcspn(p, "\n");
            rc = pg_buf_puts(b, "\n  ");
            if (rc == PG_OK)
                rc = pg_html_escape(p, n, b);
            p += n + (p[n] == '\n');
        }
        if (rc == PG_OK)
            rc = pg_buf_putc(b, '\n');
    }
    return rc;
}

/* ---- JSON lines and CSV ------------------------------------------------- */

static const char *const row_names[] = {
    "paper_id", "title", "status", "day", "first_day", "upvotes", "changed",
    "abstract_changed_pct", "urls",
};
#define N_ROW (sizeof row_names / sizeof row_names[0])

static pg_err write_rows(pg_buf *b, const pg_digest *d, pg_out_format fmt)
{
    pg_buf changed = PG_BUF_INIT;
    pg_err rc = fmt == PG_OUT_CSV ? pgx_put_header(b, row_names, N_ROW) : PG_OK;
    for (size_t i = 0; i < d->n && rc == PG_OK; i++) {
        const pg_digest_entry *e = &d->entries[i];
        pg_buf_reset(&changed);
        for (size_t f = 0; f < N_FIELDS && rc == PG_OK; f++)
            if (e->changed & fields[f].bit)
                rc = pg_buf_printf(&changed, "%s\n", fields[f].name);
        if (rc != PG_OK)
            break;
        col cols[N_ROW] = {
            { row_names[0], e->paper_id, 0, 0 },
            { row_names[1], e->title, 0, 0 },
            { row_names[2], status_of(e), 0, 0 },
            { row_names[3], d->day, 0, 0 },
            { row_names[4], e->first_day, 0, 0 },
            { row_names[5], NULL, e->upvotes, 0 },
            { row_names[6], changed.data ? changed.data : "", 0, 1 },
            { row_names[7], NULL, e->abstract_pct, 0 },
            { row_names[8], e->urls, 0, 1 },
        };
        rc = pgx_put_row(b, fmt, cols, N_ROW);
    }
    pg_buf_release(&changed);
    return rc;
}

/* ---- RSS 2.0 ------------------------------------------------------------ */

static pg_err xml(pg_buf *b, const char *s)
{
    return pg_xml_escape(s, strlen(s), b);
}

/* RFC 822 date of a day at 00:00 UTC, as RSS 2.0 wants for pubDate. */
static pg_err put_rfc822(pg_buf *b, const char *day)
{
    static const char *const wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
    static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    long dn;
    if (pgx_day_parse(day, &dn) != 0)
        return PG_ERR_INTERNAL;
    int m = (day[5] - '0') * 10 + (day[6] - '0');
    long w = dn % 7;
    if (w < 0)
        w += 7;
    return pg_buf_printf(b, "%s, %.2s %s %.4s 00:00:00 +0000", wd[w], day + 8,
                         mon[m - 1], day);
}

static pg_err write_rss(pg_buf *b, const pg_digest *d)
{
    pg_err rc = pg_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<rss version=\"2.0\">\n<channel>\n"
                              "<title>papergraph: new papers, %s</title>\n"
                              "<link>https://huggingface.co/papers?date=%s</link>\n"
                              "<description>", d->day, d->day);
    if (rc == PG_OK) {
        pg_buf s = PG_BUF_INIT;
        rc = put_summary(&s, d);
        if (rc == PG_OK)
            rc = pg_xml_escape(s.data, s.len, b);
        pg_buf_release(&s);
    }
    if (rc == PG_OK)
        rc = pg_buf_puts(b, "</description>\n<pubDate>");
    if (rc == PG_OK)
        rc = put_rfc822(b, d->day);
    if (rc == PG_OK)
        rc = pg_buf_puts(b, "</pubDate>\n<generator>papergraph</generator>\n");
    for (size_t i = 0; i < d->n && rc == PG_OK; i++) {
        const pg_digest_entry *e = &d->entries[i];
        size_t first_url = strcspn(e->urls, "\n");
        rc = pg_buf_printf(b, "<item>\n<title>[%s] ", status_of(e));
        if (rc == PG_OK)
            rc = xml(b, e->title);
        if (rc == PG_OK)
            rc = pg_buf_puts(b, "</title>\n");
        if (rc == PG_OK && first_url > 0) {
            rc = pg_buf_puts(b, "<link>");
            if (rc == PG_OK)
                rc = pg_xml_escape(e->urls, first_url, b);
            if (rc == PG_OK)
                rc = pg_buf_puts(b, "</link>\n");
        }
        if (rc != PG_OK)
            break;
        pg_buf desc = PG_BUF_INIT;
        rc = pg_buf_printf(&desc, "%s on %s; first seen %s", e->updated ? "Updated" : "New",
                           d->day, e->first_day);
        if (rc == PG_OK && e->upvotes >= 0)
            rc = pg_buf_printf(&desc, "; %d upvotes", e->upvotes);
        if (rc == PG_OK && e->updated) {
            rc = pg_buf_puts(&desc, "; changed: ");
            if (rc == PG_OK)
                rc = put_changes(&desc, e);
        }
        if (rc == PG_OK && e->urls[0])
            rc = pg_buf_printf(&desc, "; links: %s", e->urls);
        for (size_t k = 0; rc == PG_OK && k < desc.len; k++)
            if (desc.data[k] == '\n')
                desc.data[k] = ' ';
        if (rc == PG_OK)
            rc = pg_buf_puts(b, "<description>");
        if (rc == PG_OK)
            rc = pg_xml_escape(desc.data, desc.len, b);
        pg_buf_release(&desc);
        /* Stable across regenerations of the day's feed, and distinct for
         * a paper that is new again, or updated again, on another day. */
        if (rc == PG_OK)
            rc = pg_buf_puts(b, "</description>\n<guid isPermaLink=\"false\">papergraph:");
        if (rc == PG_OK)
            rc = xml(b, e->paper_id);
        if (rc == PG_OK)
            rc = pg_buf_printf(b, ":%s:%s</guid>\n<pubDate>", status_of(e), d->day);
        if (rc == PG_OK)
            rc = put_rfc822(b, d->day);
        if (rc == PG_OK)
            rc = pg_buf_puts(b, "</pubDate>\n</item>\n");
    }
    return rc == PG_OK ? pg_buf_puts(b, "</channel>\n</rss>\n") : rc;
}

/* ---- HTML --------------------------------------------------------------- */

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
    "<meta name=\"generator\" content=\"papergraph\"/>\n"
    "<style>\n"
    "body { font-family: sans-serif; margin: 2em auto; max-width: 60em; }\n"
    "table { border-collapse: collapse; width: 100%; }\n"
    "th, td { text-align: left; vertical-align: top; padding: .3em .5em;"
    " border-bottom: 1px solid #ddd; }\n"
    "td.status { font-weight: bold; } tr.updated td.status { color: #a60; }\n"
    "tr.new td.status { color: #060; } code { font-size: .9em; }\n"
    "</style>\n";

static pg_err write_html(pg_buf *b, const pg_digest *d)
{
    pg_err rc = pg_buf_printf(b, "%s<title>New papers, %s</title>\n</head>\n<body>\n"
                              "<h1>New papers, %s</h1>\n<p>", html_head, d->day, d->day);
    if (rc == PG_OK) {
        pg_buf s = PG_BUF_INIT;
        rc = put_summary(&s, d);
        if (rc == PG_OK)
            rc = pg_html_escape(s.data, s.len, b);
        pg_buf_release(&s);
    }
    if (rc == PG_OK)
        rc = pg_buf_puts(b, "</p>\n");
    if (rc == PG_OK && d->n > 0)
        rc = pg_buf_puts(b, "<table>\n<thead><tr><th>status</th><th>title</th>"
                         "<th>first seen</th><th>upvotes</th><th>changed</th>"
                         "<th>links</th><th>paper</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < d->n && rc == PG_OK; i++) {
        const pg_digest_entry *e = &d->entries[i];
        rc = pg_buf_printf(b, "<tr class=\"%s\"><td class=\"status\">%s</td><td>",
                           status_of(e), status_of(e));
        if (rc == PG_OK)
            rc = html(b, e->title);
        if (rc == PG_OK)
            rc = pg_buf_printf(b, "</td><td>%s</td><td>", e->first_day);
        if (rc == PG_OK && e->upvotes >= 0)
            rc = pg_buf_printf(b, "%d", e->upvotes);
        if (rc == PG_OK)
            rc = pg_buf_puts(b, "</td><td>");
        if (rc == PG_OK && e->updated) {
            pg_buf c = PG_BUF_INIT;
            rc = put_changes(&c, e);
            if (rc == PG_OK)
                rc = pg_html_escape(c.data, c.len, b);
            pg_buf_release(&c);
        }
        if (rc == PG_OK)
            rc = pg_buf_puts(b, "</td><td>");
        for (const char *p = e->urls; *p && rc == PG_OK;) {
            size_t n = strcspn(p, "\n");
            rc = pg_buf_puts(b, p == e->urls ? "<a href=\"" : "<br/><a href=\"");
            if (rc == PG_OK)
                rc = pg_html_escape(p, n, b);
            if (rc == PG_OK)
                rc = pg_buf_puts(b, "\">");
            if (rc == PG_OK)
                rc = pg_html_escape(p, n, b);
            if (rc == PG_OK)
                rc = pg_buf_puts(b, "</a>");
            p += n + (p[n] == '\n');
        }
        if (rc == PG_OK)
            rc = pg_buf_puts(b, "</td><td><code>");
        if (rc == PG_OK)
            rc = html(b, e->paper_id);
        if (rc == PG_OK)
            rc = pg_buf_puts(b, "</code></td></tr>\n");
    }
    if (rc == PG_OK && d->n > 0)
        rc = pg_buf_puts(b, "</tbody>\n</table>\n");
    return rc == PG_OK ? pg_buf_puts(b, "</body>\n</html>\n") : rc;
}

pg_err pg_digest_write(const pg_digest *d, pg_out_format fmt, FILE *out,
                       pg_error *err)
{
    pg_buf b = PG_BUF_INIT;
    pg_err rc;
    switch (fmt) {
    case PG_OUT_TEXT: rc = write_text(&b, d); break;
    case PG_OUT_MD: rc = write_md(&b, d); break;
    case PG_OUT_JSONL:
    case PG_OUT_CSV: rc = write_rows(&b, d, fmt); break;
    case PG_OUT_RSS: rc = write_rss(&b, d); break;
    case PG_OUT_HTML: rc = write_html(&b, d); break;
    default:
        return pg_error_set(err, PG_ERR_USAGE, "the digest cannot be written as %s",
                            pg_out_format_name(fmt));
    }
    if (rc != PG_OK) {
        pg_buf_release(&b);
        return pg_error_set(err, rc, rc == PG_ERR_NOMEM ? "out of memory"
                                                        : "cannot compose the digest");
    }
    rc = pgx_flush(&b, out, err);
    pg_buf_release(&b);
    return rc;
}
