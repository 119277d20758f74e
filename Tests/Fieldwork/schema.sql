-- Fieldwork's product database, as the legacy product has it: terse names, one-letter state
-- codes, a reference column whose collation ignores case. Companies are the tenants.
CREATE TABLE fw_company (
  company_no INT PRIMARY KEY,
  company_name VARCHAR(80) NOT NULL
);
CREATE TABLE fw_site (
  site_no INT PRIMARY KEY,
  company_no INT NOT NULL,
  site_name VARCHAR(80) NOT NULL,
  site_ref VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL,
  postcode VARCHAR(10) NULL,
  created_dt DATETIME NOT NULL,
  KEY (company_no, site_ref),
  KEY (company_no, created_dt)
);
CREATE TABLE fw_job (
  job_no INT PRIMARY KEY,
  company_no INT NOT NULL,
  site_no INT NOT NULL,
  job_state CHAR(1) NOT NULL,
  summary VARCHAR(200) NOT NULL,
  opened_dt DATETIME NOT NULL,
  KEY (company_no, opened_dt, job_no),
  KEY (site_no, opened_dt, job_no)
);
INSERT INTO fw_company VALUES (1, 'Acme Facilities'), (2, 'Other Ltd');
-- Sites 1 and 2 have references that differ only in case; site 3 is another company's.
INSERT INTO fw_site VALUES
  (1, 1, 'North depot', 'AB-1', 'N1 1AA', '2024-03-01 08:00:00'),
  (2, 1, 'South yard', 'ab-1', NULL, '2024-03-02 09:30:00'),
  (3, 2, 'Their site', 'AB-1', 'X1 1XX', '2024-03-01 08:00:00'),
  (4, 1, 'East office', 'EO-7', 'E2 2BB', '2024-03-05 12:00:00');
-- Jobs 11, 12 and 15 were opened at the same second (ties on the keyset's first column);
-- job 13 is another company's; job 14 has a state code the product never documented.
INSERT INTO fw_job VALUES
  (10, 1, 1, 'O', 'Boiler check', '2024-04-01 09:00:00'),
  (11, 1, 1, 'D', 'Replace filter', '2024-04-02 09:00:00'),
  (12, 1, 2, 'C', 'Fence repair', '2024-04-02 09:00:00'),
  (13, 2, 3, 'O', 'Theirs', '2024-04-03 09:00:00'),
  (14, 1, 4, 'X', 'Alarm test', '2024-04-04 09:00:00'),
  (15, 1, 1, 'O', 'Gutter clean', '2024-04-02 09:00:00');
-- Depots and their technicians, kept the way the product's older module keeps them: CHAR
-- padding, upper-case currency codes, a status code the product reuses (1 and 4 both mean
-- active), whole capacities in a DECIMAL, money in minor units, key=value text, local dates.
CREATE TABLE fw_depot (
  depot_no INT PRIMARY KEY,
  company_no INT NOT NULL,
  site_no INT NOT NULL,
  depot_name CHAR(40) NOT NULL,
  currency_cd CHAR(3) NOT NULL,
  status_cd TINYINT NOT NULL,
  capacity DECIMAL(8,2) NULL,
  rate DECIMAL(8,4) NOT NULL,
  budget_cents BIGINT NOT NULL,
  spent_cents BIGINT NOT NULL,
  lat DECIMAL(9,6) NULL,
  lng DECIMAL(9,6) NULL,
  opened_on DATE NOT NULL,
  created_dt DATETIME(3) NOT NULL,
  notes VARCHAR(200) NOT NULL,
  attrs TEXT NOT NULL,
  manager_no INT NULL,
  KEY (company_no, depot_no)
);
CREATE TABLE fw_tech (
  tech_no INT PRIMARY KEY,
  company_no INT NOT NULL,
  depot_no INT NOT NULL,
  tech_name VARCHAR(80) NOT NULL,
  KEY (company_no, tech_no),
  KEY (depot_no, tech_no)
);
-- Depot 17 is complete; 18 has no location, a blank note, a fractional capacity, the reused
-- status code and a site of another company; 19 is another company's; 20 has an undocumented
-- status and no manager.
INSERT INTO fw_depot VALUES
  (17, 1, 1, '  North depot', 'EUR', 1, 120.00, 0.0825, 1500000, 1249950, 51.507400, -0.127800, '2024-07-01', '2024-07-01 12:00:05.123', 'Gate code 4411', 'dock=2;forklift=yes;;broken', 1295),
  (18, 1, 3, 'South yard', 'GBP', 4, 80.50, 1.5, 250000, 0, NULL, NULL, '2024-01-15', '2024-01-15 08:30:00.000', '   ', '', 46656),
  (19, 2, 3, 'Their depot', 'EUR', 1, 10.00, 1, 100, 0, NULL, NULL, '2024-01-01', '2024-01-01 00:00:00.000', '', '', NULL),
  (20, 1, 4, 'East store', 'usd', 9, NULL, 2.125, 0, 1000, 52.0, 0.1, '2024-03-31', '2024-03-31 01:30:00.500', 'Closed for works', 'hours=9-5', NULL);
INSERT INTO fw_tech VALUES
  (1295, 1, 17, 'Ada Byrne'),
  (46656, 1, 18, 'Cal Moss'),
  (36, 1, 17, 'Bea Quinn'),
  (7, 2, 19, 'Not yours');
-- The lines of a work order are numbered within it (a composite key), and name parts by the
-- product's own part codes (a natural key).
CREATE TABLE fw_part (
  part_code VARCHAR(20) NOT NULL PRIMARY KEY,
  company_no INT NOT NULL,
  part_name VARCHAR(80) NOT NULL
);
CREATE TABLE fw_job_line (
  job_no INT NOT NULL,
  line_no INT NOT NULL,
  company_no INT NOT NULL,
  part_code VARCHAR(20) NOT NULL,
  qty INT NOT NULL,
  PRIMARY KEY (job_no, line_no),
  KEY (company_no, job_no, line_no)
);
INSERT INTO fw_part VALUES
  ('FLT-200', 1, 'Boiler filter'),
  ('VLV.3/4', 1, 'Valve, three quarter inch'),
  ('THEIRS-1', 2, 'Not yours');
INSERT INTO fw_job_line VALUES
  (10, 1, 1, 'FLT-200', 2),
  (10, 2, 1, 'VLV.3/4', 1),
  (11, 1, 1, 'FLT-200', 1),
  (13, 1, 2, 'THEIRS-1', 5);
