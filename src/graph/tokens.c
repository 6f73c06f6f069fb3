/*
** tokens.c: cuts text into the words of the term model: Unicode folding,
** the split into words and phrases, the stop words and the Snowball English
** stemmer, and pg_terms_tokens(), which shows what a text gives.  The only
** file that includes libstemmer.h.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "graph/terms.h"

/* English function words and abstract boilerplate, folded, sorted for
 * bsearch.  Only words that never help as half of a bigram belong here: a
 * stop word ends a phrase, so "model", "task", "data", "learning" are NOT in
 * the list ("language model" is a good term); when such a word is in too many
 * documents the df window drops it alone.  The boilerplate part ("propose",
 * "novel", "outperform", "github", ...) is what nearly every abstract says
 * about itself rather than about its subject. */
static const char *const stop_words[] = {
    "about", "above", "achieve", "achieved", "achieves", "achieving",
    "across", "additionally", "after", "afterwards", "again", "against", "al",
    "all", "almost", "alone", "along", "already", "also", "although",
    "always", "am", "among", "amongst", "an", "and", "another", "any",
    "anyhow", "anyone", "anything", "anyway", "anywhere", "approach",
    "approaches", "are", "aren", "around", "as", "at", "available", "based",
    "be", "became", "because", "become", "becomes", "becoming", "been",
    "before", "beforehand", "behind", "being", "below", "beside", "besides",
    "between", "beyond", "both", "but", "by", "can", "cannot", "com", "could",
    "couldn", "demonstrate", "demonstrated", "demonstrates", "demonstrating",
    "did", "didn", "different", "do", "does", "doesn", "doing", "don", "done",
    "down", "due", "during", "each", "effective", "effectively", "eg",
    "eight", "either", "else", "elsewhere", "enable", "enabled", "enables",
    "enabling", "enough", "especially", "et", "etc", "even", "ever", "every",
    "everyone", "everything", "everywhere", "except", "existing", "extensive",
    "extensively", "few", "finally", "five", "for", "four", "from", "further",
    "furthermore", "github", "had", "hadn", "has", "hasn", "have", "haven",
    "having", "he", "hence", "her", "here", "hereby", "herein", "hers",
    "herself", "him", "himself", "his", "how", "however", "html", "http",
    "https", "ie", "if", "in", "include", "includes", "including", "indeed",
    "into", "introduce", "introduced", "introduces", "introducing", "is",
    "isn", "it", "its", "itself", "just", "least", "less", "let", "leverage",
    "leverages", "leveraging", "many", "may", "me", "meanwhile", "method",
    "methods", "might", "more", "moreover", "most", "mostly", "much", "must",
    "my", "myself", "namely", "neither", "never", "nevertheless", "new",
    "nine", "no", "nor", "not", "nothing", "novel", "now", "of", "off",
    "often", "on", "once", "one", "only", "onto", "or", "org", "other",
    "others", "otherwise", "our", "ours", "ourselves", "out", "outperform",
    "outperformed", "outperforming", "outperforms", "over", "own", "paper",
    "papers", "particularly", "per", "perhaps", "present", "presented",
    "presenting", "presents", "propose", "proposed", "proposes", "proposing",
    "provide", "provided", "provides", "providing", "rather", "recent",
    "recently", "respectively", "result", "results", "same", "seven",
    "several", "she", "should", "shouldn", "show", "showed", "showing",
    "shown", "shows", "significantly", "since", "six", "so", "some",
    "somehow", "something", "sometimes", "somewhat", "sota", "specifically",
    "still", "such", "ten", "than", "that", "the", "their", "theirs", "them",
    "themselves", "then", "thence", "there", "thereby", "therefore",
    "therein", "thereof", "these", "they", "this", "those", "though", "three",
    "through", "throughout", "thus", "to", "together", "too", "toward",
    "towards", "two", "typically", "under", "unless", "until", "up", "upon",
    "us", "use", "used", "uses", "using", "utilize", "utilized", "utilizes",
    "utilizing", "various", "very", "via", "was", "wasn", "we", "well",
    "were", "weren", "what", "whatever", "when", "whenever", "where",
    "whereas", "whereby", "wherein", "whether", "which", "while", "who",
    "whoever", "whole", "whom", "whose", "why", "will", "with", "within",
    "without", "won", "work", "works", "would", "wouldn", "www", "yet", "you",
    "your", "yours", "yourself", "yourselves",
};

static int stop_cmp(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

/* s[0..n) is a folded token, n <= TOKEN_MAX. */
int pgg_is_stop(const char *s, size_t n)
{
    char z[TOKEN_MAX + 1];
    memcpy(z, s, n);
    z[n] = '\0';
    return bsearch(z, stop_words, sizeof stop_words / sizeof stop_words[0],
                   sizeof stop_words[0], stop_cmp) != NULL;
}

/* -------------------------------------------------------------- scanning */

/* What one character does to the token being read. */
enum cls {
    C_ALNUM,        /* part of a word */
    C_SPACE,        /* ends a word */
    C_NEWLINE,      /* ends a word; two in one gap end a phrase */
    C_JOIN,         /* ends a word, not a phrase: - / _ " and dashes */
    C_BREAK,        /* ends a word and a phrase: . , ; ( ) symbols ... */
    C_APOS,         /* ends a word and drops what follows: "model's" */
    C_LATEX,        /* a backslash: ends a phrase, drops the next word */
    C_IGNORE        /* nothing: soft hyphen, leftover combining mark */
};

typedef struct scanner {
    char tok[TOKEN_MAX];
    size_t len;                 /* bytes in tok */
    size_t ncp;                 /* code points in tok */
    int letters;                /* tok has a letter, not only digits */
    int overflow;               /* tok was longer than TOKEN_MAX */
    int skip;                   /* dropping a word's rest after ' or \ */
    int newlines;               /* newlines since the last word character */
    token_fn fn;
    void *ctx;
} scanner;

/* Hands over the token being read: dropped ones (too long, one character,
 * digits only) become phrase ends so no bigram spans them. */
static pg_err end_token(scanner *sc)
{
    if (sc->len == 0 && !sc->overflow)
        return PG_OK;
    int keep = !sc->overflow && sc->ncp >= 2 && sc->letters;
    pg_err rc = keep ? sc->fn(sc->ctx, sc->tok, sc->len) : sc->fn(sc->ctx, NULL, 0);
    sc->len = sc->ncp = 0;
    sc->letters = sc->overflow = 0;
    return rc;
}

static void add_char(scanner *sc, const char *b, size_t n, int letter)
{
    sc->newlines = 0;
    if (sc->skip)
        return;
    if (sc->overflow || sc->len + n > TOKEN_MAX) {
        sc->overflow = 1;
        return;
    }
    memcpy(sc->tok + sc->len, b, n);
    sc->len += n;
    sc->ncp++;
    sc->letters |= letter;
}

static pg_err feed(scanner *sc, enum cls c, const char *b, size_t n, int letter)
{
    pg_err rc;
    if (c == C_ALNUM) {
        add_char(sc, b, n, letter);
        return PG_OK;
    }
    if (c == C_IGNORE)
        return PG_OK;
    if (c == C_APOS) {
        int in_word = sc->len > 0 || sc->overflow;
        rc = end_token(sc);
        sc->skip = in_word;
        return rc;
    }
    if ((rc = end_token(sc)) != PG_OK)
        return rc;
    sc->skip = c == C_LATEX;
    if (c == C_BREAK || c == C_LATEX || (c == C_NEWLINE && ++sc->newlines == 2))
        return sc->fn(sc->ctx, NULL, 0);
    return PG_OK;
}

static enum cls ascii_class(unsigned c)
{
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))
        return C_ALNUM;
    switch (c) {
    case ' ': case '\t': case '\r': case '\v': case '\f':
        return C_SPACE;
    case '\n':
        return C_NEWLINE;
    case '-': case '/': case '_': case '"': case '`':
        return C_JOIN;
    case '\'':
        return C_APOS;
    case '\\':
        return C_LATEX;
    default:
        return C_BREAK;
    }
}

static pg_err feed_ascii(scanner *sc, unsigned c)
{
    char ch = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    int letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    return feed(sc, ascii_class(c), &ch, 1, letter);
}

/* One code point after folding (cp >= 0x80). */
static pg_err feed_cp(scanner *sc, utf8proc_int32_t cp)
{
    utf8proc_uint8_t b[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, b);
    enum cls c;
    int letter = 0;

    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
        c = C_ALNUM;
        letter = 1;
        break;
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        c = C_ALNUM;
        break;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
        c = C_IGNORE;
        break;
    case UTF8PROC_CATEGORY_ZS:
        c = C_SPACE;
        break;
    case UTF8PROC_CATEGORY_ZL:
        c = C_NEWLINE;
        break;
    case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PI:
        c = C_JOIN;
        break;
    case UTF8PROC_CATEGORY_PF:
        c = cp == 0x2019 ? C_APOS : C_JOIN;     /* right single quote */
        break;
    default:
        c = C_BREAK;
        break;
    }
    return feed(sc, c, (const char *)b, (size_t)n, letter);
}

/* Folding: case fold, compatibility forms ("ﬁ" -> "fi"), accents off.
 * Hangul syllables are left whole: decomposing them into jamo would only
 * make labels unreadable. */
#define FOLD_OPTS (UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE \
                   | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE)

static pg_err feed_utf8(scanner *sc, const unsigned char **pp, const unsigned char *end)
{
    utf8proc_int32_t cp, out[32];
    utf8proc_ssize_t n = utf8proc_iterate(*pp, end - *pp, &cp);
    int bound = 0;

    if (n <= 0) {               /* invalid byte: punctuation, resync next byte */
        (*pp)++;
        return feed(sc, C_BREAK, NULL, 0, 0);
    }
    *pp += n;
    if (cp >= 0xAC00 && cp <= 0xD7A3)
        return feed_cp(sc, cp);
    utf8proc_ssize_t m = utf8proc_decompose_char(cp, out, 32, FOLD_OPTS, &bound);
    if (m < 0 || m > 32)
        return feed(sc, C_BREAK, NULL, 0, 0);
    for (utf8proc_ssize_t i = 0; i < m; i++) {
        pg_err rc = out[i] < 0x80 ? feed_ascii(sc, (unsigned)out[i]) : feed_cp(sc, out[i]);
        if (rc != PG_OK)
            return rc;
    }
    return PG_OK;
}

/* Cuts text into folded tokens for fn; see pg_terms_add for the rules. */
pg_err pgg_scan(const char *text, size_t len, token_fn fn, void *ctx)
{
    scanner sc;
    memset(&sc, 0, sizeof sc);
    sc.fn = fn;
    sc.ctx = ctx;
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    while (p < end) {
        unsigned c = *p, lc = c | 0x20;
        int letter = lc >= 'a' && lc <= 'z';
        /* Most bytes are ASCII letters and digits (C_ALNUM): straight to
         * add_char, without feed_ascii's classing. */
        if (letter || (c >= '0' && c <= '9')) {
            char ch = (char)(letter ? lc : c);
            add_char(&sc, &ch, 1, letter);
            p++;
            continue;
        }
        pg_err rc = c < 0x80 ? feed_ascii(&sc, *p++) : feed_utf8(&sc, &p, end);
        if (rc != PG_OK)
            return rc;
    }
    return end_token(&sc);
}

/* -------------------------------------------------------------- stemming */

struct sb_stemmer *pgg_stemmer_new(void)
{
    return sb_stemmer_new("english", NULL);
}

void pgg_stemmer_free(struct sb_stemmer *st)
{
    sb_stemmer_delete(st);
}

/* Stems s[0..n); *out points into the stemmer until its next call. */
pg_err pgg_stem(pg_terms *t, const char *s, size_t n, const char **out, size_t *out_n)
{
    if (t->stemmer == NULL) {
        *out = s;
        *out_n = n;
        return PG_OK;
    }
    const sb_symbol *r = sb_stemmer_stem(t->stemmer, (const sb_symbol *)s, (int)n);
    if (r == NULL)
        return PG_ERR_NOMEM;
    *out = (const char *)r;
    *out_n = (size_t)sb_stemmer_length(t->stemmer);
    return PG_OK;
}

/* ------------------------------------------------------ listing tokens */

typedef struct lister {
    pg_terms *t;
    pg_buf *out;
    int any;                    /* a word was written */
    int pending;                /* a phrase ended since it */
} lister;

static pg_err list_token(void *ctx, const char *s, size_t n)
{
    lister *l = ctx;
    const char *st;
    size_t sn;
    pg_err rc;

    if (s == NULL || pgg_is_stop(s, n)) {
        l->pending = l->any;
        return PG_OK;
    }
    if ((rc = pgg_stem(l->t, s, n, &st, &sn)) != PG_OK)
        return rc;
    if (l->any && (rc = pg_buf_puts(l->out, l->pending ? " | " : " ")) != PG_OK)
        return rc;
    l->any = 1;
    l->pending = 0;
    return pg_buf_append(l->out, st, sn);
}

pg_err pg_terms_tokens(pg_terms *t, const char *text, size_t len,
                       pg_buf *out, pg_error *err)
{
    if (text == NULL && len > 0)
        return pg_error_set(err, PG_ERR_USAGE, "terms: NULL text");
    lister l = { t, out, 0, 0 };
    /* appending nothing still makes out a string when no word is written */
    if (pg_buf_append(out, "", 0) != PG_OK || pgg_scan(text, len, list_token, &l) != PG_OK)
        return nomem(err);
    return PG_OK;
}
