import Hummingbird
import NIOCore

/// The context of each request: Hummingbird's, plus the address the request came from (for the
/// per-address sign-in throttle and the request log).
struct WebContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The client's address; `nil` when the server does not know it (a test's in-memory client).
    let remoteAddress: SocketAddress?
    /// The signed-in person's session, found from the session cookie by ``SessionMiddleware``
    /// before any route runs; `nil` when the request carries none that is current.
    var session: Session?
    /// A page's posted form, read and its CSRF token checked by ``FormMiddleware``; `nil` for
    /// anything else.
    var form: [String: String]?
    /// The API's caller, found by ``APIAuthenticationMiddleware``; `nil` outside the API.
    var apiLogin: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text, without its port.
    var clientAddress: String? { remoteAddress?.ipAddress }
}
