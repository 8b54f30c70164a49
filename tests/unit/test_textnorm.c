/*
 * test_textnorm: factor-text normalization (stemming, abbreviations and
 * synonyms, stop words, the corpus's own names, spelling correction) and
 * the string table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pirx/mem.h"
#include "pirx/textnorm.h"

/* The stems of text, joined by spaces, into a static buffer. */
static const char *norm(pirx_textnorm *tn, const char *text, int flags)
{
	static char out[1024];
	struct pirx_tokens t;
	struct pirx_buf b;

	pirx_tokens_init(&t);
	pirx_buf_init(&b);
	pirx_textnorm_run(tn, text, flags, &t);
	pirx_tokens_join(&t, &b);
	snprintf(out, sizeof(out), "%s", pirx_buf_str(&b));
	pirx_buf_release(&b);
	pirx_tokens_release(&t);
	return out;
}

static void test_stemming_and_stop_words(void **state)
{
	pirx_textnorm *tn = pirx_textnorm_new();

	(void)state;
	assert_string_equal(norm(tn, "The deployments were failing", 0), "deploy fail");
	assert_string_equal(norm(tn, "Connections exhausted!", 0), "connect exhaust");
	/* bare numbers and single letters go; mixed tokens stay */
	assert_string_equal(norm(tn, "latency rose 300 ms at 5xx a b", 0), "latenc rose ms 5xx");
	/* curly apostrophes and possessives */
	assert_string_equal(norm(tn, "the provider\xe2\x80\x99s API", 0), "provid api");
	char buf[64];
	pirx_textnorm_stem(tn, "replication", buf, sizeof(buf));
	assert_string_equal(buf, "replic");
	/* Words seen before take their stems from the cache: the same stems,
	 * each its own (deployments and deploying share one, exhausted not). */
	assert_string_equal(norm(tn, "deploying exhausted deployments failing", 0),
			    "deploy exhaust deploy fail");
	assert_string_equal(norm(tn, "failing deployments were exhausted", 0), "fail deploy exhaust");
	pirx_textnorm_free(tn);
}

static void test_synonyms(void **state)
{
	pirx_textnorm *tn = pirx_textnorm_new();

	(void)state;
	assert_string_equal(norm(tn, "cert expired", 0), norm(tn, "certificate expired", 0));
	assert_string_equal(norm(tn, "SSL certs", 0), "tls certif");
	assert_string_equal(norm(tn, "db conn pool", 0), "databas connect pool");
	assert_string_equal(norm(tn, "Postgres", 0), "databas");
	assert_string_equal(norm(tn, "OOMKilled", 0), "out memori kill");
	assert_string_equal(norm(tn, "k8s cfg", 0), "kubernet configur");
	assert_string_equal(norm(tn, "bad config on the LB", 0), "bad configur load balanc");
	/* negations collapse into "no" */
	assert_string_equal(norm(tn, "alert didn't fire", 0), "alert no fire");
	assert_string_equal(norm(tn, "without a runbook", 0), "no runbook");
	assert_string_equal(norm(tn, "missing alert", 0), "no alert");
	assert_string_equal(norm(tn, "nothing paged us", 0), "no page");
	assert_string_equal(norm(tn, "Insufficient monitoring", 0), "no monitor");
	/* "bumped" is raising a number as often as a version: left as it is */
	assert_string_equal(norm(tn, "bumped maxPoolSize", 0), "bump max pool size");
	assert_string_equal(norm(tn, "RAM", 0), "memori");
	assert_string_equal(norm(tn, "crashlooping pods", 0), "crash loop pod");
	assert_string_equal(norm(tn, "DST", 0), "daylight save");
	assert_string_equal(norm(tn, "no incident commander", 0), "no coordin");
	assert_string_equal(norm(tn, "502s from the ingress", 0), "bad gateway ingress");
	assert_string_equal(norm(tn, "401 after the rotation", 0), "unauthor rotat");
	assert_string_equal(norm(tn, "add an alert", 0), norm(tn, "added an alert", 0));
	assert_string_equal(norm(tn, "fw rule in the other DC", 0), "firewal rule datacent");
	assert_string_equal(norm(tn, "resolver failures", 0), "dns resolv failur");
	/* "down" and "time" mean something in operations writing */
	assert_string_equal(norm(tn, "the vendor went down", 0), "vendor down");
	assert_string_equal(norm(tn, "time zone", 0), "time zone");
	pirx_textnorm_free(tn);
}

static void test_names_removed(void **state)
{
	pirx_textnorm *tn = pirx_textnorm_new();

	(void)state;
	pirx_textnorm_protect(tn, "dns");
	pirx_textnorm_add_noise(tn, "payments-api");
	pirx_textnorm_add_noise(tn, "Checkout");
	pirx_textnorm_add_noise(tn, "dns");           /* protected: kept as a word */
	pirx_textnorm_add_noise(tn, "k8s-ingress");   /* several words: always a name */
	assert_string_equal(norm(tn, "payments-api connection pool exhausted", 0), "connect pool exhaust");
	assert_string_equal(norm(tn, "Payments API pool exhausted", 0), "pool exhaust");
	assert_string_equal(norm(tn, "payments retried", 0), "payment retri");
	assert_string_equal(norm(tn, "checkout DNS lookups failed", 0), "dns lookup fail");
	assert_string_equal(norm(tn, "k8s-ingress kept old primary", 0), "kept old primari");
	/* names stay when asked (taxonomy phrases) */
	assert_string_equal(norm(tn, "checkout", PIRX_TN_NO_NOISE), "checkout");
	pirx_textnorm_free(tn);
}

static void test_spelling(void **state)
{
	pirx_textnorm *tn = pirx_textnorm_new();

	(void)state;
	pirx_textnorm_learn(tn, "certificate expired", 20);
	pirx_textnorm_learn(tn, "certifcate expierd", 1);
	pirx_textnorm_learn(tn, "lagged", 1);
	pirx_textnorm_protect(tn, "replication");
	pirx_textnorm_learn(tn, "replciation", 1);
	pirx_textnorm_freeze(tn);
	assert_string_equal(norm(tn, "certifcate expierd", 0), "certif expir");
	assert_string_equal(norm(tn, "replciation", 0), "replic");
	assert_string_equal(norm(tn, "lagged", 0), "lag");
	assert_string_equal(norm(tn, "certifcate", PIRX_TN_NO_CORRECT), "certifc");
	pirx_textnorm_free(tn);
}

/* Words seen before a table changes are worked out again after it: a
 * name added, spellings learned and frozen, a word protected. */
static void test_tables_change(void **state)
{
	pirx_textnorm *tn = pirx_textnorm_new();

	(void)state;
	assert_string_equal(norm(tn, "orders-db certifcate expierd", 0), "order databas certifc expierd");
	assert_string_equal(norm(tn, "orders-db certifcate expierd", 0), "order databas certifc expierd");
	pirx_textnorm_add_noise(tn, "orders-db");
	assert_string_equal(norm(tn, "orders-db certifcate expierd", 0), "certifc expierd");
	pirx_textnorm_learn(tn, "certificate expired", 20);
	pirx_textnorm_learn(tn, "orders-db certifcate expierd", 1);
	/* Learned but not frozen: no correction yet. */
	assert_string_equal(norm(tn, "orders-db certifcate expierd", 0), "certifc expierd");
	pirx_textnorm_freeze(tn);
	assert_string_equal(norm(tn, "orders-db certifcate expierd", 0), "certif expir");
	pirx_textnorm_free(tn);
}

static void test_strtab(void **state)
{
	pirx_strtab *t = pirx_strtab_new();
	int added;
	char w[32];

	(void)state;
	for (int i = 0; i < 1000; i++) {
		snprintf(w, sizeof(w), "w%d", i);
		assert_int_equal(pirx_strtab_intern(t, w, -1, &added), i);
		assert_int_equal(added, 1);
	}
	assert_int_equal(pirx_strtab_intern(t, "w17", -1, &added), 17);
	assert_int_equal(added, 0);
	assert_int_equal(pirx_strtab_find(t, "w999x", 4), 999);
	assert_int_equal(pirx_strtab_find(t, "nope", -1), -1);
	assert_string_equal(pirx_strtab_str(t, 42), "w42");
	assert_int_equal(pirx_strtab_count(t), 1000);
	/* The hint is tried first, and only a match is taken from it. */
	assert_int_equal(pirx_strtab_find_near(t, "w42", -1, 42), 42);
	assert_int_equal(pirx_strtab_find_near(t, "w42", -1, 41), 42);
	assert_int_equal(pirx_strtab_find_near(t, "w4", -1, 42), 4);
	assert_int_equal(pirx_strtab_find_near(t, "w42x", 3, 1000), 42);
	assert_int_equal(pirx_strtab_find_near(t, "w42", -1, -1), 42);
	assert_int_equal(pirx_strtab_find_near(t, "nope", -1, 42), -1);
	/* The few ids after the hint are walked, up to the last id. */
	assert_int_equal(pirx_strtab_find_near(t, "w45", -1, 42), 45);
	assert_int_equal(pirx_strtab_find_near(t, "w46", -1, 42), 46);
	assert_int_equal(pirx_strtab_find_near(t, "w47", -1, 42), 47);
	assert_int_equal(pirx_strtab_find_near(t, "w999", -1, 998), 999);
	assert_int_equal(pirx_strtab_find_near(t, "w998", -1, 999), 998);
	assert_int_equal(pirx_strtab_find_near(t, "w99", -1, 997), 99);
	pirx_strtab_free(t);
	pirx_strtab_free(NULL);
	pirx_textnorm_free(NULL);
}

/* Appended ids (known to be new) enter the hash table only when a lookup
 * needs it: find_near finds them near its hint without it, a find or an
 * intern indexes them first, and ids appended after an intern are found
 * too, through every growth of the table, and after the table is
 * emptied. */
static void test_strtab_append(void **state)
{
	pirx_strtab *t = pirx_strtab_new();
	char s[32];

	(void)state;
	assert_int_equal(pirx_strtab_append(t, "a", -1), 0);
	assert_int_equal(pirx_strtab_append(t, "bb", -1), 1);
	assert_int_equal(pirx_strtab_append(t, "ccc", 2), 2);   /* "cc" */
	assert_int_equal(pirx_strtab_find_near(t, "bb", -1, 0), 1);
	assert_int_equal(pirx_strtab_find(t, "cc", -1), 2);
	assert_int_equal(pirx_strtab_find(t, "ccc", -1), -1);
	assert_int_equal(pirx_strtab_intern(t, "bb", -1, NULL), 1);
	assert_int_equal(pirx_strtab_intern(t, "d", -1, NULL), 3);
	assert_int_equal(pirx_strtab_append(t, "e", -1), 4);
	assert_int_equal(pirx_strtab_find(t, "e", -1), 4);
	assert_int_equal(pirx_strtab_find(t, "a", -1), 0);
	for (int i = 0; i < 5000; i++) {
		snprintf(s, sizeof(s), "id-%d", i);
		assert_int_equal(pirx_strtab_append(t, s, -1), 5 + i);
	}
	for (int i = 0; i < 5000; i += 7) {
		snprintf(s, sizeof(s), "id-%d", i);
		assert_int_equal(pirx_strtab_find_near(t, s, -1, 5 + i - 2), 5 + i);
	}
	for (int i = 4999; i >= 0; i -= 3) {
		int added = -1;
		snprintf(s, sizeof(s), "id-%d", i);
		assert_int_equal(pirx_strtab_intern(t, s, -1, &added), 5 + i);
		assert_int_equal(added, 0);
	}
	assert_int_equal(pirx_strtab_count(t), 5005);
	assert_string_equal(pirx_strtab_str(t, 5 + 4321), "id-4321");
	/* Emptied, it numbers from 0 again and forgets every string. */
	pirx_strtab_clear(t);
	assert_int_equal(pirx_strtab_count(t), 0);
	assert_int_equal(pirx_strtab_find(t, "bb", -1), -1);
	assert_int_equal(pirx_strtab_find_near(t, "id-7", -1, 0), -1);
	assert_int_equal(pirx_strtab_append(t, "id-7", -1), 0);
	assert_int_equal(pirx_strtab_intern(t, "bb", -1, NULL), 1);
	assert_int_equal(pirx_strtab_find(t, "id-7", -1), 0);
	assert_string_equal(pirx_strtab_str(t, 1), "bb");
	pirx_strtab_free(t);
}

/* The hash reads eight bytes at a time and the rest one by one: strings
 * that differ only in their last byte, a byte past a word boundary or a
 * trailing NUL must all be told apart, and hash alike only when equal. */
static void test_strtab_hash_tails(void **state)
{
	pirx_strtab *t = pirx_strtab_new();
	char s[40];
	long want = 0;

	(void)state;
	for (int len = 1; len <= 33; len++) {
		for (int last = 0; last < 4; last++) {
			memset(s, 'a', sizeof(s));
			s[len - 1] = (char)('a' + last);
			assert_int_equal(pirx_strtab_intern(t, s, len, NULL), want);
			want++;
		}
	}
	assert_int_equal(pirx_strtab_count(t), want);
	memset(s, 'a', sizeof(s));
	s[8] = 'b';
	assert_int_equal(pirx_strtab_find(t, s, 9), 8 * 4 + 1);
	assert_int_equal(pirx_strtab_intern(t, "ab\0", 3, NULL), want);
	assert_true(pirx_strtab_hash("ab\0", 3) != pirx_strtab_hash("ab", 2));
	assert_true(pirx_strtab_hash("abcdefgh1", 9) == pirx_strtab_hash("abcdefgh1", 9));
	assert_true(pirx_strtab_hash("abcdefgh1", 9) != pirx_strtab_hash("abcdefgh2", 9));
	assert_true(pirx_strtab_hash("", 0) != 0);
	pirx_strtab_free(t);
}

/* Many strings: the slots grow into a huge-page table, strings fill many
 * blocks (one larger than a block, one empty, one with a NUL inside), and
 * a string's pointer never moves. */
static void test_strtab_large(void **state)
{
	enum { N = 300000 };
	pirx_strtab *t = pirx_strtab_new();
	char w[32], *big = pirx_xmalloc(100000);
	const char *first;
	int added;

	(void)state;
	memset(big, 'b', 100000);
	assert_int_equal(pirx_strtab_intern(t, "INC-0000000", -1, NULL), 0);
	first = pirx_strtab_str(t, 0);
	for (int i = 1; i < N; i++) {
		snprintf(w, sizeof(w), "INC-%07d", i);
		assert_int_equal(pirx_strtab_intern(t, w, -1, &added), i);
		assert_int_equal(added, 1);
	}
	assert_int_equal(pirx_strtab_intern(t, big, 100000, NULL), N);
	assert_int_equal(pirx_strtab_intern(t, "", 0, NULL), N + 1);
	assert_int_equal(pirx_strtab_intern(t, "a\0b", 3, NULL), N + 2);
	assert_int_equal(pirx_strtab_intern(t, "INC-0000001", -1, NULL), 1);
	assert_ptr_equal(pirx_strtab_str(t, 0), first);
	assert_string_equal(first, "INC-0000000");
	for (int i = 0; i < N; i += 997) {
		snprintf(w, sizeof(w), "INC-%07d", i);
		assert_int_equal(pirx_strtab_find(t, w, -1), i);
		assert_string_equal(pirx_strtab_str(t, i), w);
	}
	assert_int_equal(pirx_strtab_find(t, "INC-0300000", -1), -1);
	assert_int_equal(pirx_strtab_find(t, big, 99999), -1);
	assert_int_equal(pirx_strtab_find(t, big, 100000), N);
	assert_int_equal(pirx_strtab_find(t, "", 0), N + 1);
	assert_int_equal(pirx_strtab_find(t, "a", 1), -1);
	assert_int_equal(pirx_strtab_find(t, "a\0b", 3), N + 2);
	assert_int_equal(pirx_strtab_count(t), N + 3);
	pirx_strtab_free(t);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stemming_and_stop_words),
		cmocka_unit_test(test_synonyms),
		cmocka_unit_test(test_names_removed),
		cmocka_unit_test(test_spelling),
		cmocka_unit_test(test_tables_change),
		cmocka_unit_test(test_strtab),
		cmocka_unit_test(test_strtab_hash_tails),
		cmocka_unit_test(test_strtab_append),
		cmocka_unit_test(test_strtab_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
