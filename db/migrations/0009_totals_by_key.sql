-- The per-period totals are looked up by their primary key (and ranked through their own
-- index), so they keep their rows in it (WITHOUT ROWID): an upsert then writes one b-tree (plus the rank index) instead
-- of a rowid table and a separate key index. A burst of answers upserts three totals per
-- learner. (Revision cards stay a rowid table: their JSON is large, and kept in per-learner
-- key order a burst dirtied a page per learner: a slower commit on a cohort some weeks in.)
CREATE TABLE score_totals_by_key (
    guild_id   INTEGER NOT NULL,
    period     TEXT    NOT NULL,
    user_id    INTEGER NOT NULL,
    points     INTEGER NOT NULL,
    reached_at TEXT    NOT NULL DEFAULT '',      -- the last award that raised the total: ties go to the earlier
    PRIMARY KEY (guild_id, period, user_id)
) WITHOUT ROWID;
INSERT INTO score_totals_by_key SELECT guild_id, period, user_id, points, reached_at FROM score_totals;
DROP TABLE score_totals;
ALTER TABLE score_totals_by_key RENAME TO score_totals;
CREATE INDEX score_totals_rank ON score_totals (guild_id, period, points DESC, reached_at, user_id);
-- Dropping the old table dropped its trigger (0008): the same again.
CREATE TRIGGER score_counts_on_delete AFTER DELETE ON score_totals WHEN OLD.points > 0 BEGIN
    UPDATE score_counts SET learners = learners - 1
    WHERE guild_id = OLD.guild_id AND period = OLD.period AND points = OLD.points;
END;
