//! Lineage and reach of a cohort, computed level by level in a few queries each; the counts
//! of every participant, the part that grows with the people reached, are kept in a
//! `ReachCache` while nothing they depend on changes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::Datelike;

use crate::auth::AuthUser;
use crate::auth::policy::{Action, allowed, authorize};
use crate::cohorts::model::{AGE_BANDS, CohortKind, GENDERS, age_band, gender_value};
use crate::cohorts::reach::dto::{ReachCounts, ReachLevel, ReachNode, ReachResponse};
use crate::cohorts::reach::repo::{self, ParticipantRow};
use crate::cohorts::repo as cohorts;
use crate::db::DbConn;
use crate::db::memo::Memo;
use crate::error::ApiError;
use crate::types::cells::{self, suppress};
use crate::types::{CohortId, UserId};

/// Levels below the root that the tree follows (a lineage deeper than this is cut).
pub const MAX_DEPTH: i32 = 5;

/// The lineage and reach of `cohort_id`, for its facilitators (while trainers),
/// coordinators and admins; the counts come from `cache` while they still hold.
pub fn reach(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    cache: &ReachCache,
) -> Result<ReachResponse, ApiError> {
    let root = cohorts::find(conn, cohort_id)?.ok_or(ApiError::NotFound)?;
    let is_facilitator = cohorts::is_facilitator(conn, cohort_id, actor.id)?;
    authorize(actor, Action::ReadReach { is_facilitator })?;
    let threshold = cells::threshold(allowed(actor, Action::SeeSmallCells));

    // Breadth first: the cohorts of each level are those facilitated by the graduates of
    // the level above; a cohort is placed once, under the first parent that reaches it.
    let mut placed: HashMap<CohortId, (Option<CohortId>, i32)> = HashMap::new();
    placed.insert(root.id, (None, 0));
    let mut order = vec![root.id];
    let mut level_ids = vec![root.id];
    let mut graduates_of: HashMap<CohortId, i64> = HashMap::new();
    for level in 1..=MAX_DEPTH {
        let graduates = repo::graduates(conn, &level_ids)?;
        for (cohort, _) in &graduates {
            *graduates_of.entry(*cohort).or_default() += 1;
        }
        let trainer_of: HashMap<UserId, CohortId> = graduates
            .iter()
            .map(|(cohort, user)| (*user, *cohort))
            .collect();
        let people: Vec<UserId> = trainer_of.keys().copied().collect();
        if people.is_empty() {
            break;
        }
        let mut next = Vec::new();
        let mut runs = repo::facilitated(conn, &people)?;
        runs.sort();
        for (cohort, facilitator) in runs {
            if placed.contains_key(&cohort) {
                continue;
            }
            let parent = trainer_of.get(&facilitator).copied();
            placed.insert(cohort, (parent, level));
            order.push(cohort);
            next.push(cohort);
        }
        if next.is_empty() {
            break;
        }
        level_ids = next;
    }

    let rows: HashMap<CohortId, repo::CohortRow> = repo::cohort_rows(conn, &order)?
        .into_iter()
        .map(|row| (row.0, row))
        .collect();
    // The tree's cohorts as counted: those still there, in order, with level and year.
    let tree: Vec<(CohortId, i32, i32)> = order
        .iter()
        .filter_map(|id| Some((*id, placed.get(id)?.1, rows.get(id)?.3.year())))
        .collect();
    let tallies = cache.tallies(conn, cohort_id, tree)?;

    let mut nodes = Vec::with_capacity(order.len());
    let mut levels: BTreeMap<i32, i64> = BTreeMap::new();
    let empty = Counted::default();
    for id in &order {
        let (Some(row), Some((parent, level))) = (rows.get(id), placed.get(id)) else {
            continue;
        };
        *levels.entry(*level).or_default() += 1;
        nodes.push(ReachNode {
            cohort_id: *id,
            parent_cohort_id: *parent,
            level: *level,
            kind: row.1,
            status: row.2,
            starts_on: row.3,
            region: row.4.clone(),
            graduates: if row.1 == CohortKind::Tot {
                graduates_of.get(id).copied().unwrap_or(0)
            } else {
                0
            },
            reached: tallies.own.get(id).unwrap_or(&empty).counts(threshold),
        });
    }
    Ok(ReachResponse {
        cohort_id,
        certified_by: repo::certifiers(conn, cohort_id)?,
        suppressed_below: threshold,
        nodes,
        levels: levels
            .into_iter()
            .map(|(level, cohorts)| ReachLevel {
                level,
                cohorts,
                reached: tallies
                    .levels
                    .get(&level)
                    .unwrap_or(&empty)
                    .counts(threshold),
            })
            .collect(),
        reached_below: tallies.below.counts(threshold),
    })
}

/// Trees kept at most: beyond, a quarter of them leave.
const CACHED_TREES: usize = 64;

/// The counts of the trees read lately, each with what it was made from; a tree's counts
/// are used again only while the tree (its cohorts, levels and years) and the stamps of
/// its nominations and of the accounts (`repo::stamps`) are what they were. The tree and
/// the cohorts' own fields are read afresh for every request, and suppression is applied
/// to the reader's threshold each time, so only the counting of every participant (the
/// cost that grows with the people reached) is saved.
#[derive(Debug, Clone)]
pub struct ReachCache(Memo<CohortId, Basis, Tallies>);

impl Default for ReachCache {
    fn default() -> Self {
        Self(Memo::new(CACHED_TREES))
    }
}

/// What a tree's counts were made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basis {
    tree: Vec<(CohortId, i32, i32)>,
    stamps: [i64; 4],
}

/// The counts of one tree, before suppression.
#[derive(Debug, Default)]
pub struct Tallies {
    own: HashMap<CohortId, Counted>,
    levels: BTreeMap<i32, Counted>,
    below: Counted,
}

impl ReachCache {
    /// The counts of the tree of `root` (`tree`: its cohorts in order, with their level and
    /// the year they start), from the cache when nothing they depend on has changed.
    fn tallies(
        &self,
        conn: &mut DbConn,
        root: CohortId,
        tree: Vec<(CohortId, i32, i32)>,
    ) -> Result<Arc<Tallies>, ApiError> {
        let ids: Vec<CohortId> = tree.iter().map(|t| t.0).collect();
        // Stamps first: counts read after them are at least as new as they say.
        let basis = Basis {
            stamps: repo::stamps(conn, &ids)?,
            tree,
        };
        self.0
            .get_or_try(root, basis.clone(), || count(conn, &basis.tree))
    }
}

/// Counts the participants of every cohort of `tree`, of every level (each person once)
/// and of everything below the root (each person once).
fn count(conn: &mut DbConn, tree: &[(CohortId, i32, i32)]) -> Result<Tallies, ApiError> {
    let ids: Vec<CohortId> = tree.iter().map(|t| t.0).collect();
    let mut people_of: HashMap<CohortId, Vec<ParticipantRow>> = HashMap::new();
    for row in repo::participants(conn, &ids)? {
        people_of.entry(row.0).or_default().push(row);
    }
    let mut own = HashMap::with_capacity(tree.len());
    let mut levels: BTreeMap<i32, Tally> = BTreeMap::new();
    let mut below = Tally::default();
    for (id, level, year) in tree {
        let mut tally = Tally::default();
        for p in people_of.get(id).into_iter().flatten() {
            tally.add(p, *year);
            levels.entry(*level).or_default().add(p, *year);
            if *level > 0 {
                below.add(p, *year);
            }
        }
        own.insert(*id, tally.finish());
    }
    Ok(Tallies {
        own,
        levels: levels.into_iter().map(|(l, t)| (l, t.finish())).collect(),
        below: below.finish(),
    })
}

/// Distinct people with their country, gender and age band (the first time each is seen).
#[derive(Debug, Default)]
struct Tally {
    seen: HashSet<UserId>,
    country: BTreeMap<String, i64>,
    gender: BTreeMap<&'static str, i64>,
    age_band: BTreeMap<&'static str, i64>,
}

impl Tally {
    fn add(&mut self, (_, user, country, gender, born): &ParticipantRow, year: i32) {
        if !self.seen.insert(*user) {
            return;
        }
        let country = country.as_deref().unwrap_or("not_stated");
        match self.country.get_mut(country) {
            Some(n) => *n += 1,
            None => {
                self.country.insert(country.to_owned(), 1);
            }
        }
        *self.gender.entry(gender_value(*gender)).or_default() += 1;
        *self.age_band.entry(age_band(*born, year)).or_default() += 1;
    }

    /// The counts, without the people.
    fn finish(self) -> Counted {
        let mut country: Vec<(String, i64)> = self.country.into_iter().collect();
        country.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Counted {
            total: i64::try_from(self.seen.len()).unwrap_or(i64::MAX),
            country,
            gender: self.gender,
            age_band: self.age_band,
        }
    }
}

/// How many distinct people, and how many of them in each value of each breakdown
/// (countries largest first).
#[derive(Debug, Default)]
struct Counted {
    total: i64,
    country: Vec<(String, i64)>,
    gender: BTreeMap<&'static str, i64>,
    age_band: BTreeMap<&'static str, i64>,
}

impl Counted {
    fn counts(&self, threshold: i64) -> ReachCounts {
        let total = self.total;
        let fixed = |values: &[&str], counts: &BTreeMap<&'static str, i64>| -> Vec<(String, i64)> {
            values
                .iter()
                .map(|v| ((*v).to_owned(), counts.get(v).copied().unwrap_or(0)))
                .collect()
        };
        ReachCounts {
            trainees: cells::total(total, threshold),
            country: suppress(self.country.clone(), total, threshold),
            gender: suppress(fixed(&GENDERS, &self.gender), total, threshold),
            age_band: suppress(fixed(&AGE_BANDS, &self.age_band), total, threshold),
        }
    }
}
