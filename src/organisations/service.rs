//! The directory's use cases. Each is a synchronous function over one connection, run
//! inside the handler's one `db.read`/`db.write` (or inside another service's
//! transaction); its input was parsed and checked before the transaction began.

use std::collections::HashSet;

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::auth::AuthUser;
use crate::auth::policy::{self, Action};
use crate::db::{self, DbConn, now};
use crate::email::{OutgoingEmail, Template, enqueue};
use crate::error::{ApiError, Fields};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::pagination::{Page, PageRequest};
use crate::organisations::dto::{MEMBER_SORT, OrganisationListing};
use crate::organisations::model::{
    Member, Membership, MembershipChanges, MembershipRole, MembershipStatus, MembershipUpdate,
    NewMembership, NewOrganisation, Organisation, OrganisationInput, OrganisationPatch,
};
use crate::organisations::repo::{self, MemberFilter};
use crate::types::{CountryCode, OrganisationId, UserId};

/// Longest chain of parents walked when looking for a cycle. The hierarchy has five
/// levels, so a longer chain means the data is already broken.
const MAX_DEPTH: usize = 64;

/// One organisation.
pub fn get(conn: &mut DbConn, id: OrganisationId) -> Result<Organisation, ApiError> {
    Ok(repo::find(conn, id)?)
}

/// One page of organisations.
pub fn list(
    conn: &mut DbConn,
    listing: &OrganisationListing,
) -> Result<Page<Organisation>, ApiError> {
    let rows = repo::list(
        conn,
        &listing.filter,
        &listing.position,
        listing.page.fetch_limit(),
    )?;
    let sort = listing.sort;
    Ok(listing
        .page
        .finish(rows, sort.as_str(), |row| sort.key_of(row), |row| row))
}

/// One page of the direct children of organisation `id` (the listing filters by parent).
pub fn children(
    conn: &mut DbConn,
    id: OrganisationId,
    listing: &OrganisationListing,
) -> Result<Page<Organisation>, ApiError> {
    ensure_organisation(conn, id)?;
    list(conn, listing)
}

/// Adds an organisation to the directory.
pub fn create(
    conn: &mut DbConn,
    actor: &AuthUser,
    input: OrganisationInput,
) -> Result<Organisation, ApiError> {
    policy::authorize(actor, Action::WriteOrganisations)?;
    check_against_directory(conn, &input, None)?;
    let country = input.country;
    repo::insert(conn, &NewOrganisation::new(input, now())).map_err(unique_name(country))
}

/// Changes an organisation, if it is still the version `if_match` names.
pub fn update(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: OrganisationId,
    patch: OrganisationPatch,
    if_match: Option<&IfMatch>,
) -> Result<Organisation, ApiError> {
    // Ask the one policy module, with the actor's current role.
    policy::authorize(actor, Action::WriteOrganisations)?;
    // Hold the row until the transaction ends (PostgreSQL; SQLite's write lock holds all).
    db::lock_row(conn, "organisations", id.get())?;
    let org = repo::find(conn, id)?; // diesel's NotFound answers 404
    // 412 unless If-Match names the stored version: no view is rendered to compare.
    org.check_if_match(if_match)?;
    let current = OrganisationInput::from(&org);
    let target = patch.apply(&current);
    if target == current {
        return Ok(org); // nothing changes: no new version, no new updated_at
    }
    // What only the database knows: name free in its country, parent, hierarchy, cycles.
    check_against_directory(conn, &target, Some((&org, &current)))?;
    // Only the changed columns, version + 1, updated_at now.
    let changes = current.changes_to(&target, org.version, now());
    repo::update(conn, id, &changes).map_err(unique_name(target.country))
}

/// Deletes an organisation without children or approved members, if it is still the
/// version `if_match` names. Pending and rejected requests go with it.
pub fn delete(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: OrganisationId,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    policy::authorize(actor, Action::WriteOrganisations)?;
    db::lock_row(conn, "organisations", id.get())?;
    let org = repo::find(conn, id)?;
    org.check_if_match(if_match)?;
    if repo::has_children(conn, id)? {
        return Err(ApiError::Conflict {
            code: "has_children",
            detail: "this organisation still has child organisations; move or delete them first"
                .to_owned(),
        });
    }
    if repo::has_members(conn, id)? {
        return Err(ApiError::Conflict {
            code: "has_members",
            detail: "this organisation still has approved members; remove them first".to_owned(),
        });
    }
    repo::delete(conn, id)?;
    Ok(())
}

fn name_taken(country: CountryCode) -> ApiError {
    ApiError::Conflict {
        code: "name_taken",
        detail: format!("an organisation with this name already exists in {country}"),
    }
}

/// Maps the unique (country, name) violation of a concurrent writer to the same answer as
/// the check that it slipped past.
fn unique_name(country: CountryCode) -> impl FnOnce(DieselError) -> ApiError {
    move |err| match err {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => name_taken(country),
        other => other.into(),
    }
}

/// Checks what only the database knows: the name is free in its country, the parent exists,
/// sits higher in the hierarchy and is not the organisation itself or one of its descendants,
/// and the children still fit under the (new) kind. `current` is the organisation being
/// changed, `None` for a new one.
fn check_against_directory(
    conn: &mut DbConn,
    target: &OrganisationInput,
    current: Option<(&Organisation, &OrganisationInput)>,
) -> Result<(), ApiError> {
    let id = current.map(|(org, _)| org.id);
    let name_changed =
        current.is_none_or(|(_, c)| c.name != target.name || c.country != target.country);
    if name_changed {
        let existing = repo::find_by_name(conn, target.country, &target.name)?;
        if existing.is_some_and(|o| Some(o.id) != id) {
            return Err(name_taken(target.country));
        }
    }

    let mut errors = Fields::default();
    let parent_changed = current.is_none_or(|(_, c)| c.parent_id != target.parent_id);
    let kind_changed = current.is_some_and(|(_, c)| c.kind != target.kind);
    if let Some(parent_id) = target.parent_id.filter(|_| parent_changed || kind_changed) {
        match repo::find(conn, parent_id) {
            Err(DieselError::NotFound) => errors.push(
                "parent_id",
                "unknown_parent",
                format!("there is no organisation {parent_id}"),
            ),
            Err(other) => return Err(other.into()),
            Ok(parent) => {
                if let Some(id) = id.filter(|_| parent_changed)
                    && is_self_or_descendant(conn, parent_id, id)?
                {
                    errors.push(
                        "parent_id",
                        "parent_cycle",
                        "the parent cannot be the organisation itself or one of its descendants",
                    );
                }
                if errors.is_empty() && !target.kind.may_sit_under(parent.kind) {
                    errors.push(
                        "parent_id",
                        "hierarchy_violation",
                        format!(
                            "a `{}` cannot sit under a `{}`; its parent must be higher in the hierarchy",
                            target.kind, parent.kind
                        ),
                    );
                }
            }
        }
    }
    if let Some(id) = id.filter(|_| kind_changed) {
        for child in repo::child_kinds(conn, id)? {
            if !child.may_sit_under(target.kind) {
                errors.push(
                    "kind",
                    "hierarchy_violation",
                    format!(
                        "it has child organisations of kind `{child}`, which cannot sit under a `{}`",
                        target.kind
                    ),
                );
            }
        }
    }
    errors.finish()
}

/// Whether `start` is `id` or lies below it: walks up the parents of `start`.
fn is_self_or_descendant(
    conn: &mut DbConn,
    start: OrganisationId,
    id: OrganisationId,
) -> Result<bool, ApiError> {
    let mut seen = HashSet::new();
    let mut next = Some(start);
    while let Some(at) = next {
        if at == id {
            return Ok(true);
        }
        if !seen.insert(at) || seen.len() > MAX_DEPTH {
            return Err(ApiError::internal(anyhow::anyhow!(
                "the parents of organisation {start} form a cycle or are too deep"
            )));
        }
        next = repo::parent_of(conn, at)?.flatten();
    }
    Ok(false)
}

fn ensure_organisation(conn: &mut DbConn, id: OrganisationId) -> Result<(), ApiError> {
    if repo::exists(conn, id)? {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// Asks `policy` whether the caller may decide on (or list) the organisation's memberships,
/// as an approved leader of it (read from the database, never from the request) or by role.
fn authorize_leading(
    conn: &mut DbConn,
    actor: &AuthUser,
    organisation_id: OrganisationId,
    action: impl FnOnce(bool) -> Action,
) -> Result<(), ApiError> {
    let is_leader = repo::is_leader(conn, organisation_id, actor.id)?;
    policy::authorize(actor, action(is_leader))
}

/// A membership with its member's name, or 404.
fn member(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
    member_id: UserId,
) -> Result<Member, ApiError> {
    repo::find_member(conn, organisation_id, member_id)?.ok_or(ApiError::NotFound)
}

/// One membership: for the member, the organisation's leaders, coordinators and admins.
pub fn get_member(
    conn: &mut DbConn,
    actor: &AuthUser,
    organisation_id: OrganisationId,
    member_id: UserId,
) -> Result<Member, ApiError> {
    ensure_organisation(conn, organisation_id)?;
    if member_id != actor.id {
        authorize_leading(conn, actor, organisation_id, |is_leader| {
            Action::ListMembers { is_leader }
        })?;
    }
    member(conn, organisation_id, member_id)
}

/// One page of an organisation's memberships, by user id: for its leaders, coordinators
/// and admins.
pub fn list_members(
    conn: &mut DbConn,
    actor: &AuthUser,
    organisation_id: OrganisationId,
    filter: MemberFilter,
    page: &PageRequest<i64>,
) -> Result<Page<Member>, ApiError> {
    ensure_organisation(conn, organisation_id)?;
    authorize_leading(conn, actor, organisation_id, |is_leader| {
        Action::ListMembers { is_leader }
    })?;
    let after = page.after.as_ref().map(|(_, id)| UserId(*id));
    let rows = repo::list_members(conn, organisation_id, filter, after, page.fetch_limit())?;
    Ok(page.finish(
        rows,
        MEMBER_SORT,
        |m| {
            let id = m.membership.user_id.get();
            (id, id)
        },
        |m| m,
    ))
}

/// The caller asks to join an organisation. A rejected request may be made again.
pub fn join(
    conn: &mut DbConn,
    actor: &AuthUser,
    organisation_id: OrganisationId,
) -> Result<Member, ApiError> {
    ensure_organisation(conn, organisation_id)?;
    let user_id = actor.id;
    let at = now();
    match repo::find_membership(conn, organisation_id, user_id)? {
        None => {
            repo::insert_membership(conn, &NewMembership::request(user_id, organisation_id, at))
                .map_err(|err| match err {
                    DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                        already_asked()
                    }
                    other => other.into(),
                })?;
        }
        Some(m) if m.status == MembershipStatus::Rejected => {
            let changes = MembershipChanges {
                role: Some(MembershipRole::Member),
                union_role: None,
                status: Some(MembershipStatus::Pending),
                decided_by: Some(None),
                updated_at: Some(at),
                version: Some(m.version + 1),
            };
            repo::update_membership(conn, m.id, &changes)?;
        }
        Some(m) if m.status == MembershipStatus::Approved => {
            return Err(ApiError::Conflict {
                code: "already_member",
                detail: "you are a member of this organisation already".to_owned(),
            });
        }
        Some(_) => return Err(already_asked()),
    }
    member(conn, organisation_id, user_id)
}

fn already_asked() -> ApiError {
    ApiError::Conflict {
        code: "membership_pending",
        detail: "you have asked to join this organisation already; a leader will decide".to_owned(),
    }
}

/// A leader of the organisation, or a coordinator or admin, decides on a membership or
/// sets the member's union role (if it is still the version `if_match` names); the member
/// is emailed when its status changes.
pub fn decide(
    conn: &mut DbConn,
    actor: &AuthUser,
    organisation_id: OrganisationId,
    member_id: UserId,
    update: MembershipUpdate,
    if_match: Option<&IfMatch>,
) -> Result<Member, ApiError> {
    ensure_organisation(conn, organisation_id)?;
    authorize_leading(conn, actor, organisation_id, |is_leader| {
        Action::DecideMembership { is_leader }
    })?;
    if member_id == actor.id {
        return Err(ApiError::forbidden(
            "own_membership",
            "nobody decides on their own membership; ask another leader or a coordinator",
        ));
    }
    let membership = locked_membership(conn, organisation_id, member_id, if_match)?;
    let (status, role) = match update.decision {
        Some(decision) => decision.outcome(membership.role),
        None => (membership.status, membership.role),
    };
    let union_role = update.union_role.unwrap_or(membership.union_role);
    if membership.status == status && membership.role == role && membership.union_role == union_role
    {
        return member(conn, organisation_id, member_id); // nothing changes: no new version
    }
    let changes = MembershipChanges {
        role: Some(role),
        union_role: Some(union_role),
        status: Some(status),
        decided_by: Some(Some(actor.id)),
        updated_at: Some(now()),
        version: Some(membership.version + 1),
    };
    repo::update_membership(conn, membership.id, &changes)?;
    // Only a new status is news to the member; a role change alone sends nothing.
    if membership.status != status {
        let (display_name, email, language) = repo::contact_of(conn, member_id)?;
        if let Some(email) = email {
            let organisation = repo::find(conn, organisation_id)?;
            enqueue(
                conn,
                &OutgoingEmail {
                    to: email,
                    template: Template::MembershipDecided,
                    language,
                    vars: vec![
                        ("display_name", display_name),
                        ("organisation", organisation.name),
                        ("status", status.as_str().to_owned()),
                    ],
                },
            )?;
        }
    }
    member(conn, organisation_id, member_id)
}

/// A member leaves (or withdraws a request), or a leader or coordinator removes them, if
/// the membership is still the version `if_match` names.
pub fn remove(
    conn: &mut DbConn,
    actor: &AuthUser,
    organisation_id: OrganisationId,
    member_id: UserId,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    ensure_organisation(conn, organisation_id)?;
    // Leaving is always allowed: it is the caller's own membership.
    if member_id != actor.id {
        authorize_leading(conn, actor, organisation_id, |is_leader| {
            Action::DecideMembership { is_leader }
        })?;
    }
    let membership = locked_membership(conn, organisation_id, member_id, if_match)?;
    repo::delete_membership(conn, membership.id)?;
    Ok(())
}

/// The membership, locked until the transaction ends and checked against `if_match`; 404
/// when there is none.
fn locked_membership(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
    member_id: UserId,
    if_match: Option<&IfMatch>,
) -> Result<Membership, ApiError> {
    let found = repo::find_membership(conn, organisation_id, member_id)?;
    let id = found.ok_or(ApiError::NotFound)?.id;
    db::lock_row(conn, "memberships", id.get())?;
    // Read again under the lock: a concurrent decision may have landed in between.
    let membership =
        repo::find_membership(conn, organisation_id, member_id)?.ok_or(ApiError::NotFound)?;
    membership.check_if_match(if_match)?;
    Ok(membership)
}
