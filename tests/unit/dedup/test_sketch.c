/*
** test_sketch.c: the sketch a text keeps with its band keys, and what it
** rules out unread.
**
** Version 3 keeps the title's words: a candidate whose title shares no word
** a title rule could use, and whose abstract shares little, is ruled out;
** a plural, a stem-mate, a head name made of a stop word, or a Jaccard high
** enough for same-identifier keep it.  Older sketches are still read, and
** give no title evidence.  Every pair ruled out here is also decided
** "different" by pg_match_decide.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "papergraph/base.h"
#include "text/internal.h"
#include "dedup/internal.h"
#include "dedup/match.h"
#include "dedup/sketch.h"
#include "dedup/stage.h"

/* A deterministic abstract: n words drawn from a vocabulary of 4000 made-up
 * words by a generator seeded with seed. */
static void make_abstract(unsigned seed, size_t n, pg_buf *out)
{
    uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        char w[16];
        snprintf(w, sizeof w, "%sw%u", i ? " " : "", (unsigned)(x % 4000));
        CHECK_INT(pg_buf_append(out, w, strlen(w)), PG_OK);
    }
}

typedef struct text {
    pg_buf title, abstract, names;
    sketch sk;
    pg_match_item it;
} text;

/* A text from a raw title and an abstract (taken over), cut off or not. */
static void text_set(text *t, const char *raw_title, pg_buf abstract, int truncated)
{
    memset(t, 0, sizeof *t);
    CHECK_INT(pg_normalize_key(raw_title, strlen(raw_title), &t->title), PG_OK);
    t->abstract = abstract;
    pg_dedup_keys k;
    pg_dedup_keys_of(t->title.data, t->title.len, t->abstract.data, t->abstract.len,
                     truncated, &k);
    CHECK(k.has_sketch);
    pgd_sketch_from_bytes(k.sketch, sizeof k.sketch, &t->sk);
    CHECK(t->sk.valid);
    int head = 0, strong = 0;
    CHECK_INT(pgd_title_names(raw_title, strlen(raw_title), &t->names, &head, &strong),
              PG_OK);
    t->it.title = t->title.data;
    t->it.title_len = t->title.len;
    t->it.abstract = t->abstract.data;
    t->it.abstract_len = t->abstract.len;
    t->it.truncated = truncated;
    t->it.authors = -1;
    t->it.title_names = t->names.len ? t->names.data : NULL;
    t->it.title_names_len = t->names.len;
    t->it.has_head = head;
    t->it.strong_name = strong;
}

/* A text from a raw title and the abstract: the first `shared` words of
 * seed 1's abstract, then words of its own seed (the abstracts of two texts
 * share the opening's shingles). */
static void text_make(text *t, const char *raw_title, size_t shared, unsigned own,
                      size_t words)
{
    pg_buf a = PG_BUF_INIT, b = PG_BUF_INIT;
    make_abstract(1, shared, &a);
    make_abstract(own, words - shared, &b);
    if (shared > 0 && words > shared)
        CHECK_INT(pg_buf_putc(&a, ' '), PG_OK);
    CHECK_INT(pg_buf_append(&a, b.data, b.len), PG_OK);
    pg_buf_release(&b);
    text_set(t, raw_title, a, 0);
}

/* A cut-off text: the first `words` words of seed `seed`'s abstract, the
 * last one cut short. */
static void text_cut(text *t, const char *raw_title, unsigned seed, size_t words)
{
    pg_buf a = PG_BUF_INIT;
    make_abstract(seed, words, &a);
    a.len -= 1;                 /* "w1234" -> "w123" */
    a.data[a.len] = '\0';
    text_set(t, raw_title, a, 1);
}

static void text_free(text *t)
{
    pg_buf_release(&t->title);
    pg_buf_release(&t->abstract);
    pg_buf_release(&t->names);
}

/* Checks whether a and b are ruled out (both ways), and that a pair ruled
 * out is one the decision keeps apart. */
static void expect_out(const char *name, const text *a, const text *b, int out)
{
    pg_match_opts o;
    pg_match_opts_default(&o);
    int ab = pgd_sketch_rules_out(&a->sk, &b->sk, &o);
    int ba = pgd_sketch_rules_out(&b->sk, &a->sk, &o);
    if (ab != out)
        fprintf(stderr, "case %s: ruled out %d, want %d\n", name, ab, out);
    CHECK_INT(ab, out);
    CHECK_INT(ba, ab);
    pg_match_result r;
    CHECK_INT(pg_match_decide(&a->it, &b->it, &o, &r), PG_OK);
    if (ab)
        CHECK_INT(r.same, 0);
}

/* Pairs of titles over abstracts that share a preamble of `shared` of their
 * 180 words: at 70, a Jaccard of about 0.24, which the test of version 2
 * keeps (it rules out under 0.10) and the title test rules out (under 0.30)
 * unless the titles share a word a rule could use. */
static const struct {
    const char *name, *t1, *t2;
    size_t shared;
    int out;
} title_cases[] = {
    { "titles apart", "Acoustic Monitoring of Nesting Seabirds with Low-Cost Recorders",
      "Counting River Otters from Spraint Surveys and Camera Traps", 70, 1 },
    /* "transformers" and "transformer" meet (pgd_word_eq) */
    { "plural", "Scalable Transformers in Practice Today",
      "One Lonely Transformer Suffices Here", 70, 0 },
    /* "imaging" and "image" (pgd_stem_eq) */
    { "stem-mates", "Imaging Deep Oceans Quickly", "Image Vast Seabeds Cheaply", 70, 0 },
    /* a head name that is a stop word, found in the other title */
    { "stop-word head", "Why: Models Drift under Label Shift",
      "Asking Why Classifiers Forget Old Tasks", 70, 0 },
    /* titles apart, abstracts near a same-identifier Jaccard */
    { "high jaccard", "Acoustic Monitoring of Nesting Seabirds with Low-Cost Recorders",
      "Counting River Otters from Spraint Surveys and Camera Traps", 150, 0 },
};

static void test_titles(void)
{
    for (size_t i = 0; i < sizeof title_cases / sizeof *title_cases; i++) {
        text a, b;
        text_make(&a, title_cases[i].t1, title_cases[i].shared, (unsigned)(2 * i + 2), 180);
        text_make(&b, title_cases[i].t2, title_cases[i].shared, (unsigned)(2 * i + 3), 180);
        CHECK(a.sk.n_core >= 3 && b.sk.n_core >= 3);
        expect_out(title_cases[i].name, &a, &b, title_cases[i].out);
        text_free(&a);
        text_free(&b);
    }
    text a, b;
    text_make(&a, title_cases[0].t1, 70, 2, 180);
    text_make(&b, title_cases[0].t2, 70, 3, 180);

    /* Short titles (fewer than 3 core words) give no title evidence. */
    text x, y;
    text_make(&x, "Otters", 70, 12, 180);
    text_make(&y, "Seabirds", 70, 13, 180);
    CHECK(x.sk.n_core < 3);
    pg_match_opts o;
    pg_match_opts_default(&o);
    CHECK_INT(pgd_sketch_rules_out(&x.sk, &y.sk, &o), 0);

    /* A setting that drops the title thresholds turns the title test off. */
    o.revised_title = 0.0;
    CHECK_INT(pgd_sketch_rules_out(&a.sk, &b.sk, &o), 0);

    text *all[] = { &a, &b, &x, &y };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        text_free(all[i]);
}

/* Version 3 bytes read back the same; a version 2 sketch (the first 224
 * bytes, version byte 2) is read without title words, which then decide
 * nothing. */
static void test_versions(void)
{
    text a, b;
    text_make(&a, "Acoustic Monitoring of Nesting Seabirds with Low-Cost Recorders", 70, 2, 180);
    text_make(&b, "Counting River Otters from Spraint Surveys and Camera Traps", 70, 3, 180);
    unsigned char buf[PG_DEDUP_SKETCH_BYTES];
    pgd_sketch_to_bytes(&a.sk, buf);
    sketch back;
    pgd_sketch_from_bytes(buf, sizeof buf, &back);
    CHECK(back.valid && back.n_tw == a.sk.n_tw && back.n_core == a.sk.n_core);
    CHECK(memcmp(back.tw, a.sk.tw, sizeof back.tw) == 0);
    CHECK(memcmp(back.v, a.sk.v, sizeof back.v) == 0);

    size_t v2 = 16 + 2 * PG_MINHASH_K + 16;
    unsigned char old[16 + 2 * PG_MINHASH_K + 16];
    pgd_sketch_to_bytes(&b.sk, buf);
    memcpy(old, buf, v2);
    old[0] = 2;
    sketch ob;
    pgd_sketch_from_bytes(old, v2, &ob);
    CHECK(ob.valid && ob.has_prefixes && ob.n_tw == 0);
    pg_match_opts o;
    pg_match_opts_default(&o);
    CHECK_INT(pgd_sketch_rules_out(&a.sk, &ob, &o), 0);
    /* A wrong length or version is no sketch. */
    pgd_sketch_from_bytes(old, v2 - 1, &ob);
    CHECK(!ob.valid);
    text_free(&a);
    text_free(&b);
}

/* Held sketches (sketches.c): a narrowed pair rules out only pairs the full
 * sketches rule out, and still the unrelated ones; what is held comes back
 * as put, narrowed; a text without a sketch is held as such; ids outside
 * the map are not held; records past a chunk stay where they were. */
static void test_held(void)
{
    pg_match_opts o;
    pg_match_opts_default(&o);
    pgd_sketches m;
    memset(&m, 0, sizeof m);
    const char *titles[2] = { "Acoustic Monitoring of Nesting Seabirds with Low-Cost Recorders",
                              "Counting River Otters from Spraint Surveys and Camera Traps" };
    text base;
    text_make(&base, titles[0], 0, 2, 180);
    sketch self = base.sk;
    pgd_sketch_narrow(&self);
    long long id = 1;
    int full_out = 0, narrow_out = 0;
    for (int t = 0; t < 2; t++)
        for (size_t shared = 0; shared <= 180; shared += 10, id++) {
            text x;
            text_make(&x, titles[t], shared, (unsigned)(100 + id), 180);
            pgd_sketches_put(&m, id, &x.sk);
            sketch held;
            CHECK(pgd_sketches_get(&m, id, &held));
            CHECK(held.valid && held.words == x.sk.words && held.title == x.sk.title &&
                  held.opening == x.sk.opening && held.n_tw == x.sk.n_tw &&
                  held.n_core == x.sk.n_core && held.truncated == x.sk.truncated);
            CHECK(memcmp(held.tw, x.sk.tw, sizeof held.tw) == 0);
            CHECK(memcmp(held.prefix, x.sk.prefix, sizeof held.prefix) == 0);
            for (size_t i = 0; i < PG_MINHASH_K; i++)
                CHECK_INT(held.v[i], x.sk.v[i] & 0xff);
            int f = pgd_sketch_rules_out(&base.sk, &x.sk, &o);
            int n = pgd_sketch_rules_out(&self, &held, &o);
            CHECK(!n || f);
            full_out += f;
            narrow_out += n;
            if (shared == 0 && t == 1)  /* unrelated: ruled out either way */
                CHECK(n);
            text_free(&x);
        }
    CHECK(narrow_out > 0 && narrow_out <= full_out);
    /* Held once: a second put of the id changes nothing. */
    sketch first, again;
    CHECK(pgd_sketches_get(&m, 1, &first));
    pgd_sketches_put(&m, 1, &base.sk);
    CHECK(pgd_sketches_get(&m, 1, &again));
    CHECK(memcmp(&first, &again, sizeof first) == 0);
    /* None: held as none. */
    sketch none;
    memset(&none, 0, sizeof none);
    pgd_sketches_put(&m, id, &none);
    sketch k;
    CHECK(pgd_sketches_get(&m, id, &k));
    CHECK(!k.valid);
    CHECK(!pgd_sketches_get(&m, id + 1, &k));
    pgd_sketches_put(&m, 0, &base.sk);
    CHECK(!pgd_sketches_get(&m, 0, &k));
    pgd_sketches_put(&m, (long long)KEY_OF_MAX, &base.sk);
    CHECK(!pgd_sketches_get(&m, (long long)KEY_OF_MAX, &k));
    /* Past a chunk of records, in an order of ids of its own. */
    for (long long i = 0; i < 10000; i++) {
        sketch s = base.sk;
        s.words = (uint32_t)(i + 1000);
        pgd_sketches_put(&m, 200000 - 7 * i, &s);
    }
    for (long long i = 0; i < 10000; i++) {
        CHECK(pgd_sketches_get(&m, 200000 - 7 * i, &k));
        CHECK(k.valid && k.words == (uint32_t)(i + 1000));
    }
    CHECK(pgd_sketches_get(&m, 1, &k) && memcmp(&k, &first, sizeof k) == 0);
    pgd_sketches_release(&m);
    text_free(&base);
}

/* A cut-off text is judged without its last word, and shares less of the
 * union the shorter it is: the sketch keeps the distinct shingles' share of
 * the words, and a cut-off candidate is ruled out only below the Jaccard
 * the least containment any rule accepts gives at the two lengths. */
static void test_truncated(void)
{
    pg_match_opts o;
    pg_match_opts_default(&o);
    const char *generic = "Position Paper";
    text full, other, cut_other, cut_same, short_same, old;
    text_make(&full, generic, 0, 2, 240);
    text_make(&other, generic, 0, 3, 240);
    /* Made of distinct words: nearly every shingle is distinct. */
    CHECK(full.sk.distinct >= 120);
    /* An unrelated abstract cut off under the same heading: no rule can
     * merge them, and the sketch now says so unread. */
    text_cut(&cut_other, generic, 3, 180);
    CHECK(cut_other.sk.truncated);
    expect_out("cut, unrelated", &full, &cut_other, 1);
    /* The same text cut off: a prefix, never ruled out, and merged. */
    text_cut(&cut_same, generic, 2, 180);
    expect_out("cut, same", &full, &cut_same, 0);
    pg_match_result r;
    CHECK_INT(pg_match_decide(&full.it, &cut_same.it, &o, &r), PG_OK);
    CHECK_INT(r.same, 1);
    /* Cut short after 40 words: however much of it the full text held
     * (a rule on containment), the Jaccard of so short a text against a
     * long one is low, so its sketch cannot tell; kept. */
    text_cut(&short_same, generic, 5, 40);
    expect_out("cut short", &full, &short_same, 0);
    /* Two full texts, one short and held in the long one by more than a
     * rule on containment asks (retitled-shared-name): their Jaccard is
     * low, but no lower than those lengths allow; kept. */
    text long_full, short_full;
    text_make(&long_full, generic, 0, 11, 400);
    pg_buf part = PG_BUF_INIT;
    make_abstract(11, 24, &part);
    CHECK_INT(pg_buf_putc(&part, ' '), PG_OK);
    make_abstract(12, 16, &part);
    text_set(&short_full, generic, part, 0);
    expect_out("short in long", &long_full, &short_full, 0);
    text_free(&long_full);
    text_free(&short_full);
    /* A lower containment for cut texts (`dedup` options) lowers the floor
     * of cut pairs only: truncated-revised judges no full pair. */
    pg_match_opts low = o;
    low.truncated_same_title = 0.20;
    text other_short;
    text_make(&other_short, generic, 0, 13, 180);
    CHECK_INT(pgd_sketch_rules_out(&full.sk, &other_short.sk, &low), 1);
    CHECK_INT(pgd_sketch_rules_out(&full.sk, &cut_other.sk, &o), 1);
    CHECK_INT(pgd_sketch_rules_out(&full.sk, &cut_other.sk, &low), 0);
    text_free(&other_short);
    /* A sketch made before the share was kept says nothing of a cut text. */
    old = cut_other;
    old.sk.distinct = 0;
    CHECK_INT(pgd_sketch_rules_out(&full.sk, &old.sk, &o), 0);
    /* Both full: ruled out as before, with or without the share. */
    expect_out("full, unrelated", &full, &other, 1);
    sketch a = full.sk, b = other.sk;
    a.distinct = b.distinct = 0;
    CHECK_INT(pgd_sketch_rules_out(&a, &b, &o), 1);

    /* The share goes through the stored bytes and the held form. */
    unsigned char buf[PG_DEDUP_SKETCH_BYTES];
    pgd_sketch_to_bytes(&cut_other.sk, buf);
    sketch back;
    pgd_sketch_from_bytes(buf, sizeof buf, &back);
    CHECK(back.truncated && back.distinct == cut_other.sk.distinct);
    pgd_sketches m;
    memset(&m, 0, sizeof m);
    pgd_sketches_put(&m, 7, &cut_other.sk);
    CHECK(pgd_sketches_get(&m, 7, &back));
    CHECK(back.truncated && back.distinct == cut_other.sk.distinct);
    pgd_sketches_release(&m);

    /* An abstract given twice over has half as many distinct shingles as
     * words, and the share says so. */
    pg_buf twice = PG_BUF_INIT, once = PG_BUF_INIT;
    make_abstract(9, 100, &once);
    CHECK_INT(pg_buf_append(&twice, once.data, once.len), PG_OK);
    CHECK_INT(pg_buf_putc(&twice, ' '), PG_OK);
    CHECK_INT(pg_buf_append(&twice, once.data, once.len), PG_OK);
    pg_buf_release(&once);
    text rep;
    text_set(&rep, generic, twice, 0);
    CHECK(rep.sk.words == 200);
    CHECK(rep.sk.distinct >= 60 && rep.sk.distinct <= 64);

    text *all[] = { &full, &other, &cut_other, &cut_same, &short_same, &rep };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        text_free(all[i]);
}

/* a and b are merged by rule, their abstracts sharing almost nothing. */
static void expect_merged(const text *a, const text *b, const char *rule)
{
    pg_match_opts o;
    pg_match_opts_default(&o);
    pg_match_result r;
    CHECK_INT(pg_match_decide(&a->it, &b->it, &o, &r), PG_OK);
    CHECK_INT(r.same, 1);
    CHECK_STR(r.rule, rule);
    CHECK(r.abstract_jaccard < 0.1);
}

/* Two abstracts of one vocabulary and few shingles in common: name, then
 * seed's 180 words (fwd); name, then the same words last first (back). */
static void two_orders(const char *name, unsigned seed, pg_buf *fwd, pg_buf *back)
{
    pg_buf words = PG_BUF_INIT;
    make_abstract(seed, 180, &words);
    CHECK_INT(pg_buf_puts(fwd, name), PG_OK);
    CHECK_INT(pg_buf_putc(fwd, ' '), PG_OK);
    CHECK_INT(pg_buf_append(fwd, words.data, words.len), PG_OK);
    CHECK_INT(pg_buf_puts(back, name), PG_OK);
    for (size_t end = words.len; end > 0;) {
        size_t start = end;
        while (start > 0 && words.data[start - 1] != ' ')
            start--;
        CHECK_INT(pg_buf_putc(back, ' '), PG_OK);
        CHECK_INT(pg_buf_append(back, words.data + start, end - start), PG_OK);
        end = start > 0 ? start - 1 : 0;
    }
    pg_buf_release(&words);
}

/* A reworded title (every core word of one a stem-mate of the other's:
 * "image"/"imaging", "financial"/"finance") is scored on titles, a coined
 * name and the vocabulary, whatever the abstracts share: over one
 * abstract's words in another order (Jaccard near 0, the same vocabulary)
 * the pair merges, and the sketch may not rule it out.  A title one word
 * apart is not reworded, and still is ruled out. */
static void test_reworded(void)
{
    const char *t1 = "DiffSense: Diffusion Generative Models Meet Compressed Sensing, "
                     "with Applications to Image Data and Financial Time Series";
    const char *t2 = "DiffSense: Diffusion Generative Models Meet Compressed Sensing, "
                     "with Applications to Imaging and Finance";
    const char *t3 = "DiffSense: Diffusion Generative Models Meet Compressed Hashing, "
                     "with Applications to Image Data and Financial Time Series";
    pg_buf fwd = PG_BUF_INIT, back = PG_BUF_INIT, other = PG_BUF_INIT;
    two_orders("diffsense", 20, &fwd, &back);
    CHECK_INT(pg_buf_append(&other, back.data, back.len), PG_OK);
    text a, b, c;
    text_set(&a, t1, fwd, 0);
    text_set(&b, t2, back, 0);
    text_set(&c, t3, other, 0);
    expect_merged(&a, &b, "reworded-title");
    expect_out("reworded", &a, &b, 0);
    /* "Hashing" for "Sensing": a sibling, decided apart unread. */
    expect_out("a word apart", &a, &c, 1);
    text_free(&a);
    text_free(&b);
    text_free(&c);
}

/* A short title carrying a coined name on both sides ("DeepSeekMath
 * Reasoning") is scored as the same title, whatever the abstracts share:
 * over one abstract's words in another order the pair merges.  Its keys,
 * made from the normalised title, give it mark 2 like any short title; the
 * dedup stage, which knows the title's case, marks it 4
 * (pgd_sketch_bytes_mark_named), and then the sketch does not rule it out.
 * A short title without one (mark 2) is never scored, and is ruled out as
 * before. */
static void test_named_short(void)
{
    pg_buf fwd = PG_BUF_INIT, back = PG_BUF_INIT;
    two_orders("deepseekmath", 30, &fwd, &back);
    text a, b;
    text_set(&a, "DeepSeekMath Reasoning", fwd, 0);
    text_set(&b, "DeepSeekMath Reasoning", back, 0);
    CHECK(a.it.strong_name && b.it.strong_name);
    expect_merged(&a, &b, "same-specific-title");
    pg_match_opts o;
    pg_match_opts_default(&o);
    CHECK_INT(a.sk.title, 2);
    /* As the keys give it (mark 2): ruled out, though the rules merge. */
    CHECK_INT(pgd_sketch_rules_out(&a.sk, &b.sk, &o), 1);
    unsigned char buf[PG_DEDUP_SKETCH_BYTES];
    pgd_sketch_to_bytes(&a.sk, buf);
    pgd_sketch_bytes_mark_named(buf);
    pgd_sketch_from_bytes(buf, sizeof buf, &a.sk);
    CHECK_INT(a.sk.title, 4);
    /* Named on one side only: the other is a short title without a name,
     * never scored. */
    CHECK_INT(pgd_sketch_rules_out(&a.sk, &b.sk, &o), 1);
    pgd_sketch_to_bytes(&b.sk, buf);
    pgd_sketch_bytes_mark_named(buf);
    pgd_sketch_from_bytes(buf, sizeof buf, &b.sk);
    expect_out("named short", &a, &b, 0);
    /* A long title's mark is not touched. */
    text c;
    text_make(&c, "Acoustic Monitoring of Nesting Seabirds with Low-Cost Recorders", 0, 31, 180);
    pgd_sketch_to_bytes(&c.sk, buf);
    pgd_sketch_bytes_mark_named(buf);
    sketch back_c;
    pgd_sketch_from_bytes(buf, sizeof buf, &back_c);
    CHECK_INT(back_c.title, c.sk.title);
    CHECK(c.sk.title & 1);
    text_free(&a);
    text_free(&b);
    text_free(&c);
}

int main(void)
{
    test_named_short();
    test_reworded();
    test_truncated();
    test_titles();
    test_versions();
    test_held();
    CHECK_DONE();
}
