-- Messages that every face can word its own way. The operations name an input by a leading
-- `--name:` (or `NAME:` for a value the command line takes positionally) and mention other
-- inputs as `--name`; the Inventory module reads those as fields, and each face (the command
-- line, a web form) names them itself. These three messages also told the reader which cfit
-- command to run; a web counter has no such commands, so they now say what to do instead.

CREATE OR REPLACE FUNCTION cfit_location(code text) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
    place record;
    known text;
BEGIN
    SELECT l.id, l.active INTO place FROM location l WHERE l.code = cfit_location.code;
    IF place.id IS NULL THEN
        SELECT string_agg(l.code, ', ' ORDER BY l.code) INTO known FROM location l WHERE l.active;
        PERFORM cfit_fail('input', format('--location: expected one of %s, found ''%s''',
            coalesce(known, '(none yet: add a location first)'), code));
    END IF;
    IF NOT place.active THEN
        PERFORM cfit_fail('refused', format('location %s: is disabled', code));
    END IF;
    RETURN place.id;
END
$$;

CREATE OR REPLACE FUNCTION cfit_staff(login text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles r WHERE r.rolname = login AND NOT r.rolsuper AND login NOT LIKE 'cfit\_%'
                   AND pg_has_role(r.oid, 'cfit_fitter', 'MEMBER')) THEN
        PERFORM cfit_fail('input', format('NAME: expected a staff login (one listed among the users), found ''%s''', login));
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION cfit_location_disable(key text, request text, code text)
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
        PERFORM cfit_fail('refused', format('location %s: holds %s units; move or write them off first (see its stock)',
            code, held));
    END IF;
    IF EXISTS (SELECT FROM location c WHERE c.parent_id = place AND c.active) THEN
        PERFORM cfit_fail('refused', format('location %s: has active locations inside it; disable them first', code));
    END IF;
    UPDATE location SET active = false WHERE id = place;
    RETURN cfit_key_store(key, cfit_location_json(code));
END
$$;
