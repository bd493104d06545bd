-- The item before a commit and as the commit intends it (JSON, `ItemState` in
-- crates/proxy/src/domain/intent.rs): resolution compares the item's state, not its
-- quantity alone (DESIGN.md, "The commit state machine"). NULL in older records.
ALTER TABLE commits ADD COLUMN item_before TEXT;
ALTER TABLE commits ADD COLUMN item_intended TEXT;
-- A commit sent, then found not applied after the quarantine: finished, its 409
-- `commit_not_applied` replayed for the key (nothing is sent again under it). A commit
-- refused as `quote_changed` before it was sent: finished as `refused` (the quote spent).
ALTER TABLE commits DROP CONSTRAINT commits_state_check;
ALTER TABLE commits ADD CONSTRAINT commits_state_check
  CHECK (state IN ('recorded', 'sent', 'unknown', 'done', 'disputed', 'not_applied', 'refused'));
-- Reads that could not resolve a commit (Cleverbridge unreadable): the next read waits
-- 0.5 s × 2^n, at most a minute (DESIGN.md, "The commit state machine": back-off).
ALTER TABLE commits ADD COLUMN resolve_failures INTEGER NOT NULL DEFAULT 0;
