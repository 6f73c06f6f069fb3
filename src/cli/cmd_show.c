/*
** cmd_show.c: `papergraph show`: one paper, its canonical record and every
** variant merged into it, with every place each was seen and the rules that
** merged them, so a user can always check a merge.
*/
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_show_usage[] =
    "usage: papergraph [--db PATH] show [--format text|json] PAPER_ID|FILE:LINE\n"
    "\n"
    "Prints a paper (by its id, or the paper of the entry read at FILE:LINE):\n"
    "the canonical record, then each variant text with where it was seen, then\n"
    "the matches that merged the variants.\n"
    "  --format FMT     text (default) or json (one object: the paper's fields,\n"
    "                   \"variants\" each with its \"seen\" places, \"matches\")\n";

typedef struct show_ctx {
    pg_store *s;
    int found;              /* the paper was printed */
    int matches;            /* match rows printed */
    int variant;
    pg_key canonical;
    pg_error *err;
    pg_err rc;
    cli_json *json;         /* NULL: text */
} show_ctx;

static void print_field(const char *name, const char *value)
{
    if (value != NULL && value[0] != '\0')
        printf("  %-10s %s\n", name, value);
}

static void print_number(const char *name, long long v)
{
    if (v >= 0)
        printf("  %-10s %lld\n", name, v);
}

static int print_occurrence(void *ctx, const pg_occurrence *o)
{
    show_ctx *c = ctx;
    if (c->json != NULL) {
        cli_json_open(c->json, NULL, '{');
        cli_json_str(c->json, "file", o->file);
        cli_json_int(c->json, "line", o->line, 1);
        cli_json_str(c->json, "day", o->day[0] ? o->day : NULL);
        cli_json_close(c->json, '}');
        return 0;
    }
    printf("    %s:%ld%s%s%s\n", o->file, o->line, o->day[0] ? " (" : "", o->day,
           o->day[0] ? ")" : "");
    return 0;
}

static void print_excerpt(const char *name, const char *text, size_t max)
{
    size_t n = strlen(text), cut = n;
    if (n > max) {
        cut = max;
        while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
            cut--;
    }
    printf("  %-10s %.*s%s\n", name, (int)cut, text, cut < n ? "\xE2\x80\xA6" : "");
}

static int print_variant(void *ctx, const pg_variant_row *v)
{
    show_ctx *c = ctx;
    char hex[PG_KEY_HEX];
    pg_key_to_hex(v->key, hex);
    if (c->json != NULL) {
        cli_json_open(c->json, NULL, '{');
        cli_json_str(c->json, "text", hex);
        cli_json_bool(c->json, "canonical", pg_key_cmp(v->key, c->canonical) == 0);
        cli_json_str(c->json, "title", v->title);
        cli_json_str(c->json, "abstract", v->abstract);
        cli_json_bool(c->json, "truncated", v->truncated);
        cli_json_int(c->json, "occurrences", v->occurrences, 1);
        cli_json_open(c->json, "seen", '[');
        c->rc = pg_store_foreach_text_occurrence(c->s, v->key, print_occurrence, c, c->err);
        cli_json_close(c->json, ']');
        cli_json_close(c->json, '}');
        return c->rc != PG_OK;
    }
    printf("\nvariant %d: text %s%s\n", ++c->variant, hex,
           pg_key_cmp(v->key, c->canonical) == 0 ? " (canonical)" : "");
    print_field("title", v->title);
    if (v->abstract[0])
        print_excerpt(v->truncated ? "abstract*" : "abstract", v->abstract, 160);
    printf("  %-10s %lld occurrence%s\n", "seen", v->occurrences,
           v->occurrences == 1 ? "" : "s");
    c->rc = pg_store_foreach_text_occurrence(c->s, v->key, print_occurrence, c, c->err);
    return c->rc != PG_OK;
}

static int print_match(void *ctx, pg_key a, pg_key b, const char *rule, double score)
{
    show_ctx *c = ctx;
    char ha[PG_KEY_HEX], hb[PG_KEY_HEX];
    pg_key_to_hex(a, ha);
    pg_key_to_hex(b, hb);
    if (c->json != NULL) {
        cli_json_open(c->json, NULL, '{');
        cli_json_str(c->json, "a", ha);
        cli_json_str(c->json, "b", hb);
        cli_json_str(c->json, "rule", rule);
        cli_json_real(c->json, "score", score, 1);
        cli_json_close(c->json, '}');
        return 0;
    }
    if (c->matches++ == 0)
        printf("\nmerged by:\n");
    printf("  %.12s ~ %.12s  %s (%.2f)\n", ha, hb, rule, score);
    return 0;
}

/* The paper as one JSON object; its urls, one per line, as an array. */
static int json_paper(show_ctx *c, const pg_paper *p)
{
    cli_json *j = c->json;
    char hex[PG_KEY_HEX];
    pg_key_to_hex(p->canonical, hex);
    cli_json_open(j, NULL, '{');
    cli_json_str(j, "paper_id", p->id);
    cli_json_str(j, "canonical_text", hex);
    cli_json_str(j, "title", p->title);
    cli_json_int(j, "authors", p->authors, p->authors >= 0);
    cli_json_str(j, "published", p->pub_date[0] ? p->pub_date : NULL);
    cli_json_int(j, "upvotes", p->upvotes, p->upvotes >= 0);
    cli_json_int(j, "days", p->days, 1);
    cli_json_str(j, "first_day", p->first_day[0] ? p->first_day : NULL);
    cli_json_str(j, "last_day", p->last_day[0] ? p->last_day : NULL);
    cli_json_int(j, "occurrences", p->occurrences, 1);
    cli_json_open(j, "urls", '[');
    for (const char *u = p->urls; *u && j->rc == PG_OK;) {
        size_t len = strcspn(u, "\n");
        char *one = strndup(u, len);
        if (one == NULL)
            j->rc = PG_ERR_NOMEM;
        cli_json_str(j, NULL, one);
        free(one);
        u += len + (u[len] == '\n');
    }
    cli_json_close(j, ']');
    cli_json_str(j, "abstract", p->abstract);
    cli_json_bool(j, "truncated", p->truncated);
    c->canonical = p->canonical;
    cli_json_open(j, "variants", '[');
    c->rc = pg_store_foreach_variant(c->s, p->id, print_variant, c, c->err);
    cli_json_close(j, ']');
    cli_json_open(j, "matches", '[');
    if (c->rc == PG_OK)
        c->rc = pg_store_foreach_match(c->s, p->id, print_match, c, c->err);
    cli_json_close(j, ']');
    cli_json_close(j, '}');
    c->found = 1;
    return 1;
}

static int print_paper(void *ctx, const pg_paper *p)
{
    show_ctx *c = ctx;
    if (c->json != NULL)
        return json_paper(c, p);
    printf("paper %s\n", p->id);
    print_field("title", p->title);
    print_number("authors", p->authors);
    print_field("published", p->pub_date);
    print_number("upvotes", p->upvotes);
    printf("  %-10s %d day%s", "seen", p->days, p->days == 1 ? "" : "s");
    if (p->first_day[0] && strcmp(p->first_day, p->last_day) != 0)
        printf(" (%s to %s)", p->first_day, p->last_day);
    else if (p->first_day[0])
        printf(" (%s)", p->first_day);
    printf(", %lld occurrence%s, %d variant%s\n", p->occurrences,
           p->occurrences == 1 ? "" : "s", p->variants, p->variants == 1 ? "" : "s");
    for (const char *u = p->urls; *u;) {
        const char *nl = strchr(u, '\n');
        int len = nl ? (int)(nl - u) : (int)strlen(u);
        printf("  %-10s %.*s\n", u == p->urls ? "urls" : "", len, u);
        u += len + (nl != NULL);
    }
    print_field(p->truncated ? "abstract*" : "abstract", p->abstract);
    if (p->truncated)
        printf("  (* cut off in every variant seen)\n");
    c->canonical = p->canonical;
    c->rc = pg_store_foreach_variant(c->s, p->id, print_variant, c, c->err);
    if (c->rc == PG_OK)
        c->rc = pg_store_foreach_match(c->s, p->id, print_match, c, c->err);
    c->found = 1;
    return 1;
}

/* Resolves PAPER_ID or FILE:LINE to a paper id. */
static pg_err resolve(pg_store *s, const char *arg, char id[PG_ID_HEX], pg_error *err)
{
    if (strchr(arg, ':') == NULL) {
        snprintf(id, PG_ID_HEX, "%s", arg);
        return PG_OK;
    }
    pg_key text;
    pg_text_info info;
    pg_err rc = cli_find_place(s, arg, &text, err);
    if (rc == PG_OK)
        rc = pg_store_text_info(s, text, &info, err);
    if (rc == PG_OK) {
        memcpy(id, info.paper_id, PG_ID_HEX);
        pg_text_info_release(&info);
    }
    return rc;
}

int cmd_show(cli_ctx *ctx, int argc, char **argv)
{
    int json, now = cli_parse_text_json(ctx, argc, argv, cmd_show_usage, &json);
    if (now >= 0)
        return now;
    pg_store *s = NULL;
    int status = cli_start_store(ctx, argc, 1, cmd_show_usage,
                                 "show needs one PAPER_ID or FILE:LINE", &s);
    if (status != EXIT_OK)
        return status;
    pg_error err;
    pg_error_clear(&err);
    char id[PG_ID_HEX];
    cli_json j = CLI_JSON_INIT;
    show_ctx c = { s, 0, 0, 0, { 0, 0 }, &err, PG_OK, json ? &j : NULL };
    pg_err rc = resolve(s, argv[optind], id, &err);
    if (rc == PG_OK)
        rc = pg_papers_foreach(s, 0, PG_PAPERS_BY_ID, id, print_paper, &c, &err);
    if (rc == PG_OK)
        rc = c.rc;
    if (rc == PG_OK && !c.found)
        rc = pg_error_set(&err, PG_ERR_NOT_FOUND, "no paper '%s'", argv[optind]);
    if (rc != PG_OK) {
        cli_error("%s", err.msg);
        status = cli_exit_for(rc);
    } else if (json) {
        status = cli_json_print(&j);
    }
    pg_buf_release(&j.b);
    pg_store_close(s);
    return status;
}
