//! Changing an association: switching its type (referral ⇄ reseller) and unbinding, as
//! two-sided workflows: one side requests, the other accepts (customers.md §3).

use crate::{
    Timestamp,
    customers::{AssociationType, Customer, CustomerId},
    partners::PartnerId,
};

/// What a request changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// Referral to reseller or back; the customer stays with its partner.
    Switch,
    /// The customer leaves its partner.
    Unbind,
}

impl ChangeKind {
    pub fn code(self) -> &'static str {
        match self {
            ChangeKind::Switch => "switch",
            ChangeKind::Unbind => "unbind",
        }
    }

    pub fn from_code(code: &str) -> Option<ChangeKind> {
        [ChangeKind::Switch, ChangeKind::Unbind].into_iter().find(|k| k.code() == code)
    }
}

/// Who asked, or who answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Partner,
    Customer,
}

impl Side {
    pub fn code(self) -> &'static str {
        match self {
            Side::Partner => "partner",
            Side::Customer => "customer",
        }
    }

    pub fn from_code(code: &str) -> Option<Side> {
        [Side::Partner, Side::Customer].into_iter().find(|s| s.code() == code)
    }

    fn other(self) -> Side {
        match self {
            Side::Partner => Side::Customer,
            Side::Customer => Side::Partner,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeState {
    Pending,
    Accepted,
    Rejected,
}

impl ChangeState {
    pub fn code(self) -> &'static str {
        match self {
            ChangeState::Pending => "pending",
            ChangeState::Accepted => "accepted",
            ChangeState::Rejected => "rejected",
        }
    }

    pub fn from_code(code: &str) -> Option<ChangeState> {
        [ChangeState::Pending, ChangeState::Accepted, ChangeState::Rejected]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// A request to switch or unbind one customer's association with one partner: a row of the
/// association operation log (关联关系操作记录).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssociationChange {
    pub id: String,
    pub customer: CustomerId,
    pub partner: PartnerId,
    pub kind: ChangeKind,
    /// The association type before the change.
    pub from: AssociationType,
    pub requested_by: Side,
    pub requested_at: Timestamp,
    pub state: ChangeState,
    pub decided_at: Option<Timestamp>,
}

/// The waiting time between requests: "three months", counted as 90 days of business time.
pub const REQUEST_INTERVAL_MS: i64 = 90 * 24 * 3_600_000;

/// Why a change is refused, in the order the rules are checked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AssociationChangeError {
    /// `CBC.99000035`.
    #[error("the customer {0} is not associated with you")]
    NotAssociated(String),
    #[error("a customer may only ask to unbind; to switch, it unbinds and associates again")]
    CustomerMaySwitchOnlyByUnbinding,
    #[error("a request for this customer is waiting for an answer already")]
    RequestPending,
    #[error("one unbind or switch request per customer every three months: try again later")]
    TooSoon(Timestamp),
    #[error("the customer has unexpired reserved instances")]
    ReservedInstances,
    #[error("a post-pay customer cannot be switched")]
    PostPayCannotSwitch,
    #[error("a customer in arrears cannot leave its reseller until the partner clears them")]
    InArrears,
    #[error("no association change request {0} of yours")]
    UnknownRequest(String),
    #[error("the request is not waiting for an answer")]
    NotPending,
    #[error("only the other side answers a request")]
    NotTheCounterparty,
}

impl AssociationChangeError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            AssociationChangeError::NotAssociated(_) => "NotAssociated",
            AssociationChangeError::CustomerMaySwitchOnlyByUnbinding => {
                "CustomerMaySwitchOnlyByUnbinding"
            }
            AssociationChangeError::RequestPending => "RequestPending",
            AssociationChangeError::TooSoon(_) => "TooSoon",
            AssociationChangeError::ReservedInstances => "ReservedInstances",
            AssociationChangeError::PostPayCannotSwitch => "PostPayCannotSwitch",
            AssociationChangeError::InArrears => "InArrears",
            AssociationChangeError::UnknownRequest(_) => "UnknownRequest",
            AssociationChangeError::NotPending => "NotPending",
            AssociationChangeError::NotTheCounterparty => "NotTheCounterparty",
        }
    }
}

/// What a request's rules need to know of the customer besides its association.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CustomerStanding {
    /// Its cash balance is below zero.
    pub in_arrears: bool,
    pub has_reserved_instances: bool,
    pub post_pay: bool,
}

/// Whether `by` may ask to change `customer`'s association with `partner`, given the earlier
/// requests of this customer and partner (`history`, any order).
///
/// The China site's rules: the partner raises at most one unbind-or-switch request per customer
/// per three months, and waits three months after the customer's own unbind request; the
/// customer asks to unbind once per three months. One request waits at a time.
pub fn may_request(
    customer: &Customer,
    partner: &PartnerId,
    kind: ChangeKind,
    by: Side,
    history: &[AssociationChange],
    standing: CustomerStanding,
    now: Timestamp,
) -> Result<AssociationType, AssociationChangeError> {
    let association = customer
        .association
        .as_ref()
        .filter(|a| &a.partner == partner)
        .ok_or_else(|| AssociationChangeError::NotAssociated(customer.id.0.clone()))?;
    if by == Side::Customer && kind == ChangeKind::Switch {
        return Err(AssociationChangeError::CustomerMaySwitchOnlyByUnbinding);
    }
    if history.iter().any(|c| c.state == ChangeState::Pending) {
        return Err(AssociationChangeError::RequestPending);
    }
    // Every earlier request of this side counts; the partner also waits after the customer's
    // unbind requests.
    let counts = |c: &&AssociationChange| match by {
        Side::Partner => true,
        Side::Customer => c.requested_by == Side::Customer,
    };
    let next_allowed = history
        .iter()
        .filter(counts)
        .map(|c| c.requested_at.millis().saturating_add(REQUEST_INTERVAL_MS))
        .max()
        .map(Timestamp::from_millis);
    if let Some(next) = next_allowed.filter(|next| now < *next) {
        return Err(AssociationChangeError::TooSoon(next));
    }
    match kind {
        ChangeKind::Switch if standing.has_reserved_instances => {
            Err(AssociationChangeError::ReservedInstances)
        }
        ChangeKind::Switch if standing.post_pay => Err(AssociationChangeError::PostPayCannotSwitch),
        ChangeKind::Unbind
            if association.kind == AssociationType::Reseller && standing.in_arrears =>
        {
            Err(AssociationChangeError::InArrears)
        }
        _ => Ok(association.kind),
    }
}

/// Whether `by` may answer `change`: only the side that did not ask, and only while it waits.
pub fn may_answer(change: &AssociationChange, by: Side) -> Result<(), AssociationChangeError> {
    if change.state != ChangeState::Pending {
        return Err(AssociationChangeError::NotPending);
    }
    if by != change.requested_by.other() {
        return Err(AssociationChangeError::NotTheCounterparty);
    }
    Ok(())
}

/// The association a customer has once `change` is accepted: the other type, or none. The
/// arrears rule is checked again at acceptance, since money may have moved since the request.
pub fn accept(
    customer: &Customer,
    change: &AssociationChange,
    standing: CustomerStanding,
) -> Result<Option<crate::customers::Association>, AssociationChangeError> {
    let association = customer
        .association
        .clone()
        .filter(|a| a.partner == change.partner)
        .ok_or_else(|| AssociationChangeError::NotAssociated(customer.id.0.clone()))?;
    match change.kind {
        ChangeKind::Switch => {
            let kind = match association.kind {
                AssociationType::Referral => AssociationType::Reseller,
                AssociationType::Reseller => AssociationType::Referral,
            };
            Ok(Some(crate::customers::Association { kind, ..association }))
        }
        ChangeKind::Unbind
            if association.kind == AssociationType::Reseller && standing.in_arrears =>
        {
            Err(AssociationChangeError::InArrears)
        }
        ChangeKind::Unbind => Ok(None),
    }
}
