//! Completion use cases, each inside the caller's one transaction.

use std::collections::{HashMap, HashSet};

use crate::accounts::service::{raise_role, restore_role};
use crate::auth::policy::{Action, authorize};
use crate::auth::{AuthUser, Role};
use crate::cohorts::assignments::repo as assignments;
use crate::cohorts::assignments::service::{Standing, standing};
use crate::cohorts::completion::attendance::attended_minutes;
use crate::cohorts::completion::dto::{
    CertificationResponse, CohortCompletionResponse, CompletionRulesResponse, IssuedCertificate,
    ParticipantCompletionResponse, USER_SORT,
};
use crate::cohorts::completion::model::{
    NewTrainerCertification, ParticipantCompletion, Rules, RulesRow, attendance_met,
};
use crate::cohorts::completion::repo;
use crate::cohorts::model::{Cohort, CohortKind, CohortStatus};
use crate::cohorts::repo as cohorts;
use crate::cohorts::service::email_each;
use crate::db::Written;
use crate::db::{self, DbConn, now};
use crate::email::templates::Template;
use crate::error::ApiError;
use crate::http::etag::{IfMatch, Versioned, versioned};
use crate::http::links;
use crate::http::pagination::PageRequest;
use crate::learning::model::Certificate;
use crate::learning::service::issue_cohort_certificate;
use crate::types::{AssignmentId, CohortId, CourseId, UserId};

/// The cohort, or 404.
fn cohort(conn: &mut DbConn, id: CohortId) -> Result<Cohort, ApiError> {
    cohorts::find(conn, id)?.ok_or(ApiError::NotFound)
}

/// Rules as answered, with their entity tag.
#[derive(Debug)]
pub struct RulesView {
    pub body: CompletionRulesResponse,
    pub etag: String,
}

fn rules_view(cohort_id: CohortId, row: Option<&RulesRow>) -> RulesView {
    let rules = row.map_or(Rules::DEFAULT, RulesRow::rules);
    RulesView {
        body: CompletionRulesResponse {
            cohort_id,
            min_attendance_percent: rules.min_attendance_percent,
            all_assignments_passed: rules.all_assignments_passed,
            all_courses_completed: rules.all_courses_completed,
            stated: row.is_some(),
            updated_at: row.map(|r| r.updated_at.and_utc()),
        },
        etag: row.map_or_else(
            || versioned("completion-rules", cohort_id.get(), 0, None),
            Versioned::etag,
        ),
    }
}

/// A cohort's completion rules (the defaults when it states none); anyone reads them.
pub fn get_rules(conn: &mut DbConn, cohort_id: CohortId) -> Result<RulesView, ApiError> {
    cohort(conn, cohort_id)?;
    let row = repo::rules(conn, cohort_id)?;
    Ok(rules_view(cohort_id, row.as_ref()))
}

/// States a cohort's rules whole (coordinators, admins) until it completes or is
/// cancelled (409 `cohort_closed`), if they are still the version `if_match` names.
pub fn put_rules(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    rules: Rules,
    if_match: Option<&IfMatch>,
) -> Result<(RulesView, Written), ApiError> {
    authorize(actor, Action::CertifyCohort)?;
    db::lock_row(conn, "cohorts", cohort_id.get())?;
    let c = cohort(conn, cohort_id)?;
    let current = repo::rules(conn, cohort_id)?;
    match (&current, if_match) {
        (Some(row), _) => row.check_if_match(if_match)?,
        (None, Some(_)) => return Err(ApiError::PreconditionFailed),
        (None, None) => {}
    }
    if matches!(c.status, CohortStatus::Completed | CohortStatus::Cancelled) {
        return Err(ApiError::Conflict {
            code: "cohort_closed",
            detail: format!("the cohort is {}: its rules are settled", c.status),
        });
    }
    if let Some(row) = &current
        && row.rules() == rules
    {
        return Ok((rules_view(cohort_id, Some(row)), Written::Unchanged));
    }
    let at = now();
    let row = RulesRow {
        cohort_id,
        min_attendance_percent: rules.min_attendance_percent,
        all_assignments_passed: rules.all_assignments_passed,
        all_courses_completed: rules.all_courses_completed,
        created_at: current.as_ref().map_or(at, |r| r.created_at),
        updated_at: at,
        version: current.as_ref().map_or(1, |r| r.version + 1),
    };
    repo::put_rules(conn, &row, current.is_some())?;
    let written = if current.is_some() {
        Written::Changed
    } else {
        Written::Created
    };
    Ok((rules_view(cohort_id, Some(&row)), written))
}

/// What completion counts over, and each participant's completion.
struct Computed {
    session_minutes: i64,
    assignment_ids: Vec<AssignmentId>,
    course_ids: Vec<CourseId>,
    people: Vec<ParticipantCompletion>,
}

/// Computes the completion of `people` (id, display name) under `rules`, in a few queries
/// whatever their number.
fn compute(
    conn: &mut DbConn,
    cohort: &Cohort,
    rules: Rules,
    people: Vec<(UserId, String)>,
) -> Result<Computed, ApiError> {
    let ids: Vec<UserId> = people.iter().map(|(id, _)| *id).collect();
    let attendance = attended_minutes(conn, cohort.id, &ids)?;
    let assignment_ids = assignments::ids_of(conn, cohort.id)?;
    let course_ids: Vec<CourseId> = cohorts::courses(conn, &[cohort.id])?
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    let mut passed: HashMap<UserId, HashSet<AssignmentId>> = HashMap::new();
    for (user, a) in assignments::passed_by(conn, cohort.id, &ids)? {
        passed.entry(user).or_default().insert(a);
    }
    let mut completed: HashMap<UserId, HashSet<CourseId>> = HashMap::new();
    for (user, c) in repo::completed_courses(conn, &ids, &course_ids)? {
        completed.entry(user).or_default().insert(c);
    }
    let people = people
        .into_iter()
        .map(|(user_id, display_name)| {
            let attended = attendance.attended.get(&user_id).copied().unwrap_or(0);
            let done = passed.remove(&user_id).unwrap_or_default();
            let (assignments_passed, missing_assignments): (Vec<_>, Vec<_>) =
                assignment_ids.iter().partition(|a| done.contains(a));
            let finished = completed.remove(&user_id).unwrap_or_default();
            let (courses_completed, missing_courses): (Vec<_>, Vec<_>) =
                course_ids.iter().partition(|c| finished.contains(c));
            ParticipantCompletion {
                user_id,
                display_name,
                attended_minutes: attended,
                attendance_met: attendance_met(
                    attended,
                    attendance.session_minutes,
                    rules.min_attendance_percent,
                ),
                assignments_met: !rules.all_assignments_passed || missing_assignments.is_empty(),
                courses_met: !rules.all_courses_completed || missing_courses.is_empty(),
                assignments_passed,
                missing_assignments,
                courses_completed,
                missing_courses,
            }
        })
        .collect();
    Ok(Computed {
        session_minutes: attendance.session_minutes,
        assignment_ids,
        course_ids,
        people,
    })
}

/// A cohort's completion, one page of participants by id: every participant for its staff
/// (facilitators while trainers, coordinators, admins), only the caller for a participant;
/// 403 for anyone else.
pub fn completion(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    page: &PageRequest<i64>,
) -> Result<CohortCompletionResponse, ApiError> {
    let c = cohort(conn, cohort_id)?;
    let only = match standing(conn, actor, cohort_id)? {
        Standing::Staff => None,
        Standing::Participant => Some(actor.id),
        Standing::Outsider => {
            return Err(ApiError::forbidden(
                "forbidden",
                "only the cohort's staff and participants read its completion",
            ));
        }
    };
    let row = repo::rules(conn, cohort_id)?;
    let rules = row.as_ref().map_or(Rules::DEFAULT, RulesRow::rules);
    let people = repo::participants(
        conn,
        cohort_id,
        only,
        page.after.map(|(_, id)| id),
        Some(page.fetch_limit()),
    )?;
    let people = page.finish(people, USER_SORT, |(id, _)| (id.get(), id.get()), |p| p);
    let computed = compute(conn, &c, rules, people.items)?;
    let ids: Vec<UserId> = computed.people.iter().map(|p| p.user_id).collect();
    let certificates: HashMap<UserId, (String, bool)> = repo::certificates(conn, cohort_id, &ids)?
        .into_iter()
        .map(|c| (c.user_id, (c.code, c.revoked_at.is_none())))
        .collect();
    let trainers: HashSet<UserId> = repo::trainer_certifications(conn, cohort_id, &ids)?
        .into_iter()
        .map(|t| t.user_id)
        .collect();
    let session_minutes = computed.session_minutes;
    let items = computed
        .people
        .into_iter()
        .map(|p| {
            let certificate = certificates.get(&p.user_id);
            ParticipantCompletionResponse {
                user_id: p.user_id,
                display_name: p.display_name.clone(),
                attended_minutes: p.attended_minutes,
                attendance_percent: (session_minutes > 0).then(|| {
                    let tenths = p.attended_minutes.min(session_minutes) * 1000 / session_minutes;
                    tenths as f64 / 10.0
                }),
                complete: p.complete(),
                missing: p.missing().into_iter().map(str::to_owned).collect(),
                assignments_passed: p.assignments_passed,
                missing_assignment_ids: p.missing_assignments,
                courses_completed: p.courses_completed,
                missing_course_ids: p.missing_courses,
                certificate_code: certificate.map(|(code, _)| code.clone()),
                certificate_valid: certificate.map(|(_, valid)| *valid),
                certified_trainer: trainers.contains(&p.user_id),
            }
        })
        .collect();
    Ok(CohortCompletionResponse {
        cohort_id,
        rules: rules_view(cohort_id, row.as_ref()).body,
        session_minutes,
        assignment_ids: computed.assignment_ids,
        course_ids: computed.course_ids,
        items,
        next_cursor: people.next_cursor,
    })
}

/// Issues the cohort's certificate to every participant who completes it and has none
/// yet; for a `tot` cohort, each of them becomes an e-trainer (the trainer role, never
/// lowering a higher one), recorded with the certifying cohort and `by`. Runs in the
/// caller's transaction: by the certification action, and when the cohort moves to
/// `completed`.
pub fn certify(
    conn: &mut DbConn,
    by: Option<UserId>,
    cohort: &Cohort,
) -> Result<CertificationResponse, ApiError> {
    let rules = repo::rules(conn, cohort.id)?.map_or(Rules::DEFAULT, |r| r.rules());
    let people = repo::participants(conn, cohort.id, None, None, None)?;
    let computed = compute(conn, cohort, rules, people)?;
    let titles: Vec<(String, String)> = cohorts::translations(conn, &[cohort.id])?
        .into_iter()
        .map(|t| (t.language, t.title))
        .collect();
    let complete: Vec<UserId> = computed
        .people
        .iter()
        .filter(|p| p.complete())
        .map(|p| p.user_id)
        .collect();
    let already_trainers: HashSet<UserId> =
        repo::trainer_certifications(conn, cohort.id, &complete)?
            .into_iter()
            .map(|t| t.user_id)
            .collect();
    let mut issued = Vec::new();
    for user in &complete {
        let (cert, new) =
            issue_cohort_certificate(conn, cohort.id, *user, &titles, &cohort.default_language)?;
        let mut certified_trainer = false;
        if cohort.kind == CohortKind::Tot
            && cert.revoked_at.is_none()
            && !already_trainers.contains(user)
        {
            let (role_before, role_after) = raise_role(conn, *user, Role::Trainer)?;
            repo::insert_trainer_certification(
                conn,
                &NewTrainerCertification {
                    user_id: *user,
                    cohort_id: cohort.id,
                    certificate_id: cert.id,
                    role_before,
                    role_after,
                    certified_by: by,
                    certified_at: now(),
                },
            )?;
            tracing::info!(
                user.id = %user,
                cohort.id = %cohort.id,
                role.before = %role_before,
                role.after = %role_after,
                "e-trainer certified"
            );
            // The news, in their language, queued in this transaction.
            email_each(
                conn,
                cohort,
                &[*user],
                Template::TrainerCertified,
                &[
                    (
                        "certificate_link",
                        links::frontend(&format!("/certificates/{}", cert.code)),
                    ),
                    (
                        "badge_link",
                        links::api(&format!("/api/v1/certificates/{}/badge", cert.code)),
                    ),
                ],
            )?;
            certified_trainer = true;
        }
        if new || certified_trainer {
            issued.push(IssuedCertificate {
                user_id: *user,
                certificate_code: cert.code,
                certified_trainer,
            });
        }
    }
    Ok(CertificationResponse {
        cohort_id: cohort.id,
        complete_count: complete.len(),
        incomplete_count: computed.people.len() - complete.len(),
        issued,
    })
}

/// Revokes the e-trainer certification that `certificate` (a `tot` cohort's, being revoked)
/// made, if any: kept for the record with when, and the role it granted given back unless
/// the account holds another e-trainer certification or its role changed since. Runs in
/// the revocation's transaction.
pub fn revoke_trainer(conn: &mut DbConn, certificate: &Certificate) -> Result<(), ApiError> {
    let Some(t) = repo::certification_of(conn, certificate.id)? else {
        return Ok(());
    };
    repo::revoke_trainer_certification(conn, t.id, now())?;
    let (before, after) = if repo::is_certified_trainer(conn, t.user_id)? {
        let role = crate::accounts::repo::find(conn, t.user_id)?.role;
        (role, role)
    } else {
        restore_role(conn, t.user_id, t.role_after, t.role_before)?
    };
    tracing::info!(
        user.id = %t.user_id,
        cohort.id = %t.cohort_id,
        role.before = %before,
        role.after = %after,
        "e-trainer certification revoked"
    );
    Ok(())
}

/// The certification action (coordinators, admins): certifies every participant complete
/// now, while the cohort runs or after it completed (409 `cohort_not_running` otherwise).
pub fn certify_now(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
) -> Result<CertificationResponse, ApiError> {
    authorize(actor, Action::CertifyCohort)?;
    db::lock_row(conn, "cohorts", cohort_id.get())?;
    let c = cohort(conn, cohort_id)?;
    if !matches!(c.status, CohortStatus::Running | CohortStatus::Completed) {
        return Err(ApiError::Conflict {
            code: "cohort_not_running",
            detail: format!(
                "the cohort is {}: certificates come while it runs or after",
                c.status
            ),
        });
    }
    certify(conn, Some(actor.id), &c)
}
