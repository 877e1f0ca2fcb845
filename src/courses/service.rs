//! Course use cases. Each public function runs inside the caller's one transaction
//! (`db.read` or `db.write`), asks `auth::policy` about the object, and answers a view.
//!
//! Every change to a course's texts, structure or owners bumps the course's version and
//! `updated_at`; a change to a module or lesson bumps that row too. A write that changes
//! nothing bumps nothing.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::Arc;

use chrono::NaiveDateTime;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::accounts::service::reader_preferences;
use crate::auth::policy::{Action, allowed, authorize};
use crate::auth::{AuthUser, Role};
use crate::courses::dto::{
    CatalogueItem, CourseFields, CoursePatch, CourseResponse, CourseSummary, CourseTexts,
    LessonFields, LessonOutline, LessonPatch, LessonResponse, LessonView, MAX_LESSONS, MAX_MODULES,
    ModuleOutline, ModuleResponse, NewCourseInput, NewLessonInput, Tombstone, order_mismatch, utc,
};
use crate::courses::model::{
    Course, CourseChanges, CourseStatus, CourseTranslation, Lesson, LessonChanges,
    LessonTranslation, Module, NewCourse, NewCourseTranslation, NewLesson, NewLessonTranslation,
    NewModule, NewModuleTranslation, OutlineLesson, search_text,
};
use crate::courses::repo::{
    self, CatalogueAfter, CatalogueFilter, CatalogueOrder, LessonsAfter, SortValue,
};
use crate::db::memo::Memo;
use crate::db::{self, DbConn, Written, now};
use crate::error::ApiError;
use crate::http::etag::{IfMatch, Versioned};
use crate::http::language::Preferences;
use crate::http::pagination::{PageRequest, TimeKey};
use crate::http::response::Rendered;
pub use crate::http::response::{Localised, LocalisedPage};
use crate::translations::model::{Staleness, TextKind};
use crate::translations::service as translations;
use crate::types::ids::{CourseId, LessonId, ModuleId, UserId};
use crate::types::{join_tags, split_tags};

// ---------------------------------------------------------------- results

/// An item of a course's lesson list.
#[derive(Debug)]
pub enum LessonEntry {
    Lesson(Box<LessonView>),
    Deleted(Tombstone),
}

// ---------------------------------------------------------------- views

fn broken(what: &str, id: CourseId) -> ApiError {
    ApiError::internal(anyhow::anyhow!("course {id} has no stored {what}"))
}

/// The distinct languages of `langs`, in order; `fallback` when there are none.
fn languages<'a>(langs: impl Iterator<Item = &'a str>, fallback: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for lang in langs {
        if !out.iter().any(|l| l == lang) {
            out.push(lang.to_owned());
        }
    }
    if out.is_empty() {
        out.extend(fallback.map(str::to_owned));
    }
    out
}

/// The catalogue entry of a course in the reader's language, and its description.
fn summary_of(
    course: &Course,
    translations: &[&CourseTranslation],
    topics: Vec<String>,
    prefs: &Preferences,
) -> Result<(CourseSummary, String), ApiError> {
    let t = prefs
        .pick_item(
            translations,
            |t| t.language.as_str(),
            &course.default_language,
        )
        .ok_or_else(|| broken("translation", course.id))?;
    Ok((
        CourseSummary {
            id: course.id,
            slug: course.slug.clone(),
            default_language: course.default_language.clone(),
            language: t.language.clone(),
            available_languages: translations.iter().map(|t| t.language.clone()).collect(),
            title: t.title.clone(),
            summary: t.summary.clone(),
            topics,
            level: course.level,
            format: course.format,
            estimated_hours: course.estimated_hours,
            licence: course.licence.clone(),
            status: course.status,
            visibility: course.visibility,
            capacity: course.capacity,
            enrolment_count: course.enrolment_count,
            created_at: utc(course.created_at),
            updated_at: utc(course.updated_at),
            published_at: course.published_at.map(utc),
        },
        t.description.clone(),
    ))
}

/// A course with its outline in the reader's language. Modules and lessons are given in
/// the language chosen for the course when they have it, else in the default language, so
/// that the answer depends only on the course's version and that one language (and on its
/// counters, read with the row).
pub(crate) fn course_view(
    conn: &mut DbConn,
    course: &Course,
    prefs: &Preferences,
) -> Result<Localised<CourseResponse>, ApiError> {
    render_course(conn, course, prefs, None)
}

/// What a course's page shows besides its row, the same for every reader of one version:
/// its texts in every language, its topics and its owners.
#[derive(Debug, Default)]
pub struct CourseWords {
    translations: Vec<CourseTranslation>,
    topics: Vec<String>,
    owners: Vec<UserId>,
}

/// A course's outline in one language, with its staleness and attribution: the same for
/// every reader of one version in that language.
#[derive(Debug)]
pub struct Outline {
    modules: Vec<ModuleOutline>,
    outdated: bool,
    source_updated_at: Option<chrono::DateTime<chrono::Utc>>,
    attribution: Option<crate::courses::reuse::dto::AttributionResponse>,
}

/// Courses' texts and outlines read lately, each kept with the course version it was read
/// at (`db::memo`): a course page read again at the same version reads only the course
/// row (with its counters) and the reader's language. Exact across instances: every change to a
/// course's texts, structure or owners bumps its version (this module's docs).
/// Lessons' texts are kept the same way, with the lesson's version: every write of a
/// lesson's texts in any language (and of the original they translate) bumps it.
#[derive(Debug, Clone)]
pub struct CourseMemo {
    texts: Memo<CourseId, i64, CourseWords>,
    outlines: Memo<(CourseId, String), i64, Outline>,
    lessons: Memo<LessonId, i64, LessonTexts>,
    pages: Memo<String, Vec<(CourseId, i64)>, KeptPage>,
    lesson_pages: Memo<(LessonId, String), (i64, String), Rendered>,
}

/// Courses (and course-language pairs) kept at most: beyond, a quarter of them leave. An
/// outline of ~50 lessons is ~20 KB.
const COURSES_KEPT: usize = 1_024;

/// Catalogue pages kept at most (up to 100 cards each, ~1 KB a card).
const PAGES_KEPT: usize = 64;

/// Lessons kept at most (their texts in every language: a few KB each).
const LESSONS_KEPT: usize = 4_096;

/// A lesson's texts in every language and the versions that tell whether each translates
/// an older original: the same for every reader of one version of the lesson.
#[derive(Debug)]
pub struct LessonTexts {
    translations: Vec<LessonTranslation>,
    versions: translations::Versions,
}

fn lesson_texts(conn: &mut DbConn, id: LessonId) -> Result<LessonTexts, ApiError> {
    Ok(LessonTexts {
        translations: repo::lesson_translations(conn, &[id])?,
        versions: translations::versions(conn, TextKind::Lesson, &[id.get()])?,
    })
}

/// The bytes of text each of the course memo's parts keeps at most: its authors choose the
/// size of what is kept (a lesson holds up to 100,000 characters in each language), so the
/// number of keys alone does not bound it.
const KEPT_BYTES: usize = crate::db::memo::TEXT_BUDGET;

impl Default for CourseMemo {
    fn default() -> Self {
        Self {
            texts: Memo::with_budget(COURSES_KEPT, KEPT_BYTES, |w: &CourseWords| {
                w.translations
                    .iter()
                    .map(|t| {
                        t.title.len() + t.summary.len() + t.description.len() + t.search_text.len()
                    })
                    .chain(w.topics.iter().map(String::len))
                    .sum()
            }),
            outlines: Memo::with_budget(COURSES_KEPT, KEPT_BYTES, |o: &Outline| {
                o.modules
                    .iter()
                    .map(|m| {
                        m.title.len() + m.lessons.iter().map(|l| l.title.len() + 64).sum::<usize>()
                    })
                    .sum()
            }),
            lessons: Memo::with_budget(LESSONS_KEPT, KEPT_BYTES, |l: &LessonTexts| {
                l.translations
                    .iter()
                    .map(|t| t.title.len() + t.content.len())
                    .sum()
            }),
            pages: Memo::with_budget(PAGES_KEPT, KEPT_BYTES, |p: &KeptPage| p.body.size()),
            lesson_pages: Memo::with_budget(LESSONS_KEPT, KEPT_BYTES, Rendered::size),
        }
    }
}

/// The texts, topics and owners of some courses: three statements, whatever their number.
fn words_of(
    conn: &mut DbConn,
    courses: &[CourseId],
) -> Result<HashMap<CourseId, CourseWords>, ApiError> {
    let mut words: HashMap<CourseId, CourseWords> = courses
        .iter()
        .map(|id| (*id, CourseWords::default()))
        .collect();
    for t in repo::translations(conn, courses)? {
        words.entry(t.course_id).or_default().translations.push(t);
    }
    for (id, topic) in repo::topics(conn, courses)? {
        words.entry(id).or_default().topics.push(topic);
    }
    for (id, owner) in repo::owners_of(conn, courses)? {
        words.entry(id).or_default().owners.push(owner);
    }
    Ok(words)
}

fn course_words(conn: &mut DbConn, course: CourseId) -> Result<CourseWords, ApiError> {
    Ok(words_of(conn, &[course])?
        .remove(&course)
        .unwrap_or_default())
}

impl CourseMemo {
    /// The words of each of `courses` at the version read with its row: the kept ones, and
    /// those of the others read together and kept.
    fn words(
        &self,
        conn: &mut DbConn,
        courses: &[&Course],
    ) -> Result<HashMap<CourseId, Arc<CourseWords>>, ApiError> {
        self.texts
            .get_all(courses.iter().map(|c| (c.id, c.version)), |ids| {
                words_of(conn, ids)
            })
    }
}

/// [`course_view`], reading the texts and the outline from `memo` when it is given.
fn render_course(
    conn: &mut DbConn,
    course: &Course,
    prefs: &Preferences,
    memo: Option<&CourseMemo>,
) -> Result<Localised<CourseResponse>, ApiError> {
    let texts = match memo {
        Some(m) => m
            .texts
            .get_or_try(course.id, course.version, || course_words(conn, course.id))?,
        None => Arc::new(course_words(conn, course.id)?),
    };
    let refs: Vec<&CourseTranslation> = texts.translations.iter().collect();
    let (summary, description) = summary_of(course, &refs, texts.topics.clone(), prefs)?;
    let outline = match memo {
        Some(m) => m.outlines.get_or_try(
            (course.id, summary.language.clone()),
            course.version,
            || outline(conn, course, &summary.language),
        )?,
        None => Arc::new(outline(conn, course, &summary.language)?),
    };
    Ok(Localised {
        etag: course.etag_in(&summary.language),
        language: summary.language.clone(),
        view: CourseResponse {
            summary,
            description,
            owners: texts.owners.clone(),
            modules: outline.modules.clone(),
            attribution: outline.attribution.clone(),
            outdated: outline.outdated,
            source_updated_at: outline.source_updated_at,
        },
    })
}

/// A course's outline with its titles in `language` where they have it, else in the
/// course's default language.
fn outline(conn: &mut DbConn, course: &Course, language: &str) -> Result<Outline, ApiError> {
    let within = Preferences::only(language);
    let default = course.default_language.as_str();
    let modules = repo::modules(conn, course.id)?;
    let module_ids: Vec<ModuleId> = modules.iter().map(|m| m.id).collect();
    let mut module_titles: HashMap<ModuleId, Vec<(String, String)>> = HashMap::new();
    for t in repo::module_translations(conn, &module_ids)? {
        module_titles
            .entry(t.module_id)
            .or_default()
            .push((t.language, t.title));
    }
    let lessons = repo::outline_lessons(conn, course.id)?;
    let mut lesson_titles: HashMap<LessonId, Vec<(String, String)>> = HashMap::new();
    for (id, language, title) in repo::outline_lesson_titles(conn, course.id)? {
        lesson_titles.entry(id).or_default().push((language, title));
    }
    let mut by_module: HashMap<ModuleId, Vec<&OutlineLesson>> = HashMap::new();
    for l in &lessons {
        by_module.entry(l.module_id).or_default().push(l);
    }
    let text = |texts: Option<&Vec<(String, String)>>| -> (String, String) {
        texts
            .and_then(|v| within.pick_item(v, |t| t.0.as_str(), default))
            .map(|(l, t)| (t.clone(), l.clone()))
            .unwrap_or_else(|| (String::new(), default.to_owned()))
    };
    // Which titles translate an older original: two queries per kind, whatever the size.
    let picked: Vec<(i64, String)> = modules
        .iter()
        .map(|m| (m.id.get(), text(module_titles.get(&m.id)).1))
        .collect();
    let module_stale = translations::staleness(conn, TextKind::Module, &picked, default)?;
    let picked: Vec<(i64, String)> = lessons
        .iter()
        .map(|l| (l.id.get(), text(lesson_titles.get(&l.id)).1))
        .collect();
    let lesson_stale = translations::staleness(conn, TextKind::Lesson, &picked, default)?;
    let modules = modules
        .iter()
        .map(|m| {
            let (title, language) = text(module_titles.get(&m.id));
            let mut ls = by_module.remove(&m.id).unwrap_or_default();
            ls.sort_by_key(|l| (l.position, l.id));
            let (outdated, source_updated_at) = module_stale
                .get(&m.id.get())
                .copied()
                .unwrap_or_default()
                .answer();
            ModuleOutline {
                id: m.id,
                position: m.position,
                title,
                language,
                outdated,
                source_updated_at,
                lessons: ls
                    .into_iter()
                    .map(|l| {
                        let (title, language) = text(lesson_titles.get(&l.id));
                        let (outdated, source_updated_at) = lesson_stale
                            .get(&l.id.get())
                            .copied()
                            .unwrap_or_default()
                            .answer();
                        LessonOutline {
                            id: l.id,
                            position: l.position,
                            kind: l.kind,
                            title,
                            language,
                            outdated,
                            source_updated_at,
                            duration_minutes: l.duration_minutes,
                            required: l.required,
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let (outdated, source_updated_at) = translations::staleness(
        conn,
        TextKind::Course,
        &[(course.id.get(), language.to_owned())],
        default,
    )?
    .remove(&course.id.get())
    .unwrap_or_default()
    .answer();
    Ok(Outline {
        modules,
        outdated,
        source_updated_at,
        attribution: crate::courses::reuse::repo::attribution(conn, course.id)?.map(Into::into),
    })
}

/// The course `id` as it is now (after a write), in the reader's language.
pub(crate) fn current_course(
    conn: &mut DbConn,
    id: CourseId,
    prefs: &Preferences,
) -> Result<Localised<CourseResponse>, ApiError> {
    let course = repo::find_course(conn, id)?.ok_or(ApiError::NotFound)?;
    course_view(conn, &course, prefs)
}

/// A lesson with its content in the reader's language (falling back to the course's
/// default language).
/// A lesson in the reader's language, its texts from `memo` when it is given.
fn lesson_view(
    conn: &mut DbConn,
    lesson: Lesson,
    default_language: &str,
    prefs: &Preferences,
    memo: Option<&CourseMemo>,
) -> Result<Localised<LessonView>, ApiError> {
    let texts = match memo {
        Some(m) => m
            .lessons
            .get_or_try(lesson.id, lesson.version, || lesson_texts(conn, lesson.id))?,
        None => Arc::new(lesson_texts(conn, lesson.id)?),
    };
    let refs: Vec<&LessonTranslation> = texts.translations.iter().collect();
    let mut view = lesson_view_from(lesson, &refs, default_language, prefs);
    let language = view.language().to_owned();
    view.staleness = texts
        .versions
        .of(view.lesson.id.get(), &language, default_language);
    Ok(Localised {
        etag: view.lesson.etag_in(&language),
        language,
        view,
    })
}

fn lesson_view_from(
    lesson: Lesson,
    translations: &[&LessonTranslation],
    default_language: &str,
    prefs: &Preferences,
) -> LessonView {
    let text = prefs
        .pick_item(translations, |t| t.language.as_str(), default_language)
        .map(|t| (*t).clone());
    LessonView {
        lesson,
        text,
        default_language: default_language.to_owned(),
        available_languages: translations.iter().map(|t| t.language.clone()).collect(),
        staleness: Staleness::default(),
    }
}

fn module_view(
    conn: &mut DbConn,
    module: &Module,
    default_language: &str,
    prefs: &Preferences,
) -> Result<Localised<ModuleResponse>, ApiError> {
    let texts = repo::module_translations(conn, &[module.id])?;
    let t = prefs.pick_item(&texts, |t| t.language.as_str(), default_language);
    let language = t.map_or(default_language, |t| t.language.as_str());
    let (outdated, source_updated_at) = translations::staleness(
        conn,
        TextKind::Module,
        &[(module.id.get(), language.to_owned())],
        default_language,
    )?
    .remove(&module.id.get())
    .unwrap_or_default()
    .answer();
    Ok(Localised {
        etag: module.etag_in(language),
        language: language.to_owned(),
        view: ModuleResponse {
            id: module.id,
            course_id: module.course_id,
            position: module.position,
            title: t.map(|t| t.title.clone()).unwrap_or_default(),
            language: language.to_owned(),
            available_languages: texts.iter().map(|t| t.language.clone()).collect(),
            updated_at: utc(module.updated_at),
            outdated,
            source_updated_at,
        },
    })
}

// ---------------------------------------------------------------- permissions

fn is_owner(conn: &mut DbConn, course: CourseId, user: &AuthUser) -> Result<bool, ApiError> {
    Ok(repo::is_owner(conn, course, user.id)?)
}

/// A course the caller may see: drafts only for their owners, coordinators and admins
/// (404 for everyone else, as if it did not exist).
pub(crate) fn visible_course(
    conn: &mut DbConn,
    id: CourseId,
    reader: Option<&AuthUser>,
) -> Result<Course, ApiError> {
    let course = repo::find_course(conn, id)?.ok_or(ApiError::NotFound)?;
    seen_course(conn, course, reader)
}

/// `course` (read already) if the caller may see it: 404 for a draft they may not see.
fn seen_course(
    conn: &mut DbConn,
    course: Course,
    reader: Option<&AuthUser>,
) -> Result<Course, ApiError> {
    if course.is_draft() {
        let Some(u) = reader else {
            return Err(ApiError::NotFound);
        };
        let is_owner = is_owner(conn, course.id, u)?;
        if !allowed(u, Action::ViewUnpublishedCourse { is_owner }) {
            return Err(ApiError::NotFound);
        }
    }
    Ok(course)
}

/// A course the caller may edit, locked for the transaction: 404 for a draft they may not
/// see (as for an unknown id), 403 for a course they see but may not edit. Every write to a
/// course, its modules or its lessons takes this lock first.
pub(crate) fn editable_course(
    conn: &mut DbConn,
    id: CourseId,
    user: &AuthUser,
) -> Result<Course, ApiError> {
    db::lock_row(conn, "courses", id.get())?;
    let course = repo::find_course(conn, id)?.ok_or(ApiError::NotFound)?;
    let is_owner = is_owner(conn, id, user)?;
    if course.is_draft() && !allowed(user, Action::ViewUnpublishedCourse { is_owner }) {
        return Err(ApiError::NotFound);
    }
    authorize(user, Action::EditCourse { is_owner })?;
    Ok(course)
}

fn editable_module(
    conn: &mut DbConn,
    id: ModuleId,
    user: &AuthUser,
) -> Result<(Module, Course), ApiError> {
    editable_part(conn, user, |c| repo::find_module(c, id), |m| m.course_id)
}

pub(crate) fn editable_lesson(
    conn: &mut DbConn,
    id: LessonId,
    user: &AuthUser,
) -> Result<(Lesson, Course), ApiError> {
    editable_part(conn, user, |c| repo::find_lesson(c, id), |l| l.course_id)
}

/// A module or lesson (`find`) whose course the caller may edit, with that course. The part
/// is read again under the course's lock: `If-Match` is checked against the stored version,
/// not one a concurrent write has just replaced.
fn editable_part<T>(
    conn: &mut DbConn,
    user: &AuthUser,
    find: impl Fn(&mut DbConn) -> diesel::QueryResult<Option<T>>,
    course_of: impl Fn(&T) -> CourseId,
) -> Result<(T, Course), ApiError> {
    let course_id = course_of(&find(conn)?.ok_or(ApiError::NotFound)?);
    let course = editable_course(conn, course_id, user)?;
    let part = find(conn)?.ok_or(ApiError::NotFound)?;
    Ok((part, course))
}

/// Whether the caller may read the lesson content of `course`: 401 for anonymous callers
/// and 403 for others when not.
pub(crate) fn check_content_access(
    conn: &mut DbConn,
    course: &Course,
    reader: Option<&AuthUser>,
) -> Result<(), ApiError> {
    if course.is_public() {
        return Ok(());
    }
    let Some(u) = reader else {
        return Err(ApiError::unauthorized(
            "login_required",
            "the lessons of this course are for its members: log in",
        ));
    };
    let is_owner = is_owner(conn, course.id, u)?;
    let is_enrolled = !is_owner && repo::is_enrolled(conn, course.id, u.id)?;
    if allowed(
        u,
        Action::ReadMembersLesson {
            is_owner,
            is_enrolled,
        },
    ) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "not_enrolled",
            "the lessons of this course are for enrolled members; enrol first",
        ))
    }
}

pub(crate) fn slug_taken() -> ApiError {
    ApiError::Conflict {
        code: "slug_taken",
        detail: "another course has this slug".to_owned(),
    }
}

pub(crate) fn unique_slug(err: DieselError) -> ApiError {
    match err {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => slug_taken(),
        other => other.into(),
    }
}

// ---------------------------------------------------------------- reads

/// A page of the catalogue request, validated.
pub struct CatalogueRequest {
    pub filter: CatalogueFilter,
    pub order: CatalogueOrder,
    pub sort_name: &'static str,
    pub page: PageRequest<(i64, String)>,
    /// The cursor's position, read for `order`.
    pub after: Option<CatalogueAfter>,
    pub prefs: Preferences,
}

fn bad_cursor() -> ApiError {
    ApiError::invalid_query(
        "cursor",
        "invalid_cursor",
        "is not a cursor this list gave out",
    )
}

/// Reads a catalogue cursor's key (rank, sort value as text) and id for `order`; 400 when
/// it does not fit.
pub fn catalogue_after(
    order: CatalogueOrder,
    ((rank, key), id): &((i64, String), i64),
) -> Result<CatalogueAfter, ApiError> {
    let value = match order {
        CatalogueOrder::Newest | CatalogueOrder::NewestPublished | CatalogueOrder::Updated => {
            SortValue::Time(TimeKey::parse_text(key)?)
        }
        CatalogueOrder::Title => SortValue::Title(key.clone()),
        CatalogueOrder::Popular => SortValue::Count(key.parse().map_err(|_| bad_cursor())?),
    };
    Ok(CatalogueAfter {
        rank: i32::try_from(*rank).map_err(|_| bad_cursor())?,
        value,
        id: CourseId(*id),
    })
}

fn cursor_text(value: SortValue) -> String {
    match value {
        SortValue::Time(at) => TimeKey::text(at),
        SortValue::Title(title) => title,
        SortValue::Count(n) => n.to_string(),
    }
}

/// A catalogue page kept as rendered, with the languages of its texts.
#[derive(Debug)]
pub struct KeptPage {
    pub body: Rendered,
    pub languages: Vec<String>,
}

/// One page of the catalogue, in the reader's language: `q` searches that language too.
///
/// The page is kept rendered in `memo`, keyed by everything the request asks (filters,
/// order, cursor, size, the reader's languages), with the ids and versions of the courses
/// it lists: a request whose page lists the same courses at the same versions gets it again
/// after one index read. Every change to a course, its texts, topics or enrolment count
/// bumps its version, and any course entering or leaving the page changes the list, so the
/// page kept is exact (across instances too, each reading the versions from the database).
/// Otherwise the courses' texts and topics come from `memo` at the version of each row.
pub fn catalogue(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    req: CatalogueRequest,
    memo: &CourseMemo,
) -> Result<Arc<KeptPage>, ApiError> {
    let (req, prefs) = catalogue_request(conn, reader, req)?;
    let key = format!(
        "{:?}|{:?}|{:?}|{}|{}|{:?}",
        req.filter, req.order, req.after, req.page.limit, req.sort_name, prefs
    );
    let limit = req.page.fetch_limit();
    let versions =
        repo::catalogue_versions(conn, &req.filter, req.order, req.after.as_ref(), limit)?;
    if let Some(page) = memo.pages.get(&key, &versions) {
        return Ok(page);
    }
    let page = catalogue_page(conn, req, &prefs, memo)?;
    let kept = KeptPage {
        body: Rendered::of(&page.page)?,
        languages: page.languages,
    };
    Ok(memo.pages.put(key, versions, kept))
}

/// The request as it is run for `reader`: their own courses only when they may not list
/// everyone's drafts; their languages.
fn catalogue_request(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    mut req: CatalogueRequest,
) -> Result<(CatalogueRequest, Preferences), ApiError> {
    if req.filter.status != CourseStatus::Published {
        let Some(u) = reader else {
            return Err(ApiError::unauthorized(
                "login_required",
                "log in to list draft or archived courses",
            ));
        };
        // Coordinators and admins see everyone's; others only their own.
        if !allowed(u, Action::ViewUnpublishedCourse { is_owner: false }) {
            req.filter.owner = Some(u.id);
        }
    }
    let prefs = reader_preferences(conn, std::mem::take(&mut req.prefs), reader)?;
    req.filter.q_language = prefs.first().map(str::to_owned);
    Ok((req, prefs))
}

/// One page of the catalogue, read.
fn catalogue_page(
    conn: &mut DbConn,
    req: CatalogueRequest,
    prefs: &Preferences,
    memo: &CourseMemo,
) -> Result<LocalisedPage<CatalogueItem>, ApiError> {
    let rows = repo::catalogue(
        conn,
        &req.filter,
        req.order,
        req.after.as_ref(),
        req.page.fetch_limit(),
    )?;
    let courses: Vec<&Course> = rows.iter().map(|(c, _)| c).collect();
    let mut words = memo.words(conn, &courses)?;
    let q = req.filter.q.clone();
    let q_lang = req.filter.q_language.clone().unwrap_or_default();
    let ranked = q.is_some() && req.order != CatalogueOrder::Updated;
    let status = req.filter.status;
    let mut items = Vec::with_capacity(rows.len());
    for (course, title) in rows {
        let w = words.remove(&course.id).unwrap_or_default();
        let ts: Vec<&CourseTranslation> = w.translations.iter().collect();
        // The same rank the query ordered by: the title of the searched translation.
        let rank = match (&q, ranked) {
            (Some(q), true) => {
                let (exact, primary) = repo::search_languages(&q_lang);
                let mut searched: Vec<&&CourseTranslation> = ts
                    .iter()
                    .filter(|t| t.language == exact || t.language == primary)
                    .collect();
                if searched.is_empty() {
                    searched = ts
                        .iter()
                        .filter(|t| t.language == course.default_language)
                        .collect();
                }
                i64::from(searched.iter().any(|t| {
                    t.search_text
                        .split('\n')
                        .next()
                        .is_some_and(|line| line.contains(q.as_str()))
                }))
            }
            _ => 0,
        };
        let key = (
            rank,
            cursor_text(repo::sort_value(&course, &title, req.order)),
        );
        let removed = course.deleted_at.is_some() || course.status != status;
        let item = if removed {
            CatalogueItem::Deleted(Tombstone {
                id: course.id.get(),
                deleted: true,
                updated_at: utc(course.updated_at),
            })
        } else {
            let (summary, _) = summary_of(&course, &ts, w.topics.clone(), prefs)?;
            CatalogueItem::Course(Box::new(summary))
        };
        items.push((key, course.id, item));
    }
    let page = req.page.finish(
        items,
        req.sort_name,
        |(key, id, _)| (key.clone(), id.get()),
        |(_, _, item)| item,
    );
    let languages = languages(
        page.items.iter().filter_map(|i| match i {
            CatalogueItem::Course(c) => Some(c.language.as_str()),
            CatalogueItem::Deleted(_) => None,
        }),
        prefs.first(),
    );
    Ok(LocalisedPage { page, languages })
}

/// One course with its outline, for whoever may see it; its texts and outline from `memo`
/// while the course's version is unchanged.
pub fn get_course(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    id: CourseId,
    prefs: Preferences,
    memo: &CourseMemo,
) -> Result<Localised<CourseResponse>, ApiError> {
    let course = visible_course(conn, id, reader)?;
    let prefs = reader_preferences(conn, prefs, reader)?;
    render_course(conn, &course, &prefs, Some(memo))
}

/// One module (with the visibility of its course).
pub fn get_module(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    id: ModuleId,
    prefs: Preferences,
) -> Result<Localised<ModuleResponse>, ApiError> {
    let module = repo::find_module(conn, id)?.ok_or(ApiError::NotFound)?;
    let course = visible_course(conn, module.course_id, reader)?;
    let prefs = reader_preferences(conn, prefs, reader)?;
    module_view(conn, &module, &course.default_language, &prefs)
}

/// One lesson with its content: public courses for anyone; members-only courses for the
/// enrolled, the owners, coordinators and admins.
/// Its texts come from `memo` while the lesson's version is unchanged, and so does its
/// answer in the language chosen, rendered (content HTML and JSON) once per version of the
/// lesson and default language of its course (which its staleness is told against).
pub fn get_lesson(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    id: LessonId,
    prefs: Preferences,
    memo: &CourseMemo,
) -> Result<Localised<Rendered>, ApiError> {
    let (lesson, course) = repo::find_lesson_and_course(conn, id)?.ok_or(ApiError::NotFound)?;
    let course = seen_course(conn, course, reader)?;
    check_content_access(conn, &course, reader)?;
    let prefs = reader_preferences(conn, prefs, reader)?;
    let basis = (lesson.version, course.default_language.clone());
    let v = lesson_view(conn, lesson, &course.default_language, &prefs, Some(memo))?;
    let body = memo
        .lesson_pages
        .get_or_try((id, v.language.clone()), basis, || {
            Rendered::of(&LessonResponse::from(v.view))
        })?;
    Ok(Localised {
        etag: v.etag,
        language: v.language,
        view: Rendered::clone(&body),
    })
}

/// A page of a course's lessons for sync, validated.
pub struct LessonsRequest {
    /// Only lessons changed at or after this time, oldest change first (else by id).
    pub since: Option<NaiveDateTime>,
    /// With `since`: deleted lessons as tombstones.
    pub with_deleted: bool,
    pub page: PageRequest<String>,
    pub prefs: Preferences,
}

impl LessonsRequest {
    /// The sort a cursor of this list remembers.
    pub fn sort(since: Option<NaiveDateTime>) -> &'static str {
        if since.is_some() { "updated" } else { "id" }
    }

    /// Where the page starts; 400 when the cursor's key does not fit the sort.
    fn after(&self) -> Result<Option<LessonsAfter>, ApiError> {
        self.page
            .after
            .as_ref()
            .map(|(key, id)| {
                let id = LessonId(*id);
                Ok(match self.since {
                    Some(_) => LessonsAfter::Changed(TimeKey::parse_text(key)?, id),
                    None => LessonsAfter::Id(id),
                })
            })
            .transpose()
    }
}

/// A course's lessons with content, for sync.
pub fn list_lessons(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    course_id: CourseId,
    req: LessonsRequest,
) -> Result<LocalisedPage<LessonEntry>, ApiError> {
    let after = req.after()?;
    let course = visible_course(conn, course_id, reader)?;
    check_content_access(conn, &course, reader)?;
    let prefs = reader_preferences(conn, req.prefs, reader)?;
    let rows = repo::sync_lessons(
        conn,
        course_id,
        req.since,
        req.with_deleted,
        after,
        req.page.fetch_limit(),
    )?;
    let ids: Vec<LessonId> = rows.iter().map(|l| l.id).collect();
    let translations = repo::lesson_translations(conn, &ids)?;
    let mut by_lesson: HashMap<LessonId, Vec<&LessonTranslation>> = HashMap::new();
    for t in &translations {
        by_lesson.entry(t.lesson_id).or_default().push(t);
    }
    let items: Vec<(String, LessonId, LessonEntry)> = rows
        .into_iter()
        .map(|l| {
            let key = TimeKey::text(l.updated_at);
            let id = l.id;
            let item = if l.deleted_at.is_some() {
                LessonEntry::Deleted(Tombstone {
                    id: l.id.get(),
                    deleted: true,
                    updated_at: utc(l.updated_at),
                })
            } else {
                let texts = by_lesson.get(&l.id).map(Vec::as_slice).unwrap_or(&[]);
                LessonEntry::Lesson(Box::new(lesson_view_from(
                    l,
                    texts,
                    &course.default_language,
                    &prefs,
                )))
            };
            (key, id, item)
        })
        .collect();
    let mut items = items;
    let picked: Vec<(i64, String)> = items
        .iter()
        .filter_map(|(_, _, e)| match e {
            LessonEntry::Lesson(v) => Some((v.lesson.id.get(), v.language().to_owned())),
            LessonEntry::Deleted(_) => None,
        })
        .collect();
    let mut stale =
        translations::staleness(conn, TextKind::Lesson, &picked, &course.default_language)?;
    for (_, _, e) in &mut items {
        if let LessonEntry::Lesson(v) = e {
            v.staleness = stale.remove(&v.lesson.id.get()).unwrap_or_default();
        }
    }
    let page = req.page.finish(
        items,
        LessonsRequest::sort(req.since),
        |(k, id, _)| (k.clone(), id.get()),
        |(_, _, item)| item,
    );
    let languages = languages(
        page.items.iter().filter_map(|i| match i {
            LessonEntry::Lesson(v) => Some(v.language()),
            LessonEntry::Deleted(_) => None,
        }),
        prefs.first(),
    );
    Ok(LocalisedPage { page, languages })
}

// ---------------------------------------------------------------- course writes

/// The row of a new draft course of `f` at `slug`, created by `actor` at `at` (a course
/// created, or copied with `courses::reuse`).
pub(crate) fn draft_row(
    f: &CourseFields,
    slug: String,
    actor: &AuthUser,
    at: NaiveDateTime,
) -> NewCourse {
    NewCourse {
        slug,
        default_language: f.default_language.clone(),
        level: f.level,
        format: f.format,
        estimated_hours: f.estimated_hours,
        licence: f.licence.clone(),
        status: CourseStatus::Draft,
        visibility: f.visibility,
        capacity: f.capacity,
        created_by: Some(actor.id),
        created_at: at,
        updated_at: at,
        published_at: None,
    }
}

/// A trainer (or coordinator, admin) creates a draft course and becomes its owner.
pub fn create_course(
    conn: &mut DbConn,
    actor: &AuthUser,
    input: NewCourseInput,
) -> Result<Localised<CourseResponse>, ApiError> {
    authorize(actor, Action::CreateCourse)?;
    let f = input.fields;
    if repo::slug_taken(conn, &f.slug, None)? {
        return Err(slug_taken());
    }
    let at = now();
    let course = repo::insert_course(conn, &draft_row(&f, f.slug.clone(), actor, at))
        .map_err(unique_slug)?;
    put_course_texts(conn, course.id, &f.default_language, &input.texts, at)?;
    repo::set_topics(conn, course.id, &f.topics)?;
    repo::add_owner(conn, course.id, actor.id)?;
    course_view(conn, &course, &Preferences::default())
}

pub(crate) fn put_course_texts(
    conn: &mut DbConn,
    course_id: CourseId,
    language: &str,
    texts: &CourseTexts,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    Ok(repo::upsert_course_translation(
        conn,
        &NewCourseTranslation {
            course_id,
            language: language.to_owned(),
            title: texts.title.clone(),
            summary: texts.summary.clone(),
            description: texts.description.clone(),
            search_text: search_text(&texts.title, &texts.summary),
            updated_at: at,
        },
    )?)
}

fn fields_of(conn: &mut DbConn, c: &Course) -> Result<CourseFields, ApiError> {
    Ok(CourseFields {
        slug: c.slug.clone(),
        default_language: c.default_language.clone(),
        topics: repo::topics(conn, &[c.id])?
            .into_iter()
            .map(|(_, t)| t)
            .collect(),
        level: c.level,
        format: c.format,
        estimated_hours: c.estimated_hours,
        licence: c.licence.clone(),
        visibility: c.visibility,
        capacity: c.capacity,
    })
}

/// Changes a course's own fields (owners, coordinators, admins), if it is still the
/// version `if_match` names. Nothing to change: nothing written, the same version.
pub fn update_course(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CourseId,
    patch: CoursePatch,
    if_match: Option<&IfMatch>,
    prefs: Preferences,
) -> Result<Localised<CourseResponse>, ApiError> {
    let course = editable_course(conn, id, actor)?;
    course.check_if_match(if_match)?;
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    let current = fields_of(conn, &course)?;
    let target = CourseFields {
        slug: patch.slug.unwrap_or_else(|| current.slug.clone()),
        default_language: patch
            .default_language
            .unwrap_or_else(|| current.default_language.clone()),
        topics: patch.topics.unwrap_or_else(|| current.topics.clone()),
        level: patch.level.unwrap_or(current.level),
        format: patch.format.unwrap_or(current.format),
        estimated_hours: patch.estimated_hours.unwrap_or(current.estimated_hours),
        licence: patch.licence.unwrap_or_else(|| current.licence.clone()),
        visibility: patch.visibility.unwrap_or(current.visibility),
        capacity: patch.capacity.unwrap_or(current.capacity),
    };
    if target == current {
        return course_view(conn, &course, &prefs);
    }
    if target.slug != current.slug && repo::slug_taken(conn, &target.slug, Some(id))? {
        return Err(slug_taken());
    }
    if target.default_language != current.default_language
        && repo::course_texts(conn, id, &target.default_language)?.is_none()
    {
        return Err(ApiError::invalid_field(
            "default_language",
            "no_translation",
            "the course has no texts in this language yet; add them with PUT /api/v1/courses/{id}/translations/{language} first",
        ));
    }
    let changes = CourseChanges {
        slug: (target.slug != current.slug).then(|| target.slug.clone()),
        default_language: (target.default_language != current.default_language)
            .then(|| target.default_language.clone()),
        level: (target.level != current.level).then_some(target.level),
        format: (target.format != current.format).then_some(target.format),
        estimated_hours: (target.estimated_hours != current.estimated_hours)
            .then_some(target.estimated_hours),
        licence: (target.licence != current.licence).then(|| target.licence.clone()),
        visibility: (target.visibility != current.visibility).then_some(target.visibility),
        capacity: (target.capacity != current.capacity).then_some(target.capacity),
        updated_at: Some(now()),
        ..CourseChanges::default()
    };
    if target.topics != current.topics {
        repo::set_topics(conn, id, &target.topics)?;
    }
    let course = repo::update_course(conn, id, &changes).map_err(unique_slug)?;
    course_view(conn, &course, &prefs)
}

/// Creates or replaces the course's texts in one language; answers the course in it.
pub fn put_course_translation(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CourseId,
    language: String,
    texts: CourseTexts,
    minor: bool,
) -> Result<(Localised<CourseResponse>, Written), ApiError> {
    let course = editable_course(conn, id, actor)?;
    let stored = repo::course_texts(conn, id, &language)?;
    let sent = (
        texts.title.clone(),
        texts.summary.clone(),
        texts.description.clone(),
    );
    let written = Written::of(stored.as_ref(), &sent);
    if written.changed() {
        let at = now();
        put_course_texts(conn, id, &language, &texts, at)?;
        repo::touch_course(conn, id, at)?;
        translations::text_written(conn, &course, TextKind::Course, id.get(), &language, minor)?;
    }
    let course = current_course(conn, id, &Preferences::only(&language))?;
    Ok((course, written))
}

/// Soft-deletes a course (a tombstone for sync) and frees its slug.
pub fn delete_course(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CourseId,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    let course = editable_course(conn, id, actor)?;
    course.check_if_match(if_match)?;
    let at = now();
    repo::update_course(
        conn,
        id,
        &CourseChanges {
            deleted_at: Some(Some(at)),
            updated_at: Some(at),
            ..CourseChanges::default()
        },
    )?;
    repo::retire_slug(conn, id, &course.slug)?;
    Ok(())
}

/// A status change asked for.
#[derive(Debug, Clone, Copy)]
pub enum Transition {
    Publish,
    Archive,
}

/// Publishes (from draft or archived) or archives (from published) a course: coordinators
/// and admins.
pub fn transition(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CourseId,
    to: Transition,
    prefs: Preferences,
) -> Result<Localised<CourseResponse>, ApiError> {
    db::lock_row(conn, "courses", id.get())?;
    let course = repo::find_course(conn, id)?.ok_or(ApiError::NotFound)?;
    authorize(actor, Action::PublishCourse)?;
    let at = now();
    let changes = match to {
        Transition::Publish if !course.is_published() => CourseChanges {
            status: Some(CourseStatus::Published),
            published_at: Some(Some(course.published_at.unwrap_or(at))),
            updated_at: Some(at),
            ..CourseChanges::default()
        },
        Transition::Archive if course.is_published() => CourseChanges {
            status: Some(CourseStatus::Archived),
            updated_at: Some(at),
            ..CourseChanges::default()
        },
        _ => {
            return Err(ApiError::Conflict {
                code: "invalid_transition",
                detail: format!(
                    "a {} course cannot be {}",
                    course.status,
                    match to {
                        Transition::Publish => "published",
                        Transition::Archive => "archived",
                    }
                ),
            });
        }
    };
    let course = repo::update_course(conn, id, &changes)?;
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    course_view(conn, &course, &prefs)
}

/// Makes a trainer (or coordinator, admin) an owner of the course; nothing when they own
/// it already.
pub fn add_owner(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CourseId,
    owner: UserId,
) -> Result<(), ApiError> {
    editable_course(conn, id, actor)?;
    match repo::user_role(conn, owner)? {
        None => Err(ApiError::invalid_field(
            "user_id",
            "unknown_user",
            "there is no such account",
        )),
        Some((role, status))
            if status != "active" || Role::parse(&role).is_none_or(|r| r < Role::Trainer) =>
        {
            Err(ApiError::invalid_field(
                "user_id",
                "not_a_trainer",
                "only active trainers, coordinators and admins can own a course",
            ))
        }
        Some(_) => {
            if !repo::is_owner(conn, id, owner)? {
                repo::add_owner(conn, id, owner)?;
                repo::touch_course(conn, id, now())?;
            }
            Ok(())
        }
    }
}

/// Removes an owner; the last owner stays.
pub fn remove_owner(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CourseId,
    owner: UserId,
) -> Result<(), ApiError> {
    editable_course(conn, id, actor)?;
    let owners = repo::owners(conn, id)?;
    if !owners.contains(&owner) {
        return Err(ApiError::NotFound);
    }
    if owners.len() == 1 {
        return Err(ApiError::Conflict {
            code: "last_owner",
            detail: "a course keeps at least one owner; add another first".to_owned(),
        });
    }
    repo::remove_owner(conn, id, owner)?;
    repo::touch_course(conn, id, now())?;
    Ok(())
}

// ---------------------------------------------------------------- structure writes

/// Adds a module at the end of a course.
pub fn create_module(
    conn: &mut DbConn,
    actor: &AuthUser,
    course_id: CourseId,
    title: String,
) -> Result<Localised<ModuleResponse>, ApiError> {
    let course = editable_course(conn, course_id, actor)?;
    let modules = repo::modules(conn, course_id)?;
    if modules.len() >= MAX_MODULES {
        return Err(ApiError::Conflict {
            code: "too_many_modules",
            detail: format!("a course has at most {MAX_MODULES} modules"),
        });
    }
    let position = modules.iter().map(|m| m.position).max().unwrap_or(0) + 1;
    let at = now();
    let module = repo::insert_module(
        conn,
        &NewModule {
            course_id,
            position,
            created_at: at,
            updated_at: at,
        },
    )?;
    repo::upsert_module_translation(
        conn,
        &NewModuleTranslation {
            module_id: module.id,
            language: course.default_language.clone(),
            title,
        },
    )?;
    repo::touch_course(conn, course_id, at)?;
    module_view(
        conn,
        &module,
        &course.default_language,
        &Preferences::default(),
    )
}

/// Sets a module's title in `language`; a new version of the module and course unless
/// it is the title it has.
fn write_module_title(
    conn: &mut DbConn,
    module: &Module,
    language: &str,
    title: String,
) -> Result<Written, ApiError> {
    let stored = repo::module_title(conn, module.id, language)?;
    let written = Written::of(stored.as_ref(), &title);
    if written.changed() {
        repo::upsert_module_translation(
            conn,
            &NewModuleTranslation {
                module_id: module.id,
                language: language.to_owned(),
                title,
            },
        )?;
        let at = now();
        repo::touch_module(conn, module.id, at)?;
        repo::touch_course(conn, module.course_id, at)?;
    }
    Ok(written)
}

/// Renames a module (its title in the course's default language), if it is still the
/// version `if_match` names.
pub fn update_module(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ModuleId,
    title: String,
    minor: bool,
    if_match: Option<&IfMatch>,
) -> Result<Localised<ModuleResponse>, ApiError> {
    let (module, course) = editable_module(conn, id, actor)?;
    module.check_if_match(if_match)?;
    let language = course.default_language.clone();
    if write_module_title(conn, &module, &language, title)?.changed() {
        translations::text_written(conn, &course, TextKind::Module, id.get(), &language, minor)?;
    }
    let module = repo::find_module(conn, id)?.ok_or(ApiError::NotFound)?;
    module_view(conn, &module, &language, &Preferences::only(&language))
}

/// Sets a module's title in one language; answers the module in it.
pub fn put_module_translation(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ModuleId,
    language: String,
    title: String,
    minor: bool,
) -> Result<(Localised<ModuleResponse>, Written), ApiError> {
    let (module, course) = editable_module(conn, id, actor)?;
    let written = write_module_title(conn, &module, &language, title)?;
    if written.changed() {
        translations::text_written(conn, &course, TextKind::Module, id.get(), &language, minor)?;
    }
    let (prefs, default) = (Preferences::only(&language), course.default_language);
    let module = repo::find_module(conn, id)?.ok_or(ApiError::NotFound)?;
    Ok((module_view(conn, &module, &default, &prefs)?, written))
}

/// Soft-deletes a module with its lessons, if it is still the version `if_match` names;
/// the others close the gap.
pub fn delete_module(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: ModuleId,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    let (module, course) = editable_module(conn, id, actor)?;
    module.check_if_match(if_match)?;
    let at = now();
    repo::delete_module(conn, id, at)?;
    let rest = repo::modules(conn, module.course_id)?;
    for (m, position) in moved(rest.iter().map(|m| (m.id, m.position)))? {
        repo::set_module_position(conn, m, position, at)?;
    }
    repo::touch_course(conn, course.id, at)?;
    Ok(())
}

/// The 1-based positions of `ordered` (ids, each with its current position), for those
/// whose position changes.
fn moved<I>(ordered: impl IntoIterator<Item = (I, i32)>) -> Result<Vec<(I, i32)>, ApiError> {
    let mut out = Vec::new();
    for (i, (id, current)) in ordered.into_iter().enumerate() {
        let position = i32::try_from(i + 1).map_err(ApiError::internal)?;
        if current != position {
            out.push((id, position));
        }
    }
    Ok(out)
}

/// Whether `wanted` is exactly the set `current`, each once.
fn same_set<T: Eq + Hash + Copy>(current: &[T], wanted: &[T]) -> bool {
    if wanted.len() != current.len() {
        return false;
    }
    let set: HashSet<T> = wanted.iter().copied().collect();
    set.len() == wanted.len() && current.iter().all(|id| set.contains(id))
}

/// The new positions for `wanted`, an order of exactly the items of `current` (each id
/// with its position): only those that move. 422 `order_mismatch` on `field` when it is
/// not exactly those items, each once.
fn reorder<I: Eq + Hash + Copy>(
    current: &[(I, i32)],
    wanted: &[I],
    field: &str,
    what: &str,
) -> Result<Vec<(I, i32)>, ApiError> {
    let ids: Vec<I> = current.iter().map(|c| c.0).collect();
    if !same_set(&ids, wanted) {
        return Err(order_mismatch(field, what));
    }
    let positions: HashMap<I, i32> = current.iter().copied().collect();
    moved(
        wanted
            .iter()
            .map(|id| (*id, positions.get(id).copied().unwrap_or(0))),
    )
}

/// Puts a course's modules in the given order; the same order changes nothing.
pub fn order_modules(
    conn: &mut DbConn,
    actor: &AuthUser,
    course_id: CourseId,
    module_ids: Vec<ModuleId>,
    prefs: Preferences,
) -> Result<Localised<CourseResponse>, ApiError> {
    editable_course(conn, course_id, actor)?;
    let modules = repo::modules(conn, course_id)?;
    let current: Vec<(ModuleId, i32)> = modules.iter().map(|m| (m.id, m.position)).collect();
    let changes = reorder(&current, &module_ids, "module_ids", "module of the course")?;
    let at = now();
    for &(id, position) in &changes {
        repo::set_module_position(conn, id, position, at)?;
    }
    if !changes.is_empty() {
        repo::touch_course(conn, course_id, at)?;
    }
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    current_course(conn, course_id, &prefs)
}

/// Puts a module's lessons in the given order; the same order changes nothing.
pub fn order_lessons(
    conn: &mut DbConn,
    actor: &AuthUser,
    module_id: ModuleId,
    lesson_ids: Vec<LessonId>,
    prefs: Preferences,
) -> Result<Localised<CourseResponse>, ApiError> {
    let (_, course) = editable_module(conn, module_id, actor)?;
    let lessons = repo::module_lessons(conn, module_id)?;
    let current: Vec<(LessonId, i32)> = lessons.iter().map(|l| (l.id, l.position)).collect();
    let changes = reorder(&current, &lesson_ids, "lesson_ids", "lesson of the module")?;
    let at = now();
    for &(id, position) in &changes {
        repo::set_lesson_position(conn, id, position, at)?;
    }
    if !changes.is_empty() {
        repo::touch_module(conn, module_id, at)?;
        repo::touch_course(conn, course.id, at)?;
    }
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    current_course(conn, course.id, &prefs)
}

pub(crate) fn lesson_fields(l: &Lesson) -> LessonFields {
    LessonFields {
        kind: l.kind,
        required: l.required,
        duration_minutes: l.duration_minutes,
        url: l.url.clone(),
        size_bytes: l.size_bytes,
        media_type: l.media_type.clone(),
        caption_languages: split_tags(&l.caption_languages),
    }
}

/// The row of a new lesson at `position` in `module` (also the seed's batch insert).
pub fn lesson_row(module: &Module, position: i32, f: LessonFields, at: NaiveDateTime) -> NewLesson {
    NewLesson {
        module_id: module.id,
        course_id: module.course_id,
        position,
        kind: f.kind,
        required: f.required,
        duration_minutes: f.duration_minutes,
        url: f.url,
        size_bytes: f.size_bytes,
        media_type: f.media_type,
        caption_languages: join_tags(&f.caption_languages),
        created_at: at,
        updated_at: at,
    }
}

/// Adds a lesson at the end of a module.
pub fn create_lesson(
    conn: &mut DbConn,
    actor: &AuthUser,
    module_id: ModuleId,
    input: NewLessonInput,
) -> Result<Localised<LessonView>, ApiError> {
    let (module, course) = editable_module(conn, module_id, actor)?;
    let lessons = repo::module_lessons(conn, module_id)?;
    if lessons.len() >= MAX_LESSONS {
        return Err(ApiError::Conflict {
            code: "too_many_lessons",
            detail: format!("a module has at most {MAX_LESSONS} lessons"),
        });
    }
    let position = lessons.iter().map(|l| l.position).max().unwrap_or(0) + 1;
    let at = now();
    let lesson = repo::insert_lesson(conn, &lesson_row(&module, position, input.fields, at))?;
    repo::upsert_lesson_translation(
        conn,
        &NewLessonTranslation {
            lesson_id: lesson.id,
            language: course.default_language.clone(),
            title: input.title,
            content: input.content,
        },
    )?;
    repo::touch_module(conn, module_id, at)?;
    repo::touch_course(conn, course.id, at)?;
    lesson_view(
        conn,
        lesson,
        &course.default_language,
        &Preferences::default(),
        None,
    )
}

/// Sets a lesson's title and content in `language` (each kept as stored when `None`);
/// writes nothing when they are the texts it has.
fn write_lesson_texts(
    conn: &mut DbConn,
    id: LessonId,
    language: &str,
    title: Option<String>,
    content: Option<String>,
) -> Result<Written, ApiError> {
    let stored = repo::lesson_texts(conn, id, language)?;
    let (old_title, old_content) = stored.clone().unwrap_or_default();
    let sent = (title.unwrap_or(old_title), content.unwrap_or(old_content));
    let written = Written::of(stored.as_ref(), &sent);
    if written.changed() {
        repo::upsert_lesson_translation(
            conn,
            &NewLessonTranslation {
                lesson_id: id,
                language: language.to_owned(),
                title: sent.0,
                content: sent.1,
            },
        )?;
    }
    Ok(written)
}

/// Changes a lesson, if it is still the version `if_match` names. Nothing to change:
/// nothing written, the same version.
pub fn update_lesson(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LessonId,
    patch: LessonPatch,
    if_match: Option<&IfMatch>,
    prefs: Preferences,
) -> Result<Localised<LessonView>, ApiError> {
    let (lesson, course) = editable_lesson(conn, id, actor)?;
    lesson.check_if_match(if_match)?;
    let current = lesson_fields(&lesson);
    let next = patch.apply(&current)?;
    let minor = patch.minor;
    let texts_changed = (patch.title.is_some() || patch.content.is_some())
        && write_lesson_texts(
            conn,
            id,
            &course.default_language,
            patch.title,
            patch.content,
        )?
        .changed();
    let at = now();
    let fields_changed = next != current;
    let lesson = if fields_changed {
        repo::update_lesson(
            conn,
            id,
            &LessonChanges {
                kind: next.kind,
                required: next.required,
                duration_minutes: Some(next.duration_minutes),
                url: Some(next.url),
                size_bytes: Some(next.size_bytes),
                media_type: Some(next.media_type),
                caption_languages: join_tags(&next.caption_languages),
                updated_at: at,
            },
        )?
    } else if texts_changed {
        repo::touch_lesson(conn, id, at)?
    } else {
        lesson
    };
    if fields_changed || texts_changed {
        repo::touch_course(conn, course.id, at)?;
    }
    if texts_changed {
        let language = course.default_language.clone();
        translations::text_written(conn, &course, TextKind::Lesson, id.get(), &language, minor)?;
    }
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    lesson_view(conn, lesson, &course.default_language, &prefs, None)
}

/// Sets a lesson's title and content in one language; answers the lesson in it.
pub fn put_lesson_translation(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LessonId,
    language: String,
    title: String,
    content: String,
    minor: bool,
) -> Result<(Localised<LessonView>, Written), ApiError> {
    let (lesson, course) = editable_lesson(conn, id, actor)?;
    let written = write_lesson_texts(conn, id, &language, Some(title), Some(content))?;
    let lesson = if written.changed() {
        let at = now();
        repo::touch_course(conn, course.id, at)?;
        translations::text_written(conn, &course, TextKind::Lesson, id.get(), &language, minor)?;
        repo::touch_lesson(conn, id, at)?
    } else {
        lesson
    };
    let (prefs, default) = (Preferences::only(&language), course.default_language);
    Ok((lesson_view(conn, lesson, &default, &prefs, None)?, written))
}

/// Publishes a reviewed translation of a text of `course` (locked and authorised by the
/// caller): the texts are written as an owner's would be, with new versions of the text and
/// the course, also when the texts are unchanged. Recording which source version it
/// translates is the caller's.
pub(crate) fn publish_translation(
    conn: &mut DbConn,
    course: &Course,
    kind: TextKind,
    item_id: i64,
    language: &str,
    texts: translations::Texts,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    match kind {
        TextKind::Course => {
            put_course_texts(
                conn,
                course.id,
                language,
                &CourseTexts {
                    title: texts.title,
                    summary: texts.summary,
                    description: texts.description,
                },
                at,
            )?;
            repo::touch_course(conn, course.id, at)?;
        }
        // A translation published with the texts it already had still changes what readers
        // see (it translates the current original now: no longer outdated), so the text's
        // and the course's versions move either way: their tags and the kept answers
        // (`CourseMemo`) follow them.
        TextKind::Module => {
            let module = repo::find_module(conn, ModuleId(item_id))?.ok_or(ApiError::NotFound)?;
            if !write_module_title(conn, &module, language, texts.title)?.changed() {
                repo::touch_module(conn, module.id, at)?;
                repo::touch_course(conn, course.id, at)?;
            }
        }
        TextKind::Lesson => {
            let id = LessonId(item_id);
            repo::find_lesson(conn, id)?.ok_or(ApiError::NotFound)?;
            write_lesson_texts(conn, id, language, Some(texts.title), Some(texts.content))?;
            repo::touch_lesson(conn, id, at)?;
            repo::touch_course(conn, course.id, at)?;
        }
        // Not a course's text: its own domain publishes it.
        TextKind::Resource | TextKind::Survey | TextKind::Question => {
            return Err(ApiError::NotFound);
        }
    }
    Ok(())
}

/// Soft-deletes a lesson (a tombstone for sync), if it is still the version `if_match`
/// names; the others close the gap.
pub fn delete_lesson(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: LessonId,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    let (lesson, course) = editable_lesson(conn, id, actor)?;
    lesson.check_if_match(if_match)?;
    let at = now();
    repo::delete_lesson(conn, id, at)?;
    let rest = repo::module_lessons(conn, lesson.module_id)?;
    for (l, position) in moved(rest.iter().map(|l| (l.id, l.position)))? {
        repo::set_lesson_position(conn, l, position, at)?;
    }
    repo::touch_module(conn, lesson.module_id, at)?;
    repo::touch_course(conn, course.id, at)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_names_each_id_once() {
        assert!(same_set(&[1, 2, 3], &[3, 1, 2]));
        assert!(!same_set(&[1, 2, 3], &[3, 1]));
        assert!(!same_set(&[1, 2, 3], &[3, 1, 1]));
        assert!(!same_set(&[1, 2], &[1, 2, 2]));
        assert!(!same_set(&[1, 2], &[1, 9]));
        assert!(same_set::<i64>(&[], &[]));
    }

    #[test]
    fn only_what_moves_gets_a_new_position() {
        assert_eq!(
            moved([(7, 1), (9, 3), (8, 2)]).unwrap(),
            vec![(9, 2), (8, 3)]
        );
        assert!(moved([(7, 1), (8, 2)]).unwrap().is_empty());
    }

    #[test]
    fn answer_languages_are_distinct_and_fall_back() {
        assert_eq!(
            languages(["fil", "en", "fil"].into_iter(), Some("id")),
            vec!["fil", "en"]
        );
        assert_eq!(languages(std::iter::empty(), Some("id")), vec!["id"]);
        assert!(languages(std::iter::empty(), None).is_empty());
    }

    #[test]
    fn catalogue_cursors_are_read_for_their_order() {
        let at = TimeKey::text(now());
        assert!(catalogue_after(CatalogueOrder::Newest, &((0, at.clone()), 3)).is_ok());
        assert!(catalogue_after(CatalogueOrder::Popular, &((0, at), 3)).is_err());
        assert!(catalogue_after(CatalogueOrder::Popular, &((1, "12".into()), 3)).is_ok());
        assert!(catalogue_after(CatalogueOrder::Newest, &((0, "x".into()), 3)).is_err());
    }
}
