-- points_by_user (guild_id, user_id) is a prefix of the ledger's UNIQUE (guild_id, user_id,
-- source, ref) index, which serves the same reads; keeping both made every award update
-- two per-learner indexes.
DROP INDEX points_by_user;

-- A period's awards (boards for one pack, the cohort report) by time: rows are added in
-- time order, so this index only ever grows at its end.
CREATE INDEX points_by_time ON points (guild_id, created_at);
