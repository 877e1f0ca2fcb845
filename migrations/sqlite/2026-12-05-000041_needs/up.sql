-- Issue 15, item 1: bottom-up training needs. A coordinator opens a round with a deadline
-- and invites organisations and/or countries; union leaders submit their union's needs
-- while it is open; members of the union endorse them; coordinators link each need to the
-- courses or cohorts planned to answer it.
--
-- Erasure keeps counts, not people: an erased author or endorser leaves the row with a
-- NULL account (author_id, user_id), so totals and endorsement counts do not change.
CREATE TABLE needs_rounds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    deadline TIMESTAMP NOT NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE needs_round_organisations (
    round_id BIGINT NOT NULL REFERENCES needs_rounds (id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    PRIMARY KEY (round_id, organisation_id)
);
CREATE INDEX needs_round_organisations_org ON needs_round_organisations (organisation_id);

CREATE TABLE needs_round_countries (
    round_id BIGINT NOT NULL REFERENCES needs_rounds (id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    PRIMARY KEY (round_id, country)
);
CREATE INDEX needs_round_countries_country ON needs_round_countries (country);

-- `country` is the organisation's country when the need was submitted: the totals group
-- by it without a join. `state`: open (nothing linked), planned (a course or cohort is
-- linked), addressed (a coordinator said so, once planned). `endorsement_count` is kept
-- with the endorsements, so that lists and totals read no endorsement rows.
CREATE TABLE needs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    round_id BIGINT NOT NULL REFERENCES needs_rounds (id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    topic TEXT NOT NULL,
    topic_text TEXT,
    priority TEXT NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
    target_group TEXT NOT NULL,
    sector TEXT,
    languages TEXT NOT NULL,
    delivery_mode TEXT NOT NULL CHECK (delivery_mode IN ('online', 'in_person', 'blended')),
    participants INTEGER NOT NULL CHECK (participants BETWEEN 1 AND 100000),
    state TEXT NOT NULL CHECK (state IN ('open', 'planned', 'addressed')),
    endorsement_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
-- One need per union, round, topic and target group.
CREATE UNIQUE INDEX needs_once ON needs (round_id, organisation_id, topic, target_group);
CREATE INDEX needs_totals ON needs (round_id, topic, country, target_group);
CREATE INDEX needs_organisation ON needs (organisation_id, id);
CREATE INDEX needs_author ON needs (author_id) WHERE author_id IS NOT NULL;

CREATE TABLE need_endorsements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    need_id BIGINT NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
-- Once per member (an erased endorser's NULL is distinct from every other).
CREATE UNIQUE INDEX need_endorsements_once ON need_endorsements (need_id, user_id);
CREATE INDEX need_endorsements_user ON need_endorsements (user_id) WHERE user_id IS NOT NULL;

CREATE TABLE need_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    need_id BIGINT NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    course_id BIGINT REFERENCES courses (id) ON DELETE CASCADE,
    cohort_id BIGINT REFERENCES cohorts (id) ON DELETE CASCADE,
    linked_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK ((course_id IS NULL) <> (cohort_id IS NULL))
);
CREATE UNIQUE INDEX need_links_course ON need_links (need_id, course_id) WHERE course_id IS NOT NULL;
CREATE UNIQUE INDEX need_links_cohort ON need_links (need_id, cohort_id) WHERE cohort_id IS NOT NULL;
CREATE INDEX need_links_need ON need_links (need_id, id);
