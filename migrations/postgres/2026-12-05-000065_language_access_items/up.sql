-- Issue 17, items 1 to 4 beyond courses: library resources, surveys and quiz questions
-- have source versions, translators' drafts and (resources) learners' requests too. Their
-- texts belong to no course (a resource, a cohort's survey), so `course_id` becomes
-- optional in `translation_sources` and `translation_drafts`, and a request names a
-- course or a resource.
ALTER TABLE translation_sources ALTER COLUMN course_id DROP NOT NULL;
ALTER TABLE translation_drafts ALTER COLUMN course_id DROP NOT NULL;
ALTER TABLE translation_requests ALTER COLUMN course_id DROP NOT NULL;
ALTER TABLE translation_requests
    ADD COLUMN resource_id BIGINT REFERENCES resources (id) ON DELETE CASCADE;
ALTER TABLE translation_requests
    ADD CONSTRAINT translation_requests_resource_user_language UNIQUE (resource_id, user_id, language);
ALTER TABLE translation_requests
    ADD CONSTRAINT translation_requests_one_item CHECK ((course_id IS NULL) <> (resource_id IS NULL));
CREATE INDEX translation_requests_resource ON translation_requests (resource_id, language, notified_at);
