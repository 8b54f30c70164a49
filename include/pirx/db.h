/*
 * db: the SQLite adapter (sqlite3 lives only here).
 *
 * Statements are never written in C: they are named after their file in
 * queries/ ("durations_by_month" is queries/durations_by_month.sql) and
 * come from the copy embedded in the binary. Values are always bound.
 */
#ifndef PIRX_DB_H
#define PIRX_DB_H

#include <stddef.h>
#include <stdint.h>

#include "pirx/err.h"

typedef struct pirx_db pirx_db;
typedef struct pirx_stmt pirx_stmt;

/* The schema version queries/schema.sql sets with PRAGMA user_version. */
#define PIRX_SCHEMA_VERSION 1

enum pirx_db_mode {
	PIRX_DB_READ,     /* existing database, read only */
	PIRX_DB_WRITE,    /* existing database, read and write */
	PIRX_DB_CREATE,   /* create if missing, read and write */
	PIRX_DB_BULK      /* a new scratch file built in one go: no journal, no
			     fsync until pirx_db_sync; only for files that are
			     renamed into place when complete */
};

/* PIRX_DB_READ connections read a database file of up to this many bytes
 * through a memory map (src/db.c). */
#define PIRX_DB_MAP_MAX ((int64_t)256 << 20)

/* Column types as pirx_stmt_type reports them. */
enum { PIRX_COL_INT = 1, PIRX_COL_REAL = 2, PIRX_COL_TEXT = 3, PIRX_COL_BLOB = 4, PIRX_COL_NULL = 5 };

/* Opens path. Returns 0 and *out (free with pirx_db_close), or PIRX_EIO. */
int pirx_db_open(const char *path, enum pirx_db_mode mode, pirx_db **out,
		 struct pirx_err *err);
/* Closes db; NULL does nothing. */
void pirx_db_close(pirx_db *db);
/* The file db was opened on (borrowed; valid until pirx_db_close). */
const char *pirx_db_path(const pirx_db *db);

/*
 * Runs every statement of the embedded file `name` (for schema.sql and
 * other scripts). Returns 0 or PIRX_EIO.
 */
int pirx_db_run_script(pirx_db *db, const char *name, struct pirx_err *err);

/* Transaction control. Each returns 0 or PIRX_EIO. */
int pirx_db_begin(pirx_db *db, struct pirx_err *err);
int pirx_db_commit(pirx_db *db, struct pirx_err *err);
int pirx_db_rollback(pirx_db *db);

/* PRAGMA user_version of the open database (0 for a new one). */
int pirx_db_user_version(pirx_db *db);
/*
 * Checks that the database was written by this pirx's schema. Returns 0,
 * or PIRX_EINPUT naming the file when it is not a pirx database.
 */
int pirx_db_check_schema(pirx_db *db, struct pirx_err *err);

/*
 * Prepares the embedded query `name`. Returns 0 and *out (finalize with
 * pirx_stmt_finalize), or PIRX_EUSAGE for an unknown name, PIRX_EIO when
 * SQLite refuses it.
 */
int pirx_db_prepare(pirx_db *db, const char *name, pirx_stmt **out,
		    struct pirx_err *err);
/*
 * Prepares the embedded INSERT `name`, whose one VALUES row has the
 * parameters ?1..?n, for `rows` rows at once: the same statement with
 * the row repeated, parameters ?(n+1)..?(2n) for the second row and so
 * on. One step then inserts them all, in order, which spares SQLite the
 * per-statement part of its cost (opening the table, finding its end).
 * Returns 0, PIRX_EUSAGE when name is not such an INSERT, or PIRX_EIO.
 */
int pirx_db_prepare_rows(pirx_db *db, const char *name, int rows, pirx_stmt **out,
			 struct pirx_err *err);
/* Prepares raw SQL text; only for tests and `pirx query` of a file. */
int pirx_db_prepare_sql(pirx_db *db, const char *sql, pirx_stmt **out,
			struct pirx_err *err);

/* Binding, 1-based indexes as in SQLite. n < 0 means strlen(s). */
void pirx_stmt_bind_text(pirx_stmt *st, int idx, const char *s, long n);
/* Same without a copy, for bulk loads: s must stay valid and unchanged
 * until the statement has been stepped and reset. */
void pirx_stmt_bind_text_static(pirx_stmt *st, int idx, const char *s, long n);
void pirx_stmt_bind_int64(pirx_stmt *st, int idx, int64_t v);
void pirx_stmt_bind_double(pirx_stmt *st, int idx, double v);
void pirx_stmt_bind_null(pirx_stmt *st, int idx);
/* Binds text to a named parameter (":month" or "month"). Returns 0 or -1
 * when the statement has no such parameter. */
int pirx_stmt_bind_named(pirx_stmt *st, const char *name, const char *value);
/* Number of parameters and the name of parameter idx (NULL if unnamed). */
int pirx_stmt_param_count(pirx_stmt *st);
const char *pirx_stmt_param_name(pirx_stmt *st, int idx);

/* Steps: 1 a row is ready, 0 done, PIRX_EIO on error (err filled). */
int pirx_stmt_step(pirx_stmt *st, struct pirx_err *err);
/* Resets for another run and clears bindings. */
void pirx_stmt_reset(pirx_stmt *st);
/* Resets st but keeps its bindings, for a caller that binds every
 * parameter again before each step (clearing them was 3% of the load). */
void pirx_stmt_rewind(pirx_stmt *st);
/* Finalizes; NULL does nothing. */
void pirx_stmt_finalize(pirx_stmt *st);

/* Result columns, 0-based, valid after a step returned 1. */
int pirx_stmt_columns(pirx_stmt *st);
const char *pirx_stmt_column_name(pirx_stmt *st, int col);
int pirx_stmt_type(pirx_stmt *st, int col);
int pirx_stmt_is_null(pirx_stmt *st, int col);
int64_t pirx_stmt_int64(pirx_stmt *st, int col);
double pirx_stmt_double(pirx_stmt *st, int col);
/* Text of a column ("" for NULL); valid until the next step or reset. */
const char *pirx_stmt_text(pirx_stmt *st, int col);
int pirx_stmt_bytes(pirx_stmt *st, int col);

#endif
