import Foundation
import Operations

/// A one-line progress bar on stderr for long commands (`pantau export audit`): only when
/// stderr is a terminal and not in CI (`CI` set) or on a dumb terminal, so logs and pipes
/// never get carriage returns.
final class ProgressBar {
    private let width = 30
    private var lastLine = ""

    static func forStandardError(environment: [String: String] = ProcessInfo.processInfo.environment) -> ProgressBar? {
        guard isatty(2) == 1, environment["CI"] == nil, environment["TERM"] != "dumb" else { return nil }
        return ProgressBar()
    }

    func show(_ p: AuditExport.Progress) {
        let filled = p.total > 0 ? min(width, p.done * width / p.total) : 0
        let line = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(p.done)/\(p.total) \(p.label)"
        guard line != lastLine else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        lastLine = line
    }

    func finish() {
        guard !lastLine.isEmpty else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        lastLine = ""
    }
}
