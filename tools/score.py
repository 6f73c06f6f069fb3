#!/usr/bin/python3
"""score.py: how well papergraph's papers match a labelled corpus.

  score.py TRUTH PREDICTED [--negatives NEG] [--min-f1 X]

TRUTH is gen_corpus.py's truth.tsv (file<TAB>line<TAB>paper_label).
PREDICTED is papergraph's occurrence export in CSV: a header row naming at
least the columns file, line and paper_id.  Files are matched by base name,
so the corpus may have been ingested from any directory.

Prints pairwise precision, recall and F1 over occurrence pairs ("these two
entries are the same paper"), computed from cluster sizes (a contingency
table), not by enumerating pairs; and with --negatives, how many of the hard
negative label pairs were merged anyway (any occurrence of one label shares a
paper_id with an occurrence of the other).

Exit status 0, or 1 with --min-f1 when F1 is below it (2 on unreadable
input).
"""

import argparse
import collections
import csv
import os
import sys


def pairs(n):
    return n * (n - 1) // 2


def read_truth(path):
    truth = {}
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if no == 1 and len(parts) >= 3 and not parts[1].strip().isdigit():
                continue        # a header row (dailyarxiv-dev's truth.tsv)
            if len(parts) < 3:
                raise ValueError("%s:%d: want file<TAB>line<TAB>label" % (path, no))
            truth[(os.path.basename(parts[0]), int(parts[1]))] = parts[2]
    return truth


def read_predicted(path):
    pred = {}
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f)
        missing = {"file", "line", "paper_id"} - set(rows.fieldnames or ())
        if missing:
            raise ValueError("%s: no column %s" % (path, ", ".join(sorted(missing))))
        for row in rows:
            pred[(os.path.basename(row["file"]), int(row["line"]))] = row["paper_id"]
    return pred


def read_negatives(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) >= 2 and not line.startswith("#"):
                out.append((parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    return out


def score(truth, pred):
    """Pairwise counts over the occurrences present in both."""
    cell = collections.Counter()
    by_label = collections.Counter()
    by_paper = collections.Counter()
    for k, label in truth.items():
        paper = pred.get(k)
        if paper is None:
            continue
        cell[(label, paper)] += 1
        by_label[label] += 1
        by_paper[paper] += 1
    tp = sum(pairs(n) for n in cell.values())
    true_pairs = sum(pairs(n) for n in by_label.values())
    pred_pairs = sum(pairs(n) for n in by_paper.values())
    return tp, true_pairs, pred_pairs, sum(by_label.values()), len(by_label), len(by_paper)


def merged_negatives(truth, pred, negatives):
    papers_of = collections.defaultdict(set)
    for k, label in truth.items():
        if k in pred:
            papers_of[label].add(pred[k])
    return [(a, b, kind) for a, b, kind in negatives if papers_of[a] & papers_of[b]]


def print_examples(truth, pred, n):
    """One FILE:LINE pair per label split over papers (missed) and per paper
    holding several labels (false merge), first in file order."""
    papers_of = collections.defaultdict(dict)
    labels_of = collections.defaultdict(dict)
    for k in sorted(truth):
        if k in pred:
            papers_of[truth[k]].setdefault(pred[k], k)
            labels_of[pred[k]].setdefault(truth[k], k)
    split = sorted(l for l, d in papers_of.items() if len(d) > 1)
    mixed = sorted(p for p, d in labels_of.items() if len(d) > 1)
    where = lambda k: "%s:%d" % k
    print("missed: %d labels split over several papers" % len(split))
    for lab in split[:n]:
        a, b = list(papers_of[lab].values())[:2]
        print("  %s %s %s" % (lab, where(a), where(b)))
    print("false merges: %d papers hold several labels" % len(mixed))
    for p in mixed[:n]:
        a, b = list(labels_of[p].values())[:2]
        print("  %s %s %s" % (p, where(a), where(b)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("truth")
    ap.add_argument("predicted")
    ap.add_argument("--negatives", help="gen_corpus.py's negatives.tsv")
    ap.add_argument("--examples", type=int, default=0, metavar="N",
                    help="print up to N missed labels and N mixed papers as "
                         "FILE:LINE pairs, ready for `papergraph why`")
    ap.add_argument("--min-f1", type=float, default=None,
                    help="exit 1 when F1 is below this")
    args = ap.parse_args()
    try:
        truth = read_truth(args.truth)
        pred = read_predicted(args.predicted)
        negatives = read_negatives(args.negatives) if args.negatives else None
    except (OSError, ValueError) as e:
        print("score.py: %s" % e, file=sys.stderr)
        return 2

    tp, true_pairs, pred_pairs, matched, labels, papers = score(truth, pred)
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print("occurrences: %d in truth, %d predicted, %d matched (%d truth-only, %d predicted-only)"
          % (len(truth), len(pred), matched, len(truth) - matched,
             len(set(pred) - set(truth))))
    print("papers: %d true, %d predicted" % (labels, papers))
    print("pairs: %d true, %d predicted, %d both" % (true_pairs, pred_pairs, tp))
    print("precision %.4f  recall %.4f  F1 %.4f" % (precision, recall, f1))
    if negatives is not None:
        bad = merged_negatives(truth, pred, negatives)
        kinds = collections.Counter(k for _, _, k in bad)
        detail = ", ".join("%s %d" % kv for kv in sorted(kinds.items()))
        print("hard negatives merged: %d of %d%s" % (len(bad), len(negatives),
                                                   " (" + detail + ")" if detail else ""))
        for a, b, kind in bad[:20]:
            print("  merged %s %s (%s)" % (a, b, kind))
    if args.examples > 0:
        print_examples(truth, pred, args.examples)
    if args.min_f1 is not None and f1 < args.min_f1:
        print("F1 %.4f is below --min-f1 %.4f" % (f1, args.min_f1), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
