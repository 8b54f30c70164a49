/*
 * fuzz_time: libFuzzer harness for the timestamp parser. Checks that a
 * parse never reads past its input, and that whatever parses formats back
 * to an instant that parses to the same value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/timefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size heap copy, so ASan sees any read past the end. */
	char *s = malloc(size ? size : 1);
	int64_t t, u;
	const char *why = NULL;

	memcpy(s, data, size);
	if (pirx_time_parse(s, size, &t, &why) == 0) {
		char buf[PIRX_TIME_STRLEN];
		if (t > -62135596800LL && t < 253402300800LL) {
			pirx_time_format(t, buf);
			if (pirx_time_parse(buf, strlen(buf), &u, &why) != 0 || u != t)
				abort();
		}
	} else if (!why) {
		abort();
	}
	free(s);
	return 0;
}
