-- Role-plays: each learner's sessions (every step saved), and challenge reflections.

CREATE TABLE roleplay_sessions (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    scenario_id  TEXT    NOT NULL,
    pack_id      TEXT    NOT NULL,
    challenge_id INTEGER REFERENCES posts (id),   -- the challenge post, for a challenge attempt
    state        TEXT    NOT NULL,                -- the engine's state as JSON
    steps        INTEGER NOT NULL DEFAULT 0,      -- steps taken: a stale click names an older step
    status       TEXT    NOT NULL DEFAULT 'active', -- active | finished | quit
    outcome      TEXT,
    score        INTEGER,
    best_score   INTEGER,
    started_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    UNIQUE (challenge_id, user_id)
);
CREATE UNIQUE INDEX roleplay_one_active ON roleplay_sessions (guild_id, user_id) WHERE status = 'active';
CREATE INDEX roleplay_by_challenge ON roleplay_sessions (challenge_id);

CREATE TABLE reflections (
    session_id INTEGER PRIMARY KEY REFERENCES roleplay_sessions (id),
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    situation  TEXT    NOT NULL,
    task       TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    result     TEXT    NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'submitted', -- submitted | accepted | returned
    feedback   TEXT,
    bonus      INTEGER,
    marked_by  INTEGER,
    submitted_at TEXT  NOT NULL,
    marked_at  TEXT
);

-- A tutor's challenge: a role-play posted to the cohort (posts.kind = 'challenge') with
-- a deadline (posts.closes_at) and the points a best-path attempt earns.
CREATE TABLE challenges (
    post_id INTEGER PRIMARY KEY REFERENCES posts (id),
    points  INTEGER NOT NULL
);
