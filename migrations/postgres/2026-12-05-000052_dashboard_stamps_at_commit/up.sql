-- Dashboard stamps bumped at commit, in one statement ordered by key (issue 16 review,
-- item 7). Under 000051 every row trigger bumped its cohort's, course's or `all` counter
-- at once, so a transaction held that counter's row lock from its first write until it
-- committed: two transactions touching two cohorts of one programme in opposite orders
-- (A: cohort 1 then 2, B: cohort 2 then 1) deadlocked, and any two touching one cohort,
-- or two user updates (`all`), were serialised for their whole length.
--
-- Now a row trigger only notes what to bump in `dashboard_stamp_pending`, keyed by its own
-- transaction id (no row any other transaction writes, so no wait), once per transaction
-- and counter (ON CONFLICT DO NOTHING: the deferred trigger below fires once per counter,
-- not per row). At commit a deferred constraint trigger takes the transaction's notes
-- and bumps every counter in ONE statement, in (scope, scope_id) order: counters are locked
-- only for the last instant of the transaction, always in the same order, so no cycle of
-- waits is possible between them. A counter still changes in the same transaction as the
-- rows it stands for (a rolled-back change bumps nothing), which is all the dashboards'
-- cache needs (dashboards::service). SQLite has one writer at a time: unchanged there.
CREATE UNLOGGED TABLE dashboard_stamp_pending (
    txid BIGINT NOT NULL,
    scope TEXT NOT NULL,
    scope_id BIGINT NOT NULL,
    PRIMARY KEY (txid, scope, scope_id)
);

CREATE FUNCTION dashboard_stamp_flush() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH done AS (
        DELETE FROM dashboard_stamp_pending WHERE txid = txid_current()
        RETURNING scope, scope_id
    )
    INSERT INTO dashboard_stamps (scope, scope_id, n)
    SELECT scope, scope_id, count(*) FROM done GROUP BY scope, scope_id ORDER BY scope, scope_id
    ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER dashboard_stamp_flush AFTER INSERT ON dashboard_stamp_pending
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_flush();

CREATE OR REPLACE FUNCTION dashboard_stamp_nominations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_action_plans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_check_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT (SELECT p.cohort_id FROM action_plans p WHERE p.id = NEW.plan_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT (SELECT p.cohort_id FROM action_plans p WHERE p.id = OLD.plan_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT (SELECT p.cohort_id FROM action_plans p WHERE p.id = NEW.plan_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT (SELECT p.cohort_id FROM action_plans p WHERE p.id = OLD.plan_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_check_in_reports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT (SELECT p.cohort_id FROM check_ins c JOIN action_plans p ON p.id = c.plan_id WHERE c.id = NEW.check_in_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT (SELECT p.cohort_id FROM check_ins c JOIN action_plans p ON p.id = c.plan_id WHERE c.id = OLD.check_in_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT (SELECT p.cohort_id FROM check_ins c JOIN action_plans p ON p.id = c.plan_id WHERE c.id = NEW.check_in_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT (SELECT p.cohort_id FROM check_ins c JOIN action_plans p ON p.id = c.plan_id WHERE c.id = OLD.check_in_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_certificates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_cohort_courses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_cohorts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT OLD.id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT NEW.id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_enrolments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_lesson_completions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_lessons() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_pre_post_tests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_quiz_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT (SELECT q.course_id FROM quizzes q WHERE q.id = NEW.quiz_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT (SELECT q.course_id FROM quizzes q WHERE q.id = OLD.quiz_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT (SELECT q.course_id FROM quizzes q WHERE q.id = NEW.quiz_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT (SELECT q.course_id FROM quizzes q WHERE q.id = OLD.quiz_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_surveys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_survey_responses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_survey_respondents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'cohort', x FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'course', x FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'all', x FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'all', x FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_organisations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'all', x FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'all', x FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'all', x FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'all', x FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'all', x FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'all', x FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_indicator_reports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'all', x FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'all', x FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'all', x FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamp_pending (txid, scope, scope_id) SELECT txid_current(), 'all', x FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;

