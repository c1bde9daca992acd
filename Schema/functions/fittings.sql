-- Fittings recorded against a prescription.
--
-- Repeatable: `cfit db migrate` re-applies this file whenever its text changes, after the
-- numbered migrations, so each function's live body is here and only here. Owners and grants
-- set by the numbered migrations are kept (CREATE OR REPLACE keeps them); a new function's
-- grants go below it.

CREATE OR REPLACE FUNCTION public.cfit_record_fitting(key text, request text, rx text, style text, class_code text, unit text, measurements jsonb, result jsonb, abpi_left numeric, abpi_right numeric, confirmed_by text, conditions jsonb, contraindications text[], pressures jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    stored jsonb;
    hit record;
    fitting_ref text;
    policy text;
    left_verdict text;
    right_verdict text;
BEGIN
    PERFORM cfit_require('cfit_fitter', 'recording fittings');
    stored := cfit_key_claim(key, 'fit.record', request);
    IF stored IS NOT NULL THEN RETURN stored; END IF;
    SELECT p.id, p.patient_id, p.status INTO hit FROM prescription p WHERE p.number = rx;
    IF NOT FOUND THEN PERFORM cfit_fail('not-found', 'rx', format('expected a prescription number, found ''%s''', rx)); END IF;
    IF hit.status NOT IN ('active', 'draft') THEN
        PERFORM cfit_fail('refused', NULL, format('rx %s: is %s; fittings are recorded against active prescriptions', rx, hit.status));
    END IF;
    -- The shop's policy judges each leg's index here too, so that no face can record what it refuses.
    SELECT s.arterial_policy INTO policy FROM shop_setting s;
    left_verdict := cfit_arterial_verdict(policy, abpi_left);
    right_verdict := cfit_arterial_verdict(policy, abpi_right);
    IF left_verdict = 'refuse' OR right_verdict = 'refuse' THEN
        PERFORM cfit_fail('refused', CASE WHEN left_verdict = 'refuse' THEN 'abpi_left' ELSE 'abpi_right' END,
            format('ABPI %s: policy %s refuses compression for this leg; refer', CASE WHEN left_verdict = 'refuse' THEN abpi_left ELSE abpi_right END, policy));
    END IF;
    -- The checklist: an absolute contraindication refuses; a relative one needs a confirmation.
    contraindications := coalesce(contraindications, '{}');
    IF contraindications && ARRAY['heart-failure', 'septic-phlebitis', 'phlegmasia'] THEN
        PERFORM cfit_fail('refused', 'contraindications', format(
            '%s is an absolute contraindication to compression (German S2k guideline): do not compress; refer',
            array_to_string(ARRAY(SELECT unnest(contraindications) INTERSECT SELECT unnest(ARRAY['heart-failure', 'septic-phlebitis', 'phlegmasia']) ORDER BY 1), ', ')));
    END IF;
    IF contraindications && ARRAY['neuropathy', 'skin', 'graft', 'allergy', 'polyarthritis']
       AND (confirmed_by IS NULL OR btrim(confirmed_by) = '') THEN
        PERFORM cfit_fail('refused', 'confirmed_by', format(
            'expected the specialist who confirmed compression despite %s (a relative contraindication), found none',
            array_to_string(contraindications, ', ')));
    END IF;
    -- S2k: an ankle pressure below 60 mmHg or a toe pressure below 30 mmHg is an absolute contraindication.
    IF policy = 's2k' AND ((pressures->>'ankle_left')::integer < 60 OR (pressures->>'ankle_right')::integer < 60
                           OR (pressures->>'toe_left')::integer < 30 OR (pressures->>'toe_right')::integer < 30) THEN
        PERFORM cfit_fail('refused', NULL,
            'an ankle pressure below 60 mmHg or a toe pressure below 30 mmHg: policy s2k refuses compression; refer');
    END IF;
    IF (left_verdict = 'confirm' OR right_verdict = 'confirm') AND (confirmed_by IS NULL OR btrim(confirmed_by) = '') THEN
        PERFORM cfit_fail('refused', 'confirmed_by', format(
            'expected the specialist who confirmed compression at ABPI %s (policy %s asks for a confirmation recorded), found none',
            CASE WHEN left_verdict = 'confirm' THEN abpi_left ELSE abpi_right END, policy));
    END IF;
    INSERT INTO fitting (prescription_id, patient_id, style, class_code, unit, measurements, result, idempotency_key,
                         arterial_policy, abpi_left, abpi_right, verdict_left, verdict_right, confirmed_by,
                         measured_at, posture, points_marked, after_bandages, legs_raised, foot_length_um, contraindications,
                         ankle_pressure_left, ankle_pressure_right, toe_pressure_left, toe_pressure_right)
    VALUES (hit.id, hit.patient_id, style, class_code, unit, measurements, result, key,
            CASE WHEN abpi_left IS NULL AND abpi_right IS NULL THEN NULL ELSE policy END,
            abpi_left, abpi_right, left_verdict, right_verdict,
            CASE WHEN left_verdict = 'confirm' OR right_verdict = 'confirm'
                   OR contraindications && ARRAY['neuropathy', 'skin', 'graft', 'allergy', 'polyarthritis']
                 THEN btrim(confirmed_by) END,
            coalesce((conditions->>'measured_at')::timestamptz, now()), conditions->>'posture',
            (conditions->>'points_marked')::boolean, (conditions->>'after_bandages')::boolean,
            (conditions->>'legs_raised')::boolean, (conditions->>'foot_length_um')::bigint, contraindications,
            (pressures->>'ankle_left')::integer, (pressures->>'ankle_right')::integer,
            (pressures->>'toe_left')::integer, (pressures->>'toe_right')::integer)
    RETURNING reference INTO fitting_ref;
    RETURN cfit_key_store(key, to_jsonb(fitting_ref));
END
$function$;
GRANT EXECUTE ON FUNCTION cfit_record_fitting(text, text, text, text, text, text, jsonb, jsonb, numeric, numeric, text, jsonb, text[], jsonb) TO cfit_fitter;

CREATE OR REPLACE FUNCTION public.cfit_fitting_void(key text, request text, fitting text, rx text, reason text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    stored jsonb;
    hit record;
BEGIN
    PERFORM cfit_require('cfit_fitter', 'voiding fittings');
    stored := cfit_key_claim(key, 'fit.void', request);
    IF stored IS NOT NULL THEN RETURN stored; END IF;
    IF reason IS NULL OR btrim(reason) = '' THEN
        PERFORM cfit_fail('bad-input', 'reason', 'expected why the fitting is voided, found nothing');
    END IF;
    SELECT f.id, f.reference, f.voided_at, f.void_reason INTO hit FROM fitting f
    WHERE f.id = cfit_find('fitting', fitting, rx) FOR UPDATE;
    IF hit.voided_at IS NOT NULL THEN
        PERFORM cfit_fail('refused', NULL, format('fitting %s: already voided (%s)', hit.reference, hit.void_reason));
    END IF;
    UPDATE fitting SET voided_at = now(), voided_by = session_user, void_reason = btrim(reason) WHERE id = hit.id;
    RETURN cfit_key_store(key, to_jsonb(hit.reference));
END
$function$;
GRANT EXECUTE ON FUNCTION cfit_fitting_void(text, text, text, text, text) TO cfit_fitter;
