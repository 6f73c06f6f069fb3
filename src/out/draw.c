/*
** draw.c: the picture of the paper graph painted with cairo (see export.h),
** from the scene draw_scene.c works out.
**
** Shape: everything that does not need cairo -- screen positions, radii,
** colours, which papers get labels, the legend rows -- is worked out first
** into a `scene` (pgd_scene_init, draw_scene.c).  Then one routine, draw_scene(), paints the
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
** Files: through pg_outfile, the one atomic-write path (a temporary file
** beside the target, renamed into place only when cairo reports success,
** with the mode the umask gives), so there are no partial pictures.
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

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>

#include "papergraph/base.h"
#include "papergraph/export.h"
#include "out/internal.h"

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
    size_t lo = 0, hi = pgd_utf8_count(s);
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if ((rc = pgd_text_shorten(s, mid, out)) != PG_OK)
            return rc;
        if (text_width(cr, out->data) <= maxw)
            lo = mid;
        else
            hi = mid - 1;
    }
    return pgd_text_shorten(s, lo, out);
}

static void set_rgb(cairo_t *cr, uint32_t rgb, double shade, double alpha)
{
    cairo_set_source_rgba(cr, ((rgb >> 16) & 0xFF) / 255.0 * shade,
                          ((rgb >> 8) & 0xFF) / 255.0 * shade,
                          (rgb & 0xFF) / 255.0 * shade, alpha);
}

static uint32_t colour_rgb(int c)
{
    return c >= 0 ? pg_draw_palette_rgb((size_t)c) : c == COLOUR_OTHER ? GREY_OTHER : GREY_SMALL;
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
            if (!pgd_edge_ok(s, e))
                continue;
            int c = s->colour[e->a];
            int inside = c >= 0 && c == s->colour[e->b];
            if (inside != pass)
                continue;
            double t = wmax > 0 && isfinite(e->weight) && e->weight > 0
                       ? sqrt(e->weight / wmax) : 0;
            if (inside)
                set_rgb(cr, pg_draw_palette_rgb((size_t)c), 0.9, 0.22 + 0.5 * t);
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
 * count `labelled`, others `plain`: the labelled ones' own labels point at
 * them). */
static double box_cost_of(const scene *s, rect b, size_t self, double labelled,
                          double plain)
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
            cost += (s->flags[i] & FLAG_LABELLED) ? labelled : plain;
    return cost;
}

static double box_cost(const scene *s, rect b, size_t self)
{
    return box_cost_of(s, b, self, 6, 1);
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
    pg_err rc = pgd_text_clean(nd->label ? nd->label : nd->title, &s->t1);
    if (rc == PG_OK && s->t1.len == 0) {
        char id[PG_ID_HEX];
        memcpy(id, nd->id, sizeof id);
        id[sizeof id - 1] = '\0';
        rc = pgd_text_clean(id[0] ? id : "(untitled)", &s->t1);
    }
    return rc != PG_OK ? rc : pgd_text_shorten(s->t1.data, LABEL_CHARS, &s->t2);
}

/* The largest communities named by their terms at the middle of their
 * region (the layout makes each community a region), in bold, before the
 * paper labels so that those keep clear of them.  A region's name is meant
 * to lie over its papers, but not over a paper that gets a label of its
 * own (the middle of a small community is often one): then it goes to the
 * first spot that hides none, trying just above the middle, then above and
 * below the region's papers; failing all, where it hides fewest. */
static pg_err draw_region_labels(cairo_t *cr, scene *s)
{
    const pg_graph *g = s->g;
    cairo_font_extents_t fe;
    set_font(cr, 15 * s->u, 1);
    cairo_font_extents(cr, &fe);
    for (size_t j = 0; j < s->n_ranked && j < REGION_LABELS; j++) {
        size_t c = s->ranked[j], k = 0;
        double x = 0, y = 0;
        const char *label = g->communities[c].label;
        if (label == NULL || label[0] == '\0')
            continue;
        double top = INFINITY, bottom = -INFINITY;
        for (size_t i = 0; i < g->n_nodes; i++)
            if (g->nodes[i].community == (int)c) {
                x += s->x[i];
                y += s->y[i];
                top = fmin(top, s->y[i] - s->r[i]);
                bottom = fmax(bottom, s->y[i] + s->r[i]);
                k++;
            }
        if (k == 0)
            continue;
        x /= (double)k;
        y /= (double)k;
        /* The first two terms: a region's name, not its description. */
        const char *cut = strchr(label, ',');
        cut = cut ? strchr(cut + 1, ',') : NULL;
        pg_buf_reset(&s->t2);
        pg_err rc = pg_buf_append(&s->t2, label, cut ? (size_t)(cut - label) : strlen(label));
        if (rc == PG_OK)
            rc = pgd_text_clean(s->t2.data, &s->t1);
        if (rc == PG_OK)
            rc = pgd_text_shorten(s->t1.data, LABEL_CHARS, &s->t2);
        if (rc != PG_OK)
            return rc;
        double tw = text_width(cr, s->t2.data), gap = 4 * s->u;
        x = fmin(fmax(x - tw / 2, s->text_area.x0), s->text_area.x1 - tw);
        const double base[4] = {    /* baselines of the spots tried */
            y, y - fe.ascent - fe.descent - gap, top - gap - fe.descent,
            bottom + gap + fe.ascent,
        };
        double best = -1;
        rect b = { 0, 0, 0, 0 };
        for (size_t t = 0; t < 4 && best != 0; t++) {
            rect o = { x, base[t] - fe.ascent, x + tw, base[t] + fe.descent };
            double cost = box_cost_of(s, o, SIZE_MAX, 1, 0);
            if (cost >= 0 && (best < 0 || cost < best)) {
                best = cost;
                b = o;
                y = base[t];
            }
        }
        if (best < 0)
            continue;
        s->boxes[s->n_boxes++] = b;
        set_rgb(cr, colour_rgb(s->comm_colour[c]), 0.55, 1);
        cairo_move_to(cr, x, y);
        cairo_text_path(cr, s->t2.data);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
        cairo_set_line_width(cr, 4 * s->u);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
        set_rgb(cr, colour_rgb(s->comm_colour[c]), 0.55, 1);
        cairo_move_to(cr, x, y);
        cairo_show_text(cr, s->t2.data);
    }
    return PG_OK;
}

static pg_err draw_labels(cairo_t *cr, scene *s)
{
    cairo_font_extents_t fe;
    set_font(cr, 12.5 * s->u, 0);
    cairo_font_extents(cr, &fe);
    for (size_t j = 0; j < s->n_top; j++) {
        size_t i = s->top[j];
        rect b;
        double x = 0, y = 0;
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
    pg_err rc = pgd_text_clean(s->g->communities[c].label, &s->t1);
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

/* The legend card; its blocks follow pgd_legend_height(): header, rows,
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
    if ((rc = draw_region_labels(cr, s)) != PG_OK || (rc = draw_labels(cr, s)) != PG_OK
        || (rc = draw_legend(cr, s)) != PG_OK)
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

static cairo_status_t file_write(void *closure, const unsigned char *data,
                                 unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS
                                                : CAIRO_STATUS_WRITE_ERROR;
}

/* SVG goes to memory (see svg_fix_id), the others straight to out. */
static cairo_surface_t *surface_new(const scene *s, pg_draw_format fmt,
                                    FILE *out, pg_buf *svg)
{
    cairo_surface_t *surf;
    switch (fmt) {
    case PG_DRAW_SVG:
        surf = cairo_svg_surface_create_for_stream(svg_write, svg, s->w, s->h);
        /* Pixels, so that browsers show it at the size asked for. */
        cairo_svg_surface_set_document_unit(surf, CAIRO_SVG_UNIT_PX);
        return surf;
    case PG_DRAW_PDF:
        surf = cairo_pdf_surface_create_for_stream(file_write, out, s->w, s->h);
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, s->title.data);
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "papergraph");
        return surf;
    case PG_DRAW_PNG:
        break;
    }
    return cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)s->w, (int)s->h);
}

/* Ends the drawing: the PDF surface has been writing to out as it went and
 * reports write errors when finished; the image surface is written now. */
static cairo_status_t surface_close(cairo_surface_t *surf, pg_draw_format fmt,
                                    FILE *out)
{
    if (fmt == PG_DRAW_PNG)
        return cairo_surface_write_to_png_stream(surf, file_write, out);
    cairo_surface_finish(surf);
    return cairo_surface_status(surf);
}

/* Draws the scene into out; any cairo error, whenever it shows, becomes an
 * error here so that the caller commits only complete files. */
static pg_err render_file(scene *s, pg_draw_format fmt, FILE *out,
                          const char *path, pg_error *err)
{
    pg_err rc = PG_OK;
    pg_buf svg = PG_BUF_INIT;
    cairo_t *cr = NULL;
    cairo_surface_t *surf = surface_new(s, fmt, out, &svg);
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
    st = surface_close(surf, fmt, out);
    if (st == CAIRO_STATUS_SUCCESS && fmt == PG_DRAW_SVG) {
        svg_fix_id(&svg);
        if (fwrite(svg.data, 1, svg.len, out) != svg.len)
            rc = pg_error_set(err, PG_ERR_IO, "%s: cannot write: %s", path,
                              strerror(errno));
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
    pg_outfile *of = NULL;
    FILE *fp = NULL;
    scene s;
    pg_err rc;
    if (o == NULL) {
        pg_draw_opts_default(&def);
        o = &def;
    }
    if ((rc = check_args(g, path, fmt, o, err)) != PG_OK)
        return rc;
    if ((rc = pgd_scene_init(&s, g, o)) != PG_OK) {
        pg_error_set(err, rc, "%s: out of memory", path);
        goto out;
    }
    /* The one atomic-write path: whole picture or the previous file. */
    if ((rc = pg_outfile_open(path, &of, &fp, err)) != PG_OK)
        goto out;
    if ((rc = render_file(&s, fmt, fp, path, err)) != PG_OK)
        goto out;
    rc = pg_outfile_commit(of, err);
    of = NULL;
out:
    pg_outfile_abort(of);
    pgd_scene_release(&s);
    return rc;
}

void pg_draw_release_fonts(void)
{
    /* What cairo's toy font API made fontconfig load stays cached for the
     * life of the process; a program done drawing can give it back (and
     * valgrind then sees no leak).  Only safe when no cairo object is
     * alive, hence a call of its own rather than part of every drawing. */
    cairo_debug_reset_static_data();
    FcFini();
}
