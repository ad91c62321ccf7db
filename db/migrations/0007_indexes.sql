-- Indexes that match the reads the bot makes, and no more (each one is written on every
-- answer or award).

-- points_by_user (guild_id, user_id) is a prefix of the ledger's UNIQUE (guild_id, user_id,
-- source, ref) index, which serves the same reads.
DROP INDEX points_by_user;

-- No read looks answers up by question; the cohort report reads a server's answers since
-- a date.
DROP INDEX answers_by_question;
CREATE INDEX answers_by_time ON answers (guild_id, answered_at);

-- A period's awards (boards for one pack) by time. Rows arrive in time order, so both
-- time indexes only ever grow at their ends.
CREATE INDEX points_by_time ON points (guild_id, created_at);
