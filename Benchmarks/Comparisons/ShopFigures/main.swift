import Fitting
import Foundation
import Inventory
import Postgres
import SyntheticData

// What a shop waits on, side by side with PostgreSQL's own tools on the same server in the same
// run (ours and the reference interleaved, medians): dispensing against pgbench running the same
// function calls, catalog import against psql \copy of the same rows into the same table, and
// batch fitting against its target. Prints one line per figure:
//     figure  ours  reference  ratio  target  ok
// and exits 1 when a figure misses its target. `--quick` is the small version (a few minutes);
// `--only import,lookups` runs only those sections (dispensing, import, lookups, batch, backup, signin).
// Run through Benchmarks/run, which builds cfit and this program in release mode first.

let quick = CommandLine.arguments.contains("--quick")
/// `--only dispensing,import,lookups,batch,backup,signin`: those sections alone (all by default).
let only: Set<String>? = CommandLine.arguments.firstIndex(of: "--only").flatMap {
    $0 + 1 < CommandLine.arguments.count
        ? Set(CommandLine.arguments[$0 + 1].split(separator: ",").map(String.init)) : nil
}
func section(_ name: String) -> Bool { only?.contains(name) ?? true }
let cfit = ProcessInfo.processInfo.environment["CFIT_BINARY"] ?? "../.build/release/cfit"
let seconds = quick ? 4.0 : 12.0
let rounds = quick ? 1 : 2

func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

/// Cycles done and failed by the workers.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var doneCount = 0
    private var failedCount = 0
    init(_ workers: Int) {}
    func add(_ count: Int) { lock.withLock { doneCount += count } }
    func fail() { lock.withLock { failedCount += 1 } }
    var done: Int { lock.withLock { doneCount } }
    var failures: Int { lock.withLock { failedCount } }
}

struct Figure {
    let name: String
    let ours: Double
    let reference: Double?
    let unit: String
    let target: String
    let ok: Bool
}
var figures: [Figure] = []

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

/// Runs a program; returns its status, standard output and, with `measuringMemory`, its peak
/// resident set in KiB. The peak is taken by GNU time, which forks the program from its own small
/// process: Linux counts a child's peak from the address space it started in, and a child spawned
/// straight from this (large) process would report at least this process's size.
@discardableResult
func run(
    _ program: String, _ arguments: [String], environment: [String: String] = [:], measuringMemory: Bool = false
) -> (
    status: Int32, output: String, maxRSS: Int
) {
    let memoryPath = NSTemporaryDirectory() + "shop-figures-\(getpid()).rss"
    let (program, arguments) =
        measuringMemory ? ("/usr/bin/time", ["-f", "%M", "-o", memoryPath, program] + arguments) : (program, arguments)
    let outputPath = NSTemporaryDirectory() + "shop-figures-\(getpid()).out"
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    let handle = FileHandle(forWritingAtPath: outputPath)!
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, 1)
    posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, 2)
    let env = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }.map { "\($0)=\($1)" }
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    let envp = env.map { strdup($0) } + [nil]
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, program, &actions, nil, argv, envp)
    guard spawned == 0 else { fatalError("cannot run \(program): \(spawned)") }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    try? handle.close()
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let peak =
        measuringMemory
        ? ((try? String(contentsOfFile: memoryPath, encoding: .utf8))?.split(separator: "\n").last.flatMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        } ?? 0) : 0
    return (exit, output, peak)
}

func timed(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

// The server: DATABASE_URL's, or a throwaway cluster of our own.
let binaries = try ServerBinaries.locate()
let adminURL: String
let server: LocalServer?
if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
    adminURL = url
    server = nil
} else {
    let home = NSTemporaryDirectory() + "cfit-shop-figures-\(getpid())"
    let local = LocalServer(
        home: home, database: "postgres",
        settings: ["fsync": "off", "shared_buffers": "'256MB'", "max_connections": "100"])
    try local.start()
    try local.stopWhenProcessEnds(getpid(), removingFiles: true)
    server = local
    adminURL = local.url(database: "postgres")
}
defer { server?.stopImmediately() }
let admin = try Connection(adminURL)
/// A new database with every migration applied.
func freshDatabase() throws -> String {
    let name = "shop_figures_\(getpid())_\(UUID().uuidString.prefix(8).lowercased())"
    try LocalServer.createDatabase(name, on: admin)
    let url = ConnectionString.replacingDatabase(in: adminURL, with: name)
    let connection = try Connection(url)
    try InventorySchema.migrator.migrate(connection)
    connection.close()
    return url
}
/// psql/pgbench arguments for `url` (a conninfo string works as the database name).
func clientArguments(_ url: String) -> [String] { ["-d", url] }

// MARK: Dispensing
if section("dispensing") {
    log("dispensing: loading 2 160 articles, stock and prescriptions…")
    let url = try freshDatabase()
    let setup = try Connection(url)
    let catalog = SyntheticCatalog(lines: 10, colors: 1)
    var articles = ""
    catalog.forEachArticleRow { articles += $0 + "\n" }
    _ = try Catalogs(connection: setup).importCatalog(
        json: Array(catalog.json.utf8), fileName: "bench.json", articles: Array(articles.utf8),
        articlesFileName: "bench.csv")
    try Stock(connection: setup).addLocation(code: "shop", name: "Shop")
    let hot = [0, 1, 2, 3, 4]
    for number in 0..<catalog.articleCount {
        try Stock(connection: setup).receive(
            sku: "SY0-\(number)", quantity: hot.contains(number) ? 2_000_000 : 100_000, location: "shop",
            key: "in-\(number)")
    }
    let maxWorkers = 16
    for prefix in ["o", "p"] {
        for worker in 0..<maxWorkers {
            for style in 0..<2 {
                for pressureClass in 0..<3 {
                    _ = try Prescriptions(connection: setup).create(
                        NewPrescription(
                            number: "RX-\(prefix)\(worker)-\(style)-\(pressureClass)", patient: "P-\(prefix)\(worker)",
                            patientName: "Bench", prescriber: "DR-1", prescriberName: "Bench",
                            style: style == 0 ? .AD : .AG,
                            pressureClass: PressureStandard.RAL.pressureClass(["1", "2", "3"][pressureClass])!,
                            quantity: 1_000_000_000, arterialAssessed: true),
                        key: "rx-\(prefix)\(worker)-\(style)-\(pressureClass)")
                }
            }
        }
    }
    setup.close()
    let script = NSTemporaryDirectory() + "shop-figures-\(getpid())-dispense.sql"
    let hotScript = NSTemporaryDirectory() + "shop-figures-\(getpid())-dispense-hot.sql"
    func pgbenchScript(_ pick: String) -> String {
        """
        \(pick)
        \\set s (:n / 36) % 2
        \\set c (:n / 72) % 3
        \\set k random(1, 1000000000000)
        SELECT (cfit_reserve('pb-' || :client_id || '-' || :k, '["reserve"]', 'RX-p' || :client_id || '-' || :s || '-' || :c, 'SY0-' || :n, 'shop', current_date)->>'id')::bigint AS rid \\gset
        SELECT cfit_dispense('pd-' || :client_id || '-' || :k, '["dispense"]', :rid, current_date);

        """
    }
    try pgbenchScript("\\set n random(0, \(catalog.articleCount - 1))").write(
        toFile: script, atomically: true, encoding: .utf8)
    try pgbenchScript("\\set n random(0, 4)").write(toFile: hotScript, atomically: true, encoding: .utf8)

    /// Reserve + dispense cycles per second through the Inventory module, `workers` connections.
    func ours(_ workers: Int, hotOnly: Bool) throws -> Double {
        let tally = Tally(workers)
        let deadline = Date().addingTimeInterval(seconds)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            guard let connection = try? Connection(url) else { return }
            defer { connection.close() }
            var generator = SystemRandomNumberGenerator()
            var done = 0
            while Date() < deadline {
                let number =
                    hotOnly ? Int.random(in: 0...4, using: &generator) : Int.random(in: 0..<2_160, using: &generator)
                let key = UUID().uuidString
                do {
                    let held = try Reservations(connection: connection).reserve(
                        rx: "RX-o\(worker)-\((number / 36) % 2)-\((number / 72) % 3)", sku: "SY0-\(number)",
                        location: "shop", key: "r-" + key)
                    _ = try Dispensing(connection: connection).dispense(reservation: held.id, key: "d-" + key)
                    done += 1
                } catch {
                    tally.fail()
                }
            }
            tally.add(done)
        }
        if tally.failures > 0 { log("  ours: \(tally.failures) cycles failed") }
        return Double(tally.done) / seconds
    }

    /// pgbench's transactions (one reserve + dispense script each) per second.
    func reference(_ workers: Int, hotOnly: Bool) -> Double {
        let result = run(
            binaries.path("pgbench"),
            [
                "-n", "-M", "extended", "-c", String(workers), "-j", String(min(workers, 2)), "-T",
                String(Int(seconds)),
                "-f", hotOnly ? hotScript : script,
            ] + clientArguments(url))
        guard result.status == 0,
            let line = result.output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") })
        else {
            log("pgbench failed:\n\(result.output)")
            return 0
        }
        return Double(line.dropFirst(6).prefix { $0 != " " }) ?? 0
    }

    for (workers, hotOnly) in [(1, false), (4, false), (16, false), (16, true)] {
        var mine: [Double] = []
        var theirs: [Double] = []
        for _ in 0..<rounds {
            mine.append(try ours(workers, hotOnly: hotOnly))
            theirs.append(reference(workers, hotOnly: hotOnly))
        }
        let (a, b) = (median(mine), median(theirs))
        let name = "reserve+dispense, \(workers) worker\(workers == 1 ? "" : "s")\(hotOnly ? ", 5 hot articles" : "")"
        log("  \(name): ours \(Int(a))/s, pgbench \(Int(b))/s")
        figures.append(
            Figure(
                name: name, ours: a, reference: b, unit: "/s", target: "≥ 85 % of pgbench", ok: b > 0 && a >= 0.85 * b))
    }
    let check = try Connection(url)
    let problems = try Checks(connection: check).run().problems
    let negative = try check.query(
        "SELECT count(*) AS n FROM stock_balance WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand")[0].decode(
            Int.self, "n")
    figures.append(
        Figure(
            name: "dispensing: check problems and oversold balances afterwards",
            ours: Double(problems.count + negative),
            reference: nil, unit: "", target: "0", ok: problems.isEmpty && negative == 0))
    check.close()
}

// MARK: Import
if section("import") {
    let sizes = quick ? [(6, 8), (29, 8)] : [(6, 8), (58, 8), (116, 8)]
    var peaks: [Int: Int] = [:]
    for (index, (lines, colors)) in sizes.enumerated() {
        let synthetic = SyntheticCatalog(lines: lines, colors: colors, variant: index + 1)
        let directory = NSTemporaryDirectory() + "shop-figures-\(getpid())-import"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let catalogPath = "\(directory)/catalog-\(index).json"
        let articlesPath = "\(directory)/articles-\(index).csv"
        try synthetic.json.write(toFile: catalogPath, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: articlesPath, contents: nil)
        let handle = FileHandle(forWritingAtPath: articlesPath)!
        var buffer = ""
        synthetic.forEachArticleRow { row in
            buffer += row + "\n"
            if buffer.utf8.count > 1 << 20 {
                handle.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        handle.write(Data(buffer.utf8))
        try handle.close()
        var mine: [Double] = []
        var theirs: [Double] = []
        var peak = 0
        for _ in 0..<rounds {
            let ourDatabase = try freshDatabase()
            var result: (status: Int32, output: String, maxRSS: Int) = (0, "", 0)
            let ourTime = timed {
                result = run(
                    cfit, ["catalog", "import", catalogPath, articlesPath], environment: ["DATABASE_URL": ourDatabase],
                    measuringMemory: true)
            }
            guard result.status == 0 else { fatalError("cfit catalog import failed:\n\(result.output)") }
            mine.append(Double(synthetic.articleCount) / ourTime)
            peak = max(peak, result.maxRSS)
            // The reference: the same rows into the same table (constraints, indexes, triggers)
            // by psql \copy, the lines already in place.
            let theirDatabase = try freshDatabase()
            let lines = run(cfit, ["catalog", "import", catalogPath], environment: ["DATABASE_URL": theirDatabase])
            guard lines.status == 0 else { fatalError("catalog lines failed:\n\(lines.output)") }
            var copy: (status: Int32, output: String, maxRSS: Int) = (0, "", 0)
            let theirTime = timed {
                copy = run(
                    binaries.path("psql"),
                    clientArguments(theirDatabase) + [
                        "-v", "ON_ERROR_STOP=1", "-c",
                        "\\copy article (sku, gtin, line_id, style, class_label, size_name, length_name, toe, color, hcpcs) FROM '\(articlesPath)' WITH (FORMAT csv, HEADER true)",
                    ])
            }
            guard copy.status == 0 else { fatalError("psql \\copy failed:\n\(copy.output)") }
            theirs.append(Double(synthetic.articleCount) / theirTime)
        }
        peaks[synthetic.articleCount] = peak
        let (a, b) = (median(mine), median(theirs))
        let last = index == sizes.count - 1
        log("  import \(synthetic.articleCount): ours \(Int(a)) rows/s, psql \(Int(b)) rows/s, peak \(peak / 1024) MiB")
        figures.append(
            Figure(
                name: "catalog import, \(synthetic.articleCount) articles", ours: a, reference: b, unit: " rows/s",
                target: last ? "≥ 80 % of psql \\copy" : "(shown)", ok: !last || a >= 0.8 * b))
    }
    let counts = peaks.keys.sorted()
    if let small = counts.first, let large = counts.last, let smallPeak = peaks[small], let largePeak = peaks[large] {
        figures.append(
            Figure(
                name: "import peak RSS, \(large) vs \(small) articles (MiB)", ours: Double(largePeak) / 1024,
                reference: Double(smallPeak) / 1024, unit: "", target: "≤ 1.5 × the small file's",
                ok: Double(largePeak) <= 1.5 * Double(smallPeak)))
    }
}

// MARK: Lookups at scale
if section("lookups") {
    // (lines, colours, locations, lots per article): balances = articles × locations × lots.
    let scales = quick ? [(6, 8, 1, 1), (12, 8, 5, 1)] : [(6, 8, 1, 1), (12, 8, 5, 1), (12, 8, 12, 4)]
    for (lines, colors, locations, lots) in scales {
        let url = try freshDatabase()
        let setup = try Connection(url)
        let synthetic = SyntheticCatalog(lines: lines, colors: colors, variant: 5)
        var articles = ""
        synthetic.forEachArticleRow { articles += $0 + "\n" }
        _ = try Catalogs(connection: setup).importCatalog(
            json: Array(synthetic.json.utf8), fileName: "scale.json", articles: Array(articles.utf8),
            articlesFileName: "scale.csv")
        log("lookups: loading \(synthetic.articleCount * locations * lots) balances…")
        try setup.executeScript(
            """
            INSERT INTO location (code, name) SELECT 'loc-' || g, 'Location ' || g FROM generate_series(1, \(locations)) g;
            INSERT INTO lot (sku, code, expires_on)
                SELECT a.sku, 'L' || k || '-' || a.sku, current_date + 400 FROM article a CROSS JOIN generate_series(1, \(lots)) k;
            INSERT INTO stock_balance (sku, location_id, lot_id, on_hand)
                SELECT l.sku, loc.id, l.id, 5 FROM lot l CROSS JOIN location loc;
            INSERT INTO stock_movement (balance_id, sku, location_id, lot_id, delta, on_hand_after, reason)
                SELECT id, sku, location_id, lot_id, 5, 5, 'receipt' FROM stock_balance;
            INSERT INTO reorder_rule (sku, location_id, minimum)
                SELECT a.sku, loc.id, 6 FROM article a CROSS JOIN location loc WHERE a.sku LIKE '%7';
            ANALYZE;
            """)
        let balances = try setup.query("SELECT count(*) AS n FROM stock_balance")[0].decode(Int.self, "n")
        setup.close()
        let connection = try Connection(url)
        // 1 000 random articles per kind of lookup, after 20 untimed ones: a counter's connection
        // is a long-lived one (the whole-process figure below is the cold case).
        let skus = (0..<1_000).map { _ in "SY5-\(Int.random(in: 0..<synthetic.articleCount))" }
        func percentiles(_ name: String, _ body: (String) throws -> Void) throws -> (Double, Double) {
            for sku in skus.prefix(20) { try body(sku) }
            var samples: [Double] = []
            for sku in skus { samples.append(try timed { try body(sku) } * 1_000) }
            samples.sort()
            return (samples[samples.count / 2], samples[samples.count * 99 / 100])
        }
        let before = try connection.query(
            "SELECT coalesce(sum(seq_scan), 0)::bigint AS s FROM pg_stat_user_tables WHERE relname IN ('stock_balance', 'lot', 'article', 'stock_movement')"
        )[0].decode(Int.self, "s")
        var singles: [(String, (Double, Double))] = []
        singles.append(
            ("stock show SKU", try percentiles("stock") { _ = try Stock(connection: connection).balances(sku: $0) }))
        singles.append(
            ("article show", try percentiles("article") { _ = try Articles(connection: connection).show($0) }))
        singles.append(
            ("lot show", try percentiles("lot") { _ = try Lots(connection: connection).show("L1-\($0)", sku: $0) }))
        singles.append(
            ("stock history SKU", try percentiles("history") { _ = try Stock(connection: connection).history(sku: $0) })
        )
        try connection.query("SELECT pg_stat_force_next_flush()")
        Thread.sleep(forTimeInterval: 0.2)
        let observer = try Connection(url)
        let after = try observer.query(
            "SELECT coalesce(sum(seq_scan), 0)::bigint AS s FROM pg_stat_user_tables WHERE relname IN ('stock_balance', 'lot', 'article', 'stock_movement')"
        )[0].decode(Int.self, "s")
        observer.close()
        for (name, (p50, p99)) in singles {
            figures.append(
                Figure(
                    name: "\(name) at \(balances) balances, p99 ms (p50 \(String(format: "%.2f", p50)))", ours: p99,
                    reference: nil, unit: "", target: "p99 < 2 ms", ok: p99 < 2))
        }
        figures.append(
            Figure(
                name:
                    "sequential scans of the stock tables during \(singles.count * (skus.count + 20)) lookups at \(balances)",
                ours: Double(after - before), reference: nil, unit: "", target: "0 (indexes only)", ok: after == before)
        )
        let low = try timed { _ = try Stock(connection: connection).low() } * 1_000
        figures.append(
            Figure(
                name: "stock low at \(balances) balances, ms", ours: low, reference: nil, unit: "", target: "(shown)",
                ok: true))
        var checkProblems = 0
        let check = try timed { checkProblems = try Checks(connection: connection).run().problems.count }
        figures.append(
            Figure(
                name: "check at \(balances) balances, s", ours: check, reference: nil, unit: "",
                target: "< 10 s, clean",
                ok: check < 10 && checkProblems == 0))
        var processTimes: [Double] = []
        for sku in skus.prefix(20) {
            processTimes.append(
                timed { run(cfit, ["stock", "show", sku], environment: ["DATABASE_URL": url]) } * 1_000)
        }
        let process = median(processTimes)
        figures.append(
            Figure(
                name: "cfit stock show SKU, whole process, at \(balances) balances, p50 ms", ours: process,
                reference: nil,
                unit: "", target: "< 50 ms", ok: process < 50))
        connection.close()
    }
}

// MARK: Batch fitting
if section("batch") {
    let legs = quick ? 50_000 : 100_000
    let path = NSTemporaryDirectory() + "shop-figures-\(getpid())-legs.csv"
    var text = "id,style,class,line,cB,cB1,cC,cD,lD\n"
    var generator = SystemRandomNumberGenerator()
    for index in 0..<legs {
        func tenth(_ range: ClosedRange<Int>) -> String {
            let value = Int.random(in: range, using: &generator)
            return "\(value / 10).\(value % 10)"
        }
        text += "leg-\(index),AD,2,,\(tenth(180...300)),,\(tenth(280...500)),\(tenth(260...460)),\(tenth(320...500))\n"
    }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let seeds = URL(fileURLWithPath: cfit).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Seeds").path
    let catalogs = ["northwind.json", "liberty.json", "prairie.json"].flatMap { ["--catalog", "\(seeds)/\($0)"] }
    for json in [false, true] {
        var rates: [Double] = []
        for _ in 0..<max(rounds, 2) {
            let elapsed = timed {
                let result = run(
                    "/bin/sh",
                    ["-c", "\"$0\" \"$@\" > /dev/null", cfit, "fit", "--batch", path] + catalogs
                        + (json ? ["--json"] : []))
                if result.status != 0 { log("batch failed: \(result.output.prefix(300))") }
            }
            rates.append(Double(legs) / elapsed)
        }
        let rate = median(rates)
        figures.append(
            Figure(
                name: "batch fitting, \(legs) legs, \(json ? "JSON" : "CSV") out", ours: rate, reference: nil,
                unit: " legs/s", target: "≥ 100 000 legs/s", ok: rate >= 100_000))
    }
}

// MARK: Backup
// cfit db backup and restore beside pg_dump -Fc and pg_restore by hand, on the same data: the
// seeded samples, then the same with 10⁶ stock balances (every article at ~2 460 locations).
if section("backup") {
    let seeds = URL(fileURLWithPath: cfit).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Seeds").path
    let folder = NSTemporaryDirectory() + "shop-figures-\(getpid())-backups"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for (label, balances) in [("seeded", 0), ("10⁶ balances", 1_000_000)] {
        log("backup: \(label)…")
        let url = try freshDatabase()
        let seeded = run(cfit, ["seed", "--from", seeds], environment: ["DATABASE_URL": url])
        if seeded.status != 0 { log("seed failed: \(seeded.output.prefix(300))") }
        if balances > 0 {
            let bulk = try Connection(url, lockTimeout: nil)
            try bulk.executeScript(
                """
                INSERT INTO location (code, name) SELECT 'bench-' || g, 'Bench ' || g FROM generate_series(1, 2500) g;
                INSERT INTO stock_balance (sku, location_id, on_hand)
                SELECT a.sku, l.id, 0 FROM article a CROSS JOIN (SELECT id FROM location WHERE code LIKE 'bench-%') l
                LIMIT \(balances);
                """)
            try bulk.executeScript("VACUUM ANALYZE stock_balance")
            bulk.close()
        }
        var ours: [Double] = []
        var theirs: [Double] = []
        var ourRestores: [Double] = []
        var theirRestores: [Double] = []
        var ourSize = 0
        var theirSize = 0
        for round in 0..<max(rounds, 2) {
            let ourFile = "\(folder)/ours-\(balances)-\(round).dump"
            let theirFile = "\(folder)/theirs-\(balances)-\(round).dump"
            ours.append(
                timed {
                    let result = run(cfit, ["db", "backup", ourFile], environment: ["DATABASE_URL": url])
                    if result.status != 0 { log("backup failed: \(result.output.prefix(300))") }
                })
            theirs.append(
                timed {
                    run(binaries.path("pg_dump"), ["--format=custom", "--file=\(theirFile)", "--dbname=\(url)"])
                })
            ourSize = (try? FileManager.default.attributesOfItem(atPath: ourFile)[.size] as? Int) ?? 0
            theirSize = (try? FileManager.default.attributesOfItem(atPath: theirFile)[.size] as? Int) ?? 0
            let ourTarget = "restore_ours_\(getpid())_\(round)"
            let theirTarget = "restore_theirs_\(getpid())_\(round)"
            try LocalServer.createDatabase(ourTarget, on: admin)
            ourRestores.append(
                timed {
                    let result = run(
                        cfit, ["db", "restore", ourFile],
                        environment: ["DATABASE_URL": ConnectionString.replacingDatabase(in: adminURL, with: ourTarget)])
                    if result.status != 0 { log("restore failed: \(result.output.prefix(300))") }
                })
            theirRestores.append(
                timed {
                    try? LocalServer.createDatabase(theirTarget, on: admin)
                    run(
                        binaries.path("pg_restore"),
                        [
                            "--exit-on-error", "--no-owner",
                            "--dbname=\(ConnectionString.replacingDatabase(in: adminURL, with: theirTarget))", theirFile,
                        ])
                })
            try admin.executeScript("DROP DATABASE \"\(ourTarget)\"")
            try admin.executeScript("DROP DATABASE \"\(theirTarget)\"")
        }
        let backup = median(ours)
        let dump = median(theirs)
        figures.append(
            Figure(
                name: "backup, \(label) (\(ourSize / 1024) KiB; pg_dump \(theirSize / 1024) KiB)", ours: backup,
                reference: dump, unit: " s", target: "≤ 2 × pg_dump", ok: backup <= 2 * dump + 0.5))
        let restore = median(ourRestores)
        let reference = median(theirRestores)
        figures.append(
            Figure(
                name: "restore, verified, \(label)", ours: restore, reference: reference, unit: " s",
                target: "≤ 2 × pg_restore", ok: restore <= 2 * reference + 0.5))
    }
}

// MARK: Sign-in
// cfit serve's refusals, timed from the client: an unknown login beside a known login with a wrong
// password (each attempt from its own 127.0.0.x address, so no throttle answers instead), and a
// fitter's 60 MB catalog upload, from its headers sent to its 403 read.
if section("signin") {
    log("signin: starting cfit serve…")
    let url = try freshDatabase()
    let seeds = URL(fileURLWithPath: cfit).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Seeds").path
    run(cfit, ["seed", "--from", seeds], environment: ["DATABASE_URL": url])
    let owner = try Connection(url)
    let password = "bench-\(UUID().uuidString.prefix(8))"
    let fitter = "bfit\(getpid())"
    _ = try Users(connection: owner).add(fitter, role: "fitter", password: password)
    owner.close()
    let port = 20_000 + Int(getpid() % 20_000)
    let server = Process()
    server.executableURL = URL(fileURLWithPath: cfit)
    server.arguments = ["serve", "--listen", "127.0.0.1:\(port)"]
    server.environment = ProcessInfo.processInfo.environment.merging(["DATABASE_URL": url]) { _, new in new }
    server.standardOutput = FileHandle.nullDevice
    server.standardError = FileHandle.nullDevice
    try server.run()
    defer {
        server.terminate()
        server.waitUntilExit()
    }

    /// Sends `request` from 127.0.0.`source` and returns the status line's code and the seconds
    /// until the answer's first bytes (what follows `firstBytes` of the body is streamed until then).
    func exchange(_ head: String, from source: Int, body: Int = 0) -> (status: Int, seconds: Double) {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr("127.0.\(source / 250).\(1 + source % 250)")
        _ = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_addr.s_addr = inet_addr("127.0.0.1")
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return (0, 0) }
        let start = DispatchTime.now().uptimeNanoseconds
        _ = Array(head.utf8).withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        let chunk = [UInt8](repeating: 0x78, count: 1 << 16)
        var sent = 0
        var answer = [UInt8](repeating: 0, count: 4_096)
        while true {
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, sent < body ? 0 : 5_000) > 0 { break }
            if sent >= body { return (0, 0) }
            if chunk.withUnsafeBytes({ send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) <= 0 { break }
            sent += chunk.count
        }
        let count = recv(socket, &answer, answer.count, 0)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let text = String(decoding: answer.prefix(max(0, count)), as: UTF8.self)
        return (Int(text.dropFirst(9).prefix(3)) ?? 0, seconds)
    }
    func basic(_ login: String, _ password: String) -> String {
        "Authorization: Basic \(Data("\(login):\(password)".utf8).base64EncodedString())\r\n"
    }
    var ready = false
    for _ in 0..<300 where !ready {
        Thread.sleep(forTimeInterval: 0.1)
        ready = exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", from: 0).status == 200
    }
    if !ready { log("signin: cfit serve did not start") }
    var unknown: [Double] = []
    var wrong: [Double] = []
    var statuses = Set<Int>()
    let attempts = quick ? 10 : 30
    for attempt in 0..<attempts {
        let a = exchange(
            "GET /api/v1/locations HTTP/1.1\r\nHost: x\r\n\(basic("nobody\(attempt)", "wrong-password"))Connection: close\r\n\r\n",
            from: 10 + 2 * attempt)
        let b = exchange(
            "GET /api/v1/locations HTTP/1.1\r\nHost: x\r\n\(basic(fitter, "wrong-password-\(attempt)"))Connection: close\r\n\r\n",
            from: 11 + 2 * attempt)
        statuses.formUnion([a.status, b.status])
        unknown.append(a.seconds * 1000)
        wrong.append(b.seconds * 1000)
    }
    let (u, w) = (median(unknown), median(wrong))
    figures.append(
        Figure(
            name: "sign-in refused: unknown login vs wrong password (\(attempts) each, statuses \(statuses.sorted()))",
            ours: u, reference: w, unit: " ms", target: "within 25 % of each other",
            ok: statuses == [401] && abs(u - w) <= 0.25 * max(u, w)))
    let size = 60_000_000
    var refusals: [Double] = []
    var refusedStatuses = Set<Int>()
    for round in 0..<(quick ? 3 : 5) {
        let answer = exchange(
            "POST /api/v1/catalog/import HTTP/1.1\r\nHost: x\r\n\(basic(fitter, password))Idempotency-Key: big-\(round)\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: \(size)\r\n\r\n",
            from: 200 + round, body: size)
        refusedStatuses.insert(answer.status)
        refusals.append(answer.seconds * 1000)
    }
    figures.append(
        Figure(
            name: "a fitter's 60 MB catalog upload refused from its headers (statuses \(refusedStatuses.sorted()))",
            ours: median(refusals), reference: nil, unit: " ms", target: "403 before the body, < 100 ms",
            ok: refusedStatuses == [403] && median(refusals) < 100))
}

// MARK: Report
func number(_ value: Double) -> String {
    value >= 100 ? String(Int(value.rounded())) : String(format: "%.2f", value)
}
let header = ["figure", "ours", "reference", "ratio", "target", "ok"]
var rows = [header]
for figure in figures {
    rows.append([
        figure.name, number(figure.ours) + figure.unit, figure.reference.map { number($0) + figure.unit } ?? "—",
        figure.reference.map { $0 > 0 ? String(format: "%.2f", figure.ours / $0) : "—" } ?? "—", figure.target,
        figure.ok ? "ok" : "MISS",
    ])
}
let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
for row in rows {
    print(
        row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
}
// The generated files go with the run.
let temporary = NSTemporaryDirectory()
for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
where name.hasPrefix("shop-figures-\(getpid())") {
    try? FileManager.default.removeItem(atPath: temporary + "/" + name)
}
exit(figures.allSatisfy(\.ok) ? 0 : 1)
