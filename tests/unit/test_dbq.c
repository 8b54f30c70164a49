/*
 * test_dbq: rows queued for the writer thread land in order with their
 * values, are copied when queued, and a failed step stops the queue with
 * SQLite's error; the same with the queue run in the caller's thread, and
 * with rows grouped into many-row inserts among rows of another table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pirx/db.h"
#include "pirx/dbq.h"
#include "pirx/err.h"
#include "pirx/mem.h"

static pirx_db *db;
static pirx_stmt *ins;     /* INSERT INTO t */
static pirx_stmt *ins7;    /* INSERT INTO t, 7 rows */
static pirx_stmt *ins_u;   /* INSERT INTO u */

#define GROUP 7

/* Each test runs with the queue in a writer thread and in the caller's
 * thread: its state is 1 or 0, pirx_dbq_new's argument. */
static int threaded = 1, one_thread = 0;

static int setup(void **state)
{
	struct pirx_err err;
	pirx_stmt *st;

	(void)state;
	assert_int_equal(pirx_db_open(":memory:", PIRX_DB_CREATE, &db, &err), 0);
	assert_int_equal(pirx_db_prepare_sql(db, "CREATE TABLE t (i INTEGER, s TEXT, "
					     "n INTEGER CHECK (n IS NULL OR n >= 0))", &st, &err), 0);
	assert_int_equal(pirx_stmt_step(st, &err), 0);
	pirx_stmt_finalize(st);
	assert_int_equal(pirx_db_prepare_sql(db, "INSERT INTO t VALUES (?, ?, ?)", &ins, &err), 0);
	assert_int_equal(pirx_db_prepare_sql(db, "CREATE TABLE u (i INTEGER)", &st, &err), 0);
	assert_int_equal(pirx_stmt_step(st, &err), 0);
	pirx_stmt_finalize(st);
	assert_int_equal(pirx_db_prepare_sql(db, "INSERT INTO u VALUES (?1)", &ins_u, &err), 0);
	assert_int_equal(pirx_db_prepare_sql(db, "INSERT INTO t VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?), "
					     "(?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?)", &ins7, &err), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pirx_stmt_finalize(ins);
	pirx_stmt_finalize(ins7);
	pirx_stmt_finalize(ins_u);
	ins = ins7 = ins_u = NULL;
	pirx_db_close(db);
	db = NULL;
	return 0;
}

/* Row i's text: i repeated letters, and one row far over a batch. */
static size_t text_of(int i, char *buf, size_t cap)
{
	size_t n = i == 777 ? cap - 1 : (size_t)(i % 97);

	for (size_t k = 0; k < n; k++)
		buf[k] = (char)('a' + (i + (int)k) % 26);
	buf[n] = '\0';
	return n;
}

#define ROWS 20000
#define BIG (600 * 1024)

/* Queues rows 0..rows-1 of t; with_u: a row of u after every fifth. */
static void queue_rows_u(pirx_dbq *q, int rows, int fail_at, int with_u)
{
	char *buf = pirx_xmalloc(BIG);

	for (int i = 0; i < rows; i++) {
		if (with_u && i % 5 == 4) {
			pirx_dbq_row(q, ins_u);
			pirx_dbq_int64(q, i);
			pirx_dbq_end(q);
		}
		size_t n = text_of(i, buf, BIG);
		pirx_dbq_row(q, ins);
		pirx_dbq_int64(q, i);
		pirx_dbq_text(q, buf, (long)n);
		if (i == fail_at)
			pirx_dbq_int64(q, -1);        /* breaks the CHECK */
		else if (i % 3 == 0)
			pirx_dbq_null(q);
		else
			pirx_dbq_int64(q, (int64_t)i * 1000000007LL);
		/* The queue holds its own copy: scribbling on the buffer now
		 * must not reach the table. */
		memset(buf, 'X', n);
		pirx_dbq_end(q);
	}
	free(buf);
}

static void queue_rows(pirx_dbq *q, int rows, int fail_at)
{
	queue_rows_u(q, rows, fail_at, 0);
}

/* Rows 0..n-1 are in the table, in insert order, with their values;
 * returns n. */
static int count_prefix(void)
{
	struct pirx_err err;
	pirx_stmt *st;
	char *buf = pirx_xmalloc(BIG);
	int i = 0;

	assert_int_equal(pirx_db_prepare_sql(db, "SELECT i, s, n FROM t ORDER BY rowid", &st, &err), 0);
	while (pirx_stmt_step(st, &err) == 1) {
		size_t n = text_of(i, buf, BIG);
		assert_int_equal(pirx_stmt_int64(st, 0), i);
		assert_int_equal(pirx_stmt_bytes(st, 1), (int)n);
		assert_memory_equal(pirx_stmt_text(st, 1), buf, n);
		if (i % 3 == 0)
			assert_true(pirx_stmt_is_null(st, 2));
		else
			assert_true(pirx_stmt_int64(st, 2) == (int64_t)i * 1000000007LL);
		i++;
	}
	pirx_stmt_finalize(st);
	free(buf);
	return i;
}

/* Every row 0..rows-1 is in the table, in insert order, with its values. */
static void expect_rows(int rows)
{
	assert_int_equal(count_prefix(), rows);
}

static void test_rows_in_order(void **state)
{
	int with_thread = *(int *)*state;
	struct pirx_err err;
	pirx_dbq *q = pirx_dbq_new(with_thread);

	assert_int_equal(pirx_dbq_threaded(q), with_thread);
	queue_rows(q, ROWS, -1);
	assert_int_equal(pirx_dbq_drain(q, &err), 0);
	assert_int_equal(pirx_dbq_failed(q), 0);
	/* Drained: the connection is the caller's again. */
	expect_rows(ROWS);
	queue_rows(q, 0, -1);
	assert_int_equal(pirx_dbq_drain(q, &err), 0);
	pirx_dbq_free(q);
}

static void test_failure_stops(void **state)
{
	struct pirx_err err;
	pirx_dbq *q = pirx_dbq_new(*(int *)*state);

	queue_rows(q, ROWS, 5000);
	pirx_err_clear(&err);
	assert_int_equal(pirx_dbq_drain(q, &err), PIRX_EIO);
	assert_int_equal(err.code, PIRX_EIO);
	assert_non_null(strstr(err.msg, "CHECK constraint failed"));
	assert_true(pirx_dbq_failed(q));
	/* The rows before the failure went in, none after it. */
	expect_rows(5000);
	/* The error stays: a later drain reports it again. */
	pirx_err_clear(&err);
	assert_int_equal(pirx_dbq_drain(q, &err), PIRX_EIO);
	assert_non_null(strstr(err.msg, "CHECK constraint failed"));
	pirx_dbq_free(q);
}

static void test_free_drains(void **state)
{
	pirx_dbq *q = pirx_dbq_new(*(int *)*state);

	queue_rows(q, 3000, -1);
	pirx_dbq_free(q);
	expect_rows(3000);
	pirx_dbq_free(NULL);
}

/* Rows of t run GROUP at a time (and the rest of each batch one by one),
 * interleaved with rows of u that are not grouped: both tables get every
 * row in order, including the row larger than a batch. */
static void test_grouped_rows(void **state)
{
	struct pirx_err err;
	pirx_stmt *st;
	pirx_dbq *q = pirx_dbq_new(*(int *)*state);
	int i = 0;

	assert_int_equal(pirx_dbq_group(q, ins, ins7, GROUP), 0);
	queue_rows_u(q, ROWS, -1, 1);
	assert_int_equal(pirx_dbq_drain(q, &err), 0);
	expect_rows(ROWS);
	assert_int_equal(pirx_db_prepare_sql(db, "SELECT i FROM u ORDER BY rowid", &st, &err), 0);
	while (pirx_stmt_step(st, &err) == 1) {
		assert_int_equal(pirx_stmt_int64(st, 0), i * 5 + 4);
		i++;
	}
	assert_int_equal(i, ROWS / 5);
	pirx_stmt_finalize(st);
	/* Ungrouped, the statements may be finalized (teardown). */
	assert_int_equal(pirx_dbq_group(q, ins, NULL, 0), 0);
	pirx_dbq_free(q);
}

/* A failed many-row insert stops the queue like a failed row: the rows
 * before its group are in, none from it on. */
static void test_grouped_failure(void **state)
{
	struct pirx_err err;
	pirx_dbq *q = pirx_dbq_new(*(int *)*state);
	int n;

	assert_int_equal(pirx_dbq_group(q, ins, ins7, GROUP), 0);
	queue_rows_u(q, ROWS, 5000, 1);
	pirx_err_clear(&err);
	assert_int_equal(pirx_dbq_drain(q, &err), PIRX_EIO);
	assert_non_null(strstr(err.msg, "CHECK constraint failed"));
	n = count_prefix();
	assert_true(n <= 5000 && n > 5000 - GROUP);
	pirx_dbq_group(q, ins, NULL, 0);
	pirx_dbq_free(q);
}

static void test_group_limits(void **state)
{
	struct pirx_err err;
	pirx_stmt *st[PIRX_DBQ_GROUPS];
	pirx_dbq *q = pirx_dbq_new(0);

	(void)state;
	assert_int_equal(pirx_dbq_group(q, ins, ins7, 1), -1);
	assert_int_equal(pirx_dbq_group(q, ins, ins7, PIRX_DBQ_MAX_ROWS + 1), -1);
	for (int i = 0; i < PIRX_DBQ_GROUPS; i++) {
		assert_int_equal(pirx_db_prepare_sql(db, "INSERT INTO u VALUES (?1)", &st[i], &err), 0);
		assert_int_equal(pirx_dbq_group(q, st[i], ins7, 2), 0);
	}
	assert_int_equal(pirx_dbq_group(q, ins, ins7, 2), -1);
	/* Regrouping a grouped statement takes no new slot; ungrouping frees
	 * one. */
	assert_int_equal(pirx_dbq_group(q, st[0], ins7, 3), 0);
	assert_int_equal(pirx_dbq_group(q, st[1], NULL, 0), 0);
	assert_int_equal(pirx_dbq_group(q, ins, ins7, 2), 0);
	pirx_dbq_free(q);
	for (int i = 0; i < PIRX_DBQ_GROUPS; i++)
		pirx_stmt_finalize(st[i]);
}

/* A row with fewer values than the statement has parameters leaves the
 * rest NULL, never the values of the row before (statements keep their
 * bindings between steps): one by one and in groups. */
static void test_short_rows(void **state)
{
	struct pirx_err err;
	pirx_stmt *st;
	int i = 0;

	(void)state;
	for (int grouped = 0; grouped < 2; grouped++) {
		pirx_dbq *q = pirx_dbq_new(0);
		if (grouped)
			assert_int_equal(pirx_dbq_group(q, ins, ins7, GROUP), 0);
		for (int k = 0; k < 50; k++) {
			pirx_dbq_row(q, ins);
			pirx_dbq_int64(q, k);
			pirx_dbq_text(q, "x", 1);
			if (k % 2)
				pirx_dbq_int64(q, k);
			pirx_dbq_end(q);
		}
		assert_int_equal(pirx_dbq_drain(q, &err), 0);
		if (grouped)
			assert_int_equal(pirx_dbq_group(q, ins, NULL, 0), 0);
		pirx_dbq_free(q);
	}
	assert_int_equal(pirx_db_prepare_sql(db, "SELECT i, n FROM t ORDER BY rowid", &st, &err), 0);
	while (pirx_stmt_step(st, &err) == 1) {
		int k = (int)pirx_stmt_int64(st, 0);
		assert_int_equal(k, i % 50);
		if (k % 2)
			assert_int_equal(pirx_stmt_int64(st, 1), k);
		else
			assert_true(pirx_stmt_is_null(st, 1));
		i++;
	}
	pirx_stmt_finalize(st);
	assert_int_equal(i, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate_setup_teardown(test_rows_in_order, setup, teardown, &threaded),
		cmocka_unit_test_prestate_setup_teardown(test_rows_in_order, setup, teardown, &one_thread),
		cmocka_unit_test_prestate_setup_teardown(test_failure_stops, setup, teardown, &threaded),
		cmocka_unit_test_prestate_setup_teardown(test_failure_stops, setup, teardown, &one_thread),
		cmocka_unit_test_prestate_setup_teardown(test_free_drains, setup, teardown, &threaded),
		cmocka_unit_test_prestate_setup_teardown(test_grouped_rows, setup, teardown, &threaded),
		cmocka_unit_test_prestate_setup_teardown(test_grouped_rows, setup, teardown, &one_thread),
		cmocka_unit_test_prestate_setup_teardown(test_grouped_failure, setup, teardown, &threaded),
		cmocka_unit_test_prestate_setup_teardown(test_grouped_failure, setup, teardown, &one_thread),
		cmocka_unit_test_setup_teardown(test_group_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_rows, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
