-- Locations: looked up, added, disabled, shown.
--
-- Repeatable: `cfit db migrate` re-applies this file whenever its text changes, after the
-- numbered migrations, so each function's live body is here and only here. Owners and grants
-- set by the numbered migrations are kept (CREATE OR REPLACE keeps them); a new function's
-- grants go below it.

CREATE OR REPLACE FUNCTION public.cfit_add_location(code text, name text, kind text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    found_id bigint;
BEGIN
    PERFORM cfit_require('cfit_admin', 'adding locations');
    INSERT INTO location (code, name, kind) VALUES (code, name, kind)
    ON CONFLICT ON CONSTRAINT location_code_key DO UPDATE SET name = location.name RETURNING id INTO found_id;
    RETURN found_id;
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_location(code text)
 RETURNS bigint
 LANGUAGE plpgsql
 STABLE
AS $function$
DECLARE
    place record;
    known text;
BEGIN
    SELECT l.id, l.active INTO place FROM location l WHERE l.code = cfit_location.code;
    IF place.id IS NULL THEN
        SELECT string_agg(l.code, ', ' ORDER BY l.code) INTO known FROM location l WHERE l.active;
        PERFORM cfit_fail('not-found', 'location', format('expected one of %s, found ''%s''',
            coalesce(known, '(none yet: add a location first)'), code));
    END IF;
    IF NOT place.active THEN
        PERFORM cfit_fail('refused', NULL, format('location %s: is disabled', code));
    END IF;
    RETURN place.id;
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_location_add(key text, request text, code text, name text, kind text, parent text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
DECLARE
    result jsonb;
    parent_id bigint;
BEGIN
    PERFORM cfit_require('cfit_admin', 'adding locations');
    result := cfit_key_claim(key, 'location.add', request);
    IF result IS NOT NULL THEN RETURN result; END IF;
    IF code IS NULL OR code !~ '^[a-z0-9-]{1,40}$' THEN
        PERFORM cfit_fail('input', 'code', format('expected lowercase letters, digits and - (at most 40), found ''%s''', code));
    END IF;
    IF name IS NULL OR btrim(name) = '' OR length(name) > 200 THEN
        PERFORM cfit_fail('input', 'name', format('expected the location''s name (1 to 200 characters), found ''%s''', coalesce(name, '')));
    END IF;
    IF kind NOT IN ('stock', 'quarantine', 'returns') THEN
        PERFORM cfit_fail('input', 'kind', format('expected stock, quarantine or returns, found ''%s''', kind));
    END IF;
    IF EXISTS (SELECT FROM location l WHERE l.code = cfit_location_add.code) THEN
        PERFORM cfit_fail('conflict', 'code', format('expected a new location code, found ''%s'' already in use', code));
    END IF;
    IF parent IS NOT NULL THEN parent_id := cfit_location(parent); END IF;
    INSERT INTO location (code, name, kind, parent_id) VALUES (code, btrim(name), kind, parent_id);
    RETURN cfit_key_store(key, cfit_location_json(code));
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_location_disable(key text, request text, code text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
 SET lock_timeout TO '5s'
AS $function$
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
        PERFORM cfit_fail('refused', NULL, format('location %s: holds %s units; move or write them off first (see its stock)',
            code, held));
    END IF;
    IF EXISTS (SELECT FROM location c WHERE c.parent_id = place AND c.active) THEN
        PERFORM cfit_fail('refused', NULL, format('location %s: has active locations inside it; disable them first', code));
    END IF;
    UPDATE location SET active = false WHERE id = place;
    RETURN cfit_key_store(key, cfit_location_json(code));
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_location_json(code text)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
    SELECT jsonb_build_object('code', l.code, 'name', l.name, 'kind', l.kind, 'parent', p.code, 'active', l.active,
        'onHand', coalesce((SELECT sum(b.on_hand) FROM stock_balance b WHERE b.location_id = l.id), 0))
    FROM location l LEFT JOIN location p ON p.id = l.parent_id WHERE l.code = cfit_location_json.code
$function$;
