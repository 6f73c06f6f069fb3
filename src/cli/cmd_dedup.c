/*
** cmd_dedup.c: `papergraph dedup`: recompute every near-duplicate cluster,
** optionally with other thresholds, which later ingests then keep using.
*/
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const char cmd_dedup_usage[] =
    "usage: papergraph [--db PATH] dedup [--threshold X] [--revised X] [--title-threshold X] [--defaults]\n"
    "\n"
    "Recomputes which texts are the same paper, in one transaction, and keeps\n"
    "the settings for later ingests.  Thresholds are similarities in [0, 1]:\n"
    "  --threshold X        abstract Jaccard that makes two texts the same paper\n"
    "                       whatever their titles (default 0.80)\n"
    "  --revised X          abstract Jaccard enough when the titles are similar\n"
    "                       (a revised version; default 0.45)\n"
    "  --title-threshold X  title similarity for records without an abstract\n"
    "                       (default 0.90)\n"
    "  --defaults           start from the defaults, not the saved settings\n";

static int parse_unit(const char *s, double *v)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (errno || *end || !(d >= 0.0 && d <= 1.0))
        return -1;
    *v = d;
    return 0;
}

static void print_count(const char *what, long long before, long long after)
{
    printf("%-12s %lld -> %lld\n", what, before, after);
}

int cmd_dedup(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_LONGOPTS,
        { "threshold", required_argument, NULL, 't' },
        { "revised", required_argument, NULL, 'r' },
        { "title-threshold", required_argument, NULL, 'T' },
        { "defaults", no_argument, NULL, 'd' },
        { NULL, 0, NULL, 0 },
    };
    double same = -1, revised = -1, title = -1;
    int defaults = 0, opt, now;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_option(ctx, opt, optarg, cmd_dedup_usage, &now)) {
            if (now >= 0)
                return now;
        } else if (opt == 'd') {
            defaults = 1;
        } else if (parse_unit(optarg, opt == 't' ? &same : opt == 'r' ? &revised
                                                                 : &title) != 0) {
            return cli_usage_error(cmd_dedup_usage, "a threshold is a number from 0 to 1");
        }
    }
    pg_store *s = NULL;
    int status = cli_start_store(ctx, argc, 0, cmd_dedup_usage,
                                 "dedup takes no arguments", &s);
    if (status != EXIT_OK)
        return status;
    pg_error err;
    pg_error_clear(&err);
    pg_match_opts o;
    pg_dedup *d = NULL;
    pg_stats before, after;
    pg_dedup_stats st;
    pg_err rc = pg_dedup_new(s, NULL, &d, &err);
    if (rc == PG_OK) {
        o = *pg_dedup_opts(d);
        if (defaults)
            pg_match_opts_default(&o);
        if (same >= 0) o.same_abstract = same;
        if (revised >= 0) o.revised_abstract = revised;
        if (title >= 0) o.title_only = title;
        rc = pg_store_stats(s, &before, &err);
    }
    pg_dedup_free(d);
    if (rc == PG_OK)
        rc = pg_dedup_rebuild(s, &o, &st, &err);
    if (rc == PG_OK)
        rc = pg_store_stats(s, &after, &err);
    if (rc == PG_OK) {
        printf("texts        %lld\ncandidates   %lld pairs verified, %lld in a paper"
               " matched already, %lld ruled out by their sketches\nmatches      %lld\n",
               st.texts, st.candidates, st.same_paper, st.ruled_out, st.matches);
        print_count("papers", before.papers, after.papers);
        printf("settings     threshold %.2f, revised %.2f, title-threshold %.2f\n",
               o.same_abstract, o.revised_abstract, o.title_only);
    } else {
        cli_error("%s", err.msg);
        status = cli_exit_for(rc);
    }
    pg_store_close(s);
    return status;
}
