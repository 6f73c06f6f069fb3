/*
** test_draw.c: unit tests of the graph picture (src/draw.c).
**
** The graphs are built by hand (the builder is another module): a small one
** with three labelled communities, edges and isolated papers; degenerate
** ones (empty, one node, every node on one spot, NaN coordinates, hostile
** text, bad indexes); and a realistic one of 250 papers.  Pictures go to a
** mkdtemp directory and are checked from the outside: magic bytes, the PNG
** read back with cairo (size, not blank, the community colours present),
** identical SVG bytes on a second draw, no file left behind on failure.
**
** Set PG_DRAW_DEMO=/some/file.png to keep the realistic picture for a look,
** PG_DRAW_KEEP=1 to keep every picture drawn.
*/
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>

#include "papergraph/export.h"
#include "check.h"

/* fontconfig (under cairo's toy font API) loses a few bytes while parsing
 * its configuration, whatever the caller does; LeakSanitizer reads this
 * hook at start-up. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

/* ---- deterministic randomness (xorshift64*) ---- */

static double rnd(uint64_t *st)
{
    *st ^= *st >> 12;
    *st ^= *st << 25;
    *st ^= *st >> 27;
    return (double)((*st * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static double gauss(uint64_t *st)
{
    double a = rnd(st), b = rnd(st);
    return sqrt(-2 * log(a + 1e-12)) * cos(6.283185307179586 * b);
}

/* ---- hand-made graphs ---- */

static char *str_dup(const char *s)
{
    char *p = s ? malloc(strlen(s) + 1) : NULL;
    if (p)
        strcpy(p, s);
    return p;
}

static pg_graph *graph_new(size_t n, size_t ne, size_t nc)
{
    pg_graph *g = calloc(1, sizeof *g);
    g->nodes = calloc(n ? n : 1, sizeof *g->nodes);
    g->edges = calloc(ne ? ne : 1, sizeof *g->edges);
    g->communities = calloc(nc ? nc : 1, sizeof *g->communities);
    g->n_nodes = n;
    g->n_communities = nc;
    for (size_t i = 0; i < n; i++) {
        snprintf(g->nodes[i].id, sizeof g->nodes[i].id, "%016zx", i * 2654435761u);
        g->nodes[i].pagerank = 1.0 / (double)n;
        g->nodes[i].x = g->nodes[i].y = 0.5;
    }
    return g;
}

static void graph_free(pg_graph *g)
{
    if (g == NULL)
        return;
    for (size_t i = 0; i < g->n_nodes; i++)
        free(g->nodes[i].title);
    for (size_t c = 0; c < g->n_communities; c++)
        free(g->communities[c].label);
    free(g->nodes);
    free(g->edges);
    free(g->communities);
    free(g);
}

static void add_edge(pg_graph *g, size_t a, size_t b, double w)
{
    pg_graph_edge *e = &g->edges[g->n_edges++];
    e->a = a < b ? a : b;
    e->b = a < b ? b : a;
    e->weight = w;
    e->kind = "terms";
}

/* Gives every node of community c the size-ranked community and a spot
 * around (cx, cy). */
static void place_group(pg_graph *g, size_t from, size_t to, int c, double cx,
                        double cy, double spread, uint64_t *st)
{
    for (size_t i = from; i < to; i++) {
        g->nodes[i].community = c;
        g->nodes[i].x = cx + spread * gauss(st);
        g->nodes[i].y = cy + spread * gauss(st);
    }
    g->communities[c].size = to - from;
}

/* Weights PageRank by degree, as the real thing roughly does. */
static void fake_pagerank(pg_graph *g)
{
    double sum = 0;
    for (size_t i = 0; i < g->n_nodes; i++)
        g->nodes[i].degree = 0;
    for (size_t j = 0; j < g->n_edges; j++) {
        g->nodes[g->edges[j].a].degree++;
        g->nodes[g->edges[j].b].degree++;
    }
    for (size_t i = 0; i < g->n_nodes; i++)
        sum += g->nodes[i].pagerank = 0.15 + pow(g->nodes[i].degree, 1.3);
    for (size_t i = 0; i < g->n_nodes; i++)
        g->nodes[i].pagerank /= sum;
}

/* 30 papers: communities of 12, 9 and 5 papers, four isolated ones. */
static pg_graph *small_graph(void)
{
    static const char *labels[] = { "diffusion, video, motion", "language, reasoning, math",
                                    "robot, manipulation, policy" };
    uint64_t st = 7;
    pg_graph *g = graph_new(30, 64, 7);
    place_group(g, 0, 12, 0, 0.25, 0.3, 0.06, &st);
    place_group(g, 12, 21, 1, 0.75, 0.35, 0.06, &st);
    place_group(g, 21, 26, 2, 0.5, 0.8, 0.05, &st);
    for (size_t i = 26; i < 30; i++) {
        g->nodes[i].community = (int)(i - 23);
        g->communities[i - 23].size = 1;
        g->nodes[i].x = rnd(&st), g->nodes[i].y = rnd(&st);
    }
    for (int c = 0; c < 3; c++)
        g->communities[c].label = str_dup(labels[c]);
    for (size_t i = 0; i < 30; i++) {
        char t[96];
        snprintf(t, sizeof t, "Paper number %zu about scaling things up and down", i);
        g->nodes[i].title = str_dup(t);
    }
    for (size_t i = 1; i < 12; i++)
        add_edge(g, 0, i, 1.0 + (double)i / 4);
    for (size_t i = 13; i < 21; i++)
        add_edge(g, 12, i, 0.5);
    for (size_t i = 22; i < 26; i++)
        add_edge(g, 21, i, 0.8);
    add_edge(g, 3, 14, 0.2);
    add_edge(g, 5, 23, 0.3);
    fake_pagerank(g);
    return g;
}

/* ---- files ---- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    *len = 0;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        rewind(f);
        p = n >= 0 ? malloc((size_t)n + 1) : NULL;
        if (p && fread(p, 1, (size_t)n, f) == (size_t)n) {
            p[n] = '\0';
            *len = (size_t)n;
        } else {
            free(p);
            p = NULL;
        }
    }
    fclose(f);
    return p;
}

static int starts_with(const char *path, const char *magic, size_t n)
{
    size_t len;
    char *p = slurp(path, &len);
    int ok = p && len >= n && memcmp(p, magic, n) == 0;
    free(p);
    return ok;
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (d == NULL)
        return -1;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    char p[4096];
    if (d == NULL)
        return;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (unlink(p) != 0)
            rmdir(p);
    }
    closedir(d);
    rmdir(dir);
}

/* What a PNG holds: size, pixels not white, pixels exactly of rgb. */
typedef struct png_info {
    int ok, width, height;
    long non_white, of_colour;
} png_info;

static png_info png_read(const char *path, uint32_t rgb)
{
    png_info pi = { 0, 0, 0, 0, 0 };
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
        cairo_surface_flush(s);
        const unsigned char *data = cairo_image_surface_get_data(s);
        int stride = cairo_image_surface_get_stride(s);
        pi.ok = 1;
        pi.width = cairo_image_surface_get_width(s);
        pi.height = cairo_image_surface_get_height(s);
        for (int y = 0; y < pi.height; y++) {
            const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
            for (int x = 0; x < pi.width; x++) {
                uint32_t px = row[x] & 0xFFFFFF;
                pi.non_white += px != 0xFFFFFF;
                pi.of_colour += px == rgb;
            }
        }
    }
    cairo_surface_destroy(s);
    return pi;
}

static char dir_[64];

static const char *in_dir(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", dir_, name);
    return buf;
}

/* ---- tests ---- */

static void test_formats(void)
{
    pg_draw_format f = PG_DRAW_PNG;
    pg_error err;
    CHECK_INT(pg_draw_format_from_path("a/b.svg", &f, &err), PG_OK);
    CHECK_INT(f, PG_DRAW_SVG);
    CHECK_INT(pg_draw_format_from_path("B.PNG", &f, &err), PG_OK);
    CHECK_INT(f, PG_DRAW_PNG);
    CHECK_INT(pg_draw_format_from_path("x.Pdf", &f, &err), PG_OK);
    CHECK_INT(f, PG_DRAW_PDF);
    CHECK_INT(pg_draw_format_from_path("x.jpg", &f, &err), PG_ERR_USAGE);
    CHECK(strstr(err.msg, "x.jpg") != NULL);
    CHECK_INT(pg_draw_format_from_path("noext", &f, &err), PG_ERR_USAGE);
    CHECK_INT(pg_draw_format_from_path("dir.svg/file", &f, &err), PG_ERR_USAGE);
    CHECK_INT(pg_draw_format_from_path("x.svg.gz", &f, &err), PG_ERR_USAGE);
    CHECK_INT(pg_draw_format_from_path(NULL, &f, NULL), PG_ERR_USAGE);

    pg_draw_opts o;
    pg_draw_opts_default(&o);
    CHECK_INT(o.width, 1600);
    CHECK_INT(o.height, 1200);
    CHECK_INT(o.max_labels, 12);
    CHECK_INT(o.max_legend, 12);
    CHECK(pg_draw_palette_rgb(0) != pg_draw_palette_rgb(1));
    CHECK(pg_draw_palette_rgb(100) == pg_draw_palette_rgb(200));
}

static void test_three_formats(void)
{
    char p[128];
    pg_graph *g = small_graph();
    pg_draw_opts o;
    pg_error err;
    size_t len;
    pg_draw_opts_default(&o);
    o.width = 900, o.height = 700;

    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "g.svg"), PG_DRAW_SVG, &o, &err), PG_OK);
    char *svg = slurp(p, &len);
    CHECK(svg && len > 1000);
    CHECK(svg && strncmp(svg, "<?xml", 5) == 0);
    CHECK(svg && strstr(svg, "<svg") != NULL);
    CHECK(svg && strstr(svg, "width=\"900") != NULL);
    free(svg);

    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "g.pdf"), PG_DRAW_PDF, &o, &err), PG_OK);
    CHECK(starts_with(p, "%PDF", 4));

    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "g.png"), PG_DRAW_PNG, &o, &err), PG_OK);
    CHECK(starts_with(p, "\x89PNG\r\n\x1a\n", 8));
    png_info pi = png_read(p, pg_draw_palette_rgb(0));
    CHECK(pi.ok);
    CHECK_INT(pi.width, 900);
    CHECK_INT(pi.height, 700);
    CHECK(pi.non_white > 900 * 700 / 100);     /* clearly not blank */
    CHECK(pi.non_white < 900 * 700 / 2);       /* ... and not a blot */
    CHECK(pi.of_colour > 50);                  /* largest community's disks */
    CHECK(png_read(p, pg_draw_palette_rgb(1)).of_colour > 50);
    CHECK(png_read(p, pg_draw_palette_rgb(2)).of_colour > 20);
    CHECK_INT(png_read(p, pg_draw_palette_rgb(3)).of_colour, 0);   /* only 3 */

    /* Drawing again replaces the file; no temporary is left behind. */
    CHECK_INT(pg_graph_draw(g, p, PG_DRAW_PNG, NULL, &err), PG_OK);
    CHECK_INT(png_read(p, 0).width, 1600);
    CHECK_INT(count_entries(dir_), 3);
    graph_free(g);
}

static void test_deterministic(void)
{
    char p1[128], p2[128];
    pg_graph *g = small_graph();
    pg_error err;
    size_t n1, n2;
    CHECK_INT(pg_graph_draw(g, in_dir(p1, sizeof p1, "d1.svg"), PG_DRAW_SVG, NULL, &err), PG_OK);
    CHECK_INT(pg_graph_draw(g, in_dir(p2, sizeof p2, "d2.svg"), PG_DRAW_SVG, NULL, &err), PG_OK);
    char *a = slurp(p1, &n1), *b = slurp(p2, &n2);
    CHECK(a && b && n1 == n2 && memcmp(a, b, n1) == 0);
    free(a);
    free(b);
    unlink(p1);
    unlink(p2);
    graph_free(g);
}

static void test_errors(void)
{
    char p[128];
    pg_graph *g = small_graph();
    pg_draw_opts o;
    pg_error err;
    pg_draw_opts_default(&o);

    CHECK_INT(pg_graph_draw(g, "/nonexistent-dir/x.svg", PG_DRAW_SVG, &o, &err), PG_ERR_IO);
    CHECK(strncmp(err.msg, "/nonexistent-dir/x.svg: ", 24) == 0);
    CHECK(!exists("/nonexistent-dir/x.svg"));

    /* The target is a directory: cairo succeeds, the rename fails, and the
     * temporary file must not stay behind. */
    int before = count_entries(dir_);
    in_dir(p, sizeof p, "adir.png");
    CHECK_INT(mkdir(p, 0755), 0);
    CHECK_INT(pg_graph_draw(g, p, PG_DRAW_PNG, &o, &err), PG_ERR_IO);
    CHECK(strncmp(err.msg, p, strlen(p)) == 0);
    CHECK_INT(count_entries(dir_), before + 1);
    CHECK_INT(count_entries(p), 0);
    rmdir(p);

    o.width = 0;
    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "z.svg"), PG_DRAW_SVG, &o, &err), PG_ERR_USAGE);
    o.width = 100000;
    CHECK_INT(pg_graph_draw(g, p, PG_DRAW_SVG, &o, &err), PG_ERR_USAGE);
    pg_draw_opts_default(&o);
    CHECK_INT(pg_graph_draw(g, p, (pg_draw_format)42, &o, &err), PG_ERR_USAGE);
    CHECK_INT(pg_graph_draw(NULL, p, PG_DRAW_SVG, &o, &err), PG_ERR_USAGE);
    CHECK_INT(pg_graph_draw(g, NULL, PG_DRAW_SVG, &o, NULL), PG_ERR_USAGE);
    CHECK(!exists(p));
    graph_free(g);
}

static void test_empty_and_tiny(void)
{
    char p[128];
    pg_graph *g = graph_new(0, 0, 0);
    pg_draw_opts o;
    pg_error err;
    pg_draw_opts_default(&o);
    o.width = 400, o.height = 300;

    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "e.svg"), PG_DRAW_SVG, &o, &err), PG_OK);
    CHECK(starts_with(p, "<?xml", 5));
    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "e.png"), PG_DRAW_PNG, &o, &err), PG_OK);
    png_info pi = png_read(p, 0);
    CHECK(pi.ok && pi.width == 400 && pi.non_white > 100);   /* title, "no papers" */
    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "e.pdf"), PG_DRAW_PDF, &o, &err), PG_OK);
    graph_free(g);

    /* One paper, no title, no community. */
    g = graph_new(1, 0, 0);
    g->nodes[0].community = -1;
    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "one.png"), PG_DRAW_PNG, &o, &err), PG_OK);
    CHECK(png_read(p, 0).non_white > 100);
    graph_free(g);

    /* The smallest picture allowed. */
    g = small_graph();
    o.width = o.height = 16;
    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "tiny.png"), PG_DRAW_PNG, &o, &err), PG_OK);
    CHECK_INT(png_read(p, 0).width, 16);
    graph_free(g);
}

static void test_degenerate_layout(void)
{
    char p[128];
    pg_graph *g = small_graph();
    pg_error err;
    /* Every node on one spot. */
    for (size_t i = 0; i < g->n_nodes; i++)
        g->nodes[i].x = g->nodes[i].y = 0.3;
    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "same.png"), PG_DRAW_PNG, NULL, &err), PG_OK);
    CHECK(png_read(p, pg_draw_palette_rgb(0)).of_colour > 0);
    /* Non-finite and absurd coordinates and PageRanks, bad indexes. */
    g->nodes[0].x = NAN;
    g->nodes[1].y = INFINITY;
    g->nodes[2].x = -INFINITY;
    g->nodes[3].x = 1e308;
    g->nodes[4].y = -1e308;
    g->nodes[5].pagerank = NAN;
    g->nodes[6].pagerank = -1;
    g->nodes[7].pagerank = INFINITY;
    g->nodes[8].community = 99;
    g->nodes[9].community = -7;
    g->edges[0].a = 1000;
    g->edges[1].weight = NAN;
    g->edges[2].a = g->edges[2].b;
    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "nan.svg"), PG_DRAW_SVG, NULL, &err), PG_OK);
    CHECK(starts_with(p, "<?xml", 5));
    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "nan.png"), PG_DRAW_PNG, NULL, &err), PG_OK);
    CHECK(png_read(p, pg_draw_palette_rgb(0)).of_colour > 0);
    graph_free(g);
}

static void test_hostile_text(void)
{
    char p[128], longt[520];
    pg_graph *g = small_graph();
    pg_draw_opts o;
    pg_error err;
    pg_draw_opts_default(&o);

    free(g->nodes[0].title);
    g->nodes[0].title = str_dup("\x01\x02 Bad\xff\xfe bytes \xe2\x82 and \xc0\xaf overlong\n\ttabs");
    free(g->nodes[1].title);
    g->nodes[1].title = NULL;
    free(g->nodes[2].title);
    g->nodes[2].title = str_dup("\xed\xa0\x80 surrogate \xf4\x90\x80\x80 too big \xe2\x80\xae RLO");
    free(g->nodes[3].title);
    g->nodes[3].title = str_dup("   ");
    free(g->communities[0].label);
    g->communities[0].label = str_dup("\x1b[31mred\x1b[0m, \xff, \xc3");
    free(g->communities[1].label);
    g->communities[1].label = NULL;
    memset(longt, 'a', sizeof longt - 1);
    longt[sizeof longt - 1] = '\0';
    for (size_t i = 7; i < sizeof longt - 1; i += 8)
        longt[i] = ' ';
    /* A multibyte character across every possible cut point. */
    for (size_t i = 30; i + 3 < 60; i += 3)
        memcpy(longt + i, "\xc3\xa9\xc3", 3), longt[i + 2] = ' ';
    free(g->nodes[4].title);
    g->nodes[4].title = str_dup(longt);

    o.title = "\x01title\xff with \x7f controls";
    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "h.svg"), PG_DRAW_SVG, &o, &err), PG_OK);
    CHECK(starts_with(p, "<?xml", 5));
    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "h.pdf"), PG_DRAW_PDF, &o, &err), PG_OK);
    CHECK(starts_with(p, "%PDF", 4));
    o.title = longt;
    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "h.png"), PG_DRAW_PNG, &o, &err), PG_OK);
    png_info pi = png_read(p, pg_draw_palette_rgb(0));
    CHECK(pi.ok && pi.width == 1600 && pi.of_colour > 0);
    o.title = "\xff";
    o.max_labels = (size_t)-1;
    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "h2.png"), PG_DRAW_PNG, &o, &err), PG_OK);
    CHECK(png_read(p, 0).ok);
    graph_free(g);
}

/* Random bytes as titles and labels: cairo rejects invalid UTF-8 with an
 * error status, so PG_OK proves that every string was cleaned. */
static void test_random_bytes(void)
{
    char p[128];
    uint64_t st = 12345;
    pg_graph *g = small_graph();
    pg_draw_opts o;
    pg_error err;
    pg_draw_opts_default(&o);
    o.width = 500, o.height = 400;
    o.max_labels = 30;
    for (int round = 0; round < 8; round++) {
        for (size_t i = 0; i < g->n_nodes; i++) {
            size_t len = (size_t)(rnd(&st) * 80);
            free(g->nodes[i].title);
            g->nodes[i].title = malloc(len + 1);
            for (size_t k = 0; k < len; k++)
                g->nodes[i].title[k] = (char)(1 + (int)(rnd(&st) * 255));
            g->nodes[i].title[len] = '\0';
        }
        for (size_t c = 0; c < 3; c++) {
            free(g->communities[c].label);
            g->communities[c].label = str_dup(g->nodes[c + round].title);
        }
        CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "rnd.svg"), PG_DRAW_SVG, &o, &err), PG_OK);
    }
    CHECK(starts_with(p, "<?xml", 5));
    graph_free(g);
}

/* 250 papers like the seed listings: ~15 communities of 3 to 34 papers,
 * some pairs, many isolated papers around the rim. */
static pg_graph *realistic_graph(void)
{
    static const size_t sizes[] = { 34, 28, 24, 20, 17, 15, 12, 10, 8, 7, 6, 5, 4, 3, 3,
                                    2, 2, 2, 2, 2 };
    static const char *terms[] = {
        "diffusion", "video", "motion", "language", "reasoning", "math", "robot",
        "policy", "agent", "speech", "audio", "3d", "gaussian", "splatting", "retrieval",
        "rag", "benchmark", "code", "vision", "multimodal", "token", "attention", "quantization",
        "alignment", "reward", "medical", "segmentation", "editing", "avatar", "graph",
    };
    static const char *heads[] = { "Scaling", "Towards", "Rethinking", "Learning", "Efficient",
                                   "Unified", "Self-Supervised", "Zero-Shot", "Diffusion-Based",
                                   "Über-Fast" };
    static const char *tails[] = { "Models", "Agents", "Transformers", "Benchmarks", "Priors",
                                   "Policies", "Representations", "Pipelines" };
    size_t n = 250, ns = sizeof sizes / sizeof sizes[0], used = 0;
    uint64_t st = 0x9E3779B97F4A7C15ULL;
    pg_graph *g = graph_new(n, 2000, n);
    for (size_t c = 0; c < ns; c++) {
        double ang = 2.4 * (double)c, rad = 0.12 + 0.3 * sqrt((double)c / (double)ns);
        double spread = 0.012 * sqrt((double)sizes[c]);
        place_group(g, used, used + sizes[c], (int)c, 0.5 + rad * cos(ang),
                    0.5 + rad * sin(ang), spread, &st);
        char lab[128];
        snprintf(lab, sizeof lab, "%s, %s, %s", terms[(3 * c) % 30], terms[(3 * c + 1) % 30],
                 terms[(3 * c + 2) % 30]);
        g->communities[c].label = str_dup(lab);
        for (size_t i = used + 1; i < used + sizes[c]; i++) {
            add_edge(g, i, used + (size_t)(rnd(&st) * (double)(i - used)), 0.3 + 2 * rnd(&st));
            if (rnd(&st) < 0.35)
                add_edge(g, i, used + (size_t)(rnd(&st) * (double)(i - used)), 0.2 + rnd(&st));
        }
        used += sizes[c];
    }
    for (size_t c = ns; used < n; c++, used++) {         /* isolated, on the rim */
        double ang = 6.283185307179586 * rnd(&st), rad = 0.47 + 0.03 * rnd(&st);
        place_group(g, used, used + 1, (int)c, 0.5 + rad * cos(ang), 0.5 + rad * sin(ang), 0, &st);
    }
    g->n_communities = ns + (n - 196 - 10);
    for (int k = 0; k < 25; k++) {                         /* between communities */
        size_t a = (size_t)(rnd(&st) * 196), b = (size_t)(rnd(&st) * 196);
        if (a != b && g->nodes[a].community != g->nodes[b].community)
            add_edge(g, a, b, 0.15 + 0.3 * rnd(&st));
    }
    for (size_t i = 0; i < n; i++) {
        char t[200];
        int c = g->nodes[i].community;
        snprintf(t, sizeof t, "%s %s %s: %s for %s %s with %s Guidance", heads[i % 10],
                 terms[(3 * (size_t)c) % 30], tails[i % 8], terms[(i * 7) % 30],
                 terms[(3 * (size_t)c + 1) % 30], terms[(i * 11) % 30], terms[(i * 13) % 30]);
        g->nodes[i].title = i == 77 ? NULL : str_dup(t);
    }
    fake_pagerank(g);
    return g;
}

/* A community's name over its region hides no paper that has a label of
 * its own: here the middle of the region is such a paper (the three others
 * far around it), so the name must move.  Whether it did is read off the
 * pixels: the community's colour fills the disks, and the name (dark text
 * on a white halo) would take some of them; the same graph with the name
 * left out (an empty label) must give as many. */
static pg_graph *centred_graph(const char *label)
{
    static const double at[4][2] = { { 0.5, 0.4 }, { 0.2, 0.2 }, { 0.8, 0.2 }, { 0.5, 0.8 } };
    pg_graph *g = graph_new(4, 3, 1);
    for (size_t i = 0; i < 4; i++) {
        char t[32];
        snprintf(t, sizeof t, "Editorial %zu", i);
        g->nodes[i].title = str_dup(t);
        g->nodes[i].x = at[i][0];
        g->nodes[i].y = at[i][1];
    }
    g->communities[0].size = 4;
    g->communities[0].label = str_dup(label);
    for (size_t i = 1; i < 4; i++)
        add_edge(g, 0, i, 1.0);
    fake_pagerank(g);
    return g;
}

static void test_region_label(void)
{
    char p[128], q[128];
    pg_error err;
    pg_graph *named = centred_graph("editorial, collect"), *plain = centred_graph("");
    CHECK_INT(pg_graph_draw(named, in_dir(p, sizeof p, "named.png"), PG_DRAW_PNG, NULL, &err),
              PG_OK);
    CHECK_INT(pg_graph_draw(plain, in_dir(q, sizeof q, "plain.png"), PG_DRAW_PNG, NULL, &err),
              PG_OK);
    png_info a = png_read(p, pg_draw_palette_rgb(0)), b = png_read(q, pg_draw_palette_rgb(0));
    CHECK(b.of_colour > 200);
    CHECK_INT(a.of_colour, b.of_colour);
    CHECK(a.non_white > b.non_white);   /* the name is drawn */
    graph_free(named);
    graph_free(plain);
}

static void test_realistic(void)
{
    char p[128];
    pg_graph *g = realistic_graph();
    pg_error err;
    const char *demo = getenv("PG_DRAW_DEMO");
    CHECK_INT(g->n_nodes, 250);
    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "real.png"), PG_DRAW_PNG, NULL, &err), PG_OK);
    for (size_t k = 0; k < 10; k++)
        CHECK(png_read(p, pg_draw_palette_rgb(k)).of_colour > 20);
    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "real.svg"), PG_DRAW_SVG, NULL, &err), PG_OK);
    CHECK_INT(pg_graph_draw(g, in_dir(p, sizeof p, "real.pdf"), PG_DRAW_PDF, NULL, &err), PG_OK);
    if (demo && *demo) {
        pg_draw_format f;
        CHECK_INT(pg_draw_format_from_path(demo, &f, &err), PG_OK);
        CHECK_INT(pg_graph_draw(g, demo, f, NULL, &err), PG_OK);
    }
    graph_free(g);
}

int main(void)
{
    snprintf(dir_, sizeof dir_, "/tmp/pg_draw_XXXXXX");
    if (mkdtemp(dir_) == NULL) {
        perror("mkdtemp");
        return 99;
    }
    test_formats();
    test_three_formats();
    test_deterministic();
    test_errors();
    test_empty_and_tiny();
    test_degenerate_layout();
    test_hostile_text();
    test_random_bytes();
    test_region_label();
    test_realistic();
    if (getenv("PG_DRAW_KEEP"))
        fprintf(stderr, "pictures kept in %s\n", dir_);
    else
        remove_tree(dir_);
    cairo_debug_reset_static_data();
    CHECK_DONE();
}
