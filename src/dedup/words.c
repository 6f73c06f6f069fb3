/*
** words.c: the words of normalised keys as the matcher sees them: word
** walking, 3-word shingles, stop and heading words, a title's content and
** core words, and word equality.  Shared by the key functions (keys.c) and
** the comparisons (compare.c).
*/
#include <stdlib.h>
#include <string.h>

#include "dedup/internal.h"
#include "dedup/match.h"
#include "text/internal.h"

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


/* w against s, as memcmp orders bytes, a prefix first.  Byte by byte:
 * most comparisons of a word-list search end at the first byte, where a
 * strlen and a memcmp call would cost more than the answer. */
static int pgd_span_cmp_str(pgd_span w, const char *s)
{
    for (size_t i = 0; i < w.n; i++) {
        unsigned char a = (unsigned char)w.p[i], b = (unsigned char)s[i];
        if (b == '\0')
            return 1;           /* s is a proper prefix of w */
        if (a != b)
            return a < b ? -1 : 1;
    }
    return s[w.n] == '\0' ? 0 : -1;
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


/* ---- title specificity ---------------------------------------------------- */

/* Words that fill titles of papers in computing and the sciences, whatever
 * the paper ("learning", "model", "efficient", "time series"): a title made
 * of them can name two different papers.  A fixed list, not frequencies
 * counted in the store, so that a title's specificity, and every decision
 * built on it, is the same whatever was ingested before (ingest order and
 * `dedup` agree).  Sorted; plural "s" is matched by pgd_word_eq. */
static const char *const common_words[] = {
    "accurate", "adaptation", "adaptive", "agent", "aided", "algorithm",
    "analysis", "application", "approach", "architecture", "attention",
    "augmented", "automatic", "aware", "based", "benchmark", "better",
    "case", "challenge", "classification", "complex", "control",
    "data", "dataset", "decision", "deep", "design", "detection",
    "diffusion", "driven", "dynamic", "dynamics", "effective", "efficient",
    "embedding", "end", "enhanced", "enhancing", "estimation", "evaluation",
    "evidence", "explainable", "fast", "feature", "forecasting", "framework",
    "from", "fusion", "general", "generation", "generative", "global",
    "graph", "guided", "high", "hybrid", "image", "improved", "improving",
    "inference", "information", "integrated", "intelligence",
    "interpretable", "language", "large", "layer", "learning", "level",
    "light", "lightweight", "local", "long", "low", "machine", "make",
    "method", "model", "modeling", "modelling", "models", "multi",
    "multimodal", "multivariate", "network", "networks", "neural", "new",
    "novel", "online", "optimal", "optimization", "performance",
    "prediction", "prior", "problem", "real", "recognition", "reasoning",
    "representation", "robust", "scalable", "scale", "self", "sequence",
    "series", "short", "simple", "spatial", "spatio", "study", "supervised",
    "system", "systems", "task", "temporal", "term", "time", "toward",
    "training", "transformer", "tuning", "understanding", "unified",
    "universal", "use", "vision", "world",
};

size_t pgd_title_specificity(const pgd_title_words *core, size_t *common)
{
    size_t n = 0;
    *common = 0;
    for (size_t i = 0; i < core->n; i++) {
        pgd_span w = core->w[i];
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = pgd_word_eq(w, core->w[j]);
        if (dup || w.n < 3 || pgd_is_number(w))
            continue;
        pgd_span sing = w;
        if (sing.n > 3 && sing.p[sing.n - 1] == 's')
            sing.n--;
        if (pgd_in_list(w, common_words, NELEM(common_words))
            || pgd_in_list(sing, common_words, NELEM(common_words)))
            (*common)++;
        else
            n++;
    }
    return n;
}

/* ---- coined names ----------------------------------------------------------- */

static int is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Whether the raw token t[0..n) (no spaces) looks coined: 2 when its case
 * or digits are mixed as no word's are, a capital after a small letter or a
 * digit, a digit inside letters, or capitals running into small letters
 * ("DPANet", "BEDTime", "EHR2Path": strings made up for one paper); 1 for
 * a part in capitals of 2+ letters in a token of 4+ letters ("MAESTRO",
 * "AR-KAN", "TS-Haystack": acronyms, which different papers reuse); 0
 * otherwise.  Plural acronyms ("LLMs", "GNNs") are not names. */
static int coined_token(const unsigned char *t, size_t n)
{
    size_t letters = 0, caps_run = 0, best_caps = 0;
    int camel = 0, digit_mix = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = t[i];
        if (is_upper(c) || is_lower(c))
            letters++;
        if (i > 0 && is_upper(c) && (is_lower(t[i - 1]) || is_digit(t[i - 1])))
            camel = 1;
        if (i > 0 && is_digit(c) && (is_upper(t[i - 1]) || is_lower(t[i - 1])) && i + 1 < n
            && (is_upper(t[i + 1]) || is_lower(t[i + 1])))
            digit_mix = 1;
        if (caps_run >= 2 && is_lower(c) && !(c == 's' && (i + 1 == n || !is_lower(t[i + 1]))))
            camel = 1;
        caps_run = is_upper(c) ? caps_run + 1 : 0;
        if (caps_run > best_caps && (i + 1 == n || !is_lower(t[i + 1]) || caps_run > 1))
            best_caps = caps_run;
    }
    if (letters < 4)
        return 0;
    /* "LLMs": three capitals and a plural s are an acronym, not a name. */
    if (n >= 2 && t[n - 1] == 's' && best_caps <= 4 && !camel && !digit_mix) {
        int rest_caps = 1;
        for (size_t i = 0; i + 1 < n; i++)
            rest_caps = rest_caps && (is_upper(t[i]) || t[i] == '-');
        if (rest_caps)
            return 0;
    }
    if (camel || digit_mix)
        return 2;
    return best_caps >= 2;
}

static int name_char(unsigned char c)
{
    return is_upper(c) || is_lower(c) || is_digit(c) || c == '-' || c >= 0x80;
}

/* Appends the normalised name s[0..n) and a '\n' to out (nothing when it
 * normalises to nothing). */
static pg_err put_name(pg_buf *out, const char *s, size_t n)
{
    size_t before = out->len;
    pg_err e = pg_normalize_key(s, n, out);
    if (e == PG_OK && out->len > before)
        e = pg_buf_putc(out, '\n');
    return e;
}

pg_err pgd_title_names(const char *raw, size_t len, pg_buf *out, int *has_head,
                       int *strong)
{
    const unsigned char *s = (const unsigned char *)raw;
    size_t lower = 0, upper = 0;
    pg_err e = PG_OK;

    *has_head = 0;
    *strong = 0;
    for (size_t i = 0; i < len; i++) {
        lower += is_lower(s[i]);
        upper += is_upper(s[i]);
    }
    /* The head: "Name: what it does", a name of one or two words. */
    const char *colon = memchr(raw, ':', len);
    if (colon != NULL && colon > raw && (size_t)(colon - raw) <= 40) {
        size_t words = 0;
        int in_word = 0;
        for (const char *p = raw; p < colon; p++) {
            int sp = *p == ' ' || *p == '\t';
            words += !sp && !in_word;
            in_word = !sp;
        }
        if (words >= 1 && words <= 2) {
            e = put_name(out, raw, (size_t)(colon - raw));
            *has_head = e == PG_OK && out->len > 0;
        }
    }
    /* Case tells names only in a title written in mixed case. */
    if (lower == 0 || upper > lower)
        return e;
    size_t i = 0;
    while (i < len && e == PG_OK) {
        while (i < len && !name_char(s[i]))
            i++;
        size_t start = i;
        while (i < len && name_char(s[i]))
            i++;
        while (i > start && s[i - 1] == '-')
            i--;
        int kind = i > start ? coined_token(s + start, i - start) : 0;
        if (kind > 0)
            e = put_name(out, raw + start, i - start);
        *strong |= kind == 2;
        while (i < len && name_char(s[i]))
            i++;
    }
    return e;
}

int pgd_phrase_in(const char *phrase, size_t n, const char *key, size_t len)
{
    if (n == 0 || key == NULL)
        return 0;
    for (size_t at = 0; at + n <= len;) {
        const char *hit = memchr(key + at, phrase[0], len - at - n + 1);
        if (hit == NULL)
            return 0;
        size_t i = (size_t)(hit - key);
        /* "DPANet's" normalises to "dpanets": a possessive or plural
         * "s" may follow the name. */
        size_t end = i + n;
        if (end < len && key[end] == 's')
            end++;
        if ((i == 0 || key[i - 1] == ' ') && memcmp(hit, phrase, n) == 0
            && (i + n == len || key[i + n] == ' ' || end == len || key[end] == ' '))
            return 1;
        at = i + 1;
    }
    return 0;
}

/* ---- an abstract's vocabulary and reworded titles --------------------------- */

#define SEED_VOCAB 0x70675f766f636162ULL  /* "pg_vocab" */

size_t pgd_vocabulary(const char *s, size_t len, uint64_t *out, size_t max)
{
    size_t pos = 0, n, k = 0;
    if (s == NULL)
        return 0;
    while ((n = pgd_next_word(s, len, &pos)) > 0 && k < max) {
        pgd_span w = { s + pos, n };
        pos += n;
        if (n < 4 || pgd_is_number(w) || pgd_is_stop(w))
            continue;
        /* A plural "s" aside, as for title words. */
        if (w.n > 4 && w.p[w.n - 1] == 's')
            w.n--;
        out[k++] = pg_hash64(w.p, w.n, SEED_VOCAB);
    }
    pg_sort_u64(out, k);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || out[u - 1] != out[i])
            out[u++] = out[i];
    return u;
}

double pgd_vocabulary_share(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    size_t i = 0, j = 0, common = 0;
    if (na == 0 || nb == 0)
        return 0.0;
    while (i < na && j < nb) {
        if (a[i] == b[j]) {
            common++;
            i++;
            j++;
        } else if (a[i] < b[j]) {
            i++;
        } else {
            j++;
        }
    }
    return (double)common / (double)(na < nb ? na : nb);
}

/* One word of a reworded title: equal up to a plural "s", or the shorter
 * word (5+ letters) without its last letter starts the other ("image" and
 * "imaging", "finance" and "financial"). */
int pgd_stem_eq(pgd_span x, pgd_span y)
{
    if (pgd_word_eq(x, y))
        return 1;
    pgd_span s = x.n <= y.n ? x : y, l = x.n <= y.n ? y : x;
    return s.n >= 5 && memcmp(s.p, l.p, s.n - 1) == 0;
}

/* 1 when every word of s has a stem-mate in l, and s keeps at least half
 * of l's words (a rewording, not a title quoted inside a longer one). */
static int words_within(const pgd_title_words *s, const pgd_title_words *l)
{
    if (2 * s->n < l->n)
        return 0;
    for (size_t i = 0; i < s->n; i++) {
        int found = 0;
        for (size_t j = 0; j < l->n && !found; j++)
            found = pgd_stem_eq(s->w[i], l->w[j]);
        if (!found)
            return 0;
    }
    return s->n > 0;
}

int pgd_cores_reworded(const pgd_title_words *ca, size_t spec_a, size_t common_a,
                       const pgd_title_words *cb, size_t spec_b, size_t common_b,
                       size_t *spec, size_t *common)
{
    *spec = *common = 0;
    int a_in = words_within(ca, cb), b_in = words_within(cb, ca);
    if (!a_in && !b_in)
        return 0;
    /* Both ways (respellings only): the lower, so that the order of a and
     * b does not matter. */
    size_t sa = a_in ? spec_a : (size_t)-1, ka = a_in ? common_a : 0;
    size_t sb = b_in ? spec_b : (size_t)-1, kb = b_in ? common_b : 0;
    *spec = sa < sb || (sa == sb && ka <= kb) ? sa : sb;
    *common = sa < sb || (sa == sb && ka <= kb) ? ka : kb;
    return 1;
}

/* ---- talks and meetings ------------------------------------------------------ */

/* Words that make a title a talk's (sorted). */
static const char *const talk_words[] = {
    "demo", "demonstration", "demonstrations", "demos", "keynote", "panel", "poster",
    "tutorial",
};

/* Words of a venue that meets once a year (sorted). */
static const char *const meeting_words[] = {
    "conf", "conference", "congress", "meeting", "proceedings", "symposium", "workshop",
};

static int has_word_of(const char *s, size_t len, const char *const *list, size_t n)
{
    size_t pos = 0, w;
    if (s == NULL)
        return 0;
    while ((w = pgd_next_word(s, len, &pos)) > 0) {
        pgd_span x = { s + pos, w };
        if (pgd_in_list(x, list, n))
            return 1;
        pos += w;
    }
    return 0;
}

int pgd_is_talk_title(const char *title, size_t len)
{
    return has_word_of(title, len, talk_words, NELEM(talk_words));
}

int pgd_is_meeting_venue(const char *venue, size_t len)
{
    return has_word_of(venue, len, meeting_words, NELEM(meeting_words));
}
