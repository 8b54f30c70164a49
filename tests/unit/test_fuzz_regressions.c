/*
 * test_fuzz_regressions: replays every input the fuzzers once crashed on
 * (tests/fuzz/regressions/TARGET/) through the same harness code, so a
 * fixed crash stays fixed in `make check` without clang or libFuzzer.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define LLVMFuzzerTestOneInput fuzz_csv_one
#include "../fuzz/fuzz_csv.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_time_one
#include "../fuzz/fuzz_time.c"
#undef LLVMFuzzerTestOneInput

typedef int (*harness_fn)(const uint8_t *data, size_t size);

static int replay_dir(const char *dir, harness_fn fn)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[1024];
		FILE *f;
		uint8_t *buf;
		long len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		fseek(f, 0, SEEK_SET);
		buf = malloc((size_t)len + 1);
		assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		fn(buf, (size_t)len);   /* aborts (fails the test) on a regression */
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}

static void csv_regressions(void **state)
{
	(void)state;
	assert_true(replay_dir("tests/fuzz/regressions/csv", fuzz_csv_one) >= 1);
	replay_dir("tests/fuzz/seeds/csv", fuzz_csv_one);
}

static void time_regressions(void **state)
{
	(void)state;
	replay_dir("tests/fuzz/regressions/time", fuzz_time_one);
	assert_true(replay_dir("tests/fuzz/seeds/time", fuzz_time_one) >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_regressions),
		cmocka_unit_test(time_regressions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
