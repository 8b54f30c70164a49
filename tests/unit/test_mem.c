/*
 * test_mem: the huge-page start of src/mem.c: which GLIBC_TUNABLES value
 * pirx starts itself again with, and that it does start again, with the
 * same arguments, when it should (this binary plays pirx: it executes
 * itself).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <cmocka.h>

#include "pirx/mem.h"

#define MADVISE "always [madvise] never\n"
#define CHILD_ARG "--started-again"

static char *self;   /* argv[0] */
static char child_arg[] = CHILD_ARG;

static void expect_tunables(const char *tunables, const char *mode, const char *want)
{
	char *got = pirx_mem_tunables(tunables, mode);

	if (!want) {
		if (got)
			fail_msg("tunables '%s', mode '%s': expected nothing, got '%s'",
				 tunables ? tunables : "(unset)", mode ? mode : "(none)", got);
		return;
	}
	if (!got)
		fail_msg("tunables '%s', mode '%s': expected '%s', got nothing",
			 tunables ? tunables : "(unset)", mode ? mode : "(none)", want);
	assert_string_equal(got, want);
	free(got);
}

static void test_tunables(void **state)
{
	(void)state;
	expect_tunables(NULL, MADVISE, "glibc.malloc.hugetlb=1");
	expect_tunables("", MADVISE, "glibc.malloc.hugetlb=1");
	expect_tunables(NULL, "[always] madvise never\n", "glibc.malloc.hugetlb=1");
	/* The user's own tunables are kept, ours added after them. */
	expect_tunables("glibc.malloc.arena_max=2", MADVISE,
		     "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
	/* Already decided, by the user (even to turn it off) or by the first
	 * start: no second exec, so no loop. */
	expect_tunables("glibc.malloc.hugetlb=1", MADVISE, NULL);
	expect_tunables("glibc.malloc.hugetlb=0", MADVISE, NULL);
	expect_tunables("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1", MADVISE, NULL);
	/* A longer name that begins like ours is another tunable. */
	expect_tunables("glibc.malloc.hugetlbx=1", MADVISE,
		     "glibc.malloc.hugetlbx=1:glibc.malloc.hugetlb=1");
	/* No huge pages in the kernel, or turned off. */
	expect_tunables(NULL, NULL, NULL);
	expect_tunables(NULL, "always madvise [never]\n", NULL);
}

/* Runs pirx_mem_use_huge_pages in a child with the given environment.
 * Returns the child's exit status: 0 when it started again with huge
 * pages and its argument, 1 when it started again without them, 2 when
 * it did not start again, 3 when it started again without its argument,
 * 4 when it started again under another name. */
static int run_child(const char *tunables, const char *opt_out)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = {self, child_arg, NULL};
		setenv("PIRX_TEST_MEM_CHILD", "1", 1);
		if (tunables)
			setenv("GLIBC_TUNABLES", tunables, 1);
		else
			unsetenv("GLIBC_TUNABLES");
		if (opt_out)
			setenv("PIRX_HUGEPAGES", opt_out, 1);
		else
			unsetenv("PIRX_HUGEPAGES");
		pirx_mem_use_huge_pages(argv);
		_exit(2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* Whether this process could start again: a kernel with huge pages on and
 * glibc's allocator (not a sanitizer's). */
static int can_start_again(void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	return 0;
#else
	char mode[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (!f)
		return 0;
	if (!fgets(mode, sizeof(mode), f))
		mode[0] = '\0';
	fclose(f);
	return mode[0] && !strstr(mode, "[never]");
#endif
}

static void test_start_again(void **state)
{
	(void)state;
	if (!can_start_again()) {
		/* It must then leave the process as it is. */
		assert_int_equal(run_child(NULL, NULL), 2);
		skip();
	}
	assert_int_equal(run_child(NULL, NULL), 0);
	assert_int_equal(run_child("glibc.malloc.arena_max=2", NULL), 0);
	/* Already set, or turned off by PIRX_HUGEPAGES=0: no exec. */
	assert_int_equal(run_child("glibc.malloc.hugetlb=0", NULL), 2);
	assert_int_equal(run_child(NULL, "0"), 2);
}

/* The process's resident size in KiB (Linux), or -1. */
static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kib;
}

/*
 * Frees all but the last of n small blocks and trims: the resident size
 * before, after the frees and after the trim.
 */
static void free_and_trim(int n, long *before, long *freed, long *trimmed)
{
	enum { SIZE = 512 };
	char **p = calloc((size_t)n, sizeof(*p));

	assert_non_null(p);
	for (int i = 0; i < n; i++) {
		p[i] = pirx_xmalloc(SIZE);
		memset(p[i], 1, SIZE);
	}
	*before = rss_kib();
	/* The last block keeps the heap's top in place. */
	for (int i = 0; i < n - 1; i++)
		free(p[i]);
	*freed = rss_kib();
	pirx_mem_trim();
	*trimmed = rss_kib();
	free(p[n - 1]);
	free(p);
}

/* Small blocks freed stay in the heap until pirx_mem_trim returns them,
 * when there are more than PIRX_MEM_TRIM_MIN bytes of them. */
static void test_trim(void **state)
{
	enum { N = 200000, SIZE = 512, FEW = 20000 };
	long before, freed, trimmed;

	(void)state;
#if !defined(__GLIBC__) || defined(__SANITIZE_ADDRESS__)
	/* Only glibc's malloc trims; ASan's keeps freed blocks in quarantine. */
	skip();
#endif
	if (rss_kib() < 0)
		skip();
	/* 10 MB free: kept for the next step (trimming would cost faults). */
	free_and_trim(FEW, &before, &freed, &trimmed);
	assert_true(freed - trimmed < (long)FEW * SIZE / 1024 / 4);
	/* About 100 MB came back (at least half of it). */
	free_and_trim(N, &before, &freed, &trimmed);
	assert_true(freed - trimmed > (long)N * SIZE / 1024 / 2);
	assert_true(trimmed <= before);
}

/* Blocks up to PIRX_MEM_MMAP_MAX come from the heap, where a freed one is
 * used again, not from a mapping of their own (glibc gives one to every
 * block from 128 KiB up by default); larger ones are still mapped. */
static void test_large_blocks_in_heap(void **state)
{
	(void)state;
#if !defined(__GLIBC__) || defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	skip();   /* glibc's allocator only */
#else
	size_t before;
	char *p;

	pirx_mem_tune_malloc();
	before = mallinfo2().hblkhd;
	p = pirx_xmalloc(8u << 20);
	assert_int_equal(mallinfo2().hblkhd, before);
	free(p);
	p = pirx_xmalloc(PIRX_MEM_MMAP_MAX + (1u << 20));
	assert_true(mallinfo2().hblkhd > before);
	free(p);
#endif
}

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
static void *alloc_in_thread(void *arg)
{
	char *p = pirx_xmalloc(64u << 10);

	(void)arg;
	memset(p, 1, 64u << 10);
	free(p);
	return NULL;
}

/* How many heaps (arenas) malloc_info reports. */
static int heaps(void)
{
	char *xml = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&xml, &len);
	int n = 0;

	assert_non_null(f);
	assert_int_equal(malloc_info(0, f), 0);
	fclose(f);
	for (const char *p = xml; (p = strstr(p, "<heap nr=")); p++)
		n++;
	free(xml);
	return n;
}
#endif

/* A second thread allocates from the same heap as the first, not from an
 * arena of its own. */
static void test_one_arena(void **state)
{
	(void)state;
#if !defined(__GLIBC__) || defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	skip();   /* glibc's allocator only */
#else
	pthread_t t;

	pirx_mem_tune_malloc();
	assert_int_equal(pthread_create(&t, NULL, alloc_in_thread, NULL), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(heaps(), 1);
#endif
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_large_blocks_in_heap),
		cmocka_unit_test(test_one_arena),
		cmocka_unit_test(test_tunables),
		cmocka_unit_test(test_start_again),
		cmocka_unit_test(test_trim),
	};

	if (argc == 2 && strcmp(argv[1], CHILD_ARG) == 0) {
		/* Started again by run_child, under its own name (as ps shows it),
		 * not "exe". */
		const char *t = getenv("GLIBC_TUNABLES");
		char comm[64] = "";
		FILE *f = fopen("/proc/self/comm", "r");
		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = '\0';
			fclose(f);
		}
		if (strcmp(comm, "test_mem\n") != 0)
			return 4;
		return t && strstr(t, "glibc.malloc.hugetlb=1") ? 0 : 1;
	}
	if (getenv("PIRX_TEST_MEM_CHILD"))
		return 3;
	self = argv[0];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
