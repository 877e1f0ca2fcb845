-- Issue 16, item 1: programmes. A programme (e.g. a three-year regional programme) groups
-- cohorts and courses and carries the figures it is judged against: participants reached,
-- the shares of women and of under-35s, the number of countries and the completion rate,
-- each optional. Adding or removing a member bumps the programme's version.
CREATE TABLE programmes (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    target_participants INTEGER,
    target_women_percent INTEGER,
    target_under_35_percent INTEGER,
    target_countries INTEGER,
    target_completion_percent INTEGER,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK (starts_on <= ends_on)
);

CREATE TABLE programme_cohorts (
    programme_id BIGINT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    PRIMARY KEY (programme_id, cohort_id)
);
CREATE INDEX programme_cohorts_cohort ON programme_cohorts (cohort_id);

CREATE TABLE programme_courses (
    programme_id BIGINT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    PRIMARY KEY (programme_id, course_id)
);
CREATE INDEX programme_courses_course ON programme_courses (course_id);
