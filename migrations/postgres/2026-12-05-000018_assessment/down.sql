DROP TABLE quiz_attempt_items;
DROP TABLE quiz_attempts;
DROP TABLE quiz_items;
DROP TABLE quizzes;
DROP TABLE question_versions;
DROP TABLE question_translations;
DROP TABLE questions;
DELETE FROM lessons WHERE kind = 'quiz';
ALTER TABLE lessons DROP CONSTRAINT lessons_kind_check;
ALTER TABLE lessons ADD CONSTRAINT lessons_kind_check
    CHECK (kind IN ('text', 'video', 'link', 'file'));
