//! Dashboards through HTTP, on a fixture built straight in the database so that every
//! figure is known: one cohort running one course of three lessons, eleven participants
//! from two unions (one with a hostile name), two rejected nominations, completions,
//! certificates, action plans, check-ins, a survey and an indicator report.
//!
//! Union A (PH, sector C): 8 participants, 6 women born 1995/1980, 2 men; 2 more rejected.
//! Union B (`=HYPERLINK(...)`, ID): 3 participants, gender not stated, born 2005.
//! Started: A1-A7, B1; completed and certified: A1-A6; plans: A1-A6; check-ins with a step
//! done and confirmed: A1-A5. Survey (1 rating item of 5): A1-A6 answer 4.

use bayanihan::db::schema::{
    action_plan_steps, action_plans, certificates, check_in_reports, check_ins, cohort_courses,
    cohorts, course_modules, courses, enrolments, indicator_reports, lesson_completions, lessons,
    memberships, nominations, organisations, survey_answers, survey_items, survey_respondents,
    survey_responses, surveys, users,
};
use bayanihan::organisations::model::OrganisationKind;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};
use crate::programmes::{ok, send};

/// The built fixture.
pub(crate) struct Fixture {
    pub admin: TestUser,
    pub coordinator: TestUser,
    /// An approved leader of union A (a member by role).
    pub leader: TestUser,
    pub member: TestUser,
    pub union_a: i64,
    pub union_b: i64,
    pub cohort: i64,
    pub course: i64,
    pub lessons: Vec<i64>,
    /// A1-A8, then B1-B3.
    pub participants: Vec<i64>,
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub(crate) const HOSTILE: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";

pub(crate) async fn fixture(app: &TestApp) -> Fixture {
    let admin = app.user("admin").await;
    let coordinator = app.user("coordinator").await;
    let leader = app.user("member").await;
    let member = app.user("member").await;
    let union_a = app.insert_org(
        "Alpha Workers Union",
        None,
        "PH",
        OrganisationKind::Union,
        None,
    );
    let union_b = app.insert_org(HOSTILE, None, "ID", OrganisationKind::Union, None);
    let mut people = Vec::new();
    for i in 0..13 {
        let email = format!("p{i}-{}@example.org", uuid::Uuid::new_v4().simple());
        people.push(app.insert_user(&email, "member", true).await);
    }
    let now = at("2026-01-05 09:00:00");
    let mut conn = app.db.conn().unwrap();
    let conn = &mut *conn;
    diesel::update(organisations::table.find(union_a))
        .set(organisations::sector_code.eq("C"))
        .execute(conn)
        .unwrap();
    // A1-A8 and two rejected (people 8, 9 are union A's too); B1-B3 are people 10-12.
    for (i, p) in people.iter().enumerate() {
        let (gender, born, country) = match i {
            0..=5 => (
                Some("female"),
                if i < 2 {
                    1995
                } else if i < 4 {
                    1980
                } else if i == 4 {
                    1995
                } else {
                    1980
                },
                "PH",
            ),
            6 | 7 => (Some("male"), if i == 6 { 1995 } else { 1980 }, "PH"),
            8 | 9 => (Some("male"), 1990, "PH"),
            _ => (None, 2005, "ID"),
        };
        diesel::update(users::table.find(*p))
            .set((
                users::gender.eq(gender),
                users::birth_year.eq(Some(born)),
                users::country.eq(Some(country)),
            ))
            .execute(conn)
            .unwrap();
        let org = if i < 10 { union_a } else { union_b };
        diesel::insert_into(memberships::table)
            .values((
                memberships::user_id.eq(*p),
                memberships::organisation_id.eq(org),
                memberships::role.eq("member"),
                memberships::status.eq("approved"),
                memberships::union_role.eq("member"),
                memberships::created_at.eq(now),
                memberships::updated_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
    }
    diesel::insert_into(memberships::table)
        .values((
            memberships::user_id.eq(leader.id),
            memberships::organisation_id.eq(union_a),
            memberships::role.eq("leader"),
            memberships::status.eq("approved"),
            memberships::union_role.eq("officer"),
            memberships::created_at.eq(now),
            memberships::updated_at.eq(now),
        ))
        .execute(conn)
        .unwrap();
    let course: i64 = diesel::insert_into(courses::table)
        .values((
            courses::slug.eq(format!("c-{}", uuid::Uuid::new_v4().simple())),
            courses::default_language.eq("en"),
            courses::level.eq("introductory"),
            courses::format.eq("cohort"),
            courses::status.eq("published"),
            courses::visibility.eq("public"),
            courses::enrolment_count.eq(11),
            courses::created_at.eq(now),
            courses::updated_at.eq(now),
        ))
        .returning(courses::id)
        .get_result(conn)
        .unwrap();
    let module: i64 = diesel::insert_into(course_modules::table)
        .values((
            course_modules::course_id.eq(course),
            course_modules::position.eq(1),
            course_modules::created_at.eq(now),
            course_modules::updated_at.eq(now),
        ))
        .returning(course_modules::id)
        .get_result(conn)
        .unwrap();
    let mut lesson_ids = Vec::new();
    for position in 1..=3 {
        lesson_ids.push(
            diesel::insert_into(lessons::table)
                .values((
                    lessons::module_id.eq(module),
                    lessons::course_id.eq(course),
                    lessons::position.eq(position),
                    lessons::kind.eq("text"),
                    lessons::required.eq(true),
                    lessons::caption_languages.eq(""),
                    lessons::created_at.eq(now),
                    lessons::updated_at.eq(now),
                ))
                .returning(lessons::id)
                .get_result::<i64>(conn)
                .unwrap(),
        );
    }
    let cohort: i64 = diesel::insert_into(cohorts::table)
        .values((
            cohorts::kind.eq("training"),
            cohorts::status.eq("running"),
            cohorts::default_language.eq("en"),
            cohorts::starts_on.eq(day("2026-02-01")),
            cohorts::ends_on.eq(day("2026-03-01")),
            cohorts::time_zone.eq("Asia/Manila"),
            cohorts::delivery_language.eq("en"),
            cohorts::interpretation_languages.eq(""),
            cohorts::capacity.eq(30),
            cohorts::region.eq("asia_pacific"),
            cohorts::created_at.eq(now),
            cohorts::updated_at.eq(now),
        ))
        .returning(cohorts::id)
        .get_result(conn)
        .unwrap();
    diesel::insert_into(cohort_courses::table)
        .values((
            cohort_courses::cohort_id.eq(cohort),
            cohort_courses::course_id.eq(course),
            cohort_courses::position.eq(1),
        ))
        .execute(conn)
        .unwrap();
    let participants: Vec<i64> = people
        .iter()
        .enumerate()
        .filter(|(i, _)| !(8..=9).contains(i))
        .map(|(_, p)| *p)
        .collect();
    for (i, p) in people.iter().enumerate() {
        let org = if i < 10 { union_a } else { union_b };
        let status = if (8..=9).contains(&i) {
            "rejected"
        } else {
            "accepted"
        };
        diesel::insert_into(nominations::table)
            .values((
                nominations::cohort_id.eq(cohort),
                nominations::nominee_id.eq(*p),
                nominations::organisation_id.eq(org),
                nominations::origin.eq("leader"),
                nominations::status.eq(status),
                nominations::statement.eq("Fits the profile."),
                nominations::profile_read_at.eq(now),
                nominations::created_at.eq(now),
                nominations::updated_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
    }
    for (i, p) in participants.iter().enumerate() {
        diesel::insert_into(enrolments::table)
            .values((
                enrolments::course_id.eq(course),
                enrolments::user_id.eq(*p),
                enrolments::created_at.eq(now),
                enrolments::updated_at.eq(now),
                enrolments::completed_at.eq((i < 6).then_some(now)),
            ))
            .execute(conn)
            .unwrap();
        // A1-A6 all three lessons, A7 two, B1 (index 8) one.
        let done = match i {
            0..=5 => 3,
            6 => 2,
            8 => 1,
            _ => 0,
        };
        for lesson in lesson_ids.iter().take(done) {
            diesel::insert_into(lesson_completions::table)
                .values((
                    lesson_completions::user_id.eq(*p),
                    lesson_completions::lesson_id.eq(*lesson),
                    lesson_completions::course_id.eq(course),
                    lesson_completions::completed_at.eq(now),
                ))
                .execute(conn)
                .unwrap();
        }
        if i < 6 {
            diesel::insert_into(certificates::table)
                .values((
                    certificates::code.eq(format!("CERT-{}", uuid::Uuid::new_v4().simple())),
                    certificates::user_id.eq(*p),
                    certificates::holder_name.eq("Someone"),
                    certificates::course_title.eq("A cohort"),
                    certificates::language.eq("en"),
                    certificates::issued_at.eq(now),
                    certificates::cohort_id.eq(Some(cohort)),
                ))
                .execute(conn)
                .unwrap();
            let plan: i64 = diesel::insert_into(action_plans::table)
                .values((
                    action_plans::cohort_id.eq(cohort),
                    action_plans::user_id.eq(*p),
                    action_plans::organisation_id.eq(Some(union_a)),
                    action_plans::goals.eq("Organise platform workers"),
                    action_plans::support_needed.eq(""),
                    action_plans::created_at.eq(now),
                    action_plans::updated_at.eq(now),
                ))
                .returning(action_plans::id)
                .get_result(conn)
                .unwrap();
            let step: i64 = diesel::insert_into(action_plan_steps::table)
                .values((
                    action_plan_steps::plan_id.eq(plan),
                    action_plan_steps::position.eq(1),
                    action_plan_steps::title.eq("Run a workshop"),
                    action_plan_steps::due_on.eq(day("2026-05-01")),
                ))
                .returning(action_plan_steps::id)
                .get_result(conn)
                .unwrap();
            if i < 5 {
                let check_in: i64 = diesel::insert_into(check_ins::table)
                    .values((
                        check_ins::plan_id.eq(plan),
                        check_ins::round.eq(1),
                        check_ins::submitted_at.eq(now),
                        check_ins::updated_at.eq(now),
                    ))
                    .returning(check_ins::id)
                    .get_result(conn)
                    .unwrap();
                diesel::insert_into(check_in_reports::table)
                    .values((
                        check_in_reports::check_in_id.eq(check_in),
                        check_in_reports::step_id.eq(step),
                        check_in_reports::status.eq("done"),
                        check_in_reports::applied.eq("Ran it"),
                        check_in_reports::barriers.eq(""),
                        check_in_reports::barrier_note.eq(""),
                        check_in_reports::evidence_links.eq(""),
                        check_in_reports::resource_ids.eq(""),
                        check_in_reports::confirmation.eq(Some("confirmed")),
                        check_in_reports::confirmed_by.eq(Some(leader.id)),
                        check_in_reports::confirmed_at.eq(Some(now)),
                    ))
                    .execute(conn)
                    .unwrap();
            }
        }
    }
    let survey: i64 = diesel::insert_into(surveys::table)
        .values((
            surveys::target.eq("cohort"),
            surveys::cohort_id.eq(Some(cohort)),
            surveys::anonymous.eq(false),
            surveys::default_language.eq("en"),
            surveys::opens_at.eq(now),
            surveys::created_at.eq(now),
            surveys::updated_at.eq(now),
        ))
        .returning(surveys::id)
        .get_result(conn)
        .unwrap();
    let item: i64 = diesel::insert_into(survey_items::table)
        .values((
            survey_items::survey_id.eq(survey),
            survey_items::position.eq(1),
            survey_items::kind.eq("rating"),
            survey_items::required.eq(true),
            survey_items::scale_max.eq(5),
        ))
        .returning(survey_items::id)
        .get_result(conn)
        .unwrap();
    for p in participants.iter().take(6) {
        let response = uuid::Uuid::new_v4().simple().to_string();
        diesel::insert_into(survey_responses::table)
            .values((
                survey_responses::id.eq(&response),
                survey_responses::survey_id.eq(survey),
                survey_responses::respondent_id.eq(Some(*p)),
                survey_responses::submitted_on.eq(day("2026-03-01")),
            ))
            .execute(conn)
            .unwrap();
        diesel::insert_into(survey_answers::table)
            .values((
                survey_answers::response_id.eq(&response),
                survey_answers::item_id.eq(item),
                survey_answers::value.eq(Some(4)),
            ))
            .execute(conn)
            .unwrap();
        diesel::insert_into(survey_respondents::table)
            .values((
                survey_respondents::survey_id.eq(survey),
                survey_respondents::user_id.eq(*p),
            ))
            .execute(conn)
            .unwrap();
    }
    diesel::insert_into(indicator_reports::table)
        .values((
            indicator_reports::organisation_id.eq(union_a),
            indicator_reports::year.eq(2026),
            indicator_reports::quarter.eq(2),
            indicator_reports::members_recruited.eq(40),
            indicator_reports::agreements_signed.eq(2),
            indicator_reports::agreements_improved.eq(1),
            indicator_reports::policies_adopted.eq(3),
            indicator_reports::trainings_run.eq(4),
            indicator_reports::attribution_note.eq(""),
            indicator_reports::created_at.eq(now),
            indicator_reports::updated_at.eq(now),
        ))
        .execute(conn)
        .unwrap();
    Fixture {
        admin,
        coordinator,
        leader,
        member,
        union_a,
        union_b,
        cohort,
        course,
        lessons: lesson_ids,
        participants,
    }
}

async fn get(app: &TestApp, path: &str, by: &TestUser) -> Value {
    ok(send(app, Method::GET, path, by, None).await, 200).await
}

fn cell(cells: &Value, value: &str) -> Value {
    cells
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["value"] == value)
        .unwrap_or_else(|| panic!("no {value} in {cells}"))["count"]
        .clone()
}

fn funnel(d: &Value) -> Vec<Value> {
    d["funnel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["count"].clone())
        .collect()
}

#[tokio::test]
async fn a_cohort_dashboard_counts_everything_and_withholds_small_cells_but_for_admins() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let path = format!("/api/v1/cohorts/{}/dashboard", f.cohort);

    let admin = get(&app, &path, &f.admin).await;
    assert_eq!(admin["suppressed_below"], 1);
    assert_eq!(admin["restricted_to"], Value::Null);
    let r = &admin["reach"];
    assert_eq!(r["participants"], 11);
    assert_eq!(r["countries_reached"], 2);
    assert_eq!(r["women_percent"], 54.5);
    assert_eq!(r["under_35_percent"], 63.6);
    assert_eq!(r["completion_percent"], 54.5);
    assert_eq!(cell(&r["country"], "PH"), 8);
    assert_eq!(cell(&r["country"], "ID"), 3);
    assert_eq!(cell(&r["gender"], "female"), 6);
    assert_eq!(cell(&r["gender"], "not_stated"), 3);
    assert_eq!(cell(&r["age_band"], "under_25"), 3);
    assert_eq!(cell(&r["age_band"], "25_34"), 4);
    assert_eq!(cell(&r["age_band"], "45_54"), 4);
    assert_eq!(cell(&r["sector"], "C"), 8);
    assert_eq!(cell(&r["sector"], "not_stated"), 3);
    let unions = r["union"].as_array().unwrap();
    assert_eq!(unions[0]["organisation_id"], f.union_a);
    assert_eq!(unions[0]["count"], 8);
    assert_eq!(unions[1]["name"], HOSTILE);
    assert_eq!(
        funnel(&admin),
        [json!(13), json!(11), json!(8), json!(6), json!(6), json!(5)]
    );
    assert_eq!(admin["reaction"]["surveys"], 1);
    assert_eq!(admin["reaction"]["responses"], 6);
    assert_eq!(admin["reaction"]["response_rate_percent"], 54.5);
    assert_eq!(admin["reaction"]["mean_percent"], 80.0);
    assert_eq!(admin["learning"]["tests"], 0);
    let b = &admin["behaviour"];
    assert_eq!(b["action_plans"], 6);
    assert_eq!(b["action_plan_percent"], 54.5);
    assert_eq!(b["check_in_percent"], 83.3);
    assert_eq!(b["applied_percent"], 83.3);
    assert_eq!(b["confirmed_percent"], 83.3);
    let by_union = admin["results"]["by_union"].as_array().unwrap();
    assert_eq!(by_union.len(), 1);
    assert_eq!(by_union[0]["members_recruited"], 40);
    assert_eq!(admin["results"]["by_country"][0]["key"], "PH");
    assert_eq!(admin["lessons"], Value::Null);

    // A coordinator: small cells withheld, and those that would give them away.
    let c = get(&app, &path, &f.coordinator).await;
    assert_eq!(c["suppressed_below"], 5);
    let r = &c["reach"];
    assert_eq!(r["participants"], 11);
    // ID has 3; PH (8) would give it away from the total: both withheld.
    assert_eq!(cell(&r["country"], "ID"), Value::Null);
    assert_eq!(cell(&r["country"], "PH"), Value::Null);
    assert_eq!(cell(&r["gender"], "female"), 6);
    assert_eq!(cell(&r["gender"], "male"), Value::Null);
    assert_eq!(cell(&r["gender"], "not_stated"), Value::Null);
    assert_eq!(cell(&r["gender"], "other"), 0);
    assert_eq!(r["women_percent"], 54.5);
    // 7 under 35 of 11: the 4 others are few.
    assert_eq!(r["under_35_percent"], Value::Null);
    assert!(
        r["union"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["count"].is_null())
    );
    // Steps of fewer than five (2 rejected, 3 never started, ...) are withheld.
    assert_eq!(
        funnel(&c),
        [
            Value::Null,
            json!(11),
            Value::Null,
            Value::Null,
            json!(6),
            Value::Null
        ]
    );
    assert_eq!(c["behaviour"]["action_plans"], 6);
    assert_eq!(c["behaviour"]["check_in_percent"], Value::Null);
    assert_eq!(c["reaction"]["mean_percent"], 80.0);

    // 304 for the tag the caller has.
    let res = send(&app, Method::GET, &path, &f.coordinator, None).await;
    let tag = crate::helpers::etag(&res);
    let res = app
        .authed(Method::GET, &path, &f.coordinator.token)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 304);

    // A change counted (a participant states her gender otherwise) shows at once: the
    // kept summary is not used once its stamps moved.
    {
        let mut conn = app.db.conn().unwrap();
        diesel::update(users::table.find(f.participants[0]))
            .set(users::gender.eq(Some("male")))
            .execute(&mut *conn)
            .unwrap();
    }
    let again = get(&app, &path, &f.admin).await;
    assert_eq!(cell(&again["reach"]["gender"], "female"), 5);
    let res = app
        .authed(Method::GET, &path, &f.coordinator.token)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
}

#[tokio::test]
async fn leaders_see_their_own_union_and_members_nothing() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let path = format!("/api/v1/cohorts/{}/dashboard", f.cohort);
    let l = get(&app, &path, &f.leader).await;
    assert_eq!(l["restricted_to"], json!([f.union_a]));
    assert_eq!(l["reach"]["participants"], 8);
    assert_eq!(l["reach"]["union"].as_array().unwrap().len(), 1);
    // 10 nominated, 8 selected: the 2 others would be given away.
    assert_eq!(funnel(&l)[0], Value::Null);
    assert_eq!(funnel(&l)[1], 8);
    // Their own union's dashboard; another's is 404.
    let own = get(
        &app,
        &format!("/api/v1/organisations/{}/dashboard", f.union_a),
        &f.leader,
    )
    .await;
    assert_eq!(own["reach"]["participants"], 8);
    assert_eq!(own["results"]["by_union"][0]["trainings_run"], 4);
    for path in [
        format!("/api/v1/organisations/{}/dashboard", f.union_b),
        format!("/api/v1/organisations/{}/dashboard.csv", f.union_b),
    ] {
        assert_problem(
            send(&app, Method::GET, &path, &f.leader, None).await,
            404,
            "not_found",
        )
        .await;
    }
    // Coordinators read any union's.
    let b = get(
        &app,
        &format!("/api/v1/organisations/{}/dashboard", f.union_b),
        &f.coordinator,
    )
    .await;
    assert_eq!(b["reach"]["participants"], Value::Null);
    // A member reads none.
    for path in [
        format!("/api/v1/cohorts/{}/dashboard", f.cohort),
        format!("/api/v1/courses/{}/dashboard", f.course),
        format!("/api/v1/organisations/{}/dashboard", f.union_a),
        format!("/api/v1/cohorts/{}/dashboard.csv", f.cohort),
    ] {
        assert_problem(
            send(&app, Method::GET, &path, &f.member, None).await,
            404,
            "not_found",
        )
        .await;
    }
    assert_problem(
        send(
            &app,
            Method::GET,
            "/api/v1/cohorts/999999/dashboard",
            &f.coordinator,
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_course_dashboard_shows_where_learners_stop() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let path = format!("/api/v1/courses/{}/dashboard", f.course);
    let a = get(&app, &path, &f.admin).await;
    assert_eq!(a["kind"], "course");
    assert_eq!(a["reach"]["participants"], 11);
    assert_eq!(funnel(&a), [json!(11), json!(8), json!(6), json!(0)]);
    let lessons = a["lessons"].as_array().unwrap();
    assert_eq!(lessons.len(), 3);
    assert_eq!(lessons[0]["lesson_id"], f.lessons[0]);
    let completed: Vec<Value> = lessons.iter().map(|l| l["completed"].clone()).collect();
    assert_eq!(completed, [json!(8), json!(7), json!(6)]);
    let stopped: Vec<Value> = lessons.iter().map(|l| l["stopped_here"].clone()).collect();
    assert_eq!(stopped, [json!(1), json!(1), json!(0)]);
    let c = get(&app, &path, &f.coordinator).await;
    let lessons = c["lessons"].as_array().unwrap();
    let completed: Vec<Value> = lessons.iter().map(|l| l["completed"].clone()).collect();
    assert_eq!(completed, [Value::Null, Value::Null, json!(6)]);
    assert!(lessons.iter().all(|l| l["stopped_here"].is_null()));
}

async fn programme(app: &TestApp, f: &Fixture) -> i64 {
    let body = json!({
        "name": "Asia-Pacific union education",
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "targets": {"participants": 10, "women_percent": 50, "under_35_percent": 70,
                    "countries": 2, "completion_percent": 60},
    });
    let p = ok(
        send(
            app,
            Method::POST,
            "/api/v1/programmes",
            &f.coordinator,
            Some(body),
        )
        .await,
        201,
    )
    .await;
    let id = p["id"].as_i64().unwrap();
    ok(
        send(
            app,
            Method::PUT,
            &format!("/api/v1/programmes/{id}/cohorts/{}", f.cohort),
            &f.coordinator,
            None,
        )
        .await,
        200,
    )
    .await;
    ok(
        send(
            app,
            Method::PUT,
            &format!("/api/v1/programmes/{id}/courses/{}", f.course),
            &f.coordinator,
            None,
        )
        .await,
        200,
    )
    .await;
    id
}

#[tokio::test]
async fn a_programme_dashboard_measures_against_its_targets() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let id = programme(&app, &f).await;
    let path = format!("/api/v1/programmes/{id}/dashboard");
    let c = get(&app, &path, &f.coordinator).await;
    assert_eq!(c["kind"], "programme");
    assert_eq!(c["reach"]["participants"], 11);
    let targets: Vec<(Value, Value, Value)> = c["reach"]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["figure"].clone(), t["actual"].clone(), t["met"].clone()))
        .collect();
    assert_eq!(
        targets,
        [
            (json!("participants"), json!(11.0), json!(true)),
            (json!("women_percent"), json!(54.5), json!(true)),
            (json!("under_35_percent"), Value::Null, Value::Null),
            (json!("countries"), json!(2.0), json!(true)),
            (json!("completion_percent"), json!(54.5), json!(false)),
        ]
    );
    let a = get(&app, &path, &f.admin).await;
    assert_eq!(a["reach"]["targets"][2]["actual"], 63.6);
    assert_eq!(a["reach"]["targets"][2]["met"], false);
    assert_eq!(
        funnel(&a),
        funnel(
            &get(
                &app,
                &format!("/api/v1/cohorts/{}/dashboard", f.cohort),
                &f.admin
            )
            .await
        )
    );
    // Leaders read it for their own union.
    let l = get(&app, &path, &f.leader).await;
    assert_eq!(l["reach"]["participants"], 8);
    assert_problem(
        send(&app, Method::GET, &path, &f.member, None).await,
        404,
        "not_found",
    )
    .await;
}

fn parse_csv(text: &str) -> Vec<Vec<String>> {
    assert!(text.contains("\r\n"), "CRLF line ends");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

async fn csv_of(app: &TestApp, path: &str, by: &TestUser) -> Vec<Vec<String>> {
    let res = send(app, Method::GET, path, by, None).await;
    assert_eq!(res.status().as_u16(), 200, "{path}");
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    parse_csv(&res.text().await.unwrap())
}

#[tokio::test]
async fn dashboards_and_participants_as_csv_parse_and_neutralise_formulas() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let rows = csv_of(
        &app,
        &format!("/api/v1/cohorts/{}/dashboard.csv", f.cohort),
        &f.admin,
    )
    .await;
    assert_eq!(
        rows[0],
        ["section", "key", "name", "measure", "value", "target"]
    );
    let find = |section: &str, key: &str, measure: &str| -> String {
        rows.iter()
            .find(|r| r[0] == section && r[1] == key && r[3] == measure)
            .unwrap_or_else(|| panic!("no {section}/{key}/{measure}"))[4]
            .clone()
    };
    assert_eq!(find("reach", "", "participants"), "11");
    assert_eq!(find("country", "ID", "participants"), "3");
    assert_eq!(find("funnel", "followed_up", "participants"), "5");
    assert_eq!(find("behaviour", "", "check_in_percent"), "83.3");
    let hostile = rows
        .iter()
        .find(|r| r[0] == "union" && r[1] == f.union_b.to_string())
        .unwrap();
    assert_eq!(hostile[2], format!("'{HOSTILE}"));
    assert!(
        rows.iter()
            .flatten()
            .all(|c| !c.starts_with(['=', '+', '@']))
    );
    // A coordinator's CSV withholds as the JSON does.
    let rows = csv_of(
        &app,
        &format!("/api/v1/cohorts/{}/dashboard.csv", f.cohort),
        &f.coordinator,
    )
    .await;
    let id = rows
        .iter()
        .find(|r| r[0] == "country" && r[1] == "ID")
        .unwrap();
    assert_eq!(id[4], "");

    // The participant export: one row per participant, names only for admins.
    let id = programme(&app, &f).await;
    let path = format!("/api/v1/programmes/{id}/participants.csv");
    let rows = csv_of(&app, &path, &f.coordinator).await;
    assert_eq!(rows[0].len(), 11);
    assert_eq!(rows.len(), 12);
    let b1 = rows.iter().find(|r| r[1] == f.union_b.to_string()).unwrap();
    assert_eq!(b1[2], format!("'{HOSTILE}"));
    assert_eq!(b1[3], "ID");
    assert_eq!(b1[5], "under_25");
    let stages: Vec<&str> = rows[1..].iter().map(|r| r[6].as_str()).collect();
    assert_eq!(stages.iter().filter(|s| **s == "followed_up").count(), 5);
    assert_eq!(stages.iter().filter(|s| **s == "certified").count(), 1);
    assert_eq!(stages.iter().filter(|s| **s == "started").count(), 2);
    assert_eq!(stages.iter().filter(|s| **s == "selected").count(), 3);
    let rows = csv_of(&app, &path, &f.admin).await;
    assert_eq!(rows[0].len(), 13);
    assert_eq!(rows[0][12], "email");
    assert_problem(
        send(&app, Method::GET, &path, &f.leader, None).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        send(&app, Method::GET, &path, &f.member, None).await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn the_demo_programme_shows_every_level() {
    let app = spawn_app().await;
    app.seed_demo();
    app.seed_demo();
    let admin = app.user("admin").await;
    let list = get(&app, "/api/v1/programmes", &admin).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "seeded once: {list}");
    let p = &items[0];
    assert!(!p["cohort_ids"].as_array().unwrap().is_empty());
    assert_eq!(p["targets"]["women_percent"], 50);
    let d = get(
        &app,
        &format!("/api/v1/programmes/{}/dashboard", p["id"]),
        &admin,
    )
    .await;
    assert!(d["reach"]["participants"].as_i64().unwrap() > 0, "{d}");
    assert!(d["reaction"]["surveys"].as_i64().unwrap() > 0, "{d}");
    assert!(d["behaviour"]["action_plans"].as_i64().unwrap() > 0, "{d}");
    assert_eq!(d["reach"]["targets"].as_array().unwrap().len(), 5);
}

/// Parses `text` as XML (an SVG, or the report, which is also well-formed XML).
fn xml(text: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, options)
        .unwrap_or_else(|e| panic!("not XML ({e}): {}", &text[..text.len().min(300)]))
}

#[tokio::test]
async fn dashboards_are_charts_and_a_programme_a_printable_report() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let id = programme(&app, &f).await;
    let svg = format!("/api/v1/programmes/{id}/dashboard.svg");
    for chart in [
        "funnel",
        "levels",
        "targets",
        "countries",
        "gender",
        "age_bands",
        "unions",
        "sectors",
    ] {
        let res = send(
            &app,
            Method::GET,
            &format!("{svg}?chart={chart}"),
            &f.coordinator,
            None,
        )
        .await;
        assert_eq!(res.status().as_u16(), 200, "{chart}");
        assert_eq!(
            res.headers()["content-type"],
            "image/svg+xml; charset=utf-8"
        );
        let text = res.text().await.unwrap();
        let doc = xml(&text);
        assert_eq!(doc.root_element().tag_name().name(), "svg", "{chart}");
        assert!(
            !text.contains("NaN") && !text.contains("inf"),
            "{chart}: {text}"
        );
    }
    // The default is the funnel; a coordinator's chart shows withheld cells as withheld
    // (the under-35 share is withheld for them, shown to admins).
    let res = send(&app, Method::GET, &svg, &f.coordinator, None).await;
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert!(res.text().await.unwrap().contains("funnel"));
    let res = app
        .authed(Method::GET, &svg, &f.coordinator.token)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 304);
    let targets = |who: &TestUser| {
        let path = format!("{svg}?chart=targets");
        let app = &app;
        let token = who.token.clone();
        async move {
            app.authed(Method::GET, &path, &token)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    assert!(targets(&f.coordinator).await.contains("withheld"));
    assert!(!targets(&f.admin).await.contains("withheld"));
    assert_problem(
        send(
            &app,
            Method::GET,
            &format!("{svg}?chart=pie"),
            &f.coordinator,
            None,
        )
        .await,
        400,
        "invalid_query",
    )
    .await;
    assert_problem(
        send(&app, Method::GET, &svg, &f.member, None).await,
        404,
        "not_found",
    )
    .await;
    let cohort_svg = format!("/api/v1/cohorts/{}/dashboard.svg?chart=levels", f.cohort);
    let res = send(&app, Method::GET, &cohort_svg, &f.coordinator, None).await;
    assert_eq!(res.status().as_u16(), 200);
    xml(&res.text().await.unwrap());

    // The report: one HTML page with its own policy, its charts inline and its tables.
    let report = format!("/api/v1/programmes/{id}/report");
    let res = send(&app, Method::GET, &report, &f.coordinator, None).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    let text = res.text().await.unwrap();
    let doc = xml(&text);
    let svgs = doc.descendants().filter(|n| n.has_tag_name("svg")).count();
    assert_eq!(svgs, 7, "five reach charts, the funnel and the levels");
    assert!(
        doc.descendants()
            .filter(|n| n.has_tag_name("table"))
            .count()
            >= 5
    );
    assert!(text.contains("Evaluation report"));
    assert!(!text.contains("<script"));
    assert_problem(
        send(&app, Method::GET, &report, &f.member, None).await,
        404,
        "not_found",
    )
    .await;
}

fn counts(d: &Value) -> Vec<i64> {
    funnel(d).iter().map(|c| c.as_i64().unwrap()).collect()
}

#[tokio::test]
async fn the_funnel_nests_when_a_participant_is_certified_without_lesson_progress() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    // B2 has no lesson done and no completed enrolment, but a certificate (as an import
    // of attendance, or a seed, may leave it).
    {
        let mut conn = app.db.conn().unwrap();
        diesel::insert_into(certificates::table)
            .values((
                certificates::code.eq(format!("CERT-{}", uuid::Uuid::new_v4().simple())),
                certificates::user_id.eq(f.participants[9]),
                certificates::holder_name.eq("Someone"),
                certificates::course_title.eq("A cohort"),
                certificates::language.eq("en"),
                certificates::issued_at.eq(at("2026-03-01 09:00:00")),
                certificates::cohort_id.eq(Some(f.cohort)),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
    let path = format!("/api/v1/cohorts/{}/dashboard", f.cohort);
    let d = get(&app, &path, &f.admin).await;
    let stages: Vec<Value> = d["funnel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].clone())
        .collect();
    assert_eq!(
        stages,
        [
            "nominated",
            "selected",
            "started",
            "completed",
            "certified",
            "followed_up"
        ]
        .map(Value::from)
    );
    // Nominated 13, selected 11; B2 counts as started and completed as well as certified.
    assert_eq!(counts(&d), [13, 11, 9, 7, 7, 5]);
    assert!(counts(&d).windows(2).all(|w| w[0] >= w[1]), "{d}");
    assert_eq!(d["reach"]["completion_percent"], 63.6);
    // The programme's funnel (the cohort and its course) nests the same way.
    let id = programme(&app, &f).await;
    let p = get(
        &app,
        &format!("/api/v1/programmes/{id}/dashboard"),
        &f.admin,
    )
    .await;
    assert_eq!(counts(&p), [13, 11, 9, 7, 7, 5]);
}

#[tokio::test]
async fn a_programmes_level_4_counts_only_the_reports_of_its_quarters() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    {
        // Before the programme (2026-01-01 to 2028-12-31): the last quarter of 2025.
        let mut conn = app.db.conn().unwrap();
        diesel::insert_into(indicator_reports::table)
            .values((
                indicator_reports::organisation_id.eq(f.union_a),
                indicator_reports::year.eq(2025),
                indicator_reports::quarter.eq(4),
                indicator_reports::members_recruited.eq(1000),
                indicator_reports::agreements_signed.eq(0),
                indicator_reports::agreements_improved.eq(0),
                indicator_reports::policies_adopted.eq(0),
                indicator_reports::trainings_run.eq(0),
                indicator_reports::attribution_note.eq(""),
                indicator_reports::created_at.eq(at("2026-01-05 09:00:00")),
                indicator_reports::updated_at.eq(at("2026-01-05 09:00:00")),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
    let id = programme(&app, &f).await;
    let p = get(
        &app,
        &format!("/api/v1/programmes/{id}/dashboard"),
        &f.coordinator,
    )
    .await;
    let by_union = p["results"]["by_union"].as_array().unwrap();
    assert_eq!(by_union.len(), 1, "{p}");
    assert_eq!(by_union[0]["key"], f.union_a.to_string());
    assert_eq!(by_union[0]["reports"], 1);
    assert_eq!(by_union[0]["members_recruited"], 40);
    assert_eq!(p["results"]["by_country"][0]["key"], "PH");
    assert_eq!(p["results"]["by_country"][0]["members_recruited"], 40);
    // A cohort has no window of its own: every report of its unions.
    let c = get(
        &app,
        &format!("/api/v1/cohorts/{}/dashboard", f.cohort),
        &f.coordinator,
    )
    .await;
    assert_eq!(c["results"]["by_union"][0]["reports"], 2);
    assert_eq!(c["results"]["by_union"][0]["members_recruited"], 1040);
}

#[tokio::test]
async fn the_check_in_response_rate_divides_due_check_ins_reported_by_due_check_ins() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let path = format!("/api/v1/cohorts/{}/dashboard", f.cohort);
    // The cohort ended on 2026-03-01: the three default rounds (30, 90 and 180 days on)
    // are due for the six plans, 18 check-ins; A1-A5 reported round 1: 5 / 18.
    let d = get(&app, &path, &f.admin).await;
    assert_eq!(d["behaviour"]["check_in_response_rate_percent"], 27.8);
    assert_eq!(d["behaviour"]["check_in_percent"], 83.3);
    // A cohort ending far ahead has nothing due: null, not 0 (nor NaN).
    {
        let mut conn = app.db.conn().unwrap();
        diesel::update(cohorts::table.find(f.cohort))
            .set((
                cohorts::starts_on.eq(day("2099-01-01")),
                cohorts::ends_on.eq(day("2099-02-01")),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
    let d = get(&app, &path, &f.admin).await;
    assert_eq!(
        d["behaviour"]["check_in_response_rate_percent"],
        Value::Null,
        "{d}"
    );
    assert_eq!(d["behaviour"]["check_in_percent"], 83.3);
    let svg = app
        .authed(
            Method::GET,
            &format!("/api/v1/cohorts/{}/dashboard.svg?chart=levels", f.cohort),
            &f.admin.token,
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!svg.contains("NaN"), "{svg}");
}

#[tokio::test]
async fn charts_and_the_report_are_in_the_readers_language() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let id = programme(&app, &f).await;
    let svg = format!("/api/v1/programmes/{id}/dashboard.svg");
    let res = send(
        &app,
        Method::GET,
        &format!("{svg}?lang=fil"),
        &f.coordinator,
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-language"], "fil");
    assert_eq!(res.headers()["vary"], "Accept-Language");
    let fil_tag = res.headers()["etag"].to_str().unwrap().to_owned();
    let text = res.text().await.unwrap();
    xml(&text);
    assert!(text.contains("daloy ng paglahok"), "{text}");
    assert!(text.contains("Hinirang"), "{text}");
    assert!(!text.contains("Nominated"), "{text}");
    // Accept-Language, and the fallback to English for a language without a catalogue.
    let res = app
        .authed(Method::GET, &svg, &f.coordinator.token)
        .header("Accept-Language", "id, en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-language"], "id");
    assert!(res.text().await.unwrap().contains("Dinominasikan"));
    let res = send(
        &app,
        Method::GET,
        &format!("{svg}?lang=de"),
        &f.coordinator,
        None,
    )
    .await;
    assert_eq!(res.headers()["content-language"], "en");
    let en_tag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(en_tag, fil_tag, "one tag per language");
    assert!(res.text().await.unwrap().contains("Nominated"));
    // A 304 for the tag of its language, with the same Vary.
    let res = app
        .authed(
            Method::GET,
            &format!("{svg}?lang=fil"),
            &f.coordinator.token,
        )
        .header("If-None-Match", &fil_tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 304);
    assert_eq!(res.headers()["vary"], "Accept-Language");
    // The report too (Tetum), its page's lang named.
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/programmes/{id}/report?lang=tet"),
        &f.coordinator,
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-language"], "tet");
    let text = res.text().await.unwrap();
    let doc = xml(&text);
    assert_eq!(doc.root_element().attribute("lang"), Some("tet"));
    assert!(text.contains("Relatóriu avaliasaun"), "{text}");
    assert_problem(
        send(
            &app,
            Method::GET,
            &format!("{svg}?lang=!!"),
            &f.coordinator,
            None,
        )
        .await,
        400,
        "invalid_query",
    )
    .await;
}

#[tokio::test]
async fn a_dashboards_tag_is_made_of_stored_numbers_and_the_same_in_every_instance() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let path = format!("/api/v1/cohorts/{}/dashboard", f.cohort);
    let tag_of = |base: String| {
        let app = &app;
        let token = f.coordinator.token.clone();
        let path = path.clone();
        async move {
            let res = app
                .client
                .get(format!("{base}{path}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 200);
            res.headers()["etag"].to_str().unwrap().to_owned()
        }
    };
    let first = tag_of(app.address.clone()).await;
    assert!(
        first.starts_with(&format!("\"dashboard-cohort-{}-v", f.cohort)),
        "{first}"
    );
    // Another instance over the same database (its own memory) gives the same tag.
    assert_eq!(tag_of(app.second_instance()).await, first);
    // A change of a figure gives another.
    {
        let mut conn = app.db.conn().unwrap();
        diesel::update(nominations::table.filter(nominations::nominee_id.eq(f.participants[10])))
            .set(nominations::status.eq("rejected"))
            .execute(&mut *conn)
            .unwrap();
    }
    assert_ne!(tag_of(app.address.clone()).await, first);
}

/// PostgreSQL: two transactions writing to two cohorts of one programme in opposite orders
/// (A: cohort 1 then 2; B: cohort 2 then 1) both commit. Under the first stamp triggers each
/// held its first cohort's counter until commit and waited for the other's: a deadlock.
#[tokio::test]
async fn interleaved_writes_to_two_cohorts_both_commit() {
    use std::sync::{Arc, Barrier};
    let app = spawn_app().await;
    if !matches!(app.db.url(), bayanihan::db::DatabaseUrl::Postgres(_)) {
        // SQLite runs one writer at a time: there is nothing to interleave.
        return;
    }
    let f = fixture(&app).await;
    let id = programme(&app, &f).await;
    let second: i64 = {
        let mut conn = app.db.conn().unwrap();
        let conn = &mut *conn;
        let now = at("2026-01-05 09:00:00");
        let second: i64 = diesel::insert_into(cohorts::table)
            .values((
                cohorts::kind.eq("training"),
                cohorts::status.eq("running"),
                cohorts::default_language.eq("en"),
                cohorts::starts_on.eq(day("2026-04-01")),
                cohorts::ends_on.eq(day("2026-05-01")),
                cohorts::time_zone.eq("Asia/Manila"),
                cohorts::delivery_language.eq("en"),
                cohorts::interpretation_languages.eq(""),
                cohorts::capacity.eq(30),
                cohorts::region.eq("asia_pacific"),
                cohorts::created_at.eq(now),
                cohorts::updated_at.eq(now),
            ))
            .returning(cohorts::id)
            .get_result(conn)
            .unwrap();
        for p in &f.participants[..2] {
            diesel::insert_into(nominations::table)
                .values((
                    nominations::cohort_id.eq(second),
                    nominations::nominee_id.eq(*p),
                    nominations::organisation_id.eq(f.union_a),
                    nominations::origin.eq("leader"),
                    nominations::status.eq("accepted"),
                    nominations::statement.eq("Fits the profile."),
                    nominations::profile_read_at.eq(now),
                    nominations::created_at.eq(now),
                    nominations::updated_at.eq(now),
                ))
                .execute(conn)
                .unwrap();
        }
        second
    };
    ok(
        send(
            &app,
            Method::PUT,
            &format!("/api/v1/programmes/{id}/cohorts/{second}"),
            &f.coordinator,
            None,
        )
        .await,
        200,
    )
    .await;
    let dashboard = format!("/api/v1/programmes/{id}/dashboard");
    let res = send(&app, Method::GET, &dashboard, &f.admin, None).await;
    let before_tag = res.headers()["etag"].to_str().unwrap().to_owned();
    let before: Value = res.json().await.unwrap();
    // Each transaction rewrites one nomination in each cohort, its own rows only.
    let nomination = |cohort: i64, person: i64| -> i64 {
        let mut conn = app.db.conn().unwrap();
        nominations::table
            .filter(nominations::cohort_id.eq(cohort))
            .filter(nominations::nominee_id.eq(person))
            .select(nominations::id)
            .first(&mut *conn)
            .unwrap()
    };
    let a = [
        nomination(f.cohort, f.participants[0]),
        nomination(second, f.participants[0]),
    ];
    let b = [
        nomination(second, f.participants[1]),
        nomination(f.cohort, f.participants[1]),
    ];
    let barrier = Arc::new(Barrier::new(2));
    let run = |ids: [i64; 2], who: &'static str| {
        let db = app.db.clone();
        let barrier = barrier.clone();
        std::thread::spawn(move || -> Result<(), String> {
            let mut conn = db.conn().map_err(|e| e.to_string())?;
            conn.transaction::<_, diesel::result::Error, _>(|conn| {
                diesel::update(nominations::table.find(ids[0]))
                    .set(nominations::statement.eq(who))
                    .execute(conn)?;
                // Both hold their first write before either makes its second.
                barrier.wait();
                diesel::update(nominations::table.find(ids[1]))
                    .set(nominations::statement.eq(who))
                    .execute(conn)?;
                Ok(())
            })
            .map_err(|e| format!("{who}: {e}"))
        })
    };
    let (ta, tb) = (run(a, "A"), run(b, "B"));
    assert_eq!(ta.join().unwrap(), Ok(()));
    assert_eq!(tb.join().unwrap(), Ok(()));
    // Both committed, and the counters they bumped moved the dashboard's tag.
    let mut conn = app.db.conn().unwrap();
    let statements: Vec<String> = nominations::table
        .filter(nominations::id.eq_any([a[0], a[1], b[0], b[1]]))
        .order(nominations::id.asc())
        .select(nominations::statement)
        .load(&mut *conn)
        .unwrap();
    assert_eq!(statements.iter().filter(|s| *s == "A").count(), 2);
    assert_eq!(statements.iter().filter(|s| *s == "B").count(), 2);
    drop(conn);
    let res = send(&app, Method::GET, &dashboard, &f.admin, None).await;
    assert_ne!(res.headers()["etag"].to_str().unwrap(), before_tag);
    let after: Value = res.json().await.unwrap();
    assert_eq!(after["funnel"], before["funnel"]);
}
