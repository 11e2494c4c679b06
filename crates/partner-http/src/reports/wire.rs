//! Wire models of the report API (ours: the real one is a console workflow).

use partner_domain::{
    customers::{Association, AssociationType},
    paging::Paged,
    reports::{Invitation, Report, ReportRequest},
};
use partner_engine::reports::{InvitationRequest, ReportView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    customers::wire::association_from_code,
    error::ApiError,
    wire::{bounded, bounded_id, format_utc},
};

/// A report: the prospect, and how it would associate.
#[derive(Deserialize, ToSchema)]
pub(crate) struct CreateReport {
    /// The customer's full name (客户全称).
    pub(crate) customer_name: String,
    pub(crate) mobile_phone: Option<String>,
    pub(crate) email: Option<String>,
    /// An existing customer's account name, when the prospect has one.
    pub(crate) account_name: Option<String>,
    /// `"1"` referral, `"2"` reseller.
    pub(crate) association_type: String,
}

impl TryFrom<CreateReport> for (ReportRequest, AssociationType) {
    type Error = ApiError;

    fn try_from(req: CreateReport) -> Result<Self, ApiError> {
        let kind = association_from_code(&req.association_type)?;
        let request = ReportRequest {
            customer_name: bounded_id("customer_name", req.customer_name, 256)?,
            mobile: bounded("mobile_phone", req.mobile_phone, 32)?,
            email: bounded("email", req.email, 256)?,
            account_name: bounded("account_name", req.account_name, 64)?,
        };
        Ok((request, kind))
    }
}

/// The list's query string: offset from 0, limit 1 to 100 (default 10).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportPage {
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
}

/// An operator's rejection.
#[derive(Deserialize, ToSchema)]
pub(crate) struct RejectReport {
    /// Why, for the partner to read (1 to 256 characters).
    pub(crate) reason: String,
}

/// One report as its partner and the operator see it.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReportInfo {
    id: String,
    partner_id: String,
    customer_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    mobile_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_name: Option<String>,
    /// The existing customer the prospect is, when one matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_id: Option<String>,
    association_type: &'static str,
    /// `pending_review`, `reported`, `rejected`, `associated`, `association_failed`, `expired`.
    state: &'static str,
    submitted_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reported_at: Option<String>,
    /// The end of the 15 days the prospect is the partner's.
    #[serde(skip_serializing_if = "Option::is_none")]
    valid_until: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

fn report_info(report: Report, state: &'static str) -> ReportInfo {
    ReportInfo {
        valid_until: report.valid_until().map(format_utc),
        id: report.id,
        partner_id: report.partner.0,
        customer_name: report.prospect.customer_name,
        mobile_phone: report.prospect.mobile,
        email: report.prospect.email,
        account_name: report.prospect.account_name,
        customer_id: report.customer.map(|c| c.0),
        association_type: crate::customers::wire::association_code(report.kind),
        state,
        submitted_at: format_utc(report.submitted_at),
        reported_at: report.reported_at.map(format_utc),
        reason: report.reason,
    }
}

impl From<ReportView> for ReportInfo {
    fn from(view: ReportView) -> Self {
        report_info(view.report, view.state.code())
    }
}

/// A page of the partner's reports and how many it has.
#[derive(Serialize, ToSchema)]
pub(crate) struct Reports {
    count: u64,
    reports: Vec<ReportInfo>,
}

impl From<Paged<ReportView>> for Reports {
    fn from(paged: Paged<ReportView>) -> Self {
        Reports { count: paged.total, reports: paged.rows.into_iter().map(Into::into).collect() }
    }
}

/// The reports waiting for review.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReportReviews {
    reports: Vec<ReportInfo>,
}

impl From<Vec<Report>> for ReportReviews {
    fn from(reports: Vec<Report>) -> Self {
        let reports = reports.into_iter().map(|r| report_info(r, "pending_review")).collect();
        ReportReviews { reports }
    }
}

/// An invitation to make: for a report (online), or offline with a type and maybe a label.
#[derive(Deserialize, ToSchema)]
pub(crate) struct CreateInvitation {
    pub(crate) report_id: Option<String>,
    /// Offline only (an online invitation takes its report's): `"1"` or `"2"`, default `"2"`.
    pub(crate) association_type: Option<String>,
    /// Offline only: the custom label stamped on the customers it brings.
    pub(crate) label: Option<String>,
}

impl TryFrom<CreateInvitation> for InvitationRequest {
    type Error = ApiError;

    fn try_from(req: CreateInvitation) -> Result<Self, ApiError> {
        let kind = bounded("association_type", req.association_type, 2)?;
        Ok(InvitationRequest {
            report_id: bounded("report_id", req.report_id, 64)?,
            kind: kind.as_deref().map(association_from_code).transpose()?,
            label: bounded("label", req.label, 64)?,
        })
    }
}

/// An invitation as its partner hands it out.
#[derive(Serialize, ToSchema)]
pub(crate) struct InvitationInfo {
    code: String,
    partner_id: String,
    association_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    report_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    created_at: String,
    /// An online invitation's end; offline ones never expire.
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
}

impl From<Invitation> for InvitationInfo {
    fn from(i: Invitation) -> Self {
        InvitationInfo {
            expires_at: i.expires_at().map(format_utc),
            code: i.code,
            partner_id: i.partner.0,
            association_type: crate::customers::wire::association_code(i.kind),
            report_id: i.report,
            label: i.label,
            created_at: format_utc(i.created_at),
        }
    }
}

/// The association an accepted invitation made.
#[derive(Serialize, ToSchema)]
pub(crate) struct AssociationInfo {
    partner_id: String,
    association_type: &'static str,
    associated_on: String,
}

impl From<Association> for AssociationInfo {
    fn from(a: Association) -> Self {
        AssociationInfo {
            partner_id: a.partner.0,
            association_type: crate::customers::wire::association_code(a.kind),
            associated_on: format_utc(a.associated_on),
        }
    }
}
