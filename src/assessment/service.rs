//! Use cases of question banks, quizzes and attempts. Every function is synchronous over
//! one connection and opens no transaction of its own; the time is passed in (`now`), so
//! that time limits are tested with a clock instead of sleeps.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;

use crate::accounts::service::reader_preferences;
use crate::assessment::dto::{QuestionInput, QuestionResponse, choice_bodies};
use crate::assessment::model::{
    AnswerKey, NewQuestion, NewQuestionTranslation, NewQuestionVersion, Question, QuestionChanges,
    QuestionKind, QuestionTexts, QuestionTranslation, Snapshot, join_tags, split_tags,
};
use crate::assessment::repo;
use crate::auth::AuthUser;
use crate::auth::policy::{Action, allowed};
use crate::db::{self, DbConn, Written};
use crate::error::{ApiError, Fields};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::language::Preferences;
pub use crate::http::response::Localised;
use crate::translations::model::TextKind;
use crate::translations::service::{self as translations, ItemText, Versions};
use crate::types::ids::{CourseId, QuestionId};

fn json<T: serde::Serialize>(v: &T) -> Result<String, ApiError> {
    serde_json::to_string(v).map_err(ApiError::internal)
}

fn parse<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, ApiError> {
    serde_json::from_str(raw).map_err(ApiError::internal)
}

/// A question with its translations.
#[derive(Debug, Clone)]
pub struct QuestionView {
    pub question: Question,
    pub translations: Vec<QuestionTranslation>,
    /// Which of its translations are outdated.
    pub versions: Versions,
}

/// 404 unless the course is live and the caller may edit it (owners while trainers,
/// coordinators, admins): a bank, its keys and its quizzes' settings are invisible to
/// everyone else. Gives the course's default language.
fn editable_course(
    conn: &mut DbConn,
    actor: &AuthUser,
    course_id: CourseId,
) -> Result<String, ApiError> {
    let (default_language, _) = repo::course(conn, course_id)?.ok_or(ApiError::NotFound)?;
    let is_owner = crate::courses::repo::is_owner(conn, course_id, actor.id)?;
    if !allowed(actor, Action::EditCourse { is_owner }) {
        return Err(ApiError::NotFound);
    }
    Ok(default_language)
}

fn load_view(conn: &mut DbConn, question: Question) -> Result<QuestionView, ApiError> {
    let translations = repo::translations(conn, &[question.id])?;
    let versions = translations::versions(conn, TextKind::Question, &[question.id.get()])?;
    Ok(QuestionView {
        question,
        translations,
        versions,
    })
}

fn texts_of(t: &QuestionTranslation) -> Result<QuestionTexts, ApiError> {
    Ok(QuestionTexts {
        stem: t.stem.clone(),
        feedback: t.feedback.clone(),
        choices: parse(&t.choices)?,
    })
}

/// The snapshot of a question's current state.
fn snapshot(view: &QuestionView) -> Result<Snapshot, ApiError> {
    let mut texts = BTreeMap::new();
    for t in &view.translations {
        texts.insert(t.language.clone(), texts_of(t)?);
    }
    Ok(Snapshot {
        default_language: view.question.default_language.clone(),
        points: view.question.points,
        key: parse(&view.question.answer_key)?,
        texts,
    })
}

/// Records the question's current version: what attempts from now on are scored against.
fn record_version(
    conn: &mut DbConn,
    view: &QuestionView,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    repo::insert_version(
        conn,
        &NewQuestionVersion {
            question_id: view.question.id,
            version: view.question.version,
            content: json(&snapshot(view)?)?,
            created_at: now,
        },
    )?;
    Ok(())
}

fn new_translation(
    id: QuestionId,
    language: &str,
    texts: &QuestionTexts,
    now: NaiveDateTime,
) -> Result<NewQuestionTranslation, ApiError> {
    Ok(NewQuestionTranslation {
        question_id: id,
        language: language.to_owned(),
        stem: texts.stem.clone(),
        feedback: texts.feedback.clone(),
        choices: json(&texts.choices)?,
        updated_at: now,
    })
}

/// Adds a question to a course's bank (version 1).
pub fn create_question(
    conn: &mut DbConn,
    actor: &AuthUser,
    course_id: CourseId,
    input: QuestionInput,
    now: NaiveDateTime,
) -> Result<QuestionView, ApiError> {
    let default_language = editable_course(conn, actor, course_id)?;
    let language = input.language.clone().unwrap_or(default_language);
    let question = repo::insert_question(
        conn,
        &NewQuestion {
            course_id,
            kind: input.key.kind(),
            default_language: language.clone(),
            tags: join_tags(&input.tags),
            difficulty: input.difficulty,
            points: input.points,
            answer_key: json(&input.key)?,
            choice_count: choice_count(&input.texts),
            created_by: Some(actor.id),
            created_at: now,
            updated_at: now,
        },
    )?;
    repo::put_translation(
        conn,
        &new_translation(question.id, &language, &input.texts, now)?,
    )?;
    let view = load_view(conn, question)?;
    record_version(conn, &view, now)?;
    Ok(view)
}

fn choice_count(texts: &QuestionTexts) -> i32 {
    i32::try_from(texts.choices.len()).unwrap_or(i32::MAX)
}

/// The live question, locked, after the caller's right to edit its course is checked.
fn editable_question(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: QuestionId,
) -> Result<Question, ApiError> {
    db::lock_row(conn, "questions", id.get())?;
    let question = repo::find_question(conn, id)?;
    editable_course(conn, actor, question.course_id)?;
    Ok(question)
}

/// Replaces a question: key, settings and the texts of `input.language` (the new default
/// language). Translations whose choices no longer fit (another number of choices, or
/// pairs gained or lost) are removed, to be written again. A replacement that changes
/// nothing writes nothing.
pub fn replace_question(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: QuestionId,
    input: QuestionInput,
    if_match: Option<&IfMatch>,
    now: NaiveDateTime,
) -> Result<QuestionView, ApiError> {
    let question = editable_question(conn, actor, id)?;
    question.check_if_match(if_match)?;
    let language = input
        .language
        .clone()
        .unwrap_or_else(|| question.default_language.clone());
    let current = load_view(conn, question)?;
    let key = json(&input.key)?;
    let tags = join_tags(&input.tags);
    let same_texts = match current.translations.iter().find(|t| t.language == language) {
        Some(t) => texts_of(t)? == input.texts,
        None => false,
    };
    let q = &current.question;
    if same_texts
        && q.answer_key == key
        && q.tags == tags
        && q.difficulty == input.difficulty
        && q.points == input.points
        && q.default_language == language
    {
        return Ok(current);
    }
    let kind = input.key.kind();
    let pairs = kind == QuestionKind::Matching;
    let question = repo::update_question(
        conn,
        id,
        &QuestionChanges {
            kind,
            default_language: language.clone(),
            tags,
            difficulty: input.difficulty,
            points: input.points,
            answer_key: key,
            choice_count: choice_count(&input.texts),
            updated_at: now,
        },
    )?;
    for t in &current.translations {
        let texts = texts_of(t)?;
        let fits = texts.choices.len() == input.texts.choices.len()
            && texts.choices.iter().all(|c| c.pair.is_some() == pairs);
        if t.language != language && !fits {
            repo::delete_translation(conn, t.id)?;
        }
    }
    repo::put_translation(conn, &new_translation(id, &language, &input.texts, now)?)?;
    if !same_texts || current.question.default_language != language {
        translations::item_text_written(conn, &question_text(&question), &language, input.minor)?;
    }
    let view = load_view(conn, question)?;
    record_version(conn, &view, now)?;
    Ok(view)
}

/// A question's texts as language access knows them.
fn question_text(q: &Question) -> ItemText {
    ItemText {
        kind: TextKind::Question,
        id: q.id.get(),
        course_id: Some(q.course_id),
        default_language: q.default_language.clone(),
    }
}

/// Writes a question's texts in one language (a new version unless nothing changed). The
/// choices must be as many as the question's, with pairs exactly for matching.
pub fn put_translation(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: QuestionId,
    language: String,
    texts: QuestionTexts,
    minor: bool,
    now: NaiveDateTime,
) -> Result<(QuestionView, Written), ApiError> {
    let question = editable_question(conn, actor, id)?;
    let mut f = Fields::default();
    let n = usize::try_from(question.choice_count).unwrap_or(0);
    if texts.choices.len() != n {
        f.push(
            "choices",
            "wrong_count",
            format!("the question has {n} choices"),
        );
    }
    let pairs = question.kind == QuestionKind::Matching;
    for (i, c) in texts.choices.iter().enumerate() {
        if c.pair.is_some() != pairs {
            f.push(
                &format!("choices[{i}].pair"),
                if pairs { "required" } else { "not_for_kind" },
                "pairs are for matching choices, and each needs one",
            );
        }
    }
    f.finish()?;
    let current = load_view(conn, question)?;
    let old = current.translations.iter().find(|t| t.language == language);
    let written = match old {
        None => Written::Created,
        Some(t) if texts_of(t)? == texts => Written::Unchanged,
        Some(_) => Written::Changed,
    };
    if written == Written::Unchanged {
        return Ok((current, written));
    }
    repo::put_translation(conn, &new_translation(id, &language, &texts, now)?)?;
    translations::item_text_written(conn, &question_text(&current.question), &language, minor)?;
    let question = repo::bump_question(conn, id, now)?;
    let view = load_view(conn, question)?;
    record_version(conn, &view, now)?;
    Ok((view, written))
}

/// Removes a question from the bank; past attempts keep the version they were scored with.
pub fn delete_question(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: QuestionId,
    if_match: Option<&IfMatch>,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let question = editable_question(conn, actor, id)?;
    question.check_if_match(if_match)?;
    repo::delete_question(conn, id, now)?;
    Ok(())
}

/// One question of a bank, for its editors.
pub fn get_question(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: QuestionId,
    prefs: Preferences,
) -> Result<Localised<QuestionResponse>, ApiError> {
    let question = repo::find_question(conn, id)?;
    editable_course(conn, actor, question.course_id)?;
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    let view = load_view(conn, question)?;
    render_question(&view, &prefs)
}

/// A page of a course's bank, for its editors: `limit + 1` rows after `after`; `tag` is
/// `Some(None)` for a tag no question can carry (nothing matches).
pub fn list_questions(
    conn: &mut DbConn,
    actor: &AuthUser,
    course_id: CourseId,
    tag: Option<Option<String>>,
    after: Option<QuestionId>,
    limit: i64,
    prefs: Preferences,
) -> Result<Vec<Localised<QuestionResponse>>, ApiError> {
    editable_course(conn, actor, course_id)?;
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    let rows = match tag {
        Some(None) => Vec::new(),
        Some(Some(tag)) => repo::list_questions(conn, course_id, Some(&tag), after, limit)?,
        None => repo::list_questions(conn, course_id, None, after, limit)?,
    };
    let ids: Vec<QuestionId> = rows.iter().map(|q| q.id).collect();
    let raw: Vec<i64> = ids.iter().map(|i| i.get()).collect();
    let versions = translations::versions(conn, TextKind::Question, &raw)?;
    let mut by_question: HashMap<QuestionId, Vec<QuestionTranslation>> = HashMap::new();
    for t in repo::translations(conn, &ids)? {
        by_question.entry(t.question_id).or_default().push(t);
    }
    rows.into_iter()
        .map(|question| {
            let translations = by_question.remove(&question.id).unwrap_or_default();
            render_question(
                &QuestionView {
                    question,
                    translations,
                    versions: versions.clone(),
                },
                &prefs,
            )
        })
        .collect()
}

/// A question for its editors, in the language the preferences pick.
pub fn render_question(
    view: &QuestionView,
    prefs: &Preferences,
) -> Result<Localised<QuestionResponse>, ApiError> {
    let q = &view.question;
    let t = prefs
        .pick_item(
            &view.translations,
            |t| t.language.as_str(),
            &q.default_language,
        )
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("question {} has no texts", q.id)))?;
    let texts = texts_of(t)?;
    let key: AnswerKey = parse(&q.answer_key)?;
    let (outdated, source_updated_at) = view
        .versions
        .of(q.id.get(), &t.language, &q.default_language)
        .answer();
    let response = QuestionResponse {
        outdated,
        source_updated_at,
        id: q.id,
        course_id: q.course_id,
        kind: q.kind,
        language: t.language.clone(),
        default_language: q.default_language.clone(),
        languages: view
            .translations
            .iter()
            .map(|t| t.language.clone())
            .collect(),
        stem: texts.stem,
        feedback: texts.feedback,
        choices: choice_bodies(&texts.choices),
        correct: None,
        correct_boolean: None,
        accepted_answers: None,
        numeric_answer: None,
        tolerance: None,
        tags: split_tags(&q.tags),
        difficulty: q.difficulty,
        points: q.points,
        version: q.version,
        created_at: q.created_at.and_utc(),
        updated_at: q.updated_at.and_utc(),
    }
    .with_key(&key);
    Ok(Localised {
        etag: q.etag_in(&t.language),
        language: t.language.clone(),
        view: response,
    })
}
