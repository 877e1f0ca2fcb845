//! SQLite's one writer: the writes of concurrent requests share one transaction (group
//! commit).
//!
//! SQLite lets one transaction write at a time, and the end of each costs the same whatever
//! it wrote: every page it changed goes to the log, and the index pages that most writes
//! touch (the newest posts, the newest notifications) go once per commit. So on SQLite
//! [`super::Db::write`] does not run its closure in a transaction of its own: it queues
//! it for this module's thread, which takes whatever is queued (up to [`MOST_PER_BATCH`]),
//! runs the closures one after the other inside one `BEGIN IMMEDIATE` transaction, each in
//! a savepoint of its own, commits once and only then answers each caller.
//!
//! What a caller sees is what one transaction of its own would give:
//! - **all or nothing, per write**: a closure that fails is rolled back to its savepoint,
//!   and the others in the batch go on; a closure's changes are answered as written only
//!   after the commit that made them durable succeeded;
//! - **in order**: closures run one at a time, in the order they were queued, each seeing
//!   everything committed or run before it, as when they queued on a lock;
//! - **no wait while idle**: the thread takes what is queued when it is free, and waits
//!   for nothing more, so a lone write runs at once, and batches grow only while writes
//!   arrive faster than they are done;
//! - **bounded waits**: a write still queued after the pool's time-out is answered 503
//!   without running.
//!
//! If the transaction itself fails (the commit, a savepoint SQLite already undid after a
//! full disk), every closure of the batch that had succeeded is answered with that error
//! and nothing of the batch is kept.
//!
//! PostgreSQL writes do not come here: its transactions run side by side, row locks
//! order those that touch the same rows.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};
use tokio::sync::oneshot;

use super::{DbConn, Pool, recent};
use crate::error::ApiError;

/// The most writes one transaction takes: a bound on how long the first of them waits
/// for its answer.
pub const MOST_PER_BATCH: usize = 64;

/// The queue to the writer thread. The thread ends when the last [`Writer`] is dropped.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Box<dyn Job>>,
}

impl Writer {
    /// Starts the writer thread over `pool`. Writes queued longer than `timeout` are
    /// answered 503 unrun.
    pub fn spawn(pool: Pool, timeout: Duration) -> std::io::Result<Self> {
        let (queue, jobs) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("sqlite-writer".to_owned())
            .spawn(move || {
                while let Ok(first) = jobs.recv() {
                    let mut batch = vec![first];
                    while batch.len() < MOST_PER_BATCH {
                        match jobs.try_recv() {
                            Ok(job) => batch.push(job),
                            Err(_) => break,
                        }
                    }
                    run_batch(&pool, timeout, batch);
                }
            })?;
        Ok(Self { queue })
    }

    /// Runs `f` in the next transaction; its answer once that transaction is over.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Pending {
            f: Some(f),
            result: None,
            reply,
            queued_at: Instant::now(),
        };
        self.queue
            .send(Box::new(job))
            .map_err(|_| ApiError::Unavailable("the database writer has stopped".to_owned()))?;
        answer.await.map_err(|_| {
            ApiError::internal(anyhow::anyhow!("the database writer dropped a write"))
        })?
    }
}

/// Why a whole batch failed: given to each write that had succeeded in it.
#[derive(Clone)]
enum BatchError {
    /// Waited longer than the time-out, or no connection.
    Busy(&'static str),
    /// The database or the disk is full.
    StorageFull(String),
    /// Anything else.
    Failed(String),
}

impl BatchError {
    fn from_db(err: &diesel::result::Error) -> Self {
        if super::is_storage_full(err) {
            Self::StorageFull(err.to_string())
        } else {
            Self::Failed(err.to_string())
        }
    }

    fn to_api(&self) -> ApiError {
        match self {
            Self::Busy(why) => ApiError::Unavailable((*why).to_owned()),
            Self::StorageFull(message) => ApiError::StorageFull(message.clone()),
            Self::Failed(message) => {
                ApiError::internal(anyhow::anyhow!("the write transaction failed: {message}"))
            }
        }
    }
}

/// One queued write, its type erased.
trait Job: Send {
    /// When it was queued.
    fn queued_at(&self) -> Instant;
    /// Runs it (inside its savepoint); whether it succeeded.
    fn run(&mut self, conn: &mut DbConn) -> bool;
    /// Records that it panicked.
    fn panicked(&mut self);
    /// Answers the caller once the batch is over.
    fn answer(self: Box<Self>, batch: Result<(), &BatchError>);
}

struct Pending<T, F> {
    f: Option<F>,
    result: Option<Result<T, ApiError>>,
    reply: oneshot::Sender<Result<T, ApiError>>,
    queued_at: Instant,
}

impl<T, F> Job for Pending<T, F>
where
    F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    fn queued_at(&self) -> Instant {
        self.queued_at
    }

    fn run(&mut self, conn: &mut DbConn) -> bool {
        let Some(f) = self.f.take() else {
            return false;
        };
        let result = f(conn);
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn panicked(&mut self) {
        self.result = Some(Err(ApiError::internal(anyhow::anyhow!(
            "a write panicked; it was rolled back"
        ))));
    }

    fn answer(self: Box<Self>, batch: Result<(), &BatchError>) {
        let answer = match (self.result, batch) {
            // Its own error: its changes were rolled back whatever became of the batch.
            (Some(Err(err)), _) => Err(err),
            (Some(Ok(value)), Ok(())) => Ok(value),
            (Some(Ok(_)) | None, Err(why)) => Err(why.to_api()),
            (None, Ok(())) => Err(ApiError::internal(anyhow::anyhow!(
                "a queued write was not run"
            ))),
        };
        // The caller may have gone (its request was cancelled): nothing to tell.
        let _ = self.reply.send(answer);
    }
}

/// Runs one batch and answers every write in it.
fn run_batch(pool: &Pool, timeout: Duration, batch: Vec<Box<dyn Job>>) {
    let (mut due, late): (Vec<_>, Vec<_>) = batch
        .into_iter()
        .partition(|job| job.queued_at().elapsed() < timeout);
    let busy = BatchError::Busy("the database is busy with other writes");
    for job in late {
        job.answer(Err(&busy));
    }
    if due.is_empty() {
        return;
    }
    let outcome = match pool.get() {
        Ok(mut conn) => {
            let outcome = in_one_transaction(&mut conn, &mut due);
            // What was kept from earlier reads is read again (`recent`), before anyone
            // hears of this batch.
            recent::bump();
            outcome
        }
        Err(_) => Err(BatchError::Busy("every database connection is busy")),
    };
    for job in due {
        job.answer(outcome.as_ref().map(|_| ()));
    }
}

/// Runs each job in a savepoint of one `BEGIN IMMEDIATE` transaction and commits.
fn in_one_transaction(conn: &mut DbConn, jobs: &mut [Box<dyn Job>]) -> Result<(), BatchError> {
    type Manager = <DbConn as Connection>::TransactionManager;
    let began = match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE"),
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => AnsiTransactionManager::begin_transaction(c),
    };
    began.map_err(|e| BatchError::from_db(&e))?;
    for job in jobs.iter_mut() {
        let step = Manager::begin_transaction(conn).and_then(|()| {
            let ok = match catch_unwind(AssertUnwindSafe(|| job.run(conn))) {
                Ok(ok) => ok,
                Err(_) => {
                    job.panicked();
                    false
                }
            };
            if ok {
                Manager::commit_transaction(conn)
            } else {
                Manager::rollback_transaction(conn)
            }
        });
        if let Err(err) = step {
            // The transaction is gone (SQLite undoes a whole transaction after some errors,
            // such as a full disk) or cannot go on: nothing of the batch is kept.
            let _ = Manager::rollback_transaction(conn);
            return Err(BatchError::from_db(&err));
        }
    }
    Manager::commit_transaction(conn).map_err(|e| {
        let _ = Manager::rollback_transaction(conn);
        BatchError::from_db(&e)
    })
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;
    use tokio::sync::oneshot;

    use super::{Job, Pending, run_batch};
    use crate::db::{DatabaseUrl, Db, DbConn};
    use crate::error::ApiError;

    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        x: i64,
    }

    type Answer = oneshot::Receiver<Result<i64, ApiError>>;

    /// A write queued at `queued_at`, and where its answer arrives.
    fn job<F>(queued_at: Instant, f: F) -> (Box<dyn Job>, Answer)
    where
        F: FnOnce(&mut DbConn) -> Result<i64, ApiError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Pending {
            f: Some(f),
            result: None,
            reply,
            queued_at,
        };
        (Box::new(job), answer)
    }

    fn insert(x: i64) -> impl FnOnce(&mut DbConn) -> Result<i64, ApiError> + Send + 'static {
        move |conn| {
            diesel::sql_query(format!("INSERT INTO t (x) VALUES ({x})")).execute(conn)?;
            Ok(x)
        }
    }

    fn database() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(DatabaseUrl::Sqlite(dir.path().join("writer.db")), 3).unwrap();
        db.conn()
            .unwrap()
            .batch_execute("CREATE TABLE t (x BIGINT PRIMARY KEY)")
            .unwrap();
        (dir, db)
    }

    fn rows(db: &Db) -> Vec<i64> {
        diesel::sql_query("SELECT x FROM t ORDER BY x")
            .load::<Row>(&mut *db.conn().unwrap())
            .unwrap()
            .into_iter()
            .map(|r| r.x)
            .collect()
    }

    fn answer(answer: Answer) -> Result<i64, ApiError> {
        answer.blocking_recv().unwrap()
    }

    /// One transaction for several writes: a failing or panicking write is undone alone,
    /// a write queued too long is refused unrun, the others are kept and answered.
    #[test]
    fn a_batch_keeps_each_write_whole_or_not_at_all() {
        let (_dir, db) = database();
        let now = Instant::now();
        let (a, a_answer) = job(now, insert(1));
        let (b, b_answer) = job(now, |conn| {
            insert(2)(conn)?;
            Err(ApiError::Conflict {
                code: "refused",
                detail: "after writing".to_owned(),
            })
        });
        let (c, c_answer) = job(now, |conn| {
            insert(3)(conn)?;
            panic!("a bug in a write");
        });
        let (d, d_answer) = job(now - Duration::from_secs(60), insert(4));
        let (e, e_answer) = job(now, insert(5));
        run_batch(&db.pool, Duration::from_secs(5), vec![a, b, c, d, e]);
        assert_eq!(answer(a_answer).unwrap(), 1);
        assert!(matches!(answer(b_answer), Err(ApiError::Conflict { .. })));
        assert!(matches!(answer(c_answer), Err(ApiError::Internal(_))));
        assert!(matches!(answer(d_answer), Err(ApiError::Unavailable(_))));
        assert_eq!(answer(e_answer).unwrap(), 5);
        assert_eq!(rows(&db), vec![1, 5]);
    }

    /// When the transaction itself cannot go on, nothing of the batch is kept and no write
    /// is answered as done; the connection is not given out again half-way.
    #[test]
    fn a_failed_transaction_keeps_nothing_of_the_batch() {
        let (_dir, db) = database();
        let now = Instant::now();
        let (a, a_answer) = job(now, insert(1));
        // Ends the transaction behind the writer's back: its savepoint is gone.
        let (b, b_answer) = job(now, |conn| {
            conn.batch_execute("ROLLBACK")?;
            Ok(2)
        });
        let (c, c_answer) = job(now, insert(3));
        run_batch(&db.pool, Duration::from_secs(5), vec![a, b, c]);
        assert!(matches!(answer(a_answer), Err(ApiError::Internal(_))));
        assert!(matches!(answer(b_answer), Err(ApiError::Internal(_))));
        assert!(matches!(answer(c_answer), Err(ApiError::Internal(_))));
        assert_eq!(rows(&db), Vec::<i64>::new());
        // The writer goes on with the next batch.
        let (d, d_answer) = job(Instant::now(), insert(4));
        run_batch(&db.pool, Duration::from_secs(5), vec![d]);
        assert_eq!(answer(d_answer).unwrap(), 4);
        assert_eq!(rows(&db), vec![4]);
    }

    /// Through the queue: concurrent writes are all answered, each as it fared.
    #[tokio::test]
    async fn concurrent_writes_through_the_queue_are_all_answered() {
        let (_dir, db) = database();
        let writes = (0..200).map(|x| {
            let db = db.clone();
            tokio::spawn(async move {
                db.write(move |conn| {
                    insert(x)(conn)?;
                    if x % 7 == 0 {
                        return Err(ApiError::Conflict {
                            code: "refused",
                            detail: "every seventh".to_owned(),
                        });
                    }
                    Ok(x)
                })
                .await
            })
        });
        let answers: Vec<_> = futures_util::future::join_all(writes).await;
        for (x, a) in answers.into_iter().enumerate() {
            let a = a.unwrap();
            if x % 7 == 0 {
                assert!(matches!(a, Err(ApiError::Conflict { .. })), "{x}");
            } else {
                assert_eq!(a.unwrap(), x as i64);
            }
        }
        let expected: Vec<i64> = (0..200).filter(|x| x % 7 != 0).collect();
        assert_eq!(rows(&db), expected);
    }
}
