//! CPU-heavy work off the async workers, a bounded number at once.

use std::sync::Arc;

use actix_web::web;
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// Runs closures on the blocking pool, at most `n` at once (password hashing, search
/// ranking): the others wait for a permit before they reach the pool, so it never holds
/// more of them than there are permits, each with its working memory.
#[derive(Debug, Clone)]
pub struct Limited {
    permits: Arc<Semaphore>,
}

impl Limited {
    /// At most `n` at once (one when `n` is 0).
    pub fn new(n: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(n.max(1))),
        }
    }

    /// One at once per CPU this process may use (its affinity and cgroup quota included).
    pub fn per_cpu() -> Self {
        Self::new(std::thread::available_parallelism().map_or(1, usize::from))
    }

    /// Runs `f` on the blocking pool once a permit is free. The permit moves into the
    /// closure: a caller given up while `f` runs (the client gone: actix drops the
    /// handler's future) keeps it until `f` ends, so no more than `n` ever run at once.
    /// `Db::read` holds its connection permits the same way.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(ApiError::internal)?;
        web::block(move || {
            let _permit = permit;
            f()
        })
        .await
        .map_err(ApiError::internal)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[actix_web::test]
    async fn no_more_than_n_run_at_once_even_when_callers_give_up() {
        let limited = Limited::new(2);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for i in 0..8 {
            let (limited, running, most) = (limited.clone(), running.clone(), most.clone());
            let run = async move {
                limited
                    .run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
            };
            // Half the callers give up while their closure runs.
            let give_up = i % 2 == 0;
            tasks.push(actix_web::rt::spawn(async move {
                if give_up {
                    let _ = tokio::time::timeout(std::time::Duration::from_millis(5), run).await;
                } else {
                    let _ = run.await;
                }
            }));
        }
        for t in tasks {
            t.await.ok();
        }
        // Let the closures of the callers that gave up finish.
        while running.load(Ordering::SeqCst) > 0 {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert!(
            most.load(Ordering::SeqCst) <= 2,
            "{}",
            most.load(Ordering::SeqCst)
        );
    }
}
