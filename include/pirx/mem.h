/*
 * mem: allocation that never returns NULL, and a growable byte buffer.
 *
 * Running out of memory is not an error pirx recovers from: these abort
 * with a message (STYLE: "out of memory aborts").
 */
#ifndef PIRX_MEM_H
#define PIRX_MEM_H

#include <stddef.h>

void *pirx_xmalloc(size_t n);
void *pirx_xcalloc(size_t count, size_t size);
void *pirx_xrealloc(void *p, size_t n);
/* Grows an array of count elements of size bytes, aborting on overflow. */
void *pirx_xreallocarray(void *p, size_t count, size_t size);
char *pirx_xstrdup(const char *s);
/*
 * Zeroed memory for a large table read at random (hash sets of millions of
 * ids): from 4 MiB up it is aligned to 2 MiB and the kernel is asked for
 * transparent huge pages, which spares most TLB misses. Free with free().
 */
void *pirx_xcalloc_table(size_t count, size_t size);
char *pirx_xstrndup(const char *s, size_t n);

/*
 * Huge pages for malloc. glibc (2.35 and later) backs its heap with
 * transparent huge pages only when GLIBC_TUNABLES holds
 * glibc.malloc.hugetlb=1 as the process starts, and that cannot be changed
 * once it runs. pirx allocates hundreds of MB in many pieces, and each
 * first touch of a 4 KiB page is a page fault: on virtual machines a fault
 * costs several microseconds, a third of the report's time at 100k
 * incidents (docs/scale.md).
 *
 * pirx_mem_tunables returns the GLIBC_TUNABLES value to start again with
 * (tunables: the current value, or NULL when unset; thp_mode: the text of
 * /sys/kernel/mm/transparent_hugepage/enabled, or NULL when missing), or
 * NULL when there is nothing to do: glibc.malloc.hugetlb is already set,
 * by the user or by an earlier start, or the kernel has no huge pages or
 * has them turned off. Caller frees.
 */
char *pirx_mem_tunables(const char *tunables, const char *thp_mode);
/*
 * main calls this before it runs a command: when pirx_mem_tunables has a
 * value, the program executes its own file again (the one /proc/self/exe
 * names, with the same arguments, in the same process) with it in its
 * environment. It returns, and the program goes on as it is, when there
 * is nothing to do, when PIRX_HUGEPAGES=0, under valgrind or a sanitizer
 * (their own allocators, which the exec would leave), and when the exec
 * fails.
 */
void pirx_mem_use_huge_pages(char **argv);

/*
 * Tunes glibc's malloc (nothing elsewhere); main calls it before a command
 * runs, before any thread starts.
 * - Blocks up to PIRX_MEM_MMAP_MAX come from the heap (M_MMAP_THRESHOLD).
 *   By default glibc gives a block from 128 KiB up its own mapping,
 *   unmapped when it is freed, so the next one (a load batch, a growing
 *   array, a step's table) starts on fresh pages the kernel must zero and
 *   fault in again: 7% of the load's and 5% of the report's CPU at 100k
 *   incidents. Freed heap memory is still given back by pirx_mem_trim.
 * - Every thread allocates from the one heap (M_ARENA_MAX 1): the load's
 *   writer thread, which makes all of SQLite's allocations, would get an
 *   arena of its own, grown page by page outside the heap's huge pages
 *   (100k load 0.65 -> 0.58 s).
 */
#define PIRX_MEM_MMAP_MAX (32u << 20)
void pirx_mem_tune_malloc(void);

/*
 * Gives the heap's free memory back to the system (glibc's malloc_trim;
 * nothing elsewhere) when more than PIRX_MEM_TRIM_MIN bytes of it are
 * free. The report calls it between steps: a step's large arrays, once
 * freed, would otherwise stay in the lane's resident size while the next
 * step and the other lane grow theirs.
 */
#define PIRX_MEM_TRIM_MIN (64u << 20)
void pirx_mem_trim(void);

/* A growable, always NUL-terminated byte buffer. Caller owns it. */
struct pirx_buf {
	char *data;   /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
};

void pirx_buf_init(struct pirx_buf *b);
void pirx_buf_release(struct pirx_buf *b);
void pirx_buf_reset(struct pirx_buf *b);           /* len = 0, keeps memory */
void pirx_buf_append(struct pirx_buf *b, const char *s, size_t n);
void pirx_buf_puts(struct pirx_buf *b, const char *s);
void pirx_buf_printf(struct pirx_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Returns the text ("" when empty); valid until the next change. */
const char *pirx_buf_str(const struct pirx_buf *b);

#endif
