DROP TABLE survey_reminders;
DROP TABLE survey_respondents;
DROP TABLE survey_answers;
DROP TABLE survey_responses;
DROP TABLE survey_translations;
DROP TABLE survey_items;
DROP TABLE surveys;
