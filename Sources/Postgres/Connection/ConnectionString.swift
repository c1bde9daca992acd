import Foundation

/// Small, careful edits of libpq connection strings.
public enum ConnectionString {
    /// The same connection string or URI, pointing at database `name`.
    ///
    /// A URI (`postgresql://…/db?…`) gets its path replaced; a keyword string (`host=… dbname=…`)
    /// gets a `dbname` that overrides any earlier one (libpq lets the last keyword win).
    public static func replacingDatabase(in conninfo: String, with name: String) -> String {
        if conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://") {
            let scheme = conninfo.hasPrefix("postgresql://") ? "postgresql://" : "postgres://"
            let rest = conninfo.dropFirst(scheme.count)
            let queryStart = rest.firstIndex(of: "?") ?? rest.endIndex
            let authority = rest[..<queryStart].prefix { $0 != "/" }
            return scheme + authority + "/" + name + rest[queryStart...]
        }
        return conninfo
            + " dbname='\(name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'"))'"
    }
}
