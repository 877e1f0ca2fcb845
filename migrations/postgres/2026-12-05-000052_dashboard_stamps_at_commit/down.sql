-- Back to bumping each counter at once, in the row triggers (000051).
CREATE OR REPLACE FUNCTION dashboard_stamp_nominations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_action_plans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_check_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT p.cohort_id FROM action_plans p WHERE p.id = NEW.plan_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT p.cohort_id FROM action_plans p WHERE p.id = OLD.plan_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT p.cohort_id FROM action_plans p WHERE p.id = NEW.plan_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT p.cohort_id FROM action_plans p WHERE p.id = OLD.plan_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_check_in_reports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT p.cohort_id FROM check_ins c JOIN action_plans p ON p.id = c.plan_id WHERE c.id = NEW.check_in_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT p.cohort_id FROM check_ins c JOIN action_plans p ON p.id = c.plan_id WHERE c.id = OLD.check_in_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT p.cohort_id FROM check_ins c JOIN action_plans p ON p.id = c.plan_id WHERE c.id = NEW.check_in_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT p.cohort_id FROM check_ins c JOIN action_plans p ON p.id = c.plan_id WHERE c.id = OLD.check_in_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_certificates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_cohort_courses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_cohorts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_enrolments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_lesson_completions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_lessons() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_pre_post_tests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_quiz_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT q.course_id FROM quizzes q WHERE q.id = NEW.quiz_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT q.course_id FROM quizzes q WHERE q.id = OLD.quiz_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT q.course_id FROM quizzes q WHERE q.id = NEW.quiz_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT q.course_id FROM quizzes q WHERE q.id = OLD.quiz_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_surveys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_survey_responses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_survey_respondents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_organisations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


CREATE OR REPLACE FUNCTION dashboard_stamp_indicator_reports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  IF TG_OP = 'DELETE' THEN
        INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
            ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
  END IF;
  RETURN NULL;
END;
$$;


DROP TRIGGER dashboard_stamp_flush ON dashboard_stamp_pending;
DROP FUNCTION dashboard_stamp_flush();
DROP TABLE dashboard_stamp_pending;
