-- Load profile intervals in the feed (issue 17): one 'intervals' entry per meter and store, its ref the
-- first and last new interval end in epoch seconds, written in the transaction that stored them.
ALTER TABLE feed DROP CONSTRAINT feed_kind_check;
ALTER TABLE feed ADD CONSTRAINT feed_kind_check
    CHECK (kind IN ('daily-read', 'on-demand-read', 'event', 'command-result', 'intervals'));
