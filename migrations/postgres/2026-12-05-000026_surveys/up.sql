-- Issue 13, item 5: reaction surveys (Kirkpatrick level 1), attached to a live session, the
-- end of a course or the end of a cohort.
--
-- An anonymous survey keeps nothing that ties a response to its respondent: a response's
-- id is random text (no sequence), it carries the date only (no time), and who has
-- responded lives in `survey_respondents`, which names no response. The response tables
-- have no sequence and no time of day. (PostgreSQL's own row versions, xmin and the heap's
-- physical order, are visible to a database superuser; see docs/API.md, Surveys.)
CREATE TABLE surveys (
    id BIGSERIAL PRIMARY KEY,
    target TEXT NOT NULL CHECK (target IN ('session', 'course', 'cohort')),
    course_id BIGINT REFERENCES courses (id) ON DELETE CASCADE,
    cohort_id BIGINT REFERENCES cohorts (id) ON DELETE CASCADE,
    session_id BIGINT REFERENCES cohort_sessions (id) ON DELETE CASCADE,
    anonymous BOOLEAN NOT NULL,
    default_language TEXT NOT NULL,
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK (closes_at IS NULL OR closes_at > opens_at),
    CHECK ((target = 'course' AND course_id IS NOT NULL AND cohort_id IS NULL
            AND session_id IS NULL)
        OR (target = 'cohort' AND cohort_id IS NOT NULL AND course_id IS NULL
            AND session_id IS NULL)
        OR (target = 'session' AND cohort_id IS NOT NULL AND session_id IS NOT NULL
            AND course_id IS NULL))
);
CREATE INDEX surveys_course ON surveys (course_id, id);
CREATE INDEX surveys_cohort ON surveys (cohort_id, id);
CREATE INDEX surveys_opens ON surveys (opens_at);

-- The items in order: `scale_max` is 5 for a Likert item, 2 to 10 for a rating, the number
-- of options of a single choice, 0 for open text.
CREATE TABLE survey_items (
    id BIGSERIAL PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('likert', 'rating', 'single_choice', 'open_text')),
    required BOOLEAN NOT NULL,
    scale_max INTEGER NOT NULL,
    UNIQUE (survey_id, position)
);

-- A survey's texts in one language (its default language included): title, description and
-- each item's prompt and options (JSON list in item order: {"prompt", "options"}).
CREATE TABLE survey_translations (
    survey_id BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    items TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (survey_id, language)
);

-- A response: a random id, the day it came (UTC), and its respondent only when the survey
-- is not anonymous.
CREATE TABLE survey_responses (
    id TEXT NOT NULL PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    respondent_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    submitted_on DATE NOT NULL
);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id);

-- A response's answer to one item: a value (Likert, rating, the option's number) or text.
CREATE TABLE survey_answers (
    response_id TEXT NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    item_id BIGINT NOT NULL REFERENCES survey_items (id) ON DELETE CASCADE,
    value INTEGER,
    text TEXT,
    PRIMARY KEY (response_id, item_id),
    CHECK ((value IS NULL) <> (text IS NULL))
);
CREATE INDEX survey_answers_item ON survey_answers (item_id, value);

-- Who has responded (refuses a second response): no time, no response named.
CREATE TABLE survey_respondents (
    survey_id BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (survey_id, user_id)
);

-- The one reminder of a survey to a person, claimed in the transaction that queues its
-- email: however many instances run, one sends it.
CREATE TABLE survey_reminders (
    survey_id BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (survey_id, user_id)
);
