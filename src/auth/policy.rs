//! Who may do what. Every handler that needs a permission asks [`authorize`]; community
//! permissions are decided on the object by [`community`].

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::types::UserId;

crate::vocabulary! {
    /// Platform roles, from least to most powerful.
    #[derive(PartialOrd, Ord)]
    pub enum Role {
        /// A trainee or union member (the default).
        Member => "member",
        /// An e-trainer: authors courses, runs cohorts.
        Trainer => "trainer",
        /// Runs the programme: publishes courses, opens cohorts, manages the directory.
        Coordinator => "coordinator",
        /// Manages the platform.
        Admin => "admin",
    }
}

/// Something a caller wants to do.
#[derive(Debug, Clone, Copy)]
pub enum Action {
    /// List every account, with private fields.
    ListUsers,
    /// Change another account's role from `from` to `to`.
    ChangeRole {
        target: UserId,
        from: Role,
        to: Role,
    },
    /// Suspend or reactivate an account, or mark its email verified.
    ChangeAccountStatus { target: UserId },
    /// Change other accounts at all (`PATCH /api/v1/users/{id}`); each change is then asked
    /// for with `ChangeRole` or `ChangeAccountStatus`.
    ChangeAccounts,
    /// Invite someone by email to become staff with `role`, or read or revoke such an
    /// invitation.
    InviteStaff { role: Role },
    /// Create, change or delete organisations in the directory.
    WriteOrganisations,
    /// Decide (approve, reject, make leader) a membership of an organisation the caller
    /// leads (`is_leader`) or not.
    DecideMembership { is_leader: bool },
    /// List an organisation's members and requests.
    ListMembers { is_leader: bool },
    /// Author a new course (the caller becomes its owner).
    CreateCourse,
    /// Change a course, its texts, structure and owners; `is_owner` when the caller owns it.
    EditCourse { is_owner: bool },
    /// Publish or archive a course.
    PublishCourse,
    /// See a course that is not published (a draft), and list drafts of others.
    ViewUnpublishedCourse { is_owner: bool },
    /// Read lesson content of a members-only course.
    ReadMembersLesson { is_owner: bool, is_enrolled: bool },
    /// List a course's enrolments, as one of its owners (`is_owner`) or not.
    ListCourseEnrolments { is_owner: bool },
    /// Read another learner's progress in a course, as one of its owners (`is_owner`) or not.
    ReadLearnerProgress { is_owner: bool },
    /// Revoke an issued certificate.
    RevokeCertificates,
    /// Create cohorts, change any of their fields (facilitators, courses, dates) and delete
    /// them.
    WriteCohorts,
    /// Change a cohort's titles and descriptions, as one of its facilitators
    /// (`is_facilitator`) or not.
    EditCohortTexts { is_facilitator: bool },
    /// Post an announcement in a cohort's space, emailed to its participants and
    /// facilitators, as one of its facilitators (`is_facilitator`) or not.
    AnnounceToCohort { is_facilitator: bool },
    /// Plan a cohort's live sessions, hand out their check-in codes and record and import
    /// their attendance, as one of its facilitators (`is_facilitator`) or not.
    ManageCohortSessions { is_facilitator: bool },
    /// Move a cohort through its states (open nominations, select, run, complete, cancel).
    TransitionCohort,
    /// Write a cohort's call for nominations and participant profile, and read it while it
    /// is a draft.
    WriteCall,
    /// Nominate a member of an organisation, as one of its approved leaders
    /// (`leads_organisation`, read from the database) or not.
    Nominate { leads_organisation: bool },
    /// Accept or decline a nomination, as its nominee (`is_nominee`) or not.
    AnswerNomination { is_nominee: bool },
    /// Endorse a member's application (or not), as a leader of their organisation; nobody
    /// endorses their own.
    EndorseApplication {
        leads_organisation: bool,
        is_nominee: bool,
    },
    /// Withdraw a nomination, as its nominee or a leader of its organisation.
    WithdrawNomination {
        is_nominee: bool,
        leads_organisation: bool,
    },
    /// Read a nomination, as its nominee, a leader of its organisation, or neither.
    ReadNomination {
        is_nominee: bool,
        leads_organisation: bool,
    },
    /// Decide on nominations (accept, waitlist, reject), read their audit trail and the
    /// selection view.
    SelectParticipants,
    /// Set a cohort's assignments, read and mark every participant's submissions and read
    /// every participant's completion, as one of its facilitators (`is_facilitator`) or not.
    FacilitateCohort { is_facilitator: bool },
    /// State a cohort's completion rules and issue its certificates (which make the
    /// graduates of a `tot` cohort trainers).
    CertifyCohort,
    /// Read a cohort's lineage and reach, as one of its facilitators (`is_facilitator`) or
    /// not.
    ReadReach { is_facilitator: bool },
    /// See the small cells of aggregate figures (fewer than five people), which everyone
    /// else gets withheld.
    SeeSmallCells,
    /// Publish a library resource without moderation (members' submissions wait in the
    /// queue instead).
    PublishResource,
    /// Moderate the library: decide submissions, take down and restore any resource, read
    /// restricted resources and the moderation log.
    ModerateLibrary,
    /// Change, take down or delete a library resource, as its owner (`is_owner`) or not.
    EditResource { is_owner: bool },
    /// Curate collections of library resources; `is_owner` for changing one's own.
    CurateCollection { is_owner: bool },
    // Issue 15: training needs and organisational indicators.
    /// Open and change needs rounds, read every union's needs and a round's totals, link
    /// needs to courses and cohorts, and read every organisation's indicator reports.
    ManageNeeds,
    /// Submit or withdraw a union's needs and report its indicators, as one of its approved
    /// leaders (`leads_organisation`, read from the database) or not.
    SpeakForUnion { leads_organisation: bool },
    /// Endorse a need, as an approved member of its union (`is_member`) and its author
    /// (`is_author`) or not: nobody endorses their own.
    EndorseNeed { is_member: bool, is_author: bool },
    /// Training follow-up: read an action plan, its check-ins and reports, as its author,
    /// a leader of the author's union, one of the cohort's facilitators, or none of them.
    ReadActionPlan {
        is_author: bool,
        leads_union: bool,
        is_facilitator: bool,
    },
    /// Training follow-up: endorse an action plan or confirm or question a reported
    /// application, as a leader of the author's union; nobody vouches for themselves.
    VouchForFollowUp { leads_union: bool, is_author: bool },
    // Issue 16, item 4: webhooks.
    /// Register webhooks and list one's own (admins list everyone's).
    RegisterWebhooks,
    /// Read, change, delete, ping or re-key a webhook, as its owner (`is_owner`) or not.
    ManageWebhook { is_owner: bool },
    // Issue 17: language access.
    /// Grant and revoke translator permissions (per language, to members of member unions).
    GrantTranslators,
    /// Read another account's translator languages.
    ReadTranslators,
    /// Propose a translation (a draft) of any course's text into a language, as a
    /// translator holding it (`holds_language`) or not.
    TranslateText { holds_language: bool },
    /// Approve or reject a translator's draft, as an owner of the course (`is_owner`), a
    /// translator of its language (`holds_language`) and its author (`is_author`) or not:
    /// nobody approves their own.
    ReviewTranslation {
        is_owner: bool,
        holds_language: bool,
        is_author: bool,
    },
    /// Read a course's translation states and a text's translation view, as one of its
    /// owners (`is_owner`), a translator (`is_translator`, of the language asked) or neither.
    ReadTranslations { is_owner: bool, is_translator: bool },
    /// Read the translation requests totalled by language, country and course.
    ReadTranslationDemand,
    /// Add and remove union glossary entries.
    ManageGlossary,
    // Issue 16: programmes and dashboards.
    /// Create and change programmes and their cohorts and courses.
    WriteProgrammes,
    /// Read programmes, as an approved leader of some union (`leads_union`) or not.
    ReadProgrammes { leads_union: bool },
    /// Read a dashboard (cohort, course, programme, organisation). `leads_union`: the caller
    /// is an approved leader of a union whose participants the dashboard would show (for an
    /// organisation's dashboard: of that organisation). Whoever reads it only as a leader
    /// sees only their own unions' participants ([`dashboard_scope`]).
    ReadDashboard { leads_union: bool },
    /// Export a programme's participants one row each.
    ExportParticipants,
    /// See participants' names and emails in an export.
    SeeParticipantNames,
}

/// `Ok` when `actor` may do `action`, else 403.
pub fn authorize(actor: &AuthUser, action: Action) -> Result<(), ApiError> {
    if allowed(actor, action) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "forbidden",
            "you are not allowed to do this",
        ))
    }
}

/// The rules themselves.
pub fn allowed(actor: &AuthUser, action: Action) -> bool {
    use Role::*;
    let role = actor.role;
    match action {
        Action::ListUsers => role == Admin,
        // Nobody changes their own role or status: an admin cannot lock the platform out by mistake.
        Action::ChangeRole { target, .. } | Action::ChangeAccountStatus { target }
            if target == actor.id =>
        {
            false
        }
        Action::ChangeRole { from, to, .. } => match role {
            Admin => true,
            // Coordinators grant and remove the trainer role, and nothing else.
            Coordinator => matches!(
                (from, to),
                (Member, Trainer) | (Trainer, Member) | (Member, Member) | (Trainer, Trainer)
            ),
            _ => false,
        },
        Action::ChangeAccountStatus { .. } => role == Admin,
        Action::ChangeAccounts => matches!(role, Coordinator | Admin),
        // As with role changes: coordinators bring in trainers, admins any staff. Nobody is
        // invited to be a plain member: that is self-registration.
        Action::InviteStaff { role: invited } => match invited {
            Member => false,
            Trainer => matches!(role, Coordinator | Admin),
            Coordinator | Admin => role == Admin,
        },
        Action::WriteOrganisations => matches!(role, Coordinator | Admin),
        Action::DecideMembership { is_leader } | Action::ListMembers { is_leader } => {
            is_leader || matches!(role, Coordinator | Admin)
        }
        Action::CreateCourse => role >= Trainer,
        // Owning a course gives powers only while the owner is a trainer (or more): an owner
        // demoted to member keeps the listing, not the powers, and is decided on the role
        // read at this request.
        Action::EditCourse { is_owner } | Action::ViewUnpublishedCourse { is_owner } => {
            (is_owner && role >= Trainer) || matches!(role, Coordinator | Admin)
        }
        Action::PublishCourse => matches!(role, Coordinator | Admin),
        Action::ReadMembersLesson {
            is_owner,
            is_enrolled,
        } => (is_owner && role >= Trainer) || is_enrolled || matches!(role, Coordinator | Admin),
        // Course owners follow their own learners; coordinators and admins follow everyone's.
        Action::ListCourseEnrolments { is_owner } | Action::ReadLearnerProgress { is_owner } => {
            (is_owner && role >= Trainer) || matches!(role, Coordinator | Admin)
        }
        Action::RevokeCertificates => matches!(role, Coordinator | Admin),
        Action::WriteCohorts | Action::TransitionCohort => matches!(role, Coordinator | Admin),
        // As with course owners: facilitating gives powers only while the facilitator is
        // still a trainer (or more), decided on the role read at this request.
        Action::EditCohortTexts { is_facilitator }
        | Action::AnnounceToCohort { is_facilitator }
        | Action::FacilitateCohort { is_facilitator }
        | Action::ManageCohortSessions { is_facilitator } => {
            (is_facilitator && role >= Trainer) || matches!(role, Coordinator | Admin)
        }
        Action::WriteCall | Action::SelectParticipants => matches!(role, Coordinator | Admin),
        // Certifying makes trainers: as with granting the trainer role, coordinators and
        // admins only.
        Action::CertifyCohort => matches!(role, Coordinator | Admin),
        Action::ReadReach { is_facilitator } => {
            (is_facilitator && role >= Trainer) || matches!(role, Coordinator | Admin)
        }
        Action::SeeSmallCells => role == Admin,
        Action::PublishResource => role >= Trainer,
        Action::ModerateLibrary => matches!(role, Coordinator | Admin),
        // A member owns what they submitted: changing it sends it back to the queue.
        Action::EditResource { is_owner } => is_owner || matches!(role, Coordinator | Admin),
        Action::CurateCollection { is_owner } => {
            (is_owner && role >= Trainer) || matches!(role, Coordinator | Admin)
        }
        // Union leadership, not a platform role, makes a nominator: a coordinator who
        // leads no union nominates nobody.
        Action::Nominate { leads_organisation } => leads_organisation,
        Action::AnswerNomination { is_nominee } => is_nominee,
        Action::EndorseApplication {
            leads_organisation,
            is_nominee,
        } => leads_organisation && !is_nominee,
        Action::WithdrawNomination {
            is_nominee,
            leads_organisation,
        } => is_nominee || leads_organisation,
        Action::ReadNomination {
            is_nominee,
            leads_organisation,
        } => is_nominee || leads_organisation || matches!(role, Coordinator | Admin),
        // Issue 15. As with nominating, union leadership, not a platform role, speaks for a
        // union: a coordinator who leads none reports nothing.
        Action::ManageNeeds => matches!(role, Coordinator | Admin),
        Action::SpeakForUnion { leads_organisation } => leads_organisation,
        Action::EndorseNeed {
            is_member,
            is_author,
        } => is_member && !is_author,
        // Training follow-up: as with cohorts, facilitating counts while a trainer.
        Action::ReadActionPlan {
            is_author,
            leads_union,
            is_facilitator,
        } => {
            is_author
                || leads_union
                || (is_facilitator && role >= Trainer)
                || matches!(role, Coordinator | Admin)
        }
        Action::VouchForFollowUp {
            leads_union,
            is_author,
        } => leads_union && !is_author,
        // Webhooks send events about everyone: staff only. Ownership counts while the
        // owner is still staff; admins manage every subscription.
        Action::RegisterWebhooks => matches!(role, Coordinator | Admin),
        Action::ManageWebhook { is_owner } => (is_owner && role == Coordinator) || role == Admin,
        // Issue 17. Translating is a permission per language, held whatever the role.
        Action::GrantTranslators
        | Action::ReadTranslators
        | Action::ReadTranslationDemand
        | Action::ManageGlossary => matches!(role, Coordinator | Admin),
        Action::TranslateText { holds_language } => holds_language,
        Action::ReviewTranslation {
            is_owner,
            holds_language,
            is_author,
        } => {
            !is_author
                && ((is_owner && role >= Trainer)
                    || holds_language
                    || matches!(role, Coordinator | Admin))
        }
        Action::ReadTranslations {
            is_owner,
            is_translator,
        } => (is_owner && role >= Trainer) || is_translator || matches!(role, Coordinator | Admin),
        Action::WriteProgrammes | Action::ExportParticipants => {
            matches!(role, Coordinator | Admin)
        }
        // Leadership of a union, not a platform role, opens programmes and dashboards to
        // a member: as with nominating.
        Action::ReadProgrammes { leads_union } | Action::ReadDashboard { leads_union } => {
            leads_union || matches!(role, Coordinator | Admin)
        }
        Action::SeeParticipantNames => role == Admin,
    }
}

/// Whose participants a dashboard shows its reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DashboardScope {
    /// Everyone's (coordinators and admins).
    All,
    /// Only those of these unions (a leader's own).
    Unions(Vec<crate::types::OrganisationId>),
}

/// The part of a dashboard `actor` may read, `led` giving the unions they are an approved
/// leader of (asked only when the role does not already decide): everything for
/// coordinators and admins, their own unions' participants for leaders, nothing (`None`,
/// answered 404) for anyone else.
pub fn dashboard_scope<E>(
    actor: &AuthUser,
    led: impl FnOnce() -> Result<Vec<crate::types::OrganisationId>, E>,
) -> Result<Option<DashboardScope>, E> {
    if matches!(actor.role, Role::Coordinator | Role::Admin) {
        return Ok(Some(DashboardScope::All));
    }
    let led = led()?;
    Ok(allowed(
        actor,
        Action::ReadDashboard {
            leads_union: !led.is_empty(),
        },
    )
    .then_some(DashboardScope::Unions(led)))
}

/// The staff roles `actor` may invite (and whose invitations they may read and revoke),
/// from least to most powerful; empty for members and trainers.
pub fn invitable_roles(actor: &AuthUser) -> Vec<Role> {
    Role::ALL
        .iter()
        .copied()
        .filter(|&role| allowed(actor, Action::InviteStaff { role }))
        .collect()
}

/// Communities: who reads, takes part and moderates (the visibility rule, once).
pub mod community;

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> AuthUser {
        AuthUser {
            id: UserId(1),
            role,
            session_id: crate::types::SessionId(1),
            language: Default::default(),
            name: None,
        }
    }

    #[test]
    fn each_role_against_each_action() {
        use Role::*;
        let table: &[(Action, [bool; 4])] = &[
            (Action::ListUsers, [false, false, false, true]),
            (
                Action::ChangeRole {
                    target: UserId(2),
                    from: Member,
                    to: Trainer,
                },
                [false, false, true, true],
            ),
            (
                Action::ChangeRole {
                    target: UserId(2),
                    from: Trainer,
                    to: Member,
                },
                [false, false, true, true],
            ),
            (
                Action::ChangeRole {
                    target: UserId(2),
                    from: Member,
                    to: Coordinator,
                },
                [false, false, false, true],
            ),
            (
                Action::ChangeRole {
                    target: UserId(2),
                    from: Admin,
                    to: Member,
                },
                [false, false, false, true],
            ),
            (
                Action::ChangeRole {
                    target: UserId(1),
                    from: Admin,
                    to: Member,
                },
                [false, false, false, false],
            ),
            (
                Action::ChangeAccountStatus { target: UserId(2) },
                [false, false, false, true],
            ),
            (
                Action::ChangeAccountStatus { target: UserId(1) },
                [false, false, false, false],
            ),
            (Action::ChangeAccounts, [false, false, true, true]),
            (
                Action::InviteStaff { role: Member },
                [false, false, false, false],
            ),
            (
                Action::InviteStaff { role: Trainer },
                [false, false, true, true],
            ),
            (
                Action::InviteStaff { role: Coordinator },
                [false, false, false, true],
            ),
            (
                Action::InviteStaff { role: Admin },
                [false, false, false, true],
            ),
            (Action::WriteOrganisations, [false, false, true, true]),
            (Action::RegisterWebhooks, [false, false, true, true]),
            (
                Action::ManageWebhook { is_owner: true },
                [false, false, true, true],
            ),
            (
                Action::ManageWebhook { is_owner: false },
                [false, false, false, true],
            ),
            (
                Action::DecideMembership { is_leader: false },
                [false, false, true, true],
            ),
            (
                Action::DecideMembership { is_leader: true },
                [true, true, true, true],
            ),
            (
                Action::ListMembers { is_leader: false },
                [false, false, true, true],
            ),
            (Action::CreateCourse, [false, true, true, true]),
            (
                Action::EditCourse { is_owner: false },
                [false, false, true, true],
            ),
            (
                Action::EditCourse { is_owner: true },
                [false, true, true, true],
            ),
            (Action::PublishCourse, [false, false, true, true]),
            (
                Action::ViewUnpublishedCourse { is_owner: false },
                [false, false, true, true],
            ),
            (
                Action::ViewUnpublishedCourse { is_owner: true },
                [false, true, true, true],
            ),
            (
                Action::ReadMembersLesson {
                    is_owner: false,
                    is_enrolled: false,
                },
                [false, false, true, true],
            ),
            (
                Action::ReadMembersLesson {
                    is_owner: false,
                    is_enrolled: true,
                },
                [true, true, true, true],
            ),
            (
                Action::ListCourseEnrolments { is_owner: false },
                [false, false, true, true],
            ),
            (
                Action::ListCourseEnrolments { is_owner: true },
                [false, true, true, true],
            ),
            (
                Action::ReadLearnerProgress { is_owner: false },
                [false, false, true, true],
            ),
            (
                Action::ReadLearnerProgress { is_owner: true },
                [false, true, true, true],
            ),
            (Action::RevokeCertificates, [false, false, true, true]),
            (Action::WriteCohorts, [false, false, true, true]),
            (Action::TransitionCohort, [false, false, true, true]),
            (
                Action::EditCohortTexts {
                    is_facilitator: false,
                },
                [false, false, true, true],
            ),
            (
                Action::EditCohortTexts {
                    is_facilitator: true,
                },
                [false, true, true, true],
            ),
            (
                Action::AnnounceToCohort {
                    is_facilitator: false,
                },
                [false, false, true, true],
            ),
            (
                Action::AnnounceToCohort {
                    is_facilitator: true,
                },
                [false, true, true, true],
            ),
            (Action::WriteCall, [false, false, true, true]),
            (Action::SelectParticipants, [false, false, true, true]),
            (
                Action::FacilitateCohort {
                    is_facilitator: false,
                },
                [false, false, true, true],
            ),
            (
                Action::FacilitateCohort {
                    is_facilitator: true,
                },
                [false, true, true, true],
            ),
            (Action::CertifyCohort, [false, false, true, true]),
            (
                Action::ReadReach {
                    is_facilitator: false,
                },
                [false, false, true, true],
            ),
            (
                Action::ReadReach {
                    is_facilitator: true,
                },
                [false, true, true, true],
            ),
            (Action::SeeSmallCells, [false, false, false, true]),
            (Action::WriteProgrammes, [false, false, true, true]),
            (Action::ExportParticipants, [false, false, true, true]),
            (Action::SeeParticipantNames, [false, false, false, true]),
            (
                Action::ReadProgrammes { leads_union: false },
                [false, false, true, true],
            ),
            (
                Action::ReadDashboard { leads_union: true },
                [true, true, true, true],
            ),
            (
                Action::Nominate {
                    leads_organisation: false,
                },
                [false, false, false, false],
            ),
            (
                Action::Nominate {
                    leads_organisation: true,
                },
                [true, true, true, true],
            ),
            (
                Action::AnswerNomination { is_nominee: false },
                [false, false, false, false],
            ),
            (
                Action::AnswerNomination { is_nominee: true },
                [true, true, true, true],
            ),
            (
                Action::EndorseApplication {
                    leads_organisation: true,
                    is_nominee: true,
                },
                [false, false, false, false],
            ),
            (
                Action::EndorseApplication {
                    leads_organisation: true,
                    is_nominee: false,
                },
                [true, true, true, true],
            ),
            (
                Action::EndorseApplication {
                    leads_organisation: false,
                    is_nominee: false,
                },
                [false, false, false, false],
            ),
            (
                Action::WithdrawNomination {
                    is_nominee: false,
                    leads_organisation: false,
                },
                [false, false, false, false],
            ),
            (
                Action::WithdrawNomination {
                    is_nominee: false,
                    leads_organisation: true,
                },
                [true, true, true, true],
            ),
            (
                Action::ReadNomination {
                    is_nominee: false,
                    leads_organisation: false,
                },
                [false, false, true, true],
            ),
            (
                Action::ReadNomination {
                    is_nominee: true,
                    leads_organisation: false,
                },
                [true, true, true, true],
            ),
            // Issue 15.
            (Action::ManageNeeds, [false, false, true, true]),
            (
                Action::SpeakForUnion {
                    leads_organisation: false,
                },
                [false, false, false, false],
            ),
            (
                Action::SpeakForUnion {
                    leads_organisation: true,
                },
                [true, true, true, true],
            ),
            (
                Action::EndorseNeed {
                    is_member: true,
                    is_author: false,
                },
                [true, true, true, true],
            ),
            (
                Action::EndorseNeed {
                    is_member: true,
                    is_author: true,
                },
                [false, false, false, false],
            ),
            (
                Action::EndorseNeed {
                    is_member: false,
                    is_author: false,
                },
                [false, false, false, false],
            ),
            // Issue 17: translating is a permission per language, whatever the role.
            (Action::GrantTranslators, [false, false, true, true]),
            (
                Action::TranslateText {
                    holds_language: false,
                },
                [false, false, false, false],
            ),
            (
                Action::TranslateText {
                    holds_language: true,
                },
                [true, true, true, true],
            ),
            (
                Action::ReviewTranslation {
                    is_owner: false,
                    holds_language: true,
                    is_author: true,
                },
                [false, false, false, false],
            ),
            (
                Action::ReviewTranslation {
                    is_owner: true,
                    holds_language: false,
                    is_author: false,
                },
                [false, true, true, true],
            ),
            (
                Action::ReviewTranslation {
                    is_owner: false,
                    holds_language: true,
                    is_author: false,
                },
                [true, true, true, true],
            ),
            (
                Action::ReadTranslations {
                    is_owner: false,
                    is_translator: false,
                },
                [false, false, true, true],
            ),
        ];
        for (action, expected) in table {
            for (role, want) in Role::ALL.iter().copied().zip(expected) {
                assert_eq!(allowed(&actor(role), *action), *want, "{role:?} {action:?}");
            }
        }
    }
}
