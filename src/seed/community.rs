//! Demo and scale community of practice: `seed --demo` adds five lively communities for
//! the demo accounts through the services (`community_demo`); `seed --scale N` adds N/500
//! synthetic communities (at least three) with N threads and about 21 posts a thread (a
//! long tail of 600-post threads), written in large multi-row inserts inside one
//! transaction. Both skip communities whose slug exists, so running them again adds
//! nothing.
//!
//! Scale rows are written directly (not through the services), so this module keeps the
//! counters itself: `member_count`, `thread_count`, `reply_count`, `first_post_id`,
//! `last_post_id`, the reaction counts and `last_activity_at` match the rows they count.
//! The full-text indexes are kept by triggers.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::communities::dto::{CreateCommunityRequest, NewCommunityInput};
use crate::communities::model::Visibility;
use crate::db::schema::{
    communities, community_members, post_reactions, posts, thread_tags, threads, users,
};
use crate::db::{self, Db, DbConn, now, write_transaction};
use crate::error::ApiError;
use crate::forums::model::ThreadKind;
use crate::forums::model::{NewPostInput, NewThreadInput};

use super::data::{self, ScaleCommunities};

/// What a community seed run added.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CommunityReport {
    pub communities: usize,
    pub threads: usize,
    pub posts: usize,
    pub reactions: usize,
}

// ------------------------------------------------------------------------------ rows

#[derive(Insertable)]
#[diesel(table_name = communities)]
struct NewCommunity {
    slug: String,
    name: String,
    description: String,
    language: String,
    visibility: String,
    course_id: Option<i64>,
    created_by: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = community_members, treat_none_as_default_value = false)]
struct NewMember {
    community_id: i64,
    user_id: i64,
    role: &'static str,
    status: &'static str,
    email_preference: &'static str,
    watching: bool,
    invited_by: Option<i64>,
    ban_reason: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = threads, treat_none_as_default_value = false)]
struct NewThread {
    community_id: i64,
    author_id: i64,
    kind: &'static str,
    title: String,
    tags: String,
    pinned: bool,
    locked: bool,
    reply_count: i32,
    last_activity_at: NaiveDateTime,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = posts, treat_none_as_default_value = false)]
struct NewPost {
    thread_id: i64,
    community_id: i64,
    author_id: i64,
    is_first: bool,
    body: String,
    body_html: String,
    quote_post_id: Option<i64>,
    like_count: i32,
    thanks_count: i32,
    insightful_count: i32,
    created_at: NaiveDateTime,
    edited_at: Option<NaiveDateTime>,
    deleted_at: Option<NaiveDateTime>,
    hidden_at: Option<NaiveDateTime>,
    hidden_by: Option<i64>,
}

#[derive(Insertable)]
#[diesel(table_name = post_reactions)]
struct NewReaction {
    post_id: i64,
    user_id: i64,
    kind: &'static str,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = thread_tags)]
struct NewTag {
    thread_id: i64,
    tag: String,
}

fn insert_community(conn: &mut DbConn, row: &NewCommunity) -> QueryResult<i64> {
    diesel::insert_into(communities::table)
        .values(row)
        .returning(communities::id)
        .get_result(conn)
}

fn insert_members(conn: &mut DbConn, rows: &[NewMember]) -> QueryResult<usize> {
    db::insert_chunked!(conn, community_members::table, rows, 2000)
}

/// A thread as inserted: `(id, community_id, author_id, tags, created_at)`.
type ThreadRow = (i64, i64, i64, String, NaiveDateTime);

/// Inserts threads in multi-row statements.
fn insert_threads(conn: &mut DbConn, rows: &[NewThread]) -> QueryResult<Vec<ThreadRow>> {
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(1000) {
        out.extend(db::per_backend!(&mut *conn, |c| diesel::insert_into(
            threads::table
        )
        .values(chunk)
        .returning((
            threads::id,
            threads::community_id,
            threads::author_id,
            threads::tags,
            threads::created_at,
        ))
        .get_results::<ThreadRow>(c)?));
    }
    Ok(out)
}

/// A post as inserted: what its reactions are chosen from.
struct Inserted {
    id: i64,
    thread_id: i64,
    author_id: i64,
    community_id: i64,
    counts: [i32; 3],
    created_at: NaiveDateTime,
}

type InsertedRow = (i64, i64, i64, i64, i32, i32, i32, NaiveDateTime);

/// Inserts posts in multi-row statements; gives back what reactions are chosen from.
fn insert_posts(conn: &mut DbConn, rows: &[NewPost]) -> QueryResult<Vec<Inserted>> {
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(1000) {
        let got: Vec<InsertedRow> =
            db::per_backend!(&mut *conn, |c| diesel::insert_into(posts::table)
                .values(chunk)
                .returning((
                    posts::id,
                    posts::thread_id,
                    posts::author_id,
                    posts::community_id,
                    posts::like_count,
                    posts::thanks_count,
                    posts::insightful_count,
                    posts::created_at,
                ))
                .get_results(c)?);
        out.extend(got.into_iter().map(
            |(id, thread_id, author_id, community_id, like, thanks, insightful, created_at)| {
                Inserted {
                    id,
                    thread_id,
                    author_id,
                    community_id,
                    counts: [like, thanks, insightful],
                    created_at,
                }
            },
        ));
    }
    Ok(out)
}

fn insert_reactions(conn: &mut DbConn, rows: &[NewReaction]) -> QueryResult<usize> {
    db::insert_chunked!(conn, post_reactions::table, rows, 5000)
}

fn insert_tags(conn: &mut DbConn, rows: &[NewTag]) -> QueryResult<usize> {
    db::insert_chunked!(conn, thread_tags::table, rows, 5000)
}

fn existing_slugs(conn: &mut DbConn, slugs: &[String]) -> QueryResult<HashSet<String>> {
    Ok(communities::table
        .filter(communities::slug.eq_any(slugs.to_vec()))
        .select(communities::slug)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Sets the counters of the given communities and their threads from the rows they count,
/// in a few set-based statements (portable SQL; the ids are integers).
fn recount(conn: &mut DbConn, community_ids: &[i64]) -> QueryResult<()> {
    if community_ids.is_empty() {
        return Ok(());
    }
    let ids = community_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let visible = "p.deleted_at IS NULL AND p.hidden_at IS NULL";
    diesel::sql_query(format!(
        "UPDATE threads SET \
           first_post_id = (SELECT MIN(p.id) FROM posts p WHERE p.thread_id = threads.id AND p.is_first), \
           last_post_id = (SELECT MAX(p.id) FROM posts p WHERE p.thread_id = threads.id), \
           reply_count = (SELECT COUNT(*) FROM posts p WHERE p.thread_id = threads.id \
               AND NOT p.is_first AND {visible}), \
           last_activity_at = COALESCE((SELECT MAX(p.created_at) FROM posts p \
               WHERE p.thread_id = threads.id AND {visible}), threads.created_at) \
         WHERE community_id IN ({ids})"
    ))
    .execute(conn)?;
    diesel::sql_query(format!(
        "UPDATE communities SET \
           member_count = (SELECT COUNT(*) FROM community_members m \
               WHERE m.community_id = communities.id AND m.status = 'active'), \
           thread_count = (SELECT COUNT(*) FROM threads t \
               WHERE t.community_id = communities.id AND t.deleted_at IS NULL), \
           last_activity_at = (SELECT MAX(t.last_activity_at) FROM threads t \
               WHERE t.community_id = communities.id AND t.deleted_at IS NULL) \
         WHERE id IN ({ids})"
    ))
    .execute(conn)?;
    Ok(())
}

// ------------------------------------------------------------------------------ demo

/// Adds the demo communities with their threads, posts, reactions, moderation and the demo
/// member's notifications and read state, through the services (`community_demo`).
/// Communities whose slug exists are skipped.
pub fn demo(db: &Db, demo: &data::Demo) -> anyhow::Result<CommunityReport> {
    let mut conn = db.conn()?;
    let report = write_transaction(&mut conn, |conn| {
        super::community_demo::demo_communities(conn, demo)
    })?;
    tracing::info!(
        communities.added = report.communities,
        threads.added = report.threads,
        posts.added = report.posts,
        "demo communities seeded"
    );
    Ok(report)
}

// ------------------------------------------------------------------------------ scale

/// Prefix of every synthetic community's slug.
const SCALE_PREFIX: &str = "scale-community-";
/// Domain of the synthetic accounts (see `seed::scale`).
const SYNTHETIC_DOMAIN: &str = "@scale.bayanihan.test";

/// A well-mixed 64-bit hash (splitmix64): deterministic variety without a random source.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick(list: &[String], h: u64) -> &str {
    &list[usize::try_from(h % list.len() as u64).unwrap_or(0)]
}

/// Two to four plausible sentences, so that search finds realistic hits.
fn scale_body(words: &ScaleCommunities, h: u64) -> String {
    let sentences = 2 + h % 3;
    let mut out = String::new();
    for s in 0..sentences {
        let k = mix(h ^ (s + 1));
        if !out.is_empty() {
            out.push(' ');
        }
        if k.is_multiple_of(5) {
            out.push_str(pick(&words.extras, k >> 8));
        } else {
            out.push_str(&format!(
                "{} {} {} {}.",
                pick(&words.subjects, k >> 8),
                pick(&words.verbs, k >> 16),
                pick(&words.objects, k >> 24),
                pick(&words.places, k >> 32)
            ));
        }
    }
    out
}

/// How many posts (the opening one included) a synthetic thread has: mostly 1 to 36, every
/// 50th about 120, every 500th 600 (so that a thread has many 50-post pages). About 21 on
/// average.
fn planned_posts(thread_id: i64) -> usize {
    let id = u64::try_from(thread_id).unwrap_or(0);
    if id % 500 == 0 {
        600
    } else if id % 50 == 7 {
        120
    } else {
        1 + usize::try_from(mix(id) % 36).unwrap_or(0)
    }
}

/// Adds N/500 synthetic communities (at least three: public, members-only and private in
/// turn) of the first N synthetic members (each in two communities), with N threads and
/// about 21 N posts, reactions, watches and read state; in one transaction.
pub fn scale(db: &Db, n: usize, words: &ScaleCommunities) -> anyhow::Result<CommunityReport> {
    let started = std::time::Instant::now();
    let mut conn = db.conn()?;
    let report = write_transaction(&mut conn, |conn| scale_communities(conn, n, words))?;
    tracing::info!(
        communities.added = report.communities,
        threads.added = report.threads,
        posts.added = report.posts,
        reactions.added = report.reactions,
        elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "scale communities seeded"
    );
    Ok(report)
}

fn scale_communities(
    conn: &mut DbConn,
    n: usize,
    words: &ScaleCommunities,
) -> Result<CommunityReport, ApiError> {
    let mut report = CommunityReport::default();
    let members: Vec<i64> = users::table
        .filter(users::email_normalized.like(format!("%{SYNTHETIC_DOMAIN}")))
        .select(users::id)
        .order(users::id.asc())
        .limit(i64::try_from(n).unwrap_or(i64::MAX))
        .load(conn)?;
    if members.len() < 3 {
        return Ok(report);
    }
    let count = (n / 500).max(3).min(members.len());
    let slugs: Vec<String> = (0..count)
        .map(|i| format!("{SCALE_PREFIX}{:04}", i + 1))
        .collect();
    let existing = existing_slugs(conn, &slugs)?;
    // Each member is in two communities: j mod count and a spread-out second one.
    let mut rosters: Vec<Vec<i64>> = vec![Vec::new(); count];
    for (j, &user) in members.iter().enumerate() {
        let first = j % count;
        let second = (j * 7 + 3) % count;
        rosters[first].push(user);
        if second != first {
            rosters[second].push(user);
        }
    }
    let at = now();
    let base = at - TimeDelta::days(120);
    let mut new_ids: Vec<i64> = Vec::new();
    let mut community_of: Vec<(i64, usize)> = Vec::new();
    let mut new_by_index: HashMap<usize, i64> = HashMap::new();
    let mut member_rows = Vec::new();
    for (i, slug) in slugs.iter().enumerate() {
        if existing.contains(slug) || rosters[i].is_empty() {
            continue;
        }
        let topic = &words.community_topics[i % words.community_topics.len()];
        let visibility = ["public", "public", "members", "private"][i % 4];
        let language = ["en", "en", "en", "fil", "id"][i % 5];
        let created = base - TimeDelta::days(10);
        // Checked as a `POST /communities` body is.
        let input = NewCommunityInput::try_from(CreateCommunityRequest {
            name: format!("{topic} Circle {:04}", i + 1),
            slug: Some(slug.clone()),
            description: Some(format!(
                "Synthetic community {} for load tests: {} in practice.",
                i + 1,
                topic.to_lowercase()
            )),
            language: language.to_owned(),
            visibility: Visibility::parse(visibility)
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("visibility {visibility}")))?,
            course_id: None,
        })?;
        let id = insert_community(
            conn,
            &NewCommunity {
                slug: input.slug,
                name: input.name,
                description: input.description,
                language: input.language,
                visibility: visibility.to_owned(),
                course_id: None,
                created_by: rosters[i][0],
                created_at: created,
                updated_at: created,
            },
        )?;
        new_ids.push(id);
        community_of.push((id, i));
        new_by_index.insert(i, id);
        report.communities += 1;
        for (k, &user) in rosters[i].iter().enumerate() {
            let joined = created + TimeDelta::minutes(i64::try_from(k).unwrap_or(0));
            member_rows.push(NewMember {
                community_id: id,
                user_id: user,
                role: if k < 2 { "moderator" } else { "member" },
                status: "active",
                email_preference: ["daily", "daily", "weekly", "never"][k % 4],
                watching: k < 2,
                invited_by: None,
                ban_reason: None,
                created_at: joined,
                updated_at: joined,
            });
        }
    }
    if new_ids.is_empty() {
        return Ok(report);
    }
    insert_members(conn, &member_rows)?;
    drop(member_rows);
    let roster_of: HashMap<i64, &Vec<i64>> = community_of
        .iter()
        .map(|&(id, i)| (id, &rosters[i]))
        .collect();

    // Threads: N over all communities, each community's share only if it is new.
    let mut thread_rows = Vec::new();
    let span_minutes = 100 * 24 * 60;
    for t in 0..n.max(count) {
        let i = t % count;
        let Some(&community_id) = new_by_index.get(&i) else {
            continue;
        };
        let h = mix(t as u64 ^ 0xC0FF_EE00);
        let roster = &rosters[i];
        let author = roster[usize::try_from(h % roster.len() as u64).unwrap_or(0)];
        let created = base + TimeDelta::minutes(i64::try_from(h % span_minutes).unwrap_or(0));
        let topic = pick(&words.objects, h >> 12);
        let tags: Vec<&str> = if h.is_multiple_of(3) {
            vec![pick(&words.tags, h >> 20)]
        } else {
            let a = pick(&words.tags, h >> 20);
            let b = pick(&words.tags, h >> 28);
            if a == b { vec![a] } else { vec![a, b] }
        };
        let kind = if t % 4 == 1 {
            ThreadKind::Question
        } else {
            ThreadKind::Discussion
        };
        // Title and tags checked as a `POST /communities/{id}/threads` body's are (the
        // opening post is checked with the posts).
        let tags: Vec<String> = tags.iter().map(|t| (*t).to_owned()).collect();
        let title = pick(&words.titles, h >> 36).replace("{}", topic);
        let input = NewThreadInput::new(kind, &title, "-".to_owned(), &tags, Vec::new())?;
        thread_rows.push(NewThread {
            community_id,
            author_id: author,
            kind: kind.as_str(),
            title: input.title,
            tags: input.tags.join(","),
            pinned: t < count,
            locked: t % 97 == 5,
            reply_count: 0,
            last_activity_at: created,
            created_at: created,
            updated_at: created,
            deleted_at: (t % 211 == 7).then(|| created + TimeDelta::days(1)),
        });
    }
    let inserted_threads = insert_threads(conn, &thread_rows)?;
    report.threads = inserted_threads.len();
    let mut tag_rows = Vec::new();
    for (id, _, _, tags, _) in &inserted_threads {
        for tag in tags.split(',') {
            tag_rows.push(NewTag {
                thread_id: *id,
                tag: tag.to_owned(),
            });
        }
    }
    insert_tags(conn, &tag_rows)?;
    drop(tag_rows);
    drop(thread_rows);

    // Posts, a chunk of threads at a time: the opening posts first (so each has the lowest
    // id of its thread), then the replies in order.
    let mut reactions = Vec::new();
    for chunk in inserted_threads.chunks(500) {
        let mut openings = Vec::with_capacity(chunk.len());
        for &(thread_id, community_id, author_id, _, created_at) in chunk {
            let h = opening_hash(thread_id);
            openings.push(scale_post(
                (thread_id, community_id, author_id),
                true,
                scale_body(words, h),
                None,
                (h, cap(&roster_of, community_id)),
                created_at,
                None,
            )?);
        }
        let firsts = insert_posts(conn, &openings)?;
        report.posts += firsts.len();
        drop(openings);
        let first_of: HashMap<i64, i64> = firsts.iter().map(|p| (p.thread_id, p.id)).collect();
        add_reactions(&firsts, &roster_of, &mut reactions);
        let mut replies = Vec::new();
        for &(thread_id, community_id, _, _, created_at) in chunk {
            let total = planned_posts(thread_id);
            let roster = roster_of[&community_id];
            let moderator = roster[0];
            let until = (created_at + TimeDelta::days(14)).min(at - TimeDelta::hours(1));
            let span = (until - created_at).num_minutes().max(1);
            for k in 1..total {
                let h = mix((u64::try_from(thread_id).unwrap_or(0) << 20) | k as u64);
                let author = roster[usize::try_from(h % roster.len() as u64).unwrap_or(0)];
                let written = created_at
                    + TimeDelta::minutes(span * i64::try_from(k).unwrap_or(0) / total as i64);
                let mut body = scale_body(words, h >> 3);
                let mut quote = None;
                if k % 12 == 5
                    && let Some(first_id) = first_of.get(&thread_id)
                {
                    let first_body = scale_body(words, opening_hash(thread_id));
                    let excerpt: String = first_body.chars().take(80).collect();
                    body = format!("> {excerpt}\n\n{body}");
                    quote = Some(*first_id);
                }
                let state = match h % 300 {
                    0 | 1 => Some(("deleted", written + TimeDelta::hours(2))),
                    2 => Some(("hidden", written + TimeDelta::hours(3))),
                    _ => None,
                };
                replies.push(scale_post(
                    (thread_id, community_id, author),
                    false,
                    body,
                    quote,
                    (h, roster.len().saturating_sub(1)),
                    written,
                    state.map(|(s, t)| (s, t, moderator)),
                )?);
                if replies.len() >= 1000 {
                    let got = insert_posts(conn, &replies)?;
                    report.posts += got.len();
                    add_reactions(&got, &roster_of, &mut reactions);
                    replies.clear();
                }
            }
        }
        let got = insert_posts(conn, &replies)?;
        report.posts += got.len();
        add_reactions(&got, &roster_of, &mut reactions);
        if reactions.len() >= 20_000 {
            report.reactions += insert_reactions(conn, &reactions)?;
            reactions.clear();
        }
    }
    report.reactions += insert_reactions(conn, &reactions)?;
    drop(reactions);
    scale_finish(conn, &new_ids)?;
    Ok(report)
}

fn opening_hash(thread_id: i64) -> u64 {
    mix(u64::try_from(thread_id).unwrap_or(0) << 20)
}

/// How many members may react to one post of a community: all but its author.
fn cap(rosters: &HashMap<i64, &Vec<i64>>, community_id: i64) -> usize {
    rosters
        .get(&community_id)
        .map_or(0, |r| r.len().saturating_sub(1))
}

/// One synthetic post; `(h, cap)` is its hash and how many members may react to it;
/// `state` is `("deleted" | "hidden", when, moderator)`.
fn scale_post(
    (thread_id, community_id, author_id): (i64, i64, i64),
    is_first: bool,
    body: String,
    quote_post_id: Option<i64>,
    (h, cap): (u64, usize),
    created_at: NaiveDateTime,
    state: Option<(&str, NaiveDateTime, i64)>,
) -> Result<NewPost, ApiError> {
    let deleted_at = state.filter(|s| s.0 == "deleted").map(|s| s.1);
    let hidden = state.filter(|s| s.0 == "hidden");
    let (body, body_html) = if deleted_at.is_some() {
        (String::new(), String::new())
    } else {
        // Checked and rendered as the forums check and render a reply (no mentions here).
        let input = NewPostInput::new(body, None, Vec::new())?;
        let html = input.body.resolve(&HashMap::new());
        (input.body.markdown, html)
    };
    // Reactions only on visible posts: a few likes on one post in four, thanks and
    // "insightful" more rarely.
    let visible = state.is_none();
    let r = mix(h ^ 0x5EED);
    let like = if visible && r.is_multiple_of(4) {
        1 + (r >> 8) % 4
    } else {
        0
    };
    let thanks = if visible && r.is_multiple_of(11) {
        1 + (r >> 16) % 2
    } else {
        0
    };
    let insightful = u64::from(visible && r.is_multiple_of(17));
    let cap = u64::try_from(cap).unwrap_or(0);
    let (like, thanks, insightful) = (like.min(cap), thanks.min(cap), insightful.min(cap));
    Ok(NewPost {
        thread_id,
        community_id,
        author_id,
        is_first,
        body,
        body_html,
        quote_post_id,
        like_count: i32::try_from(like).unwrap_or(0),
        thanks_count: i32::try_from(thanks).unwrap_or(0),
        insightful_count: i32::try_from(insightful).unwrap_or(0),
        created_at,
        edited_at: None,
        deleted_at,
        hidden_at: hidden.map(|s| s.1),
        hidden_by: hidden.map(|s| s.2),
    })
}

/// The reaction rows behind each post's counts: distinct members of its community, never
/// its author.
fn add_reactions(
    posts: &[Inserted],
    rosters: &HashMap<i64, &Vec<i64>>,
    out: &mut Vec<NewReaction>,
) {
    const KINDS: [&str; 3] = ["like", "thanks", "insightful"];
    for p in posts {
        let Some(roster) = rosters.get(&p.community_id) else {
            continue;
        };
        let start = usize::try_from(mix(u64::try_from(p.id).unwrap_or(0)) % roster.len() as u64)
            .unwrap_or(0);
        for (kind, &wanted) in KINDS.iter().zip(&p.counts) {
            let wanted = usize::try_from(wanted).unwrap_or(0);
            let people = roster
                .iter()
                .cycle()
                .skip(start)
                .take(roster.len())
                .filter(|&&u| u != p.author_id)
                .take(wanted);
            for (k, &user_id) in people.enumerate() {
                out.push(NewReaction {
                    post_id: p.id,
                    user_id,
                    kind,
                    created_at: p.created_at
                        + TimeDelta::minutes(30 + 7 * i64::try_from(k).unwrap_or(0)),
                });
            }
        }
    }
}

/// After the bulk load: counters, accepted answers, watches, read state and the log of
/// hidden posts, in set-based statements over the new communities.
fn scale_finish(conn: &mut DbConn, community_ids: &[i64]) -> QueryResult<()> {
    let ids = community_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    recount(conn, community_ids)?;
    // Two questions in three have an accepted answer: its first visible reply by someone else.
    diesel::sql_query(format!(
        "UPDATE threads SET accepted_post_id = (SELECT MIN(p.id) FROM posts p \
             WHERE p.thread_id = threads.id AND NOT p.is_first AND p.author_id <> threads.author_id \
               AND p.deleted_at IS NULL AND p.hidden_at IS NULL) \
         WHERE community_id IN ({ids}) AND kind = 'question' AND id % 3 <> 0"
    ))
    .execute(conn)?;
    // Starting or replying watches a thread, and a poster has read up to their last post.
    diesel::sql_query(format!(
        "INSERT INTO thread_subscriptions (thread_id, user_id, created_at) \
         SELECT thread_id, author_id, MIN(created_at) FROM posts \
         WHERE community_id IN ({ids}) GROUP BY thread_id, author_id"
    ))
    .execute(conn)?;
    diesel::sql_query(format!(
        "INSERT INTO thread_reads (thread_id, user_id, last_read_post_id, updated_at) \
         SELECT thread_id, author_id, MAX(id), MAX(created_at) FROM posts \
         WHERE community_id IN ({ids}) GROUP BY thread_id, author_id"
    ))
    .execute(conn)?;
    unread_counters(conn, &ids)?;
    diesel::sql_query(format!(
        "INSERT INTO moderation_log (community_id, moderator_id, action, target_user_id, \
           thread_id, post_id, reason, created_at) \
         SELECT community_id, hidden_by, 'hide_post', author_id, thread_id, id, \
           'Off topic (synthetic)', hidden_at FROM posts \
         WHERE community_id IN ({ids}) AND hidden_at IS NOT NULL ORDER BY id"
    ))
    .execute(conn)?;
    Ok(())
}

/// The unread counters (`forums::counts`) of the bulk-loaded posts, threads and read
/// states of the communities `ids`, as migration 000080 sets them: places and running
/// counts in one window pass over the posts.
fn unread_counters(conn: &mut DbConn, ids: &str) -> QueryResult<()> {
    let live = "CASE WHEN deleted_at IS NULL THEN 1 ELSE 0 END";
    let visible = "CASE WHEN deleted_at IS NULL AND hidden_at IS NULL THEN 1 ELSE 0 END";
    let places = format!(
        "SELECT id, row_number() OVER w AS seq, sum({live}) OVER w AS live, \
           sum({visible}) OVER w AS visible FROM posts WHERE community_id IN ({ids}) \
         WINDOW w AS (PARTITION BY thread_id ORDER BY id ROWS UNBOUNDED PRECEDING)"
    );
    diesel::sql_query(format!(
        "UPDATE posts SET seq = p.seq FROM ({places}) AS p WHERE p.id = posts.id"
    ))
    .execute(conn)?;
    diesel::sql_query(format!(
        "UPDATE threads SET post_count = c.n, live_count = c.live, visible_count = c.visible \
         FROM (SELECT thread_id, count(*) AS n, sum({live}) AS live, sum({visible}) AS visible \
               FROM posts WHERE community_id IN ({ids}) GROUP BY thread_id) AS c \
         WHERE c.thread_id = threads.id"
    ))
    .execute(conn)?;
    diesel::sql_query(format!(
        "UPDATE thread_reads SET read_live = p.live, read_visible = p.visible \
         FROM ({places}) AS p WHERE p.id = thread_reads.last_read_post_id"
    ))
    .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_benchmark_scale_has_enough_posts() {
        // N = 10,000: N threads, the ids following the demo threads.
        let total: usize = (20..10_020).map(planned_posts).sum();
        assert!(total >= 200_000, "{total}");
        assert!((20..10_020).any(|id| planned_posts(id) >= 500));
    }

    #[test]
    fn scale_posts_are_rendered_as_the_forums_render_them() {
        let p = scale_post(
            (1, 1, 1),
            false,
            "> x <y>\n\nz".into(),
            Some(1),
            (3, 5),
            now(),
            None,
        )
        .unwrap();
        assert_eq!(
            p.body_html,
            // Raw HTML is dropped, as in every forum post.
            "<blockquote>\n<p>x </p>\n</blockquote>\n<p>z</p>\n"
        );
        // A body the API refuses is refused here too.
        assert!(scale_post((1, 1, 1), false, " ".into(), None, (3, 5), now(), None).is_err());
    }
}
