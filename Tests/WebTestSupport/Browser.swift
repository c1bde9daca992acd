import Foundation
public import HTTPTypes
public import HummingbirdTesting
import NIOCore

/// A browser's part in the tests: cookies kept between requests, forms posted with their token.
public final class Browser: @unchecked Sendable {
    /// The application under test.
    public let client: any TestClientProtocol
    /// The cookies the server set, by name.
    public private(set) var cookies: [String: String] = [:]

    /// A browser with no cookies yet.
    public init(_ client: any TestClientProtocol) { self.client = client }

    /// GETs `uri` with the cookies held.
    @discardableResult
    public func get(_ uri: String) async throws -> (status: HTTPResponse.Status, body: String, headers: HTTPFields) {
        try await send(uri, method: .get, body: nil)
    }

    /// POSTs `fields` as a form with the cookies held.
    @discardableResult
    public func post(_ uri: String, _ fields: [String: String]) async throws -> (
        status: HTTPResponse.Status, body: String, headers: HTTPFields
    ) {
        let body = fields.map {
            "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.joined(separator: "&")
        return try await send(uri, method: .post, body: body)
    }

    /// Posts `fields` and `files` (name → (file name, bytes)) as multipart/form-data.
    public func upload(_ uri: String, _ fields: [String: String], files: [String: (String, [UInt8])]) async throws -> (
        status: HTTPResponse.Status, body: String, headers: HTTPFields
    ) {
        let boundary = "----cfit\(UUID().uuidString)"
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for (name, (fileName, bytes)) in files {
            body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(fileName)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    .utf8)
            body += bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        var headers = HTTPFields()
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        var buffer = ByteBuffer()
        buffer.writeBytes(body)
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: buffer)
        return (response.status, String(buffer: response.body), response.headers)
    }

    private func send(_ uri: String, method: HTTPRequest.Method, body: String?) async throws -> (
        status: HTTPResponse.Status, body: String, headers: HTTPFields
    ) {
        var headers = HTTPFields()
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return (response.status, String(buffer: response.body), response.headers)
    }

    /// The value of the first field `name` on `page` (or on the part of it given).
    public static func value(of name: String, in page: some StringProtocol) -> String? {
        page.range(of: "name=\"\(name)\" value=\"").map { String(page[$0.upperBound...].prefix { $0 != "\"" }) }
    }

    /// The number of the fitting a fit page says it recorded.
    public static func fittingNumber(in page: String) -> String? {
        page.range(of: "fitting F-[0-9A-Z]{7}-[0-9A-Z]{7}", options: .regularExpression).map {
            String(page[$0].dropFirst("fitting ".count))
        }
    }

    /// Fits an AD leg in class 2 (cm) from the fit page with `points`, recorded against `rx` with `key`.
    public func fitAD(_ points: [String: String], rx: String, key: String) async throws -> (
        status: HTTPResponse.Status, body: String, headers: HTTPFields
    ) {
        let form = try await get("/fit?style=AD")
        let fields = [
            "csrf": Self.token(form.body) ?? "", "style": "AD", "class": "2", "unit": "cm", "rx": rx, "key": key,
        ]
        return try await post("/fit", fields.merging(points) { first, _ in first })
    }

    /// The CSRF token of the last form on `page`.
    public static func token(_ page: String) -> String? {
        guard let range = page.range(of: "name=\"csrf\" value=\"", options: .backwards) else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "\"" })
    }

    /// Signs in through the login form; returns the status of the form's answer.
    @discardableResult
    public func signIn(_ login: String, _ password: String) async throws -> HTTPResponse.Status {
        let form = try await get("/login")
        return try await post("/login", ["csrf": Self.token(form.body) ?? "", "login": login, "password": password])
            .status
    }
}
