//! Id newtypes: a member id can never be passed where a course id is meant.
//!
//! On the wire and in the database an id is a plain integer (`BIGINT`). In an OpenAPI
//! schema, write `#[schema(value_type = i64)]` on a DTO field of an id type (no id type
//! implements `ToSchema`, so forgetting it does not compile).

/// Declares id newtypes over `i64`, mapped to `BIGINT`.
#[macro_export]
macro_rules! id_types {
    ($( $(#[$meta:meta])* $name:ident ),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            ::serde::Serialize, ::serde::Deserialize,
            ::diesel::expression::AsExpression, ::diesel::deserialize::FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = ::diesel::sql_types::BigInt)]
        pub struct $name(pub i64);

        impl $name {
            /// The plain integer.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                Self(id)
            }
        }

        impl<DB> ::diesel::serialize::ToSql<::diesel::sql_types::BigInt, DB> for $name
        where
            DB: ::diesel::backend::Backend,
            i64: ::diesel::serialize::ToSql<::diesel::sql_types::BigInt, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut ::diesel::serialize::Output<'b, '_, DB>,
            ) -> ::diesel::serialize::Result {
                <i64 as ::diesel::serialize::ToSql<::diesel::sql_types::BigInt, DB>>::to_sql(
                    &self.0, out,
                )
            }
        }

        impl<DB> ::diesel::deserialize::FromSql<::diesel::sql_types::BigInt, DB> for $name
        where
            DB: ::diesel::backend::Backend,
            i64: ::diesel::deserialize::FromSql<::diesel::sql_types::BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> ::diesel::deserialize::Result<Self> {
                <i64 as ::diesel::deserialize::FromSql<::diesel::sql_types::BigInt, DB>>::from_sql(
                    bytes,
                )
                .map(Self)
            }
        }
    )+};
}

id_types! {
    /// An account.
    UserId,
    /// An organisation of the directory.
    OrganisationId,
    /// A membership of an account in an organisation.
    MembershipId,
    /// A course.
    CourseId,
    /// A module of a course.
    ModuleId,
    /// A lesson of a module.
    LessonId,
    /// An enrolment of a learner in a course.
    EnrolmentId,
    /// An issued certificate.
    CertificateId,
    /// A community of practice.
    CommunityId,
    /// A thread of a community.
    ThreadId,
    /// A post of a thread.
    PostId,
    /// A flag raised on a post or thread.
    FlagId,
    /// A notification.
    NotificationId,
    /// A queued email.
    EmailId,
    /// A staff invitation.
    InvitationId,
    /// A login (session) of an account.
    SessionId,
    /// A cohort: a group running courses together with facilitators.
    CohortId,
    /// A nomination of a member for a cohort (or their application).
    NominationId,
    /// One step in a nomination's audit trail.
    NominationEventId,
    /// An assignment a cohort's facilitators set.
    AssignmentId,
    /// A participant's submission to an assignment.
    SubmissionId,
    /// A live session of a cohort (not a login: that is [`SessionId`]).
    LiveSessionId,
    /// A secret calendar feed of an account.
    CalendarFeedId,
    /// A question of a course's bank.
    QuestionId,
    /// A quiz (the settings of a quiz lesson).
    QuizId,
    /// A learner's attempt at a quiz.
    AttemptId,
    /// A regrade of a question (assessment's audit trail).
    RegradeId,
    /// A pair of quizzes given before and after a course or cohort.
    PrePostTestId,
    /// A reaction survey (its responses have random text ids, not these).
    SurveyId,
    /// An item of a reaction survey.
    SurveyItemId,
    /// A resource of the library.
    ResourceId,
    /// A file of a library resource (one language, one version).
    ResourceFileId,
    /// A collection of library resources.
    CollectionId,
    /// A participant's action plan after a cohort (follow-up).
    ActionPlanId,
    /// A step of an action plan.
    PlanStepId,
    /// A participant's check-in for one follow-up round.
    CheckInId,
    /// A check-in's report on one plan step.
    CheckInReportId,
    /// A participant's request for guidance from their cohort's facilitators.
    GuidanceRequestId,
}

// Issue 15, items 1 and 4: training needs and organisational indicators.
id_types! {
    /// A round of the needs assessment.
    NeedsRoundId,
    /// A union's training need.
    NeedId,
    /// A link from a need to a course or cohort planned to answer it.
    NeedLinkId,
    /// An organisation's indicator report for one period.
    IndicatorReportId,
}

// Issue 16, item 4: webhooks.
id_types! {
    /// A webhook subscription: an HTTPS endpoint and the events it wants.
    WebhookId,
    /// One event's delivery to one webhook subscription.
    WebhookDeliveryId,
}

// Issue 17, items 1 to 4: language access.
id_types! {
    /// A translator's edit of a text, waiting for review.
    TranslationDraftId,
    /// A learner's request for a course in their language.
    TranslationRequestId,
    /// An entry of the union glossary.
    GlossaryEntryId,
}

// Issue 16: programmes.
id_types! {
    /// A programme: cohorts and courses judged together against target figures.
    ProgrammeId,
}

// Issue 17, item 5: community posts across languages.
id_types! {
    /// A post's translation into one language.
    PostTranslationId,
    /// A machine-translation job of the outbox.
    MachineTranslationJobId,
}
