//! Structured logging that can never take the service down.
//!
//! Log lines go to standard error through a queue and a writer thread
//! (tracing-appender's non-blocking writer, lossy): a request never waits for the log, and a
//! line that cannot be written (the queue is full because stderr is a pipe nobody reads, or
//! the write fails because the disk is full or the pipe is closed) is dropped and counted
//! instead of failing or aborting. The count is the `log_lines_dropped_total` metric.

use std::io::{self, IsTerminal, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing_appender::non_blocking::{ErrorCounter, NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Lines the writer thread could not write (full disk, closed pipe, ...).
static FAILED_WRITES: AtomicU64 = AtomicU64::new(0);
/// Lines dropped because the queue was full.
static QUEUE_DROPS: OnceLock<ErrorCounter> = OnceLock::new();

/// Lines the queue holds before it drops one (and counts it): over half a second of request
/// lines at the highest logged rates measured on one core (28,000 a second, none dropped),
/// which the writer thread drains far sooner on a working stderr. tracing-appender's default, 128,000 lines, allocates 4 MB up
/// front for good (a queue slot is 32 bytes); this one 0.5 MB.
const QUEUED_LINES: usize = 16_384;

/// Keeps the log writer thread running; dropping it flushes what is queued (for at most a
/// second, so a stuck stderr cannot hold up the exit).
pub struct LogGuard {
    _guard: Option<WorkerGuard>,
}

/// Installs the global subscriber (once) and a panic hook that logs through it.
/// Keep the returned guard for as long as the process should log.
pub fn init(format: LogFormat) -> LogGuard {
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(true)
        .buffered_lines_limit(QUEUED_LINES)
        .thread_name("bayanihan-log")
        .finish(CountFailures {
            inner: io::stderr(),
            failed: &FAILED_WRITES,
        });
    let dropped = writer.error_counter();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        // A write error would otherwise be reported with `eprintln!`, which panics when stderr is gone.
        .log_internal_errors(false)
        .with_ansi(io::stderr().is_terminal());
    let installed = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
    if installed.is_err() {
        // Another subscriber is installed (a second init in tests): its writer stays in charge.
        return LogGuard { _guard: None };
    }
    let _ = QUEUE_DROPS.set(dropped);
    std::panic::set_hook(Box::new(|info| {
        // Runs on the panicking thread, inside the request's span: the log line carries the request id.
        tracing::error!(panic = %info, "panic");
    }));
    LogGuard {
        _guard: Some(guard),
    }
}

/// Log lines dropped so far, because they could not be written or queued.
pub fn dropped_lines() -> u64 {
    let queued = QUEUE_DROPS
        .get()
        .map_or(0, |counter| counter.dropped_lines() as u64);
    FAILED_WRITES.load(Ordering::Relaxed).saturating_add(queued)
}

/// The writer thread's output: a failed write counts one dropped line in `failed` and is
/// otherwise ignored (the writer thread hands over one whole line per `write_all`).
struct CountFailures<W> {
    inner: W,
    failed: &'static AtomicU64,
}

impl<W: Write> Write for CountFailures<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if self.inner.write_all(buf).is_err() {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        // Nothing to report to: a line that failed to go out was counted when written.
        let _ = self.inner.flush();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::StorageFull, "no space left"))
        }

        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        }
    }

    #[test]
    fn failed_writes_are_counted_and_never_returned() {
        static FAILED: AtomicU64 = AtomicU64::new(0);
        let mut writer = CountFailures {
            inner: Full,
            failed: &FAILED,
        };
        assert!(writer.write_all(b"one line\n").is_ok());
        assert!(writer.write(b"another\n").is_ok());
        assert!(writer.flush().is_ok());
        assert_eq!(FAILED.load(Ordering::Relaxed), 2);
    }
}
