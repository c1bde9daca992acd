import Fitting
import Foundation
import Postgres
import PostgresTestSupport
import SyntheticData
import Testing

@testable import Inventory

/// An articles file is read from disk in blocks while its rows are checked and copied: a problem
/// found far into the file, after many blocks were already sent, must still leave nothing stored,
/// and a good file must be stored whole with the digest of every byte.
@Suite("Articles files streamed from disk", .ownThread)
struct StreamedImportTests {
    /// 10 lines × 8 colours: 17 280 articles, about 1.3 MB, several of the reader's blocks.
    static let synthetic = SyntheticCatalog(lines: 10, colors: 8, variant: 7)

    static func files() throws -> (catalog: [UInt8], articles: String, directory: String) {
        let directory = NSTemporaryDirectory() + "cfit-stream-\(UUID().uuidString)"
        let (catalog, articles) = try synthetic.write(in: directory, name: "synthetic")
        return (Array(try Data(contentsOf: URL(fileURLWithPath: catalog))), articles, directory)
    }

    static func articleCount(_ connection: Connection) throws -> Int {
        try connection.query("SELECT count(*)::int AS n FROM article WHERE line_id LIKE 'synthetic7-%'")[0].decode(
            Int.self, "n")
    }

    @Test("a bad last row refuses a first import after every earlier block was copied; nothing is stored")
    func badLastRowFirstImport() throws {
        let (catalog, articles, directory) = try Self.files()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let connection = try Connection(try TestDatabase.fresh())
        let good = try Data(contentsOf: URL(fileURLWithPath: articles))
        let bad = directory + "/bad-articles.csv"
        // Row 2's article again, on the file's last row.
        let last = Self.synthetic.article(at: 0)
        try (good + Data((last + "\n").utf8)).write(to: URL(fileURLWithPath: bad))
        let rows = Self.synthetic.articleCount + 2
        do {
            _ = try Catalogs(connection: connection).importCatalog(
                json: catalog, fileName: "synthetic.json", articlesInput: .file(path: bad))
            Issue.record("expected a refusal")
        } catch let error as InventoryError {
            #expect(
                error.message.hasPrefix(
                    "articles bad-articles.csv: row \(rows), column \"sku\": expected a SKU not used before (row 2 has it)"
                ),
                "\(error.message)")
        }
        #expect(try Self.articleCount(connection) == 0)
        #expect(try connection.query("SELECT count(*)::int AS n FROM product_line")[0].decode(Int.self, "n") == 0)

        let summary = try Catalogs(connection: connection).importCatalog(
            json: catalog, fileName: "synthetic.json", articlesInput: .file(path: articles))
        #expect(summary.articlesAdded == Self.synthetic.articleCount)
        #expect(try Self.articleCount(connection) == Self.synthetic.articleCount)
        let batch = try connection.query(
            "SELECT sha256, rows FROM import_batch WHERE kind = 'articles' ORDER BY id DESC LIMIT 1")[0]
        #expect(try batch.decode(String.self, "sha256") == FileDigest.hex([UInt8](good)))
        #expect(try batch.decode(Int.self, "rows") == Self.synthetic.articleCount)
    }

    @Test("a bad last row refuses an update after the staging COPY; every article is left as it was")
    func badLastRowUpdate() throws {
        let (catalog, articles, directory) = try Self.files()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let connection = try Connection(try TestDatabase.fresh())
        _ = try Catalogs(connection: connection).importCatalog(
            json: catalog, fileName: "synthetic.json", articlesInput: .file(path: articles))
        let before = try connection.query("SELECT md5(string_agg(color, ',' ORDER BY sku)) AS m FROM article")[0]
            .decode(String.self, "m")
        let edition = SyntheticCatalog(lines: 10, colors: 8, variant: 7, edition: 1)
        let (_, changed) = try edition.write(in: directory + "/edition", name: "synthetic")
        let bad = directory + "/bad-edition.csv"
        let good = try Data(contentsOf: URL(fileURLWithPath: changed))
        try (good + Data("SY7-X,00000000000000,nowhere,AD,2,II,regular,closed,beige,\n".utf8)).write(
            to: URL(fileURLWithPath: bad))
        #expect(throws: InventoryError.self) {
            _ = try Catalogs(connection: connection).importCatalog(
                json: catalog, fileName: "synthetic.json", articlesInput: .file(path: bad))
        }
        let after = try connection.query("SELECT md5(string_agg(color, ',' ORDER BY sku)) AS m FROM article")[0]
            .decode(String.self, "m")
        #expect(after == before)
        let summary = try Catalogs(connection: connection).importCatalog(
            json: catalog, fileName: "synthetic.json", articlesInput: .file(path: changed))
        #expect(summary.articlesChanged == Self.synthetic.articleCount)
    }

    @Test("a first import names every issue, a duplicate among them, though the COPY stopped at the first")
    func everyIssueOfAFirstImport() throws {
        let (catalog, articles, directory) = try Self.files()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let connection = try Connection(try TestDatabase.fresh())
        let good = try Data(contentsOf: URL(fileURLWithPath: articles))
        let bad = directory + "/bad-articles.csv"
        let rows = Self.synthetic.articleCount + 1
        // A bad toe first, then row 3's article again.
        let wrongToe = Self.synthetic.article(at: 5).replacingOccurrences(of: ",closed,", with: ",shut,")
            .replacingOccurrences(of: ",open,", with: ",shut,").replacingOccurrences(of: "SY7-5,", with: "SY7-X,")
        try (good + Data((wrongToe + "\n" + Self.synthetic.article(at: 1) + "\n").utf8)).write(
            to: URL(fileURLWithPath: bad))
        do {
            _ = try Catalogs(connection: connection).importCatalog(
                json: catalog, fileName: "synthetic.json", articlesInput: .file(path: bad))
            Issue.record("expected a refusal")
        } catch let error as InventoryError {
            let all = [error.message] + error.details
            #expect(all.contains { $0.contains("row \(rows + 1), column \"toe\"") }, "\(all)")
            #expect(
                all.contains {
                    $0.contains("row \(rows + 2), column \"sku\": expected a SKU not used before (row 3 has it)")
                },
                "\(all)")
        }
        #expect(try Self.articleCount(connection) == 0)
    }

    @Test("a file that cannot be read is refused as unreadable, naming it")
    func unreadable() throws {
        let (catalog, _, directory) = try Self.files()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let connection = try Connection(try TestDatabase.fresh())
        do {
            _ = try Catalogs(connection: connection).importCatalog(
                json: catalog, fileName: "synthetic.json", articlesInput: .file(path: directory + "/missing.csv"))
            Issue.record("expected a refusal")
        } catch let error as InventoryError {
            #expect(error.kind == .unreadable)
            #expect(error.message.contains("missing.csv: expected a readable file"), "\(error.message)")
        }
        #expect(try connection.query("SELECT count(*)::int AS n FROM product_line")[0].decode(Int.self, "n") == 0)
    }
}
