import Foundation
import Inventory
import Postgres

/// Staff logins for tests: each made once per name in the shared test cluster (roles are
/// cluster-wide), with a name unique to this run.
public enum TestLogins {
    /// A new login with `role` (`fitter`, `pharmacy`, `admin`, or `nil` for none), made through
    /// `Users` as the cluster's superuser would; returns its name.
    public static func make(_ role: String?, on url: String) throws -> String {
        let name = "u\(getpid())_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try Connection(url)
        defer { admin.close() }
        if let role {
            _ = try Users(connection: admin).add(name, role: role, password: "test-\(UUID().uuidString)")
        } else {
            try admin.executeScript("CREATE ROLE \(name) LOGIN")
        }
        return name
    }

    /// `url` logging in as `user`.
    public static func url(_ url: String, as user: String) -> String {
        ConnectionString.replacingUser(in: url, with: user)
    }
}
