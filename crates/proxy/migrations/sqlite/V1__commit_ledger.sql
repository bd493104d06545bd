-- The commit ledger (DESIGN.md, "The commit state machine"): one row per Idempotency-Key.
-- IF NOT EXISTS: a store made before versioned migrations already has this table; it is
-- brought to this shape first (crates/proxy/src/migrate.rs, `adopt_sqlite`).
CREATE TABLE IF NOT EXISTS commits (
  key TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  jti TEXT NOT NULL UNIQUE,
  subscription TEXT NOT NULL,
  running_no INTEGER NOT NULL,
  from_quantity INTEGER NOT NULL,
  quantity INTEGER NOT NULL,
  response TEXT NOT NULL,
  -- recorded | sent | unknown | done | disputed ('pending': an old store's sent)
  state TEXT NOT NULL,
  status INTEGER,
  body TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  completed_at TEXT,
  resolve_after_ms INTEGER NOT NULL DEFAULT 0,
  -- The recording worker while `recorded`; the resolving worker's lease after that.
  lease_owner TEXT,
  lease_until_ms INTEGER NOT NULL DEFAULT 0,
  updated_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS commits_item ON commits (subscription, running_no, state);
CREATE INDEX IF NOT EXISTS commits_state ON commits (state, resolve_after_ms);
