-- Reservations: a unit reserved for a prescription, released, closed, shown.
--
-- Repeatable: `cfit db migrate` re-applies this file whenever its text changes, after the
-- numbered migrations, so each function's live body is here and only here. Owners and grants
-- set by the numbered migrations are kept (CREATE OR REPLACE keeps them); a new function's
-- grants go below it.

CREATE OR REPLACE FUNCTION public.cfit_close_reservation(reservation_id bigint, status text)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
DECLARE
    held record;
BEGIN
    SELECT r.status, r.balance_id, r.prescription_item_id, r.reference INTO held FROM reservation r WHERE r.id = reservation_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cfit_fail('not-found', 'reservation', format('no reservation %s', reservation_id));
    END IF;
    IF held.status <> 'active' THEN
        PERFORM cfit_fail('refused', NULL, format('reservation %s: is %s, not active', held.reference, held.status));
    END IF;
    UPDATE prescription_item SET quantity_reserved = quantity_reserved - 1 WHERE id = held.prescription_item_id;
    UPDATE stock_balance SET reserved = reserved - 1 WHERE id = held.balance_id;
    UPDATE reservation SET status = cfit_close_reservation.status, closed_at = now() WHERE id = reservation_id;
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_release(key text, request text, reservation_ref text, rx text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    result jsonb;
    reservation_id bigint;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'releasing a reservation');
    result := cfit_key_claim(key, 'release', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    reservation_id := cfit_find('reservation', reservation_ref, rx);
    PERFORM cfit_close_reservation(reservation_id, 'released');
    RETURN cfit_key_store(key, cfit_reservation_json(reservation_id));
END
$function$;

GRANT EXECUTE ON FUNCTION cfit_release(text, text, text, text) TO cfit_pharmacy;

CREATE OR REPLACE FUNCTION public.cfit_reservation_json(reservation_id bigint)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
    SELECT jsonb_build_object('id', r.reference, 'prescription', p.number, 'sku', b.sku, 'location', loc.code, 'lot', l.code,
        'quantity', r.quantity, 'status', r.status, 'actor', r.actor, 'confirmedReason', r.confirmed_reason)
    FROM reservation r JOIN prescription_item i ON i.id = r.prescription_item_id JOIN prescription p ON p.id = i.prescription_id
    JOIN stock_balance b ON b.id = r.balance_id JOIN location loc ON loc.id = b.location_id LEFT JOIN lot l ON l.id = b.lot_id
    WHERE r.id = reservation_id
$function$;

CREATE OR REPLACE FUNCTION public.cfit_reserve(key text, request text, rx text, sku text, location text, today date, confirmed_reason text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    result jsonb;
    article text;
    place bigint;
    item record;
    details record;
    wanted text;
    offered text;
    balance bigint;
    attempts integer := 0;
    elsewhere text;
    blocked bigint;
    reservation_id bigint;
    fitted record;
    confirmed text;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'reserving');
    result := cfit_key_claim(key, 'reserve', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    today := cfit_today(today);
    article := cfit_article(sku);
    place := cfit_location(location);
    -- Lock order everywhere: prescription item, then balances.
    SELECT i.id, p.id AS rx_id, p.status, p.valid_until < today AS expired, p.valid_from > today AS early, i.style, i.standard,
           i.class_label, i.quantity_prescribed, i.quantity_reserved, i.quantity_dispensed
    INTO item FROM prescription p JOIN prescription_item i ON i.prescription_id = p.id WHERE p.number = rx FOR UPDATE OF i;
    IF NOT FOUND THEN
        PERFORM cfit_fail('not-found', 'rx', format('expected a prescription number, found ''%s''', rx));
    END IF;
    IF item.status <> 'active' THEN PERFORM cfit_fail('refused', NULL, format('rx %s: is %s, not active', rx, item.status)); END IF;
    IF item.expired THEN PERFORM cfit_fail('refused', NULL, format('rx %s: has expired', rx)); END IF;
    IF item.early THEN PERFORM cfit_fail('refused', NULL, format('rx %s: is not valid yet', rx)); END IF;
    IF item.quantity_reserved + item.quantity_dispensed >= item.quantity_prescribed THEN
        PERFORM cfit_fail('refused', NULL, format('rx %s: all %s prescribed garments are already reserved or dispensed', rx, item.quantity_prescribed));
    END IF;
    SELECT a.style, pl.standard || ':' || a.class_label AS class_code, a.active, a.line_id, a.size_name, a.length_name INTO details
    FROM article a JOIN product_line pl ON pl.id = a.line_id WHERE a.sku = article;
    wanted := item.standard || ':' || item.class_label;
    IF details.style <> item.style OR details.class_code <> wanted THEN
        PERFORM cfit_fail('refused', 'sku', format('%s is %s %s; rx %s prescribes %s %s', article, details.style,
            details.class_code, rx, item.style, wanted));
    END IF;
    IF NOT details.active THEN
        PERFORM cfit_fail('refused', 'sku', format('%s is no longer in the catalog (inactive)', article));
    END IF;
    PERFORM cfit_arterial_gate(item.id, article, 'reserving');
    -- What the prescription's last fitting (not voided) chose in this article's line: another size,
    -- or a ready-made garment where it said made-to-measure, is reserved only with a reason.
    SELECT f.reference,
           string_agg(DISTINCT CASE WHEN line->>'outcome' = 'made-to-measure' THEN 'made-to-measure'
                                    ELSE 'size ' || (line->>'size') || ' ' || (line->>'length') END, ' and ') AS chose,
           bool_or(line->>'outcome' = 'standard' AND line->>'size' = details.size_name
                   AND line->>'length' = details.length_name) AS matches
    INTO fitted
    FROM (SELECT g.reference, g.result FROM fitting g WHERE g.prescription_id = item.rx_id AND g.voided_at IS NULL
          ORDER BY g.taken_at DESC, g.id DESC LIMIT 1) f
    CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN f.result ? 'version' THEN f.result -> 'legs' ELSE '[]' END) leg
    CROSS JOIN LATERAL jsonb_array_elements(leg -> 'lines') line
    WHERE line->>'line' = details.line_id
    GROUP BY f.reference;
    IF FOUND AND NOT fitted.matches THEN
        IF confirmed_reason IS NULL OR btrim(confirmed_reason) = '' THEN
            PERFORM cfit_fail('conflict', 'confirmedReason', format(
                '%s is size %s %s; fitting %s for rx %s chose %s in line %s: give the reason to reserve it anyway',
                article, details.size_name, details.length_name, fitted.reference, rx, fitted.chose, details.line_id));
        END IF;
        confirmed := btrim(confirmed_reason);
    END IF;
    -- The earliest-expiring usable balance with a unit free. A concurrent reserver may take the
    -- chosen row's last unit while this waits for its lock; the row is then re-checked and not
    -- updated, so look again while some unit is still free here.
    LOOP
        UPDATE stock_balance SET reserved = reserved + 1
        WHERE id = (
            SELECT b.id FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
            WHERE b.sku = article AND b.location_id = place AND b.on_hand - b.reserved >= 1
              AND unusable_reason(b.state, l.status, l.expires_on, today) IS NULL
            ORDER BY l.expires_on NULLS LAST, b.id LIMIT 1 FOR UPDATE OF b
        ) AND on_hand - reserved >= 1
        RETURNING id INTO balance;
        EXIT WHEN balance IS NOT NULL OR attempts >= 8;
        attempts := attempts + 1;
        EXIT WHEN NOT EXISTS (
            SELECT 1 FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
            WHERE b.sku = article AND b.location_id = place AND b.on_hand - b.reserved >= 1
              AND unusable_reason(b.state, l.status, l.expires_on, today) IS NULL);
    END LOOP;
    IF balance IS NULL THEN
        SELECT string_agg(code || ' (' || available || ')', ', ' ORDER BY code) INTO elsewhere FROM (
            SELECT loc.code, sum(b.on_hand - b.reserved) AS available
            FROM stock_balance b JOIN location loc ON loc.id = b.location_id LEFT JOIN lot l ON l.id = b.lot_id
            WHERE b.sku = article AND b.location_id <> place AND b.on_hand > b.reserved
              AND unusable_reason(b.state, l.status, l.expires_on, today) IS NULL
            GROUP BY loc.code) places;
        blocked := cfit_unusable_units(article, place, today);
        PERFORM cfit_fail('refused', NULL, format('out of stock: %s has nothing available at %s%s%s', article, location,
            CASE WHEN blocked > 0 THEN format(' (%s on hand are expired, recalled, held or returned)', blocked) ELSE '' END,
            coalesce('; available at ' || elsewhere, '; none elsewhere either')));
    END IF;
    UPDATE prescription_item SET quantity_reserved = quantity_reserved + 1 WHERE id = item.id;
    INSERT INTO reservation (prescription_item_id, balance_id, idempotency_key, confirmed_reason)
    VALUES (item.id, balance, key, confirmed)
    RETURNING id INTO reservation_id;
    RETURN cfit_key_store(key, cfit_reservation_json(reservation_id));
END
$function$;
GRANT EXECUTE ON FUNCTION cfit_reserve(text, text, text, text, text, date, text) TO cfit_pharmacy;
