/*
 * gen_text: the phrase bank `pirx gen` draws contributing-factor texts
 * from. Each failure mode has a category, a frequency weight and many
 * paraphrase templates written the way different engineers write review
 * notes (terse, chatty, passive, lower case). Templates hold slots that are
 * filled per draw; a light pass then adds abbreviations and the odd typo.
 *
 * The templates are written independently of any taxonomy the clustering
 * code may use: factor_modes.csv is the ground truth it is measured
 * against, so sharing vocabulary on purpose would flatter it. The standard
 * bank is what the taxonomy was later widened against, so a second,
 * held-out bank (`--phrases held-out`) gives the honest number. Both
 * have since been used in tuning, so a third bank (`--phrases unseen`),
 * written blind to the other two and to the clustering, is kept for one
 * score.
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
	const char *const *tpl;     /* the standard bank */
	const char *const *held;    /* the held-out bank */
	const char *const *unseen;  /* the unseen bank, scored once */
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

/*
 * The held-out bank (`pirx gen --phrases held-out`). Written afresh, after
 * the clustering taxonomy existed but without reading it, so that a score
 * on these texts says how the clustering does on wording nobody tuned it
 * for. New phrasing on purpose: other words for the same failure, and
 * other angles on it (the symptom first, the cause first, the fix first).
 * Never widen the taxonomy from what this bank shows; that would make it
 * a second training set (docs/clustering.md).
 */
static const char *const h_cert[] = {
	"{s} started failing handshakes at 00:00 utc; its server cert had a notAfter of that same night",
	"renewal reminder went to a mailing list that no longer exists, so the cert for {s} lapsed",
	"browsers showed NET::ERR_CERT_DATE_INVALID on {s}",
	"Fixed by re-issuing the {s} certificate and reloading nginx on {h}",
	"java clients calling {s} threw PKIX path validation failed: validity check failed",
	"cert-manager could not complete the ACME challenge for {n} days, so the old cert aged out",
	"the signing certificate {o} presents to {s} reached its end date",
	"keystore on {h} still held last year's certificate",
	"certificate lifetime ran out over the weekend, nothing tracked expiry dates",
	"{p}% of api calls failed TLS verification once the server certificate was no longer valid",
	"renewal cron for the {s} certs was removed in an infra cleanup",
	NULL
};

static const char *const h_pool[] = {
	"requests to {s} hung on 'waiting for available connection' and timed out after {d}",
	"every worker thread in {s} was parked waiting to borrow a db handle",
	"{db} hit max_connections because each {s} replica opened {n}0 sessions",
	"a code path forgot to close its session, so handles leaked until none were left",
	"sessions held open across a slow remote call to {o} drained the pool",
	"we scaled {s} to {n}0 pods and together they asked for more connections than the database allows",
	"Fix: bumped maxPoolSize and turned on leak detection",
	"FATAL: remaining connection slots are reserved - {s} could not connect",
	"the pool had {n} free slots for {N} concurrent requests",
	"idle-in-transaction sessions piled up and starved the other callers of {db}",
	NULL
};

static const char *const h_disk[] = {
	"writes to {db} failed with 'could not extend file', the volume was at capacity",
	"{h} had 0 bytes free on /data",
	"a debug log level left on in {s} wrote {n}0 GB overnight",
	"the kafka broker filled its log dir because retention was set to forever",
	"wal segments piled up on the primary of {db} and ate the volume",
	"inode exhaustion on {h}: millions of tiny session files",
	"resolved by deleting old snapshots and growing the EBS volume",
	"nobody watched free space on the {s} hosts until writes started failing",
	"docker images and dangling layers filled the root fs on the build agents",
	"{s} crashed trying to write its state file to a partition with no room",
	NULL
};

static const char *const h_oom[] = {
	"{s} containers kept restarting with exit code 137",
	"resident set size on {h} grew without bound until the process was killed",
	"each request to {s} left a few KB behind in a static map; after {d} the heap was gone",
	"java.lang.OutOfMemoryError: GC overhead limit exceeded in {s}",
	"the {v} build retained references to closed sockets and memory never came back",
	"GC pauses got longer and longer, then {s} died with heap exhaustion",
	"workaround is restarting {s} every {n} hours until we find the leak",
	"the node ran out of RAM and the kernel killed {s} first",
	"a listener registered per request and never removed kept every response object alive",
	"pods of {s} got killed at their memory ceiling once the new code went out",
	NULL
};

static const char *const h_config[] = {
	"a one-line edit to the {s} settings file went straight to every host",
	"the read timeout in {s}'s properties got an extra zero",
	"consul key for {s} was overwritten with a staging value",
	"someone edited the nginx conf on {h} by hand and reloaded it",
	"wrong upstream address in the proxy settings for {s}",
	"helm values override pointed {s} at a retired endpoint for {db}",
	"reverting the settings change brought {s} back",
	"malformed json in the runtime parameters crashed {s} on startup",
	"the edit to {s}'s ingress rules had no review and no dry run",
	"copy-paste error in the {r} settings disabled auth on {s}",
	"pushed the allowlist update to all {n} clusters at once and it was missing {o}",
	NULL
};

static const char *const h_deploy[] = {
	"{v} of {s} threw exceptions on every request with an empty cart",
	"the commit that went out on {w} changed a default argument and broke {o}",
	"new version of {s} returned 500s to older mobile clients",
	"we shipped a bug - a refactor in {s} swapped two fields",
	"errors started right after the pipeline promoted {s} {v} to prod",
	"Fix was reverting the merge and redeploying {s}",
	"an off-by-one in the pagination code released in {v} dropped the last item of every page",
	"{s} build {v} passed CI but crashed at startup in prod with a missing class",
	"the hotfix itself introduced a new failure in {s}",
	"a harmless-looking PR changed the retry logic and {s} started hammering {o}",
	NULL
};

static const char *const h_dns[] = {
	"{s} could not resolve {o}'s hostname for {d}",
	"getaddrinfo ENOTFOUND on outbound calls from {s}",
	"a hosted zone change deleted the A record for {s}",
	"resolv.conf on the new image pointed at a nameserver that no longer exists",
	"route53 health check flipped the record to an empty answer",
	"name lookups on {h} took {n} seconds each because the first nameserver was dead",
	"kube-dns was overloaded and service discovery returned SERVFAIL",
	"restored the deleted record and flushed resolver caches",
	"the domain for our status site lapsed at the registrar and stopped resolving",
	"negative caching kept answering 'no such host' for {o} after it came back",
	NULL
};

static const char *const h_thirdparty[] = {
	"{x} had a regional incident in {r} and our calls to them failed",
	"checkouts failed because {x} was returning 503s",
	"the card processor was down, nothing to do but wait",
	"an upstream provider's degradation cascaded into {s}",
	"identity provider {x} went dark and nobody could log in",
	"{s} relies on {x} with no second vendor to fall back to",
	"outside our control: {x} broke their API for {d}",
	"the vendor pushed a bad change on their side, their postmortem is pending",
	"email delivery through {x} stalled for {d}",
	"the hosting provider's managed instance of {db} became unavailable",
	NULL
};

static const char *const h_ratelimit[] = {
	"{x} answered 'Too Many Requests' to most calls from {s}",
	"we burned through the monthly allowance with {x} in {n} days",
	"the per-key ceiling at {x} is {N}/min and the reindex blew past it",
	"{s} got throttled by the cloud API and could not create new instances",
	"a retry storm in {s} consumed our whole request budget with {x}",
	"account-level cap on concurrent lambdas was reached",
	"upstream started sending 429 and {s} had no backoff",
	"asked {x} support to raise our limit; added jitter to the client",
	"{o} enforced a new per-client cap and {s} was over it",
	"ran out of API credits with the geolocation vendor",
	NULL
};

static const char *const h_network[] = {
	"{s} in {r} could not reach the database in the other zone",
	"the link between datacenters went down and both halves kept serving",
	"packets between {s} and {o} were silently dropped for {d}",
	"a bad router config at the carrier isolated {r}",
	"after the ACL update {s} could no longer open TCP sessions to {o}",
	"the interconnect to the colo flapped every few minutes",
	"nodes in zone b became unreachable and etcd lost its majority",
	"high retransmits and timeouts between {h} and the rest of the cluster",
	"mitigated by steering traffic away from the broken link",
	"a fibre cut at the provider severed our path to {r}",
	NULL
};

static const char *const h_failover[] = {
	"the secondary of {db} was {d} behind the primary",
	"after the primary died, promoting the standby was stuck for {d}",
	"reads from the follower returned orders that had already been cancelled",
	"patroni did not elect a new leader and writes failed",
	"the writer endpoint still resolved to the dead node after the switch",
	"the replica's apply thread stopped on a duplicate key and lag grew for hours",
	"we promoted the replica by hand; {n} minutes of writes were missing",
	"heavy writes on {db} made the followers fall far behind",
	"cross-region switchover of {db} took {d} instead of seconds",
	"users saw stale balances because {s} read from a lagging copy",
	NULL
};

static const char *const h_capacity[] = {
	"{s} was saturated by {n}x the usual request rate",
	"a TV ad drove a burst of signups that {s} could not absorb",
	"hpa was capped at {n} pods and they all sat at 100% cpu",
	"not enough headroom: {s} runs at {p}% on a normal day",
	"a large customer onboarded overnight and doubled traffic to {s}",
	"request volume from {o} jumped after their launch and {s} fell over",
	"fixed by adding nodes and raising the replica ceiling",
	"scale-up took {d} and the spike was already underway",
	"the fleet was sized for last year's peak",
	"seasonal peak arrived early and {s} had no spare instances",
	NULL
};

static const char *const h_stampede[] = {
	"when the cached catalog expired, {N} requests missed at the same instant and all went to {db}",
	"restarting the redis cluster left it empty and the origin got crushed",
	"a hot key expired and every pod rebuilt it simultaneously",
	"a deploy of {s} flushed the local caches on all nodes at once, backend load went up {n}x",
	"Fix: jittered TTLs and a single-flight lock around the loader",
	"cache hit ratio dropped from {p}% to near zero and {o} could not cope",
	"the cache was cleared by mistake during maintenance and {db} fell over",
	"memcached came back from the failover with nothing in it; reads fell through to {db} in full",
	"entries were all written with the same lifetime and lapsed together",
	"concurrent rebuilds of the same expensive entry overloaded {s}",
	NULL
};

static const char *const h_monitoring[] = {
	"we found out from a tweet",
	"no metric existed for failed payments, so the drop went unseen for {d}",
	"the alerting rule filtered on a label that was renamed months ago",
	"{s} was broken for {d} before anyone looked",
	"the probe only checked that the port was open, not that requests succeeded",
	"no visibility into {o}'s queue so we could not tell where messages were stuck",
	"detection came from the sales team, not from tooling",
	"our graphs averaged over {n} minutes and hid the errors",
	"logs from {s} were not shipped anywhere",
	"error budget burn went unnoticed, nothing paged",
	NULL
};

static const char *const h_runbook[] = {
	"the wiki page for {s} described the setup from {n} years ago",
	"responders improvised because there was no written procedure",
	"the recovery doc told us to ssh into hosts that were decommissioned",
	"steps for restoring {db} were missing a crucial flag",
	"on-call guide had no section for this alert",
	"the ops doc assumed {s} still ran on VMs; it moved to k8s last year",
	"we lost {d} searching confluence for restart instructions",
	"the knowledge lived in one person's head, nothing documented",
	"the documented command had a typo and made things worse",
	"action: write down the failover procedure for {s}",
	NULL
};

static const char *const h_ownership[] = {
	"{s} was orphaned after the team that built it was dissolved",
	"the incident bounced between {n} teams before anyone took it",
	"nobody knew who to call for {o}",
	"the service catalog listed an engineer who left the company",
	"the pager rotation for {s} was empty on {w}",
	"we waited {d} for someone with authority to approve the rollback",
	"no clear incident lead, three people gave conflicting instructions",
	"the escalation went to a manager's personal phone, which was off",
	"the team behind {db} said it was platform's problem and platform said the opposite",
	"first responder did not know they were allowed to page a secondary",
	NULL
};

static const char *const h_custcomms[] = {
	"users heard nothing from us for {d}",
	"our public incident page was never opened",
	"account managers found out from angry clients",
	"the outage notice went out in English only, hours late",
	"support had no script and gave customers wrong information",
	"we told customers it was fixed before it was",
	"no external update was posted until after resolution",
	"legal wanted to review every public statement, which held updates back by {d}",
	"customers in {r} were not emailed though they were the ones affected",
	"the in-app banner was never turned on",
	NULL
};

static const char *const h_cron[] = {
	"the monthly invoicing run pegged the CPU of {db}",
	"a scheduled job on {s} started {N} parallel workers and starved the api",
	"nightly aggregation overran into business hours",
	"airflow retried a heavy task {n} times in a row and each try hammered {o}",
	"the data export job read the whole table in one go",
	"two instances of the same scheduled task overlapped and doubled the load",
	"bulk reprocessing kicked off by {o} ate all the IOPS",
	"paused the job and moved its schedule to 3am",
	"a spark job on the shared cluster hogged every executor",
	"the weekly cleanup task deleted in one big transaction and blocked writers",
	NULL
};

static const char *const h_clock[] = {
	"{h} was {n} minutes in the future",
	"JWTs were treated as not yet valid because the issuer's clock ran fast",
	"time sync daemon failed at boot on the new hosts",
	"two nodes disagreed on the time by {N} ms and event ordering broke",
	"the hypervisor paused the VM and its clock fell behind",
	"timestamps from {s} were off, so events were processed out of order",
	"forced an ntpdate and restarted {s}",
	"kerberos tickets were rejected due to time difference",
	"leap second handling froze {s}",
	"a backwards step of the system time made {s} think its timers had already fired",
	NULL
};

static const char *const h_flag[] = {
	"the toggle for the new checkout was switched on for everyone instead of staff",
	"a flag rule targeting {r} was inverted",
	"flipping the flag back off resolved it",
	"rollout percentage jumped straight to 100 on {s}",
	"a dark-launched feature in {s} went live because its flag defaulted on",
	"the flag service was unreachable and {s} fell back to 'enabled'",
	"an old experiment toggle was reused for a different feature",
	"{o} crashed because the toggle it checked no longer existed in the flag service",
	"staff-only toggle leaked to production users of {s}",
	"targeting in the flag tool pointed at the wrong segment",
	NULL
};

static const char *const h_depupgrade[] = {
	"a routine bump of the grpc package in {s} changed keepalive defaults",
	"the new minor release of our logging lib threw on null fields",
	"renovate merged a patch release of a transitive dep that had a regression",
	"after moving {s} to node {n}0 the crypto module behaved differently",
	"upgraded the postgres driver to {v}; prepared statements broke behind pgbouncer",
	"the container base image update swapped libc and {s} segfaulted",
	"fix was pinning the package back to the last good version",
	"SDK update from {x} changed the auth flow and {s} started failing",
	"we took the latest spring boot and it silently switched the default serializer",
	"lockfile was not committed, so the build pulled a newer version of a library",
	NULL
};

static const char *const h_migration[] = {
	"the migration that split the users table lost the email column for {N} rows",
	"a script meant to fix timestamps shifted every record by {n} hours",
	"copying data from {db} to the new store skipped rows with nulls",
	"schema change added a NOT NULL column with no default and inserts failed",
	"the online schema change tool stalled and left {s} on a half-converted table",
	"the backfill ran against prod instead of staging",
	"restored from backup and replayed the change the safe way",
	"cutover to the new schema happened before the data copy finished",
	"an index rebuild during the migration locked {db} for {d}",
	"records were duplicated because the move job restarted midway",
	NULL
};

static const char *const h_fatigue[] = {
	"the pager went off {N} times that week and the real one got snoozed",
	"people had learned to ignore that alarm because it was always firing",
	"a noisy check for {s} hid the one that mattered",
	"on-call had a mail filter that archived those notifications",
	"too many warnings, not enough signal",
	"the page was acked within seconds and forgotten, like the {n} false alarms before it",
	"the channel gets hundreds of alerts a day and this one scrolled past",
	"the alert was permanently flapping and people tuned it out",
	"action: prune the {s} alerts nobody acts on",
	"after a noisy {w} the on-call had put {s} notifications on do-not-disturb",
	NULL
};

static const char *const h_tests[] = {
	"nothing in CI exercised the failure path",
	"unit tests mocked out {o}, so its real behaviour was never checked",
	"we only ever tested with small inputs",
	"the release was validated in an environment that looks nothing like prod",
	"no regression test existed for the bug fixed last quarter",
	"skipped the test suite to get the hotfix out faster",
	"coverage for {s}'s billing module is around {p}%",
	"the test that would have caught it was marked @ignore",
	"performance was never measured before launch",
	"contract tests between {s} and {o} do not exist",
	NULL
};

/*
 * The unseen bank (`pirx gen --phrases unseen`). Written blind, after the
 * standard and held-out banks had both been used to tune the clustering:
 * its author read neither bank, nor the taxonomy, nor the clustering code,
 * and wrote each mode as engineers at many companies write the contributing
 * factors line of a review (the failure's usual name, the symptom, the
 * cause or the fix). It exists to be scored once. Never tune anything
 * against it, never read it to see why a score is what it is; once it has
 * been scored it is spent like the other two, and a fresh bank is needed.
 */
static const char *const u_cert[] = {
	"tls cert for {s} expired overnight, auto-renew was never configured for that domain",
	"expired certificate on the internal load balancer in front of {s}",
	"cert-manager renewals had been failing quietly for weeks before the old cert ran out",
	"mobile apps pinned the old leaf certificate, so after the expiry and reissue they still could not reach {s}",
	"x509: certificate has expired or is not yet valid, on every call from {o} to {s}",
	"ACME http-01 challenge broke after the ingress move, so the let's encrypt cert never renewed",
	"the mTLS client certificate {s} presents to {o} hit its notAfter date",
	"cert rotation was a manual, calendar-driven chore and the reminder lapsed",
	"ssl handshake failures on {h}; cause was an expired cert in the java keystore",
	"the legacy {s} domain was missing from the certificate inventory, so nothing tracked its expiry",
	"intermediate CA in the served chain expired and strict clients refused the connection",
	NULL
};

static const char *const u_pool[] = {
	"hikari pool exhausted on {s}, request threads blocked waiting for a connection",
	"connection pool saturation in {s} after a slow query held connections open",
	"{db} reached max_connections and refused new clients",
	"pgbouncer hit its client limit and started rejecting {s}",
	"connections were not returned to the pool on an error path, slowly draining it",
	"timeouts acquiring a db connection, p99 on {s} went to 30s",
	"each new {o} pod opened its own pool and together they went past the {db} connection limit",
	"pool maxed on checkout during peak",
	"outbound http client pool to {o} was capped at {n}; requests queued behind slow responses",
	"QueuePool limit of size {n} overflow reached, connection timed out",
	"bumped the pool size and bounced {s} to clear the stuck connections",
	NULL
};

static const char *const u_disk[] = {
	"root volume on {h} hit 100%",
	"no space left on device when {s} tried to write to its data directory",
	"log rotation was misconfigured and app logs filled /var on {h}",
	"crash loop left core dumps that filled the node's disk",
	"ENOSPC on the kafka brokers: retention was set too long for the volume size",
	"storage for {db} ran out; storage autoscaling was not enabled on the volume",
	"inode exhaustion on {h} from millions of small temp files",
	"old docker images and dangling layers piled up on the build agents until the disk was full",
	"elasticsearch hit the flood-stage disk watermark and set its indices read-only",
	"upload chunks in the tmp dir of the {s} workers were never cleaned up",
	"deleted old snapshots to free space, {s} recovered in {d}",
	NULL
};

static const char *const u_oom[] = {
	"OOMKilled pods on {s}, each one restarted roughly every {d}",
	"slow memory leak in {s} since {v}, heap grew until it hit the container limit",
	"java.lang.OutOfMemoryError: Java heap space after long GC pauses",
	"unbounded in-process cache in {s} grew with no eviction",
	"oom-killer invoked on {h}, victim was the {s} worker",
	"pods crash-looping with exit code 137, memory limit too low for the new workload",
	"RSS climbed steadily over {n} days until the process was killed",
	"goroutine leak in {s}: each stuck request held on to its buffers",
	"node memory pressure triggered kubelet evictions across the {s} deployment",
	"event listeners were never deregistered and leaked; rolling restarts kept it alive until the fix",
	"heap dump showed millions of retained session objects",
	NULL
};

static const char *const u_config[] = {
	"bad config change pushed to every {s} instance at once",
	"typo in the nginx config took down routing for {s}",
	"a timeout change meant for the canary was applied to all of {o}",
	"yaml indentation mistake in the helm values dropped the env vars for {s}",
	"config push carried the wrong {db} hostname, so {s} could not connect",
	"terraform apply changed a security group rule and blocked traffic to {s}",
	"runtime config changes have no schema validation and no staged rollout",
	"reverted the key in consul and {s} was healthy again within {d}",
	"envoy route config update dropped the /api/v2 prefix",
	"a limits change in the shared config repo was merged without anyone seeing its blast radius",
	"max body size was set wrong in the config refactor and large uploads were rejected",
	NULL
};

static const char *const u_deploy[] = {
	"regression shipped in {s} {v}",
	"the {v} release introduced an N+1 query that slowed order history",
	"new build of {s} threw 500s on a code path the canary never exercised",
	"rolled back {s} after the error rate jumped to {p}% post-deploy",
	"null pointer in the new serializer broke {s} for accounts with an empty profile",
	"release changed the shape of the api response and {o} could not parse it",
	"the rollout went to all regions at once so the bad build hit everyone",
	"code change in {s} removed a retry that {o} quietly depended on",
	"latency regression from {v}: p95 doubled after the rollout",
	"broken release on {w} afternoon; reverting took {d} because the pipeline had to rebuild the old artifact",
	"bug introduced in the latest deploy, caught only in production",
	NULL
};

static const char *const u_dns[] = {
	"intermittent name resolution errors when pods looked up {o}",
	"coredns pods overloaded and timing out lookups",
	"the CNAME for {s} was removed during a zone cleanup",
	"NXDOMAIN for the public api hostname after a record edit",
	"a TTL of 86400 kept the bad record cached in resolvers for a day",
	"route53 failover record flipped to an endpoint that was down",
	"ndots:5 in resolv.conf multiplied every lookup and hit the resolver rate limits",
	"SERVFAIL from the upstream resolvers in {r}",
	"jvm dns cache kept {s} pointed at the old ip of {db}",
	"DNSSEC signatures on the zone expired and validating resolvers stopped answering",
	"registrar nameserver change left the domain half-delegated",
	NULL
};

static const char *const u_thirdparty[] = {
	"full outage on the {x} side, upstream of us",
	"{x} unavailable for {d}; we have no fallback provider",
	"upstream incident at {x}, per their status page",
	"payments failing because {x} returned 503s",
	"{x} degraded in {r}; vendor incident, not ours",
	"vendor-side outage, nothing to do but wait for {x} to recover",
	"sms delivery stopped during an incident at our messaging provider",
	"{x} api latency went to tens of seconds and our calls timed out",
	"single vendor for login, so their outage was our outage",
	"zonal failure at the cloud provider in {r}",
	"the external geocoding service was unavailable for most of the morning",
	NULL
};

static const char *const u_ratelimit[] = {
	"hit the {x} rate limit, got 429s",
	"api quota exhausted mid-day; calls rejected until the window reset",
	"HTTP 429 Too Many Requests from {x} after our own retry storm",
	"the gateway throttled {s} because its limit was still the default",
	"exceeded the account's vCPU service quota in {r}",
	"send rate went over the provider's per-second cap",
	"throttled by {x}: {s} made one call per item instead of batching",
	"daily quota on the maps api ran out at 3pm",
	"no backoff: when rate limited, {s} retried immediately and made it worse",
	"quota increase request to {x} took {d} to be approved",
	"per-tenant limit was accidentally shared across all tenants",
	NULL
};

static const char *const u_network[] = {
	"network partition between {r} and the other regions",
	"split brain after the inter-DC link dropped",
	"packet loss on a top-of-rack switch isolated {h}",
	"{s} could not reach {o}; an upstream routing change blackholed the traffic",
	"bgp session flapping at the transit provider",
	"site-to-site vpn tunnel to the on-prem network went down",
	"asymmetric routing after the firewall failover dropped half the packets",
	"AZ connectivity loss in {r}, nodes marked each other dead",
	"MTU mismatch on the new peering link dropped large packets",
	"moved cross-region traffic to another path until the link came back",
	"a brief network blip isolated the consul servers and leader election stalled",
	NULL
};

static const char *const u_failover[] = {
	"replica lag on {db} peaked at {d}",
	"read replicas fell behind and served stale data",
	"automatic failover did not trigger: the primary was hung but still passed health checks",
	"failover promoted a replica that was {n} minutes behind and some writes were lost",
	"primary on {h} crashed and promoting the replica took {d}",
	"apps kept writing to the old primary after failover because they cached the endpoint",
	"a long-running transaction on the primary held up replay on the replicas",
	"seconds_behind_master climbed during the bulk update",
	"patroni could not elect a leader",
	"manual failover of {db} to the standby in {r}",
	"replica lag broke read-after-write for {s} users",
	NULL
};

static const char *const u_capacity[] = {
	"traffic spike from the marketing email, several times the usual rps",
	"not enough capacity provisioned for the launch",
	"autoscaler too slow to react, took {d} to add nodes",
	"load was {n}x the normal peak after we were featured on the news",
	"cpu pegged at 100% on every {s} pod",
	"black friday traffic exceeded the capacity plan",
	"a bot crawl doubled the request volume on {s}",
	"HPA max replicas too low for the peak",
	"scaled {s} out by hand, adding nodes in {r}",
	"queue depth grew faster than consumers could drain it during the peak",
	"organic growth had eaten the headroom; capacity numbers had not been revisited in a year",
	NULL
};

static const char *const u_stampede[] = {
	"thundering herd on {db} when the cache entry expired",
	"cache stampede after a full flush of the cache tier",
	"every key had the same TTL, so they expired together and all requests fell through to the database",
	"cold cache after the deploy sent {N} queries a second to {db}",
	"cache miss storm when a hot key was evicted",
	"memcached node restart emptied the cache and the backend fell over",
	"no request coalescing: hundreds of workers recomputed the same entry at once",
	"hit rate went from 98% to near zero after the cache key format changed",
	"dogpile on the product catalog query when its cached value timed out",
	"warmed the cache by hand and shed load until the hit rate recovered",
	"CDN purge sent all traffic straight to origin",
	NULL
};

static const char *const u_monitoring[] = {
	"no alert on the error rate for {s}",
	"we found out from customers, not from monitoring",
	"the dashboard showed it but nothing paged",
	"metrics for the {s} queue were not being collected",
	"health check only tested that the process was up, not that it could serve requests",
	"alert threshold too high to fire during a partial outage",
	"blind spot: no synthetic check for the login flow",
	"logs from {h} were not shipped, so there was no visibility into it",
	"detection took {d} because nothing watched the latency of {o}",
	"missing observability on the background workers",
	"the SLO alert only covered {r}; other regions had no coverage",
	NULL
};

static const char *const u_runbook[] = {
	"no runbook for this failure",
	"runbook referenced servers that were decommissioned",
	"failover steps for {db} were tribal knowledge, never written down",
	"the wiki page for {s} was stale and its commands no longer worked",
	"playbook steps were written for the old kubernetes cluster",
	"responders spent {d} working out the restart procedure",
	"runbook link in the alert was a 404",
	"recovery procedure was never documented after the migration",
	"docs for {s} said to restart a daemon that no longer exists",
	"lack of an operational guide for {o}",
	"the rollback command in the runbook used a flag removed in {v}",
	NULL
};

static const char *const u_ownership[] = {
	"unclear who owned {s}",
	"it took {d} to find the right team to escalate to",
	"paged the wrong team; the service catalog still listed a team that had been dissolved",
	"ownership of {o} fell between two teams after the reorg",
	"no escalation path for the shared {db} cluster",
	"the incident bounced between {n} teams before anyone picked it up",
	"on-call rotation for {s} had nobody scheduled on {w}",
	"no clear incident commander, so decisions stalled",
	"nobody felt they had the authority to roll back the change to {o}",
	"escalation policy pointed at a schedule that had been deleted",
	"{s} had no owner in the service registry",
	NULL
};

static const char *const u_custcomms[] = {
	"status page not updated for {d}",
	"customers heard about it on twitter before we posted anything",
	"support wasn't told, so agents gave customers wrong answers",
	"no customer notice about the delayed data",
	"status page showed all systems operational the whole time",
	"no comms template, the first external update took {d}",
	"enterprise customers were not proactively told about the degradation",
	"account managers learned of the outage from their customers",
	"the in-app banner was never switched on",
	"we announced the fix but never explained the impact, so tickets kept coming",
	"the public postmortem we promised went out {n} weeks late",
	NULL
};

static const char *const u_cron[] = {
	"nightly batch job saturated {db}",
	"the reporting export ran during business hours and starved {s}",
	"cron job overlapped with itself because the previous run had not finished",
	"a backfill with no throttling hammered the primary",
	"month-end billing run took all the worker capacity",
	"02:00 ETL job held locks {s} needed",
	"reindex job ran at the same time as the traffic peak in {r}",
	"spark job pulled the full table every hour",
	"batch of {N} emails enqueued at once flooded the queue",
	"paused the batch job and moved it to off-peak",
	"scheduled jobs from {n} teams all fire at midnight UTC",
	NULL
};

static const char *const u_clock[] = {
	"clock drift on {h}",
	"ntp was not running on the new nodes and their clocks drifted by minutes",
	"tokens rejected as not yet valid because server time was ahead",
	"chrony stopped syncing after the network change",
	"time skew between {s} and {o} broke request signature validation",
	"leap second handling made the process spin at full cpu",
	"the VM clock jumped after a live migration",
	"kerberos auth failed: clock skew too great",
	"events ordered wrong because the hosts disagreed on the time by {n} seconds",
	"resynced the clocks and restarted the auth service",
	"TOTP codes failing because the servers' time was off",
	NULL
};

static const char *const u_flag[] = {
	"feature flag turned on for 100% instead of {p}%",
	"flag targeting rule matched all users instead of the beta cohort",
	"the kill switch logic was inverted",
	"a stale flag was removed and the default path it fell back to was broken",
	"launchdarkly flag meant for staging was flipped in prod",
	"the toggle enabled the new pricing engine before {o} was ready for it",
	"flag default changed in {v} and silently enabled the experiment",
	"turned the flag off and errors stopped within a minute",
	"{n} flags interacting in a combination nobody had tested",
	"percentage rollout was keyed on request id instead of user id",
	"experiment flag exposed an unfinished checkout flow",
	NULL
};

static const char *const u_depupgrade[] = {
	"library upgrade broke {s}",
	"bumped the http client to {v} and it changed the default timeouts",
	"transitive dependency pulled in a breaking major version",
	"unpinned package upgraded itself on rebuild",
	"base image update shipped a newer openssl that dropped old ciphers",
	"the ORM upgrade changed how nulls were handled",
	"dependabot PR merged; the new minor version had a regression",
	"upgrading the kafka client to {v} changed the default partitioner",
	"pinned the sdk back to the previous version",
	"node runtime upgrade in the {s} container",
	"jackson upgrade changed date serialization and {o} rejected the payloads",
	NULL
};

static const char *const u_migration[] = {
	"schema migration locked the {db} table for {d}",
	"backfill script set the wrong status on {N} rows",
	"migration dropped a column still read by {o}",
	"data migration ran twice and duplicated records",
	"the migration was not backwards compatible with the code still running",
	"ALTER TABLE on a large table blocked writes",
	"restored from backup after the migration corrupted customer records",
	"moving users to the new store lost their preferences",
	"charset conversion in the migration mangled non-ascii names",
	"migration script had no dry run and no rollback",
	"stopped the migration halfway with {p}% of accounts already moved",
	NULL
};

static const char *const u_fatigue[] = {
	"alert fatigue",
	"the real alert was lost among {N} noisy ones",
	"the page fired but got acked and ignored because it flaps daily",
	"on-call had learned to ignore this alert, a false positive for months",
	"too many non-actionable pages",
	"the alerts channel gets hundreds of messages a day, so nobody read it",
	"the warning fired {n} times that week and always cleared on its own",
	"alert downgraded to low urgency because of noise, so nobody was woken",
	"pager storm: {N} alerts in {d} and the root-cause alert was buried",
	"noisy alerts from {h} had trained the team to snooze everything from that host",
	"the same symptom alerted from three tools at once",
	NULL
};

static const char *const u_tests[] = {
	"not covered by tests",
	"the failing case had no unit test",
	"integration tests mocked {o}, so the contract change was never exercised",
	"no load test before the launch",
	"staging data did not look like prod, so the bug did not reproduce",
	"test suite skipped on the hotfix path",
	"the e2e tests were flaky and had been disabled",
	"no test covered the rollback path",
	"edge case with empty input was never tested",
	"gaps in test coverage for the {s} billing module",
	"only the happy path was tested",
	NULL
};

static const struct mode modes[] = {
	{"cert_expiry", "technical", 2.5, "renewing the certificate", t_cert, h_cert, u_cert},
	{"connection_pool_exhaustion", "technical", 6, "raising the pool limit and restarting", t_pool, h_pool, u_pool},
	{"disk_full", "technical", 4, "freeing disk space", t_disk, h_disk, u_disk},
	{"memory_leak_oom", "technical", 6, "restarting the affected pods", t_oom, h_oom, u_oom},
	{"bad_config_push", "technical", 11, "reverting the config change", t_config, h_config, u_config},
	{"bad_deploy_regression", "technical", 14, "rolling back the release", t_deploy, h_deploy, u_deploy},
	{"dns_failure", "technical", 3, "fixing the DNS records", t_dns, h_dns, u_dns},
	{"third_party_outage", "external", 7, "waiting for the vendor to recover", t_thirdparty, h_thirdparty, u_thirdparty},
	{"rate_limit_quota", "external", 3, "backing off and raising the quota", t_ratelimit, h_ratelimit, u_ratelimit},
	{"network_partition", "technical", 2.5, "rerouting traffic", t_network, h_network, u_network},
	{"db_failover_replication_lag", "technical", 5, "failing over the database by hand", t_failover, h_failover, u_failover},
	{"capacity_traffic_spike", "technical", 8, "scaling out", t_capacity, h_capacity, u_capacity},
	{"cache_stampede", "technical", 2.5, "warming the cache and shedding load", t_stampede, h_stampede, u_stampede},
	{"monitoring_gap", "process", 9, NULL, t_monitoring, h_monitoring, u_monitoring},
	{"runbook_missing_outdated", "process", 5, NULL, t_runbook, h_runbook, u_runbook},
	{"unclear_ownership_escalation", "process", 4, NULL, t_ownership, h_ownership, u_ownership},
	{"customer_communication_gap", "communication", 4, NULL, t_custcomms, h_custcomms, u_custcomms},
	{"batch_job_overload", "technical", 3, "pausing the batch job", t_cron, h_cron, u_cron},
	{"clock_skew", "technical", 1, "resyncing the clocks", t_clock, h_clock, u_clock},
	{"feature_flag_misconfiguration", "technical", 3, "turning the feature flag off", t_flag, h_flag, u_flag},
	{"dependency_upgrade", "technical", 3, "pinning the previous dependency version", t_depupgrade, h_depupgrade, u_depupgrade},
	{"data_migration_error", "technical", 2, "stopping the migration and restoring data", t_migration, h_migration, u_migration},
	{"alert_fatigue", "process", 3, NULL, t_fatigue, h_fatigue, u_fatigue},
	{"insufficient_testing", "process", 5, NULL, t_tests, h_tests, u_tests},
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

static const char *const *bank_of(enum pirx_gen_phrases bank, int m)
{
	switch (bank) {
	case PIRX_GEN_PHRASES_HELD_OUT:
		return modes[m].held;
	case PIRX_GEN_PHRASES_UNSEEN:
		return modes[m].unseen;
	default:
		return modes[m].tpl;
	}
}

int pirx_gen_template_count(enum pirx_gen_phrases bank, int m)
{
	const char *const *tpl;
	int count = 0;

	if (m < 0 || m >= NMODES)
		return 0;
	tpl = bank_of(bank, m);
	while (tpl[count])
		count++;
	return count;
}

const char *pirx_gen_template(enum pirx_gen_phrases bank, int m, int k)
{
	if (k < 0 || k >= pirx_gen_template_count(bank, m))
		return NULL;
	return bank_of(bank, m)[k];
}

int pirx_gen_factor_text(struct pirx_gen_rng *r, int m, const char *service,
			 const char *other_service, char *out, int n)
{
	return pirx_gen_factor_text_from(r, PIRX_GEN_PHRASES_STANDARD, m, service,
					 other_service, out, n);
}

int pirx_gen_factor_text_from(struct pirx_gen_rng *r, enum pirx_gen_phrases bank,
			      int m, const char *service, const char *other_service,
			      char *out, int n)
{
	const char *t;
	int count, len = 0;
	double u;

	if (n <= 0)
		return 0;
	out[0] = '\0';
	count = pirx_gen_template_count(bank, m);
	if (count == 0)
		return 0;
	t = bank_of(bank, m)[pirx_gen_rng_below(r, (uint32_t)count)];
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
