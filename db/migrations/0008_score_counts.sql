-- How many learners hold each score in each period, kept in step with score_totals in the
-- same transaction (bot/store/points.py for awards; the trigger below for deletions). A
-- learner's rank and the size of a board are then sums over the distinct scores instead
-- of a walk over every learner's total.
CREATE TABLE score_counts (
    guild_id INTEGER NOT NULL,
    period   TEXT    NOT NULL,
    points   INTEGER NOT NULL,                   -- always > 0: nobody is ranked on nothing
    learners INTEGER NOT NULL,                   -- may fall to 0 and stay: sums ignore it
    PRIMARY KEY (guild_id, period, points)
) WITHOUT ROWID;

INSERT INTO score_counts (guild_id, period, points, learners)
SELECT guild_id, period, points, COUNT(*) FROM score_totals WHERE points > 0 GROUP BY guild_id, period, points;

-- A learner's data deleted (privacy): their totals leave the counts. Awards do not use a
-- trigger: it would make SQLite keep a statement journal for every award in a burst.
CREATE TRIGGER score_counts_on_delete AFTER DELETE ON score_totals WHEN OLD.points > 0 BEGIN
    UPDATE score_counts SET learners = learners - 1
    WHERE guild_id = OLD.guild_id AND period = OLD.period AND points = OLD.points;
END;
