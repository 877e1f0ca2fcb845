//! Queries on live sessions, their materials, check-in codes, attendance, calendar feeds
//! and reminder claims: `QueryResult`, nothing of HTTP.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::cohorts::nominations::model::NominationStatus;
use crate::cohorts::sessions::model::{
    Attendance, Audience, LiveSession, NewLiveSession, ReminderKind, SessionChanges,
    SessionTranslation,
};
use crate::db::DbConn;
use crate::db::schema::{
    calendar_feeds, call_countries, call_organisations, cohort_facilitators, cohort_sessions,
    lessons, memberships, nominations, organisations, session_attendance, session_check_in_codes,
    session_materials, session_reminders, session_translations, users,
};
use crate::organisations::model::{MembershipRole, MembershipStatus};
use crate::types::{CohortId, CourseId, LessonId, LiveSessionId, OrganisationId, UserId};

/// One session by id.
pub fn find(conn: &mut DbConn, id: LiveSessionId) -> QueryResult<Option<LiveSession>> {
    cohort_sessions::table
        .find(id)
        .select(LiveSession::as_select())
        .first(conn)
        .optional()
}

/// Inserts one session.
pub fn insert(conn: &mut DbConn, new: &NewLiveSession) -> QueryResult<LiveSession> {
    diesel::insert_into(cohort_sessions::table)
        .values(new)
        .returning(cohort_sessions::all_columns)
        .get_result(conn)
}

/// Applies changes to one session.
pub fn update(
    conn: &mut DbConn,
    id: LiveSessionId,
    changes: &SessionChanges,
) -> QueryResult<LiveSession> {
    diesel::update(cohort_sessions::table.find(id))
        .set(changes)
        .returning(cohort_sessions::all_columns)
        .get_result(conn)
}

/// The titles of the sessions `ids` in other languages than their cohorts' default.
pub fn translations(
    conn: &mut DbConn,
    ids: &[LiveSessionId],
) -> QueryResult<Vec<SessionTranslation>> {
    session_translations::table
        .filter(session_translations::session_id.eq_any(ids))
        .order((
            session_translations::session_id,
            session_translations::language,
        ))
        .select(SessionTranslation::as_select())
        .load(conn)
}

/// Writes a session's title in one language, replacing what was there.
pub fn put_translation(conn: &mut DbConn, row: &SessionTranslation) -> QueryResult<()> {
    diesel::delete(session_translations::table.find((row.session_id, &row.language)))
        .execute(conn)?;
    diesel::insert_into(session_translations::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Deletes one session; its materials, code, attendance and reminders go with it.
pub fn delete(conn: &mut DbConn, id: LiveSessionId) -> QueryResult<usize> {
    diesel::delete(cohort_sessions::table.find(id)).execute(conn)
}

/// One page of a cohort's sessions for `audiences`, by start then id, after `after`.
pub fn list(
    conn: &mut DbConn,
    cohort: CohortId,
    audiences: &[Audience],
    after: Option<(NaiveDateTime, LiveSessionId)>,
    limit: i64,
) -> QueryResult<Vec<LiveSession>> {
    let mut query = cohort_sessions::table
        .filter(cohort_sessions::cohort_id.eq(cohort))
        .filter(cohort_sessions::audience.eq_any(audiences.to_vec()))
        .select(LiveSession::as_select())
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            cohort_sessions::starts_at
                .gt(at)
                .or(cohort_sessions::starts_at
                    .eq(at)
                    .and(cohort_sessions::id.gt(id))),
        );
    }
    query
        .order((cohort_sessions::starts_at.asc(), cohort_sessions::id.asc()))
        .limit(limit)
        .load(conn)
}

/// The sessions of a feed: of `all_of` cohorts every session, of `participant_of` the
/// participants' sessions, of `leader_of` the briefings; from `since` on, by start,
/// `limit` at most.
pub fn for_feed(
    conn: &mut DbConn,
    all_of: &[CohortId],
    participant_of: &[CohortId],
    leader_of: &[CohortId],
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<LiveSession>> {
    cohort_sessions::table
        .filter(cohort_sessions::ends_at.ge(since))
        .filter(
            cohort_sessions::cohort_id
                .eq_any(all_of.to_vec())
                .or(cohort_sessions::cohort_id
                    .eq_any(participant_of.to_vec())
                    .and(cohort_sessions::audience.eq(Audience::Participants)))
                .or(cohort_sessions::cohort_id
                    .eq_any(leader_of.to_vec())
                    .and(cohort_sessions::audience.eq(Audience::Leaders))),
        )
        .select(LiveSession::as_select())
        .order((cohort_sessions::starts_at.asc(), cohort_sessions::id.asc()))
        .limit(limit)
        .load(conn)
}

/// The sessions starting after `from` and at or before `to`: those a reminder may be
/// due for.
pub fn starting_between(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<LiveSession>> {
    cohort_sessions::table
        .filter(cohort_sessions::starts_at.gt(from))
        .filter(cohort_sessions::starts_at.le(to))
        .select(LiveSession::as_select())
        .order((cohort_sessions::starts_at.asc(), cohort_sessions::id.asc()))
        .load(conn)
}

/// The materials of the sessions `ids`, in each session's order.
pub fn materials(
    conn: &mut DbConn,
    ids: &[LiveSessionId],
) -> QueryResult<Vec<(LiveSessionId, LessonId)>> {
    session_materials::table
        .filter(session_materials::session_id.eq_any(ids.to_vec()))
        .select((session_materials::session_id, session_materials::lesson_id))
        .order((
            session_materials::session_id.asc(),
            session_materials::position.asc(),
        ))
        .load(conn)
}

/// Replaces a session's materials, in the order given.
pub fn set_materials(
    conn: &mut DbConn,
    id: LiveSessionId,
    lessons: &[LessonId],
) -> QueryResult<()> {
    diesel::delete(session_materials::table.filter(session_materials::session_id.eq(id)))
        .execute(conn)?;
    for (position, lesson) in (1..).zip(lessons) {
        diesel::insert_into(session_materials::table)
            .values((
                session_materials::session_id.eq(id),
                session_materials::lesson_id.eq(*lesson),
                session_materials::position.eq(position),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The course of each existing (not deleted) lesson of `ids`.
pub fn lesson_courses(
    conn: &mut DbConn,
    ids: &[LessonId],
) -> QueryResult<Vec<(LessonId, CourseId)>> {
    lessons::table
        .filter(lessons::id.eq_any(ids.to_vec()))
        .filter(lessons::deleted_at.is_null())
        .select((lessons::id, lessons::course_id))
        .load(conn)
}

// ---------------------------------------------------------------- audiences

/// The organisations the cohort's call invites: by name, or through an invited country.
fn invited_organisations(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<OrganisationId>> {
    let mut ids: Vec<OrganisationId> = call_organisations::table
        .filter(call_organisations::cohort_id.eq(cohort))
        .filter(call_organisations::invited.eq(true))
        .select(call_organisations::organisation_id)
        .load(conn)?;
    let countries: Vec<String> = call_countries::table
        .filter(call_countries::cohort_id.eq(cohort))
        .filter(call_countries::invited.eq(true))
        .select(call_countries::country)
        .load(conn)?;
    if !countries.is_empty() {
        ids.extend(
            organisations::table
                .filter(organisations::country.eq_any(countries))
                .select(organisations::id)
                .load::<OrganisationId>(conn)?,
        );
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// The audience of the cohort's leader briefings: the approved leaders of the
/// organisations its call invites, by user id.
pub fn invited_leaders(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<UserId>> {
    let orgs = invited_organisations(conn, cohort)?;
    if orgs.is_empty() {
        return Ok(Vec::new());
    }
    memberships::table
        .filter(memberships::organisation_id.eq_any(orgs))
        .filter(memberships::role.eq(MembershipRole::Leader))
        .filter(memberships::status.eq(MembershipStatus::Approved))
        .select(memberships::user_id)
        .distinct()
        .order(memberships::user_id.asc())
        .load(conn)
}

/// Whether `user` is an approved leader of an organisation the cohort's call invites.
pub fn is_invited_leader(conn: &mut DbConn, cohort: CohortId, user: UserId) -> QueryResult<bool> {
    let led: Vec<(OrganisationId, String)> = memberships::table
        .inner_join(organisations::table)
        .filter(memberships::user_id.eq(user))
        .filter(memberships::role.eq(MembershipRole::Leader))
        .filter(memberships::status.eq(MembershipStatus::Approved))
        .select((organisations::id, organisations::country))
        .load(conn)?;
    if led.is_empty() {
        return Ok(false);
    }
    let orgs: Vec<OrganisationId> = led.iter().map(|(o, _)| *o).collect();
    let countries: Vec<String> = led.into_iter().map(|(_, c)| c).collect();
    let by_name: bool = diesel::select(diesel::dsl::exists(
        call_organisations::table
            .filter(call_organisations::cohort_id.eq(cohort))
            .filter(call_organisations::invited.eq(true))
            .filter(call_organisations::organisation_id.eq_any(orgs)),
    ))
    .get_result(conn)?;
    if by_name {
        return Ok(true);
    }
    diesel::select(diesel::dsl::exists(
        call_countries::table
            .filter(call_countries::cohort_id.eq(cohort))
            .filter(call_countries::invited.eq(true))
            .filter(call_countries::country.eq_any(countries)),
    ))
    .get_result(conn)
}

/// The cohorts whose calls invite an organisation `user` leads (by name or country).
pub fn cohorts_inviting_leader(conn: &mut DbConn, user: UserId) -> QueryResult<Vec<CohortId>> {
    let led: Vec<(OrganisationId, String)> = memberships::table
        .inner_join(organisations::table)
        .filter(memberships::user_id.eq(user))
        .filter(memberships::role.eq(MembershipRole::Leader))
        .filter(memberships::status.eq(MembershipStatus::Approved))
        .select((organisations::id, organisations::country))
        .load(conn)?;
    if led.is_empty() {
        return Ok(Vec::new());
    }
    let orgs: Vec<OrganisationId> = led.iter().map(|(o, _)| *o).collect();
    let countries: Vec<String> = led.into_iter().map(|(_, c)| c).collect();
    let mut ids: Vec<CohortId> = call_organisations::table
        .filter(call_organisations::invited.eq(true))
        .filter(call_organisations::organisation_id.eq_any(orgs))
        .select(call_organisations::cohort_id)
        .load(conn)?;
    ids.extend(
        call_countries::table
            .filter(call_countries::invited.eq(true))
            .filter(call_countries::country.eq_any(countries))
            .select(call_countries::cohort_id)
            .load::<CohortId>(conn)?,
    );
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// The cohorts `user` facilitates.
pub fn facilitated_cohorts(conn: &mut DbConn, user: UserId) -> QueryResult<Vec<CohortId>> {
    cohort_facilitators::table
        .filter(cohort_facilitators::user_id.eq(user))
        .select(cohort_facilitators::cohort_id)
        .load(conn)
}

/// The cohorts `user` is an accepted participant of.
pub fn participant_cohorts(conn: &mut DbConn, user: UserId) -> QueryResult<Vec<CohortId>> {
    nominations::table
        .filter(nominations::nominee_id.eq(user))
        .filter(nominations::status.eq(NominationStatus::Accepted))
        .select(nominations::cohort_id)
        .load(conn)
}

// ---------------------------------------------------------------- check-in codes

/// A session's check-in code and when it expires.
pub fn code(
    conn: &mut DbConn,
    session: LiveSessionId,
) -> QueryResult<Option<(String, NaiveDateTime)>> {
    session_check_in_codes::table
        .find(session)
        .select((
            session_check_in_codes::code,
            session_check_in_codes::expires_at,
        ))
        .first(conn)
        .optional()
}

/// Replaces a session's check-in code.
pub fn put_code(
    conn: &mut DbConn,
    session: LiveSessionId,
    code: &str,
    expires_at: NaiveDateTime,
    by: UserId,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(session_check_in_codes::table.find(session)).execute(conn)?;
    diesel::insert_into(session_check_in_codes::table)
        .values((
            session_check_in_codes::session_id.eq(session),
            session_check_in_codes::code.eq(code),
            session_check_in_codes::expires_at.eq(expires_at),
            session_check_in_codes::created_by.eq(Some(by)),
            session_check_in_codes::created_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

// ---------------------------------------------------------------- attendance

/// One person's attendance of a session.
pub fn attendance(
    conn: &mut DbConn,
    session: LiveSessionId,
    user: UserId,
) -> QueryResult<Option<Attendance>> {
    session_attendance::table
        .find((session, user))
        .select(Attendance::as_select())
        .first(conn)
        .optional()
}

/// Writes one person's attendance of a session, replacing what was recorded.
pub fn put_attendance(conn: &mut DbConn, row: &Attendance) -> QueryResult<()> {
    diesel::delete(session_attendance::table.find((row.session_id, row.user_id))).execute(conn)?;
    diesel::insert_into(session_attendance::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Removes one person's attendance of a session.
pub fn delete_attendance(
    conn: &mut DbConn,
    session: LiveSessionId,
    user: UserId,
) -> QueryResult<usize> {
    diesel::delete(session_attendance::table.find((session, user))).execute(conn)
}

/// One page of a session's attendance with each person's display name, by user id.
pub fn list_attendance(
    conn: &mut DbConn,
    session: LiveSessionId,
    after: Option<UserId>,
    limit: i64,
) -> QueryResult<Vec<(Attendance, String)>> {
    let mut query = session_attendance::table
        .inner_join(users::table)
        .filter(session_attendance::session_id.eq(session))
        .select((Attendance::as_select(), users::display_name))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(session_attendance::user_id.gt(after));
    }
    query
        .order(session_attendance::user_id.asc())
        .limit(limit)
        .load(conn)
}

/// `user`'s attendance of the sessions of a cohort, by session start.
pub fn own_attendance(
    conn: &mut DbConn,
    cohort: CohortId,
    user: UserId,
) -> QueryResult<Vec<Attendance>> {
    session_attendance::table
        .inner_join(cohort_sessions::table)
        .filter(cohort_sessions::cohort_id.eq(cohort))
        .filter(session_attendance::user_id.eq(user))
        .select(Attendance::as_select())
        .order((cohort_sessions::starts_at.asc(), cohort_sessions::id.asc()))
        .load(conn)
}

/// The accounts (not erased) with these normalised addresses: (address, id, name).
pub fn users_by_email(
    conn: &mut DbConn,
    emails: &[String],
) -> QueryResult<Vec<(String, UserId, String)>> {
    users::table
        .filter(users::email_normalized.eq_any(emails.to_vec()))
        .filter(users::deleted_at.is_null())
        .select((
            users::email_normalized.assume_not_null(),
            users::id,
            users::display_name,
        ))
        .load(conn)
}

/// Display names of `ids`.
pub fn names(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<(UserId, String)>> {
    users::table
        .filter(users::id.eq_any(ids.to_vec()))
        .select((users::id, users::display_name))
        .load(conn)
}

// ---------------------------------------------------------------- calendar feeds

/// Ends `user`'s feed (of one cohort, or their own when `cohort` is `None`).
pub fn delete_feed(
    conn: &mut DbConn,
    user: UserId,
    cohort: Option<CohortId>,
) -> QueryResult<usize> {
    let mine = calendar_feeds::table.filter(calendar_feeds::user_id.eq(user));
    match cohort {
        Some(c) => diesel::delete(mine.filter(calendar_feeds::cohort_id.eq(c))).execute(conn),
        None => diesel::delete(mine.filter(calendar_feeds::cohort_id.is_null())).execute(conn),
    }
}

/// Adds a feed.
pub fn insert_feed(
    conn: &mut DbConn,
    user: UserId,
    cohort: Option<CohortId>,
    token_hash: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(calendar_feeds::table)
        .values((
            calendar_feeds::user_id.eq(user),
            calendar_feeds::cohort_id.eq(cohort),
            calendar_feeds::token_hash.eq(token_hash),
            calendar_feeds::created_at.eq(at),
        ))
        .execute(conn)
}

/// The owner and cohort of the feed with this token hash.
pub fn feed_by_hash(
    conn: &mut DbConn,
    token_hash: &str,
) -> QueryResult<Option<(UserId, Option<CohortId>)>> {
    calendar_feeds::table
        .filter(calendar_feeds::token_hash.eq(token_hash))
        .select((calendar_feeds::user_id, calendar_feeds::cohort_id))
        .first(conn)
        .optional()
}

// ---------------------------------------------------------------- reminders

/// Claims the reminder `kind` of `session` to `user`: `true` when this call claimed it,
/// `false` when it was claimed before (by this or another instance). The claim commits or
/// rolls back with the caller's transaction, and so with the email it sends.
pub fn claim_reminder(
    conn: &mut DbConn,
    session: LiveSessionId,
    user: UserId,
    kind: ReminderKind,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let row = (
        session_reminders::session_id.eq(session),
        session_reminders::user_id.eq(user),
        session_reminders::kind.eq(kind),
        session_reminders::sent_at.eq(at),
    );
    let inserted = match conn {
        DbConn::Sqlite(c) => diesel::insert_or_ignore_into(session_reminders::table)
            .values(row)
            .execute(c)?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => diesel::insert_into(session_reminders::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(inserted == 1)
}

/// The people already reminded of `session` with `kind`.
pub fn reminded(
    conn: &mut DbConn,
    session: LiveSessionId,
    kind: ReminderKind,
) -> QueryResult<Vec<UserId>> {
    session_reminders::table
        .filter(session_reminders::session_id.eq(session))
        .filter(session_reminders::kind.eq(kind))
        .select(session_reminders::user_id)
        .load(conn)
}

/// The role and status of an account that is not erased.
pub fn account(conn: &mut DbConn, id: UserId) -> QueryResult<Option<(String, String)>> {
    users::table
        .find(id)
        .filter(users::deleted_at.is_null())
        .select((users::role, users::status))
        .first(conn)
        .optional()
}
