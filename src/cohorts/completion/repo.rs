//! Queries of completion: rules, participants, the records completion reads (assignments
//! passed, courses completed, certificates) and e-trainer certifications.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::cohorts::completion::model::{NewTrainerCertification, RulesRow, TrainerCertification};
use crate::cohorts::nominations::model::NominationStatus;
use crate::db::DbConn;
use crate::db::schema::{
    certificates, cohort_completion_rules, enrolments, nominations, trainer_certifications, users,
};
use crate::learning::model::Certificate;
use crate::types::{CertificateId, CohortId, CourseId, UserId};

/// A cohort's stated rules.
pub fn rules(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Option<RulesRow>> {
    cohort_completion_rules::table
        .find(cohort)
        .select(RulesRow::as_select())
        .first(conn)
        .optional()
}

/// Stores a cohort's rules (new, or replacing the stored ones).
pub fn put_rules(conn: &mut DbConn, row: &RulesRow, exists: bool) -> QueryResult<usize> {
    if exists {
        diesel::update(cohort_completion_rules::table.find(row.cohort_id))
            .set((
                cohort_completion_rules::min_attendance_percent.eq(row.min_attendance_percent),
                cohort_completion_rules::all_assignments_passed.eq(row.all_assignments_passed),
                cohort_completion_rules::all_courses_completed.eq(row.all_courses_completed),
                cohort_completion_rules::updated_at.eq(row.updated_at),
                cohort_completion_rules::version.eq(row.version),
            ))
            .execute(conn)
    } else {
        diesel::insert_into(cohort_completion_rules::table)
            .values(row)
            .execute(conn)
    }
}

/// A page of the cohort's participants (accepted nominees) by id, with their display names.
pub fn participants(
    conn: &mut DbConn,
    cohort: CohortId,
    only: Option<UserId>,
    after: Option<i64>,
    limit: Option<i64>,
) -> QueryResult<Vec<(UserId, String)>> {
    let mut q = nominations::table
        .inner_join(users::table.on(users::id.eq(nominations::nominee_id)))
        .filter(nominations::cohort_id.eq(cohort))
        .filter(nominations::status.eq(NominationStatus::Accepted))
        .select((users::id, users::display_name))
        .into_boxed();
    if let Some(only) = only {
        q = q.filter(users::id.eq(only));
    }
    if let Some(after) = after {
        q = q.filter(users::id.gt(after));
    }
    if let Some(limit) = limit {
        q = q.limit(limit);
    }
    q.order(users::id.asc()).load(conn)
}

/// The (learner, course) pairs of `courses` that each of `people` completed.
pub fn completed_courses(
    conn: &mut DbConn,
    people: &[UserId],
    courses: &[CourseId],
) -> QueryResult<Vec<(UserId, CourseId)>> {
    enrolments::table
        .filter(enrolments::user_id.eq_any(people))
        .filter(enrolments::course_id.eq_any(courses))
        .filter(enrolments::completed_at.is_not_null())
        .select((enrolments::user_id, enrolments::course_id))
        .load(conn)
}

/// The cohort's certificates of `people`.
pub fn certificates(
    conn: &mut DbConn,
    cohort: CohortId,
    people: &[UserId],
) -> QueryResult<Vec<Certificate>> {
    certificates::table
        .filter(certificates::cohort_id.eq(cohort))
        .filter(certificates::user_id.eq_any(people))
        .load(conn)
}

/// The e-trainer certifications the cohort made of `people`, those not revoked.
pub fn trainer_certifications(
    conn: &mut DbConn,
    cohort: CohortId,
    people: &[UserId],
) -> QueryResult<Vec<TrainerCertification>> {
    trainer_certifications::table
        .filter(trainer_certifications::cohort_id.eq(cohort))
        .filter(trainer_certifications::user_id.eq_any(people))
        .filter(trainer_certifications::revoked_at.is_null())
        .select(TrainerCertification::as_select())
        .load(conn)
}

/// Records an e-trainer certification.
pub fn insert_trainer_certification(
    conn: &mut DbConn,
    new: &NewTrainerCertification,
) -> QueryResult<usize> {
    diesel::insert_into(trainer_certifications::table)
        .values(new)
        .execute(conn)
}

/// The certification `certificate` made, unless revoked.
pub fn certification_of(
    conn: &mut DbConn,
    certificate: CertificateId,
) -> QueryResult<Option<TrainerCertification>> {
    trainer_certifications::table
        .filter(trainer_certifications::certificate_id.eq(certificate))
        .filter(trainer_certifications::revoked_at.is_null())
        .select(TrainerCertification::as_select())
        .first(conn)
        .optional()
}

/// Marks an e-trainer certification revoked at `at`.
pub fn revoke_trainer_certification(
    conn: &mut DbConn,
    id: i64,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(trainer_certifications::table.find(id))
        .set(trainer_certifications::revoked_at.eq(at))
        .execute(conn)
}

/// Whether `user` holds an e-trainer certification that is not revoked.
pub fn is_certified_trainer(conn: &mut DbConn, user: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        trainer_certifications::table
            .filter(trainer_certifications::user_id.eq(user))
            .filter(trainer_certifications::revoked_at.is_null()),
    ))
    .get_result(conn)
}

/// The cohort that certified each of `people` as an e-trainer first, for lineage (revoked
/// certifications left out).
pub fn certifying_cohorts(
    conn: &mut DbConn,
    people: &[UserId],
) -> QueryResult<Vec<(UserId, CohortId)>> {
    trainer_certifications::table
        .filter(trainer_certifications::user_id.eq_any(people))
        .filter(trainer_certifications::revoked_at.is_null())
        .order((
            trainer_certifications::user_id,
            trainer_certifications::certified_at,
        ))
        .select((
            trainer_certifications::user_id,
            trainer_certifications::cohort_id,
        ))
        .load(conn)
}
