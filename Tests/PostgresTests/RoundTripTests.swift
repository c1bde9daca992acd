import Foundation
import Postgres
import PostgresTestSupport
import PropertyBased
import Testing

@Suite("Parameters and rows round-trip through a real server", .ownThread)
struct RoundTripTests {
    let connection: Connection
    init() throws { connection = try Connection(TestDatabase.fresh()) }

    func echo<T: PostgresEncodable & PostgresDecodable>(_ value: T, as sqlType: String) throws -> T {
        try connection.query("SELECT \(value)::\(unescaped: sqlType) AS v")[0].decode(T.self, "v")
    }

    @Test("every parameter type comes back as sent")
    func everyType() throws {
        #expect(try echo(Int.max, as: "int8") == Int.max)
        #expect(try echo(Int64.min, as: "int8") == Int64.min)
        #expect(try echo(Int32.min, as: "int4") == Int32.min)
        #expect(try echo(Int16.max, as: "int2") == Int16.max)
        #expect(try echo(3.25, as: "float8") == 3.25)
        #expect(try echo(Double.infinity, as: "float8") == .infinity)
        #expect(try echo(true, as: "bool") == true)
        #expect(try echo("Zürich 🧦 \t\n\\ 'quoted' \"double\"", as: "text") == "Zürich 🧦 \t\n\\ 'quoted' \"double\"")
        let uuid = UUID()
        #expect(try echo(uuid, as: "uuid") == uuid)
        let date = Date(timeIntervalSince1970: 1_764_000_000.123456)
        #expect(abs(try echo(date, as: "timestamptz").timeIntervalSince(date)) < 0.000_001)
        #expect(try echo(ByteA([0, 1, 2, 255, 0]), as: "bytea") == ByteA([0, 1, 2, 255, 0]))
        let none: Int? = nil
        #expect(try connection.query("SELECT \(none)::int8 AS v")[0].decode(Int?.self, "v") == nil)
        #expect(try connection.query("SELECT \(Int?.some(5))::int8 AS v")[0].decode(Int?.self, "v") == 5)
    }

    @Test("narrower integer columns widen; wrong types and NULL give clear errors naming the column")
    func decodingErrors() throws {
        let row = try connection.query(
            "SELECT 7::int2 AS small, 'x'::text AS word, NULL::int4 AS nothing, 1.5::numeric AS n")[0]
        #expect(try row.decode(Int.self, "small") == 7)
        #expect(try row.decode(Int32.self, "small") == 7)
        #expect(throws: PostgresError.self) { try row.decode(Int.self, "word") }
        do {
            _ = try row.decode(Int.self, "word")
        } catch {
            #expect(error.description == "column \"word\" is text; it cannot be read as Int")
        }
        do {
            _ = try row.decode(Int.self, "nothing")
        } catch {
            #expect(error.description.hasPrefix("column \"nothing\" is NULL"))
        }
        do {
            _ = try row.decode(String.self, "n")
        } catch {
            #expect(error.description.contains("cast numeric to text"))
        }
        #expect(throws: PostgresError.self) { try row.decode(Int.self, "missing") }
    }

    @Test("any string without NUL round-trips, as a parameter and through COPY")
    func unicodeStrings() async throws {
        let table = "strings_\(UUID().uuidString.prefix(8).lowercased())"
        try connection.executeScript("CREATE TABLE \(table) (id int PRIMARY KEY, s text)")
        let scalars = Gen.int(in: 1...0x10FFFF).compactMap { value -> Unicode.Scalar? in
            (0xD800...0xDFFF).contains(value) ? nil : Unicode.Scalar(UInt32(value))
        }
        let strings = scalars.array(of: 0...40).map { String(String.UnicodeScalarView($0)) }
        let counter = Counter()
        await propertyCheck(count: 200, input: strings) { text in
            #expect((try? echo(text, as: "text")) == text)
            let id = counter.next()
            _ = try? connection.copy(into: table, columns: ["id", "s"], rows: [[String(id), text]])
            let back = try? connection.query("SELECT s FROM \(unescaped: table) WHERE id = \(id)")[0].decode(
                String.self, "s")
            #expect(back == text)
        }
    }

    @Test("integers and doubles at their extremes round-trip")
    func extremes() async {
        await propertyCheck(input: Gen.int64(in: .min ... .max), Gen.double(in: -1e300...1e300)) { integer, double in
            #expect((try? echo(integer, as: "int8")) == integer)
            #expect((try? echo(double, as: "float8")) == double)
        }
    }
}
