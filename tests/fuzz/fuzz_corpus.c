/*
 * fuzz_corpus: libFuzzer harness for validation. The input becomes
 * incidents.csv (before the first 0xFF byte) and factors.csv (after it) of
 * a corpus that `pirx check` validates: it must never crash, and every
 * problem it reports must carry a file name.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pirx/corpus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/pirx-fuzz-corpus-XXXXXX";
static int ready;

static void on_problem(void *ctx, const struct pirx_err *e)
{
	(void)ctx;
	if (e->file[0] == '\0' || e->msg[0] == '\0')
		abort();
}

static void put(const char *name, const uint8_t *p, size_t n)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(p, 1, n, f);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *cut = memchr(data, 0xFF, size);
	size_t n1 = cut ? (size_t)(cut - data) : size;
	struct pirx_corpus_opts opts;
	struct pirx_corpus_stats st;
	struct pirx_err err;

	if (!ready) {
		if (!mkdtemp(dir))
			abort();
		ready = 1;
	}
	put("incidents.csv", data, n1);
	put("factors.csv", cut ? cut + 1 : data, cut ? size - n1 - 1 : 0);
	memset(&opts, 0, sizeof(opts));
	opts.hooks.problem = on_problem;
	pirx_err_clear(&err);
	pirx_corpus_load(dir, &opts, &st, &err);
	return 0;
}
