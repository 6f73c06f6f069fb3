/*
** export.h: writing what the store holds, and the one escaping function per
** output syntax.
**
** Untrusted text reaches CSV, JSON, XML and HTML only through pg_csv_escape,
** pg_json_escape, pg_xml_escape and pg_script_escape.  Files are written through pg_outfile:
** to a temporary file beside the target, renamed into place on commit, so a
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
    PG_OUT_GRAPHML
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

/* One row per occurrence: columns file,line,day,paper_id,text_key,title,
 * authors,upvotes,pub_date,ext_id (CSV with a header row, or JSON lines). */
pg_err pg_export_occurrences(pg_store *s, pg_out_format fmt, FILE *out,
                             pg_error *err);

/* The cleaned merged listing, one entry per paper (papers.h): CSV (columns
 * paper_id,title,authors,date,first_day,last_day,days,occurrences,variants,
 * upvotes,truncated,urls,abstract), JSON lines, or the listing format,
 * which papergraph reads back as the same papers. */
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

#endif
