//! Group commit: concurrent money movements share one transaction and one disk sync.
//!
//! Every fund operation is a job sent to one committer task per server. The task takes all jobs
//! waiting, runs each inside a savepoint of one write transaction (a refused job rolls back to
//! its savepoint and fails alone), commits once, and only then answers each caller. An answer
//! therefore always means "on disk", and a crash before the commit loses only unanswered work
//! (TigerBeetle batches transfers the same way).

use std::sync::OnceLock;

use partner_domain::Timestamp;
use partner_store::{StoreError, Tx};
use tokio::sync::{mpsc, oneshot};

use crate::{Caller, Engine, EngineError, funds::FundMove};

/// The most jobs one transaction carries.
const MAX_BATCH: usize = 512;
/// A batch whose transaction fails as a whole (a lost connection, a deadlock) is retried this
/// many times before its callers get an error; nothing of it was committed.
const BATCH_ATTEMPTS: usize = 3;

pub(crate) struct Job {
    pub(crate) caller: Caller,
    pub(crate) request: FundMove,
    pub(crate) idempotency_key: Option<String>,
    reply: oneshot::Sender<Result<String, EngineError>>,
}

/// The way into the committer task, started on first use.
#[derive(Default)]
pub(crate) struct Committer {
    jobs: OnceLock<mpsc::UnboundedSender<Job>>,
}

impl Engine {
    /// Runs a money movement in the next group commit and answers once it is durable.
    pub(crate) async fn commit_move(
        &self,
        caller: &Caller,
        request: FundMove,
        idempotency_key: Option<String>,
    ) -> Result<String, EngineError> {
        let jobs = self.committer.jobs.get_or_init(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            // The task's engine has a committer of its own that it never uses, so the task
            // ends when the last engine handle that can send it jobs is dropped.
            let engine = Engine { committer: std::sync::Arc::default(), ..self.clone() };
            tokio::spawn(engine.run_committer(receiver));
            sender
        });
        let (reply, answer) = oneshot::channel();
        let job = Job { caller: caller.clone(), request, idempotency_key, reply };
        jobs.send(job).map_err(|_| EngineError::Store(StoreError::Busy))?;
        answer.await.map_err(|_| EngineError::Store(StoreError::Busy))?
    }

    async fn run_committer(self, mut receiver: mpsc::UnboundedReceiver<Job>) {
        while let Some(first) = receiver.recv().await {
            let mut jobs = vec![first];
            while jobs.len() < MAX_BATCH {
                match receiver.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            self.commit_batch(jobs).await;
        }
    }

    async fn commit_batch(&self, jobs: Vec<Job>) {
        let mut last_error = None;
        for attempt in 1..=BATCH_ATTEMPTS {
            match self.try_batch(&jobs).await {
                Ok(results) => {
                    for (job, result) in jobs.into_iter().zip(results) {
                        // A caller that has gone away still had its work committed.
                        let _ = job.reply.send(result);
                    }
                    return;
                }
                Err(err) => {
                    tracing::warn!(error = %err, attempt, n_jobs = jobs.len(), "a group commit failed");
                    last_error = Some(err);
                }
            }
        }
        if let Some(err) = last_error {
            tracing::error!(error = %err, n_jobs = jobs.len(), "a group commit failed for good");
        }
        for job in jobs {
            let _ = job.reply.send(Err(EngineError::Store(StoreError::Busy)));
        }
    }

    /// One attempt: every job in its savepoint, then one commit. An error here means nothing
    /// of the batch was committed.
    async fn try_batch(
        &self,
        jobs: &[Job],
    ) -> Result<Vec<Result<String, EngineError>>, StoreError> {
        let mut tx = self.store.write().await?;
        let now = match self.now(&mut *tx).await {
            Ok(now) => now,
            Err(EngineError::Store(err)) => return Err(err),
            Err(_) => return Err(StoreError::Busy),
        };
        let mut results = Vec::with_capacity(jobs.len());
        for job in jobs {
            results.push(self.run_job(&mut *tx, job, now).await?);
        }
        tx.commit().await?;
        Ok(results)
    }

    /// Runs one job inside its savepoint. The outer error is a failure of the transaction
    /// itself; the inner one is this job's own answer.
    async fn run_job(
        &self,
        tx: &mut dyn Tx,
        job: &Job,
        now: Timestamp,
    ) -> Result<Result<String, EngineError>, StoreError> {
        tx.savepoint().await?;
        let res = self
            .execute_move(tx, &job.caller, &job.request, job.idempotency_key.as_deref(), now)
            .await;
        if let Err(err) = &res {
            tx.rollback_to_savepoint().await?;
            if let EngineError::Store(store) = err {
                tracing::error!(error = %store, operation = job.request.operation(), "a fund operation failed");
            }
            self.audit_in(
                tx,
                &job.caller,
                now,
                job.request.operation(),
                job.request.target(),
                err.rule(),
            )
            .await
            .map_err(|e| match e {
                EngineError::Store(store) => store,
                _ => StoreError::Busy,
            })?;
        }
        tx.release_savepoint().await?;
        Ok(res)
    }
}
