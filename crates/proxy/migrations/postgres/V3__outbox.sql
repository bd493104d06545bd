-- The outbox (docs/webhooks.md; DESIGN.md, "The outbox"): events written in the same
-- transaction as the fact they report, delivered as signed webhooks. `seq` is the events
-- API's cursor (events are inserted under a transaction-level advisory lock, so `seq`
-- order is commit order); a deliverer holds `lease_owner` until `lease_until_ms`.
CREATE TABLE events (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  subscription TEXT NOT NULL,
  body TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'exhausted')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms BIGINT NOT NULL,
  retry_from_ms BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until_ms BIGINT NOT NULL DEFAULT 0,
  last_error TEXT,
  delivered_ms BIGINT
);
CREATE INDEX events_due ON events (state, subscription, seq);
-- Cleverbridge's notifications as received, once per body.
CREATE TABLE notifications (
  digest TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  subscription TEXT,
  received_ms BIGINT NOT NULL,
  body TEXT NOT NULL
);
-- The newest notified version and quantity of each item (an older version never
-- overwrites a newer one).
CREATE TABLE notified_items (
  subscription TEXT NOT NULL,
  running_no BIGINT NOT NULL,
  version BIGINT NOT NULL,
  quantity BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL,
  PRIMARY KEY (subscription, running_no)
);
