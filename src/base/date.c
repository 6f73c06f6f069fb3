/*
** date.c: a calendar date as text.  Listing days, publication dates and a
** digest's window are all written as ISO 8601 prefixes (YYYY, YYYY-MM or
** YYYY-MM-DD) by this one function, by hand: it runs once per occurrence
** of a bulk ingest, where snprintf's format parsing would show.
*/
#include "base/internal.h"

/* Writes n as `width` decimal digits (0 <= n < 10^width). */
static char *put_digits(char *p, int n, int width)
{
    for (int i = width - 1; i >= 0; i--, n /= 10)
        p[i] = (char)('0' + n % 10);
    return p + width;
}

size_t pg_date_format(char out[11], int y, int m, int d)
{
    char *p = out;
    if (y >= 1 && y <= 9999) {
        p = put_digits(p, y, 4);
        if (m >= 1 && m <= 12) {
            *p++ = '-';
            p = put_digits(p, m, 2);
            if (d >= 1 && d <= 31) {
                *p++ = '-';
                p = put_digits(p, d, 2);
            }
        }
    }
    *p = '\0';
    return (size_t)(p - out);
}
