/*
 * csvio: the CSV adapter (libcsv lives only here).
 *
 * Reading streams a file through libcsv in 64 KiB chunks and hands each
 * row to a callback with the line it starts on; nothing but the current row
 * is held in memory. Writing produces the output dialect of SPEC section 4:
 * RFC 4180 quoting, UTF-8, "\n" line ends, and text cells that could run as
 * a spreadsheet formula prefixed with "'".
 */
#ifndef PIRX_CSVIO_H
#define PIRX_CSVIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pirx/err.h"

/* The largest single field the reader accepts (a clear error beyond). */
#define PIRX_CSV_MAX_FIELD (16u * 1024u * 1024u)

/* One parsed row, borrowed by the callback for the duration of the call. */
struct pirx_csv_row {
	size_t nfields;
	const char *const *field;  /* NUL-terminated copies; may hold NULs */
	const size_t *len;         /* byte length of each field */
	const long *field_line;    /* line each field starts on */
	long line;                 /* line the row starts on (1-based) */
	long index;                /* 0 for the header row, then 1, 2, ... */
	/* First encoding problem in the row, or bad_field < 0 when none. */
	long bad_field;
	const char *bad_reason;    /* "invalid UTF-8" or "NUL byte" */
};

/*
 * Called once per row, header included. Return 0 to go on, non-zero to stop
 * reading (that value is then returned by pirx_csv_read).
 */
typedef int (*pirx_csv_row_fn)(void *ctx, const struct pirx_csv_row *row);

/*
 * Reads path row by row. A leading UTF-8 BOM is skipped; CRLF and LF both
 * end rows; blank lines are skipped. Returns 0 when the whole file was read,
 * the callback's non-zero value when it stopped, or a negative PIRX_E* with
 * err located at the file and line (cannot open: PIRX_EIO; unterminated
 * quote, stray quote or field over PIRX_CSV_MAX_FIELD: PIRX_EINPUT).
 */
int pirx_csv_read(const char *path, pirx_csv_row_fn fn, void *ctx,
		  struct pirx_err *err);

/* Same, from an open stream; name is used in messages. */
int pirx_csv_read_stream(FILE *fp, const char *name, pirx_csv_row_fn fn,
			 void *ctx, struct pirx_err *err);

/*
 * Returns the byte offset of the first byte of s[0..n) that is not valid
 * UTF-8 (overlong forms, surrogates and code points past U+10FFFF are
 * invalid), or -1 when all of it is valid.
 */
long pirx_utf8_check(const char *s, size_t n);

/* A CSV writer. Opaque; one per output file. */
typedef struct pirx_csvw pirx_csvw;

/*
 * Opens path for writing (truncating it). Returns 0 and *out, or PIRX_EIO.
 * Free with pirx_csvw_close.
 */
int pirx_csvw_open(const char *path, pirx_csvw **out, struct pirx_err *err);
/* Wraps an open stream (not closed by pirx_csvw_close; it is flushed). */
pirx_csvw *pirx_csvw_from_stream(FILE *fp, const char *name);

/* Text cell: quoted as needed, formula-like text prefixed with "'". */
void pirx_csvw_text(pirx_csvw *w, const char *s);
void pirx_csvw_textn(pirx_csvw *w, const char *s, size_t n);
/* Empty cell ("unknown"). */
void pirx_csvw_empty(pirx_csvw *w);
void pirx_csvw_int(pirx_csvw *w, int64_t v);
/* Fixed-point number with the given decimals; NaN or inf: empty cell. */
void pirx_csvw_fixed(pirx_csvw *w, double v, int decimals);

/* v as printf's "%.*f" writes it (the exact binary value rounded half to
 * even), into buf of PIRX_FIXED_STRLEN bytes; returns its length. Without
 * printf for 0..9 decimals and |v| * 10^decimals < 2^52 (five times as
 * fast: a report writes hundreds of thousands of day counts). */
#define PIRX_FIXED_STRLEN 352
size_t pirx_fixed_format(double v, int decimals, char *buf);
/* Instant as YYYY-MM-DDTHH:MM:SSZ. */
void pirx_csvw_time(pirx_csvw *w, int64_t t);
/* Month index as YYYY-MM. */
void pirx_csvw_month(pirx_csvw *w, int month);
/* Ends the current row with "\n". */
void pirx_csvw_end_row(pirx_csvw *w);
/* Writes a whole header row from a comma-separated list of names. */
void pirx_csvw_header(pirx_csvw *w, const char *names);

/*
 * Flushes and closes (w may be NULL). Returns 0, or PIRX_EIO when any write
 * failed (disk full, ...).
 */
int pirx_csvw_close(pirx_csvw *w, struct pirx_err *err);

#endif
