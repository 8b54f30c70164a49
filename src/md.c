/*
 * md: Markdown escaping for report.md. Backslash escapes work for every
 * ASCII punctuation character in CommonMark, so escaping a few more than
 * strictly needed is harmless; what matters is that corpus text can never
 * open emphasis, a link, raw HTML or a new table cell.
 */
#include "pirx/md.h"

#include <string.h>

void pirx_md_escape(struct pirx_buf *out, const char *s, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (strchr("\\`*_[]<>|#&~!", c) && c != '\0') {
			pirx_buf_append(out, s + run, i - run);
			pirx_buf_append(out, "\\", 1);
			run = i;
		} else if (c == '\n' || c == '\r' || c == '\t' || c == '\0') {
			pirx_buf_append(out, s + run, i - run);
			if (c != '\0')
				pirx_buf_append(out, " ", 1);
			run = i + 1;
		}
	}
	pirx_buf_append(out, s + run, n - run);
}

void pirx_md_escape_str(struct pirx_buf *out, const char *s)
{
	if (s)
		pirx_md_escape(out, s, strlen(s));
}
