/*
** error.c: pg_strerror and the message buffer helpers.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "papergraph/base.h"
#include "base/internal.h"

const char *pg_strerror(pg_err code)
{
    switch (code) {
    case PG_OK: return "success";
    case PG_DONE: return "no more items";
    case PG_ERR_NOMEM: return "out of memory";
    case PG_ERR_IO: return "input/output error";
    case PG_ERR_NOT_TEXT: return "not a text file";
    case PG_ERR_FORMAT: return "malformed input";
    case PG_ERR_TOO_LONG: return "line or field too long";
    case PG_ERR_DB: return "database error";
    case PG_ERR_NOT_PG_DB: return "not a papergraph database";
    case PG_ERR_DB_VERSION: return "database written by a newer papergraph";
    case PG_ERR_USAGE: return "invalid argument";
    case PG_ERR_NOT_FOUND: return "not found";
    case PG_ERR_GRAPH: return "graph library error";
    case PG_ERR_INTERNAL: return "internal error";
    }
    return "unknown error";
}

/* Cuts s at its last complete UTF-8 sequence so a truncated message stays
 * valid text. */
static void trim_partial_utf8(char *s)
{
    size_t n = strlen(s), i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (n - (i - 1) < need)
        s[i - 1] = '\0';
}

pg_err pg_error_set(pg_error *e, pg_err code, const char *fmt, ...)
{
    if (e == NULL)
        return code;
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        e->msg[0] = '\0';
    else if ((size_t)n >= sizeof e->msg)
        trim_partial_utf8(e->msg);
    /* A message is one line: a newline from a file name would split it. */
    for (char *p = e->msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return code;
}

void pg_error_clear(pg_error *e)
{
    if (e == NULL)
        return;
    e->code = PG_OK;
    e->msg[0] = '\0';
}
