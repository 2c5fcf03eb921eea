import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A UDP socket receiving sFlow datagrams. Bound to loopback unless configured otherwise,
/// since sFlow is unauthenticated and anyone who can reach the port can feed it.
public final class SFlowReceiver: @unchecked Sendable {
    // @unchecked: the descriptor is read by one thread; close() only flips it.
    let fd: Int32
    public let address: String
    public let port: UInt16

    /// Binds `host:port` (IPv4 or IPv6 literal). Port 0 picks a free port (see `port`).
    public init(host: String = "127.0.0.1", port: UInt16 = 6343, receiveBufferBytes: Int = 4 << 20) throws(CaptureError) {
        let source = "udp:\(host):\(port)"
        let v6 = host.contains(":")
        let s = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard s >= 0 else { throw CaptureError(source: source, action: "creating socket", message: String(cString: strerror(errno))) }
        var yes: Int32 = 1
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var rcv = Int32(receiveBufferBytes)
        setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcv, socklen_t(MemoryLayout<Int32>.size))
        let rc: Int32
        var bound: UInt16 = port
        if v6 {
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            a.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, host, &a.sin6_addr) == 1 else {
                close(s); throw CaptureError(source: source, action: "parsing address", message: "not an IPv6 literal")
            }
            rc = Self.bind(s, &a)
            if rc == 0 { bound = UInt16(bigEndian: a.sin6_port) }
        } else {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = port.bigEndian
            guard inet_pton(AF_INET, host, &a.sin_addr) == 1 else {
                close(s); throw CaptureError(source: source, action: "parsing address", message: "not an IPv4 literal")
            }
            rc = Self.bind(s, &a)
            if rc == 0 { bound = UInt16(bigEndian: a.sin_port) }
        }
        guard rc == 0 else {
            let msg = String(cString: strerror(errno))
            close(s)
            throw CaptureError(source: source, action: "binding", message: msg)
        }
        fd = s
        address = host
        self.port = bound
    }

    deinit { close(fd) }

    /// Binds `socket` to the address in `address` (a sockaddr_in or sockaddr_in6) and, on
    /// success, reads the bound address back into it, so port 0 tells which port it got.
    private static func bind<Address>(_ socket: Int32, _ address: inout Address) -> Int32 {
        let size = socklen_t(MemoryLayout<Address>.size)
        let rc = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(socket, $0, size) } }
        if rc == 0 {
            var length = size
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        }
        return rc
    }

    /// Receives datagrams until `body` returns false. Waits at most `pollMilliseconds` per
    /// read and then calls `idle` (return false to stop), so a deadline is honoured even
    /// when no exporter is sending.
    public func forEach(pollMilliseconds: Int32 = 200, idle: () -> Bool = { true },
                        _ body: (UnsafeRawBufferPointer) -> Bool) throws(CaptureError) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, pollMilliseconds)
            if r < 0 {
                if errno == EINTR { continue }
                throw CaptureError(source: "udp:\(address):\(port)", action: "waiting for sFlow", message: String(cString: strerror(errno)))
            }
            if r == 0 { if !idle() { return } else { continue } }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw CaptureError(source: "udp:\(address):\(port)", action: "receiving sFlow", message: String(cString: strerror(errno)))
            }
            let keepGoing = buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            if !keepGoing { return }
        }
    }
}
