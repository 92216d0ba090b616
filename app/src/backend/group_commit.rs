//! Group commit: many small write transactions (a response accepted, an
//! event received) share one database transaction and so one disk sync.
//!
//! A request hands its writes to a writer task as a job and waits. The
//! writer takes every job queued meanwhile, runs them all in one transaction,
//! commits, and only then answers. Jobs can be run again: when one fails, the
//! transaction is rolled back and the batch replayed with a savepoint per job,
//! so the failing job rolls back alone and gets its own error. (Savepoints
//! only on that rare path: on the usual one they would be two more round
//! trips per job for the single writer, a third of its statements.) So an accepted
//! write is still durable before its caller hears "yes"; what changes is that
//! one fsync covers a batch. This is for SQLite, which allows one writer
//! and syncs on every commit; on PostgreSQL each job simply runs in its own
//! transaction (its WAL flushes already cover concurrent commits together).

use super::db::{internal, Db, DbKind, DedicatedWriter};
use crate::domain::AppError;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// A job's writes, given the batch's connection.
pub type JobFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T, AppError>> + Send + 'c>>;
/// Re-runnable (`Fn`): a batch with a failing job is replayed.
type Job = Box<dyn for<'c> Fn(&'c mut sqlx::AnyConnection) -> JobFuture<'c, ()> + Send + Sync>;

struct Request {
    job: Job,
    done: oneshot::Sender<Result<(), AppError>>,
}

/// Jobs in one transaction, at most.
const MAX_BATCH: usize = 256;

#[derive(Clone, Debug)]
pub struct GroupCommit {
    db: Db,
    /// The writer's queue; None on PostgreSQL, whose own WAL flushing already
    /// shares a sync among concurrent commits, so jobs there run in their own
    /// transactions (batching them would only serialise their round trips).
    queue: Option<mpsc::Sender<Request>>,
    /// The most jobs one transaction has held so far (for tests and diagnostics).
    largest_batch: Arc<AtomicUsize>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Request")
    }
}

impl GroupCommit {
    /// Starts the writer tasks (on the current tokio runtime).
    pub fn start(db: Db) -> GroupCommit {
        let largest_batch = Arc::new(AtomicUsize::new(0));
        if db.kind() == DbKind::Postgres {
            return GroupCommit { db, queue: None, largest_batch };
        }
        let (queue, jobs) = mpsc::channel::<Request>(4 * MAX_BATCH);
        let writer_db = db.clone();
        let largest = largest_batch.clone();
        tokio::spawn(async move {
            let jobs = Arc::new(tokio::sync::Mutex::new(jobs));
            // A job that panics takes its batch down, not the writer: its
            // callers get an error and the next batch starts afresh.
            loop {
                match tokio::spawn(writer(writer_db.clone(), jobs.clone(), largest.clone())).await {
                    Ok(()) => return,
                    Err(e) => tracing::error!(error = %e, "the group-commit writer failed; restarting it"),
                }
            }
        });
        GroupCommit { db, queue: Some(queue), largest_batch }
    }

    /// The most jobs that have shared one transaction (0 on PostgreSQL, where none do).
    pub fn largest_batch(&self) -> usize {
        self.largest_batch.load(Ordering::Relaxed)
    }

    /// Runs `job` inside a shared transaction and returns its result once
    /// that transaction has committed. The job must not start transactions
    /// of its own, and should only write: reads and checks belong before it.
    /// It may run more than once (only the last run's writes are kept), so it
    /// must not consume what it captured: clone it into the future instead.
    pub async fn write<T, F>(&self, job: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: for<'c> Fn(&'c mut sqlx::AnyConnection) -> JobFuture<'c, T> + Send + Sync + 'static,
    {
        let Some(queue) = &self.queue else {
            let mut tx = self.db.begin_write().await.map_err(internal)?;
            let value = job(&mut *tx).await?;
            tx.commit().await.map_err(internal)?;
            return Ok(value);
        };
        let slot: Arc<Mutex<Option<T>>> = Arc::new(Mutex::new(None));
        let filled = slot.clone();
        let job: Job = Box::new(move |conn| {
            let (run, filled) = (job(conn), filled.clone());
            Box::pin(async move {
                let value = run.await?;
                *filled.lock().unwrap_or_else(|p| p.into_inner()) = Some(value);
                Ok(())
            })
        });
        let (done, committed) = oneshot::channel();
        queue.send(Request { job, done }).await.map_err(|_| internal("the database writer has stopped"))?;
        committed.await.map_err(|_| internal("the database writer stopped before committing"))??;
        let value = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
        value.ok_or_else(|| internal("a committed job left no result"))
    }
}

async fn writer(db: Db, jobs: Arc<tokio::sync::Mutex<mpsc::Receiver<Request>>>, largest: Arc<AtomicUsize>) {
    // Kept across batches (see `Db::dedicated_writer`); taken again after a failure.
    let mut connection: Option<DedicatedWriter> = None;
    loop {
        let mut batch = Vec::new();
        {
            let mut jobs = jobs.lock().await;
            match jobs.recv().await {
                Some(first) => batch.push(first),
                None => return,
            }
            while batch.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
        }
        largest.fetch_max(batch.len(), Ordering::Relaxed);
        let conn = match &mut connection {
            Some(conn) => conn,
            None => match db.dedicated_writer().await {
                Ok(conn) => connection.insert(conn),
                Err(e) => {
                    let error = internal(e);
                    for request in batch {
                        let _ = request.done.send(Err(error.clone()));
                    }
                    continue;
                }
            },
        };
        if !commit_batch(conn, batch).await {
            connection = None;
        }
    }
}

/// Returns false when the connection failed (the writer then takes another).
async fn commit_batch(conn: &mut DedicatedWriter, batch: Vec<Request>) -> bool {
    // Fast path: every job straight into one transaction, with no statements
    // of its own in between (each one is a round trip for the one writer).
    match run_plain(conn, &batch).await {
        Ok(Ok(())) => {
            for request in batch {
                let _ = request.done.send(Ok(()));
            }
            true
        }
        Ok(Err(commit_failed)) => {
            for request in batch {
                let _ = request.done.send(Err(commit_failed.clone()));
            }
            false
        }
        // A job failed: that transaction was rolled back whole. Jobs can run
        // again, so the batch is replayed with a savepoint per job, and only
        // the failing ones are left out.
        Err(()) => replay_with_savepoints(conn, batch).await,
    }
}

/// Runs the batch in one transaction. `Err(())` when a job failed (nothing
/// was committed); otherwise the outcome of the commit, for everyone.
async fn run_plain(conn: &mut DedicatedWriter, batch: &[Request]) -> Result<Result<(), AppError>, ()> {
    let mut tx = match conn.begin().await {
        Ok(tx) => tx,
        Err(e) => return Ok(Err(internal(e))),
    };
    for request in batch {
        if (request.job)(&mut *tx).await.is_err() {
            // Dropping the transaction rolls it back.
            return Err(());
        }
    }
    Ok(tx.commit().await.map_err(internal))
}

async fn replay_with_savepoints(conn: &mut DedicatedWriter, batch: Vec<Request>) -> bool {
    let mut tx = match conn.begin().await {
        Ok(tx) => tx,
        Err(e) => {
            let error = internal(e);
            for request in batch {
                let _ = request.done.send(Err(error.clone()));
            }
            return false;
        }
    };
    let mut written = Vec::with_capacity(batch.len());
    let mut requests = batch.into_iter();
    while let Some(Request { job, done }) = requests.next() {
        if let Err(e) = sqlx::query("SAVEPOINT job").execute(&mut *tx).await {
            let _ = done.send(Err(internal(e)));
            abort(written, requests);
            return false;
        }
        let (outcome, cleanup) = match job(&mut *tx).await {
            Ok(()) => (Ok(()), sqlx::query("RELEASE SAVEPOINT job").execute(&mut *tx).await.map(|_| ())),
            Err(error) => {
                let undone = sqlx::query("ROLLBACK TO SAVEPOINT job").execute(&mut *tx).await;
                let released = sqlx::query("RELEASE SAVEPOINT job").execute(&mut *tx).await;
                (Err(error), undone.and(released).map(|_| ()))
            }
        };
        if let Err(e) = cleanup {
            // The database gave up on the transaction (disk full, I/O error…):
            // nothing of the batch is committed, and nobody is told otherwise.
            let _ = done.send(Err(internal(e)));
            abort(written, requests);
            return false;
        }
        match outcome {
            Ok(()) => written.push(done),
            Err(error) => {
                let _ = done.send(Err(error));
            }
        }
    }
    let outcome = tx.commit().await.map_err(internal);
    let committed = outcome.is_ok();
    for done in written {
        let _ = done.send(outcome.clone());
    }
    committed
}

/// Fails a batch whose transaction broke: the jobs already run and those not
/// yet run all hear that nothing was stored (the transaction rolls back when dropped).
fn abort(written: Vec<oneshot::Sender<Result<(), AppError>>>, rest: impl Iterator<Item = Request>) {
    let error = internal("the database transaction failed; nothing was stored");
    for done in written.into_iter().chain(rest.map(|r| r.done)) {
        let _ = done.send(Err(error.clone()));
    }
}
