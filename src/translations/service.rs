//! Language access use cases: staleness of translations, the state of a course's texts per
//! language, translators and their drafts, learners' requests and the glossary. Each public
//! function runs inside the caller's one transaction and asks `auth::policy`.
//!
//! The source of a translation is its item's text in the course's default language. A change
//! of that text that is not marked minor gives the source a new version
//! (`translation_sources`); a published translation records the source version it
//! translates (`translation_versions`). A translation is `complete` when it records the
//! current version, `outdated` when an older one, `missing` when it does not exist.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;

use crate::auth::AuthUser;
use crate::auth::policy::{Action, allowed, authorize};
use crate::courses::model::Course;
use crate::courses::repo as courses;
use crate::db::{self, DbConn, now};
use crate::email::{self, OutgoingEmail, Template};
use crate::error::ApiError;
use crate::http::etag::{IfMatch, Versioned};
use crate::library::model::{Resource, ResourceTexts};
use crate::library::repo as library;
use crate::translations::glossary::find_terms;
use crate::translations::model::{
    DraftStatus, GlossaryEntry, GlossaryEntryChanges, NewGlossaryEntry, NewTranslationDraft,
    NewTranslationRequest, Requested, Staleness, TextKind, TextState, TranslationDraft,
    TranslationRequest, state_of, term_key,
};
use crate::translations::repo::{self, QueueAfter, QueueRow, TotalRow, TotalsAfter, TotalsFilter};
use crate::types::ids::{
    CourseId, GlossaryEntryId, LessonId, ModuleId, ResourceId, SurveyId, TranslationDraftId, UserId,
};

/// Most entries of one language pair of the glossary: what a text is matched against.
pub const MAX_ENTRIES_PER_PAIR: i64 = 2_000;

// ---------------------------------------------------------------- staleness

/// Whether the texts picked for a reader (`(item, language)`) translate an older source
/// version; texts in `default_language` never do.
pub fn staleness(
    conn: &mut DbConn,
    kind: TextKind,
    picked: &[(i64, String)],
    default_language: &str,
) -> Result<HashMap<i64, Staleness>, ApiError> {
    let ids: Vec<i64> = picked
        .iter()
        .filter(|(_, l)| l != default_language)
        .map(|(i, _)| *i)
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sources = repo::sources(conn, kind, &ids)?;
    let recorded = repo::recorded(conn, kind, &ids)?;
    Ok(picked
        .iter()
        .filter(|(_, l)| l != default_language)
        .map(|(id, language)| {
            let (current, at) = sources.get(id).map_or((1, None), |(v, at)| (*v, Some(*at)));
            let version = recorded.get(&(*id, language.clone())).copied().unwrap_or(1);
            (
                *id,
                Staleness {
                    outdated: version < current,
                    source_changed_at: at,
                },
            )
        })
        .collect())
}

/// The source versions of some items and the versions their translations record, to tell
/// the [`Staleness`] of any of their languages without asking again.
#[derive(Debug, Clone, Default)]
pub struct Versions {
    sources: HashMap<i64, (i64, NaiveDateTime)>,
    recorded: HashMap<(i64, String), i64>,
}

impl Versions {
    /// Whether item `id`'s text in `language` translates an older source version.
    pub fn of(&self, id: i64, language: &str, default_language: &str) -> Staleness {
        if language == default_language {
            return Staleness::default();
        }
        let (current, at) = self
            .sources
            .get(&id)
            .map_or((1, None), |(v, at)| (*v, Some(*at)));
        let version = self
            .recorded
            .get(&(id, language.to_owned()))
            .copied()
            .unwrap_or(1);
        Staleness {
            outdated: version < current,
            source_changed_at: at,
        }
    }
}

/// The [`Versions`] of some items of one kind: two queries.
pub fn versions(conn: &mut DbConn, kind: TextKind, ids: &[i64]) -> Result<Versions, ApiError> {
    if ids.is_empty() {
        return Ok(Versions::default());
    }
    Ok(Versions {
        sources: repo::sources(conn, kind, ids)?,
        recorded: repo::recorded(conn, kind, ids)?,
    })
}

/// Called by the course service after it wrote a text of `course` in `language`: a change
/// of the original (not `minor`) outdates the translations; a translation written by an
/// owner is published at once, against the current original.
pub fn text_written(
    conn: &mut DbConn,
    course: &Course,
    kind: TextKind,
    id: i64,
    language: &str,
    minor: bool,
) -> Result<(), ApiError> {
    if language == course.default_language {
        if !minor {
            repo::bump_source(conn, kind, id, Some(course.id), now())?;
        }
        return Ok(());
    }
    let version = repo::source_version(conn, kind, id)?;
    published(conn, course, kind, id, language, version)
}

/// A translatable text outside a course's own texts (a resource, a survey, a question):
/// its kind, id, course (when it has one) and the language of its original.
#[derive(Debug, Clone)]
pub struct ItemText {
    pub kind: TextKind,
    pub id: i64,
    pub course_id: Option<CourseId>,
    pub default_language: String,
}

/// Called by the library and assessment after they wrote `item`'s texts in `language`, as
/// [`text_written`] for a course's: a change of the original (not `minor`) outdates the
/// translations; a translation written by an editor is published at once against the
/// current original (and a resource's requesters are told when it is).
pub fn item_text_written(
    conn: &mut DbConn,
    item: &ItemText,
    language: &str,
    minor: bool,
) -> Result<(), ApiError> {
    if language == item.default_language {
        if !minor {
            repo::bump_source(conn, item.kind, item.id, item.course_id, now())?;
        }
        return Ok(());
    }
    let version = repo::source_version(conn, item.kind, item.id)?;
    item_published(conn, item.kind, item.id, language, version)
}

/// A translation of a text outside courses was published (see [`published`]).
fn item_published(
    conn: &mut DbConn,
    kind: TextKind,
    id: i64,
    language: &str,
    version: i64,
) -> Result<(), ApiError> {
    repo::record_version(conn, kind, id, language, version)?;
    repo::supersede_pending(conn, kind, id, language)?;
    if kind == TextKind::Resource {
        notify_resource_if_complete(conn, ResourceId(id), language)?;
    }
    Ok(())
}

/// Whether one text in `language` translates an older source version (`false` for the
/// original itself and for a text that does not exist in `language`).
pub fn staleness_of(
    conn: &mut DbConn,
    kind: TextKind,
    id: i64,
    language: &str,
    default_language: &str,
) -> Result<Staleness, ApiError> {
    Ok(
        staleness(conn, kind, &[(id, language.to_owned())], default_language)?
            .remove(&id)
            .unwrap_or_default(),
    )
}

/// A translation was published: it records `version`, drafts waiting for the same text are
/// superseded, and when the course is now complete in the language its requesters are told.
fn published(
    conn: &mut DbConn,
    course: &Course,
    kind: TextKind,
    id: i64,
    language: &str,
    version: i64,
) -> Result<(), ApiError> {
    repo::record_version(conn, kind, id, language, version)?;
    repo::supersede_pending(conn, kind, id, language)?;
    notify_if_complete(conn, course, language)
}

// ---------------------------------------------------------------- a course's texts

/// One text of a course with its source version and the versions its translations record.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub kind: TextKind,
    pub id: i64,
    pub module_id: Option<ModuleId>,
    /// The title in the default language.
    pub title: String,
    pub version: i64,
    pub changed_at: Option<NaiveDateTime>,
    /// Language → recorded source version, for each translation that exists.
    pub translated: HashMap<String, i64>,
}

impl SourceText {
    /// The state of the text in `language`.
    pub fn state(&self, language: &str) -> TextState {
        state_of(self.translated.get(language).copied(), self.version)
    }
}

/// Every text of a course (course, modules in order, lessons by module and position).
pub fn source_texts(conn: &mut DbConn, course: &Course) -> Result<Vec<SourceText>, ApiError> {
    let default = course.default_language.as_str();
    let mut out = Vec::new();
    // The course.
    let cid = course.id.get();
    let sources = repo::sources(conn, TextKind::Course, &[cid])?;
    let recorded = repo::recorded(conn, TextKind::Course, &[cid])?;
    let mut text = SourceText {
        kind: TextKind::Course,
        id: cid,
        module_id: None,
        title: String::new(),
        version: sources.get(&cid).map_or(1, |s| s.0),
        changed_at: sources.get(&cid).map(|s| s.1),
        translated: HashMap::new(),
    };
    for t in courses::translations(conn, &[course.id])? {
        if t.language == default {
            text.title = t.title;
        } else {
            let v = recorded
                .get(&(cid, t.language.clone()))
                .copied()
                .unwrap_or(1);
            text.translated.insert(t.language, v);
        }
    }
    out.push(text);
    // Modules.
    let modules = courses::modules(conn, course.id)?;
    let ids: Vec<i64> = modules.iter().map(|m| m.id.get()).collect();
    let module_ids: Vec<ModuleId> = modules.iter().map(|m| m.id).collect();
    let sources = repo::sources(conn, TextKind::Module, &ids)?;
    let recorded = repo::recorded(conn, TextKind::Module, &ids)?;
    let mut titles: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for t in courses::module_translations(conn, &module_ids)? {
        titles
            .entry(t.module_id.get())
            .or_default()
            .push((t.language, t.title));
    }
    for m in &modules {
        let id = m.id.get();
        out.push(source_text(
            TextKind::Module,
            id,
            Some(m.id),
            titles.remove(&id).unwrap_or_default(),
            default,
            &sources,
            &recorded,
        ));
    }
    // Lessons, in the order of their modules.
    let order: HashMap<ModuleId, usize> =
        modules.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    let mut lessons = courses::course_lessons(conn, course.id)?;
    lessons.sort_by_key(|l| (order.get(&l.module_id).copied(), l.position, l.id));
    let ids: Vec<i64> = lessons.iter().map(|l| l.id.get()).collect();
    let lesson_ids: Vec<LessonId> = lessons.iter().map(|l| l.id).collect();
    let sources = repo::sources(conn, TextKind::Lesson, &ids)?;
    let recorded = repo::recorded(conn, TextKind::Lesson, &ids)?;
    let mut titles: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for (id, language, title) in courses::lesson_titles(conn, &lesson_ids)? {
        titles.entry(id.get()).or_default().push((language, title));
    }
    for l in &lessons {
        let id = l.id.get();
        out.push(source_text(
            TextKind::Lesson,
            id,
            Some(l.module_id),
            titles.remove(&id).unwrap_or_default(),
            default,
            &sources,
            &recorded,
        ));
    }
    Ok(out)
}

fn source_text(
    kind: TextKind,
    id: i64,
    module_id: Option<ModuleId>,
    titles: Vec<(String, String)>,
    default: &str,
    sources: &HashMap<i64, (i64, NaiveDateTime)>,
    recorded: &HashMap<(i64, String), i64>,
) -> SourceText {
    let mut text = SourceText {
        kind,
        id,
        module_id,
        title: String::new(),
        version: sources.get(&id).map_or(1, |s| s.0),
        changed_at: sources.get(&id).map(|s| s.1),
        translated: HashMap::new(),
    };
    for (language, title) in titles {
        if language == default {
            text.title = title;
        } else {
            let v = recorded.get(&(id, language.clone())).copied().unwrap_or(1);
            text.translated.insert(language, v);
        }
    }
    text
}

/// A resource's one text (title and description) with its versions.
fn resource_text(conn: &mut DbConn, r: &Resource) -> Result<SourceText, ApiError> {
    let id = r.id.get();
    let sources = repo::sources(conn, TextKind::Resource, &[id])?;
    let recorded = repo::recorded(conn, TextKind::Resource, &[id])?;
    let titles = library::translations(conn, &[r.id])?
        .into_iter()
        .map(|t| (t.language, t.title))
        .collect();
    Ok(source_text(
        TextKind::Resource,
        id,
        None,
        titles,
        &r.default_language,
        &sources,
        &recorded,
    ))
}

/// A survey's one text (title, description and items) with its versions.
fn survey_text(
    conn: &mut DbConn,
    s: &crate::assessment::surveys::model::Survey,
) -> Result<SourceText, ApiError> {
    let id = s.id.get();
    let sources = repo::sources(conn, TextKind::Survey, &[id])?;
    let recorded = repo::recorded(conn, TextKind::Survey, &[id])?;
    let titles = crate::assessment::surveys::repo::translations(conn, s.id)?
        .into_iter()
        .map(|t| (t.language, t.title))
        .collect();
    Ok(source_text(
        TextKind::Survey,
        id,
        None,
        titles,
        &s.default_language,
        &sources,
        &recorded,
    ))
}

/// The translation states of an item outside courses (a resource, a survey), in the shape
/// of a course's.
#[derive(Debug)]
pub struct ItemTranslations {
    pub kind: TextKind,
    pub id: i64,
    pub default_language: String,
    pub languages: Vec<String>,
    pub texts: Vec<SourceText>,
    pub drafts: HashMap<(TextKind, i64, String), TranslationDraftId>,
}

/// The state of a resource's text per language: its owner, coordinators, admins and
/// translators (who may read the resource).
pub fn resource_translations(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ResourceId,
    language: Option<String>,
) -> Result<ItemTranslations, ApiError> {
    let r = crate::library::service::readable(conn, Some(actor), id)?;
    let held = repo::languages_of(conn, actor.id)?;
    authorize(
        actor,
        Action::ReadTranslations {
            is_owner: r.created_by == Some(actor.id),
            is_translator: !held.is_empty(),
        },
    )?;
    let text = resource_text(conn, &r)?;
    let requested = repo::requested_languages(conn, Requested::Resource(id))?;
    item_translations(conn, text, &r.default_language, requested, language)
}

/// The state of a survey's text per language: its editors, coordinators, admins and
/// translators.
pub fn survey_translations(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: SurveyId,
    language: Option<String>,
) -> Result<ItemTranslations, ApiError> {
    let s = crate::assessment::surveys::repo::find(conn, id)?;
    let is_owner = crate::assessment::surveys::service::edits(conn, actor, &s)?;
    let held = repo::languages_of(conn, actor.id)?;
    if !allowed(
        actor,
        Action::ReadTranslations {
            is_owner,
            is_translator: !held.is_empty(),
        },
    ) {
        // A survey is not public: to others it does not exist.
        return Err(ApiError::NotFound);
    }
    let text = survey_text(conn, &s)?;
    item_translations(conn, text, &s.default_language, Vec::new(), language)
}

fn item_translations(
    conn: &mut DbConn,
    text: SourceText,
    default_language: &str,
    requested: Vec<String>,
    language: Option<String>,
) -> Result<ItemTranslations, ApiError> {
    let languages = match language {
        Some(l) => vec![l],
        None => {
            let mut set: HashSet<String> = text.translated.keys().cloned().collect();
            set.extend(requested);
            set.remove(default_language);
            let mut v: Vec<String> = set.into_iter().collect();
            v.sort();
            v
        }
    };
    let drafts = repo::pending_of_item(conn, text.kind, text.id)?
        .into_iter()
        .map(|(l, d)| ((text.kind, text.id, l), d))
        .collect();
    Ok(ItemTranslations {
        kind: text.kind,
        id: text.id,
        default_language: default_language.to_owned(),
        languages,
        texts: vec![text],
        drafts,
    })
}

/// A course's translation states, for `GET /api/v1/courses/{id}/translations`.
#[derive(Debug)]
pub struct CourseTranslations {
    pub course: Course,
    /// The languages listed: every language a text exists in or is requested in (or the
    /// one asked for), sorted.
    pub languages: Vec<String>,
    pub texts: Vec<SourceText>,
    /// Pending drafts: (kind, item, language) → draft.
    pub drafts: HashMap<(TextKind, i64, String), TranslationDraftId>,
}

/// The state of every text of a course per language: its owners, coordinators and admins,
/// and translators (of any language).
pub fn course_translations(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CourseId,
    language: Option<String>,
) -> Result<CourseTranslations, ApiError> {
    let course = crate::courses::service::visible_course(conn, id, Some(actor))?;
    let is_owner = courses::is_owner(conn, id, actor.id)?;
    let held = repo::languages_of(conn, actor.id)?;
    authorize(
        actor,
        Action::ReadTranslations {
            is_owner,
            is_translator: !held.is_empty(),
        },
    )?;
    let texts = source_texts(conn, &course)?;
    let languages: Vec<String> = match language {
        Some(l) => vec![l],
        None => {
            let mut set: HashSet<String> = texts
                .iter()
                .flat_map(|t| t.translated.keys().cloned())
                .collect();
            set.extend(repo::requested_languages(conn, Requested::Course(id))?);
            set.remove(&course.default_language);
            let mut v: Vec<String> = set.into_iter().collect();
            v.sort();
            v
        }
    };
    let drafts = repo::pending_of_course(conn, id)?;
    Ok(CourseTranslations {
        course,
        languages,
        texts,
        drafts,
    })
}

/// When every text of `course` is complete in `language`, tells those who asked for it (in
/// their language) and closes their requests.
fn notify_if_complete(conn: &mut DbConn, course: &Course, language: &str) -> Result<(), ApiError> {
    let open = repo::open_requests(conn, Requested::Course(course.id), language)?;
    if open.is_empty() {
        return Ok(());
    }
    let texts = source_texts(conn, course)?;
    if !texts
        .iter()
        .all(|t| t.state(language) == TextState::Complete)
    {
        return Ok(());
    }
    let title = courses::course_texts(conn, course.id, language)?
        .map(|t| t.0)
        .unwrap_or_default();
    let link = crate::http::links::frontend(&format!("/courses/{}?lang={language}", course.slug));
    tell_requesters(conn, &open, &title, language, &link)
}

/// Emails those who asked for an item that it is now in `language` (each in their own
/// language) and closes their requests.
fn tell_requesters(
    conn: &mut DbConn,
    open: &[TranslationRequest],
    title: &str,
    language: &str,
    link: &str,
) -> Result<(), ApiError> {
    for r in open {
        if let Some((name, Some(address), preferred, _)) = repo::contact(conn, r.user_id)? {
            email::enqueue(
                conn,
                &OutgoingEmail {
                    to: address,
                    template: Template::TranslationPublished,
                    language: preferred,
                    vars: vec![
                        ("display_name", name),
                        ("course", title.to_owned()),
                        ("language", language.to_owned()),
                        ("link", link.to_owned()),
                    ],
                },
            )?;
        }
    }
    let ids: Vec<_> = open.iter().map(|r| r.id).collect();
    repo::mark_notified(conn, &ids, now())?;
    Ok(())
}

/// When the resource's translation into `language` is complete, tells those who asked.
fn notify_resource_if_complete(
    conn: &mut DbConn,
    id: ResourceId,
    language: &str,
) -> Result<(), ApiError> {
    let open = repo::open_requests(conn, Requested::Resource(id), language)?;
    if open.is_empty() {
        return Ok(());
    }
    let r = library::find(conn, id)?;
    let text = resource_text(conn, &r)?;
    if text.state(language) != TextState::Complete {
        return Ok(());
    }
    let title = library::translations(conn, &[id])?
        .into_iter()
        .find(|t| t.language == language)
        .map(|t| t.title)
        .unwrap_or_default();
    let link = crate::http::links::frontend(&format!("/resources/{id}?lang={language}"));
    tell_requesters(conn, &open, &title, language, &link)
}

// ---------------------------------------------------------------- translators

/// Makes a member of a member union a translator into `language` (coordinators, admins);
/// their languages and whether this one is new.
pub fn grant_translator(
    conn: &mut DbConn,
    actor: &AuthUser,
    user: UserId,
    language: String,
) -> Result<(Vec<String>, bool), ApiError> {
    authorize(actor, Action::GrantTranslators)?;
    if repo::contact(conn, user)?.is_none() {
        return Err(ApiError::NotFound);
    }
    if !repo::is_union_member(conn, user)? {
        return Err(ApiError::invalid_field(
            "user_id",
            "not_a_union_member",
            "translators are approved members of a member union",
        ));
    }
    let created = repo::grant(conn, user, &language, actor.id, now())?;
    Ok((repo::languages_of(conn, user)?, created))
}

/// Takes a language back; 404 when the user does not hold it.
pub fn revoke_translator(
    conn: &mut DbConn,
    actor: &AuthUser,
    user: UserId,
    language: &str,
) -> Result<(), ApiError> {
    authorize(actor, Action::GrantTranslators)?;
    if repo::revoke(conn, user, language)? == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// The languages a user translates into: themselves, coordinators and admins.
pub fn translator_languages(
    conn: &mut DbConn,
    actor: &AuthUser,
    user: UserId,
) -> Result<Vec<String>, ApiError> {
    if actor.id != user {
        authorize(actor, Action::ReadTranslators)?;
    }
    if repo::contact(conn, user)?.is_none() {
        return Err(ApiError::NotFound);
    }
    Ok(repo::languages_of(conn, user)?)
}

// ---------------------------------------------------------------- texts and drafts

/// A text's translation as sent: what its kind has (others empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Texts {
    pub title: String,
    pub summary: String,
    pub description: String,
    pub content: String,
}

/// What a text belongs to: a course (its own texts) or a library resource. Who owns it,
/// who may see it and how a reviewed translation is published follow from it.
#[derive(Debug, Clone)]
enum Holder {
    Course(Course),
    Resource(Resource),
}

impl Holder {
    fn default_language(&self) -> &str {
        match self {
            Self::Course(c) => &c.default_language,
            Self::Resource(r) => &r.default_language,
        }
    }

    fn course_id(&self) -> Option<CourseId> {
        match self {
            Self::Course(c) => Some(c.id),
            Self::Resource(_) => None,
        }
    }

    /// Whether `actor` owns the course or the resource.
    fn is_owner(&self, conn: &mut DbConn, actor: &AuthUser) -> Result<bool, ApiError> {
        Ok(match self {
            Self::Course(c) => courses::is_owner(conn, c.id, actor.id)?,
            Self::Resource(r) => r.created_by == Some(actor.id),
        })
    }

    /// 404 (or what reading the resource answers) unless `actor` may see the item.
    fn require_visible(&self, conn: &mut DbConn, actor: &AuthUser) -> Result<(), ApiError> {
        match self {
            Self::Course(c) => {
                crate::courses::service::visible_course(conn, c.id, Some(actor))?;
            }
            Self::Resource(r) => crate::library::service::require_read(conn, Some(actor), r)?,
        }
        Ok(())
    }

    /// Holds the item until the transaction ends.
    fn lock(&self, conn: &mut DbConn) -> Result<(), ApiError> {
        match self {
            Self::Course(c) => db::lock_row(conn, "courses", c.id.get())?,
            Self::Resource(r) => db::lock_row(conn, "resources", r.id.get())?,
        }
        Ok(())
    }
}

/// The item of a text, and the text's source and translation.
fn text_of(
    conn: &mut DbConn,
    kind: TextKind,
    id: i64,
    language: &str,
) -> Result<(Holder, Option<Texts>, Option<Texts>), ApiError> {
    let holder = match kind {
        TextKind::Course => {
            Holder::Course(courses::find_course(conn, CourseId(id))?.ok_or(ApiError::NotFound)?)
        }
        TextKind::Module => {
            let m = courses::find_module(conn, ModuleId(id))?.ok_or(ApiError::NotFound)?;
            Holder::Course(courses::find_course(conn, m.course_id)?.ok_or(ApiError::NotFound)?)
        }
        TextKind::Lesson => {
            let l = courses::find_lesson(conn, LessonId(id))?.ok_or(ApiError::NotFound)?;
            Holder::Course(courses::find_course(conn, l.course_id)?.ok_or(ApiError::NotFound)?)
        }
        TextKind::Resource => Holder::Resource(library::find(conn, ResourceId(id))?),
        // Surveys and questions are translated by their editors (`PUT …/translations/…`).
        TextKind::Survey | TextKind::Question => return Err(ApiError::NotFound),
    };
    let default = holder.default_language().to_owned();
    let resource_texts = match kind {
        TextKind::Resource => library::translations(conn, &[ResourceId(id)])?,
        _ => Vec::new(),
    };
    let mut read = |lang: &str| -> Result<Option<Texts>, ApiError> {
        Ok(match kind {
            TextKind::Course => courses::course_texts(conn, CourseId(id), lang)?.map(
                |(title, summary, description)| Texts {
                    title,
                    summary,
                    description,
                    ..Texts::default()
                },
            ),
            TextKind::Module => {
                courses::module_title(conn, ModuleId(id), lang)?.map(|title| Texts {
                    title,
                    ..Texts::default()
                })
            }
            TextKind::Lesson => {
                courses::lesson_texts(conn, LessonId(id), lang)?.map(|(title, content)| Texts {
                    title,
                    content,
                    ..Texts::default()
                })
            }
            TextKind::Resource => {
                resource_texts
                    .iter()
                    .find(|t| t.language == lang)
                    .map(|t| Texts {
                        title: t.title.clone(),
                        description: t.description.clone(),
                        ..Texts::default()
                    })
            }
            TextKind::Survey | TextKind::Question => None,
        })
    };
    let source = read(&default)?;
    let translation = read(language)?;
    Ok((holder, source, translation))
}

/// What a translator sees of one text in one language.
#[derive(Debug)]
pub struct TextView {
    pub kind: TextKind,
    pub id: i64,
    pub course_id: Option<CourseId>,
    pub default_language: String,
    pub language: String,
    pub state: TextState,
    pub source: Texts,
    pub source_version: i64,
    pub source_changed_at: Option<NaiveDateTime>,
    pub translation: Option<Texts>,
    pub translated_version: Option<i64>,
    pub pending_draft: Option<TranslationDraft>,
    /// Glossary entries of the language pair found in the source: (field, entry, start, end).
    pub glossary: Vec<(&'static str, GlossaryEntry, usize, usize)>,
}

/// One text in one language, with its source, state, pending draft and glossary marks:
/// owners, coordinators and translators of the language.
pub fn text_view(
    conn: &mut DbConn,
    actor: &AuthUser,
    kind: TextKind,
    id: i64,
    language: String,
) -> Result<TextView, ApiError> {
    let (holder, source, translation) = text_of(conn, kind, id, &language)?;
    holder.require_visible(conn, actor)?;
    let is_owner = holder.is_owner(conn, actor)?;
    let holds = repo::holds(conn, actor.id, &language)?;
    authorize(
        actor,
        Action::ReadTranslations {
            is_owner,
            is_translator: holds,
        },
    )?;
    let default_language = holder.default_language().to_owned();
    let source = source.unwrap_or_default();
    let (version, changed_at) = repo::sources(conn, kind, &[id])?
        .get(&id)
        .map_or((1, None), |(v, at)| (*v, Some(*at)));
    let translated_version = match &translation {
        Some(_) if language != default_language => Some(
            repo::recorded(conn, kind, &[id])?
                .get(&(id, language.clone()))
                .copied()
                .unwrap_or(1),
        ),
        Some(_) => Some(version),
        None => None,
    };
    let pending = repo::pending_of_item(conn, kind, id)?.remove(&language);
    let pending_draft = match pending {
        Some(d) => repo::find_draft(conn, d)?,
        None => None,
    };
    let entries = repo::entries_for_pairs(conn, &[(default_language.clone(), language.clone())])?;
    let glossary = mark_fields(&source, &entries);
    Ok(TextView {
        kind,
        id,
        course_id: holder.course_id(),
        default_language,
        state: state_of(translated_version, version),
        language,
        source,
        source_version: version,
        source_changed_at: changed_at,
        translation,
        translated_version,
        pending_draft,
        glossary,
    })
}

/// The glossary entries found in each field of a source text.
fn mark_fields(
    source: &Texts,
    entries: &[GlossaryEntry],
) -> Vec<(&'static str, GlossaryEntry, usize, usize)> {
    let terms: Vec<&str> = entries.iter().map(|e| e.source_term.as_str()).collect();
    let mut out = Vec::new();
    for (field, text) in [
        ("title", &source.title),
        ("summary", &source.summary),
        ("description", &source.description),
        ("content", &source.content),
    ] {
        for f in find_terms(text, &terms) {
            out.push((field, entries[f.term].clone(), f.start, f.end));
        }
    }
    out
}

/// A translator proposes a translation of a text into a language they hold: a draft that
/// waits for review (the previous pending drafts of that text and language are superseded).
pub fn create_draft(
    conn: &mut DbConn,
    actor: &AuthUser,
    kind: TextKind,
    id: i64,
    language: String,
    texts: Texts,
) -> Result<TranslationDraft, ApiError> {
    let (holder, _, _) = text_of(conn, kind, id, &language)?;
    holder.lock(conn)?;
    holder.require_visible(conn, actor)?;
    let holds = repo::holds(conn, actor.id, &language)?;
    authorize(
        actor,
        Action::TranslateText {
            holds_language: holds,
        },
    )
    .map_err(|_| {
        ApiError::forbidden(
            "not_a_translator",
            "you are not a translator into this language",
        )
    })?;
    if language == holder.default_language() {
        return Err(ApiError::invalid_field(
            "language",
            "is_default_language",
            "this is the original's own language, not a translation",
        ));
    }
    let source_version = repo::source_version(conn, kind, id)?;
    repo::supersede_pending(conn, kind, id, &language)?;
    Ok(repo::insert_draft(
        conn,
        &NewTranslationDraft {
            item_kind: kind,
            item_id: id,
            course_id: holder.course_id(),
            language,
            title: texts.title,
            summary: texts.summary,
            description: texts.description,
            content: texts.content,
            source_version,
            author_id: actor.id,
            status: DraftStatus::Pending,
            created_at: now(),
        },
    )?)
}

/// One draft: its author, the item's owners, coordinators and translators of its language.
pub fn get_draft(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: TranslationDraftId,
) -> Result<TranslationDraft, ApiError> {
    let draft = repo::find_draft(conn, id)?.ok_or(ApiError::NotFound)?;
    if draft.author_id != actor.id {
        let is_owner = match text_of(conn, draft.item_kind, draft.item_id, &draft.language) {
            Ok((holder, _, _)) => holder.is_owner(conn, actor)?,
            Err(ApiError::NotFound) => false,
            Err(e) => return Err(e),
        };
        let holds = repo::holds(conn, actor.id, &draft.language)?;
        if !allowed(
            actor,
            Action::ReadTranslations {
                is_owner,
                is_translator: holds,
            },
        ) {
            return Err(ApiError::NotFound);
        }
    }
    Ok(draft)
}

/// Approves (publishes) or rejects a pending draft: an owner of the course or resource, a
/// coordinator or admin, or another translator of its language; never its author.
pub fn review_draft(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: TranslationDraftId,
    approve: bool,
) -> Result<TranslationDraft, ApiError> {
    let found = repo::find_draft(conn, id)?.ok_or(ApiError::NotFound)?;
    let (holder, _, _) = text_of(conn, found.item_kind, found.item_id, &found.language)?;
    holder.lock(conn)?;
    let draft = repo::find_draft(conn, id)?.ok_or(ApiError::NotFound)?;
    let is_owner = holder.is_owner(conn, actor)?;
    let holds = repo::holds(conn, actor.id, &draft.language)?;
    let is_author = draft.author_id == actor.id;
    if !allowed(
        actor,
        Action::ReviewTranslation {
            is_owner,
            holds_language: holds,
            is_author,
        },
    ) {
        return Err(if is_author {
            ApiError::forbidden(
                "own_translation",
                "a translation is reviewed by someone other than its translator",
            )
        } else {
            ApiError::forbidden(
                "forbidden",
                "reviewing needs an owner of the course or resource or a translator of the language",
            )
        });
    }
    if draft.status != DraftStatus::Pending {
        return Err(ApiError::Conflict {
            code: "not_pending",
            detail: format!("the draft is {}", draft.status),
        });
    }
    let at = now();
    if approve {
        let texts = Texts {
            title: draft.title.clone(),
            summary: draft.summary.clone(),
            description: draft.description.clone(),
            content: draft.content.clone(),
        };
        match &holder {
            Holder::Course(course) => {
                crate::courses::service::publish_translation(
                    conn,
                    course,
                    draft.item_kind,
                    draft.item_id,
                    &draft.language,
                    texts,
                    at,
                )?;
                published(
                    conn,
                    course,
                    draft.item_kind,
                    draft.item_id,
                    &draft.language,
                    draft.source_version,
                )?;
            }
            Holder::Resource(r) => {
                crate::library::service::publish_translation(
                    conn,
                    r,
                    &draft.language,
                    ResourceTexts {
                        title: texts.title,
                        description: texts.description,
                    },
                    at,
                )?;
                item_published(
                    conn,
                    TextKind::Resource,
                    draft.item_id,
                    &draft.language,
                    draft.source_version,
                )?;
            }
        }
    }
    let status = if approve {
        DraftStatus::Approved
    } else {
        DraftStatus::Rejected
    };
    Ok(repo::review_draft(conn, id, status, actor.id, at)?)
}

// ---------------------------------------------------------------- queue

/// One text of a translator's queue, with its source title and the glossary marks in it.
#[derive(Debug)]
pub struct QueueItem {
    pub row: QueueRow,
    pub kind: TextKind,
    pub source_title: String,
    pub glossary: Vec<(GlossaryEntry, usize, usize)>,
}

/// A page of the caller's queue: missing and outdated texts of published courses and
/// library resources in the languages they translate into (or `language`), most requested
/// first.
pub fn queue(
    conn: &mut DbConn,
    actor: &AuthUser,
    language: Option<String>,
    after: Option<QueueAfter>,
    limit: i64,
) -> Result<Vec<QueueItem>, ApiError> {
    let held = repo::languages_of(conn, actor.id)?;
    let holds = match &language {
        Some(l) => held.contains(l),
        None => !held.is_empty(),
    };
    authorize(
        actor,
        Action::TranslateText {
            holds_language: holds,
        },
    )
    .map_err(|_| {
        ApiError::forbidden(
            "not_a_translator",
            "the queue is for translators (of the language asked)",
        )
    })?;
    let rows = repo::queue(
        conn,
        actor.id,
        language.as_deref().unwrap_or(""),
        after,
        limit,
    )?;
    // Source titles, by kind.
    let mut titles: HashMap<(TextKind, i64), String> = HashMap::new();
    let mut by_kind: HashMap<TextKind, Vec<i64>> = HashMap::new();
    for r in &rows {
        if let Some(k) = TextKind::from_rank(r.kind_rank) {
            by_kind.entry(k).or_default().push(r.item_id);
        }
    }
    let defaults: HashMap<(i64, i64), String> = rows
        .iter()
        .map(|r| ((r.kind_rank, r.item_id), r.default_language.clone()))
        .collect();
    let is_default =
        |k: TextKind, id: i64, lang: &str| defaults.get(&(k.rank(), id)).is_some_and(|d| d == lang);
    if let Some(ids) = by_kind.get(&TextKind::Course) {
        let ids: Vec<CourseId> = ids.iter().map(|i| CourseId(*i)).collect();
        for t in courses::translations(conn, &ids)? {
            if is_default(TextKind::Course, t.course_id.get(), &t.language) {
                titles.insert((TextKind::Course, t.course_id.get()), t.title);
            }
        }
    }
    if let Some(ids) = by_kind.get(&TextKind::Module) {
        let ids: Vec<ModuleId> = ids.iter().map(|i| ModuleId(*i)).collect();
        for t in courses::module_translations(conn, &ids)? {
            if is_default(TextKind::Module, t.module_id.get(), &t.language) {
                titles.insert((TextKind::Module, t.module_id.get()), t.title);
            }
        }
    }
    if let Some(ids) = by_kind.get(&TextKind::Lesson) {
        let ids: Vec<LessonId> = ids.iter().map(|i| LessonId(*i)).collect();
        for (id, lang, title) in courses::lesson_titles(conn, &ids)? {
            if is_default(TextKind::Lesson, id.get(), &lang) {
                titles.insert((TextKind::Lesson, id.get()), title);
            }
        }
    }
    if let Some(ids) = by_kind.get(&TextKind::Resource) {
        let ids: Vec<ResourceId> = ids.iter().map(|i| ResourceId(*i)).collect();
        for t in library::translations(conn, &ids)? {
            if is_default(TextKind::Resource, t.resource_id.get(), &t.language) {
                titles.insert((TextKind::Resource, t.resource_id.get()), t.title);
            }
        }
    }
    // Glossaries of the language pairs on the page.
    let mut pairs: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r.default_language.clone(), r.language.clone()))
        .collect();
    pairs.sort();
    pairs.dedup();
    let entries = repo::entries_for_pairs(conn, &pairs)?;
    let mut by_pair: HashMap<(String, String), Vec<GlossaryEntry>> = HashMap::new();
    for e in entries {
        by_pair
            .entry((e.source_language.clone(), e.target_language.clone()))
            .or_default()
            .push(e);
    }
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(kind) = TextKind::from_rank(row.kind_rank) else {
            continue;
        };
        let source_title = titles.remove(&(kind, row.item_id)).unwrap_or_default();
        let pair = (row.default_language.clone(), row.language.clone());
        let entries = by_pair.get(&pair).map(Vec::as_slice).unwrap_or(&[]);
        let terms: Vec<&str> = entries.iter().map(|e| e.source_term.as_str()).collect();
        let glossary = find_terms(&source_title, &terms)
            .into_iter()
            .map(|f| (entries[f.term].clone(), f.start, f.end))
            .collect();
        out.push(QueueItem {
            row,
            kind,
            source_title,
            glossary,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------- requests

/// A learner asks for a course or a library resource in a language (one request per
/// learner, item and language: asking again answers the first request); whether the request
/// is new.
pub fn request_translation(
    conn: &mut DbConn,
    actor: &AuthUser,
    item: Requested,
    language: String,
) -> Result<(TranslationRequest, bool), ApiError> {
    let (default_language, texts) = match item {
        Requested::Course(id) => {
            let course = crate::courses::service::visible_course(conn, id, Some(actor))?;
            let texts = source_texts(conn, &course)?;
            (course.default_language, texts)
        }
        Requested::Resource(id) => {
            let r = crate::library::service::readable(conn, Some(actor), id)?;
            let text = resource_text(conn, &r)?;
            (r.default_language, vec![text])
        }
    };
    if language == default_language {
        return Err(ApiError::invalid_field(
            "language",
            "is_default_language",
            "it is written in this language",
        ));
    }
    if let Some(existing) = repo::find_request(conn, item, actor.id, &language)? {
        return Ok((existing, false));
    }
    if texts
        .iter()
        .all(|t| t.state(&language) == TextState::Complete)
    {
        return Err(ApiError::Conflict {
            code: "already_translated",
            detail: "it is fully translated into this language".to_owned(),
        });
    }
    let country = repo::contact(conn, actor.id)?.and_then(|c| c.3);
    let (course_id, resource_id) = match item {
        Requested::Course(c) => (Some(c), None),
        Requested::Resource(r) => (None, Some(r)),
    };
    repo::insert_request(
        conn,
        &NewTranslationRequest {
            course_id,
            resource_id,
            user_id: actor.id,
            language: language.clone(),
            country,
            created_at: now(),
        },
    )?;
    let request = repo::find_request(conn, item, actor.id, &language)?.ok_or(ApiError::NotFound)?;
    Ok((request, true))
}

/// The caller's own request for a course or resource in a language.
pub fn own_request(
    conn: &mut DbConn,
    actor: &AuthUser,
    item: Requested,
    language: &str,
) -> Result<TranslationRequest, ApiError> {
    match item {
        Requested::Course(id) => {
            crate::courses::service::visible_course(conn, id, Some(actor))?;
        }
        Requested::Resource(id) => {
            crate::library::service::readable(conn, Some(actor), id)?;
        }
    }
    repo::find_request(conn, item, actor.id, language)?.ok_or(ApiError::NotFound)
}

/// Requests totalled by item (course or resource), language and country (coordinators,
/// admins).
pub fn totals(
    conn: &mut DbConn,
    actor: &AuthUser,
    filter: TotalsFilter,
    after: Option<TotalsAfter>,
    limit: i64,
) -> Result<Vec<TotalRow>, ApiError> {
    authorize(actor, Action::ReadTranslationDemand)?;
    Ok(repo::totals(conn, &filter, after, limit)?)
}

// ---------------------------------------------------------------- glossary

/// A new glossary entry, checked.
#[derive(Debug, Clone)]
pub struct GlossaryInput {
    pub source_language: String,
    pub target_language: String,
    pub source_term: String,
    pub target_term: String,
    pub note: String,
}

/// Adds an entry (coordinators, admins): 409 `duplicate_term` when the pair has the term.
pub fn add_entry(
    conn: &mut DbConn,
    actor: &AuthUser,
    input: GlossaryInput,
) -> Result<GlossaryEntry, ApiError> {
    authorize(actor, Action::ManageGlossary)?;
    if repo::count_pair(conn, &input.source_language, &input.target_language)?
        >= MAX_ENTRIES_PER_PAIR
    {
        return Err(ApiError::Conflict {
            code: "too_many_entries",
            detail: format!("a language pair has at most {MAX_ENTRIES_PER_PAIR} entries"),
        });
    }
    let key = term_key(&input.source_term);
    // Asked first: on PostgreSQL a failed insert would abort the caller's transaction (the
    // seed adds the glossary inside one).
    if repo::term_taken(
        conn,
        &input.source_language,
        &input.target_language,
        &key,
        None,
    )? {
        return Err(duplicate_term());
    }
    let at = now();
    repo::insert_entry(
        conn,
        &NewGlossaryEntry {
            source_key: key,
            source_language: input.source_language,
            target_language: input.target_language,
            source_term: input.source_term,
            target_term: input.target_term,
            note: input.note,
            created_by: Some(actor.id),
            created_at: at,
            updated_at: at,
        },
    )
    .map_err(|e| match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => duplicate_term(),
        other => other.into(),
    })
}

fn duplicate_term() -> ApiError {
    ApiError::Conflict {
        code: "duplicate_term",
        detail: "this language pair has an entry for this term".to_owned(),
    }
}

/// A change of a glossary entry: the fields given, each checked as on creation.
#[derive(Debug, Clone, Default)]
pub struct GlossaryPatch {
    pub source_language: Option<String>,
    pub target_language: Option<String>,
    pub source_term: Option<String>,
    pub target_term: Option<String>,
    pub note: Option<String>,
}

/// Changes an entry (coordinators, admins), if it is still the version `if_match` names:
/// 422 `same_language` when the pair would have one language, 409 `duplicate_term` when
/// the pair has the term in another entry. A change that changes nothing writes nothing.
pub fn update_entry(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: GlossaryEntryId,
    patch: GlossaryPatch,
    if_match: Option<&IfMatch>,
) -> Result<GlossaryEntry, ApiError> {
    authorize(actor, Action::ManageGlossary)?;
    db::lock_row(conn, "glossary_entries", id.get())?;
    let entry = repo::find_entry(conn, id)?.ok_or(ApiError::NotFound)?;
    entry.check_if_match(if_match)?;
    let target = GlossaryInput {
        source_language: patch
            .source_language
            .unwrap_or_else(|| entry.source_language.clone()),
        target_language: patch
            .target_language
            .unwrap_or_else(|| entry.target_language.clone()),
        source_term: patch
            .source_term
            .unwrap_or_else(|| entry.source_term.clone()),
        target_term: patch
            .target_term
            .unwrap_or_else(|| entry.target_term.clone()),
        note: patch.note.unwrap_or_else(|| entry.note.clone()),
    };
    if target.source_language == target.target_language {
        return Err(ApiError::invalid_field(
            "target_language",
            "same_language",
            "a glossary pair has two different languages",
        ));
    }
    if target.source_language == entry.source_language
        && target.target_language == entry.target_language
        && target.source_term == entry.source_term
        && target.target_term == entry.target_term
        && target.note == entry.note
    {
        return Ok(entry);
    }
    let key = term_key(&target.source_term);
    if repo::term_taken(
        conn,
        &target.source_language,
        &target.target_language,
        &key,
        Some(id),
    )? {
        return Err(duplicate_term());
    }
    let moved = target.source_language != entry.source_language
        || target.target_language != entry.target_language;
    if moved
        && repo::count_pair(conn, &target.source_language, &target.target_language)?
            >= MAX_ENTRIES_PER_PAIR
    {
        return Err(ApiError::Conflict {
            code: "too_many_entries",
            detail: format!("a language pair has at most {MAX_ENTRIES_PER_PAIR} entries"),
        });
    }
    repo::update_entry(
        conn,
        id,
        &GlossaryEntryChanges {
            source_language: target.source_language,
            target_language: target.target_language,
            source_key: key,
            source_term: target.source_term,
            target_term: target.target_term,
            note: target.note,
            updated_at: now(),
        },
    )
    .map_err(|e| match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => duplicate_term(),
        other => other.into(),
    })
}

/// Removes an entry (coordinators, admins).
pub fn delete_entry(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: GlossaryEntryId,
) -> Result<(), ApiError> {
    authorize(actor, Action::ManageGlossary)?;
    if repo::delete_entry(conn, id)? == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// A page of glossary entries by id.
pub fn list_entries(
    conn: &mut DbConn,
    source: Option<String>,
    target: Option<String>,
    after: Option<GlossaryEntryId>,
    limit: i64,
) -> Result<Vec<GlossaryEntry>, ApiError> {
    Ok(repo::list_entries(
        conn,
        source.as_deref(),
        target.as_deref(),
        after,
        limit,
    )?)
}

/// One glossary entry.
pub fn get_entry(conn: &mut DbConn, id: GlossaryEntryId) -> Result<GlossaryEntry, ApiError> {
    repo::find_entry(conn, id)?.ok_or(ApiError::NotFound)
}
