/*
** words.c: the words of normalised keys as the matcher sees them: word
** walking, 3-word shingles, stop and heading words, a title's content and
** core words, and word equality.  Shared by the key functions (keys.c) and
** the comparisons (compare.c).
*/
#include <string.h>

#include "dedup/internal.h"
#include "dedup/match.h"

#define SEED_SHINGLE   0x70675f7368696e67ULL  /* "pg_shing" */

/* Advances *pos past spaces and returns the length of the word there (0 at
 * the end).  Keys use single spaces, but runs are tolerated. */
size_t pgd_next_word(const char *s, size_t len, size_t *pos)
{
    size_t i = *pos;
    while (i < len && s[i] == ' ')
        i++;
    *pos = i;
    const char *sp = i < len ? memchr(s + i, ' ', len - i) : NULL;
    return sp ? (size_t)(sp - (s + i)) : len - i;
}

size_t pgd_count_words(const char *s, size_t len)
{
    size_t n = 0, pos = 0, w;
    while ((w = pgd_next_word(s, len, &pos)) > 0) {
        n++;
        pos += w;
    }
    return n;
}

/* The length of s without its last word (and the spaces before it): what a
 * truncated abstract is sure to contain. */
size_t pgd_drop_last_word(const char *s, size_t len)
{
    while (len > 0 && s[len - 1] == ' ')
        len--;
    while (len > 0 && s[len - 1] != ' ')
        len--;
    while (len > 0 && s[len - 1] == ' ')
        len--;
    return len;
}
/* ---- shingles ----------------------------------------------------------- */


void pgd_shingler_init(pgd_shingler *it, const char *s, size_t len)
{
    memset(it, 0, sizeof *it);
    it->s = s;
    it->len = s ? len : 0;
}

int pgd_shingler_next(pgd_shingler *it, uint64_t *h)
{
    size_t w;
    while (!it->done && (w = pgd_next_word(it->s, it->len, &it->pos)) > 0) {
        it->start[it->words % PG_SHINGLE_WORDS] = it->pos;
        it->pos += w;
        it->words++;
        if (it->words >= PG_SHINGLE_WORDS) {
            size_t first = it->start[(it->words - PG_SHINGLE_WORDS) % PG_SHINGLE_WORDS];
            *h = pg_hash64(it->s + first, it->pos - first, SEED_SHINGLE);
            return 1;
        }
    }
    if (!it->done && it->words > 0 && it->words < PG_SHINGLE_WORDS) {
        it->done = 1;
        *h = pg_hash64(it->s + it->start[0], it->pos - it->start[0], SEED_SHINGLE);
        return 1;
    }
    it->done = 1;
    return 0;
}

/* ---- title words -------------------------------------------------------- */


static int pgd_span_cmp_str(pgd_span w, const char *s)
{
    size_t sl = strlen(s);
    int c = memcmp(w.p, s, w.n < sl ? w.n : sl);
    return c ? c : (w.n < sl ? -1 : w.n > sl);
}

int pgd_in_list(pgd_span w, const char *const *list, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = pgd_span_cmp_str(w, list[mid]);
        if (c == 0)
            return 1;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

/* Function words that carry nothing about which paper a title names.
 * Sorted (binary search). */
static const char *const stop_words[] = {
    "a", "about", "after", "against", "all", "among", "an", "and", "any",
    "are", "as", "at", "be", "before", "between", "beyond", "both", "but",
    "by", "can", "do", "does", "during", "each", "for", "from", "how", "in",
    "into", "is", "it", "its", "more", "most", "no", "not", "of", "on",
    "or", "our", "over", "some", "such", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "those", "through",
    "to", "towards", "under", "upon", "using", "via", "vs", "was", "we",
    "were", "what", "when", "which", "while", "who", "why", "will", "with",
    "within", "without", "you", "your",
};

/* Words of section headings and recurring columns: a title made only of
 * these ("Editor's notes", "Guest editorial", "Book review column") names a
 * kind of text, not a paper.  Sorted. */
static const char *const generic_words[] = {
    "abstract", "abstracts", "acknowledgement", "acknowledgements",
    "acknowledgment", "acknowledgments", "addendum", "address",
    "announcement", "announcements", "answer", "articles", "award",
    "awards", "back", "biographies", "biography", "book", "books", "call",
    "calls", "chair", "chairman", "chairs", "closing", "column", "columns",
    "comment", "comments", "committee", "conclusion", "conclusions",
    "contents", "contributors", "correction", "corrections",
    "correspondence", "corrigendum", "cover", "dedication", "director",
    "discussion", "editor", "editorial", "editorials", "editors", "errata",
    "erratum", "foreword", "forum", "front", "guest", "index", "interview",
    "introduction", "invited", "issue", "keynote", "letter", "letters",
    "matter", "memoriam", "message", "messages", "minutes", "miscellaneous",
    "news", "note", "notes", "obituary", "opening", "overview", "panel",
    "paper", "papers", "preface", "press", "proceedings", "program",
    "referees", "remarks", "reply", "report", "reports", "response",
    "retraction", "review", "reviewers", "reviews", "secretary", "section",
    "session", "special", "summary", "surveys", "table", "talk", "title",
    "trade", "treasurer", "tribute", "tutorial", "vice", "volume",
    "welcome",
};


int pgd_is_stop(pgd_span w)
{
    /* Single letters are possessive "s", initials, list markers; single
     * digits are kept: "GPT 3" and "GPT 4" are different papers. */
    if (w.n == 1 && !(w.p[0] >= '0' && w.p[0] <= '9'))
        return 1;
    return pgd_in_list(w, stop_words, NELEM(stop_words));
}


void pgd_title_split(const char *s, size_t len, pgd_title_words *t)
{
    size_t pos = 0, n;
    t->n = 0;
    while ((n = pgd_next_word(s, len, &pos)) > 0) {
        pgd_span w = { s + pos, n };
        pos += n;
        if (!pgd_is_stop(w) && t->n < PG_TITLE_WORDS_MAX)
            t->w[t->n++] = w;
    }
    if (t->n > 0)
        return;
    pos = 0;
    while ((n = pgd_next_word(s, len, &pos)) > 0 && t->n < PG_TITLE_WORDS_MAX) {
        t->w[t->n].p = s + pos;
        t->w[t->n++].n = n;
        pos += n;
    }
}

int pgd_title_is_generic(const pgd_title_words *t)
{
    if (t->n == 0)
        return 0;
    for (size_t i = 0; i < t->n; i++)
        if (!pgd_in_list(t->w[i], generic_words, NELEM(generic_words)))
            return 0;
    return 1;
}

/* The core of a title: its content words without heading words, so that
 * "X (panel abstract)" and "X: panel session" compare as "X".  A title made
 * of heading words only keeps them. */
void pgd_title_core(const pgd_title_words *t, pgd_title_words *core)
{
    core->n = 0;
    for (size_t i = 0; i < t->n; i++)
        if (!pgd_in_list(t->w[i], generic_words, NELEM(generic_words)))
            core->w[core->n++] = t->w[i];
    if (core->n == 0)
        *core = *t;
}


int pgd_span_eq(pgd_span x, pgd_span y)
{
    return x.n == y.n && memcmp(x.p, y.p, x.n) == 0;
}

/* Title words compare without a plural "s" ("cube", "cubes"). */
int pgd_word_eq(pgd_span x, pgd_span y)
{
    if (x.n > 3 && x.p[x.n - 1] == 's')
        x.n--;
    if (y.n > 3 && y.p[y.n - 1] == 's')
        y.n--;
    return pgd_span_eq(x, y);
}

int pgd_is_number(pgd_span w)
{
    for (size_t i = 0; i < w.n; i++)
        if (w.p[i] < '0' || w.p[i] > '9')
            return 0;
    return w.n > 0;
}

