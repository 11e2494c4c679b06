//! Wire models of the sub-customer operations, as the SDK's `v2/model` names them.

use partner_domain::{
    customers::{
        AssociationType, Customer, CustomerId, CustomerType, IdentityCheck, NewCustomerTag,
        NewCustomerTagging, RegistrationRequest, SubCustomerFilter, VerifiedStatus,
    },
    paging::Paged,
};
use partner_engine::customers::{
    NewCustomerTagQuery, RegisteredCustomer, SubCustomerQuery, SubCustomerRegistration,
    UserIdentityQuery,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    error::ApiError,
    wire::{bounded, bounded_id, format_utc, utc_filter},
};

/// SDK `QuerySubCustomerListReq`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct QuerySubCustomerListReq {
    pub(crate) account_name: Option<String>,
    pub(crate) customer: Option<String>,
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
    pub(crate) label: Option<String>,
    pub(crate) association_type: Option<String>,
    pub(crate) associated_on_begin: Option<String>,
    pub(crate) associated_on_end: Option<String>,
    pub(crate) customer_id: Option<String>,
    pub(crate) indirect_partner_id: Option<String>,
}

impl TryFrom<QuerySubCustomerListReq> for SubCustomerQuery {
    type Error = ApiError;

    fn try_from(req: QuerySubCustomerListReq) -> Result<Self, ApiError> {
        let association = bounded("association_type", req.association_type, 2)?
            .as_deref()
            .map(association_from_code)
            .transpose()?;
        let begin = req.associated_on_begin.as_deref();
        Ok(SubCustomerQuery {
            filter: SubCustomerFilter {
                account_name: bounded("account_name", req.account_name, 64)?,
                real_name: bounded("customer", req.customer, 64)?,
                label: bounded("label", req.label, 64)?,
                association,
                associated_on_begin: utc_filter("associated_on_begin", begin)?,
                associated_on_end: utc_filter(
                    "associated_on_end",
                    req.associated_on_end.as_deref(),
                )?,
                customer_id: bounded("customer_id", req.customer_id, 64)?,
            },
            offset: req.offset,
            limit: req.limit,
            indirect_partner_id: bounded("indirect_partner_id", req.indirect_partner_id, 64)?,
        })
    }
}

/// SDK `ListSubCustomersResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListSubCustomersResponse {
    customer_infos: Vec<CustomerInformation>,
    count: u64,
}

/// SDK `CustomerInformation`.
#[derive(Serialize, ToSchema)]
pub(crate) struct CustomerInformation {
    #[serde(skip_serializing_if = "Option::is_none")]
    customer: Option<String>,
    account_name: String,
    customer_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    associated_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    association_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    telephone: Option<String>,
    verified_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    country_code: Option<&'static str>,
    customer_type: i64,
    is_frozen: i64,
    account_managers: Vec<AccountManager>,
    #[serde(skip_serializing_if = "Option::is_none")]
    xaccount_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    xaccount_type: Option<String>,
    customer_level: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
}

/// SDK `AccountManager`.
#[derive(Serialize, ToSchema)]
pub(crate) struct AccountManager {
    account_name: String,
}

/// An association type on the wire, `"1"` referral or `"2"` reseller; anything else is
/// `CBC.0100`.
pub(crate) fn association_from_code(code: &str) -> Result<AssociationType, ApiError> {
    match code {
        "1" => Ok(AssociationType::Referral),
        "2" => Ok(AssociationType::Reseller),
        other => Err(ApiError::parameter(format!(
            "invalid parameter association_type: {other:?}, \"1\" or \"2\""
        ))),
    }
}

/// `association_type` on the wire: `"1"` referral, `"2"` reseller.
pub(crate) fn association_code(kind: AssociationType) -> &'static str {
    match kind {
        AssociationType::Referral => "1",
        AssociationType::Reseller => "2",
    }
}

fn verified_status(status: VerifiedStatus) -> &'static str {
    match status {
        VerifiedStatus::Unverified => "-1",
        VerifiedStatus::InReview => "0",
        VerifiedStatus::Rejected => "1",
        VerifiedStatus::Verified => "2",
    }
}

fn customer_type(kind: CustomerType) -> i64 {
    match kind {
        CustomerType::Unset => -1,
        CustomerType::Individual => 0,
        CustomerType::Enterprise => 1,
    }
}

/// The international calling prefix of a country (`country_code`, e.g. `0086`).
fn calling_prefix(country: &str) -> Option<&'static str> {
    Some(match country {
        "CN" => "0086",
        "HK" => "00852",
        "MO" => "00853",
        "TW" => "00886",
        "SG" => "0065",
        "MY" => "0060",
        "TH" => "0066",
        "ID" => "0062",
        "JP" => "0081",
        "KR" => "0082",
        "US" | "CA" => "001",
        "GB" => "0044",
        "DE" => "0049",
        "FR" => "0033",
        "ZA" => "0027",
        "BR" => "0055",
        "MX" => "0052",
        "AE" => "00971",
        "SA" => "00966",
        _ => return None,
    })
}

impl From<Customer> for CustomerInformation {
    fn from(c: Customer) -> Self {
        CustomerInformation {
            customer: c.real_name,
            account_name: c.account_name,
            customer_id: c.id.0,
            associated_on: c.association.as_ref().map(|a| format_utc(a.associated_on)),
            association_type: c.association.as_ref().map(|a| association_code(a.kind)),
            label: c.label,
            telephone: c.mobile_phone,
            verified_status: verified_status(c.verified_status),
            country_code: calling_prefix(&c.country),
            customer_type: customer_type(c.customer_type),
            is_frozen: c.frozen,
            account_managers: Vec::new(),
            xaccount_id: c.xaccount_id,
            xaccount_type: c.xaccount_type,
            customer_level: c.level,
            email: c.email,
        }
    }
}

impl From<Paged<Customer>> for ListSubCustomersResponse {
    fn from(page: Paged<Customer>) -> Self {
        ListSubCustomersResponse {
            customer_infos: page.rows.into_iter().map(CustomerInformation::from).collect(),
            count: page.total,
        }
    }
}

/// SDK `CheckSubcustomerUserReq`. Both fields are required; their rules are the domain's.
#[derive(Deserialize, ToSchema)]
pub(crate) struct CheckSubcustomerUserReq {
    pub(crate) search_type: String,
    pub(crate) search_value: String,
}

impl From<CheckSubcustomerUserReq> for UserIdentityQuery {
    fn from(req: CheckSubcustomerUserReq) -> Self {
        UserIdentityQuery { search_type: req.search_type, search_value: req.search_value }
    }
}

/// SDK `CheckUserIdentityResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct CheckUserIdentityResponse {
    /// `available` or `used_by_user`.
    check_result: &'static str,
    /// Only for `search_type` `mobile`.
    #[serde(skip_serializing_if = "Option::is_none")]
    mobile_remain_available_num: Option<u64>,
}

impl From<IdentityCheck> for CheckUserIdentityResponse {
    fn from(check: IdentityCheck) -> Self {
        CheckUserIdentityResponse {
            check_result: if check.available { "available" } else { "used_by_user" },
            mobile_remain_available_num: check.mobile_remaining,
        }
    }
}

/// SDK `CreateCustomerV2Req`. Absent and `null` are one here; `""` is kept apart where the
/// reference gives it its own meaning (an empty mobile number, an empty password or code).
#[derive(Deserialize, ToSchema)]
pub(crate) struct CreateCustomerV2Req {
    pub(crate) domain_name: Option<String>,
    pub(crate) mobile_phone: Option<String>,
    pub(crate) verification_code: Option<String>,
    pub(crate) xaccount_id: String,
    pub(crate) xaccount_type: String,
    pub(crate) password: Option<String>,
    pub(crate) is_close_market_ms: Option<String>,
    pub(crate) cooperation_type: Option<String>,
    pub(crate) indirect_partner_id: Option<String>,
    pub(crate) include_association_result: Option<bool>,
}

/// A string kept as given (`""` included), bounded.
fn kept(field: &str, value: Option<String>, max: usize) -> Result<Option<String>, ApiError> {
    value.map(|v| bounded_id(field, v, max)).transpose()
}

impl TryFrom<CreateCustomerV2Req> for SubCustomerRegistration {
    type Error = ApiError;

    fn try_from(req: CreateCustomerV2Req) -> Result<Self, ApiError> {
        Ok(SubCustomerRegistration {
            registration: RegistrationRequest {
                xaccount_id: bounded_id("xaccount_id", req.xaccount_id, 128)?,
                xaccount_type: bounded_id("xaccount_type", req.xaccount_type, 64)?,
                domain_name: kept("domain_name", req.domain_name, 64)?,
                mobile_phone: kept("mobile_phone", req.mobile_phone, 32)?,
                verification_code: kept("verification_code", req.verification_code, 32)?,
                password: kept("password", req.password, 64)?,
                is_close_market_ms: kept("is_close_market_ms", req.is_close_market_ms, 8)?,
                cooperation_type: kept("cooperation_type", req.cooperation_type, 8)?,
            },
            indirect_partner_id: bounded("indirect_partner_id", req.indirect_partner_id, 64)?,
            include_association_result: req.include_association_result.unwrap_or(false),
        })
    }
}

/// SDK `CreateSubCustomerResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct CreateSubCustomerResponse {
    domain_id: String,
    domain_name: String,
}

impl From<RegisteredCustomer> for CreateSubCustomerResponse {
    fn from(customer: RegisteredCustomer) -> Self {
        CreateSubCustomerResponse {
            domain_id: customer.domain_id.0,
            domain_name: customer.domain_name,
        }
    }
}

/// SDK `ListSubCustomerNewTagReq`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct ListSubCustomerNewTagReq {
    pub(crate) customer_ids: Option<Vec<String>>,
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
    pub(crate) indirect_partner_id: Option<String>,
}

impl TryFrom<ListSubCustomerNewTagReq> for NewCustomerTagQuery {
    type Error = ApiError;

    fn try_from(req: ListSubCustomerNewTagReq) -> Result<Self, ApiError> {
        let customer_ids = req
            .customer_ids
            .map(|ids| ids.into_iter().map(|id| bounded_id("customer_ids", id, 64)).collect())
            .transpose()?;
        Ok(NewCustomerTagQuery {
            customer_ids,
            offset: req.offset,
            limit: req.limit,
            indirect_partner_id: bounded("indirect_partner_id", req.indirect_partner_id, 64)?,
        })
    }
}

/// SDK `ListSubCustomerNewTagResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListSubCustomerNewTagResponse {
    new_customer_tags: Vec<NewCustomerTagItem>,
}

/// SDK `NewCustomerTagItem`: without real-name authentication, the tag's fields are absent.
#[derive(Serialize, ToSchema)]
pub(crate) struct NewCustomerTagItem {
    customer_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_tag_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_customer_tag: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    effective_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_time: Option<String>,
}

impl From<Vec<(CustomerId, Option<NewCustomerTagging>)>> for ListSubCustomerNewTagResponse {
    fn from(tags: Vec<(CustomerId, Option<NewCustomerTagging>)>) -> Self {
        let new_customer_tags = tags
            .into_iter()
            .map(|(id, tagging)| NewCustomerTagItem {
                customer_id: id.0,
                customer_tag_type: tagging.map(|_| "SMB"),
                new_customer_tag: tagging.map(|t| match t.tag {
                    NewCustomerTag::Qualified => "Y",
                    NewCustomerTag::NotNew => "N",
                    NewCustomerTag::Undetermined => "UNDETERMINED",
                }),
                effective_time: tagging.map(|t| t.effective.to_string()),
                expire_time: tagging.map(|t| t.expires.to_string()),
            })
            .collect();
        ListSubCustomerNewTagResponse { new_customer_tags }
    }
}
