//! The library's queries. Full-text search and insert-if-absent differ per backend and
//! match on [`DbConn`] here.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};

use crate::db::schema::{
    cohort_facilitators, cohorts, collection_items, collection_translations, communities,
    community_members, nominations, organisations, resource_bookmarks, resource_collections,
    resource_countries, resource_files, resource_moderation_log, resource_topics,
    resource_translations, resource_votes, resources,
};
use crate::db::{self, DbConn, Written, any_of};
use crate::library::model::{
    LogEntry, NewLogEntry, NewResource, NewResourceFile, Resource, ResourceChanges, ResourceFile,
    ResourceStatus, ResourceTexts, ResourceTranslation, ResourceVisibility,
};
use crate::types::{
    CohortId, CollectionId, CommunityId, Licence, OrganisationId, ResourceFileId, ResourceId,
    UserId,
};

/// Most resources a free-text search considers (newest first).
const SEARCH_CANDIDATES: i64 = 2000;

pub fn insert(conn: &mut DbConn, new: &NewResource) -> QueryResult<Resource> {
    diesel::insert_into(resources::table)
        .values(new)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: ResourceId) -> QueryResult<Resource> {
    resources::table
        .find(id)
        .select(Resource::as_select())
        .first(conn)
}

pub fn update(
    conn: &mut DbConn,
    id: ResourceId,
    changes: &ResourceChanges,
) -> QueryResult<Resource> {
    diesel::update(resources::table.find(id))
        .set(changes)
        .get_result(conn)
}

/// Bumps the version (a change to texts, topics, countries or files).
pub fn touch(conn: &mut DbConn, r: &Resource, at: NaiveDateTime) -> QueryResult<Resource> {
    update(
        conn,
        r.id,
        &ResourceChanges {
            updated_at: Some(at),
            version: Some(r.version + 1),
            ..ResourceChanges::default()
        },
    )
}

pub fn delete(conn: &mut DbConn, id: ResourceId) -> QueryResult<usize> {
    diesel::delete(resources::table.find(id)).execute(conn)
}

pub fn translations(
    conn: &mut DbConn,
    ids: &[ResourceId],
) -> QueryResult<Vec<ResourceTranslation>> {
    resource_translations::table
        .filter(any_of(
            resource_translations::resource_id,
            ids.iter().copied(),
        ))
        .order((
            resource_translations::resource_id.asc(),
            resource_translations::language.asc(),
        ))
        .select(ResourceTranslation::as_select())
        .load(conn)
}

/// The current files (not superseded) of some resources.
pub fn current_files(conn: &mut DbConn, ids: &[ResourceId]) -> QueryResult<Vec<ResourceFile>> {
    resource_files::table
        .filter(any_of(resource_files::resource_id, ids.iter().copied()))
        .filter(resource_files::superseded_at.is_null())
        .order((
            resource_files::resource_id.asc(),
            resource_files::language.asc(),
        ))
        .select(ResourceFile::as_select())
        .load(conn)
}

/// Writes the texts in `language`; whether they were new, changed or the same.
pub fn put_texts(
    conn: &mut DbConn,
    id: ResourceId,
    language: &str,
    texts: &ResourceTexts,
) -> QueryResult<Written> {
    let current: Option<(String, String)> = resource_translations::table
        .filter(resource_translations::resource_id.eq(id))
        .filter(resource_translations::language.eq(language))
        .select((
            resource_translations::title,
            resource_translations::description,
        ))
        .first(conn)
        .optional()?;
    match current {
        Some((title, description)) if title == texts.title && description == texts.description => {
            Ok(Written::Unchanged)
        }
        Some(_) => {
            diesel::update(
                resource_translations::table
                    .filter(resource_translations::resource_id.eq(id))
                    .filter(resource_translations::language.eq(language)),
            )
            .set((
                resource_translations::title.eq(&texts.title),
                resource_translations::description.eq(&texts.description),
            ))
            .execute(conn)?;
            Ok(Written::Changed)
        }
        None => {
            diesel::insert_into(resource_translations::table)
                .values((
                    resource_translations::resource_id.eq(id),
                    resource_translations::language.eq(language),
                    resource_translations::title.eq(&texts.title),
                    resource_translations::description.eq(&texts.description),
                ))
                .execute(conn)?;
            Ok(Written::Created)
        }
    }
}

pub fn topics(conn: &mut DbConn, ids: &[ResourceId]) -> QueryResult<Vec<(ResourceId, String)>> {
    resource_topics::table
        .filter(any_of(resource_topics::resource_id, ids.iter().copied()))
        .order((resource_topics::resource_id, resource_topics::topic))
        .select((resource_topics::resource_id, resource_topics::topic))
        .load(conn)
}

pub fn set_topics(conn: &mut DbConn, id: ResourceId, topics: &[String]) -> QueryResult<()> {
    diesel::delete(resource_topics::table.filter(resource_topics::resource_id.eq(id)))
        .execute(conn)?;
    for topic in topics {
        diesel::insert_into(resource_topics::table)
            .values((
                resource_topics::resource_id.eq(id),
                resource_topics::topic.eq(topic),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn countries(conn: &mut DbConn, ids: &[ResourceId]) -> QueryResult<Vec<(ResourceId, String)>> {
    resource_countries::table
        .filter(any_of(resource_countries::resource_id, ids.iter().copied()))
        .order((resource_countries::resource_id, resource_countries::country))
        .select((resource_countries::resource_id, resource_countries::country))
        .load(conn)
}

pub fn set_countries(conn: &mut DbConn, id: ResourceId, countries: &[String]) -> QueryResult<()> {
    diesel::delete(resource_countries::table.filter(resource_countries::resource_id.eq(id)))
        .execute(conn)?;
    for country in countries {
        diesel::insert_into(resource_countries::table)
            .values((
                resource_countries::resource_id.eq(id),
                resource_countries::country.eq(country),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The files of a resource: current ones first (by language), then older versions, newest
/// first.
pub fn files(conn: &mut DbConn, id: ResourceId) -> QueryResult<Vec<ResourceFile>> {
    let mut rows: Vec<ResourceFile> = resource_files::table
        .filter(resource_files::resource_id.eq(id))
        .select(ResourceFile::as_select())
        .load(conn)?;
    rows.sort_by(|a, b| {
        (a.superseded_at.is_some(), &a.language, -a.file_version).cmp(&(
            b.superseded_at.is_some(),
            &b.language,
            -b.file_version,
        ))
    });
    Ok(rows)
}

pub fn find_file(
    conn: &mut DbConn,
    resource: ResourceId,
    id: ResourceFileId,
) -> QueryResult<ResourceFile> {
    resource_files::table
        .filter(resource_files::resource_id.eq(resource))
        .filter(resource_files::id.eq(id))
        .select(ResourceFile::as_select())
        .first(conn)
}

/// The languages resources `ids` have a current file in.
pub fn file_languages(
    conn: &mut DbConn,
    ids: &[ResourceId],
) -> QueryResult<Vec<(ResourceId, String)>> {
    resource_files::table
        .filter(any_of(resource_files::resource_id, ids.iter().copied()))
        .filter(resource_files::superseded_at.is_null())
        .select((resource_files::resource_id, resource_files::language))
        .load(conn)
}

/// The version the next file of `id` in `language` gets.
pub fn next_file_version(conn: &mut DbConn, id: ResourceId, language: &str) -> QueryResult<i32> {
    let max: Option<i32> = resource_files::table
        .filter(resource_files::resource_id.eq(id))
        .filter(resource_files::language.eq(language))
        .select(diesel::dsl::max(resource_files::file_version))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

/// Marks the current file of `id` in `language` as superseded.
pub fn supersede(
    conn: &mut DbConn,
    id: ResourceId,
    language: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        resource_files::table
            .filter(resource_files::resource_id.eq(id))
            .filter(resource_files::language.eq(language))
            .filter(resource_files::superseded_at.is_null()),
    )
    .set(resource_files::superseded_at.eq(Some(at)))
    .execute(conn)
}

pub fn insert_file(conn: &mut DbConn, new: &NewResourceFile) -> QueryResult<ResourceFile> {
    diesel::insert_into(resource_files::table)
        .values(new)
        .get_result(conn)
}

/// Bytes of files `user` uploaded (every version).
pub fn used_bytes(conn: &mut DbConn, user: UserId) -> QueryResult<i64> {
    // Summed here: the backends' SUM of BIGINT differ in type (NUMERIC on PostgreSQL).
    let sizes: Vec<i64> = resource_files::table
        .filter(resource_files::uploaded_by.eq(user))
        .select(resource_files::size_bytes)
        .load(conn)?;
    Ok(sizes.iter().sum())
}

/// The storage keys of resource `id`'s files.
pub fn file_keys(conn: &mut DbConn, id: ResourceId) -> QueryResult<Vec<String>> {
    resource_files::table
        .filter(resource_files::resource_id.eq(id))
        .select(resource_files::storage_key)
        .load(conn)
}

/// Every storage key the database knows.
pub fn all_keys(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    resource_files::table
        .select(resource_files::storage_key)
        .load(conn)
}

/// Removes the row of a file whose object is lost.
pub fn delete_file_row(conn: &mut DbConn, key: &str) -> QueryResult<usize> {
    diesel::delete(resource_files::table.filter(resource_files::storage_key.eq(key))).execute(conn)
}

pub fn log(conn: &mut DbConn, entry: &NewLogEntry) -> QueryResult<()> {
    diesel::insert_into(resource_moderation_log::table)
        .values(entry)
        .execute(conn)
        .map(drop)
}

pub fn log_of(conn: &mut DbConn, id: ResourceId) -> QueryResult<Vec<LogEntry>> {
    resource_moderation_log::table
        .filter(resource_moderation_log::resource_id.eq(id))
        .order(resource_moderation_log::id.asc())
        .select(LogEntry::as_select())
        .load(conn)
}

/// Records that `reader` downloaded resource `id` on `day`; whether it is the first time
/// that day (and so counts).
pub fn record_download(
    conn: &mut DbConn,
    id: ResourceId,
    reader: &str,
    day: NaiveDate,
) -> QueryResult<bool> {
    let inserted = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "INSERT INTO resource_downloads (resource_id, reader, day) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind::<BigInt, _>(id.get())
        .bind::<Text, _>(reader)
        .bind::<Date, _>(day)
        .execute(c)?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => diesel::sql_query(
            "INSERT INTO resource_downloads (resource_id, reader, day) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind::<BigInt, _>(id.get())
        .bind::<Text, _>(reader)
        .bind::<Date, _>(day)
        .execute(c)?,
    };
    if inserted > 0 {
        diesel::update(resources::table.find(id))
            .set((
                resources::download_count.eq(resources::download_count + 1),
                resources::version.eq(resources::version + 1),
            ))
            .execute(conn)?;
    }
    Ok(inserted > 0)
}

/// Whether `user` bookmarked / voted for resource `id`.
pub fn marks(conn: &mut DbConn, id: ResourceId, user: UserId) -> QueryResult<(bool, bool)> {
    let bookmarked = diesel::select(diesel::dsl::exists(
        resource_bookmarks::table
            .filter(resource_bookmarks::resource_id.eq(id))
            .filter(resource_bookmarks::user_id.eq(user)),
    ))
    .get_result(conn)?;
    let voted = diesel::select(diesel::dsl::exists(
        resource_votes::table
            .filter(resource_votes::resource_id.eq(id))
            .filter(resource_votes::user_id.eq(user)),
    ))
    .get_result(conn)?;
    Ok((bookmarked, voted))
}

/// Adds (`on`, at `at`) or removes `$user`'s row for resource `$id` in the mark table
/// `$table` (bookmarks, votes: one row a member and resource); returns early on an error.
macro_rules! set_mark {
    ($conn:expr, $table:ident, $id:expr, $user:expr, $on:expr, $at:expr) => {
        if $on {
            diesel::insert_into($table::table)
                .values((
                    $table::user_id.eq($user),
                    $table::resource_id.eq($id),
                    $table::created_at.eq($at),
                ))
                .execute($conn)?;
        } else {
            diesel::delete(
                $table::table
                    .filter($table::resource_id.eq($id))
                    .filter($table::user_id.eq($user)),
            )
            .execute($conn)?;
        }
    };
}

/// Bookmarks (or un-bookmarks) resource `id` for `user`; whether anything changed.
pub fn set_bookmark(
    conn: &mut DbConn,
    id: ResourceId,
    user: UserId,
    on: bool,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let (bookmarked, _) = marks(conn, id, user)?;
    if bookmarked == on {
        return Ok(false);
    }
    set_mark!(conn, resource_bookmarks, id, user, on, at);
    Ok(true)
}

/// Votes (or takes back the vote) for resource `id` as useful; whether anything changed.
/// The count on the resource follows (and its version, since answers show it).
pub fn set_vote(
    conn: &mut DbConn,
    id: ResourceId,
    user: UserId,
    on: bool,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let (_, voted) = marks(conn, id, user)?;
    if voted == on {
        return Ok(false);
    }
    set_mark!(conn, resource_votes, id, user, on, at);
    let delta: i64 = if on { 1 } else { -1 };
    diesel::update(resources::table.find(id))
        .set((
            resources::useful_count.eq(resources::useful_count + delta),
            resources::version.eq(resources::version + 1),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Which restricted audiences a reader belongs to.
#[derive(Debug, Clone, Default)]
pub struct Memberships {
    pub cohorts: Vec<CohortId>,
    pub communities: Vec<CommunityId>,
}

/// The cohorts `user` takes part in or facilitates, and the communities they are an
/// active member of.
pub fn memberships(conn: &mut DbConn, user: UserId) -> QueryResult<Memberships> {
    let mut cohorts: Vec<CohortId> = nominations::table
        .filter(nominations::nominee_id.eq(user))
        .filter(nominations::status.eq("accepted"))
        .select(nominations::cohort_id)
        .load(conn)?;
    cohorts.extend(
        cohort_facilitators::table
            .filter(cohort_facilitators::user_id.eq(user))
            .select(cohort_facilitators::cohort_id)
            .load::<CohortId>(conn)?,
    );
    let communities = community_members::table
        .filter(community_members::user_id.eq(user))
        .filter(community_members::status.eq("active"))
        .select(community_members::community_id)
        .load(conn)?;
    Ok(Memberships {
        cohorts,
        communities,
    })
}

pub fn organisation_exists(conn: &mut DbConn, id: OrganisationId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(organisations::table.find(id))).get_result(conn)
}

pub fn cohort_exists(conn: &mut DbConn, id: CohortId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(cohorts::table.find(id))).get_result(conn)
}

pub fn community_exists(conn: &mut DbConn, id: CommunityId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(communities::table.find(id))).get_result(conn)
}

/// What a list shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub kind: Option<crate::library::model::ResourceKind>,
    pub language: Option<String>,
    pub topic: Option<String>,
    pub country: Option<String>,
    pub licence: Option<Licence>,
    pub status: Option<ResourceStatus>,
    /// Only resources by this account.
    pub owner: Option<UserId>,
    /// Only resources this account bookmarked.
    pub bookmarked_by: Option<UserId>,
    /// Resource ids a text search found (`None`: no search).
    pub matching: Option<Vec<ResourceId>>,
    /// `None`: staff, every audience. Else what the reader may read.
    pub reader: Option<ReaderScope>,
}

/// The audiences a (non-staff) reader may read beyond public resources.
#[derive(Debug, Clone, Default)]
pub struct ReaderScope {
    pub user: Option<UserId>,
    pub memberships: Memberships,
}

/// One page of resources, newest first, after resource `after`.
pub fn list(
    conn: &mut DbConn,
    filter: &ListFilter,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Resource>> {
    use resources::dsl;
    let mut query = resources::table.select(Resource::as_select()).into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(dsl::status.eq(status));
    }
    if let Some(owner) = filter.owner {
        query = query.filter(dsl::created_by.eq(owner));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(dsl::kind.eq(kind));
    }
    if let Some(licence) = filter.licence {
        query = query.filter(dsl::licence.eq(licence));
    }
    if let Some(language) = &filter.language {
        let with_texts = resource_translations::table
            .filter(resource_translations::language.eq(language.clone()))
            .select(resource_translations::resource_id);
        let with_files = resource_files::table
            .filter(resource_files::language.eq(language.clone()))
            .select(resource_files::resource_id);
        query = query.filter(dsl::id.eq_any(with_texts).or(dsl::id.eq_any(with_files)));
    }
    if let Some(topic) = &filter.topic {
        query = query.filter(
            dsl::id.eq_any(
                resource_topics::table
                    .filter(resource_topics::topic.eq(topic.clone()))
                    .select(resource_topics::resource_id),
            ),
        );
    }
    if let Some(country) = &filter.country {
        query = query.filter(
            dsl::id.eq_any(
                resource_countries::table
                    .filter(resource_countries::country.eq(country.clone()))
                    .select(resource_countries::resource_id),
            ),
        );
    }
    if let Some(user) = filter.bookmarked_by {
        query = query.filter(
            dsl::id.eq_any(
                resource_bookmarks::table
                    .filter(resource_bookmarks::user_id.eq(user))
                    .select(resource_bookmarks::resource_id),
            ),
        );
    }
    if let Some(ids) = &filter.matching {
        query = query.filter(dsl::id.eq_any(ids.clone()));
    }
    if let Some(scope) = &filter.reader {
        let mut open = vec![ResourceVisibility::Public];
        if scope.user.is_some() {
            open.push(ResourceVisibility::Members);
        }
        let cohorts = scope.memberships.cohorts.clone();
        let communities = scope.memberships.communities.clone();
        let own = scope.user.unwrap_or(UserId(0));
        query = query.filter(
            dsl::visibility
                .eq_any(open)
                .or(dsl::cohort_id.eq_any(cohorts).assume_not_null())
                .or(dsl::community_id.eq_any(communities).assume_not_null())
                .or(dsl::created_by.eq(own).assume_not_null()),
        );
    }
    if let Some(after) = after {
        query = query.filter(dsl::id.lt(ResourceId(after)));
    }
    query.order(dsl::id.desc()).limit(limit).load(conn)
}

/// The resources whose texts in any language match the words of `q`, newest first.
pub fn search(conn: &mut DbConn, words: &[&str]) -> QueryResult<Vec<ResourceId>> {
    #[derive(QueryableByName)]
    struct Hit {
        #[diesel(sql_type = BigInt)]
        resource_id: i64,
    }
    let hits: Vec<Hit> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT DISTINCT t.resource_id FROM resource_search s \
             JOIN resource_translations t ON t.id = s.rowid \
             WHERE resource_search MATCH ? ORDER BY t.resource_id DESC LIMIT ?",
        )
        .bind::<Text, _>(crate::search::repo::fts5_query(words, false))
        .bind::<BigInt, _>(SEARCH_CANDIDATES)
        .load(c)?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => diesel::sql_query(
            "SELECT DISTINCT resource_id FROM resource_translations \
             WHERE search_vector @@ to_tsquery('simple', $1) ORDER BY resource_id DESC LIMIT $2",
        )
        .bind::<Text, _>(crate::search::repo::tsquery(words, false))
        .bind::<BigInt, _>(SEARCH_CANDIDATES)
        .load(c)?,
    };
    Ok(hits
        .into_iter()
        .map(|h| ResourceId(h.resource_id))
        .collect())
}

// ---------------------------------------------------------------- collections

/// A collection row.
#[derive(Debug, Clone, Queryable)]
pub struct CollectionRow {
    pub id: CollectionId,
    pub default_language: String,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

pub fn insert_collection(
    conn: &mut DbConn,
    language: &str,
    user: UserId,
    at: NaiveDateTime,
) -> QueryResult<CollectionRow> {
    diesel::insert_into(resource_collections::table)
        .values((
            resource_collections::default_language.eq(language),
            resource_collections::created_by.eq(Some(user)),
            resource_collections::created_at.eq(at),
            resource_collections::updated_at.eq(at),
        ))
        .returning(resource_collections::all_columns)
        .get_result(conn)
}

pub fn find_collection(conn: &mut DbConn, id: CollectionId) -> QueryResult<CollectionRow> {
    resource_collections::table.find(id).first(conn)
}

pub fn touch_collection(
    conn: &mut DbConn,
    c: &CollectionRow,
    at: NaiveDateTime,
) -> QueryResult<CollectionRow> {
    diesel::update(resource_collections::table.find(c.id))
        .set((
            resource_collections::updated_at.eq(at),
            resource_collections::version.eq(c.version + 1),
        ))
        .returning(resource_collections::all_columns)
        .get_result(conn)
}

pub fn delete_collection(conn: &mut DbConn, id: CollectionId) -> QueryResult<usize> {
    diesel::delete(resource_collections::table.find(id)).execute(conn)
}

pub fn collection_titles(
    conn: &mut DbConn,
    ids: &[CollectionId],
) -> QueryResult<Vec<(CollectionId, String, String)>> {
    collection_translations::table
        .filter(any_of(
            collection_translations::collection_id,
            ids.iter().copied(),
        ))
        .order(collection_translations::language.asc())
        .select((
            collection_translations::collection_id,
            collection_translations::language,
            collection_translations::title,
        ))
        .load(conn)
}

pub fn put_collection_title(
    conn: &mut DbConn,
    id: CollectionId,
    language: &str,
    title: &str,
) -> QueryResult<()> {
    db::update_or_insert!(
        conn,
        collection_translations::table
            .filter(collection_translations::collection_id.eq(id))
            .filter(collection_translations::language.eq(language)),
        collection_translations::title.eq(title),
        collection_translations::table,
        (
            collection_translations::collection_id.eq(id),
            collection_translations::language.eq(language),
            collection_translations::title.eq(title),
        ),
    )
    .map(drop)
}

pub fn collection_items(conn: &mut DbConn, id: CollectionId) -> QueryResult<Vec<ResourceId>> {
    collection_items::table
        .filter(collection_items::collection_id.eq(id))
        .order(collection_items::position.asc())
        .select(collection_items::resource_id)
        .load(conn)
}

pub fn set_collection_items(
    conn: &mut DbConn,
    id: CollectionId,
    items: &[ResourceId],
) -> QueryResult<()> {
    diesel::delete(collection_items::table.filter(collection_items::collection_id.eq(id)))
        .execute(conn)?;
    for (position, resource) in items.iter().enumerate() {
        diesel::insert_into(collection_items::table)
            .values((
                collection_items::collection_id.eq(id),
                collection_items::resource_id.eq(*resource),
                collection_items::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn list_collections(
    conn: &mut DbConn,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<CollectionRow>> {
    let mut query = resource_collections::table.into_boxed();
    if let Some(after) = after {
        query = query.filter(resource_collections::id.lt(CollectionId(after)));
    }
    query
        .order(resource_collections::id.desc())
        .limit(limit)
        .load(conn)
}

/// Which of `ids` exist.
pub fn existing(conn: &mut DbConn, ids: &[ResourceId]) -> QueryResult<Vec<ResourceId>> {
    resources::table
        .filter(any_of(resources::id, ids.iter().copied()))
        .select(resources::id)
        .load(conn)
}

/// Resources `ids` (no statement for none: most posts link none).
pub fn find_many(conn: &mut DbConn, ids: &[ResourceId]) -> QueryResult<Vec<Resource>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    resources::table
        .filter(any_of(resources::id, ids.iter().copied()))
        .select(Resource::as_select())
        .load(conn)
}
