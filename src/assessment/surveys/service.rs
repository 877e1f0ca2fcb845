//! Reaction surveys: instruments attached to a live session, a course's end or a cohort's
//! end; responses (anonymous by default); results with small numbers withheld.
//!
//! Who sees what: a survey's editors (the course's editors; the cohort's facilitators,
//! coordinators, admins) create and translate it and read its results; the people it asks
//! (the session's audience, the cohort's participants, the course's learners) read it and
//! respond once. Everyone else: 404; a respondent asking for results: 404 too.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::accounts::service::reader_preferences;
use crate::assessment::prepost::repo as prepost;
use crate::assessment::repo as bank;
use crate::assessment::surveys::dto::{
    ItemResultResponse, OpenAnswerResponse, ResponseInput, ResponseReceipt, SurveyInput,
    SurveyItemResponse, SurveyResponse, SurveyResultsResponse, ValueCount,
};
use crate::assessment::surveys::model::{
    AnswerValue, ItemKind, ItemTexts, NewAnswer, NewResponse, NewSurvey, NewSurveyItem, Survey,
    SurveyItem, SurveyTarget, SurveyTexts, SurveyTranslation, THRESHOLD, check_answers,
    distribution, response_id, response_rate,
};
use crate::assessment::surveys::repo;
use crate::auth::AuthUser;
use crate::auth::policy::{Action, allowed};
use crate::cohorts::repo as cohorts;
use crate::cohorts::sessions::repo as sessions;
use crate::cohorts::sessions::service::audience_of;
use crate::db::{DbConn, lock_row};
use crate::error::{ApiError, Fields};
use crate::http::etag::Versioned;
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageRequest};
pub use crate::http::response::Localised;
use crate::translations::model::TextKind;
use crate::translations::service::ItemText;
use crate::types::ids::{CohortId, CourseId, SurveyId, SurveyItemId, UserId};

/// Most surveys per course or cohort.
pub const MAX_PER_TARGET: i64 = 50;
/// Open answers per item in the results: the first ones by text; all of them, grouped,
/// page by page from [`open_answers`].
pub const OPEN_ANSWERS_SHOWN: i64 = 20;
/// The sort of [`open_answers`]' cursors.
pub const OPEN_ANSWER_SORT: &str = "text";

/// Whether the actor edits surveys of a course.
fn edits_course(conn: &mut DbConn, actor: &AuthUser, course: CourseId) -> Result<bool, ApiError> {
    let is_owner = crate::courses::repo::is_owner(conn, course, actor.id)?;
    Ok(allowed(actor, Action::EditCourse { is_owner }))
}

/// Whether the actor edits surveys of a cohort (and its sessions).
fn edits_cohort(conn: &mut DbConn, actor: &AuthUser, cohort: CohortId) -> Result<bool, ApiError> {
    let is_facilitator = prepost::is_facilitator(conn, cohort, actor.id)?;
    Ok(allowed(actor, Action::FacilitateCohort { is_facilitator }))
}

/// Whether the actor edits the survey and reads its results.
pub fn edits(conn: &mut DbConn, actor: &AuthUser, s: &Survey) -> Result<bool, ApiError> {
    match (s.course_id, s.cohort_id) {
        (Some(course), _) => edits_course(conn, actor, course),
        (None, Some(cohort)) => edits_cohort(conn, actor, cohort),
        (None, None) => Ok(false),
    }
}

/// The survey `id` for one of its editors; 404 for everyone else, as for an unknown id.
fn edited(conn: &mut DbConn, actor: &AuthUser, id: SurveyId) -> Result<Survey, ApiError> {
    let s = repo::find(conn, id)?;
    if !edits(conn, actor, &s)? {
        return Err(ApiError::NotFound);
    }
    Ok(s)
}

/// The people a survey asks now: the session's audience, the cohort's participants, the
/// course's learners.
pub fn invited(conn: &mut DbConn, s: &Survey) -> Result<Vec<UserId>, ApiError> {
    Ok(match s.target {
        SurveyTarget::Course => match s.course_id {
            Some(course) => repo::enrolled(conn, course)?,
            None => Vec::new(),
        },
        SurveyTarget::Cohort => match s.cohort_id {
            Some(cohort) => prepost::participants(conn, cohort)?,
            None => Vec::new(),
        },
        SurveyTarget::Session => match s.session_id {
            Some(id) => match sessions::find(conn, id)? {
                Some(session) => audience_of(conn, &session)?,
                None => Vec::new(),
            },
            None => Vec::new(),
        },
    })
}

/// Whether the survey asks `user`.
fn is_invited(conn: &mut DbConn, s: &Survey, user: UserId) -> Result<bool, ApiError> {
    Ok(match (s.target, s.course_id) {
        (SurveyTarget::Course, Some(course)) => {
            crate::courses::repo::is_enrolled(conn, course, user)?
        }
        _ => invited(conn, s)?.contains(&user),
    })
}

/// Whether responses are taken at `now`.
fn is_open(s: &Survey, now: NaiveDateTime) -> bool {
    s.opens_at <= now && s.closes_at.is_none_or(|c| now < c)
}

fn item_texts(t: &SurveyTranslation) -> Result<Vec<ItemTexts>, ApiError> {
    serde_json::from_str(&t.items).map_err(ApiError::internal)
}

/// The texts in the language `prefs` pick.
fn pick<'a>(
    prefs: &Preferences,
    translations: &'a [SurveyTranslation],
    s: &Survey,
) -> Result<&'a SurveyTranslation, ApiError> {
    prefs
        .pick_item(translations, |t| t.language.as_str(), &s.default_language)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("survey {} has no texts", s.id)))
}

/// A survey as the actor sees it, in the language `prefs` pick.
fn render(
    conn: &mut DbConn,
    actor: &AuthUser,
    s: &Survey,
    prefs: &Preferences,
    editable: bool,
    asked: bool,
    now: NaiveDateTime,
) -> Result<SurveyResponse, ApiError> {
    let items = repo::items(conn, s.id)?;
    let translations = repo::translations(conn, s.id)?;
    let t = pick(prefs, &translations, s)?;
    let texts = item_texts(t)?;
    let responded = repo::has_responded(conn, s.id, actor.id)?;
    let open = is_open(s, now);
    let (outdated, source_updated_at) = crate::translations::service::staleness_of(
        conn,
        TextKind::Survey,
        s.id.get(),
        &t.language,
        &s.default_language,
    )?
    .answer();
    Ok(SurveyResponse {
        outdated,
        source_updated_at,
        id: s.id,
        target: s.target,
        course_id: s.course_id,
        cohort_id: s.cohort_id,
        session_id: s.session_id,
        anonymous: s.anonymous,
        language: t.language.clone(),
        default_language: s.default_language.clone(),
        languages: translations.iter().map(|t| t.language.clone()).collect(),
        title: t.title.clone(),
        description: t.description.clone(),
        opens_at: s.opens_at.and_utc(),
        closes_at: s.closes_at.map(|c| c.and_utc()),
        open,
        responded,
        may_respond: asked && open && !responded,
        editable,
        items: items
            .iter()
            .zip(texts.iter().chain(std::iter::repeat(&ItemTexts {
                prompt: String::new(),
                options: Vec::new(),
            })))
            .map(|(i, x)| SurveyItemResponse {
                id: i.id,
                kind: i.kind,
                prompt: x.prompt.clone(),
                options: x.options.clone(),
                scale_max: i.scale_max,
                required: i.required,
            })
            .collect(),
    })
}

fn localised(s: &Survey, view: SurveyResponse) -> Localised<SurveyResponse> {
    let language = view.language.clone();
    Localised {
        etag: s.etag_in(&language),
        language,
        view,
    }
}

/// Creates a survey of `target` on `on` (its course or cohort; the session is the
/// input's, checked by the caller) from `input`, in `default_language` unless the input
/// names one: the window checked, the survey stored with its items and its default
/// language's texts, and answered in that language.
fn create(
    conn: &mut DbConn,
    actor: &AuthUser,
    target: SurveyTarget,
    on: (Option<CourseId>, Option<CohortId>),
    default_language: String,
    input: &SurveyInput,
    now: NaiveDateTime,
) -> Result<Localised<SurveyResponse>, ApiError> {
    let (course_id, cohort_id) = on;
    let new = NewSurvey {
        target,
        course_id,
        cohort_id,
        session_id: input.session_id,
        anonymous: input.anonymous,
        default_language: input.language.clone().unwrap_or(default_language),
        opens_at: input.opens_at.unwrap_or(now),
        closes_at: input.closes_at,
        created_by: Some(actor.id),
        created_at: now,
        updated_at: now,
    };
    check_window(&new, now)?;
    let s = repo::insert(conn, &new)?;
    let items: Vec<NewSurveyItem> = input
        .items
        .iter()
        .zip(1..)
        .map(|(i, position)| NewSurveyItem {
            survey_id: s.id,
            position,
            kind: i.kind,
            required: i.required,
            scale_max: i.scale_max,
        })
        .collect();
    repo::insert_items(conn, &items)?;
    let row = input
        .texts
        .row(s.id, s.default_language.clone(), now)
        .map_err(ApiError::internal)?;
    repo::put_translation(conn, &row)?;
    tracing::info!(survey.id = %s.id, user.id = actor.id.get(), "survey created");
    let prefs = Preferences::only(&s.default_language);
    let view = render(conn, actor, &s, &prefs, true, false, now)?;
    Ok(localised(&s, view))
}

fn too_many() -> ApiError {
    ApiError::Conflict {
        code: "too_many_surveys",
        detail: format!("a course or cohort has at most {MAX_PER_TARGET} surveys"),
    }
}

/// Creates an end-of-course survey (the course's editors; 404 for others).
pub fn create_for_course(
    conn: &mut DbConn,
    actor: &AuthUser,
    course_id: CourseId,
    input: SurveyInput,
    now: NaiveDateTime,
) -> Result<Localised<SurveyResponse>, ApiError> {
    let (default_language, _) = bank::course(conn, course_id)?.ok_or(ApiError::NotFound)?;
    if !edits_course(conn, actor, course_id)? {
        return Err(ApiError::NotFound);
    }
    let mut f = Fields::default();
    if input.session_id.is_some() {
        f.push(
            "session_id",
            "not_allowed",
            "a course's survey is for its end; sessions belong to cohorts",
        );
    }
    f.finish()?;
    if repo::count_of(conn, Some(course_id), None)? >= MAX_PER_TARGET {
        return Err(too_many());
    }
    let on = (Some(course_id), None);
    create(
        conn,
        actor,
        SurveyTarget::Course,
        on,
        default_language,
        &input,
        now,
    )
}

/// A closing time must lie after the opening (which defaults to now).
fn check_window(new: &NewSurvey, _now: NaiveDateTime) -> Result<(), ApiError> {
    if let Some(c) = new.closes_at
        && c <= new.opens_at
    {
        return Err(ApiError::invalid_field(
            "closes_at",
            "closes_before_opening",
            "must be after `opens_at` (now when absent)",
        ));
    }
    Ok(())
}

/// Creates a cohort-end survey, or with `session_id` a session's (the cohort's
/// facilitators, coordinators, admins; 404 for others).
pub fn create_for_cohort(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    input: SurveyInput,
    now: NaiveDateTime,
) -> Result<Localised<SurveyResponse>, ApiError> {
    let cohort = cohorts::find(conn, cohort_id)?.ok_or(ApiError::NotFound)?;
    if !edits_cohort(conn, actor, cohort_id)? {
        return Err(ApiError::NotFound);
    }
    let mut f = Fields::default();
    if let Some(id) = input.session_id {
        match sessions::find(conn, id)? {
            Some(s) if s.cohort_id == cohort_id => {}
            _ => f.push(
                "session_id",
                "not_a_session_of_cohort",
                "no live session of this cohort",
            ),
        }
    }
    f.finish()?;
    if repo::count_of(conn, None, Some(cohort_id))? >= MAX_PER_TARGET {
        return Err(too_many());
    }
    let target = if input.session_id.is_some() {
        SurveyTarget::Session
    } else {
        SurveyTarget::Cohort
    };
    let on = (None, Some(cohort_id));
    create(
        conn,
        actor,
        target,
        on,
        cohort.default_language,
        &input,
        now,
    )
}

/// The surveys of `all` the actor sees, rendered.
fn visible(
    conn: &mut DbConn,
    actor: &AuthUser,
    all: Vec<Survey>,
    editor: bool,
    prefs: &Preferences,
    now: NaiveDateTime,
) -> Result<Vec<SurveyResponse>, ApiError> {
    let mut out = Vec::new();
    for s in all {
        let asked = is_invited(conn, &s, actor.id)?;
        if editor || asked {
            out.push(render(conn, actor, &s, prefs, editor, asked, now)?);
        }
    }
    Ok(out)
}

/// A course's surveys, for its editors and learners (404 for others).
pub fn list_for_course(
    conn: &mut DbConn,
    actor: &AuthUser,
    course_id: CourseId,
    prefs: Preferences,
    now: NaiveDateTime,
) -> Result<Vec<SurveyResponse>, ApiError> {
    bank::course(conn, course_id)?.ok_or(ApiError::NotFound)?;
    let editor = edits_course(conn, actor, course_id)?;
    if !editor && !crate::courses::repo::is_enrolled(conn, course_id, actor.id)? {
        return Err(ApiError::NotFound);
    }
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    let all = repo::of_course(conn, course_id)?;
    visible(conn, actor, all, editor, &prefs, now)
}

/// A cohort's surveys (its end's and its sessions'), for its editors and those each asks
/// (404 for a caller who sees none and does not edit).
pub fn list_for_cohort(
    conn: &mut DbConn,
    actor: &AuthUser,
    cohort_id: CohortId,
    prefs: Preferences,
    now: NaiveDateTime,
) -> Result<Vec<SurveyResponse>, ApiError> {
    cohorts::find(conn, cohort_id)?.ok_or(ApiError::NotFound)?;
    let editor = edits_cohort(conn, actor, cohort_id)?;
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    let all = repo::of_cohort(conn, cohort_id)?;
    let participant = prepost::participants(conn, cohort_id)?.contains(&actor.id);
    let out = visible(conn, actor, all, editor, &prefs, now)?;
    if !editor && !participant && out.is_empty() {
        return Err(ApiError::NotFound);
    }
    Ok(out)
}

/// A survey, for its editors and those it asks.
pub fn get(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: SurveyId,
    prefs: Preferences,
    now: NaiveDateTime,
) -> Result<Localised<SurveyResponse>, ApiError> {
    let s = repo::find(conn, id)?;
    let editor = edits(conn, actor, &s)?;
    let asked = is_invited(conn, &s, actor.id)?;
    if !editor && !asked {
        return Err(ApiError::NotFound);
    }
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    let view = render(conn, actor, &s, &prefs, editor, asked, now)?;
    Ok(localised(&s, view))
}

/// Writes the survey's texts in `language` (its editors); whether the language is new.
pub fn put_translation(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: SurveyId,
    language: String,
    texts: SurveyTexts,
    minor: bool,
    now: NaiveDateTime,
) -> Result<(Localised<SurveyResponse>, bool), ApiError> {
    lock_row(conn, "surveys", id.get())?;
    let s = edited(conn, actor, id)?;
    let items = repo::items(conn, id)?;
    let mut f = Fields::default();
    if texts.items.len() == items.len() {
        for (i, (item, t)) in items.iter().zip(&texts.items).enumerate() {
            let want = match item.kind {
                ItemKind::SingleChoice => usize::try_from(item.scale_max).unwrap_or(0),
                _ => 0,
            };
            if t.options.len() != want {
                f.push(
                    &format!("items[{i}].options"),
                    "options_mismatch",
                    format!("this item has {want} options"),
                );
            }
        }
    } else {
        f.push(
            "items",
            "items_mismatch",
            format!(
                "the survey has {} items; give each one's texts",
                items.len()
            ),
        );
    }
    f.finish()?;
    let row = texts
        .row(id, language.clone(), now)
        .map_err(ApiError::internal)?;
    let current = repo::translations(conn, id)?;
    let unchanged = current.iter().any(|t| {
        t.language == language
            && t.title == row.title
            && t.description == row.description
            && t.items == row.items
    });
    let (s, created) = if unchanged {
        (s, false)
    } else {
        let created = repo::put_translation(conn, &row)?;
        crate::translations::service::item_text_written(
            conn,
            &ItemText {
                kind: TextKind::Survey,
                id: id.get(),
                course_id: s.course_id,
                default_language: s.default_language.clone(),
            },
            &language,
            minor,
        )?;
        (repo::touch(conn, id, now)?, created)
    };
    let asked = is_invited(conn, &s, actor.id)?;
    let view = render(
        conn,
        actor,
        &s,
        &Preferences::only(&language),
        true,
        asked,
        now,
    )?;
    Ok((localised(&s, view), created))
}

fn conflict(code: &'static str, detail: &str) -> ApiError {
    ApiError::Conflict {
        code,
        detail: detail.to_owned(),
    }
}

/// Records the actor's response (those the survey asks, once). For an anonymous survey
/// the response keeps no link to the actor: a random id, the day only, no respondent; the
/// has-responded record names the actor and not the response.
pub fn respond(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: SurveyId,
    input: ResponseInput,
    now: NaiveDateTime,
) -> Result<ResponseReceipt, ApiError> {
    let s = repo::find(conn, id)?;
    if !is_invited(conn, &s, actor.id)? {
        if edits(conn, actor, &s)? {
            return Err(ApiError::forbidden(
                "not_asked",
                "this survey does not ask you; its editors read its results",
            ));
        }
        return Err(ApiError::NotFound);
    }
    if now < s.opens_at {
        return Err(conflict("survey_not_open", "the survey is not open yet"));
    }
    if s.closes_at.is_some_and(|c| c <= now) {
        return Err(conflict("survey_closed", "the survey has closed"));
    }
    let already = || conflict("already_responded", "you have responded to this survey");
    if repo::has_responded(conn, id, actor.id)? {
        return Err(already());
    }
    let items = repo::items(conn, id)?;
    let checked = check_answers(&items, &input.answers).map_err(ApiError::Validation)?;
    repo::insert_respondent(conn, id, actor.id).map_err(ApiError::unique_or(already))?;
    let response = NewResponse {
        id: response_id(),
        survey_id: id,
        respondent_id: (!s.anonymous).then_some(actor.id),
        submitted_on: now.date(),
    };
    let answers: Vec<NewAnswer> = checked
        .into_iter()
        .map(|(item_id, a)| {
            let (value, text) = match a {
                AnswerValue::Value(v) => (i32::try_from(v).ok(), None),
                AnswerValue::Text(t) => (None, Some(t)),
            };
            NewAnswer {
                response_id: response.id.clone(),
                item_id,
                value,
                text,
            }
        })
        .collect();
    repo::insert_response(conn, &response, &answers)?;
    Ok(ResponseReceipt {
        survey_id: id,
        submitted_on: response.submitted_on,
        anonymous: s.anonymous,
    })
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A survey's results (its editors; 404 for everyone else, respondents included). Under
/// [`THRESHOLD`] responses the items' figures are withheld, except from admins.
pub fn results(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: SurveyId,
    prefs: Preferences,
) -> Result<SurveyResultsResponse, ApiError> {
    let s = edited(conn, actor, id)?;
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    let invited = match (s.target, s.course_id) {
        (SurveyTarget::Course, Some(course)) => repo::enrolled_count(conn, course)?,
        _ => count(invited(conn, &s)?.len()),
    };
    let responses = s.response_count;
    let suppressed_below = suppressed_below(actor);
    let withheld = responses < suppressed_below;
    let translations = repo::translations(conn, id)?;
    let t = pick(&prefs, &translations, &s)?;
    let mut items_out = Vec::new();
    if !withheld {
        let items = repo::items(conn, id)?;
        let texts = item_texts(t)?;
        let mut counts: HashMap<SurveyItemId, Vec<(i32, i64)>> = HashMap::new();
        for (item, value, n) in repo::value_counts(conn, id)? {
            counts.entry(item).or_default().push((value, n));
        }
        for (i, item) in items.iter().enumerate() {
            let x = texts.get(i);
            items_out.push(item_result(conn, item, x, counts.get(&item.id))?);
        }
    }
    Ok(SurveyResultsResponse {
        survey_id: id,
        language: t.language.clone(),
        anonymous: s.anonymous,
        invited,
        responses,
        response_rate: response_rate(responses, invited),
        suppressed_below,
        withheld,
        items: items_out,
    })
}

/// Under how many responses `actor` sees no figures: [`THRESHOLD`], or 1 for admins.
fn suppressed_below(actor: &AuthUser) -> i64 {
    if allowed(actor, Action::SeeSmallCells) {
        1
    } else {
        THRESHOLD
    }
}

/// All of an open-text item's answers, one entry per distinct text with how many gave it,
/// sorted by text: the whole of what the results show the first [`OPEN_ANSWERS_SHOWN`] of.
/// Its survey's editors only (404 for everyone else, and for an item that is not an open
/// text of this survey); 403 `results_withheld` while the results are withheld.
pub fn open_answers(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: SurveyId,
    item_id: SurveyItemId,
    page: PageRequest<()>,
) -> Result<Page<OpenAnswerResponse>, ApiError> {
    let s = edited(conn, actor, id)?;
    let item = repo::item(conn, id, item_id)?.ok_or(ApiError::NotFound)?;
    if item.kind != ItemKind::OpenText {
        return Err(ApiError::NotFound);
    }
    let threshold = suppressed_below(actor);
    if s.response_count < threshold {
        return Err(ApiError::forbidden(
            "results_withheld",
            format!("the results are withheld under {threshold} responses"),
        ));
    }
    // The cursor counts the answers already served (no answer's id: ids would tell
    // answers' order and tie one respondent's answers together).
    // A forged count only reaches an empty page.
    let skip = page
        .after
        .map_or(0, |(_, served)| served.clamp(0, i64::from(i32::MAX)));
    let rows = repo::open_answer_groups(conn, item_id, skip, page.fetch_limit())?;
    let rows = (skip + 1..).zip(rows).collect::<Vec<_>>();
    Ok(page.finish(
        rows,
        OPEN_ANSWER_SORT,
        |(served, _)| ((), *served),
        |(_, (text, count))| OpenAnswerResponse { text, count },
    ))
}

fn item_result(
    conn: &mut DbConn,
    item: &SurveyItem,
    texts: Option<&ItemTexts>,
    counts: Option<&Vec<(i32, i64)>>,
) -> Result<ItemResultResponse, ApiError> {
    let d = distribution(item, counts.map_or(&[][..], Vec::as_slice));
    let label = |v: i32| -> Option<String> {
        (item.kind == ItemKind::SingleChoice)
            .then(|| {
                texts
                    .and_then(|t| t.options.get(usize::try_from(v).ok()?))
                    .cloned()
            })
            .flatten()
    };
    let (open_answers, open_answer_count, answered) = if item.kind == ItemKind::OpenText {
        let n = repo::open_count(conn, item.id)?;
        (repo::open_answers(conn, item.id, OPEN_ANSWERS_SHOWN)?, n, n)
    } else {
        (Vec::new(), 0, d.answered)
    };
    Ok(ItemResultResponse {
        item_id: item.id,
        kind: item.kind,
        prompt: texts.map(|t| t.prompt.clone()).unwrap_or_default(),
        answered,
        mean: d.mean,
        distribution: d
            .counts
            .iter()
            .map(|&(value, count)| ValueCount {
                value,
                label: label(value),
                count,
            })
            .collect(),
        open_answers,
        open_answer_count,
    })
}
