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

CREATE TRIGGER dashboard_stamp_nominations_insert AFTER INSERT ON nominations FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_nominations_update AFTER UPDATE ON nominations FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_nominations_delete AFTER DELETE ON nominations FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_action_plans_insert AFTER INSERT ON action_plans FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_action_plans_update AFTER UPDATE ON action_plans FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_action_plans_delete AFTER DELETE ON action_plans FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_check_ins_insert AFTER INSERT ON check_ins FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT p.cohort_id FROM action_plans p WHERE p.id = NEW.plan_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_check_ins_update AFTER UPDATE ON check_ins FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT p.cohort_id FROM action_plans p WHERE p.id = OLD.plan_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT p.cohort_id FROM action_plans p WHERE p.id = NEW.plan_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_check_ins_delete AFTER DELETE ON check_ins FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT p.cohort_id FROM action_plans p WHERE p.id = OLD.plan_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_check_in_reports_insert AFTER INSERT ON check_in_reports FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT p.cohort_id FROM check_ins c JOIN action_plans p ON p.id = c.plan_id WHERE c.id = NEW.check_in_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_check_in_reports_update AFTER UPDATE ON check_in_reports FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT p.cohort_id FROM check_ins c JOIN action_plans p ON p.id = c.plan_id WHERE c.id = OLD.check_in_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT p.cohort_id FROM check_ins c JOIN action_plans p ON p.id = c.plan_id WHERE c.id = NEW.check_in_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_check_in_reports_delete AFTER DELETE ON check_in_reports FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT p.cohort_id FROM check_ins c JOIN action_plans p ON p.id = c.plan_id WHERE c.id = OLD.check_in_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_certificates_insert AFTER INSERT ON certificates FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_certificates_update AFTER UPDATE ON certificates FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_certificates_delete AFTER DELETE ON certificates FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_cohort_courses_insert AFTER INSERT ON cohort_courses FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_cohort_courses_update AFTER UPDATE ON cohort_courses FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_cohort_courses_delete AFTER DELETE ON cohort_courses FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_cohorts_update AFTER UPDATE ON cohorts FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_enrolments_insert AFTER INSERT ON enrolments FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_enrolments_update AFTER UPDATE ON enrolments FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_enrolments_delete AFTER DELETE ON enrolments FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_lesson_completions_insert AFTER INSERT ON lesson_completions FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_lesson_completions_update AFTER UPDATE ON lesson_completions FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_lesson_completions_delete AFTER DELETE ON lesson_completions FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_lessons_insert AFTER INSERT ON lessons FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_lessons_update AFTER UPDATE ON lessons FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_lessons_delete AFTER DELETE ON lessons FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_pre_post_tests_insert AFTER INSERT ON pre_post_tests FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_pre_post_tests_update AFTER UPDATE ON pre_post_tests FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_pre_post_tests_delete AFTER DELETE ON pre_post_tests FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_quiz_attempts_insert AFTER INSERT ON quiz_attempts FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT q.course_id FROM quizzes q WHERE q.id = NEW.quiz_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_quiz_attempts_update AFTER UPDATE ON quiz_attempts FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT q.course_id FROM quizzes q WHERE q.id = OLD.quiz_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT q.course_id FROM quizzes q WHERE q.id = NEW.quiz_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_quiz_attempts_delete AFTER DELETE ON quiz_attempts FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT q.course_id FROM quizzes q WHERE q.id = OLD.quiz_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_surveys_insert AFTER INSERT ON surveys FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_surveys_update AFTER UPDATE ON surveys FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT NEW.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT NEW.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_surveys_delete AFTER DELETE ON surveys FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT OLD.cohort_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT OLD.course_id AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_survey_responses_insert AFTER INSERT ON survey_responses FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_survey_responses_update AFTER UPDATE ON survey_responses FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_survey_responses_delete AFTER DELETE ON survey_responses FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_survey_respondents_insert AFTER INSERT ON survey_respondents FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_survey_respondents_update AFTER UPDATE ON survey_respondents FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = NEW.survey_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_survey_respondents_delete AFTER DELETE ON survey_respondents FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'cohort', x, 1 FROM (SELECT (SELECT s.cohort_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'course', x, 1 FROM (SELECT (SELECT s.course_id FROM surveys s WHERE s.id = OLD.survey_id) AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_users_update AFTER UPDATE ON users FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_organisations_update AFTER UPDATE ON organisations FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_memberships_insert AFTER INSERT ON memberships FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_memberships_update AFTER UPDATE ON memberships FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_memberships_delete AFTER DELETE ON memberships FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_indicator_reports_insert AFTER INSERT ON indicator_reports FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_indicator_reports_update AFTER UPDATE ON indicator_reports FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;

CREATE TRIGGER dashboard_stamp_indicator_reports_delete AFTER DELETE ON indicator_reports FOR EACH ROW BEGIN
    INSERT INTO dashboard_stamps (scope, scope_id, n) SELECT 'all', x, 1 FROM (SELECT 0 AS x) v WHERE x IS NOT NULL
        ON CONFLICT (scope, scope_id) DO UPDATE SET n = dashboard_stamps.n + 1;
END;
