import Counter
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
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
        /// Body sizes, concurrent imports, timeouts and connection caps.
        public var limits = Limits()
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
        if let problem = settings.limits.problem() { throw SettingsError(description: problem) }
        if (settings.tlsCertificate == nil) != (settings.tlsKey == nil) {
            throw SettingsError(description: "--tls-key: expected both --tls-cert and --tls-key, found only one")
        }
        self.settings = settings
        let threads = NIOThreadPool(numberOfThreads: 8)
        threads.start()
        state = WebState(
            databaseURL: settings.databaseURL, location: settings.location, idleTimeout: settings.idleTimeout,
            secureCookies: settings.tlsCertificate != nil, threads: threads, logger: logger, limits: settings.limits,
            freeFailuresPerLogin: settings.freeFailuresPerLogin, freeFailuresPerAddress: settings.freeFailuresPerAddress
        )
    }

    /// The routes: pages, API, health.
    func router() -> Router<WebContext> {
        // HEAD is answered wherever GET is: the same headers, no body.
        let router = Router(context: WebContext.self, options: .autoGenerateHeadEndpoints)
        if settings.accessLog { router.add(middleware: AccessLogMiddleware(logger: state.logger)) }
        router.add(middleware: ResponseHeadersMiddleware())
        router.add(middleware: ErrorMiddleware(logger: state.logger))
        router.add(middleware: SameOriginMiddleware())
        router.add(middleware: SessionMiddleware(state: state))
        // One controller per noun; every page that takes a form reads it through FormMiddleware.
        for controller in [
            SignInController.routes(state: state), FitController.routes(state: state),
            StockController.routes(state: state), StocktakeController.routes(state: state),
            LotsController.routes(state: state),
            DispensingController.routes(state: state), PatientsController.routes(state: state),
            PrescriptionsController.routes(state: state), FittingsController.routes(state: state),
            DueController.routes(state: state), AdminController.routes(state: state),
        ] {
            router.addRoutes(controller)
        }
        APIRoutes.add(to: router, state: state)
        Self.refuseOtherMethods(router)
        return router
    }

    /// A method a known path does not have is 405 with the methods it has (`Allow`), not the
    /// router's 404: for every route registered, every other method gets that answer — a problem
    /// for the API, a page for the pages.
    static func refuseOtherMethods(_ router: Router<WebContext>) {
        let every: [HTTPRequest.Method] = [
            .get, .head, .post, .put, .patch, .delete, .options, .trace, .connect, HTTPRequest.Method("QUERY")!,
        ]
        let byPath = Dictionary(grouping: router.routes, by: { $0.path.description })
        for (path, routes) in byPath {
            var allowed = Set(routes.map(\.method))
            if allowed.contains(.get) { allowed.insert(.head) }
            let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            let shown = path.replacing(/:(\w+)/) { "{\($0.output.1)}" }
            for method in every where !allowed.contains(method) {
                router.on(routes[0].path, method: method) { request, _ in
                    let error = CounterError.plain(
                        .badInput, "method: expected \(allow) on \(shown), found \(method.rawValue)")
                    var response =
                        path.hasPrefix("/api/")
                        ? APIRoutes.problem(error, status: .methodNotAllowed)
                        : Web.page(
                            Pages.layout("Not here", session: nil, Pages.message(error.message)),
                            status: .methodNotAllowed)
                    response.headers[.allow] = allow
                    return response
                }
            }
        }
    }

    /// The application, for running or for tests.
    func application() throws -> some ApplicationProtocol {
        // Beyond `limits.connections` open at once, new ones wait in the kernel's queue.
        let configuration = ApplicationConfiguration(
            address: .hostname(settings.host, port: settings.port), serverName: "cfit",
            availableConnectionsDelegate: MaximumAvailableConnections(settings.limits.connections, logger: state.logger)
        )
        let (limits, open) = (settings.limits, state.connectionsByAddress)
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [ConnectionGuard(limits: limits, open: open)])
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
                router: router(), server: try .tls(.http1(configuration: http1), tlsConfiguration: tls),
                configuration: configuration,
                logger: state.logger)
        }
        return Application(
            router: router(), server: .http1(configuration: http1), configuration: configuration, logger: state.logger)
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
                await state.expireOncePerDay()
            }
        }
        defer { sweeper.cancel() }
        try await application().runService()
        state.shutdown()
        try? await state.threads.shutdownGracefully()
    }
}
