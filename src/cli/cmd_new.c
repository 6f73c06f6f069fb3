/*
** cmd_new.c: `papergraph new`: the daily digest: the papers of one day not
** seen in the days before, and those that came back changed in substance.
*/
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const char cmd_new_usage[] =
    "usage: papergraph [--db PATH] new [--day YYYY-MM-DD] [--window N]\n"
    "                  [--format text|md|jsonl|csv|rss|html] [-o FILE]\n"
    "\n"
    "The daily digest: what is new on a listing day, and what came back changed.\n"
    "A paper listed on the day is\n"
    "  new      when it was not listed in the N days before the day;\n"
    "  updated  when it was, and on the day it comes with a text never seen\n"
    "           before that differs in substance from the last one seen: its\n"
    "           title words, abstract words (the share changed is given), links\n"
    "           or authors; white space, case, encoding and entities do not count;\n"
    "and is left out otherwise (a repeat, or a cosmetic variant).  New papers come\n"
    "first, then updated ones, each by upvotes on the day, then by title (the\n"
    "database stores no graph, so PageRank takes no part).  Each entry gives the\n"
    "paper id, the title, the status, the day first seen and the canonical URLs.\n"
    "\n"
    "  --day YYYY-MM-DD  the day to report (default: the last day in the database);\n"
    "                    a day outside the database's days is an error (exit 1)\n"
    "  --window N        days before the day that count as seen (default 7)\n"
    "  --format FMT      text (default), md (Markdown, for notes), jsonl, csv\n"
    "                    (paper_id,title,status,day,first_day,upvotes,changed,\n"
    "                    abstract_changed_pct,urls), rss (an RSS 2.0 feed: one item\n"
    "                    per paper, guid papergraph:PAPER:STATUS:DAY, pubDate the\n"
    "                    day), html (one self-contained page)\n"
    "  -o, --output FILE write to FILE (replaced whole) instead of standard output\n"
    "A day without entries gives an empty digest that says so.\n";

typedef struct digest_out {
    const pg_digest *d;
    pg_out_format fmt;
} digest_out;

static pg_err write_digest(void *ctx, FILE *out, pg_error *err)
{
    const digest_out *o = ctx;
    return pg_digest_write(o->d, o->fmt, out, err);
}

int cli_write_digest(const pg_digest *d, pg_out_format fmt, const char *path)
{
    digest_out o = { d, fmt };
    return cli_write_file(path, write_digest, &o);
}

int cmd_new(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_LONGOPTS,
        { "day", required_argument, NULL, 'd' },
        { "window", required_argument, NULL, 'w' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    pg_out_format fmt = PG_OUT_TEXT;
    const char *day = NULL, *path = NULL;
    long window = 7;
    int opt, now;
    while ((opt = getopt_long(argc, argv, "hd:w:f:o:", opts, NULL)) != -1) {
        if (cli_common_option(ctx, opt, optarg, cmd_new_usage, &now)) {
            if (now >= 0)
                return now;
        } else if (opt == 'd') {
            day = optarg;
        } else if (opt == 'w') {
            char *end;
            errno = 0;
            window = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || window < 1 || window > 36500)
                return cli_usage_error(cmd_new_usage,
                                       "--window wants a number of days from 1 to 36500");
        } else if (opt == 'f') {
            if (pg_out_format_parse(optarg, &fmt) != PG_OK ||
                (fmt != PG_OUT_TEXT && fmt != PG_OUT_MD && fmt != PG_OUT_JSONL &&
                 fmt != PG_OUT_CSV && fmt != PG_OUT_RSS && fmt != PG_OUT_HTML))
                return cli_usage_error(cmd_new_usage, "unknown --format '%s' "
                                       "(text, md, jsonl, csv, rss, html)", optarg);
        } else if (opt == 'o') {
            path = optarg;
        }
    }
    pg_store *s = NULL;
    int status = cli_start_store(ctx, argc, 0, cmd_new_usage,
                                 "new takes no arguments", &s);
    if (status != EXIT_OK)
        return status;
    pg_digest *d = NULL;
    pg_error err;
    pg_error_clear(&err);
    pg_err rc = pg_digest_build(s, day, (int)window, &d, &err);
    if (rc == PG_ERR_USAGE) {
        status = cli_usage_error(cmd_new_usage, "%s", err.msg);
    } else if (rc != PG_OK) {
        cli_error("%s", err.msg);
        status = cli_exit_for(rc);
    } else {
        status = cli_write_digest(d, fmt, path);
        if (status == EXIT_OK && d->papers_on_day == 0 &&
            (fmt == PG_OUT_JSONL || fmt == PG_OUT_CSV))
            fprintf(stderr, "papergraph: no entries on %s: the digest is empty\n", d->day);
    }
    pg_digest_free(d);
    pg_store_close(s);
    return status;
}
