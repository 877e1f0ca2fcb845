-- Issue 12, items 5–7: assignments, completion rules, cohort certificates and e-trainer
-- certification.

-- Certificates name a course or a cohort (exactly one): SQLite cannot drop NOT NULL, so
-- the table is rebuilt with its rows, indexes and constraints.
CREATE TABLE certificates_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id BIGINT REFERENCES courses (id) ON DELETE CASCADE,
    holder_name TEXT NOT NULL,
    course_title TEXT NOT NULL,
    language TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_reason TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    cohort_id BIGINT REFERENCES cohorts (id) ON DELETE CASCADE,
    UNIQUE (user_id, course_id),
    UNIQUE (user_id, cohort_id),
    CHECK ((course_id IS NULL) <> (cohort_id IS NULL))
);
INSERT INTO certificates_new (id, code, user_id, course_id, holder_name, course_title,
    language, issued_at, revoked_at, revoked_reason, version, cohort_id)
SELECT id, code, user_id, course_id, holder_name, course_title, language, issued_at,
    revoked_at, revoked_reason, version, NULL FROM certificates;
DROP TABLE certificates;
ALTER TABLE certificates_new RENAME TO certificates;

-- A cohort's assignments, set by its facilitators (or coordinators): instructions in
-- Markdown (as written, and rendered once through the one sanitiser), a due time in UTC,
-- and how it is marked: `pass_fail`, or `points` out of `max_points` with `pass_points`
-- needed to pass.
CREATE TABLE assignments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    instructions TEXT NOT NULL,
    instructions_html TEXT NOT NULL,
    due_at TIMESTAMP NOT NULL,
    grading TEXT NOT NULL CHECK (grading IN ('pass_fail', 'points')),
    max_points INTEGER,
    pass_points INTEGER,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK ((grading = 'pass_fail' AND max_points IS NULL AND pass_points IS NULL)
        OR (grading = 'points' AND max_points IS NOT NULL AND pass_points IS NOT NULL))
);
CREATE INDEX assignments_cohort ON assignments (cohort_id, due_at);

-- A participant's submission to an assignment: one per participant, replaced by each
-- resubmission until it is marked. `late` when (last) submitted after the due time.
CREATE TABLE assignment_submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    -- Web addresses, one a line.
    links TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    late BOOLEAN NOT NULL,
    submission_count INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'passed', 'failed')),
    points INTEGER,
    feedback TEXT,
    graded_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    graded_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (assignment_id, user_id)
);
CREATE INDEX assignment_submissions_user ON assignment_submissions (user_id, assignment_id);

-- What a participant must do to complete a cohort. A cohort without a row completes on
-- the default rules (documented in docs/API.md).
CREATE TABLE cohort_completion_rules (
    cohort_id BIGINT PRIMARY KEY REFERENCES cohorts (id) ON DELETE CASCADE,
    min_attendance_percent INTEGER NOT NULL CHECK (min_attendance_percent BETWEEN 0 AND 100),
    all_assignments_passed BOOLEAN NOT NULL,
    all_courses_completed BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- A member who became an e-trainer by completing a `tot` cohort: the certifying cohort,
-- its certificate, the role before and after (never lowered), who certified and when.
CREATE TABLE trainer_certifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    certificate_id BIGINT NOT NULL REFERENCES certificates (id) ON DELETE CASCADE,
    role_before TEXT NOT NULL,
    role_after TEXT NOT NULL,
    certified_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    certified_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, cohort_id)
);
CREATE INDEX trainer_certifications_cohort ON trainer_certifications (cohort_id);
