//! Group commit: many small write transactions (a response accepted, an
//! event received) share one database transaction and so one disk sync.
//!
//! A request hands its writes to a writer task as a job and waits. The
//! writer takes every job queued meanwhile, runs them all in one transaction,
//! commits, and only then answers. Jobs can be run again: when one fails, the
//! transaction is rolled back and the batch replayed with a savepoint per job,
//! so the failing job rolls back alone and gets its own error. (Savepoints
//! only on that rare path: on the usual one they would be two more round
//! trips per job, a third of its statements.) So an accepted write is still
//! durable before its caller hears "yes"; what changes is that one sync and
//! one `BEGIN`/`COMMIT` cover a batch.
//!
//! A job that reports to webhooks names its audience (an organisation, and
//! a survey); the batch reads each audience's subscribers once, inside its
//! own transaction, and hands them to the job (the outbox: the write and its
//! deliveries commit together). One read per batch instead of one pool
//! round trip per request.
//!
//! SQLite allows one writer, so it gets one writer task. PostgreSQL gets a
//! few, each on its own connection. There, a batch holds every row lock its
//! jobs took until it commits, so batches of several replicas could wait on
//! each other in a circle: the batch therefore locks the delivery counters
//! of all those subscribers first, in id order (the order every other
//! transaction takes them in, too), before any job advances them.

use super::db::{internal, Db, DbKind, DedicatedTx, DedicatedWriter};
use super::webhook_outbox::{self, Subscriber};
use crate::domain::AppError;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// A job's writes, given the batch's connection.
pub type JobFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T, AppError>> + Send + 'c>>;
/// Re-runnable (`Fn`): a batch with a failing job is replayed. Given the
/// batch's connection and its audience's webhook subscribers.
type Job = Box<dyn for<'c> Fn(&'c mut sqlx::AnyConnection, &'c [Subscriber]) -> JobFuture<'c, ()> + Send + Sync>;

/// Whose webhook subscribers a job's writes are reported to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Audience {
    pub organization_id: String,
    /// None: the organisation-wide endpoints only.
    pub survey_id: Option<String>,
}

struct Request {
    job: Job,
    done: oneshot::Sender<Result<(), AppError>>,
    audience: Option<Audience>,
}

/// Jobs in one transaction, at most.
const MAX_BATCH: usize = 256;

/// Writer tasks (and so connections) on PostgreSQL: enough to keep a batch
/// forming while another waits for its commit, few enough to leave the pool
/// to everything else.
const POSTGRES_WRITERS: usize = 3;

#[derive(Clone, Debug)]
pub struct GroupCommit {
    /// The writers' queue.
    queue: mpsc::Sender<Request>,
    stats: Arc<Stats>,
}

/// For tests and diagnostics.
#[derive(Debug, Default)]
struct Stats {
    /// The most jobs one transaction has held so far.
    largest_batch: AtomicUsize,
    replayed_batches: AtomicUsize,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Request")
    }
}

impl GroupCommit {
    /// Starts the writer tasks (on the current tokio runtime).
    pub fn start(db: Db) -> GroupCommit {
        let stats = Arc::new(Stats::default());
        let (queue, jobs) = mpsc::channel::<Request>(4 * MAX_BATCH);
        let jobs = Arc::new(tokio::sync::Mutex::new(jobs));
        let writers = if db.kind() == DbKind::Postgres { POSTGRES_WRITERS } else { 1 };
        for _ in 0..writers {
            let (db, jobs, stats) = (db.clone(), jobs.clone(), stats.clone());
            tokio::spawn(async move {
                // A job that panics takes its batch down, not the writer: its
                // callers get an error and the next batch starts afresh.
                loop {
                    match tokio::spawn(writer(db.clone(), jobs.clone(), stats.clone())).await {
                        Ok(()) => return,
                        Err(e) => tracing::error!(error = %e, "a group-commit writer failed; restarting it"),
                    }
                }
            });
        }
        GroupCommit { queue, stats }
    }

    /// The most jobs that have shared one transaction.
    pub fn largest_batch(&self) -> usize {
        self.stats.largest_batch.load(Ordering::Relaxed)
    }

    /// How many batches had to be rolled back and run again (a job failed).
    pub fn replayed_batches(&self) -> usize {
        self.stats.replayed_batches.load(Ordering::Relaxed)
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
        self.submit(None, move |conn, _| job(conn)).await
    }

    /// [`write`](Self::write) for a job that queues webhook deliveries: it is
    /// also given the enabled endpoints of `audience` (see the module comment).
    pub async fn write_reporting<T, F>(&self, audience: Audience, job: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: for<'c> Fn(&'c mut sqlx::AnyConnection, &'c [Subscriber]) -> JobFuture<'c, T> + Send + Sync + 'static,
    {
        self.submit(Some(audience), job).await
    }

    async fn submit<T, F>(&self, audience: Option<Audience>, job: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: for<'c> Fn(&'c mut sqlx::AnyConnection, &'c [Subscriber]) -> JobFuture<'c, T> + Send + Sync + 'static,
    {
        let slot: Arc<Mutex<Option<T>>> = Arc::new(Mutex::new(None));
        let filled = slot.clone();
        let job: Job = Box::new(move |conn, subscribers| {
            let (run, filled) = (job(conn, subscribers), filled.clone());
            Box::pin(async move {
                let value = run.await?;
                *filled.lock().unwrap_or_else(|p| p.into_inner()) = Some(value);
                Ok(())
            })
        });
        let (done, committed) = oneshot::channel();
        self.queue
            .send(Request { job, done, audience })
            .await
            .map_err(|_| internal("the database writer has stopped"))?;
        committed.await.map_err(|_| internal("the database writer stopped before committing"))??;
        let value = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
        value.ok_or_else(|| internal("a committed job left no result"))
    }
}

async fn writer(db: Db, jobs: Arc<tokio::sync::Mutex<mpsc::Receiver<Request>>>, stats: Arc<Stats>) {
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
        stats.largest_batch.fetch_max(batch.len(), Ordering::Relaxed);
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
        if !commit_batch(conn, batch, &stats).await {
            connection = None;
        }
    }
}

/// Returns false when the connection failed (the writer then takes another).
async fn commit_batch(conn: &mut DedicatedWriter, batch: Vec<Request>, stats: &Stats) -> bool {
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
        Err(()) => {
            stats.replayed_batches.fetch_add(1, Ordering::Relaxed);
            replay_with_savepoints(conn, batch).await
        }
    }
}

/// Runs the batch in one transaction. `Err(())` when a job failed (nothing
/// was committed); otherwise the outcome of the commit, for everyone.
async fn run_plain(conn: &mut DedicatedWriter, batch: &[Request]) -> Result<Result<(), AppError>, ()> {
    let mut tx = match conn.begin().await {
        Ok(tx) => tx,
        Err(e) => return Ok(Err(internal(e))),
    };
    let audiences = match prepare(&mut tx, batch).await {
        Ok(audiences) => audiences,
        Err(e) => return Ok(Err(e)),
    };
    for request in batch {
        if (request.job)(&mut *tx, subscribers_of(&audiences, request)).await.is_err() {
            // Dropping the transaction rolls it back.
            return Err(());
        }
    }
    Ok(tx.commit().await.map_err(AppError::from))
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
    let audiences = match prepare(&mut tx, &batch).await {
        Ok(audiences) => audiences,
        Err(error) => {
            for request in batch {
                let _ = request.done.send(Err(error.clone()));
            }
            return false;
        }
    };
    let mut written = Vec::with_capacity(batch.len());
    let mut requests = batch.into_iter();
    while let Some(request) = requests.next() {
        let subscribers = subscribers_of(&audiences, &request);
        let Request { job, done, .. } = request;
        if let Err(e) = sqlx::query("SAVEPOINT job").execute(&mut *tx).await {
            let _ = done.send(Err(internal(e)));
            abort(written, requests);
            return false;
        }
        let (outcome, cleanup) = match job(&mut *tx, subscribers).await {
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
    let outcome = tx.commit().await.map_err(AppError::from);
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

/// Subscribers of each audience in the batch, read in its transaction; on
/// PostgreSQL their delivery counters are then locked, in one fixed order,
/// before any job runs (SQLite has a single writer).
async fn prepare(tx: &mut DedicatedTx<'_>, batch: &[Request]) -> Result<HashMap<Audience, Vec<Subscriber>>, AppError> {
    let mut audiences = HashMap::new();
    for audience in batch.iter().filter_map(|r| r.audience.as_ref()) {
        if !audiences.contains_key(audience) {
            let subscribers =
                webhook_outbox::subscribers(&mut **tx, &audience.organization_id, audience.survey_id.as_deref())
                    .await?;
            audiences.insert(audience.clone(), subscribers);
        }
    }
    if tx.kind() == DbKind::Postgres {
        let mut counters: Vec<&str> = audiences.values().flatten().map(Subscriber::endpoint_id).collect();
        counters.sort_unstable();
        counters.dedup();
        webhook_outbox::lock_delivery_counters(&mut **tx, &counters).await?;
    }
    Ok(audiences)
}

fn subscribers_of<'a>(audiences: &'a HashMap<Audience, Vec<Subscriber>>, request: &Request) -> &'a [Subscriber] {
    request.audience.as_ref().and_then(|a| audiences.get(a)).map(Vec::as_slice).unwrap_or(&[])
}
