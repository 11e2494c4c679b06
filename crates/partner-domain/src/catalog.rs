//! The catalog: list prices of resource specs and the discounts that apply to customers.

use rust_decimal::Decimal;

/// The list prices of one resource spec in one region, in yuan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Price {
    pub cloud_service_type: String,
    pub resource_type: String,
    pub resource_spec: String,
    pub region: String,
    pub on_demand_hourly: Option<Decimal>,
    pub monthly: Option<Decimal>,
    pub yearly: Option<Decimal>,
}

/// Where a discount comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiscountKind {
    Business,
    Partner,
    Promotion,
}

impl DiscountKind {
    pub fn code(self) -> &'static str {
        match self {
            DiscountKind::Business => "business",
            DiscountKind::Partner => "partner",
            DiscountKind::Promotion => "promotion",
        }
    }

    pub fn from_code(code: &str) -> Option<DiscountKind> {
        [DiscountKind::Business, DiscountKind::Partner, DiscountKind::Promotion]
            .into_iter()
            .find(|d| d.code() == code)
    }
}

/// A rate applied to a customer's list prices: `0.85` means 15% off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discount {
    pub id: String,
    pub customer: String,
    pub kind: DiscountKind,
    pub rate: Decimal,
    /// The service the discount is limited to; every service when `None`.
    pub cloud_service_type: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    #[error("a price must not be negative")]
    PriceMustNotBeNegative,
    #[error("a discount rate must be greater than 0 and at most 1")]
    DiscountRateOutOfRange,
}

impl CatalogError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            CatalogError::PriceMustNotBeNegative => "PriceMustNotBeNegative",
            CatalogError::DiscountRateOutOfRange => "DiscountRateOutOfRange",
        }
    }
}

pub fn check_price(price: Decimal) -> Result<Decimal, CatalogError> {
    if price.is_sign_negative() && !price.is_zero() {
        return Err(CatalogError::PriceMustNotBeNegative);
    }
    Ok(price)
}

pub fn check_discount_rate(rate: Decimal) -> Result<Decimal, CatalogError> {
    if rate <= Decimal::ZERO || rate > Decimal::ONE {
        return Err(CatalogError::DiscountRateOutOfRange);
    }
    Ok(rate)
}
