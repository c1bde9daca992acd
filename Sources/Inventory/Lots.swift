import Foundation
public import Postgres

/// A lot and everything a recall needs: where its units are, what is reserved from it, and who
/// received it.
public struct LotRecord: Codable, Sendable, Hashable {
    /// Units of the lot at one place.
    public struct Stock: Codable, Sendable, Hashable {
        /// The location's code.
        public var location: String
        /// Units on hand.
        public var onHand: Int
        /// Units held by reservations.
        public var reserved: Int
        /// Whether these are returned units awaiting inspection.
        public var returned: Bool
    }

    /// A reservation of a unit of the lot, still active.
    public struct Hold: Codable, Sendable, Hashable {
        /// The reservation's reference.
        public var id: String
        /// The prescription.
        public var prescription: String
        /// The patient's reference.
        public var patient: String
        /// Where the unit waits.
        public var location: String
    }

    /// A hand-over of units of the lot: the patient to contact in a recall.
    public struct HandOver: Codable, Sendable, Hashable {
        /// The dispense's reference.
        public var id: String
        /// When.
        public var handedOverAt: String
        /// The prescription.
        public var prescription: String
        /// The patient's reference.
        public var patient: String
        /// The patient's name.
        public var patientName: String
        /// Units handed over.
        public var quantity: Int
        /// Units of them returned since.
        public var returned: Int
    }

    /// A change of the lot's status.
    public struct Event: Codable, Sendable, Hashable {
        /// The status it got.
        public var status: LotState
        /// Why.
        public var reason: String
        /// Who.
        public var actor: String
        /// When (ISO 8601).
        public var at: String
    }

    /// The lot code on the box.
    public var code: String
    /// The article.
    public var sku: String
    /// Its expiry, `YYYY-MM-DD`.
    public var expiresOn: String?
    /// approved, on-hold, quarantined or recalled.
    public var status: LotState
    /// Where its units are now.
    public var stock: [Stock]
    /// Active reservations of its units.
    public var reservations: [Hold]
    /// Every dispense from it.
    public var dispenses: [HandOver]
    /// Every change of its status.
    public var events: [Event]
}

/// Lots: showing one with its recipients, holding, releasing and recalling.
///
/// ```swift
/// let recall = try Lots(connection: c).setStatus("L2401", sku: nil, to: .recalled, reason: "FSCA 2026-11", key: "r-1")
/// for patient in recall.dispenses { print(patient.patient, patient.handedOverAt) }
/// ```
public struct Lots: Sendable {
    /// What a lot can be set to.
    public enum Status: String, Sendable, CaseIterable {
        /// Back to usable (from on hold).
        case approved
        /// Not to be offered until released.
        case onHold = "on-hold"
        /// Withdrawn for good by the manufacturer.
        case recalled
    }

    /// The connection every call uses.
    public let connection: Connection

    /// Lot operations on `connection`.
    public init(connection: Connection) {
        self.connection = connection
    }

    /// Lot `code` (of `sku`, needed when several articles have a lot of that code).
    public func show(_ code: String, sku: String? = nil) throws -> LotRecord {
        // One round trip: the lot's JSON is made only when exactly one lot has the code.
        let rows: QueryResult
        do {
            rows = try connection.query(
                """
                SELECT count(*) OVER () AS matches,
                       CASE WHEN count(*) OVER () = 1 THEN cfit_lot_json(l.id)::text END AS result
                FROM lot l
                WHERE l.code = \(code)
                  AND (\(sku)::text IS NULL OR l.sku = cfit_find_article(\(sku)))
                """
            )
        } catch {
            throw InventoryError(error) ?? error
        }
        guard rows.count == 1 else {
            if rows.count == 0 {
                throw InventoryError.unknown("lot", "a lot received before\(sku.map { " of \($0)" } ?? "")", code)
            }
            throw InventoryError(
                .badInput, field: "sku",
                text: "expected the article, since lot \(code) exists for \(rows.count) articles")
        }
        let json = try rows[0].decode(String.self, "result")
        return try Operations.decoder.decode(LotRecord.self, from: Data(json.utf8))
    }

    /// Holds, releases (`approved`) or recalls lot `code`, recording `reason`; a recall is final.
    /// The result lists what it touches: units, blocked reservations, patients who received it.
    public func setStatus(_ code: String, sku: String?, to status: Status, reason: String, key: String) throws
        -> LotRecord
    {
        let request = Operations.fingerprint("lot.\(status.rawValue)", [code, sku, reason])
        return try Operations.call(
            connection,
            """
            SELECT cfit_lot_status(\(key), \(request), \(code), \(sku), \(status.rawValue), \(reason))::text AS result
            """
        )
    }
}
