-- Customer reports (报备客户) and invitations, and the facts the association rules read.
--
-- `registered_at` is when the customer's account was registered: the 7-day rule counts from it.
-- Rows written before have only their association time, the best guess there is. `restrictions`
-- lists what else bars an association (world-file codes, one per line), facts the platform has
-- and this project does not model yet.
ALTER TABLE customers ADD COLUMN registered_at BIGINT;
UPDATE customers SET registered_at = associated_on;
ALTER TABLE customers ADD COLUMN restrictions TEXT NOT NULL DEFAULT '';

-- Every report. `seq` orders them as they were made, which the business time cannot when a
-- manual clock stands still (the one column whose type differs between the backends). A
-- prospect is compared by its mobile number's key, its e-mail and account name (folded) and the
-- customer it matched; expiry is computed from `reported_at` when read, so no job runs.
CREATE TABLE reports (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    customer_name TEXT NOT NULL,
    mobile TEXT,
    mobile_key TEXT,
    email TEXT,
    email_folded TEXT,
    account_name TEXT,
    account_name_folded TEXT,
    customer_id TEXT REFERENCES customers (id),
    association TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    reported_at BIGINT,
    reason TEXT,
    reviewed_by TEXT
);
CREATE INDEX reports_by_partner ON reports (partner_id, seq);
CREATE INDEX reports_by_status ON reports (status, seq);
CREATE INDEX reports_by_mobile ON reports (mobile_key);
CREATE INDEX reports_by_email ON reports (email_folded);
CREATE INDEX reports_by_account_name ON reports (account_name_folded);
CREATE INDEX reports_by_customer ON reports (customer_id);

-- Invitation codes: online ones name their report and are used once; offline ones are not.
CREATE TABLE invitations (
    code TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    association TEXT NOT NULL,
    report_id TEXT REFERENCES reports (id),
    label TEXT,
    created_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX invitations_by_partner ON invitations (partner_id, created_at);
