//! Demo community posts across languages (issue 17, item 5), from
//! `data/post_translations.toml`: member translations written through the service the API
//! uses, machine translations published as the outbox worker publishes them (a finished job
//! in the log), an edit that outdates one, and requests still waiting. A second run adds
//! nothing.

use diesel::prelude::*;
use serde::Deserialize;

use crate::db::schema::{communities, posts, threads, users};
use crate::db::{Db, DbConn, now, write_transaction};
use crate::error::ApiError;
use crate::forums::model::PostEdit;
use crate::forums::service as forums;
use crate::post_translations::model::{NewMachineJob, TranslationInput};
use crate::post_translations::{repo, service};
use crate::types::PostId;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Demo {
    posts: Vec<DemoPost>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoPost {
    community: String,
    thread: String,
    post: usize,
    #[serde(default)]
    edit_after: Option<String>,
    #[serde(default)]
    translations: Vec<Translation>,
    #[serde(default)]
    requests: Vec<Request>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Translation {
    language: String,
    by: String,
    body: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    by: String,
    language: String,
}

fn data() -> anyhow::Result<Demo> {
    Ok(toml::from_str(include_str!("data/post_translations.toml"))?)
}

fn email(handle: &str) -> String {
    format!("{handle}@demo.bayanihan.org")
}

fn missing(what: &str) -> ApiError {
    ApiError::internal(anyhow::anyhow!("demo post translations: {what} is missing"))
}

/// The post of the demo data: the `index`th post of the thread titled `title` in the
/// community `slug`.
fn find_post(conn: &mut DbConn, p: &DemoPost) -> Result<PostId, ApiError> {
    let ids: Vec<PostId> = posts::table
        .inner_join(threads::table.inner_join(communities::table))
        .filter(communities::slug.eq(&p.community))
        .filter(threads::title.eq(&p.thread))
        .order(posts::id.asc())
        .select(posts::id)
        .load(conn)?;
    ids.get(p.post)
        .copied()
        .ok_or_else(|| missing(&format!("post {} of “{}”", p.post, p.thread)))
}

/// Loads the demo; how many translations were added.
pub fn demo(db: &Db) -> anyhow::Result<usize> {
    let data = data()?;
    let mut conn = db.conn()?;
    let added = write_transaction(&mut conn, |conn| demo_in(conn, &data))?;
    tracing::info!(
        post_translations.added = added,
        "demo post translations seeded"
    );
    Ok(added)
}

fn demo_in(conn: &mut DbConn, data: &Demo) -> Result<usize, ApiError> {
    let mut added = 0;
    for p in &data.posts {
        let post_id = find_post(conn, p)?;
        if !repo::all_for(conn, post_id)?.is_empty() {
            // Seeded before.
            continue;
        }
        for t in &p.translations {
            let input = TranslationInput::new(t.body.clone())?;
            if t.by == "machine" {
                let source = repo::source_post(conn, post_id)?.ok_or_else(|| missing("a post"))?;
                let at = now();
                let id = repo::insert_job(
                    conn,
                    &NewMachineJob {
                        post_id,
                        source_language: source.language.clone(),
                        language: t.language.clone(),
                        created_at: at,
                        attempts: 1,
                        next_attempt_at: at,
                    },
                )?;
                let job = repo::latest_job(conn, post_id, &t.language)?
                    .ok_or_else(|| missing("the job just queued"))?;
                service::publish_machine(conn, &job, &source, input)?;
                repo::mark_done(conn, id, Some(200), at)?;
            } else {
                let translator = super::actor(conn, &email(&t.by))?;
                service::put(conn, &translator, post_id, &t.language, input)?;
            }
            added += 1;
        }
        for r in &p.requests {
            let requester = super::actor(conn, &email(&r.by))?;
            service::request(conn, &requester, post_id, &r.language, false)?;
        }
        if let Some(more) = &p.edit_after {
            let source = repo::source_post(conn, post_id)?.ok_or_else(|| missing("a post"))?;
            let author_email: Option<String> = users::table
                .find(source.author_id)
                .select(users::email)
                .first(conn)?;
            let author = super::actor(
                conn,
                &author_email.ok_or_else(|| missing("the author's address"))?,
            )?;
            let edit = PostEdit::new(format!("{}\n\n{more}", source.body), None)?;
            forums::update_post(conn, &author, post_id, edit, None)?;
        }
    }
    Ok(added)
}
