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
