/*
 * vocab: table-driven matching of the corpus vocabularies. Matching is
 * ASCII case-insensitive and exact (no prefixes, no fuzzy matching): a
 * value pirx cannot place with certainty is an invalid cell, not a guess.
 * A corpus's own severity words are a short list searched linearly: they
 * are a handful, and a linear scan of a handful beats hashing.
 */
#include "pirx/vocab.h"

#include <stdlib.h>
#include <string.h>

#include "pirx/mem.h"

struct word {
	const char *text;
	int value;
};

static const struct word severity_words[] = {
	{"critical", 1}, {"major", 2}, {"high", 2}, {"medium", 3}, {"moderate", 3},
	{"minor", 4}, {"low", 4}, {"info", 5}, {"none", 5}, {NULL, 0}
};

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* 1 when s[0..n) equals the lower-case word w, ignoring ASCII case. */
static int same(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n && w[i]; i++)
		if (lower((unsigned char)s[i]) != w[i])
			return 0;
	return i == n && w[i] == '\0';
}

/* 1..5 when s[0..n) is exactly one digit in that range after prefix p. */
static int prefixed_digit(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	if (n < k + 1 || !same(s, k, p))
		return -1;
	s += k;
	n -= k;
	if (n == 2 && (s[0] == '-' || s[0] == ' '))
		s++, n--;
	if (n != 1 || s[0] < '1' || s[0] > '5')
		return -1;
	return s[0] - '0';
}

int pirx_vocab_severity(const char *s, size_t n)
{
	int v;

	if (n == 0)
		return -1;
	if (n == 1)
		return s[0] >= '1' && s[0] <= '5' ? s[0] - '0' : -1;
	if ((v = prefixed_digit(s, n, "sev")) > 0)
		return v;
	if (n == 2 && (s[0] == 'p' || s[0] == 'P'))
		return s[1] >= '1' && s[1] <= '5' ? s[1] - '0' : -1;
	for (const struct word *w = severity_words; w->text; w++)
		if (same(s, n, w->text))
			return w->value;
	return -1;
}

const char *pirx_vocab_severity_expected(void)
{
	return "SEV1..SEV5, P1..P5, 1..5, or critical, major, high, medium, moderate, "
	       "minor, low, info, none";
}

const char *pirx_vocab_severity_name(int severity)
{
	static const char *const names[] = {"SEV1", "SEV2", "SEV3", "SEV4", "SEV5"};

	if (severity < 1 || severity > 5)
		return "unknown";
	return names[severity - 1];
}

/* Like same(), but '_' and ' ' in s also match '-' in w. */
static int same_dashed(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n && w[i]; i++) {
		int c = lower((unsigned char)s[i]);
		if (w[i] == '-' && (c == '_' || c == ' '))
			continue;
		if (c != w[i])
			return 0;
	}
	return i == n && w[i] == '\0';
}

const char *pirx_vocab_priority(const char *s, size_t n)
{
	static const char *const words[] = {"must-fix", "should-fix", "nice-to-have"};

	for (int i = 0; i < 3; i++)
		if (same_dashed(s, n, words[i]))
			return words[i];
	if (n == 2 && (s[0] == 'p' || s[0] == 'P') && s[1] >= '1' && s[1] <= '3')
		return words[s[1] - '1'];
	return NULL;
}

const char *pirx_vocab_priority_expected(void)
{
	return "must-fix, should-fix, nice-to-have, P1, P2 or P3";
}

const char *pirx_vocab_status(const char *s, size_t n)
{
	if (same(s, n, "open"))
		return "open";
	if (same(s, n, "done"))
		return "done";
	if (same(s, n, "cancelled") || same(s, n, "canceled"))
		return "cancelled";
	return NULL;
}

const char *pirx_vocab_status_expected(void)
{
	return "open, done or cancelled";
}

struct custom {
	char word[64];   /* lower case */
	int value;
};

struct pirx_vocab {
	struct custom *words;
	size_t n, cap;
};

pirx_vocab *pirx_vocab_new(void)
{
	return pirx_xcalloc(1, sizeof(struct pirx_vocab));
}

void pirx_vocab_free(pirx_vocab *v)
{
	if (!v)
		return;
	free(v->words);
	free(v);
}

int pirx_vocab_add_severity(pirx_vocab *v, const char *word, size_t n, int severity)
{
	struct custom *c = NULL;

	if (n == 0 || n >= sizeof(c->word) || severity < 1 || severity > 5)
		return -1;
	for (size_t i = 0; i < v->n && !c; i++)
		if (same(word, n, v->words[i].word))
			c = &v->words[i];
	if (!c) {
		if (v->n == v->cap) {
			v->cap = v->cap ? v->cap * 2 : 8;
			v->words = pirx_xreallocarray(v->words, v->cap, sizeof(*v->words));
		}
		c = &v->words[v->n++];
		for (size_t i = 0; i < n; i++)
			c->word[i] = (char)lower((unsigned char)word[i]);
		c->word[n] = '\0';
	}
	c->value = severity;
	return 0;
}

int pirx_vocab_severity_in(const pirx_vocab *v, const char *s, size_t n)
{
	for (size_t i = 0; v && i < v->n; i++)
		if (same(s, n, v->words[i].word))
			return v->words[i].value;
	return pirx_vocab_severity(s, n);
}
