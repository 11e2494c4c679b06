-- The list filters match names ignoring case as the domain folds it (Unicode lower case, which
-- SQLite's lower() does only for ASCII): the store writes each name's folded copy beside it.
-- Rows written before this migration are folded by the store when it opens; the partial
-- indexes find them at once, and stay empty after.
ALTER TABLE partners ADD COLUMN name_folded TEXT;
ALTER TABLE customers ADD COLUMN account_name_folded TEXT;
ALTER TABLE customers ADD COLUMN real_name_folded TEXT;
CREATE INDEX partners_unfolded ON partners (id) WHERE name_folded IS NULL;
CREATE INDEX customers_unfolded ON customers (id) WHERE account_name_folded IS NULL;
