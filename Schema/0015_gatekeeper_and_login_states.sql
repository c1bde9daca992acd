-- A web server's own login needs nothing beyond cfit_gatekeeper (issue 21): starting `cfit serve`
-- checks that the schema is up to date with one read of cfit_schema_migrations and
-- cfit_schema_functions, which the gatekeeper could not read, so the documented set-up (`CREATE ROLE cfit_web LOGIN …; GRANT
-- cfit_gatekeeper TO cfit_web;`) stopped with "permission denied". cfit_login_states, which the
-- server polls every second to end the sessions of logins disabled or changed anywhere, is
-- defined and granted in functions/users.sql.
GRANT SELECT ON cfit_schema_migrations, cfit_schema_functions TO cfit_gatekeeper;
