//! Wire models of the operator API and of the IAM domain look-up.

use partner_domain::access::{AccessKey, OwnerKind};
use partner_engine::{access::Domain, clock::ClockView, world::WorldReport};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{error::ApiError, wire::format_utc};

#[derive(Serialize, ToSchema)]
pub(crate) struct WorldApplied {
    applied: bool,
    partners_created: usize,
    customers_created: usize,
}

impl From<WorldReport> for WorldApplied {
    fn from(report: WorldReport) -> Self {
        WorldApplied {
            applied: true,
            partners_created: report.partners_created,
            customers_created: report.customers_created,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Clock {
    /// `system` or `manual`.
    mode: &'static str,
    now: String,
}

impl From<ClockView> for Clock {
    fn from(view: ClockView) -> Self {
        Clock { mode: if view.manual { "manual" } else { "system" }, now: format_utc(view.now) }
    }
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct AdvanceClock {
    pub(crate) seconds: i64,
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct SetClock {
    /// UTC, `YYYY-MM-DDThh:mm:ssZ`.
    pub(crate) now: String,
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct CreateAccessKey {
    /// `partner`, `customer` or `operator`.
    pub(crate) owner_type: String,
    pub(crate) owner_id: String,
    /// With `owner_type` `partner`: the key of this member (operator account) of the partner.
    pub(crate) member: Option<String>,
}

/// Whose key to create: a kind, an id and, for a partner's member, its name.
impl TryFrom<CreateAccessKey> for (OwnerKind, String, Option<String>) {
    type Error = ApiError;

    fn try_from(req: CreateAccessKey) -> Result<Self, ApiError> {
        let owner_kind = OwnerKind::from_code(&req.owner_type).ok_or_else(|| {
            ApiError::parameter("invalid parameter owner_type: partner, customer or operator")
        })?;
        Ok((owner_kind, req.owner_id, req.member.filter(|m| !m.is_empty())))
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct CreatedAccessKey {
    ak: String,
    sk: String,
    owner_type: &'static str,
    owner_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    member: Option<String>,
    created_at: String,
}

impl From<AccessKey> for CreatedAccessKey {
    fn from(key: AccessKey) -> Self {
        CreatedAccessKey {
            ak: key.ak,
            sk: key.sk,
            owner_type: key.owner_kind.code(),
            owner_id: key.owner_id,
            member: key.member,
            created_at: format_utc(key.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct AccessKeys {
    access_keys: Vec<AccessKeyInfo>,
}

/// An access key without its secret.
#[derive(Serialize, ToSchema)]
pub(crate) struct AccessKeyInfo {
    ak: String,
    owner_type: &'static str,
    owner_id: String,
    created_at: String,
    /// `null` while the key is live.
    revoked_at: Option<String>,
}

impl From<Vec<AccessKey>> for AccessKeys {
    fn from(keys: Vec<AccessKey>) -> Self {
        let access_keys = keys
            .into_iter()
            .map(|k| AccessKeyInfo {
                ak: k.ak,
                owner_type: k.owner_kind.code(),
                owner_id: k.owner_id,
                created_at: format_utc(k.created_at),
                revoked_at: k.revoked_at.map(format_utc),
            })
            .collect();
        AccessKeys { access_keys }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct AuthDomains {
    domains: Vec<AuthDomain>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct AuthDomain {
    id: String,
    name: String,
}

impl From<Domain> for AuthDomains {
    fn from(domain: Domain) -> Self {
        AuthDomains { domains: vec![AuthDomain { id: domain.id, name: domain.name }] }
    }
}

/// A role to create: a name and its permission items.
#[derive(Deserialize, ToSchema)]
pub(crate) struct CreateRole {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) permissions: Vec<String>,
}

/// A member (operator account) to create, holding up to three of the partner's roles.
#[derive(Deserialize, ToSchema)]
pub(crate) struct CreateMember {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) roles: Vec<String>,
}

/// A partner's organization: its roles and members.
#[derive(Serialize, ToSchema)]
pub(crate) struct Organization {
    roles: Vec<RoleInfo>,
    members: Vec<MemberInfo>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct RoleInfo {
    name: String,
    permissions: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct MemberInfo {
    name: String,
    roles: Vec<String>,
}

impl From<partner_engine::members::OrganizationView> for Organization {
    fn from(view: partner_engine::members::OrganizationView) -> Self {
        Organization {
            roles: view
                .roles
                .into_iter()
                .map(|r| RoleInfo { name: r.name, permissions: r.permissions })
                .collect(),
            members: view
                .members
                .into_iter()
                .map(|m| MemberInfo { name: m.name, roles: m.roles })
                .collect(),
        }
    }
}
