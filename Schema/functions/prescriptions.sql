-- Prescriptions: new, cancelled, shown.
--
-- Repeatable: `cfit db migrate` re-applies this file whenever its text changes, after the
-- numbered migrations, so each function's live body is here and only here. Owners and grants
-- set by the numbered migrations are kept (CREATE OR REPLACE keeps them); a new function's
-- grants go below it.

CREATE OR REPLACE FUNCTION public.cfit_prescription_json(rx text)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
    SELECT jsonb_build_object('number', p.number, 'patient', pa.reference, 'patientName', pa.display_name,
        'prescriber', pr.reference, 'status', p.status, 'style', i.style, 'pressureClass', i.standard || ':' || i.class_label,
        'side', i.side, 'quantityPrescribed', i.quantity_prescribed, 'quantityReserved', i.quantity_reserved,
        'quantityDispensed', i.quantity_dispensed, 'validUntil', p.valid_until::text, 'diagnosis', p.diagnosis,
        'arterialAssessed', p.arterial_assessed, 'washingSet', i.washing_set, 'statusReason', p.status_reason)
    FROM prescription p JOIN patient pa ON pa.id = p.patient_id JOIN prescriber pr ON pr.id = p.prescriber_id
    JOIN prescription_item i ON i.prescription_id = p.id WHERE p.number = rx
$function$;

CREATE OR REPLACE FUNCTION public.cfit_release_held(rx_id bigint, status text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
DECLARE
    held record;
    released jsonb := '[]';
BEGIN
    -- Closes every active reservation of prescription `rx_id` with `status` (released, expired),
    -- in the balances' lock order, and returns them as they now are.
    FOR held IN
        SELECT r.id FROM reservation r JOIN prescription_item i ON i.id = r.prescription_item_id
        WHERE i.prescription_id = rx_id AND r.status = 'active' ORDER BY r.balance_id, r.id
    LOOP
        PERFORM cfit_close_reservation(held.id, status);
        released := released || jsonb_build_array(cfit_reservation_json(held.id));
    END LOOP;
    RETURN released;
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_rx_cancel(key text, request text, rx text, reason text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    result jsonb;
    hit record;
    released jsonb;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'cancelling prescriptions');
    result := cfit_key_claim(key, 'rx.cancel', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    IF reason IS NULL OR btrim(reason) = '' THEN
        PERFORM cfit_fail('bad-input', 'reason', 'expected why the prescription is cancelled, found nothing');
    END IF;
    SELECT p.id, p.status INTO hit FROM prescription p WHERE p.number = rx FOR UPDATE;
    IF NOT FOUND THEN PERFORM cfit_fail('not-found', 'rx', format('expected a prescription number, found ''%s''', rx)); END IF;
    IF hit.status NOT IN ('active', 'on-hold', 'draft') THEN
        PERFORM cfit_fail('refused', NULL, format('rx %s: is %s; only an active, on-hold or draft prescription can be cancelled', rx, hit.status));
    END IF;
    released := cfit_release_held(hit.id, 'released');
    UPDATE prescription SET status = 'revoked', status_reason = btrim(reason), status_changed_at = now(),
        status_changed_by = session_user
    WHERE id = hit.id;
    RETURN cfit_key_store(key, cfit_prescription_json(rx) || jsonb_build_object('released', released));
END
$function$;
GRANT EXECUTE ON FUNCTION cfit_rx_cancel(text, text, text, text) TO cfit_pharmacy;

CREATE OR REPLACE FUNCTION public.cfit_rx_expire(key text, request text, today date)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    result jsonb;
    hit record;
    released jsonb;
    expired jsonb := '[]';
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'expiring prescriptions');
    result := cfit_key_claim(key, 'rx.expire', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    today := cfit_today(today);
    -- Lock order everywhere: prescription, its reservations, then balances.
    FOR hit IN
        SELECT p.id, p.number, p.valid_until FROM prescription p
        WHERE p.status IN ('active', 'on-hold') AND p.valid_until < today ORDER BY p.id FOR UPDATE
    LOOP
        released := cfit_release_held(hit.id, 'expired');
        UPDATE prescription SET status = 'expired', status_reason = format('valid until %s', hit.valid_until),
            status_changed_at = now(), status_changed_by = session_user
        WHERE id = hit.id;
        expired := expired || jsonb_build_array(cfit_prescription_json(hit.number) || jsonb_build_object('released', released));
    END LOOP;
    RETURN cfit_key_store(key, jsonb_build_object('today', today::text, 'expired', expired));
END
$function$;
GRANT EXECUTE ON FUNCTION cfit_rx_expire(text, text, date) TO cfit_pharmacy;

CREATE OR REPLACE FUNCTION public.cfit_rx_new(key text, request text, number text, patient text, patient_name text, prescriber text, prescriber_name text, style text, standard text, class_label text, side text, quantity integer, valid_until date, diagnosis text, arterial_assessed boolean, washing_set boolean, today date)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    result jsonb;
    patient_id bigint;
    prescriber_id bigint;
    rx_id bigint;
    chosen text := number;
    tries integer := 0;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'recording prescriptions');
    result := cfit_key_claim(key, 'rx.new', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    today := cfit_today(today);
    patient_id := cfit_party('patient', patient, patient_name, 'patient');
    prescriber_id := cfit_party('prescriber', prescriber, prescriber_name, 'prescriber');
    -- A given number must be new; a made-up one comes from the sequence, skipping numbers taken.
    LOOP
        IF number IS NULL THEN chosen := cfit_new_reference('RX'); END IF;
        INSERT INTO prescription (number, patient_id, prescriber_id, authored_on, valid_from, valid_until, diagnosis,
                                  arterial_assessed, idempotency_key)
        VALUES (chosen, patient_id, prescriber_id, today, today, valid_until, diagnosis, arterial_assessed, key)
        ON CONFLICT ON CONSTRAINT prescription_number_key DO NOTHING RETURNING id INTO rx_id;
        EXIT WHEN rx_id IS NOT NULL;
        IF number IS NOT NULL THEN
            PERFORM cfit_fail('conflict', 'number', format('expected a prescription number not used before, found ''%s''', number));
        END IF;
        tries := tries + 1;
        IF tries >= 1000 THEN
            PERFORM cfit_fail('refused', NULL, 'rx new: expected a free prescription number, found none in 1000 tries');
        END IF;
    END LOOP;
    INSERT INTO prescription_item (prescription_id, style, standard, class_label, side, quantity_prescribed, washing_set)
    VALUES (rx_id, style, standard, class_label, side, quantity, coalesce(washing_set, false));
    RETURN cfit_key_store(key, cfit_prescription_json(chosen));
END
$function$;
GRANT EXECUTE ON FUNCTION cfit_rx_new(text, text, text, text, text, text, text, text, text, text, text, integer, date, text, boolean, boolean, date) TO cfit_pharmacy;
