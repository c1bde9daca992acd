import Counter
import HTTPTypes
import Hummingbird

/// Refuses a request that changes something (POST, PUT, PATCH, DELETE) when the browser says it
/// comes from another site: `Sec-Fetch-Site` other than `same-origin` or `none`, or an `Origin`
/// whose host is not this server's. A page's CSRF token, a session's `X-CSRF-Token` and the API's
/// credentials still apply after it; this is the second lock, for every unsafe method, including
/// those a token does not cover (a catalog upload with Basic credentials a browser has cached).
/// Clients that are not browsers (a till, curl) send neither header and are not affected.
struct SameOriginMiddleware: RouterMiddleware {
    typealias Context = WebContext

    static let unsafe: Set<HTTPRequest.Method> = [.post, .put, .patch, .delete]

    func handle(
        _ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response
    ) async throws -> Response {
        guard Self.unsafe.contains(request.method), let refusal = Self.refusal(request) else {
            return try await next(request, context)
        }
        let error = CounterError.plain(.notPermitted, refusal)
        if request.uri.path.hasPrefix("/api/") { return APIRoutes.problem(error) }
        return Web.page(
            Pages.layout("Not done", session: nil, Pages.message(error.message)), status: .forbidden)
    }

    /// Why `request` is refused as cross-site, or `nil` when it is not.
    static func refusal(_ request: Request) -> String? {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!]?.lowercased(),
            site != "same-origin", site != "none"
        {
            return "Sec-Fetch-Site: expected same-origin (a page of this server), found \(site)"
        }
        guard let origin = request.headers[HTTPField.Name("Origin")!] else { return nil }
        let host = request.head.authority ?? ""
        guard let authority = Self.authority(ofOrigin: origin), authority.lowercased() == host.lowercased() else {
            return "Origin: expected this server (\(host)), found \(origin)"
        }
        return nil
    }

    /// `host[:port]` of an origin (`https://shop.example:8443` → `shop.example:8443`); `nil` for
    /// `null` or anything that is not scheme://authority.
    static func authority(ofOrigin origin: String) -> String? {
        guard let separator = origin.range(of: "://") else { return nil }
        let rest = origin[separator.upperBound...]
        guard !rest.isEmpty, !rest.contains("/") else { return nil }
        return String(rest)
    }
}
