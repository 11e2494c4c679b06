//! Fund accounts and the ledger under them: every balance is the sum of transfers in and out.
//!
//! Money only ever moves by a [`Transfer`] from one account to another, so the sum over all
//! accounts, the platform's issuing accounts included, is always zero.

use rust_decimal::Decimal;

use crate::{Money, Timestamp, customers::CustomerId, partners::PartnerId};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountId(pub String);

/// Who owns a fund account.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    /// The cloud itself: its issuing accounts are where money enters the channel, so their
    /// balances are the negative of everything issued.
    Platform,
    Partner(PartnerId),
    Customer(CustomerId),
    /// A coupon quota's value (`coupons::CouponQuota`), by quota id.
    Quota(String),
    /// A coupon's value, by coupon id.
    Coupon(String),
}

/// The account types of the balance APIs (`account_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccountKind {
    /// 1: cash (余额): recharged money.
    Cash,
    /// 2: credit (信用): a credit line; the balance is what is left of it.
    Credit,
    /// Coupon value a quota may still issue. Never listed with a partner's balances.
    CouponQuota,
    /// Coupon value a customer may still spend. Never listed with a customer's balances.
    Coupon,
}

impl AccountKind {
    pub fn code(self) -> i64 {
        match self {
            AccountKind::Cash => 1,
            AccountKind::Credit => 2,
            AccountKind::CouponQuota => 10,
            AccountKind::Coupon => 11,
        }
    }

    pub fn from_code(code: i64) -> Option<AccountKind> {
        [AccountKind::Cash, AccountKind::Credit, AccountKind::CouponQuota, AccountKind::Coupon]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundAccount {
    pub id: AccountId,
    pub owner: Owner,
    pub kind: AccountKind,
    /// The sum of all transfers into the account minus all transfers out of it.
    pub balance: Money,
    /// Ring-fenced money (专款专用) that can only be spent on specific things.
    pub designated: Money,
    /// The total credit line; meaningful for credit accounts only.
    pub credit_limit: Money,
}

/// Why money moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TransferKind {
    /// The platform opened an account with this balance (world files, recharges).
    Opening,
    /// The platform granted a credit line.
    CreditGrant,
    /// 拨款: a partner funds a customer, or a distributor funds its reseller.
    Adjust,
    /// 回收: a partner takes money back from a customer, or a distributor from its reseller.
    Reclaim,
    /// The platform grants a partner a coupon quota.
    QuotaGrant,
    /// A distributor grants part of its quota to its reseller.
    QuotaTransfer,
    /// A distributor takes a reseller's unused quota back.
    QuotaReclaim,
    /// A partner issues a coupon from a quota to a customer.
    CouponIssue,
    /// A partner takes a coupon's unused value back to the quota (or, when the quota can no
    /// longer issue, to the platform).
    CouponReclaim,
}

impl TransferKind {
    pub const ALL: [TransferKind; 9] = [
        TransferKind::Opening,
        TransferKind::CreditGrant,
        TransferKind::Adjust,
        TransferKind::Reclaim,
        TransferKind::QuotaGrant,
        TransferKind::QuotaTransfer,
        TransferKind::QuotaReclaim,
        TransferKind::CouponIssue,
        TransferKind::CouponReclaim,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TransferKind::Opening => "opening",
            TransferKind::CreditGrant => "credit_grant",
            TransferKind::Adjust => "adjust",
            TransferKind::Reclaim => "reclaim",
            TransferKind::QuotaGrant => "quota_grant",
            TransferKind::QuotaTransfer => "quota_transfer",
            TransferKind::QuotaReclaim => "quota_reclaim",
            TransferKind::CouponIssue => "coupon_issue",
            TransferKind::CouponReclaim => "coupon_reclaim",
        }
    }

    pub fn from_code(code: &str) -> Option<TransferKind> {
        TransferKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// An immutable movement of a positive amount from `debit` to `credit`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer {
    pub id: String,
    pub debit: AccountId,
    pub credit: AccountId,
    pub amount: Money,
    pub kind: TransferKind,
    pub at: Timestamp,
    /// For adjusts and reclaims: whose adjust records show it, and with whom.
    pub parties: Option<AdjustParties>,
}

/// The partner an adjust or reclaim belongs to, and the customer or reseller on the other side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdjustParties {
    pub partner: PartnerId,
    pub counterparty: String,
}

/// One side of a transfer as its account sees it: a line of the account's income and expense.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerEntry {
    /// Increases with every entry: the order money moved in.
    pub entry_no: i64,
    pub transfer_id: String,
    pub account: AccountId,
    /// Positive for income, negative for expense.
    pub amount: Money,
    pub balance_after: Money,
    pub kind: TransferKind,
    pub at: Timestamp,
    /// The customer or reseller on the other side of an adjust or reclaim, with its name.
    pub counterparty: Option<(String, String)>,
}

/// An adjust or reclaim as the partner's adjust records list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdjustRecord {
    pub transfer_id: String,
    pub kind: TransferKind,
    pub amount: Money,
    pub at: Timestamp,
    pub counterparty: String,
    pub counterparty_name: String,
}

/// The filters of `ListPartnerAdjustRecords`; `None` is no filter. Time bounds are inclusive.
#[derive(Clone, Debug, Default)]
pub struct AdjustRecordFilter {
    pub counterparty: Option<String>,
    pub kind: Option<TransferKind>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub transfer_id: Option<String>,
}

/// Income or expense.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Income,
    Expense,
}

/// The filters of the account change record lists; `None` is no filter.
#[derive(Clone, Debug)]
pub struct LedgerEntryFilter {
    /// Entries of these kinds; an empty list matches nothing.
    pub kinds: Option<Vec<TransferKind>>,
    pub direction: Option<Direction>,
    pub from: Timestamp,
    pub to: Timestamp,
    pub transfer_id: Option<String>,
}

/// The rules of moving money, in the order the real system reports them: the amount, then
/// the target, then the balance.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FundsError {
    #[error("the amount must be greater than 0")]
    AmountMustBePositive,
    /// The amount is not an amount of money with at most two decimals.
    #[error(transparent)]
    AmountMalformed(crate::money::MoneyError),
    /// `CBC.99000035`: the customer is not one of the acting partner's sub-customers.
    #[error("the customer {0} is not your sub-customer")]
    NotYourCustomer(String),
    /// `CBC.99000000`: a referral (顾问销售) customer pays the cloud itself; partners move no
    /// money to or from it.
    #[error("the customer {0} is a referral customer: no permission to move its funds")]
    ReferralCustomerFundsAreNotYours(String),
    /// `CBC.99005003`: the payer's available balance (cash minus designated funds) is short.
    #[error("insufficient balance: {available} available, {requested} requested")]
    InsufficientBalance { available: Money, requested: Money },
    #[error("the amount must not be negative")]
    AmountMustNotBeNegative,
    #[error("an account cannot transfer to itself")]
    TransferToSameAccount,
    #[error("the balance would overflow")]
    BalanceOverflow,
}

impl FundsError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            FundsError::AmountMustBePositive => "AmountMustBePositive",
            FundsError::AmountMalformed(err) => err.rule(),
            FundsError::NotYourCustomer(_) => "NotYourCustomer",
            FundsError::ReferralCustomerFundsAreNotYours { .. } => {
                "ReferralCustomerFundsAreNotYours"
            }
            FundsError::InsufficientBalance { .. } => "InsufficientBalance",
            FundsError::AmountMustNotBeNegative => "AmountMustNotBeNegative",
            FundsError::TransferToSameAccount => "TransferToSameAccount",
            FundsError::BalanceOverflow => "BalanceOverflow",
        }
    }
}

/// The platform opens an account with `amount`: a transfer from the platform's issuing account
/// of the same kind. A zero opening balance moves nothing.
pub fn opening_transfer(
    issuing: &FundAccount,
    account: &FundAccount,
    amount: Money,
    id: String,
    at: Timestamp,
) -> Result<Option<Transfer>, FundsError> {
    if amount.is_negative() {
        return Err(FundsError::AmountMustNotBeNegative);
    }
    if !amount.is_positive() {
        return Ok(None);
    }
    let kind = match account.kind {
        AccountKind::Cash => TransferKind::Opening,
        AccountKind::Credit => TransferKind::CreditGrant,
        AccountKind::CouponQuota => TransferKind::QuotaGrant,
        AccountKind::Coupon => TransferKind::CouponIssue,
    };
    transfer(issuing, account, amount, kind, id, at).map(Some)
}

/// A transfer of `amount` between two distinct accounts, checked for overflow on both sides.
pub fn transfer(
    debit: &FundAccount,
    credit: &FundAccount,
    amount: Money,
    kind: TransferKind,
    id: String,
    at: Timestamp,
) -> Result<Transfer, FundsError> {
    if !amount.is_positive() {
        return Err(FundsError::AmountMustBePositive);
    }
    if debit.id == credit.id {
        return Err(FundsError::TransferToSameAccount);
    }
    debit.balance.checked_sub(amount).ok_or(FundsError::BalanceOverflow)?;
    credit.balance.checked_add(amount).ok_or(FundsError::BalanceOverflow)?;
    Ok(Transfer {
        id,
        debit: debit.id.clone(),
        credit: credit.id.clone(),
        amount,
        kind,
        at,
        parties: None,
    })
}

/// Balances after applying `transfer` to its two accounts: what leaves one enters the other.
pub fn apply(transfer: &Transfer, account: &FundAccount) -> Result<Money, FundsError> {
    let balance = if account.id == transfer.debit {
        account.balance.checked_sub(transfer.amount)
    } else if account.id == transfer.credit {
        account.balance.checked_add(transfer.amount)
    } else {
        Some(account.balance)
    };
    balance.ok_or(FundsError::BalanceOverflow)
}

/// Money a payer may move out: its balance less designated (专款专用) funds, never negative.
pub fn available(account: &FundAccount) -> Money {
    account
        .balance
        .checked_sub(account.designated)
        .filter(|m| !m.is_negative())
        .unwrap_or(Money::ZERO)
}

/// A move of `amount` out of `payer` into `payee`, refused when the payer's available balance is
/// short. Adjusts and reclaims alike: the payer is the partner for an adjust, the customer (or
/// reseller) for a reclaim.
pub fn move_funds(
    payer: &FundAccount,
    payee: &FundAccount,
    amount: Money,
    kind: TransferKind,
    id: String,
    at: Timestamp,
) -> Result<Transfer, FundsError> {
    if !amount.is_positive() {
        return Err(FundsError::AmountMustBePositive);
    }
    let available = available(payer);
    if amount > available {
        return Err(FundsError::InsufficientBalance { available, requested: amount });
    }
    transfer(payer, payee, amount, kind, id, at)
}

/// A partner moves money only to and from its own customers in the reseller (代售) association.
pub fn may_move_customer_funds(
    acting: &crate::partners::PartnerId,
    customer: Option<&crate::customers::Customer>,
    customer_id: &str,
) -> Result<(), FundsError> {
    let association = customer
        .and_then(|c| c.association.as_ref())
        .filter(|a| &a.partner == acting)
        .ok_or_else(|| FundsError::NotYourCustomer(customer_id.to_owned()))?;
    match association.kind {
        crate::customers::AssociationType::Reseller => Ok(()),
        crate::customers::AssociationType::Referral => {
            Err(FundsError::ReferralCustomerFundsAreNotYours(customer_id.to_owned()))
        }
    }
}

/// What a customer owes: the part of its cash balance below zero (`debt_amount`).
pub fn debt(accounts: &[FundAccount]) -> Money {
    accounts
        .iter()
        .filter(|a| a.kind == AccountKind::Cash && a.balance.is_negative())
        .fold(Money::ZERO, |sum, a| sum.checked_sub(a.balance).unwrap_or(sum))
}

/// An amount a partner moves to or from a customer or reseller: more than 0 and at most two
/// decimals ("取值大于0且精确到小数点后2位", UpdateCustomerAccountAmount and the other three fund
/// movements). Refused, never rounded.
pub fn amount_to_move(amount: Decimal) -> Result<Money, FundsError> {
    let money = Money::from_decimal(amount, 2).map_err(FundsError::AmountMalformed)?;
    if !money.is_positive() {
        return Err(FundsError::AmountMustBePositive);
    }
    Ok(money)
}
