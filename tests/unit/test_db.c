/*
 * test_db: connection settings of the SQLite adapter. Report connections
 * read small databases through a memory map and large ones through the
 * page cache (src/db.c, map_if_small), bulk loads keep a small page cache;
 * SQLite keeps no memory statistics
 * (configure_sqlite); an embedded INSERT prepared for many rows at once
 * (pirx_db_prepare_rows).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "pirx/db.h"

static int64_t pragma_int(pirx_db *db, const char *sql)
{
	struct pirx_err err = {0};
	pirx_stmt *st = NULL;
	int64_t v;

	assert_int_equal(pirx_db_prepare_sql(db, sql, &st, &err), 0);
	assert_int_equal(pirx_stmt_step(st, &err), 1);
	v = pirx_stmt_int64(st, 0);
	pirx_stmt_finalize(st);
	return v;
}

/* A one-table database at path, padded with zeros (a sparse tail SQLite
 * ignores: the header gives its size) to size bytes when size > 0. */
static void make_db(const char *path, off_t size)
{
	struct pirx_err err = {0};
	pirx_db *db = NULL;
	pirx_stmt *st = NULL;

	unlink(path);
	assert_int_equal(pirx_db_open(path, PIRX_DB_CREATE, &db, &err), 0);
	assert_int_equal(pirx_db_prepare_sql(db, "CREATE TABLE t (x INTEGER)", &st, &err), 0);
	assert_int_equal(pirx_stmt_step(st, &err), 0);
	pirx_stmt_finalize(st);
	pirx_db_close(db);
	if (size > 0)
		assert_int_equal(truncate(path, size), 0);
}

/* A new one-table database in a temporary file named into path. */
static void temp_db(char path[static 25])
{
	int fd;

	strcpy(path, "/tmp/pirx-test-db-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	make_db(path, 0);
}

static pirx_db *open_db(const char *path, enum pirx_db_mode mode)
{
	struct pirx_err err = {0};
	pirx_db *db = NULL;

	assert_int_equal(pirx_db_open(path, mode, &db, &err), 0);
	return db;
}

static void test_read_maps_small_files(void **state)
{
	char path[25];
	pirx_db *db;

	(void)state;
	temp_db(path);
	db = open_db(path, PIRX_DB_READ);
	assert_int_equal(pragma_int(db, "PRAGMA mmap_size"), PIRX_DB_MAP_MAX);
	assert_int_equal(pragma_int(db, "SELECT count(*) FROM t"), 0);
	pirx_db_close(db);

	/* Writers never map. */
	db = open_db(path, PIRX_DB_WRITE);
	assert_int_equal(pragma_int(db, "PRAGMA mmap_size"), 0);
	pirx_db_close(db);

	/* Bulk loads keep a small page cache (faster than 64 MiB; scale.md). */
	unlink(path);
	db = open_db(path, PIRX_DB_BULK);
	assert_int_equal(pragma_int(db, "PRAGMA mmap_size"), 0);
	assert_int_equal(pragma_int(db, "PRAGMA cache_size"), -16384);
	pirx_db_close(db);
	make_db(path, 0);

	/* One byte over the limit: read through the page cache. */
	make_db(path, (off_t)PIRX_DB_MAP_MAX + 1);
	db = open_db(path, PIRX_DB_READ);
	assert_int_equal(pragma_int(db, "PRAGMA mmap_size"), 0);
	assert_int_equal(pragma_int(db, "SELECT count(*) FROM t"), 0);
	pirx_db_close(db);
	unlink(path);
}

/* Statistics off: SQLite counts nothing, so the total it reports stays 0
 * while a connection is open and has read. */
static void test_no_memory_statistics(void **state)
{
	char path[25];
	pirx_db *db;

	(void)state;
	temp_db(path);
	db = open_db(path, PIRX_DB_READ);
	assert_int_equal(pragma_int(db, "SELECT count(*) FROM t"), 0);
	assert_int_equal(sqlite3_memory_used(), 0);
	pirx_db_close(db);
	unlink(path);
}

/* insert_roster for 3 rows: 12 parameters, renumbered row by row, and one
 * step inserts the three rows in order. Other queries are refused. */
static void test_prepare_rows(void **state)
{
	struct pirx_err err = {0};
	pirx_db *mem = NULL;
	pirx_stmt *st = NULL;
	const char *who[] = {"ana", "bo", "cy"};

	(void)state;
	assert_int_equal(pirx_db_open(":memory:", PIRX_DB_CREATE, &mem, &err), 0);
	assert_int_equal(pirx_db_run_script(mem, "schema", &err), 0);
	assert_int_equal(pirx_db_prepare_rows(mem, "insert_roster", 3, &st, &err), 0);
	assert_int_equal(pirx_stmt_param_count(st), 12);
	for (int r = 0; r < 3; r++) {
		pirx_stmt_bind_text(st, r * 4 + 1, who[r], -1);
		pirx_stmt_bind_text(st, r * 4 + 2, "core", -1);
		pirx_stmt_bind_text(st, r * 4 + 3, "UTC", -1);
		pirx_stmt_bind_int64(st, r * 4 + 4, r + 2);
	}
	assert_int_equal(pirx_stmt_step(st, &err), 0);
	pirx_stmt_finalize(st);
	assert_int_equal(pirx_db_prepare_sql(mem, "SELECT group_concat(responder || source_line, ',') "
					     "FROM (SELECT * FROM roster ORDER BY rowid)", &st, &err), 0);
	assert_int_equal(pirx_stmt_step(st, &err), 1);
	assert_string_equal(pirx_stmt_text(st, 0), "ana2,bo3,cy4");
	pirx_stmt_finalize(st);

	/* One row is the query itself. */
	assert_int_equal(pirx_db_prepare_rows(mem, "insert_page", 1, &st, &err), 0);
	assert_int_equal(pirx_stmt_param_count(st), 5);
	pirx_stmt_finalize(st);
	/* Not an INSERT of one VALUES row, no such query, no rows. */
	assert_int_equal(pirx_db_prepare_rows(mem, "report_span", 2, &st, &err), PIRX_EUSAGE);
	assert_non_null(strstr(err.msg, "report_span"));
	assert_int_equal(pirx_db_prepare_rows(mem, "no_such_query", 2, &st, &err), PIRX_EUSAGE);
	assert_int_equal(pirx_db_prepare_rows(mem, "insert_roster", 0, &st, &err), PIRX_EUSAGE);
	pirx_db_close(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_maps_small_files),
		cmocka_unit_test(test_no_memory_statistics),
		cmocka_unit_test(test_prepare_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
