//! Language access through HTTP (issue 17): translations that know when they are out of
//! date, translators whose drafts are reviewed, learners' requests and the union glossary.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestUser, assert_problem, call, prefer, send, spawn_app};
use crate::nominations::union;
use crate::translation_helpers::{course_in_fil, state_of, translator};

/// The walk-through: an English lesson changes, its Filipino translation is flagged
/// outdated for the reader and in the list, a translator updates it (a draft), the owner
/// approves it, and the learner who asked is emailed.
#[tokio::test]
async fn an_outdated_translation_is_redone_by_a_translator_and_the_learner_is_told() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let owner = app.user("trainer").await;
    let learner = app.user("member").await;
    prefer(&app, &learner, "fil");
    let org = union(&app, "Unyon ng mga Manggagawa", "PH");
    let fil = translator(&app, &coordinator, org, "fil").await;
    let c = course_in_fil(&app, &owner, &coordinator, "walk-through", true).await;
    let lesson_path = format!("/api/v1/lessons/{}", c.lesson);

    // Before the change: complete, not flagged.
    let read = call(
        &app,
        Method::GET,
        &format!("{lesson_path}?lang=fil"),
        &learner,
        None,
        200,
    )
    .await;
    assert_eq!(read["language"], "fil");
    assert_eq!(read["outdated"], false);
    assert!(read["source_updated_at"].is_null());

    // The owner changes the English lesson.
    call(
        &app,
        Method::PATCH,
        &lesson_path,
        &owner,
        Some(json!({"content": "Your union negotiates and enforces a Collective Bargaining Agreement."})),
        200,
    )
    .await;

    // The reader still gets the Filipino text, flagged with the date of the new original.
    let read = call(
        &app,
        Method::GET,
        &format!("{lesson_path}?lang=fil"),
        &learner,
        None,
        200,
    )
    .await;
    assert_eq!(read["language"], "fil");
    assert_eq!(read["content"], "Nakikipagtawaran ang unyon mo.");
    assert_eq!(read["outdated"], true);
    assert!(read["source_updated_at"].is_string());
    // The course's own texts did not change: not flagged.
    let course = call(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{}?lang=fil", c.id),
        &learner,
        None,
        200,
    )
    .await;
    assert_eq!(course["outdated"], false);

    // The owner's list shows the lesson outdated, the rest complete.
    let list_path = format!("/api/v1/courses/{}/translations", c.id);
    let list = call(&app, Method::GET, &list_path, &owner, None, 200).await;
    assert_eq!(list["default_language"], "en");
    assert_eq!(list["languages"], json!(["fil"]));
    assert_eq!(state_of(&list, "lesson", c.lesson, "fil"), "outdated");
    assert_eq!(state_of(&list, "module", c.module, "fil"), "complete");
    assert_eq!(state_of(&list, "course", c.id, "fil"), "complete");
    // A learner may not read it.
    assert_problem(
        send(&app, Method::GET, &list_path, &learner, None).await,
        403,
        "forbidden",
    )
    .await;

    // The learner asks for the course in Filipino (idempotent).
    let requests = format!("/api/v1/courses/{}/translation-requests", c.id);
    let asked = call(
        &app,
        Method::POST,
        &requests,
        &learner,
        Some(json!({"language": "fil"})),
        201,
    )
    .await;
    let again = call(
        &app,
        Method::POST,
        &requests,
        &learner,
        Some(json!({"language": "FIL"})),
        200,
    )
    .await;
    assert_eq!(asked["id"], again["id"]);
    assert!(asked["notified_at"].is_null());

    // The translator's queue has the lesson first, with its request.
    let queue = call(
        &app,
        Method::GET,
        "/api/v1/translation-queue",
        &fil,
        None,
        200,
    )
    .await;
    let first = &queue["items"][0];
    assert_eq!(first["kind"], "lesson");
    assert_eq!(first["id"], c.lesson);
    assert_eq!(first["state"], "outdated");
    assert_eq!(first["requests"], 1);
    assert_eq!(first["source_title"], "What a union does");

    // The translator updates it: a draft; readers still get the published text.
    let draft = call(
        &app,
        Method::POST,
        &format!("/api/v1/translations/lesson/{}/fil/drafts", c.lesson),
        &fil,
        Some(json!({"title": "Ano ang ginagawa ng unyon",
            "content": "Nakikipagtawaran at ipinatutupad ng unyon mo ang CBA."})),
        201,
    )
    .await;
    assert_eq!(draft["status"], "pending");
    let read = call(
        &app,
        Method::GET,
        &format!("{lesson_path}?lang=fil"),
        &learner,
        None,
        200,
    )
    .await;
    assert_eq!(read["outdated"], true);
    let list = call(&app, Method::GET, &list_path, &owner, None, 200).await;
    let pending = list["texts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "lesson")
        .unwrap()["translations"][0]["pending_draft_id"]
        .clone();
    assert_eq!(pending, draft["id"]);

    // Nobody approves their own.
    let approve = format!("/api/v1/translation-drafts/{}/approve", draft["id"]);
    assert_problem(
        send(&app, Method::POST, &approve, &fil, None).await,
        403,
        "own_translation",
    )
    .await;
    // A learner may not approve.
    assert_problem(
        send(&app, Method::POST, &approve, &learner, None).await,
        403,
        "forbidden",
    )
    .await;
    assert!(app.outbox().iter().all(|(to, _, _)| to != &learner.email));

    // The owner approves: published, complete, and the learner is emailed in Filipino.
    let approved = call(&app, Method::POST, &approve, &owner, None, 200).await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["reviewed_by"], owner.id);
    assert_problem(
        send(&app, Method::POST, &approve, &owner, None).await,
        409,
        "not_pending",
    )
    .await;
    let read = call(
        &app,
        Method::GET,
        &format!("{lesson_path}?lang=fil"),
        &learner,
        None,
        200,
    )
    .await;
    assert_eq!(
        read["content"],
        "Nakikipagtawaran at ipinatutupad ng unyon mo ang CBA."
    );
    assert_eq!(read["outdated"], false);
    let list = call(&app, Method::GET, &list_path, &owner, None, 200).await;
    assert_eq!(state_of(&list, "lesson", c.lesson, "fil"), "complete");
    let mail: Vec<_> = app
        .outbox()
        .into_iter()
        .filter(|(to, _, _)| to == &learner.email)
        .collect();
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert!(
        mail[0].1.starts_with("Nasa wika mo na: Pag-oorganisa"),
        "{}",
        mail[0].1
    );
    assert!(
        mail[0].2.contains("/courses/walk-through?lang=fil"),
        "{}",
        mail[0].2
    );
    let mine = call(
        &app,
        Method::GET,
        &format!("{requests}/fil"),
        &learner,
        None,
        200,
    )
    .await;
    assert!(mine["notified_at"].is_string());
    // The queue is empty now.
    let queue = call(
        &app,
        Method::GET,
        "/api/v1/translation-queue",
        &fil,
        None,
        200,
    )
    .await;
    assert_eq!(queue["items"], json!([]));
}

#[tokio::test]
async fn a_minor_change_keeps_translations_complete() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let owner = app.user("trainer").await;
    let c = course_in_fil(&app, &owner, &coordinator, "minor-change", true).await;
    let lesson_path = format!("/api/v1/lessons/{}", c.lesson);
    call(
        &app,
        Method::PATCH,
        &lesson_path,
        &owner,
        Some(json!({"content": "Your union negotiates a collective bargaining agreement.", "minor": true})),
        200,
    )
    .await;
    call(
        &app,
        Method::PATCH,
        &format!("/api/v1/modules/{}", c.module),
        &owner,
        Some(json!({"title": "Bargaining!", "minor": true})),
        200,
    )
    .await;
    let read = call(
        &app,
        Method::GET,
        &format!("{lesson_path}?lang=fil"),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(read["outdated"], false);
    let list = call(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{}/translations", c.id),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(state_of(&list, "lesson", c.lesson, "fil"), "complete");
    assert_eq!(state_of(&list, "module", c.module, "fil"), "complete");
    // A change that is not minor outdates the module's title, and only in that language.
    call(
        &app,
        Method::PUT,
        &format!("/api/v1/courses/{}/translations/en", c.id),
        &owner,
        Some(json!({"title": "Organising platform workers today", "summary": "Know your rights on the app"})),
        200,
    )
    .await;
    let module = call(
        &app,
        Method::GET,
        &format!("/api/v1/modules/{}?lang=fil", c.module),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(module["outdated"], false);
    let course = call(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{}?lang=fil", c.id),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(course["outdated"], true);
    assert!(course["source_updated_at"].is_string());
    let course = call(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{}?lang=en", c.id),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(course["outdated"], false);
    // The owner's own new translation publishes at once, complete.
    call(
        &app,
        Method::PUT,
        &format!("/api/v1/courses/{}/translations/fil", c.id),
        &owner,
        Some(json!({"title": "Pag-oorganisa ng mga platform worker ngayon"})),
        200,
    )
    .await;
    let list = call(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{}/translations?language=fil", c.id),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(state_of(&list, "course", c.id, "fil"), "complete");
    // `?language=` lists a language nothing is translated into as missing.
    let list = call(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{}/translations?language=tet", c.id),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(state_of(&list, "lesson", c.lesson, "tet"), "missing");
}

#[tokio::test]
async fn translators_work_in_their_languages_and_review_each_other() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let owner = app.user("trainer").await;
    let org = union(&app, "Serikat Pekerja", "ID");
    let first = translator(&app, &coordinator, org, "fil").await;
    let second = translator(&app, &coordinator, org, "fil").await;
    let c = course_in_fil(&app, &owner, &coordinator, "two-translators", false).await;

    // Another language than the translator's: 403.
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/translations/lesson/{}/id/drafts", c.lesson),
        &first,
        Some(json!({"title": "Apa yang dilakukan serikat", "content": "Serikat berunding."})),
    )
    .await;
    assert_problem(res, 403, "not_a_translator").await;
    // Fields the kind has not: 422.
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/translations/module/{}/fil/drafts", c.module),
        &first,
        Some(json!({"title": "Pakikipagtawaran", "content": "x"})),
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    // The course's own language is not a translation.
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/translations/module/{}/en/drafts", c.module),
        &first,
        Some(json!({"title": "Bargaining"})),
    )
    .await;
    assert_eq!(res.status().as_u16(), 403);

    // A draft of a missing module title, approved by the second translator.
    let draft = call(
        &app,
        Method::POST,
        &format!("/api/v1/translations/module/{}/fil/drafts", c.module),
        &first,
        Some(json!({"title": "Sama-samang pakikipagtawaran"})),
        201,
    )
    .await;
    let got = call(
        &app,
        Method::GET,
        &format!("/api/v1/translation-drafts/{}", draft["id"]),
        &second,
        None,
        200,
    )
    .await;
    assert_eq!(got["title"], "Sama-samang pakikipagtawaran");
    call(
        &app,
        Method::POST,
        &format!("/api/v1/translation-drafts/{}/approve", draft["id"]),
        &second,
        None,
        200,
    )
    .await;
    let module = call(
        &app,
        Method::GET,
        &format!("/api/v1/modules/{}?lang=fil", c.module),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(module["title"], "Sama-samang pakikipagtawaran");
    assert_eq!(module["language"], "fil");

    // A rejected draft publishes nothing.
    let draft = call(
        &app,
        Method::POST,
        &format!("/api/v1/translations/lesson/{}/fil/drafts", c.lesson),
        &second,
        Some(json!({"title": "Ano ang unyon", "content": "Maikli."})),
        201,
    )
    .await;
    let rejected = call(
        &app,
        Method::POST,
        &format!("/api/v1/translation-drafts/{}/reject", draft["id"]),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    let lesson = call(
        &app,
        Method::GET,
        &format!("/api/v1/lessons/{}?lang=fil", c.lesson),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(lesson["language"], "en");

    // Only coordinators grant, only to union members; revoking takes the language away.
    let outsider = app.user("member").await;
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/translators/{}/languages/fil", outsider.id),
        &owner,
        None,
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/translators/{}/languages/fil", outsider.id),
        &coordinator,
        None,
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    call(
        &app,
        Method::PUT,
        &format!("/api/v1/translators/{}/languages/fil", first.id),
        &coordinator,
        None,
        200,
    )
    .await;
    let res = send(
        &app,
        Method::DELETE,
        &format!("/api/v1/translators/{}/languages/fil", first.id),
        &coordinator,
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 204);
    let me = call(
        &app,
        Method::GET,
        &format!("/api/v1/translators/{}", first.id),
        &first,
        None,
        200,
    )
    .await;
    assert_eq!(me["languages"], json!([]));
    assert_problem(
        send(&app, Method::GET, "/api/v1/translation-queue", &first, None).await,
        403,
        "not_a_translator",
    )
    .await;
}

#[tokio::test]
async fn languages_outside_the_platform_list_are_refused() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let owner = app.user("trainer").await;
    let learner = app.user("member").await;
    let c = course_in_fil(&app, &owner, &coordinator, "unknown-language", true).await;
    let requests = format!("/api/v1/courses/{}/translation-requests", c.id);
    for (language, code) in [
        ("xx", "unsupported_language"),
        ("klingon", "invalid_language"),
        ("en", "is_default_language"),
    ] {
        let body = assert_problem(
            send(
                &app,
                Method::POST,
                &requests,
                &learner,
                Some(json!({"language": language})),
            )
            .await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(body["errors"][0]["code"], code, "{language}: {body}");
    }
    // Fully translated already.
    let res = send(
        &app,
        Method::POST,
        &requests,
        &learner,
        Some(json!({"language": "fil"})),
    )
    .await;
    assert_problem(res, 409, "already_translated").await;
    let res = send(
        &app,
        Method::PUT,
        &format!("/api/v1/translators/{}/languages/xx", learner.id),
        &coordinator,
        None,
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = send(
        &app,
        Method::POST,
        "/api/v1/courses/999999/translation-requests",
        &learner,
        Some(json!({"language": "tet"})),
    )
    .await;
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn the_queue_puts_the_most_requested_first_and_coordinators_see_totals() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let owner = app.user("trainer").await;
    let org = union(&app, "Sindikatu", "TL");
    let tet = translator(&app, &coordinator, org, "tet").await;
    let quiet = course_in_fil(&app, &owner, &coordinator, "quiet-course", false).await;
    let wanted = course_in_fil(&app, &owner, &coordinator, "wanted-course", false).await;
    for _ in 0..2 {
        let learner = app.user("member").await;
        call(
            &app,
            Method::POST,
            &format!("/api/v1/courses/{}/translation-requests", wanted.id),
            &learner,
            Some(json!({"language": "tet"})),
            201,
        )
        .await;
    }
    // Page by page, one text at a time: the wanted course's three texts, then the other's.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = call(
            &app,
            Method::GET,
            &format!("/api/v1/translation-queue?limit=1&language=tet&cursor={cursor}"),
            &tet,
            None,
            200,
        )
        .await;
        for item in page["items"].as_array().unwrap() {
            assert_eq!(item["state"], "missing");
            seen.push((
                item["course_id"].as_i64().unwrap(),
                item["kind"].as_str().unwrap().to_owned(),
                item["requests"].as_i64().unwrap(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert_eq!(
        seen,
        vec![
            (wanted.id, "course".to_owned(), 2),
            (wanted.id, "module".to_owned(), 2),
            (wanted.id, "lesson".to_owned(), 2),
            (quiet.id, "course".to_owned(), 0),
            (quiet.id, "module".to_owned(), 0),
            (quiet.id, "lesson".to_owned(), 0),
        ]
    );
    // A language the translator does not hold.
    let res = send(
        &app,
        Method::GET,
        "/api/v1/translation-queue?language=fil",
        &tet,
        None,
    )
    .await;
    assert_problem(res, 403, "not_a_translator").await;

    let totals = call(
        &app,
        Method::GET,
        "/api/v1/translation-requests/totals",
        &coordinator,
        None,
        200,
    )
    .await;
    assert_eq!(
        totals["items"],
        json!([{"item_kind": "course", "item_id": wanted.id, "course_id": wanted.id,
            "resource_id": null, "title": "Organising platform workers",
            "course_title": "Organising platform workers",
            "language": "tet", "country": "PH", "total": 2, "open": 2}])
    );
    let none = call(
        &app,
        Method::GET,
        "/api/v1/translation-requests/totals?country=TL",
        &coordinator,
        None,
        200,
    )
    .await;
    assert_eq!(none["items"], json!([]));
    let res = send(
        &app,
        Method::GET,
        "/api/v1/translation-requests/totals",
        &tet,
        None,
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
}

#[tokio::test]
async fn glossary_terms_are_marked_in_the_source_beside_the_text() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let owner = app.user("trainer").await;
    let org = union(&app, "Unyon", "PH");
    let fil = translator(&app, &coordinator, org, "fil").await;
    let c = course_in_fil(&app, &owner, &coordinator, "glossary-course", false).await;
    let entry = call(
        &app,
        Method::POST,
        "/api/v1/glossary",
        &coordinator,
        Some(json!({"source_language": "en", "target_language": "fil",
            "source_term": "collective bargaining agreement",
            "target_term": "kasunduan sa sama-samang pakikipagtawaran",
            "note": "CBA for short"})),
        201,
    )
    .await;
    call(
        &app,
        Method::POST,
        "/api/v1/glossary",
        &coordinator,
        Some(json!({"source_language": "en", "target_language": "fil", "source_term": "union", "target_term": "unyon"})),
        201,
    )
    .await;
    // The same term in another case: 409; members do not manage the glossary.
    let res = send(&app, Method::POST, "/api/v1/glossary", &coordinator,
        Some(json!({"source_language": "en", "target_language": "fil", "source_term": "Collective  Bargaining Agreement", "target_term": "CBA"}))).await;
    assert_problem(res, 409, "duplicate_term").await;
    let res = send(&app, Method::POST, "/api/v1/glossary", &fil,
        Some(json!({"source_language": "en", "target_language": "fil", "source_term": "strike", "target_term": "welga"}))).await;
    assert_problem(res, 403, "forbidden").await;
    let res = send(&app, Method::POST, "/api/v1/glossary", &coordinator,
        Some(json!({"source_language": "en", "target_language": "xx", "source_term": "strike", "target_term": "welga"}))).await;
    assert_problem(res, 422, "validation_failed").await;

    let view = call(
        &app,
        Method::GET,
        &format!("/api/v1/translations/lesson/{}/fil", c.lesson),
        &fil,
        None,
        200,
    )
    .await;
    assert_eq!(view["state"], "missing");
    assert_eq!(
        view["source"]["content"],
        "Your union negotiates a Collective Bargaining Agreement."
    );
    let marks: Vec<(String, String, i64, i64)> = view["glossary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["field"].as_str().unwrap().to_owned(),
                m["target_term"].as_str().unwrap().to_owned(),
                m["start"].as_i64().unwrap(),
                m["end"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        marks,
        vec![
            ("title".to_owned(), "unyon".to_owned(), 7, 12),
            ("content".to_owned(), "unyon".to_owned(), 5, 10),
            (
                "content".to_owned(),
                "kasunduan sa sama-samang pakikipagtawaran".to_owned(),
                24,
                55
            ),
        ]
    );
    // Beside each text of the queue too (its title).
    let queue = call(
        &app,
        Method::GET,
        "/api/v1/translation-queue",
        &fil,
        None,
        200,
    )
    .await;
    let lesson = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "lesson")
        .unwrap();
    assert_eq!(lesson["glossary"][0]["source_term"], "union");
    // Someone neither owner nor translator of the language does not see the view.
    let learner = app.user("member").await;
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/translations/lesson/{}/fil", c.lesson),
        &learner,
        None,
    )
    .await;
    assert_problem(res, 403, "forbidden").await;
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/translations/chapter/{}/fil", c.lesson),
        &fil,
        None,
    )
    .await;
    assert_problem(res, 400, "invalid_path").await;

    let list = call(
        &app,
        Method::GET,
        "/api/v1/glossary?source_language=en&target_language=fil&limit=1",
        &fil,
        None,
        200,
    )
    .await;
    assert_eq!(list["items"][0]["id"], entry["id"]);
    assert!(list["next_cursor"].is_string());
    let res = send(
        &app,
        Method::DELETE,
        &format!("/api/v1/glossary/{}", entry["id"]),
        &coordinator,
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 204);
    let res = send(
        &app,
        Method::GET,
        &format!("/api/v1/glossary/{}", entry["id"]),
        &fil,
        None,
    )
    .await;
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn the_demo_has_translators_requests_an_outdated_and_a_missing_translation_and_a_glossary() {
    let app = spawn_app().await;
    app.seed_demo();
    app.seed_demo();
    let login = |email: &'static str| {
        let app = &app;
        async move {
            let (token, refresh_token) = app.login(email, bayanihan::seed::DEMO_PASSWORD).await;
            TestUser {
                id: 0,
                email: email.to_owned(),
                password: String::new(),
                token,
                refresh_token,
            }
        }
    };
    let trainer = login("trainer@demo.bayanihan.org").await;
    let translator = login("member@demo.bayanihan.org").await;
    let coordinator = login("coordinator@demo.bayanihan.org").await;
    let slug_id = |slug: &str| {
        use bayanihan::db::schema::courses::dsl;
        use diesel::prelude::*;
        let mut conn = app.db.conn().unwrap();
        dsl::courses
            .filter(dsl::slug.eq(slug))
            .select(dsl::id)
            .first::<i64>(&mut *conn)
            .unwrap()
    };
    // The outdated Filipino lesson.
    let platform = slug_id("platform-workers-rights");
    let list = call(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{platform}/translations"),
        &trainer,
        None,
        200,
    )
    .await;
    let states: Vec<String> = list["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            state_of(
                &list,
                t["kind"].as_str().unwrap(),
                t["id"].as_i64().unwrap(),
                "fil",
            )
        })
        .collect();
    assert_eq!(
        states.iter().filter(|s| *s == "outdated").count(),
        1,
        "{states:?}"
    );
    assert!(
        list["languages"]
            .as_array()
            .unwrap()
            .contains(&json!("tet"))
    );
    // The missing course, most requested in the translator's queue.
    let missing = slug_id("social-dialogue-collective-bargaining");
    let queue = call(
        &app,
        Method::GET,
        "/api/v1/translation-queue",
        &translator,
        None,
        200,
    )
    .await;
    let first = &queue["items"][0];
    assert_eq!(first["course_id"], missing);
    assert_eq!(first["state"], "missing");
    assert_eq!(first["requests"], 2);
    let totals = call(
        &app,
        Method::GET,
        "/api/v1/translation-requests/totals",
        &coordinator,
        None,
        200,
    )
    .await;
    assert_eq!(totals["items"][0]["total"], 2);
    // Thirty glossary terms in each of three languages.
    for language in ["fil", "id", "tet"] {
        let mut count = 0;
        let mut cursor = String::new();
        loop {
            let page = call(
                &app,
                Method::GET,
                &format!("/api/v1/glossary?source_language=en&target_language={language}&limit=100&cursor={cursor}"),
                &translator,
                None,
                200,
            )
            .await;
            count += page["items"].as_array().unwrap().len();
            match page["next_cursor"].as_str() {
                Some(c) => cursor = c.to_owned(),
                None => break,
            }
        }
        assert_eq!(count, 30, "{language}");
    }
}
