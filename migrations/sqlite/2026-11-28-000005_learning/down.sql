DROP TABLE certificates;
DROP TABLE lesson_completions;
DROP TABLE enrolments;
