-- reviews_large: incidents started in [:from, :as_of) (the report window)
-- whose review was published before as-of with more than five action items
-- (created before as-of, cancelled ones included): good practice is three
-- to five. Largest first, then by start, then id.
-- Parameters: :from, :as_of (Unix seconds UTC).
-- Columns: incident_id, items, started_at, review_at (Unix seconds UTC),
-- team, title.
SELECT i.id AS incident_id, COUNT(*) AS items, i.started_at, i.review_at,
       i.team, i.title
FROM incidents AS i
JOIN action_items AS a ON a.incident_id = i.id
WHERE i.started_at >= :from AND i.started_at < :as_of
  AND i.review_at < :as_of
  AND a.created_at < :as_of
GROUP BY i.id
HAVING COUNT(*) > 5
ORDER BY items DESC, i.started_at, i.id;
