import Fitting
import Foundation
import Inventory
import Postgres
import PostgresTestSupport
import Testing

@Suite("Catalog import into the database", .ownThread)
struct CatalogImportTests {
    @Test("an imported catalog loads back as the same lines the decoder gave")
    func roundTrip() throws {
        let fixture = try Fixture()
        let fromFile = try CatalogDecoder().decode(Array(Fixture.catalog.utf8)).lines
        let fromDatabase = try Catalogs(connection: fixture.connection).productLines()
        #expect(fromDatabase == fromFile)
    }

    @Test("re-importing the same files is a reported no-op")
    func reimportIsNoOp() throws {
        let fixture = try Fixture()
        let again = try Catalogs(connection: fixture.connection).importCatalog(
            json: Array(Fixture.catalog.utf8), fileName: "spec.json", articles: Array(Fixture.articles.utf8),
            articlesFileName: "spec.csv"
        )
        #expect(again.unchanged)
        #expect(try fixture.connection.query("SELECT count(*) AS n FROM import_batch")[0].decode(Int.self, "n") == 2)
    }

    @Test("an updated file updates ranges, adds articles and deactivates vanished ones, never deleting them")
    func update() throws {
        let fixture = try Fixture()
        let catalog = Fixture.catalog.replacingOccurrences(of: #""cC": [30, 38]"#, with: #""cC": [30, 39]"#)
        let articles =
            Fixture.articles.replacingOccurrences(
                of: "AD3-II-R,00000000000024,northwind-classic,AD,3,II,regular,closed,beige,\n", with: "")
            + "AD2-I-R,00000000000048,northwind-classic,AD,2,I,regular,closed,beige,\n"
        let summary = try Catalogs(connection: fixture.connection).importCatalog(
            json: Array(catalog.utf8), fileName: "spec2.json", articles: Array(articles.utf8),
            articlesFileName: "spec2.csv"
        )
        #expect(summary.articlesAdded == 1)
        #expect(summary.articlesDeactivated == 1)
        let line = try Catalogs(connection: fixture.connection).productLines()[0]
        #expect(line.sizes[1].range(for: .cC) == (try MeasureRange.centimetres(30, 39)))
        let row = try fixture.connection.query("SELECT active FROM article WHERE sku = 'AD3-II-R'")[0]
        #expect(try row.decode(Bool.self, "active") == false)
    }

    @Test("a dry run checks everything and stores nothing")
    func dryRun() throws {
        let fixture = try Fixture()
        let catalog = Fixture.catalog.replacingOccurrences(of: "northwind-classic", with: "northwind-other")
        let summary = try Catalogs(connection: fixture.connection).importCatalog(
            json: Array(catalog.utf8), fileName: "o.json", articles: nil, articlesFileName: nil, dryRun: true
        )
        #expect(summary.dryRun)
        #expect(try Catalogs(connection: fixture.connection).productLines().map(\.id) == ["northwind-classic"])
    }

    @Test("a broken file is refused with every issue and nothing stored")
    func brokenFile() throws {
        let fixture = try Fixture()
        let broken = Fixture.catalog.replacingOccurrences(of: "northwind-classic", with: "fresh-line")
            .replacingOccurrences(of: #""cB": [20, 22]"#, with: #""cB": [22, 20]"#)
            .replacingOccurrences(of: #""cD": [30, 38]"#, with: #""cQ": [30, 38]"#)
        do {
            _ = try Catalogs(connection: fixture.connection).importCatalog(
                json: Array(broken.utf8), fileName: "b.json", articles: nil, articlesFileName: nil)
            Issue.record("expected a refusal")
        } catch let error as InventoryError {
            #expect(error.kind == .badData)
            #expect(error.message.hasPrefix("catalog b.json: line \"fresh-line\", size \"II\", key \"cB\""))
            // The reversed cB, the unknown cQ, and cD now missing from size II alone.
            #expect(error.details.count == 2)
            #expect(
                error.details.last?.contains("key \"cD\": expected a range for cD, as the line's other sizes give")
                    == true)
        }
        #expect(try Catalogs(connection: fixture.connection).productLines().map(\.id) == ["northwind-classic"])
    }

    @Test("bad articles rows are refused naming row, column and value")
    func badArticles() throws {
        let fixture = try Fixture()
        let articles = Fixture.articles + "BAD,04012345678902,northwind-classic,AD,2,II,regular,closed,beige,\n"
        do {
            _ = try Catalogs(connection: fixture.connection).importCatalog(
                json: Array(Fixture.catalog.utf8), fileName: "spec.json", articles: Array(articles.utf8),
                articlesFileName: "a.csv"
            )
            Issue.record("expected a refusal")
        } catch let error as InventoryError {
            #expect(error.message.hasPrefix("articles a.csv: row 6, column \"gtin\""))
        }
    }

    @Test("the database refuses an invalid GTIN even when the application is bypassed")
    func gtinConstraint() throws {
        let fixture = try Fixture()
        #expect(throws: PostgresError.self) {
            try fixture.connection.execute(
                "INSERT INTO article (sku, gtin, line_id, style, class_label, size_name, length_name, toe, color) VALUES ('X', '04012345678902', 'northwind-classic', 'AD', '2', 'II', 'regular', 'open', 'red')"
            )
        }
    }

    @Test("after importing another file, re-importing the earlier one applies it again: content decides, not the hash")
    func contentNotHash() throws {
        let fixture = try Fixture()
        let catalogs = Catalogs(connection: fixture.connection)
        let good = Array(Fixture.catalog.utf8)
        let changed = Array(Fixture.catalog.replacingOccurrences(of: #""cC": [30, 38]"#, with: #""cC": [30, 39]"#).utf8)
        let second = try catalogs.importCatalog(json: changed, fileName: "b.json", articles: nil, articlesFileName: nil)
        #expect(!second.unchanged && second.chartChanges == [#"northwind-classic: size "II" cC: 30–38 → 30–39 cm"#])
        let back = try catalogs.importCatalog(json: good, fileName: "a.json", articles: nil, articlesFileName: nil)
        #expect(!back.unchanged && back.chartChanges == [#"northwind-classic: size "II" cC: 30–39 → 30–38 cm"#])
        #expect(try catalogs.productLines() == (try CatalogDecoder().decode(good).lines))
        let again = try catalogs.importCatalog(json: good, fileName: "a.json", articles: nil, articlesFileName: nil)
        #expect(again.unchanged)
    }

    @Test("a dry run lists what would change and the units on hand of every article it would deactivate")
    func dryRunDifferences() throws {
        let fixture = try Fixture()
        try Stock(connection: fixture.connection).receive(
            sku: "AD3-II-R", quantity: 2, location: "shop", lot: "L1", key: "r")
        let articles = Fixture.articles.replacingOccurrences(
            of: "AD3-II-R,00000000000024,northwind-classic,AD,3,II,regular,closed,beige,\n", with: ""
        ).replacingOccurrences(
            of: "AD2-III-R,00000000000017,northwind-classic,AD,2,III,regular,closed,beige,",
            with: "AD2-III-R,00000000000017,northwind-classic,AD,2,III,regular,closed,black,")
        let summary = try Catalogs(connection: fixture.connection).importCatalog(
            json: Array(Fixture.catalog.utf8), fileName: "spec.json", articles: Array(articles.utf8),
            articlesFileName: "spec.csv", dryRun: true)
        #expect(summary.dryRun && !summary.unchanged)
        #expect(summary.chartChanges.isEmpty)
        #expect(summary.changed == ["AD2-III-R"] && summary.deactivated == ["AD3-II-R"] && summary.added.isEmpty)
        let onHand = try #require(summary.deactivatedOnHand.first)
        #expect(summary.deactivatedOnHand.count == 1)
        #expect(onHand.sku == "AD3-II-R" && onHand.location == "shop" && onHand.lot == "L1" && onHand.onHand == 2)
        let row = try fixture.connection.query(
            "SELECT active, color FROM article WHERE sku IN ('AD3-II-R', 'AD2-III-R') ORDER BY sku")
        #expect(try row[0].decode(String.self, "color") == "beige")
        #expect(try row[1].decode(Bool.self, "active"))
    }

    @Test("an articles file that is not UTF-8 is refused with the byte offset, and nothing is stored")
    func articlesNotUTF8() throws {
        let fixture = try Fixture()
        var bytes = Array(Fixture.articles.utf8)
        let beige = bytes.count - 3  // inside the last row's colour
        bytes.insert(0xA9, at: beige)
        do {
            _ = try Catalogs(connection: fixture.connection).importCatalog(
                json: Array(Fixture.catalog.utf8), fileName: "spec.json", articles: bytes, articlesFileName: "w.csv")
            Issue.record("expected a refusal")
        } catch let error as InventoryError {
            #expect(error.kind == .badData)
            #expect(
                error.message
                    == "articles w.csv: expected UTF-8 text, found byte 0xA9 at byte offset \(beige) (save the file as UTF-8)"
            )
        }
    }
}
