-- Issue 15, items 2, 3 and 5: training follow-up. Participants' action plans at the end of a
-- cohort, the cohort's follow-up schedule, check-ins per round with a report per plan step
-- (confirmed or questioned by the participant's union leader), guidance requests answered
-- by the facilitators, check-in reminders, and the anonymous counts an erased member's
-- follow-up leaves behind.

-- A cohort's follow-up rounds, in days after its end (`ends_on`); no row: 30, 90 and 180.
CREATE TABLE followup_schedules (
    cohort_id BIGINT PRIMARY KEY NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    -- Comma-separated, strictly increasing days.
    offsets TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- One plan per participant and cohort; `organisation_id` is the union the participant came
-- through (their accepted nomination's), whose leaders see and endorse it.
CREATE TABLE action_plans (
    id BIGSERIAL PRIMARY KEY,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id BIGINT REFERENCES organisations (id) ON DELETE SET NULL,
    -- JSON list of short texts.
    goals TEXT NOT NULL,
    support_needed TEXT NOT NULL DEFAULT '',
    endorsed_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    endorsed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (cohort_id, user_id)
);
CREATE INDEX action_plans_organisation ON action_plans (organisation_id, id);
CREATE INDEX action_plans_user ON action_plans (user_id);

CREATE TABLE action_plan_steps (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES action_plans (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    due_on DATE NOT NULL
);
CREATE INDEX action_plan_steps_plan ON action_plan_steps (plan_id, position);

-- One check-in per plan and round (1-based, in the schedule's order).
CREATE TABLE check_ins (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES action_plans (id) ON DELETE CASCADE,
    round INTEGER NOT NULL CHECK (round >= 1),
    submitted_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (plan_id, round)
);

-- A check-in's report on one step of the plan (a reported step cannot leave the plan).
CREATE TABLE check_in_reports (
    id BIGSERIAL PRIMARY KEY,
    check_in_id BIGINT NOT NULL REFERENCES check_ins (id) ON DELETE CASCADE,
    step_id BIGINT NOT NULL REFERENCES action_plan_steps (id),
    status TEXT NOT NULL CHECK (status IN ('done', 'in_progress', 'dropped')),
    applied TEXT NOT NULL DEFAULT '',
    -- Comma-separated barrier vocabulary.
    barriers TEXT NOT NULL DEFAULT '',
    barrier_note TEXT NOT NULL DEFAULT '',
    -- JSON lists.
    evidence_links TEXT NOT NULL DEFAULT '[]',
    resource_ids TEXT NOT NULL DEFAULT '[]',
    confirmation TEXT CHECK (confirmation IN ('confirmed', 'questioned')),
    confirmation_note TEXT,
    confirmed_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    confirmed_at TIMESTAMP,
    UNIQUE (check_in_id, step_id)
);
CREATE INDEX check_in_reports_step ON check_in_reports (step_id);

CREATE TABLE guidance_requests (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES action_plans (id) ON DELETE CASCADE,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    step_id BIGINT REFERENCES action_plan_steps (id) ON DELETE SET NULL,
    question TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'answered')),
    answer TEXT,
    answered_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    answered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX guidance_requests_cohort ON guidance_requests (cohort_id, state, id);
CREATE INDEX guidance_requests_plan ON guidance_requests (plan_id, id);

-- Claims of check-in reminders: one email per plan and round, of any number of instances.
CREATE TABLE check_in_reminders (
    plan_id BIGINT NOT NULL REFERENCES action_plans (id) ON DELETE CASCADE,
    round INTEGER NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (plan_id, round)
);

-- What erased members' follow-up leaves: counts per cohort, nothing that names anyone.
CREATE TABLE followup_erased_counts (
    cohort_id BIGINT PRIMARY KEY NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    plans BIGINT NOT NULL DEFAULT 0,
    endorsed_plans BIGINT NOT NULL DEFAULT 0,
    steps BIGINT NOT NULL DEFAULT 0,
    check_ins BIGINT NOT NULL DEFAULT 0,
    reports_done BIGINT NOT NULL DEFAULT 0,
    reports_in_progress BIGINT NOT NULL DEFAULT 0,
    reports_dropped BIGINT NOT NULL DEFAULT 0,
    reports_confirmed BIGINT NOT NULL DEFAULT 0,
    reports_questioned BIGINT NOT NULL DEFAULT 0,
    guidance_requests BIGINT NOT NULL DEFAULT 0,
    guidance_answered BIGINT NOT NULL DEFAULT 0
);
