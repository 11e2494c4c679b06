//! Group commit: concurrent money movements share one transaction and one disk sync.
//!
//! Every fund operation is a job sent to one committer task per server. The task takes all
//! jobs waiting, loads and locks what they touch in a few statements, decides each job in turn
//! against those balances (a refused job fails alone, and later jobs see the balances the
//! earlier ones left), writes every transfer, ledger entry and audit event in a few more
//! statements, commits once, and only then answers each caller. An answer always means "on
//! disk", and a crash before the commit loses only unanswered work. TigerBeetle batches
//! transfers the same way.

use std::{collections::HashMap, sync::OnceLock};

use partner_domain::{
    Money, Timestamp,
    customers::CustomerId,
    funds::{AccountId, AccountKind, FundAccount, Owner},
    partners::PartnerId,
};
use partner_store::{IdempotentResult, RetryKey, StoreError, Tx};
use tokio::sync::{mpsc, oneshot};

use crate::{
    Caller, Engine, EngineError, Internal, Principal,
    funds::{BatchState, FundMove, RetryKeys},
};

/// The most jobs one transaction carries.
const MAX_BATCH: usize = 512;
/// A batch whose transaction fails as a whole (a lost connection, a deadlock) is retried this
/// many times before its callers get an error; nothing of it was committed.
const BATCH_ATTEMPTS: usize = 3;

pub(crate) struct Job {
    caller: Caller,
    request: FundMove,
    retry: RetryKeys,
    reply: oneshot::Sender<Result<String, EngineError>>,
}

/// Movements waiting for the committer at most; more are shed (`EngineError::Overloaded`).
pub(crate) const QUEUE_CAPACITY: usize = 4096;
/// How long a first answer is remembered for its retries and replays.
const ANSWERS_KEPT_MS: i64 = 24 * 3600 * 1000;
/// How often the committer forgets answers older than that.
const FORGET_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// The way into the committer task, started on first use.
pub(crate) struct Committer {
    jobs: OnceLock<mpsc::Sender<Job>>,
    capacity: usize,
}

impl Default for Committer {
    fn default() -> Committer {
        Committer::with_capacity(QUEUE_CAPACITY)
    }
}

impl Committer {
    pub(crate) fn with_capacity(capacity: usize) -> Committer {
        Committer { jobs: OnceLock::new(), capacity }
    }
}

/// Why an attempt failed: before its COMMIT nothing was written; at its COMMIT, nobody knows.
enum BatchFailure {
    BeforeCommit(StoreError),
    AtCommit(StoreError),
}

/// What one job's attempt wrote, before the batch commits.
struct Decided {
    result: Result<String, EngineError>,
    /// A first answer to remember under each of the job's retry keys.
    remember: Vec<(RetryKey, IdempotentResult)>,
}

impl Engine {
    /// Runs a money movement in the next group commit and answers once it is durable.
    pub(crate) async fn commit_move(
        &self,
        caller: &Caller,
        request: FundMove,
        retry: RetryKeys,
    ) -> Result<String, EngineError> {
        let jobs = self.committer.jobs.get_or_init(|| {
            let (sender, receiver) = mpsc::channel(self.committer.capacity.max(1));
            // The task's engine has a committer of its own that it never uses, so the task
            // ends when the last engine handle that can send it jobs is dropped.
            let engine = Engine { committer: std::sync::Arc::default(), ..self.clone() };
            tokio::spawn(engine.run_committer(receiver));
            sender
        });
        let (reply, answer) = oneshot::channel();
        let job = Job { caller: caller.clone(), request, retry, reply };
        let gone = || EngineError::Internal(Internal::bug("the committer task has stopped"));
        match jobs.try_send(job) {
            Ok(()) => {}
            // Past the queue, a movement is shed at once rather than held in memory: the
            // caller gets the flow-control answer and may retry.
            Err(mpsc::error::TrySendError::Full(_)) => return Err(EngineError::Overloaded),
            Err(mpsc::error::TrySendError::Closed(_)) => return Err(gone()),
        }
        answer.await.map_err(|_| gone())?
    }

    async fn run_committer(self, mut receiver: mpsc::Receiver<Job>) {
        let mut forgotten_at = std::time::Instant::now();
        while let Some(first) = receiver.recv().await {
            let mut jobs = vec![first];
            while jobs.len() < MAX_BATCH {
                match receiver.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            self.commit_batch(jobs).await;
            if forgotten_at.elapsed() >= FORGET_EVERY {
                forgotten_at = std::time::Instant::now();
                self.forget_old_answers().await;
            }
        }
    }

    /// Forgets first answers older than a day: their retries and replays are long over.
    async fn forget_old_answers(&self) {
        let res: Result<u64, EngineError> = async {
            let mut tx = self.store.write().await?;
            let now = self.now(&mut *tx).await?;
            let before = Timestamp::from_millis(now.millis().saturating_sub(ANSWERS_KEPT_MS));
            let n = tx.forget_idempotent_results_before(before).await?;
            tx.commit().await?;
            Ok(n)
        }
        .await;
        match res {
            Ok(n) => tracing::debug!(n_forgotten = n, "forgot old first answers"),
            Err(err) => tracing::warn!(error = %err, "could not forget old first answers"),
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
                Err(BatchFailure::BeforeCommit(err)) => {
                    tracing::warn!(error = %err, attempt, n_jobs = jobs.len(), "a group commit failed");
                    last_error = Some(err);
                }
                // A COMMIT that failed may still have committed (the connection can drop after
                // the database wrote it): running the batch again could move money twice. The
                // callers get an error; a retry with an idempotency key is safe either way.
                Err(BatchFailure::AtCommit(err)) => {
                    last_error = Some(err);
                    break;
                }
            }
        }
        if let Some(err) = &last_error {
            tracing::error!(error = %err, n_jobs = jobs.len(), "a group commit failed for good");
        }
        for job in jobs {
            let failed = last_error.as_ref().map_or_else(
                || EngineError::Internal(Internal::bug("a group commit ended without an answer")),
                |err| EngineError::Internal(Internal::storage(err)),
            );
            let _ = job.reply.send(Err(failed));
        }
    }

    /// One attempt: load and lock, decide every job, write everything, commit.
    async fn try_batch(
        &self,
        jobs: &[Job],
    ) -> Result<Vec<Result<String, EngineError>>, BatchFailure> {
        let (tx, results) = self.prepare_batch(jobs).await.map_err(BatchFailure::BeforeCommit)?;
        let started = std::time::Instant::now();
        tx.commit().await.map_err(BatchFailure::AtCommit)?;
        tracing::debug!(
            n_jobs = jobs.len(),
            commit_us = started.elapsed().as_micros() as u64,
            "group commit"
        );
        Ok(results)
    }

    /// Everything of an attempt but its COMMIT; an error here means nothing was committed.
    async fn prepare_batch(
        &self,
        jobs: &[Job],
    ) -> Result<(Box<dyn Tx>, Vec<Result<String, EngineError>>), StoreError> {
        let started = std::time::Instant::now();
        let mut tx = self.store.write().await?;
        let now = self.business_time(tx.clock().await?);
        let mut state = self.load_batch(&mut *tx, jobs).await?;
        let loaded = started.elapsed();
        // Every job's retry keys are looked up at once: a batch of fresh movements, each with its
        // signature's key, costs one statement here and one to remember them.
        let job_keys: Vec<Vec<RetryKey>> = jobs.iter().map(retry_keys).collect();
        let keys = job_keys.concat();
        let mut remembered: HashMap<RetryKey, IdempotentResult> = if keys.is_empty() {
            HashMap::new()
        } else {
            tx.idempotent_results(&keys).await?.into_iter().collect()
        };
        let mut first_answers = Vec::new();
        let mut transfers = Vec::new();
        let mut events = Vec::with_capacity(jobs.len());
        let mut results = Vec::with_capacity(jobs.len());
        for (job, keys) in jobs.iter().zip(job_keys) {
            let decided = self.decide_job(&mut state, &remembered, job, keys, now, &mut transfers);
            let outcome = match &decided.result {
                Ok(_) => "success",
                Err(err) => err.rule(),
            };
            events.push(self.audit_event(
                &job.caller,
                now,
                job.request.operation(),
                job.request.target(),
                outcome,
            ));
            for (key, first) in decided.remember {
                // A later job of this batch under the same key sees this answer.
                remembered.insert(key.clone(), first.clone());
                first_answers.push((key, first));
            }
            results.push(decided.result);
        }
        let decided = started.elapsed();
        tx.post_transfers(&transfers).await?;
        tx.insert_audit_events(&events).await?;
        let written = started.elapsed();
        if !first_answers.is_empty() {
            tx.insert_idempotent_results(&first_answers, now).await?;
        }
        tracing::debug!(
            n_jobs = jobs.len(),
            load_us = loaded.as_micros() as u64,
            decide_us = decided.as_micros() as u64,
            write_us = written.as_micros() as u64,
            "group commit prepared"
        );
        Ok((tx, results))
    }

    /// Loads the partners, customers and (locked) cash accounts every job may touch.
    async fn load_batch(&self, tx: &mut dyn Tx, jobs: &[Job]) -> Result<BatchState, StoreError> {
        let mut partner_ids: Vec<String> = Vec::new();
        let mut customer_ids: Vec<String> = Vec::new();
        for job in jobs {
            if let Principal::Partner(id) = &job.caller.principal {
                partner_ids.push(id.0.clone());
            }
            partner_ids.extend(job.request.reseller().map(str::to_owned));
            customer_ids.extend(job.request.customer().map(str::to_owned));
        }
        partner_ids.sort_unstable();
        partner_ids.dedup();
        customer_ids.sort_unstable();
        customer_ids.dedup();
        let mut state = BatchState::default();
        let partner_ids: Vec<PartnerId> = partner_ids.into_iter().map(PartnerId).collect();
        for partner in tx.partners_by_ids(&partner_ids).await? {
            state.partners.insert(partner.id.0.clone(), partner);
        }
        let customer_ids: Vec<CustomerId> = customer_ids.into_iter().map(CustomerId).collect();
        for customer in tx.customers_by_ids(&customer_ids).await? {
            state.customers.insert(customer.id.0.clone(), customer);
        }
        // Only the accounts of movements the callers may make are locked, or opened: a job
        // naming someone else's customer touches nothing before it is refused.
        let mut owners: Vec<Owner> = Vec::new();
        for job in jobs {
            if let Ok(authorized) = self.authorize_move(&state, &job.caller, &job.request) {
                owners.extend(authorized.owners().into_iter().cloned());
            }
        }
        let mut seen = std::collections::HashSet::new();
        owners.retain(|owner| seen.insert(owner.clone()));
        for account in tx.cash_accounts_for_update(&owners).await? {
            state.accounts.insert(account.owner.clone(), account);
        }
        // An owner without a cash account yet gets an empty one.
        for owner in owners {
            if let std::collections::hash_map::Entry::Vacant(slot) = state.accounts.entry(owner) {
                let account = FundAccount {
                    id: AccountId(self.ids.next_id()),
                    owner: slot.key().clone(),
                    kind: AccountKind::Cash,
                    balance: Money::ZERO,
                    designated: Money::ZERO,
                    credit_limit: Money::ZERO,
                };
                tx.insert_fund_account(&account).await?;
                slot.insert(account);
            }
        }
        Ok(state)
    }

    /// One job's answer: a first answer remembered under one of its retry keys, or a decision.
    fn decide_job(
        &self,
        state: &mut BatchState,
        remembered: &HashMap<RetryKey, IdempotentResult>,
        job: &Job,
        keys: Vec<RetryKey>,
        now: Timestamp,
        transfers: &mut Vec<partner_domain::funds::Transfer>,
    ) -> Decided {
        let fingerprint = job.request.fingerprint();
        if let Some((key, first)) = keys.iter().find_map(|k| remembered.get(k).map(|f| (k, f))) {
            let same =
                first.operation == job.request.operation() && first.fingerprint == fingerprint;
            let result = if same {
                Ok(first.result.clone())
            } else {
                Err(EngineError::IdempotencyKeyReused(key.key.clone()))
            };
            return Decided { result, remember: Vec::new() };
        }
        let result = self.decide_move(state, &job.caller, &job.request, now).map(|transfer| {
            let id = transfer.id.clone();
            transfers.push(transfer);
            id
        });
        let remember = match &result {
            Ok(id) => keys
                .into_iter()
                .map(|key| {
                    let first = IdempotentResult {
                        operation: job.request.operation().to_owned(),
                        fingerprint: fingerprint.clone(),
                        result: id.clone(),
                    };
                    (key, first)
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        Decided { result, remember }
    }
}

/// The keys a job's first answer is remembered and looked up under, with its caller's label.
fn retry_keys(job: &Job) -> Vec<RetryKey> {
    crate::retry::keys_of(&job.caller, &job.retry)
}
