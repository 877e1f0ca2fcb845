//! Enrolments, progress and certificates for the demo accounts and the synthetic members.
//! Runs after the courses are seeded; with no published self-paced course it adds nothing.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::db::schema::users;
use crate::db::{Db, DbConn, now, write_transaction};
use crate::error::ApiError;
use crate::http::language::Preferences;
use crate::learning::model::{LessonRef, NewCertificate, NewCompletion, NewEnrolment};
use crate::learning::{repo, service};
use crate::types::{CourseId, EnrolmentId, LessonId, UserId};

/// What a learning seed run added.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LearningReport {
    pub enrolments: usize,
    pub completions: usize,
    pub certificates: usize,
}

/// Prefix of the synthetic courses' slugs (see `seed::courses`), left out of the demo.
const SCALE_PREFIX: &str = "scale-course-";
/// Domain of the synthetic accounts (see `seed::scale`).
const SYNTHETIC_DOMAIN: &str = "@scale.bayanihan.test";

/// The demo member and leader enrol in published self-paced demo courses: the member
/// completes the first (and gets its certificate) and is halfway through the second; the
/// leader has started the first. Enrolments already there are left alone.
pub fn demo(db: &Db) -> anyhow::Result<LearningReport> {
    let mut conn = db.conn()?;
    let report = write_transaction(&mut conn, demo_learning)?;
    tracing::info!(
        enrolments.added = report.enrolments,
        completions.added = report.completions,
        certificates.added = report.certificates,
        "demo learning seeded"
    );
    Ok(report)
}

fn user_id(conn: &mut DbConn, email: &str) -> Result<Option<UserId>, ApiError> {
    Ok(users::table
        .filter(users::email_normalized.eq(email))
        .select(users::id)
        .first(conn)
        .optional()?)
}

fn demo_learning(conn: &mut DbConn) -> Result<LearningReport, ApiError> {
    let mut report = LearningReport::default();
    let mut open: Vec<CourseId> = Vec::new();
    let ids = repo::open_course_ids(conn)?;
    for c in repo::course_states(conn, &ids)? {
        if !c.slug.starts_with(SCALE_PREFIX) {
            open.push(c.id);
        }
    }
    open.sort_unstable();
    if open.is_empty() {
        return Ok(report);
    }
    let member = user_id(conn, "member@demo.bayanihan.org")?;
    let leader = user_id(conn, "leader@demo.bayanihan.org")?;
    // (user, course index, share of lessons done in percent)
    let mut plan: Vec<(UserId, usize, usize)> = Vec::new();
    if let Some(member) = member {
        plan.extend([(member, 0, 100), (member, 1, 50)]);
    }
    if let Some(leader) = leader {
        plan.push((leader, 0, 30));
    }
    let start = now() - TimeDelta::days(21);
    for (user, index, share) in plan {
        let Some(&course_id) = open.get(index) else {
            continue;
        };
        if repo::find_enrolment(conn, course_id, user, false)?.is_some() {
            continue;
        }
        // As the learner does it through the API: enrol, then mark lessons done (the
        // service settles completion and the certificate).
        let enrolment = service::enrol(conn, user, course_id)?;
        report.enrolments += 1;
        let lessons = repo::course_lessons(conn, course_id)?;
        let take = (lessons.len() * share).div_ceil(100);
        let mut done = Vec::with_capacity(take);
        for (k, lesson) in lessons.iter().take(take).enumerate() {
            service::complete(conn, user, lesson.id)?;
            let hours = i64::try_from(k).unwrap_or(0) * 20 + 2;
            done.push((lesson.id, start + TimeDelta::hours(hours)));
            report.completions += 1;
        }
        if repo::find_certificate(conn, user, course_id)?.is_some() {
            report.certificates += 1;
        }
        backdate(conn, enrolment.id, user, course_id, start, &done)?;
    }
    Ok(report)
}

/// Moves a demo enrolment and its completions back to when the demo says they happened
/// (the service stamps "now"): the one write here without a service, timestamps only.
fn backdate(
    conn: &mut DbConn,
    enrolment: EnrolmentId,
    user: UserId,
    course: CourseId,
    start: NaiveDateTime,
    done: &[(LessonId, NaiveDateTime)],
) -> Result<(), ApiError> {
    use crate::db::schema::{certificates, enrolments, lesson_completions};
    for &(lesson, at) in done {
        diesel::update(
            lesson_completions::table
                .filter(lesson_completions::user_id.eq(user))
                .filter(lesson_completions::lesson_id.eq(lesson)),
        )
        .set(lesson_completions::completed_at.eq(at))
        .execute(conn)?;
    }
    let last = done.iter().map(|(_, at)| *at).max().unwrap_or(start);
    diesel::update(enrolments::table.find(enrolment))
        .set((
            enrolments::created_at.eq(start),
            enrolments::updated_at.eq(last),
        ))
        .execute(conn)?;
    diesel::update(
        enrolments::table
            .find(enrolment)
            .filter(enrolments::completed_at.is_not_null()),
    )
    .set(enrolments::completed_at.eq(last))
    .execute(conn)?;
    diesel::update(
        certificates::table
            .filter(certificates::user_id.eq(user))
            .filter(certificates::course_id.eq(course)),
    )
    .set(certificates::issued_at.eq(last))
    .execute(conn)?;
    Ok(())
}

/// Enrolments and completions for the first `n` synthetic members over the published
/// self-paced courses: two enrolments each with ten lessons done, and every tenth member
/// has completed one course outright (with its certificate). About 23 completions per
/// member (230,000 for `n = 10,000`), in one transaction with multi-row inserts.
pub fn scale(db: &Db, n: usize) -> anyhow::Result<LearningReport> {
    let mut conn = db.conn()?;
    let report = write_transaction(&mut conn, |conn| scale_learning(conn, n))?;
    tracing::info!(
        enrolments.added = report.enrolments,
        completions.added = report.completions,
        certificates.added = report.certificates,
        "scale learning seeded"
    );
    Ok(report)
}

fn scale_learning(conn: &mut DbConn, n: usize) -> Result<LearningReport, ApiError> {
    let mut report = LearningReport::default();
    let course_ids = repo::open_course_ids(conn)?;
    if course_ids.is_empty() || n == 0 {
        return Ok(report);
    }
    let mut lessons: HashMap<CourseId, Vec<LessonRef>> = HashMap::new();
    for chunk in course_ids.chunks(500) {
        for (course_id, lesson) in repo::lessons_of_courses(conn, chunk)? {
            lessons.entry(course_id).or_default().push(lesson);
        }
    }
    let courses: Vec<CourseId> = course_ids
        .into_iter()
        .filter(|c| lessons.contains_key(c))
        .collect();
    if courses.is_empty() {
        return Ok(report);
    }
    let members: Vec<(UserId, String)> = users::table
        .filter(users::email_normalized.like(format!("%{SYNTHETIC_DOMAIN}")))
        .select((users::id, users::display_name))
        .order(users::id.asc())
        .limit(i64::try_from(n).unwrap_or(i64::MAX))
        .load(conn)?;
    let member_ids: Vec<UserId> = members.iter().map(|(id, _)| *id).collect();
    let existing: HashSet<(CourseId, UserId)> = repo::enrolment_pairs_of(conn, &member_ids)?
        .into_iter()
        .collect();
    // Certificates carry the title in the course's default language (synthetic members
    // prefer English, and synthetic courses have it).
    let mut texts: HashMap<CourseId, Vec<(String, String)>> = HashMap::new();
    for chunk in courses.chunks(500) {
        for (course_id, language, title) in repo::course_titles(conn, chunk)? {
            texts.entry(course_id).or_default().push((language, title));
        }
    }
    let mut titles: HashMap<CourseId, (String, String)> = HashMap::new();
    let english = Preferences::only("en");
    for chunk in courses.chunks(500) {
        for c in repo::course_states(conn, chunk)? {
            let texts = texts.get(&c.id).map(Vec::as_slice).unwrap_or_default();
            titles.insert(c.id, service::course_title(&english, texts, &c));
        }
    }
    let base = now() - TimeDelta::days(120);
    let mut enrolments = Vec::new();
    let mut completions = Vec::new();
    let mut certificates = Vec::new();
    for (i, (user_id, name)) in members.iter().enumerate() {
        let first = courses[i % courses.len()];
        let second = courses[(i * 7 + 3) % courses.len()];
        let mut picks = vec![(first, i % 10 == 0)];
        if second != first {
            picks.push((second, false));
        }
        for (slot, (course_id, finish)) in picks.into_iter().enumerate() {
            if existing.contains(&(course_id, *user_id)) {
                continue;
            }
            let course_lessons = &lessons[&course_id];
            let enrolled =
                base + TimeDelta::hours(i64::try_from((i * 13 + slot * 5) % 1500).unwrap_or(0));
            let take = if finish { course_lessons.len() } else { 10 };
            let mut last: Option<NaiveDateTime> = None;
            for (k, lesson) in course_lessons.iter().take(take).enumerate() {
                let at = enrolled + TimeDelta::minutes(i64::try_from(k).unwrap_or(0) * 45 + 30);
                last = Some(at);
                completions.push(NewCompletion {
                    user_id: *user_id,
                    lesson_id: lesson.id,
                    course_id,
                    completed_at: at,
                });
            }
            let done: HashMap<LessonId, NaiveDateTime> = course_lessons
                .iter()
                .take(take)
                .map(|l| (l.id, enrolled))
                .collect();
            let complete = service::summarise(course_lessons, &done).complete;
            let completed_at = if complete { last } else { None };
            enrolments.push(NewEnrolment {
                course_id,
                user_id: *user_id,
                created_at: enrolled,
                updated_at: completed_at.unwrap_or(enrolled),
                completed_at,
            });
            if let Some(at) = completed_at {
                let (language, title) = titles[&course_id].clone();
                certificates.push(NewCertificate {
                    code: service::new_certificate_code(),
                    user_id: *user_id,
                    course_id: Some(course_id),
                    cohort_id: None,
                    holder_name: name.clone(),
                    course_title: title,
                    language,
                    issued_at: at,
                });
            }
        }
    }
    report.enrolments = repo::insert_enrolments_bulk(conn, &enrolments)?;
    report.completions = repo::insert_completions_bulk(conn, &completions)?;
    report.certificates = repo::insert_certificates_bulk(conn, &certificates)?;
    repo::refresh_all_enrolment_counts(conn)?;
    Ok(report)
}
