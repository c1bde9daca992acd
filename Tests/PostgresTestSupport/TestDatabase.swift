import Foundation
import Inventory
public import Postgres

/// The PostgreSQL server every storage test uses: a throwaway cluster that the test run starts
/// itself (fsync off, Unix socket only, deleted when the run ends), or the server named by
/// `CFIT_TEST_DATABASE_URL`. Each suite or test gets a fresh database cloned from a migrated
/// template, so tests never see each other's rows.
///
/// ```swift
/// let url = try TestDatabase.fresh()
/// let connection = try Connection(url)
/// ```
public enum TestDatabase {
    /// A new, empty database with every migration applied; returns its connection URL.
    public static func fresh() throws -> String {
        try shared.get().clone(template: "cfit_template")
    }

    /// A new database with nothing in it (no migrations); returns its connection URL.
    public static func empty() throws -> String {
        try shared.get().clone(template: "template0")
    }

    /// A URL for the `postgres` maintenance database, for tests that create roles or databases.
    public static func adminURL() throws -> String {
        try shared.get().adminURL
    }

    /// The throwaway cluster's server, when the tests run one (nil with `CFIT_TEST_DATABASE_URL`).
    public static func localServer() throws -> LocalServer? {
        try shared.get().server
    }

    /// Puts `rules` (pg_hba.conf lines, e.g. `local all pw_user scram-sha-256`) first in the test
    /// cluster's authentication rules, once each, and reloads them; `false` when the tests use
    /// an outside server, whose rules are not theirs to change. Serialised, since suites run at once.
    public static func authenticate(_ rules: [String]) throws -> Bool {
        guard let server = try localServer() else { return false }
        return try hbaLock.withLock {
            let hba = "\(server.dataDirectory)/pg_hba.conf"
            let current = try String(contentsOfFile: hba, encoding: .utf8)
            let missing = rules.filter { !current.contains($0 + "\n") }
            guard !missing.isEmpty else { return true }
            try (missing.map { $0 + "\n" }.joined() + current).write(toFile: hba, atomically: true, encoding: .utf8)
            let admin = try Connection(try adminURL())
            defer { admin.close() }
            try admin.query("SELECT pg_reload_conf()")
            Thread.sleep(forTimeInterval: 0.3)
            return true
        }
    }

    private static let hbaLock = NSLock()

    private static let shared: Result<Cluster, any Error> = Result { try Cluster.start() }
}

/// The cluster of this test run, started once.
final class Cluster: Sendable {
    let server: LocalServer?
    let adminURL: String
    private let counter = Counter()

    private init(server: LocalServer?, adminURL: String) {
        self.server = server
        self.adminURL = adminURL
    }

    static func start() throws -> Cluster {
        let cluster: Cluster
        if let url = ProcessInfo.processInfo.environment["CFIT_TEST_DATABASE_URL"], !url.isEmpty {
            cluster = Cluster(server: nil, adminURL: url)
        } else {
            let home = NSTemporaryDirectory() + "cfit-test-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
            let server = LocalServer(
                home: home,
                database: "postgres",
                settings: [
                    "fsync": "off",
                    "synchronous_commit": "off",
                    "full_page_writes": "off",
                    "max_connections": "200",
                    "shared_buffers": "'64MB'",
                ]
            )
            try server.start()
            try server.stopWhenProcessEnds(getpid(), removingFiles: true)
            cluster = Cluster(server: server, adminURL: server.url(database: "postgres"))
            runningCluster.withLock { $0 = server }
            atexit {
                runningCluster.withLock { $0 }?.stopImmediately()
            }
        }
        try cluster.makeTemplate()
        return cluster
    }

    private func makeTemplate() throws {
        let admin = try Connection(adminURL)
        defer { admin.close() }
        let name = "cfit_template"
        // A template from an earlier run (shared server) is rebuilt so it matches these migrations.
        _ = try? admin.executeScript("DROP DATABASE IF EXISTS \(name)")
        try LocalServer.createDatabase(name, on: admin)
        let template = try Connection(ConnectionString.replacingDatabase(in: adminURL, with: name))
        try InventorySchema.migrator.migrate(template)
        template.close()
    }

    /// Creates `t_<pid>_<n>` from `template` and returns its URL.
    func clone(template: String) throws -> String {
        let name = "t_\(getpid())_\(counter.next())"
        let admin = try Connection(adminURL)
        defer { admin.close() }
        // CREATE DATABASE … TEMPLATE fails while another session copies the same template.
        try cloneLock.withLock { try LocalServer.createDatabase(name, template: template, on: admin) }
        return ConnectionString.replacingDatabase(in: adminURL, with: name)
    }

    private let cloneLock = NSLock()
}

/// The cluster to stop at exit; read by the `atexit` handler, which cannot capture context.
let runningCluster = LockedValue<LocalServer?>(nil)
