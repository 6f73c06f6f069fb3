/*
** json.c: a small JSON writer for the commands' --format json output
** (show, why): objects and arrays with their commas placed, every string
** through pg_json_escape, the one JSON escaping function.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* A comma before every value but the first of its object or array, then
 * the member's name when inside an object. */
static void member(cli_json *j, const char *name)
{
    if (j->rc != PG_OK)
        return;
    if (j->depth > 0 && j->count[j->depth - 1]++ > 0)
        j->rc = pg_buf_putc(&j->b, ',');
    if (j->rc == PG_OK && name != NULL) {
        j->rc = pg_json_escape(name, strlen(name), &j->b);
        if (j->rc == PG_OK)
            j->rc = pg_buf_putc(&j->b, ':');
    }
}

void cli_json_open(cli_json *j, const char *name, char bracket)
{
    member(j, name);
    if (j->rc == PG_OK && j->depth >= CLI_JSON_DEPTH)
        j->rc = PG_ERR_INTERNAL;
    if (j->rc == PG_OK)
        j->rc = pg_buf_putc(&j->b, bracket);
    if (j->rc == PG_OK)
        j->count[j->depth++] = 0;
}

void cli_json_close(cli_json *j, char bracket)
{
    if (j->rc == PG_OK && j->depth == 0)
        j->rc = PG_ERR_INTERNAL;
    if (j->rc == PG_OK) {
        j->depth--;
        j->rc = pg_buf_putc(&j->b, bracket);
    }
}

void cli_json_str(cli_json *j, const char *name, const char *v)
{
    member(j, name);
    if (j->rc == PG_OK)
        j->rc = v != NULL ? pg_json_escape(v, strlen(v), &j->b) : pg_buf_puts(&j->b, "null");
}

void cli_json_int(cli_json *j, const char *name, long long v, int known)
{
    member(j, name);
    if (j->rc == PG_OK)
        j->rc = known ? pg_buf_printf(&j->b, "%lld", v) : pg_buf_puts(&j->b, "null");
}

void cli_json_real(cli_json *j, const char *name, double v, int known)
{
    member(j, name);
    if (j->rc == PG_OK)
        j->rc = known && isfinite(v) ? pg_buf_printf(&j->b, "%.6g", v)
                                     : pg_buf_puts(&j->b, "null");
}

void cli_json_bool(cli_json *j, const char *name, int v)
{
    member(j, name);
    if (j->rc == PG_OK)
        j->rc = pg_buf_puts(&j->b, v ? "true" : "false");
}

int cli_json_print(cli_json *j)
{
    int status = EXIT_OK;
    if (j->rc == PG_OK && j->depth != 0)
        j->rc = PG_ERR_INTERNAL;
    if (j->rc != PG_OK) {
        cli_error("cannot write JSON: %s", pg_strerror(j->rc));
        status = cli_exit_for(j->rc);
    } else if (fwrite(j->b.data, 1, j->b.len, stdout) != j->b.len || putchar('\n') == EOF ||
               fflush(stdout) != 0) {
        cli_error("standard output: write error");
        status = EXIT_OUTPUT;
    }
    pg_buf_release(&j->b);
    return status;
}
