-- Flashcards from the packs' terms (/flashcards): one card per learner, server, pack and
-- term, scheduled with FSRS on the learner's rating. A card is known by its term
-- normalised (bot.domain.flashcards.term_key), so a pack update that keeps the term keeps
-- the card. Practice only: nothing here feeds points, streaks or leaderboards.
-- A rating names the count of ratings it was given at; the card is written only while
-- the count still matches (reviews = ?), so a double click is kept once.

CREATE TABLE flashcards (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    pack_id     TEXT    NOT NULL,
    term_key    TEXT    NOT NULL,   -- the term normalised
    term        TEXT    NOT NULL,   -- the term as written when last rated (for the learner's export)
    card        TEXT    NOT NULL,   -- FSRS state, JSON
    due         TEXT    NOT NULL,   -- ISO 8601, UTC
    reviews     INTEGER NOT NULL,   -- ratings kept
    last_rating INTEGER NOT NULL,   -- 1 Again, 2 Hard, 3 Good, 4 Easy
    reviewed_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, pack_id, term_key)
) WITHOUT ROWID;
