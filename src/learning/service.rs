//! Enrolment, progress and certificates. Every function here is synchronous over one
//! connection and opens no transaction of its own: the caller runs it inside one
//! `db.read`/`db.write` (or inside another domain's write transaction), so that it commits
//! or rolls back with everything else the caller does.

use std::collections::{BTreeSet, HashMap};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{NaiveDateTime, TimeDelta};
use rand::RngCore;

use crate::accounts::service::reader_preferences;
use crate::auth::AuthUser;
use crate::auth::policy::{Action, allowed, authorize};
use crate::courses::model::{Format, LessonKind};
use crate::db::memo::Memo;
use crate::db::{self, DbConn, now};
use crate::error::ApiError;
use crate::http::language::Preferences;
use crate::learning::dto::{
    CertificateResponse, CompletionResponse, CourseBrief, CourseEnrolmentResponse,
    EnrolmentResponse, LessonProgress, ModuleProgress, NextLesson, OfflineCompletions,
    ProgressResponse, Revocation, SyncResult,
};
use crate::learning::model::{
    Certificate, Completion, CourseState, Enrolment, LessonRef, NewCertificate, NewCompletion,
    NewEnrolment, SyncRejection, SyncStatus,
};
use crate::learning::repo::{self, EnrolmentPage};
use crate::types::{CohortId, CourseId, LessonId, ModuleId, UserId};

/// How far ahead of the server's clock an offline completion may be dated.
pub const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

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
        .filter(CourseState::is_visible)
        .ok_or(ApiError::NotFound)
}

/// A new verification code: 160 random bits, URL-safe (27 characters).
pub fn new_certificate_code() -> String {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A text in one language: (language, text).
type Text = (String, String);

/// Groups (id, language, text) rows by id.
fn by_id<K: std::hash::Hash + Eq>(rows: Vec<(K, String, String)>) -> HashMap<K, Vec<Text>> {
    let mut map: HashMap<K, Vec<Text>> = HashMap::new();
    for (id, lang, text) in rows {
        map.entry(id).or_default().push((lang, text));
    }
    for texts in map.values_mut() {
        texts.sort();
    }
    map
}

/// The text `prefs` pick among `texts`, else the course's default-language one.
fn pick<'a>(prefs: &Preferences, texts: &'a [Text], default: &str) -> Option<&'a Text> {
    prefs.pick_item(texts, |(lang, _)| lang.as_str(), default)
}

/// A course's title in the language `prefs` pick, as (language, title); its slug when it
/// has no title at all.
pub fn course_title(prefs: &Preferences, texts: &[Text], course: &CourseState) -> Text {
    pick(prefs, texts, &course.default_language)
        .cloned()
        .unwrap_or_else(|| (course.default_language.clone(), course.slug.clone()))
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
pub fn summarise(lessons: &[LessonRef], done: &HashMap<LessonId, NaiveDateTime>) -> Summary {
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
    let done: HashMap<LessonId, NaiveDateTime> =
        repo::completions_of(conn, enrolment.user_id, course.id)?
            .into_iter()
            .collect();
    let summary = summarise(&lessons, &done);
    let at = now();
    match (summary.complete, enrolment.completed_at) {
        (true, Some(existing)) => {
            let issued = issue_certificate(conn, course, enrolment.user_id)?;
            Ok((Some(existing), issued))
        }
        (true, None) => {
            let completed_at = summary.completed_at.unwrap_or(at);
            repo::set_enrolment_completed(conn, enrolment.id, Some(completed_at), at)?;
            crate::webhooks::emit(
                conn,
                &crate::webhooks::Event::CourseCompleted {
                    user_id: enrolment.user_id,
                    course_id: course.id,
                },
            )?;
            let issued = issue_certificate(conn, course, enrolment.user_id)?;
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

/// Issues the learner's certificate for the course unless they have one (revoked or not),
/// with the course title in the holder's preferred language.
fn issue_certificate(
    conn: &mut DbConn,
    course: &CourseState,
    user_id: UserId,
) -> Result<Option<Certificate>, ApiError> {
    if repo::find_certificate(conn, user_id, course.id)?.is_some() {
        return Ok(None);
    }
    let (holder_name, preferred) = repo::holder(conn, user_id)?;
    let titles: Vec<Text> = repo::course_titles(conn, &[course.id])?
        .into_iter()
        .map(|(_, lang, title)| (lang, title))
        .collect();
    let (language, course_title) = course_title(&Preferences::only(&preferred), &titles, course);
    let cert = repo::insert_certificate(
        conn,
        &NewCertificate {
            code: new_certificate_code(),
            user_id,
            course_id: Some(course.id),
            cohort_id: None,
            holder_name,
            course_title,
            language,
            // When the server issued it, whatever the completion's (offline) date.
            issued_at: now(),
        },
    )?;
    tracing::info!(
        user.id = user_id.get(),
        course.id = course.id.get(),
        "certificate issued"
    );
    crate::webhooks::emit(
        conn,
        &crate::webhooks::Event::Certified {
            user_id,
            certificate_id: cert.id,
            course_id: Some(course.id),
            cohort_id: None,
        },
    )?;
    Ok(Some(cert))
}

/// Issues `user_id` the certificate of completing cohort `cohort_id` unless they have one
/// (revoked or not), with the cohort's title (`titles`: (language, title)) in the holder's
/// preferred language, else `default_language`. Runs in the caller's transaction; answers
/// the certificate (new or the one they had) and whether this call issued it.
pub fn issue_cohort_certificate(
    conn: &mut DbConn,
    cohort_id: CohortId,
    user_id: UserId,
    titles: &[(String, String)],
    default_language: &str,
) -> Result<(Certificate, bool), ApiError> {
    if let Some(cert) = repo::find_cohort_certificate(conn, user_id, cohort_id)? {
        return Ok((cert, false));
    }
    let (holder_name, preferred) = repo::holder(conn, user_id)?;
    let (language, title) = pick(&Preferences::only(&preferred), titles, default_language)
        .cloned()
        .unwrap_or_else(|| (default_language.to_owned(), format!("Cohort {cohort_id}")));
    let cert = repo::insert_certificate(
        conn,
        &NewCertificate {
            code: new_certificate_code(),
            user_id,
            course_id: None,
            cohort_id: Some(cohort_id),
            holder_name,
            course_title: title,
            language,
            issued_at: now(),
        },
    )?;
    tracing::info!(
        user.id = user_id.get(),
        cohort.id = cohort_id.get(),
        "cohort certificate issued"
    );
    // Completing a cohort is known here, when its certificate is first issued.
    crate::webhooks::emit(
        conn,
        &crate::webhooks::Event::CohortCompleted { user_id, cohort_id },
    )?;
    crate::webhooks::emit(
        conn,
        &crate::webhooks::Event::Certified {
            user_id,
            certificate_id: cert.id,
            course_id: None,
            cohort_id: Some(cohort_id),
        },
    )?;
    Ok((cert, true))
}

/// Enrols `user_id` in a published self-paced course; an ended enrolment is renewed (the
/// lessons done before still count, and may complete the course at once).
///
/// Opens no transaction: call it inside one (`db.write`, or another domain's write
/// transaction, which then commits or rolls back the enrolment with its own writes). The
/// course row is locked (PostgreSQL) until that transaction ends, so two enrolments
/// cannot both take the last place.
pub fn enrol(
    conn: &mut DbConn,
    user_id: UserId,
    course_id: CourseId,
) -> Result<Enrolment, ApiError> {
    admit(conn, user_id, course_id, false)
}

/// Enrols a learner someone nominated (a cohort's selected participant): the rules of
/// [`enrol`], except that cohort and blended courses take them too. Opens no transaction
/// either; the caller decides who may nominate.
pub fn enrol_nominated(
    conn: &mut DbConn,
    user_id: UserId,
    course_id: CourseId,
) -> Result<Enrolment, ApiError> {
    admit(conn, user_id, course_id, true)
}

fn admit(
    conn: &mut DbConn,
    user_id: UserId,
    course_id: CourseId,
    nominated: bool,
) -> Result<Enrolment, ApiError> {
    let course = visible(repo::course_state(conn, course_id)?)?;
    if course.is_archived() {
        return Err(not_open());
    }
    if !nominated && course.format != Format::SelfPaced {
        return Err(ApiError::Conflict {
            code: "enrolment_by_nomination",
            detail: "members join cohort and blended courses by nomination".to_owned(),
        });
    }
    db::lock_row(conn, "courses", course_id.get())?;
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
    crate::webhooks::emit(
        conn,
        &crate::webhooks::Event::Enrolled {
            user_id,
            course_id,
            enrolment_id: enrolment.id,
        },
    )?;
    tracing::info!(
        course.id = course_id.get(),
        user.id = user_id.get(),
        "enrolled"
    );
    Ok(enrolment)
}

/// Ends the caller's enrolment (kept as a tombstone); lessons done and certificates stay.
pub fn unenrol(conn: &mut DbConn, user_id: UserId, course_id: CourseId) -> Result<(), ApiError> {
    repo::course_state(conn, course_id)?.ok_or(ApiError::NotFound)?;
    db::lock_row(conn, "courses", course_id.get())?;
    let enrolment = repo::find_enrolment(conn, course_id, user_id, true)?
        .filter(Enrolment::is_active)
        .ok_or(ApiError::NotFound)?;
    repo::end_enrolment(conn, enrolment.id, now())?;
    repo::refresh_enrolment_count(conn, course_id)?;
    tracing::info!(
        course.id = course_id.get(),
        user.id = user_id.get(),
        "unenrolled"
    );
    Ok(())
}

/// An enrolment as its learner reads it, with the language of its course's title (the
/// answer's `Content-Language`; `None` for a tombstone).
#[derive(Debug, Clone)]
pub struct EnrolmentView {
    pub body: EnrolmentResponse,
    pub language: Option<String>,
    pub enrolment: Enrolment,
    /// The version of the course whose brief the answer shows (`None` for a tombstone).
    pub course_version: Option<i64>,
}

/// The caller's active enrolment in a course, in the caller's languages: 404 when the
/// course is unknown, a draft, or the caller is not enrolled.
pub fn my_enrolment(
    conn: &mut DbConn,
    user: &AuthUser,
    course_id: CourseId,
    prefs: Preferences,
) -> Result<EnrolmentView, ApiError> {
    visible(repo::course_state(conn, course_id)?)?;
    let enrolment = repo::find_enrolment(conn, course_id, user.id, false)?
        .filter(Enrolment::is_active)
        .ok_or(ApiError::NotFound)?;
    let prefs = reader_preferences(conn, prefs, Some(user))?;
    enrolment_views(conn, vec![enrolment], &prefs)?
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("enrolment vanished")))
}

/// Enrols the caller ([`enrol`]) and answers the enrolment in the caller's languages.
pub fn enrol_me(
    conn: &mut DbConn,
    user: &AuthUser,
    course_id: CourseId,
    prefs: Preferences,
) -> Result<EnrolmentView, ApiError> {
    enrol(conn, user.id, course_id)?;
    my_enrolment(conn, user, course_id, prefs)
}

/// One page of the caller's enrolments (see [`repo::list_my_enrolments`]), in the
/// caller's languages; and the first language asked for.
pub fn list_my_enrolments(
    conn: &mut DbConn,
    user: &AuthUser,
    page: &EnrolmentPage,
    prefs: Preferences,
) -> Result<(Vec<EnrolmentView>, Option<String>), ApiError> {
    let rows = repo::list_my_enrolments(conn, user.id, page)?;
    let prefs = reader_preferences(conn, prefs, Some(user))?;
    let views = enrolment_views(conn, rows, &prefs)?;
    Ok((views, prefs.first().map(str::to_owned)))
}

/// Enrolments as their learner reads them (tombstones for ended ones).
fn enrolment_views(
    conn: &mut DbConn,
    rows: Vec<Enrolment>,
    prefs: &Preferences,
) -> Result<Vec<EnrolmentView>, ApiError> {
    let course_ids: Vec<CourseId> = rows.iter().map(|e| e.course_id).collect();
    let courses: HashMap<CourseId, CourseState> = repo::course_states(conn, &course_ids)?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let titles = by_id(repo::course_titles(conn, &course_ids)?);
    Ok(rows
        .into_iter()
        .map(|e| {
            if !e.is_active() {
                return EnrolmentView {
                    body: EnrolmentResponse {
                        course_id: e.course_id,
                        deleted: true,
                        updated_at: e.updated_at.and_utc(),
                        enrolled_at: None,
                        completed_at: None,
                        course: None,
                    },
                    language: None,
                    enrolment: e,
                    course_version: None,
                };
            }
            let course = courses.get(&e.course_id).map(|c| {
                let texts = titles.get(&c.id).map(Vec::as_slice).unwrap_or_default();
                let (language, title) = course_title(prefs, texts, c);
                CourseBrief {
                    id: c.id,
                    slug: c.slug.clone(),
                    title,
                    language,
                    format: c.format,
                    status: c.status,
                }
            });
            EnrolmentView {
                course_version: courses.get(&e.course_id).map(|c| c.version),
                language: course.as_ref().map(|c| c.language.clone()),
                body: EnrolmentResponse {
                    course_id: e.course_id,
                    deleted: false,
                    updated_at: e.updated_at.and_utc(),
                    enrolled_at: Some(e.created_at.and_utc()),
                    completed_at: e.completed_at.map(|t| t.and_utc()),
                    course,
                },
                enrolment: e,
            }
        })
        .collect())
}

/// One page of a course's enrolled members, by enrolment id: for its owners, coordinators
/// and admins (404 for an unknown course first).
pub fn list_course_enrolments(
    conn: &mut DbConn,
    actor: &AuthUser,
    course_id: CourseId,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<(i64, CourseEnrolmentResponse)>, ApiError> {
    authorize_course(conn, actor, course_id, |is_owner| {
        Action::ListCourseEnrolments { is_owner }
    })?;
    Ok(repo::list_course_enrolments(conn, course_id, after, limit)?
        .into_iter()
        .map(|(e, display_name)| {
            (
                e.id.get(),
                CourseEnrolmentResponse {
                    user_id: e.user_id,
                    display_name,
                    enrolled_at: e.created_at.and_utc(),
                    completed_at: e.completed_at.map(|t| t.and_utc()),
                    updated_at: e.updated_at.and_utc(),
                },
            )
        })
        .collect())
}

/// 404 for an unknown course or a draft the caller may not see, then asks the policy with
/// whether the caller owns it.
fn authorize_course(
    conn: &mut DbConn,
    actor: &AuthUser,
    course_id: CourseId,
    action: impl FnOnce(bool) -> Action,
) -> Result<(), ApiError> {
    let course = repo::course_state(conn, course_id)?.ok_or(ApiError::NotFound)?;
    let is_owner = crate::courses::repo::is_owner(conn, course_id, actor.id)?;
    if !course.is_visible() && !allowed(actor, Action::ViewUnpublishedCourse { is_owner }) {
        return Err(ApiError::NotFound);
    }
    authorize(actor, action(is_owner))
}

/// The learner's lesson, checked: a live lesson of a visible, open course they are
/// enrolled in; its course, their active enrolment and whether it is a quiz lesson. `lock`
/// locks the enrolment (PostgreSQL) until the transaction ends, for the writes that follow.
fn enrolled_lesson(
    conn: &mut DbConn,
    user_id: UserId,
    lesson_id: LessonId,
    lock: bool,
) -> Result<(CourseState, Enrolment, bool), ApiError> {
    let (course, kind) = repo::lesson_with_course(conn, lesson_id)?.ok_or(ApiError::NotFound)?;
    let course = visible(Some(course))?;
    let enrolment = active_enrolment(conn, course.id, user_id, lock)?;
    if course.is_archived() {
        return Err(not_open());
    }
    Ok((course, enrolment, kind == LessonKind::Quiz))
}

fn active_enrolment(
    conn: &mut DbConn,
    course_id: CourseId,
    user_id: UserId,
    lock: bool,
) -> Result<Enrolment, ApiError> {
    repo::find_enrolment(conn, course_id, user_id, lock)?
        .filter(Enrolment::is_active)
        .ok_or_else(not_enrolled)
}

fn completed_by_quiz() -> ApiError {
    ApiError::Conflict {
        code: "completed_by_quiz",
        detail: "a quiz lesson is completed by passing its quiz".to_owned(),
    }
}

/// Marks a lesson done by the learner's word; `true` when this call stored it. A repeat
/// changes nothing: it is answered from what is stored, without locking the enrolment or
/// settling the course (a client that retries or syncs sends many, and on PostgreSQL
/// they queued on the enrolment's lock). A quiz lesson is done only by passing its quiz:
/// 409 `completed_by_quiz` (checked after enrolment, so a stranger still learns nothing
/// more).
pub fn complete(
    conn: &mut DbConn,
    user_id: UserId,
    lesson_id: LessonId,
) -> Result<(CompletionResponse, bool), ApiError> {
    let course = match done_already(conn, user_id, lesson_id)? {
        Done::Already(answer) => return Ok((answer, false)),
        Done::Not(course) => course,
    };
    // The first time: the enrolment locked, then the completion checked again under the
    // lock (a concurrent first one may have committed meanwhile).
    let enrolment = active_enrolment(conn, course.id, user_id, true)?;
    record_completion(conn, user_id, lesson_id, course, enrolment)
}

/// Whether a learner's lesson is done already, as [`complete`] asks first.
enum Done {
    /// Done: the answer a repeat gets.
    Already(CompletionResponse),
    /// Not yet, in this course (open, the learner enrolled).
    Not(CourseState),
}

/// The answer to a repeated completion, read without writing anything (`None`: not done
/// yet; then [`complete`] stores it in a write). The handler asks this first where a read
/// is cheaper than a write (`Db::write_unless`: PostgreSQL, where a repeat then needs no
/// transaction): a client that retries or syncs on a slow link sends the same completion
/// many times. The same checks, in the same order, as [`complete`]: 404, 403
/// `not_enrolled`, 409 `not_open`, 409 `completed_by_quiz`.
pub fn completed_already(
    conn: &mut DbConn,
    user_id: UserId,
    lesson_id: LessonId,
) -> Result<Option<CompletionResponse>, ApiError> {
    Ok(match done_already(conn, user_id, lesson_id)? {
        Done::Already(answer) => Some(answer),
        Done::Not(_) => None,
    })
}

fn done_already(conn: &mut DbConn, user_id: UserId, lesson_id: LessonId) -> Result<Done, ApiError> {
    let (course, enrolment, quiz) = enrolled_lesson(conn, user_id, lesson_id, false)?;
    if quiz {
        return Err(completed_by_quiz());
    }
    Ok(
        match repo::find_completion_with_certificate(conn, user_id, lesson_id, course.id)? {
            Some((done, certificate)) => Done::Already(answer_of(
                &course,
                done,
                enrolment.completed_at,
                certificate,
            )),
            None => Done::Not(course),
        },
    )
}

/// Marks a quiz lesson done because its learner passed it (assessment calls this inside
/// the submit's transaction); `true` when this call stored it.
pub fn complete_passed_quiz(
    conn: &mut DbConn,
    user_id: UserId,
    lesson_id: LessonId,
) -> Result<(CompletionResponse, bool), ApiError> {
    let (course, enrolment, _) = enrolled_lesson(conn, user_id, lesson_id, true)?;
    record_completion(conn, user_id, lesson_id, course, enrolment)
}

fn record_completion(
    conn: &mut DbConn,
    user_id: UserId,
    lesson_id: LessonId,
    course: CourseState,
    enrolment: Enrolment,
) -> Result<(CompletionResponse, bool), ApiError> {
    let (completion, created) = match repo::find_completion(conn, user_id, lesson_id)? {
        Some(c) => (c, false),
        None => {
            let c = repo::insert_completion(
                conn,
                &NewCompletion {
                    user_id,
                    lesson_id,
                    course_id: course.id,
                    completed_at: now(),
                },
            )?;
            repo::bump_enrolment(conn, enrolment.id)?;
            (c, true)
        }
    };
    let (course_completed_at, _) = settle(conn, &course, &enrolment)?;
    let answer = completion_answer(conn, &course, completion, course_completed_at)?;
    Ok((answer, created))
}

/// The answer about a stored completion: with the course's completion and the learner's
/// certificate, when they have one.
fn completion_answer(
    conn: &mut DbConn,
    course: &CourseState,
    completion: Completion,
    course_completed_at: Option<NaiveDateTime>,
) -> Result<CompletionResponse, ApiError> {
    let certificate = repo::find_certificate(conn, completion.user_id, course.id)?;
    Ok(answer_of(
        course,
        completion,
        course_completed_at,
        certificate,
    ))
}

/// The answer about a completion, from what was read.
fn answer_of(
    course: &CourseState,
    completion: Completion,
    course_completed_at: Option<NaiveDateTime>,
    certificate: Option<Certificate>,
) -> CompletionResponse {
    CompletionResponse {
        lesson_id: completion.lesson_id,
        course_id: course.id,
        completed_at: completion.completed_at.and_utc(),
        course_completed_at: course_completed_at.map(|t| t.and_utc()),
        certificate: certificate.map(Into::into),
    }
}

/// Undoes a lesson's completion (nothing to undo is fine, and locks nothing, as a repeated
/// completion). A certificate stays. A quiz lesson's completion belongs to its passed
/// quiz: 409 `completed_by_quiz`.
pub fn uncomplete(conn: &mut DbConn, user_id: UserId, lesson_id: LessonId) -> Result<(), ApiError> {
    let (course, _, quiz) = enrolled_lesson(conn, user_id, lesson_id, false)?;
    if quiz {
        return Err(completed_by_quiz());
    }
    if repo::find_completion(conn, user_id, lesson_id)?.is_none() {
        return Ok(());
    }
    let enrolment = active_enrolment(conn, course.id, user_id, true)?;
    if repo::delete_completion(conn, user_id, lesson_id)? > 0 {
        repo::bump_enrolment(conn, enrolment.id)?;
        settle(conn, &course, &enrolment)?;
    }
    Ok(())
}

/// Applies completions made offline, with their own timestamps; completing courses issues
/// their certificates. One result per item, in order, and the certificates issued.
///
/// A completion is accepted only when it is plausible: not ahead of the server's clock
/// (beyond [`CLOCK_SKEW`]), not before the enrolment began, not older than `window`.
pub fn sync(
    conn: &mut DbConn,
    user_id: UserId,
    items: OfflineCompletions,
    window: TimeDelta,
) -> Result<(Vec<SyncResult>, Vec<CertificateResponse>), ApiError> {
    let items = items.0;
    let lesson_ids: Vec<LessonId> = items
        .iter()
        .map(|(id, _)| *id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let lesson_course: HashMap<LessonId, CourseId> = repo::lesson_courses(conn, &lesson_ids)?
        .into_iter()
        .collect();
    let quizzes: BTreeSet<LessonId> = repo::lesson_kinds(conn, &lesson_ids)?
        .into_iter()
        .filter(|(_, kind)| *kind == LessonKind::Quiz)
        .map(|(id, _)| id)
        .collect();
    let course_ids: Vec<CourseId> = lesson_course
        .values()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let courses: HashMap<CourseId, CourseState> = repo::course_states(conn, &course_ids)?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut enrolments: HashMap<CourseId, Enrolment> = HashMap::new();
    for &course_id in &course_ids {
        if let Some(e) =
            repo::find_enrolment(conn, course_id, user_id, true)?.filter(Enrolment::is_active)
        {
            enrolments.insert(course_id, e);
        }
    }
    let mut done: HashMap<LessonId, NaiveDateTime> =
        repo::completions_among(conn, user_id, &lesson_ids)?
            .into_iter()
            .collect();
    let latest = now() + CLOCK_SKEW;
    let earliest = now() - window;
    let mut results = Vec::with_capacity(items.len());
    let mut new_rows = Vec::new();
    let mut touched = BTreeSet::new();
    for (lesson_id, at) in items {
        let rejected = |code: SyncRejection| SyncResult {
            lesson_id,
            status: SyncStatus::Rejected,
            code: Some(code),
            completed_at: None,
        };
        let course = lesson_course.get(&lesson_id).and_then(|c| courses.get(c));
        let result = match course {
            None => rejected(SyncRejection::UnknownLesson),
            Some(c) if !c.is_visible() => rejected(SyncRejection::UnknownLesson),
            Some(c) if !enrolments.contains_key(&c.id) => rejected(SyncRejection::NotEnrolled),
            Some(c) if c.is_archived() => rejected(SyncRejection::NotOpen),
            Some(_) if quizzes.contains(&lesson_id) => rejected(SyncRejection::CompletedByQuiz),
            Some(_) if at > latest => rejected(SyncRejection::InFuture),
            Some(_) if at < earliest => rejected(SyncRejection::TooOld),
            Some(c) if enrolments.get(&c.id).is_some_and(|e| at < e.created_at) => {
                rejected(SyncRejection::BeforeEnrolment)
            }
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
        {
            repo::bump_enrolment(conn, enrolment.id)?;
            if let (_, Some(cert)) = settle(conn, course, enrolment)? {
                issued.push(cert.into());
            }
        }
    }
    Ok((results, issued))
}

/// A learner's progress in a course, and what its entity tag derives from.
#[derive(Debug, Clone)]
pub struct ProgressView {
    pub body: ProgressResponse,
    /// The learner's enrolment (its version counts their changes in the course).
    pub enrolment: Enrolment,
    /// The version of the learner's certificate, when they have one.
    pub certificate_version: Option<i64>,
    /// The version of the course's texts and structure ([`repo::content_version`]).
    pub content_version: i64,
}

/// The caller's own progress in a course: 403 `not_enrolled` when not enrolled.
pub fn my_progress(
    conn: &mut DbConn,
    user: &AuthUser,
    course_id: CourseId,
    prefs: Preferences,
    memo: &ProgressMemo,
) -> Result<ProgressView, ApiError> {
    let prefs = reader_preferences(conn, prefs, Some(user))?;
    progress(conn, user.id, course_id, &prefs, not_enrolled, memo)
}

/// A learner's progress, for the course's owners, coordinators and admins, in the
/// caller's languages: 404 for an unknown course or a learner not enrolled.
pub fn learner_progress(
    conn: &mut DbConn,
    actor: &AuthUser,
    learner: UserId,
    course_id: CourseId,
    prefs: Preferences,
    memo: &ProgressMemo,
) -> Result<ProgressView, ApiError> {
    authorize_course(conn, actor, course_id, |is_owner| {
        Action::ReadLearnerProgress { is_owner }
    })?;
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    progress(
        conn,
        learner,
        course_id,
        &prefs,
        || ApiError::NotFound,
        memo,
    )
}

/// A course's live lessons in outline order and the titles of its modules and lessons in
/// every language: the same for every learner while the course's version is unchanged
/// (every change to its structure or texts bumps it, see `courses::service`).
#[derive(Debug)]
pub struct ProgressOutline {
    lessons: Vec<LessonRef>,
    module_titles: HashMap<ModuleId, Vec<Text>>,
    lesson_titles: HashMap<LessonId, Vec<Text>>,
}

/// Courses' outlines read for progress lately, kept with the course version they were read
/// at (`db::memo`): a progress read at the same version reads only the course, the
/// enrolment, the learner's completions and certificate and the content version.
#[derive(Debug, Clone)]
pub struct ProgressMemo(Memo<CourseId, i64, ProgressOutline>);

/// Courses kept at most: beyond, the memo starts again.
const OUTLINES_KEPT: usize = 1_024;

impl Default for ProgressMemo {
    fn default() -> Self {
        // Titles are up to 200 characters, a course up to thousands of lessons: bounded
        // in bytes too (as `courses::service::CourseMemo`).
        Self(Memo::with_budget(
            OUTLINES_KEPT,
            crate::db::memo::TEXT_BUDGET,
            |o: &ProgressOutline| {
                let size = |(l, t): &Text| l.len() + t.len();
                o.lessons.len() * std::mem::size_of::<LessonRef>()
                    + o.module_titles.values().flatten().map(size).sum::<usize>()
                    + o.lesson_titles.values().flatten().map(size).sum::<usize>()
            },
        ))
    }
}

fn progress_outline(
    conn: &mut DbConn,
    course_id: CourseId,
) -> diesel::QueryResult<ProgressOutline> {
    Ok(ProgressOutline {
        lessons: repo::course_lessons(conn, course_id)?,
        module_titles: by_id(repo::course_module_titles(conn, course_id)?),
        lesson_titles: by_id(repo::course_lesson_titles(conn, course_id)?),
    })
}

/// A learner's progress in a course; `missing` is the error when they are not enrolled.
fn progress(
    conn: &mut DbConn,
    user_id: UserId,
    course_id: CourseId,
    prefs: &Preferences,
    missing: fn() -> ApiError,
    memo: &ProgressMemo,
) -> Result<ProgressView, ApiError> {
    // The version first: an outline read after it is at least as new as it says.
    let course = visible(repo::course_state(conn, course_id)?)?;
    let enrolment = repo::find_enrolment(conn, course_id, user_id, false)?
        .filter(Enrolment::is_active)
        .ok_or_else(missing)?;
    let outline = memo.0.get_or_try(course_id, course.version, || {
        progress_outline(conn, course_id)
    })?;
    let ProgressOutline {
        lessons,
        module_titles,
        lesson_titles,
    } = &*outline;
    let done: HashMap<LessonId, NaiveDateTime> = repo::completions_of(conn, user_id, course_id)?
        .into_iter()
        .collect();
    let summary = summarise(lessons, &done);
    fn title_of<K: std::hash::Hash + Eq>(
        titles: &HashMap<K, Vec<Text>>,
        id: &K,
        prefs: &Preferences,
        default: &str,
    ) -> (Option<String>, Option<String>) {
        titles
            .get(id)
            .and_then(|t| pick(prefs, t, default))
            .cloned()
            .map_or((None, None), |(lang, title)| (Some(title), Some(lang)))
    }
    let default = course.default_language.as_str();
    let mut modules: Vec<ModuleProgress> = Vec::new();
    // Lessons come in module order, so each module's lessons are one run.
    for run in lessons.chunk_by(|a, b| a.module_id == b.module_id) {
        let [first, ..] = run else {
            continue; // chunk_by yields no empty run
        };
        let (title, title_language) = title_of(module_titles, &first.module_id, prefs, default);
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
            let (title, title_language) = title_of(lesson_titles, &lesson.id, prefs, default);
            module.lessons.push(LessonProgress {
                lesson_id: lesson.id,
                position: lesson.position,
                kind: lesson.kind,
                required: lesson.required,
                title,
                title_language,
                completed_at,
            });
        }
        modules.push(module);
    }
    let next_lesson = summary.next_lesson.map(|l| {
        let (title, title_language) = title_of(lesson_titles, &l.id, prefs, default);
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
    Ok(ProgressView {
        content_version: repo::content_version(conn, course_id)?,
        certificate_version: certificate.as_ref().map(|c| c.version),
        body: ProgressResponse {
            course_id,
            user_id,
            language: prefs.first().unwrap_or(default).to_owned(),
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
        },
        enrolment,
    })
}

/// One page of the caller's certificates, newest first (by id).
pub fn list_my_certificates(
    conn: &mut DbConn,
    user_id: UserId,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Certificate>, ApiError> {
    Ok(repo::list_my_certificates(conn, user_id, before, limit)?)
}

/// The certificate with this verification code; 404 when there is none.
pub fn certificate(conn: &mut DbConn, code: &str) -> Result<Certificate, ApiError> {
    repo::find_certificate_by_code(conn, code)?.ok_or(ApiError::NotFound)
}

/// Revokes a certificate (coordinators and admins); revoking twice is 409
/// `already_revoked`.
pub fn revoke(
    conn: &mut DbConn,
    actor: &AuthUser,
    code: &str,
    revocation: Revocation,
) -> Result<Certificate, ApiError> {
    authorize(actor, Action::RevokeCertificates)?;
    let cert = certificate(conn, code)?;
    db::lock_row(conn, "certificates", cert.id.get())?;
    if cert.revoked_at.is_some() {
        return Err(ApiError::Conflict {
            code: "already_revoked",
            detail: "the certificate was revoked already".to_owned(),
        });
    }
    let cert = repo::revoke_certificate(conn, cert.id, &revocation.reason, now())?;
    if cert.cohort_id.is_some() {
        // A `tot` cohort's certificate made its holder an e-trainer: that goes with it.
        crate::cohorts::completion::service::revoke_trainer(conn, &cert)?;
    }
    tracing::info!(
        certificate.id = cert.id.get(),
        user.id = actor.id.get(),
        "certificate revoked"
    );
    Ok(cert)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ModuleId;

    fn lesson(id: i64, module_id: i64, required: bool) -> LessonRef {
        LessonRef {
            id: LessonId(id),
            module_id: ModuleId(module_id),
            module_position: module_id as i32,
            position: id as i32,
            required,
            kind: LessonKind::Text,
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
        let mut done = HashMap::from([(LessonId(1), at(1))]);
        let s = summarise(&lessons, &done);
        assert_eq!((s.required_total, s.required_done), (2, 1));
        assert!(!s.complete);
        assert_eq!(s.next_lesson.map(|l| l.id), Some(LessonId(2)));
        done.insert(LessonId(3), at(5));
        let s = summarise(&lessons, &done);
        assert!(s.complete);
        assert_eq!(s.completed_at, Some(at(5)));
        assert_eq!((s.lessons_total, s.lessons_done), (3, 2));
        assert_eq!(s.next_lesson.map(|l| l.id), Some(LessonId(2)));
    }

    #[test]
    fn without_required_lessons_every_lesson_counts() {
        let lessons = [lesson(1, 1, false), lesson(2, 1, false)];
        let s = summarise(&lessons, &HashMap::from([(LessonId(1), at(1))]));
        assert!(!s.complete);
        let s = summarise(
            &lessons,
            &HashMap::from([(LessonId(1), at(1)), (LessonId(2), at(2))]),
        );
        assert!(s.complete);
        assert!(!summarise(&[], &HashMap::new()).complete);
    }

    #[test]
    fn titles_in_the_wanted_then_the_default_language_else_the_slug() {
        let texts = vec![
            ("en".to_owned(), "Hello".to_owned()),
            ("fil".to_owned(), "Kumusta".to_owned()),
        ];
        let course = CourseState {
            id: CourseId(1),
            slug: "hello".to_owned(),
            default_language: "en".to_owned(),
            format: Format::SelfPaced,
            status: crate::courses::model::CourseStatus::Published,
            capacity: None,
            version: 1,
        };
        let title = |wanted: &[&str], texts: &[Text]| {
            let prefs = Preferences(wanted.iter().map(|s| (*s).to_owned()).collect());
            course_title(&prefs, texts, &course).1
        };
        assert_eq!(title(&["fil"], &texts), "Kumusta");
        assert_eq!(title(&["fil-PH"], &texts), "Kumusta");
        assert_eq!(title(&["th"], &texts), "Hello");
        assert_eq!(title(&[], &texts), "Hello");
        assert_eq!(title(&["fil"], &[]), "hello");
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
