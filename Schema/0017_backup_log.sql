-- Backups (issue 22): each `cfit db backup` records when it was taken, where, its size and
-- checksum, and whether the file was read back and found whole, so that `cfit db status` can say
-- when the last one was taken and `cfit check` can warn when none is recent. The backup itself
-- is taken with the schema owner's rights (pg_dump reads every table), and so is this row.
CREATE TABLE backup_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    taken_at timestamptz NOT NULL DEFAULT now(),
    file text NOT NULL CHECK (btrim(file) <> ''),
    bytes bigint NOT NULL CHECK (bytes > 0),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    schema_version integer NOT NULL,
    verified boolean NOT NULL,
    actor text NOT NULL DEFAULT session_user
);
GRANT SELECT ON backup_log TO cfit_fitter;
