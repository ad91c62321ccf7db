-- Slash commands already handled: Discord delivers an interaction to every session of its
-- shard, and during a redeploy two processes can hold the same shard. The first process
-- to record the interaction's id runs the command; the other leaves it alone. An id is a
-- snowflake, so its time is in it: ids older than a day are deleted (bot/store/interactions.py).

CREATE TABLE handled_commands (
    interaction_id INTEGER PRIMARY KEY
);
