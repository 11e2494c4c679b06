//! Customer operations: a partner's view of its sub-customers.

use partner_domain::{
    customers::{self, Customer, SubCustomerFilter},
    paging::{PageRules, Paged},
    partners,
};

use crate::{Caller, Engine, EngineError};

/// `CheckUserIdentity` as the request gives it.
#[derive(Clone, Debug, Default)]
pub struct UserIdentityQuery {
    pub search_type: String,
    pub search_value: String,
}

/// `ListSubCustomers` as the request gives it.
#[derive(Clone, Debug, Default)]
pub struct SubCustomerQuery {
    pub filter: SubCustomerFilter,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

impl Engine {
    /// `ListSubCustomers`: the customers of the caller, or of one of its resellers.
    pub async fn list_sub_customers(
        &self,
        caller: &Caller,
        query: SubCustomerQuery,
    ) -> Result<Paged<Customer>, EngineError> {
        let mut tx = self.store.read().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        partners::may_manage_sub_customers(&partner)?;
        let page = PageRules::PARTNER_LISTS.page(query.offset, query.limit)?;
        let acting =
            self.acting_partner(&mut *tx, partner, query.indirect_partner_id.as_deref()).await?;
        Ok(tx.sub_customers(&acting.id, &query.filter, page).await?)
    }

    /// `CheckUserIdentity`: whether a login name, e-mail address or mobile number may register
    /// a new account (for a mobile, how many more).
    pub async fn check_user_identity(
        &self,
        caller: &Caller,
        query: UserIdentityQuery,
    ) -> Result<customers::IdentityCheck, EngineError> {
        let mut tx = self.store.read().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        partners::may_manage_sub_customers(&partner)?;
        let identity = customers::user_identity(&query.search_type, &query.search_value)?;
        let n_accounts = tx.accounts_with_identity(&identity).await?;
        Ok(customers::check_identity(&identity, n_accounts))
    }
}
