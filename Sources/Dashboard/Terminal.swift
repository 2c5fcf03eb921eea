#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The write end of the pipe signal handlers write their signal number to (self-pipe: the
/// handler only calls write(2), which is async-signal-safe; the loop polls the read end).
nonisolated(unsafe) private var signalPipeWrite: Int32 = -1

/// The controlling terminal: raw mode, the alternate screen, its size, signals. The only
/// part of the dashboard that does terminal I/O; `restore()` puts the terminal back exactly
/// as it was (termios and screen), and is called on every way out.
public final class Terminal {
    public let input: Int32
    public let output: Int32
    private var original = termios()
    private var active = false
    /// Read end of the signal pipe: one byte per SIGWINCH, SIGINT, SIGTERM, SIGHUP.
    public private(set) var signals: Int32 = -1

    public struct NotATerminal: Error, CustomStringConvertible {
        public var description: String { "standard input and output must be a terminal (use --once for a plain-text frame)" }
    }

    public init(input: Int32 = 0, output: Int32 = 1) throws {
        self.input = input
        self.output = output
        guard isatty(input) == 1, isatty(output) == 1, tcgetattr(input, &original) == 0 else { throw NotATerminal() }
    }

    /// Raw mode (no echo, no line editing, Ctrl-C as a byte), the alternate screen, no cursor;
    /// signal handlers that wake the loop.
    public func enter() {
        var raw = original
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | BRKINT | INPCK | ISTRIP)
        raw.c_cflag |= tcflag_t(CS8)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(input, TCSAFLUSH, &raw)
        var fds: [Int32] = [0, 0]
        if pipe(&fds) == 0 {
            signals = fds[0]
            signalPipeWrite = fds[1]
            _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
            _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        }
        for sig in [SIGWINCH, SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { n in
                var b = UInt8(truncatingIfNeeded: n)
                _ = Glibc.write(signalPipeWrite, &b, 1)
            }
        }
        active = true
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[2J")
    }

    /// Back to the terminal as it was: styles reset, cursor shown, main screen, original termios.
    public func restore() {
        guard active else { return }
        active = false
        write("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
        tcsetattr(input, TCSAFLUSH, &original)
        for sig in [SIGWINCH, SIGINT, SIGTERM, SIGHUP] { signal(sig, SIG_DFL) }
        if signals >= 0 { close(signals); signals = -1 }
        if signalPipeWrite >= 0 { close(signalPipeWrite); signalPipeWrite = -1 }
    }

    deinit { restore() }

    /// Wakes `wait` from another thread (a background load finished): byte 0 on the signal
    /// pipe, read back as `.signal(0)`.
    public static func wake() {
        var b: UInt8 = 0
        if signalPipeWrite >= 0 { _ = Glibc.write(signalPipeWrite, &b, 1) }
    }

    /// Columns and rows (80×24 if the terminal does not say).
    public func size() -> (width: Int, height: Int) {
        var ws = winsize()
        if ioctl(output, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 { return (Int(ws.ws_col), Int(ws.ws_row)) }
        return (80, 24)
    }

    /// Writes all of `text`, retrying on EINTR and short writes.
    public func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { p in Glibc.write(output, p.baseAddress! + offset, p.count - offset) }
            if n < 0 { if errno == EINTR || errno == EAGAIN { continue } else { return } }
            offset += n
        }
    }

    public enum Event: Equatable {
        case bytes([UInt8])
        case signal(Int32)
        case timeout
        case endOfInput
    }

    /// Waits up to `milliseconds` for input or a signal.
    public func wait(milliseconds: Int32) -> [Event] {
        var fds = [pollfd(fd: input, events: Int16(POLLIN), revents: 0), pollfd(fd: signals, events: Int16(POLLIN), revents: 0)]
        let n = poll(&fds, nfds_t(fds.count), milliseconds)
        if n <= 0 { return [.timeout] }
        var events: [Event] = []
        if fds[1].revents & Int16(POLLIN) != 0 {
            var buf = [UInt8](repeating: 0, count: 64)
            let got = read(signals, &buf, buf.count)
            if got > 0 { events += buf[0..<got].map { .signal(Int32($0)) } }
        }
        if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            var buf = [UInt8](repeating: 0, count: 4096)
            let got = read(input, &buf, buf.count)
            if got > 0 { events.append(.bytes(Array(buf[0..<got]))) } else if got == 0 || errno != EINTR && errno != EAGAIN { events.append(.endOfInput) }
        }
        return events.isEmpty ? [.timeout] : events
    }
}
