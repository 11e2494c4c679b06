//! The SQL both backends run, written once and compiled for each backend's transaction type.
//!
//! Only portable SQL appears here: `$n` placeholders, `TEXT` and `BIGINT` columns,
//! `ON CONFLICT DO NOTHING`, and casts of aggregates to `BIGINT` (PostgreSQL sums `BIGINT`
//! into `NUMERIC`). What differs between the engines (opening a transaction) lives in
//! `sqlite.rs` and `postgres.rs`.

use partner_domain::{
    Money, Timestamp,
    access::{AccessKey, OwnerKind},
    catalog::DiscountKind,
    coupons::QuotaType,
    customers::{AssociationType, CustomerType, VerifiedStatus},
    funds::{AccountKind, Owner},
    partners::PartnerKind,
};

use crate::StoreError;

/// Rows one multi-row statement carries at most: the widest row binds 9 values, and 500 of
/// them stay far below both engines' limits on bound parameters.
pub(crate) const MAX_ROWS_PER_STATEMENT: usize = 500;

pub(crate) fn owner_key(owner: &Owner) -> (&'static str, &str) {
    match owner {
        Owner::Platform => ("platform", "platform"),
        Owner::Partner(id) => ("partner", &id.0),
        Owner::Customer(id) => ("customer", &id.0),
    }
}

pub(crate) fn owner_from(kind: &str, id: String) -> Result<Owner, StoreError> {
    match kind {
        "platform" => Ok(Owner::Platform),
        "partner" => Ok(Owner::Partner(partner_domain::partners::PartnerId(id))),
        "customer" => Ok(Owner::Customer(partner_domain::customers::CustomerId(id))),
        other => Err(corrupt("fund_accounts.owner_kind", other)),
    }
}

pub(crate) fn corrupt(column: &str, value: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{column} = {value}"))
}

pub(crate) fn partner_kind(code: &str) -> Result<PartnerKind, StoreError> {
    PartnerKind::from_code(code).ok_or_else(|| corrupt("partners.kind", code))
}

pub(crate) fn association(code: &str) -> Result<AssociationType, StoreError> {
    AssociationType::from_code(code).ok_or_else(|| corrupt("customers.association", code))
}

pub(crate) fn verified_status_code(status: VerifiedStatus) -> i64 {
    match status {
        VerifiedStatus::Unverified => -1,
        VerifiedStatus::InReview => 0,
        VerifiedStatus::Rejected => 1,
        VerifiedStatus::Verified => 2,
    }
}

pub(crate) fn verified_status(code: i64) -> Result<VerifiedStatus, StoreError> {
    match code {
        -1 => Ok(VerifiedStatus::Unverified),
        0 => Ok(VerifiedStatus::InReview),
        1 => Ok(VerifiedStatus::Rejected),
        2 => Ok(VerifiedStatus::Verified),
        other => Err(corrupt("customers.verified_status", other)),
    }
}

pub(crate) fn customer_type_code(kind: CustomerType) -> i64 {
    match kind {
        CustomerType::Unset => -1,
        CustomerType::Individual => 0,
        CustomerType::Enterprise => 1,
    }
}

pub(crate) fn customer_type(code: i64) -> Result<CustomerType, StoreError> {
    match code {
        -1 => Ok(CustomerType::Unset),
        0 => Ok(CustomerType::Individual),
        1 => Ok(CustomerType::Enterprise),
        other => Err(corrupt("customers.customer_type", other)),
    }
}

pub(crate) fn account_kind(code: i64) -> Result<AccountKind, StoreError> {
    AccountKind::from_code(code).ok_or_else(|| corrupt("fund_accounts.kind", code))
}

pub(crate) fn transfer_kind(code: &str) -> Result<partner_domain::funds::TransferKind, StoreError> {
    partner_domain::funds::TransferKind::from_code(code)
        .ok_or_else(|| corrupt("transfers.kind", code))
}

pub(crate) fn quota_type(code: &str) -> Result<QuotaType, StoreError> {
    QuotaType::from_code(code).ok_or_else(|| corrupt("coupon_quotas.quota_type", code))
}

pub(crate) fn discount_kind(code: &str) -> Result<DiscountKind, StoreError> {
    DiscountKind::from_code(code).ok_or_else(|| corrupt("discounts.kind", code))
}

pub(crate) fn owner_kind(code: &str) -> Result<OwnerKind, StoreError> {
    OwnerKind::from_code(code).ok_or_else(|| corrupt("access_keys.owner_kind", code))
}

pub(crate) fn decimal(
    column: &str,
    text: Option<String>,
) -> Result<Option<rust_decimal::Decimal>, StoreError> {
    text.map(|t| t.parse().map_err(|_| corrupt(column, t))).transpose()
}

pub(crate) fn money(micros: i64) -> Money {
    Money::from_micros(micros)
}

pub(crate) fn at(millis: i64) -> Timestamp {
    Timestamp::from_millis(millis)
}

pub(crate) fn access_key(
    ak: String,
    sk: String,
    kind: &str,
    owner_id: String,
    created_at: i64,
    revoked_at: Option<i64>,
) -> Result<AccessKey, StoreError> {
    Ok(AccessKey {
        ak,
        sk,
        owner_kind: owner_kind(kind)?,
        owner_id,
        created_at: at(created_at),
        revoked_at: revoked_at.map(at),
    })
}

/// Implements every `*Rows` trait for a backend's transaction type `$tx`, whose field `tx` is
/// an `sqlx::Transaction` of that backend.
macro_rules! rows_impl {
    ($tx:ident) => {
        mod rows {
        use super::{Db, $tx};
        use async_trait::async_trait;
        use partner_domain::{
            Money, Timestamp,
            access::AccessKey,
            audit::{Actor, AuditEvent},
            catalog::{Discount, Price},
            coupons::CouponQuota,
            customers::{Association, Customer, CustomerId},
            funds::{
                AccountId, AccountKind, AdjustRecord, AdjustRecordFilter, Direction, FundAccount,
                LedgerEntry, LedgerEntryFilter, Owner, Transfer, TransferKind,
            },
            paging::{Page, Paged},
            partners::{Partner, PartnerId},
            time::ClockSetting,
        };
        use sqlx::Row as _;
        use $crate::sql;
        use $crate::{
            AccessRows, AuditRows, CatalogRows, ClockRows, CouponRows, CustomerRows, FundRows,
            IdempotencyRows, IdempotentResult, PartnerRows, StoreError,
        };

        const PARTNER_COLUMNS: &str =
            "id, name, kind, parent_id, email, mobile_phone, associated_on, xaccount_types";

        fn partner_row(row: &<Db as sqlx::Database>::Row) -> Result<Partner, StoreError> {
            let xaccount_types: String = row.try_get("xaccount_types")?;
            Ok(Partner {
                id: PartnerId(row.try_get("id")?),
                name: row.try_get("name")?,
                kind: sql::partner_kind(&row.try_get::<String, _>("kind")?)?,
                parent: row.try_get::<Option<String>, _>("parent_id")?.map(PartnerId),
                email: row.try_get("email")?,
                mobile_phone: row.try_get("mobile_phone")?,
                associated_on: sql::at(row.try_get("associated_on")?),
                xaccount_types: xaccount_types
                    .split('\n')
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect(),
            })
        }

        const CUSTOMER_COLUMNS: &str = "id, account_name, partner_id, association, associated_on, \
             email, mobile_phone, country, label, real_name, xaccount_id, xaccount_type, \
             verified_status, customer_type, frozen, level";

        fn customer_row(row: &<Db as sqlx::Database>::Row) -> Result<Customer, StoreError> {
            let partner: Option<String> = row.try_get("partner_id")?;
            let kind: Option<String> = row.try_get("association")?;
            let associated_on: Option<i64> = row.try_get("associated_on")?;
            let association = match (partner, kind, associated_on) {
                (Some(partner), Some(kind), Some(on)) => Some(Association {
                    partner: PartnerId(partner),
                    kind: sql::association(&kind)?,
                    associated_on: sql::at(on),
                }),
                _ => None,
            };
            Ok(Customer {
                id: CustomerId(row.try_get("id")?),
                account_name: row.try_get("account_name")?,
                association,
                email: row.try_get("email")?,
                mobile_phone: row.try_get("mobile_phone")?,
                country: row.try_get("country")?,
                label: row.try_get("label")?,
                real_name: row.try_get("real_name")?,
                xaccount_id: row.try_get("xaccount_id")?,
                xaccount_type: row.try_get("xaccount_type")?,
                verified_status: sql::verified_status(row.try_get("verified_status")?)?,
                customer_type: sql::customer_type(row.try_get("customer_type")?)?,
                frozen: row.try_get("frozen")?,
                level: row.try_get("level")?,
            })
        }

        const FUND_ACCOUNT_COLUMNS: &str = "id, owner_kind, owner_id, kind, balance_micros, \
             designated_micros, credit_limit_micros";

        fn fund_account_row(row: &<Db as sqlx::Database>::Row) -> Result<FundAccount, StoreError> {
            Ok(FundAccount {
                id: AccountId(row.try_get("id")?),
                owner: sql::owner_from(
                    &row.try_get::<String, _>("owner_kind")?,
                    row.try_get("owner_id")?,
                )?,
                kind: sql::account_kind(row.try_get("kind")?)?,
                balance: sql::money(row.try_get("balance_micros")?),
                designated: sql::money(row.try_get("designated_micros")?),
                credit_limit: sql::money(row.try_get("credit_limit_micros")?),
            })
        }

        #[async_trait]
        impl PartnerRows for $tx {
            async fn partner(&mut self, id: &str) -> Result<Option<Partner>, StoreError> {
                let query = format!("SELECT {PARTNER_COLUMNS} FROM partners WHERE id = $1");
                let row = sqlx::query(&query).bind(id).fetch_optional(&mut *self.tx).await?;
                row.as_ref().map(partner_row).transpose()
            }

            async fn partners_by_ids(&mut self, ids: &[String]) -> Result<Vec<Partner>, StoreError> {
                let mut rows = Vec::new();
                for chunk in ids.chunks(sql::MAX_ROWS_PER_STATEMENT) {
                    let select = format!("SELECT {PARTNER_COLUMNS} FROM partners WHERE id IN (");
                    for row in select_by_ids(select, chunk).build().fetch_all(&mut *self.tx).await? {
                        rows.push(partner_row(&row)?);
                    }
                }
                Ok(rows)
            }

            async fn insert_partner(&mut self, partner: &Partner) -> Result<bool, StoreError> {
                let res = sqlx::query(
                    "INSERT INTO partners (id, name, kind, parent_id, email, mobile_phone, \
                     associated_on, xaccount_types) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(&partner.id.0)
                .bind(&partner.name)
                .bind(partner.kind.code())
                .bind(partner.parent.as_ref().map(|p| p.0.as_str()))
                .bind(partner.email.as_deref())
                .bind(partner.mobile_phone.as_deref())
                .bind(partner.associated_on.millis())
                .bind(partner.xaccount_types.join("\n"))
                .execute(&mut *self.tx)
                .await?;
                Ok(res.rows_affected() == 1)
            }

            async fn resellers_of(
                &mut self,
                distributor: &PartnerId,
            ) -> Result<Vec<Partner>, StoreError> {
                let query = format!(
                    "SELECT {PARTNER_COLUMNS} FROM partners WHERE parent_id = $1 \
                     ORDER BY associated_on, id"
                );
                let rows = sqlx::query(&query).bind(&distributor.0).fetch_all(&mut *self.tx).await?;
                rows.iter().map(partner_row).collect()
            }
        }

        #[async_trait]
        impl CustomerRows for $tx {
            async fn customer(&mut self, id: &str) -> Result<Option<Customer>, StoreError> {
                let query = format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = $1");
                let row = sqlx::query(&query).bind(id).fetch_optional(&mut *self.tx).await?;
                row.as_ref().map(customer_row).transpose()
            }

            async fn customers_by_ids(&mut self, ids: &[String]) -> Result<Vec<Customer>, StoreError> {
                let mut rows = Vec::new();
                for chunk in ids.chunks(sql::MAX_ROWS_PER_STATEMENT) {
                    let select = format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id IN (");
                    for row in select_by_ids(select, chunk).build().fetch_all(&mut *self.tx).await? {
                        rows.push(customer_row(&row)?);
                    }
                }
                Ok(rows)
            }

            async fn insert_customer(&mut self, customer: &Customer) -> Result<bool, StoreError> {
                let association = customer.association.as_ref();
                let res = sqlx::query(
                    "INSERT INTO customers (id, account_name, partner_id, association, \
                     associated_on, email, mobile_phone, country, label, real_name, xaccount_id, \
                     xaccount_type, verified_status, customer_type, frozen, level) VALUES \
                     ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
                     ON CONFLICT (id) DO NOTHING",
                )
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
                .bind(sql::verified_status_code(customer.verified_status))
                .bind(sql::customer_type_code(customer.customer_type))
                .bind(customer.frozen)
                .bind(&customer.level)
                .execute(&mut *self.tx)
                .await?;
                Ok(res.rows_affected() == 1)
            }

            async fn customers_of(
                &mut self,
                partner: &PartnerId,
            ) -> Result<Vec<Customer>, StoreError> {
                let query = format!(
                    "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE partner_id = $1 \
                     ORDER BY associated_on, id"
                );
                let rows = sqlx::query(&query).bind(&partner.0).fetch_all(&mut *self.tx).await?;
                rows.iter().map(customer_row).collect()
            }
        }

        #[async_trait]
        impl FundRows for $tx {
            async fn fund_account(
                &mut self,
                owner: &Owner,
                kind: AccountKind,
            ) -> Result<Option<FundAccount>, StoreError> {
                let (owner_kind, owner_id) = sql::owner_key(owner);
                let query = format!(
                    "SELECT {FUND_ACCOUNT_COLUMNS} FROM fund_accounts \
                     WHERE owner_kind = $1 AND owner_id = $2 AND kind = $3"
                );
                let row = sqlx::query(&query)
                    .bind(owner_kind)
                    .bind(owner_id)
                    .bind(kind.code())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.as_ref().map(fund_account_row).transpose()
            }

            async fn fund_accounts_of(
                &mut self,
                owner: &Owner,
            ) -> Result<Vec<FundAccount>, StoreError> {
                let (owner_kind, owner_id) = sql::owner_key(owner);
                let query = format!(
                    "SELECT {FUND_ACCOUNT_COLUMNS} FROM fund_accounts \
                     WHERE owner_kind = $1 AND owner_id = $2 ORDER BY kind"
                );
                let rows = sqlx::query(&query)
                    .bind(owner_kind)
                    .bind(owner_id)
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.iter().map(fund_account_row).collect()
            }

            async fn insert_fund_account(
                &mut self,
                account: &FundAccount,
            ) -> Result<bool, StoreError> {
                let (owner_kind, owner_id) = sql::owner_key(&account.owner);
                // A new account starts empty: its balance only ever comes from transfers.
                let res = sqlx::query(
                    "INSERT INTO fund_accounts (id, owner_kind, owner_id, kind, balance_micros, \
                     designated_micros, credit_limit_micros) VALUES ($1, $2, $3, $4, 0, $5, $6) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(&account.id.0)
                .bind(owner_kind)
                .bind(owner_id)
                .bind(account.kind.code())
                .bind(account.designated.micros())
                .bind(account.credit_limit.micros())
                .execute(&mut *self.tx)
                .await?;
                Ok(res.rows_affected() == 1)
            }

            async fn cash_accounts_for_update(
                &mut self,
                owners: &[Owner],
            ) -> Result<Vec<FundAccount>, StoreError> {
                let ids_of = |owner_kind: &str| {
                    let mut ids: Vec<String> = owners
                        .iter()
                        .map(sql::owner_key)
                        .filter(|(kind, _)| *kind == owner_kind)
                        .map(|(_, id)| id.to_owned())
                        .collect();
                    ids.sort_unstable();
                    ids.dedup();
                    ids
                };
                let (partners, customers) = (ids_of("partner"), ids_of("customer"));
                let mut accounts = Vec::new();
                let n_chunks = partners.len().max(customers.len()).div_ceil(sql::MAX_ROWS_PER_STATEMENT).max(1);
                for n in 0..n_chunks {
                    let chunk = |ids: &[String]| -> Vec<String> {
                        ids.iter().skip(n * sql::MAX_ROWS_PER_STATEMENT).take(sql::MAX_ROWS_PER_STATEMENT).cloned().collect()
                    };
                    let (partners, customers) = (chunk(&partners), chunk(&customers));
                    // One statement for both kinds of owner; `partner` sorts after `customer`, so
                    // partners' accounts are locked first, each kind in id order.
                    let mut query = sqlx::QueryBuilder::<Db>::new(format!(
                        "SELECT {FUND_ACCOUNT_COLUMNS} FROM fund_accounts WHERE kind = "
                    ));
                    query.push_bind(AccountKind::Cash.code());
                    query.push(" AND (1 = 0");
                    for (owner_kind, ids) in [("partner", &partners), ("customer", &customers)] {
                        if ids.is_empty() {
                            continue;
                        }
                        query.push(" OR (owner_kind = ");
                        query.push_bind(owner_kind);
                        query.push(" AND owner_id IN (");
                        let mut list = query.separated(", ");
                        for id in ids {
                            list.push_bind(id.clone());
                        }
                        query.push("))");
                    }
                    query.push(") ORDER BY owner_kind DESC, id");
                    query.push(super::LOCK_ROWS);
                    for row in query.build().fetch_all(&mut *self.tx).await? {
                        accounts.push(fund_account_row(&row)?);
                    }
                }
                Ok(accounts)
            }

            async fn post_transfers(&mut self, transfers: &[Transfer]) -> Result<(), StoreError> {
                if transfers.is_empty() {
                    return Ok(());
                }
                let overflow = |account: &AccountId| sql::corrupt("fund_accounts.balance_micros", &account.0);
                // Each account moves once, by the sum of its transfers, in id order.
                let mut deltas: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
                for transfer in transfers {
                    for (account, delta) in [
                        (&transfer.debit, -transfer.amount.micros()),
                        (&transfer.credit, transfer.amount.micros()),
                    ] {
                        let sum = deltas.entry(account.0.as_str()).or_insert(0);
                        *sum = sum.checked_add(delta).ok_or_else(|| overflow(account))?;
                    }
                }
                let deltas: Vec<(&str, i64)> = deltas.into_iter().collect();
                // The balances after the move give, walking back by the deltas, the balances
                // before it; from those, each entry's balance right after it.
                let mut balances = std::collections::HashMap::new();
                for chunk in deltas.chunks(sql::MAX_ROWS_PER_STATEMENT) {
                    let mut query = sqlx::QueryBuilder::<Db>::new("WITH moves (id, delta) AS (");
                    query.push_values(chunk, |mut row, (id, delta)| {
                        row.push_bind(*id).push_bind(*delta);
                    });
                    query.push(
                        ") UPDATE fund_accounts SET balance_micros = balance_micros + \
                         (SELECT moves.delta FROM moves WHERE moves.id = fund_accounts.id) \
                         WHERE id IN (SELECT id FROM moves) RETURNING id, balance_micros",
                    );
                    for row in query.build().fetch_all(&mut *self.tx).await? {
                        balances.insert(row.try_get::<String, _>("id")?, row.try_get::<i64, _>("balance_micros")?);
                    }
                }
                for (id, delta) in &deltas {
                    let balance = balances.get_mut(*id).ok_or_else(|| sql::corrupt("transfers.account", id))?;
                    *balance = balance.checked_sub(*delta).ok_or_else(|| sql::corrupt("fund_accounts.balance_micros", id))?;
                }
                let mut entries = Vec::with_capacity(transfers.len() * 2);
                for transfer in transfers {
                    for (account, delta) in [
                        (&transfer.debit, -transfer.amount.micros()),
                        (&transfer.credit, transfer.amount.micros()),
                    ] {
                        let balance = balances
                            .get_mut(account.0.as_str())
                            .ok_or_else(|| sql::corrupt("transfers.account", &account.0))?;
                        *balance = balance.checked_add(delta).ok_or_else(|| overflow(account))?;
                        entries.push((transfer, account, delta, *balance));
                    }
                }
                for chunk in transfers.chunks(sql::MAX_ROWS_PER_STATEMENT) {
                    let mut query = sqlx::QueryBuilder::<Db>::new(
                        "INSERT INTO transfers (id, debit_account_id, credit_account_id, \
                         amount_micros, kind, at, partner_id, counterparty_id) ",
                    );
                    query.push_values(chunk, |mut row, t| {
                        let parties = t.parties.as_ref();
                        row.push_bind(t.id.as_str())
                            .push_bind(t.debit.0.as_str())
                            .push_bind(t.credit.0.as_str())
                            .push_bind(t.amount.micros())
                            .push_bind(t.kind.code())
                            .push_bind(t.at.millis())
                            .push_bind(parties.map(|p| p.partner.0.as_str()))
                            .push_bind(parties.map(|p| p.counterparty.as_str()));
                    });
                    query.build().execute(&mut *self.tx).await?;
                }
                for chunk in entries.chunks(sql::MAX_ROWS_PER_STATEMENT) {
                    let mut query = sqlx::QueryBuilder::<Db>::new(
                        "INSERT INTO ledger_entries (transfer_id, account_id, amount_micros, \
                         balance_after_micros, at) ",
                    );
                    query.push_values(chunk, |mut row, (transfer, account, delta, after)| {
                        row.push_bind(transfer.id.as_str())
                            .push_bind(account.0.as_str())
                            .push_bind(*delta)
                            .push_bind(*after)
                            .push_bind(transfer.at.millis());
                    });
                    query.build().execute(&mut *self.tx).await?;
                }
                Ok(())
            }

            async fn accounts_off_their_ledger(&mut self) -> Result<Vec<AccountId>, StoreError> {
                let ids: Vec<String> = sqlx::query_scalar(
                    "SELECT a.id FROM fund_accounts a LEFT JOIN ( \
                       SELECT account_id, CAST(SUM(amount_micros) AS BIGINT) AS total \
                       FROM ledger_entries GROUP BY account_id) e ON e.account_id = a.id \
                     WHERE a.balance_micros <> COALESCE(e.total, 0) ORDER BY a.id",
                )
                .fetch_all(&mut *self.tx)
                .await?;
                Ok(ids.into_iter().map(AccountId).collect())
            }

            async fn adjust_records(
                &mut self,
                partner: &PartnerId,
                filter: &AdjustRecordFilter,
                page: Page,
            ) -> Result<Paged<AdjustRecord>, StoreError> {
                const WHERE: &str = "t.partner_id = $1 AND t.kind IN ('adjust', 'reclaim') \
                     AND ($2 IS NULL OR t.counterparty_id = $2) AND ($3 IS NULL OR t.kind = $3) \
                     AND ($4 IS NULL OR t.at >= $4) AND ($5 IS NULL OR t.at <= $5) \
                     AND ($6 IS NULL OR t.id = $6)";
                // A transfer's debit entry (its one negative entry) gives it its place in the
                // order money moved.
                let query = format!(
                    "SELECT t.id, t.kind, t.amount_micros, t.at, t.counterparty_id, \
                       COALESCE(c.account_name, p.name, '') AS counterparty_name, \
                       COUNT(*) OVER () AS total \
                     FROM transfers t \
                     JOIN ledger_entries e ON e.transfer_id = t.id AND e.amount_micros < 0 \
                     LEFT JOIN customers c ON c.id = t.counterparty_id \
                     LEFT JOIN partners p ON p.id = t.counterparty_id \
                     WHERE {WHERE} ORDER BY t.at DESC, e.entry_no DESC LIMIT $7 OFFSET $8"
                );
                let kind = filter.kind.map(TransferKind::code);
                let rows = sqlx::query(&query)
                    .bind(&partner.0)
                    .bind(filter.counterparty.as_deref())
                    .bind(kind)
                    .bind(filter.from.map(Timestamp::millis))
                    .bind(filter.to.map(Timestamp::millis))
                    .bind(filter.transfer_id.as_deref())
                    .bind(i64::try_from(page.limit()).unwrap_or(i64::MAX))
                    .bind(i64::try_from(page.offset()).unwrap_or(i64::MAX))
                    .fetch_all(&mut *self.tx)
                    .await?;
                let total = match rows.first() {
                    Some(row) => row.try_get::<i64, _>("total")?,
                    None => {
                        let count = format!("SELECT COUNT(*) FROM transfers t WHERE {WHERE}");
                        sqlx::query_scalar(&count)
                            .bind(&partner.0)
                            .bind(filter.counterparty.as_deref())
                            .bind(kind)
                            .bind(filter.from.map(Timestamp::millis))
                            .bind(filter.to.map(Timestamp::millis))
                            .bind(filter.transfer_id.as_deref())
                            .fetch_one(&mut *self.tx)
                            .await?
                    }
                };
                let records = rows
                    .iter()
                    .map(|row| {
                        let kind: String = row.try_get("kind")?;
                        Ok(AdjustRecord {
                            transfer_id: row.try_get("id")?,
                            kind: sql::transfer_kind(&kind)?,
                            amount: sql::money(row.try_get("amount_micros")?),
                            at: sql::at(row.try_get("at")?),
                            counterparty: row.try_get::<Option<String>, _>("counterparty_id")?.unwrap_or_default(),
                            counterparty_name: row.try_get("counterparty_name")?,
                        })
                    })
                    .collect::<Result<Vec<_>, StoreError>>()?;
                Ok(Paged { total: u64::try_from(total).unwrap_or(0), rows: records })
            }

            async fn ledger_entries(
                &mut self,
                account: &AccountId,
                filter: &LedgerEntryFilter,
                page: Page,
            ) -> Result<Paged<LedgerEntry>, StoreError> {
                let kinds: Option<Vec<&str>> =
                    filter.kinds.as_ref().map(|k| k.iter().map(|k| k.code()).collect());
                if kinds.as_ref().is_some_and(Vec::is_empty) {
                    return Ok(Paged { total: 0, rows: Vec::new() });
                }
                // At most a handful of kinds: spelled out as a list of placeholders.
                let kind_list = kinds.as_ref().map(|k| {
                    (0..k.len()).map(|i| format!("${}", i + 6)).collect::<Vec<_>>().join(", ")
                });
                let kind_clause = kind_list.map(|l| format!(" AND t.kind IN ({l})")).unwrap_or_default();
                let direction: Option<i64> = filter.direction.map(|d| match d {
                    Direction::Income => 1,
                    Direction::Expense => -1,
                });
                let where_clause = format!(
                    "e.account_id = $1 AND e.at >= $2 AND e.at <= $3 AND ($4 IS NULL OR e.transfer_id = $4) \
                     AND ($5 IS NULL OR ($5 > 0 AND e.amount_micros > 0) OR ($5 < 0 AND e.amount_micros < 0))\
                     {kind_clause}"
                );
                let n_kinds = kinds.as_ref().map_or(0, Vec::len);
                let query = format!(
                    "SELECT e.entry_no, e.transfer_id, e.account_id, e.amount_micros, \
                       e.balance_after_micros, e.at, t.kind, t.counterparty_id, \
                       COALESCE(c.account_name, p.name) AS counterparty_name, \
                       COUNT(*) OVER () AS total \
                     FROM ledger_entries e JOIN transfers t ON t.id = e.transfer_id \
                     LEFT JOIN customers c ON c.id = t.counterparty_id \
                     LEFT JOIN partners p ON p.id = t.counterparty_id \
                     WHERE {where_clause} ORDER BY e.at DESC, e.entry_no DESC LIMIT ${} OFFSET ${}",
                    6 + n_kinds,
                    7 + n_kinds
                );
                let kinds_slice: &[&str] = kinds.as_deref().unwrap_or(&[]);
                let rows = bind_entry_filters(sqlx::query(&query), &account.0, filter, direction, kinds_slice)
                    .bind(i64::try_from(page.limit()).unwrap_or(i64::MAX))
                    .bind(i64::try_from(page.offset()).unwrap_or(i64::MAX))
                    .fetch_all(&mut *self.tx)
                    .await?;
                let total: i64 = match rows.first() {
                    Some(row) => row.try_get("total")?,
                    None => {
                        let count = format!(
                            "SELECT COUNT(*) FROM ledger_entries e JOIN transfers t ON t.id = e.transfer_id \
                             WHERE {where_clause}"
                        );
                        let row = bind_entry_filters(sqlx::query(&count), &account.0, filter, direction, kinds_slice)
                            .fetch_one(&mut *self.tx).await?;
                        row.try_get(0)?
                    }
                };
                let entries = rows
                    .iter()
                    .map(|row| {
                        let kind: String = row.try_get("kind")?;
                        let counterparty: Option<String> = row.try_get("counterparty_id")?;
                        let name: Option<String> = row.try_get("counterparty_name")?;
                        Ok(LedgerEntry {
                            entry_no: row.try_get("entry_no")?,
                            transfer_id: row.try_get("transfer_id")?,
                            account: AccountId(row.try_get("account_id")?),
                            amount: sql::money(row.try_get("amount_micros")?),
                            balance_after: sql::money(row.try_get("balance_after_micros")?),
                            kind: sql::transfer_kind(&kind)?,
                            at: sql::at(row.try_get("at")?),
                            counterparty: counterparty.map(|c| (c, name.unwrap_or_default())),
                        })
                    })
                    .collect::<Result<Vec<_>, StoreError>>()?;
                Ok(Paged { total: u64::try_from(total).unwrap_or(0), rows: entries })
            }

            async fn balance_sum(&mut self) -> Result<Money, StoreError> {
                let sum: i64 = sqlx::query_scalar(
                    "SELECT CAST(COALESCE(SUM(balance_micros), 0) AS BIGINT) FROM fund_accounts",
                )
                .fetch_one(&mut *self.tx)
                .await?;
                Ok(sql::money(sum))
            }
        }

        #[async_trait]
        impl CouponRows for $tx {
            async fn insert_coupon_quota(&mut self, quota: &CouponQuota) -> Result<bool, StoreError> {
                let res = sqlx::query(
                    "INSERT INTO coupon_quotas (id, partner_id, quota_type, value_micros, \
                     balance_micros, parent_quota_id, effective_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
                )
                .bind(&quota.id)
                .bind(&quota.partner.0)
                .bind(quota.quota_type.code())
                .bind(quota.value.micros())
                .bind(quota.balance.micros())
                .bind(quota.parent_quota.as_deref())
                .bind(quota.effective_at.millis())
                .bind(quota.expires_at.map(Timestamp::millis))
                .execute(&mut *self.tx)
                .await?;
                Ok(res.rows_affected() == 1)
            }

            async fn coupon_quotas_of(
                &mut self,
                partner: &PartnerId,
            ) -> Result<Vec<CouponQuota>, StoreError> {
                let rows = sqlx::query(
                    "SELECT id, partner_id, quota_type, value_micros, balance_micros, \
                     parent_quota_id, effective_at, expires_at FROM coupon_quotas \
                     WHERE partner_id = $1 ORDER BY id",
                )
                .bind(&partner.0)
                .fetch_all(&mut *self.tx)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok(CouponQuota {
                            id: row.try_get("id")?,
                            partner: PartnerId(row.try_get("partner_id")?),
                            quota_type: sql::quota_type(&row.try_get::<String, _>("quota_type")?)?,
                            value: sql::money(row.try_get("value_micros")?),
                            balance: sql::money(row.try_get("balance_micros")?),
                            parent_quota: row.try_get("parent_quota_id")?,
                            effective_at: sql::at(row.try_get("effective_at")?),
                            expires_at: row.try_get::<Option<i64>, _>("expires_at")?.map(sql::at),
                        })
                    })
                    .collect()
            }
        }

        #[async_trait]
        impl CatalogRows for $tx {
            async fn insert_price(&mut self, price: &Price) -> Result<bool, StoreError> {
                let res = sqlx::query(
                    "INSERT INTO catalog_prices (cloud_service_type, resource_type, \
                     resource_spec, region, on_demand_hourly, monthly, yearly) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                )
                .bind(&price.cloud_service_type)
                .bind(&price.resource_type)
                .bind(&price.resource_spec)
                .bind(&price.region)
                .bind(price.on_demand_hourly.map(|d| d.to_string()))
                .bind(price.monthly.map(|d| d.to_string()))
                .bind(price.yearly.map(|d| d.to_string()))
                .execute(&mut *self.tx)
                .await?;
                Ok(res.rows_affected() == 1)
            }

            async fn prices(&mut self) -> Result<Vec<Price>, StoreError> {
                let rows = sqlx::query(
                    "SELECT cloud_service_type, resource_type, resource_spec, region, \
                     on_demand_hourly, monthly, yearly FROM catalog_prices \
                     ORDER BY cloud_service_type, resource_type, resource_spec, region",
                )
                .fetch_all(&mut *self.tx)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok(Price {
                            cloud_service_type: row.try_get("cloud_service_type")?,
                            resource_type: row.try_get("resource_type")?,
                            resource_spec: row.try_get("resource_spec")?,
                            region: row.try_get("region")?,
                            on_demand_hourly: sql::decimal(
                                "catalog_prices.on_demand_hourly",
                                row.try_get("on_demand_hourly")?,
                            )?,
                            monthly: sql::decimal("catalog_prices.monthly", row.try_get("monthly")?)?,
                            yearly: sql::decimal("catalog_prices.yearly", row.try_get("yearly")?)?,
                        })
                    })
                    .collect()
            }

            async fn insert_discount(&mut self, discount: &Discount) -> Result<bool, StoreError> {
                let res = sqlx::query(
                    "INSERT INTO discounts (id, customer_id, kind, rate, cloud_service_type) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
                )
                .bind(&discount.id)
                .bind(&discount.customer)
                .bind(discount.kind.code())
                .bind(discount.rate.to_string())
                .bind(discount.cloud_service_type.as_deref())
                .execute(&mut *self.tx)
                .await?;
                Ok(res.rows_affected() == 1)
            }

            async fn discounts_of(
                &mut self,
                customer: &CustomerId,
            ) -> Result<Vec<Discount>, StoreError> {
                let rows = sqlx::query(
                    "SELECT id, customer_id, kind, rate, cloud_service_type FROM discounts \
                     WHERE customer_id = $1 ORDER BY id",
                )
                .bind(&customer.0)
                .fetch_all(&mut *self.tx)
                .await?;
                rows.iter()
                    .map(|row| {
                        let rate: String = row.try_get("rate")?;
                        Ok(Discount {
                            id: row.try_get("id")?,
                            customer: row.try_get("customer_id")?,
                            kind: sql::discount_kind(&row.try_get::<String, _>("kind")?)?,
                            rate: rate.parse().map_err(|_| sql::corrupt("discounts.rate", &rate))?,
                            cloud_service_type: row.try_get("cloud_service_type")?,
                        })
                    })
                    .collect()
            }
        }

        #[async_trait]
        impl AccessRows for $tx {
            async fn operator_exists(&mut self, name: &str) -> Result<bool, StoreError> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM operators WHERE name = $1")
                    .bind(name)
                    .fetch_one(&mut *self.tx)
                    .await?;
                Ok(n > 0)
            }

            async fn insert_operator(&mut self, name: &str) -> Result<bool, StoreError> {
                let res = sqlx::query("INSERT INTO operators (name) VALUES ($1) ON CONFLICT DO NOTHING")
                    .bind(name)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(res.rows_affected() == 1)
            }

            async fn access_key(&mut self, ak: &str) -> Result<Option<AccessKey>, StoreError> {
                let row = sqlx::query(
                    "SELECT ak, sk, owner_kind, owner_id, created_at, revoked_at FROM access_keys \
                     WHERE ak = $1",
                )
                .bind(ak)
                .fetch_optional(&mut *self.tx)
                .await?;
                row.map(|row| {
                    sql::access_key(
                        row.try_get("ak")?,
                        row.try_get("sk")?,
                        &row.try_get::<String, _>("owner_kind")?,
                        row.try_get("owner_id")?,
                        row.try_get("created_at")?,
                        row.try_get("revoked_at")?,
                    )
                })
                .transpose()
            }

            async fn insert_access_key(&mut self, key: &AccessKey) -> Result<bool, StoreError> {
                let res = sqlx::query(
                    "INSERT INTO access_keys (ak, sk, owner_kind, owner_id, created_at, revoked_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (ak) DO NOTHING",
                )
                .bind(&key.ak)
                .bind(&key.sk)
                .bind(key.owner_kind.code())
                .bind(&key.owner_id)
                .bind(key.created_at.millis())
                .bind(key.revoked_at.map(Timestamp::millis))
                .execute(&mut *self.tx)
                .await?;
                Ok(res.rows_affected() == 1)
            }

            async fn access_keys(&mut self) -> Result<Vec<AccessKey>, StoreError> {
                let rows = sqlx::query(
                    "SELECT ak, sk, owner_kind, owner_id, created_at, revoked_at FROM access_keys \
                     ORDER BY created_at, ak",
                )
                .fetch_all(&mut *self.tx)
                .await?;
                rows.iter()
                    .map(|row| {
                        sql::access_key(
                            row.try_get("ak")?,
                            row.try_get("sk")?,
                            &row.try_get::<String, _>("owner_kind")?,
                            row.try_get("owner_id")?,
                            row.try_get("created_at")?,
                            row.try_get("revoked_at")?,
                        )
                    })
                    .collect()
            }

            async fn revoke_access_key(&mut self, ak: &str, at: Timestamp) -> Result<bool, StoreError> {
                let res = sqlx::query(
                    "UPDATE access_keys SET revoked_at = $1 WHERE ak = $2 AND revoked_at IS NULL",
                )
                .bind(at.millis())
                .bind(ak)
                .execute(&mut *self.tx)
                .await?;
                Ok(res.rows_affected() == 1)
            }
        }

        #[async_trait]
        impl ClockRows for $tx {
            async fn clock(&mut self) -> Result<Option<ClockSetting>, StoreError> {
                let row = sqlx::query("SELECT mode, now_ms FROM business_clock WHERE id = 1")
                    .fetch_optional(&mut *self.tx)
                    .await?;
                let Some(row) = row else { return Ok(None) };
                let mode: String = row.try_get("mode")?;
                let now: Option<i64> = row.try_get("now_ms")?;
                match (mode.as_str(), now) {
                    ("system", _) => Ok(Some(ClockSetting::System)),
                    ("manual", Some(now)) => Ok(Some(ClockSetting::Manual(sql::at(now)))),
                    _ => Err(sql::corrupt("business_clock.mode", mode)),
                }
            }

            async fn set_clock(&mut self, setting: ClockSetting) -> Result<(), StoreError> {
                let (mode, now) = match setting {
                    ClockSetting::System => ("system", None),
                    ClockSetting::Manual(now) => ("manual", Some(now.millis())),
                };
                sqlx::query(
                    "INSERT INTO business_clock (id, mode, now_ms) VALUES (1, $1, $2) \
                     ON CONFLICT (id) DO UPDATE SET mode = excluded.mode, now_ms = excluded.now_ms",
                )
                .bind(mode)
                .bind(now)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }
        }

        /// `select` (ending in `IN (`) completed with one placeholder per id.
        fn select_by_ids(select: String, ids: &[String]) -> sqlx::QueryBuilder<'_, Db> {
            let mut query = sqlx::QueryBuilder::<Db>::new(select);
            let mut list = query.separated(", ");
            for id in ids {
                list.push_bind(id.as_str());
            }
            query.push(")");
            query
        }

        /// Binds the ledger-entry filters in the order `ledger_entries` numbers its placeholders.
        fn bind_entry_filters<'q>(
            query: sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>>,
            account: &'q str,
            filter: &'q LedgerEntryFilter,
            direction: Option<i64>,
            kinds: &'q [&'q str],
        ) -> sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>> {
            let mut query = query
                .bind(account)
                .bind(filter.from.millis())
                .bind(filter.to.millis())
                .bind(filter.transfer_id.as_deref())
                .bind(direction);
            for kind in kinds {
                query = query.bind(*kind);
            }
            query
        }

        #[async_trait]
        impl IdempotencyRows for $tx {
            async fn idempotent_result(
                &mut self,
                caller: &str,
                key: &str,
            ) -> Result<Option<IdempotentResult>, StoreError> {
                let row = sqlx::query(
                    "SELECT operation, fingerprint, result FROM idempotent_requests \
                     WHERE caller = $1 AND idempotency_key = $2",
                )
                .bind(caller)
                .bind(key)
                .fetch_optional(&mut *self.tx)
                .await?;
                row.map(|row| {
                    Ok(IdempotentResult {
                        operation: row.try_get("operation")?,
                        fingerprint: row.try_get("fingerprint")?,
                        result: row.try_get("result")?,
                    })
                })
                .transpose()
            }

            async fn insert_idempotent_result(
                &mut self,
                caller: &str,
                key: &str,
                result: &IdempotentResult,
                at: Timestamp,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO idempotent_requests (caller, idempotency_key, operation, \
                     fingerprint, result, at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(caller)
                .bind(key)
                .bind(&result.operation)
                .bind(&result.fingerprint)
                .bind(&result.result)
                .bind(at.millis())
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }
        }

        #[async_trait]
        impl AuditRows for $tx {
            async fn insert_audit_events(&mut self, events: &[AuditEvent]) -> Result<(), StoreError> {
                for chunk in events.chunks(sql::MAX_ROWS_PER_STATEMENT) {
                    let mut query = sqlx::QueryBuilder::<Db>::new(
                        "INSERT INTO audit_events (id, at, actor_kind, actor_id, source_ip, \
                         request_id, operation, target, result) ",
                    );
                    query.push_values(chunk, |mut row, event| {
                        row.push_bind(event.id.as_str())
                            .push_bind(event.at.millis())
                            .push_bind(event.actor.kind())
                            .push_bind(event.actor.id())
                            .push_bind(event.source_ip.as_str())
                            .push_bind(event.request_id.as_str())
                            .push_bind(event.operation.as_str())
                            .push_bind(event.target.as_str())
                            .push_bind(event.result.as_str());
                    });
                    query.build().execute(&mut *self.tx).await?;
                }
                Ok(())
            }

            async fn audit_events(&mut self, limit: i64) -> Result<Vec<AuditEvent>, StoreError> {
                let rows = sqlx::query(
                    "SELECT id, at, actor_kind, actor_id, source_ip, request_id, operation, \
                     target, result FROM audit_events ORDER BY at DESC, id DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&mut *self.tx)
                .await?;
                rows.iter()
                    .map(|row| {
                        let kind: String = row.try_get("actor_kind")?;
                        let id: String = row.try_get("actor_id")?;
                        let actor = match kind.as_str() {
                            "partner" => Actor::Partner(id),
                            "customer" => Actor::Customer(id),
                            "operator" => Actor::Operator(id),
                            "system" => Actor::System,
                            other => return Err(sql::corrupt("audit_events.actor_kind", other)),
                        };
                        Ok(AuditEvent {
                            id: row.try_get("id")?,
                            at: sql::at(row.try_get("at")?),
                            actor,
                            source_ip: row.try_get("source_ip")?,
                            request_id: row.try_get("request_id")?,
                            operation: row.try_get("operation")?,
                            target: row.try_get("target")?,
                            result: row.try_get("result")?,
                        })
                    })
                    .collect()
            }
        }
        }
    };
}

pub(crate) use rows_impl;
