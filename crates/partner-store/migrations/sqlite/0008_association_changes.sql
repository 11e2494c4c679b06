-- Requests to switch a customer's association type or unbind it, answered by the other side:
-- the association operation log (关联关系操作记录). `seq` orders them as they were made, which
-- the business time cannot when a manual clock stands still.
CREATE TABLE association_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    partner_id TEXT NOT NULL REFERENCES partners (id),
    kind TEXT NOT NULL,
    from_type TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    state TEXT NOT NULL,
    decided_at BIGINT
);
CREATE INDEX association_changes_by_customer ON association_changes (customer_id, partner_id, seq);
CREATE INDEX association_changes_by_partner ON association_changes (partner_id, seq);
-- One request waits at a time for a customer: of two made together, one is refused.
CREATE UNIQUE INDEX association_changes_one_pending ON association_changes (customer_id)
    WHERE state = 'pending';
