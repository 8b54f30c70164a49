/*
 * mdreview: Markdown review documents -> plain records -> corpus CSV files.
 *
 * The front matter is YAML and is read with libyaml's event parser (libyaml
 * lives only in this file): a flat mapping of scalar values, lists allowed
 * for `service`. The body is read line by line, only for three sections:
 * Summary, Contributing factors (one bullet, one factor) and Action items
 * (a pipe table). Everything else in the document is prose for people and
 * is left alone. Times and words are normalized with import's parsers so
 * that a review accepts the same forms an export does.
 */
#include "pirx/mdreview.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "pirx/csvio.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/vocab.h"

static const char *const field_names[PIRX_MD_FIELD_COUNT] = {
	"id", "title", "severity", "service", "team", "started_at", "detected_at",
	"acknowledged_at", "mitigated_at", "resolved_at", "review_at", "summary"
};

static const char *const action_names[PIRX_MA_COL_COUNT] = {
	"id", "title", "owner", "team", "priority", "created_at", "due_at", "completed_at", "status"
};

const char *pirx_md_field_name(int field)
{
	return field >= 0 && field < PIRX_MD_FIELD_COUNT ? field_names[field] : NULL;
}

const char *pirx_md_action_col_name(int col)
{
	return col >= 0 && col < PIRX_MA_COL_COUNT ? action_names[col] : NULL;
}

void pirx_mdreview_init(struct pirx_md_review *r)
{
	memset(r, 0, sizeof(*r));
}

void pirx_mdreview_release(struct pirx_md_review *r)
{
	for (int i = 0; i < PIRX_MD_FIELD_COUNT; i++)
		free(r->field[i]);
	for (size_t i = 0; i < r->nfactors; i++) {
		free(r->factors[i].category);
		free(r->factors[i].text);
	}
	free(r->factors);
	for (size_t i = 0; i < r->nactions; i++)
		for (int j = 0; j < PIRX_MA_COL_COUNT; j++)
			free(r->actions[i].col[j]);
	free(r->actions);
	memset(r, 0, sizeof(*r));
}

/* ---- small text helpers ------------------------------------------------ */

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

/* Names compare case-insensitively with ' ', '_' and '-' equal. */
static int same_name(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n && b[i]; i++) {
		int x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (x == ' ' || x == '-')
			x = '_';
		if (y == ' ' || y == '-')
			y = '_';
		if (x != y)
			return 0;
	}
	return i == n && b[i] == '\0';
}

/* One line of the text: [*s, *s + *n) without its "\n" or "\r\n". */
struct lines {
	const char *p, *end;
	long line;        /* number of the line last returned */
};

static int next_line(struct lines *L, const char **s, size_t *n)
{
	const char *nl;

	if (L->p >= L->end)
		return 0;
	nl = memchr(L->p, '\n', (size_t)(L->end - L->p));
	*s = L->p;
	*n = nl ? (size_t)(nl - L->p) : (size_t)(L->end - L->p);
	L->p = nl ? nl + 1 : L->end;
	if (*n && (*s)[*n - 1] == '\r')
		(*n)--;
	L->line++;
	return 1;
}

/* ---- front matter (libyaml) -------------------------------------------- */

static int fm_error(struct pirx_err *err, const char *name, long line, const char *key,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fm_error(struct pirx_err *err, const char *name, long line, const char *key,
		    const char *fmt, ...)
{
	va_list ap;

	pirx_err_set(err, PIRX_EINPUT, name, line, key, "%s", "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return PIRX_EINPUT;
}

static const char *event_what(yaml_event_type_t t)
{
	switch (t) {
	case YAML_SEQUENCE_START_EVENT: return "a list";
	case YAML_MAPPING_START_EVENT: return "a mapping";
	case YAML_ALIAS_EVENT: return "an alias";
	default: return "not a value";
	}
}

static int is_null(const yaml_event_t *e)
{
	const char *v = (const char *)e->data.scalar.value;

	if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return e->data.scalar.length == 0 || strcmp(v, "~") == 0 || strcasecmp(v, "null") == 0;
}

/*
 * Parses the front matter text fm[0..n), whose first line is line `first`
 * of the file, into r's fields.
 */
static int parse_front(const char *name, const char *fm, size_t n, long first,
		       struct pirx_md_review *r, struct pirx_err *err)
{
	yaml_parser_t p;
	yaml_event_t e;
	int rc = 0, depth = 0, have_event = 0, state = 0; /* 0 before mapping, 1 key, 2 done */
	int field = -1;
	long key_line = 0;

	if (!yaml_parser_initialize(&p))
		return pirx_err_set(err, PIRX_EIO, name, 0, NULL, "cannot start the YAML parser");
	yaml_parser_set_input_string(&p, (const unsigned char *)fm, n);
	for (;;) {
		if (!yaml_parser_parse(&p, &e)) {
			long line = first + (long)p.problem_mark.line;
			if (p.context && p.context_mark.line != p.problem_mark.line)
				rc = fm_error(err, name, first + (long)p.context_mark.line, NULL,
					      "front matter is not valid YAML: %s, %s (found at line %ld)",
					      p.context, p.problem ? p.problem : "syntax error", line);
			else
				rc = fm_error(err, name, line, NULL, "front matter is not valid YAML: %s%s%s",
					      p.problem ? p.problem : "syntax error",
					      p.context ? " " : "", p.context ? p.context : "");
			break;
		}
		have_event = 1;
		if (e.type == YAML_STREAM_END_EVENT)
			break;
		if (e.type == YAML_STREAM_START_EVENT || e.type == YAML_DOCUMENT_START_EVENT ||
		    e.type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&e);
			have_event = 0;
			continue;
		}
		if (state == 0) {
			if (e.type != YAML_MAPPING_START_EVENT) {
				rc = fm_error(err, name, first + (long)e.start_mark.line, NULL,
					      "front matter must be a list of 'key: value' lines");
				break;
			}
			state = 1;
			depth = 1;
		} else if (state == 1 && depth == 1 && e.type == YAML_MAPPING_END_EVENT) {
			state = 2;
		} else if (state == 1 && e.type == YAML_SCALAR_EVENT && field == -1) {
			const char *k = (const char *)e.data.scalar.value;
			size_t kn = e.data.scalar.length;
			key_line = first + (long)e.start_mark.line;
			field = -2;     /* an unknown key: its value is skipped */
			for (int i = 0; i < PIRX_MD_FIELD_COUNT; i++)
				if (same_name(k, kn, field_names[i]))
					field = i;
			if (same_name(k, kn, "services"))
				field = PIRX_MD_SERVICE;
			if (field >= 0 && r->field[field]) {
				rc = fm_error(err, name, key_line, field_names[field],
					      "key appears twice in the front matter (first on line %ld)",
					      r->field_line[field]);
				break;
			}
			if (field == -2) {
				if (r->unknown_keys++ == 0) {
					snprintf(r->first_unknown, sizeof(r->first_unknown), "%.*s",
						 (int)(kn > 60 ? 60 : kn), k);
					r->first_unknown_line = key_line;
				}
			}
		} else if (state == 1 && e.type != YAML_SCALAR_EVENT && field == -1) {
			rc = fm_error(err, name, first + (long)e.start_mark.line, NULL,
				      "front matter keys must be plain words, not %s", event_what(e.type));
			break;
		} else if (state == 1 && field == -2) {
			/* Skip the value of an unknown key, however nested. */
			if (e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT)
				depth++;
			else if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT)
				depth--;
			if (depth == 1)
				field = -1;
		} else if (state == 1 && e.type == YAML_SCALAR_EVENT) {
			const char *v = (const char *)e.data.scalar.value;
			size_t vn = e.data.scalar.length;
			if (is_null(&e))
				vn = 0;
			trim(&v, &vn);
			r->field[field] = pirx_xstrndup(v, vn);
			r->field_line[field] = first + (long)e.start_mark.line;
			field = -1;
		} else if (state == 1 && field == PIRX_MD_SERVICE && e.type == YAML_SEQUENCE_START_EVENT) {
			/* service: [a, b] -> "a;b" */
			struct pirx_buf b;
			long line = first + (long)e.start_mark.line;
			pirx_buf_init(&b);
			yaml_event_delete(&e);
			have_event = 0;
			for (;;) {
				if (!yaml_parser_parse(&p, &e)) {
					rc = fm_error(err, name, first + (long)p.problem_mark.line, NULL,
						      "front matter is not valid YAML: %s",
						      p.problem ? p.problem : "syntax error");
					break;
				}
				have_event = 1;
				if (e.type == YAML_SEQUENCE_END_EVENT)
					break;
				if (e.type != YAML_SCALAR_EVENT) {
					rc = fm_error(err, name, first + (long)e.start_mark.line, "service",
						      "a service list holds names, not %s", event_what(e.type));
					break;
				}
				if (!is_null(&e) && e.data.scalar.length) {
					if (b.len)
						pirx_buf_append(&b, ";", 1);
					pirx_buf_append(&b, (const char *)e.data.scalar.value, e.data.scalar.length);
				}
				yaml_event_delete(&e);
				have_event = 0;
			}
			if (rc == 0) {
				r->field[PIRX_MD_SERVICE] = pirx_xstrdup(pirx_buf_str(&b));
				r->field_line[PIRX_MD_SERVICE] = line;
				field = -1;
			}
			pirx_buf_release(&b);
			if (rc)
				break;
		} else if (state == 1) {
			rc = fm_error(err, name, first + (long)e.start_mark.line, field_names[field],
				      "value must be a single value, not %s", event_what(e.type));
			break;
		} else {
			rc = fm_error(err, name, first + (long)e.start_mark.line, NULL,
				      "front matter holds more than one document");
			break;
		}
		yaml_event_delete(&e);
		have_event = 0;
	}
	if (have_event)
		yaml_event_delete(&e);
	yaml_parser_delete(&p);
	return rc;
}

/* ---- body --------------------------------------------------------------- */

enum section { S_OTHER, S_SUMMARY, S_FACTORS, S_ACTIONS };

static enum section section_of(const char *s, size_t n)
{
	while (n && s[n - 1] == '#')
		n--;
	trim(&s, &n);
	if (n && s[n - 1] == ':')
		n--;
	if (same_name(s, n, "contributing factors") || same_name(s, n, "contributing factor") ||
	    same_name(s, n, "factors"))
		return S_FACTORS;
	if (same_name(s, n, "action items") || same_name(s, n, "actions") ||
	    same_name(s, n, "follow ups") || same_name(s, n, "followups"))
		return S_ACTIONS;
	if (same_name(s, n, "summary"))
		return S_SUMMARY;
	return S_OTHER;
}

/* The text after a bullet marker ("- ", "* ", "+ ", "1. ", "1) "), or NULL. */
static const char *bullet(const char *s, size_t n, size_t *rest)
{
	size_t i = 0;

	if (n >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && (s[1] == ' ' || s[1] == '\t'))
		i = 2;
	else {
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == 0 || i > 9 || i + 1 >= n || (s[i] != '.' && s[i] != ')') ||
		    (s[i + 1] != ' ' && s[i + 1] != '\t'))
			return NULL;
		i += 2;
	}
	*rest = n - i;
	return s + i;
}

static void add_factor(struct pirx_md_review *r, const char *s, size_t n, long line)
{
	struct pirx_md_factor *f;
	const char *cat = "";
	size_t cn = 0, i;

	trim(&s, &n);
	/* "**technical**: text" and "**technical:** text" */
	if (n > 4 && s[0] == '*' && s[1] == '*') {
		const char *close = NULL;
		for (i = 2; i + 1 < n; i++)
			if (s[i] == '*' && s[i + 1] == '*') {
				close = s + i;
				break;
			}
		if (close) {
			size_t in = (size_t)(close - s) - 2;
			const char *after = close + 2;
			size_t an = n - (size_t)(after - s);
			if (in > 1 && s[2 + in - 1] == ':' ) {
				cat = s + 2;
				cn = in - 1;
				s = after;
				n = an;
			} else if (an && after[0] == ':') {
				cat = s + 2;
				cn = in;
				s = after + 1;
				n = an - 1;
			}
		}
	}
	/* "technical: text": one word of letters, digits, '-' or '_' before ':'. */
	if (cn == 0) {
		for (i = 0; i < n && i <= 30; i++) {
			char c = s[i];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			      c == '-' || c == '_'))
				break;
		}
		if (i > 0 && i < n && i <= 30 && s[i] == ':' && i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t')) {
			cat = s;
			cn = i;
			s += i + 1;
			n -= i + 1;
		}
	}
	trim(&s, &n);
	trim(&cat, &cn);
	if (n == 0)
		return;
	r->factors = pirx_xreallocarray(r->factors, r->nfactors + 1, sizeof(*r->factors));
	f = &r->factors[r->nfactors++];
	f->category = pirx_xstrndup(cat, cn);
	for (char *p = f->category; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	f->text = pirx_xstrndup(s, n);
	f->line = line;
}

/* Appends a continuation line to the last factor. */
static void extend_factor(struct pirx_md_review *r, const char *s, size_t n)
{
	struct pirx_md_factor *f = &r->factors[r->nfactors - 1];
	size_t old = strlen(f->text);

	trim(&s, &n);
	f->text = pirx_xrealloc(f->text, old + n + 2);
	f->text[old] = ' ';
	memcpy(f->text + old + 1, s, n);
	f->text[old + 1 + n] = '\0';
}

/* Splits a table row into cells (at unescaped '|'); returns the count. */
static size_t split_row(const char *s, size_t n, struct pirx_buf *cells, size_t max)
{
	size_t k = 0, i = 0;

	trim(&s, &n);
	if (n && s[0] == '|')
		s++, n--;
	if (n && s[n - 1] == '|' && !(n >= 2 && s[n - 2] == '\\'))
		n--;
	pirx_buf_reset(&cells[0]);
	while (i <= n) {
		if (i == n || s[i] == '|') {
			const char *c = pirx_buf_str(&cells[k]);
			size_t cn = cells[k].len;
			trim(&c, &cn);
			if (c != cells[k].data && cells[k].data) {
				memmove(cells[k].data, c, cn);
			}
			if (cells[k].data) {
				cells[k].data[cn] = '\0';
				cells[k].len = cn;
			}
			k++;
			if (i == n || k == max)
				break;
			pirx_buf_reset(&cells[k]);
			i++;
			continue;
		}
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == '|') {
			pirx_buf_append(&cells[k], "|", 1);
			i += 2;
			continue;
		}
		pirx_buf_append(&cells[k], s + i, 1);
		i++;
	}
	return k;
}

static int is_separator_row(struct pirx_buf *cells, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		const char *c = pirx_buf_str(&cells[i]);
		if (!*c)
			return 0;
		for (; *c; c++)
			if (*c != '-' && *c != ':' && *c != ' ')
				return 0;
	}
	return k > 0;
}

#define MAX_CELLS 32

static int action_col(const char *s, size_t n)
{
	static const struct {
		const char *name;
		int col;
	} alias[] = {
		{"created", PIRX_MA_CREATED_AT}, {"due", PIRX_MA_DUE_AT}, {"due_date", PIRX_MA_DUE_AT},
		{"completed", PIRX_MA_COMPLETED_AT}, {"done_at", PIRX_MA_COMPLETED_AT},
		{"action", PIRX_MA_TITLE}, {"item", PIRX_MA_TITLE}, {"assignee", PIRX_MA_OWNER},
	};
	for (int j = 0; j < PIRX_MA_COL_COUNT; j++)
		if (same_name(s, n, action_names[j]))
			return j;
	for (size_t j = 0; j < sizeof(alias) / sizeof(alias[0]); j++)
		if (same_name(s, n, alias[j].name))
			return alias[j].col;
	return -1;
}

int pirx_mdreview_parse_text(const char *name, const char *text, size_t n,
			     struct pirx_md_review *r, struct pirx_err *err)
{
	struct lines L = {text, text + n, 0};
	const char *s, *fm = NULL;
	size_t sn;
	long fm_first = 0;
	int rc = 0, closed = 0;
	enum section sec = S_OTHER;
	int in_factor = 0, table_state = 0;   /* 0 none, 1 header seen, 2 rows */
	int blank = 0;
	int colmap[MAX_CELLS];
	size_t ncols = 0;
	struct pirx_buf cells[MAX_CELLS], summary;

	pirx_mdreview_init(r);
	pirx_err_clear(err);
	if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		L.p += 3;
	if (!next_line(&L, &s, &sn) || sn != 3 || memcmp(s, "---", 3) != 0)
		return fm_error(err, name, 1, NULL,
				"review has no front matter (expected a first line '---', "
				"see docs/review-template.md)");
	fm = L.p;
	fm_first = 2;
	while (next_line(&L, &s, &sn)) {
		if ((sn == 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "...", 3) == 0))) {
			closed = 1;
			break;
		}
	}
	if (!closed)
		return fm_error(err, name, 1, NULL,
				"front matter is not closed (expected a line '---' after it)");
	if ((rc = parse_front(name, fm, (size_t)(s - fm), fm_first, r, err)) != 0)
		return rc;

	for (int i = 0; i < MAX_CELLS; i++)
		pirx_buf_init(&cells[i]);
	pirx_buf_init(&summary);
	while (rc == 0 && next_line(&L, &s, &sn)) {
		const char *t = s, *b;
		size_t tn = sn, bn;
		size_t indent = 0;

		while (indent < sn && (s[indent] == ' ' || s[indent] == '\t'))
			indent++;
		trim(&t, &tn);
		if (tn > 1 && t[0] == '#' && indent < 4) {
			size_t h = 0;
			while (h < tn && t[h] == '#')
				h++;
			if (h < tn && (t[h] == ' ' || t[h] == '\t')) {
				sec = section_of(t + h, tn - h);
				in_factor = 0;
				table_state = 0;
				continue;
			}
		}
		switch (sec) {
		case S_SUMMARY:
			/* Markdown paragraphs: wrapped lines join with a space,
			 * paragraphs are kept apart by a blank line. */
			if (tn == 0) {
				blank = summary.len > 0;
			} else {
				if (summary.len)
					pirx_buf_append(&summary, blank ? "\n\n" : " ", blank ? 2 : 1);
				pirx_buf_append(&summary, t, tn);
				blank = 0;
			}
			break;
		case S_FACTORS:
			if (tn == 0) {
				in_factor = 0;
			} else if (indent < 2 && (b = bullet(t, tn, &bn))) {
				add_factor(r, b, bn, L.line);
				in_factor = r->nfactors > 0;
			} else if (in_factor && r->nfactors) {
				size_t cn;
				const char *c = indent >= 2 && (b = bullet(t, tn, &cn)) ? b : t;
				extend_factor(r, c, c == t ? tn : cn);
			}
			break;
		case S_ACTIONS:
			if (tn == 0 || t[0] != '|') {
				if (table_state == 2 && tn)
					table_state = 3;    /* the table ended */
				break;
			}
			if (table_state == 3)
				break;
			if (table_state == 0) {
				ncols = split_row(t, tn, cells, MAX_CELLS);
				for (size_t i = 0; i < ncols; i++) {
					const char *c = pirx_buf_str(&cells[i]);
					colmap[i] = action_col(c, strlen(c));
					if (colmap[i] < 0) {
						rc = fm_error(err, name, L.line, NULL,
							      "action items table: unknown column '%.40s' (expected %s)",
							      c, "id, title, owner, team, priority, created_at, "
							      "due_at, completed_at, status");
						break;
					}
					for (size_t j = 0; j < i; j++)
						if (colmap[j] == colmap[i]) {
							rc = fm_error(err, name, L.line, action_names[colmap[i]],
								      "action items table: column appears twice");
							break;
						}
					if (rc)
						break;
				}
				table_state = 1;
			} else if (table_state == 1) {
				size_t k = split_row(t, tn, cells, MAX_CELLS);
				if (!is_separator_row(cells, k)) {
					rc = fm_error(err, name, L.line, NULL,
						      "action items table: expected the separator row "
						      "'|---|---|' under the header");
					break;
				}
				table_state = 2;
			} else {
				size_t k = split_row(t, tn, cells, MAX_CELLS + 1 > MAX_CELLS ? MAX_CELLS : MAX_CELLS);
				struct pirx_md_action *a;
				int any = 0;
				if (k > ncols) {
					rc = fm_error(err, name, L.line, NULL,
						      "action items table: row has %zu cells, but the header has %zu",
						      k, ncols);
					break;
				}
				for (size_t i = 0; i < k; i++)
					any |= cells[i].len > 0;
				if (!any)
					break;
				r->actions = pirx_xreallocarray(r->actions, r->nactions + 1, sizeof(*r->actions));
				a = &r->actions[r->nactions++];
				a->line = L.line;
				for (int j = 0; j < PIRX_MA_COL_COUNT; j++)
					a->col[j] = NULL;
				for (size_t i = 0; i < ncols; i++)
					a->col[colmap[i]] = pirx_xstrdup(i < k ? pirx_buf_str(&cells[i]) : "");
				for (int j = 0; j < PIRX_MA_COL_COUNT; j++)
					if (!a->col[j])
						a->col[j] = pirx_xstrdup("");
			}
			break;
		default:
			break;
		}
	}
	if (rc == 0 && !r->field[PIRX_MD_SUMMARY] && summary.len) {
		const char *c = pirx_buf_str(&summary);
		size_t cn = summary.len;
		trim(&c, &cn);
		if (cn) {
			r->field[PIRX_MD_SUMMARY] = pirx_xstrndup(c, cn);
			r->field_line[PIRX_MD_SUMMARY] = 0;
		}
	}
	for (int i = 0; i < MAX_CELLS; i++)
		pirx_buf_release(&cells[i]);
	pirx_buf_release(&summary);
	return rc;
}

int pirx_mdreview_parse(const char *path, struct pirx_md_review *r, struct pirx_err *err)
{
	FILE *fp = fopen(path, "rb");
	struct pirx_buf b;
	char chunk[65536];
	size_t n;
	int rc;

	pirx_mdreview_init(r);
	if (!fp)
		return pirx_err_set(err, PIRX_EIO, path, 0, NULL, "cannot open: %s", strerror(errno));
	pirx_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		pirx_buf_append(&b, chunk, n);
	if (ferror(fp)) {
		fclose(fp);
		pirx_buf_release(&b);
		return pirx_err_set(err, PIRX_EIO, path, 0, NULL, "cannot read: %s", strerror(errno));
	}
	fclose(fp);
	if (memchr(pirx_buf_str(&b), '\0', b.len) || pirx_utf8_check(pirx_buf_str(&b), b.len) >= 0) {
		long off = memchr(pirx_buf_str(&b), '\0', b.len)
			? (long)((const char *)memchr(b.data, '\0', b.len) - b.data)
			: pirx_utf8_check(b.data, b.len);
		long line = 1;
		for (long i = 0; i < off; i++)
			line += b.data[i] == '\n';
		pirx_buf_release(&b);
		return pirx_err_set(err, PIRX_EINPUT, path, line, NULL,
				    "review is not UTF-8 text (a NUL byte or invalid UTF-8)");
	}
	rc = pirx_mdreview_parse_text(path, pirx_buf_str(&b), b.len, r, err);
	pirx_buf_release(&b);
	return rc;
}

/* ---- folder -> corpus --------------------------------------------------- */

struct conv {
	const struct pirx_import_opts *o;
	struct pirx_import_stats *st;
	pirx_csvw *w[3];
	char **ids;
	size_t nids, capids;
	char **aids;
	size_t naids, capaids;
};

static void problem(struct conv *C, const char *file, long line, const char *col,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void problem(struct conv *C, const char *file, long line, const char *col,
		    const char *fmt, ...)
{
	struct pirx_err e;
	va_list ap;

	pirx_err_set(&e, PIRX_EINPUT, file, line, col, "%s", "");
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	C->st->problems++;
	if (C->o->hooks.problem)
		C->o->hooks.problem(C->o->hooks.ctx, &e);
}

static void warn(struct conv *C, const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void warn(struct conv *C, const char *file, long line, const char *fmt, ...)
{
	struct pirx_err e;
	va_list ap;

	pirx_err_set(&e, 0, file, line, NULL, "%s", "");
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	if (C->o->hooks.warning)
		C->o->hooks.warning(C->o->hooks.ctx, &e);
}

/* Adds s to a list of seen ids; returns 1 when it was there already. */
static int seen(char ***list, size_t *n, size_t *cap, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i], s) == 0)
			return 1;
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*list = pirx_xreallocarray(*list, *cap, sizeof(char *));
	}
	(*list)[(*n)++] = pirx_xstrdup(s);
	return 0;
}

/* A time cell: 1 and *t, 0 when empty, -1 after a problem. */
static int md_time(struct conv *C, const char *file, long line, const char *col,
		   const char *s, int64_t *t)
{
	const char *why;

	if (!s || !*s)
		return 0;
	if (pirx_import_time(s, strlen(s), C->o->assume_offset_min, t, &why) != 0) {
		problem(C, file, line, col, "cannot parse '%.40s' as a time (%s)", s, why);
		return -1;
	}
	return 1;
}

static void put_time(pirx_csvw *w, int have, int64_t t)
{
	if (have > 0)
		pirx_csvw_time(w, t);
	else
		pirx_csvw_empty(w);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void convert_one(struct conv *C, const char *path, const struct pirx_md_review *r)
{
	int64_t t[PIRX_MD_FIELD_COUNT];
	int have[PIRX_MD_FIELD_COUNT];
	int bad = 0, sev = 0;
	const char *id = r->field[PIRX_MD_ID];
	long l_id = r->field_line[PIRX_MD_ID] ? r->field_line[PIRX_MD_ID] : 1;

	if (!id || !*id) {
		problem(C, path, l_id, "id", "the front matter has no id, but one is required");
		return;
	}
	if (seen(&C->ids, &C->nids, &C->capids, id)) {
		problem(C, path, l_id, "id", "incident id '%.40s' is used by another review", id);
		bad = 1;
	}
	if (r->unknown_keys)
		warn(C, path, r->first_unknown_line, "front matter key '%s'%s is not an incident field; "
		     "ignored", r->first_unknown, r->unknown_keys > 1 ? " (and others)" : "");
	for (int f = PIRX_MD_STARTED_AT; f <= PIRX_MD_REVIEW_AT; f++) {
		have[f] = md_time(C, path, r->field_line[f], field_names[f], r->field[f], &t[f]);
		bad |= have[f] < 0;
	}
	if (!r->field[PIRX_MD_STARTED_AT] || !*r->field[PIRX_MD_STARTED_AT]) {
		problem(C, path, l_id, "started_at", "the front matter has no started_at, but one is required");
		bad = 1;
	}
	if (r->field[PIRX_MD_SEVERITY] && *r->field[PIRX_MD_SEVERITY]) {
		const char *s = r->field[PIRX_MD_SEVERITY];
		const char *m = pirx_mapping_value(C->o->mapping, "incidents.csv", PIRX_MAP_SEVERITY,
						   s, strlen(s));
		sev = m ? (m[0] ? pirx_vocab_severity(m, strlen(m)) : 0) : pirx_import_severity(s, strlen(s));
		if (sev < 0) {
			problem(C, path, r->field_line[PIRX_MD_SEVERITY], "severity",
				"cannot read '%.40s' as a severity (expected %s)", s,
				pirx_vocab_severity_expected());
			bad = 1;
		}
	}
	/* Action items: checked before anything of this review is written. */
	for (size_t i = 0; i < r->nactions; i++) {
		const struct pirx_md_action *a = &r->actions[i];
		int64_t at;
		const char *w;
		for (int j = PIRX_MA_CREATED_AT; j <= PIRX_MA_COMPLETED_AT; j++)
			bad |= md_time(C, path, a->line, action_names[j], a->col[j], &at) < 0;
		if (*a->col[PIRX_MA_PRIORITY]) {
			w = pirx_mapping_value(C->o->mapping, "action_items.csv", PIRX_MAP_PRIORITY,
					       a->col[PIRX_MA_PRIORITY], strlen(a->col[PIRX_MA_PRIORITY]));
			if (!w && !pirx_import_priority(a->col[PIRX_MA_PRIORITY], strlen(a->col[PIRX_MA_PRIORITY]))) {
				problem(C, path, a->line, "priority", "cannot read '%.40s' as a priority (expected %s)",
					a->col[PIRX_MA_PRIORITY], pirx_vocab_priority_expected());
				bad = 1;
			}
		}
		if (*a->col[PIRX_MA_STATUS]) {
			w = pirx_mapping_value(C->o->mapping, "action_items.csv", PIRX_MAP_STATUS,
					       a->col[PIRX_MA_STATUS], strlen(a->col[PIRX_MA_STATUS]));
			if (!w && !pirx_import_status(a->col[PIRX_MA_STATUS], strlen(a->col[PIRX_MA_STATUS]))) {
				problem(C, path, a->line, "status", "cannot read '%.40s' as a status (expected %s)",
					a->col[PIRX_MA_STATUS], pirx_vocab_status_expected());
				bad = 1;
			}
		}
		if (!*a->col[PIRX_MA_CREATED_AT] && !r->field[PIRX_MD_REVIEW_AT] && !r->field[PIRX_MD_RESOLVED_AT]) {
			problem(C, path, a->line, "created_at", "the action item has no created_at, and the "
				"review has no review_at or resolved_at to take it from");
			bad = 1;
		}
	}
	if (bad)
		return;

	{
		pirx_csvw *w = C->w[0];
		for (int f = 0; f < PIRX_MD_FIELD_COUNT; f++) {
			const char *v = r->field[f] ? r->field[f] : "";
			if (f >= PIRX_MD_STARTED_AT && f <= PIRX_MD_REVIEW_AT)
				put_time(w, have[f], t[f]);
			else if (f == PIRX_MD_SEVERITY)
				pirx_csvw_text(w, sev > 0 ? pirx_vocab_severity_name(sev) : "");
			else
				pirx_csvw_text(w, v);
		}
		pirx_csvw_end_row(w);
		C->st->rows[PIRX_IF_INCIDENTS]++;
	}
	for (size_t i = 0; i < r->nfactors; i++) {
		pirx_csvw *w = C->w[1];
		char fid[600];
		snprintf(fid, sizeof(fid), "%s#%zu", id, i + 1);
		pirx_csvw_text(w, fid);
		pirx_csvw_text(w, id);
		pirx_csvw_text(w, r->factors[i].category);
		pirx_csvw_text(w, r->factors[i].text);
		pirx_csvw_end_row(w);
		C->st->rows[PIRX_IF_FACTORS]++;
	}
	for (size_t i = 0; i < r->nactions; i++) {
		const struct pirx_md_action *a = &r->actions[i];
		pirx_csvw *w = C->w[2];
		char aid[600];
		const char *p = NULL, *s = NULL;
		int64_t at;
		if (*a->col[PIRX_MA_ID])
			snprintf(aid, sizeof(aid), "%s", a->col[PIRX_MA_ID]);
		else
			snprintf(aid, sizeof(aid), "%s#A%zu", id, i + 1);
		if (seen(&C->aids, &C->naids, &C->capaids, aid)) {
			problem(C, path, a->line, "id", "action item id '%.40s' is used twice", aid);
			continue;
		}
		if (*a->col[PIRX_MA_PRIORITY]) {
			p = pirx_mapping_value(C->o->mapping, "action_items.csv", PIRX_MAP_PRIORITY,
					       a->col[PIRX_MA_PRIORITY], strlen(a->col[PIRX_MA_PRIORITY]));
			if (!p)
				p = pirx_import_priority(a->col[PIRX_MA_PRIORITY], strlen(a->col[PIRX_MA_PRIORITY]));
		}
		if (*a->col[PIRX_MA_STATUS]) {
			s = pirx_mapping_value(C->o->mapping, "action_items.csv", PIRX_MAP_STATUS,
					       a->col[PIRX_MA_STATUS], strlen(a->col[PIRX_MA_STATUS]));
			if (!s)
				s = pirx_import_status(a->col[PIRX_MA_STATUS], strlen(a->col[PIRX_MA_STATUS]));
		}
		pirx_csvw_text(w, aid);
		pirx_csvw_text(w, id);
		pirx_csvw_text(w, a->col[PIRX_MA_TITLE]);
		pirx_csvw_text(w, a->col[PIRX_MA_OWNER]);
		pirx_csvw_text(w, a->col[PIRX_MA_TEAM]);
		pirx_csvw_text(w, p ? p : "");
		if (md_time(C, path, a->line, "created_at", a->col[PIRX_MA_CREATED_AT], &at) > 0)
			pirx_csvw_time(w, at);
		else if (have[PIRX_MD_REVIEW_AT] > 0)
			pirx_csvw_time(w, t[PIRX_MD_REVIEW_AT]);
		else
			pirx_csvw_time(w, t[PIRX_MD_RESOLVED_AT]);
		for (int j = PIRX_MA_DUE_AT; j <= PIRX_MA_COMPLETED_AT; j++) {
			int h = md_time(C, path, a->line, action_names[j], a->col[j], &at);
			if (h > 0 && j == PIRX_MA_DUE_AT && pirx_import_is_date(a->col[j], strlen(a->col[j])))
				at += 86399;     /* due on a day: by the end of it */
			put_time(w, h, at);
		}
		pirx_csvw_text(w, s ? s : "");
		pirx_csvw_end_row(w);
		C->st->rows[PIRX_IF_ACTION_ITEMS]++;
	}
}

static int ends_with_md(const char *name)
{
	size_t n = strlen(name);
	return n > 3 && strcasecmp(name + n - 3, ".md") == 0;
}

int pirx_mdreview_is_review_dir(const char *dir)
{
	char *inc = pirx_fs_join(dir, "incidents.csv");
	DIR *d;
	struct dirent *e;
	int found = 0;

	if (pirx_fs_exists(inc) || !(d = opendir(dir))) {
		free(inc);
		return 0;
	}
	free(inc);
	while (!found && (e = readdir(d)))
		found = e->d_name[0] != '.' && ends_with_md(e->d_name) &&
			strcasecmp(e->d_name, "README.md") != 0;
	closedir(d);
	return found;
}

int pirx_mdreview_convert_dir(const char *src_dir, const char *out_dir,
			      const struct pirx_import_opts *opts,
			      struct pirx_import_stats *stats, struct pirx_err *err)
{
	static const struct pirx_import_opts none;
	static const int files[3] = {PIRX_IF_INCIDENTS, PIRX_IF_FACTORS, PIRX_IF_ACTION_ITEMS};
	struct conv C;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t nnames = 0, cap = 0;
	int rc = 0;

	memset(&C, 0, sizeof(C));
	memset(stats, 0, sizeof(*stats));
	C.o = opts ? opts : &none;
	C.st = stats;
	pirx_err_clear(err);
	if (!(d = opendir(src_dir)))
		return pirx_err_set(err, PIRX_EIO, src_dir, 0, NULL, "cannot read the folder of reviews: %s",
				    strerror(errno));
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !ends_with_md(e->d_name) || strcasecmp(e->d_name, "README.md") == 0)
			continue;
		if (nnames == cap) {
			cap = cap ? 2 * cap : 64;
			names = pirx_xreallocarray(names, cap, sizeof(char *));
		}
		names[nnames++] = pirx_xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, nnames, sizeof(char *), cmp_str);
	for (int i = 0; i < 3 && rc == 0; i++) {
		char *path = pirx_fs_join(out_dir, pirx_import_file_name(files[i]));
		static const char *const hdr[3] = {
			"id,title,severity,service,team,started_at,detected_at,acknowledged_at,"
			"mitigated_at,resolved_at,review_at,summary",
			"id,incident_id,category,text",
			"id,incident_id,title,owner,team,priority,created_at,due_at,completed_at,status",
		};
		rc = pirx_csvw_open(path, &C.w[i], err);
		free(path);
		if (rc == 0) {
			pirx_csvw_header(C.w[i], hdr[i]);
			stats->written[files[i]] = 1;
		}
	}
	if (rc == 0 && nnames == 0) {
		problem(&C, src_dir, 0, NULL, "the folder holds no review (*.md) files");
	}
	for (size_t i = 0; i < nnames && rc == 0; i++) {
		char *path = pirx_fs_join(src_dir, names[i]);
		struct pirx_md_review r;
		struct pirx_err pe;
		int prc = pirx_mdreview_parse(path, &r, &pe);
		stats->source_rows++;
		if (prc == PIRX_EINPUT && strstr(pe.msg, "has no front matter")) {
			warn(&C, path, 1, "not a review (no front matter); skipped");
			stats->skipped++;
		} else if (prc == PIRX_EINPUT) {
			stats->problems++;
			if (C.o->hooks.problem)
				C.o->hooks.problem(C.o->hooks.ctx, &pe);
		} else if (prc != 0) {
			*err = pe;
			rc = prc;
		} else {
			convert_one(&C, path, &r);
		}
		pirx_mdreview_release(&r);
		free(path);
	}
	for (int i = 0; i < 3; i++) {
		struct pirx_err ce;
		if (C.w[i] && pirx_csvw_close(C.w[i], &ce) != 0 && rc == 0) {
			*err = ce;
			rc = PIRX_EIO;
		}
	}
	if (rc == 0 && stats->problems)
		rc = pirx_err_set(err, PIRX_EINPUT, NULL, 0, NULL, "import refused: %ld problem%s in the reviews",
				  stats->problems, stats->problems == 1 ? "" : "s");
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	for (size_t i = 0; i < C.nids; i++)
		free(C.ids[i]);
	free(C.ids);
	for (size_t i = 0; i < C.naids; i++)
		free(C.aids[i]);
	free(C.aids);
	return rc;
}
