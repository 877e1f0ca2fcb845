//! Language access beyond courses (issue 17, items 1 to 4): library resources, surveys and
//! quiz questions whose translations know when they are out of date, learners asking for a
//! resource in their language, translators' drafts of resources, the outline's flags and
//! changes of glossary entries.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, call, ok_json, prefer, send, spawn_app};
use crate::nominations::union;
use crate::translation_helpers::{course_in_fil, state_of, translator};

/// A published public resource in English by `owner`, with a Filipino text: its id.
async fn resource_in_fil(app: &TestApp, owner: &TestUser) -> i64 {
    let created = call(
        app,
        Method::POST,
        "/api/v1/resources",
        owner,
        Some(json!({
            "kind": "toolkit",
            "default_language": "en",
            "title": "Platform workers' rights toolkit",
            "description": "How riders organise: rights, evidence of employment, bargaining.",
            "licence": "CC-BY-4.0",
            "visibility": "public",
            "topics": ["platform-workers"],
            "countries": ["PH"]
        })),
        201,
    )
    .await;
    assert_eq!(created["outdated"], false);
    let id = created["id"].as_i64().unwrap();
    call(
        app,
        Method::PUT,
        &format!("/api/v1/resources/{id}/translations/fil"),
        owner,
        Some(
            json!({"title": "Toolkit sa karapatan ng mga platform worker",
            "description": "Paano mag-organisa ang mga rider."}),
        ),
        201,
    )
    .await;
    id
}

/// The walk-through for a resource: the English text changes, the Filipino one is
/// flagged for readers and listed outdated; a learner asks for it in Indonesian, a
/// translator's draft waits for a second translator, and the learner is emailed.
#[tokio::test]
async fn a_resource_translation_is_outdated_requested_and_reviewed() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let owner = app.user("trainer").await;
    let learner = app.user("member").await;
    prefer(&app, &learner, "id");
    let org = union(&app, "Serikat Pekerja Platform", "ID");
    let id_translator = translator(&app, &coordinator, org, "id").await;
    let second = translator(&app, &coordinator, org, "id").await;
    let fil_translator = translator(&app, &coordinator, org, "fil").await;
    let id = resource_in_fil(&app, &owner).await;
    let path = format!("/api/v1/resources/{id}");

    // Translated, complete: not flagged.
    let read = call(
        &app,
        Method::GET,
        &format!("{path}?lang=fil"),
        &learner,
        None,
        200,
    )
    .await;
    assert_eq!(read["language"], "fil");
    assert_eq!(read["outdated"], false);
    assert!(read["source_updated_at"].is_null());

    // A minor change of the original keeps the translation complete.
    call(
        &app,
        Method::PUT,
        &format!("{path}/translations/en"),
        &owner,
        Some(json!({"title": "Platform workers' rights toolkit",
            "description": "How riders organise: rights, evidence of employment and bargaining.",
            "minor": true})),
        200,
    )
    .await;
    let list_path = format!("{path}/translations");
    let list = call(&app, Method::GET, &list_path, &owner, None, 200).await;
    assert_eq!(list["kind"], "resource");
    assert_eq!(list["id"], id);
    assert_eq!(list["default_language"], "en");
    assert_eq!(list["languages"], json!(["fil"]));
    assert_eq!(list["texts"][0]["source_version"], 1);
    assert_eq!(state_of(&list, "resource", id, "fil"), "complete");

    // A real change outdates it: readers still get it, flagged with the new original's date.
    call(
        &app,
        Method::PUT,
        &format!("{path}/translations/en"),
        &owner,
        Some(json!({"title": "Platform workers' rights toolkit",
            "description": "How riders and drivers organise, and bargain over algorithmic pay."})),
        200,
    )
    .await;
    let read = call(
        &app,
        Method::GET,
        &format!("{path}?lang=fil"),
        &learner,
        None,
        200,
    )
    .await;
    assert_eq!(read["title"], "Toolkit sa karapatan ng mga platform worker");
    assert_eq!(read["outdated"], true);
    assert!(read["source_updated_at"].is_string());
    // The original is never outdated.
    let read = call(
        &app,
        Method::GET,
        &format!("{path}?lang=en"),
        &learner,
        None,
        200,
    )
    .await;
    assert_eq!(read["outdated"], false);
    let list = call(&app, Method::GET, &list_path, &owner, None, 200).await;
    assert_eq!(list["texts"][0]["source_version"], 2);
    assert_eq!(state_of(&list, "resource", id, "fil"), "outdated");
    // A learner may not read the states.
    assert_problem(
        send(&app, Method::GET, &list_path, &learner, None).await,
        403,
        "forbidden",
    )
    .await;

    // The learner asks for it in Indonesian (idempotent); bad languages are refused.
    let requests = format!("{path}/translation-requests");
    let asked = call(
        &app,
        Method::POST,
        &requests,
        &learner,
        Some(json!({"language": "id"})),
        201,
    )
    .await;
    assert_eq!(asked["resource_id"], id);
    assert!(asked["course_id"].is_null());
    let again = call(
        &app,
        Method::POST,
        &requests,
        &learner,
        Some(json!({"language": "ID"})),
        200,
    )
    .await;
    assert_eq!(asked["id"], again["id"]);
    for (language, code) in [
        ("xx", "unsupported_language"),
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
    let list = call(&app, Method::GET, &list_path, &owner, None, 200).await;
    assert_eq!(list["languages"], json!(["fil", "id"]));
    assert_eq!(state_of(&list, "resource", id, "id"), "missing");

    // Coordinators see the request totalled with its kind.
    let totals = call(
        &app,
        Method::GET,
        "/api/v1/translation-requests/totals?kind=resource",
        &coordinator,
        None,
        200,
    )
    .await;
    let row = &totals["items"][0];
    assert_eq!(row["item_kind"], "resource");
    assert_eq!(row["item_id"], id);
    assert_eq!(row["resource_id"], id);
    assert!(row["course_id"].is_null());
    assert_eq!(row["title"], "Platform workers' rights toolkit");
    assert_eq!(row["language"], "id");
    assert_eq!(row["total"], 1);
    assert_eq!(row["open"], 1);
    let courses_only = call(
        &app,
        Method::GET,
        "/api/v1/translation-requests/totals?kind=course",
        &coordinator,
        None,
        200,
    )
    .await;
    assert_eq!(courses_only["items"], json!([]));

    // A glossary term of the pair is marked in the source.
    call(
        &app,
        Method::POST,
        "/api/v1/glossary",
        &coordinator,
        Some(json!({"source_language": "en", "target_language": "id",
            "source_term": "platform workers", "target_term": "pekerja platform"})),
        201,
    )
    .await;

    // The Indonesian translator's queue has the resource, missing, with its request.
    let queue = call(
        &app,
        Method::GET,
        "/api/v1/translation-queue?language=id",
        &id_translator,
        None,
        200,
    )
    .await;
    let item = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "resource" && q["id"] == id)
        .expect("the resource is queued")
        .clone();
    assert_eq!(item["state"], "missing");
    assert_eq!(item["requests"], 1);
    assert!(item["course_id"].is_null());
    assert_eq!(item["source_title"], "Platform workers' rights toolkit");
    assert_eq!(item["glossary"][0]["target_term"], "pekerja platform");
    assert_eq!(queue["items"][0]["id"], id, "most requested first");
    // The Filipino translator's queue has it outdated.
    let queue = call(
        &app,
        Method::GET,
        "/api/v1/translation-queue",
        &fil_translator,
        None,
        200,
    )
    .await;
    assert!(
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["kind"] == "resource" && q["id"] == id && q["state"] == "outdated"),
        "{queue}"
    );

    // The translator's view: source, state and the glossary marks.
    let text = call(
        &app,
        Method::GET,
        &format!("/api/v1/translations/resource/{id}/id"),
        &id_translator,
        None,
        200,
    )
    .await;
    assert_eq!(text["state"], "missing");
    assert_eq!(text["source"]["title"], "Platform workers' rights toolkit");
    assert!(text["course_id"].is_null());
    let mark = &text["glossary"][0];
    assert_eq!(mark["field"], "title");
    assert_eq!(mark["start"], 0);
    assert_eq!(mark["end"], 16);

    // Translating into a language one does not hold: 403.
    let drafts = format!("/api/v1/translations/resource/{id}/id/drafts");
    let body = json!({"title": "Perangkat hak pekerja platform",
        "description": "Cara pengemudi berorganisasi dan berunding soal upah algoritmik."});
    assert_problem(
        send(
            &app,
            Method::POST,
            &drafts,
            &fil_translator,
            Some(body.clone()),
        )
        .await,
        403,
        "not_a_translator",
    )
    .await;
    // A resource has no summary.
    let bad = assert_problem(
        send(
            &app,
            Method::POST,
            &drafts,
            &id_translator,
            Some(json!({"title": "Perangkat", "summary": "x"})),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(bad["errors"][0]["code"], "not_for_kind");
    let draft = call(&app, Method::POST, &drafts, &id_translator, Some(body), 201).await;
    assert_eq!(draft["status"], "pending");
    assert_eq!(draft["kind"], "resource");
    assert!(draft["course_id"].is_null());
    let list = call(&app, Method::GET, &list_path, &owner, None, 200).await;
    let id_state = list["texts"][0]["translations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["language"] == "id")
        .unwrap()
        .clone();
    assert_eq!(id_state["pending_draft_id"], draft["id"]);
    assert_eq!(id_state["state"], "missing");

    // Nobody approves their own; a translator of another language may not either.
    let approve = format!("/api/v1/translation-drafts/{}/approve", draft["id"]);
    assert_problem(
        send(&app, Method::POST, &approve, &id_translator, None).await,
        403,
        "own_translation",
    )
    .await;
    assert_problem(
        send(&app, Method::POST, &approve, &fil_translator, None).await,
        403,
        "forbidden",
    )
    .await;
    assert!(app.outbox().iter().all(|(to, _, _)| to != &learner.email));

    // A second translator approves: published, complete, the learner is told.
    let approved = call(&app, Method::POST, &approve, &second, None, 200).await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["reviewed_by"], second.id);
    let read = call(
        &app,
        Method::GET,
        &format!("{path}?lang=id"),
        &learner,
        None,
        200,
    )
    .await;
    assert_eq!(read["language"], "id");
    assert_eq!(read["title"], "Perangkat hak pekerja platform");
    assert_eq!(read["outdated"], false);
    let list = call(&app, Method::GET, &list_path, &owner, None, 200).await;
    assert_eq!(state_of(&list, "resource", id, "id"), "complete");
    let mail: Vec<_> = app
        .outbox()
        .into_iter()
        .filter(|(to, _, _)| to == &learner.email)
        .collect();
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert!(
        mail[0].2.contains(&format!("/resources/{id}?lang=id")),
        "{}",
        mail[0].2
    );
    let mine = call(
        &app,
        Method::GET,
        &format!("{requests}/id"),
        &learner,
        None,
        200,
    )
    .await;
    assert!(mine["notified_at"].is_string());
    // Fully translated now: a new request is refused.
    let other = app.user("member").await;
    assert_problem(
        send(
            &app,
            Method::POST,
            &requests,
            &other,
            Some(json!({"language": "id"})),
        )
        .await,
        409,
        "already_translated",
    )
    .await;
    // The owner's own Filipino edit publishes at once: complete again.
    call(
        &app,
        Method::PUT,
        &format!("{path}/translations/fil"),
        &owner,
        Some(
            json!({"title": "Toolkit sa karapatan ng mga platform worker",
            "description": "Paano mag-organisa at makipagtawaran ang mga rider at driver."}),
        ),
        200,
    )
    .await;
    let list = call(&app, Method::GET, &list_path, &owner, None, 200).await;
    assert_eq!(state_of(&list, "resource", id, "fil"), "complete");
}

/// A survey's and a question's translations are flagged when their original changes, and
/// a minor change keeps them complete.
#[tokio::test]
async fn survey_and_question_translations_know_when_they_are_outdated() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let owner = app.user("trainer").await;
    let c = course_in_fil(&app, &owner, &coordinator, "survey-staleness", true).await;

    // A survey with a Filipino translation.
    let items = json!([
        {"kind": "likert", "prompt": "The course was relevant to my union work."},
        {"kind": "open_text", "prompt": "What should we change?"},
    ]);
    let survey = call(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{}/surveys", c.id),
        &owner,
        Some(json!({"title": "How was the course?", "items": items})),
        201,
    )
    .await;
    let survey_id = survey["id"].as_i64().unwrap();
    assert_eq!(survey["outdated"], false);
    let survey_path = format!("/api/v1/surveys/{survey_id}");
    let fil = json!({"title": "Kumusta ang kurso?", "items": [
        {"prompt": "Makabuluhan ang kurso sa gawain ko sa unyon."},
        {"prompt": "Ano ang dapat naming baguhin?"},
    ]});
    call(
        &app,
        Method::PUT,
        &format!("{survey_path}/translations/fil"),
        &owner,
        Some(fil),
        201,
    )
    .await;
    let en = |title: &str, minor: bool| {
        json!({"title": title, "minor": minor, "items": [
            {"prompt": "The course was relevant to my union work."},
            {"prompt": "What should we change?"},
        ]})
    };
    // Minor: still complete.
    call(
        &app,
        Method::PUT,
        &format!("{survey_path}/translations/en"),
        &owner,
        Some(en("How was the course ?", true)),
        200,
    )
    .await;
    let read = call(
        &app,
        Method::GET,
        &format!("{survey_path}?lang=fil"),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(read["language"], "fil");
    assert_eq!(read["outdated"], false);
    // A real change: outdated.
    call(
        &app,
        Method::PUT,
        &format!("{survey_path}/translations/en"),
        &owner,
        Some(en("How useful was the course?", false)),
        200,
    )
    .await;
    let read = call(
        &app,
        Method::GET,
        &format!("{survey_path}?lang=fil"),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(read["title"], "Kumusta ang kurso?");
    assert_eq!(read["outdated"], true);
    assert!(read["source_updated_at"].is_string());
    let list = call(
        &app,
        Method::GET,
        &format!("{survey_path}/translations"),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(list["kind"], "survey");
    assert_eq!(list["languages"], json!(["fil"]));
    assert_eq!(state_of(&list, "survey", survey_id, "fil"), "outdated");
    // Someone the survey neither asks nor lets edit does not see it.
    let stranger = app.user("member").await;
    assert_problem(
        send(
            &app,
            Method::GET,
            &format!("{survey_path}/translations"),
            &stranger,
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;

    // A question of the course's bank, translated, then its English changed.
    let q = call(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{}/questions", c.id),
        &owner,
        Some(
            json!({"kind": "true_false", "stem": "A union negotiates a CBA.",
            "correct_boolean": true}),
        ),
        201,
    )
    .await;
    let q_path = format!("/api/v1/questions/{}", q["id"]);
    call(
        &app,
        Method::PUT,
        &format!("{q_path}/translations/fil"),
        &owner,
        Some(json!({"stem": "Nakikipagtawaran ang unyon para sa CBA."})),
        201,
    )
    .await;
    let read = call(
        &app,
        Method::GET,
        &format!("{q_path}?lang=fil"),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(read["outdated"], false);
    call(
        &app,
        Method::PUT,
        &format!("{q_path}/translations/en"),
        &owner,
        Some(
            json!({"stem": "A union negotiates a CBA.", "feedback": "Typo fixed.",
            "minor": true}),
        ),
        200,
    )
    .await;
    let read = call(
        &app,
        Method::GET,
        &format!("{q_path}?lang=fil"),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(read["outdated"], false);
    call(
        &app,
        Method::PUT,
        &format!("{q_path}/translations/en"),
        &owner,
        Some(json!({"stem": "A union negotiates and enforces a CBA."})),
        200,
    )
    .await;
    let read = call(
        &app,
        Method::GET,
        &format!("{q_path}?lang=fil"),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(read["stem"], "Nakikipagtawaran ang unyon para sa CBA.");
    assert_eq!(read["outdated"], true);
    assert!(read["source_updated_at"].is_string());
    let list = call(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{}/questions?lang=fil", c.id),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(list["items"][0]["outdated"], true);
    // Replacing the question with new English texts outdates again after a re-translation.
    call(
        &app,
        Method::PUT,
        &format!("{q_path}/translations/fil"),
        &owner,
        Some(json!({"stem": "Nakikipagtawaran at nagpapatupad ng CBA ang unyon."})),
        200,
    )
    .await;
    let read = call(
        &app,
        Method::GET,
        &format!("{q_path}?lang=fil"),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(read["outdated"], false);
    call(
        &app,
        Method::PUT,
        &q_path,
        &owner,
        Some(
            json!({"kind": "true_false", "stem": "Unions negotiate CBAs.",
            "correct_boolean": true}),
        ),
        200,
    )
    .await;
    let read = call(
        &app,
        Method::GET,
        &format!("{q_path}?lang=fil"),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(read["outdated"], true);
}

/// The course with its outline flags each outdated module and lesson title.
#[tokio::test]
async fn the_outline_flags_outdated_titles() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let owner = app.user("trainer").await;
    let learner = app.user("member").await;
    let c = course_in_fil(&app, &owner, &coordinator, "outline-flags", true).await;
    let outline = |course: &Value| {
        let module = course["modules"][0].clone();
        let lesson = module["lessons"][0].clone();
        (module, lesson)
    };
    let course_path = format!("/api/v1/courses/{}?lang=fil", c.id);
    let course = call(&app, Method::GET, &course_path, &learner, None, 200).await;
    let (module, lesson) = outline(&course);
    assert_eq!(module["language"], "fil");
    assert_eq!(module["outdated"], false);
    assert_eq!(lesson["outdated"], false);
    // The English module title changes.
    call(
        &app,
        Method::PATCH,
        &format!("/api/v1/modules/{}", c.module),
        &owner,
        Some(json!({"title": "Collective bargaining"})),
        200,
    )
    .await;
    let course = call(&app, Method::GET, &course_path, &learner, None, 200).await;
    let (module, lesson) = outline(&course);
    assert_eq!(module["title"], "Sama-samang pakikipagtawaran");
    assert_eq!(module["outdated"], true);
    assert!(module["source_updated_at"].is_string());
    assert_eq!(lesson["outdated"], false);
    assert!(lesson["source_updated_at"].is_null());
    assert_eq!(course["outdated"], false);
    // In English nothing is outdated.
    let course = call(
        &app,
        Method::GET,
        &format!("/api/v1/courses/{}?lang=en", c.id),
        &learner,
        None,
        200,
    )
    .await;
    let (module, _) = outline(&course);
    assert_eq!(module["outdated"], false);
}

/// A glossary entry is changed with `PATCH`, guarded by `If-Match`, with the checks of
/// its creation.
#[tokio::test]
async fn glossary_entries_are_changed_with_if_match() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let member = app.user("member").await;
    let create = |term: &str| {
        json!({"source_language": "en", "target_language": "fil",
            "source_term": term, "target_term": "unyon"})
    };
    let first = call(
        &app,
        Method::POST,
        "/api/v1/glossary",
        &coordinator,
        Some(create("trade union")),
        201,
    )
    .await;
    call(
        &app,
        Method::POST,
        "/api/v1/glossary",
        &coordinator,
        Some(create("labour union")),
        201,
    )
    .await;
    let path = format!("/api/v1/glossary/{}", first["id"]);
    let res = send(&app, Method::GET, &path, &coordinator, None).await;
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();

    // A stale tag: 412.
    let res = app
        .authed(Method::PATCH, &path, &coordinator.token)
        .header("If-Match", "\"glossary_entry-1-99\"")
        .json(&json!({"target_term": "unyon ng manggagawa"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;

    // The current tag: changed, a new tag.
    let res = app
        .authed(Method::PATCH, &path, &coordinator.token)
        .header("If-Match", &etag)
        .json(&json!({"target_term": " unyon ng manggagawa ", "note": "Most used."}))
        .send()
        .await
        .unwrap();
    let new_etag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_etag, etag);
    let changed = ok_json(res, 200).await;
    assert_eq!(changed["target_term"], "unyon ng manggagawa");
    assert_eq!(changed["note"], "Most used.");
    assert_eq!(changed["source_term"], "trade union");
    // The old tag is stale now.
    let res = app
        .authed(Method::PATCH, &path, &coordinator.token)
        .header("If-Match", &etag)
        .json(&json!({"note": ""}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 412, "precondition_failed").await;

    // The checks of creation.
    for (body, code) in [
        (json!({"target_language": "en"}), "same_language"),
        (json!({"target_language": "xx"}), "unsupported_language"),
        (json!({"source_term": "  "}), "invalid_term"),
    ] {
        let problem = assert_problem(
            send(&app, Method::PATCH, &path, &coordinator, Some(body.clone())).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["code"], code, "{body}: {problem}");
    }
    assert_problem(
        send(
            &app,
            Method::PATCH,
            &path,
            &coordinator,
            Some(json!({"source_term": "Labour  Union"})),
        )
        .await,
        409,
        "duplicate_term",
    )
    .await;
    assert_problem(
        send(
            &app,
            Method::PATCH,
            &path,
            &coordinator,
            Some(json!({"term": "x"})),
        )
        .await,
        400,
        "unknown_field",
    )
    .await;
    assert_problem(
        send(
            &app,
            Method::PATCH,
            &path,
            &member,
            Some(json!({"note": "x"})),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        send(
            &app,
            Method::PATCH,
            "/api/v1/glossary/999999",
            &coordinator,
            Some(json!({"note": "x"})),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    // Renaming its own term's case is no duplicate.
    let renamed = call(
        &app,
        Method::PATCH,
        &path,
        &coordinator,
        Some(json!({"source_term": "Trade Union"})),
        200,
    )
    .await;
    assert_eq!(renamed["source_term"], "Trade Union");
}

/// A translator confirms an outdated translation by sending the same texts as a draft,
/// and a second one approves it: readers see it current at once, with a new tag (a cache
/// that revalidates gets the change, not a 304).
#[tokio::test]
async fn a_translation_confirmed_unchanged_is_current_with_a_new_tag() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let owner = app.user("trainer").await;
    let reader = app.user("member").await;
    let org = union(&app, "Kilusang Manggagawa ng Platform", "PH");
    let writer = translator(&app, &coordinator, org, "fil").await;
    let reviewer = translator(&app, &coordinator, org, "fil").await;
    let id = resource_in_fil(&app, &owner).await;
    let path = format!("/api/v1/resources/{id}");
    call(
        &app,
        Method::PUT,
        &format!("{path}/translations/en"),
        &owner,
        Some(json!({"title": "Platform workers' rights toolkit",
            "description": "How riders and drivers organise, and bargain over algorithmic pay."})),
        200,
    )
    .await;
    let fil = format!("{path}?lang=fil");
    let res = send(&app, Method::GET, &fil, &reader, None).await;
    let outdated_tag = res.headers()["etag"].to_str().unwrap().to_owned();
    let read = ok_json(res, 200).await;
    assert_eq!(read["outdated"], true);

    // The same Filipino texts, confirmed against the new original.
    let drafts = format!("/api/v1/translations/resource/{id}/fil/drafts");
    let draft = call(
        &app,
        Method::POST,
        &drafts,
        &writer,
        Some(json!({"title": read["title"], "description": read["description"]})),
        201,
    )
    .await;
    let approve = format!("/api/v1/translation-drafts/{}/approve", draft["id"]);
    call(&app, Method::POST, &approve, &reviewer, None, 200).await;

    let res = app
        .authed(Method::GET, &fil, &reader.token)
        .header("if-none-match", &outdated_tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "the outdated copy is no longer current");
    assert_ne!(res.headers()["etag"].to_str().unwrap(), outdated_tag);
    let read = ok_json(res, 200).await;
    assert_eq!(read["outdated"], false);
    assert_eq!(read["title"], "Toolkit sa karapatan ng mga platform worker");
    let list = call(
        &app,
        Method::GET,
        &format!("{path}/translations"),
        &owner,
        None,
        200,
    )
    .await;
    assert_eq!(state_of(&list, "resource", id, "fil"), "complete");
}
