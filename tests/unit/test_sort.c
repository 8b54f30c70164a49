/*
 * Unit tests for sort: the radix sorts give exactly qsort's order, at the
 * sizes around the switch from qsort, with keys that differ in every byte,
 * share their high bytes, or all tie; and pirx_sort_by_key leaves ties of
 * the key to the comparator.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/sort.h"

static uint64_t state64 = 88172645463325252u;

/* xorshift64: a fixed stream, so every run tests the same arrays. */
static uint64_t next(void)
{
	state64 ^= state64 << 13;
	state64 ^= state64 >> 7;
	state64 ^= state64 << 17;
	return state64;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return (a > b) - (a < b);
}

static const size_t sizes[] = {0, 1, 2, 255, 256, 257, 1000, 65537};

/* mask keeps the bytes that vary; base fills the others. */
static void check_u64(uint64_t mask, uint64_t base)
{
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		uint64_t *a = malloc((n + 1) * sizeof(*a)), *b = malloc((n + 1) * sizeof(*b));

		for (size_t i = 0; i < n; i++)
			a[i] = b[i] = base | (next() & mask);
		pirx_sort_u64(a, n);
		qsort(b, n, sizeof(*b), cmp_u64);
		if (n)
			assert_memory_equal(a, b, n * sizeof(*a));
		free(a);
		free(b);
	}
}

static void test_u64(void **state)
{
	(void)state;
	check_u64(UINT64_MAX, 0);                        /* every byte varies */
	check_u64(UINT64_C(0xffff), UINT64_C(0x1234567800000000)); /* high bytes shared */
	check_u64(UINT64_C(0xff00ff00), 0);              /* bytes between shared ones */
	check_u64(0, 42);                                /* all equal */
	check_u64(UINT64_C(3), 0);                       /* few values, long ties */
}

static void test_signed_key(void **state)
{
	int64_t v[] = {5, -1, INT64_MIN, 0, INT64_MAX, -7, 3};
	uint64_t k[7];

	(void)state;
	for (int i = 0; i < 7; i++)
		k[i] = pirx_sort_key_i64(v[i]);
	pirx_sort_u64(k, 7);
	for (int i = 1; i < 7; i++)
		assert_true((int64_t)(k[i - 1] ^ (UINT64_C(1) << 63)) < (int64_t)(k[i] ^ (UINT64_C(1) << 63)));
	assert_true((int64_t)(k[0] ^ (UINT64_C(1) << 63)) == INT64_MIN);
}

struct rec {
	int64_t t;
	char name[8];
	int32_t tag;    /* not compared: equal records may differ here only in copies */
};

static int cmp_rec(const void *x, const void *y)
{
	const struct rec *a = x, *b = y;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* The key of a record at one of three coarsenesses. */
static uint64_t rec_key(const void *x, const void *arg)
{
	const struct rec *r = x;
	int how = *(const int *)arg;

	if (how == 0)
		return 0;                                  /* all tie: cmp alone */
	if (how == 1)
		return pirx_sort_key_i64(r->t) >> 10;      /* coarse: long ties */
	return pirx_sort_key_i64(r->t);                    /* exact time, names tie */
}

static void test_by_key(void **state)
{
	(void)state;
	for (int how = 0; how < 3; how++) {
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			size_t n = sizes[s];
			struct rec *a = calloc(n + 1, sizeof(*a)), *b = calloc(n + 1, sizeof(*b));

			for (size_t i = 0; i < n; i++) {
				a[i].t = (int64_t)(next() % 100000) - 50000;
				for (int c = 0; c < 3; c++)
					a[i].name[c] = (char)('a' + next() % 4);
				a[i].tag = 0;
			}
			memcpy(b, a, n * sizeof(*a));
			pirx_sort_by_key(a, n, sizeof(*a), rec_key, &how, cmp_rec);
			qsort(b, n, sizeof(*b), cmp_rec);
			for (size_t i = 0; i < n; i++) {
				assert_int_equal(a[i].t, b[i].t);
				assert_string_equal(a[i].name, b[i].name);
			}
			free(a);
			free(b);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_signed_key),
		cmocka_unit_test(test_by_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
