import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Limits on each HTTP connection, in its channel pipeline (after HTTP decoding):
///
/// - a request's head must arrive within `headerTimeout` of the connection opening or of the
///   previous response (after `idleTimeout` of keep-alive): a client that sends its headers a
///   byte at a time, or nothing, is cut off;
/// - its body must arrive within `bodyTimeout` of its head;
/// - after a response that says `Connection: close` (every error response does) the connection
///   is closed at once, so the rest of a refused upload is never read.
///
/// Idle connections are closed by Hummingbird's own idle timeout; the number of open
/// connections is bounded by the application's `MaximumAvailableConnections`.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The request header that carries the connection's peer address to the routes.
    static let peerAddress = HTTPField.Name("Pantau-Peer-Address")!

    let headerTimeout: TimeAmount
    let bodyTimeout: TimeAmount
    let idleTimeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var closeAfterResponse = false

    init(headerTimeout: TimeAmount, bodyTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, after: headerTimeout) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context, after: headerTimeout)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { deadline?.cancel() }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(var head):
            arm(context, after: bodyTimeout)
            // The client's address for the routes (the portal's sign-in rate limit), set here
            // so a client can never choose it: its own header of that name is replaced.
            head.headerFields[ConnectionGuard.peerAddress] = context.channel.remoteAddress?.ipAddress ?? "unknown"
            context.fireChannelRead(wrapInboundOut(.head(head)))
            return
        case .end: deadline?.cancel()
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let response):
            if response.headerFields[.connection]?.lowercased() == "close" { closeAfterResponse = true }
            context.write(data, promise: promise)
        case .end:
            if closeAfterResponse {
                deadline?.cancel()
                context.writeAndFlush(data).whenComplete { _ in context.close(promise: nil) }
                promise?.succeed(())
            } else {
                context.write(data, promise: promise)
                // The next request of a kept-alive connection: its head within the idle time plus the header time.
                arm(context, after: idleTimeout + headerTimeout)
            }
        case .body:
            context.write(data, promise: promise)
        }
    }

    private func arm(_ context: ChannelHandlerContext, after amount: TimeAmount) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: amount) { channel.close(promise: nil) }
    }
}
