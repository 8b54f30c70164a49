/*
 * test_db: connection settings of the SQLite adapter. Report connections
 * read small databases through a memory map and large ones through the
 * page cache (src/db.c, map_if_small); SQLite keeps no memory statistics
 * (configure_sqlite).
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

static void test_read_maps_small_files(void **state)
{
	char path[] = "/tmp/pirx-test-db-XXXXXX";
	struct pirx_err err = {0};
	pirx_db *db = NULL;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);

	make_db(path, 0);
	assert_int_equal(pirx_db_open(path, PIRX_DB_READ, &db, &err), 0);
	assert_int_equal(pragma_int(db, "PRAGMA mmap_size"), PIRX_DB_MAP_MAX);
	assert_int_equal(pragma_int(db, "SELECT count(*) FROM t"), 0);
	pirx_db_close(db);

	/* Writers never map. */
	assert_int_equal(pirx_db_open(path, PIRX_DB_WRITE, &db, &err), 0);
	assert_int_equal(pragma_int(db, "PRAGMA mmap_size"), 0);
	pirx_db_close(db);

	/* One byte over the limit: read through the page cache. */
	make_db(path, (off_t)PIRX_DB_MAP_MAX + 1);
	assert_int_equal(pirx_db_open(path, PIRX_DB_READ, &db, &err), 0);
	assert_int_equal(pragma_int(db, "PRAGMA mmap_size"), 0);
	assert_int_equal(pragma_int(db, "SELECT count(*) FROM t"), 0);
	pirx_db_close(db);
	unlink(path);
}

/* Statistics off: SQLite counts nothing, so the total it reports stays 0
 * while a connection is open and has read. */
static void test_no_memory_statistics(void **state)
{
	char path[] = "/tmp/pirx-test-db-XXXXXX";
	struct pirx_err err = {0};
	pirx_db *db = NULL;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	make_db(path, 0);
	assert_int_equal(pirx_db_open(path, PIRX_DB_READ, &db, &err), 0);
	assert_int_equal(pragma_int(db, "SELECT count(*) FROM t"), 0);
	assert_int_equal(sqlite3_memory_used(), 0);
	pirx_db_close(db);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_maps_small_files),
		cmocka_unit_test(test_no_memory_statistics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
