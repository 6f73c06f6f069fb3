/*
** layout.c: places the papers for the pictures and the HTML page so that
** each community is a region: the graph of communities is laid out first,
** every community gets a disc whose area grows with its size, the discs are
** pushed apart until none overlap, and each community is laid out inside its
** own disc.  Papers of communities too small to be a group (PG_GROUP_MIN)
** go on rings around the regions, a pair or a single paper side by side.
**
** Why not one force-directed layout of the whole graph: on real collections
** it interleaves the communities (only about a fifth of a paper's nearest
** neighbours in the picture shared its community), so no region reads as a
** topic.  Users of bibliometric maps expect each cluster to be a region.
**
** Everything is seeded (pg_graph_opts.seed), so a graph is always drawn the
** same way.  The force-directed steps are igraph's, reached through
** pgg_fr_layout (graph.c, the one file that includes igraph.h); igraph's
** random number generator is global: the caller (graph.c's analyse) holds
** the non-aborting handlers while this runs.
*/
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph/internal.h"

#define PG_PI 3.14159265358979323846  /* M_PI is not in strict C11 */
#define INNER_ITERATIONS 300        /* FR steps inside one community */
#define OUTER_ITERATIONS 500        /* FR steps of the community graph */
#define SPREAD_ROUNDS 300           /* rounds pushing discs apart */
#define DISC_GAP 0.35               /* free space between discs, in the unit
                                       of one paper's share of a radius */

/* Scratch shared by the steps. */
typedef struct lay {
    pg_graph *g;
    size_t k;                   /* groups (communities of PG_GROUP_MIN+) */
    double *cx, *cy, *r;        /* disc of each group */
    size_t *start;              /* members of group c: mem[start[c]..[c+1]) */
    uint32_t *mem;
    uint32_t *local;            /* node -> index inside its group */
    int64_t *ev;                /* edge scratch, 2 per edge */
    double *w;
} lay;

/* Groups' members (node order) and each node's index inside its group. */
static int members(lay *L)
{
    pg_graph *g = L->g;
    size_t n = g->n_nodes;
    L->start = calloc(L->k + 2, sizeof *L->start);
    L->mem = malloc((n + 1) * sizeof *L->mem);
    L->local = malloc((n + 1) * sizeof *L->local);
    if (!L->start || !L->mem || !L->local)
        return -1;
    for (size_t i = 0; i < n; i++)
        if ((size_t)g->nodes[i].community < L->k)
            L->start[g->nodes[i].community + 2]++;
    for (size_t c = 0; c < L->k; c++)
        L->start[c + 2] += L->start[c + 1];
    for (size_t i = 0; i < n; i++) {
        size_t c = (size_t)g->nodes[i].community;
        if (c < L->k) {
            L->local[i] = (uint32_t)(L->start[c + 1] - L->start[c]);
            L->mem[L->start[c + 1]++] = (uint32_t)i;
        }
    }
    return 0;
}

/* The community graph: groups joined by the summed weight of the edges
 * between them; then discs of area proportional to size, pushed apart. */
static pg_err place_discs(lay *L, uint64_t seed, pg_error *err)
{
    pg_graph *g = L->g;
    size_t k = L->k, m = 0;
    pg_err rc = PG_OK;
    for (size_t i = 0; i < g->n_edges; i++) {
        size_t a = (size_t)g->nodes[g->edges[i].a].community;
        size_t b = (size_t)g->nodes[g->edges[i].b].community;
        if (a < k && b < k && a != b) {
            L->ev[2 * m] = (int64_t)(a < b ? a : b);
            L->ev[2 * m + 1] = (int64_t)(a < b ? b : a);
            L->w[m++] = g->edges[i].weight;
        }
    }
    double *xy = malloc((2 * k + 2) * sizeof *xy);
    if (xy == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    /* Parallel edges between two groups add up in FR's attraction. */
    rc = pgg_fr_layout(k, L->ev, L->w, m, OUTER_ITERATIONS, seed, xy, err);
    if (rc != PG_OK)
        goto out;
    double area = 0, spread = 0;
    for (size_t c = 0; c < k; c++) {
        L->r[c] = sqrt((double)(L->start[c + 1] - L->start[c]));
        area += L->r[c] * L->r[c];
        spread = fmax(spread, fmax(fabs(xy[2 * c]), fabs(xy[2 * c + 1])));
    }
    /* Scale the community layout to about the size the discs need. */
    double s = spread > 0 ? 1.2 * sqrt(area) / spread : 1;
    for (size_t c = 0; c < k; c++) {
        L->cx[c] = xy[2 * c] * s;
        L->cy[c] = xy[2 * c + 1] * s;
    }
    /* Push overlapping discs apart (each moves in inverse proportion to its
     * area), and pull everything slightly in so that the gaps close. */
    for (int round = 0; round < SPREAD_ROUNDS; round++) {
        int moved = 0;
        for (size_t a = 0; a < k; a++) {
            for (size_t b = a + 1; b < k; b++) {
                double dx = L->cx[b] - L->cx[a], dy = L->cy[b] - L->cy[a];
                double d = sqrt(dx * dx + dy * dy), need = L->r[a] + L->r[b] + DISC_GAP;
                if (d >= need)
                    continue;
                if (d < 1e-9) {
                    dx = 1e-3 * (double)(b - a);
                    dy = 1e-3;
                    d = sqrt(dx * dx + dy * dy);
                }
                double push = need - d, wa = L->r[b] * L->r[b], wb = L->r[a] * L->r[a];
                double fa = wa / (wa + wb), fb = wb / (wa + wb);
                L->cx[a] -= dx / d * push * fa;
                L->cy[a] -= dy / d * push * fa;
                L->cx[b] += dx / d * push * fb;
                L->cy[b] += dy / d * push * fb;
                moved = 1;
            }
        }
        if (!moved && round > SPREAD_ROUNDS / 2)
            break;
        if (round < SPREAD_ROUNDS - 20)
            for (size_t c = 0; c < k; c++) {
                L->cx[c] *= 0.97;
                L->cy[c] *= 0.97;
            }
    }
out:
    free(xy);
    return rc;
}

/* Lays out group c inside its disc. */
static pg_err place_inside(lay *L, size_t c, uint64_t seed, pg_error *err)
{
    pg_graph *g = L->g;
    size_t n = L->start[c + 1] - L->start[c], m = 0;
    const uint32_t *mem = L->mem + L->start[c];
    pg_err rc = PG_OK;
    for (size_t j = 0; j < n; j++) {
        /* The edges of member j to later members, found through the node's
         * edges: edges are sorted by (a, b), so a binary search finds the
         * first edge of a node as a. */
        size_t a = mem[j], lo = 0, hi = g->n_edges;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (g->edges[mid].a < a)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t i = lo; i < g->n_edges && g->edges[i].a == a; i++) {
            size_t b = g->edges[i].b;
            if ((size_t)g->nodes[b].community != c)
                continue;
            L->ev[2 * m] = (int64_t)L->local[a];
            L->ev[2 * m + 1] = (int64_t)L->local[b];
            L->w[m++] = g->edges[i].weight;
        }
    }
    double *xy = malloc((2 * n + 2) * sizeof *xy);
    if (xy == NULL)
        return pg_error_set(err, PG_ERR_NOMEM, "out of memory");
    rc = pgg_fr_layout(n, L->ev, L->w, m, INNER_ITERATIONS, seed + c, xy, err);
    if (rc == PG_OK) {
        double mx = 0, my = 0, far = 0;
        for (size_t j = 0; j < n; j++) {
            mx += xy[2 * j] / (double)n;
            my += xy[2 * j + 1] / (double)n;
        }
        for (size_t j = 0; j < n; j++)
            far = fmax(far, hypot(xy[2 * j] - mx, xy[2 * j + 1] - my));
        double s = far > 0 ? 0.92 * L->r[c] / far : 0;
        for (size_t j = 0; j < n; j++) {
            g->nodes[mem[j]].x = L->cx[c] + (xy[2 * j] - mx) * s;
            g->nodes[mem[j]].y = L->cy[c] + (xy[2 * j + 1] - my) * s;
        }
    }
    free(xy);
    return rc;
}

/* Papers of the small communities, on rings around the regions, in order
 * of community so that the two papers of a pair sit side by side. */
static void place_rest(lay *L)
{
    pg_graph *g = L->g;
    double R = 0;
    size_t rest = 0;
    for (size_t c = 0; c < L->k; c++)
        R = fmax(R, hypot(L->cx[c], L->cy[c]) + L->r[c]);
    for (size_t i = 0; i < g->n_nodes; i++)
        rest += (size_t)g->nodes[i].community >= L->k;
    if (rest == 0)
        return;
    uint32_t *order = malloc(rest * sizeof *order);
    size_t at = 0;
    if (order == NULL) {        /* no memory for the order: node order */
        for (size_t i = 0; i < g->n_nodes; i++)
            if ((size_t)g->nodes[i].community >= L->k) {
                g->nodes[i].x = R + 1 + (double)at++;
                g->nodes[i].y = 0;
            }
        return;
    }
    /* Communities are numbered largest first: numbering order groups a
     * community's papers together. */
    for (size_t c = L->k; at < rest; c++)
        for (size_t i = 0; i < g->n_nodes; i++)
            if ((size_t)g->nodes[i].community == c)
                order[at++] = (uint32_t)i;
    double step = 1.0, ring = R + 1.5;
    for (size_t j = 0; j < rest;) {
        size_t fit = (size_t)(2 * PG_PI * ring / step);
        if (fit < 1)
            fit = 1;
        if (fit > rest - j)
            fit = rest - j;     /* the last ring: spread round the whole of it */
        for (size_t q = 0; q < fit && j < rest; q++, j++) {
            double t = 2 * PG_PI * (double)q / (double)fit;
            g->nodes[order[j]].x = ring * cos(t);
            g->nodes[order[j]].y = ring * sin(t);
        }
        ring += step;
    }
    free(order);
}

pg_err pgg_layout(pg_graph *g, uint64_t seed, pg_error *err)
{
    pg_err rc = PG_OK;
    lay L;
    memset(&L, 0, sizeof L);
    L.g = g;
    L.k = g->n_groups;
    size_t k = L.k ? L.k : 1;
    L.cx = calloc(k, sizeof *L.cx);
    L.cy = calloc(k, sizeof *L.cy);
    L.r = calloc(k, sizeof *L.r);
    L.ev = malloc((2 * g->n_edges + 2) * sizeof *L.ev);
    L.w = malloc((g->n_edges + 1) * sizeof *L.w);
    if (!L.cx || !L.cy || !L.r || !L.ev || !L.w || members(&L) != 0) {
        rc = pg_error_set(err, PG_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (L.k > 0)
        rc = place_discs(&L, seed, err);
    for (size_t c = 0; c < L.k && rc == PG_OK; c++)
        rc = place_inside(&L, c, seed, err);
    if (rc == PG_OK)
        place_rest(&L);
out:
    free(L.cx);
    free(L.cy);
    free(L.r);
    free(L.start);
    free(L.mem);
    free(L.local);
    free(L.ev);
    free(L.w);
    return rc;
}
