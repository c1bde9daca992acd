-- Lots: found or created on receipt, shown, held, released and recalled.
--
-- Repeatable: `cfit db migrate` re-applies this file whenever its text changes, after the
-- numbered migrations, so each function's live body is here and only here. Owners and grants
-- set by the numbered migrations are kept (CREATE OR REPLACE keeps them); a new function's
-- grants go below it.

CREATE OR REPLACE FUNCTION public.cfit_lot(code text, sku text, expires date)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
DECLARE
    hit record;
BEGIN
    INSERT INTO lot (sku, code, expires_on) VALUES (sku, code, expires) ON CONFLICT ON CONSTRAINT lot_sku_code_key DO NOTHING;
    SELECT l.id, l.expires_on INTO hit FROM lot l WHERE l.sku = cfit_lot.sku AND l.code = cfit_lot.code FOR UPDATE;
    IF hit.expires_on IS NOT NULL AND expires IS NOT NULL AND hit.expires_on <> expires THEN
        PERFORM cfit_fail('input', 'expires', format('lot %s of %s is recorded as expiring %s, found %s; check the box (a lot has one expiry)',
            code, sku, hit.expires_on, expires));
    ELSIF hit.expires_on IS NULL AND expires IS NOT NULL THEN
        UPDATE lot SET expires_on = expires WHERE id = hit.id;
    END IF;
    RETURN hit.id;
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_lot_json(lot_id bigint)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
AS $function$
BEGIN
    RETURN (
        SELECT jsonb_build_object(
            'code', l.code, 'sku', l.sku, 'expiresOn', l.expires_on::text, 'status', l.status,
            'stock', coalesce((SELECT jsonb_agg(jsonb_build_object('location', loc.code, 'onHand', b.on_hand, 'reserved', b.reserved,
                                                                    'returned', b.state = 'returned') ORDER BY loc.code, b.state)
                               FROM stock_balance b JOIN location loc ON loc.id = b.location_id
                               WHERE b.lot_id = l.id AND b.on_hand > 0), '[]'),
            'reservations', coalesce((SELECT jsonb_agg(jsonb_build_object('id', r.reference, 'prescription', p.number,
                                                                          'patient', pa.reference, 'location', loc.code) ORDER BY r.id)
                                      FROM reservation r JOIN stock_balance b ON b.id = r.balance_id
                                      JOIN location loc ON loc.id = b.location_id
                                      JOIN prescription_item i ON i.id = r.prescription_item_id
                                      JOIN prescription p ON p.id = i.prescription_id JOIN patient pa ON pa.id = p.patient_id
                                      WHERE b.lot_id = l.id AND r.status = 'active'), '[]'),
            'dispenses', coalesce((SELECT jsonb_agg(jsonb_build_object('id', d.reference, 'handedOverAt', cfit_time(d.handed_over_at),
                                                                       'prescription', p.number, 'patient', pa.reference,
                                                                       'patientName', pa.display_name, 'quantity', d.quantity,
                                                                       'returned', d.quantity_returned) ORDER BY d.id)
                                   FROM dispense d JOIN prescription_item i ON i.id = d.prescription_item_id
                                   JOIN prescription p ON p.id = i.prescription_id JOIN patient pa ON pa.id = p.patient_id
                                   WHERE d.lot_id = l.id), '[]'),
            'events', coalesce((SELECT jsonb_agg(jsonb_build_object('status', e.status, 'reason', e.reason, 'actor', e.actor,
                                                                    'at', cfit_time(e.occurred_at)) ORDER BY e.id)
                                FROM lot_event e WHERE e.lot_id = l.id), '[]'))
        FROM lot l WHERE l.id = cfit_lot_json.lot_id
    );
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_lot_named(code text, sku text)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
DECLARE
    article text;
    found_ids bigint[];
BEGIN
    -- The lot a code names, of the article `sku` names when several articles have the code.
    IF sku IS NOT NULL THEN article := cfit_article(sku); END IF;
    SELECT array_agg(l.id) INTO found_ids FROM lot l WHERE l.code = cfit_lot_named.code AND (article IS NULL OR l.sku = article);
    IF found_ids IS NULL THEN
        PERFORM cfit_fail('not-found', 'lot', format('expected a lot received before%s, found ''%s''', coalesce(' of ' || article, ''), code));
    ELSIF cardinality(found_ids) > 1 THEN
        PERFORM cfit_fail('input', 'sku', format('expected the article, since lot %s exists for %s', code,
            (SELECT string_agg(l.sku, ', ' ORDER BY l.sku) FROM lot l WHERE l.code = cfit_lot_named.code)));
    END IF;
    RETURN found_ids[1];
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_lot_status(key text, request text, code text, sku text, status text, reason text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    result jsonb;
    target record;
    named bigint;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'holding and recalling lots');
    result := cfit_key_claim(key, 'lot.' || status, request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    IF reason IS NULL OR btrim(reason) = '' OR length(reason) > 500 THEN
        PERFORM cfit_fail('input', 'reason', format('expected why (1 to 500 characters), found ''%s''', coalesce(reason, '')));
    END IF;
    -- Named first, apart from the query: a function in a WHERE clause runs only for rows there are.
    named := cfit_lot_named(code, sku);
    SELECT l.id, l.sku, l.status INTO target FROM lot l WHERE l.id = named FOR UPDATE;
    IF target.status = 'recalled' THEN
        PERFORM cfit_fail('refused', NULL, format('lot %s of %s: is recalled; a recall is final', code, target.sku));
    END IF;
    IF status = 'approved' AND target.status = 'approved' THEN
        PERFORM cfit_fail('refused', NULL, format('lot %s of %s: is not held', code, target.sku));
    END IF;
    UPDATE lot SET status = cfit_lot_status.status WHERE id = target.id;
    INSERT INTO lot_event (lot_id, status, reason, idempotency_key) VALUES (target.id, status, btrim(reason), key);
    RETURN cfit_key_store(key, cfit_lot_json(target.id));
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_recall_contact_set(key text, request text, code text, sku text, dispense text, rx text, status text, note text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    result jsonb;
    target record;
    named bigint;
    given record;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'working a recall');
    result := cfit_key_claim(key, 'recall.contact', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    -- Named first, apart from the query: a function in a WHERE clause runs only for rows there are.
    named := cfit_lot_named(code, sku);
    SELECT l.id, l.sku, l.status INTO target FROM lot l WHERE l.id = named;
    IF target.status <> 'recalled' THEN
        PERFORM cfit_fail('refused', NULL, format('lot %s of %s: is %s, not recalled; its contact list is worked once it is', code, target.sku, target.status));
    END IF;
    SELECT d.id, d.reference, d.lot_id INTO given FROM dispense d WHERE d.id = cfit_find('dispense', dispense, rx) FOR UPDATE;
    IF given.lot_id IS DISTINCT FROM target.id THEN
        PERFORM cfit_fail('refused', 'dispense', format('expected a hand-over of lot %s, found %s, of another lot', code, given.reference));
    END IF;
    INSERT INTO recall_contact AS r (dispense_id, status, note) VALUES (given.id, status, note)
    ON CONFLICT (dispense_id) DO UPDATE SET status = EXCLUDED.status, note = EXCLUDED.note, updated_at = now(),
        updated_by = session_user;
    RETURN cfit_key_store(key, jsonb_build_object('dispense', given.reference, 'status', status, 'note', note));
END
$function$;
GRANT EXECUTE ON FUNCTION cfit_recall_contact_set(text, text, text, text, text, text, text, text) TO cfit_pharmacy;
