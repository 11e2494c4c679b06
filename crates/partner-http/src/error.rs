//! Errors on the wire: the `{"error_code", "error_msg"}` envelope, and the one table that maps
//! every engine error to its CBC code and HTTP status.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use partner_domain::{
    access::AccessError,
    associations::AssociationChangeError,
    catalog::CatalogError,
    coupons::CouponError,
    customers::{IdentityError, RegistrationError},
    divisions::DivisionError,
    funds::FundsError,
    members::MemberError,
    money::MoneyError,
    paging::PageError,
    partners::PartnerError,
    realname::RealNameError,
    reports::ReportError,
    time::{ClockError, DateRangeError},
    verification::VerificationError,
};
use partner_engine::EngineError;
use serde::Serialize;

/// An error answer: status, code and message, and for gateway errors the request id.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// The gateway's own errors (`APIG.*`) repeat the request id in the body.
    pub request_id: Option<String>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error_code: &'a str,
    error_msg: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error_code: self.code,
            error_msg: &self.message,
            request_id: self.request_id.as_deref(),
        };
        let mut response = (self.status, Json(body)).into_response();
        response.extensions_mut().insert(ErrorCode(self.code));
        response
    }
}

/// The error code of a response, for the access log.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ErrorCode(pub(crate) &'static str);

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), request_id: None }
    }

    /// `CBC.0100`: a body that is not JSON, a field of the wrong type, a value out of range.
    pub fn parameter(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "CBC.0100", message)
    }

    /// `CBC.0999`: something failed inside the server; the client learns nothing internal.
    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "CBC.0999",
            "Other error: the request could not be completed, try again later",
        )
    }

    /// `APIGW.0101`: no API at this method and path.
    pub fn no_such_api() -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "APIGW.0101",
            "The API does not exist or has not been published in the environment",
        )
    }

    pub(crate) fn with_request_id(mut self, request_id: &str) -> ApiError {
        self.request_id = Some(request_id.to_owned());
        self
    }
}

/// One table of the CBC table: the status and code of each variant of one error enum, with an
/// exhaustive match (a new rule does not compile until it has its row) and the rows themselves
/// for the snapshot. `wraps` hands a variant holding another enum to that enum's table.
macro_rules! cbc_table {
    ($table:ident: $ty:ident {
        $($variant:ident => $status:ident $code:literal,)*
    } $(wraps { $($wrapper:ident => $inner:ident,)* })?) => {
        mod $table {
            use super::*;

            // One pattern shape for unit, tuple and struct variants alike.
            #[allow(clippy::unneeded_struct_pattern)]
            pub(super) fn status_and_code(err: &$ty) -> (StatusCode, &'static str) {
                match err {
                    $($ty::$variant { .. } => (StatusCode::$status, $code),)*
                    $($($ty::$wrapper(inner) => super::$inner::status_and_code(inner),)*)?
                }
            }

            pub(super) fn rows() -> Vec<(String, StatusCode, &'static str)> {
                #[allow(unused_mut)]
                let mut rows = vec![$((
                    concat!(stringify!($ty), "::", stringify!($variant)).to_owned(),
                    StatusCode::$status,
                    $code,
                ),)*];
                $($(rows.extend(super::$inner::rows());)*)?
                rows
            }
        }
    };
}

// The codes are the API reference's: CBC.0151 access denied, CBC.0100 a parameter out of its
// rules, CBC.99xxxxxx a business rule of the partner center. The operator API is ours: its
// codes (`PC.*`) say what went wrong in our own words.
cbc_table!(engine: EngineError {
    OperationNotOpenToCaller => FORBIDDEN "CBC.0151",
    InvalidParameter => BAD_REQUEST "CBC.0100",
    UnknownOwner => BAD_REQUEST "PC.UnknownOwner",
    UnknownAccessKey => NOT_FOUND "PC.UnknownAccessKey",
    WorldInvalid => BAD_REQUEST "PC.WorldInvalid",
    IdempotencyKeyReused => CONFLICT "PC.IdempotencyKeyReused",
    Conflict => CONFLICT "PC.Conflict",
    Overloaded => TOO_MANY_REQUESTS "APIG.0308",
    Internal => INTERNAL_SERVER_ERROR "CBC.0999",
} wraps {
    Partner => partners,
    Funds => funds,
    Money => money,
    Page => paging,
    Clock => clock,
    Identity => identities,
    Registration => registrations,
    Verification => verifications,
    RealName => realnames,
    Report => reports,
    Division => divisions,
    Member => members,
    AssociationChange => association_changes,
    DateRange => dates,
    Access => access,
    Coupon => coupons,
    Catalog => catalog,
});

cbc_table!(partners: PartnerError {
    OperationNotOpenToPartnerKind => FORBIDDEN "CBC.0151",
    NotYourIndirectPartner => BAD_REQUEST "CBC.99000037",
});

cbc_table!(funds: FundsError {
    AmountMustBePositive => BAD_REQUEST "CBC.0100",
    AmountMalformed => BAD_REQUEST "CBC.0100",
    NotYourCustomer => BAD_REQUEST "CBC.99000035",
    ReferralCustomerFundsAreNotYours => BAD_REQUEST "CBC.99000000",
    InsufficientBalance => BAD_REQUEST "CBC.99005003",
    AmountMustNotBeNegative => BAD_REQUEST "CBC.0100",
    TransferToSameAccount => BAD_REQUEST "CBC.0100",
    BalanceOverflow => BAD_REQUEST "CBC.0100",
});

cbc_table!(money: MoneyError {
    TooManyDecimals => BAD_REQUEST "CBC.0100",
    OutOfRange => BAD_REQUEST "CBC.0100",
    NotANumber => BAD_REQUEST "CBC.0100",
});

cbc_table!(paging: PageError {
    OffsetOutOfRange => BAD_REQUEST "CBC.0100",
    LimitOutOfRange => BAD_REQUEST "CBC.0100",
});

cbc_table!(clock: ClockError {
    ClockNotManual => CONFLICT "PC.ClockNotManual",
    ClockMovesForwardOnly => CONFLICT "PC.ClockMovesForwardOnly",
    ClockOutOfRange => BAD_REQUEST "PC.ClockOutOfRange",
});

cbc_table!(identities: IdentityError {
    UnknownSearchType => BAD_REQUEST "CBC.0100",
    SearchValueLength => BAD_REQUEST "CBC.0100",
    NameMalformed => BAD_REQUEST "CBC.0100",
    EmailMalformed => BAD_REQUEST "CBC.0100",
    MobileMalformed => BAD_REQUEST "CBC.0100",
});

cbc_table!(registrations: RegistrationError {
    XaccountIdRequired => BAD_REQUEST "CBC.0100",
    XaccountTypeRequired => BAD_REQUEST "CBC.0100",
    XaccountTypeNotRegistered => BAD_REQUEST "CBC.0101",
    MarketingFlagInvalid => BAD_REQUEST "CBC.0100",
    VerificationCodeRequired => BAD_REQUEST "CBC.0100",
    PasswordEmpty => BAD_REQUEST "CBC.0100",
    AccountNameInvalid => BAD_REQUEST "CBC.99000031",
    MobileInvalid => BAD_REQUEST "CBC.5017",
    PasswordWeak => BAD_REQUEST "CBC.99000036",
    XaccountTaken => BAD_REQUEST "CBC.99000039",
    AccountNameTaken => BAD_REQUEST "CBC.99000038",
    MobileQuotaExhausted => BAD_REQUEST "CBC.99000030",
});

cbc_table!(verifications: VerificationError {
    ReceiverTypeUnsupported => BAD_REQUEST "CBC.0100",
    TimeoutOutOfRange => BAD_REQUEST "CBC.0100",
    MobileMalformed => BAD_REQUEST "CBC.0100",
    LanguageUnsupported => BAD_REQUEST "CBC.0100",
    SceneUnsupported => BAD_REQUEST "CBC.0100",
    CustomerRequiredForScene => BAD_REQUEST "CBC.0100",
    NotYourCustomer => BAD_REQUEST "CBC.99000035",
    SendLimitReached => BAD_REQUEST "CBC.99004015",
    CodeExpired => BAD_REQUEST "CBC.99004008",
    TooManyFailedAttempts => BAD_REQUEST "CBC.99004009",
    CodeWrong => BAD_REQUEST "CBC.99004010",
});

// Reports and invitations are our API (customers.md §4 has no SDK operation): each rule is a
// `PC.*` code of its own name. A state that forbids the step is 409; a malformed request 400.
cbc_table!(reports: ReportError {
    AlreadyAssociated => CONFLICT "PC.AlreadyAssociated",
    AccountIsAPartner => CONFLICT "PC.AccountIsAPartner",
    ReportedByCloud => CONFLICT "PC.ReportedByCloud",
    RegistrationTimeOverLimit => CONFLICT "PC.RegistrationTimeOverLimit",
    InArrears => CONFLICT "PC.InArrears",
    PostPay => CONFLICT "PC.PostPay",
    ReservedInstances => CONFLICT "PC.ReservedInstances",
    InvoiceDebt => CONFLICT "PC.InvoiceDebt",
    StoredValueCard => CONFLICT "PC.StoredValueCard",
    EnterpriseMaster => CONFLICT "PC.EnterpriseMaster",
    RechargeBonus => CONFLICT "PC.RechargeBonus",
    ProfileWithoutContact => CONFLICT "PC.ProfileWithoutContact",
    CustomerNameRequired => BAD_REQUEST "PC.CustomerNameRequired",
    ContactRequired => BAD_REQUEST "PC.ContactRequired",
    InvalidMobile => BAD_REQUEST "PC.InvalidMobile",
    InvalidEmail => BAD_REQUEST "PC.InvalidEmail",
    UnknownAccount => BAD_REQUEST "PC.UnknownAccount",
    MobileNotTheAccounts => BAD_REQUEST "PC.MobileNotTheAccounts",
    AccountAmbiguous => BAD_REQUEST "PC.AccountAmbiguous",
    ReportedByAnotherPartner => CONFLICT "PC.ReportedByAnotherPartner",
    AlreadyReported => CONFLICT "PC.AlreadyReported",
    UnknownReport => NOT_FOUND "PC.UnknownReport",
    PendingReportCannotBeDeleted => CONFLICT "PC.PendingReportCannotBeDeleted",
    AssociatedReportCannotBeDeleted => CONFLICT "PC.AssociatedReportCannotBeDeleted",
    ReportNotPending => CONFLICT "PC.ReportNotPending",
    RejectionReasonRequired => BAD_REQUEST "PC.RejectionReasonRequired",
    ReportNotReported => CONFLICT "PC.ReportNotReported",
    InvalidLabel => BAD_REQUEST "PC.InvalidLabel",
    InvitationNotFound => NOT_FOUND "PC.InvitationNotFound",
    InvitationExpired => CONFLICT "PC.InvitationExpired",
    InvitationUsed => CONFLICT "PC.InvitationUsed",
});

// The reference's codes for the real-name operations (customers.md §7); the review queue is
// our operator API, whose refusals are `PC.*`.
cbc_table!(realnames: RealNameError {
    AttachmentUploadDisabled => BAD_REQUEST "CBC.99005030",
    ChangeTypeRequired => BAD_REQUEST "CBC.0100",
    ChangeTypeUnsupported => BAD_REQUEST "CBC.0100",
    CustomerIdRequired => BAD_REQUEST "CBC.0100",
    IdentifyTypeUnsupported => BAD_REQUEST "CBC.0100",
    XaccountTypeRequired => BAD_REQUEST "CBC.0100",
    XaccountTypeNotRegistered => BAD_REQUEST "CBC.0100",
    NameRequired => BAD_REQUEST "CBC.0100",
    CorpNameInvalid => BAD_REQUEST "CBC.0100",
    VerifiedNumberRequired => BAD_REQUEST "CBC.0100",
    VerifiedTypeRequired => BAD_REQUEST "CBC.0100",
    VerifiedTypeUnsupported => BAD_REQUEST "CBC.0100",
    BankCardInfoRequired => BAD_REQUEST "CBC.0100",
    BankAccountMalformed => BAD_REQUEST "CBC.0100",
    AreacodeUnsupported => BAD_REQUEST "CBC.0100",
    MobileMalformed => BAD_REQUEST "CBC.0100",
    VerificationCodeRequired => BAD_REQUEST "CBC.0100",
    CertificateTypeUnsupported => BAD_REQUEST "CBC.0100",
    RegCountryMalformed => BAD_REQUEST "CBC.0100",
    LegalNameRequired => BAD_REQUEST "CBC.0100",
    LegalIdNumberRequired => BAD_REQUEST "CBC.0100",
    CertifierRoleUnsupported => BAD_REQUEST "CBC.0100",
    FileCountOutOfRange => BAD_REQUEST "CBC.0100",
    FilePathInvalid => BAD_REQUEST "CBC.0100",
    FileFormatUnsupported => BAD_REQUEST "CBC.99000100",
    FileCountMismatch => BAD_REQUEST "CBC.0100",
    NotYourCustomer => BAD_REQUEST "CBC.99000035",
    AlreadyVerifiedOrInReview => BAD_REQUEST "CBC.99007188",
    NotAVerifiedIndividual => BAD_REQUEST "CBC.99007004",
    SubmissionLimitReached => BAD_REQUEST "CBC.99007191",
    VerificationCodeExpired => BAD_REQUEST "CBC.99000027",
    UnknownReview => NOT_FOUND "PC.UnknownRealnameReview",
    ReviewNotPending => CONFLICT "PC.RealnameReviewNotPending",
    OpinionInvalid => BAD_REQUEST "PC.OpinionInvalid",
});

cbc_table!(divisions: DivisionError {
    UnknownLanguage => BAD_REQUEST "CBC.0100",
    ProvinceCodeRequired => BAD_REQUEST "CBC.0100",
    CityCodeRequired => BAD_REQUEST "CBC.0100",
});

cbc_table!(members: MemberError {
    NameMalformed => BAD_REQUEST "PC.MemberInvalid",
    PermissionItemMalformed => BAD_REQUEST "PC.MemberInvalid",
    TooManyRoles => BAD_REQUEST "PC.MemberInvalid",
    UnknownRole => BAD_REQUEST "PC.MemberInvalid",
    PermissionItemMissing => FORBIDDEN "CBC.0151",
});

cbc_table!(association_changes: AssociationChangeError {
    NotAssociated => BAD_REQUEST "CBC.99000035",
    CustomerMaySwitchOnlyByUnbinding => BAD_REQUEST "PC.AssociationChangeInvalid",
    RequestPending => CONFLICT "PC.AssociationChangePending",
    TooSoon => BAD_REQUEST "PC.AssociationChangeTooSoon",
    ReservedInstances => BAD_REQUEST "PC.AssociationChangeBlocked",
    PostPayCannotSwitch => BAD_REQUEST "PC.AssociationChangeBlocked",
    InArrears => BAD_REQUEST "PC.AssociationChangeBlocked",
    UnknownRequest => NOT_FOUND "PC.UnknownAssociationChange",
    NotPending => CONFLICT "PC.AssociationChangeNotPending",
    NotTheCounterparty => FORBIDDEN "PC.NotTheCounterparty",
});

cbc_table!(dates: DateRangeError {
    BeginAfterEnd => BAD_REQUEST "CBC.0100",
    SpansMoreThanOneYear => BAD_REQUEST "CBC.0100",
    DateOutOfRange => BAD_REQUEST "CBC.0100",
});

cbc_table!(access: AccessError {
    MalformedAccessKeyId => BAD_REQUEST "CBC.0100",
    MalformedSecretKey => BAD_REQUEST "CBC.0100",
});

// Batch operations answer per-item refusals inside a 200 (`error_details`) with the code
// alone; the status here is for a refusal of the whole call. ReclaimPartnerCoupons' reference
// lists CBC.99000048 with HTTP 200, which would make the SDK report success: 400 here, as for
// every single-target refusal (funds.md §4.12).
cbc_table!(coupons: CouponError {
    PlatformQuotaOnlyForDirectPartners => BAD_REQUEST "CBC.0100",
    AmountMalformed => BAD_REQUEST "CBC.0100",
    BatchSizeOutOfRange => BAD_REQUEST "CBC.0100",
    TooManyLimits => BAD_REQUEST "CBC.0100",
    QuotaNotFound => BAD_REQUEST "CBC.99000012",
    QuotaStatusForbidsIssuing => BAD_REQUEST "CBC.99000015",
    QuotaNotInEffect => BAD_REQUEST "CBC.99000017",
    QuotaInsufficient => BAD_REQUEST "CBC.99000013",
    NotYourIndirectPartner => BAD_REQUEST "CBC.99000037",
    NotYourCustomer => BAD_REQUEST "CBC.99000035",
    CooperationTypeForbidsCoupons => BAD_REQUEST "CBC.99000014",
    FaceValueBelowMinimum => BAD_REQUEST "CBC.99000018",
    FaceValueAboveMaximum => BAD_REQUEST "CBC.99000019",
    CouponCountOverLimit => BAD_REQUEST "CBC.99000020",
    TotalFaceValueOverLimit => BAD_REQUEST "CBC.99000021",
    LimitOutsideQuota => BAD_REQUEST "CBC.99000023",
    IssueToSelf => BAD_REQUEST "CBC.99000025",
    ValidityOutsideQuota => BAD_REQUEST "CBC.0100",
    CouponNotFound => BAD_REQUEST "CBC.0100",
    ReferralCouponsNotReclaimable => BAD_REQUEST "CBC.99000045",
    CouponNotReclaimable => BAD_REQUEST "CBC.99000048",
});

/// The code a batch answers a refused item with, in its `error_details`.
pub(crate) fn item_code(err: &CouponError) -> &'static str {
    coupons::status_and_code(err).1
}

cbc_table!(catalog: CatalogError {
    PriceMustNotBeNegative => BAD_REQUEST "CBC.0100",
    DiscountRateOutOfRange => BAD_REQUEST "CBC.0100",
});

/// Every engine error's status and code, from the tables above.
pub fn status_and_code(err: &EngineError) -> (StatusCode, &'static str) {
    engine::status_and_code(err)
}

/// Every row of the tables, `Enum::Variant`, for the snapshot that reviews each change.
pub fn cbc_rows() -> Vec<(String, StatusCode, &'static str)> {
    engine::rows()
}

impl From<EngineError> for ApiError {
    fn from(err: EngineError) -> ApiError {
        let (status, code) = status_and_code(&err);
        let message = match &err {
            EngineError::Internal(internal) => {
                // Logged once here, where it is handled; the client learns nothing internal.
                tracing::error!(error = %internal, "internal failure");
                return ApiError::internal();
            }
            EngineError::OperationNotOpenToCaller
            | EngineError::Member(MemberError::PermissionItemMissing(_))
            | EngineError::Partner(PartnerError::OperationNotOpenToPartnerKind { .. }) => {
                format!("Access denied: {err}")
            }
            other => other.to_string(),
        };
        ApiError::new(status, code, message)
    }
}
