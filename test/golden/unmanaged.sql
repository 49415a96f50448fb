-- Plan: 2 to add, 0 to change, 0 to destroy.
BEGIN;

-- step 1/2: create_schema billing
CREATE SCHEMA billing;

-- step 2/2: create_table billing.invoices
CREATE TABLE billing.invoices (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    CONSTRAINT invoices_pkey PRIMARY KEY (id)
);

COMMIT;
