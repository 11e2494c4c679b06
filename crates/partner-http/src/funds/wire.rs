//! Wire models of the fund operations, as the SDK's `v2/model` names them.

use partner_domain::{
    Money,
    funds::{
        AccountKind, AdjustRecord, AdjustRecordFilter, Direction, FundAccount, LedgerEntry,
        TransferKind,
    },
    paging::Paged,
};
use partner_engine::funds::{
    AccountChangeQuery, AdjustRecordQuery, CustomerAccountChanges, CustomerBalance,
    CustomerBalances, CustomerFundsMove, ResellerFundsMove,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    error::ApiError,
    wire::{
        Amount, WireDecimal, amount_text, bounded, bounded_id, format_utc, parse_date, utc_filter,
    },
};

/// `measure_id` 1: amounts are in yuan.
const MEASURE_YUAN: i64 = 1;
const CURRENCY: &str = "CNY";

/// SDK `ListPartnerBalancesRequest` (query string).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListPartnerBalancesRequest {
    pub(crate) indirect_partner_id: Option<String>,
}

impl ListPartnerBalancesRequest {
    pub(crate) fn indirect_partner_id(self) -> Result<Option<String>, ApiError> {
        bounded("indirect_partner_id", self.indirect_partner_id, 64)
    }
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

/// SDK `AdjustAccountReq` (`UpdateCustomerAccountAmount`).
#[derive(Deserialize, ToSchema)]
pub(crate) struct AdjustAccountReq {
    pub(crate) customer_id: String,
    pub(crate) amount: WireDecimal,
    pub(crate) indirect_partner_id: Option<String>,
}

/// SDK `ReclaimToPartnerAccountBalancesReq` (`ReclaimToPartnerAccount`).
#[derive(Deserialize, ToSchema)]
pub(crate) struct ReclaimToPartnerAccountBalancesReq {
    pub(crate) customer_id: String,
    pub(crate) amount: WireDecimal,
    pub(crate) indirect_partner_id: Option<String>,
}

/// The two customer movements' requests have the same fields under two SDK names.
fn customer_funds_move(
    customer_id: String,
    amount: WireDecimal,
    indirect_partner_id: Option<String>,
) -> Result<CustomerFundsMove, ApiError> {
    Ok(CustomerFundsMove {
        indirect_partner_id: bounded("indirect_partner_id", indirect_partner_id, 64)?,
        customer_id: bounded_id("customer_id", customer_id, 64)?,
        amount: amount.0,
    })
}

impl TryFrom<AdjustAccountReq> for CustomerFundsMove {
    type Error = ApiError;

    fn try_from(req: AdjustAccountReq) -> Result<Self, ApiError> {
        customer_funds_move(req.customer_id, req.amount, req.indirect_partner_id)
    }
}

impl TryFrom<ReclaimToPartnerAccountBalancesReq> for CustomerFundsMove {
    type Error = ApiError;

    fn try_from(req: ReclaimToPartnerAccountBalancesReq) -> Result<Self, ApiError> {
        customer_funds_move(req.customer_id, req.amount, req.indirect_partner_id)
    }
}

/// SDK `AdjustToIndirectPartnerReq` (`UpdateIndirectPartnerAccount`).
#[derive(Deserialize, ToSchema)]
pub(crate) struct AdjustToIndirectPartnerReq {
    pub(crate) indirect_partner_id: String,
    pub(crate) amount: WireDecimal,
}

/// SDK `ReclaimIndirectPartnerAccountReq` (`ReclaimIndirectPartnerAccount`).
#[derive(Deserialize, ToSchema)]
pub(crate) struct ReclaimIndirectPartnerAccountReq {
    pub(crate) indirect_partner_id: String,
    pub(crate) amount: WireDecimal,
}

impl TryFrom<AdjustToIndirectPartnerReq> for ResellerFundsMove {
    type Error = ApiError;

    fn try_from(req: AdjustToIndirectPartnerReq) -> Result<Self, ApiError> {
        let indirect_partner_id = bounded_id("indirect_partner_id", req.indirect_partner_id, 64)?;
        Ok(ResellerFundsMove { indirect_partner_id, amount: req.amount.0 })
    }
}

impl TryFrom<ReclaimIndirectPartnerAccountReq> for ResellerFundsMove {
    type Error = ApiError;

    fn try_from(req: ReclaimIndirectPartnerAccountReq) -> Result<Self, ApiError> {
        let indirect_partner_id = bounded_id("indirect_partner_id", req.indirect_partner_id, 64)?;
        Ok(ResellerFundsMove { indirect_partner_id, amount: req.amount.0 })
    }
}

/// The answer of an adjust: `transfer_id`.
#[derive(Serialize, ToSchema)]
pub(crate) struct TransferIdResponse {
    pub(crate) transfer_id: String,
}

/// The answer of a reclaim: `trans_id` (the API names it differently from an adjust's).
#[derive(Serialize, ToSchema)]
pub(crate) struct TransIdResponse {
    pub(crate) trans_id: String,
}

/// SDK `QueryCustomersBalancesReq`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct QueryCustomersBalancesReq {
    pub(crate) customer_infos: Vec<CustomerInfoV2>,
    pub(crate) indirect_partner_id: Option<String>,
}

/// The customers asked for, and the reseller acted for.
impl TryFrom<QueryCustomersBalancesReq> for (Vec<String>, Option<String>) {
    type Error = ApiError;

    fn try_from(req: QueryCustomersBalancesReq) -> Result<Self, ApiError> {
        let indirect = bounded("indirect_partner_id", req.indirect_partner_id, 64)?;
        let ids =
            req.customer_infos.into_iter().map(|c| bounded_id("customer_id", c.customer_id, 64));
        Ok((ids.collect::<Result<_, _>>()?, indirect))
    }
}

/// SDK `CustomerInfoV2`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct CustomerInfoV2 {
    pub(crate) customer_id: String,
}

/// SDK `ListCustomersBalancesDetailResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListCustomersBalancesDetailResponse {
    customer_balances: Vec<CustomerBalancesV2>,
}

/// SDK `CustomerBalancesV2`.
#[derive(Serialize, ToSchema)]
pub(crate) struct CustomerBalancesV2 {
    customer_id: String,
    debt_amount: Amount,
    amount: Amount,
    currency: &'static str,
    measure_id: i64,
}

impl From<Vec<CustomerBalance>> for ListCustomersBalancesDetailResponse {
    fn from(balances: Vec<CustomerBalance>) -> Self {
        let customer_balances = balances
            .into_iter()
            .map(|b| CustomerBalancesV2 {
                customer_id: b.customer.0,
                debt_amount: b.debt.into(),
                amount: b.amount.into(),
                currency: CURRENCY,
                measure_id: MEASURE_YUAN,
            })
            .collect();
        ListCustomersBalancesDetailResponse { customer_balances }
    }
}

/// SDK `ListPartnerAdjustRecordsRequest` (query string).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListPartnerAdjustRecordsRequest {
    pub(crate) customer_id: Option<String>,
    pub(crate) operation_type: Option<String>,
    pub(crate) operation_time_begin: Option<String>,
    pub(crate) operation_time_end: Option<String>,
    pub(crate) trans_id: Option<String>,
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
    pub(crate) indirect_partner_id: Option<String>,
}

impl TryFrom<ListPartnerAdjustRecordsRequest> for AdjustRecordQuery {
    type Error = ApiError;

    fn try_from(req: ListPartnerAdjustRecordsRequest) -> Result<Self, ApiError> {
        let operation = bounded("operation_type", req.operation_type, 64)?;
        let kind = match operation.as_deref() {
            None | Some(BEUNBIND) => None,
            Some(BEADJUST) => Some(TransferKind::Adjust),
            Some(BERETRIEVE) => Some(TransferKind::Reclaim),
            Some(other) => {
                return Err(ApiError::parameter(format!(
                    "invalid parameter operation_type: {other:?}"
                )));
            }
        };
        let begin = bounded("operation_time_begin", req.operation_time_begin, 20)?;
        let end = bounded("operation_time_end", req.operation_time_end, 20)?;
        Ok(AdjustRecordQuery {
            filter: AdjustRecordFilter {
                counterparty: bounded("customer_id", req.customer_id, 64)?,
                kind,
                from: utc_filter("operation_time_begin", begin.as_deref())?,
                to: utc_filter("operation_time_end", end.as_deref())?,
                transfer_id: bounded("trans_id", req.trans_id, 128)?,
            },
            unbind_only: operation.as_deref() == Some(BEUNBIND),
            offset: req.offset,
            limit: req.limit,
            indirect_partner_id: bounded("indirect_partner_id", req.indirect_partner_id, 64)?,
        })
    }
}

/// SDK `ListPartnerAdjustRecordsResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListPartnerAdjustRecordsResponse {
    records: Vec<AdjustRecordV3>,
    total_count: u64,
}

/// SDK `AdjustRecordV3`: the amount is a string, positive in both directions.
#[derive(Serialize, ToSchema)]
pub(crate) struct AdjustRecordV3 {
    customer_id: String,
    customer_name: String,
    operation_type: &'static str,
    amount: String,
    currency: &'static str,
    operation_time: String,
    measure_id: i64,
    trans_id: String,
}

const BEADJUST: &str = "SOURCE_OPERATION_BEADJUST";
const BERETRIEVE: &str = "SOURCE_OPERATION_BERETRIEVE";
const BEUNBIND: &str = "SOURCE_OPERATION_BEUNBIND";

impl From<Paged<AdjustRecord>> for ListPartnerAdjustRecordsResponse {
    fn from(page: Paged<AdjustRecord>) -> Self {
        let records = page
            .rows
            .into_iter()
            .map(|r| AdjustRecordV3 {
                customer_id: r.counterparty,
                customer_name: r.counterparty_name,
                operation_type: if r.kind == TransferKind::Reclaim { BERETRIEVE } else { BEADJUST },
                amount: amount_text(r.amount),
                currency: CURRENCY,
                operation_time: format_utc(r.at),
                measure_id: MEASURE_YUAN,
                trans_id: r.transfer_id,
            })
            .collect();
        ListPartnerAdjustRecordsResponse { records, total_count: page.total }
    }
}

/// SDK `ListPartnerAccountChangeRecordsRequest` (query string).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListPartnerAccountChangeRecordsRequest {
    pub(crate) balance_type: Option<String>,
    pub(crate) trade_type: Option<String>,
    pub(crate) trade_time_begin: Option<String>,
    pub(crate) trade_time_end: Option<String>,
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
    pub(crate) indirect_partner_id: Option<String>,
}

impl TryFrom<ListPartnerAccountChangeRecordsRequest> for AccountChangeQuery {
    type Error = ApiError;

    fn try_from(req: ListPartnerAccountChangeRecordsRequest) -> Result<Self, ApiError> {
        Ok(AccountChangeQuery {
            account: balance_type(req.balance_type.as_deref())?.unwrap_or(AccountKind::Cash),
            kinds: trade_type(req.trade_type.as_deref())?,
            direction: None,
            trade_id: None,
            begin: parse_date("trade_time_begin", req.trade_time_begin.as_deref())?,
            end: parse_date("trade_time_end", req.trade_time_end.as_deref())?,
            offset: req.offset,
            limit: req.limit,
            indirect_partner_id: bounded("indirect_partner_id", req.indirect_partner_id, 64)?,
        })
    }
}

/// SDK `ListCustomerAccountChangeRecordsRequest` (query string).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListCustomerAccountChangeRecordsRequest {
    pub(crate) balance_type: Option<String>,
    pub(crate) revenue_expense_type: Option<String>,
    pub(crate) trade_type: Option<String>,
    pub(crate) trade_time_begin: Option<String>,
    pub(crate) trade_time_end: Option<String>,
    pub(crate) trade_id: Option<String>,
    /// Payment channels: accepted, and not yet a filter, since no movement records one.
    #[allow(dead_code)]
    pub(crate) payment_channel_id: Option<String>,
    #[allow(dead_code)]
    pub(crate) payment_channel_no: Option<String>,
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
}

impl TryFrom<ListCustomerAccountChangeRecordsRequest> for AccountChangeQuery {
    type Error = ApiError;

    fn try_from(req: ListCustomerAccountChangeRecordsRequest) -> Result<Self, ApiError> {
        let account = balance_type(req.balance_type.as_deref())?
            .ok_or_else(|| ApiError::parameter("invalid parameter balance_type: required"))?;
        let direction = match req.revenue_expense_type.as_deref().filter(|t| !t.is_empty()) {
            None => None,
            Some("REVENUE") => Some(Direction::Income),
            Some("EXPENSE") => Some(Direction::Expense),
            Some(other) => {
                return Err(ApiError::parameter(format!(
                    "invalid parameter revenue_expense_type: {other:?}"
                )));
            }
        };
        Ok(AccountChangeQuery {
            account,
            kinds: trade_type(req.trade_type.as_deref())?,
            direction,
            trade_id: bounded("trade_id", req.trade_id, 128)?,
            begin: parse_date("trade_time_begin", req.trade_time_begin.as_deref())?,
            end: parse_date("trade_time_end", req.trade_time_end.as_deref())?,
            offset: req.offset,
            limit: req.limit,
            indirect_partner_id: None,
        })
    }
}

/// `balance_type`: which account's changes to list.
fn balance_type(text: Option<&str>) -> Result<Option<AccountKind>, ApiError> {
    match text.filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some("BALANCE_TYPE_DEBIT") => Ok(Some(AccountKind::Cash)),
        Some("BALANCE_TYPE_CREDIT") => Ok(Some(AccountKind::Credit)),
        Some(other) => {
            Err(ApiError::parameter(format!("invalid parameter balance_type: {other:?}")))
        }
    }
}

/// `trade_type`: the transfer kinds it selects. Kinds of trade no operation makes yet (usage,
/// refunds, freezes…) are valid and select nothing.
fn trade_type(text: Option<&str>) -> Result<Option<Vec<TransferKind>>, ApiError> {
    let kinds = match text.filter(|t| !t.is_empty()) {
        None => return Ok(None),
        Some("RECHARGE") => vec![TransferKind::Opening],
        Some("ADJUST") => vec![TransferKind::CreditGrant],
        Some("BEADJUST") => vec![TransferKind::Adjust],
        Some("BERETRIEVE") => vec![TransferKind::Reclaim],
        Some(
            "DEDEUCT"
            | "REFUND"
            | "RFROZEN"
            | "TRANS"
            | "BEUNBIND"
            | "BONUSCONVERT"
            | "TRADE_MODE_TRANSFER"
            | "EXPIRED"
            | "DEPOSIT",
        ) => Vec::new(),
        Some(other) => {
            return Err(ApiError::parameter(format!("invalid parameter trade_type: {other:?}")));
        }
    };
    Ok(Some(kinds))
}

/// The record type of each kind of transfer, spelled as the API spells it (`OPERAIION` sic).
pub(crate) fn trade_detail_type(kind: TransferKind) -> &'static str {
    match kind {
        TransferKind::Opening => "SOURCE_OPERAIION_RECHARGE",
        TransferKind::CreditGrant => "SOURCE_OPERAIION_ADJUST_CREDIT",
        TransferKind::Adjust => BEADJUST,
        TransferKind::Reclaim => BERETRIEVE,
        // Coupon value moves between quota and coupon accounts, never through a cash account's
        // records; named for completeness.
        TransferKind::QuotaGrant | TransferKind::QuotaTransfer => {
            "SOURCE_OPERATION_COUPON_QUOTA_TRANSFER"
        }
        TransferKind::QuotaReclaim => "SOURCE_OPERATION_COUPON_QUOTA_RECLAIM",
        TransferKind::CouponIssue => "SOURCE_OPERAIION_PRIZE",
        TransferKind::CouponReclaim => "SOURCE_OPERATION_COUPONCANCEL",
    }
}

/// SDK `ListPartnerAccountChangeRecordsResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListPartnerAccountChangeRecordsResponse {
    total_count: u64,
    currency: &'static str,
    records: Vec<AccountChangeRecord>,
}

/// SDK `AccountChangeRecord`.
#[derive(Serialize, ToSchema)]
pub(crate) struct AccountChangeRecord {
    account_change_id: String,
    trade_detail_type: &'static str,
    trade_time: String,
    trade_id: String,
    change_amount: String,
    balance_after_change: String,
    /// `1` income, `2` expense.
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_name: Option<String>,
}

fn unsigned(money: Money) -> Money {
    if money.is_negative() { Money::ZERO.checked_sub(money).unwrap_or(money) } else { money }
}

impl From<Paged<LedgerEntry>> for ListPartnerAccountChangeRecordsResponse {
    fn from(page: Paged<LedgerEntry>) -> Self {
        let records = page
            .rows
            .into_iter()
            .map(|e| {
                // Only adjusts and reclaims name the customer or reseller on the other side.
                let counterparty = e
                    .counterparty
                    .filter(|_| matches!(e.kind, TransferKind::Adjust | TransferKind::Reclaim));
                AccountChangeRecord {
                    account_change_id: e.entry_no.to_string(),
                    trade_detail_type: trade_detail_type(e.kind),
                    trade_time: format_utc(e.at),
                    trade_id: e.transfer_id,
                    change_amount: amount_text(unsigned(e.amount)),
                    balance_after_change: amount_text(e.balance_after),
                    kind: if e.amount.is_negative() { "2" } else { "1" },
                    customer_id: counterparty.as_ref().map(|c| c.0.clone()),
                    account_name: counterparty.map(|c| c.1),
                }
            })
            .collect();
        ListPartnerAccountChangeRecordsResponse {
            total_count: page.total,
            currency: CURRENCY,
            records,
        }
    }
}

/// SDK `ListCustomerAccountChangeRecordsResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListCustomerAccountChangeRecordsResponse {
    total_count: u64,
    currency: &'static str,
    records: Vec<CustomerAccountChangeRecord>,
}

/// SDK `CustomerAccountChangeRecord`.
#[derive(Serialize, ToSchema)]
pub(crate) struct CustomerAccountChangeRecord {
    account_change_id: String,
    trade_detail_type: &'static str,
    trade_time: String,
    trade_id: String,
    change_amount: String,
    balance_after_change: String,
    /// `REVENUE` or `EXPENSE`.
    revenue_expense_type: &'static str,
    account_name: String,
}

impl From<CustomerAccountChanges> for ListCustomerAccountChangeRecordsResponse {
    fn from(changes: CustomerAccountChanges) -> Self {
        let CustomerAccountChanges { account_name, entries: page } = changes;
        let records = page
            .rows
            .into_iter()
            .map(|e| CustomerAccountChangeRecord {
                account_change_id: e.entry_no.to_string(),
                trade_detail_type: trade_detail_type(e.kind),
                trade_time: format_utc(e.at),
                trade_id: e.transfer_id,
                change_amount: amount_text(unsigned(e.amount)),
                balance_after_change: amount_text(e.balance_after),
                revenue_expense_type: if e.amount.is_negative() { "EXPENSE" } else { "REVENUE" },
                account_name: account_name.clone(),
            })
            .collect();
        ListCustomerAccountChangeRecordsResponse {
            total_count: page.total,
            currency: CURRENCY,
            records,
        }
    }
}
