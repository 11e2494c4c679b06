//! Customers of partners: association models and the rules of the sub-customer list.

use crate::{Timestamp, partners::PartnerId};

/// A customer's account id (`customer_id`, the customer's `domain_id`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CustomerId(pub String);

impl std::fmt::Display for CustomerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a customer is associated with its partner (`association_type` on the wire).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AssociationType {
    /// 顾问销售, wire `"1"`: the customer pays the cloud directly.
    Referral,
    /// 代售, wire `"2"`: the partner funds the customer and is billed for it.
    Reseller,
}

impl AssociationType {
    pub fn code(self) -> &'static str {
        match self {
            AssociationType::Referral => "referral",
            AssociationType::Reseller => "reseller",
        }
    }

    pub fn from_code(code: &str) -> Option<AssociationType> {
        [AssociationType::Referral, AssociationType::Reseller]
            .into_iter()
            .find(|a| a.code() == code)
    }
}

/// Real-name authentication state (`verified_status`: -1, 0, 1, 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifiedStatus {
    Unverified,
    InReview,
    Rejected,
    Verified,
}

/// Customer type (`customer_type`: -1 none yet, 0 individual, 1 enterprise).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomerType {
    Unset,
    Individual,
    Enterprise,
}

/// The partner a customer is associated with, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Association {
    pub partner: PartnerId,
    pub kind: AssociationType,
    pub associated_on: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Customer {
    pub id: CustomerId,
    /// The login name of the customer's main account (`account_name`).
    pub account_name: String,
    pub association: Option<Association>,
    pub email: Option<String>,
    pub mobile_phone: Option<String>,
    /// ISO 3166 alpha-2 country of the phone number.
    pub country: String,
    /// Label stamped by a custom invitation link.
    pub label: Option<String>,
    /// The real-name authentication name (`customer` on the wire), once verified.
    pub real_name: Option<String>,
    pub xaccount_id: Option<String>,
    pub xaccount_type: Option<String>,
    pub verified_status: VerifiedStatus,
    pub customer_type: CustomerType,
    /// `is_frozen`: 0 no, 1 account frozen, 2 account and resources frozen.
    pub frozen: i64,
    /// `V0`…`V5`.
    pub level: String,
    /// Whether the customer receives marketing messages (`is_close_market_ms` false).
    pub marketing_messages: bool,
}

/// The filters of `ListSubCustomers` (API reference "查询客户列表"). Absent or empty is no filter.
#[derive(Clone, Debug, Default)]
pub struct SubCustomerFilter {
    pub account_name: Option<String>,
    pub real_name: Option<String>,
    pub label: Option<String>,
    pub association: Option<AssociationType>,
    pub associated_on_begin: Option<Timestamp>,
    pub associated_on_end: Option<Timestamp>,
    pub customer_id: Option<String>,
}

impl SubCustomerFilter {
    pub fn matches(&self, customer: &Customer) -> bool {
        let Some(association) = &customer.association else { return false };
        fuzzy_matches(self.account_name.as_deref(), Some(&customer.account_name), false)
            && fuzzy_matches(self.real_name.as_deref(), customer.real_name.as_deref(), false)
            && fuzzy_matches(self.label.as_deref(), customer.label.as_deref(), true)
            && self.association.is_none_or(|a| a == association.kind)
            && self.associated_on_begin.is_none_or(|b| association.associated_on >= b)
            && self.associated_on_end.is_none_or(|e| association.associated_on <= e)
            && self.customer_id.as_deref().is_none_or(|id| id.is_empty() || customer.id.0 == id)
    }
}

/// The list APIs' fuzzy match: prefix, suffix or infix; a pattern holding a space never
/// matches ("不支持携带空格查询"); labels match case-sensitively, names do not.
pub fn fuzzy_matches(pattern: Option<&str>, value: Option<&str>, case_sensitive: bool) -> bool {
    match FuzzyPattern::new(pattern, case_sensitive) {
        FuzzyPattern::MatchesAll => true,
        FuzzyPattern::MatchesNone => false,
        FuzzyPattern::Contains(text) => value.is_some_and(|value| {
            if case_sensitive { value.contains(&text) } else { fold_case(value).contains(&text) }
        }),
    }
}

/// What one fuzzy filter of a list asks for, so that a store can ask its database the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FuzzyPattern {
    /// An absent or empty pattern: no filter.
    MatchesAll,
    /// A pattern holding a space.
    MatchesNone,
    /// Values containing this text; folded by [`fold_case`] when the match ignores case, to be
    /// looked for in the value folded the same way.
    Contains(String),
}

impl FuzzyPattern {
    pub fn new(pattern: Option<&str>, case_sensitive: bool) -> FuzzyPattern {
        let Some(pattern) = pattern.filter(|p| !p.is_empty()) else {
            return FuzzyPattern::MatchesAll;
        };
        if pattern.contains(' ') {
            FuzzyPattern::MatchesNone
        } else if case_sensitive {
            FuzzyPattern::Contains(pattern.to_owned())
        } else {
            FuzzyPattern::Contains(fold_case(pattern))
        }
    }
}

/// How a match that ignores case folds both sides: Unicode lower case. (SQLite's `lower()`
/// folds ASCII only and PostgreSQL's follows its locale, so a store keeps folded copies.)
pub fn fold_case(text: &str) -> String {
    text.to_lowercase()
}

/// What `CheckUserIdentity` looks up: a login name, an e-mail address or a mobile number
/// (`search_type` `name`, `email`, `mobile`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserIdentity {
    /// Compared ignoring case, as login names are.
    Name(String),
    Email(String),
    /// `0086-13800000000`: the country code, a dash, the number.
    Mobile(String),
}

/// Why a `CheckUserIdentity` request is refused (customers.md §5.1).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("search_type must be email, mobile or name")]
    UnknownSearchType,
    #[error("search_value must be 1 to 64 characters")]
    SearchValueLength,
    #[error(
        "a login name is 5 to 32 letters, digits, - and _, starting with a letter or -, and not op_ or shadow_"
    )]
    NameMalformed,
    #[error("an e-mail address is local@domain")]
    EmailMalformed,
    #[error("a mobile number is 00XX-XXXXXXXX, and only 0086 is supported")]
    MobileMalformed,
}

impl IdentityError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            IdentityError::UnknownSearchType => "UnknownSearchType",
            IdentityError::SearchValueLength => "SearchValueLength",
            IdentityError::NameMalformed => "NameMalformed",
            IdentityError::EmailMalformed => "EmailMalformed",
            IdentityError::MobileMalformed => "MobileMalformed",
        }
    }
}

/// A `search_type` and `search_value` as the rules of `CheckSubcustomerUserReq` read them.
pub fn user_identity(search_type: &str, value: &str) -> Result<UserIdentity, IdentityError> {
    if value.is_empty() || value.chars().count() > 64 {
        return Err(IdentityError::SearchValueLength);
    }
    match search_type {
        "name" => {
            let mut chars = value.chars();
            let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '-');
            let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            let reserved = value.starts_with("op_") || value.starts_with("shadow_");
            if !(5..=32).contains(&value.len()) || !first_ok || !rest_ok || reserved {
                return Err(IdentityError::NameMalformed);
            }
            Ok(UserIdentity::Name(value.to_owned()))
        }
        "email" => match value.split_once('@') {
            Some((local, domain))
                if !local.is_empty() && !domain.is_empty() && !domain.contains('@') =>
            {
                Ok(UserIdentity::Email(value.to_owned()))
            }
            _ => Err(IdentityError::EmailMalformed),
        },
        "mobile" => match value.split_once('-') {
            Some(("0086", number))
                if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Ok(UserIdentity::Mobile(value.to_owned()))
            }
            _ => Err(IdentityError::MobileMalformed),
        },
        _ => Err(IdentityError::UnknownSearchType),
    }
}

/// How many accounts one mobile number may register. The reference leaves it open
/// (customers.md, open question 3); docs/wire.md records the choice.
pub const ACCOUNTS_PER_MOBILE: u64 = 5;

/// `CheckUserIdentity`'s answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdentityCheck {
    /// Whether a new account may register with the identity (`available`), or it is taken
    /// (`used_by_user`).
    pub available: bool,
    /// For a mobile number: how many more accounts may still register with it.
    pub mobile_remaining: Option<u64>,
}

/// Whether an identity held by `n_accounts` accounts may register another: a name or an
/// e-mail address once; a mobile number up to `ACCOUNTS_PER_MOBILE` times.
pub fn check_identity(identity: &UserIdentity, n_accounts: u64) -> IdentityCheck {
    match identity {
        UserIdentity::Mobile(_) => {
            let remaining = ACCOUNTS_PER_MOBILE.saturating_sub(n_accounts);
            IdentityCheck { available: remaining > 0, mobile_remaining: Some(remaining) }
        }
        UserIdentity::Name(_) | UserIdentity::Email(_) => {
            IdentityCheck { available: n_accounts == 0, mobile_remaining: None }
        }
    }
}

/// Whether `partner` may act on `customer`: the customer is associated with the partner, or
/// with one of the partner's resellers (`holder`, the partner it is associated with).
pub fn is_within_reach(
    partner: &crate::partners::Partner,
    customer: &Customer,
    holder: Option<&crate::partners::Partner>,
) -> bool {
    let Some(association) = &customer.association else { return false };
    association.partner == partner.id
        || holder.is_some_and(|h| {
            h.id == association.partner && crate::partners::is_own_reseller(partner, h)
        })
}

/// The key a mobile number is compared by, whichever way it was written: `0086-13800000000`,
/// `+86 138 0000 0000` and a bare mainland `13800000000` are one number. `None` for text that
/// is not a phone number at all (it then matches nothing).
pub fn mobile_key(number: &str) -> Option<String> {
    let compact: String = number.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let international =
        if let Some(rest) = compact.strip_prefix('+') { format!("00{rest}") } else { compact };
    if international.is_empty() || !international.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(national) = international.strip_prefix("0086") {
        return (!national.is_empty()).then(|| format!("0086-{national}"));
    }
    if international.starts_with("00") {
        // Another country: kept whole, as no rule here splits foreign calling codes.
        return Some(international);
    }
    Some(format!("0086-{international}"))
}

/// Why `CreateSubCustomer` refuses to register a customer, in the order the rules are checked
/// (customers.md §5.3).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationError {
    /// `CBC.0100`.
    #[error("xaccount_id is required (1 to 128 characters)")]
    XaccountIdRequired,
    /// `CBC.0100`.
    #[error("xaccount_type is required (1 to 64 characters)")]
    XaccountTypeRequired,
    /// `CBC.0101`: not a platform id of the partner's access configuration.
    #[error("xaccount_type {0:?} is not a platform id of your access configuration")]
    XaccountTypeNotRegistered(String),
    /// `CBC.0100`.
    #[error("is_close_market_ms must be true or false")]
    MarketingFlagInvalid,
    /// `CBC.0100`: a mobile number without its verification code, or an empty code.
    #[error("verification_code is required with mobile_phone, and may not be empty")]
    VerificationCodeRequired,
    /// `CBC.0100`: "" is not a password; leave it out for a random one.
    #[error("password must not be empty: omit it to have none")]
    PasswordEmpty,
    /// `CBC.99000031`.
    #[error(
        "invalid domain_name: 5 to 32 letters, digits, _ and -, not starting with a digit, op_ or shadow_, not all digits"
    )]
    AccountNameInvalid,
    /// `CBC.5017`.
    #[error("invalid mobile_phone: a mainland China mobile number such as 13XXXXXXXXX")]
    MobileInvalid,
    /// `CBC.99000036`.
    #[error(
        "invalid password: 8 to 32 characters of at least two kinds (upper case, lower case, digits, specials), not the account name or its reverse, not containing the mobile number"
    )]
    PasswordWeak,
    /// `CBC.99000039`.
    #[error("the xaccount_id is already bound to a customer for this xaccount_type")]
    XaccountTaken,
    /// `CBC.99000038`.
    #[error("the domain_name already exists")]
    AccountNameTaken,
    /// `CBC.99000030`.
    #[error("the mobile number has registered as many accounts as it may")]
    MobileQuotaExhausted,
}

impl RegistrationError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            RegistrationError::XaccountIdRequired => "XaccountIdRequired",
            RegistrationError::XaccountTypeRequired => "XaccountTypeRequired",
            RegistrationError::XaccountTypeNotRegistered(_) => "XaccountTypeNotRegistered",
            RegistrationError::MarketingFlagInvalid => "MarketingFlagInvalid",
            RegistrationError::VerificationCodeRequired => "VerificationCodeRequired",
            RegistrationError::PasswordEmpty => "PasswordEmpty",
            RegistrationError::AccountNameInvalid => "AccountNameInvalid",
            RegistrationError::MobileInvalid => "MobileInvalid",
            RegistrationError::PasswordWeak => "PasswordWeak",
            RegistrationError::XaccountTaken => "XaccountTaken",
            RegistrationError::AccountNameTaken => "AccountNameTaken",
            RegistrationError::MobileQuotaExhausted => "MobileQuotaExhausted",
        }
    }
}

/// `CreateSubCustomer` as the request gives it (`CreateCustomerV2Req`).
#[derive(Clone, Debug, Default)]
pub struct RegistrationRequest {
    pub xaccount_id: String,
    pub xaccount_type: String,
    pub domain_name: Option<String>,
    pub mobile_phone: Option<String>,
    pub verification_code: Option<String>,
    pub password: Option<String>,
    pub is_close_market_ms: Option<String>,
    pub cooperation_type: Option<String>,
}

/// A registration whose every rule of form holds; whether its name, platform id and number
/// are still free is [`may_register`]'s to say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    pub account_name: String,
    /// A mainland number, or `None` (absent or `""`: no mobile).
    pub mobile: Option<String>,
    /// The code to check, given with the mobile number.
    pub verification_code: Option<String>,
    pub xaccount_id: String,
    pub xaccount_type: String,
    /// Whether the customer receives marketing messages (`is_close_market_ms` false).
    pub marketing_messages: bool,
    pub association: AssociationType,
}

/// A login name as `CreateSubCustomer` accepts it: 5 to 32 of letters, digits, `_` and `-`,
/// starting with a letter, `_` or `-`; not `op_…` or `shadow_…`; not all digits.
pub fn is_valid_account_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '-');
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    (5..=32).contains(&name.len())
        && first_ok
        && rest_ok
        && !name.starts_with("op_")
        && !name.starts_with("shadow_")
        && !name.bytes().all(|b| b.is_ascii_digit())
}

/// The password rule of `CreateCustomerV2Req`: 8 to 32 characters, at least two of upper case,
/// lower case, digits and the rest; not the account name nor its reverse; not containing the
/// mobile number.
pub fn is_acceptable_password(password: &str, account_name: &str, mobile: Option<&str>) -> bool {
    let kinds = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    let reversed: String = account_name.chars().rev().collect();
    let length = password.chars().count();
    (8..=32).contains(&length)
        && kinds.iter().filter(|k| **k).count() >= 2
        && password != account_name
        && password != reversed
        && mobile.is_none_or(|m| m.is_empty() || !password.contains(m))
}

/// The form rules of `CreateSubCustomer`. `generated_name` is the name to give when the request
/// leaves `domain_name` out (32 characters the server chose); `xaccount_types` the platform ids
/// the partner's access configuration registered (none: any is accepted).
pub fn registration(
    req: &RegistrationRequest,
    xaccount_types: &[String],
    generated_name: String,
) -> Result<Registration, RegistrationError> {
    if req.xaccount_id.is_empty() {
        return Err(RegistrationError::XaccountIdRequired);
    }
    if req.xaccount_type.is_empty() {
        return Err(RegistrationError::XaccountTypeRequired);
    }
    if !xaccount_types.is_empty() && !xaccount_types.contains(&req.xaccount_type) {
        return Err(RegistrationError::XaccountTypeNotRegistered(req.xaccount_type.clone()));
    }
    let marketing_messages = match req.is_close_market_ms.as_deref() {
        None | Some("") | Some("false") => true,
        Some("true") => false,
        Some(_) => return Err(RegistrationError::MarketingFlagInvalid),
    };
    if req.password.as_deref() == Some("") {
        return Err(RegistrationError::PasswordEmpty);
    }
    if req.verification_code.as_deref() == Some("") {
        return Err(RegistrationError::VerificationCodeRequired);
    }
    let account_name = match req.domain_name.as_deref() {
        None | Some("") => generated_name,
        Some(name) if is_valid_account_name(name) => name.to_owned(),
        Some(_) => return Err(RegistrationError::AccountNameInvalid),
    };
    let mobile = req.mobile_phone.clone().filter(|m| !m.is_empty());
    if let Some(number) = &mobile {
        if !crate::verification::is_mainland_mobile(number) {
            return Err(RegistrationError::MobileInvalid);
        }
        if req.verification_code.is_none() {
            return Err(RegistrationError::VerificationCodeRequired);
        }
    }
    if let Some(password) = &req.password
        && !is_acceptable_password(password, &account_name, mobile.as_deref())
    {
        return Err(RegistrationError::PasswordWeak);
    }
    let association = match req.cooperation_type.as_deref() {
        Some("1") => AssociationType::Referral,
        _ => AssociationType::Reseller,
    };
    Ok(Registration {
        account_name,
        verification_code: mobile.as_ref().and(req.verification_code.clone()),
        mobile,
        xaccount_id: req.xaccount_id.clone(),
        xaccount_type: req.xaccount_type.clone(),
        marketing_messages,
        association,
    })
}

/// What the database holds that a registration must not collide with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RegistrationConflicts {
    /// A customer is bound to the same (`xaccount_type`, `xaccount_id`).
    pub xaccount_bound: bool,
    /// Accounts (customers and partners) holding the login name.
    pub accounts_with_name: u64,
    /// Accounts holding the mobile number.
    pub accounts_with_mobile: u64,
}

/// Whether a well-formed registration may go ahead: its platform user is not bound yet, its
/// login name is free, and its mobile number has accounts to spare.
pub fn may_register(
    registration: &Registration,
    conflicts: RegistrationConflicts,
) -> Result<(), RegistrationError> {
    if conflicts.xaccount_bound {
        return Err(RegistrationError::XaccountTaken);
    }
    if conflicts.accounts_with_name > 0 {
        return Err(RegistrationError::AccountNameTaken);
    }
    if registration.mobile.is_some() && conflicts.accounts_with_mobile >= ACCOUNTS_PER_MOBILE {
        return Err(RegistrationError::MobileQuotaExhausted);
    }
    Ok(())
}

/// A customer's SMB new-customer tag (`new_customer_tag`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewCustomerTag {
    /// `Y`: a qualified new customer.
    Qualified,
    /// `N`: not (or no longer) a new customer.
    NotNew,
    /// `UNDETERMINED`: eligible, not qualified yet.
    Undetermined,
}

/// The tag of one customer, for the months it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewCustomerTagging {
    pub tag: NewCustomerTag,
    pub effective: crate::time::Month,
    pub expires: crate::time::Month,
}

/// How many months a new-customer tag runs from the month the customer joined its partner.
pub const NEW_CUSTOMER_MONTHS: u32 = 12;

/// A customer's new-customer tag at `now`: none until its real-name authentication is done
/// (the reference: "客户如果没有实名认证，则新客标签为空"); for the twelve months from the month it
/// was associated, `Y` once it has spent cash and `UNDETERMINED` until then; `N` after, with
/// the past expiry (docs/wire.md records the choice where the reference is silent).
pub fn new_customer_tag(
    customer: &Customer,
    has_consumption: bool,
    now: Timestamp,
) -> Option<NewCustomerTagging> {
    if customer.verified_status != VerifiedStatus::Verified {
        return None;
    }
    let association = customer.association.as_ref()?;
    let effective = crate::time::Month::of(association.associated_on);
    let expires = effective.plus(NEW_CUSTOMER_MONTHS);
    let tag = if crate::time::Month::of(now) >= expires {
        NewCustomerTag::NotNew
    } else if has_consumption {
        NewCustomerTag::Qualified
    } else {
        NewCustomerTag::Undetermined
    };
    Some(NewCustomerTagging { tag, effective, expires })
}
