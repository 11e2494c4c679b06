//! Wire models of the partner-hierarchy operations, as the SDK's `v2/model` names them.

use partner_domain::{
    paging::Paged,
    partners::{IndirectPartnerFilter, Partner},
};
use partner_engine::partners::IndirectPartnerQuery;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    error::ApiError,
    wire::{bounded, format_utc, utc_filter},
};

/// SDK `QueryIndirectPartnersReq`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct QueryIndirectPartnersReq {
    pub(crate) account_name: Option<String>,
    pub(crate) associated_on_begin: Option<String>,
    pub(crate) associated_on_end: Option<String>,
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
    pub(crate) indirect_partner_id: Option<String>,
}

impl TryFrom<QueryIndirectPartnersReq> for IndirectPartnerQuery {
    type Error = ApiError;

    fn try_from(req: QueryIndirectPartnersReq) -> Result<Self, ApiError> {
        let begin = req.associated_on_begin.as_deref();
        Ok(IndirectPartnerQuery {
            filter: IndirectPartnerFilter {
                account_name: bounded("account_name", req.account_name, 64)?,
                indirect_partner_id: bounded("indirect_partner_id", req.indirect_partner_id, 64)?,
                associated_on_begin: utc_filter("associated_on_begin", begin)?,
                associated_on_end: utc_filter(
                    "associated_on_end",
                    req.associated_on_end.as_deref(),
                )?,
            },
            offset: req.offset,
            limit: req.limit,
        })
    }
}

/// SDK `ListIndirectPartnersResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListIndirectPartnersResponse {
    count: u64,
    indirect_partners: Vec<IndirectPartnerInfo>,
}

/// SDK `IndirectPartnerInfo`.
#[derive(Serialize, ToSchema)]
pub(crate) struct IndirectPartnerInfo {
    indirect_partner_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    mobile_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    account_name: String,
    name: String,
    associated_on: String,
}

impl From<Paged<Partner>> for ListIndirectPartnersResponse {
    fn from(page: Paged<Partner>) -> Self {
        let indirect_partners = page
            .rows
            .into_iter()
            .map(|p| IndirectPartnerInfo {
                indirect_partner_id: p.id.0,
                mobile_phone: p.mobile_phone,
                email: p.email,
                account_name: p.name.clone(),
                name: p.name,
                associated_on: format_utc(p.associated_on),
            })
            .collect();
        ListIndirectPartnersResponse { count: page.total, indirect_partners }
    }
}
