//! Course reuse: a course as a tree (read from the database, or from a package), copied
//! into a new draft; adaptations of a course; the library resources lessons point to; what
//! an export holds.
//!
//! What a copy holds: the course's own fields (slug excepted), its texts in every
//! language, topics, modules and lessons in order with their texts in every language, the
//! resources each lesson points to and, for an adaptation, each quiz lesson's settings.
//! What it does not: quiz questions (they belong to the original's question bank), the
//! original's owners (the caller owns the copy), enrolments, progress, cohorts and
//! certificates.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::assessment::model::QuizSettings;
use crate::auth::AuthUser;
use crate::auth::policy::{Action, allowed, authorize};
use crate::courses::dto::{CourseFields, CourseResponse, CourseTexts, LessonFields};
use crate::courses::model::{Course, NewLessonTranslation, NewModule, NewModuleTranslation};
use crate::courses::repo as courses_repo;
use crate::courses::reuse::dto::{AdaptationItem, LessonResourcesResponse, ResourceLessonItem};
use crate::courses::reuse::model::{CourseAttribution, Origin};
use crate::courses::reuse::repo::{self, DraftsSeen};
use crate::courses::service::{
    Localised, check_content_access, current_course, draft_row, editable_lesson, lesson_fields,
    lesson_row, put_course_texts, slug_taken, unique_slug, visible_course,
};
use crate::db::{DbConn, now};
use crate::error::ApiError;
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageRequest};
use crate::library::model::{Resource, ResourceFile, ResourceStatus, ResourceVisibility};
use crate::types::Licence;
use crate::types::ids::{CourseId, LessonId, ModuleId, ResourceId};

/// Most resources one lesson points to.
pub const MAX_LESSON_RESOURCES: usize = 20;

// ---------------------------------------------------------------- the tree

/// A course's texts, structure and links, without ids of its own: what a copy is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseTree {
    pub fields: CourseFields,
    /// Texts per language, the default language first.
    pub texts: Vec<(String, CourseTexts)>,
    pub modules: Vec<ModuleTree>,
}

/// A module of a [`CourseTree`].
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleTree {
    /// (language, title), the course's default language first when it has one.
    pub titles: Vec<(String, String)>,
    pub lessons: Vec<LessonTree>,
}

/// A lesson of a [`CourseTree`].
#[derive(Debug, Clone, PartialEq)]
pub struct LessonTree {
    pub fields: LessonFields,
    pub texts: Vec<LessonText>,
    /// The library resources it points to, in order.
    pub resources: Vec<ResourceId>,
    /// A quiz lesson's settings (adaptations only; packages do not carry them).
    pub quiz: Option<QuizSettings>,
}

/// A lesson's title and content in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonText {
    pub language: String,
    pub title: String,
    pub content: String,
}

/// Puts `language` first.
fn default_first<T>(items: &mut [T], language: &str, lang: impl Fn(&T) -> &str) {
    items.sort_by_key(|t| lang(t) != language);
}

/// Reads a course as a tree.
pub fn read_tree(conn: &mut DbConn, course: &Course) -> Result<CourseTree, ApiError> {
    let default = course.default_language.as_str();
    let mut texts: Vec<(String, CourseTexts)> = courses_repo::translations(conn, &[course.id])?
        .into_iter()
        .map(|t| {
            (
                t.language,
                CourseTexts {
                    title: t.title,
                    summary: t.summary,
                    description: t.description,
                },
            )
        })
        .collect();
    default_first(&mut texts, default, |t| t.0.as_str());
    let topics = courses_repo::topics(conn, &[course.id])?
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    let modules = courses_repo::modules(conn, course.id)?;
    let module_ids: Vec<ModuleId> = modules.iter().map(|m| m.id).collect();
    let mut titles: HashMap<ModuleId, Vec<(String, String)>> = HashMap::new();
    for t in courses_repo::module_translations(conn, &module_ids)? {
        titles
            .entry(t.module_id)
            .or_default()
            .push((t.language, t.title));
    }
    let lessons = courses_repo::course_lessons(conn, course.id)?;
    let lesson_ids: Vec<LessonId> = lessons.iter().map(|l| l.id).collect();
    let mut lesson_texts: HashMap<LessonId, Vec<LessonText>> = HashMap::new();
    for t in courses_repo::lesson_translations(conn, &lesson_ids)? {
        lesson_texts
            .entry(t.lesson_id)
            .or_default()
            .push(LessonText {
                language: t.language,
                title: t.title,
                content: t.content,
            });
    }
    let mut links: HashMap<LessonId, Vec<ResourceId>> = HashMap::new();
    for l in repo::lesson_resources(conn, &lesson_ids)? {
        links.entry(l.lesson_id).or_default().push(l.resource_id);
    }
    let mut quizzes: HashMap<LessonId, QuizSettings> = HashMap::new();
    for q in repo::quizzes_of(conn, &lesson_ids)? {
        // Read by lesson: every one is a lesson's quiz.
        let Some(lesson) = q.lesson_id else {
            continue;
        };
        quizzes.insert(
            lesson,
            QuizSettings {
                attempts_allowed: q.attempts_allowed,
                time_limit_seconds: q.time_limit_seconds,
                grace_seconds: q.grace_seconds,
                late_policy: q.late_policy,
                pass_mark: q.pass_mark,
                shuffle_questions: q.shuffle_questions,
                shuffle_choices: q.shuffle_choices,
                show_feedback: q.show_feedback,
                show_answers: q.show_answers,
                // The original's closing date belongs to its own run.
                closes_at: None,
            },
        );
    }
    let mut by_module: HashMap<ModuleId, Vec<LessonTree>> = HashMap::new();
    for l in &lessons {
        let mut texts = lesson_texts.remove(&l.id).unwrap_or_default();
        default_first(&mut texts, default, |t| t.language.as_str());
        by_module.entry(l.module_id).or_default().push(LessonTree {
            fields: lesson_fields(l),
            texts,
            resources: links.remove(&l.id).unwrap_or_default(),
            quiz: quizzes.remove(&l.id),
        });
    }
    let modules = modules
        .iter()
        .map(|m| {
            let mut titles = titles.remove(&m.id).unwrap_or_default();
            default_first(&mut titles, default, |t| t.0.as_str());
            ModuleTree {
                titles,
                lessons: by_module.remove(&m.id).unwrap_or_default(),
            }
        })
        .collect();
    Ok(CourseTree {
        fields: CourseFields {
            slug: course.slug.clone(),
            default_language: course.default_language.clone(),
            topics,
            level: course.level,
            format: course.format,
            estimated_hours: course.estimated_hours,
            licence: course.licence.clone(),
            visibility: course.visibility,
            capacity: course.capacity,
        },
        texts,
        modules,
    })
}

/// A slug free for a new course: `base`, else `base-2`, `base-3`… (`base` cut so that the
/// suffix fits).
pub fn free_slug(conn: &mut DbConn, base: &str) -> Result<String, ApiError> {
    let cut: String = base.chars().take(70).collect();
    let cut = cut.trim_end_matches('-').to_owned();
    if !courses_repo::slug_taken(conn, &cut, None)? {
        return Ok(cut);
    }
    for n in 2..=50 {
        let candidate = format!("{cut}-{n}");
        if !courses_repo::slug_taken(conn, &candidate, None)? {
            return Ok(candidate);
        }
    }
    Ok(format!(
        "{cut}-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    ))
}

/// Writes `tree` as a new draft course owned by `actor`, with the slug `slug` (free: the
/// caller checked) and the attribution `source` (its `course_id` is filled in here).
pub fn insert_tree(
    conn: &mut DbConn,
    actor: &AuthUser,
    tree: &CourseTree,
    slug: String,
    source: Option<CourseAttribution>,
) -> Result<CourseId, ApiError> {
    let at = now();
    let f = &tree.fields;
    let course =
        courses_repo::insert_course(conn, &draft_row(f, slug, actor, at)).map_err(unique_slug)?;
    for (language, texts) in &tree.texts {
        put_course_texts(conn, course.id, language, texts, at)?;
    }
    courses_repo::set_topics(conn, course.id, &f.topics)?;
    courses_repo::add_owner(conn, course.id, actor.id)?;
    let module_rows: Vec<NewModule> = (1..)
        .zip(&tree.modules)
        .map(|(position, _)| NewModule {
            course_id: course.id,
            position,
            created_at: at,
            updated_at: at,
        })
        .collect();
    let modules = courses_repo::insert_modules(conn, &module_rows)?;
    let mut module_titles = Vec::new();
    let mut lesson_rows = Vec::new();
    let mut lesson_trees = Vec::new();
    for (module, m) in modules.iter().zip(&tree.modules) {
        module_titles.extend(
            m.titles
                .iter()
                .map(|(language, title)| NewModuleTranslation {
                    module_id: module.id,
                    language: language.clone(),
                    title: title.clone(),
                }),
        );
        for (position, l) in (1..).zip(&m.lessons) {
            lesson_rows.push(lesson_row(module, position, l.fields.clone(), at));
            lesson_trees.push(l);
        }
    }
    courses_repo::insert_module_translations(conn, &module_titles)?;
    let lessons = courses_repo::insert_lessons(conn, &lesson_rows)?;
    let mut lesson_texts = Vec::new();
    for (lesson, l) in lessons.iter().zip(&lesson_trees) {
        lesson_texts.extend(l.texts.iter().map(|t| NewLessonTranslation {
            lesson_id: lesson.id,
            language: t.language.clone(),
            title: t.title.clone(),
            content: t.content.clone(),
        }));
        if !l.resources.is_empty() {
            repo::set_lesson_resources(conn, lesson.id, &l.resources)?;
        }
        if let Some(quiz) = &l.quiz {
            repo::insert_quiz_settings(conn, lesson.id, course.id, quiz, at)?;
        }
    }
    courses_repo::insert_lesson_translations(conn, &lesson_texts)?;
    if let Some(mut source) = source {
        source.course_id = course.id;
        source.created_at = at;
        repo::insert_attribution(conn, &source)?;
    }
    Ok(course.id)
}

/// The attribution of `course` as it is now: its title in its default language, its
/// owners' names, its licence.
pub fn attribution_of(
    conn: &mut DbConn,
    course: &Course,
    origin: Origin,
    at: NaiveDateTime,
) -> Result<CourseAttribution, ApiError> {
    let title = courses_repo::course_texts(conn, course.id, &course.default_language)?
        .map(|(title, _, _)| title)
        .unwrap_or_default();
    let owners = courses_repo::owners(conn, course.id)?;
    let authors = repo::display_names(conn, &owners)?.join(", ");
    Ok(CourseAttribution {
        course_id: course.id,
        adapted_from: (origin == Origin::Adaptation).then_some(course.id),
        origin,
        title,
        language: course.default_language.clone(),
        authors,
        licence: course.licence.clone(),
        created_at: at,
    })
}

// ---------------------------------------------------------------- adaptations

/// 409 `licence_forbids_adaptation` when `licence` forbids derivative works.
pub fn check_adaptable(licence: Option<&str>) -> Result<(), ApiError> {
    match licence.and_then(Licence::parse) {
        Some(l) if l.forbids_derivatives() => Err(ApiError::Conflict {
            code: "licence_forbids_adaptation",
            detail: format!(
                "the course is licensed {l}, which does not allow derivative works; ask its owners for permission"
            ),
        }),
        _ => Ok(()),
    }
}

/// Copies course `id` into a new draft owned by `actor` (who may create courses and read
/// the original's lessons), recording where it came from.
pub fn adapt(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CourseId,
    slug: Option<String>,
    prefs: Preferences,
) -> Result<Localised<CourseResponse>, ApiError> {
    authorize(actor, Action::CreateCourse)?;
    let original = visible_course(conn, id, Some(actor))?;
    check_content_access(conn, &original, Some(actor))?;
    check_adaptable(original.licence.as_deref())?;
    let slug = match slug {
        Some(slug) if courses_repo::slug_taken(conn, &slug, None)? => return Err(slug_taken()),
        Some(slug) => slug,
        None => free_slug(conn, &format!("{}-adapted", original.slug))?,
    };
    let tree = read_tree(conn, &original)?;
    let source = attribution_of(conn, &original, Origin::Adaptation, now())?;
    let new_id = insert_tree(conn, actor, &tree, slug, Some(source))?;
    let prefs = crate::accounts::service::reader_preferences(conn, prefs, Some(actor))?;
    current_course(conn, new_id, &prefs)
}

/// A page of the adaptations of course `id` the caller may see.
pub fn list_adaptations(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    id: CourseId,
    page: PageRequest<i64>,
    prefs: Preferences,
) -> Result<(Page<AdaptationItem>, String), ApiError> {
    visible_course(conn, id, reader)?;
    let drafts = match reader {
        Some(u) if allowed(u, Action::ViewUnpublishedCourse { is_owner: false }) => None,
        Some(u) => Some(Some(u.id)),
        None => Some(None),
    };
    let after = page.after.as_ref().map(|(_, id)| CourseId(*id));
    let ids = repo::adaptations(conn, id, drafts, after, page.fetch_limit())?;
    let prefs = crate::accounts::service::reader_preferences(conn, prefs, reader)?;
    let translations = courses_repo::translations(conn, &ids)?;
    let mut items = Vec::with_capacity(ids.len());
    for cid in ids {
        let Some(course) = courses_repo::find_course(conn, cid)? else {
            continue;
        };
        let ts: Vec<_> = translations.iter().filter(|t| t.course_id == cid).collect();
        let t = prefs.pick_item(&ts, |t| t.language.as_str(), &course.default_language);
        items.push(AdaptationItem {
            id: cid,
            slug: course.slug.clone(),
            title: t.map(|t| t.title.clone()).unwrap_or_default(),
            language: t.map_or(course.default_language.clone(), |t| t.language.clone()),
            status: course.status,
            licence: course.licence.clone(),
            owners: courses_repo::owners(conn, cid)?,
            created_at: course.created_at.and_utc(),
        });
    }
    let language = items
        .first()
        .map(|i| i.language.clone())
        .or_else(|| prefs.first().map(str::to_owned))
        .unwrap_or_else(|| "en".to_owned());
    let page = page.finish(items, "id", |i| (i.id.get(), i.id.get()), |i| i);
    Ok((page, language))
}

// ---------------------------------------------------------------- lesson resources

/// Replaces the resources lesson `id` points to (the lesson's editors; each resource one
/// they may read, else 422 `unknown_resource`). Answers them as the editor reads them.
pub fn set_lesson_resources(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LessonId,
    resources: Vec<ResourceId>,
    prefs: Preferences,
) -> Result<LessonResourcesResponse, ApiError> {
    let (lesson, course) = editable_lesson(conn, id, actor)?;
    crate::library::service::require_linkable(conn, actor, &resources, "resource_ids")?;
    let current: Vec<ResourceId> = repo::lesson_resources(conn, &[id])?
        .into_iter()
        .map(|l| l.resource_id)
        .collect();
    if current != resources {
        repo::set_lesson_resources(conn, id, &resources)?;
        let at = now();
        courses_repo::touch_lesson(conn, lesson.id, at)?;
        courses_repo::touch_course(conn, course.id, at)?;
    }
    lesson_resources_view(conn, Some(actor), id, resources, prefs)
}

/// The resources lesson `id` points to, for those who may read the lesson: each one the
/// reader may read, in the language `prefs` pick.
pub fn lesson_resources(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    id: LessonId,
    prefs: Preferences,
) -> Result<LessonResourcesResponse, ApiError> {
    let lesson = courses_repo::find_lesson(conn, id)?.ok_or(ApiError::NotFound)?;
    let course = visible_course(conn, lesson.course_id, reader)?;
    check_content_access(conn, &course, reader)?;
    let ids = repo::lesson_resources(conn, &[id])?
        .into_iter()
        .map(|l| l.resource_id)
        .collect();
    lesson_resources_view(conn, reader, id, ids, prefs)
}

fn lesson_resources_view(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    lesson_id: LessonId,
    resource_ids: Vec<ResourceId>,
    prefs: Preferences,
) -> Result<LessonResourcesResponse, ApiError> {
    let mut shown = crate::library::service::embeds(conn, reader, &resource_ids, prefs)?;
    let resources = resource_ids
        .iter()
        .filter_map(|r| shown.remove(r))
        .collect();
    Ok(LessonResourcesResponse {
        lesson_id,
        resource_ids,
        resources,
    })
}

/// The lessons that point to resource `id` (which the caller may read), in lessons the
/// caller may see: published courses, and drafts for their owners, coordinators and
/// admins. Titles in the language `prefs` pick.
pub fn lessons_using(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    id: ResourceId,
    page: PageRequest<i64>,
    prefs: Preferences,
) -> Result<(Page<ResourceLessonItem>, Vec<String>), ApiError> {
    crate::library::service::readable(conn, reader, id)?;
    let drafts = match reader {
        Some(u) if allowed(u, Action::ViewUnpublishedCourse { is_owner: false }) => DraftsSeen::All,
        Some(u) => DraftsSeen::OwnedBy(u.id),
        None => DraftsSeen::None,
    };
    let rows = repo::lessons_using(
        conn,
        id,
        drafts,
        page.after.map(|(_, i)| LessonId(i)),
        page.fetch_limit(),
    )?;
    let page = page.finish(
        rows,
        RESOURCE_LESSONS_SORT,
        |r| (r.0.get(), r.0.get()),
        |r| r,
    );
    let lesson_ids: Vec<LessonId> = page.items.iter().map(|r| r.0).collect();
    let mut course_ids: Vec<CourseId> = page.items.iter().map(|r| r.1).collect();
    course_ids.sort_unstable();
    course_ids.dedup();
    let lesson_titles = group_titles(repo::lesson_titles(conn, &lesson_ids)?);
    let course_titles = group_titles(repo::course_titles(conn, &course_ids)?);
    let page = page.map(|(lesson_id, course_id, default_language)| {
        let lesson = pick_title(
            &prefs,
            lesson_titles.get(&lesson_id.get()),
            &default_language,
        );
        let course = pick_title(
            &prefs,
            course_titles.get(&course_id.get()),
            &default_language,
        );
        ResourceLessonItem {
            lesson_id,
            course_id,
            language: lesson.0,
            lesson_title: lesson.1,
            course_title: course.1,
            href: format!("/api/v1/lessons/{lesson_id}"),
        }
    });
    let languages = crate::http::language::distinct(page.items.iter().map(|i| i.language.as_str()));
    Ok((page, languages))
}

/// Sort name of the lessons using a resource (in cursors).
pub const RESOURCE_LESSONS_SORT: &str = "lesson";

fn group_titles(rows: Vec<(i64, String, String)>) -> HashMap<i64, Vec<(String, String)>> {
    let mut map: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for (id, language, title) in rows {
        map.entry(id).or_default().push((language, title));
    }
    map
}

/// (language, title) in the language `prefs` pick among `titles`.
fn pick_title(
    prefs: &Preferences,
    titles: Option<&Vec<(String, String)>>,
    default_language: &str,
) -> (String, String) {
    titles
        .and_then(|ts| prefs.pick_item(ts, |t| t.0.as_str(), default_language))
        .cloned()
        .unwrap_or_else(|| (default_language.to_owned(), String::new()))
}

// ---------------------------------------------------------------- export

/// A library resource as a package carries it.
#[derive(Debug, Clone)]
pub struct ExportResource {
    pub resource: Resource,
    /// (language, title, description), the default language first.
    pub texts: Vec<(String, String, String)>,
    pub topics: Vec<String>,
    pub countries: Vec<String>,
    /// The current file of each language.
    pub files: Vec<ResourceFile>,
}

/// What an export of a course holds, read in one transaction.
#[derive(Debug, Clone)]
pub struct ExportData {
    pub course: Course,
    pub tree: CourseTree,
    /// Where the course itself came from, if it was adapted or imported.
    pub source: Option<CourseAttribution>,
    /// The course's own attribution (its title, owners, licence).
    pub attribution: CourseAttribution,
    pub resources: Vec<ExportResource>,
}

/// Reads course `id` for an export, for those who may read its lessons. Only published
/// resources open to every member (`public`, `members`) travel with it; links to others
/// are left out.
pub fn export_data(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    id: CourseId,
) -> Result<ExportData, ApiError> {
    let course = visible_course(conn, id, reader)?;
    check_content_access(conn, &course, reader)?;
    let mut tree = read_tree(conn, &course)?;
    let mut wanted: Vec<ResourceId> = Vec::new();
    for m in &tree.modules {
        for l in &m.lessons {
            for r in &l.resources {
                if !wanted.contains(r) {
                    wanted.push(*r);
                }
            }
        }
    }
    let mut resources = Vec::new();
    for rid in wanted {
        let r = crate::library::repo::find(conn, rid)?;
        let open = matches!(
            r.visibility,
            ResourceVisibility::Public | ResourceVisibility::Members
        );
        if r.status != ResourceStatus::Published || !open {
            continue;
        }
        let mut texts: Vec<(String, String, String)> =
            crate::library::repo::translations(conn, &[rid])?
                .into_iter()
                .map(|t| (t.language, t.title, t.description))
                .collect();
        default_first(&mut texts, &r.default_language, |t| t.0.as_str());
        let files = crate::library::repo::files(conn, rid)?
            .into_iter()
            .filter(|f| f.superseded_at.is_none())
            .collect();
        resources.push(ExportResource {
            topics: crate::library::repo::topics(conn, &[rid])?
                .into_iter()
                .map(|(_, t)| t)
                .collect(),
            countries: crate::library::repo::countries(conn, &[rid])?
                .into_iter()
                .map(|(_, c)| c)
                .collect(),
            resource: r,
            texts,
            files,
        });
    }
    let kept: Vec<ResourceId> = resources.iter().map(|r| r.resource.id).collect();
    for m in &mut tree.modules {
        for l in &mut m.lessons {
            l.resources.retain(|r| kept.contains(r));
            l.quiz = None;
        }
    }
    Ok(ExportData {
        source: repo::attribution(conn, id)?,
        attribution: attribution_of(conn, &course, Origin::Import, now())?,
        course,
        tree,
        resources,
    })
}

/// Whether `actor` may import a course (who may create one).
pub fn check_may_import(actor: &AuthUser) -> Result<(), ApiError> {
    authorize(actor, Action::CreateCourse)
}

// ---------------------------------------------------------------- import

/// A resource of an imported package, checked, to create.
#[derive(Debug)]
pub struct NewImportedResource {
    pub input: crate::library::model::NewResourceInput,
    /// Texts in languages other than its default one.
    pub more_texts: Vec<(String, crate::library::model::ResourceTexts)>,
}

/// A resource file of an imported package, in the storage under its temporary key.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// Index of its resource in the package.
    pub resource: usize,
    pub file: crate::library::service::NewFileInput,
}

/// Creates the resources of a package (owned by `actor`, published or in the moderation
/// queue as `actor`'s own would be), then the course as a new draft pointing to them.
pub fn import(
    conn: &mut DbConn,
    actor: &AuthUser,
    mut tree: CourseTree,
    source: CourseAttribution,
    resources: Vec<NewImportedResource>,
    files: Vec<StoredFile>,
    quota: u64,
) -> Result<Localised<CourseResponse>, ApiError> {
    check_may_import(actor)?;
    let mut ids = Vec::with_capacity(resources.len());
    for r in resources {
        let created = crate::library::service::create(conn, actor, r.input)?;
        let id = created.view.id;
        for (language, texts) in r.more_texts {
            crate::library::service::put_translation(
                conn, actor, id, language, texts, false, None,
            )?;
        }
        ids.push(id);
    }
    for f in files {
        let id = *ids.get(f.resource).ok_or(ApiError::NotFound)?;
        crate::library::service::add_file(conn, actor, id, f.file, quota)?;
    }
    for m in &mut tree.modules {
        for l in &mut m.lessons {
            l.resources = l
                .resources
                .iter()
                .filter_map(|i| usize::try_from(i.get()).ok().and_then(|i| ids.get(i)))
                .copied()
                .collect();
        }
    }
    let slug = free_slug(conn, &tree.fields.slug)?;
    let id = insert_tree(conn, actor, &tree, slug, Some(source))?;
    current_course(conn, id, &Preferences::default())
}
