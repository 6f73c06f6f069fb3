/*
** cmd_why.c: `papergraph why`: why two entries are, or are not, the same
** paper: the matcher's scores and the rule that decided, and whether the
** store has them in one paper (which can also come through a third entry).
*/
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_why_usage[] =
    "usage: papergraph [--db PATH] why [--format text|json] FILE:LINE FILE:LINE\n"
    "\n"
    "Compares the entries read at two places (FILE as ingested, or the end of\n"
    "its path, e.g. day1.txt:13) and prints the decision, the rule that made\n"
    "it and the scores behind it.\n"
    "Two entries are compared only when the index brings one to the other\n"
    "(\"candidates\"): through a shared title key, the same opening of the\n"
    "abstract, or two of the abstracts' 32 LSH bands.\n"
    "  --format FMT     text (default) or json (one object: \"a\", \"b\", \"same\",\n"
    "                   \"rule\", \"why\", \"scores\", \"candidates\",\n"
    "                   \"shared_bands\", \"same_paper_in_store\")\n";

/* One side of the comparison as a JSON object. */
static void json_side(cli_json *j, const char *name, const char *arg, const pg_text_info *t)
{
    char hex[PG_KEY_HEX];
    pg_key_to_hex(t->key, hex);
    cli_json_open(j, name, '{');
    cli_json_str(j, "place", arg);
    cli_json_str(j, "text", hex);
    cli_json_str(j, "paper_id", t->paper_id[0] ? t->paper_id : NULL);
    cli_json_str(j, "title", t->title);
    cli_json_close(j, '}');
}

/* The decision as one JSON object; r NULL for the same text in both places. */
static int json_result(const char *arg_a, const char *arg_b, const pg_text_info *a,
                       const pg_text_info *b, const pg_match_result *r)
{
    cli_json j = CLI_JSON_INIT;
    cli_json_open(&j, NULL, '{');
    json_side(&j, "a", arg_a, a);
    json_side(&j, "b", arg_b, b);
    cli_json_bool(&j, "same", r == NULL || r->same);
    cli_json_str(&j, "rule", r ? r->rule : "exact-repeat");
    cli_json_str(&j, "why", r ? r->why : "both places hold the same text, byte for byte");
    if (r != NULL) {
        cli_json_open(&j, "scores", '{');
        cli_json_real(&j, "abstract_jaccard", r->abstract_jaccard, r->abstract_jaccard >= 0);
        cli_json_real(&j, "containment", r->containment, r->containment >= 0);
        cli_json_int(&j, "prefix_words", (long long)r->prefix_words, 1);
        cli_json_real(&j, "title_similarity", r->title_sim, r->title_sim >= 0);
        cli_json_real(&j, "author_overlap", r->author_overlap, r->author_overlap >= 0);
        cli_json_int(&j, "shared_urls", (long long)r->shared_urls, 1);
        cli_json_close(&j, '}');
        cli_json_bool(&j, "candidates", r->candidates);
        cli_json_int(&j, "shared_bands", (long long)r->shared_bands, 1);
    }
    cli_json_bool(&j, "same_paper_in_store", strcmp(a->paper_id, b->paper_id) == 0);
    cli_json_close(&j, '}');
    return cli_json_print(&j);
}

static void print_side(const char *name, const char *arg, const pg_text_info *t)
{
    char hex[PG_KEY_HEX];
    pg_key_to_hex(t->key, hex);
    printf("%s  %s\n   text %s, paper %s\n   title: %s\n", name, arg, hex,
           t->paper_id, t->title);
}

static void print_score(const char *name, double v)
{
    if (v < 0)
        printf("  %-18s -\n", name);
    else
        printf("  %-18s %.3f\n", name, v);
}

static void print_result(const pg_match_result *r, const pg_text_info *a,
                         const pg_text_info *b)
{
    printf("decision: %s (rule %s)\n  %s\n", r->same ? "same paper" : "different papers",
           r->rule, r->why);
    print_score("abstract jaccard", r->abstract_jaccard);
    print_score("containment", r->containment);
    printf("  %-18s %zu\n", "prefix words", r->prefix_words);
    print_score("title similarity", r->title_sim);
    print_score("author overlap", r->author_overlap);
    printf("  %-18s %zu\n", "shared urls", r->shared_urls);
    printf("  %-18s %s (%zu of the abstracts' LSH bands shared)\n", "candidates",
           r->candidates ? "yes" : "no", r->shared_bands);
    int together = strcmp(a->paper_id, b->paper_id) == 0;
    printf("in the store: %s", together ? "one paper" : "two papers");
    if (together && !r->same)
        printf(" (joined through other variants of the paper)");
    else if (!together && r->same && !r->candidates)
        printf(" (never compared: no index key leads from one to the other)");
    else if (!together && r->same)
        printf(" (the store was clustered with other settings: run dedup)");
    printf("\n");
}

/* Prints the comparison (as JSON when json); *status is set when printing
 * the JSON failed. */
static pg_err explain(pg_store *s, const char *arg_a, const char *arg_b, int json,
                      int *status, pg_error *err)
{
    pg_key ka, kb;
    pg_text_info a, b;
    pg_dedup *d = NULL;
    pg_match_result r;
    int have_a = 0, have_b = 0;
    pg_err rc = cli_find_place(s, arg_a, &ka, err);
    if (rc == PG_OK)
        rc = cli_find_place(s, arg_b, &kb, err);
    if (rc == PG_OK && (rc = pg_store_text_info(s, ka, &a, err)) == PG_OK)
        have_a = 1;
    if (rc == PG_OK && (rc = pg_store_text_info(s, kb, &b, err)) == PG_OK)
        have_b = 1;
    if (rc != PG_OK)
        goto out;
    if (json && pg_key_cmp(ka, kb) == 0) {
        *status = json_result(arg_a, arg_b, &a, &b, NULL);
        goto out;
    }
    if (!json) {
        print_side("A", arg_a, &a);
        print_side("B", arg_b, &b);
    }
    if (pg_key_cmp(ka, kb) == 0) {
        printf("decision: same paper (rule exact-repeat)\n"
               "  both places hold the same text, byte for byte\n");
        goto out;
    }
    rc = pg_dedup_new(s, NULL, &d, err);
    if (rc == PG_OK)
        rc = pg_dedup_compare(d, ka, kb, &r, err);
    if (rc == PG_OK && json)
        *status = json_result(arg_a, arg_b, &a, &b, &r);
    else if (rc == PG_OK)
        print_result(&r, &a, &b);
out:
    pg_dedup_free(d);
    if (have_a)
        pg_text_info_release(&a);
    if (have_b)
        pg_text_info_release(&b);
    return rc;
}

int cmd_why(cli_ctx *ctx, int argc, char **argv)
{
    int json, now = cli_parse_text_json(ctx, argc, argv, cmd_why_usage, &json);
    if (now >= 0)
        return now;
    pg_store *s = NULL;
    int status = cli_start_store(ctx, argc, 2, cmd_why_usage,
                                 "why needs two places, FILE:LINE FILE:LINE", &s);
    if (status != EXIT_OK)
        return status;
    pg_error err;
    pg_error_clear(&err);
    pg_err rc = explain(s, argv[optind], argv[optind + 1], json, &status, &err);
    if (rc != PG_OK) {
        cli_error("%s", err.msg);
        status = cli_exit_for(rc);
    }
    pg_store_close(s);
    return status;
}
