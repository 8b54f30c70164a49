-- oncall_roster: every roster entry, for responder load: the team and the
-- IANA time zone each responder's off-hours are counted in.
-- Parameters: none.
-- Columns: responder, team (NULL unknown), timezone (NULL unknown).
SELECT responder, team, timezone
FROM roster
ORDER BY responder, source_line;
