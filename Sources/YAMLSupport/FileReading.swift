#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Reading an input file (configuration, registry, profile, diagram) that a person named:
/// only a regular file is read, never more than `limit` bytes, and a refusal says why: missing,
/// a directory, a FIFO or device (which could block forever or never end), unreadable, too big.
public enum InputFile {
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Largest input file read by default (configuration, registry, profiles).
    public static let defaultLimit = 16 * 1024 * 1024

    public static func read(_ path: String, limit: Int = defaultLimit) throws(Refusal) -> [UInt8] {
        var st = stat()
        guard stat(path, &st) == 0 else { throw Refusal(path: path, reason: reason(errno)) }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw Refusal(path: path, reason: "is a directory, not a file")
        case S_IFIFO: throw Refusal(path: path, reason: "is a FIFO (named pipe), not a regular file")
        case S_IFCHR, S_IFBLK: throw Refusal(path: path, reason: "is a device, not a regular file")
        case S_IFSOCK: throw Refusal(path: path, reason: "is a socket, not a regular file")
        default: throw Refusal(path: path, reason: "is not a regular file")
        }
        if Int(st.st_size) > limit { throw Refusal(path: path, reason: "file is \(st.st_size) bytes; the limit is \(limit) bytes") }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw Refusal(path: path, reason: reason(errno)) }
        defer { close(fd) }
        var out: [UInt8] = []
        out.reserveCapacity(Int(st.st_size))
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Refusal(path: path, reason: reason(errno))
            }
            if n == 0 { break }
            out.append(contentsOf: buffer[0..<n])
            // The file grew while being read: the limit still holds.
            if out.count > limit { throw Refusal(path: path, reason: "file is over the limit of \(limit) bytes") }
        }
        return out
    }

    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file"
        case EACCES, EPERM: "permission denied"
        case ENOTDIR: "a part of the path is not a directory"
        case ELOOP: "too many symbolic links"
        case ENAMETOOLONG: "the path is too long"
        default: "cannot read (\(String(cString: strerror(code))))"
        }
    }
}
