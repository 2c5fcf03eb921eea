import Foundation
import Storage
#if canImport(Glibc)
import Glibc
#endif

extension PantauStore {
    /// The store file's identity and the header of its WAL index (the `-shm` file): SQLite
    /// rewrites that header at every commit (its frame count, the last frame's checksum and
    /// the WAL's salts; format: sqlite.org/walformat.html, "The WAL-Index Header"), and every
    /// connection to the store reads the same file, so no connection has to be kept open
    /// between two calls (PRAGMA data_version would need one, and an open connection would
    /// keep a lock that another process's exclusive access waits for). nil when there is no
    /// WAL index, or a commit is writing it at this moment (its two copies differ).
    public func changeMarker() throws(StoreError) -> String? {
        guard location != ":memory:" else { return nil }
        var st = stat()
        guard stat(location, &st) == 0 else { return nil }
        let fd = open(location + "-shm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 96)
        let n = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 96, 0) }
        // Both copies written and equal, and marked initialised (byte 12 of each).
        guard n == 96, header[0..<48] == header[48..<96], header[12] == 1 else { return nil }
        let hex = header[0..<48].map { String($0, radix: 16) }.joined(separator: ".")
        return "\(st.st_dev):\(st.st_ino):\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec):\(hex)"
    }
}
