//! The world file's shape, as `docs/specs/world-file.md` writes it: every key, nothing else.

use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct WorldFile {
    pub(super) clock: Option<ClockEntry>,
    #[serde(default)]
    pub(super) operators: Vec<OperatorEntry>,
    #[serde(default)]
    pub(super) partners: Vec<PartnerEntry>,
    #[serde(default)]
    pub(super) customers: Vec<CustomerEntry>,
    pub(super) catalog: Option<CatalogEntry>,
    #[serde(default)]
    pub(super) discounts: Vec<DiscountEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ClockEntry {
    pub(super) mode: Option<String>,
    pub(super) now: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OperatorEntry {
    pub(super) name: String,
    pub(super) ak: String,
    pub(super) sk: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PartnerEntry {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) kind: String,
    pub(super) parent: Option<String>,
    pub(super) ak: Option<String>,
    pub(super) sk: Option<String>,
    pub(super) email: Option<String>,
    pub(super) mobile_phone: Option<String>,
    pub(super) balance: Option<String>,
    pub(super) credit: Option<String>,
    #[serde(default)]
    pub(super) coupon_quotas: Vec<QuotaEntry>,
    pub(super) password: Option<String>,
    pub(super) xaccount_types: Option<Vec<String>>,
    /// Whether the access configuration has real-name attachment upload on (default true): an
    /// extension of the shared format, documented in docs/wire.md.
    pub(super) realname_attachments: Option<bool>,
    /// Our extension (docs/world-file-extensions.md): the partner's roles and members.
    #[serde(default)]
    pub(super) roles: Vec<RoleEntry>,
    #[serde(default)]
    pub(super) members: Vec<MemberEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RoleEntry {
    pub(super) name: String,
    #[serde(default)]
    pub(super) permissions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MemberEntry {
    pub(super) name: String,
    #[serde(default)]
    pub(super) roles: Vec<String>,
    pub(super) ak: Option<String>,
    pub(super) sk: Option<String>,
    pub(super) password: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct QuotaEntry {
    pub(super) id: String,
    pub(super) amount: String,
    #[serde(rename = "type")]
    pub(super) quota_type: Option<String>,
    pub(super) expires: Option<String>,
    /// Our extensions (docs/world-file-extensions.md).
    pub(super) effective: Option<String>,
    #[serde(default)]
    pub(super) limits: Vec<LimitEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LimitEntry {
    pub(super) key: String,
    pub(super) values: Vec<LimitValueEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LimitValueEntry {
    pub(super) value1: String,
    pub(super) value2: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CustomerEntry {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) partner: Option<String>,
    pub(super) association: Option<String>,
    pub(super) ak: Option<String>,
    pub(super) sk: Option<String>,
    pub(super) email: Option<String>,
    pub(super) mobile_phone: Option<String>,
    pub(super) country: Option<String>,
    pub(super) balance: Option<String>,
    pub(super) password: Option<String>,
    /// Our extension (docs/world-file-extensions.md): when the account was registered.
    pub(super) registered: Option<String>,
    /// Our extension: what bars its associations, as restriction codes.
    #[serde(default)]
    pub(super) restrictions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CatalogEntry {
    #[serde(default)]
    pub(super) prices: Vec<PriceEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PriceEntry {
    pub(super) cloud_service_type: String,
    pub(super) resource_type: String,
    pub(super) resource_spec: String,
    pub(super) region: String,
    pub(super) on_demand_hourly: Option<String>,
    pub(super) monthly: Option<String>,
    pub(super) yearly: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DiscountEntry {
    pub(super) customer: String,
    pub(super) kind: String,
    pub(super) rate: String,
    pub(super) cloud_service_type: Option<String>,
    pub(super) id: Option<String>,
}
