DROP INDEX survey_answers_open;
