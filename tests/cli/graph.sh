# graph, report, run: the paper graph of the fixtures in every format.
. "$CLI_DIR/lib.sh"
L=$FIXTURES/listings
DB=$WORK/pg.db
PY=/usr/bin/python3
run --db "$DB" ingest --quiet --year 2025 "$L/2025-09-03.txt" "$L/2025-09-04.txt" "$L/2025-09-05.txt" "$L/2025-09-08.txt"
note "GraphML read by networkx and python-igraph"
run --db "$DB" graph -o "$WORK/g.graphml"
check "graphml_check: 12 nodes, attributes, pagerank sums to 1" $PY "$CLI_DIR/../graphml_check.py" --nodes 12 "$WORK/g.graphml"
check "xmllint: well-formed" xmllint --noout "$WORK/g.graphml"
check "the papers that share a repository are linked" $PY -c "
import networkx as nx,sys
g=nx.read_graphml(sys.argv[1])
e=g.get_edge_data('41a31327fba29687','f20d01323004e60c')
assert e and e['shared_links']>=1 and e['weight']>0, e
assert all(d['kind']=='weak' for _,_,d in g.edges('94fe02bfaef27f72',data=True))" "$WORK/g.graphml"
"$PAPERGRAPH" --db "$DB" graph > "$WORK/g2.graphml"
check "GraphML on stdout is the same, byte for byte" cmp "$WORK/g.graphml" "$WORK/g2.graphml"
note "CSV nodes and edges"
run --db "$DB" graph --format csv -o "$WORK/g"
run -- head -n 1 "$WORK/g-nodes.csv" "$WORK/g-edges.csv"
check "12 node rows" test "$(($(wc -l < "$WORK/g-nodes.csv") - 1))" = 12
note "pictures"
run --db "$DB" graph --svg "$WORK/g.svg" --png "$WORK/g.png" --pdf "$WORK/g.pdf"
check "PNG signature" $PY -c "import sys; assert open(sys.argv[1],'rb').read(8)==b'\x89PNG\r\n\x1a\n'" "$WORK/g.png"
check "SVG is XML" xmllint --noout "$WORK/g.svg"
check "PDF header" $PY -c "import sys; assert open(sys.argv[1],'rb').read(5)==b'%PDF-'" "$WORK/g.pdf"
run --db "$DB" graph --svg "$WORK/g.gif"
note "options"
run --db "$DB" graph --min-sim 0.9 --format csv -o "$WORK/strict"
check "min-sim 0.9 keeps only link edges (and weak links of papers left alone)" $PY -c "
import csv,sys
rows=list(csv.DictReader(open(sys.argv[1])))
assert rows and all(r['kind'] in ('links','weak') for r in rows), rows
assert any(r['kind']=='links' for r in rows), rows" "$WORK/strict-edges.csv"
run --db "$DB" graph --min-sim 0.9 --weak-min-sim 0 --betweenness off --format csv -o "$WORK/strict0"
check "--weak-min-sim 0: no weak links; --betweenness off: no values" $PY -c "
import csv,sys
rows=list(csv.DictReader(open(sys.argv[1])))
assert rows and all(r['kind']=='links' for r in rows), rows
assert all(r['betweenness']=='' for r in csv.DictReader(open(sys.argv[2]))), 'betweenness'" "$WORK/strict0-edges.csv" "$WORK/strict0-nodes.csv"
run --db "$DB" graph --betweenness fast
run --db "$DB" graph --w-terms 0 --w-links 2 --format csv -o "$WORK/links"
run --db "$DB" graph --top-k 0
run --db "$DB" graph --min-sim 2
run --db "$DB" graph --resolution -1
run --db "$DB" graph --seed x
run --db "$DB" graph --format dot
run --db "$DB" graph --w-authors 0.5 --resolution 2 --seed 7 --top-k 3 --format csv -o "$WORK/opts"
check "resolution 2 splits at least as finely as 1" $PY -c "
import csv,sys
a=len({r['community'] for r in csv.DictReader(open(sys.argv[1]))})
b=len({r['community'] for r in csv.DictReader(open(sys.argv[2]))})
assert b>=a, (a,b)" "$WORK/g-nodes.csv" "$WORK/opts-nodes.csv"
note "one repository spelled two ways links two unrelated papers; a third stays alone"
run --db "$WORK/links.db" ingest --quiet --year 2025 "$FIXTURES/graph/links.txt"
run --db "$WORK/links.db" graph --format csv -o "$WORK/links"
run -- cat "$WORK/links-edges.csv"
check "the unrelated paper is isolated" $PY -c "
import csv,sys
d={r['label']:int(r['degree']) for r in csv.DictReader(open(sys.argv[1]))}
assert d['Crop Rotation Planning as Constrained Scheduling']==0 and sorted(d.values())==[0,1,1], d" "$WORK/links-nodes.csv"
note "report"
run --db "$DB" report
run --db "$DB" report --format json -o "$WORK/report.json"
check "report.json parses, counts agree" $PY -c "
import json,sys
r=json.load(open(sys.argv[1]))
assert r['papers']==12 and r['graph']['nodes']==12 and r['repeated_papers']==5, r" "$WORK/report.json"
run --db "$DB" report --format xml
note "run: the whole job into a folder"
run run --year 2025 -o "$WORK/out" "$L/2025-09-03.txt" "$L/2025-09-04.txt" "$L/2025-09-05.txt" "$L/2025-09-08.txt"
run -- ls "$WORK/out"
check "run's GraphML: 12 nodes" $PY "$CLI_DIR/../graphml_check.py" --nodes 12 "$WORK/out/graph.graphml"
check "run's listing reads back" "$PAPERGRAPH" --db "$WORK/back.db" ingest --quiet "$WORK/out/papers.txt"
note "run again with one more file: added to the same database"
run run --year 2025 -o "$WORK/out" "$L/2025-09-08.txt" "$FIXTURES/errors/invalid-bytes.txt"
run run --year 2025 -o "$WORK/out" "$WORK/missing.txt"
note "run over bibliographic records, with the input options of ingest"
run run --format csv --encoding latin1 --min-sim 0.5 -o "$WORK/bib" "$FIXTURES/formats/latin1.csv"
run run --format jsonl --db "$WORK/bib.db" -o "$WORK/bib2" "$FIXTURES/formats/bib_b.jsonl"
check "run --db puts the database where it is told" test -s "$WORK/bib.db" -a ! -e "$WORK/bib2/papergraph.db"
run run --format xml -o "$WORK/bib3" "$FIXTURES/formats/bib_b.jsonl"
run run "$L/2025-09-03.txt"
run run -o "$L/2025-09-03.txt" "$L/2025-09-03.txt"
finish
