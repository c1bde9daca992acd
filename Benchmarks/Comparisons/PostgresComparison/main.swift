import Foundation
import Postgres

// Our Postgres module against the real reference on one server in one run:
//   point selects per second on one connection  vs  pgbench -S -M prepared -c 1
//   COPY rows per second                         vs  psql -c "\copy … FROM file"
// Usage: swift run -c release PostgresComparison [seconds-per-select-run] [copy-rows]

let arguments = CommandLine.arguments.dropFirst()
let seconds = arguments.first.flatMap(Int.init) ?? 10
let copyRows = arguments.dropFirst().first.flatMap(Int.init) ?? 1_000_000
let rounds = 3

func log(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Runs a program and returns its standard output; stops the benchmark when it fails.
@discardableResult
func run(_ program: String, _ arguments: [String]) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    do { try process.run() } catch { fatalError("cannot run \(program): \(error)") }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else { fatalError("\(program) failed:\n\(text)") }
    return text
}

let binaries = try ServerBinaries.locate()
let home = NSTemporaryDirectory() + "cfit-bench-\(getpid())"
let server = LocalServer(home: home, database: "bench", settings: ["fsync": "off", "shared_buffers": "'256MB'"])
try server.start()
try server.stopWhenProcessEnds(getpid(), removingFiles: true)
defer { server.stopImmediately() }
log("server: \(binaries.directory), PostgreSQL in \(home)")

let pgbench = binaries.path("pgbench")
let psql = binaries.path("psql")
let connectionArguments = ["-h", server.socketDirectory, "-U", server.role]
log("pgbench -i -s 10 …")
run(pgbench, ["-i", "-s", "10", "-q"] + connectionArguments + ["bench"])

// Point selects.
let connection = try Connection(server.url, preparedStatements: true)
let accounts = try connection.query("SELECT count(*) AS n FROM pgbench_accounts")[0].decode(Int.self, "n")

func ourSelects() throws -> Double {
    var generator = SystemRandomNumberGenerator()
    let deadline = Date().addingTimeInterval(Double(seconds))
    var count = 0
    var checksum = 0
    while Date() < deadline {
        for _ in 0..<1_000 {
            let aid = Int32.random(in: 1...Int32(accounts), using: &generator)
            checksum &+= try connection.query("SELECT abalance FROM pgbench_accounts WHERE aid = \(aid)")[0]
                .decode(Int.self, "abalance")
        }
        count += 1_000
    }
    precondition(checksum == 0, "pgbench's balances start at 0")
    return Double(count) / Double(seconds)
}

func pgbenchSelects() -> Double {
    let output = run(
        pgbench, ["-S", "-M", "prepared", "-c", "1", "-n", "-T", String(seconds)] + connectionArguments + ["bench"])
    let line = output.split(separator: "\n").first { $0.hasPrefix("tps = ") } ?? ""
    return Double(line.dropFirst(6).prefix { $0 != " " }) ?? 0
}

// COPY: the same rows, from memory through our module and from a file through psql.
try connection.executeScript("CREATE TABLE copy_target (id int8, label text, quantity int4, note text)")
let rows: [[String?]] = (1...copyRows).map { index in
    [String(index), "article \(index)\twith a tab", String(index % 97), index % 5 == 0 ? nil : "Grüße \\ \(index)"]
}
let file = home + "/rows.tsv"
var text = ""
text.reserveCapacity(copyRows * 48)
for row in rows {
    text +=
        row.map { value in
            guard let value else { return "\\N" }
            return value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
        }.joined(separator: "\t") + "\n"
}
try text.write(toFile: file, atomically: true, encoding: .utf8)

func ourCopy() throws -> Double {
    try connection.executeScript("TRUNCATE copy_target")
    let start = Date()
    try connection.copy(into: "copy_target", columns: ["id", "label", "quantity", "note"], rows: rows)
    return Double(copyRows) / Date().timeIntervalSince(start)
}

func psqlCopy() throws -> Double {
    try connection.executeScript("TRUNCATE copy_target")
    let start = Date()
    run(
        psql,
        connectionArguments + [
            "-d", "bench", "-q", "-c", "\\copy copy_target (id, label, quantity, note) FROM '\(file)'",
        ])
    return Double(copyRows) / Date().timeIntervalSince(start)
}

var results: [String: [Double]] = [:]
for round in 1...rounds {
    log("round \(round) of \(rounds)")
    results["ours select", default: []].append(try ourSelects())
    results["pgbench select", default: []].append(pgbenchSelects())
    results["ours copy", default: []].append(try ourCopy())
    results["psql copy", default: []].append(try psqlCopy())
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let ourSelect = median(results["ours select"]!)
let theirSelect = median(results["pgbench select"]!)
let ourCopyRate = median(results["ours copy"]!)
let theirCopy = median(results["psql copy"]!)
print("PostgreSQL \(connection.serverVersion), \(rounds) rounds, medians")
print(
    String(
        format: "point selects/s, one connection: cfit %.0f  pgbench -S -M prepared -c 1 %.0f  ratio %.1f%%", ourSelect,
        theirSelect, 100 * ourSelect / theirSelect))
print(
    String(
        format: "COPY rows/s (%d rows):           cfit %.0f  psql \\copy %.0f  ratio %.1f%%", copyRows, ourCopyRate,
        theirCopy, 100 * ourCopyRate / theirCopy))
