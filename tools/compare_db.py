#!/usr/bin/env python3
"""compare_db.py: are two papergraph databases the same, table by table?

    tools/compare_db.py A.db B.db

Compares every table and view the two have, row for row in a fixed order,
leaving out what depends on when or how fast a file was read (files.path's
directory, files.ingested_at).  Prints one line per table and exits 1 at the
first difference it reports, 0 when all are equal.  Used to check that a
change of code layout or speed leaves the stored answers unchanged.
"""
import hashlib, os, sqlite3, sys

IGNORE = {('files', 'ingested_at'), ('files', 'id')}


def table_digest(db, table):
    cols = [r[1] for r in db.execute('PRAGMA table_info("%s")' % table)]
    keep = [c for c in cols if (table, c) not in IGNORE]
    sel = ', '.join('"%s"' % c for c in keep)
    rows = db.execute('SELECT %s FROM "%s"' % (sel, table)).fetchall()
    if table == 'files':
        rows = [tuple(os.path.basename(v) if k == 'path' and isinstance(v, str) else v
                      for k, v in zip(keep, r)) for r in rows]
    rows.sort(key=repr)
    h = hashlib.sha256()
    for r in rows:
        h.update(repr(r).encode())
    return len(rows), h.hexdigest()[:16]


def names(db):
    return sorted(r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table','view') "
        "AND name NOT LIKE 'sqlite_%'"))


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().split('\n')[2].strip(), file=sys.stderr)
        return 2
    a, b = (sqlite3.connect('file:%s?mode=ro' % p, uri=True) for p in sys.argv[1:])
    ok = True
    na, nb = names(a), names(b)
    if na != nb:
        print('tables differ: %s vs %s' % (na, nb))
        ok = False
    for t in sorted(set(na) & set(nb)):
        da, db_ = table_digest(a, t), table_digest(b, t)
        same = da == db_
        ok = ok and same
        print('%-16s %s  %d rows %s%s' % (t, 'same' if same else 'DIFFERENT', da[0], da[1],
                                          '' if same else ' vs %d rows %s' % db_))
    print('compare_db: %s' % ('identical' if ok else 'DIFFERENT'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
