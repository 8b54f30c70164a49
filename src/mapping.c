/*
 * mapping: reads pirx-mapping.csv (through csvio) and answers the loader's
 * two questions: what is this header called in SPEC section 2, and what
 * does this severity/priority/status word mean in pirx's vocabulary. It
 * keeps its own copy of the SPEC column names only to refuse rules that
 * could never apply; parsing the vocabularies is vocab's.
 */
#include "pirx/mapping.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pirx/csvio.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/vocab.h"

struct rule {
	char *file;   /* "incidents.csv", or "" for any file */
	int kind;
	char *from;   /* trimmed */
	char *to;     /* normalized; "" for ignore / unknown */
};

struct pirx_mapping {
	struct rule *r;
	size_t n, cap;
};

static const char *const kind_names[PIRX_MAP_KIND_COUNT] = {
	"column", "severity", "priority", "status"
};

/* SPEC section 2, for checking rules only (the loader owns the real table). */
static const struct {
	const char *file;
	const char *cols;   /* ",a,b,c," */
} spec_cols[] = {
	{"incidents.csv", ",id,title,severity,service,team,started_at,detected_at,acknowledged_at,"
	 "mitigated_at,resolved_at,review_at,summary,"},
	{"factors.csv", ",id,incident_id,category,text,"},
	{"action_items.csv", ",id,incident_id,title,owner,team,priority,created_at,due_at,"
	 "completed_at,status,"},
	{"responders.csv", ",incident_id,responder,role,joined_at,left_at,"},
	{"pages.csv", ",responder,paged_at,incident_id,urgency,"},
	{"roster.csv", ",responder,team,timezone,"},
};

#define NSPEC (sizeof(spec_cols) / sizeof(spec_cols[0]))

const char *pirx_mapping_kind_name(int kind)
{
	return kind >= 0 && kind < PIRX_MAP_KIND_COUNT ? kind_names[kind] : NULL;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_blank((*s)[0]))
		(*s)++, (*n)--;
	while (*n && is_blank((*s)[*n - 1]))
		(*n)--;
}

static int same_ci(const char *a, size_t n, const char *b)
{
	return strlen(b) == n && strncasecmp(a, b, n) == 0;
}

pirx_mapping *pirx_mapping_new(void)
{
	return pirx_xcalloc(1, sizeof(pirx_mapping));
}

void pirx_mapping_free(pirx_mapping *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->r[i].file);
		free(m->r[i].from);
		free(m->r[i].to);
	}
	free(m->r);
	free(m);
}

size_t pirx_mapping_count(const pirx_mapping *m)
{
	return m ? m->n : 0;
}

/* "incidents" or "INCIDENTS.CSV" -> "incidents.csv"; "" or "*" -> "". NULL if unknown. */
static const char *file_name(const char *s, size_t n)
{
	trim(&s, &n);
	if (n == 0 || (n == 1 && s[0] == '*'))
		return "";
	for (size_t i = 0; i < NSPEC; i++) {
		size_t k = strlen(spec_cols[i].file) - 4;
		if (same_ci(s, n, spec_cols[i].file) || (n == k && strncasecmp(s, spec_cols[i].file, k) == 0))
			return spec_cols[i].file;
	}
	return NULL;
}

static int is_spec_column(const char *file, const char *col)
{
	char key[80];

	if (strlen(col) > 60 || strchr(col, ','))
		return 0;
	snprintf(key, sizeof(key), ",%s,", col);
	for (size_t i = 0; i < NSPEC; i++)
		if ((file[0] == '\0' || strcmp(file, spec_cols[i].file) == 0) && strstr(spec_cols[i].cols, key))
			return 1;
	return 0;
}

/* Checks and adds one rule; the location of errors is the caller's. */
static int add(pirx_mapping *m, const char *file, size_t fn, const char *kind, size_t kn,
	       const char *from, size_t frn, const char *to, size_t ton,
	       struct pirx_err *err, const char **bad_col)
{
	const char *f, *norm = NULL;
	char *lower = NULL;
	int k = -1;

	trim(&kind, &kn);
	trim(&from, &frn);
	trim(&to, &ton);
	*bad_col = "kind";
	for (int i = 0; i < PIRX_MAP_KIND_COUNT; i++)
		if (same_ci(kind, kn, kind_names[i]))
			k = i;
	if (k < 0)
		return pirx_err_set(err, PIRX_EINPUT, NULL, 0, NULL,
				    "cannot read '%.*s' as a kind (expected column, severity, priority or status)",
				    (int)(kn > 40 ? 40 : kn), kind);
	*bad_col = "file";
	if (!(f = file_name(file, fn)))
		return pirx_err_set(err, PIRX_EINPUT, NULL, 0, NULL,
				    "'%.*s' is not a corpus file (expected incidents.csv, factors.csv, "
				    "action_items.csv, responders.csv, pages.csv, roster.csv, or * for any)",
				    (int)(fn > 40 ? 40 : fn), file);
	*bad_col = "from";
	if (frn == 0)
		return pirx_err_set(err, PIRX_EINPUT, NULL, 0, NULL, "is empty, but a value is required");
	*bad_col = "to";
	if (k == PIRX_MAP_COLUMN) {
		lower = pirx_xstrndup(to, ton);
		for (char *p = lower; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		if (ton && !is_spec_column(f, lower)) {
			int rc = pirx_err_set(err, PIRX_EINPUT, NULL, 0, NULL,
					      "'%.*s' is not a column of %s (see SPEC section 2)",
					      (int)(ton > 40 ? 40 : ton), to, f[0] ? f : "any corpus file");
			free(lower);
			return rc;
		}
	} else if (ton) {
		if (k == PIRX_MAP_SEVERITY) {
			int sev = pirx_vocab_severity(to, ton);
			norm = sev > 0 ? pirx_vocab_severity_name(sev) : NULL;
		} else if (k == PIRX_MAP_PRIORITY) {
			norm = pirx_vocab_priority(to, ton);
		} else {
			norm = pirx_vocab_status(to, ton);
		}
		if (!norm)
			return pirx_err_set(err, PIRX_EINPUT, NULL, 0, NULL,
					    "cannot read '%.*s' as a %s (expected %s, or empty for unknown)",
					    (int)(ton > 40 ? 40 : ton), to, kind_names[k],
					    k == PIRX_MAP_SEVERITY ? pirx_vocab_severity_expected() :
					    k == PIRX_MAP_PRIORITY ? pirx_vocab_priority_expected() :
					    pirx_vocab_status_expected());
	} else {
		norm = "";
	}
	*bad_col = "from";
	for (size_t i = 0; i < m->n; i++)
		if (m->r[i].kind == k && strcmp(m->r[i].file, f) == 0 && same_ci(from, frn, m->r[i].from)) {
			free(lower);
			return pirx_err_set(err, PIRX_EINPUT, NULL, 0, NULL,
					    "'%.*s' is mapped twice for %s %s", (int)(frn > 40 ? 40 : frn), from,
					    f[0] ? f : "any file", kind_names[k]);
		}
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 16;
		m->r = pirx_xreallocarray(m->r, m->cap, sizeof(*m->r));
	}
	m->r[m->n].file = pirx_xstrdup(f);
	m->r[m->n].kind = k;
	m->r[m->n].from = pirx_xstrndup(from, frn);
	m->r[m->n].to = lower ? lower : pirx_xstrdup(norm);
	m->n++;
	return 0;
}

int pirx_mapping_add(pirx_mapping *m, const char *file, int kind, const char *from,
		     const char *to, struct pirx_err *err)
{
	const char *kn = pirx_mapping_kind_name(kind), *bad;

	if (!kn)
		return pirx_err_set(err, PIRX_EINPUT, NULL, 0, NULL, "no such mapping kind %d", kind);
	file = file ? file : "";
	return add(m, file, strlen(file), kn, strlen(kn), from, strlen(from), to, strlen(to), err, &bad);
}

struct reader {
	pirx_mapping *m;
	const char *path;
	struct pirx_err *err;
	int col[4];   /* file, kind, from, to -> field index */
};

static int on_row(void *ctx, const struct pirx_csv_row *r)
{
	static const char *const want[4] = {"file", "kind", "from", "to"};
	struct reader *R = ctx;
	const char *v[4];
	size_t n[4];
	const char *bad;

	if (r->bad_field >= 0)
		return pirx_err_set(R->err, PIRX_EINPUT, R->path, r->line, NULL,
				    "%s in field %ld", r->bad_reason, r->bad_field + 1);
	if (r->index == 0) {
		for (int j = 0; j < 4; j++)
			R->col[j] = -1;
		for (size_t i = 0; i < r->nfields; i++) {
			const char *s = r->field[i];
			size_t k = r->len[i];
			trim(&s, &k);
			for (int j = 0; j < 4; j++)
				if (same_ci(s, k, want[j]))
					R->col[j] = (int)i;
		}
		for (int j = 0; j < 4; j++)
			if (R->col[j] < 0)
				return pirx_err_set(R->err, PIRX_EINPUT, R->path, r->line, want[j],
						    "required column is missing from the header "
						    "(expected file,kind,from,to)");
		return 0;
	}
	for (int j = 0; j < 4; j++) {
		size_t i = (size_t)R->col[j];
		v[j] = i < r->nfields ? r->field[i] : "";
		n[j] = i < r->nfields ? r->len[i] : 0;
	}
	if (add(R->m, v[0], n[0], v[1], n[1], v[2], n[2], v[3], n[3], R->err, &bad) != 0) {
		struct pirx_err e = *R->err;
		long line = r->line;
		for (int j = 0; j < 4; j++)
			if (strcmp(want[j], bad) == 0 && (size_t)R->col[j] < r->nfields)
				line = r->field_line[R->col[j]];
		return pirx_err_set(R->err, PIRX_EINPUT, R->path, line, bad, "%s", e.msg);
	}
	return 0;
}

int pirx_mapping_load(const char *path, pirx_mapping **out, struct pirx_err *err)
{
	struct reader R;
	int rc;

	*out = NULL;
	R.m = pirx_mapping_new();
	R.path = path;
	R.err = err;
	rc = pirx_csv_read(path, on_row, &R, err);
	if (rc > 0)
		rc = err->code ? err->code : PIRX_EINPUT;
	if (rc != 0) {
		pirx_mapping_free(R.m);
		return rc;
	}
	*out = R.m;
	return 0;
}

int pirx_mapping_load_dir(const char *dir, pirx_mapping **out, struct pirx_err *err)
{
	char *path = pirx_fs_join(dir, PIRX_MAPPING_FILE);
	int rc = 0;

	*out = NULL;
	if (pirx_fs_exists(path))
		rc = pirx_mapping_load(path, out, err);
	free(path);
	return rc;
}

static const struct rule *find(const pirx_mapping *m, const char *file, int kind,
			       const char *s, size_t n)
{
	const struct rule *any = NULL;

	if (!m)
		return NULL;
	trim(&s, &n);
	for (size_t i = 0; i < m->n; i++) {
		const struct rule *r = &m->r[i];
		if (r->kind != kind || !same_ci(s, n, r->from))
			continue;
		if (file && strcasecmp(r->file, file) == 0)
			return r;     /* a file's own rule wins over "*" */
		if (r->file[0] == '\0' && !any)
			any = r;
	}
	return any;
}

const char *pirx_mapping_column(const pirx_mapping *m, const char *file,
				const char *name, size_t n)
{
	const struct rule *r = find(m, file, PIRX_MAP_COLUMN, name, n);
	return r ? r->to : NULL;
}

const char *pirx_mapping_value(const pirx_mapping *m, const char *file, int kind,
			       const char *s, size_t n)
{
	const struct rule *r;

	if (kind <= PIRX_MAP_COLUMN || kind >= PIRX_MAP_KIND_COUNT)
		return NULL;
	r = find(m, file, kind, s, n);
	return r ? r->to : NULL;
}
