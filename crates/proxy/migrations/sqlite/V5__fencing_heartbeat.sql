-- Fencing (DESIGN.md, "The commit state machine"): every attempt under a key has its own
-- id, written by `begin`; every later write of the attempt (plan, mark sent, unknown,
-- complete, abandon, the lease) matches the key AND this id, so a stale attempt's late
-- write cannot overwrite or delete a newer attempt's row. '' in rows written before.
-- (The heartbeat table is PostgreSQL's only: a SQLite store has one process.)
ALTER TABLE commits ADD COLUMN attempt TEXT NOT NULL DEFAULT '';
