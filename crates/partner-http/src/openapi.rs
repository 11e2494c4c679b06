//! The OpenAPI document of every route, with the SDK's field names.

use utoipa::OpenApi;

use crate::{customers, funds, operator, partners};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Partner Center",
        description = "A self-hostable partner center, wire-compatible with Huawei Cloud's partner (BSS) APIs. \
            Partner API calls are signed with SDK-HMAC-SHA256 AK/SK; errors are {\"error_code\", \"error_msg\"}."
    ),
    paths(
        funds::list_customer_account_change_records,
        funds::list_customers_balances_detail,
        partners::list_indirect_partners,
        funds::list_partner_account_change_records,
        funds::list_partner_adjust_records,
        funds::list_partner_balances,
        customers::list_sub_customers,
        funds::reclaim_indirect_partner_account,
        funds::reclaim_to_partner_account,
        funds::show_customer_account_balances,
        funds::update_customer_account_amount,
        funds::update_indirect_partner_account,
        operator::list_auth_domains,
        operator::apply_world,
        operator::show_clock,
        operator::set_clock,
        operator::advance_clock,
        operator::create_access_key,
        operator::list_access_keys,
        operator::revoke_access_key,
    ),
    tags(
        (name = "partners", description = "Tier-1 distributors and their tier-2 resellers"),
        (name = "customers", description = "Partners' sub-customers"),
        (name = "funds", description = "Balances and the ledger"),
        (name = "iam", description = "The IAM look-up the SDK makes"),
        (name = "operator", description = "Partner Center's own operator API"),
    )
)]
pub struct ApiDoc;

/// The document as JSON.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
