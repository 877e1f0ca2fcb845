//! Regrading: when a question's answer key was wrong, its editors correct the question (a
//! new version) and regrade it. Every attempt that asked it is then scored against the
//! corrected version's key and points (the texts and the order shown stay as they were);
//! submitted attempts get their new scores at once, open ones when they are submitted.
//! Each regrade is recorded with who asked for it (or the command line), why, and each
//! submitted attempt's score and pass before and after: assessment's audit trail.
//!
//! A pass that a regrade turns into a fail is recorded, but the lesson's completion and
//! any certificate stay (learning never takes a completion back on its own); a fail that
//! becomes a pass completes the lesson as a submit would.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;

use crate::assessment::model::{
    AttemptItem, Layout, NewRegrade, Regrade, RegradeAttempt, RegradeVia, Snapshot,
};
use crate::assessment::quizzes::service::{complete_passed, score_items};
use crate::assessment::repo;
use crate::auth::AuthUser;
use crate::auth::policy::{Action, allowed};
use crate::db::{self, DbConn};
use crate::error::ApiError;
use crate::types::ids::{AttemptId, QuestionId};

/// Longest reason, in characters.
pub const MAX_REASON: usize = 500;

/// Who asks for a regrade.
#[derive(Debug, Clone, Copy)]
pub enum Requester<'a> {
    /// One of the course's editors, through the API (404 for anyone else).
    Editor(&'a AuthUser),
    /// Whoever runs `bayanihan regrade` on the server.
    CommandLine,
}

/// What a regrade did.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub regrade: Regrade,
    /// Submitted attempts whose score or pass changed.
    pub changed: Vec<RegradeAttempt>,
}

fn conflict(code: &'static str, detail: String) -> ApiError {
    ApiError::Conflict { code, detail }
}

/// Regrades question `id` against its current version, in the caller's transaction.
/// 404 for an unknown (or deleted) question and for anyone but the course's editors;
/// 409 `regrade_incompatible` when the current version cannot score the answers given
/// (another kind, or another number of choices): nothing is changed then.
pub fn regrade(
    conn: &mut DbConn,
    by: Requester<'_>,
    id: QuestionId,
    reason: String,
    now: NaiveDateTime,
) -> Result<Outcome, ApiError> {
    let question = repo::find_question(conn, id)?;
    if let Requester::Editor(actor) = by {
        let is_owner = crate::courses::repo::is_owner(conn, question.course_id, actor.id)?;
        if !allowed(actor, Action::EditCourse { is_owner }) {
            return Err(ApiError::NotFound);
        }
    }
    // One regrade of a question at a time, and no edit of it meanwhile.
    db::lock_row(conn, "questions", id.get())?;
    let question = repo::find_question(conn, id)?;
    let current = repo::version_of(conn, id, question.version)?;
    let snapshot: Snapshot = serde_json::from_str(&current.content).map_err(ApiError::internal)?;
    let choices = snapshot
        .texts
        .get(&snapshot.default_language)
        .map_or(0, |t| t.choices.len());
    let stale: Vec<AttemptItem> = repo::items_of_question(conn, id)?
        .into_iter()
        .filter(|i| i.scoring_version() != current.id)
        .collect();
    let old_ids: Vec<i64> = stale
        .iter()
        .map(AttemptItem::scoring_version)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for old in repo::versions_by_id(conn, &old_ids)? {
        let was: Snapshot = serde_json::from_str(&old.content).map_err(ApiError::internal)?;
        if was.key.kind() != snapshot.key.kind() {
            return Err(conflict(
                "regrade_incompatible",
                format!(
                    "version {} asks another kind of question than version {}",
                    old.version, current.version
                ),
            ));
        }
    }
    for item in &stale {
        let layout: Layout = serde_json::from_str(&item.layout).map_err(ApiError::internal)?;
        if layout.choices.len() != choices {
            return Err(conflict(
                "regrade_incompatible",
                format!(
                    "attempts were shown {} choices and version {} has {choices}",
                    layout.choices.len(),
                    current.version
                ),
            ));
        }
    }
    let item_ids: Vec<i64> = stale.iter().map(|i| i.id).collect();
    repo::set_key_version(conn, &item_ids, current.id)?;
    let attempt_ids: Vec<AttemptId> = stale
        .iter()
        .map(|i| i.attempt_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut rescored = Vec::new();
    for attempt in repo::attempts_by_id(conn, &attempt_ids)? {
        if attempt.submitted_at.is_none() {
            continue; // scored by its own submit, against the corrected key
        }
        db::lock_row(conn, "quiz_attempts", attempt.id.get())?;
        let quiz = repo::find_quiz(conn, attempt.quiz_id)?;
        let (score, max, passed) = score_items(conn, &quiz, attempt.id, Some(id))?;
        let before = (
            attempt.score.unwrap_or(0.0),
            attempt.max_score.unwrap_or(0.0),
            attempt.passed.unwrap_or(false),
        );
        if before != (score, max, passed) {
            repo::rescore_attempt(conn, attempt.id, score, max, passed)?;
            if passed && !before.2 {
                complete_passed(conn, &quiz, attempt.user_id)?;
            }
        }
        rescored.push((attempt.id, before, (score, max, passed)));
    }
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let changed_count = rescored.iter().filter(|(_, b, a)| b != a).count();
    let (actor_id, via) = match by {
        Requester::Editor(actor) => (Some(actor.id), RegradeVia::Api),
        Requester::CommandLine => (None, RegradeVia::CommandLine),
    };
    let regrade = repo::insert_regrade(
        conn,
        &NewRegrade {
            question_id: id,
            course_id: question.course_id,
            version: current.version,
            actor_id,
            via,
            reason,
            items_rekeyed: count(stale.len()),
            attempts_rescored: count(rescored.len()),
            scores_changed: count(changed_count),
            created_at: now,
        },
    )?;
    let rows: Vec<RegradeAttempt> = rescored
        .into_iter()
        .map(|(attempt_id, b, a)| RegradeAttempt {
            regrade_id: regrade.id,
            attempt_id,
            old_score: b.0,
            new_score: a.0,
            old_max_score: b.1,
            new_max_score: a.1,
            old_passed: b.2,
            new_passed: a.2,
        })
        .collect();
    repo::insert_regrade_attempts(conn, &rows)?;
    let changed = rows
        .into_iter()
        .filter(|r| {
            (r.old_score, r.old_max_score, r.old_passed)
                != (r.new_score, r.new_max_score, r.new_passed)
        })
        .collect();
    Ok(Outcome { regrade, changed })
}

/// A question's regrades, newest first (its editors; 404 for anyone else).
pub fn list(conn: &mut DbConn, actor: &AuthUser, id: QuestionId) -> Result<Vec<Regrade>, ApiError> {
    let question = repo::find_question(conn, id)?;
    let is_owner = crate::courses::repo::is_owner(conn, question.course_id, actor.id)?;
    if !allowed(actor, Action::EditCourse { is_owner }) {
        return Err(ApiError::NotFound);
    }
    Ok(repo::regrades_of(conn, id)?)
}
