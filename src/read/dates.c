/*
** dates.c: the dates the readers accept, as written in bibliographic data:
** ISO ("2023", "2023-10", "2023-10-09", a time after it), named months
** ("Oct 9, 2023", "Oct 9", "October 2023", "9 Oct 2023", "Sept"), and the
** check that a year, month and day exist (see read/internal.h).
*/
#include <string.h>

#include "read/internal.h"

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int pgr_valid_date(int y, int m, int d)
{
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 1 || y > 9999 || m < 0 || m > 12 || d < 0 || (m == 0 && d > 0))
        return 0;
    if (m == 0 || d == 0)
        return 1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

/* Exactly `digits` digits at s[*i]; -1 otherwise. */
static int read_fixed(const char *s, size_t n, size_t *i, int digits)
{
    int v = 0;

    for (int k = 0; k < digits; k++, (*i)++) {
        if (*i >= n || !is_digit(s[*i]))
            return -1;
        v = v * 10 + (s[*i] - '0');
    }
    return v;
}

/* 1 or 2 digits at s[*i]; -1 otherwise. */
static int read_day(const char *s, size_t n, size_t *i)
{
    int v = read_fixed(s, n, i, 1);
    if (v >= 0 && *i < n && is_digit(s[*i]))
        v = v * 10 + (s[(*i)++] - '0');
    return v;
}

/* "2023", "2023-10", "2023-10-09", the last perhaps followed by a time
 * ("2023-10-09T12:00:00Z", "2023-10-09 12:00"). */
int pgr_parse_iso(const char *s, size_t n, int *y, int *m, int *d)
{
    size_t i = 0;

    *m = *d = 0;
    if ((*y = read_fixed(s, n, &i, 4)) < 0)
        return 0;
    if (i == n)
        return 1;
    if (s[i++] != '-' || (*m = read_fixed(s, n, &i, 2)) < 0)
        return 0;
    if (i == n)
        return 1;
    if (s[i++] != '-' || (*d = read_fixed(s, n, &i, 2)) < 0)
        return 0;
    return i == n || s[i] == 'T' || s[i] == ' ';
}

int pgr_month_of(const char *s, size_t n)
{
    static const char *const names[] = {
        "january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december",
    };
    for (int k = 0; k < 12; k++) {
        size_t len = strlen(names[k]);
        if (n != 3 && n != len && !(k == 8 && n == 4))
            continue;
        size_t i = 0;
        while (i < n && ascii_lower(s[i]) == names[k][i])
            i++;
        if (i == n)
            return k + 1;
    }
    return 0;
}

static size_t skip_blanks(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

static size_t read_letters(const char *s, size_t n, size_t i)
{
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
        i++;
    return i;
}

/* "Oct 9, 2023", "Oct 9" (the year is year), "October 2023",
 * "9 Oct 2023". */
int pgr_parse_named(const char *s, size_t n, int year, int *y, int *m, int *d)
{
    size_t i = 0, j;

    *d = 0;
    if (is_digit(s[0])) {
        *d = read_day(s, n, &i);
        i = skip_blanks(s, n, i);
    }
    j = read_letters(s, n, i);
    if (j - i < 3 || (*m = pgr_month_of(s + i, j - i)) == 0)
        return 0;
    if (j < n && s[j] == '.')
        j++;            /* "Oct. 9" */
    i = skip_blanks(s, n, j);
    if (*d == 0 && i + 4 == n && (*y = read_fixed(s, n, &i, 4)) >= 0)
        return 1;       /* "October 2023" */
    if (*d == 0 && (i == j || (*d = read_day(s, n, &i)) < 0))
        return 0;
    if (i == n && *d > 0 && !is_digit(s[0])) {
        *y = year;      /* "Oct 9" */
        return 1;
    }
    if (i < n && s[i] == ',')
        i++;
    i = skip_blanks(s, n, i);
    return (*y = read_fixed(s, n, &i, 4)) >= 0 && i == n;
}
