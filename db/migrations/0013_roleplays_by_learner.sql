-- /roleplay list shows each learner's finished role-plays with their best score, and
-- /stats counts the scenarios they have finished: both read one learner's sessions by
-- status, which scanned the whole table. This index covers both reads.
CREATE INDEX roleplay_by_learner ON roleplay_sessions (guild_id, user_id, status, scenario_id, score, best_score);
