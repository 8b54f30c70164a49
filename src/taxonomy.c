/*
 * taxonomy: reads the failure-mode catalogue (reports/taxonomy.csv, or the
 * user's --taxonomy FILE) with the project's CSV reader, normalizes its
 * phrases exactly as factor texts are normalized, and scores a text
 * against every mode. Owns the file format and the scoring rule; the
 * clustering of texts no mode claims is left to clusters.c.
 */
#include "pirx/taxonomy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pirx/csvio.h"
#include "pirx/embed.h"
#include "pirx/mem.h"

struct term {
	long *stem;     /* ids in t->stems */
	size_t n;
	int weak;       /* a hint */
	int negated;    /* holds "no": names a missing safeguard */
};

struct mode {
	struct pirx_taxonomy_mode pub;
	struct term *terms;
	size_t nterms, cap;
};

struct pirx_taxonomy {
	struct mode *modes;
	size_t n, cap;
	pirx_strtab *stems;
	pirx_strtab *ids;
	unsigned *mark;      /* by stem id: generation of the last text holding it */
	size_t *pos;         /* by stem id: first position in that text */
	size_t *last;        /* by stem id: last position in that text */
	unsigned gen;
	long nmark;
	long no_id;          /* stem id of "no", or -1 */
	/* Each term is listed under one of its stems (the one fewest terms
	 * hold): a text can only hold the terms listed under its own stems,
	 * so a match looks at those and not at all 3,400. */
	long *key_head;      /* by stem id: its first term, -1: none */
	struct term_ref {    /* by place in mode, then term order */
		size_t mode, term;
		long next;       /* the next term under the same stem, -1: none */
	} *refs;
	size_t nrefs;
	size_t *cand;        /* scratch: a text's candidate terms (orders) */
};

/* A negation reaches this many words either side: "no alert on disk",
 * "the runbook was missing" (stop words already gone). */
enum { NEG_REACH = 3 };

/* The words of a term may have this many other words among them (stop
 * words already gone: "the pool of database connections ran out"), about
 * a sentence's reach, and no more. Short texts never hit it. */
enum { TERM_REACH = 8 };

#define NO_POS ((size_t)-1)

/* A text of at most this many words (after normalization) is one short
 * statement: a single hint is enough to place it. */
enum { SHORT_TEXT = 8 };

/* Reader state. */
struct load {
	pirx_taxonomy *t;
	pirx_textnorm *tn;
	const char *file;
	int col_id, col_name, col_cat, col_terms, col_hints;
	struct pirx_err *err;
	struct pirx_tokens tok;
};

static const char *const categories[] = {"technical", "process", "communication", "external"};

int pirx_taxonomy_check(const char *path, struct pirx_err *err)
{
	pirx_textnorm *tn = pirx_textnorm_new();
	pirx_taxonomy *t = NULL;
	int rc = pirx_taxonomy_load(path, tn, &t, err);

	pirx_taxonomy_free(t);
	pirx_textnorm_free(tn);
	return rc;
}

void pirx_taxonomy_free(pirx_taxonomy *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		struct mode *m = &t->modes[i];
		for (size_t j = 0; j < m->nterms; j++)
			free(m->terms[j].stem);
		free(m->terms);
		free((char *)m->pub.id);
		free((char *)m->pub.name);
		free((char *)m->pub.category);
	}
	free(t->modes);
	pirx_strtab_free(t->stems);
	pirx_strtab_free(t->ids);
	free(t->mark);
	free(t->pos);
	free(t->last);
	free(t->key_head);
	free(t->refs);
	free(t->cand);
	free(t);
}

/* Lists every term under its key stem (struct pirx_taxonomy). */
static void index_terms(pirx_taxonomy *t)
{
	size_t *held = pirx_xcalloc((size_t)(t->nmark ? t->nmark : 1), sizeof(*held));
	size_t total = 0;

	for (size_t i = 0; i < t->n; i++)
		for (size_t j = 0; j < t->modes[i].nterms; j++)
			for (size_t k = 0; k < t->modes[i].terms[j].n; k++)
				held[t->modes[i].terms[j].stem[k]]++;
	for (size_t i = 0; i < t->n; i++)
		total += t->modes[i].nterms;
	t->refs = pirx_xcalloc(total ? total : 1, sizeof(*t->refs));
	t->cand = pirx_xcalloc(total ? total : 1, sizeof(*t->cand));
	t->key_head = pirx_xmalloc((size_t)(t->nmark ? t->nmark : 1) * sizeof(*t->key_head));
	for (long s = 0; s < t->nmark; s++)
		t->key_head[s] = -1;
	/* Filled backwards so that each stem's list is in term order. */
	t->nrefs = total;
	for (size_t i = t->n, order = total; i-- > 0;) {
		for (size_t j = t->modes[i].nterms; j-- > 0;) {
			const struct term *tm = &t->modes[i].terms[j];
			struct term_ref *r = &t->refs[--order];
			long key = tm->stem[0];
			for (size_t k = 1; k < tm->n; k++)
				if (held[tm->stem[k]] < held[key])
					key = tm->stem[k];
			r->mode = i;
			r->term = j;
			r->next = t->key_head[key];
			t->key_head[key] = (long)order;
		}
	}
	free(held);
}

static int cmp_size(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	return (a > b) - (a < b);
}

size_t pirx_taxonomy_count(const pirx_taxonomy *t)
{
	return t->n;
}

const struct pirx_taxonomy_mode *pirx_taxonomy_mode(const pirx_taxonomy *t, size_t i)
{
	return &t->modes[i].pub;
}

/* Trimmed copy of a cell. */
static char *trimmed(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return pirx_xstrndup(s, n);
}

/* Marks every raw word of a phrase list protected (before normalizing). */
static void protect_words(pirx_textnorm *tn, const char *s)
{
	char w[128];
	size_t n = 0;

	for (;; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80) {
			if (n + 1 < sizeof(w))
				w[n++] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
			continue;
		}
		if (n) {
			w[n] = '\0';
			pirx_textnorm_protect(tn, w);
			n = 0;
		}
		if (!c)
			break;
	}
}

static int cmp_id(const void *x, const void *y)
{
	long a = *(const long *)x, b = *(const long *)y;

	return a < b ? -1 : a > b;
}

/* Adds the ';'-separated phrases of cell s to mode m. */
static int add_terms(struct load *L, struct mode *m, const char *s, int weak, long line,
		     const char *column)
{
	while (*s) {
		size_t k = strcspn(s, ";");
		char *phrase = trimmed(s, k);
		if (*phrase) {
			struct term *tm;
			pirx_textnorm_run(L->tn, phrase, PIRX_TN_NO_NOISE | PIRX_TN_NO_CORRECT, &L->tok);
			if (L->tok.n == 0) {
				int rc = pirx_err_set(L->err, PIRX_EINPUT, L->file, line, column,
						      "phrase '%s' has only stop words or numbers: it can never match",
						      phrase);
				free(phrase);
				return rc;
			}
			if (m->nterms == m->cap) {
				m->cap = m->cap ? m->cap * 2 : 16;
				m->terms = pirx_xreallocarray(m->terms, m->cap, sizeof(*m->terms));
			}
			tm = &m->terms[m->nterms++];
			tm->weak = weak;
			tm->negated = 0;
			tm->n = 0;
			tm->stem = pirx_xcalloc(L->tok.n, sizeof(long));
			for (size_t i = 0; i < L->tok.n; i++) {
				long id = pirx_strtab_intern(L->t->stems, L->tok.stem[i], -1, NULL);
				int dup = 0;
				for (size_t j = 0; j < tm->n; j++)
					dup |= tm->stem[j] == id;
				if (!dup)
					tm->stem[tm->n++] = id;
				if (!strcmp(L->tok.stem[i], "no"))
					tm->negated = 1;
			}
			/* Word order does not count, so "expired certificate" and
			 * "certificate expired" are one term: keep the first. */
			qsort(tm->stem, tm->n, sizeof(long), cmp_id);
			for (size_t j = 0; j + 1 < m->nterms; j++) {
				const struct term *o = &m->terms[j];
				if (o->n == tm->n && o->weak == tm->weak
				    && memcmp(o->stem, tm->stem, tm->n * sizeof(long)) == 0) {
					free(tm->stem);
					m->nterms--;
					break;
				}
			}
		}
		free(phrase);
		s += k;
		if (*s == ';')
			s++;
	}
	return 0;
}

static int on_row(void *arg, const struct pirx_csv_row *row)
{
	struct load *L = arg;
	pirx_taxonomy *t = L->t;
	struct mode *m;
	char *id = NULL, *name = NULL, *cat = NULL, *terms = NULL, *hints = NULL;
	int rc = 0, ok_cat = 0;

	if (row->bad_field >= 0)
		return pirx_err_set(L->err, PIRX_EINPUT, L->file, row->field_line[row->bad_field], NULL,
				    "%s", row->bad_reason);
	if (row->index == 0) {
		for (size_t i = 0; i < row->nfields; i++) {
			char *h = trimmed(row->field[i], row->len[i]);
			if (!strcasecmp(h, "id"))
				L->col_id = (int)i;
			else if (!strcasecmp(h, "name"))
				L->col_name = (int)i;
			else if (!strcasecmp(h, "category"))
				L->col_cat = (int)i;
			else if (!strcasecmp(h, "terms"))
				L->col_terms = (int)i;
			else if (!strcasecmp(h, "hints"))
				L->col_hints = (int)i;
			free(h);
		}
		if (L->col_id < 0 || L->col_name < 0 || L->col_cat < 0 || L->col_terms < 0) {
			const char *miss = L->col_id < 0 ? "id" : L->col_name < 0 ? "name"
					   : L->col_cat < 0 ? "category" : "terms";
			return pirx_err_set(L->err, PIRX_EINPUT, L->file, row->line, miss,
					    "missing column '%s' (expected id,name,category,terms[,hints])", miss);
		}
		return 0;
	}
#define CELL(c) ((c) >= 0 && (size_t)(c) < row->nfields ? trimmed(row->field[c], row->len[c]) : pirx_xstrdup(""))
	id = CELL(L->col_id);
	name = CELL(L->col_name);
	cat = CELL(L->col_cat);
	terms = CELL(L->col_terms);
	hints = CELL(L->col_hints);
#undef CELL
	if (!*id) {
		rc = pirx_err_set(L->err, PIRX_EINPUT, L->file, row->line, "id", "empty id");
		goto out;
	}
	for (const char *p = id; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')) {
			rc = pirx_err_set(L->err, PIRX_EINPUT, L->file, row->line, "id",
					  "id '%s' may hold only a-z, 0-9, '-' and '_'", id);
			goto out;
		}
	}
	if (!strncmp(id, "auto-", 5)) {
		rc = pirx_err_set(L->err, PIRX_EINPUT, L->file, row->line, "id",
				  "id '%s': ids starting with 'auto-' are kept for discovered clusters", id);
		goto out;
	}
	{
		int added;
		pirx_strtab_intern(t->ids, id, -1, &added);
		if (!added) {
			rc = pirx_err_set(L->err, PIRX_EINPUT, L->file, row->line, "id",
					  "id '%s' repeats an earlier mode", id);
			goto out;
		}
	}
	if (!*name) {
		rc = pirx_err_set(L->err, PIRX_EINPUT, L->file, row->line, "name", "empty name");
		goto out;
	}
	for (size_t i = 0; i < sizeof(categories) / sizeof(categories[0]); i++)
		if (!strcasecmp(cat, categories[i])) {
			ok_cat = 1;
			free(cat);
			cat = pirx_xstrdup(categories[i]);
		}
	if (!ok_cat) {
		rc = pirx_err_set(L->err, PIRX_EINPUT, L->file, row->line, "category",
				  "category '%s' is not one of technical, process, communication, external", cat);
		goto out;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->modes = pirx_xreallocarray(t->modes, t->cap, sizeof(*t->modes));
	}
	m = &t->modes[t->n++];
	memset(m, 0, sizeof(*m));
	m->pub.id = id;
	m->pub.name = name;
	m->pub.category = cat;
	m->pub.line = row->line;
	id = name = cat = NULL;
	protect_words(L->tn, terms);
	protect_words(L->tn, hints);
	if ((rc = add_terms(L, m, terms, 0, row->line, "terms")))
		goto out;
	if ((rc = add_terms(L, m, hints, 1, row->line, "hints")))
		goto out;
	if (m->nterms == 0 || m->terms[0].weak) {
		rc = pirx_err_set(L->err, PIRX_EINPUT, L->file, row->line, "terms",
				  "mode '%s' has no terms", m->pub.id);
		goto out;
	}
out:
	free(id);
	free(name);
	free(cat);
	free(terms);
	free(hints);
	return rc;
}

int pirx_taxonomy_load(const char *path, pirx_textnorm *tn, pirx_taxonomy **out,
		       struct pirx_err *err)
{
	struct load L;
	pirx_taxonomy *t = pirx_xcalloc(1, sizeof(*t));
	int rc;

	*out = NULL;
	t->stems = pirx_strtab_new();
	t->ids = pirx_strtab_new();
	memset(&L, 0, sizeof(L));
	L.t = t;
	L.tn = tn;
	L.err = err;
	L.col_id = L.col_name = L.col_cat = L.col_terms = L.col_hints = -1;
	pirx_tokens_init(&L.tok);
	if (path) {
		L.file = path;
		rc = pirx_csv_read(path, on_row, &L, err);
	} else {
		const struct pirx_embed *e = pirx_embed_find(pirx_embedded_reports, "taxonomy");
		FILE *fp;
		L.file = "reports/taxonomy.csv";
		if (!e || !(fp = fmemopen((void *)e->text, strlen(e->text), "r"))) {
			rc = pirx_err_set(err, PIRX_EIO, L.file, 0, NULL, "the built-in taxonomy is missing");
		} else {
			rc = pirx_csv_read_stream(fp, L.file, on_row, &L, err);
			fclose(fp);
		}
	}
	if (rc == 0 && L.col_id < 0)
		rc = pirx_err_set(err, PIRX_EINPUT, L.file, 1, NULL, "empty taxonomy: expected a header id,name,category,terms[,hints]");
	if (rc == 0 && t->n == 0)
		rc = pirx_err_set(err, PIRX_EINPUT, L.file, 2, NULL, "the taxonomy has no modes");
	pirx_tokens_release(&L.tok);
	if (rc) {
		pirx_taxonomy_free(t);
		return rc < 0 ? rc : PIRX_EINPUT;
	}
	t->nmark = pirx_strtab_count(t->stems);
	t->mark = pirx_xcalloc((size_t)(t->nmark ? t->nmark : 1), sizeof(unsigned));
	t->pos = pirx_xcalloc((size_t)(t->nmark ? t->nmark : 1), sizeof(size_t));
	t->last = pirx_xcalloc((size_t)(t->nmark ? t->nmark : 1), sizeof(size_t));
	t->no_id = pirx_strtab_find(t->stems, "no", -1);
	index_terms(t);
	*out = t;
	return 0;
}

/* 1 when a "no" of the text (positions nos[0..nno)) is within NEG_REACH
 * words of one of the term's other words. */
static int negation_near(const pirx_taxonomy *t, const struct term *tm, const size_t *nos, size_t nno)
{
	for (size_t k = 0; k < tm->n; k++) {
		size_t at = t->pos[tm->stem[k]];
		if (tm->stem[k] == t->no_id)
			continue;
		for (size_t j = 0; j < nno; j++)
			if ((nos[j] <= at ? at - nos[j] : nos[j] - at) <= NEG_REACH)
				return 1;
	}
	return 0;
}

/* The nearest occurrence to p of the stem id (occurrences chained by
 * nextp from t->pos[id]). */
static size_t nearest(const pirx_taxonomy *t, long id, const size_t *nextp, size_t p)
{
	size_t best = t->pos[id];

	for (size_t q = t->pos[id]; q != NO_POS; q = nextp[q])
		if ((q > p ? q - p : p - q) < (best > p ? best - p : p - best))
			best = q;
	return best;
}

/* 1 when the words of a term (all present in the text) stand within
 * TERM_REACH extra words of one another somewhere in it: "region" in one
 * sentence of a paragraph and "outage" in another are not a region
 * outage. *at is set to where the closest such stretch ends. */
static int term_close(const pirx_taxonomy *t, const struct term *tm, const size_t *nextp, size_t *at)
{
	size_t words = 0, best = NO_POS, best_end = 0;
	long anchor = -1;

	for (size_t k = 0; k < tm->n; k++)
		if (tm->stem[k] != t->no_id) {
			words++;
			if (anchor < 0)
				anchor = tm->stem[k];
		}
	if (anchor < 0) {
		*at = t->pos[t->no_id];
		return 1;
	}
	for (size_t p = t->pos[anchor]; p != NO_POS; p = nextp[p]) {
		size_t lo = p, hi = p;
		for (size_t k = 0; k < tm->n; k++) {
			size_t q;
			if (tm->stem[k] == t->no_id || tm->stem[k] == anchor)
				continue;
			q = nearest(t, tm->stem[k], nextp, p);
			if (q < lo)
				lo = q;
			if (q > hi)
				hi = q;
		}
		if (best == NO_POS || hi - lo < best) {
			best = hi - lo;
			best_end = hi;
		}
	}
	*at = best_end;
	return best + 1 <= words + TERM_REACH;
}

long pirx_taxonomy_match(pirx_taxonomy *t, const struct pirx_tokens *tok, double *score)
{
	long best = -1;
	double best_score = 0;
	size_t best_len = 0, best_at = 0, first = (size_t)-1, nno = 0;
	long first_mode = -1;
	double *sc = pirx_xcalloc(t->n ? t->n : 1, sizeof(double));
	size_t *longest = pirx_xcalloc(t->n ? t->n : 1, sizeof(size_t));
	size_t *earliest = pirx_xcalloc(t->n ? t->n : 1, sizeof(size_t));
	size_t *nos = pirx_xcalloc(tok->n ? tok->n : 1, sizeof(size_t));
	size_t *nextp = pirx_xcalloc(tok->n ? tok->n : 1, sizeof(size_t));
	size_t ncand = 0;
	int any_term = 0;

	if (++t->gen == 0) {
		memset(t->mark, 0, (size_t)t->nmark * sizeof(unsigned));
		t->gen = 1;
	}
	for (size_t i = 0; i < tok->n; i++) {
		long id = pirx_strtab_find(t->stems, tok->stem[i], -1);
		nextp[i] = NO_POS;
		if (id >= 0 && t->mark[id] != t->gen) {
			t->mark[id] = t->gen;
			t->pos[id] = i;
			for (long r = t->key_head[id]; r >= 0; r = t->refs[r].next)
				t->cand[ncand++] = (size_t)r;
		} else if (id >= 0) {
			nextp[t->last[id]] = i;
		}
		if (id >= 0)
			t->last[id] = i;
		if (id >= 0 && id == t->no_id)
			nos[nno++] = i;
	}
	for (size_t i = 0; i < t->n; i++)
		earliest[i] = (size_t)-1;
	/* The terms listed under the text's stems, in mode and term order:
	 * the order of a walk over every term, which ties below depend on. */
	qsort(t->cand, ncand, sizeof(*t->cand), cmp_size);
	for (size_t c = 0; c < ncand; c++) {
		size_t i = t->refs[t->cand[c]].mode;
		const struct term *tm = &t->modes[i].terms[t->refs[t->cand[c]].term];
		{
			size_t k = 0, at = 0;
			while (k < tm->n && t->mark[tm->stem[k]] == t->gen)
				k++;
			/* its words together, not strewn over a paragraph; "no"
			 * must be about this term, not another clause */
			if (k < tm->n || !term_close(t, tm, nextp, &at) ||
			    (tm->negated && tm->n > 1 && !negation_near(t, tm, nos, nno)))
				continue;
			sc[i] += tm->weak ? 1.0 : 1.0 + (double)tm->n + (tm->negated ? 2.0 : 0.0);
			if (tm->weak)
				continue;
			any_term = 1;
			if (tm->n > longest[i])
				longest[i] = tm->n;
			if (at < earliest[i])
				earliest[i] = at;
			if (at < first) {
				first = at;
				first_mode = (long)i;
			}
		}
	}
	/* The subject comes first: the mode whose term completes earliest in
	 * the text is what the factor is about, the rest is circumstance. */
	if (first_mode >= 0)
		sc[first_mode] += 2.0;
	/* Hints are circumstance (where it broke, how it was found, what was
	 * done about it): when any mode has a term in the text, modes with
	 * only hints cannot win. When none has, the hints are all the text
	 * says: in a short text even one decides ("the pool had 3 free slots
	 * for 200 requests" is about the pool, and left unmatched it would
	 * start a cluster of its own wording); in a longer one a single word
	 * is a side remark, and two are needed. */
	double need = tok->n <= SHORT_TEXT ? 1 : 2;
	for (size_t i = 0; i < t->n; i++) {
		double s = sc[i];
		if (any_term && longest[i] == 0)
			continue;
		/* ties: the earlier subject, then the longer phrase */
		if (s >= need && (s > best_score
			       || (s == best_score && (earliest[i] < best_at
						       || (earliest[i] == best_at && longest[i] > best_len))))) {
			best = (long)i;
			best_score = s;
			best_len = longest[i];
			best_at = earliest[i];
		}
	}
	free(sc);
	free(longest);
	free(earliest);
	free(nos);
	free(nextp);
	if (score)
		*score = best_score;
	return best;
}
