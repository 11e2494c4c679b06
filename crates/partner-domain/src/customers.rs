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
