/*
** papergraph.h: the whole public API of libpapergraph in one include.
**
**   base.h     errors, buffers, content keys
**   read.h     reading listing pages, JSON lines and CSV into records
**   store.h    the SQLite database: open, read back occurrences and papers
**   ingest.h   reading files into the store (with dedup)
**   dedup.h    the near-duplicate stage: thresholds, rebuild, compare
**   papers.h   canonical papers aggregated over their variants
**   graph.h    the paper graph, built and analysed
**   export.h   outputs: listings, CSV/JSON, GraphML, pictures, the report
*/
#ifndef PAPERGRAPH_H
#define PAPERGRAPH_H

#define PG_VERSION "0.1.0"

#include "papergraph/base.h"
#include "papergraph/read.h"
#include "papergraph/store.h"
#include "papergraph/ingest.h"
#include "papergraph/dedup.h"
#include "papergraph/papers.h"
#include "papergraph/graph.h"
#include "papergraph/export.h"

#endif
