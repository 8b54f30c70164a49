/*
 * gen_text: the phrase bank `pirx gen` draws contributing-factor texts
 * from. Each failure mode has a category, a frequency weight and many
 * paraphrase templates written the way different engineers write review
 * notes (terse, chatty, passive, lower case). Templates hold slots that are
 * filled per draw; a light pass then adds abbreviations and the odd typo.
 *
 * The templates are written independently of any taxonomy the clustering
 * code may use: factor_modes.csv is the ground truth it is measured
 * against, so sharing vocabulary on purpose would flatter it.
 *
 * Slots: {s} the incident's service, {o} another service, {n} a small
 * count, {N} a large count, {d} a duration, {p} a percentage, {v} a
 * version, {h} a host, {r} a region, {db} a datastore, {x} a vendor,
 * {w} a weekday.
 */
#include "pirx/gen.h"

#include <string.h>

struct mode {
	const char *name;
	const char *category;
	double weight;
	const char *fix;     /* how such an incident is usually mitigated */
	const char *const *tpl;
};

static const char *const t_cert[] = {
	"the TLS cert on {s} expired",
	"nobody renewed the certificate before it ran out",
	"TLS handshake failures after the cert for {s} lapsed on {w}",
	"expired x509 certificate on the {s} load balancer",
	"Cert rotation job had been silently failing for {n} weeks so the cert expired",
	"clients got 'certificate has expired' errors talking to {s}",
	"the intermediate CA bundle on {h} was out of date and the leaf cert expired",
	"auto-renewal of the Let's Encrypt cert for {s} broke and nobody noticed",
	"certificate validity ended at midnight UTC; {s} started refusing connections",
	"mTLS between {s} and {o} failed because the client certificate had expired",
	"SSL cert expiry on the edge, {p}% of requests to {s} failed",
	"we let the wildcard certificate expire",
	NULL
};

static const char *const t_pool[] = {
	"db connection pool exhausted on {s}",
	"max connections hit on the postgres pool for {s}",
	"{s} ran out of database connections (pool size {n}0) under normal load",
	"all {N} connections in the pool were checked out and requests queued",
	"connection leak in {s}: connections were never returned to the pool",
	"too many clients already - {db} rejected new connections from {s}",
	"pgbouncer pool saturated, {s} timed out waiting for a connection",
	"Hikari pool starvation after a slow query held connections for {d}",
	"the service opened a new connection per request and exhausted the pool",
	"conn pool maxed out; threads blocked waiting on the datasource",
	"{s} workers could not get a DB connection, pool limit of {n}0 too low",
	NULL
};

static const char *const t_disk[] = {
	"disk full on {h}",
	"the data volume on {h} reached 100% and {s} stopped writing",
	"no space left on device: logs filled /var on the {s} nodes",
	"{db} ran out of disk after a burst of writes",
	"log rotation was misconfigured so the root partition filled up",
	"ENOSPC on {s} hosts, core dumps accumulated for {n} days",
	"the persistent volume for {s} was sized at {n}0 GB and filled",
	"storage exhausted on the {db} primary",
	"Disk usage alert fired too late; partition was already full",
	"temp files from {o} filled the shared disk",
	"out of disk space on the build cache used by {s}",
	NULL
};

static const char *const t_oom[] = {
	"memory leak in {s} led to OOM kills",
	"{s} pods were OOMKilled repeatedly",
	"the kernel OOM killer took out the {s} process on {h}",
	"heap grew steadily after the {v} release until the JVM ran out of memory",
	"memory usage climbed to {p}% and containers restarted in a loop",
	"unbounded in-memory cache in {s} exhausted RAM",
	"{s} hit its memory limit of {n} GiB and crashed",
	"slow leak, RSS doubled every {d}, nodes started swapping",
	"OutOfMemoryError in {s} workers under a large payload",
	"a goroutine leak in {s} ate all memory on the node",
	"memory pressure evicted {o} pods sharing the node with {s}",
	NULL
};

static const char *const t_config[] = {
	"bad config push to {s}",
	"a configuration change with a typo was rolled out to all regions at once",
	"wrong value in the {s} config map took the service down",
	"config change was not validated before it reached prod",
	"someone pushed an invalid YAML file and {s} refused to start",
	"timeout setting for {s} -> {o} changed from {n}s to {n}ms by mistake",
	"misconfigured routing rule sent {p}% of traffic to a dead backend",
	"the new settings for {s} were applied globally instead of to one canary",
	"Config drift between staging and prod meant the change behaved differently",
	"an env var was removed from the {s} deployment manifest",
	"incorrect load balancer config after a manual edit on {h}",
	"terraform apply changed more than intended, {s} lost its security group rule",
	NULL
};

static const char *const t_deploy[] = {
	"bad deploy of {s} {v}",
	"regression introduced in {s} release {v}",
	"a code change in {s} broke the checkout flow for some users",
	"the new build had a null pointer bug on a path tests did not cover",
	"rollout of {v} to {s} caused elevated 5xx errors",
	"deploy went out without a canary; errors jumped to {p}%",
	"a recent change to {s} serialized responses differently and {o} could not parse them",
	"rolled back {s} to the previous version after the release caused crashes",
	"bug in the latest release, the fix had been merged but not deployed",
	"Code regression: a query in {s} lost its index hint and got {n}x slower",
	"the release of {s} on {w} shipped an incompatible API change",
	"breaking change deployed before the client side was ready",
	NULL
};

static const char *const t_dns[] = {
	"DNS resolution failures for {s}",
	"internal DNS servers stopped answering for {d}",
	"a stale DNS record kept pointing {s} at the old IP",
	"NXDOMAIN for {o}.internal after the zone was edited",
	"the resolver on the {s} nodes timed out (ndots/search domain issue)",
	"dns ttl was {N}s so clients kept using the removed address",
	"CoreDNS pods crashlooped and name lookups failed cluster-wide",
	"our DNS provider had an outage affecting lookups in {r}",
	"a typo in the CNAME for {s} made it unresolvable",
	"lookups of the database hostname failed intermittently",
	NULL
};

static const char *const t_thirdparty[] = {
	"third-party outage at {x}",
	"{x} API was down for {d}",
	"our payment provider returned errors for most requests",
	"upstream vendor {x} had an incident; {s} depends on it synchronously",
	"external SaaS dependency degraded, {s} had no fallback",
	"cloud provider incident in {r} took out managed instances",
	"{x} started timing out and we had no circuit breaker",
	"the SMS gateway vendor dropped messages for {d}",
	"vendor status page showed a major outage at {x}",
	"a partner's webhook endpoint went down and retries piled up in {s}",
	"{r} zone outage at our hosting provider",
	NULL
};

static const char *const t_ratelimit[] = {
	"hit the rate limit on the {x} API",
	"{s} was throttled by {x} (HTTP 429) during the batch",
	"API quota exceeded, calls from {s} were rejected until the daily reset",
	"we exceeded our account limit of {N} requests per minute",
	"cloud API throttling slowed down autoscaling",
	"request quota on the {x} account was used up by a retry loop in {s}",
	"too many requests to {o}; its limiter started rejecting {s}",
	"service quota for instances in {r} reached, scale-up failed",
	"rate limited by the upstream after traffic doubled",
	"429s from the geocoding vendor, nobody knew about the quota",
	NULL
};

static const char *const t_network[] = {
	"network partition between {r} and the primary datacenter",
	"a switch failure split the {s} cluster in two",
	"packet loss between {s} and {o} of about {p}%",
	"{s} nodes lost connectivity to each other for {d}",
	"a BGP route withdrawal cut off traffic to {r}",
	"cross-AZ link flapped and the cluster lost quorum",
	"firewall change blocked traffic from {s} to {o}",
	"network blip: the VPN tunnel to the partner dropped",
	"MTU mismatch after the network upgrade dropped large packets",
	"top-of-rack switch on rack {n} rebooted, hosts unreachable",
	"split brain after the network between zones went away",
	NULL
};

static const char *const t_failover[] = {
	"database failover took longer than expected",
	"replication lag on the {db} replica reached {d}",
	"the primary {db} node failed and the automatic failover did not trigger",
	"read replicas fell {N} seconds behind and {s} served stale data",
	"failover promoted a replica that was behind, some writes were lost",
	"{s} kept writing to the old primary after the switchover",
	"replica lag spiked during the nightly vacuum",
	"DB primary crashed, manual promotion needed",
	"MySQL replication broke after a schema change and replicas stopped applying",
	"the failover left {s} with a cached connection to the demoted node",
	"standby out of sync; lagging replica was used for reads",
	NULL
};

static const char *const t_capacity[] = {
	"traffic spike beyond what {s} was provisioned for",
	"{s} was under-provisioned for the marketing campaign",
	"load was {n}x the normal peak and autoscaling could not keep up",
	"capacity: not enough instances of {s} after {o} moved traffic to it",
	"a surge of requests at the start of the sale saturated CPU on {s}",
	"the cluster ran at {p}% CPU and latency went through the roof",
	"autoscaler max replicas set to {n}, demand needed more",
	"unexpected viral traffic overwhelmed the frontend",
	"queue backlog grew to {N} messages, consumers too few",
	"Black Friday-level load on a {w}, no headroom left",
	"bot traffic tripled request volume on {s}",
	NULL
};

static const char *const t_stampede[] = {
	"cache stampede on {s} after the cache was flushed",
	"thundering herd when the hot keys expired at the same time",
	"all clients recomputed the same value after the TTL lapsed",
	"redis was restarted cold and every request went to the database",
	"cache miss storm overloaded {db}",
	"memcached eviction of popular keys sent {N} qps to the backend",
	"keys shared one expiry so they all expired together and the db melted",
	"warming the cache after the deploy took {d} and {s} timed out meanwhile",
	"no request coalescing: a cold cache led to a dogpile on {o}",
	"the cache layer for {s} was emptied by a bad invalidation",
	NULL
};

static const char *const t_monitoring[] = {
	"no alert fired; a customer told us first",
	"monitoring gap: nothing watched the error rate of {s}",
	"the dashboard showed green while {s} was down",
	"we had no alert on queue depth for {s}",
	"alerting thresholds were too loose to catch the slow degradation",
	"missing health check on {s}, the load balancer kept sending traffic",
	"the alert existed but routed to a channel nobody reads",
	"metrics for {s} stopped reporting {d} before the incident and nobody noticed",
	"lack of observability into {o} made diagnosis slow",
	"synthetic checks did not cover the login path",
	"detection relied on support tickets",
	"no SLO burn alert for {s}",
	NULL
};

static const char *const t_runbook[] = {
	"runbook for {s} was out of date",
	"no runbook existed for this failure",
	"the documented rollback steps referenced a tool we retired",
	"on-call did not know how to fail over {db}; the wiki page was empty",
	"playbook steps were wrong for the current architecture",
	"the recovery procedure was never written down",
	"stale docs: runbook still pointed at the old cluster",
	"responders had to reverse-engineer the restart order for {s}",
	"the runbook link in the alert was broken",
	"instructions in the runbook had not been tested in {n} years",
	NULL
};

static const char *const t_ownership[] = {
	"unclear ownership of {s}",
	"it took {d} to find out which team owned {o}",
	"escalation path was unclear; the page went to the wrong team",
	"nobody on call for {s} after the reorg",
	"the service had no owner listed in the catalog",
	"we paged the previous owner of {s}, who had moved teams",
	"confusion over who was incident commander",
	"handoff between {s} and {o} teams was unclear so both waited",
	"escalation policy had a gap over the weekend",
	"ownership of the shared library was disputed, nobody took the fix",
	NULL
};

static const char *const t_custcomms[] = {
	"customers were not told for {d}",
	"the status page was not updated during the outage",
	"support learned about the incident from customers",
	"communication to customers was late and vague",
	"no one was assigned to comms so updates stopped",
	"status page said operational while {s} was down",
	"enterprise customers were not notified as the contract requires",
	"conflicting messages on twitter and the status page",
	"customer-facing update was delayed waiting for approval",
	"we forgot to post the all-clear",
	NULL
};

static const char *const t_cron[] = {
	"batch job overloaded {db}",
	"nightly cron on {s} ran during peak hours after a schedule change",
	"a backfill job saturated {o}",
	"the reporting job did a full table scan and locked the table",
	"two copies of the cron job ran at once",
	"ETL batch started at {n}am and competed with live traffic",
	"scheduled export consumed all IO on the shared disk",
	"large batch import kept {s} busy for {d}",
	"the cleanup cronjob deleted rows still in use",
	"a reindex job ran without a throttle",
	NULL
};

static const char *const t_clock[] = {
	"clock skew on {h}",
	"NTP stopped syncing and the clock drifted {n} minutes",
	"tokens were rejected because server time was ahead",
	"time drift between nodes broke the lease logic in {s}",
	"chrony was disabled on the new image so clocks drifted",
	"clock jumped backwards and the scheduler skipped jobs",
	"skewed system clock made signature validation fail",
	"hosts in {r} had clocks off by {N} ms",
	NULL
};

static const char *const t_flag[] = {
	"feature flag misconfiguration",
	"a flag was turned on for 100% instead of {p}%",
	"someone flipped the wrong toggle in the flag dashboard",
	"the kill switch for {s} was left off after testing",
	"feature toggle enabled an unfinished code path in {s}",
	"launchdarkly flag targeting rule matched all users",
	"flag default changed from false to true in the {v} release",
	"stale feature flag re-enabled an old integration",
	"experiment flag sent all traffic to the new {s} backend",
	"flag removal cleanup deleted a flag that was still read by {o}",
	NULL
};

static const char *const t_depupgrade[] = {
	"dependency upgrade broke {s}",
	"bumping the HTTP client library to {v} changed timeout defaults",
	"upgrading the base image pulled in a new openssl",
	"a minor version bump of the ORM changed query behaviour",
	"transitive dependency update introduced a bug",
	"library upgrade in {s} was not tested against {o}",
	"the JSON library upgrade changed how nulls serialize",
	"runtime upgrade to {v} altered GC behaviour",
	"auto-merged dependabot PR broke the build at runtime",
	"kafka client upgrade changed the partitioner",
	NULL
};

static const char *const t_migration[] = {
	"data migration error",
	"the schema migration for {s} dropped a column still in use",
	"backfill script wrote wrong values to {N} rows",
	"migration ran longer than planned and held locks for {d}",
	"a migration applied out of order left the tables inconsistent",
	"the data move from {db} to the new cluster missed some records",
	"migration script was not idempotent and re-ran partially",
	"ALTER TABLE on a big table locked writes in {s}",
	"data corruption introduced by a faulty migration",
	"rollback of the migration was impossible, no down script",
	NULL
};

static const char *const t_fatigue[] = {
	"alert fatigue: the real alert was lost among noisy ones",
	"on-call received {N} alerts that week and muted the channel",
	"the page was acknowledged and ignored because it usually flaps",
	"too many non-actionable alerts for {s}",
	"flapping alert had been silenced for weeks",
	"noisy monitors desensitized the on-call",
	"the critical alert looked like the daily false positive",
	"alerts were auto-resolved before anyone looked",
	NULL
};

static const char *const t_tests[] = {
	"insufficient test coverage on {s}",
	"the change skipped integration tests",
	"no load test before launch",
	"staging does not have production-like data so the bug did not show",
	"the failure mode was not covered by any test",
	"tests were flaky and the failing one had been disabled",
	"missing end-to-end test for the {s} to {o} flow",
	"code review missed the edge case",
	"we never tested what happens when {o} is slow",
	"QA signed off on an old build",
	NULL
};

static const struct mode modes[] = {
	{"cert_expiry", "technical", 2.5, "renewing the certificate", t_cert},
	{"connection_pool_exhaustion", "technical", 6, "raising the pool limit and restarting", t_pool},
	{"disk_full", "technical", 4, "freeing disk space", t_disk},
	{"memory_leak_oom", "technical", 6, "restarting the affected pods", t_oom},
	{"bad_config_push", "technical", 11, "reverting the config change", t_config},
	{"bad_deploy_regression", "technical", 14, "rolling back the release", t_deploy},
	{"dns_failure", "technical", 3, "fixing the DNS records", t_dns},
	{"third_party_outage", "external", 7, "waiting for the vendor to recover", t_thirdparty},
	{"rate_limit_quota", "external", 3, "backing off and raising the quota", t_ratelimit},
	{"network_partition", "technical", 2.5, "rerouting traffic", t_network},
	{"db_failover_replication_lag", "technical", 5, "failing over the database by hand", t_failover},
	{"capacity_traffic_spike", "technical", 8, "scaling out", t_capacity},
	{"cache_stampede", "technical", 2.5, "warming the cache and shedding load", t_stampede},
	{"monitoring_gap", "process", 9, NULL, t_monitoring},
	{"runbook_missing_outdated", "process", 5, NULL, t_runbook},
	{"unclear_ownership_escalation", "process", 4, NULL, t_ownership},
	{"customer_communication_gap", "communication", 4, NULL, t_custcomms},
	{"batch_job_overload", "technical", 3, "pausing the batch job", t_cron},
	{"clock_skew", "technical", 1, "resyncing the clocks", t_clock},
	{"feature_flag_misconfiguration", "technical", 3, "turning the feature flag off", t_flag},
	{"dependency_upgrade", "technical", 3, "pinning the previous dependency version", t_depupgrade},
	{"data_migration_error", "technical", 2, "stopping the migration and restoring data", t_migration},
	{"alert_fatigue", "process", 3, NULL, t_fatigue},
	{"insufficient_testing", "process", 5, NULL, t_tests},
};

#define NMODES ((int)(sizeof(modes) / sizeof(modes[0])))

static const char *const hosts[] = {
	"db-3", "web-12", "node-7", "ip-10-0-4-17", "prod-worker-22", "k8s-node-31",
	"cache-2", "lb-1", "batch-5", "api-9"
};
static const char *const regions[] = {
	"us-east-1", "eu-west-1", "eu-central-1", "us-west-2", "ap-south-1",
	"ap-southeast-2"
};
static const char *const dbs[] = {
	"postgres", "the MySQL cluster", "redis", "cassandra", "the orders db",
	"elasticsearch", "mongo", "the ledger database"
};
static const char *const vendors[] = {
	"Stripe", "Twilio", "SendGrid", "the CDN", "Auth0", "the maps API",
	"our cloud provider", "PagerDuty", "GitHub", "the tax service"
};
static const char *const weekdays[] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
};
static const char *const durations[] = {
	"20 minutes", "40 min", "an hour", "2 hours", "3h", "15 minutes",
	"half an hour", "90 minutes", "most of the day", "45m"
};

/* Word substitutions real notes make now and then. */
static const char *const abbrev[][2] = {
	{"database", "db"}, {"configuration", "config"}, {"certificate", "cert"},
	{"connections", "conns"}, {"connection", "conn"}, {"production", "prod"},
	{"because", "bc"}, {"minutes", "mins"}, {"without", "w/o"},
	{"requests", "reqs"}, {"environment", "env"},
	{"memory", "mem"}, {"and", "&"}, {"kubernetes", "k8s"}
};

int pirx_gen_mode_count(void)
{
	return NMODES;
}

const char *pirx_gen_mode_name(int m)
{
	return m >= 0 && m < NMODES ? modes[m].name : "";
}

const char *pirx_gen_mode_category(int m)
{
	return m >= 0 && m < NMODES ? modes[m].category : "";
}

double pirx_gen_mode_weight(int m)
{
	return m >= 0 && m < NMODES ? modes[m].weight : 0.0;
}

const char *pirx_gen_mode_fix(int m)
{
	return m >= 0 && m < NMODES ? modes[m].fix : NULL;
}

int pirx_gen_mode_is_trigger(int m)
{
	const char *c = pirx_gen_mode_category(m);

	return strcmp(c, "technical") == 0 || strcmp(c, "external") == 0;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(r, a) ((a)[pirx_gen_rng_below((r), (uint32_t)NELEM(a))])

/* Appends s to out[*len..n-1), keeping room for the NUL. */
static void put(char *out, int n, int *len, const char *s)
{
	while (*s && *len < n - 1)
		out[(*len)++] = *s++;
	out[*len] = '\0';
}

static void put_uint(char *out, int n, int *len, unsigned long v)
{
	char tmp[24];
	int k = 0;

	do {
		tmp[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k > 0 && *len < n - 1)
		out[(*len)++] = tmp[--k];
	out[*len] = '\0';
}

static void fill_slot(struct pirx_gen_rng *r, const char *slot, size_t sl,
		      const char *svc, const char *other, char *out, int n, int *len)
{
	char v[24];

	if (sl == 1 && slot[0] == 's') {
		put(out, n, len, svc);
	} else if (sl == 1 && slot[0] == 'o') {
		put(out, n, len, other);
	} else if (sl == 1 && slot[0] == 'n') {
		put_uint(out, n, len, 2 + pirx_gen_rng_below(r, 8));
	} else if (sl == 1 && slot[0] == 'N') {
		static const unsigned long big[] = {120, 200, 500, 800, 1000, 1500, 2000, 5000, 12000, 40000};
		put_uint(out, n, len, PICK(r, big));
	} else if (sl == 1 && slot[0] == 'd') {
		put(out, n, len, PICK(r, durations));
	} else if (sl == 1 && slot[0] == 'p') {
		put_uint(out, n, len, 5 * (4 + pirx_gen_rng_below(r, 16)));
	} else if (sl == 1 && slot[0] == 'v') {
		int k = 0;
		v[k++] = 'v';
		v[k++] = (char)('1' + pirx_gen_rng_below(r, 5));
		v[k++] = '.';
		v[k++] = (char)('0' + pirx_gen_rng_below(r, 10));
		v[k++] = (char)('0' + pirx_gen_rng_below(r, 10));
		v[k] = '\0';
		put(out, n, len, v);
	} else if (sl == 1 && slot[0] == 'h') {
		put(out, n, len, PICK(r, hosts));
	} else if (sl == 1 && slot[0] == 'r') {
		put(out, n, len, PICK(r, regions));
	} else if (sl == 2 && memcmp(slot, "db", 2) == 0) {
		put(out, n, len, PICK(r, dbs));
	} else if (sl == 1 && slot[0] == 'x') {
		put(out, n, len, PICK(r, vendors));
	} else if (sl == 1 && slot[0] == 'w') {
		put(out, n, len, PICK(r, weekdays));
	}
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Replaces whole words from abbrev[] in place, each with probability 1/2. */
static int abbreviate(struct pirx_gen_rng *r, char *s, int len, int n)
{
	char tmp[512];
	int o = 0;

	if (n > (int)sizeof(tmp))
		n = (int)sizeof(tmp);
	for (int i = 0; i < len && o < n - 1;) {
		int done = 0;
		if (!is_alpha(s[i]) || (i > 0 && is_alpha(s[i - 1]))) {
			tmp[o++] = s[i++];
			continue;
		}
		for (size_t k = 0; k < NELEM(abbrev); k++) {
			size_t wl = strlen(abbrev[k][0]);
			if ((size_t)(len - i) >= wl && memcmp(s + i, abbrev[k][0], wl) == 0 &&
			    (i + (int)wl >= len || !is_alpha(s[i + (int)wl]))) {
				const char *rep = pirx_gen_rng_below(r, 2) ? abbrev[k][1] : abbrev[k][0];
				for (const char *p = rep; *p && o < n - 1; p++)
					tmp[o++] = *p;
				i += (int)wl;
				done = 1;
				break;
			}
		}
		if (!done)
			tmp[o++] = s[i++];
	}
	memcpy(s, tmp, (size_t)o);
	s[o] = '\0';
	return o;
}

int pirx_gen_factor_text(struct pirx_gen_rng *r, int m, const char *service,
			 const char *other_service, char *out, int n)
{
	const char *const *tpl;
	const char *t;
	int count = 0, len = 0;
	double u;

	if (n <= 0)
		return 0;
	out[0] = '\0';
	if (m < 0 || m >= NMODES)
		return 0;
	tpl = modes[m].tpl;
	while (tpl[count])
		count++;
	t = tpl[pirx_gen_rng_below(r, (uint32_t)count)];
	while (*t && len < n - 1) {
		if (*t == '{') {
			const char *e = strchr(t, '}');
			fill_slot(r, t + 1, (size_t)(e - t - 1), service, other_service, out, n, &len);
			t = e + 1;
		} else {
			out[len++] = *t++;
		}
	}
	out[len] = '\0';
	/* How people write: abbreviations, capitals, typos, a final period. */
	u = pirx_gen_rng_uniform(r);
	if (u < 0.25)
		len = abbreviate(r, out, len, n);
	u = pirx_gen_rng_uniform(r);
	if (u < 0.3 && out[0] >= 'A' && out[0] <= 'Z' && out[1] >= 'a' && out[1] <= 'z')
		out[0] = (char)(out[0] - 'A' + 'a');
	else if (u > 0.75 && out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
	if (pirx_gen_rng_uniform(r) < 0.05 && len > 8) {
		/* Swap two adjacent letters inside a word. */
		int i = 1 + (int)pirx_gen_rng_below(r, (uint32_t)(len - 3));
		for (int k = 0; k < len - 2; k++, i = (i + 1 < len - 1) ? i + 1 : 1) {
			if (is_alpha(out[i]) && is_alpha(out[i + 1]) && is_alpha(out[i - 1]) &&
			    out[i] != out[i + 1]) {
				char c = out[i];
				out[i] = out[i + 1];
				out[i + 1] = c;
				break;
			}
		}
	}
	if (pirx_gen_rng_uniform(r) < 0.2 && len < n - 1 && len > 0 && out[len - 1] != '.') {
		out[len++] = '.';
		out[len] = '\0';
	}
	return len;
}
