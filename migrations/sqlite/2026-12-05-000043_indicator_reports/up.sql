-- Issue 15, item 4: organisational indicators (Kirkpatrick level 4), reported by a union's
-- leaders per period: a calendar year (quarter 0) or one of its quarters (1-4). One report
-- per organisation and period. The trainings the union ran itself are a count, and the
-- platform cohorts among them (run by the union's e-trainers) in indicator_report_cohorts.
-- An erased author leaves the report with a NULL author_id: the figures stay.
CREATE TABLE indicator_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    quarter INTEGER NOT NULL CHECK (quarter BETWEEN 0 AND 4),
    members_recruited INTEGER NOT NULL CHECK (members_recruited >= 0),
    agreements_signed INTEGER NOT NULL CHECK (agreements_signed >= 0),
    agreements_improved INTEGER NOT NULL CHECK (agreements_improved >= 0),
    policies_adopted INTEGER NOT NULL CHECK (policies_adopted >= 0),
    trainings_run INTEGER NOT NULL CHECK (trainings_run >= 0),
    attribution_note TEXT NOT NULL,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX indicator_reports_period ON indicator_reports (organisation_id, year, quarter);
CREATE INDEX indicator_reports_author ON indicator_reports (author_id) WHERE author_id IS NOT NULL;

CREATE TABLE indicator_report_cohorts (
    report_id BIGINT NOT NULL REFERENCES indicator_reports (id) ON DELETE CASCADE,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    PRIMARY KEY (report_id, cohort_id)
);
