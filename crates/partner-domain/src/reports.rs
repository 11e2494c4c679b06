//! Customer reporting (报备客户) and invitations, and who may associate with a partner at all
//! (customers.md §2.1 and §4): a partner claims a prospect for 15 days, invites it, and the
//! customer accepting the invitation is associated if the association rules let it.
//!
//! There is no SDK operation for any of this (Partner Center's console only), so the names of
//! states and reasons are ours; docs/wire.md lists the choices.

use crate::{
    Timestamp,
    customers::{AssociationType, Customer, CustomerId, fold_case, mobile_key},
    partners::{Partner, PartnerId},
};

const DAY_MS: i64 = 24 * 3_600_000;

/// How long a report holds its prospect once reported: 15 days.
pub const REPORT_VALIDITY_MS: i64 = 15 * DAY_MS;

/// How long after registering a customer may associate without its partner's report: 7 days.
pub const DIRECT_ASSOCIATION_MS: i64 = 7 * DAY_MS;

/// How long an online invitation works: 7 days.
pub const ONLINE_INVITATION_MS: i64 = 7 * DAY_MS;

/// The longest customer full name, label and rejection reason we take.
pub const MAX_TEXT_CHARS: usize = 256;

/// The longest custom label of an offline invitation.
pub const MAX_LABEL_CHARS: usize = 64;

/// A fact about a customer that bars some associations, which the platform knows and this
/// project does not model yet (world-file `restrictions`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Restriction {
    /// Reported (报备) by the cloud itself: no partner may associate it.
    ReportedByCloud,
    /// A post-pay customer with a credit line.
    PostPay,
    /// Has unexpired reserved instances.
    ReservedInstances,
    /// Owes invoices (欠票).
    InvoiceDebt,
    /// Holds an unused stored-value card.
    StoredValueCard,
    /// An enterprise master account with member accounts.
    EnterpriseMaster,
    /// Has unused recharge-bonus balance.
    RechargeBonus,
}

impl Restriction {
    pub const ALL: [Restriction; 7] = [
        Restriction::ReportedByCloud,
        Restriction::PostPay,
        Restriction::ReservedInstances,
        Restriction::InvoiceDebt,
        Restriction::StoredValueCard,
        Restriction::EnterpriseMaster,
        Restriction::RechargeBonus,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Restriction::ReportedByCloud => "reported_by_cloud",
            Restriction::PostPay => "post_pay",
            Restriction::ReservedInstances => "reserved_instances",
            Restriction::InvoiceDebt => "invoice_debt",
            Restriction::StoredValueCard => "stored_value_card",
            Restriction::EnterpriseMaster => "enterprise_master",
            Restriction::RechargeBonus => "recharge_bonus",
        }
    }

    pub fn from_code(code: &str) -> Option<Restriction> {
        Restriction::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// What the association rules need to know of a customer besides its association.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    pub registered_at: Timestamp,
    pub restrictions: Vec<Restriction>,
}

/// The facts of one association attempt, gathered by the engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Eligibility<'a> {
    pub customer: &'a Customer,
    pub standing: &'a Standing,
    /// A partner holds the customer's account name as its own.
    pub is_partner: bool,
    /// Its cash balance is below zero (`funds::debt` is positive).
    pub in_arrears: bool,
    /// It has consumed cash on the cloud.
    pub cash_consumption: bool,
    /// The inviting partner holds a valid report of this customer.
    pub reported_by_partner: bool,
}

/// Why a report, an invitation or an association is refused, each after its rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    // Association (customers.md §2.1), in the order the rules are checked.
    #[error("the customer is associated with a partner already: one partner per customer")]
    AlreadyAssociated,
    #[error("the account is a partner's")]
    AccountIsAPartner,
    #[error("the customer was reported by Huawei Cloud itself")]
    ReportedByCloud,
    #[error(
        "registration time over the limit: a customer registered more than 7 days ago or with \
         cash consumption associates only through a partner that reported it"
    )]
    RegistrationTimeOverLimit,
    #[error("the customer is in arrears: top up first")]
    InArrears,
    #[error("a post-pay customer cannot associate in reseller mode")]
    PostPay,
    #[error("a customer with unexpired reserved instances cannot associate in reseller mode")]
    ReservedInstances,
    #[error("a customer with invoice debt cannot associate in reseller mode")]
    InvoiceDebt,
    #[error("a customer with an unused stored-value card cannot associate in reseller mode")]
    StoredValueCard,
    #[error("an enterprise master account with members cannot associate in reseller mode")]
    EnterpriseMaster,
    #[error("a customer with unused recharge bonus cannot associate in reseller mode")]
    RechargeBonus,

    // Reporting (customers.md §4).
    #[error("your partner profile has neither a mobile number nor an e-mail address")]
    ProfileWithoutContact,
    #[error("the customer's full name is required (at most 256 characters)")]
    CustomerNameRequired,
    #[error("a mobile number or an e-mail address of the customer is required")]
    ContactRequired,
    #[error("{0:?} is not a mobile number")]
    InvalidMobile(String),
    #[error("{0:?} is not an e-mail address")]
    InvalidEmail(String),
    #[error("no customer has the account name {0:?}")]
    UnknownAccount(String),
    #[error("the reported mobile number is not the one the account registered with")]
    MobileNotTheAccounts,
    #[error("several accounts hold this mobile number or e-mail: name the account")]
    AccountAmbiguous,
    #[error("another partner's report of this customer is valid")]
    ReportedByAnotherPartner,
    #[error("your report of this customer is valid already")]
    AlreadyReported,
    #[error("no report {0} of yours")]
    UnknownReport(String),
    #[error("a report waiting for review cannot be deleted")]
    PendingReportCannotBeDeleted,
    #[error("an associated report cannot be deleted")]
    AssociatedReportCannotBeDeleted,
    #[error("the report is not waiting for review")]
    ReportNotPending,
    #[error("a rejection needs a reason (at most 256 characters)")]
    RejectionReasonRequired,

    // Invitations (customers.md §4).
    #[error("an online invitation is sent for a reported customer only")]
    ReportNotReported,
    #[error("a custom label has 1 to 64 characters")]
    InvalidLabel,
    #[error("the invitation link does not exist")]
    InvitationNotFound,
    #[error("the invitation link expired")]
    InvitationExpired,
    #[error("the invitation code was used already")]
    InvitationUsed,
}

impl ReportError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            ReportError::AlreadyAssociated => "AlreadyAssociated",
            ReportError::AccountIsAPartner => "AccountIsAPartner",
            ReportError::ReportedByCloud => "ReportedByCloud",
            ReportError::RegistrationTimeOverLimit => "RegistrationTimeOverLimit",
            ReportError::InArrears => "InArrears",
            ReportError::PostPay => "PostPay",
            ReportError::ReservedInstances => "ReservedInstances",
            ReportError::InvoiceDebt => "InvoiceDebt",
            ReportError::StoredValueCard => "StoredValueCard",
            ReportError::EnterpriseMaster => "EnterpriseMaster",
            ReportError::RechargeBonus => "RechargeBonus",
            ReportError::ProfileWithoutContact => "ProfileWithoutContact",
            ReportError::CustomerNameRequired => "CustomerNameRequired",
            ReportError::ContactRequired => "ContactRequired",
            ReportError::InvalidMobile(_) => "InvalidMobile",
            ReportError::InvalidEmail(_) => "InvalidEmail",
            ReportError::UnknownAccount(_) => "UnknownAccount",
            ReportError::MobileNotTheAccounts => "MobileNotTheAccounts",
            ReportError::AccountAmbiguous => "AccountAmbiguous",
            ReportError::ReportedByAnotherPartner => "ReportedByAnotherPartner",
            ReportError::AlreadyReported => "AlreadyReported",
            ReportError::UnknownReport(_) => "UnknownReport",
            ReportError::PendingReportCannotBeDeleted => "PendingReportCannotBeDeleted",
            ReportError::AssociatedReportCannotBeDeleted => "AssociatedReportCannotBeDeleted",
            ReportError::ReportNotPending => "ReportNotPending",
            ReportError::RejectionReasonRequired => "RejectionReasonRequired",
            ReportError::ReportNotReported => "ReportNotReported",
            ReportError::InvalidLabel => "InvalidLabel",
            ReportError::InvitationNotFound => "InvitationNotFound",
            ReportError::InvitationExpired => "InvitationExpired",
            ReportError::InvitationUsed => "InvitationUsed",
        }
    }
}

/// Whether the customer of `facts` may associate with a partner in `kind` at `now`
/// (customers.md §2.1), the first broken rule in the reference's order.
///
/// The international site, government-subsidy plans, the reward programme, consumer-cloud users,
/// finance-hosted members and designated contracts are not modelled: nothing here can be one.
pub fn may_associate(
    facts: &Eligibility<'_>,
    kind: AssociationType,
    now: Timestamp,
) -> Result<(), ReportError> {
    let has = |r: Restriction| facts.standing.restrictions.contains(&r);
    if facts.customer.association.is_some() {
        return Err(ReportError::AlreadyAssociated);
    }
    if facts.is_partner {
        return Err(ReportError::AccountIsAPartner);
    }
    if has(Restriction::ReportedByCloud) {
        return Err(ReportError::ReportedByCloud);
    }
    let late = !registered_recently(facts.standing.registered_at, now);
    if (late || facts.cash_consumption) && !facts.reported_by_partner {
        return Err(ReportError::RegistrationTimeOverLimit);
    }
    if facts.in_arrears {
        return Err(ReportError::InArrears);
    }
    if kind == AssociationType::Reseller {
        let reseller_rules = [
            (Restriction::PostPay, ReportError::PostPay),
            (Restriction::ReservedInstances, ReportError::ReservedInstances),
            (Restriction::InvoiceDebt, ReportError::InvoiceDebt),
            (Restriction::StoredValueCard, ReportError::StoredValueCard),
            (Restriction::EnterpriseMaster, ReportError::EnterpriseMaster),
            (Restriction::RechargeBonus, ReportError::RechargeBonus),
        ];
        if let Some((_, err)) = reseller_rules.into_iter().find(|(r, _)| has(*r)) {
            return Err(err);
        }
    }
    Ok(())
}

/// Registered at most 7 days before `now`: exactly 7 days still counts as recent.
pub fn registered_recently(registered_at: Timestamp, now: Timestamp) -> bool {
    now.millis().saturating_sub(registered_at.millis()) <= DIRECT_ASSOCIATION_MS
}

/// A report's stored status; [`Report::state`] adds expiry from the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportStatus {
    /// 待审核: waits for a platform operator.
    PendingReview,
    /// 已报备: the prospect is the partner's for 15 days.
    Reported,
    /// Rejected by a platform operator, with a reason.
    Rejected,
    /// Deleted by its partner: void.
    Deleted,
    /// 已关联: the customer accepted an invitation.
    Associated,
    /// 关联失败: the customer's association was refused, with the reason.
    AssociationFailed,
}

impl ReportStatus {
    const ALL: [ReportStatus; 6] = [
        ReportStatus::PendingReview,
        ReportStatus::Reported,
        ReportStatus::Rejected,
        ReportStatus::Deleted,
        ReportStatus::Associated,
        ReportStatus::AssociationFailed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::PendingReview => "pending_review",
            ReportStatus::Reported => "reported",
            ReportStatus::Rejected => "rejected",
            ReportStatus::Deleted => "deleted",
            ReportStatus::Associated => "associated",
            ReportStatus::AssociationFailed => "association_failed",
        }
    }

    pub fn from_code(code: &str) -> Option<ReportStatus> {
        ReportStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A report's state at one instant, as the partner reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportState {
    PendingReview,
    Reported,
    Rejected,
    Deleted,
    Associated,
    AssociationFailed,
    /// Reported (or failed) more than 15 days ago: the prospect is free again.
    Expired,
}

impl ReportState {
    pub fn code(self) -> &'static str {
        match self {
            ReportState::PendingReview => "pending_review",
            ReportState::Reported => "reported",
            ReportState::Rejected => "rejected",
            ReportState::Deleted => "deleted",
            ReportState::Associated => "associated",
            ReportState::AssociationFailed => "association_failed",
            ReportState::Expired => "expired",
        }
    }
}

/// Who a report names: the customer's full name and how to reach it, or an existing account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prospect {
    pub customer_name: String,
    pub mobile: Option<String>,
    /// The mobile number's [`mobile_key`], by which reports are compared.
    pub mobile_key: Option<String>,
    pub email: Option<String>,
    /// The existing customer's account name, when the partner names one.
    pub account_name: Option<String>,
}

/// A report request as the partner sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportRequest {
    pub customer_name: String,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub account_name: Option<String>,
}

/// The prospect a request names, checked for shape: a name, and a mobile number or e-mail.
pub fn prospect(request: &ReportRequest) -> Result<Prospect, ReportError> {
    let name = request.customer_name.trim();
    if name.is_empty() || name.chars().count() > MAX_TEXT_CHARS {
        return Err(ReportError::CustomerNameRequired);
    }
    let mobile = given(&request.mobile);
    let email = given(&request.email);
    if mobile.is_none() && email.is_none() {
        return Err(ReportError::ContactRequired);
    }
    let key = match mobile {
        Some(m) => Some(mobile_key(m).ok_or_else(|| ReportError::InvalidMobile(m.to_owned()))?),
        None => None,
    };
    if let Some(e) = email.filter(|e| !is_email(e)) {
        return Err(ReportError::InvalidEmail(e.to_owned()));
    }
    Ok(Prospect {
        customer_name: name.to_owned(),
        mobile: mobile.map(str::to_owned),
        mobile_key: key,
        email: email.map(str::to_owned),
        account_name: given(&request.account_name).map(str::to_owned),
    })
}

/// A field's text without surrounding blanks, or `None` when blank.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A loose e-mail shape: one `@` with text on both sides and a dot in the domain.
fn is_email(text: &str) -> bool {
    let mut parts = text.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        }
        _ => false,
    }
}

/// One partner's report of one prospect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub id: String,
    pub partner: PartnerId,
    pub prospect: Prospect,
    /// The existing customer the prospect is, when one matched.
    pub customer: Option<CustomerId>,
    pub kind: AssociationType,
    pub status: ReportStatus,
    pub submitted_at: Timestamp,
    /// When it became `reported` (at once, or on approval): its 15 days count from here.
    pub reported_at: Option<Timestamp>,
    /// The operator's rejection reason, or why the association failed.
    pub reason: Option<String>,
    /// The operator who reviewed it.
    pub reviewed_by: Option<String>,
}

impl Report {
    /// The state at `now`: a reported (or failed) report expires 15 days after it was
    /// reported, at that exact instant, with no job running.
    pub fn state(&self, now: Timestamp) -> ReportState {
        let expired = self
            .reported_at
            .is_some_and(|at| now.millis() >= at.millis().saturating_add(REPORT_VALIDITY_MS));
        match self.status {
            ReportStatus::PendingReview => ReportState::PendingReview,
            ReportStatus::Reported if expired => ReportState::Expired,
            ReportStatus::Reported => ReportState::Reported,
            ReportStatus::AssociationFailed if expired => ReportState::Expired,
            ReportStatus::AssociationFailed => ReportState::AssociationFailed,
            ReportStatus::Rejected => ReportState::Rejected,
            ReportStatus::Deleted => ReportState::Deleted,
            ReportStatus::Associated => ReportState::Associated,
        }
    }

    /// When it stops holding its prospect, once reported.
    pub fn valid_until(&self) -> Option<Timestamp> {
        self.reported_at
            .map(|at| Timestamp::from_millis(at.millis().saturating_add(REPORT_VALIDITY_MS)))
    }

    /// Whether it holds its prospect at `now`: waiting for review, or valid.
    pub fn holds(&self, now: Timestamp) -> bool {
        matches!(
            self.state(now),
            ReportState::PendingReview | ReportState::Reported | ReportState::AssociationFailed
        )
    }

    /// Whether it names the same prospect as `other`: the same mobile number (by its key), the
    /// same e-mail address or the same account.
    pub fn overlaps(&self, other: &Prospect, other_customer: Option<&CustomerId>) -> bool {
        let mine = &self.prospect;
        let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => fold_case(a) == fold_case(b),
            _ => false,
        };
        same(&mine.mobile_key, &other.mobile_key)
            || same(&mine.email, &other.email)
            || same(&mine.account_name, &other.account_name)
            || (self.customer.is_some() && self.customer.as_ref() == other_customer)
    }

    /// Whether it names `customer`: by account, mobile number (key) or e-mail.
    pub fn names(&self, customer: &Customer) -> bool {
        let prospect = Prospect {
            customer_name: String::new(),
            mobile: customer.mobile_phone.clone(),
            mobile_key: customer.mobile_phone.as_deref().and_then(mobile_key),
            email: customer.email.clone(),
            account_name: Some(customer.account_name.clone()),
        };
        self.overlaps(&prospect, Some(&customer.id))
    }
}

/// Whether `partner` may report `prospect` (the customer it matched, if any) while `others`
/// (the reports naming the same prospect, any partner's) stand at `now`.
pub fn may_report(
    partner: &Partner,
    prospect: &Prospect,
    matched: Option<&CustomerId>,
    others: &[Report],
    now: Timestamp,
) -> Result<(), ReportError> {
    let reachable = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
    if !reachable(&partner.email) && !reachable(&partner.mobile_phone) {
        return Err(ReportError::ProfileWithoutContact);
    }
    let holding = others.iter().filter(|r| r.holds(now) && r.overlaps(prospect, matched));
    // Another partner's claim is the one to name when both exist.
    let mut holders = holding.map(|r| r.partner == partner.id).collect::<Vec<_>>();
    holders.sort();
    match holders.first() {
        Some(false) => Err(ReportError::ReportedByAnotherPartner),
        Some(true) => Err(ReportError::AlreadyReported),
        None => Ok(()),
    }
}

/// The status a new report starts in: reported at once when the prospect is no account yet or
/// one registered at most 7 days ago; otherwise waiting for an operator's review.
pub fn first_status(matched: Option<&Standing>, now: Timestamp) -> ReportStatus {
    match matched {
        Some(standing) if !registered_recently(standing.registered_at, now) => {
            ReportStatus::PendingReview
        }
        _ => ReportStatus::Reported,
    }
}

/// A new report of `prospect`, in its first status.
pub fn new_report(
    id: String,
    partner: PartnerId,
    prospect: Prospect,
    matched: Option<(&CustomerId, &Standing)>,
    kind: AssociationType,
    now: Timestamp,
) -> Report {
    let status = first_status(matched.map(|(_, s)| s), now);
    Report {
        id,
        partner,
        prospect,
        customer: matched.map(|(c, _)| c.clone()),
        kind,
        status,
        submitted_at: now,
        reported_at: (status == ReportStatus::Reported).then_some(now),
        reason: None,
        reviewed_by: None,
    }
}

/// Whether its partner may delete `report` at `now`: not while it waits for review, nor once
/// associated. Deleting a reported one voids it.
pub fn may_delete(report: &Report, now: Timestamp) -> Result<(), ReportError> {
    match report.state(now) {
        ReportState::PendingReview => Err(ReportError::PendingReportCannotBeDeleted),
        ReportState::Associated => Err(ReportError::AssociatedReportCannotBeDeleted),
        ReportState::Deleted => Err(ReportError::UnknownReport(report.id.clone())),
        _ => Ok(()),
    }
}

/// An operator's decision on a report waiting for review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReviewDecision {
    Approve,
    Reject(String),
}

/// `report` once `operator` decided on it at `now`: approved, it is reported from now on.
pub fn review(
    report: &Report,
    decision: &ReviewDecision,
    operator: &str,
    now: Timestamp,
) -> Result<Report, ReportError> {
    if report.status != ReportStatus::PendingReview {
        return Err(ReportError::ReportNotPending);
    }
    let mut decided = report.clone();
    decided.reviewed_by = Some(operator.to_owned());
    match decision {
        ReviewDecision::Approve => {
            decided.status = ReportStatus::Reported;
            decided.reported_at = Some(now);
        }
        ReviewDecision::Reject(reason) => {
            let reason = reason.trim();
            if reason.is_empty() || reason.chars().count() > MAX_TEXT_CHARS {
                return Err(ReportError::RejectionReasonRequired);
            }
            decided.status = ReportStatus::Rejected;
            decided.reason = Some(reason.to_owned());
        }
    }
    Ok(decided)
}

/// An invitation code: online (for one reported report, 7 days, once) or offline (a partner's
/// generic or custom-labelled code, reusable, never expiring).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    pub code: String,
    pub partner: PartnerId,
    pub kind: AssociationType,
    /// The report an online invitation was sent for; `None` offline.
    pub report: Option<String>,
    /// The custom label an offline invitation stamps on its customers.
    pub label: Option<String>,
    pub created_at: Timestamp,
    /// When an online invitation was accepted; offline ones are never used up.
    pub used_at: Option<Timestamp>,
}

impl Invitation {
    pub fn is_online(&self) -> bool {
        self.report.is_some()
    }

    /// When an online invitation stops working; offline ones never do.
    pub fn expires_at(&self) -> Option<Timestamp> {
        self.is_online().then(|| {
            Timestamp::from_millis(self.created_at.millis().saturating_add(ONLINE_INVITATION_MS))
        })
    }
}

/// An online invitation for `report`, which must be reported (and valid) at `now`; it fixes
/// the report's association type.
pub fn online_invitation(
    code: String,
    report: &Report,
    now: Timestamp,
) -> Result<Invitation, ReportError> {
    if report.state(now) != ReportState::Reported {
        return Err(ReportError::ReportNotReported);
    }
    Ok(Invitation {
        code,
        partner: report.partner.clone(),
        kind: report.kind,
        report: Some(report.id.clone()),
        label: None,
        created_at: now,
        used_at: None,
    })
}

/// An offline invitation of `partner`'s, generic or with a custom label.
pub fn offline_invitation(
    code: String,
    partner: PartnerId,
    kind: AssociationType,
    label: Option<&str>,
    now: Timestamp,
) -> Result<Invitation, ReportError> {
    let label = match label.map(str::trim) {
        None => None,
        Some(l) if l.is_empty() || l.chars().count() > MAX_LABEL_CHARS => {
            return Err(ReportError::InvalidLabel);
        }
        Some(l) => Some(l.to_owned()),
    };
    Ok(Invitation { code, partner, kind, report: None, label, created_at: now, used_at: None })
}

/// Whether `invitation` still works at `now`: an online one expires 7 days after it was made
/// (at that exact instant) and works once.
pub fn may_accept(invitation: &Invitation, now: Timestamp) -> Result<(), ReportError> {
    if invitation.expires_at().is_some_and(|end| now >= end) {
        return Err(ReportError::InvitationExpired);
    }
    if invitation.used_at.is_some() {
        return Err(ReportError::InvitationUsed);
    }
    Ok(())
}
