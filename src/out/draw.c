/*
** draw.c: the picture of the paper graph, drawn with cairo (see draw.h).
**
** Shape: everything that does not need cairo -- screen positions, radii,
** colours, which papers get labels, the legend rows -- is worked out first
** into a `scene` (scene_init).  Then one routine, draw_scene(), paints the
** scene onto whatever cairo surface it is given, so SVG, PNG and PDF are the
** same picture; only render_file() knows the surface kinds.
**
** Picture: a title line and a line of counts at the top; the plot on the
** left (edges first, thin, alpha by weight, in the community colour when
** both ends share one; nodes as outlined disks, area by PageRank); labels
** for the top papers with a white halo, placed greedily so that they never
** overlap each other; on the right a legend card listing the largest
** communities.  Communities of one or two papers are a light neutral grey
** so that the many isolated papers do not use up the palette; ranked ones
** beyond the twelve colours a darker grey.
**
** Text: cairo's toy text API wants valid UTF-8 and titles come from scraped
** web pages, so every string goes through text_clean() (invalid bytes become
** U+FFFD, control characters spaces, runs of spaces one) and is shortened at
** a word boundary with an ellipsis.  Metric hinting is off on every surface
** so that text widths, and thus label placement, are the same in all three
** formats.
**
** Files: cairo writes to PATH.tmpXXXXXX beside the target, renamed into
** place only when cairo reports success, so there are no partial pictures.
** SVG is drawn to memory first so that svg_fix_id() can remove the one
** process-dependent number cairo writes; nothing here reads the clock, so
** the same graph gives the same SVG bytes (and the same PNG pixels).  PDF
** files carry cairo's creation date.
*/
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "papergraph/base.h"
#include "papergraph/export.h"
#include "out/internal.h"

#define MIN_SIDE 16
#define MAX_SIDE 16384
#define MIN_COLOURED PG_GROUP_MIN  /* smaller communities are drawn grey */
#define LABEL_CHARS 40          /* node labels, in code points */
#define TEXT_CAP 300            /* longest text kept before fitting */
#define FONT "sans-serif"
#define TAU 6.283185307179586     /* M_PI is not in strict C11 */

/* Legend card geometry, in units (see scene.u). */
#define LG_PAD 14.0
#define LG_HEAD 30.0
#define LG_ROW 22.0
#define LG_LINE 19.0
#define LG_SEP 12.0

/* Tableau 10 without its grey, plus three from Tableau 20: distinct hues
 * that stay readable on white.  Index = rank of the community by size. */
static const uint32_t palette[] = {
    0x4E79A7, 0xF28E2B, 0xE15759, 0x59A14F, 0xB07AA1, 0x76B7B2,
    0xEDC948, 0xFF9DA7, 0x9C755F, 0x499894, 0xD37295, 0x8CD17D,
};
#define PALETTE_N (sizeof palette / sizeof palette[0])
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

void pg_draw_opts_default(pg_draw_opts *o)
{
    o->width = 1600;
    o->height = 1200;
    o->max_labels = 12;
    o->max_legend = PALETTE_N;
    o->title = NULL;
}

uint32_t pg_draw_palette_rgb(size_t rank)
{
    return rank < PALETTE_N ? palette[rank] : GREY_OTHER;
}

pg_err pg_draw_format_from_path(const char *path, pg_draw_format *fmt,
                                pg_error *err)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    const char *dot = path ? strrchr(slash ? slash : path, '.') : NULL;
    if (dot && strcasecmp(dot, ".svg") == 0)
        *fmt = PG_DRAW_SVG;
    else if (dot && strcasecmp(dot, ".png") == 0)
        *fmt = PG_DRAW_PNG;
    else if (dot && strcasecmp(dot, ".pdf") == 0)
        *fmt = PG_DRAW_PDF;
    else
        return pg_error_set(err, PG_ERR_USAGE,
                            "%s: unknown picture format (want .svg, .png or .pdf)",
                            path ? path : "(null)");
    return PG_OK;
}

/* ---- text ------------------------------------------------------------ */

/* Decodes one code point of NUL-terminated s, strictly (no overlongs,
 * surrogates or values past U+10FFFF).  A bad byte decodes as U+FFFD and
 * consumes one byte, so the walk always advances. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
    unsigned c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, v = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, v = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, v = c & 0x07, min = 0x10000;
    else
        goto bad;
    /* The terminating NUL is not a continuation byte: no overrun. */
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            goto bad;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        goto bad;
    *cp = v;
    return len;
bad:
    *cp = 0xFFFD;
    return 1;
}

static pg_err utf8_put(pg_buf *b, uint32_t cp)
{
    char e[4];
    size_t n;
    if (cp < 0x80) {
        e[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        e[0] = (char)(0xC0 | (cp >> 6)), e[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
        e[0] = (char)(0xE0 | (cp >> 12)), e[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        e[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    } else {
        e[0] = (char)(0xF0 | (cp >> 18)), e[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        e[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), e[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return pg_buf_append(b, e, n);
}

/* What a code point becomes on the picture: ' ' for anything that moves
 * the pen or breaks a line, 0 (dropped) for invisible direction and format
 * controls that could reorder the text, U+FFFD for non-characters. */
static uint32_t text_map(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029)
        return ' ';
    if (cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E)
        || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF)
        return 0;
    if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF))
        return 0xFFFD;
    return cp;
}

/* Cleans s (any bytes, NULL allowed) into valid, printable, single-line
 * UTF-8 in out: see text_map; a run of bad bytes becomes one U+FFFD;
 * spaces collapsed and trimmed; at most TEXT_CAP code points, an ellipsis
 * marking a cut. */
static pg_err text_clean(const char *s, pg_buf *out)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t kept = 0;
    uint32_t last = 0;
    int space = 0;
    pg_buf_reset(out);
    if (pg_buf_append(out, "", 0) != PG_OK)     /* "" rather than NULL */
        return PG_ERR_NOMEM;
    while (*p) {
        uint32_t cp;
        p += utf8_next(p, &cp);
        cp = text_map(cp);
        if (cp == 0 || (cp == 0xFFFD && last == 0xFFFD && !space))
            continue;       /* one mark for a run of bad bytes is enough */
        if (cp == ' ') {
            space = kept > 0;
            continue;
        }
        if (kept >= TEXT_CAP)
            return utf8_put(out, 0x2026);
        if ((space && pg_buf_putc(out, ' ') != PG_OK) || utf8_put(out, cp) != PG_OK)
            return PG_ERR_NOMEM;
        space = 0;
        last = cp;
        kept++;
    }
    return PG_OK;
}

static size_t utf8_count(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Byte offset of code point k in valid UTF-8 s (strlen if fewer). */
static size_t utf8_offset(const char *s, size_t k)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && k-- == 0)
            break;
    return i;
}

/* Copies clean text s into out, at most max_cp code points: a longer text
 * is cut at the last space in its second half (else mid-word, but always
 * between code points), loses trailing punctuation and gets an ellipsis. */
static pg_err text_shorten(const char *s, size_t max_cp, pg_buf *out)
{
    pg_buf_reset(out);
    if (utf8_count(s) <= max_cp)
        return pg_buf_puts(out, s);
    if (max_cp == 0)
        return pg_buf_puts(out, "");
    size_t keep = max_cp - 1;
    size_t cut = utf8_offset(s, keep), half = utf8_offset(s, keep / 2);
    for (size_t i = cut; i > half; i--)
        if (s[i] == ' ') {
            cut = i;
            break;
        }
    while (cut > 0 && strchr(" ,;:.-/(", s[cut - 1]))
        cut--;
    pg_err rc = pg_buf_append(out, s, cut);
    return rc != PG_OK ? rc : utf8_put(out, 0x2026);
}

/* ---- cairo text helpers -------------------------------------------- */

static void set_font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static double text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* Puts into out the longest shortening of clean text s that is at most
 * maxw wide in the current font (binary search on the length). */
static pg_err text_fit(cairo_t *cr, const char *s, double maxw, pg_buf *out)
{
    pg_buf_reset(out);
    pg_err rc = pg_buf_append(out, s, strlen(s));
    if (rc != PG_OK || text_width(cr, out->data) <= maxw)
        return rc;
    size_t lo = 0, hi = utf8_count(s);
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if ((rc = text_shorten(s, mid, out)) != PG_OK)
            return rc;
        if (text_width(cr, out->data) <= maxw)
            lo = mid;
        else
            hi = mid - 1;
    }
    return text_shorten(s, lo, out);
}

static void set_rgb(cairo_t *cr, uint32_t rgb, double shade, double alpha)
{
    cairo_set_source_rgba(cr, ((rgb >> 16) & 0xFF) / 255.0 * shade,
                          ((rgb >> 8) & 0xFF) / 255.0 * shade,
                          (rgb & 0xFF) / 255.0 * shade, alpha);
}

static uint32_t colour_rgb(int c)
{
    return c >= 0 ? palette[c] : c == COLOUR_OTHER ? GREY_OTHER : GREY_SMALL;
}

/* Text with a white halo: the stroked outline keeps it readable over edges
 * and nodes; the fill is real text (selectable in PDF). */
static void show_halo(cairo_t *cr, double x, double y, const char *t, double halo)
{
    cairo_move_to(cr, x, y);
    cairo_text_path(cr, t);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.92);
    cairo_set_line_width(cr, halo);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.11, 0.11, 0.12);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, t);
}

/* ---- scene ------------------------------------------------------------ */

static int key_cmp(const void *pa, const void *pb)
{
    const sort_key *a = pa, *b = pb;
    if (a->k1 != b->k1)
        return a->k1 < b->k1 ? -1 : 1;
    if (a->k2 != b->k2)
        return a->k2 < b->k2 ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static double clean_pagerank(double p)
{
    return isfinite(p) && p > 0 ? p : 0;
}

/* Layout coordinate: NaN and infinities sit in the middle, huge values are
 * clamped so that max - min cannot overflow. */
static double clean_coord(double v)
{
    if (!isfinite(v))
        return 0.5;
    return v < -1e9 ? -1e9 : v > 1e9 ? 1e9 : v;
}

static void scene_release(scene *s)
{
    free(s->x);
    free(s->y);
    free(s->r);
    free(s->colour);
    free(s->flags);
    free(s->order);
    free(s->top);
    free(s->boxes);
    free(s->comm_size);
    free(s->ranked);
    free(s->comm_colour);
    pg_buf_release(&s->title);
    pg_buf_release(&s->t1);
    pg_buf_release(&s->t2);
}

static pg_err scene_alloc(scene *s)
{
    size_t n = s->g->n_nodes ? s->g->n_nodes : 1;
    size_t nc = s->g->n_communities ? s->g->n_communities : 1;
    s->x = calloc(n, sizeof *s->x);
    s->y = calloc(n, sizeof *s->y);
    s->r = calloc(n, sizeof *s->r);
    s->colour = calloc(n, sizeof *s->colour);
    s->flags = calloc(n, sizeof *s->flags);
    s->order = calloc(n, sizeof *s->order);
    s->top = calloc(n, sizeof *s->top);
    s->boxes = calloc(n, sizeof *s->boxes);
    s->comm_size = calloc(nc, sizeof *s->comm_size);
    s->ranked = calloc(nc, sizeof *s->ranked);
    s->comm_colour = calloc(nc, sizeof *s->comm_colour);
    if (!s->x || !s->y || !s->r || !s->colour || !s->flags || !s->order
        || !s->top || !s->boxes || !s->comm_size || !s->ranked || !s->comm_colour)
        return PG_ERR_NOMEM;
    return PG_OK;
}

/* Counts community sizes from the nodes themselves (so the legend matches
 * the picture even if the sizes stored in the graph do not) and ranks the
 * communities, largest first, ties by index. */
static pg_err scene_rank(scene *s)
{
    const pg_graph *g = s->g;
    size_t nc = g->n_communities;
    sort_key *k = calloc(nc ? nc : 1, sizeof *k);
    if (k == NULL)
        return PG_ERR_NOMEM;
    for (size_t i = 0; i < g->n_nodes; i++) {
        int c = g->nodes[i].community;
        if (c >= 0 && (size_t)c < nc)
            s->comm_size[c]++;
    }
    for (size_t c = 0; c < nc; c++)
        k[c] = (sort_key){ -(double)s->comm_size[c], 0, c };
    qsort(k, nc, sizeof *k, key_cmp);
    for (size_t j = 0; j < nc; j++) {
        s->ranked[j] = k[j].i;
        s->n_ranked += s->comm_size[k[j].i] >= MIN_COLOURED;
        s->n_groups += s->comm_size[k[j].i] >= MIN_COLOURED;
    }
    free(k);
    return PG_OK;
}

/* Colours: by rank while the palette lasts, then GREY_OTHER; communities
 * too small to rank, and invalid community numbers, COLOUR_SMALL. */
static void scene_colours(scene *s)
{
    const pg_graph *g = s->g;
    size_t nc = g->n_communities;
    for (size_t j = 0; j < nc; j++)
        s->comm_colour[s->ranked[j]] = j >= s->n_ranked ? COLOUR_SMALL
                                       : j < PALETTE_N ? (int)j : COLOUR_OTHER;
    for (size_t i = 0; i < g->n_nodes; i++) {
        int c = g->nodes[i].community;
        s->colour[i] = c >= 0 && (size_t)c < nc ? s->comm_colour[c] : COLOUR_SMALL;
        s->n_small += s->colour[i] == COLOUR_SMALL;
    }
}

/* Marks nodes that have a usable edge; edges with bad indexes, self loops
 * included, are ignored everywhere. */
static int edge_ok(const scene *s, const pg_graph_edge *e)
{
    return e->a < s->g->n_nodes && e->b < s->g->n_nodes && e->a != e->b;
}

static void scene_isolated(scene *s)
{
    for (size_t j = 0; j < s->g->n_edges; j++) {
        const pg_graph_edge *e = &s->g->edges[j];
        if (edge_ok(s, e)) {
            s->flags[e->a] |= FLAG_LINKED;
            s->flags[e->b] |= FLAG_LINKED;
        }
    }
    for (size_t i = 0; i < s->g->n_nodes; i++)
        s->n_isolated += !(s->flags[i] & FLAG_LINKED);
}

/* Height of the legend card for `rows` rows. */
static double legend_height(const scene *s, size_t rows)
{
    double lines = 1 + (s->n_ranked > rows) + (s->n_small > 0);
    return s->u * (2 * LG_PAD + LG_HEAD + rows * LG_ROW + LG_SEP + lines * LG_LINE);
}

/* Splits the canvas: title band on top, legend card on the right when there
 * are communities to list and room for it, the plot in the rest. */
static void scene_regions(scene *s)
{
    double u = s->u, m = s->m = 20 * u, w = s->w, h = s->h;
    s->title_bottom = m + 58 * u;
    double pw = fmin(0.25 * w, 400 * u), top = s->title_bottom + 6 * u;
    size_t want = s->o.max_legend < s->n_ranked ? s->o.max_legend : s->n_ranked;
    if (want > 0 && pw >= 150) {
        double avail = h - m - top - legend_height(s, 0);
        size_t fit = avail > 0 ? (size_t)(avail / (LG_ROW * u)) : 0;
        s->n_legend = want < fit ? want : fit;
    }
    if (s->n_legend > 0)
        s->panel = (rect){ w - pw, top, w - m, top + legend_height(s, s->n_legend) };
    s->area = (rect){ m, s->title_bottom + m / 2,
                      s->n_legend ? s->panel.x0 - m : w - m, h - m };
    s->text_area = (rect){ m / 2, s->title_bottom, s->area.x1 + m / 2, h - m / 4 };
}

/* Disk sizes: area proportional to PageRank between rmin and rmax; rmax
 * shrinks with the number of nodes so that big graphs do not become a
 * blot. */
static void scene_sizes(scene *s)
{
    const pg_graph *g = s->g;
    double aw = s->area.x1 - s->area.x0, ah = s->area.y1 - s->area.y0;
    double cell = sqrt(fmax(aw * ah, 1) / (double)(g->n_nodes ? g->n_nodes : 1));
    s->rmax = fmax(1.5, fmin(16 * s->u, 0.32 * cell));
    s->rmin = fmax(1.0, fmin(3.2 * s->u, 0.3 * s->rmax));
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < g->n_nodes; i++) {
        double q = sqrt(clean_pagerank(g->nodes[i].pagerank));
        lo = fmin(lo, q);
        hi = fmax(hi, q);
    }
    for (size_t i = 0; i < g->n_nodes; i++) {
        double q = sqrt(clean_pagerank(g->nodes[i].pagerank));
        double t = hi > lo ? (q - lo) / (hi - lo) : 0.5;
        s->r[i] = s->rmin + (s->rmax - s->rmin) * t;
    }
}

static double map_axis(double v, double lo, double hi, double a, double b)
{
    if (!(hi - lo > 1e-12) || !(b > a))
        return (a + b) / 2;
    return a + (v - lo) / (hi - lo) * (b - a);
}

/* Stretches the layout's bounding box onto the plot (inset by the largest
 * radius so that every disk is whole). */
static void scene_positions(scene *s)
{
    const pg_graph *g = s->g;
    double pad = s->rmax + 2 * s->u;
    s->plot = (rect){ s->area.x0 + pad, s->area.y0 + pad,
                      s->area.x1 - pad, s->area.y1 - pad };
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < g->n_nodes; i++) {
        double x = clean_coord(g->nodes[i].x), y = clean_coord(g->nodes[i].y);
        x0 = fmin(x0, x), x1 = fmax(x1, x);
        y0 = fmin(y0, y), y1 = fmax(y1, y);
    }
    for (size_t i = 0; i < g->n_nodes; i++) {
        s->x[i] = map_axis(clean_coord(g->nodes[i].x), x0, x1, s->plot.x0, s->plot.x1);
        s->y[i] = map_axis(clean_coord(g->nodes[i].y), y0, y1, s->plot.y0, s->plot.y1);
    }
}

/* Painting order (grey nodes first, then small disks under large ones) and
 * the labelled papers (highest PageRank first; ties by index). */
static pg_err scene_order(scene *s)
{
    size_t n = s->g->n_nodes;
    sort_key *k = calloc(n ? n : 1, sizeof *k);
    if (k == NULL)
        return PG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        k[i] = (sort_key){ s->colour[i] != COLOUR_SMALL, s->r[i], i };
    qsort(k, n, sizeof *k, key_cmp);
    for (size_t i = 0; i < n; i++)
        s->order[i] = k[i].i;
    for (size_t i = 0; i < n; i++)
        k[i] = (sort_key){ -clean_pagerank(s->g->nodes[i].pagerank), 0, i };
    qsort(k, n, sizeof *k, key_cmp);
    s->n_top = s->o.max_labels < n ? s->o.max_labels : n;
    for (size_t j = 0; j < s->n_top; j++) {
        s->top[j] = k[j].i;
        s->flags[k[j].i] |= FLAG_LABELLED;
    }
    free(k);
    return PG_OK;
}

static pg_err scene_init(scene *s, const pg_graph *g, const pg_draw_opts *o)
{
    pg_err rc;
    memset(s, 0, sizeof *s);
    s->g = g;
    s->o = *o;
    s->w = o->width;
    s->h = o->height;
    /* Everything scales with the canvas, but text must stay readable on
     * small pictures: hence the floor. */
    s->u = fmax(fmin(s->w, s->h) / 1000.0, 0.55);
    if ((rc = scene_alloc(s)) != PG_OK || (rc = scene_rank(s)) != PG_OK)
        return rc;
    scene_colours(s);
    scene_isolated(s);
    scene_regions(s);
    scene_sizes(s);
    scene_positions(s);
    if ((rc = scene_order(s)) != PG_OK)
        return rc;
    return text_clean(o->title && o->title[0] ? o->title : "papergraph", &s->title);
}

/* ---- painting -------------------------------------------------------- */

static void draw_edges(cairo_t *cr, const scene *s)
{
    const pg_graph *g = s->g;
    double wmax = 0;
    for (size_t j = 0; j < g->n_edges; j++)
        if (isfinite(g->edges[j].weight))
            wmax = fmax(wmax, g->edges[j].weight);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    /* Edges between communities first, so the coloured ones show on top. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t j = 0; j < g->n_edges; j++) {
            const pg_graph_edge *e = &g->edges[j];
            if (!edge_ok(s, e))
                continue;
            int c = s->colour[e->a];
            int inside = c >= 0 && c == s->colour[e->b];
            if (inside != pass)
                continue;
            double t = wmax > 0 && isfinite(e->weight) && e->weight > 0
                       ? sqrt(e->weight / wmax) : 0;
            if (inside)
                set_rgb(cr, palette[c], 0.9, 0.22 + 0.5 * t);
            else
                set_rgb(cr, 0x8A8F96, 1, 0.14 + 0.4 * t);
            cairo_set_line_width(cr, s->u * (0.5 + 1.6 * t));
            cairo_move_to(cr, s->x[e->a], s->y[e->a]);
            cairo_line_to(cr, s->x[e->b], s->y[e->b]);
            cairo_stroke(cr);
        }
    }
}

static void draw_nodes(cairo_t *cr, const scene *s)
{
    for (size_t j = 0; j < s->g->n_nodes; j++) {
        size_t i = s->order[j];
        uint32_t rgb = colour_rgb(s->colour[i]);
        int lab = (s->flags[i] & FLAG_LABELLED) != 0;
        cairo_new_path(cr);
        cairo_arc(cr, s->x[i], s->y[i], s->r[i], 0, TAU);
        set_rgb(cr, rgb, 1, 1);
        cairo_fill_preserve(cr);
        /* A darker rim of the same hue; labelled papers get a firmer one
         * so the eye finds the disk a label belongs to. */
        set_rgb(cr, rgb, lab ? 0.45 : 0.68, 1);
        cairo_set_line_width(cr, s->u * (lab ? 1.4 : 0.8));
        cairo_stroke(cr);
    }
}

static int rect_inside(rect a, rect b)
{
    return a.x0 >= b.x0 && a.y0 >= b.y0 && a.x1 <= b.x1 && a.y1 <= b.y1;
}

static int rect_overlap(rect a, rect b)
{
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

static int disk_hits(rect a, double x, double y, double r)
{
    double cx = fmax(a.x0, fmin(x, a.x1)), cy = fmax(a.y0, fmin(y, a.y1));
    return (cx - x) * (cx - x) + (cy - y) * (cy - y) < r * r;
}

/* Cost of a label box: -1 when it leaves the text area or touches a label
 * already placed; else how much of the graph it hides (labelled disks
 * count more, since their own labels point at them). */
static double box_cost(const scene *s, rect b, size_t self)
{
    double pad = 2 * s->u, cost = 0;
    if (!rect_inside(b, s->text_area))
        return -1;
    for (size_t j = 0; j < s->n_boxes; j++) {
        rect o = s->boxes[j];
        o.x0 -= pad, o.y0 -= pad, o.x1 += pad, o.y1 += pad;
        if (rect_overlap(b, o))
            return -1;
    }
    for (size_t i = 0; i < s->g->n_nodes; i++)
        if (i != self && disk_hits(b, s->x[i], s->y[i], s->r[i]))
            cost += (s->flags[i] & FLAG_LABELLED) ? 6 : 1;
    return cost;
}

/* Tries eight spots around node i (right, left, above, below, then the
 * diagonals) for a tw-wide text line; returns the cheapest free one via
 * *best (baseline origin in *bx, *by), or 0 when every spot collides. */
static int label_place(const scene *s, size_t i, double tw, double asc,
                       double desc, rect *best, double *bx, double *by)
{
    double x = s->x[i], y = s->y[i], g = s->r[i] + 3 * s->u;
    double d = s->r[i] * 0.72 + 2 * s->u, mid = y + (asc - desc) / 2;
    const double spot[8][2] = {
        { x + g, mid }, { x - g - tw, mid },
        { x - tw / 2, y - g - desc }, { x - tw / 2, y + g + asc },
        { x + d, y - d - desc }, { x + d, y + d + asc },
        { x - d - tw, y - d - desc }, { x - d - tw, y + d + asc },
    };
    double best_cost = -1;
    for (size_t k = 0; k < 8; k++) {
        rect b = { spot[k][0], spot[k][1] - asc, spot[k][0] + tw, spot[k][1] + desc };
        double c = box_cost(s, b, i);
        if (c >= 0 && (best_cost < 0 || c < best_cost)) {
            best_cost = c;
            *best = b;
            *bx = spot[k][0];
            *by = spot[k][1];
        }
    }
    return best_cost >= 0;
}

/* The label text of node i: its cleaned title, else its id. */
static pg_err label_text(scene *s, size_t i)
{
    const pg_graph_node *nd = &s->g->nodes[i];
    pg_err rc = text_clean(nd->label ? nd->label : nd->title, &s->t1);
    if (rc == PG_OK && s->t1.len == 0) {
        char id[PG_ID_HEX];
        memcpy(id, nd->id, sizeof id);
        id[sizeof id - 1] = '\0';
        rc = text_clean(id[0] ? id : "(untitled)", &s->t1);
    }
    return rc != PG_OK ? rc : text_shorten(s->t1.data, LABEL_CHARS, &s->t2);
}

static pg_err draw_labels(cairo_t *cr, scene *s)
{
    cairo_font_extents_t fe;
    set_font(cr, 12.5 * s->u, 0);
    cairo_font_extents(cr, &fe);
    for (size_t j = 0; j < s->n_top; j++) {
        size_t i = s->top[j];
        rect b;
        double x, y;
        pg_err rc = label_text(s, i);
        if (rc != PG_OK)
            return rc;
        double tw = text_width(cr, s->t2.data);
        if (!label_place(s, i, tw, fe.ascent, fe.descent, &b, &x, &y))
            continue;
        s->boxes[s->n_boxes++] = b;
        show_halo(cr, x, y, s->t2.data, 3.2 * s->u);
    }
    return PG_OK;
}

static void rounded_rect(cairo_t *cr, rect b, double rad)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, b.x1 - rad, b.y0 + rad, rad, -TAU / 4, 0);
    cairo_arc(cr, b.x1 - rad, b.y1 - rad, rad, 0, TAU / 4);
    cairo_arc(cr, b.x0 + rad, b.y1 - rad, rad, TAU / 4, TAU / 2);
    cairo_arc(cr, b.x0 + rad, b.y0 + rad, rad, TAU / 2, 3 * TAU / 4);
    cairo_close_path(cr);
}

static void swatch(cairo_t *cr, double x, double y, double r, uint32_t rgb)
{
    cairo_new_path(cr);
    cairo_arc(cr, x, y, r, 0, TAU);
    set_rgb(cr, rgb, 1, 1);
    cairo_fill_preserve(cr);
    set_rgb(cr, rgb, 0.68, 1);
    cairo_stroke(cr);
}

/* One legend row centred on y: swatch, label fitted to the room left,
 * size on the right. */
static pg_err legend_row(cairo_t *cr, scene *s, size_t rank, double y)
{
    double u = s->u, x0 = s->panel.x0 + LG_PAD * u, x1 = s->panel.x1 - LG_PAD * u;
    double base = y + 4.4 * u;
    size_t c = s->ranked[rank];
    pg_err rc = text_clean(s->g->communities[c].label, &s->t1);
    if (rc == PG_OK && s->t1.len == 0)
        rc = pg_buf_printf(&s->t1, "community %zu", c + 1);
    pg_buf_reset(&s->t2);
    if (rc != PG_OK || (rc = pg_buf_printf(&s->t2, "%zu", s->comm_size[c])) != PG_OK)
        return rc;
    swatch(cr, x0 + 6 * u, y, 6 * u, pg_draw_palette_rgb(rank));
    set_font(cr, 12 * u, 0);
    double cw = text_width(cr, s->t2.data);
    cairo_set_source_rgb(cr, 0.42, 0.44, 0.47);
    cairo_move_to(cr, x1 - cw, base);
    cairo_show_text(cr, s->t2.data);
    set_font(cr, 12.5 * u, 0);
    double lx = x0 + 19 * u;
    if ((rc = text_fit(cr, s->t1.data, x1 - cw - 10 * u - lx, &s->t2)) != PG_OK)
        return rc;
    cairo_set_source_rgb(cr, 0.13, 0.14, 0.16);
    cairo_move_to(cr, lx, base);
    cairo_show_text(cr, s->t2.data);
    return PG_OK;
}

/* A grey line of the legend's foot centred on y, with a swatch of colour
 * sw unless sw is 0. */
static void legend_note(cairo_t *cr, const scene *s, double y, const char *t,
                        uint32_t sw)
{
    double u = s->u, x = s->panel.x0 + LG_PAD * u;
    if (sw)
        swatch(cr, x + 6 * u, y, 5 * u, sw);
    set_font(cr, 11.5 * u, 0);
    cairo_set_source_rgb(cr, 0.40, 0.42, 0.45);
    cairo_move_to(cr, x + (sw ? 19 * u : 0), y + 4 * u);
    cairo_show_text(cr, t);
}

static size_t ranked_papers(const scene *s, size_t from)
{
    size_t n = 0;
    for (size_t j = from; j < s->n_ranked; j++)
        n += s->comm_size[s->ranked[j]];
    return n;
}

static void legend_card(cairo_t *cr, const scene *s)
{
    double u = s->u;
    rounded_rect(cr, s->panel, 6 * u);
    cairo_set_source_rgb(cr, 0.972, 0.976, 0.982);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.86, 0.88, 0.90);
    cairo_set_line_width(cr, 1 * u);
    cairo_stroke(cr);
    set_font(cr, 15 * u, 1);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.12);
    cairo_move_to(cr, s->panel.x0 + LG_PAD * u, s->panel.y0 + (LG_PAD + 15) * u);
    cairo_show_text(cr, "Largest communities");
}

/* The legend card; its blocks follow legend_height(): header, rows,
 * separator, then the notes. */
static pg_err draw_legend(cairo_t *cr, scene *s)
{
    double u = s->u, top = s->panel.y0 + (LG_PAD + LG_HEAD) * u;
    pg_err rc = PG_OK;
    if (s->n_legend == 0)
        return PG_OK;
    legend_card(cr, s);
    cairo_set_line_width(cr, 0.8 * u);
    for (size_t j = 0; j < s->n_legend && rc == PG_OK; j++, top += LG_ROW * u)
        rc = legend_row(cr, s, j, top + LG_ROW * u / 2);
    top += LG_SEP * u;
    if (rc == PG_OK && s->n_ranked > s->n_legend) {
        pg_buf_reset(&s->t1);
        rc = pg_buf_printf(&s->t1, "+ %zu more communities (%zu papers)",
                           s->n_ranked - s->n_legend, ranked_papers(s, s->n_legend));
        if (rc == PG_OK)
            legend_note(cr, s, top + LG_LINE * u / 2, s->t1.data,
                        s->n_legend < PALETTE_N ? 0 : GREY_OTHER);
        top += LG_LINE * u;
    }
    if (rc == PG_OK && s->n_small > 0) {
        pg_buf_reset(&s->t1);
        rc = pg_buf_printf(&s->t1, "%zu papers alone or in pairs", s->n_small);
        if (rc == PG_OK)
            legend_note(cr, s, top + LG_LINE * u / 2, s->t1.data, GREY_SMALL);
        top += LG_LINE * u;
    }
    pg_buf_reset(&s->t1);
    if (rc == PG_OK)
        rc = pg_buf_puts(&s->t1, "Disk area \xE2\x88\x9D PageRank");
    if (rc == PG_OK && s->n_top > 0)
        rc = pg_buf_printf(&s->t1, " \xC2\xB7 top %zu labelled", s->n_top);
    if (rc == PG_OK)
        legend_note(cr, s, top + LG_LINE * u / 2, s->t1.data, 0);
    return rc;
}

static pg_err stats_line(scene *s, pg_buf *b)
{
    const pg_graph *g = s->g;
    pg_buf_reset(b);
    pg_err rc = pg_buf_printf(b, "%zu paper%s \xC2\xB7 %zu link%s \xC2\xB7 %zu communit%s "
                              "of %d or more papers",
                              g->n_nodes, g->n_nodes == 1 ? "" : "s",
                              g->n_edges, g->n_edges == 1 ? "" : "s",
                              s->n_groups, s->n_groups == 1 ? "y" : "ies", MIN_COLOURED);
    if (rc == PG_OK && s->n_isolated > 0)
        rc = pg_buf_printf(b, " \xC2\xB7 %zu unlinked", s->n_isolated);
    return rc;
}

static pg_err draw_title(cairo_t *cr, scene *s)
{
    double u = s->u, m = s->m, maxw = s->w - 2 * m;
    pg_err rc;
    set_font(cr, 22 * u, 1);
    if ((rc = text_fit(cr, s->title.data, maxw, &s->t2)) != PG_OK)
        return rc;
    cairo_set_source_rgb(cr, 0.08, 0.08, 0.10);
    cairo_move_to(cr, m, m + 21 * u);
    cairo_show_text(cr, s->t2.data);
    if ((rc = stats_line(s, &s->t1)) != PG_OK)
        return rc;
    set_font(cr, 14 * u, 0);
    if ((rc = text_fit(cr, s->t1.data, maxw, &s->t2)) != PG_OK)
        return rc;
    cairo_set_source_rgb(cr, 0.38, 0.40, 0.43);
    cairo_move_to(cr, m, m + 44 * u);
    cairo_show_text(cr, s->t2.data);
    cairo_set_source_rgb(cr, 0.88, 0.89, 0.91);
    cairo_set_line_width(cr, 1 * u);
    cairo_move_to(cr, m, s->title_bottom);
    cairo_line_to(cr, s->w - m, s->title_bottom);
    cairo_stroke(cr);
    return PG_OK;
}

static void draw_empty(cairo_t *cr, const scene *s)
{
    const char *t = "no papers";
    set_font(cr, 18 * s->u, 0);
    double tw = text_width(cr, t);
    cairo_set_source_rgb(cr, 0.55, 0.57, 0.60);
    cairo_move_to(cr, (s->area.x0 + s->area.x1 - tw) / 2, (s->area.y0 + s->area.y1) / 2);
    cairo_show_text(cr, t);
}

/* The one drawing routine: paints the scene onto any surface. */
static pg_err draw_scene(cairo_t *cr, scene *s)
{
    pg_err rc;
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    draw_edges(cr, s);
    draw_nodes(cr, s);
    if (s->g->n_nodes == 0)
        draw_empty(cr, s);
    if ((rc = draw_labels(cr, s)) != PG_OK || (rc = draw_legend(cr, s)) != PG_OK)
        return rc;
    return draw_title(cr, s);
}

/* ---- files -------------------------------------------------------------- */

static pg_err cairo_fail(cairo_status_t st, const char *path, pg_error *err)
{
    pg_err code = st == CAIRO_STATUS_NO_MEMORY ? PG_ERR_NOMEM : PG_ERR_IO;
    return pg_error_set(err, code, "%s: cannot draw: %s", path,
                        cairo_status_to_string(st));
}

static cairo_status_t svg_write(void *closure, const unsigned char *data,
                                unsigned int len)
{
    return pg_buf_append(closure, data, len) == PG_OK ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_NO_MEMORY;
}

/* cairo names the SVG page group after a process-wide surface counter, so
 * the same picture drawn second in a process (or after a PNG) would differ
 * in that one number: it is set to what a fresh process writes. */
static void svg_fix_id(pg_buf *b)
{
    static const char tag[] = "<g id=\"surface";
    char *p = b->data ? strstr(b->data, tag) : NULL;
    if (p == NULL)
        return;
    char *d = p + sizeof tag - 1, *e = d;
    while (*e >= '0' && *e <= '9')
        e++;
    if (e == d || *e != '"')
        return;
    *d = '1';
    memmove(d + 1, e, b->len - (size_t)(e - b->data) + 1);
    b->len -= (size_t)(e - d) - 1;
}

static pg_err write_all(const char *tmp, const pg_buf *b, const char *path,
                        pg_error *err)
{
    FILE *f = fopen(tmp, "wb");
    int ok = f != NULL && fwrite(b->data, 1, b->len, f) == b->len;
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    if (!ok)
        return pg_error_set(err, PG_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    return PG_OK;
}

/* SVG goes to memory (see svg_fix_id), the others straight to tmp. */
static cairo_surface_t *surface_new(const scene *s, pg_draw_format fmt,
                                    const char *tmp, pg_buf *svg)
{
    cairo_surface_t *surf;
    switch (fmt) {
    case PG_DRAW_SVG:
        surf = cairo_svg_surface_create_for_stream(svg_write, svg, s->w, s->h);
        /* Pixels, so that browsers show it at the size asked for. */
        cairo_svg_surface_set_document_unit(surf, CAIRO_SVG_UNIT_PX);
        return surf;
    case PG_DRAW_PDF:
        surf = cairo_pdf_surface_create(tmp, s->w, s->h);
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, s->title.data);
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "papergraph");
        return surf;
    case PG_DRAW_PNG:
        break;
    }
    return cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)s->w, (int)s->h);
}

/* Ends the drawing: the PDF surface has been writing to tmp as it went and
 * reports write errors when finished; the image surface is written now. */
static cairo_status_t surface_close(cairo_surface_t *surf, pg_draw_format fmt,
                                    const char *tmp)
{
    if (fmt == PG_DRAW_PNG)
        return cairo_surface_write_to_png(surf, tmp);
    cairo_surface_finish(surf);
    return cairo_surface_status(surf);
}

/* Draws the scene into the file tmp; any cairo error, whenever it shows,
 * becomes an error here so that the caller renames only complete files. */
static pg_err render_file(scene *s, pg_draw_format fmt, const char *tmp,
                          const char *path, pg_error *err)
{
    pg_err rc = PG_OK;
    pg_buf svg = PG_BUF_INIT;
    cairo_t *cr = NULL;
    cairo_surface_t *surf = surface_new(s, fmt, tmp, &svg);
    cairo_status_t st = cairo_surface_status(surf);
    if (st != CAIRO_STATUS_SUCCESS)
        goto out;
    cr = cairo_create(surf);
    if ((rc = draw_scene(cr, s)) != PG_OK) {
        pg_error_set(err, rc, "%s: out of memory", path);
        goto out;
    }
    if ((st = cairo_status(cr)) != CAIRO_STATUS_SUCCESS)
        goto out;
    cairo_destroy(cr);
    cr = NULL;
    st = surface_close(surf, fmt, tmp);
    if (st == CAIRO_STATUS_SUCCESS && fmt == PG_DRAW_SVG) {
        svg_fix_id(&svg);
        rc = write_all(tmp, &svg, path, err);
    }
out:
    if (rc == PG_OK && st != CAIRO_STATUS_SUCCESS)
        rc = cairo_fail(st, path, err);
    if (cr)
        cairo_destroy(cr);
    cairo_surface_destroy(surf);
    pg_buf_release(&svg);
    return rc;
}

/* Creates the empty file PATH.tmpXXXXXX beside path and names it in tmp. */
static pg_err temp_create(const char *path, pg_buf *tmp, pg_error *err)
{
    if (pg_buf_printf(tmp, "%s.tmpXXXXXX", path) != PG_OK)
        return pg_error_set(err, PG_ERR_NOMEM, "%s: out of memory", path);
    int fd = mkstemp(tmp->data);
    if (fd < 0) {
        pg_err rc = pg_error_set(err, PG_ERR_IO, "%s: cannot create: %s",
                                 path, strerror(errno));
        pg_buf_release(tmp);
        return rc;
    }
    /* mkstemp makes the file private (0600); a picture is for sharing. */
    (void)fchmod(fd, 0644);
    close(fd);
    return PG_OK;
}

static pg_err check_args(const pg_graph *g, const char *path, pg_draw_format fmt,
                         const pg_draw_opts *o, pg_error *err)
{
    if (g == NULL || path == NULL || path[0] == '\0')
        return pg_error_set(err, PG_ERR_USAGE, "draw: no graph or no file name");
    if ((g->n_nodes && g->nodes == NULL) || (g->n_edges && g->edges == NULL)
        || (g->n_communities && g->communities == NULL))
        return pg_error_set(err, PG_ERR_USAGE, "%s: graph arrays missing", path);
    if (fmt != PG_DRAW_SVG && fmt != PG_DRAW_PNG && fmt != PG_DRAW_PDF)
        return pg_error_set(err, PG_ERR_USAGE, "%s: unknown picture format", path);
    if (o->width < MIN_SIDE || o->width > MAX_SIDE || o->height < MIN_SIDE
        || o->height > MAX_SIDE)
        return pg_error_set(err, PG_ERR_USAGE, "%s: picture size %dx%d out of range "
                            "(%d to %d)", path, o->width, o->height, MIN_SIDE, MAX_SIDE);
    return PG_OK;
}

pg_err pg_graph_draw(const pg_graph *g, const char *path, pg_draw_format fmt,
                     const pg_draw_opts *o, pg_error *err)
{
    pg_draw_opts def;
    pg_buf tmp = PG_BUF_INIT;
    scene s;
    pg_err rc;
    if (o == NULL) {
        pg_draw_opts_default(&def);
        o = &def;
    }
    if ((rc = check_args(g, path, fmt, o, err)) != PG_OK)
        return rc;
    if ((rc = scene_init(&s, g, o)) != PG_OK) {
        pg_error_set(err, rc, "%s: out of memory", path);
        goto out;
    }
    if ((rc = temp_create(path, &tmp, err)) != PG_OK)
        goto out;
    if ((rc = render_file(&s, fmt, tmp.data, path, err)) != PG_OK)
        goto out;
    if (rename(tmp.data, path) != 0)
        rc = pg_error_set(err, PG_ERR_IO, "%s: cannot replace: %s", path, strerror(errno));
    else
        pg_buf_release(&tmp);       /* nothing left to unlink */
out:
    if (tmp.data)
        unlink(tmp.data);
    pg_buf_release(&tmp);
    scene_release(&s);
    return rc;
}
