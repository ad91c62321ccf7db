-- Each award remembers the content pack it came from, so a pack's leaderboard is summed
-- by SQLite from one range of one index instead of reading the period's whole ledger
-- into Python and finding each award's pack there.
ALTER TABLE points ADD COLUMN pack_id TEXT;  -- NULL: the award did not come from a pack

-- The awards so far: the pack recorded with what earned them.
UPDATE points SET pack_id = (
    SELECT a.pack_id FROM answers a
    WHERE a.post_id = CAST(substr(points.ref, 6) AS INTEGER) AND a.user_id = points.user_id)
WHERE source = 'daily' AND ref LIKE 'post:%';
UPDATE points SET pack_id = (
    SELECT m.pack_id FROM myth_answers m
    WHERE m.post_id = CAST(substr(points.ref, 6) AS INTEGER) AND m.user_id = points.user_id)
WHERE source = 'myth_post' AND ref LIKE 'post:%';
UPDATE points SET pack_id = (
    SELECT s.pack_id FROM roleplay_sessions s
    WHERE s.challenge_id = CAST(substr(points.ref, 6) AS INTEGER) AND s.user_id = points.user_id)
WHERE source IN ('challenge', 'reflection') AND ref LIKE 'post:%';
-- A role-play's first completion: the learner's first session of that scenario (an index
-- for this lookup only, or each award would scan every session).
CREATE INDEX roleplay_by_scenario ON roleplay_sessions (guild_id, user_id, scenario_id, id);
UPDATE points SET pack_id = (
    SELECT s.pack_id FROM roleplay_sessions s
    WHERE s.guild_id = points.guild_id AND s.user_id = points.user_id AND s.scenario_id = substr(points.ref, 10)
    ORDER BY s.id LIMIT 1)
WHERE source = 'roleplay' AND ref LIKE 'scenario:%';
DROP INDEX roleplay_by_scenario;

-- Pack boards were the only reader of points_by_time. This one holds every column they
-- read, and new awards still land at the end of each pack's range.
DROP INDEX points_by_time;
CREATE INDEX points_by_pack ON points (guild_id, pack_id, created_at, user_id, points);
