-- Helpers every operation uses: errors with a SQLSTATE per kind, role checks, the actor, days and times, units, GTIN check digits, the append-only ledger trigger.
--
-- Repeatable: `cfit db migrate` re-applies this file whenever its text changes, after the
-- numbered migrations, so each function's live body is here and only here. Owners and grants
-- set by the numbered migrations are kept (CREATE OR REPLACE keeps them); a new function's
-- grants go below it.

CREATE OR REPLACE FUNCTION public.cfit_check_role(role_name text)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF role_name IS NULL OR role_name NOT IN ('fitter', 'pharmacy', 'admin') THEN
        PERFORM cfit_fail('input', 'role', format('expected fitter, pharmacy or admin, found ''%s''', role_name));
    END IF;
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_fail(kind text, field text, text text)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
    -- The input it is about travels apart from the words, as the error's column: each face names
    -- it its own way (a flag, a form field, a JSON member). Other inputs the words mention are
    -- written --name.
    RAISE EXCEPTION USING MESSAGE = text, COLUMN = coalesce(field, ''),
        ERRCODE = CASE kind WHEN 'refused' THEN 'CFR01' WHEN 'conflict' THEN 'CFC01' WHEN 'not-found' THEN 'CFN01'
                   ELSE 'CFB01' END;
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_require(needed text, action text)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF NOT pg_has_role(session_user, needed, 'MEMBER') THEN
        RAISE EXCEPTION USING ERRCODE = '42501',
            MESSAGE = format('permission denied: %s needs the %s role, which %s does not have', action,
                             replace(needed, 'cfit_', ''), session_user);
    END IF;
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_staff(login text)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles r WHERE r.rolname = login AND NOT r.rolsuper AND login NOT LIKE 'cfit\_%'
                   AND pg_has_role(r.oid, 'cfit_fitter', 'MEMBER')) THEN
        PERFORM cfit_fail('input', 'name', format('expected a staff login (one listed among the users), found ''%s''', login));
    END IF;
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_time(t timestamp with time zone)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
AS $function$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$function$;

CREATE OR REPLACE FUNCTION public.cfit_today(today date)
 RETURNS date
 LANGUAGE plpgsql
 STABLE
AS $function$
DECLARE
    utc date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
    IF today IS NULL THEN
        RETURN utc;
    END IF;
    IF today BETWEEN utc - 1 AND utc + 1 OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
        RETURN today;
    END IF;
    PERFORM cfit_fail('input', NULL, format('today: expected the counter''s calendar day (%s ± 1), found %s', utc, today));
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_units(quantity integer, field text, minimum integer DEFAULT 1)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF quantity IS NULL OR quantity < minimum THEN
        PERFORM cfit_fail('input', field, format('expected %s to 2147483647 units, found %s', minimum, coalesce(quantity::text, 'none')));
    END IF;
END
$function$;

CREATE OR REPLACE FUNCTION public.gtin_is_valid(gtin text)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$
    SELECT gtin ~ '^([0-9]{8}|[0-9]{12,14})$'
       AND (SELECT (10 - sum(substr(gtin, length(gtin) - i, 1)::int * CASE WHEN i % 2 = 1 THEN 3 ELSE 1 END) % 10) % 10
              FROM generate_series(1, length(gtin) - 1) AS i)
           = substr(gtin, length(gtin), 1)::int
$function$;

CREATE OR REPLACE FUNCTION public.refuse_ledger_change()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    RAISE EXCEPTION 'stock_movement is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$function$;
