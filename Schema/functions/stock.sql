-- The stock ledger: every movement posted with its balance, receipts, counts, transfers, returns released to stock, write-offs, minimums, and what is on hand but unusable.
--
-- Repeatable: `cfit db migrate` re-applies this file whenever its text changes, after the
-- numbered migrations, so each function's live body is here and only here. Owners and grants
-- set by the numbered migrations are kept (CREATE OR REPLACE keeps them); a new function's
-- grants go below it.

CREATE OR REPLACE FUNCTION public.cfit_count(key text, request text, sku text, counted integer, location text, lot text)
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
    found_lot bigint;
    balance bigint;
    shelf record;
    candidates bigint[];
    listing text;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'counting stock');
    result := cfit_key_claim(key, 'stock.count', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    PERFORM cfit_units(counted, 'quantity', 0);
    article := cfit_article(sku);
    place := cfit_location(location);
    IF lot IS NOT NULL THEN
        SELECT l.id INTO found_lot FROM lot l WHERE l.sku = article AND l.code = lot;
        IF found_lot IS NULL THEN
            PERFORM cfit_fail('not-found', 'lot', format('expected a lot of %s received before, found ''%s''', article, lot));
        END IF;
        INSERT INTO stock_balance (sku, location_id, lot_id) VALUES (article, place, found_lot)
        ON CONFLICT ON CONSTRAINT stock_balance_place DO UPDATE SET on_hand = stock_balance.on_hand RETURNING id INTO balance;
    ELSE
        -- The article's only usable balance here: one with units, else the only one at all.
        SELECT array_agg(b.id ORDER BY l.expires_on NULLS LAST, l.code NULLS FIRST),
               string_agg(coalesce(l.code, '(no lot)') || ' (' || b.on_hand || ' on the books)', ', ' ORDER BY l.expires_on NULLS LAST, l.code NULLS FIRST)
        INTO candidates, listing
        FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
        WHERE b.sku = article AND b.location_id = place AND b.state = 'usable' AND b.on_hand > 0;
        IF candidates IS NULL THEN
            SELECT array_agg(b.id ORDER BY l.expires_on NULLS LAST, l.code NULLS FIRST),
                   string_agg(coalesce(l.code, '(no lot)') || ' (' || b.on_hand || ' on the books)', ', ' ORDER BY l.expires_on NULLS LAST, l.code NULLS FIRST)
            INTO candidates, listing
            FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
            WHERE b.sku = article AND b.location_id = place AND b.state = 'usable';
        END IF;
        IF candidates IS NULL THEN
            INSERT INTO stock_balance (sku, location_id, lot_id) VALUES (article, place, NULL)
            ON CONFLICT ON CONSTRAINT stock_balance_place DO UPDATE SET on_hand = stock_balance.on_hand RETURNING id INTO balance;
        ELSIF cardinality(candidates) = 1 THEN
            balance := candidates[1];
        ELSE
            PERFORM cfit_fail('input', 'lot', format('expected the lot counted, since %s at %s is held in %s lots: %s; count each lot on its own',
                article, location, cardinality(candidates), listing));
        END IF;
    END IF;
    SELECT b.on_hand, b.reserved INTO shelf FROM stock_balance b WHERE b.id = balance FOR UPDATE;
    IF counted < shelf.reserved THEN
        PERFORM cfit_fail('refused', NULL, format('count: %s at %s%s has %s reserved; a count of %s would leave reservations without stock (release them first)',
            article, location, coalesce(' lot ' || lot, ''), shelf.reserved, counted));
    END IF;
    IF counted = shelf.on_hand THEN
        RETURN cfit_key_store(key, 'null');
    END IF;
    UPDATE stock_balance SET on_hand = counted WHERE id = balance;
    RETURN cfit_key_store(key, cfit_post(balance, counted - shelf.on_hand, 'count_adjustment', 'count', key));
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_movement_json(movement_id bigint)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
    SELECT jsonb_build_object('id', m.id, 'sku', m.sku, 'location', loc.code, 'lot', l.code, 'delta', m.delta,
        'onHandAfter', m.on_hand_after, 'reason', m.reason, 'reference', m.reference, 'actor', m.actor,
        'occurredAt', cfit_time(m.occurred_at))
    FROM stock_movement m JOIN location loc ON loc.id = m.location_id LEFT JOIN lot l ON l.id = m.lot_id
    WHERE m.id = movement_id
$function$;

CREATE OR REPLACE FUNCTION public.cfit_post(balance bigint, delta integer, reason text, reference text, key text, note text DEFAULT NULL::text, return_id bigint DEFAULT NULL::bigint)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
DECLARE
    movement_id bigint;
BEGIN
    INSERT INTO stock_movement (balance_id, sku, location_id, lot_id, delta, on_hand_after, reason, reference,
                                idempotency_key, note, dispense_return_id)
    SELECT b.id, b.sku, b.location_id, b.lot_id, delta, b.on_hand, reason, reference, key, note, return_id
    FROM stock_balance b WHERE b.id = balance
    RETURNING id INTO movement_id;
    RETURN cfit_movement_json(movement_id);
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_receive(key text, request text, sku text, quantity integer, location text, lot text, expires date, reference text)
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
    lot_id bigint;
    balance bigint;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'receiving stock');
    result := cfit_key_claim(key, 'stock.receipt', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    PERFORM cfit_units(quantity, 'quantity');
    article := cfit_article(sku);
    place := cfit_location(location);
    IF lot IS NOT NULL THEN lot_id := cfit_lot(lot, article, expires); END IF;
    INSERT INTO stock_balance (sku, location_id, lot_id, on_hand) VALUES (article, place, lot_id, quantity)
    ON CONFLICT ON CONSTRAINT stock_balance_place DO UPDATE SET on_hand = stock_balance.on_hand + EXCLUDED.on_hand
    RETURNING id INTO balance;
    RETURN cfit_key_store(key, cfit_post(balance, quantity, 'receipt', reference, key));
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_returned_lot(article text, place bigint, lot text)
 RETURNS text
 LANGUAGE plpgsql
AS $function$
DECLARE
    lots text[];
BEGIN
    -- Returned units named without a lot: the lot they are in when the location holds returned
    -- units of the article in one lot only (and none without a lot); refused naming the lots
    -- when they are in several.
    IF lot IS NOT NULL OR EXISTS (SELECT 1 FROM stock_balance b WHERE b.sku = article AND b.location_id = place
            AND b.state = 'returned' AND b.lot_id IS NULL AND b.on_hand > 0) THEN
        RETURN lot;
    END IF;
    SELECT array_agg(l.code ORDER BY l.code) INTO lots FROM stock_balance b JOIN lot l ON l.id = b.lot_id
    WHERE b.sku = article AND b.location_id = place AND b.state = 'returned' AND b.on_hand > 0;
    IF coalesce(array_length(lots, 1), 0) = 1 THEN
        RETURN lots[1];
    END IF;
    IF array_length(lots, 1) > 1 THEN
        PERFORM cfit_fail('input', 'lot', format('expected the lot of the returned units to take, since %s has returned units in lots %s; found none given',
            article, array_to_string(lots, ', ')));
    END IF;
    RETURN lot;
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_release_return(key text, request text, sku text, quantity integer, location text, lot text)
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
    source record;
    target bigint;
    waiting integer;
    label text;
    moved jsonb;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'releasing returns');
    result := cfit_key_claim(key, 'stock.release-return', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    PERFORM cfit_units(quantity, 'quantity');
    article := cfit_article(sku);
    place := cfit_location(location);
    lot := cfit_returned_lot(article, place, lot);
    label := article || ' at ' || location || coalesce(' lot ' || lot, ' without a lot');
    SELECT b.id, b.lot_id INTO source FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
    WHERE b.sku = article AND b.location_id = place AND b.state = 'returned' AND l.code IS NOT DISTINCT FROM lot;
    IF NOT FOUND THEN
        PERFORM cfit_fail('refused', NULL, format('release-return: %s has no returned units awaiting inspection', label));
    END IF;
    INSERT INTO stock_balance (sku, location_id, lot_id) VALUES (article, place, source.lot_id)
    ON CONFLICT ON CONSTRAINT stock_balance_place DO UPDATE SET on_hand = stock_balance.on_hand RETURNING id INTO target;
    PERFORM 1 FROM stock_balance WHERE id IN (source.id, target) ORDER BY id FOR UPDATE;
    SELECT on_hand INTO waiting FROM stock_balance WHERE id = source.id;
    IF quantity > waiting THEN
        PERFORM cfit_fail('refused', NULL, format('release-return: %s has %s returned unit%s awaiting inspection; %s asked',
            label, waiting, CASE WHEN waiting = 1 THEN '' ELSE 's' END, quantity));
    END IF;
    UPDATE stock_balance SET on_hand = on_hand - quantity WHERE id = source.id;
    moved := jsonb_build_array(cfit_post(source.id, -quantity, 'return_to_stock', 'passed inspection', key));
    UPDATE stock_balance SET on_hand = on_hand + quantity WHERE id = target;
    moved := moved || cfit_post(target, quantity, 'return_to_stock', 'passed inspection', NULL);
    RETURN cfit_key_store(key, moved);
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_set_minimum(sku text, location text, minimum integer, reorder_quantity integer)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    article text;
    place bigint;
BEGIN
    PERFORM cfit_require('cfit_admin', 'setting minimums');
    article := cfit_article(sku);
    place := cfit_location(location);
    INSERT INTO reorder_rule (sku, location_id, minimum, reorder_quantity) VALUES (article, place, minimum, reorder_quantity)
    ON CONFLICT ON CONSTRAINT reorder_rule_pkey DO UPDATE SET minimum = EXCLUDED.minimum, reorder_quantity = EXCLUDED.reorder_quantity;
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_transfer(key text, request text, sku text, quantity integer, from_location text, to_location text, unusable boolean, today date)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    result jsonb;
    article text;
    source_place bigint;
    target_place bigint;
    remaining integer := quantity;
    take integer;
    source record;
    target bigint;
    movements jsonb := '[]';
    blocked bigint;
    refusal text;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'transferring stock');
    result := cfit_key_claim(key, 'stock.transfer', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    PERFORM cfit_units(quantity, 'quantity');
    today := cfit_today(today);
    article := cfit_article(sku);
    source_place := cfit_location(from_location);
    target_place := cfit_location(to_location);
    IF unusable AND (SELECT kind FROM location WHERE id = target_place) = 'stock' THEN
        PERFORM cfit_fail('input', 'to', format('expected a quarantine or returns location for unusable units, found ''%s'' (a stock location)', to_location));
    END IF;
    -- Targets first (no source locks held), then every balance of the article at both places
    -- locked in id order, so transfers in opposite directions never deadlock.
    INSERT INTO stock_balance (sku, location_id, lot_id, state)
    SELECT b.sku, target_place, b.lot_id, b.state FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
    WHERE b.sku = article AND b.location_id = source_place AND b.on_hand > b.reserved
      AND (unusable_reason(b.state, l.status, l.expires_on, today) IS NOT NULL) = unusable
    ON CONFLICT ON CONSTRAINT stock_balance_place DO NOTHING;
    PERFORM 1 FROM stock_balance b WHERE b.sku = article AND b.location_id IN (source_place, target_place) ORDER BY b.id FOR UPDATE;
    FOR source IN
        SELECT b.id, b.lot_id, b.state, b.on_hand - b.reserved AS movable FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
        WHERE b.sku = article AND b.location_id = source_place AND b.on_hand > b.reserved
          AND (unusable_reason(b.state, l.status, l.expires_on, today) IS NOT NULL) = unusable
        ORDER BY l.expires_on NULLS LAST, b.id
    LOOP
        EXIT WHEN remaining = 0;
        take := least(remaining, source.movable);
        UPDATE stock_balance SET on_hand = on_hand - take WHERE id = source.id;
        movements := movements || cfit_post(source.id, -take, 'transfer_out', 'to ' || to_location, NULL);
        UPDATE stock_balance b SET on_hand = b.on_hand + take
        WHERE b.sku = article AND b.location_id = target_place AND b.lot_id IS NOT DISTINCT FROM source.lot_id AND b.state = source.state
        RETURNING b.id INTO target;
        movements := movements || cfit_post(target, take, 'transfer_in', 'from ' || from_location, NULL);
        remaining := remaining - take;
    END LOOP;
    IF remaining > 0 THEN
        refusal := format('transfer: %s has only %s %s unit%s free to move at %s; %s asked', article, quantity - remaining,
            CASE WHEN unusable THEN 'unusable' ELSE 'usable' END, CASE WHEN quantity - remaining = 1 THEN '' ELSE 's' END,
            from_location, quantity);
        IF NOT unusable THEN
            blocked := cfit_unusable_units(article, source_place, today);
            IF blocked > 0 THEN
                refusal := refusal || format(' (%s more on hand are expired, recalled, held or returned: move those with --unusable to a quarantine or returns location)', blocked);
            END IF;
        END IF;
        PERFORM cfit_fail('refused', NULL, refusal);
    END IF;
    RETURN cfit_key_store(key, movements);
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_unusable_units(sku text, location_id bigint, today date)
 RETURNS bigint
 LANGUAGE sql
 STABLE
AS $function$
    SELECT coalesce(sum(b.on_hand - b.reserved), 0) FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
    WHERE b.sku = cfit_unusable_units.sku AND b.location_id = cfit_unusable_units.location_id
      AND unusable_reason(b.state, l.status, l.expires_on, today) IS NOT NULL
$function$;

CREATE OR REPLACE FUNCTION public.cfit_write_off(key text, request text, sku text, quantity integer, location text, lot text, reason text, note text, today date)
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
    hit record;
    label text;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'writing stock off');
    result := cfit_key_claim(key, 'stock.write-off', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    PERFORM cfit_units(quantity, 'quantity');
    today := cfit_today(today);
    IF reason NOT IN ('expired', 'damaged', 'returned', 'recalled') THEN
        PERFORM cfit_fail('input', 'reason', format('expected expired, damaged, returned or recalled, found ''%s''', reason));
    END IF;
    article := cfit_article(sku);
    place := cfit_location(location);
    IF reason = 'returned' THEN lot := cfit_returned_lot(article, place, lot); END IF;
    label := article || ' at ' || location || coalesce(' lot ' || lot, ' without a lot');
    SELECT b.id, b.on_hand, b.reserved, unusable_reason(b.state, l.status, l.expires_on, today) AS unusable INTO hit
    FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
    WHERE b.sku = article AND b.location_id = place AND b.state = CASE WHEN reason = 'returned' THEN 'returned' ELSE 'usable' END
      AND l.code IS NOT DISTINCT FROM lot
    FOR UPDATE OF b;
    IF NOT FOUND THEN
        PERFORM cfit_fail('refused', NULL, format('write-off: %s has no %s', label,
            CASE WHEN reason = 'returned' THEN 'returned units awaiting inspection' ELSE 'stock' END));
    END IF;
    IF reason IN ('expired', 'recalled') AND hit.unusable IS DISTINCT FROM reason THEN
        PERFORM cfit_fail('refused', NULL, format('write-off: %s is %s, not %s; give the reason that applies (damaged for usable units)',
            label, coalesce(hit.unusable, 'usable'), reason));
    END IF;
    IF quantity > hit.on_hand - hit.reserved THEN
        PERFORM cfit_fail('refused', NULL, format('write-off: %s has %s unit%s not reserved; %s asked (release reservations first)',
            label, hit.on_hand - hit.reserved, CASE WHEN hit.on_hand - hit.reserved = 1 THEN '' ELSE 's' END, quantity));
    END IF;
    UPDATE stock_balance SET on_hand = on_hand - quantity WHERE id = hit.id;
    RETURN cfit_key_store(key, cfit_post(hit.id, -quantity, 'write_off', 'write-off: ' || reason, key, note));
END
$function$;

CREATE OR REPLACE FUNCTION public.unusable_reason(state text, lot_status text, expires_on date, on_day date)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
    SELECT CASE
        WHEN state = 'returned' THEN 'returned'
        WHEN lot_status IS NOT NULL AND lot_status <> 'approved' THEN lot_status
        WHEN expires_on < on_day THEN 'expired'
    END
$function$;
