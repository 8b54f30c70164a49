/*
 * md: escaping corpus text for Markdown (CommonMark with GitHub tables).
 */
#ifndef PIRX_MD_H
#define PIRX_MD_H

#include <stddef.h>

#include "pirx/mem.h"

/*
 * Appends s[0..n) so that it reads as plain text in Markdown, in a
 * paragraph, a list item or a table cell: the characters that start
 * markup or end a cell (\ ` * _ [ ] < > | # & ~ !) are backslash-escaped,
 * and line breaks and tabs become spaces, so that a value never breaks the
 * layout around it. Matches pirx_template_escape_fn.
 */
void pirx_md_escape(struct pirx_buf *out, const char *s, size_t n);
/* Same for a NUL-terminated string (NULL: nothing). */
void pirx_md_escape_str(struct pirx_buf *out, const char *s);

#endif
