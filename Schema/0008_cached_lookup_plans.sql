-- Lookups at scale (issue 9): two functions every lookup calls were written in LANGUAGE sql with
-- a FROM clause, which PostgreSQL cannot inline and plans afresh on every call (about half of a
-- `lot show` at 10^6 balances). The same bodies in PL/pgSQL keep their plans for the session.
-- Behaviour, signatures and grants are unchanged (CREATE OR REPLACE keeps the grants).

CREATE OR REPLACE FUNCTION cfit_find_article(code text) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT a.sku FROM article a WHERE a.sku = code OR a.gtin14 = lpad(code, 14, '0')
            ORDER BY a.sku = code DESC LIMIT 1);
END
$$;

CREATE OR REPLACE FUNCTION cfit_lot_json(lot_id bigint) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT jsonb_build_object(
            'code', l.code, 'sku', l.sku, 'expiresOn', l.expires_on::text, 'status', l.status,
            'stock', coalesce((SELECT jsonb_agg(jsonb_build_object('location', loc.code, 'onHand', b.on_hand, 'reserved', b.reserved,
                                                                    'returned', b.state = 'returned') ORDER BY loc.code, b.state)
                               FROM stock_balance b JOIN location loc ON loc.id = b.location_id
                               WHERE b.lot_id = l.id AND b.on_hand > 0), '[]'),
            'reservations', coalesce((SELECT jsonb_agg(jsonb_build_object('id', r.id, 'prescription', p.number,
                                                                          'patient', pa.reference, 'location', loc.code) ORDER BY r.id)
                                      FROM reservation r JOIN stock_balance b ON b.id = r.balance_id
                                      JOIN location loc ON loc.id = b.location_id
                                      JOIN prescription_item i ON i.id = r.prescription_item_id
                                      JOIN prescription p ON p.id = i.prescription_id JOIN patient pa ON pa.id = p.patient_id
                                      WHERE b.lot_id = l.id AND r.status = 'active'), '[]'),
            'dispenses', coalesce((SELECT jsonb_agg(jsonb_build_object('id', d.id, 'handedOverAt', cfit_time(d.handed_over_at),
                                                                       'prescription', p.number, 'patient', pa.reference,
                                                                       'patientName', pa.display_name, 'quantity', d.quantity,
                                                                       'returned', d.quantity_returned) ORDER BY d.id)
                                   FROM dispense d JOIN prescription_item i ON i.id = d.prescription_item_id
                                   JOIN prescription p ON p.id = i.prescription_id JOIN patient pa ON pa.id = p.patient_id
                                   WHERE d.lot_id = l.id), '[]'),
            'events', coalesce((SELECT jsonb_agg(jsonb_build_object('status', e.status, 'reason', e.reason, 'actor', e.actor,
                                                                    'at', cfit_time(e.occurred_at)) ORDER BY e.id)
                                FROM lot_event e WHERE e.lot_id = l.id), '[]'))
        FROM lot l WHERE l.id = cfit_lot_json.lot_id
    );
END
$$;
