import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Connections open now, per client address: shared by every connection's ``ConnectionGuard``.
final class ConnectionsByAddress: Sendable {
    private let open = Mutex<[String: Int]>([:])

    /// Counts one more connection from `address`; `false` (and not counted) when `limit` are
    /// already open.
    func admit(_ address: String, limit: Int) -> Bool {
        open.withLock { table in
            let now = table[address, default: 0]
            guard now < limit else { return false }
            table[address] = now + 1
            return true
        }
    }

    /// Counts one connection from `address` fewer.
    func release(_ address: String) {
        open.withLock { table in
            let left = (table[address] ?? 1) - 1
            table[address] = left > 0 ? left : nil
        }
    }

    /// Connections open from `address` now.
    func count(_ address: String) -> Int { open.withLock { $0[address] ?? 0 } }
}

/// Guards one connection against clients that hold it without using it, in the channel's
/// pipeline after HTTP decoding, so it sees each request's head, body parts and end, and each
/// answer going out:
///
/// - at most `connectionsPerAddress` connections from one address (more are closed at once);
/// - a request's head must arrive within `headerSeconds` of connecting, and on a kept-alive
///   connection within `idleSeconds` of the last answer (a client sending its headers a byte a
///   second is closed, whatever it has sent);
/// - a body must arrive at `minimumBodyRate` bytes a second or faster once `bodyGraceSeconds`
///   have passed;
/// - an answer marked `Connection: close` (a request refused from its head, whose body is still
///   coming) closes the connection once written: the rest of the body is dropped as it arrives
///   for at most 2 seconds, never read by the server.
///
/// ```swift
/// HTTP1Channel.Configuration(additionalChannelHandlers: [ConnectionGuard(limits: limits, open: table)])
/// ```
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: Limits
    private let open: ConnectionsByAddress
    private var address: String?
    /// Closes the connection when the next request's head is late.
    private var headTimer: Scheduled<Void>?
    /// Checks a body's rate every second while it arrives.
    private var bodyTimer: RepeatedTask?
    private var bodyStarted: NIODeadline?
    private var bodyBytes = 0
    /// The answer under way says `Connection: close`.
    private var closeAfterAnswer = false
    /// The connection is closing: what still arrives is dropped, never read by the server.
    private var discarding = false
    /// Requests whose head has come and whose answer has not yet been written (pipelining).
    private var pending = 0

    init(limits: Limits, open: ConnectionsByAddress) {
        self.limits = limits
        self.open = open
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if let remote = context.channel.remoteAddress?.ipAddress {
            guard open.admit(remote, limit: limits.connectionsPerAddress) else {
                context.close(promise: nil)
                return
            }
            address = remote
        }
        awaitHead(context: context, seconds: limits.headerSeconds)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        headTimer?.cancel()
        bodyTimer?.cancel()
        if let address { open.release(address) }
        address = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !discarding else { return }
        switch unwrapInboundIn(data) {
        case .head:
            headTimer?.cancel()
            headTimer = nil
            pending += 1
            bodyStarted = .now()
            bodyBytes = 0
            watchBody(context: context)
        case .body(let buffer):
            bodyBytes += buffer.readableBytes
        case .end:
            bodyTimer?.cancel()
            bodyTimer = nil
            bodyStarted = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let response):
            if response.status.kind != .informational {
                closeAfterAnswer = response.headerFields[.connection]?.lowercased() == "close"
            }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            pending = max(0, pending - 1)
            guard closeAfterAnswer else {
                context.write(data, promise: promise)
                // The next request on this connection has the idle time to begin.
                if pending == 0 { awaitHead(context: context, seconds: limits.idleSeconds) }
                return
            }
            // The answer, then our side closed (FIN), what the client still sends read and dropped
            // for a moment — closing at once, with its body unread, would reset the connection
            // and could lose the answer — then the connection closed.
            discarding = true
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: promise)
            let channel = context.channel
            let loop = context.eventLoop
            written.futureResult.whenComplete { _ in
                channel.close(mode: .output, promise: nil)
                loop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
            }
            context.writeAndFlush(data, promise: written)
        }
    }

    private func awaitHead(context: ChannelHandlerContext, seconds: Int) {
        headTimer?.cancel()
        let channel = context.channel
        headTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(Int64(seconds))) {
            channel.close(promise: nil)
        }
    }

    private func watchBody(context: ChannelHandlerContext) {
        bodyTimer?.cancel()
        let channel = context.channel
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        let limits = limits
        bodyTimer = loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { task in
            let this = bound.value
            guard let started = this.bodyStarted else {
                task.cancel()
                return
            }
            let seconds = Double((NIODeadline.now() - started).nanoseconds) / 1e9
            guard seconds > Double(limits.bodyGraceSeconds) else { return }
            if Double(this.bodyBytes) < seconds * Double(limits.minimumBodyRate) {
                task.cancel()
                channel.close(promise: nil)
            }
        }
    }
}
