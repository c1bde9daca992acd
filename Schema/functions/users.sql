-- Staff logins: added, their role set, disabled, their password verifier kept and read at sign-in.
--
-- Repeatable: `cfit db migrate` re-applies this file whenever its text changes, after the
-- numbered migrations, so each function's live body is here and only here. Owners and grants
-- set by the numbered migrations are kept (CREATE OR REPLACE keeps them); a new function's
-- grants go below it.

CREATE OR REPLACE FUNCTION public.cfit_login_verifier(login text)
 RETURNS TABLE(verifier text, role text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
    SELECT c.verifier,
           CASE WHEN pg_has_role(r.oid, 'cfit_admin', 'MEMBER') THEN 'admin'
                WHEN pg_has_role(r.oid, 'cfit_pharmacy', 'MEMBER') THEN 'pharmacy' ELSE 'fitter' END
    FROM staff_credential c JOIN pg_roles r ON r.rolname = c.login
    WHERE c.login = cfit_login_verifier.login AND r.rolcanlogin AND NOT r.rolsuper
      AND (r.rolvaliduntil IS NULL OR r.rolvaliduntil > now())
      AND pg_has_role(r.oid, 'cfit_fitter', 'MEMBER')
$function$;

CREATE OR REPLACE FUNCTION public.cfit_login_states(logins jsonb)
 RETURNS TABLE(login text, verifier text, role text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
    SELECT c.login, c.verifier,
           CASE WHEN pg_has_role(r.oid, 'cfit_admin', 'MEMBER') THEN 'admin'
                WHEN pg_has_role(r.oid, 'cfit_pharmacy', 'MEMBER') THEN 'pharmacy' ELSE 'fitter' END
    FROM staff_credential c JOIN pg_roles r ON r.rolname = c.login
    WHERE c.login IN (SELECT jsonb_array_elements_text(logins)) AND r.rolcanlogin AND NOT r.rolsuper
      AND (r.rolvaliduntil IS NULL OR r.rolvaliduntil > now())
      AND pg_has_role(r.oid, 'cfit_fitter', 'MEMBER')
$function$;

-- Polled every second by a web server's own login, for all its signed-in logins at once.
REVOKE EXECUTE ON FUNCTION cfit_login_states(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cfit_login_states(jsonb) TO cfit_gatekeeper;

CREATE OR REPLACE FUNCTION public.cfit_user_add(login text, role_name text, verifier text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
BEGIN
    PERFORM cfit_require('cfit_admin', 'managing users');
    IF login !~ '^[a-z][a-z0-9_.-]{0,62}$' OR login LIKE 'cfit\_%' OR login LIKE 'pg\_%' THEN
        PERFORM cfit_fail('input', 'name', format('expected a login of lowercase letters, digits, _ . or - starting with a letter (at most 63, not cfit_… or pg_…), found ''%s''', login));
    END IF;
    PERFORM cfit_check_role(role_name);
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = login) THEN
        PERFORM cfit_fail('conflict', 'name', format('expected a new login, found ''%s'' already exists', login));
    END IF;
    IF verifier IS NULL OR verifier !~ '^SCRAM-SHA-256\$' THEN
        PERFORM cfit_fail('input', NULL, 'password: expected a SCRAM-SHA-256 verifier made by the client, found something else');
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I', login, verifier, 'cfit_' || role_name);
    INSERT INTO staff_credential (login, verifier) VALUES (cfit_user_add.login, cfit_user_add.verifier)
    ON CONFLICT ON CONSTRAINT staff_credential_pkey DO UPDATE SET verifier = EXCLUDED.verifier, updated_at = now();
    RETURN cfit_user_json(login);
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_user_disable(login text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
BEGIN
    PERFORM cfit_require('cfit_admin', 'managing users');
    PERFORM cfit_staff(login);
    IF login = session_user THEN
        PERFORM cfit_fail('refused', NULL, format('user disable: %s is your own login; another admin must disable it', login));
    END IF;
    EXECUTE format('ALTER ROLE %I NOLOGIN', login);
    RETURN cfit_user_json(login);
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_user_json(login text)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
    SELECT jsonb_build_object('name', r.rolname, 'canLogin', r.rolcanlogin,
        'role', CASE WHEN pg_has_role(r.oid, 'cfit_admin', 'MEMBER') THEN 'admin'
                     WHEN pg_has_role(r.oid, 'cfit_pharmacy', 'MEMBER') THEN 'pharmacy'
                     WHEN pg_has_role(r.oid, 'cfit_fitter', 'MEMBER') THEN 'fitter' END)
    FROM pg_roles r WHERE r.rolname = login
$function$;

CREATE OR REPLACE FUNCTION public.cfit_user_password(login text, verifier text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
BEGIN
    IF login <> session_user THEN
        PERFORM cfit_require('cfit_admin', 'setting another login''s password');
    END IF;
    PERFORM cfit_staff(login);
    IF verifier IS NULL OR verifier !~ '^SCRAM-SHA-256\$' THEN
        PERFORM cfit_fail('input', NULL, 'password: expected a SCRAM-SHA-256 verifier made by the client, found something else');
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD %L', login, verifier);
    INSERT INTO staff_credential (login, verifier) VALUES (cfit_user_password.login, cfit_user_password.verifier)
    ON CONFLICT ON CONSTRAINT staff_credential_pkey DO UPDATE SET verifier = EXCLUDED.verifier, updated_at = now();
    RETURN cfit_user_json(login);
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_user_role(login text, role_name text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
BEGIN
    PERFORM cfit_require('cfit_admin', 'managing users');
    PERFORM cfit_staff(login);
    PERFORM cfit_check_role(role_name);
    EXECUTE format('REVOKE cfit_fitter, cfit_pharmacy, cfit_admin FROM %I', login);
    EXECUTE format('GRANT %I TO %I', 'cfit_' || role_name, login);
    RETURN cfit_user_json(login);
END
$function$;
