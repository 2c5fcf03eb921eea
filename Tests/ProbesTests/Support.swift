import Foundation
import Probes
import SNMPCore

/// Paths the tests read: the repository (PANTAU_REPO, else derived from this file) and the
/// shared corpus (PANTAU_CORPUS).
enum Paths {
    static var repo: String {
        if let r = ProcessInfo.processInfo.environment["PANTAU_REPO"], !r.isEmpty { return r }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }
    static var probes: String { "\(repo)/probes" }
    static var fixtures: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    }
    static var corpus: String {
        ProcessInfo.processInfo.environment["PANTAU_CORPUS"].flatMap { $0.isEmpty ? nil : $0 } ?? "/work/shared/corpus"
    }
    static var snmpCorpus: String { "\(corpus)/snmp" }
    /// LibreNMS's test-suite recordings with its expected discovery (shared/corpus/snmp-librenms).
    static var libreNMSCorpus: String { "\(corpus)/snmp-librenms" }

    /// Base names of every recording in the SNMP corpus, sorted.
    static var recordings: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: snmpCorpus)) ?? []
        return names.filter { $0.hasSuffix(".snmprec") }.map { String($0.dropLast(8)) }.sorted()
    }
}

struct CatalogLoadFailed: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
}

/// The shipped catalog, loaded once.
let shippedCatalog: Result<ProbeCatalog, CatalogLoadFailed> = {
    do { return .success(try ProbeCatalog.load(directory: Paths.probes)) } catch {
        return .failure(CatalogLoadFailed(text: "\(error)"))
    }
}()

func catalog() throws -> ProbeCatalog { try shippedCatalog.get() }
