//! Retries and replays: what makes an operation sent again answer like the first time, and
//! where its first answer is remembered.

use partner_domain::Timestamp;
use partner_store::{IdempotentResult, RetryKey, Tx};

use crate::{Caller, EngineError};

/// What makes an operation sent again answer like the first time instead of acting again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RetryKeys {
    /// The client's own key (`X-Idempotency-Key`): a retry with it gets the first answer,
    /// whatever its signature.
    pub idempotency_key: Option<String>,
    /// The request's signature: the same signed request seen again (a replay, within the
    /// signature's 15 minutes) gets the first answer. The SDK signs a retry anew once a second
    /// has passed, which makes it a new request, as on the real system.
    pub signature: Option<String>,
}

impl RetryKeys {
    /// No key: every call is new (the engine's own callers, tests).
    pub fn none() -> RetryKeys {
        RetryKeys::default()
    }

    /// The keys a first answer is remembered and looked up under: the signature's, then the
    /// client's own.
    pub(crate) fn keys(&self) -> impl Iterator<Item = String> + '_ {
        let signature = self.signature.iter().map(|s| format!("signature:{s}"));
        signature.chain(self.idempotency_key.iter().cloned())
    }
}

/// The first answer to an operation that does not go through the group commit (which keeps
/// its own, a batch at a time), found under one of `retry`'s keys: `Ok(None)` when there is
/// none; a key that came with another operation or other content is refused.
pub(crate) async fn first_answer(
    tx: &mut dyn Tx,
    caller: &Caller,
    retry: &RetryKeys,
    operation: &str,
    fingerprint: &str,
) -> Result<Option<String>, EngineError> {
    let keys = keys_of(caller, retry);
    if keys.is_empty() {
        return Ok(None);
    }
    let remembered = tx.idempotent_results(&keys).await?;
    let Some((key, first)) = keys.iter().find_map(|k| remembered.iter().find(|(r, _)| r == k))
    else {
        return Ok(None);
    };
    if first.operation != operation || first.fingerprint != fingerprint {
        return Err(EngineError::IdempotencyKeyReused(key.key.clone()));
    }
    Ok(Some(first.result.clone()))
}

/// Remembers an operation's answer under each of `retry`'s keys, in the operation's own
/// transaction, so that it is remembered exactly when it took effect.
pub(crate) async fn remember_answer(
    tx: &mut dyn Tx,
    caller: &Caller,
    retry: &RetryKeys,
    first: IdempotentResult,
    at: Timestamp,
) -> Result<(), EngineError> {
    let results: Vec<_> =
        keys_of(caller, retry).into_iter().map(|key| (key, first.clone())).collect();
    if !results.is_empty() {
        tx.insert_idempotent_results(&results, at).await?;
    }
    Ok(())
}

/// The keys a caller's answer is remembered and looked up under, with the caller's label.
pub(crate) fn keys_of(caller: &Caller, retry: &RetryKeys) -> Vec<RetryKey> {
    let label = caller.label();
    retry.keys().map(|key| RetryKey { caller: label.clone(), key }).collect()
}
