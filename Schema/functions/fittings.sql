-- Fittings recorded against a prescription.
--
-- Repeatable: `cfit db migrate` re-applies this file whenever its text changes, after the
-- numbered migrations, so each function's live body is here and only here. Owners and grants
-- set by the numbered migrations are kept (CREATE OR REPLACE keeps them); a new function's
-- grants go below it.

CREATE OR REPLACE FUNCTION public.cfit_record_fitting(key text, request text, rx text, style text, class_code text, unit text, measurements jsonb, result jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    stored jsonb;
    hit record;
    fitting_id bigint;
BEGIN
    PERFORM cfit_require('cfit_fitter', 'recording fittings');
    stored := cfit_key_claim(key, 'fit.record', request);
    IF stored IS NOT NULL THEN RETURN stored; END IF;
    SELECT p.id, p.patient_id, p.status INTO hit FROM prescription p WHERE p.number = rx;
    IF NOT FOUND THEN PERFORM cfit_fail('not-found', 'rx', format('expected a prescription number, found ''%s''', rx)); END IF;
    IF hit.status NOT IN ('active', 'draft') THEN
        PERFORM cfit_fail('refused', NULL, format('rx %s: is %s; fittings are recorded against active prescriptions', rx, hit.status));
    END IF;
    INSERT INTO fitting (prescription_id, patient_id, style, class_code, unit, measurements, result, idempotency_key)
    VALUES (hit.id, hit.patient_id, style, class_code, unit, measurements, result, key) RETURNING id INTO fitting_id;
    RETURN cfit_key_store(key, to_jsonb(fitting_id));
END
$function$;
