-- Coupon quotas on the ledger, partner coupons, and the records of both.
--
-- A quota's balance and a coupon's balance are ledger accounts (`fund_accounts`, owner kinds
-- `quota` and `coupon`, account kinds 10 and 11), so they move only by transfers and the sum
-- over all accounts stays zero: the platform's quota-issuing account (`platform-10`) holds the
-- negative of every quota value it granted. `seq` orders rows as they were made, which the
-- business time cannot when a manual clock stands still (the one column whose type differs
-- between the backends). Statuses that time changes (expired, used up) are computed when read.

ALTER TABLE coupon_quotas RENAME TO coupon_quotas_0009;
-- Index names are the schema's: the old primary key's would take the new one's.
ALTER INDEX coupon_quotas_pkey RENAME TO coupon_quotas_0009_pkey;

CREATE TABLE coupon_quotas (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    quota_type TEXT NOT NULL,
    value_micros BIGINT NOT NULL,
    account_id TEXT NOT NULL REFERENCES fund_accounts (id),
    parent_quota_id TEXT REFERENCES coupon_quotas (id),
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    effective_at BIGINT NOT NULL,
    expires_at BIGINT
);

-- Quotas granted before this migration move onto the ledger: the platform's issuing account
-- pays each its balance, in the order of their ids.
INSERT INTO fund_accounts (id, owner_kind, owner_id, kind, balance_micros, designated_micros,
                           credit_limit_micros)
SELECT 'platform-10', 'platform', 'platform', 10, 0, 0, 0
WHERE EXISTS (SELECT 1 FROM coupon_quotas_0009);
INSERT INTO fund_accounts (id, owner_kind, owner_id, kind, balance_micros, designated_micros,
                           credit_limit_micros)
SELECT 'quota-' || id, 'quota', id, 10, balance_micros, 0, 0 FROM coupon_quotas_0009;
INSERT INTO transfers (id, debit_account_id, credit_account_id, amount_micros, kind, at)
SELECT 'quota-grant-' || id, 'platform-10', 'quota-' || id, balance_micros, 'quota_grant',
       effective_at
FROM coupon_quotas_0009 WHERE balance_micros > 0;
INSERT INTO ledger_entries (transfer_id, account_id, amount_micros, balance_after_micros, at)
SELECT t.id, t.account_id, t.delta,
       SUM(t.delta) OVER (PARTITION BY t.account_id ORDER BY t.at, t.id
                          ROWS UNBOUNDED PRECEDING), t.at
FROM (
    SELECT id, debit_account_id AS account_id, -amount_micros AS delta, at
    FROM transfers WHERE kind = 'quota_grant'
    UNION ALL
    SELECT id, credit_account_id AS account_id, amount_micros AS delta, at
    FROM transfers WHERE kind = 'quota_grant'
) AS t
ORDER BY t.at, t.id;
UPDATE fund_accounts SET balance_micros = -(SELECT COALESCE(SUM(balance_micros), 0)
                                            FROM coupon_quotas_0009)
WHERE id = 'platform-10';

INSERT INTO coupon_quotas (id, partner_id, quota_type, value_micros, account_id, parent_quota_id,
                           state, created_at, updated_at, effective_at, expires_at)
SELECT id, partner_id, quota_type, value_micros, 'quota-' || id, NULL, 'normal', effective_at,
       effective_at, effective_at, expires_at
FROM coupon_quotas_0009 ORDER BY id;
DROP TABLE coupon_quotas_0009;
CREATE INDEX coupon_quotas_by_partner ON coupon_quotas (partner_id, seq);
CREATE INDEX coupon_quotas_by_parent ON coupon_quotas (parent_quota_id, seq);

-- A quota's limits (`limit_infos`), one row per value, in the order they were given.
CREATE TABLE quota_limits (
    quota_id TEXT NOT NULL REFERENCES coupon_quotas (id),
    position BIGINT NOT NULL,
    limit_key TEXT NOT NULL,
    value1 TEXT NOT NULL,
    value2 TEXT,
    PRIMARY KEY (quota_id, position)
);

-- Grants and reclaims of resellers' quotas, failed batch items included.
CREATE TABLE quota_records (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    distributor_id TEXT NOT NULL REFERENCES partners (id),
    operator TEXT NOT NULL,
    operation_type TEXT NOT NULL,
    quota_id TEXT,
    parent_quota_id TEXT,
    reseller_id TEXT NOT NULL,
    amount_micros BIGINT NOT NULL,
    at BIGINT NOT NULL,
    succeeded BIGINT NOT NULL,
    remark TEXT
);
CREATE INDEX quota_records_by_distributor ON quota_records (distributor_id, seq);

-- Coupons partners issued. `reclaimed_at` is the one state a person sets; the rest is read
-- from the balance and the clock. `use_count`, `last_used_at` and `lock_order_id` are for
-- orders, which change them with the ledger.
CREATE TABLE coupons (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    issuer_id TEXT NOT NULL REFERENCES partners (id),
    quota_id TEXT NOT NULL REFERENCES coupon_quotas (id),
    quota_type TEXT NOT NULL,
    face_value_micros BIGINT NOT NULL,
    account_id TEXT NOT NULL REFERENCES fund_accounts (id),
    created_at BIGINT NOT NULL,
    effective_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    reclaimed_at BIGINT,
    use_count BIGINT NOT NULL DEFAULT 0,
    last_used_at BIGINT,
    lock_order_id TEXT,
    frozen BIGINT NOT NULL DEFAULT 0,
    memo TEXT
);
CREATE INDEX coupons_by_issuer ON coupons (issuer_id, seq);
CREATE INDEX coupons_by_customer ON coupons (customer_id, seq);

-- A coupon's use limits (`use_limits`), in the order they were given.
CREATE TABLE coupon_use_limits (
    coupon_id TEXT NOT NULL REFERENCES coupons (id),
    position BIGINT NOT NULL,
    id TEXT NOT NULL,
    limit_key TEXT NOT NULL,
    value1 TEXT NOT NULL,
    value2 TEXT,
    value_unit TEXT,
    limit_type TEXT,
    PRIMARY KEY (coupon_id, position)
);

-- Issues and reclaims of partner coupons, failed batch items included.
CREATE TABLE coupon_records (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    operation_type TEXT NOT NULL,
    quota_id TEXT NOT NULL,
    quota_type TEXT NOT NULL,
    coupon_id TEXT,
    customer_id TEXT NOT NULL,
    amount_micros BIGINT NOT NULL,
    at BIGINT NOT NULL,
    succeeded BIGINT NOT NULL,
    remark TEXT
);
CREATE INDEX coupon_records_by_partner ON coupon_records (partner_id, seq);
