DROP TABLE machine_translation_jobs;
DROP TABLE post_translation_requests;
DROP TABLE post_translations;
ALTER TABLE posts DROP COLUMN language;
