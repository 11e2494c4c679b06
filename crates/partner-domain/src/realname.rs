//! Real-name authentication (实名认证) of a partner's customers: what a submission must hold, when
//! a customer may submit one, and how a submission and the platform's review move the customer's
//! verification (customers.md §7).
//!
//! A submission is decided at once (a personal bank card: `is_review` 0) or waits in the
//! platform's review queue (certificates and organisations: `is_review` 1) until an operator
//! approves or rejects it.

use crate::{
    Timestamp,
    customers::{Customer, CustomerId, CustomerType, VerifiedStatus},
    partners::{Partner, PartnerId},
};

/// How many submissions of one purpose (first authentication, or change to an enterprise) a
/// customer may make; the next is refused (`CBC.99007191`). The reference leaves the number open.
pub const SUBMISSIONS_PER_PURPOSE: u64 = 5;

/// Attachments a submission names at most (`verified_file_url`).
pub const MAX_FILES: usize = 4;

/// The formats an attachment may have, by its extension in any case.
pub const FILE_FORMATS: [&str; 6] = ["jpg", "jpeg", "bmp", "png", "gif", "pdf"];

/// The longest organisation name (`corp_name`).
pub const MAX_CORP_NAME_CHARS: usize = 255;

/// The longest rejection opinion (`opinion`).
pub const MAX_OPINION_CHARS: usize = 256;

/// The certificate of a personal certificate authentication (`verified_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersonalCertificate {
    /// `3`: data page, entry stamp page, hand-held data page.
    Passport,
    /// `5`: front, back, hand-held front.
    HongKongMacaoTravelPermit,
    /// `6`.
    TaiwanTravelPermit,
    /// `9`.
    HongKongMacaoResidencePermit,
    /// `10`.
    TaiwanResidencePermit,
}

impl PersonalCertificate {
    const ALL: [PersonalCertificate; 5] = [
        PersonalCertificate::Passport,
        PersonalCertificate::HongKongMacaoTravelPermit,
        PersonalCertificate::TaiwanTravelPermit,
        PersonalCertificate::HongKongMacaoResidencePermit,
        PersonalCertificate::TaiwanResidencePermit,
    ];

    pub fn code(self) -> i64 {
        match self {
            PersonalCertificate::Passport => 3,
            PersonalCertificate::HongKongMacaoTravelPermit => 5,
            PersonalCertificate::TaiwanTravelPermit => 6,
            PersonalCertificate::HongKongMacaoResidencePermit => 9,
            PersonalCertificate::TaiwanResidencePermit => 10,
        }
    }

    pub fn from_code(code: i64) -> Option<PersonalCertificate> {
        PersonalCertificate::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Every certificate the API takes is photographed three times, in a fixed order.
    pub fn images(self) -> usize {
        3
    }
}

/// The certificate of an organisation (`certificate_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrganisationCertificate {
    /// `0`: 企业营业执照.
    BusinessLicence,
    /// `1`: 事业单位法人证书.
    PublicInstitution,
    /// `2`: 社会团体法人登记证书.
    SocialOrganisation,
    /// `3`: 行政执法主体资格证.
    LawEnforcementBody,
    /// `4`: 组织机构代码证.
    OrganisationCode,
    /// `99`.
    Other,
}

impl OrganisationCertificate {
    const ALL: [OrganisationCertificate; 6] = [
        OrganisationCertificate::BusinessLicence,
        OrganisationCertificate::PublicInstitution,
        OrganisationCertificate::SocialOrganisation,
        OrganisationCertificate::LawEnforcementBody,
        OrganisationCertificate::OrganisationCode,
        OrganisationCertificate::Other,
    ];

    pub fn code(self) -> i64 {
        match self {
            OrganisationCertificate::BusinessLicence => 0,
            OrganisationCertificate::PublicInstitution => 1,
            OrganisationCertificate::SocialOrganisation => 2,
            OrganisationCertificate::LawEnforcementBody => 3,
            OrganisationCertificate::OrganisationCode => 4,
            OrganisationCertificate::Other => 99,
        }
    }

    pub fn from_code(code: i64) -> Option<OrganisationCertificate> {
        OrganisationCertificate::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// How the customer proves who it is (`identify_type`, with its certificate).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `identify_type` 0: a personal certificate, reviewed by the platform.
    PersonalCertificate(PersonalCertificate),
    /// `identify_type` 4: a personal bank card and a face photo, decided at once.
    BankCard,
    /// `identify_type` 1: an organisation's certificate, reviewed by the platform.
    Organisation(Option<OrganisationCertificate>),
}

impl Method {
    pub fn identify_type(self) -> i64 {
        match self {
            Method::PersonalCertificate(_) => 0,
            Method::BankCard => 4,
            Method::Organisation(_) => 1,
        }
    }

    /// The method's name, as the store and the operator API write it.
    pub fn code(self) -> &'static str {
        match self {
            Method::PersonalCertificate(_) => "personal_certificate",
            Method::BankCard => "bank_card",
            Method::Organisation(_) => "organisation",
        }
    }

    /// The method named `code` with its certificate code, as [`Method::code`] and
    /// [`Method::certificate_code`] give them.
    pub fn from_codes(code: &str, certificate: Option<i64>) -> Option<Method> {
        match (code, certificate) {
            ("personal_certificate", Some(c)) => {
                PersonalCertificate::from_code(c).map(Method::PersonalCertificate)
            }
            ("bank_card", None) => Some(Method::BankCard),
            ("organisation", None) => Some(Method::Organisation(None)),
            ("organisation", Some(c)) => {
                OrganisationCertificate::from_code(c).map(|c| Method::Organisation(Some(c)))
            }
            _ => None,
        }
    }

    /// `verified_type` of a personal certificate, `certificate_type` of an organisation's.
    pub fn certificate_code(self) -> Option<i64> {
        match self {
            Method::PersonalCertificate(c) => Some(c.code()),
            Method::BankCard | Method::Organisation(None) => None,
            Method::Organisation(Some(c)) => Some(c.code()),
        }
    }

    /// Whether the customer becomes an individual or an enterprise when this is approved.
    pub fn customer_type(self) -> CustomerType {
        match self {
            Method::PersonalCertificate(_) | Method::BankCard => CustomerType::Individual,
            Method::Organisation(_) => CustomerType::Enterprise,
        }
    }

    /// A bank card is checked at once; everything else waits for the platform's review.
    pub fn is_decided_at_once(self) -> bool {
        self == Method::BankCard
    }
}

/// What a submission is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The customer's first authentication (`CreatePersonalRealnameAuth`,
    /// `CreateEnterpriseRealnameAuthentication`; `change_type` -1).
    Authentication,
    /// A verified individual becoming an enterprise (`ChangeEnterpriseRealnameAuthentication`,
    /// `change_type` 1).
    ChangeToEnterprise,
}

impl Purpose {
    pub fn code(self) -> &'static str {
        match self {
            Purpose::Authentication => "authentication",
            Purpose::ChangeToEnterprise => "change_to_enterprise",
        }
    }

    pub fn from_code(code: &str) -> Option<Purpose> {
        [Purpose::Authentication, Purpose::ChangeToEnterprise]
            .into_iter()
            .find(|p| p.code() == code)
    }
}

/// Where a submission's review stands (`review_result`: 0, 1, 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewStatus {
    Pending,
    Rejected,
    Approved,
}

impl ReviewStatus {
    pub const ALL: [ReviewStatus; 3] =
        [ReviewStatus::Pending, ReviewStatus::Rejected, ReviewStatus::Approved];

    /// `review_result` of `ShowRealnameAuthenticationReviewResult`.
    pub fn code(self) -> i64 {
        match self {
            ReviewStatus::Pending => 0,
            ReviewStatus::Rejected => 1,
            ReviewStatus::Approved => 2,
        }
    }

    pub fn from_code(code: i64) -> Option<ReviewStatus> {
        ReviewStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The status's name in the operator API.
    pub fn name(self) -> &'static str {
        match self {
            ReviewStatus::Pending => "pending",
            ReviewStatus::Rejected => "rejected",
            ReviewStatus::Approved => "approved",
        }
    }

    pub fn from_name(name: &str) -> Option<ReviewStatus> {
        ReviewStatus::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// Why a submission, or a decision on one, is refused, in the order the rules are checked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RealNameError {
    /// `CBC.99005030`: the partner's access configuration has attachment upload turned off.
    #[error("real-name attachment upload is not enabled in your access configuration")]
    AttachmentUploadDisabled,
    /// `CBC.0100`.
    #[error("change_type is required: 1 (individual to enterprise)")]
    ChangeTypeRequired,
    /// `CBC.0100`.
    #[error("change_type must be {0}")]
    ChangeTypeUnsupported(&'static str),
    /// `CBC.0100`.
    #[error("customer_id is required")]
    CustomerIdRequired,
    /// `CBC.0100`.
    #[error("identify_type must be {0}")]
    IdentifyTypeUnsupported(&'static str),
    /// `CBC.0100`.
    #[error("xaccount_type is required")]
    XaccountTypeRequired,
    /// `CBC.0100`: not a platform id of the partner's access configuration.
    #[error("xaccount_type {0:?} is not a platform id of your access configuration")]
    XaccountTypeNotRegistered(String),
    /// `CBC.0100`.
    #[error("name is required")]
    NameRequired,
    /// `CBC.0100`.
    #[error(
        "corp_name must be 1 to 255 characters and not only digits, special characters and spaces"
    )]
    CorpNameInvalid,
    /// `CBC.0100`.
    #[error("verified_number is required")]
    VerifiedNumberRequired,
    /// `CBC.0100`.
    #[error("verified_type is required when identify_type is 0")]
    VerifiedTypeRequired,
    /// `CBC.0100`.
    #[error("verified_type must be 3, 5, 6, 9 or 10")]
    VerifiedTypeUnsupported,
    /// `CBC.0100`.
    #[error("bank_card_info is required when identify_type is 4")]
    BankCardInfoRequired,
    /// `CBC.0100`.
    #[error("bank_account is required: letters and digits, and -, starting with a letter or digit")]
    BankAccountMalformed,
    /// `CBC.0100`: codes are sent to mainland numbers only.
    #[error("areacode must be 0086")]
    AreacodeUnsupported,
    /// `CBC.0100`.
    #[error("mobile must be a mainland China mobile number without country code")]
    MobileMalformed,
    /// `CBC.0100`.
    #[error("verification_code is required with a bank card")]
    VerificationCodeRequired,
    /// `CBC.0100`.
    #[error("certificate_type must be 0, 1, 2, 3, 4 or 99")]
    CertificateTypeUnsupported,
    /// `CBC.0100`.
    #[error("reg_country must be an ISO 3166 alpha-2 code such as CN")]
    RegCountryMalformed,
    /// `CBC.0100`.
    #[error("enterprise_person.legel_name is required")]
    LegalNameRequired,
    /// `CBC.0100`.
    #[error("enterprise_person.legel_id_number is required")]
    LegalIdNumberRequired,
    /// `CBC.0100`.
    #[error("enterprise_person.certifier_role must be legalPerson")]
    CertifierRoleUnsupported,
    /// `CBC.0100`.
    #[error("verified_file_url must name 1 to 4 files")]
    FileCountOutOfRange,
    /// `CBC.0100`: a path relative to the bucket's `download/` directory, such as `test/abc.jpg`.
    #[error(
        "verified_file_url {0:?} is not a path relative to the bucket's download directory (no leading /, no . or .., no scheme)"
    )]
    FilePathInvalid(String),
    /// `CBC.99000100`.
    #[error("verified_file_url {0:?} is not a jpg, jpeg, bmp, png, gif or pdf file")]
    FileFormatUnsupported(String),
    /// `CBC.0100`: each certificate has its number of images, in a fixed order.
    #[error("this authentication takes {expected} files in verified_file_url, not {given}")]
    FileCountMismatch { expected: usize, given: usize },
    /// `CBC.99000035`.
    #[error("the customer {0} is not your sub-customer")]
    NotYourCustomer(String),
    /// `CBC.99007188`.
    #[error("the customer is already real-name verified, or its authentication is under review")]
    AlreadyVerifiedOrInReview,
    /// `CBC.99007004`: only a verified individual may change to an enterprise.
    #[error("the customer is not a real-name verified individual")]
    NotAVerifiedIndividual,
    /// `CBC.99007191`.
    #[error("the customer has submitted as many real-name authentications as it may")]
    SubmissionLimitReached,
    /// `CBC.99000027`: the bank-card verification code has expired.
    #[error("the verification code has expired")]
    VerificationCodeExpired,
    /// `PC.UnknownRealnameReview` (operator API).
    #[error("no real-name submission has the id {0:?}")]
    UnknownReview(String),
    /// `PC.RealnameReviewNotPending` (operator API).
    #[error("the submission was already decided: only a pending one is approved or rejected")]
    ReviewNotPending,
    /// `PC.OpinionInvalid` (operator API).
    #[error("a rejection needs an opinion of 1 to 256 characters")]
    OpinionInvalid,
}

impl RealNameError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            RealNameError::AttachmentUploadDisabled => "AttachmentUploadDisabled",
            RealNameError::ChangeTypeRequired => "ChangeTypeRequired",
            RealNameError::ChangeTypeUnsupported(_) => "ChangeTypeUnsupported",
            RealNameError::CustomerIdRequired => "CustomerIdRequired",
            RealNameError::IdentifyTypeUnsupported(_) => "IdentifyTypeUnsupported",
            RealNameError::XaccountTypeRequired => "XaccountTypeRequired",
            RealNameError::XaccountTypeNotRegistered(_) => "XaccountTypeNotRegistered",
            RealNameError::NameRequired => "NameRequired",
            RealNameError::CorpNameInvalid => "CorpNameInvalid",
            RealNameError::VerifiedNumberRequired => "VerifiedNumberRequired",
            RealNameError::VerifiedTypeRequired => "VerifiedTypeRequired",
            RealNameError::VerifiedTypeUnsupported => "VerifiedTypeUnsupported",
            RealNameError::BankCardInfoRequired => "BankCardInfoRequired",
            RealNameError::BankAccountMalformed => "BankAccountMalformed",
            RealNameError::AreacodeUnsupported => "AreacodeUnsupported",
            RealNameError::MobileMalformed => "MobileMalformed",
            RealNameError::VerificationCodeRequired => "VerificationCodeRequired",
            RealNameError::CertificateTypeUnsupported => "CertificateTypeUnsupported",
            RealNameError::RegCountryMalformed => "RegCountryMalformed",
            RealNameError::LegalNameRequired => "LegalNameRequired",
            RealNameError::LegalIdNumberRequired => "LegalIdNumberRequired",
            RealNameError::CertifierRoleUnsupported => "CertifierRoleUnsupported",
            RealNameError::FileCountOutOfRange => "FileCountOutOfRange",
            RealNameError::FilePathInvalid(_) => "FilePathInvalid",
            RealNameError::FileFormatUnsupported(_) => "FileFormatUnsupported",
            RealNameError::FileCountMismatch { .. } => "FileCountMismatch",
            RealNameError::NotYourCustomer(_) => "NotYourCustomer",
            RealNameError::AlreadyVerifiedOrInReview => "AlreadyVerifiedOrInReview",
            RealNameError::NotAVerifiedIndividual => "NotAVerifiedIndividual",
            RealNameError::SubmissionLimitReached => "SubmissionLimitReached",
            RealNameError::VerificationCodeExpired => "VerificationCodeExpired",
            RealNameError::UnknownReview(_) => "UnknownReview",
            RealNameError::ReviewNotPending => "ReviewNotPending",
            RealNameError::OpinionInvalid => "OpinionInvalid",
        }
    }
}

/// A partner submits real-name authentications only with attachment upload turned on in its
/// access configuration (the bucket the attachments are read from).
pub fn may_upload_attachments(partner: &Partner) -> Result<(), RealNameError> {
    if !partner.realname_attachments {
        return Err(RealNameError::AttachmentUploadDisabled);
    }
    Ok(())
}

/// The bank card of a personal bank-card authentication (`BankCardInfoV2`), as given.
#[derive(Clone, Debug, Default)]
pub struct BankCardRequest {
    pub bank_account: Option<String>,
    pub areacode: Option<String>,
    pub mobile: Option<String>,
    pub verification_code: Option<String>,
}

/// `CreatePersonalRealnameAuth` as the request gives it (`ApplyIndividualRealnameAuthsReq`).
#[derive(Clone, Debug, Default)]
pub struct IndividualRequest {
    pub customer_id: String,
    pub identify_type: i64,
    pub verified_type: Option<i64>,
    pub verified_file_url: Vec<String>,
    pub name: String,
    pub verified_number: String,
    pub change_type: Option<i64>,
    pub xaccount_type: String,
    pub bank_card_info: Option<BankCardRequest>,
}

/// The legal person of an organisation (`EnterprisePersonNew`, whose JSON names keep the SDK's
/// `legel_` spelling), as given.
#[derive(Clone, Debug, Default)]
pub struct LegalPersonRequest {
    pub name: String,
    pub id_number: String,
    pub certifier_role: Option<String>,
}

/// `CreateEnterpriseRealnameAuthentication` (`ApplyEnterpriseRealnameAuthsReq`) and
/// `ChangeEnterpriseRealnameAuthentication` (`ChangeEnterpriseRealnameAuthsReq`, which adds
/// `change_type`) as the request gives them.
#[derive(Clone, Debug, Default)]
pub struct EnterpriseRequest {
    pub customer_id: String,
    pub identify_type: i64,
    pub certificate_type: Option<i64>,
    pub verified_file_url: Vec<String>,
    pub corp_name: String,
    pub verified_number: String,
    /// Absent is unset; `""` is kept as an empty value (the change's model says so).
    pub reg_country: Option<String>,
    pub reg_address: Option<String>,
    pub xaccount_type: String,
    pub enterprise_person: Option<LegalPersonRequest>,
    pub change_type: Option<i64>,
}

/// A bank card whose every rule of form holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankCard {
    pub account: String,
    /// A mainland number: the one the verification code was sent to.
    pub mobile: String,
    pub verification_code: String,
}

impl BankCard {
    /// The last four characters of the account, all that is kept of it.
    pub fn account_tail(&self) -> String {
        let n = self.account.chars().count();
        self.account.chars().skip(n.saturating_sub(4)).collect()
    }
}

/// An organisation's legal person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegalPerson {
    pub name: String,
    pub id_number: String,
    /// `legalPerson` when given.
    pub certifier_role: Option<String>,
}

/// What an organisation's submission says besides its name and number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Organisation {
    pub reg_country: Option<String>,
    pub reg_address: Option<String>,
    pub legal_person: Option<LegalPerson>,
}

/// A submission whose every rule of form holds, for one customer; whether the customer may
/// submit it is [`may_submit`]'s to say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Application {
    pub customer: CustomerId,
    pub purpose: Purpose,
    pub method: Method,
    /// The person's name, or the organisation's (`corp_name`): the real name approval gives.
    pub name: String,
    pub verified_number: String,
    /// Paths relative to the bucket's `download/` directory, in the order the method asks.
    pub files: Vec<String>,
    pub xaccount_type: String,
    /// The organisation's details, for an organisation.
    pub organisation: Option<Organisation>,
    /// The bank card, for a bank-card authentication: its code is checked before it is kept.
    pub bank_card: Option<BankCard>,
}

/// Whether `xaccount_type` is given and, when the partner's access configuration registered
/// platform ids (`registered`), one of them.
fn check_xaccount_type(xaccount_type: &str, registered: &[String]) -> Result<(), RealNameError> {
    if xaccount_type.is_empty() {
        return Err(RealNameError::XaccountTypeRequired);
    }
    if !registered.is_empty() && !registered.iter().any(|t| t == xaccount_type) {
        return Err(RealNameError::XaccountTypeNotRegistered(xaccount_type.to_owned()));
    }
    Ok(())
}

/// A path relative to the bucket's `download/` directory, as `verified_file_url` names one:
/// `abc023.jpg` or `test/abc023.jpg`; no leading `/`, no `.` or `..` or empty segment, no scheme
/// or drive (`https:`, `c:`), no control characters.
pub fn is_download_path(path: &str) -> bool {
    let mut segments = path.split('/');
    let first_ok = segments.clone().next().is_some_and(|first| !first.contains(':'));
    first_ok
        && !path.chars().any(|c| c.is_control() || c == '\\')
        && segments.all(|s| !s.is_empty() && s != "." && s != "..")
}

/// Whether the file's extension is one of [`FILE_FORMATS`], in any case.
pub fn has_supported_format(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && FILE_FORMATS.iter().any(|f| f.eq_ignore_ascii_case(ext))
    })
}

/// The attachment rules: 1 to [`MAX_FILES`] paths, each a download path of a supported format,
/// then exactly the number the method takes.
pub fn check_files(files: &[String], expected: usize) -> Result<(), RealNameError> {
    if files.is_empty() || files.len() > MAX_FILES {
        return Err(RealNameError::FileCountOutOfRange);
    }
    for file in files {
        if !is_download_path(file) {
            return Err(RealNameError::FilePathInvalid(file.clone()));
        }
        if !has_supported_format(file) {
            return Err(RealNameError::FileFormatUnsupported(file.clone()));
        }
    }
    if files.len() != expected {
        return Err(RealNameError::FileCountMismatch { expected, given: files.len() });
    }
    Ok(())
}

/// A bank account as `BankCardInfoV2` takes it: letters and digits, and `-` after the first.
pub fn is_bank_account(account: &str) -> bool {
    let mut chars = account.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// An organisation name as `corp_name` takes it: 1 to 255 characters, not only digits, special
/// characters and spaces (at least one letter, of any script).
pub fn is_corp_name(name: &str) -> bool {
    let length = name.chars().count();
    (1..=MAX_CORP_NAME_CHARS).contains(&length) && name.chars().any(char::is_alphabetic)
}

/// An ISO 3166 alpha-2 code as `reg_country` takes it: two capital letters (`CN`).
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

fn bank_card(info: Option<&BankCardRequest>) -> Result<BankCard, RealNameError> {
    let info = info.ok_or(RealNameError::BankCardInfoRequired)?;
    let account = info.bank_account.as_deref().unwrap_or_default();
    if !is_bank_account(account) {
        return Err(RealNameError::BankAccountMalformed);
    }
    if info.areacode.as_deref() != Some("0086") {
        return Err(RealNameError::AreacodeUnsupported);
    }
    let mobile = info.mobile.as_deref().unwrap_or_default();
    if !crate::verification::is_mainland_mobile(mobile) {
        return Err(RealNameError::MobileMalformed);
    }
    let code = info.verification_code.as_deref().unwrap_or_default();
    if code.is_empty() {
        return Err(RealNameError::VerificationCodeRequired);
    }
    Ok(BankCard {
        account: account.to_owned(),
        mobile: mobile.to_owned(),
        verification_code: code.to_owned(),
    })
}

/// The form rules of `CreatePersonalRealnameAuth`, in order: the customer, `identify_type`
/// (0 or 4), `change_type` (-1 or absent), `xaccount_type`, name and number, the certificate or
/// the bank card, then the files (three for a certificate, one face photo for a bank card).
pub fn individual_application(
    req: &IndividualRequest,
    xaccount_types: &[String],
) -> Result<Application, RealNameError> {
    if req.customer_id.is_empty() {
        return Err(RealNameError::CustomerIdRequired);
    }
    if ![0, 4].contains(&req.identify_type) {
        return Err(RealNameError::IdentifyTypeUnsupported("0 (certificate) or 4 (bank card)"));
    }
    if req.change_type.is_some_and(|t| t != -1) {
        return Err(RealNameError::ChangeTypeUnsupported("-1 (first authentication)"));
    }
    check_xaccount_type(&req.xaccount_type, xaccount_types)?;
    if req.name.is_empty() {
        return Err(RealNameError::NameRequired);
    }
    if req.verified_number.is_empty() {
        return Err(RealNameError::VerifiedNumberRequired);
    }
    let (method, bank_card, expected_files) = if req.identify_type == 0 {
        let code = req.verified_type.ok_or(RealNameError::VerifiedTypeRequired)?;
        let certificate =
            PersonalCertificate::from_code(code).ok_or(RealNameError::VerifiedTypeUnsupported)?;
        (Method::PersonalCertificate(certificate), None, certificate.images())
    } else {
        (Method::BankCard, Some(bank_card(req.bank_card_info.as_ref())?), 1)
    };
    check_files(&req.verified_file_url, expected_files)?;
    Ok(Application {
        customer: CustomerId(req.customer_id.clone()),
        purpose: Purpose::Authentication,
        method,
        name: req.name.clone(),
        verified_number: req.verified_number.clone(),
        files: req.verified_file_url.clone(),
        xaccount_type: req.xaccount_type.clone(),
        organisation: None,
        bank_card,
    })
}

fn legal_person(req: &LegalPersonRequest) -> Result<LegalPerson, RealNameError> {
    if req.name.is_empty() {
        return Err(RealNameError::LegalNameRequired);
    }
    if req.id_number.is_empty() {
        return Err(RealNameError::LegalIdNumberRequired);
    }
    let role = req.certifier_role.clone().filter(|r| !r.is_empty());
    if role.as_deref().is_some_and(|r| r != "legalPerson") {
        return Err(RealNameError::CertifierRoleUnsupported);
    }
    Ok(LegalPerson {
        name: req.name.clone(),
        id_number: req.id_number.clone(),
        certifier_role: role,
    })
}

/// The form rules of `CreateEnterpriseRealnameAuthentication`, in order: the customer,
/// `identify_type` (1), `xaccount_type`, `certificate_type`, `corp_name`, `verified_number`,
/// `reg_country`, the legal person, then the files (the certificate, and the legal person's ID
/// front and back when `enterprise_person` is given).
pub fn enterprise_application(
    req: &EnterpriseRequest,
    xaccount_types: &[String],
) -> Result<Application, RealNameError> {
    organisation_application(req, Purpose::Authentication, xaccount_types)
}

/// The form rules of `ChangeEnterpriseRealnameAuthentication`: `change_type` 1 first, then
/// those of [`enterprise_application`].
pub fn enterprise_change_application(
    req: &EnterpriseRequest,
    xaccount_types: &[String],
) -> Result<Application, RealNameError> {
    match req.change_type {
        None => Err(RealNameError::ChangeTypeRequired),
        Some(1) => organisation_application(req, Purpose::ChangeToEnterprise, xaccount_types),
        Some(_) => Err(RealNameError::ChangeTypeUnsupported("1 (individual to enterprise)")),
    }
}

fn organisation_application(
    req: &EnterpriseRequest,
    purpose: Purpose,
    xaccount_types: &[String],
) -> Result<Application, RealNameError> {
    if req.customer_id.is_empty() {
        return Err(RealNameError::CustomerIdRequired);
    }
    if req.identify_type != 1 {
        return Err(RealNameError::IdentifyTypeUnsupported("1 (organisation certificate)"));
    }
    check_xaccount_type(&req.xaccount_type, xaccount_types)?;
    let certificate = req
        .certificate_type
        .map(|code| {
            OrganisationCertificate::from_code(code)
                .ok_or(RealNameError::CertificateTypeUnsupported)
        })
        .transpose()?;
    if !is_corp_name(&req.corp_name) {
        return Err(RealNameError::CorpNameInvalid);
    }
    if req.verified_number.is_empty() {
        return Err(RealNameError::VerifiedNumberRequired);
    }
    if req.reg_country.as_deref().is_some_and(|c| !c.is_empty() && !is_country_code(c)) {
        return Err(RealNameError::RegCountryMalformed);
    }
    let legal_person = req.enterprise_person.as_ref().map(legal_person).transpose()?;
    let expected_files = if legal_person.is_some() { 3 } else { 1 };
    check_files(&req.verified_file_url, expected_files)?;
    Ok(Application {
        customer: CustomerId(req.customer_id.clone()),
        purpose,
        method: Method::Organisation(certificate),
        name: req.corp_name.clone(),
        verified_number: req.verified_number.clone(),
        files: req.verified_file_url.clone(),
        xaccount_type: req.xaccount_type.clone(),
        organisation: Some(Organisation {
            reg_country: req.reg_country.clone(),
            reg_address: req.reg_address.clone(),
            legal_person,
        }),
        bank_card: None,
    })
}

/// A customer's real-name state: `verified_status`, `customer_type` and its real name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    pub status: VerifiedStatus,
    pub customer_type: CustomerType,
    pub real_name: Option<String>,
}

impl Verification {
    pub fn of(customer: &Customer) -> Verification {
        Verification {
            status: customer.verified_status,
            customer_type: customer.customer_type,
            real_name: customer.real_name.clone(),
        }
    }
}

/// Whether a customer in state `current`, which has made `n_submissions` submissions of
/// `purpose` already, may submit another: a first authentication unless it is verified or
/// under review (`CBC.99007188`); a change only as a verified individual (`CBC.99007004`);
/// either within [`SUBMISSIONS_PER_PURPOSE`] (`CBC.99007191`).
pub fn may_submit(
    current: &Verification,
    purpose: Purpose,
    n_submissions: u64,
) -> Result<(), RealNameError> {
    match purpose {
        Purpose::Authentication => {
            if matches!(current.status, VerifiedStatus::InReview | VerifiedStatus::Verified) {
                return Err(RealNameError::AlreadyVerifiedOrInReview);
            }
        }
        Purpose::ChangeToEnterprise => {
            let verified_individual = current.status == VerifiedStatus::Verified
                && current.customer_type == CustomerType::Individual;
            if !verified_individual {
                return Err(RealNameError::NotAVerifiedIndividual);
            }
        }
    }
    if n_submissions >= SUBMISSIONS_PER_PURPOSE {
        return Err(RealNameError::SubmissionLimitReached);
    }
    Ok(())
}

/// The customer's state once `application` is submitted: verified at once with a bank card;
/// otherwise under review, keeping its type and name (a changing individual stays one until
/// approved).
pub fn after_submission(current: &Verification, application: &Application) -> Verification {
    if application.method.is_decided_at_once() {
        return Verification {
            status: VerifiedStatus::Verified,
            customer_type: application.method.customer_type(),
            real_name: Some(application.name.clone()),
        };
    }
    Verification { status: VerifiedStatus::InReview, ..current.clone() }
}

/// A submission as the platform keeps it, and its review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    pub id: String,
    pub customer: CustomerId,
    /// The partner that submitted it.
    pub partner: PartnerId,
    pub purpose: Purpose,
    pub method: Method,
    pub name: String,
    pub verified_number: String,
    pub files: Vec<String>,
    pub xaccount_type: String,
    pub organisation: Option<Organisation>,
    /// The last four characters of a bank card's account: the card itself is not kept.
    pub bank_account_tail: Option<String>,
    pub status: ReviewStatus,
    /// Why it was rejected.
    pub opinion: Option<String>,
    pub submitted_at: Timestamp,
    pub decided_at: Option<Timestamp>,
    /// The operator who decided it; `None` for a bank card, decided at once.
    pub decided_by: Option<String>,
}

impl Submission {
    /// `application` as submitted by `partner` at `at`: approved at once with a bank card,
    /// pending otherwise.
    pub fn of(application: Application, id: String, partner: PartnerId, at: Timestamp) -> Self {
        let at_once = application.method.is_decided_at_once();
        Submission {
            id,
            customer: application.customer,
            partner,
            purpose: application.purpose,
            method: application.method,
            name: application.name,
            verified_number: application.verified_number,
            files: application.files,
            xaccount_type: application.xaccount_type,
            organisation: application.organisation,
            bank_account_tail: application.bank_card.as_ref().map(BankCard::account_tail),
            status: if at_once { ReviewStatus::Approved } else { ReviewStatus::Pending },
            opinion: None,
            submitted_at: at,
            decided_at: at_once.then_some(at),
            decided_by: None,
        }
    }

    /// What `ShowRealnameAuthenticationReviewResult` says of it: the opinion only of a rejection.
    pub fn review_result(&self) -> ReviewResult {
        ReviewResult {
            status: self.status,
            opinion: self.opinion.clone().filter(|_| self.status == ReviewStatus::Rejected),
        }
    }
}

/// A submission's review as the partner sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewResult {
    pub status: ReviewStatus,
    pub opinion: Option<String>,
}

/// The review queue's filter: one status, and one customer or all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewFilter {
    pub status: ReviewStatus,
    pub customer: Option<CustomerId>,
}

impl ReviewFilter {
    pub fn matches(&self, submission: &Submission) -> bool {
        submission.status == self.status
            && self.customer.as_ref().is_none_or(|c| *c == submission.customer)
    }
}

/// An operator's decision on a pending submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    /// With the opinion the partner reads.
    Reject(String),
}

impl Decision {
    /// A rejection with `opinion`: 1 to [`MAX_OPINION_CHARS`] characters, not only spaces.
    pub fn reject(opinion: &str) -> Result<Decision, RealNameError> {
        let length = opinion.chars().count();
        if opinion.trim().is_empty() || length > MAX_OPINION_CHARS {
            return Err(RealNameError::OpinionInvalid);
        }
        Ok(Decision::Reject(opinion.to_owned()))
    }
}

/// A decided submission and the customer's state after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decided {
    pub submission: Submission,
    pub verification: Verification,
}

/// `decision` on `submission`, by operator `by` at `at`, for a customer in state `current`.
/// Only a pending submission is decided. Approval verifies the customer as the method's type
/// under the submitted name; rejection leaves a first authentication rejected, and a change's
/// customer the verified individual it was.
pub fn decide(
    submission: &Submission,
    current: &Verification,
    decision: &Decision,
    by: &str,
    at: Timestamp,
) -> Result<Decided, RealNameError> {
    if submission.status != ReviewStatus::Pending {
        return Err(RealNameError::ReviewNotPending);
    }
    let (status, opinion, verification) = match (decision, submission.purpose) {
        (Decision::Approve, _) => (
            ReviewStatus::Approved,
            None,
            Verification {
                status: VerifiedStatus::Verified,
                customer_type: submission.method.customer_type(),
                real_name: Some(submission.name.clone()),
            },
        ),
        (Decision::Reject(opinion), Purpose::Authentication) => (
            ReviewStatus::Rejected,
            Some(opinion.clone()),
            Verification { status: VerifiedStatus::Rejected, ..current.clone() },
        ),
        (Decision::Reject(opinion), Purpose::ChangeToEnterprise) => (
            ReviewStatus::Rejected,
            Some(opinion.clone()),
            Verification {
                status: VerifiedStatus::Verified,
                customer_type: CustomerType::Individual,
                real_name: current.real_name.clone(),
            },
        ),
    };
    let submission = Submission {
        status,
        opinion,
        decided_at: Some(at),
        decided_by: Some(by.to_owned()),
        ..submission.clone()
    };
    Ok(Decided { submission, verification })
}
