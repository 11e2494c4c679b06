-- The ledger's entries: one per side of every transfer, with the balance right after it, so
-- that every account's income and expense can be listed and every balance re-added.
ALTER TABLE transfers ADD COLUMN partner_id TEXT;
ALTER TABLE transfers ADD COLUMN counterparty_id TEXT;
CREATE INDEX transfers_by_partner ON transfers (partner_id, at, id);
-- Accounts' movements are read from their ledger entries now: these would only slow writes.
DROP INDEX transfers_by_debit;
DROP INDEX transfers_by_credit;

CREATE TABLE ledger_entries (
    entry_no BIGSERIAL PRIMARY KEY,
    transfer_id TEXT NOT NULL REFERENCES transfers (id),
    account_id TEXT NOT NULL REFERENCES fund_accounts (id),
    amount_micros BIGINT NOT NULL,
    balance_after_micros BIGINT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX ledger_entries_by_account ON ledger_entries (account_id, at, entry_no);
CREATE INDEX ledger_entries_by_transfer ON ledger_entries (transfer_id, entry_no);

-- Transfers posted before entries existed get theirs, in the order they were made.
INSERT INTO ledger_entries (transfer_id, account_id, amount_micros, balance_after_micros, at)
SELECT id, account_id, delta,
       SUM(delta) OVER (PARTITION BY account_id ORDER BY at, id ROWS UNBOUNDED PRECEDING), at
FROM (
    SELECT id, debit_account_id AS account_id, -amount_micros AS delta, at FROM transfers
    UNION ALL
    SELECT id, credit_account_id AS account_id, amount_micros AS delta, at FROM transfers
) AS moves
ORDER BY at, id;

-- Results of operations sent with an idempotency key: a retry gets the first answer.
CREATE TABLE idempotent_requests (
    caller TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    operation TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    result TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (caller, idempotency_key)
);
