-- reviews_incidents: every incident started before the as-of instant, in
-- no particular order (one table scan: the unary + keeps SQLite off the
-- start index, whose walk costs a table lookup per row), with its
-- resolution and review instants and the number of action items it has at
-- as-of (created before it, cancelled ones included). actions.c puts the
-- rows in report order (start, then id) for the review-timeliness pass
-- (which also lists the reviews with more than five items).
-- Parameters: :as_of (Unix seconds UTC).
-- Columns: started_at, resolved_at, review_at (Unix seconds UTC, NULL
-- unknown), items, id, team, title.
SELECT i.started_at, i.resolved_at, i.review_at,
       (SELECT COUNT(*) FROM action_items AS a
        WHERE a.incident_id = i.id AND a.created_at < :as_of) AS items,
       i.id, i.team, i.title
FROM incidents AS i
WHERE +i.started_at < :as_of;
