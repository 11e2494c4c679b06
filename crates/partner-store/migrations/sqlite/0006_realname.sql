-- Real-name authentication (实名认证).
--
-- Whether a partner's access configuration has real-name attachment upload turned on: the
-- partner may submit authentications only then. Partners written before stay able to.
ALTER TABLE partners ADD COLUMN realname_attachments BIGINT NOT NULL DEFAULT 1;

-- Every submission and its review. `seq` orders them as they were submitted, which the business
-- time cannot when a manual clock stands still (the one column whose type differs between the
-- backends). `files` holds the attachment paths one per line (a path has no control
-- characters); a bank card keeps only its account's last four characters.
CREATE TABLE realname_submissions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    partner_id TEXT NOT NULL REFERENCES partners (id),
    purpose TEXT NOT NULL,
    method TEXT NOT NULL,
    certificate_type BIGINT,
    name TEXT NOT NULL,
    verified_number TEXT NOT NULL,
    files TEXT NOT NULL,
    xaccount_type TEXT NOT NULL,
    reg_country TEXT,
    reg_address TEXT,
    legal_name TEXT,
    legal_id_number TEXT,
    certifier_role TEXT,
    bank_account_tail TEXT,
    status BIGINT NOT NULL,
    opinion TEXT,
    submitted_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by TEXT
);
CREATE INDEX realname_submissions_by_customer ON realname_submissions (customer_id, purpose, seq);
CREATE INDEX realname_submissions_by_status ON realname_submissions (status, seq);
-- A customer has one submission under review at most, whatever the engine does.
CREATE UNIQUE INDEX realname_submissions_one_pending ON realname_submissions (customer_id)
    WHERE status = 0;
