//! Session use cases. Each public function runs inside the caller's one transaction
//! (`db.read` or `db.write`), decides access on the session's cohort with the actor's
//! current role, facilitation, participation and leadership read from the database, and
//! answers a view.
//!
//! Who reads a session: coordinators and admins, the cohort's facilitators (while
//! trainers), and its audience — the accepted participants for `participants` sessions,
//! the approved leaders of the organisations the call invites for `leaders` briefings.
//! To anyone else a session does not exist (404), except that staff (trainers and above)
//! who try to change one learn that they may not (403), as on the cohort's own paths.

use std::collections::HashMap;

use chrono::{NaiveDateTime, SecondsFormat, TimeDelta, TimeZone, Utc};
use rand::Rng;

use crate::accounts::service::reader_preferences;
use crate::auth::policy::{Action, allowed, authorize};
use crate::auth::{AuthUser, Role};
use crate::cohorts::model::{Cohort, CohortStatus};
use crate::cohorts::nominations::repo as nominations;
use crate::cohorts::repo as cohorts;
use crate::cohorts::sessions::dto::{
    ATTENDANCE_SORT, AttendanceResponse, CheckInCodeResponse, SESSION_SORT, SessionResponse,
    check_times,
};
use crate::cohorts::sessions::model::{
    Attendance, AttendanceSource, Audience, LiveSession, NewLiveSession, SessionChanges,
    SessionFields, SessionPatch, SessionTranslation, minutes_within,
};
use crate::cohorts::sessions::repo;
use crate::db::Written;
use crate::db::{self, DbConn};
use crate::error::{ApiError, Fields};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageRequest, TimeKey};
use crate::types::{CohortId, CourseId, LessonId, LiveSessionId, UserId};
use crate::types::{join_tags, split_tags};

/// A session's answer with the tag of the version it shows.
#[derive(Debug)]
pub struct SessionView {
    pub body: SessionResponse,
    pub etag: String,
}

/// What the caller is to a cohort's sessions.
#[derive(Debug, Clone, Copy, Default)]
pub struct Access {
    /// Plans them and their attendance: coordinators, admins, facilitators (trainers).
    pub manage: bool,
    /// An accepted participant: reads `participants` sessions.
    pub participant: bool,
    /// A leader of an invited organisation: reads `leaders` briefings.
    pub leader: bool,
}

impl Access {
    /// Whether the caller reads sessions for `audience`.
    pub fn reads(self, audience: Audience) -> bool {
        self.manage
            || match audience {
                Audience::Participants => self.participant,
                Audience::Leaders => self.leader,
            }
    }

    /// Whether the caller is in a session's audience (attends it, rather than runs it).
    pub fn attends(self, audience: Audience) -> bool {
        match audience {
            Audience::Participants => self.participant,
            Audience::Leaders => self.leader,
        }
    }

    /// The audiences whose sessions the caller reads.
    pub fn audiences(self) -> Vec<Audience> {
        Audience::ALL
            .iter()
            .copied()
            .filter(|a| self.reads(*a))
            .collect()
    }
}

/// `user`'s access to the cohort's sessions (`role`: their current platform role).
pub fn access_of(
    conn: &mut DbConn,
    user: UserId,
    role: Role,
    cohort: CohortId,
) -> Result<Access, ApiError> {
    let actor = AuthUser {
        id: user,
        role,
        session_id: crate::types::SessionId(0),
        language: Default::default(),
        name: None,
    };
    let is_facilitator = cohorts::is_facilitator(conn, cohort, user)?;
    Ok(Access {
        manage: allowed(&actor, Action::ManageCohortSessions { is_facilitator }),
        participant: nominations::is_participant(conn, cohort, user)?,
        leader: repo::is_invited_leader(conn, cohort, user)?,
    })
}

fn access(conn: &mut DbConn, actor: &AuthUser, cohort: CohortId) -> Result<Access, ApiError> {
    access_of(conn, actor.id, actor.role, cohort)
}

/// `Ok` when the caller manages the cohort's sessions; else 403 for those who read
/// `audience`'s sessions or are staff, 404 for anyone else.
fn must_manage(actor: &AuthUser, access: Access, visible: bool) -> Result<(), ApiError> {
    if access.manage {
        return Ok(());
    }
    if visible || actor.role >= Role::Trainer {
        authorize(
            actor,
            Action::ManageCohortSessions {
                is_facilitator: false,
            },
        )
    } else {
        Err(ApiError::NotFound)
    }
}

fn found_cohort(conn: &mut DbConn, id: CohortId) -> Result<Cohort, ApiError> {
    cohorts::find(conn, id)?.ok_or(ApiError::NotFound)
}

fn found(conn: &mut DbConn, id: LiveSessionId) -> Result<LiveSession, ApiError> {
    repo::find(conn, id)?.ok_or(ApiError::NotFound)
}

/// `at` (UTC) in `time_zone`, RFC 3339 with its offset; in UTC if the zone is unknown.
pub fn local(at: NaiveDateTime, time_zone: &str) -> String {
    let utc = Utc.from_utc_datetime(&at);
    match time_zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => utc
            .with_timezone(&tz)
            .to_rfc3339_opts(SecondsFormat::AutoSi, false),
        Err(_) => utc.to_rfc3339_opts(SecondsFormat::AutoSi, true),
    }
}

/// A session's title in each language it has: its own in the cohort's default language
/// first, then its translations.
pub type Titles = Vec<(String, String)>;

/// The titles of `sessions` of a cohort whose default language is `default`, in one query.
pub fn titles(
    conn: &mut DbConn,
    default: &str,
    sessions: &[LiveSession],
) -> Result<HashMap<LiveSessionId, Titles>, ApiError> {
    let ids: Vec<LiveSessionId> = sessions.iter().map(|s| s.id).collect();
    let mut titles: HashMap<LiveSessionId, Titles> = sessions
        .iter()
        .map(|s| (s.id, vec![(default.to_owned(), s.title.clone())]))
        .collect();
    for t in repo::translations(conn, &ids)? {
        if t.language != default {
            titles
                .entry(t.session_id)
                .or_default()
                .push((t.language, t.title));
        }
    }
    Ok(titles)
}

/// The title `prefs` pick among `titles`: (language, title).
pub fn pick_title<'a>(
    prefs: &Preferences,
    titles: &'a Titles,
    default: &str,
) -> Option<&'a (String, String)> {
    prefs.pick_item(titles, |(language, _)| language.as_str(), default)
}

/// The answer for `s` of `cohort`, with its materials, its title in the language `prefs`
/// pick among `titles`.
pub fn response_of(
    s: &LiveSession,
    cohort: &Cohort,
    materials: Vec<LessonId>,
    titles: &Titles,
    prefs: &Preferences,
) -> SessionResponse {
    let time_zone = cohort.time_zone.as_str();
    let default = cohort.default_language.as_str();
    let (language, title) = pick_title(prefs, titles, default)
        .cloned()
        .unwrap_or_else(|| (default.to_owned(), s.title.clone()));
    SessionResponse {
        id: s.id,
        cohort_id: s.cohort_id,
        title,
        language,
        default_language: default.to_owned(),
        available_languages: titles.iter().map(|(l, _)| l.clone()).collect(),
        audience: s.audience,
        starts_at: s.starts_at.and_utc(),
        ends_at: s.ends_at.and_utc(),
        time_zone: time_zone.to_owned(),
        starts_at_local: local(s.starts_at, time_zone),
        ends_at_local: local(s.ends_at, time_zone),
        meeting_url: s.meeting_url.clone(),
        delivery_language: s.delivery_language.clone(),
        interpretation_languages: split_tags(&s.interpretation_languages),
        recording_url: s.recording_url.clone(),
        material_lesson_ids: materials,
        created_at: s.created_at.and_utc(),
        updated_at: s.updated_at.and_utc(),
    }
}

/// The answers for `sessions` of one cohort in the language `prefs` pick, reading their
/// materials and titles in one query each.
fn responses(
    conn: &mut DbConn,
    cohort: &Cohort,
    sessions: &[LiveSession],
    prefs: &Preferences,
) -> Result<Vec<SessionResponse>, ApiError> {
    let ids: Vec<LiveSessionId> = sessions.iter().map(|s| s.id).collect();
    let mut materials: HashMap<LiveSessionId, Vec<LessonId>> = HashMap::new();
    for (session, lesson) in repo::materials(conn, &ids)? {
        materials.entry(session).or_default().push(lesson);
    }
    let titles = titles(conn, &cohort.default_language, sessions)?;
    Ok(sessions
        .iter()
        .map(|s| {
            response_of(
                s,
                cohort,
                materials.remove(&s.id).unwrap_or_default(),
                titles.get(&s.id).unwrap_or(&Vec::new()),
                prefs,
            )
        })
        .collect())
}

fn view(
    conn: &mut DbConn,
    cohort: &Cohort,
    s: &LiveSession,
    prefs: &Preferences,
) -> Result<SessionView, ApiError> {
    let body = responses(conn, cohort, std::slice::from_ref(s), prefs)?
        .pop()
        .ok_or(ApiError::NotFound)?;
    Ok(SessionView {
        etag: s.etag_in(&body.language),
        body,
    })
}

/// 422 naming `material_lesson_ids` unless each lesson exists and belongs to one of the
/// cohort's courses.
fn check_materials(
    conn: &mut DbConn,
    cohort: CohortId,
    lessons: &[LessonId],
) -> Result<(), ApiError> {
    if lessons.is_empty() {
        return Ok(());
    }
    let courses: Vec<CourseId> = cohorts::courses(conn, &[cohort])?
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    let found: HashMap<LessonId, CourseId> =
        repo::lesson_courses(conn, lessons)?.into_iter().collect();
    let mut f = Fields::default();
    for id in lessons {
        match found.get(id) {
            None => f.push(
                "material_lesson_ids",
                "unknown_lesson",
                format!("there is no lesson {id}"),
            ),
            Some(course) if !courses.contains(course) => f.push(
                "material_lesson_ids",
                "lesson_not_in_cohort",
                format!("lesson {id} belongs to course {course}, which the cohort does not run"),
            ),
            Some(_) => {}
        }
    }
    f.finish()
}

/// 409 `cohort_closed` for a cancelled or completed cohort: it takes no new sessions.
fn open_for_sessions(cohort: &Cohort) -> Result<(), ApiError> {
    if matches!(
        cohort.status,
        CohortStatus::Cancelled | CohortStatus::Completed
    ) {
        return Err(ApiError::Conflict {
            code: "cohort_closed",
            detail: format!("the cohort is {}: it takes no new sessions", cohort.status),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------- sessions

/// Plans a session of the cohort (its facilitators, coordinators, admins).
pub fn create(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    fields: SessionFields,
) -> Result<SessionView, ApiError> {
    let cohort = found_cohort(conn, cohort_id)?;
    let access = access(conn, actor, cohort_id)?;
    // The cohort itself is public: whoever may not plan its sessions learns it (403).
    if !access.manage {
        authorize(
            actor,
            Action::ManageCohortSessions {
                is_facilitator: false,
            },
        )?;
    }
    open_for_sessions(&cohort)?;
    check_materials(conn, cohort_id, &fields.material_lesson_ids)?;
    let at = db::now();
    let session = repo::insert(
        conn,
        &NewLiveSession {
            cohort_id,
            title: fields.title,
            audience: fields.audience,
            starts_at: fields.starts_at,
            ends_at: fields.ends_at,
            meeting_url: fields.meeting_url,
            delivery_language: fields
                .delivery_language
                .unwrap_or_else(|| cohort.delivery_language.clone()),
            interpretation_languages: fields.interpretation_languages.map_or_else(
                || cohort.interpretation_languages.clone(),
                |l| join_tags(&l),
            ),
            recording_url: fields.recording_url,
            created_by: Some(actor.id),
            created_at: at,
            updated_at: at,
        },
    )?;
    repo::set_materials(conn, session.id, &fields.material_lesson_ids)?;
    // As written: in the cohort's default language.
    view(conn, &cohort, &session, &Preferences::default())
}

/// The session, its cohort and the caller's access, or 404 when the caller may not read it.
fn readable(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LiveSessionId,
) -> Result<(LiveSession, Cohort, Access), ApiError> {
    let session = found(conn, id)?;
    let access = access(conn, actor, session.cohort_id)?;
    if !access.reads(session.audience) {
        return Err(ApiError::NotFound);
    }
    let cohort = found_cohort(conn, session.cohort_id)?;
    Ok((session, cohort, access))
}

/// The session, locked, its cohort, if the caller manages it (403/404 otherwise).
pub(crate) fn manageable(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LiveSessionId,
) -> Result<(LiveSession, Cohort), ApiError> {
    db::lock_row(conn, "cohort_sessions", id.get())?;
    let session = found(conn, id)?;
    let access = access(conn, actor, session.cohort_id)?;
    must_manage(actor, access, access.reads(session.audience))?;
    let cohort = found_cohort(conn, session.cohort_id)?;
    Ok((session, cohort))
}

/// One session, for those who read it, in the language `prefs` (or else the reader's
/// preferred language) pick.
pub fn get(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LiveSessionId,
    prefs: Preferences,
) -> Result<SessionView, ApiError> {
    let (session, cohort, _) = readable(conn, actor, id)?;
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    view(conn, &cohort, &session, &prefs)
}

/// One page of the cohort's sessions the caller reads, by start; 404 for a caller who
/// reads none of them (and for an unknown cohort).
pub fn list(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    only: Option<Audience>,
    page: &PageRequest<TimeKey>,
    prefs: Preferences,
) -> Result<Page<SessionResponse>, ApiError> {
    let cohort = found_cohort(conn, cohort_id)?;
    let access = access(conn, actor, cohort_id)?;
    let mut audiences = access.audiences();
    if audiences.is_empty() {
        return Err(ApiError::NotFound);
    }
    if let Some(only) = only {
        audiences.retain(|a| *a == only);
    }
    let after = page
        .after
        .as_ref()
        .map(|(at, id)| (at.0, LiveSessionId(*id)));
    let rows = if audiences.is_empty() {
        Vec::new()
    } else {
        repo::list(conn, cohort_id, &audiences, after, page.fetch_limit())?
    };
    let rows = page.finish(
        rows,
        SESSION_SORT,
        |s| (TimeKey(s.starts_at), s.id.get()),
        |s| s,
    );
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    let items = responses(conn, &cohort, &rows.items, &prefs)?;
    Ok(Page {
        items,
        next_cursor: rows.next_cursor,
    })
}

/// Changes a session (its facilitators, coordinators, admins), if it is still the
/// version `if_match` names; a change to nothing writes nothing.
pub fn update(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LiveSessionId,
    patch: SessionPatch,
    if_match: Option<&IfMatch>,
) -> Result<SessionView, ApiError> {
    let (session, cohort) = manageable(conn, actor, id)?;
    session.check_if_match(if_match)?;
    let starts_at = patch.starts_at.unwrap_or(session.starts_at);
    let ends_at = patch.ends_at.unwrap_or(session.ends_at);
    check_times(starts_at, ends_at)?;
    let current_materials: Vec<LessonId> = repo::materials(conn, &[id])?
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    let materials = patch
        .material_lesson_ids
        .clone()
        .filter(|m| *m != current_materials);
    if let Some(m) = &materials {
        check_materials(conn, cohort.id, m)?;
    }
    fn changed<T: PartialEq + Clone>(from: &T, to: Option<&T>) -> Option<T> {
        to.filter(|t| *t != from).cloned()
    }
    let languages = patch
        .interpretation_languages
        .as_ref()
        .map(|l| join_tags(l));
    let changes = SessionChanges {
        title: changed(&session.title, patch.title.as_ref()),
        audience: changed(&session.audience, patch.audience.as_ref()),
        starts_at: changed(&session.starts_at, patch.starts_at.as_ref()),
        ends_at: changed(&session.ends_at, patch.ends_at.as_ref()),
        meeting_url: changed(&session.meeting_url, patch.meeting_url.as_ref()),
        delivery_language: changed(&session.delivery_language, patch.delivery_language.as_ref()),
        interpretation_languages: changed(&session.interpretation_languages, languages.as_ref()),
        recording_url: changed(&session.recording_url, patch.recording_url.as_ref()),
        updated_at: None,
        version: None,
    };
    let nothing = changes.title.is_none()
        && changes.audience.is_none()
        && changes.starts_at.is_none()
        && changes.ends_at.is_none()
        && changes.meeting_url.is_none()
        && changes.delivery_language.is_none()
        && changes.interpretation_languages.is_none()
        && changes.recording_url.is_none()
        && materials.is_none();
    if nothing {
        return view(conn, &cohort, &session, &Preferences::default());
    }
    if let Some(m) = &materials {
        repo::set_materials(conn, id, m)?;
    }
    let session = repo::update(
        conn,
        id,
        &SessionChanges {
            updated_at: Some(db::now()),
            version: Some(session.version + 1),
            ..changes
        },
    )?;
    view(conn, &cohort, &session, &Preferences::default())
}

/// Writes the session's title in `language` (its facilitators, coordinators, admins): in the
/// cohort's default language that is the session's own title. Every change is a new
/// version; writing the title it has changes nothing. Answers the session in `language`.
pub fn put_translation(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LiveSessionId,
    language: String,
    title: String,
) -> Result<(SessionView, Written), ApiError> {
    let (session, cohort) = manageable(conn, actor, id)?;
    let prefs = Preferences::only(&language);
    let written = if language == cohort.default_language {
        if session.title == title {
            Written::Unchanged
        } else {
            Written::Changed
        }
    } else {
        match repo::translations(conn, &[id])?
            .into_iter()
            .find(|t| t.language == language)
        {
            None => Written::Created,
            Some(t) if t.title == title => Written::Unchanged,
            Some(_) => Written::Changed,
        }
    };
    if written == Written::Unchanged {
        return Ok((view(conn, &cohort, &session, &prefs)?, written));
    }
    let own_title = if language == cohort.default_language {
        Some(title.clone())
    } else {
        repo::put_translation(
            conn,
            &SessionTranslation {
                session_id: id,
                language: language.clone(),
                title,
            },
        )?;
        None
    };
    let session = repo::update(
        conn,
        id,
        &SessionChanges {
            title: own_title,
            updated_at: Some(db::now()),
            version: Some(session.version + 1),
            ..SessionChanges::default()
        },
    )?;
    Ok((view(conn, &cohort, &session, &prefs)?, written))
}

/// Deletes a session with its attendance (its facilitators, coordinators, admins), if it
/// is still the version `if_match` names.
pub fn delete(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LiveSessionId,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    let (session, _) = manageable(conn, actor, id)?;
    session.check_if_match(if_match)?;
    repo::delete(conn, id)?;
    Ok(())
}

// ---------------------------------------------------------------- check-in codes

/// Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters of a check-in code.
pub const CODE_LENGTH: usize = 8;
/// How long after the session's end its code still works.
pub const CODE_GRACE: TimeDelta = TimeDelta::minutes(30);
/// The least time a new code works, even for a session that is over.
pub const CODE_MIN_LIFE: TimeDelta = TimeDelta::minutes(15);

fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LENGTH)
        .map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())]))
        .collect()
}

/// A new check-in code for the session (its facilitators, coordinators, admins), ending
/// the one before; it works until 30 minutes after the session's end (at least 15 minutes).
pub fn rotate_code(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LiveSessionId,
    now: NaiveDateTime,
) -> Result<CheckInCodeResponse, ApiError> {
    let (session, _) = manageable(conn, actor, id)?;
    let code = new_code();
    let expires_at = (session.ends_at + CODE_GRACE).max(now + CODE_MIN_LIFE);
    repo::put_code(conn, id, &code, expires_at, actor.id, now)?;
    Ok(CheckInCodeResponse {
        session_id: id,
        code,
        expires_at: expires_at.and_utc(),
    })
}

/// The session's current check-in code (its facilitators, coordinators, admins); 404
/// when none was made.
pub fn current_code(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LiveSessionId,
) -> Result<CheckInCodeResponse, ApiError> {
    let session = found(conn, id)?;
    let access = access(conn, actor, session.cohort_id)?;
    must_manage(actor, access, access.reads(session.audience))?;
    let (code, expires_at) = repo::code(conn, id)?.ok_or(ApiError::NotFound)?;
    Ok(CheckInCodeResponse {
        session_id: id,
        code,
        expires_at: expires_at.and_utc(),
    })
}

/// The code a check-in sent was wrong: 422 `wrong_code` on `code`.
pub fn wrong_code() -> ApiError {
    ApiError::invalid_field(
        "code",
        "wrong_code",
        "this is not the session's check-in code; ask the facilitator",
    )
}

/// Whether `err` is a wrong check-in code (a guess, counted by the throttle).
pub fn is_wrong_code(err: &ApiError) -> bool {
    matches!(err, ApiError::Validation(errors) if errors.iter().any(|e| e.code == "wrong_code"))
}

/// A participant (or, for a briefing, an invited leader) checks in with the session's
/// code: their attendance from `now` until the end. `true` when it was recorded now,
/// `false` when they had attendance already (which stays).
pub fn check_in(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LiveSessionId,
    code: &str,
    now: NaiveDateTime,
) -> Result<(AttendanceResponse, bool, CohortId), ApiError> {
    let (session, _, access) = readable(conn, actor, id)?;
    if !access.attends(session.audience) {
        return Err(ApiError::forbidden(
            "not_a_participant",
            "only the session's audience checks in; facilitators record attendance instead",
        ));
    }
    let (stored, expires_at) = repo::code(conn, id)?.ok_or_else(wrong_code)?;
    if !constant_time_eq(stored.as_bytes(), code.as_bytes()) {
        return Err(wrong_code());
    }
    if now > expires_at {
        return Err(ApiError::invalid_field(
            "code",
            "code_expired",
            "the check-in code has expired; ask the facilitator for a new one",
        ));
    }
    if let Some(existing) = repo::attendance(conn, id, actor.id)? {
        let name = name_of(conn, actor.id)?;
        return Ok((
            attendance_response(existing, name),
            false,
            session.cohort_id,
        ));
    }
    let row = Attendance {
        session_id: id,
        user_id: actor.id,
        joined_at: now,
        left_at: None,
        minutes: minutes_within(session.starts_at, session.ends_at, &[(now, None)]),
        source: AttendanceSource::CheckIn,
        recorded_by: Some(actor.id),
        recorded_at: now,
    };
    repo::put_attendance(conn, &row)?;
    let name = name_of(conn, actor.id)?;
    Ok((attendance_response(row, name), true, session.cohort_id))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ---------------------------------------------------------------- attendance

fn name_of(conn: &mut DbConn, user: UserId) -> Result<String, ApiError> {
    Ok(repo::names(conn, &[user])?
        .pop()
        .map(|(_, n)| n)
        .unwrap_or_default())
}

/// The answer for one attendance record.
pub fn attendance_response(a: Attendance, display_name: String) -> AttendanceResponse {
    AttendanceResponse {
        session_id: a.session_id,
        user_id: a.user_id,
        display_name,
        joined_at: a.joined_at.and_utc(),
        left_at: a.left_at.map(|l| l.and_utc()),
        minutes_attended: a.minutes,
        source: a.source,
        recorded_at: a.recorded_at.and_utc(),
    }
}

/// The people a session is for: the cohort's accepted participants, or for a briefing
/// the leaders of the invited organisations.
pub fn audience_of(conn: &mut DbConn, session: &LiveSession) -> Result<Vec<UserId>, ApiError> {
    Ok(match session.audience {
        Audience::Participants => nominations::participants(conn, session.cohort_id)?,
        Audience::Leaders => repo::invited_leaders(conn, session.cohort_id)?,
    })
}

/// A facilitator (or coordinator) records a participant's attendance, replacing what was
/// recorded; `true` when the participant had none.
pub fn record(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LiveSessionId,
    user: UserId,
    (joined_at, left_at): (NaiveDateTime, Option<NaiveDateTime>),
) -> Result<(AttendanceResponse, bool), ApiError> {
    let (session, _) = manageable(conn, actor, id)?;
    if !audience_of(conn, &session)?.contains(&user) {
        return Err(ApiError::invalid_field(
            "user_id",
            "not_a_participant",
            format!("account {user} is not in this session's audience"),
        ));
    }
    let created = repo::attendance(conn, id, user)?.is_none();
    let at = db::now();
    let row = Attendance {
        session_id: id,
        user_id: user,
        joined_at,
        left_at,
        minutes: minutes_within(session.starts_at, session.ends_at, &[(joined_at, left_at)]),
        source: AttendanceSource::Facilitator,
        recorded_by: Some(actor.id),
        recorded_at: at,
    };
    repo::put_attendance(conn, &row)?;
    Ok((attendance_response(row, name_of(conn, user)?), created))
}

/// Removes a participant's attendance (its facilitators, coordinators); nothing to
/// remove is no error.
pub fn unrecord(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LiveSessionId,
    user: UserId,
) -> Result<(), ApiError> {
    manageable(conn, actor, id)?;
    repo::delete_attendance(conn, id, user)?;
    Ok(())
}

/// One page of a session's attendance, by user id (its facilitators, coordinators).
pub fn list_attendance(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LiveSessionId,
    page: &PageRequest<i64>,
) -> Result<Page<AttendanceResponse>, ApiError> {
    let session = found(conn, id)?;
    let access = access(conn, actor, session.cohort_id)?;
    must_manage(actor, access, access.reads(session.audience))?;
    let after = page.after.as_ref().map(|(_, id)| UserId(*id));
    let rows = repo::list_attendance(conn, id, after, page.fetch_limit())?;
    Ok(page.finish(
        rows,
        ATTENDANCE_SORT,
        |(a, _)| (a.user_id.get(), a.user_id.get()),
        |(a, name)| attendance_response(a, name),
    ))
}

/// The caller's own attendance of the cohort's sessions, by start; 404 for a caller who
/// reads none of its sessions.
pub fn own_attendance(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort: CohortId,
) -> Result<Vec<AttendanceResponse>, ApiError> {
    found_cohort(conn, cohort)?;
    let access = access(conn, actor, cohort)?;
    if access.audiences().is_empty() {
        return Err(ApiError::NotFound);
    }
    let name = name_of(conn, actor.id)?;
    Ok(repo::own_attendance(conn, cohort, actor.id)?
        .into_iter()
        .map(|a| attendance_response(a, name.clone()))
        .collect())
}
