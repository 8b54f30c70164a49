/*
 * mem: aborting allocators, struct pirx_buf, and huge pages for malloc
 * (the program starts itself again with glibc told to use them). The only
 * module that calls malloc directly; everything else goes through here.
 */
#include "pirx/mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* Tables from 4 MiB up are aligned to 2 MiB, the huge page size on x86-64
 * and arm64 (with 4 KiB pages). */
#define HUGE_PAGE ((size_t)2 << 20)
#define TABLE_HUGE ((size_t)4 << 20)

#define HUGETLB_KEY "glibc.malloc.hugetlb"
#define THP_MODE_FILE "/sys/kernel/mm/transparent_hugepage/enabled"

static void oom(size_t n)
{
	fprintf(stderr, "pirx: out of memory allocating %zu bytes\n", n);
	abort();
}

void *pirx_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *pirx_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		oom(count * size);
	return p;
}

void *pirx_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

void *pirx_xreallocarray(void *p, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		oom(SIZE_MAX);
	return pirx_xrealloc(p, count * size);
}

char *pirx_xstrdup(const char *s)
{
	return pirx_xstrndup(s, strlen(s));
}

char *pirx_xstrndup(const char *s, size_t n)
{
	char *p = pirx_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void pirx_buf_init(struct pirx_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void pirx_buf_release(struct pirx_buf *b)
{
	free(b->data);
	pirx_buf_init(b);
}

void pirx_buf_reset(struct pirx_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static void reserve(struct pirx_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t cap = b->cap ? b->cap : 64;

	if (need <= b->cap)
		return;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			oom(need);
		cap *= 2;
	}
	b->data = pirx_xrealloc(b->data, cap);
	b->cap = cap;
}

void pirx_buf_append(struct pirx_buf *b, const char *s, size_t n)
{
	reserve(b, n);
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void pirx_buf_puts(struct pirx_buf *b, const char *s)
{
	pirx_buf_append(b, s, strlen(s));
}

void pirx_buf_printf(struct pirx_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *pirx_buf_str(const struct pirx_buf *b)
{
	return b->data ? b->data : "";
}

void *pirx_xcalloc_table(size_t count, size_t size)
{
	size_t bytes = count * size;
	void *p;

	if (size && bytes / size != count)
		oom(SIZE_MAX);
	if (bytes < TABLE_HUGE)
		return pirx_xcalloc(count, size);
	if (posix_memalign(&p, HUGE_PAGE, bytes) != 0)
		oom(bytes);
#ifdef MADV_HUGEPAGE
	/* Only a request: without transparent huge pages nothing changes. */
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	memset(p, 0, bytes);
	return p;
}

/* Whether the colon-separated tunables name key (before an '='). */
static int has_tunable(const char *tunables, const char *key)
{
	size_t k = strlen(key);

	for (const char *p = tunables; p && *p;) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n >= k && strncmp(p, key, k) == 0 && (n == k || p[k] == '='))
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

char *pirx_mem_tunables(const char *tunables, const char *thp_mode)
{
	struct pirx_buf b;

	if (!thp_mode || strstr(thp_mode, "[never]") || has_tunable(tunables, HUGETLB_KEY))
		return NULL;
	pirx_buf_init(&b);
	if (tunables && *tunables) {
		pirx_buf_puts(&b, tunables);
		pirx_buf_puts(&b, ":");
	}
	pirx_buf_puts(&b, HUGETLB_KEY "=1");
	return b.data;
}

static int own_allocator(void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	return 1;
#else
	const char *preload = getenv("LD_PRELOAD");
	return preload && strstr(preload, "vgpreload") != NULL;
#endif
}

void pirx_mem_use_huge_pages(char **argv)
{
	const char *opt = getenv("PIRX_HUGEPAGES");
	const char *old = getenv("GLIBC_TUNABLES");
	char mode[128] = "", exe[4096];
	char *saved, *value;
	ssize_t n;
	FILE *f;

	if ((opt && strcmp(opt, "0") == 0) || own_allocator())
		return;
	if (!(f = fopen(THP_MODE_FILE, "r")))
		return;
	if (!fgets(mode, sizeof(mode), f))
		mode[0] = '\0';
	fclose(f);
	if (!(value = pirx_mem_tunables(old, mode[0] ? mode : NULL)))
		return;
	/* The file's own path, not /proc/self/exe, so that ps and top still
	 * show "pirx". */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0 || (size_t)n >= sizeof(exe) - 1) {
		free(value);
		return;
	}
	exe[n] = '\0';
	saved = old ? pirx_xstrdup(old) : NULL;
	if (setenv("GLIBC_TUNABLES", value, 1) == 0) {
		execv(exe, argv);
		/* Not executed: go on as we are, with the environment as it was. */
		if (saved)
			setenv("GLIBC_TUNABLES", saved, 1);
		else
			unsetenv("GLIBC_TUNABLES");
	}
	free(saved);
	free(value);
}

void pirx_mem_tune_malloc(void)
{
#ifdef __GLIBC__
	/* 32 MiB is glibc's largest threshold on 64-bit systems; larger
	 * blocks (the biggest arrays at 1M incidents) are still mapped. */
	mallopt(M_MMAP_THRESHOLD, (int)PIRX_MEM_MMAP_MAX);
	/* One arena: the load's writer thread would otherwise get one of its
	 * own, a mapping grown page by page outside the huge-page heap. */
	mallopt(M_ARENA_MAX, 1);
#endif
}

void pirx_mem_trim(void)
{
#ifdef __GLIBC__
	/* Trimming frees pages all over the heap, and the next step faults
	 * them in again: at 100k incidents (up to 42 MB free between steps)
	 * that cost 7% of the report for nothing; at 1M (up to 216 MB) it is
	 * what keeps the two lanes under 1 GiB. */
	if (mallinfo2().fordblks > PIRX_MEM_TRIM_MIN)
		malloc_trim(0);
#endif
}
