public import Postgres

/// A shop, a store room, a quarantine shelf or a returns area.
public struct LocationRecord: Codable, Sendable, Hashable {
    /// The code staff type (`shop`, `store`).
    public var code: String
    /// Its name.
    public var name: String
    /// `stock`, `quarantine` or `returns`.
    public var kind: String
    /// The location it is part of, if any.
    public var parent: String?
    /// Whether it takes stock and operations (false once disabled).
    public var active: Bool
    /// Units on hand there now.
    public var onHand: Int
}

/// The shop's locations: added and disabled by an admin, listed by anyone.
///
/// ```swift
/// let locations = Locations(connection: adminConnection)
/// try locations.add(code: "shop", name: "Counter", key: "loc-shop")
/// try locations.add(code: "quarantine", name: "Quarantine shelf", kind: "quarantine", key: "loc-q")
/// ```
public struct Locations: Sendable {
    /// The connection every call uses.
    public let connection: Connection

    /// Location operations on `connection`.
    public init(connection: Connection) {
        self.connection = connection
    }

    /// Adds location `code`; a code already in use is refused.
    public func add(code: String, name: String, kind: String = "stock", parent: String? = nil, key: String) throws
        -> LocationRecord
    {
        let request = Operations.fingerprint("location.add", [code, name, kind, parent])
        return try Operations.call(
            connection,
            "SELECT cfit_location_add(\(key), \(request), \(code), \(name), \(kind), \(parent))::text AS result")
    }

    /// Disables location `code`: refused while it holds stock or active locations.
    public func disable(_ code: String, key: String) throws -> LocationRecord {
        let request = Operations.fingerprint("location.disable", [code])
        return try Operations.call(
            connection, "SELECT cfit_location_disable(\(key), \(request), \(code))::text AS result")
    }

    /// Every location, by code.
    public func list() throws -> [LocationRecord] {
        try Operations.call(
            connection,
            "SELECT coalesce(jsonb_agg(cfit_location_json(code) ORDER BY code), '[]')::text AS result FROM location")
    }
}
