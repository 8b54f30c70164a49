/*
 * fuzz_csv: libFuzzer harness for the streaming CSV reader. Every row the
 * reader hands out must be consistent: field pointers within the row,
 * lengths that match, lines that never go backwards.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/csvio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	long last_line;
};

static int on_row(void *ctx, const struct pirx_csv_row *row)
{
	struct seen *s = ctx;

	if (row->line < s->last_line || row->line < 1)
		abort();
	s->last_line = row->line;
	for (size_t i = 0; i < row->nfields; i++) {
		if (row->field[i][row->len[i]] != '\0')
			abort();
		if (row->field_line[i] < row->line)
			abort();
	}
	if (row->bad_field >= (long)row->nfields)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *fp = fmemopen((void *)data, size, "rb");
	struct seen s = {0};
	struct pirx_err err;
	int rc;

	if (!fp)
		return 0;
	rc = pirx_csv_read_stream(fp, "fuzz.csv", on_row, &s, &err);
	if (rc < 0 && (err.msg[0] == '\0'))
		abort();
	fclose(fp);
	return 0;
}
