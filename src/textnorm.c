/*
 * textnorm: normalization of contributing-factor texts, and the string
 * table the clustering modules and the loader's id sets share. Owns the
 * stop-word list, the table of operations abbreviations and synonyms, name
 * removal, the corpus's spelling correction and the Snowball stemmer
 * (libstemmer only here).
 * What the tokens mean (failure modes, clusters) is left to taxonomy.c and
 * clusters.c.
 */
#include "pirx/textnorm.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/mem.h"

/* ---- string table ------------------------------------------------------ */

/*
 * Strings live in blocks that never move (pirx_strtab_str's pointers stay
 * valid) instead of one malloc each. A slot holds the id and the hash's
 * high half, so a probe that meets another string does not read it: at 1M
 * incidents, the clustering looks an incident up for each of 2.5M factor
 * rows, and each read of a string is a cache miss.
 */
#define STR_BLOCK ((size_t)64 << 10)

struct slot {
	uint32_t id1;      /* id + 1; 0: empty */
	uint32_t tag;      /* the hash's high half */
};

struct strent {
	const char *s;     /* in a block, NUL-terminated */
	size_t len;
};

struct pirx_strtab {
	struct strent *e;  /* by id: pointer and length in one cache line */
	long count, cap;
	long indexed;      /* ids below this are in slot (pirx_strtab_append
			      leaves the rest out until a lookup needs them) */
	struct slot *slot; /* open addressing, at most half full */
	size_t nslot;      /* power of two */
	char **block;      /* string storage */
	long nblock;
	size_t used;       /* bytes used in the last block */
	size_t room;       /* its size */
};

uint64_t pirx_strtab_hash(const char *s, size_t n)
{
	const uint64_t m = 0x9e3779b97f4a7c15ULL;
	uint64_t h = m ^ n, w;

	/* Eight bytes a step (a multiply and a shift each; byte-at-a-time
	 * FNV-1a took a multiply per byte, and factor texts run to 60 bytes),
	 * then MurmurHash3's 64-bit finalizer, which mixes ids that differ
	 * only in their last characters into every bit. */
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * m;
		h ^= h >> 29;
	}
	if (n) {
		/* Byte by byte: a memcpy of a variable length is a call. */
		w = 0;
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)(unsigned char)s[i] << (8 * i);
		h = (h ^ w) * m;
		h ^= h >> 29;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h ? h : 1;
}

pirx_strtab *pirx_strtab_new(void)
{
	pirx_strtab *t = pirx_xcalloc(1, sizeof(*t));

	t->nslot = 64;
	t->slot = pirx_xcalloc(t->nslot, sizeof(*t->slot));
	return t;
}

void pirx_strtab_clear(pirx_strtab *t)
{
	for (long i = 0; i < t->nblock; i++)
		free(t->block[i]);
	t->nblock = 0;
	t->used = t->room = 0;
	t->count = t->indexed = 0;
	memset(t->slot, 0, t->nslot * sizeof(*t->slot));
}

void pirx_strtab_free(pirx_strtab *t)
{
	if (!t)
		return;
	for (long i = 0; i < t->nblock; i++)
		free(t->block[i]);
	free(t->block);
	free(t->e);
	free(t->slot);
	free(t);
}

/* Puts id in the slot table (which has room; ids are distinct). */
static void strtab_put(pirx_strtab *t, long id)
{
	uint64_t h = pirx_strtab_hash(t->e[id].s, t->e[id].len);
	size_t j = (size_t)h & (t->nslot - 1);

	while (t->slot[j].id1)
		j = (j + 1) & (t->nslot - 1);
	t->slot[j].id1 = (uint32_t)id + 1;
	t->slot[j].tag = (uint32_t)(h >> 32);
}

/* Makes room in the slot table for `need` ids (at most half full) and
 * puts every id in it: a larger table is filled from the entries. */
static void strtab_index(pirx_strtab *t, long need)
{
	size_t n = t->nslot;

	while ((size_t)need * 2 > n)
		n *= 2;
	if (n != t->nslot) {
		free(t->slot);
		t->slot = pirx_xcalloc_table(n, sizeof(*t->slot));
		t->nslot = n;
		t->indexed = 0;
	}
	for (; t->indexed < t->count; t->indexed++)
		strtab_put(t, t->indexed);
}

/* Every appended id in the slot table before a lookup: the table is the
 * cache of the entries, so a lookup through a const pointer fills it. */
static void strtab_ready(const pirx_strtab *t)
{
	if (t->indexed < t->count)
		strtab_index((pirx_strtab *)t, t->count);
}

/* The slot of s: its own, or the empty one where it would go. */
static size_t strtab_slot(const pirx_strtab *t, const char *s, size_t len, uint64_t h)
{
	size_t mask = t->nslot - 1, i = (size_t)h & mask;
	uint32_t tag = (uint32_t)(h >> 32);

	for (;; i = (i + 1) & mask) {
		const struct slot *e = &t->slot[i];
		long id;
		if (!e->id1)
			return i;
		if (e->tag != tag)
			continue;
		id = (long)e->id1 - 1;
		if (t->e[id].len == len && memcmp(t->e[id].s, s, len) == 0)
			return i;
	}
}

long pirx_strtab_find(const pirx_strtab *t, const char *s, long n)
{
	size_t len = n < 0 ? strlen(s) : (size_t)n;
	size_t i;

	strtab_ready(t);
	i = strtab_slot(t, s, len, pirx_strtab_hash(s, len));

	return (long)t->slot[i].id1 - 1;
}

/* How many ids after the hint find_near tries before it hashes. */
#define NEAR 4

long pirx_strtab_find_near(const pirx_strtab *t, const char *s, long n, long hint)
{
	size_t len = n < 0 ? strlen(s) : (size_t)n;

	/* Rows grouped by incident, in the order the incidents were added:
	 * the next group's key is mostly one of the next few ids, whose
	 * entries and strings sit beside the hint's. A probe of the table is
	 * a cache miss at 100k keys. */
	for (long k = hint; k >= 0 && k < t->count && k <= hint + NEAR; k++)
		if (t->e[k].len == len && memcmp(t->e[k].s, s, len) == 0)
			return k;
	return pirx_strtab_find(t, s, (long)len);
}

/* A copy of s[0..len) and a NUL in the table's blocks. */
static char *strtab_copy(pirx_strtab *t, const char *s, size_t len)
{
	char *p;

	if (t->room - t->used < len + 1) {
		size_t size = len + 1 > STR_BLOCK ? len + 1 : STR_BLOCK;
		t->block = pirx_xreallocarray(t->block, (size_t)t->nblock + 1, sizeof(char *));
		t->block[t->nblock++] = pirx_xmalloc(size);
		t->used = 0;
		t->room = size;
	}
	p = t->block[t->nblock - 1] + t->used;
	memcpy(p, s, len);
	p[len] = '\0';
	t->used += len + 1;
	return p;
}

/* A new id for s[0..len), its string copied; not yet in the slot table. */
static long strtab_add(pirx_strtab *t, const char *s, size_t len)
{
	long id;

	if (t->count == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->e = pirx_xreallocarray(t->e, (size_t)t->cap, sizeof(*t->e));
	}
	id = t->count++;
	t->e[id].s = strtab_copy(t, s, len);
	t->e[id].len = len;
	return id;
}

long pirx_strtab_append(pirx_strtab *t, const char *s, long n)
{
	return strtab_add(t, s, n < 0 ? strlen(s) : (size_t)n);
}

long pirx_strtab_intern(pirx_strtab *t, const char *s, long n, int *added)
{
	size_t len = n < 0 ? strlen(s) : (size_t)n;
	uint64_t h = pirx_strtab_hash(s, len);
	size_t i;
	long id;

	strtab_ready(t);
	i = strtab_slot(t, s, len, h);
	if (added)
		*added = 0;
	if (t->slot[i].id1)
		return (long)t->slot[i].id1 - 1;
	if ((size_t)(t->count + 1) * 2 > t->nslot) {
		strtab_index(t, t->count + 1);
		i = strtab_slot(t, s, len, h);
	}
	id = strtab_add(t, s, len);
	t->slot[i].id1 = (uint32_t)id + 1;
	t->slot[i].tag = (uint32_t)(h >> 32);
	t->indexed = t->count;
	if (added)
		*added = 1;
	return id;
}

const char *pirx_strtab_str(const pirx_strtab *t, long id)
{
	return t->e[id].s;
}

size_t pirx_strtab_len(const pirx_strtab *t, long id)
{
	return t->e[id].len;
}

long pirx_strtab_count(const pirx_strtab *t)
{
	return t->count;
}

/* ---- tokens -------------------------------------------------------------- */

void pirx_tokens_init(struct pirx_tokens *t)
{
	memset(t, 0, sizeof(*t));
}

void pirx_tokens_reset(struct pirx_tokens *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->stem[i]);
		free(t->word[i]);
	}
	t->n = 0;
}

void pirx_tokens_release(struct pirx_tokens *t)
{
	pirx_tokens_reset(t);
	free(t->stem);
	free(t->word);
	pirx_tokens_init(t);
}

static void tokens_push(struct pirx_tokens *t, const char *stem, const char *word)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->stem = pirx_xreallocarray(t->stem, t->cap, sizeof(char *));
		t->word = pirx_xreallocarray(t->word, t->cap, sizeof(char *));
	}
	t->stem[t->n] = pirx_xstrdup(stem);
	t->word[t->n] = pirx_xstrdup(word);
	t->n++;
}

void pirx_tokens_join(const struct pirx_tokens *t, struct pirx_buf *buf)
{
	pirx_buf_reset(buf);
	pirx_buf_puts(buf, "");
	for (size_t i = 0; i < t->n; i++) {
		if (i)
			pirx_buf_puts(buf, " ");
		pirx_buf_puts(buf, t->stem[i]);
	}
}

/* ---- word lists ---------------------------------------------------------- */

/*
 * Stop words: English function words and the filler of post-incident
 * writing ("caused", "issue", "resulted"). Negations are not here: they
 * become "no" (see synonyms), because "no alert" and "alert" differ.
 */
static const char *const stop_words[] = {
	"a", "about", "above", "across", "after", "again", "against", "all",
	"along", "already", "also", "although", "am", "among", "an", "and",
	"another", "any", "are", "around", "as", "at", "be", "became",
	"because", "become", "becomes", "been", "before", "being", "below",
	"between", "both", "but", "by", "can", "could", "did", "do", "does",
	"doing", "due", "during", "each", "either", "else", "even",
	"ever", "every", "for", "from", "further", "had", "has", "have",
	"having", "he", "her", "here", "hers", "him", "his", "how", "however",
	"i", "if", "in", "into", "is", "it", "its", "itself", "just", "last",
	"least", "less", "let", "like", "made", "make", "makes", "many", "may",
	"me", "might", "more", "most", "much", "must", "my", "near", "nearly",
	"next", "now", "of", "on", "one", "onto", "or", "other", "others",
	"our", "ours", "per", "quite", "rather", "really", "same", "she",
	"should", "since", "so", "some", "still", "such", "than", "that",
	"the", "their", "theirs", "them", "then", "there", "these", "they",
	"this", "those", "though", "through", "thus", "to", "too", "toward",
	"towards", "under", "until", "up", "upon", "us", "very", "via", "was",
	"we", "were", "what", "whatever", "when", "whenever", "where",
	"whether", "which", "while", "who", "whom", "whose", "why", "will",
	"with", "within", "would", "yet", "you", "your",
	/* filler of post-incident writing */
	"approximately", "around", "began", "begin", "caused", "causes",
	"causing", "cause", "certain", "contributed", "contributing",
	"determined", "eventually", "engineers", "factor",
	"factors", "identified", "impact", "impacted", "impacting", "incident",
	"incidents", "initially", "issue", "issues", "led", "leading",
	"occurred", "part", "partial", "portion", "problem", "problems",
	"prod", "production", "result", "resulted", "resulting", "results",
	"root", "several", "service", "services", "subset", "system",
	"systems", "times", "which", "event",
	"found", "got", "getting", "went", "became", "seen",
	"saw", "observed", "started", "starting", "causing",
	"experienced", "experiencing", "instead", "multiple", "various",
};

/*
 * Abbreviations and synonyms of operations writing, to the words the rest
 * of the pipeline (and the taxonomy) expects. Expansions may hold several
 * words. Negations collapse into "no".
 */
static const char *const synonyms[][2] = {
	{"3p", "third party"}, {"3rd", "third"}, {"429", "rate limit"},
	{"429s", "rate limit"}, {"absence", "no"}, {"absent", "no"},
	{"ack", "acknowledge"}, {"acked", "acknowledged"}, {"alb", "load balancer"},
	{"alert", "alert"}, {"alerting", "alert"}, {"alerts", "alert"},
	{"auth", "authentication"}, {"authn", "authentication"},
	{"authz", "authorization"}, {"aws", "cloud"},
	{"azure", "cloud"}, {"gcp", "cloud"},
	{"cant", "no"},
	{"cert", "certificate"}, {"certs", "certificate"}, {"cfg", "configuration"},
	{"chrony", "clock"}, {"comms", "communication"}, {"conf", "configuration"},
	{"config", "configuration"}, {"configmap", "configuration"},
	{"configs", "configuration"}, {"conn", "connection"},
	{"conns", "connection"}, {"couldnt", "no"}, {"cpu", "cpu"},
	{"crashloop", "crash loop"}, {"crashloopbackoff", "crash loop"},
	{"crashlooped", "crash loop"}, {"crashlooping", "crash loop"},
	{"creds", "credential"}, {"cronjob", "cron"}, {"cronjobs", "cron"},
	{"crontab", "cron"}, {"db", "database"}, {"dbs", "database"},
	{"ddl", "schema"}, {"dep", "dependency"}, {"deps", "dependency"},
	{"didnt", "no"}, {"doesnt", "no"}, {"dont", "no"}, {"elb", "load balancer"},
	{"env", "environment"}, {"envoy", "proxy"}, {"expiry", "expired"},
	{"expiration", "expired"}, {"fs", "filesystem"}, {"gc", "garbage collection"},
	{"haproxy", "proxy"}, {"hw", "hardware"}, {"infra", "infrastructure"},
	{"isnt", "no"}, {"k8s", "kubernetes"}, {"kube", "kubernetes"},
	{"lack", "no"}, {"lacked", "no"}, {"lacking", "no"}, {"lb", "load balancer"},
	{"lbs", "load balancer"}, {"lib", "library"}, {"libs", "library"},
	{"mariadb", "database"}, {"mem", "memory"}, {"memcache", "cache"},
	{"memcached", "cache"}, {"missing", "no"}, {"mysql", "database"},
	{"never", "no"}, {"nginx", "proxy"}, {"nlb", "load balancer"},
	{"none", "no"}, {"not", "no"}, {"ntp", "clock ntp"}, {"oom", "out memory"},
	{"oomed", "out memory"}, {"oomkill", "out memory killed"},
	{"oomkilled", "out memory killed"}, {"ooms", "out memory"},
	{"passwd", "password"}, {"perf", "performance"}, {"pg", "database"},
	{"pkt", "packet"}, {"pkts", "packet"}, {"postgres", "database"},
	{"postgresql", "database"}, {"psu", "power supply"}, {"pwd", "password"},
	{"rabbitmq", "queue"}, {"rds", "database"}, {"redis", "cache"},
	{"repl", "replication"}, {"repo", "repository"}, {"rollout", "deploy"},
	{"rollouts", "deploy"}, {"secrets", "secret"}, {"sop", "runbook"},
	{"playbook", "runbook"}, {"playbooks", "runbook"}, {"sqs", "queue"},
	{"kafka", "queue"}, {"ssl", "tls"}, {"statuspage", "status page"},
	{"svc", "service"}, {"tz", "timezone"}, {"wasnt", "no"}, {"werent", "no"},
	{"without", "no"}, {"wont", "no"}, {"x509", "certificate"},
	{"oncall", "on call"}, {"pagerduty", "pager"}, {"mq", "queue"},
	{"ttl", "ttl"}, {"ddos", "ddos traffic"}, {"rps", "requests"},
	{"qps", "requests"}, {"hpa", "autoscaler"}, {"autoscaling", "autoscaler"},
	{"ipv6", "ipv6"}, {"cdn", "cdn"}, {"ui", "frontend"},
	{"outofmemoryerror", "out memory"}, {"enospc", "no space"}, {"coredns", "dns"},
	{"kubedns", "dns"}, {"iac", "infrastructure code"}, {"envvar", "environment variable"},
	{"nothing", "no"}, {"insufficient", "no"}, {"inadequate", "no"}, {"dst", "daylight saving"}, {"route53", "dns"},
	{"servfail", "dns failure"}, {"az", "availability zone"}, {"azs", "availability zone"},
	{"doc", "documentation"}, {"docs", "documentation"}, {"mtls", "tls"},
	{"maxpoolsize", "max pool size"}, {"poolsize", "pool size"},
	{"diskpressure", "disk pressure"}, {"memorypressure", "memory pressure"},
	{"healthcheck", "health check"}, {"healthchecks", "health check"},
	{"oomkiller", "out memory killer"}, {"ratelimit", "rate limit"},
	{"ratelimited", "rate limited"}, {"ratelimiting", "rate limiting"},
	{"fd", "file descriptor"}, {"fds", "file descriptor"}, {"ram", "memory"},
	/* the incident commander coordinates: "no IC was named" is a
	 * coordination gap, not a command someone typed */
	{"commander", "coordinator"}, {"commanders", "coordinator"}, {"ic", "coordinator"},
	/* HTTP statuses that name one failure; other numbers stay dropped */
	{"401", "unauthorized"}, {"401s", "unauthorized"}, {"403", "forbidden"},
	{"403s", "forbidden"}, {"502", "bad gateway"}, {"502s", "bad gateway"},
	{"504", "gateway timeout"}, {"504s", "gateway timeout"},
	/* the stemmer keeps "add" but makes "added"/"adding" "ad": action
	 * items ("add an alert") and reviews ("added an alert") must agree */
	{"add", "added"}, {"adds", "added"},
	{"dc", "datacenter"}, {"dcs", "datacenter"}, {"fw", "firewall"},
	{"perms", "permission"}, {"txn", "transaction"}, {"txns", "transaction"},
	{"idx", "index"}, {"pkg", "package"}, {"pkgs", "package"}, {"msg", "message"},
	{"msgs", "message"}, {"hc", "health check"}, {"gw", "gateway"},
	{"req", "requests"}, {"reqs", "requests"}, {"tps", "requests"},
	{"resolver", "dns resolver"}, {"resolvers", "dns resolver"},
};

/* ---- the normalizer ------------------------------------------------------ */

struct name {
	char **w;   /* raw words */
	size_t n;
	long next;  /* next name with the same first word, -1 at the end */
};

struct pirx_textnorm {
	struct sb_stemmer *stemmer;
	pirx_strtab *stops;
	pirx_strtab *syn;        /* words of synonyms[] */
	long *syn_idx;           /* syn id -> index into synonyms[] */
	pirx_strtab *protect;
	pirx_strtab *first;      /* first word of a name -> head in first_head */
	long *first_head;
	long nfirst_cap;
	struct name *names;
	long nnames, names_cap;
	pirx_strtab *vocab;      /* learned words */
	long *vcount;
	long vcap;
	char **correct;          /* by vocab id: the corrected word, or NULL */
	long ncorrect;
	struct pirx_tokens scratch;
	/* What pirx_textnorm_run (no flags) made of each word seen since the
	 * tables last changed: four table lookups a word (name, spelling,
	 * synonym, stop word) and the stemmer, which was half of normalizing
	 * (a corpus repeats a few thousand words), become one lookup.
	 * Cleared by the calls that change what a word becomes: a name
	 * added, the spellings frozen (learning and protecting change nothing
	 * until then). */
	pirx_strtab *memo;       /* word -> id */
	struct memo {
		long first;      /* the word's entry in tn->first, -1: none */
		size_t off;      /* its tokens in memo_text: stem, NUL, word, NUL each */
		size_t n;
	} *memo_ent;
	long memo_cap;
	struct pirx_buf memo_text;
};

pirx_textnorm *pirx_textnorm_new(void)
{
	pirx_textnorm *tn = pirx_xcalloc(1, sizeof(*tn));

	tn->stemmer = sb_stemmer_new("english", NULL);
	if (!tn->stemmer) {
		/* libstemmer fails only when out of memory */
		pirx_xmalloc(SIZE_MAX);
	}
	tn->stops = pirx_strtab_new();
	for (size_t i = 0; i < sizeof(stop_words) / sizeof(stop_words[0]); i++)
		pirx_strtab_intern(tn->stops, stop_words[i], -1, NULL);
	tn->syn = pirx_strtab_new();
	tn->syn_idx = pirx_xcalloc(sizeof(synonyms) / sizeof(synonyms[0]), sizeof(long));
	for (size_t i = 0; i < sizeof(synonyms) / sizeof(synonyms[0]); i++)
		tn->syn_idx[pirx_strtab_intern(tn->syn, synonyms[i][0], -1, NULL)] = (long)i;
	tn->protect = pirx_strtab_new();
	tn->first = pirx_strtab_new();
	tn->vocab = pirx_strtab_new();
	pirx_tokens_init(&tn->scratch);
	tn->memo = pirx_strtab_new();
	pirx_buf_init(&tn->memo_text);
	return tn;
}

void pirx_textnorm_free(pirx_textnorm *tn)
{
	if (!tn)
		return;
	sb_stemmer_delete(tn->stemmer);
	pirx_strtab_free(tn->memo);
	free(tn->memo_ent);
	pirx_buf_release(&tn->memo_text);
	pirx_strtab_free(tn->stops);
	pirx_strtab_free(tn->syn);
	free(tn->syn_idx);
	pirx_strtab_free(tn->protect);
	pirx_strtab_free(tn->first);
	free(tn->first_head);
	for (long i = 0; i < tn->nnames; i++) {
		for (size_t j = 0; j < tn->names[i].n; j++)
			free(tn->names[i].w[j]);
		free(tn->names[i].w);
	}
	free(tn->names);
	pirx_strtab_free(tn->vocab);
	free(tn->vcount);
	for (long i = 0; i < tn->ncorrect; i++)
		free(tn->correct[i]);
	free(tn->correct);
	pirx_tokens_release(&tn->scratch);
	free(tn);
}

/* Index into synonyms[] of a word, or -1. The table is small and fixed. */
static long syn_index(const pirx_textnorm *tn, const char *w, size_t n)
{
	long id = pirx_strtab_find(tn->syn, w, (long)n);

	return id < 0 ? -1 : tn->syn_idx[id];
}

static int is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/*
 * Splits text into lower-case words, appended to words as offsets into the
 * lowered copy *low (caller frees). U+2000..U+206F (dashes, curly quotes)
 * separate words, except U+2019 which, like "'", is an apostrophe: "'s" at
 * the end of a word is dropped, other apostrophes are removed ("didn't"
 * -> "didnt").
 */
struct span {
	size_t off, len;
};

static size_t split_words(const char *text, char **low, struct span **words, size_t *cap)
{
	size_t n = strlen(text), nw = 0, o = 0;
	char *s = pirx_xmalloc(n + 1);
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)text[i];
		size_t start;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (!is_word_byte(c) || (c == 0xE2 && i + 2 < n && (unsigned char)text[i + 1] == 0x80)
		    || (c == 0xE2 && i + 2 < n && (unsigned char)text[i + 1] == 0x81)) {
			if (c == 0xE2)
				i += 3;
			else
				i++;
			continue;
		}
		start = o;
		while (i < n) {
			c = (unsigned char)text[i];
			if (c >= 'A' && c <= 'Z')
				c = (unsigned char)(c - 'A' + 'a');
			if (c == '\'' || (c == 0xE2 && i + 2 < n && (unsigned char)text[i + 1] == 0x80
					  && (unsigned char)text[i + 2] == 0x99)) {
				size_t k = i + (c == '\'' ? 1 : 3);
				if (k < n && (text[k] == 's' || text[k] == 'S')
				    && (k + 1 >= n || !is_word_byte((unsigned char)text[k + 1]))) {
					i = k + 1;
					break;
				}
				if (k < n && is_word_byte((unsigned char)(text[k] | 0x20))) {
					i = k;
					continue;
				}
				break;
			}
			if (c == 0xE2 && i + 2 < n && ((unsigned char)text[i + 1] == 0x80
						     || (unsigned char)text[i + 1] == 0x81))
				break;
			if (!is_word_byte(c))
				break;
			s[o++] = (char)c;
			i++;
		}
		if (o > start) {
			if (nw == *cap) {
				*cap = *cap ? *cap * 2 : 32;
				*words = pirx_xreallocarray(*words, *cap, sizeof(**words));
			}
			(*words)[nw].off = start;
			(*words)[nw].len = o - start;
			nw++;
		}
	}
	s[o] = '\0';
	*low = s;
	return nw;
}

static int is_protected_expansion(const pirx_textnorm *tn, const char *w, size_t n)
{
	long si = syn_index(tn, w, n);

	if (pirx_strtab_find(tn->protect, w, (long)n) >= 0)
		return 1;
	if (si >= 0) {
		const char *e = synonyms[si][1];
		while (*e) {
			size_t k = strcspn(e, " ");
			if (pirx_strtab_find(tn->protect, e, (long)k) >= 0)
				return 1;
			e += k;
			while (*e == ' ')
				e++;
		}
	}
	return 0;
}

/* The tables change: what the memo says may no longer hold. */
static void memo_clear(pirx_textnorm *tn)
{
	if (pirx_strtab_count(tn->memo) == 0)
		return;
	pirx_strtab_clear(tn->memo);
	pirx_buf_reset(&tn->memo_text);
}

void pirx_textnorm_protect(pirx_textnorm *tn, const char *word)
{
	pirx_strtab_intern(tn->protect, word, -1, NULL);
}

void pirx_textnorm_add_noise(pirx_textnorm *tn, const char *name)
{
	char *low = NULL;
	struct span *w = NULL;
	size_t cap = 0, n = split_words(name, &low, &w, &cap);
	int meaningful = 0;
	long first;
	int added;
	struct name *nm;

	memo_clear(tn);
	for (size_t i = 0; i < n; i++) {
		const char *s = low + w[i].off;
		if (pirx_strtab_find(tn->stops, s, (long)w[i].len) < 0
		    && !is_protected_expansion(tn, s, w[i].len))
			meaningful = 1;
	}
	/* A single word that means something to the taxonomy stays; a
	 * sequence of several words ("k8s-ingress") is a name wherever it
	 * appears. */
	if (!n || (n == 1 && !meaningful))
		goto out;
	/* Already known? */
	first = pirx_strtab_find(tn->first, low + w[0].off, (long)w[0].len);
	for (long k = first >= 0 ? tn->first_head[first] : -1; k >= 0; k = tn->names[k].next) {
		int same = tn->names[k].n == n;
		for (size_t i = 0; same && i < n; i++)
			same = strlen(tn->names[k].w[i]) == w[i].len
			       && memcmp(tn->names[k].w[i], low + w[i].off, w[i].len) == 0;
		if (same)
			goto out;
	}
	first = pirx_strtab_intern(tn->first, low + w[0].off, (long)w[0].len, &added);
	if (added) {
		if (first >= tn->nfirst_cap) {
			tn->nfirst_cap = tn->nfirst_cap ? tn->nfirst_cap * 2 : 64;
			tn->first_head = pirx_xreallocarray(tn->first_head, (size_t)tn->nfirst_cap, sizeof(long));
		}
		tn->first_head[first] = -1;
	}
	if (tn->nnames == tn->names_cap) {
		tn->names_cap = tn->names_cap ? tn->names_cap * 2 : 32;
		tn->names = pirx_xreallocarray(tn->names, (size_t)tn->names_cap, sizeof(*tn->names));
	}
	nm = &tn->names[tn->nnames];
	nm->n = n;
	nm->w = pirx_xcalloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		nm->w[i] = pirx_xstrndup(low + w[i].off, w[i].len);
	/* Longest names first in each chain, so "payments api" wins over "payments". */
	{
		long *pp = &tn->first_head[first];
		while (*pp >= 0 && tn->names[*pp].n >= n)
			pp = &tn->names[*pp].next;
		nm->next = *pp;
		*pp = tn->nnames;
	}
	tn->nnames++;
out:
	free(low);
	free(w);
}

/* Length of the name starting at word i, or 0. */
/* The number of words of the noise name that starts at word i (0: none);
 * first is word i's entry in tn->first (-1: none). */
static size_t name_at(const pirx_textnorm *tn, const char *low, const struct span *w,
		      size_t nw, size_t i, long first)
{
	if (first < 0)
		return 0;
	for (long k = tn->first_head[first]; k >= 0; k = tn->names[k].next) {
		const struct name *nm = &tn->names[k];
		int same = i + nm->n <= nw;
		for (size_t j = 1; same && j < nm->n; j++)
			same = strlen(nm->w[j]) == w[i + j].len
			       && memcmp(nm->w[j], low + w[i + j].off, w[i + j].len) == 0;
		if (same)
			return nm->n;
	}
	return 0;
}

void pirx_textnorm_learn(pirx_textnorm *tn, const char *text, long weight)
{
	char *low = NULL;
	struct span *w = NULL;
	size_t cap = 0, n = split_words(text, &low, &w, &cap);

	for (size_t i = 0; i < n; i++) {
		int added;
		long id = pirx_strtab_intern(tn->vocab, low + w[i].off, (long)w[i].len, &added);
		if (id >= tn->vcap) {
			long old = tn->vcap;
			tn->vcap = tn->vcap ? tn->vcap * 2 : 1024;
			tn->vcount = pirx_xreallocarray(tn->vcount, (size_t)tn->vcap, sizeof(long));
			memset(tn->vcount + old, 0, (size_t)(tn->vcap - old) * sizeof(long));
		}
		tn->vcount[id] += weight;
	}
	free(low);
	free(w);
}

/* 1 when a and b (lengths la, lb) are at edit distance exactly <= 1,
 * counting a swap of neighbours as one edit. */
static int within_one(const char *a, size_t la, const char *b, size_t lb)
{
	size_t i = 0;

	if (la == lb) {
		while (i < la && a[i] == b[i])
			i++;
		if (i == la)
			return 1;
		if (i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i]
		    && memcmp(a + i + 2, b + i + 2, la - i - 2) == 0)
			return 1;
		return memcmp(a + i + 1, b + i + 1, la - i - 1) == 0;
	}
	if (la + 1 == lb) {
		const char *t = a; a = b; b = t;
		size_t tl = la; la = lb; lb = tl;
	}
	if (la != lb + 1)
		return 0;
	while (i < lb && a[i] == b[i])
		i++;
	return memcmp(a + i + 1, b + i, lb - i) == 0;
}

static int only_letters(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
}

void pirx_textnorm_freeze(pirx_textnorm *tn)
{
	long nv = pirx_strtab_count(tn->vocab), np = pirx_strtab_count(tn->protect);
	/* Candidates: frequent learned words and protected words, by length. */
	enum { MAXLEN = 32 };
	long *bucket[MAXLEN + 2] = {0};
	long nb[MAXLEN + 2] = {0}, capb[MAXLEN + 2] = {0};
	const long PROTECTED = 1L << 40;

	memo_clear(tn);
	for (long i = 0; i < tn->ncorrect; i++)
		free(tn->correct[i]);
	free(tn->correct);
	tn->ncorrect = nv;
	tn->correct = pirx_xcalloc((size_t)(nv ? nv : 1), sizeof(char *));
	/* ids >= nv stand for protected word id - nv */
	for (long id = 0; id < nv + np; id++) {
		const char *s = id < nv ? pirx_strtab_str(tn->vocab, id) : pirx_strtab_str(tn->protect, id - nv);
		size_t len = strlen(s);
		if (len < 4 || len > MAXLEN || !only_letters(s, len))
			continue;
		if (id < nv && tn->vcount[id] < 3)
			continue;
		if (nb[len] == capb[len]) {
			capb[len] = capb[len] ? capb[len] * 2 : 64;
			bucket[len] = pirx_xreallocarray(bucket[len], (size_t)capb[len], sizeof(long));
		}
		bucket[len][nb[len]++] = id;
	}
	for (long id = 0; id < nv; id++) {
		const char *s = pirx_strtab_str(tn->vocab, id);
		size_t len = strlen(s);
		long best = -1, bestc = 0;
		if (tn->vcount[id] > 2 || len < 6 || len > MAXLEN || !only_letters(s, len))
			continue;
		if (pirx_strtab_find(tn->protect, s, -1) >= 0 || pirx_strtab_find(tn->syn, s, -1) >= 0
		    || pirx_strtab_find(tn->stops, s, -1) >= 0)
			continue;
		for (size_t l = len - 1; l <= len + 1 && l <= MAXLEN; l++) {
			for (long k = 0; k < nb[l]; k++) {
				long c = bucket[l][k];
				const char *t = c < nv ? pirx_strtab_str(tn->vocab, c) : pirx_strtab_str(tn->protect, c - nv);
				long cnt = c < nv ? tn->vcount[c] : PROTECTED;
				if (c < nv && pirx_strtab_find(tn->protect, t, -1) >= 0)
					cnt = PROTECTED;
				if (cnt < 3 * tn->vcount[id] || !within_one(s, len, t, l))
					continue;
				if (cnt > bestc || (cnt == bestc && strcmp(t, best < nv ? pirx_strtab_str(tn->vocab, best)
							: pirx_strtab_str(tn->protect, best - nv)) < 0)) {
					best = c;
					bestc = cnt;
				}
			}
		}
		if (best >= 0)
			tn->correct[id] = pirx_xstrdup(best < nv ? pirx_strtab_str(tn->vocab, best)
						       : pirx_strtab_str(tn->protect, best - nv));
	}
	for (int l = 0; l < MAXLEN + 2; l++)
		free(bucket[l]);
}

void pirx_textnorm_stem(pirx_textnorm *tn, const char *word, char *buf, size_t n)
{
	const sb_symbol *r = sb_stemmer_stem(tn->stemmer, (const sb_symbol *)word, (int)strlen(word));
	int len = sb_stemmer_length(tn->stemmer);

	if (!n)
		return;
	if (!r) {
		snprintf(buf, n, "%s", word);
		return;
	}
	if ((size_t)len >= n)
		len = (int)n - 1;
	memcpy(buf, r, (size_t)len);
	buf[len] = '\0';
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Pushes one (expanded) word: stop words, numbers and single letters go. */
static void push_word(pirx_textnorm *tn, const char *w, size_t n, struct pirx_tokens *out)
{
	char word[128], stem[128];

	if (n < 2 || n >= sizeof(word) || all_digits(w, n) || pirx_strtab_find(tn->stops, w, (long)n) >= 0)
		return;
	memcpy(word, w, n);
	word[n] = '\0';
	pirx_textnorm_stem(tn, word, stem, sizeof(stem));
	tokens_push(out, stem, word);
}

/* Pushes the tokens of one word: its spelling corrected (unless flags
 * say not to), then its synonym's words or itself, stop words left out. */
static void word_tokens(pirx_textnorm *tn, const char *s, size_t len, int flags,
			struct pirx_tokens *out)
{
	long si;

	if (!(flags & PIRX_TN_NO_CORRECT) && tn->ncorrect) {
		long id = pirx_strtab_find(tn->vocab, s, (long)len);
		if (id >= 0 && id < tn->ncorrect && tn->correct[id]) {
			s = tn->correct[id];
			len = strlen(s);
		}
	}
	si = syn_index(tn, s, len);
	if (si >= 0) {
		const char *e = synonyms[si][1];
		while (*e) {
			size_t k = strcspn(e, " ");
			push_word(tn, e, k, out);
			e += k;
			while (*e == ' ')
				e++;
		}
	} else {
		push_word(tn, s, len, out);
	}
}

/* Words whose tokens the memo keeps; past this, the rest are worked out
 * each time. */
#define MEMO_MAX (1L << 18)

/* Remembers the word s[0..len) with its first-word entry and the tokens
 * out[from..) it made. */
static void memo_add(pirx_textnorm *tn, const char *s, size_t len, long first,
		     const struct pirx_tokens *out, size_t from)
{
	long id;

	if (pirx_strtab_count(tn->memo) >= MEMO_MAX)
		return;
	id = pirx_strtab_intern(tn->memo, s, (long)len, NULL);
	if (id >= tn->memo_cap) {
		tn->memo_cap = tn->memo_cap ? tn->memo_cap * 2 : 1024;
		tn->memo_ent = pirx_xreallocarray(tn->memo_ent, (size_t)tn->memo_cap, sizeof(*tn->memo_ent));
	}
	tn->memo_ent[id].first = first;
	tn->memo_ent[id].off = tn->memo_text.len;
	tn->memo_ent[id].n = out->n - from;
	for (size_t k = from; k < out->n; k++) {
		pirx_buf_append(&tn->memo_text, out->stem[k], strlen(out->stem[k]) + 1);
		pirx_buf_append(&tn->memo_text, out->word[k], strlen(out->word[k]) + 1);
	}
}

void pirx_textnorm_run(pirx_textnorm *tn, const char *text, int flags,
		       struct pirx_tokens *out)
{
	char *low = NULL;
	struct span *w = NULL;
	size_t cap = 0, nw = split_words(text, &low, &w, &cap);

	pirx_tokens_reset(out);
	for (size_t i = 0; i < nw;) {
		const char *s = low + w[i].off;
		size_t len = w[i].len, from = out->n;
		long id = flags == 0 ? pirx_strtab_find(tn->memo, s, (long)len) : -1;
		long first = id >= 0 ? tn->memo_ent[id].first : -1;

		if (id < 0 && !(flags & PIRX_TN_NO_NOISE) && tn->nnames)
			first = pirx_strtab_find(tn->first, s, (long)len);
		if (!(flags & PIRX_TN_NO_NOISE) && first >= 0) {
			size_t k = name_at(tn, low, w, nw, i, first);
			if (k) {
				i += k;
				continue;
			}
		}
		if (id >= 0) {
			const char *p = tn->memo_text.data + tn->memo_ent[id].off;
			for (size_t k = 0; k < tn->memo_ent[id].n; k++) {
				const char *stem = p, *word = p + strlen(p) + 1;
				tokens_push(out, stem, word);
				p = word + strlen(word) + 1;
			}
		} else {
			word_tokens(tn, s, len, flags, out);
			if (flags == 0)
				memo_add(tn, s, len, first, out, from);
		}
		i++;
	}
	free(low);
	free(w);
}
