-- Remembered answers expire: the committer forgets those older than a day, by this index.
CREATE INDEX idempotent_requests_at ON idempotent_requests (at);
