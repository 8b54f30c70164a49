/*
 * vocab: the closed vocabularies of the corpus (SPEC section 2): severity,
 * action-item priority and status. Each parser takes the cell as written
 * (already trimmed of surrounding blanks), matches it case-insensitively
 * and returns the one normalized value the database stores.
 */
#ifndef PIRX_VOCAB_H
#define PIRX_VOCAB_H

#include <stddef.h>

/*
 * Severity: "SEV1".."SEV5", "P1".."P5", "1".."5" or a word (critical=1,
 * major=2, high=2, medium=3, moderate=3, minor=4, low=4, info=5, none=5).
 * "SEV-1" and "SEV 1" are accepted too. Returns 1 (most severe) .. 5, or
 * -1 when s[0..n) is not in the vocabulary (n == 0 included).
 */
int pirx_vocab_severity(const char *s, size_t n);

/*
 * A corpus's own severity words (severity.csv, docs/corpus.md), consulted
 * before the defaults. Opaque; pirx_vocab_free(NULL) does nothing.
 */
typedef struct pirx_vocab pirx_vocab;

pirx_vocab *pirx_vocab_new(void);
void pirx_vocab_free(pirx_vocab *v);
/*
 * Adds (or redefines) word[0..n) as severity 1..5. Returns 0, or -1 when
 * the word is empty, longer than 63 bytes, or severity is out of range.
 */
int pirx_vocab_add_severity(pirx_vocab *v, const char *word, size_t n, int severity);
/* Like pirx_vocab_severity, the corpus's words first; v may be NULL. */
int pirx_vocab_severity_in(const pirx_vocab *v, const char *s, size_t n);

/* What pirx_vocab_severity accepts, for error messages (static text). */
const char *pirx_vocab_severity_expected(void);

/* "SEV1".."SEV5" for 1..5, "unknown" otherwise (static text). */
const char *pirx_vocab_severity_name(int severity);

/*
 * Priority: "must-fix", "should-fix", "nice-to-have" ("_" or a space may
 * replace "-"), or "P1", "P2", "P3" in that order. Returns the normalized
 * static word, or NULL when s[0..n) is not in the vocabulary.
 */
const char *pirx_vocab_priority(const char *s, size_t n);
const char *pirx_vocab_priority_expected(void);

/*
 * Status: "open", "done", "cancelled" (also "canceled"). Returns the
 * normalized static word, or NULL when not in the vocabulary.
 */
const char *pirx_vocab_status(const char *s, size_t n);
const char *pirx_vocab_status_expected(void);

#endif
