DROP TABLE question_regrade_attempts;
DROP TABLE question_regrades;
ALTER TABLE quiz_attempt_items DROP COLUMN key_version_id;
