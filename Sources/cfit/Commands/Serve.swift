import ArgumentParser
import Counter
import CounterWeb
import Foundation
import Logging

/// `cfit serve`: the counter, the stock room and the HTTP API in a browser.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the counter's pages and the HTTP API (/api/v1) until stopped (SIGTERM or Ctrl-C).",
        discussion: """
            People sign in with their own database login and password (cfit user add, cfit user password); \
            the server checks the password itself, whatever the database server's pg_hba.conf allows, then \
            works as that login, so their role is the database's and every row records them. Listening on \
            anything but loopback needs --tls-cert and --tls-key, or --insecure-http on purpose.
            """
    )

    @Option(help: ArgumentHelp("Where to listen (default 127.0.0.1:8080).", valueName: "ADDRESS:PORT"))
    var listen = "127.0.0.1:8080"
    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("PEM certificate chain, for HTTPS.", valueName: "FILE"))
    var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: ArgumentHelp("PEM private key of --tls-cert.", valueName: "FILE"))
    var tlsKey: String?
    @Flag(name: .customLong("insecure-http"), help: "Serve plain HTTP beyond loopback (passwords in clear).")
    var insecureHTTP = false
    @Option(
        help: ArgumentHelp(
            "The location whose stock is 'here' (default: $CFIT_LOCATION, else shop).", valueName: "CODE"))
    var location: String?
    @Option(
        name: .customLong("idle-minutes"),
        help: ArgumentHelp("Minutes of inactivity that end a session.", valueName: "N"),
        transform: Typed.wholeNumber("--idle-minutes"))
    var idleMinutes = 30
    @Flag(
        name: .customLong("access-log"),
        help: "Log each request (method, path, status, time; never query strings or bodies) to stderr.")
    var accessLog = false
    @OptionGroup var limits: ServeLimits
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await reportingErrors {
            let colon = listen.lastIndex(of: ":")
            guard let colon, let port = Int(listen[listen.index(after: colon)...]), (1...65_535).contains(port) else {
                throw CLIError.badInput(
                    "--listen", expected: "ADDRESS:PORT such as 127.0.0.1:8080", found: quoted(listen))
            }
            guard idleMinutes > 0 else {
                throw CLIError.badInput("--idle-minutes", expected: "at least 1", found: String(idleMinutes))
            }
            // The embedded default is started and migrated like any command's; a given server must be
            // migrated already.
            _ = try database.desk()
            let url = database.explicitURL ?? DatabaseAccess.embeddedURL
            var settings = WebServer.Settings(databaseURL: url)
            settings.host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            settings.port = port
            settings.location = location ?? Desk.defaultLocation()
            settings.idleTimeout = .seconds(idleMinutes * 60)
            settings.tlsCertificate = tlsCertificate
            settings.tlsKey = tlsKey
            settings.insecureHTTP = insecureHTTP
            settings.accessLog = accessLog
            settings.limits = limits.limits
            var logger = Logger(label: "cfit.serve")
            logger.logLevel =
                ProcessInfo.processInfo.environment["CFIT_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            let server: WebServer
            do {
                server = try WebServer(settings, logger: logger)
            } catch let error as WebServer.SettingsError {
                throw CLIError(status: .badInput, message: error.description)
            }
            writeError(
                "serving on \(settings.tlsCertificate == nil ? "http" : "https")://\(listen) (stock here: \(settings.location)); stop with Ctrl-C\n"
            )
            try await server.run()
        }
    }
}

/// `cfit serve`'s limits on what one client may send and how long it may take (see ``Limits``).
struct ServeLimits: ParsableArguments {
    @Option(
        name: .customLong("max-body"),
        help: ArgumentHelp("Largest JSON body or form, in bytes (default 1 MiB).", valueName: "BYTES"),
        transform: Typed.wholeNumber("--max-body"))
    var body = Limits().body
    @Option(
        name: .customLong("max-import"),
        help: ArgumentHelp("Largest catalog upload, in bytes (default 64 MiB).", valueName: "BYTES"),
        transform: Typed.wholeNumber("--max-import"))
    var importBytes = Limits().importBytes
    @Option(
        name: .customLong("max-imports"),
        help: ArgumentHelp("Catalog uploads read at once (default 2).", valueName: "N"),
        transform: Typed.wholeNumber("--max-imports"))
    var imports = Limits().imports
    @Option(
        name: .customLong("header-timeout"),
        help: ArgumentHelp(
            "Seconds a new connection has to send a request's headers (default 10).", valueName: "SECONDS"),
        transform: Typed.wholeNumber("--header-timeout"))
    var headerSeconds = Limits().headerSeconds
    @Option(
        name: .customLong("idle-timeout"),
        help: ArgumentHelp(
            "Seconds a kept-alive connection may wait for its next request (default 60).", valueName: "SECONDS"),
        transform: Typed.wholeNumber("--idle-timeout"))
    var idleSeconds = Limits().idleSeconds
    @Option(
        name: .customLong("min-body-rate"),
        help: ArgumentHelp(
            "Slowest a body may arrive after its first 10 s, in bytes a second (default 1024).", valueName: "BYTES"),
        transform: Typed.wholeNumber("--min-body-rate"))
    var minimumBodyRate = Limits().minimumBodyRate
    @Option(
        name: .customLong("max-connections"),
        help: ArgumentHelp("Connections open at once in all (default 768).", valueName: "N"),
        transform: Typed.wholeNumber("--max-connections"))
    var connections = Limits().connections
    @Option(
        name: .customLong("max-connections-per-address"),
        help: ArgumentHelp("Connections open at once from one client address (default 128).", valueName: "N"),
        transform: Typed.wholeNumber("--max-connections-per-address"))
    var connectionsPerAddress = Limits().connectionsPerAddress

    /// The limits as given (checked by the server, which names the option of any out of range).
    var limits: Limits {
        var limits = Limits()
        limits.body = body
        limits.importBytes = importBytes
        limits.imports = imports
        limits.headerSeconds = headerSeconds
        limits.idleSeconds = idleSeconds
        limits.minimumBodyRate = minimumBodyRate
        limits.connections = connections
        limits.connectionsPerAddress = connectionsPerAddress
        return limits
    }
}
