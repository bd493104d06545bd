-- The commit ledger (DESIGN.md, "The commit state machine"): one row per Idempotency-Key.
-- Everything several replicas must agree on is a constraint of this table, not a lock in
-- a process: the key (primary key), the quote token's jti (unique), one unfinished change
-- per subscription item (a partial unique index), and the lease (a conditional UPDATE of
-- lease_owner / lease_until_ms).
CREATE TABLE commits (
  key TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  jti TEXT NOT NULL,
  subscription TEXT NOT NULL,
  running_no BIGINT NOT NULL,
  from_quantity BIGINT NOT NULL,
  quantity BIGINT NOT NULL,
  response TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('recorded', 'sent', 'unknown', 'done', 'disputed')),
  status INTEGER,
  body TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  completed_at TIMESTAMPTZ,
  resolve_after_ms BIGINT NOT NULL DEFAULT 0,
  -- The recording worker while `recorded`; the resolving worker's lease after that.
  lease_owner TEXT,
  lease_until_ms BIGINT NOT NULL DEFAULT 0,
  updated_ms BIGINT NOT NULL DEFAULT 0,
  CONSTRAINT commits_jti_unique UNIQUE (jti)
);
CREATE UNIQUE INDEX commits_one_unfinished_per_item ON commits (subscription, running_no)
  WHERE state IN ('recorded', 'sent', 'unknown');
CREATE INDEX commits_due ON commits (state, resolve_after_ms);
