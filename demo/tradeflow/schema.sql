-- Tradeflow: a ten-year-old B2B wholesale ordering product, in the MySQL 5.x style of its time.
-- The quirks are deliberate; they are what Portico exists to hide from partners:
-- latin1 text, CHAR(1) status flags, local DATETIMEs (in Europe/Berlin, or in the account's own
-- zone for orders), zero dates meaning "not yet", money in cents, TINYINT codes, ENUM('Y','N'),
-- BIT(1) booleans, JSON kept in TEXT (sometimes invalid), a composite key, and a tenant reached
-- only through a join (invoices -> orders -> accounts).
SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';

CREATE TABLE accounts (
  acct_id      INT UNSIGNED NOT NULL AUTO_INCREMENT,
  acct_name    VARCHAR(120) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL,
  plan_cd      CHAR(8) NOT NULL DEFAULT 'BASIC',
  status_flag  CHAR(1) NOT NULL DEFAULT 'A' COMMENT 'A active, S suspended, C cancelled',
  tz_name      VARCHAR(64) NOT NULL DEFAULT 'Europe/Berlin' COMMENT 'zone of orders.placed',
  created      DATETIME NOT NULL COMMENT 'Europe/Berlin local time',
  PRIMARY KEY (acct_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE partner_links (
  partner_code VARCHAR(32) NOT NULL,
  acct_id      INT UNSIGNED NOT NULL,
  since        DATE NOT NULL,
  PRIMARY KEY (partner_code, acct_id),
  KEY idx_partner_links_acct (acct_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE customers (
  cust_id       INT UNSIGNED NOT NULL AUTO_INCREMENT,
  acct_id       INT UNSIGNED NOT NULL,
  company       VARCHAR(150) NOT NULL,
  contact_email VARCHAR(190) NULL,
  phone         VARCHAR(40) NULL,
  country       CHAR(2) NOT NULL,
  vat_no        VARCHAR(32) NULL,
  is_deleted    TINYINT(1) NOT NULL DEFAULT 0,
  created       DATETIME NOT NULL COMMENT 'Europe/Berlin local time',
  modified      TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (cust_id),
  KEY idx_customers_acct_modified (acct_id, modified, cust_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE products (
  prod_id      INT UNSIGNED NOT NULL AUTO_INCREMENT,
  acct_id      INT UNSIGNED NOT NULL,
  sku          VARCHAR(40) NOT NULL,
  title        VARCHAR(200) NOT NULL,
  descr        TEXT NULL,
  price_cents  INT NOT NULL,
  currency     CHAR(3) NOT NULL DEFAULT 'EUR',
  active       ENUM('Y','N') NOT NULL DEFAULT 'Y',
  attrs        TEXT NULL COMMENT 'JSON, not always valid',
  weight_g     INT UNSIGNED NULL,
  updated      TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (prod_id),
  UNIQUE KEY uq_products_acct_sku (acct_id, sku),
  KEY idx_products_acct_updated (acct_id, updated, prod_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE orders (
  order_no     INT UNSIGNED NOT NULL AUTO_INCREMENT,
  acct_id      INT UNSIGNED NOT NULL,
  cust_id      INT UNSIGNED NOT NULL,
  status_cd    TINYINT NOT NULL DEFAULT 0 COMMENT '0 draft 1 placed 2 paid 3 shipped 4 cancelled 9 refunded',
  placed       DATETIME NOT NULL COMMENT 'local time in accounts.tz_name',
  shipped      DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00' COMMENT 'zero = not shipped',
  total_cents  BIGINT NOT NULL,
  currency     CHAR(3) NOT NULL DEFAULT 'EUR',
  ship_country CHAR(2) NULL,
  notes        VARCHAR(500) NULL,
  updated      TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (order_no),
  KEY idx_orders_acct_updated (acct_id, updated, order_no),
  KEY idx_orders_acct_status_updated (acct_id, status_cd, updated, order_no),
  KEY idx_orders_cust (cust_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE order_lines (
  order_no         INT UNSIGNED NOT NULL,
  line_no          SMALLINT UNSIGNED NOT NULL,
  prod_id          INT UNSIGNED NOT NULL,
  qty              DECIMAL(10,3) NOT NULL,
  unit_price_cents INT NOT NULL,
  discount_pct     DECIMAL(5,2) NULL,
  PRIMARY KEY (order_no, line_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE invoices (
  inv_id       INT UNSIGNED NOT NULL AUTO_INCREMENT,
  invoice_no   VARCHAR(20) NOT NULL COMMENT 'INV-<year>-<6 digits>',
  order_no     INT UNSIGNED NOT NULL,
  issued       DATE NOT NULL,
  due          DATE NOT NULL,
  amount_cents BIGINT NOT NULL,
  paid         BIT(1) NOT NULL DEFAULT b'0',
  paid_at      DATETIME NULL,
  PRIMARY KEY (inv_id),
  UNIQUE KEY uq_invoices_no (invoice_no),
  KEY idx_invoices_order (order_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Internal: no partner may ever reach these.
CREATE TABLE users (
  user_id    INT UNSIGNED NOT NULL AUTO_INCREMENT,
  acct_id    INT UNSIGNED NOT NULL,
  login      VARCHAR(64) NOT NULL,
  email      VARCHAR(190) NOT NULL,
  pw_hash    CHAR(60) NOT NULL,
  api_token  CHAR(40) NULL COMMENT 'legacy integration token, plain text',
  last_login DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (user_id),
  UNIQUE KEY uq_users_login (login)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE audit_log (
  log_id  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  acct_id INT UNSIGNED NOT NULL,
  user_id INT UNSIGNED NULL,
  action  VARCHAR(40) NOT NULL,
  detail  TEXT NULL,
  at      DATETIME NOT NULL,
  PRIMARY KEY (log_id),
  KEY idx_audit_acct_at (acct_id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
