import Counter
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Reading requests and making responses, shared by the pages and the API.
enum Web {
    static let sessionCookie = "cfit_session"
    static let loginCookie = "cfit_login"
    static let deviceCookie = "cfit_device"

    /// The body of `request`, refused as too large beyond `limit` bytes.
    static func body(_ request: Request, limit: Int) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw CounterError.plain(.tooLarge, "body: expected at most \(limit) bytes, found more")
        }
    }

    /// A body of another type than the route reads: 415.
    struct UnsupportedMediaType: Error, Sendable {
        let message: String
    }

    /// Refuses `request` (415) unless its `Content-Type` is `expected` (parameters such as
    /// `charset` or `boundary` allowed): a JSON body is read only when it says it is JSON.
    static func requireContentType(_ request: Request, _ expected: String) throws {
        let given = request.headers[.contentType] ?? ""
        let type = given.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard type == expected else {
            throw UnsupportedMediaType(
                message:
                    "Content-Type: expected \(expected), found \(given.isEmpty ? "none" : LogText.escaped(given, limit: 100))"
            )
        }
    }

    /// Refuses `request` (413) when the length its `Content-Length` declares is beyond `limit`:
    /// known from the head, so nothing is read.
    static func requireDeclaredLength(_ request: Request, limit: Int) throws {
        guard let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit else { return }
        throw CounterError.plain(.tooLarge, "body: expected at most \(limit) bytes, found \(declared) declared")
    }

    /// `response` marked to close the connection when `request` still has a body on its way
    /// (refused from its head): the rest is never read (``ConnectionGuard`` closes it once the
    /// answer is written).
    static func closingUnread(_ response: Response, _ request: Request) -> Response {
        let declared = request.headers[.contentLength].flatMap { Int($0) } ?? 0
        guard declared > 0 || request.headers[.transferEncoding] != nil else { return response }
        var closing = response
        closing.headers[.connection] = "close"
        return closing
    }

    /// The fields of an `application/x-www-form-urlencoded` body (at most `limit` bytes), decoded by
    /// Hummingbird's form decoder (`+` is a space); a field holding a control character (but a
    /// scanner's GS) or a direction override is refused by name — each field's own reader is
    /// stricter, and so is a body that is not a form (a field given twice, a broken escape).
    static func form(_ request: Request, limit: Int) async throws -> [String: String] {
        try requireContentType(request, "application/x-www-form-urlencoded")
        let text = String(buffer: try await body(request, limit: limit))
        let fields: [String: String]
        do {
            fields = try URLEncodedFormDecoder().decode([String: String].self, from: text)
        } catch {
            throw CounterError.badInput(
                "body", expected: "a form's fields, each once and percent-encoded", found: "\(error)")
        }
        for (name, value) in fields {
            _ = try Input.plain(name, field: name)
            _ = try Input.plain(value, field: name, scanned: true)
        }
        return fields
    }

    /// The value of the query parameter `name`, read as a form encodes it (`+` is a space, as
    /// browsers send `John+Smith`); `nil` when absent. A control character (but a scanner's GS) is refused by name.
    static func query(_ request: Request, _ name: String) throws -> String? {
        guard let raw = request.uri.query else { return nil }
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard decodeFormPart(parts[0]) == name else { continue }
            return try Input.plain(parts.count > 1 ? decodeFormPart(parts[1]) : "", field: name, scanned: true)
        }
        return nil
    }

    /// A query parameter a page may leave empty: `nil` when absent, empty or only blanks (a form's
    /// empty box sent by GET).
    static func given(_ request: Request, _ name: String) throws -> String? {
        guard let value = try query(request, name), value.contains(where: { !$0.isWhitespace }) else { return nil }
        return value
    }

    /// The path parameter `name`, percent-decoded; a control character (but a scanner's GS) is refused by name.
    static func path(_ context: WebContext, _ name: String) throws -> String {
        let raw = context.parameters.get(name) ?? ""
        return try Input.plain(raw.removingPercentEncoding ?? raw, field: name, scanned: true)
    }

    /// One name or value of a form or query: `+` is a space, then percent-decoding.
    static func decodeFormPart(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
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

    /// How a failure is answered: its HTTP status, the problem's `reason` (the application
    /// layer's kind, or the web's own `unauthorized` and `throttled`), one line for the person,
    /// further lines, and when to try again.
    struct Failure: Sendable {
        let status: HTTPResponse.Status
        let reason: String
        let message: String
        var details: [String] = []
        var retryAfter: Int?
    }

    /// The answer to `error` for `request`, written to `logger` when it is a fault of ours
    /// (`internal`): every route answers failures through this, so each is logged once, alike.
    static func failure(_ error: any Error, _ request: Request, logger: Logger) -> Failure {
        let failure = describe(error)
        if failure.status == .internalServerError {
            logger.error(
                "failed",
                metadata: [
                    "path": "\(LogText.escaped(request.uri.path))",
                    "error": "\(LogText.escaped("\(error)", limit: 2_000))",
                ])
        }
        return failure
    }

    /// A page answering `failure`: its status, and `Retry-After` when it has one.
    static func page(_ html: HTML, failure: Failure) -> Response {
        var response = page(html, status: failure.status)
        if let seconds = failure.retryAfter { response.headers[.retryAfter] = String(seconds) }
        return response
    }

    /// The answer to `error`, never a stack trace: each kind of the application layer's errors
    /// has its status — bad input 422, an unknown record 404, not permitted 403, a refusal 409, a
    /// conflicting request 409,
    /// busy 409 and unavailable 503 (both with `Retry-After`), too large 413, internal 500.
    static func describe(_ error: any Error) -> Failure {
        if let unsupported = error as? UnsupportedMediaType {
            return Failure(status: .unsupportedMediaType, reason: "bad-input", message: unsupported.message)
        }
        if let refusal = error as? StaffSignIn.Refusal {
            return refusal.retryAfter == nil
                ? Failure(status: .unauthorized, reason: "unauthorized", message: refusal.message)
                : Failure(
                    status: .tooManyRequests, reason: "throttled", message: refusal.message,
                    retryAfter: refusal.retryAfter)
        }
        let error = CounterError(classifying: error)
        let status: HTTPResponse.Status =
            switch error.kind {
            case .badInput, .badData, .unreadable: .unprocessableContent
            case .notFound: .notFound
            case .refused, .conflict, .busy: .conflict
            case .notPermitted: .forbidden
            case .unavailable: .serviceUnavailable
            case .tooLarge: .contentTooLarge
            case .internal: .internalServerError
            }
        let message =
            error.kind == .internal ? "something went wrong on the server; it has been logged" : error.message
        // A file's faults keep the reason they always had; only they list their issues (the
        // database's own detail can hold other rows' values and stays in the log).
        let fileFault = error.kind == .badData || error.kind == .unreadable
        return Failure(
            status: status, reason: fileFault ? "bad-input" : error.kind.rawValue, message: message,
            details: fileFault ? error.details : [], retryAfter: error.retryAfter)
    }
}

extension [String: String] {
    /// A form field as typed; empty when the form did not send it (the layer says what it expected).
    func text(_ name: String) -> String { self[name] ?? "" }

    /// A form field that may be left empty: `nil` when empty or only blanks, which a form sends
    /// for "not given".
    func given(_ name: String) -> String? {
        guard let value = self[name], value.contains(where: { !$0.isWhitespace }) else { return nil }
        return value
    }

    /// The form's idempotency key (every form renders one; a form without it is refused), scoped
    /// to the pages.
    func key() throws -> String {
        Input.scopedKey(try Input.idempotencyKey(self["key"], field: "key"), face: "web")
    }
}
