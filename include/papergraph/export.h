/*
** export.h: writing what the store holds, and the one escaping function per
** output syntax.
**
** Untrusted text reaches CSV, JSON, XML and HTML only through pg_csv_escape,
** pg_json_escape, pg_xml_escape, pg_html_escape and pg_script_escape (text
** inside a <script> element).  Files are written through pg_outfile: to a
** temporary file beside the target, renamed into place on commit, so a
** failed export never leaves a partial file.
*/
#ifndef PAPERGRAPH_EXPORT_H
#define PAPERGRAPH_EXPORT_H

#include <stdio.h>
#include "papergraph/graph.h"

typedef enum pg_out_format {
    PG_OUT_CSV = 0,
    PG_OUT_JSONL,
    PG_OUT_LISTING,
    PG_OUT_TABLE,
    PG_OUT_TEXT,
    PG_OUT_JSON,
    PG_OUT_GRAPHML,
    PG_OUT_MD,          /* Markdown (the daily digest) */
    PG_OUT_RSS,         /* an RSS 2.0 feed (the daily digest) */
    PG_OUT_HTML         /* one self-contained page (the daily digest) */
} pg_out_format;

/* Parses a format name ("csv", "jsonl", ...); PG_ERR_USAGE otherwise. */
pg_err pg_out_format_parse(const char *s, pg_out_format *f);
const char *pg_out_format_name(pg_out_format f);

/* Appends s[0..len) as one CSV field: quoted (RFC 4180) when it holds a
 * comma, quote, CR or LF or starts/ends with a space; bare otherwise. */
pg_err pg_csv_escape(const char *s, size_t len, pg_buf *out);
/* Appends s[0..len) as a JSON string literal, quotes included; control
 * characters escaped, invalid UTF-8 replaced by U+FFFD. */
pg_err pg_json_escape(const char *s, size_t len, pg_buf *out);
/* The same JSON string made safe inside an HTML <script> element: also
 * writes <, > and & as \u003c, \u003e, \u0026 (so no "</script>" or
 * "<!--"), and U+2028/9 escaped.  The one way text gets into graph.html. */
pg_err pg_script_escape(const char *s, size_t len, pg_buf *out);
/* Appends s[0..len) as XML character data safe in text and in attribute
 * values: & < > " ' escaped; characters XML 1.0 forbids (controls other than
 * tab, LF, CR; U+FFFE/U+FFFF) dropped; invalid UTF-8 replaced by U+FFFD. */
pg_err pg_xml_escape(const char *s, size_t len, pg_buf *out);
/* Appends s[0..len) as HTML text safe in element content and in quoted
 * attribute values: & < > " ' escaped (' as &#39;); the characters
 * pg_xml_escape drops are dropped, so the page also parses as XML; invalid
 * UTF-8 replaced by U+FFFD.  Markdown output uses it too: Markdown renders
 * these references as the characters, and raw HTML in a title stays text. */
pg_err pg_html_escape(const char *s, size_t len, pg_buf *out);

/* One row per occurrence: columns file,line,day,paper_id,text_key,title,
 * authors,upvotes,pub_date,ext_id (CSV with a header row, or JSON lines). */
pg_err pg_export_occurrences(pg_store *s, pg_out_format fmt, FILE *out,
                             pg_error *err);

/* The cleaned merged listing, one entry per paper (papers.h): CSV (columns
 * paper_id,title,authors,date,first_day,last_day,days,occurrences,variants,
 * upvotes,truncated,urls,abstract), JSON lines, or the listing format,
 * which papergraph reads back as the same papers.  Papers come in the order
 * they were first seen: by first day, then title, then id. */
pg_err pg_export_papers(pg_store *s, pg_out_format fmt, FILE *out,
                        pg_error *err);

/* Papers seen on at least min_days distinct days, most days first: an
 * aligned table, CSV or JSON lines (paper_id,days,occurrences,first_day,
 * last_day,variants,title). */
pg_err pg_export_repeats(pg_store *s, int min_days, pg_out_format fmt,
                         FILE *out, pg_error *err);

/* An output that appears whole or not at all. */
typedef struct pg_outfile pg_outfile;
/* path NULL or "-" writes to stdout (no atomicity).  *fp is the stream to
 * write to; it belongs to the pg_outfile. */
pg_err pg_outfile_open(const char *path, pg_outfile **out, FILE **fp,
                       pg_error *err);
/* Flushes, syncs and renames into place; frees o in every case. */
pg_err pg_outfile_commit(pg_outfile *o, pg_error *err);
/* Removes the temporary file and frees o.  NULL is a no-op. */
void pg_outfile_abort(pg_outfile *o);

/*
** Pictures: a picture of the paper graph (SVG, PNG or PDF).
**
** One drawing routine renders a built pg_graph onto a cairo surface of the
** chosen kind: edges (alpha by weight), nodes coloured by community and
** sized by PageRank, the top papers labelled, a legend of the largest
** communities and a title line.  The node positions are the layout the
** builder stored in x, y (expected in [0,1]; anything else is tolerated).
**
** Only src/draw.c includes cairo.h in the library (the unit test reads PNGs
** back with it).  The file is written beside the target under a temporary
** name and renamed into place when complete, so a failed draw never leaves
** a partial picture behind.  The same graph and options
** always give the same SVG bytes and PNG pixels (PDF files carry cairo's
** creation date).
*/

#include <stddef.h>
#include <stdint.h>

typedef enum pg_draw_format {
    PG_DRAW_SVG,
    PG_DRAW_PNG,
    PG_DRAW_PDF
} pg_draw_format;

/* Picks the format from the extension of path (".svg", ".png", ".pdf", any
 * case).  Returns PG_OK, or PG_ERR_USAGE ("PATH: unknown picture format")
 * when the extension is missing or unknown. */
pg_err pg_draw_format_from_path(const char *path, pg_draw_format *fmt,
                                pg_error *err);

typedef struct pg_draw_opts {
    int width, height;          /* pixels for PNG, points for SVG and PDF;
                                   16..16384 (default 1600 x 1200) */
    size_t max_labels;          /* papers labelled, highest PageRank first
                                   (default 12; 0 for none) */
    size_t max_legend;          /* community rows in the legend (default 12,
                                   one per palette colour) */
    const char *title;          /* first line of the title; NULL or "" for
                                   "papergraph".  Borrowed, any bytes: it is
                                   cleaned before drawing. */
} pg_draw_opts;

/* Fills o with the documented defaults. */
void pg_draw_opts_default(pg_draw_opts *o);

/* The colour (0xRRGGBB) of the rank-th largest community (0-based) on the
 * picture, so that other outputs can match it.  Communities of one or two
 * papers are drawn in a neutral grey whatever their rank. */
uint32_t pg_draw_palette_rgb(size_t rank);

/* Draws g into the file path as fmt (o NULL: defaults).  g is only read.
 * Returns PG_OK when the whole file is in place; PG_ERR_USAGE for a bad
 * size or NULL argument; PG_ERR_IO ("PATH: ...") when the file cannot be
 * created or cairo fails, and then path is left untouched; PG_ERR_NOMEM. */
pg_err pg_graph_draw(const pg_graph *g, const char *path, pg_draw_format fmt,
                     const pg_draw_opts *o, pg_error *err);
/* Gives back what cairo and fontconfig keep cached for the life of the
 * process after drawing (fonts, the font configuration).  Call at most once,
 * when the program is done drawing and no cairo object is alive; a later
 * drawing works but loads the fonts again. */
void pg_draw_release_fonts(void);

/*
** Report: the readable summary of a collection and its paper graph:
** counts, components, communities with their labels, sizes and top papers,
** the most central papers, the most repeated papers.
*/

#include <stdio.h>

/* How many rows each list of the report shows. */
#define PG_REPORT_TOP 10

/* Writes the report of the store s and its graph g (built from s) to out as
 * PG_OUT_TEXT or PG_OUT_JSON. */
pg_err pg_report_write(pg_store *s, const pg_graph *g, pg_out_format fmt,
                       FILE *out, pg_error *err);

/*
** The daily digest (`papergraph new`): the papers of one listing day that
** the reader has not seen in the days before, and those that came back
** with a change in substance.
**
** A paper with an occurrence on the day is
** - new: none of its texts occurs in the `window` days before the day;
** - updated: it occurs in the window, and on the day it comes with a text
**   never seen before the day whose normalised key (src/text: case, white
**   space, encoding and entities folded) differs from every text seen
**   before, and which differs from the latest text seen before in its
**   normalised title words, its normalised abstract words (URLs left out:
**   they count as links), its canonical URLs, or its authors (names, or
**   counts when both are known).  An abstract that is only a cut-off prefix
**   of the one seen is no change;
** - not listed otherwise (a repeat, or a cosmetic variant).
** Entries are ordered new before updated, then by upvotes on the day (most
** first, unknown last), then by title, then by paper id.  PageRank would
** come before the title where a graph was computed, but the database
** stores no graph (graphs are built for their outputs only), so that key is
** never used: `ranked` says so.
*/

/* What changed in an updated paper (pg_digest_entry.changed). */
#define PG_CHANGED_TITLE    1u
#define PG_CHANGED_ABSTRACT 2u
#define PG_CHANGED_LINKS    4u
#define PG_CHANGED_AUTHORS  8u

typedef struct pg_digest_entry {
    char paper_id[PG_ID_HEX];
    int updated;            /* 0: new; 1: updated */
    char *title;            /* the title of the day's text (the new variant's
                               for an updated paper) */
    char first_day[11];     /* the paper's first day, YYYY-MM-DD */
    int upvotes;            /* most upvotes on the day; -1 when none given */
    unsigned changed;       /* PG_CHANGED_* (updated papers only) */
    int abstract_pct;       /* share of the abstract's words changed, 1..100;
                               -1 unless PG_CHANGED_ABSTRACT */
    char *urls;             /* the paper's canonical URLs, one per line */
} pg_digest_entry;

typedef struct pg_digest {
    char day[11];           /* the day reported */
    char from[11];          /* the first day of the window */
    int window;             /* days before `day` that count as seen */
    char first[11], last[11]; /* the store's first and last listing day */
    long long papers_on_day;  /* papers with an occurrence on the day */
    long long texts_on_day;   /* their texts, on the day or not */
    int ranked;             /* 1 when PageRank took part in the order */
    size_t n, n_new, n_updated;
    pg_digest_entry *entries; /* n entries, in order */
} pg_digest;

/* Builds the digest of day (YYYY-MM-DD; NULL for the store's last day)
 * against the window days before it (1..36500).  Errors: PG_ERR_USAGE for a
 * malformed day or window; PG_ERR_NOT_FOUND when the store has no listing
 * day or day is outside its first..last range (a day inside the range
 * without entries gives an empty digest).  Free *out with pg_digest_free. */
pg_err pg_digest_build(pg_store *s, const char *day, int window,
                       pg_digest **out, pg_error *err);
void pg_digest_free(pg_digest *d);     /* NULL is a no-op */

/* Writes the digest as PG_OUT_TEXT, PG_OUT_MD, PG_OUT_JSONL, PG_OUT_CSV
 * (columns paper_id,title,status,day,first_day,upvotes,changed,
 * abstract_changed_pct,urls; JSON lines the same keys, changed and urls as
 * arrays), PG_OUT_RSS (RSS 2.0: an item per entry, guid
 * "papergraph:PAPER:STATUS:DAY", pubDate the day) or PG_OUT_HTML (one
 * self-contained page that also parses as XML).  An empty digest says so
 * (text, md, html, rss), or is a header alone (csv) or nothing (jsonl). */
pg_err pg_digest_write(const pg_digest *d, pg_out_format fmt, FILE *out,
                       pg_error *err);

#endif
