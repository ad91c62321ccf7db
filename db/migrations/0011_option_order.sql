-- Options of single and multiple questions are shown in a shuffled order, one order per
-- post (seeded by the post's id). Posts made before this keep the order they were shown
-- in: the pack's written order.
ALTER TABLE posts ADD COLUMN shuffled INTEGER NOT NULL DEFAULT 0;
