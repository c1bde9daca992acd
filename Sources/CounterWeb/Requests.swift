import Counter
import Foundation
import HTTPTypes
import Hummingbird
import Inventory
import NIOCore
import Postgres

/// Reading requests and making responses, shared by the pages and the API.
enum Web {
    static let sessionCookie = "cfit_session"
    static let loginCookie = "cfit_login"

    /// The fields of an `application/x-www-form-urlencoded` body (at most 1 MiB).
    static func form(_ request: Request) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: 1 << 20)
        return formFields(String(buffer: body))
    }

    /// Parses `a=1&b=two+words`; a repeated field keeps its last value.
    static func formFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    static func page(_ html: HTML, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        // Everything the pages need comes from this server; nothing may frame them.
        headers[.contentSecurityPolicy] =
            "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html.markup)))
    }

    /// The day `text` names (`YYYY-MM-DD`, as a date input and the API send it); `nil` when
    /// empty or missing; otherwise a refusal naming `field`.
    static func day(_ text: String?, field: String) throws -> CalendarDay? {
        guard let text, !text.isEmpty else { return nil }
        do {
            return try CalendarDay(parsing: text)
        } catch {
            throw WebInputError(field, expected: error.expected, found: text)
        }
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    static func json(
        _ bytes: some Sequence<UInt8>, status: HTTPResponse.Status = .ok, type: String = "application/json"
    )
        -> Response
    {
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        return Response(status: status, headers: [.contentType: type], body: ResponseBody(byteBuffer: buffer))
    }

    /// The JSON the command line's `--json` prints for the same record.
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(value))
    }

    /// The words for a refusal, never a stack trace: the database's own message for an operation
    /// it refused, a short account for anything else.
    static func describe(_ error: any Error) -> (status: HTTPResponse.Status, reason: String, message: String) {
        switch error {
        case let error as InventoryError:
            switch error.kind {
            case .refused: return (.conflict, "refused", error.message)
            case .badInput, .badData, .unreadable: return (.unprocessableContent, "bad-input", error.message)
            case .notPermitted: return (.forbidden, "not-permitted", error.message)
            }
        case let error as PostgresError:
            if error.sqlState?.code == "42501" {
                return (.forbidden, "not-permitted", "permission denied: your login's role may not do this")
            }
            if error.isTransient {
                return (.serviceUnavailable, "unavailable", "the database is busy or restarting: try again")
            }
            return (
                .internalServerError, "database",
                "the database could not do it (\(error.sqlState?.code ?? "no SQLSTATE"))"
            )
        case let refusal as WebState.Refusal:
            return refusal.retryAfter == nil
                ? (.unauthorized, "unauthorized", refusal.message) : (.tooManyRequests, "throttled", refusal.message)
        case let error as WebInputError:
            return (.unprocessableContent, "bad-input", error.message)
        case let error as CounterError:
            return error.kind == .refused
                ? (.conflict, "refused", error.description) : (.unprocessableContent, "bad-input", error.description)
        default:
            return (.internalServerError, "internal", "something went wrong on the server")
        }
    }
}

/// Bad input from a form or a request body: one line naming the field, what was expected and
/// what was found.
struct WebInputError: Error, Sendable {
    let message: String

    init(_ field: String, expected: String, found: String) {
        message = "\(field): expected \(expected), found \(found.isEmpty ? "nothing" : "'\(found)'")"
    }
}
