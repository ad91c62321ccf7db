-- Each learner's streak, kept in step with their answers (same transaction), so an answer
-- in a busy minute reads one row instead of every post the server has made.
-- The run is the learner's latest unbroken run of answered scheduled daily posts, as of
-- their latest answer; whether it is still alive is decided against the posts when shown.
CREATE TABLE streaks (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    last_slot TEXT    NOT NULL,                  -- the latest scheduled post they answered
    length    INTEGER NOT NULL,                  -- the run of answered posts ending there
    best      INTEGER NOT NULL,                  -- the longest run they have had
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- Fill it from the answers so far: number the scheduled posts and each learner's answered
-- ones; within one run the difference of the two numbers is constant (gaps and islands).
INSERT INTO streaks (guild_id, user_id, last_slot, length, best)
WITH scheduled AS (
    SELECT id, guild_id, slot, ROW_NUMBER() OVER (PARTITION BY guild_id ORDER BY slot) AS n
    FROM posts
    WHERE kind = 'daily' AND status IN ('open', 'closed') AND slot NOT LIKE 'manual:%'
), answered AS (
    SELECT a.guild_id, a.user_id, s.slot,
           s.n - ROW_NUMBER() OVER (PARTITION BY a.guild_id, a.user_id ORDER BY s.n) AS island
    FROM answers a JOIN scheduled s ON s.id = a.post_id AND s.guild_id = a.guild_id
), runs AS (
    SELECT guild_id, user_id, MAX(slot) AS last_slot, COUNT(*) AS length
    FROM answered GROUP BY guild_id, user_id, island
)
SELECT guild_id, user_id, MAX(last_slot),
       (SELECT r2.length FROM runs r2 WHERE r2.guild_id = r.guild_id AND r2.user_id = r.user_id
        ORDER BY r2.last_slot DESC LIMIT 1),
       MAX(length)
FROM runs r GROUP BY guild_id, user_id;
