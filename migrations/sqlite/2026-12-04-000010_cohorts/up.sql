-- Cohorts: a group that runs one or more courses together, with facilitators, between two
-- dates. Titles and descriptions are stored per language, as courses' are.
CREATE TABLE cohorts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('training', 'tot')),
    status TEXT NOT NULL DEFAULT 'planning'
        CHECK (status IN ('planning', 'nominations_open', 'selection', 'running', 'completed', 'cancelled')),
    default_language TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    -- IANA name of the zone times are shown in; every time is stored in UTC.
    time_zone TEXT NOT NULL,
    delivery_language TEXT NOT NULL,
    -- Comma-separated language tags.
    interpretation_languages TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL,
    region TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX cohorts_starts ON cohorts (starts_on, id);
CREATE INDEX cohorts_status ON cohorts (status, starts_on, id);

CREATE TABLE cohort_translations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (cohort_id, language)
);

CREATE TABLE cohort_facilitators (
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (cohort_id, user_id)
);
CREATE INDEX cohort_facilitators_user ON cohort_facilitators (user_id);

CREATE TABLE cohort_courses (
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE RESTRICT,
    position INTEGER NOT NULL,
    PRIMARY KEY (cohort_id, course_id)
);
CREATE INDEX cohort_courses_course ON cohort_courses (course_id);
