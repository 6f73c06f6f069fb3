/*
** export.h: writing what the store holds, and the one escaping function per
** output syntax.
**
** Untrusted text reaches CSV, JSON and XML only through pg_csv_escape,
** pg_json_escape and pg_xml_escape.  Files are written through pg_outfile:
** to a temporary file beside the target, renamed into place on commit, so a
** failed export never leaves a partial file.
*/
#ifndef PAPERGRAPH_EXPORT_H
#define PAPERGRAPH_EXPORT_H

#include <stdio.h>
#include "papergraph/buf.h"
#include "papergraph/error.h"
#include "papergraph/store.h"

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

#endif
