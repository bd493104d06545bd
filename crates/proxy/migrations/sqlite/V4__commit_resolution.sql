-- The item before a commit and as the commit intends it (JSON, `ItemState` in
-- crates/proxy/src/domain/intent.rs): resolution compares the item's state, not its
-- quantity alone (DESIGN.md, "The commit state machine"). NULL in older records.
ALTER TABLE commits ADD COLUMN item_before TEXT;
ALTER TABLE commits ADD COLUMN item_intended TEXT;
-- A commit sent, then found not applied after the quarantine, is finished as
-- `not_applied` (PostgreSQL widens its state check; SQLite has none).
