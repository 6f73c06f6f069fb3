#!/usr/bin/env python3
"""check_layers.py: fails when a source folder includes a folder above it.

The library's folders under src/ are layers, lowest first (LAYERS below).  A
file may include its own folder's headers, the internal header of any folder
below it, and the public header (include/papergraph/) of its own layer or any
layer below; never anything of a layer above.  src/cli/ sits on top and may
include only the public headers.  Public headers obey the same rule among
themselves.  A folder's other headers (store/db.h) are its own.

SQLite stays inside src/store: only its files include <sqlite3.h>, through
their private store/db.h.  Prints one line per violation and exits 1 when
there is any.

    tools/check_layers.py [SOURCE_ROOT]
"""
import os, re, sys

LAYERS = ['base', 'text', 'read', 'store', 'dedup', 'ingest', 'papers', 'graph', 'out', 'cli']
# The layer each public header belongs to.
PUBLIC = {'base.h': 'base', 'read.h': 'read', 'store.h': 'store', 'dedup.h': 'dedup',
          'ingest.h': 'ingest', 'papers.h': 'papers', 'graph.h': 'graph',
          'export.h': 'out', 'papergraph.h': 'cli'}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
SYSTEM_INCLUDE = re.compile(r'^\s*#\s*include\s+<([^>]+)>')
# Third-party headers that only one folder may include.
OWNED = {'sqlite3.h': 'store'}


def layer_of_include(name):
    parts = name.split('/')
    if parts[0] == 'papergraph' and len(parts) == 2:
        return PUBLIC.get(parts[1], '?')
    if len(parts) == 2 and parts[0] in LAYERS:
        return parts[0]
    return None                                  # same folder, test helpers


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
    bad = []
    files = []
    for layer in LAYERS:
        d = os.path.join(root, 'src', layer)
        if not os.path.isdir(d):
            bad.append('src/%s: missing layer folder' % layer)
            continue
        files += [(layer, os.path.join(d, f), 'src/%s/%s' % (layer, f))
                  for f in sorted(os.listdir(d)) if f.endswith(('.c', '.h'))]
    pub = os.path.join(root, 'include', 'papergraph')
    files += [(PUBLIC.get(f, '?'), os.path.join(pub, f), 'include/papergraph/' + f)
              for f in sorted(os.listdir(pub)) if f.endswith('.h')]
    for layer, path, shown in files:
        if layer == '?':
            bad.append('%s: a public header with no layer (add it to PUBLIC)' % shown)
            continue
        with open(path, encoding='utf-8') as fh:
            for n, line in enumerate(fh, 1):
                m = SYSTEM_INCLUDE.match(line)
                if m and m.group(1) in OWNED and OWNED[m.group(1)] != layer:
                    bad.append('%s:%d: includes <%s>, which only src/%s may'
                               % (shown, n, m.group(1), OWNED[m.group(1)]))
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = layer_of_include(m.group(1))
                if target is None:
                    continue
                if target == '?':
                    bad.append('%s:%d: includes unknown header "%s"' % (shown, n, m.group(1)))
                elif layer == 'cli' and not m.group(1).startswith('papergraph/'):
                    bad.append('%s:%d: the CLI includes internal header "%s"'
                               % (shown, n, m.group(1)))
                elif LAYERS.index(target) > LAYERS.index(layer):
                    bad.append('%s:%d: layer %s includes "%s" of layer %s above it'
                               % (shown, n, layer, m.group(1), target))
                elif (target != layer and not m.group(1).startswith('papergraph/')
                      and m.group(1).split('/')[-1] != 'internal.h'):
                    bad.append('%s:%d: includes "%s", a header private to src/%s'
                               % (shown, n, m.group(1), target))
    for b in bad:
        print(b)
    print('check_layers: %d files, %d violations' % (len(files), len(bad)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
