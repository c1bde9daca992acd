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
