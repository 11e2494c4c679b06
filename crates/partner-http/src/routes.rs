//! Every operation in one table: its name, method, path, flow-control quota and handler.

use axum::routing::{MethodRouter, delete, get, post, put};

use crate::{AppState, customers, funds, operator, partners};

/// One operation of the API, declared once: the access log, metrics, flow control and the
/// OpenAPI cross-check all read it from here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The SDK operation name, e.g. `ListSubCustomers`.
    pub name: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    /// Calls per second per (source IP, operation, account); `None` for our operator API.
    pub per_second: Option<u32>,
}

const fn op(
    name: &'static str,
    method: &'static str,
    path: &'static str,
    per_second: u32,
) -> Operation {
    Operation { name, method, path, per_second: Some(per_second) }
}

const fn operator_op(name: &'static str, method: &'static str, path: &'static str) -> Operation {
    Operation { name, method, path, per_second: None }
}

/// The partner API in the SDK's order, then IAM's domain look-up, then the operator API.
/// Quotas are the documented ones (customers.md §11): 10 per second unless stated.
pub(crate) fn operations() -> Vec<(Operation, MethodRouter<AppState>)> {
    vec![
        (
            op(
                "ListCustomerAccountChangeRecords",
                "GET",
                "/v2/accounts/customer-accounts/account-change-records",
                10,
            ),
            get(funds::list_customer_account_change_records),
        ),
        (
            op("ListIndirectPartners", "POST", "/v2/partners/indirect-partners/query", 10),
            post(partners::list_indirect_partners),
        ),
        (
            op("ListPartnerBalances", "GET", "/v2/accounts/partner-accounts/balances", 10),
            get(funds::list_partner_balances),
        ),
        (
            op(
                "ListCustomersBalancesDetail",
                "POST",
                "/v2/accounts/customer-accounts/balances/batch-query",
                10,
            ),
            post(funds::list_customers_balances_detail),
        ),
        (
            op(
                "ListPartnerAccountChangeRecords",
                "GET",
                "/v2/accounts/partner-accounts/account-change-records",
                10,
            ),
            get(funds::list_partner_account_change_records),
        ),
        (
            op(
                "ListPartnerAdjustRecords",
                "GET",
                "/v3/accounts/partner-accounts/adjust-records",
                10,
            ),
            get(funds::list_partner_adjust_records),
        ),
        (
            op("ListSubCustomers", "POST", "/v2/partners/sub-customers/query", 10),
            post(customers::list_sub_customers),
        ),
        (
            op(
                "ReclaimIndirectPartnerAccount",
                "POST",
                "/v2/accounts/partner-accounts/indirect-partner-reclaim",
                10,
            ),
            post(funds::reclaim_indirect_partner_account),
        ),
        (
            op("ReclaimToPartnerAccount", "POST", "/v2/accounts/partner-accounts/reclaim", 10),
            post(funds::reclaim_to_partner_account),
        ),
        (
            op("ShowCustomerAccountBalances", "GET", "/v2/accounts/customer-accounts/balances", 10),
            get(funds::show_customer_account_balances),
        ),
        (
            op(
                "UpdateCustomerAccountAmount",
                "POST",
                "/v2/accounts/partner-accounts/adjust-amount",
                10,
            ),
            post(funds::update_customer_account_amount),
        ),
        (
            op(
                "UpdateIndirectPartnerAccount",
                "POST",
                "/v2/accounts/partner-accounts/indirect-partner-adjust",
                10,
            ),
            post(funds::update_indirect_partner_account),
        ),
        (
            op("KeystoneListAuthDomains", "GET", "/v3/auth/domains", 10),
            get(operator::list_auth_domains),
        ),
        (operator_op("ApplyWorld", "POST", "/operator/v1/world"), post(operator::apply_world)),
        (operator_op("ShowClock", "GET", "/operator/v1/clock"), get(operator::show_clock)),
        (operator_op("SetClock", "PUT", "/operator/v1/clock"), put(operator::set_clock)),
        (
            operator_op("AdvanceClock", "POST", "/operator/v1/clock/advance"),
            post(operator::advance_clock),
        ),
        (
            operator_op("CreateAccessKey", "POST", "/operator/v1/access-keys"),
            post(operator::create_access_key),
        ),
        (
            operator_op("ListAccessKeys", "GET", "/operator/v1/access-keys"),
            get(operator::list_access_keys),
        ),
        (
            operator_op("RevokeAccessKey", "DELETE", "/operator/v1/access-keys/{ak}"),
            delete(operator::revoke_access_key),
        ),
    ]
}

/// The declared operations alone, for the cross-checks.
pub fn operation_table() -> Vec<Operation> {
    operations().into_iter().map(|(op, _)| op).collect()
}
