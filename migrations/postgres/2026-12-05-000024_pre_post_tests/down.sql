DROP INDEX quiz_attempts_quiz;
DROP TABLE pre_post_tests;
