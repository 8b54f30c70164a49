/*
 * err: filling and formatting struct pirx_err. Printing is left to the
 * commands; this module only builds the text.
 */
#include "pirx/err.h"

#include <stdio.h>
#include <string.h>

void pirx_err_clear(struct pirx_err *err)
{
	memset(err, 0, sizeof(*err));
}

static void copy_cut(char *dst, size_t n, const char *src)
{
	if (!src) {
		dst[0] = '\0';
		return;
	}
	snprintf(dst, n, "%s", src);
}

int pirx_err_set(struct pirx_err *err, int code, const char *file, long line,
		 const char *column, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	copy_cut(err->file, sizeof(err->file), file);
	err->line = line;
	copy_cut(err->column, sizeof(err->column), column);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

char *pirx_err_format(const struct pirx_err *err, char *buf, unsigned long n)
{
	size_t used = 0;

	buf[0] = '\0';
	if (err->file[0] && err->line > 0)
		used += (size_t)snprintf(buf, n, "%s:%ld: ", err->file, err->line);
	else if (err->file[0])
		used += (size_t)snprintf(buf, n, "%s: ", err->file);
	if (used < n && err->column[0])
		used += (size_t)snprintf(buf + used, n - used, "%s: ", err->column);
	if (used < n)
		snprintf(buf + used, n - used, "%s", err->msg);
	return buf;
}

int pirx_err_exit_code(int code)
{
	switch (code) {
	case PIRX_OK:
		return PIRX_EXIT_OK;
	case PIRX_EUSAGE:
		return PIRX_EXIT_USAGE;
	case PIRX_EINPUT:
		return PIRX_EXIT_INPUT;
	default:
		return PIRX_EXIT_FAIL;
	}
}
