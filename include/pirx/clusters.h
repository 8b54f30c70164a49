/*
 * clusters: groups contributing-factor texts by the failure mode they
 * describe (SPEC section 3, "Factor clusters"), and scores a clustering
 * against a reference partition.
 *
 * A text is normalized (textnorm.h), then matched against the failure-mode
 * taxonomy (taxonomy.h); texts no mode claims are clustered by meaning:
 * TF-IDF vectors over word unigrams, bigrams and character trigrams,
 * cosine similarity, average-linkage agglomeration cut at a similarity
 * threshold (so the number of clusters comes from the data). The report
 * step itself, pirx_clusters_run, is declared in report.h.
 */
#ifndef PIRX_CLUSTERS_H
#define PIRX_CLUSTERS_H

#include <stddef.h>
#include <stdint.h>

#include "pirx/err.h"

/* Default cosine similarity at which discovered clusters stop merging. */
#define PIRX_CLUSTERS_THRESHOLD 0.35
/* A leftover joins a taxonomy mode when its cosine to the centroid of the
 * texts the mode matched is at least this, and this far ahead of the
 * next mode. */
#define PIRX_CLUSTERS_PROPAGATE 0.20
#define PIRX_CLUSTERS_MARGIN 0.05
/* At most this many distinct leftover texts are agglomerated (O(n^2)
 * memory and time); the rest join the nearest cluster or found new ones. */
#define PIRX_CLUSTERS_AGGLO_CAP 3000

struct pirx_clusters_opts {
	const char *taxonomy;  /* taxonomy file, NULL for the built-in one */
	double threshold;      /* cosine threshold; <= 0: the default */
	long agglo_cap;        /* <= 0: the default */
	int no_taxonomy;       /* cluster everything without the taxonomy */
};

void pirx_clusters_opts_init(struct pirx_clusters_opts *o);

/* One cluster of a clustering. Strings are owned by the clustering. */
struct pirx_cluster {
	char *id;          /* taxonomy id, or "auto-NNN" for a discovered one */
	char *label;       /* taxonomy name, or the most characteristic terms */
	char *category;    /* taxonomy category, "" for a discovered one */
	int from_taxonomy;
	long texts;        /* input texts in it */
	long weight;       /* sum of their weights */
	size_t example;    /* index of its most frequent input text */
};

struct pirx_clustering {
	size_t ntexts;
	long *cluster;              /* per input text: index into clusters */
	size_t nclusters;
	struct pirx_cluster *clusters;  /* by weight, descending, then id */
	/* What happened, for progress lines and docs. */
	long distinct;              /* distinct normalized texts */
	long matched;               /* of them, claimed by the taxonomy */
	long propagated;            /* joined a mode by similarity to its matches */
	long agglomerated;          /* leftovers clustered by agglomeration */
	long assigned;              /* leftovers assigned beyond the cap */
};

/*
 * Clusters n texts, text i standing for weights[i] factor rows (weights
 * may be NULL: 1 each). noise[0..nnoise) are names removed from texts
 * (services, teams). Deterministic: the same input gives the same output.
 * Returns 0 and fills *out (release with pirx_clusters_release), or a
 * negative PIRX_E* from reading the taxonomy.
 */
int pirx_clusters_build(const char *const *texts, const long *weights, size_t n,
			const char *const *noise, size_t nnoise,
			const struct pirx_clusters_opts *o, struct pirx_clustering *out,
			struct pirx_err *err);
void pirx_clusters_release(struct pirx_clustering *c);

/*
 * Adjusted Rand index (Hubert and Arabie) of two partitions of n items,
 * given as labels a[i], b[i] (any values; equal means same group). 1 for
 * identical partitions, about 0 for chance; 1 when both are trivial.
 */
double pirx_clusters_ari(const long *a, const long *b, size_t n);
/* Normalized mutual information, I(a;b) / ((H(a) + H(b)) / 2); 1 when
 * both partitions have a single group. */
double pirx_clusters_nmi(const long *a, const long *b, size_t n);

#endif
