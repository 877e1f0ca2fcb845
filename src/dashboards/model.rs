//! A dashboard as a plain value: what the JSON answer, the CSV and any renderer (SVG
//! charts, the printable report) take. Every figure about people is already suppressed
//! for its reader: a withheld count or share is `None` (`null` in JSON, empty in CSV).
//!
//! Levels follow Kirkpatrick: 1 reaction (surveys), 2 learning (pre/post tests), 3
//! behaviour (action plans and follow-up check-ins), 4 results (unions' indicators).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::types::cells::CountCell;
use crate::types::{LessonId, OrganisationId};

crate::vocabulary! {
    /// What a dashboard is of.
    pub enum DashboardKind {
        /// One cohort: its participants (accepted nominations).
        Cohort => "cohort",
        /// One course: its enrolled learners.
        Course => "course",
        /// A programme: the participants of its cohorts (its courses count for levels 1-2
        /// and for completion).
        Programme => "programme",
        /// One union: its members' participation in every cohort.
        Organisation => "organisation",
    }
}

crate::vocabulary! {
    /// A stage of the participation funnel. A course's funnel starts at `enrolled`;
    /// the others at `nominated`.
    ///
    /// The stages nest: each counts the distinct people who reached it **or any later
    /// stage**, so that nominated ≥ selected ≥ started ≥ completed ≥ certified ≥
    /// followed up whatever the data (seeded, imported attendance, CSV) holds. A person's
    /// furthest stage is the latest one with evidence: a certificate without any lesson
    /// progress counts as certified, completed and started.
    pub enum FunnelStage {
        /// Put forward for a cohort (any state of the nomination).
        Nominated => "nominated",
        /// Accepted into the cohort (a participant): the accepted nominations.
        Selected => "selected",
        /// Enrolled in the course (course dashboards; not removed).
        Enrolled => "enrolled",
        /// Completed at least one lesson of the cohort's (or programme's) courses, or
        /// reached a later stage.
        Started => "started",
        /// Completed every course of the cohort (at least one course; a course
        /// dashboard: that course), or reached a later stage.
        Completed => "completed",
        /// Holds a certificate of the cohort (or course) that is not revoked, or reached
        /// a later stage.
        Certified => "certified",
        /// Reported at least one follow-up check-in on their action plan in the cohort
        /// (not on course dashboards).
        FollowedUp => "followed_up",
    }
}

/// One whole dashboard.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Dashboard {
    pub kind: DashboardKind,
    /// The cohort's, course's, programme's or organisation's id.
    pub id: i64,
    /// Cells under this many people are withheld: 5, or 1 for admins (who see all).
    pub suppressed_below: i64,
    /// For a union leader: the unions whose participants alone are counted; `null`:
    /// everyone.
    #[schema(value_type = Option<Vec<i64>>)]
    pub restricted_to: Option<Vec<OrganisationId>>,
    pub reach: Reach,
    /// Distinct people at each stage, in order; each stage counts who reached it or a
    /// later one, so the counts never grow down the funnel (see `FunnelStage`).
    pub funnel: Vec<FunnelCell>,
    /// Level 1.
    pub reaction: Reaction,
    /// Level 2.
    pub learning: Learning,
    /// Level 3.
    pub behaviour: Behaviour,
    /// Level 4.
    pub results: Results,
    /// Course dashboards only: where learners stop, lesson by lesson in course order.
    pub lessons: Option<Vec<LessonDropOff>>,
}

/// Reach and representativeness of the participants (distinct people selected, or
/// enrolled for a course), against the programme's targets where there are any.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Reach {
    /// Distinct participants.
    pub participants: Option<i64>,
    /// Countries of the participants' accounts (`not_stated` not counted).
    pub countries_reached: Option<i64>,
    /// Percent of participants who are women (of all, `not_stated` included).
    pub women_percent: Option<f64>,
    /// Percent of participants under 35 in the year their cohort started.
    pub under_35_percent: Option<f64>,
    /// Percent of participants who completed (the funnel's `completed`: certified
    /// participants included).
    pub completion_percent: Option<f64>,
    /// By country (ISO code or `not_stated`), largest first.
    pub country: Vec<CountCell>,
    /// `female`, `male`, `non_binary`, `other`, `not_stated`.
    pub gender: Vec<CountCell>,
    /// `under_25`, `25_34`, `35_44`, `45_54`, `55_plus`, `not_stated`.
    pub age_band: Vec<CountCell>,
    /// By union (the nominating organisation), the 25 largest first (organisation id 0:
    /// participants of no union).
    pub union: Vec<UnionCell>,
    /// How many unions sent participants (withheld with `participants`).
    pub unions_reached: Option<i64>,
    /// Participants of the unions beyond the 25 listed in `union` (0 when every union is
    /// listed; withheld when small, or when it would give a small remainder away). The
    /// participants' CSV export has every union.
    pub other_unions: Option<i64>,
    /// By the union's ISIC section (`A`..`U`, or `not_stated`), largest first.
    pub sector: Vec<CountCell>,
    /// The programme's targets and how far they are met (programme dashboards).
    pub targets: Vec<TargetCheck>,
}

/// A union and how many participants it sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UnionCell {
    #[schema(value_type = i64)]
    pub organisation_id: OrganisationId,
    pub name: String,
    pub count: Option<i64>,
}

/// One target figure against what was reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TargetCheck {
    /// `participants`, `women_percent`, `under_35_percent`, `countries`,
    /// `completion_percent`.
    pub figure: String,
    pub target: i64,
    /// What was reached; `null` when withheld.
    pub actual: Option<f64>,
    /// Whether it is met; `null` when withheld.
    pub met: Option<bool>,
}

/// One stage of the funnel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FunnelCell {
    pub stage: FunnelStage,
    pub count: Option<i64>,
}

/// Level 1: reaction surveys of the cohorts and courses.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Reaction {
    /// Surveys counted.
    pub surveys: i64,
    /// Responses of the participants (anonymous ones only for readers who see everyone).
    pub responses: Option<i64>,
    /// Responses per participant asked, in percent.
    pub response_rate_percent: Option<f64>,
    /// Mean of the rating and Likert answers, in percent of each item's scale.
    pub mean_percent: Option<f64>,
}

/// Level 2: pre- and post-tests of the courses.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Learning {
    /// Pre/post test pairs counted.
    pub tests: i64,
    /// Participants with both a pre- and a post-test.
    pub paired: Option<i64>,
    /// Mean pre-test score, percent (over the paired).
    pub mean_pre_percent: Option<f64>,
    /// Mean post-test score, percent (over the paired).
    pub mean_post_percent: Option<f64>,
    /// Mean normalised gain, (post − pre) / (100 − pre), from 0 to 1 (negative: loss).
    pub mean_normalised_gain: Option<f64>,
}

/// Level 3: follow-up of what participants apply.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Behaviour {
    /// Participants with an action plan.
    pub action_plans: Option<i64>,
    /// Percent of participants with an action plan.
    pub action_plan_percent: Option<f64>,
    /// Percent of plan holders who reported at least one check-in.
    pub check_in_percent: Option<f64>,
    /// Check-in response rate, in percent: **due check-ins reported ÷ due check-ins**.
    /// A check-in is due for each action plan of a participant and each round of the
    /// cohort's follow-up schedule whose day (the cohort's last day + the round's offset)
    /// is today or before; it is reported when the plan has a check-in for that round.
    /// `null` when no check-in is due yet (never 0 for "nothing to divide"), or when
    /// withheld (fewer than five reported or unreported, or fewer than five plan holders).
    pub check_in_response_rate_percent: Option<f64>,
    /// Percent of plan holders who reported a step done.
    pub applied_percent: Option<f64>,
    /// Percent of plan holders with a report their union leader confirmed.
    pub confirmed_percent: Option<f64>,
}

/// Level 4: organisational indicators the participants' unions reported (figures of
/// organisations, not people: not suppressed, but a leader sees only their unions').
/// Only the unions of the participants counted (and so their countries); on a
/// programme's dashboard only the reports of the quarters from the one its `starts_on`
/// falls in to the one of its `ends_on`; other dashboards count every quarter.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Results {
    pub by_union: Vec<IndicatorTotals>,
    pub by_country: Vec<IndicatorTotals>,
}

/// Sums of indicator reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IndicatorTotals {
    /// An organisation id, or a country code.
    pub key: String,
    /// The organisation's name (by union), or empty.
    pub name: String,
    pub reports: i64,
    pub members_recruited: i64,
    pub agreements_signed: i64,
    pub agreements_improved: i64,
    pub policies_adopted: i64,
    pub trainings_run: i64,
}

/// How many learners completed a lesson, and how many stopped there (their furthest
/// lesson, and they did not complete the course).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LessonDropOff {
    #[schema(value_type = i64)]
    pub lesson_id: LessonId,
    /// 1 for the course's first lesson.
    pub position: i64,
    pub completed: Option<i64>,
    pub stopped_here: Option<i64>,
}
