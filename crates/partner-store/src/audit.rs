//! The `audit_events` table: who did what to which target, and with what result.

use async_trait::async_trait;
use partner_domain::audit::{Actor, AuditEvent};

use crate::{
    AuditRows, StoreError,
    sql::{self, Backend, Columns, Connection, Statement},
};

/// Completed by one row of values per event.
const INSERT: &str = "INSERT INTO audit_events (id, at, actor_kind, actor_id, source_ip, \
     request_id, operation, target, result) ";

const NEWEST: &str = "SELECT id, at, actor_kind, actor_id, source_ip, request_id, operation, \
     target, result FROM audit_events ORDER BY at DESC, id DESC LIMIT $1";

fn event_row(row: &impl Columns) -> Result<AuditEvent, StoreError> {
    let (kind, id) = (row.text("actor_kind")?, row.text("actor_id")?);
    let actor = match kind.as_str() {
        "partner" => Actor::Partner(id),
        "customer" => Actor::Customer(id),
        "operator" => Actor::Operator(id),
        "system" => Actor::System,
        other => return Err(sql::corrupt("audit_events.actor_kind", other)),
    };
    Ok(AuditEvent {
        id: row.text("id")?,
        at: sql::at(row.int("at")?),
        actor,
        source_ip: row.text("source_ip")?,
        request_id: row.text("request_id")?,
        operation: row.text("operation")?,
        target: row.text("target")?,
        result: row.text("result")?,
    })
}

#[async_trait]
impl<T: Backend> AuditRows for T {
    async fn insert_audit_events(&mut self, events: &[AuditEvent]) -> Result<(), StoreError> {
        for chunk in events.chunks(sql::MAX_ROWS_PER_STATEMENT) {
            let mut statement = Statement::assemble(T::PLACEHOLDERS, INSERT);
            statement.push_values(chunk, |event| {
                [
                    event.id.as_str().into(),
                    event.at.millis().into(),
                    event.actor.kind().into(),
                    event.actor.id().into(),
                    event.source_ip.as_str().into(),
                    event.request_id.as_str().into(),
                    event.operation.as_str().into(),
                    event.target.as_str().into(),
                    event.result.as_str().into(),
                ]
            });
            self.connection().execute(statement).await?;
        }
        Ok(())
    }

    async fn audit_events(&mut self, limit: i64) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = self.connection().fetch_all(Statement::new(NEWEST).bind(limit)).await?;
        rows.iter().map(event_row).collect()
    }
}
