-- Daily questions: the schedule, every cohort post, answers, revision cards and points.

CREATE TABLE daily_schedules (
    guild_id        INTEGER PRIMARY KEY,
    channel_id      INTEGER NOT NULL,
    local_time      TEXT    NOT NULL,            -- HH:MM in the zone below
    timezone        TEXT    NOT NULL,
    days            TEXT    NOT NULL,            -- weekday numbers, Monday = 0: "0,1,2,3,4"
    packs           TEXT    NOT NULL DEFAULT '', -- pack ids, comma separated; empty = all enabled
    paused          INTEGER NOT NULL DEFAULT 0,
    answer_hours    INTEGER,                     -- close after this many hours; NULL = at the next post
    myth_day        INTEGER,                     -- weekday of the weekly myth post (Monday = 0); NULL = none
    updated_at      TEXT    NOT NULL
);

-- Every message the bot posts to a cohort channel. The unique slot makes "never twice" a
-- property of the database: a scheduled post is claimed here before it is sent.
CREATE TABLE posts (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    kind        TEXT    NOT NULL,                -- daily | myth | challenge | weekly
    slot        TEXT    NOT NULL,                -- the local date it is for, or manual:<n>
    item_id     TEXT    NOT NULL,                -- question, myth or scenario id
    channel_id  INTEGER NOT NULL,
    message_id  INTEGER,
    status      TEXT    NOT NULL DEFAULT 'pending', -- pending | open | closed | failed
    attempts    INTEGER NOT NULL DEFAULT 0,     -- send attempts so far
    retry_at    TEXT,                            -- when a failed send may be tried again
    created_at  TEXT    NOT NULL,
    posted_at   TEXT,
    closes_at   TEXT,
    closed_at   TEXT,
    UNIQUE (guild_id, kind, slot)
);
CREATE INDEX posts_by_status ON posts (status, closes_at);
CREATE INDEX posts_by_guild ON posts (guild_id, kind, id);

-- Every answer, from a cohort post or practice. One per learner per post.
CREATE TABLE answers (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    question_id TEXT    NOT NULL,
    pack_id     TEXT    NOT NULL,
    source      TEXT    NOT NULL,                -- daily | quiz | revise
    post_id     INTEGER REFERENCES posts (id),
    choice      TEXT    NOT NULL,                -- JSON
    correct     INTEGER NOT NULL,
    answered_at TEXT    NOT NULL,
    UNIQUE (post_id, user_id)
);
CREATE INDEX answers_by_user ON answers (guild_id, user_id, answered_at);
CREATE INDEX answers_by_question ON answers (guild_id, question_id);

-- FSRS revision cards, one per learner and question.
CREATE TABLE cards (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    question_id TEXT    NOT NULL,
    card        TEXT    NOT NULL,                -- fsrs.Card as JSON
    due         TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, question_id)
);
CREATE INDEX cards_due ON cards (guild_id, user_id, due);

-- The points ledger: every point has a source and a reason; totals are derived from it.
CREATE TABLE points (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    source     TEXT    NOT NULL,                 -- daily | myth_post | challenge | reflection | roleplay
    ref        TEXT    NOT NULL,                 -- what earned it, e.g. post:12
    points     INTEGER NOT NULL,
    reason     TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    UNIQUE (guild_id, user_id, source, ref)
);
CREATE INDEX points_by_user ON points (guild_id, user_id);

-- Totals per period kept in step with the ledger (same transaction), so a leaderboard is
-- an index read. period: 'all', 'w:<Monday's date>', 'm:<YYYY-MM>' in the server's zone.
CREATE TABLE score_totals (
    guild_id INTEGER NOT NULL,
    period   TEXT    NOT NULL,
    user_id  INTEGER NOT NULL,
    points   INTEGER NOT NULL,
    reached_at TEXT  NOT NULL DEFAULT '',        -- the last award that raised the total: ties go to the earlier
    PRIMARY KEY (guild_id, period, user_id)
);
CREATE INDEX score_totals_rank ON score_totals (guild_id, period, points DESC, reached_at, user_id);

-- Misconceptions a learner has shown (a wrong option linked to a myth) and when they
-- last busted that myth. Open while last_seen is later than busted_at (or never busted).
CREATE TABLE misconceptions (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    myth_id    TEXT    NOT NULL,
    times      INTEGER NOT NULL DEFAULT 1,
    first_seen TEXT    NOT NULL,
    last_seen  TEXT    NOT NULL,
    busted_at  TEXT,
    PRIMARY KEY (guild_id, user_id, myth_id)
);
