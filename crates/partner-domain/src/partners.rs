//! Partners and their hierarchy: who is a tier-1 distributor, a tier-2 reseller or a solution
//! provider, and who may act for whom.

use crate::Timestamp;

/// A partner's account id (its `domain_id` on the wire).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartnerId(pub String);

impl std::fmt::Display for PartnerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The partner programmes of the sales channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PartnerKind {
    /// Tier-1 master distributor: funds and manages its tier-2 resellers.
    Distributor,
    /// Tier-2 cloud reseller: belongs to exactly one distributor.
    Reseller,
    /// A direct partner with its own customers and no tier-2s.
    SolutionProvider,
}

impl PartnerKind {
    pub const ALL: [PartnerKind; 3] =
        [PartnerKind::Distributor, PartnerKind::Reseller, PartnerKind::SolutionProvider];

    pub fn code(self) -> &'static str {
        match self {
            PartnerKind::Distributor => "distributor",
            PartnerKind::Reseller => "reseller",
            PartnerKind::SolutionProvider => "solution_provider",
        }
    }

    pub fn from_code(code: &str) -> Option<PartnerKind> {
        PartnerKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partner {
    pub id: PartnerId,
    /// The partner's account name (`account_name` on the wire).
    pub name: String,
    pub kind: PartnerKind,
    /// The distributor a reseller belongs to; `None` for every other kind.
    pub parent: Option<PartnerId>,
    pub email: Option<String>,
    pub mobile_phone: Option<String>,
    /// When a reseller joined its distributor.
    pub associated_on: Timestamp,
    /// Partner platform ids (`xaccount_type`) registered by this partner's access configuration.
    pub xaccount_types: Vec<String>,
    /// Whether the access configuration has real-name attachment upload (实名认证附件上传)
    /// turned on, without which the partner may not submit real-name authentications.
    pub realname_attachments: bool,
}

/// Rules of the partner hierarchy, in the order the real system reports them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PartnerError {
    /// `CBC.0151`: the operation is not open to this kind of caller.
    #[error("this operation is not open to a {kind} partner")]
    OperationNotOpenToPartnerKind { kind: &'static str },
    /// `CBC.99000037`: `indirect_partner_id` is not one of the caller's tier-2 resellers.
    #[error("you have no permission to operate the tier-2 reseller {0}")]
    NotYourIndirectPartner(String),
}

impl PartnerError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            PartnerError::OperationNotOpenToPartnerKind { .. } => "OperationNotOpenToPartnerKind",
            PartnerError::NotYourIndirectPartner(_) => "NotYourIndirectPartner",
        }
    }
}

/// Only a distributor lists tier-2 resellers (`ListIndirectPartners`, `BPC_ITEM_SALES_020100`).
pub fn may_list_indirect_partners(caller: &Partner) -> Result<(), PartnerError> {
    match caller.kind {
        PartnerKind::Distributor => Ok(()),
        kind => Err(PartnerError::OperationNotOpenToPartnerKind { kind: kind.code() }),
    }
}

/// Only a distributor funds and reclaims money from tier-2 resellers.
pub fn may_fund_indirect_partners(caller: &Partner) -> Result<(), PartnerError> {
    may_list_indirect_partners(caller)
}

/// The sub-customer operations are documented for solution providers and distributors only; a
/// reseller works in the console and its distributor calls the API for it.
pub fn may_manage_sub_customers(caller: &Partner) -> Result<(), PartnerError> {
    match caller.kind {
        PartnerKind::Distributor | PartnerKind::SolutionProvider => Ok(()),
        kind => Err(PartnerError::OperationNotOpenToPartnerKind { kind: kind.code() }),
    }
}

/// Whose data an operation acts on when the caller passes `indirect_partner_id`.
///
/// The parameter means "a distributor acting for one of its resellers" everywhere. A caller
/// that is not a distributor has it ignored, as the API reference says ("otherwise this
/// parameter is not processed"); a distributor naming anyone but its own reseller is refused.
/// `indirect` is the partner the id names, when it exists.
pub fn acting_partner<'a>(
    caller: &'a Partner,
    indirect_partner_id: Option<&str>,
    indirect: Option<&'a Partner>,
) -> Result<&'a Partner, PartnerError> {
    let Some(id) = indirect_partner_id.filter(|id| !id.is_empty()) else {
        return Ok(caller);
    };
    if caller.kind != PartnerKind::Distributor {
        return Ok(caller);
    }
    match indirect {
        Some(reseller) if is_own_reseller(caller, reseller) => Ok(reseller),
        _ => Err(PartnerError::NotYourIndirectPartner(id.to_owned())),
    }
}

pub fn is_own_reseller(distributor: &Partner, reseller: &Partner) -> bool {
    reseller.kind == PartnerKind::Reseller && reseller.parent.as_ref() == Some(&distributor.id)
}

/// The filters of `ListIndirectPartners`. Empty strings are no filter.
#[derive(Clone, Debug, Default)]
pub struct IndirectPartnerFilter {
    pub account_name: Option<String>,
    pub indirect_partner_id: Option<String>,
    pub associated_on_begin: Option<Timestamp>,
    pub associated_on_end: Option<Timestamp>,
}

impl IndirectPartnerFilter {
    pub fn matches(&self, reseller: &Partner) -> bool {
        crate::customers::fuzzy_matches(self.account_name.as_deref(), Some(&reseller.name), false)
            && self
                .indirect_partner_id
                .as_deref()
                .is_none_or(|id| id.is_empty() || reseller.id.0 == id)
            && self.associated_on_begin.is_none_or(|b| reseller.associated_on >= b)
            && self.associated_on_end.is_none_or(|e| reseller.associated_on <= e)
    }
}
