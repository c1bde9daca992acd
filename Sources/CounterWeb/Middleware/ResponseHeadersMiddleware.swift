import HTTPTypes
import Hummingbird

/// Headers every answer carries, pages, API and refusals alike: nothing is cached (a stock
/// balance or a patient's history is stale the moment it is stored, and a shared computer's
/// cache would keep health data), no address of ours is sent to another site as a referrer (a
/// patient's reference is in some of them; `same-origin`, since with `no-referrer` browsers send
/// `Origin: null` on this server's own forms), and a browser takes each answer as the type it says.
struct ResponseHeadersMiddleware: RouterMiddleware {
    typealias Context = WebContext

    func handle(
        _ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return response
    }
}
