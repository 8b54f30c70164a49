/*
 * taxonomy: the catalogue of failure modes factor texts are matched
 * against (reports/taxonomy.csv built in; --taxonomy FILE replaces it).
 *
 * File format (CSV, header row, columns in any order, case-insensitive):
 *   id        short stable id, [a-z0-9-] ("cert-expiry"); becomes the
 *             cluster_id of the factors it matches
 *   name      readable name ("Certificate expiry"); the cluster label
 *   category  technical, process, communication or external
 *   terms     phrases that signal the mode, separated by ';'
 *   hints     optional: weaker words or phrases, separated by ';'
 * A phrase matches a text when every one of its words occurs in the text
 * (after the same normalization as the text: stems, synonyms, stop words
 * removed), in any order, with at most 8 other words among them. Terms name the failure itself, as a symptom, a
 * cause or a fix ("pool exhausted", "raised the pool size"); hints are
 * circumstance: the component where it happened ("pods", "load
 * balancer", "redis"), how it was noticed or handled ("alert", "rolled
 * back"), words too common to decide alone. Scores: a term of k words
 * scores 1 + k, plus 2 when it is negated ("no runbook", "without alert":
 * the factor is about a missing safeguard, whatever else it mentions; the
 * negation must stand within 3 words of the term's other words); a hint
 * scores 1; the mode whose term completes first in the text gets 2 more
 * (the subject of the sentence). When any term matches, only modes with a
 * matched term can win: a component or a side word never outvotes a
 * failure. The mode with the highest score wins; it needs at least 2,
 * or 1 in a short text (8 words or fewer after normalization), where a
 * single hint is enough (ties: the mode whose term completes first, then
 * the longer matched phrase, then file order).
 */
#ifndef PIRX_TAXONOMY_H
#define PIRX_TAXONOMY_H

#include <stddef.h>

#include "pirx/err.h"
#include "pirx/textnorm.h"

typedef struct pirx_taxonomy pirx_taxonomy;

/* One failure mode, as read (strings owned by the taxonomy). */
struct pirx_taxonomy_mode {
	const char *id;
	const char *name;
	const char *category;
	long line;          /* line of the file it came from */
};

/*
 * Reads a taxonomy from path, or the built-in one when path is NULL, and
 * normalizes its phrases with tn (whose words it also marks protected:
 * never treated as names nor as misspellings). Returns 0 and *out (free
 * with pirx_taxonomy_free), PIRX_EIO when the file cannot be read, or
 * PIRX_EINPUT with err at FILE:LINE: COLUMN for a missing column, an empty
 * or repeated id, an unknown category, a mode without terms, or a phrase
 * made only of stop words.
 */
int pirx_taxonomy_load(const char *path, pirx_textnorm *tn, pirx_taxonomy **out,
		       struct pirx_err *err);
void pirx_taxonomy_free(pirx_taxonomy *t);
/* Reads and checks the taxonomy at path as pirx_taxonomy_load would, and
 * frees it: `pirx report` refuses a bad file before any long work. */
int pirx_taxonomy_check(const char *path, struct pirx_err *err);

/* Number of modes, and mode i (0-based, file order). */
size_t pirx_taxonomy_count(const pirx_taxonomy *t);
const struct pirx_taxonomy_mode *pirx_taxonomy_mode(const pirx_taxonomy *t, size_t i);

/*
 * The mode a normalized text signals: its index, or -1 when no mode
 * scores 2 or more. *score (may be NULL) receives the winning score.
 */
long pirx_taxonomy_match(pirx_taxonomy *t, const struct pirx_tokens *tok, double *score);

#endif
