/*
 * sort: least significant digit radix sorts on 64-bit keys, a byte per
 * pass. One pass over the keys counts all eight digits; a digit every key
 * shares (the high bytes of times, of small ranks) is skipped, so most
 * sorts take three to five passes. A comparison sort calls its comparator
 * n log n times, 18 per element at 250,000 elements; this touches each
 * element once per pass.
 */
#include "pirx/sort.h"

#include <stdlib.h>
#include <string.h>

#include "pirx/mem.h"

/* Below this many elements qsort is as quick as the passes. */
#define SMALL 256

/* A key and the position of its element, for pirx_sort_by_key. */
struct keyed {
	uint64_t key;
	uint64_t at;
};

static inline uint64_t key_at(const unsigned char *v, size_t i, size_t stride)
{
	uint64_t k;

	memcpy(&k, v + i * stride, sizeof(k));
	return k;
}

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/*
 * Sorts n records of stride bytes whose first 8 bytes are the key,
 * stably, using tmp (as large as a) as the other buffer. Inlined into
 * each caller with a constant stride, so that each copy is a fixed-size
 * move and not a call to memcpy (which doubled the cost).
 */
static ALWAYS_INLINE void radix(void *a, void *tmp, size_t n, size_t stride)
{
	static const int digits = 8;
	size_t count[8][256];
	unsigned char *src = a, *dst = tmp;

	memset(count, 0, sizeof(count));
	for (size_t i = 0; i < n; i++) {
		uint64_t k = key_at(src, i, stride);
		for (int d = 0; d < digits; d++)
			count[d][(k >> (8 * d)) & 0xff]++;
	}
	for (int d = 0; d < digits; d++) {
		size_t *c = count[d], sum = 0;
		int shift = 8 * d;
		unsigned char *swap;

		if (c[(key_at(src, 0, stride) >> shift) & 0xff] == n)
			continue;   /* every key has this byte */
		for (int b = 0; b < 256; b++) {
			size_t here = c[b];
			c[b] = sum;
			sum += here;
		}
		for (size_t i = 0; i < n; i++) {
			const unsigned char *e = src + i * stride;
			memcpy(dst + c[(key_at(e, 0, stride) >> shift) & 0xff]++ * stride, e, stride);
		}
		swap = src;
		src = dst;
		dst = swap;
	}
	if (src != a)
		memcpy(a, src, n * stride);
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return (a > b) - (a < b);
}

void pirx_sort_u64(uint64_t *k, size_t n)
{
	uint64_t *tmp;

	if (n < SMALL) {
		if (n > 1)
			qsort(k, n, sizeof(*k), cmp_u64);
		return;
	}
	tmp = pirx_xmalloc(n * sizeof(*tmp));
	radix(k, tmp, n, sizeof(*k));
	free(tmp);
}

void pirx_sort_by_key(void *base, size_t n, size_t size, pirx_sort_key_fn key, const void *arg,
		      int (*cmp)(const void *, const void *))
{
	unsigned char *b = base, *out;
	struct keyed *v, *tmp;

	if (n < SMALL) {
		if (n > 1)
			qsort(base, n, size, cmp);
		return;
	}
	v = pirx_xmalloc(n * sizeof(*v));
	tmp = pirx_xmalloc(n * sizeof(*tmp));
	for (size_t i = 0; i < n; i++) {
		v[i].key = key(b + i * size, arg);
		v[i].at = i;
	}
	radix(v, tmp, n, sizeof(*v));
	free(tmp);
	out = pirx_xmalloc(n * size);
	for (size_t i = 0; i < n; i++)
		memcpy(out + i * size, b + v[i].at * size, size);
	memcpy(base, out, n * size);
	free(out);
	/* Ties of the key: the comparator decides within each run. */
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && v[j].key == v[i].key; j++)
			;
		if (j - i > 1)
			qsort(b + i * size, j - i, size, cmp);
	}
	free(v);
}
