-- References that a promoted standby cannot hand out again (issue 21).
--
-- With asynchronous replication a failover loses the last acknowledged transactions, and the new
-- primary's sequences go on from where the standby was: reservation 520 was given to another
-- patient within two seconds, and a counter retrying `cfit dispense 520` would have handed over
-- that patient's garment. Every record a person or another system addresses — reservation,
-- dispense, return, fitting, and a prescription number cfit makes up — now carries a reference
-- made of the time in hundredths of a second and 30 random bits (R-0MZ4K8D-3QX7T2AA), which no other
-- server issues again. The numbers stay as the tables' keys; an operation given a bare number
-- must also be given the prescription it is for (functions/references.sql). Existing records get
-- references here and keep working by number with their prescription.

CREATE OR REPLACE FUNCTION public.cfit_new_reference(prefix text)
 RETURNS text
 LANGUAGE plpgsql
AS $function$
DECLARE
    digits constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    -- Hundredths of a second since 2024-01-01 UTC (40 bits, enough until the year 2372), then 30
    -- bits of the system's CSPRNG (from gen_random_uuid): a promoted standby that lost the last
    -- records cannot issue their references again, and references sort by time.
    stamp bigint := greatest(0, floor(extract(epoch FROM clock_timestamp()) * 100)::bigint - 170406720000);
    noise bigint := ('x' || left(replace(gen_random_uuid()::text, '-', ''), 8))::bit(32)::bigint & 1073741823;
    code text := '';
BEGIN
    FOR i IN 1..6 LOOP
        code := substr(digits, (noise & 31)::integer + 1, 1) || code;
        noise := noise >> 5;
    END LOOP;
    FOR i IN 1..8 LOOP
        code := substr(digits, (stamp & 31)::integer + 1, 1) || code;
        stamp := stamp >> 5;
    END LOOP;
    RETURN prefix || '-' || left(code, 7) || '-' || right(code, 7);
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_reference(given text, prefix text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
AS $function$
DECLARE
    -- As typed or read aloud: any case, with or without dashes and spaces, I and L for 1, O for 0.
    cleaned text := upper(regexp_replace(coalesce(given, ''), '[\s-]', '', 'g'));
BEGIN
    IF length(cleaned) = 14 + length(prefix) AND left(cleaned, length(prefix)) = prefix THEN
        cleaned := substr(cleaned, length(prefix) + 1);
    END IF;
    cleaned := translate(cleaned, 'ILO', '110');
    IF cleaned !~ '^[0-9A-HJKMNP-TV-Z]{14}$' THEN
        RETURN NULL;
    END IF;
    RETURN prefix || '-' || left(cleaned, 7) || '-' || right(cleaned, 7);
END
$function$;

ALTER TABLE reservation ADD COLUMN reference text;
UPDATE reservation SET reference = cfit_new_reference('R');
UPDATE reservation SET reference = cfit_new_reference('R')
WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY reference ORDER BY id) AS n FROM reservation) d WHERE n > 1);
ALTER TABLE reservation ALTER COLUMN reference SET NOT NULL,
    ALTER COLUMN reference SET DEFAULT cfit_new_reference('R'),
    ADD CONSTRAINT reservation_reference UNIQUE (reference),
    ADD CONSTRAINT reservation_reference_form CHECK (reference ~ '^R-[0-9A-HJKMNP-TV-Z]{7}-[0-9A-HJKMNP-TV-Z]{7}$');

ALTER TABLE dispense ADD COLUMN reference text;
UPDATE dispense SET reference = cfit_new_reference('D');
UPDATE dispense SET reference = cfit_new_reference('D')
WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY reference ORDER BY id) AS n FROM dispense) d WHERE n > 1);
ALTER TABLE dispense ALTER COLUMN reference SET NOT NULL,
    ALTER COLUMN reference SET DEFAULT cfit_new_reference('D'),
    ADD CONSTRAINT dispense_reference UNIQUE (reference),
    ADD CONSTRAINT dispense_reference_form CHECK (reference ~ '^D-[0-9A-HJKMNP-TV-Z]{7}-[0-9A-HJKMNP-TV-Z]{7}$');

ALTER TABLE dispense_return ADD COLUMN reference text;
UPDATE dispense_return SET reference = cfit_new_reference('T');
UPDATE dispense_return SET reference = cfit_new_reference('T')
WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY reference ORDER BY id) AS n FROM dispense_return) d WHERE n > 1);
ALTER TABLE dispense_return ALTER COLUMN reference SET NOT NULL,
    ALTER COLUMN reference SET DEFAULT cfit_new_reference('T'),
    ADD CONSTRAINT dispense_return_reference UNIQUE (reference),
    ADD CONSTRAINT dispense_return_reference_form CHECK (reference ~ '^T-[0-9A-HJKMNP-TV-Z]{7}-[0-9A-HJKMNP-TV-Z]{7}$');

ALTER TABLE fitting ADD COLUMN reference text;
UPDATE fitting SET reference = cfit_new_reference('F');
UPDATE fitting SET reference = cfit_new_reference('F')
WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY reference ORDER BY id) AS n FROM fitting) d WHERE n > 1);
ALTER TABLE fitting ALTER COLUMN reference SET NOT NULL,
    ALTER COLUMN reference SET DEFAULT cfit_new_reference('F'),
    ADD CONSTRAINT fitting_reference UNIQUE (reference),
    ADD CONSTRAINT fitting_reference_form CHECK (reference ~ '^F-[0-9A-HJKMNP-TV-Z]{7}-[0-9A-HJKMNP-TV-Z]{7}$');

-- Acting on a record by reference (or by number with its prescription) changes these signatures:
-- the function files define the new ones and grant them.
DROP FUNCTION cfit_dispense(text, text, bigint, date);
DROP FUNCTION cfit_release(text, text, bigint);
DROP FUNCTION cfit_return(text, text, bigint, integer, text, text, boolean, date);

-- Results kept for idempotency keys name their records by reference too, so that a request
-- retried across the upgrade gets the answer a new one would.
UPDATE idempotent_result k SET result = jsonb_set(k.result, '{id}', to_jsonb(r.reference))
FROM reservation r WHERE k.operation IN ('reserve', 'release') AND jsonb_typeof(k.result->'id') = 'number'
  AND r.id = (k.result->>'id')::bigint;
UPDATE idempotent_result k SET result = k.result || jsonb_build_object('id', d.reference, 'reservation', r.reference)
FROM dispense d JOIN reservation r ON r.id = d.reservation_id
WHERE k.operation = 'dispense' AND jsonb_typeof(k.result->'id') = 'number' AND d.id = (k.result->>'id')::bigint;
UPDATE idempotent_result k SET result = k.result || jsonb_build_object('id', t.reference, 'dispense', d.reference)
FROM dispense_return t JOIN dispense d ON d.id = t.dispense_id
WHERE k.operation = 'return' AND jsonb_typeof(k.result->'id') = 'number' AND t.id = (k.result->>'id')::bigint;
UPDATE idempotent_result k SET result = to_jsonb(f.reference)
FROM fitting f WHERE k.operation = 'fit.record' AND jsonb_typeof(k.result) = 'number' AND f.id = (k.result #>> '{}')::bigint;
