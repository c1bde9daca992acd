import Foundation
import Inventory
import PostgresTestSupport
import Testing

@testable import Postgres

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A chain losing its primary, with real parts: a PostgreSQL primary and a streaming standby on
/// Unix sockets, counters writing through a multi-host URL (the command line and `cfit serve`),
/// the primary stopped `-m immediate` and the standby promoted mid-load.
@Suite("Failover with a real primary and standby", .serialized, .ownThread)
struct FailoverTests {
    /// One write a counter made: its idempotency key, and whether (and when) it was acknowledged.
    struct Write: Sendable {
        let key: String
        let acknowledged: Date?
    }

    @Test(
        "with a synchronous standby every acknowledged write is there exactly once after the failover, the API says 503 with Retry-After in the gap, and check is clean"
    )
    func synchronousFailover() throws {
        let pair = try ReplicatedPair(synchronous: true)
        defer { pair.tearDown() }
        let url = pair.multiHostURL
        let environment = ["DATABASE_URL": url, "CFIT_LOCATION": "shop"]
        try CFit.seedSamples(environment)
        // What the guarantee rests on, as cfit db status reports it.
        let status = try CFit.run(["db", "status", "--json"], environment: environment)
        let replication = (CFit.json(status) as? [String: Any])?["replication"] as? [String: Any]
        #expect(replication?["synchronousStandby"] as? Bool == true, "\(status.stdout)")
        #expect((replication?["standbys"] as? [[String: Any]])?.first?["syncState"] as? String == "sync")
        let owner = try Connection(pair.primary.url)
        let person = "till\(getpid())"
        _ = try Users(connection: owner).add(person, role: "pharmacy", password: "till password")
        owner.close()

        let port = ServeCommandTests.freePort()
        let serve = try ChildProcess(
            CFit.binary, ["serve", "--listen", "127.0.0.1:\(port)"], environment: environment, stdout: .discarded,
            stderr: .discarded)
        try Watchdog.stopWhenTestsEnd(serve.pid, marker: "serve")
        defer {
            serve.send(SIGTERM)
            _ = serve.waitBlocking()
        }
        var up: Int?
        for _ in 0..<300 where up != 200 {
            Thread.sleep(forTimeInterval: 0.1)
            up = ServeCommandTests.get("http://127.0.0.1:\(port)/healthz")
        }
        try #require(up == 200)

        func receipts(_ connection: Connection) throws -> Int {
            try connection.query("SELECT count(*)::int AS n FROM stock_movement WHERE reason = 'receipt'")[0]
                .decode(Int.self, "n")
        }
        let before = try receipts(Connection(pair.primary.url))
        // Each counter receives one unit at a time under its own keys, and retries a key until it
        // is acknowledged — what a counter does when the database is away.
        let started = Date()
        let failAt = started.addingTimeInterval(3)
        let stopAt = started.addingTimeInterval(12)
        let commandWrites = LockedValue<[Write]>([])
        let apiWrites = LockedValue<[Write]>([])
        let apiStatuses = LockedValue<[Int: Int]>([:])
        let missingRetryAfter = LockedValue(0)
        let failover = Thread {
            Thread.sleep(until: failAt)
            pair.primary.stopImmediately()
            Thread.sleep(forTimeInterval: 1)
            try? pair.promote()
        }
        failover.start()
        try runConcurrently(6) { worker in
            var round = 0
            while Date() < stopAt {
                let key = "w\(worker)-\(round)"
                round += 1
                var acknowledged: Date?
                while acknowledged == nil, Date() < stopAt.addingTimeInterval(20) {
                    if worker < 3 {
                        let result = try CFit.run(
                            [
                                "stock", "receive", "NW-CL-AD2-II-R-C-BE", "1", "--idempotency-key", key,
                            ], environment: environment)
                        if result.status == 0 {
                            acknowledged = Date()
                        } else {
                            #expect(result.status == 69, "\(key): \(result.stderr)")
                            Thread.sleep(forTimeInterval: 0.2)
                        }
                    } else {
                        let (status, retryAfter) = Self.receive(port: port, login: person, key: key)
                        apiStatuses.withLock { $0[status, default: 0] += 1 }
                        if status == 201 || status == 200 {
                            acknowledged = Date()
                        } else {
                            if status == 503 && retryAfter == nil { missingRetryAfter.withLock { $0 += 1 } }
                            Thread.sleep(forTimeInterval: 0.2)
                        }
                    }
                }
                let write = Write(key: key, acknowledged: acknowledged)
                if worker < 3 {
                    commandWrites.withLock { $0.append(write) }
                } else {
                    apiWrites.withLock { $0.append(write) }
                }
            }
        }
        while failover.isExecuting { Thread.sleep(forTimeInterval: 0.1) }

        let after = try Connection(pair.standby.url)
        defer { after.close() }
        // Each key's stored result names its movement; a movement without a key would be a double.
        var stored: [String: Int] = [:]
        for row in try after.query(
            """
            SELECT regexp_replace(k.key, '^.*:', '') AS key, count(m.id)::int AS n
            FROM idempotent_result k LEFT JOIN stock_movement m ON m.id = (k.result->>'id')::bigint
            WHERE k.operation = 'stock.receipt' AND k.key ~ '(^|:)w[0-9]+-[0-9]+$' GROUP BY 1
            """)
        {
            stored[try row.decode(String.self, "key")] = try row.decode(Int.self, "n")
        }
        let movements = try receipts(after) - before
        #expect(movements == stored.values.reduce(0, +), "\(movements) receipts for \(stored.count) keys")
        var report: [String] = []
        for (face, writes) in [("command line", commandWrites.withLock { $0 }), ("API", apiWrites.withLock { $0 })] {
            let acknowledged = writes.filter { $0.acknowledged != nil }
            let lost = acknowledged.filter { stored[$0.key] == nil }
            let doubled = writes.filter { (stored[$0.key] ?? 0) > 1 }
            let times = acknowledged.compactMap(\.acknowledged).sorted()
            let gap = zip(times, times.dropFirst()).map { $1.timeIntervalSince($0) }.max() ?? 0
            #expect(acknowledged.count > 10, "\(face): only \(acknowledged.count) writes acknowledged")
            #expect(lost.isEmpty, "\(face): acknowledged but not stored: \(lost.map(\.key))")
            #expect(doubled.isEmpty, "\(face): stored twice: \(doubled.map(\.key))")
            report.append(
                "\(face): \(writes.count) writes, \(acknowledged.count) acknowledged, \(acknowledged.count - lost.count) stored, \(doubled.count) doubled, longest time without an acknowledged write \(String(format: "%.1f", gap)) s"
            )
        }
        let statuses = apiStatuses.withLock { $0 }
        #expect(statuses[500] == nil, "the API answered 500 during the failover: \(statuses)")
        #expect(Set(statuses.keys).isSubset(of: [200, 201, 503]), "\(statuses)")
        #expect(missingRetryAfter.withLock { $0 } == 0, "503 without Retry-After")
        let check = try CFit.run(["check"], environment: environment)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        report.append(
            "API answers: \(statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: ", "))"
        )
        print("failover figures: " + report.joined(separator: "; "))
    }

    /// `POST /api/v1/stock/receive` of one unit under `key`: the status and the Retry-After header.
    static func receive(port: Int, login: String, key: String) -> (Int, String?) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/stock/receive")!)
        request.httpMethod = "POST"
        request.timeoutInterval = 10
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(key, forHTTPHeaderField: "Idempotency-Key")
        let credentials = Data("\(login):till password".utf8).base64EncodedString()
        request.setValue("Basic \(credentials)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(
            #"{"sku": "NW-CL-AD2-II-R-C-BE", "quantity": 1, "location": "shop"}"#.utf8)
        let done = DispatchSemaphore(value: 0)
        let answer = LockedValue<(Int, String?)>((0, nil))
        URLSession.shared.dataTask(with: request) { _, response, _ in
            let http = response as? HTTPURLResponse
            answer.withLock { $0 = (http?.statusCode ?? 0, http?.value(forHTTPHeaderField: "Retry-After")) }
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 15)
        return answer.withLock { $0 }
    }

    @Test(
        "after an asynchronous failover that lost a reservation, its reference names nothing and its reused number is refused for the wrong prescription"
    )
    func referenceAfterLostWrite() throws {
        let pair = try ReplicatedPair(synchronous: false)
        defer { pair.tearDown() }
        let environment = ["DATABASE_URL": pair.multiHostURL, "CFIT_LOCATION": "shop"]
        try CFit.seedSamples(environment)
        let second = try CFit.run(
            [
                "rx", "new", "--patient", "P-0100", "--patient-name", "Dana Sample", "--prescriber", "DR-01", "--style",
                "AD", "--class", "RAL:2", "--quantity", "2", "--number", "RX-2001", "--arterial-assessed",
            ], environment: environment)
        #expect(second.status == 0, "\(second.stderr)")
        let status = try CFit.run(["db", "status"], environment: environment)
        #expect(
            status.stdout.contains("replication: primary; no synchronous standby (synchronous_standby_names ''")
                && status.stdout.contains("a failover can lose the last acknowledged writes"), "\(status.stdout)")
        // The standby stops receiving (a link down, a standby behind): what the primary acknowledges
        // from now on is lost when it dies — PostgreSQL's documented trade-off of asynchronous
        // replication.
        let standby = try Connection(pair.standby.url)
        try standby.executeScript("ALTER SYSTEM SET primary_conninfo = ''")
        try standby.executeScript("SELECT pg_reload_conf()")
        standby.close()
        Thread.sleep(forTimeInterval: 1)
        let lost = try CFit.run(
            ["reserve", "--rx", "RX-1001", "--sku", "NW-CL-AD2-II-R-C-BE", "--json"], environment: environment)
        #expect(lost.status == 0, "\(lost.stderr)")
        let lostReference = CFit.reference("R", in: lost)
        let lostRows = try Connection(pair.primary.url).query(
            "SELECT id FROM reservation WHERE reference = \(lostReference)")
        try #require(lostRows.count == 1)
        let lostNumber = try lostRows[0].decode(Int.self, "id")
        pair.primary.stopImmediately()
        try pair.promote()

        // Another patient's reservation on the promoted standby: the same number, a new reference.
        let other = try CFit.run(
            ["reserve", "--rx", "RX-2001", "--sku", "NW-CL-AD2-II-R-C-BE", "--json"], environment: environment)
        #expect(other.status == 0, "\(other.stderr)")
        let otherReference = CFit.reference("R", in: other)
        let otherRows = try Connection(pair.standby.url).query(
            "SELECT id FROM reservation WHERE reference = \(otherReference)")
        try #require(otherRows.count == 1)
        let otherNumber = try otherRows[0].decode(Int.self, "id")
        #expect(
            otherNumber == lostNumber, "the promoted standby gave number \(otherNumber); the lost one had \(lostNumber)"
        )
        #expect(otherReference != lostReference)

        // The counter that held the lost reservation retries its hand-over: refused, nothing handed over.
        let byReference = try CFit.run(["dispense", lostReference], environment: environment)
        #expect(
            byReference.status == 64
                && byReference.firstErrorLine == "error: RESERVATION: no reservation \(lostReference)")
        let byNumber = try CFit.run(["dispense", String(lostNumber), "--rx", "RX-1001"], environment: environment)
        #expect(
            byNumber.status == 1
                && byNumber.firstErrorLine
                    == "error: --rx: reservation \(lostNumber) is for prescription RX-2001, not RX-1001",
            "\(byNumber.stderr)")
        let bare = try CFit.run(["dispense", String(lostNumber)], environment: environment)
        #expect(bare.status == 64 && bare.firstErrorLine.contains("found the number \(lostNumber) alone"))
        let still = try Connection(pair.standby.url).query(
            "SELECT status FROM reservation WHERE reference = \(otherReference)")[0].decode(String.self, "status")
        #expect(still == "active")
    }
}
