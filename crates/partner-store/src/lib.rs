//! Partner Center's storage: one [`Store`] trait with SQLite and PostgreSQL behind it.
//!
//! This crate knows SQL and nothing of the business: it reads and writes rows as domain values
//! and reports facts (not found, conflict, busy). Deciding what a missing row means is the
//! engine's job. Both backends run the same SQL text, one file per business domain
//! (`partners.rs`, `funds.rs`, …, on what `sql.rs` shares), and pass the same contract suite
//! (`tests/it`, one file per domain too).

use async_trait::async_trait;
use partner_domain::{
    Money, Timestamp,
    access::AccessKey,
    associations::{AssociationChange, ChangeState},
    audit::AuditEvent,
    catalog::{Discount, Price},
    coupons::{
        Coupon, CouponChange, CouponChangeFilter, CouponQuota, CouponRecord, CouponRecordFilter,
        CustomerCouponFilter, IssuedCouponFilter, IssuedQuota, IssuedQuotaFilter, QuotaFilter,
        QuotaRecord, QuotaRecordFilter, QuotaState,
    },
    customers::{Customer, CustomerId, SubCustomerFilter, UserIdentity},
    funds::{
        AccountId, AccountKind, AdjustRecord, AdjustRecordFilter, FundAccount, LedgerEntry,
        LedgerEntryFilter, Owner, Transfer,
    },
    members::{Member, Role},
    paging::{Page, Paged},
    partners::{IndirectPartnerFilter, Partner, PartnerId},
    realname::{Purpose, ReviewFilter, Submission, Verification},
    reports::{Invitation, Prospect, Report, ReportStatus, Standing},
    time::ClockSetting,
    verification::{Scene, VerificationCode},
};

mod access;
mod associations;
mod audit;
mod catalog;
mod clock;
mod coupons;
mod customers;
mod funds;
mod idempotency;
mod members;
mod partners;
mod postgres;
mod realname;
mod reports;
mod sql;
mod sqlite;
mod verification;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    #[error("a row violates the constraint {constraint}")]
    Conflict { constraint: String },
    #[error("the database is busy")]
    Busy,
    #[error("the stored row {0} is corrupt")]
    Corrupt(String),
    #[error(transparent)]
    Database(sqlx::Error),
    #[error(transparent)]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the database folder: {0}")]
    Folder(#[from] std::io::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> StoreError {
        if let sqlx::Error::Database(db) = &err {
            if db.is_unique_violation() || db.is_foreign_key_violation() || db.is_check_violation()
            {
                let constraint = db.constraint().unwrap_or(db.message()).to_owned();
                return StoreError::Conflict { constraint };
            }
            let message = db.message();
            if message.contains("database is locked") || message.contains("could not serialize") {
                return StoreError::Busy;
            }
        }
        StoreError::Database(err)
    }
}

/// A database holding one Partner Center.
#[async_trait]
pub trait Store: Send + Sync {
    /// A transaction that will write: it takes the write intent up front (SQLite
    /// `BEGIN IMMEDIATE`), so two writers never both read a balance the other is changing.
    async fn write(&self) -> Result<Box<dyn Tx>, StoreError>;
    /// A transaction that only reads, from one consistent snapshot.
    async fn read(&self) -> Result<Box<dyn Tx>, StoreError>;
    /// Whether the database answers, for `/health`.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Which backend this is, for logs and metrics.
    fn backend(&self) -> &'static str;
}

/// Opens the store a URL names, creating and migrating it: `sqlite://PATH` or `postgres://…`.
pub async fn open(url: &str) -> Result<std::sync::Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(std::sync::Arc::new(SqliteStore::open(url).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(std::sync::Arc::new(PostgresStore::open(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_owned()))
    }
}

/// Whose retry key: a first answer is remembered per caller (`partner:acme`) and key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RetryKey {
    pub caller: String,
    pub key: String,
}

/// The stored answer to an operation sent with an idempotency key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotentResult {
    pub operation: String,
    /// What identifies the request's content: a retry must send the same.
    pub fingerprint: String,
    /// The operation's result, e.g. a transfer id.
    pub result: String,
}

/// One transaction: the rows of every business domain, then commit. Dropping it rolls back.
#[async_trait]
pub trait Tx:
    PartnerRows
    + CustomerRows
    + FundRows
    + CouponRows
    + CatalogRows
    + AccessRows
    + ClockRows
    + AuditRows
    + IdempotencyRows
    + VerificationRows
    + MemberRows
    + AssociationRows
    + RealNameRows
    + ReportRows
    + Send
{
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

#[async_trait]
pub trait PartnerRows {
    async fn partner(&mut self, id: &PartnerId) -> Result<Option<Partner>, StoreError>;
    /// The partners among `ids` that exist, in no particular order.
    async fn partners_by_ids(&mut self, ids: &[PartnerId]) -> Result<Vec<Partner>, StoreError>;
    /// Inserts a partner unless one with its id exists; tells whether it inserted.
    async fn insert_partner(&mut self, partner: &Partner) -> Result<bool, StoreError>;
    /// One page of a distributor's resellers that `filter` matches (exactly as
    /// [`IndirectPartnerFilter::matches`] says), by association time then id, and how many
    /// match in all.
    async fn indirect_partners(
        &mut self,
        distributor: &PartnerId,
        filter: &IndirectPartnerFilter,
        page: Page,
    ) -> Result<Paged<Partner>, StoreError>;
}

#[async_trait]
pub trait CustomerRows {
    /// How many accounts (customers and partners) hold `identity`.
    async fn accounts_with_identity(&mut self, identity: &UserIdentity) -> Result<u64, StoreError>;
    async fn customer(&mut self, id: &CustomerId) -> Result<Option<Customer>, StoreError>;
    /// The customers among `ids` that exist, in no particular order.
    async fn customers_by_ids(&mut self, ids: &[CustomerId]) -> Result<Vec<Customer>, StoreError>;
    /// Inserts a customer unless one with its id exists; tells whether it inserted. A second
    /// customer bound to the same (`xaccount_type`, `xaccount_id`), or registered through the
    /// API under a login name another registered customer has, is a `Conflict`.
    async fn insert_customer(&mut self, customer: &Customer) -> Result<bool, StoreError>;
    /// One page of those of `ids` that are the partner's associated customers, by association
    /// time then id, and how many they are.
    async fn sub_customers_among(
        &mut self,
        partner: &PartnerId,
        ids: &[CustomerId],
        page: Page,
    ) -> Result<Paged<Customer>, StoreError>;
    /// Whether a customer is bound to this partner platform user.
    async fn xaccount_bound(
        &mut self,
        xaccount_type: &str,
        xaccount_id: &str,
    ) -> Result<bool, StoreError>;
    /// One page of a partner's customers that `filter` matches (exactly as
    /// [`SubCustomerFilter::matches`] says), by association time then id, and how many match
    /// in all.
    async fn sub_customers(
        &mut self,
        partner: &PartnerId,
        filter: &SubCustomerFilter,
        page: Page,
    ) -> Result<Paged<Customer>, StoreError>;
    /// Sets a customer's real-name state (`verified_status`, `customer_type`, its real name and
    /// the real name's folded copy) to `to` if it is still `from` (status and type); tells
    /// whether it was, so that of two concurrent changes from one state only one is made.
    async fn set_verification(
        &mut self,
        customer: &CustomerId,
        from: &Verification,
        to: &Verification,
    ) -> Result<bool, StoreError>;
}

#[async_trait]
pub trait RealNameRows {
    /// Records a submission. A second pending submission for one customer is a `Conflict`.
    async fn insert_realname_submission(
        &mut self,
        submission: &Submission,
    ) -> Result<(), StoreError>;
    async fn realname_submission(&mut self, id: &str) -> Result<Option<Submission>, StoreError>;
    /// The customer's newest submission (the last submitted, whatever the clock said).
    async fn latest_realname_submission(
        &mut self,
        customer: &CustomerId,
    ) -> Result<Option<Submission>, StoreError>;
    /// How many submissions of `purpose` the customer has made.
    async fn count_realname_submissions(
        &mut self,
        customer: &CustomerId,
        purpose: Purpose,
    ) -> Result<u64, StoreError>;
    /// The submissions `filter` matches (exactly as [`ReviewFilter::matches`] says), newest
    /// first, at most `limit`.
    async fn realname_submissions(
        &mut self,
        filter: &ReviewFilter,
        limit: i64,
    ) -> Result<Vec<Submission>, StoreError>;
    /// Records the decision on a pending submission (its status, opinion, when and by whom);
    /// tells whether it was still pending, so that a submission is decided once.
    async fn decide_realname_submission(
        &mut self,
        decided: &Submission,
    ) -> Result<bool, StoreError>;
}

#[async_trait]
pub trait AssociationRows {
    /// Records a request; a second waiting request for the customer is a `Conflict`.
    async fn insert_association_change(
        &mut self,
        change: &AssociationChange,
    ) -> Result<(), StoreError>;
    async fn association_change(
        &mut self,
        id: &str,
    ) -> Result<Option<AssociationChange>, StoreError>;
    /// The requests of a partner, of a customer, or of both, newest first, at most `limit`.
    async fn association_changes(
        &mut self,
        partner: Option<&PartnerId>,
        customer: Option<&CustomerId>,
        limit: i64,
    ) -> Result<Vec<AssociationChange>, StoreError>;
    /// Answers a waiting request; tells whether it was still waiting.
    async fn decide_association_change(
        &mut self,
        id: &str,
        state: ChangeState,
        at: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Sets a customer's association, or clears it (`None`: unbound).
    async fn set_association(
        &mut self,
        customer: &CustomerId,
        association: Option<&partner_domain::customers::Association>,
    ) -> Result<(), StoreError>;
}

#[async_trait]
pub trait ReportRows {
    async fn insert_report(&mut self, report: &Report) -> Result<(), StoreError>;
    async fn report(&mut self, id: &str) -> Result<Option<Report>, StoreError>;
    /// Every report naming the prospect (or `customer`): the same mobile key, e-mail or account
    /// name (both folded), or the same matched customer; oldest first.
    async fn reports_naming(
        &mut self,
        prospect: &Prospect,
        customer: Option<&CustomerId>,
    ) -> Result<Vec<Report>, StoreError>;
    /// One page of a partner's reports but the deleted ones, newest first, and how many.
    async fn reports_of(
        &mut self,
        partner: &PartnerId,
        page: Page,
    ) -> Result<Paged<Report>, StoreError>;
    /// The reports in `status`, every partner's, newest first, at most `limit`.
    async fn reports_in_status(
        &mut self,
        status: ReportStatus,
        limit: i64,
    ) -> Result<Vec<Report>, StoreError>;
    /// Writes a report's new status, customer, report time, reason and reviewer if it is still
    /// in `from`; tells whether it was.
    async fn update_report(
        &mut self,
        report: &Report,
        from: ReportStatus,
    ) -> Result<bool, StoreError>;
    /// Records an invitation; a code used twice is a `Conflict`.
    async fn insert_invitation(&mut self, invitation: &Invitation) -> Result<(), StoreError>;
    async fn invitation(&mut self, code: &str) -> Result<Option<Invitation>, StoreError>;
    /// Marks an invitation used; tells whether it was unused.
    async fn use_invitation(&mut self, code: &str, at: Timestamp) -> Result<bool, StoreError>;
    /// When the customer registered and what restricts its associations.
    async fn customer_standing(
        &mut self,
        customer: &CustomerId,
    ) -> Result<Option<Standing>, StoreError>;
    async fn set_customer_standing(
        &mut self,
        customer: &CustomerId,
        standing: &Standing,
    ) -> Result<(), StoreError>;
    /// Stamps (or clears) the label of a custom invitation on a customer.
    async fn set_customer_label(
        &mut self,
        customer: &CustomerId,
        label: Option<&str>,
    ) -> Result<(), StoreError>;
    /// Whether a partner's account name is `account_name`, ignoring case.
    async fn partner_holds_name(&mut self, account_name: &str) -> Result<bool, StoreError>;
    /// The customers with this account name (ignoring case), mobile number (by its key) or
    /// e-mail, by id, at most `limit`.
    async fn customers_matching(
        &mut self,
        account_name: Option<&str>,
        mobile: Option<&str>,
        email: Option<&str>,
        limit: i64,
    ) -> Result<Vec<CustomerId>, StoreError>;
}

#[async_trait]
pub trait MemberRows {
    /// Inserts a role unless the partner has one of its name; tells whether it inserted.
    async fn insert_role(&mut self, role: &Role) -> Result<bool, StoreError>;
    /// A partner's roles, by name.
    async fn roles_of(&mut self, partner: &PartnerId) -> Result<Vec<Role>, StoreError>;
    /// Inserts a member unless the partner has one of its name; tells whether it inserted.
    async fn insert_member(&mut self, member: &Member) -> Result<bool, StoreError>;
    async fn member(
        &mut self,
        partner: &PartnerId,
        name: &str,
    ) -> Result<Option<Member>, StoreError>;
    /// A partner's members, by name.
    async fn members_of(&mut self, partner: &PartnerId) -> Result<Vec<Member>, StoreError>;
}

#[async_trait]
pub trait VerificationRows {
    async fn insert_verification_code(&mut self, code: &VerificationCode)
    -> Result<(), StoreError>;
    /// How many codes were sent to `mobile` at or after `since`, whoever asked.
    async fn codes_sent_since(&mut self, mobile: &str, since: Timestamp)
    -> Result<u64, StoreError>;
    /// The newest code `partner` asked for, for `mobile`, `scene` and `customer`.
    async fn latest_verification_code(
        &mut self,
        partner: &PartnerId,
        mobile: &str,
        scene: Scene,
        customer: Option<&CustomerId>,
    ) -> Result<Option<VerificationCode>, StoreError>;
    async fn record_failed_verification(&mut self, id: &str) -> Result<(), StoreError>;
    /// Marks a code used; tells whether it was still unused (a code works once).
    async fn use_verification_code(&mut self, id: &str, at: Timestamp) -> Result<bool, StoreError>;
    /// The outbox, newest first: the codes sent to `mobile`, or to anyone.
    async fn verification_outbox(
        &mut self,
        mobile: Option<&str>,
        limit: i64,
    ) -> Result<Vec<VerificationCode>, StoreError>;
}

#[async_trait]
pub trait FundRows {
    async fn fund_account(
        &mut self,
        owner: &Owner,
        kind: AccountKind,
    ) -> Result<Option<FundAccount>, StoreError>;
    async fn fund_accounts_of(&mut self, owner: &Owner) -> Result<Vec<FundAccount>, StoreError>;
    /// The cash accounts of `owners` that exist, locked against other writers until this
    /// transaction ends (PostgreSQL `FOR UPDATE`; a SQLite write transaction holds the database
    /// already): partners' before customers', each in id order, so that concurrent writers lock
    /// in one order.
    async fn cash_accounts_for_update(
        &mut self,
        owners: &[Owner],
    ) -> Result<Vec<FundAccount>, StoreError>;
    async fn insert_fund_account(&mut self, account: &FundAccount) -> Result<bool, StoreError>;
    /// Records a transfer and its two ledger entries and moves both balances by its amount, in
    /// this transaction.
    async fn post_transfer(&mut self, transfer: &Transfer) -> Result<(), StoreError> {
        self.post_transfers(std::slice::from_ref(transfer)).await
    }
    /// Records transfers in order, each with its two ledger entries, and moves the balances by
    /// their amounts, in a handful of statements whatever their number. This is the only way a
    /// balance changes.
    async fn post_transfers(&mut self, transfers: &[Transfer]) -> Result<(), StoreError>;
    /// The sum of every account's balance: zero while money is conserved.
    async fn balance_sum(&mut self) -> Result<Money, StoreError>;
    /// Accounts whose balance is not the sum of their ledger entries: none, ever.
    async fn accounts_off_their_ledger(&mut self) -> Result<Vec<AccountId>, StoreError>;
    /// A partner's adjusts and reclaims, newest first.
    async fn adjust_records(
        &mut self,
        partner: &PartnerId,
        filter: &AdjustRecordFilter,
        page: Page,
    ) -> Result<Paged<AdjustRecord>, StoreError>;
    /// An account's ledger entries, newest first.
    async fn ledger_entries(
        &mut self,
        account: &AccountId,
        filter: &LedgerEntryFilter,
        page: Page,
    ) -> Result<Paged<LedgerEntry>, StoreError>;
}

#[async_trait]
pub trait IdempotencyRows {
    /// The first answers remembered under any of `keys`.
    async fn idempotent_results(
        &mut self,
        keys: &[RetryKey],
    ) -> Result<Vec<(RetryKey, IdempotentResult)>, StoreError>;
    /// Remembers first answers, in a handful of statements whatever their number; a key already
    /// remembered is a `Conflict`.
    async fn insert_idempotent_results(
        &mut self,
        results: &[(RetryKey, IdempotentResult)],
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Forgets the answers remembered before `at`; tells how many.
    async fn forget_idempotent_results_before(&mut self, at: Timestamp) -> Result<u64, StoreError>;
}

#[async_trait]
pub trait CouponRows {
    /// Inserts a quota and its limits; its ledger account must exist. `false` if the id is taken.
    async fn insert_coupon_quota(&mut self, quota: &CouponQuota) -> Result<bool, StoreError>;
    async fn coupon_quota(&mut self, id: &str) -> Result<Option<CouponQuota>, StoreError>;
    /// The quotas with these ids, their rows and accounts locked until the transaction ends,
    /// in id order.
    async fn coupon_quotas_for_update(
        &mut self,
        ids: &[&str],
    ) -> Result<Vec<CouponQuota>, StoreError>;
    /// Every quota of a partner, in the order they were made.
    async fn coupon_quotas_of(
        &mut self,
        partner: &PartnerId,
    ) -> Result<Vec<CouponQuota>, StoreError>;
    async fn set_quota_state(
        &mut self,
        id: &str,
        state: QuotaState,
        at: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Marks quotas whose balance moved as updated at `at`.
    async fn touch_quotas(&mut self, ids: &[&str], at: Timestamp) -> Result<(), StoreError>;
    /// A partner's quotas as `ListQuotaCoupons` filters them, newest first.
    async fn coupon_quotas(
        &mut self,
        partner: &PartnerId,
        filter: &QuotaFilter,
        now: Timestamp,
        page: Page,
    ) -> Result<Paged<CouponQuota>, StoreError>;
    /// The quotas carved from a distributor's quotas, newest first.
    async fn issued_coupon_quotas(
        &mut self,
        distributor: &PartnerId,
        filter: &IssuedQuotaFilter,
        page: Page,
    ) -> Result<Paged<IssuedQuota>, StoreError>;
    async fn insert_quota_records(&mut self, records: &[QuotaRecord]) -> Result<(), StoreError>;
    /// A distributor's quota records, newest first.
    async fn quota_records(
        &mut self,
        distributor: &PartnerId,
        filter: &QuotaRecordFilter,
        page: Page,
    ) -> Result<Paged<QuotaRecord>, StoreError>;
    /// Inserts coupons and their use limits; their ledger accounts must exist.
    async fn insert_coupons(&mut self, coupons: &[Coupon]) -> Result<(), StoreError>;
    async fn coupon(&mut self, id: &str) -> Result<Option<Coupon>, StoreError>;
    /// The coupon, its row and account locked until the transaction ends.
    async fn coupon_for_update(&mut self, id: &str) -> Result<Option<Coupon>, StoreError>;
    /// `false` if it was reclaimed already.
    async fn set_coupon_reclaimed(&mut self, id: &str, at: Timestamp) -> Result<bool, StoreError>;
    /// Coupons a partner issued to its reseller customers, newest first.
    async fn issued_coupons(
        &mut self,
        issuer: &PartnerId,
        filter: &IssuedCouponFilter,
        now: Timestamp,
        page: Page,
    ) -> Result<Paged<Coupon>, StoreError>;
    /// A customer's coupons, newest first.
    async fn customer_coupons(
        &mut self,
        customer: &CustomerId,
        filter: &CustomerCouponFilter,
        now: Timestamp,
        page: Page,
    ) -> Result<Paged<Coupon>, StoreError>;
    async fn insert_coupon_records(&mut self, records: &[CouponRecord]) -> Result<(), StoreError>;
    /// A partner's coupon records, newest first.
    async fn coupon_records(
        &mut self,
        partner: &PartnerId,
        filter: &CouponRecordFilter,
        page: Page,
    ) -> Result<Paged<CouponRecord>, StoreError>;
    /// The ledger entries of a customer's coupons, newest first.
    async fn coupon_changes(
        &mut self,
        customer: &CustomerId,
        filter: &CouponChangeFilter,
        page: Page,
    ) -> Result<Paged<CouponChange>, StoreError>;
}

#[async_trait]
pub trait CatalogRows {
    async fn insert_price(&mut self, price: &Price) -> Result<bool, StoreError>;
    async fn prices(&mut self) -> Result<Vec<Price>, StoreError>;
    async fn insert_discount(&mut self, discount: &Discount) -> Result<bool, StoreError>;
    async fn discounts_of(&mut self, customer: &CustomerId) -> Result<Vec<Discount>, StoreError>;
}

#[async_trait]
pub trait AccessRows {
    async fn operator_exists(&mut self, name: &str) -> Result<bool, StoreError>;
    async fn insert_operator(&mut self, name: &str) -> Result<bool, StoreError>;
    async fn access_key(&mut self, ak: &str) -> Result<Option<AccessKey>, StoreError>;
    async fn insert_access_key(&mut self, key: &AccessKey) -> Result<bool, StoreError>;
    async fn access_keys(&mut self) -> Result<Vec<AccessKey>, StoreError>;
    /// Marks a live key revoked; tells whether there was one.
    async fn revoke_access_key(&mut self, ak: &str, at: Timestamp) -> Result<bool, StoreError>;
}

#[async_trait]
pub trait ClockRows {
    async fn clock(&mut self) -> Result<Option<ClockSetting>, StoreError>;
    async fn set_clock(&mut self, setting: ClockSetting) -> Result<(), StoreError>;
}

#[async_trait]
pub trait AuditRows {
    async fn insert_audit_event(&mut self, event: &AuditEvent) -> Result<(), StoreError> {
        self.insert_audit_events(std::slice::from_ref(event)).await
    }
    async fn insert_audit_events(&mut self, events: &[AuditEvent]) -> Result<(), StoreError>;
    /// The newest events first, at most `limit`.
    async fn audit_events(&mut self, limit: i64) -> Result<Vec<AuditEvent>, StoreError>;
}
