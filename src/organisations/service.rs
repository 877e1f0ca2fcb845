//! Directory rules that need the database: each public function is one use case, one
//! transaction, with its emails.

use std::collections::HashSet;

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::accounts::model::{Membership, NewMembership};
use crate::accounts::repo as users;
use crate::auth::AuthUser;
use crate::auth::policy::{Action, authorize};
use crate::db::{Db, DbConn, now};
use crate::email::{OutgoingEmail, Template, enqueue};
use crate::error::{ApiError, FieldError};
use crate::http::etag;
use crate::organisations::dto::{
    MemberResponse, OrganisationInput, OrganisationPatch, OrganisationResponse,
    UpdateMembershipRequest,
};
use crate::organisations::model::{
    MembershipChanges, MembershipRole, MembershipStatus, NewOrganisation, Organisation,
    OrganisationChanges, OrganisationKind, search_text,
};
use crate::organisations::repo;
use crate::types::CountryCode;

/// Longest chain of parents walked when looking for a cycle. The hierarchy has five
/// levels, so a longer chain means the data is already broken.
const MAX_DEPTH: usize = 64;

pub use crate::http::etag::IfMatch;

/// The entity tag `GET /api/v1/organisations/{id}` gives this organisation.
pub fn etag_of(org: &Organisation) -> Result<String, ApiError> {
    let body =
        serde_json::to_vec(&OrganisationResponse::from(org.clone())).map_err(ApiError::internal)?;
    Ok(etag::of(&body))
}

fn check_precondition(org: &Organisation, if_match: Option<&IfMatch>) -> Result<(), ApiError> {
    match if_match {
        Some(cond) if !cond.matches(&etag_of(org)?) => Err(ApiError::PreconditionFailed),
        _ => Ok(()),
    }
}

fn name_taken(country: &CountryCode) -> ApiError {
    ApiError::Conflict {
        code: "name_taken",
        detail: format!("an organisation with this name already exists in {country}"),
    }
}

/// Maps the unique (country, name) violation of a concurrent writer to the same answer as
/// the check that it slipped past.
fn unique_name(country: CountryCode) -> impl FnOnce(DieselError) -> ApiError {
    move |err| match err {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => name_taken(&country),
        other => other.into(),
    }
}

/// The stored organisation as domain values.
fn input_of(org: &Organisation) -> Result<OrganisationInput, ApiError> {
    let broken = |what: &str| {
        ApiError::internal(anyhow::anyhow!(
            "organisation {} has an invalid stored {what}",
            org.id
        ))
    };
    Ok(OrganisationInput {
        name: org.name.clone(),
        acronym: org.acronym.clone(),
        country: CountryCode::parse(&org.country).map_err(|_| broken("country"))?,
        kind: OrganisationKind::parse(&org.kind).ok_or_else(|| broken("kind"))?,
        parent_id: org.parent_id,
        sector: org.sector.clone(),
        website: org.website.clone(),
    })
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
        let existing = repo::find_by_name(conn, target.country.as_str(), &target.name)?;
        if existing.is_some_and(|o| Some(o.id) != id) {
            return Err(name_taken(&target.country));
        }
    }

    let mut errors = Vec::new();
    let parent_changed = current.is_none_or(|(_, c)| c.parent_id != target.parent_id);
    let kind_changed = current.is_some_and(|(_, c)| c.kind != target.kind);
    if let Some(parent_id) = target.parent_id.filter(|_| parent_changed || kind_changed) {
        match repo::find(conn, parent_id) {
            Err(DieselError::NotFound) => errors.push(FieldError::new(
                "parent_id",
                "unknown_parent",
                format!("there is no organisation {parent_id}"),
            )),
            Err(other) => return Err(other.into()),
            Ok(parent) => {
                if let Some(id) = id.filter(|_| parent_changed)
                    && is_self_or_descendant(conn, parent_id, id)?
                {
                    errors.push(FieldError::new(
                        "parent_id",
                        "parent_cycle",
                        "the parent cannot be the organisation itself or one of its descendants",
                    ));
                }
                let parent_kind = OrganisationKind::parse(&parent.kind);
                if errors.is_empty() && !parent_kind.is_some_and(|k| target.kind.may_sit_under(k)) {
                    errors.push(FieldError::new(
                        "parent_id",
                        "hierarchy_violation",
                        format!(
                            "a `{}` cannot sit under a `{}`; its parent must be higher in the hierarchy",
                            target.kind.as_str(),
                            parent.kind
                        ),
                    ));
                }
            }
        }
    }
    if let Some(id) = id.filter(|_| kind_changed) {
        for child in repo::child_kinds(conn, id)? {
            let fits =
                OrganisationKind::parse(&child).is_some_and(|k| k.may_sit_under(target.kind));
            if !fits {
                errors.push(FieldError::new(
                    "kind",
                    "hierarchy_violation",
                    format!(
                        "it has child organisations of kind `{child}`, which cannot sit under a `{}`",
                        target.kind.as_str()
                    ),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Whether `start` is `id` or lies below it: walks up the parents of `start`.
fn is_self_or_descendant(conn: &mut DbConn, start: i64, id: i64) -> Result<bool, ApiError> {
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

/// Creates an organisation.
pub async fn create(db: &Db, input: OrganisationInput) -> Result<Organisation, ApiError> {
    db.write(move |conn| {
        check_against_directory(conn, &input, None)?;
        let at = now();
        let country = input.country;
        let new = NewOrganisation {
            search_text: search_text(&input.name, input.acronym.as_deref()),
            name: input.name,
            acronym: input.acronym,
            country: country.to_string(),
            kind: input.kind.as_str().to_owned(),
            parent_id: input.parent_id,
            sector: input.sector,
            website: input.website,
            created_at: at,
            updated_at: at,
        };
        repo::insert(conn, &new).map_err(unique_name(country))
    })
    .await
}

/// Changes an organisation, if it is still the version `if_match` names.
pub async fn update(
    db: &Db,
    id: i64,
    if_match: Option<IfMatch>,
    patch: OrganisationPatch,
) -> Result<Organisation, ApiError> {
    db.write(move |conn| {
        repo::lock(conn, id)?;
        let org = repo::find(conn, id)?;
        check_precondition(&org, if_match.as_ref())?;
        let current = input_of(&org)?;
        let target = patch.apply(&current);
        if target == current {
            return Ok(org);
        }
        check_against_directory(conn, &target, Some((&org, &current)))?;
        let changed = |a: &Option<String>, b: &Option<String>| (a != b).then(|| b.clone());
        let changes = OrganisationChanges {
            name: (current.name != target.name).then(|| target.name.clone()),
            acronym: changed(&current.acronym, &target.acronym),
            country: (current.country != target.country).then(|| target.country.to_string()),
            kind: (current.kind != target.kind).then(|| target.kind.as_str().to_owned()),
            parent_id: (current.parent_id != target.parent_id).then_some(target.parent_id),
            sector: changed(&current.sector, &target.sector),
            website: changed(&current.website, &target.website),
            search_text: Some(search_text(&target.name, target.acronym.as_deref())),
            updated_at: Some(now()),
        };
        repo::update(conn, id, &changes).map_err(unique_name(target.country))
    })
    .await
}

/// Deletes an organisation without children or approved members, if it is still the
/// version `if_match` names. Pending and rejected requests go with it.
pub async fn delete(db: &Db, id: i64, if_match: Option<IfMatch>) -> Result<(), ApiError> {
    db.write(move |conn| {
        repo::lock(conn, id)?;
        let org = repo::find(conn, id)?;
        check_precondition(&org, if_match.as_ref())?;
        if repo::has_children(conn, id)? {
            return Err(ApiError::Conflict {
                code: "has_children",
                detail:
                    "this organisation still has child organisations; move or delete them first"
                        .to_owned(),
            });
        }
        if repo::has_members(conn, id)? {
            return Err(ApiError::Conflict {
                code: "has_members",
                detail: "this organisation still has approved members; remove them first"
                    .to_owned(),
            });
        }
        repo::delete(conn, id)?;
        Ok(())
    })
    .await
}

/// Whether the caller leads the organisation: an approved leader of it, read from the
/// database (never from the request).
fn caller_leads(
    conn: &mut DbConn,
    organisation_id: i64,
    user: &AuthUser,
) -> Result<bool, ApiError> {
    Ok(repo::is_leader(conn, organisation_id, user.id)?)
}

fn ensure_organisation(conn: &mut DbConn, organisation_id: i64) -> Result<(), ApiError> {
    if repo::exists(conn, organisation_id)? {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

fn member_view(conn: &mut DbConn, membership: Membership) -> Result<MemberResponse, ApiError> {
    let name = users::find(conn, membership.user_id)?.display_name;
    Ok(MemberResponse::from((membership, name)))
}

/// The caller asks to join an organisation. A rejected request may be made again.
pub async fn join(
    db: &Db,
    user: &AuthUser,
    organisation_id: i64,
) -> Result<MemberResponse, ApiError> {
    let user_id = user.id;
    db.write(move |conn| {
        ensure_organisation(conn, organisation_id)?;
        let at = now();
        let membership = match repo::find_membership(conn, organisation_id, user_id)? {
            None => repo::insert_membership(
                conn,
                &NewMembership {
                    user_id,
                    organisation_id,
                    role: MembershipRole::Member.as_str().to_owned(),
                    status: MembershipStatus::Pending.as_str().to_owned(),
                    created_at: at,
                    updated_at: at,
                },
            )
            .map_err(|err| match err {
                DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                    already_asked()
                }
                other => other.into(),
            })?,
            Some(m) if m.status == MembershipStatus::Rejected.as_str() => repo::update_membership(
                conn,
                m.id,
                &MembershipChanges {
                    role: Some(MembershipRole::Member.as_str().to_owned()),
                    status: Some(MembershipStatus::Pending.as_str().to_owned()),
                    decided_by: Some(None),
                    updated_at: Some(at),
                },
            )?,
            Some(m) if m.status == MembershipStatus::Approved.as_str() => {
                return Err(ApiError::Conflict {
                    code: "already_member",
                    detail: "you are a member of this organisation already".to_owned(),
                });
            }
            Some(_) => return Err(already_asked()),
        };
        member_view(conn, membership)
    })
    .await
}

fn already_asked() -> ApiError {
    ApiError::Conflict {
        code: "membership_pending",
        detail: "you have asked to join this organisation already; a leader will decide".to_owned(),
    }
}

fn own_membership() -> ApiError {
    ApiError::forbidden(
        "own_membership",
        "nobody decides on their own membership; ask another leader or a coordinator",
    )
}

/// A leader of the organisation, or a coordinator or admin, decides on a membership; the
/// member is emailed when its status changes.
pub async fn decide(
    db: &Db,
    user: &AuthUser,
    organisation_id: i64,
    member_id: i64,
    req: UpdateMembershipRequest,
) -> Result<MemberResponse, ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        ensure_organisation(conn, organisation_id)?;
        let is_leader = caller_leads(conn, organisation_id, &user)?;
        authorize(&user, Action::DecideMembership { is_leader })?;
        if member_id == user.id {
            return Err(own_membership());
        }
        let membership =
            repo::find_membership(conn, organisation_id, member_id)?.ok_or(ApiError::NotFound)?;
        let status = req.status.status();
        let role = match (status, req.role) {
            (MembershipStatus::Approved, Some(role)) => role,
            (MembershipStatus::Approved, None) => {
                MembershipRole::parse(&membership.role).unwrap_or(MembershipRole::Member)
            }
            (_, Some(MembershipRole::Leader)) => {
                return Err(ApiError::invalid_field(
                    "role",
                    "leader_must_be_approved",
                    "only an approved member can be a leader",
                ));
            }
            (_, _) => MembershipRole::Member,
        };
        let status_changed = membership.status != status.as_str();
        if !status_changed && membership.role == role.as_str() {
            return member_view(conn, membership);
        }
        let membership = repo::update_membership(
            conn,
            membership.id,
            &MembershipChanges {
                role: Some(role.as_str().to_owned()),
                status: Some(status.as_str().to_owned()),
                decided_by: Some(Some(user.id)),
                updated_at: Some(now()),
            },
        )?;
        let member = users::find(conn, member_id)?;
        // Only a new status is news to the member; a role change alone sends nothing.
        if status_changed && let Some(email) = &member.email {
            let organisation = repo::find(conn, organisation_id)?;
            enqueue(
                conn,
                &OutgoingEmail {
                    to: email.clone(),
                    template: Template::MembershipDecided,
                    language: member.preferred_language.clone(),
                    vars: vec![
                        ("display_name", member.display_name.clone()),
                        ("organisation", organisation.name),
                        ("status", status.as_str().to_owned()),
                    ],
                },
            )?;
        }
        Ok(MemberResponse::from((membership, member.display_name)))
    })
    .await
}

/// A member leaves (or withdraws a request), or a leader or coordinator removes them.
pub async fn remove(
    db: &Db,
    user: &AuthUser,
    organisation_id: i64,
    member_id: i64,
) -> Result<(), ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        ensure_organisation(conn, organisation_id)?;
        // Leaving is always allowed: it is the caller's own membership.
        if member_id != user.id {
            let is_leader = caller_leads(conn, organisation_id, &user)?;
            authorize(&user, Action::DecideMembership { is_leader })?;
        }
        let membership =
            repo::find_membership(conn, organisation_id, member_id)?.ok_or(ApiError::NotFound)?;
        repo::delete_membership(conn, membership.id)?;
        Ok(())
    })
    .await
}

/// Checks that the caller may see the organisation's memberships (its own always).
pub async fn authorize_listing(
    db: &Db,
    user: &AuthUser,
    organisation_id: i64,
    member_id: Option<i64>,
) -> Result<(), ApiError> {
    let user = user.clone();
    db.read(move |conn| {
        ensure_organisation(conn, organisation_id)?;
        if member_id == Some(user.id) {
            return Ok(());
        }
        let is_leader = caller_leads(conn, organisation_id, &user)?;
        authorize(&user, Action::ListMembers { is_leader })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::IfMatch;

    #[test]
    fn if_match_compares_strongly_and_accepts_lists_and_any() {
        let tag = "\"abc\"";
        assert_eq!(IfMatch::from_header(None), None);
        assert!(IfMatch::from_header(Some(b"*")).unwrap().matches(tag));
        assert!(
            IfMatch::from_header(Some(b"\"x\", \"abc\""))
                .unwrap()
                .matches(tag)
        );
        assert!(
            !IfMatch::from_header(Some(b"W/\"abc\""))
                .unwrap()
                .matches(tag)
        );
        assert!(!IfMatch::from_header(Some(b"\"abd\"")).unwrap().matches(tag));
        assert!(!IfMatch::from_header(Some(b"\xff")).unwrap().matches(tag));
    }
}
