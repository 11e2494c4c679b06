//! The `coupon_quotas` table: the budgets partners issue coupons from.

use async_trait::async_trait;
use partner_domain::{
    Timestamp,
    coupons::{CouponQuota, QuotaType},
    partners::PartnerId,
};

use crate::{
    CouponRows, StoreError,
    sql::{self, Backend, Columns, Connection, Statement},
};

const INSERT: &str = "INSERT INTO coupon_quotas (id, partner_id, quota_type, value_micros, \
     balance_micros, parent_quota_id, effective_at, expires_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING";

const QUOTAS_OF: &str = "SELECT id, partner_id, quota_type, value_micros, balance_micros, \
     parent_quota_id, effective_at, expires_at FROM coupon_quotas \
     WHERE partner_id = $1 ORDER BY id";

fn quota_row(row: &impl Columns) -> Result<CouponQuota, StoreError> {
    let quota_type = row.text("quota_type")?;
    Ok(CouponQuota {
        id: row.text("id")?,
        partner: PartnerId(row.text("partner_id")?),
        quota_type: QuotaType::from_code(&quota_type)
            .ok_or_else(|| sql::corrupt("coupon_quotas.quota_type", quota_type))?,
        value: sql::money(row.int("value_micros")?),
        balance: sql::money(row.int("balance_micros")?),
        parent_quota: row.text_or_null("parent_quota_id")?,
        effective_at: sql::at(row.int("effective_at")?),
        expires_at: row.int_or_null("expires_at")?.map(sql::at),
    })
}

#[async_trait]
impl<T: Backend> CouponRows for T {
    async fn insert_coupon_quota(&mut self, quota: &CouponQuota) -> Result<bool, StoreError> {
        let statement = Statement::new(INSERT)
            .bind(&quota.id)
            .bind(&quota.partner.0)
            .bind(quota.quota_type.code())
            .bind(quota.value.micros())
            .bind(quota.balance.micros())
            .bind(quota.parent_quota.as_deref())
            .bind(quota.effective_at.millis())
            .bind(quota.expires_at.map(Timestamp::millis));
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn coupon_quotas_of(
        &mut self,
        partner: &PartnerId,
    ) -> Result<Vec<CouponQuota>, StoreError> {
        let rows = self.connection().fetch_all(Statement::new(QUOTAS_OF).bind(&partner.0)).await?;
        rows.iter().map(quota_row).collect()
    }
}
