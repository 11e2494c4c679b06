//! The `customers` table: customers, their association with a partner, and a partner's list
//! of sub-customers.

use async_trait::async_trait;
use partner_domain::{
    customers::{Association, AssociationType, Customer, CustomerId, CustomerType, VerifiedStatus},
    partners::PartnerId,
};

use crate::{
    CustomerRows, StoreError,
    sql::{self, Backend, Columns, Connection, Statement},
};

const COLUMNS: &str = "id, account_name, partner_id, association, associated_on, email, \
     mobile_phone, country, label, real_name, xaccount_id, xaccount_type, verified_status, \
     customer_type, frozen, level";

/// `SELECT` of every column from `customers`, then `rest`.
fn select(rest: &str) -> String {
    format!("SELECT {COLUMNS} FROM customers {rest}")
}

const INSERT: &str = "INSERT INTO customers (id, account_name, partner_id, association, \
     associated_on, email, mobile_phone, country, label, real_name, xaccount_id, xaccount_type, \
     verified_status, customer_type, frozen, level) VALUES \
     ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
     ON CONFLICT (id) DO NOTHING";

fn customer_row(row: &impl Columns) -> Result<Customer, StoreError> {
    let association = match (
        row.text_or_null("partner_id")?,
        row.text_or_null("association")?,
        row.int_or_null("associated_on")?,
    ) {
        (Some(partner), Some(kind), Some(on)) => Some(Association {
            partner: PartnerId(partner),
            kind: AssociationType::from_code(&kind)
                .ok_or_else(|| sql::corrupt("customers.association", kind))?,
            associated_on: sql::at(on),
        }),
        _ => None,
    };
    Ok(Customer {
        id: CustomerId(row.text("id")?),
        account_name: row.text("account_name")?,
        association,
        email: row.text_or_null("email")?,
        mobile_phone: row.text_or_null("mobile_phone")?,
        country: row.text("country")?,
        label: row.text_or_null("label")?,
        real_name: row.text_or_null("real_name")?,
        xaccount_id: row.text_or_null("xaccount_id")?,
        xaccount_type: row.text_or_null("xaccount_type")?,
        verified_status: verified_status(row.int("verified_status")?)?,
        customer_type: customer_type(row.int("customer_type")?)?,
        frozen: row.int("frozen")?,
        level: row.text("level")?,
    })
}

fn verified_status_code(status: VerifiedStatus) -> i64 {
    match status {
        VerifiedStatus::Unverified => -1,
        VerifiedStatus::InReview => 0,
        VerifiedStatus::Rejected => 1,
        VerifiedStatus::Verified => 2,
    }
}

fn verified_status(code: i64) -> Result<VerifiedStatus, StoreError> {
    match code {
        -1 => Ok(VerifiedStatus::Unverified),
        0 => Ok(VerifiedStatus::InReview),
        1 => Ok(VerifiedStatus::Rejected),
        2 => Ok(VerifiedStatus::Verified),
        other => Err(sql::corrupt("customers.verified_status", other)),
    }
}

fn customer_type_code(kind: CustomerType) -> i64 {
    match kind {
        CustomerType::Unset => -1,
        CustomerType::Individual => 0,
        CustomerType::Enterprise => 1,
    }
}

fn customer_type(code: i64) -> Result<CustomerType, StoreError> {
    match code {
        -1 => Ok(CustomerType::Unset),
        0 => Ok(CustomerType::Individual),
        1 => Ok(CustomerType::Enterprise),
        other => Err(sql::corrupt("customers.customer_type", other)),
    }
}

#[async_trait]
impl<T: Backend> CustomerRows for T {
    async fn customer(&mut self, id: &CustomerId) -> Result<Option<Customer>, StoreError> {
        let statement = Statement::new(select("WHERE id = $1")).bind(&id.0);
        let row = self.connection().fetch_optional(statement).await?;
        row.as_ref().map(customer_row).transpose()
    }

    async fn customers_by_ids(&mut self, ids: &[CustomerId]) -> Result<Vec<Customer>, StoreError> {
        let mut customers = Vec::new();
        for chunk in ids.chunks(sql::MAX_ROWS_PER_STATEMENT) {
            let mut statement = Statement::assemble(T::PLACEHOLDERS, &select("WHERE id IN ("));
            statement.push_list(chunk.iter().map(|id| &id.0)).push(")");
            for row in self.connection().fetch_all(statement).await? {
                customers.push(customer_row(&row)?);
            }
        }
        Ok(customers)
    }

    async fn insert_customer(&mut self, customer: &Customer) -> Result<bool, StoreError> {
        let association = customer.association.as_ref();
        let statement = Statement::new(INSERT)
            .bind(&customer.id.0)
            .bind(&customer.account_name)
            .bind(association.map(|a| a.partner.0.as_str()))
            .bind(association.map(|a| a.kind.code()))
            .bind(association.map(|a| a.associated_on.millis()))
            .bind(customer.email.as_deref())
            .bind(customer.mobile_phone.as_deref())
            .bind(&customer.country)
            .bind(customer.label.as_deref())
            .bind(customer.real_name.as_deref())
            .bind(customer.xaccount_id.as_deref())
            .bind(customer.xaccount_type.as_deref())
            .bind(verified_status_code(customer.verified_status))
            .bind(customer_type_code(customer.customer_type))
            .bind(customer.frozen)
            .bind(&customer.level);
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn customers_of(&mut self, partner: &PartnerId) -> Result<Vec<Customer>, StoreError> {
        let statement = Statement::new(select("WHERE partner_id = $1 ORDER BY associated_on, id"))
            .bind(&partner.0);
        let rows = self.connection().fetch_all(statement).await?;
        rows.iter().map(customer_row).collect()
    }
}
