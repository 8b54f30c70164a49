/*
 * mapping: a corpus's own names for columns and vocabulary values.
 *
 * A corpus may carry pirx-mapping.csv (columns file, kind, from, to) that
 * renames its columns to the SPEC section 2 names and maps its words for
 * severity, priority and status onto pirx's vocabularies. The mapping is
 * read once (through csvio) and then asked, per header name and per cell,
 * what the loader should see instead. Matching of `from` is
 * case-insensitive and ignores surrounding blanks.
 */
#ifndef PIRX_MAPPING_H
#define PIRX_MAPPING_H

#include <stddef.h>

#include "pirx/err.h"

/* The file a corpus carries its mapping in. */
#define PIRX_MAPPING_FILE "pirx-mapping.csv"

enum pirx_mapping_kind {
	PIRX_MAP_COLUMN,
	PIRX_MAP_SEVERITY,
	PIRX_MAP_PRIORITY,
	PIRX_MAP_STATUS,
	PIRX_MAP_KIND_COUNT
};

typedef struct pirx_mapping pirx_mapping;

/*
 * Reads a mapping file. Every rule is checked: kind must be one of column,
 * severity, priority, status; file empty or "*" (any file) or a corpus file
 * name ("incidents.csv" or "incidents"); a column's `to` must be a SPEC
 * column of that file, or empty (the column is ignored without a warning);
 * a value's `to` must be in pirx's vocabulary (it is stored normalized:
 * "SEV2", "must-fix", "done"), or empty (the value means unknown). A rule
 * that repeats (file, kind, from) is an error. Returns 0 and *out (free
 * with pirx_mapping_free), or PIRX_EIO / PIRX_EINPUT with err located at
 * the file, line and column.
 */
int pirx_mapping_load(const char *path, pirx_mapping **out, struct pirx_err *err);

/*
 * Reads DIR/pirx-mapping.csv when it exists. Returns 0 with *out NULL when
 * there is none (every lookup on NULL finds nothing), else as
 * pirx_mapping_load.
 */
int pirx_mapping_load_dir(const char *dir, pirx_mapping **out, struct pirx_err *err);

/* An empty mapping, for building one in code (tests, importers). */
pirx_mapping *pirx_mapping_new(void);

/*
 * Adds one rule, checked as a row of the file would be. file may be NULL
 * (any file). Returns 0 or PIRX_EINPUT with err (no location) set.
 */
int pirx_mapping_add(pirx_mapping *m, const char *file, int kind, const char *from,
		     const char *to, struct pirx_err *err);

/* Frees m; NULL does nothing. */
void pirx_mapping_free(pirx_mapping *m);

/* Number of rules in m (0 for NULL). */
size_t pirx_mapping_count(const pirx_mapping *m);

/*
 * The SPEC column that header name[0..n) of file (e.g. "incidents.csv")
 * stands for: a column name, "" when the column is to be ignored quietly,
 * or NULL when m has no rule for it (use the name as written). The text is
 * owned by m. m may be NULL.
 */
const char *pirx_mapping_column(const pirx_mapping *m, const char *file,
				const char *name, size_t n);

/*
 * The value that cell s[0..n) of a column of the given kind
 * (PIRX_MAP_SEVERITY, _PRIORITY or _STATUS) stands for in file: a word of
 * pirx's vocabulary, "" for unknown, or NULL when m has no rule (parse the
 * cell as written). The text is owned by m. m may be NULL.
 */
const char *pirx_mapping_value(const pirx_mapping *m, const char *file, int kind,
			       const char *s, size_t n);

/* "column", "severity", "priority", "status" (static text), or NULL. */
const char *pirx_mapping_kind_name(int kind);

#endif
