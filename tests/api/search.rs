//! Tests of the community of practice: search.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, spawn_app};

async fn search(app: &TestApp, user: Option<&TestUser>, query: &str) -> (u16, Value) {
    app.get_as(user, &format!("/api/v1/search/posts?{query}"))
        .await
}

/// The post ids of a successful search.
async fn hits(app: &TestApp, user: Option<&TestUser>, query: &str) -> Vec<i64> {
    let (status, body) = search(app, user, query).await;
    assert_eq!(status, 200, "{query}: {body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["post_id"].as_i64().unwrap())
        .collect()
}

fn q(text: &str) -> String {
    format!("q={}", urlencoding(text))
}

fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn finds_titles_and_bodies_title_matches_first() {
    let app = spawn_app().await;
    let owner = app.user("coordinator").await;
    let member = app.user("member").await;
    let community = app.create_community(&owner, "public").await;
    app.join_community(&member, community).await;
    // Body match first (lower id), so that the order is the ranking's doing.
    let (body_thread, body_post) = app
        .create_thread(
            &member,
            community,
            "question",
            "Meeting notes",
            "We discussed bargaining strategy <script>alert(1)</script> & more at length.",
        )
        .await;
    let (title_thread, title_post) = app
        .create_thread(
            &owner,
            community,
            "discussion",
            "Collective bargaining basics",
            "An introduction for new shop stewards.",
        )
        .await;
    let reply = app
        .reply(&member, title_thread, "Thanks, the stewards loved it.")
        .await;

    let (status, body) = search(&app, None, "q=bargaining").await;
    assert_eq!(status, 200, "{body}");
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{body}");
    assert_eq!(items[0]["post_id"], title_post);
    assert_eq!(items[1]["post_id"], body_post);
    assert!(items[0]["rank"].as_f64().unwrap() > items[1]["rank"].as_f64().unwrap());
    assert_eq!(items[0]["thread"]["id"], title_thread);
    assert_eq!(items[0]["thread"]["title"], "Collective bargaining basics");
    assert_eq!(
        items[0]["thread"]["title_html"],
        "Collective <mark>bargaining</mark> basics"
    );
    assert_eq!(items[0]["thread"]["kind"], "discussion");
    assert_eq!(items[0]["community"]["id"], community);
    assert!(
        items[0]["community"]["name"]
            .as_str()
            .unwrap()
            .starts_with("Community ")
    );
    assert_eq!(items[0]["author"]["id"], owner.id);
    assert_eq!(items[0]["author"]["display_name"], "Test coordinator");
    assert!(items[0]["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(items[1]["thread"]["id"], body_thread);
    assert_eq!(items[1]["thread"]["kind"], "question");
    assert!(body["next_cursor"].is_null());

    // The snippet is safe HTML with the match marked.
    let snippet = items[1]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>bargaining</mark>"), "{snippet}");
    assert!(snippet.contains("&lt;script&gt;"), "{snippet}");
    assert!(!snippet.contains("<script"), "{snippet}");
    assert!(snippet.contains("&amp; more"), "{snippet}");

    // Body words, prefixes, several words (all must occur), any case.
    let stewards = hits(&app, None, "q=stewards").await;
    assert_eq!(stewards.len(), 2);
    assert!(stewards.contains(&title_post) && stewards.contains(&reply));
    assert_eq!(hits(&app, None, "q=barg").await.len(), 2);
    assert_eq!(
        hits(&app, None, &q("Bargaining STRAT")).await,
        vec![body_post]
    );
    assert_eq!(
        hits(&app, None, &q("  bargaining   strategy  ")).await,
        vec![body_post]
    );
    assert!(hits(&app, None, "q=nowhere").await.is_empty());
    // Only one community.
    let other = app.create_community(&owner, "public").await;
    app.create_thread(&owner, other, "discussion", "More bargaining", "Elsewhere")
        .await;
    assert_eq!(hits(&app, None, "q=bargaining").await.len(), 3);
    let only = hits(
        &app,
        None,
        &format!("q=bargaining&community_id={community}"),
    )
    .await;
    assert_eq!(only, vec![title_post, body_post]);
    let (status, _) = search(&app, None, "q=bargaining&community_id=999999").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn private_and_members_communities_are_searched_by_their_readers() {
    let app = spawn_app().await;
    let trainer = app.user("trainer").await;
    let member = app.user("member").await;
    let outsider = app.user("member").await;
    let staff = app.user("coordinator").await;
    let private = app.create_community(&trainer, "private").await;
    app.add_member(&trainer, private, &member).await;
    let (_, secret) = app
        .create_thread(
            &member,
            private,
            "discussion",
            "Zanzibarite plans",
            "Quiet work.",
        )
        .await;
    let members_only = app.create_community(&staff, "members").await;
    let (_, inner) = app
        .create_thread(
            &staff,
            members_only,
            "discussion",
            "Zanzibarite circle",
            "For all.",
        )
        .await;

    assert!(hits(&app, None, "q=zanzibarite").await.is_empty());
    assert_eq!(
        hits(&app, Some(&outsider), "q=zanzibarite").await,
        vec![inner]
    );
    assert_eq!(hits(&app, Some(&staff), "q=zanzibarite").await, vec![inner]);
    let mut found = hits(&app, Some(&member), "q=zanzibarite").await;
    found.sort();
    assert_eq!(found, vec![secret, inner]);
    assert_eq!(hits(&app, Some(&trainer), "q=quiet").await, vec![secret]);

    let path = format!("q=zanzibarite&community_id={private}");
    assert_eq!(search(&app, Some(&outsider), &path).await.0, 404);
    assert_eq!(search(&app, None, &path).await.0, 404);
    assert_eq!(hits(&app, Some(&member), &path).await, vec![secret]);
    let path = format!("q=zanzibarite&community_id={members_only}");
    assert_eq!(search(&app, None, &path).await.0, 401);
}

#[tokio::test]
async fn hidden_and_deleted_posts_are_not_found() {
    let app = spawn_app().await;
    let owner = app.user("coordinator").await;
    let member = app.user("member").await;
    let community = app.create_community(&owner, "public").await;
    app.join_community(&member, community).await;
    let (thread, opening) = app
        .create_thread(
            &member,
            community,
            "discussion",
            "Quokka sightings",
            "Seen one",
        )
        .await;
    let hidden = app.reply(&member, thread, "A quokka smiled").await;
    let deleted = app.reply(&member, thread, "Another quokka").await;
    let kept = app.reply(&member, thread, "Quokka again").await;
    assert_eq!(hits(&app, None, "q=quokka").await.len(), 4);

    let (status, _) = app
        .send_as(
            &owner,
            Method::POST,
            &format!("/api/v1/posts/{hidden}/hide"),
            Some(json!({"reason": "Off topic"})),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .send_as(
            &member,
            Method::DELETE,
            &format!("/api/v1/posts/{deleted}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let mut found = hits(&app, Some(&member), "q=quokka").await;
    found.sort();
    assert_eq!(found, vec![opening, kept]);
    assert!(hits(&app, Some(&owner), "q=smiled").await.is_empty());

    // A deleted thread takes its posts with it.
    let (status, _) = app
        .send_as(
            &member,
            Method::DELETE,
            &format!("/api/v1/threads/{thread}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert!(hits(&app, None, "q=quokka").await.is_empty());
}

#[tokio::test]
async fn the_query_is_validated() {
    let app = spawn_app().await;
    for query in ["", "q=", "q=a", &format!("q={}", "x".repeat(201))] {
        let (status, body) = search(&app, None, query).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["errors"][0]["field"], "q", "{body}");
    }
    // Long enough as sent, but not once trimmed: a query-string problem like the others
    // (400 `invalid_query`, not 422).
    let (status, body) = search(&app, None, "q=%20a%20%20").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "invalid_query", "{body}");
    assert_eq!(body["errors"][0]["field"], "q", "{body}");
    assert_eq!(body["errors"][0]["code"], "too_short", "{body}");
    // Control characters break the documented pattern: refused, not cleaned away.
    let (status, body) = search(&app, None, "q=ab%0C").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"][0]["code"], "control_characters", "{body}");
    assert_eq!(
        search(&app, None, &format!("q={}", "x".repeat(200)))
            .await
            .0,
        200
    );
    for query in [
        "q=ab&limit=51",
        "q=ab&limit=0",
        "q=ab&cursor=zz",
        "q=ab&sort=rank",
        "q=ab&community_id=x",
    ] {
        let (status, body) = search(&app, None, query).await;
        assert_eq!(status, 400, "{query}: {body}");
    }
}

#[tokio::test]
async fn query_syntax_is_plain_text() {
    let app = spawn_app().await;
    let owner = app.user("coordinator").await;
    let community = app.create_community(&owner, "public").await;
    let (_, post) = app
        .create_thread(
            &owner,
            community,
            "discussion",
            "Syntax",
            "He said \"organise\" - it's near: the union's title* page",
        )
        .await;
    for text in [
        "\"organise",
        "organise\"",
        "\"\"",
        "*a",
        "**",
        "org*",
        "-organise",
        "organise -union",
        "NEAR(organise union)",
        "NEAR organise",
        "title:organise",
        "{title}:x",
        "body : organise",
        "organise OR union",
        "AND OR NOT",
        "^organise",
        "a:b:c",
        "()",
        "'; DROP TABLE posts; --",
        "\\' \\\\",
        "it's",
        "union's",
        "!!! ???",
        "é ü",
        "organise & | ! <-> :*",
    ] {
        let (status, body) = search(&app, None, &q(text)).await;
        assert_eq!(status, 200, "{text}: {body}");
    }
    // Control characters are refused as the documented pattern says, never passed on.
    let (status, body) = search(&app, None, &q("\u{2}mark\u{3}")).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(hits(&app, None, &q("\"organise\"")).await, vec![post]);
    assert_eq!(hits(&app, None, &q("it's")).await, vec![post]);
    assert_eq!(hits(&app, None, &q("title*")).await, vec![post]);
    assert_eq!(hits(&app, None, &q("near:")).await, vec![post]);
}

#[tokio::test]
async fn results_come_in_pages() {
    let app = spawn_app().await;
    let owner = app.user("coordinator").await;
    let community = app.create_community(&owner, "public").await;
    let (thread, first) = app
        .create_thread(&owner, community, "discussion", "Pagination", "pagination")
        .await;
    let mut all = vec![first];
    for i in 0..6 {
        // Some equal ranks (same text), some different.
        let text = if i % 2 == 0 {
            "pagination".to_owned()
        } else {
            format!("pagination and {} other words", "many ".repeat(i))
        };
        all.push(app.reply(&owner, thread, &text).await);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut query = "q=pagination&limit=2".to_owned();
        if let Some(c) = &cursor {
            query.push_str(&format!("&cursor={c}"));
        }
        let (status, body) = search(&app, None, &query).await;
        assert_eq!(status, 200, "{body}");
        let items = body["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|h| h["post_id"].as_i64().unwrap()));
        pages += 1;
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
        assert!(pages < 10, "too many pages");
    }
    assert_eq!(pages, 4);
    assert_eq!(seen[0], first, "the title match comes first");
    assert_eq!(seen.len(), all.len(), "{seen:?}");
    let unique: HashSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique, all.iter().copied().collect::<HashSet<i64>>());

    // The same order in one page.
    assert_eq!(hits(&app, None, "q=pagination&limit=50").await, seen);
    // A cursor belongs to its query.
    let (_, body) = search(&app, None, "q=pagination&limit=2").await;
    let cursor = body["next_cursor"].as_str().unwrap();
    let (status, _) = search(&app, None, &format!("q=other&limit=2&cursor={cursor}")).await;
    assert_eq!(status, 400);
}

/// Adds `count` posts with `body` followed by their number to `thread` (of `community`, by
/// `author`), all at once, as the scale seed does: one statement, the search index kept
/// by the database's own triggers (the path every write takes).
async fn bulk_posts(
    app: &TestApp,
    community: i64,
    thread: i64,
    author: i64,
    body: &str,
    count: i64,
) {
    use diesel::RunQueryDsl;
    use diesel::sql_types::{BigInt, Text, Timestamp};
    let body = body.to_owned();
    app.db
        .write(move |conn| {
            diesel::sql_query(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
                 INSERT INTO posts (thread_id, community_id, author_id, is_first, body, body_html, created_at) \
                 SELECT $2, $3, $4, FALSE, $5 || ' ' || i, '<p>' || $5 || '</p>', $6 FROM n",
            )
            .bind::<BigInt, _>(count)
            .bind::<BigInt, _>(thread)
            .bind::<BigInt, _>(community)
            .bind::<BigInt, _>(author)
            .bind::<Text, _>(body)
            .bind::<Timestamp, _>(bayanihan::db::now())
            .execute(conn)?;
            Ok(())
        })
        .await
        .expect("bulk posts");
}

#[tokio::test]
async fn every_match_is_ranked_an_old_strong_match_outranks_a_thousand_newer_weak_ones() {
    let app = spawn_app().await;
    let owner = app.user("coordinator").await;
    let insider = app.user("member").await;
    let open = app.create_community(&owner, "public").await;
    let closed = app.create_community(&owner, "private").await;
    // The oldest match, and the most relevant: a short post about little else.
    let (_, old) = app
        .create_thread(
            &owner,
            open,
            "discussion",
            "Pay questions",
            "Overtime, overtime, overtime: unpaid overtime.",
        )
        .await;
    // Then 1,200 newer posts that mention the word once among many others...
    let (busy, _) = app
        .create_thread(
            &owner,
            open,
            "discussion",
            "Meeting minutes",
            "Minutes of our meetings.",
        )
        .await;
    let weak = "The branch meeting discussed the agenda, the budget, the newsletter, the \
                training calendar, the elections, the bargaining team, the shop stewards, the \
                health and safety committee and, briefly, overtime, before closing";
    bulk_posts(&app, open, busy, owner.id, weak, 1200).await;
    let newest = app.reply(&owner, busy, weak).await;
    // ...and, newer still, stronger matches that only the private community's members read.
    let (hidden_thread, _) = app
        .create_thread(
            &owner,
            closed,
            "discussion",
            "Internal",
            "For members only.",
        )
        .await;
    bulk_posts(
        &app,
        closed,
        hidden_thread,
        owner.id,
        &"overtime ".repeat(8),
        300,
    )
    .await;

    let found = hits(&app, None, "q=overtime&limit=20").await;
    assert_eq!(found.len(), 20);
    assert_eq!(
        found[0], old,
        "the best match comes first, however old: {found:?}"
    );
    let newest_at = found.iter().position(|&id| id == newest);
    assert!(
        newest_at.is_none_or(|i| i > 0),
        "the newest, weak match comes after"
    );
    let (_, body) = search(&app, None, "q=overtime&limit=3").await;
    let items = body["items"].as_array().unwrap();
    assert!(items[0]["rank"].as_f64().unwrap() > items[1]["rank"].as_f64().unwrap());
    // The same for a member, narrowed to the community.
    assert_eq!(
        hits(
            &app,
            Some(&insider),
            &format!("q=overtime&community_id={open}&limit=5")
        )
        .await[0],
        old
    );
    // The private community's reader gets its stronger matches first.
    let mine = hits(&app, Some(&owner), "q=overtime&limit=50").await;
    assert_eq!(mine.len(), 50);
    assert!(!mine.contains(&old), "300 stronger matches come first");
    // The weakest match is reached through the pages, and no hit repeats.
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query = "q=overtime&limit=50".to_owned();
        if let Some(c) = &cursor {
            query.push_str(&format!("&cursor={c}"));
        }
        let (status, body) = search(&app, None, &query).await;
        assert_eq!(status, 200, "{body}");
        for h in body["items"].as_array().unwrap() {
            assert!(seen.insert(h["post_id"].as_i64().unwrap()), "no hit twice");
        }
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 1202, "every readable match once");
    assert!(seen.contains(&newest) && seen.contains(&old));
}
