/*
 * clusters: contributing-factor clustering and the report step that writes
 * factor_clusters.csv and factor_assignments.csv (then hands the incident
 * and cluster tables to recurrence.c).
 *
 * Work is done on distinct texts, never on rows: raw texts are
 * de-duplicated first, then normalized (textnorm.c) and de-duplicated
 * again. Each distinct normalized text is matched against the taxonomy
 * (taxonomy.c). Every text becomes a sparse TF-IDF vector (word unigrams
 * and bigrams, one block; character trigrams of the stems, another; each
 * block L2-normalized, weighted 0.8 and 0.6 so that the whole is a unit
 * vector and cosine = 0.64 cos(words) + 0.36 cos(chars)); a text the
 * taxonomy missed joins a mode when it is close to the centroid of the
 * texts that mode matched (propagation). Of what is left, the most frequent
 * PIRX_CLUSTERS_AGGLO_CAP leftovers are clustered by average linkage (the
 * nearest-neighbour chain algorithm over a dense distance matrix, O(n^2)),
 * cut where the average similarity falls below the threshold; the rest, in
 * order of frequency, join the most similar cluster centroid when it is
 * within the threshold or found a new cluster (leader clustering). No step
 * is random: ties are broken by order, so the seed is not needed.
 */
#include "pirx/clusters.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/csvio.h"
#include "pirx/db.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/recurrence.h"
#include "pirx/report.h"
#include "pirx/taxonomy.h"
#include "pirx/textnorm.h"

void pirx_clusters_opts_init(struct pirx_clusters_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->threshold = PIRX_CLUSTERS_THRESHOLD;
	o->agglo_cap = PIRX_CLUSTERS_AGGLO_CAP;
}

/* ---- partition scores ---------------------------------------------------- */

struct pair {
	long a, b;
};

static int cmp_pair(const void *x, const void *y)
{
	const struct pair *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return 0;
}

static int cmp_long(const void *x, const void *y)
{
	long a = *(const long *)x, b = *(const long *)y;

	return a < b ? -1 : a > b;
}

/* Group sizes of labels x[0..n), via a sorted copy. Returns the count of
 * groups; sizes go to out (capacity n). */
static size_t group_sizes(const long *x, size_t n, double *out)
{
	long *s = pirx_xmalloc((n ? n : 1) * sizeof(long));
	size_t g = 0;

	memcpy(s, x, n * sizeof(long));
	qsort(s, n, sizeof(long), cmp_long);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && s[j] == s[i])
			j++;
		out[g++] = (double)(j - i);
		i = j;
	}
	free(s);
	return g;
}

/* Cell sizes of the contingency table of a and b. */
static size_t cell_sizes(const long *a, const long *b, size_t n, double *out)
{
	struct pair *p = pirx_xmalloc((n ? n : 1) * sizeof(*p));
	size_t g = 0;

	for (size_t i = 0; i < n; i++) {
		p[i].a = a[i];
		p[i].b = b[i];
	}
	qsort(p, n, sizeof(*p), cmp_pair);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && p[j].a == p[i].a && p[j].b == p[i].b)
			j++;
		out[g++] = (double)(j - i);
		i = j;
	}
	free(p);
	return g;
}

static double choose2(double x)
{
	return x * (x - 1) / 2;
}

double pirx_clusters_ari(const long *a, const long *b, size_t n)
{
	double *ga = pirx_xmalloc((n ? n : 1) * sizeof(double));
	double *gb = pirx_xmalloc((n ? n : 1) * sizeof(double));
	double *gc = pirx_xmalloc((n ? n : 1) * sizeof(double));
	size_t na = group_sizes(a, n, ga), nb = group_sizes(b, n, gb), nc = cell_sizes(a, b, n, gc);
	double sa = 0, sb = 0, sc = 0, expect, maxi, ari;

	for (size_t i = 0; i < na; i++)
		sa += choose2(ga[i]);
	for (size_t i = 0; i < nb; i++)
		sb += choose2(gb[i]);
	for (size_t i = 0; i < nc; i++)
		sc += choose2(gc[i]);
	free(ga);
	free(gb);
	free(gc);
	if (n < 2)
		return 1.0;
	expect = sa * sb / choose2((double)n);
	maxi = (sa + sb) / 2;
	if (maxi == expect)
		return 1.0;
	ari = (sc - expect) / (maxi - expect);
	return ari;
}

static double entropy(const double *g, size_t k, double n)
{
	double h = 0;

	for (size_t i = 0; i < k; i++)
		if (g[i] > 0)
			h -= g[i] / n * log(g[i] / n);
	return h;
}

double pirx_clusters_nmi(const long *a, const long *b, size_t n)
{
	double *ga, *gb, *gc, ha, hb, hab, mi;
	size_t na, nb, nc;

	if (n == 0)
		return 1.0;
	ga = pirx_xmalloc(n * sizeof(double));
	gb = pirx_xmalloc(n * sizeof(double));
	gc = pirx_xmalloc(n * sizeof(double));
	na = group_sizes(a, n, ga);
	nb = group_sizes(b, n, gb);
	nc = cell_sizes(a, b, n, gc);
	ha = entropy(ga, na, (double)n);
	hb = entropy(gb, nb, (double)n);
	hab = entropy(gc, nc, (double)n);
	free(ga);
	free(gb);
	free(gc);
	if (ha + hb == 0)
		return 1.0;
	mi = ha + hb - hab;
	return 2 * mi / (ha + hb);
}

/* ---- sparse vectors ------------------------------------------------------ */

struct svec {
	long *f;      /* feature ids, ascending */
	float *v;
	size_t n;
};

static double sdot(const struct svec *x, const struct svec *y)
{
	size_t i = 0, j = 0;
	double s = 0;

	while (i < x->n && j < y->n) {
		if (x->f[i] == y->f[j])
			s += (double)x->v[i++] * y->v[j++];
		else if (x->f[i] < y->f[j])
			i++;
		else
			j++;
	}
	return s;
}

struct fv {
	long f;
	float v;
};

static int cmp_fv(const void *x, const void *y)
{
	const struct fv *p = x, *q = y;

	return p->f < q->f ? -1 : p->f > q->f;
}

/* ---- the clustering ------------------------------------------------------ */

struct norm {
	struct pirx_tokens tok;
	long weight;       /* factor rows */
	long first_text;   /* the first input text with this normalization */
	long mode;         /* taxonomy mode, or -1 */
	double score;      /* its taxonomy score (0 when it joined by similarity) */
	long group;        /* discovered group, or -1 */
	struct svec vec;
};

struct builder {
	const struct pirx_clusters_opts *o;
	pirx_textnorm *tn;
	pirx_taxonomy *tax;
	pirx_strtab *keys;      /* normalized text -> norm id */
	struct norm *norms;
	long nnorms, cap;
	pirx_strtab *feats;     /* feature strings; first byte is the block */
	pirx_strtab *surface;   /* "stem\tword" pairs */
	long *surface_count;
	long nsurface_cap;
	pirx_strtab *stems;     /* stems of surface, for labels */
	long *best_surface;
};

static void feature_add(struct builder *B, struct fv **fv, size_t *n, size_t *cap,
			const char *s, size_t len)
{
	long id = pirx_strtab_intern(B->feats, s, (long)len, NULL);

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*fv = pirx_xreallocarray(*fv, *cap, sizeof(**fv));
	}
	(*fv)[*n].f = id;
	(*fv)[*n].v = 1;
	(*n)++;
}

/* Raw term counts of one normalized text, as a sorted sparse vector. */
static void features_of(struct builder *B, struct norm *nm)
{
	struct fv *fv = NULL;
	size_t n = 0, cap = 0, out = 0;
	char buf[300];

	for (size_t i = 0; i < nm->tok.n; i++) {
		const char *s = nm->tok.stem[i];
		size_t len = strlen(s);
		char pad[140];
		int k = snprintf(buf, sizeof(buf), "w%s", s);
		feature_add(B, &fv, &n, &cap, buf, (size_t)k);
		if (i + 1 < nm->tok.n) {
			k = snprintf(buf, sizeof(buf), "b%s %s", s, nm->tok.stem[i + 1]);
			feature_add(B, &fv, &n, &cap, buf, (size_t)(k < (int)sizeof(buf) ? k : (int)sizeof(buf) - 1));
		}
		if (len + 2 >= sizeof(pad))
			continue;
		pad[0] = '^';
		memcpy(pad + 1, s, len);
		pad[len + 1] = '$';
		for (size_t j = 0; j + 3 <= len + 2; j++) {
			buf[0] = 'c';
			memcpy(buf + 1, pad + j, 3);
			feature_add(B, &fv, &n, &cap, buf, 4);
		}
	}
	qsort(fv, n, sizeof(*fv), cmp_fv);
	for (size_t i = 0; i < n; i++) {
		if (out && fv[out - 1].f == fv[i].f)
			fv[out - 1].v += 1;
		else
			fv[out++] = fv[i];
	}
	nm->vec.n = out;
	nm->vec.f = pirx_xmalloc((out ? out : 1) * sizeof(long));
	nm->vec.v = pirx_xmalloc((out ? out : 1) * sizeof(float));
	for (size_t i = 0; i < out; i++) {
		nm->vec.f[i] = fv[i].f;
		nm->vec.v[i] = fv[i].v;
	}
	free(fv);
}

/* Turns counts into TF-IDF (sublinear tf, smoothed idf), block-normalized. */
static void weigh(struct builder *B, long *left, long nleft)
{
	long nf = pirx_strtab_count(B->feats);
	long *df = pirx_xcalloc((size_t)(nf ? nf : 1), sizeof(long));

	for (long k = 0; k < nleft; k++) {
		const struct svec *v = &B->norms[left[k]].vec;
		for (size_t i = 0; i < v->n; i++)
			df[v->f[i]]++;
	}
	for (long k = 0; k < nleft; k++) {
		struct svec *v = &B->norms[left[k]].vec;
		double nw = 0, nc = 0;
		for (size_t i = 0; i < v->n; i++) {
			double idf = log((1.0 + (double)nleft) / (1.0 + (double)df[v->f[i]])) + 1.0;
			double x = (1.0 + log(v->v[i])) * idf;
			v->v[i] = (float)x;
			if (pirx_strtab_str(B->feats, v->f[i])[0] == 'c')
				nc += x * x;
			else
				nw += x * x;
		}
		nw = nw > 0 ? 0.8 / sqrt(nw) : 0;
		nc = nc > 0 ? 0.6 / sqrt(nc) : 0;
		if (nw == 0)
			nc = nc > 0 ? nc / 0.6 : 0;
		if (nc == 0)
			nw = nw > 0 ? nw / 0.8 : 0;
		for (size_t i = 0; i < v->n; i++)
			v->v[i] = (float)(v->v[i] * (pirx_strtab_str(B->feats, v->f[i])[0] == 'c' ? nc : nw));
	}
	free(df);
}

static long uf_find(long *p, long x)
{
	while (p[x] != x) {
		p[x] = p[p[x]];
		x = p[x];
	}
	return x;
}

/*
 * Average-linkage agglomeration of items[0..m) (norm ids), cut at distance
 * 1 - threshold, by the nearest-neighbour chain: sets group[] (0-based,
 * numbered by first item) and returns the number of groups.
 */
static long agglomerate(struct builder *B, const long *items, long m, double threshold, long *group)
{
	float *d = pirx_xmalloc((size_t)m * (size_t)m * sizeof(float));
	double *size = pirx_xmalloc((size_t)(m ? m : 1) * sizeof(double));
	char *active = pirx_xmalloc((size_t)(m ? m : 1));
	long *chain = pirx_xmalloc((size_t)(m ? m : 1) * sizeof(long));
	long *parent = pirx_xmalloc((size_t)(m ? m : 1) * sizeof(long));
	long *num = pirx_xmalloc((size_t)(m ? m : 1) * sizeof(long));
	long nchain = 0, nactive = m, ngroups = 0;
	const float h = (float)(1.0 - threshold);

	for (long i = 0; i < m; i++) {
		d[i * m + i] = 0;
		for (long j = i + 1; j < m; j++) {
			float x = (float)(1.0 - sdot(&B->norms[items[i]].vec, &B->norms[items[j]].vec));
			d[i * m + j] = d[j * m + i] = x;
		}
		size[i] = 1;
		active[i] = 1;
		parent[i] = i;
	}
	while (nactive > 1) {
		long x, y = -1, prev;
		float best = 2;

		if (nchain == 0) {
			long i = 0;
			while (!active[i])
				i++;
			chain[nchain++] = i;
		}
		x = chain[nchain - 1];
		prev = nchain > 1 ? chain[nchain - 2] : -1;
		for (long j = 0; j < m; j++) {
			if (j == x || !active[j])
				continue;
			if (d[x * m + j] < best) {
				best = d[x * m + j];
				y = j;
			}
		}
		if (prev >= 0 && d[x * m + prev] <= best) {
			y = prev;
			best = d[x * m + prev];
		}
		if (y < 0 || best > h) {
			/* Nothing within the cut: x and the whole chain are final. */
			for (long k = 0; k < nchain; k++) {
				active[chain[k]] = 0;
				nactive--;
			}
			nchain = 0;
			continue;
		}
		if (y != prev) {
			chain[nchain++] = y;
			continue;
		}
		/* Merge x and y into the lower slot. */
		nchain -= 2;
		{
			long a = x < y ? x : y, b = x < y ? y : x;
			double na = size[a], nb = size[b];
			for (long k = 0; k < m; k++) {
				if (!active[k] || k == a || k == b)
					continue;
				float v = (float)((na * d[a * m + k] + nb * d[b * m + k]) / (na + nb));
				d[a * m + k] = d[k * m + a] = v;
			}
			size[a] = na + nb;
			active[b] = 0;
			nactive--;
			parent[uf_find(parent, b)] = uf_find(parent, a);
		}
	}
	for (long i = 0; i < m; i++)
		num[i] = -1;
	for (long i = 0; i < m; i++) {
		long r = uf_find(parent, i);
		if (num[r] < 0)
			num[r] = ngroups++;
		group[i] = num[r];
	}
	free(d);
	free(size);
	free(active);
	free(chain);
	free(parent);
	free(num);
	return ngroups;
}

/* Centroid of some vectors: the normalized sum. acc and touched are
 * zeroed scratch arrays over features (left zeroed), list holds ids. */
static void centroid_of(struct builder *B, const long *members, long n, float *acc, char *touched,
			long *list, struct svec *out)
{
	long nl = 0;
	double norm = 0;
	struct fv *fv;

	for (long k = 0; k < n; k++) {
		const struct svec *v = &B->norms[members[k]].vec;
		for (size_t i = 0; i < v->n; i++) {
			if (!touched[v->f[i]]) {
				touched[v->f[i]] = 1;
				list[nl++] = v->f[i];
			}
			acc[v->f[i]] += v->v[i];
		}
	}
	fv = pirx_xmalloc((size_t)(nl ? nl : 1) * sizeof(*fv));
	for (long i = 0; i < nl; i++) {
		fv[i].f = list[i];
		fv[i].v = acc[list[i]];
		norm += (double)fv[i].v * fv[i].v;
		acc[list[i]] = 0;
		touched[list[i]] = 0;
	}
	qsort(fv, (size_t)nl, sizeof(*fv), cmp_fv);
	norm = norm > 0 ? 1 / sqrt(norm) : 0;
	out->n = (size_t)nl;
	out->f = pirx_xmalloc((size_t)(nl ? nl : 1) * sizeof(long));
	out->v = pirx_xmalloc((size_t)(nl ? nl : 1) * sizeof(float));
	for (long i = 0; i < nl; i++) {
		out->f[i] = fv[i].f;
		out->v[i] = (float)(fv[i].v * norm);
	}
	free(fv);
}

/* Order of leftovers: most rows first, then the normalized text. */
static struct builder *sort_builder;

static int cmp_left(const void *x, const void *y)
{
	const struct norm *a = &sort_builder->norms[*(const long *)x];
	const struct norm *b = &sort_builder->norms[*(const long *)y];

	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return strcmp(pirx_strtab_str(sort_builder->keys, *(const long *)x),
		      pirx_strtab_str(sort_builder->keys, *(const long *)y));
}

/* Postings of the leader clustering: feature -> (group, value). */
struct posting {
	long group;
	float v;
	long next;
};

/*
 * Propagation: the texts the taxonomy matched are this corpus's own
 * examples of each mode. A leftover whose vector is close enough to the
 * centroid of a mode's examples (cosine >= PIRX_CLUSTERS_PROPAGATE, and
 * ahead of the runner-up) joins that mode. Compacts left[] to what is
 * still unclaimed and returns its new length.
 */
static long propagate(struct builder *B, long nmodes, long *left, long nleft, long *claimed)
{
	long nf = pirx_strtab_count(B->feats), keep = 0;
	float *cen, *acc;
	char *touched;
	long *list, *members, *start;
	double *sc;

	*claimed = 0;
	if (nmodes == 0 || nleft == 0 || nf == 0)
		return nleft;
	cen = pirx_xcalloc((size_t)nf * (size_t)nmodes, sizeof(float));
	acc = pirx_xcalloc((size_t)nf, sizeof(float));
	touched = pirx_xcalloc((size_t)nf, 1);
	list = pirx_xmalloc((size_t)nf * sizeof(long));
	members = pirx_xmalloc((size_t)B->nnorms * sizeof(long));
	start = pirx_xcalloc((size_t)nmodes + 2, sizeof(long));
	sc = pirx_xmalloc((size_t)nmodes * sizeof(double));
	for (long k = 0; k < B->nnorms; k++)
		if (B->norms[k].mode >= 0)
			start[B->norms[k].mode + 2]++;
	for (long m = 0; m < nmodes; m++)
		start[m + 2] += start[m + 1];
	for (long k = 0; k < B->nnorms; k++)
		if (B->norms[k].mode >= 0)
			members[start[B->norms[k].mode + 1]++] = k;
	for (long m = 0; m < nmodes; m++) {
		struct svec c;
		if (start[m + 1] == start[m])
			continue;
		centroid_of(B, members + start[m], start[m + 1] - start[m], acc, touched, list, &c);
		for (size_t i = 0; i < c.n; i++)
			cen[(size_t)c.f[i] * (size_t)nmodes + (size_t)m] = c.v[i];
		free(c.f);
		free(c.v);
	}
	for (long k = 0; k < nleft; k++) {
		struct norm *nm = &B->norms[left[k]];
		long best = -1;
		double bs = 0, second = 0;
		for (long m = 0; m < nmodes; m++)
			sc[m] = 0;
		for (size_t i = 0; i < nm->vec.n; i++) {
			const float *row = cen + (size_t)nm->vec.f[i] * (size_t)nmodes;
			for (long m = 0; m < nmodes; m++)
				sc[m] += (double)nm->vec.v[i] * row[m];
		}
		for (long m = 0; m < nmodes; m++) {
			if (sc[m] > bs) {
				second = bs;
				bs = sc[m];
				best = m;
			} else if (sc[m] > second) {
				second = sc[m];
			}
		}
		if (best >= 0 && bs >= PIRX_CLUSTERS_PROPAGATE && bs - second >= PIRX_CLUSTERS_MARGIN) {
			nm->mode = best;
			(*claimed)++;
		} else {
			left[keep++] = left[k];
		}
	}
	free(cen);
	free(acc);
	free(touched);
	free(list);
	free(members);
	free(start);
	free(sc);
	return keep;
}

/*
 * Clusters leftovers: returns the number of discovered groups and sets
 * norms[].group.
 */
static long discover(struct builder *B, long *left, long nleft, struct pirx_clustering *out)
{
	long cap = B->o->agglo_cap > 0 ? B->o->agglo_cap : PIRX_CLUSTERS_AGGLO_CAP;
	double thr = B->o->threshold > 0 ? B->o->threshold : PIRX_CLUSTERS_THRESHOLD;
	long m = nleft < cap ? nleft : cap, ngroups;
	long *group = pirx_xmalloc((size_t)(m ? m : 1) * sizeof(long));
	long nf, *head, *members, *list, npost = 0, postcap = 0, *touched_groups;
	float *acc;
	double *score;
	char *touched;
	struct posting *post = NULL;
	long gcap;

	if (nleft == 0) {
		free(group);
		return 0;
	}
	sort_builder = B;
	qsort(left, (size_t)nleft, sizeof(long), cmp_left);
	ngroups = agglomerate(B, left, m, thr, group);
	for (long k = 0; k < m; k++)
		B->norms[left[k]].group = group[k];
	out->agglomerated = m;
	out->assigned = nleft - m;
	if (m == nleft) {
		free(group);
		return ngroups;
	}
	/* Centroids of the agglomerated groups, as postings. */
	nf = pirx_strtab_count(B->feats);
	head = pirx_xmalloc((size_t)nf * sizeof(long));
	for (long f = 0; f < nf; f++)
		head[f] = -1;
	acc = pirx_xcalloc((size_t)nf, sizeof(float));
	touched = pirx_xcalloc((size_t)nf, 1);
	list = pirx_xmalloc((size_t)nf * sizeof(long));
	members = pirx_xmalloc((size_t)m * sizeof(long));
	gcap = ngroups + (nleft - m) + 1;
	score = pirx_xcalloc((size_t)gcap, sizeof(double));
	touched_groups = pirx_xmalloc((size_t)gcap * sizeof(long));
	for (long g = 0; g < ngroups; g++) {
		long nm = 0;
		struct svec c;
		for (long k = 0; k < m; k++)
			if (group[k] == g)
				members[nm++] = left[k];
		centroid_of(B, members, nm, acc, touched, list, &c);
		for (size_t i = 0; i < c.n; i++) {
			if (npost == postcap) {
				postcap = postcap ? postcap * 2 : 4096;
				post = pirx_xreallocarray(post, (size_t)postcap, sizeof(*post));
			}
			post[npost].group = g;
			post[npost].v = c.v[i];
			post[npost].next = head[c.f[i]];
			head[c.f[i]] = npost++;
		}
		free(c.f);
		free(c.v);
	}
	/* The rest: join the most similar group, or lead a new one. */
	for (long k = m; k < nleft; k++) {
		struct norm *nm = &B->norms[left[k]];
		long nt = 0, best = -1;
		double bs = 0;
		for (size_t i = 0; i < nm->vec.n; i++) {
			for (long p = head[nm->vec.f[i]]; p >= 0; p = post[p].next) {
				long g = post[p].group;
				if (score[g] == 0)
					touched_groups[nt++] = g;
				score[g] += (double)nm->vec.v[i] * post[p].v;
			}
		}
		for (long i = 0; i < nt; i++) {
			long g = touched_groups[i];
			if (score[g] > bs || (score[g] == bs && g < best)) {
				bs = score[g];
				best = g;
			}
			score[g] = 0;
		}
		if (best >= 0 && bs >= thr) {
			nm->group = best;
			continue;
		}
		nm->group = ngroups++;
		for (size_t i = 0; i < nm->vec.n; i++) {
			if (npost == postcap) {
				postcap = postcap ? postcap * 2 : 4096;
				post = pirx_xreallocarray(post, (size_t)postcap, sizeof(*post));
			}
			post[npost].group = nm->group;
			post[npost].v = nm->vec.v[i];
			post[npost].next = head[nm->vec.f[i]];
			head[nm->vec.f[i]] = npost++;
		}
	}
	free(head);
	free(acc);
	free(touched);
	free(list);
	free(members);
	free(score);
	free(touched_groups);
	free(post);
	free(group);
	return ngroups;
}

/* The most frequent surface word of every stem (ties: alphabetical), as
 * B->best_surface[stem id in B->stems]. */
static void pick_surfaces(struct builder *B)
{
	long n = pirx_strtab_count(B->surface);

	B->stems = pirx_strtab_new();
	B->best_surface = pirx_xmalloc((size_t)(n ? n : 1) * sizeof(long));
	for (long i = 0; i < n; i++) {
		const char *s = pirx_strtab_str(B->surface, i);
		size_t sl = strcspn(s, "\t");
		int added;
		long st = pirx_strtab_intern(B->stems, s, (long)sl, &added);
		long best = added ? -1 : B->best_surface[st];
		if (best < 0 || B->surface_count[i] > B->surface_count[best]
		    || (B->surface_count[i] == B->surface_count[best]
			&& strcmp(s, pirx_strtab_str(B->surface, best)) < 0))
			B->best_surface[st] = i;
	}
}

static const char *surface_of(struct builder *B, const char *stem)
{
	long st = pirx_strtab_find(B->stems, stem, -1);

	return st < 0 ? stem : strchr(pirx_strtab_str(B->surface, B->best_surface[st]), '\t') + 1;
}

struct scored {
	long f;
	double w;
};

static int cmp_scored(const void *x, const void *y)
{
	const struct scored *a = x, *b = y;

	if (a->w != b->w)
		return a->w > b->w ? -1 : 1;
	return a->f < b->f ? -1 : a->f > b->f;
}

/* A label from the 3 heaviest word features of a group's members. */
static char *label_of(struct builder *B, const long *members, long n)
{
	struct pirx_buf lab;
	struct scored *sc = NULL;
	size_t nsc = 0, cap = 0;
	char used[3][128];
	int nused = 0, terms = 0;
	char *res;

	pirx_buf_init(&lab);
	for (long k = 0; k < n; k++) {
		const struct norm *nm = &B->norms[members[k]];
		for (size_t i = 0; i < nm->vec.n; i++) {
			if (pirx_strtab_str(B->feats, nm->vec.f[i])[0] == 'c')
				continue;
			size_t j;
			for (j = 0; j < nsc && sc[j].f != nm->vec.f[i]; j++)
				;
			if (j == nsc) {
				if (nsc == cap) {
					cap = cap ? cap * 2 : 32;
					sc = pirx_xreallocarray(sc, cap, sizeof(*sc));
				}
				sc[nsc].f = nm->vec.f[i];
				sc[nsc++].w = 0;
			}
			sc[j].w += (double)nm->vec.v[i] * (double)nm->weight;
		}
	}
	qsort(sc, nsc, sizeof(*sc), cmp_scored);
	for (size_t i = 0; i < nsc && terms < 3; i++) {
		const char *f = pirx_strtab_str(B->feats, sc[i].f);
		char a[128] = "", b[128] = "";
		int clash = 0;
		if (f[0] == 'w') {
			snprintf(a, sizeof(a), "%s", f + 1);
		} else {
			const char *sp = strchr(f + 1, ' ');
			if (!sp)
				continue;
			snprintf(a, sizeof(a), "%.*s", (int)(sp - f - 1), f + 1);
			snprintf(b, sizeof(b), "%s", sp + 1);
		}
		for (int u = 0; u < nused; u++)
			clash |= !strcmp(used[u], a) || (*b && !strcmp(used[u], b));
		if (clash)
			continue;
		if (lab.len)
			pirx_buf_puts(&lab, ", ");
		pirx_buf_puts(&lab, surface_of(B, a));
		if (nused < 3)
			snprintf(used[nused++], sizeof(used[0]), "%s", a);
		if (*b) {
			pirx_buf_puts(&lab, " ");
			pirx_buf_puts(&lab, surface_of(B, b));
			if (nused < 3)
				snprintf(used[nused++], sizeof(used[0]), "%s", b);
		}
		terms++;
	}
	res = pirx_xstrdup(lab.len ? pirx_buf_str(&lab) : "(no descriptive words)");
	free(sc);
	pirx_buf_release(&lab);
	return res;
}

void pirx_clusters_release(struct pirx_clustering *c)
{
	for (size_t i = 0; i < c->nclusters; i++) {
		free(c->clusters[i].id);
		free(c->clusters[i].label);
		free(c->clusters[i].category);
	}
	free(c->clusters);
	free(c->cluster);
	memset(c, 0, sizeof(*c));
}

static int cmp_cluster(const void *x, const void *y)
{
	const struct pirx_cluster *a = x, *b = y;

	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return strcmp(a->id, b->id);
}

int pirx_clusters_build(const char *const *texts, const long *weights, size_t n,
			const char *const *noise, size_t nnoise,
			const struct pirx_clusters_opts *o, struct pirx_clustering *out,
			struct pirx_err *err)
{
	struct builder B;
	struct pirx_tokens tok;
	struct pirx_buf key, sw;   /* sw: one surface word */
	long *norm_of = NULL, *left = NULL, nleft = 0, ngroups = 0, nmodes = 0;
	long *cl_of_mode = NULL, *cl_of_group = NULL, empty_cl = -1, *members = NULL;
	long *old2new = NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	memset(&B, 0, sizeof(B));
	B.o = o;
	pirx_tokens_init(&tok);
	pirx_buf_init(&key);
	pirx_buf_init(&sw);
	B.tn = pirx_textnorm_new();
	if (!o->no_taxonomy && (rc = pirx_taxonomy_load(o->taxonomy, B.tn, &B.tax, err)))
		goto out;
	for (size_t i = 0; i < nnoise; i++)
		pirx_textnorm_add_noise(B.tn, noise[i]);
	for (size_t i = 0; i < n; i++)
		pirx_textnorm_learn(B.tn, texts[i], weights ? weights[i] : 1);
	pirx_textnorm_freeze(B.tn);
	B.keys = pirx_strtab_new();
	B.feats = pirx_strtab_new();
	B.surface = pirx_strtab_new();
	norm_of = pirx_xmalloc((n ? n : 1) * sizeof(long));
	for (size_t i = 0; i < n; i++) {
		int added;
		long id;
		pirx_textnorm_run(B.tn, texts[i], 0, &tok);
		pirx_tokens_join(&tok, &key);
		id = pirx_strtab_intern(B.keys, key.data, (long)key.len, &added);
		if (added) {
			if (id == B.cap) {
				B.cap = B.cap ? B.cap * 2 : 1024;
				B.norms = pirx_xreallocarray(B.norms, (size_t)B.cap, sizeof(*B.norms));
			}
			memset(&B.norms[id], 0, sizeof(B.norms[id]));
			B.norms[id].tok = tok;
			pirx_tokens_init(&tok);
			B.norms[id].first_text = (long)i;
			B.norms[id].group = -1;
			B.norms[id].mode = B.tax && B.norms[id].tok.n
					   ? pirx_taxonomy_match(B.tax, &B.norms[id].tok, &B.norms[id].score) : -1;
			B.nnorms = id + 1;
		}
		B.norms[id].weight += weights ? weights[i] : 1;
		norm_of[i] = id;
	}
	/* Surface words, for labels: "stem\tword", counted by the weight of
	 * the texts that have them. Once per normalized text, not per text
	 * (at 100k incidents, 6k against 46k): norms are numbered in the
	 * order of their first text, so the words get the same ids. */
	for (long id = 0; id < B.nnorms; id++) {
		for (size_t k = 0; k < B.norms[id].tok.n; k++) {
			long sid;
			pirx_buf_reset(&sw);
			pirx_buf_puts(&sw, B.norms[id].tok.stem[k]);
			pirx_buf_append(&sw, "\t", 1);
			pirx_buf_puts(&sw, B.norms[id].tok.word[k]);
			sid = pirx_strtab_intern(B.surface, sw.data, (long)sw.len, NULL);
			if (sid >= B.nsurface_cap) {
				long old = B.nsurface_cap;
				B.nsurface_cap = B.nsurface_cap ? B.nsurface_cap * 2 : 1024;
				B.surface_count = pirx_xreallocarray(B.surface_count, (size_t)B.nsurface_cap, sizeof(long));
				memset(B.surface_count + old, 0, (size_t)(B.nsurface_cap - old) * sizeof(long));
			}
			B.surface_count[sid] += B.norms[id].weight;
		}
	}
	out->distinct = B.nnorms;
	left = pirx_xmalloc((size_t)(B.nnorms ? B.nnorms : 1) * sizeof(long));
	{
		/* TF-IDF over every distinct text, matched or not. */
		long nall = 0;
		for (long k = 0; k < B.nnorms; k++) {
			if (B.norms[k].tok.n) {
				features_of(&B, &B.norms[k]);
				left[nall++] = k;
			}
		}
		weigh(&B, left, nall);
	}
	for (long k = 0; k < B.nnorms; k++) {
		if (B.norms[k].mode >= 0)
			out->matched++;
		else if (B.norms[k].tok.n)
			left[nleft++] = k;
	}
	if (B.tax)
		nleft = propagate(&B, (long)pirx_taxonomy_count(B.tax), left, nleft, &out->propagated);
	ngroups = discover(&B, left, nleft, out);

	/* Clusters: used taxonomy modes, discovered groups, the empty bucket. */
	nmodes = B.tax ? (long)pirx_taxonomy_count(B.tax) : 0;
	cl_of_mode = pirx_xmalloc((size_t)(nmodes ? nmodes : 1) * sizeof(long));
	cl_of_group = pirx_xmalloc((size_t)(ngroups ? ngroups : 1) * sizeof(long));
	for (long i = 0; i < nmodes; i++)
		cl_of_mode[i] = -1;
	out->clusters = pirx_xcalloc((size_t)(nmodes + ngroups + 1), sizeof(struct pirx_cluster));
	for (long k = 0; k < B.nnorms; k++) {
		struct norm *nm = &B.norms[k];
		if (nm->mode >= 0 && cl_of_mode[nm->mode] < 0) {
			const struct pirx_taxonomy_mode *md = pirx_taxonomy_mode(B.tax, (size_t)nm->mode);
			struct pirx_cluster *c = &out->clusters[out->nclusters];
			c->id = pirx_xstrdup(md->id);
			c->label = pirx_xstrdup(md->name);
			c->category = pirx_xstrdup(md->category);
			c->from_taxonomy = 1;
			cl_of_mode[nm->mode] = (long)out->nclusters++;
		}
	}
	{
		/* Discovered groups, numbered by rows (then first text). */
		long *gw = pirx_xcalloc((size_t)(ngroups ? ngroups : 1), sizeof(long));
		long *order = pirx_xmalloc((size_t)(ngroups ? ngroups : 1) * sizeof(long));
		members = pirx_xmalloc((size_t)(B.nnorms ? B.nnorms : 1) * sizeof(long));
		for (long k = 0; k < B.nnorms; k++)
			if (B.norms[k].group >= 0)
				gw[B.norms[k].group] += B.norms[k].weight;
		for (long g = 0; g < ngroups; g++)
			order[g] = g;
		/* insertion sort by weight desc, group asc (groups numbered in order of first seen) */
		for (long i = 1; i < ngroups; i++) {
			long v = order[i], j = i;
			while (j > 0 && (gw[order[j - 1]] < gw[v] || (gw[order[j - 1]] == gw[v] && order[j - 1] > v))) {
				order[j] = order[j - 1];
				j--;
			}
			order[j] = v;
		}
		long *start = pirx_xcalloc((size_t)ngroups + 2, sizeof(long));
		for (long k = 0; k < B.nnorms; k++)
			if (B.norms[k].group >= 0)
				start[B.norms[k].group + 2]++;
		for (long g = 0; g < ngroups; g++)
			start[g + 2] += start[g + 1];
		for (long k = 0; k < B.nnorms; k++)
			if (B.norms[k].group >= 0)
				members[start[B.norms[k].group + 1]++] = k;
		pick_surfaces(&B);
		for (long r = 0; r < ngroups; r++) {
			long g = order[r], nm = start[g + 1] - start[g];
			char id[32];
			struct pirx_cluster *c = &out->clusters[out->nclusters];
			snprintf(id, sizeof(id), "auto-%03ld", r + 1);
			c->id = pirx_xstrdup(id);
			c->label = label_of(&B, members + start[g], nm);
			c->category = pirx_xstrdup("");
			cl_of_group[g] = (long)out->nclusters++;
		}
		free(start);
		free(gw);
		free(order);
	}
	for (long k = 0; k < B.nnorms; k++) {
		if (B.norms[k].mode < 0 && B.norms[k].group < 0 && empty_cl < 0) {
			struct pirx_cluster *c = &out->clusters[out->nclusters];
			c->id = pirx_xstrdup("auto-000");
			c->label = pirx_xstrdup("(no descriptive words)");
			c->category = pirx_xstrdup("");
			empty_cl = (long)out->nclusters++;
		}
	}
	out->ntexts = n;
	out->cluster = pirx_xmalloc((n ? n : 1) * sizeof(long));
	for (size_t i = 0; i < n; i++) {
		const struct norm *nm = &B.norms[norm_of[i]];
		long c = nm->mode >= 0 ? cl_of_mode[nm->mode] : nm->group >= 0 ? cl_of_group[nm->group] : empty_cl;
		struct pirx_cluster *cl = &out->clusters[c];
		long w = weights ? weights[i] : 1;
		out->cluster[i] = c;
		/* Example: the most frequent text, then the one the taxonomy
		 * scored highest, then the shortest. */
		{
			size_t e = cl->example;
			long we = weights ? weights[e] : 1;
			double se = B.norms[norm_of[e]].score, si = nm->score;
			size_t li = strlen(texts[i]), le = strlen(texts[e]);
			if (cl->texts == 0 || w > we || (w == we && (si > se || (si == se && (li < le
			    || (li == le && strcmp(texts[i], texts[e]) < 0))))))
				cl->example = i;
		}
		cl->texts++;
		cl->weight += w;
	}
	/* Final order: rows, descending, then id. */
	{
		size_t nc = out->nclusters;
		long *idx = pirx_xmalloc((nc ? nc : 1) * sizeof(long));
		struct pirx_cluster *sorted = pirx_xmalloc((nc ? nc : 1) * sizeof(*sorted));
		old2new = pirx_xmalloc((nc ? nc : 1) * sizeof(long));
		memcpy(sorted, out->clusters, nc * sizeof(*sorted));
		for (size_t i = 0; i < nc; i++)
			sorted[i].texts = (long)i;  /* remember the old index */
		{
			/* stable: sort a copy holding old index in .texts */
			struct pirx_cluster *cp = pirx_xmalloc((nc ? nc : 1) * sizeof(*cp));
			memcpy(cp, sorted, nc * sizeof(*cp));
			for (size_t i = 0; i < nc; i++)
				cp[i].weight = out->clusters[i].weight;
			qsort(cp, nc, sizeof(*cp), cmp_cluster);
			for (size_t i = 0; i < nc; i++) {
				idx[i] = cp[i].texts;
				old2new[cp[i].texts] = (long)i;
			}
			free(cp);
		}
		for (size_t i = 0; i < nc; i++)
			sorted[i] = out->clusters[idx[i]];
		free(out->clusters);
		out->clusters = sorted;
		for (size_t i = 0; i < n; i++)
			out->cluster[i] = old2new[out->cluster[i]];
		free(idx);
	}
out:
	if (rc)
		pirx_clusters_release(out);
	for (long k = 0; k < B.nnorms; k++) {
		pirx_tokens_release(&B.norms[k].tok);
		free(B.norms[k].vec.f);
		free(B.norms[k].vec.v);
	}
	free(B.norms);
	pirx_strtab_free(B.keys);
	pirx_strtab_free(B.feats);
	pirx_strtab_free(B.surface);
	free(B.surface_count);
	pirx_strtab_free(B.stems);
	free(B.best_surface);
	pirx_taxonomy_free(B.tax);
	pirx_textnorm_free(B.tn);
	pirx_tokens_release(&tok);
	pirx_buf_release(&key);
	pirx_buf_release(&sw);
	free(norm_of);
	free(left);
	free(cl_of_mode);
	free(cl_of_group);
	free(members);
	free(old2new);
	return rc;
}

/* ---- the report step ----------------------------------------------------- */

/* Incidents, services and factor rows read for one report. */
struct corpus {
	pirx_strtab *incidents;    /* id -> index */
	int64_t *started_at;
	long ninc_cap;
	pirx_strtab *services;
	size_t *svc_start;         /* CSR by incident */
	long *svc;
	long nsvc, svc_cap;
	struct pirx_buf fid_text;  /* factor ids, each NUL-terminated: one
				      arena, not a malloc per row */
	size_t *fid;               /* factor rows: offset of the id */
	long *finc;
	long *ftext;               /* index into texts */
	long nrows;
	pirx_strtab *texts;        /* distinct raw texts */
	long *tweight;             /* factor rows per text */
	char **noise;
	long nnoise;
};

static void corpus_release(struct corpus *c)
{
	pirx_strtab_free(c->incidents);
	free(c->started_at);
	pirx_strtab_free(c->services);
	free(c->svc_start);
	free(c->svc);
	pirx_buf_release(&c->fid_text);
	free(c->fid);
	free(c->finc);
	free(c->ftext);
	pirx_strtab_free(c->texts);
	free(c->tweight);
	for (long i = 0; i < c->nnoise; i++)
		free(c->noise[i]);
	free(c->noise);
}

/* A factor row as read, before it takes its place. */
struct raw_row {
	long inc;       /* index in c->incidents */
	long line;      /* source_line */
	long text;      /* index in the file-order table of texts */
	size_t id;      /* offset of the factor id in c->fid_text */
	const char *idp;/* the id itself, once c->fid_text is complete */
};

/* Factor rows of one incident: by source line, then factor id. */
static int cmp_raw_row(const void *x, const void *y)
{
	const struct raw_row *a = *(const struct raw_row *const *)x;
	const struct raw_row *b = *(const struct raw_row *const *)y;

	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return strcmp(a->idp, b->idp);
}

/*
 * The factor rows of the counted incidents, in the order
 * factor_assignments.csv lists them: by incident (start, then id: the
 * order of c->incidents), then source line, then factor id; texts are
 * numbered in order of first use in that order. The query reads the table
 * in file order and the rows are put in order here, by the incident index
 * each row looks up anyway: SQLite's join and sort took twice as long as
 * the whole read does now.
 */
static int read_factor_rows(const struct pirx_report_ctx *ctx, struct corpus *c,
			    struct pirx_err *err)
{
	pirx_stmt *st = NULL;
	pirx_strtab *seen = pirx_strtab_new();
	struct raw_row *raw = NULL;
	const struct raw_row **sorted = NULL;   /* pointers: a row is 40 bytes */
	long nraw = 0, cap = 0, ninc = pirx_strtab_count(c->incidents), ntext, *text_of = NULL;
	size_t *start = NULL;
	int rc, step;

	if ((rc = pirx_db_prepare(ctx->db, "factors_rows", &st, err)))
		goto out;
	while ((step = pirx_stmt_step(st, err)) == 1) {
		/* An incident's factors mostly come together. */
		long inc = pirx_strtab_find_near(c->incidents, pirx_stmt_text(st, 1), pirx_stmt_bytes(st, 1),
						 nraw ? raw[nraw - 1].inc : -1);
		const char *id = pirx_stmt_text(st, 0);
		if (inc < 0)
			continue;
		if (nraw == cap) {
			cap = cap ? cap * 2 : 4096;
			raw = pirx_xreallocarray(raw, (size_t)cap, sizeof(*raw));
		}
		raw[nraw].inc = inc;
		raw[nraw].line = (long)pirx_stmt_int64(st, 3);
		raw[nraw].text = pirx_strtab_intern(seen, pirx_stmt_text(st, 2), pirx_stmt_bytes(st, 2), NULL);
		raw[nraw].id = c->fid_text.len;
		pirx_buf_append(&c->fid_text, id, strlen(id) + 1);
		nraw++;
	}
	if ((rc = step < 0 ? step : 0))
		goto out;

	/* By incident (a counting sort: the rows come in file order, mostly
	 * grouped already), then each incident's few rows by line and id. */
	start = pirx_xcalloc((size_t)ninc + 1, sizeof(*start));
	sorted = pirx_xmalloc((size_t)(nraw ? nraw : 1) * sizeof(*sorted));
	for (long r = 0; r < nraw; r++)
		start[raw[r].inc + 1]++;
	for (long i = 0; i < ninc; i++)
		start[i + 1] += start[i];
	for (long r = 0; r < nraw; r++) {
		raw[r].idp = c->fid_text.data + raw[r].id;
		sorted[start[raw[r].inc]++] = &raw[r];
	}
	for (long i = 0, from = 0; i < ninc; i++) {
		long end = (long)start[i];   /* now the end of incident i's rows */
		if (end - from > 1)
			qsort(sorted + from, (size_t)(end - from), sizeof(*sorted), cmp_raw_row);
		from = end;
	}

	c->nrows = nraw;
	c->fid = pirx_xmalloc((size_t)(nraw ? nraw : 1) * sizeof(size_t));
	c->finc = pirx_xmalloc((size_t)(nraw ? nraw : 1) * sizeof(long));
	c->ftext = pirx_xmalloc((size_t)(nraw ? nraw : 1) * sizeof(long));
	ntext = pirx_strtab_count(seen);
	c->tweight = pirx_xcalloc((size_t)(ntext ? ntext : 1), sizeof(long));
	text_of = pirx_xmalloc((size_t)(ntext ? ntext : 1) * sizeof(long));
	for (long t = 0; t < ntext; t++)
		text_of[t] = -1;
	for (long r = 0; r < nraw; r++) {
		const struct raw_row *row = sorted[r];
		long t = text_of[row->text];
		if (t < 0)
			t = text_of[row->text] =
				pirx_strtab_intern(c->texts, pirx_strtab_str(seen, row->text), -1, NULL);
		c->tweight[t]++;
		c->fid[r] = row->id;
		c->finc[r] = row->inc;
		c->ftext[r] = t;
	}
out:
	pirx_stmt_finalize(st);
	pirx_strtab_free(seen);
	free(raw);
	free(sorted);
	free(start);
	free(text_of);
	return rc;
}

static int cmp_cstr(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/*
 * The counted incidents (started before as-of, in start and id order),
 * their services, their factor rows (read_factor_rows) and the noise
 * names: every service and team the corpus names, which are removed from
 * factor texts before clustering (they say where, not what failed).
 */
static int read_corpus(const struct pirx_report_ctx *ctx, struct corpus *c, struct pirx_err *err)
{
	pirx_stmt *st = NULL;
	pirx_strtab *noise = pirx_strtab_new();
	struct pirx_incident_order order;
	int rc, step;
	long ninc, *count = NULL;
	long (*pairs)[2] = NULL;
	long npairs = 0, pcap = 0;

	pirx_incident_order_init(&order);
	c->incidents = pirx_strtab_new();
	c->services = pirx_strtab_new();
	c->texts = pirx_strtab_new();
	/* Every incident: those started before as-of are counted, numbered in
	 * report order; every one's team and single service are noise names. */
	if ((rc = pirx_db_prepare(ctx->db, "factors_incidents", &st, err)))
		goto out;
	while ((step = pirx_stmt_step(st, err)) == 1) {
		if (!pirx_stmt_is_null(st, 2) && pirx_stmt_bytes(st, 2) > 0 &&
		    !memchr(pirx_stmt_text(st, 2), ';', (size_t)pirx_stmt_bytes(st, 2)))
			pirx_strtab_intern(noise, pirx_stmt_text(st, 2), pirx_stmt_bytes(st, 2), NULL);
		if (!pirx_stmt_is_null(st, 3) && pirx_stmt_bytes(st, 3) > 0)
			pirx_strtab_intern(noise, pirx_stmt_text(st, 3), pirx_stmt_bytes(st, 3), NULL);
		if (pirx_stmt_int64(st, 1) >= ctx->as_of)
			continue;
		pirx_incident_order_add(&order, pirx_stmt_int64(st, 1), pirx_stmt_text(st, 0),
					(size_t)pirx_stmt_bytes(st, 0), order.n);
	}
	if ((rc = step < 0 ? step : 0))
		goto out;
	pirx_stmt_finalize(st);
	st = NULL;
	pirx_incident_order_sort(&order);
	c->ninc_cap = (long)(order.n ? order.n : 1);
	c->started_at = pirx_xmalloc((size_t)c->ninc_cap * sizeof(int64_t));
	for (size_t i = 0; i < order.n; i++) {
		/* Ids are unique in the table: appended, not looked up. */
		long id = pirx_strtab_append(c->incidents, order.k[i].id, -1);
		c->started_at[id] = order.k[i].started;
	}
	pirx_incident_order_release(&order);
	ninc = pirx_strtab_count(c->incidents);

	/* Every incident's services in (incident id, service) order: each is a
	 * noise name; those of counted incidents are kept, and a pair listed
	 * twice counts once (it comes right after itself). */
	if ((rc = pirx_db_prepare(ctx->db, "factors_services", &st, err)))
		goto out;
	while ((step = pirx_stmt_step(st, err)) == 1) {
		long inc = pirx_strtab_find_near(c->incidents, pirx_stmt_text(st, 0), pirx_stmt_bytes(st, 0),
						 npairs ? pairs[npairs - 1][0] : -1);
		long svc = pirx_strtab_intern(c->services, pirx_stmt_text(st, 1), pirx_stmt_bytes(st, 1), NULL);
		if (inc < 0)
			continue;
		if (npairs && pairs[npairs - 1][0] == inc && pairs[npairs - 1][1] == svc)
			continue;
		if (npairs == pcap) {
			pcap = pcap ? pcap * 2 : 1024;
			pairs = pirx_xreallocarray(pairs, (size_t)pcap, sizeof(*pairs));
		}
		pairs[npairs][0] = inc;
		pairs[npairs][1] = svc;
		npairs++;
	}
	if ((rc = step < 0 ? step : 0))
		goto out;
	pirx_stmt_finalize(st);
	st = NULL;
	c->svc_start = pirx_xcalloc((size_t)ninc + 1, sizeof(size_t));
	c->svc = pirx_xmalloc((size_t)(npairs ? npairs : 1) * sizeof(long));
	count = pirx_xcalloc((size_t)ninc + 1, sizeof(long));
	for (long i = 0; i < npairs; i++)
		c->svc_start[pairs[i][0] + 1]++;
	for (long i = 0; i < ninc; i++)
		c->svc_start[i + 1] += c->svc_start[i];
	for (long i = 0; i < npairs; i++) {
		long inc = pairs[i][0];
		c->svc[c->svc_start[inc] + (size_t)count[inc]++] = pairs[i][1];
	}
	c->nsvc = npairs;

	/* The corpus's own service and team names, in byte order. */
	for (long i = 0; i < pirx_strtab_count(c->services); i++)
		if (*pirx_strtab_str(c->services, i))
			pirx_strtab_intern(noise, pirx_strtab_str(c->services, i), -1, NULL);
	c->nnoise = pirx_strtab_count(noise);
	c->noise = pirx_xmalloc((size_t)(c->nnoise ? c->nnoise : 1) * sizeof(char *));
	for (long i = 0; i < c->nnoise; i++)
		c->noise[i] = pirx_xstrdup(pirx_strtab_str(noise, i));
	qsort(c->noise, (size_t)c->nnoise, sizeof(char *), cmp_cstr);

	pirx_stmt_finalize(st);
	st = NULL;
	rc = read_factor_rows(ctx, c, err);
out:
	pirx_strtab_free(noise);
	pirx_incident_order_release(&order);
	pirx_stmt_finalize(st);
	free(pairs);
	free(count);
	return rc;
}

/* Per cluster: factor rows, incidents, services, first and last seen. */
struct cstat {
	long factors, incidents, services;
	int64_t first, last;
};

static int write_outputs(const struct pirx_report_ctx *ctx, const struct corpus *c,
			 const struct pirx_clustering *cl, struct pirx_err *err)
{
	char *path = pirx_fs_join(ctx->dir, "factor_assignments.csv");
	pirx_csvw *w = NULL;
	struct pirx_recur_hit *hits = NULL;
	struct cstat *cs = pirx_xcalloc(cl->nclusters ? cl->nclusters : 1, sizeof(*cs));
	long nhits = 0, nsvc = pirx_strtab_count(c->services);
	long *seen_svc = pirx_xmalloc((size_t)(nsvc ? nsvc : 1) * sizeof(long));
	long *order = NULL;
	const char **ids = NULL, **labels = NULL, **inc_ids = NULL, **svc_names = NULL;
	long ninc = pirx_strtab_count(c->incidents);
	struct pirx_recur_input in;
	int rc;

	if ((rc = pirx_csvw_open(path, &w, err)))
		goto out;
	pirx_csvw_header(w, "factor_id,incident_id,cluster_id");
	hits = pirx_xmalloc((size_t)(c->nrows ? c->nrows : 1) * sizeof(*hits));
	for (long r = 0; r < c->nrows; r++) {
		long k = cl->cluster[c->ftext[r]];
		pirx_csvw_text(w, c->fid_text.data + c->fid[r]);
		pirx_csvw_text(w, pirx_strtab_str(c->incidents, c->finc[r]));
		pirx_csvw_text(w, cl->clusters[k].id);
		pirx_csvw_end_row(w);
		cs[k].factors++;
		hits[nhits].incident = c->finc[r];
		hits[nhits].cluster = k;
		nhits++;
	}
	rc = pirx_csvw_close(w, err);
	w = NULL;
	if (rc)
		goto out;
	/* Distinct (cluster, incident) pairs. */
	pirx_recur_sort_hits(hits, (size_t)nhits);
	{
		long o = 0;
		for (long i = 0; i < nhits; i++)
			if (!o || hits[o - 1].cluster != hits[i].cluster || hits[o - 1].incident != hits[i].incident)
				hits[o++] = hits[i];
		nhits = o;
	}
	for (long i = 0; i < nsvc; i++)
		seen_svc[i] = -1;
	for (long i = 0; i < nhits; i++) {
		struct cstat *s = &cs[hits[i].cluster];
		long inc = hits[i].incident;
		int64_t t = c->started_at[inc];
		if (!s->incidents || t < s->first)
			s->first = t;
		if (!s->incidents || t > s->last)
			s->last = t;
		s->incidents++;
		for (size_t k = c->svc_start[inc]; k < c->svc_start[inc + 1]; k++) {
			if (seen_svc[c->svc[k]] != hits[i].cluster) {
				seen_svc[c->svc[k]] = hits[i].cluster;
				s->services++;
			}
		}
	}
	/* factor_clusters.csv: by incidents, then factors, then id. */
	order = pirx_xmalloc((cl->nclusters ? cl->nclusters : 1) * sizeof(long));
	for (size_t i = 0; i < cl->nclusters; i++) {
		long v = (long)i, j = (long)i;
		while (j > 0) {
			const struct cstat *a = &cs[order[j - 1]], *b = &cs[v];
			if (a->incidents > b->incidents || (a->incidents == b->incidents && (a->factors > b->factors
			    || (a->factors == b->factors && strcmp(cl->clusters[order[j - 1]].id, cl->clusters[v].id) < 0))))
				break;
			order[j] = order[j - 1];
			j--;
		}
		order[j] = v;
	}
	free(path);
	path = pirx_fs_join(ctx->dir, "factor_clusters.csv");
	if ((rc = pirx_csvw_open(path, &w, err)))
		goto out;
	pirx_csvw_header(w, "cluster_id,label,factors,incidents,services,first_seen,last_seen,example,category,source");
	for (size_t i = 0; i < cl->nclusters; i++) {
		const struct pirx_cluster *k = &cl->clusters[order[i]];
		const struct cstat *s = &cs[order[i]];
		if (!s->factors)
			continue;
		pirx_csvw_text(w, k->id);
		pirx_csvw_text(w, k->label);
		pirx_csvw_int(w, s->factors);
		pirx_csvw_int(w, s->incidents);
		pirx_csvw_int(w, s->services);
		pirx_csvw_time(w, s->first);
		pirx_csvw_time(w, s->last);
		pirx_csvw_text(w, pirx_strtab_str(c->texts, (long)k->example));
		pirx_csvw_text(w, k->category);
		pirx_csvw_text(w, k->from_taxonomy ? "taxonomy" : "discovered");
		pirx_csvw_end_row(w);
	}
	rc = pirx_csvw_close(w, err);
	w = NULL;
	if (rc)
		goto out;

	ids = pirx_xmalloc((cl->nclusters ? cl->nclusters : 1) * sizeof(char *));
	labels = pirx_xmalloc((cl->nclusters ? cl->nclusters : 1) * sizeof(char *));
	for (size_t i = 0; i < cl->nclusters; i++) {
		ids[i] = cl->clusters[i].id;
		labels[i] = cl->clusters[i].label;
	}
	inc_ids = pirx_xmalloc((size_t)(ninc ? ninc : 1) * sizeof(char *));
	for (long i = 0; i < ninc; i++)
		inc_ids[i] = pirx_strtab_str(c->incidents, i);
	svc_names = pirx_xmalloc((size_t)(nsvc ? nsvc : 1) * sizeof(char *));
	for (long i = 0; i < nsvc; i++)
		svc_names[i] = pirx_strtab_str(c->services, i);
	memset(&in, 0, sizeof(in));
	in.nincidents = (size_t)ninc;
	in.incident_id = inc_ids;
	in.started_at = c->started_at;
	in.svc_start = c->svc_start;
	in.service = c->svc;
	in.service_name = svc_names;
	in.nclusters = cl->nclusters;
	in.cluster_id = ids;
	in.cluster_label = labels;
	in.nhits = (size_t)nhits;
	in.hits = hits;
	rc = pirx_recurrence_write(ctx, &in, err);
out:
	if (w)
		pirx_csvw_close(w, NULL);
	free(path);
	free(hits);
	free(cs);
	free(seen_svc);
	free(order);
	free(ids);
	free(labels);
	free(inc_ids);
	free(svc_names);
	return rc;
}

int pirx_clusters_run(const struct pirx_report_ctx *ctx, struct pirx_err *err)
{
	struct corpus c;
	struct pirx_clustering cl;
	struct pirx_clusters_opts o;
	const char **texts = NULL;
	long ntexts;
	int rc;

	memset(&c, 0, sizeof(c));
	memset(&cl, 0, sizeof(cl));
	if ((rc = read_corpus(ctx, &c, err)))
		goto out;
	ntexts = pirx_strtab_count(c.texts);
	texts = pirx_xmalloc((size_t)(ntexts ? ntexts : 1) * sizeof(char *));
	for (long i = 0; i < ntexts; i++)
		texts[i] = pirx_strtab_str(c.texts, i);
	pirx_report_progress(ctx, "clustering %ld factors (%ld distinct texts)", c.nrows, ntexts);
	pirx_clusters_opts_init(&o);
	o.taxonomy = ctx->taxonomy;
	if ((rc = pirx_clusters_build(texts, c.tweight, (size_t)ntexts, (const char *const *)c.noise,
				      (size_t)c.nnoise, &o, &cl, err)))
		goto out;
	pirx_report_progress(ctx, "%ld distinct normalized texts: %ld matched the taxonomy, %ld joined a mode by similarity, %ld agglomerated, %ld assigned",
			     cl.distinct, cl.matched, cl.propagated, cl.agglomerated, cl.assigned);
	rc = write_outputs(ctx, &c, &cl, err);
out:
	pirx_clusters_release(&cl);
	free(texts);
	corpus_release(&c);
	return rc;
}
