//! The `partners` table: partners, their hierarchy, and a distributor's list of resellers.

use async_trait::async_trait;
use partner_domain::partners::{Partner, PartnerId, PartnerKind};

use crate::{
    PartnerRows, StoreError,
    sql::{self, Backend, Columns, Connection, Statement},
};

const COLUMNS: &str =
    "id, name, kind, parent_id, email, mobile_phone, associated_on, xaccount_types";

/// `SELECT` of every column from `partners`, then `rest`.
fn select(rest: &str) -> String {
    format!("SELECT {COLUMNS} FROM partners {rest}")
}

const INSERT: &str = "INSERT INTO partners (id, name, kind, parent_id, email, mobile_phone, \
     associated_on, xaccount_types) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
     ON CONFLICT (id) DO NOTHING";

fn partner_row(row: &impl Columns) -> Result<Partner, StoreError> {
    let kind = row.text("kind")?;
    Ok(Partner {
        id: PartnerId(row.text("id")?),
        name: row.text("name")?,
        kind: PartnerKind::from_code(&kind).ok_or_else(|| sql::corrupt("partners.kind", kind))?,
        parent: row.text_or_null("parent_id")?.map(PartnerId),
        email: row.text_or_null("email")?,
        mobile_phone: row.text_or_null("mobile_phone")?,
        associated_on: sql::at(row.int("associated_on")?),
        xaccount_types: row
            .text("xaccount_types")?
            .split('\n')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

#[async_trait]
impl<T: Backend> PartnerRows for T {
    async fn partner(&mut self, id: &PartnerId) -> Result<Option<Partner>, StoreError> {
        let statement = Statement::new(select("WHERE id = $1")).bind(&id.0);
        let row = self.connection().fetch_optional(statement).await?;
        row.as_ref().map(partner_row).transpose()
    }

    async fn partners_by_ids(&mut self, ids: &[PartnerId]) -> Result<Vec<Partner>, StoreError> {
        let mut partners = Vec::new();
        for chunk in ids.chunks(sql::MAX_ROWS_PER_STATEMENT) {
            let mut statement = Statement::assemble(T::PLACEHOLDERS, &select("WHERE id IN ("));
            statement.push_list(chunk.iter().map(|id| &id.0)).push(")");
            for row in self.connection().fetch_all(statement).await? {
                partners.push(partner_row(&row)?);
            }
        }
        Ok(partners)
    }

    async fn insert_partner(&mut self, partner: &Partner) -> Result<bool, StoreError> {
        let xaccount_types = partner.xaccount_types.join("\n");
        let statement = Statement::new(INSERT)
            .bind(&partner.id.0)
            .bind(&partner.name)
            .bind(partner.kind.code())
            .bind(partner.parent.as_ref().map(|p| p.0.as_str()))
            .bind(partner.email.as_deref())
            .bind(partner.mobile_phone.as_deref())
            .bind(partner.associated_on.millis())
            .bind(&xaccount_types);
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn resellers_of(&mut self, distributor: &PartnerId) -> Result<Vec<Partner>, StoreError> {
        let statement = Statement::new(select("WHERE parent_id = $1 ORDER BY associated_on, id"))
            .bind(&distributor.0);
        let rows = self.connection().fetch_all(statement).await?;
        rows.iter().map(partner_row).collect()
    }
}
