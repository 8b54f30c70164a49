/*
 * Unit tests for gen: determinism, validity of every file (CSV reader,
 * strict time parser, references), order invariants, the --trend knob, the
 * ground truth and the phrase banks (--phrases held-out or unseen changes
 * the factor texts and nothing else). Small corpora (a few hundred incidents) keep it
 * fast.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/csvio.h"
#include "pirx/fsutil.h"
#include "pirx/gen.h"
#include "pirx/mem.h"
#include "pirx/timefmt.h"

/* A whole CSV file in memory: rows of NUL-terminated cells. */
struct table {
	size_t nrows, ncols;   /* rows exclude the header */
	char **header;
	char ***rows;
	int ragged;            /* a row had another number of cells */
};

static int on_row(void *ctx, const struct pirx_csv_row *row)
{
	struct table *t = ctx;
	char **cells = pirx_xcalloc(row->nfields, sizeof(char *));

	for (size_t i = 0; i < row->nfields; i++)
		cells[i] = pirx_xstrndup(row->field[i], row->len[i]);
	if (row->index == 0) {
		t->header = cells;
		t->ncols = row->nfields;
		return 0;
	}
	if (row->nfields != t->ncols)
		t->ragged = 1;
	t->rows = pirx_xreallocarray(t->rows, t->nrows + 1, sizeof(char **));
	t->rows[t->nrows++] = cells;
	return 0;
}

static void load(const char *dir, const char *name, struct table *t)
{
	struct pirx_err err;
	char *path = pirx_fs_join(dir, name);

	memset(t, 0, sizeof(*t));
	pirx_err_clear(&err);
	assert_int_equal(pirx_csv_read(path, on_row, t, &err), 0);
	assert_false(t->ragged);
	assert_non_null(t->header);
	free(path);
}

static void unload(struct table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	for (size_t c = 0; c < t->ncols; c++)
		free(t->header[c]);
	free(t->header);
	free(t->rows);
}

static int col(const struct table *t, const char *name)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (strcmp(t->header[c], name) == 0)
			return (int)c;
	fail_msg("no column %s", name);
	return -1;
}

/* The instant in a cell, or -1 when the cell is empty; fails on bad text. */
static int64_t when(const char *s)
{
	int64_t t;
	const char *why = NULL;

	if (!*s)
		return -1;
	if (pirx_time_parse(s, strlen(s), &t, &why) != 0)
		fail_msg("cannot parse '%s': %s", s, why);
	return t;
}

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/pirx-test-gen-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return pirx_xstrdup(d);
}

static void gen(const char *dir, const struct pirx_gen_opts *o)
{
	struct pirx_err err;
	struct pirx_gen_stats st;

	pirx_err_clear(&err);
	assert_int_equal(pirx_gen_write(dir, o, &st, &err), 0);
	assert_true(st.incidents > 0);
}

static void small_opts(struct pirx_gen_opts *o, uint64_t seed)
{
	pirx_gen_opts_init(o);
	o->seed = seed;
	o->months = 6;
	o->incidents = 300;
	o->overloaded = 1;
}

static const char *const corpus_files[] = {
	"incidents.csv", "factors.csv", "factor_modes.csv", "action_items.csv",
	"responders.csv", "pages.csv", "roster.csv"
};

static char *slurp(const char *dir, const char *name, size_t *n)
{
	char *path = pirx_fs_join(dir, name);
	FILE *fp = fopen(path, "rb");
	char *buf;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	*n = (size_t)ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = pirx_xmalloc(*n + 1);
	assert_int_equal(fread(buf, 1, *n, fp), *n);
	fclose(fp);
	free(path);
	return buf;
}

/* 1 when file name is byte for byte the same in dirs a and b. */
static int same_file(const char *a, const char *b, const char *name)
{
	size_t na, nb;
	char *x = slurp(a, name, &na), *y = slurp(b, name, &nb);
	int same = na == nb && memcmp(x, y, na) == 0;

	free(x);
	free(y);
	return same;
}

static void test_deterministic(void **state)
{
	struct pirx_gen_opts o;
	char *a = tmpdir(), *b = tmpdir(), *c = tmpdir();
	(void)state;

	small_opts(&o, 42);
	gen(a, &o);
	gen(b, &o);
	o.seed = 43;
	gen(c, &o);
	for (size_t i = 0; i < sizeof(corpus_files) / sizeof(corpus_files[0]); i++) {
		assert_true(same_file(a, b, corpus_files[i]));
		/* The roster is fixed; everything else moves with the seed. */
		if (strcmp(corpus_files[i], "roster.csv") != 0)
			assert_false(same_file(a, c, corpus_files[i]));
	}
	pirx_fs_rmtree(a);
	pirx_fs_rmtree(b);
	pirx_fs_rmtree(c);
	free(a);
	free(b);
	free(c);
}

/* The banks written blind, besides the standard one (src/gen_text.c). */
static const enum pirx_gen_phrases blind_banks[] = {
	PIRX_GEN_PHRASES_HELD_OUT, PIRX_GEN_PHRASES_UNSEEN
};
static const enum pirx_gen_phrases all_banks[] = {
	PIRX_GEN_PHRASES_STANDARD, PIRX_GEN_PHRASES_HELD_OUT, PIRX_GEN_PHRASES_UNSEEN
};
#define NBLIND (sizeof(blind_banks) / sizeof(blind_banks[0]))
#define NBANKS (sizeof(all_banks) / sizeof(all_banks[0]))

/*
 * --phrases held-out and unseen: the same seed gives the same corpus but
 * for the factor texts, which all come from the bank asked for; and it is
 * deterministic too. The two blind banks differ from each other as well.
 */
static void test_blind_corpora(void **state)
{
	struct pirx_gen_opts o;
	struct table fs, fh;
	char *a = tmpdir(), *b[NBLIND], *c = tmpdir();
	(void)state;

	small_opts(&o, 42);
	gen(a, &o);
	load(a, "factors.csv", &fs);
	for (size_t i = 0; i < NBLIND; i++) {
		b[i] = tmpdir();
		o.phrases = blind_banks[i];
		gen(b[i], &o);
		gen(c, &o);
		for (size_t f = 0; f < sizeof(corpus_files) / sizeof(corpus_files[0]); f++) {
			assert_true(same_file(b[i], c, corpus_files[f]));
			/* only the factor texts differ from the standard corpus */
			assert_int_equal(same_file(a, b[i], corpus_files[f]),
					 strcmp(corpus_files[f], "factors.csv") != 0);
		}
		load(b[i], "factors.csv", &fh);
		assert_int_equal(fs.nrows, fh.nrows);
		for (size_t r = 0; r < fs.nrows; r++) {
			int t = col(&fs, "text");
			for (int k = 0; k < t; k++)
				assert_string_equal(fs.rows[r][k], fh.rows[r][k]);
			assert_string_not_equal(fs.rows[r][t], fh.rows[r][t]);
		}
		unload(&fh);
	}
	assert_false(same_file(b[0], b[1], "factors.csv"));
	unload(&fs);
	for (size_t i = 0; i < NBLIND; i++) {
		pirx_fs_rmtree(b[i]);
		free(b[i]);
	}
	pirx_fs_rmtree(a);
	pirx_fs_rmtree(c);
	free(a);
	free(c);
}

static int has_id(const struct table *inc, const char *id)
{
	size_t lo = 0, hi = inc->nrows;

	/* Incident ids are zero-padded and written in order: binary search. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(inc->rows[mid][0], id);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static void test_valid_and_ordered(void **state)
{
	struct pirx_gen_opts o;
	struct table inc, fac, gt, act, resp, pg, ros;
	char *d = tmpdir();
	int64_t begin, end;
	const char *tcols[] = {"started_at", "detected_at", "acknowledged_at",
			       "mitigated_at", "resolved_at", "review_at"};
	int open = 0, missing_detect = 0;
	(void)state;

	small_opts(&o, 7);
	o.sev_style = PIRX_GEN_SEV_SEVN;
	gen(d, &o);
	begin = pirx_month_start(o.start_month);
	end = pirx_month_start(o.start_month + o.months);
	load(d, "incidents.csv", &inc);
	load(d, "factors.csv", &fac);
	load(d, "factor_modes.csv", &gt);
	load(d, "action_items.csv", &act);
	load(d, "responders.csv", &resp);
	load(d, "pages.csv", &pg);
	load(d, "roster.csv", &ros);
	assert_int_equal(inc.nrows, 300);
	assert_true(ros.nrows >= 50);

	for (size_t r = 0; r < inc.nrows; r++) {
		int64_t prev = -1;
		const char *sev = inc.rows[r][col(&inc, "severity")];
		assert_true(strlen(sev) == 4 && strncmp(sev, "SEV", 3) == 0 &&
			    sev[3] >= '1' && sev[3] <= '5');
		assert_true(r == 0 || strcmp(inc.rows[r - 1][0], inc.rows[r][0]) < 0);
		for (size_t k = 0; k < sizeof(tcols) / sizeof(tcols[0]); k++) {
			int64_t t = when(inc.rows[r][col(&inc, tcols[k])]);
			if (k == 0)
				assert_true(t >= begin && t < end);
			if (t < 0)
				continue;
			assert_true(t < end);
			assert_true(t >= prev);
			prev = t;
		}
		open += inc.rows[r][col(&inc, "resolved_at")][0] == '\0';
		missing_detect += inc.rows[r][col(&inc, "detected_at")][0] == '\0';
	}
	assert_true(missing_detect > 3 && missing_detect < 45);
	(void)open;

	/* Factors: 1-3 per incident, every one in the ground truth. */
	assert_true(fac.nrows >= 2 * inc.nrows && fac.nrows <= 3 * inc.nrows);
	assert_int_equal(gt.nrows, fac.nrows);
	for (size_t r = 0; r < fac.nrows; r++) {
		const char *mode = gt.rows[r][col(&gt, "mode")];
		int found = -1;
		assert_string_equal(fac.rows[r][col(&fac, "id")], gt.rows[r][col(&gt, "factor_id")]);
		assert_true(has_id(&inc, fac.rows[r][col(&fac, "incident_id")]));
		assert_true(fac.rows[r][col(&fac, "text")][0] != '\0');
		for (int m = 0; m < pirx_gen_mode_count(); m++)
			if (strcmp(pirx_gen_mode_name(m), mode) == 0)
				found = m;
		assert_true(found >= 0);
		assert_string_equal(pirx_gen_mode_category(found), fac.rows[r][col(&fac, "category")]);
	}

	for (size_t r = 0; r < act.nrows; r++) {
		int64_t created = when(act.rows[r][col(&act, "created_at")]);
		int64_t done = when(act.rows[r][col(&act, "completed_at")]);
		int64_t due = when(act.rows[r][col(&act, "due_at")]);
		const char *status = act.rows[r][col(&act, "status")];
		assert_true(has_id(&inc, act.rows[r][col(&act, "incident_id")]));
		assert_true(created >= begin && created < end);
		assert_true(due < 0 || due > created);
		assert_true(done < 0 || (done > created && done < end));
		assert_int_equal(strcmp(status, "done") == 0, done >= 0);
		assert_true(act.rows[r][col(&act, "owner")][0] && act.rows[r][col(&act, "team")][0]);
	}
	for (size_t r = 0; r < resp.nrows; r++) {
		int64_t joined = when(resp.rows[r][col(&resp, "joined_at")]);
		int64_t left = when(resp.rows[r][col(&resp, "left_at")]);
		assert_true(has_id(&inc, resp.rows[r][col(&resp, "incident_id")]));
		assert_true(joined >= begin && joined < end);
		assert_true(left < 0 || (left > joined && left < end));
	}
	for (size_t r = 0; r < pg.nrows; r++) {
		int64_t t = when(pg.rows[r][col(&pg, "paged_at")]);
		const char *id = pg.rows[r][col(&pg, "incident_id")];
		assert_true(t >= begin && t < end);
		assert_true(!*id || has_id(&inc, id));
	}
	/* The overloaded responder carries several times the median load. */
	{
		size_t counts[128] = {0}, sorted[128], top = 0;
		assert_true(ros.nrows <= 128);
		for (size_t r = 0; r < resp.nrows; r++)
			for (size_t p = 0; p < ros.nrows; p++)
				if (strcmp(resp.rows[r][col(&resp, "responder")], ros.rows[p][0]) == 0)
					counts[p]++;
		for (size_t p = 0; p < ros.nrows; p++) {
			size_t j = p;
			for (; j > 0 && sorted[j - 1] > counts[p]; j--)
				sorted[j] = sorted[j - 1];
			sorted[j] = counts[p];
			if (counts[p] > top)
				top = counts[p];
		}
		assert_true(top >= 3 * sorted[ros.nrows / 2]);
	}
	unload(&inc);
	unload(&fac);
	unload(&gt);
	unload(&act);
	unload(&resp);
	unload(&pg);
	unload(&ros);
	pirx_fs_rmtree(d);
	free(d);
}

/* Least-squares slope of the log of each month's median ttr, over months
 * 0..months-2 (the last month loses its long incidents to the corpus end). */
static double ttr_slope(const char *dir, int start_month, int months)
{
	struct table inc;
	double *v[64] = {0};
	size_t nv[64] = {0};
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	int k = 0;

	load(dir, "incidents.csv", &inc);
	for (size_t r = 0; r < inc.nrows; r++) {
		int64_t s = when(inc.rows[r][col(&inc, "started_at")]);
		int64_t e = when(inc.rows[r][col(&inc, "resolved_at")]);
		int m = pirx_month_of(s) - start_month;
		if (e < 0)
			continue;
		v[m] = pirx_xreallocarray(v[m], nv[m] + 1, sizeof(double));
		v[m][nv[m]++] = (double)(e - s) / 60.0;
	}
	for (int m = 0; m < months - 1; m++) {
		double med;
		/* Insertion sort: a hundred values a month. */
		for (size_t i = 1; i < nv[m]; i++)
			for (size_t j = i; j > 0 && v[m][j - 1] > v[m][j]; j--) {
				double t = v[m][j];
				v[m][j] = v[m][j - 1];
				v[m][j - 1] = t;
			}
		assert_true(nv[m] > 20);
		med = nv[m] % 2 ? v[m][nv[m] / 2] : 0.5 * (v[m][nv[m] / 2 - 1] + v[m][nv[m] / 2]);
		sx += m;
		sy += log(med);
		sxx += (double)m * m;
		sxy += m * log(med);
		k++;
	}
	for (int m = 0; m < months; m++)
		free(v[m]);
	unload(&inc);
	return (k * sxy - sx * sy) / (k * sxx - sx * sx);
}

static void test_trend(void **state)
{
	struct pirx_gen_opts o;
	char *flat = tmpdir(), *down = tmpdir();
	double s0, s6, want = log(0.94);
	(void)state;

	pirx_gen_opts_init(&o);
	o.seed = 11;
	o.months = 12;
	o.incidents = 1200;
	o.trend_noise = 0;
	gen(flat, &o);
	o.trend_pct = -6;
	gen(down, &o);
	s0 = ttr_slope(flat, o.start_month, o.months);
	s6 = ttr_slope(down, o.start_month, o.months);
	/* Same draws, only the medians move: the difference is nearly exact. */
	assert_true(fabs((s6 - s0) - want) < 0.012);
	/* And the fitted slope itself is close to log(0.94) = -0.062. */
	assert_true(fabs(s6 - want) < 0.035);
	assert_true(fabs(s0) < 0.035);
	pirx_fs_rmtree(flat);
	pirx_fs_rmtree(down);
	free(flat);
	free(down);
}

static void test_mixed_severity(void **state)
{
	static const char *const ok[] = {
		"SEV1", "SEV2", "SEV3", "SEV4", "SEV5", "P1", "P2", "P3", "P4", "P5",
		"1", "2", "3", "4", "5", "critical", "major", "high", "medium",
		"moderate", "minor", "low", "info", "none"
	};
	struct pirx_gen_opts o;
	struct table inc;
	char *d = tmpdir();
	int styles[4] = {0};
	(void)state;

	small_opts(&o, 5);
	o.sev_style = PIRX_GEN_SEV_MIXED;
	gen(d, &o);
	load(d, "incidents.csv", &inc);
	for (size_t r = 0; r < inc.nrows; r++) {
		const char *s = inc.rows[r][col(&inc, "severity")];
		size_t k = 0;
		while (k < sizeof(ok) / sizeof(ok[0]) && strcmp(ok[k], s) != 0)
			k++;
		assert_true(k < sizeof(ok) / sizeof(ok[0]));
		styles[k < 5 ? 0 : k < 10 ? 1 : k < 15 ? 2 : 3]++;
	}
	for (int k = 0; k < 4; k++)
		assert_true(styles[k] > 30);
	unload(&inc);
	pirx_fs_rmtree(d);
	free(d);
}

static void test_phrase_bank(void **state)
{
	struct pirx_gen_rng r;
	char text[320];
	int n = pirx_gen_mode_count();
	(void)state;

	assert_true(n >= 20);
	pirx_gen_rng_seed(&r, 3);
	for (int m = 0; m < n; m++) {
		const char *c = pirx_gen_mode_category(m);
		assert_true(strcmp(c, "technical") == 0 || strcmp(c, "process") == 0 ||
			    strcmp(c, "communication") == 0 || strcmp(c, "external") == 0);
		assert_true(pirx_gen_mode_weight(m) > 0);
		for (int k = 0; k < 50; k++) {
			int len = pirx_gen_factor_text(&r, m, "svc-a", "svc-b", text, (int)sizeof(text));
			assert_true(len > 5 && (size_t)len == strlen(text));
			assert_null(strchr(text, '{'));
			assert_null(strchr(text, '}'));
		}
	}
	/* A tiny buffer is respected. */
	assert_true(pirx_gen_factor_text(&r, 0, "svc-a", "svc-b", text, 8) <= 7);
	assert_true(strlen(text) <= 7);
}

/* Slot names the generator fills (src/gen_text.c fill_slot). */
static int known_slot(const char *name, size_t len)
{
	static const char *const slots[] = {
		"s", "o", "n", "N", "d", "p", "v", "h", "r", "db", "x", "w"
	};

	for (size_t k = 0; k < sizeof(slots) / sizeof(slots[0]); k++)
		if (strlen(slots[k]) == len && memcmp(slots[k], name, len) == 0)
			return 1;
	return 0;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Whether text matches template pat, a slot matching any one or more
 * characters, letters compared ignoring case. */
static int matches(const char *pat, const char *text)
{
	if (*pat == '{') {
		const char *e = strchr(pat, '}');
		for (const char *t = text + 1; t <= text + strlen(text); t++)
			if (*text && matches(e + 1, t))
				return 1;
		return 0;
	}
	if (!*pat)
		return !*text;
	return lower((unsigned char)*pat) == lower((unsigned char)*text) && matches(pat + 1, text + 1);
}

/* Template t with every slot replaced by "Q": a text it can produce. */
static void render(const char *t, char *out, size_t n)
{
	size_t len = 0;

	while (*t && len < n - 1) {
		if (*t == '{') {
			out[len++] = 'Q';
			t = strchr(t, '}') + 1;
		} else {
			out[len++] = *t++;
		}
	}
	out[len] = '\0';
}

/* The template of another bank than `bank`, of any mode (or of mode m
 * when m >= 0), that could have produced text; NULL when none could. */
static const char *other_bank_match(enum pirx_gen_phrases bank, int m, const char *text)
{
	int n = pirx_gen_mode_count();

	for (size_t b = 0; b < NBANKS; b++) {
		if (all_banks[b] == bank)
			continue;
		for (int m2 = m < 0 ? 0 : m; m2 < (m < 0 ? n : m + 1); m2++)
			for (int k2 = 0; k2 < pirx_gen_template_count(all_banks[b], m2); k2++) {
				const char *t2 = pirx_gen_template(all_banks[b], m2, k2);
				if (matches(t2, text))
					return t2;
			}
	}
	return NULL;
}

/*
 * A blind bank: at least 8 templates a mode, only known slots, no two
 * alike, and none a text another bank could have produced (of any mode),
 * so a score on it is not a score on a bank already tuned on.
 */
static void check_blind_templates(enum pirx_gen_phrases bank)
{
	char text[320];
	int n = pirx_gen_mode_count();

	for (int m = 0; m < n; m++) {
		int c = pirx_gen_template_count(bank, m);
		assert_true(c >= 8);
		assert_null(pirx_gen_template(bank, m, c));
		for (int k = 0; k < c; k++) {
			const char *t = pirx_gen_template(bank, m, k), *t2;
			assert_non_null(t);
			for (const char *p = strchr(t, '{'); p; p = strchr(p + 1, '{')) {
				const char *e = strchr(p, '}');
				assert_non_null(e);
				assert_true(known_slot(p + 1, (size_t)(e - p - 1)));
				assert_null(memchr(p + 1, '{', (size_t)(e - p - 1)));
			}
			render(t, text, sizeof(text));
			if ((t2 = other_bank_match(bank, -1, text)) != NULL)
				fail_msg("bank %d '%s' is also '%s'", (int)bank, t, t2);
			for (int m2 = 0; m2 < n; m2++)
				for (int k2 = 0; k2 < pirx_gen_template_count(bank, m2); k2++)
					if (m2 != m || k2 != k)
						assert_string_not_equal(t, pirx_gen_template(bank, m2, k2));
		}
	}
	assert_int_equal(pirx_gen_template_count(bank, n), 0);
	assert_int_equal(pirx_gen_template_count(bank, -1), 0);
}

/* Drawn texts of a blind bank: filled, deterministic, and not a text of
 * another bank for the same mode (the abbreviation pass aside, which only
 * makes it differ more). */
static void check_blind_draws(enum pirx_gen_phrases bank)
{
	struct pirx_gen_rng r, r2;
	char text[320], text2[320];
	int n = pirx_gen_mode_count(), mismatch = 0, total = 0;

	pirx_gen_rng_seed(&r, 7);
	pirx_gen_rng_seed(&r2, 7);
	for (int m = 0; m < n; m++) {
		for (int k = 0; k < 40; k++) {
			const char *t2;
			int len = pirx_gen_factor_text_from(&r, bank, m, "svc-a", "svc-b",
							    text, (int)sizeof(text));
			pirx_gen_factor_text_from(&r2, bank, m, "svc-a", "svc-b",
						  text2, (int)sizeof(text2));
			assert_true(len > 5 && (size_t)len == strlen(text));
			assert_null(strchr(text, '{'));
			assert_null(strchr(text, '}'));
			mismatch += strcmp(text, text2) != 0;
			total++;
			if (text[len - 1] == '.')
				text[len - 1] = '\0';
			if ((t2 = other_bank_match(bank, m, text)) != NULL)
				fail_msg("bank %d draw '%s' matches '%s'", (int)bank, text, t2);
		}
	}
	assert_int_equal(mismatch, 0);   /* same seed, same draws */
	assert_true(total > 0);
}

static void test_blind_banks(void **state)
{
	struct pirx_gen_rng r, r2;
	char text[320], text2[320];
	int n = pirx_gen_mode_count();
	(void)state;

	/* The matcher finds what a template produces (else the checks below
	 * would pass vacuously). */
	for (int m = 0; m < n; m++) {
		const char *t = pirx_gen_template(PIRX_GEN_PHRASES_STANDARD, m, 0);
		render(t, text, sizeof(text));
		assert_true(matches(t, text));
		text[0] = (char)lower((unsigned char)text[0]);
		assert_true(matches(t, text));
	}
	assert_true(matches("the {s} cert on {h}", "The payments-api cert on db-3"));
	assert_false(matches("the {s} cert on {h}", "the cert on db-3"));

	/* The standard bank draws exactly as pirx_gen_factor_text (the corpus
	 * bytes rest on it). */
	pirx_gen_rng_seed(&r, 7);
	pirx_gen_rng_seed(&r2, 7);
	for (int m = 0; m < n; m++) {
		for (int k = 0; k < 40; k++) {
			int len = pirx_gen_factor_text_from(&r, PIRX_GEN_PHRASES_STANDARD, m,
							    "svc-a", "svc-b", text, (int)sizeof(text));
			assert_int_equal(pirx_gen_factor_text(&r2, m, "svc-a", "svc-b",
							      text2, (int)sizeof(text2)), len);
			assert_string_equal(text, text2);
		}
	}

	for (size_t i = 0; i < NBLIND; i++) {
		check_blind_templates(blind_banks[i]);
		check_blind_draws(blind_banks[i]);
	}
}

static void test_bad_options(void **state)
{
	struct pirx_gen_opts o;
	struct pirx_err err;
	(void)state;

	pirx_gen_opts_init(&o);
	o.months = 0;
	assert_int_equal(pirx_gen_write("/tmp/pirx-test-gen-never", &o, NULL, &err), PIRX_EUSAGE);
	pirx_gen_opts_init(&o);
	o.overloaded = 1000;
	assert_int_equal(pirx_gen_write("/tmp/pirx-test-gen-never", &o, NULL, &err), PIRX_EUSAGE);
	pirx_gen_opts_init(&o);
	o.phrases = (enum pirx_gen_phrases)7;
	assert_int_equal(pirx_gen_write("/tmp/pirx-test-gen-never", &o, NULL, &err), PIRX_EUSAGE);
	assert_false(pirx_fs_exists("/tmp/pirx-test-gen-never"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_valid_and_ordered),
		cmocka_unit_test(test_trend),
		cmocka_unit_test(test_mixed_severity),
		cmocka_unit_test(test_phrase_bank),
		cmocka_unit_test(test_blind_banks),
		cmocka_unit_test(test_blind_corpora),
		cmocka_unit_test(test_bad_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
