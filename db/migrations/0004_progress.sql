-- Progress and privacy: learners who chose to leave the leaderboards.

CREATE TABLE leaderboard_hidden (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
