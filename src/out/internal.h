/*
** export_internal.h: the row writer the exporters share (internal).
*/
#ifndef PG_EXPORT_INTERNAL_H
#define PG_EXPORT_INTERNAL_H

#include <stdio.h>
#include "papergraph/base.h"
#include "papergraph/export.h"

/* A column of a row: a string or an integer (-1 meaning absent). */
typedef struct col {
    const char *name;
    const char *s;      /* used when non-NULL */
    long long n;        /* used when s is NULL; -1 is absent */
    int list;           /* s is a list, one item per line: a JSON array, or
                           a CSV field with the items separated by spaces */
} col;

/* Appends one row in fmt (PG_OUT_CSV or PG_OUT_JSONL) to b, newline included. */
pg_err pgx_put_row(pg_buf *b, pg_out_format fmt, const col *cols, size_t n);
/* Appends a CSV header row of the names. */
pg_err pgx_put_header(pg_buf *b, const char *const *names, size_t n);
/* Writes row to out and empties it; PG_ERR_IO on a short write. */
pg_err pgx_flush(pg_buf *row, FILE *out, pg_error *err);

/* Days as YYYY-MM-DD (digest.c): parse gives the days since 1970-01-01 and
 * returns 0, or -1 when s is not a valid date of years 1..9999; format
 * writes one (clamped to that range). */
int pgx_day_parse(const char *s, long *days);
void pgx_day_format(long days, char out[11]);

/* ---- the picture's scene (draw_scene.c), painted by draw.c ------------ */
#define MIN_SIDE 16
#define MAX_SIDE 16384
#define MIN_COLOURED PG_GROUP_MIN  /* smaller communities are drawn grey */
#define LABEL_CHARS 40          /* node labels, in code points */
#define REGION_LABELS 10        /* communities named where they lie */
#define TEXT_CAP 300            /* longest text kept before fitting */
#define FONT "sans-serif"
#define TAU 6.283185307179586     /* M_PI is not in strict C11 */

/* Legend card geometry, in units (see scene.u). */
#define LG_PAD 14.0
#define LG_HEAD 30.0
#define LG_ROW 22.0
#define LG_LINE 19.0
#define LG_SEP 12.0

#define PALETTE_N 12             /* colours of pg_draw_palette_rgb */
#define GREY_OTHER 0x9AA3AD     /* ranked communities beyond the palette */
#define GREY_SMALL 0xC4C7CB     /* communities of one or two papers */

enum { COLOUR_SMALL = -1, COLOUR_OTHER = -2 };
enum { FLAG_LINKED = 1, FLAG_LABELLED = 2 };

typedef struct rect {
    double x0, y0, x1, y1;
} rect;

typedef struct sort_key {
    double k1, k2;
    size_t i;
} sort_key;

typedef struct scene {
    const pg_graph *g;
    pg_draw_opts o;
    double w, h, u;             /* canvas size; unit = shorter side / 1000 */
    double m;                   /* outer margin */
    double title_bottom;
    rect area;                  /* node disks stay inside */
    rect plot;                  /* node centres stay inside */
    rect text_area;             /* labels stay inside */
    rect panel;                 /* legend card, when n_legend > 0 */
    double rmin, rmax;
    double *x, *y, *r;          /* per node, on the canvas */
    int *colour;                /* per node: palette index or COLOUR_* */
    unsigned char *flags;       /* per node: FLAG_* */
    size_t *order;              /* nodes in painting order */
    size_t *top;                /* labelled nodes, highest PageRank first */
    size_t n_top;
    rect *boxes;                /* labels placed so far */
    size_t n_boxes;
    size_t *comm_size;          /* per community: nodes counted */
    size_t *ranked;             /* communities, largest first */
    int *comm_colour;           /* per community: as colour */
    size_t n_ranked;            /* ... with at least MIN_COLOURED nodes */
    size_t n_groups;            /* communities with at least MIN_COLOURED nodes */
    size_t n_legend;            /* legend rows shown */
    size_t n_isolated;          /* nodes without a (valid) edge */
    size_t n_small;             /* nodes drawn COLOUR_SMALL */
    pg_buf title;               /* cleaned title line */
    pg_buf t1, t2;              /* scratch text */
} scene;

/* Cleans scraped text for cairo (valid UTF-8, no control characters, runs
 * of spaces as one) into out. */
pg_err pgd_text_clean(const char *s, pg_buf *out);
/* s shortened to at most max_cp code points at a word boundary, with an
 * ellipsis when cut, into out. */
pg_err pgd_text_shorten(const char *s, size_t max_cp, pg_buf *out);
/* Code points of valid UTF-8 s. */
size_t pgd_utf8_count(const char *s);
/* Height of the legend card for `rows` rows. */
double pgd_legend_height(const scene *s, size_t rows);
/* Works out everything about the picture that needs no cairo; release with
 * pgd_scene_release even on failure (PG_ERR_NOMEM). */
pg_err pgd_scene_init(scene *s, const pg_graph *g, const pg_draw_opts *o);
void pgd_scene_release(scene *s);
/* The edge joins two distinct nodes of the graph (bad edges are skipped). */
int pgd_edge_ok(const scene *s, const pg_graph_edge *e);

#endif
