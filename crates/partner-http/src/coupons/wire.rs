//! Wire models of the coupon operations, as the SDK's `v2/model` names them (typos included:
//! `use_limiti_info_id`).

use partner_domain::{
    Money, Timestamp,
    coupons::{
        Between, Coupon, CouponChange, CouponError, CouponQuota, CouponRecord, CouponRecordFilter,
        CouponStatus, CouponType, CustomerCouponFilter, IssuedCouponFilter, IssuedQuota,
        IssuedQuotaFilter, QuotaFilter, QuotaLimit, QuotaOperation, QuotaRecord, QuotaRecordFilter,
        QuotaStatus, QuotaType, UseLimit,
    },
    funds::{Direction, TransferKind},
    paging::Paged,
};
use partner_engine::coupons::{
    BatchOutcome, CouponChangeQuery, CouponGrant, ListQuery, PlatformQuota, QuotaGrant,
    QuotaReclaim,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    error::{ApiError, item_code},
    wire::{
        Amount, WireDecimal, amount_text, bounded, bounded_id, format_utc, parse_date, utc_filter,
    },
};

const MEASURE_YUAN: i64 = 1;
const CURRENCY: &str = "CNY";
/// `fetch_method` 3: issued online (线上发放), how partner coupons reach customers.
const ISSUED_ONLINE: i64 = 3;
/// `media_type` 1: electronic.
const ELECTRONIC: i64 = 1;
/// `coupon_version` 2: a coupon with a balance, spent until it is used up.
const BALANCE_COUPON: i64 = 2;

fn time_or_none(at: Option<Timestamp>) -> Option<String> {
    at.map(format_utc)
}

/// Exclusive bounds from `*_begin` and `*_end`: absent or null is no bound; a malformed or
/// empty time is `CBC.0100`.
fn between(field: &str, begin: Option<String>, end: Option<String>) -> Result<Between, ApiError> {
    Ok(Between {
        after: utc_filter(&format!("{field}_begin"), begin.as_deref())?,
        before: utc_filter(&format!("{field}_end"), end.as_deref())?,
    })
}

/// A list's paging and acting reseller as the engine takes them.
fn query<F>(
    filter: F,
    offset: Option<i64>,
    limit: Option<i64>,
    indirect_partner_id: Option<String>,
) -> Result<ListQuery<F>, ApiError> {
    Ok(ListQuery {
        filter,
        offset,
        limit,
        indirect_partner_id: bounded("indirect_partner_id", indirect_partner_id, 64)?,
    })
}

/// Items of a list named in a request, each at most `max_len` characters.
fn ids(field: &str, ids: Vec<String>, max_len: usize) -> Result<Vec<String>, ApiError> {
    ids.into_iter().map(|id| bounded_id(field, id, max_len)).collect()
}

/// SDK `ErrorDetail`: one refused item of a batch.
#[derive(Serialize, ToSchema)]
pub(crate) struct ErrorDetail {
    error_code: &'static str,
    error_msg: String,
    id: String,
}

fn error_details(failed: Vec<(String, CouponError)>) -> Vec<ErrorDetail> {
    failed
        .into_iter()
        .map(|(id, err)| ErrorDetail {
            error_code: item_code(&err),
            error_msg: err.to_string(),
            id,
        })
        .collect()
}

/// SDK `LimitValue`.
#[derive(Serialize, ToSchema)]
pub(crate) struct LimitValue {
    value1: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    value2: Option<String>,
}

/// SDK `QuotaLimitInfo`.
#[derive(Serialize, ToSchema)]
pub(crate) struct QuotaLimitInfo {
    limit_key: String,
    limit_values: Vec<LimitValue>,
}

fn limit_infos(limits: &[QuotaLimit]) -> Vec<QuotaLimitInfo> {
    limits
        .iter()
        .map(|l| QuotaLimitInfo {
            limit_key: l.key.clone(),
            limit_values: l
                .values
                .iter()
                .map(|v| LimitValue { value1: v.value1.clone(), value2: v.value2.clone() })
                .collect(),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// ListQuotaCoupons

/// SDK `QueryCouponQuotasReqExt`.
#[derive(Deserialize, ToSchema, Default)]
pub(crate) struct QueryCouponQuotasReqExt {
    pub(crate) quota_ids: Option<Vec<String>>,
    pub(crate) quota_status_list: Option<Vec<i64>>,
    pub(crate) quota_type: Option<i64>,
    pub(crate) create_time_begin: Option<String>,
    pub(crate) create_time_end: Option<String>,
    pub(crate) effective_time_begin: Option<String>,
    pub(crate) effective_time_end: Option<String>,
    pub(crate) expire_time_begin: Option<String>,
    pub(crate) expire_time_end: Option<String>,
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
    pub(crate) indirect_partner_id: Option<String>,
}

impl TryFrom<QueryCouponQuotasReqExt> for ListQuery<QuotaFilter> {
    type Error = ApiError;

    fn try_from(req: QueryCouponQuotasReqExt) -> Result<Self, ApiError> {
        let quota_ids = req.quota_ids.unwrap_or_default();
        if quota_ids.len() > 50 {
            return Err(ApiError::parameter("invalid parameter quota_ids: at most 50"));
        }
        let statuses = req.quota_status_list.unwrap_or_default();
        if statuses.len() > 5 {
            return Err(ApiError::parameter("invalid parameter quota_status_list: at most 5"));
        }
        let statuses = statuses
            .into_iter()
            .map(|code| {
                QuotaStatus::from_wire_code(code)
                    .filter(|s| *s != QuotaStatus::Reclaimed)
                    .ok_or_else(|| {
                        ApiError::parameter(format!(
                            "invalid parameter quota_status_list: {code} is not 0, 3, 4 or 5"
                        ))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let quota_type = match req.quota_type {
            None => QuotaType::Voucher,
            Some(code) => QuotaType::from_wire_code(code).ok_or_else(|| {
                ApiError::parameter(format!("invalid parameter quota_type: {code} is not 0 or 1"))
            })?,
        };
        let filter = QuotaFilter {
            ids: ids("quota_ids", quota_ids, 64)?,
            statuses,
            quota_type,
            created: between("create_time", req.create_time_begin, req.create_time_end)?,
            effective: between("effective_time", req.effective_time_begin, req.effective_time_end)?,
            expires: between("expire_time", req.expire_time_begin, req.expire_time_end)?,
        };
        query(filter, req.offset, req.limit, req.indirect_partner_id)
    }
}

/// SDK `CouponQuotaV2`.
#[derive(Serialize, ToSchema)]
pub(crate) struct CouponQuotaV2 {
    quota_id: String,
    quota_type: i64,
    create_time: String,
    last_update_time: String,
    quota_value: Amount,
    quota_status: i64,
    balance: Amount,
    measure_id: i64,
    currency: &'static str,
    effective_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_time: Option<String>,
    limit_infos: Vec<QuotaLimitInfo>,
}

impl CouponQuotaV2 {
    pub(crate) fn of(q: &CouponQuota, now: Timestamp) -> CouponQuotaV2 {
        CouponQuotaV2 {
            quota_id: q.id.clone(),
            quota_type: q.quota_type.wire_code(),
            create_time: format_utc(q.created_at),
            last_update_time: format_utc(q.updated_at),
            quota_value: q.value.into(),
            quota_status: q.status(now).wire_code(),
            balance: q.balance.into(),
            measure_id: MEASURE_YUAN,
            currency: CURRENCY,
            effective_time: format_utc(q.effective_at),
            expire_time: time_or_none(q.expires_at),
            limit_infos: limit_infos(&q.limits),
        }
    }
}

/// SDK `ListQuotaCouponsResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListQuotaCouponsResponse {
    total_count: u64,
    quotas: Vec<CouponQuotaV2>,
}

impl ListQuotaCouponsResponse {
    pub(crate) fn of(page: Paged<CouponQuota>, now: Timestamp) -> ListQuotaCouponsResponse {
        ListQuotaCouponsResponse {
            total_count: page.total,
            quotas: page.rows.iter().map(|q| CouponQuotaV2::of(q, now)).collect(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// UpdateCouponQuotas, ReclaimCouponQuotas

/// SDK `AdjustCouponQuotasReq`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct AdjustCouponQuotasReq {
    pub(crate) quota_id: String,
    pub(crate) indirect_partner_ids: Vec<String>,
    pub(crate) quota_amount: WireDecimal,
}

impl TryFrom<AdjustCouponQuotasReq> for QuotaGrant {
    type Error = ApiError;

    fn try_from(req: AdjustCouponQuotasReq) -> Result<Self, ApiError> {
        Ok(QuotaGrant {
            quota_id: bounded_id("quota_id", req.quota_id, 64)?,
            reseller_ids: ids("indirect_partner_ids", req.indirect_partner_ids, 64)?,
            amount: req.quota_amount.0,
        })
    }
}

/// SDK `QuotaSimpleInfo`.
#[derive(Serialize, ToSchema)]
pub(crate) struct QuotaSimpleInfo {
    id: String,
    quota_id: String,
}

/// SDK `UpdateCouponQuotasResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct UpdateCouponQuotasResponse {
    error_details: Vec<ErrorDetail>,
    simple_quota_infos: Vec<QuotaSimpleInfo>,
}

impl From<BatchOutcome<String>> for UpdateCouponQuotasResponse {
    fn from(outcome: BatchOutcome<String>) -> Self {
        UpdateCouponQuotasResponse {
            error_details: error_details(outcome.failed),
            simple_quota_infos: outcome
                .done
                .into_iter()
                .map(|(id, quota_id)| QuotaSimpleInfo { id, quota_id })
                .collect(),
        }
    }
}

/// SDK `ReclaimCouponQuotasReq`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct ReclaimCouponQuotasReq {
    pub(crate) quota_ids: Vec<String>,
    pub(crate) remark: Option<String>,
}

impl TryFrom<ReclaimCouponQuotasReq> for QuotaReclaim {
    type Error = ApiError;

    fn try_from(req: ReclaimCouponQuotasReq) -> Result<Self, ApiError> {
        if req.remark.as_ref().is_some_and(|r| r.chars().count() > 256) {
            return Err(ApiError::parameter(
                "invalid parameter remark: longer than 256 characters",
            ));
        }
        Ok(QuotaReclaim { quota_ids: ids("quota_ids", req.quota_ids, 64)?, remark: req.remark })
    }
}

/// SDK `QuotaReclaim`.
#[derive(Serialize, ToSchema)]
pub(crate) struct QuotaReclaimInfo {
    quota_id: String,
    quota_balance: Amount,
}

/// SDK `ReclaimCouponQuotasResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReclaimCouponQuotasResponse {
    error_details: Vec<ErrorDetail>,
    simple_quota_infos: Vec<QuotaReclaimInfo>,
}

impl From<BatchOutcome<Money>> for ReclaimCouponQuotasResponse {
    fn from(outcome: BatchOutcome<Money>) -> Self {
        ReclaimCouponQuotasResponse {
            error_details: error_details(outcome.failed),
            simple_quota_infos: outcome
                .done
                .into_iter()
                .map(|(quota_id, balance)| QuotaReclaimInfo {
                    quota_id,
                    quota_balance: balance.into(),
                })
                .collect(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// ListIssuedCouponQuotas, ListCouponQuotasRecords

/// SDK `ListIssuedCouponQuotasRequest` (query string). `parent_quota_id` present but empty
/// filters on an empty parent (so matches nothing), as the reference says.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListIssuedCouponQuotasRequest {
    pub(crate) quota_id: Option<String>,
    pub(crate) indirect_partner_id: Option<String>,
    pub(crate) parent_quota_id: Option<String>,
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
}

impl TryFrom<ListIssuedCouponQuotasRequest> for ListQuery<IssuedQuotaFilter> {
    type Error = ApiError;

    fn try_from(req: ListIssuedCouponQuotasRequest) -> Result<Self, ApiError> {
        let parent_quota =
            req.parent_quota_id.map(|p| bounded_id("parent_quota_id", p, 64)).transpose()?;
        let filter = IssuedQuotaFilter {
            quota: bounded("quota_id", req.quota_id, 64)?,
            reseller: bounded("indirect_partner_id", req.indirect_partner_id, 64)?,
            parent_quota,
        };
        Ok(ListQuery { filter, offset: req.offset, limit: req.limit, indirect_partner_id: None })
    }
}

/// SDK `IssuedCouponQuota`.
#[derive(Serialize, ToSchema)]
pub(crate) struct IssuedCouponQuotaV2 {
    #[serde(flatten)]
    quota: CouponQuotaV2,
    indirect_partner_id: String,
    indirect_partner_account_name: String,
    indirect_partner_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_quota_id: Option<String>,
}

/// SDK `ListIssuedCouponQuotasResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListIssuedCouponQuotasResponse {
    total_count: u64,
    quotas: Vec<IssuedCouponQuotaV2>,
}

impl ListIssuedCouponQuotasResponse {
    pub(crate) fn of(page: Paged<IssuedQuota>, now: Timestamp) -> Self {
        let quotas = page
            .rows
            .into_iter()
            .map(|i| IssuedCouponQuotaV2 {
                quota: CouponQuotaV2::of(&i.quota, now),
                indirect_partner_id: i.quota.partner.0.clone(),
                indirect_partner_account_name: i.reseller_name.clone(),
                indirect_partner_name: i.reseller_name,
                parent_quota_id: i.quota.parent_quota.clone(),
            })
            .collect();
        ListIssuedCouponQuotasResponse { total_count: page.total, quotas }
    }
}

/// SDK `ListCouponQuotasRecordsRequest` (query string). A non-enum `operation_type` is no
/// filter; an empty time is refused.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListCouponQuotasRecordsRequest {
    pub(crate) indirect_partner_id: Option<String>,
    pub(crate) quota_id: Option<String>,
    pub(crate) operation_time_begin: Option<String>,
    pub(crate) operation_time_end: Option<String>,
    pub(crate) parent_quota_id: Option<String>,
    pub(crate) operation_type: Option<String>,
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
}

impl TryFrom<ListCouponQuotasRecordsRequest> for ListQuery<QuotaRecordFilter> {
    type Error = ApiError;

    fn try_from(req: ListCouponQuotasRecordsRequest) -> Result<Self, ApiError> {
        let parent_quota =
            req.parent_quota_id.map(|p| bounded_id("parent_quota_id", p, 64)).transpose()?;
        let filter = QuotaRecordFilter {
            reseller: bounded("indirect_partner_id", req.indirect_partner_id, 64)?,
            quota: bounded("quota_id", req.quota_id, 64)?,
            parent_quota,
            operation: req.operation_type.as_deref().and_then(QuotaOperation::from_wire_code),
            at: between("operation_time", req.operation_time_begin, req.operation_time_end)?,
        };
        Ok(ListQuery { filter, offset: req.offset, limit: req.limit, indirect_partner_id: None })
    }
}

/// SDK `QuotaRecord`.
#[derive(Serialize, ToSchema)]
pub(crate) struct QuotaRecordV2 {
    id: String,
    operator: String,
    operation_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    quota_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_quota_id: Option<String>,
    amount: Amount,
    operation_time: String,
    result: &'static str,
    indirect_partner_account_name: String,
    indirect_partner_id: String,
    indirect_partner_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    remark: Option<String>,
}

/// SDK `ListCouponQuotasRecordsResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListCouponQuotasRecordsResponse {
    total_count: u64,
    records: Vec<QuotaRecordV2>,
}

fn result_code(succeeded: bool) -> &'static str {
    if succeeded { "0" } else { "-1" }
}

impl From<Paged<QuotaRecord>> for ListCouponQuotasRecordsResponse {
    fn from(page: Paged<QuotaRecord>) -> Self {
        let records = page
            .rows
            .into_iter()
            .map(|r| {
                let name = r.reseller_name.unwrap_or_default();
                QuotaRecordV2 {
                    id: r.id,
                    operator: r.operator,
                    operation_type: r.operation.wire_code(),
                    quota_id: r.quota,
                    parent_quota_id: r.parent_quota,
                    amount: r.amount.into(),
                    operation_time: format_utc(r.at),
                    result: result_code(r.succeeded),
                    indirect_partner_account_name: name.clone(),
                    indirect_partner_id: r.reseller,
                    indirect_partner_name: name,
                    remark: r.remark,
                }
            })
            .collect();
        ListCouponQuotasRecordsResponse { total_count: page.total, records }
    }
}

// ---------------------------------------------------------------------------------------------
// CreatePartnerCoupons, ReclaimPartnerCoupons

/// SDK `CreatePartnerCouponsReq`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct CreatePartnerCouponsReq {
    pub(crate) quota_id: String,
    pub(crate) customer_ids: Vec<String>,
    pub(crate) face_value: WireDecimal,
    pub(crate) valid_time: Option<String>,
    pub(crate) expire_time: Option<String>,
    pub(crate) cloud_service_types: Option<Vec<String>>,
    pub(crate) product_ids: Option<Vec<String>>,
    pub(crate) memo: Option<String>,
    pub(crate) indirect_partner_id: Option<String>,
}

impl TryFrom<CreatePartnerCouponsReq> for CouponGrant {
    type Error = ApiError;

    fn try_from(req: CreatePartnerCouponsReq) -> Result<Self, ApiError> {
        if req.memo.as_ref().is_some_and(|m| m.chars().count() > 256) {
            return Err(ApiError::parameter("invalid parameter memo: longer than 256 characters"));
        }
        Ok(CouponGrant {
            quota_id: bounded_id("quota_id", req.quota_id, 64)?,
            customer_ids: ids("customer_ids", req.customer_ids, 64)?,
            face_value: req.face_value.0,
            valid_from: utc_filter("valid_time", req.valid_time.as_deref())?,
            expires_at: utc_filter("expire_time", req.expire_time.as_deref())?,
            cloud_service_types: ids(
                "cloud_service_types",
                req.cloud_service_types.unwrap_or_default(),
                64,
            )?,
            product_ids: ids("product_ids", req.product_ids.unwrap_or_default(), 64)?,
            memo: req.memo,
            indirect_partner_id: bounded("indirect_partner_id", req.indirect_partner_id, 64)?,
        })
    }
}

/// SDK `CouponSimpleInfo`.
#[derive(Serialize, ToSchema)]
pub(crate) struct CouponSimpleInfo {
    id: String,
    coupon_id: String,
}

/// SDK `CreatePartnerCouponsResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct CreatePartnerCouponsResponse {
    error_details: Vec<ErrorDetail>,
    coupon_infos: Vec<CouponSimpleInfo>,
}

impl From<BatchOutcome<String>> for CreatePartnerCouponsResponse {
    fn from(outcome: BatchOutcome<String>) -> Self {
        CreatePartnerCouponsResponse {
            error_details: error_details(outcome.failed),
            coupon_infos: outcome
                .done
                .into_iter()
                .map(|(id, coupon_id)| CouponSimpleInfo { id, coupon_id })
                .collect(),
        }
    }
}

/// SDK `ReclaimPartnerCouponsReq`. An empty `indirect_partner_id` is refused.
#[derive(Deserialize, ToSchema)]
pub(crate) struct ReclaimPartnerCouponsReq {
    pub(crate) coupon_id: String,
    pub(crate) indirect_partner_id: Option<String>,
}

impl ReclaimPartnerCouponsReq {
    pub(crate) fn checked(self) -> Result<(String, Option<String>), ApiError> {
        let indirect = match self.indirect_partner_id {
            Some(id) if id.is_empty() => {
                return Err(ApiError::parameter("invalid parameter indirect_partner_id: empty"));
            }
            other => other.map(|id| bounded_id("indirect_partner_id", id, 100)).transpose()?,
        };
        Ok((bounded_id("coupon_id", self.coupon_id, 64)?, indirect))
    }
}

// ---------------------------------------------------------------------------------------------
// Coupon views

/// SDK `ICouponUseLimitInfoV2`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ICouponUseLimitInfoV2 {
    use_limiti_info_id: String,
    limit_key: String,
    value1: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    value2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit_type: Option<String>,
}

fn use_limits(limits: &[UseLimit]) -> Vec<ICouponUseLimitInfoV2> {
    limits
        .iter()
        .map(|l| ICouponUseLimitInfoV2 {
            use_limiti_info_id: l.id.clone(),
            limit_key: l.key.clone(),
            value1: l.value1.clone(),
            value2: l.value2.clone(),
            value_unit: l.value_unit.clone(),
            limit_type: l.limit_type.clone(),
        })
        .collect()
}

fn frozen(coupon: &Coupon) -> &'static str {
    if coupon.frozen { "1" } else { "0" }
}

/// SDK `ListIssuedPartnerCouponsRequest` (query string).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListIssuedPartnerCouponsRequest {
    pub(crate) coupon_id: Option<String>,
    pub(crate) customer_id: Option<String>,
    pub(crate) order_id: Option<String>,
    pub(crate) coupon_type: Option<i64>,
    pub(crate) status: Option<i64>,
    pub(crate) create_time_begin: Option<String>,
    pub(crate) create_time_end: Option<String>,
    pub(crate) effective_time_begin: Option<String>,
    pub(crate) effective_time_end: Option<String>,
    pub(crate) expire_time_begin: Option<String>,
    pub(crate) expire_time_end: Option<String>,
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
    pub(crate) indirect_partner_id: Option<String>,
}

fn coupon_type(code: Option<i64>, allowed: &[CouponType]) -> Result<Option<CouponType>, ApiError> {
    code.map(|c| {
        CouponType::from_wire_code(c)
            .filter(|t| allowed.contains(t))
            .ok_or_else(|| ApiError::parameter(format!("invalid parameter coupon_type: {c}")))
    })
    .transpose()
}

fn coupon_status(code: Option<i64>) -> Result<Option<CouponStatus>, ApiError> {
    code.map(|c| {
        CouponStatus::from_wire_code(c).ok_or_else(|| {
            ApiError::parameter(format!("invalid parameter status: {c} is not 1 to 5"))
        })
    })
    .transpose()
}

/// A text filter that may not be an empty string.
fn not_empty(field: &str, value: Option<String>, max: usize) -> Result<Option<String>, ApiError> {
    match value {
        Some(v) if v.is_empty() => {
            Err(ApiError::parameter(format!("invalid parameter {field}: empty")))
        }
        other => bounded(field, other, max),
    }
}

impl TryFrom<ListIssuedPartnerCouponsRequest> for ListQuery<IssuedCouponFilter> {
    type Error = ApiError;

    fn try_from(req: ListIssuedPartnerCouponsRequest) -> Result<Self, ApiError> {
        let filter = IssuedCouponFilter {
            coupon: not_empty("coupon_id", req.coupon_id, 64)?,
            customer: not_empty("customer_id", req.customer_id, 64)?,
            order: not_empty("order_id", req.order_id, 64)?,
            coupon_type: coupon_type(
                req.coupon_type,
                &[CouponType::Voucher, CouponType::Cash, CouponType::Discount],
            )?,
            status: coupon_status(req.status)?,
            created: between("create_time", req.create_time_begin, req.create_time_end)?,
            effective: between("effective_time", req.effective_time_begin, req.effective_time_end)?,
            expires: between("expire_time", req.expire_time_begin, req.expire_time_end)?,
        };
        query(filter, req.offset, req.limit, req.indirect_partner_id)
    }
}

/// SDK `IQueryUserPartnerCouponsResultV2`.
#[derive(Serialize, ToSchema)]
pub(crate) struct IQueryUserPartnerCouponsResultV2 {
    coupon_id: String,
    status: i64,
    customer_id: String,
    coupon_type: i64,
    measure_id: i64,
    face_value: Amount,
    effective_time: String,
    expire_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    order_id: Option<String>,
    media_type: i64,
    fetch_method: i64,
    use_limits: Vec<ICouponUseLimitInfoV2>,
    active_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_used_time: Option<String>,
    create_time: String,
    balance: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    lock_order_id: Option<String>,
    is_frozen: &'static str,
}

/// SDK `ListIssuedPartnerCouponsResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListIssuedPartnerCouponsResponse {
    total_count: u64,
    user_coupons: Vec<IQueryUserPartnerCouponsResultV2>,
}

impl ListIssuedPartnerCouponsResponse {
    pub(crate) fn of(page: Paged<Coupon>, now: Timestamp) -> Self {
        let user_coupons = page
            .rows
            .iter()
            .map(|c| IQueryUserPartnerCouponsResultV2 {
                coupon_id: c.id.clone(),
                status: c.status(now).wire_code(),
                customer_id: c.customer.0.clone(),
                coupon_type: c.coupon_type().wire_code(),
                measure_id: MEASURE_YUAN,
                face_value: c.face_value.into(),
                effective_time: format_utc(c.effective_at),
                expire_time: format_utc(c.expires_at),
                order_id: c.lock_order.clone(),
                media_type: ELECTRONIC,
                fetch_method: ISSUED_ONLINE,
                use_limits: use_limits(&c.limits),
                active_time: format_utc(c.effective_at),
                last_used_time: time_or_none(c.last_used_at),
                create_time: format_utc(c.created_at),
                balance: c.balance.into(),
                lock_order_id: c.lock_order.clone(),
                is_frozen: frozen(c),
            })
            .collect();
        ListIssuedPartnerCouponsResponse { total_count: page.total, user_coupons }
    }
}

/// `ListPartnerCouponsRecord`'s query, read from its pairs: `operation_types` and `coupon_ids`
/// come as repeated keys (the SDK's `multi` collection format), or comma-separated.
pub(crate) fn partner_coupon_records_query(
    pairs: Vec<(String, String)>,
) -> Result<ListQuery<CouponRecordFilter>, ApiError> {
    let mut filter = CouponRecordFilter::default();
    let (mut offset, mut limit, mut indirect, mut begin, mut end) = (None, None, None, None, None);
    let int = |field: &str, v: &str| {
        v.parse::<i64>()
            .map_err(|_| ApiError::parameter(format!("invalid parameter {field}: {v:?}")))
    };
    for (key, value) in pairs {
        match key.as_str() {
            "operation_types" => {
                let list = filter.operations.get_or_insert_with(Vec::new);
                list.extend(value.split(',').filter(|v| !v.is_empty()).map(str::to_owned));
                if list.len() > 8 {
                    return Err(ApiError::parameter(
                        "invalid parameter operation_types: at most 8",
                    ));
                }
            }
            "coupon_ids" => {
                let list = filter.coupons.get_or_insert_with(Vec::new);
                list.extend(value.split(',').filter(|v| !v.is_empty()).map(str::to_owned));
                if list.len() > 100 {
                    return Err(ApiError::parameter("invalid parameter coupon_ids: at most 100"));
                }
            }
            "quota_id" => filter.quota = bounded("quota_id", Some(value), 64)?,
            "quota_type" => {
                let code = int("quota_type", &value)?;
                filter.quota_type = Some(QuotaType::from_wire_code(code).ok_or_else(|| {
                    ApiError::parameter(format!("invalid parameter quota_type: {code}"))
                })?);
            }
            "customer_id" => filter.customer = bounded("customer_id", Some(value), 64)?,
            "operation_time_begin" => begin = Some(value),
            "operation_time_end" => end = Some(value),
            // A non-enum result is no filter.
            "result" => {
                filter.succeeded = match value.as_str() {
                    "0" => Some(true),
                    "-1" => Some(false),
                    _ => None,
                }
            }
            "offset" => offset = Some(int("offset", &value)?),
            "limit" => limit = Some(int("limit", &value)?),
            "indirect_partner_id" => indirect = Some(value),
            _ => {}
        }
    }
    filter.at = between("operation_time", begin, end)?;
    query(filter, offset, limit, indirect)
}

/// SDK `CouponRecordV2`.
#[derive(Serialize, ToSchema)]
pub(crate) struct CouponRecordV2 {
    id: String,
    operation_type: &'static str,
    quota_id: String,
    quota_type: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    coupon_id: Option<String>,
    customer_id: String,
    operation_amount: Amount,
    operation_time: String,
    result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    remark: Option<String>,
}

/// SDK `ListPartnerCouponsRecordResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListPartnerCouponsRecordResponse {
    total_count: u64,
    records: Vec<CouponRecordV2>,
}

impl From<Paged<CouponRecord>> for ListPartnerCouponsRecordResponse {
    fn from(page: Paged<CouponRecord>) -> Self {
        let records = page
            .rows
            .into_iter()
            .map(|r| CouponRecordV2 {
                id: r.id,
                operation_type: r.operation.wire_code(),
                quota_id: r.quota,
                quota_type: r.quota_type.wire_code(),
                coupon_id: r.coupon,
                customer_id: r.customer,
                operation_amount: r.amount.into(),
                operation_time: format_utc(r.at),
                result: result_code(r.succeeded),
                remark: r.remark,
            })
            .collect();
        ListPartnerCouponsRecordResponse { total_count: page.total, records }
    }
}

/// SDK `ListSubCustomerCouponsRequest` (query string).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListSubCustomerCouponsRequest {
    pub(crate) coupon_id: Option<String>,
    pub(crate) order_id: Option<String>,
    pub(crate) promotion_plan_id: Option<String>,
    pub(crate) coupon_type: Option<i64>,
    pub(crate) status: Option<i64>,
    pub(crate) active_start_time: Option<String>,
    pub(crate) active_end_time: Option<String>,
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
    pub(crate) source_id: Option<String>,
    pub(crate) indirect_partner_id: Option<String>,
}

impl TryFrom<ListSubCustomerCouponsRequest> for ListQuery<CustomerCouponFilter> {
    type Error = ApiError;

    fn try_from(req: ListSubCustomerCouponsRequest) -> Result<Self, ApiError> {
        let filter = CustomerCouponFilter {
            coupon: bounded("coupon_id", req.coupon_id, 64)?,
            order: bounded("order_id", req.order_id, 64)?,
            promotion_plan: bounded("promotion_plan_id", req.promotion_plan_id, 64)?,
            coupon_type: coupon_type(req.coupon_type, &CouponType::ALL)?,
            status: coupon_status(req.status)?,
            active_from: utc_filter("active_start_time", req.active_start_time.as_deref())?,
            active_to: utc_filter("active_end_time", req.active_end_time.as_deref())?,
            source: bounded("source_id", req.source_id, 255)?,
        };
        query(filter, req.offset, req.limit, req.indirect_partner_id)
    }
}

/// SDK `IQueryUserCouponsResultV2`.
#[derive(Serialize, ToSchema)]
pub(crate) struct IQueryUserCouponsResultV2 {
    coupon_id: String,
    status: i64,
    customer_id: String,
    coupon_type: i64,
    measure_id: i64,
    face_value: Amount,
    valid_time: String,
    expire_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    order_id: Option<String>,
    media_type: i64,
    fetch_method: i64,
    use_limits: Vec<ICouponUseLimitInfoV2>,
    active_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reserve_time: Option<String>,
    create_time: String,
    coupon_version: i64,
    balance: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    lock_order_id: Option<String>,
    is_frozen: &'static str,
    currency: &'static str,
    source_id: String,
}

/// SDK `ListSubCustomerCouponsResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListSubCustomerCouponsResponse {
    count: u64,
    user_coupons: Vec<IQueryUserCouponsResultV2>,
}

impl ListSubCustomerCouponsResponse {
    pub(crate) fn of(page: Paged<Coupon>, now: Timestamp) -> Self {
        let user_coupons = page
            .rows
            .iter()
            .map(|c| IQueryUserCouponsResultV2 {
                coupon_id: c.id.clone(),
                status: c.status(now).wire_code(),
                customer_id: c.customer.0.clone(),
                coupon_type: c.coupon_type().wire_code(),
                measure_id: MEASURE_YUAN,
                face_value: c.face_value.into(),
                valid_time: format_utc(c.effective_at),
                expire_time: format_utc(c.expires_at),
                order_id: c.lock_order.clone(),
                media_type: ELECTRONIC,
                fetch_method: ISSUED_ONLINE,
                use_limits: use_limits(&c.limits),
                active_time: format_utc(c.effective_at),
                reserve_time: time_or_none(c.last_used_at),
                create_time: format_utc(c.created_at),
                coupon_version: BALANCE_COUPON,
                balance: c.balance.into(),
                lock_order_id: c.lock_order.clone(),
                is_frozen: frozen(c),
                currency: CURRENCY,
                source_id: c.issuer.0.clone(),
            })
            .collect();
        ListSubCustomerCouponsResponse { count: page.total, user_coupons }
    }
}

/// SDK `ListCustomerCouponChangeRecordsRequest` (query string). `balance_type` is required,
/// and empty enum values are refused, not ignored.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListCustomerCouponChangeRecordsRequest {
    pub(crate) balance_type: Option<String>,
    pub(crate) revenue_expense_type: Option<String>,
    pub(crate) trade_type: Option<String>,
    pub(crate) trade_id: Option<String>,
    pub(crate) trade_time_begin: Option<String>,
    pub(crate) trade_time_end: Option<String>,
    pub(crate) coupon_id: Option<String>,
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
}

impl TryFrom<ListCustomerCouponChangeRecordsRequest> for CouponChangeQuery {
    type Error = ApiError;

    fn try_from(req: ListCustomerCouponChangeRecordsRequest) -> Result<Self, ApiError> {
        if req.balance_type.as_deref() != Some("BALANCE_TYPE_COUPON") {
            return Err(ApiError::parameter(
                "invalid parameter balance_type: required, BALANCE_TYPE_COUPON",
            ));
        }
        let direction = match req.revenue_expense_type.as_deref() {
            None => None,
            Some("REVENUE") => Some(Direction::Income),
            Some("EXPENSE") => Some(Direction::Expense),
            Some(other) => {
                return Err(ApiError::parameter(format!(
                    "invalid parameter revenue_expense_type: {other:?}"
                )));
            }
        };
        // Kinds of change no operation makes yet (spending, refunds, expiry) select nothing.
        let kinds = match req.trade_type.as_deref() {
            None => None,
            Some("ADJUST") => Some(vec![TransferKind::CouponIssue]),
            Some("COUPONCANCEL") => Some(vec![TransferKind::CouponReclaim]),
            Some("DEDEUCT" | "REFUND" | "RFROZEN" | "EXPIRED" | "COUPONADJUST") => Some(Vec::new()),
            Some(other) => {
                return Err(ApiError::parameter(format!(
                    "invalid parameter trade_type: {other:?}"
                )));
            }
        };
        for (field, value) in
            [("trade_time_begin", &req.trade_time_begin), ("trade_time_end", &req.trade_time_end)]
        {
            if value.as_deref() == Some("") {
                return Err(ApiError::parameter(format!("invalid parameter {field}: empty")));
            }
        }
        Ok(CouponChangeQuery {
            kinds,
            direction,
            begin: parse_date("trade_time_begin", req.trade_time_begin.as_deref())?,
            end: parse_date("trade_time_end", req.trade_time_end.as_deref())?,
            transfer_id: bounded("trade_id", req.trade_id, 128)?,
            coupon_id: bounded("coupon_id", req.coupon_id, 64)?,
            offset: req.offset,
            limit: req.limit,
        })
    }
}

/// SDK `CustomerCouponChangeRecord`.
#[derive(Serialize, ToSchema)]
pub(crate) struct CustomerCouponChangeRecord {
    coupon_id: String,
    trade_detail_type: &'static str,
    trade_time: String,
    trade_id: String,
    change_amount: String,
    balance_after_change: String,
    revenue_expense_type: &'static str,
    account_name: String,
}

/// SDK `ListCustomerCouponChangeRecordsResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListCustomerCouponChangeRecordsResponse {
    total_count: u64,
    currency: &'static str,
    records: Vec<CustomerCouponChangeRecord>,
}

impl From<(String, Paged<CouponChange>)> for ListCustomerCouponChangeRecordsResponse {
    fn from((account_name, page): (String, Paged<CouponChange>)) -> Self {
        let records = page
            .rows
            .into_iter()
            .map(|c| CustomerCouponChangeRecord {
                coupon_id: c.coupon,
                trade_detail_type: crate::funds::wire::trade_detail_type(c.entry.kind),
                trade_time: format_utc(c.entry.at),
                trade_id: c.entry.transfer_id,
                change_amount: amount_text(c.entry.amount),
                balance_after_change: amount_text(c.entry.balance_after),
                revenue_expense_type: if c.entry.amount.is_negative() {
                    "EXPENSE"
                } else {
                    "REVENUE"
                },
                account_name: account_name.clone(),
            })
            .collect();
        ListCustomerCouponChangeRecordsResponse {
            total_count: page.total,
            currency: CURRENCY,
            records,
        }
    }
}

/// SDK `ListStoredValueCardsRequest` (query string): `status` is required, 1 or 2.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListStoredValueCardsRequest {
    pub(crate) status: Option<i64>,
    pub(crate) card_id: Option<String>,
    pub(crate) offset: Option<i64>,
    pub(crate) limit: Option<i64>,
}

impl ListStoredValueCardsRequest {
    pub(crate) fn paging(self) -> Result<(Option<i64>, Option<i64>), ApiError> {
        if !matches!(self.status, Some(1 | 2)) {
            return Err(ApiError::parameter("invalid parameter status: required, 1 or 2"));
        }
        bounded("card_id", self.card_id, 64)?;
        Ok((self.offset, self.limit))
    }
}

/// SDK `UserStoredValueCard`.
#[derive(Serialize, ToSchema)]
pub(crate) struct UserStoredValueCard {
    card_id: String,
}

/// SDK `ListStoredValueCardsResponse`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListStoredValueCardsResponse {
    total_count: u64,
    stored_value_cards: Vec<UserStoredValueCard>,
}

impl From<Paged<()>> for ListStoredValueCardsResponse {
    fn from(page: Paged<()>) -> Self {
        ListStoredValueCardsResponse { total_count: page.total, stored_value_cards: Vec::new() }
    }
}

// ---------------------------------------------------------------------------------------------
// Our operator API

/// A limit of a quota, as the operator API takes it.
#[derive(Deserialize, ToSchema)]
pub(crate) struct QuotaLimitIn {
    pub(crate) limit_key: String,
    pub(crate) limit_values: Vec<LimitValueIn>,
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct LimitValueIn {
    pub(crate) value1: String,
    pub(crate) value2: Option<String>,
}

/// `POST /operator/v1/partners/{id}/coupon-quotas`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct GrantCouponQuota {
    /// The quota's id; one is made when absent.
    pub(crate) quota_id: Option<String>,
    /// 0 voucher (default), 1 cash coupon, 2 discount coupon.
    pub(crate) quota_type: Option<i64>,
    pub(crate) quota_value: WireDecimal,
    pub(crate) effective_time: Option<String>,
    pub(crate) expire_time: Option<String>,
    pub(crate) limit_infos: Option<Vec<QuotaLimitIn>>,
}

impl GrantCouponQuota {
    pub(crate) fn into_grant(self, partner: String) -> Result<PlatformQuota, ApiError> {
        let quota_type = QuotaType::from_wire_code(self.quota_type.unwrap_or(0))
            .ok_or_else(|| ApiError::parameter("invalid parameter quota_type: 0, 1 or 2"))?;
        let amount = partner_domain::coupons::amount(self.quota_value.0)
            .map_err(|e| ApiError::parameter(format!("invalid parameter quota_value: {e}")))?;
        let limits = self
            .limit_infos
            .unwrap_or_default()
            .into_iter()
            .map(|l| QuotaLimit {
                key: l.limit_key,
                values: l
                    .limit_values
                    .into_iter()
                    .map(|v| partner_domain::coupons::LimitValue {
                        value1: v.value1,
                        value2: v.value2,
                    })
                    .collect(),
            })
            .collect();
        Ok(PlatformQuota {
            id: self.quota_id.map(|id| bounded_id("quota_id", id, 64)).transpose()?,
            partner: partner_domain::partners::PartnerId(partner),
            quota_type,
            amount,
            effective_at: utc_filter("effective_time", self.effective_time.as_deref())?,
            expires_at: utc_filter("expire_time", self.expire_time.as_deref())?,
            limits,
        })
    }
}

/// `PUT /operator/v1/coupon-quotas/{id}/state`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct CouponQuotaState {
    /// `normal`, `frozen`, `adjusting` or `invalidated`.
    pub(crate) state: String,
}

impl CouponQuotaState {
    pub(crate) fn state(&self) -> Result<partner_domain::coupons::QuotaState, ApiError> {
        partner_domain::coupons::QuotaState::from_code(&self.state)
            .filter(|s| *s != partner_domain::coupons::QuotaState::Reclaimed)
            .ok_or_else(|| {
                ApiError::parameter(
                    "invalid parameter state: normal, frozen, adjusting or invalidated",
                )
            })
    }
}
