-- Myth-or-fact answers: from a learner's own card (no points) or a cohort myth post.

CREATE TABLE myth_answers (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    myth_id     TEXT    NOT NULL,
    pack_id     TEXT    NOT NULL,
    post_id     INTEGER REFERENCES posts (id),  -- NULL for a learner's own card
    verdict     TEXT    NOT NULL,               -- what the learner said: myth | fact
    correct     INTEGER NOT NULL,
    answered_at TEXT    NOT NULL,
    UNIQUE (post_id, user_id)
);
CREATE INDEX myth_answers_by_user ON myth_answers (guild_id, user_id, myth_id);
