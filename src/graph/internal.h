/*
** graph/internal.h: the term model (tokens, TF-IDF, nearest neighbours,
** labels) that the graph stage builds its term edges from.
*/
#ifndef PG_GRAPH_INTERNAL_H
#define PG_GRAPH_INTERNAL_H

#include <pthread.h>
#include "papergraph/graph.h"

/*
** Terms: the words of the papers, weighed so that papers can be linked by
** the terms they share and groups of papers can be named.
**
** A pg_terms object is used in two phases:
**
**   1. pg_terms_add() once per paper (title + abstract), in a fixed order:
**      the i-th call adds document i.  The text is cut into words (Unicode
**      case folding, accents stripped, split on anything that is not a letter
**      or a digit), numbers, one-character words and stop words (English
**      function words and abstract boilerplate such as "propose", "paper",
**      "results") are dropped, the rest are stemmed (Snowball English), and
**      two words that follow each other with no dropped word or clause
**      punctuation between them also make a bigram term ("neural network").
**   2. pg_terms_finish() keeps the terms found in at least min_df and at most
**      max_df_ratio of the documents and builds one L2-normalised TF-IDF
**      vector per document, weight (1 + ln tf) * ln(N / df), plus an
**      inverted index.  Then pg_terms_topk() and pg_terms_label() read them.
**
** Why these choices: a term only one paper has cannot link two papers, and a
** term most papers have links everything to everything; sublinear tf stops a
** word repeated ten times in one abstract from dominating it; bigrams tell
** "neural network" from "network" and "neural" used apart.
**
** Words are compared after folding and stemming, but labels show each term as
** its most frequent folded surface form ("spiking neural networks", not the
** stems "spike neural network"); a bigram reads as the surface forms of its
** two words.  Folding strips accents, so surface forms have none.
**
** A bigram is kept only when its words meet more often than chance would
** make them (bigram_assoc): "amino acid" is a term, "model performance" is
** not.
**
** Threads: an object is not thread-safe while it changes (add, finish) nor in
** the functions that stem (pg_terms_tokens, pg_terms_lookup, which take a
** non-const object).  After pg_terms_finish(), pg_terms_topk(),
** pg_terms_label() and the counters only read it and may run concurrently.
*/

#include <stddef.h>
#include <stdint.h>

typedef struct pg_terms pg_terms;

typedef struct pg_terms_opts {
    int stem;               /* 1: Snowball English stems (default 1) */
    int bigrams;            /* 1: adjacent words also make one term (default 1) */
    double max_df_ratio;    /* a term in more than this fraction of the
                               documents is dropped; in (0, 1] (default 0.5) */
    size_t min_df;          /* a term in fewer documents is dropped; >= 1
                               (default 2: a term one paper has links nothing) */
    double bigram_assoc;    /* a bigram is a term only when its words meet
                               at least this many times more often than by
                               chance (see tfidf.c); 0 keeps every bigram in
                               the df window (default 4) */
    size_t max_postings;    /* work bound of pg_terms_topk: candidates for a
                               document come through its rarest terms, as
                               many as fit in this many postings (the first
                               always does); its other terms still count in
                               the exact cosine.  0: 5000 (default) */
} pg_terms_opts;

/* Fills o with the documented defaults. */
void pg_terms_opts_default(pg_terms_opts *o);

/* One similarity edge between documents a < b (indexes in order of
 * pg_terms_add); sim is the cosine of their TF-IDF vectors, in (0, 1]. */
typedef struct pg_sim_edge {
    uint32_t a, b;
    float sim;
} pg_sim_edge;

/* What pg_terms_lookup() knows of one term. */
typedef struct pg_term_info {
    size_t df;              /* documents that contain the term */
    int kept;               /* 1 after pg_terms_finish() when the term is in
                               the vectors; 0 before */
    double idf;             /* ln(N / df) when kept, else 0 */
} pg_term_info;

/* Creates an empty object; o NULL means the defaults.  On success *out is an
 * object to free with pg_terms_free().  Errors: PG_ERR_USAGE for options out
 * of range, PG_ERR_NOMEM (also when the stemmer cannot be created). */
pg_err pg_terms_new(const pg_terms_opts *o, pg_terms **out, pg_error *err);

/* Frees t and everything it owns.  NULL is a no-op. */
void pg_terms_free(pg_terms *t);

/* Adds the next document: len bytes of UTF-8 text (text may be NULL when len
 * is 0; an empty or all-stop-word text makes an empty document, which links
 * to nothing).  Invalid UTF-8 bytes and NULs count as punctuation; words
 * longer than 64 bytes are dropped; a backslash drops the word after it
 * (LaTeX commands).  A blank line ends a phrase, so joining title and
 * abstract with "\n\n" makes no bigram across them.  Returns PG_OK;
 * PG_ERR_USAGE after pg_terms_finish(), past 2^32 - 2 documents or for
 * text NULL with len > 0 (the document is then not added); PG_ERR_NOMEM,
 * after which t is only fit for pg_terms_free() (every later call but the
 * counters returns PG_ERR_USAGE). */
pg_err pg_terms_add(pg_terms *t, const char *text, size_t len, pg_error *err);

/* pg_terms_add in two steps, so that the cutting (folding, splitting,
 * hashing: a pure function of the text) can run on another thread than the
 * counting, which must take the documents in order.  pgg_terms_cut appends
 * text's tokens to out in the form pgg_terms_add_cut reads (PG_ERR_NOMEM;
 * PG_ERR_USAGE for text NULL with len > 0); pgg_terms_add_cut adds the
 * document cut[0..n) as pg_terms_add would add its text, with the same
 * errors, and PG_ERR_USAGE when cut is not what pgg_terms_cut wrote. */
pg_err pgg_terms_cut(const char *text, size_t len, pg_buf *out);
pg_err pgg_terms_add_cut(pg_terms *t, const char *cut, size_t n, pg_error *err);

/* Ends the adding phase: weighs terms, drops those outside the df window,
 * builds the document vectors and the inverted index, and frees what only
 * adding needed.  Call it once, even with no documents.  Returns PG_OK;
 * PG_ERR_USAGE when called twice; PG_ERR_NOMEM (t is then only fit for
 * pg_terms_free). */
pg_err pg_terms_finish(pg_terms *t, pg_error *err);

/* For every document, its at most k most similar other documents with
 * cosine >= min_sim (and > 0); the union of these lists, each edge once with
 * a < b, sorted by (a, b).  An edge is kept when either end has the other in
 * its top k, so a document can have more than k edges.  Ties are broken
 * towards the lower document index, so the result depends only on the
 * input.  Candidates come from the inverted index (never all pairs) through
 * each document's rarest terms (see max_postings); the best 4k + 32 of them
 * are ranked by their exact cosine, which is what sim holds.  So the search
 * is approximate only in which documents it considers: against an
 * exhaustive search it found 98.7% of the edges on 7,400 real abstracts.
 * The documents are searched in two halves on two threads when the machine
 * has two cores (pgg_run2); the result is the same either way.
 * On success *edges is an array of *n_edges edges that the caller frees
 * with free() (NULL when there are none).  Returns PG_OK; PG_ERR_USAGE
 * before pg_terms_finish(); PG_ERR_NOMEM (*edges is then NULL). */
pg_err pg_terms_topk(const pg_terms *t, size_t k, double min_sim,
                     pg_sim_edge **edges, size_t *n_edges, pg_error *err);

/* Appends to out at most max_terms of the terms most distinctive of the n
 * documents docs (repeats count once), most distinctive first, as surface
 * forms separated by ", " (e.g. "spiking neural networks, spiking neurons,
 * brain").  A term scores its summed 1 + ln tf over the group times
 * ln((group df / group size) / (df / N)): plain TF-IDF for one document,
 * and for a community the terms most members share and few others have.
 * A phrase that carries most of a word's score replaces the word, a word
 * inside a chosen phrase is not repeated alone, and two chosen bigrams that
 * chain ("spiking neural" + "neural networks") are written as one phrase,
 * which can make the list shorter than max_terms.  Appends nothing when no
 * term is more frequent in the group than outside (a group of every
 * document, documents without kept terms).  Returns PG_OK; PG_ERR_USAGE
 * before pg_terms_finish() or for a document index out of range;
 * PG_ERR_NOMEM (out then holds what was appended before). */
pg_err pg_terms_label(const pg_terms *t, const uint32_t *docs, size_t n,
                      size_t max_terms, pg_buf *out, pg_error *err);

/* Documents added so far. */
size_t pg_terms_count(const pg_terms *t);

/* Before pg_terms_finish(): distinct terms (words and bigrams) seen so far;
 * after: terms kept in the vectors. */
size_t pg_terms_vocabulary(const pg_terms *t);

/* For inspection and tests: appends to out the terms text would produce,
 * as internal keys (stems) separated by spaces, with " |" where a phrase
 * ends (a stop word, a number, clause punctuation), e.g. "Spiking neural
 * networks in the brain." gives "spike neural network | brain".  Bigrams are
 * not listed.  Does not change t's documents.  Returns PG_OK, PG_ERR_USAGE
 * (text NULL with len > 0), PG_ERR_NOMEM. */
pg_err pg_terms_tokens(pg_terms *t, const char *text, size_t len,
                       pg_buf *out, pg_error *err);

/* Looks up the term that phrase (one word, or two for a bigram) makes, with
 * the same folding and stemming as documents: "Networks" finds the term of
 * "network".  Before pg_terms_finish() any term seen is found, with kept 0;
 * after it only the kept terms are.  Returns PG_OK and fills *info;
 * PG_ERR_NOT_FOUND when the phrase is no known term (a stop word, three
 * words, a term never seen or dropped); PG_ERR_NOMEM. */
pg_err pg_terms_lookup(pg_terms *t, const char *phrase, pg_term_info *info,
                       pg_error *err);

/* ---- shared by the graph stage's files ------------------------------- */

/* Runs fn(a) and fn(b), on two threads when the machine has two cores and
 * a thread can be made, else one after the other.  Callers make a and b
 * independent and combine them in a fixed order, so results never depend
 * on which ran where. */
void pgg_run2(void (*fn)(void *), void *a, void *b);

/* The cores online, at least 1: whether pgg_run2 will try a second thread. */
int pgg_cores(void);

/* pg_graph_build, given (when not NULL) a term model to which the texts of
 * papers[0 .. n) were added in array order, not finished: it is used when
 * the papers come in node order (paper id order) and rebuilt otherwise.
 * The model is the callee's in every case, freed on error. */
pg_err pgg_graph_build(const pg_graph_paper *papers, size_t n,
                       const pg_graph_opts *o, pg_terms *added,
                       pg_graph **out, pg_error *err);

/* How pg_papers_graph shares the cutting of texts between its reading and
 * adding threads (paper_graph.c), for tests: which road a text takes, and
 * whether a block of cut texts comes back in time to be reused, depends on
 * the timing of the threads, which a test cannot choose. */
typedef struct pgg_feed_tuning {
    int cut;                    /* 0: the adder cuts every text itself */
    size_t cut_when_behind;     /* the reader cuts a text when this many or
                                   more wait for the adder; 0: every text */
    size_t block_size;          /* bytes of a block of cut texts (a longer
                                   cut text gets a block of its own size) */
    size_t max_blocks;          /* 0: no bound; else at least 2: past this
                                   many blocks the reader waits for the adder
                                   to hand one back, while it runs */
    /* set by the call: */
    size_t made;                /* blocks allocated */
    size_t reused;              /* blocks taken again after the adder had
                                   handed them back */
} pgg_feed_tuning;

/* pg_papers_graph with the cutting tuned; pg_papers_graph is this with
 * cut = pgg_cores() > 1, cut_when_behind 128, 1 MiB blocks and no bound.
 * The graph is the same whatever the tuning.  PG_ERR_USAGE for max_blocks
 * 1, and pg_papers_graph's errors. */
pg_err pgg_papers_graph_with(pg_store *s, const pg_graph_opts *o, pgg_feed_tuning *tune,
                             pg_graph **out, pg_error *err);

/* Sources the betweenness of g takes under o: n (exact), fewer (sampled)
 * or 0 (off); see pg_graph_opts.betweenness_budget. */
size_t pgg_betweenness_sources(const pg_graph *g, const pg_graph_opts *o);

/* Fills every node's betweenness by hop count (centrality.c): exact over
 * all sources, or estimated from the sampled ones scaled by n / k, or -1
 * when off; sets g->betweenness_sampled and g->betweenness_sources.  Needs
 * g's nodes and edges only.  PG_ERR_NOMEM. */
pg_err pgg_betweenness(pg_graph *g, const pg_graph_opts *o, pg_error *err);

/* Betweenness on a thread of its own while the caller goes on with the
 * rest of the analysis, which must leave g's edges and each node's
 * betweenness alone until pgg_betweenness_join: the two fill different
 * fields.  Without a thread to be had, the join computes it. */
typedef struct pgg_background {
    pthread_t th;
    int started;
    pg_graph *g;
    const pg_graph_opts *o;
    pg_err rc;
    pg_error err;
} pgg_background;

void pgg_betweenness_start(pgg_background *b, pg_graph *g, const pg_graph_opts *o);

/* Waits for the betweenness started by pgg_betweenness_start and returns
 * pgg_betweenness's result (its error in err). */
pg_err pgg_betweenness_join(pgg_background *b, pg_error *err);

/* Weighted PageRank of g with the given damping (centrality.c), summing to
 * 1: a paper without edges spreads its rank over all papers, as igraph's
 * PRPACK does.  Needs the edges and each node's strength.  PG_ERR_NOMEM. */
pg_err pgg_pagerank(pg_graph *g, double damping, pg_error *err);

/* One piece of evidence for a pair of nodes, merged per pair into an edge
 * by graph.c. */
typedef struct evidence {
    uint32_t a, b;
    uint32_t shared;    /* exact URLs in common */
    float term;         /* cosine similarity, 0 when none */
    double link;        /* rarity-weighted link score */
} evidence;

typedef struct ev_vec {
    evidence *v;
    size_t n, cap;
} ev_vec;

/* Appends x to e; PG_ERR_NOMEM. */
pg_err pgg_ev_push(ev_vec *e, const evidence *x);

/* Link evidence of the papers (node i is papers[order[i]]) into ev
 * (links.c). */
pg_err pgg_link_evidence(const pg_graph_paper *papers, const size_t *order,
                         size_t n, ev_vec *ev, pg_error *err);

/* Community top papers and term labels, and node labels (labels.c). */
void pgg_community_tops(pg_graph *g);
pg_err pgg_community_labels(pg_graph *g, const pg_terms *model, pg_error *err);
pg_err pgg_node_labels(pg_graph *g, pg_error *err);

/* Positions every node (layout.c): communities as regions, see there.
 * Needs the communities (and n_groups); leaves x, y unscaled.  Call with
 * the non-aborting igraph handlers installed.  PG_ERR_NOMEM, PG_ERR_GRAPH. */
pg_err pgg_layout(pg_graph *g, uint64_t seed, pg_error *err);

/* Seeded weighted Fruchterman-Reingold (graph.c, so that igraph stays
 * behind one file) of n vertices and the m edges ev[2m] with weights w[m];
 * xy (room for 2n) receives x and y of each vertex. */
pg_err pgg_fr_layout(size_t n, const int64_t *ev, const double *w, size_t m, int iters,
                     uint64_t seed, double *xy, pg_error *err);

#endif
