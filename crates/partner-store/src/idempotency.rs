//! The `idempotent_requests` table: the first answer to an operation sent with an idempotency
//! key (the client's, or its signature's), which a retry or a replay gets again. Read and
//! written a batch at a time, as the group commit needs them.

use async_trait::async_trait;
use partner_domain::Timestamp;

use crate::{
    IdempotencyRows, IdempotentResult, RetryKey, StoreError,
    sql::{self, Backend, Columns, Connection, Statement},
};

/// Completed by the callers' and the keys' lists: the pairs asked for are among the rows, and
/// the primary key (caller, key) finds them.
const RESULTS: &str = "SELECT caller, idempotency_key, operation, fingerprint, result \
     FROM idempotent_requests WHERE caller IN (";

/// Completed by one row of values per answer.
const INSERT: &str = "INSERT INTO idempotent_requests (caller, idempotency_key, operation, \
     fingerprint, result, at) ";

const FORGET: &str = "DELETE FROM idempotent_requests WHERE at < $1";

fn result_row(row: &impl Columns) -> Result<(RetryKey, IdempotentResult), StoreError> {
    let key = RetryKey { caller: row.text("caller")?, key: row.text("idempotency_key")? };
    let result = IdempotentResult {
        operation: row.text("operation")?,
        fingerprint: row.text("fingerprint")?,
        result: row.text("result")?,
    };
    Ok((key, result))
}

#[async_trait]
impl<T: Backend> IdempotencyRows for T {
    async fn idempotent_results(
        &mut self,
        keys: &[RetryKey],
    ) -> Result<Vec<(RetryKey, IdempotentResult)>, StoreError> {
        let mut found = Vec::new();
        for chunk in keys.chunks(sql::MAX_ROWS_PER_STATEMENT) {
            let mut statement = Statement::assemble(T::PLACEHOLDERS, RESULTS);
            statement.push_list(chunk.iter().map(|k| k.caller.as_str()));
            statement.push(") AND idempotency_key IN (");
            statement.push_list(chunk.iter().map(|k| k.key.as_str()));
            statement.push(")");
            for row in self.connection().fetch_all(statement).await? {
                let (key, result) = result_row(&row)?;
                // A caller's row under another caller's key was asked for by neither.
                if chunk.contains(&key) {
                    found.push((key, result));
                }
            }
        }
        Ok(found)
    }

    async fn insert_idempotent_results(
        &mut self,
        results: &[(RetryKey, IdempotentResult)],
        at: Timestamp,
    ) -> Result<(), StoreError> {
        for chunk in results.chunks(sql::MAX_ROWS_PER_STATEMENT) {
            let mut statement = Statement::assemble(T::PLACEHOLDERS, INSERT);
            statement.push_values(chunk, |(key, result)| {
                [
                    key.caller.as_str().into(),
                    key.key.as_str().into(),
                    result.operation.as_str().into(),
                    result.fingerprint.as_str().into(),
                    result.result.as_str().into(),
                    at.millis().into(),
                ]
            });
            self.connection().execute(statement).await?;
        }
        Ok(())
    }

    async fn forget_idempotent_results_before(&mut self, at: Timestamp) -> Result<u64, StoreError> {
        self.connection().execute(Statement::new(FORGET).bind(at.millis())).await
    }
}
