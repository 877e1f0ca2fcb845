//! Nominations and their audit trail as stored, and their vocabularies.
//!
//! A nomination carries a `version` that every change bumps; its `ETag` derives from it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{nomination_events, nominations};
use crate::types::{CohortId, NominationEventId, NominationId, OrganisationId, UserId};

crate::vocabulary! {
    /// How a nomination began.
    pub enum NominationOrigin {
        /// A union leader nominated a member of their union.
        Leader => "leader",
        /// A member applied; a leader of their union endorses them or not.
        Application => "application",
    }
}

crate::vocabulary! {
    /// Where a nomination stands.
    pub enum NominationStatus {
        /// A leader nominated; the nominee has not answered.
        AwaitingNominee => "awaiting_nominee",
        /// Before the coordinators: the nominee accepted, or a leader endorsed the application.
        Submitted => "submitted",
        /// The nominee declined.
        Declined => "declined",
        /// A member applied; no leader has answered.
        AwaitingLeader => "awaiting_leader",
        /// A leader did not endorse the application.
        NotEndorsed => "not_endorsed",
        /// A participant: enrolled in the cohort's courses.
        Accepted => "accepted",
        /// On the waiting list: the first there takes the next place that frees up.
        Waitlisted => "waitlisted",
        /// Not chosen.
        Rejected => "rejected",
        /// Withdrawn by the nominee or a leader of their union.
        Withdrawn => "withdrawn",
    }
}

/// Who makes a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mover {
    /// The nominee answers a leader's nomination.
    Nominee,
    /// A leader of the nominee's organisation (not the nominee) answers an application.
    Leader,
    /// A coordinator (or admin) decides.
    Coordinator,
    /// The nominee or a leader of their organisation withdraws.
    NomineeOrLeader,
}

impl NominationStatus {
    /// Who may move a nomination in this state to `to`; `None` when no one may.
    pub fn mover(self, to: Self) -> Option<Mover> {
        use NominationStatus::*;
        match (self, to) {
            (AwaitingNominee, Submitted | Declined) => Some(Mover::Nominee),
            (AwaitingLeader, Submitted | NotEndorsed) => Some(Mover::Leader),
            (Submitted, Accepted | Waitlisted | Rejected) | (Waitlisted, Accepted | Rejected) => {
                Some(Mover::Coordinator)
            }
            (AwaitingNominee | AwaitingLeader | Submitted | Waitlisted | Accepted, Withdrawn) => {
                Some(Mover::NomineeOrLeader)
            }
            _ => None,
        }
    }

    /// A coordinators' decision, which carries a reason emailed to nominee and leader.
    pub fn is_decision(self) -> bool {
        matches!(self, Self::Accepted | Self::Waitlisted | Self::Rejected)
    }

    /// States that end a nomination and leave room for another of the same person.
    pub const ENDED: [Self; 3] = [Self::Declined, Self::NotEndorsed, Self::Withdrawn];

    /// States that count towards quotas and block a second nomination: every state but
    /// the ended ones and `rejected`.
    pub const LIVE: [Self; 5] = [
        Self::AwaitingNominee,
        Self::AwaitingLeader,
        Self::Submitted,
        Self::Accepted,
        Self::Waitlisted,
    ];

    /// States that reached the coordinators: the selection view's submitted set.
    pub const PUT_FORWARD: [Self; 4] = [
        Self::Submitted,
        Self::Accepted,
        Self::Waitlisted,
        Self::Rejected,
    ];
}

/// A nomination row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = nominations)]
pub struct Nomination {
    pub id: NominationId,
    pub cohort_id: CohortId,
    pub nominee_id: UserId,
    pub organisation_id: OrganisationId,
    pub origin: NominationOrigin,
    pub status: NominationStatus,
    /// The accountable leader: who nominated, or who endorsed the application.
    pub leader_id: Option<UserId>,
    pub statement: String,
    pub profile_read_at: NaiveDateTime,
    pub decision_reason: Option<String>,
    pub waitlisted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Bumped by every change; the `ETag` derives from it.
    pub version: i64,
}

crate::http::etag::versioned_row!(Nomination, "nomination");

/// A new nomination row (version 1).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = nominations)]
pub struct NewNomination {
    pub cohort_id: CohortId,
    pub nominee_id: UserId,
    pub organisation_id: OrganisationId,
    pub origin: NominationOrigin,
    pub status: NominationStatus,
    pub leader_id: Option<UserId>,
    pub statement: String,
    pub profile_read_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Changes of a move; every move names the status, `updated_at` and `version`.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = nominations)]
pub struct NominationChanges {
    pub status: NominationStatus,
    pub leader_id: Option<UserId>,
    pub decision_reason: Option<String>,
    pub waitlisted_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// One step of a nomination: who, when, what (from which state to which), why.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = nomination_events)]
pub struct NominationEvent {
    pub id: NominationEventId,
    pub nomination_id: NominationId,
    pub cohort_id: CohortId,
    pub actor_id: Option<UserId>,
    pub from_status: Option<NominationStatus>,
    pub to_status: NominationStatus,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A new step of the audit trail.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = nomination_events)]
pub struct NewNominationEvent {
    pub nomination_id: NominationId,
    pub cohort_id: CohortId,
    pub actor_id: Option<UserId>,
    pub from_status: Option<NominationStatus>,
    pub to_status: NominationStatus,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A new nomination or application, its body parsed.
#[derive(Debug, Clone)]
pub struct NominationInput {
    /// Whom; `None` (or the caller) for an application.
    pub nominee_id: Option<UserId>,
    /// Through which organisation; needed only when several would fit.
    pub organisation_id: Option<OrganisationId>,
    /// The statement of fit (a leader's) or of motivation (an applicant's).
    pub statement: String,
}

/// A move, its body parsed: a decision always has its reason.
#[derive(Debug, Clone)]
pub struct MoveInput {
    pub to: NominationStatus,
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use NominationStatus::*;

    #[test]
    fn each_move_has_its_mover_and_no_other_move_exists() {
        let moves = [
            (AwaitingNominee, Submitted, Mover::Nominee),
            (AwaitingNominee, Declined, Mover::Nominee),
            (AwaitingLeader, Submitted, Mover::Leader),
            (AwaitingLeader, NotEndorsed, Mover::Leader),
            (Submitted, Accepted, Mover::Coordinator),
            (Submitted, Waitlisted, Mover::Coordinator),
            (Submitted, Rejected, Mover::Coordinator),
            (Waitlisted, Accepted, Mover::Coordinator),
            (Waitlisted, Rejected, Mover::Coordinator),
            (AwaitingNominee, Withdrawn, Mover::NomineeOrLeader),
            (AwaitingLeader, Withdrawn, Mover::NomineeOrLeader),
            (Submitted, Withdrawn, Mover::NomineeOrLeader),
            (Waitlisted, Withdrawn, Mover::NomineeOrLeader),
            (Accepted, Withdrawn, Mover::NomineeOrLeader),
        ];
        for from in NominationStatus::ALL {
            for to in NominationStatus::ALL {
                let expected = moves
                    .iter()
                    .find(|(f, t, _)| f == from && t == to)
                    .map(|m| m.2);
                assert_eq!(from.mover(*to), expected, "{from} -> {to}");
            }
        }
    }
}
