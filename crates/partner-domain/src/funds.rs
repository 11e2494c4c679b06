//! Fund accounts and the ledger under them: every balance is the sum of transfers in and out.
//!
//! Money only ever moves by a [`Transfer`] from one account to another, so the sum over all
//! accounts, the platform's issuing accounts included, is always zero.

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
}

/// The account types of the balance APIs (`account_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccountKind {
    /// 1: cash (余额): recharged money.
    Cash,
    /// 2: credit (信用): a credit line; the balance is what is left of it.
    Credit,
}

impl AccountKind {
    pub fn code(self) -> i64 {
        match self {
            AccountKind::Cash => 1,
            AccountKind::Credit => 2,
        }
    }

    pub fn from_code(code: i64) -> Option<AccountKind> {
        [AccountKind::Cash, AccountKind::Credit].into_iter().find(|k| k.code() == code)
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferKind {
    /// The platform opened an account with this balance (world files, recharges).
    Opening,
    /// The platform granted a credit line.
    CreditGrant,
}

impl TransferKind {
    pub fn code(self) -> &'static str {
        match self {
            TransferKind::Opening => "opening",
            TransferKind::CreditGrant => "credit_grant",
        }
    }

    pub fn from_code(code: &str) -> Option<TransferKind> {
        [TransferKind::Opening, TransferKind::CreditGrant].into_iter().find(|k| k.code() == code)
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
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FundsError {
    #[error("the amount must be greater than 0")]
    AmountMustBePositive,
    #[error("the amount must not be negative")]
    AmountMustNotBeNegative,
    #[error("an account cannot transfer to itself")]
    TransferToSameAccount,
    #[error("the balance would overflow")]
    BalanceOverflow,
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
    Ok(Transfer { id, debit: debit.id.clone(), credit: credit.id.clone(), amount, kind, at })
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

/// What a customer owes: the part of its cash balance below zero (`debt_amount`).
pub fn debt(accounts: &[FundAccount]) -> Money {
    accounts
        .iter()
        .filter(|a| a.kind == AccountKind::Cash && a.balance.is_negative())
        .fold(Money::ZERO, |sum, a| sum.checked_sub(a.balance).unwrap_or(sum))
}
