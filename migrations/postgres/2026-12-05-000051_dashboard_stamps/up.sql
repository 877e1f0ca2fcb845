-- Issue 16, item 2: dashboard stamps. Every change of a row a dashboard counts bumps a
-- counter of the cohort or course it belongs to (or of `all`, for accounts, organisations,
-- memberships and indicator reports), in the same transaction. A dashboard's figures are
-- kept in memory with the sum and number of the counters of its cohorts and courses, and
-- used again only while that sum is what it was: one indexed read instead of counting
-- every participant, and exact across instances (dashboards::service::SummaryCache).
CREATE TABLE dashboard_stamps (
    scope TEXT NOT NULL,
    scope_id BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (scope, scope_id)
);

CREATE FUNCTION dashboard_stamp_nominations() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_nominations AFTER INSERT OR UPDATE OR DELETE ON nominations FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_nominations();

CREATE FUNCTION dashboard_stamp_action_plans() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_action_plans AFTER INSERT OR UPDATE OR DELETE ON action_plans FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_action_plans();

CREATE FUNCTION dashboard_stamp_check_ins() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_check_ins AFTER INSERT OR UPDATE OR DELETE ON check_ins FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_check_ins();

CREATE FUNCTION dashboard_stamp_check_in_reports() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_check_in_reports AFTER INSERT OR UPDATE OR DELETE ON check_in_reports FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_check_in_reports();

CREATE FUNCTION dashboard_stamp_certificates() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_certificates AFTER INSERT OR UPDATE OR DELETE ON certificates FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_certificates();

CREATE FUNCTION dashboard_stamp_cohort_courses() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_cohort_courses AFTER INSERT OR UPDATE OR DELETE ON cohort_courses FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_cohort_courses();

CREATE FUNCTION dashboard_stamp_cohorts() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_cohorts AFTER UPDATE ON cohorts FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_cohorts();

CREATE FUNCTION dashboard_stamp_enrolments() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_enrolments AFTER INSERT OR UPDATE OR DELETE ON enrolments FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_enrolments();

CREATE FUNCTION dashboard_stamp_lesson_completions() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_lesson_completions AFTER INSERT OR UPDATE OR DELETE ON lesson_completions FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_lesson_completions();

CREATE FUNCTION dashboard_stamp_lessons() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_lessons AFTER INSERT OR UPDATE OR DELETE ON lessons FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_lessons();

CREATE FUNCTION dashboard_stamp_pre_post_tests() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_pre_post_tests AFTER INSERT OR UPDATE OR DELETE ON pre_post_tests FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_pre_post_tests();

CREATE FUNCTION dashboard_stamp_quiz_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_quiz_attempts AFTER INSERT OR UPDATE OR DELETE ON quiz_attempts FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_quiz_attempts();

CREATE FUNCTION dashboard_stamp_surveys() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_surveys AFTER INSERT OR UPDATE OR DELETE ON surveys FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_surveys();

CREATE FUNCTION dashboard_stamp_survey_responses() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_survey_responses AFTER INSERT OR UPDATE OR DELETE ON survey_responses FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_survey_responses();

CREATE FUNCTION dashboard_stamp_survey_respondents() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_survey_respondents AFTER INSERT OR UPDATE OR DELETE ON survey_respondents FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_survey_respondents();

CREATE FUNCTION dashboard_stamp_users() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_users AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_users();

CREATE FUNCTION dashboard_stamp_organisations() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_organisations AFTER UPDATE ON organisations FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_organisations();

CREATE FUNCTION dashboard_stamp_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_memberships AFTER INSERT OR UPDATE OR DELETE ON memberships FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_memberships();

CREATE FUNCTION dashboard_stamp_indicator_reports() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER dashboard_stamp_indicator_reports AFTER INSERT OR UPDATE OR DELETE ON indicator_reports FOR EACH ROW EXECUTE FUNCTION dashboard_stamp_indicator_reports();
