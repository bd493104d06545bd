-- The upstream budget shared by every replica (crates/proxy/src/budget/pg.rs; docs/proxy.md,
-- "Upstream discipline"): one row whose lock serialises grants and holds a 429's block and
-- the last grant's time, the grants of the last second, and the leased in-flight slots.
-- Times are the database's clock in Unix milliseconds.
CREATE TABLE upstream_budget (
  id SMALLINT PRIMARY KEY CHECK (id = 1),
  blocked_until_ms BIGINT NOT NULL DEFAULT 0,
  last_grant_ms BIGINT NOT NULL DEFAULT 0
);
INSERT INTO upstream_budget (id) VALUES (1);

CREATE TABLE upstream_grants (
  at_ms BIGINT NOT NULL
);
CREATE INDEX upstream_grants_at ON upstream_grants (at_ms);

-- Slots 1..4 (Cleverbridge's in-flight limit; SEATQUOTE_UPSTREAM_MAX_IN_FLIGHT uses the
-- first N). A lease expires at until_ms, so a dead replica's slot comes back.
CREATE TABLE upstream_slots (
  slot SMALLINT PRIMARY KEY CHECK (slot BETWEEN 1 AND 4),
  holder TEXT,
  customer TEXT,
  until_ms BIGINT NOT NULL DEFAULT 0
);
INSERT INTO upstream_slots (slot) VALUES (1), (2), (3), (4);
