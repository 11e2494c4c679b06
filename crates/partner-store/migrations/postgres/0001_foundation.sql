-- Foundation schema. Money is BIGINT micro-yuan, time BIGINT UTC milliseconds: never NUMERIC,
-- which SQLite would turn into floating point.
CREATE TABLE partners (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id TEXT REFERENCES partners (id),
    email TEXT,
    mobile_phone TEXT,
    associated_on BIGINT NOT NULL,
    xaccount_types TEXT NOT NULL
);
CREATE INDEX partners_by_parent ON partners (parent_id, associated_on, id);

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    account_name TEXT NOT NULL,
    partner_id TEXT REFERENCES partners (id),
    association TEXT,
    associated_on BIGINT,
    email TEXT,
    mobile_phone TEXT,
    country TEXT NOT NULL,
    label TEXT,
    real_name TEXT,
    xaccount_id TEXT,
    xaccount_type TEXT,
    verified_status BIGINT NOT NULL,
    customer_type BIGINT NOT NULL,
    frozen BIGINT NOT NULL,
    level TEXT NOT NULL
);
CREATE INDEX customers_by_partner ON customers (partner_id, associated_on, id);

CREATE TABLE fund_accounts (
    id TEXT PRIMARY KEY,
    owner_kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    kind BIGINT NOT NULL,
    balance_micros BIGINT NOT NULL,
    designated_micros BIGINT NOT NULL,
    credit_limit_micros BIGINT NOT NULL,
    UNIQUE (owner_kind, owner_id, kind)
);

CREATE TABLE transfers (
    id TEXT PRIMARY KEY,
    debit_account_id TEXT NOT NULL REFERENCES fund_accounts (id),
    credit_account_id TEXT NOT NULL REFERENCES fund_accounts (id),
    amount_micros BIGINT NOT NULL CHECK (amount_micros > 0),
    kind TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX transfers_by_debit ON transfers (debit_account_id, at);
CREATE INDEX transfers_by_credit ON transfers (credit_account_id, at);

CREATE TABLE coupon_quotas (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    quota_type TEXT NOT NULL,
    value_micros BIGINT NOT NULL,
    balance_micros BIGINT NOT NULL,
    parent_quota_id TEXT REFERENCES coupon_quotas (id),
    effective_at BIGINT NOT NULL,
    expires_at BIGINT
);
CREATE INDEX coupon_quotas_by_partner ON coupon_quotas (partner_id, id);

CREATE TABLE catalog_prices (
    cloud_service_type TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_spec TEXT NOT NULL,
    region TEXT NOT NULL,
    -- Prices keep up to 10 decimals as canonical decimal text; they are never summed in SQL.
    on_demand_hourly TEXT,
    monthly TEXT,
    yearly TEXT,
    PRIMARY KEY (cloud_service_type, resource_type, resource_spec, region)
);

CREATE TABLE discounts (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    kind TEXT NOT NULL,
    rate TEXT NOT NULL,
    cloud_service_type TEXT
);

CREATE TABLE operators (
    name TEXT PRIMARY KEY
);

CREATE TABLE access_keys (
    ak TEXT PRIMARY KEY,
    sk TEXT NOT NULL,
    owner_kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX access_keys_by_owner ON access_keys (owner_kind, owner_id);

CREATE TABLE business_clock (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    mode TEXT NOT NULL,
    now_ms BIGINT
);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    source_ip TEXT NOT NULL,
    request_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    target TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE INDEX audit_events_by_time ON audit_events (at, id);
