//! Customer reporting (报备客户): a partner reports a prospect, lists and deletes its reports;
//! the platform operator reviews those that wait; invitations associate the customers who
//! accept them. Our API: no SDK operation exists.

use partner_domain::{
    Timestamp,
    customers::{Association, AssociationType, Customer, CustomerId, mobile_key},
    funds::{self, Owner},
    paging::{PageRules, Paged},
    partners::{Partner, PartnerId},
    reports::{
        self, Eligibility, Invitation, Prospect, Report, ReportError, ReportRequest, ReportState,
        ReportStatus, ReviewDecision,
    },
};

use crate::{Caller, Engine, EngineError, Internal};

/// The most reports one look at the review queue shows.
pub const QUEUE_LIMIT: i64 = 200;

const CREATE: &str = "CreateCustomerReport";
const DELETE: &str = "DeleteCustomerReport";
const APPROVE: &str = "ApproveCustomerReport";
const REJECT: &str = "RejectCustomerReport";

/// A report with its state when it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportView {
    pub report: Report,
    pub state: ReportState,
}

impl Engine {
    /// `CreateCustomerReport`: the partner claims a prospect for 15 days, at once or once an
    /// operator approves.
    pub async fn create_customer_report(
        &self,
        caller: &Caller,
        request: ReportRequest,
        kind: AssociationType,
    ) -> Result<ReportView, EngineError> {
        let res = self.try_create_report(caller, &request, kind).await;
        if let Err(err) = &res {
            self.audit_refusal(caller, CREATE, "report".into(), err).await;
        }
        res
    }

    async fn try_create_report(
        &self,
        caller: &Caller,
        request: &ReportRequest,
        kind: AssociationType,
    ) -> Result<ReportView, EngineError> {
        let mut tx = self.store.write().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        let prospect = reports::prospect(request)?;
        let now = self.now(&mut *tx).await?;
        let matched = self.prospects_account(&mut *tx, &prospect).await?;
        let standing = match &matched {
            Some(id) => Some(
                tx.customer_standing(id)
                    .await?
                    .ok_or(Internal::bug("a matched customer has no row"))?,
            ),
            None => None,
        };
        let others = tx.reports_naming(&prospect, matched.as_ref()).await?;
        reports::may_report(&partner, &prospect, matched.as_ref(), &others, now)?;
        let report = reports::new_report(
            self.ids.next_id(),
            partner.id.clone(),
            prospect,
            matched.as_ref().zip(standing.as_ref()),
            kind,
            now,
        );
        tx.insert_report(&report).await?;
        self.audit(&mut *tx, caller, now, CREATE, format!("report:{}", report.id)).await?;
        tx.commit().await?;
        Ok(ReportView { state: report.state(now), report })
    }

    /// The existing account a prospect is: the one it names, or the only one holding its
    /// mobile number or e-mail.
    async fn prospects_account(
        &self,
        tx: &mut dyn partner_store::Tx,
        prospect: &Prospect,
    ) -> Result<Option<CustomerId>, EngineError> {
        if let Some(name) = &prospect.account_name {
            let ids = tx.customers_matching(Some(name), None, None, 2).await?;
            let id =
                ids.into_iter().next().ok_or_else(|| ReportError::UnknownAccount(name.clone()))?;
            let customer =
                tx.customer(&id).await?.ok_or(Internal::bug("a matched customer is gone"))?;
            let registered = customer.mobile_phone.as_deref().and_then(mobile_key);
            if prospect.mobile_key.is_some() && prospect.mobile_key != registered {
                return Err(ReportError::MobileNotTheAccounts.into());
            }
            return Ok(Some(id));
        }
        let ids = tx
            .customers_matching(None, prospect.mobile.as_deref(), prospect.email.as_deref(), 2)
            .await?;
        if ids.len() > 1 {
            return Err(ReportError::AccountAmbiguous.into());
        }
        Ok(ids.into_iter().next())
    }

    /// `ListCustomerReports`: the caller's reports but deleted ones, newest first, each in its
    /// state now.
    pub async fn list_customer_reports(
        &self,
        caller: &Caller,
        offset: Option<i64>,
        limit: Option<i64>,
    ) -> Result<Paged<ReportView>, EngineError> {
        let page = PageRules::PARTNER_LISTS.page(offset, limit)?;
        let mut tx = self.store.read().await?;
        let partner = self.calling_partner(&mut *tx, caller).await?;
        let now = self.now(&mut *tx).await?;
        let paged = tx.reports_of(&partner.id, page).await?;
        let rows = paged
            .rows
            .into_iter()
            .map(|report| ReportView { state: report.state(now), report })
            .collect();
        Ok(Paged { total: paged.total, rows })
    }

    /// `DeleteCustomerReport`: voids a report of the caller's, unless it waits for review or is
    /// associated.
    pub async fn delete_customer_report(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<(), EngineError> {
        let target = format!("report:{id}");
        let res = async {
            let mut tx = self.store.write().await?;
            let partner = self.calling_partner(&mut *tx, caller).await?;
            let now = self.now(&mut *tx).await?;
            let report = own_report(tx.report(id).await?, &partner, id)?;
            reports::may_delete(&report, now)?;
            let deleted = Report { status: ReportStatus::Deleted, ..report.clone() };
            if !tx.update_report(&deleted, report.status).await? {
                return Err(ReportError::UnknownReport(id.to_owned()).into());
            }
            self.audit(&mut *tx, caller, now, DELETE, target.clone()).await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        if let Err(err) = &res {
            self.audit_refusal(caller, DELETE, target, err).await;
        }
        res
    }

    /// The reports waiting for review, every partner's, newest first (at most
    /// [`QUEUE_LIMIT`]). Operators only.
    pub async fn list_customer_report_reviews(
        &self,
        caller: &Caller,
    ) -> Result<Vec<Report>, EngineError> {
        self.calling_operator(caller)?;
        let mut tx = self.store.read().await?;
        Ok(tx.reports_in_status(ReportStatus::PendingReview, QUEUE_LIMIT).await?)
    }

    /// Approves a report waiting for review: it is reported from now, for 15 days.
    pub async fn approve_customer_report(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<ReportView, EngineError> {
        self.review_report(caller, APPROVE, id, ReviewDecision::Approve).await
    }

    /// Rejects a report waiting for review, with the reason its partner reads.
    pub async fn reject_customer_report(
        &self,
        caller: &Caller,
        id: &str,
        reason: &str,
    ) -> Result<ReportView, EngineError> {
        self.review_report(caller, REJECT, id, ReviewDecision::Reject(reason.to_owned())).await
    }

    async fn review_report(
        &self,
        caller: &Caller,
        operation: &'static str,
        id: &str,
        decision: ReviewDecision,
    ) -> Result<ReportView, EngineError> {
        let target = format!("report:{id}");
        let res = async {
            let operator = self.calling_operator(caller)?.to_owned();
            let mut tx = self.store.write().await?;
            let report =
                tx.report(id).await?.ok_or_else(|| ReportError::UnknownReport(id.to_owned()))?;
            let now = self.now(&mut *tx).await?;
            let decided = reports::review(&report, &decision, &operator, now)?;
            if !tx.update_report(&decided, report.status).await? {
                // Another operator decided it first.
                return Err(ReportError::ReportNotPending.into());
            }
            self.audit(&mut *tx, caller, now, operation, target.clone()).await?;
            tx.commit().await?;
            Ok(ReportView { state: decided.state(now), report: decided })
        }
        .await;
        if let Err(err) = &res {
            self.audit_refusal(caller, operation, target, err).await;
        }
        res
    }
}

/// The report if it is the partner's and not deleted; anything else is unknown to it.
fn own_report(report: Option<Report>, partner: &Partner, id: &str) -> Result<Report, EngineError> {
    report
        .filter(|r| r.partner == partner.id && r.status != ReportStatus::Deleted)
        .ok_or_else(|| ReportError::UnknownReport(id.to_owned()).into())
}

/// `CreateInvitation` as the partner asks for it: online for one of its reports, or offline
/// (generic, or with a custom label) in the association type given.
#[derive(Clone, Debug, Default)]
pub struct InvitationRequest {
    pub report_id: Option<String>,
    pub kind: Option<AssociationType>,
    pub label: Option<String>,
}

impl Engine {
    /// `CreateInvitation`: an online code for a reported prospect (7 days, once), or an offline
    /// code that never expires and any number of customers use.
    pub async fn create_invitation(
        &self,
        caller: &Caller,
        request: InvitationRequest,
    ) -> Result<Invitation, EngineError> {
        let target = format!("report:{}", request.report_id.as_deref().unwrap_or("-"));
        let res = async {
            let mut tx = self.store.write().await?;
            let partner = self.calling_partner(&mut *tx, caller).await?;
            let now = self.now(&mut *tx).await?;
            let code = self.ids.next_id();
            let invitation = match &request.report_id {
                Some(id) => {
                    let report = own_report(tx.report(id).await?, &partner, id)?;
                    reports::online_invitation(code, &report, now)?
                }
                None => {
                    let kind = request.kind.unwrap_or(AssociationType::Reseller);
                    let label = request.label.as_deref();
                    reports::offline_invitation(code, partner.id.clone(), kind, label, now)?
                }
            };
            tx.insert_invitation(&invitation).await?;
            let target = format!("invitation:{}", invitation.code);
            self.audit(&mut *tx, caller, now, "CreateInvitation", target).await?;
            tx.commit().await?;
            Ok(invitation)
        }
        .await;
        if let Err(err) = &res {
            self.audit_refusal(caller, "CreateInvitation", target, err).await;
        }
        res
    }

    /// `AcceptInvitation`: the calling customer associates with the inviting partner in the
    /// invitation's type, if the rules of customers.md §2.1 let it. A refusal of an online
    /// invitation is written on its report (关联失败, with the reason) and does not use the code
    /// up, so the customer may try again once it has, say, topped up.
    pub async fn accept_invitation(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<Association, EngineError> {
        let target = format!("invitation:{code}");
        let res = async {
            let mut tx = self.store.write().await?;
            let customer = self.calling_customer(&mut *tx, caller).await?;
            let invitation = tx.invitation(code).await?.ok_or(ReportError::InvitationNotFound)?;
            let now = self.now(&mut *tx).await?;
            reports::may_accept(&invitation, now)?;
            let report = match &invitation.report {
                Some(id) => tx.report(id).await?,
                None => None,
            };
            let standing = tx
                .customer_standing(&customer.id)
                .await?
                .ok_or(Internal::bug("a calling customer has no standing"))?;
            let accounts = tx.fund_accounts_of(&Owner::Customer(customer.id.clone())).await?;
            let reported_by_partner =
                self.holds_valid_report(&mut *tx, &invitation.partner, &customer, now).await?;
            let facts = Eligibility {
                customer: &customer,
                standing: &standing,
                is_partner: tx.partner_holds_name(&customer.account_name).await?,
                in_arrears: funds::debt(&accounts).is_positive(),
                // No operation consumes cash yet (orders come later).
                cash_consumption: false,
                reported_by_partner,
            };
            if let Err(err) = reports::may_associate(&facts, invitation.kind, now) {
                if let Some(report) = report.filter(|r| r.status == ReportStatus::Reported) {
                    let failed = Report {
                        status: ReportStatus::AssociationFailed,
                        customer: Some(customer.id.clone()),
                        reason: Some(err.to_string()),
                        ..report.clone()
                    };
                    tx.update_report(&failed, report.status).await?;
                    tx.commit().await?;
                }
                return Err(err.into());
            }
            if invitation.is_online() && !tx.use_invitation(code, now).await? {
                return Err(ReportError::InvitationUsed.into());
            }
            let association = Association {
                partner: invitation.partner.clone(),
                kind: invitation.kind,
                associated_on: now,
            };
            tx.set_association(&customer.id, Some(&association)).await?;
            if let Some(label) = &invitation.label {
                tx.set_customer_label(&customer.id, Some(label)).await?;
            }
            if let Some(report) = report.filter(|r| r.status == ReportStatus::Reported) {
                let associated = Report {
                    status: ReportStatus::Associated,
                    customer: Some(customer.id.clone()),
                    ..report.clone()
                };
                tx.update_report(&associated, report.status).await?;
            }
            self.audit(&mut *tx, caller, now, "AcceptInvitation", target.clone()).await?;
            tx.commit().await?;
            Ok(association)
        }
        .await;
        if let Err(err) = &res {
            self.audit_refusal(caller, "AcceptInvitation", target, err).await;
        }
        res
    }

    /// Whether `partner` holds a valid (reported, unexpired) report naming `customer`.
    async fn holds_valid_report(
        &self,
        tx: &mut dyn partner_store::Tx,
        partner: &PartnerId,
        customer: &Customer,
        now: Timestamp,
    ) -> Result<bool, EngineError> {
        let named = Prospect {
            customer_name: customer.account_name.clone(),
            mobile: customer.mobile_phone.clone(),
            mobile_key: customer.mobile_phone.as_deref().and_then(mobile_key),
            email: customer.email.clone(),
            account_name: Some(customer.account_name.clone()),
        };
        let reports = tx.reports_naming(&named, Some(&customer.id)).await?;
        Ok(reports.iter().any(|r| {
            &r.partner == partner && r.names(customer) && r.state(now) == ReportState::Reported
        }))
    }
}
