import Counter
import Crypto
import Foundation
import Logging
import NIOPosix
import Synchronization

/// A signed-in person: their login, role, the token their forms carry, and when they were last seen.
struct Session: Sendable {
    let id: String
    let login: String
    let role: StaffRole
    let csrf: String
    var lastSeen: ContinuousClock.Instant
}

/// Random tokens for session ids, CSRF tokens and idempotency keys (the system's CSPRNG).
enum Token {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// Everything `cfit serve` keeps while it runs: the database connections (its own, to check
/// passwords, and one pool per signed-in login), the sessions, and the failed-login throttle. All
/// database work runs on a dedicated thread pool, never on the event loops.
final class WebState: Sendable {
    let databaseURL: String
    let location: String
    let idleTimeout: Duration
    let secureCookies: Bool
    let logger: Logger
    /// Body sizes, concurrent imports, timeouts and connection caps.
    let limits: Limits
    /// Connections open now, per client address (at most `limits.connectionsPerAddress`).
    let connectionsByAddress = ConnectionsByAddress()
    /// Catalog uploads being read or checked now (at most `limits.imports`).
    let importsUnderWay = Mutex(0)
    let threads: NIOThreadPool
    /// Who may sign in, and each signed-in login's desks (the application layer's).
    let staff: StaffSignIn
    private let sessions = Mutex<[String: Session]>([:])
    /// The shop day the prescriptions were last expired on, and when to try again after a failure.
    private let expiry = Mutex<(day: CalendarDay?, retryAt: ContinuousClock.Instant)>((nil, ContinuousClock.now))
    /// Catalog files checked by a dry run and waiting for the admin's "Import", by token.
    let uploads = Mutex<[String: Upload]>([:])

    /// A catalog file (and its articles) uploaded by `login`.
    struct Upload: Sendable {
        let login: String
        let catalog: [UInt8]
        let catalogName: String
        let articles: [UInt8]?
        let articlesName: String?
        let received: ContinuousClock.Instant

        /// Checks (a dry run) or imports the catalog and its articles on `desk`, under the
        /// idempotency `key` when one is given.
        func importing(dryRun: Bool, on desk: Desk, key: String? = nil) throws -> ImportSummary {
            try desk.importCatalog(
                json: catalog, fileName: catalogName, articles: articles,
                articlesFileName: articlesName ?? "articles.csv", dryRun: dryRun, key: key)
        }
    }

    /// The server's thread pool, as the layer's place for blocking work.
    struct ThreadPoolWork: BlockingWork {
        let threads: NIOThreadPool

        func run<T: Sendable>(_ body: @Sendable @escaping () throws -> T) async throws -> T {
            try await threads.runIfActive(body)
        }
    }

    init(
        databaseURL: String, location: String, idleTimeout: Duration, secureCookies: Bool, threads: NIOThreadPool,
        logger: Logger, limits: Limits = Limits(), freeFailuresPerLogin: Int = 5, freeFailuresPerAddress: Int = 20
    ) {
        self.limits = limits
        self.databaseURL = databaseURL
        self.location = location
        self.idleTimeout = idleTimeout
        self.secureCookies = secureCookies
        self.threads = threads
        self.logger = logger
        staff = StaffSignIn(
            url: databaseURL, location: location, work: ThreadPoolWork(threads: threads), logger: logger,
            freeFailuresPerLogin: freeFailuresPerLogin, freeFailuresPerAddress: freeFailuresPerAddress)
    }

    /// Runs blocking work on the thread pool.
    func blocking<T: Sendable>(_ body: @Sendable @escaping () throws -> T) async throws -> T {
        try await threads.runIfActive(body)
    }

    /// Checks `login`'s password (see ``StaffSignIn/signIn(login:password:from:device:)``); returns its role.
    func signIn(login: String, password: String, from address: String? = nil, device: String? = nil) async throws
        -> StaffRole
    {
        try await staff.signIn(login: login, password: password, from: address, device: device)
    }

    /// The key the sign-in form's tokens are signed with (made at start).
    private let formKey: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255) }

    /// The token the sign-in form carries for the browser holding the login cookie `nonce`: a
    /// signature only this server can make, so a cookie and field set by anyone else (another
    /// site, a neighbouring subdomain) never pass as a pair.
    func signInFormToken(_ nonce: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(nonce.utf8), using: SymmetricKey(data: formKey)).map {
            String(format: "%02x", $0)
        }.joined()
    }

    /// Runs `body` on one of `login`'s desks (their own connection), on the thread pool.
    func withDesk<T: Sendable>(_ login: String, _ body: @Sendable @escaping (Desk) throws -> T) async throws -> T {
        try await staff.withDesk(login, body)
    }

    // MARK: Sessions

    func startSession(login: String, role: StaffRole) -> Session {
        let session = Session(id: Token.make(), login: login, role: role, csrf: Token.make(), lastSeen: .now)
        sessions.withLock { $0[session.id] = session }
        return session
    }

    /// The live session `id` names, touched; `nil` when unknown or idle too long (then ended).
    func session(_ id: String?) -> Session? {
        guard let id else { return nil }
        let now = ContinuousClock.now
        return sessions.withLock { table -> Session? in
            guard var session = table[id] else { return nil }
            guard now - session.lastSeen <= idleTimeout else {
                table[id] = nil
                return nil
            }
            session.lastSeen = now
            table[id] = session
            return session
        }
    }

    func endSession(_ id: String) {
        let login = sessions.withLock { $0.removeValue(forKey: id)?.login }
        guard let login else { return }
        closePoolIfUnused(login)
    }

    /// Ends sessions idle too long and closes the connections no session needs any more.
    func sweep() {
        let now = ContinuousClock.now
        let ended = sessions.withLock { table -> [String] in
            let idle = table.filter { now - $0.value.lastSeen > idleTimeout }
            for id in idle.keys { table[id] = nil }
            return idle.values.map(\.login)
        }
        for login in Set(ended) { closePoolIfUnused(login) }
    }

    /// Ends the sessions and closes the connections of every login that may no longer sign in
    /// (disabled or dropped), whose password changed since it signed in, or whose role changed
    /// (the pages it is shown follow the role it signed in with): every minute, and at once when
    /// an admin changes someone here.
    func revokeChanged() async {
        let roles = sessions.withLock { table in
            Dictionary(table.values.map { ($0.login, $0.role) }, uniquingKeysWith: { first, _ in first })
        }
        for login in await staff.changed(roles: roles) {
            logger.notice(
                "sessions ended: the login was disabled or its password changed",
                metadata: ["login": "\(LogText.escaped(login))"])
            revoke(login)
        }
    }

    /// Once per shop day (at start and after midnight): prescriptions past their last valid day
    /// are marked expired and what they held released. A refusal (the server's login lacks the
    /// pharmacy role) is logged once that day, naming `cfit expire` for cron; a failure (the
    /// database away) is tried again a minute later.
    func expireOncePerDay() async {
        let today = CalendarDay.today()
        let due = expiry.withLock { last in
            guard last.day != today, ContinuousClock.now >= last.retryAt else { return false }
            return true
        }
        guard due else { return }
        do {
            let done = try await staff.expireForTheDay()
            expiry.withLock { $0 = (today, ContinuousClock.now) }
            if !done.expired.isEmpty {
                logger.notice(
                    "prescriptions expired",
                    metadata: [
                        "count": "\(done.expired.count)",
                        "released": "\(done.expired.reduce(0) { $0 + ($1.released?.count ?? 0) })",
                    ])
            }
        } catch {
            let classified = CounterError(classifying: error)
            if classified.kind == .notPermitted {
                expiry.withLock { $0 = (today, ContinuousClock.now) }
                logger.warning(
                    "the daily expiry of prescriptions needs a login with the pharmacy role; run cfit expire from cron")
            } else {
                expiry.withLock { $0.retryAt = ContinuousClock.now + .seconds(60) }
                logger.warning("the daily expiry of prescriptions failed; trying again in a minute")
            }
        }
    }

    /// Ends every session of `login` and closes its connections.
    func revoke(_ login: String) {
        sessions.withLock { table in table = table.filter { $0.value.login != login } }
        staff.close(login)
    }

    private func closePoolIfUnused(_ login: String) {
        let inUse = sessions.withLock { $0.values.contains { $0.login == login } }
        guard !inUse else { return }
        staff.close(login)
    }

    func shutdown() { staff.shutdown() }

    /// Runs `body` as one of at most `limits.imports` catalog uploads at once (see
    /// ``beginImport()``).
    func importing<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try beginImport()
        defer { endImport() }
        return try await body()
    }

    /// Admits one more catalog upload, to be read and checked now; refused as throttled (429)
    /// when `limits.imports` are under way, before anything is read. Each admitted upload ends
    /// with ``endImport()``.
    func beginImport() throws {
        let admitted = importsUnderWay.withLock { count in
            guard count < limits.imports else { return false }
            count += 1
            return true
        }
        guard admitted else {
            throw StaffSignIn.Refusal(
                message: "catalog: at most \(limits.imports) uploads at a time; try again in a moment", retryAfter: 5)
        }
    }

    /// Ends an upload ``beginImport()`` admitted.
    func endImport() { importsUnderWay.withLock { $0 -= 1 } }
}
