-- oncall_engagements: every engagement that began before the as-of
-- instant, with the instant it ends (left_at; empty: the incident's
-- resolved_at; NULL when neither is known: still engaged), in order of
-- responder and join so that one pass merges each responder's intervals.
-- The unary + keeps SQLite from walking the responders index for the
-- ORDER BY: one sequential scan and one sort is about 3 times faster than
-- a table lookup per row (measured on 228k rows).
-- Parameters: :as_of (Unix seconds UTC).
-- Columns: responder, incident (incidents.rowid, an integer key),
-- joined_at, end_at (Unix seconds UTC, NULL: still engaged).
SELECT r.responder, i.rowid AS incident, r.joined_at,
       COALESCE(r.left_at, i.resolved_at) AS end_at
FROM responders AS r
JOIN incidents AS i ON i.id = r.incident_id
WHERE +r.joined_at < :as_of
ORDER BY +r.responder, r.joined_at, incident, end_at;
