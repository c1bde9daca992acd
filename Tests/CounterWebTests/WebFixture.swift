import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inventory
import Logging
import NIOCore
import Postgres
import PostgresTestSupport
import Testing
@_exported import WebTestSupport

@testable import CounterWeb

/// A fresh database with the seed catalogs, stock and prescriptions, staff logins of each role
/// with known passwords, and a `cfit serve` application over it.
struct WebFixture {
    let url: String
    let password: String
    let fitter: String
    let pharmacist: String
    let admin: String
    let server: WebServer

    init(idle: Duration = .seconds(1_800), configure: (inout WebServer.Settings) -> Void = { _ in }) throws {
        url = try TestDatabase.fresh()
        let password = "pass-\(UUID().uuidString.prefix(8))"
        self.password = password
        let admin = try Connection(url)
        defer { admin.close() }
        let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Seeds").path
        _ = try Seeding(connection: admin).seed(from: seeds)
        let login = { (role: String) throws -> String in
            let name = "w\(getpid())_\(UUID().uuidString.prefix(8).lowercased())"
            _ = try Users(connection: admin).add(name, role: role, password: password)
            return name
        }
        fitter = try login("fitter")
        pharmacist = try login("pharmacy")
        self.admin = try login("admin")
        var settings = WebServer.Settings(databaseURL: url)
        settings.idleTimeout = idle
        configure(&settings)
        var logger = Logger(label: "cfit.serve.test")
        logger.logLevel = .warning
        server = try WebServer(settings, logger: logger)
    }

    /// Runs `body` against the application through Hummingbird's router test client.
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await server.application().test(.router) { client in try await body(client) }
    }
}
