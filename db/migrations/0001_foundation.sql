-- Per-server settings, bot-wide metadata, and tutors' own content packs.

CREATE TABLE guild_settings (
    guild_id      INTEGER PRIMARY KEY,
    tutor_role_id INTEGER,
    timezone      TEXT NOT NULL DEFAULT 'Europe/London'
);

-- Small key/value facts about this deployment (e.g. the hash of the synced command tree).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Every upload is kept; the highest version of a pack id is the one in use.
CREATE TABLE uploaded_packs (
    guild_id    INTEGER NOT NULL,
    pack_id     TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    yaml_text   TEXT    NOT NULL,
    uploaded_by INTEGER NOT NULL,
    uploaded_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, pack_id, version)
);

CREATE TABLE disabled_packs (
    guild_id INTEGER NOT NULL,
    pack_id  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, pack_id)
);
