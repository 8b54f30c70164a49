/*
 * err: the one error record every fallible pirx function fills.
 *
 * Modules never print and never exit; they describe what went wrong in a
 * caller-owned struct pirx_err, and only main.c and cmd_*.c turn that into
 * a message on stderr and an exit code (SPEC section 5).
 */
#ifndef PIRX_ERR_H
#define PIRX_ERR_H

#include <stdarg.h>

/* Error codes, negative as returned by fallible functions. */
enum {
	PIRX_OK = 0,
	PIRX_EIO = -1,      /* file system, database or child process failed */
	PIRX_EUSAGE = -2,   /* the caller asked for something impossible */
	PIRX_EINPUT = -3,   /* the corpus is invalid */
	PIRX_ENOMEM = -4    /* a limit was hit (field too large, ...) */
};

/* Exit codes (SPEC section 5). */
enum {
	PIRX_EXIT_OK = 0,
	PIRX_EXIT_FAIL = 1,
	PIRX_EXIT_USAGE = 2,
	PIRX_EXIT_INPUT = 3
};

struct pirx_err {
	int code;          /* one of PIRX_E*, 0 when clear */
	char file[256];    /* file the problem is in, "" when none */
	long line;         /* 1-based line, 0 when none */
	char column[64];   /* column name, "" when none */
	char msg[768];     /* lower case, failure first */
};

/* Clears *err to "no error". */
void pirx_err_clear(struct pirx_err *err);

/*
 * Records an error: code, optional location (file may be NULL, line 0,
 * column NULL) and a printf-style message. Returns code, so that callers
 * can write `return pirx_err_set(err, PIRX_EIO, ...)`. err may be NULL.
 */
int pirx_err_set(struct pirx_err *err, int code, const char *file, long line,
		 const char *column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * Formats err as "FILE:LINE: COLUMN: message" (parts that are unset are
 * left out) into buf of size n. Returns buf.
 */
char *pirx_err_format(const struct pirx_err *err, char *buf, unsigned long n);

/* Maps an error code to the exit code SPEC section 5 gives it. */
int pirx_err_exit_code(int code);

#endif
