import Counter
import Foundation
import Hummingbird
import HummingbirdTLS
public import Logging
import NIOPosix
import NIOSSL

/// `cfit serve`: the counter, the stock room and the API over HTTP, on Hummingbird.
///
/// ```swift
/// let server = try WebServer(WebServer.Settings(databaseURL: url), logger: logger)
/// try await server.run()      // until SIGTERM or SIGINT, then a graceful stop
/// ```
public struct WebServer: Sendable {
    /// How the server listens and whom it serves.
    public struct Settings: Sendable {
        /// The address to listen on.
        public var host = "127.0.0.1"
        /// The port to listen on.
        public var port = 8080
        /// The database: the server's own connection string (it checks passwords through it), from
        /// which each person's connections are made with their own login.
        public var databaseURL: String
        /// The location whose stock counts as "here".
        public var location = "shop"
        /// A session idle this long ends.
        public var idleTimeout: Duration = .seconds(30 * 60)
        /// PEM certificate chain and private key, for HTTPS.
        public var tlsCertificate: String?
        /// The private key of ``tlsCertificate``.
        public var tlsKey: String?
        /// Plain HTTP on an address other than loopback, asked for on purpose.
        public var insecureHTTP = false
        /// Failed sign-ins a login may make before each next one waits (1, 2, 4 … s, at most 5 min).
        public var freeFailuresPerLogin = 5
        /// Whether each request is logged (method, path, status, time taken; never the query string,
        /// which may hold patients' names, nor a body). Off unless asked for (`--access-log`).
        public var accessLog = false
        /// Failed sign-ins one client address may make, whatever the login, before each next one waits.
        public var freeFailuresPerAddress = 20

        /// Settings for `databaseURL`, on 127.0.0.1:8080.
        public init(databaseURL: String) {
            self.databaseURL = databaseURL
        }
    }

    /// Why the settings cannot be served.
    public struct SettingsError: Error, Sendable, CustomStringConvertible {
        /// One line naming the option, what was expected and what was found.
        public let description: String
    }

    let settings: Settings
    let state: WebState

    /// A server for `settings`; refuses plain HTTP beyond loopback unless asked for on purpose.
    public init(_ settings: Settings, logger: Logger) throws {
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(settings.host) || settings.host.hasPrefix("127.")
        if !loopback, settings.tlsCertificate == nil, !settings.insecureHTTP {
            throw SettingsError(
                description:
                    "--listen: expected a loopback address without --tls-cert and --tls-key, found \(settings.host) (passwords would cross the network in clear; give --insecure-http to do it anyway)"
            )
        }
        if (settings.tlsCertificate == nil) != (settings.tlsKey == nil) {
            throw SettingsError(description: "--tls-key: expected both --tls-cert and --tls-key, found only one")
        }
        self.settings = settings
        let threads = NIOThreadPool(numberOfThreads: 8)
        threads.start()
        state = WebState(
            databaseURL: settings.databaseURL, location: settings.location, idleTimeout: settings.idleTimeout,
            secureCookies: settings.tlsCertificate != nil, threads: threads, logger: logger,
            freeFailuresPerLogin: settings.freeFailuresPerLogin, freeFailuresPerAddress: settings.freeFailuresPerAddress
        )
    }

    /// The routes: pages, API, health.
    func router() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        if settings.accessLog { router.add(middleware: AccessLogMiddleware(logger: state.logger)) }
        router.add(middleware: ErrorMiddleware(logger: state.logger))
        router.add(middleware: SameOriginMiddleware())
        router.add(middleware: SessionMiddleware(state: state))
        // One controller per noun; every page that takes a form reads it through FormMiddleware.
        for controller in [
            SignInController.routes(state: state), FitController.routes(state: state),
            StockController.routes(state: state), LotsController.routes(state: state),
            DispensingController.routes(state: state), PatientsController.routes(state: state),
            PrescriptionsController.routes(state: state), FittingsController.routes(state: state),
            DueController.routes(state: state), AdminController.routes(state: state),
        ] {
            router.addRoutes(controller)
        }
        APIRoutes.add(to: router, state: state)
        return router
    }

    /// The application, for running or for tests.
    func application() throws -> some ApplicationProtocol {
        let configuration = ApplicationConfiguration(
            address: .hostname(settings.host, port: settings.port), serverName: "cfit")
        if let certificate = settings.tlsCertificate, let key = settings.tlsKey {
            let chain: [NIOSSLCertificate]
            let privateKey: NIOSSLPrivateKey
            do {
                chain = try NIOSSLCertificate.fromPEMFile(certificate)
                privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
            } catch {
                throw SettingsError(
                    description: "--tls-cert: expected PEM files of a certificate chain and its key, found \(error)")
            }
            let tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
            return Application(
                router: router(), server: try .tls(.http1(), tlsConfiguration: tls), configuration: configuration,
                logger: state.logger)
        }
        return Application(router: router(), configuration: configuration, logger: state.logger)
    }

    /// Serves until SIGTERM or SIGINT, then finishes the requests under way and closes the
    /// database connections.
    public func run() async throws {
        // Every second the sessions of logins disabled, given a new password or a new role since
        // they signed in end (one query for all of them), so do idle sessions, and the
        // connections no session needs close.
        let sweeper = Task { [state] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                state.sweep()
                await state.revokeChanged()
            }
        }
        defer { sweeper.cancel() }
        try await application().runService()
        state.shutdown()
        try? await state.threads.shutdownGracefully()
    }
}
