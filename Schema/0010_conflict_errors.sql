-- A request that conflicts with an earlier one is its own kind of error, not bad input: the same
-- idempotency key sent with another request is SQLSTATE CFC01, which every face shows as a
-- conflict (HTTP 409; exit 64 on the command line, as before). cfit_fail takes the kind
-- 'conflict' for it; the key claim is the one caller.

CREATE OR REPLACE FUNCTION cfit_fail(kind text, text text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = text,
        ERRCODE = CASE kind WHEN 'refused' THEN 'CFR01' WHEN 'conflict' THEN 'CFC01' ELSE 'CFB01' END;
END
$$;

CREATE OR REPLACE FUNCTION cfit_key_claim(key text, operation text, request text) RETURNS jsonb LANGUAGE plpgsql AS $$
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
        PERFORM cfit_fail('conflict', format('--idempotency-key: key ''%s'' was used for a different request: %s; this one is %s',
            key, coalesce(stored.request, format('["%s", …]', stored.operation)), request));
    END IF;
    RETURN stored.result;
END
$$;
