/*
 * dbq: a queue of insert rows that a second thread binds and steps, in
 * the order they were queued (for grouped statements, below: in that
 * order within each statement), while the caller goes on reading the next
 * ones. It is how `pirx load` uses both cores: parsing and checking CSV on
 * one, SQLite's record building and B-tree inserts on the other.
 *
 * Values are copied into the queue, so the caller's buffers may change as
 * soon as a call returns. Rows are run in batches; a failed step stops the
 * queue (later rows are dropped) and its error is kept for pirx_dbq_drain.
 *
 * While rows may be in flight the queue owns the connection: the caller
 * must not prepare, step, finalize or run anything on the same database
 * until pirx_dbq_drain has returned (the connection is opened NOMUTEX).
 */
#ifndef PIRX_DBQ_H
#define PIRX_DBQ_H

#include <stddef.h>
#include <stdint.h>

#include "pirx/db.h"
#include "pirx/err.h"

typedef struct pirx_dbq pirx_dbq;

/*
 * A new queue. threaded: run rows in a writer thread; 0 runs each full
 * batch in the caller's thread (the same order, one core). When a thread
 * cannot be started the queue runs in the caller's thread. Free with
 * pirx_dbq_free.
 */
pirx_dbq *pirx_dbq_new(int threaded);
/* 1 when rows run in a writer thread. */
int pirx_dbq_threaded(const pirx_dbq *q);

/*
 * One row: pirx_dbq_row names its statement, then one call per parameter
 * binds parameters 1, 2, ... in order, and pirx_dbq_end completes the row.
 * n < 0 means strlen(s).
 */
void pirx_dbq_row(pirx_dbq *q, pirx_stmt *st);
void pirx_dbq_text(pirx_dbq *q, const char *s, long n);
void pirx_dbq_int64(pirx_dbq *q, int64_t v);
void pirx_dbq_null(pirx_dbq *q);
void pirx_dbq_end(pirx_dbq *q);

/*
 * Rows queued for `one` may then run `rows` at a time through `many`, the
 * same INSERT prepared for that many rows (pirx_db_prepare_rows): SQLite
 * opens the table once per step, not once per row. Each table still gets
 * its rows in the order they were queued; rows of different tables may
 * run in another order. many = NULL ungroups `one`, which must be done
 * before either statement is finalized. Only while the queue is drained
 * (before the first row, or after pirx_dbq_drain). Returns 0, or -1 when
 * rows is not 2..PIRX_DBQ_MAX_ROWS or PIRX_DBQ_GROUPS statements are
 * grouped already.
 */
#define PIRX_DBQ_GROUPS 4
#define PIRX_DBQ_MAX_ROWS 64
int pirx_dbq_group(pirx_dbq *q, pirx_stmt *one, pirx_stmt *many, int rows);

/* Nonzero once a step has failed (cheap; call it per row to stop early). */
int pirx_dbq_failed(const pirx_dbq *q);

/*
 * Waits until every queued row has run. Returns 0, or PIRX_EIO with err
 * filled from the first failed step (the same error every later call).
 */
int pirx_dbq_drain(pirx_dbq *q, struct pirx_err *err);

/* Drains (ignoring errors), stops the thread and frees q; NULL does nothing. */
void pirx_dbq_free(pirx_dbq *q);

#endif
