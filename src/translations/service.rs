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
use crate::translations::glossary::find_terms;
use crate::translations::model::{
    DraftStatus, GlossaryEntry, NewGlossaryEntry, NewTranslationDraft, NewTranslationRequest,
    Staleness, TextKind, TextState, TranslationDraft, TranslationRequest, state_of, term_key,
};
use crate::translations::repo::{self, QueueAfter, QueueRow, TotalRow, TotalsFilter};
use crate::types::ids::{
    CourseId, GlossaryEntryId, LessonId, ModuleId, TranslationDraftId, UserId,
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
            repo::bump_source(conn, kind, id, course.id, now())?;
        }
        return Ok(());
    }
    let version = repo::source_version(conn, kind, id)?;
    published(conn, course, kind, id, language, version)
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
            set.extend(repo::requested_languages(conn, id)?);
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
    let open = repo::open_requests(conn, course.id, language)?;
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
    for r in &open {
        if let Some((name, Some(address), preferred, _)) = repo::contact(conn, r.user_id)? {
            email::enqueue(
                conn,
                &OutgoingEmail {
                    to: address,
                    template: Template::TranslationPublished,
                    language: preferred,
                    vars: vec![
                        ("display_name", name),
                        ("course", title.clone()),
                        ("language", language.to_owned()),
                        ("link", link.clone()),
                    ],
                },
            )?;
        }
    }
    let ids: Vec<_> = open.iter().map(|r| r.id).collect();
    repo::mark_notified(conn, &ids, now())?;
    Ok(())
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

/// The course of a text, and the text's source and translation.
fn text_of(
    conn: &mut DbConn,
    kind: TextKind,
    id: i64,
    language: &str,
) -> Result<(CourseId, Option<Texts>, Option<Texts>), ApiError> {
    let (course_id, default) = match kind {
        TextKind::Course => {
            let c = courses::find_course(conn, CourseId(id))?.ok_or(ApiError::NotFound)?;
            (c.id, c.default_language)
        }
        TextKind::Module => {
            let m = courses::find_module(conn, ModuleId(id))?.ok_or(ApiError::NotFound)?;
            let c = courses::find_course(conn, m.course_id)?.ok_or(ApiError::NotFound)?;
            (c.id, c.default_language)
        }
        TextKind::Lesson => {
            let l = courses::find_lesson(conn, LessonId(id))?.ok_or(ApiError::NotFound)?;
            let c = courses::find_course(conn, l.course_id)?.ok_or(ApiError::NotFound)?;
            (c.id, c.default_language)
        }
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
        })
    };
    let source = read(&default)?;
    let translation = read(language)?;
    Ok((course_id, source, translation))
}

/// What a translator sees of one text in one language.
#[derive(Debug)]
pub struct TextView {
    pub kind: TextKind,
    pub id: i64,
    pub course_id: CourseId,
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
    let (course_id, source, translation) = text_of(conn, kind, id, &language)?;
    let course = crate::courses::service::visible_course(conn, course_id, Some(actor))?;
    let is_owner = courses::is_owner(conn, course_id, actor.id)?;
    let holds = repo::holds(conn, actor.id, &language)?;
    authorize(
        actor,
        Action::ReadTranslations {
            is_owner,
            is_translator: holds,
        },
    )?;
    let source = source.unwrap_or_default();
    let (version, changed_at) = repo::sources(conn, kind, &[id])?
        .get(&id)
        .map_or((1, None), |(v, at)| (*v, Some(*at)));
    let translated_version = match &translation {
        Some(_) if language != course.default_language => Some(
            repo::recorded(conn, kind, &[id])?
                .get(&(id, language.clone()))
                .copied()
                .unwrap_or(1),
        ),
        Some(_) => Some(version),
        None => None,
    };
    let pending = repo::pending_of_course(conn, course_id)?
        .get(&(kind, id, language.clone()))
        .copied();
    let pending_draft = match pending {
        Some(d) => repo::find_draft(conn, d)?,
        None => None,
    };
    let entries =
        repo::entries_for_pairs(conn, &[(course.default_language.clone(), language.clone())])?;
    let glossary = mark_fields(&source, &entries);
    Ok(TextView {
        kind,
        id,
        course_id,
        default_language: course.default_language,
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
    let (course_id, _, _) = text_of(conn, kind, id, &language)?;
    db::lock_row(conn, "courses", course_id.get())?;
    let course = crate::courses::service::visible_course(conn, course_id, Some(actor))?;
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
    if language == course.default_language {
        return Err(ApiError::invalid_field(
            "language",
            "is_default_language",
            "this is the course's own language, not a translation",
        ));
    }
    let source_version = repo::source_version(conn, kind, id)?;
    repo::supersede_pending(conn, kind, id, &language)?;
    Ok(repo::insert_draft(
        conn,
        &NewTranslationDraft {
            item_kind: kind,
            item_id: id,
            course_id,
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

/// One draft: its author, the course's owners, coordinators and translators of its language.
pub fn get_draft(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: TranslationDraftId,
) -> Result<TranslationDraft, ApiError> {
    let draft = repo::find_draft(conn, id)?.ok_or(ApiError::NotFound)?;
    if draft.author_id != actor.id {
        let is_owner = courses::is_owner(conn, draft.course_id, actor.id)?;
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

/// Approves (publishes) or rejects a pending draft: an owner of the course, a coordinator
/// or admin, or another translator of its language; never its author.
pub fn review_draft(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: TranslationDraftId,
    approve: bool,
) -> Result<TranslationDraft, ApiError> {
    let found = repo::find_draft(conn, id)?.ok_or(ApiError::NotFound)?;
    db::lock_row(conn, "courses", found.course_id.get())?;
    let draft = repo::find_draft(conn, id)?.ok_or(ApiError::NotFound)?;
    let course = courses::find_course(conn, draft.course_id)?.ok_or(ApiError::NotFound)?;
    let is_owner = courses::is_owner(conn, course.id, actor.id)?;
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
                "reviewing needs an owner of the course or a translator of the language",
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
        crate::courses::service::publish_translation(
            conn,
            &course,
            draft.item_kind,
            draft.item_id,
            &draft.language,
            texts,
            at,
        )?;
        published(
            conn,
            &course,
            draft.item_kind,
            draft.item_id,
            &draft.language,
            draft.source_version,
        )?;
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

/// A page of the caller's queue: missing and outdated texts of published courses in the
/// languages they translate into (or `language`), most requested first.
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
    let defaults: HashMap<i64, String> = rows
        .iter()
        .map(|r| (r.item_id * 3 + r.kind_rank, r.default_language.clone()))
        .collect();
    let is_default = |k: TextKind, id: i64, lang: &str| {
        defaults
            .get(&(id * 3 + k.rank()))
            .is_some_and(|d| d == lang)
    };
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

/// A learner asks for a course in a language (one request per learner, course and
/// language: asking again answers the first request); whether the request is new.
pub fn request_translation(
    conn: &mut DbConn,
    actor: &AuthUser,
    course_id: CourseId,
    language: String,
) -> Result<(TranslationRequest, bool), ApiError> {
    let course = crate::courses::service::visible_course(conn, course_id, Some(actor))?;
    if language == course.default_language {
        return Err(ApiError::invalid_field(
            "language",
            "is_default_language",
            "the course is written in this language",
        ));
    }
    if let Some(existing) = repo::find_request(conn, course_id, actor.id, &language)? {
        return Ok((existing, false));
    }
    let texts = source_texts(conn, &course)?;
    if texts
        .iter()
        .all(|t| t.state(&language) == TextState::Complete)
    {
        return Err(ApiError::Conflict {
            code: "already_translated",
            detail: "the course is fully translated into this language".to_owned(),
        });
    }
    let country = repo::contact(conn, actor.id)?.and_then(|c| c.3);
    repo::insert_request(
        conn,
        &NewTranslationRequest {
            course_id,
            user_id: actor.id,
            language: language.clone(),
            country,
            created_at: now(),
        },
    )?;
    let request =
        repo::find_request(conn, course_id, actor.id, &language)?.ok_or(ApiError::NotFound)?;
    Ok((request, true))
}

/// The caller's own request for a course in a language.
pub fn own_request(
    conn: &mut DbConn,
    actor: &AuthUser,
    course_id: CourseId,
    language: &str,
) -> Result<TranslationRequest, ApiError> {
    crate::courses::service::visible_course(conn, course_id, Some(actor))?;
    repo::find_request(conn, course_id, actor.id, language)?.ok_or(ApiError::NotFound)
}

/// Requests totalled by course, language and country (coordinators, admins).
pub fn totals(
    conn: &mut DbConn,
    actor: &AuthUser,
    filter: TotalsFilter,
    after: Option<(i64, i64, String, String)>,
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
    if repo::term_taken(conn, &input.source_language, &input.target_language, &key)? {
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
