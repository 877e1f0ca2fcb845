//! Cohort use cases. Each public function runs inside the caller's one transaction
//! (`db.read` or `db.write`), asks `auth::policy` with the actor's current role and the
//! facilitation read from the database, and answers a view.

use std::collections::HashMap;
use std::sync::Arc;

use crate::accounts::service::reader_preferences;
use crate::auth::policy::{Action, authorize};
use crate::auth::{AuthUser, Role};
use crate::cohorts::calls::repo as call_repo;
use crate::cohorts::dto::{COHORT_SORT, CohortResponse, check_dates};
use crate::cohorts::model::{
    Cohort, CohortChanges, CohortFields, CohortPatch, CohortStatus, CohortTexts, CohortTranslation,
    NewCohort, NewCohortInput,
};
use crate::cohorts::nominations::repo as nominations;
use crate::cohorts::repo::{self, CohortFilter};
use crate::cohorts::space::service as space;
use crate::courses::model::CourseStatus;
use crate::db::memo::Memo;
use crate::db::{self, DbConn, Written, now};
use crate::email::{OutgoingEmail, Template, enqueue};
use crate::error::{ApiError, Fields};
use crate::http::etag::{IfMatch, Versioned};
use crate::http::language::Preferences;
use crate::http::pagination::{Page, PageRequest};
pub use crate::http::response::{Localised, LocalisedPage};
use crate::types::{CohortId, CourseId, UserId};
use crate::types::{join_tags, split_tags};

fn broken(id: CohortId) -> ApiError {
    ApiError::internal(anyhow::anyhow!("cohort {id} has no stored texts"))
}

/// The answer for `cohort` in the language `prefs` picks among `translations`.
fn response_of(
    cohort: &Cohort,
    translations: &[&CohortTranslation],
    facilitator_ids: Vec<UserId>,
    course_ids: Vec<CourseId>,
    prefs: &Preferences,
) -> Result<CohortResponse, ApiError> {
    let t = prefs
        .pick_item(
            translations,
            |t| t.language.as_str(),
            &cohort.default_language,
        )
        .ok_or_else(|| broken(cohort.id))?;
    Ok(CohortResponse {
        id: cohort.id,
        kind: cohort.kind,
        status: cohort.status,
        default_language: cohort.default_language.clone(),
        language: t.language.clone(),
        available_languages: translations.iter().map(|t| t.language.clone()).collect(),
        title: t.title.clone(),
        description: t.description.clone(),
        starts_on: cohort.starts_on,
        ends_on: cohort.ends_on,
        time_zone: cohort.time_zone.clone(),
        delivery_language: cohort.delivery_language.clone(),
        interpretation_languages: split_tags(&cohort.interpretation_languages),
        capacity: cohort.capacity,
        region: cohort.region.clone(),
        facilitator_ids,
        course_ids,
        community_id: cohort.community_id,
        created_at: cohort.created_at.and_utc(),
        updated_at: cohort.updated_at.and_utc(),
    })
}

/// What a cohort's answer shows besides its row, the same for every reader of one version:
/// its texts in every language, its facilitators and its courses.
#[derive(Debug, Default)]
pub struct CohortWords {
    translations: Vec<CohortTranslation>,
    facilitators: Vec<UserId>,
    courses: Vec<CourseId>,
}

/// Cohorts' words read lately, each kept with the cohort version it was read at
/// (`db::memo`): a cohort read again at the same version reads only its row. Exact across
/// instances: every write of a cohort's texts, facilitators or courses bumps its version
/// in the same transaction (`update`, `put_translation`). Only reads use it: a write's
/// view is computed inside a transaction that may still roll back.
#[derive(Debug, Clone)]
pub struct CohortMemo(Memo<CohortId, i64, CohortWords>);

/// Cohorts kept at most: beyond, a quarter of them leave.
const COHORTS_KEPT: usize = 4_096;

impl Default for CohortMemo {
    fn default() -> Self {
        // Descriptions are author-sized (up to 10,000 characters in each language).
        Self(Memo::with_budget(
            COHORTS_KEPT,
            crate::db::memo::TEXT_BUDGET,
            |w: &CohortWords| {
                w.translations
                    .iter()
                    .map(|t| t.language.len() + t.title.len() + t.description.len())
                    .sum()
            },
        ))
    }
}

/// The words of some cohorts: three statements, whatever their number.
fn words_of(
    conn: &mut DbConn,
    ids: &[CohortId],
) -> Result<HashMap<CohortId, CohortWords>, ApiError> {
    let mut words: HashMap<CohortId, CohortWords> = HashMap::with_capacity(ids.len());
    for t in repo::translations(conn, ids)? {
        words.entry(t.cohort_id).or_default().translations.push(t);
    }
    for (cohort, user) in repo::facilitators(conn, ids)? {
        words.entry(cohort).or_default().facilitators.push(user);
    }
    for (cohort, course) in repo::courses(conn, ids)? {
        words.entry(cohort).or_default().courses.push(course);
    }
    Ok(words)
}

/// The words of each of `cohorts` at the version read with its row: from `memo` when it
/// is given and holds them, the others read together (and kept in `memo`).
fn words(
    conn: &mut DbConn,
    cohorts: &[Cohort],
    memo: Option<&CohortMemo>,
) -> Result<HashMap<CohortId, Arc<CohortWords>>, ApiError> {
    match memo {
        Some(m) => {
            m.0.get_all(cohorts.iter().map(|c| (c.id, c.version)), |ids| {
                words_of(conn, ids)
            })
        }
        None => {
            let ids: Vec<CohortId> = cohorts.iter().map(|c| c.id).collect();
            Ok(words_of(conn, &ids)?
                .into_iter()
                .map(|(id, w)| (id, Arc::new(w)))
                .collect())
        }
    }
}

/// The answers for `cohorts`, in order, reading the words `memo` does not hold in one
/// query each (`words`).
fn responses(
    conn: &mut DbConn,
    cohorts: &[Cohort],
    prefs: &Preferences,
    memo: Option<&CohortMemo>,
) -> Result<Vec<CohortResponse>, ApiError> {
    let words = words(conn, cohorts, memo)?;
    cohorts
        .iter()
        .map(|c| {
            let w = words.get(&c.id).ok_or_else(|| broken(c.id))?;
            let texts: Vec<&CohortTranslation> = w.translations.iter().collect();
            response_of(c, &texts, w.facilitators.clone(), w.courses.clone(), prefs)
        })
        .collect()
}

/// One cohort's answer in the reader's language, with its tag.
fn view(
    conn: &mut DbConn,
    cohort: &Cohort,
    prefs: &Preferences,
) -> Result<Localised<CohortResponse>, ApiError> {
    kept_view(conn, cohort, prefs, None)
}

/// [`view`], with the cohort's words from `memo` when it is given (reads only).
fn kept_view(
    conn: &mut DbConn,
    cohort: &Cohort,
    prefs: &Preferences,
    memo: Option<&CohortMemo>,
) -> Result<Localised<CohortResponse>, ApiError> {
    let view = responses(conn, std::slice::from_ref(cohort), prefs, memo)?
        .pop()
        .ok_or_else(|| broken(cohort.id))?;
    Ok(Localised {
        etag: cohort.etag_in(&view.language),
        language: view.language.clone(),
        view,
    })
}

/// The cohort, or 404.
fn found(conn: &mut DbConn, id: CohortId) -> Result<Cohort, ApiError> {
    repo::find(conn, id)?.ok_or(ApiError::NotFound)
}

/// The cohort, locked until the transaction ends, or 404.
fn locked(conn: &mut DbConn, id: CohortId) -> Result<Cohort, ApiError> {
    db::lock_row(conn, "cohorts", id.get())?;
    found(conn, id)
}

/// The fields of a stored cohort, with its facilitators and courses.
fn fields_of(conn: &mut DbConn, c: &Cohort) -> Result<CohortFields, ApiError> {
    Ok(CohortFields {
        kind: c.kind,
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        time_zone: c.time_zone.clone(),
        delivery_language: c.delivery_language.clone(),
        interpretation_languages: split_tags(&c.interpretation_languages),
        capacity: c.capacity,
        region: c.region.clone(),
        facilitator_ids: repo::facilitators(conn, &[c.id])?
            .into_iter()
            .map(|(_, u)| u)
            .collect(),
        course_ids: repo::courses(conn, &[c.id])?
            .into_iter()
            .map(|(_, c)| c)
            .collect(),
    })
}

/// 422 naming `facilitator_ids` unless each is an active account with the trainer role
/// (or coordinator, admin).
fn check_facilitators(conn: &mut DbConn, f: &mut Fields, ids: &[UserId]) -> Result<(), ApiError> {
    let accounts: HashMap<UserId, (String, String)> = repo::accounts(conn, ids)?
        .into_iter()
        .map(|(id, role, status)| (id, (role, status)))
        .collect();
    for id in ids {
        match accounts.get(id) {
            None => f.push(
                "facilitator_ids",
                "unknown_user",
                format!("there is no account {id}"),
            ),
            Some((role, status))
                if status != "active" || Role::parse(role).is_none_or(|r| r < Role::Trainer) =>
            {
                f.push(
                    "facilitator_ids",
                    "not_a_trainer",
                    format!("account {id} is not an active trainer; only trainers facilitate"),
                );
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// 422 naming `course_ids` unless each course exists and is published.
fn check_courses(conn: &mut DbConn, f: &mut Fields, ids: &[CourseId]) -> Result<(), ApiError> {
    let states: HashMap<CourseId, CourseStatus> =
        repo::course_states(conn, ids)?.into_iter().collect();
    for id in ids {
        match states.get(id) {
            None => f.push(
                "course_ids",
                "unknown_course",
                format!("there is no course {id}"),
            ),
            Some(CourseStatus::Published) => {}
            Some(status) => f.push(
                "course_ids",
                "course_not_published",
                format!("course {id} is {status}; a cohort runs published courses only"),
            ),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- reads

/// One page of cohorts by start date, filtered, in the reader's language.
pub fn list(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    filter: &CohortFilter,
    page: &PageRequest<String>,
    prefs: Preferences,
    memo: &CohortMemo,
) -> Result<LocalisedPage<CohortResponse>, ApiError> {
    let prefs = reader_preferences(conn, prefs, reader)?;
    let after = page
        .after
        .as_ref()
        .map(|(on, id)| {
            chrono::NaiveDate::parse_from_str(on, "%Y-%m-%d")
                .map(|on| (on, CohortId(*id)))
                .map_err(|_| {
                    ApiError::invalid_query(
                        "cursor",
                        "invalid_cursor",
                        "is not a cursor this list gave out",
                    )
                })
        })
        .transpose()?;
    let rows = repo::list(conn, filter, after, page.fetch_limit())?;
    let rows = page.finish(
        rows,
        COHORT_SORT,
        |c| (c.starts_on.format("%Y-%m-%d").to_string(), c.id.get()),
        |c| c,
    );
    let items = responses(conn, &rows.items, &prefs, Some(memo))?;
    let mut languages: Vec<String> = Vec::new();
    for item in &items {
        if !languages.contains(&item.language) {
            languages.push(item.language.clone());
        }
    }
    if languages.is_empty() {
        languages.extend(prefs.first().map(str::to_owned));
    }
    let page = Page {
        items,
        next_cursor: rows.next_cursor,
    };
    Ok(LocalisedPage { page, languages })
}

/// One cohort in the reader's language.
pub fn get(
    conn: &mut DbConn,
    reader: Option<&AuthUser>,
    id: CohortId,
    prefs: Preferences,
    memo: &CohortMemo,
) -> Result<Localised<CohortResponse>, ApiError> {
    let cohort = found(conn, id)?;
    let prefs = reader_preferences(conn, prefs, reader)?;
    kept_view(conn, &cohort, &prefs, Some(memo))
}

// ---------------------------------------------------------------- writes

/// A coordinator (or admin) creates a cohort, in `planning`.
pub fn create(
    conn: &mut DbConn,
    actor: &AuthUser,
    input: NewCohortInput,
) -> Result<Localised<CohortResponse>, ApiError> {
    authorize(actor, Action::WriteCohorts)?;
    let f = input.fields;
    let mut errors = Fields::default();
    check_facilitators(conn, &mut errors, &f.facilitator_ids)?;
    check_courses(conn, &mut errors, &f.course_ids)?;
    errors.finish()?;
    let at = now();
    let cohort = repo::insert(
        conn,
        &NewCohort {
            kind: f.kind,
            status: CohortStatus::Planning,
            default_language: input.default_language.clone(),
            starts_on: f.starts_on,
            ends_on: f.ends_on,
            time_zone: f.time_zone,
            delivery_language: f.delivery_language,
            interpretation_languages: join_tags(&f.interpretation_languages),
            capacity: f.capacity,
            region: f.region,
            created_by: Some(actor.id),
            created_at: at,
            updated_at: at,
        },
    )?;
    repo::put_texts(conn, cohort.id, &input.default_language, &input.texts)?;
    repo::set_facilitators(conn, cohort.id, &f.facilitator_ids)?;
    repo::set_courses(conn, cohort.id, &f.course_ids)?;
    // Its private space, with the facilitators as its moderators.
    let cohort = space::open_for_new(conn, cohort, &f.facilitator_ids)?;
    view(conn, &cohort, &Preferences::default())
}

/// The cohort, locked, if the caller may make this change: every field for coordinators
/// and admins; texts also for the cohort's facilitators who are still trainers (403 for
/// anyone else).
fn editable(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CohortId,
    texts_only: bool,
) -> Result<Cohort, ApiError> {
    let cohort = locked(conn, id)?;
    if texts_only {
        let is_facilitator = repo::is_facilitator(conn, id, actor.id)?;
        authorize(actor, Action::EditCohortTexts { is_facilitator })?;
    } else {
        authorize(actor, Action::WriteCohorts)?;
    }
    Ok(cohort)
}

/// Changes a cohort, if it is still the version `if_match` names. Nothing to change:
/// nothing written, the same version.
pub fn update(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CohortId,
    patch: CohortPatch,
    if_match: Option<&IfMatch>,
    prefs: Preferences,
) -> Result<Localised<CohortResponse>, ApiError> {
    let cohort = editable(conn, actor, id, patch.only_texts())?;
    cohort.check_if_match(if_match)?;
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    let current = fields_of(conn, &cohort)?;
    let target = patch.apply(&current);
    check_dates(target.starts_on, target.ends_on)?;
    let stored_texts =
        repo::texts(conn, id, &cohort.default_language)?.ok_or_else(|| broken(id))?;
    let current_texts = CohortTexts {
        title: stored_texts.title,
        description: stored_texts.description,
    };
    let target_texts = patch.apply_texts(&current_texts);
    if target == current && target_texts == current_texts {
        return view(conn, &cohort, &prefs);
    }
    let mut errors = Fields::default();
    if target.facilitator_ids != current.facilitator_ids {
        check_facilitators(conn, &mut errors, &target.facilitator_ids)?;
    }
    if target.course_ids != current.course_ids {
        check_courses(conn, &mut errors, &target.course_ids)?;
    }
    errors.finish()?;
    if target.facilitator_ids != current.facilitator_ids {
        repo::set_facilitators(conn, id, &target.facilitator_ids)?;
    }
    if target.course_ids != current.course_ids {
        repo::set_courses(conn, id, &target.course_ids)?;
    }
    if target_texts != current_texts {
        repo::put_texts(conn, id, &cohort.default_language, &target_texts)?;
    }
    let changes = CohortChanges::between(&current, &target, cohort.version, now());
    let mut cohort = repo::update(conn, id, &changes)?;
    if target.facilitator_ids != current.facilitator_ids {
        // Facilitators who came moderate the space, those who went leave it (unless they
        // are participants too).
        let mut moved = current.facilitator_ids.clone();
        moved.extend(target.facilitator_ids.iter().copied());
        cohort = space::follow(conn, cohort, &moved)?;
    }
    view(conn, &cohort, &prefs)
}

/// Creates or replaces the cohort's texts in one language (its facilitators,
/// coordinators, admins); answers the cohort in it.
pub fn put_translation(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CohortId,
    language: String,
    texts: CohortTexts,
) -> Result<(Localised<CohortResponse>, Written), ApiError> {
    let cohort = editable(conn, actor, id, true)?;
    let stored = repo::texts(conn, id, &language)?.map(|t| CohortTexts {
        title: t.title,
        description: t.description,
    });
    let written = match &stored {
        None => Written::Created,
        Some(old) if *old == texts => Written::Unchanged,
        Some(_) => Written::Changed,
    };
    let cohort = if written == Written::Unchanged {
        cohort
    } else {
        repo::put_texts(conn, id, &language, &texts)?;
        repo::touch(conn, &cohort, now())?
    };
    Ok((view(conn, &cohort, &Preferences::only(&language))?, written))
}

/// Deletes a cohort still in `planning` (coordinators, admins), if it is still the
/// version `if_match` names; a cohort that went further is cancelled instead.
pub fn delete(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CohortId,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    authorize(actor, Action::WriteCohorts)?;
    let cohort = locked(conn, id)?;
    cohort.check_if_match(if_match)?;
    if cohort.status != CohortStatus::Planning {
        return Err(ApiError::Conflict {
            code: "not_deletable",
            detail: format!(
                "a cohort in `{}` is part of the record and is not deleted; cancel it instead",
                cohort.status
            ),
        });
    }
    repo::delete(conn, id)?;
    // A cohort that never ran takes its space with it.
    if let Some(space) = cohort.community_id {
        crate::communities::service::delete_managed(conn, space)?;
    }
    Ok(())
}

/// Moves a cohort to its next state, or cancels it (coordinators, admins), if it is still
/// the version `if_match` names. Cancelling emails the facilitators in their language, in
/// this transaction; enrolments stay as they are.
pub fn transition(
    conn: &mut DbConn,
    actor: &AuthUser,
    id: CohortId,
    to: CohortStatus,
    if_match: Option<&IfMatch>,
    prefs: Preferences,
) -> Result<Localised<CohortResponse>, ApiError> {
    authorize(actor, Action::TransitionCohort)?;
    let cohort = locked(conn, id)?;
    cohort.check_if_match(if_match)?;
    if !cohort.status.may_become(to) {
        return Err(ApiError::Conflict {
            code: "invalid_transition",
            detail: format!("a cohort in `{}` cannot become `{to}`", cohort.status),
        });
    }
    if to == CohortStatus::NominationsOpen && call_repo::find(conn, id)?.is_none() {
        return Err(ApiError::Conflict {
            code: "no_call",
            detail: "opening nominations publishes the call: write it first (`PUT /api/v1/cohorts/{id}/call`)".to_owned(),
        });
    }
    let cohort = repo::update(
        conn,
        id,
        &CohortChanges {
            status: Some(to),
            ..CohortChanges::bump(cohort.version, now())
        },
    )?;
    if to == CohortStatus::Cancelled {
        notify_cancelled(conn, &cohort)?;
    }
    if to == CohortStatus::Completed {
        // Everyone who completes it is certified in the same transaction.
        crate::cohorts::completion::service::certify(conn, Some(actor.id), &cohort)?;
    }
    let prefs = reader_preferences(conn, prefs, Some(actor))?;
    view(conn, &cohort, &prefs)
}

/// Emails everyone involved that the cohort is cancelled, each in their preferred
/// language (the cohort's title too, where it has it): its facilitators, and the nominees
/// and accountable leaders of its nominations that are not over.
fn notify_cancelled(conn: &mut DbConn, cohort: &Cohort) -> Result<(), ApiError> {
    let mut people: Vec<UserId> = repo::facilitators(conn, &[cohort.id])?
        .into_iter()
        .map(|(_, u)| u)
        .collect();
    people.extend(nominations::involved(conn, cohort.id)?);
    email_each(
        conn,
        cohort,
        &people,
        Template::CohortCancelled,
        &[("starts_on", cohort.starts_on.format("%Y-%m-%d").to_string())],
    )?;
    Ok(())
}

/// Emails each of `people` (once, whatever the repeats) with `template` in their preferred
/// language, with their `display_name`, the cohort's title in that language (`cohort`)
/// and `vars`; through the outbox, in the caller's transaction. Erased accounts are
/// skipped. Answers how many were emailed.
pub fn email_each(
    conn: &mut DbConn,
    cohort: &Cohort,
    people: &[UserId],
    template: Template,
    vars: &[(&'static str, String)],
) -> Result<usize, ApiError> {
    if people.is_empty() {
        return Ok(0);
    }
    let mut sent = 0;
    let translations = repo::translations(conn, &[cohort.id])?;
    // `contacts` answers each account once, however often `people` names it.
    for (_, display_name, email, language) in repo::contacts(conn, people)? {
        let Some(email) = email else { continue };
        let title = Preferences::only(&language)
            .pick_item(
                &translations,
                |t| t.language.as_str(),
                &cohort.default_language,
            )
            .map(|t| t.title.clone())
            .ok_or_else(|| broken(cohort.id))?;
        let mut all = vec![("display_name", display_name), ("cohort", title)];
        all.extend(vars.iter().cloned());
        enqueue(
            conn,
            &OutgoingEmail {
                to: email,
                template,
                language,
                vars: all,
            },
        )?;
        sent += 1;
    }
    Ok(sent)
}
