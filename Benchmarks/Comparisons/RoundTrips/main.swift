// Round trips over a slow link: cfit's counter commands against `psql -c 'select 1'`, both
// through a proxy on 127.0.0.1 that delays every chunk by 25 ms each way (a 50 ms round trip,
// what a shop sees to a hosted server). Starts its own throwaway server; prints a table of
// medians and the ratio of each command to psql.
//
//   swift build -c release                        # at the repository root: the cfit to measure
//   cd Benchmarks && swift run -c release RoundTrips [runs] [delay-ms]

import Foundation
import Postgres

#if canImport(Glibc)
    import Glibc
#endif

let arguments = CommandLine.arguments
let runs = arguments.count > 1 ? Int(arguments[1]) ?? 5 : 5
let delay = arguments.count > 2 ? Double(arguments[2]) ?? 25 : 25
// The repository's root: the first folder above this file that holds Seeds/.
var rootURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
while !FileManager.default.fileExists(atPath: rootURL.appendingPathComponent("Seeds").path) && rootURL.path != "/" {
    rootURL = rootURL.deletingLastPathComponent()
}
let root = rootURL.path
let cfit = ProcessInfo.processInfo.environment["CFIT_BINARY"] ?? "\(root)/.build/release/cfit"
guard FileManager.default.isExecutableFile(atPath: cfit) else {
    print("build cfit first: swift build -c release (at \(root)), or set CFIT_BINARY")
    exit(1)
}
guard
    let bindir = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"].first(
        where: { FileManager.default.isExecutableFile(atPath: "\($0)/psql") })
else {
    print("psql not found")
    exit(1)
}

/// A free TCP port on 127.0.0.1.
func freePort() -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return UInt16(bigEndian: address.sin_port)
}

/// Forwards bytes from one socket to another, each chunk delivered `delay` ms after it was read.
final class DelayedPump: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [(due: Date, bytes: [UInt8])] = []
    private var closed = false

    init(from source: Int32, to target: Int32, delay: Double) {
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(source, &buffer, buffer.count)
                condition.lock()
                if count <= 0 {
                    closed = true
                } else {
                    queue.append((Date().addingTimeInterval(delay / 1000), Array(buffer[0..<count])))
                }
                condition.signal()
                condition.unlock()
                if count <= 0 { return }
            }
        }
        Thread.detachNewThread { [self] in
            while true {
                condition.lock()
                while queue.isEmpty && !closed { condition.wait() }
                if queue.isEmpty && closed {
                    condition.unlock()
                    shutdown(target, Int32(SHUT_WR))
                    return
                }
                let next = queue.removeFirst()
                condition.unlock()
                let wait = next.due.timeIntervalSinceNow
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                var sent = 0
                while sent < next.bytes.count {
                    let n = next.bytes[sent...].withUnsafeBytes { write(target, $0.baseAddress, $0.count) }
                    if n <= 0 { break }
                    sent += n
                }
            }
        }
    }
}

/// A proxy on 127.0.0.1:`port` to 127.0.0.1:`upstream` that delays each direction by `delay` ms.
func startProxy(port: UInt16, upstream: UInt16, delay: Double) {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var yes: Int32 = 1
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = port.bigEndian
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    listen(listener, 64)
    Thread.detachNewThread {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var target = sockaddr_in()
            target.sin_family = sa_family_t(AF_INET)
            target.sin_addr.s_addr = inet_addr("127.0.0.1")
            target.sin_port = upstream.bigEndian
            let connected = withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else {
                close(client)
                continue
            }
            _ = DelayedPump(from: client, to: server, delay: delay)
            _ = DelayedPump(from: server, to: client, delay: delay)
        }
    }
}

/// Runs a command once and returns its wall time in seconds; exits on failure.
func timeOnce(_ argv: [String], environment: [String: String]) -> Double {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: argv[0])
    process.arguments = Array(argv.dropFirst())
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    process.standardOutput = FileHandle.nullDevice
    let errors = Pipe()
    process.standardError = errors
    let start = Date()
    try! process.run()
    process.waitUntilExit()
    let seconds = Date().timeIntervalSince(start)
    if process.terminationStatus != 0 {
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        print("\(argv.joined(separator: " ")) failed: \(message)")
        exit(1)
    }
    return seconds
}

/// The median of `times`.
func median(_ times: [Double]) -> Double { times.sorted()[times.count / 2] }

/// The median wall time of `runs` runs of the same command.
func median(_ argv: [String], environment: [String: String]) -> Double {
    median((0..<runs).map { _ in timeOnce(argv, environment: environment) })
}

let serverPort = freePort()
let proxyPort = freePort()
let home = NSTemporaryDirectory() + "cfit-roundtrips-\(getpid())"
let server = LocalServer(
    home: home, database: "bench",
    settings: ["listen_addresses": "'127.0.0.1'", "port": "\(serverPort)", "fsync": "off", "synchronous_commit": "off"])
try server.start()
defer {
    server.stopImmediately()
    try? FileManager.default.removeItem(atPath: home)
}
startProxy(port: proxyPort, upstream: serverPort, delay: delay)
let direct = "postgresql://\(server.role)@127.0.0.1:\(serverPort)/bench"
let slow = "postgresql://\(server.role)@127.0.0.1:\(proxyPort)/bench"
_ = timeOnce([cfit, "db", "migrate"], environment: ["DATABASE_URL": direct])
_ = timeOnce([cfit, "seed", "--from", "\(root)/Seeds"], environment: ["DATABASE_URL": direct])
// Enough stock and prescriptions for every run: one reserve and one dispense per run.
let setup = try Connection(direct)
for index in 0..<runs {
    try setup.execute(
        "SELECT cfit_rx_new(\("bench-rx-\(index)"), '[]', \("RX-B\(index)"), 'P-B', 'Bench', 'DR-B', 'Dr Bench', 'AD', 'RAL', '2', 'both', 1, NULL, NULL, current_date)"
    )
    try setup.execute(
        "SELECT cfit_receive(\("bench-r-\(index)"), '[]', 'NW-CL-AD2-II-R-C-BE', 1, 'shop', NULL, NULL, NULL)")
}
let environment = ["DATABASE_URL": slow, "CFIT_LOCATION": "shop"]
print(
    "round trip \(Int(2 * delay)) ms (a proxy on 127.0.0.1 delaying \(Int(delay)) ms each way), medians of \(runs) runs"
)
let psql = median(["\(bindir)/psql", slow, "-X", "-q", "-c", "select 1"], environment: [:])
var rows: [(String, Double)] = [("psql -c 'select 1'", psql)]
// Each reserve and dispense is a new operation (its own prescription and key).
let reserveTimes = (0..<runs).map { index in
    timeOnce(
        [
            cfit, "reserve", "--rx", "RX-B\(index)", "--sku", "NW-CL-AD2-II-R-C-BE", "--idempotency-key",
            "bench-res-\(index)",
        ],
        environment: environment)
}
let reservations = try setup.query("SELECT id FROM reservation WHERE idempotency_key LIKE 'bench-res-%' ORDER BY id")
    .map {
        try $0.decode(Int64.self, "id")
    }
let dispenseTimes = reservations.map { id in
    timeOnce([cfit, "dispense", String(id), "--idempotency-key", "bench-disp-\(id)"], environment: environment)
}
rows.append(("cfit reserve", median(reserveTimes)))
rows.append(("cfit dispense", median(dispenseTimes)))
rows.append(
    (
        "cfit fit (from the database)",
        median(
            [cfit, "fit", "--style", "AD", "--class", "2", "--cB", "22", "--cC", "36.5", "--cD", "34", "--lD", "41"],
            environment: environment)
    ))
rows.append(("cfit stock show SKU", median([cfit, "stock", "show", "NW-CL-AD2-II-R-C-BE"], environment: environment)))
print("command                         seconds   × psql")
for (name, seconds) in rows {
    print(
        name.padding(toLength: 32, withPad: " ", startingAt: 0)
            + String(format: "%7.3f   %5.2f", seconds, seconds / psql))
}
