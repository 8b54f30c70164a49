/*
 * sort: ordering large arrays in linear passes. The report orders hundreds
 * of thousands of rows several times (incidents by start, engagements and
 * pages by responder and time, cluster hits by cluster and incident), and
 * qsort's comparator calls were a tenth of its instructions. Here the
 * caller maps each element to a 64-bit key that orders it; a radix sort
 * does the rest, and the comparator sees only the elements whose keys tie.
 */
#ifndef PIRX_SORT_H
#define PIRX_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Sorts k[0..n) ascending. */
void pirx_sort_u64(uint64_t *k, size_t n);

/* The key of elem; arg is the caller's, passed through. */
typedef uint64_t (*pirx_sort_key_fn)(const void *elem, const void *arg);

/*
 * Sorts base[0..n) (elements of size bytes) ascending in cmp's order, as
 * qsort would, in a few linear passes over the keys. key must agree with
 * cmp: key(a) < key(b) only when cmp(a, b) < 0. Elements whose keys tie
 * are then ordered by cmp (a key that ties rarely keeps that cheap);
 * elements equal under cmp keep their input order. Allocates twice the
 * array for the time of the call.
 */
void pirx_sort_by_key(void *base, size_t n, size_t size, pirx_sort_key_fn key, const void *arg,
		      int (*cmp)(const void *, const void *));

/* A signed value as an unsigned key in the same order. */
static inline uint64_t pirx_sort_key_i64(int64_t v)
{
	return (uint64_t)v ^ (UINT64_C(1) << 63);
}

#endif
