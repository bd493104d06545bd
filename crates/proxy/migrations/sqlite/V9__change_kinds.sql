-- Plans, add-ons and drops (DESIGN.md, "Plans, add-ons and drops"): an intent records the
-- kind of change (seats | plan | add | drop) and the products before and after (NULL: none,
-- or a record written before kinds). `item_lock` is what one unfinished change holds: the
-- item's running number, or for an add `add:<productId>` (the new item has no running
-- number yet: one unfinished add per subscription and product). NULL in older records,
-- which hold their running number.
ALTER TABLE commits ADD COLUMN kind TEXT NOT NULL DEFAULT 'seats';
ALTER TABLE commits ADD COLUMN product_before TEXT;
ALTER TABLE commits ADD COLUMN product_after TEXT;
ALTER TABLE commits ADD COLUMN item_lock TEXT;
CREATE INDEX commits_lock ON commits (subscription, item_lock, state);
