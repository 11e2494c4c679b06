//! Wire models of the real-name operations, as the SDK's `v2/model` names them (the
//! `legel_` spelling of `EnterprisePersonNew` included), and of the operator's review queue.

use partner_domain::{
    customers::CustomerId,
    realname::{
        BankCardRequest, EnterpriseRequest, IndividualRequest, LegalPersonRequest, Method,
        ReviewFilter, ReviewResult, ReviewStatus, Submission,
    },
};
use partner_engine::realname::Submitted;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    error::ApiError,
    wire::{bounded, bounded_id, format_utc},
};

/// The longest attachment path taken: an OBS object key has at most 1024 characters.
const PATH_MAX: usize = 1024;
/// More attachments than this are refused unread (the rule allows 4).
const FILES_MAX: usize = 16;

/// A string kept as given (`""` included), bounded.
fn kept(field: &str, value: Option<String>, max: usize) -> Result<Option<String>, ApiError> {
    value.map(|v| bounded_id(field, v, max)).transpose()
}

/// `verified_file_url`, each path bounded; how many there may be is the domain's rule.
fn file_paths(files: Vec<String>) -> Result<Vec<String>, ApiError> {
    if files.len() > FILES_MAX {
        return Err(ApiError::parameter("invalid parameter verified_file_url: at most 4 files"));
    }
    files.into_iter().map(|f| bounded_id("verified_file_url", f, PATH_MAX)).collect()
}

/// SDK `BankCardInfoV2`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct BankCardInfoV2 {
    pub(crate) bank_account: Option<String>,
    /// `0086`: the codes of `SendVerificationMessageCode` go to mainland numbers.
    pub(crate) areacode: Option<String>,
    pub(crate) mobile: Option<String>,
    /// The code `SendVerificationMessageCode` sent with `scene` 18 for this customer.
    pub(crate) verification_code: Option<String>,
}

impl TryFrom<BankCardInfoV2> for BankCardRequest {
    type Error = ApiError;

    fn try_from(card: BankCardInfoV2) -> Result<Self, ApiError> {
        Ok(BankCardRequest {
            bank_account: bounded("bank_card_info.bank_account", card.bank_account, 64)?,
            areacode: bounded("bank_card_info.areacode", card.areacode, 8)?,
            mobile: bounded("bank_card_info.mobile", card.mobile, 32)?,
            verification_code: bounded(
                "bank_card_info.verification_code",
                card.verification_code,
                32,
            )?,
        })
    }
}

/// SDK `ApplyIndividualRealnameAuthsReq`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct ApplyIndividualRealnameAuthsReq {
    pub(crate) customer_id: String,
    /// `0` personal certificate, `4` personal bank card.
    pub(crate) identify_type: i64,
    /// With `identify_type` 0: `3`, `5`, `6`, `9` or `10`.
    pub(crate) verified_type: Option<i64>,
    /// Paths relative to the bucket's `download/` directory, in order.
    pub(crate) verified_file_url: Vec<String>,
    pub(crate) name: String,
    pub(crate) verified_number: String,
    /// `-1`, first authentication.
    pub(crate) change_type: Option<i64>,
    pub(crate) xaccount_type: String,
    pub(crate) bank_card_info: Option<BankCardInfoV2>,
}

impl TryFrom<ApplyIndividualRealnameAuthsReq> for IndividualRequest {
    type Error = ApiError;

    fn try_from(req: ApplyIndividualRealnameAuthsReq) -> Result<Self, ApiError> {
        Ok(IndividualRequest {
            customer_id: bounded_id("customer_id", req.customer_id, 64)?,
            identify_type: req.identify_type,
            verified_type: req.verified_type,
            verified_file_url: file_paths(req.verified_file_url)?,
            name: bounded_id("name", req.name, 255)?,
            verified_number: bounded_id("verified_number", req.verified_number, 32)?,
            change_type: req.change_type,
            xaccount_type: bounded_id("xaccount_type", req.xaccount_type, 64)?,
            bank_card_info: req.bank_card_info.map(BankCardRequest::try_from).transpose()?,
        })
    }
}

/// SDK `EnterprisePersonNew`: the legal person, spelled `legel_` as the SDK sends it.
#[derive(Deserialize, ToSchema)]
pub(crate) struct EnterprisePersonNew {
    pub(crate) legel_name: String,
    pub(crate) legel_id_number: String,
    /// `legalPerson`.
    pub(crate) certifier_role: Option<String>,
}

impl TryFrom<EnterprisePersonNew> for LegalPersonRequest {
    type Error = ApiError;

    fn try_from(person: EnterprisePersonNew) -> Result<Self, ApiError> {
        Ok(LegalPersonRequest {
            name: bounded_id("enterprise_person.legel_name", person.legel_name, 255)?,
            id_number: bounded_id("enterprise_person.legel_id_number", person.legel_id_number, 64)?,
            certifier_role: bounded("enterprise_person.certifier_role", person.certifier_role, 32)?,
        })
    }
}

/// SDK `ApplyEnterpriseRealnameAuthsReq`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct ApplyEnterpriseRealnameAuthsReq {
    pub(crate) customer_id: String,
    /// `1` organisation certificate.
    pub(crate) identify_type: i64,
    /// `0`, `1`, `2`, `3`, `4` or `99`.
    pub(crate) certificate_type: Option<i64>,
    /// The certificate, then the legal person's ID front and back when `enterprise_person` is
    /// given; paths relative to the bucket's `download/` directory.
    pub(crate) verified_file_url: Vec<String>,
    pub(crate) corp_name: String,
    pub(crate) verified_number: String,
    /// ISO 3166 alpha-2, e.g. `CN`.
    pub(crate) reg_country: Option<String>,
    pub(crate) reg_address: Option<String>,
    pub(crate) xaccount_type: String,
    pub(crate) enterprise_person: Option<EnterprisePersonNew>,
}

/// SDK `ChangeEnterpriseRealnameAuthsReq`: the enterprise's fields and `change_type` 1.
#[derive(Deserialize, ToSchema)]
pub(crate) struct ChangeEnterpriseRealnameAuthsReq {
    pub(crate) customer_id: String,
    pub(crate) identify_type: i64,
    pub(crate) certificate_type: Option<i64>,
    pub(crate) verified_file_url: Vec<String>,
    pub(crate) corp_name: String,
    pub(crate) verified_number: String,
    pub(crate) reg_country: Option<String>,
    pub(crate) reg_address: Option<String>,
    /// `1` individual to enterprise: required.
    pub(crate) change_type: Option<i64>,
    pub(crate) xaccount_type: String,
    pub(crate) enterprise_person: Option<EnterprisePersonNew>,
}

impl TryFrom<ApplyEnterpriseRealnameAuthsReq> for EnterpriseRequest {
    type Error = ApiError;

    fn try_from(req: ApplyEnterpriseRealnameAuthsReq) -> Result<Self, ApiError> {
        Ok(EnterpriseRequest {
            customer_id: bounded_id("customer_id", req.customer_id, 64)?,
            identify_type: req.identify_type,
            certificate_type: req.certificate_type,
            verified_file_url: file_paths(req.verified_file_url)?,
            corp_name: bounded_id("corp_name", req.corp_name, 255)?,
            verified_number: bounded_id("verified_number", req.verified_number, 64)?,
            reg_country: kept("reg_country", req.reg_country, 8)?,
            reg_address: kept("reg_address", req.reg_address, 512)?,
            xaccount_type: bounded_id("xaccount_type", req.xaccount_type, 64)?,
            enterprise_person: req
                .enterprise_person
                .map(LegalPersonRequest::try_from)
                .transpose()?,
            change_type: None,
        })
    }
}

impl TryFrom<ChangeEnterpriseRealnameAuthsReq> for EnterpriseRequest {
    type Error = ApiError;

    fn try_from(req: ChangeEnterpriseRealnameAuthsReq) -> Result<Self, ApiError> {
        let apply = ApplyEnterpriseRealnameAuthsReq {
            customer_id: req.customer_id,
            identify_type: req.identify_type,
            certificate_type: req.certificate_type,
            verified_file_url: req.verified_file_url,
            corp_name: req.corp_name,
            verified_number: req.verified_number,
            reg_country: req.reg_country,
            reg_address: req.reg_address,
            xaccount_type: req.xaccount_type,
            enterprise_person: req.enterprise_person,
        };
        Ok(EnterpriseRequest { change_type: req.change_type, ..apply.try_into()? })
    }
}

/// SDK `CreatePersonalRealnameAuthResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct CreatePersonalRealnameAuthResponse {
    /// `0` decided at once, `1` waits for the platform's review.
    is_review: i64,
}

/// SDK `CreateEnterpriseRealnameAuthenticationResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct CreateEnterpriseRealnameAuthenticationResponse {
    is_review: i64,
}

/// SDK `ChangeEnterpriseRealnameAuthenticationResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ChangeEnterpriseRealnameAuthenticationResponse {
    is_review: i64,
}

fn is_review(submitted: Submitted) -> i64 {
    i64::from(submitted.is_review)
}

impl From<Submitted> for CreatePersonalRealnameAuthResponse {
    fn from(submitted: Submitted) -> Self {
        CreatePersonalRealnameAuthResponse { is_review: is_review(submitted) }
    }
}

impl From<Submitted> for CreateEnterpriseRealnameAuthenticationResponse {
    fn from(submitted: Submitted) -> Self {
        CreateEnterpriseRealnameAuthenticationResponse { is_review: is_review(submitted) }
    }
}

impl From<Submitted> for ChangeEnterpriseRealnameAuthenticationResponse {
    fn from(submitted: Submitted) -> Self {
        ChangeEnterpriseRealnameAuthenticationResponse { is_review: is_review(submitted) }
    }
}

/// SDK `ShowRealnameAuthenticationReviewResultRequest` (query string).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ShowRealnameAuthenticationReviewResultRequest {
    pub(crate) customer_id: String,
}

impl ShowRealnameAuthenticationReviewResultRequest {
    pub(crate) fn customer_id(self) -> Result<String, ApiError> {
        bounded_id("customer_id", self.customer_id, 64)
    }
}

/// SDK `ShowRealnameAuthenticationReviewResultResponse`: both fields absent when the customer
/// never submitted.
#[derive(Serialize, ToSchema)]
pub(crate) struct ShowRealnameAuthenticationReviewResultResponse {
    /// `0` in review, `1` rejected, `2` approved.
    #[serde(skip_serializing_if = "Option::is_none")]
    review_result: Option<i64>,
    /// Why it was rejected; only with `review_result` 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    opinion: Option<String>,
}

impl From<Option<ReviewResult>> for ShowRealnameAuthenticationReviewResultResponse {
    fn from(result: Option<ReviewResult>) -> Self {
        ShowRealnameAuthenticationReviewResultResponse {
            review_result: result.as_ref().map(|r| r.status.code()),
            opinion: result.and_then(|r| r.opinion),
        }
    }
}

/// The review queue's query string.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReviewQueueQuery {
    /// `pending` (default), `approved` or `rejected`.
    pub(crate) status: Option<String>,
    /// Only this customer's submissions.
    pub(crate) customer_id: Option<String>,
}

impl TryFrom<ReviewQueueQuery> for ReviewFilter {
    type Error = ApiError;

    fn try_from(query: ReviewQueueQuery) -> Result<Self, ApiError> {
        let status = match bounded("status", query.status, 16)? {
            None => ReviewStatus::Pending,
            Some(name) => ReviewStatus::from_name(&name).ok_or_else(|| {
                ApiError::parameter("invalid parameter status: pending, approved or rejected")
            })?,
        };
        let customer = bounded("customer_id", query.customer_id, 64)?.map(CustomerId);
        Ok(ReviewFilter { status, customer })
    }
}

/// A submission's id in a path, bounded before it reaches the engine.
pub(crate) fn review_id(id: String) -> Result<String, ApiError> {
    bounded_id("id", id, 64)
}

/// A rejection: the opinion the partner will read (1 to 256 characters).
#[derive(Deserialize, ToSchema)]
pub(crate) struct RejectRealnameReview {
    pub(crate) opinion: String,
}

impl RejectRealnameReview {
    pub(crate) fn opinion(self) -> Result<String, ApiError> {
        bounded_id("opinion", self.opinion, 1024)
    }
}

/// The review queue: submissions, newest first.
#[derive(Serialize, ToSchema)]
pub(crate) struct RealnameReviews {
    reviews: Vec<RealnameReview>,
}

/// An organisation's legal person, as submitted.
#[derive(Serialize, ToSchema)]
pub(crate) struct LegalPerson {
    name: String,
    id_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    certifier_role: Option<String>,
}

/// One submission and its review.
#[derive(Serialize, ToSchema)]
pub(crate) struct RealnameReview {
    id: String,
    customer_id: String,
    /// The partner that submitted it.
    partner_id: String,
    /// `authentication` (the first) or `change_to_enterprise`.
    purpose: &'static str,
    /// `personal_certificate`, `bank_card` or `organisation`.
    method: &'static str,
    identify_type: i64,
    /// A personal certificate's `verified_type`.
    #[serde(skip_serializing_if = "Option::is_none")]
    verified_type: Option<i64>,
    /// An organisation's `certificate_type`.
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_type: Option<i64>,
    /// The person's name or the organisation's.
    name: String,
    verified_number: String,
    verified_file_url: Vec<String>,
    xaccount_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reg_country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reg_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legal_person: Option<LegalPerson>,
    /// A bank card's account, all but its last four characters hidden.
    #[serde(skip_serializing_if = "Option::is_none")]
    bank_account: Option<String>,
    /// `pending`, `approved` or `rejected`.
    status: &'static str,
    /// `review_result` as the partner reads it: `0` in review, `1` rejected, `2` approved.
    review_result: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    opinion: Option<String>,
    submitted_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    decided_at: Option<String>,
    /// The operator who decided it; absent for a bank card, decided at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    decided_by: Option<String>,
}

impl From<Submission> for RealnameReview {
    fn from(s: Submission) -> Self {
        let personal = matches!(s.method, Method::PersonalCertificate(_));
        let certificate = s.method.certificate_code();
        let organisation = s.organisation.unwrap_or_default();
        RealnameReview {
            id: s.id,
            customer_id: s.customer.0,
            partner_id: s.partner.0,
            purpose: s.purpose.code(),
            method: s.method.code(),
            identify_type: s.method.identify_type(),
            verified_type: certificate.filter(|_| personal),
            certificate_type: certificate.filter(|_| !personal),
            name: s.name,
            verified_number: s.verified_number,
            verified_file_url: s.files,
            xaccount_type: s.xaccount_type,
            reg_country: organisation.reg_country,
            reg_address: organisation.reg_address,
            legal_person: organisation.legal_person.map(|p| LegalPerson {
                name: p.name,
                id_number: p.id_number,
                certifier_role: p.certifier_role,
            }),
            bank_account: s.bank_account_tail.map(|tail| format!("****{tail}")),
            status: s.status.name(),
            review_result: s.status.code(),
            opinion: s.opinion,
            submitted_at: format_utc(s.submitted_at),
            decided_at: s.decided_at.map(format_utc),
            decided_by: s.decided_by,
        }
    }
}

impl From<Vec<Submission>> for RealnameReviews {
    fn from(submissions: Vec<Submission>) -> Self {
        RealnameReviews { reviews: submissions.into_iter().map(RealnameReview::from).collect() }
    }
}

/// SDK `ShowRealNameAuthStatusResponse`: `verified_type` is `null` until the customer is
/// verified (the model: "实名认证状态为-1未实名认证返回null"; a review under way has no type yet
/// either).
#[derive(Serialize, ToSchema)]
pub(crate) struct ShowRealNameAuthStatusResponse {
    verified_status: i64,
    verified_type: Option<i64>,
}

impl From<partner_engine::realname::RealNameStatus> for ShowRealNameAuthStatusResponse {
    fn from(status: partner_engine::realname::RealNameStatus) -> Self {
        use partner_domain::customers::{CustomerType, VerifiedStatus};
        let verified_status = match status.status {
            VerifiedStatus::Unverified => -1,
            VerifiedStatus::InReview => 0,
            VerifiedStatus::Rejected => 1,
            VerifiedStatus::Verified => 2,
        };
        let verified_type = match status.kind {
            CustomerType::Unset => None,
            CustomerType::Individual => Some(0),
            CustomerType::Enterprise => Some(1),
        };
        ShowRealNameAuthStatusResponse { verified_status, verified_type }
    }
}
