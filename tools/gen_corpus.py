#!/usr/bin/python3
"""gen_corpus.py: a labelled synthetic corpus of "Daily Papers" listing pages.

Writes listing files in the real format (see shared FORMAT.md) made of
invented papers (random but plausible text from a built-in vocabulary: no
real data), each listed on several days and spelled differently each time,
plus the hard negatives a deduplicator must not merge.  Ground truth:

  DIR/truth.tsv      file<TAB>line<TAB>paper_label for every entry
                     (line = 1-based line of the entry's title)
  DIR/negatives.tsv  label_a<TAB>label_b<TAB>kind for every hard-negative pair

Variations of one paper (FORMAT.md "What repeats"): white space, case, curly
quotes, ligatures, non-breaking spaces, decomposed accents, HTML entities,
truncated abstracts ("..." or "…", cut at a word or inside one), revised
titles and abstracts (a new version from some day on), URL spellings
(http/https, case, ".git", trailing "/" or ".", markdown doubles, "www."),
metadata blocks present or not, upvotes growing.

Hard negatives (negatives.tsv kinds):
  generic-title   distinct papers with the same generic title ("Editorial",
                  "Continual Learning") and different abstracts
  related         follow-up work of the same group: other title, mostly other
                  abstract, but one or two sentences and the repository link
                  in common
  same-title-year distinct papers with the same title published years apart
  companion       a group's two papers on one abstract (workshop version,
                  companion paper): nearly the same abstract, other titles
  sibling         a group's papers whose titles differ by a word: "Part 1" and
                  "Part 2", a model and its "-VL" (or "-Audio", "-Lite")
                  variant, one word of the title changed; same year, and
                  their abstracts share about a third of their sentences

Usage:
  gen_corpus.py --papers N --days D --seed S --out DIR
  gen_corpus.py --entries N [--days D] --seed S --out DIR   (scale mode:
                  about N/5 papers listed 5 times on average; 100,000 entries
                  make about 170 MB)
  --shared-sentences  (either mode) abstracts built partly from a shared
                  pool of boilerplate sentences, as in boilerplate-heavy
                  listings: the pool is cut into templates of SHARED_BODY + 1
                  sentences, one template per SHARED_PAPERS papers (each
                  paper draws one at random); every abstract opens with its
                  template's opening sentence (so all texts of a template share
                  their first words: dozens of blocking candidates each) and
                  about SHARED_FRACTION of its other sentences are replaced by
                  sentences of the template.  Titles, the code sentence and
                  the remaining sentences stay the paper's own, so papers stay
                  distinguishable; truth.tsv and negatives.tsv as above.
"""

import argparse
import datetime
import os
import random
import sys
import unicodedata

# ---------------------------------------------------------------- vocabulary

ADJ = """adaptive robust efficient scalable sparse hierarchical contrastive
generative discriminative probabilistic causal modular lightweight unified
multimodal multilingual compositional dynamic structured latent implicit
explicit differentiable federated decentralized interpretable faithful
calibrated uncertainty-aware memory-efficient data-efficient label-efficient
self-supervised semi-supervised weakly-supervised zero-shot few-shot
continual incremental temporal spatial spatiotemporal geometric equivariant
invariant topological spectral recurrent convolutional attentive autoregressive
non-autoregressive diffusion-based flow-based energy-based retrieval-augmented
tool-augmented instruction-tuned preference-aligned reward-guided
physics-informed graph-based token-level sequence-level region-aware
context-aware length-generalizing long-context low-rank quantized pruned
distilled mixture-of-experts asynchronous streaming online offline
hybrid neuro-symbolic programmatic verifiable certified private fair
""".split()

NOUN = """framework model architecture method approach pipeline benchmark dataset
estimator decoder encoder tokenizer objective regularizer prior policy planner
agent controller simulator renderer representation embedding attention
transformer network kernel operator solver optimizer scheduler curriculum
protocol metric loss adapter router retriever reranker verifier critic
generator discriminator autoencoder codebook memory cache index graph manifold
""".split()

NOUNS = """models methods approaches architectures pipelines benchmarks datasets
agents policies representations embeddings networks solvers optimizers
metrics losses adapters retrievers verifiers generators features tokens
experts layers modules heads prompts demonstrations trajectories rewards
""".split()

TASK = """image classification|object detection|semantic segmentation|depth estimation|
pose estimation|video generation|image editing|text-to-image synthesis|speech recognition|
speech synthesis|machine translation|question answering|code generation|theorem proving|
mathematical reasoning|program synthesis|molecule generation|protein design|
weather forecasting|traffic prediction|anomaly detection|sequential recommendation|
dense retrieval|abstractive summarization|open-domain dialogue|task planning|
visual navigation|robotic manipulation|legged locomotion|scene reconstruction|
novel view synthesis|point cloud completion|3D shape generation|document understanding|
table understanding|chart reasoning|time series forecasting|link prediction|
node classification|causal discovery|domain adaptation|continual learning|
federated learning|offline reinforcement learning|imitation learning|active learning|
hallucination detection|instruction following|long-form generation|visual grounding|
medical image analysis|remote sensing|autonomous driving|audio captioning|
music generation|sign language translation|handwriting recognition|optical flow|
motion forecasting|trajectory prediction|entity linking|relation extraction""".split("|")

DOMAIN = """vision-language models|large language models|diffusion models|
graph neural networks|vision transformers|speech foundation models|
multimodal agents|embodied agents|recommender systems|edge devices|
low-resource languages|clinical text|satellite imagery|scientific literature|
financial time series|molecular graphs|robot learning|autonomous vehicles|
video understanding|3D scenes|code repositories|mathematical olympiads|
tabular data|knowledge graphs|spoken dialogue|medical imaging|point clouds|
histopathology slides|legal documents|educational content""".split("|")

VERB = """improves enhances accelerates stabilizes simplifies generalizes
regularizes compresses aligns grounds calibrates disentangles unifies
decomposes distills refines reweights prunes caches retrieves verifies
""".split()
VERB_BASE = """improve enhance accelerate stabilize simplify generalize regularize
compress align ground calibrate disentangle unify decompose distill refine
reweight prune cache retrieve verify capture model recover localize predict
""".split()
VERB_ING = """improving enhancing accelerating stabilizing simplifying aligning
grounding calibrating disentangling unifying decomposing distilling refining
reducing preserving exploiting leveraging combining scaling adapting
""".split()

TECH = """contrastive pretraining|masked modeling|low-rank adaptation|
knowledge distillation|chain-of-thought prompting|preference optimization|
reinforcement learning from feedback|test-time scaling|speculative decoding|
optimal transport|score matching|flow matching|neural radiance fields|
Gaussian splatting|graph rewiring|curriculum learning|meta-learning|
mixture of experts|state space models|sparse attention|rotary embeddings|
token merging|prompt tuning|self-consistency|Monte Carlo tree search|
variational inference|Bayesian optimization|evolutionary search|
program-of-thought|tool use|retrieval augmentation|data augmentation|
adversarial training|quantization-aware training|structured pruning|
energy-based modeling|causal intervention|counterfactual reasoning""".split("|")

METRIC = """accuracy|F1 score|BLEU|ROUGE-L|mean average precision|IoU|PSNR|FID|
CLIP score|success rate|pass@1|exact match|word error rate|top-1 accuracy|
calibration error|AUROC|NDCG@10|recall@20|latency|throughput""".split("|")

BENCH_SYL = """Ar Ba Co De El Fa Ge Hi Io Ju Ka Lu Mi No Or Pi Qu Ra Se Ta Ul Ve Wa
Xe Yo Ze""".split()

NAME_SYL = """vor tex lum ina gra phi neo syn cog mat ral quan tri dex mor pho zen
kai lex ora vis nova flux sig mar tel ops hel ion rex tur vel arc omni
""".split()

# Words with accents (precomposed here; some occurrences decompose them).
ACCENTED = ["Poincaré", "Fréchet", "Schrödinger", "Erdős–Rényi", "naïve",
            "Gödel", "Hölder", "Lévy", "Kähler", "Bézier", "Sérsic", "Möbius"]

GENERIC_TITLES = ["Editorial", "Introduction", "Continual Learning",
                  "Technical Report", "Scaling Laws", "Preface",
                  "Position Paper", "World Models", "Guest Editorial",
                  "Editor's Notes", "Foundation Models", "Book Review",
                  "Reasoning", "Alignment", "Open Problems", "Lecture Notes",
                  "Summary", "Concluding Remarks", "Reward Models",
                  "Graph Transformers", "Test-Time Scaling", "Agents",
                  "Tutorial", "Keynote", "Invited Talk", "Overview",
                  "Neural Fields", "Sparse Autoencoders", "Tokenization",
                  "In-Context Learning"]

OWNERS = """lab-ai deepmind-x nlp-group vision-lab robo-team ml-collective
brain-cog-lab ici-bci qiuzh20 openmmlab hazy-research stanford-crfm
""".split()

# Sentence templates.  "{slot}" draws a word or phrase from the vocabulary;
# "{a|b|c}" picks one of the spellings, so that unrelated abstracts share few
# 3-word phrases (real ones share under 1% of them).
SENT = [
    "{Domain} have {seen|made|shown|enjoyed} {rapid|remarkable|impressive|steady|notable} {progress|advances|gains|success}, {yet|but|however,|although} {task} {remains|is still|continues to be|stays} {challenging|difficult|an open problem|poorly understood|largely unsolved|brittle} {when|especially when|in settings where|particularly when} {cond}.",
    "{Despite|Notwithstanding|Even with|In spite of} {recent|rapid|considerable|much} {progress|work|interest|effort} {in|on|around} {task}, {existing|current|prior|most|standard} {nouns} {often|frequently|typically|still|commonly} {struggle|fail|are unable} to {vbase} {nouns2} {under|with|given|in the presence of} {cond2}.",
    "{A key|The main|One central|A fundamental|The core} {obstacle|limitation|difficulty|bottleneck|challenge} is that {current|existing|popular|conventional} {nouns} {rely on|depend on|build on|are trained with} {tech}, which {verb} {nouns2} {but|yet|while it} {ignores|overlooks|neglects|discards} {prop}.",
    "{In this paper|In this work|Here|To address this|To this end|We tackle this problem}, we {propose|present|introduce|develop|describe} {Name}, a {adj} {noun} that {verb} {task} {through|via|by means of|using|with} {tech}.",
    "{We introduce|We present|We build|We design|Our method,} {Name}{,| which| that} {couples|combines|pairs|integrates|augments} a {adj} {noun} with a {adj2} {noun2} to {vbase} {nouns2}.",
    "{At its core|Concretely|In particular|Technically|Internally}, {Name} {learns|builds|maintains|estimates|infers} a {adj} {noun} {over|across|from|on top of} {nouns2} and {verb} it {with|using|through|via} {tech}.",
    "{Specifically|More specifically|In detail|To do so|For this purpose}, we {design|devise|construct|formulate|propose} a {adj} {noun} that {verb} the {prop} of {nouns2} {without|with no|requiring no|free of} {additional|extra|external|manual|explicit} {supervision|labels|annotations|tuning|heuristics}.",
    "We {further|additionally|also|then} {develop|add|introduce|derive|employ} a {adj2} {noun2} that {verb} {long-range|fine-grained|cross-modal|hierarchical|latent|higher-order} {dependencies|interactions|correlations|structure|relations} {between|among|across|within} {nouns}.",
    "{Unlike|In contrast to|Different from|Compared to} {prior|previous|earlier|existing} {work|methods|approaches|studies} {on|based on|built around|that use} {tech}, our {formulation|design|objective|algorithm|model} is {adj} and {requires|needs|assumes|uses} no {resource}.",
    "{Theoretically|On the theory side|Formally|Analytically}, we {show|prove|establish|demonstrate} that {Name} {verb} the {prop} of the {noun} {under mild assumptions|in the limit|with high probability|for a broad class of inputs}, {drawing on|building on|using|inspired by} {accent} {analysis|theory|arguments|geometry}.",
    "We {also|further|additionally} {provide|give|offer|derive} a {adj} {analysis|characterization|bound|interpretation} {connecting|relating|linking|that ties} {tech} {to|with|and} {tech2}.",
    "{Extensive|Comprehensive|Large-scale|Systematic|Thorough} {experiments|evaluations|studies|results} on {n} {benchmarks|datasets|tasks|suites}, {including|such as|among them|notably} {Bench} and {Bench2}, {show|demonstrate|indicate|confirm} that {Name} {improves|raises|boosts|increases} {metric} by {pct}% over {the strongest baseline|prior art|competitive baselines|the previous best}.",
    "On {Bench}, {Name} {reaches|achieves|attains|obtains} {pct2}% {metric} while {ving} {resource} by {x}x.",
    "{Ablation studies|Ablations|Controlled ablations|Further analyses} {confirm|show|verify|reveal} that {both|each of} the {adj} {noun} and the {adj2} {noun2} {are essential|contribute|matter|are necessary}.",
    "{Our analysis|Further analysis|A closer look|Probing experiments} {reveals|shows|suggests|indicates} that {nouns} {trained|optimized|fine-tuned|pretrained} with {tech} {exhibit|display|show|develop} {adj} {behaviour|behavior|representations|biases} on {task}.",
    "{Human evaluation|A user study|Expert assessment|Blind evaluation} with {n2} {annotators|participants|raters|experts} {further|also|additionally} {confirms|supports|validates} the {gains|improvements|benefits} in {prop}.",
    "{Moreover|Furthermore|In addition|Beyond this}, {Name} {transfers|generalizes|adapts|extends} to {task2} with {only|just|as few as} {n} {labelled|labeled|annotated} {examples|samples|demonstrations}.",
    "We {release|contribute|construct|curate} a new {benchmark|dataset|testbed|suite}, {Bench3}, {containing|with|comprising|covering} {k}k {examples|instances|samples|problems} of {task} {across|in|over|spanning} {n} {domain} {settings|scenarios|domains|conditions}.",
    "{These results|These findings|Our results|Together, these results} {suggest|indicate|highlight|show} that {ving} {nouns} is a {promising|practical|viable|simple} {direction|path|recipe|strategy} for {domain}.",
    "{Finally|Lastly|We conclude by}, we {discuss|analyze|examine|outline} {limitations|failure modes|weaknesses|open issues} of {Name} {regarding|concerning|related to|in terms of} {prop} and {outline|suggest|identify|point to} {directions|avenues|questions} for {future work|further research|follow-up studies}.",
    "We {find|observe|note|discover} that {scaling|enlarging|growing|widening} the {noun} {beyond|past|above|over} {n}B parameters {yields|gives|brings|leads to} {diminishing returns|marginal gains|no further gains|unstable training} for {task}.",
    "{Compared with|Relative to|Against|Versus} {tech}, our {noun} {reduces|cuts|lowers|decreases} {resource} by {pct}% with {comparable|similar|matching|better} {metric}.",
    "The {resulting|final|proposed|learned} {noun} is {adj}, {adj2}, and {easy|simple|cheap|straightforward} to {integrate|plug|combine|deploy} {into|with|within|alongside} {existing|standard|off-the-shelf|common} {nouns}.",
    "We {call|term|name|dub} this {failure|effect|phenomenon} \"{adj} {noun} collapse\" and {show|find|argue} that it {verb} {nouns2}.",
    "{Name}'s {noun} {verb} the {prop} of {nouns} at {negligible|little|modest|no} extra cost.",
    "{Our code, data, and models|Code and models|All code and data|Code, checkpoints, and data} are {available|released|publicly available|open-sourced} at {url}.",
    "Code is available at {url}.",
    "Project page: {url}.",
]
CODE_SENTS = SENT[-3:]
BODY_SENTS = SENT[:-3]

PROP = """robustness|faithfulness|sample efficiency|calibration|fairness|
interpretability|temporal consistency|geometric fidelity|compositional
generalization|long-horizon coherence|factual accuracy|diversity|privacy|
stability|transferability|controllability""".split("|")
RESOURCE = """memory|inference latency|training compute|annotation cost|
communication overhead|GPU hours|energy consumption|parameter count""".split("|")
COND = """data are scarce|labels are noisy|the distribution shifts at test time|
inputs are very long|objects are occluded|the environment is partially observable|
supervision is weak|budgets are tight|modalities are missing|
instructions are ambiguous|sensors drift over time|classes are imbalanced|
annotations disagree|the action space is large|rewards are sparse|
queries are compositional|the graph is heterophilous|images are low resolution|
speakers overlap|the vocabulary is open|tasks arrive sequentially|
clients hold non-IID data|latency constraints are strict|the context is multilingual|
evidence is spread across documents|the camera moves quickly|
physical constraints must hold|the test domain is unseen""".split("|")


def _clean(lst):
    return [" ".join(x.split()) for x in lst]


TASK, DOMAIN, TECH, METRIC, PROP, RESOURCE, COND = (
    _clean(x) for x in (TASK, DOMAIN, TECH, METRIC, PROP, RESOURCE, COND))

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
          "Oct", "Nov", "Dec"]

HEADER = ("new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
          "Daily Papers\n\nbyAK and the research community\n\n")
HEADER_LINES = HEADER.count("\n")


# ---------------------------------------------------------------- papers

class Paper:
    """One paper: its label, versions (title, sentences), metadata."""
    __slots__ = ("label", "versions", "authors", "pub", "url", "revise_at")

    def __init__(self, label):
        self.label = label
        self.versions = []      # [(title, [sentence], ctx)]: v1, maybe v2
        self.authors = 1
        self.pub = None         # datetime.date
        self.url = None         # (owner, repo) or None
        self.revise_at = 99     # occurrence index from which version 2 shows


def make_name(rng):
    n = rng.choice((2, 2, 3))
    name = "".join(rng.choice(NAME_SYL) for _ in range(n)).capitalize()
    r = rng.random()
    if r < 0.25:
        name = name.upper()[:rng.choice((3, 4, 5))]
    elif r < 0.35:
        name += "-" + rng.choice(("2", "3D", "XL", "Zero", "R1", "V"))
    return name


def make_bench(rng):
    return rng.choice(BENCH_SYL) + rng.choice(NAME_SYL) + rng.choice(("", "-Bench", "QA", "-1K", "++"))


def _cap(x):
    return x[:1].upper() + x[1:]


# Slot name -> function of rng giving its text.
SLOTS = {
    "Domain": lambda r: _cap(r.choice(DOMAIN)),
    "domain": lambda r: r.choice(DOMAIN),
    "task": lambda r: r.choice(TASK), "task2": lambda r: r.choice(TASK),
    "cond": lambda r: r.choice(COND),
    "cond2": lambda r: r.choice(COND).replace(" are ", " being ").replace(" is ", " being "),
    "nouns": lambda r: r.choice(NOUNS), "nouns2": lambda r: r.choice(NOUNS),
    "noun": lambda r: r.choice(NOUN), "noun2": lambda r: r.choice(NOUN),
    "adj": lambda r: r.choice(ADJ), "adj2": lambda r: r.choice(ADJ),
    "verb": lambda r: r.choice(VERB), "vbase": lambda r: r.choice(VERB_BASE),
    "ving": lambda r: r.choice(VERB_ING),
    "tech": lambda r: r.choice(TECH), "tech2": lambda r: r.choice(TECH),
    "prop": lambda r: r.choice(PROP), "resource": lambda r: r.choice(RESOURCE),
    "metric": lambda r: r.choice(METRIC),
    "n": lambda r: str(r.randint(3, 12)), "n2": lambda r: str(r.randint(5, 60)),
    "k": lambda r: str(r.randint(2, 120)),
    "pct": lambda r: "%d.%d" % (r.randint(1, 30), r.randint(0, 9)),
    "pct2": lambda r: "%d.%d" % (r.randint(40, 97), r.randint(0, 9)),
    "x": lambda r: "%d.%d" % (r.randint(1, 9), r.randint(0, 9)),
    "Bench": lambda r: make_bench(r), "Bench2": lambda r: make_bench(r),
    "Bench3": lambda r: make_bench(r),
    "accent": lambda r: r.choice(ACCENTED),
}

_PARSED = {}


def _parse(tmpl):
    """Splits a template into literal text and (kind, value) slots once."""
    parts = []
    i = 0
    while True:
        j = tmpl.find("{", i)
        if j < 0:
            parts.append(tmpl[i:])
            return parts
        k = tmpl.index("}", j)
        parts.append(tmpl[i:j])
        body = tmpl[j + 1:k]
        parts.append(tuple(body.split("|")) if "|" in body else (body,))
        i = k + 1


# Slots that a paper's own terms may take: real abstracts are mostly made of
# words particular to the paper, so that two of them share few phrases.
TERM_SLOTS = frozenset(("noun", "noun2", "nouns", "nouns2", "task2", "prop",
                        "adj2", "tech", "tech2", "cond", "cond2", "resource"))

TERM_SYL = """ba ce di fo gu ha ke li mo nu pa qui ro sa te vu wy xa zo bra cle dro
fla gri klo ple pro sta tri vel mer nor sil tan dor lin cas ven rin mol pel
tor gan fer""".split()
TERM_END = ("ic", "al", "ive", "ion", "ar", "ent", "oid", "ous", "ics", "ity")


def make_terms(rng):
    """Six invented technical terms of one paper ("travoric kernel")."""
    terms = []
    for _ in range(6):
        word = "".join(rng.choice(TERM_SYL) for _ in range(rng.randint(2, 3)))
        word += rng.choice(TERM_END)
        r = rng.random()
        if r < 0.5:
            terms.append(word + " " + rng.choice(NOUN))
        elif r < 0.8:
            terms.append(rng.choice(ADJ) + " " + word)
        else:
            terms.append(word)
    return terms


def fill(rng, tmpl, ctx):
    """Fills one sentence template; ctx holds the paper's fixed names and
    terms."""
    parts = _PARSED.get(tmpl)
    if parts is None:
        parts = _PARSED[tmpl] = _parse(tmpl)
    terms = ctx.get("terms")
    out = []
    for p in parts:
        if isinstance(p, str):
            out.append(p)
        elif len(p) > 1:
            out.append(rng.choice(p))
        elif p[0] in ctx:
            out.append(ctx[p[0]])
        elif terms and p[0] in TERM_SLOTS and rng.random() < 0.6:
            out.append(rng.choice(terms))
        else:
            out.append(SLOTS[p[0]](rng))
    return "".join(out)


def make_sentences(rng, ctx, lo=1300, hi=2100):
    """Body sentences until the abstract is 1,300-2,100 characters, then
    maybe a code sentence (kept last)."""
    target = rng.randint(lo + 60, hi - 160)
    sents = []
    size = 0
    opening = rng.randrange(3)
    first = fill(rng, BODY_SENTS[opening], ctx)
    sents.append(first)
    size += len(first) + 1
    pool = list(range(3, len(BODY_SENTS)))
    rng.shuffle(pool)
    for t in pool:
        if size >= target:
            break
        s = fill(rng, BODY_SENTS[t], ctx)
        sents.append(s)
        size += len(s) + 1
    if ctx.get("url"):
        sents.append(fill(rng, rng.choice(CODE_SENTS), ctx))
    return fit_length(rng, sents, ctx, lo, hi)


def fit_length(rng, sents, ctx, lo, hi):
    text_len = sum(len(s) + 1 for s in sents) - 1
    while text_len < lo:
        s = fill(rng, rng.choice(BODY_SENTS[3:]), ctx)
        sents.insert(len(sents) - (1 if ctx.get("url") else 0), s)
        text_len += len(s) + 1
    while text_len > hi and len(sents) > 4:
        drop = sents.pop(len(sents) - (2 if ctx.get("url") else 1))
        text_len -= len(drop) + 1
    return sents


TITLE_FORMS = [
    "{Name}: {Adj} {Noun} for {Task}",
    "{Name}: {Ving} {Domain} with {Tech}",
    "{Name}: Towards {Adj} and {Adj2} {Task}",
    "{Name}: {A} {Adj} {Noun} for {Adj2} {Task}",
    "{Name}: {Ving} {Task} in {Domain} via {Tech}",
    "{Name}: {Adj} {Tech} for {Domain}",
    "{Name}: Can {Domain} {Vbase} {Nouns}?",
    "{Adj} {Noun} for {Task} in {Domain}",
    "Towards {Adj} {Task} via {Tech}",
    "On the {Prop} of {Tech} for {Task}",
    "Learning to {Vbase} {Nouns} for {Task}",
    "When {Tech} Meets {Task}: {A} {Adj} {Noun}",
    "{Ving} {Prop} in {Domain} with {Adj} {Tech}",
    "Do {Domain} {Vbase} {Nouns}? {A} Study of {Prop}",
]


def titlecase(s):
    out = []
    for i, w in enumerate(s.split(" ")):
        if i and w in ("for", "of", "in", "via", "with", "and", "to", "the", "a", "an", "on"):
            out.append(w)
        elif w[:1].islower():
            out.append(w[0].upper() + w[1:])
        else:
            out.append(w)
    return " ".join(out)


def make_title(rng, ctx):
    form = rng.choice(TITLE_FORMS)
    vals = {
        "Name": ctx["Name"], "Adj": rng.choice(ADJ), "Adj2": rng.choice(ADJ),
        "Noun": rng.choice(NOUN), "Nouns": rng.choice(NOUNS),
        "Task": rng.choice(TASK), "Domain": rng.choice(DOMAIN),
        "Tech": rng.choice(TECH), "Prop": rng.choice(PROP),
        "Vbase": rng.choice(VERB_BASE), "Ving": rng.choice(VERB_ING), "A": "A",
    }
    t = form
    for k, v in vals.items():
        t = t.replace("{" + k + "}", v)
    if rng.random() < 0.08:
        t = t.replace(" and ", " & ", 1) if " and " in t else t + " & Beyond"
    return titlecase(t)


def revise_title(rng, title):
    """A new version's title: a word added, replaced, or the subtitle
    reworded; the rest stays."""
    words = title.split(" ")
    r = rng.random()
    if r < 0.4 and len(words) > 3:
        i = rng.randrange(1, len(words))
        words.insert(i, titlecase(rng.choice(ADJ)))
    elif r < 0.7:
        i = rng.randrange(len(words))
        words[i] = titlecase(rng.choice(ADJ + NOUN))
    else:
        words.append("with " + titlecase(rng.choice(TECH)))
    return " ".join(words)


def revise_sentences(rng, sents, ctx):
    """A new version's abstract: one to three sentences rewritten, sometimes
    one added; the code sentence stays."""
    sents = list(sents)
    body = len(sents) - (1 if ctx.get("url") else 0)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(1, body)
        sents[i] = fill(rng, rng.choice(BODY_SENTS[3:]), ctx)
    if rng.random() < 0.3:
        sents.insert(body, fill(rng, rng.choice(BODY_SENTS[3:]), ctx))
    return fit_length(rng, sents, ctx, 1300, 2100)


def new_paper(rng, label, start, name=None, url=False):
    p = Paper(label)
    name = name or make_name(rng)
    ctx = {"Name": name, "terms": make_terms(rng)}
    if url or rng.random() < 0.45:
        p.url = (rng.choice(OWNERS), name.lower().replace("-", "_") + rng.choice(("", "-code", "-official")))
        ctx["url"] = "https://github.com/%s/%s" % p.url
    title = make_title(rng, ctx)
    sents = make_sentences(rng, ctx)
    p.versions.append((title, sents, ctx))
    p.authors = min(40, max(1, int(rng.expovariate(1 / 5.0)) + 1))
    p.pub = start - datetime.timedelta(days=rng.choice((rng.randint(0, 20), rng.randint(0, 900))))
    if rng.random() < 0.22:
        r = rng.random()
        t2 = revise_title(rng, title) if r < 0.45 else title
        s2 = revise_sentences(rng, sents, ctx) if r > 0.25 else sents
        p.versions.append((t2, s2, ctx))
    return p


def sibling_group(rng, labels, start):
    """Papers of one group whose titles differ by a word (see "sibling")."""
    a = new_paper(rng, labels[0], start)
    ta, sa, ca = a.versions[0]
    form = rng.choice(("part", "variant", "word"))
    if form == "variant" and ca["Name"] not in ta:
        ta = "%s: %s" % (ca["Name"], ta)
    if form == "part":
        roman = rng.random() < 0.5
        ta = ta + (", Part I" if roman else ", Part 1")
    a.versions = [(ta, sa, ca)]
    papers = [a]
    for i, lab in enumerate(labels[1:], 2):
        name = None
        if form == "variant":
            name = ca["Name"] + rng.choice(("-VL", "-V", "-Audio", "-Lite", "-Math", "-R1"))
        p = new_paper(rng, lab, start, name=name)
        _, s, c = p.versions[0]
        if form == "part":
            t = ta.rsplit(" ", 1)[0] + " " + (("I" * i) if roman else str(i))
        elif form == "variant":
            t = ta.replace(ca["Name"], name, 1)
        else:
            words = ta.split(" ")
            j = rng.choice([k for k, w in enumerate(words) if len(w) > 3 and w != ca["Name"] + ":"]
                           or [len(words) - 1])
            words[j] = titlecase(rng.choice([w for w in ADJ + NOUN if w.lower() != words[j].lower()]))
            t = " ".join(words)
        # About a third of the sentences in common: the group's motivation,
        # setting and evaluation.
        s = list(s)
        body = list(range(1, len(s) - (1 if c.get("url") else 0)))
        take = [x for x in sa[:-1] if x not in s]
        for k in rng.sample(body, min(len(body), max(1, len(s) // 3), len(take))):
            s[k] = take.pop(rng.randrange(len(take)))
        p.versions = [(t, s, c)]
        p.pub = a.pub + datetime.timedelta(days=rng.randint(0, 60))
        p.authors = max(1, a.authors + rng.randint(-1, 1))
        papers.append(p)
    return papers


def negative_group(rng, kind, labels, start):
    """A group of distinct papers that look alike; returns papers, pairs."""
    papers = [new_paper(rng, lab, start) for lab in labels]
    if kind == "generic-title":
        gt = rng.choice(GENERIC_TITLES)
        for p in papers:
            p.versions = [(gt, s, c) for (_, s, c) in p.versions]
    elif kind == "same-title-year":
        base = papers[0].versions[0][0]
        # Two years apart at least: beyond the matcher's one-year slack.
        years = [start.year - 2 * i - rng.randint(0, 1) for i in range(len(papers))]
        for p, y in zip(papers, years):
            p.versions = [(base, s, c) for (_, s, c) in p.versions[:1]]
            p.pub = datetime.date(y, rng.randint(1, 12), rng.randint(1, 28))
    elif kind == "related":
        # Follow-up work: the same repository, one or two sentences in
        # common, sometimes the same method name ("Foo" and "Foo-2").
        a = new_paper(rng, labels[0], start, url=True)
        papers = [a]
        shared = rng.sample(a.versions[0][1][1:-1], rng.choice((1, 1, 2)))
        same_opening = rng.random() < 0.3
        for lab in labels[1:]:
            name = a.versions[0][2]["Name"] + rng.choice(("-2", "++", "-XL")) \
                if rng.random() < 0.5 else None
            p = new_paper(rng, lab, start, name=name, url=True)
            t, s, c = p.versions[0]
            c["url"] = a.versions[0][2]["url"]
            p.url = a.url
            s = s[:-1]
            for sh in shared:
                s.insert(rng.randrange(1, len(s)), sh)
            if same_opening:        # the group's usual motivation sentence
                s[0] = a.versions[0][1][0]
            s.append(fill(rng, CODE_SENTS[0], c))
            p.versions = [(t, fit_length(rng, s, c, 1300, 2100), c)]
            papers.append(p)
    elif kind == "sibling":
        papers = sibling_group(rng, labels, start)
    elif kind == "companion":
        # A group's two papers on one abstract (a workshop version, a
        # companion paper): nearly the same abstract, unrelated titles.
        a = papers[0]
        for p in papers[1:]:
            t, _, c = p.versions[0]
            _, sa, ca = a.versions[0]
            s2 = revise_sentences(rng, sa, ca) if rng.random() < 0.5 else list(sa)
            p.versions = [(t, s2, ca)]
            p.url = a.url
            p.authors = max(1, a.authors + rng.randint(-2, 2))
    pairs = [(papers[i].label, papers[j].label, kind)
             for i in range(len(papers)) for j in range(i + 1, len(papers))]
    return papers, pairs


# ---------------------------------------------------------------- shared pool

SHARED_BODY = 7         # body sentences of a template, besides its opening
SHARED_PAPERS = 10      # papers per template (about 3 distinct texts each)
SHARED_FRACTION = 0.5   # share of an abstract's other sentences from the pool
POOL_NAMES = ("our method", "our approach", "the proposed model",
              "our framework", "the proposed system")


def make_template(rng):
    """One template of the shared pool: an opening and SHARED_BODY body
    sentences, filled with the vocabulary alone (no paper's name or terms)."""
    ctx = {"Name": rng.choice(POOL_NAMES)}
    opening = fill(rng, BODY_SENTS[rng.randrange(3)], ctx)
    body = [fill(rng, BODY_SENTS[t], ctx)
            for t in rng.sample(range(3, len(BODY_SENTS)), SHARED_BODY)]
    return opening, body


def share_sentences(rng, group, templates):
    """Rewrites the abstracts of one group's papers (every version) with the
    sentences of each paper's template.  A sentence is replaced the same way
    wherever it occurs in the group, so a revised version, a companion or a
    sibling keeps the sentences it had in common with the others; the
    papers of a group of hard negatives have templates of their own, so
    they share no more than they do in the plain corpus."""
    repl = {}
    for p, (opening, body) in zip(group, templates):
        versions = []
        for title, sents, ctx in p.versions:
            out = []
            for i, s in enumerate(sents):
                if i == 0:
                    out.append(opening)
                    continue
                if "://" in s:              # the code sentence stays own
                    out.append(s)
                    continue
                if s not in repl:
                    repl[s] = rng.choice(body) if rng.random() < SHARED_FRACTION else s
                r = repl[s]
                out.append(s if r in out else r)
            versions.append((title, out, ctx))
        p.versions = versions


# ---------------------------------------------------------------- variation

LIG = (("ffi", "\ufb03"), ("fi", "\ufb01"), ("fl", "\ufb02"), ("ff", "\ufb00"))
ENT = (("&", "&amp;"), ("'", "&#39;"), ('"', "&quot;"), ("<", "&lt;"))


def url_spelling(rng, owner, repo):
    forms = [
        "https://github.com/{o}/{r}",
        "http://GitHub.com/{O}/{R}.git.",
        "https://github.com/{o}/{r}/",
        "https://www.github.com/{o}/{r}",
        "https://github.com/{O}/{R}.git",
        "https://github.com/{o}/{r}](https://github.com/{o}/{r}",
        "http://github.com/{o}/{r}.",
    ]
    f = rng.choice(forms)
    return f.format(o=owner, r=repo, O=owner.capitalize(), R=repo.capitalize())


def vary_text(rng, s, strength):
    """Spelling noise that normalisation must undo."""
    if strength <= 0:
        return s
    if rng.random() < 0.3:
        s = s.replace("'", "\u2019").replace(" \"", " \u201c").replace("\" ", "\u201d ")
    if rng.random() < 0.25:
        for a, b in LIG:
            s = s.replace(a, b)
    if rng.random() < 0.25:
        s = unicodedata.normalize("NFD", s)
    if rng.random() < 0.25:
        for a, b in ENT:
            s = s.replace(a, b)
    if rng.random() < 0.3:
        words = s.split(" ")
        for _ in range(max(1, len(words) // 30)):
            i = rng.randrange(len(words))
            words[i] = words[i] + rng.choice(("\u00a0", "  ", " \u00a0"))
        s = " ".join(words).replace("\u00a0 ", "\u00a0")
    if rng.random() < 0.2:
        s = s + rng.choice((" ", "  ", "\t"))
    return s


def vary_case(rng, title):
    r = rng.random()
    if r < 0.1:
        return title.lower()
    if r < 0.2:
        return title[:1] + title[1:].lower()
    if r < 0.25:
        return title.upper()
    return title


def truncate(rng, text):
    cut = int(len(text) * rng.uniform(0.35, 0.9))
    if rng.random() < 0.7:
        sp = text.rfind(" ", 0, cut)
        cut = sp if sp > 0 else cut
    out = text[:cut].rstrip()
    return out + rng.choice(("...", "\u2026", " ...", "...", "\u2026", " [...]"))


def render_abstract(rng, p, sents, ctx, strength):
    text = " ".join(sents)
    if p.url and strength > 0 and rng.random() < 0.5:
        text = text.replace(ctx["url"], url_spelling(rng, *p.url))
    return vary_text(rng, text, strength)


def date_text(d, page):
    if d.year == page.year:
        return "%s %d" % (MONTHS[d.month - 1], d.day)
    return "%s %d, %d" % (MONTHS[d.month - 1], d.day, d.year)


# ---------------------------------------------------------------- writing

def schedule_paper(rng, p, days, mean_k, pages):
    """Lists p on k days close together (k drawn around mean_k) and picks
    the occurrence from which its new version shows; returns k."""
    k = min(days, 1 + int(rng.expovariate(1.0 / (mean_k - 1.0))))
    span = min(days, max(k, 14))
    first = rng.randrange(days - span + 1)
    day_list = [first + o for o in sorted(rng.sample(range(span), k))]
    if len(p.versions) > 1:
        p.revise_at = rng.randint(1, k - 1) if k > 1 else rng.randint(0, 1)
    for idx, d in enumerate(day_list):
        pages[d].append((p, idx))
    return k


def write_day(rng, path, page_date, entries, with_meta, truth):
    lines = HEADER + "%s %d\n\n" % (MONTHS[page_date.month - 1], page_date.day)
    line_no = HEADER_LINES + 3          # 1-based line of the first title
    parts = [lines]
    base = os.path.basename(path)
    for p, idx in entries:
        v = 1 if (len(p.versions) > 1 and idx >= p.revise_at) else 0
        title, sents, ctx = p.versions[v]
        # Most repeats are byte-identical; the rest are spelled differently.
        strength = 0 if rng.random() < 0.45 else 1
        t = vary_text(rng, vary_case(rng, title), strength) if strength else title
        a = render_abstract(rng, p, sents, ctx, strength)
        if rng.random() < 0.12:
            a = truncate(rng, a)
        t = t.replace("\n", " ")
        a = a.replace("\n", " ")
        truth.append("%s\t%d\t%s\n" % (base, line_no, p.label))
        block = [t, "", a, ""]
        if with_meta and rng.random() < 0.95:
            authors = p.authors + (1 if v and rng.random() < 0.3 else 0)
            date = date_text(p.pub, page_date)
            ups = max(0, (page_date - p.pub).days // 3 + rng.randint(0, 30)) if rng.random() < 0.7 else None
            block += ["  \u2022 %d authors" % authors, "\u00b7",
                      date + (" %d" % ups if ups is not None else ""), ""]
        entry = "\n".join(block) + "\n"
        parts.append(entry)
        line_no += entry.count("\n")
    text = "".join(parts).rstrip("\n")      # real pages end without a newline
    if rng.random() < 0.1:                  # some captures have CRLF line ends
        text = text.replace("\n", "\r\n")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return len(text.encode("utf-8"))


def build(args):
    rng = random.Random(args.seed)
    start = datetime.date(2025, 9, 1)
    if args.entries:
        days = args.days or max(1, args.entries // 1000)
        mean_k = 5.0
        want_papers, want_entries = None, args.entries
    else:
        days = args.days
        mean_k = 2.2
        want_papers, want_entries = args.papers, None
    pages = [[] for _ in range(days)]
    papers, pairs = [], []
    label_no = 0
    entries = 0

    def more():
        if want_papers is not None:
            return len(papers) < want_papers
        return entries < want_entries

    # The shared pool (--shared-sentences) draws from its own generator, so
    # that papers, titles and days are those of the plain corpus of the same
    # seed (spellings drawn while writing the files differ).
    templates, pool_rng, n_templates = None, None, 0
    if args.shared_sentences:
        templates, pool_rng = {}, random.Random(args.seed * 1000003 + 17)
        n_templates = max(1, (want_papers or want_entries // 5) // SHARED_PAPERS)

    # One group of look-alikes every 25 papers.
    kinds = ("generic-title", "related", "same-title-year", "companion", "sibling")
    groups = 0
    while more():
        if label_no % 25 == 0:
            kind = kinds[groups % len(kinds)] if groups < len(kinds) else rng.choice(kinds)
            k = rng.choice((2, 3, 4)) if kind == "generic-title" else rng.choice((2, 2, 3))
            if want_papers is not None:
                k = max(1, min(k, want_papers - len(papers)))
            labels = ["P%06d" % (label_no + i) for i in range(k)]
            grp, prs = negative_group(rng, kind, labels, start)
            groups += 1
        else:
            labels = ["P%06d" % label_no]
            grp, prs = [new_paper(rng, labels[0], start)], []
        label_no += len(labels)
        if templates is not None:
            picked = []
            for _ in grp:
                t = pool_rng.randrange(n_templates)
                if t not in templates:
                    templates[t] = make_template(pool_rng)
                picked.append(templates[t])
            share_sentences(pool_rng, grp, picked)
        papers += grp
        pairs += prs
        for p in grp:
            entries += schedule_paper(rng, p, days, mean_k, pages)
    os.makedirs(args.out, exist_ok=True)
    truth = []
    total = 0
    for d, entries_of_day in enumerate(pages):
        rng.shuffle(entries_of_day)
        page_date = start + datetime.timedelta(days=d)
        with_meta = rng.random() < 0.5
        path = os.path.join(args.out, "%03d_%s.txt" % (d, page_date.isoformat()))
        total += write_day(rng, path, page_date, entries_of_day, with_meta, truth)
    with open(os.path.join(args.out, "truth.tsv"), "w", encoding="utf-8") as f:
        f.writelines(truth)
    with open(os.path.join(args.out, "negatives.tsv"), "w", encoding="utf-8") as f:
        f.writelines("%s\t%s\t%s\n" % pr for pr in pairs)
    print("%d papers, %d entries, %d days, %d hard-negative pairs, %.1f MB in %s"
          % (len(papers), entries, days, len(pairs), total / 1e6, args.out),
          file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--papers", type=int, default=300)
    ap.add_argument("--days", type=int, default=0,
                    help="listing files to write (default 20; scale mode: entries/1000)")
    ap.add_argument("--entries", type=int, default=0,
                    help="scale mode: about this many entries")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--shared-sentences", action="store_true",
                    help="abstracts partly built from a shared pool of sentences")
    args = ap.parse_args()
    if not args.entries and not args.days:
        args.days = 20
    if args.papers < 1 or args.days < 0 or args.entries < 0:
        ap.error("counts must be positive")
    build(args)


if __name__ == "__main__":
    main()
