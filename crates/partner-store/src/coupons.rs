//! The coupon tables: quotas and their limits, partner coupons and their use limits, and the
//! records of grants, reclaims and issues. Balances are the ledger's (`fund_accounts`), joined
//! in; statuses that time changes are computed in the query from the business time given.

use async_trait::async_trait;
use partner_domain::{
    Timestamp,
    coupons::{
        Between, Coupon, CouponChange, CouponChangeFilter, CouponOperation, CouponQuota,
        CouponRecord, CouponRecordFilter, CustomerCouponFilter, IssuedCouponFilter, IssuedQuota,
        IssuedQuotaFilter, LimitValue, QuotaFilter, QuotaLimit, QuotaOperation, QuotaRecord,
        QuotaRecordFilter, QuotaState, QuotaType, UseLimit,
    },
    customers::CustomerId,
    funds::{AccountId, Direction, LedgerEntry, TransferKind},
    paging::{Page, Paged},
    partners::PartnerId,
};

use crate::{
    CouponRows, StoreError,
    sql::{self, Arg, Backend, Columns, Connection, Statement},
};

const QUOTA_COLUMNS: &str = "q.id, q.partner_id, q.quota_type, q.value_micros, q.account_id, \
     a.balance_micros, q.parent_quota_id, q.state, q.created_at, q.updated_at, q.effective_at, \
     q.expires_at";

const QUOTAS_FROM: &str = "FROM coupon_quotas q JOIN fund_accounts a ON a.id = q.account_id";

/// A quota's `quota_status` at the business time `?` (`QuotaStatus::of`).
const QUOTA_STATUS: &str = "(CASE q.state \
       WHEN 'normal' THEN (CASE WHEN q.expires_at IS NOT NULL AND q.expires_at <= ? \
                           THEN 3 ELSE 0 END) \
       WHEN 'invalidated' THEN 3 WHEN 'adjusting' THEN 4 WHEN 'frozen' THEN 5 ELSE 6 END)";

const COUPON_COLUMNS: &str = "c.id, c.customer_id, c.issuer_id, c.quota_id, c.quota_type, \
     c.face_value_micros, a.balance_micros, c.account_id, c.created_at, c.effective_at, \
     c.expires_at, c.reclaimed_at, c.use_count, c.last_used_at, c.lock_order_id, c.frozen, c.memo";

const COUPONS_FROM: &str = "FROM coupons c JOIN fund_accounts a ON a.id = c.account_id";

/// A coupon's `status` at the business time `?` (`CouponStatus::of`).
const COUPON_STATUS: &str = "(CASE WHEN c.reclaimed_at IS NOT NULL THEN 5 \
       WHEN a.balance_micros <= 0 THEN 3 WHEN c.expires_at <= ? THEN 4 \
       WHEN c.effective_at > ? THEN 1 ELSE 2 END)";

/// The conditions of a list, `$1 … $n`, with their values.
struct Conditions<'a> {
    clauses: Vec<String>,
    args: Vec<Arg<'a>>,
}

impl<'a> Conditions<'a> {
    fn new() -> Conditions<'a> {
        Conditions { clauses: Vec::new(), args: Vec::new() }
    }

    fn next(&mut self, value: impl Into<Arg<'a>>) -> String {
        self.args.push(value.into());
        format!("${}", self.args.len())
    }

    /// `expression` with every `?` a placeholder for `now`.
    fn expression(&mut self, expression: &str, now: Timestamp) -> String {
        let mut text = String::new();
        for (n, part) in expression.split('?').enumerate() {
            if n > 0 {
                text.push_str(&self.next(now.millis()));
            }
            text.push_str(part);
        }
        text
    }

    /// `clause` with each `?` a placeholder for the next of `values`.
    fn add(&mut self, clause: &str, values: impl IntoIterator<Item = Arg<'a>>) {
        let mut text = String::new();
        let mut values = values.into_iter();
        for (n, part) in clause.split('?').enumerate() {
            if n > 0 {
                let value = values.next().unwrap_or(Arg::Int(None));
                text.push_str(&self.next(value));
            }
            text.push_str(part);
        }
        self.clauses.push(text);
    }

    fn equals(&mut self, column: &str, value: Option<&'a str>) {
        if let Some(value) = value {
            self.add(&format!("{column} = ?"), [value.into()]);
        }
    }

    fn within(&mut self, column: &str, between: Between) {
        if let Some(after) = between.after {
            self.add(&format!("{column} > ?"), [after.millis().into()]);
        }
        if let Some(before) = between.before {
            self.add(&format!("{column} < ?"), [before.millis().into()]);
        }
    }

    /// `column IN (…)`; an empty list matches nothing.
    fn one_of(&mut self, column: &str, values: impl IntoIterator<Item = Arg<'a>>) {
        let placeholders: Vec<String> = values.into_iter().map(|v| self.next(v)).collect();
        if placeholders.is_empty() {
            self.clauses.push("1 = 0".to_owned());
        } else {
            self.clauses.push(format!("{column} IN ({})", placeholders.join(", ")));
        }
    }

    fn where_clause(&self) -> String {
        if self.clauses.is_empty() { "1 = 1".to_owned() } else { self.clauses.join(" AND ") }
    }

    /// `select … WHERE <conditions> <tail>`, then `LIMIT` and `OFFSET` of `page` when given.
    fn statement(&self, select: &str, tail: &str, page: Option<Page>) -> Statement<'a> {
        let mut sql = format!("{select} WHERE {} {tail}", self.where_clause());
        if page.is_some() {
            let n = self.args.len();
            sql.push_str(&format!(" LIMIT ${} OFFSET ${}", n + 1, n + 2));
        }
        let mut statement = Statement::new(sql);
        for arg in &self.args {
            statement = statement.bind(*arg);
        }
        if let Some(page) = page {
            let (limit, offset) = sql::limit_offset(page);
            statement = statement.bind(limit).bind(offset);
        }
        statement
    }
}

fn quota_type(code: String) -> Result<QuotaType, StoreError> {
    QuotaType::from_code(&code).ok_or_else(|| sql::corrupt("quota_type", code))
}

fn quota_row(row: &impl Columns) -> Result<CouponQuota, StoreError> {
    let state = row.text("state")?;
    Ok(CouponQuota {
        id: row.text("id")?,
        partner: PartnerId(row.text("partner_id")?),
        quota_type: quota_type(row.text("quota_type")?)?,
        value: sql::money(row.int("value_micros")?),
        balance: sql::money(row.int("balance_micros")?),
        account: AccountId(row.text("account_id")?),
        parent_quota: row.text_or_null("parent_quota_id")?,
        state: QuotaState::from_code(&state)
            .ok_or_else(|| sql::corrupt("coupon_quotas.state", state))?,
        created_at: sql::at(row.int("created_at")?),
        updated_at: sql::at(row.int("updated_at")?),
        effective_at: sql::at(row.int("effective_at")?),
        expires_at: row.int_or_null("expires_at")?.map(sql::at),
        limits: Vec::new(),
    })
}

fn coupon_row(row: &impl Columns) -> Result<Coupon, StoreError> {
    Ok(Coupon {
        id: row.text("id")?,
        customer: CustomerId(row.text("customer_id")?),
        issuer: PartnerId(row.text("issuer_id")?),
        quota: row.text("quota_id")?,
        quota_type: quota_type(row.text("quota_type")?)?,
        face_value: sql::money(row.int("face_value_micros")?),
        balance: sql::money(row.int("balance_micros")?),
        account: AccountId(row.text("account_id")?),
        created_at: sql::at(row.int("created_at")?),
        effective_at: sql::at(row.int("effective_at")?),
        expires_at: sql::at(row.int("expires_at")?),
        reclaimed_at: row.int_or_null("reclaimed_at")?.map(sql::at),
        use_count: row.int("use_count")?,
        last_used_at: row.int_or_null("last_used_at")?.map(sql::at),
        lock_order: row.text_or_null("lock_order_id")?,
        frozen: row.int("frozen")? != 0,
        memo: row.text_or_null("memo")?,
        limits: Vec::new(),
    })
}

fn quota_record_row(row: &impl Columns) -> Result<QuotaRecord, StoreError> {
    let operation = row.text("operation_type")?;
    Ok(QuotaRecord {
        id: row.text("id")?,
        distributor: PartnerId(row.text("distributor_id")?),
        operator: row.text("operator")?,
        operation: QuotaOperation::from_wire_code(&operation)
            .ok_or_else(|| sql::corrupt("quota_records.operation_type", operation))?,
        quota: row.text_or_null("quota_id")?,
        parent_quota: row.text_or_null("parent_quota_id")?,
        reseller: row.text("reseller_id")?,
        reseller_name: row.text_or_null("reseller_name")?,
        amount: sql::money(row.int("amount_micros")?),
        at: sql::at(row.int("at")?),
        succeeded: row.int("succeeded")? != 0,
        remark: row.text_or_null("remark")?,
    })
}

fn coupon_record_row(row: &impl Columns) -> Result<CouponRecord, StoreError> {
    let operation = row.text("operation_type")?;
    Ok(CouponRecord {
        id: row.text("id")?,
        partner: PartnerId(row.text("partner_id")?),
        operation: match operation.as_str() {
            "1" => CouponOperation::Issue,
            "2" => CouponOperation::Reclaim,
            _ => return Err(sql::corrupt("coupon_records.operation_type", operation)),
        },
        quota: row.text("quota_id")?,
        quota_type: quota_type(row.text("quota_type")?)?,
        coupon: row.text_or_null("coupon_id")?,
        customer: row.text("customer_id")?,
        amount: sql::money(row.int("amount_micros")?),
        at: sql::at(row.int("at")?),
        succeeded: row.int("succeeded")? != 0,
        remark: row.text_or_null("remark")?,
    })
}

impl<T: Backend> CouponTables for T {}

/// Reading the limits of the quotas and coupons a statement returned.
#[async_trait]
trait CouponTables: Backend {
    async fn with_quota_limits(
        &mut self,
        mut quotas: Vec<CouponQuota>,
    ) -> Result<Vec<CouponQuota>, StoreError> {
        for chunk in quotas.chunks_mut(sql::MAX_ROWS_PER_STATEMENT) {
            let mut statement = Statement::assemble(
                Self::PLACEHOLDERS,
                "SELECT quota_id, limit_key, value1, value2 FROM quota_limits WHERE quota_id IN (",
            );
            statement
                .push_list(chunk.iter().map(|q| q.id.as_str()))
                .push(") ORDER BY quota_id, position");
            let rows = self.connection().fetch_all(statement).await?;
            for row in rows {
                let (id, key) = (row.text("quota_id")?, row.text("limit_key")?);
                let value =
                    LimitValue { value1: row.text("value1")?, value2: row.text_or_null("value2")? };
                let Some(quota) = chunk.iter_mut().find(|q| q.id == id) else { continue };
                match quota.limits.last_mut() {
                    Some(limit) if limit.key == key => limit.values.push(value),
                    _ => quota.limits.push(QuotaLimit { key, values: vec![value] }),
                }
            }
        }
        Ok(quotas)
    }

    async fn with_use_limits(
        &mut self,
        mut coupons: Vec<Coupon>,
    ) -> Result<Vec<Coupon>, StoreError> {
        for chunk in coupons.chunks_mut(sql::MAX_ROWS_PER_STATEMENT) {
            let mut statement = Statement::assemble(
                Self::PLACEHOLDERS,
                "SELECT coupon_id, id, limit_key, value1, value2, value_unit, limit_type \
                 FROM coupon_use_limits WHERE coupon_id IN (",
            );
            statement
                .push_list(chunk.iter().map(|c| c.id.as_str()))
                .push(") ORDER BY coupon_id, position");
            let rows = self.connection().fetch_all(statement).await?;
            for row in rows {
                let id = row.text("coupon_id")?;
                let Some(coupon) = chunk.iter_mut().find(|c| c.id == id) else { continue };
                coupon.limits.push(UseLimit {
                    id: row.text("id")?,
                    key: row.text("limit_key")?,
                    value1: row.text("value1")?,
                    value2: row.text_or_null("value2")?,
                    value_unit: row.text_or_null("value_unit")?,
                    limit_type: row.text_or_null("limit_type")?,
                });
            }
        }
        Ok(coupons)
    }

    /// One coupon with its use limits, its read ending in `lock` (empty, or `LOCK_ROWS`).
    async fn coupon_by_id(&mut self, id: &str, lock: &str) -> Result<Option<Coupon>, StoreError> {
        let statement =
            Statement::new(format!("SELECT {COUPON_COLUMNS} {COUPONS_FROM} WHERE c.id = $1{lock}"))
                .bind(id);
        let Some(row) = self.connection().fetch_optional(statement).await? else {
            return Ok(None);
        };
        Ok(self.with_use_limits(vec![coupon_row(&row)?]).await?.pop())
    }

    async fn paged_quotas(
        &mut self,
        conditions: &Conditions<'_>,
        page: Page,
    ) -> Result<Paged<CouponQuota>, StoreError> {
        let rows = conditions.statement(
            &format!("SELECT {QUOTA_COLUMNS}, COUNT(*) OVER () AS total {QUOTAS_FROM}"),
            "ORDER BY q.seq DESC",
            Some(page),
        );
        let count =
            || conditions.statement(&format!("SELECT COUNT(*) AS total {QUOTAS_FROM}"), "", None);
        let paged = sql::paged(self.connection(), rows, count, quota_row).await?;
        Ok(Paged { total: paged.total, rows: self.with_quota_limits(paged.rows).await? })
    }

    async fn paged_coupons(
        &mut self,
        conditions: &Conditions<'_>,
        page: Page,
    ) -> Result<Paged<Coupon>, StoreError> {
        let rows = conditions.statement(
            &format!("SELECT {COUPON_COLUMNS}, COUNT(*) OVER () AS total {COUPONS_FROM}"),
            "ORDER BY c.seq DESC",
            Some(page),
        );
        let count =
            || conditions.statement(&format!("SELECT COUNT(*) AS total {COUPONS_FROM}"), "", None);
        let paged = sql::paged(self.connection(), rows, count, coupon_row).await?;
        Ok(Paged { total: paged.total, rows: self.with_use_limits(paged.rows).await? })
    }
}

#[async_trait]
impl<T: Backend> CouponRows for T {
    async fn insert_coupon_quota(&mut self, quota: &CouponQuota) -> Result<bool, StoreError> {
        const INSERT: &str = "INSERT INTO coupon_quotas (id, partner_id, quota_type, \
             value_micros, account_id, parent_quota_id, state, created_at, updated_at, \
             effective_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (id) DO NOTHING";
        let statement = Statement::new(INSERT)
            .bind(&quota.id)
            .bind(&quota.partner.0)
            .bind(quota.quota_type.code())
            .bind(quota.value.micros())
            .bind(&quota.account.0)
            .bind(quota.parent_quota.as_deref())
            .bind(quota.state.code())
            .bind(quota.created_at.millis())
            .bind(quota.updated_at.millis())
            .bind(quota.effective_at.millis())
            .bind(quota.expires_at.map(Timestamp::millis));
        if self.connection().execute(statement).await? == 0 {
            return Ok(false);
        }
        let values: Vec<(i64, &str, &LimitValue)> = quota
            .limits
            .iter()
            .flat_map(|l| l.values.iter().map(move |v| (l.key.as_str(), v)))
            .enumerate()
            .map(|(n, (key, value))| (i64::try_from(n).unwrap_or(i64::MAX), key, value))
            .collect();
        for chunk in values.chunks(sql::MAX_ROWS_PER_STATEMENT) {
            let mut statement = Statement::assemble(
                T::PLACEHOLDERS,
                "INSERT INTO quota_limits (quota_id, position, limit_key, value1, value2) ",
            );
            statement.push_values(chunk, |(n, key, value)| {
                [
                    quota.id.as_str().into(),
                    (*n).into(),
                    (*key).into(),
                    value.value1.as_str().into(),
                    value.value2.as_deref().into(),
                ]
            });
            self.connection().execute(statement).await?;
        }
        Ok(true)
    }

    async fn coupon_quota(&mut self, id: &str) -> Result<Option<CouponQuota>, StoreError> {
        let statement =
            Statement::new(format!("SELECT {QUOTA_COLUMNS} {QUOTAS_FROM} WHERE q.id = $1"))
                .bind(id);
        let Some(row) = self.connection().fetch_optional(statement).await? else {
            return Ok(None);
        };
        Ok(self.with_quota_limits(vec![quota_row(&row)?]).await?.pop())
    }

    async fn coupon_quotas_for_update(
        &mut self,
        ids: &[&str],
    ) -> Result<Vec<CouponQuota>, StoreError> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut quotas = Vec::new();
        for chunk in ids.chunks(sql::MAX_ROWS_PER_STATEMENT) {
            // In id order, quota and account rows together: every writer locks quotas the
            // same way, so two grants from one quota wait for each other and never deadlock.
            let mut statement = Statement::assemble(
                T::PLACEHOLDERS,
                &format!("SELECT {QUOTA_COLUMNS} {QUOTAS_FROM} WHERE q.id IN ("),
            );
            statement.push_list(chunk.iter().copied()).push(") ORDER BY q.id").push(T::LOCK_ROWS);
            for row in self.connection().fetch_all(statement).await? {
                quotas.push(quota_row(&row)?);
            }
        }
        self.with_quota_limits(quotas).await
    }

    async fn coupon_quotas_of(
        &mut self,
        partner: &PartnerId,
    ) -> Result<Vec<CouponQuota>, StoreError> {
        let statement = Statement::new(format!(
            "SELECT {QUOTA_COLUMNS} {QUOTAS_FROM} WHERE q.partner_id = $1 ORDER BY q.seq"
        ))
        .bind(&partner.0);
        let rows = self.connection().fetch_all(statement).await?;
        let quotas = rows.iter().map(quota_row).collect::<Result<Vec<_>, _>>()?;
        self.with_quota_limits(quotas).await
    }

    async fn set_quota_state(
        &mut self,
        id: &str,
        state: QuotaState,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let statement =
            Statement::new("UPDATE coupon_quotas SET state = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(state.code())
                .bind(at.millis());
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn touch_quotas(&mut self, ids: &[&str], at: Timestamp) -> Result<(), StoreError> {
        for chunk in ids.chunks(sql::MAX_ROWS_PER_STATEMENT) {
            let mut statement =
                Statement::assemble(T::PLACEHOLDERS, "UPDATE coupon_quotas SET updated_at = ");
            statement.push_bind(at.millis()).push(" WHERE id IN (");
            statement.push_list(chunk.iter().copied()).push(")");
            self.connection().execute(statement).await?;
        }
        Ok(())
    }

    async fn coupon_quotas(
        &mut self,
        partner: &PartnerId,
        filter: &QuotaFilter,
        now: Timestamp,
        page: Page,
    ) -> Result<Paged<CouponQuota>, StoreError> {
        let mut c = Conditions::new();
        c.equals("q.partner_id", Some(partner.0.as_str()));
        c.equals("q.quota_type", Some(filter.quota_type.code()));
        if !filter.ids.is_empty() {
            c.one_of("q.id", filter.ids.iter().map(|id| id.as_str().into()));
        }
        if !filter.statuses.is_empty() {
            let status = c.expression(QUOTA_STATUS, now);
            c.one_of(&status, filter.statuses.iter().map(|s| s.wire_code().into()));
        }
        c.within("q.created_at", filter.created);
        c.within("q.effective_at", filter.effective);
        c.within("q.expires_at", filter.expires);
        self.paged_quotas(&c, page).await
    }

    async fn issued_coupon_quotas(
        &mut self,
        distributor: &PartnerId,
        filter: &IssuedQuotaFilter,
        page: Page,
    ) -> Result<Paged<IssuedQuota>, StoreError> {
        let mut c = Conditions::new();
        c.add(
            "q.parent_quota_id IN (SELECT id FROM coupon_quotas WHERE partner_id = ?)",
            [distributor.0.as_str().into()],
        );
        c.equals("q.id", filter.quota.as_deref());
        c.equals("q.partner_id", filter.reseller.as_deref());
        c.equals("q.parent_quota_id", filter.parent_quota.as_deref());
        let quotas = self.paged_quotas(&c, page).await?;
        let ids: Vec<&str> = quotas.rows.iter().map(|q| q.partner.0.as_str()).collect();
        let mut names = std::collections::HashMap::new();
        if !ids.is_empty() {
            let mut statement =
                Statement::assemble(T::PLACEHOLDERS, "SELECT id, name FROM partners WHERE id IN (");
            statement.push_list(ids).push(")");
            for row in self.connection().fetch_all(statement).await? {
                names.insert(row.text("id")?, row.text("name")?);
            }
        }
        let rows = quotas
            .rows
            .into_iter()
            .map(|quota| {
                let reseller_name = names.get(&quota.partner.0).cloned().unwrap_or_default();
                IssuedQuota { quota, reseller_name }
            })
            .collect();
        Ok(Paged { total: quotas.total, rows })
    }

    async fn insert_quota_records(&mut self, records: &[QuotaRecord]) -> Result<(), StoreError> {
        for chunk in records.chunks(sql::MAX_ROWS_PER_STATEMENT) {
            let mut statement = Statement::assemble(
                T::PLACEHOLDERS,
                "INSERT INTO quota_records (id, distributor_id, operator, operation_type, \
                 quota_id, parent_quota_id, reseller_id, amount_micros, at, succeeded, remark) ",
            );
            statement.push_values(chunk, |r| {
                [
                    r.id.as_str().into(),
                    r.distributor.0.as_str().into(),
                    r.operator.as_str().into(),
                    r.operation.wire_code().into(),
                    r.quota.as_deref().into(),
                    r.parent_quota.as_deref().into(),
                    r.reseller.as_str().into(),
                    r.amount.micros().into(),
                    r.at.millis().into(),
                    i64::from(r.succeeded).into(),
                    r.remark.as_deref().into(),
                ]
            });
            self.connection().execute(statement).await?;
        }
        Ok(())
    }

    async fn quota_records(
        &mut self,
        distributor: &PartnerId,
        filter: &QuotaRecordFilter,
        page: Page,
    ) -> Result<Paged<QuotaRecord>, StoreError> {
        let mut c = Conditions::new();
        c.equals("r.distributor_id", Some(distributor.0.as_str()));
        c.equals("r.reseller_id", filter.reseller.as_deref());
        c.equals("r.quota_id", filter.quota.as_deref());
        c.equals("r.parent_quota_id", filter.parent_quota.as_deref());
        c.equals("r.operation_type", filter.operation.map(QuotaOperation::wire_code));
        c.within("r.at", filter.at);
        let from = "FROM quota_records r LEFT JOIN partners p ON p.id = r.reseller_id";
        let rows = c.statement(
            &format!("SELECT r.*, p.name AS reseller_name, COUNT(*) OVER () AS total {from}"),
            "ORDER BY r.seq DESC",
            Some(page),
        );
        let count = || c.statement(&format!("SELECT COUNT(*) AS total {from}"), "", None);
        sql::paged(self.connection(), rows, count, quota_record_row).await
    }

    async fn insert_coupons(&mut self, coupons: &[Coupon]) -> Result<(), StoreError> {
        for chunk in coupons.chunks(sql::MAX_ROWS_PER_STATEMENT / 2) {
            let mut statement = Statement::assemble(
                T::PLACEHOLDERS,
                "INSERT INTO coupons (id, customer_id, issuer_id, quota_id, quota_type, \
                 face_value_micros, account_id, created_at, effective_at, expires_at, memo) ",
            );
            statement.push_values(chunk, |c| {
                [
                    c.id.as_str().into(),
                    c.customer.0.as_str().into(),
                    c.issuer.0.as_str().into(),
                    c.quota.as_str().into(),
                    c.quota_type.code().into(),
                    c.face_value.micros().into(),
                    c.account.0.as_str().into(),
                    c.created_at.millis().into(),
                    c.effective_at.millis().into(),
                    c.expires_at.millis().into(),
                    c.memo.as_deref().into(),
                ]
            });
            self.connection().execute(statement).await?;
        }
        let limits: Vec<(&Coupon, i64, &UseLimit)> = coupons
            .iter()
            .flat_map(|c| {
                c.limits.iter().enumerate().map(move |(n, l)| (c, i64::try_from(n).unwrap_or(0), l))
            })
            .collect();
        for chunk in limits.chunks(sql::MAX_ROWS_PER_STATEMENT / 2) {
            let mut statement = Statement::assemble(
                T::PLACEHOLDERS,
                "INSERT INTO coupon_use_limits (coupon_id, position, id, limit_key, value1, \
                 value2, value_unit, limit_type) ",
            );
            statement.push_values(chunk, |(coupon, n, limit)| {
                [
                    coupon.id.as_str().into(),
                    (*n).into(),
                    limit.id.as_str().into(),
                    limit.key.as_str().into(),
                    limit.value1.as_str().into(),
                    limit.value2.as_deref().into(),
                    limit.value_unit.as_deref().into(),
                    limit.limit_type.as_deref().into(),
                ]
            });
            self.connection().execute(statement).await?;
        }
        Ok(())
    }

    async fn coupon(&mut self, id: &str) -> Result<Option<Coupon>, StoreError> {
        self.coupon_by_id(id, "").await
    }

    async fn coupon_for_update(&mut self, id: &str) -> Result<Option<Coupon>, StoreError> {
        self.coupon_by_id(id, T::LOCK_ROWS).await
    }

    async fn set_coupon_reclaimed(&mut self, id: &str, at: Timestamp) -> Result<bool, StoreError> {
        let statement = Statement::new(
            "UPDATE coupons SET reclaimed_at = $2 WHERE id = $1 AND reclaimed_at IS NULL",
        )
        .bind(id)
        .bind(at.millis());
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn issued_coupons(
        &mut self,
        issuer: &PartnerId,
        filter: &IssuedCouponFilter,
        now: Timestamp,
        page: Page,
    ) -> Result<Paged<Coupon>, StoreError> {
        let mut c = Conditions::new();
        c.equals("c.issuer_id", Some(issuer.0.as_str()));
        // The API lists coupons of the issuer's reseller customers only, and none that ended
        // more than two years ago.
        c.add(
            "c.customer_id IN (SELECT id FROM customers WHERE partner_id = ? \
             AND association = 'reseller')",
            [issuer.0.as_str().into()],
        );
        let window = now.checked_add_seconds(-partner_domain::coupons::ISSUED_VIEW_DAYS * 86_400);
        c.add("c.expires_at > ?", [window.unwrap_or(now).millis().into()]);
        c.equals("c.id", filter.coupon.as_deref());
        c.equals("c.customer_id", filter.customer.as_deref());
        c.equals("c.lock_order_id", filter.order.as_deref());
        if let Some(kind) = filter.coupon_type {
            let types = partner_domain::coupons::QuotaType::ALL
                .into_iter()
                .filter(|q| q.coupon_type() == kind)
                .map(|q| q.code().into());
            c.one_of("c.quota_type", types);
        }
        if let Some(status) = filter.status {
            let expression = c.expression(COUPON_STATUS, now);
            c.add(&format!("{expression} = ?"), [status.wire_code().into()]);
        }
        c.within("c.created_at", filter.created);
        c.within("c.effective_at", filter.effective);
        c.within("c.expires_at", filter.expires);
        self.paged_coupons(&c, page).await
    }

    async fn customer_coupons(
        &mut self,
        customer: &CustomerId,
        filter: &CustomerCouponFilter,
        now: Timestamp,
        page: Page,
    ) -> Result<Paged<Coupon>, StoreError> {
        let mut c = Conditions::new();
        c.equals("c.customer_id", Some(customer.0.as_str()));
        // Used, expired and reclaimed coupons are shown for 12 months after they ended.
        let window = now.checked_add_seconds(-partner_domain::coupons::CUSTOMER_VIEW_DAYS * 86_400);
        let status = c.expression(COUPON_STATUS, now);
        c.add(
            &format!("({status} IN (1, 2) OR COALESCE(c.reclaimed_at, c.expires_at) > ?)"),
            [window.unwrap_or(now).millis().into()],
        );
        c.equals("c.id", filter.coupon.as_deref());
        c.equals("c.lock_order_id", filter.order.as_deref());
        if filter.promotion_plan.is_some() {
            // Partner coupons belong to no promotion plan.
            c.clauses.push("1 = 0".to_owned());
        }
        if let Some(kind) = filter.coupon_type {
            let types = partner_domain::coupons::QuotaType::ALL
                .into_iter()
                .filter(|q| q.coupon_type() == kind)
                .map(|q| q.code().into());
            c.one_of("c.quota_type", types);
        }
        if let Some(status) = filter.status {
            let expression = c.expression(COUPON_STATUS, now);
            c.add(&format!("{expression} = ?"), [status.wire_code().into()]);
        }
        if let Some(from) = filter.active_from {
            c.add("c.effective_at >= ?", [from.millis().into()]);
        }
        if let Some(to) = filter.active_to {
            c.add("c.effective_at <= ?", [to.millis().into()]);
        }
        c.equals("c.issuer_id", filter.source.as_deref());
        self.paged_coupons(&c, page).await
    }

    async fn insert_coupon_records(&mut self, records: &[CouponRecord]) -> Result<(), StoreError> {
        for chunk in records.chunks(sql::MAX_ROWS_PER_STATEMENT) {
            let mut statement = Statement::assemble(
                T::PLACEHOLDERS,
                "INSERT INTO coupon_records (id, partner_id, operation_type, quota_id, \
                 quota_type, coupon_id, customer_id, amount_micros, at, succeeded, remark) ",
            );
            statement.push_values(chunk, |r| {
                [
                    r.id.as_str().into(),
                    r.partner.0.as_str().into(),
                    r.operation.wire_code().into(),
                    r.quota.as_str().into(),
                    r.quota_type.code().into(),
                    r.coupon.as_deref().into(),
                    r.customer.as_str().into(),
                    r.amount.micros().into(),
                    r.at.millis().into(),
                    i64::from(r.succeeded).into(),
                    r.remark.as_deref().into(),
                ]
            });
            self.connection().execute(statement).await?;
        }
        Ok(())
    }

    async fn coupon_records(
        &mut self,
        partner: &PartnerId,
        filter: &CouponRecordFilter,
        page: Page,
    ) -> Result<Paged<CouponRecord>, StoreError> {
        let mut c = Conditions::new();
        c.equals("r.partner_id", Some(partner.0.as_str()));
        if let Some(operations) = &filter.operations {
            c.one_of("r.operation_type", operations.iter().map(|o| o.as_str().into()));
        }
        c.equals("r.quota_id", filter.quota.as_deref());
        c.equals("r.quota_type", filter.quota_type.map(QuotaType::code));
        if let Some(coupons) = &filter.coupons {
            c.one_of("r.coupon_id", coupons.iter().map(|o| o.as_str().into()));
        }
        c.equals("r.customer_id", filter.customer.as_deref());
        c.within("r.at", filter.at);
        if let Some(succeeded) = filter.succeeded {
            c.add("r.succeeded = ?", [i64::from(succeeded).into()]);
        }
        let from = "FROM coupon_records r";
        let rows = c.statement(
            &format!("SELECT r.*, COUNT(*) OVER () AS total {from}"),
            "ORDER BY r.seq DESC",
            Some(page),
        );
        let count = || c.statement(&format!("SELECT COUNT(*) AS total {from}"), "", None);
        sql::paged(self.connection(), rows, count, coupon_record_row).await
    }

    async fn coupon_changes(
        &mut self,
        customer: &CustomerId,
        filter: &CouponChangeFilter,
        page: Page,
    ) -> Result<Paged<CouponChange>, StoreError> {
        let mut c = Conditions::new();
        c.add(
            "e.account_id IN (SELECT account_id FROM coupons WHERE customer_id = ?)",
            [customer.0.as_str().into()],
        );
        c.add("e.at >= ?", [filter.from.millis().into()]);
        c.add("e.at <= ?", [filter.to.millis().into()]);
        c.equals("e.transfer_id", filter.transfer_id.as_deref());
        c.equals("a.owner_id", filter.coupon.as_deref());
        if let Some(kinds) = &filter.kinds {
            c.one_of("t.kind", kinds.iter().map(|k| k.code().into()));
        }
        match filter.direction {
            Some(Direction::Income) => c.clauses.push("e.amount_micros > 0".to_owned()),
            Some(Direction::Expense) => c.clauses.push("e.amount_micros < 0".to_owned()),
            None => {}
        }
        let from = "FROM ledger_entries e JOIN transfers t ON t.id = e.transfer_id \
             JOIN fund_accounts a ON a.id = e.account_id";
        let rows = c.statement(
            &format!(
                "SELECT e.entry_no, e.transfer_id, e.account_id, e.amount_micros, \
                 e.balance_after_micros, e.at, t.kind, a.owner_id, COUNT(*) OVER () AS total {from}"
            ),
            "ORDER BY e.at DESC, e.entry_no DESC",
            Some(page),
        );
        let count = || c.statement(&format!("SELECT COUNT(*) AS total {from}"), "", None);
        let change = |row: &<T::Connection as Connection>::Row| {
            let kind = row.text("kind")?;
            Ok(CouponChange {
                coupon: row.text("owner_id")?,
                entry: LedgerEntry {
                    entry_no: row.int("entry_no")?,
                    transfer_id: row.text("transfer_id")?,
                    account: AccountId(row.text("account_id")?),
                    amount: sql::money(row.int("amount_micros")?),
                    balance_after: sql::money(row.int("balance_after_micros")?),
                    kind: TransferKind::from_code(&kind)
                        .ok_or_else(|| sql::corrupt("transfers.kind", kind))?,
                    at: sql::at(row.int("at")?),
                    counterparty: None,
                },
            })
        };
        sql::paged(self.connection(), rows, count, change).await
    }
}
