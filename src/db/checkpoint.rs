//! SQLite's WAL checkpoints, off the request path.
//!
//! By default SQLite copies the write-ahead log back into the database file ("checkpoints")
//! inside whichever commit takes the log past 1,000 pages: that request, and every writer
//! queued behind it, waits for the copy and its `fsync` (8 % of posting's time in a
//! profile). A pool's connections therefore run with `wal_autocheckpoint = 0`, and one
//! thread per pool checkpoints with `PASSIVE` (never blocks readers or writers) every
//! [`INTERVAL`], which costs next to nothing when nothing was written. The thread ends, after
//! one last checkpoint, when the last handle of its pool is dropped.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use diesel::connection::SimpleConnection;

use super::{ConnectionManager, DbConn};

/// How often the log is copied back: at most this much of it (times the write rate) is
/// ever waiting.
pub const INTERVAL: Duration = Duration::from_millis(200);

/// Keeps the checkpointing thread running while held; dropping it stops the thread.
#[derive(Debug)]
pub struct Checkpoints {
    _running: Sender<()>,
}

/// Starts checkpointing the SQLite database `manager` opens, on a thread of its own with a
/// connection of its own. `None` when the thread or its connection cannot be had: the
/// caller then keeps SQLite's own checkpoints.
pub fn spawn(manager: &ConnectionManager) -> Option<Checkpoints> {
    let mut conn = manager.connect().ok()?;
    let (running, stopped) = mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("sqlite-checkpoint".to_owned())
        .spawn(move || {
            loop {
                let last = match stopped.recv_timeout(INTERVAL) {
                    Err(RecvTimeoutError::Timeout) | Ok(()) => false,
                    Err(RecvTimeoutError::Disconnected) => true,
                };
                checkpoint(&mut conn);
                if last {
                    break;
                }
            }
        })
        .ok()?;
    Some(Checkpoints { _running: running })
}

/// Copies what the log holds back into the database, as far as readers allow.
fn checkpoint(conn: &mut DbConn) {
    if let Err(err) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
        tracing::warn!(error = %err, "SQLite checkpoint failed; the next one retries");
    }
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;

    use crate::db::{DatabaseUrl, Db};

    #[derive(QueryableByName)]
    struct Value {
        #[diesel(sql_type = BigInt)]
        wal_autocheckpoint: i64,
    }

    /// Commits leave the log alone; the thread copies it into the database file soon after.
    #[test]
    fn the_log_is_copied_back_by_the_thread_not_by_commits() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("checkpoint.db");
        let db = Db::connect(DatabaseUrl::Sqlite(file.clone()), 2).unwrap();
        let mut conn = db.conn().unwrap();
        let setting: Value = diesel::sql_query("PRAGMA wal_autocheckpoint")
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(setting.wal_autocheckpoint, 0);
        // About 4 MiB, well past SQLite's own threshold of 1,000 pages.
        conn.batch_execute(
            "CREATE TABLE filler (x BLOB); \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) \
             INSERT INTO filler SELECT zeroblob(4096) FROM n;",
        )
        .unwrap();
        let grown = (0..200).any(|_| {
            std::thread::sleep(super::INTERVAL / 4);
            std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) > 4_000_000
        });
        assert!(grown, "the database file never received the log's pages");
    }
}
