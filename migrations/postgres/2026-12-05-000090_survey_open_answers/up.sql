-- A survey's open answers are counted and listed by text (the first 50, sorted, so that
-- their order tells nothing of who wrote them): read in order from this index instead of
-- every answer of the item looked up and sorted at each request for the results.
CREATE INDEX survey_answers_open ON survey_answers (item_id, text) WHERE text IS NOT NULL;
