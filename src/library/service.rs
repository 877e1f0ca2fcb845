//! The library's rules: who reads, publishes, changes, moderates and downloads what. Each
//! use case is one synchronous function over the caller's transaction; inputs arrive
//! checked (`dto`), files arrive stored under a temporary key (`storage`).

use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::auth::AuthUser;
use crate::auth::policy::{self, Action};
use crate::db::Written;
use crate::db::{self, DbConn, now};
use crate::error::ApiError;
use crate::http::etag::{IfMatch, Versioned};
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageRequest};
pub use crate::http::response::{Localised, LocalisedPage};
use crate::library::dto::{CollectionResponse, FileResponse, ResourceItem, ResourceResponse};
use crate::library::model::{
    Audience, EmbeddedFile, LogEntry, NewLogEntry, NewResource, NewResourceFile, NewResourceInput,
    Resource, ResourceChanges, ResourceEmbed, ResourceFields, ResourceFile, ResourceKind,
    ResourcePatch, ResourceStatus, ResourceTexts, ResourceTranslation,
};
use crate::library::repo::{self, ListFilter, ReaderScope};
use crate::translations::model::TextKind;
use crate::translations::service::ItemText;
use crate::types::{CollectionId, ResourceFileId, ResourceId, UserId};

fn conflict(code: &'static str, detail: &str) -> ApiError {
    ApiError::Conflict {
        code,
        detail: detail.to_owned(),
    }
}

fn is_staff(actor: Option<&AuthUser>) -> bool {
    actor.is_some_and(|a| policy::allowed(a, Action::ModerateLibrary))
}

fn is_owner(actor: Option<&AuthUser>, r: &Resource) -> bool {
    actor.is_some_and(|a| r.created_by == Some(a.id))
}

/// 410 `resource_taken_down`, with the reason.
fn gone(r: &Resource) -> ApiError {
    ApiError::Status {
        status: 410,
        code: "resource_taken_down",
        detail: match &r.status_reason {
            Some(reason) => format!("this resource was taken down: {reason}"),
            None => "this resource was taken down".to_owned(),
        },
    }
}

/// `Ok` when `actor` may read `r`: its owner and library moderators always; others when it
/// is published and they are in its audience (404 outside a cohort or community, 401
/// `login_required` for members-only without a login, 410 when taken down).
pub fn require_read(
    conn: &mut DbConn,
    actor: Option<&AuthUser>,
    r: &Resource,
) -> Result<(), ApiError> {
    if is_staff(actor) || is_owner(actor, r) {
        return Ok(());
    }
    if actor.is_none() && r.audience() == Audience::Members {
        return Err(ApiError::unauthorized(
            "login_required",
            "log in to read this resource",
        ));
    }
    if !in_audience(conn, actor, r.audience(), &mut None)? {
        return Err(ApiError::NotFound);
    }
    match r.status {
        ResourceStatus::Published => Ok(()),
        ResourceStatus::TakenDown => Err(gone(r)),
        ResourceStatus::Pending | ResourceStatus::Rejected => Err(ApiError::NotFound),
    }
}

/// Whether `actor` is in `audience`; their cohorts and communities are read once into
/// `cache` when an audience needs them.
fn in_audience(
    conn: &mut DbConn,
    actor: Option<&AuthUser>,
    audience: Audience,
    cache: &mut Option<repo::Memberships>,
) -> Result<bool, ApiError> {
    let user = match (audience, actor) {
        (Audience::Public, _) => return Ok(true),
        (_, None) => return Ok(false),
        (Audience::Members, Some(_)) => return Ok(true),
        (_, Some(user)) => user.id,
    };
    if cache.is_none() {
        *cache = Some(repo::memberships(conn, user)?);
    }
    let of = cache.get_or_insert_with(repo::Memberships::default);
    Ok(match audience {
        Audience::Cohort(id) => of.cohorts.contains(&id),
        Audience::Community(id) => of.communities.contains(&id),
        Audience::Public | Audience::Members => true,
    })
}

/// Resource `id`, if `actor` may read it (what [`require_read`] answers otherwise).
pub fn readable(
    conn: &mut DbConn,
    actor: Option<&AuthUser>,
    id: ResourceId,
) -> Result<Resource, ApiError> {
    let r = repo::find(conn, id)?;
    require_read(conn, actor, &r)?;
    Ok(r)
}

/// Whether `actor` may show `r` to others (in a lesson, in a post): they may read it and
/// it is published, or it is theirs and not taken down.
fn linkable(conn: &mut DbConn, actor: &AuthUser, r: &Resource) -> Result<bool, ApiError> {
    let shown = match r.status {
        ResourceStatus::Published => true,
        ResourceStatus::Pending | ResourceStatus::Rejected => is_owner(Some(actor), r),
        ResourceStatus::TakenDown => false,
    };
    Ok(shown
        && (is_staff(Some(actor))
            || is_owner(Some(actor), r)
            || in_audience(conn, Some(actor), r.audience(), &mut None)?))
}

/// `Ok` when `actor` may point to each of `ids` from a lesson or a post (see
/// [`linkable`]); else 422 `unknown_resource` on `field`, as for an id that does not
/// exist.
pub fn require_linkable(
    conn: &mut DbConn,
    actor: &AuthUser,
    ids: &[ResourceId],
    field: &str,
) -> Result<(), ApiError> {
    let found: HashMap<ResourceId, Resource> = repo::find_many(conn, ids)?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    for id in ids {
        let ok = match found.get(id) {
            Some(r) => linkable(conn, actor, r)?,
            None => false,
        };
        if !ok {
            return Err(ApiError::invalid_field(
                field,
                "unknown_resource",
                format!("there is no resource {id} you may link to"),
            ));
        }
    }
    Ok(())
}

/// The resources of `ids` that `reader` may read ([`require_read`]'s rule, without its
/// answers): two queries, whatever the number of ids.
fn readable_rows(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    ids: &[ResourceId],
) -> Result<Vec<Resource>, ApiError> {
    let mut cache = None;
    let mut out = Vec::new();
    for r in repo::find_many(conn, ids)? {
        let ok = is_staff(reader)
            || is_owner(reader, &r)
            || (r.status == ResourceStatus::Published
                && in_audience(conn, reader, r.audience(), &mut cache)?);
        if ok {
            out.push(r);
        }
    }
    Ok(out)
}

/// Which of `ids` `reader` may read, for a domain that names each refused one itself.
pub fn readable_ids(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    ids: &[ResourceId],
) -> Result<std::collections::HashSet<ResourceId>, ApiError> {
    Ok(readable_rows(conn, reader, ids)?
        .into_iter()
        .map(|r| r.id)
        .collect())
}

/// The resources of `ids` that `reader` may read, as a lesson or a post shows them: the
/// title and current file in the language `prefs` pick (the reader's profile language
/// when they name none). Others are left out. Four queries, whatever the number of ids.
pub fn embeds(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    ids: &[ResourceId],
    prefs: Preferences,
) -> Result<HashMap<ResourceId, ResourceEmbed>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let shown = readable_rows(conn, reader, ids)?;
    if shown.is_empty() {
        return Ok(HashMap::new());
    }
    let prefs = preferences(conn, reader, prefs)?;
    let shown_ids: Vec<ResourceId> = shown.iter().map(|r| r.id).collect();
    let texts = group(
        repo::translations(conn, &shown_ids)?
            .into_iter()
            .map(|t| (t.resource_id, t))
            .collect(),
    );
    let files = group(
        repo::current_files(conn, &shown_ids)?
            .into_iter()
            .map(|f| (f.resource_id, f))
            .collect(),
    );
    let mut out = HashMap::with_capacity(shown.len());
    for r in shown {
        let Some(chosen) = texts
            .get(&r.id)
            .and_then(|ts| prefs.pick_item(ts, |t| t.language.as_str(), &r.default_language))
        else {
            continue;
        };
        let file = files
            .get(&r.id)
            .and_then(|fs| prefs.pick_item(fs, |f| f.language.as_str(), &r.default_language))
            .map(|f| EmbeddedFile {
                id: f.id,
                language: f.language.clone(),
                media_type: f.media_type.clone(),
                size_bytes: f.size_bytes,
                download_url: format!("/api/v1/resources/{}/files/{}/content", r.id, f.id),
            });
        out.insert(
            r.id,
            ResourceEmbed {
                id: r.id,
                kind: r.kind,
                language: chosen.language.clone(),
                title: chosen.title.clone(),
                url: r.url.clone(),
                href: format!("/api/v1/resources/{}", r.id),
                file,
            },
        );
    }
    Ok(out)
}

/// `Ok` when `actor` may change `r`; 403 when they may read it but not change it, else
/// what reading answers.
fn require_edit(conn: &mut DbConn, actor: &AuthUser, r: &Resource) -> Result<(), ApiError> {
    let owner = is_owner(Some(actor), r);
    if policy::allowed(actor, Action::EditResource { is_owner: owner }) {
        return Ok(());
    }
    require_read(conn, Some(actor), r)?;
    Err(ApiError::forbidden(
        "not_resource_owner",
        "only the resource's owner, coordinators and admins change it",
    ))
}

fn require_moderator(conn: &mut DbConn, actor: &AuthUser, r: &Resource) -> Result<(), ApiError> {
    if is_staff(Some(actor)) {
        return Ok(());
    }
    require_read(conn, Some(actor), r)?;
    Err(ApiError::forbidden(
        "not_a_library_moderator",
        "only coordinators and admins moderate the library",
    ))
}

/// The reader's preferences, with their profile's language when the request named none.
fn preferences(
    conn: &mut DbConn,
    actor: Option<&AuthUser>,
    prefs: Preferences,
) -> Result<Preferences, ApiError> {
    crate::accounts::service::reader_preferences(conn, prefs, actor)
}

fn group<T>(rows: Vec<(ResourceId, T)>) -> HashMap<ResourceId, Vec<T>> {
    let mut map: HashMap<ResourceId, Vec<T>> = HashMap::new();
    for (id, v) in rows {
        map.entry(id).or_default().push(v);
    }
    map
}

/// The resource `r` as `actor` reads it in the language `prefs` pick.
pub fn view(
    conn: &mut DbConn,
    actor: Option<&AuthUser>,
    r: &Resource,
    prefs: &Preferences,
) -> Result<Localised<ResourceResponse>, ApiError> {
    let texts = repo::translations(conn, &[r.id])?;
    let topics = repo::topics(conn, &[r.id])?;
    let countries = repo::countries(conn, &[r.id])?;
    let files = repo::files(conn, r.id)?;
    let (bookmarked, voted_useful) = match actor {
        Some(a) => repo::marks(conn, r.id, a.id)?,
        None => (false, false),
    };
    let chosen = prefs
        .pick_item(&texts, |t| t.language.as_str(), &r.default_language)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("resource {} has no texts", r.id)))?;
    let current: Vec<&ResourceFile> = files.iter().filter(|f| f.superseded_at.is_none()).collect();
    let variant = prefs
        .pick_item(&current, |f| f.language.as_str(), &r.default_language)
        .map(|f| FileResponse::from(*f));
    let sees_reason = is_staff(actor) || is_owner(actor, r);
    let language = chosen.language.clone();
    let (outdated, source_updated_at) = crate::translations::service::staleness_of(
        conn,
        TextKind::Resource,
        r.id.get(),
        &language,
        &r.default_language,
    )?
    .answer();
    let view = ResourceResponse {
        id: r.id,
        kind: r.kind,
        language: language.clone(),
        title: chosen.title.clone(),
        description: chosen.description.clone(),
        default_language: r.default_language.clone(),
        languages: texts.iter().map(|t| t.language.clone()).collect(),
        topics: topics.into_iter().map(|(_, t)| t).collect(),
        countries: countries.into_iter().map(|(_, c)| c).collect(),
        licence: r.licence,
        organisation_id: r.organisation_id,
        visibility: r.visibility,
        cohort_id: r.cohort_id,
        community_id: r.community_id,
        url: r.url.clone(),
        status: r.status,
        status_reason: if sees_reason || r.status == ResourceStatus::TakenDown {
            r.status_reason.clone()
        } else {
            None
        },
        created_by: r.created_by,
        download_count: r.download_count,
        useful_count: r.useful_count,
        variant,
        files: files.iter().map(FileResponse::from).collect(),
        bookmarked,
        voted_useful,
        created_at: r.created_at.and_utc(),
        updated_at: r.updated_at.and_utc(),
        published_at: r.published_at.map(|t| t.and_utc()),
        outdated,
        source_updated_at,
    };
    Ok(Localised {
        etag: r.etag_in(&language),
        language,
        view,
    })
}

/// One resource, for those who may read it.
pub fn get(
    conn: &mut DbConn,
    actor: Option<&AuthUser>,
    id: ResourceId,
    prefs: Preferences,
) -> Result<Localised<ResourceResponse>, ApiError> {
    let r = repo::find(conn, id)?;
    require_read(conn, actor, &r)?;
    let prefs = preferences(conn, actor, prefs)?;
    view(conn, actor, &r, &prefs)
}

/// What only the database knows about a resource's fields: its organisation exists, and
/// a restricted audience is one the author belongs to (or they moderate the library).
fn check_references(
    conn: &mut DbConn,
    actor: &AuthUser,
    fields: &ResourceFields,
    before: Option<&ResourceFields>,
) -> Result<(), ApiError> {
    if let Some(org) = fields.organisation_id
        && before.is_none_or(|b| b.organisation_id != fields.organisation_id)
        && !repo::organisation_exists(conn, org)?
    {
        return Err(ApiError::invalid_field(
            "organisation_id",
            "unknown_organisation",
            "no such organisation",
        ));
    }
    if before.is_some_and(|b| b.audience == fields.audience) || is_staff(Some(actor)) {
        return match fields.audience {
            Audience::Cohort(id) if !repo::cohort_exists(conn, id)? => Err(
                ApiError::invalid_field("cohort_id", "unknown_cohort", "no such cohort"),
            ),
            Audience::Community(id) if !repo::community_exists(conn, id)? => Err(
                ApiError::invalid_field("community_id", "unknown_community", "no such community"),
            ),
            _ => Ok(()),
        };
    }
    match fields.audience {
        Audience::Cohort(id) if !repo::memberships(conn, actor.id)?.cohorts.contains(&id) => {
            Err(ApiError::invalid_field(
                "cohort_id",
                "not_in_cohort",
                "you can share only with a cohort you take part in or facilitate",
            ))
        }
        Audience::Community(id)
            if !repo::memberships(conn, actor.id)?.communities.contains(&id) =>
        {
            Err(ApiError::invalid_field(
                "community_id",
                "not_in_community",
                "you can share only with a community you are an active member of",
            ))
        }
        _ => Ok(()),
    }
}

fn log(
    conn: &mut DbConn,
    id: ResourceId,
    actor: UserId,
    action: &str,
    reason: Option<&str>,
) -> Result<(), ApiError> {
    repo::log(
        conn,
        &NewLogEntry {
            resource_id: id,
            moderator_id: Some(actor),
            action,
            reason,
            created_at: now(),
        },
    )?;
    Ok(())
}

/// Creates a resource: published at once by trainers, coordinators and admins, waiting in
/// the moderation queue when a member submits it.
pub fn create(
    conn: &mut DbConn,
    actor: &AuthUser,
    input: NewResourceInput,
) -> Result<Localised<ResourceResponse>, ApiError> {
    let fields = input.fields;
    check_references(conn, actor, &fields, None)?;
    let at = now();
    let publishes = policy::allowed(actor, Action::PublishResource);
    let (visibility, cohort_id, community_id) = fields.audience.columns();
    let r = repo::insert(
        conn,
        &NewResource {
            kind: fields.kind,
            default_language: fields.default_language.clone(),
            licence: fields.licence,
            organisation_id: fields.organisation_id,
            visibility,
            cohort_id,
            community_id,
            url: fields.url.clone(),
            status: if publishes {
                ResourceStatus::Published
            } else {
                ResourceStatus::Pending
            },
            created_by: Some(actor.id),
            created_at: at,
            updated_at: at,
            published_at: publishes.then_some(at),
        },
    )?;
    repo::put_texts(conn, r.id, &fields.default_language, &input.texts)?;
    repo::set_topics(conn, r.id, &fields.topics)?;
    repo::set_countries(conn, r.id, &fields.countries)?;
    if !publishes {
        log(conn, r.id, actor.id, "submitted", None)?;
    }
    view(
        conn,
        Some(actor),
        &r,
        &Preferences::only(&fields.default_language),
    )
}

fn fields_of(conn: &mut DbConn, r: &Resource) -> Result<ResourceFields, ApiError> {
    Ok(ResourceFields {
        kind: r.kind,
        default_language: r.default_language.clone(),
        licence: r.licence,
        organisation_id: r.organisation_id,
        audience: r.audience(),
        url: r.url.clone(),
        topics: repo::topics(conn, &[r.id])?
            .into_iter()
            .map(|(_, t)| t)
            .collect(),
        countries: repo::countries(conn, &[r.id])?
            .into_iter()
            .map(|(_, c)| c)
            .collect(),
    })
}

/// A change by a member to what they submitted sends it back to the moderation queue
/// (a published resource must not change under moderators' eyes); the status change to
/// make, if any.
fn resubmission(
    conn: &mut DbConn,
    actor: &AuthUser,
    r: &Resource,
) -> Result<Option<ResourceStatus>, ApiError> {
    if policy::allowed(actor, Action::PublishResource)
        || !matches!(
            r.status,
            ResourceStatus::Published | ResourceStatus::Rejected
        )
    {
        return Ok(None);
    }
    log(conn, r.id, actor.id, "submitted", None)?;
    Ok(Some(ResourceStatus::Pending))
}

/// Changes some fields of a resource (its owner, coordinators and admins).
pub fn update(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ResourceId,
    patch: ResourcePatch,
    if_match: Option<&IfMatch>,
    prefs: Preferences,
) -> Result<Localised<ResourceResponse>, ApiError> {
    db::lock_row(conn, "resources", id.get())?;
    let r = repo::find(conn, id)?;
    require_edit(conn, actor, &r)?;
    r.check_if_match(if_match)?;
    if r.status == ResourceStatus::TakenDown {
        return Err(gone(&r));
    }
    let current = fields_of(conn, &r)?;
    let target = patch.apply(&current);
    let prefs = preferences(conn, Some(actor), prefs)?;
    if target == current {
        return view(conn, Some(actor), &r, &prefs);
    }
    if target.kind == ResourceKind::Link && target.url.is_none() {
        return Err(ApiError::invalid_field(
            "url",
            "url_required",
            "a `link` resource needs its `url`",
        ));
    }
    if target.default_language != current.default_language
        && !repo::translations(conn, &[id])?
            .iter()
            .any(|t| t.language == target.default_language)
    {
        return Err(ApiError::invalid_field(
            "default_language",
            "no_translation",
            "add texts in that language first",
        ));
    }
    check_references(conn, actor, &target, Some(&current))?;
    fn changed<T: PartialEq + Clone>(from: &T, to: &T) -> Option<T> {
        (from != to).then(|| to.clone())
    }
    let (visibility, cohort_id, community_id) = target.audience.columns();
    let (old_visibility, old_cohort, old_community) = current.audience.columns();
    let status = resubmission(conn, actor, &r)?;
    let changes = ResourceChanges {
        kind: changed(&current.kind, &target.kind),
        default_language: changed(&current.default_language, &target.default_language),
        licence: changed(&current.licence, &target.licence),
        organisation_id: changed(&current.organisation_id, &target.organisation_id),
        visibility: changed(&old_visibility, &visibility),
        cohort_id: changed(&old_cohort, &cohort_id),
        community_id: changed(&old_community, &community_id),
        url: changed(&current.url, &target.url),
        status,
        status_reason: status.map(|_| None),
        updated_at: Some(now()),
        version: Some(r.version + 1),
        published_at: None,
    };
    if target.topics != current.topics {
        repo::set_topics(conn, id, &target.topics)?;
    }
    if target.countries != current.countries {
        repo::set_countries(conn, id, &target.countries)?;
    }
    let r = repo::update(conn, id, &changes)?;
    view(conn, Some(actor), &r, &prefs)
}

/// Writes a resource's texts in one language.
pub fn put_translation(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ResourceId,
    language: String,
    texts: ResourceTexts,
    minor: bool,
    if_match: Option<&IfMatch>,
) -> Result<(Localised<ResourceResponse>, Written), ApiError> {
    db::lock_row(conn, "resources", id.get())?;
    let r = repo::find(conn, id)?;
    require_edit(conn, actor, &r)?;
    r.check_if_match(if_match)?;
    if r.status == ResourceStatus::TakenDown {
        return Err(gone(&r));
    }
    let written = repo::put_texts(conn, id, &language, &texts)?;
    if written != Written::Unchanged {
        crate::translations::service::item_text_written(
            conn,
            &ItemText {
                kind: TextKind::Resource,
                id: id.get(),
                course_id: None,
                default_language: r.default_language.clone(),
            },
            &language,
            minor,
        )?;
    }
    let r = if written == Written::Unchanged {
        r
    } else {
        let r = repo::touch(conn, &r, now())?;
        match resubmission(conn, actor, &r)? {
            Some(status) => repo::update(
                conn,
                id,
                &ResourceChanges {
                    status: Some(status),
                    status_reason: Some(None),
                    ..ResourceChanges::default()
                },
            )?,
            None => r,
        }
    };
    Ok((
        view(conn, Some(actor), &r, &Preferences::only(&language))?,
        written,
    ))
}

/// Publishes a reviewed translation of a resource (locked and authorised by the caller):
/// the texts are written as its owner's would be, with a new version of the resource, also
/// when the texts are unchanged (it translates the current original now: no longer
/// outdated, a change readers see, so the tag moves). Recording which source version it
/// translates is the caller's.
pub fn publish_translation(
    conn: &mut DbConn,
    r: &Resource,
    language: &str,
    texts: ResourceTexts,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    repo::put_texts(conn, r.id, language, &texts)?;
    repo::touch(conn, r, at)?;
    Ok(())
}

/// Deletes a resource with its rows; the storage keys of its files, to delete once the
/// transaction is committed.
pub fn delete(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ResourceId,
    if_match: Option<&IfMatch>,
) -> Result<Vec<String>, ApiError> {
    db::lock_row(conn, "resources", id.get())?;
    let r = repo::find(conn, id)?;
    require_edit(conn, actor, &r)?;
    r.check_if_match(if_match)?;
    let keys = repo::file_keys(conn, id)?;
    repo::delete(conn, id)?;
    Ok(keys)
}

/// A moderation decision on a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Publish a pending resource.
    Approve,
    /// Refuse a pending resource.
    Reject,
    /// Take a resource down (its owner may too).
    TakeDown,
    /// Put a taken-down resource back.
    Restore,
}

/// Applies a moderation decision; `reason` for rejecting and taking down.
pub fn decide(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ResourceId,
    decision: Decision,
    reason: Option<String>,
) -> Result<Localised<ResourceResponse>, ApiError> {
    db::lock_row(conn, "resources", id.get())?;
    let r = repo::find(conn, id)?;
    let at = now();
    let (status, action) = match decision {
        Decision::TakeDown => {
            if !is_owner(Some(actor), &r) {
                require_moderator(conn, actor, &r)?;
            }
            if r.status == ResourceStatus::TakenDown {
                return Err(conflict(
                    "already_taken_down",
                    "the resource is already taken down",
                ));
            }
            (ResourceStatus::TakenDown, "taken_down")
        }
        Decision::Approve | Decision::Reject => {
            require_moderator(conn, actor, &r)?;
            if r.status != ResourceStatus::Pending {
                return Err(conflict(
                    "not_pending",
                    "only a resource waiting in the moderation queue is approved or rejected",
                ));
            }
            if decision == Decision::Approve {
                (ResourceStatus::Published, "approved")
            } else {
                (ResourceStatus::Rejected, "rejected")
            }
        }
        Decision::Restore => {
            require_moderator(conn, actor, &r)?;
            if r.status != ResourceStatus::TakenDown {
                return Err(conflict("not_taken_down", "the resource is not taken down"));
            }
            (ResourceStatus::Published, "restored")
        }
    };
    log(conn, id, actor.id, action, reason.as_deref())?;
    let r = repo::update(
        conn,
        id,
        &ResourceChanges {
            status: Some(status),
            status_reason: Some(reason),
            published_at: (status == ResourceStatus::Published && r.published_at.is_none())
                .then_some(Some(at)),
            updated_at: Some(at),
            version: Some(r.version + 1),
            ..ResourceChanges::default()
        },
    )?;
    view(
        conn,
        Some(actor),
        &r,
        &Preferences::only(&r.default_language),
    )
}

/// The moderation log of a resource, for its owner and the library's moderators.
pub fn moderation_log(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ResourceId,
) -> Result<Vec<LogEntry>, ApiError> {
    let r = repo::find(conn, id)?;
    if !is_owner(Some(actor), &r) {
        require_moderator(conn, actor, &r)?;
    }
    Ok(repo::log_of(conn, id)?)
}

/// A list request, parsed.
#[derive(Debug, Clone)]
pub struct ListRequest {
    pub filter: ListFilter,
    pub q: Option<String>,
    /// Only the caller's own resources.
    pub mine: bool,
    pub bookmarked: bool,
    pub page: PageRequest<i64>,
    pub prefs: Preferences,
}

/// Sort name of resource lists (in cursors).
pub const LIST_SORT: &str = "-created";

fn items(
    conn: &mut DbConn,
    rows: Vec<Resource>,
    prefs: &Preferences,
) -> Result<(Vec<ResourceItem>, Vec<String>), ApiError> {
    let ids: Vec<ResourceId> = rows.iter().map(|r| r.id).collect();
    let texts: HashMap<ResourceId, Vec<ResourceTranslation>> = group(
        repo::translations(conn, &ids)?
            .into_iter()
            .map(|t| (t.resource_id, t))
            .collect(),
    );
    let mut topics = group(repo::topics(conn, &ids)?);
    let mut languages = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(ts) = texts.get(&r.id) else { continue };
        let Some(chosen) = prefs.pick_item(ts, |t| t.language.as_str(), &r.default_language) else {
            continue;
        };
        if !languages.contains(&chosen.language) {
            languages.push(chosen.language.clone());
        }
        out.push(ResourceItem {
            id: r.id,
            kind: r.kind,
            language: chosen.language.clone(),
            title: chosen.title.clone(),
            languages: ts.iter().map(|t| t.language.clone()).collect(),
            topics: topics.remove(&r.id).unwrap_or_default(),
            licence: r.licence,
            visibility: r.visibility,
            status: r.status,
            download_count: r.download_count,
            useful_count: r.useful_count,
            created_at: r.created_at.and_utc(),
        });
    }
    Ok((out, languages))
}

/// One page of resources the caller may read, newest first.
pub fn list(
    conn: &mut DbConn,
    actor: Option<&AuthUser>,
    mut req: ListRequest,
) -> Result<LocalisedPage<ResourceItem>, ApiError> {
    let staff = is_staff(actor);
    let status = req.filter.status;
    let needs_login =
        req.mine || req.bookmarked || status.is_some_and(|s| s != ResourceStatus::Published);
    let user = match actor {
        Some(a) => Some(a.id),
        None if needs_login => {
            return Err(ApiError::unauthorized(
                "login_required",
                "log in to list your own or bookmarked resources, or the moderation queue",
            ));
        }
        None => None,
    };
    if req.mine {
        req.filter.owner = user;
    } else {
        // Others' resources are listed only once published, except to moderators.
        match status {
            None => req.filter.status = Some(ResourceStatus::Published),
            Some(ResourceStatus::Published) => {}
            Some(_) if staff => {}
            Some(_) => req.filter.owner = user,
        }
    }
    if req.bookmarked {
        req.filter.bookmarked_by = user;
    }
    if !staff {
        req.filter.reader = Some(ReaderScope {
            user,
            memberships: match user {
                Some(u) => repo::memberships(conn, u)?,
                None => repo::Memberships::default(),
            },
        });
    }
    if let Some(q) = &req.q {
        let words = crate::search::repo::words(q);
        req.filter.matching = Some(if words.is_empty() {
            Vec::new()
        } else {
            repo::search(conn, &words)?
        });
    }
    let prefs = preferences(conn, actor, req.prefs.clone())?;
    let rows = repo::list(
        conn,
        &req.filter,
        req.page.after.map(|(k, _)| k),
        req.page.fetch_limit(),
    )?;
    let page = req
        .page
        .finish(rows, LIST_SORT, |r| (r.id.get(), r.id.get()), |r| r);
    let rows = page.items;
    let (list, languages) = items(conn, rows, &prefs)?;
    Ok(LocalisedPage {
        page: Page {
            items: list,
            next_cursor: page.next_cursor,
        },
        languages,
    })
}

// ---------------------------------------------------------------- files

/// Bytes `actor` may still upload to resource `id` (checks they may change it).
pub fn upload_allowance(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ResourceId,
    quota: u64,
) -> Result<u64, ApiError> {
    let r = repo::find(conn, id)?;
    require_edit(conn, actor, &r)?;
    if r.status == ResourceStatus::TakenDown {
        return Err(gone(&r));
    }
    let used = u64::try_from(repo::used_bytes(conn, actor.id)?).unwrap_or(0);
    Ok(quota.saturating_sub(used))
}

/// A stored upload, to record.
#[derive(Debug, Clone)]
pub struct NewFileInput {
    pub language: String,
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
    /// Its final storage key.
    pub storage_key: String,
}

/// 413 `quota_exceeded`.
pub fn quota_exceeded() -> ApiError {
    ApiError::Status {
        status: 413,
        code: "quota_exceeded",
        detail: "this upload would pass your storage quota; delete files you no longer need"
            .to_owned(),
    }
}

/// Records an uploaded file as the current one in its language (the previous one stays as
/// an older version).
pub fn add_file(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ResourceId,
    input: NewFileInput,
    quota: u64,
) -> Result<FileResponse, ApiError> {
    db::lock_row(conn, "resources", id.get())?;
    let r = repo::find(conn, id)?;
    require_edit(conn, actor, &r)?;
    if r.status == ResourceStatus::TakenDown {
        return Err(gone(&r));
    }
    let used = u64::try_from(repo::used_bytes(conn, actor.id)?).unwrap_or(0);
    if used.saturating_add(input.size) > quota {
        return Err(quota_exceeded());
    }
    let at = now();
    let version = repo::next_file_version(conn, id, &input.language)?;
    repo::supersede(conn, id, &input.language, at)?;
    let file = repo::insert_file(
        conn,
        &NewResourceFile {
            resource_id: id,
            language: input.language,
            file_version: version,
            storage_key: input.storage_key,
            file_name: input.file_name,
            media_type: input.media_type,
            size_bytes: i64::try_from(input.size).map_err(ApiError::internal)?,
            sha256: input.sha256,
            uploaded_by: Some(actor.id),
            created_at: at,
        },
    )?;
    let r = repo::touch(conn, &r, at)?;
    if let Some(status) = resubmission(conn, actor, &r)? {
        repo::update(
            conn,
            id,
            &ResourceChanges {
                status: Some(status),
                status_reason: Some(None),
                ..ResourceChanges::default()
            },
        )?;
    }
    Ok(FileResponse::from(&file))
}

/// One file's description, for those who may read the resource.
pub fn get_file(
    conn: &mut DbConn,
    actor: Option<&AuthUser>,
    id: ResourceId,
    file: ResourceFileId,
) -> Result<ResourceFile, ApiError> {
    let r = repo::find(conn, id)?;
    require_read(conn, actor, &r)?;
    Ok(repo::find_file(conn, id, file)?)
}

/// The current file of a resource in the reader's language (else its default language's,
/// else any); 404 when it has none.
pub fn pick_file(
    conn: &mut DbConn,
    actor: Option<&AuthUser>,
    id: ResourceId,
    prefs: Preferences,
) -> Result<ResourceFile, ApiError> {
    let r = repo::find(conn, id)?;
    require_read(conn, actor, &r)?;
    let prefs = preferences(conn, actor, prefs)?;
    let current: Vec<ResourceFile> = repo::files(conn, id)?
        .into_iter()
        .filter(|f| f.superseded_at.is_none())
        .collect();
    prefs
        .pick_item(&current, |f| f.language.as_str(), &r.default_language)
        .cloned()
        .ok_or(ApiError::NotFound)
}

/// Counts a download of resource `id` by `reader` (once a day).
pub fn count_download(
    conn: &mut DbConn,
    id: ResourceId,
    reader: &str,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    repo::record_download(conn, id, reader, at.date())?;
    Ok(())
}

// ---------------------------------------------------------------- bookmarks and votes

/// Bookmarks or votes for a resource the caller may read (idempotent).
pub fn mark(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ResourceId,
    vote: bool,
    on: bool,
) -> Result<(), ApiError> {
    let r = repo::find(conn, id)?;
    require_read(conn, Some(actor), &r)?;
    if vote {
        if on && r.created_by == Some(actor.id) {
            return Err(ApiError::invalid_field(
                "resource_id",
                "own_resource",
                "you cannot vote for your own resource",
            ));
        }
        repo::set_vote(conn, id, actor.id, on, now())?;
    } else {
        repo::set_bookmark(conn, id, actor.id, on, now())?;
    }
    Ok(())
}

// ---------------------------------------------------------------- collections

/// A collection's input: a title in a language and its resources in order.
#[derive(Debug, Clone)]
pub struct CollectionInput {
    pub language: String,
    pub title: String,
    pub items: Option<Vec<ResourceId>>,
}

fn collection_view(
    conn: &mut DbConn,
    actor: Option<&AuthUser>,
    c: &repo::CollectionRow,
    prefs: &Preferences,
) -> Result<CollectionResponse, ApiError> {
    let titles = repo::collection_titles(conn, &[c.id])?;
    let chosen = prefs
        .pick_item(&titles, |t| t.1.as_str(), &c.default_language)
        .cloned()
        .unwrap_or((c.id, c.default_language.clone(), String::new()));
    let ids = repo::collection_items(conn, c.id)?;
    let mut readable = Vec::new();
    for r in repo::find_many(conn, &ids)? {
        if require_read(conn, actor, &r).is_ok() && r.status == ResourceStatus::Published {
            readable.push(r);
        }
    }
    let order: HashMap<ResourceId, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    readable.sort_by_key(|r| order.get(&r.id).copied().unwrap_or(usize::MAX));
    let (items, _) = items(conn, readable, prefs)?;
    Ok(CollectionResponse {
        id: c.id,
        language: chosen.1,
        title: chosen.2,
        languages: titles.iter().map(|t| t.1.clone()).collect(),
        created_by: c.created_by,
        items,
        created_at: c.created_at.and_utc(),
        updated_at: c.updated_at.and_utc(),
    })
}

fn check_items(conn: &mut DbConn, items: &[ResourceId]) -> Result<(), ApiError> {
    let found = repo::existing(conn, items)?;
    if let Some(missing) = items.iter().find(|i| !found.contains(i)) {
        return Err(ApiError::invalid_field(
            "resource_ids",
            "unknown_resource",
            format!("no resource {missing}"),
        ));
    }
    Ok(())
}

/// Creates a collection (trainers, coordinators, admins).
pub fn create_collection(
    conn: &mut DbConn,
    actor: &AuthUser,
    input: CollectionInput,
) -> Result<CollectionResponse, ApiError> {
    policy::authorize(actor, Action::CurateCollection { is_owner: true })?;
    let items = input.items.unwrap_or_default();
    check_items(conn, &items)?;
    let c = repo::insert_collection(conn, &input.language, actor.id, now())?;
    repo::put_collection_title(conn, c.id, &input.language, &input.title)?;
    repo::set_collection_items(conn, c.id, &items)?;
    collection_view(conn, Some(actor), &c, &Preferences::only(&input.language))
}

/// Changes a collection's title in one language and, when given, its resources.
pub fn update_collection(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CollectionId,
    input: CollectionInput,
) -> Result<CollectionResponse, ApiError> {
    db::lock_row(conn, "resource_collections", id.get())?;
    let c = repo::find_collection(conn, id)?;
    let owner = c.created_by == Some(actor.id);
    policy::authorize(actor, Action::CurateCollection { is_owner: owner })?;
    if let Some(items) = &input.items {
        check_items(conn, items)?;
        repo::set_collection_items(conn, id, items)?;
    }
    repo::put_collection_title(conn, id, &input.language, &input.title)?;
    let c = repo::touch_collection(conn, &c, now())?;
    collection_view(conn, Some(actor), &c, &Preferences::only(&input.language))
}

/// Deletes a collection (not its resources).
pub fn delete_collection(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CollectionId,
) -> Result<(), ApiError> {
    let c = repo::find_collection(conn, id)?;
    let owner = c.created_by == Some(actor.id);
    policy::authorize(actor, Action::CurateCollection { is_owner: owner })?;
    repo::delete_collection(conn, id)?;
    Ok(())
}

/// One collection, in the reader's language, with the resources they may read.
pub fn get_collection(
    conn: &mut DbConn,
    actor: Option<&AuthUser>,
    id: CollectionId,
    prefs: Preferences,
) -> Result<CollectionResponse, ApiError> {
    let c = repo::find_collection(conn, id)?;
    let prefs = preferences(conn, actor, prefs)?;
    collection_view(conn, actor, &c, &prefs)
}

/// Collections, newest first.
pub fn list_collections(
    conn: &mut DbConn,
    actor: Option<&AuthUser>,
    page: PageRequest<i64>,
    prefs: Preferences,
) -> Result<Page<CollectionResponse>, ApiError> {
    let prefs = preferences(conn, actor, prefs)?;
    let rows = repo::list_collections(conn, page.after.map(|(k, _)| k), page.fetch_limit())?;
    let page = page.finish(rows, LIST_SORT, |c| (c.id.get(), c.id.get()), |c| c);
    let mut out = Vec::with_capacity(page.items.len());
    for c in &page.items {
        out.push(collection_view(conn, actor, c, &prefs)?);
    }
    Ok(Page {
        items: out,
        next_cursor: page.next_cursor,
    })
}
