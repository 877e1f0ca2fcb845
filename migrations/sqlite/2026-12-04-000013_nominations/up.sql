-- Calls for nominations with their participant profiles (one per cohort), nominations and
-- their audit trail.

-- A cohort's call: its deadline, whether members may apply, and the profile's scalar
-- criteria (age range, target shares of women and under-35s, free text).
CREATE TABLE cohort_calls (
    cohort_id BIGINT PRIMARY KEY REFERENCES cohorts (id) ON DELETE CASCADE,
    deadline TIMESTAMP NOT NULL,
    members_may_apply BOOLEAN NOT NULL DEFAULT FALSE,
    min_age INTEGER,
    max_age INTEGER,
    target_women_percent INTEGER,
    target_under_35_percent INTEGER,
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- Organisations a call names: invited, and/or given a quota of nominations.
CREATE TABLE call_organisations (
    cohort_id BIGINT NOT NULL REFERENCES cohort_calls (cohort_id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    invited BOOLEAN NOT NULL,
    places INTEGER,
    PRIMARY KEY (cohort_id, organisation_id)
);

-- Countries a call names: every organisation of an invited country is invited; a quota
-- caps the nominations of the country's organisations; a target share is a soft criterion.
CREATE TABLE call_countries (
    cohort_id BIGINT NOT NULL REFERENCES cohort_calls (cohort_id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    invited BOOLEAN NOT NULL,
    places INTEGER,
    target_percent INTEGER,
    PRIMARY KEY (cohort_id, country)
);

-- Hard criteria of the participant profile.
CREATE TABLE profile_union_roles (
    cohort_id BIGINT NOT NULL REFERENCES cohort_calls (cohort_id) ON DELETE CASCADE,
    union_role TEXT NOT NULL,
    PRIMARY KEY (cohort_id, union_role)
);

CREATE TABLE profile_languages (
    cohort_id BIGINT NOT NULL REFERENCES cohort_calls (cohort_id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    min_level TEXT NOT NULL CHECK (min_level IN ('A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
    PRIMARY KEY (cohort_id, language)
);

CREATE TABLE profile_courses (
    cohort_id BIGINT NOT NULL REFERENCES cohort_calls (cohort_id) ON DELETE CASCADE,
    course_id BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    PRIMARY KEY (cohort_id, course_id)
);

CREATE TABLE profile_cohorts (
    cohort_id BIGINT NOT NULL REFERENCES cohort_calls (cohort_id) ON DELETE CASCADE,
    required_cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    PRIMARY KEY (cohort_id, required_cohort_id)
);

-- A member put forward for a cohort, by a leader of their organisation or by themselves.
CREATE TABLE nominations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    nominee_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    origin TEXT NOT NULL CHECK (origin IN ('leader', 'application')),
    status TEXT NOT NULL CHECK (status IN ('awaiting_nominee', 'submitted', 'declined',
        'awaiting_leader', 'not_endorsed', 'accepted', 'waitlisted', 'rejected', 'withdrawn')),
    -- The accountable leader: who nominated, or who endorsed the application.
    leader_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    statement TEXT NOT NULL,
    profile_read_at TIMESTAMP NOT NULL,
    decision_reason TEXT,
    waitlisted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
-- One live nomination per person and cohort; a declined, not endorsed or withdrawn one
-- leaves room for another.
CREATE UNIQUE INDEX nominations_one_live ON nominations (cohort_id, nominee_id)
    WHERE status NOT IN ('declined', 'not_endorsed', 'withdrawn');
CREATE INDEX nominations_cohort ON nominations (cohort_id, status);
CREATE INDEX nominations_nominee ON nominations (nominee_id);
CREATE INDEX nominations_organisation ON nominations (organisation_id, cohort_id);

-- Every step of every nomination: who, when, what, why.
CREATE TABLE nomination_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    nomination_id BIGINT NOT NULL REFERENCES nominations (id) ON DELETE CASCADE,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX nomination_events_cohort ON nomination_events (cohort_id, id);
CREATE INDEX nomination_events_nomination ON nomination_events (nomination_id, id);
