/*
 * test_csvio: the streaming reader (quotes, lines, encodings, limits, the
 * csv-spectrum suite when ../shared/realdata is present) and the output
 * writer of SPEC section 4 (quoting, formula neutralization, numbers).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "pirx/csvio.h"
#include "pirx/err.h"
#include "pirx/mem.h"

/* ---- reader ------------------------------------------------------------ */

#define MAXROWS 16
#define MAXF 8

struct got {
	int nrows;
	size_t nfields[MAXROWS];
	char *field[MAXROWS][MAXF];
	size_t len[MAXROWS][MAXF];
	long fline[MAXROWS][MAXF];
	long line[MAXROWS];
	long bad_field[MAXROWS];
	const char *bad_reason[MAXROWS];
	size_t biggest;
};

static int collect(void *ctx, const struct pirx_csv_row *r)
{
	struct got *g = ctx;
	int k = g->nrows++;

	assert_true(k < MAXROWS);
	assert_int_equal(r->index, k);
	g->nfields[k] = r->nfields;
	g->line[k] = r->line;
	g->bad_field[k] = r->bad_field;
	g->bad_reason[k] = r->bad_reason;
	for (size_t i = 0; i < r->nfields; i++) {
		if (r->len[i] > g->biggest)
			g->biggest = r->len[i];
		if (i >= MAXF || r->len[i] > 1024)
			continue;
		g->field[k][i] = malloc(r->len[i] + 1);
		memcpy(g->field[k][i], r->field[i], r->len[i] + 1);
		g->len[k][i] = r->len[i];
		g->fline[k][i] = r->field_line[i];
	}
	return 0;
}

static void got_free(struct got *g)
{
	for (int k = 0; k < g->nrows; k++)
		for (int i = 0; i < MAXF; i++)
			free(g->field[k][i]);
	memset(g, 0, sizeof(*g));
}

/* Reads text[0..n) from memory; returns pirx_csv_read_stream's result. */
static int parse(const char *text, size_t n, struct got *g, struct pirx_err *err)
{
	FILE *fp = fmemopen((void *)text, n, "rb");
	int rc;

	assert_non_null(fp);
	memset(g, 0, sizeof(*g));
	pirx_err_clear(err);
	rc = pirx_csv_read_stream(fp, "t.csv", collect, g, err);
	fclose(fp);
	return rc;
}

#define PARSE_OK(text, g) do { \
	struct pirx_err e_; \
	assert_int_equal(parse(text, sizeof(text) - 1, g, &e_), 0); \
} while (0)

static void test_quotes(void **state)
{
	struct got g;

	(void)state;
	PARSE_OK("a,b,c\n1,\"x,y\",\"say \"\"hi\"\"\"\n\"\",, \n", &g);
	assert_int_equal(g.nrows, 3);
	assert_string_equal(g.field[1][1], "x,y");
	assert_string_equal(g.field[1][2], "say \"hi\"");
	assert_int_equal(g.nfields[2], 3);
	assert_string_equal(g.field[2][0], "");
	assert_string_equal(g.field[2][1], "");
	assert_string_equal(g.field[2][2], " ");     /* blanks are kept */
	got_free(&g);
}

static void test_newlines_and_lines(void **state)
{
	struct got g;

	(void)state;
	PARSE_OK("a,b,c\n1,\"two\nlines\",3\n\"x\n\ny\",\"p\nq\",z\nlast,row,here", &g);
	assert_int_equal(g.nrows, 4);
	assert_int_equal(g.line[1], 2);
	assert_string_equal(g.field[1][1], "two\nlines");
	assert_int_equal(g.fline[1][1], 2);
	assert_int_equal(g.fline[1][2], 3);          /* "3" is on line 3 */
	assert_int_equal(g.line[2], 4);
	assert_int_equal(g.fline[2][0], 4);
	assert_int_equal(g.fline[2][1], 6);
	assert_int_equal(g.fline[2][2], 7);
	assert_string_equal(g.field[2][0], "x\n\ny");
	assert_int_equal(g.line[3], 8);              /* no final newline */
	assert_string_equal(g.field[3][2], "here");
	got_free(&g);
}

static void test_crlf_bom_blank(void **state)
{
	struct got g;

	(void)state;
	PARSE_OK("\xEF\xBB\xBFid,x\r\n\r\nA,1\r\n\n\n\"B\",\"2\r\n3\"\r\nC,4\r\n", &g);
	assert_int_equal(g.nrows, 4);
	assert_string_equal(g.field[0][0], "id");    /* BOM gone */
	assert_string_equal(g.field[1][0], "A");
	assert_int_equal(g.line[1], 3);              /* blank line skipped, counted */
	assert_string_equal(g.field[1][1], "1");     /* no stray CR */
	assert_int_equal(g.line[2], 6);
	assert_string_equal(g.field[2][1], "2\r\n3");
	assert_int_equal(g.line[3], 8);
	assert_string_equal(g.field[3][1], "4");
	got_free(&g);
}

/* Plain lines take csvio's memchr fast path, the others libcsv: both must
 * split the same (expected rows as libcsv 3.0.3 gives them alone). */
static void test_fast_path_matches_libcsv(void **state)
{
	struct got g;

	(void)state;
	PARSE_OK("h1,h2\n a ,b,\n,\nx\ry,z\n\r\n  \n\"q\",w\nlast,1\r\n", &g);
	assert_int_equal(g.nrows, 8);
	assert_int_equal(g.nfields[1], 3);
	assert_string_equal(g.field[1][0], " a ");
	assert_string_equal(g.field[1][2], "");
	assert_int_equal(g.nfields[2], 2);          /* "," is two empty fields */
	assert_int_equal(g.nfields[3], 1);          /* a bare CR ends the row */
	assert_string_equal(g.field[3][0], "x");
	assert_string_equal(g.field[4][0], "y");
	assert_int_equal(g.line[4], 4);
	assert_string_equal(g.field[5][0], "  ");   /* blanks are a field */
	assert_int_equal(g.line[5], 6);             /* the CRLF-only line is skipped */
	assert_string_equal(g.field[6][0], "q");
	assert_int_equal(g.line[7], 8);
	assert_string_equal(g.field[7][1], "1");    /* no stray CR */
	assert_int_equal(g.fline[7][1], 8);
	got_free(&g);
}

static void test_encoding_flags(void **state)
{
	static const char nul[] = "a,b\nok,fine\nx,y\0z\n\xC3\xA9,\xFF\xFE\n";
	struct got g;
	struct pirx_err e;

	(void)state;
	assert_int_equal(parse(nul, sizeof(nul) - 1, &g, &e), 0);
	assert_int_equal(g.nrows, 4);
	assert_int_equal(g.bad_field[1], -1);
	assert_int_equal(g.bad_field[2], 1);
	assert_string_equal(g.bad_reason[2], "NUL byte");
	assert_int_equal(g.len[2][1], 3);            /* the NUL is kept, length says so */
	assert_int_equal(g.bad_field[3], 1);         /* é is fine, FF FE is not */
	assert_string_equal(g.bad_reason[3], "invalid UTF-8");
	got_free(&g);

	assert_int_equal(pirx_utf8_check("plain", 5), -1);
	assert_int_equal(pirx_utf8_check("\xE2\x82\xAC", 3), -1);      /* euro sign */
	assert_int_equal(pirx_utf8_check("ab\xC0\xAF", 4), 2);        /* overlong */
	assert_int_equal(pirx_utf8_check("\xED\xA0\x80", 3), 0);      /* surrogate */
	assert_int_equal(pirx_utf8_check("\xF4\x90\x80\x80", 4), 0);  /* past U+10FFFF */
	assert_int_equal(pirx_utf8_check("x\xE2\x82", 3), 1);         /* cut short */
}

static void test_malformed(void **state)
{
	static const char unterminated[] = "a,b\n1,2\n3,\"never\nclosed\n";
	static const char stray[] = "a,b\n1,2\n3,fo\"o\n";
	static const char after[] = "a,b\n\"x\"y,2\n";
	struct got g;
	struct pirx_err e;

	(void)state;
	assert_int_equal(parse(unterminated, sizeof(unterminated) - 1, &g, &e), PIRX_EINPUT);
	assert_string_equal(e.file, "t.csv");
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.msg, "unterminated"));
	got_free(&g);
	assert_int_equal(parse(stray, sizeof(stray) - 1, &g, &e), PIRX_EINPUT);
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.msg, "quote"));
	got_free(&g);
	assert_int_equal(parse(after, sizeof(after) - 1, &g, &e), PIRX_EINPUT);
	assert_int_equal(e.line, 2);
	got_free(&g);
}

static void test_empty_and_stop(void **state)
{
	struct got g;
	struct pirx_err e;

	(void)state;
	assert_int_equal(parse("", 0, &g, &e), 0);
	assert_int_equal(g.nrows, 0);
	assert_int_equal(parse("\n\n\r\n", 4, &g, &e), 0);
	assert_int_equal(g.nrows, 0);
	assert_int_equal(pirx_csv_read("/nonexistent/x.csv", collect, &g, &e), PIRX_EIO);
	assert_string_equal(e.file, "/nonexistent/x.csv");
}

/* A file of one header and one row whose second field is n bytes. */
static char *big_text(size_t n, size_t *len)
{
	char *t = malloc(n + 32);
	size_t k = 0;

	memcpy(t, "a,b\nx,\"", 7);
	k = 7;
	memset(t + k, 'q', n);
	k += n;
	memcpy(t + k, "\",y\n", 4);
	k += 4;
	*len = k;
	return t;
}

static void test_field_limits(void **state)
{
	struct got g;
	struct pirx_err e;
	size_t len;
	char *t;

	(void)state;
	t = big_text(5u * 1024 * 1024, &len);
	assert_int_equal(parse(t, len, &g, &e), 0);
	assert_int_equal(g.nrows, 2);
	assert_int_equal(g.biggest, 5u * 1024 * 1024);
	got_free(&g);
	free(t);
	t = big_text(17u * 1024 * 1024, &len);
	assert_int_equal(parse(t, len, &g, &e), PIRX_EINPUT);
	assert_non_null(strstr(e.msg, "16 MiB"));
	assert_int_equal(e.line, 2);
	got_free(&g);
	free(t);
}

/* ---- csv-spectrum ------------------------------------------------------ */

#define SPECTRUM "../shared/realdata/csv-spectrum"

/* Reads a JSON string at *p (after its opening quote) into out. */
static size_t json_string(const char **p, char *out, size_t cap)
{
	size_t n = 0;
	const char *s = *p;

	while (*s && *s != '"') {
		unsigned c = (unsigned char)*s++;
		if (c == '\\') {
			char esc = *s++;
			switch (esc) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': {
				unsigned cp = (unsigned)strtoul((char[5]){s[0], s[1], s[2], s[3], 0}, NULL, 16);
				s += 4;
				if (cp >= 0x80) {
					if (cp < 0x800) {
						out[n++] = (char)(0xC0 | (cp >> 6));
					} else {
						out[n++] = (char)(0xE0 | (cp >> 12));
						out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
					}
					c = 0x80 | (cp & 0x3F);
				} else {
					c = cp;
				}
				break;
			}
			default: c = (unsigned char)esc; break;
			}
		}
		assert_true(n + 1 < cap);
		out[n++] = (char)c;
	}
	out[n] = '\0';
	*p = s + 1;
	return n;
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void check_spectrum_case(const char *name)
{
	char path[512], key[256], val[512];
	struct got g;
	struct pirx_err e;
	char *json;
	const char *p;
	int row = 0;

	snprintf(path, sizeof(path), "%s/csvs/%s.csv", SPECTRUM, name);
	memset(&g, 0, sizeof(g));
	assert_int_equal(pirx_csv_read(path, collect, &g, &e), 0);
	snprintf(path, sizeof(path), "%s/json/%s.json", SPECTRUM, name);
	json = slurp(path);
	p = json;
	/* [ { "k": "v", ... }, ... ] with string values only. */
	while ((p = strchr(p, '{'))) {
		size_t col = 0;
		row++;
		p++;
		for (;;) {
			while (*p && *p != '"' && *p != '}')
				p++;
			if (*p != '"')
				break;
			p++;
			json_string(&p, key, sizeof(key));
			p = strchr(p, '"') + 1;
			size_t vn = json_string(&p, val, sizeof(val));
			if (row >= g.nrows || col >= g.nfields[0])
				fail_msg("%s: row %d has more cells than parsed", name, row);
			if (strcmp(g.field[0][col], key) != 0)
				fail_msg("%s: header %zu is '%s', expected '%s'", name, col, g.field[0][col], key);
			if (g.len[row][col] != vn || memcmp(g.field[row][col], val, vn) != 0)
				fail_msg("%s: row %d column %s is '%s', expected '%s'", name, row, key,
					 g.field[row][col], val);
			col++;
		}
		assert_int_equal(col, g.nfields[row]);
	}
	assert_int_equal(row + 1, g.nrows);
	free(json);
	got_free(&g);
}

static void test_csv_spectrum(void **state)
{
	DIR *d = opendir(SPECTRUM "/csvs");
	struct dirent *de;
	int cases = 0;

	(void)state;
	if (!d)
		skip();
	while ((de = readdir(d))) {
		char name[256];
		size_t n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 4, ".csv") != 0)
			continue;
		/* Its JSON is not an array and its CSV is not UTF-8: broken upstream. */
		if (strcmp(de->d_name, "location_coordinates.csv") == 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(n - 4), de->d_name);
		check_spectrum_case(name);
		cases++;
	}
	closedir(d);
	assert_true(cases >= 10);
}

/* ---- writer ------------------------------------------------------------ */

static char *written;
static size_t written_len;

static pirx_csvw *mem_writer(FILE **fp)
{
	*fp = open_memstream(&written, &written_len);
	assert_non_null(*fp);
	return pirx_csvw_from_stream(*fp, "mem");
}

static void done_writer(pirx_csvw *w, FILE *fp)
{
	assert_int_equal(pirx_csvw_close(w, NULL), 0);
	fclose(fp);
}

static void test_writer_quoting(void **state)
{
	FILE *fp;
	pirx_csvw *w = mem_writer(&fp);

	(void)state;
	pirx_csvw_header(w, "a,b,c");
	pirx_csvw_text(w, "plain");
	pirx_csvw_text(w, "has,comma");
	pirx_csvw_text(w, "say \"hi\"");
	pirx_csvw_end_row(w);
	pirx_csvw_text(w, "two\nlines");
	pirx_csvw_text(w, NULL);
	pirx_csvw_empty(w);
	pirx_csvw_end_row(w);
	/* The check reads eight bytes a step: specials in a step, in the
	 * tail after the last whole step, and none in two whole steps. */
	pirx_csvw_text(w, "1234567\r9");
	pirx_csvw_text(w, "12345678,x");
	pirx_csvw_text(w, "0123456789abcdef");
	pirx_csvw_text(w, "0123456789abcde\"");
	pirx_csvw_end_row(w);
	done_writer(w, fp);
	assert_string_equal(written, "a,b,c\nplain,\"has,comma\",\"say \"\"hi\"\"\"\n\"two\nlines\",,\n"
			    "\"1234567\r9\",\"12345678,x\",0123456789abcdef,\"0123456789abcde\"\"\"\n");
	free(written);
}

static void test_writer_formulas(void **state)
{
	FILE *fp;
	pirx_csvw *w = mem_writer(&fp);

	(void)state;
	pirx_csvw_text(w, "=SUM(A1)");
	pirx_csvw_text(w, "+1");
	pirx_csvw_text(w, "-2");
	pirx_csvw_text(w, "@cmd");
	pirx_csvw_text(w, "\tx");
	pirx_csvw_text(w, "\rx");
	pirx_csvw_text(w, "a=b");
	pirx_csvw_end_row(w);
	done_writer(w, fp);
	assert_string_equal(written, "\"'=SUM(A1)\",\"'+1\",\"'-2\",\"'@cmd\",\"'\tx\",\"'\rx\",a=b\n");
	free(written);
}

static void test_writer_numbers(void **state)
{
	FILE *fp;
	pirx_csvw *w = mem_writer(&fp);

	(void)state;
	pirx_csvw_fixed(w, 1.005, 2);
	pirx_csvw_fixed(w, -0.001, 2);
	pirx_csvw_fixed(w, -0.0, 4);
	pirx_csvw_fixed(w, 0.5, 4);
	pirx_csvw_fixed(w, -12.3456, 2);
	pirx_csvw_fixed(w, 0.0 / 0.0, 2);
	pirx_csvw_int(w, -42);
	pirx_csvw_time(w, 1767607200);
	pirx_csvw_month(w, 2026 * 12 + 2);
	pirx_csvw_end_row(w);
	done_writer(w, fp);
	/* 1.005 is 1.00499999... in binary: printf rounds it down. */
	assert_string_equal(written, "1.00,0.00,0.0000,0.5000,-12.35,,-42,2026-01-05T10:00:00Z,2026-03\n");
	free(written);
}

/* The writer's own buffer: cells that cross its end, a cell larger than
 * it, quoted cells split across it, and integers at their limits, all
 * exactly as written one call at a time. */
static void test_writer_buffer(void **state)
{
	FILE *fp;
	pirx_csvw *w = mem_writer(&fp);
	struct pirx_buf want;
	char *big = pirx_xmalloc(200001);

	(void)state;
	pirx_buf_init(&want);
	memset(big, 'x', 200000);
	big[200000] = '\0';
	big[100000] = ',';
	for (int i = 0; i < 20000; i++) {
		pirx_csvw_text(w, "cell");
		pirx_csvw_text(w, "a \"b\"");
		pirx_csvw_int(w, i - 10000);
		pirx_csvw_end_row(w);
		pirx_buf_printf(&want, "cell,\"a \"\"b\"\"\",%d\n", i - 10000);
	}
	pirx_csvw_text(w, big);
	pirx_csvw_int(w, INT64_MIN);
	pirx_csvw_int(w, INT64_MAX);
	pirx_csvw_int(w, 0);
	pirx_csvw_end_row(w);
	pirx_buf_printf(&want, "\"%s\",-9223372036854775808,9223372036854775807,0\n", big);
	done_writer(w, fp);
	assert_int_equal(written_len, want.len);
	assert_memory_equal(written, want.data, want.len);
	free(written);
	free(big);
	pirx_buf_release(&want);
}

/* pirx_fixed_format writes what printf's "%.*f" writes. */
static void expect_printf(double v, int d)
{
	char want[PIRX_FIXED_STRLEN], got[PIRX_FIXED_STRLEN];
	size_t n = pirx_fixed_format(v, d, got);

	snprintf(want, sizeof(want), "%.*f", d, v);
	if (strcmp(want, got) != 0)
		fail_msg("%.17g with %d decimals: printf %s, pirx_fixed_format %s", v, d, want, got);
	assert_int_equal(n, strlen(got));
}

static void test_fixed_format(void **state)
{
	uint64_t x = 88172645463325252ULL;   /* xorshift64, fixed seed */

	(void)state;
	/* Ties in binary (hours in days: k/8, k/16 ...) go to even, as printf. */
	for (int k = -4000; k <= 4000; k++)
		for (int d = 0; d <= 4; d++) {
			expect_printf(k / 8.0, d);
			expect_printf(k / 1024.0, d);
			expect_printf(k / 3.0, d);
			expect_printf(k / 86400.0 * 3600.0, d);
		}
	/* Decimal-looking halves that are not halves in binary. */
	expect_printf(0.005, 2);
	expect_printf(-0.005, 2);
	expect_printf(2.675, 2);
	expect_printf(1.0005, 3);
	expect_printf(-0.0, 2);
	expect_printf(0.0, 0);
	expect_printf(4503599627370495.5, 0);
	expect_printf(4503599627370497.0, 2);   /* past 2^52: printf */
	expect_printf(1e300, 2);
	expect_printf(123.456, 12);
	/* Random bits of every magnitude. */
	for (int i = 0; i < 2000000; i++) {
		double v;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = (double)(x >> 11) / 9007199254740992.0;   /* [0, 1) */
		v = ldexp(v, (int)(x % 60) - 20);
		if (x & 1)
			v = -v;
		expect_printf(v, (int)((x >> 3) % 10));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_newlines_and_lines),
		cmocka_unit_test(test_crlf_bom_blank),
		cmocka_unit_test(test_fast_path_matches_libcsv),
		cmocka_unit_test(test_encoding_flags),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_empty_and_stop),
		cmocka_unit_test(test_field_limits),
		cmocka_unit_test(test_csv_spectrum),
		cmocka_unit_test(test_writer_quoting),
		cmocka_unit_test(test_writer_formulas),
		cmocka_unit_test(test_writer_numbers),
		cmocka_unit_test(test_writer_buffer),
		cmocka_unit_test(test_fixed_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
