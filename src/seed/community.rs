//! Demo and scale community of practice: `seed --demo` adds five lively communities for
//! the demo accounts, `seed --scale N` adds N/500 synthetic communities (at least three)
//! with N threads and about 21 posts a thread (a long tail of 600-post threads), written
//! in large multi-row inserts inside one transaction. Both skip communities whose slug
//! exists, so running them again adds nothing.
//!
//! Rows are written directly (not through the services), so this module keeps the
//! counters itself: `member_count`, `thread_count`, `reply_count`, `first_post_id`,
//! `last_post_id`, the reaction counts and `last_activity_at` match the rows they count.
//! The full-text indexes are kept by triggers.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::db::schema::{
    communities, community_members, courses, moderation_log, notifications, post_flags,
    post_reactions, post_revisions, posts, thread_reads, thread_subscriptions, thread_tags,
    threads, users,
};
use crate::db::{Db, DbConn, now, write_transaction};
use crate::error::ApiError;
use crate::types::markdown::{escape_html, to_safe_html};

/// What a community seed run added.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CommunityReport {
    pub communities: usize,
    pub threads: usize,
    pub posts: usize,
    pub reactions: usize,
}

/// Runs `$body` with `$c` bound to the backend's own connection: multi-row inserts do not
/// work through the MultiConnection.
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            DbConn::Sqlite($c) => $body,
            #[cfg(feature = "postgres")]
            DbConn::Pg($c) => $body,
        }
    };
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
    let mut n = 0;
    for chunk in rows.chunks(2000) {
        n += per_backend!(&mut *conn, |c| diesel::insert_into(
            community_members::table
        )
        .values(chunk)
        .execute(c)?);
    }
    Ok(n)
}

/// A thread as inserted: `(id, community_id, author_id, tags, created_at)`.
type ThreadRow = (i64, i64, i64, String, NaiveDateTime);

/// Inserts threads in multi-row statements.
fn insert_threads(conn: &mut DbConn, rows: &[NewThread]) -> QueryResult<Vec<ThreadRow>> {
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(1000) {
        out.extend(per_backend!(&mut *conn, |c| diesel::insert_into(
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
        let got: Vec<InsertedRow> = per_backend!(&mut *conn, |c| diesel::insert_into(posts::table)
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
    let mut n = 0;
    for chunk in rows.chunks(5000) {
        n += per_backend!(&mut *conn, |c| diesel::insert_into(post_reactions::table)
            .values(chunk)
            .execute(c)?);
    }
    Ok(n)
}

fn insert_tags(conn: &mut DbConn, rows: &[NewTag]) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in rows.chunks(5000) {
        n += per_backend!(&mut *conn, |c| diesel::insert_into(thread_tags::table)
            .values(chunk)
            .execute(c)?);
    }
    Ok(n)
}

fn existing_slugs(conn: &mut DbConn, slugs: &[String]) -> QueryResult<HashSet<String>> {
    Ok(communities::table
        .filter(communities::slug.eq_any(slugs.to_vec()))
        .select(communities::slug)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Renders a demo post's Markdown like the forums do: sanitised HTML, and each `<@id>`
/// mention as `<span class="mention" data-user-id="id">@Name</span>`.
fn render(body: &str, names: &HashMap<i64, String>) -> String {
    let mut html = to_safe_html(body);
    for (id, name) in names {
        let written = format!("&lt;@{id}&gt;");
        if html.contains(&written) {
            html = html.replace(
                &written,
                &format!(
                    "<span class=\"mention\" data-user-id=\"{id}\">@{}</span>",
                    escape_html(name)
                ),
            );
        }
    }
    html
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

/// A demo account, by the part of its email before `@demo.bayanihan.org`.
type Who = &'static str;

const ADMIN: Who = "admin";
const COORDINATOR: Who = "coordinator";
const TRAINER: Who = "trainer";
const LEADER: Who = "leader";
const MEMBER: Who = "member";
const NEWCOMER: Who = "newcomer";
const WHO: &[Who] = &[ADMIN, COORDINATOR, TRAINER, LEADER, MEMBER, NEWCOMER];

/// Something that happened to a demo post after it was written.
enum After {
    Nothing,
    /// Its author edited it `hours` later; `before` is the first version.
    Edited {
        before: &'static str,
        hours: i64,
    },
    /// A member flagged it; the flag waits in the queue.
    Flagged {
        by: Who,
        reason: &'static str,
        note: &'static str,
    },
    /// A moderator hid it an hour later.
    Hidden {
        by: Who,
        reason: &'static str,
    },
}

struct DemoPost {
    by: Who,
    /// Hours after the thread started (the opening post: 0).
    hours: i64,
    /// Markdown; `{@member}` and the like become mentions.
    body: &'static str,
    /// Index of the quoted earlier post of the same thread.
    quote: Option<usize>,
    reactions: &'static [(Who, &'static str)],
    after: After,
}

struct DemoThread {
    kind: &'static str,
    title: &'static str,
    tags: &'static [&'static str],
    pinned: bool,
    days_ago: i64,
    /// Index of the accepted answer (question threads).
    accepted: Option<usize>,
    /// Index of the last post the demo member has read; `None`: never opened.
    member_read: Option<usize>,
    /// The opening post first; its author starts the thread.
    posts: &'static [DemoPost],
}

struct DemoCommunity {
    slug: &'static str,
    name: &'static str,
    description: &'static str,
    language: &'static str,
    visibility: &'static str,
    /// Slug of the demo course it continues.
    course: Option<&'static str>,
    /// The first moderator created it.
    moderators: &'static [Who],
    members: &'static [Who],
    /// Members watching the community (notified of new threads).
    watching: &'static [Who],
    days_ago: i64,
    threads: &'static [DemoThread],
}

/// A notification of the demo data: to whom, kind, (community, thread, post), actor, read.
type DemoNotice = (Who, &'static str, (&'static str, usize, usize), Who, bool);

const fn post(by: Who, hours: i64, body: &'static str) -> DemoPost {
    DemoPost {
        by,
        hours,
        body,
        quote: None,
        reactions: &[],
        after: After::Nothing,
    }
}

const fn liked(
    by: Who,
    hours: i64,
    body: &'static str,
    reactions: &'static [(Who, &'static str)],
) -> DemoPost {
    DemoPost {
        by,
        hours,
        body,
        quote: None,
        reactions,
        after: After::Nothing,
    }
}

const DEMO_COMMUNITIES: &[DemoCommunity] = &[
    DemoCommunity {
        slug: "etrainers-circle",
        name: "E-trainers' Circle",
        description: "Trade-union e-trainers across Asia-Pacific swap what works online: \
                      facilitation, low-bandwidth learning, tools and course design.",
        language: "en",
        visibility: "public",
        course: None,
        moderators: &[TRAINER],
        members: &[COORDINATOR, LEADER, MEMBER, NEWCOMER],
        watching: &[MEMBER],
        days_ago: 40,
        threads: &[
            DemoThread {
                kind: "discussion",
                title: "Welcome to the E-trainers' Circle — start here",
                tags: &["welcome"],
                pinned: true,
                days_ago: 38,
                accepted: None,
                member_read: Some(3),
                posts: &[
                    post(
                        TRAINER,
                        0,
                        "Welcome to the **E-trainers' Circle**! This is where trade-union e-trainers \
                         across Asia-Pacific share what works — and what did not — when we teach \
                         members online.\n\nA few house rules:\n\n1. Be generous with your materials \
                         and your mistakes.\n2. Never name members involved in grievance cases: \
                         protect their privacy.\n3. Write in the language you are comfortable with; \
                         someone will help translate.\n\nStart by introducing yourself below: your \
                         union, your country, and one thing you want to learn this year.",
                    ),
                    liked(
                        COORDINATOR,
                        5,
                        "Maria from the Philippines here, coordinating the online courses of our \
                         national centre. This year I want to learn how to run shorter, mobile-first \
                         modules for members who only have a phone.",
                        &[(TRAINER, "like"), (MEMBER, "like")],
                    ),
                    liked(
                        MEMBER,
                        20,
                        "Magandang araw po! Ana Cruz, member educator with TUCP. I just finished the \
                         platform workers course and want to help run it for the riders in our local. \
                         Excited to learn from all of you.",
                        &[(TRAINER, "thanks"), (COORDINATOR, "like")],
                    ),
                    liked(
                        LEADER,
                        30,
                        "Jose Reyes, TUCP. I train shop stewards face to face; online is still new \
                         for me. Salamat sa pagtanggap!",
                        &[(MEMBER, "like")],
                    ),
                ],
            },
            DemoThread {
                kind: "question",
                title: "How do you keep participants engaged in a two-hour Zoom session?",
                tags: &["facilitation", "online"],
                pinned: false,
                days_ago: 21,
                accepted: Some(2),
                member_read: Some(4),
                posts: &[
                    post(
                        LEADER,
                        0,
                        "Our steward training moved online and after the first 40 minutes half the \
                         cameras are off and the chat is silent. How do you keep people with you for \
                         two hours? Any tricks that work for members on mobile data?",
                    ),
                    liked(
                        TRAINER,
                        3,
                        "Break it up. I never talk for more than 12 minutes without an activity: a \
                         poll, a breakout of three people, or \"type one word in the chat\". And plan \
                         a real break at the hour mark — people need it more online than in a room.",
                        &[(LEADER, "like"), (MEMBER, "insightful")],
                    ),
                    liked(
                        MEMBER,
                        6,
                        "What worked for us with riders on mobile data:\n\n- Send the slides \
                         **before** the session as a small PDF, so nobody has to keep video on.\n\
                         - Use the chat for a \"waterfall\": everyone types an answer, nobody presses \
                         enter until I count to three.\n- Give each breakout group a job with a \
                         deliverable (one grievance, one demand) and call them back to report in one \
                         minute.\n\nCameras off is fine. Silence is the problem, not the cameras.",
                        &[
                            (LEADER, "thanks"),
                            (TRAINER, "insightful"),
                            (COORDINATOR, "like"),
                        ],
                    ),
                    DemoPost {
                        by: COORDINATOR,
                        hours: 9,
                        body: "> I never talk for more than 12 minutes without an activity\n\n\
                               Agreed, and I would add: show the agenda with times at the start. \
                               When people know the break is at 10:00, they stay until 10:00.",
                        quote: Some(1),
                        reactions: &[(TRAINER, "like")],
                        after: After::Nothing,
                    },
                    liked(
                        LEADER,
                        26,
                        "Thank you all — I tried Ana's waterfall and the breakout deliverables on \
                         Saturday with twenty-three stewards, and the chat never went quiet. Marking \
                         Ana's answer as accepted.",
                        &[(MEMBER, "thanks")],
                    ),
                    post(
                        NEWCOMER,
                        50,
                        "Bookmarking this. Pwede bang i-share ang template ng agenda? Gusto kong \
                         subukan sa aming lokal.",
                    ),
                ],
            },
            DemoThread {
                kind: "discussion",
                title: "Low-bandwidth options for members in the provinces",
                tags: &["online", "low-bandwidth", "tools"],
                pinned: false,
                days_ago: 14,
                accepted: None,
                member_read: Some(1),
                posts: &[
                    DemoPost {
                        by: TRAINER,
                        hours: 0,
                        body: "Many of our members join from places where the signal drops every \
                               few minutes. Options that work on 2G/3G:\n\n- Audio-only sessions by \
                               phone bridge\n- Lessons as text and small images, downloadable for \
                               offline reading\n- Voice notes in a messaging group for homework\n\n\
                               The full list with costs is in the \
                               [ACTRAV facilitator notes](https://www.ilo.org/actrav). What else have \
                               you tried?",
                        quote: None,
                        reactions: &[(COORDINATOR, "like"), (LEADER, "insightful")],
                        after: After::Edited {
                            before: "Many of our members join from places where the signal drops \
                                     every few minutes. Options that work on 2G/3G:\n\n- Audio-only \
                                     sessions by phone bridge\n- Lessons as text and small images\n\n\
                                     Full list with costs to follow (link coming). What else have you \
                                     tried?",
                            hours: 2,
                        },
                    },
                    liked(
                        MEMBER,
                        4,
                        "In Samar we record the lesson as a five-minute voice note and send it the \
                         evening before. Members listen on the jeepney to work. The discussion the \
                         next day is much better because everyone came prepared.",
                        &[(TRAINER, "insightful"), (LEADER, "like")],
                    ),
                    liked(
                        COORDINATOR,
                        7,
                        "{@member} this is great — could you write it up as a one-page guide? We \
                         could add it to the e-trainer toolkit for the next cohort.",
                        &[(MEMBER, "like")],
                    ),
                    DemoPost {
                        by: NEWCOMER,
                        hours: 10,
                        body: "If anyone needs help with the phone bridge, call our local president \
                               directly at 0917 555 0142, he set it up for us.",
                        quote: None,
                        reactions: &[],
                        after: After::Hidden {
                            by: TRAINER,
                            reason: "Shares a member's personal phone number; please connect \
                                     through the union office instead.",
                        },
                    },
                    liked(
                        MEMBER,
                        28,
                        "Sige po, I'll draft it this week and share it here.",
                        &[(COORDINATOR, "thanks")],
                    ),
                    post(
                        LEADER,
                        60,
                        "One more: some telcos zero-rate education platforms. Ask whether the \
                         union's learning site can be added to the list — it saves our members real \
                         money.",
                    ),
                ],
            },
            DemoThread {
                kind: "discussion",
                title: "Sharing: facilitator checklist for blended courses",
                tags: &["resources", "blended"],
                pinned: false,
                days_ago: 6,
                accepted: None,
                member_read: None,
                posts: &[
                    liked(
                        COORDINATOR,
                        0,
                        "The checklist we go through before every blended course:\n\n**Before** — \
                         test the links on a cheap phone; send the joining instructions in the local \
                         language; name a co-facilitator.\n\n**During** — start with the agenda and \
                         times; one activity every 12 minutes; note who has not spoken.\n\n**After** \
                         — post the recording and the summary within 24 hours; ask three questions, \
                         not twenty.",
                        &[(TRAINER, "thanks"), (LEADER, "like")],
                    ),
                    liked(
                        TRAINER,
                        3,
                        "Thanks Maria. I would add a plan B line: what happens if the facilitator \
                         loses power. Ours is a co-facilitator who has the slides and the \
                         participant list.",
                        &[(COORDINATOR, "thanks")],
                    ),
                    post(
                        LEADER,
                        20,
                        "Printed it for our education committee. Can we translate it into Filipino \
                         and Cebuano for the regional trainers?",
                    ),
                ],
            },
        ],
    },
    DemoCommunity {
        slug: "platform-workers-organising",
        name: "Platform Workers Organising",
        description: "For everyone who took the Platform Workers' Rights course: campaigns, \
                      cases and questions about organising riders, drivers and online freelancers.",
        language: "en",
        visibility: "members",
        course: Some("platform-workers-rights"),
        moderators: &[COORDINATOR],
        members: &[TRAINER, LEADER, MEMBER],
        watching: &[],
        days_ago: 35,
        threads: &[
            DemoThread {
                kind: "discussion",
                title: "Welcome — read this before you post",
                tags: &["welcome"],
                pinned: true,
                days_ago: 33,
                accepted: None,
                member_read: Some(2),
                posts: &[
                    post(
                        COORDINATOR,
                        0,
                        "Welcome! This community continues the *Platform Workers' Rights* course. \
                         Share campaigns, cases and questions about organising delivery riders, \
                         ride-hailing drivers and online freelancers.\n\nWhen you share a case, leave \
                         out names and account numbers: deactivation can follow a worker across \
                         apps.",
                    ),
                    liked(
                        LEADER,
                        6,
                        "Thanks Maria. Our federation has twelve riders' groups now; I will bring \
                         their questions here.",
                        &[(COORDINATOR, "like")],
                    ),
                    liked(
                        MEMBER,
                        9,
                        "Happy to be here! Finishing the course made me want to start something in \
                         Quezon City.",
                        &[(COORDINATOR, "like"), (TRAINER, "like")],
                    ),
                ],
            },
            DemoThread {
                kind: "discussion",
                title: "Riders in Jakarta and Manila: what worked for your first meeting?",
                tags: &["organising", "riders"],
                pinned: false,
                days_ago: 18,
                accepted: None,
                member_read: Some(3),
                posts: &[
                    post(
                        MEMBER,
                        0,
                        "We are planning the first meeting of delivery riders in Quezon City. Most \
                         of them have never been in a union and many are afraid the app will \
                         deactivate them. How did you get the first twenty people into a room?",
                    ),
                    liked(
                        TRAINER,
                        5,
                        "Meet where they already wait: the parking lots near malls around 3 pm, \
                         between the lunch and dinner peaks. Bring water and phone chargers. Talk \
                         about one problem, not the whole union programme.",
                        &[(MEMBER, "insightful")],
                    ),
                    liked(
                        COORDINATOR,
                        8,
                        "Teman-teman di Jakarta bilang: mulai dari masalah yang paling dekat — \
                         potongan tarif dan akun yang diputus sepihak. (Our friends in Jakarta say: \
                         start with the closest problem — fare cuts and accounts switched off \
                         without notice.)",
                        &[(MEMBER, "thanks"), (LEADER, "like")],
                    ),
                    DemoPost {
                        by: MEMBER,
                        hours: 30,
                        body: "> Meet where they already wait\n\nWe did exactly this last Sunday at \
                               the SM North parking lot — 31 riders came! Next step: a list of \
                               deactivation cases for the labour office.",
                        quote: Some(1),
                        reactions: &[(TRAINER, "like"), (COORDINATOR, "like"), (LEADER, "like")],
                        after: After::Nothing,
                    },
                    post(
                        LEADER,
                        300,
                        "Congratulations, Ana! For the second meeting, bring the DOLE hotline and a \
                         simple form for the cases: date, app, what the message said, what \
                         happened to the earnings. Our lawyers can help with the list.",
                    ),
                ],
            },
            DemoThread {
                kind: "question",
                title: "Can platform riders join an existing union under Philippine law?",
                tags: &["legal", "philippines"],
                pinned: false,
                days_ago: 10,
                accepted: Some(1),
                member_read: Some(2),
                posts: &[
                    post(
                        TRAINER,
                        0,
                        "A participant from Cebu asked me this and I did not have a clear answer: \
                         riders are treated as independent contractors by the apps. Can they join \
                         an existing union, or do they need their own workers' association?",
                    ),
                    liked(
                        LEADER,
                        6,
                        "Both routes exist. Without an employer relationship they can register a \
                         **workers' association** with DOLE, which lets them organise and speak for \
                         their members, though not bargain collectively. Several of our federations \
                         also accept them as associate members while the status question is \
                         argued in court.",
                        &[(TRAINER, "thanks"), (MEMBER, "insightful")],
                    ),
                    post(
                        MEMBER,
                        10,
                        "That matches what the riders in QC were told. Is there a simple \
                         registration checklist we could share with them?",
                    ),
                ],
            },
        ],
    },
    DemoCommunity {
        slug: "youth-organisers-network",
        name: "Youth Organisers Network",
        description: "Young trade unionists organising young workers: campaigns, social media, \
                      mentoring and leadership.",
        language: "en",
        visibility: "public",
        course: None,
        moderators: &[LEADER],
        members: &[MEMBER, NEWCOMER, TRAINER],
        watching: &[],
        days_ago: 30,
        threads: &[
            DemoThread {
                kind: "discussion",
                title: "Welcome, young organisers!",
                tags: &["welcome"],
                pinned: true,
                days_ago: 29,
                accepted: None,
                member_read: Some(2),
                posts: &[
                    post(
                        LEADER,
                        0,
                        "Welcome to the network! Post your campaigns, your questions and your \
                         wins. Mentors from the federations read along and answer. Kabataan ang \
                         pag-asa ng kilusan — the youth are the hope of the movement.",
                    ),
                    liked(
                        NEWCOMER,
                        4,
                        "Hello! Lito from a call-centre workers' group. We are 19 so far.",
                        &[(LEADER, "like"), (MEMBER, "like")],
                    ),
                    liked(
                        MEMBER,
                        7,
                        "Welcome Lito! Nineteen is a great start.",
                        &[(NEWCOMER, "thanks")],
                    ),
                ],
            },
            DemoThread {
                kind: "discussion",
                title: "TikTok and short videos for recruiting young workers",
                tags: &["youth", "social-media"],
                pinned: false,
                days_ago: 12,
                accepted: None,
                member_read: Some(2),
                posts: &[
                    post(
                        MEMBER,
                        0,
                        "Sino dito ang gumagamit ng TikTok para sa recruitment? We made three short \
                         videos about unpaid overtime and one got 40,000 views — but only two \
                         people contacted the union afterwards. What do you put at the end of a \
                         video so people actually reach out?",
                    ),
                    liked(
                        NEWCOMER,
                        3,
                        "A link in bio to a two-question form (name, workplace) worked for us. \
                         Anything longer and they leave.",
                        &[(MEMBER, "like")],
                    ),
                    DemoPost {
                        by: TRAINER,
                        hours: 5,
                        body: "Careful with consent: get written consent from every worker who \
                               appears in a video, and blur company badges. A video that gets \
                               someone fired sets the campaign back months.",
                        quote: None,
                        reactions: &[(MEMBER, "insightful"), (LEADER, "like")],
                        after: After::Flagged {
                            by: NEWCOMER,
                            reason: "other",
                            note: "Our local says consent forms are not needed at public \
                                   events — is this advice right?",
                        },
                    },
                    liked(
                        LEADER,
                        26,
                        "Ravi is right, consent matters even at public events. And answer every \
                         comment within a day — that is where the real recruiting happens.",
                        &[(MEMBER, "thanks"), (TRAINER, "like")],
                    ),
                ],
            },
            DemoThread {
                kind: "discussion",
                title: "Pagsasanay para sa mga bagong lider ng kabataan",
                tags: &["training", "filipino"],
                pinned: false,
                days_ago: 4,
                accepted: None,
                member_read: None,
                posts: &[
                    post(
                        NEWCOMER,
                        0,
                        "Magandang gabi sa lahat! Naghahanap kami ng maikling pagsasanay para sa \
                         mga bagong lider ng kabataan sa aming unyon: paano magpatakbo ng pulong, \
                         paano makinig sa mga kasapi, at paano magplano ng kampanya. May \
                         mairerekomenda ba kayo?",
                    ),
                    liked(
                        LEADER,
                        8,
                        "Subukan ninyo ang kursong *Leadership for Young Trade Unionists* sa \
                         catalogue. Tatlong linggo lang at may mentor kada grupo.",
                        &[(NEWCOMER, "thanks")],
                    ),
                ],
            },
        ],
    },
    DemoCommunity {
        slug: "tot-cohort-2026",
        name: "ToT Cohort 2026 — Facilitators",
        description: "The facilitators of the 2026 training-of-trainers cohort: session \
                      debriefs, materials and honest feedback. Members only.",
        language: "en",
        visibility: "private",
        course: None,
        moderators: &[TRAINER],
        members: &[MEMBER, COORDINATOR],
        watching: &[MEMBER],
        days_ago: 25,
        threads: &[
            DemoThread {
                kind: "discussion",
                title: "Welcome, facilitators — how we use this space",
                tags: &["welcome"],
                pinned: true,
                days_ago: 24,
                accepted: None,
                member_read: Some(2),
                posts: &[
                    post(
                        TRAINER,
                        0,
                        "Welcome to the cohort's private space. What is said here stays here: \
                         debrief honestly, including the sessions that went badly. Post your \
                         session plan the day before and your debrief within two days.",
                    ),
                    liked(
                        MEMBER,
                        3,
                        "Thank you Ravi. My first session is on the 12th — grievance handling.",
                        &[(TRAINER, "like")],
                    ),
                    liked(
                        COORDINATOR,
                        6,
                        "I will join the debriefs as an observer and collect what we learn for \
                         next year's cohort.",
                        &[(TRAINER, "thanks"), (MEMBER, "like")],
                    ),
                ],
            },
            DemoThread {
                kind: "discussion",
                title: "Session 3 debrief: role-play on grievance handling",
                tags: &["debrief", "role-play"],
                pinned: false,
                days_ago: 9,
                accepted: None,
                member_read: Some(1),
                posts: &[
                    post(
                        TRAINER,
                        0,
                        "The role-play ran 25 minutes over. The 'supervisor' players were too good \
                         — participants got stuck arguing instead of practising the steps. Next \
                         time: a script card for the supervisor, and a timekeeper in each group.",
                    ),
                    liked(
                        MEMBER,
                        5,
                        "In my group the quiet participants never got a turn. Could we rotate the \
                         steward role every five minutes?",
                        &[(TRAINER, "insightful"), (COORDINATOR, "like")],
                    ),
                    liked(
                        COORDINATOR,
                        30,
                        "Rotation plus the script card sounds right. I will update the session \
                         plan template.",
                        &[(TRAINER, "thanks")],
                    ),
                ],
            },
            DemoThread {
                kind: "question",
                title: "Template for the participant pre-assessment?",
                tags: &["assessment", "templates"],
                pinned: false,
                days_ago: 5,
                accepted: Some(1),
                member_read: Some(2),
                posts: &[
                    post(
                        MEMBER,
                        0,
                        "Does anyone have a short pre-assessment for participants — something we \
                         can send a week before to see what they already know?",
                    ),
                    liked(
                        TRAINER,
                        2,
                        "Use five questions, no more: their role in the union, years as a member, \
                         one problem at work they want to solve, how they connect (phone or \
                         laptop), and which language they prefer. I keep it as a form in the \
                         course's first lesson.",
                        &[(MEMBER, "thanks"), (COORDINATOR, "insightful")],
                    ),
                    post(MEMBER, 4, "Perfect, salamat! Accepting this one."),
                ],
            },
        ],
    },
    DemoCommunity {
        slug: "forum-pelatih-indonesia",
        name: "Forum Pelatih Serikat Indonesia",
        description: "Forum para pelatih serikat pekerja di Indonesia: materi, metode dan \
                      pengalaman pelatihan daring.",
        language: "id",
        visibility: "public",
        course: None,
        moderators: &[TRAINER],
        members: &[COORDINATOR, MEMBER],
        watching: &[],
        days_ago: 20,
        threads: &[
            DemoThread {
                kind: "discussion",
                title: "Selamat datang di Forum Pelatih Serikat",
                tags: &["welcome"],
                pinned: true,
                days_ago: 19,
                accepted: None,
                member_read: Some(1),
                posts: &[
                    post(
                        TRAINER,
                        0,
                        "Selamat datang! Forum ini untuk berbagi materi, metode dan pengalaman \
                         pelatihan serikat pekerja. Silakan menulis dalam Bahasa Indonesia atau \
                         bahasa Inggris.",
                    ),
                    liked(
                        COORDINATOR,
                        5,
                        "Terima kasih! Kami dari Filipina ingin belajar dari pengalaman pelatih di \
                         Indonesia.",
                        &[(TRAINER, "like")],
                    ),
                ],
            },
            DemoThread {
                kind: "discussion",
                title: "Materi K3 untuk pekerja pabrik garmen",
                tags: &["k3", "garmen"],
                pinned: false,
                days_ago: 8,
                accepted: None,
                member_read: None,
                posts: &[
                    post(
                        COORDINATOR,
                        0,
                        "Kami sedang menyiapkan modul keselamatan dan kesehatan kerja (K3) untuk \
                         pekerja pabrik garmen: panas di lantai produksi, jalur evakuasi, dan hak \
                         menolak pekerjaan berbahaya. Ada yang punya materi yang sudah diuji?",
                    ),
                    liked(
                        TRAINER,
                        4,
                        "Ada. Mulailah dengan pemetaan bahaya bersama pekerja (body mapping) — \
                         peserta menandai bagian tubuh yang sakit setelah bekerja. Itu membuka \
                         diskusi lebih cepat daripada ceramah.",
                        &[(COORDINATOR, "insightful"), (MEMBER, "like")],
                    ),
                    post(
                        MEMBER,
                        9,
                        "Body mapping works in Filipino factories too. Would love an English \
                         summary of the module when it is ready!",
                    ),
                ],
            },
        ],
    },
];

/// Notifications of the demo data, all with email status `none` (the seed sends no email).
const DEMO_NOTICES: &[DemoNotice] = &[
    (
        MEMBER,
        "accepted_answer",
        ("etrainers-circle", 1, 2),
        LEADER,
        false,
    ),
    (
        MEMBER,
        "mention",
        ("etrainers-circle", 2, 2),
        COORDINATOR,
        true,
    ),
    (
        MEMBER,
        "reply",
        ("platform-workers-organising", 1, 4),
        LEADER,
        false,
    ),
    (
        MEMBER,
        "new_thread",
        ("tot-cohort-2026", 1, 0),
        TRAINER,
        true,
    ),
    (
        NEWCOMER,
        "post_hidden",
        ("etrainers-circle", 2, 3),
        TRAINER,
        false,
    ),
];

fn email(who: Who) -> String {
    format!("{who}@demo.bayanihan.org")
}

/// Adds the demo communities with their threads, posts, reactions, moderation and the demo
/// member's notifications and read state. Communities whose slug exists are skipped.
pub fn demo(db: &Db) -> anyhow::Result<CommunityReport> {
    let mut conn = db.conn()?;
    let report = write_transaction(&mut conn, demo_communities)?;
    tracing::info!(
        communities.added = report.communities,
        threads.added = report.threads,
        posts.added = report.posts,
        "demo communities seeded"
    );
    Ok(report)
}

/// Where the demo rows went: community, thread and post ids by their place in the data.
#[derive(Default)]
struct DemoIds {
    communities: HashMap<&'static str, i64>,
    threads: HashMap<(&'static str, usize), i64>,
    posts: HashMap<(&'static str, usize, usize), (i64, NaiveDateTime)>,
}

fn demo_communities(conn: &mut DbConn) -> Result<CommunityReport, ApiError> {
    let mut report = CommunityReport::default();
    let emails: Vec<String> = WHO.iter().map(|w| email(w)).collect();
    let found: Vec<(i64, Option<String>, String)> = users::table
        .filter(users::email_normalized.eq_any(emails))
        .select((users::id, users::email_normalized, users::display_name))
        .load(conn)?;
    let mut people: HashMap<Who, i64> = HashMap::new();
    let mut names: HashMap<i64, String> = HashMap::new();
    for (id, email_normalized, name) in found {
        if let Some(who) = WHO
            .iter()
            .find(|w| email_normalized.as_deref() == Some(email(w).as_str()))
        {
            people.insert(*who, id);
            names.insert(id, name);
        }
    }
    if people.len() != WHO.len() {
        tracing::warn!("demo accounts missing: demo communities not seeded");
        return Ok(report);
    }
    let slugs: Vec<String> = DEMO_COMMUNITIES.iter().map(|c| c.slug.to_owned()).collect();
    let existing = existing_slugs(conn, &slugs)?;
    let mut ids = DemoIds::default();
    let at = now();
    for c in DEMO_COMMUNITIES {
        if existing.contains(c.slug) {
            continue;
        }
        demo_community(conn, c, &people, &names, at, &mut ids, &mut report)?;
    }
    for &(to, kind, (slug, t, p), actor, read) in DEMO_NOTICES {
        let (Some(&community_id), Some(&thread_id), Some(&(post_id, created_at))) = (
            ids.communities.get(slug),
            ids.threads.get(&(slug, t)),
            ids.posts.get(&(slug, t, p)),
        ) else {
            continue;
        };
        // An accepted answer is notified when it was accepted: the actor's next post.
        let created_at = if kind == "accepted_answer" {
            DEMO_COMMUNITIES
                .iter()
                .filter(|c| c.slug == slug)
                .flat_map(|c| c.threads[t].posts.iter().enumerate())
                .find(|(k, later)| *k > p && later.by == actor)
                .and_then(|(k, _)| ids.posts.get(&(slug, t, k)))
                .map_or(created_at, |(_, at)| *at)
        } else {
            created_at
        };
        diesel::insert_into(notifications::table)
            .values((
                notifications::user_id.eq(people[to]),
                notifications::kind.eq(kind),
                notifications::community_id.eq(community_id),
                notifications::thread_id.eq(Some(thread_id)),
                notifications::post_id.eq(Some(post_id)),
                notifications::actor_id.eq(Some(people[actor])),
                notifications::created_at.eq(created_at),
                notifications::read_at.eq(read.then(|| created_at + TimeDelta::hours(3))),
                notifications::email_status.eq("none"),
                notifications::email_cadence.eq(None::<String>),
            ))
            .execute(conn)?;
    }
    recount(
        conn,
        &ids.communities.values().copied().collect::<Vec<i64>>(),
    )?;
    Ok(report)
}

fn demo_community(
    conn: &mut DbConn,
    c: &DemoCommunity,
    people: &HashMap<Who, i64>,
    names: &HashMap<i64, String>,
    at: NaiveDateTime,
    ids: &mut DemoIds,
    report: &mut CommunityReport,
) -> Result<(), ApiError> {
    let created = at - TimeDelta::days(c.days_ago);
    let course_id = match c.course {
        Some(slug) => courses::table
            .filter(courses::slug.eq(slug))
            .filter(courses::deleted_at.is_null())
            .select(courses::id)
            .first::<i64>(conn)
            .optional()?,
        None => None,
    };
    let moderator = people[c.moderators[0]];
    let community_id = insert_community(
        conn,
        &NewCommunity {
            slug: c.slug.to_owned(),
            name: c.name.to_owned(),
            description: c.description.to_owned(),
            language: c.language.to_owned(),
            visibility: c.visibility.to_owned(),
            course_id,
            created_by: moderator,
            created_at: created,
            updated_at: created,
        },
    )?;
    ids.communities.insert(c.slug, community_id);
    report.communities += 1;
    let mut members = Vec::new();
    for (k, (who, role)) in c
        .moderators
        .iter()
        .map(|w| (w, "moderator"))
        .chain(c.members.iter().map(|w| (w, "member")))
        .enumerate()
    {
        let joined = created + TimeDelta::hours(2 + 7 * i64::try_from(k).unwrap_or(0));
        members.push(NewMember {
            community_id,
            user_id: people[who],
            role,
            status: "active",
            email_preference: "daily",
            watching: c.watching.contains(who),
            invited_by: (c.visibility == "private" && role == "member").then_some(moderator),
            ban_reason: None,
            created_at: joined,
            updated_at: joined,
        });
    }
    insert_members(conn, &members)?;
    for (t_index, t) in c.threads.iter().enumerate() {
        let start = at - TimeDelta::days(t.days_ago) - TimeDelta::hours(3);
        let author = people[t.posts[0].by];
        let thread_id: i64 = diesel::insert_into(threads::table)
            .values(&NewThread {
                community_id,
                author_id: author,
                kind: t.kind,
                title: t.title.to_owned(),
                tags: t.tags.join(","),
                pinned: t.pinned,
                locked: false,
                reply_count: 0,
                last_activity_at: start,
                created_at: start,
                updated_at: start,
                deleted_at: None,
            })
            .returning(threads::id)
            .get_result(conn)?;
        ids.threads.insert((c.slug, t_index), thread_id);
        report.threads += 1;
        insert_tags(
            conn,
            &t.tags
                .iter()
                .map(|tag| NewTag {
                    thread_id,
                    tag: (*tag).to_owned(),
                })
                .collect::<Vec<_>>(),
        )?;
        if t.pinned {
            write_log(
                conn,
                community_id,
                moderator,
                "pin_thread",
                (None, Some(thread_id), None),
                None,
                start + TimeDelta::hours(1),
            )?;
        }
        let mut post_ids: Vec<i64> = Vec::new();
        let mut last_seen = start;
        for (p_index, p) in t.posts.iter().enumerate() {
            let written = start + TimeDelta::hours(p.hours);
            let mut body = p.body.to_owned();
            for who in WHO {
                body = body.replace(&format!("{{@{who}}}"), &format!("<@{}>", people[who]));
            }
            let count = |kind: &str| {
                i32::try_from(p.reactions.iter().filter(|(_, k)| *k == kind).count()).unwrap_or(0)
            };
            let (edited_at, hidden) = match &p.after {
                After::Edited { hours, .. } => (Some(written + TimeDelta::hours(*hours)), None),
                After::Hidden { by, .. } => {
                    (None, Some((written + TimeDelta::hours(1), people[by])))
                }
                _ => (None, None),
            };
            let post_id: i64 = diesel::insert_into(posts::table)
                .values(&NewPost {
                    thread_id,
                    community_id,
                    author_id: people[p.by],
                    is_first: p_index == 0,
                    body_html: render(&body, names),
                    body,
                    quote_post_id: p.quote.and_then(|q| post_ids.get(q).copied()),
                    like_count: count("like"),
                    thanks_count: count("thanks"),
                    insightful_count: count("insightful"),
                    created_at: written,
                    edited_at,
                    deleted_at: None,
                    hidden_at: hidden.map(|(at, _)| at),
                    hidden_by: hidden.map(|(_, by)| by),
                })
                .returning(posts::id)
                .get_result(conn)?;
            post_ids.push(post_id);
            ids.posts
                .insert((c.slug, t_index, p_index), (post_id, written));
            report.posts += 1;
            if hidden.is_none() {
                last_seen = last_seen.max(written);
            }
            let reactions: Vec<NewReaction> = p
                .reactions
                .iter()
                .enumerate()
                .map(|(k, (who, kind))| NewReaction {
                    post_id,
                    user_id: people[who],
                    kind,
                    created_at: written
                        + TimeDelta::minutes(40 + 25 * i64::try_from(k).unwrap_or(0)),
                })
                .collect();
            report.reactions += insert_reactions(conn, &reactions)?;
            match &p.after {
                After::Nothing => {}
                After::Edited { before, .. } => {
                    diesel::insert_into(post_revisions::table)
                        .values((
                            post_revisions::post_id.eq(post_id),
                            post_revisions::editor_id.eq(people[p.by]),
                            post_revisions::body.eq(*before),
                            post_revisions::written_at.eq(written),
                            post_revisions::replaced_at.eq(edited_at.unwrap_or(written)),
                        ))
                        .execute(conn)?;
                }
                After::Flagged { by, reason, note } => {
                    diesel::insert_into(post_flags::table)
                        .values((
                            post_flags::post_id.eq(post_id),
                            post_flags::community_id.eq(community_id),
                            post_flags::reporter_id.eq(people[by]),
                            post_flags::reason.eq(*reason),
                            post_flags::note.eq(Some(*note)),
                            post_flags::status.eq("open"),
                            post_flags::created_at.eq(written + TimeDelta::hours(2)),
                        ))
                        .execute(conn)?;
                }
                After::Hidden { by, reason } => {
                    write_log(
                        conn,
                        community_id,
                        people[by],
                        "hide_post",
                        (Some(people[p.by]), Some(thread_id), Some(post_id)),
                        Some(reason),
                        written + TimeDelta::hours(1),
                    )?;
                }
            }
        }
        let accepted = t.accepted.and_then(|a| post_ids.get(a).copied());
        diesel::update(threads::table.find(thread_id))
            .set((
                threads::first_post_id.eq(post_ids.first().copied()),
                threads::accepted_post_id.eq(accepted),
                threads::last_activity_at.eq(last_seen),
                threads::updated_at.eq(last_seen),
            ))
            .execute(conn)?;
        // Starting or replying watches a thread; each reader's place is where they posted.
        let mut watchers: Vec<(i64, NaiveDateTime, i64)> = Vec::new();
        for (p, &post_id) in t.posts.iter().zip(&post_ids) {
            let who = people[p.by];
            let written = start + TimeDelta::hours(p.hours);
            match watchers.iter_mut().find(|(id, _, _)| *id == who) {
                Some(w) => w.2 = post_id,
                None => watchers.push((who, written, post_id)),
            }
        }
        for &(user_id, since, last_own) in &watchers {
            diesel::insert_into(thread_subscriptions::table)
                .values((
                    thread_subscriptions::thread_id.eq(thread_id),
                    thread_subscriptions::user_id.eq(user_id),
                    thread_subscriptions::created_at.eq(since),
                ))
                .execute(conn)?;
            if user_id != people[MEMBER] {
                diesel::insert_into(thread_reads::table)
                    .values((
                        thread_reads::thread_id.eq(thread_id),
                        thread_reads::user_id.eq(user_id),
                        thread_reads::last_read_post_id.eq(last_own),
                        thread_reads::updated_at.eq(since),
                    ))
                    .execute(conn)?;
            }
        }
        if let Some(&last_read) = t.member_read.and_then(|r| post_ids.get(r)) {
            let read_at = start + TimeDelta::hours(t.posts[t.member_read.unwrap_or(0)].hours + 1);
            diesel::insert_into(thread_reads::table)
                .values((
                    thread_reads::thread_id.eq(thread_id),
                    thread_reads::user_id.eq(people[MEMBER]),
                    thread_reads::last_read_post_id.eq(last_read),
                    thread_reads::updated_at.eq(read_at.min(at)),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// A moderation-log entry at a given time (the shared writer stamps "now").
fn write_log(
    conn: &mut DbConn,
    community_id: i64,
    moderator_id: i64,
    action: &str,
    (target_user_id, thread_id, post_id): (Option<i64>, Option<i64>, Option<i64>),
    reason: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(moderation_log::table)
        .values((
            moderation_log::community_id.eq(community_id),
            moderation_log::moderator_id.eq(moderator_id),
            moderation_log::action.eq(action),
            moderation_log::target_user_id.eq(target_user_id),
            moderation_log::thread_id.eq(thread_id),
            moderation_log::post_id.eq(post_id),
            moderation_log::reason.eq(reason),
            moderation_log::created_at.eq(at),
        ))
        .execute(conn)
}

// ------------------------------------------------------------------------------ scale

/// Prefix of every synthetic community's slug.
const SCALE_PREFIX: &str = "scale-community-";
/// Domain of the synthetic accounts (see `seed::scale`).
const SYNTHETIC_DOMAIN: &str = "@scale.bayanihan.test";

const SCALE_TOPICS: &[&str] = &[
    "Organising",
    "Occupational Safety and Health",
    "Collective Bargaining",
    "Youth Organising",
    "Gender Equality",
    "Platform Work",
    "Social Protection",
    "Migrant Workers",
    "Online Facilitation",
    "Minimum Wage",
];
const SCALE_TAGS: &[&str] = &[
    "organising",
    "osh",
    "bargaining",
    "youth",
    "gender",
    "platform-work",
    "social-protection",
    "migrants",
    "facilitation",
    "wages",
    "resources",
    "campaigns",
];
const SUBJECTS: &[&str] = &[
    "Our union",
    "The shop stewards",
    "Young members",
    "The e-trainers",
    "Women workers",
    "Delivery riders",
    "Our federation",
    "The OSH committee",
    "New facilitators",
    "Garment workers",
    "Domestic workers",
    "The education officer",
    "Contract workers",
    "Hospital nurses",
];
const VERBS: &[&str] = &[
    "need more training on",
    "organised a session about",
    "asked many questions about",
    "want to share notes on",
    "are struggling with",
    "made good progress on",
    "held a workshop on",
    "started a campaign on",
    "wrote a short guide to",
    "would like examples of",
];
const OBJECTS: &[&str] = &[
    "collective bargaining",
    "occupational safety and health",
    "grievance handling",
    "the minimum wage campaign",
    "social protection for platform workers",
    "gender equality at the workplace",
    "digital organising",
    "heat stress at work",
    "the rights of contract workers",
    "freedom of association",
    "union dues and finances",
    "mentoring young leaders",
    "the blended course design",
    "overtime and working hours",
];
const PLACES: &[&str] = &[
    "in Manila",
    "in Jakarta",
    "in Cebu",
    "in Dhaka",
    "in Kathmandu",
    "in Colombo",
    "in Phnom Penh",
    "in Surabaya",
    "after the night shift",
    "during the online module",
    "with the employer",
    "at the regional meeting",
    "before the next bargaining round",
    "in the export zone",
];
const EXTRAS: &[&str] = &[
    "Salamat sa pagbabahagi!",
    "Kailangan natin ng mas maraming pagsasanay.",
    "Magandang ideya ito para sa aming unyon.",
    "Terima kasih atas informasinya.",
    "Serikat kami juga mengalami hal yang sama.",
    "Pelatihan daring sangat membantu anggota baru.",
    "Any materials would be welcome.",
    "Happy to share our slides.",
    "Solidarity from our local!",
    "Let us discuss this at the next meeting.",
];
const TITLES: &[&str] = &[
    "How does your union handle {}?",
    "Sharing our experience with {}",
    "Question about {}",
    "Resources on {} for new facilitators",
    "Tanong tungkol sa {}",
    "Diskusi: {}",
    "Lessons learnt: {}",
    "Looking for a trainer on {}",
];

/// A well-mixed 64-bit hash (splitmix64): deterministic variety without a random source.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick<'a>(list: &[&'a str], h: u64) -> &'a str {
    list[usize::try_from(h % list.len() as u64).unwrap_or(0)]
}

/// Two to four plausible sentences, so that search finds realistic hits.
fn scale_body(h: u64) -> String {
    let sentences = 2 + h % 3;
    let mut out = String::new();
    for s in 0..sentences {
        let k = mix(h ^ (s + 1));
        if !out.is_empty() {
            out.push(' ');
        }
        if k.is_multiple_of(5) {
            out.push_str(pick(EXTRAS, k >> 8));
        } else {
            out.push_str(&format!(
                "{} {} {} {}.",
                pick(SUBJECTS, k >> 8),
                pick(VERBS, k >> 16),
                pick(OBJECTS, k >> 24),
                pick(PLACES, k >> 32)
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
pub fn scale(db: &Db, n: usize) -> anyhow::Result<CommunityReport> {
    let started = std::time::Instant::now();
    let mut conn = db.conn()?;
    let report = write_transaction(&mut conn, |conn| scale_communities(conn, n))?;
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

fn scale_communities(conn: &mut DbConn, n: usize) -> Result<CommunityReport, ApiError> {
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
        let topic = SCALE_TOPICS[i % SCALE_TOPICS.len()];
        let visibility = ["public", "public", "members", "private"][i % 4];
        let language = ["en", "en", "en", "fil", "id"][i % 5];
        let created = base - TimeDelta::days(10);
        let id = insert_community(
            conn,
            &NewCommunity {
                slug: slug.clone(),
                name: format!("{topic} Circle {:04}", i + 1),
                description: format!(
                    "Synthetic community {} for load tests: {} in practice.",
                    i + 1,
                    topic.to_lowercase()
                ),
                language: language.to_owned(),
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
        let topic = pick(OBJECTS, h >> 12);
        let tags: Vec<&str> = if h.is_multiple_of(3) {
            vec![pick(SCALE_TAGS, h >> 20)]
        } else {
            let a = pick(SCALE_TAGS, h >> 20);
            let b = pick(SCALE_TAGS, h >> 28);
            if a == b { vec![a] } else { vec![a, b] }
        };
        thread_rows.push(NewThread {
            community_id,
            author_id: author,
            kind: if t % 4 == 1 { "question" } else { "discussion" },
            title: pick(TITLES, h >> 36).replace("{}", topic),
            tags: tags.join(","),
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
                scale_body(h),
                None,
                (h, cap(&roster_of, community_id)),
                created_at,
                None,
            ));
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
                let mut body = scale_body(h >> 3);
                let mut quote = None;
                if k % 12 == 5
                    && let Some(first_id) = first_of.get(&thread_id)
                {
                    let first_body = scale_body(opening_hash(thread_id));
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
                ));
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
) -> NewPost {
    let deleted_at = state.filter(|s| s.0 == "deleted").map(|s| s.1);
    let hidden = state.filter(|s| s.0 == "hidden");
    let (body, body_html) = if deleted_at.is_some() {
        (String::new(), String::new())
    } else {
        let html = match body.split_once("\n\n") {
            Some((quote, rest)) if quote_post_id.is_some() => format!(
                "<blockquote>\n<p>{}</p>\n</blockquote>\n<p>{}</p>\n",
                escape_html(quote.trim_start_matches("> ")),
                escape_html(rest)
            ),
            _ => format!("<p>{}</p>\n", escape_html(&body)),
        };
        (body, html)
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
    NewPost {
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
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn active(c: &DemoCommunity, who: Who) -> bool {
        c.moderators.contains(&who) || c.members.contains(&who)
    }

    #[test]
    fn demo_data_is_consistent() {
        let mut slugs = HashSet::new();
        for c in DEMO_COMMUNITIES {
            assert!(slugs.insert(c.slug), "{} twice", c.slug);
            assert!(!c.moderators.is_empty(), "{}: no moderator", c.slug);
            assert!(c.threads[0].pinned, "{}: no pinned welcome", c.slug);
            for w in c.watching {
                assert!(active(c, w), "{}: {w} watches but is no member", c.slug);
            }
            for t in c.threads {
                assert!(
                    t.days_ago < c.days_ago,
                    "{}: thread before community",
                    t.title
                );
                assert!(t.posts.len() >= 2, "{}: no replies", t.title);
                let asker = t.posts[0].by;
                if let Some(a) = t.accepted {
                    assert_eq!(t.kind, "question", "{}", t.title);
                    assert!(a > 0 && a < t.posts.len(), "{}", t.title);
                    assert_ne!(t.posts[a].by, asker, "{}: self-accepted", t.title);
                    assert!(matches!(t.posts[a].after, After::Nothing));
                }
                if let Some(r) = t.member_read {
                    assert!(r < t.posts.len(), "{}", t.title);
                    assert!(active(c, MEMBER), "{}", t.title);
                }
                let mut last = -1;
                for (k, p) in t.posts.iter().enumerate() {
                    assert!(active(c, p.by), "{}: {} is no member", t.title, p.by);
                    assert!(p.hours > last, "{}: post {k} out of order", t.title);
                    last = p.hours;
                    assert!(p.hours + 12 < t.days_ago * 24, "{}: in the future", t.title);
                    assert_eq!(p.hours == 0, k == 0, "{}", t.title);
                    if let Some(q) = p.quote {
                        assert!(q < k, "{}: quotes a later post", t.title);
                    }
                    let mut seen = HashSet::new();
                    for (who, kind) in p.reactions {
                        assert!(active(c, who), "{}: {who} reacts, no member", t.title);
                        assert_ne!(*who, p.by, "{}: reacts to own post", t.title);
                        assert!(["like", "thanks", "insightful"].contains(kind));
                        assert!(seen.insert((who, kind)), "{}: twice", t.title);
                    }
                    match &p.after {
                        After::Flagged { by, reason, .. } => {
                            assert!(active(c, by) && *by != p.by);
                            assert!(
                                ["spam", "abuse", "off_topic", "privacy", "other"].contains(reason)
                            );
                        }
                        After::Hidden { by, .. } => {
                            assert!(c.moderators.contains(by));
                            assert!(p.reactions.is_empty() && k > 0);
                        }
                        After::Edited { .. } | After::Nothing => {}
                    }
                }
            }
        }
        for (to, kind, (slug, t, p), actor, _) in DEMO_NOTICES {
            let c = DEMO_COMMUNITIES.iter().find(|c| c.slug == *slug).unwrap();
            let post = &c.threads[*t].posts[*p];
            assert!(active(c, to) && to != actor, "{kind}");
            match *kind {
                "accepted_answer" => {
                    assert_eq!(c.threads[*t].accepted, Some(*p));
                    assert_eq!(post.by, *to);
                }
                "post_hidden" => assert!(matches!(post.after, After::Hidden { .. })),
                "mention" => assert!(post.body.contains(&format!("{{@{to}}}"))),
                _ => assert_eq!(post.by, *actor, "{kind}"),
            }
        }
        // The private community hides from the newcomer.
        let tot = DEMO_COMMUNITIES
            .iter()
            .find(|c| c.visibility == "private")
            .unwrap();
        assert!(!active(tot, NEWCOMER) && active(tot, MEMBER));
        assert!(tot.moderators.contains(&TRAINER));
    }

    #[test]
    fn the_benchmark_scale_has_enough_posts() {
        // N = 10,000: N threads, the ids following the demo threads.
        let total: usize = (20..10_020).map(planned_posts).sum();
        assert!(total >= 200_000, "{total}");
        assert!((20..10_020).any(|id| planned_posts(id) >= 500));
    }

    #[test]
    fn mentions_render_as_names_and_text_is_escaped() {
        let names = HashMap::from([(7, "Ana <Cruz>".to_owned())]);
        let html = render("Hello <@7> and <@8>", &names);
        assert!(
            html.contains("<span class=\"mention\" data-user-id=\"7\">@Ana &lt;Cruz&gt;</span>")
        );
        assert!(html.contains("&lt;@8&gt;"));
        assert_eq!(escape_html("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
        let p = scale_post(
            (1, 1, 1),
            false,
            "> x <y>\n\nz".into(),
            Some(1),
            (3, 5),
            now(),
            None,
        );
        assert_eq!(
            p.body_html,
            "<blockquote>\n<p>x &lt;y&gt;</p>\n</blockquote>\n<p>z</p>\n"
        );
    }
}
