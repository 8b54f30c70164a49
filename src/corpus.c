/*
 * corpus: the corpus loader. It owns the meaning of each corpus column
 * (which are required, which are times or vocabulary), the row checks of
 * SPEC section 2 (empty required cells, unparseable cells, repeated ids,
 * references to no incident, times out of order) and the mapping of rows
 * onto the tables of queries/schema.sql. Parsing CSV is csvio's, times
 * timefmt's, words vocab's, SQL db's; printing is the caller's.
 *
 * Files are read in a fixed order, incidents.csv first, so that every
 * reference can be checked against the complete set of incident ids
 * without a second pass. The only memory that grows with the corpus is
 * the id sets: string tables whose strings live in large blocks and whose
 * hash index is built only when a lookup needs it, so a row costs no
 * malloc of ours.
 */
#include "pirx/corpus.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pirx/dbq.h"
#include "pirx/fsutil.h"
#include "pirx/mapping.h"
#include "pirx/mdreview.h"
#include "pirx/mem.h"
#include "pirx/textnorm.h"
#include "pirx/timefmt.h"
#include "pirx/vocab.h"

/* ---- id sets ---------------------------------------------------------- */

/*
 * A file's ids in a string table (textnorm.h), numbered in the order they
 * came, with what the loader keeps of each beside it. At 100k incidents
 * every hash probe is a cache miss, and most need none:
 *
 * - Ids that come in increasing order (shorter first, then byte order:
 *   INC-9 before INC-10) cannot repeat an earlier one: they are appended
 *   without a lookup (pirx_strtab_append). The first id out of order is
 *   interned, and so is every id after it.
 * - References to incidents mostly name the incident of the row before,
 *   or one of the next few: pirx_strtab_find_near walks from the last one
 *   found to the following ones before it hashes.
 *
 * The table's hash index is built only when a lookup needs it, so a
 * corpus in id or time order (generated ones, most exports) makes almost
 * none: they were a sixth of the load's reading thread.
 */
struct key {
	uint32_t count;      /* incidents: factor rows seen so far */
	int32_t line;        /* line the id was first seen on; negative when
				the row that defined it was invalid */
};

struct idset {
	pirx_strtab *t;
	struct key *key;     /* by id */
	size_t cap;
	long last;           /* the last id found, -1: none */
	int sorted;          /* every id so far came in increasing order */
};

static void idset_init(struct idset *s)
{
	memset(s, 0, sizeof(*s));
	s->t = pirx_strtab_new();
	s->last = -1;
	s->sorted = 1;
}

static void idset_release(struct idset *s)
{
	pirx_strtab_free(s->t);
	free(s->key);
	memset(s, 0, sizeof(*s));
}

/* Empties s for the next file's ids. */
static void idset_clear(struct idset *s)
{
	pirx_strtab_clear(s->t);
	s->last = -1;
	s->sorted = 1;
}

static long key_line(const struct key *r)
{
	return r->line < 0 ? -(long)r->line : r->line;
}

static int key_ok(const struct key *r)
{
	return r->line > 0;
}

static void key_define(struct key *r, long line, int ok)
{
	r->line = (int32_t)(ok ? line : -line);
}

/* Whether k comes after id prev: shorter ids first, then byte order. */
static int comes_after(const struct idset *s, long prev, const char *k, size_t n)
{
	size_t pn = pirx_strtab_len(s->t, prev);

	if (pn != n)
		return n > pn;
	return memcmp(k, pirx_strtab_str(s->t, prev), n) > 0;
}

static struct key *idset_find(struct idset *s, const char *k, size_t n)
{
	long id = pirx_strtab_find_near(s->t, k, (long)n, s->last >= 0 ? s->last : 0);

	if (id < 0)
		return NULL;
	s->last = id;
	return &s->key[id];
}

/* Finds or adds k; *added says which. */
static struct key *idset_add(struct idset *s, const char *k, size_t n, int *added)
{
	long count = pirx_strtab_count(s->t), id;

	if (s->sorted && (count == 0 || comes_after(s, count - 1, k, n))) {
		id = pirx_strtab_append(s->t, k, (long)n);
		*added = 1;
	} else {
		s->sorted = 0;
		id = pirx_strtab_intern(s->t, k, (long)n, added);
	}
	if ((size_t)id >= s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->key = pirx_xreallocarray(s->key, s->cap, sizeof(*s->key));
	}
	if (*added)
		memset(&s->key[id], 0, sizeof(s->key[id]));
	return &s->key[id];
}

/* ---- what each file holds --------------------------------------------- */

enum { K_TEXT, K_TIME, K_SEV, K_PRIO, K_STATUS };

struct col {
	const char *name;
	unsigned char required;
	unsigned char kind;
};

#define MAXCOLS 12
/* Rows per INSERT statement in the load (src/dbq.c groups them). */
#define LOAD_ROWS 32

/* Columns in the order of the insert statement's parameters. */
static const struct col incident_cols[] = {
	{"id", 1, K_TEXT}, {"title", 0, K_TEXT}, {"severity", 0, K_SEV},
	{"service", 0, K_TEXT}, {"team", 0, K_TEXT}, {"started_at", 1, K_TIME},
	{"detected_at", 0, K_TIME}, {"acknowledged_at", 0, K_TIME},
	{"mitigated_at", 0, K_TIME}, {"resolved_at", 0, K_TIME},
	{"review_at", 0, K_TIME}, {"summary", 0, K_TEXT}
};
enum { I_ID, I_TITLE, I_SEV, I_SERVICE, I_TEAM, I_STARTED, I_DETECTED, I_ACK,
       I_MITIGATED, I_RESOLVED, I_REVIEW, I_SUMMARY };

static const struct col factor_cols[] = {
	{"id", 0, K_TEXT}, {"incident_id", 1, K_TEXT}, {"category", 0, K_TEXT},
	{"text", 1, K_TEXT}
};
enum { F_ID, F_INCIDENT, F_CATEGORY, F_TEXT };

static const struct col action_cols[] = {
	{"id", 1, K_TEXT}, {"incident_id", 1, K_TEXT}, {"title", 0, K_TEXT},
	{"owner", 0, K_TEXT}, {"team", 0, K_TEXT}, {"priority", 0, K_PRIO},
	{"created_at", 1, K_TIME}, {"due_at", 0, K_TIME}, {"completed_at", 0, K_TIME},
	{"status", 0, K_STATUS}
};
enum { A_ID, A_INCIDENT, A_TITLE, A_OWNER, A_TEAM, A_PRIO, A_CREATED, A_DUE,
       A_COMPLETED, A_STATUS };

static const struct col responder_cols[] = {
	{"incident_id", 1, K_TEXT}, {"responder", 1, K_TEXT}, {"role", 0, K_TEXT},
	{"joined_at", 1, K_TIME}, {"left_at", 0, K_TIME}
};
enum { R_INCIDENT, R_RESPONDER, R_ROLE, R_JOINED, R_LEFT };

static const struct col page_cols[] = {
	{"responder", 1, K_TEXT}, {"paged_at", 1, K_TIME}, {"incident_id", 0, K_TEXT},
	{"urgency", 0, K_TEXT}
};
enum { P_RESPONDER, P_PAGED, P_INCIDENT, P_URGENCY };

static const struct col roster_cols[] = {
	{"responder", 1, K_TEXT}, {"team", 0, K_TEXT}, {"timezone", 0, K_TEXT}
};
enum { S_RESPONDER, S_TEAM, S_TIMEZONE };

static const struct col severity_cols[] = {
	{"word", 1, K_TEXT}, {"severity", 1, K_SEV}
};
enum { V_WORD, V_SEVERITY };

struct filespec {
	const char *name;
	const char *noun;      /* plural, then the singular after a '|' */
	const char *insert;
	const struct col *cols;
	int ncols;
};

#define SPEC(name, noun, insert, cols) {name, noun, insert, cols, (int)(sizeof(cols) / sizeof(cols[0]))}
static const struct filespec files[PIRX_CF_COUNT] = {
	SPEC("incidents.csv", "incidents|incident", "insert_incident", incident_cols),
	SPEC("factors.csv", "factors|factor", "insert_factor", factor_cols),
	SPEC("action_items.csv", "action items|action item", "insert_action_item", action_cols),
	SPEC("responders.csv", "responder rows|responder row", "insert_responder", responder_cols),
	SPEC("pages.csv", "pages|page", "insert_page", page_cols),
	SPEC("roster.csv", "roster entries|roster entry", "insert_roster", roster_cols),
};

/* The corpus's own severity words, read before incidents.csv; not a table. */
static const struct filespec severity_file =
	SPEC("severity.csv", "severity words|severity word", NULL, severity_cols);

const char *pirx_corpus_file_name(int file)
{
	return file >= 0 && file < PIRX_CF_COUNT ? files[file].name : "";
}

const char *pirx_corpus_file_noun(int file, long count)
{
	static char nouns[PIRX_CF_COUNT][2][32];
	const char *bar;

	if (file < 0 || file >= PIRX_CF_COUNT)
		return "";
	if (!nouns[file][0][0]) {
		bar = strchr(files[file].noun, '|');
		snprintf(nouns[file][0], sizeof(nouns[file][0]), "%.*s",
			 (int)(bar - files[file].noun), files[file].noun);
		snprintf(nouns[file][1], sizeof(nouns[file][1]), "%s", bar + 1);
	}
	return nouns[file][count == 1];
}

/* ---- the loader ------------------------------------------------------- */

struct cell {
	const char *s;   /* trimmed text (borrowed from the reader's row) */
	size_t n;        /* 0: empty, unknown */
	long line;       /* line the cell starts on */
	int64_t t;       /* K_TIME */
	int iv;          /* K_SEV */
	const char *word;/* K_PRIO, K_STATUS */
};

struct loader {
	const struct pirx_corpus_opts *o;
	struct pirx_corpus_stats *st;
	struct pirx_err *err;
	int fi;                      /* enum pirx_corpus_file */
	const struct filespec *fs;
	int *map;                    /* header column -> spec column or -1 */
	size_t nmap, mapcap;
	int seen_header;
	int stop;                    /* a fatal problem in this file */
	int io;                      /* a database error happened (err set) */
	int row_bad;
	long row_problems;
	const struct pirx_csv_row *row;
	struct cell cell[MAXCOLS];
	pirx_stmt *ins;
	pirx_stmt *ins_service;
	pirx_stmt *ins_rows;           /* L->ins for LOAD_ROWS rows at once */
	pirx_stmt *ins_service_rows;
	pirx_stmt *ins_dq;
	pirx_dbq *q;                 /* runs the inserts (on a second core) */
	struct idset incidents;
	struct idset ids;            /* the current file's own ids */
	pirx_vocab *vocab;           /* severity.csv's words, or NULL */
	const pirx_mapping *mapping; /* pirx-mapping.csv, or NULL */
	int use_map;                 /* the mapping applies to the current file */
	struct pirx_buf scratch;     /* default factor ids, rejects rows */
	struct pirx_buf scratch2;
};

static int writing(const struct loader *L)
{
	return L->o->db && !L->io && (L->o->skip_invalid || L->st->problems == 0);
}

char *pirx_corpus_quote(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0, i = 0;
	const size_t limit = 40;

	if (cap == 0)
		return out;
	while (i < n && o + 8 <= cap) {
		unsigned char c = (unsigned char)s[i];
		if (i >= limit) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c == '\n' || c == '\r' || c == '\t' || c == '\\') {
			out[o++] = '\\';
			out[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : '\\';
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
			i++;
		} else if (c < 0x80) {
			out[o++] = (char)c;
			i++;
		} else {
			size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
			if (i + k > n || pirx_utf8_check(s + i, k) >= 0) {
				o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
				i++;
			} else {
				memcpy(out + o, s + i, k);
				o += k;
				i += k;
			}
		}
	}
	out[o] = '\0';
	return out;
}

/* Completes a queued row. A failed insert (this one or an earlier one) sets
 * L->io; pirx_dbq_drain then fills L->err. */
static void end_row(struct loader *L)
{
	pirx_dbq_end(L->q);
	if (pirx_dbq_failed(L->q))
		L->io = 1;
}

/* Adds one data_quality row; a database failure is remembered in L->io. */
static void add_quality(struct loader *L, long line, const char *column,
			const char *problem, const char *kind)
{
	if (!L->ins_dq || L->io)
		return;
	pirx_dbq_row(L->q, L->ins_dq);
	pirx_dbq_text(L->q, L->fs->name, -1);
	pirx_dbq_int64(L->q, line);
	pirx_dbq_text(L->q, column ? column : "", -1);
	pirx_dbq_text(L->q, problem, -1);
	pirx_dbq_text(L->q, kind, -1);
	end_row(L);
}

/* Appends cell text to b, escaping what is not valid UTF-8 text. */
static void append_clean(struct pirx_buf *b, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (c == 0) {
			pirx_buf_append(b, "\\0", 2);
			i++;
		} else if (c < 0x80) {
			pirx_buf_append(b, s + i, 1);
			i++;
		} else if (i + k <= n && pirx_utf8_check(s + i, k) < 0) {
			pirx_buf_append(b, s + i, k);
			i += k;
		} else {
			pirx_buf_printf(b, "\\x%02x", c);
			i++;
		}
	}
}

/* The raw row re-joined as one line of CSV text (RFC 4180 quoting). */
static const char *raw_row(struct loader *L)
{
	const struct pirx_csv_row *r = L->row;
	struct pirx_buf *b = &L->scratch2;

	pirx_buf_reset(b);
	for (size_t i = 0; i < r->nfields; i++) {
		const char *s = r->field[i];
		size_t n = r->len[i];
		int quote = 0;
		if (i)
			pirx_buf_append(b, ",", 1);
		for (size_t j = 0; j < n && !quote; j++)
			quote = s[j] == ',' || s[j] == '"' || s[j] == '\n' || s[j] == '\r';
		if (!quote) {
			append_clean(b, s, n);
			continue;
		}
		pirx_buf_append(b, "\"", 1);
		for (;;) {
			const char *dq = memchr(s, '"', n);
			size_t k = dq ? (size_t)(dq - s) : n;
			append_clean(b, s, k);
			if (!dq)
				break;
			pirx_buf_append(b, "\"\"", 2);
			s += k + 1;
			n -= k + 1;
		}
		pirx_buf_append(b, "\"", 1);
	}
	return pirx_buf_str(b);
}

/*
 * Reports one problem of the current row (or of the file, when fatal).
 * column may be NULL for a problem with the whole row.
 */
static void problem(struct loader *L, long line, const char *column, int fatal,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void problem(struct loader *L, long line, const char *column, int fatal,
		    const char *fmt, ...)
{
	struct pirx_err e;
	va_list ap;

	pirx_err_set(&e, PIRX_EINPUT, L->fs->name, line, column, "%s", "");
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	L->st->problems++;
	if (fatal) {
		L->st->fatal = 1;
		L->stop = 1;
	} else {
		L->row_bad = 1;
	}
	if (L->o->hooks.problem)
		L->o->hooks.problem(L->o->hooks.ctx, &e);
	if (!fatal && L->o->skip_invalid && L->row) {
		if (L->o->db)
			add_quality(L, line, column, e.msg, "rejected");
		if (L->o->rejects) {
			pirx_csvw *w = L->o->rejects;
			pirx_csvw_text(w, L->fs->name);
			pirx_csvw_int(w, line);
			pirx_csvw_text(w, column ? column : "");
			pirx_csvw_text(w, e.msg);
			pirx_csvw_text(w, raw_row(L));
			pirx_csvw_end_row(w);
		}
	}
}

static void warning(struct loader *L, long line, const char *column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void warning(struct loader *L, long line, const char *column, const char *fmt, ...)
{
	struct pirx_err e;
	va_list ap;

	pirx_err_set(&e, 0, L->fs->name, line, column, "%s", "");
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	if (L->o->hooks.warning)
		L->o->hooks.warning(L->o->hooks.ctx, &e);
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

static int same_name(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n && b[i]; i++) {
		int c = (unsigned char)a[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != b[i])
			return 0;
	}
	return i == n && b[i] == '\0';
}

static void on_header(struct loader *L, const struct pirx_csv_row *r)
{
	int where[MAXCOLS];
	char q[200];

	L->seen_header = 1;
	if (r->bad_field >= 0) {
		problem(L, r->line, NULL, 1, "header row has %s in column %ld",
			strcmp(r->bad_reason, "NUL byte") == 0 ? "a NUL byte" : "invalid UTF-8",
			r->bad_field + 1);
		return;
	}
	for (int j = 0; j < L->fs->ncols; j++)
		where[j] = -1;
	if (r->nfields > L->mapcap) {
		L->mapcap = r->nfields;
		L->map = pirx_xreallocarray(L->map, L->mapcap, sizeof(*L->map));
	}
	L->nmap = r->nfields;
	for (size_t i = 0; i < r->nfields; i++) {
		const char *s = r->field[i];
		size_t n = r->len[i];
		const char *to = NULL, *name;
		size_t nn;
		int found = -1;

		trim(&s, &n);
		if (L->use_map)
			to = pirx_mapping_column(L->mapping, L->fs->name, s, n);
		name = to ? to : s;
		nn = to ? strlen(to) : n;
		L->map[i] = -1;
		if (to && !to[0])
			continue;   /* the mapping says: ignore it, quietly */
		for (int j = 0; j < L->fs->ncols; j++)
			if (same_name(name, nn, L->fs->cols[j].name))
				found = j;
		L->map[i] = found;
		if (found < 0) {
			if (to)
				warning(L, r->line, NULL, "column '%s' is mapped to '%s' (%s), which is not "
					"a column of this file; it is ignored",
					pirx_corpus_quote(s, n, q, sizeof(q)), to, PIRX_MAPPING_FILE);
			else if (n == 0)
				warning(L, r->line, NULL, "column %zu has no name; it is ignored", i + 1);
			else
				warning(L, r->line, NULL, "unknown column '%s' is ignored",
					pirx_corpus_quote(s, n, q, sizeof(q)));
			continue;
		}
		if (where[found] >= 0) {
			problem(L, r->line, L->fs->cols[found].name, 1,
				"column appears twice in the header (columns %d and %zu)",
				where[found] + 1, i + 1);
			L->map[i] = -1;
			continue;
		}
		where[found] = (int)i;
	}
	for (int j = 0; j < L->fs->ncols; j++)
		if (L->fs->cols[j].required && where[j] < 0)
			problem(L, r->line, L->fs->cols[j].name, 1,
				"required column is missing from the header");
}

/* Parses each cell by its kind; records problems. */
static void read_cells(struct loader *L, const struct pirx_csv_row *r)
{
	char q[200];

	for (int j = 0; j < L->fs->ncols; j++) {
		L->cell[j].s = "";
		L->cell[j].n = 0;
		L->cell[j].line = r->line;
		L->cell[j].word = NULL;
	}
	for (size_t i = 0; i < r->nfields && i < L->nmap; i++) {
		int j = L->map[i];
		if (j < 0)
			continue;
		L->cell[j].s = r->field[i];
		L->cell[j].n = r->len[i];
		L->cell[j].line = r->field_line[i];
		trim(&L->cell[j].s, &L->cell[j].n);
	}
	for (int j = 0; j < L->fs->ncols; j++) {
		const struct col *c = &L->fs->cols[j];
		struct cell *x = &L->cell[j];
		const char *why = NULL;
		int mapped = 0;

		if (L->use_map && x->n && (c->kind == K_SEV || c->kind == K_PRIO || c->kind == K_STATUS)) {
			int kind = c->kind == K_SEV ? PIRX_MAP_SEVERITY
				   : c->kind == K_PRIO ? PIRX_MAP_PRIORITY : PIRX_MAP_STATUS;
			const char *w = pirx_mapping_value(L->mapping, L->fs->name, kind, x->s, x->n);
			if (w) {
				/* Already pirx's normalized word, or "" for unknown. */
				x->s = w;
				x->n = strlen(w);
				mapped = 1;
			}
		}
		if (x->n == 0) {
			if (c->required)
				problem(L, x->line, c->name, 0, "is empty, but a value is required");
			continue;
		}
		switch (c->kind) {
		case K_TIME:
			if (pirx_time_parse(x->s, x->n, &x->t, &why) != 0)
				problem(L, x->line, c->name, 0, "cannot parse '%s' as a time (%s)",
					pirx_corpus_quote(x->s, x->n, q, sizeof(q)), why);
			break;
		case K_SEV:
			/* A mapped word is normalized: severity.csv must not redefine it. */
			x->iv = mapped ? pirx_vocab_severity(x->s, x->n)
				: pirx_vocab_severity_in(L->fi < 0 ? NULL : L->vocab, x->s, x->n);
			if (x->iv < 0)
				problem(L, x->line, c->name, 0, "cannot read '%s' as a severity (expected %s%s%s)",
					pirx_corpus_quote(x->s, x->n, q, sizeof(q)),
					pirx_vocab_severity_expected(),
					L->vocab && L->fi >= 0 ? ", or a word of severity.csv" : "",
					L->use_map && L->mapping ? ", or a rule in " PIRX_MAPPING_FILE : "");
			break;
		case K_PRIO:
			if (!(x->word = pirx_vocab_priority(x->s, x->n)))
				problem(L, x->line, c->name, 0, "cannot read '%s' as a priority (expected %s%s)",
					pirx_corpus_quote(x->s, x->n, q, sizeof(q)),
					pirx_vocab_priority_expected(),
					L->use_map && L->mapping ? ", or a rule in " PIRX_MAPPING_FILE : "");
			break;
		case K_STATUS:
			if (!(x->word = pirx_vocab_status(x->s, x->n)))
				problem(L, x->line, c->name, 0, "cannot read '%s' as a status (expected %s%s)",
					pirx_corpus_quote(x->s, x->n, q, sizeof(q)),
					pirx_vocab_status_expected(),
					L->use_map && L->mapping ? ", or a rule in " PIRX_MAPPING_FILE : "");
			break;
		default:
			break;
		}
	}
}

/* Checks that cell j names a valid incident. */
static void check_ref(struct loader *L, int j)
{
	struct cell *x = &L->cell[j];
	struct key *e;
	char q[200];

	if (x->n == 0)
		return;
	e = idset_find(&L->incidents, x->s, x->n);
	if (!e)
		problem(L, x->line, L->fs->cols[j].name, 0, "no incident '%s' in incidents.csv",
			pirx_corpus_quote(x->s, x->n, q, sizeof(q)));
	else if (!key_ok(e))
		problem(L, x->line, L->fs->cols[j].name, 0,
			"incident '%s' was rejected (incidents.csv:%ld)",
			pirx_corpus_quote(x->s, x->n, q, sizeof(q)), key_line(e));
}

/* Adds the id in cell j (or id[0..n)) to the file's set; repeats are problems. */
static void check_unique(struct loader *L, int j, const char *id, size_t n)
{
	struct key *e;
	int added;
	char q[200];

	e = idset_add(&L->ids, id, n, &added);
	if (added) {
		key_define(e, L->cell[j].line, !L->row_bad);
		return;
	}
	problem(L, L->cell[j].line, L->fs->cols[j].name, 0,
		"'%s' repeats; ids must be unique (first seen on line %ld)",
		pirx_corpus_quote(id, n, q, sizeof(q)), key_line(e));
}

/* A pair of times out of order: the row is kept, the pair noted. */
static void order(struct loader *L, int early, int late, const char *left_out)
{
	struct cell *a = &L->cell[early], *b = &L->cell[late];
	char msg[200];

	if (L->row_bad || a->n == 0 || b->n == 0 || b->t >= a->t)
		return;
	L->st->kept++;
	if (!writing(L))
		return;
	snprintf(msg, sizeof(msg), "%s is before %s; %s left out", L->fs->cols[late].name,
		 L->fs->cols[early].name, left_out);
	add_quality(L, b->line, L->fs->cols[late].name, msg, "kept");
}

/* Queues the row's insert: its cells in the statement's order, then the
 * line it came from. */
static void insert_row(struct loader *L)
{
	pirx_dbq *q = L->q;

	if (L->io)
		return;
	pirx_dbq_row(q, L->ins);
	for (int j = 0; j < L->fs->ncols; j++) {
		const struct cell *x = &L->cell[j];
		if (x->n == 0 && !x->word) {
			pirx_dbq_null(q);
			continue;
		}
		switch (L->fs->cols[j].kind) {
		case K_TIME:
			pirx_dbq_int64(q, x->t);
			break;
		case K_SEV:
			pirx_dbq_int64(q, x->iv);
			break;
		case K_PRIO:
		case K_STATUS:
			pirx_dbq_text(q, x->word, -1);
			break;
		default:
			pirx_dbq_text(q, x->s, (long)x->n);
			break;
		}
	}
	pirx_dbq_int64(q, L->row->line);
	end_row(L);
}

/* One row per distinct trimmed service of "a; b;c". */
static void insert_services(struct loader *L)
{
	const struct cell *id = &L->cell[I_ID], *sv = &L->cell[I_SERVICE];
	const char *p = sv->s, *end = sv->s + sv->n;

	while (p <= end && sv->n) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *stop = semi ? semi : end;
		const char *s = p;
		size_t n = (size_t)(stop - p);
		int dup = 0;

		trim(&s, &n);
		/* A repeated name within one cell is one service. */
		for (const char *r = sv->s; n && r < p && !dup;) {
			const char *rs = memchr(r, ';', (size_t)(p - r));
			const char *t = r;
			size_t tn = (size_t)((rs ? rs : p) - r);
			trim(&t, &tn);
			dup = tn == n && memcmp(t, s, n) == 0;
			r = rs ? rs + 1 : p;
		}
		if (n && !dup && !L->io) {
			pirx_dbq_row(L->q, L->ins_service);
			pirx_dbq_text(L->q, id->s, (long)id->n);
			pirx_dbq_text(L->q, s, (long)n);
			end_row(L);
		}
		if (!semi)
			break;
		p = semi + 1;
	}
}

static void on_incident(struct loader *L)
{
	struct cell *id = &L->cell[I_ID];
	struct key *e;
	int added;
	char q[200];

	if (id->n) {
		e = idset_add(&L->incidents, id->s, id->n, &added);
		if (!added)
			problem(L, id->line, "id", 0, "'%s' repeats; ids must be unique (first seen on line %ld)",
				pirx_corpus_quote(id->s, id->n, q, sizeof(q)), key_line(e));
		else {
			key_define(e, id->line, !L->row_bad);
		}
	}
	order(L, I_STARTED, I_DETECTED, "ttd");
	order(L, I_DETECTED, I_ACK, "tta");
	order(L, I_STARTED, I_MITIGATED, "ttm");
	order(L, I_STARTED, I_RESOLVED, "ttr");
	order(L, I_RESOLVED, I_REVIEW, "days to review");
	if (L->row_bad || !writing(L))
		return;
	insert_row(L);
	insert_services(L);
}

static void on_factor(struct loader *L)
{
	struct cell *id = &L->cell[F_ID], *inc = &L->cell[F_INCIDENT];
	struct key *e = inc->n ? idset_find(&L->incidents, inc->s, inc->n) : NULL;
	int n = e ? (int)++e->count : 0;

	check_ref(L, F_INCIDENT);
	if (id->n == 0 && e) {
		/* Default id: "<incident_id>#<n>", n = the row's place among the
		 * incident's factor rows, counted from 1 in file order. */
		pirx_buf_reset(&L->scratch);
		pirx_buf_append(&L->scratch, inc->s, inc->n);
		pirx_buf_printf(&L->scratch, "#%d", n);
		id->s = L->scratch.data;
		id->n = L->scratch.len;
	}
	if (id->n)
		check_unique(L, F_ID, id->s, id->n);
	if (L->row_bad || !writing(L))
		return;
	insert_row(L);
}

static void on_action(struct loader *L)
{
	struct cell *done = &L->cell[A_COMPLETED], *status = &L->cell[A_STATUS];

	check_ref(L, A_INCIDENT);
	if (L->cell[A_ID].n)
		check_unique(L, A_ID, L->cell[A_ID].s, L->cell[A_ID].n);
	/* A completion time means done; no status and no time means open. */
	if (done->n)
		status->word = "done";
	else if (!status->word)
		status->word = "open";
	order(L, A_CREATED, A_COMPLETED, "days to complete");
	if (L->row_bad || !writing(L))
		return;
	insert_row(L);
}

static void on_responder(struct loader *L)
{
	check_ref(L, R_INCIDENT);
	order(L, R_JOINED, R_LEFT, "engaged time");
	if (L->row_bad || !writing(L))
		return;
	insert_row(L);
}

static void on_page(struct loader *L)
{
	check_ref(L, P_INCIDENT);
	if (L->row_bad || !writing(L))
		return;
	insert_row(L);
}

static void on_roster(struct loader *L)
{
	struct cell *who = &L->cell[S_RESPONDER];

	if (who->n)
		check_unique(L, S_RESPONDER, who->s, who->n);
	if (L->row_bad || !writing(L))
		return;
	insert_row(L);
}

/* severity.csv: word,severity. Any problem in it is fatal: it changes the
 * meaning of every severity cell. */
static void on_severity_word(struct loader *L)
{
	const struct cell *w = &L->cell[V_WORD], *v = &L->cell[V_SEVERITY];
	char q[200];

	if (L->row_bad)
		return;
	if (!L->vocab)
		L->vocab = pirx_vocab_new();
	if (pirx_vocab_add_severity(L->vocab, w->s, w->n, v->iv) != 0)
		problem(L, w->line, "word", 0, "cannot use '%s' as a severity word (at most 63 bytes)",
			pirx_corpus_quote(w->s, w->n, q, sizeof(q)));
}

static int on_row(void *ctx, const struct pirx_csv_row *r)
{
	struct loader *L = ctx;

	if (r->index == 0) {
		on_header(L, r);
		return L->stop || L->io;
	}
	L->row = r;
	L->row_bad = 0;
	if (L->fi < 0) {
		if (r->bad_field >= 0 || r->nfields > L->nmap)
			problem(L, r->line, NULL, 0, "row is not valid UTF-8 or has more fields than the header");
		else {
			read_cells(L, r);
			on_severity_word(L);
		}
		L->row = NULL;
		return 0;
	}
	L->st->rows[L->fi]++;
	if (r->bad_field >= 0) {
		const char *col = (size_t)r->bad_field < L->nmap && L->map[r->bad_field] >= 0
				  ? L->fs->cols[L->map[r->bad_field]].name : NULL;
		char where[64] = "";
		if (!col)
			snprintf(where, sizeof(where), " (column %ld)", r->bad_field + 1);
		if (strcmp(r->bad_reason, "NUL byte") == 0)
			problem(L, r->field_line[r->bad_field], col, 0,
				"contains a NUL byte%s; cells must be UTF-8 text", where);
		else
			problem(L, r->field_line[r->bad_field], col, 0,
				"is not valid UTF-8%s; save the file as UTF-8", where);
	} else if (r->nfields > L->nmap) {
		problem(L, r->line, NULL, 0, "row has %zu fields, but the header has %zu",
			r->nfields, L->nmap);
	} else {
		read_cells(L, r);
		switch (L->fi) {
		case PIRX_CF_INCIDENTS: on_incident(L); break;
		case PIRX_CF_FACTORS: on_factor(L); break;
		case PIRX_CF_ACTION_ITEMS: on_action(L); break;
		case PIRX_CF_RESPONDERS: on_responder(L); break;
		case PIRX_CF_PAGES: on_page(L); break;
		default: on_roster(L); break;
		}
	}
	if (L->row_bad) {
		L->st->bad_rows++;
		L->st->rejected[L->fi]++;
	} else {
		L->st->loaded[L->fi]++;
	}
	L->row = NULL;
	return L->io;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Prepares the insert `name` for one row (*one) and for LOAD_ROWS rows
 * (*many), and lets the queue run its rows LOAD_ROWS at a time: at 100k
 * incidents that takes a third off SQLite's insert time.
 */
static int prepare_insert(struct loader *L, const char *name, pirx_stmt **one, pirx_stmt **many)
{
	int rc;

	if ((rc = pirx_db_prepare(L->o->db, name, one, L->err)) != 0 ||
	    (rc = pirx_db_prepare_rows(L->o->db, name, LOAD_ROWS, many, L->err)) != 0)
		return rc;
	if (pirx_dbq_group(L->q, *one, *many, LOAD_ROWS) != 0)
		return pirx_err_set(L->err, PIRX_EUSAGE, NULL, 0, NULL,
				    "cannot group the rows of '%s'", name);
	return 0;
}

/* Reads one file; 0, or PIRX_EIO with L->err set. */
static int read_file(struct loader *L, const char *dir)
{
	char *path = pirx_fs_join(dir, L->fs->name);
	FILE *fp = fopen(path, "rb");
	double t0 = now_seconds();
	struct pirx_err cerr, qerr;
	int rc = 0;

	L->seen_header = 0;
	L->stop = 0;
	L->nmap = 0;
	pirx_err_clear(&cerr);
	if (!fp) {
		if (errno == ENOENT) {
			if (L->fi == PIRX_CF_INCIDENTS && L->fs != &severity_file)
				problem(L, 0, NULL, 1, "file is missing (a corpus needs incidents.csv)");
		} else {
			rc = pirx_err_set(L->err, PIRX_EIO, L->fs->name, 0, NULL, "cannot open: %s",
					  strerror(errno));
		}
		goto out;
	}
	if (L->fi >= 0)
		L->st->present[L->fi] = 1;
	if (L->o->db && L->fs->insert &&
	    (rc = prepare_insert(L, L->fs->insert, &L->ins, &L->ins_rows)) != 0)
		goto out;
	rc = pirx_csv_read_stream(fp, L->fs->name, on_row, L, &cerr);
	if (L->q && pirx_dbq_drain(L->q, L->err) != 0)
		L->io = 1;
	if (L->io) {
		rc = PIRX_EIO;
		goto out;
	}
	if (rc == PIRX_EIO) {
		*L->err = cerr;
		goto out;
	}
	rc = 0;
	if (cerr.code == PIRX_EINPUT) {
		/* Malformed CSV: the rest of the file cannot be located. */
		L->row = NULL;
		problem(L, cerr.line, NULL, 1, "%s", cerr.msg);
	} else if (!L->seen_header) {
		problem(L, 1, NULL, 1, "file is empty (expected a header row naming the columns)");
	}
	if (L->o->hooks.file_done && L->fi >= 0)
		L->o->hooks.file_done(L->o->hooks.ctx, L->fs->name, L->st->rows[L->fi],
				      now_seconds() - t0);
out:
	/* The problems above may have queued data_quality rows; the next file
	 * prepares its statement on the same connection. */
	if (L->q && pirx_dbq_drain(L->q, &qerr) != 0 && rc == 0) {
		*L->err = qerr;
		rc = PIRX_EIO;
	}
	if (fp)
		fclose(fp);
	if (L->q)
		pirx_dbq_group(L->q, L->ins, NULL, 0);
	pirx_stmt_finalize(L->ins);
	pirx_stmt_finalize(L->ins_rows);
	L->ins = NULL;
	L->ins_rows = NULL;
	free(path);
	return rc;
}

static int record_files(struct loader *L)
{
	pirx_stmt *st = NULL;
	int rc;

	if ((rc = pirx_db_prepare(L->o->db, "insert_corpus_file", &st, L->err)) != 0)
		return rc;
	for (int f = 0; f < PIRX_CF_COUNT && rc == 0; f++) {
		if (!L->st->present[f])
			continue;
		pirx_stmt_bind_text(st, 1, files[f].name, -1);
		pirx_stmt_bind_int64(st, 2, L->st->loaded[f]);
		pirx_stmt_bind_int64(st, 3, L->st->rejected[f]);
		if (pirx_stmt_step(st, L->err) < 0)
			rc = PIRX_EIO;
		pirx_stmt_reset(st);
	}
	pirx_stmt_finalize(st);
	return rc;
}

/*
 * Reads the CSV files of dir; with conv set, incidents.csv, factors.csv
 * and action_items.csv come from conv (converted reviews, already in
 * pirx's words: the mapping is not applied to them again, and severity.csv
 * is not read) and the other files from dir. m may be NULL.
 */
static int load_csv(const char *dir, const char *conv, const pirx_mapping *m,
		    const struct pirx_corpus_opts *opts, struct pirx_corpus_stats *stats,
		    struct pirx_err *err)
{
	struct loader L;
	const char *jobs;
	int rc = PIRX_EIO;
	int began = 0;

	memset(&L, 0, sizeof(L));
	L.o = opts;
	L.st = stats;
	L.err = err;
	L.mapping = m;
	idset_init(&L.incidents);
	idset_init(&L.ids);
	pirx_buf_init(&L.scratch);
	pirx_buf_init(&L.scratch2);

	if (opts->rejects)
		pirx_csvw_header(opts->rejects, "file,line,column,problem,row");
	if (opts->db) {
		if ((rc = pirx_db_run_script(opts->db, "schema", err)) != 0)
			goto out;
		if ((rc = pirx_db_begin(opts->db, err)) != 0)
			goto out;
		began = 1;
		/* PIRX_LOAD_JOBS=1: every insert in this thread (profiling, one core). */
		jobs = getenv("PIRX_LOAD_JOBS");
		L.q = pirx_dbq_new(!(jobs && strcmp(jobs, "1") == 0));
		if ((rc = prepare_insert(&L, "insert_incident_service", &L.ins_service,
					 &L.ins_service_rows)) ||
		    (rc = pirx_db_prepare(opts->db, "insert_data_quality", &L.ins_dq, err)))
			goto out;
	}
	L.fi = -1;
	L.fs = &severity_file;
	if (!conv && (rc = read_file(&L, dir)) != 0)
		goto out;
	if (stats->problems) {
		stats->fatal = 1;
		goto invalid;
	}
	for (int f = 0; f < PIRX_CF_COUNT; f++) {
		L.fi = f;
		L.fs = &files[f];
		idset_clear(&L.ids);
		L.use_map = m && !(conv && f <= PIRX_CF_ACTION_ITEMS);
		if ((rc = read_file(&L, conv && f <= PIRX_CF_ACTION_ITEMS ? conv : dir)) != 0)
			goto out;
		/* Without the incidents every reference would look dangling. */
		if (f == PIRX_CF_INCIDENTS && stats->fatal)
			break;
	}
invalid:
	if (stats->problems && (!opts->skip_invalid || stats->fatal)) {
		char rows[64] = "";
		if (stats->bad_rows)
			snprintf(rows, sizeof(rows), " in %ld row%s", stats->bad_rows,
				 stats->bad_rows == 1 ? "" : "s");
		rc = pirx_err_set(err, PIRX_EINPUT, NULL, 0, NULL, "corpus is invalid: %ld problem%s%s",
				  stats->problems, stats->problems == 1 ? "" : "s", rows);
		goto out;
	}
	if (opts->db) {
		if ((rc = record_files(&L)) != 0)
			goto out;
		if ((rc = pirx_db_run_script(opts->db, "indexes", err)) != 0)
			goto out;
		if ((rc = pirx_db_commit(opts->db, err)) != 0)
			goto out;
		began = 0;
	}
	rc = 0;
out:
	pirx_dbq_free(L.q);
	pirx_stmt_finalize(L.ins_service);
	pirx_stmt_finalize(L.ins_service_rows);
	pirx_stmt_finalize(L.ins_dq);
	if (began)
		pirx_db_rollback(opts->db);
	idset_release(&L.incidents);
	idset_release(&L.ids);
	pirx_vocab_free(L.vocab);
	pirx_buf_release(&L.scratch);
	pirx_buf_release(&L.scratch2);
	free(L.map);
	return rc;
}

/* ---- mapping file and folders of reviews ------------------------------- */

/* Reads dir's pirx-mapping.csv into *m (NULL when there is none). A bad
 * rule is a fatal problem of the corpus, located in the mapping file. */
static int read_mapping(const char *dir, const struct pirx_corpus_opts *opts,
			struct pirx_corpus_stats *stats, pirx_mapping **m, struct pirx_err *err)
{
	struct pirx_err e;
	int rc;

	pirx_err_clear(&e);
	rc = pirx_mapping_load_dir(dir, m, &e);
	if (rc == 0)
		return 0;
	if (rc != PIRX_EINPUT) {
		*err = e;
		return rc;
	}
	/* Name the file as the loader names incidents.csv: inside the corpus. */
	snprintf(e.file, sizeof(e.file), "%s", PIRX_MAPPING_FILE);
	stats->problems++;
	stats->fatal = 1;
	if (opts->hooks.problem)
		opts->hooks.problem(opts->hooks.ctx, &e);
	return pirx_err_set(err, PIRX_EINPUT, NULL, 0, NULL, "corpus is invalid: 1 problem in %s",
			    PIRX_MAPPING_FILE);
}

struct fwd {
	const struct pirx_corpus_opts *o;
	struct pirx_corpus_stats *st;
	const char *dir;
};

/* The review converter names "DIR/x.md"; the loader names files inside
 * the corpus ("incidents.csv"), so the review becomes "x.md". */
static void relocate(const struct fwd *F, const struct pirx_err *in, struct pirx_err *out)
{
	size_t n = strlen(F->dir);
	const char *f = in->file;

	*out = *in;
	if (n && strncmp(f, F->dir, n) == 0 && (f[n] == '/' || F->dir[n - 1] == '/')) {
		f += n;
		while (*f == '/')
			f++;
		memmove(out->file, f, strlen(f) + 1);
	}
}

static void fwd_problem(void *ctx, const struct pirx_err *e)
{
	struct fwd *F = ctx;
	struct pirx_err r;

	relocate(F, e, &r);
	F->st->problems++;
	if (F->o->hooks.problem)
		F->o->hooks.problem(F->o->hooks.ctx, &r);
}

static void fwd_warning(void *ctx, const struct pirx_err *e)
{
	struct fwd *F = ctx;
	struct pirx_err r;

	relocate(F, e, &r);
	if (F->o->hooks.warning)
		F->o->hooks.warning(F->o->hooks.ctx, &r);
}

/*
 * Converts the reviews of dir into a new scratch directory *conv (under
 * $TMPDIR or /tmp; set even on failure, the caller removes it). Problems
 * of the reviews are fatal: a review is a whole incident, not a row to skip.
 */
static int convert_reviews(const char *dir, const pirx_mapping *m,
			   const struct pirx_corpus_opts *opts, struct pirx_corpus_stats *stats,
			   char **conv, struct pirx_err *err)
{
	static const char *const unused[] = {"severity.csv", "factors.csv", "action_items.csv"};
	static const char *const why[] = {
		"severity words of a folder of reviews go in " PIRX_MAPPING_FILE " (kind severity)",
		"factors come from the reviews' contributing factors",
		"action items come from the reviews' action-item tables",
	};
	const char *tmp = getenv("TMPDIR");
	struct pirx_import_opts io;
	struct pirx_import_stats ist;
	struct fwd F = {opts, stats, dir};
	struct pirx_err e;
	int rc;

	*conv = pirx_fs_scratch_name(tmp && tmp[0] ? tmp : "/tmp", "pirx-reviews-");
	if (!mkdtemp(*conv)) {
		rc = pirx_err_set(err, PIRX_EIO, *conv, 0, NULL,
				  "cannot create a scratch directory for the reviews: %s", strerror(errno));
		free(*conv);
		*conv = NULL;
		return rc;
	}
	for (size_t i = 0; i < sizeof(unused) / sizeof(unused[0]); i++) {
		char *path = pirx_fs_join(dir, unused[i]);
		if (pirx_fs_exists(path) && opts->hooks.warning) {
			pirx_err_set(&e, 0, unused[i], 0, NULL, "is ignored in a folder of reviews: %s",
				     why[i]);
			opts->hooks.warning(opts->hooks.ctx, &e);
		}
		free(path);
	}
	memset(&io, 0, sizeof(io));
	io.mapping = m;
	io.hooks.ctx = &F;
	io.hooks.problem = fwd_problem;
	io.hooks.warning = fwd_warning;
	pirx_err_clear(&e);
	rc = pirx_mdreview_convert_dir(dir, *conv, &io, &ist, &e);
	if (rc == PIRX_EINPUT) {
		stats->fatal = 1;
		return pirx_err_set(err, PIRX_EINPUT, NULL, 0, NULL,
				    "corpus is invalid: %ld problem%s in the reviews", stats->problems,
				    stats->problems == 1 ? "" : "s");
	}
	if (rc != 0)
		*err = e;
	return rc;
}

int pirx_corpus_load(const char *dir, const struct pirx_corpus_opts *opts,
		     struct pirx_corpus_stats *stats, struct pirx_err *err)
{
	pirx_mapping *m = NULL;
	char *conv = NULL;
	int rc;

	memset(stats, 0, sizeof(*stats));
	if (!pirx_fs_is_dir(dir)) {
		stats->fatal = 1;
		stats->problems = 1;
		return pirx_err_set(err, PIRX_EINPUT, dir, 0, NULL, "%s",
				    pirx_fs_exists(dir) ? "not a directory; expected a corpus directory"
							: "no such corpus directory");
	}
	if ((rc = read_mapping(dir, opts, stats, &m, err)) != 0)
		goto out;
	/* incidents.csv makes a CSV corpus; without it, *.md files make a
	 * folder of reviews (mdreview.h). */
	if (pirx_mdreview_is_review_dir(dir) &&
	    (rc = convert_reviews(dir, m, opts, stats, &conv, err)) != 0)
		goto out;
	rc = load_csv(dir, conv, m, opts, stats, err);
out:
	if (conv) {
		pirx_fs_rmtree(conv);
		free(conv);
	}
	pirx_mapping_free(m);
	return rc;
}
