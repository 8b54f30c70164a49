/*
 * csvio: libcsv behind a row callback, and the output CSV writer.
 *
 * libcsv does not know about lines, so the reader feeds it one line at a
 * time (split with memchr inside 64 KiB chunks) and counts lines itself;
 * each field remembers the line it started on, so that a quoted field that
 * spans lines is reported where it begins. Fields libcsv parses are copied
 * into one arena per row, reused from row to row: no allocation per field
 * once the arena has grown to the widest row. Fields of a plain line (the
 * fast path below) stay where they were read, each ended by a NUL written
 * over the comma or line end after it.
 */
#include "pirx/csvio.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/mem.h"
#include "pirx/timefmt.h"

#define CHUNK (64 * 1024)

long pirx_utf8_check(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k;
		unsigned cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			k = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			k = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			k = 3;
			cp = c & 0x07;
		} else {
			return (long)i;
		}
		for (size_t j = 1; j <= k; j++) {
			if (i + j >= n || (s[i + j] & 0xC0) != 0x80)
				return (long)i;
			cp = (cp << 6) | (s[i + j] & 0x3F);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return (long)i;
		i += k + 1;
	}
	return -1;
}

/* libcsv grows its field buffer through this: refusing is how we cap it. */
static void *capped_realloc(void *p, size_t n)
{
	if (n > PIRX_CSV_MAX_FIELD + 1024)
		return NULL;
	return realloc(p, n);
}

struct reader {
	const char *name;
	pirx_csv_row_fn fn;
	void *ctx;
	int stop;              /* callback's non-zero value */
	long cur_line;         /* line being fed to libcsv */
	long next_field_line;  /* line the next field starts on */
	long row_line;
	long index;
	struct pirx_buf arena; /* field bytes, each followed by a NUL */
	size_t *off;
	size_t *len;
	long *fline;
	const char **ptr;
	size_t nfields, cap;
	long bad_field;
	const char *bad_reason;
};

/*
 * 1 when s[0..n) is ASCII without a NUL byte, the common case, checked a
 * word at a time; 0 sends the field to the exact checks (memchr and
 * pirx_utf8_check), which say what is wrong.
 */
static int plain_ascii(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t v;
		memcpy(&v, s + i, 8);
		if ((v & high) || ((v - ones) & ~v & high))
			return 0;
	}
	for (; i < n; i++)
		if (s[i] == '\0' || (unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* A field in place, not in the arena (its off). */
#define IN_PLACE SIZE_MAX

/* Records field s[0..n) of the row: its place (off: in the arena, or
 * IN_PLACE with s itself), length, line and whether it is valid text. */
static void add_field(struct reader *r, const char *s, size_t n, size_t off)
{
	if (r->nfields == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->off = pirx_xreallocarray(r->off, r->cap, sizeof(*r->off));
		r->len = pirx_xreallocarray(r->len, r->cap, sizeof(*r->len));
		r->fline = pirx_xreallocarray(r->fline, r->cap, sizeof(*r->fline));
		r->ptr = pirx_xreallocarray(r->ptr, r->cap, sizeof(*r->ptr));
	}
	if (r->nfields == 0)
		r->row_line = r->next_field_line;
	r->off[r->nfields] = off;
	r->ptr[r->nfields] = s;
	r->len[r->nfields] = n;
	r->fline[r->nfields] = r->next_field_line;
	if (r->bad_field < 0 && n && !plain_ascii(s, n)) {
		if (memchr(s, '\0', n)) {
			r->bad_field = (long)r->nfields;
			r->bad_reason = "NUL byte";
		} else if (pirx_utf8_check(s, n) >= 0) {
			r->bad_field = (long)r->nfields;
			r->bad_reason = "invalid UTF-8";
		}
	}
	r->nfields++;
	r->next_field_line = r->cur_line;
}

/* libcsv's field callback: the field is copied into the arena. */
static void on_field(void *s, size_t n, void *data)
{
	struct reader *r = data;
	size_t off = r->arena.len;

	if (r->stop)
		return;
	if (n)
		pirx_buf_append(&r->arena, s, n);
	pirx_buf_append(&r->arena, "", 1);
	add_field(r, s, n, off);
}

/* A field of a plain line, s[0..n) with a byte after it that is free to
 * become its NUL. */
static void on_field_in_place(char *s, size_t n, struct reader *r)
{
	if (r->stop)
		return;
	s[n] = '\0';
	add_field(r, s, n, IN_PLACE);
}

static void on_row(int c, void *data)
{
	struct reader *r = data;
	struct pirx_csv_row row;

	(void)c;
	if (!r->stop) {
		for (size_t i = 0; i < r->nfields; i++)
			if (r->off[i] != IN_PLACE)
				r->ptr[i] = r->arena.data + r->off[i];
		row.nfields = r->nfields;
		row.field = r->ptr;
		row.len = r->len;
		row.field_line = r->fline;
		row.line = r->nfields ? r->row_line : r->cur_line;
		row.index = r->index++;
		row.bad_field = r->bad_field;
		row.bad_reason = r->bad_reason;
		r->stop = r->fn(r->ctx, &row);
	}
	r->nfields = 0;
	r->bad_field = -1;
	r->bad_reason = NULL;
	pirx_buf_reset(&r->arena);
	/* The next row starts on this line after a bare CR; after a line
	 * feed, the read loop moves it on before the next segment. */
	r->next_field_line = r->cur_line;
}

static int parse_error(struct reader *r, struct csv_parser *p, struct pirx_err *err)
{
	int e = csv_error(p);
	long line = r->nfields ? r->row_line : r->next_field_line;

	if (e == CSV_ENOMEM || e == CSV_ETOOBIG)
		return pirx_err_set(err, PIRX_EINPUT, r->name, r->next_field_line, NULL,
				    "field is longer than the %u MiB limit",
				    PIRX_CSV_MAX_FIELD / (1024u * 1024u));
	return pirx_err_set(err, PIRX_EINPUT, r->name, line, NULL,
			    "malformed CSV: a quote inside an unquoted field or after a closing quote");
}

/*
 * The fast path: a whole line (seg ends with its '\n') read between rows
 * that has no quote and no '\r' but an optional one before the '\n', and
 * is not blank. libcsv would split it on commas and end the row at the
 * '\r' or '\n' (blanks kept, as is_space says), which split_line does
 * with memchr instead of a call per byte: most corpus lines are like this
 * (about a quarter of pirx load's time was libcsv's byte loop). Every
 * other line, and every line inside a quoted field, goes to libcsv.
 */
static size_t plain_len(const char *s, size_t seg)
{
	size_t len = seg - 1;

	if (len && s[len - 1] == '\r')
		len--;
	return len;
}

static int plain_line(const char *s, size_t seg)
{
	size_t len = plain_len(s, seg);

	return len > 0 && !memchr(s, '"', len) && !memchr(s, '\r', len);
}

static void split_line(struct reader *r, char *s, size_t seg)
{
	char *end = s + plain_len(s, seg);

	for (;;) {
		char *c = memchr(s, ',', (size_t)(end - s));
		on_field_in_place(s, c ? (size_t)(c - s) : (size_t)(end - s), r);
		if (!c)
			break;
		s = c + 1;
	}
	on_row('\n', r);
}

static int is_space(unsigned char c)
{
	(void)c;
	return 0;   /* keep blanks: RFC 4180 says spaces are part of a field */
}

int pirx_csv_read_stream(FILE *fp, const char *name, pirx_csv_row_fn fn,
			 void *ctx, struct pirx_err *err)
{
	struct csv_parser p;
	struct reader r;
	char *chunk = pirx_xmalloc(CHUNK);
	int first = 1;
	int rc = PIRX_EIO;

	memset(&r, 0, sizeof(r));
	r.name = name;
	r.fn = fn;
	r.ctx = ctx;
	r.cur_line = 1;
	r.next_field_line = 1;
	r.bad_field = -1;
	pirx_buf_init(&r.arena);
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		free(chunk);
		return pirx_err_set(err, PIRX_EIO, name, 0, NULL, "cannot set up the CSV parser");
	}
	csv_set_space_func(&p, is_space);
	csv_set_realloc_func(&p, capped_realloc);
	/* libcsv grows a field by one block at a time: 1 MiB blocks keep a
	 * 16 MiB field to a few reallocations instead of 130,000. */
	csv_set_blk_size(&p, 1024 * 1024);
	csv_set_free_func(&p, free);

	for (;;) {
		size_t got = fread(chunk, 1, CHUNK, fp);
		size_t pos = 0;

		if (got == 0)
			break;
		if (first) {
			first = 0;
			if (got >= 3 && memcmp(chunk, "\xEF\xBB\xBF", 3) == 0)
				pos = 3;
		}
		while (pos < got && !r.stop) {
			char *nl = memchr(chunk + pos, '\n', got - pos);
			size_t seg = nl ? (size_t)(nl - (chunk + pos)) + 1 : got - pos;

			/* Between rows (libcsv's ROW_NOT_BEGUN, state 0) the next
			 * field starts on this line: blank lines were skipped. */
			if (p.pstate == 0 && r.nfields == 0)
				r.next_field_line = r.cur_line;
			if (nl && p.pstate == 0 && r.nfields == 0 && plain_line(chunk + pos, seg)) {
				split_line(&r, chunk + pos, seg);
			} else if (csv_parse(&p, chunk + pos, seg, on_field, on_row, &r) != seg) {
				rc = parse_error(&r, &p, err);
				goto out;
			}
			pos += seg;
			if (nl)
				r.cur_line++;
		}
		if (r.stop)
			break;
	}
	if (ferror(fp)) {
		rc = pirx_err_set(err, PIRX_EIO, name, 0, NULL, "cannot read: %s", strerror(errno));
		goto out;
	}
	if (!r.stop && csv_fini(&p, on_field, on_row, &r) != 0) {
		rc = pirx_err_set(err, PIRX_EINPUT, name, r.nfields ? r.row_line : r.next_field_line, NULL,
				  "unterminated quoted field (the closing quote is missing)");
		goto out;
	}
	rc = r.stop;
out:
	csv_free(&p);
	free(chunk);
	pirx_buf_release(&r.arena);
	free(r.off);
	free(r.len);
	free(r.fline);
	free(r.ptr);
	return rc;
}

int pirx_csv_read(const char *path, pirx_csv_row_fn fn, void *ctx, struct pirx_err *err)
{
	FILE *fp = fopen(path, "rb");
	int rc;

	if (!fp)
		return pirx_err_set(err, PIRX_EIO, path, 0, NULL, "cannot open: %s", strerror(errno));
	rc = pirx_csv_read_stream(fp, path, fn, ctx, err);
	fclose(fp);
	return rc;
}

/* Cells go through the writer's own buffer, a few bytes at a time, and
 * to the stream in large writes: a stdio call per cell was a tenth of
 * writing factor_assignments.csv. */
#define WBUF (64 * 1024)

struct pirx_csvw {
	FILE *fp;
	char *name;
	int own;
	int col;      /* cells written in the current row */
	size_t len;   /* bytes in buf */
	char buf[WBUF];
};

static void wflush(pirx_csvw *w)
{
	if (w->len)
		fwrite(w->buf, 1, w->len, w->fp);
	w->len = 0;
}

static void put(pirx_csvw *w, const char *s, size_t n)
{
	if (n > WBUF - w->len) {
		wflush(w);
		if (n >= WBUF) {
			fwrite(s, 1, n, w->fp);
			return;
		}
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void put_c(pirx_csvw *w, char c)
{
	if (w->len == WBUF)
		wflush(w);
	w->buf[w->len++] = c;
}

int pirx_csvw_open(const char *path, pirx_csvw **out, struct pirx_err *err)
{
	FILE *fp = fopen(path, "wb");
	pirx_csvw *w;

	if (!fp)
		return pirx_err_set(err, PIRX_EIO, path, 0, NULL, "cannot write: %s", strerror(errno));
	w = pirx_csvw_from_stream(fp, path);
	w->own = 1;
	*out = w;
	return 0;
}

pirx_csvw *pirx_csvw_from_stream(FILE *fp, const char *name)
{
	pirx_csvw *w = pirx_xcalloc(1, sizeof(*w));

	w->fp = fp;
	w->name = pirx_xstrdup(name);
	return w;
}

static void sep(pirx_csvw *w)
{
	if (w->col++)
		put_c(w, ',');
}

/* A first character that makes a spreadsheet read a formula (and NUL,
 * which strchr finds in any set): the cell is quoted and prefixed with '. */
static int formula_start(char c)
{
	return strchr("=+-@\t\r", c) != NULL;
}

/* A zero byte in v (exact as a yes or no, as in plain_ascii). */
#define ZERO_BYTE(v) (((v) - UINT64_C(0x0101010101010101)) & ~(v) & UINT64_C(0x8080808080808080))

/* 1 when s[0..n) holds a byte that makes a cell need quotes: a comma, a
 * quote, a line feed or a carriage return; eight bytes a step. */
static int needs_quotes(const char *s, size_t n)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t v, a, b, c, d;
		memcpy(&v, s + i, 8);
		a = v ^ (ones * ',');
		b = v ^ (ones * '"');
		c = v ^ (ones * '\n');
		d = v ^ (ones * '\r');
		if (ZERO_BYTE(a) | ZERO_BYTE(b) | ZERO_BYTE(c) | ZERO_BYTE(d))
			return 1;
	}
	for (; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			return 1;
	return 0;
}

void pirx_csvw_textn(pirx_csvw *w, const char *s, size_t n)
{
	int quote = n && (formula_start(s[0]) || needs_quotes(s, n));

	sep(w);
	if (!quote) {
		put(w, s, n);
		return;
	}
	put_c(w, '"');
	if (n && formula_start(s[0]))
		put_c(w, '\'');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			put_c(w, '"');
		put_c(w, s[i]);
	}
	put_c(w, '"');
}

void pirx_csvw_text(pirx_csvw *w, const char *s)
{
	if (!s) {
		pirx_csvw_empty(w);
		return;
	}
	pirx_csvw_textn(w, s, strlen(s));
}

void pirx_csvw_empty(pirx_csvw *w)
{
	sep(w);
}

void pirx_csvw_int(pirx_csvw *w, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	sep(w);
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) > 0);
	if (v < 0)
		*--p = '-';
	put(w, p, (size_t)(buf + sizeof(buf) - p));
}

size_t pirx_fixed_format(double v, int decimals, char *buf)
{
	static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
	double p, r, rest, fl, k;
	uint64_t q, unit, ip, fp;
	char digits[24];
	size_t n = 0, nd = 0;

	if (decimals < 0 || decimals > 9 || !isfinite(v) ||
	    !(fabs(v) * pow10[decimals] < 4503599627370496.0))   /* 2^52 */
		return (size_t)snprintf(buf, PIRX_FIXED_STRLEN, "%.*f", decimals, v);
	/* v * 10^d exactly is r + rest: r the rounded product, rest what the
	 * rounding lost (fma computes it exactly). Only an exact half is a tie,
	 * and printf breaks it to even; otherwise rest cannot carry r across
	 * the half-way point, so r alone decides. */
	p = pow10[decimals];
	r = v * p;
	rest = fma(v, p, -r);
	fl = floor(r);
	if (r - fl == 0.5)
		k = rest > 0 ? fl + 1 : rest < 0 ? fl : fmod(fl, 2.0) == 0 ? fl : fl + 1;
	else
		k = r - fl < 0.5 ? fl : fl + 1;
	q = (uint64_t)fabs(k);
	unit = (uint64_t)p;
	ip = q / unit;
	fp = q % unit;
	if (signbit(v))
		buf[n++] = '-';
	do {
		digits[nd++] = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip);
	while (nd)
		buf[n++] = digits[--nd];
	if (decimals) {
		buf[n++] = '.';
		for (int i = decimals - 1; i >= 0; i--) {
			buf[n + (size_t)i] = (char)('0' + fp % 10);
			fp /= 10;
		}
		n += (size_t)decimals;
	}
	buf[n] = '\0';
	return n;
}

void pirx_csvw_fixed(pirx_csvw *w, double v, int decimals)
{
	char buf[PIRX_FIXED_STRLEN];
	size_t n;

	sep(w);
	if (isnan(v) || isinf(v))
		return;
	/* Never print "-0.00". */
	if (fabs(v) < 0.5 * pow(10.0, -decimals))
		v = 0.0;
	n = pirx_fixed_format(v, decimals, buf);
	put(w, buf, n);
}

void pirx_csvw_time(pirx_csvw *w, int64_t t)
{
	char buf[PIRX_TIME_STRLEN];

	sep(w);
	pirx_time_format(t, buf);
	put(w, buf, strlen(buf));
}

void pirx_csvw_month(pirx_csvw *w, int month)
{
	char buf[PIRX_MONTH_STRLEN];

	sep(w);
	pirx_month_format(month, buf);
	put(w, buf, strlen(buf));
}

void pirx_csvw_end_row(pirx_csvw *w)
{
	put_c(w, '\n');
	w->col = 0;
}

void pirx_csvw_header(pirx_csvw *w, const char *names)
{
	const char *p = names;

	while (*p) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		pirx_csvw_textn(w, p, n);
		p += n;
		if (*p == ',')
			p++;
	}
	pirx_csvw_end_row(w);
}

int pirx_csvw_close(pirx_csvw *w, struct pirx_err *err)
{
	int rc = 0;

	if (!w)
		return 0;
	wflush(w);
	if (fflush(w->fp) != 0 || ferror(w->fp))
		rc = pirx_err_set(err, PIRX_EIO, w->name, 0, NULL, "cannot write: %s", strerror(errno));
	if (w->own && fclose(w->fp) != 0 && rc == 0)
		rc = pirx_err_set(err, PIRX_EIO, w->name, 0, NULL, "cannot write: %s", strerror(errno));
	free(w->name);
	free(w);
	return rc;
}
