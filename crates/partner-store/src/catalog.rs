//! The catalog: list prices (`catalog_prices`) and customers' discounts (`discounts`).

use async_trait::async_trait;
use partner_domain::{
    catalog::{Discount, DiscountKind, Price},
    customers::CustomerId,
};

use crate::{
    CatalogRows, StoreError,
    sql::{self, Backend, Columns, Connection, Statement},
};

/// Prices keep up to 10 decimals as canonical decimal text: never a number column, which
/// SQLite would turn into floating point.
const INSERT_PRICE: &str = "INSERT INTO catalog_prices (cloud_service_type, resource_type, \
     resource_spec, region, on_demand_hourly, monthly, yearly) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";

const PRICES: &str = "SELECT cloud_service_type, resource_type, resource_spec, region, \
     on_demand_hourly, monthly, yearly FROM catalog_prices \
     ORDER BY cloud_service_type, resource_type, resource_spec, region";

const INSERT_DISCOUNT: &str = "INSERT INTO discounts (id, customer_id, kind, rate, \
     cloud_service_type) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING";

const DISCOUNTS_OF: &str = "SELECT id, customer_id, kind, rate, cloud_service_type \
     FROM discounts WHERE customer_id = $1 ORDER BY id";

fn decimal(
    column: &str,
    text: Option<String>,
) -> Result<Option<rust_decimal::Decimal>, StoreError> {
    text.map(|t| t.parse().map_err(|_| sql::corrupt(column, t))).transpose()
}

fn price_row(row: &impl Columns) -> Result<Price, StoreError> {
    Ok(Price {
        cloud_service_type: row.text("cloud_service_type")?,
        resource_type: row.text("resource_type")?,
        resource_spec: row.text("resource_spec")?,
        region: row.text("region")?,
        on_demand_hourly: decimal(
            "catalog_prices.on_demand_hourly",
            row.text_or_null("on_demand_hourly")?,
        )?,
        monthly: decimal("catalog_prices.monthly", row.text_or_null("monthly")?)?,
        yearly: decimal("catalog_prices.yearly", row.text_or_null("yearly")?)?,
    })
}

fn discount_row(row: &impl Columns) -> Result<Discount, StoreError> {
    let (kind, rate) = (row.text("kind")?, row.text("rate")?);
    Ok(Discount {
        id: row.text("id")?,
        customer: row.text("customer_id")?,
        kind: DiscountKind::from_code(&kind).ok_or_else(|| sql::corrupt("discounts.kind", kind))?,
        rate: rate.parse().map_err(|_| sql::corrupt("discounts.rate", &rate))?,
        cloud_service_type: row.text_or_null("cloud_service_type")?,
    })
}

#[async_trait]
impl<T: Backend> CatalogRows for T {
    async fn insert_price(&mut self, price: &Price) -> Result<bool, StoreError> {
        let [on_demand_hourly, monthly, yearly] =
            [price.on_demand_hourly, price.monthly, price.yearly].map(|d| d.map(|d| d.to_string()));
        let statement = Statement::new(INSERT_PRICE)
            .bind(&price.cloud_service_type)
            .bind(&price.resource_type)
            .bind(&price.resource_spec)
            .bind(&price.region)
            .bind(on_demand_hourly.as_deref())
            .bind(monthly.as_deref())
            .bind(yearly.as_deref());
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn prices(&mut self) -> Result<Vec<Price>, StoreError> {
        let rows = self.connection().fetch_all(Statement::new(PRICES)).await?;
        rows.iter().map(price_row).collect()
    }

    async fn insert_discount(&mut self, discount: &Discount) -> Result<bool, StoreError> {
        let rate = discount.rate.to_string();
        let statement = Statement::new(INSERT_DISCOUNT)
            .bind(&discount.id)
            .bind(&discount.customer)
            .bind(discount.kind.code())
            .bind(&rate)
            .bind(discount.cloud_service_type.as_deref());
        Ok(self.connection().execute(statement).await? == 1)
    }

    async fn discounts_of(&mut self, customer: &CustomerId) -> Result<Vec<Discount>, StoreError> {
        let statement = Statement::new(DISCOUNTS_OF).bind(&customer.0);
        let rows = self.connection().fetch_all(statement).await?;
        rows.iter().map(discount_row).collect()
    }
}
