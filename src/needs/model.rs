//! Needs rounds, needs, endorsements and links as stored, the domain's input values, and its
//! vocabularies.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{need_endorsements, need_links, needs, needs_rounds};
use crate::http::etag;
use crate::types::{
    CohortId, CountryCode, CourseId, IsicSection, NeedId, NeedLinkId, NeedsRoundId, OrganisationId,
    UserId,
};

crate::vocabulary! {
    /// What a need is about.
    pub enum NeedTopic {
        /// Organising and protecting platform workers.
        PlatformWorkers => "platform_workers",
        /// Domestic workers.
        DomesticWorkers => "domestic_workers",
        /// Migrant workers.
        MigrantWorkers => "migrant_workers",
        /// Young workers.
        Youth => "youth",
        /// Gender equality.
        GenderEquality => "gender_equality",
        /// Occupational safety and health.
        OccupationalSafetyAndHealth => "occupational_safety_and_health",
        /// Collective bargaining.
        CollectiveBargaining => "collective_bargaining",
        /// Organising.
        Organising => "organising",
        /// Social protection.
        SocialProtection => "social_protection",
        /// A just transition.
        JustTransition => "just_transition",
        /// Digital skills.
        DigitalSkills => "digital_skills",
        /// Union leadership.
        Leadership => "leadership",
        /// Anything else (say what in `topic_text`).
        Other => "other",
    }
}

crate::vocabulary! {
    /// How urgent a need is for the union.
    pub enum NeedPriority {
        /// Urgent.
        High => "high",
        /// Important.
        Medium => "medium",
        /// Would be good.
        Low => "low",
    }
}

crate::vocabulary! {
    /// Who the training is for.
    pub enum TargetGroup {
        /// Women members.
        Women => "women",
        /// Young members.
        Youth => "youth",
        /// Rank-and-file members.
        Members => "members",
        /// Shop stewards and workplace representatives.
        ShopStewards => "shop_stewards",
        /// Elected leaders and officers.
        Leaders => "leaders",
        /// The union's educators and trainers.
        Educators => "educators",
        /// Everyone.
        All => "all",
    }
}

crate::vocabulary! {
    /// How the training would be delivered.
    pub enum DeliveryMode {
        /// Online.
        Online => "online",
        /// In person.
        InPerson => "in_person",
        /// Both.
        Blended => "blended",
    }
}

crate::vocabulary! {
    /// What became of a need: `open` while nothing answers it, `planned` once a course or
    /// cohort is linked to it, `addressed` when a coordinator says the planned training
    /// answered it (from `planned` only; unlinking everything makes it `open` again).
    pub enum NeedState {
        /// Nothing is planned for it yet.
        Open => "open",
        /// A course or cohort is planned to answer it.
        Planned => "planned",
        /// The planned training answered it.
        Addressed => "addressed",
    }
}

/// A needs round.
#[derive(Debug, Clone, Queryable)]
pub struct NeedsRound {
    pub id: NeedsRoundId,
    pub title: String,
    pub description: String,
    /// Needs are taken until then (UTC).
    pub deadline: NaiveDateTime,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Bumped by every change; the `ETag` derives from it.
    pub version: i64,
    /// Bumped by every change to the round's needs (submitted, withdrawn, endorsed,
    /// linked, deleted): the totals' `ETag` and memo derive from it.
    pub needs_version: i64,
}

etag::versioned_row!(NeedsRound, "needs-round");

impl NeedsRound {
    /// Whether needs and endorsements are still taken `at`.
    pub fn is_open(&self, at: NaiveDateTime) -> bool {
        at < self.deadline
    }
}

/// A round with whom it invites.
#[derive(Debug, Clone)]
pub struct RoundView {
    pub round: NeedsRound,
    pub organisation_ids: Vec<OrganisationId>,
    pub countries: Vec<CountryCode>,
}

/// A new round (version 1).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = needs_rounds)]
pub struct NewNeedsRound {
    pub title: String,
    pub description: String,
    pub deadline: NaiveDateTime,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A round's fields, each valid on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundInput {
    pub title: String,
    pub description: String,
    pub deadline: NaiveDateTime,
    pub organisation_ids: Vec<OrganisationId>,
    pub countries: Vec<CountryCode>,
}

/// A valid change to a round; `None` leaves a field alone. Invitations given replace the
/// old ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub deadline: Option<NaiveDateTime>,
    pub organisation_ids: Option<Vec<OrganisationId>>,
    pub countries: Option<Vec<CountryCode>>,
}

/// Changes to a round's own row.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = needs_rounds)]
pub struct RoundChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub deadline: Option<NaiveDateTime>,
    pub updated_at: Option<NaiveDateTime>,
    pub version: Option<i64>,
}

/// A need as stored.
#[derive(Debug, Clone, Queryable)]
pub struct Need {
    pub id: NeedId,
    pub round_id: NeedsRoundId,
    pub organisation_id: OrganisationId,
    /// The organisation's country when the need was submitted.
    pub country: CountryCode,
    /// Who submitted it; `None` once they erased their account.
    pub author_id: Option<UserId>,
    pub topic: NeedTopic,
    pub topic_text: Option<String>,
    pub priority: NeedPriority,
    pub target_group: TargetGroup,
    pub sector: Option<IsicSection>,
    /// Language tags, comma-joined (`types::join_tags`).
    pub languages: String,
    pub delivery_mode: DeliveryMode,
    pub participants: i32,
    pub state: NeedState,
    pub endorsement_count: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Bumped by every change (links and endorsements too); the `ETag` derives from it.
    pub version: i64,
}

etag::versioned_row!(Need, "need");

/// A need's fields, each valid on its own (who may submit, and the round, are checked
/// later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedInput {
    pub organisation_id: OrganisationId,
    pub topic: NeedTopic,
    pub topic_text: Option<String>,
    pub priority: NeedPriority,
    pub target_group: TargetGroup,
    pub sector: Option<IsicSection>,
    pub languages: Vec<String>,
    pub delivery_mode: DeliveryMode,
    pub participants: i32,
}

/// A new need row (version 1, `open`, no endorsements).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = needs)]
pub struct NewNeed {
    pub round_id: NeedsRoundId,
    pub organisation_id: OrganisationId,
    pub country: CountryCode,
    pub author_id: Option<UserId>,
    pub topic: NeedTopic,
    pub topic_text: Option<String>,
    pub priority: NeedPriority,
    pub target_group: TargetGroup,
    pub sector: Option<IsicSection>,
    pub languages: String,
    pub delivery_mode: DeliveryMode,
    pub participants: i32,
    pub state: NeedState,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A new endorsement.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = need_endorsements)]
pub struct NewEndorsement {
    pub need_id: NeedId,
    pub user_id: Option<UserId>,
    pub created_at: NaiveDateTime,
}

/// A link from a need to a course or a cohort, with the linked item's title.
#[derive(Debug, Clone, Queryable)]
pub struct NeedLink {
    pub id: NeedLinkId,
    pub need_id: NeedId,
    pub course_id: Option<CourseId>,
    pub cohort_id: Option<CohortId>,
    pub linked_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

/// A new link.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = need_links)]
pub struct NewNeedLink {
    pub need_id: NeedId,
    pub course_id: Option<CourseId>,
    pub cohort_id: Option<CohortId>,
    pub linked_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

/// What a link points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkTarget {
    Course(CourseId),
    Cohort(CohortId),
}

/// A link with the state of the course or cohort it points to (`None` when it is gone).
#[derive(Debug, Clone)]
pub struct LinkView {
    pub link: NeedLink,
    pub status: Option<&'static str>,
}

/// A need with its links and whether the reader endorsed it.
#[derive(Debug, Clone)]
pub struct NeedView {
    pub need: Need,
    pub links: Vec<LinkView>,
    pub endorsed_by_me: bool,
}

/// One cell of a round's totals: needs of one topic, country and target group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalsRow {
    pub topic: NeedTopic,
    pub country: CountryCode,
    pub target_group: TargetGroup,
    pub needs: i64,
    pub organisations: i64,
    pub high_priority: i64,
    pub participants: i64,
    pub endorsements: i64,
}
