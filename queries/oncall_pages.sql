-- oncall_pages: every page before the as-of instant, in no particular
-- order, for page counts and sleep-hour runs. oncall.c orders them by
-- responder and time (in memory: the load builds no index of pages for
-- it, which was its costliest index).
-- Parameters: :as_of (Unix seconds UTC).
-- Columns: responder, paged_at (Unix seconds UTC).
SELECT responder, paged_at
FROM pages
WHERE paged_at < :as_of;
