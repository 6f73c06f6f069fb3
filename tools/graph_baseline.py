#!/usr/bin/python3
"""graph_baseline.py: are the communities of a papergraph GraphML more than
what its degrees alone would give?  Prints the share of isolated papers, the
modularity of the graph's own communities (the `community` attribute), the
best of several Louvain runs on the graph, and the best of several Louvain
runs on degree-preserving rewired copies (igraph's rewire, 10 swaps per
edge), all unweighted so that the three compare; exit 1 when the graph's
modularity is not above the rewired copies' by MARGIN (default 0.05).

    /usr/bin/python3 tools/graph_baseline.py graph.graphml [--runs 10] [--margin 0.05]
"""
import argparse
import random
import sys

import igraph as ig


def best_louvain(g, runs, seed):
    best = -1.0
    for r in range(runs):
        random.seed(seed + r)
        ig.set_random_number_generator(random)
        best = max(best, g.community_multilevel().modularity)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("graphml")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--margin", type=float, default=0.05)
    a = ap.parse_args()
    g = ig.Graph.Read_GraphML(a.graphml)
    g.to_undirected()
    n, m = g.vcount(), g.ecount()
    iso = sum(1 for d in g.degree() if d == 0)
    own = g.modularity([int(c) for c in g.vs["community"]]) if m else float("nan")
    louv = best_louvain(g, a.runs, 1)
    rew = -1.0
    for r in range(a.runs):
        h = g.copy()
        random.seed(100 + r)
        ig.set_random_number_generator(random)
        h.rewire(n=10 * m)
        rew = max(rew, best_louvain(h, 1, 200 + r))
    print(f"papers {n}  edges {m}  isolated {iso} ({100.0 * iso / max(n, 1):.1f}%)")
    print(f"modularity (unweighted): own communities {own:.3f}, best Louvain {louv:.3f}, "
          f"best Louvain of {a.runs} rewired copies {rew:.3f}, margin {own - rew:+.3f}")
    return 0 if own > rew + a.margin else 1


if __name__ == "__main__":
    sys.exit(main())
