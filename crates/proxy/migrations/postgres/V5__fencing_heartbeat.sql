-- Fencing (DESIGN.md, "The commit state machine"): every attempt under a key has its own
-- id, written by `begin`; every later write of the attempt (plan, mark sent, unknown,
-- complete, abandon, the lease) matches the key AND this id, so a stale attempt's late
-- write cannot overwrite or delete a newer attempt's row. '' in rows written before.
ALTER TABLE commits ADD COLUMN attempt TEXT NOT NULL DEFAULT '';
-- Liveness as a heartbeat on the database's clock (DESIGN.md, "Stores and migrations"):
-- each replica writes `beat_at = now()` every second; a replica whose beat is older than
-- the replica timeout counts as dead (its `recorded` intents may be removed).
CREATE TABLE replicas (
  instance TEXT PRIMARY KEY,
  beat_at TIMESTAMPTZ NOT NULL
);
