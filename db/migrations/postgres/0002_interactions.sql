-- Slash commands already handled (see db/migrations/0015_interactions.sql): the first
-- process to record an interaction's id runs the command.

CREATE TABLE handled_commands (
    interaction_id BIGINT PRIMARY KEY
);
