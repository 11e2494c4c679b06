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
