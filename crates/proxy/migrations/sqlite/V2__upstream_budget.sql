-- The upstream budget (docs/proxy.md, "Upstream discipline"). With SQLite there is one
-- proxy process and its budget is kept in that process (crates/proxy/src/budget/fair.rs):
-- nothing to store. This file keeps the migration numbers of both backends in step.
SELECT 1;
