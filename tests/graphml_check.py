#!/usr/bin/python3
"""graphml_check.py: reads papergraph GraphML with the tools people use on it
(networkx and python-igraph, both via Debian's /usr/bin/python3) and checks
that what they see is what papergraph meant.

Usage:
  graphml_check.py [--nodes N] [--edges M] FILE.graphml...
  graphml_check.py --make TEST_GRAPH_EXE
      runs `TEST_GRAPH_EXE --graphml TMP` (tests/test_graph.c writes a sample
      graph with hostile titles, link and term edges and a layout, and prints
      "nodes=N edges=M"), then checks TMP against those counts.

Checks: every <key> has attr.name and an attr.type GraphML knows; the graph
is undirected; both readers see the same node and edge counts (and the
expected ones when given); node ids are the paper ids; every node has the
required attributes; PageRank sums to 1; degree matches the edges; every
edge has weight > 0, a known kind, interaction == kind and a boolean
authors_close.  Exit status: 0 passed, 1 failed, 77 skipped (a reader is
missing).
"""
import math
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

try:
    import igraph
    import networkx as nx
except ImportError as e:  # pragma: no cover
    print(f"skipped: {e}")
    sys.exit(77)

NS = "{http://graphml.graphdrawing.org/xmlns}"
TYPES = {"boolean", "int", "long", "float", "double", "string"}
NODE_ATTRS = ["label", "days", "occurrences", "pagerank", "community",
              "component", "degree", "strength"]
EDGE_ATTRS = ["weight", "shared_links", "link_score", "term_sim",
              "authors_close", "kind", "interaction"]
KINDS = {"links", "terms", "links+terms", "weak"}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def check_keys(path):
    root = ET.parse(path).getroot()
    check(root.tag == NS + "graphml", "root element is not graphml")
    keys = root.findall(NS + "key")
    check(len(keys) > 0, "no <key> declared")
    for k in keys:
        check(k.get("attr.name"), f"key {k.get('id')} has no attr.name")
        check(k.get("attr.type") in TYPES,
              f"key {k.get('id')} has attr.type {k.get('attr.type')!r}")
    graphs = root.findall(NS + "graph")
    check(len(graphs) == 1, "not exactly one <graph>")
    if graphs:
        check(graphs[0].get("edgedefault") == "undirected",
              "edgedefault is not undirected")


def check_networkx(path, n_nodes, n_edges):
    g = nx.read_graphml(path)
    check(not g.is_directed(), "networkx reads a directed graph")
    if n_nodes is not None:
        check(g.number_of_nodes() == n_nodes,
              f"networkx: {g.number_of_nodes()} nodes, want {n_nodes}")
    if n_edges is not None:
        check(g.number_of_edges() == n_edges,
              f"networkx: {g.number_of_edges()} edges, want {n_edges}")
    total = 0.0
    for v, d in g.nodes(data=True):
        check(len(v) == 16 and all(c in "0123456789abcdef" for c in v),
              f"node id {v!r} is not a paper id")
        for a in NODE_ATTRS:
            check(a in d, f"node {v}: no {a}")
        total += d.get("pagerank", 0.0)
        check(d.get("degree") == g.degree(v),
              f"node {v}: degree {d.get('degree')} but {g.degree(v)} edges")
        check(isinstance(d.get("community"), int), f"node {v}: community not int")
        for a in ("x", "y"):
            if a in d:
                check(0.0 <= d[a] <= 1.0, f"node {v}: {a}={d[a]} outside [0,1]")
    if g.number_of_nodes() > 0:
        check(abs(total - 1.0) < 1e-6, f"pagerank sums to {total}")
    for a, b, d in g.edges(data=True):
        for k in EDGE_ATTRS:
            check(k in d, f"edge {a}-{b}: no {k}")
        w = d.get("weight", 0.0)
        check(isinstance(w, float) and math.isfinite(w) and w > 0,
              f"edge {a}-{b}: weight {w!r}")
        check(d.get("kind") in KINDS, f"edge {a}-{b}: kind {d.get('kind')!r}")
        check(d.get("interaction") == d.get("kind"),
              f"edge {a}-{b}: interaction != kind")
        check(isinstance(d.get("authors_close"), bool),
              f"edge {a}-{b}: authors_close is not boolean")
    return g.number_of_nodes(), g.number_of_edges()


def check_igraph(path, n_nodes, n_edges):
    g = igraph.Graph.Read_GraphML(path)
    check(not g.is_directed(), "igraph reads a directed graph")
    check(g.vcount() == n_nodes, f"igraph: {g.vcount()} nodes, networkx {n_nodes}")
    check(g.ecount() == n_edges, f"igraph: {g.ecount()} edges, networkx {n_edges}")
    if g.vcount() > 0:
        check("label" in g.vs.attributes(), "igraph: no label attribute")
        check(abs(sum(g.vs["pagerank"]) - 1.0) < 1e-6, "igraph: pagerank sum")
    if g.ecount() > 0:
        check(min(g.es["weight"]) > 0, "igraph: weight <= 0")


def check_file(path, n_nodes=None, n_edges=None):
    check_keys(path)
    nn, ne = check_networkx(path, n_nodes, n_edges)
    check_igraph(path, nn, ne)


def make_and_check(exe):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "sample.graphml")
        out = subprocess.run([exe, "--graphml", path], check=True,
                             capture_output=True, text=True).stdout
        counts = dict(kv.split("=") for kv in out.split())
        check_file(path, int(counts["nodes"]), int(counts["edges"]))


def main(argv):
    args = argv[1:]
    n_nodes = n_edges = None
    if len(args) == 2 and args[0] == "--make":
        make_and_check(args[1])
    else:
        files = []
        while args:
            a = args.pop(0)
            if a == "--nodes":
                n_nodes = int(args.pop(0))
            elif a == "--edges":
                n_edges = int(args.pop(0))
            else:
                files.append(a)
        if not files:
            print(__doc__)
            return 99
        for f in files:
            check_file(f, n_nodes, n_edges)
    for f in failures:
        print("FAIL:", f)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
