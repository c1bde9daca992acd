-- Patients and prescribers (parties): found or added.
--
-- Repeatable: `cfit db migrate` re-applies this file whenever its text changes, after the
-- numbered migrations, so each function's live body is here and only here. Owners and grants
-- set by the numbered migrations are kept (CREATE OR REPLACE keeps them); a new function's
-- grants go below it.

CREATE OR REPLACE FUNCTION public.cfit_party(kind text, reference text, name text, flag text)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
DECLARE
    found_id bigint;
    known text;
BEGIN
    IF kind = 'patient' THEN
        SELECT id, display_name INTO found_id, known FROM patient p WHERE p.reference = cfit_party.reference;
    ELSE
        SELECT id, display_name INTO found_id, known FROM prescriber p WHERE p.reference = cfit_party.reference;
    END IF;
    -- A name given for a known reference must be the one on record: another name means another
    -- person, or a mistyped reference.
    IF found_id IS NOT NULL AND name IS NOT NULL AND btrim(name) <> ''
       AND lower(btrim(name)) IS DISTINCT FROM lower(btrim(known)) THEN
        PERFORM cfit_fail('conflict', flag || '_name', format('expected the name on record for %s %s, ''%s'', found ''%s'': check the reference (or leave the name out)',
            kind, reference, known, name));
    END IF;
    IF found_id IS NOT NULL THEN RETURN found_id; END IF;
    IF name IS NULL OR btrim(name) = '' THEN
        PERFORM cfit_fail('not-found', flag, format('expected a known %s reference (or give --%s-name to add one), found ''%s''',
            kind, flag, reference));
    END IF;
    IF kind = 'patient' THEN
        INSERT INTO patient (reference, display_name) VALUES (reference, name)
        ON CONFLICT ON CONSTRAINT patient_reference_key DO UPDATE SET reference = EXCLUDED.reference RETURNING id INTO found_id;
    ELSE
        INSERT INTO prescriber (reference, display_name) VALUES (reference, name)
        ON CONFLICT ON CONSTRAINT prescriber_reference_key DO UPDATE SET reference = EXCLUDED.reference RETURNING id INTO found_id;
    END IF;
    RETURN found_id;
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_party_add(key text, request text, kind text, reference text, name text, born date, different_person boolean)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    result jsonb;
    twin record;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'adding ' || kind || 's');
    result := cfit_key_claim(key, kind || '.add', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    IF reference IS NULL OR btrim(reference) <> reference OR reference = '' OR length(reference) > 100 THEN
        PERFORM cfit_fail('input', 'reference', format('expected a reference of 1 to 100 characters without surrounding spaces, found ''%s''', coalesce(reference, '')));
    END IF;
    IF name IS NULL OR btrim(name) = '' OR length(name) > 200 THEN
        PERFORM cfit_fail('input', 'name', format('expected the %s''s name (1 to 200 characters), found ''%s''', kind, coalesce(name, '')));
    END IF;
    IF kind = 'patient' THEN
        IF EXISTS (SELECT FROM patient p WHERE p.reference = cfit_party_add.reference) THEN
            PERFORM cfit_fail('conflict', 'reference', format('expected a new patient reference, found ''%s'' already in use', reference));
        END IF;
        -- The same name and birth date is most likely the same person under a second reference.
        IF born IS NOT NULL AND NOT coalesce(different_person, false) THEN
            SELECT p.reference INTO twin FROM patient p
            WHERE p.birth_date = born AND lower(btrim(p.display_name)) = lower(btrim(name)) ORDER BY p.id LIMIT 1;
            IF FOUND THEN
                PERFORM cfit_fail('conflict', 'differentPerson', format(
                    '%s, born %s, is already patient %s: use that reference, or confirm this is a different person',
                    btrim(name), born, twin.reference));
            END IF;
        END IF;
        INSERT INTO patient (reference, display_name, birth_date) VALUES (reference, btrim(name), born);
        RETURN cfit_key_store(key, jsonb_build_object('reference', reference, 'name', btrim(name), 'born', born::text));
    END IF;
    IF EXISTS (SELECT FROM prescriber p WHERE p.reference = cfit_party_add.reference) THEN
        PERFORM cfit_fail('conflict', 'reference', format('expected a new prescriber reference, found ''%s'' already in use', reference));
    END IF;
    INSERT INTO prescriber (reference, display_name) VALUES (reference, btrim(name));
    RETURN cfit_key_store(key, jsonb_build_object('reference', reference, 'name', btrim(name)));
END
$function$;
GRANT EXECUTE ON FUNCTION cfit_party_add(text, text, text, text, text, date, boolean) TO cfit_pharmacy;

CREATE OR REPLACE FUNCTION public.cfit_patient_contact_set(key text, request text, patient text, phone text, email text, address text, preferred text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    result jsonb;
    found_id bigint;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'recording patients'' contact details');
    result := cfit_key_claim(key, 'patient.contact', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    SELECT p.id INTO found_id FROM patient p WHERE p.reference = cfit_patient_contact_set.patient;
    IF NOT FOUND THEN
        PERFORM cfit_fail('not-found', 'patient', format('expected a known patient reference, found ''%s''', patient));
    END IF;
    IF preferred = 'phone' AND phone IS NULL OR preferred = 'email' AND email IS NULL OR preferred = 'letter' AND address IS NULL THEN
        PERFORM cfit_fail('input', 'preferred', format('expected %s given with it, found none',
            CASE preferred WHEN 'phone' THEN 'a phone number' WHEN 'email' THEN 'an e-mail address' ELSE 'an address' END));
    END IF;
    INSERT INTO patient_contact AS c (patient_id, phone, email, address, preferred)
    VALUES (found_id, phone, email, address, preferred)
    ON CONFLICT (patient_id) DO UPDATE SET phone = EXCLUDED.phone, email = EXCLUDED.email, address = EXCLUDED.address,
        preferred = EXCLUDED.preferred, updated_at = now(), updated_by = session_user;
    RETURN cfit_key_store(key, (SELECT jsonb_build_object('phone', c.phone, 'email', c.email, 'address', c.address,
        'preferred', c.preferred, 'updatedAt', cfit_time(c.updated_at), 'updatedBy', c.updated_by)
        FROM patient_contact c WHERE c.patient_id = found_id));
END
$function$;
GRANT EXECUTE ON FUNCTION cfit_patient_contact_set(text, text, text, text, text, text, text) TO cfit_pharmacy;
