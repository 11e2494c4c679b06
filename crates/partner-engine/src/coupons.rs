//! The coupon operations: quotas a distributor grants its resellers and takes back, coupons a
//! partner issues to its customers and reclaims, and every list of them.
//!
//! Coupon value moves on the funds ledger, in ordinary write transactions: each operation
//! locks the quotas (and the coupon) it spends from in id order, decides every item of its
//! batch against the balances the earlier items left, and writes accounts, transfers, records
//! and its audit event in one commit. A refused item fails alone (`BatchOutcome::failed`);
//! a refused request changes nothing.

use std::collections::HashMap;

use partner_domain::{
    Money, Timestamp,
    coupons::{
        self, Coupon, CouponChange, CouponChangeFilter, CouponError, CouponIssue, CouponOperation,
        CouponQuota, CouponRecord, CouponRecordFilter, CustomerCouponFilter, IssuedCouponFilter,
        IssuedQuota, IssuedQuotaFilter, QuotaFilter, QuotaLimit, QuotaOperation, QuotaRecord,
        QuotaRecordFilter, QuotaState, QuotaType, ReclaimedValue, UseLimit,
    },
    customers::{Customer, CustomerId},
    funds::{self, AccountId, AccountKind, FundAccount, Owner, TransferKind},
    paging::{PageRules, Paged},
    partners::{self, Partner, PartnerId},
};
use partner_store::Tx;
use rust_decimal::Decimal;

use crate::{Caller, Engine, EngineError, Internal, Principal};

/// A list's filters with its paging and, for a distributor, the reseller it acts for.
#[derive(Clone, Debug, Default)]
pub struct ListQuery<F> {
    pub filter: F,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// A page of quotas or coupons with the business time their statuses were read at.
#[derive(Clone, Debug)]
pub struct Listed<T> {
    pub page: Paged<T>,
    pub now: Timestamp,
}

/// `UpdateCouponQuotas`: `amount` of the distributor's quota `quota_id` to each reseller.
#[derive(Clone, Debug)]
pub struct QuotaGrant {
    pub quota_id: String,
    pub reseller_ids: Vec<String>,
    pub amount: Decimal,
}

/// `ReclaimCouponQuotas`: the resellers' quotas to take back.
#[derive(Clone, Debug)]
pub struct QuotaReclaim {
    pub quota_ids: Vec<String>,
    pub remark: Option<String>,
}

/// `CreatePartnerCoupons`.
#[derive(Clone, Debug)]
pub struct CouponGrant {
    pub quota_id: String,
    pub customer_ids: Vec<String>,
    pub face_value: Decimal,
    pub valid_from: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
    pub cloud_service_types: Vec<String>,
    pub product_ids: Vec<String>,
    pub memo: Option<String>,
    pub indirect_partner_id: Option<String>,
}

/// What a batch did: `(item, what it made)` for each success, `(item, why)` for each failure.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchOutcome<T> {
    pub done: Vec<(String, T)>,
    pub failed: Vec<(String, CouponError)>,
}

/// The platform grants a direct partner a quota (world files, the operator API).
#[derive(Clone, Debug)]
pub struct PlatformQuota {
    pub id: Option<String>,
    pub partner: PartnerId,
    pub quota_type: QuotaType,
    pub amount: Money,
    pub effective_at: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
    pub limits: Vec<QuotaLimit>,
}

/// The filters of `ListCustomerCouponChangeRecords`, with its dates still to be resolved.
#[derive(Clone, Debug, Default)]
pub struct CouponChangeQuery {
    /// `None` is every kind; an empty list is none.
    pub kinds: Option<Vec<TransferKind>>,
    pub direction: Option<funds::Direction>,
    pub begin: Option<time::Date>,
    pub end: Option<time::Date>,
    pub transfer_id: Option<String>,
    pub coupon_id: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

const UPDATE_QUOTAS: &str = "UpdateCouponQuotas";
const RECLAIM_QUOTAS: &str = "ReclaimCouponQuotas";
const CREATE_COUPONS: &str = "CreatePartnerCoupons";
const RECLAIM_COUPON: &str = "ReclaimPartnerCoupons";

/// The in-memory ledger account of a quota or coupon, for the funds rules.
fn account_of(id: &AccountId, owner: Owner, kind: AccountKind, balance: Money) -> FundAccount {
    FundAccount {
        id: id.clone(),
        owner,
        kind,
        balance,
        designated: Money::ZERO,
        credit_limit: Money::ZERO,
    }
}

fn quota_account(quota: &CouponQuota) -> FundAccount {
    account_of(
        &quota.account,
        Owner::Quota(quota.id.clone()),
        AccountKind::CouponQuota,
        quota.balance,
    )
}

/// The quota `id` locked for the transaction if `owner` holds it, `None` otherwise: another
/// partner's quota is never locked by a caller it refuses. A quota's owner never changes, so
/// reading it unlocked first is safe.
async fn owned_quota_for_update(
    tx: &mut dyn Tx,
    id: &str,
    owner: &PartnerId,
) -> Result<Option<CouponQuota>, EngineError> {
    let owned = tx.coupon_quota(id).await?.is_some_and(|q| &q.partner == owner);
    if !owned {
        return Ok(None);
    }
    Ok(tx.coupon_quotas_for_update(&[id]).await?.pop())
}

fn item_error(err: EngineError) -> Result<CouponError, EngineError> {
    match err {
        EngineError::Coupon(err) => Ok(err),
        other => Err(other),
    }
}

impl Engine {
    /// `ListQuotaCoupons`: the acting partner's quotas of one type.
    pub async fn list_quota_coupons(
        &self,
        caller: &Caller,
        query: ListQuery<QuotaFilter>,
    ) -> Result<Listed<CouponQuota>, EngineError> {
        let mut tx = self.store.read().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        partners::may_manage_sub_customers(&partner)?;
        let page = PageRules::FUND_RECORDS.page(query.offset, query.limit)?;
        let acting =
            self.acting_partner(&mut *tx, partner, query.indirect_partner_id.as_deref()).await?;
        let now = self.now(&mut *tx).await?;
        Ok(Listed { page: tx.coupon_quotas(&acting.id, &query.filter, now, page).await?, now })
    }

    /// `UpdateCouponQuotas`: a distributor carves a quota for each of its resellers out of one
    /// of its own.
    pub async fn update_coupon_quotas(
        &self,
        caller: &Caller,
        grant: QuotaGrant,
    ) -> Result<BatchOutcome<String>, EngineError> {
        let target = format!("quota {}", grant.quota_id);
        let res = self.try_update_coupon_quotas(caller, grant).await;
        if let Err(err) = &res {
            self.audit_refusal(caller, UPDATE_QUOTAS, target, err).await;
        }
        res
    }

    async fn try_update_coupon_quotas(
        &self,
        caller: &Caller,
        grant: QuotaGrant,
    ) -> Result<BatchOutcome<String>, EngineError> {
        let distributor =
            self.authorized_partner(caller, partners::may_fund_indirect_partners).await?;
        let resellers =
            coupons::batch("indirect_partner_ids", grant.reseller_ids, coupons::MAX_GRANTEES)?;
        let amount = coupons::amount(grant.amount)?;
        let mut tx = self.store.write().await?;
        let now = self.now(&mut *tx).await?;
        let parent = owned_quota_for_update(&mut *tx, &grant.quota_id, &distributor.id).await?;
        coupons::may_grant_from(
            parent.as_ref(),
            &grant.quota_id,
            &distributor.id,
            amount,
            resellers.len(),
            now,
        )?;
        let parent = parent.ok_or(Internal::bug("a granted quota vanished"))?;
        let ids: Vec<PartnerId> = resellers.iter().cloned().map(PartnerId).collect();
        let known: HashMap<String, Partner> =
            tx.partners_by_ids(&ids).await?.into_iter().map(|p| (p.id.0.clone(), p)).collect();
        let mut payer = quota_account(&parent);
        let (mut outcome, mut children, mut accounts, mut transfers, mut records) =
            (BatchOutcome::default(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for reseller in resellers {
            let record_id = self.ids.next_id();
            let decided = coupons::may_grant_to(&distributor, &reseller, known.get(&reseller))
                .map_err(EngineError::from)
                .and_then(|()| {
                    let child_id = self.ids.next_id();
                    let account = account_of(
                        &AccountId(self.ids.next_id()),
                        Owner::Quota(child_id.clone()),
                        AccountKind::CouponQuota,
                        Money::ZERO,
                    );
                    let transfer = funds::move_funds(
                        &payer,
                        &account,
                        amount,
                        TransferKind::QuotaTransfer,
                        self.ids.next_id(),
                        now,
                    )?;
                    payer.balance = funds::apply(&transfer, &payer)?;
                    let child = coupons::child_quota(
                        &parent,
                        child_id,
                        PartnerId(reseller.clone()),
                        account.id.clone(),
                        amount,
                        now,
                    );
                    Ok((child, account, transfer))
                });
            let (quota, succeeded) = match decided {
                Ok((child, account, transfer)) => {
                    let id = child.id.clone();
                    outcome.done.push((reseller.clone(), id.clone()));
                    children.push(child);
                    accounts.push(account);
                    transfers.push(transfer);
                    (Some(id), true)
                }
                Err(err) => {
                    outcome.failed.push((reseller.clone(), item_error(err)?));
                    (None, false)
                }
            };
            records.push(QuotaRecord {
                id: record_id,
                distributor: distributor.id.clone(),
                operator: caller.member.clone().unwrap_or_else(|| distributor.name.clone()),
                operation: QuotaOperation::Grant,
                quota,
                parent_quota: Some(parent.id.clone()),
                reseller,
                reseller_name: None,
                amount,
                at: now,
                succeeded,
                remark: None,
            });
        }
        for account in &accounts {
            tx.insert_fund_account(account).await?;
        }
        for child in &children {
            tx.insert_coupon_quota(child).await?;
        }
        tx.post_transfers(&transfers).await?;
        tx.touch_quotas(&[parent.id.as_str()], now).await?;
        tx.insert_quota_records(&records).await?;
        self.audit(&mut *tx, caller, now, UPDATE_QUOTAS, format!("quota {}", parent.id)).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// `ReclaimCouponQuotas`: a distributor takes back what is left of its resellers' quotas;
    /// each answer is the quota's balance after (0).
    pub async fn reclaim_coupon_quotas(
        &self,
        caller: &Caller,
        reclaim: QuotaReclaim,
    ) -> Result<BatchOutcome<Money>, EngineError> {
        let target = format!("quotas {}", reclaim.quota_ids.join(","));
        let res = self.try_reclaim_coupon_quotas(caller, reclaim).await;
        if let Err(err) = &res {
            self.audit_refusal(caller, RECLAIM_QUOTAS, target, err).await;
        }
        res
    }

    async fn try_reclaim_coupon_quotas(
        &self,
        caller: &Caller,
        reclaim: QuotaReclaim,
    ) -> Result<BatchOutcome<Money>, EngineError> {
        let distributor =
            self.authorized_partner(caller, partners::may_fund_indirect_partners).await?;
        let ids = coupons::batch("quota_ids", reclaim.quota_ids, coupons::MAX_RECLAIMED_QUOTAS)?;
        let mut tx = self.store.write().await?;
        let now = self.now(&mut *tx).await?;
        // The quotas named and their parents, read; those carved from the distributor's own
        // quotas locked, children and parents together in id order, and read again. Another
        // distributor's quotas are decided on (and refused) from the read, never locked.
        let mut locked: HashMap<String, CouponQuota> = HashMap::new();
        let mut wanted: Vec<String> = Vec::new();
        for id in &ids {
            let Some(child) = tx.coupon_quota(id).await? else { continue };
            let parent = match &child.parent_quota {
                Some(parent) => tx.coupon_quota(parent).await?,
                None => None,
            };
            if let Some(parent) = parent {
                if parent.partner == distributor.id {
                    wanted.extend([child.id.clone(), parent.id.clone()]);
                }
                locked.insert(parent.id.clone(), parent);
            }
            locked.insert(child.id.clone(), child);
        }
        let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
        for quota in tx.coupon_quotas_for_update(&wanted).await? {
            locked.insert(quota.id.clone(), quota);
        }
        let (mut outcome, mut transfers, mut records, mut touched) =
            (BatchOutcome::default(), Vec::new(), Vec::new(), Vec::new());
        for id in ids {
            let child = locked.get(&id).cloned();
            let parent = child
                .as_ref()
                .and_then(|c| c.parent_quota.as_ref())
                .and_then(|p| locked.get(p))
                .cloned();
            match coupons::may_reclaim_quota(child.as_ref(), parent.as_ref(), &id, &distributor.id)
            {
                Ok(child) => {
                    let parent =
                        parent.ok_or(Internal::bug("a reclaimed quota lost its parent"))?;
                    let remaining = child.balance;
                    if remaining.is_positive() {
                        let transfer = funds::transfer(
                            &quota_account(child),
                            &quota_account(&parent),
                            remaining,
                            TransferKind::QuotaReclaim,
                            self.ids.next_id(),
                            now,
                        )?;
                        transfers.push(transfer);
                    }
                    if let Some(p) = locked.get_mut(&parent.id) {
                        p.balance = p.balance.checked_add(remaining).unwrap_or(p.balance);
                    }
                    tx.set_quota_state(&child.id, QuotaState::Reclaimed, now).await?;
                    touched.push(parent.id.clone());
                    records.push(self.reclaim_record(
                        caller,
                        &distributor,
                        child,
                        remaining,
                        true,
                        &reclaim.remark,
                        now,
                    ));
                    outcome.done.push((id.clone(), Money::ZERO));
                }
                Err(err) => {
                    // A quota of the distributor's resellers that cannot be reclaimed now is
                    // recorded as a failure; an id that names nothing of theirs is not.
                    if let (Some(child), Some(_)) = (&child, &parent) {
                        records.push(self.reclaim_record(
                            caller,
                            &distributor,
                            child,
                            Money::ZERO,
                            false,
                            &reclaim.remark,
                            now,
                        ));
                    }
                    outcome.failed.push((id.clone(), err));
                }
            }
        }
        tx.post_transfers(&transfers).await?;
        let touched: Vec<&str> = touched.iter().map(String::as_str).collect();
        tx.touch_quotas(&touched, now).await?;
        tx.insert_quota_records(&records).await?;
        self.audit(
            &mut *tx,
            caller,
            now,
            RECLAIM_QUOTAS,
            format!("quotas of {}", distributor.id.0),
        )
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    #[allow(clippy::too_many_arguments)]
    fn reclaim_record(
        &self,
        caller: &Caller,
        distributor: &Partner,
        child: &CouponQuota,
        amount: Money,
        succeeded: bool,
        remark: &Option<String>,
        now: Timestamp,
    ) -> QuotaRecord {
        QuotaRecord {
            id: self.ids.next_id(),
            distributor: distributor.id.clone(),
            operator: caller.member.clone().unwrap_or_else(|| distributor.name.clone()),
            operation: QuotaOperation::Reclaim,
            quota: Some(child.id.clone()),
            parent_quota: child.parent_quota.clone(),
            reseller: child.partner.0.clone(),
            reseller_name: None,
            amount,
            at: now,
            succeeded,
            remark: remark.clone(),
        }
    }

    /// `ListIssuedCouponQuotas`: the quotas a distributor granted its resellers.
    pub async fn list_issued_coupon_quotas(
        &self,
        caller: &Caller,
        query: ListQuery<IssuedQuotaFilter>,
    ) -> Result<Listed<IssuedQuota>, EngineError> {
        let mut tx = self.store.read().await?;
        let distributor = self.calling_partner(&mut *tx, caller).await?;
        partners::may_fund_indirect_partners(&distributor)?;
        let page = PageRules::FUND_RECORDS.page(query.offset, query.limit)?;
        self.acting_partner(&mut *tx, distributor.clone(), query.filter.reseller.as_deref())
            .await?;
        let now = self.now(&mut *tx).await?;
        Ok(Listed {
            page: tx.issued_coupon_quotas(&distributor.id, &query.filter, page).await?,
            now,
        })
    }

    /// `ListCouponQuotasRecords`: a distributor's grants and reclaims.
    pub async fn list_coupon_quotas_records(
        &self,
        caller: &Caller,
        query: ListQuery<QuotaRecordFilter>,
    ) -> Result<Paged<QuotaRecord>, EngineError> {
        let mut tx = self.store.read().await?;
        let distributor = self.calling_partner(&mut *tx, caller).await?;
        partners::may_fund_indirect_partners(&distributor)?;
        let page = PageRules::FUND_RECORDS.page(query.offset, query.limit)?;
        self.acting_partner(&mut *tx, distributor.clone(), query.filter.reseller.as_deref())
            .await?;
        Ok(tx.quota_records(&distributor.id, &query.filter, page).await?)
    }

    /// `CreatePartnerCoupons`: coupons of one face value from one quota to each customer.
    pub async fn create_partner_coupons(
        &self,
        caller: &Caller,
        grant: CouponGrant,
    ) -> Result<BatchOutcome<String>, EngineError> {
        let target = format!("quota {}", grant.quota_id);
        let res = self.try_create_partner_coupons(caller, grant).await;
        if let Err(err) = &res {
            self.audit_refusal(caller, CREATE_COUPONS, target, err).await;
        }
        res
    }

    async fn try_create_partner_coupons(
        &self,
        caller: &Caller,
        grant: CouponGrant,
    ) -> Result<BatchOutcome<String>, EngineError> {
        let partner = self.authorized_partner(caller, partners::may_manage_sub_customers).await?;
        let customers = coupons::batch("customer_ids", grant.customer_ids, coupons::MAX_GRANTEES)?;
        let issue = CouponIssue {
            face_value: coupons::amount(grant.face_value)?,
            valid_from: grant.valid_from,
            expires_at: grant.expires_at,
            cloud_service_types: grant.cloud_service_types,
            product_ids: grant.product_ids,
        };
        issue.check()?;
        let mut tx = self.store.write().await?;
        let acting =
            self.acting_partner(&mut *tx, partner, grant.indirect_partner_id.as_deref()).await?;
        let now = self.now(&mut *tx).await?;
        let quota = owned_quota_for_update(&mut *tx, &grant.quota_id, &acting.id).await?;
        let plan = coupons::plan_issue(quota.as_ref(), &grant.quota_id, &acting.id, &issue, now)?;
        let quota = quota.ok_or(Internal::bug("an issuing quota vanished"))?;
        let ids: Vec<CustomerId> = customers.iter().cloned().map(CustomerId).collect();
        let known: HashMap<String, Customer> =
            tx.customers_by_ids(&ids).await?.into_iter().map(|c| (c.id.0.clone(), c)).collect();
        let mut payer = quota_account(&quota);
        let (mut outcome, mut minted, mut accounts, mut transfers, mut records) =
            (BatchOutcome::default(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut issued = (0u32, Money::ZERO);
        for customer_id in customers {
            let record_id = self.ids.next_id();
            let decided = coupons::may_issue_to(
                &acting,
                &customer_id,
                known.get(&customer_id),
                &plan,
                issued,
                payer.balance,
                issue.face_value,
            )
            .map_err(EngineError::from)
            .and_then(|()| {
                let coupon_id = self.ids.next_id();
                let account = account_of(
                    &AccountId(self.ids.next_id()),
                    Owner::Coupon(coupon_id.clone()),
                    AccountKind::Coupon,
                    Money::ZERO,
                );
                let transfer = funds::move_funds(
                    &payer,
                    &account,
                    issue.face_value,
                    TransferKind::CouponIssue,
                    self.ids.next_id(),
                    now,
                )?;
                payer.balance = funds::apply(&transfer, &payer)?;
                let limits = plan
                    .limits
                    .iter()
                    .map(|l| UseLimit { id: self.ids.next_id(), ..l.clone() })
                    .collect();
                let coupon = Coupon {
                    id: coupon_id,
                    customer: CustomerId(customer_id.clone()),
                    issuer: acting.id.clone(),
                    quota: quota.id.clone(),
                    quota_type: quota.quota_type,
                    face_value: issue.face_value,
                    balance: issue.face_value,
                    account: account.id.clone(),
                    created_at: now,
                    effective_at: plan.effective_at,
                    expires_at: plan.expires_at,
                    reclaimed_at: None,
                    use_count: 0,
                    last_used_at: None,
                    lock_order: None,
                    frozen: false,
                    memo: grant.memo.clone(),
                    limits,
                };
                Ok((coupon, account, transfer))
            });
            let (coupon_id, succeeded) = match decided {
                Ok((coupon, account, transfer)) => {
                    let id = coupon.id.clone();
                    issued =
                        (issued.0 + 1, issued.1.checked_add(issue.face_value).unwrap_or(issued.1));
                    outcome.done.push((customer_id.clone(), id.clone()));
                    minted.push(coupon);
                    accounts.push(account);
                    transfers.push(transfer);
                    (Some(id), true)
                }
                Err(err) => {
                    outcome.failed.push((customer_id.clone(), item_error(err)?));
                    (None, false)
                }
            };
            records.push(CouponRecord {
                id: record_id,
                partner: acting.id.clone(),
                operation: CouponOperation::Issue,
                quota: quota.id.clone(),
                quota_type: quota.quota_type,
                coupon: coupon_id,
                customer: customer_id,
                amount: issue.face_value,
                at: now,
                succeeded,
                remark: grant.memo.clone(),
            });
        }
        for account in &accounts {
            tx.insert_fund_account(account).await?;
        }
        tx.insert_coupons(&minted).await?;
        tx.post_transfers(&transfers).await?;
        tx.touch_quotas(&[quota.id.as_str()], now).await?;
        tx.insert_coupon_records(&records).await?;
        self.audit(&mut *tx, caller, now, CREATE_COUPONS, format!("quota {}", quota.id)).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// `ReclaimPartnerCoupons`: what is left of one coupon goes back to its quota.
    pub async fn reclaim_partner_coupons(
        &self,
        caller: &Caller,
        coupon_id: &str,
        indirect_partner_id: Option<&str>,
    ) -> Result<(), EngineError> {
        let res = self.try_reclaim_partner_coupons(caller, coupon_id, indirect_partner_id).await;
        if let Err(err) = &res {
            self.audit_refusal(caller, RECLAIM_COUPON, format!("coupon {coupon_id}"), err).await;
        }
        res
    }

    async fn try_reclaim_partner_coupons(
        &self,
        caller: &Caller,
        coupon_id: &str,
        indirect_partner_id: Option<&str>,
    ) -> Result<(), EngineError> {
        let partner = self.authorized_partner(caller, partners::may_manage_sub_customers).await?;
        let mut tx = self.store.write().await?;
        let acting = self.acting_partner(&mut *tx, partner, indirect_partner_id).await?;
        let now = self.now(&mut *tx).await?;
        // The acting partner's own coupon is locked, its quota first: the order every writer
        // locks them in. Anyone else's is refused from the read, never locked.
        let seen = tx.coupon(coupon_id).await?;
        let (quota, coupon) = match &seen {
            Some(c) if c.issuer == acting.id => {
                let quota = tx.coupon_quotas_for_update(&[c.quota.as_str()]).await?.pop();
                (quota, tx.coupon_for_update(coupon_id).await?)
            }
            _ => (None, seen.clone()),
        };
        let customer = match &coupon {
            Some(c) => tx.customer(&c.customer).await?,
            None => None,
        };
        let (coupon, returns_to) = coupons::may_reclaim_coupon(
            &acting.id,
            coupon_id,
            coupon.as_ref(),
            customer.as_ref(),
            quota.as_ref(),
            now,
        )?;
        let payee = match (&quota, returns_to) {
            (Some(quota), ReclaimedValue::ToQuota) => quota_account(quota),
            _ => self.issuing_account(&mut *tx, AccountKind::CouponQuota).await?,
        };
        let from = account_of(
            &coupon.account,
            Owner::Coupon(coupon.id.clone()),
            AccountKind::Coupon,
            coupon.balance,
        );
        let transfer = funds::transfer(
            &from,
            &payee,
            coupon.balance,
            TransferKind::CouponReclaim,
            self.ids.next_id(),
            now,
        )?;
        tx.post_transfer(&transfer).await?;
        tx.set_coupon_reclaimed(&coupon.id, now).await?;
        tx.touch_quotas(&[coupon.quota.as_str()], now).await?;
        tx.insert_coupon_records(&[CouponRecord {
            id: self.ids.next_id(),
            partner: acting.id.clone(),
            operation: CouponOperation::Reclaim,
            quota: coupon.quota.clone(),
            quota_type: coupon.quota_type,
            coupon: Some(coupon.id.clone()),
            customer: coupon.customer.0.clone(),
            amount: coupon.balance,
            at: now,
            succeeded: true,
            remark: None,
        }])
        .await?;
        self.audit(&mut *tx, caller, now, RECLAIM_COUPON, format!("coupon {coupon_id}")).await?;
        tx.commit().await?;
        Ok(())
    }

    /// `ListIssuedPartnerCoupons`: the coupons the acting partner issued.
    pub async fn list_issued_partner_coupons(
        &self,
        caller: &Caller,
        query: ListQuery<IssuedCouponFilter>,
    ) -> Result<Listed<Coupon>, EngineError> {
        let mut tx = self.store.read().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        partners::may_manage_sub_customers(&partner)?;
        let page = PageRules::FUND_RECORDS.page(query.offset, query.limit)?;
        let acting =
            self.acting_partner(&mut *tx, partner, query.indirect_partner_id.as_deref()).await?;
        let now = self.now(&mut *tx).await?;
        Ok(Listed { page: tx.issued_coupons(&acting.id, &query.filter, now, page).await?, now })
    }

    /// `ListPartnerCouponsRecord`: the acting partner's issues and reclaims.
    pub async fn list_partner_coupons_record(
        &self,
        caller: &Caller,
        query: ListQuery<CouponRecordFilter>,
    ) -> Result<Paged<CouponRecord>, EngineError> {
        let mut tx = self.store.read().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        partners::may_manage_sub_customers(&partner)?;
        let page = PageRules::FUND_RECORDS.page(query.offset, query.limit)?;
        let acting =
            self.acting_partner(&mut *tx, partner, query.indirect_partner_id.as_deref()).await?;
        Ok(tx.coupon_records(&acting.id, &query.filter, page).await?)
    }

    /// `ListSubCustomerCoupons`: the caller's own coupons. Partners hold none here (the
    /// platform's coupons to partners are not modelled), so theirs is an empty list.
    pub async fn list_sub_customer_coupons(
        &self,
        caller: &Caller,
        query: ListQuery<CustomerCouponFilter>,
    ) -> Result<Listed<Coupon>, EngineError> {
        let mut tx = self.store.read().await?;
        let page = PageRules::FUND_RECORDS.page(query.offset, query.limit)?;
        let now = self.now(&mut *tx).await?;
        match &caller.principal {
            Principal::Customer(id) => {
                Ok(Listed { page: tx.customer_coupons(id, &query.filter, now, page).await?, now })
            }
            Principal::Partner(_) => {
                let partner = self.calling_partner(&mut *tx, caller).await?;
                partners::may_manage_sub_customers(&partner)?;
                self.acting_partner(&mut *tx, partner, query.indirect_partner_id.as_deref())
                    .await?;
                Ok(Listed { page: Paged { total: 0, rows: Vec::new() }, now })
            }
            _ => Err(EngineError::OperationNotOpenToCaller),
        }
    }

    /// `ListCustomerCouponChangeRecords`: income and expense of the calling customer's coupons.
    pub async fn list_customer_coupon_change_records(
        &self,
        caller: &Caller,
        query: CouponChangeQuery,
    ) -> Result<(String, Paged<CouponChange>), EngineError> {
        let mut tx = self.store.read().await?;
        let customer = self.calling_customer(&mut *tx, caller).await?;
        let page = PageRules::FUND_RECORDS.page(query.offset, query.limit)?;
        let now = self.now(&mut *tx).await?;
        let (from, to) = partner_domain::time::change_record_window(query.begin, query.end, now)?;
        let filter = CouponChangeFilter {
            kinds: query.kinds,
            direction: query.direction,
            from,
            to,
            transfer_id: query.transfer_id,
            coupon: query.coupon_id,
        };
        if filter.kinds.as_ref().is_some_and(Vec::is_empty) {
            return Ok((customer.account_name, Paged { total: 0, rows: Vec::new() }));
        }
        let changes = tx.coupon_changes(&customer.id, &filter, page).await?;
        Ok((customer.account_name, changes))
    }

    /// `ListStoredValueCards`: the calling customer's stored-value cards (储值卡). The platform
    /// sells none in this project yet, so the list is empty.
    pub async fn list_stored_value_cards(
        &self,
        caller: &Caller,
        offset: Option<i64>,
        limit: Option<i64>,
    ) -> Result<Paged<()>, EngineError> {
        let mut tx = self.store.read().await?;
        PageRules::FUND_RECORDS.page(offset, limit)?;
        self.calling_customer(&mut *tx, caller).await?;
        Ok(Paged { total: 0, rows: Vec::new() })
    }

    /// The platform grants a direct partner a quota: the operator API, and world files.
    pub async fn grant_platform_quota(
        &self,
        caller: &Caller,
        grant: PlatformQuota,
    ) -> Result<CouponQuota, EngineError> {
        self.calling_operator(caller)?;
        let mut tx = self.store.write().await?;
        let now = self.now(&mut *tx).await?;
        let quota = self.grant_platform_quota_in(&mut *tx, grant, now).await?;
        self.audit(&mut *tx, caller, now, "GrantPlatformQuota", format!("quota {}", quota.id))
            .await?;
        tx.commit().await?;
        Ok(quota)
    }

    pub(crate) async fn grant_platform_quota_in(
        &self,
        tx: &mut dyn Tx,
        grant: PlatformQuota,
        now: Timestamp,
    ) -> Result<CouponQuota, EngineError> {
        let partner = tx.partner(&grant.partner).await?.ok_or_else(|| {
            EngineError::UnknownOwner { kind: "partner", id: grant.partner.0.clone() }
        })?;
        coupons::may_receive_platform_quota(partner.kind)?;
        for limit in &grant.limits {
            coupons::check_limit(limit).map_err(|e| EngineError::InvalidParameter {
                field: "limits",
                reason: e.to_string(),
            })?;
        }
        if !grant.amount.is_positive() {
            return Err(CouponError::AmountMalformed.into());
        }
        let id = grant.id.unwrap_or_else(|| self.ids.next_id());
        if tx.coupon_quota(&id).await?.is_some() {
            return Err(EngineError::Conflict(format!("a quota with the id {id:?} exists")));
        }
        let account = account_of(
            &AccountId(format!("quota-{id}")),
            Owner::Quota(id.clone()),
            AccountKind::CouponQuota,
            Money::ZERO,
        );
        tx.insert_fund_account(&account).await?;
        let quota = CouponQuota {
            id,
            partner: partner.id,
            quota_type: grant.quota_type,
            value: grant.amount,
            balance: grant.amount,
            account: account.id.clone(),
            parent_quota: None,
            state: QuotaState::Normal,
            created_at: now,
            updated_at: now,
            effective_at: grant.effective_at.unwrap_or(now),
            expires_at: grant.expires_at,
            limits: grant.limits,
        };
        tx.insert_coupon_quota(&quota).await?;
        let issuing = self.issuing_account(tx, AccountKind::CouponQuota).await?;
        if let Some(transfer) =
            funds::opening_transfer(&issuing, &account, grant.amount, self.ids.next_id(), now)?
        {
            tx.post_transfer(&transfer).await?;
        }
        Ok(quota)
    }

    /// An operator freezes, invalidates, marks under adjustment or restores a quota.
    pub async fn set_coupon_quota_state(
        &self,
        caller: &Caller,
        quota_id: &str,
        state: QuotaState,
    ) -> Result<CouponQuota, EngineError> {
        self.calling_operator(caller)?;
        let mut tx = self.store.write().await?;
        let now = self.now(&mut *tx).await?;
        let quota = tx.coupon_quotas_for_update(&[quota_id]).await?.pop();
        let quota = quota.ok_or_else(|| CouponError::QuotaNotFound(quota_id.to_owned()))?;
        if quota.state == QuotaState::Reclaimed || state == QuotaState::Reclaimed {
            return Err(CouponError::QuotaNotFound(quota_id.to_owned()).into());
        }
        tx.set_quota_state(quota_id, state, now).await?;
        self.audit(&mut *tx, caller, now, "SetCouponQuotaState", format!("quota {quota_id}"))
            .await?;
        tx.commit().await?;
        Ok(CouponQuota { state, updated_at: now, ..quota })
    }
}
