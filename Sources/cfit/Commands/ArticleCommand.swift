import ArgumentParser
import Counter
import Foundation

/// `cfit article`: the catalog's articles, found by SKU, GTIN or a scan.
struct ArticleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "article",
        abstract: "Show an article (by SKU, GTIN or scanned code) with its stock everywhere, or list articles.",
        subcommands: [Show.self, List.self, Search.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One article: what it is and where it is in stock.")
        @Argument(help: "SKU, GTIN or a scanned code.") var code: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["sku": "CODE", "code": "CODE"]) {
                let a = try database.desk().article(code)
                if json {
                    print(try RecordJSON.render("article", a))
                    return
                }
                var out = [
                    "\(a.sku)  GTIN \(a.gtin)\(a.hcpcs.map { "  HCPCS \($0)" } ?? "")\(a.active ? "" : "  (no longer in the catalog)")",
                    "\(a.lineName) [\(a.line)]: \(a.style) \(a.pressureClass), size \(a.size), \(a.length), \(a.toe) toe, \(a.color)",
                ]
                let stock = a.stock ?? []
                if stock.isEmpty { out.append("no stock") }
                var rows = [["location", "lot", "expires", "on hand", "reserved", "available", "note"]]
                for b in stock {
                    rows.append([
                        b.location, b.lot ?? "-", b.expiresOn?.description ?? "-", String(b.onHand), String(b.reserved),
                        String(b.available), b.unusable?.rawValue ?? "",
                    ])
                }
                if !stock.isEmpty { out.append(textTable(rows)) }
                print(out.joined(separator: "\n"))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List articles, optionally of one line, style, class or size.")
        @Option(help: ArgumentHelp("Only this product line.", valueName: "LINE")) var line: String?
        @Option(help: ArgumentHelp("Only this style (AD, AF, AG, AT).", valueName: "S")) var style: String?
        @Option(name: .customLong("class"), help: ArgumentHelp("Only this class (2 or RAL:2).", valueName: "C"))
        var pressureClass: String?
        @Option(help: ArgumentHelp("Only this size.", valueName: "Z")) var size: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let found = try database.desk().articles(
                    line: line, style: style, pressureClass: pressureClass, size: size)
                if json {
                    print(try RecordJSON.render(nil, found))
                    return
                }
                var rows = [["sku", "gtin", "line", "style", "class", "size", "length", "toe", "colour"]]
                for a in found {
                    rows.append([
                        a.sku, a.gtin, a.line, a.style, a.pressureClass, a.size, a.length, a.toe,
                        a.color + (a.active ? "" : " (inactive)"),
                    ])
                }
                print(found.isEmpty ? "no articles match" : textTable(rows))
            }
        }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find articles by words of their SKU, GTIN, line, style, class, size, length, toe or colour.")
        @Argument(help: "Words, all of which must match (any case): classic AD2 beige.") var words: [String]
        @Option(
            help: ArgumentHelp("At most this many (default 50, at most 1000).", valueName: "N"))
        var limit: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["search": "WORDS"]) {
                let found = try database.desk().searchArticles(words.joined(separator: " "), limit: limit)
                if json {
                    print(try RecordJSON.render(nil, found))
                    return
                }
                var rows = [["sku", "gtin", "line", "style", "class", "size", "length", "toe", "colour"]]
                for a in found {
                    rows.append([a.sku, a.gtin, a.line, a.style, a.pressureClass, a.size, a.length, a.toe, a.color])
                }
                print(found.isEmpty ? "no articles match" : textTable(rows))
            }
        }
    }
}
