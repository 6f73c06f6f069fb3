/*
** schema.h: the database schema of papergraph as a list of migrations
** (internal to the store module).
**
** Migration v brings a database from PRAGMA user_version v-1 to v; a new
** database runs them all.  store.c applies the pending ones in a single
** transaction and sets user_version and application_id itself, so a
** migration is nothing but SQL text.  To change the schema, add the next
** migration in schema.c and raise PG_SCHEMA_VERSION in store.h; never edit
** a migration that has been released.
*/
#ifndef PG_SCHEMA_H
#define PG_SCHEMA_H

/* PRAGMA application_id of a papergraph database: "PGRH". */
#define PG_APPLICATION_ID 0x50475248

/* The SQL of migration version (1..PG_SCHEMA_VERSION), or NULL when there is
 * no such migration.  The text may hold several statements. */
const char *pg_schema_migration(int version);

#endif
