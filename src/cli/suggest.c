/*
** suggest.c: "did you mean ...?" for a mistyped command or long option:
** the nearest known word by edit distance, when it is near enough to be
** what was meant.
*/
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Optimal string alignment distance (Levenshtein plus the swap of two
 * neighbouring letters, the commonest typo: "ingset").  Words longer than
 * 63 bytes are never near anything we know. */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
    enum { MAXW = 64 };
    size_t d[MAXW][MAXW];
    if (la >= MAXW || lb >= MAXW)
        return (size_t)-1;
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

/* Near enough: at most two edits, and fewer than half the word's letters
 * (so "ls" does not suggest "run"). */
static int near(size_t dist, size_t len)
{
    return dist <= 2 && dist * 2 < len;
}

const char *cli_suggest(const char *word, const char *const *known, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, lw = strlen(word);
    for (size_t i = 0; i < n; i++) {
        size_t d = distance(word, lw, known[i], strlen(known[i]));
        if (d < best_d) {
            best_d = d;
            best = known[i];
        }
    }
    return best != NULL && near(best_d, lw) ? best : NULL;
}

void cli_suggest_option(const char *bad, const char *usage)
{
    if (bad == NULL || strncmp(bad, "--", 2) != 0)
        return;
    const char *name = bad + 2;
    size_t ln = strcspn(name, "=");
    const char *best = NULL;
    size_t best_d = (size_t)-1, best_len = 0;
    /* The usage text names every option the command takes. */
    for (const char *p = strstr(usage, "--"); p != NULL; p = strstr(p, "--")) {
        p += 2;
        size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyz-");
        if (len == 0)
            continue;
        size_t d = distance(name, ln, p, len);
        if (d < best_d) {
            best_d = d;
            best = p;
            best_len = len;
        }
    }
    if (best != NULL && best_d > 0 && near(best_d, ln))
        fprintf(stderr, "papergraph: did you mean '--%.*s'?\n", (int)best_len, best);
}
