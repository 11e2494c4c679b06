//! The `customers` table: customers, their association with a partner, and a partner's list
//! of sub-customers.

use async_trait::async_trait;
use partner_domain::{
    Timestamp,
    customers::{
        Association, AssociationType, Customer, CustomerId, CustomerType, FuzzyPattern,
        SubCustomerFilter, UserIdentity, VerifiedStatus, fold_case, mobile_key,
    },
    paging::{Page, Paged},
    partners::PartnerId,
    realname::Verification,
};

use crate::{
    CustomerRows, StoreError,
    sql::{self, Backend, Columns, Connection, Statement},
};

const COLUMNS: &str = "id, account_name, partner_id, association, associated_on, email, \
     mobile_phone, country, label, real_name, xaccount_id, xaccount_type, verified_status, \
     customer_type, frozen, level, marketing_messages";

/// `SELECT` of every column from `customers`, then `rest`.
fn select(rest: &str) -> String {
    format!("SELECT {COLUMNS} FROM customers {rest}")
}

const INSERT: &str = "INSERT INTO customers (id, account_name, account_name_folded, \
     partner_id, association, associated_on, email, mobile_phone, country, label, real_name, \
     real_name_folded, xaccount_id, xaccount_type, verified_status, customer_type, frozen, \
     level, mobile_key, marketing_messages, registered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, \
     $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $6) ON CONFLICT (id) DO NOTHING";

/// A partner's associated customers as `SubCustomerFilter::matches` filters them, each filter
/// NULL when absent: `$2` and `$3` the folded account and real name they contain, `$4` the
/// label they contain (case and all), `$5` the association type, `$6` and `$7` the bounds of
/// the association time, `$8` an id.
const SUB_CUSTOMERS: &str = "partner_id = $1 AND association IS NOT NULL \
     AND associated_on IS NOT NULL \
     AND ($2 IS NULL OR replace(account_name_folded, $2, '') <> account_name_folded) \
     AND ($3 IS NULL OR replace(real_name_folded, $3, '') <> real_name_folded) \
     AND ($4 IS NULL OR replace(label, $4, '') <> label) \
     AND ($5 IS NULL OR association = $5) \
     AND ($6 IS NULL OR associated_on >= $6) AND ($7 IS NULL OR associated_on <= $7) \
     AND ($8 IS NULL OR id = $8)";

/// A customer's real-name state, changed only from the state it was read in (`$6`, `$7`).
const SET_VERIFICATION: &str = "UPDATE customers SET verified_status = $2, customer_type = $3, \
     real_name = $4, real_name_folded = $5 \
     WHERE id = $1 AND verified_status = $6 AND customer_type = $7";

const XACCOUNT_BOUND: &str =
    "SELECT id FROM customers WHERE xaccount_type = $1 AND xaccount_id = $2";

/// Customers written before names were kept folded too (migration 0003).
const UNFOLDED: &str = "SELECT id, account_name, real_name FROM customers \
     WHERE account_name_folded IS NULL ORDER BY id";
const FOLD: &str =
    "UPDATE customers SET account_name_folded = $1, real_name_folded = $2 WHERE id = $3";

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
        marketing_messages: row.int("marketing_messages")? != 0,
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

/// The accounts, customers' and partners', holding a login name (folded, as compared), an
/// e-mail address or a mobile number. `COUNT` is a `BIGINT` on both databases, and so is their
/// sum.
fn accounts_with(identity: &UserIdentity) -> (&'static str, String) {
    match identity {
        UserIdentity::Name(name) => (
            "SELECT (SELECT COUNT(*) FROM customers WHERE account_name_folded = $1) + \
             (SELECT COUNT(*) FROM partners WHERE name_folded = $1) AS n",
            fold_case(name),
        ),
        UserIdentity::Email(email) => (
            "SELECT (SELECT COUNT(*) FROM customers WHERE email = $1) + \
             (SELECT COUNT(*) FROM partners WHERE email = $1) AS n",
            email.clone(),
        ),
        // A number that is no phone number has no key, and no account holds it.
        UserIdentity::Mobile(mobile) => (
            "SELECT (SELECT COUNT(*) FROM customers WHERE mobile_key = $1) + \
             (SELECT COUNT(*) FROM partners WHERE mobile_key = $1) AS n",
            mobile_key(mobile).unwrap_or_default(),
        ),
    }
}

#[async_trait]
impl<T: Backend> CustomerRows for T {
    async fn accounts_with_identity(&mut self, identity: &UserIdentity) -> Result<u64, StoreError> {
        let (text, value) = accounts_with(identity);
        let row = self.connection().fetch_one(Statement::new(text).bind(value.as_str())).await?;
        let n = row.int("n")?;
        u64::try_from(n).map_err(|_| sql::corrupt("accounts_with_identity", n))
    }

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
        let account_name_folded = fold_case(&customer.account_name);
        let real_name_folded = customer.real_name.as_deref().map(fold_case);
        let mobile_key = customer.mobile_phone.as_deref().and_then(mobile_key);
        let statement = Statement::new(INSERT)
            .bind(&customer.id.0)
            .bind(&customer.account_name)
            .bind(&account_name_folded)
            .bind(association.map(|a| a.partner.0.as_str()))
            .bind(association.map(|a| a.kind.code()))
            .bind(association.map(|a| a.associated_on.millis()))
            .bind(customer.email.as_deref())
            .bind(customer.mobile_phone.as_deref())
            .bind(&customer.country)
            .bind(customer.label.as_deref())
            .bind(customer.real_name.as_deref())
            .bind(real_name_folded.as_deref())
            .bind(customer.xaccount_id.as_deref())
            .bind(customer.xaccount_type.as_deref())
            .bind(verified_status_code(customer.verified_status))
            .bind(customer_type_code(customer.customer_type))
            .bind(customer.frozen)
            .bind(&customer.level)
            .bind(mobile_key.as_deref())
            .bind(i64::from(customer.marketing_messages));
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn sub_customers_among(
        &mut self,
        partner: &PartnerId,
        ids: &[CustomerId],
        page: Page,
    ) -> Result<Paged<Customer>, StoreError> {
        if ids.is_empty() {
            return Ok(Paged { total: 0, rows: Vec::new() });
        }
        // The engine asks for at most 200 ids, well within one statement's parameters.
        let ids = ids.get(..sql::MAX_ROWS_PER_STATEMENT).unwrap_or(ids);
        let statement = |head: &str, tail: &str| {
            let mut statement = Statement::assemble(T::PLACEHOLDERS, head);
            statement.push(" FROM customers WHERE partner_id = ").push_bind(partner.0.as_str());
            statement
                .push(" AND association IS NOT NULL AND associated_on IS NOT NULL AND id IN (");
            statement.push_list(ids.iter().map(|id| id.0.as_str())).push(")").push(tail);
            statement
        };
        let (limit, offset) = sql::limit_offset(page);
        let mut rows = statement(
            &format!("SELECT {COLUMNS}, COUNT(*) OVER () AS total"),
            " ORDER BY associated_on, id LIMIT ",
        );
        rows.push_bind(limit).push(" OFFSET ").push_bind(offset);
        let count = || statement("SELECT COUNT(*) AS total", "");
        sql::paged(self.connection(), rows, count, customer_row).await
    }

    async fn set_verification(
        &mut self,
        customer: &CustomerId,
        from: &Verification,
        to: &Verification,
    ) -> Result<bool, StoreError> {
        let real_name_folded = to.real_name.as_deref().map(fold_case);
        let statement = Statement::new(SET_VERIFICATION)
            .bind(&customer.0)
            .bind(verified_status_code(to.status))
            .bind(customer_type_code(to.customer_type))
            .bind(to.real_name.as_deref())
            .bind(real_name_folded.as_deref())
            .bind(verified_status_code(from.status))
            .bind(customer_type_code(from.customer_type));
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn xaccount_bound(
        &mut self,
        xaccount_type: &str,
        xaccount_id: &str,
    ) -> Result<bool, StoreError> {
        let statement = Statement::new(XACCOUNT_BOUND).bind(xaccount_type).bind(xaccount_id);
        Ok(self.connection().fetch_optional(statement).await?.is_some())
    }

    async fn sub_customers(
        &mut self,
        partner: &PartnerId,
        filter: &SubCustomerFilter,
        page: Page,
    ) -> Result<Paged<Customer>, StoreError> {
        let patterns = [
            FuzzyPattern::new(filter.account_name.as_deref(), false),
            FuzzyPattern::new(filter.real_name.as_deref(), false),
            FuzzyPattern::new(filter.label.as_deref(), true),
        ];
        if patterns.contains(&FuzzyPattern::MatchesNone) {
            return Ok(Paged { total: 0, rows: Vec::new() });
        }
        let [account_name, real_name, label] = patterns.each_ref().map(sql::contained);
        let id = filter.customer_id.as_deref().filter(|id| !id.is_empty());
        let statement = |sql: String| {
            Statement::new(sql)
                .bind(partner.0.as_str())
                .bind(account_name)
                .bind(real_name)
                .bind(label)
                .bind(filter.association.map(AssociationType::code))
                .bind(filter.associated_on_begin.map(Timestamp::millis))
                .bind(filter.associated_on_end.map(Timestamp::millis))
                .bind(id)
        };
        let (limit, offset) = sql::limit_offset(page);
        let rows = statement(format!(
            "SELECT {COLUMNS}, COUNT(*) OVER () AS total FROM customers \
             WHERE {SUB_CUSTOMERS} ORDER BY associated_on, id LIMIT $9 OFFSET $10"
        ))
        .bind(limit)
        .bind(offset);
        let count =
            || statement(format!("SELECT COUNT(*) AS total FROM customers WHERE {SUB_CUSTOMERS}"));
        sql::paged(self.connection(), rows, count, customer_row).await
    }
}

/// Customers and partners written before migration 0005, with a mobile number and no key.
const UNKEYED: [(&str, &str); 2] = [
    (
        "SELECT id, mobile_phone FROM customers \
         WHERE mobile_key IS NULL AND mobile_phone IS NOT NULL ORDER BY id",
        "UPDATE customers SET mobile_key = $1 WHERE id = $2",
    ),
    (
        "SELECT id, mobile_phone FROM partners \
         WHERE mobile_key IS NULL AND mobile_phone IS NOT NULL ORDER BY id",
        "UPDATE partners SET mobile_key = $1 WHERE id = $2",
    ),
];

/// Gives every customer and partner written before migration 0005 its mobile key. A number
/// that has none keeps NULL (and is looked at again on the next start, which costs a scan of
/// the partial index only).
pub(crate) async fn key_mobiles<T: Backend>(tx: &mut T) -> Result<(), StoreError> {
    for (unkeyed, set_key) in UNKEYED {
        for row in tx.connection().fetch_all(Statement::new(unkeyed)).await? {
            let Some(key) = mobile_key(&row.text("mobile_phone")?) else { continue };
            let id = row.text("id")?;
            tx.connection().execute(Statement::new(set_key).bind(&key).bind(&id)).await?;
        }
    }
    Ok(())
}

/// Gives every customer written before migration 0003 its folded names.
pub(crate) async fn fold_names<T: Backend>(tx: &mut T) -> Result<(), StoreError> {
    for row in tx.connection().fetch_all(Statement::new(UNFOLDED)).await? {
        let id = row.text("id")?;
        let account_name = fold_case(&row.text("account_name")?);
        let real_name = row.text_or_null("real_name")?.as_deref().map(fold_case);
        let statement =
            Statement::new(FOLD).bind(&account_name).bind(real_name.as_deref()).bind(&id);
        tx.connection().execute(statement).await?;
    }
    Ok(())
}
