-- Idempotency keys: a key claimed for one request, its result stored, the same key with another request refused as a conflict.
--
-- Repeatable: `cfit db migrate` re-applies this file whenever its text changes, after the
-- numbered migrations, so each function's live body is here and only here. Owners and grants
-- set by the numbered migrations are kept (CREATE OR REPLACE keeps them); a new function's
-- grants go below it.

CREATE OR REPLACE FUNCTION public.cfit_key_claim(key text, operation text, request text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
DECLARE
    stored idempotent_result;
BEGIN
    IF key IS NULL OR key = '' OR length(key) > 200 THEN
        PERFORM cfit_fail('input', 'idempotency-key', format('expected 1 to 200 characters, found %s',
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
        PERFORM cfit_fail('conflict', 'idempotency-key', format('key ''%s'' was used for a different request: %s; this one is %s',
            key, coalesce(stored.request, format('["%s", …]', stored.operation)), request));
    END IF;
    RETURN stored.result;
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_key_store(key text, result jsonb)
 RETURNS jsonb
 LANGUAGE sql
AS $function$
    UPDATE idempotent_result r SET result = cfit_key_store.result WHERE r.key = cfit_key_store.key RETURNING r.result
$function$;

CREATE OR REPLACE FUNCTION public.cfit_import_key(key text, request text, result jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
BEGIN
    -- A catalog import's idempotency key: claimed (result NULL; the stored answer, or NULL for a
    -- new key), then its answer stored. Imports write tables directly, as admins may; the keys'
    -- table stays closed to them.
    PERFORM cfit_require('cfit_admin', 'importing catalogs');
    IF result IS NULL THEN
        RETURN cfit_key_claim(key, 'catalog.import', request);
    END IF;
    RETURN cfit_key_store(key, result);
END
$function$;

REVOKE EXECUTE ON FUNCTION cfit_import_key(text, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cfit_import_key(text, text, jsonb) TO cfit_admin;
