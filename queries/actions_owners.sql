-- actions_owners: every action-item owner once, in order of the owner's
-- first item (earliest created_at, ties by name). --anonymize-responders
-- numbers owners in this order ("owner-001" is the first), so a person
-- keeps the same pseudonym from one month's report to the next.
-- Columns: owner.
SELECT owner
FROM action_items
WHERE owner IS NOT NULL AND owner <> ''
GROUP BY owner
ORDER BY min(created_at), owner;
