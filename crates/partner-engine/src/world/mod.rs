//! World files: a sandbox's starting state in one file, validated whole and applied in one
//! transaction, idempotently (an entity whose id exists is left as it is).

mod file;

use std::collections::{HashMap, HashSet};

use partner_domain::{
    Money, Timestamp,
    access::{self, AccessKey, OwnerKind},
    catalog::{self, Discount, DiscountKind, Price},
    coupons::{self, LimitValue, QuotaLimit, QuotaType},
    customers::{Association, AssociationType, Customer, CustomerId, CustomerType, VerifiedStatus},
    funds::{self, AccountId, AccountKind, FundAccount, Owner},
    members::{self, Member, Role},
    partners::{Partner, PartnerId, PartnerKind},
    reports::{Restriction, Standing},
    time::{ClockError, ClockSetting},
};
use partner_store::Tx;
use rust_decimal::Decimal;

use crate::{Caller, Engine, EngineError, coupons::PlatformQuota};

/// The built-in demo world: a distributor with two resellers, a solution provider and a dozen
/// customers in both association modes.
pub const DEMO: &str = include_str!("demo.toml");

/// A validated world, ready to apply.
#[derive(Clone, Debug, Default)]
pub struct World {
    clock: Option<ClockSetting>,
    operators: Vec<(String, KeyPair)>,
    partners: Vec<PartnerSpec>,
    customers: Vec<CustomerSpec>,
    prices: Vec<Price>,
    discounts: Vec<Discount>,
}

#[derive(Clone, Debug)]
struct KeyPair {
    ak: String,
    sk: String,
}

#[derive(Clone, Debug)]
struct PartnerSpec {
    partner: Partner,
    key: Option<KeyPair>,
    balance: Money,
    credit: Money,
    quotas: Vec<PlatformQuota>,
    roles: Vec<Role>,
    members: Vec<(Member, Option<KeyPair>)>,
}

#[derive(Clone, Debug)]
struct CustomerSpec {
    customer: Customer,
    key: Option<KeyPair>,
    balance: Money,
    /// When it registered (`None`: when the file is applied) and what bars its associations.
    registered: Option<Timestamp>,
    restrictions: Vec<Restriction>,
}

/// An identity of the world that can sign API calls, for printing.
#[derive(Clone, Debug)]
pub struct WorldCredential {
    pub role: &'static str,
    pub id: String,
    pub name: String,
    pub ak: String,
    pub sk: String,
}

/// The file formats a world comes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Toml,
}

impl Format {
    /// The format a file's extension names.
    pub fn of_path(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()? {
            "json" => Some(Format::Json),
            "toml" => Some(Format::Toml),
            _ => None,
        }
    }
}

fn invalid(entry: &str, field: &str, reason: impl std::fmt::Display) -> EngineError {
    EngineError::WorldInvalid(format!("{entry}: field `{field}`: {reason}"))
}

fn entry_name(list: &str, index: usize, id: &str) -> String {
    format!("{list}[{index}] (id {id:?})")
}

fn time(entry: &str, field: &str, text: &str) -> Result<Timestamp, EngineError> {
    let at = ::time::OffsetDateTime::parse(text, &::time::format_description::well_known::Rfc3339)
        .map_err(|_| invalid(entry, field, format!("{text:?} is not an RFC 3339 time")))?;
    let millis = at.unix_timestamp_nanos() / 1_000_000;
    i64::try_from(millis)
        .map(Timestamp::from_millis)
        .map_err(|_| invalid(entry, field, "out of range"))
}

fn amount(entry: &str, field: &str, text: Option<&str>) -> Result<Money, EngineError> {
    let Some(text) = text else { return Ok(Money::ZERO) };
    let decimal: Decimal = text
        .parse()
        .map_err(|_| invalid(entry, field, format!("{text:?} is not a decimal amount")))?;
    let money = Money::from_decimal(decimal, 2).map_err(|e| invalid(entry, field, e))?;
    if money.is_negative() {
        return Err(invalid(entry, field, "must not be negative"));
    }
    Ok(money)
}

fn price(entry: &str, field: &str, text: Option<&str>) -> Result<Option<Decimal>, EngineError> {
    let Some(text) = text else { return Ok(None) };
    let decimal: Decimal = text
        .parse()
        .map_err(|_| invalid(entry, field, format!("{text:?} is not a decimal price")))?;
    catalog::check_price(decimal).map(Some).map_err(|e| invalid(entry, field, e))
}

fn key_pair(
    entry: &str,
    ak: Option<String>,
    sk: Option<String>,
) -> Result<Option<KeyPair>, EngineError> {
    match (ak, sk) {
        (None, None) => Ok(None),
        (Some(ak), Some(sk)) => {
            access::check_access_key(&ak, &sk).map_err(|e| {
                let field = match e {
                    access::AccessError::MalformedAccessKeyId => "ak",
                    access::AccessError::MalformedSecretKey => "sk",
                };
                invalid(entry, field, e)
            })?;
            Ok(Some(KeyPair { ak, sk }))
        }
        (Some(_), None) => Err(invalid(entry, "sk", "an ak needs its sk")),
        (None, Some(_)) => Err(invalid(entry, "ak", "an sk needs its ak")),
    }
}

fn required(entry: &str, field: &str, value: &str) -> Result<(), EngineError> {
    if value.trim().is_empty() {
        return Err(invalid(entry, field, "must not be empty"));
    }
    Ok(())
}

/// Parses and validates a world file's text: every key is checked and the first problem is
/// reported by entry and field.
pub fn parse(text: &str, format: Format) -> Result<World, EngineError> {
    let value: serde_json::Value = match format {
        Format::Json => serde_json::from_str(text)
            .map_err(|e| EngineError::WorldInvalid(format!("not valid JSON: {e}")))?,
        Format::Toml => {
            let value: toml::Value = toml::from_str(text)
                .map_err(|e| EngineError::WorldInvalid(format!("not valid TOML: {e}")))?;
            serde_json::to_value(value)
                .map_err(|e| EngineError::WorldInvalid(format!("not valid TOML: {e}")))?
        }
    };
    let file: file::WorldFile = serde_path_to_error::deserialize(value)
        .map_err(|e| EngineError::WorldInvalid(format!("{}: {}", e.path(), e.inner())))?;
    validate(file)
}

/// Reads and validates a world file, its format chosen by its extension.
pub fn read(path: &std::path::Path) -> Result<World, EngineError> {
    let format = Format::of_path(path).ok_or_else(|| {
        EngineError::WorldInvalid(format!(
            "{}: a world file ends in .json or .toml",
            path.display()
        ))
    })?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| EngineError::WorldInvalid(format!("{}: {e}", path.display())))?;
    parse(&text, format)
}

/// The demo world.
pub fn demo() -> Result<World, EngineError> {
    parse(DEMO, Format::Toml)
}

fn validate(file: file::WorldFile) -> Result<World, EngineError> {
    let mut world = World::default();
    let mut aks: HashSet<String> = HashSet::new();
    let mut claim_ak = |entry: &str, key: &Option<KeyPair>| -> Result<(), EngineError> {
        match key {
            Some(key) if !aks.insert(key.ak.clone()) => {
                Err(invalid(entry, "ak", format!("the access key {} is used twice", key.ak)))
            }
            _ => Ok(()),
        }
    };
    // Association and opening times are stamped at apply time; validation only needs the shape.
    let placeholder = Timestamp::from_millis(0);

    if let Some(clock) = file.clock {
        world.clock = Some(match clock.mode.as_deref().unwrap_or("system") {
            "system" => ClockSetting::System,
            "manual" => {
                let now = clock
                    .now
                    .ok_or_else(|| invalid("clock", "now", "required when mode is \"manual\""))?;
                let now = time("clock", "now", &now)?;
                if !now.is_business_time() {
                    return Err(invalid("clock", "now", ClockError::ClockOutOfRange.to_string()));
                }
                ClockSetting::Manual(now)
            }
            other => {
                return Err(invalid(
                    "clock",
                    "mode",
                    format!("{other:?} is not \"system\" or \"manual\""),
                ));
            }
        });
    }

    let mut operator_names = HashSet::new();
    for (i, op) in file.operators.into_iter().enumerate() {
        let entry = format!("operators[{i}] (name {:?})", op.name);
        required(&entry, "name", &op.name)?;
        if !operator_names.insert(op.name.clone()) {
            return Err(invalid(&entry, "name", "the operator is listed twice"));
        }
        let key = key_pair(&entry, Some(op.ak), Some(op.sk))?;
        claim_ak(&entry, &key)?;
        if let Some(key) = key {
            world.operators.push((op.name, key));
        }
    }

    let mut partner_kinds: HashMap<String, PartnerKind> = HashMap::new();
    for (i, p) in file.partners.iter().enumerate() {
        let entry = entry_name("partners", i, &p.id);
        required(&entry, "id", &p.id)?;
        let kind = PartnerKind::from_code(&p.kind).ok_or_else(|| {
            invalid(
                &entry,
                "kind",
                format!("{:?} is not distributor, reseller or solution_provider", p.kind),
            )
        })?;
        if partner_kinds.insert(p.id.clone(), kind).is_some() {
            return Err(invalid(&entry, "id", "the id is used twice"));
        }
    }
    let mut quota_ids = HashSet::new();
    for (i, p) in file.partners.into_iter().enumerate() {
        let entry = entry_name("partners", i, &p.id);
        required(&entry, "name", &p.name)?;
        let kind = partner_kinds.get(&p.id).copied().unwrap_or(PartnerKind::SolutionProvider);
        let parent = match (kind, p.parent) {
            (PartnerKind::Reseller, None) => {
                return Err(invalid(
                    &entry,
                    "parent",
                    "a reseller needs the id of its distributor",
                ));
            }
            (PartnerKind::Reseller, Some(parent)) => {
                match partner_kinds.get(&parent) {
                    Some(PartnerKind::Distributor) | None => {}
                    Some(_) => {
                        return Err(invalid(
                            &entry,
                            "parent",
                            format!("{parent:?} is not a distributor"),
                        ));
                    }
                }
                Some(PartnerId(parent))
            }
            (_, Some(_)) => {
                return Err(invalid(&entry, "parent", "only a reseller has a parent"));
            }
            (_, None) => None,
        };
        let key = key_pair(&entry, p.ak, p.sk)?;
        claim_ak(&entry, &key)?;
        let balance = amount(&entry, "balance", p.balance.as_deref())?;
        let credit = amount(&entry, "credit", p.credit.as_deref())?;
        if let Some(password) = &p.password {
            required(&entry, "password", password)?;
        }
        if !p.coupon_quotas.is_empty() {
            coupons::may_receive_platform_quota(kind)
                .map_err(|e| invalid(&entry, "coupon_quotas", e))?;
        }
        let mut quotas = Vec::new();
        for (j, q) in p.coupon_quotas.into_iter().enumerate() {
            let q_entry = format!("{entry}.coupon_quotas[{j}] (id {:?})", q.id);
            required(&q_entry, "id", &q.id)?;
            if !quota_ids.insert(q.id.clone()) {
                return Err(invalid(&q_entry, "id", "the id is used twice"));
            }
            let value = amount(&q_entry, "amount", Some(&q.amount))?;
            if !value.is_positive() {
                return Err(invalid(&q_entry, "amount", "must be greater than 0"));
            }
            let quota_type = match q.quota_type.as_deref() {
                None => QuotaType::Voucher,
                Some(code) => QuotaType::from_code(code).ok_or_else(|| {
                    invalid(&q_entry, "type", format!("{code:?} is not voucher, cash or discount"))
                })?,
            };
            let expires_at =
                q.expires.as_deref().map(|t| time(&q_entry, "expires", t)).transpose()?;
            let effective_at =
                q.effective.as_deref().map(|t| time(&q_entry, "effective", t)).transpose()?;
            if effective_at.zip(expires_at).is_some_and(|(from, to)| to <= from) {
                return Err(invalid(&q_entry, "expires", "must be after effective"));
            }
            let mut limits = Vec::new();
            for (k, limit) in q.limits.into_iter().enumerate() {
                let limit = QuotaLimit {
                    key: limit.key,
                    values: limit
                        .values
                        .into_iter()
                        .map(|v| LimitValue { value1: v.value1, value2: v.value2 })
                        .collect(),
                };
                coupons::check_limit(&limit)
                    .map_err(|e| invalid(&q_entry, &format!("limits[{k}]"), e))?;
                limits.push(limit);
            }
            quotas.push(PlatformQuota {
                id: Some(q.id),
                partner: PartnerId(p.id.clone()),
                quota_type,
                amount: value,
                effective_at,
                expires_at,
                limits,
            });
        }
        let xaccount_types = p.xaccount_types.unwrap_or_default();
        for t in &xaccount_types {
            required(&entry, "xaccount_types", t)?;
        }
        let partner_id = PartnerId(p.id.clone());
        let mut roles: Vec<Role> = Vec::new();
        for (j, r) in p.roles.into_iter().enumerate() {
            let r_entry = format!("{entry}.roles[{j}] (name {:?})", r.name);
            let role =
                Role { partner: partner_id.clone(), name: r.name, permissions: r.permissions };
            members::check_role(&role).map_err(|e| {
                let field = if matches!(e, members::MemberError::NameMalformed) {
                    "name"
                } else {
                    "permissions"
                };
                invalid(&r_entry, field, e)
            })?;
            if roles.iter().any(|other| other.name == role.name) {
                return Err(invalid(&r_entry, "name", "the name is used twice"));
            }
            roles.push(role);
        }
        let mut partner_members: Vec<(Member, Option<KeyPair>)> = Vec::new();
        for (j, m) in p.members.into_iter().enumerate() {
            let m_entry = format!("{entry}.members[{j}] (name {:?})", m.name);
            let member = Member { partner: partner_id.clone(), name: m.name, roles: m.roles };
            members::check_member(&member, &roles).map_err(|e| {
                let field =
                    if matches!(e, members::MemberError::NameMalformed) { "name" } else { "roles" };
                invalid(&m_entry, field, e)
            })?;
            if partner_members.iter().any(|(other, _)| other.name == member.name) {
                return Err(invalid(&m_entry, "name", "the name is used twice"));
            }
            if let Some(password) = &m.password {
                required(&m_entry, "password", password)?;
            }
            let key = key_pair(&m_entry, m.ak, m.sk)?;
            claim_ak(&m_entry, &key)?;
            partner_members.push((member, key));
        }
        world.partners.push(PartnerSpec {
            partner: Partner {
                id: PartnerId(p.id),
                name: p.name,
                kind,
                parent,
                email: p.email,
                mobile_phone: p.mobile_phone,
                associated_on: placeholder,
                xaccount_types,
                realname_attachments: p.realname_attachments.unwrap_or(true),
            },
            key,
            balance,
            credit,
            quotas,
            roles,
            members: partner_members,
        });
    }

    let mut customer_ids = HashSet::new();
    for (i, c) in file.customers.into_iter().enumerate() {
        let entry = entry_name("customers", i, &c.id);
        required(&entry, "id", &c.id)?;
        required(&entry, "name", &c.name)?;
        if partner_kinds.contains_key(&c.id) || !customer_ids.insert(c.id.clone()) {
            return Err(invalid(&entry, "id", "the id is used twice"));
        }
        let association = match (c.partner, c.association.as_deref()) {
            (None, None) => None,
            (None, Some(_)) => {
                return Err(invalid(
                    &entry,
                    "association",
                    "needs a partner to be associated with",
                ));
            }
            (Some(partner), kind) => {
                let kind = match kind {
                    None => AssociationType::Reseller,
                    Some(code) => AssociationType::from_code(code).ok_or_else(|| {
                        invalid(
                            &entry,
                            "association",
                            format!("{code:?} is not reseller or referral"),
                        )
                    })?,
                };
                Some(Association { partner: PartnerId(partner), kind, associated_on: placeholder })
            }
        };
        let country = c.country.unwrap_or_else(|| "CN".to_owned());
        if country.len() != 2 || !country.chars().all(|ch| ch.is_ascii_uppercase()) {
            return Err(invalid(
                &entry,
                "country",
                format!("{country:?} is not an ISO 3166 alpha-2 code"),
            ));
        }
        if let Some(password) = &c.password {
            required(&entry, "password", password)?;
        }
        let key = key_pair(&entry, c.ak, c.sk)?;
        claim_ak(&entry, &key)?;
        let balance = amount(&entry, "balance", c.balance.as_deref())?;
        let registered =
            c.registered.as_deref().map(|t| time(&entry, "registered", t)).transpose()?;
        let mut restrictions = Vec::new();
        for code in &c.restrictions {
            let restriction = Restriction::from_code(code).ok_or_else(|| {
                invalid(&entry, "restrictions", format!("{code:?} is not a restriction"))
            })?;
            restrictions.push(restriction);
        }
        world.customers.push(CustomerSpec {
            registered,
            restrictions,
            customer: Customer {
                id: CustomerId(c.id),
                account_name: c.name,
                association,
                email: c.email,
                mobile_phone: c.mobile_phone,
                country,
                label: None,
                real_name: None,
                xaccount_id: None,
                xaccount_type: None,
                verified_status: VerifiedStatus::Unverified,
                customer_type: CustomerType::Unset,
                frozen: 0,
                level: "V0".to_owned(),
                marketing_messages: true,
            },
            key,
            balance,
        });
    }

    let mut price_keys = HashSet::new();
    for (i, p) in file.catalog.map(|c| c.prices).unwrap_or_default().into_iter().enumerate() {
        let entry = format!("catalog.prices[{i}]");
        for (field, value) in [
            ("cloud_service_type", &p.cloud_service_type),
            ("resource_type", &p.resource_type),
            ("resource_spec", &p.resource_spec),
            ("region", &p.region),
        ] {
            required(&entry, field, value)?;
        }
        let key = (
            p.cloud_service_type.clone(),
            p.resource_type.clone(),
            p.resource_spec.clone(),
            p.region.clone(),
        );
        if !price_keys.insert(key) {
            return Err(invalid(
                &entry,
                "resource_spec",
                "the spec is priced twice in this region",
            ));
        }
        world.prices.push(Price {
            on_demand_hourly: price(&entry, "on_demand_hourly", p.on_demand_hourly.as_deref())?,
            monthly: price(&entry, "monthly", p.monthly.as_deref())?,
            yearly: price(&entry, "yearly", p.yearly.as_deref())?,
            cloud_service_type: p.cloud_service_type,
            resource_type: p.resource_type,
            resource_spec: p.resource_spec,
            region: p.region,
        });
    }

    let mut discount_ids = HashSet::new();
    for (i, d) in file.discounts.into_iter().enumerate() {
        let entry = format!("discounts[{i}]");
        required(&entry, "customer", &d.customer)?;
        let kind = DiscountKind::from_code(&d.kind).ok_or_else(|| {
            invalid(&entry, "kind", format!("{:?} is not business, partner or promotion", d.kind))
        })?;
        let rate: Decimal = d
            .rate
            .parse()
            .map_err(|_| invalid(&entry, "rate", format!("{:?} is not a decimal", d.rate)))?;
        let rate = catalog::check_discount_rate(rate).map_err(|e| invalid(&entry, "rate", e))?;
        // Without an id, a discount is known by what it applies to, so applying twice is a no-op.
        let id = d.id.unwrap_or_else(|| {
            format!(
                "{}:{}:{}",
                d.customer,
                kind.code(),
                d.cloud_service_type.as_deref().unwrap_or("*")
            )
        });
        if !discount_ids.insert(id.clone()) {
            return Err(invalid(&entry, "id", format!("the discount {id:?} is listed twice")));
        }
        world.discounts.push(Discount {
            id,
            customer: d.customer,
            kind,
            rate,
            cloud_service_type: d.cloud_service_type,
        });
    }
    Ok(world)
}

impl World {
    /// Every key pair the world declares, for printing to its user.
    pub fn credentials(&self) -> Vec<WorldCredential> {
        let operators = self.operators.iter().map(|(name, key)| WorldCredential {
            role: "operator",
            id: name.clone(),
            name: name.clone(),
            ak: key.ak.clone(),
            sk: key.sk.clone(),
        });
        let partners = self.partners.iter().filter_map(|p| {
            p.key.as_ref().map(|key| WorldCredential {
                role: p.partner.kind.code(),
                id: p.partner.id.0.clone(),
                name: p.partner.name.clone(),
                ak: key.ak.clone(),
                sk: key.sk.clone(),
            })
        });
        let members = self.partners.iter().flat_map(|p| {
            p.members.iter().filter_map(|(member, key)| {
                key.as_ref().map(|key| WorldCredential {
                    role: "partner member",
                    id: format!("{}/{}", p.partner.id.0, member.name),
                    name: member.name.clone(),
                    ak: key.ak.clone(),
                    sk: key.sk.clone(),
                })
            })
        });
        let customers = self.customers.iter().filter_map(|c| {
            c.key.as_ref().map(|key| WorldCredential {
                role: "customer",
                id: c.customer.id.0.clone(),
                name: c.customer.account_name.clone(),
                ak: key.ak.clone(),
                sk: key.sk.clone(),
            })
        });
        operators.chain(partners).chain(members).chain(customers).collect()
    }
}

/// What applying a world changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorldReport {
    pub partners_created: usize,
    pub customers_created: usize,
}

impl Engine {
    /// Applies a world in one transaction: all of it, or (on any problem) none of it.
    pub async fn apply_world(
        &self,
        caller: &Caller,
        world: &World,
    ) -> Result<WorldReport, EngineError> {
        self.calling_operator(caller)?;
        let res = async {
            let mut tx = self.store.write().await?;
            let report = self.apply_world_in(&mut *tx, world).await?;
            let now = self.now(&mut *tx).await?;
            self.audit(&mut *tx, caller, now, "ApplyWorld", "world".into()).await?;
            tx.commit().await?;
            // Its keys may have been looked up, and remembered as unknown, a moment ago.
            self.credentials.forget_all();
            Ok(report)
        }
        .await;
        if let Err(err) = &res {
            self.audit_refusal(caller, "ApplyWorld", "world".into(), err).await;
        }
        res
    }

    async fn apply_world_in(
        &self,
        tx: &mut dyn Tx,
        world: &World,
    ) -> Result<WorldReport, EngineError> {
        // An existing clock is kept: re-applying the world a server starts with must not
        // rewind a clock an operator has moved.
        if let (Some(setting), None) = (world.clock, tx.clock().await?) {
            tx.set_clock(setting).await?;
        }
        let now = self.now(tx).await?;
        let mut report = WorldReport::default();

        for (name, key) in &world.operators {
            tx.insert_operator(name).await?;
            let owner = (OwnerKind::Operator, name.as_str(), None);
            self.insert_world_key(tx, &format!("operator {name:?}"), key, owner, now).await?;
        }

        // Distributors first, so every reseller's parent exists when it is inserted.
        let mut partners: Vec<&PartnerSpec> = world.partners.iter().collect();
        partners.sort_by_key(|p| p.partner.kind == PartnerKind::Reseller);
        for spec in partners {
            let entry = format!("partner {:?}", spec.partner.id.0);
            if let Some(parent) = &spec.partner.parent {
                let parent_kind = tx.partner(parent).await?.map(|p| p.kind);
                if parent_kind != Some(PartnerKind::Distributor) {
                    return Err(invalid(
                        &entry,
                        "parent",
                        format!("no distributor has the id {:?}", parent.0),
                    ));
                }
            }
            let partner = Partner { associated_on: now, ..spec.partner.clone() };
            if tx.partner(&partner.id).await?.is_none() {
                tx.insert_partner(&partner).await?;
                let owner = Owner::Partner(partner.id.clone());
                self.open_account(tx, &owner, AccountKind::Cash, spec.balance, Money::ZERO, now)
                    .await?;
                if spec.credit.is_positive() {
                    self.open_account(
                        tx,
                        &owner,
                        AccountKind::Credit,
                        spec.credit,
                        spec.credit,
                        now,
                    )
                    .await?;
                }
                report.partners_created += 1;
            }
            // A quota is granted once: its id is its identity, as a partner's is.
            for quota in &spec.quotas {
                let exists = match &quota.id {
                    Some(id) => tx.coupon_quota(id).await?.is_some(),
                    None => false,
                };
                if !exists {
                    self.grant_platform_quota_in(tx, quota.clone(), now).await?;
                }
            }
            if let Some(key) = &spec.key {
                let owner = (OwnerKind::Partner, partner.id.0.as_str(), None);
                self.insert_world_key(tx, &entry, key, owner, now).await?;
            }
            for role in &spec.roles {
                tx.insert_role(role).await?;
            }
            for (member, key) in &spec.members {
                tx.insert_member(member).await?;
                if let Some(key) = key {
                    let entry = format!("{entry} member {:?}", member.name);
                    let owner =
                        (OwnerKind::Partner, partner.id.0.as_str(), Some(member.name.as_str()));
                    self.insert_world_key(tx, &entry, key, owner, now).await?;
                }
            }
        }

        for spec in &world.customers {
            let entry = format!("customer {:?}", spec.customer.id.0);
            let mut customer = spec.customer.clone();
            if let Some(association) = &mut customer.association {
                if tx.partner(&association.partner).await?.is_none() {
                    return Err(invalid(
                        &entry,
                        "partner",
                        format!("no partner has the id {:?}", association.partner.0),
                    ));
                }
                association.associated_on = now;
            }
            if tx.customer(&customer.id).await?.is_none() {
                tx.insert_customer(&customer).await?;
                let standing = Standing {
                    registered_at: spec.registered.unwrap_or(now),
                    restrictions: spec.restrictions.clone(),
                };
                tx.set_customer_standing(&customer.id, &standing).await?;
                let owner = Owner::Customer(customer.id.clone());
                self.open_account(tx, &owner, AccountKind::Cash, spec.balance, Money::ZERO, now)
                    .await?;
                report.customers_created += 1;
            }
            if let Some(key) = &spec.key {
                let owner = (OwnerKind::Customer, customer.id.0.as_str(), None);
                self.insert_world_key(tx, &entry, key, owner, now).await?;
            }
        }

        for price in &world.prices {
            tx.insert_price(price).await?;
        }
        for discount in &world.discounts {
            if tx.customer(&CustomerId(discount.customer.clone())).await?.is_none() {
                let entry = format!("discount {:?}", discount.id);
                return Err(invalid(
                    &entry,
                    "customer",
                    format!("no customer has the id {:?}", discount.customer),
                ));
            }
            tx.insert_discount(discount).await?;
        }
        Ok(report)
    }

    /// A key already stored for the same owner is left alone; one stored for anyone else is a
    /// conflict the file must not paper over.
    async fn insert_world_key(
        &self,
        tx: &mut dyn Tx,
        entry: &str,
        key: &KeyPair,
        (owner_kind, owner_id, member): (OwnerKind, &str, Option<&str>),
        now: Timestamp,
    ) -> Result<(), EngineError> {
        match tx.access_key(&key.ak).await? {
            Some(existing)
                if existing.owner_kind == owner_kind
                    && existing.owner_id == owner_id
                    && existing.member.as_deref() == member =>
            {
                Ok(())
            }
            Some(_) => Err(invalid(
                entry,
                "ak",
                format!("the access key {} belongs to someone else", key.ak),
            )),
            None => {
                tx.insert_access_key(&AccessKey {
                    ak: key.ak.clone(),
                    sk: self.stored_secret(&key.ak, &key.sk)?,
                    owner_kind,
                    owner_id: owner_id.to_owned(),
                    member: member.map(str::to_owned),
                    created_at: now,
                    revoked_at: None,
                })
                .await?;
                Ok(())
            }
        }
    }

    /// Opens an account and funds it from the platform's issuing account of the same kind.
    pub(crate) async fn open_account(
        &self,
        tx: &mut dyn Tx,
        owner: &Owner,
        kind: AccountKind,
        opening: Money,
        credit_limit: Money,
        now: Timestamp,
    ) -> Result<(), EngineError> {
        let account = FundAccount {
            id: AccountId(self.ids.next_id()),
            owner: owner.clone(),
            kind,
            balance: Money::ZERO,
            designated: Money::ZERO,
            credit_limit,
        };
        tx.insert_fund_account(&account).await?;
        let issuing = self.issuing_account(tx, kind).await?;
        if let Some(transfer) =
            funds::opening_transfer(&issuing, &account, opening, self.ids.next_id(), now)?
        {
            tx.post_transfer(&transfer).await?;
        }
        Ok(())
    }

    /// The platform's account that money of `kind` enters the channel from.
    pub(crate) async fn issuing_account(
        &self,
        tx: &mut dyn Tx,
        kind: AccountKind,
    ) -> Result<FundAccount, EngineError> {
        if let Some(account) = tx.fund_account(&Owner::Platform, kind).await? {
            return Ok(account);
        }
        let account = FundAccount {
            id: AccountId(format!("platform-{}", kind.code())),
            owner: Owner::Platform,
            kind,
            balance: Money::ZERO,
            designated: Money::ZERO,
            credit_limit: Money::ZERO,
        };
        tx.insert_fund_account(&account).await?;
        Ok(account)
    }
}

impl Engine {
    /// The demo world's access keys that are live in this database. They are public (printed
    /// by `--demo`, written in the source), so anyone may use them.
    pub async fn live_demo_keys(&self) -> Result<Vec<String>, EngineError> {
        let mut tx = self.store.read().await?;
        let mut live = Vec::new();
        for credential in demo()?.credentials() {
            let key = tx.access_key(&credential.ak).await?;
            if key.is_some_and(|k| k.revoked_at.is_none()) {
                live.push(credential.ak);
            }
        }
        Ok(live)
    }

    /// Gives the demo world's records some history: the movements a channel makes in its first
    /// days. Played once, when the demo world is first applied.
    pub async fn play_demo_history(&self) -> Result<(), EngineError> {
        let partner = |id: &str| Caller {
            principal: crate::Principal::Partner(PartnerId(id.to_owned())),
            member: None,
            source_ip: "demo".to_owned(),
            request_id: "demo".to_owned(),
        };
        let yuan = |text: &str| text.parse::<Decimal>().unwrap_or_default();
        let (acme, nova) = (partner("dist-acme"), partner("sp-nova"));
        self.update_indirect_partner_account(
            &acme,
            crate::funds::ResellerFundsMove {
                indirect_partner_id: "resel-bolt".into(),
                amount: yuan("1000.00"),
            },
            crate::funds::RetryKeys::none(),
        )
        .await?;
        self.reclaim_indirect_partner_account(
            &acme,
            crate::funds::ResellerFundsMove {
                indirect_partner_id: "resel-cove".into(),
                amount: yuan("200.00"),
            },
            crate::funds::RetryKeys::none(),
        )
        .await?;
        self.update_customer_account_amount(
            &acme,
            crate::funds::CustomerFundsMove {
                customer_id: "cust-lighthouse".into(),
                amount: yuan("500.00"),
                indirect_partner_id: None,
            },
            crate::funds::RetryKeys::none(),
        )
        .await?;
        self.update_customer_account_amount(
            &acme,
            crate::funds::CustomerFundsMove {
                customer_id: "cust-harbor".into(),
                amount: yuan("200.00"),
                indirect_partner_id: None,
            },
            crate::funds::RetryKeys::none(),
        )
        .await?;
        self.reclaim_to_partner_account(
            &acme,
            crate::funds::CustomerFundsMove {
                customer_id: "cust-harbor".into(),
                amount: yuan("50.00"),
                indirect_partner_id: None,
            },
            crate::funds::RetryKeys::none(),
        )
        .await?;
        let for_bolt = Some("resel-bolt".to_owned());
        self.update_customer_account_amount(
            &acme,
            crate::funds::CustomerFundsMove {
                customer_id: "cust-juniper".into(),
                amount: yuan("300.00"),
                indirect_partner_id: for_bolt,
            },
            crate::funds::RetryKeys::none(),
        )
        .await?;
        self.update_customer_account_amount(
            &nova,
            crate::funds::CustomerFundsMove {
                customer_id: "cust-saffron".into(),
                amount: yuan("400.00"),
                indirect_partner_id: None,
            },
            crate::funds::RetryKeys::none(),
        )
        .await?;
        self.reclaim_to_partner_account(
            &nova,
            crate::funds::CustomerFundsMove {
                customer_id: "cust-saffron".into(),
                amount: yuan("100.00"),
                indirect_partner_id: None,
            },
            crate::funds::RetryKeys::none(),
        )
        .await?;
        self.play_demo_coupons(&acme).await?;
        self.play_demo_channel(&acme).await
    }

    /// Coupons in the demo: acme grants both resellers voucher quota, issues a voucher to a
    /// customer of its own and, for bolt, one to bolt's customer; one is reclaimed.
    async fn play_demo_coupons(&self, acme: &Caller) -> Result<(), EngineError> {
        use crate::coupons::{CouponGrant, QuotaGrant};
        let grant = QuotaGrant {
            quota_id: "quota-acme-voucher".into(),
            reseller_ids: vec!["resel-bolt".into(), "resel-cove".into()],
            amount: Decimal::new(100_000, 2),
        };
        let granted = self.update_coupon_quotas(acme, grant).await?;
        let issue = |quota: &str, customer: &str, face: i64, indirect: Option<&str>| CouponGrant {
            quota_id: quota.to_owned(),
            customer_ids: vec![customer.to_owned()],
            face_value: Decimal::new(face, 2),
            valid_from: None,
            expires_at: None,
            cloud_service_types: Vec::new(),
            product_ids: Vec::new(),
            memo: Some("welcome voucher".into()),
            indirect_partner_id: indirect.map(str::to_owned),
        };
        self.create_partner_coupons(
            acme,
            issue("quota-acme-voucher", "cust-lighthouse", 10_000, None),
        )
        .await?;
        let harbor = self
            .create_partner_coupons(acme, issue("quota-acme-voucher", "cust-harbor", 5_000, None))
            .await?;
        if let Some((_, coupon)) = harbor.done.first() {
            self.reclaim_partner_coupons(acme, coupon, None).await?;
        }
        let bolt_quota = granted.done.iter().find(|(reseller, _)| reseller == "resel-bolt");
        if let Some((_, quota)) = bolt_quota {
            let juniper = issue(quota, "cust-juniper", 8_000, Some("resel-bolt"));
            self.create_partner_coupons(acme, juniper).await?;
        }
        Ok(())
    }

    /// The channel's workflows in the demo: a real-name review waiting for the operator, one
    /// approved (so that a new-customer tag shows), a switch waiting for its customer, a reported
    /// prospect with its invitation, and an offline invitation.
    async fn play_demo_channel(&self, acme: &Caller) -> Result<(), EngineError> {
        use partner_domain::realname::{IndividualRequest, ReviewFilter, ReviewStatus};
        let passport = |customer: &str, name: &str| IndividualRequest {
            customer_id: customer.to_owned(),
            identify_type: 0,
            verified_type: Some(3),
            verified_file_url: ["id/data-page.jpg", "id/entry-stamp.jpg", "id/hand-held.jpg"]
                .map(str::to_owned)
                .to_vec(),
            name: name.to_owned(),
            verified_number: "E12345678".to_owned(),
            change_type: Some(-1),
            xaccount_type: "acme_idp".to_owned(),
            bank_card_info: None,
        };
        self.create_personal_realname_auth(acme, passport("cust-lighthouse", "Lin Hai")).await?;
        let ops =
            Caller { principal: crate::Principal::Operator("ops".to_owned()), ..acme.clone() };
        let filter = ReviewFilter {
            status: ReviewStatus::Pending,
            customer: Some(partner_domain::customers::CustomerId("cust-lighthouse".to_owned())),
        };
        for submission in self.list_realname_reviews(&ops, filter).await? {
            self.approve_realname_review(&ops, &submission.id).await?;
        }
        self.create_personal_realname_auth(acme, passport("cust-meadow", "Mei Dong")).await?;
        let switch = partner_domain::associations::ChangeKind::Switch;
        self.request_association_change(acme, Some("cust-quarry"), switch).await?;
        // A prospect reported and invited, and an offline invitation for a trade fair.
        let prospect = partner_domain::reports::ReportRequest {
            customer_name: "Maple Foods Co., Ltd.".to_owned(),
            mobile: None,
            email: Some("it@maple-foods.example".to_owned()),
            account_name: None,
        };
        let reseller = partner_domain::customers::AssociationType::Reseller;
        let report = self.create_customer_report(acme, prospect, reseller).await?;
        let online = crate::reports::InvitationRequest {
            report_id: Some(report.report.id),
            ..Default::default()
        };
        self.create_invitation(acme, online).await?;
        let fair = crate::reports::InvitationRequest {
            kind: Some(reseller),
            label: Some("spring-fair".to_owned()),
            ..Default::default()
        };
        self.create_invitation(acme, fair).await?;
        Ok(())
    }
}
