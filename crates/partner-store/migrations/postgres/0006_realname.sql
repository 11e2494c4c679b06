-- Real-name authentication (实名认证).
--
-- Whether a partner's access configuration has real-name attachment upload turned on: the
-- partner may submit authentications only then. Partners written before stay able to.
ALTER TABLE partners ADD COLUMN realname_attachments BIGINT NOT NULL DEFAULT 1;
