-- References: what a person or another system calls a record, unique across a failover.
--
-- Repeatable: `cfit db migrate` re-applies this file whenever its text changes, after the
-- numbered migrations, so each function's live body is here and only here. Owners and grants
-- set by the numbered migrations are kept (CREATE OR REPLACE keeps them); a new function's
-- grants go below it.

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

CREATE OR REPLACE FUNCTION public.cfit_find(kind text, given text, rx text)
 RETURNS bigint
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
DECLARE
    prefix constant text := CASE kind WHEN 'reservation' THEN 'R' WHEN 'dispense' THEN 'D' WHEN 'fitting' THEN 'F' END;
    wanted text := cfit_reference(given, prefix);
    given_number bigint;
    found bigint;
    belongs text;
BEGIN
    -- A reference names one record on every server there will ever be; a number names one only
    -- here and now (a promoted standby hands out again the numbers it lost), so a number acts only
    -- together with the prescription its record is for.
    IF wanted IS NULL THEN
        IF coalesce(given, '') !~ '^\s*[0-9]{1,18}\s*$' THEN
            PERFORM cfit_fail('input', kind, format('expected a %s reference such as %s-0MZ4K8D-3QX7T2A, found ''%s''', kind, prefix, given));
        END IF;
        IF rx IS NULL THEN
            PERFORM cfit_fail('input', kind, format('expected the %s reference (%s-…), or the number with its prescription (--rx), found the number %s alone: after a failover a number can name another patient''s record',
                kind, prefix, btrim(given)));
        END IF;
        given_number := btrim(given)::bigint;
    END IF;
    IF kind = 'reservation' THEN
        SELECT r.id, p.number INTO found, belongs FROM reservation r JOIN prescription_item i ON i.id = r.prescription_item_id
        JOIN prescription p ON p.id = i.prescription_id WHERE r.reference = wanted OR r.id = given_number;
    ELSIF kind = 'dispense' THEN
        SELECT d.id, p.number INTO found, belongs FROM dispense d JOIN prescription_item i ON i.id = d.prescription_item_id
        JOIN prescription p ON p.id = i.prescription_id WHERE d.reference = wanted OR d.id = given_number;
    ELSE
        SELECT f.id, p.number INTO found, belongs FROM fitting f JOIN prescription p ON p.id = f.prescription_id
        WHERE f.reference = wanted OR f.id = given_number;
    END IF;
    IF found IS NULL THEN
        PERFORM cfit_fail('not-found', kind, format('no %s %s', kind, coalesce(wanted, btrim(given))));
    END IF;
    IF rx IS NOT NULL AND belongs <> rx THEN
        PERFORM cfit_fail('refused', 'prescription', format('%s %s is for prescription %s, not %s', kind, coalesce(wanted, btrim(given)), belongs, rx));
    END IF;
    RETURN found;
END
$function$;

GRANT EXECUTE ON FUNCTION cfit_find(text, text, text) TO cfit_fitter;
