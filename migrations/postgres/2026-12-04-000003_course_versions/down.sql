DROP TRIGGER courses_count_version ON courses;
DROP FUNCTION courses_count_version();
ALTER TABLE lessons DROP COLUMN version;
ALTER TABLE course_modules DROP COLUMN version;
ALTER TABLE courses DROP COLUMN version;
