/*
** draw_scene.c: the picture of the paper graph worked out without cairo
** (see draw.c for how it is painted): screen positions, radii, colours by
** community rank, which papers get labels, the legend rows, and the text
** cleaning every string goes through before cairo sees it.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "papergraph/base.h"
#include "papergraph/export.h"
#include "out/internal.h"

/* Tableau 10 without its grey, plus three from Tableau 20: distinct hues
 * that stay readable on white.  Index = rank of the community by size. */
static const uint32_t palette[] = {
    0x4E79A7, 0xF28E2B, 0xE15759, 0x59A14F, 0xB07AA1, 0x76B7B2,
    0xEDC948, 0xFF9DA7, 0x9C755F, 0x499894, 0xD37295, 0x8CD17D,
};


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
pg_err pgd_text_clean(const char *s, pg_buf *out)
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

size_t pgd_utf8_count(const char *s)
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
pg_err pgd_text_shorten(const char *s, size_t max_cp, pg_buf *out)
{
    pg_buf_reset(out);
    if (pgd_utf8_count(s) <= max_cp)
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

void pgd_scene_release(scene *s)
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
    s->boxes = calloc(n + REGION_LABELS, sizeof *s->boxes);
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
int pgd_edge_ok(const scene *s, const pg_graph_edge *e)
{
    return e->a < s->g->n_nodes && e->b < s->g->n_nodes && e->a != e->b;
}

static void scene_isolated(scene *s)
{
    for (size_t j = 0; j < s->g->n_edges; j++) {
        const pg_graph_edge *e = &s->g->edges[j];
        if (pgd_edge_ok(s, e)) {
            s->flags[e->a] |= FLAG_LINKED;
            s->flags[e->b] |= FLAG_LINKED;
        }
    }
    for (size_t i = 0; i < s->g->n_nodes; i++)
        s->n_isolated += !(s->flags[i] & FLAG_LINKED);
}

/* Height of the legend card for `rows` rows. */
double pgd_legend_height(const scene *s, size_t rows)
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
        double avail = h - m - top - pgd_legend_height(s, 0);
        size_t fit = avail > 0 ? (size_t)(avail / (LG_ROW * u)) : 0;
        s->n_legend = want < fit ? want : fit;
    }
    if (s->n_legend > 0)
        s->panel = (rect){ w - pw, top, w - m, top + pgd_legend_height(s, s->n_legend) };
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

pg_err pgd_scene_init(scene *s, const pg_graph *g, const pg_draw_opts *o)
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
    return pgd_text_clean(o->title && o->title[0] ? o->title : "papergraph", &s->title);
}

