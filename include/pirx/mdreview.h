/*
 * mdreview: post-incident reviews written as Markdown documents with YAML
 * front matter (the template is docs/review-template.md), read into plain
 * records and turned into corpus CSV files. libyaml lives only here.
 *
 * A review is:
 *   ---
 *   id: INC-101            incident fields of SPEC section 2, as strings;
 *   title: ...             `service` may also be a YAML list
 *   started_at: 2024-03-01T12:34:56Z
 *   ---
 *   ## Summary             optional: the summary when the front matter has none
 *   ## Contributing factors
 *   - technical: connection pool exhausted   (one factor per bullet,
 *   - retries amplified the load              optional "category:" prefix)
 *   ## Action items
 *   | id | title | owner | team | priority | created_at | due_at | completed_at | status |
 *   |----|-------|-------|------|----------|------------|--------|--------------|--------|
 *   | A1 | ...   |
 */
#ifndef PIRX_MDREVIEW_H
#define PIRX_MDREVIEW_H

#include <stddef.h>

#include "pirx/err.h"
#include "pirx/import.h"

/* Incident fields, in the order of incidents.csv. */
enum pirx_md_field {
	PIRX_MD_ID, PIRX_MD_TITLE, PIRX_MD_SEVERITY, PIRX_MD_SERVICE, PIRX_MD_TEAM,
	PIRX_MD_STARTED_AT, PIRX_MD_DETECTED_AT, PIRX_MD_ACKNOWLEDGED_AT,
	PIRX_MD_MITIGATED_AT, PIRX_MD_RESOLVED_AT, PIRX_MD_REVIEW_AT, PIRX_MD_SUMMARY,
	PIRX_MD_FIELD_COUNT
};

/* Action-item columns, in the order of action_items.csv (without incident_id). */
enum pirx_md_action_col {
	PIRX_MA_ID, PIRX_MA_TITLE, PIRX_MA_OWNER, PIRX_MA_TEAM, PIRX_MA_PRIORITY,
	PIRX_MA_CREATED_AT, PIRX_MA_DUE_AT, PIRX_MA_COMPLETED_AT, PIRX_MA_STATUS,
	PIRX_MA_COL_COUNT
};

/* "id", "title", ... (static text) for a field / an action column. */
const char *pirx_md_field_name(int field);
const char *pirx_md_action_col_name(int col);

struct pirx_md_factor {
	char *category;   /* "" when the bullet had no "category:" prefix */
	char *text;
	long line;
};

struct pirx_md_action {
	char *col[PIRX_MA_COL_COUNT];   /* "" when the cell is empty or absent */
	long line;
};

/* One parsed review. Strings are the record's; release with
 * pirx_mdreview_release. Values are as written (trimmed), not yet
 * normalized: times and words are checked by pirx_mdreview_convert_dir. */
struct pirx_md_review {
	char *field[PIRX_MD_FIELD_COUNT];   /* NULL when absent */
	long field_line[PIRX_MD_FIELD_COUNT];
	struct pirx_md_factor *factors;
	size_t nfactors;
	struct pirx_md_action *actions;
	size_t nactions;
	long unknown_keys;                  /* front matter keys not used */
	char first_unknown[64];             /* the first of them */
	long first_unknown_line;
};

void pirx_mdreview_init(struct pirx_md_review *r);
void pirx_mdreview_release(struct pirx_md_review *r);

/*
 * Parses text[0..n) of the review named name (used in errors) into *r
 * (initialized by the call; release it even on failure). Returns 0, or
 * PIRX_EINPUT with err located at name and the 1-based line: no front
 * matter, malformed YAML (libyaml's line), a key whose value is not a
 * scalar, a repeated key, an action-item row with more cells than the
 * header, an action table with an unknown column.
 */
int pirx_mdreview_parse_text(const char *name, const char *text, size_t n,
			     struct pirx_md_review *r, struct pirx_err *err);

/* Same, reading the file at path (PIRX_EIO when it cannot be read). */
int pirx_mdreview_parse(const char *path, struct pirx_md_review *r, struct pirx_err *err);

/*
 * Reads every *.md file of src_dir (in name order; README.md and files
 * without front matter starting with "---" are skipped with a warning)
 * and writes incidents.csv, factors.csv and action_items.csv into out_dir
 * (an existing directory). Times become RFC 3339 UTC, severities SEV1..5,
 * priorities and statuses pirx's words (opts->mapping first). Every
 * problem goes to opts->hooks.problem, located at the .md file and line.
 * Returns 0, PIRX_EINPUT (problems; err says how many), or PIRX_EIO.
 * opts may be NULL; stats is filled (written, rows, source_rows).
 */
int pirx_mdreview_convert_dir(const char *src_dir, const char *out_dir,
			      const struct pirx_import_opts *opts,
			      struct pirx_import_stats *stats, struct pirx_err *err);

/*
 * 1 when dir is a folder of reviews rather than a CSV corpus: it holds no
 * incidents.csv and at least one *.md file other than README.md. For the
 * loader, which can then convert it into a scratch directory with
 * pirx_mdreview_convert_dir and read that.
 */
int pirx_mdreview_is_review_dir(const char *dir);

#endif
