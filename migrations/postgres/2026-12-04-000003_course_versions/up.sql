-- Every change to a course, module or lesson bumps its version, and ETags derive from it
-- (a translation bumps the version of what it translates).
ALTER TABLE courses ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE course_modules ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE lessons ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- The enrolment count is part of a course's answer but written by enrolment, not by the
-- course's own writes: a new count is a new version, whoever writes it.
CREATE FUNCTION courses_count_version() RETURNS trigger AS $$
BEGIN
    NEW.version := NEW.version + 1;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER courses_count_version BEFORE UPDATE OF enrolment_count ON courses
    FOR EACH ROW WHEN (NEW.enrolment_count <> OLD.enrolment_count)
    EXECUTE FUNCTION courses_count_version();
