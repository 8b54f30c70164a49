/*
 * test_taxonomy: the built-in failure-mode catalogue, matching texts to
 * modes, and located errors for bad taxonomy files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pirx/err.h"
#include "pirx/taxonomy.h"
#include "pirx/textnorm.h"

static const char *match(pirx_taxonomy *t, pirx_textnorm *tn, const char *text)
{
	struct pirx_tokens tok;
	long m;

	pirx_tokens_init(&tok);
	pirx_textnorm_run(tn, text, 0, &tok);
	m = pirx_taxonomy_match(t, &tok, NULL);
	pirx_tokens_release(&tok);
	return m < 0 ? "-" : pirx_taxonomy_mode(t, (size_t)m)->id;
}

static void test_builtin(void **state)
{
	pirx_textnorm *tn = pirx_textnorm_new();
	pirx_taxonomy *t = NULL;
	struct pirx_err err;

	(void)state;
	pirx_err_clear(&err);
	assert_int_equal(pirx_taxonomy_load(NULL, tn, &t, &err), 0);
	assert_true(pirx_taxonomy_count(t) >= 30);
	for (size_t i = 0; i < pirx_taxonomy_count(t); i++) {
		const struct pirx_taxonomy_mode *m = pirx_taxonomy_mode(t, i);
		assert_true(!strcmp(m->category, "technical") || !strcmp(m->category, "process")
			    || !strcmp(m->category, "communication") || !strcmp(m->category, "external"));
		assert_true(m->line >= 2);
	}
	/* paraphrases of one mode by different writers */
	assert_string_equal(match(t, tn, "TLS cert on the gateway expired"), "cert-expiry");
	assert_string_equal(match(t, tn, "certificate was not renewed in time"), "cert-expiry");
	assert_string_equal(match(t, tn, "db connection pool exhausted"), "conn-pool");
	assert_string_equal(match(t, tn, "max connections hit on the postgres pool"), "conn-pool");
	assert_string_equal(match(t, tn, "No space left on device on the log volume"), "disk-full");
	assert_string_equal(match(t, tn, "workers were OOMKilled"), "memory-oom");
	assert_string_equal(match(t, tn, "replica lag reached 20 minutes"), "db-failover");
	assert_string_equal(match(t, tn, "we had no alert on the queue depth"), "monitoring-gap");
	assert_string_equal(match(t, tn, "the runbook was outdated"), "runbook-gap");
	assert_string_equal(match(t, tn, "status page was updated an hour late"), "customer-comms");
	assert_string_equal(match(t, tn, "NXDOMAIN from the resolver"), "dns");
	assert_string_equal(match(t, tn, "the vendor API returned 500s"), "third-party");
	assert_string_equal(match(t, tn, "a quota on the provider account was exceeded, requests throttled"), "rate-limit");
	assert_string_equal(match(t, tn, "the weather was nice"), "-");
	pirx_taxonomy_free(t);
	pirx_taxonomy_free(NULL);
	pirx_textnorm_free(tn);
}

/* The failure decides, not the component it happened in nor what was done
 * about it: component, detection and mitigation words are hints, and a
 * mode with only hints never beats one with a term. */
static void test_failure_over_component(void **state)
{
	pirx_textnorm *tn = pirx_textnorm_new();
	pirx_taxonomy *t = NULL;
	struct pirx_err err;

	(void)state;
	pirx_err_clear(&err);
	assert_int_equal(pirx_taxonomy_load(NULL, tn, &t, &err), 0);
	assert_string_equal(match(t, tn, "pods kept restarting because they ran out of memory"), "memory-oom");
	assert_string_equal(match(t, tn, "the kubernetes pods restarted because the heap was exhausted"), "memory-oom");
	assert_string_equal(match(t, tn, "the nginx certificate expired"), "cert-expiry");
	assert_string_equal(match(t, tn, "redis ran out of disk space"), "disk-full");
	assert_string_equal(match(t, tn, "a typo in the load balancer configuration"), "config-change");
	assert_string_equal(match(t, tn, "the deploy introduced a null pointer exception; we rolled back"),
			    "deploy-regression");
	assert_string_equal(match(t, tn, "the disk filled up on the db host; the alert fired and on-call deleted old logs"),
			    "disk-full");
	assert_string_equal(match(t, tn, "a client library upgrade changed the default; the job retried for hours"),
			    "dep-upgrade");
	assert_string_equal(match(t, tn, "bumped the max pool size after the pool was exhausted"), "conn-pool");
	/* a component alone still finds its mode */
	assert_string_equal(match(t, tn, "the load balancer marked every backend unhealthy"), "load-balancer");
	pirx_taxonomy_free(t);
	pirx_textnorm_free(tn);
}

/* Writes text to a new temporary file; its name goes to path. */
static void write_temp(const char *text, char *path, size_t n)
{
	FILE *fp;
	int fd;

	snprintf(path, n, "/tmp/pirx-test-taxonomy-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* A taxonomy read from text through a temporary file, which must load. */
static pirx_taxonomy *load_file(const char *text, pirx_textnorm *tn)
{
	pirx_taxonomy *t = NULL;
	struct pirx_err err;
	char path[64];

	write_temp(text, path, sizeof(path));
	pirx_err_clear(&err);
	assert_int_equal(pirx_taxonomy_load(path, tn, &t, &err), 0);
	unlink(path);
	return t;
}

/* The rule itself, on a two-mode file: six hints (6 points) lose to one
 * term (5 points with the subject's 2), and win when no mode has a term,
 * as does a single hint in a short text. */
static void test_hints_never_beat_terms(void **state)
{
	pirx_textnorm *tn = pirx_textnorm_new();
	pirx_taxonomy *t = load_file("id,name,category,terms,hints\n"
				     "orch,Orchestration,technical,pod eviction,kubernetes;pod;container;node;cluster;helm\n"
				     "disk,Disk full,technical,disk full,\n", tn);

	(void)state;
	assert_string_equal(match(t, tn, "the helm kubernetes cluster: node, pod and container had a full disk"),
			    "disk");
	assert_string_equal(match(t, tn, "kubernetes pod container restarted"), "orch");
	assert_string_equal(match(t, tn, "kubernetes restarted"), "orch");
	assert_string_equal(match(t, tn, "the service restarted"), "-");
	/* in a longer text one hint is a side remark */
	assert_string_equal(match(t, tn, "the kubernetes upgrade went fine but the release train slipped "
				      "two weeks and the quarterly planning meeting ran long"), "-");
	pirx_taxonomy_free(t);
	pirx_textnorm_free(tn);
}

/* A phrase's words must stand together: in a paragraph, "disk" in one
 * sentence and "full" in another are not a full disk. */
static void test_words_stand_together(void **state)
{
	pirx_textnorm *tn = pirx_textnorm_new();
	pirx_taxonomy *t = load_file("id,name,category,terms,hints\n"
				     "disk,Disk full,technical,disk full,\n"
				     "deploy,Deploy regression,technical,bad release,\n", tn);

	(void)state;
	assert_string_equal(match(t, tn, "the disk on the primary was completely full"), "disk");
	assert_string_equal(match(t, tn, "a new disk controller arrived on monday; engineers racked it, "
				      "tested the firmware, checked cabling, updated inventory, labelled ports, "
				      "and the cage was full"), "-");
	/* the nearest occurrences count, wherever the first ones are */
	assert_string_equal(match(t, tn, "the release train was late on monday and the team shipped "
				      "quickly, engineers reviewed dashboards, tickets, metrics, logs; later a "
				      "bad release went out"), "deploy");
	pirx_taxonomy_free(t);
	pirx_textnorm_free(tn);
}

/* A negation counts for a term only when it stands near the term's words:
 * "no failover" is not "failover ... connections were not re-established". */
static void test_negation_is_local(void **state)
{
	pirx_textnorm *tn = pirx_textnorm_new();
	pirx_taxonomy *t = NULL;
	struct pirx_err err;

	(void)state;
	pirx_err_clear(&err);
	assert_int_equal(pirx_taxonomy_load(NULL, tn, &t, &err), 0);
	assert_string_equal(match(t, tn, "failover took 90 seconds and connections were not re-established"),
			    "db-failover");
	assert_string_equal(match(t, tn, "the search cluster had no redundancy"), "single-point");
	assert_string_equal(match(t, tn, "the runbook was missing"), "runbook-gap");
	pirx_taxonomy_free(t);
	pirx_textnorm_free(tn);
}

/* Loads text as a taxonomy file; returns the code, err filled. */
static int load_text(const char *text, struct pirx_err *err, char *path, size_t n)
{
	pirx_textnorm *tn = pirx_textnorm_new();
	pirx_taxonomy *t = NULL;
	int rc;

	write_temp(text, path, n);
	pirx_err_clear(err);
	rc = pirx_taxonomy_load(path, tn, &t, err);
	if (rc == 0) {
		assert_int_equal(pirx_taxonomy_count(t), 2);
		assert_string_equal(pirx_taxonomy_mode(t, 1)->name, "Disk full");
	}
	pirx_taxonomy_free(t);
	pirx_textnorm_free(tn);
	unlink(path);
	return rc;
}

/* When two modes' terms complete on the same word, the subject is the
 * earlier mode's, whatever the order of the words that bring the terms to
 * a match ("cat" comes first here, and is bb's). */
static void test_tie_goes_to_earlier_mode(void **state)
{
	pirx_textnorm *tn = pirx_textnorm_new();
	pirx_taxonomy *t = load_file("id,name,category,terms\n"
				     "aa,Lion tiger,technical,lion tiger\n"
				     "bb,Cat tiger,technical,cat tiger\n", tn);

	(void)state;
	assert_string_equal(match(t, tn, "cat lion tiger"), "aa");
	assert_string_equal(match(t, tn, "lion cat tiger"), "aa");
	pirx_taxonomy_free(t);
	pirx_textnorm_free(tn);
}

static void test_user_file(void **state)
{
	struct pirx_err err;
	char path[64];

	(void)state;
	assert_int_equal(load_text("ID,Name,Category,Terms,Extra\n"
				   "a,Mode A,Technical,foo bar;baz,x\n"
				   "b,Disk full,technical,\"disk full; no space\",\n", &err, path, sizeof(path)), 0);
}

static void test_bad_files(void **state)
{
	struct pirx_err err;
	char path[64];

	(void)state;
	assert_int_equal(load_text("id,name,terms\na,A,foo\n", &err, path, sizeof(path)), PIRX_EINPUT);
	assert_int_equal(err.line, 1);
	assert_string_equal(err.column, "category");
	assert_string_equal(err.file, path);

	assert_int_equal(load_text("id,name,category,terms\na,A,technical,foo\nb,B,weather,bar\n",
				   &err, path, sizeof(path)), PIRX_EINPUT);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.column, "category");
	assert_non_null(strstr(err.msg, "weather"));

	assert_int_equal(load_text("id,name,category,terms\na,A,technical,foo\n\na,B,process,bar\n",
				   &err, path, sizeof(path)), PIRX_EINPUT);
	assert_int_equal(err.line, 4);
	assert_string_equal(err.column, "id");

	assert_int_equal(load_text("id,name,category,terms\na,A,technical,\"the; of it\"\n",
				   &err, path, sizeof(path)), PIRX_EINPUT);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.column, "terms");

	assert_int_equal(load_text("id,name,category,terms\na,A,technical,\n",
				   &err, path, sizeof(path)), PIRX_EINPUT);
	assert_int_equal(err.line, 2);

	assert_int_equal(load_text("id,name,category,terms\nBad Id,A,technical,foo\n",
				   &err, path, sizeof(path)), PIRX_EINPUT);
	assert_string_equal(err.column, "id");

	assert_int_equal(load_text("id,name,category,terms\na,A,technical,\"foo\n",
				   &err, path, sizeof(path)), PIRX_EINPUT);
	assert_int_equal(err.line, 2);

	{
		pirx_textnorm *tn = pirx_textnorm_new();
		pirx_taxonomy *t = NULL;
		pirx_err_clear(&err);
		assert_int_equal(pirx_taxonomy_load("/nonexistent/taxonomy.csv", tn, &t, &err), PIRX_EIO);
		assert_null(t);
		pirx_textnorm_free(tn);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_failure_over_component),
		cmocka_unit_test(test_hints_never_beat_terms),
		cmocka_unit_test(test_words_stand_together),
		cmocka_unit_test(test_negation_is_local),
		cmocka_unit_test(test_tie_goes_to_earlier_mode),
		cmocka_unit_test(test_user_file),
		cmocka_unit_test(test_bad_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
