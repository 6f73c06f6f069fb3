/*
** normalize.c: matching keys, display text and the truncation test.
**
** A key is what two spellings of the same paper have in common.  Listings
** merged from many sources spell the same title and abstract with different
** white space, case, quotes, ligatures, accents (precomposed "é" or "e" +
** U+0301), HTML entities and LaTeX remnants; the key removes all of
** that and keeps only the words: lower-case letters and digits, one ASCII
** space between words, nothing before the first or after the last.
**
** The pipeline, in one pass over the text and without a copy of it:
**
**   1. character references are decoded as characters are read ("&eacute;",
**      "&#39;"), so everything below sees the decoded character;
**   2. LaTeX is reduced to its text: "$" and lone braces are deleted (they
**      are markup, "{B}ERT" is BERT; but "}{" between two arguments is a
**      break), formatting macros ("\textbf",
**      "\emph", "{\em x}", "\mathcal") vanish and leave their argument,
**      accent macros ("\'e", "\"{o}", "\c{c}") leave the letter, letter
**      macros become the letter ("\ss" is "ß", "\o" is "ø"), Greek macros
**      become the Greek letter ("$\alpha$" is "α", so it matches a page that
**      rendered the formula, and "&alpha;"), symbol macros ("\times",
**      "\leq", "\frac") are word breaks like the symbols they stand for,
**      escaped characters ("\&", "\_") are those characters, and any other
**      macro ("\log") is its name as a word;
**   3. every other character goes through utf8proc: compatibility
**      decomposition (ligature "ﬁ" is "fi", full-width letters are ASCII,
**      "½" is "1⁄2"), case folding ("ß" is "ss") and mark stripping ("é" is
**      "e").  The result stays decomposed: with the marks gone the only
**      thing NFKC would recompose is Hangul, and precomposed syllables are
**      passed through untouched, so equal text still gives equal keys;
**   4. letters and digits (Unicode L* and N*) are kept; every other
**      character (punctuation, symbols, dashes, quotes, controls, white space
**      of any kind including NBSP, U+2009, U+200B and U+3000) is a word
**      break, and runs of breaks become one space.
**
** Decisions worth knowing:
**   - Hyphens and dashes of every kind are word breaks: "state-of-the-art",
**     "state of the art" and "state–of–the–art" share a key.  The price is
**     that "self-supervised" differs from the rarer "selfsupervised".
**   - An apostrophe (', ’, ‘, ʼ, "&#39;", "&rsquo;") is deleted, so
**     "Guerra's", "Guerra’s" and "Guerras" match.  Outside a word it sits
**     next to a break anyway, so deleting it there changes nothing.
**   - Default-ignorable characters (soft hyphen, ZWJ, ZWNJ, word joiner,
**     BOM) are deleted, not breaks: they sit inside words.  U+200B is the
**     exception: a zero-width space separates words.
**   - A truncation marker ("...", "…", "[...]") is punctuation, and breaks at
**     the end of a key vanish, so the key of an abstract cut off after "a
**     nov..." is a byte prefix of the key of the full "a novel method".
**     Containment matching can rely on that (unless the cut falls inside
**     an entity or a macro: "&eacu...").
**   - A text without a letter or digit has an empty key; callers must not
**     take two empty keys for a match.
**   - Mark stripping is what makes "é" match "e"; it also merges Japanese
**     kana with and without dakuten and drops Indic vowel signs.  Keys are
**     for finding the same text, and both spellings lose the same marks.
**
** Speed: every new text of an ingest is keyed, so runs of plain ASCII go
** through a table straight into the output buffer (one reservation a run)
** and never reach utf8proc; only '&', '\', '}' and non-ASCII bytes take
** the slow path, which decodes one character at a time into a stack array.
** Nothing is allocated per character and no copy of the text is made.
**
** Display text keeps the characters and only cleans the encoding and the
** white space.  The truncation test recognises the markers listed above.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "text/internal.h"

/* ------------------------------------------------------------------ */
/* Keys                                                                */

/* What an ASCII character does to a key. */
enum {
    C_BREAK,    /* ends a word */
    C_WORD,     /* letter or digit: kept (lower-cased) */
    C_DROP,     /* deleted: markup ("$", braces) and apostrophes, which
                 * can only be inside a word or next to a break */
    C_SLOW      /* '&', '\\' or '}': may start an entity or a macro, or
                 * separate two arguments */
};

#define B C_BREAK
#define W C_WORD
#define D C_DROP
#define S C_SLOW
static const unsigned char ascii_class[128] = {
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,     /* controls */
    B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
    B, B, B, B, D, B, S, D, B, B, B, B, B, B, B, B,     /*  !"#$%&'()*+,-./ */
    W, W, W, W, W, W, W, W, W, W, B, B, B, B, B, B,     /* 0-9 :;<=>? */
    B, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W,     /* @A-O */
    W, W, W, W, W, W, W, W, W, W, W, B, S, B, B, B,     /* P-Z [\]^_ */
    B, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W,     /* `a-o */
    W, W, W, W, W, W, W, W, W, W, W, D, B, S, B, B,     /* p-z {|}~ DEL */
};
#undef B
#undef W
#undef D
#undef S

/* NFKD, case folded, marks and default-ignorables removed. */
#define KEY_OPTIONS ((utf8proc_option_t)(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT \
    | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE))

/* The longest decomposition in Unicode (U+FDFA) has 18 code points. */
#define DECOMP_MAX 32

enum { K_START, K_WORD, K_GAP };

typedef struct keyer {
    pg_buf *out;
    int state;      /* K_START: nothing written; K_WORD: inside a word;
                     * K_GAP: a break is due before the next word character */
    pg_err rc;      /* sticky: the first allocation failure */
} keyer;

static void key_put(keyer *k, const char *p, size_t n)
{
    pg_buf *b = k->out;
    if (b->len + n >= b->cap && pg_buf_reserve(b, n) != PG_OK) {
        k->rc = PG_ERR_NOMEM;
        return;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

/* Starts or continues a word: writes the pending space first. */
static void key_word(keyer *k, const char *p, size_t n)
{
    if (k->state == K_GAP)
        key_put(k, " ", 1);
    k->state = K_WORD;
    key_put(k, p, n);
}

static void key_break(keyer *k)
{
    if (k->state == K_WORD)
        k->state = K_GAP;
}

static void key_ascii(keyer *k, unsigned char c)
{
    switch (ascii_class[c & 0x7F]) {
    case C_WORD: {
        char lc = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        key_word(k, &lc, 1);
        break;
    }
    case C_SLOW:
        /* A decoded '&' is punctuation; a lone backslash or brace is
         * dropped. */
        if (c == '&')
            key_break(k);
        break;
    case C_DROP:
        break;
    default:
        key_break(k);
        break;
    }
}

static int is_apostrophe(uint32_t cp)
{
    return cp == 0x2019 || cp == 0x2018 || cp == 0x02BC;
}

/* One code point of the folded stream. */
static void key_folded(keyer *k, uint32_t cp)
{
    if (cp < 0x80) {
        key_ascii(k, (unsigned char)cp);
        return;
    }
    if (is_apostrophe(cp))
        return;     /* "Guerra’s" is "Guerra's" is "Guerras" */
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO: {
        char u[4];
        key_word(k, u, pgr_utf8_encode(cp, u));
        break;
    }
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_CF:
        break;      /* inside a word: a mark or a format character */
    default:
        key_break(k);
        break;
    }
}

/* One decoded code point of the text. */
static void key_cp(keyer *k, uint32_t cp)
{
    if (cp < 0x80) {
        key_ascii(k, (unsigned char)cp);
        return;
    }
    if (cp == 0x200B) {         /* zero-width space: ignorable, yet a break */
        key_break(k);
        return;
    }
    if (cp >= 0xAC00 && cp <= 0xD7A3) {  /* Hangul syllable: already NFKC */
        key_folded(k, cp);
        return;
    }
    utf8proc_int32_t d[DECOMP_MAX];
    utf8proc_ssize_t n = utf8proc_decompose_char((utf8proc_int32_t)cp, d,
                                                 DECOMP_MAX, KEY_OPTIONS, NULL);
    if (n < 0 || n > DECOMP_MAX) {
        key_break(k);
        return;
    }
    for (utf8proc_ssize_t i = 0; i < n; i++)
        key_folded(k, (uint32_t)d[i]);
}

/* What a LaTeX control word does. */
typedef enum macro_kind {
    M_DROP,     /* formatting: vanishes, its argument stays */
    M_BREAK,    /* a symbol or spacing: a word break */
    M_ACCENT,   /* \c{c}, \v c: vanishes with the spaces after it */
    M_LETTER,   /* \ss, \o: a letter, and the spaces after it vanish */
    M_CHAR      /* \alpha: a character */
} macro_kind;

typedef struct macro {
    const char *name;
    macro_kind kind;
    uint32_t cp;
} macro;

/* Sorted by strcmp() for bsearch(). */
static const macro macros[] = {
    { "AA", M_LETTER, 0xC5 }, { "AE", M_LETTER, 0xC6 }, { "Big", M_DROP, 0 },
    { "Bigg", M_DROP, 0 }, { "Bigl", M_DROP, 0 }, { "Bigr", M_DROP, 0 },
    { "DH", M_LETTER, 0xD0 }, { "DJ", M_LETTER, 0x110 },
    { "Delta", M_CHAR, 0x394 }, { "Gamma", M_CHAR, 0x393 },
    { "H", M_ACCENT, 0 }, { "Huge", M_DROP, 0 }, { "L", M_LETTER, 0x141 },
    { "LARGE", M_DROP, 0 }, { "Lambda", M_CHAR, 0x39B }, { "Large", M_DROP, 0 },
    { "Leftarrow", M_BREAK, 0 }, { "Leftrightarrow", M_BREAK, 0 },
    { "Longrightarrow", M_BREAK, 0 }, { "NG", M_LETTER, 0x14A },
    { "O", M_LETTER, 0xD8 }, { "OE", M_LETTER, 0x152 },
    { "Omega", M_CHAR, 0x3A9 }, { "P", M_BREAK, 0 }, { "Phi", M_CHAR, 0x3A6 },
    { "Pi", M_CHAR, 0x3A0 }, { "Psi", M_CHAR, 0x3A8 },
    { "Rightarrow", M_BREAK, 0 }, { "S", M_BREAK, 0 }, { "SS", M_LETTER, 0xDF },
    { "Sigma", M_CHAR, 0x3A3 }, { "TH", M_LETTER, 0xDE },
    { "Theta", M_CHAR, 0x398 }, { "Upsilon", M_CHAR, 0x3A5 },
    { "Vert", M_BREAK, 0 }, { "Xi", M_CHAR, 0x39E }, { "aa", M_LETTER, 0xE5 },
    { "acute", M_DROP, 0 }, { "ae", M_LETTER, 0xE6 },
    { "alpha", M_CHAR, 0x3B1 }, { "approx", M_BREAK, 0 }, { "ast", M_BREAK, 0 },
    { "b", M_ACCENT, 0 }, { "bar", M_DROP, 0 }, { "beta", M_CHAR, 0x3B2 },
    { "bf", M_DROP, 0 }, { "bfseries", M_DROP, 0 }, { "big", M_DROP, 0 },
    { "bigcap", M_BREAK, 0 }, { "bigcup", M_BREAK, 0 }, { "bigg", M_DROP, 0 },
    { "biggl", M_DROP, 0 }, { "biggr", M_DROP, 0 }, { "bigl", M_DROP, 0 },
    { "bigr", M_DROP, 0 }, { "binom", M_BREAK, 0 }, { "bm", M_DROP, 0 },
    { "boldsymbol", M_DROP, 0 }, { "bot", M_BREAK, 0 }, { "boxed", M_DROP, 0 },
    { "breve", M_DROP, 0 }, { "bullet", M_BREAK, 0 }, { "c", M_ACCENT, 0 },
    { "cap", M_BREAK, 0 }, { "cdot", M_BREAK, 0 }, { "cdots", M_BREAK, 0 },
    { "check", M_DROP, 0 }, { "checkmark", M_BREAK, 0 },
    { "chi", M_CHAR, 0x3C7 }, { "circ", M_BREAK, 0 }, { "cite", M_DROP, 0 },
    { "citep", M_DROP, 0 }, { "citet", M_DROP, 0 }, { "colon", M_BREAK, 0 },
    { "cong", M_BREAK, 0 }, { "cup", M_BREAK, 0 }, { "d", M_ACCENT, 0 },
    { "dag", M_BREAK, 0 }, { "dagger", M_BREAK, 0 }, { "ddag", M_BREAK, 0 },
    { "ddagger", M_BREAK, 0 }, { "ddot", M_DROP, 0 }, { "ddots", M_BREAK, 0 },
    { "delta", M_CHAR, 0x3B4 }, { "dfrac", M_BREAK, 0 },
    { "dh", M_LETTER, 0xF0 }, { "displaystyle", M_DROP, 0 },
    { "div", M_BREAK, 0 }, { "dj", M_LETTER, 0x111 }, { "dot", M_DROP, 0 },
    { "dots", M_BREAK, 0 }, { "downarrow", M_BREAK, 0 },
    { "ell", M_CHAR, 0x2113 }, { "em", M_DROP, 0 }, { "emph", M_DROP, 0 },
    { "emptyset", M_BREAK, 0 }, { "ensuremath", M_DROP, 0 },
    { "epsilon", M_CHAR, 0x3B5 }, { "equiv", M_BREAK, 0 },
    { "eta", M_CHAR, 0x3B7 }, { "euro", M_CHAR, 0x20AC },
    { "exists", M_BREAK, 0 }, { "fbox", M_DROP, 0 }, { "footnote", M_DROP, 0 },
    { "footnotesize", M_DROP, 0 }, { "forall", M_BREAK, 0 },
    { "frac", M_BREAK, 0 }, { "gamma", M_CHAR, 0x3B3 }, { "ge", M_BREAK, 0 },
    { "geq", M_BREAK, 0 }, { "gets", M_BREAK, 0 }, { "gg", M_BREAK, 0 },
    { "grave", M_DROP, 0 }, { "hat", M_DROP, 0 }, { "hbar", M_CHAR, 0x127 },
    { "hbox", M_DROP, 0 }, { "hfill", M_BREAK, 0 }, { "href", M_DROP, 0 },
    { "hspace", M_BREAK, 0 }, { "huge", M_DROP, 0 }, { "i", M_LETTER, 0x69 },
    { "iff", M_BREAK, 0 }, { "implies", M_BREAK, 0 }, { "in", M_BREAK, 0 },
    { "infty", M_BREAK, 0 }, { "int", M_BREAK, 0 }, { "iota", M_CHAR, 0x3B9 },
    { "it", M_DROP, 0 }, { "itshape", M_DROP, 0 }, { "j", M_LETTER, 0x6A },
    { "k", M_ACCENT, 0 }, { "kappa", M_CHAR, 0x3BA }, { "l", M_LETTER, 0x142 },
    { "lVert", M_BREAK, 0 }, { "label", M_DROP, 0 },
    { "lambda", M_CHAR, 0x3BB }, { "land", M_BREAK, 0 },
    { "langle", M_BREAK, 0 }, { "large", M_DROP, 0 }, { "lceil", M_BREAK, 0 },
    { "ldots", M_BREAK, 0 }, { "le", M_BREAK, 0 }, { "left", M_DROP, 0 },
    { "leftarrow", M_BREAK, 0 }, { "leftrightarrow", M_BREAK, 0 },
    { "leq", M_BREAK, 0 }, { "lfloor", M_BREAK, 0 }, { "limits", M_DROP, 0 },
    { "linebreak", M_BREAK, 0 }, { "ll", M_BREAK, 0 },
    { "longrightarrow", M_BREAK, 0 }, { "lor", M_BREAK, 0 },
    { "lvert", M_BREAK, 0 }, { "mapsto", M_BREAK, 0 }, { "mathbb", M_DROP, 0 },
    { "mathbf", M_DROP, 0 }, { "mathcal", M_DROP, 0 },
    { "mathfrak", M_DROP, 0 }, { "mathit", M_DROP, 0 },
    { "mathnormal", M_DROP, 0 }, { "mathring", M_DROP, 0 },
    { "mathrm", M_DROP, 0 }, { "mathscr", M_DROP, 0 }, { "mathsf", M_DROP, 0 },
    { "mathtt", M_DROP, 0 }, { "mbox", M_DROP, 0 }, { "mdseries", M_DROP, 0 },
    { "mid", M_BREAK, 0 }, { "mp", M_BREAK, 0 }, { "mu", M_CHAR, 0x3BC },
    { "nabla", M_BREAK, 0 }, { "ne", M_BREAK, 0 }, { "neg", M_BREAK, 0 },
    { "neq", M_BREAK, 0 }, { "newline", M_BREAK, 0 }, { "ng", M_LETTER, 0x14B },
    { "ni", M_BREAK, 0 }, { "noindent", M_DROP, 0 }, { "nolimits", M_DROP, 0 },
    { "normalfont", M_DROP, 0 }, { "normalsize", M_DROP, 0 },
    { "notin", M_BREAK, 0 }, { "nu", M_CHAR, 0x3BD }, { "o", M_LETTER, 0xF8 },
    { "oe", M_LETTER, 0x153 }, { "oint", M_BREAK, 0 },
    { "omega", M_CHAR, 0x3C9 }, { "omicron", M_CHAR, 0x3BF },
    { "operatorname", M_DROP, 0 }, { "oplus", M_BREAK, 0 },
    { "otimes", M_BREAK, 0 }, { "overbrace", M_DROP, 0 },
    { "overline", M_DROP, 0 }, { "par", M_BREAK, 0 },
    { "parallel", M_BREAK, 0 }, { "partial", M_BREAK, 0 },
    { "perp", M_BREAK, 0 }, { "phi", M_CHAR, 0x3C6 }, { "pi", M_CHAR, 0x3C0 },
    { "pm", M_BREAK, 0 }, { "prec", M_BREAK, 0 }, { "preceq", M_BREAK, 0 },
    { "prime", M_BREAK, 0 }, { "prod", M_BREAK, 0 }, { "propto", M_BREAK, 0 },
    { "protect", M_DROP, 0 }, { "psi", M_CHAR, 0x3C8 }, { "qquad", M_BREAK, 0 },
    { "quad", M_BREAK, 0 }, { "r", M_ACCENT, 0 }, { "rVert", M_BREAK, 0 },
    { "rangle", M_BREAK, 0 }, { "rceil", M_BREAK, 0 }, { "ref", M_DROP, 0 },
    { "relax", M_DROP, 0 }, { "rfloor", M_BREAK, 0 }, { "rho", M_CHAR, 0x3C1 },
    { "right", M_DROP, 0 }, { "rightarrow", M_BREAK, 0 }, { "rm", M_DROP, 0 },
    { "rmfamily", M_DROP, 0 }, { "rvert", M_BREAK, 0 }, { "sc", M_DROP, 0 },
    { "scriptsize", M_DROP, 0 }, { "scriptstyle", M_DROP, 0 },
    { "scshape", M_DROP, 0 }, { "setminus", M_BREAK, 0 }, { "sf", M_DROP, 0 },
    { "sffamily", M_DROP, 0 }, { "sigma", M_CHAR, 0x3C3 },
    { "sim", M_BREAK, 0 }, { "simeq", M_BREAK, 0 }, { "sl", M_DROP, 0 },
    { "small", M_DROP, 0 }, { "sqrt", M_BREAK, 0 }, { "ss", M_LETTER, 0xDF },
    { "star", M_BREAK, 0 }, { "subset", M_BREAK, 0 },
    { "subseteq", M_BREAK, 0 }, { "succ", M_BREAK, 0 },
    { "succeq", M_BREAK, 0 }, { "sum", M_BREAK, 0 }, { "supset", M_BREAK, 0 },
    { "supseteq", M_BREAK, 0 }, { "t", M_ACCENT, 0 }, { "tau", M_CHAR, 0x3C4 },
    { "text", M_DROP, 0 }, { "textasciicircum", M_CHAR, 0x5E },
    { "textasciitilde", M_BREAK, 0 }, { "textbar", M_BREAK, 0 },
    { "textbf", M_DROP, 0 }, { "textbullet", M_BREAK, 0 },
    { "textemdash", M_BREAK, 0 }, { "textendash", M_BREAK, 0 },
    { "textit", M_DROP, 0 }, { "textmd", M_DROP, 0 },
    { "textnormal", M_DROP, 0 }, { "textquoteleft", M_CHAR, 0x2018 },
    { "textquoteright", M_CHAR, 0x2019 }, { "textrm", M_DROP, 0 },
    { "textsc", M_DROP, 0 }, { "textsf", M_DROP, 0 }, { "textsl", M_DROP, 0 },
    { "textstyle", M_DROP, 0 }, { "textsubscript", M_DROP, 0 },
    { "textsuperscript", M_DROP, 0 }, { "texttt", M_DROP, 0 },
    { "textup", M_DROP, 0 }, { "tfrac", M_BREAK, 0 }, { "th", M_LETTER, 0xFE },
    { "theta", M_CHAR, 0x3B8 }, { "tilde", M_DROP, 0 }, { "times", M_BREAK, 0 },
    { "tiny", M_DROP, 0 }, { "to", M_BREAK, 0 }, { "top", M_BREAK, 0 },
    { "triangle", M_BREAK, 0 }, { "tt", M_DROP, 0 }, { "ttfamily", M_DROP, 0 },
    { "u", M_ACCENT, 0 }, { "underbrace", M_DROP, 0 },
    { "underline", M_DROP, 0 }, { "uparrow", M_BREAK, 0 },
    { "upshape", M_DROP, 0 }, { "upsilon", M_CHAR, 0x3C5 },
    { "url", M_DROP, 0 }, { "v", M_ACCENT, 0 }, { "varepsilon", M_CHAR, 0x3B5 },
    { "varkappa", M_CHAR, 0x3BA }, { "varphi", M_CHAR, 0x3C6 },
    { "varpi", M_CHAR, 0x3C0 }, { "varrho", M_CHAR, 0x3C1 },
    { "varsigma", M_CHAR, 0x3C2 }, { "vartheta", M_CHAR, 0x3B8 },
    { "vdots", M_BREAK, 0 }, { "vec", M_DROP, 0 }, { "vee", M_BREAK, 0 },
    { "vert", M_BREAK, 0 }, { "vspace", M_BREAK, 0 }, { "wedge", M_BREAK, 0 },
    { "widehat", M_DROP, 0 }, { "widetilde", M_DROP, 0 },
    { "xi", M_CHAR, 0x3BE }, { "xspace", M_DROP, 0 }, { "zeta", M_CHAR, 0x3B6 },
};

#define MACRO_NAME_MAX 15

static int macro_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const macro *)elem)->name);
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t skip_spaces(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] == ' ')
        i++;
    return i;
}

/* A control word: s[0..n) are its letters.  Returns the bytes used. */
static size_t key_macro(keyer *k, const char *s, size_t len, size_t n)
{
    char name[MACRO_NAME_MAX + 1];
    memcpy(name, s, n);
    name[n] = '\0';
    const macro *m = bsearch(name, macros, sizeof macros / sizeof macros[0],
                             sizeof macros[0], macro_cmp);
    if (m == NULL) {
        /* "\log", "\max": the name is the text a reader sees. */
        key_break(k);
        for (size_t i = 0; i < n; i++)
            key_ascii(k, (unsigned char)s[i]);
        key_break(k);
        return n;
    }
    switch (m->kind) {
    case M_DROP:
        return n;
    case M_BREAK:
        key_break(k);
        return n;
    case M_ACCENT:
        return skip_spaces(s, len, n);
    case M_LETTER:
        key_cp(k, m->cp);
        return skip_spaces(s, len, n);
    case M_CHAR:
        key_cp(k, m->cp);
        return n;
    }
    return n;
}

/* s[0] is a backslash.  Returns the bytes used (at least 1). */
static size_t key_latex(keyer *k, const char *s, size_t len)
{
    if (len < 2)
        return 1;
    size_t n = 1;
    while (n < len && n <= MACRO_NAME_MAX + 1 && is_alpha((unsigned char)s[n]))
        n++;
    size_t name_len = n - 1;
    if (name_len > MACRO_NAME_MAX)
        return 1;   /* too long for a macro: drop the backslash, keep the text */
    if (name_len > 0)
        return 1 + key_macro(k, s + 1, len - 1, name_len);
    /* A control symbol; the character may be written as an entity
     * ("\&amp;" is "\&" escaped for HTML). */
    uint32_t c = pgi_char_next(s + 1, len - 1, &n);
    switch (c) {
    case '\'': case '"': case '`': case '^': case '~': case '=': case '.':
    case '-': case '@': case '/':
        return 1 + n;   /* accents (stripped anyway), \- \@ \/ */
    case '\\': case ',': case ';': case ':': case '!': case ' ':
        key_break(k);   /* line break and spacing commands */
        return 1 + n;
    case '&': case '%': case '#': case '_': case '{': case '}': case '$':
        key_ascii(k, (unsigned char)c);
        return 1 + n;
    default:
        return 1;       /* a lone backslash: dropped */
    }
}

/* The fast path: a run of ASCII bytes without '&', '\\' or '}', written
 * straight into the buffer.  Its output is at most one byte per input byte
 * plus the pending space, so one reservation covers it.  Returns the bytes
 * used. */
static size_t key_ascii_run(keyer *k, const char *s, size_t len)
{
    pg_buf *b = k->out;
    if (pg_buf_reserve(b, len + 1) != PG_OK) {
        k->rc = PG_ERR_NOMEM;
        return len;
    }
    char *o = b->data + b->len;
    int state = k->state;
    size_t i = 0;
    for (; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80)
            break;
        unsigned char cls = ascii_class[c];
        if (cls == C_WORD) {
            if (state == K_GAP)
                *o++ = ' ';
            state = K_WORD;
            *o++ = (char)(c | 0x20);    /* lower case; digits have the bit */
        } else if (cls == C_BREAK) {
            if (state == K_WORD)
                state = K_GAP;
        } else if (cls == C_SLOW) {
            break;
        }
    }
    b->len = (size_t)(o - b->data);
    k->state = state;
    return i;
}

/* A byte the ASCII table does not handle: '&', '\\', '}' or non-ASCII. */
static size_t key_slow(keyer *k, const char *s, size_t len)
{
    if (s[0] == '\\')
        return key_latex(k, s, len);
    if (s[0] == '}') {
        /* "\frac{1}{2}", "\href{url}{text}": two arguments, two words. */
        if (len > 1 && s[1] == '{')
            key_break(k);
        return 1;
    }
    size_t n;
    uint32_t cp = pgi_char_next(s, len, &n);
    key_cp(k, cp);
    return n;
}

pg_err pg_normalize_key(const char *s, size_t len, pg_buf *out)
{
    size_t start = out->len;
    keyer k = { out, K_START, PG_OK };
    size_t i = 0;
    while (i < len && k.rc == PG_OK) {
        i += key_ascii_run(&k, s + i, len - i);
        if (i < len && k.rc == PG_OK)
            i += key_slow(&k, s + i, len - i);
    }
    if (k.rc == PG_OK && pg_buf_reserve(out, 0) != PG_OK)
        k.rc = PG_ERR_NOMEM;    /* empty text into an empty buffer */
    if (k.rc != PG_OK)
        out->len = start;
    if (out->data != NULL)
        out->data[out->len] = '\0';
    return k.rc;
}

/* ------------------------------------------------------------------ */
/* Display text                                                        */

/* White space for display purposes: ASCII, NEL and the Unicode spaces. */
static int is_space(uint32_t cp)
{
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0
        || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028
        || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Controls are invisible junk from copy and paste; a BOM inside a text is
 * one file's header glued to another's. */
static int is_dropped(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFEFF;
}

static int is_plain_ascii(unsigned char c)
{
    return c > 0x20 && c < 0x7F && c != '&';
}

pg_err pg_normalize_display(const char *s, size_t len, pg_buf *out)
{
    size_t start = out->len;
    int gap = 0;
    pg_err rc = pg_buf_reserve(out, len);
    size_t i = 0;
    while (i < len && rc == PG_OK) {
        size_t n = 0;
        uint32_t cp = 0;
        while (i + n < len && is_plain_ascii((unsigned char)s[i + n]))
            n++;
        int run = n > 0;    /* a run of plain ASCII is copied as is */
        if (!run) {
            cp = pgi_char_next(s + i, len - i, &n);
            if (is_space(cp) || is_dropped(cp)) {
                gap |= is_space(cp);
                i += n;
                continue;
            }
        }
        if (gap && out->len > start)
            rc = pg_buf_putc(out, ' ');
        gap = 0;
        if (rc == PG_OK && run) {
            rc = pg_buf_append(out, s + i, n);
        } else if (rc == PG_OK) {
            char u[4];
            rc = pg_buf_append(out, u, pgr_utf8_encode(cp, u));
        }
        i += n;
    }
    if (rc != PG_OK)
        out->len = start;
    if (out->data)
        out->data[out->len] = '\0';
    return rc;
}

/* ------------------------------------------------------------------ */
/* Truncation                                                          */

/* Bytes of white space (ASCII or a UTF-8 encoded Unicode space) that end
 * s[0..len); 0 when it does not end with white space. */
static size_t trailing_space(const char *s, size_t len)
{
    /* Step back over continuation bytes to the last character's start. */
    size_t i = len;
    while (i > 0 && len - i < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return 0;
    i--;
    size_t n;
    uint32_t cp = pgr_utf8_decode(s + i, len - i, &n);
    return i + n == len && is_space(cp) ? n : 0;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

int pg_text_is_truncated(const char *s, size_t len)
{
    static const char *const markers[] = {
        "...", "\xE2\x80\xA6", "&hellip;", "&#8230;", "&#x2026;",
        "[...]", "(...)", "[\xE2\x80\xA6]", "(\xE2\x80\xA6)",
    };
    size_t n;
    while (len > 0 && (n = trailing_space(s, len)) > 0)
        len -= n;
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++)
        if (ends_with(s, len, markers[i]))
            return 1;
    return 0;
}
