//! Queries of language access: source versions, recorded versions, translators, drafts,
//! requests and the glossary. The translator's queue and the request totals are one SQL
//! statement each, written once with `?` placeholders ([`db::numbered`] for PostgreSQL).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use crate::db::schema::{
    glossary_entries, memberships, translation_drafts, translation_requests, translation_sources,
    translation_versions, translators, users,
};
use crate::db::{self, DbConn, any_of};
use crate::translations::model::{
    DraftStatus, GlossaryEntry, GlossaryEntryChanges, NewGlossaryEntry, NewTranslationDraft,
    NewTranslationRequest, Requested, TextKind, TranslationDraft, TranslationRequest,
};
use crate::types::ids::{CourseId, GlossaryEntryId, TranslationDraftId, UserId};

/// Runs a raw statement with binds on either backend, loading rows of `$row`.
macro_rules! load_sql {
    ($conn:expr, $sql:expr, $row:ty, [$(($t:ty, $v:expr)),* $(,)?]) => {
        match $conn {
            DbConn::Sqlite(c) => diesel::sql_query($sql)$(.bind::<$t, _>($v))*.load::<$row>(c),
            #[cfg(feature = "postgres")]
            DbConn::Pg(c) => {
                diesel::sql_query(db::numbered($sql))$(.bind::<$t, _>($v))*.load::<$row>(c)
            }
        }
    };
}

// ---------------------------------------------------------------- versions

/// The current source versions (and when they changed) of some items; an item without a
/// row is at version 1.
pub fn sources(
    conn: &mut DbConn,
    kind: TextKind,
    ids: &[i64],
) -> QueryResult<HashMap<i64, (i64, NaiveDateTime)>> {
    let rows: Vec<(i64, i64, NaiveDateTime)> = translation_sources::table
        .filter(translation_sources::item_kind.eq(kind.as_str()))
        .filter(any_of(translation_sources::item_id, ids.iter().copied()))
        .select((
            translation_sources::item_id,
            translation_sources::version,
            translation_sources::changed_at,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, v, at)| (id, (v, at))).collect())
}

/// The current source version of one item.
pub fn source_version(conn: &mut DbConn, kind: TextKind, id: i64) -> QueryResult<i64> {
    Ok(sources(conn, kind, &[id])?.get(&id).map_or(1, |s| s.0))
}

/// A new source version of an item: its translations become outdated.
pub fn bump_source(
    conn: &mut DbConn,
    kind: TextKind,
    id: i64,
    course_id: Option<CourseId>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    db::update_or_insert!(
        conn,
        translation_sources::table
            .filter(translation_sources::item_kind.eq(kind.as_str()))
            .filter(translation_sources::item_id.eq(id)),
        (
            translation_sources::version.eq(translation_sources::version + 1),
            translation_sources::changed_at.eq(at),
        ),
        translation_sources::table,
        (
            translation_sources::item_kind.eq(kind.as_str()),
            translation_sources::item_id.eq(id),
            translation_sources::course_id.eq(course_id),
            translation_sources::version.eq(2_i64),
            translation_sources::changed_at.eq(at),
        ),
    )
    .map(drop)
}

/// The source versions translations of some items record: (item, language, version). An
/// existing translation without a row translates version 1.
pub fn recorded(
    conn: &mut DbConn,
    kind: TextKind,
    ids: &[i64],
) -> QueryResult<HashMap<(i64, String), i64>> {
    let rows: Vec<(i64, String, i64)> = translation_versions::table
        .filter(translation_versions::item_kind.eq(kind.as_str()))
        .filter(any_of(translation_versions::item_id, ids.iter().copied()))
        .select((
            translation_versions::item_id,
            translation_versions::language,
            translation_versions::source_version,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(|(i, l, v)| ((i, l), v)).collect())
}

/// Records that the translation of an item into `language` translates source `version`.
pub fn record_version(
    conn: &mut DbConn,
    kind: TextKind,
    id: i64,
    language: &str,
    version: i64,
) -> QueryResult<()> {
    db::update_or_insert!(
        conn,
        translation_versions::table
            .filter(translation_versions::item_kind.eq(kind.as_str()))
            .filter(translation_versions::item_id.eq(id))
            .filter(translation_versions::language.eq(language)),
        translation_versions::source_version.eq(version),
        translation_versions::table,
        (
            translation_versions::item_kind.eq(kind.as_str()),
            translation_versions::item_id.eq(id),
            translation_versions::language.eq(language),
            translation_versions::source_version.eq(version),
        ),
    )
    .map(drop)
}

// ---------------------------------------------------------------- translators

/// The languages a user translates into, sorted.
pub fn languages_of(conn: &mut DbConn, user: UserId) -> QueryResult<Vec<String>> {
    translators::table
        .filter(translators::user_id.eq(user))
        .order(translators::language.asc())
        .select(translators::language)
        .load(conn)
}

/// Whether a user translates into `language`.
pub fn holds(conn: &mut DbConn, user: UserId, language: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        translators::table
            .filter(translators::user_id.eq(user))
            .filter(translators::language.eq(language)),
    ))
    .get_result(conn)
}

/// Grants a language; whether it is new.
pub fn grant(
    conn: &mut DbConn,
    user: UserId,
    language: &str,
    by: UserId,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let row = (
        translators::user_id.eq(user),
        translators::language.eq(language),
        translators::granted_by.eq(Some(by)),
        translators::granted_at.eq(at),
    );
    Ok(db::insert_or_ignore!(conn, translators::table, row)? == 1)
}

/// Revokes a language; how many rows went.
pub fn revoke(conn: &mut DbConn, user: UserId, language: &str) -> QueryResult<usize> {
    diesel::delete(
        translators::table
            .filter(translators::user_id.eq(user))
            .filter(translators::language.eq(language)),
    )
    .execute(conn)
}

/// An active account's display name, email, preferred language and country.
pub type Contact = (String, Option<String>, String, Option<String>);

/// The contact details of an active, not deleted account.
pub fn contact(conn: &mut DbConn, user: UserId) -> QueryResult<Option<Contact>> {
    users::table
        .find(user)
        .filter(users::deleted_at.is_null())
        .filter(users::status.eq("active"))
        .select((
            users::display_name,
            users::email,
            users::preferred_language,
            users::country,
        ))
        .first(conn)
        .optional()
}

/// Whether a user is an approved member of some organisation (a member union).
pub fn is_union_member(conn: &mut DbConn, user: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        memberships::table
            .filter(memberships::user_id.eq(user))
            .filter(memberships::status.eq("approved")),
    ))
    .get_result(conn)
}

// ---------------------------------------------------------------- drafts

/// Inserts a draft.
pub fn insert_draft(conn: &mut DbConn, new: &NewTranslationDraft) -> QueryResult<TranslationDraft> {
    diesel::insert_into(translation_drafts::table)
        .values(new)
        .returning(translation_drafts::all_columns)
        .get_result(conn)
}

/// One draft.
pub fn find_draft(
    conn: &mut DbConn,
    id: TranslationDraftId,
) -> QueryResult<Option<TranslationDraft>> {
    translation_drafts::table
        .find(id)
        .select(TranslationDraft::as_select())
        .first(conn)
        .optional()
}

/// Records a review of a draft.
pub fn review_draft(
    conn: &mut DbConn,
    id: TranslationDraftId,
    status: DraftStatus,
    reviewer: UserId,
    at: NaiveDateTime,
) -> QueryResult<TranslationDraft> {
    diesel::update(translation_drafts::table.find(id))
        .set((
            translation_drafts::status.eq(status),
            translation_drafts::reviewed_by.eq(Some(reviewer)),
            translation_drafts::reviewed_at.eq(Some(at)),
        ))
        .returning(translation_drafts::all_columns)
        .get_result(conn)
}

/// Marks the pending drafts of a text in a language superseded.
pub fn supersede_pending(
    conn: &mut DbConn,
    kind: TextKind,
    id: i64,
    language: &str,
) -> QueryResult<usize> {
    diesel::update(
        translation_drafts::table
            .filter(translation_drafts::item_kind.eq(kind))
            .filter(translation_drafts::item_id.eq(id))
            .filter(translation_drafts::language.eq(language))
            .filter(translation_drafts::status.eq(DraftStatus::Pending)),
    )
    .set(translation_drafts::status.eq(DraftStatus::Superseded))
    .execute(conn)
}

/// The pending drafts of a course: (kind, item, language) → draft id.
pub fn pending_of_course(
    conn: &mut DbConn,
    course: CourseId,
) -> QueryResult<HashMap<(TextKind, i64, String), TranslationDraftId>> {
    let rows: Vec<(TextKind, i64, String, TranslationDraftId)> = translation_drafts::table
        .filter(translation_drafts::course_id.eq(course))
        .filter(translation_drafts::status.eq(DraftStatus::Pending))
        .select((
            translation_drafts::item_kind,
            translation_drafts::item_id,
            translation_drafts::language,
            translation_drafts::id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(k, i, l, d)| ((k, i, l), d))
        .collect())
}

/// The pending drafts of one item's text: language → draft id.
pub fn pending_of_item(
    conn: &mut DbConn,
    kind: TextKind,
    id: i64,
) -> QueryResult<HashMap<String, TranslationDraftId>> {
    let rows: Vec<(String, TranslationDraftId)> = translation_drafts::table
        .filter(translation_drafts::item_kind.eq(kind))
        .filter(translation_drafts::item_id.eq(id))
        .filter(translation_drafts::status.eq(DraftStatus::Pending))
        .select((translation_drafts::language, translation_drafts::id))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

// ---------------------------------------------------------------- requests

/// Records a request; whether it is new (one per user, course and language).
pub fn insert_request(conn: &mut DbConn, new: &NewTranslationRequest) -> QueryResult<bool> {
    Ok(db::insert_or_ignore!(conn, translation_requests::table, new)? == 1)
}

/// The requests of an item, filtered: `translation_requests` of the course or resource.
macro_rules! of_item {
    ($item:expr) => {
        match $item {
            Requested::Course(c) => translation_requests::table
                .filter(translation_requests::course_id.eq(c))
                .into_boxed(),
            Requested::Resource(r) => translation_requests::table
                .filter(translation_requests::resource_id.eq(r))
                .into_boxed(),
        }
    };
}

/// A user's request for a course or resource in a language.
pub fn find_request(
    conn: &mut DbConn,
    item: Requested,
    user: UserId,
    language: &str,
) -> QueryResult<Option<TranslationRequest>> {
    of_item!(item)
        .filter(translation_requests::user_id.eq(user))
        .filter(translation_requests::language.eq(language))
        .select(TranslationRequest::as_select())
        .first(conn)
        .optional()
}

/// The open (not yet notified) requests for a course or resource in a language.
pub fn open_requests(
    conn: &mut DbConn,
    item: Requested,
    language: &str,
) -> QueryResult<Vec<TranslationRequest>> {
    of_item!(item)
        .filter(translation_requests::language.eq(language))
        .filter(translation_requests::notified_at.is_null())
        .order(translation_requests::id.asc())
        .select(TranslationRequest::as_select())
        .load(conn)
}

/// The languages a course or resource has open requests for.
pub fn requested_languages(conn: &mut DbConn, item: Requested) -> QueryResult<Vec<String>> {
    of_item!(item)
        .filter(translation_requests::notified_at.is_null())
        .select(translation_requests::language)
        .distinct()
        .load(conn)
}

/// Marks requests notified.
pub fn mark_notified(
    conn: &mut DbConn,
    ids: &[crate::types::ids::TranslationRequestId],
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        translation_requests::table.filter(any_of(translation_requests::id, ids.iter().copied())),
    )
    .set(translation_requests::notified_at.eq(Some(at)))
    .execute(conn)
    .map(drop)
}

/// One row of the request totals.
#[derive(Debug, Clone, QueryableByName)]
pub struct TotalRow {
    /// `course` or `resource`.
    #[diesel(sql_type = Text)]
    pub item_kind: String,
    #[diesel(sql_type = BigInt)]
    pub item_id: i64,
    #[diesel(sql_type = Text)]
    pub language: String,
    /// `''` for requesters without a country.
    #[diesel(sql_type = Text)]
    pub country: String,
    #[diesel(sql_type = BigInt)]
    pub total: i64,
    #[diesel(sql_type = BigInt)]
    pub open: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub title: Option<String>,
}

/// Filters of the totals (`''`: any).
#[derive(Debug, Clone, Default)]
pub struct TotalsFilter {
    pub language: String,
    pub country: String,
    pub course_id: Option<CourseId>,
    pub resource_id: Option<crate::types::ids::ResourceId>,
    /// `course`, `resource` or `''`.
    pub item_kind: String,
}

/// Where a page of totals starts: after the row `(total, kind, item, language, country)`.
pub type TotalsAfter = (i64, String, i64, String, String);

/// Requests totalled by item (course or resource), language and country, most first, then
/// by kind, item, language and country.
pub fn totals(
    conn: &mut DbConn,
    filter: &TotalsFilter,
    after: Option<TotalsAfter>,
    limit: i64,
) -> QueryResult<Vec<TotalRow>> {
    const SQL: &str = "SELECT w.item_kind, w.item_id, w.language, w.country, w.total, w.open, \
        CASE WHEN w.item_kind = 'course' THEN \
          (SELECT t.title FROM course_translations t JOIN courses c ON c.id = t.course_id \
           WHERE t.course_id = w.item_id AND t.language = c.default_language) \
        ELSE (SELECT t.title FROM resource_translations t JOIN resources x ON x.id = t.resource_id \
           WHERE t.resource_id = w.item_id AND t.language = x.default_language) END AS title \
        FROM (SELECT CASE WHEN r.course_id IS NULL THEN 'resource' ELSE 'course' END AS item_kind, \
              COALESCE(r.course_id, r.resource_id) AS item_id, r.language AS language, \
              COALESCE(r.country, '') AS country, CAST(COUNT(*) AS BIGINT) AS total, \
              CAST(SUM(CASE WHEN r.notified_at IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS open \
              FROM translation_requests r \
              WHERE (? = '' OR r.language = ?) AND (? = '' OR COALESCE(r.country, '') = ?) \
              AND (? = 0 OR r.course_id = ?) AND (? = 0 OR r.resource_id = ?) \
              AND (? = '' OR (? = 'course' AND r.course_id IS NOT NULL) \
                   OR (? = 'resource' AND r.resource_id IS NOT NULL)) \
              GROUP BY r.course_id, r.resource_id, r.language, COALESCE(r.country, '')) w \
        WHERE (? = 0 OR w.total < ? OR (w.total = ? AND (w.item_kind > ? OR (w.item_kind = ? \
              AND (w.item_id > ? OR (w.item_id = ? \
              AND (w.language > ? OR (w.language = ? AND w.country > ?)))))))) \
        ORDER BY w.total DESC, w.item_kind, w.item_id, w.language, w.country LIMIT ?";
    let course = filter.course_id.map_or(0, |c| c.get());
    let resource = filter.resource_id.map_or(0, |r| r.get());
    let has = i64::from(after.is_some());
    let (t, k, i, l, c) = after.unwrap_or((0, String::new(), 0, String::new(), String::new()));
    load_sql!(
        conn,
        SQL,
        TotalRow,
        [
            (Text, filter.language.clone()),
            (Text, filter.language.clone()),
            (Text, filter.country.clone()),
            (Text, filter.country.clone()),
            (BigInt, course),
            (BigInt, course),
            (BigInt, resource),
            (BigInt, resource),
            (Text, filter.item_kind.clone()),
            (Text, filter.item_kind.clone()),
            (Text, filter.item_kind.clone()),
            (BigInt, has),
            (BigInt, t),
            (BigInt, t),
            (Text, k.clone()),
            (Text, k),
            (BigInt, i),
            (BigInt, i),
            (Text, l.clone()),
            (Text, l),
            (Text, c),
            (BigInt, limit),
        ]
    )
}

// ---------------------------------------------------------------- queue

/// One text of a translator's queue.
#[derive(Debug, Clone, QueryableByName)]
pub struct QueueRow {
    #[diesel(sql_type = BigInt)]
    pub kind_rank: i64,
    #[diesel(sql_type = BigInt)]
    pub item_id: i64,
    /// The course of a course's text (none for a resource).
    #[diesel(sql_type = Nullable<BigInt>)]
    pub course_id: Option<i64>,
    /// What requests are counted for and the queue is grouped by: the course, or the
    /// resource itself.
    #[diesel(sql_type = BigInt)]
    pub group_id: i64,
    #[diesel(sql_type = Text)]
    pub language: String,
    #[diesel(sql_type = Text)]
    pub default_language: String,
    /// 1 when the text has no translation, 0 when it is outdated.
    #[diesel(sql_type = BigInt)]
    pub missing: i64,
    #[diesel(sql_type = BigInt)]
    pub source_version: i64,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub source_changed_at: Option<NaiveDateTime>,
    #[diesel(sql_type = BigInt)]
    pub requests: i64,
}

/// Where a queue page starts: after (requests, group, language, kind rank, item).
pub type QueueAfter = (i64, i64, String, i64, i64);

/// The missing and outdated texts of published courses and of published public or members'
/// library resources in the languages `user` translates into (only `language` when not
/// empty), most requested (open requests for the course or resource in that language)
/// first, then by course or resource, language, kind and item.
pub fn queue(
    conn: &mut DbConn,
    user: UserId,
    language: &str,
    after: Option<QueueAfter>,
    limit: i64,
) -> QueryResult<Vec<QueueRow>> {
    // One part per kind: `$item` is the item's alias, `$tr` its translations table and key.
    const COURSES: &str = "SELECT CAST(0 AS BIGINT) AS kind_rank, c.id AS item_id, \
        CAST(c.id AS BIGINT) AS course_id, c.id AS group_id, \
        tl.language AS language, c.default_language AS default_language, \
        CAST(CASE WHEN t.course_id IS NULL THEN 1 ELSE 0 END AS BIGINT) AS missing, \
        COALESCE(s.version, 1) AS source_version, s.changed_at AS source_changed_at \
        FROM courses c \
        JOIN translators tl ON tl.user_id = ? AND tl.language <> c.default_language \
             AND (? = '' OR tl.language = ?) \
        LEFT JOIN course_translations t ON t.course_id = c.id AND t.language = tl.language \
        LEFT JOIN translation_versions v ON v.item_kind = 'course' AND v.item_id = c.id \
             AND v.language = tl.language \
        LEFT JOIN translation_sources s ON s.item_kind = 'course' AND s.item_id = c.id \
        WHERE c.deleted_at IS NULL AND c.status = 'published' \
        AND (t.course_id IS NULL OR COALESCE(v.source_version, 1) < COALESCE(s.version, 1))";
    const MODULES: &str = "SELECT CAST(1 AS BIGINT), m.id, CAST(c.id AS BIGINT), c.id, tl.language, \
        c.default_language, \
        CAST(CASE WHEN t.module_id IS NULL THEN 1 ELSE 0 END AS BIGINT), \
        COALESCE(s.version, 1), s.changed_at \
        FROM course_modules m JOIN courses c ON c.id = m.course_id \
        JOIN translators tl ON tl.user_id = ? AND tl.language <> c.default_language \
             AND (? = '' OR tl.language = ?) \
        LEFT JOIN module_translations t ON t.module_id = m.id AND t.language = tl.language \
        LEFT JOIN translation_versions v ON v.item_kind = 'module' AND v.item_id = m.id \
             AND v.language = tl.language \
        LEFT JOIN translation_sources s ON s.item_kind = 'module' AND s.item_id = m.id \
        WHERE m.deleted_at IS NULL AND c.deleted_at IS NULL AND c.status = 'published' \
        AND (t.module_id IS NULL OR COALESCE(v.source_version, 1) < COALESCE(s.version, 1))";
    const LESSONS: &str = "SELECT CAST(2 AS BIGINT), l.id, CAST(c.id AS BIGINT), c.id, tl.language, \
        c.default_language, \
        CAST(CASE WHEN t.lesson_id IS NULL THEN 1 ELSE 0 END AS BIGINT), \
        COALESCE(s.version, 1), s.changed_at \
        FROM lessons l JOIN courses c ON c.id = l.course_id \
        JOIN translators tl ON tl.user_id = ? AND tl.language <> c.default_language \
             AND (? = '' OR tl.language = ?) \
        LEFT JOIN lesson_translations t ON t.lesson_id = l.id AND t.language = tl.language \
        LEFT JOIN translation_versions v ON v.item_kind = 'lesson' AND v.item_id = l.id \
             AND v.language = tl.language \
        LEFT JOIN translation_sources s ON s.item_kind = 'lesson' AND s.item_id = l.id \
        WHERE l.deleted_at IS NULL AND c.deleted_at IS NULL AND c.status = 'published' \
        AND (t.lesson_id IS NULL OR COALESCE(v.source_version, 1) < COALESCE(s.version, 1))";
    // Resources every member may read: published, public or members'.
    const RESOURCES: &str = "SELECT CAST(3 AS BIGINT), x.id, CAST(NULL AS BIGINT), x.id, \
        tl.language, x.default_language, \
        CAST(CASE WHEN t.resource_id IS NULL THEN 1 ELSE 0 END AS BIGINT), \
        COALESCE(s.version, 1), s.changed_at \
        FROM resources x \
        JOIN translators tl ON tl.user_id = ? AND tl.language <> x.default_language \
             AND (? = '' OR tl.language = ?) \
        LEFT JOIN resource_translations t ON t.resource_id = x.id AND t.language = tl.language \
        LEFT JOIN translation_versions v ON v.item_kind = 'resource' AND v.item_id = x.id \
             AND v.language = tl.language \
        LEFT JOIN translation_sources s ON s.item_kind = 'resource' AND s.item_id = x.id \
        WHERE x.status = 'published' AND x.visibility IN ('public', 'members') \
        AND (t.resource_id IS NULL OR COALESCE(v.source_version, 1) < COALESCE(s.version, 1))";
    let sql = format!(
        "SELECT w.* FROM (SELECT q.*, (SELECT CAST(COUNT(*) AS BIGINT) FROM translation_requests r \
         WHERE ((q.kind_rank = 3 AND r.resource_id = q.group_id) \
         OR (q.kind_rank <> 3 AND r.course_id = q.group_id)) AND r.language = q.language \
         AND r.notified_at IS NULL) AS requests \
         FROM ({COURSES} UNION ALL {MODULES} UNION ALL {LESSONS} UNION ALL {RESOURCES}) q) w \
         WHERE (? = 0 OR w.requests < ? OR (w.requests = ? AND (w.group_id > ? \
         OR (w.group_id = ? AND (w.language > ? OR (w.language = ? AND (w.kind_rank > ? \
         OR (w.kind_rank = ? AND w.item_id > ?)))))))) \
         ORDER BY w.requests DESC, w.group_id, w.language, w.kind_rank, w.item_id LIMIT ?"
    );
    let has = i64::from(after.is_some());
    let (r, c, l, k, i) = after.unwrap_or((0, 0, String::new(), 0, 0));
    let u = user.get();
    let lang = language.to_owned();
    load_sql!(
        conn,
        sql.as_str(),
        QueueRow,
        [
            (BigInt, u),
            (Text, lang.clone()),
            (Text, lang.clone()),
            (BigInt, u),
            (Text, lang.clone()),
            (Text, lang.clone()),
            (BigInt, u),
            (Text, lang.clone()),
            (Text, lang.clone()),
            (BigInt, u),
            (Text, lang.clone()),
            (Text, lang),
            (BigInt, has),
            (BigInt, r),
            (BigInt, r),
            (BigInt, c),
            (BigInt, c),
            (Text, l.clone()),
            (Text, l),
            (BigInt, k),
            (BigInt, k),
            (BigInt, i),
            (BigInt, limit),
        ]
    )
}

// ---------------------------------------------------------------- glossary

/// Inserts a glossary entry.
pub fn insert_entry(conn: &mut DbConn, new: &NewGlossaryEntry) -> QueryResult<GlossaryEntry> {
    diesel::insert_into(glossary_entries::table)
        .values(new)
        .returning(glossary_entries::all_columns)
        .get_result(conn)
}

/// One glossary entry.
pub fn find_entry(conn: &mut DbConn, id: GlossaryEntryId) -> QueryResult<Option<GlossaryEntry>> {
    glossary_entries::table
        .find(id)
        .select(GlossaryEntry::as_select())
        .first(conn)
        .optional()
}

/// Changes a glossary entry's texts (version + 1).
pub fn update_entry(
    conn: &mut DbConn,
    id: GlossaryEntryId,
    changes: &GlossaryEntryChanges,
) -> QueryResult<GlossaryEntry> {
    diesel::update(glossary_entries::table.find(id))
        .set((
            changes,
            glossary_entries::version.eq(glossary_entries::version + 1),
        ))
        .returning(glossary_entries::all_columns)
        .get_result(conn)
}

/// Deletes a glossary entry; how many rows went.
pub fn delete_entry(conn: &mut DbConn, id: GlossaryEntryId) -> QueryResult<usize> {
    diesel::delete(glossary_entries::table.find(id)).execute(conn)
}

/// Whether a language pair has an entry for a term key (other than `except`).
pub fn term_taken(
    conn: &mut DbConn,
    source: &str,
    target: &str,
    key: &str,
    except: Option<GlossaryEntryId>,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        glossary_entries::table
            .filter(glossary_entries::source_language.eq(source))
            .filter(glossary_entries::target_language.eq(target))
            .filter(glossary_entries::source_key.eq(key))
            .filter(glossary_entries::id.ne(except.unwrap_or(GlossaryEntryId(0)))),
    ))
    .get_result(conn)
}

/// How many entries a language pair has.
pub fn count_pair(conn: &mut DbConn, source: &str, target: &str) -> QueryResult<i64> {
    glossary_entries::table
        .filter(glossary_entries::source_language.eq(source))
        .filter(glossary_entries::target_language.eq(target))
        .count()
        .get_result(conn)
}

/// A page of glossary entries by id, filtered by languages (`None`: any).
pub fn list_entries(
    conn: &mut DbConn,
    source: Option<&str>,
    target: Option<&str>,
    after: Option<GlossaryEntryId>,
    limit: i64,
) -> QueryResult<Vec<GlossaryEntry>> {
    let mut q = glossary_entries::table
        .select(GlossaryEntry::as_select())
        .into_boxed();
    if let Some(s) = source {
        q = q.filter(glossary_entries::source_language.eq(s.to_owned()));
    }
    if let Some(t) = target {
        q = q.filter(glossary_entries::target_language.eq(t.to_owned()));
    }
    if let Some(a) = after {
        q = q.filter(glossary_entries::id.gt(a));
    }
    q.order(glossary_entries::id.asc()).limit(limit).load(conn)
}

/// Every entry of some language pairs (each pair is bounded, see `MAX_ENTRIES_PER_PAIR`).
pub fn entries_for_pairs(
    conn: &mut DbConn,
    pairs: &[(String, String)],
) -> QueryResult<Vec<GlossaryEntry>> {
    let mut out = Vec::new();
    for (source, target) in pairs {
        out.extend(
            glossary_entries::table
                .filter(glossary_entries::source_language.eq(source))
                .filter(glossary_entries::target_language.eq(target))
                .order(glossary_entries::id.asc())
                .select(GlossaryEntry::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered_for_postgres() {
        assert_eq!(
            crate::db::numbered("a = ? AND b IN (?, ?)"),
            "a = $1 AND b IN ($2, $3)"
        );
    }
}
