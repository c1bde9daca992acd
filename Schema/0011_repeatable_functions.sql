-- The schema's functions now live in Schema/functions/, one file per noun, applied after the
-- numbered migrations and again whenever a file's text changes; `cfit_schema_functions` records
-- each file's checksum (the migrator creates it). Every login reads it, as it reads
-- cfit_schema_migrations, so that starting a command can check the schema with one read-only query.
GRANT SELECT ON cfit_schema_functions TO cfit_fitter;
