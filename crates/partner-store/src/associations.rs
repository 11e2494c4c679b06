//! The `association_changes` table, and a customer's association as a change moves it.

use async_trait::async_trait;
use partner_domain::{
    Timestamp,
    associations::{AssociationChange, ChangeKind, ChangeState, Side},
    customers::{Association, AssociationType, CustomerId},
    partners::PartnerId,
};

use crate::{
    AssociationRows, StoreError,
    sql::{self, Backend, Columns, Connection, Statement},
};

const COLUMNS: &str =
    "id, customer_id, partner_id, kind, from_type, requested_by, requested_at, state, decided_at";

const INSERT: &str = "INSERT INTO association_changes (id, customer_id, partner_id, kind, \
     from_type, requested_by, requested_at, state, decided_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// Only a waiting request is answered: of two answers, one changes the row.
const DECIDE: &str = "UPDATE association_changes SET state = $2, decided_at = $3 \
     WHERE id = $1 AND state = 'pending'";

/// A customer's association, set or cleared (all three columns together).
const SET_ASSOCIATION: &str = "UPDATE customers SET partner_id = $2, association = $3, \
     associated_on = $4 WHERE id = $1";

fn change_row(row: &impl Columns) -> Result<AssociationChange, StoreError> {
    let text = |column: &str| row.text(column);
    let kind = text("kind")?;
    let from = text("from_type")?;
    let by = text("requested_by")?;
    let state = text("state")?;
    Ok(AssociationChange {
        id: text("id")?,
        customer: CustomerId(text("customer_id")?),
        partner: PartnerId(text("partner_id")?),
        kind: ChangeKind::from_code(&kind)
            .ok_or_else(|| sql::corrupt("association_changes.kind", &kind))?,
        from: AssociationType::from_code(&from)
            .ok_or_else(|| sql::corrupt("association_changes.from_type", &from))?,
        requested_by: Side::from_code(&by)
            .ok_or_else(|| sql::corrupt("association_changes.requested_by", &by))?,
        requested_at: sql::at(row.int("requested_at")?),
        state: ChangeState::from_code(&state)
            .ok_or_else(|| sql::corrupt("association_changes.state", &state))?,
        decided_at: row.int_or_null("decided_at")?.map(sql::at),
    })
}

#[async_trait]
impl<T: Backend> AssociationRows for T {
    async fn insert_association_change(
        &mut self,
        change: &AssociationChange,
    ) -> Result<(), StoreError> {
        let statement = Statement::new(INSERT)
            .bind(&change.id)
            .bind(&change.customer.0)
            .bind(&change.partner.0)
            .bind(change.kind.code())
            .bind(change.from.code())
            .bind(change.requested_by.code())
            .bind(change.requested_at.millis())
            .bind(change.state.code())
            .bind(change.decided_at.map(Timestamp::millis));
        self.connection().execute(statement).await?;
        Ok(())
    }

    async fn association_change(
        &mut self,
        id: &str,
    ) -> Result<Option<AssociationChange>, StoreError> {
        let statement =
            Statement::new(format!("SELECT {COLUMNS} FROM association_changes WHERE id = $1"))
                .bind(id);
        let row = self.connection().fetch_optional(statement).await?;
        row.as_ref().map(change_row).transpose()
    }

    async fn association_changes(
        &mut self,
        partner: Option<&PartnerId>,
        customer: Option<&CustomerId>,
        limit: i64,
    ) -> Result<Vec<AssociationChange>, StoreError> {
        let statement = Statement::new(format!(
            "SELECT {COLUMNS} FROM association_changes \
             WHERE ($1 IS NULL OR partner_id = $1) AND ($2 IS NULL OR customer_id = $2) \
             ORDER BY seq DESC LIMIT $3"
        ))
        .bind(partner.map(|p| p.0.as_str()))
        .bind(customer.map(|c| c.0.as_str()))
        .bind(limit);
        let rows = self.connection().fetch_all(statement).await?;
        rows.iter().map(change_row).collect()
    }

    async fn decide_association_change(
        &mut self,
        id: &str,
        state: ChangeState,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let statement = Statement::new(DECIDE).bind(id).bind(state.code()).bind(at.millis());
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn set_association(
        &mut self,
        customer: &CustomerId,
        association: Option<&Association>,
    ) -> Result<(), StoreError> {
        let statement = Statement::new(SET_ASSOCIATION)
            .bind(&customer.0)
            .bind(association.map(|a| a.partner.0.as_str()))
            .bind(association.map(|a| a.kind.code()))
            .bind(association.map(|a| a.associated_on.millis()));
        self.connection().execute(statement).await?;
        Ok(())
    }
}
