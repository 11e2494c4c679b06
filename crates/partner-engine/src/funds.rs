//! Fund operations: balances of partners and customers.

use partner_domain::{
    Money,
    funds::{self, FundAccount, Owner},
};

use crate::{Caller, Engine, EngineError, Principal};

/// A customer's accounts and what it owes (`ShowCustomerAccountBalances`).
#[derive(Clone, Debug)]
pub struct CustomerBalances {
    pub accounts: Vec<FundAccount>,
    pub debt: Money,
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
}
