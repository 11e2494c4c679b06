//! Coupon quotas and partner coupons: the budgets the platform grants partners, the coupons
//! partners mint from them, and the use limits every coupon carries to the orders it pays.
//!
//! Coupon value is money. A quota and a coupon each own a ledger account (`funds`), so their
//! balances move only by transfers: the platform grants a quota from its quota-issuing
//! account, a distributor carves a reseller's quota out of its own, a coupon's face value
//! leaves its quota when it is issued and its unused value returns when it is reclaimed.
//! Nothing here stores a status that time changes: expiry and validity are computed from the
//! business clock whenever a quota or coupon is read, so no job has to run.

use crate::{
    Money, Timestamp,
    customers::{AssociationType, Customer, CustomerId},
    funds::AccountId,
    partners::{Partner, PartnerId, PartnerKind},
};

/// A quota's kind. On the wire `quota_type` is 0 (voucher, 代金券额度) or 1 (cash coupon, 现金券额度);
/// 2, discount quotas, is our own extension (see `docs/wire.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuotaType {
    Voucher,
    Cash,
    Discount,
}

impl QuotaType {
    pub const ALL: [QuotaType; 3] = [QuotaType::Voucher, QuotaType::Cash, QuotaType::Discount];

    /// The world file's and the database's name.
    pub fn code(self) -> &'static str {
        match self {
            QuotaType::Voucher => "voucher",
            QuotaType::Cash => "cash",
            QuotaType::Discount => "discount",
        }
    }

    pub fn from_code(code: &str) -> Option<QuotaType> {
        QuotaType::ALL.into_iter().find(|q| q.code() == code)
    }

    /// `quota_type` on the wire.
    pub fn wire_code(self) -> i64 {
        match self {
            QuotaType::Voucher => 0,
            QuotaType::Cash => 1,
            QuotaType::Discount => 2,
        }
    }

    pub fn from_wire_code(code: i64) -> Option<QuotaType> {
        QuotaType::ALL.into_iter().find(|q| q.wire_code() == code)
    }

    /// The coupons this quota mints (`coupon_type`: 1 voucher, 2 discount coupon, 4 cash coupon).
    pub fn coupon_type(self) -> CouponType {
        match self {
            QuotaType::Voucher => CouponType::Voucher,
            QuotaType::Cash => CouponType::Cash,
            QuotaType::Discount => CouponType::Discount,
        }
    }
}

/// What an operator or a reclaim made of a quota. Expiry is not a state: it is read from the
/// clock (see [`CouponQuota::status`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuotaState {
    Normal,
    /// Set invalid by hand (人工设置失效).
    Invalidated,
    /// Under adjustment (额度调整中): visible, but no coupon is issued from it.
    Adjusting,
    Frozen,
    /// A reseller's quota its distributor took back.
    Reclaimed,
}

impl QuotaState {
    pub const ALL: [QuotaState; 5] = [
        QuotaState::Normal,
        QuotaState::Invalidated,
        QuotaState::Adjusting,
        QuotaState::Frozen,
        QuotaState::Reclaimed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            QuotaState::Normal => "normal",
            QuotaState::Invalidated => "invalidated",
            QuotaState::Adjusting => "adjusting",
            QuotaState::Frozen => "frozen",
            QuotaState::Reclaimed => "reclaimed",
        }
    }

    pub fn from_code(code: &str) -> Option<QuotaState> {
        QuotaState::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// `quota_status` as the lists show it: 0 normal, 3 invalid (expired or set invalid),
/// 4 under adjustment, 5 frozen, 6 reclaimed (the issued-quota view only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuotaStatus {
    Normal,
    Invalid,
    Adjusting,
    Frozen,
    Reclaimed,
}

impl QuotaStatus {
    pub const ALL: [QuotaStatus; 5] = [
        QuotaStatus::Normal,
        QuotaStatus::Invalid,
        QuotaStatus::Adjusting,
        QuotaStatus::Frozen,
        QuotaStatus::Reclaimed,
    ];

    pub fn wire_code(self) -> i64 {
        match self {
            QuotaStatus::Normal => 0,
            QuotaStatus::Invalid => 3,
            QuotaStatus::Adjusting => 4,
            QuotaStatus::Frozen => 5,
            QuotaStatus::Reclaimed => 6,
        }
    }

    pub fn from_wire_code(code: i64) -> Option<QuotaStatus> {
        QuotaStatus::ALL.into_iter().find(|s| s.wire_code() == code)
    }

    /// The status a quota shows at `now`: a normal quota past its expiry is invalid.
    pub fn of(state: QuotaState, expires_at: Option<Timestamp>, now: Timestamp) -> QuotaStatus {
        match state {
            QuotaState::Normal if expires_at.is_some_and(|e| now >= e) => QuotaStatus::Invalid,
            QuotaState::Normal => QuotaStatus::Normal,
            QuotaState::Invalidated => QuotaStatus::Invalid,
            QuotaState::Adjusting => QuotaStatus::Adjusting,
            QuotaState::Frozen => QuotaStatus::Frozen,
            QuotaState::Reclaimed => QuotaStatus::Reclaimed,
        }
    }
}

/// One value of a quota's limit (`limit_values[]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitValue {
    pub value1: String,
    pub value2: Option<String>,
}

/// A restriction on a quota (`limit_infos[]`), inherited by every coupon issued from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotaLimit {
    pub key: String,
    pub values: Vec<LimitValue>,
}

/// A budget a partner issues coupons from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CouponQuota {
    pub id: String,
    pub partner: PartnerId,
    pub quota_type: QuotaType,
    /// The amount granted (`quota_value`).
    pub value: Money,
    /// What is left to issue coupons from (`balance`): the balance of its ledger account.
    pub balance: Money,
    /// The ledger account holding the balance.
    pub account: AccountId,
    /// The distributor's quota a reseller's quota was carved from.
    pub parent_quota: Option<String>,
    pub state: QuotaState,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub effective_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub limits: Vec<QuotaLimit>,
}

impl CouponQuota {
    pub fn status(&self, now: Timestamp) -> QuotaStatus {
        QuotaStatus::of(self.state, self.expires_at, now)
    }

    /// Whether value may leave this quota now, for a reseller's quota or a coupon. The real
    /// system reports the status first (`CBC.99000015`), then the validity window
    /// (`CBC.99000017`).
    pub fn may_spend(&self, now: Timestamp) -> Result<(), CouponError> {
        match self.state {
            QuotaState::Normal => {}
            QuotaState::Invalidated => return Err(CouponError::QuotaNotInEffect(self.id.clone())),
            _ => return Err(CouponError::QuotaStatusForbidsIssuing(self.id.clone())),
        }
        let expired = self.expires_at.is_some_and(|e| now >= e);
        if now < self.effective_at || expired {
            return Err(CouponError::QuotaNotInEffect(self.id.clone()));
        }
        Ok(())
    }

    /// The face-value bounds and counts the quota's limits set ([`LimitKey`]).
    fn bound(&self, key: LimitKey) -> Option<Money> {
        self.limits
            .iter()
            .filter(|l| LimitKey::from_code(&l.key) == Some(key))
            .flat_map(|l| l.values.first())
            .find_map(|v| Money::parse(&v.value1).ok())
    }
}

/// The limit keys the rules read (the API reference's table of `limit_key`, and four bounds of
/// our own on issuing). Any other key is kept and shown as it came, and inherited by coupons
/// unchanged; orders treat an unknown key as not restricting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LimitKey {
    /// `serviceType`: value1 is a cloud service type code (`hws.service.type.ec2`).
    ServiceType,
    /// `productId`: value1 is one product id or several, comma-separated.
    ProductId,
    /// `regionCode`: value1 is the region code, value2 its display name.
    RegionCode,
    /// `orderAmount` (the reference does not name this key; ours): value1 the smallest order
    /// amount the coupon pays, value2 (optional) the largest.
    OrderAmount,
    /// `subscribeType`: value1 is `new`, `renew` or `change`.
    SubscribeType,
    /// `cycleType`: value1 is the period type the coupon pays (0 any yearly/monthly, 1 yearly,
    /// 2 monthly, 3 daily, 4 hourly, 5 on demand, 6 general, 7 one-off, 8 reserved instance,
    /// 11 savings plan).
    CycleType,
    /// `usageTimes`: value1 how many orders may spend from the coupon (0 unlimited).
    UsageTimes,
    /// `maxDeductionRatio`: value1 the largest share of an order the coupon pays, (0, 1].
    MaxDeductionRatio,
    /// Bounds of our own on the coupons minted from a quota (funds.md §4.7): `minFaceValue`,
    /// `maxFaceValue` (value1 an amount), `maxCouponCount` (value1 a count of coupons per
    /// issue call), `maxTotalFaceValue` (value1 an amount per issue call).
    MinFaceValue,
    MaxFaceValue,
    MaxCouponCount,
    MaxTotalFaceValue,
}

impl LimitKey {
    pub const ALL: [LimitKey; 12] = [
        LimitKey::ServiceType,
        LimitKey::ProductId,
        LimitKey::RegionCode,
        LimitKey::OrderAmount,
        LimitKey::SubscribeType,
        LimitKey::CycleType,
        LimitKey::UsageTimes,
        LimitKey::MaxDeductionRatio,
        LimitKey::MinFaceValue,
        LimitKey::MaxFaceValue,
        LimitKey::MaxCouponCount,
        LimitKey::MaxTotalFaceValue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LimitKey::ServiceType => "serviceType",
            LimitKey::ProductId => "productId",
            LimitKey::RegionCode => "regionCode",
            LimitKey::OrderAmount => "orderAmount",
            LimitKey::SubscribeType => "subscribeType",
            LimitKey::CycleType => "cycleType",
            LimitKey::UsageTimes => "usageTimes",
            LimitKey::MaxDeductionRatio => "maxDeductionRatio",
            LimitKey::MinFaceValue => "minFaceValue",
            LimitKey::MaxFaceValue => "maxFaceValue",
            LimitKey::MaxCouponCount => "maxCouponCount",
            LimitKey::MaxTotalFaceValue => "maxTotalFaceValue",
        }
    }

    pub fn from_code(code: &str) -> Option<LimitKey> {
        LimitKey::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Bounds on issuing stay on the quota; the others travel with each coupon.
    fn is_issue_bound(self) -> bool {
        matches!(
            self,
            LimitKey::MinFaceValue
                | LimitKey::MaxFaceValue
                | LimitKey::MaxCouponCount
                | LimitKey::MaxTotalFaceValue
        )
    }
}

const CYCLE_TYPES: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "11"];

/// Checks a limit's values against its key's semantics: what a world file or an operator may
/// put on a quota. Unknown keys are accepted as they are.
pub fn check_limit(limit: &QuotaLimit) -> Result<(), LimitError> {
    let key = limit.key.as_str();
    if key.is_empty() || key.chars().count() > 64 {
        return Err(LimitError::KeyMalformed);
    }
    if limit.values.is_empty() {
        return Err(LimitError::NoValues(key.to_owned()));
    }
    let Some(known) = LimitKey::from_code(key) else { return Ok(()) };
    let amount = |text: &str| {
        Money::parse(text)
            .ok()
            .filter(|m| !m.is_negative())
            .ok_or_else(|| LimitError::ValueMalformed(key.to_owned(), text.to_owned()))
    };
    for value in &limit.values {
        if value.value1.is_empty() {
            return Err(LimitError::ValueMalformed(key.to_owned(), String::new()));
        }
        match known {
            // value1 only: a second value would mean nothing, so it is refused.
            LimitKey::ServiceType | LimitKey::ProductId | LimitKey::UsageTimes => {
                if known == LimitKey::UsageTimes && value.value1.parse::<u32>().is_err() {
                    return Err(LimitError::ValueMalformed(key.to_owned(), value.value1.clone()));
                }
                if value.value2.as_deref().is_some_and(|v| !v.is_empty()) {
                    return Err(LimitError::SecondValueNotAllowed(key.to_owned()));
                }
            }
            LimitKey::RegionCode => {}
            LimitKey::OrderAmount => {
                let min = amount(&value.value1)?;
                let max =
                    value.value2.as_deref().filter(|v| !v.is_empty()).map(amount).transpose()?;
                if max.is_some_and(|max| max < min) {
                    return Err(LimitError::MaximumBelowMinimum(key.to_owned()));
                }
            }
            LimitKey::SubscribeType => {
                if !matches!(value.value1.as_str(), "new" | "renew" | "change") {
                    return Err(LimitError::ValueMalformed(key.to_owned(), value.value1.clone()));
                }
            }
            LimitKey::CycleType => {
                if !CYCLE_TYPES.contains(&value.value1.as_str()) {
                    return Err(LimitError::ValueMalformed(key.to_owned(), value.value1.clone()));
                }
            }
            LimitKey::MaxDeductionRatio => {
                let ratio = rust_decimal::Decimal::from_str_exact(&value.value1).ok();
                let one = rust_decimal::Decimal::ONE;
                if !ratio.is_some_and(|r| r > rust_decimal::Decimal::ZERO && r <= one) {
                    return Err(LimitError::ValueMalformed(key.to_owned(), value.value1.clone()));
                }
            }
            LimitKey::MinFaceValue | LimitKey::MaxFaceValue | LimitKey::MaxTotalFaceValue => {
                amount(&value.value1)?;
            }
            LimitKey::MaxCouponCount => {
                if value.value1.parse::<u32>().is_err() {
                    return Err(LimitError::ValueMalformed(key.to_owned(), value.value1.clone()));
                }
            }
        }
    }
    Ok(())
}

/// Why a limit cannot be put on a quota.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("a limit key is 1 to 64 characters")]
    KeyMalformed,
    #[error("the limit {0} has no values")]
    NoValues(String),
    #[error("the limit {0} has a malformed value {1:?}")]
    ValueMalformed(String, String),
    #[error("the limit {0} takes value1 only")]
    SecondValueNotAllowed(String),
    #[error("the limit {0} has a maximum below its minimum")]
    MaximumBelowMinimum(String),
}

/// `coupon_type`: 1 voucher (代金券), 2 discount coupon (折扣券), 3 product coupon (产品券),
/// 4 cash coupon (现金券). Partners issue 1, 4 and (our extension) 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CouponType {
    Voucher,
    Discount,
    Product,
    Cash,
}

impl CouponType {
    pub const ALL: [CouponType; 4] =
        [CouponType::Voucher, CouponType::Discount, CouponType::Product, CouponType::Cash];

    pub fn wire_code(self) -> i64 {
        match self {
            CouponType::Voucher => 1,
            CouponType::Discount => 2,
            CouponType::Product => 3,
            CouponType::Cash => 4,
        }
    }

    pub fn from_wire_code(code: i64) -> Option<CouponType> {
        CouponType::ALL.into_iter().find(|c| c.wire_code() == code)
    }
}

/// `status` of a coupon: 1 not activated, 2 usable, 3 used, 4 expired, 5 reclaimed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CouponStatus {
    NotActivated,
    Usable,
    Used,
    Expired,
    Reclaimed,
}

impl CouponStatus {
    pub const ALL: [CouponStatus; 5] = [
        CouponStatus::NotActivated,
        CouponStatus::Usable,
        CouponStatus::Used,
        CouponStatus::Expired,
        CouponStatus::Reclaimed,
    ];

    pub fn wire_code(self) -> i64 {
        match self {
            CouponStatus::NotActivated => 1,
            CouponStatus::Usable => 2,
            CouponStatus::Used => 3,
            CouponStatus::Expired => 4,
            CouponStatus::Reclaimed => 5,
        }
    }

    pub fn from_wire_code(code: i64) -> Option<CouponStatus> {
        CouponStatus::ALL.into_iter().find(|s| s.wire_code() == code)
    }

    /// A coupon's status at `now`, in this order: reclaimed, used up, expired, not yet valid.
    /// The store's SQL computes the same (`coupons::STATUS` there), so lists filter by it.
    pub fn of(
        reclaimed: bool,
        balance: Money,
        effective_at: Timestamp,
        expires_at: Timestamp,
        now: Timestamp,
    ) -> CouponStatus {
        if reclaimed {
            CouponStatus::Reclaimed
        } else if !balance.is_positive() {
            CouponStatus::Used
        } else if now >= expires_at {
            CouponStatus::Expired
        } else if now < effective_at {
            CouponStatus::NotActivated
        } else {
            CouponStatus::Usable
        }
    }
}

/// One use limit of a coupon (`use_limits[]`, `ICouponUseLimitInfoV2`): a quota limit's value,
/// flattened, or a service type or product the issuing partner named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UseLimit {
    /// `use_limiti_info_id` (sic).
    pub id: String,
    pub key: String,
    pub value1: String,
    pub value2: Option<String>,
    pub value_unit: Option<String>,
    pub limit_type: Option<String>,
}

/// A coupon a partner issued to a customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coupon {
    pub id: String,
    pub customer: CustomerId,
    /// The partner whose quota paid for it (`source_id`).
    pub issuer: PartnerId,
    pub quota: String,
    pub quota_type: QuotaType,
    pub face_value: Money,
    /// What is left to spend (`balance`): the balance of its ledger account.
    pub balance: Money,
    pub account: AccountId,
    pub created_at: Timestamp,
    pub effective_at: Timestamp,
    pub expires_at: Timestamp,
    pub reclaimed_at: Option<Timestamp>,
    /// Orders that spent from it, and when one last did; changed with the ledger by orders.
    pub use_count: i64,
    pub last_used_at: Option<Timestamp>,
    /// The unpaid order holding it.
    pub lock_order: Option<String>,
    pub frozen: bool,
    pub memo: Option<String>,
    pub limits: Vec<UseLimit>,
}

impl Coupon {
    pub fn coupon_type(&self) -> CouponType {
        self.quota_type.coupon_type()
    }

    pub fn status(&self, now: Timestamp) -> CouponStatus {
        CouponStatus::of(
            self.reclaimed_at.is_some(),
            self.balance,
            self.effective_at,
            self.expires_at,
            now,
        )
    }
}

/// The rules of quotas and coupons, named after what they refuse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CouponError {
    #[error(
        "coupon quotas are granted by the platform to distributors and solution providers only"
    )]
    PlatformQuotaOnlyForDirectPartners,
    /// The amount is not more than 0 with at most two decimals (`CBC.0100`).
    #[error("the amount must be greater than 0 with at most two decimals")]
    AmountMalformed,
    /// `CBC.0100`: a batch names 1 to `max` items (resellers, customers, quotas).
    #[error("{field} must list 1 to {max} items")]
    BatchSizeOutOfRange { field: &'static str, max: usize },
    /// `CBC.0100`: a coupon names at most 10 service types and 10 products.
    #[error("{field} may list at most {max} items")]
    TooManyLimits { field: &'static str, max: usize },
    /// `CBC.99000012`: no quota of the caller's has this id, or its status forbids the move.
    #[error("the quota {0} does not exist or its status is incorrect")]
    QuotaNotFound(String),
    /// `CBC.99000015`: a frozen quota, or one under adjustment, issues nothing.
    #[error("the quota {0} cannot be used in its current status")]
    QuotaStatusForbidsIssuing(String),
    /// `CBC.99000017`: not yet effective, expired, or set invalid.
    #[error("the quota {0} is not yet effective or has expired")]
    QuotaNotInEffect(String),
    /// `CBC.99000013`.
    #[error("the quota balance is insufficient: {available} left, {requested} needed")]
    QuotaInsufficient { available: Money, requested: Money },
    /// `CBC.99000037`, per reseller in a batch.
    #[error("you have no permission to operate the tier-2 reseller {0}")]
    NotYourIndirectPartner(String),
    /// `CBC.99000035`, per customer in a batch.
    #[error("the customer {0} is not your sub-customer")]
    NotYourCustomer(String),
    /// `CBC.99000014`: coupons go to reseller (代售) customers only.
    #[error("coupons cannot be issued to or reclaimed from the referral customer {0}")]
    CooperationTypeForbidsCoupons(String),
    /// `CBC.99000018`.
    #[error("the face value is below the quota's minimum {0}")]
    FaceValueBelowMinimum(Money),
    /// `CBC.99000019`.
    #[error("the face value is above the quota's maximum {0}")]
    FaceValueAboveMaximum(Money),
    /// `CBC.99000020`, per customer once the count is reached.
    #[error("the quota allows at most {0} coupons in one issue")]
    CouponCountOverLimit(u32),
    /// `CBC.99000021`, per customer once the total is reached.
    #[error("the quota allows at most {0} of face value in one issue")]
    TotalFaceValueOverLimit(Money),
    /// `CBC.99000023`: the coupon's services or products must lie within the quota's.
    #[error("the {0} {1} lies outside the quota's limits")]
    LimitOutsideQuota(&'static str, String),
    /// `CBC.99000025`: a partner's coupons go to its customers, not to itself.
    #[error("a partner cannot issue coupons to itself")]
    IssueToSelf,
    /// `CBC.0100`: a coupon's validity must lie inside its quota's and end after it starts.
    #[error("the coupon's validity must lie within the quota's and end after it begins")]
    ValidityOutsideQuota,
    /// `CBC.0100`: no coupon issued by the acting partner has this id.
    #[error("no coupon issued by you has the id {0}")]
    CouponNotFound(String),
    /// `CBC.99000045`: a referral (顾问销售) customer's coupons are not the partner's to take.
    #[error("coupons of the referral customer {0} cannot be reclaimed")]
    ReferralCouponsNotReclaimable(String),
    /// `CBC.99000048`: only a usable coupon that no order holds is reclaimed; an expired,
    /// used up or reclaimed one is not.
    #[error("the coupon {0} has expired, been used up or been reclaimed already")]
    CouponNotReclaimable(String),
}

impl CouponError {
    /// The rule's name, as audit events record a refusal.
    pub fn rule(&self) -> &'static str {
        match self {
            CouponError::PlatformQuotaOnlyForDirectPartners => "PlatformQuotaOnlyForDirectPartners",
            CouponError::AmountMalformed => "AmountMalformed",
            CouponError::BatchSizeOutOfRange { .. } => "BatchSizeOutOfRange",
            CouponError::TooManyLimits { .. } => "TooManyLimits",
            CouponError::QuotaNotFound(_) => "QuotaNotFound",
            CouponError::QuotaStatusForbidsIssuing(_) => "QuotaStatusForbidsIssuing",
            CouponError::QuotaNotInEffect(_) => "QuotaNotInEffect",
            CouponError::QuotaInsufficient { .. } => "QuotaInsufficient",
            CouponError::NotYourIndirectPartner(_) => "NotYourIndirectPartner",
            CouponError::NotYourCustomer(_) => "NotYourCustomer",
            CouponError::CooperationTypeForbidsCoupons(_) => "CooperationTypeForbidsCoupons",
            CouponError::FaceValueBelowMinimum(_) => "FaceValueBelowMinimum",
            CouponError::FaceValueAboveMaximum(_) => "FaceValueAboveMaximum",
            CouponError::CouponCountOverLimit(_) => "CouponCountOverLimit",
            CouponError::TotalFaceValueOverLimit(_) => "TotalFaceValueOverLimit",
            CouponError::LimitOutsideQuota(..) => "LimitOutsideQuota",
            CouponError::IssueToSelf => "IssueToSelf",
            CouponError::ValidityOutsideQuota => "ValidityOutsideQuota",
            CouponError::CouponNotFound(_) => "CouponNotFound",
            CouponError::ReferralCouponsNotReclaimable(_) => "ReferralCouponsNotReclaimable",
            CouponError::CouponNotReclaimable(_) => "CouponNotReclaimable",
        }
    }
}

/// The platform grants quotas to direct partners; resellers receive theirs from a distributor.
pub fn may_receive_platform_quota(kind: PartnerKind) -> Result<(), CouponError> {
    match kind {
        PartnerKind::Reseller => Err(CouponError::PlatformQuotaOnlyForDirectPartners),
        _ => Ok(()),
    }
}

/// The items of a batch call, each once, in the order first given (funds.md §4.14): 1 to
/// `max` of them, or the whole call is refused.
pub fn batch(
    field: &'static str,
    ids: Vec<String>,
    max: usize,
) -> Result<Vec<String>, CouponError> {
    if ids.is_empty() || ids.len() > max {
        return Err(CouponError::BatchSizeOutOfRange { field, max });
    }
    let mut seen = std::collections::HashSet::new();
    Ok(ids.into_iter().filter(|id| seen.insert(id.clone())).collect())
}

/// Most resellers one `UpdateCouponQuotas` grants to, and customers one `CreatePartnerCoupons`
/// issues to; most quotas one `ReclaimCouponQuotas` takes back.
pub const MAX_GRANTEES: usize = 100;
pub const MAX_RECLAIMED_QUOTAS: usize = 10;
/// Most service types, and most products, a coupon names.
pub const MAX_NAMED_LIMITS: usize = 10;

impl CouponIssue {
    /// The limits a partner named must be few enough.
    pub fn check(&self) -> Result<(), CouponError> {
        for (field, named) in
            [("cloud_service_types", &self.cloud_service_types), ("product_ids", &self.product_ids)]
        {
            if named.len() > MAX_NAMED_LIMITS {
                return Err(CouponError::TooManyLimits { field, max: MAX_NAMED_LIMITS });
            }
        }
        Ok(())
    }
}

/// An amount of quota or face value: more than 0, at most two decimals ("取值大于0且精确到小数点后2位").
pub fn amount(decimal: rust_decimal::Decimal) -> Result<Money, CouponError> {
    Money::from_decimal(decimal, 2)
        .ok()
        .filter(|m| m.is_positive())
        .ok_or(CouponError::AmountMalformed)
}

/// `UpdateCouponQuotas`: the parent quota must be the distributor's own voucher quota, able to
/// spend now, with `amount` for every reseller in the call: the whole call is refused up front
/// when it is short (funds.md §4.13), so a grant never stops halfway for want of quota.
pub fn may_grant_from(
    parent: Option<&CouponQuota>,
    quota_id: &str,
    distributor: &PartnerId,
    amount: Money,
    resellers: usize,
    now: Timestamp,
) -> Result<(), CouponError> {
    let parent = parent
        .filter(|q| &q.partner == distributor && q.quota_type == QuotaType::Voucher)
        .ok_or_else(|| CouponError::QuotaNotFound(quota_id.to_owned()))?;
    parent.may_spend(now)?;
    let requested = (0..resellers)
        .try_fold(Money::ZERO, |sum, _| sum.checked_add(amount))
        .unwrap_or(Money::from_micros(i64::MAX));
    if requested > parent.balance {
        return Err(CouponError::QuotaInsufficient { available: parent.balance, requested });
    }
    Ok(())
}

/// A reseller in a grant must be the distributor's own.
pub fn may_grant_to(
    distributor: &Partner,
    reseller_id: &str,
    reseller: Option<&Partner>,
) -> Result<(), CouponError> {
    match reseller {
        Some(r) if crate::partners::is_own_reseller(distributor, r) => Ok(()),
        _ => Err(CouponError::NotYourIndirectPartner(reseller_id.to_owned())),
    }
}

/// The quota a reseller receives: the parent's kind, window and limits, `amount` of value.
pub fn child_quota(
    parent: &CouponQuota,
    id: String,
    reseller: PartnerId,
    account: AccountId,
    amount: Money,
    now: Timestamp,
) -> CouponQuota {
    CouponQuota {
        id,
        partner: reseller,
        quota_type: parent.quota_type,
        value: amount,
        balance: Money::ZERO,
        account,
        parent_quota: Some(parent.id.clone()),
        state: QuotaState::Normal,
        created_at: now,
        updated_at: now,
        effective_at: parent.effective_at,
        expires_at: parent.expires_at,
        limits: parent.limits.clone(),
    }
}

/// `ReclaimCouponQuotas`: a reseller's quota carved from one of the distributor's quotas, not
/// reclaimed before; its whole remaining balance goes back to the parent, whatever the parent's
/// status (coupons already issued from it are not touched, funds.md §4.5).
pub fn may_reclaim_quota<'q>(
    child: Option<&'q CouponQuota>,
    parent: Option<&CouponQuota>,
    quota_id: &str,
    distributor: &PartnerId,
) -> Result<&'q CouponQuota, CouponError> {
    let not_found = || CouponError::QuotaNotFound(quota_id.to_owned());
    let child = child.filter(|c| c.state != QuotaState::Reclaimed).ok_or_else(not_found)?;
    match parent {
        Some(p) if &p.partner == distributor && child.parent_quota.as_ref() == Some(&p.id) => {
            Ok(child)
        }
        _ => Err(not_found()),
    }
}

/// A partner's request to issue coupons from a quota, before any customer is looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CouponIssue {
    pub face_value: Money,
    /// `valid_time`; `None` inherits the quota's effective time.
    pub valid_from: Option<Timestamp>,
    /// `expire_time`; `None` inherits the quota's expiry.
    pub expires_at: Option<Timestamp>,
    pub cloud_service_types: Vec<String>,
    pub product_ids: Vec<String>,
}

/// What an issue call will mint, once the request-level rules passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuePlan {
    pub effective_at: Timestamp,
    pub expires_at: Timestamp,
    /// The use limits every coupon of the call carries, ids still to be given.
    pub limits: Vec<UseLimit>,
    pub max_count: Option<u32>,
    pub max_total: Option<Money>,
}

/// The request-level rules of `CreatePartnerCoupons`, in the order the reference lists them:
/// the quota (the acting partner's own), its status and window, the face value's bounds, then
/// the limits the partner named against the quota's.
pub fn plan_issue(
    quota: Option<&CouponQuota>,
    quota_id: &str,
    acting: &PartnerId,
    issue: &CouponIssue,
    now: Timestamp,
) -> Result<IssuePlan, CouponError> {
    let quota = quota
        .filter(|q| &q.partner == acting)
        .ok_or_else(|| CouponError::QuotaNotFound(quota_id.to_owned()))?;
    quota.may_spend(now)?;
    if let Some(min) = quota.bound(LimitKey::MinFaceValue).filter(|min| issue.face_value < *min) {
        return Err(CouponError::FaceValueBelowMinimum(min));
    }
    if let Some(max) = quota.bound(LimitKey::MaxFaceValue).filter(|max| issue.face_value > *max) {
        return Err(CouponError::FaceValueAboveMaximum(max));
    }
    // A coupon with no expiry of its own and a quota without one lasts a year.
    let effective_at = issue.valid_from.unwrap_or(quota.effective_at.max(now));
    let quota_end = quota.expires_at;
    let expires_at = issue
        .expires_at
        .or(quota_end)
        .unwrap_or_else(|| effective_at.checked_add_seconds(365 * 86_400).unwrap_or(effective_at));
    let outside = effective_at < quota.effective_at
        || quota_end.is_some_and(|end| expires_at > end)
        || expires_at <= effective_at
        || expires_at <= now;
    if outside {
        return Err(CouponError::ValidityOutsideQuota);
    }
    let mut limits = Vec::new();
    for limit in &quota.limits {
        let key = LimitKey::from_code(&limit.key);
        if key.is_some_and(LimitKey::is_issue_bound) {
            continue;
        }
        let narrowed = match key {
            Some(LimitKey::ServiceType) => !issue.cloud_service_types.is_empty(),
            Some(LimitKey::ProductId) => !issue.product_ids.is_empty(),
            _ => false,
        };
        if narrowed {
            continue;
        }
        limits.extend(limit.values.iter().map(|v| use_limit(&limit.key, v)));
    }
    for (key, named) in [
        (LimitKey::ServiceType, &issue.cloud_service_types),
        (LimitKey::ProductId, &issue.product_ids),
    ] {
        let allowed: Option<Vec<&str>> = quota
            .limits
            .iter()
            .filter(|l| l.key == key.code())
            .map(|l| l.values.iter().map(|v| v.value1.as_str()).collect::<Vec<_>>())
            .reduce(|mut a, b| {
                a.extend(b);
                a
            });
        for value in named {
            if allowed.as_ref().is_some_and(|a| !a.contains(&value.as_str())) {
                let what = if key == LimitKey::ServiceType { "service type" } else { "product" };
                return Err(CouponError::LimitOutsideQuota(what, value.clone()));
            }
            let value = LimitValue { value1: value.clone(), value2: None };
            limits.push(use_limit(key.code(), &value));
        }
    }
    let max_count =
        quota.bound(LimitKey::MaxCouponCount).and_then(|m| u32::try_from(whole(m)).ok());
    Ok(IssuePlan {
        effective_at,
        expires_at,
        limits,
        max_count,
        max_total: quota.bound(LimitKey::MaxTotalFaceValue),
    })
}

fn whole(money: Money) -> i64 {
    money.micros() / 1_000_000
}

fn use_limit(key: &str, value: &LimitValue) -> UseLimit {
    UseLimit {
        id: String::new(),
        key: key.to_owned(),
        value1: value.value1.clone(),
        value2: value.value2.clone(),
        value_unit: None,
        limit_type: None,
    }
}

/// The per-customer rules of an issue call, given what the call has issued so far: the
/// customer is the acting partner's, in the reseller association, and the quota's balance and
/// the call's count and total bounds still allow one more coupon.
pub fn may_issue_to(
    acting: &Partner,
    customer_id: &str,
    customer: Option<&Customer>,
    plan: &IssuePlan,
    issued: (u32, Money),
    quota_balance: Money,
    face_value: Money,
) -> Result<(), CouponError> {
    if customer_id == acting.id.0 {
        return Err(CouponError::IssueToSelf);
    }
    may_hold_partner_coupons(&acting.id, customer_id, customer)?;
    if plan.max_count.is_some_and(|max| issued.0 >= max) {
        return Err(CouponError::CouponCountOverLimit(plan.max_count.unwrap_or_default()));
    }
    let total = issued.1.checked_add(face_value);
    if let Some(max) = plan.max_total.filter(|max| total.is_none_or(|t| t > *max)) {
        return Err(CouponError::TotalFaceValueOverLimit(max));
    }
    if face_value > quota_balance {
        return Err(CouponError::QuotaInsufficient {
            available: quota_balance,
            requested: face_value,
        });
    }
    Ok(())
}

/// Partner coupons go to, and come back from, the partner's reseller (代售) customers only.
pub fn may_hold_partner_coupons(
    acting: &PartnerId,
    customer_id: &str,
    customer: Option<&Customer>,
) -> Result<(), CouponError> {
    let association = customer
        .and_then(|c| c.association.as_ref())
        .filter(|a| &a.partner == acting)
        .ok_or_else(|| CouponError::NotYourCustomer(customer_id.to_owned()))?;
    match association.kind {
        AssociationType::Reseller => Ok(()),
        AssociationType::Referral => {
            Err(CouponError::CooperationTypeForbidsCoupons(customer_id.to_owned()))
        }
    }
}

/// Where a reclaimed coupon's remaining value goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReclaimedValue {
    /// Back to the quota it came from, which can still issue it again.
    ToQuota,
    /// Back to the platform: the quota has expired, been set invalid or reclaimed itself
    /// (funds.md §4.3), so the value leaves the channel.
    ToPlatform,
}

/// `ReclaimPartnerCoupons`: a coupon the acting partner issued, of a customer still in its
/// reseller association, with value left and no order holding it. Expired coupons are not
/// reclaimed (funds.md §4.4).
pub fn may_reclaim_coupon<'c>(
    acting: &PartnerId,
    coupon_id: &str,
    coupon: Option<&'c Coupon>,
    customer: Option<&Customer>,
    quota: Option<&CouponQuota>,
    now: Timestamp,
) -> Result<(&'c Coupon, ReclaimedValue), CouponError> {
    let coupon = coupon
        .filter(|c| &c.issuer == acting)
        .ok_or_else(|| CouponError::CouponNotFound(coupon_id.to_owned()))?;
    may_hold_partner_coupons(acting, &coupon.customer.0, customer).map_err(|err| match err {
        CouponError::CooperationTypeForbidsCoupons(id) => {
            CouponError::ReferralCouponsNotReclaimable(id)
        }
        other => other,
    })?;
    let reclaimable =
        matches!(coupon.status(now), CouponStatus::Usable | CouponStatus::NotActivated)
            && coupon.lock_order.is_none();
    if !reclaimable {
        return Err(CouponError::CouponNotReclaimable(coupon_id.to_owned()));
    }
    let back_to_quota = quota.is_some_and(|q| q.status(now) == QuotaStatus::Normal);
    Ok((coupon, if back_to_quota { ReclaimedValue::ToQuota } else { ReclaimedValue::ToPlatform }))
}

/// An order line as a coupon's use limits see it (the orders issue fills it in).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderLine {
    pub cloud_service_type: String,
    pub product_id: Option<String>,
    pub region: String,
    /// The `cycleType` code of the line's period (5 on demand, 2 monthly, …).
    pub cycle_type: i64,
    /// `new`, `renew` or `change`.
    pub subscribe_type: String,
}

/// Whether a coupon pays for `line` of an order of `order_amount` in total: every limit the
/// coupon carries must allow it. Limits of one key are alternatives (any service type listed);
/// limits of different keys all apply. A key the rules do not know restricts nothing.
pub fn applies_to(limits: &[UseLimit], line: &OrderLine, order_amount: Money) -> bool {
    LimitKey::ALL.into_iter().all(|key| {
        let mut of_key = limits.iter().filter(|l| l.key == key.code()).peekable();
        if of_key.peek().is_none() {
            return true;
        }
        of_key.any(|limit| match key {
            LimitKey::ServiceType => limit.value1 == line.cloud_service_type,
            LimitKey::ProductId => line
                .product_id
                .as_deref()
                .is_some_and(|p| limit.value1.split(',').any(|v| v.trim() == p)),
            LimitKey::RegionCode => limit.value1 == line.region,
            LimitKey::SubscribeType => limit.value1 == line.subscribe_type,
            // "Any yearly/monthly" covers years and months.
            LimitKey::CycleType => {
                limit.value1 == line.cycle_type.to_string()
                    || (limit.value1 == "0" && matches!(line.cycle_type, 1 | 2))
            }
            LimitKey::OrderAmount => {
                let min = Money::parse(&limit.value1).unwrap_or(Money::ZERO);
                let max = limit.value2.as_deref().and_then(|v| Money::parse(v).ok());
                order_amount >= min && max.is_none_or(|m| order_amount <= m)
            }
            // These bound how much and how often, not which lines: `usable_amount` reads them.
            LimitKey::UsageTimes
            | LimitKey::MaxDeductionRatio
            | LimitKey::MinFaceValue
            | LimitKey::MaxFaceValue
            | LimitKey::MaxCouponCount
            | LimitKey::MaxTotalFaceValue => true,
        })
    })
}

/// How much of `due` (what the lines the coupon applies to cost) a coupon pays now: nothing
/// unless it is usable, unfrozen, held by no order and used fewer times than `usageTimes`
/// allows; then at most its balance and at most `maxDeductionRatio` of `due`, cut to the fen.
pub fn usable_amount(coupon: &Coupon, due: Money, now: Timestamp) -> Money {
    if coupon.status(now) != CouponStatus::Usable || coupon.frozen || coupon.lock_order.is_some() {
        return Money::ZERO;
    }
    let value_of = |key: LimitKey| {
        coupon.limits.iter().find(|l| l.key == key.code()).map(|l| l.value1.as_str())
    };
    let times = value_of(LimitKey::UsageTimes).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    if times > 0 && coupon.use_count >= times {
        return Money::ZERO;
    }
    let mut most = due.min(coupon.balance).max(Money::ZERO);
    let ratio = value_of(LimitKey::MaxDeductionRatio)
        .and_then(|v| rust_decimal::Decimal::from_str_exact(v).ok());
    if let Some(ratio) = ratio {
        let share = (due.to_decimal() * ratio).trunc_with_scale(2);
        if let Ok(share) = Money::from_decimal(share, 2) {
            most = most.min(share);
        }
    }
    most
}

/// `operation_type` of a quota record: 10 grant, 11 reclaim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuotaOperation {
    Grant,
    Reclaim,
}

impl QuotaOperation {
    pub fn wire_code(self) -> &'static str {
        match self {
            QuotaOperation::Grant => "10",
            QuotaOperation::Reclaim => "11",
        }
    }

    pub fn from_wire_code(code: &str) -> Option<QuotaOperation> {
        [QuotaOperation::Grant, QuotaOperation::Reclaim].into_iter().find(|o| o.wire_code() == code)
    }
}

/// One grant or reclaim of a reseller's quota, as `ListCouponQuotasRecords` lists it; failed
/// items of a batch are recorded too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotaRecord {
    pub id: String,
    pub distributor: PartnerId,
    /// The account that did it: the distributor, or its member.
    pub operator: String,
    pub operation: QuotaOperation,
    /// The reseller's quota; `None` for a grant that failed before one existed.
    pub quota: Option<String>,
    pub parent_quota: Option<String>,
    pub reseller: String,
    /// The reseller's account name and name, when it exists.
    pub reseller_name: Option<String>,
    pub amount: Money,
    pub at: Timestamp,
    pub succeeded: bool,
    pub remark: Option<String>,
}

/// `operation_type` of a coupon record: 1 issue, 2 manual reclaim, and the reclaims the
/// platform makes on its own (3 unbind, 4 expiry, 5 unsubscribe, 6 refund, 7 association,
/// 8 association switch, 9 reseller transfer), which later issues write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CouponOperation {
    Issue,
    Reclaim,
}

impl CouponOperation {
    pub fn wire_code(self) -> &'static str {
        match self {
            CouponOperation::Issue => "1",
            CouponOperation::Reclaim => "2",
        }
    }
}

/// One issue or reclaim of a coupon, as `ListPartnerCouponsRecord` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CouponRecord {
    pub id: String,
    pub partner: PartnerId,
    pub operation: CouponOperation,
    pub quota: String,
    pub quota_type: QuotaType,
    /// `None` for an issue that failed for this customer.
    pub coupon: Option<String>,
    pub customer: String,
    /// Issue: the face value; reclaim: what was reclaimed.
    pub amount: Money,
    pub at: Timestamp,
    pub succeeded: bool,
    pub remark: Option<String>,
}

/// Time bounds the quota and coupon lists document as exclusive: later than `after`, earlier
/// than `before`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Between {
    pub after: Option<Timestamp>,
    pub before: Option<Timestamp>,
}

impl Between {
    pub fn contains(&self, at: Timestamp) -> bool {
        self.after.is_none_or(|a| at > a) && self.before.is_none_or(|b| at < b)
    }
}

/// The filters of `ListQuotaCoupons`. `None` or an empty list is no filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotaFilter {
    pub ids: Vec<String>,
    pub statuses: Vec<QuotaStatus>,
    pub quota_type: QuotaType,
    pub created: Between,
    pub effective: Between,
    pub expires: Between,
}

/// The filters of `ListIssuedCouponQuotas`; an empty `parent_quota` matches no quota.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IssuedQuotaFilter {
    pub quota: Option<String>,
    pub reseller: Option<String>,
    pub parent_quota: Option<String>,
}

/// The filters of `ListCouponQuotasRecords`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuotaRecordFilter {
    pub reseller: Option<String>,
    pub quota: Option<String>,
    pub parent_quota: Option<String>,
    pub operation: Option<QuotaOperation>,
    pub at: Between,
}

/// The filters of `ListIssuedPartnerCoupons`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IssuedCouponFilter {
    pub coupon: Option<String>,
    pub customer: Option<String>,
    pub order: Option<String>,
    pub coupon_type: Option<CouponType>,
    pub status: Option<CouponStatus>,
    pub created: Between,
    pub effective: Between,
    pub expires: Between,
}

/// The filters of `ListPartnerCouponsRecord`; `Some(vec![])` matches nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CouponRecordFilter {
    pub operations: Option<Vec<String>>,
    pub quota: Option<String>,
    pub quota_type: Option<QuotaType>,
    pub coupons: Option<Vec<String>>,
    pub customer: Option<String>,
    pub at: Between,
    pub succeeded: Option<bool>,
}

/// The filters of `ListSubCustomerCoupons`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerCouponFilter {
    pub coupon: Option<String>,
    pub order: Option<String>,
    pub promotion_plan: Option<String>,
    pub coupon_type: Option<CouponType>,
    pub status: Option<CouponStatus>,
    /// Inclusive bounds of the time the coupon became valid.
    pub active_from: Option<Timestamp>,
    pub active_to: Option<Timestamp>,
    pub source: Option<String>,
}

/// Used, expired and reclaimed coupons are listed for this long after they ended
/// (ListSubCustomerCoupons: 12 months; the issued view: two years).
pub const CUSTOMER_VIEW_DAYS: i64 = 365;
pub const ISSUED_VIEW_DAYS: i64 = 2 * 365;

/// A reseller's quota as its distributor's issued-quota list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedQuota {
    pub quota: CouponQuota,
    pub reseller_name: String,
}

/// One change of one of a customer's coupons, as its coupon change records list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CouponChange {
    pub coupon: String,
    pub entry: crate::funds::LedgerEntry,
}

/// The filters of `ListCustomerCouponChangeRecords`; the time bounds are inclusive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CouponChangeFilter {
    pub kinds: Option<Vec<crate::funds::TransferKind>>,
    pub direction: Option<crate::funds::Direction>,
    pub from: Timestamp,
    pub to: Timestamp,
    pub transfer_id: Option<String>,
    pub coupon: Option<String>,
}
