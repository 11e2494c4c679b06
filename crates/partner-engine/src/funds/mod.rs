//! Fund operations: balances and the records of money moved; the movements themselves are in
//! `moves`.

mod moves;

pub use crate::retry::RetryKeys;
pub(crate) use moves::{BatchState, FundMove};
pub use moves::{CustomerFundsMove, ResellerFundsMove};

use partner_domain::{
    Money, Timestamp,
    customers::CustomerId,
    funds::{
        self, AccountKind, AdjustRecord, AdjustRecordFilter, Direction, FundAccount, LedgerEntry,
        LedgerEntryFilter, Owner, TransferKind,
    },
    paging::{PageRules, Paged},
    partners,
};
use partner_store::Tx;

use crate::{Caller, Engine, EngineError, Principal};

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
        let (from, to) = partner_domain::time::change_record_window(query.begin, query.end, now)?;
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
