//! The engine's error: a broken business rule, or a failure of the machinery under it.

use partner_domain::{
    access::AccessError, catalog::CatalogError, coupons::CouponError, funds::FundsError,
    money::MoneyError, paging::PageError, partners::PartnerError, time::ClockError,
};
use partner_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The caller's kind of identity may not call this operation at all.
    #[error("this operation is not open to the caller")]
    OperationNotOpenToCaller,
    /// A request parameter is malformed or out of its documented range.
    #[error("invalid parameter {field}: {reason}")]
    InvalidParameter { field: &'static str, reason: String },
    #[error(transparent)]
    Partner(#[from] PartnerError),
    #[error(transparent)]
    Funds(#[from] FundsError),
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error(transparent)]
    Page(#[from] PageError),
    #[error(transparent)]
    Clock(#[from] ClockError),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Coupon(#[from] CouponError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("no {kind} has the id {id:?}")]
    UnknownOwner { kind: &'static str, id: String },
    #[error("no live access key {0:?}")]
    UnknownAccessKey(String),
    #[error("{0}")]
    WorldInvalid(String),
    /// An idempotency key came back with another operation or other content.
    #[error("the idempotency key {0:?} was used for a different request")]
    IdempotencyKeyReused(String),
    /// Storage failed; logged where it is handled, never shown to a client.
    #[error("storage failed: {0}")]
    Store(StoreError),
}

impl EngineError {
    /// The rule's name, as audit events record refusals.
    pub fn rule(&self) -> &'static str {
        match self {
            EngineError::OperationNotOpenToCaller => "OperationNotOpenToCaller",
            EngineError::InvalidParameter { .. } => "InvalidParameter",
            EngineError::Partner(PartnerError::OperationNotOpenToPartnerKind { .. }) => {
                "OperationNotOpenToPartnerKind"
            }
            EngineError::Partner(PartnerError::NotYourIndirectPartner(_)) => {
                "NotYourIndirectPartner"
            }
            EngineError::Funds(FundsError::AmountMustBePositive) => "AmountMustBePositive",
            EngineError::Funds(FundsError::NotYourCustomer(_)) => "NotYourCustomer",
            EngineError::Funds(FundsError::ReferralCustomerFundsAreNotYours(_)) => {
                "ReferralCustomerFundsAreNotYours"
            }
            EngineError::Funds(FundsError::InsufficientBalance { .. }) => "InsufficientBalance",
            EngineError::Funds(_) => "FundsRule",
            EngineError::IdempotencyKeyReused(_) => "IdempotencyKeyReused",
            EngineError::Money(_) => "InvalidAmount",
            EngineError::Page(_) => "InvalidPage",
            EngineError::Clock(ClockError::ClockNotManual) => "ClockNotManual",
            EngineError::Clock(ClockError::ClockMovesForwardOnly) => "ClockMovesForwardOnly",
            EngineError::Access(_) => "MalformedAccessKey",
            EngineError::Coupon(_) => "CouponRule",
            EngineError::Catalog(_) => "CatalogRule",
            EngineError::UnknownOwner { .. } => "UnknownOwner",
            EngineError::UnknownAccessKey(_) => "UnknownAccessKey",
            EngineError::WorldInvalid(_) => "WorldInvalid",
            EngineError::Store(_) => "Internal",
        }
    }
}
