#!/usr/bin/python3
"""layout_knn.py: do communities read as regions in the picture?  For every
paper of a community of three or more papers, the share of its K nearest
papers in the layout (the GraphML `x`/`y`, among the papers of such
communities) that are in its own community; prints the mean share, and the
same for a random placement of the same papers as a baseline.  Exit 1 when
the mean is under --target (default 0.6).

    /usr/bin/python3 tools/layout_knn.py graph.graphml [-k 10] [--target 0.6]
"""
import argparse
import heapq
import random
import sys
import xml.etree.ElementTree as ET
from collections import Counter

NS = "{http://graphml.graphdrawing.org/xmlns}"


def read(path):
    root = ET.parse(path).getroot()
    keys = {k.get("id"): k.get("attr.name") for k in root.iter(NS + "key")}
    nodes = []
    for n in root.iter(NS + "node"):
        d = {keys.get(e.get("key")): e.text for e in n.iter(NS + "data")}
        if d.get("x") is None:
            sys.exit(f"{path}: node {n.get('id')} has no x/y (draw a picture to get a layout)")
        nodes.append((float(d["x"]), float(d["y"]), int(d["community"])))
    return nodes


def share(pts, k):
    total = 0.0
    for i, (x, y, c) in enumerate(pts):
        near = heapq.nsmallest(k, [((x - u) ** 2 + (y - v) ** 2, j)
                                   for j, (u, v, _) in enumerate(pts) if j != i])
        total += sum(1 for _, j in near if pts[j][2] == c) / k
    return total / len(pts) if pts else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("graphml")
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--target", type=float, default=0.6)
    a = ap.parse_args()
    nodes = read(a.graphml)
    size = Counter(c for _, _, c in nodes)
    pts = [p for p in nodes if size[p[2]] >= 3]
    got = share(pts, a.k)
    rnd = random.Random(1)
    base = share([(rnd.random(), rnd.random(), c) for _, _, c in pts], a.k)
    print(f"{len(nodes)} papers, {len(pts)} in {sum(1 for s in size.values() if s >= 3)} "
          f"communities of 3+: {a.k} nearest in the layout share the community "
          f"{100 * got:.1f}% (random placement {100 * base:.1f}%)")
    return 0 if got >= a.target else 1


if __name__ == "__main__":
    sys.exit(main())
