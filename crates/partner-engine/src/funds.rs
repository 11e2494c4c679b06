//! Fund operations: balances, moving money between partners and customers, and the records of
//! both.

use partner_domain::{
    Money, Timestamp,
    customers::CustomerId,
    funds::{
        self, AccountKind, AdjustParties, AdjustRecord, AdjustRecordFilter, Direction, FundAccount,
        LedgerEntry, LedgerEntryFilter, Owner, TransferKind,
    },
    paging::{PageRules, Paged},
    partners::{self, Partner, PartnerError},
};
use partner_store::Tx;
use rust_decimal::Decimal;

use crate::{Caller, Engine, EngineError, Internal, Principal};

/// A customer's accounts and what it owes (`ShowCustomerAccountBalances`).
#[derive(Clone, Debug)]
pub struct CustomerBalances {
    pub accounts: Vec<FundAccount>,
    pub debt: Money,
}

/// One customer's cash position in `ListCustomersBalancesDetail`.
#[derive(Clone, Debug)]
pub struct CustomerBalance {
    pub customer: CustomerId,
    pub amount: Money,
    pub debt: Money,
}

/// A customer's account changes, with the customer's account name the records repeat.
#[derive(Clone, Debug)]
pub struct CustomerAccountChanges {
    pub account_name: String,
    pub entries: Paged<LedgerEntry>,
}

/// `UpdateCustomerAccountAmount` and `ReclaimToPartnerAccount` as the request gives them: the
/// acting partner moves `amount` to or from its customer.
#[derive(Clone, Debug)]
pub struct CustomerFundsMove {
    pub customer_id: String,
    pub amount: Decimal,
    pub indirect_partner_id: Option<String>,
}

/// `UpdateIndirectPartnerAccount` and `ReclaimIndirectPartnerAccount` as the request gives
/// them: a distributor moves `amount` to or from its reseller.
#[derive(Clone, Debug)]
pub struct ResellerFundsMove {
    pub indirect_partner_id: String,
    pub amount: Decimal,
}

/// A movement of money one of the four fund operations asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FundMove {
    /// `UpdateCustomerAccountAmount`: the acting partner funds its customer.
    AdjustCustomer { customer_id: String, amount: Money, indirect_partner_id: Option<String> },
    /// `ReclaimToPartnerAccount`: the acting partner takes money back from its customer.
    ReclaimCustomer { customer_id: String, amount: Money, indirect_partner_id: Option<String> },
    /// `UpdateIndirectPartnerAccount`: a distributor funds its reseller.
    AdjustReseller { indirect_partner_id: String, amount: Money },
    /// `ReclaimIndirectPartnerAccount`: a distributor takes money back from its reseller.
    ReclaimReseller { indirect_partner_id: String, amount: Money },
}

impl FundMove {
    pub(crate) fn operation(&self) -> &'static str {
        match self {
            FundMove::AdjustCustomer { .. } => "UpdateCustomerAccountAmount",
            FundMove::ReclaimCustomer { .. } => "ReclaimToPartnerAccount",
            FundMove::AdjustReseller { .. } => "UpdateIndirectPartnerAccount",
            FundMove::ReclaimReseller { .. } => "ReclaimIndirectPartnerAccount",
        }
    }

    pub(crate) fn target(&self) -> String {
        match self {
            FundMove::AdjustCustomer { customer_id, .. }
            | FundMove::ReclaimCustomer { customer_id, .. } => format!("customer:{customer_id}"),
            FundMove::AdjustReseller { indirect_partner_id, .. }
            | FundMove::ReclaimReseller { indirect_partner_id, .. } => {
                format!("partner:{indirect_partner_id}")
            }
        }
    }

    fn kind(&self) -> TransferKind {
        match self {
            FundMove::AdjustCustomer { .. } | FundMove::AdjustReseller { .. } => {
                TransferKind::Adjust
            }
            FundMove::ReclaimCustomer { .. } | FundMove::ReclaimReseller { .. } => {
                TransferKind::Reclaim
            }
        }
    }

    /// What a retry with the same idempotency key must repeat exactly.
    pub(crate) fn fingerprint(&self) -> String {
        format!("{self:?}")
    }

    fn amount(&self) -> Money {
        match self {
            FundMove::AdjustCustomer { amount, .. }
            | FundMove::ReclaimCustomer { amount, .. }
            | FundMove::AdjustReseller { amount, .. }
            | FundMove::ReclaimReseller { amount, .. } => *amount,
        }
    }

    /// The customer this movement names, if any.
    pub(crate) fn customer(&self) -> Option<&str> {
        match self {
            FundMove::AdjustCustomer { customer_id, .. }
            | FundMove::ReclaimCustomer { customer_id, .. } => Some(customer_id),
            _ => None,
        }
    }

    /// The reseller this movement names, if any.
    pub(crate) fn reseller(&self) -> Option<&str> {
        match self {
            FundMove::AdjustCustomer { indirect_partner_id, .. }
            | FundMove::ReclaimCustomer { indirect_partner_id, .. } => {
                indirect_partner_id.as_deref()
            }
            FundMove::AdjustReseller { indirect_partner_id, .. }
            | FundMove::ReclaimReseller { indirect_partner_id, .. } => Some(indirect_partner_id),
        }
    }
}

/// What a group commit has loaded and locked, and the balances as its movements change them.
#[derive(Default)]
pub(crate) struct BatchState {
    pub(crate) partners: std::collections::HashMap<String, Partner>,
    pub(crate) customers: std::collections::HashMap<String, partner_domain::customers::Customer>,
    pub(crate) accounts: std::collections::HashMap<Owner, FundAccount>,
}

/// An amount a partner moves: more than 0, at most two decimals ("取值大于0且精确到小数点后2位").
fn amount_to_move(amount: Decimal) -> Result<Money, EngineError> {
    let money = Money::from_decimal(amount, 2)?;
    if !money.is_positive() {
        return Err(funds::FundsError::AmountMustBePositive.into());
    }
    Ok(money)
}

fn required(field: &'static str, value: String) -> Result<String, EngineError> {
    if value.is_empty() {
        return Err(EngineError::InvalidParameter { field, reason: "is required".into() });
    }
    Ok(value)
}

/// `ListPartnerAdjustRecords` as the request gives it.
#[derive(Clone, Debug, Default)]
pub struct AdjustRecordQuery {
    pub filter: AdjustRecordFilter,
    /// `SOURCE_OPERATION_BEUNBIND` was asked for: reclaims on unbinding, which no operation
    /// makes yet.
    pub unbind_only: bool,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// The account change record lists as the request gives them. Dates are calendar days in
/// UTC+8, as the API counts them.
#[derive(Clone, Debug)]
pub struct AccountChangeQuery {
    pub account: AccountKind,
    /// `None` for every kind; an empty list matches nothing.
    pub kinds: Option<Vec<TransferKind>>,
    pub direction: Option<Direction>,
    pub trade_id: Option<String>,
    pub begin: Option<time::Date>,
    pub end: Option<time::Date>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// UTC+8, the time zone the change record dates are in.
const UTC_PLUS_8: time::UtcOffset = match time::UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => time::UtcOffset::UTC,
};

/// The instants a date range covers: the default is the last year up to today, and a range
/// may not be reversed or span more than a year.
fn change_window(
    begin: Option<time::Date>,
    end: Option<time::Date>,
    now: Timestamp,
) -> Result<(Timestamp, Timestamp), EngineError> {
    let invalid = |reason: &str| EngineError::InvalidParameter {
        field: "trade_time_begin",
        reason: reason.to_owned(),
    };
    let today = time::OffsetDateTime::from_unix_timestamp(now.millis().div_euclid(1000))
        .map_err(|_| invalid("the clock is out of range"))?
        .to_offset(UTC_PLUS_8)
        .date();
    let year_before = |d: time::Date| {
        d.replace_year(d.year() - 1)
            .or_else(|_| d.replace_day(28).and_then(|d| d.replace_year(d.year() - 1)))
    };
    let end = end.unwrap_or(today);
    let begin = match begin {
        Some(begin) => begin,
        None => year_before(end).map_err(|_| invalid("out of range"))?,
    };
    if begin > end {
        return Err(invalid("the begin date is after the end date"));
    }
    if begin < year_before(end).map_err(|_| invalid("out of range"))? {
        return Err(invalid("the range spans more than one year"));
    }
    let start_of = |d: time::Date| d.midnight().assume_offset(UTC_PLUS_8).unix_timestamp() * 1000;
    let to = end.next_day().map(start_of).ok_or_else(|| invalid("out of range"))? - 1;
    Ok((Timestamp::from_millis(start_of(begin)), Timestamp::from_millis(to)))
}

impl Engine {
    /// `ListPartnerBalances`: the caller's fund accounts, or a reseller's when its distributor
    /// passes `indirect_partner_id`.
    pub async fn list_partner_balances(
        &self,
        caller: &Caller,
        indirect_partner_id: Option<&str>,
    ) -> Result<Vec<FundAccount>, EngineError> {
        let Principal::Partner(caller_id) = &caller.principal else {
            return Err(EngineError::OperationNotOpenToCaller);
        };
        let mut tx = self.store.read().await?;
        // Every kind of partner reads its own balances, so the common call needs no partner
        // row: the authenticated key already names an existing partner.
        let owner = match indirect_partner_id.filter(|id| !id.is_empty()) {
            None => caller_id.clone(),
            Some(_) => {
                let partner = self.calling_partner(&mut *tx, caller).await?;
                self.acting_partner(&mut *tx, partner, indirect_partner_id).await?.id
            }
        };
        Ok(tx.fund_accounts_of(&Owner::Partner(owner)).await?)
    }

    /// `ShowCustomerAccountBalances`: the calling customer's own accounts.
    pub async fn show_customer_account_balances(
        &self,
        caller: &Caller,
    ) -> Result<CustomerBalances, EngineError> {
        let mut tx = self.store.read().await?;
        let customer = self.calling_customer(&mut *tx, caller).await?;
        let accounts = tx.fund_accounts_of(&Owner::Customer(customer.id)).await?;
        let debt = funds::debt(&accounts);
        Ok(CustomerBalances { accounts, debt })
    }

    /// `ListCustomersBalancesDetail`: the cash of the acting partner's reseller-association
    /// customers among `customer_ids`; anyone else is silently left out.
    pub async fn list_customers_balances_detail(
        &self,
        caller: &Caller,
        customer_ids: Vec<String>,
        indirect_partner_id: Option<&str>,
    ) -> Result<Vec<CustomerBalance>, EngineError> {
        if customer_ids.is_empty() || customer_ids.len() > 100 {
            return Err(EngineError::InvalidParameter {
                field: "customer_infos",
                reason: "must hold 1 to 100 customers".into(),
            });
        }
        let mut tx = self.store.read().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        partners::may_manage_sub_customers(&partner)?;
        let acting = self.acting_partner(&mut *tx, partner, indirect_partner_id).await?;
        let mut seen = std::collections::HashSet::new();
        let mut balances = Vec::new();
        for id in customer_ids.into_iter().filter(|id| seen.insert(id.clone())) {
            let customer = tx.customer(&CustomerId(id.clone())).await?;
            if funds::may_move_customer_funds(&acting.id, customer.as_ref(), &id).is_err() {
                continue;
            }
            let owner = Owner::Customer(CustomerId(id.clone()));
            let accounts: Vec<FundAccount> = tx.fund_accounts_of(&owner).await?;
            let amount = accounts
                .iter()
                .filter(|a| a.kind == AccountKind::Cash)
                .map(|a| a.balance)
                .fold(Money::ZERO, |sum, b| sum.checked_add(b).unwrap_or(sum));
            balances.push(CustomerBalance {
                customer: CustomerId(id),
                amount,
                debt: funds::debt(&accounts),
            });
        }
        Ok(balances)
    }

    /// `UpdateCustomerAccountAmount`: the caller (or, for a distributor passing
    /// `indirect_partner_id`, its reseller) funds a reseller-association customer. Returns the
    /// transfer id.
    pub async fn update_customer_account_amount(
        &self,
        caller: &Caller,
        request: CustomerFundsMove,
        idempotency_key: Option<String>,
    ) -> Result<String, EngineError> {
        self.move_customer_funds(caller, TransferKind::Adjust, request, idempotency_key).await
    }

    /// `ReclaimToPartnerAccount`: the reverse of `UpdateCustomerAccountAmount`.
    pub async fn reclaim_to_partner_account(
        &self,
        caller: &Caller,
        request: CustomerFundsMove,
        idempotency_key: Option<String>,
    ) -> Result<String, EngineError> {
        self.move_customer_funds(caller, TransferKind::Reclaim, request, idempotency_key).await
    }

    /// `UpdateIndirectPartnerAccount`: a distributor funds one of its resellers.
    pub async fn update_indirect_partner_account(
        &self,
        caller: &Caller,
        request: ResellerFundsMove,
        idempotency_key: Option<String>,
    ) -> Result<String, EngineError> {
        self.move_reseller_funds(caller, TransferKind::Adjust, request, idempotency_key).await
    }

    /// `ReclaimIndirectPartnerAccount`: a distributor takes money back from its reseller.
    pub async fn reclaim_indirect_partner_account(
        &self,
        caller: &Caller,
        request: ResellerFundsMove,
        idempotency_key: Option<String>,
    ) -> Result<String, EngineError> {
        self.move_reseller_funds(caller, TransferKind::Reclaim, request, idempotency_key).await
    }

    async fn move_customer_funds(
        &self,
        caller: &Caller,
        kind: TransferKind,
        request: CustomerFundsMove,
        idempotency_key: Option<String>,
    ) -> Result<String, EngineError> {
        let CustomerFundsMove { customer_id, amount, indirect_partner_id } = request;
        let operation = match kind {
            TransferKind::Reclaim => "ReclaimToPartnerAccount",
            _ => "UpdateCustomerAccountAmount",
        };
        let target = format!("customer:{customer_id}");
        let request = || {
            let customer_id = required("customer_id", customer_id)?;
            let amount = amount_to_move(amount)?;
            Ok(match kind {
                TransferKind::Reclaim => {
                    FundMove::ReclaimCustomer { customer_id, amount, indirect_partner_id }
                }
                _ => FundMove::AdjustCustomer { customer_id, amount, indirect_partner_id },
            })
        };
        self.checked_move(caller, operation, target, request(), idempotency_key).await
    }

    async fn move_reseller_funds(
        &self,
        caller: &Caller,
        kind: TransferKind,
        request: ResellerFundsMove,
        idempotency_key: Option<String>,
    ) -> Result<String, EngineError> {
        let ResellerFundsMove { indirect_partner_id, amount } = request;
        let operation = match kind {
            TransferKind::Reclaim => "ReclaimIndirectPartnerAccount",
            _ => "UpdateIndirectPartnerAccount",
        };
        let target = format!("partner:{indirect_partner_id}");
        let request = || {
            let indirect_partner_id = required("indirect_partner_id", indirect_partner_id)?;
            let amount = amount_to_move(amount)?;
            Ok(match kind {
                TransferKind::Reclaim => FundMove::ReclaimReseller { indirect_partner_id, amount },
                _ => FundMove::AdjustReseller { indirect_partner_id, amount },
            })
        };
        self.checked_move(caller, operation, target, request(), idempotency_key).await
    }

    /// Sends a well-formed movement to the group commit; a malformed one is refused here, and
    /// its refusal audited like any other.
    async fn checked_move(
        &self,
        caller: &Caller,
        operation: &str,
        target: String,
        request: Result<FundMove, EngineError>,
        idempotency_key: Option<String>,
    ) -> Result<String, EngineError> {
        match request {
            Ok(request) => self.commit_move(caller, request, idempotency_key).await,
            Err(err) => {
                self.audit_refusal(caller, operation, target, &err).await;
                Err(err)
            }
        }
    }

    /// Authorizes and decides one money movement against the batch's state, moving the
    /// balances there. Nothing is written here: the committer persists the whole batch.
    pub(crate) fn decide_move(
        &self,
        state: &mut BatchState,
        caller: &Caller,
        request: &FundMove,
        now: Timestamp,
    ) -> Result<funds::Transfer, EngineError> {
        let Principal::Partner(caller_id) = &caller.principal else {
            return Err(EngineError::OperationNotOpenToCaller);
        };
        let partner =
            state.partners.get(&caller_id.0).ok_or(EngineError::OperationNotOpenToCaller)?;
        let (upper, lower, parties) = match request {
            FundMove::AdjustCustomer { customer_id, indirect_partner_id, .. }
            | FundMove::ReclaimCustomer { customer_id, indirect_partner_id, .. } => {
                partners::may_manage_sub_customers(partner)?;
                let indirect = indirect_partner_id.as_deref().and_then(|id| state.partners.get(id));
                let acting =
                    partners::acting_partner(partner, indirect_partner_id.as_deref(), indirect)?;
                let customer = state.customers.get(customer_id);
                funds::may_move_customer_funds(&acting.id, customer, customer_id)?;
                let parties =
                    AdjustParties { partner: acting.id.clone(), counterparty: customer_id.clone() };
                (
                    Owner::Partner(acting.id.clone()),
                    Owner::Customer(CustomerId(customer_id.clone())),
                    parties,
                )
            }
            FundMove::AdjustReseller { indirect_partner_id, .. }
            | FundMove::ReclaimReseller { indirect_partner_id, .. } => {
                partners::may_fund_indirect_partners(partner)?;
                let reseller = state
                    .partners
                    .get(indirect_partner_id)
                    .filter(|r| partners::is_own_reseller(partner, r))
                    .ok_or_else(|| {
                        PartnerError::NotYourIndirectPartner(indirect_partner_id.clone())
                    })?;
                let parties = AdjustParties {
                    partner: partner.id.clone(),
                    counterparty: reseller.id.0.clone(),
                };
                (Owner::Partner(partner.id.clone()), Owner::Partner(reseller.id.clone()), parties)
            }
        };
        let (payer, payee) = match request.kind() {
            TransferKind::Reclaim => (lower, upper),
            _ => (upper, lower),
        };
        let account = |owner: &Owner| {
            state.accounts.get(owner).cloned().ok_or_else(|| {
                EngineError::Internal(Internal::bug("a movement's account was not loaded"))
            })
        };
        let (payer_account, payee_account) = (account(&payer)?, account(&payee)?);
        let id = self.transfer_id(request.kind(), now);
        let mut transfer = funds::move_funds(
            &payer_account,
            &payee_account,
            request.amount(),
            request.kind(),
            id,
            now,
        )?;
        transfer.parties = Some(parties);
        for owner in [payer, payee] {
            if let Some(account) = state.accounts.get_mut(&owner) {
                account.balance = funds::apply(&transfer, account)?;
            }
        }
        Ok(transfer)
    }

    /// Transaction ids as the real API shapes them: `AD` for adjusts, `RE` for reclaims, then
    /// the time and a unique tail.
    fn transfer_id(&self, kind: TransferKind, now: Timestamp) -> String {
        let prefix = if kind == TransferKind::Reclaim { "RE" } else { "AD" };
        let format = time::macros::format_description!("[year][month][day][hour][minute][second]");
        let stamp = time::OffsetDateTime::from_unix_timestamp(now.millis().div_euclid(1000))
            .ok()
            .and_then(|t| t.format(format).ok())
            .unwrap_or_default();
        let tail: String = self.ids.next_id().chars().take(12).collect();
        format!("{prefix}{stamp}{tail}")
    }

    /// `ListPartnerAdjustRecords`: the acting partner's adjusts and reclaims, newest first.
    pub async fn list_partner_adjust_records(
        &self,
        caller: &Caller,
        query: AdjustRecordQuery,
    ) -> Result<Paged<AdjustRecord>, EngineError> {
        let mut tx = self.store.read().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        partners::may_manage_sub_customers(&partner)?;
        let page = PageRules::FUND_RECORDS.page(query.offset, query.limit)?;
        let acting =
            self.acting_partner(&mut *tx, partner, query.indirect_partner_id.as_deref()).await?;
        if query.unbind_only {
            return Ok(Paged { total: 0, rows: Vec::new() });
        }
        Ok(tx.adjust_records(&acting.id, &query.filter, page).await?)
    }

    /// `ListPartnerAccountChangeRecords`: income and expense of the acting partner's account.
    pub async fn list_partner_account_change_records(
        &self,
        caller: &Caller,
        query: AccountChangeQuery,
    ) -> Result<Paged<LedgerEntry>, EngineError> {
        let mut tx = self.store.read().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        let acting =
            self.acting_partner(&mut *tx, partner, query.indirect_partner_id.as_deref()).await?;
        let now = self.now(&mut *tx).await?;
        self.account_changes(&mut *tx, Owner::Partner(acting.id), query, now).await
    }

    /// `ListCustomerAccountChangeRecords`: income and expense of the calling customer.
    pub async fn list_customer_account_change_records(
        &self,
        caller: &Caller,
        query: AccountChangeQuery,
    ) -> Result<CustomerAccountChanges, EngineError> {
        let mut tx = self.store.read().await?;
        let customer = self.calling_customer(&mut *tx, caller).await?;
        let now = self.now(&mut *tx).await?;
        let entries =
            self.account_changes(&mut *tx, Owner::Customer(customer.id), query, now).await?;
        Ok(CustomerAccountChanges { account_name: customer.account_name, entries })
    }

    async fn account_changes(
        &self,
        tx: &mut dyn Tx,
        owner: Owner,
        query: AccountChangeQuery,
        now: Timestamp,
    ) -> Result<Paged<LedgerEntry>, EngineError> {
        let page = PageRules::FUND_RECORDS.page(query.offset, query.limit)?;
        let (from, to) = change_window(query.begin, query.end, now)?;
        let Some(account) = tx.fund_account(&owner, query.account).await? else {
            return Ok(Paged { total: 0, rows: Vec::new() });
        };
        let filter = LedgerEntryFilter {
            kinds: query.kinds,
            direction: query.direction,
            from,
            to,
            transfer_id: query.trade_id,
        };
        Ok(tx.ledger_entries(&account.id, &filter, page).await?)
    }
}
