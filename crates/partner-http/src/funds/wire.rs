//! Wire models of the fund operations, as the SDK's `v2/model` names them.

use partner_domain::funds::{AccountKind, FundAccount};
use partner_engine::funds::CustomerBalances;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::wire::Amount;

/// `measure_id` 1: amounts are in yuan.
const MEASURE_YUAN: i64 = 1;
const CURRENCY: &str = "CNY";

/// SDK `ListPartnerBalancesRequest` (query string).
#[derive(Deserialize, IntoParams)]
pub(crate) struct ListPartnerBalancesRequest {
    pub(crate) indirect_partner_id: Option<String>,
}

/// SDK `ListPartnerBalancesResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListPartnerBalancesResponse {
    account_balances: Vec<AccountBalanceV2>,
}

/// SDK `AccountBalanceV2`: a partner's account.
#[derive(Serialize, ToSchema)]
pub(crate) struct AccountBalanceV2 {
    account_id: String,
    account_type: i64,
    amount: Amount,
    currency: &'static str,
    designated_amount: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    credit_amount: Option<Amount>,
    measure_id: i64,
}

/// SDK `ShowCustomerAccountBalancesResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ShowCustomerAccountBalancesResponse {
    account_balances: Vec<AccountBalanceV3>,
    debt_amount: Amount,
    measure_id: i64,
    currency: &'static str,
}

/// SDK `AccountBalanceV3`: a customer's account.
#[derive(Serialize, ToSchema)]
pub(crate) struct AccountBalanceV3 {
    account_id: String,
    account_type: i64,
    amount: Amount,
    currency: &'static str,
    designated_amount: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    credit_amount: Option<Amount>,
    measure_id: i64,
}

/// The credit line, shown on credit accounts only.
fn credit_amount(account: &FundAccount) -> Option<Amount> {
    (account.kind == AccountKind::Credit).then(|| account.credit_limit.into())
}

impl From<Vec<FundAccount>> for ListPartnerBalancesResponse {
    fn from(accounts: Vec<FundAccount>) -> Self {
        let account_balances = accounts
            .into_iter()
            .map(|a| AccountBalanceV2 {
                credit_amount: credit_amount(&a),
                account_id: a.id.0,
                account_type: a.kind.code(),
                amount: a.balance.into(),
                currency: CURRENCY,
                designated_amount: a.designated.into(),
                measure_id: MEASURE_YUAN,
            })
            .collect();
        ListPartnerBalancesResponse { account_balances }
    }
}

impl From<CustomerBalances> for ShowCustomerAccountBalancesResponse {
    fn from(balances: CustomerBalances) -> Self {
        let account_balances = balances
            .accounts
            .into_iter()
            .map(|a| AccountBalanceV3 {
                credit_amount: credit_amount(&a),
                account_id: a.id.0,
                account_type: a.kind.code(),
                amount: a.balance.into(),
                currency: CURRENCY,
                designated_amount: a.designated.into(),
                measure_id: MEASURE_YUAN,
            })
            .collect();
        ShowCustomerAccountBalancesResponse {
            account_balances,
            debt_amount: balances.debt.into(),
            measure_id: MEASURE_YUAN,
            currency: CURRENCY,
        }
    }
}
