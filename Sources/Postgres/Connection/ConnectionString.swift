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

    /// The same connection string or URI, logging in as `user`: a URI's `user=` parameter (or
    /// user in the authority) is replaced, and a keyword string gets a `user` that overrides any
    /// earlier one.
    public static func replacingUser(in conninfo: String, with user: String) -> String {
        guard conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://") else {
            return conninfo
                + " user='\(user.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'"))'"
        }
        let encoded = user.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? user
        guard var parts = URLComponents(string: conninfo) else { return conninfo }
        parts.user = nil
        var items = (parts.percentEncodedQueryItems ?? []).filter { $0.name != "user" }
        items.append(URLQueryItem(name: "user", value: encoded))
        parts.percentEncodedQueryItems = items
        return parts.string ?? conninfo
    }
}
