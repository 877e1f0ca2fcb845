-- Issue 18: a survey's results read from counts kept as responses come, not counted over
-- every answer at each request (the scale survey's 10,000 responses: 40,000 index entries
-- grouped per request).
--
-- survey_value_counts: how many answers to an item carry each value (a Likert or rating
-- value, a single choice's option number); the transaction that stores a response adds its
-- answers. No row for a value nobody gave. Counts only: nothing ties them to a response.
CREATE TABLE survey_value_counts (
    item_id BIGINT NOT NULL REFERENCES survey_items (id) ON DELETE CASCADE,
    value INTEGER NOT NULL,
    answers BIGINT NOT NULL,
    PRIMARY KEY (item_id, value)
);

INSERT INTO survey_value_counts (item_id, value, answers)
SELECT item_id, value, count(*) FROM survey_answers
WHERE value IS NOT NULL
GROUP BY item_id, value;
