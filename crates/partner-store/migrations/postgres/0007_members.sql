-- A partner's organization: its roles (named sets of permission items) and its members
-- (operator accounts) holding up to three roles. A member's access key is a partner key with
-- the member's name beside it.
CREATE TABLE partner_roles (
    partner_id TEXT NOT NULL REFERENCES partners (id),
    name TEXT NOT NULL,
    -- Permission items, one per line: read and written whole, never searched.
    permissions TEXT NOT NULL,
    PRIMARY KEY (partner_id, name)
);

CREATE TABLE partner_members (
    partner_id TEXT NOT NULL REFERENCES partners (id),
    name TEXT NOT NULL,
    -- Role names, one per line.
    roles TEXT NOT NULL,
    PRIMARY KEY (partner_id, name)
);

ALTER TABLE access_keys ADD COLUMN member TEXT;
