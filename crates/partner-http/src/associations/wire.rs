//! Wire models of the association-change API (ours: the real one is a console workflow).

use partner_domain::associations::{AssociationChange, ChangeKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    error::ApiError,
    wire::{bounded, format_utc},
};

/// A request to change an association.
#[derive(Deserialize, ToSchema)]
pub(crate) struct RequestAssociationChange {
    /// The partner's customer; a customer asking for itself leaves it out.
    pub(crate) customer_id: Option<String>,
    /// `switch` (partners only) or `unbind`.
    pub(crate) kind: String,
}

impl TryFrom<RequestAssociationChange> for (Option<String>, ChangeKind) {
    type Error = ApiError;

    fn try_from(req: RequestAssociationChange) -> Result<Self, ApiError> {
        let kind = ChangeKind::from_code(&req.kind)
            .ok_or_else(|| ApiError::parameter("invalid parameter kind: switch or unbind"))?;
        Ok((bounded("customer_id", req.customer_id, 64)?, kind))
    }
}

/// One request of the association operation log.
#[derive(Serialize, ToSchema)]
pub(crate) struct AssociationChangeInfo {
    id: String,
    customer_id: String,
    partner_id: String,
    /// `switch` or `unbind`.
    kind: &'static str,
    /// The association type before the change: `"1"` referral, `"2"` reseller.
    association_type: &'static str,
    /// `partner` or `customer`.
    requested_by: &'static str,
    requested_at: String,
    /// `pending`, `accepted` or `rejected`.
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    decided_at: Option<String>,
}

impl From<AssociationChange> for AssociationChangeInfo {
    fn from(c: AssociationChange) -> Self {
        AssociationChangeInfo {
            id: c.id,
            customer_id: c.customer.0,
            partner_id: c.partner.0,
            kind: c.kind.code(),
            association_type: crate::customers::wire::association_code(c.from),
            requested_by: c.requested_by.code(),
            requested_at: format_utc(c.requested_at),
            state: c.state.code(),
            decided_at: c.decided_at.map(format_utc),
        }
    }
}

/// The association operation log, newest first (at most 200).
#[derive(Serialize, ToSchema)]
pub(crate) struct AssociationChanges {
    changes: Vec<AssociationChangeInfo>,
}

impl From<Vec<AssociationChange>> for AssociationChanges {
    fn from(changes: Vec<AssociationChange>) -> Self {
        AssociationChanges { changes: changes.into_iter().map(Into::into).collect() }
    }
}
