//! Dashboards of a cohort, a course, a programme and an organisation.
//!
//! **Summaries are not recomputed from raw rows on every request.** Database triggers
//! (migration `000051_dashboard_stamps`) bump a counter of the cohort or course (or `all`)
//! in the same transaction as every change of a row a dashboard counts. A computed
//! dashboard is kept in [`SummaryCache`] with the stamp of its cohorts and courses (the
//! sum and number of their counters, `repo::stamp`, one indexed read) and used again only
//! while that stamp, and the set of cohorts and courses, are what they were: exact across
//! instances, since every instance reads the same counters. The stamp is read before the
//! figures, so figures kept are at least as new as their stamp.
//!
//! Who sees what is decided by `auth::policy::dashboard_scope`; suppression of small cells
//! by `types::cells`, for every figure about people.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use crate::accounts::model::Gender;
use crate::assessment::prepost::model::{group_gain, learner_gains};
use crate::assessment::prepost::service as prepost;
use crate::auth::policy::{Action, DashboardScope, allowed, dashboard_scope};
use crate::auth::{AuthUser, Role};
use crate::cohorts::model::{AGE_BANDS, GENDERS, age_band, gender_value};
use crate::cohorts::nominations::model::NominationStatus;
use crate::cohorts::nominations::repo::led_organisations;
use crate::dashboards::model::{
    Behaviour, Dashboard, DashboardKind, FunnelCell, FunnelStage, IndicatorTotals, Learning,
    LessonDropOff, Reach, Reaction, Results, TargetCheck, UnionCell,
};
use crate::dashboards::repo::{self, NominationRow, NominationsOf};
use crate::db::DbConn;
use crate::db::memo::Memo;
use crate::db::recent::Recent;
use crate::error::ApiError;
use crate::followup::model::{Confirmation, Schedule, StepStatus};
use crate::http::response::Rendered;
use crate::programmes::model::{Programme, Targets};
use crate::types::cells::{self, suppress};
use crate::types::{CohortId, CourseId, OrganisationId, ProgrammeId, UserId};

/// What a dashboard is asked of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    Cohort(CohortId),
    Course(CourseId),
    Programme(ProgrammeId),
    Organisation(OrganisationId),
}

impl Subject {
    fn kind(self) -> DashboardKind {
        match self {
            Self::Cohort(_) => DashboardKind::Cohort,
            Self::Course(_) => DashboardKind::Course,
            Self::Programme(_) => DashboardKind::Programme,
            Self::Organisation(_) => DashboardKind::Organisation,
        }
    }

    fn stamp_of(self) -> repo::StampOf {
        match self {
            Self::Cohort(id) => repo::StampOf::Cohort(id),
            Self::Course(id) => repo::StampOf::Course(id),
            Self::Programme(id) => repo::StampOf::Programme(id),
            Self::Organisation(id) => repo::StampOf::Organisation(id),
        }
    }

    fn id(self) -> i64 {
        match self {
            Self::Cohort(id) => id.get(),
            Self::Course(id) => id.get(),
            Self::Programme(id) => id.get(),
            Self::Organisation(id) => id.get(),
        }
    }
}

/// A participant of one cohort (or a learner of a course) with what they reached.
#[derive(Debug, Clone)]
pub struct Person {
    /// The nomination's id (0 for a course's learner): the order of exports.
    pub nomination: i64,
    pub cohort: Option<CohortId>,
    pub user: UserId,
    /// The nominating union (a course learner's first approved membership).
    pub org: Option<OrganisationId>,
    pub country: Option<String>,
    pub gender: Option<Gender>,
    pub birth_year: Option<i32>,
    /// The year ages are counted in: the cohort's first (the enrolment's for a course).
    pub year: i32,
    pub selected: bool,
    pub started: bool,
    pub completed: bool,
    pub certified: bool,
    pub plan: bool,
    pub checked_in: bool,
    pub applied: bool,
    pub confirmed: bool,
    /// Follow-up check-ins due (rounds of the cohort's schedule whose day has come) on the
    /// person's action plan: 0 without a plan.
    pub check_ins_due: i64,
    /// Of those, the rounds the person checked in for.
    pub check_ins_reported: i64,
}

impl Person {
    /// The furthest stage of the funnel reached.
    pub fn stage(&self, course: bool) -> FunnelStage {
        if self.checked_in {
            FunnelStage::FollowedUp
        } else if self.certified {
            FunnelStage::Certified
        } else if self.completed {
            FunnelStage::Completed
        } else if self.started {
            FunnelStage::Started
        } else if course {
            FunnelStage::Enrolled
        } else if self.selected {
            FunnelStage::Selected
        } else {
            FunnelStage::Nominated
        }
    }

    /// Whether the person reached `stage` or a later one: the funnel counts each stage
    /// so, so that its stages nest whatever the data says (a certificate without lesson
    /// progress, from an import or a seed, counts as started and completed).
    pub fn reached(&self, stage: FunnelStage, course: bool) -> bool {
        rank(self.stage(course)) >= rank(stage)
    }

    /// The age band in the year that counts.
    pub fn age_band(&self) -> &'static str {
        age_band(self.birth_year, self.year)
    }
}

/// The order of the funnel's stages (`enrolled` is a course's first, where the others
/// have `selected`).
fn rank(stage: FunnelStage) -> u8 {
    match stage {
        FunnelStage::Nominated => 0,
        FunnelStage::Selected | FunnelStage::Enrolled => 1,
        FunnelStage::Started => 2,
        FunnelStage::Completed => 3,
        FunnelStage::Certified => 4,
        FunnelStage::FollowedUp => 5,
    }
}

/// What a reader may see of a subject, before anything is counted.
#[derive(Debug, Clone)]
struct Access {
    subject: Subject,
    scope: DashboardScope,
    threshold: i64,
    programme: Option<Programme>,
}

/// What a reader may see of a subject and what it is made of: who is counted, and the
/// cohorts and courses counted.
struct Resolved {
    subject: Subject,
    scope: DashboardScope,
    threshold: i64,
    programme: Option<Programme>,
    cohorts: Vec<CohortId>,
    /// The courses of the cohorts, and the programme's own.
    courses: Vec<CourseId>,
    /// The programme's own courses (counted with every cohort's).
    extra_courses: Vec<CourseId>,
}

fn only(scope: &DashboardScope) -> Option<&[OrganisationId]> {
    match scope {
        DashboardScope::All => None,
        DashboardScope::Unions(orgs) => Some(orgs),
    }
}

/// Finds the subject (404) and asks the policy what `actor` may see of it (404 for
/// members and for a leader asking for another union's dashboard). Reads no list of
/// cohorts or courses: that is [`compose`]'s, on a cache miss.
fn resolve(conn: &mut DbConn, actor: &AuthUser, subject: Subject) -> Result<Access, ApiError> {
    let mut programme = None;
    match subject {
        Subject::Cohort(id) => {
            crate::cohorts::repo::find(conn, id)?.ok_or(ApiError::NotFound)?;
        }
        Subject::Course(id) => {
            crate::courses::repo::find_course(conn, id)?.ok_or(ApiError::NotFound)?;
        }
        Subject::Programme(id) => programme = Some(crate::programmes::repo::find(conn, id)?),
        Subject::Organisation(id) => {
            crate::organisations::repo::find(conn, id)?;
        }
    }
    let scope = match subject {
        Subject::Organisation(id) => {
            let own = |conn: &mut DbConn| -> Result<Vec<OrganisationId>, ApiError> {
                let led = led_organisations(conn, actor.id)?;
                Ok(if led.contains(&id) {
                    vec![id]
                } else {
                    Vec::new()
                })
            };
            match dashboard_scope(actor, || own(conn))? {
                Some(DashboardScope::All) => DashboardScope::Unions(vec![id]),
                Some(scope @ DashboardScope::Unions(_)) => scope,
                None => return Err(ApiError::NotFound),
            }
        }
        _ => dashboard_scope(actor, || led_organisations(conn, actor.id))?
            .ok_or(ApiError::NotFound)?,
    };
    Ok(Access {
        subject,
        scope,
        threshold: cells::threshold(allowed(actor, Action::SeeSmallCells)),
        programme,
    })
}

/// What a subject is made of: its cohorts and courses.
fn compose(conn: &mut DbConn, access: Access) -> Result<Resolved, ApiError> {
    let (cohorts, extra_courses) = match access.subject {
        Subject::Cohort(id) => (vec![id], Vec::new()),
        Subject::Course(id) => (Vec::new(), vec![id]),
        Subject::Programme(id) => (
            crate::programmes::repo::cohorts_of(conn, &[id])?
                .into_iter()
                .map(|r| r.1)
                .collect(),
            crate::programmes::repo::courses_of(conn, &[id])?
                .into_iter()
                .map(|r| r.1)
                .collect(),
        ),
        Subject::Organisation(id) => (repo::cohorts_nominated_by(conn, id)?, Vec::new()),
    };
    let mut courses: Vec<CourseId> = repo::cohort_courses(conn, &cohorts)?
        .into_iter()
        .map(|r| r.1)
        .chain(extra_courses.iter().copied())
        .collect();
    courses.sort_unstable();
    courses.dedup();
    Ok(Resolved {
        subject: access.subject,
        scope: access.scope,
        threshold: access.threshold,
        programme: access.programme,
        cohorts,
        courses,
        extra_courses,
    })
}

/// Unions listed by name in a dashboard's reach, largest first; the rest are summed in
/// `other_unions`.
pub const UNIONS_LISTED: usize = 25;

/// Dashboards kept at most: beyond, a quarter of them leave.
const CACHED: usize = 256;

/// Computed dashboards, each with the entity tag of the numbers it was computed
/// at (see the module's docs; `db::memo`), and the answers given lately to each reader
/// (`db::recent`: given again with no read while nothing was written here, for a second;
/// then one reader reads it again while the others are given the previous answer).
#[derive(Debug, Clone)]
pub struct SummaryCache {
    figures: Memo<Key, String, Figures>,
    answers: Recent<(UserId, Role, Subject), Answer>,
}

/// Answers kept for readers at most.
const ANSWERS_KEPT: usize = 4_096;

impl SummaryCache {
    /// The answer given to `reader` for `subject` a moment ago, if it still holds.
    pub fn recent(&self, reader: &AuthUser, subject: Subject) -> Option<Answer> {
        self.answers.get(&(reader.id, reader.role, subject))
    }

    /// The dashboard of `subject` as `reader` may see it (see [`dashboard`]), kept for
    /// [`SummaryCache::recent`].
    pub fn read(
        &self,
        conn: &mut DbConn,
        reader: &AuthUser,
        subject: Subject,
    ) -> Result<Answer, ApiError> {
        let seen = self.answers.seen();
        let key = (reader.id, reader.role, subject);
        match dashboard(conn, reader, subject, self) {
            Ok(answer) => {
                self.answers.keep(key, seen, answer.clone());
                Ok(answer)
            }
            // Refused now (or gone): no reader is given the kept answer again.
            Err(err) => {
                self.answers.forget(&key);
                Err(err)
            }
        }
    }
}

/// A computed dashboard and its JSON, rendered once.
#[derive(Debug)]
pub struct Figures {
    pub dashboard: Dashboard,
    pub json: Rendered,
}

impl Default for SummaryCache {
    fn default() -> Self {
        Self {
            figures: Memo::new(CACHED),
            answers: Recent::new(ANSWERS_KEPT),
        }
    }
}

/// A dashboard as one reader class sees it.
type Key = (Subject, Option<Vec<OrganisationId>>, i64);

/// A dashboard and the entity tag of its figures.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The figures and their JSON.
    pub dashboard: Arc<Figures>,
    /// Made only of numbers the database keeps (the same in every process).
    pub etag: String,
    /// The programme's name, for a programme's dashboard.
    pub programme_name: Option<String>,
}

/// The dashboard of `subject` as `actor` may see it, from `cache` while it still holds.
pub fn dashboard(
    conn: &mut DbConn,
    actor: &AuthUser,
    subject: Subject,
    cache: &SummaryCache,
) -> Result<Answer, ApiError> {
    let access = resolve(conn, actor, subject)?;
    let (sum, n, schedules) = repo::stamp(conn, subject.stamp_of())?;
    let version = access.programme.as_ref().map_or(0, |p| p.version);
    let only = only(&access.scope).map(<[_]>::to_vec);
    // Which check-ins are due depends on the day as well.
    let etag = format!(
        "\"dashboard-{}-{}-v{sum}.{n}.{version}.{schedules}.{}-t{}-u{}\"",
        subject.kind(),
        subject.id(),
        crate::db::now().date().format("%Y%m%d"),
        access.threshold,
        readers_tag(only.as_deref()),
    );
    let key: Key = (subject, only, access.threshold);
    let programme_name = access.programme.as_ref().map(|p| p.name.clone());
    let figures = cache.figures.get_or_try(key, etag.clone(), || {
        let resolved = compose(conn, access)?;
        let dashboard = compute(conn, &resolved)?;
        let json = Rendered::of(&dashboard)?;
        Ok::<_, ApiError>(Figures { dashboard, json })
    })?;
    Ok(Answer {
        dashboard: figures,
        etag,
        programme_name,
    })
}

/// The part of an entity tag naming whose figures they are: `all`, or the unions counted
/// (their ids while few, else a stable FNV-1a hash of them: the same in every instance).
fn readers_tag(only: Option<&[OrganisationId]>) -> String {
    match only {
        None => "all".to_owned(),
        Some(ids) if ids.len() <= 4 => ids
            .iter()
            .map(|id| id.get().to_string())
            .collect::<Vec<_>>()
            .join("."),
        Some(ids) => {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in ids.iter().flat_map(|id| id.get().to_le_bytes()) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            format!("u{h:x}")
        }
    }
}

/// The facts of the participants of `rows` (nominations), with the courses of their
/// cohorts and `extra_courses` counted for starting and completing.
pub fn facts(
    conn: &mut DbConn,
    rows: &[NominationRow],
    extra_courses: &[CourseId],
) -> Result<Vec<Person>, ApiError> {
    let mut cohort_ids: Vec<CohortId> = rows.iter().map(|r| r.1).collect();
    cohort_ids.sort_unstable();
    cohort_ids.dedup();
    let mut people: Vec<UserId> = rows.iter().map(|r| r.2).collect();
    people.sort_unstable();
    people.dedup();
    let dates = repo::cohort_dates(conn, &cohort_ids)?;
    let years: HashMap<CohortId, i32> = dates.iter().map(|(c, d, _)| (*c, d.year())).collect();
    let due = due_rounds(conn, &dates, crate::db::now().date())?;
    let mut reported_rounds: HashMap<(CohortId, UserId), HashSet<i32>> = HashMap::new();
    for (c, u, round) in repo::check_in_rounds(conn, &cohort_ids, &people)? {
        reported_rounds.entry((c, u)).or_default().insert(round);
    }
    let mut courses_of: HashMap<CohortId, Vec<CourseId>> = HashMap::new();
    for (c, k) in repo::cohort_courses(conn, &cohort_ids)? {
        courses_of.entry(c).or_default().push(k);
    }
    let mut all_courses: Vec<CourseId> = courses_of
        .values()
        .flatten()
        .chain(extra_courses)
        .copied()
        .collect();
    all_courses.sort_unstable();
    all_courses.dedup();
    let started: HashSet<(UserId, CourseId)> = repo::started(conn, &all_courses, &people)?
        .into_iter()
        .collect();
    let completed: HashSet<(UserId, CourseId)> = repo::completed(conn, &all_courses, &people)?
        .into_iter()
        .collect();
    let certified: HashSet<(CohortId, UserId)> =
        repo::certified_in_cohorts(conn, &cohort_ids, &people)?
            .into_iter()
            .filter_map(|(c, u)| Some((c?, u)))
            .collect();
    let plans: HashSet<(CohortId, UserId)> = repo::plans(conn, &cohort_ids, &people)?
        .into_iter()
        .collect();
    let checked: HashSet<(CohortId, UserId)> = repo::checked_in(conn, &cohort_ids, &people)?
        .into_iter()
        .collect();
    let mut applied = HashSet::new();
    let mut confirmed = HashSet::new();
    for (c, u, status, confirmation) in repo::reports(conn, &cohort_ids, &people)? {
        if status == StepStatus::Done {
            applied.insert((c, u));
        }
        if confirmation == Some(Confirmation::Confirmed) {
            confirmed.insert((c, u));
        }
    }
    let none = Vec::new();
    Ok(rows
        .iter()
        .map(|(id, cohort, user, org, status, country, gender, born)| {
            let own = courses_of.get(cohort).unwrap_or(&none);
            let courses: Vec<CourseId> = own.iter().chain(extra_courses).copied().collect();
            let key = (*cohort, *user);
            let selected = *status == NominationStatus::Accepted;
            let has_plan = selected && plans.contains(&key);
            let due_here = if has_plan {
                due.get(cohort).copied().unwrap_or(0)
            } else {
                0
            };
            let reported = reported_rounds.get(&key).map_or(0, |rounds| {
                count(
                    rounds
                        .iter()
                        .filter(|r| (1..=due_here).contains(&i64::from(**r)))
                        .count(),
                )
            });
            Person {
                nomination: *id,
                cohort: Some(*cohort),
                user: *user,
                org: Some(*org),
                country: country.clone(),
                gender: *gender,
                birth_year: *born,
                year: years
                    .get(cohort)
                    .copied()
                    .unwrap_or_else(|| chrono::Utc::now().year()),
                selected,
                started: selected && courses.iter().any(|k| started.contains(&(*user, *k))),
                completed: selected
                    && !own.is_empty()
                    && own.iter().all(|k| completed.contains(&(*user, *k))),
                certified: selected && certified.contains(&key),
                plan: has_plan,
                checked_in: selected && checked.contains(&key),
                applied: selected && applied.contains(&key),
                confirmed: selected && confirmed.contains(&key),
                check_ins_due: due_here,
                check_ins_reported: reported,
            }
        })
        .collect())
}

/// How many follow-up rounds of each cohort are due on `today`: those of its schedule
/// (stored, else the default) whose day, counted from the cohort's last day, has come.
/// Rounds are numbered from 1 and fall due in order, so round `r` is due when `r <= n`.
fn due_rounds(
    conn: &mut DbConn,
    dates: &[(CohortId, NaiveDate, NaiveDate)],
    today: NaiveDate,
) -> Result<HashMap<CohortId, i64>, ApiError> {
    let ids: Vec<CohortId> = dates.iter().map(|d| d.0).collect();
    let stored: HashMap<CohortId, Schedule> = repo::schedules(conn, &ids)?
        .into_iter()
        .filter_map(|(c, raw)| Some((c, Schedule::from_stored(&raw)?)))
        .collect();
    let default = Schedule::default_rounds();
    Ok(dates
        .iter()
        .map(|(c, _, ends_on)| {
            let schedule = stored.get(c).unwrap_or(&default);
            let n = (1..=schedule.rounds())
                .filter(|r| schedule.due_on(*ends_on, *r).is_some_and(|d| d <= today))
                .count();
            (*c, count(n))
        })
        .collect())
}

/// The learners of a course, as people of its dashboard (only those of `only`'s unions).
fn course_people(
    conn: &mut DbConn,
    course: CourseId,
    only: Option<&[OrganisationId]>,
) -> Result<Vec<Person>, ApiError> {
    let learners = repo::enrolled(conn, course)?;
    let ids: Vec<UserId> = learners.iter().map(|l| l.0).collect();
    let mut orgs: HashMap<UserId, Vec<OrganisationId>> = HashMap::new();
    for (u, o) in repo::memberships_of(conn, &ids)? {
        orgs.entry(u).or_default().push(o);
    }
    let started: HashSet<UserId> = repo::started(conn, &[course], &ids)?
        .into_iter()
        .map(|r| r.0)
        .collect();
    let completed: HashSet<UserId> = repo::completed(conn, &[course], &ids)?
        .into_iter()
        .map(|r| r.0)
        .collect();
    let certified: HashSet<UserId> = repo::certified_in_course(conn, course)?
        .into_iter()
        .collect();
    let none = Vec::new();
    Ok(learners
        .into_iter()
        .filter_map(|(user, country, gender, born, at)| {
            let mine = orgs.get(&user).unwrap_or(&none);
            let org = match only {
                None => mine.first().copied(),
                Some(only) => Some(*mine.iter().find(|o| only.contains(o))?),
            };
            Some(Person {
                nomination: 0,
                cohort: None,
                user,
                org,
                country,
                gender,
                birth_year: born,
                year: at.year(),
                selected: true,
                started: started.contains(&user),
                completed: completed.contains(&user),
                certified: certified.contains(&user),
                plan: false,
                checked_in: false,
                applied: false,
                confirmed: false,
                check_ins_due: 0,
                check_ins_reported: 0,
            })
        })
        .collect())
}

fn pct(part: Option<i64>, whole: i64) -> Option<f64> {
    let part = part?;
    (whole > 0).then(|| round1(100.0 * part as f64 / whole as f64))
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Counts everything of one dashboard, suppressed for `r.threshold`.
fn compute(conn: &mut DbConn, r: &Resolved) -> Result<Dashboard, ApiError> {
    let t = r.threshold;
    let only = only(&r.scope);
    let is_course = matches!(r.subject, Subject::Course(_));
    let (nominated, people) = match r.subject {
        Subject::Course(course) => {
            let people = course_people(conn, course, only)?;
            (None, people)
        }
        Subject::Organisation(org) => {
            let rows = repo::nominations(conn, NominationsOf::Organisation(org), only)?;
            let people = facts(conn, &rows, &r.extra_courses)?;
            (Some(count(distinct(&people, |_| true))), people)
        }
        _ => {
            let rows = repo::nominations(conn, NominationsOf::Cohorts(&r.cohorts), only)?;
            let people = facts(conn, &rows, &r.extra_courses)?;
            (Some(count(distinct(&people, |_| true))), people)
        }
    };
    // Each person once: what they reached in any of their cohorts.
    let mut merged: BTreeMap<UserId, Person> = BTreeMap::new();
    for p in people.iter().filter(|p| p.selected) {
        match merged.get_mut(&p.user) {
            None => {
                merged.insert(p.user, p.clone());
            }
            Some(m) => {
                m.started |= p.started;
                m.completed |= p.completed;
                m.certified |= p.certified;
                m.plan |= p.plan;
                m.checked_in |= p.checked_in;
                m.applied |= p.applied;
                m.confirmed |= p.confirmed;
                m.check_ins_due += p.check_ins_due;
                m.check_ins_reported += p.check_ins_reported;
            }
        }
    }
    let selected: Vec<&Person> = merged.values().collect();
    let total = count(selected.len());
    let n = |f: fn(&Person) -> bool| count(selected.iter().filter(|p| f(p)).count());
    // The funnel's stages nest: each counts who reached it or a later one (see
    // `FunnelStage`), so nominated ≥ selected ≥ started ≥ completed ≥ certified ≥
    // followed up whatever the data says.
    let reached = |stage: FunnelStage| {
        count(
            selected
                .iter()
                .filter(|p| p.reached(stage, is_course))
                .count(),
        )
    };
    let (started, completed, certified, followed_up) = (
        reached(FunnelStage::Started),
        reached(FunnelStage::Completed),
        reached(FunnelStage::Certified),
        reached(FunnelStage::FollowedUp),
    );
    let (plans, checked, applied, confirmed) = (
        n(|p| p.plan),
        n(|p| p.checked_in),
        n(|p| p.applied),
        n(|p| p.confirmed),
    );
    let due: i64 = selected.iter().map(|p| p.check_ins_due).sum();
    let reported: i64 = selected.iter().map(|p| p.check_ins_reported).sum();

    let mut stages: Vec<(FunnelStage, i64)> = Vec::new();
    if let Some(nominated) = nominated {
        stages.push((FunnelStage::Nominated, nominated));
        stages.push((FunnelStage::Selected, total));
    } else {
        stages.push((FunnelStage::Enrolled, total));
    }
    stages.extend([
        (FunnelStage::Started, started),
        (FunnelStage::Completed, completed),
        (FunnelStage::Certified, certified),
    ]);
    if !is_course {
        stages.push((FunnelStage::FollowedUp, followed_up));
    }
    // Funnel: a stage is withheld when it is small, and when the step from the stage
    // before is (those who dropped out would be given away): the later stage goes, except
    // for `selected`, which the reach shows, so `nominated` goes instead.
    let mut shown: Vec<bool> = stages
        .iter()
        .map(|(_, c)| cells::total(*c, t).is_some())
        .collect();
    for i in 1..stages.len() {
        let step = stages[i - 1].1 - stages[i].1;
        if step > 0 && step < t {
            if stages[i].0 == FunnelStage::Selected {
                shown[i - 1] = false;
            } else {
                shown[i] = false;
            }
        }
    }
    let funnel = stages
        .iter()
        .zip(shown)
        .map(|((stage, c), shown)| FunnelCell {
            stage: *stage,
            count: shown.then_some(*c),
        })
        .collect();

    let reach = reach(conn, &selected, total, completed, t, r.programme.as_ref())?;
    let reaction = reaction(conn, r, &people, &selected, only.is_none(), t)?;
    let learning = learning(conn, r, &people, t)?;
    let behaviour = Behaviour {
        action_plans: cells::part(plans, total, t),
        action_plan_percent: pct(cells::part(plans, total, t), total),
        check_in_percent: pct(cells::part(checked, plans, t), plans),
        check_in_response_rate_percent: pct(
            cells::part(reported, due, t).filter(|_| cells::total(plans, t).is_some()),
            due,
        ),
        applied_percent: pct(cells::part(applied, plans, t), plans),
        confirmed_percent: pct(cells::part(confirmed, plans, t), plans),
    };
    let results = results(conn, &selected, r.programme.as_ref())?;
    let lessons = match r.subject {
        Subject::Course(course) => Some(drop_off(conn, course, &selected, t)?),
        _ => None,
    };
    Ok(Dashboard {
        kind: r.subject.kind(),
        id: r.subject.id(),
        suppressed_below: t,
        restricted_to: match (&r.scope, r.subject) {
            (_, Subject::Organisation(_)) | (DashboardScope::All, _) => None,
            (DashboardScope::Unions(orgs), _) => Some(orgs.clone()),
        },
        reach,
        funnel,
        reaction,
        learning,
        behaviour,
        results,
        lessons,
    })
}

fn distinct(people: &[Person], f: impl Fn(&Person) -> bool) -> usize {
    people
        .iter()
        .filter(|p| f(p))
        .map(|p| p.user)
        .collect::<HashSet<_>>()
        .len()
}

fn tally<K: Ord>(keys: impl Iterator<Item = K>) -> BTreeMap<K, i64> {
    let mut out = BTreeMap::new();
    for k in keys {
        *out.entry(k).or_default() += 1;
    }
    out
}

fn largest_first(map: BTreeMap<String, i64>) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = map.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

fn reach(
    conn: &mut DbConn,
    people: &[&Person],
    total: i64,
    completed: i64,
    t: i64,
    programme: Option<&Programme>,
) -> Result<Reach, ApiError> {
    let countries = tally(
        people
            .iter()
            .map(|p| p.country.clone().unwrap_or_else(|| "not_stated".into())),
    );
    let countries_reached = count(countries.keys().filter(|c| *c != "not_stated").count());
    let genders = tally(people.iter().map(|p| gender_value(p.gender)));
    let ages = tally(people.iter().map(|p| p.age_band()));
    let fixed = |values: &[&str], counts: &BTreeMap<&'static str, i64>| -> Vec<(String, i64)> {
        values
            .iter()
            .map(|v| ((*v).to_owned(), counts.get(v).copied().unwrap_or(0)))
            .collect()
    };
    let mut org_ids: Vec<OrganisationId> = people.iter().filter_map(|p| p.org).collect();
    org_ids.sort_unstable();
    org_ids.dedup();
    let orgs: HashMap<OrganisationId, (String, Option<String>)> =
        repo::organisations(conn, &org_ids)?
            .into_iter()
            .map(|(id, name, _, sector)| (id, (name, sector.map(|s| s.as_str().to_owned()))))
            .collect();
    let unions = tally(people.iter().map(|p| p.org.map_or(0, |o| o.get())));
    let sectors = tally(people.iter().map(|p| {
        p.org
            .and_then(|o| orgs.get(&o)?.1.clone())
            .unwrap_or_else(|| "not_stated".into())
    }));
    let under_35 =
        ages.get("under_25").copied().unwrap_or(0) + ages.get("25_34").copied().unwrap_or(0);
    let gender = suppress(fixed(&GENDERS, &genders), total, t);
    let women_shown = gender
        .iter()
        .find(|c| c.value == "female")
        .and_then(|c| c.count);
    let participants = cells::total(total, t);
    let women_percent = pct(women_shown, total);
    let under_35_percent = pct(cells::part(under_35, total, t), total);
    let completion_percent = pct(cells::part(completed, total, t), total);
    let countries_shown = participants.map(|_| countries_reached);
    let unions = largest_first(
        unions
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    );
    let unions_reached = count(unions.len());
    // The largest unions are listed; the others are one figure (a programme reaches
    // thousands of unions: the answer stays a page, the participants' CSV has them all).
    let others: i64 = unions.iter().skip(UNIONS_LISTED).map(|(_, n)| n).sum();
    let other_unions = cells::part(others, total, t);
    let mut union_cells: Vec<UnionCell> = suppress(unions, total, t)
        .into_iter()
        .map(|c| {
            let id = OrganisationId(c.value.parse().unwrap_or(0));
            UnionCell {
                organisation_id: id,
                name: orgs.get(&id).map(|o| o.0.clone()).unwrap_or_default(),
                count: c.count,
            }
        })
        .collect();
    union_cells.truncate(UNIONS_LISTED);
    let mut targets = Vec::new();
    if let Some(p) = programme {
        let Targets {
            participants: tp,
            women_percent: tw,
            under_35_percent: ty,
            countries: tc,
            completion_percent: tcp,
        } = p.targets();
        let mut check = |figure: &str, target: Option<i32>, actual: Option<f64>| {
            if let Some(target) = target {
                targets.push(TargetCheck {
                    figure: figure.to_owned(),
                    target: i64::from(target),
                    actual,
                    met: actual.map(|a| a >= f64::from(target)),
                });
            }
        };
        check("participants", tp, participants.map(|n| n as f64));
        check("women_percent", tw, women_percent);
        check("under_35_percent", ty, under_35_percent);
        check("countries", tc, countries_shown.map(|n| n as f64));
        check("completion_percent", tcp, completion_percent);
    }
    Ok(Reach {
        participants,
        countries_reached: countries_shown,
        women_percent,
        under_35_percent,
        completion_percent,
        country: suppress(largest_first(countries), total, t),
        gender,
        age_band: suppress(fixed(&AGE_BANDS, &ages), total, t),
        union: union_cells,
        unions_reached: participants.map(|_| unions_reached),
        other_unions,
        sector: suppress(largest_first(sectors), total, t),
        targets,
    })
}

/// Level 1: each survey asks the participants of its cohort (a course's survey: every
/// participant); responses count when their respondent is one of the people counted, or,
/// for readers who see everyone, when anonymous.
fn reaction(
    conn: &mut DbConn,
    r: &Resolved,
    people: &[Person],
    selected: &[&Person],
    see_anonymous: bool,
    t: i64,
) -> Result<Reaction, ApiError> {
    let surveys = repo::surveys(conn, &r.cohorts, &r.courses)?;
    let ids: Vec<_> = surveys.iter().map(|s| s.0).collect();
    let everyone: HashSet<UserId> = selected.iter().map(|p| p.user).collect();
    let mut of_cohort: HashMap<CohortId, HashSet<UserId>> = HashMap::new();
    for p in people.iter().filter(|p| p.selected) {
        if let Some(c) = p.cohort {
            of_cohort.entry(c).or_default().insert(p.user);
        }
    }
    let respondents: HashSet<_> = repo::respondents(conn, &ids)?.into_iter().collect();
    let (mut asked, mut answered) = (0_i64, 0_i64);
    for (survey, cohort, _) in &surveys {
        let group = match cohort {
            Some(c) => of_cohort.get(c).cloned().unwrap_or_default(),
            None => everyone.clone(),
        };
        asked += count(group.len());
        answered += count(
            group
                .iter()
                .filter(|u| respondents.contains(&(*survey, **u)))
                .count(),
        );
    }
    let mut responses = HashSet::new();
    let mut values = Vec::new();
    for (response, respondent, value, scale) in repo::scale_answers(conn, &ids)? {
        let counted = match respondent {
            Some(u) => everyone.contains(&u),
            None => see_anonymous,
        };
        if counted && scale > 0 {
            responses.insert(response);
            values.push(100.0 * f64::from(value) / f64::from(scale));
        }
    }
    let shown = cells::total(count(responses.len()), t).filter(|n| *n > 0);
    Ok(Reaction {
        surveys: count(surveys.len()),
        responses: cells::part(answered, asked, t),
        response_rate_percent: pct(cells::part(answered, asked, t), asked),
        mean_percent: shown
            .map(|_| round1(values.iter().sum::<f64>() / values.len().max(1) as f64)),
    })
}

/// Level 2: every pre/post pair of the courses (a cohort's pair only for its cohort), over
/// the participants counted.
fn learning(
    conn: &mut DbConn,
    r: &Resolved,
    people: &[Person],
    t: i64,
) -> Result<Learning, ApiError> {
    let tests = repo::prepost_tests(conn, &r.courses)?;
    let mut gains = Vec::new();
    let mut counted_tests = 0;
    for (cohort, pre, post) in tests {
        if let Some(c) = cohort
            && !r.cohorts.contains(&c)
        {
            continue;
        }
        counted_tests += 1;
        let group: HashSet<UserId> = people
            .iter()
            .filter(|p| p.selected && (cohort.is_none() || p.cohort == cohort))
            .map(|p| p.user)
            .collect();
        let (pre, _) = prepost::side(conn, pre, true, None, Some(&group))?;
        let (post, _) = prepost::side(conn, post, false, None, Some(&group))?;
        gains.extend(learner_gains(&pre, &post));
    }
    let g = group_gain(&gains);
    let paired = count(g.paired_count);
    let shown = cells::total(paired, t).is_some() && paired > 0;
    Ok(Learning {
        tests: counted_tests,
        paired: cells::total(paired, t),
        mean_pre_percent: g.mean_pre.filter(|_| shown).map(round1),
        mean_post_percent: g.mean_post.filter(|_| shown).map(round1),
        mean_normalised_gain: g.mean_gain.filter(|_| shown).map(round3),
    })
}

/// The quarter a day falls in.
fn quarter(day: NaiveDate) -> repo::Quarter {
    (day.year(), i32::try_from(day.month0() / 3 + 1).unwrap_or(4))
}

/// Level 4: the indicator reports of the participants' unions (so of their countries),
/// summed by union and by the union's country; for a programme only the reports of the
/// quarters its dates touch (from the quarter of `starts_on` to that of `ends_on`).
fn results(
    conn: &mut DbConn,
    people: &[&Person],
    programme: Option<&Programme>,
) -> Result<Results, ApiError> {
    let mut ids: Vec<OrganisationId> = people.iter().filter_map(|p| p.org).collect();
    ids.sort_unstable();
    ids.dedup();
    let orgs: HashMap<OrganisationId, (String, String)> = repo::organisations(conn, &ids)?
        .into_iter()
        .map(|(id, name, country, _)| (id, (name, country.to_string())))
        .collect();
    let mut by_union: BTreeMap<OrganisationId, IndicatorTotals> = BTreeMap::new();
    let mut by_country: BTreeMap<String, IndicatorTotals> = BTreeMap::new();
    for (org, recruited, signed, improved, policies, trainings) in repo::indicators(
        conn,
        &ids,
        programme.map(|p| (quarter(p.starts_on), quarter(p.ends_on))),
    )? {
        let (name, country) = orgs.get(&org).cloned().unwrap_or_default();
        for row in [
            by_union.entry(org).or_insert_with(|| IndicatorTotals {
                key: org.to_string(),
                name: name.clone(),
                ..Default::default()
            }),
            by_country
                .entry(country.clone())
                .or_insert_with(|| IndicatorTotals {
                    key: country.clone(),
                    ..Default::default()
                }),
        ] {
            row.reports += 1;
            row.members_recruited += i64::from(recruited);
            row.agreements_signed += i64::from(signed);
            row.agreements_improved += i64::from(improved);
            row.policies_adopted += i64::from(policies);
            row.trainings_run += i64::from(trainings);
        }
    }
    Ok(Results {
        by_union: by_union.into_values().collect(),
        by_country: by_country.into_values().collect(),
    })
}

/// Where the course's learners stop: for each lesson in course order, who completed it,
/// and who stopped there (their furthest lesson, without completing the course).
fn drop_off(
    conn: &mut DbConn,
    course: CourseId,
    people: &[&Person],
    t: i64,
) -> Result<Vec<LessonDropOff>, ApiError> {
    let order = repo::lessons_in_order(conn, course)?;
    let index: HashMap<_, usize> = order.iter().enumerate().map(|(i, l)| (*l, i)).collect();
    let who: HashMap<UserId, bool> = people.iter().map(|p| (p.user, p.completed)).collect();
    let mut done = vec![0_i64; order.len()];
    let mut furthest: HashMap<UserId, usize> = HashMap::new();
    for (user, lesson) in repo::lesson_completions(conn, course)? {
        let (Some(i), Some(_)) = (index.get(&lesson), who.get(&user)) else {
            continue;
        };
        done[*i] += 1;
        let f = furthest.entry(user).or_insert(*i);
        *f = (*f).max(*i);
    }
    let mut stopped = vec![0_i64; order.len()];
    for (user, i) in &furthest {
        if who.get(user) == Some(&false) {
            stopped[*i] += 1;
        }
    }
    let total = count(people.len());
    let stopped_total: i64 = stopped.iter().sum();
    let stopped_cells = suppress(
        stopped
            .iter()
            .enumerate()
            .map(|(i, n)| (i.to_string(), *n))
            .collect(),
        stopped_total,
        t,
    );
    Ok(order
        .iter()
        .enumerate()
        .map(|(i, lesson)| LessonDropOff {
            lesson_id: *lesson,
            position: count(i + 1),
            completed: cells::part(done[i], total, t),
            stopped_here: stopped_cells[i].count,
        })
        .collect())
}

/// Nominations read per page of a participant export.
pub const EXPORT_PAGE: i64 = 1000;

/// What a participant export reads, checked before it streams.
#[derive(Debug, Clone)]
pub struct ExportPlan {
    pub programme: ProgrammeId,
    cohorts: Vec<CohortId>,
    extra_courses: Vec<CourseId>,
    /// Admins see names and emails.
    pub with_names: bool,
}

/// Checks that `actor` may export the participants of programme `id`: 404 for those who
/// may not read programmes (and for an unknown one), 403 for leaders.
pub fn plan_export(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ProgrammeId,
) -> Result<ExportPlan, ApiError> {
    if !crate::programmes::service::may_read(conn, actor)? {
        return Err(ApiError::NotFound);
    }
    crate::programmes::repo::find(conn, id)?;
    crate::auth::policy::authorize(actor, Action::ExportParticipants)?;
    Ok(ExportPlan {
        programme: id,
        cohorts: crate::programmes::repo::cohorts_of(conn, &[id])?
            .into_iter()
            .map(|r| r.1)
            .collect(),
        extra_courses: crate::programmes::repo::courses_of(conn, &[id])?
            .into_iter()
            .map(|r| r.1)
            .collect(),
        with_names: allowed(actor, Action::SeeParticipantNames),
    })
}

/// The CSV lines of the participants of the nominations after `after` (one page of
/// [`EXPORT_PAGE`] nominations, the participants among them), and where the next page
/// starts (`None`: this was the last).
pub fn export_page(
    conn: &mut DbConn,
    plan: &ExportPlan,
    after: i64,
) -> Result<(String, Option<i64>), ApiError> {
    use crate::dashboards::csv::{line, text};
    let rows = repo::nominations_page(
        conn,
        NominationsOf::Cohorts(&plan.cohorts),
        None,
        after,
        EXPORT_PAGE,
    )?;
    let next = (count(rows.len()) == EXPORT_PAGE)
        .then(|| rows.last().map(|r| r.0))
        .flatten();
    let rows: Vec<NominationRow> = rows
        .into_iter()
        .filter(|r| r.4 == NominationStatus::Accepted)
        .collect();
    let people = facts(conn, &rows, &plan.extra_courses)?;
    let mut org_ids: Vec<OrganisationId> = people.iter().filter_map(|p| p.org).collect();
    org_ids.sort_unstable();
    org_ids.dedup();
    let orgs: HashMap<OrganisationId, String> = repo::organisations(conn, &org_ids)?
        .into_iter()
        .map(|(id, name, _, _)| (id, name))
        .collect();
    let names: HashMap<UserId, (String, Option<String>)> = if plan.with_names {
        let ids: Vec<UserId> = people.iter().map(|p| p.user).collect();
        repo::names(conn, &ids)?
            .into_iter()
            .map(|(id, name, email)| (id, (name, email)))
            .collect()
    } else {
        HashMap::new()
    };
    let flag = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let mut out = String::new();
    for p in &people {
        let mut cells = vec![
            p.cohort.map(|c| c.to_string()).unwrap_or_default(),
            p.org.map(|o| o.to_string()).unwrap_or_default(),
            text(p.org.and_then(|o| orgs.get(&o)).map_or("", |s| s.as_str())),
            text(p.country.as_deref().unwrap_or("not_stated")),
            gender_value(p.gender).to_owned(),
            p.age_band().to_owned(),
            p.stage(false).as_str().to_owned(),
            flag(p.plan),
            flag(p.checked_in),
            flag(p.applied),
            flag(p.confirmed),
        ];
        if plan.with_names {
            let (name, email) = names.get(&p.user).cloned().unwrap_or_default();
            cells.push(text(&name));
            cells.push(text(email.as_deref().unwrap_or("")));
        }
        out.push_str(&line(&cells));
    }
    Ok((out, next))
}
