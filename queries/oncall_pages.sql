-- oncall_pages: every page before the as-of instant, in order of
-- responder and time, for page counts and sleep-hour runs (the
-- responder index covers it: no table lookups).
-- Parameters: :as_of (Unix seconds UTC).
-- Columns: responder, paged_at (Unix seconds UTC).
SELECT responder, paged_at
FROM pages
WHERE paged_at < :as_of
ORDER BY responder, paged_at;
