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

    /// The same connection string or URI, logging in as `user` with `password` (both replacing any
    /// given), for a server that connects on a person's behalf with the credentials they gave.
    public static func replacingCredentials(in conninfo: String, user: String, password: String) -> String {
        let withUser = replacingUser(in: conninfo, with: user)
        guard withUser.hasPrefix("postgresql://") || withUser.hasPrefix("postgres://") else {
            return withUser
                + " password='\(password.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'"))'"
        }
        guard var parts = URLComponents(string: withUser) else { return withUser }
        parts.password = nil
        var items = (parts.percentEncodedQueryItems ?? []).filter { $0.name != "password" }
        items.append(
            URLQueryItem(
                name: "password", value: password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        parts.percentEncodedQueryItems = items
        return parts.string ?? withUser
    }

    /// The passwords a connection string or URI carries (as written and percent-decoded), so that
    /// they can be kept out of messages — even from a string too malformed for libpq to parse.
    public static func secrets(in conninfo: String) -> [String] {
        var found: [String] = []
        if let scheme = conninfo.range(of: "://") {
            let rest = conninfo[scheme.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                found.append(String(authority[authority.index(after: colon)..<at]))
            }
            if let query = rest.firstIndex(of: "?") {
                for pair in rest[rest.index(after: query)...].split(separator: "&") where pair.hasPrefix("password=") {
                    found.append(String(pair.dropFirst("password=".count)))
                }
            }
        } else if let range = conninfo.range(of: #"password\s*=\s*('(\\.|[^'])*'|\S+)"#, options: .regularExpression) {
            var value = conninfo[range].drop { $0 != "=" }.dropFirst().drop { $0 == " " }
            if value.hasPrefix("'") { value = value.dropFirst().dropLast() }
            found.append(String(value))
        }
        let decoded = found.compactMap { $0.removingPercentEncoding }
        return Array(Set(found + decoded)).filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    /// `conninfo` with every password replaced by `****`, safe to print.
    public static func redacted(_ conninfo: String) -> String {
        redacting(conninfo, from: conninfo)
    }

    /// `text` with every password of `conninfo` replaced by `****`.
    public static func redacting(_ text: String, from conninfo: String) -> String {
        secrets(in: conninfo).reduce(text) { $0.replacingOccurrences(of: $1, with: "****") }
    }
}
