//! Coupon quotas: budgets the platform grants partners to issue coupons from.

use crate::{Money, Timestamp, partners::PartnerId};

/// `quota_type`: 0 voucher quota, 1 cash-coupon quota; discount quotas are our own extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuotaType {
    Voucher,
    Cash,
    Discount,
}

impl QuotaType {
    pub fn code(self) -> &'static str {
        match self {
            QuotaType::Voucher => "voucher",
            QuotaType::Cash => "cash",
            QuotaType::Discount => "discount",
        }
    }

    pub fn from_code(code: &str) -> Option<QuotaType> {
        [QuotaType::Voucher, QuotaType::Cash, QuotaType::Discount]
            .into_iter()
            .find(|q| q.code() == code)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CouponQuota {
    pub id: String,
    pub partner: PartnerId,
    pub quota_type: QuotaType,
    /// The amount granted (`quota_value`).
    pub value: Money,
    /// What is left to issue coupons from (`balance`).
    pub balance: Money,
    /// The distributor's quota a reseller's quota was carved from.
    pub parent_quota: Option<String>,
    pub effective_at: Timestamp,
    pub expires_at: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CouponError {
    #[error(
        "coupon quotas are granted by the platform to distributors and solution providers only"
    )]
    PlatformQuotaOnlyForDirectPartners,
    #[error("the quota amount must be greater than 0")]
    QuotaAmountMustBePositive,
}

impl CouponError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            CouponError::PlatformQuotaOnlyForDirectPartners => "PlatformQuotaOnlyForDirectPartners",
            CouponError::QuotaAmountMustBePositive => "QuotaAmountMustBePositive",
        }
    }
}

/// The platform grants quotas to direct partners; resellers receive theirs from a distributor.
pub fn may_receive_platform_quota(kind: crate::partners::PartnerKind) -> Result<(), CouponError> {
    match kind {
        crate::partners::PartnerKind::Reseller => {
            Err(CouponError::PlatformQuotaOnlyForDirectPartners)
        }
        _ => Ok(()),
    }
}
