/*
 * import: turns an incident tool's CSV export (PagerDuty, incident.io,
 * Jira) or a folder of Markdown reviews into a corpus directory (SPEC
 * section 2). The vendors' column names and words, and how each maps onto
 * the corpus, are documented in docs/import.md; this module is where they
 * live in code.
 *
 * Exports are streamed through csvio; the corpus files are written with
 * the csvio writer into a scratch directory that is renamed into place
 * only when the whole import succeeded.
 */
#ifndef PIRX_IMPORT_H
#define PIRX_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "pirx/err.h"
#include "pirx/mapping.h"

enum pirx_import_kind {
	PIRX_IMPORT_PAGERDUTY,
	PIRX_IMPORT_INCIDENTIO,
	PIRX_IMPORT_JIRA,
	PIRX_IMPORT_MARKDOWN,
	PIRX_IMPORT_KIND_COUNT
};

/* "pagerduty", "incidentio" (also "incident.io"), "jira", "markdown" ->
 * kind, or -1. */
int pirx_import_kind_parse(const char *name);
/* The canonical name of a kind (static text), or NULL. */
const char *pirx_import_kind_name(int kind);

/* The corpus files an import can write, in this order. */
enum pirx_import_file {
	PIRX_IF_INCIDENTS,
	PIRX_IF_FACTORS,
	PIRX_IF_ACTION_ITEMS,
	PIRX_IF_RESPONDERS,
	PIRX_IF_COUNT
};

/* "incidents.csv", ... (static text). */
const char *pirx_import_file_name(int file);

struct pirx_import_hooks {
	void *ctx;
	/* A located problem with the input (the import will fail). */
	void (*problem)(void *ctx, const struct pirx_err *err);
	/* Something the import left out or assumed (rows skipped, ...). */
	void (*warning)(void *ctx, const struct pirx_err *err);
};

struct pirx_import_opts {
	/* incident.io: the follow-ups export (action_items.csv), or NULL. */
	const char *follow_ups;
	/* Jira: every label also becomes a contributing factor. */
	int labels_as_factors;
	/* Minutes east of UTC of the times that carry no offset (Jira exports
	 * use the exporting user's zone); 0 means they are UTC. */
	int assume_offset_min;
	/* Words (severity, priority, status) to read before the built-in
	 * vocabularies, as in pirx-mapping.csv; borrowed, may be NULL. Column
	 * rules are not used by imports. */
	const pirx_mapping *mapping;
	struct pirx_import_hooks hooks;   /* any hook may be NULL */
};

struct pirx_import_stats {
	int written[PIRX_IF_COUNT];    /* 1 when the file was written */
	long rows[PIRX_IF_COUNT];      /* data rows written */
	long source_rows;              /* data rows read from the export(s) */
	long skipped;                  /* source rows left out (with a warning) */
	long unused_columns;           /* export columns with no corpus column */
	long problems;                 /* problems reported */
};

/*
 * Imports source (a file, or for PIRX_IMPORT_MARKDOWN a directory of .md
 * reviews) into out_dir: the corpus files are written into a scratch
 * directory beside out_dir and then swapped in (fsutil). An existing
 * out_dir is replaced only when it holds nothing but corpus files (its
 * pirx-mapping.csv is carried over); otherwise PIRX_EUSAGE. Fills *stats.
 * Returns 0; PIRX_EINPUT when the input is invalid (every problem went to
 * hooks.problem, err says how many; nothing was written); PIRX_EIO when a
 * file could not be read or written; PIRX_EUSAGE for a bad request.
 */
int pirx_import_run(int kind, const char *source, const char *out_dir,
		    const struct pirx_import_opts *opts, struct pirx_import_stats *stats,
		    struct pirx_err *err);

/*
 * Same, but writes the corpus files into dir, an existing directory, with
 * no scratch step (for callers that manage their own scratch directory).
 * On failure dir may hold partial files.
 */
int pirx_import_to_dir(int kind, const char *source, const char *dir,
		       const struct pirx_import_opts *opts, struct pirx_import_stats *stats,
		       struct pirx_err *err);

/*
 * Parses an instant as the exports write it: RFC 3339 / ISO 8601 (as
 * timefmt), "YYYY-MM-DD HH:MM:SS[.fff] +HHMM" (also followed by " UTC"),
 * a trailing " UTC"/" GMT", and Jira's "dd/Mon/yy h:mm AM" (also 4-digit
 * years and 24-hour "dd/Mon/yy HH:mm"). Times with no offset are taken to
 * be offset_min minutes east of UTC. A bare date "YYYY-MM-DD" is the start
 * of that day. s[0..n) is trimmed first. Returns 0 and *out (Unix seconds
 * UTC), or -1 with *why set to static text.
 */
int pirx_import_time(const char *s, size_t n, int offset_min, int64_t *out, const char **why);

/* 1 when s[0..n) (trimmed) is a bare date "YYYY-MM-DD": callers reading a
 * due date take the end of that day (due on June 1 means by the end of it). */
int pirx_import_is_date(const char *s, size_t n);

/*
 * Severity of a vendor word, 1..5, or -1: the built-in vocabulary
 * (vocab) plus Jira's priorities (Highest 1, High 2, Medium 3, Low 4,
 * Lowest 5, Blocker 1, Critical 1, Major 2, Minor 4, Trivial 5) and
 * PagerDuty urgencies (high 2, low 4).
 */
int pirx_import_severity(const char *s, size_t n);

/* Priority of an action-item word: the vocabulary, plus urgent/high ->
 * must-fix, medium -> should-fix, low -> nice-to-have. Static text or NULL. */
const char *pirx_import_priority(const char *s, size_t n);

/* Status of an action-item word: the vocabulary, plus outstanding, to do,
 * in progress -> open; completed, closed, resolved, fixed -> done; not
 * doing, won't do, deleted, declined -> cancelled. Static text or NULL. */
const char *pirx_import_status(const char *s, size_t n);

#endif
