//! The engine's error: a broken business rule, or a failure of the machinery under it.

use partner_domain::{
    access::AccessError,
    associations::AssociationChangeError,
    catalog::CatalogError,
    coupons::CouponError,
    customers::{IdentityError, RegistrationError},
    divisions::DivisionError,
    funds::FundsError,
    members::MemberError,
    money::MoneyError,
    paging::PageError,
    partners::PartnerError,
    realname::RealNameError,
    reports::ReportError,
    time::{ClockError, DateRangeError},
    verification::VerificationError,
};
use partner_store::StoreError;

/// A failure of the machinery under the rules: storage failed, or the engine found one of its
/// own invariants broken. Logged where it is handled and never shown to a client.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Internal(String);

impl Internal {
    /// An invariant of the engine's own does not hold: a bug, not a refusal.
    pub(crate) fn bug(what: &str) -> Internal {
        Internal(format!("engine invariant broken: {what}"))
    }

    pub(crate) fn storage(err: &StoreError) -> Internal {
        Internal(format!("storage failed: {err}"))
    }
}

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
    Identity(#[from] IdentityError),
    #[error(transparent)]
    Registration(#[from] RegistrationError),
    #[error(transparent)]
    Verification(#[from] VerificationError),
    #[error(transparent)]
    RealName(#[from] RealNameError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Division(#[from] DivisionError),
    #[error(transparent)]
    Member(#[from] MemberError),
    #[error(transparent)]
    AssociationChange(#[from] AssociationChangeError),
    #[error(transparent)]
    DateRange(#[from] DateRangeError),
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
    /// What the request would create exists already (operator API).
    #[error("{0}")]
    Conflict(String),
    /// More movements wait for the group commit than it queues: shed, to be retried.
    #[error("the server is busy: retry later")]
    Overloaded,
    /// Storage failed or the engine broke an invariant; never shown to a client.
    #[error("internal failure: {0}")]
    Internal(Internal),
}

impl EngineError {
    /// The rule's name, as audit events record refusals: each domain error names its own.
    pub fn rule(&self) -> &'static str {
        match self {
            EngineError::OperationNotOpenToCaller => "OperationNotOpenToCaller",
            EngineError::InvalidParameter { .. } => "InvalidParameter",
            EngineError::Partner(err) => err.rule(),
            EngineError::Funds(err) => err.rule(),
            EngineError::Money(err) => err.rule(),
            EngineError::Page(err) => err.rule(),
            EngineError::Clock(err) => err.rule(),
            EngineError::Identity(err) => err.rule(),
            EngineError::Registration(err) => err.rule(),
            EngineError::Verification(err) => err.rule(),
            EngineError::RealName(err) => err.rule(),
            EngineError::Report(err) => err.rule(),
            EngineError::Division(err) => err.rule(),
            EngineError::Member(err) => err.rule(),
            EngineError::AssociationChange(err) => err.rule(),
            EngineError::DateRange(err) => err.rule(),
            EngineError::Access(err) => err.rule(),
            EngineError::Coupon(err) => err.rule(),
            EngineError::Catalog(err) => err.rule(),
            EngineError::UnknownOwner { .. } => "UnknownOwner",
            EngineError::UnknownAccessKey(_) => "UnknownAccessKey",
            EngineError::WorldInvalid(_) => "WorldInvalid",
            EngineError::IdempotencyKeyReused(_) => "IdempotencyKeyReused",
            EngineError::Conflict(_) => "Conflict",
            EngineError::Overloaded => "Overloaded",
            EngineError::Internal(_) => "Internal",
        }
    }
}

impl From<Internal> for EngineError {
    fn from(internal: Internal) -> EngineError {
        EngineError::Internal(internal)
    }
}

impl From<StoreError> for EngineError {
    fn from(err: StoreError) -> EngineError {
        EngineError::Internal(Internal::storage(&err))
    }
}
