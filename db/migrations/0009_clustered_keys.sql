-- Tables that are only ever found by their primary key keep their rows in it (WITHOUT
-- ROWID): an upsert then writes one b-tree (plus the secondary indexes) instead of a
-- rowid table and a separate key index. A burst of answers upserts three totals, a card
-- and maybe a misconception per learner.
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

CREATE TABLE cards_by_key (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    question_id TEXT    NOT NULL,
    card        TEXT    NOT NULL,                -- fsrs.Card as JSON
    due         TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, question_id)
) WITHOUT ROWID;
INSERT INTO cards_by_key SELECT guild_id, user_id, question_id, card, due FROM cards;
DROP TABLE cards;
ALTER TABLE cards_by_key RENAME TO cards;
CREATE INDEX cards_due ON cards (guild_id, user_id, due);
