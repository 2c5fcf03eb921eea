import Foundation
import Operations

/// Renders `report.html` to PDF with headless Chromium (`--print-to-pdf`), the browser the
/// configuration names (`exports.chromium`, default `chromium` on the PATH). The page is read
/// from a private temporary directory with networking off, and the run is bounded in time.
/// Chromium writes the moment it rendered into the PDF, so two renders of the same report
/// differ in those bytes: the manifest says so (`Manifest.notReproducible`) and its SHA-256
/// pins this bundle's copy.
public struct ChromiumPDF: Sendable {
    public var executable: String
    public var timeout: Double

    public init(executable: String = "chromium", timeout: Double = 120) {
        self.executable = executable
        self.timeout = timeout
    }

    /// The browser's full path, or an error saying how to get one.
    public func resolved() throws -> String {
        if executable.contains("/") {
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                throw OperationError(.unavailable, "cannot render report.pdf: \(executable) is not an executable (exports.chromium in the configuration)")
            }
            return executable
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(executable)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        throw OperationError(.unavailable, "cannot render report.pdf: no \(executable) on the PATH; install Debian's chromium "
            + "(scripts/setup.sh does) or leave pdf out of --format")
    }

    /// The PDF of an HTML page.
    public func render(html: [UInt8]) throws -> [UInt8] {
        let browser = try resolved()
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("pantau-pdf-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let page = dir.appendingPathComponent(AuditReport.fileName), pdf = dir.appendingPathComponent("report.pdf")
        try Data(html).write(to: page)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: browser)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-background-networking",
                       "--disable-sync", "--no-pdf-header-footer", "--user-data-dir=\(dir.appendingPathComponent("profile").path)",
                       "--proxy-server=127.0.0.1:9", "--print-to-pdf=\(pdf.path)", page.absoluteString]
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = dir.path
        p.environment = env
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { throw OperationError(.unavailable, "cannot start \(browser): \(error.localizedDescription)") }
        let errData = LockedData()
        let drained = DispatchSemaphore(value: 0)
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()); drained.signal() }
        reader.start()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(50_000) }
        if p.isRunning {
            p.terminate()
            p.waitUntilExit()
            throw OperationError(.unavailable, "\(browser) did not finish rendering report.pdf within \(Int(timeout)) s")
        }
        p.waitUntilExit()
        _ = drained.wait(timeout: .now() + 5)
        guard p.terminationStatus == 0, let bytes = fm.contents(atPath: pdf.path), bytes.starts(with: Array("%PDF".utf8)) else {
            let tail = String(decoding: errData.get().suffix(600), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw OperationError(.unavailable, "\(browser) could not render report.pdf (exit \(p.terminationStatus)): \(tail)")
        }
        return Array(bytes)
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}
