/*
 * test_fsutil: the background write-back of a file being written
 * (pirx_fs_flusher), and the durable replacement it comes before.
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

#include "pirx/err.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/pirx-test-fsutil-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pirx_fs_rmtree(dir);
	return 0;
}

static void append(FILE *fp, int kib)
{
	char block[1024];

	memset(block, 'x', sizeof(block));
	for (int i = 0; i < kib; i++)
		assert_int_equal(fwrite(block, 1, sizeof(block), fp), sizeof(block));
	assert_int_equal(fflush(fp), 0);
}

/* Kicks while the file grows: each is served (a kick during a sync makes
 * one more after it, many make one), the last even when stop comes at
 * once, and the file is whole afterwards. */
static void test_flusher_syncs_as_kicked(void **state)
{
	char *path = pirx_fs_join(dir, "grow.db"), *target = pirx_fs_join(dir, "final.db");
	FILE *fp = fopen(path, "wb");
	pirx_fs_flusher *f;
	struct pirx_err err;
	long syncs = -1;

	(void)state;
	assert_non_null(fp);
	assert_non_null(f = pirx_fs_flusher_start(path));
	for (int i = 0; i < 4; i++) {
		append(fp, 256);
		pirx_fs_flusher_kick(f);
	}
	for (int i = 0; i < 50; i++)
		pirx_fs_flusher_kick(f);
	append(fp, 256);
	pirx_fs_flusher_kick(f);
	pirx_err_clear(&err);
	assert_int_equal(pirx_fs_flusher_stop(f, &syncs, &err), 0);
	assert_in_range(syncs, 1, 55);
	fclose(fp);
	assert_int_equal(pirx_fs_replace_file(path, target, &err), 0);
	fp = fopen(target, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	assert_int_equal(ftell(fp), 5 * 256 * 1024);
	fclose(fp);
	free(path);
	free(target);
}

/* The last kick is served by stop even when nothing else ran. */
static void test_flusher_stop_serves_last_kick(void **state)
{
	char *path = pirx_fs_join(dir, "once.db");
	FILE *fp = fopen(path, "wb");
	pirx_fs_flusher *f;
	long syncs = -1;

	(void)state;
	assert_non_null(fp);
	append(fp, 64);
	for (int round = 0; round < 20; round++) {
		assert_non_null(f = pirx_fs_flusher_start(path));
		pirx_fs_flusher_kick(f);
		assert_int_equal(pirx_fs_flusher_stop(f, &syncs, NULL), 0);
		assert_int_equal(syncs, 1);
	}
	assert_non_null(f = pirx_fs_flusher_start(path));
	assert_int_equal(pirx_fs_flusher_stop(f, &syncs, NULL), 0);
	assert_int_equal(syncs, 0);
	fclose(fp);
	free(path);
}

/* No file, no flusher: the load goes on, and NULL does nothing. A file
 * that cannot be synced (/dev/null) is not a failure. */
static void test_flusher_without_file(void **state)
{
	char *path = pirx_fs_join(dir, "missing/x.db");
	pirx_fs_flusher *f;
	long syncs = -1;

	(void)state;
	assert_null(pirx_fs_flusher_start(path));
	pirx_fs_flusher_kick(NULL);
	assert_int_equal(pirx_fs_flusher_stop(NULL, &syncs, NULL), 0);
	assert_int_equal(syncs, 0);
	assert_non_null(f = pirx_fs_flusher_start("/dev/null"));
	pirx_fs_flusher_kick(f);
	assert_int_equal(pirx_fs_flusher_stop(f, &syncs, NULL), 0);
	assert_int_equal(syncs, 1);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flusher_syncs_as_kicked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flusher_stop_serves_last_kick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flusher_without_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
