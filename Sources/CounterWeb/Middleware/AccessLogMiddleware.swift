import Counter
import Hummingbird
import Logging

/// One line per request when `cfit serve --access-log` asks for it: method, path, status and the
/// time taken — never the query string (a search for a patient carries their name) nor a body,
/// and never who asked beyond the client's address. Off by default: a busy counter makes
/// thousands of requests an hour, and a log of them is a log of who was served when.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = WebContext

    let logger: Logger

    func handle(
        _ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        var status = "error"
        defer {
            let elapsed = ContinuousClock.now - started
            let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
            logger.info(
                "\(LogText.escaped(request.method.rawValue)) \(LogText.escaped(request.uri.path)) \(status)",
                metadata: [
                    "ms": "\((milliseconds * 10).rounded() / 10)",
                    "address": "\(LogText.escaped(context.clientAddress ?? "unknown"))",
                ])
        }
        do {
            let response = try await next(request, context)
            status = String(response.status.code)
            return response
        } catch let error as any HTTPResponseError {
            status = String(error.status.code)
            throw error
        }
    }
}
