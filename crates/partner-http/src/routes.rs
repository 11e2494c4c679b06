//! The operation table: every operation's name, method, path, audience and flow-control quota,
//! read from its handler's `#[utoipa::path]` declaration. Routes, the OpenAPI document and the
//! gateway's rules all come from that one declaration, so they cannot disagree.

use std::{collections::HashMap, sync::OnceLock};

use axum::http::Method;
use partner_engine::Principal;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;

use crate::{
    AppState, associations, coupons, customers, divisions, funds, openapi, operator, partners,
    realname, reports, verification,
};

/// The security scheme of partners' access keys: `security(("partner" = []))`.
pub const PARTNER_KEYS: &str = "partner";
/// The security scheme of customers' access keys.
pub const CUSTOMER_KEYS: &str = "customer";
/// The security scheme of operators' access keys (our operator API).
pub const OPERATOR_KEYS: &str = "operator";

/// The extension that sets an operation's flow-control quota, in calls per second, where it
/// differs from the partner API's default.
pub const FLOW_CONTROL: &str = "x-flow-control-per-second";

/// The largest request body of the partner API: its largest request (`ListCustomersBalancesDetail`
/// naming 100 customers of 64 characters) is under 10 KiB. Nothing larger is read.
const PARTNER_API_BODY_LIMIT: usize = 64 * 1024;
/// The operator API takes whole world files.
const OPERATOR_API_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The partner API's quota where the reference states none: 10 calls per second for each
/// (source IP, operation, account) (customers.md §11). The operator API has none.
const DEFAULT_PER_SECOND: u32 = 10;

/// Whose keys may call an operation: the security schemes its declaration names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Audience {
    pub partners: bool,
    pub customers: bool,
    pub operators: bool,
}

impl Audience {
    pub fn admits(&self, principal: &Principal) -> bool {
        match principal {
            Principal::Partner(_) => self.partners,
            Principal::Customer(_) => self.customers,
            Principal::Operator(_) => self.operators,
            // The command line never comes through the gateway.
            Principal::System => false,
        }
    }
}

/// One operation of the API, as its declaration gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The operation's `operationId`: the SDK operation name, e.g. `ListSubCustomers`.
    pub name: String,
    pub method: Method,
    pub path: String,
    pub audience: Audience,
    /// Calls per second per (source IP, operation, account); `None` for the operator API.
    pub per_second: Option<u32>,
    /// The largest body the gateway reads; a larger one is refused unread (413 `APIG.0201`).
    pub body_limit: usize,
    /// The permission items a partner's member needs one of (customers.md §10): the scopes of
    /// the `partner` security requirement, `security(("partner" = ["BPC_ITEM_…"]))`. None: every
    /// member may call.
    pub permission_items: Vec<String>,
}

impl Operation {
    /// Whether the operation changes state, so that a refusal is audited.
    pub fn mutates(&self) -> bool {
        self.method != Method::GET
    }
}

/// Every routed operation with its handler and OpenAPI entry, domain by domain.
pub(crate) fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(partners::routes())
        .merge(customers::routes())
        .merge(associations::routes())
        .merge(reports::routes())
        .merge(funds::routes())
        .merge(coupons::routes())
        .merge(divisions::routes())
        .merge(operator::routes())
        .merge(verification::routes())
        .merge(realname::routes())
}

struct Table {
    operations: Vec<Operation>,
    /// Path, then method, to the operation's index.
    by_route: HashMap<String, Vec<(Method, usize)>>,
}

/// Read once per process: the declarations do not change while it runs.
fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let doc = serde_json::to_value(api().into_openapi()).unwrap_or_default();
        let operations = operations_of(&doc);
        let mut by_route: HashMap<String, Vec<(Method, usize)>> = HashMap::new();
        for (i, op) in operations.iter().enumerate() {
            by_route.entry(op.path.clone()).or_default().push((op.method.clone(), i));
        }
        Table { operations, by_route }
    })
}

/// The operations an OpenAPI document declares. One without an `operationId` is left out, and
/// so unreachable through the gateway; the snapshot tests check there is none.
fn operations_of(doc: &serde_json::Value) -> Vec<Operation> {
    let mut operations = Vec::new();
    let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) else { return operations };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, op) in item {
            let (Ok(method), Some(name)) = (
                Method::from_bytes(method.to_ascii_uppercase().as_bytes()),
                op.get("operationId").and_then(|n| n.as_str()),
            ) else {
                continue;
            };
            let audience = audience_of(op);
            let operator_only = !audience.partners && !audience.customers;
            let per_second = match op.get(FLOW_CONTROL).and_then(|q| q.as_u64()) {
                Some(quota) => u32::try_from(quota).ok(),
                None if operator_only => None,
                None => Some(DEFAULT_PER_SECOND),
            };
            let body_limit =
                if operator_only { OPERATOR_API_BODY_LIMIT } else { PARTNER_API_BODY_LIMIT };
            operations.push(Operation {
                name: name.to_owned(),
                method,
                path: path.clone(),
                audience,
                per_second,
                body_limit,
                permission_items: permission_items_of(op),
            });
        }
    }
    operations
}

fn audience_of(op: &serde_json::Value) -> Audience {
    let mut audience = Audience::default();
    let requirements = op.get("security").and_then(|s| s.as_array());
    for scheme in requirements.into_iter().flatten().filter_map(|r| r.as_object()).flatten() {
        match scheme.0.as_str() {
            PARTNER_KEYS => audience.partners = true,
            CUSTOMER_KEYS => audience.customers = true,
            OPERATOR_KEYS => audience.operators = true,
            _ => {}
        }
    }
    audience
}

/// The scopes of an operation's `partner` security requirement.
fn permission_items_of(op: &serde_json::Value) -> Vec<String> {
    let requirements = op.get("security").and_then(|s| s.as_array());
    requirements
        .into_iter()
        .flatten()
        .filter_map(|r| r.get(PARTNER_KEYS).and_then(|scopes| scopes.as_array()))
        .flatten()
        .filter_map(|item| item.as_str().map(str::to_owned))
        .collect()
}

/// Every routed operation, in path order.
pub fn operation_table() -> &'static [Operation] {
    &table().operations
}

/// The operation a matched route serves.
pub(crate) fn operation(method: &Method, path: &str) -> Option<&'static Operation> {
    let table = table();
    let (_, i) = table.by_route.get(path)?.iter().find(|(m, _)| m == method)?;
    table.operations.get(*i)
}
