-- A busy shop's day (issue 24).
--
-- A prescription past its validity is expired: `cfit expire` (or `cfit serve`, once a day) marks
-- it so and releases what it held. Cancelling one records why, when and by whom.
ALTER TABLE prescription DROP CONSTRAINT prescription_status_check;
ALTER TABLE prescription ADD CONSTRAINT prescription_status_check
    CHECK (status IN ('draft', 'active', 'on-hold', 'revoked', 'completed', 'entered-in-error', 'expired'));
ALTER TABLE prescription
    ADD COLUMN status_reason text CHECK (btrim(status_reason) <> ''),
    ADD COLUMN status_changed_at timestamptz,
    ADD COLUMN status_changed_by text;

-- A fitting recorded in error is voided with a reason: kept and shown as voided, never compared
-- with ("change since last"), never the ABPI the arterial guard reads, never the fitting a
-- reservation is checked against.
ALTER TABLE fitting
    ADD COLUMN voided_at timestamptz,
    ADD COLUMN voided_by text,
    ADD COLUMN void_reason text CHECK (btrim(void_reason) <> ''),
    ADD CONSTRAINT fitting_void_whole
        CHECK ((voided_at IS NULL) = (void_reason IS NULL) AND (voided_at IS NULL) = (voided_by IS NULL));

-- A reservation of another size than the prescription's last fitting chose, or of a ready-made
-- garment where it said made-to-measure, records the reason it was confirmed with.
ALTER TABLE reservation ADD COLUMN confirmed_reason text CHECK (btrim(confirmed_reason) <> '');

-- New signatures (Schema/functions/ holds the bodies and grants).
DROP FUNCTION cfit_rx_cancel(text, text, text);
DROP FUNCTION cfit_reserve(text, text, text, text, text, date);
DROP FUNCTION cfit_party_add(text, text, text, text, text, date);
