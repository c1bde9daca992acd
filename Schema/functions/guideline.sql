-- The shop's clinical guideline (issue 20): the arterial-safety policy and the standard a bare
-- class is read in; what each policy says of an ABPI; each class's pressure; and the gate that
-- keeps a garment above 20 mmHg from being reserved or handed over for a leg whose arterial
-- status nobody has recorded.
--
-- Repeatable: `cfit db migrate` re-applies this file whenever its text changes, after the
-- numbered migrations, so each function's live body is here and only here. A new function's
-- grants go below it.

-- What `policy` says of an ABPI: 'compress', 'confirm' (only with a specialist's confirmation
-- recorded) or 'refuse'. The same table as ArterialPolicy.judge in Sources/Fitting/Safety.swift
-- (a test compares the two at every hundredth from 0.01 to 3.00):
--   nice       NICE CKS, compression stockings: < 0.8 or > 1.3 refuse
--   formulary  NHS formularies (e.g. Devon): < 0.5 refuse; 0.5–0.79 and >= 1.4 confirm
--   s2k        German S2k guideline: < 0.5 refuse; 0.5–0.8 confirm (reduced pressure, <= 30 mmHg)
CREATE OR REPLACE FUNCTION public.cfit_arterial_verdict(policy text, abpi numeric)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$
    SELECT CASE policy
        WHEN 'nice' THEN CASE WHEN abpi < 0.8 OR abpi > 1.3 THEN 'refuse' ELSE 'compress' END
        WHEN 'formulary' THEN CASE WHEN abpi < 0.5 THEN 'refuse' WHEN abpi < 0.8 OR abpi >= 1.4 THEN 'confirm' ELSE 'compress' END
        WHEN 's2k' THEN CASE WHEN abpi < 0.5 THEN 'refuse' WHEN abpi <= 0.8 THEN 'confirm' ELSE 'compress' END
    END
$function$;
GRANT EXECUTE ON FUNCTION cfit_arterial_verdict(text, numeric) TO cfit_fitter;

-- A class's pressure at the ankle in mmHg (upper NULL: open-ended), as PressureStandard.classes
-- in Sources/Fitting/PressureStandard.swift gives it (a test compares the two).
CREATE OR REPLACE FUNCTION public.cfit_class_mmhg(standard text, label text, OUT lower_mmhg numeric, OUT upper_mmhg numeric)
 RETURNS record
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$
    SELECT c.lower_mmhg, c.upper_mmhg FROM (VALUES
        ('RAL', '1', 18, 21), ('RAL', '2', 23, 32), ('RAL', '3', 34, 46), ('RAL', '4', 49, NULL),
        ('BS', '1', 14, 17), ('BS', '2', 18, 24), ('BS', '3', 25, 35),
        ('AFNOR', '1', 10, 15), ('AFNOR', '2', 15.1, 20), ('AFNOR', '3', 20.1, 36), ('AFNOR', '4', 36, NULL),
        ('ENV', 'A', 10, 14), ('ENV', 'I', 15, 21), ('ENV', 'II', 23, 32), ('ENV', 'III', 34, 46), ('ENV', 'IV', 49, NULL),
        ('US', '8-15', 8, 15), ('US', '15-20', 15, 20), ('US', '20-30', 20, 30), ('US', '30-40', 30, 40), ('US', '40-50', 40, 50)
    ) AS c(standard, label, lower_mmhg, upper_mmhg)
    WHERE c.standard = cfit_class_mmhg.standard AND upper(c.label) = upper(cfit_class_mmhg.label)
$function$;
GRANT EXECUTE ON FUNCTION cfit_class_mmhg(text, text) TO cfit_fitter;

-- The guideline as JSON: {"arterialPolicy", "defaultStandard", "updatedAt", "updatedBy"}.
CREATE OR REPLACE FUNCTION public.cfit_guideline_json()
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
    SELECT jsonb_build_object('arterialPolicy', s.arterial_policy, 'defaultStandard', s.default_standard,
        'updatedAt', to_char(s.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'updatedBy', s.updated_by)
    FROM shop_setting s
$function$;
GRANT EXECUTE ON FUNCTION cfit_guideline_json() TO cfit_fitter;

-- Sets the shop's guideline (admin only); NULL keeps a value as it is.
CREATE OR REPLACE FUNCTION public.cfit_set_guideline(key text, request text, policy text, standard text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    result jsonb;
BEGIN
    PERFORM cfit_require('cfit_admin', 'setting the shop''s guideline');
    result := cfit_key_claim(key, 'guideline', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    IF policy IS NOT NULL AND policy NOT IN ('nice', 'formulary', 's2k') THEN
        PERFORM cfit_fail('input', 'policy', format('expected nice, formulary or s2k, found ''%s''', policy));
    END IF;
    IF standard IS NOT NULL AND standard NOT IN ('RAL', 'BS', 'AFNOR', 'ENV', 'US') THEN
        PERFORM cfit_fail('input', 'standard', format('expected RAL, BS, AFNOR, ENV or US, found ''%s''', standard));
    END IF;
    UPDATE shop_setting SET arterial_policy = coalesce(policy, arterial_policy),
        default_standard = coalesce(standard, default_standard), updated_at = now(), updated_by = session_user;
    RETURN cfit_key_store(key, cfit_guideline_json());
END
$function$;
GRANT EXECUTE ON FUNCTION cfit_set_guideline(text, text, text, text) TO cfit_admin;

-- The gate where the harm happens: a garment whose class may exceed 20 mmHg is reserved or handed
-- over only when, for each leg the prescription covers, an ABPI was recorded at a fitting for this
-- patient (and the policy allowed it, confirmed where it asks for a specialist's confirmation) —
-- or the prescription records that the prescriber assessed arterial status. Under s2k a confirmed
-- index allows a reduced class only: at most 30 mmHg.
CREATE OR REPLACE FUNCTION public.cfit_arterial_gate(item_id bigint, article text, what text)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
AS $function$
DECLARE
    item record;
    pressure record;
    leg text;
    known record;
BEGIN
    SELECT p.number, p.patient_id, p.arterial_assessed, i.side, pl.standard, a.class_label INTO item
    FROM prescription_item i JOIN prescription p ON p.id = i.prescription_id
    JOIN article a ON a.sku = article JOIN product_line pl ON pl.id = a.line_id WHERE i.id = item_id;
    pressure := cfit_class_mmhg(item.standard, item.class_label);
    IF pressure.lower_mmhg IS NOT NULL AND coalesce(pressure.upper_mmhg, 1000) <= 20 THEN RETURN; END IF;
    IF item.arterial_assessed THEN RETURN; END IF;
    FOREACH leg IN ARRAY CASE item.side WHEN 'both' THEN ARRAY['left', 'right'] ELSE ARRAY[item.side] END LOOP
        SELECT f.id, f.arterial_policy,
               CASE leg WHEN 'left' THEN f.abpi_left ELSE f.abpi_right END AS abpi,
               CASE leg WHEN 'left' THEN f.verdict_left ELSE f.verdict_right END AS verdict
        INTO known FROM fitting f
        WHERE f.patient_id = item.patient_id AND CASE leg WHEN 'left' THEN f.abpi_left ELSE f.abpi_right END IS NOT NULL
          AND f.voided_at IS NULL
        ORDER BY f.taken_at DESC, f.id DESC LIMIT 1;
        IF NOT FOUND THEN
            PERFORM cfit_fail('refused', 'rx', format(
                '%s %s (%s %s, %s mmHg, above 20 mmHg) needs the %s leg''s ABPI recorded at a fitting for this patient, or the prescriber''s arterial assessment recorded on prescription %s; found neither',
                what, article, item.standard, item.class_label,
                pressure.lower_mmhg || coalesce('–' || pressure.upper_mmhg, '+'), leg, item.number));
        END IF;
        IF known.arterial_policy = 's2k' AND known.verdict = 'confirm' AND coalesce(pressure.upper_mmhg, 1000) > 30 THEN
            PERFORM cfit_fail('refused', 'sku', format(
                '%s %s (%s %s, %s mmHg): the %s leg''s ABPI %s allows only a reduced pressure of 30 mmHg at most (policy s2k: German S2k guideline, medical compression therapy)',
                what, article, item.standard, item.class_label,
                pressure.lower_mmhg || coalesce('–' || pressure.upper_mmhg, '+'), leg, trim_scale(known.abpi)));
        END IF;
    END LOOP;
END
$function$;
