-- The outbox (docs/webhooks.md; DESIGN.md, "The outbox"): events written in the same
-- transaction as the fact they report, delivered as signed webhooks. `seq` is the events
-- API's cursor; a deliverer holds `lease_owner` until `lease_until_ms`.
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  subscription TEXT NOT NULL,
  body TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  -- pending | delivered | exhausted
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  retry_from_ms INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until_ms INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  delivered_ms INTEGER
);
CREATE INDEX IF NOT EXISTS events_due ON events (state, subscription, seq);
-- Cleverbridge's notifications as received, once per body.
CREATE TABLE IF NOT EXISTS notifications (
  digest TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  subscription TEXT,
  received_ms INTEGER NOT NULL,
  body TEXT NOT NULL
);
-- The newest notified version and quantity of each item (an older version never
-- overwrites a newer one).
CREATE TABLE IF NOT EXISTS notified_items (
  subscription TEXT NOT NULL,
  running_no INTEGER NOT NULL,
  version INTEGER NOT NULL,
  quantity INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (subscription, running_no)
);
