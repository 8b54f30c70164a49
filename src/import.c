/*
 * import: the vendors' exports, column by column. Each vendor is a table of
 * the column names its CSV export uses (aliases, matched case-insensitively
 * with ' ', '_' and '-' taken as equal) for the fields pirx needs, and a row
 * function that turns one export row into corpus rows. Repeated columns
 * (Jira's Labels, Component/s) are all kept. Times are parsed here
 * (pirx_import_time) because the exports write them in forms timefmt does
 * not accept; everything written out is RFC 3339 UTC. Markdown reviews are
 * mdreview's; this module only dispatches to it.
 */
#include "pirx/import.h"

#include <errno.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "pirx/csvio.h"
#include "pirx/fsutil.h"
#include "pirx/mdreview.h"
#include "pirx/mem.h"
#include "pirx/timefmt.h"
#include "pirx/vocab.h"

static const char *const kind_names[PIRX_IMPORT_KIND_COUNT] = {
	"pagerduty", "incidentio", "jira", "markdown"
};

static const char *const file_names[PIRX_IF_COUNT] = {
	"incidents.csv", "factors.csv", "action_items.csv", "responders.csv"
};

static const char *const file_headers[PIRX_IF_COUNT] = {
	"id,title,severity,service,team,started_at,detected_at,acknowledged_at,"
	"mitigated_at,resolved_at,review_at,summary",
	"id,incident_id,category,text",
	"id,incident_id,title,owner,team,priority,created_at,due_at,completed_at,status",
	"incident_id,responder,role,joined_at,left_at",
};

int pirx_import_kind_parse(const char *name)
{
	if (!name)
		return -1;
	for (int k = 0; k < PIRX_IMPORT_KIND_COUNT; k++)
		if (strcasecmp(name, kind_names[k]) == 0)
			return k;
	if (strcasecmp(name, "incident.io") == 0 || strcasecmp(name, "incident-io") == 0)
		return PIRX_IMPORT_INCIDENTIO;
	return -1;
}

const char *pirx_import_kind_name(int kind)
{
	return kind >= 0 && kind < PIRX_IMPORT_KIND_COUNT ? kind_names[kind] : NULL;
}

const char *pirx_import_file_name(int file)
{
	return file >= 0 && file < PIRX_IF_COUNT ? file_names[file] : NULL;
}

/* ---- words ------------------------------------------------------------ */

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

static int word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

static const struct {
	const char *word;
	int sev;
} extra_sev[] = {
	{"highest", 1}, {"blocker", 1}, {"urgent", 1}, {"lowest", 5}, {"trivial", 5},
};

int pirx_import_severity(const char *s, size_t n)
{
	int v;

	trim(&s, &n);
	if (n == 0)
		return -1;
	if ((v = pirx_vocab_severity(s, n)) > 0)
		return v;
	for (size_t i = 0; i < sizeof(extra_sev) / sizeof(extra_sev[0]); i++)
		if (word_is(s, n, extra_sev[i].word))
			return extra_sev[i].sev;
	return -1;
}

const char *pirx_import_priority(const char *s, size_t n)
{
	const char *w;

	trim(&s, &n);
	if (n == 0)
		return NULL;
	if ((w = pirx_vocab_priority(s, n)))
		return w;
	if (word_is(s, n, "urgent") || word_is(s, n, "high") || word_is(s, n, "highest") ||
	    word_is(s, n, "critical"))
		return "must-fix";
	if (word_is(s, n, "medium") || word_is(s, n, "normal"))
		return "should-fix";
	if (word_is(s, n, "low") || word_is(s, n, "lowest"))
		return "nice-to-have";
	return NULL;
}

const char *pirx_import_status(const char *s, size_t n)
{
	static const char *const open[] = {"outstanding", "to do", "todo", "in progress", "backlog", "new"};
	static const char *const done[] = {"completed", "complete", "closed", "resolved", "fixed"};
	static const char *const gone[] = {"not doing", "won't do", "wont do", "deleted", "declined",
					   "canceled", "obsolete"};
	const char *w;

	trim(&s, &n);
	if (n == 0)
		return NULL;
	if ((w = pirx_vocab_status(s, n)))
		return w;
	for (size_t i = 0; i < sizeof(open) / sizeof(open[0]); i++)
		if (word_is(s, n, open[i]))
			return "open";
	for (size_t i = 0; i < sizeof(done) / sizeof(done[0]); i++)
		if (word_is(s, n, done[i]))
			return "done";
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		if (word_is(s, n, gone[i]))
			return "cancelled";
	return NULL;
}

/* ---- times ------------------------------------------------------------ */

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Jira: "dd/Mon/yy h:mm AM", "dd/Mon/yyyy hh:mm", optional ":ss". */
static int jira_time(const char *s, size_t n, int64_t *out, int *has_offset, const char **why)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	size_t i = 0, k;
	int day, mon = -1, year, hour, min, sec = 0;

	*has_offset = 0;
	for (k = 0; i + k < n && s[i + k] >= '0' && s[i + k] <= '9'; k++)
		;
	if (k < 1 || k > 2 || i + k >= n || s[i + k] != '/')
		return -1;
	day = num(s, k);
	i += k + 1;
	if (i + 4 > n || s[i + 3] != '/')
		return -1;
	for (int m = 0; m < 12; m++)
		if (strncasecmp(s + i, months + 3 * m, 3) == 0)
			mon = m + 1;
	if (mon < 0) {
		*why = "unknown month name";
		return -2;
	}
	i += 4;
	for (k = 0; i + k < n && s[i + k] >= '0' && s[i + k] <= '9'; k++)
		;
	if (k != 2 && k != 4)
		return -1;
	year = num(s + i, k);
	if (k == 2)
		year += 2000;
	i += k;
	if (i >= n || s[i] != ' ')
		return -1;
	while (i < n && s[i] == ' ')
		i++;
	for (k = 0; i + k < n && s[i + k] >= '0' && s[i + k] <= '9'; k++)
		;
	if (k < 1 || k > 2 || i + k + 3 > n || s[i + k] != ':' || !digits(s + i + k + 1, 2))
		return -1;
	hour = num(s + i, k);
	min = num(s + i + k + 1, 2);
	i += k + 3;
	if (i + 3 <= n && s[i] == ':' && digits(s + i + 1, 2)) {
		sec = num(s + i + 1, 2);
		i += 3;
	}
	while (i < n && s[i] == ' ')
		i++;
	if (i < n) {
		int pm;
		if (n - i != 2 || (s[i + 1] != 'M' && s[i + 1] != 'm'))
			return -1;
		if (s[i] == 'P' || s[i] == 'p')
			pm = 1;
		else if (s[i] == 'A' || s[i] == 'a')
			pm = 0;
		else
			return -1;
		if (hour < 1 || hour > 12) {
			*why = "hour is out of range for a 12-hour clock";
			return -2;
		}
		hour = hour % 12 + (pm ? 12 : 0);
	}
	if (day < 1 || day > pirx_days_in_month(year, mon)) {
		*why = "day is out of range for the month";
		return -2;
	}
	if (hour > 23 || min > 59 || sec > 59) {
		*why = "time of day is out of range";
		return -2;
	}
	*out = pirx_days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
	return 0;
}

int pirx_import_is_date(const char *s, size_t n)
{
	trim(&s, &n);
	return n == 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' && digits(s + 8, 2);
}

int pirx_import_time(const char *s, size_t n, int offset_min, int64_t *out, const char **why)
{
	char b[80];
	size_t m;
	int has_offset = 0, rc;

	*why = "expected a time such as 2024-03-01T12:34:56Z, "
	       "2024-03-01 12:34:56 +0000 or 01/Mar/24 12:34 PM";
	trim(&s, &n);
	if (n == 0 || n >= sizeof(b) - 4)
		return -1;
	rc = jira_time(s, n, out, &has_offset, why);
	if (rc == -2)
		return -1;
	if (rc == 0) {
		*out -= (int64_t)offset_min * 60;
		return 0;
	}
	memcpy(b, s, n);
	m = n;
	b[m] = '\0';
	if (pirx_import_is_date(b, m)) {
		memcpy(b + m, "T00:00", 7);
		m += 6;
	}
	/* " UTC" / " GMT" (Go's default format ends "+0000 UTC"). */
	if (m > 4 && (strcasecmp(b + m - 4, " UTC") == 0 || strcasecmp(b + m - 4, " GMT") == 0)) {
		m -= 4;
		while (m && b[m - 1] == ' ')
			m--;
		b[m] = '\0';
		if (!(m > 5 && (b[m - 5] == '+' || b[m - 5] == '-')) &&
		    !(m > 6 && (b[m - 6] == '+' || b[m - 6] == '-') && b[m - 3] == ':')) {
			b[m++] = 'Z';
			b[m] = '\0';
		}
	}
	/* "+0000" -> "+00:00", and no blank before an offset or a Z. */
	if (m > 16 && (b[m - 5] == '+' || b[m - 5] == '-') && digits(b + m - 4, 4)) {
		memmove(b + m - 1, b + m - 2, 3);
		b[m - 2] = ':';
		m++;
		b[m] = '\0';
	}
	if (m > 17 && (b[m - 6] == '+' || b[m - 6] == '-') && b[m - 7] == ' ') {
		memmove(b + m - 7, b + m - 6, 7);
		m--;
	}
	if (m > 17 && (b[m - 1] == 'Z' || b[m - 1] == 'z') && b[m - 2] == ' ') {
		b[m - 2] = 'Z';
		b[--m] = '\0';
	}
	if (m > 10) {
		const char *t = b + 10;
		has_offset = strchr(t, 'Z') || strchr(t, 'z') || strchr(t, '+') || strchr(t, '-');
	}
	if (pirx_time_parse(b, m, out, why) != 0) {
		if (m >= 10 && b[4] == '-' && b[7] == '-')
			return -1;    /* keep timefmt's reason for ISO-looking text */
		*why = "expected a time such as 2024-03-01T12:34:56Z, "
		       "2024-03-01 12:34:56 +0000 or 01/Mar/24 12:34 PM";
		return -1;
	}
	if (!has_offset)
		*out -= (int64_t)offset_min * 60;
	return 0;
}

/* ---- vendor tables ---------------------------------------------------- */

enum field {
	F_ID, F_REF, F_NUMBER, F_TITLE, F_SUMMARY, F_SEVERITY, F_PRIORITY, F_URGENCY,
	F_SERVICE, F_TEAM, F_IMPACT_START, F_CREATED, F_REPORTED, F_ACK, F_ACK_SECS,
	F_MITIGATED, F_RESOLVED, F_RESOLVE_SECS, F_REVIEW, F_STATUS, F_ASSIGNED, F_LEAD,
	F_LABELS, F_ROOT_CAUSE,
	/* follow-ups */
	F_INCIDENT, F_OWNER, F_DUE, F_COMPLETED,
	F_COUNT
};

struct alias {
	int field;
	const char *name;
};

static const struct alias pagerduty_cols[] = {
	{F_ID, "id"}, {F_ID, "incident id"},
	{F_NUMBER, "incident_number"}, {F_NUMBER, "number"},
	{F_TITLE, "title"}, {F_TITLE, "incident title"}, {F_TITLE, "description"},
	{F_SUMMARY, "summary"},
	{F_PRIORITY, "priority"}, {F_PRIORITY, "priority_name"},
	{F_URGENCY, "urgency"},
	{F_SERVICE, "service_name"}, {F_SERVICE, "service"},
	{F_TEAM, "team_name"}, {F_TEAM, "team"}, {F_TEAM, "team_names"}, {F_TEAM, "teams"},
	{F_CREATED, "created_on"}, {F_CREATED, "created_at"}, {F_CREATED, "created"},
	{F_ACK, "acknowledged_on"}, {F_ACK, "acknowledged_at"}, {F_ACK, "first_acknowledged_on"},
	{F_ACK, "first_ack_at"},
	{F_ACK_SECS, "seconds_to_first_ack"},
	{F_RESOLVED, "resolved_on"}, {F_RESOLVED, "resolved_at"}, {F_RESOLVED, "resolved"},
	{F_RESOLVE_SECS, "seconds_to_resolve"},
	{F_STATUS, "status"},
	{F_ASSIGNED, "assigned_to_user_names"}, {F_ASSIGNED, "assigned_to"},
	{F_ASSIGNED, "assigned to"}, {F_ASSIGNED, "assignees"},
	{-1, NULL}
};

static const struct alias incidentio_cols[] = {
	{F_REF, "reference"}, {F_ID, "id"},
	{F_TITLE, "name"}, {F_TITLE, "title"},
	{F_SUMMARY, "summary"},
	{F_SEVERITY, "severity"},
	{F_SERVICE, "affected services"}, {F_SERVICE, "affected service"}, {F_SERVICE, "services"},
	{F_SERVICE, "service"},
	{F_TEAM, "team"}, {F_TEAM, "teams"}, {F_TEAM, "owning team"}, {F_TEAM, "affected teams"},
	{F_IMPACT_START, "impact started at"}, {F_IMPACT_START, "impact start"},
	{F_IMPACT_START, "impact started"},
	{F_REPORTED, "reported at"}, {F_REPORTED, "reported"},
	{F_CREATED, "created at"}, {F_CREATED, "created"},
	{F_ACK, "accepted at"}, {F_ACK, "acknowledged at"},
	{F_MITIGATED, "fixed at"}, {F_MITIGATED, "mitigated at"}, {F_MITIGATED, "stabilized at"},
	{F_RESOLVED, "resolved at"}, {F_RESOLVED, "closed at"},
	{F_REVIEW, "postmortem completed at"}, {F_REVIEW, "post-incident completed at"},
	{F_REVIEW, "postmortem published at"},
	{F_STATUS, "status"},
	{F_LEAD, "incident lead"}, {F_LEAD, "lead"},
	{-1, NULL}
};

static const struct alias followup_cols[] = {
	{F_ID, "id"},
	{F_INCIDENT, "incident reference"}, {F_INCIDENT, "incident"}, {F_INCIDENT, "incident id"},
	{F_TITLE, "title"}, {F_TITLE, "name"},
	{F_OWNER, "assignee"}, {F_OWNER, "owner"},
	{F_TEAM, "team"},
	{F_PRIORITY, "priority"},
	{F_STATUS, "status"},
	{F_CREATED, "created at"}, {F_CREATED, "created"},
	{F_DUE, "due date"}, {F_DUE, "due at"}, {F_DUE, "due"},
	{F_COMPLETED, "completed at"}, {F_COMPLETED, "completed"},
	{-1, NULL}
};

static const struct alias jira_cols[] = {
	{F_ID, "issue key"},
	{F_TITLE, "summary"},
	{F_SUMMARY, "description"},
	{F_SEVERITY, "custom field (severity)"}, {F_SEVERITY, "custom field (incident severity)"},
	{F_SEVERITY, "severity"},
	{F_PRIORITY, "priority"},
	{F_SERVICE, "component/s"}, {F_SERVICE, "components"},
	{F_SERVICE, "custom field (affected services)"}, {F_SERVICE, "custom field (service)"},
	{F_TEAM, "custom field (team)"}, {F_TEAM, "team"},
	{F_IMPACT_START, "custom field (impact start)"}, {F_IMPACT_START, "custom field (incident start)"},
	{F_IMPACT_START, "custom field (impact started)"},
	{F_CREATED, "created"},
	{F_ACK, "custom field (acknowledged)"}, {F_ACK, "custom field (acknowledged at)"},
	{F_MITIGATED, "custom field (impact end)"}, {F_MITIGATED, "custom field (mitigated)"},
	{F_MITIGATED, "custom field (mitigated at)"},
	{F_RESOLVED, "resolved"},
	{F_REVIEW, "custom field (postmortem date)"}, {F_REVIEW, "custom field (review date)"},
	{F_ASSIGNED, "assignee"},
	{F_LABELS, "labels"},
	{F_ROOT_CAUSE, "custom field (root cause)"}, {F_ROOT_CAUSE, "custom field (contributing factors)"},
	{-1, NULL}
};

/* ---- the importer ----------------------------------------------------- */

struct strset {
	char **key;
	char **val;
	size_t cap, n;
};

static unsigned long hash(const char *s)
{
	unsigned long h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* Returns the slot of key (an empty slot when absent). */
static size_t set_slot(const struct strset *S, const char *key)
{
	size_t i = hash(key) & (S->cap - 1);
	while (S->key[i] && strcmp(S->key[i], key) != 0)
		i = (i + 1) & (S->cap - 1);
	return i;
}

static const char *set_get(const struct strset *S, const char *key)
{
	size_t i;
	if (!S->cap)
		return NULL;
	i = set_slot(S, key);
	return S->key[i] ? S->val[i] : NULL;
}

/* Adds key -> val; returns 0, or 1 when key was already there. */
static int set_put(struct strset *S, const char *key, const char *val)
{
	size_t i;

	if (2 * (S->n + 1) > S->cap) {
		struct strset T = {0};
		T.cap = S->cap ? 2 * S->cap : 64;
		T.key = pirx_xcalloc(T.cap, sizeof(char *));
		T.val = pirx_xcalloc(T.cap, sizeof(char *));
		for (size_t j = 0; j < S->cap; j++)
			if (S->key[j]) {
				size_t k = set_slot(&T, S->key[j]);
				T.key[k] = S->key[j];
				T.val[k] = S->val[j];
				T.n++;
			}
		free(S->key);
		free(S->val);
		*S = T;
	}
	i = set_slot(S, key);
	if (S->key[i])
		return 1;
	S->key[i] = pirx_xstrdup(key);
	S->val[i] = pirx_xstrdup(val ? val : "");
	S->n++;
	return 0;
}

static void set_free(struct strset *S)
{
	for (size_t i = 0; i < S->cap; i++) {
		free(S->key[i]);
		free(S->val[i]);
	}
	free(S->key);
	free(S->val);
	memset(S, 0, sizeof(*S));
}

struct item {
	const char *s;
	size_t n;
	long line;
	const char *col;   /* the header name as written */
};

#define MAX_ITEMS 64

struct imp {
	const struct pirx_import_opts *o;
	struct pirx_import_stats *st;
	struct pirx_err *err;
	int kind;
	const char *src;            /* the file being read, for messages */
	const char *dir;
	const struct alias *al;
	int followups;              /* reading the follow-ups export */
	/* header */
	int seen_header;
	size_t nfields;
	int *fmap;                  /* header index -> field or -1 */
	char **hname;               /* header names as written */
	int have[F_COUNT];
	/* output */
	pirx_csvw *w[PIRX_IF_COUNT];
	int io;
	const struct pirx_csv_row *row;
	struct strset ids;          /* incident ids (and incident.io ULID -> reference) */
	struct strset ulid;
	struct strset action_ids;
	struct pirx_buf b1, b2;
	long skipped_status;
};

static void report(struct imp *I, int is_problem, const char *file, long line, const char *col,
		   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void report(struct imp *I, int is_problem, const char *file, long line, const char *col,
		   const char *fmt, ...)
{
	struct pirx_err e;
	va_list ap;

	pirx_err_set(&e, is_problem ? PIRX_EINPUT : 0, file, line, col, "%s", "");
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	if (is_problem) {
		I->st->problems++;
		if (I->o->hooks.problem)
			I->o->hooks.problem(I->o->hooks.ctx, &e);
	} else if (I->o->hooks.warning) {
		I->o->hooks.warning(I->o->hooks.ctx, &e);
	}
}

/* A short, printable copy of s[0..n) for messages. */
static const char *show(char *out, size_t cap, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= 40) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(out + o, cap - o, c == '\n' ? "\\n" : "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

/* Column names compare case-insensitively, with ' ', '_' and '-' equal. */
static int same_col(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n && b[i]; i++) {
		int x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (x == '_' || x == '-')
			x = ' ';
		if (y == '_' || y == '-')
			y = ' ';
		if (x != y)
			return 0;
	}
	return i == n && b[i] == '\0';
}

static int open_file(struct imp *I, int f)
{
	char *path;
	int rc;

	if (I->w[f])
		return 0;
	path = pirx_fs_join(I->dir, file_names[f]);
	rc = pirx_csvw_open(path, &I->w[f], I->err);
	free(path);
	if (rc != 0) {
		I->io = 1;
		return rc;
	}
	pirx_csvw_header(I->w[f], file_headers[f]);
	I->st->written[f] = 1;
	return 0;
}

static const char *const field_label[F_COUNT] = {
	[F_ID] = "id", [F_REF] = "reference", [F_CREATED] = "created time",
	[F_INCIDENT] = "incident", [F_TITLE] = "title",
};

static int on_header(struct imp *I, const struct pirx_csv_row *r)
{
	static const int pd_req[] = {F_CREATED, -1};
	static const int io_req[] = {-1};
	static const int fu_req[] = {F_INCIDENT, F_TITLE, -1};
	static const int jira_req[] = {F_ID, F_CREATED, -1};
	const int *req;
	char q[200];

	I->seen_header = 1;
	I->nfields = r->nfields;
	I->fmap = pirx_xreallocarray(NULL, r->nfields ? r->nfields : 1, sizeof(int));
	I->hname = pirx_xcalloc(r->nfields ? r->nfields : 1, sizeof(char *));
	memset(I->have, 0, sizeof(I->have));
	for (size_t i = 0; i < r->nfields; i++) {
		const char *s = r->field[i];
		size_t n = r->len[i];
		trim(&s, &n);
		I->hname[i] = pirx_xstrndup(s, n);
		I->fmap[i] = -1;
		for (const struct alias *a = I->al; a->name; a++)
			if (same_col(s, n, a->name)) {
				I->fmap[i] = a->field;
				break;
			}
		if (I->fmap[i] >= 0)
			I->have[I->fmap[i]] = 1;
		else
			I->st->unused_columns++;
	}
	if (I->followups)
		req = fu_req;
	else if (I->kind == PIRX_IMPORT_PAGERDUTY)
		req = pd_req;
	else if (I->kind == PIRX_IMPORT_JIRA)
		req = jira_req;
	else
		req = io_req;
	for (const int *f = req; *f >= 0; f++)
		if (!I->have[*f]) {
			size_t k = 0;
			q[0] = '\0';
			for (const struct alias *a = I->al; a->name; a++)
				if (a->field == *f)
					k += (size_t)snprintf(q + k, k < sizeof(q) ? sizeof(q) - k : 0, "%s'%s'",
							      k ? " or " : "", a->name);
			report(I, 1, I->src, r->line, NULL,
			       "the export has no %s column (expected %s)", field_label[*f], q);
		}
	if (I->kind == PIRX_IMPORT_PAGERDUTY && !I->have[F_ID] && !I->have[F_NUMBER])
		report(I, 1, I->src, r->line, NULL,
		       "the export has no incident id column (expected 'id' or 'incident_number')");
	if (I->kind == PIRX_IMPORT_INCIDENTIO && !I->followups && !I->have[F_ID] && !I->have[F_REF])
		report(I, 1, I->src, r->line, NULL,
		       "the export has no incident id column (expected 'Reference' or 'ID')");
	if (I->kind == PIRX_IMPORT_INCIDENTIO && !I->followups &&
	    !I->have[F_IMPACT_START] && !I->have[F_REPORTED] && !I->have[F_CREATED])
		report(I, 1, I->src, r->line, NULL, "the export has no start time column "
		       "(expected 'Impact started at', 'Reported at' or 'Created at')");
	if (I->st->problems)
		return PIRX_EINPUT;
	if (I->followups)
		return open_file(I, PIRX_IF_ACTION_ITEMS);
	if (open_file(I, PIRX_IF_INCIDENTS) != 0)
		return PIRX_EIO;
	if ((I->have[F_ASSIGNED] || I->have[F_LEAD]) && open_file(I, PIRX_IF_RESPONDERS) != 0)
		return PIRX_EIO;
	if ((I->have[F_ROOT_CAUSE] || (I->have[F_LABELS] && I->o->labels_as_factors)) &&
	    open_file(I, PIRX_IF_FACTORS) != 0)
		return PIRX_EIO;
	return 0;
}

/*
 * The cells of field f in the current row, split on any of the characters
 * in split (NULL: not split), trimmed, empties and repeats left out.
 */
static size_t items(struct imp *I, int f, const char *split, struct item *out, size_t max)
{
	const struct pirx_csv_row *r = I->row;
	size_t k = 0;

	for (size_t i = 0; i < r->nfields && i < I->nfields; i++) {
		const char *s = r->field[i];
		size_t n = r->len[i];
		if (I->fmap[i] != f)
			continue;
		while (n > 0 || s == r->field[i]) {
			size_t m = n;
			const char *p = s;
			if (split)
				for (m = 0; m < n && !strchr(split, s[m]); m++)
					;
			s += m < n ? m + 1 : m;
			n -= m < n ? m + 1 : m;
			trim(&p, &m);
			if (m > 0 && k < max) {
				int dup = 0;
				for (size_t j = 0; j < k; j++)
					dup |= out[j].n == m && memcmp(out[j].s, p, m) == 0;
				if (!dup) {
					out[k].s = p;
					out[k].n = m;
					out[k].line = r->field_line[i];
					out[k].col = I->hname[i];
					k++;
				}
			}
			if (n == 0)
				break;
		}
	}
	return k;
}

/* The first non-empty cell of field f; 0 when there is none. */
static int cell(struct imp *I, int f, struct item *it)
{
	struct item all[MAX_ITEMS];

	if (items(I, f, NULL, all, MAX_ITEMS) == 0) {
		it->s = "";
		it->n = 0;
		it->line = I->row->line;
		it->col = NULL;
		return 0;
	}
	*it = all[0];
	return 1;
}

/* Parses field f as a time: 1 and *t, 0 when empty, -1 after a problem. */
static int time_of(struct imp *I, int f, int64_t *t)
{
	struct item it;
	const char *why;
	char q[200];

	if (!cell(I, f, &it))
		return 0;
	if (pirx_import_time(it.s, it.n, I->o->assume_offset_min, t, &why) != 0) {
		report(I, 1, I->src, it.line, it.col, "cannot parse '%s' as a time (%s)",
		       show(q, sizeof(q), it.s, it.n), why);
		return -1;
	}
	return 1;
}

/* A whole number of seconds in field f: 1 and *v, 0 when empty, -1 after a problem. */
static int seconds_of(struct imp *I, int f, int64_t *v)
{
	struct item it;
	char q[200], *end, *copy;
	double d;
	int bad;

	if (!cell(I, f, &it))
		return 0;
	copy = pirx_xstrndup(it.s, it.n);
	errno = 0;
	d = strtod(copy, &end);
	bad = errno != 0 || end == copy || *end != '\0';
	free(copy);
	if (bad || !(d >= 0 && d <= 1e10)) {
		report(I, 1, I->src, it.line, it.col, "cannot read '%s' as a number of seconds",
		       show(q, sizeof(q), it.s, it.n));
		return -1;
	}
	*v = (int64_t)d;
	return 1;
}

static void put_time(pirx_csvw *w, int have, int64_t t)
{
	if (have > 0)
		pirx_csvw_time(w, t);
	else
		pirx_csvw_empty(w);
}

static void put_item(pirx_csvw *w, const struct item *it)
{
	if (it->n)
		pirx_csvw_textn(w, it->s, it->n);
	else
		pirx_csvw_empty(w);
}

/* Severity from the mapping, then the vendor words: 0 unknown, -1 problem. */
static int severity_of(struct imp *I, const struct item *it)
{
	const char *m;
	char q[200];
	int v;

	if (it->n == 0)
		return 0;
	m = pirx_mapping_value(I->o->mapping, "incidents.csv", PIRX_MAP_SEVERITY, it->s, it->n);
	if (m)
		return m[0] ? pirx_vocab_severity(m, strlen(m)) : 0;
	if ((v = pirx_import_severity(it->s, it->n)) > 0)
		return v;
	report(I, 1, I->src, it->line, it->col,
	       "cannot read '%s' as a severity (expected %s, or a rule in --mapping)",
	       show(q, sizeof(q), it->s, it->n), pirx_vocab_severity_expected());
	return -1;
}

/* Writes a responders.csv row for each name. */
static void responders(struct imp *I, const char *id, const struct item *names, size_t k,
		       const char *role, int64_t joined)
{
	for (size_t i = 0; i < k; i++) {
		pirx_csvw *w = I->w[PIRX_IF_RESPONDERS];
		pirx_csvw_text(w, id);
		pirx_csvw_textn(w, names[i].s, names[i].n);
		pirx_csvw_text(w, role);
		pirx_csvw_time(w, joined);
		pirx_csvw_empty(w);
		pirx_csvw_end_row(w);
		I->st->rows[PIRX_IF_RESPONDERS]++;
	}
}

/* The label "db-connection_pool" as factor text "db connection pool". */
static void label_text(struct pirx_buf *b, const char *s, size_t n)
{
	pirx_buf_reset(b);
	for (size_t i = 0; i < n; i++)
		pirx_buf_append(b, s[i] == '-' || s[i] == '_' ? " " : s + i, 1);
}

static int incident_row(struct imp *I)
{
	struct item id, title, summary, sev, team, names[MAX_ITEMS], svc[MAX_ITEMS];
	int64_t started = 0, created = 0, reported = 0, ack = 0, mitigated = 0, resolved = 0,
		review = 0, secs;
	int h_start = 0, h_created, h_reported = 0, h_ack = 0, h_mit = 0, h_res = 0, h_rev = 0;
	int bad = 0, severity = 0;
	size_t nsvc, nnames = 0;
	const char *idtext;
	char q[200];
	pirx_csvw *w;

	/* The id. */
	if (I->kind == PIRX_IMPORT_INCIDENTIO) {
		struct item ulid;
		if (!cell(I, F_REF, &id))
			cell(I, F_ID, &id);
		if (cell(I, F_ID, &ulid) && id.n) {
			char *k = pirx_xstrndup(ulid.s, ulid.n), *v = pirx_xstrndup(id.s, id.n);
			set_put(&I->ulid, k, v);
			free(k);
			free(v);
		}
	} else if (!cell(I, F_ID, &id)) {
		cell(I, F_NUMBER, &id);
	}
	if (id.n == 0) {
		report(I, 1, I->src, I->row->line, NULL, "the row has no incident id");
		return -1;
	}
	/* incident.io: declined, merged and cancelled incidents never happened. */
	if (I->kind == PIRX_IMPORT_INCIDENTIO) {
		struct item status;
		if (cell(I, F_STATUS, &status) &&
		    (word_is(status.s, status.n, "declined") || word_is(status.s, status.n, "merged") ||
		     word_is(status.s, status.n, "canceled") || word_is(status.s, status.n, "cancelled"))) {
			I->st->skipped++;
			I->skipped_status++;
			return 0;
		}
	}
	pirx_buf_reset(&I->b1);
	pirx_buf_append(&I->b1, id.s, id.n);
	idtext = pirx_buf_str(&I->b1);
	if (set_put(&I->ids, idtext, NULL)) {
		report(I, 1, I->src, id.line, id.col, "incident id '%s' appears twice",
		       show(q, sizeof(q), id.s, id.n));
		bad = 1;
	}

	cell(I, F_TITLE, &title);
	cell(I, F_SUMMARY, &summary);
	cell(I, F_TEAM, &team);

	/* Severity: the severity column, else the priority, else PagerDuty's urgency. */
	if (cell(I, F_SEVERITY, &sev) || cell(I, F_PRIORITY, &sev) || cell(I, F_URGENCY, &sev))
		severity = severity_of(I, &sev);
	bad |= severity < 0;

	/* Services: one per cell (Jira's repeated Component/s) or ';'-separated. */
	nsvc = items(I, F_SERVICE, ";\n", svc, MAX_ITEMS);

	/* Times. */
	h_created = time_of(I, F_CREATED, &created);
	h_reported = time_of(I, F_REPORTED, &reported);
	h_start = time_of(I, F_IMPACT_START, &started);
	h_ack = time_of(I, F_ACK, &ack);
	h_mit = time_of(I, F_MITIGATED, &mitigated);
	h_res = time_of(I, F_RESOLVED, &resolved);
	h_rev = time_of(I, F_REVIEW, &review);
	bad |= h_created < 0 || h_reported < 0 || h_start < 0 || h_ack < 0 || h_mit < 0 ||
	       h_res < 0 || h_rev < 0;
	if (h_reported <= 0 && h_created > 0) {
		reported = created;      /* detection: the alert/report that opened it */
		h_reported = 1;
	}
	if (h_start <= 0 && h_reported > 0) {
		started = reported;      /* impact start unknown: detection is the best bound */
		h_start = 1;
	}
	if (h_ack == 0 && h_reported > 0) {
		int s = seconds_of(I, F_ACK_SECS, &secs);
		bad |= s < 0;
		if (s > 0) {
			ack = reported + secs;
			h_ack = 1;
		}
	}
	if (h_res == 0 && h_start > 0) {
		int s = seconds_of(I, F_RESOLVE_SECS, &secs);
		bad |= s < 0;
		if (s > 0) {
			resolved = started + secs;
			h_res = 1;
		}
	}
	if (h_start == 0 && !bad) {
		report(I, 1, I->src, I->row->line, NULL,
		       "the row has no start time (impact start, reported or created)");
		bad = 1;
	}
	if (I->w[PIRX_IF_RESPONDERS]) {
		if (I->kind == PIRX_IMPORT_INCIDENTIO)
			nnames = items(I, F_LEAD, NULL, names, MAX_ITEMS);
		else
			nnames = items(I, F_ASSIGNED, ",;", names, MAX_ITEMS);
	}
	if (bad)
		return -1;

	w = I->w[PIRX_IF_INCIDENTS];
	pirx_csvw_text(w, idtext);
	put_item(w, &title);
	if (severity > 0)
		pirx_csvw_text(w, pirx_vocab_severity_name(severity));
	else
		pirx_csvw_empty(w);
	pirx_buf_reset(&I->b2);
	for (size_t i = 0; i < nsvc; i++) {
		if (i)
			pirx_buf_append(&I->b2, ";", 1);
		pirx_buf_append(&I->b2, svc[i].s, svc[i].n);
	}
	pirx_csvw_text(w, pirx_buf_str(&I->b2));
	put_item(w, &team);
	put_time(w, h_start, started);
	put_time(w, h_reported, reported);
	put_time(w, h_ack, ack);
	put_time(w, h_mit, mitigated);
	put_time(w, h_res, resolved);
	put_time(w, h_rev, review);
	put_item(w, &summary);
	pirx_csvw_end_row(w);
	I->st->rows[PIRX_IF_INCIDENTS]++;

	if (nnames)
		responders(I, idtext, names, nnames,
			   I->kind == PIRX_IMPORT_INCIDENTIO ? "lead" : "assignee",
			   h_ack > 0 ? ack : h_reported > 0 ? reported : started);

	if (I->w[PIRX_IF_FACTORS]) {
		struct item f[MAX_ITEMS];
		size_t nf = items(I, F_ROOT_CAUSE, NULL, f, MAX_ITEMS), nl = 0;
		long k = 0;
		if (I->o->labels_as_factors)
			nl = items(I, F_LABELS, " ", f + nf, MAX_ITEMS - nf);
		for (size_t i = 0; i < nf + nl; i++) {
			pirx_csvw *fw = I->w[PIRX_IF_FACTORS];
			pirx_buf_reset(&I->b2);
			pirx_buf_printf(&I->b2, "%s#%ld", idtext, ++k);
			pirx_csvw_text(fw, pirx_buf_str(&I->b2));
			pirx_csvw_text(fw, idtext);
			pirx_csvw_text(fw, i < nf ? "" : "label");
			if (i < nf) {
				pirx_csvw_textn(fw, f[i].s, f[i].n);
			} else {
				label_text(&I->b2, f[i].s, f[i].n);
				pirx_csvw_text(fw, pirx_buf_str(&I->b2));
			}
			pirx_csvw_end_row(fw);
			I->st->rows[PIRX_IF_FACTORS]++;
		}
	}
	return 0;
}

static int followup_row(struct imp *I)
{
	struct item id, inc, title, owner, team, prio, status;
	int64_t created = 0, due = 0, done = 0;
	int h_c, h_d, h_done, bad = 0;
	const char *incid, *p = NULL, *s = NULL, *m;
	char q[200];
	pirx_csvw *w = I->w[PIRX_IF_ACTION_ITEMS];

	cell(I, F_INCIDENT, &inc);
	if (inc.n == 0) {
		report(I, 1, I->src, I->row->line, NULL, "the follow-up names no incident");
		return -1;
	}
	pirx_buf_reset(&I->b1);
	pirx_buf_append(&I->b1, inc.s, inc.n);
	incid = pirx_buf_str(&I->b1);
	if (set_get(&I->ulid, incid))
		incid = set_get(&I->ulid, incid);
	if (!set_get(&I->ids, incid)) {
		report(I, 1, I->src, inc.line, inc.col, "no incident '%s' in the incidents export",
		       show(q, sizeof(q), inc.s, inc.n));
		bad = 1;
	}
	cell(I, F_TITLE, &title);
	cell(I, F_OWNER, &owner);
	cell(I, F_TEAM, &team);
	if (cell(I, F_PRIORITY, &prio)) {
		m = pirx_mapping_value(I->o->mapping, "action_items.csv", PIRX_MAP_PRIORITY, prio.s, prio.n);
		p = m ? m : pirx_import_priority(prio.s, prio.n);
		if (!p) {
			report(I, 1, I->src, prio.line, prio.col,
			       "cannot read '%s' as a priority (expected %s, urgent, high, medium, low, "
			       "or a rule in --mapping)", show(q, sizeof(q), prio.s, prio.n),
			       pirx_vocab_priority_expected());
			bad = 1;
		}
	}
	if (cell(I, F_STATUS, &status)) {
		m = pirx_mapping_value(I->o->mapping, "action_items.csv", PIRX_MAP_STATUS, status.s, status.n);
		s = m ? m : pirx_import_status(status.s, status.n);
		if (!s) {
			report(I, 1, I->src, status.line, status.col,
			       "cannot read '%s' as a status (expected %s, outstanding, completed, "
			       "not doing, or a rule in --mapping)", show(q, sizeof(q), status.s, status.n),
			       pirx_vocab_status_expected());
			bad = 1;
		}
	}
	h_c = time_of(I, F_CREATED, &created);
	h_d = time_of(I, F_DUE, &due);
	{
		struct item dd;
		if (h_d > 0 && cell(I, F_DUE, &dd) && pirx_import_is_date(dd.s, dd.n))
			due += 86399;     /* due on a day: by the end of it */
	}
	h_done = time_of(I, F_COMPLETED, &done);
	bad |= h_c < 0 || h_d < 0 || h_done < 0;
	if (h_c == 0) {
		report(I, 1, I->src, I->row->line, NULL, "the follow-up has no created time");
		bad = 1;
	}
	if (!cell(I, F_ID, &id)) {
		pirx_buf_reset(&I->b2);
		pirx_buf_printf(&I->b2, "%s#F%ld", incid, I->row->index);
	} else {
		pirx_buf_reset(&I->b2);
		pirx_buf_append(&I->b2, id.s, id.n);
		if (set_put(&I->action_ids, pirx_buf_str(&I->b2), NULL)) {
			report(I, 1, I->src, id.line, id.col, "follow-up id '%s' appears twice",
			       show(q, sizeof(q), id.s, id.n));
			bad = 1;
		}
	}
	if (bad)
		return -1;
	pirx_csvw_text(w, pirx_buf_str(&I->b2));
	pirx_csvw_text(w, incid);
	put_item(w, &title);
	put_item(w, &owner);
	put_item(w, &team);
	pirx_csvw_text(w, p ? p : "");
	put_time(w, h_c, created);
	put_time(w, h_d, due);
	put_time(w, h_done, done);
	pirx_csvw_text(w, s ? s : "");
	pirx_csvw_end_row(w);
	I->st->rows[PIRX_IF_ACTION_ITEMS]++;
	return 0;
}

static int on_row(void *ctx, const struct pirx_csv_row *r)
{
	struct imp *I = ctx;

	I->row = r;
	if (r->bad_field >= 0) {
		report(I, 1, I->src, r->field_line[r->bad_field],
		       r->index > 0 && (size_t)r->bad_field < I->nfields ? I->hname[r->bad_field] : NULL,
		       "%s in the cell", strcmp(r->bad_reason, "NUL byte") == 0 ? "a NUL byte" : "invalid UTF-8");
		return r->index == 0 ? PIRX_EINPUT : 0;
	}
	if (r->index == 0)
		return on_header(I, r);
	I->st->source_rows++;
	if (I->followups)
		followup_row(I);
	else
		incident_row(I);
	return I->io ? PIRX_EIO : 0;
}

static void free_header(struct imp *I)
{
	for (size_t i = 0; i < I->nfields; i++)
		free(I->hname[i]);
	free(I->hname);
	free(I->fmap);
	I->hname = NULL;
	I->fmap = NULL;
	I->nfields = 0;
	I->seen_header = 0;
}

static int read_export(struct imp *I, const char *path, const struct alias *al, int followups)
{
	int rc;

	I->src = path;
	I->al = al;
	I->followups = followups;
	rc = pirx_csv_read(path, on_row, I, I->err);
	if (rc == 0 && !I->seen_header) {
		report(I, 1, path, 1, NULL, "file is empty (expected the export's header row)");
		rc = PIRX_EINPUT;
	}
	if (rc == PIRX_EINPUT && I->err->code == PIRX_EINPUT && I->err->file[0] && I->st->problems == 0) {
		/* A malformed CSV file: located by csvio. */
		I->st->problems++;
		if (I->o->hooks.problem)
			I->o->hooks.problem(I->o->hooks.ctx, I->err);
	}
	free_header(I);
	return rc;
}

static int import_csv(int kind, const char *source, const char *dir,
		      const struct pirx_import_opts *o, struct pirx_import_stats *st,
		      struct pirx_err *err)
{
	static const struct alias *const tables[] = {pagerduty_cols, incidentio_cols, jira_cols};
	struct imp I;
	int rc;

	memset(&I, 0, sizeof(I));
	I.o = o;
	I.st = st;
	I.err = err;
	I.kind = kind;
	I.dir = dir;
	pirx_buf_init(&I.b1);
	pirx_buf_init(&I.b2);
	rc = read_export(&I, source, tables[kind], 0);
	if (rc == 0 && o->follow_ups && st->problems == 0)
		rc = read_export(&I, o->follow_ups, followup_cols, 1);
	if (I.skipped_status)
		report(&I, 0, source, 0, NULL, "%ld declined, merged or cancelled incident%s left out",
		       I.skipped_status, I.skipped_status == 1 ? " was" : "s were");
	for (int f = 0; f < PIRX_IF_COUNT; f++) {
		struct pirx_err e;
		if (I.w[f] && pirx_csvw_close(I.w[f], &e) != 0 && rc == 0) {
			*err = e;
			rc = PIRX_EIO;
		}
	}
	if (rc == 0 && st->problems)
		rc = PIRX_EINPUT;
	if (rc == PIRX_EINPUT && st->problems)
		pirx_err_set(err, PIRX_EINPUT, NULL, 0, NULL, "import refused: %ld problem%s in the input",
			     st->problems, st->problems == 1 ? "" : "s");
	set_free(&I.ids);
	set_free(&I.ulid);
	set_free(&I.action_ids);
	pirx_buf_release(&I.b1);
	pirx_buf_release(&I.b2);
	return rc;
}

int pirx_import_to_dir(int kind, const char *source, const char *dir,
		       const struct pirx_import_opts *opts, struct pirx_import_stats *stats,
		       struct pirx_err *err)
{
	static const struct pirx_import_opts none;

	memset(stats, 0, sizeof(*stats));
	pirx_err_clear(err);
	if (!opts)
		opts = &none;
	if (kind < 0 || kind >= PIRX_IMPORT_KIND_COUNT)
		return pirx_err_set(err, PIRX_EUSAGE, NULL, 0, NULL, "no such import kind");
	if (opts->follow_ups && kind != PIRX_IMPORT_INCIDENTIO)
		return pirx_err_set(err, PIRX_EUSAGE, NULL, 0, NULL,
				    "--follow-ups is for incident.io exports only");
	if (kind == PIRX_IMPORT_MARKDOWN) {
		if (!pirx_fs_is_dir(source))
			return pirx_err_set(err, PIRX_EIO, source, 0, NULL,
					    "cannot read the folder of reviews: not a directory");
		return pirx_mdreview_convert_dir(source, dir, opts, stats, err);
	}
	if (pirx_fs_is_dir(source))
		return pirx_err_set(err, PIRX_EUSAGE, source, 0, NULL,
				    "is a directory; a %s import reads the export's CSV file",
				    kind_names[kind]);
	return import_csv(kind, source, dir, opts, stats, err);
}

/* 1 when every entry of dir is a file an import writes (or the mapping). */
static int only_corpus_files(const char *dir)
{
	static const char *const ok[] = {"incidents.csv", "factors.csv", "action_items.csv",
					 "responders.csv", "pages.csv", "roster.csv",
					 PIRX_MAPPING_FILE};
	DIR *d = opendir(dir);
	struct dirent *e;
	int good = 1;

	if (!d)
		return 0;
	while (good && (e = readdir(d))) {
		int known = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
		for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
			known |= strcmp(e->d_name, ok[i]) == 0;
		good = known;
	}
	closedir(d);
	return good;
}

/* Copies the mapping file of the old corpus into the new one. */
static int carry_mapping(const char *old_dir, const char *new_dir, struct pirx_err *err)
{
	char *from = pirx_fs_join(old_dir, PIRX_MAPPING_FILE);
	char *to = pirx_fs_join(new_dir, PIRX_MAPPING_FILE);
	FILE *in = NULL, *out = NULL;
	char buf[65536];
	size_t n;
	int rc = 0;

	if (!pirx_fs_exists(from))
		goto out;
	in = fopen(from, "rb");
	out = fopen(to, "wb");
	if (!in || !out) {
		rc = pirx_err_set(err, PIRX_EIO, in ? to : from, 0, NULL, "cannot copy the mapping file: %s",
				  strerror(errno));
		goto out;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	if (ferror(in) || ferror(out))
		rc = pirx_err_set(err, PIRX_EIO, to, 0, NULL, "cannot copy the mapping file");
out:
	if (in)
		fclose(in);
	if (out && fclose(out) != 0 && rc == 0)
		rc = pirx_err_set(err, PIRX_EIO, to, 0, NULL, "cannot copy the mapping file: %s",
				  strerror(errno));
	free(from);
	free(to);
	return rc;
}

int pirx_import_run(int kind, const char *source, const char *out_dir,
		    const struct pirx_import_opts *opts, struct pirx_import_stats *stats,
		    struct pirx_err *err)
{
	char *tmp = NULL;
	mode_t mask;
	int rc;

	memset(stats, 0, sizeof(*stats));
	if (pirx_fs_exists(out_dir) && (!pirx_fs_is_dir(out_dir) || !only_corpus_files(out_dir)))
		return pirx_err_set(err, PIRX_EUSAGE, out_dir, 0, NULL,
				    "refusing to replace: it holds files that are not corpus files "
				    "(choose a new or empty directory)");
	if (!(tmp = pirx_fs_temp_dir_beside(out_dir, err)))
		return PIRX_EIO;
	mask = umask(0);     /* mkdtemp made it 0700: give it a plain mkdir's mode */
	umask(mask);
	chmod(tmp, 0777 & ~mask);
	rc = pirx_import_to_dir(kind, source, tmp, opts, stats, err);
	if (rc == 0 && pirx_fs_is_dir(out_dir))
		rc = carry_mapping(out_dir, tmp, err);
	if (rc == 0)
		rc = pirx_fs_fsync(tmp, err);
	if (rc == 0)
		rc = pirx_fs_replace_dir(tmp, out_dir, err);
	if (rc != 0)
		pirx_fs_rmtree(tmp);
	free(tmp);
	return rc;
}
