//! Course use cases: each public function is one transaction, with its permission checks.

use std::collections::{HashMap, HashSet};

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::auth::policy::{Action, allowed, authorize};
use crate::auth::{AuthUser, Role};
use crate::courses::dto::{
    CatalogueItem, CourseFields, CoursePatch, CourseResponse, CourseSummary, CourseTexts,
    LessonFields, LessonItem, LessonOutline, LessonPatch, LessonResponse, ModuleOutline,
    ModuleResponse, NewCourseInput, NewLessonInput, Tombstone, utc,
};
use crate::courses::model::{
    Course, CourseChanges, CourseStatus, CourseTranslation, Format, Lesson, LessonChanges,
    LessonKind, LessonTranslation, Level, Module, NewCourse, NewCourseTranslation, NewLesson,
    NewLessonTranslation, NewModule, NewModuleTranslation, Visibility, search_text,
};
use crate::courses::repo::{self, CatalogueFilter, CatalogueKey, CatalogueOrder};
use crate::db::{Db, DbConn, now};
use crate::error::{ApiError, FieldError};
use crate::http::etag;
use crate::http::etag::IfMatch;
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageRequest};
use crate::types::markdown::to_safe_html;

// ---------------------------------------------------------------- views

/// The element of `items` in the language `prefs` pick among them (falling back to
/// `default`, then to any).
fn pick<'a, T>(
    items: &'a [T],
    lang: impl Fn(&T) -> &str,
    prefs: &Preferences,
    default: &str,
) -> Option<&'a T> {
    let langs: Vec<String> = items.iter().map(|i| lang(i).to_owned()).collect();
    let chosen = prefs.pick(&langs, default)?;
    items.iter().find(|i| lang(i) == chosen)
}

fn broken(what: &str, id: i64) -> ApiError {
    ApiError::internal(anyhow::anyhow!("course {id} has no stored {what}"))
}

/// The catalogue entry of a course in the reader's language.
fn summary_of(
    course: &Course,
    translations: &[&CourseTranslation],
    topics: Vec<String>,
    prefs: &Preferences,
) -> Result<(CourseSummary, String), ApiError> {
    let t = pick(
        translations,
        |t| t.language.as_str(),
        prefs,
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
            level: Level::parse(&course.level).unwrap_or(Level::Introductory),
            format: Format::parse(&course.format).unwrap_or(Format::SelfPaced),
            estimated_hours: course.estimated_hours,
            licence: course.licence.clone(),
            status: CourseStatus::parse(&course.status).unwrap_or(CourseStatus::Draft),
            visibility: Visibility::parse(&course.visibility).unwrap_or(Visibility::Members),
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
/// that the answer depends only on the course and that one language (its `ETag` too).
pub fn course_view(
    conn: &mut DbConn,
    course: &Course,
    prefs: &Preferences,
) -> Result<CourseResponse, ApiError> {
    let translations = repo::translations(conn, &[course.id])?;
    let refs: Vec<&CourseTranslation> = translations.iter().collect();
    let topics = repo::topics(conn, &[course.id])?
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    let (summary, description) = summary_of(course, &refs, topics, prefs)?;
    let within = Preferences(vec![summary.language.clone()]);
    let default = course.default_language.as_str();
    let modules = repo::modules(conn, course.id)?;
    let module_ids: Vec<i64> = modules.iter().map(|m| m.id).collect();
    let mut module_titles: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for t in repo::module_translations(conn, &module_ids)? {
        module_titles
            .entry(t.module_id)
            .or_default()
            .push((t.language, t.title));
    }
    let lessons = repo::course_lessons(conn, course.id)?;
    let lesson_ids: Vec<i64> = lessons.iter().map(|l| l.id).collect();
    let mut lesson_titles: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for (id, language, title) in repo::lesson_titles(conn, &lesson_ids)? {
        lesson_titles.entry(id).or_default().push((language, title));
    }
    let mut by_module: HashMap<i64, Vec<&Lesson>> = HashMap::new();
    for l in &lessons {
        by_module.entry(l.module_id).or_default().push(l);
    }
    let text = |texts: Option<&Vec<(String, String)>>| -> (String, String) {
        texts
            .and_then(|v| pick(v, |t| t.0.as_str(), &within, default))
            .map(|(l, t)| (t.clone(), l.clone()))
            .unwrap_or_else(|| (String::new(), default.to_owned()))
    };
    let modules = modules
        .iter()
        .map(|m| {
            let (title, language) = text(module_titles.get(&m.id));
            let mut ls = by_module.remove(&m.id).unwrap_or_default();
            ls.sort_by_key(|l| (l.position, l.id));
            ModuleOutline {
                id: m.id,
                position: m.position,
                title,
                language,
                lessons: ls
                    .into_iter()
                    .map(|l| {
                        let (title, language) = text(lesson_titles.get(&l.id));
                        LessonOutline {
                            id: l.id,
                            position: l.position,
                            kind: LessonKind::parse(&l.kind).unwrap_or(LessonKind::Text),
                            title,
                            language,
                            duration_minutes: l.duration_minutes,
                            required: l.required,
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(CourseResponse {
        summary,
        description,
        owners: repo::owners(conn, course.id)?,
        modules,
    })
}

/// A lesson with its content in the reader's language (falling back to the course's
/// default language).
pub fn lesson_view(
    conn: &mut DbConn,
    lesson: &Lesson,
    default_language: &str,
    prefs: &Preferences,
) -> Result<LessonResponse, ApiError> {
    let translations = repo::lesson_translations(conn, &[lesson.id])?;
    Ok(lesson_view_from(
        lesson,
        &translations.iter().collect::<Vec<_>>(),
        default_language,
        prefs,
    ))
}

fn lesson_view_from(
    lesson: &Lesson,
    translations: &[&LessonTranslation],
    default_language: &str,
    prefs: &Preferences,
) -> LessonResponse {
    let t = pick(
        translations,
        |t| t.language.as_str(),
        prefs,
        default_language,
    );
    let (title, content, language) = match t {
        Some(t) => (t.title.clone(), t.content.clone(), t.language.clone()),
        None => (String::new(), String::new(), default_language.to_owned()),
    };
    LessonResponse {
        id: lesson.id,
        course_id: lesson.course_id,
        module_id: lesson.module_id,
        position: lesson.position,
        kind: LessonKind::parse(&lesson.kind).unwrap_or(LessonKind::Text),
        required: lesson.required,
        title,
        content_html: to_safe_html(&content),
        content,
        language,
        available_languages: translations.iter().map(|t| t.language.clone()).collect(),
        duration_minutes: lesson.duration_minutes,
        url: lesson.url.clone(),
        size_bytes: lesson.size_bytes,
        media_type: lesson.media_type.clone(),
        caption_languages: split_langs(&lesson.caption_languages),
        created_at: utc(lesson.created_at),
        updated_at: utc(lesson.updated_at),
    }
}

fn split_langs(raw: &str) -> Vec<String> {
    raw.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn module_view(
    conn: &mut DbConn,
    module: &Module,
    default_language: &str,
    prefs: &Preferences,
) -> Result<ModuleResponse, ApiError> {
    let translations = repo::module_translations(conn, &[module.id])?;
    let t = pick(
        &translations,
        |t| t.language.as_str(),
        prefs,
        default_language,
    );
    Ok(ModuleResponse {
        id: module.id,
        course_id: module.course_id,
        position: module.position,
        title: t.map(|t| t.title.clone()).unwrap_or_default(),
        language: t.map_or_else(|| default_language.to_owned(), |t| t.language.clone()),
        available_languages: translations.iter().map(|t| t.language.clone()).collect(),
        updated_at: utc(module.updated_at),
    })
}

/// The entity tag of a serialisable answer, as `GET` gives it.
pub fn tag_of<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    Ok(etag::of(
        &serde_json::to_vec(value).map_err(ApiError::internal)?,
    ))
}

/// 412 unless `if_match` names the course as `GET` gives it in one of its languages.
fn check_course_precondition(
    conn: &mut DbConn,
    course: &Course,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    let Some(cond) = if_match else {
        return Ok(());
    };
    if matches!(cond, IfMatch::Any) {
        return Ok(());
    }
    for t in repo::translations(conn, &[course.id])? {
        let view = course_view(conn, course, &Preferences(vec![t.language]))?;
        if cond.matches(&tag_of(&view)?) {
            return Ok(());
        }
    }
    Err(ApiError::PreconditionFailed)
}

/// 412 unless `if_match` names the lesson as `GET` gives it in one of its languages.
fn check_lesson_precondition(
    conn: &mut DbConn,
    lesson: &Lesson,
    default_language: &str,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    let Some(cond) = if_match else {
        return Ok(());
    };
    if matches!(cond, IfMatch::Any) {
        return Ok(());
    }
    let translations = repo::lesson_translations(conn, &[lesson.id])?;
    let refs: Vec<&LessonTranslation> = translations.iter().collect();
    for t in &translations {
        let view = lesson_view_from(
            lesson,
            &refs,
            default_language,
            &Preferences(vec![t.language.clone()]),
        );
        if cond.matches(&tag_of(&view)?) {
            return Ok(());
        }
    }
    Err(ApiError::PreconditionFailed)
}

// ---------------------------------------------------------------- permissions

fn is_owner(conn: &mut DbConn, course_id: i64, user: Option<&AuthUser>) -> Result<bool, ApiError> {
    match user {
        Some(u) => Ok(repo::is_owner(conn, course_id, u.id)?),
        None => Ok(false),
    }
}

/// A course the caller may see: drafts only for their owners, coordinators and admins
/// (404 for everyone else, as if it did not exist).
fn visible_course(conn: &mut DbConn, id: i64, user: Option<&AuthUser>) -> Result<Course, ApiError> {
    let course = repo::find_course(conn, id)?.ok_or(ApiError::NotFound)?;
    if course.is_draft() {
        let Some(u) = user else {
            return Err(ApiError::NotFound);
        };
        let is_owner = is_owner(conn, id, user)?;
        if !allowed(u, Action::ViewUnpublishedCourse { is_owner }) {
            return Err(ApiError::NotFound);
        }
    }
    Ok(course)
}

/// A course the caller may edit (403 when not), locked for the transaction.
fn editable_course(conn: &mut DbConn, id: i64, user: &AuthUser) -> Result<Course, ApiError> {
    repo::lock_course(conn, id)?;
    let course = repo::find_course(conn, id)?.ok_or(ApiError::NotFound)?;
    let is_owner = repo::is_owner(conn, id, user.id)?;
    authorize(user, Action::EditCourse { is_owner })?;
    Ok(course)
}

fn editable_module(
    conn: &mut DbConn,
    id: i64,
    user: &AuthUser,
) -> Result<(Module, Course), ApiError> {
    let module = repo::find_module(conn, id)?.ok_or(ApiError::NotFound)?;
    let course = editable_course(conn, module.course_id, user)?;
    Ok((module, course))
}

fn editable_lesson(
    conn: &mut DbConn,
    id: i64,
    user: &AuthUser,
) -> Result<(Lesson, Course), ApiError> {
    let lesson = repo::find_lesson(conn, id)?.ok_or(ApiError::NotFound)?;
    let course = editable_course(conn, lesson.course_id, user)?;
    Ok((lesson, course))
}

/// Whether the caller may read the lesson content of `course`: 401 for anonymous callers
/// and 403 for others when not.
fn check_content_access(
    conn: &mut DbConn,
    course: &Course,
    user: Option<&AuthUser>,
) -> Result<(), ApiError> {
    if course.is_public() {
        return Ok(());
    }
    let Some(u) = user else {
        return Err(ApiError::unauthorized(
            "login_required",
            "the lessons of this course are for its members: log in",
        ));
    };
    let is_owner = repo::is_owner(conn, course.id, u.id)?;
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

fn slug_taken() -> ApiError {
    ApiError::Conflict {
        code: "slug_taken",
        detail: "another course has this slug".to_owned(),
    }
}

fn unique_slug(err: DieselError) -> ApiError {
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
    pub prefs: Preferences,
}

/// One page of the catalogue.
pub async fn catalogue(
    db: &Db,
    user: Option<AuthUser>,
    mut req: CatalogueRequest,
) -> Result<Page<CatalogueItem>, ApiError> {
    if req.filter.status != CourseStatus::Published {
        let Some(u) = &user else {
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
    db.read(move |conn| {
        let after: Option<CatalogueKey> = req.page.after.clone();
        let rows = repo::catalogue(
            conn,
            &req.filter,
            req.order,
            after.as_ref(),
            req.page.fetch_limit(),
        )?;
        let ids: Vec<i64> = rows.iter().map(|(c, _)| c.id).collect();
        let translations = repo::translations(conn, &ids)?;
        let mut by_course: HashMap<i64, Vec<&CourseTranslation>> = HashMap::new();
        for t in &translations {
            by_course.entry(t.course_id).or_default().push(t);
        }
        let mut topics: HashMap<i64, Vec<String>> = HashMap::new();
        for (id, t) in repo::topics(conn, &ids)? {
            topics.entry(id).or_default().push(t);
        }
        let q = req.filter.q.clone();
        let q_lang = req.filter.q_language.clone().unwrap_or_default();
        let ranked = q.is_some() && req.order != CatalogueOrder::Updated;
        let status = req.filter.status;
        let mut items = Vec::with_capacity(rows.len());
        for (course, title) in rows {
            let ts = by_course.remove(&course.id).unwrap_or_default();
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
            let key = (rank, repo::sort_key(&course, &title, req.order));
            let removed = course.deleted_at.is_some() || course.status != status.as_str();
            let item = if removed {
                CatalogueItem::Deleted(Tombstone {
                    id: course.id,
                    deleted: true,
                    updated_at: utc(course.updated_at),
                })
            } else {
                let (summary, _) = summary_of(
                    &course,
                    &ts,
                    topics.remove(&course.id).unwrap_or_default(),
                    &req.prefs,
                )?;
                CatalogueItem::Course(Box::new(summary))
            };
            items.push((key, course.id, item));
        }
        Ok(req.page.finish(
            items,
            req.sort_name,
            |(key, id, _)| (key.clone(), *id),
            |(_, _, item)| item,
        ))
    })
    .await
}

/// One course with its outline, for whoever may see it.
pub async fn get_course(
    db: &Db,
    user: Option<AuthUser>,
    id: i64,
    prefs: Preferences,
) -> Result<CourseResponse, ApiError> {
    db.read(move |conn| {
        let course = visible_course(conn, id, user.as_ref())?;
        course_view(conn, &course, &prefs)
    })
    .await
}

/// One module (with the visibility of its course).
pub async fn get_module(
    db: &Db,
    user: Option<AuthUser>,
    id: i64,
    prefs: Preferences,
) -> Result<ModuleResponse, ApiError> {
    db.read(move |conn| {
        let module = repo::find_module(conn, id)?.ok_or(ApiError::NotFound)?;
        let course = visible_course(conn, module.course_id, user.as_ref())?;
        module_view(conn, &module, &course.default_language, &prefs)
    })
    .await
}

/// One lesson with its content: public courses for anyone; members-only courses for the
/// enrolled, the owners, coordinators and admins.
pub async fn get_lesson(
    db: &Db,
    user: Option<AuthUser>,
    id: i64,
    prefs: Preferences,
) -> Result<LessonResponse, ApiError> {
    db.read(move |conn| {
        let lesson = repo::find_lesson(conn, id)?.ok_or(ApiError::NotFound)?;
        let course = visible_course(conn, lesson.course_id, user.as_ref())?;
        check_content_access(conn, &course, user.as_ref())?;
        lesson_view(conn, &lesson, &course.default_language, &prefs)
    })
    .await
}

/// A course's lessons with content, for sync.
pub async fn list_lessons(
    db: &Db,
    user: Option<AuthUser>,
    course_id: i64,
    since: Option<chrono::NaiveDateTime>,
    with_deleted: bool,
    page: PageRequest<String>,
    prefs: Preferences,
) -> Result<Page<LessonItem>, ApiError> {
    let sort = if since.is_some() { "updated" } else { "id" };
    db.read(move |conn| {
        let course = visible_course(conn, course_id, user.as_ref())?;
        check_content_access(conn, &course, user.as_ref())?;
        let after = page.after.clone();
        let rows = repo::sync_lessons(
            conn,
            course_id,
            since,
            with_deleted,
            after.as_ref(),
            page.fetch_limit(),
        )?;
        let ids: Vec<i64> = rows.iter().map(|l| l.id).collect();
        let translations = repo::lesson_translations(conn, &ids)?;
        let mut by_lesson: HashMap<i64, Vec<&LessonTranslation>> = HashMap::new();
        for t in &translations {
            by_lesson.entry(t.lesson_id).or_default().push(t);
        }
        let items: Vec<(String, i64, LessonItem)> = rows
            .iter()
            .map(|l| {
                let key = l.updated_at.format(repo::TIME_KEY_FORMAT).to_string();
                let item = if l.deleted_at.is_some() {
                    LessonItem::Deleted(Tombstone {
                        id: l.id,
                        deleted: true,
                        updated_at: utc(l.updated_at),
                    })
                } else {
                    LessonItem::Lesson(Box::new(lesson_view_from(
                        l,
                        by_lesson.get(&l.id).map(Vec::as_slice).unwrap_or(&[]),
                        &course.default_language,
                        &prefs,
                    )))
                };
                (key, l.id, item)
            })
            .collect();
        Ok(page.finish(
            items,
            sort,
            |(k, id, _)| (k.clone(), *id),
            |(_, _, item)| item,
        ))
    })
    .await
}

// ---------------------------------------------------------------- course writes

/// A trainer (or coordinator, admin) creates a draft course and becomes its owner.
pub async fn create_course(
    db: &Db,
    user: &AuthUser,
    input: NewCourseInput,
) -> Result<CourseResponse, ApiError> {
    authorize(user, Action::CreateCourse)?;
    let user_id = user.id;
    db.write(move |conn| {
        let f = input.fields;
        if repo::slug_taken(conn, &f.slug, None)? {
            return Err(slug_taken());
        }
        let at = now();
        let course = repo::insert_course(
            conn,
            &NewCourse {
                slug: f.slug.clone(),
                default_language: f.default_language.clone(),
                level: f.level.as_str().to_owned(),
                format: f.format.as_str().to_owned(),
                estimated_hours: f.estimated_hours,
                licence: f.licence.clone(),
                status: CourseStatus::Draft.as_str().to_owned(),
                visibility: f.visibility.as_str().to_owned(),
                capacity: f.capacity,
                created_by: Some(user_id),
                created_at: at,
                updated_at: at,
                published_at: None,
            },
        )
        .map_err(unique_slug)?;
        put_course_texts(conn, course.id, &f.default_language, &input.texts, at)?;
        repo::set_topics(conn, course.id, &f.topics)?;
        repo::add_owner(conn, course.id, user_id)?;
        course_view(conn, &course, &Preferences::default())
    })
    .await
}

fn put_course_texts(
    conn: &mut DbConn,
    course_id: i64,
    language: &str,
    texts: &CourseTexts,
    at: chrono::NaiveDateTime,
) -> Result<bool, ApiError> {
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

/// Changes a course's own fields (owners, coordinators, admins), if it is still the
/// version `if_match` names.
pub async fn update_course(
    db: &Db,
    user: &AuthUser,
    id: i64,
    if_match: Option<IfMatch>,
    patch: CoursePatch,
    prefs: Preferences,
) -> Result<CourseResponse, ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        let course = editable_course(conn, id, &user)?;
        check_course_precondition(conn, &course, if_match.as_ref())?;
        let current = fields_of(conn, &course)?;
        let target = CourseFields {
            slug: patch.slug.clone().unwrap_or_else(|| current.slug.clone()),
            default_language: patch
                .default_language
                .clone()
                .unwrap_or_else(|| current.default_language.clone()),
            topics: patch.topics.clone().unwrap_or_else(|| current.topics.clone()),
            level: patch.level.unwrap_or(current.level),
            format: patch.format.unwrap_or(current.format),
            estimated_hours: patch.estimated_hours.unwrap_or(current.estimated_hours),
            licence: patch.licence.clone().unwrap_or_else(|| current.licence.clone()),
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
            && !repo::translations(conn, &[id])?
                .iter()
                .any(|t| t.language == target.default_language)
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
            level: (target.level != current.level).then(|| target.level.as_str().to_owned()),
            format: (target.format != current.format).then(|| target.format.as_str().to_owned()),
            estimated_hours: (target.estimated_hours != current.estimated_hours)
                .then_some(target.estimated_hours),
            licence: (target.licence != current.licence).then(|| target.licence.clone()),
            visibility: (target.visibility != current.visibility)
                .then(|| target.visibility.as_str().to_owned()),
            capacity: (target.capacity != current.capacity).then_some(target.capacity),
            updated_at: Some(now()),
            ..CourseChanges::default()
        };
        if target.topics != current.topics {
            repo::set_topics(conn, id, &target.topics)?;
        }
        let course = repo::update_course(conn, id, &changes).map_err(unique_slug)?;
        course_view(conn, &course, &prefs)
    })
    .await
}

fn fields_of(conn: &mut DbConn, c: &Course) -> Result<CourseFields, ApiError> {
    Ok(CourseFields {
        slug: c.slug.clone(),
        default_language: c.default_language.clone(),
        topics: repo::topics(conn, &[c.id])?
            .into_iter()
            .map(|(_, t)| t)
            .collect(),
        level: Level::parse(&c.level).ok_or_else(|| broken("level", c.id))?,
        format: Format::parse(&c.format).ok_or_else(|| broken("format", c.id))?,
        estimated_hours: c.estimated_hours,
        licence: c.licence.clone(),
        visibility: Visibility::parse(&c.visibility).ok_or_else(|| broken("visibility", c.id))?,
        capacity: c.capacity,
    })
}

/// Creates or replaces the course's texts in one language; `true` when created.
pub async fn put_course_translation(
    db: &Db,
    user: &AuthUser,
    id: i64,
    language: String,
    texts: CourseTexts,
) -> Result<(CourseResponse, bool), ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        editable_course(conn, id, &user)?;
        let at = now();
        let created = put_course_texts(conn, id, &language, &texts, at)?;
        repo::touch_course(conn, id, at)?;
        let course = repo::find_course(conn, id)?.ok_or(ApiError::NotFound)?;
        Ok((
            course_view(conn, &course, &Preferences(vec![language]))?,
            created,
        ))
    })
    .await
}

/// Soft-deletes a course (a tombstone for sync) and frees its slug.
pub async fn delete_course(
    db: &Db,
    user: &AuthUser,
    id: i64,
    if_match: Option<IfMatch>,
) -> Result<(), ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        let course = editable_course(conn, id, &user)?;
        check_course_precondition(conn, &course, if_match.as_ref())?;
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
    })
    .await
}

/// A status change asked for.
#[derive(Debug, Clone, Copy)]
pub enum Transition {
    Publish,
    Archive,
}

/// Publishes (from draft or archived) or archives (from published) a course: coordinators
/// and admins.
pub async fn transition(
    db: &Db,
    user: &AuthUser,
    id: i64,
    to: Transition,
    prefs: Preferences,
) -> Result<CourseResponse, ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        repo::lock_course(conn, id)?;
        let course = repo::find_course(conn, id)?.ok_or(ApiError::NotFound)?;
        authorize(&user, Action::PublishCourse)?;
        let at = now();
        let changes = match to {
            Transition::Publish if !course.is_published() => CourseChanges {
                status: Some(CourseStatus::Published.as_str().to_owned()),
                published_at: Some(Some(course.published_at.unwrap_or(at))),
                updated_at: Some(at),
                ..CourseChanges::default()
            },
            Transition::Archive if course.is_published() => CourseChanges {
                status: Some(CourseStatus::Archived.as_str().to_owned()),
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
        course_view(conn, &course, &prefs)
    })
    .await
}

/// Makes a trainer (or coordinator, admin) an owner of the course.
pub async fn add_owner(db: &Db, user: &AuthUser, id: i64, owner: i64) -> Result<(), ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        editable_course(conn, id, &user)?;
        let role = repo::user_role(conn, owner)?;
        match role {
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
    })
    .await
}

/// Removes an owner; the last owner stays.
pub async fn remove_owner(db: &Db, user: &AuthUser, id: i64, owner: i64) -> Result<(), ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        editable_course(conn, id, &user)?;
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
    })
    .await
}

// ---------------------------------------------------------------- structure writes

/// Adds a module at the end of a course.
pub async fn create_module(
    db: &Db,
    user: &AuthUser,
    course_id: i64,
    title: String,
) -> Result<ModuleResponse, ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        let course = editable_course(conn, course_id, &user)?;
        let position = repo::modules(conn, course_id)?
            .iter()
            .map(|m| m.position)
            .max()
            .unwrap_or(0)
            + 1;
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
    })
    .await
}

/// Sets a module's title in one language (the default language for `PATCH`).
pub async fn put_module_title(
    db: &Db,
    user: &AuthUser,
    id: i64,
    language: Option<String>,
    title: String,
) -> Result<ModuleResponse, ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        let (_, course) = editable_module(conn, id, &user)?;
        let language = language.unwrap_or_else(|| course.default_language.clone());
        repo::upsert_module_translation(
            conn,
            &NewModuleTranslation {
                module_id: id,
                language: language.clone(),
                title,
            },
        )?;
        let at = now();
        repo::touch_module(conn, id, at)?;
        repo::touch_course(conn, course.id, at)?;
        let module = repo::find_module(conn, id)?.ok_or(ApiError::NotFound)?;
        module_view(
            conn,
            &module,
            &course.default_language,
            &Preferences(vec![language]),
        )
    })
    .await
}

/// Soft-deletes a module with its lessons; the others close the gap.
pub async fn delete_module(db: &Db, user: &AuthUser, id: i64) -> Result<(), ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        let (module, course) = editable_module(conn, id, &user)?;
        let at = now();
        repo::delete_module(conn, id, at)?;
        for (i, m) in repo::modules(conn, module.course_id)?.iter().enumerate() {
            let position = i32::try_from(i + 1).map_err(ApiError::internal)?;
            if m.position != position {
                repo::set_module_position(conn, m.id, position, at)?;
            }
        }
        repo::touch_course(conn, course.id, at)?;
        Ok(())
    })
    .await
}

fn order_mismatch(field: &str, what: &str) -> ApiError {
    ApiError::Validation(vec![FieldError::new(
        field,
        "order_mismatch",
        format!("must list every {what} exactly once, and nothing else"),
    )])
}

/// Whether `wanted` is exactly the set `current`, each once.
fn same_set(current: &[i64], wanted: &[i64]) -> bool {
    let set: HashSet<i64> = wanted.iter().copied().collect();
    set.len() == wanted.len()
        && wanted.len() == current.len()
        && current.iter().all(|id| set.contains(id))
}

/// Puts a course's modules in the given order.
pub async fn order_modules(
    db: &Db,
    user: &AuthUser,
    course_id: i64,
    module_ids: Vec<i64>,
    prefs: Preferences,
) -> Result<CourseResponse, ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        editable_course(conn, course_id, &user)?;
        let modules = repo::modules(conn, course_id)?;
        let current: Vec<i64> = modules.iter().map(|m| m.id).collect();
        if !same_set(&current, &module_ids) {
            return Err(order_mismatch("module_ids", "module of the course"));
        }
        let at = now();
        let positions: HashMap<i64, i32> = modules.iter().map(|m| (m.id, m.position)).collect();
        for (i, id) in module_ids.iter().enumerate() {
            let position = i32::try_from(i + 1).map_err(ApiError::internal)?;
            if positions.get(id) != Some(&position) {
                repo::set_module_position(conn, *id, position, at)?;
            }
        }
        repo::touch_course(conn, course_id, at)?;
        let course = repo::find_course(conn, course_id)?.ok_or(ApiError::NotFound)?;
        course_view(conn, &course, &prefs)
    })
    .await
}

/// Puts a module's lessons in the given order.
pub async fn order_lessons(
    db: &Db,
    user: &AuthUser,
    module_id: i64,
    lesson_ids: Vec<i64>,
    prefs: Preferences,
) -> Result<CourseResponse, ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        let (_, course) = editable_module(conn, module_id, &user)?;
        let lessons = repo::module_lessons(conn, module_id)?;
        let current: Vec<i64> = lessons.iter().map(|l| l.id).collect();
        if !same_set(&current, &lesson_ids) {
            return Err(order_mismatch("lesson_ids", "lesson of the module"));
        }
        let at = now();
        let positions: HashMap<i64, i32> = lessons.iter().map(|l| (l.id, l.position)).collect();
        for (i, id) in lesson_ids.iter().enumerate() {
            let position = i32::try_from(i + 1).map_err(ApiError::internal)?;
            if positions.get(id) != Some(&position) {
                repo::set_lesson_position(conn, *id, position, at)?;
            }
        }
        repo::touch_module(conn, module_id, at)?;
        repo::touch_course(conn, course.id, at)?;
        let course = repo::find_course(conn, course.id)?.ok_or(ApiError::NotFound)?;
        course_view(conn, &course, &prefs)
    })
    .await
}

fn lesson_fields(l: &Lesson) -> Result<LessonFields, ApiError> {
    Ok(LessonFields {
        kind: LessonKind::parse(&l.kind).ok_or_else(|| broken("lesson kind", l.course_id))?,
        required: l.required,
        duration_minutes: l.duration_minutes,
        url: l.url.clone(),
        size_bytes: l.size_bytes,
        media_type: l.media_type.clone(),
        caption_languages: split_langs(&l.caption_languages),
    })
}

/// Adds a lesson at the end of a module.
pub async fn create_lesson(
    db: &Db,
    user: &AuthUser,
    module_id: i64,
    input: NewLessonInput,
) -> Result<LessonResponse, ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        let (module, course) = editable_module(conn, module_id, &user)?;
        let position = repo::module_lessons(conn, module_id)?
            .iter()
            .map(|l| l.position)
            .max()
            .unwrap_or(0)
            + 1;
        let at = now();
        let f = &input.fields;
        let lesson = repo::insert_lesson(
            conn,
            &NewLesson {
                module_id,
                course_id: module.course_id,
                position,
                kind: f.kind.as_str().to_owned(),
                required: f.required,
                duration_minutes: f.duration_minutes,
                url: f.url.clone(),
                size_bytes: f.size_bytes,
                media_type: f.media_type.clone(),
                caption_languages: f.caption_languages.join(","),
                created_at: at,
                updated_at: at,
            },
        )?;
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
            &lesson,
            &course.default_language,
            &Preferences::default(),
        )
    })
    .await
}

/// Changes a lesson, if it is still the version `if_match` names.
pub async fn update_lesson(
    db: &Db,
    user: &AuthUser,
    id: i64,
    if_match: Option<IfMatch>,
    patch: LessonPatch,
    prefs: Preferences,
) -> Result<LessonResponse, ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        let (lesson, course) = editable_lesson(conn, id, &user)?;
        check_lesson_precondition(conn, &lesson, &course.default_language, if_match.as_ref())?;
        let current = lesson_fields(&lesson)?;
        let (next, title, content) = patch.apply(&current)?;
        let default = course.default_language.clone();
        let mut changed = false;
        if title.is_some() || content.is_some() {
            let existing = repo::lesson_translations(conn, &[id])?
                .into_iter()
                .find(|t| t.language == default);
            let (old_title, old_content) =
                existing.map(|t| (t.title, t.content)).unwrap_or_default();
            let new_title = title.unwrap_or_else(|| old_title.clone());
            let new_content = content.unwrap_or_else(|| old_content.clone());
            if new_title != old_title || new_content != old_content {
                repo::upsert_lesson_translation(
                    conn,
                    &NewLessonTranslation {
                        lesson_id: id,
                        language: default.clone(),
                        title: new_title,
                        content: new_content,
                    },
                )?;
                changed = true;
            }
        }
        let at = now();
        let lesson = if next != current {
            changed = true;
            repo::update_lesson(
                conn,
                id,
                &LessonChanges {
                    kind: next.kind.as_str().to_owned(),
                    required: next.required,
                    duration_minutes: Some(next.duration_minutes),
                    url: Some(next.url.clone()),
                    size_bytes: Some(next.size_bytes),
                    media_type: Some(next.media_type.clone()),
                    caption_languages: next.caption_languages.join(","),
                    updated_at: at,
                },
            )?
        } else {
            if changed {
                repo::touch_lesson(conn, id, at)?;
            }
            repo::find_lesson(conn, id)?.ok_or(ApiError::NotFound)?
        };
        if changed {
            repo::touch_course(conn, course.id, at)?;
        }
        lesson_view(conn, &lesson, &default, &prefs)
    })
    .await
}

/// Sets a lesson's title and content in one language.
pub async fn put_lesson_translation(
    db: &Db,
    user: &AuthUser,
    id: i64,
    language: String,
    title: String,
    content: String,
) -> Result<LessonResponse, ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        let (_, course) = editable_lesson(conn, id, &user)?;
        repo::upsert_lesson_translation(
            conn,
            &NewLessonTranslation {
                lesson_id: id,
                language: language.clone(),
                title,
                content,
            },
        )?;
        let at = now();
        repo::touch_lesson(conn, id, at)?;
        repo::touch_course(conn, course.id, at)?;
        let lesson = repo::find_lesson(conn, id)?.ok_or(ApiError::NotFound)?;
        lesson_view(
            conn,
            &lesson,
            &course.default_language,
            &Preferences(vec![language]),
        )
    })
    .await
}

/// Soft-deletes a lesson (a tombstone for sync); the others close the gap.
pub async fn delete_lesson(
    db: &Db,
    user: &AuthUser,
    id: i64,
    if_match: Option<IfMatch>,
) -> Result<(), ApiError> {
    let user = user.clone();
    db.write(move |conn| {
        let (lesson, course) = editable_lesson(conn, id, &user)?;
        check_lesson_precondition(conn, &lesson, &course.default_language, if_match.as_ref())?;
        let at = now();
        repo::delete_lesson(conn, id, at)?;
        for (i, l) in repo::module_lessons(conn, lesson.module_id)?
            .iter()
            .enumerate()
        {
            let position = i32::try_from(i + 1).map_err(ApiError::internal)?;
            if l.position != position {
                repo::set_lesson_position(conn, l.id, position, at)?;
            }
        }
        repo::touch_module(conn, lesson.module_id, at)?;
        repo::touch_course(conn, course.id, at)?;
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::same_set;

    #[test]
    fn an_order_names_each_id_once() {
        assert!(same_set(&[1, 2, 3], &[3, 1, 2]));
        assert!(!same_set(&[1, 2, 3], &[3, 1]));
        assert!(!same_set(&[1, 2, 3], &[3, 1, 1]));
        assert!(!same_set(&[1, 2], &[1, 2, 2]));
        assert!(!same_set(&[1, 2], &[1, 9]));
        assert!(same_set(&[], &[]));
    }
}
