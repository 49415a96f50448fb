-- Plan: 1 to add, 3 to change, 1 to destroy.
BEGIN;

-- step 1/5: drop_table public.legacy
-- hazard data_loss: drops table public.legacy and every row in it
-- hazard irreversible: undoing this step recreates public.legacy empty
DROP TABLE public.legacy;

-- step 2/5: alter_column public.accounts.balance
-- hazard lossy_type_change: bigint -> integer: values outside -2147483648..2147483647 fail
-- hazard irreversible: undoing this step cannot restore values of public.accounts.balance changed by this conversion
-- hazard table_rewrite: rewrites public.accounts and its indexes under an ACCESS EXCLUSIVE lock: reads and writes wait
ALTER TABLE public.accounts ALTER COLUMN balance TYPE integer;

-- step 3/5: alter_column public.accounts.nick
-- hazard may_fail: fails if any row of public.accounts has NULL in nick
-- hazard blocking: SET NOT NULL scans public.accounts under an ACCESS EXCLUSIVE lock: reads and writes wait
ALTER TABLE public.accounts ALTER COLUMN nick SET NOT NULL;

-- step 4/5: alter_column public.accounts.code
-- hazard lossy_type_change: character varying(100) -> character varying(10): values longer than 10 characters (trailing spaces aside) make the change fail; trailing spaces beyond 10 are cut
-- hazard irreversible: undoing this step cannot restore values of public.accounts.code changed by this conversion
-- hazard table_rewrite: rewrites public.accounts and its indexes under an ACCESS EXCLUSIVE lock: reads and writes wait
ALTER TABLE public.accounts ALTER COLUMN code TYPE character varying(10);

-- step 5/5: create_index public.accounts.accounts_nick_idx
-- hazard blocking: holds a SHARE lock on public.accounts while the index builds: writes wait
CREATE INDEX accounts_nick_idx ON public.accounts USING btree (nick);

COMMIT;
