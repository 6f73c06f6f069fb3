/*
** papergraph.h: the whole public API of libpapergraph in one include.
*/
#ifndef PAPERGRAPH_H
#define PAPERGRAPH_H

#define PG_VERSION "0.1.0"

#include "papergraph/error.h"
#include "papergraph/buf.h"
#include "papergraph/record.h"
#include "papergraph/reader.h"
#include "papergraph/normalize.h"
#include "papergraph/fingerprint.h"
#include "papergraph/store.h"
#include "papergraph/ingest.h"
#include "papergraph/export.h"
#include "papergraph/cluster.h"
#include "papergraph/dedup.h"
#include "papergraph/papers.h"
#include "papergraph/terms.h"
#include "papergraph/graph.h"
#include "papergraph/draw.h"

#endif
