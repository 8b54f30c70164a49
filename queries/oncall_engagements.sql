-- oncall_engagements: every engagement that began before the as-of
-- instant, in no particular order. oncall.c joins each to its incident
-- (oncall_incidents) for the instant it ends when left_at is empty, and
-- orders them by responder and joining time for its merge: SQLite's join
-- and sort of the same rows took twice as long.
-- Parameters: :as_of (Unix seconds UTC).
-- Columns: responder, incident_id, joined_at, left_at (Unix seconds UTC,
-- NULL: unknown).
SELECT responder, incident_id, joined_at, left_at
FROM responders
WHERE joined_at < :as_of;
