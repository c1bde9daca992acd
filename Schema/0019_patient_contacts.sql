-- Recalls that reach people (issue 24).
--
-- A patient's contact details are health data a recall needs: kept apart from the patient's
-- record, so that PostgreSQL itself keeps them from fitters — pharmacy and admin read them, and
-- write them only through cfit_patient_contact_set.
CREATE TABLE patient_contact (
    patient_id bigint PRIMARY KEY REFERENCES patient,
    phone text CHECK (btrim(phone) <> '' AND length(phone) <= 40),
    email text CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND length(email) <= 200),
    address text CHECK (btrim(address) <> '' AND length(address) <= 500),
    preferred text CHECK (preferred IN ('phone', 'email', 'letter')),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT session_user,
    CHECK (preferred IS NULL
           OR (preferred = 'phone' AND phone IS NOT NULL)
           OR (preferred = 'email' AND email IS NOT NULL)
           OR (preferred = 'letter' AND address IS NOT NULL))
);
GRANT SELECT ON patient_contact TO cfit_pharmacy;

-- Working a recall through its contact list: each hand-over of a recalled lot is a patient to
-- reach, and staff record how far they got (no row: still to contact).
CREATE TABLE recall_contact (
    dispense_id bigint PRIMARY KEY REFERENCES dispense,
    status text NOT NULL CHECK (status IN ('to-contact', 'contacted', 'returned')),
    note text CHECK (btrim(note) <> '' AND length(note) <= 500),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT session_user
);
GRANT SELECT ON recall_contact TO cfit_pharmacy;
