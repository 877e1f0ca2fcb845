//! `bayanihan library-repair`: finds what a crash or a storage failure left inconsistent
//! between the database and the stored files, and with `--fix` repairs it:
//! - a row whose object is still under its temporary key: the object is moved;
//! - a row whose object is gone: listed; with `--fix` the row is removed;
//! - an object under `files/` no row names: deleted;
//! - an object under `tmp/` no row names, older than an hour (an upload that never
//!   finished): deleted.

use std::collections::HashSet;

use crate::db::Db;
use crate::library::repo;
use crate::library::storage::{Storage, final_key, id_of, temp_key};

/// Uploads younger than this may still be in progress.
const GRACE: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// What the repair found (and, with `fix`, did).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Rows whose object was still under its temporary key.
    pub unpromoted: Vec<String>,
    /// Rows whose object is gone.
    pub missing: Vec<String>,
    /// Objects no row names.
    pub strays: Vec<String>,
}

impl Report {
    /// Whether everything was consistent.
    pub fn is_clean(&self) -> bool {
        self.unpromoted.is_empty() && self.missing.is_empty() && self.strays.is_empty()
    }
}

/// Compares the database with the storage; with `fix`, repairs what it finds.
pub async fn run(db: &Db, storage: &Storage, fix: bool) -> anyhow::Result<Report> {
    let rows: HashSet<String> = {
        let mut conn = db.conn()?;
        repo::all_keys(&mut conn)?.into_iter().collect()
    };
    let finals: HashSet<String> = storage
        .list("files")
        .await?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let temps = storage.list("tmp").await?;
    let temp_keys: HashSet<String> = temps.iter().map(|(k, _)| k.clone()).collect();
    let mut report = Report::default();
    let mut sorted: Vec<&String> = rows.iter().collect();
    sorted.sort();
    for key in sorted {
        if finals.contains(key) {
            continue;
        }
        let id = id_of(key).unwrap_or_default();
        if temp_keys.contains(&temp_key(id)) {
            report.unpromoted.push(key.clone());
            if fix {
                storage.promote(id).await?;
            }
        } else {
            report.missing.push(key.clone());
            if fix {
                let mut conn = db.conn()?;
                repo::delete_file_row(&mut conn, key)?;
            }
        }
    }
    let mut stray_finals: Vec<&String> = finals.iter().filter(|k| !rows.contains(*k)).collect();
    stray_finals.sort();
    for key in stray_finals {
        report.strays.push(key.clone());
        if fix {
            storage.delete(key).await?;
        }
    }
    let cutoff = chrono::Utc::now() - GRACE;
    for (key, modified) in temps {
        let id = id_of(&key).unwrap_or_default();
        if rows.contains(&final_key(id)) || modified > cutoff {
            continue;
        }
        report.strays.push(key.clone());
        if fix {
            storage.delete(&key).await?;
        }
    }
    Ok(report)
}
