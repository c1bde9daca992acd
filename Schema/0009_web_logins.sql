-- Logins for the browser and the HTTP API (`cfit serve`). A person signs in with their own
-- PostgreSQL login and password, and the server then works as that login, so their role is
-- enforced by PostgreSQL and every row records them. The password must be checked whatever the
-- server's pg_hba.conf says (the embedded default trusts its socket), so `cfit serve` checks it
-- itself against the SCRAM-SHA-256 verifier made when the password was set. pg_authid, where
-- PostgreSQL keeps its own copy, is readable by superusers only (a shop's schema owner is not
-- one), so the same verifier is kept here too, written only by the user operations below.

CREATE TABLE staff_credential (
    login text PRIMARY KEY,
    verifier text NOT NULL CHECK (verifier ~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$'),
    updated_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON staff_credential FROM PUBLIC;

-- The role a web server's own login needs to check passwords (the schema's owner has it anyway).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cfit_gatekeeper') THEN CREATE ROLE cfit_gatekeeper NOLOGIN; END IF;
END
$$;

CREATE OR REPLACE FUNCTION cfit_user_add(login text, role_name text, verifier text)
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
    INSERT INTO staff_credential (login, verifier) VALUES (cfit_user_add.login, cfit_user_add.verifier)
    ON CONFLICT ON CONSTRAINT staff_credential_pkey DO UPDATE SET verifier = EXCLUDED.verifier, updated_at = now();
    RETURN cfit_user_json(login);
END
$$;

-- A new password for `login`: an admin's change, or a person's own.
CREATE FUNCTION cfit_user_password(login text, verifier text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF login <> session_user THEN
        PERFORM cfit_require('cfit_admin', 'setting another login''s password');
    END IF;
    PERFORM cfit_staff(login);
    IF verifier IS NULL OR verifier !~ '^SCRAM-SHA-256\$' THEN
        PERFORM cfit_fail('input', 'password: expected a SCRAM-SHA-256 verifier made by the client, found something else');
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD %L', login, verifier);
    INSERT INTO staff_credential (login, verifier) VALUES (cfit_user_password.login, cfit_user_password.verifier)
    ON CONFLICT ON CONSTRAINT staff_credential_pkey DO UPDATE SET verifier = EXCLUDED.verifier, updated_at = now();
    RETURN cfit_user_json(login);
END
$$;

-- The verifier to check `login`'s password against, with the login's role; no row for a login
-- that is not staff, cannot log in, or has no password set through cfit.
CREATE FUNCTION cfit_login_verifier(login text)
RETURNS TABLE (verifier text, role text) LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT c.verifier,
           CASE WHEN pg_has_role(r.oid, 'cfit_admin', 'MEMBER') THEN 'admin'
                WHEN pg_has_role(r.oid, 'cfit_pharmacy', 'MEMBER') THEN 'pharmacy' ELSE 'fitter' END
    FROM staff_credential c JOIN pg_roles r ON r.rolname = c.login
    WHERE c.login = cfit_login_verifier.login AND r.rolcanlogin AND NOT r.rolsuper
      AND pg_has_role(r.oid, 'cfit_fitter', 'MEMBER')
$$;

REVOKE EXECUTE ON FUNCTION cfit_user_password(text, text), cfit_login_verifier(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cfit_user_password(text, text) TO cfit_fitter;
GRANT EXECUTE ON FUNCTION cfit_login_verifier(text) TO cfit_gatekeeper;
