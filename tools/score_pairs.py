#!/usr/bin/python3
"""score_pairs.py: pairwise quality of papergraph's clustering of records with ids.

  score_pairs.py OCC.csv (--labels FILE | --pairs FILE | --label-is-id)
                 [--examples N] [--pairs-out FILE] [--min-f1 X]

OCC.csv is papergraph's occurrence export in CSV (`export --what occurrences
--format csv`): a header row naming at least the columns file, line,
paper_id and ext_id.  ext_id is the record's own `id` field (CSV and JSONL
inputs).  Ground truth is one of:

  --labels FILE   an id -> label mapping: a CSV or TSV file (delimiter
                  guessed) whose first two columns are id and label; a
                  header row is skipped when its first id is not among the
                  exported ext_ids.  Records whose id has no label are left
                  out of the score (and counted).
  --pairs FILE    a list of matching id pairs (CSV or TSV, first two
                  columns, header skipped as above), e.g. DBLP-ACM's
                  perfectMapping (idDBLP,idACM).  The pairs are closed
                  transitively into clusters; every id in no pair is a
                  cluster of its own: any pair of records not connected by
                  the list is a non-match.
  --label-is-id   each record's label is its own id (records sharing an id
                  are the same paper), e.g. arXiv ids.

Unit of scoring: one exported occurrence (record) with a non-empty ext_id.
Records sharing an ext_id (the same record read twice) share the label.

Counts are computed from cluster sizes (a contingency table of truth label x
paper_id), never by enumerating pairs, so it runs in linear time:
  true pairs      = sum over truth clusters of C(n, 2)
  predicted pairs = sum over papers of C(n, 2)
  true positives  = sum over (label, paper) cells of C(n, 2)
precision = TP / predicted pairs, recall = TP / true pairs.

--examples N prints up to N false merges (two records in one paper with
different labels) and N missed pairs (two records with one label in
different papers) as FILE:LINE pairs, ready for `papergraph why`;
--pairs-out FILE writes one such pair for every mixed paper and every split
label (fp/fn<TAB>FILE:LINE<TAB>FILE:LINE), e.g. to tally `why`'s rules.

Exit status 0; 1 with --min-f1 when F1 is below it; 2 on unreadable input.
Python 3 standard library only.
"""

import argparse
import collections
import csv
import os
import sys


def pairs(n):
    return n * (n - 1) // 2


def read_occurrences(path):
    """[(file, line, paper_id, ext_id, title)] for every exported row."""
    out = []
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f)
        need = {"file", "line", "paper_id", "ext_id"}
        missing = need - set(rows.fieldnames or ())
        if missing:
            raise ValueError("%s: no column %s (an occurrence export of a "
                             "papergraph with ext_id is needed)"
                             % (path, ", ".join(sorted(missing))))
        for row in rows:
            out.append((row["file"], row["line"], row["paper_id"],
                        (row["ext_id"] or "").strip(), row.get("title") or ""))
    return out


def read_two_columns(path, known_ids):
    """First two columns of each row of a CSV/TSV file; quotes removed."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        text = f.read()
    first = text.split("\n", 1)[0]
    delim = "\t" if first.count("\t") >= max(1, first.count(",")) else ","
    rows = []
    for no, row in enumerate(csv.reader(text.splitlines(), delimiter=delim), 1):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if row[0].startswith("#"):
            continue
        if len(row) < 2:
            raise ValueError("%s:%d: want two columns" % (path, no))
        a, b = row[0].strip(), row[1].strip()
        if no == 1 and a not in known_ids and b not in known_ids:
            continue  # a header row
        rows.append((a, b))
    return rows


class UnionFind:
    def __init__(self):
        self.parent = {}

    def find(self, x):
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("occurrences", help="papergraph export --what occurrences --format csv")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--labels", help="CSV/TSV: id,label")
    g.add_argument("--pairs", help="CSV/TSV: id_a,id_b of matching records")
    g.add_argument("--label-is-id", action="store_true",
                   help="the record's id is its label")
    ap.add_argument("--examples", type=int, default=0, metavar="N",
                    help="print up to N false merges and N missed pairs")
    ap.add_argument("--pairs-out", metavar="FILE",
                    help="write one pair per false merge and per missed label: "
                         "kind<TAB>FILE:LINE<TAB>FILE:LINE (kind fp or fn)")
    ap.add_argument("--min-f1", type=float, default=None,
                    help="exit 1 when F1 is below this")
    args = ap.parse_args()

    try:
        occ = read_occurrences(args.occurrences)
        ids = {o[3] for o in occ if o[3]}
        if args.labels:
            label_of = dict(read_two_columns(args.labels, ids))
            truth_ids = set(label_of)
        elif args.pairs:
            uf = UnionFind()
            plist = read_two_columns(args.pairs, ids)
            for a, b in plist:
                uf.union(a, b)
            truth_ids = {x for p in plist for x in p}
            label_of = None
        else:
            label_of = None
            truth_ids = ids
    except (OSError, ValueError, csv.Error, UnicodeDecodeError) as e:
        print("score_pairs.py: %s" % e, file=sys.stderr)
        return 2

    no_id = 0
    unlabelled = 0
    recs = []  # (label, paper_id, occurrence)
    for o in occ:
        ext = o[3]
        if not ext:
            no_id += 1
            continue
        if args.labels:
            lab = label_of.get(ext)
            if lab is None:
                unlabelled += 1
                continue
        elif args.pairs:
            lab = uf.find(ext)
        else:
            lab = ext
        recs.append((lab, o[2], o))

    cell = collections.Counter()
    by_label = collections.Counter()
    by_paper = collections.Counter()
    for lab, paper, _ in recs:
        cell[(lab, paper)] += 1
        by_label[lab] += 1
        by_paper[paper] += 1
    tp = sum(pairs(n) for n in cell.values())
    true_pairs = sum(pairs(n) for n in by_label.values())
    pred_pairs = sum(pairs(n) for n in by_paper.values())
    fp = pred_pairs - tp
    fn = true_pairs - tp
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    files = collections.Counter(os.path.basename(o[0]) for o in occ)
    if len(files) <= 4:
        where_from = ", ".join("%s %d" % kv for kv in sorted(files.items()))
    else:
        where_from = "%d files" % len(files)
    print("records: %d exported (%s), %d scored, %d without ext_id, %d without a label"
          % (len(occ), where_from, len(recs), no_id, unlabelled))
    missing_truth = len(truth_ids - ids)
    if missing_truth:
        print("truth ids not found among the exported records: %d" % missing_truth)
    print("clusters: %d true (ids/labels), %d predicted papers"
          % (len(by_label), len(by_paper)))
    print("pairs: %d true, %d predicted; true positives %d, false positives "
          "(false merges) %d, false negatives (missed) %d"
          % (true_pairs, pred_pairs, tp, fp, fn))
    print("precision %.4f  recall %.4f  F1 %.4f" % (precision, recall, f1))

    if args.examples > 0 or args.pairs_out:
        print_examples(recs, args.examples, args.pairs_out)

    if args.min_f1 is not None and f1 < args.min_f1:
        print("F1 %.4f is below --min-f1 %.4f" % (f1, args.min_f1), file=sys.stderr)
        return 1
    return 0


def where(o):
    return "%s:%s" % (os.path.basename(o[0]), o[1])


def show(o):
    title = o[4] if len(o[4]) <= 70 else o[4][:67] + "..."
    return "%s [%s] %s" % (where(o), o[3], title)


def print_examples(recs, n, out_path=None):
    """Up to n false merges and n missed pairs, found in linear time: one
    pair per mixed paper / per split label, largest first; with out_path,
    all of those pairs written there."""
    labels_in_paper = collections.defaultdict(dict)   # paper -> label -> occ
    papers_of_label = collections.defaultdict(dict)   # label -> paper -> occ
    for lab, paper, o in recs:
        labels_in_paper[paper].setdefault(lab, o)
        papers_of_label[lab].setdefault(paper, o)
    mixed = sorted((p for p, d in labels_in_paper.items() if len(d) > 1),
                   key=lambda p: (-len(labels_in_paper[p]), p))
    split = sorted((l for l, d in papers_of_label.items() if len(d) > 1),
                   key=lambda l: (-len(papers_of_label[l]), l))
    if out_path:
        with open(out_path, "w", encoding="utf-8") as f:
            for p in mixed:
                a, b = list(labels_in_paper[p].values())[:2]
                f.write("fp\t%s\t%s\n" % (where(a), where(b)))
            for lab in split:
                a, b = list(papers_of_label[lab].values())[:2]
                f.write("fn\t%s\t%s\n" % (where(a), where(b)))
    if n <= 0:
        return
    print("false merges: %d papers hold records of several labels%s"
          % (len(mixed), "; examples:" if mixed else ""))
    for p in mixed[:n]:
        a, b = list(labels_in_paper[p].values())[:2]
        print("  paper %s (%d labels): %s  <->  %s"
              % (p, len(labels_in_paper[p]), show(a), show(b)))
    print("missed: %d labels split over several papers%s"
          % (len(split), "; examples:" if split else ""))
    for lab in split[:n]:
        a, b = list(papers_of_label[lab].values())[:2]
        print("  label %s (%d papers): %s  <->  %s"
              % (lab, len(papers_of_label[lab]), show(a), show(b)))


if __name__ == "__main__":
    sys.exit(main())
