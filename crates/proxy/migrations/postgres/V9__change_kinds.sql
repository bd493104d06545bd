-- Plans, add-ons and drops (DESIGN.md, "Plans, add-ons and drops"): an intent records the
-- kind of change (seats | plan | add | drop) and the products before and after (NULL: none,
-- or a record written before kinds). `item_lock` is what one unfinished change holds: the
-- item's running number, or for an add `add:<productId>` (the new item has no running
-- number yet: one unfinished add per subscription and product). The one-unfinished-change
-- index moves from the running number to it (an older record, NULL, holds its running
-- number).
ALTER TABLE commits ADD COLUMN kind TEXT NOT NULL DEFAULT 'seats'
  CHECK (kind IN ('seats', 'plan', 'add', 'drop'));
ALTER TABLE commits ADD COLUMN product_before TEXT;
ALTER TABLE commits ADD COLUMN product_after TEXT;
ALTER TABLE commits ADD COLUMN item_lock TEXT;
DROP INDEX commits_one_unfinished_per_item;
CREATE UNIQUE INDEX commits_one_unfinished_per_item
  ON commits (subscription, (COALESCE(item_lock, running_no::text)))
  WHERE state IN ('recorded', 'sent', 'unknown');
