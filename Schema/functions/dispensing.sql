-- Dispensing: a reserved unit handed over, a dispense taken back as a return.
--
-- Repeatable: `cfit db migrate` re-applies this file whenever its text changes, after the
-- numbered migrations, so each function's live body is here and only here. Owners and grants
-- set by the numbered migrations are kept (CREATE OR REPLACE keeps them); a new function's
-- grants go below it.

CREATE OR REPLACE FUNCTION public.cfit_dispense(key text, request text, reservation_ref text, rx text, today date)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    result jsonb;
    held record;
    dispense_id bigint;
    reservation_id bigint;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'dispensing');
    result := cfit_key_claim(key, 'dispense', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    today := cfit_today(today);
    reservation_id := cfit_find('reservation', reservation_ref, rx);
    SELECT r.reference, r.status, r.balance_id, r.prescription_item_id, r.quantity, i.prescription_id, p.number,
           p.status AS rx_status, p.valid_until < today AS rx_expired, l.code AS lot,
           unusable_reason(b.state, l.status, l.expires_on, today) AS unusable
    INTO held
    FROM reservation r JOIN prescription_item i ON i.id = r.prescription_item_id JOIN prescription p ON p.id = i.prescription_id
    JOIN stock_balance b ON b.id = r.balance_id LEFT JOIN lot l ON l.id = b.lot_id
    WHERE r.id = reservation_id FOR UPDATE OF r;
    IF held.status <> 'active' THEN
        PERFORM cfit_fail('refused', NULL, format('reservation %s: is %s, not active', held.reference, held.status));
    END IF;
    IF held.rx_status <> 'active' THEN
        PERFORM cfit_fail('refused', NULL, format('reservation %s: its prescription is %s', held.reference, held.rx_status));
    END IF;
    IF held.rx_expired THEN
        PERFORM cfit_fail('refused', NULL, format('reservation %s: its prescription has expired', held.reference));
    END IF;
    IF held.unusable IS NOT NULL THEN
        PERFORM cfit_fail('refused', NULL, format('reservation %s: lot %s is %s and must not be handed over; release the reservation and reserve another unit',
            held.reference, coalesce(held.lot, '-'), held.unusable));
    END IF;
    PERFORM cfit_arterial_gate(held.prescription_item_id, (SELECT b.sku FROM stock_balance b WHERE b.id = held.balance_id), 'handing over');
    -- Same lock order as reserve: the prescription item, then the balance.
    UPDATE prescription_item SET quantity_reserved = quantity_reserved - held.quantity,
        quantity_dispensed = quantity_dispensed + held.quantity WHERE id = held.prescription_item_id;
    UPDATE stock_balance SET on_hand = on_hand - held.quantity, reserved = reserved - held.quantity WHERE id = held.balance_id;
    UPDATE reservation SET status = 'fulfilled', closed_at = now() WHERE id = reservation_id;
    PERFORM cfit_post(held.balance_id, -held.quantity, 'dispense', format('reservation %s, rx %s', held.reference, held.number), NULL);
    INSERT INTO dispense (reservation_id, prescription_item_id, sku, lot_id, location_id, quantity, idempotency_key)
    SELECT reservation_id, held.prescription_item_id, b.sku, b.lot_id, b.location_id, held.quantity, key
    FROM stock_balance b WHERE b.id = held.balance_id
    RETURNING id INTO dispense_id;
    UPDATE prescription SET status = 'completed' WHERE id = held.prescription_id
      AND NOT EXISTS (SELECT 1 FROM prescription_item WHERE prescription_id = held.prescription_id
                      AND quantity_dispensed < quantity_prescribed);
    RETURN cfit_key_store(key, cfit_dispense_json(dispense_id));
END
$function$;

GRANT EXECUTE ON FUNCTION cfit_dispense(text, text, text, text, date) TO cfit_pharmacy;

CREATE OR REPLACE FUNCTION public.cfit_dispense_json(dispense_id bigint)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
    SELECT jsonb_build_object('id', d.reference, 'reservation', r.reference, 'prescription', p.number, 'sku', d.sku,
        'lot', l.code, 'location', loc.code, 'quantity', d.quantity, 'handedOverAt', cfit_time(d.handed_over_at),
        'actor', d.actor)
    FROM dispense d JOIN reservation r ON r.id = d.reservation_id
    JOIN prescription_item i ON i.id = d.prescription_item_id JOIN prescription p ON p.id = i.prescription_id
    JOIN location loc ON loc.id = d.location_id LEFT JOIN lot l ON l.id = d.lot_id WHERE d.id = dispense_id
$function$;

CREATE OR REPLACE FUNCTION public.cfit_return(key text, request text, dispense_ref text, rx text, quantity integer, reason text, location text, reopen boolean, today date)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    result jsonb;
    place bigint;
    item_id bigint;
    item record;
    handed record;
    units integer;
    balance bigint;
    rx_status text;
    reopened boolean := false;
    dispense_id bigint;
    return_id bigint;
    return_ref text;
    movement jsonb;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'taking garments back');
    result := cfit_key_claim(key, 'return', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    IF quantity IS NOT NULL THEN PERFORM cfit_units(quantity, 'quantity'); END IF;
    today := cfit_today(today);
    place := cfit_location(location);
    dispense_id := cfit_find('dispense', dispense_ref, rx);
    SELECT d.prescription_item_id INTO item_id FROM dispense d WHERE d.id = dispense_id;
    -- Lock order: the prescription item, then the dispense, then the balance.
    SELECT p.id AS rx_id, p.number, p.status, p.valid_until < today AS expired INTO item
    FROM prescription_item i JOIN prescription p ON p.id = i.prescription_id WHERE i.id = item_id FOR UPDATE OF i;
    SELECT d.reference, d.sku, d.lot_id, d.quantity - d.quantity_returned AS outstanding INTO handed
    FROM dispense d WHERE d.id = dispense_id FOR UPDATE;
    units := coalesce(quantity, handed.outstanding);
    IF units < 1 OR units > handed.outstanding THEN
        PERFORM cfit_fail('refused', NULL, format('return: dispense %s has %s garment%s of %s not yet returned; %s cannot come back',
            handed.reference, handed.outstanding, CASE WHEN handed.outstanding = 1 THEN '' ELSE 's' END, handed.sku, units));
    END IF;
    INSERT INTO stock_balance (sku, location_id, lot_id, state, on_hand) VALUES (handed.sku, place, handed.lot_id, 'returned', units)
    ON CONFLICT ON CONSTRAINT stock_balance_place DO UPDATE SET on_hand = stock_balance.on_hand + EXCLUDED.on_hand
    RETURNING id INTO balance;
    rx_status := item.status;
    IF reopen AND item.status = 'completed' THEN
        IF item.expired THEN
            PERFORM cfit_fail('refused', 'reopen', format('rx %s has expired; a replacement needs a new prescription', item.number));
        END IF;
        reopened := true;
        rx_status := 'active';
    END IF;
    INSERT INTO dispense_return (dispense_id, balance_id, quantity, reason, reopened, idempotency_key)
    VALUES (dispense_id, balance, units, reason, reopened, key) RETURNING id, reference INTO return_id, return_ref;
    UPDATE dispense SET quantity_returned = quantity_returned + units WHERE id = dispense_id;
    UPDATE prescription_item SET quantity_dispensed = quantity_dispensed - units WHERE id = item_id;
    IF reopened THEN UPDATE prescription SET status = 'active' WHERE id = item.rx_id; END IF;
    movement := cfit_post(balance, units, 'return', format('return %s of dispense %s, rx %s', return_ref, handed.reference, item.number),
                          NULL, NULL, return_id);
    RETURN cfit_key_store(key, jsonb_build_object('id', return_ref, 'dispense', handed.reference, 'prescription', item.number,
        'sku', handed.sku, 'lot', movement->'lot', 'location', location, 'quantity', units, 'reason', reason,
        'reopened', reopened, 'prescriptionStatus', rx_status, 'actor', movement->'actor'));
END
$function$;

GRANT EXECUTE ON FUNCTION cfit_return(text, text, text, text, integer, text, text, boolean, date) TO cfit_pharmacy;
