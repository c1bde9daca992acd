-- A real shop from an empty database: locations that can be disabled, patients and prescribers
-- as records of their own, and lot holds and recalls with the reason and who decided.

ALTER TABLE location ADD COLUMN active boolean NOT NULL DEFAULT true;

-- Every change of a lot's status, for the audit: who held, released or recalled it, and why.
CREATE TABLE lot_event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lot_id bigint NOT NULL REFERENCES lot,
    status text NOT NULL CHECK (status IN ('approved', 'recalled', 'on-hold', 'quarantined')),
    reason text NOT NULL CHECK (btrim(reason) <> ''),
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL DEFAULT session_user,
    idempotency_key text UNIQUE
);
CREATE INDEX lot_event_lot ON lot_event (lot_id);
CREATE INDEX dispense_lot ON dispense (lot_id);
CREATE INDEX prescription_patient ON prescription (patient_id);
CREATE INDEX fitting_patient ON fitting (patient_id);

-- The article a code names: its SKU, or its GTIN in any of the 8/12/13/14-digit forms; NULL when
-- none. The one place that rule is written: operations (through cfit_article) and reads use it.
CREATE FUNCTION cfit_find_article(code text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT a.sku FROM article a WHERE a.sku = code OR a.gtin14 = lpad(code, 14, '0') ORDER BY a.sku = code DESC LIMIT 1
$$;

CREATE OR REPLACE FUNCTION cfit_article(sku_or_gtin text) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    found_sku text := cfit_find_article(sku_or_gtin);
BEGIN
    IF found_sku IS NULL THEN
        PERFORM cfit_fail('input', format('SKU: expected a known SKU or GTIN, found ''%s''', sku_or_gtin));
    END IF;
    RETURN found_sku;
END
$$;

-- A location that is disabled takes no new stock and is never the place of an operation; it
-- stays in the records of everything that happened there.
CREATE OR REPLACE FUNCTION cfit_location(code text) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
    place record;
    known text;
BEGIN
    SELECT l.id, l.active INTO place FROM location l WHERE l.code = cfit_location.code;
    IF place.id IS NULL THEN
        SELECT string_agg(l.code, ', ' ORDER BY l.code) INTO known FROM location l WHERE l.active;
        PERFORM cfit_fail('input', format('--location: expected one of %s, found ''%s''',
            coalesce(known, '(none yet: cfit location add CODE --name NAME)'), code));
    END IF;
    IF NOT place.active THEN
        PERFORM cfit_fail('refused', format('location %s: is disabled', code));
    END IF;
    RETURN place.id;
END
$$;

CREATE FUNCTION cfit_location_add(key text, request text, code text, name text, kind text, parent text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
DECLARE
    result jsonb;
    parent_id bigint;
BEGIN
    PERFORM cfit_require('cfit_admin', 'adding locations');
    result := cfit_key_claim(key, 'location.add', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    IF code IS NULL OR code !~ '^[a-z0-9-]{1,40}$' THEN
        PERFORM cfit_fail('input', format('CODE: expected lowercase letters, digits and - (at most 40), found ''%s''', code));
    END IF;
    IF name IS NULL OR btrim(name) = '' OR length(name) > 200 THEN
        PERFORM cfit_fail('input', format('--name: expected the location''s name (1 to 200 characters), found ''%s''', coalesce(name, '')));
    END IF;
    IF kind NOT IN ('stock', 'quarantine', 'returns') THEN
        PERFORM cfit_fail('input', format('--kind: expected stock, quarantine or returns, found ''%s''', kind));
    END IF;
    IF EXISTS (SELECT FROM location l WHERE l.code = cfit_location_add.code) THEN
        PERFORM cfit_fail('input', format('CODE: expected a new location code, found ''%s'' already in use', code));
    END IF;
    IF parent IS NOT NULL THEN parent_id := cfit_location(parent); END IF;
    INSERT INTO location (code, name, kind, parent_id) VALUES (code, btrim(name), kind, parent_id);
    RETURN cfit_key_store(key, cfit_location_json(code));
END
$$;

CREATE FUNCTION cfit_location_json(code text) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('code', l.code, 'name', l.name, 'kind', l.kind, 'parent', p.code, 'active', l.active,
        'onHand', coalesce((SELECT sum(b.on_hand) FROM stock_balance b WHERE b.location_id = l.id), 0))
    FROM location l LEFT JOIN location p ON p.id = l.parent_id WHERE l.code = cfit_location_json.code
$$;

CREATE FUNCTION cfit_location_disable(key text, request text, code text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
DECLARE
    result jsonb;
    place bigint;
    held bigint;
BEGIN
    PERFORM cfit_require('cfit_admin', 'disabling locations');
    result := cfit_key_claim(key, 'location.disable', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    place := cfit_location(code);
    -- Lock the location's balances so no receipt lands while it is checked.
    SELECT coalesce(sum(on_hand), 0) INTO held FROM (SELECT on_hand FROM stock_balance WHERE location_id = place FOR UPDATE) b;
    IF held > 0 THEN
        PERFORM cfit_fail('refused', format('location %s: holds %s units; move or write them off first (cfit stock show --location %s)',
            code, held, code));
    END IF;
    IF EXISTS (SELECT FROM location c WHERE c.parent_id = place AND c.active) THEN
        PERFORM cfit_fail('refused', format('location %s: has active locations inside it; disable them first', code));
    END IF;
    UPDATE location SET active = false WHERE id = place;
    RETURN cfit_key_store(key, cfit_location_json(code));
END
$$;

CREATE FUNCTION cfit_party_add(key text, request text, kind text, reference text, name text, born date)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
DECLARE
    result jsonb;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'adding ' || kind || 's');
    result := cfit_key_claim(key, kind || '.add', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    IF reference IS NULL OR btrim(reference) <> reference OR reference = '' OR length(reference) > 100 THEN
        PERFORM cfit_fail('input', format('REF: expected a reference of 1 to 100 characters without surrounding spaces, found ''%s''', coalesce(reference, '')));
    END IF;
    IF name IS NULL OR btrim(name) = '' OR length(name) > 200 THEN
        PERFORM cfit_fail('input', format('--name: expected the %s''s name (1 to 200 characters), found ''%s''', kind, coalesce(name, '')));
    END IF;
    IF kind = 'patient' THEN
        IF EXISTS (SELECT FROM patient p WHERE p.reference = cfit_party_add.reference) THEN
            PERFORM cfit_fail('input', format('REF: expected a new patient reference, found ''%s'' already in use', reference));
        END IF;
        INSERT INTO patient (reference, display_name, birth_date) VALUES (reference, btrim(name), born);
        RETURN cfit_key_store(key, jsonb_build_object('reference', reference, 'name', btrim(name), 'born', born::text));
    END IF;
    IF EXISTS (SELECT FROM prescriber p WHERE p.reference = cfit_party_add.reference) THEN
        PERFORM cfit_fail('input', format('REF: expected a new prescriber reference, found ''%s'' already in use', reference));
    END IF;
    INSERT INTO prescriber (reference, display_name) VALUES (reference, btrim(name));
    RETURN cfit_key_store(key, jsonb_build_object('reference', reference, 'name', btrim(name)));
END
$$;

-- Holds, releases or recalls lot `code` (of `sku`, or the only article with a lot of that code),
-- recording why. A recall is final. Returns the lot with what the change touches: where its
-- units are, the active reservations it blocks, and the patients who received it.
CREATE FUNCTION cfit_lot_status(key text, request text, code text, sku text, status text, reason text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET lock_timeout = '5s' AS $$
DECLARE
    result jsonb;
    article text;
    target record;
    matches integer;
BEGIN
    PERFORM cfit_require('cfit_pharmacy', 'holding and recalling lots');
    result := cfit_key_claim(key, 'lot.' || status, request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    IF reason IS NULL OR btrim(reason) = '' OR length(reason) > 500 THEN
        PERFORM cfit_fail('input', format('--reason: expected why (1 to 500 characters), found ''%s''', coalesce(reason, '')));
    END IF;
    IF sku IS NOT NULL THEN article := cfit_article(sku); END IF;
    SELECT count(*) INTO matches FROM lot l WHERE l.code = cfit_lot_status.code AND (article IS NULL OR l.sku = article);
    IF matches = 0 THEN
        PERFORM cfit_fail('input', format('LOT: expected a lot received before%s, found ''%s''', coalesce(' of ' || article, ''), code));
    ELSIF matches > 1 THEN
        PERFORM cfit_fail('input', format('--sku: expected the article, since lot %s exists for %s', code,
            (SELECT string_agg(l.sku, ', ' ORDER BY l.sku) FROM lot l WHERE l.code = cfit_lot_status.code)));
    END IF;
    SELECT l.id, l.sku, l.status INTO target FROM lot l
    WHERE l.code = cfit_lot_status.code AND (article IS NULL OR l.sku = article) FOR UPDATE;
    IF target.status = 'recalled' THEN
        PERFORM cfit_fail('refused', format('lot %s of %s: is recalled; a recall is final', code, target.sku));
    END IF;
    IF status = 'approved' AND target.status = 'approved' THEN
        PERFORM cfit_fail('refused', format('lot %s of %s: is not held', code, target.sku));
    END IF;
    UPDATE lot SET status = cfit_lot_status.status WHERE id = target.id;
    INSERT INTO lot_event (lot_id, status, reason, idempotency_key) VALUES (target.id, status, btrim(reason), key);
    RETURN cfit_key_store(key, cfit_lot_json(target.id));
END
$$;

CREATE FUNCTION cfit_lot_json(lot_id bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'code', l.code, 'sku', l.sku, 'expiresOn', l.expires_on::text, 'status', l.status,
        'stock', coalesce((SELECT jsonb_agg(jsonb_build_object('location', loc.code, 'onHand', b.on_hand, 'reserved', b.reserved,
                                                                'returned', b.state = 'returned') ORDER BY loc.code, b.state)
                           FROM stock_balance b JOIN location loc ON loc.id = b.location_id
                           WHERE b.lot_id = l.id AND b.on_hand > 0), '[]'),
        'reservations', coalesce((SELECT jsonb_agg(jsonb_build_object('id', r.id, 'prescription', p.number,
                                                                      'patient', pa.reference, 'location', loc.code) ORDER BY r.id)
                                  FROM reservation r JOIN stock_balance b ON b.id = r.balance_id
                                  JOIN location loc ON loc.id = b.location_id
                                  JOIN prescription_item i ON i.id = r.prescription_item_id
                                  JOIN prescription p ON p.id = i.prescription_id JOIN patient pa ON pa.id = p.patient_id
                                  WHERE b.lot_id = l.id AND r.status = 'active'), '[]'),
        'dispenses', coalesce((SELECT jsonb_agg(jsonb_build_object('id', d.id, 'handedOverAt', cfit_time(d.handed_over_at),
                                                                   'prescription', p.number, 'patient', pa.reference,
                                                                   'patientName', pa.display_name, 'quantity', d.quantity,
                                                                   'returned', d.quantity_returned) ORDER BY d.id)
                               FROM dispense d JOIN prescription_item i ON i.id = d.prescription_item_id
                               JOIN prescription p ON p.id = i.prescription_id JOIN patient pa ON pa.id = p.patient_id
                               WHERE d.lot_id = l.id), '[]'),
        'events', coalesce((SELECT jsonb_agg(jsonb_build_object('status', e.status, 'reason', e.reason, 'actor', e.actor,
                                                                'at', cfit_time(e.occurred_at)) ORDER BY e.id)
                            FROM lot_event e WHERE e.lot_id = l.id), '[]'))
    FROM lot l WHERE l.id = lot_id
$$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
GRANT SELECT ON lot_event TO cfit_fitter;
GRANT EXECUTE ON FUNCTION unusable_reason(text, text, date, date), gtin_is_valid(text), cfit_lot_json(bigint),
    cfit_find_article(text),
    cfit_location_json(text), cfit_time(timestamptz) TO cfit_fitter;
GRANT EXECUTE ON FUNCTION cfit_party_add(text, text, text, text, text, date),
    cfit_lot_status(text, text, text, text, text, text) TO cfit_pharmacy;
GRANT EXECUTE ON FUNCTION cfit_location_add(text, text, text, text, text, text), cfit_location_disable(text, text, text)
    TO cfit_admin;
