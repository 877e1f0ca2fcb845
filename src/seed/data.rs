//! The seed content: TOML files under `src/seed/data/`, compiled in by `build.rs` and parsed
//! here into plain structs. Nothing here touches the database; the loaders in the sibling
//! modules turn these into the domains' own inputs. The tests below check every file, so a
//! mistake in the data fails `cargo test`, not `bayanihan seed`.
//!
//! - `index.toml`: which courses and communities the demo loads, in order;
//! - `organisations.toml`, `users.toml`: the demo directory and accounts;
//! - `courses/<slug>/course.toml`: a course's structure, and `courses/<slug>/<lang>.toml`
//!   its texts in one language (a translator copies a language file and translates it);
//! - `communities/<slug>.toml`: a community with its threads, posts, reactions and notices;
//! - `scale.toml`: the word lists of the synthetic data.

use std::collections::BTreeMap;

use anyhow::{Context, anyhow, bail};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::accounts::model::Gender;
use crate::auth::policy::Role;
use crate::courses::model::{Format, LessonKind, Level, Visibility};
use crate::organisations::model::{MembershipRole, MembershipStatus, OrganisationKind, UnionRole};

include!(concat!(env!("OUT_DIR"), "/seed_files.rs"));

/// The text of one data file, by its path under `src/seed/data/`.
fn file(path: &str) -> anyhow::Result<&'static str> {
    SEED_FILES
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, text)| *text)
        .ok_or_else(|| anyhow!("seed data file {path} is missing"))
}

fn parse<T: DeserializeOwned>(path: &str) -> anyhow::Result<T> {
    toml::from_str(file(path)?).with_context(|| format!("seed data file {path}"))
}

/// `index.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Index {
    courses: Vec<String>,
    communities: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Organisations {
    organisations: Vec<Organisation>,
}

/// One organisation of the demo directory; `parent` names an earlier entry's `key`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub key: String,
    pub name: String,
    pub acronym: Option<String>,
    pub country: String,
    pub kind: OrganisationKind,
    pub parent: Option<String>,
    pub sector: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Users {
    users: Vec<User>,
}

/// A demo account.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub country: String,
    pub language: String,
    /// Membership of a union of the demo directory, if any.
    pub union: Option<UnionMembership>,
    #[serde(default)]
    pub gender: Option<Gender>,
    #[serde(default)]
    pub birth_year: Option<i32>,
}

impl User {
    /// How communities name the account: its email before the `@`.
    pub fn handle(&self) -> &str {
        self.email.split('@').next().unwrap_or(&self.email)
    }
}

/// A demo account's membership of a union of the demo directory.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnionMembership {
    /// The organisation's `key` in `organisations.toml` (TUCP when absent).
    #[serde(default = "tucp")]
    pub organisation: String,
    pub role: MembershipRole,
    pub status: MembershipStatus,
    /// The member's role in their union (`member` when absent).
    #[serde(default)]
    pub union_role: Option<UnionRole>,
}

fn tucp() -> String {
    "ph-tucp".to_owned()
}

/// `cohorts.toml`: the demo cohorts, in order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cohorts {
    cohorts: Vec<Cohort>,
}

/// A demo cohort: `body` is a `POST /api/v1/cohorts` body without the ids, which the
/// loader fills in from `facilitators` (account handles) and `courses` (course slugs).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cohort {
    pub key: String,
    pub facilitators: Vec<String>,
    pub courses: Vec<String>,
    /// The state the cohort is brought to, through every state before it.
    pub status: crate::cohorts::model::CohortStatus,
    /// For a cohort that started already: its real dates. It is created and run with the
    /// dates of `body` (the API takes calls only for cohorts to come), then moved back.
    #[serde(default)]
    pub ran: Option<Ran>,
    pub body: toml::Table,
    /// Its call for nominations: a `PUT …/call` body whose `invited_organisations` are
    /// directory keys and whose `deadline` is given in days from now.
    #[serde(default)]
    pub call: Option<Call>,
    #[serde(default)]
    pub nominations: Vec<Nomination>,
    /// Its completion rules: a `PUT …/completion-rules` body (the defaults when absent).
    #[serde(default)]
    pub rules: Option<toml::Table>,
    /// Its live sessions, with the attendance taken at each.
    #[serde(default)]
    pub sessions: Vec<Session>,
    /// Its assignments, with what was handed in and the feedback given.
    #[serde(default)]
    pub assignments: Vec<Assignment>,
}

/// A demo live session: `body` is a `POST …/sessions` body without its times, which come
/// from `starts_at` (or `starts_in_days` from now, at 09:00 UTC) and `minutes`; then the
/// attendance: `check_ins` with the session's code, `recorded` by the first facilitator,
/// and `import`, a meeting tool's attendance export (CSV) imported by the facilitator.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub body: toml::Table,
    #[serde(default)]
    pub starts_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub starts_in_days: Option<i64>,
    pub minutes: i64,
    #[serde(default)]
    pub check_ins: Vec<CheckIn>,
    #[serde(default)]
    pub recorded: Vec<Presence>,
    #[serde(default)]
    pub import: Option<String>,
}

/// A participant who checked in `after_minutes` into the session.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckIn {
    pub who: String,
    pub after_minutes: i64,
}

/// Attendance a facilitator recorded: joined and left, in minutes from the start.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Presence {
    pub who: String,
    pub joined_minutes: i64,
    pub left_minutes: i64,
}

/// A demo assignment: `body` is a `POST …/assignments` body; each submission is handed in
/// and then marked (`mark`, a `POST /submissions/{id}/grade` body) by the first
/// facilitator.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub body: toml::Table,
    /// The due time once the cohort is moved back to when it ran.
    #[serde(default)]
    pub ran_due_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub submissions: Vec<Submission>,
}

/// A demo submission: a `PUT /assignments/{id}/submissions/me` body from `by`, and its
/// marking.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    pub by: String,
    pub body: toml::Table,
    #[serde(default)]
    pub mark: Option<toml::Table>,
}

/// The dates a demo cohort really ran.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ran {
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
}

/// A demo call for nominations.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    pub deadline_in_days: i64,
    pub invited_organisations: Vec<String>,
    pub members_may_apply: bool,
    pub profile: toml::Table,
}

/// A demo nomination: made by `by` (a leader's handle, or the nominee's own to apply) for
/// `nominee`, then moved through `moves`, each `[status, by, reason]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nomination {
    pub nominee: String,
    pub by: String,
    pub statement: String,
    #[serde(default)]
    pub moves: Vec<Move>,
}

/// One move of a demo nomination.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Move {
    pub to: crate::cohorts::nominations::model::NominationStatus,
    pub by: String,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A demo course: `course.toml` with the texts of every `<lang>.toml` beside it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    /// The folder's name.
    #[serde(skip)]
    pub slug: String,
    pub default_language: String,
    pub level: Level,
    pub format: Format,
    pub hours: f64,
    pub visibility: Visibility,
    pub topics: Vec<String>,
    pub modules: Vec<Module>,
    /// Texts per language, the default language first.
    #[serde(skip)]
    pub texts: Vec<(String, CourseTexts)>,
}

/// A module of a demo course; its title is in the language files under `key`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    pub key: String,
    pub lessons: Vec<Lesson>,
}

/// A lesson of a demo course; its title and content are in the language files under `key`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub key: String,
    pub kind: LessonKind,
    pub required: bool,
    pub minutes: Option<i32>,
    pub url: Option<String>,
    pub size_bytes: Option<i64>,
    pub media_type: Option<String>,
    /// Languages the video has captions in.
    #[serde(default)]
    pub captions: Vec<String>,
}

/// One language file of a demo course.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseTexts {
    pub title: String,
    pub summary: String,
    pub description: String,
    #[serde(default)]
    pub modules: BTreeMap<String, ModuleText>,
    #[serde(default)]
    pub lessons: BTreeMap<String, LessonText>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleText {
    pub title: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonText {
    pub title: String,
    /// Markdown.
    pub content: String,
}

impl Course {
    /// The texts in `language`, if the course has them.
    #[cfg(test)]
    pub fn texts_in(&self, language: &str) -> Option<&CourseTexts> {
        self.texts
            .iter()
            .find(|(l, _)| l == language)
            .map(|(_, t)| t)
    }
}

/// A demo community, written in one language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Community {
    /// The file's name.
    #[serde(skip)]
    pub slug: String,
    pub name: String,
    pub description: String,
    pub language: String,
    pub visibility: String,
    /// Slug of the demo course it continues.
    pub course: Option<String>,
    /// Days before the seed runs that it was created.
    pub days_ago: i64,
    /// The first moderator created it.
    pub moderators: Vec<String>,
    pub members: Vec<String>,
    /// Members watching the community (notified of new threads).
    #[serde(default)]
    pub watching: Vec<String>,
    pub threads: Vec<Thread>,
}

impl Community {
    /// Whether `who` is an active member (moderators included).
    #[cfg(test)]
    pub fn has(&self, who: &str) -> bool {
        self.moderators
            .iter()
            .chain(&self.members)
            .any(|m| m == who)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thread {
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub pinned: bool,
    pub days_ago: i64,
    /// Index of the accepted answer (question threads).
    pub accepted: Option<usize>,
    /// Index of the last post the demo member has read; `None`: never opened.
    pub member_read: Option<usize>,
    /// The opening post first; its author starts the thread.
    pub posts: Vec<Post>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Post {
    pub by: String,
    /// Hours after the thread started (the opening post: 0).
    pub hours: i64,
    /// Index of the quoted earlier post of the same thread.
    pub quote: Option<usize>,
    /// Markdown; `{@member}` and the like become mentions.
    pub body: String,
    #[serde(default)]
    pub reactions: Vec<Reaction>,
    /// Its author edited it later.
    pub edited: Option<Edited>,
    /// A member flagged it; the flag waits in the queue.
    pub flagged: Option<Flagged>,
    /// A moderator hid it an hour later.
    pub hidden: Option<Hidden>,
    /// Notifications about it that the demo accounts have.
    #[serde(default)]
    pub notify: Vec<Notice>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reaction {
    pub by: String,
    pub kind: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edited {
    /// The first version.
    pub before: String,
    /// Hours after it was written.
    pub hours: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flagged {
    pub by: String,
    pub reason: String,
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hidden {
    pub by: String,
    pub reason: String,
}

/// A notification: to whom, of what kind, caused by whom, and whether it was read.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub to: String,
    pub kind: String,
    pub by: String,
    pub read: bool,
}

/// The whole demo content.
#[derive(Debug)]
pub struct Demo {
    pub organisations: Vec<Organisation>,
    pub users: Vec<User>,
    pub courses: Vec<Course>,
    pub communities: Vec<Community>,
    pub cohorts: Vec<Cohort>,
}

/// Reads every demo file; fails on a file that does not parse, a language file without its
/// course, or a course or community that is not in `index.toml` (or the other way round).
pub fn demo() -> anyhow::Result<Demo> {
    let index: Index = parse("index.toml")?;
    let organisations = parse::<Organisations>("organisations.toml")?.organisations;
    let users = parse::<Users>("users.toml")?.users;
    let courses = index
        .courses
        .iter()
        .map(|slug| course(slug))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let communities = index
        .communities
        .iter()
        .map(|slug| {
            let mut c: Community = parse(&format!("communities/{slug}.toml"))?;
            c.slug.clone_from(slug);
            Ok(c)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    for (path, _) in SEED_FILES {
        let listed = match path.split('/').collect::<Vec<_>>()[..] {
            ["courses", slug, _] => index.courses.iter().any(|c| c == slug),
            ["communities", name] => index
                .communities
                .iter()
                .any(|c| name.strip_suffix(".toml") == Some(c.as_str())),
            [_] => true,
            _ => false,
        };
        if !listed {
            bail!("seed data file {path} is not listed in index.toml");
        }
    }
    let cohorts = parse::<Cohorts>("cohorts.toml")?.cohorts;
    Ok(Demo {
        organisations,
        users,
        courses,
        communities,
        cohorts,
    })
}

fn course(slug: &str) -> anyhow::Result<Course> {
    let mut course: Course = parse(&format!("courses/{slug}/course.toml"))?;
    course.slug = slug.to_owned();
    let prefix = format!("courses/{slug}/");
    for (path, _) in SEED_FILES {
        let Some(language) = path
            .strip_prefix(&prefix)
            .and_then(|name| name.strip_suffix(".toml"))
            .filter(|name| *name != "course")
        else {
            continue;
        };
        let texts: CourseTexts = parse(path)?;
        course.texts.push((language.to_owned(), texts));
    }
    // The default language first: the course is created in it.
    course
        .texts
        .sort_by_key(|(language, _)| *language != course.default_language);
    Ok(course)
}

/// `scale.toml`: the word lists of the synthetic data.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub organisations: ScaleOrganisations,
    pub courses: ScaleCourses,
    pub communities: ScaleCommunities,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleOrganisations {
    pub sectors: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleCourses {
    pub topics: Vec<String>,
    pub levels: Vec<Level>,
    pub formats: Vec<Format>,
    pub words: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleCommunities {
    pub community_topics: Vec<String>,
    pub tags: Vec<String>,
    pub subjects: Vec<String>,
    pub verbs: Vec<String>,
    pub objects: Vec<String>,
    pub places: Vec<String>,
    pub extras: Vec<String>,
    pub titles: Vec<String>,
}

/// Reads `scale.toml`; every list has at least one word.
pub fn scale() -> anyhow::Result<Scale> {
    let scale: Scale = parse("scale.toml")?;
    let c = &scale.communities;
    let lists = [
        &scale.organisations.sectors,
        &scale.courses.topics,
        &scale.courses.words,
        &c.community_topics,
        &c.tags,
        &c.subjects,
        &c.verbs,
        &c.objects,
        &c.places,
        &c.extras,
        &c.titles,
    ];
    if lists.iter().any(|l| l.is_empty())
        || scale.courses.levels.is_empty()
        || scale.courses.formats.is_empty()
    {
        bail!("seed data file scale.toml: a word list is empty");
    }
    Ok(scale)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_file_parses_and_is_listed() {
        let demo = demo().unwrap();
        assert_eq!(demo.courses.len(), 5, "five demo courses (README)");
        assert_eq!(demo.communities.len(), 5, "five demo communities (README)");
        assert_eq!(demo.users.len(), 22, "the demo accounts of the README");
        assert_eq!(demo.cohorts.len(), 5, "the demo cohorts of the README");
        assert!(demo.organisations.len() > 100);
        scale().unwrap();
    }

    #[test]
    fn directory_references_resolve() {
        let demo = demo().unwrap();
        let mut keys = HashSet::new();
        for o in &demo.organisations {
            if let Some(parent) = &o.parent {
                assert!(
                    keys.contains(parent.as_str()),
                    "{}: parent {parent} comes later",
                    o.key
                );
            }
            assert!(keys.insert(o.key.as_str()), "{} twice", o.key);
        }
        let mut handles = HashSet::new();
        for u in &demo.users {
            assert!(handles.insert(u.handle()), "{} twice", u.email);
        }
    }

    #[test]
    fn course_texts_match_their_structure() {
        for c in demo().unwrap().courses {
            let (first, _) = &c.texts[0];
            assert_eq!(first, &c.default_language, "{}: default language", c.slug);
            let modules: HashSet<&str> = c.modules.iter().map(|m| m.key.as_str()).collect();
            let lessons: HashSet<&str> = c
                .modules
                .iter()
                .flat_map(|m| &m.lessons)
                .map(|l| l.key.as_str())
                .collect();
            assert_eq!(modules.len(), c.modules.len(), "{}: module keys", c.slug);
            let default = c.texts_in(&c.default_language).unwrap();
            assert_eq!(
                default.modules.len(),
                modules.len(),
                "{}: every module has a title in the default language",
                c.slug
            );
            assert_eq!(default.lessons.len(), lessons.len(), "{}", c.slug);
            for (language, texts) in &c.texts {
                for key in texts.modules.keys() {
                    assert!(
                        modules.contains(key.as_str()),
                        "{}/{language}: {key}",
                        c.slug
                    );
                }
                for key in texts.lessons.keys() {
                    assert!(
                        lessons.contains(key.as_str()),
                        "{}/{language}: {key}",
                        c.slug
                    );
                }
            }
        }
    }

    #[test]
    fn communities_are_consistent() {
        let demo = demo().unwrap();
        let handles: Vec<&str> = demo.users.iter().map(User::handle).collect();
        let courses: Vec<&str> = demo.courses.iter().map(|c| c.slug.as_str()).collect();
        for c in &demo.communities {
            assert!(!c.moderators.is_empty(), "{}: no moderator", c.slug);
            assert!(c.threads[0].pinned, "{}: no pinned welcome", c.slug);
            if let Some(course) = &c.course {
                assert!(courses.contains(&course.as_str()), "{}: {course}", c.slug);
            }
            for who in c.moderators.iter().chain(&c.members) {
                assert!(handles.contains(&who.as_str()), "{}: {who}", c.slug);
            }
            for w in &c.watching {
                assert!(c.has(w), "{}: {w} watches but is no member", c.slug);
            }
            for t in &c.threads {
                assert!(
                    t.days_ago < c.days_ago,
                    "{}: thread before community",
                    t.title
                );
                assert!(t.posts.len() >= 2, "{}: no replies", t.title);
                let asker = &t.posts[0].by;
                if let Some(a) = t.accepted {
                    assert_eq!(t.kind, "question", "{}", t.title);
                    assert!(a > 0 && a < t.posts.len(), "{}", t.title);
                    let answer = &t.posts[a];
                    assert_ne!(&answer.by, asker, "{}: self-accepted", t.title);
                    assert!(answer.edited.is_none() && answer.flagged.is_none());
                    assert!(answer.hidden.is_none());
                }
                if let Some(r) = t.member_read {
                    assert!(r < t.posts.len(), "{}", t.title);
                    assert!(c.has("member"), "{}", t.title);
                }
                let mut last = -1;
                for (k, p) in t.posts.iter().enumerate() {
                    assert!(c.has(&p.by), "{}: {} is no member", t.title, p.by);
                    assert!(p.hours > last, "{}: post {k} out of order", t.title);
                    last = p.hours;
                    assert!(p.hours + 12 < t.days_ago * 24, "{}: in the future", t.title);
                    assert_eq!(p.hours == 0, k == 0, "{}", t.title);
                    if let Some(q) = p.quote {
                        assert!(q < k, "{}: quotes a later post", t.title);
                    }
                    let afters = [p.edited.is_some(), p.flagged.is_some(), p.hidden.is_some()];
                    assert!(afters.iter().filter(|a| **a).count() <= 1, "{}", t.title);
                    let mut seen = HashSet::new();
                    for r in &p.reactions {
                        assert!(c.has(&r.by), "{}: {} reacts, no member", t.title, r.by);
                        assert_ne!(r.by, p.by, "{}: reacts to own post", t.title);
                        assert!(["like", "thanks", "insightful"].contains(&r.kind.as_str()));
                        assert!(seen.insert((&r.by, &r.kind)), "{}: twice", t.title);
                    }
                    if let Some(f) = &p.flagged {
                        assert!(c.has(&f.by) && f.by != p.by);
                        let reasons = ["spam", "abuse", "off_topic", "privacy", "other"];
                        assert!(reasons.contains(&f.reason.as_str()));
                    }
                    if let Some(h) = &p.hidden {
                        assert!(c.moderators.contains(&h.by));
                        assert!(p.reactions.is_empty() && k > 0);
                    }
                    for n in &p.notify {
                        assert!(c.has(&n.to) && n.to != n.by, "{}", n.kind);
                        match n.kind.as_str() {
                            "accepted_answer" => {
                                assert_eq!(t.accepted, Some(k));
                                assert_eq!(p.by, n.to);
                                assert_eq!(asker, &n.by);
                            }
                            "post_hidden" => assert!(p.hidden.is_some()),
                            "mention" => assert!(p.body.contains(&format!("{{@{}}}", n.to))),
                            _ => assert_eq!(p.by, n.by, "{}", n.kind),
                        }
                    }
                }
            }
        }
        // The private community hides from the newcomer.
        let tot = demo
            .communities
            .iter()
            .find(|c| c.visibility == "private")
            .unwrap();
        assert!(!tot.has("newcomer") && tot.has("member"));
        assert!(tot.moderators.iter().any(|m| m == "trainer"));
    }
}
