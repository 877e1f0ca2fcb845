//! Enrolment, progress and certificates: each change is one write transaction.

use std::collections::{BTreeSet, HashMap};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{NaiveDateTime, TimeDelta};
use rand::RngCore;

use crate::db::{Db, DbConn, now};
use crate::error::ApiError;
use crate::learning::dto::{
    CertificateResponse, CompletionResponse, CourseBrief, EnrolmentResponse, LessonProgress,
    ModuleProgress, NextLesson, ProgressResponse, SyncResult, SyncStatus,
};
use crate::learning::model::{
    ARCHIVED, Certificate, CourseState, Enrolment, LessonRef, NewCertificate, NewCompletion,
    NewEnrolment, PUBLISHED, SELF_PACED,
};
use crate::learning::repo;

/// How far ahead of the server's clock an offline completion may be dated.
pub const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);
/// Most completions in one batch.
pub const MAX_BATCH: usize = 500;

fn not_enrolled() -> ApiError {
    ApiError::forbidden("not_enrolled", "you are not enrolled in this course")
}

fn not_open() -> ApiError {
    ApiError::Conflict {
        code: "not_open",
        detail: "the course is archived and takes no new enrolments or progress".to_owned(),
    }
}

/// A course members can see: published or archived. Drafts answer 404 like unknown ones.
fn visible(course: Option<CourseState>) -> Result<CourseState, ApiError> {
    course
        .filter(|c| c.status == PUBLISHED || c.status == ARCHIVED)
        .ok_or(ApiError::NotFound)
}

/// A new verification code: 160 random bits, URL-safe (27 characters).
pub fn new_certificate_code() -> String {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Picks the text in the first wanted language (exactly, then by primary subtag), else in
/// the default language, else any. `texts` are (language, text).
pub fn pick<'a>(
    texts: &'a [(String, String)],
    wanted: &[String],
    default: &str,
) -> Option<&'a (String, String)> {
    for want in wanted {
        if let Some(t) = texts.iter().find(|(l, _)| l.eq_ignore_ascii_case(want)) {
            return Some(t);
        }
        let primary = want.split('-').next().unwrap_or(want);
        if let Some(t) = texts.iter().find(|(l, _)| {
            l.split('-')
                .next()
                .unwrap_or(l)
                .eq_ignore_ascii_case(primary)
        }) {
            return Some(t);
        }
    }
    texts
        .iter()
        .find(|(l, _)| l == default)
        .or_else(|| texts.first())
}

/// Groups (id, language, text) rows by id.
fn by_id(rows: Vec<(i64, String, String)>) -> HashMap<i64, Vec<(String, String)>> {
    let mut map: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for (id, lang, text) in rows {
        map.entry(id).or_default().push((lang, text));
    }
    for texts in map.values_mut() {
        texts.sort();
    }
    map
}

/// Counts of a learner's progress in a course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub required_total: u32,
    pub required_done: u32,
    pub lessons_total: u32,
    pub lessons_done: u32,
    /// Every required lesson is done (every lesson, when none is required; never for a
    /// course without lessons).
    pub complete: bool,
    /// When it became complete: the latest completion among the lessons that count.
    pub completed_at: Option<NaiveDateTime>,
    /// The first lesson not done, in outline order.
    pub next_lesson: Option<LessonRef>,
}

/// Sums up progress over a course's live lessons (in outline order).
pub fn summarise(lessons: &[LessonRef], done: &HashMap<i64, NaiveDateTime>) -> Summary {
    let required_total = lessons.iter().filter(|l| l.required).count();
    let required_done = lessons
        .iter()
        .filter(|l| l.required && done.contains_key(&l.id))
        .count();
    let lessons_done = lessons.iter().filter(|l| done.contains_key(&l.id)).count();
    let counted = |l: &&LessonRef| required_total == 0 || l.required;
    let complete = !lessons.is_empty()
        && lessons
            .iter()
            .filter(counted)
            .all(|l| done.contains_key(&l.id));
    let completed_at = if complete {
        lessons
            .iter()
            .filter(counted)
            .filter_map(|l| done.get(&l.id).copied())
            .max()
    } else {
        None
    };
    let as_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Summary {
        required_total: as_u32(required_total),
        required_done: as_u32(required_done),
        lessons_total: as_u32(lessons.len()),
        lessons_done: as_u32(lessons_done),
        complete,
        completed_at,
        next_lesson: lessons.iter().find(|l| !done.contains_key(&l.id)).copied(),
    }
}

/// After the learner's completions in a course changed: records when the course was
/// completed (or clears it when it no longer is) and issues the certificate once.
/// Returns when the course was completed, and the certificate when this call issued it.
pub fn settle(
    conn: &mut DbConn,
    course: &CourseState,
    enrolment: &Enrolment,
) -> Result<(Option<NaiveDateTime>, Option<Certificate>), ApiError> {
    let lessons = repo::course_lessons(conn, course.id)?;
    let done: HashMap<i64, NaiveDateTime> =
        repo::completions_of(conn, enrolment.user_id, course.id)?
            .into_iter()
            .collect();
    let summary = summarise(&lessons, &done);
    let at = now();
    match (summary.complete, enrolment.completed_at) {
        (true, Some(existing)) => {
            let issued = issue_certificate(conn, course, enrolment.user_id, existing)?;
            Ok((Some(existing), issued))
        }
        (true, None) => {
            let completed_at = summary.completed_at.unwrap_or(at);
            repo::set_enrolment_completed(conn, enrolment.id, Some(completed_at), at)?;
            let issued = issue_certificate(conn, course, enrolment.user_id, completed_at)?;
            Ok((Some(completed_at), issued))
        }
        (false, Some(_)) => {
            // Undone (or the course grew): no longer complete. A certificate already
            // issued stays valid; only a coordinator revokes.
            repo::set_enrolment_completed(conn, enrolment.id, None, at)?;
            Ok((None, None))
        }
        (false, None) => Ok((None, None)),
    }
}

/// Issues the learner's certificate for the course unless they have one (revoked or not).
fn issue_certificate(
    conn: &mut DbConn,
    course: &CourseState,
    user_id: i64,
    completed_at: NaiveDateTime,
) -> Result<Option<Certificate>, ApiError> {
    if repo::find_certificate(conn, user_id, course.id)?.is_some() {
        return Ok(None);
    }
    let (holder_name, preferred) = repo::holder(conn, user_id)?;
    let titles: Vec<(String, String)> = repo::course_titles(conn, &[course.id])?
        .into_iter()
        .map(|(_, lang, title)| (lang, title))
        .collect();
    let (language, course_title) = pick(&titles, &[preferred], &course.default_language)
        .cloned()
        .unwrap_or_else(|| (course.default_language.clone(), course.slug.clone()));
    let cert = repo::insert_certificate(
        conn,
        &NewCertificate {
            code: new_certificate_code(),
            user_id,
            course_id: course.id,
            holder_name,
            course_title,
            language,
            issued_at: completed_at,
        },
    )?;
    tracing::info!(
        user.id = user_id,
        course.id = course.id,
        "certificate issued"
    );
    Ok(Some(cert))
}

/// Enrols the caller in a published self-paced course; an ended enrolment is renewed.
pub async fn enrol(db: &Db, user_id: i64, course_id: i64) -> Result<Enrolment, ApiError> {
    db.write(move |conn| {
        let course = visible(repo::course_state(conn, course_id)?)?;
        if course.status == ARCHIVED {
            return Err(not_open());
        }
        if course.format != SELF_PACED {
            return Err(ApiError::Conflict {
                code: "enrolment_by_nomination",
                detail: "members join cohort and blended courses by nomination".to_owned(),
            });
        }
        repo::lock_course(conn, course_id)?;
        let existing = repo::find_enrolment(conn, course_id, user_id, true)?;
        if existing.as_ref().is_some_and(Enrolment::is_active) {
            return Err(ApiError::Conflict {
                code: "already_enrolled",
                detail: "you are enrolled in this course already".to_owned(),
            });
        }
        if let Some(capacity) = course.capacity
            && repo::count_active_enrolments(conn, course_id)? >= i64::from(capacity)
        {
            return Err(ApiError::Conflict {
                code: "course_full",
                detail: "the course has no free place".to_owned(),
            });
        }
        let at = now();
        let enrolment = match existing {
            Some(old) => {
                let revived = repo::revive_enrolment(conn, old.id, at)?;
                // Lessons done before unenrolling still count.
                settle(conn, &course, &revived)?;
                repo::find_enrolment(conn, course_id, user_id, false)?.unwrap_or(revived)
            }
            None => repo::insert_enrolment(
                conn,
                &NewEnrolment {
                    course_id,
                    user_id,
                    created_at: at,
                    updated_at: at,
                    completed_at: None,
                },
            )?,
        };
        repo::refresh_enrolment_count(conn, course_id)?;
        Ok(enrolment)
    })
    .await
}

/// Ends the caller's enrolment (kept as a tombstone); lessons done and certificates stay.
pub async fn unenrol(db: &Db, user_id: i64, course_id: i64) -> Result<(), ApiError> {
    db.write(move |conn| {
        repo::course_state(conn, course_id)?.ok_or(ApiError::NotFound)?;
        repo::lock_course(conn, course_id)?;
        let enrolment = repo::find_enrolment(conn, course_id, user_id, true)?
            .filter(Enrolment::is_active)
            .ok_or(ApiError::NotFound)?;
        repo::end_enrolment(conn, enrolment.id, now())?;
        repo::refresh_enrolment_count(conn, course_id)?;
        Ok(())
    })
    .await
}

/// The learner's lesson, checked: a live lesson of a visible course they are enrolled in.
fn enrolled_lesson(
    conn: &mut DbConn,
    user_id: i64,
    lesson_id: i64,
) -> Result<(CourseState, Enrolment), ApiError> {
    let course_id = repo::lesson_course(conn, lesson_id)?.ok_or(ApiError::NotFound)?;
    let course = visible(repo::course_state(conn, course_id)?)?;
    let enrolment = repo::find_enrolment(conn, course_id, user_id, true)?
        .filter(Enrolment::is_active)
        .ok_or_else(not_enrolled)?;
    if course.status == ARCHIVED {
        return Err(not_open());
    }
    Ok((course, enrolment))
}

/// Marks a lesson done; `true` when this call stored it (a repeat changes nothing).
pub async fn complete(
    db: &Db,
    user_id: i64,
    lesson_id: i64,
) -> Result<(CompletionResponse, bool), ApiError> {
    db.write(move |conn| {
        let (course, enrolment) = enrolled_lesson(conn, user_id, lesson_id)?;
        let (completion, created) = match repo::find_completion(conn, user_id, lesson_id)? {
            Some(c) => (c, false),
            None => (
                repo::insert_completion(
                    conn,
                    &NewCompletion {
                        user_id,
                        lesson_id,
                        course_id: course.id,
                        completed_at: now(),
                    },
                )?,
                true,
            ),
        };
        let (course_completed_at, _) = settle(conn, &course, &enrolment)?;
        let certificate = repo::find_certificate(conn, user_id, course.id)?;
        Ok((
            CompletionResponse {
                lesson_id,
                course_id: course.id,
                completed_at: completion.completed_at.and_utc(),
                course_completed_at: course_completed_at.map(|t| t.and_utc()),
                certificate: certificate.map(Into::into),
            },
            created,
        ))
    })
    .await
}

/// Undoes a lesson's completion (nothing to undo is fine). A certificate stays.
pub async fn uncomplete(db: &Db, user_id: i64, lesson_id: i64) -> Result<(), ApiError> {
    db.write(move |conn| {
        let (course, enrolment) = enrolled_lesson(conn, user_id, lesson_id)?;
        if repo::delete_completion(conn, user_id, lesson_id)? > 0 {
            settle(conn, &course, &enrolment)?;
        }
        Ok(())
    })
    .await
}

/// Applies completions made offline, with their own timestamps, all in one transaction.
pub async fn sync(
    db: &Db,
    user_id: i64,
    items: Vec<(i64, NaiveDateTime)>,
) -> Result<(Vec<SyncResult>, Vec<CertificateResponse>), ApiError> {
    db.write(move |conn| {
        let lesson_ids: Vec<i64> = items
            .iter()
            .map(|(id, _)| *id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let lesson_course: HashMap<i64, i64> = repo::lesson_courses(conn, &lesson_ids)?
            .into_iter()
            .collect();
        let course_ids: Vec<i64> = lesson_course
            .values()
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let courses: HashMap<i64, CourseState> = repo::course_states(conn, &course_ids)?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let mut enrolments: HashMap<i64, Enrolment> = HashMap::new();
        for &course_id in &course_ids {
            if let Some(e) =
                repo::find_enrolment(conn, course_id, user_id, true)?.filter(Enrolment::is_active)
            {
                enrolments.insert(course_id, e);
            }
        }
        let mut done: HashMap<i64, NaiveDateTime> =
            repo::completions_among(conn, user_id, &lesson_ids)?
                .into_iter()
                .collect();
        let latest = now() + CLOCK_SKEW;
        let mut results = Vec::with_capacity(items.len());
        let mut new_rows = Vec::new();
        let mut touched = BTreeSet::new();
        for (lesson_id, at) in items {
            let rejected = |code: &str| SyncResult {
                lesson_id,
                status: SyncStatus::Rejected,
                code: Some(code.to_owned()),
                completed_at: None,
            };
            let course = lesson_course.get(&lesson_id).and_then(|c| courses.get(c));
            let result = match course {
                None => rejected("unknown_lesson"),
                Some(c) if c.status != PUBLISHED && c.status != ARCHIVED => {
                    rejected("unknown_lesson")
                }
                Some(c) if !enrolments.contains_key(&c.id) => rejected("not_enrolled"),
                Some(c) if c.status == ARCHIVED => rejected("not_open"),
                Some(_) if at > latest => rejected("in_future"),
                Some(c) => match done.get(&lesson_id) {
                    Some(existing) => SyncResult {
                        lesson_id,
                        status: SyncStatus::AlreadyDone,
                        code: None,
                        completed_at: Some(existing.and_utc()),
                    },
                    None => {
                        done.insert(lesson_id, at);
                        touched.insert(c.id);
                        new_rows.push(NewCompletion {
                            user_id,
                            lesson_id,
                            course_id: c.id,
                            completed_at: at,
                        });
                        SyncResult {
                            lesson_id,
                            status: SyncStatus::Applied,
                            code: None,
                            completed_at: Some(at.and_utc()),
                        }
                    }
                },
            };
            results.push(result);
        }
        for row in &new_rows {
            repo::insert_completion(conn, row)?;
        }
        let mut issued = Vec::new();
        for course_id in touched {
            if let (Some(course), Some(enrolment)) =
                (courses.get(&course_id), enrolments.get(&course_id))
                && let (_, Some(cert)) = settle(conn, course, enrolment)?
            {
                issued.push(cert.into());
            }
        }
        Ok((results, issued))
    })
    .await
}

/// A learner's progress in a course. `own` says the caller asks about themselves: then
/// a missing enrolment is 403 `not_enrolled`, else 404.
pub async fn progress(
    db: &Db,
    user_id: i64,
    course_id: i64,
    mut wanted: Vec<String>,
    own: bool,
) -> Result<ProgressResponse, ApiError> {
    db.read(move |conn| {
        let course = visible(repo::course_state(conn, course_id)?)?;
        let enrolment = repo::find_enrolment(conn, course_id, user_id, false)?
            .filter(Enrolment::is_active)
            .ok_or_else(|| {
                if own {
                    not_enrolled()
                } else {
                    ApiError::NotFound
                }
            })?;
        if wanted.is_empty() {
            wanted.push(repo::holder(conn, user_id)?.1);
        }
        let lessons = repo::course_lessons(conn, course_id)?;
        let done: HashMap<i64, NaiveDateTime> = repo::completions_of(conn, user_id, course_id)?
            .into_iter()
            .collect();
        let summary = summarise(&lessons, &done);
        let lesson_ids: Vec<i64> = lessons.iter().map(|l| l.id).collect();
        let module_ids: Vec<i64> = lessons
            .iter()
            .map(|l| l.module_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let module_titles = by_id(repo::module_titles(conn, &module_ids)?);
        let lesson_titles = by_id(repo::lesson_titles(conn, &lesson_ids)?);
        let kinds: HashMap<i64, String> =
            repo::lesson_kinds(conn, &lesson_ids)?.into_iter().collect();
        let title_of = |titles: &HashMap<i64, Vec<(String, String)>>, id: i64| {
            titles
                .get(&id)
                .and_then(|t| pick(t, &wanted, &course.default_language))
                .cloned()
                .map_or((None, None), |(lang, title)| (Some(title), Some(lang)))
        };
        let mut modules: Vec<ModuleProgress> = Vec::new();
        // Lessons come in module order, so each module's lessons are one run.
        for run in lessons.chunk_by(|a, b| a.module_id == b.module_id) {
            let [first, ..] = run else {
                continue; // chunk_by yields no empty run
            };
            let (title, title_language) = title_of(&module_titles, first.module_id);
            let mut module = ModuleProgress {
                module_id: first.module_id,
                position: first.module_position,
                title,
                title_language,
                required_total: 0,
                required_done: 0,
                lessons_total: 0,
                lessons_done: 0,
                lessons: Vec::with_capacity(run.len()),
            };
            for lesson in run {
                let completed_at = done.get(&lesson.id).map(|t| t.and_utc());
                module.lessons_total += 1;
                if lesson.required {
                    module.required_total += 1;
                }
                if completed_at.is_some() {
                    module.lessons_done += 1;
                    if lesson.required {
                        module.required_done += 1;
                    }
                }
                let (title, title_language) = title_of(&lesson_titles, lesson.id);
                module.lessons.push(LessonProgress {
                    lesson_id: lesson.id,
                    position: lesson.position,
                    kind: kinds.get(&lesson.id).cloned().unwrap_or_default(),
                    required: lesson.required,
                    title,
                    title_language,
                    completed_at,
                });
            }
            modules.push(module);
        }
        let next_lesson = summary.next_lesson.map(|l| {
            let (title, title_language) = title_of(&lesson_titles, l.id);
            NextLesson {
                lesson_id: l.id,
                module_id: l.module_id,
                title,
                title_language,
            }
        });
        let percent = if summary.complete {
            100
        } else {
            (summary.required_done * 100)
                .checked_div(summary.required_total)
                .or_else(|| (summary.lessons_done * 100).checked_div(summary.lessons_total))
                .unwrap_or(0)
        };
        let certificate = repo::find_certificate(conn, user_id, course_id)?;
        Ok(ProgressResponse {
            course_id,
            user_id,
            language: wanted
                .first()
                .cloned()
                .unwrap_or(course.default_language.clone()),
            enrolled_at: enrolment.created_at.and_utc(),
            completed_at: if summary.complete {
                enrolment
                    .completed_at
                    .or(summary.completed_at)
                    .map(|t| t.and_utc())
            } else {
                None
            },
            required_total: summary.required_total,
            required_done: summary.required_done,
            lessons_total: summary.lessons_total,
            lessons_done: summary.lessons_done,
            percent,
            next_lesson,
            certificate: certificate.map(Into::into),
            modules,
        })
    })
    .await
}

/// Enrolments as the caller's list shows them (tombstones for ended ones).
pub fn enrolment_responses(
    conn: &mut DbConn,
    rows: Vec<Enrolment>,
    wanted: &[String],
) -> Result<Vec<EnrolmentResponse>, ApiError> {
    let course_ids: Vec<i64> = rows.iter().map(|e| e.course_id).collect();
    let courses: HashMap<i64, CourseState> = repo::course_states(conn, &course_ids)?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let titles = by_id(repo::course_titles(conn, &course_ids)?);
    Ok(rows
        .into_iter()
        .map(|e| {
            if !e.is_active() {
                return EnrolmentResponse {
                    course_id: e.course_id,
                    deleted: true,
                    updated_at: e.updated_at.and_utc(),
                    enrolled_at: None,
                    completed_at: None,
                    course: None,
                };
            }
            let course = courses.get(&e.course_id).map(|c| {
                let (language, title) = titles
                    .get(&c.id)
                    .and_then(|t| pick(t, wanted, &c.default_language))
                    .cloned()
                    .unwrap_or_else(|| (c.default_language.clone(), c.slug.clone()));
                CourseBrief {
                    id: c.id,
                    slug: c.slug.clone(),
                    title,
                    language,
                    format: c.format.clone(),
                    status: c.status.clone(),
                }
            });
            EnrolmentResponse {
                course_id: e.course_id,
                deleted: false,
                updated_at: e.updated_at.and_utc(),
                enrolled_at: Some(e.created_at.and_utc()),
                completed_at: e.completed_at.map(|t| t.and_utc()),
                course,
            }
        })
        .collect())
}

/// Revokes a certificate; revoking twice is 409 `already_revoked`.
pub async fn revoke(db: &Db, code: String, reason: String) -> Result<Certificate, ApiError> {
    db.write(move |conn| {
        let cert = repo::find_certificate_by_code(conn, &code)?.ok_or(ApiError::NotFound)?;
        if cert.revoked_at.is_some() {
            return Err(ApiError::Conflict {
                code: "already_revoked",
                detail: "the certificate was revoked already".to_owned(),
            });
        }
        Ok(repo::revoke_certificate(conn, cert.id, &reason, now())?)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson(id: i64, module_id: i64, required: bool) -> LessonRef {
        LessonRef {
            id,
            module_id,
            module_position: module_id as i32,
            position: id as i32,
            required,
        }
    }

    fn at(minute: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(9, minute, 0)
            .unwrap()
    }

    #[test]
    fn complete_when_every_required_lesson_is_done() {
        let lessons = [lesson(1, 1, true), lesson(2, 1, false), lesson(3, 2, true)];
        let mut done = HashMap::from([(1, at(1))]);
        let s = summarise(&lessons, &done);
        assert_eq!((s.required_total, s.required_done), (2, 1));
        assert!(!s.complete);
        assert_eq!(s.next_lesson.map(|l| l.id), Some(2));
        done.insert(3, at(5));
        let s = summarise(&lessons, &done);
        assert!(s.complete);
        assert_eq!(s.completed_at, Some(at(5)));
        assert_eq!((s.lessons_total, s.lessons_done), (3, 2));
        assert_eq!(s.next_lesson.map(|l| l.id), Some(2));
    }

    #[test]
    fn without_required_lessons_every_lesson_counts() {
        let lessons = [lesson(1, 1, false), lesson(2, 1, false)];
        let s = summarise(&lessons, &HashMap::from([(1, at(1))]));
        assert!(!s.complete);
        let s = summarise(&lessons, &HashMap::from([(1, at(1)), (2, at(2))]));
        assert!(s.complete);
        assert!(!summarise(&[], &HashMap::new()).complete);
    }

    #[test]
    fn picks_wanted_then_default_language() {
        let texts = vec![
            ("en".to_owned(), "Hello".to_owned()),
            ("fil".to_owned(), "Kumusta".to_owned()),
        ];
        let pick1 = |wanted: &[&str]| {
            let wanted: Vec<String> = wanted.iter().map(|s| (*s).to_owned()).collect();
            pick(&texts, &wanted, "en").map(|t| t.1.clone())
        };
        assert_eq!(pick1(&["fil"]).as_deref(), Some("Kumusta"));
        assert_eq!(pick1(&["fil-PH"]).as_deref(), Some("Kumusta"));
        assert_eq!(pick1(&["th"]).as_deref(), Some("Hello"));
        assert_eq!(pick1(&[]).as_deref(), Some("Hello"));
    }

    #[test]
    fn codes_are_long_and_url_safe() {
        let code = new_certificate_code();
        assert_eq!(code.len(), 27);
        assert!(
            code.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(code, new_certificate_code());
    }
}
