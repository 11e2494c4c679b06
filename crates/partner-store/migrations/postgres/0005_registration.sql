-- Registering customers through the API (CreateSubCustomer) and the SMS verification codes it
-- checks.
--
-- Mobile numbers are compared by a key (`0086-13800000000`) whichever way they were written;
-- rows written before this migration get theirs when the store opens (as folded names did).
ALTER TABLE partners ADD COLUMN mobile_key TEXT;
ALTER TABLE customers ADD COLUMN mobile_key TEXT;
ALTER TABLE customers ADD COLUMN marketing_messages BIGINT NOT NULL DEFAULT 1;
CREATE INDEX partners_by_mobile ON partners (mobile_key);
CREATE INDEX customers_by_mobile ON customers (mobile_key);
CREATE INDEX customers_by_email ON customers (email);
CREATE INDEX customers_by_folded_name ON customers (account_name_folded);
CREATE INDEX customers_unkeyed ON customers (id) WHERE mobile_key IS NULL AND mobile_phone IS NOT NULL;
CREATE INDEX partners_unkeyed ON partners (id) WHERE mobile_key IS NULL AND mobile_phone IS NOT NULL;

-- One customer per platform user. World-file customers have no xaccount (NULLs are distinct).
CREATE UNIQUE INDEX customers_by_xaccount ON customers (xaccount_type, xaccount_id);
-- Concurrent registrations of one login name: only one commits. Customers from world files
-- (which may repeat a name, as they always could) have no xaccount and stay out of it; the
-- engine checks a registration against them, and against partners, before inserting.
CREATE UNIQUE INDEX customers_registered_name ON customers (account_name_folded)
    WHERE xaccount_id IS NOT NULL;

-- The outbox of SMS verification codes: nothing is sent, the platform operator's API lists them.
-- `seq` orders them as they were sent, which the business time cannot when a manual clock
-- stands still (the one column whose type differs between the backends).
CREATE TABLE verification_codes (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    mobile TEXT NOT NULL,
    scene BIGINT NOT NULL,
    customer_id TEXT,
    language TEXT NOT NULL,
    code TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    used_at BIGINT
);
CREATE INDEX verification_codes_by_mobile ON verification_codes (mobile, sent_at);
CREATE INDEX verification_codes_by_sender ON verification_codes (partner_id, mobile, scene, seq);
