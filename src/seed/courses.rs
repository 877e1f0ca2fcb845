//! Demo and scale courses: `seed --demo` adds the demo catalogue, `seed --scale N` adds
//! N/10 synthetic courses of about 50 lessons each.
//!
//! Both go through the courses domain as the API does: every text and field is a request
//! body parsed by the domain's own `TryFrom`/parse functions, courses, translations and
//! modules are written by the courses service as the demo trainer (who becomes the owner),
//! and the demo coordinator publishes them. Scale lessons are checked the same way and
//! inserted in batches with the service's own row builder.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use crate::auth::AuthUser;
use crate::courses::dto::{
    CourseTexts, CourseTranslationRequest, CreateCourseRequest, CreateLessonRequest,
    LessonTranslationRequest, NewCourseInput, NewLessonInput, lesson_texts, module_title,
    path_language,
};
use crate::courses::model::{LessonKind, NewLessonTranslation, Visibility};
use crate::courses::repo;
use crate::courses::service::{self, Transition};
use crate::db::schema::courses;
use crate::db::{Db, DbConn, now, write_transaction};
use crate::error::ApiError;
use crate::http::language::Preferences;
use crate::types::ids::{CourseId, ModuleId};

use super::data::{Course, CourseTexts as DemoTexts, ScaleCourses};

/// The demo trainer, author and owner of every seeded course.
pub(super) const DEMO_TRAINER: &str = "trainer@demo.bayanihan.org";
/// The demo coordinator, who publishes them.
const DEMO_COORDINATOR: &str = "coordinator@demo.bayanihan.org";
/// Licence of every seeded course.
const LICENCE: &str = "CC-BY-4.0";

/// Adds the demo catalogue (published, owned by the demo trainer); courses whose slug
/// exists already are skipped. Returns how many were added.
pub fn demo(db: &Db, demo: &[Course]) -> anyhow::Result<usize> {
    let mut conn = db.conn()?;
    Ok(write_transaction(&mut conn, |conn| {
        demo_courses(conn, demo)
    })?)
}

fn demo_courses(conn: &mut DbConn, demo: &[Course]) -> Result<usize, ApiError> {
    let trainer = super::actor(conn, DEMO_TRAINER)?;
    let coordinator = super::actor(conn, DEMO_COORDINATOR)?;
    let mut added = 0;
    for c in demo {
        if repo::slug_taken(conn, &c.slug, None)? {
            continue;
        }
        let id = demo_course(conn, &trainer, c)?;
        publish(conn, &coordinator, id)?;
        added += 1;
    }
    Ok(added)
}

/// A demo course as its author writes it through the API: `POST /courses` in the default
/// language, a translation for each other language, then its modules and lessons in order,
/// each with its translations.
fn demo_course(conn: &mut DbConn, trainer: &AuthUser, c: &Course) -> Result<CourseId, ApiError> {
    let Some((default, texts)) = c.texts.first() else {
        return Err(missing(&c.slug, "texts"));
    };
    if *default != c.default_language {
        return Err(missing(&c.slug, "texts in its default language"));
    }
    let input = NewCourseInput::try_from(CreateCourseRequest {
        slug: c.slug.clone(),
        default_language: c.default_language.clone(),
        title: texts.title.clone(),
        summary: Some(texts.summary.clone()),
        description: Some(texts.description.clone()),
        topics: c.topics.clone(),
        level: c.level,
        format: c.format,
        estimated_hours: Some(c.hours),
        licence: Some(LICENCE.to_owned()),
        visibility: Some(c.visibility),
        capacity: None,
    })?;
    let course_id = service::create_course(conn, trainer, input)?
        .view
        .summary
        .id;
    let others = &c.texts[1..];
    for (language, t) in others {
        let texts = CourseTexts::try_from(CourseTranslationRequest {
            title: t.title.clone(),
            summary: Some(t.summary.clone()),
            description: Some(t.description.clone()),
            minor: None,
        })?;
        let language = path_language(language)?;
        service::put_course_translation(conn, trainer, course_id, language, texts, false)?;
    }
    for m in &c.modules {
        let title = texts
            .modules
            .get(&m.key)
            .ok_or_else(|| missing(&c.slug, &m.key))?;
        let module = service::create_module(conn, trainer, course_id, module_title(&title.title)?)?;
        let module_id = module.view.id;
        for (language, t) in others {
            if let Some(text) = t.modules.get(&m.key) {
                let (language, title) = (path_language(language)?, module_title(&text.title)?);
                service::put_module_translation(conn, trainer, module_id, language, title, false)?;
            }
        }
        for l in &m.lessons {
            demo_lesson(conn, trainer, module_id, l, texts, others, &c.slug)?;
        }
    }
    Ok(course_id)
}

fn demo_lesson(
    conn: &mut DbConn,
    trainer: &AuthUser,
    module_id: ModuleId,
    l: &super::data::Lesson,
    texts: &DemoTexts,
    others: &[(String, DemoTexts)],
    slug: &str,
) -> Result<(), ApiError> {
    let text = texts
        .lessons
        .get(&l.key)
        .ok_or_else(|| missing(slug, &l.key))?;
    let input = NewLessonInput::try_from(CreateLessonRequest {
        kind: l.kind,
        title: text.title.clone(),
        content: Some(text.content.clone()),
        required: Some(l.required),
        duration_minutes: l.minutes,
        url: l.url.clone(),
        size_bytes: l.size_bytes,
        media_type: l.media_type.clone(),
        caption_languages: (!l.captions.is_empty()).then(|| l.captions.clone()),
    })?;
    let lesson_id = service::create_lesson(conn, trainer, module_id, input)?
        .view
        .lesson
        .id;
    for (language, t) in others {
        if let Some(text) = t.lessons.get(&l.key) {
            let (title, content) = lesson_texts(LessonTranslationRequest {
                title: text.title.clone(),
                content: Some(text.content.clone()),
                minor: None,
            })?;
            let language = path_language(language)?;
            service::put_lesson_translation(
                conn, trainer, lesson_id, language, title, content, false,
            )?;
        }
    }
    Ok(())
}

fn publish(conn: &mut DbConn, coordinator: &AuthUser, id: CourseId) -> Result<(), ApiError> {
    service::transition(
        conn,
        coordinator,
        id,
        Transition::Publish,
        Preferences::default(),
    )?;
    Ok(())
}

fn missing(slug: &str, what: &str) -> ApiError {
    ApiError::internal(anyhow::anyhow!("demo course {slug}: no {what}"))
}

/// Prefix of every synthetic course's slug.
const SCALE_PREFIX: &str = "scale-course-";
/// Modules of a synthetic course, and lessons of each module: 50 lessons a course.
const SCALE_MODULES: usize = 5;
const SCALE_LESSONS: usize = 10;

/// Makes sure N/10 synthetic published courses (at least one) exist, each with 5 modules
/// of 10 lessons, owned by the demo trainer; in one transaction. Returns how many were added.
pub fn scale(db: &Db, n: usize, words: &ScaleCourses) -> anyhow::Result<usize> {
    let wanted = (n / 10).max(1);
    let mut conn = db.conn()?;
    Ok(write_transaction(&mut conn, |conn| {
        scale_courses(conn, wanted, words)
    })?)
}

fn scale_courses(
    conn: &mut DbConn,
    wanted: usize,
    words: &ScaleCourses,
) -> Result<usize, ApiError> {
    let existing: HashSet<String> = courses::table
        .filter(courses::slug.like(format!("{SCALE_PREFIX}%")))
        .select(courses::slug)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let trainer = super::actor(conn, DEMO_TRAINER)?;
    let coordinator = super::actor(conn, DEMO_COORDINATOR)?;
    let mut added = 0;
    for i in 0..wanted {
        let slug = format!("{SCALE_PREFIX}{:06}", i + 1);
        if existing.contains(&slug) {
            continue;
        }
        let word = &words.words[i % words.words.len()];
        let summary = |i: usize| {
            Some(format!(
                "Synthetic course {} for load tests: {word}.",
                i + 1
            ))
        };
        let input = NewCourseInput::try_from(CreateCourseRequest {
            slug,
            default_language: "en".to_owned(),
            title: format!("{word} course {:06}", i + 1),
            summary: summary(i),
            description: Some("A synthetic course.".to_owned()),
            topics: vec![words.topics[i % words.topics.len()].clone()],
            level: words.levels[i % words.levels.len()],
            format: words.formats[i % words.formats.len()],
            estimated_hours: Some(f64::from(u8::try_from(i % 20).unwrap_or(0)) + 2.0),
            licence: Some(LICENCE.to_owned()),
            visibility: Some(if i % 4 == 0 {
                Visibility::Members
            } else {
                Visibility::Public
            }),
            capacity: None,
        })?;
        let course_id = service::create_course(conn, &trainer, input)?
            .view
            .summary
            .id;
        if i % 3 == 0 {
            let texts = CourseTexts::try_from(CourseTranslationRequest {
                title: format!("Kurso sa {word} {:06}", i + 1),
                summary: summary(i),
                description: Some("A synthetic course.".to_owned()),
                minor: None,
            })?;
            let fil = "fil".to_owned();
            service::put_course_translation(conn, &trainer, course_id, fil, texts, false)?;
        }
        for m in 0..SCALE_MODULES {
            let title = module_title(&format!("Module {}", m + 1))?;
            service::create_module(conn, &trainer, course_id, title)?;
        }
        scale_lessons(conn, course_id, word)?;
        publish(conn, &coordinator, course_id)?;
        added += 1;
    }
    Ok(added)
}

/// The lessons of a synthetic course's (empty) modules: each checked as a
/// `POST /modules/{id}/lessons` body, then inserted in two batches with the service's row.
fn scale_lessons(conn: &mut DbConn, course_id: CourseId, word: &str) -> Result<(), ApiError> {
    let at = now();
    let modules = repo::modules(conn, course_id)?;
    let mut rows = Vec::with_capacity(modules.len() * SCALE_LESSONS);
    let mut texts = HashMap::with_capacity(rows.capacity());
    for m in &modules {
        for l in 0..SCALE_LESSONS {
            let video = l % 5 == 4;
            let position = i32::try_from(l + 1).unwrap_or(i32::MAX);
            let title = format!("Lesson {}.{position}", m.position);
            let input = NewLessonInput::try_from(CreateLessonRequest {
                kind: if video {
                    LessonKind::Video
                } else {
                    LessonKind::Text
                },
                content: Some(format!(
                    "## {title}\n\nWhat **{word}** means at your workplace. Discuss with your union and note one action."
                )),
                title,
                required: Some(l % 7 != 6),
                duration_minutes: Some(i32::try_from(5 + l).unwrap_or(5)),
                url: video.then(|| format!("https://media.bayanihan.example/scale/{}.mp4", m.id)),
                size_bytes: None,
                media_type: None,
                caption_languages: video.then(|| vec!["en".to_owned()]),
            })?;
            rows.push(service::lesson_row(m, position, input.fields, at));
            texts.insert((m.id, position), (input.title, input.content));
        }
    }
    let lessons = repo::insert_lessons(conn, &rows)?;
    repo::insert_lesson_translations(
        conn,
        &lessons
            .iter()
            .filter_map(|l| {
                let (title, content) = texts.remove(&(l.module_id, l.position))?;
                Some(NewLessonTranslation {
                    lesson_id: l.id,
                    language: "en".to_owned(),
                    title,
                    content,
                })
            })
            .collect::<Vec<_>>(),
    )?;
    Ok(())
}
