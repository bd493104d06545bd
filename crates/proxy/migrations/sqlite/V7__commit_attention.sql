-- An unknown commit parked as needing attention after too many failed reads
-- (SEATQUOTE_COMMIT_MAX_RESOLVE_FAILURES): when it was parked, Unix milliseconds; NULL
-- while it is not. A parked intent is read no more until an operator retries it
-- (DESIGN.md, "The commit state machine").
ALTER TABLE commits ADD COLUMN attention_ms INTEGER;
