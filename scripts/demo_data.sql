-- The sample database for `make demo`: a pharmacy chain in four schemas.
--
--   psql -X -v ON_ERROR_STOP=1 -d <database> -f scripts/demo_data.sql
--
-- Pure SQL, deterministic (every value is a function of the row number through
-- hashint8extended, never random()), and re-runnable: it drops and recreates
-- its schemas. About 2.0M rows; loads in well under a minute on 2 cores.
--
--   retail.regions               8    retail.stores              250
--   retail.staff             5 000    inventory.drugs          2 000
--   inventory.stock_levels  50 000    clinical.prescribers     3 000
--   clinical.patients      150 000    clinical.prescriptions 600 000
--   ops.dispensing_events 1 200 000 (partitioned by month; 12 partitions for
--                                    2024 and a DEFAULT one for later rows)
--   ops.recalls                  0 (empty on purpose)
--   ops.monthly_store_revenue (materialized view), clinical.active_prescriptions (view)
--
-- Types covered: smallint, integer, bigint, serial, identity, numeric(10,2),
-- real, double precision, text, varchar(n), char(n), boolean, date, time,
-- timestamp, timestamptz, interval, uuid, jsonb, bytea, text[], three enums,
-- three domains (over text and numeric), NULL-heavy columns, non-ASCII text.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET TimeZone = 'UTC';  -- so that date arithmetic on timestamptz is the same everywhere
SET work_mem = '64MB';  -- hash joins of the foreign key checks stay in memory
SET maintenance_work_mem = '256MB';

DROP SCHEMA IF EXISTS ops, clinical, inventory, retail CASCADE;
CREATE SCHEMA retail;
CREATE SCHEMA inventory;
CREATE SCHEMA clinical;
CREATE SCHEMA ops;

-- A well-mixed non-negative pseudo-random number for (row number, stream):
-- the whole script derives its values from this, so two loads are identical.
CREATE FUNCTION pg_temp.h(n bigint, stream bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT hashint8extended(n, stream) & 4611686018427387903 $$;

-- Facts about a prescription or a drug that several tables need, computed from
-- its id so that dispensing events agree with their prescriptions without joins.
CREATE FUNCTION pg_temp.rx_store(rx bigint) RETURNS integer
  LANGUAGE sql IMMUTABLE AS $$ SELECT (1 + pg_temp.h(rx, 3) % 250)::integer $$;
CREATE FUNCTION pg_temp.rx_drug(rx bigint) RETURNS integer
  LANGUAGE sql IMMUTABLE AS $$ SELECT (1 + pg_temp.h(rx, 5) % 2000)::integer $$;
CREATE FUNCTION pg_temp.rx_quantity(rx bigint) RETURNS integer
  LANGUAGE sql IMMUTABLE AS $$ SELECT (ARRAY[7, 14, 28, 30, 30, 30, 60, 90])[1 + pg_temp.h(rx, 4) % 8] $$;
-- Prices in integer cents: integer arithmetic is much cheaper than numeric.
CREATE FUNCTION pg_temp.drug_price_cents(drug bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE AS $$ SELECT 5 + pg_temp.h(drug, 100) % 4000 $$;
CREATE FUNCTION pg_temp.drug_price(drug bigint) RETURNS numeric
  LANGUAGE sql IMMUTABLE AS $$ SELECT pg_temp.drug_price_cents(drug) * 0.01 $$;
CREATE FUNCTION pg_temp.drug_controlled(drug bigint) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS $$ SELECT pg_temp.h(drug, 101) % 20 = 0 $$;
-- Which of the 250 stores' 5 pharmacists (staff ids s, s+1000, ..., s+4000).
CREATE FUNCTION pg_temp.pharmacist(store integer, k bigint) RETURNS integer
  LANGUAGE sql IMMUTABLE AS $$ SELECT (store + 1000 * (k % 5))::integer $$;

-- ---------------------------------------------------------------------------
-- Types
CREATE TYPE retail.staff_role AS ENUM ('pharmacist', 'technician', 'cashier', 'store_manager');
CREATE TYPE inventory.dosage_form AS ENUM ('tablet', 'capsule', 'oral_solution', 'injection', 'cream', 'inhaler', 'patch');
CREATE TYPE clinical.rx_status AS ENUM ('new', 'filled', 'partially_filled', 'on_hold', 'cancelled', 'expired');
CREATE DOMAIN retail.us_zip AS text CHECK (VALUE ~ '^[0-9]{5}$');
CREATE DOMAIN inventory.ndc_code AS varchar(13) CHECK (VALUE ~ '^[0-9]{5}-[0-9]{4}-[0-9]{2}$');
CREATE DOMAIN inventory.money_amount AS numeric(10,2) CHECK (VALUE >= 0);

-- ---------------------------------------------------------------------------
-- retail
CREATE TABLE retail.regions (
  region_id smallint NOT NULL,
  name text NOT NULL,
  director varchar(80),
  created_at timestamptz NOT NULL
);
INSERT INTO retail.regions
SELECT g,
       (ARRAY['Northeast', 'Mid-Atlantic', 'Southeast', 'Great Lakes', 'Plains', 'Mountain', 'Pacific Northwest', 'California'])[g],
       (ARRAY['Ana Müller', 'Brian O''Neil', 'Chloé Dubois', 'Dmitri Ivanov', NULL, 'Farah Khan', 'Grace Lee', 'Hiro Tanaka'])[g],
       timestamptz '2015-01-01 09:00:00+00' + (g * 17) * interval '1 day'
FROM generate_series(1, 8) g;

CREATE TABLE retail.stores (
  store_id serial NOT NULL,
  region_id smallint NOT NULL,
  store_code char(6) NOT NULL,
  name text NOT NULL,
  street text NOT NULL,
  city text NOT NULL,
  state char(2) NOT NULL,
  zip retail.us_zip NOT NULL,
  latitude double precision NOT NULL,
  longitude double precision NOT NULL,
  square_feet integer,
  has_drive_thru boolean NOT NULL,
  opened_on date NOT NULL,
  opening_hours jsonb NOT NULL
);
INSERT INTO retail.stores
SELECT g,
       1 + (g - 1) % 8,
       'S' || lpad(g::text, 5, '0'),
       (ARRAY['Main Street', 'Riverside', 'Oak Park', 'Harbor', 'Downtown', 'Hillcrest', 'Westgate', 'Lakeview'])[1 + pg_temp.h(g, 1) % 8]
         || ' Pharmacy #' || g,
       (100 + pg_temp.h(g, 2) % 9800) || ' ' ||
         (ARRAY['Elm St', 'Maple Ave', 'Cedar Rd', 'Pine Blvd', 'Washington St', 'Lincoln Ave', 'Park Pl'])[1 + pg_temp.h(g, 3) % 7],
       (ARRAY['Springfield', 'Franklin', 'Greenville', 'Bristol', 'Clinton', 'Fairview', 'Salem', 'Madison', 'Georgetown', 'Arlington'])[1 + pg_temp.h(g, 4) % 10],
       (ARRAY['NY', 'PA', 'GA', 'MI', 'KS', 'CO', 'WA', 'CA'])[1 + (g - 1) % 8],
       lpad((10000 + pg_temp.h(g, 5) % 89999)::text, 5, '0'),
       25.0 + (pg_temp.h(g, 6) % 2300000) / 100000.0,
       -124.0 + (pg_temp.h(g, 7) % 5500000) / 100000.0,
       CASE WHEN g % 17 = 0 THEN NULL ELSE 1500 + (pg_temp.h(g, 8) % 90) * 100 END,
       pg_temp.h(g, 9) % 3 = 0,
       date '1998-03-01' + (pg_temp.h(g, 10) % 9000)::integer,
       jsonb_build_object(
         'mon_fri', CASE WHEN g % 10 = 0 THEN '00:00-24:00' ELSE '08:00-21:00' END,
         'sat', '09:00-18:00',
         'sun', CASE WHEN g % 4 = 0 THEN NULL ELSE '10:00-16:00' END,
         'services', CASE WHEN g % 3 = 0 THEN jsonb_build_array('vaccines', 'compounding')
                          ELSE jsonb_build_array('vaccines') END)
FROM generate_series(1, 250) g;
ALTER SEQUENCE retail.stores_store_id_seq RESTART WITH 251;

CREATE TABLE retail.staff (
  staff_id integer NOT NULL,
  store_id integer NOT NULL,
  full_name text NOT NULL,
  role retail.staff_role NOT NULL,
  license_number varchar(20),
  email varchar(120) NOT NULL,
  hired_on date NOT NULL,
  hourly_rate inventory.money_amount NOT NULL,
  shift_start time NOT NULL,
  is_active boolean NOT NULL
);
-- Staff s + 250 * j works at store s; j in {0, 4, 8, 12, 16} are the pharmacists
-- (ids s, s+1000, ..., s+4000, see pg_temp.pharmacist), j = 1 the store manager.
INSERT INTO retail.staff
SELECT g,
       1 + (g - 1) % 250,
       first_name || ' ' || last_name,
       role,
       CASE WHEN role = 'pharmacist' THEN 'RPH-' || (100000 + pg_temp.h(g, 2) % 900000) END,
       lower(translate(first_name, 'éüöøłçñ', 'euoolcn')) || '.' || lower(translate(last_name, ' ''éüöøłçñ', '__euoolcn'))
         || g || '@pharmacy.example',
       date '2005-01-01' + (pg_temp.h(g, 3) % 7000)::integer,
       CASE role WHEN 'pharmacist' THEN 55 WHEN 'store_manager' THEN 38 WHEN 'technician' THEN 21 ELSE 16 END
         + (pg_temp.h(g, 4) % 1000) / 100.0,
       time '06:00' + (pg_temp.h(g, 5) % 8) * interval '90 minutes',
       g % 23 <> 0
FROM generate_series(1, 5000) g,
     LATERAL (SELECT (ARRAY['Ana', 'Ben', 'Chloé', 'David', 'Emma', 'Fatima', 'George', 'Hana', 'Ivan', 'Jürgen',
                            'Kofi', 'Lena', 'Mateo', 'Nia', 'Oliver', 'Priya', 'Quinn', 'Rosa', 'Søren', 'Wei'])[1 + pg_temp.h(g, 0) % 20] AS first_name,
                     (ARRAY['Smith', 'Johnson', 'García', 'Nguyen', 'Müller', 'O''Brien', 'Kowalski', 'Patel', 'Kim', 'Rossi',
                            'Ødegaard', 'Haddad', 'Cohen', 'Silva', 'Wójcik', 'Brown', 'Lee', 'Martin', 'de la Cruz', 'Okafor'])[1 + pg_temp.h(g, 1) % 20] AS last_name,
                     CASE WHEN ((g - 1) / 250) % 4 = 0 THEN 'pharmacist'
                          WHEN (g - 1) / 250 = 1 THEN 'store_manager'
                          WHEN ((g - 1) / 250) % 4 = 2 THEN 'cashier'
                          ELSE 'technician' END::retail.staff_role AS role) n;

-- ---------------------------------------------------------------------------
-- inventory
CREATE TABLE inventory.drugs (
  drug_id integer GENERATED BY DEFAULT AS IDENTITY,
  ndc inventory.ndc_code NOT NULL,
  brand_name text,
  generic_name text NOT NULL,
  form inventory.dosage_form NOT NULL,
  strength varchar(20) NOT NULL,
  unit_price inventory.money_amount NOT NULL,
  is_controlled boolean NOT NULL,
  dea_schedule smallint,            -- only for controlled substances
  unit_weight_mg real,
  tags text[] NOT NULL,
  attributes jsonb,
  label_image bytea,                -- mostly NULL
  discontinued_on date              -- mostly NULL
);
INSERT INTO inventory.drugs
SELECT g,
       lpad((pg_temp.h(g, 1) % 100000)::text, 5, '0') || '-' || lpad((g % 10000)::text, 4, '0') || '-'
         || lpad((pg_temp.h(g, 2) % 100)::text, 2, '0'),
       CASE WHEN g % 3 = 0 THEN NULL
            ELSE (ARRAY['Zenthra', 'Calmora', 'Bytrex', 'Novacor', 'Lumiflex', 'Quellin', 'Ravexa', 'Sorvent'])[1 + pg_temp.h(g, 3) % 8]
                 || ' ' || (ARRAY['XR', 'Plus', 'Forte', 'Duo', 'Mini', ''])[1 + pg_temp.h(g, 4) % 6] END,
       (ARRAY['amoxicillin', 'atorvastatin', 'lisinopril', 'metformin', 'amlodipine', 'omeprazole', 'levothyroxine',
              'sertraline', 'albuterol', 'gabapentin', 'hydrocodone', 'oxycodone', 'ibuprofen', 'prednisone',
              'insulin glargine', 'fluticasone', 'hydrocortisone', 'nicotine'])[1 + pg_temp.h(g, 5) % 18],
       (enum_range(NULL::inventory.dosage_form))[1 + pg_temp.h(g, 6) % 7],
       (ARRAY['5 mg', '10 mg', '20 mg', '40 mg', '250 mg', '500 mg', '100 mcg', '1%', '2.5 mg/mL'])[1 + pg_temp.h(g, 7) % 9],
       pg_temp.drug_price(g),
       pg_temp.drug_controlled(g),
       CASE WHEN pg_temp.drug_controlled(g) THEN (2 + pg_temp.h(g, 8) % 4)::smallint END,
       CASE WHEN g % 11 = 0 THEN NULL ELSE (50 + pg_temp.h(g, 9) % 95000 / 100.0)::real END,
       (string_to_array((ARRAY['generic,formulary', 'brand,formulary', 'generic,refrigerate', 'otc,generic',
                               'specialty,prior_auth'])[1 + pg_temp.h(g, 10) % 5], ','))[1:1 + pg_temp.h(g, 11) % 2],
       CASE WHEN g % 7 = 0 THEN NULL
            ELSE jsonb_build_object('manufacturer', (ARRAY['Acme Pharma', 'Bolt Labs', 'Cirrus Generics', 'Delta Bio'])[1 + pg_temp.h(g, 12) % 4],
                                    'storage_c', jsonb_build_array(2 + pg_temp.h(g, 13) % 3, 25),
                                    'black_box_warning', pg_temp.h(g, 14) % 9 = 0) END,
       CASE WHEN g % 10 = 0 THEN decode(md5('label' || g), 'hex') END,
       CASE WHEN g % 40 = 0 THEN date '2020-01-01' + (pg_temp.h(g, 15) % 1500)::integer END
FROM generate_series(1, 2000) g;
ALTER TABLE inventory.drugs ALTER COLUMN drug_id RESTART WITH 2001;

CREATE TABLE inventory.stock_levels (
  store_id integer NOT NULL,
  drug_id integer NOT NULL,
  on_hand integer NOT NULL,
  reorder_point integer NOT NULL,
  avg_lead_time interval NOT NULL,
  last_counted_at timestamp NOT NULL
);
-- Each store stocks 200 of the 2000 drugs.
INSERT INTO inventory.stock_levels
SELECT s, 1 + (s * 7 + k * 10) % 2000,
       (pg_temp.h(s * 1000 + k, 1) % 500)::integer,
       (20 + pg_temp.h(s * 1000 + k, 2) % 80)::integer,
       make_interval(days => (1 + pg_temp.h(s * 1000 + k, 3) % 10)::integer, hours => (pg_temp.h(s * 1000 + k, 4) % 24)::integer),
       timestamp '2024-12-01 06:00:00' + (pg_temp.h(s * 1000 + k, 5) % 2592000) * interval '1 second'
FROM generate_series(1, 250) s, generate_series(0, 199) k;

-- ---------------------------------------------------------------------------
-- clinical
CREATE TABLE clinical.prescribers (
  prescriber_id integer NOT NULL,
  npi char(10) NOT NULL,
  full_name text NOT NULL,
  specialty text NOT NULL,
  clinic_name text,
  state char(2) NOT NULL,
  dea_number varchar(9),            -- NULL unless they prescribe controlled drugs
  is_active boolean NOT NULL
);
INSERT INTO clinical.prescribers
SELECT g,
       (1000000000 + g * 37)::text,
       'Dr. ' || (ARRAY['Alice', 'Bruno', 'Carmen', 'Deepak', 'Elif', 'Farid', 'Gloria', 'Henrik', 'Ines', 'Jamal'])[1 + pg_temp.h(g, 1) % 10]
         || ' ' || (ARRAY['Adams', 'Bauer', 'Castillo', 'Dubois', 'Eriksen', 'Fischer', 'González', 'Huang', 'Ito', 'Jovanović'])[1 + pg_temp.h(g, 2) % 10],
       (ARRAY['family medicine', 'internal medicine', 'pediatrics', 'cardiology', 'psychiatry', 'dermatology', 'dentistry', 'nurse practitioner'])[1 + pg_temp.h(g, 3) % 8],
       CASE WHEN g % 5 = 0 THEN NULL ELSE (ARRAY['Valley', 'Summit', 'Bayside', 'Pinecrest', 'Meadow'])[1 + pg_temp.h(g, 4) % 5] || ' Health' END,
       (ARRAY['NY', 'PA', 'GA', 'MI', 'KS', 'CO', 'WA', 'CA'])[1 + pg_temp.h(g, 5) % 8],
       CASE WHEN g % 4 = 0 THEN chr(65 + (g % 26)) || chr(65 + (g / 26) % 26) || lpad((pg_temp.h(g, 6) % 10000000)::text, 7, '0') END,
       g % 31 <> 0
FROM generate_series(1, 3000) g;

CREATE TABLE clinical.patients (
  patient_id integer NOT NULL,
  patient_uuid uuid NOT NULL,
  first_name text NOT NULL,
  middle_name text,                 -- about 85% NULL
  last_name text NOT NULL,
  date_of_birth date NOT NULL,
  sex char(1),
  email varchar(120),
  phone varchar(20),
  zip retail.us_zip,
  home_store_id integer NOT NULL,
  allergies text[],                 -- NULL = unknown, {} = none known
  insurance jsonb,
  sms_opt_in boolean NOT NULL,
  registered_at timestamptz NOT NULL
);
INSERT INTO clinical.patients
SELECT g,
       md5('patient' || g)::uuid,
       (ARRAY['James', 'Mary', 'José', 'Zoë', 'Mohammed', 'Aiko', 'Łukasz', 'Siobhán', 'Chen', 'Olga', 'Kwame', 'Ingrid',
              'Raj', 'Lucía', 'Noah', 'Amara', 'Björn', 'Fatou', 'Yusuf', 'Élodie', '美咲', 'Sasha'])[1 + pg_temp.h(g, 1) % 22],
       CASE WHEN pg_temp.h(g, 2) % 100 < 15 THEN (ARRAY['A.', 'Lee', 'Marie', 'J.', 'Ann', 'Ray'])[1 + pg_temp.h(g, 3) % 6] END,
       (ARRAY['Smith', 'Johnson', 'Williams', 'García', 'Rodríguez', 'Nguyen', 'Müller', 'O''Connor', 'Novak', 'Schmidt',
              'Tanaka', 'Kowalczyk', 'Andersson', 'Mensah', 'Dubois', 'Ivanova', 'Singh', 'Rossi', 'Fernández', '山田'])[1 + pg_temp.h(g, 4) % 20],
       date '1930-01-01' + (pg_temp.h(g, 5) % 33000)::integer,
       CASE pg_temp.h(g, 6) % 20 WHEN 0 THEN NULL WHEN 1 THEN 'X' ELSE (ARRAY['F', 'M'])[1 + pg_temp.h(g, 16) % 2] END,
       CASE WHEN g % 5 = 0 THEN NULL ELSE 'patient' || g || '@mail.example' END,
       CASE WHEN g % 9 = 0 THEN NULL ELSE '+1-' || (200 + pg_temp.h(g, 7) % 800) || '-555-' || lpad((g % 10000)::text, 4, '0') END,
       CASE WHEN g % 50 = 0 THEN NULL ELSE lpad((10000 + pg_temp.h(g, 8) % 89999)::text, 5, '0') END,
       pg_temp.rx_store(g),
       CASE WHEN pg_temp.h(g, 9) % 10 < 2 THEN NULL
            WHEN pg_temp.h(g, 9) % 10 < 7 THEN '{}'::text[]
            ELSE (string_to_array((ARRAY['penicillin,sulfa', 'latex,codeine', 'aspirin,iodine'])[1 + pg_temp.h(g, 10) % 3], ','))[1:1 + pg_temp.h(g, 11) % 2] END,
       CASE WHEN g % 8 = 0 THEN NULL
            ELSE jsonb_build_object('payer', (ARRAY['BlueLake', 'MediSure', 'Statewide Medicaid', 'Medicare Part D'])[1 + pg_temp.h(g, 12) % 4],
                                    'member_id', 'M' || lpad((pg_temp.h(g, 13) % 100000000)::text, 8, '0'),
                                    'group', CASE WHEN g % 3 = 0 THEN NULL ELSE 'G' || (g % 500) END) END,
       pg_temp.h(g, 14) % 2 = 0,
       timestamptz '2010-01-01 00:00:00+00' + (pg_temp.h(g, 15) % 473040000) * interval '1 second'
FROM generate_series(1, 150000) g;

CREATE TABLE clinical.prescriptions (
  prescription_id bigint NOT NULL,
  rx_number varchar(12) NOT NULL,
  patient_id integer NOT NULL,
  prescriber_id integer NOT NULL,
  drug_id integer NOT NULL,
  store_id integer NOT NULL,
  status clinical.rx_status NOT NULL,
  written_on date NOT NULL,
  expires_on date NOT NULL,
  quantity integer NOT NULL,
  days_supply smallint NOT NULL,
  refills_allowed smallint NOT NULL,
  refills_remaining smallint NOT NULL,
  sig text NOT NULL,                -- the directions on the label
  is_controlled boolean NOT NULL,
  prior_auth_required boolean NOT NULL,
  notes text,                       -- about 95% NULL
  created_at timestamp NOT NULL,    -- local store time, no zone
  updated_at timestamptz NOT NULL
);
-- Prescription i is written about i * 366 / 600000 days into 2024, so that the
-- dispensing events (ordered by time) follow their prescriptions.
INSERT INTO clinical.prescriptions
SELECT g,
       'RX' || lpad(g::text, 9, '0'),
       (1 + pg_temp.h(g, 1) % 150000)::integer,
       (1 + pg_temp.h(g, 2) % 3000)::integer,
       pg_temp.rx_drug(g),
       pg_temp.rx_store(g),
       CASE WHEN r < 62 THEN 'filled' WHEN r < 75 THEN 'partially_filled' WHEN r < 85 THEN 'new'
            WHEN r < 90 THEN 'on_hold' WHEN r < 95 THEN 'cancelled' ELSE 'expired' END::clinical.rx_status,
       written,
       written + 365,
       pg_temp.rx_quantity(g),
       pg_temp.rx_quantity(g)::smallint,
       refills::smallint,
       (refills - pg_temp.h(g, 7) % (refills + 1))::smallint,
       (ARRAY['Take 1 tablet by mouth once daily', 'Take 1 tablet by mouth twice daily with food',
              'Take 2 capsules by mouth every 8 hours as needed for pain', 'Inhale 2 puffs every 4-6 hours as needed',
              'Apply a thin layer to the affected area twice daily', 'Inject 10 units under the skin at bedtime',
              'Take 1 tablet by mouth at bedtime; may cause drowsiness'])[1 + pg_temp.h(g, 8) % 7],
       pg_temp.drug_controlled(pg_temp.rx_drug(g)),
       pg_temp.h(g, 9) % 25 = 0,
       CASE WHEN pg_temp.h(g, 10) % 20 = 0
            THEN (ARRAY['Patient prefers easy-open caps', 'Called prescriber to confirm dose', 'Generic substitution declined',
                        'Spanish label requested — etiqueta en español', 'Deliver after 5pm 🚚'])[1 + pg_temp.h(g, 11) % 5] END,
       written + time '08:00' + (pg_temp.h(g, 12) % 43200) * interval '1 second',
       (written + time '08:00')::timestamp AT TIME ZONE 'UTC' + (pg_temp.h(g, 13) % 864000) * interval '1 second'
FROM generate_series(1, 600000) g,
     LATERAL (SELECT pg_temp.h(g, 6) % 100 AS r,
                     date '2023-12-20' + (g * 366 / 600000)::integer AS written,
                     (pg_temp.h(g, 14) % 6)::integer AS refills) x;

-- ---------------------------------------------------------------------------
-- ops
CREATE TABLE ops.dispensing_events (
  event_id bigint GENERATED BY DEFAULT AS IDENTITY,
  dispensed_at timestamptz NOT NULL,
  prescription_id bigint NOT NULL,
  store_id integer NOT NULL,
  pharmacist_id integer NOT NULL,
  quantity integer NOT NULL,
  unit_price inventory.money_amount NOT NULL,
  total_price numeric(12,2) NOT NULL,
  copay numeric(10,2) NOT NULL,
  insurance_paid numeric(10,2) NOT NULL,
  payment_method text NOT NULL,
  is_refill boolean NOT NULL,
  counseled boolean,
  override_reason text,             -- about 99% NULL
  details jsonb NOT NULL
) PARTITION BY RANGE (dispensed_at);

DO $$
BEGIN
  FOR m IN 0..11 LOOP
    EXECUTE format('CREATE TABLE ops.dispensing_events_%s PARTITION OF ops.dispensing_events FOR VALUES FROM (%L) TO (%L)',
                   to_char(date '2024-01-01' + make_interval(months => m), 'YYYY_MM'),
                   (timestamptz '2024-01-01 00:00:00+00' + make_interval(months => m))::text,
                   (timestamptz '2024-01-01 00:00:00+00' + make_interval(months => m + 1))::text);
  END LOOP;
END
$$;
CREATE TABLE ops.dispensing_events_later PARTITION OF ops.dispensing_events DEFAULT;

-- Event g happens about g * 26.5 s after 2024-01-01, so the last ~0.5% spill
-- into January 2025 (the DEFAULT partition). About 2 events per prescription.
-- Cheap per-row expressions only (integer cents, one of 60 prebuilt jsonb
-- values): this table dominates the load time.
INSERT INTO ops.dispensing_events
SELECT g,
       timestamptz '2024-01-01 00:00:00+00' + ((g - 1)::bigint * 26500 + pg_temp.h(g, 1) % 20000) * interval '1 millisecond',
       rx,
       store,
       pg_temp.pharmacist(store, pg_temp.h(g, 2)),
       quantity,
       price_cents * 0.01,
       quantity * price_cents * 0.01,
       least(copay_cents, quantity * price_cents) * 0.01,
       (quantity * price_cents - least(copay_cents, quantity * price_cents)) * 0.01,
       (ARRAY['insurance', 'insurance', 'insurance', 'card', 'cash', 'hsa'])[1 + pg_temp.h(g, 3) % 6],
       g % 2 = 0,
       CASE WHEN pg_temp.h(g, 4) % 10 = 0 THEN NULL ELSE pg_temp.h(g, 4) % 3 = 0 END,
       CASE WHEN pg_temp.h(g, 5) % 100 = 0
            THEN (ARRAY['early refill approved by pharmacist', 'vacation supply', 'lost medication', 'dose change'])[1 + pg_temp.h(g, 6) % 4] END,
       (SELECT array_agg(jsonb_build_object('channel', (ARRAY['counter', 'drive_thru', 'delivery', 'mail', 'kiosk'])[1 + i % 5],
                                            'labels', 1 + i / 5 % 3,
                                            'wait', (ARRAY['0-5 min', '5-15 min', '15-30 min', '30+ min'])[1 + i / 15])
                         ORDER BY i)
        FROM generate_series(0, 59) i)[1 + pg_temp.h(g, 7) % 60]
FROM generate_series(1, 1200000) g,
     LATERAL (SELECT greatest(1, g / 2 - pg_temp.h(g, 10) % 2000) AS rx) x,
     LATERAL (SELECT pg_temp.rx_store(rx) AS store,
                     pg_temp.rx_quantity(rx) AS quantity,
                     pg_temp.drug_price_cents(pg_temp.rx_drug(rx)) AS price_cents,
                     (ARRAY[0, 500, 1000, 1000, 1500, 2500, 4000])[1 + pg_temp.h(g, 11) % 7] AS copay_cents) y;
ALTER TABLE ops.dispensing_events ALTER COLUMN event_id RESTART WITH 1200001;

CREATE TABLE ops.recalls (
  recall_id bigserial NOT NULL,
  drug_id integer NOT NULL,
  announced_on date NOT NULL,
  lot_numbers text[] NOT NULL,
  severity smallint NOT NULL CHECK (severity BETWEEN 1 AND 3),
  notice jsonb,
  resolved_at timestamptz
);

-- ---------------------------------------------------------------------------
-- Keys after the load: building an index once is much faster than per row.
ALTER TABLE retail.regions ADD PRIMARY KEY (region_id);
ALTER TABLE retail.stores ADD PRIMARY KEY (store_id),
  ADD UNIQUE (store_code),
  ADD FOREIGN KEY (region_id) REFERENCES retail.regions;
ALTER TABLE retail.staff ADD PRIMARY KEY (staff_id),
  ADD FOREIGN KEY (store_id) REFERENCES retail.stores;
ALTER TABLE inventory.drugs ADD PRIMARY KEY (drug_id);
ALTER TABLE inventory.stock_levels ADD PRIMARY KEY (store_id, drug_id),
  ADD FOREIGN KEY (store_id) REFERENCES retail.stores,
  ADD FOREIGN KEY (drug_id) REFERENCES inventory.drugs;
ALTER TABLE clinical.prescribers ADD PRIMARY KEY (prescriber_id), ADD UNIQUE (npi);
ALTER TABLE clinical.patients ADD PRIMARY KEY (patient_id), ADD UNIQUE (patient_uuid),
  ADD FOREIGN KEY (home_store_id) REFERENCES retail.stores;
ALTER TABLE clinical.prescriptions ADD PRIMARY KEY (prescription_id),
  ADD FOREIGN KEY (patient_id) REFERENCES clinical.patients,
  ADD FOREIGN KEY (prescriber_id) REFERENCES clinical.prescribers,
  ADD FOREIGN KEY (drug_id) REFERENCES inventory.drugs,
  ADD FOREIGN KEY (store_id) REFERENCES retail.stores;
ALTER TABLE ops.dispensing_events ADD PRIMARY KEY (event_id, dispensed_at),
  ADD FOREIGN KEY (prescription_id) REFERENCES clinical.prescriptions,
  ADD FOREIGN KEY (store_id) REFERENCES retail.stores,
  ADD FOREIGN KEY (pharmacist_id) REFERENCES retail.staff;
ALTER TABLE ops.recalls ADD PRIMARY KEY (recall_id),
  ADD FOREIGN KEY (drug_id) REFERENCES inventory.drugs;
CREATE INDEX prescriptions_patient_idx ON clinical.prescriptions (patient_id);

-- ---------------------------------------------------------------------------
-- Views
CREATE VIEW clinical.active_prescriptions AS
SELECT p.prescription_id, p.rx_number, p.patient_id, pt.first_name, pt.last_name, d.generic_name, p.status,
       p.written_on, p.refills_remaining
FROM clinical.prescriptions p
JOIN clinical.patients pt USING (patient_id)
JOIN inventory.drugs d USING (drug_id)
WHERE p.status IN ('new', 'partially_filled', 'on_hold') AND p.expires_on >= date '2024-12-31';

CREATE MATERIALIZED VIEW ops.monthly_store_revenue AS
SELECT store_id,
       date_trunc('month', dispensed_at AT TIME ZONE 'UTC')::date AS month,
       count(*) AS events,
       sum(total_price) AS revenue,
       sum(copay) AS copays
FROM ops.dispensing_events
GROUP BY 1, 2;
CREATE UNIQUE INDEX monthly_store_revenue_key ON ops.monthly_store_revenue (store_id, month);

COMMENT ON SCHEMA clinical IS 'Patients, prescribers and prescriptions (synthetic; no real people)';
COMMENT ON TABLE ops.dispensing_events IS 'One row per fill handed to a patient; partitioned by month of dispensed_at';
COMMENT ON TABLE ops.recalls IS 'Drug recalls; intentionally empty in the demo';
COMMENT ON COLUMN clinical.patients.allergies IS 'NULL = unknown, empty array = no known allergies';
-- No ANALYZE here: it reads every partition whole and would add a third to the
-- load time; autovacuum analyzes the tables shortly after.
