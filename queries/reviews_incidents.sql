-- reviews_incidents: every incident started before the as-of instant, in
-- no particular order (one table scan: the unary + keeps SQLite off the
-- start index, whose walk costs a table lookup per row), with its
-- resolution and review instants. actions.c puts the rows in report order
-- (start, then id) for the review-timeliness pass, with the number of
-- action items each has at as-of (created before it, cancelled ones
-- included), which it counted from actions_items, and lists the reviews
-- with more than five items.
-- Parameters: :as_of (Unix seconds UTC).
-- Columns: started_at, resolved_at, review_at (Unix seconds UTC, NULL
-- unknown), id, team, title.
SELECT started_at, resolved_at, review_at, id, team, title
FROM incidents
WHERE +started_at < :as_of;
