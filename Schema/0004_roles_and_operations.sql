-- One shared server, many people. Every write a counter makes is an operation in the database: a
-- function that runs with its owner's rights (security-definer), owned by the schema's owner (the
-- role that runs `cfit db migrate`), with its search_path pinned, checking the caller's role, and
-- called in one statement — one round trip, no session state, so it works over a WAN and through
-- PgBouncer in transaction mode. Logins get EXECUTE on the operations their role allows and SELECT
-- on what it may read; nobody but the owner may write the stock, ledger or prescription tables, so
-- no login can change a balance without its movement, rewrite the ledger or bypass a CHECK, even
-- with psql.
--
-- Errors: SQLSTATE CFR01 is a rule refusing (out of stock…), CFB01 input that names nothing real
-- or is malformed; the message is one line for the person at the counter. 42501 is a role that
-- may not run the operation.

-- Group roles (no login), each including the one before: fitter ⊂ pharmacy ⊂ admin.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cfit_fitter') THEN CREATE ROLE cfit_fitter NOLOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cfit_pharmacy') THEN CREATE ROLE cfit_pharmacy NOLOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cfit_admin') THEN CREATE ROLE cfit_admin NOLOGIN; END IF;
END
$$;
GRANT cfit_fitter TO cfit_pharmacy;
GRANT cfit_pharmacy TO cfit_admin;

-- The person logged in is the actor, never the functions' owner.
ALTER TABLE stock_movement ALTER COLUMN actor SET DEFAULT session_user;
ALTER TABLE reservation ALTER COLUMN actor SET DEFAULT session_user;
ALTER TABLE dispense ALTER COLUMN actor SET DEFAULT session_user;
ALTER TABLE dispense_return ALTER COLUMN actor SET DEFAULT session_user;
ALTER TABLE prescription ALTER COLUMN created_by SET DEFAULT session_user;
ALTER TABLE fitting ALTER COLUMN fitter SET DEFAULT session_user;
ALTER TABLE import_batch ALTER COLUMN actor SET DEFAULT session_user;

-- ---------------------------------------------------------------------------------------------
-- Helpers (run inside the operations, as the owner; no login may call them directly)

CREATE FUNCTION cfit_fail(kind text, text text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = text, ERRCODE = CASE kind WHEN 'refused' THEN 'CFR01' ELSE 'CFB01' END;
END
$$;

-- Refuses the call unless the person logged in holds `role` (directly or through a higher role).
CREATE FUNCTION cfit_require(needed text, action text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_has_role(session_user, needed, 'MEMBER') THEN
        RAISE EXCEPTION USING ERRCODE = '42501',
            MESSAGE = format('permission denied: %s needs the %s role, which %s does not have', action,
                             replace(needed, 'cfit_', ''), session_user);
    END IF;
END
$$;

-- Claims an idempotency key for this request: NULL when the caller should run the operation (the
-- claim commits or rolls back with it); the stored result when the same request ran before. The
-- same key with another request is refused. A key in use by an unfinished transaction is waited
-- for, then answered from its result.
CREATE FUNCTION cfit_key_claim(key text, operation text, request text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    stored idempotent_result;
BEGIN
    IF key IS NULL OR key = '' OR length(key) > 200 THEN
        PERFORM cfit_fail('input', format('--idempotency-key: expected 1 to 200 characters, found %s',
            CASE WHEN key IS NULL OR key = '' THEN 'an empty key' ELSE length(key) || ' characters' END));
    END IF;
    INSERT INTO idempotent_result (key, operation, request, result) VALUES (key, operation, request, 'null')
    ON CONFLICT ON CONSTRAINT idempotent_result_pkey DO NOTHING;
    IF FOUND THEN
        RETURN NULL;
    END IF;
    SELECT * INTO stored FROM idempotent_result r WHERE r.key = cfit_key_claim.key;
    IF stored.request IS DISTINCT FROM request
       AND NOT (stored.request IS NULL AND stored.operation = operation) THEN
        PERFORM cfit_fail('input', format('--idempotency-key: key ''%s'' was used for a different request: %s; this one is %s',
            key, coalesce(stored.request, format('["%s", …]', stored.operation)), request));
    END IF;
    RETURN stored.result;
END
$$;

CREATE FUNCTION cfit_key_store(key text, result jsonb) RETURNS jsonb LANGUAGE sql AS $$
    UPDATE idempotent_result r SET result = cfit_key_store.result WHERE r.key = cfit_key_store.key RETURNING r.result
$$;

CREATE FUNCTION cfit_article(sku_or_gtin text) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    found_sku text;
BEGIN
    SELECT a.sku INTO found_sku FROM article a
    WHERE a.sku = sku_or_gtin OR a.gtin14 = lpad(sku_or_gtin, 14, '0') ORDER BY a.sku = sku_or_gtin DESC LIMIT 1;
    IF found_sku IS NULL THEN
        PERFORM cfit_fail('input', format('SKU: expected a known SKU or GTIN, found ''%s''', sku_or_gtin));
    END IF;
    RETURN found_sku;
END
$$;

CREATE FUNCTION cfit_location(code text) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
    found_id bigint;
    known text;
BEGIN
    SELECT l.id INTO found_id FROM location l WHERE l.code = cfit_location.code;
    IF found_id IS NULL THEN
        SELECT string_agg(l.code, ', ' ORDER BY l.code) INTO known FROM location l;
        PERFORM cfit_fail('input', format('--location: expected one of %s, found ''%s''',
            coalesce(known, '(none yet: cfit seed)'), code));
    END IF;
    RETURN found_id;
END
$$;

CREATE FUNCTION cfit_time(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

CREATE FUNCTION cfit_movement_json(movement_id bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', m.id, 'sku', m.sku, 'location', loc.code, 'lot', l.code, 'delta', m.delta,
        'onHandAfter', m.on_hand_after, 'reason', m.reason, 'reference', m.reference, 'actor', m.actor,
        'occurredAt', cfit_time(m.occurred_at))
    FROM stock_movement m JOIN location loc ON loc.id = m.location_id LEFT JOIN lot l ON l.id = m.lot_id
    WHERE m.id = movement_id
$$;

-- Posts a ledger row for a balance whose on_hand was just changed by `delta`.
CREATE FUNCTION cfit_post(balance bigint, delta integer, reason text, reference text, key text,
                          note text DEFAULT NULL, return_id bigint DEFAULT NULL) RETURNS jsonb LANGUAGE plpgsql AS $$
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
$$;

-- Units of an article at a location that may not be offered (expired, held, recalled, returned).
CREATE FUNCTION cfit_unusable_units(sku text, location_id bigint, today date) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(b.on_hand - b.reserved), 0) FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
    WHERE b.sku = cfit_unusable_units.sku AND b.location_id = cfit_unusable_units.location_id
      AND unusable_reason(b.state, l.status, l.expires_on, today) IS NOT NULL
$$;

CREATE FUNCTION cfit_reservation_json(reservation_id bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', r.id, 'prescription', p.number, 'sku', b.sku, 'location', loc.code, 'lot', l.code,
        'quantity', r.quantity, 'status', r.status, 'actor', r.actor)
    FROM reservation r JOIN prescription_item i ON i.id = r.prescription_item_id JOIN prescription p ON p.id = i.prescription_id
    JOIN stock_balance b ON b.id = r.balance_id JOIN location loc ON loc.id = b.location_id LEFT JOIN lot l ON l.id = b.lot_id
    WHERE r.id = reservation_id
$$;

CREATE FUNCTION cfit_dispense_json(dispense_id bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', d.id, 'reservation', d.reservation_id, 'prescription', p.number, 'sku', d.sku,
        'lot', l.code, 'location', loc.code, 'quantity', d.quantity, 'handedOverAt', cfit_time(d.handed_over_at),
        'actor', d.actor)
    FROM dispense d JOIN prescription_item i ON i.id = d.prescription_item_id JOIN prescription p ON p.id = i.prescription_id
    JOIN location loc ON loc.id = d.location_id LEFT JOIN lot l ON l.id = d.lot_id WHERE d.id = dispense_id
$$;

CREATE FUNCTION cfit_prescription_json(rx text) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('number', p.number, 'patient', pa.reference, 'patientName', pa.display_name,
        'prescriber', pr.reference, 'status', p.status, 'style', i.style, 'pressureClass', i.standard || ':' || i.class_label,
        'side', i.side, 'quantityPrescribed', i.quantity_prescribed, 'quantityReserved', i.quantity_reserved,
        'quantityDispensed', i.quantity_dispensed, 'validUntil', p.valid_until::text, 'diagnosis', p.diagnosis)
    FROM prescription p JOIN patient pa ON pa.id = p.patient_id JOIN prescriber pr ON pr.id = p.prescriber_id
    JOIN prescription_item i ON i.prescription_id = p.id WHERE p.number = rx
$$;

-- Gives a held unit back: the reservation ends as `status`, the balance and the item release it.
CREATE FUNCTION cfit_close_reservation(reservation_id bigint, status text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    held record;
BEGIN
    SELECT r.status, r.balance_id, r.prescription_item_id INTO held FROM reservation r WHERE r.id = reservation_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cfit_fail('input', format('RESERVATION: expected a reservation number, found ''%s''', reservation_id));
    END IF;
    IF held.status <> 'active' THEN
        PERFORM cfit_fail('refused', format('reservation %s: is %s, not active', reservation_id, held.status));
    END IF;
    UPDATE prescription_item SET quantity_reserved = quantity_reserved - 1 WHERE id = held.prescription_item_id;
    UPDATE stock_balance SET reserved = reserved - 1 WHERE id = held.balance_id;
    UPDATE reservation SET status = cfit_close_reservation.status, closed_at = now() WHERE id = reservation_id;
END
$$;

-- The id of lot `code` of `sku`, created when new; another expiry than the one recorded is refused,
-- one given for a lot recorded without expiry is kept.
CREATE FUNCTION cfit_lot(code text, sku text, expires date) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    hit record;
BEGIN
    INSERT INTO lot (sku, code, expires_on) VALUES (sku, code, expires) ON CONFLICT ON CONSTRAINT lot_sku_code_key DO NOTHING;
    SELECT l.id, l.expires_on INTO hit FROM lot l WHERE l.sku = cfit_lot.sku AND l.code = cfit_lot.code FOR UPDATE;
    IF hit.expires_on IS NOT NULL AND expires IS NOT NULL AND hit.expires_on <> expires THEN
        PERFORM cfit_fail('input', format('--expires: lot %s of %s is recorded as expiring %s, found %s; check the box (a lot has one expiry)',
            code, sku, hit.expires_on, expires));
    ELSIF hit.expires_on IS NULL AND expires IS NOT NULL THEN
        UPDATE lot SET expires_on = expires WHERE id = hit.id;
    END IF;
    RETURN hit.id;
END
$$;

-- The shop's calendar day as the counter sends it: within a day of the server's (time zones span
-- UTC−12 to UTC+14), so a login cannot pass another date to reserve expired stock or dispense on
-- an expired prescription. A superuser (the owner, tests) may set any day.
CREATE FUNCTION cfit_today(today date) RETURNS date LANGUAGE plpgsql STABLE AS $$
DECLARE
    utc date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
    IF today IS NULL THEN
        RETURN utc;
    END IF;
    IF today BETWEEN utc - 1 AND utc + 1 OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
        RETURN today;
    END IF;
    PERFORM cfit_fail('input', format('today: expected the counter''s calendar day (%s ± 1), found %s', utc, today));
END
$$;

-- A quantity an operation may move: at least `minimum` units.
CREATE FUNCTION cfit_units(quantity integer, field text, minimum integer DEFAULT 1) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF quantity IS NULL OR quantity < minimum THEN
        PERFORM cfit_fail('input', format('%s: expected %s to 2147483647 units, found %s', field, minimum, coalesce(quantity::text, 'none')));
    END IF;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Operations

CREATE FUNCTION cfit_receive(key text, request text, sku text, quantity integer, location text, lot text,
                             expires date, reference text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
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
    PERFORM cfit_units(quantity, 'QTY');
    article := cfit_article(sku);
    place := cfit_location(location);
    IF lot IS NOT NULL THEN lot_id := cfit_lot(lot, article, expires); END IF;
    INSERT INTO stock_balance (sku, location_id, lot_id, on_hand) VALUES (article, place, lot_id, quantity)
    ON CONFLICT ON CONSTRAINT stock_balance_place DO UPDATE SET on_hand = stock_balance.on_hand + EXCLUDED.on_hand
    RETURNING id INTO balance;
    RETURN cfit_key_store(key, cfit_post(balance, quantity, 'receipt', reference, key));
END
$$;

CREATE FUNCTION cfit_count(key text, request text, sku text, counted integer, location text, lot text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
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
    PERFORM cfit_units(counted, 'QTY', 0);
    article := cfit_article(sku);
    place := cfit_location(location);
    IF lot IS NOT NULL THEN
        SELECT l.id INTO found_lot FROM lot l WHERE l.sku = article AND l.code = lot;
        IF found_lot IS NULL THEN
            PERFORM cfit_fail('input', format('--lot: expected a lot of %s received before, found ''%s''', article, lot));
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
            PERFORM cfit_fail('input', format('--lot: expected the lot counted, since %s at %s is held in %s lots: %s; count each lot on its own',
                article, location, cardinality(candidates), listing));
        END IF;
    END IF;
    SELECT b.on_hand, b.reserved INTO shelf FROM stock_balance b WHERE b.id = balance FOR UPDATE;
    IF counted < shelf.reserved THEN
        PERFORM cfit_fail('refused', format('count: %s at %s%s has %s reserved; a count of %s would leave reservations without stock (release them first)',
            article, location, coalesce(' lot ' || lot, ''), shelf.reserved, counted));
    END IF;
    IF counted = shelf.on_hand THEN
        RETURN cfit_key_store(key, 'null');
    END IF;
    UPDATE stock_balance SET on_hand = counted WHERE id = balance;
    RETURN cfit_key_store(key, cfit_post(balance, counted - shelf.on_hand, 'count_adjustment', 'count', key));
END
$$;

CREATE FUNCTION cfit_transfer(key text, request text, sku text, quantity integer, from_location text,
                              to_location text, unusable boolean, today date)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
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
    PERFORM cfit_units(quantity, 'QTY');
    today := cfit_today(today);
    article := cfit_article(sku);
    source_place := cfit_location(from_location);
    target_place := cfit_location(to_location);
    IF unusable AND (SELECT kind FROM location WHERE id = target_place) = 'stock' THEN
        PERFORM cfit_fail('input', format('--to: expected a quarantine or returns location for unusable units, found ''%s'' (a stock location)', to_location));
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
        PERFORM cfit_fail('refused', refusal);
    END IF;
    RETURN cfit_key_store(key, movements);
END
$$;

CREATE FUNCTION cfit_write_off(key text, request text, sku text, quantity integer, location text, lot text,
                               reason text, note text, today date)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
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
    PERFORM cfit_units(quantity, 'QTY');
    today := cfit_today(today);
    IF reason NOT IN ('expired', 'damaged', 'returned', 'recalled') THEN
        PERFORM cfit_fail('input', format('--reason: expected expired, damaged, returned or recalled, found ''%s''', reason));
    END IF;
    article := cfit_article(sku);
    place := cfit_location(location);
    label := article || ' at ' || location || coalesce(' lot ' || lot, ' without a lot');
    SELECT b.id, b.on_hand, b.reserved, unusable_reason(b.state, l.status, l.expires_on, today) AS unusable INTO hit
    FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
    WHERE b.sku = article AND b.location_id = place AND b.state = CASE WHEN reason = 'returned' THEN 'returned' ELSE 'usable' END
      AND l.code IS NOT DISTINCT FROM lot
    FOR UPDATE OF b;
    IF NOT FOUND THEN
        PERFORM cfit_fail('refused', format('write-off: %s has no %s', label,
            CASE WHEN reason = 'returned' THEN 'returned units awaiting inspection' ELSE 'stock' END));
    END IF;
    IF reason IN ('expired', 'recalled') AND hit.unusable IS DISTINCT FROM reason THEN
        PERFORM cfit_fail('refused', format('write-off: %s is %s, not %s; give the reason that applies (damaged for usable units)',
            label, coalesce(hit.unusable, 'usable'), reason));
    END IF;
    IF quantity > hit.on_hand - hit.reserved THEN
        PERFORM cfit_fail('refused', format('write-off: %s has %s unit%s not reserved; %s asked (release reservations first)',
            label, hit.on_hand - hit.reserved, CASE WHEN hit.on_hand - hit.reserved = 1 THEN '' ELSE 's' END, quantity));
    END IF;
    UPDATE stock_balance SET on_hand = on_hand - quantity WHERE id = hit.id;
    RETURN cfit_key_store(key, cfit_post(hit.id, -quantity, 'write_off', 'write-off: ' || reason, key, note));
END
$$;

CREATE FUNCTION cfit_release_return(key text, request text, sku text, quantity integer, location text, lot text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
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
    PERFORM cfit_units(quantity, 'QTY');
    article := cfit_article(sku);
    place := cfit_location(location);
    label := article || ' at ' || location || coalesce(' lot ' || lot, ' without a lot');
    SELECT b.id, b.lot_id INTO source FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
    WHERE b.sku = article AND b.location_id = place AND b.state = 'returned' AND l.code IS NOT DISTINCT FROM lot;
    IF NOT FOUND THEN
        PERFORM cfit_fail('refused', format('release-return: %s has no returned units awaiting inspection', label));
    END IF;
    INSERT INTO stock_balance (sku, location_id, lot_id) VALUES (article, place, source.lot_id)
    ON CONFLICT ON CONSTRAINT stock_balance_place DO UPDATE SET on_hand = stock_balance.on_hand RETURNING id INTO target;
    PERFORM 1 FROM stock_balance WHERE id IN (source.id, target) ORDER BY id FOR UPDATE;
    SELECT on_hand INTO waiting FROM stock_balance WHERE id = source.id;
    IF quantity > waiting THEN
        PERFORM cfit_fail('refused', format('release-return: %s has %s returned unit%s awaiting inspection; %s asked',
            label, waiting, CASE WHEN waiting = 1 THEN '' ELSE 's' END, quantity));
    END IF;
    UPDATE stock_balance SET on_hand = on_hand - quantity WHERE id = source.id;
    moved := jsonb_build_array(cfit_post(source.id, -quantity, 'return_to_stock', 'passed inspection', key));
    UPDATE stock_balance SET on_hand = on_hand + quantity WHERE id = target;
    moved := moved || cfit_post(target, quantity, 'return_to_stock', 'passed inspection', NULL);
    RETURN cfit_key_store(key, moved);
END
$$;

CREATE FUNCTION cfit_reserve(key text, request text, rx text, sku text, location text, today date)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
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
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'reserving');
    result := cfit_key_claim(key, 'reserve', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    today := cfit_today(today);
    article := cfit_article(sku);
    place := cfit_location(location);
    -- Lock order everywhere: prescription item, then balances.
    SELECT i.id, p.status, p.valid_until < today AS expired, p.valid_from > today AS early, i.style, i.standard,
           i.class_label, i.quantity_prescribed, i.quantity_reserved, i.quantity_dispensed
    INTO item FROM prescription p JOIN prescription_item i ON i.prescription_id = p.id WHERE p.number = rx FOR UPDATE OF i;
    IF NOT FOUND THEN
        PERFORM cfit_fail('input', format('--rx: expected a prescription number, found ''%s''', rx));
    END IF;
    IF item.status <> 'active' THEN PERFORM cfit_fail('refused', format('rx %s: is %s, not active', rx, item.status)); END IF;
    IF item.expired THEN PERFORM cfit_fail('refused', format('rx %s: has expired', rx)); END IF;
    IF item.early THEN PERFORM cfit_fail('refused', format('rx %s: is not valid yet', rx)); END IF;
    IF item.quantity_reserved + item.quantity_dispensed >= item.quantity_prescribed THEN
        PERFORM cfit_fail('refused', format('rx %s: all %s prescribed garments are already reserved or dispensed', rx, item.quantity_prescribed));
    END IF;
    SELECT a.style, pl.standard || ':' || a.class_label AS class_code, a.active INTO details
    FROM article a JOIN product_line pl ON pl.id = a.line_id WHERE a.sku = article;
    wanted := item.standard || ':' || item.class_label;
    IF details.style <> item.style OR details.class_code <> wanted THEN
        PERFORM cfit_fail('refused', format('--sku: %s is %s %s; rx %s prescribes %s %s', article, details.style,
            details.class_code, rx, item.style, wanted));
    END IF;
    IF NOT details.active THEN
        PERFORM cfit_fail('refused', format('--sku: %s is no longer in the catalog (inactive)', article));
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
        PERFORM cfit_fail('refused', format('out of stock: %s has nothing available at %s%s%s', article, location,
            CASE WHEN blocked > 0 THEN format(' (%s on hand are expired, recalled, held or returned)', blocked) ELSE '' END,
            coalesce('; available at ' || elsewhere, '; none elsewhere either')));
    END IF;
    UPDATE prescription_item SET quantity_reserved = quantity_reserved + 1 WHERE id = item.id;
    INSERT INTO reservation (prescription_item_id, balance_id, idempotency_key) VALUES (item.id, balance, key)
    RETURNING id INTO reservation_id;
    RETURN cfit_key_store(key, cfit_reservation_json(reservation_id));
END
$$;

CREATE FUNCTION cfit_release(key text, request text, reservation_id bigint)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
DECLARE
    result jsonb;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'releasing a reservation');
    result := cfit_key_claim(key, 'release', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    PERFORM cfit_close_reservation(reservation_id, 'released');
    RETURN cfit_key_store(key, cfit_reservation_json(reservation_id));
END
$$;

CREATE FUNCTION cfit_dispense(key text, request text, reservation_id bigint, today date)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
DECLARE
    result jsonb;
    held record;
    dispense_id bigint;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'dispensing');
    result := cfit_key_claim(key, 'dispense', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    today := cfit_today(today);
    SELECT r.status, r.balance_id, r.prescription_item_id, r.quantity, i.prescription_id, p.number,
           p.status AS rx_status, p.valid_until < today AS rx_expired, l.code AS lot,
           unusable_reason(b.state, l.status, l.expires_on, today) AS unusable
    INTO held
    FROM reservation r JOIN prescription_item i ON i.id = r.prescription_item_id JOIN prescription p ON p.id = i.prescription_id
    JOIN stock_balance b ON b.id = r.balance_id LEFT JOIN lot l ON l.id = b.lot_id
    WHERE r.id = reservation_id FOR UPDATE OF r;
    IF NOT FOUND THEN
        PERFORM cfit_fail('input', format('RESERVATION: expected a reservation number, found ''%s''', reservation_id));
    END IF;
    IF held.status <> 'active' THEN
        PERFORM cfit_fail('refused', format('reservation %s: is %s, not active', reservation_id, held.status));
    END IF;
    IF held.rx_status <> 'active' THEN
        PERFORM cfit_fail('refused', format('reservation %s: its prescription is %s', reservation_id, held.rx_status));
    END IF;
    IF held.rx_expired THEN
        PERFORM cfit_fail('refused', format('reservation %s: its prescription has expired', reservation_id));
    END IF;
    IF held.unusable IS NOT NULL THEN
        PERFORM cfit_fail('refused', format('reservation %s: lot %s is %s and must not be handed over; release the reservation and reserve another unit',
            reservation_id, coalesce(held.lot, '-'), held.unusable));
    END IF;
    -- Same lock order as reserve: the prescription item, then the balance.
    UPDATE prescription_item SET quantity_reserved = quantity_reserved - held.quantity,
        quantity_dispensed = quantity_dispensed + held.quantity WHERE id = held.prescription_item_id;
    UPDATE stock_balance SET on_hand = on_hand - held.quantity, reserved = reserved - held.quantity WHERE id = held.balance_id;
    UPDATE reservation SET status = 'fulfilled', closed_at = now() WHERE id = reservation_id;
    PERFORM cfit_post(held.balance_id, -held.quantity, 'dispense', format('reservation %s, rx %s', reservation_id, held.number), NULL);
    INSERT INTO dispense (reservation_id, prescription_item_id, sku, lot_id, location_id, quantity, idempotency_key)
    SELECT reservation_id, held.prescription_item_id, b.sku, b.lot_id, b.location_id, held.quantity, key
    FROM stock_balance b WHERE b.id = held.balance_id
    RETURNING id INTO dispense_id;
    UPDATE prescription SET status = 'completed' WHERE id = held.prescription_id
      AND NOT EXISTS (SELECT 1 FROM prescription_item WHERE prescription_id = held.prescription_id
                      AND quantity_dispensed < quantity_prescribed);
    RETURN cfit_key_store(key, cfit_dispense_json(dispense_id));
END
$$;

CREATE FUNCTION cfit_return(key text, request text, dispense_id bigint, quantity integer, reason text, location text,
                            reopen boolean, today date)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
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
    return_id bigint;
    movement jsonb;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'taking garments back');
    result := cfit_key_claim(key, 'return', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    IF quantity IS NOT NULL THEN PERFORM cfit_units(quantity, '--quantity'); END IF;
    today := cfit_today(today);
    place := cfit_location(location);
    SELECT d.prescription_item_id INTO item_id FROM dispense d WHERE d.id = dispense_id;
    IF item_id IS NULL THEN
        PERFORM cfit_fail('input', format('DISPENSE: expected a dispense number, found ''%s''', dispense_id));
    END IF;
    -- Lock order: the prescription item, then the dispense, then the balance.
    SELECT p.id AS rx_id, p.number, p.status, p.valid_until < today AS expired INTO item
    FROM prescription_item i JOIN prescription p ON p.id = i.prescription_id WHERE i.id = item_id FOR UPDATE OF i;
    SELECT d.sku, d.lot_id, d.quantity - d.quantity_returned AS outstanding INTO handed
    FROM dispense d WHERE d.id = dispense_id FOR UPDATE;
    units := coalesce(quantity, handed.outstanding);
    IF units < 1 OR units > handed.outstanding THEN
        PERFORM cfit_fail('refused', format('return: dispense %s has %s garment%s of %s not yet returned; %s cannot come back',
            dispense_id, handed.outstanding, CASE WHEN handed.outstanding = 1 THEN '' ELSE 's' END, handed.sku, units));
    END IF;
    INSERT INTO stock_balance (sku, location_id, lot_id, state, on_hand) VALUES (handed.sku, place, handed.lot_id, 'returned', units)
    ON CONFLICT ON CONSTRAINT stock_balance_place DO UPDATE SET on_hand = stock_balance.on_hand + EXCLUDED.on_hand
    RETURNING id INTO balance;
    rx_status := item.status;
    IF reopen AND item.status = 'completed' THEN
        IF item.expired THEN
            PERFORM cfit_fail('refused', format('--reopen: rx %s has expired; a replacement needs a new prescription', item.number));
        END IF;
        reopened := true;
        rx_status := 'active';
    END IF;
    INSERT INTO dispense_return (dispense_id, balance_id, quantity, reason, reopened, idempotency_key)
    VALUES (dispense_id, balance, units, reason, reopened, key) RETURNING id INTO return_id;
    UPDATE dispense SET quantity_returned = quantity_returned + units WHERE id = dispense_id;
    UPDATE prescription_item SET quantity_dispensed = quantity_dispensed - units WHERE id = item_id;
    IF reopened THEN UPDATE prescription SET status = 'active' WHERE id = item.rx_id; END IF;
    movement := cfit_post(balance, units, 'return', format('return %s of dispense %s, rx %s', return_id, dispense_id, item.number),
                          NULL, NULL, return_id);
    RETURN cfit_key_store(key, jsonb_build_object('id', return_id, 'dispense', dispense_id, 'prescription', item.number,
        'sku', handed.sku, 'lot', movement->'lot', 'location', location, 'quantity', units, 'reason', reason,
        'reopened', reopened, 'prescriptionStatus', rx_status, 'actor', movement->'actor'));
END
$$;

-- A patient or prescriber by reference, created when a name is given and refused otherwise.
CREATE FUNCTION cfit_party(kind text, reference text, name text, flag text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    found_id bigint;
BEGIN
    IF kind = 'patient' THEN
        SELECT id INTO found_id FROM patient p WHERE p.reference = cfit_party.reference;
    ELSE
        SELECT id INTO found_id FROM prescriber p WHERE p.reference = cfit_party.reference;
    END IF;
    IF found_id IS NOT NULL THEN RETURN found_id; END IF;
    IF name IS NULL OR btrim(name) = '' THEN
        PERFORM cfit_fail('input', format('%s: expected a known %s reference (or give %s-name to add one), found ''%s''',
            flag, kind, flag, reference));
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
$$;

CREATE FUNCTION cfit_rx_new(key text, request text, number text, patient text, patient_name text, prescriber text,
                            prescriber_name text, style text, standard text, class_label text, side text,
                            quantity integer, valid_until date, diagnosis text, today date)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
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
    patient_id := cfit_party('patient', patient, patient_name, '--patient');
    prescriber_id := cfit_party('prescriber', prescriber, prescriber_name, '--prescriber');
    -- A given number must be new; a made-up one comes from the sequence, skipping numbers taken.
    LOOP
        IF number IS NULL THEN chosen := 'RX-' || nextval('prescription_number_seq'); END IF;
        INSERT INTO prescription (number, patient_id, prescriber_id, authored_on, valid_from, valid_until, diagnosis, idempotency_key)
        VALUES (chosen, patient_id, prescriber_id, today, today, valid_until, diagnosis, key)
        ON CONFLICT ON CONSTRAINT prescription_number_key DO NOTHING RETURNING id INTO rx_id;
        EXIT WHEN rx_id IS NOT NULL;
        IF number IS NOT NULL THEN
            PERFORM cfit_fail('input', format('--number: expected a prescription number not used before, found ''%s''', number));
        END IF;
        tries := tries + 1;
        IF tries >= 1000 THEN
            PERFORM cfit_fail('refused', 'rx new: expected a free prescription number, found none in 1000 tries');
        END IF;
    END LOOP;
    INSERT INTO prescription_item (prescription_id, style, standard, class_label, side, quantity_prescribed)
    VALUES (rx_id, style, standard, class_label, side, quantity);
    RETURN cfit_key_store(key, cfit_prescription_json(chosen));
END
$$;

CREATE FUNCTION cfit_rx_cancel(key text, request text, rx text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
DECLARE
    result jsonb;
    hit record;
    held record;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'cancelling prescriptions');
    result := cfit_key_claim(key, 'rx.cancel', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    SELECT p.id, p.status INTO hit FROM prescription p WHERE p.number = rx FOR UPDATE;
    IF NOT FOUND THEN PERFORM cfit_fail('input', format('RX: expected a prescription number, found ''%s''', rx)); END IF;
    IF hit.status NOT IN ('active', 'on-hold', 'draft') THEN
        PERFORM cfit_fail('refused', format('rx %s: is %s; only an active, on-hold or draft prescription can be cancelled', rx, hit.status));
    END IF;
    FOR held IN
        SELECT r.id FROM reservation r JOIN prescription_item i ON i.id = r.prescription_item_id
        WHERE i.prescription_id = hit.id AND r.status = 'active' ORDER BY r.balance_id, r.id
    LOOP
        PERFORM cfit_close_reservation(held.id, 'released');
    END LOOP;
    UPDATE prescription SET status = 'revoked' WHERE id = hit.id;
    RETURN cfit_key_store(key, cfit_prescription_json(rx));
END
$$;

CREATE FUNCTION cfit_record_fitting(key text, request text, rx text, style text, class_code text, unit text,
                                    measurements jsonb, result jsonb)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
DECLARE
    stored jsonb;
    hit record;
    fitting_id bigint;
BEGIN
    PERFORM cfit_require('cfit_fitter', 'recording fittings');
    stored := cfit_key_claim(key, 'fit.record', request);
    IF stored IS NOT NULL THEN RETURN stored; END IF;
    SELECT p.id, p.patient_id, p.status INTO hit FROM prescription p WHERE p.number = rx;
    IF NOT FOUND THEN PERFORM cfit_fail('input', format('--rx: expected a prescription number, found ''%s''', rx)); END IF;
    IF hit.status NOT IN ('active', 'draft') THEN
        PERFORM cfit_fail('refused', format('rx %s: is %s; fittings are recorded against active prescriptions', rx, hit.status));
    END IF;
    INSERT INTO fitting (prescription_id, patient_id, style, class_code, unit, measurements, result, idempotency_key)
    VALUES (hit.id, hit.patient_id, style, class_code, unit, measurements, result, key) RETURNING id INTO fitting_id;
    RETURN cfit_key_store(key, to_jsonb(fitting_id));
END
$$;

CREATE FUNCTION cfit_set_minimum(sku text, location text, minimum integer, reorder_quantity integer)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
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
$$;

CREATE FUNCTION cfit_add_location(code text, name text, kind text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
DECLARE
    found_id bigint;
BEGIN
    PERFORM cfit_require('cfit_admin', 'adding locations');
    INSERT INTO location (code, name, kind) VALUES (code, name, kind)
    ON CONFLICT ON CONSTRAINT location_code_key DO UPDATE SET name = location.name RETURNING id INTO found_id;
    RETURN found_id;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Users: a login per member of staff, in one of the three roles. The owner needs CREATEROLE
-- (a superuser, in the embedded default). Passwords arrive already hashed (SCRAM-SHA-256, by
-- libpq on the client), so the password itself never reaches the server or its logs.

CREATE FUNCTION cfit_user_json(login text) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('name', r.rolname, 'canLogin', r.rolcanlogin,
        'role', CASE WHEN pg_has_role(r.oid, 'cfit_admin', 'MEMBER') THEN 'admin'
                     WHEN pg_has_role(r.oid, 'cfit_pharmacy', 'MEMBER') THEN 'pharmacy'
                     WHEN pg_has_role(r.oid, 'cfit_fitter', 'MEMBER') THEN 'fitter' END)
    FROM pg_roles r WHERE r.rolname = login
$$;

-- Refuses `login` unless it is staff: a member of a cfit role, not a superuser, not a group role.
CREATE FUNCTION cfit_staff(login text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles r WHERE r.rolname = login AND NOT r.rolsuper AND login NOT LIKE 'cfit\_%'
                   AND pg_has_role(r.oid, 'cfit_fitter', 'MEMBER')) THEN
        PERFORM cfit_fail('input', format('NAME: expected a staff login (cfit user list), found ''%s''', login));
    END IF;
END
$$;

CREATE FUNCTION cfit_check_role(role_name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF role_name IS NULL OR role_name NOT IN ('fitter', 'pharmacy', 'admin') THEN
        PERFORM cfit_fail('input', format('--role: expected fitter, pharmacy or admin, found ''%s''', role_name));
    END IF;
END
$$;

CREATE FUNCTION cfit_user_add(login text, role_name text, verifier text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM cfit_require('cfit_admin', 'managing users');
    IF login !~ '^[a-z][a-z0-9_.-]{0,62}$' OR login LIKE 'cfit\_%' OR login LIKE 'pg\_%' THEN
        PERFORM cfit_fail('input', format('NAME: expected a login of lowercase letters, digits, _ . or - starting with a letter (at most 63, not cfit_… or pg_…), found ''%s''', login));
    END IF;
    PERFORM cfit_check_role(role_name);
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = login) THEN
        PERFORM cfit_fail('input', format('NAME: expected a new login, found ''%s'' already exists', login));
    END IF;
    IF verifier IS NULL OR verifier !~ '^SCRAM-SHA-256\$' THEN
        PERFORM cfit_fail('input', 'password: expected a SCRAM-SHA-256 verifier made by the client, found something else');
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I', login, verifier, 'cfit_' || role_name);
    RETURN cfit_user_json(login);
END
$$;

CREATE FUNCTION cfit_user_role(login text, role_name text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM cfit_require('cfit_admin', 'managing users');
    PERFORM cfit_staff(login);
    PERFORM cfit_check_role(role_name);
    EXECUTE format('REVOKE cfit_fitter, cfit_pharmacy, cfit_admin FROM %I', login);
    EXECUTE format('GRANT %I TO %I', 'cfit_' || role_name, login);
    RETURN cfit_user_json(login);
END
$$;

CREATE FUNCTION cfit_user_disable(login text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM cfit_require('cfit_admin', 'managing users');
    PERFORM cfit_staff(login);
    IF login = session_user THEN
        PERFORM cfit_fail('refused', format('user disable: %s is your own login; another admin must disable it', login));
    END IF;
    EXECUTE format('ALTER ROLE %I NOLOGIN', login);
    RETURN cfit_user_json(login);
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Privileges: nothing for PUBLIC; reads for every role; operations by role; the catalog tables
-- (not stock, ledger or prescriptions) written directly by the admin's import.

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

GRANT USAGE ON SCHEMA public TO cfit_fitter;
GRANT SELECT ON manufacturer, product_line, chart_size, chart_range, length_variant, article, import_batch,
    location, lot, stock_balance, stock_movement, reorder_rule, patient, prescriber, prescription,
    prescription_item, fitting, reservation, dispense, dispense_return, cfit_schema_migrations TO cfit_fitter;
GRANT EXECUTE ON FUNCTION unusable_reason(text, text, date, date), gtin_is_valid(text) TO cfit_fitter;
GRANT EXECUTE ON FUNCTION cfit_record_fitting(text, text, text, text, text, text, jsonb, jsonb) TO cfit_fitter;

GRANT EXECUTE ON FUNCTION
    cfit_receive(text, text, text, integer, text, text, date, text),
    cfit_count(text, text, text, integer, text, text),
    cfit_transfer(text, text, text, integer, text, text, boolean, date),
    cfit_write_off(text, text, text, integer, text, text, text, text, date),
    cfit_release_return(text, text, text, integer, text, text),
    cfit_reserve(text, text, text, text, text, date),
    cfit_release(text, text, bigint),
    cfit_dispense(text, text, bigint, date),
    cfit_return(text, text, bigint, integer, text, text, boolean, date),
    cfit_rx_new(text, text, text, text, text, text, text, text, text, text, text, integer, date, text, date),
    cfit_rx_cancel(text, text, text)
TO cfit_pharmacy;

GRANT EXECUTE ON FUNCTION cfit_set_minimum(text, text, integer, integer), cfit_add_location(text, text, text),
    cfit_user_add(text, text, text), cfit_user_role(text, text), cfit_user_disable(text) TO cfit_admin;
GRANT INSERT, UPDATE, DELETE ON manufacturer, product_line, chart_size, chart_range, length_variant, article TO cfit_admin;
GRANT INSERT ON import_batch TO cfit_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO cfit_admin;
