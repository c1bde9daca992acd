-- The operations' refusals carry the input they are about as the error's column
-- (cfit_fail(kind, field, text) in Schema/functions/common.sql), no longer as a flag written at the
-- start of the message. The old two-argument cfit_fail goes; the function files, applied after this
-- migration, define the new one and every caller.
DROP FUNCTION IF EXISTS cfit_fail(text, text);
