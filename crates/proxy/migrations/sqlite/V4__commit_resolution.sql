-- The item before a commit and as the commit intends it (JSON, `ItemState` in
-- crates/proxy/src/domain/intent.rs): resolution compares the item's state, not its
-- quantity alone (DESIGN.md, "The commit state machine"). NULL in older records.
ALTER TABLE commits ADD COLUMN item_before TEXT;
ALTER TABLE commits ADD COLUMN item_intended TEXT;
-- A commit sent, then found not applied after the quarantine, is finished as
-- `not_applied`, one refused as `quote_changed` before it was sent as `refused`
-- (PostgreSQL widens its state check; SQLite has none).
-- Reads that could not resolve a commit (Cleverbridge unreadable): the next read waits
-- 0.5 s × 2^n, at most a minute (DESIGN.md, "The commit state machine": back-off).
ALTER TABLE commits ADD COLUMN resolve_failures INTEGER NOT NULL DEFAULT 0;
