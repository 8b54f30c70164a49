/*
 * textnorm: turns free-text contributing factors into normalized tokens
 * (the libstemmer adapter: Snowball's English stemmer lives only here).
 *
 * Steps, in order, for one text: lower case (ASCII), split into words on
 * anything that is not a letter, digit or UTF-8 byte; remove the corpus's
 * own names (services, teams) as whole word sequences; correct rare
 * misspellings of known words (edit distance 1); expand operations
 * abbreviations and synonyms ("cert" -> "certificate", "oom" -> "out
 * memory", "k8s" -> "kubernetes"); drop stop words and bare numbers; stem.
 *
 * Also a string table (interning strings to dense ids), used by the
 * clustering modules for vocabularies and de-duplication.
 */
#ifndef PIRX_TEXTNORM_H
#define PIRX_TEXTNORM_H

#include <stddef.h>
#include <stdint.h>

typedef struct pirx_textnorm pirx_textnorm;

/* A normalized text: n tokens, each a stem and the word it came from
 * (lower case, after correction and synonym expansion). */
struct pirx_tokens {
	size_t n, cap;
	char **stem;
	char **word;
};

void pirx_tokens_init(struct pirx_tokens *t);
void pirx_tokens_release(struct pirx_tokens *t);
/* Empties t, keeping its memory. */
void pirx_tokens_reset(struct pirx_tokens *t);
/* The stems joined by single spaces, into buf (reset first). */
struct pirx_buf;
void pirx_tokens_join(const struct pirx_tokens *t, struct pirx_buf *buf);

/* A new normalizer (English stemmer). Free with pirx_textnorm_free. */
pirx_textnorm *pirx_textnorm_new(void);
void pirx_textnorm_free(pirx_textnorm *tn);

/*
 * Adds a name (a service or team, "payments-api") whose word sequence is
 * removed from texts. A one-word name that is a protected word (see
 * pirx_textnorm_protect) or a stop word is ignored, so that a service
 * called "dns" does not erase the word from every factor.
 */
void pirx_textnorm_add_noise(pirx_textnorm *tn, const char *name);

/* Marks a (lower-case) word as meaningful: never removed as a name. */
void pirx_textnorm_protect(pirx_textnorm *tn, const char *word);

/*
 * Counts the words of a corpus text (weight = how many factor rows hold
 * it), for spelling correction. Call for every text before
 * pirx_textnorm_freeze.
 */
void pirx_textnorm_learn(pirx_textnorm *tn, const char *text, long weight);

/*
 * Builds the correction table from the counts: a word of 6 letters or more
 * seen at most 2 times and less than a third as often as a word at edit
 * distance 1 (insertion, deletion, substitution or swap of neighbours) is
 * read as that word; protected words count as frequent. Without it no
 * word is corrected.
 */
void pirx_textnorm_freeze(pirx_textnorm *tn);

/* Flags for pirx_textnorm_run. */
enum {
	PIRX_TN_NO_NOISE = 1,   /* keep names (for taxonomy terms) */
	PIRX_TN_NO_CORRECT = 2  /* no spelling correction */
};

/* Normalizes text into out (reset first). Never fails. */
void pirx_textnorm_run(pirx_textnorm *tn, const char *text, int flags,
		       struct pirx_tokens *out);

/* The stem of one lower-case word, into buf of size n (truncated). */
void pirx_textnorm_stem(pirx_textnorm *tn, const char *word, char *buf, size_t n);

/* A string table: interns strings to dense ids 0, 1, 2, ... */
typedef struct pirx_strtab pirx_strtab;

pirx_strtab *pirx_strtab_new(void);
void pirx_strtab_free(pirx_strtab *t);
/* Empties t (ids start again from 0), keeping its tables' memory. */
void pirx_strtab_clear(pirx_strtab *t);
/* The id of s[0..n) (n < 0: strlen), adding it when absent; *added is set
 * to 1 when it was new (added may be NULL). */
long pirx_strtab_intern(pirx_strtab *t, const char *s, long n, int *added);
/*
 * Adds s[0..n) (n < 0: strlen) as the next id without looking for it: the
 * caller knows it is not there (the ids of the incidents table). Such ids
 * enter the hash table only when a lookup first needs it, so that rows
 * looked up in the order the ids were added (find_near) never build it:
 * at 100k ids, each probe and each insert into it is a cache miss.
 */
long pirx_strtab_append(pirx_strtab *t, const char *s, long n);
/* The id of s, or -1 when absent. */
long pirx_strtab_find(const pirx_strtab *t, const char *s, long n);
/* The same, trying id `hint` and the few ids after it first (the previous
 * row's, when rows come grouped by key in the order the keys were added):
 * no hashing and no probing when one of them matches. */
long pirx_strtab_find_near(const pirx_strtab *t, const char *s, long n, long hint);
/* The string of an id (owned by the table; it never moves). */
const char *pirx_strtab_str(const pirx_strtab *t, long id);
/* The length of id's string (which may hold NUL bytes). */
size_t pirx_strtab_len(const pirx_strtab *t, long id);
/* Number of strings. */
long pirx_strtab_count(const pirx_strtab *t);
/* The table's hash of s[0..n) (never 0); the loader's id sets use it too. */
uint64_t pirx_strtab_hash(const char *s, size_t n);

#endif
