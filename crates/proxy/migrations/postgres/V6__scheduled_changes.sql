-- Scheduled changes (DESIGN.md, "Scheduled changes"): a change at the next billing date
-- is a ledger row in state `scheduled` (nothing sent to Cleverbridge; the customer keeps
-- the seats), with the date it takes effect and when it was scheduled. The scheduler
-- moves it to `recorded` shortly before that date and sends it through the commit path;
-- a customer's cancel (or a later change of the item) finishes it as `cancelled`.
ALTER TABLE commits ADD COLUMN effective_on TEXT;
-- Attempts to make it that were certainly not applied: the next waits 5 s × 2^n, at
-- most an hour (DESIGN.md, "Scheduled changes").
ALTER TABLE commits ADD COLUMN apply_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE commits ADD COLUMN scheduled_ms BIGINT;
ALTER TABLE commits DROP CONSTRAINT commits_state_check;
ALTER TABLE commits ADD CONSTRAINT commits_state_check
  CHECK (state IN ('recorded', 'sent', 'unknown', 'done', 'disputed', 'not_applied', 'refused',
                   'scheduled', 'cancelled'));
-- One scheduled change per subscription item (a new one replaces it in one transaction).
CREATE UNIQUE INDEX commits_one_scheduled_per_item ON commits (subscription, running_no)
  WHERE state = 'scheduled';
CREATE INDEX commits_scheduled ON commits (state, effective_on);
