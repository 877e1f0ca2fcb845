-- Issue 18: a survey's number of responses kept as they come (the transaction that stores
-- a response adds one), not counted over its responses at each request for its results
-- (the scale survey's 10,000: the largest cost of its results left after
-- survey_value_counts). Responses are never removed but with their survey.
ALTER TABLE surveys ADD COLUMN response_count BIGINT NOT NULL DEFAULT 0;

UPDATE surveys SET response_count = (
    SELECT count(*) FROM survey_responses r WHERE r.survey_id = surveys.id
);
