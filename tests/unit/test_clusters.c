/*
 * test_clusters: the partition scores (ARI, NMI) on known partitions, and
 * the clustering of small sets of paraphrases: same mode together,
 * different modes apart, the same result every run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pirx/clusters.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_ari_nmi(void **state)
{
	const long a[] = {0, 0, 0, 1, 1, 1}, b[] = {0, 0, 1, 1, 2, 2};
	const long c[] = {7, 7, 7, 3, 3, 3};          /* a relabelled */
	const long d[] = {0, 0, 1, 1}, e[] = {0, 0, 1, 2};
	const long f[] = {0, 0, 1, 1, 2, 2}, g[] = {0, 1, 0, 1, 0, 1};
	const long one[] = {5, 5, 5, 5};

	(void)state;
	assert_float_equal(pirx_clusters_ari(a, a, 6), 1.0, 1e-12);
	assert_float_equal(pirx_clusters_ari(a, c, 6), 1.0, 1e-12);
	assert_float_equal(pirx_clusters_ari(a, b, 6), 0.24242424242424246, 1e-12);
	assert_float_equal(pirx_clusters_ari(d, e, 4), 0.5714285714285714, 1e-12);
	assert_float_equal(pirx_clusters_ari(f, g, 6), -0.36363636363636365, 1e-12);
	assert_float_equal(pirx_clusters_ari(one, one, 4), 1.0, 1e-12);
	assert_float_equal(pirx_clusters_nmi(a, c, 6), 1.0, 1e-12);
	assert_float_equal(pirx_clusters_nmi(a, b, 6), 0.5158037429793887, 1e-12);
	assert_float_equal(pirx_clusters_nmi(f, g, 6), 0.0, 1e-12);
	assert_float_equal(pirx_clusters_nmi(one, one, 4), 1.0, 1e-12);
}

/* Paraphrases by different writers, three per failure mode. */
static const char *const texts[] = {
	"TLS certificate on the api gateway expired",
	"cert expired on the LB, nobody renewed it",
	"the SSL certs were not renewed before expiry",
	"db connection pool exhausted under load",
	"max connections hit on the postgres pool",
	"connection pool saturated, requests queued for a connection",
	"disk full on the logging host",
	"no space left on device",
	"the data volume filled up to 100%",
	/* no taxonomy mode: must still group by meaning */
	"the gizmo flux capacitor desynchronized",
	"flux capacitor desynchronized again on the gizmo",
	"gizmo flux capacitor desync",
};
static const long truth[] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3};

static void test_paraphrases(void **state)
{
	struct pirx_clusters_opts o;
	struct pirx_clustering c;
	struct pirx_err err;
	const char *const noise[] = {"api-gateway", "logging"};

	(void)state;
	pirx_clusters_opts_init(&o);
	assert_int_equal(pirx_clusters_build(texts, NULL, N(texts), noise, N(noise), &o, &c, &err), 0);
	assert_int_equal(c.ntexts, N(texts));
	assert_float_equal(pirx_clusters_ari(c.cluster, truth, N(texts)), 1.0, 1e-12);
	assert_string_equal(c.clusters[c.cluster[0]].id, "cert-expiry");
	assert_string_equal(c.clusters[c.cluster[0]].label, "Certificate expiry");
	assert_string_equal(c.clusters[c.cluster[3]].id, "conn-pool");
	assert_string_equal(c.clusters[c.cluster[6]].id, "disk-full");
	/* the discovered one is labelled by its own words */
	assert_string_equal(c.clusters[c.cluster[9]].id, "auto-001");
	assert_false(c.clusters[c.cluster[9]].from_taxonomy);
	assert_non_null(strstr(c.clusters[c.cluster[9]].label, "flux"));
	assert_int_equal(c.clusters[c.cluster[9]].texts, 3);
	pirx_clusters_release(&c);
}

static void test_unsupervised_only(void **state)
{
	struct pirx_clusters_opts o;
	struct pirx_clustering c;
	struct pirx_err err;
	static const char *const t[] = {
		"connection pool exhausted", "connection pool exhausted again", "pool of connections exhausted",
		"certificate expired", "the certificate expired", "expired certificate",
		"disk full", "disk is full", "full disk",
	};
	static const long want[] = {0, 0, 0, 1, 1, 1, 2, 2, 2};

	(void)state;
	pirx_clusters_opts_init(&o);
	o.no_taxonomy = 1;
	assert_int_equal(pirx_clusters_build(t, NULL, N(t), NULL, 0, &o, &c, &err), 0);
	assert_float_equal(pirx_clusters_ari(c.cluster, want, N(t)), 1.0, 1e-12);
	assert_int_equal(c.distinct, 6);       /* word order and stop words aside */
	assert_int_equal(c.agglomerated, 6);
	pirx_clusters_release(&c);

	/* beyond the agglomeration cap, leftovers join the nearest cluster */
	o.agglo_cap = 1;
	assert_int_equal(pirx_clusters_build(t, NULL, N(t), NULL, 0, &o, &c, &err), 0);
	assert_float_equal(pirx_clusters_ari(c.cluster, want, N(t)), 1.0, 1e-12);
	assert_int_equal(c.assigned, 5);
	pirx_clusters_release(&c);
}

static void test_deterministic(void **state)
{
	struct pirx_clusters_opts o;
	struct pirx_clustering a, b;
	struct pirx_err err;
	long w[N(texts)];

	(void)state;
	for (size_t i = 0; i < N(texts); i++)
		w[i] = (long)(i % 4) + 1;
	pirx_clusters_opts_init(&o);
	assert_int_equal(pirx_clusters_build(texts, w, N(texts), NULL, 0, &o, &a, &err), 0);
	assert_int_equal(pirx_clusters_build(texts, w, N(texts), NULL, 0, &o, &b, &err), 0);
	assert_int_equal(a.nclusters, b.nclusters);
	assert_memory_equal(a.cluster, b.cluster, N(texts) * sizeof(long));
	for (size_t i = 0; i < a.nclusters; i++) {
		assert_string_equal(a.clusters[i].id, b.clusters[i].id);
		assert_string_equal(a.clusters[i].label, b.clusters[i].label);
		assert_int_equal(a.clusters[i].weight, b.clusters[i].weight);
		assert_int_equal(a.clusters[i].example, b.clusters[i].example);
		if (i)
			assert_true(a.clusters[i - 1].weight >= a.clusters[i].weight);
	}
	pirx_clusters_release(&a);
	pirx_clusters_release(&b);
}

/* Labels name a stem by its most frequent surface word, counted by the
 * weight of the texts that use it: "restarts" (5 rows) over "restart"
 * (1), each in a different distinct text, and the other way round. */
static void test_label_words_by_weight(void **state)
{
	struct pirx_clusters_opts o;
	struct pirx_clustering c;
	struct pirx_err err;
	static const char *const t[] = {
		"database restart failed", "database restart failed again",
		"restarts timed out", "disk full", "disk is full",
	};
	long w[] = {1, 1, 5, 1, 1};

	(void)state;
	pirx_clusters_opts_init(&o);
	o.no_taxonomy = 1;
	assert_int_equal(pirx_clusters_build(t, w, N(t), NULL, 0, &o, &c, &err), 0);
	assert_non_null(strstr(c.clusters[c.cluster[0]].label, "restarts"));
	pirx_clusters_release(&c);
	w[2] = 1;
	assert_int_equal(pirx_clusters_build(t, w, N(t), NULL, 0, &o, &c, &err), 0);
	assert_non_null(strstr(c.clusters[c.cluster[0]].label, "restart"));
	assert_null(strstr(c.clusters[c.cluster[0]].label, "restarts"));
	pirx_clusters_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ari_nmi),
		cmocka_unit_test(test_label_words_by_weight),
		cmocka_unit_test(test_paraphrases),
		cmocka_unit_test(test_unsupervised_only),
		cmocka_unit_test(test_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
