/*
** report.h: the readable summary of a collection and its paper graph:
** counts, components, communities with their labels, sizes and top papers,
** the most central papers, the most repeated papers.
*/
#ifndef PAPERGRAPH_REPORT_H
#define PAPERGRAPH_REPORT_H

#include <stdio.h>
#include "papergraph/error.h"
#include "papergraph/export.h"
#include "papergraph/graph.h"
#include "papergraph/store.h"

/* How many rows each list of the report shows. */
#define PG_REPORT_TOP 10

/* Writes the report of the store s and its graph g (built from s) to out as
 * PG_OUT_TEXT or PG_OUT_JSON. */
pg_err pg_report_write(pg_store *s, const pg_graph *g, pg_out_format fmt,
                       FILE *out, pg_error *err);

#endif
