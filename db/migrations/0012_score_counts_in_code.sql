-- score_counts is kept in step with score_totals in one place, the code: awards move a
-- learner between the buckets (bot/store/points.py), and deleting a learner's data takes
-- their totals out of them before the totals are deleted (bot/store/progress.py). The
-- trigger that did the deletions (0008, 0009) goes: it would count a learner out twice.
DROP TRIGGER IF EXISTS score_counts_on_delete;
