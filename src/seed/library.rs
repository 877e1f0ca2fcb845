//! The demo library (`src/seed/data/library.toml`): twenty resources with texts and small
//! real files in two or three languages, loaded through the library's own services and
//! storage; `--scale N` adds N/100 resources more. Running either again adds nothing.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::db::{Db, DbConn, write_transaction};
use crate::error::ApiError;
use crate::library::filetype::{FileType, extension};
use crate::library::model::{
    Audience, NewResourceInput, ResourceFields, ResourceKind, ResourceTexts,
};
use crate::library::service::{self, NewFileInput};
use crate::library::storage::{Storage, StorageConfig, final_key, temp_key};
use crate::types::{Licence, ResourceId};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Library {
    resources: Vec<Resource>,
    #[serde(default)]
    lesson_links: Vec<LessonLink>,
    #[serde(default)]
    post_embeds: Vec<PostEmbed>,
}

/// A lesson that points to resources.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonLink {
    course: String,
    lesson: String,
    resources: Vec<String>,
}

/// A reply that embeds resources.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PostEmbed {
    community: String,
    thread: String,
    by: String,
    body: String,
    resources: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Resource {
    by: String,
    kind: ResourceKind,
    licence: Licence,
    topics: Vec<String>,
    countries: Vec<String>,
    url: Option<String>,
    /// The first language listed in the file is the default one.
    texts: toml::Table,
    #[serde(default)]
    files: Vec<File>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    language: String,
    name: String,
    lines: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Texts {
    title: String,
    description: String,
}

fn data() -> anyhow::Result<Library> {
    Ok(toml::from_str(include_str!("data/library.toml"))?)
}

/// The texts of a resource in file order (TOML tables keep it: `preserve_order` is off, so
/// the default language is the first of the file's keys as written, read from the source).
fn texts(r: &Resource) -> anyhow::Result<Vec<(String, Texts)>> {
    let mut out: BTreeMap<String, Texts> = BTreeMap::new();
    for (lang, value) in &r.texts {
        out.insert(lang.clone(), value.clone().try_into()?);
    }
    // English is every demo resource's default language.
    let mut list: Vec<(String, Texts)> = out.into_iter().collect();
    list.sort_by_key(|(lang, _)| lang != "en");
    Ok(list)
}

/// A one-page PDF showing `lines` (Helvetica; other scripts become `?`).
pub fn pdf(lines: &[String]) -> Vec<u8> {
    let mut content = String::from("BT /F1 14 Tf 50 780 Td 18 TL\n");
    for line in lines {
        let ascii: String = line
            .chars()
            .map(|c| match c {
                '(' | ')' | '\\' => ' ',
                c if c.is_ascii() && !c.is_ascii_control() => c,
                _ => '?',
            })
            .collect();
        content.push_str(&format!("({ascii}) Tj T*\n"));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{object}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for offset in offsets {
        out.push_str(&format!("{offset:010} 00000 n \n"));
    }
    out.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.into_bytes()
}

fn file_bytes(f: &File) -> Vec<u8> {
    match FileType::from_extension(&extension(&f.name)) {
        Some(FileType::Pdf) => pdf(&f.lines),
        _ => format!("{}\n", f.lines.join("\n")).into_bytes(),
    }
}

/// The resource with this English title.
fn resource_id(conn: &mut DbConn, title: &str) -> anyhow::Result<ResourceId> {
    use crate::db::schema::resource_translations as t;
    use diesel::prelude::*;
    t::table
        .filter(t::language.eq("en"))
        .filter(t::title.eq(title))
        .select(t::resource_id)
        .first(conn)
        .map_err(|e| anyhow::anyhow!("demo resource {title:?}: {e}"))
}

/// Where the demo library is used (after the courses, the communities and the library are
/// seeded): lessons point to resources and forum replies embed them, through the services
/// the API uses. Run again, it changes nothing.
pub fn demo_links(db: &Db) -> anyhow::Result<()> {
    use crate::db::schema::{communities, courses, lesson_translations, lessons, posts, threads};
    use diesel::prelude::*;
    let data = data()?;
    let mut conn = db.conn()?;
    let admin = super::actor(&mut conn, super::ADMIN)?;
    for link in &data.lesson_links {
        let lesson = lessons::table
            .inner_join(courses::table.on(courses::id.eq(lessons::course_id)))
            .inner_join(
                lesson_translations::table.on(lesson_translations::lesson_id.eq(lessons::id)),
            )
            .filter(courses::slug.eq(&link.course))
            .filter(lesson_translations::language.eq("en"))
            .filter(lesson_translations::title.eq(&link.lesson))
            .select(lessons::id)
            .first::<crate::types::LessonId>(&mut *conn)
            .map_err(|e| anyhow::anyhow!("demo lesson {:?}: {e}", link.lesson))?;
        let ids = link
            .resources
            .iter()
            .map(|t| resource_id(&mut conn, t))
            .collect::<anyhow::Result<Vec<_>>>()?;
        write_transaction(&mut conn, |conn| {
            crate::courses::reuse::service::set_lesson_resources(
                conn,
                &admin,
                lesson,
                ids,
                crate::http::language::Preferences(Vec::new()),
            )
        })?;
    }
    for embed in &data.post_embeds {
        let thread = threads::table
            .inner_join(communities::table.on(communities::id.eq(threads::community_id)))
            .filter(communities::slug.eq(&embed.community))
            .filter(threads::title.eq(&embed.thread))
            .select(threads::id)
            .first::<crate::types::ThreadId>(&mut *conn)
            .map_err(|e| anyhow::anyhow!("demo thread {:?}: {e}", embed.thread))?;
        let posted: i64 = posts::table
            .filter(posts::thread_id.eq(thread))
            .filter(posts::body.eq(&embed.body))
            .count()
            .get_result(&mut *conn)?;
        if posted > 0 {
            continue;
        }
        let ids = embed
            .resources
            .iter()
            .map(|t| resource_id(&mut conn, t))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let author = super::actor(&mut conn, &format!("{}@demo.bayanihan.org", embed.by))?;
        let input = crate::forums::model::NewPostInput::new(embed.body.clone(), None, ids)?;
        write_transaction(&mut conn, |conn| {
            crate::forums::service::create_post(conn, &author, thread, input)
        })?;
    }
    Ok(())
}

/// Whether a resource with this English title exists already.
fn exists(db: &Db, title: &str) -> anyhow::Result<bool> {
    use crate::db::schema::resource_translations as t;
    use diesel::prelude::*;
    let mut conn = db.conn()?;
    let found: i64 = t::table
        .filter(t::language.eq("en"))
        .filter(t::title.eq(title))
        .count()
        .get_result(&mut *conn)?;
    Ok(found > 0)
}

/// Loads the demo library; the number of resources added.
pub async fn demo(db: &Db, config: &StorageConfig) -> anyhow::Result<usize> {
    let storage = Storage::open(config)?;
    let mut added = 0;
    for r in data()?.resources {
        let texts = texts(&r)?;
        let Some((default, first)) = texts.first() else {
            anyhow::bail!("a demo resource has no texts");
        };
        if exists(db, &first.title)? {
            continue;
        }
        let actor = {
            let mut conn = db.conn()?;
            super::actor(&mut conn, &format!("{}@demo.bayanihan.org", r.by))?
        };
        let input = NewResourceInput {
            fields: ResourceFields {
                kind: r.kind,
                default_language: default.clone(),
                licence: r.licence,
                organisation_id: None,
                audience: Audience::Public,
                url: r.url.clone(),
                topics: r.topics.clone(),
                countries: r.countries.clone(),
            },
            texts: ResourceTexts {
                title: first.title.clone(),
                description: first.description.clone(),
            },
        };
        let mut conn = db.conn()?;
        let id: ResourceId = write_transaction(&mut conn, |conn| {
            let created = service::create(conn, &actor, input)?;
            for (lang, t) in texts.iter().skip(1) {
                service::put_translation(
                    conn,
                    &actor,
                    created.view.id,
                    lang.clone(),
                    ResourceTexts {
                        title: t.title.clone(),
                        description: t.description.clone(),
                    },
                    false,
                    None,
                )?;
            }
            Ok::<_, ApiError>(created.view.id)
        })?;
        drop(conn);
        for f in &r.files {
            let bytes = file_bytes(f);
            let ext = extension(&f.name);
            let body =
                futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(bytes))]);
            let received = storage
                .receive(body, &ext, config.max_file_bytes)
                .await
                .map_err(|e| anyhow::anyhow!("demo file {}: {e:?}", f.name))?;
            let input = NewFileInput {
                language: f.language.clone(),
                file_name: f.name.clone(),
                media_type: received.file_type.media_type().to_owned(),
                size: received.size,
                sha256: received.sha256.clone(),
                storage_key: final_key(&received.id),
            };
            let mut conn = db.conn()?;
            let recorded = write_transaction(&mut conn, |conn| {
                service::add_file(conn, &actor, id, input, u64::MAX)
            });
            if let Err(err) = recorded {
                let _ = storage.delete(&temp_key(&received.id)).await;
                return Err(err.into());
            }
            storage.promote(&received.id).await?;
        }
        added += 1;
    }
    Ok(added)
}

/// `--scale N`: N/100 resources more (texts only), shared by the demo trainer.
pub async fn scale(db: &Db, n: usize) -> anyhow::Result<usize> {
    let want = n / 100;
    let topics = [
        "organising",
        "osh",
        "wages",
        "platform-workers",
        "climate",
        "youth",
    ];
    let kinds = [
        ResourceKind::Document,
        ResourceKind::Toolkit,
        ResourceKind::PolicyBrief,
        ResourceKind::Slides,
    ];
    let mut conn = db.conn()?;
    let actor = super::actor(&mut conn, "trainer@demo.bayanihan.org")?;
    let mut added = 0;
    write_transaction(&mut conn, |conn| {
        for i in 0..want {
            let title = format!("Synthetic resource {i:06}");
            {
                use crate::db::schema::resource_translations as t;
                use diesel::prelude::*;
                let found: i64 = t::table
                    .filter(t::title.eq(&title))
                    .count()
                    .get_result(conn)?;
                if found > 0 {
                    continue;
                }
            }
            service::create(
                conn,
                &actor,
                NewResourceInput {
                    fields: ResourceFields {
                        kind: kinds[i % kinds.len()],
                        default_language: "en".to_owned(),
                        licence: Licence::ALL[i % Licence::ALL.len()],
                        organisation_id: None,
                        audience: Audience::Public,
                        url: None,
                        topics: vec![topics[i % topics.len()].to_owned()],
                        countries: Vec::new(),
                    },
                    texts: ResourceTexts {
                        title,
                        description: format!(
                            "A synthetic {} resource about {} for benchmarks.",
                            kinds[i % kinds.len()],
                            topics[i % topics.len()]
                        ),
                    },
                },
            )?;
            added += 1;
        }
        Ok::<_, ApiError>(())
    })?;
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_library_is_twenty_valid_resources() {
        let lib = data().unwrap();
        assert_eq!(lib.resources.len(), 20);
        for r in &lib.resources {
            let texts = texts(r).unwrap();
            assert_eq!(texts[0].0, "en");
            for f in &r.files {
                let bytes = file_bytes(f);
                crate::library::filetype::sniff(
                    &bytes[..bytes.len().min(4096)],
                    &extension(&f.name),
                )
                .unwrap();
            }
        }
    }

    #[test]
    fn pdfs_have_a_correct_cross_reference_table() {
        let bytes = pdf(&["Hello".to_owned()]);
        let text = String::from_utf8(bytes).unwrap();
        let xref: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[xref..].starts_with("xref"));
    }
}
