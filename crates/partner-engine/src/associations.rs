//! Switching and unbinding associations: one side asks, the other answers (customers.md §3).
//! Through our own API now (`/channel/v1/association-changes`), the console later.

use partner_domain::{
    Money,
    associations::{
        self, AssociationChange, AssociationChangeError as E, ChangeKind, ChangeState,
        CustomerStanding, Side,
    },
    customers::{Customer, CustomerId},
    funds::{self, AccountKind, Owner},
    partners::PartnerId,
    reports::Restriction,
};
use partner_store::{StoreError, Tx};

use crate::{Caller, Engine, EngineError, Principal};

/// The most requests one look at the log shows.
pub const LOG_LIMIT: i64 = 200;

impl Engine {
    /// A partner asks to switch or unbind one of its customers, or a customer asks to leave its
    /// partner (`kind` unbind; `customer_id` is then its own and may be left out).
    pub async fn request_association_change(
        &self,
        caller: &Caller,
        customer_id: Option<&str>,
        kind: ChangeKind,
    ) -> Result<AssociationChange, EngineError> {
        let target = format!("customer:{}", customer_id.unwrap_or("-"));
        let res = async {
            let mut tx = self.store.write().await?;
            let (customer, partner, by) =
                self.change_parties(&mut *tx, caller, customer_id).await?;
            let history =
                tx.association_changes(Some(&partner), Some(&customer.id), LOG_LIMIT).await?;
            let standing = standing(&mut *tx, &customer.id).await?;
            let now = self.now(&mut *tx).await?;
            let from =
                associations::may_request(&customer, &partner, kind, by, &history, standing, now)?;
            let change = AssociationChange {
                id: self.ids.next_id(),
                customer: customer.id.clone(),
                partner,
                kind,
                from,
                requested_by: by,
                requested_at: now,
                state: ChangeState::Pending,
                decided_at: None,
            };
            match tx.insert_association_change(&change).await {
                Err(StoreError::Conflict { .. }) => return Err(E::RequestPending.into()),
                other => other?,
            }
            let target = format!("customer:{}", customer.id);
            self.audit(&mut *tx, caller, now, "RequestAssociationChange", target).await?;
            tx.commit().await?;
            Ok(change)
        }
        .await;
        if let Err(err) = &res {
            self.audit_refusal(caller, "RequestAssociationChange", target, err).await;
        }
        res
    }

    /// The other side accepts or rejects a waiting request; accepting switches the type or
    /// ends the association. A customer leaving keeps its balance: nothing moves on the ledger.
    pub async fn answer_association_change(
        &self,
        caller: &Caller,
        id: &str,
        accept: bool,
    ) -> Result<AssociationChange, EngineError> {
        let operation = if accept { "AcceptAssociationChange" } else { "RejectAssociationChange" };
        let target = format!("association-change:{id}");
        let res = async {
            let mut tx = self.store.write().await?;
            let unknown = || EngineError::from(E::UnknownRequest(id.to_owned()));
            let change = tx.association_change(id).await?.ok_or_else(unknown)?;
            let by = match &caller.principal {
                Principal::Partner(p) if *p == change.partner => Side::Partner,
                Principal::Customer(c) if *c == change.customer => Side::Customer,
                // Someone else's request is no request of theirs.
                _ => return Err(unknown()),
            };
            associations::may_answer(&change, by)?;
            let now = self.now(&mut *tx).await?;
            let state = if accept {
                let customer = tx.customer(&change.customer).await?.ok_or_else(unknown)?;
                let standing = standing(&mut *tx, &customer.id).await?;
                let association = associations::accept(&customer, &change, standing)?;
                tx.set_association(&customer.id, association.as_ref()).await?;
                ChangeState::Accepted
            } else {
                ChangeState::Rejected
            };
            if !tx.decide_association_change(id, state, now).await? {
                return Err(E::NotPending.into());
            }
            self.audit(&mut *tx, caller, now, operation, target.clone()).await?;
            tx.commit().await?;
            Ok(AssociationChange { state, decided_at: Some(now), ..change })
        }
        .await;
        if let Err(err) = &res {
            self.audit_refusal(caller, operation, target, err).await;
        }
        res
    }

    /// The association operation log: a partner's requests, or a customer's, newest first.
    pub async fn list_association_changes(
        &self,
        caller: &Caller,
    ) -> Result<Vec<AssociationChange>, EngineError> {
        let mut tx = self.store.read().await?;
        let changes = match &caller.principal {
            Principal::Partner(_) => {
                let partner = self.calling_partner(&mut *tx, caller).await?;
                tx.association_changes(Some(&partner.id), None, LOG_LIMIT).await?
            }
            Principal::Customer(_) => {
                let customer = self.calling_customer(&mut *tx, caller).await?;
                tx.association_changes(None, Some(&customer.id), LOG_LIMIT).await?
            }
            Principal::Operator(_) | Principal::System => {
                return Err(EngineError::OperationNotOpenToCaller);
            }
        };
        Ok(changes)
    }

    /// Who asks: a partner about one of its customers, or a customer about itself.
    async fn change_parties(
        &self,
        tx: &mut dyn Tx,
        caller: &Caller,
        customer_id: Option<&str>,
    ) -> Result<(Customer, PartnerId, Side), EngineError> {
        let not_yours = |id: &str| EngineError::from(E::NotAssociated(id.to_owned()));
        match &caller.principal {
            Principal::Partner(_) => {
                let partner = self.calling_partner(tx, caller).await?;
                let Some(id) = customer_id.filter(|id| !id.is_empty()) else {
                    let reason = "is required".to_owned();
                    return Err(EngineError::InvalidParameter { field: "customer_id", reason });
                };
                let customer =
                    tx.customer(&CustomerId(id.to_owned())).await?.ok_or_else(|| not_yours(id))?;
                Ok((customer, partner.id, Side::Partner))
            }
            Principal::Customer(_) => {
                let customer = self.calling_customer(tx, caller).await?;
                let partner = customer
                    .association
                    .as_ref()
                    .map(|a| a.partner.clone())
                    .ok_or_else(|| not_yours(&customer.id.0))?;
                Ok((customer, partner, Side::Customer))
            }
            Principal::Operator(_) | Principal::System => {
                Err(EngineError::OperationNotOpenToCaller)
            }
        }
    }
}

/// What blocks a change besides the association: arrears (cash below zero), post-pay (a credit
/// line, or the world file's `post_pay` restriction) and reserved instances (the world file's
/// restriction until orders make them): the same facts the association rules of reports read.
async fn standing(tx: &mut dyn Tx, customer: &CustomerId) -> Result<CustomerStanding, EngineError> {
    let accounts = tx.fund_accounts_of(&Owner::Customer(customer.clone())).await?;
    let restrictions = tx.customer_standing(customer).await?.map(|s| s.restrictions);
    let restricted = |r: Restriction| restrictions.as_ref().is_some_and(|all| all.contains(&r));
    let credit_line =
        accounts.iter().any(|a| a.kind == AccountKind::Credit && a.credit_limit > Money::ZERO);
    Ok(CustomerStanding {
        in_arrears: funds::debt(&accounts).is_positive(),
        has_reserved_instances: restricted(Restriction::ReservedInstances),
        post_pay: credit_line || restricted(Restriction::PostPay),
    })
}
