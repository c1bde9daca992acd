-- Records a shop can trust: returned units kept apart (with their lot) until inspected, returns
-- that point to the dispense they undo, write-offs, locations for quarantine and returns,
-- idempotency keys bound to their request, prescription numbers from a sequence, and catalog
-- imports judged by content rather than by file hash.

-- Where a location's units may come from: ordinary stock, or a quarantine / returns area that
-- may receive units nobody may hand out (expired, recalled, held, returned).
ALTER TABLE location ADD COLUMN kind text NOT NULL DEFAULT 'stock'
    CHECK (kind IN ('stock', 'quarantine', 'returns'));

-- A balance holds usable stock, or returned units awaiting inspection: on hand, never available.
ALTER TABLE stock_balance ADD COLUMN state text NOT NULL DEFAULT 'usable' CHECK (state IN ('usable', 'returned'));
ALTER TABLE stock_balance DROP CONSTRAINT stock_balance_sku_location_id_lot_id_key;
ALTER TABLE stock_balance ADD CONSTRAINT stock_balance_place UNIQUE NULLS NOT DISTINCT (sku, location_id, lot_id, state);
ALTER TABLE stock_balance ADD CONSTRAINT returned_never_reserved CHECK (state = 'usable' OR reserved = 0);
CREATE INDEX stock_balance_location ON stock_balance (location_id, sku);

ALTER TABLE stock_movement DROP CONSTRAINT stock_movement_reason_check;
ALTER TABLE stock_movement ADD CONSTRAINT stock_movement_reason_check CHECK (reason IN
    ('receipt', 'dispense', 'return', 'return_to_stock', 'write_off', 'count_adjustment', 'damage',
     'transfer_in', 'transfer_out', 'correction'));
CREATE INDEX stock_movement_balance ON stock_movement (balance_id);

-- A return undoes (part of) one dispense and keeps its lot.
ALTER TABLE dispense ADD COLUMN quantity_returned integer NOT NULL DEFAULT 0;
ALTER TABLE dispense ADD CONSTRAINT returned_within_dispensed CHECK (quantity_returned BETWEEN 0 AND quantity);
CREATE INDEX dispense_item ON dispense (prescription_item_id);

CREATE TABLE dispense_return (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dispense_id bigint NOT NULL REFERENCES dispense,
    balance_id bigint NOT NULL REFERENCES stock_balance,
    quantity integer NOT NULL CHECK (quantity > 0),
    reason text NOT NULL CHECK (btrim(reason) <> ''),
    reopened boolean NOT NULL DEFAULT false,
    returned_at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL DEFAULT current_user,
    idempotency_key text UNIQUE
);
CREATE INDEX dispense_return_dispense ON dispense_return (dispense_id);

-- Every return movement from now on names its return (older free-text returns are left as they
-- were: the ledger is append-only, and `cfit check` lists them).
ALTER TABLE stock_movement ADD COLUMN dispense_return_id bigint REFERENCES dispense_return;
ALTER TABLE stock_movement ADD CONSTRAINT return_names_its_dispense
    CHECK (reason <> 'return' OR dispense_return_id IS NOT NULL) NOT VALID;

CREATE INDEX prescription_item_prescription ON prescription_item (prescription_id);
CREATE INDEX reservation_item ON reservation (prescription_item_id);

-- What the key was first used for, so the same key with another request is refused (NULL for
-- results stored before this migration).
ALTER TABLE idempotent_result ADD COLUMN request text;

-- Prescription numbers RX-n when none is given: n from a sequence, numbers already taken skipped.
CREATE SEQUENCE prescription_number_seq;

-- An import is applied whenever its content differs from what the database holds, so the same
-- file may be recorded more than once (after another file was imported in between).
ALTER TABLE import_batch DROP CONSTRAINT import_batch_kind_sha256_key;
CREATE INDEX import_batch_file ON import_batch (kind, sha256);

-- Why units of a balance may not be offered on day `on_day` (NULL when they may): returned and
-- awaiting inspection, or their lot recalled, on hold, quarantined or expired. The one definition
-- of "usable" that stock, fitting, reservations, transfers and reorder all use; a balance
-- without a lot passes NULLs for the lot.
CREATE FUNCTION unusable_reason(state text, lot_status text, expires_on date, on_day date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN state = 'returned' THEN 'returned'
        WHEN lot_status IS NOT NULL AND lot_status <> 'approved' THEN lot_status
        WHEN expires_on < on_day THEN 'expired'
    END
$$;
