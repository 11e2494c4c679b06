//! The `idempotent_requests` table: the first answer to an operation sent with an idempotency
//! key, which a retry gets again.

use async_trait::async_trait;
use partner_domain::Timestamp;

use crate::{
    IdempotencyRows, IdempotentResult, StoreError,
    sql::{Backend, Columns, Connection, Statement},
};

const RESULT: &str = "SELECT operation, fingerprint, result FROM idempotent_requests \
     WHERE caller = $1 AND idempotency_key = $2";

const INSERT: &str = "INSERT INTO idempotent_requests (caller, idempotency_key, operation, \
     fingerprint, result, at) VALUES ($1, $2, $3, $4, $5, $6)";

const FORGET: &str = "DELETE FROM idempotent_requests WHERE at < $1";

fn result_row(row: &impl Columns) -> Result<IdempotentResult, StoreError> {
    Ok(IdempotentResult {
        operation: row.text("operation")?,
        fingerprint: row.text("fingerprint")?,
        result: row.text("result")?,
    })
}

#[async_trait]
impl<T: Backend> IdempotencyRows for T {
    async fn idempotent_result(
        &mut self,
        caller: &str,
        key: &str,
    ) -> Result<Option<IdempotentResult>, StoreError> {
        let statement = Statement::new(RESULT).bind(caller).bind(key);
        let row = self.connection().fetch_optional(statement).await?;
        row.as_ref().map(result_row).transpose()
    }

    async fn insert_idempotent_result(
        &mut self,
        caller: &str,
        key: &str,
        result: &IdempotentResult,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let statement = Statement::new(INSERT)
            .bind(caller)
            .bind(key)
            .bind(&result.operation)
            .bind(&result.fingerprint)
            .bind(&result.result)
            .bind(at.millis());
        self.connection().execute(statement).await?;
        Ok(())
    }

    async fn forget_idempotent_results_before(&mut self, at: Timestamp) -> Result<u64, StoreError> {
        self.connection().execute(Statement::new(FORGET).bind(at.millis())).await
    }
}
