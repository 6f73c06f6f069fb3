/*
** test_normalize.c: unit tests of pg_normalize_key(), pg_normalize_display()
** and pg_text_is_truncated().
**
** Table-driven.  The key rows show what each rule does to one input; the
** "same" rows are pairs of spellings of one text that must share a key, one
** pair (at least) for every kind of variation FORMAT.md lists under "What
** repeats" (white space, case, curly quotes, ligatures, NBSP, decomposed
** accents, HTML entities, LaTeX remnants, truncation); the "differ" rows
** are texts that must keep distinct keys.  Hostile inputs come last: they
** must not crash and must still give well-formed keys.  The character
** decoders of entities.c (internal) are tested first, since every function
** here reads text through them.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/internal.h"
#include "check.h"

/* UTF-8 spelled out so the table says which bytes are tested. */
#define E_ACUTE     "\xC3\xA9"          /* é precomposed */
#define E_COMBINING "e\xCC\x81"         /* e + U+0301 */
#define NBSP        "\xC2\xA0"
#define THIN        "\xE2\x80\x89"      /* U+2009 */
#define ZWSP        "\xE2\x80\x8B"      /* U+200B */
#define IDEO_SPACE  "\xE3\x80\x80"      /* U+3000 */
#define RSQUO       "\xE2\x80\x99"      /* ’ */
#define LSQUO       "\xE2\x80\x98"      /* ‘ */
#define LDQUO       "\xE2\x80\x9C"      /* “ */
#define RDQUO       "\xE2\x80\x9D"      /* ” */
#define ELLIPSIS    "\xE2\x80\xA6"      /* … */
#define EN_DASH     "\xE2\x80\x93"
#define EM_DASH     "\xE2\x80\x94"
#define HYPHEN      "\xE2\x80\x90"      /* U+2010 */
#define NB_HYPHEN   "\xE2\x80\x91"      /* U+2011 */
#define SHY         "\xC2\xAD"
#define FI_LIG      "\xEF\xAC\x81"      /* ﬁ */
#define FFL_LIG     "\xEF\xAC\x84"      /* ﬄ */
#define ALPHA       "\xCE\xB1"          /* α */
#define PHI_LOWER   "\xCF\x86"          /* φ */
#define FFFD        "\xEF\xBF\xBD"

/* ------------------------------------------------------------------ */
/* entities.c                                                          */

typedef struct entity_case {
    const char *name;
    uint32_t cp;
} entity_case;

/* The references scraped abstracts commonly use. */
static const entity_case named_cases[] = {
    { "amp", 0x26 }, { "lt", 0x3C }, { "gt", 0x3E }, { "quot", 0x22 },
    { "apos", 0x27 }, { "nbsp", 0xA0 }, { "ndash", 0x2013 },
    { "mdash", 0x2014 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
    { "ldquo", 0x201C }, { "rdquo", 0x201D }, { "sbquo", 0x201A },
    { "bdquo", 0x201E }, { "hellip", 0x2026 }, { "laquo", 0xAB },
    { "raquo", 0xBB }, { "copy", 0xA9 }, { "reg", 0xAE }, { "trade", 0x2122 },
    { "deg", 0xB0 }, { "plusmn", 0xB1 }, { "times", 0xD7 },
    { "divide", 0xF7 }, { "middot", 0xB7 }, { "bull", 0x2022 },
    { "prime", 0x2032 }, { "Prime", 0x2033 }, { "micro", 0xB5 },
    { "para", 0xB6 }, { "sect", 0xA7 }, { "shy", 0xAD }, { "thinsp", 0x2009 },
    { "ensp", 0x2002 }, { "emsp", 0x2003 }, { "zwj", 0x200D },
    { "zwnj", 0x200C }, { "eacute", 0xE9 }, { "uuml", 0xFC },
    { "ntilde", 0xF1 }, { "ccedil", 0xE7 }, { "szlig", 0xDF },
    { "aring", 0xE5 }, { "oslash", 0xF8 }, { "aelig", 0xE6 },
    { "Aring", 0xC5 }, { "AElig", 0xC6 }, { "alpha", 0x3B1 },
    { "omega", 0x3C9 }, { "Alpha", 0x391 }, { "Omega", 0x3A9 },
    { "sigmaf", 0x3C2 }, { "le", 0x2264 }, { "ge", 0x2265 }, { "ne", 0x2260 },
    { "asymp", 0x2248 }, { "infin", 0x221E }, { "sum", 0x2211 },
    { "minus", 0x2212 }, { "larr", 0x2190 }, { "rarr", 0x2192 },
    { "harr", 0x2194 },
};

/* Every name of the table: each must be found, which also proves the
 * table is sorted the way bsearch() needs. */
static const char *const all_names[] = {
    "AElig", "Aacute", "Acirc", "Agrave", "Alpha", "Aring", "Atilde", "Auml",
    "Beta", "Ccedil", "Chi", "Dagger", "Delta", "ETH", "Eacute", "Ecirc",
    "Egrave", "Epsilon", "Eta", "Euml", "Gamma", "Iacute", "Icirc", "Igrave",
    "Iota", "Iuml", "Kappa", "Lambda", "Mu", "Ntilde", "Nu", "OElig",
    "Oacute", "Ocirc", "Ograve", "Omega", "Omicron", "Oslash", "Otilde",
    "Ouml", "Phi", "Pi", "Prime", "Psi", "Rho", "Scaron", "Sigma", "THORN",
    "Tau", "Theta", "Uacute", "Ucirc", "Ugrave", "Upsilon", "Uuml", "Xi",
    "Yacute", "Yuml", "Zeta", "aacute", "acirc", "acute", "aelig", "agrave",
    "alefsym", "alpha", "amp", "and", "ang", "apos", "aring", "asymp",
    "atilde", "auml", "bdquo", "beta", "brvbar", "bull", "cap", "ccedil",
    "cedil", "cent", "chi", "circ", "clubs", "cong", "copy", "crarr", "cup",
    "curren", "dArr", "dagger", "darr", "deg", "delta", "diams", "divide",
    "eacute", "ecirc", "egrave", "empty", "emsp", "ensp", "epsilon", "equiv",
    "eta", "eth", "euml", "euro", "exist", "fnof", "forall", "frac12",
    "frac14", "frac34", "frasl", "gamma", "ge", "gt", "hArr", "harr",
    "hearts", "hellip", "iacute", "icirc", "iexcl", "igrave", "image",
    "infin", "int", "iota", "iquest", "isin", "iuml", "kappa", "lArr",
    "lambda", "lang", "laquo", "larr", "lceil", "ldquo", "le", "lfloor",
    "lowast", "loz", "lrm", "lsaquo", "lsquo", "lt", "macr", "mdash", "micro",
    "middot", "minus", "mu", "nabla", "nbsp", "ndash", "ne", "ni", "not",
    "notin", "nsub", "ntilde", "nu", "oacute", "ocirc", "oelig", "ograve",
    "oline", "omega", "omicron", "oplus", "or", "ordf", "ordm", "oslash",
    "otilde", "otimes", "ouml", "para", "part", "permil", "perp", "phi", "pi",
    "piv", "plusmn", "pound", "prime", "prod", "prop", "psi", "quot", "rArr",
    "radic", "rang", "raquo", "rarr", "rceil", "rdquo", "real", "reg",
    "rfloor", "rho", "rlm", "rsaquo", "rsquo", "sbquo", "scaron", "sdot",
    "sect", "shy", "sigma", "sigmaf", "sim", "spades", "sub", "sube", "sum",
    "sup", "sup1", "sup2", "sup3", "supe", "szlig", "tau", "there4", "theta",
    "thetasym", "thinsp", "thorn", "tilde", "times", "trade", "uArr",
    "uacute", "uarr", "ucirc", "ugrave", "uml", "upsih", "upsilon", "uuml",
    "weierp", "xi", "yacute", "yen", "yuml", "zeta", "zwj", "zwnj",
};

typedef struct ref_case {
    const char *in;
    size_t used;        /* 0: not a reference */
    uint32_t cp;
} ref_case;

static const ref_case ref_cases[] = {
    { "&#39;", 5, 0x27 },
    { "&#00039;s", 8, 0x27 },
    { "&#x2019;", 8, 0x2019 },
    { "&#X2019;", 8, 0x2019 },
    { "&#xe9;", 6, 0xE9 },
    { "&#1114111;", 10, 0x10FFFF },
    { "&#x1F600;", 9, 0x1F600 },
    { "&#0;", 4, 0xFFFD },
    { "&#xD800;", 8, 0xFFFD },
    { "&#57343;", 8, 0xFFFD },
    { "&#x110000;", 10, 0xFFFD },
    { "&#99999999999999999999999;", 26, 0xFFFD },
    { "&#150;", 6, 0x2013 },         /* Windows-1252 en dash */
    { "&#146;", 6, 0x2019 },
    { "&#129;", 6, 0x81 },           /* a hole in Windows-1252: kept */
    { "&amp;amp;", 5, '&' },
    { "&amp", 0, 0 },
    { "&", 0, 0 },
    { "&;", 0, 0 },
    { "&#;", 0, 0 },
    { "&#x;", 0, 0 },
    { "&#12", 0, 0 },
    { "&#-1;", 0, 0 },
    { "&#x12G;", 0, 0 },
    { "&Amp;", 0, 0 },
    { "&foo;", 0, 0 },
    { "&am p;", 0, 0 },
    { "&averyveryverylongname;", 0, 0 },
    { "&copy 2024", 0, 0 },
    { "x&amp;", 0, 0 },
};

typedef struct utf8_case {
    const char *in;
    size_t len;
    uint32_t cp;
    size_t used;
} utf8_case;

static const utf8_case utf8_cases[] = {
    { "a", 1, 'a', 1 },
    { "\xC3\xA9", 2, 0xE9, 2 },
    { "\xE2\x80\x99", 3, 0x2019, 3 },
    { "\xF0\x9F\x98\x80", 4, 0x1F600, 4 },
    { "\xF4\x8F\xBF\xBF", 4, 0x10FFFF, 4 },
    { "\x80", 1, 0xFFFD, 1 },            /* stray continuation */
    { "\xC0\x80", 2, 0xFFFD, 1 },        /* overlong NUL */
    { "\xC1\xBF", 2, 0xFFFD, 1 },
    { "\xE0\x80\xAF", 3, 0xFFFD, 1 },    /* overlong '/' */
    { "\xED\xA0\x80", 3, 0xFFFD, 1 },    /* surrogate */
    { "\xF4\x90\x80\x80", 4, 0xFFFD, 1 },/* beyond U+10FFFF */
    { "\xF5\x80\x80\x80", 4, 0xFFFD, 1 },
    { "\xE2\x80", 2, 0xFFFD, 2 },        /* truncated by the length: */
    { "\xE2\x80\x99", 2, 0xFFFD, 2 },    /* one maximal subpart */
    { "\xC3(", 2, 0xFFFD, 1 },
    { "\xFF", 1, 0xFFFD, 1 },
};

static void test_entities(void)
{
    char ref[40];
    uint32_t cp;
    for (size_t i = 0; i < sizeof named_cases / sizeof named_cases[0]; i++) {
        snprintf(ref, sizeof ref, "&%s;", named_cases[i].name);
        cp = 0;
        CHECK_INT(pgi_entity_decode(ref, strlen(ref), &cp), strlen(ref));
        CHECK_INT(cp, named_cases[i].cp);
    }
    for (size_t i = 0; i < sizeof all_names / sizeof all_names[0]; i++) {
        snprintf(ref, sizeof ref, "&%s;", all_names[i]);
        CHECK_INT(pgi_entity_decode(ref, strlen(ref), &cp), strlen(ref));
        /* Cut one byte short, the reference is incomplete. */
        CHECK_INT(pgi_entity_decode(ref, strlen(ref) - 1, &cp), 0);
    }
    for (size_t i = 0; i < sizeof ref_cases / sizeof ref_cases[0]; i++) {
        const ref_case *c = &ref_cases[i];
        cp = 0;
        size_t used = pgi_entity_decode(c->in, strlen(c->in), &cp);
        CHECK_INT(used, c->used);
        if (c->used)
            CHECK_INT(cp, c->cp);
        if (used != c->used)
            fprintf(stderr, "    input: \"%s\"\n", c->in);
    }
    for (size_t i = 0; i < sizeof utf8_cases / sizeof utf8_cases[0]; i++) {
        const utf8_case *c = &utf8_cases[i];
        size_t used = 0;
        CHECK_INT(pgr_utf8_decode(c->in, c->len, &used), c->cp);
        CHECK_INT(used, c->used);
    }
    static const uint32_t round_trip[] = { 0, 'a', 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF,
                                           0x10000, 0x10FFFF };
    for (size_t i = 0; i < sizeof round_trip / sizeof round_trip[0]; i++) {
        char u[4];
        size_t n = pgr_utf8_encode(round_trip[i], u), used = 0;
        CHECK_INT(pgr_utf8_decode(u, n, &used), round_trip[i]);
        CHECK_INT(used, n);
    }
    char u[4];
    CHECK_INT(pgr_utf8_encode(0xD800, u), 3);
    CHECK(memcmp(u, FFFD, 3) == 0);
    CHECK_INT(pgr_utf8_encode(0x110000, u), 3);
    size_t n = 0;
    CHECK_INT(pgi_char_next("&eacute;x", 9, &n), 0xE9);
    CHECK_INT(n, 8);
    CHECK_INT(pgi_char_next("&eacute", 7, &n), '&');
    CHECK_INT(n, 1);
    CHECK_INT(pgi_char_next("\xC3\xA9", 2, &n), 0xE9);
    CHECK_INT(n, 2);
}

/* ------------------------------------------------------------------ */
/* Keys                                                                */

typedef struct text_case {
    const char *in;
    const char *want;
} text_case;

static const text_case key_cases[] = {
    /* White space and case. */
    { "", "" },
    { "Hello,   World!", "hello world" },
    { "  \t leading and trailing \r\n ", "leading and trailing" },
    { "MiXeD CaSe", "mixed case" },
    { "a" NBSP "b" THIN "c" ZWSP "d" IDEO_SPACE "e", "a b c d e" },
    /* Punctuation, dashes, hyphens. */
    { "State-of-the-Art", "state of the art" },
    { "state" EN_DASH "of" EM_DASH "the" HYPHEN "art" NB_HYPHEN "x", "state of the art x" },
    { "a--b---c", "a b c" },
    { "Title: A Study (Part 2) [v3]", "title a study part 2 v3" },
    { "e.g. 3.14 and 50% ~ 2x", "e g 3 14 and 50 2x" },
    { "AT&T", "at t" },
    { "under_score/slash|pipe", "under score slash pipe" },
    /* Apostrophes and quotes. */
    { "Guerra's", "guerras" },
    { "Guerra" RSQUO "s", "guerras" },
    { "don't", "dont" },
    { "``quoted'' and " LDQUO "curly" RDQUO " and " LSQUO "single" RSQUO, "quoted and curly and single" },
    { "models' outputs", "models outputs" },
    /* Unicode folding. */
    { FI_LIG "ne-tuning", "fine tuning" },
    { "e" FFL_LIG "uent", "effluent" },
    { "\xEF\xBC\xA1\xEF\xBD\x94\xEF\xBD\x94\xEF\xBD\x85\xEF\xBD\x8E\xEF\xBD\x94", "attent" },
    { "\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93", "123" },
    { "Stra\xC3\x9F" "e", "strasse" },
    { "caf" E_ACUTE, "cafe" },
    { "caf" E_COMBINING, "cafe" },
    { "\xC3\x9C" "ber na\xC3\xAF" "ve r\xC3\xA9sum\xC3\xA9", "uber naive resume" },
    { "\xC4\xB0stanbul", "istanbul" },
    { "x\xC2\xB2 \xE2\x85\xAB", "x2 xii" },
    { "soft" SHY "hyphen zero" "\xE2\x80\x8D" "joiner", "softhyphen zerojoiner" },
    { "\xCE\xA6" "ID", PHI_LOWER "id" },
    { "\xC2\xB5m", "\xCE\xBCm" },
    { "emoji \xF0\x9F\x98\x80 here", "emoji here" },
    { "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 \xE6\x97\xA5\xE6\x9C\xAC", "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 \xE6\x97\xA5\xE6\x9C\xAC" },
    { "invalid \xFF\xFE bytes \xC3", "invalid bytes" },
    /* HTML entities. */
    { "caf&eacute; &amp; th&eacute;", "cafe the" },
    { "caf&#233; caf&#xE9; caf&#XE9;", "cafe cafe cafe" },
    { "Guerra&#39;s Guerra&rsquo;s Guerra&apos;s Guerra&#146;s", "guerras guerras guerras guerras" },
    { "a&nbsp;b&ndash;c&mdash;d&hellip;", "a b c d" },
    { "&alpha;-stable &Omega;", ALPHA " stable \xCF\x89" },
    { "&unknown; &amp &", "unknown amp" },
    { "&lt;b&gt;bold&lt;/b&gt;", "b bold b" },
    /* LaTeX remnants. */
    { "$\\alpha$-stable", ALPHA " stable" },
    { "$O(n^2)$", "o n 2" },
    { "$O(n \\log n)$", "o n log n" },
    { "\\textbf{Mamba} model", "mamba model" },
    { "\\emph{x} and {\\em replica symmetry} {\\it viz}", "x and replica symmetry viz" },
    { "$\\mathcal{L}_{\\text{total}}$", "l total" },
    { "G\\\"{o}del, G\\\"odel, Schr\\\"odinger", "godel godel schrodinger" },
    { "\\'Ecole Fran\\c{c}aise, Erd\\H{o}s, \\v Cech", "ecole francaise erdos cech" },
    { "Stra\\ss e, \\O{}rsted, \\AA ngstr\\\"om", "strasse \xC3\xB8rsted angstrom" },
    { "R\\&D, R&amp;D, R\\&amp;D", "r d r d r d" },
    { "{B}ERT and {{GPT}}-4", "bert and gpt 4" },
    { "$x \\times y \\leq z$", "x y z" },
    { "$\\frac{1}{2}$ and \\href{url}{text}", "1 2 and url text" },
    { "$\\Phi$ID", PHI_LOWER "id" },
    { "gated\\_attention 100\\% \\#1", "gated attention 100 1" },
    { "line\\\\break a\\,b", "line break a b" },
    { "hy\\-phen\\-ation", "hyphenation" },
    { "\\unknownmacro{arg}", "unknownmacro arg" },
    { "\\averyveryverylongmacroname", "averyveryverylongmacroname" },
    /* Truncation markers vanish. */
    { "We propose a nov...", "we propose a nov" },
    { "We propose a nov" ELLIPSIS, "we propose a nov" },
    { "We propose [...]", "we propose" },
    { "We propose (" ELLIPSIS ")  ", "we propose" },
    /* Hostile or degenerate. */
    { "...!?", "" },
    { "&#0;&#x110000;&#xD800;&#55296;", "" },
    { "&#99999999999999999999;", "" },
    { "&#;&#x;&#xZZ;", "x xzz" },
    { "tail &", "tail" },
    { "tail &#", "tail" },
    { "tail &#x41", "tail x41" },
    { "$\\alpha", ALPHA },
    { "}}}{{{", "" },
    { "\\", "" },
    { "a\\", "a" },
    { "\\\\\\", "" },
    { "$$$", "" },
};

/* Pairs of spellings that must share a key. */
static const text_case same_cases[] = {
    { "Attention Is All You Need", "attention   is all\tyou NEED" },
    { "Guerra's model", "Guerra" RSQUO "s model" },
    { "Guerra's model", "Guerras model" },
    { "Guerra&#39;s model", "Guerra&rsquo;s model" },
    { FI_LIG "ne-grained", "fine grained" },
    { "a" NBSP "b", "a b" },
    { "caf" E_ACUTE, "caf" E_COMBINING },
    { "caf&eacute;", "caf" E_ACUTE },
    { "r" E_ACUTE "sum" E_ACUTE, "resume" },
    { "state-of-the-art", "state of the art" },
    { "state-of-the-art", "state" EN_DASH "of" EN_DASH "the" EN_DASH "art" },
    { "$\\alpha$-stable", ALPHA "-stable" },
    { "$\\alpha$-stable", "&alpha;-stable" },
    { "\\textbf{Mamba}", "Mamba" },
    { "G\\\"odel", "G" "\xC3\xB6" "del" },
    { "$\\rho$ = 0.18", "\xCF\x81= 0.18" },
    { "\xE2\x80\x9CQuoted\xE2\x80\x9D", "\"quoted\"" },
    { "Full text.", "Full text" ELLIPSIS },
    { "Straße", "STRASSE" },
    { "\xEF\xBC\xA1\xEF\xBC\xA9", "AI" },
    { "line one\r\nline two", "line one line two" },
};

/* Texts that must keep distinct keys. */
static const text_case differ_cases[] = {
    { "attention is all you need", "attention is not all you need" },
    { "graph neural network", "graph neural networks" },
    { "resume", "resumes" },
    { "state of the art", "stateoftheart" },
    { "a b", "ab" },
    { "model 1", "model 2" },
    { "1.5", "15" },
    { "\xC3\xB8rsted", "orsted" },      /* ø is a letter of its own */
    { ALPHA, "a" },
    { "x", "" },
};

static char *key_of(const char *s)
{
    pg_buf b = PG_BUF_INIT;
    if (pg_normalize_key(s, strlen(s), &b) != PG_OK) {
        pg_buf_release(&b);
        return NULL;
    }
    return pg_buf_detach(&b);
}

/* A key is words of letters and digits separated by single spaces: no
 * leading, trailing or double space, no ASCII punctuation or upper case. */
static int key_well_formed(const char *k, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if (c == ' ' && (i == 0 || i + 1 == n || k[i + 1] == ' '))
            return 0;
        if (c < 0x80 && c != ' ' && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

static void test_key_table(void)
{
    for (size_t i = 0; i < sizeof key_cases / sizeof key_cases[0]; i++) {
        const text_case *c = &key_cases[i];
        char *k = key_of(c->in);
        CHECK_STR(k, c->want);
        if (k == NULL || strcmp(k, c->want) != 0)
            fprintf(stderr, "    input: \"%s\"\n", c->in);
        /* A key's key is itself. */
        char *kk = k ? key_of(k) : NULL;
        CHECK_STR(kk, c->want);
        CHECK(k != NULL && key_well_formed(k, strlen(k)));
        free(kk);
        free(k);
    }
}

static void test_key_pairs(void)
{
    for (size_t i = 0; i < sizeof same_cases / sizeof same_cases[0]; i++) {
        char *a = key_of(same_cases[i].in), *b = key_of(same_cases[i].want);
        CHECK(a != NULL && b != NULL && a[0] != '\0');
        CHECK_STR(a, b);
        free(a);
        free(b);
    }
    for (size_t i = 0; i < sizeof differ_cases / sizeof differ_cases[0]; i++) {
        char *a = key_of(differ_cases[i].in), *b = key_of(differ_cases[i].want);
        CHECK(a != NULL && b != NULL && strcmp(a, b) != 0);
        if (a && b && strcmp(a, b) == 0)
            fprintf(stderr, "    both \"%s\"\n", a);
        free(a);
        free(b);
    }
}

/* The key of a text cut anywhere and marked as truncated is a byte prefix
 * of the full text's key: what containment matching relies on. */
static void test_key_truncation_prefix(void)
{
    static const char *const texts[] = {
        "We propose a state-of-the-art method for Guerra's problem, which "
        "reaches 95.2% accuracy (vs. 90.1%) on the benchmark.",
        "Caf" E_ACUTE " na" "\xC3\xAF" "ve r" E_COMBINING "sum" E_ACUTE " \xE2\x80\x94 "
        FI_LIG "ne-tuning Stra\xC3\x9F" "e " ALPHA "-stable " RSQUO "quoted" RSQUO,
    };
    static const char *const markers[] = { "...", ELLIPSIS, " [...]", " (" ELLIPSIS ")" };
    pg_buf cut = PG_BUF_INIT;
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        const char *full = texts[t];
        char *fk = key_of(full);
        size_t n = strlen(full);
        for (size_t at = 0; at <= n; at++) {
            if (((unsigned char)full[at] & 0xC0) == 0x80)
                continue;   /* inside a UTF-8 sequence */
            if (full[at] == '\xCC')
                continue;   /* before a combining mark: the cut would drop it */
            for (size_t m = 0; m < sizeof markers / sizeof markers[0]; m++) {
                pg_buf_reset(&cut);
                pg_buf_append(&cut, full, at);
                pg_buf_puts(&cut, markers[m]);
                CHECK_INT(pg_text_is_truncated(cut.data, cut.len), 1);
                char *k = key_of(cut.data);
                int ok = k != NULL && strncmp(fk, k, strlen(k)) == 0;
                CHECK(ok);
                if (!ok)
                    fprintf(stderr, "    cut: \"%s\" -> \"%s\"\n", cut.data, k);
                free(k);
            }
        }
        free(fk);
    }
    pg_buf_release(&cut);
}

/* Keys are appended: what the buffer held is kept. */
static void test_key_appends(void)
{
    pg_buf b = PG_BUF_INIT;
    pg_buf_puts(&b, "title");
    CHECK_INT(pg_normalize_key("\n", 1, &b), PG_OK);
    CHECK_STR(b.data, "title");
    pg_buf_putc(&b, '\n');
    CHECK_INT(pg_normalize_key("The ABSTRACT.", 13, &b), PG_OK);
    CHECK_STR(b.data, "title\nthe abstract");
    /* The length is honoured: the text goes on after it. */
    pg_buf_reset(&b);
    CHECK_INT(pg_normalize_key("Hello World", 5, &b), PG_OK);
    CHECK_STR(b.data, "hello");
    pg_buf_reset(&b);
    CHECK_INT(pg_normalize_key("caf&eacute;", 8, &b), PG_OK);
    CHECK_STR(b.data, "caf eacu");
    pg_buf_release(&b);
}

static const text_case display_cases[] = {
    { "", "" },
    { "   ", "" },
    { "  a \t b\n\nc  ", "a b c" },
    { "a\r\nb", "a b" },
    { "a" NBSP NBSP "b" THIN "c" IDEO_SPACE "d", "a b c d" },
    { "&nbsp;x&nbsp;&#160;", "x" },
    { "Guerra&#39;s &amp; &lt;b&gt; caf&eacute;", "Guerra's & <b> caf" E_ACUTE },
    { "&#0; &#x110000;", FFFD " " FFFD },
    { "AT&T &unknown; &amp tail &", "AT&T &unknown; &amp tail &" },
    { "a\x01" "b\x7F" "c\xC2\x80" "d", "abcd" },
    { "a\xC2\x85" "b", "a b" },
    { "\xEF\xBB\xBFTitle", "Title" },
    { "Caf" E_COMBINING " \xE2\x80\x94 " FI_LIG "ne " LDQUO "Q" RDQUO, "Caf" E_COMBINING " \xE2\x80\x94 " FI_LIG "ne " LDQUO "Q" RDQUO },
    { "$\\alpha$-stable {\\em x}", "$\\alpha$-stable {\\em x}" },
    { "MiXeD, CaSe!", "MiXeD, CaSe!" },
    { "bad \xFF byte", "bad " FFFD " byte" },
    { "soft" SHY "hyphen", "soft" SHY "hyphen" },
};

static void test_display_table(void)
{
    pg_buf b = PG_BUF_INIT;
    for (size_t i = 0; i < sizeof display_cases / sizeof display_cases[0]; i++) {
        const text_case *c = &display_cases[i];
        pg_buf_reset(&b);
        CHECK_INT(pg_normalize_display(c->in, strlen(c->in), &b), PG_OK);
        CHECK_STR(b.data, c->want);
        if (b.data == NULL || strcmp(b.data, c->want) != 0)
            fprintf(stderr, "    input: \"%s\"\n", c->in);
    }
    pg_buf_reset(&b);
    pg_buf_puts(&b, "kept|");
    CHECK_INT(pg_normalize_display("  x  ", 5, &b), PG_OK);
    CHECK_STR(b.data, "kept|x");
    pg_buf_release(&b);
}

typedef struct trunc_case {
    const char *in;
    int want;
} trunc_case;

static const trunc_case trunc_cases[] = {
    { "", 0 },
    { "   ", 0 },
    { "A complete sentence.", 0 },
    { "apples, pears, etc.", 0 },
    { "two dots..", 0 },
    { "an ellipsis ... in the middle.", 0 },
    { "ends with...", 1 },
    { "ends with....", 1 },
    { "ends with...  \n", 1 },
    { "ends with" ELLIPSIS, 1 },
    { "ends with" ELLIPSIS NBSP, 1 },
    { "ends with " ELLIPSIS IDEO_SPACE " \t", 1 },
    { "ends with [...]", 1 },
    { "ends with (...)", 1 },
    { "ends with [" ELLIPSIS "]", 1 },
    { "ends with (" ELLIPSIS ")", 1 },
    { "ends with&hellip;", 1 },
    { "ends with&#8230;", 1 },
    { "...", 1 },
    { ELLIPSIS, 1 },
    { "\xA6", 0 },
    { "\x80\x80\x80", 0 },
    { "(see [1])", 0 },
    { "ends with ...)", 0 },
};

static void test_truncated_table(void)
{
    for (size_t i = 0; i < sizeof trunc_cases / sizeof trunc_cases[0]; i++) {
        const trunc_case *c = &trunc_cases[i];
        CHECK_INT(pg_text_is_truncated(c->in, strlen(c->in)), c->want);
        if (pg_text_is_truncated(c->in, strlen(c->in)) != c->want)
            fprintf(stderr, "    input: \"%s\"\n", c->in);
    }
    /* The length is honoured. */
    CHECK_INT(pg_text_is_truncated("cut... more", 6), 1);
    CHECK_INT(pg_text_is_truncated("cut... more", 5), 0);
}

/* Every function on hostile input: random mixes of the pieces that start
 * entities, macros and multi-byte sequences, broken everywhere, 1 MB long,
 * then a 1 MB run of each piece on its own.  Nothing may crash (ASan and
 * UBSan watch) and keys must stay well formed. */
static void test_hostile(void)
{
    static const char *const pieces[] = {
        "&", "&#", "&#x", "0", ";", "&amp;", "&#0;", "&#x110000;", "\\", "\\'",
        "\\textbf{", "{", "}", "$", "\xCC\x81", "\xE2\x80", "\xFF", "\xC3\xA9",
        " ", NBSP, "a", "'", RSQUO, "...", ELLIPSIS, "\\alpha", "\xEF\xB7\xBA",
    };
    const size_t npieces = sizeof pieces / sizeof pieces[0];
    const size_t size = (size_t)1 << 20;
    char *big = malloc(size);
    pg_buf b = PG_BUF_INIT;
    unsigned seed = 2024;
    size_t at = 0;
    while (at < size) {
        seed = seed * 1103515245u + 12345u;
        const char *p = pieces[(seed >> 16) % npieces];
        size_t n = strlen(p);
        if (at + n > size)
            n = size - at;
        memcpy(big + at, p, n);
        at += n;
    }
    CHECK_INT(pg_normalize_key(big, size, &b), PG_OK);
    CHECK(key_well_formed(b.data, b.len));
    pg_buf_reset(&b);
    CHECK_INT(pg_normalize_display(big, size, &b), PG_OK);
    (void)pg_text_is_truncated(big, size);
    for (size_t p = 0; p < npieces; p++) {
        size_t n = strlen(pieces[p]);
        for (at = 0; at + n <= size; at += n)
            memcpy(big + at, pieces[p], n);
        pg_buf_reset(&b);
        CHECK_INT(pg_normalize_key(big, at, &b), PG_OK);
        CHECK(key_well_formed(b.data, b.len));
        pg_buf_reset(&b);
        CHECK_INT(pg_normalize_display(big, at, &b), PG_OK);
        (void)pg_text_is_truncated(big, at);
    }
    /* Each prefix of a tricky text, from an unterminated buffer so that ASan
     * catches any read past the length. */
    const char *tricky = "&#x2019;&eacute;\\\"{o}$\\alpha$\xC3\xA9" ELLIPSIS "[...]";
    size_t tn = strlen(tricky);
    char *copy = malloc(tn);
    memcpy(copy, tricky, tn);
    for (size_t k = 0; k <= tn; k++) {
        pg_buf_reset(&b);
        CHECK_INT(pg_normalize_key(copy, k, &b), PG_OK);
        pg_buf_reset(&b);
        CHECK_INT(pg_normalize_display(copy, k, &b), PG_OK);
        (void)pg_text_is_truncated(copy, k);
    }
    free(copy);
    pg_buf_release(&b);
    free(big);
}

int main(void)
{
    test_entities();
    test_key_table();
    test_key_pairs();
    test_key_truncation_prefix();
    test_key_appends();
    test_display_table();
    test_truncated_table();
    test_hostile();
    CHECK_DONE();
}
