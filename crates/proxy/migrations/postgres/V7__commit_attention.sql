-- An unknown commit parked as needing attention after too many failed reads
-- (SEATQUOTE_COMMIT_MAX_RESOLVE_FAILURES): when it was parked, Unix milliseconds; NULL
-- while it is not. A parked intent is read no more until an operator retries it
-- (DESIGN.md, "The commit state machine").
ALTER TABLE commits ADD COLUMN attention_ms BIGINT;
-- The upstream budget's class of each leased slot and of each grant in the window
-- (`commit` or `normal`): a customer's commit-class requests hold one slot at most across
-- replicas, and each class keeps its share of the window (docs/proxy.md, "Upstream
-- discipline").
ALTER TABLE upstream_slots ADD COLUMN class TEXT;
ALTER TABLE upstream_grants ADD COLUMN class TEXT;
