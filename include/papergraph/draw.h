/*
** draw.h: a picture of the paper graph (SVG, PNG or PDF).
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
#ifndef PAPERGRAPH_DRAW_H
#define PAPERGRAPH_DRAW_H

#include <stddef.h>
#include <stdint.h>
#include "papergraph/error.h"
#include "papergraph/graph.h"

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

#endif
