//! Demo language access (issue 17): translators, an outdated and a missing translation,
//! learners' requests and the union glossary, from `data/translations.toml`, loaded through
//! the services the API uses. A second run adds nothing.

use diesel::prelude::*;
use serde::Deserialize;

use crate::courses::dto::{LessonPatch, UpdateLessonRequest};
use crate::courses::repo as courses;
use crate::courses::service as course_service;
use crate::db::schema::courses as courses_table;
use crate::db::{Db, DbConn, write_transaction};
use crate::error::ApiError;
use crate::http::language::Preferences;
use crate::library::model::ResourceTexts;
use crate::translations::model::{Requested, TextKind};
use crate::translations::repo;
use crate::translations::service::{self, GlossaryInput};
use crate::types::ids::{CourseId, ResourceId};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Demo {
    translators: Vec<Translator>,
    outdated: Outdated,
    requests: Vec<Request>,
    glossary: Vec<Term>,
    outdated_resource: OutdatedResource,
    resource_requests: Vec<ResourceRequest>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutdatedResource {
    /// The resource's English title.
    title: String,
    append: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResourceRequest {
    user: String,
    /// The resource's English title.
    resource: String,
    language: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Translator {
    user: String,
    languages: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Outdated {
    course: String,
    append: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    user: String,
    course: String,
    language: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Term {
    en: String,
    fil: String,
    id: String,
    tet: String,
    #[serde(default)]
    note: String,
    /// Languages whose translation a native speaker should check.
    #[serde(default)]
    uncertain: Vec<String>,
}

fn data() -> anyhow::Result<Demo> {
    Ok(toml::from_str(include_str!("data/translations.toml"))?)
}

/// Loads the demo; how many glossary entries were added.
pub fn demo(db: &Db) -> anyhow::Result<usize> {
    let data = data()?;
    let mut conn = db.conn()?;
    let added = write_transaction(&mut conn, |conn| demo_in(conn, &data))?;
    tracing::info!(glossary.added = added, "demo language access seeded");
    Ok(added)
}

fn course_id(conn: &mut DbConn, slug: &str) -> Result<CourseId, ApiError> {
    courses_table::table
        .filter(courses_table::slug.eq(slug))
        .select(courses_table::id)
        .first::<CourseId>(conn)
        .optional()?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("demo course {slug} is missing")))
}

fn demo_in(conn: &mut DbConn, data: &Demo) -> Result<usize, ApiError> {
    let coordinator = super::actor(conn, super::COORDINATOR)?;
    for t in &data.translators {
        let user = super::actor(conn, &t.user)?;
        for language in &t.languages {
            service::grant_translator(conn, &coordinator, user.id, language.clone())?;
        }
    }
    // The outdated translation: the first lesson's English text is revised once.
    let course = course_id(conn, &data.outdated.course)?;
    let first_module = courses::modules(conn, course)?.into_iter().next();
    let first_lesson = match first_module {
        Some(m) => courses::module_lessons(conn, m.id)?.into_iter().next(),
        None => None,
    };
    if let Some(lesson) = first_lesson
        && repo::source_version(conn, TextKind::Lesson, lesson.id.get())? == 1
    {
        let owner = super::actor(conn, super::courses::DEMO_TRAINER)?;
        let (_, content) = courses::lesson_texts(conn, lesson.id, "en")?.unwrap_or_default();
        let patch = LessonPatch::try_from(UpdateLessonRequest {
            content: Some(format!("{content}\n\n{}", data.outdated.append)),
            ..UpdateLessonRequest::default()
        })?;
        course_service::update_lesson(
            conn,
            &owner,
            lesson.id,
            patch,
            None,
            Preferences::default(),
        )?;
    }
    for r in &data.requests {
        let user = super::actor(conn, &r.user)?;
        let course = course_id(conn, &r.course)?;
        service::request_translation(conn, &user, Requested::Course(course), r.language.clone())?;
    }
    let mut added = 0;
    for term in &data.glossary {
        for (language, target) in [("fil", &term.fil), ("id", &term.id), ("tet", &term.tet)] {
            let mut note = term.note.clone();
            if term.uncertain.iter().any(|l| l == language) {
                if !note.is_empty() {
                    note.push(' ');
                }
                note.push_str("Unverified translation: to be checked by a native speaker.");
            }
            let input = GlossaryInput {
                source_language: "en".to_owned(),
                target_language: language.to_owned(),
                source_term: term.en.clone(),
                target_term: target.clone(),
                note,
            };
            match service::add_entry(conn, &coordinator, input) {
                Ok(_) => added += 1,
                Err(ApiError::Conflict {
                    code: "duplicate_term",
                    ..
                }) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(added)
}

/// The library's part, once the demo library is loaded (`seed::library::demo`): an outdated
/// resource translation and requests for resources. A resource that is not there is left
/// out; a second run adds nothing.
pub fn demo_library(db: &Db) -> anyhow::Result<()> {
    let data = data()?;
    let mut conn = db.conn()?;
    write_transaction(&mut conn, |conn| demo_library_in(conn, &data))?;
    tracing::info!("demo language access of the library seeded");
    Ok(())
}

fn resource_id(conn: &mut DbConn, title: &str) -> Result<Option<ResourceId>, ApiError> {
    use crate::db::schema::resource_translations as t;
    Ok(t::table
        .filter(t::language.eq("en"))
        .filter(t::title.eq(title))
        .select(t::resource_id)
        .first::<ResourceId>(conn)
        .optional()?)
}

fn demo_library_in(conn: &mut DbConn, data: &Demo) -> Result<(), ApiError> {
    let coordinator = super::actor(conn, super::COORDINATOR)?;
    let outdated = &data.outdated_resource;
    if let Some(id) = resource_id(conn, &outdated.title)?
        && repo::source_version(conn, TextKind::Resource, id.get())? == 1
    {
        let r = crate::library::repo::find(conn, id)?;
        let en = crate::library::repo::translations(conn, &[id])?
            .into_iter()
            .find(|t| t.language == r.default_language)
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("resource {id} has no texts")))?;
        crate::library::service::put_translation(
            conn,
            &coordinator,
            id,
            r.default_language.clone(),
            ResourceTexts {
                title: en.title,
                description: format!("{} {}", en.description, outdated.append),
            },
            false,
            None,
        )?;
    }
    for r in &data.resource_requests {
        let Some(id) = resource_id(conn, &r.resource)? else {
            continue;
        };
        let user = super::actor(conn, &r.user)?;
        match service::request_translation(conn, &user, Requested::Resource(id), r.language.clone())
        {
            Ok(_)
            | Err(ApiError::Conflict {
                code: "already_translated",
                ..
            }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_glossary_has_thirty_terms_in_three_languages() {
        let demo = super::data().unwrap();
        assert_eq!(demo.glossary.len(), 30);
        for t in &demo.glossary {
            assert!(
                !t.fil.is_empty() && !t.id.is_empty() && !t.tet.is_empty(),
                "{}",
                t.en
            );
            for l in &t.uncertain {
                assert!(["fil", "id", "tet"].contains(&l.as_str()), "{l}");
            }
        }
    }
}
