import Foundation
import Inventory
import PostgresTestSupport
import Testing

@testable import Fitting
@testable import Postgres
@testable import cfit

/// Every kind of error a command can raise has its documented exit status and a first line that
/// names the field.
@Suite("One mapping from every error to its exit status", .ownThread)
struct ExitStatusTests {
    static let cases: [(String, any Error, Int32, String)] = [
        (
            "a CLI error keeps its own status", CLIError.badInput("--cB", expected: "a number", found: "'x'"), 64,
            "--cB:"
        ),
        ("a rule's refusal", InventoryError(.refused, field: nil, text: "out of stock: X"), 1, "out of stock"),
        ("bad input named by Inventory", InventoryError(.badInput, field: "lot", text: "expected a lot"), 64, "--lot:"),
        (
            "bad data in a file",
            InventoryError(.badData, field: nil, text: "stock.csv row 3, column style: expected AD"), 65, "stock.csv"
        ),
        (
            "a file that cannot be read",
            InventoryError(.unreadable, field: "from", text: "expected a readable folder"), 66,
            "--from:"
        ),
        ("the server cannot be reached", PostgresError(.connection, "could not connect"), 69, "database:"),
        ("the connection was lost", PostgresError(.connectionLost, "server closed the connection"), 69, "database:"),
        (
            "the server is shutting down", PostgresError(.server, "terminating", sqlState: SQLState("57P01")), 69,
            "database:"
        ),
        (
            "too many connections", PostgresError(.server, "too many clients", sqlState: SQLState("53300")), 69,
            "database:"
        ),
        (
            "a CHECK the database enforces",
            PostgresError(
                .server, "violates check constraint", sqlState: .checkViolation, constraint: "lot_code_check"),
            64, "lot_code_check:"
        ),
        (
            "a value out of range",
            PostgresError(.server, "integer out of range", sqlState: SQLState("22003"), column: "on_hand"), 64,
            "on_hand:"
        ),
        (
            "a lock held by another counter", PostgresError(.server, "lock timeout", sqlState: .lockNotAvailable), 75,
            "busy: another counter holds this record"
        ),
        (
            "a write on a read-only server",
            PostgresError(.server, "read-only transaction", sqlState: SQLState("25006")),
            69, "database: this server or login only reads"
        ),
        (
            "a role that may not", PostgresError(.server, "permission denied", sqlState: .insufficientPrivilege), 77,
            "permission denied:"
        ),
        ("a schema to migrate", PostgresError(.schema, "migration 3 not applied"), 65, "database:"),
        (
            "an unexpected server error", PostgresError(.server, "syntax error", sqlState: SQLState("42601")), 70,
            "database:"
        ),
        ("a column read wrongly", PostgresError(.decoding, "column x is text"), 70, "database:"),
        (
            "a catalog's issues",
            CatalogError(issues: [CatalogIssue(line: "l", size: "S", key: "cB", expected: "a range", found: "none")]),
            65,
            "catalog: line \"l\""
        ),
        ("a CSV syntax error", CSVReader.SyntaxError(line: 2, message: "unclosed quote"), 65, "CSV:"),
        ("a JSON syntax error", JSONSyntaxError(line: 1, column: 2, message: "expected a value"), 65, "JSON:"),
        ("bytes that are not UTF-8", UTF8Text.InvalidByte(offset: 7, byte: 0xE9), 65, "file: expected UTF-8 text"),
        ("a bad calendar day", CalendarDay.ParseError(expected: "a date", found: "2027-02-30"), 64, "date:"),
        (
            "JSON that does not decode",
            DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "bad")), 65, "data:"
        ),
        (
            "Foundation's file error", CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: "/nope"]), 66,
            "file: expected a readable file, found '/nope'"
        ),
        ("anything else", URLError(.badURL), 70, "unexpected error:"),
    ]

    @Test("each error type maps to its status and names the field first", arguments: cases.indices)
    func mapping(index: Int) {
        let (name, error, status, prefix) = Self.cases[index]
        let mapped = CLIError(error)
        #expect(mapped.status.rawValue == status, "\(name)")
        #expect(mapped.message.hasPrefix(prefix), "\(name): \(mapped.message)")
    }
}
