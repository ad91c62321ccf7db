-- points_by_user (guild_id, user_id) is a prefix of the ledger's UNIQUE (guild_id, user_id,
-- source, ref) index, which serves the same reads; keeping both made every award update
-- two per-learner indexes.
DROP INDEX points_by_user;
