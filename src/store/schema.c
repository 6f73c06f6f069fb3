/*
** schema.c: the papergraph database schema, one migration per version.
**
** A papergraph database is an SQLite file with PRAGMA application_id
** 0x50475248 ("PGRH") and PRAGMA user_version = the schema version.  Keys
** are XXH3-128 digests stored as 16-byte big-endian BLOBs (pg_key_to_bytes).
**
** Schema version 1
** ----------------
** files        one row per ingested input file.
**   id           INTEGER PRIMARY KEY
**   path         TEXT NOT NULL     the name the file was ingested under
**   content_key  BLOB UNIQUE       XXH3-128 of the file's bytes; NULL only
**                                  inside the file's own (uncommitted)
**                                  transaction, so every visible row has one
**   size         INTEGER           bytes
**   format       TEXT NOT NULL     "listing", "jsonl" or "csv"
**   day          TEXT              first listing day seen (YYYY-MM-DD) or NULL
**   entries      INTEGER           records read
**   new_texts    INTEGER           texts this file stored first
**   warnings     INTEGER
**   ingested_at  TEXT NOT NULL     UTC, YYYY-MM-DDTHH:MM:SSZ
**
** Schema version 2 adds (see migration_2 below):
** texts.author_names TEXT   author names as given, one per line, or NULL
** bands        (band INTEGER, text_id) WITHOUT ROWID: the LSH band and
**              blocking keys of each text (dedup/cluster.c), the index through
**              which a new text finds its near-duplicate candidates
**              (replaced by band_buckets in version 4)
** matches      (a, b, rule, score), a < b text ids: the verified "same
**              paper" decisions that joined a text to a paper, and the rule
**              that made each
** clusters     (text_id PRIMARY KEY, paper_id): the paper of each text; a
**              paper id is the smallest normalised-text id of its cluster
** settings     (key, value): the matching options `dedup` last used
** paper_of_text is redefined over clusters.
**
** texts        one row per distinct raw entry text (title + abstract).
**   id           INTEGER PRIMARY KEY
**   key          BLOB NOT NULL UNIQUE  XXH3-128 of raw title "\n" raw abstract
**   norm_key     BLOB NOT NULL     the same over the normalised title and
**                                  abstract; indexed (texts_norm_key)
**   title        TEXT NOT NULL
**   abstract     TEXT NOT NULL     "" when the input had none; from version 2
**                                  an abstract of 128 bytes or more is stored
**                                  as a BLOB holding a zstd frame of it (the
**                                  column's type tells which)
**   truncated    INTEGER NOT NULL  1 when the abstract looks cut off
**   A rowid table with a UNIQUE key rather than WITHOUT ROWID: a row is about
**   2 KB, and SQLite advises WITHOUT ROWID only for rows under ~1/20 of a
**   page.  In a WITHOUT ROWID table (an index b-tree) a 2 KB row exceeds the
**   ~1 KB local payload limit and spills to an overflow page, while a rowid
**   leaf keeps it whole; and the key lookups of ingest (has_text, the foreign
**   keys of occurrences) walk the small dense index on key instead of a
**   b-tree of 2 KB rows.
**
** occurrences  one row per entry read: where and with what metadata.
**   id           INTEGER PRIMARY KEY
**   file_id      INTEGER NOT NULL REFERENCES files(id)
**   line         INTEGER NOT NULL  1-based line of the entry; UNIQUE(file_id, line)
**   day          TEXT NOT NULL     listing day YYYY-MM-DD, "" when the page had none
**   day_label    TEXT NOT NULL     the day as written ("Sep 3"), "" when none
**   text_key     BLOB NOT NULL REFERENCES texts(key); indexed (occurrences_text_key)
**   authors      INTEGER           NULL when absent
**   upvotes      INTEGER           NULL when absent
**   pub_date     TEXT              YYYY-MM-DD, YYYY-MM or YYYY; NULL when absent
**   date_raw     TEXT              the date as written; NULL when absent
**   venue        TEXT              NULL when absent
**   ext_id       TEXT              the input's own id (jsonl/csv); NULL when absent
**
** text_urls    canonical URLs found in a text.  WITHOUT ROWID: small rows
**              that are their own key.
**   text_key     BLOB NOT NULL REFERENCES texts(key)
**   url          TEXT NOT NULL     PRIMARY KEY(text_key, url); indexed (text_urls_url)
**
** paper_of_text  VIEW (text_key, paper_id): the paper each text belongs to.
**   In version 1 a paper is the group of texts with equal norm_key, and its
**   id is the first 8 bytes of norm_key as 16 lower-case hex digits (what
**   pg_key_to_id(norm_key) gives).  This view is the only place that says so:
**   every query asking for papers goes through it, so the near-duplicate
**   stage replaces just this view (over a clusters table).
**
** Schema version 3 adds (see migration_3 below):
** band_sets    (text_id PRIMARY KEY, keys BLOB, sketch BLOB): each text's
**              band keys as little-endian 64-bit words, appended with the
**              text; the rows above settings "bands.indexed" are not in
**              the merged level yet (the band index has two levels: see
**              dedup/band_index.c).  sketch is the dedup stage's own summary of
**              the text (dedup.c), which lets it rule out most candidates
**              without reading them; NULL when it has none.
**
** Schema version 4 replaces `bands` (see migration_4 below):
** band_buckets (bucket INTEGER PRIMARY KEY, pairs BLOB): the merged level of
**              the band index; bucket is the top 16 bits of a band key,
**              pairs the sorted (band, text_id) pairs under it, two
**              little-endian 64-bit words each.
**
** Schema version 5 (see migration_5 below) makes an occurrence, the row
** every entry writes, cheaper:
** - its text is named by id, `text_id INTEGER NOT NULL REFERENCES
**   texts(id)` (indexed, occurrences_text) instead of `text_key BLOB
**   REFERENCES texts(key)`: the foreign key is checked on the rowid b-tree
**   and the index holds small integers;
** - the table is WITHOUT ROWID with PRIMARY KEY (file_id, line), which was
**   its UNIQUE constraint: one b-tree to write instead of a rowid table and
**   a separate index (the rows are small, ~100 bytes).  The `id` column goes:
**   nothing referred to it.
**
** Schema version 6 (see migration_6 below) indexes files.path
** (files_path): ingest looks up what was recorded under a file's path
** before it adds a page read again under the same name (store_recorded.c).
** Schema version 7 (see migration_7 below) serves the daily digest
** (`papergraph new`), which reads the texts of one day and each one's days:
** - `occurrences_day` on occurrences(day, text_id, upvotes): the first and
**   last day, and the texts of a day with their upvotes;
** - `occurrences_text` becomes (text_id, day): a text's first day, or its
**   last before a given day, is one step down the index.
** Both hold everything those queries read, so they never visit the table's
** rows (a lookup of a WITHOUT ROWID row per occurrence cost more than the
** rest of the digest together); every query that used occurrences_text
** (text_id) uses its prefix.
**
** Schema version 8 (see migration_8 below) stores a text's band keys once
** and the merged ones packed (dedup/band_index.c, dedup/band_pack.c):
** band_pending (text_id PRIMARY KEY, keys BLOB): the band keys, as
**              little-endian 64-bit words, of the texts not merged into
**              band_buckets yet; appended with the text, deleted by the
**              merge that moves its keys into the buckets (version 7 kept
**              them in band_sets.keys for good, beside the merged copy).
** band_sets    loses `keys`: (text_id PRIMARY KEY, sketch BLOB), one row per
**              placed text.
** band_buckets (bucket INTEGER PRIMARY KEY, packed BLOB): as before one row
**              per top 16 bits of a band key and level: rows 0-65535 the
**              base level, 65536-131071 the recent one (the keys merged
**              since the base was last rewritten; settings "bands.levels"
**              holds the pairs of each); each distinct band's low
**              48 bits once, followed by its text ids delta-coded as varints
**              (band_pack.c), instead of 16 bytes a pair.  The migration
**              renames version 7's table to band_buckets_v7; the band index
**              converts it bucket by bucket and drops it in its first write
**              transaction (SQL alone cannot write varints).
**
** Schema version 9 (see migration_9 below) replaces `occurrences_day` by
** file_days (day, file_id, PRIMARY KEY (day, file_id)) WITHOUT ROWID: one
** row per file and day its entries are of, written with the file's first
** entry of that day.  The range of days, and a day's occurrences (its
** files' rows, a range of the occurrences' key each, of which those of the
** day), are read through it; the index cost a bulk ingest a b-tree insert
** per entry, the table one per file.
**
** Every key column carries CHECK(length(...) = 16) so that a key bound the
** wrong way (as text, or truncated) fails at once instead of never matching.
*/
#include <stddef.h>

#include "papergraph/store.h"
#include "store/db.h"

static const char migration_1[] =
    "CREATE TABLE files (\n"
    "  id          INTEGER PRIMARY KEY,\n"
    "  path        TEXT NOT NULL,\n"
    "  content_key BLOB UNIQUE CHECK (length(content_key) = 16),\n"
    "  size        INTEGER,\n"
    "  format      TEXT NOT NULL,\n"
    "  day         TEXT,\n"
    "  entries     INTEGER,\n"
    "  new_texts   INTEGER,\n"
    "  warnings    INTEGER,\n"
    "  ingested_at TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE texts (\n"
    "  id        INTEGER PRIMARY KEY,\n"
    "  key       BLOB NOT NULL UNIQUE CHECK (length(key) = 16),\n"
    "  norm_key  BLOB NOT NULL CHECK (length(norm_key) = 16),\n"
    "  title     TEXT NOT NULL,\n"
    "  abstract  TEXT NOT NULL,\n"
    "  truncated INTEGER NOT NULL\n"
    ");\n"
    "CREATE INDEX texts_norm_key ON texts(norm_key);\n"
    "CREATE TABLE occurrences (\n"
    "  id        INTEGER PRIMARY KEY,\n"
    "  file_id   INTEGER NOT NULL REFERENCES files(id),\n"
    "  line      INTEGER NOT NULL,\n"
    "  day       TEXT NOT NULL,\n"
    "  day_label TEXT NOT NULL,\n"
    "  text_key  BLOB NOT NULL REFERENCES texts(key) CHECK (length(text_key) = 16),\n"
    "  authors   INTEGER,\n"
    "  upvotes   INTEGER,\n"
    "  pub_date  TEXT,\n"
    "  date_raw  TEXT,\n"
    "  venue     TEXT,\n"
    "  ext_id    TEXT,\n"
    "  UNIQUE (file_id, line)\n"
    ");\n"
    "CREATE INDEX occurrences_text_key ON occurrences(text_key);\n"
    "CREATE TABLE text_urls (\n"
    "  text_key BLOB NOT NULL REFERENCES texts(key) CHECK (length(text_key) = 16),\n"
    "  url      TEXT NOT NULL,\n"
    "  PRIMARY KEY (text_key, url)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX text_urls_url ON text_urls(url);\n"
    "CREATE VIEW paper_of_text (text_key, paper_id) AS\n"
    "  SELECT key, lower(hex(substr(norm_key, 1, 8))) FROM texts;\n";

/* Version 2: near-duplicate clusters.  Existing texts start in the cluster
 * of their normalised text (what version 1 called a paper); `papergraph
 * dedup` then finds their near-duplicates. */
static const char migration_2[] =
    "ALTER TABLE texts ADD COLUMN author_names TEXT;\n"
    "CREATE TABLE bands (\n"
    "  band    INTEGER NOT NULL,\n"
    "  text_id INTEGER NOT NULL REFERENCES texts(id),\n"
    "  PRIMARY KEY (band, text_id)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE matches (\n"
    "  a     INTEGER NOT NULL REFERENCES texts(id),\n"
    "  b     INTEGER NOT NULL REFERENCES texts(id),\n"
    "  rule  TEXT NOT NULL,\n"
    "  score REAL,\n"
    "  PRIMARY KEY (a, b),\n"
    "  CHECK (a < b)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX matches_b ON matches(b);\n"
    "CREATE TABLE clusters (\n"
    "  text_id  INTEGER PRIMARY KEY REFERENCES texts(id),\n"
    "  paper_id TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX clusters_paper ON clusters(paper_id);\n"
    "CREATE TABLE settings (\n"
    "  key   TEXT PRIMARY KEY,\n"
    "  value TEXT NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "INSERT INTO clusters (text_id, paper_id)\n"
    "  SELECT id, lower(hex(substr(norm_key, 1, 8))) FROM texts;\n"
    "DROP VIEW paper_of_text;\n"
    "CREATE VIEW paper_of_text (text_key, paper_id) AS\n"
    "  SELECT t.key, c.paper_id FROM texts AS t JOIN clusters AS c ON c.text_id = t.id;\n";

/* Version 3: the band index in two levels (dedup/band_index.c).  The keys of
 * existing texts are all in `bands` already. */
static const char migration_3[] =
    "CREATE TABLE band_sets (\n"
    "  text_id INTEGER PRIMARY KEY REFERENCES texts(id),\n"
    "  keys    BLOB NOT NULL,\n"
    "  sketch  BLOB\n"
    ");\n"
    "INSERT OR REPLACE INTO settings (key, value)\n"
    "  SELECT 'bands.indexed', coalesce(max(id), 0) FROM texts;\n";

/* Version 4: the merged level of the band index is bucketed (dedup/band_index.c):
 * a row per key cost more than everything else a bulk ingest does.  Every
 * text placed since version 3 has its keys in band_sets, so they all become
 * pending again and the next ingest merges them into buckets.  Texts without
 * a band_sets row (placed before version 3) lose their keys: the key version
 * is marked stale, and ingest asks for `papergraph dedup`, which rebuilds
 * them.  An unmarked version with texts is stale too (dedup.c would
 * otherwise take zero indexed keys for an empty index). */
static const char migration_4[] =
    "CREATE TABLE band_buckets (\n"
    "  bucket INTEGER PRIMARY KEY,\n"
    "  pairs  BLOB NOT NULL\n"
    ");\n"
    "DROP TABLE bands;\n"
    "INSERT OR REPLACE INTO settings (key, value) VALUES ('bands.indexed', '0');\n"
    "INSERT OR IGNORE INTO settings (key, value)\n"
    "  SELECT 'bands.version', '0' WHERE EXISTS (SELECT 1 FROM texts);\n"
    "INSERT OR REPLACE INTO settings (key, value)\n"
    "  SELECT 'bands.version', '0' WHERE EXISTS (SELECT 1 FROM texts AS t\n"
    "    WHERE NOT EXISTS (SELECT 1 FROM band_sets AS b WHERE b.text_id = t.id));\n";

/* Version 5: occurrences name their text by id, keyed by (file_id, line).
 * SQLite cannot change a column or a table's kind in place: the table is
 * copied (every row unchanged but for the dropped id). */
static const char migration_5[] =
    "CREATE TABLE occurrences_v5 (\n"
    "  file_id   INTEGER NOT NULL REFERENCES files(id),\n"
    "  line      INTEGER NOT NULL,\n"
    "  day       TEXT NOT NULL,\n"
    "  day_label TEXT NOT NULL,\n"
    "  text_id   INTEGER NOT NULL REFERENCES texts(id),\n"
    "  authors   INTEGER,\n"
    "  upvotes   INTEGER,\n"
    "  pub_date  TEXT,\n"
    "  date_raw  TEXT,\n"
    "  venue     TEXT,\n"
    "  ext_id    TEXT,\n"
    "  PRIMARY KEY (file_id, line)\n"
    ") WITHOUT ROWID;\n"
    "INSERT INTO occurrences_v5 (file_id, line, day, day_label, text_id, authors,\n"
    "    upvotes, pub_date, date_raw, venue, ext_id)\n"
    "  SELECT o.file_id, o.line, o.day, o.day_label, t.id, o.authors,\n"
    "    o.upvotes, o.pub_date, o.date_raw, o.venue, o.ext_id\n"
    "  FROM occurrences AS o JOIN texts AS t ON t.key = o.text_key;\n"
    "DROP TABLE occurrences;\n"
    "ALTER TABLE occurrences_v5 RENAME TO occurrences;\n"
    "CREATE INDEX occurrences_text ON occurrences(text_id);\n";

/* Version 6: files by path, for re-reading a page that grew. */
static const char migration_6[] =
    "CREATE INDEX files_path ON files(path);\n";

/* Version 7: the occurrences of one day, and the days of one text, by
 * covering indexes (store_digest.c).  An older database gets them when it
 * is opened; no row changes. */
static const char migration_7[] =
    "DROP INDEX occurrences_text;\n"
    "CREATE INDEX occurrences_text ON occurrences(text_id, day);\n"
    "CREATE INDEX occurrences_day ON occurrences(day, text_id, upvotes);\n";

/* Version 8: a text's band keys stored once, merged ones packed.  The keys
 * still pending move to band_pending; merged ones are already in the
 * buckets, whose conversion is the band index's (band_pack.c): the old
 * buckets wait in band_buckets_v7 until then. */
static const char migration_8[] =
    "ALTER TABLE band_buckets RENAME TO band_buckets_v7;\n"
    "CREATE TABLE band_buckets (\n"
    "  bucket INTEGER PRIMARY KEY,\n"
    "  packed BLOB NOT NULL\n"
    ");\n"
    "CREATE TABLE band_pending (\n"
    "  text_id INTEGER PRIMARY KEY REFERENCES texts(id),\n"
    "  keys    BLOB NOT NULL\n"
    ");\n"
    "INSERT INTO band_pending (text_id, keys)\n"
    "  SELECT text_id, keys FROM band_sets WHERE length(keys) > 0 AND text_id >\n"
    "    coalesce((SELECT CAST(value AS INTEGER) FROM settings\n"
    "              WHERE key = 'bands.indexed'), 0);\n"
    "ALTER TABLE band_sets DROP COLUMN keys;\n";

/* Version 9: the days of a file's entries, a row per file and day,
 * instead of an index of every occurrence by day (occurrences_day), which
 * a bulk ingest paid for at each entry. */
static const char migration_9[] =
    "CREATE TABLE file_days (\n"
    "  day     TEXT NOT NULL,\n"
    "  file_id INTEGER NOT NULL REFERENCES files(id),\n"
    "  PRIMARY KEY (day, file_id)\n"
    ") WITHOUT ROWID;\n"
    "INSERT INTO file_days (day, file_id)\n"
    "  SELECT DISTINCT day, file_id FROM occurrences;\n"
    "DROP INDEX occurrences_day;\n";

/* migrations[v - 1] brings user_version v - 1 to v. */
static const char *const migrations[] = {
    migration_1,
    migration_2,
    migration_3,
    migration_4,
    migration_5,
    migration_6,
    migration_7,
    migration_8,
    migration_9,
};

_Static_assert(sizeof migrations / sizeof migrations[0] == PG_SCHEMA_VERSION,
               "one migration per schema version");

const char *pg_schema_migration(int version)
{
    if (version < 1 || version > PG_SCHEMA_VERSION)
        return NULL;
    return migrations[version - 1];
}
