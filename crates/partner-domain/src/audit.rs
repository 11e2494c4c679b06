//! The audit trail: one event for every mutating operation, whoever calls it.

use crate::Timestamp;

/// Who performed an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    Partner(String),
    Customer(String),
    Operator(String),
    /// The command line applying a world file, outside any request.
    System,
}

impl Actor {
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::Partner(_) => "partner",
            Actor::Customer(_) => "customer",
            Actor::Operator(_) => "operator",
            Actor::System => "system",
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Actor::Partner(id) | Actor::Customer(id) | Actor::Operator(id) => id,
            Actor::System => "system",
        }
    }
}

/// One recorded operation: who, from where, what, on what, with which result, when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: String,
    pub at: Timestamp,
    pub actor: Actor,
    pub source_ip: String,
    pub request_id: String,
    /// The SDK operation name (`UpdateCustomerAccountAmount`) or the operator action.
    pub operation: String,
    /// The entity acted on, e.g. `customer:cust-0001`.
    pub target: String,
    /// `"success"`, or the error code of the refused operation.
    pub result: String,
}
