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
