-- Delivery lanes (docs/webhooks.md, "Delivery"; DESIGN.md, "The outbox"): events of one
-- lane are delivered in the order written, and an exhausted event holds its lane until it
-- is delivered. A subscription's events share its lane (the subscription id); a payment
-- that names no subscription is in its purchase's lane (`purchase:<id>`) or alone in its
-- own (its event id) — earlier such events all shared the empty subscription's lane.
ALTER TABLE events ADD COLUMN lane TEXT NOT NULL DEFAULT '';
UPDATE events SET lane = CASE WHEN subscription <> '' THEN subscription ELSE id END;
CREATE INDEX events_lane ON events (lane, state, seq);
-- The webhook URL an event is delivered to: the one configured when it was written (NULL:
-- none was; the one configured at its first attempt is recorded then). A re-delivery asked
-- by the operator takes the one configured at that time.
ALTER TABLE events ADD COLUMN target_url TEXT;
-- Retention (docs/webhooks.md, "Retention"): delivered events and notifications received
-- are deleted after their retention period, found by these.
CREATE INDEX events_delivered ON events (delivered_ms) WHERE state = 'delivered';
CREATE INDEX notifications_received ON notifications (received_ms);
