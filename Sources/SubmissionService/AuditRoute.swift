import Exports
import Foundation
import Hummingbird
import InventoryModel
import NIOCore
import Operations
import Storage

/// `GET /api/v1/pds/{pd}/audit?period=P[&format=csv,json,html]`: the PD's audit bundle as one
/// ZIP file (`AuditArchive`, the use case `pantau export audit --archive` runs too). A PD
/// token gets only its own PD's bundle, Diskominfo's any PD's; every download and refusal is
/// written to the audit log. The bundle is read and packed on the parsing queue, off the
/// threads that answer other requests. `pdf` is served only when the service was given a
/// browser (`SubmissionServiceSettings.chromium`).
struct AuditRoute: Sendable {
    let api: API
    let archive: AuditArchive
    let chromium: String?

    static let defaultFormats: Set<AuditBundle.Format> = [.csv, .json, .html]

    func register(_ router: Router<BasicRequestContext>) {
        router.get("/api/v1/pds/:pd/audit") { req, ctx in await handle(req, pd: ctx.parameters.get("pd") ?? "") }
    }

    func handle(_ req: Request, pd: String) async -> Response {
        let action = "export-audit"
        let caller: AccessOperations.Caller
        switch api.reader(req, action: action, pd: pd) {
        case .denied(let r): return r
        case .ok(let c): caller = c
        }
        guard let raw = req.uri.queryParameters.get("period"), case let period = String(raw), !period.isEmpty, period.count <= 64 else {
            return api.problem(.badRequest, "give the period: ?period=2026-11 (\(ReportPeriod.syntax))")
        }
        var formats = Self.defaultFormats
        if let list = req.uri.queryParameters.get("format") {
            formats = []
            for part in list.split(separator: ",") {
                guard let f = AuditBundle.Format(rawValue: String(part).lowercased()) else {
                    return api.problem(.badRequest, "format must list csv, json, html or pdf, comma-separated")
                }
                formats.insert(f)
            }
            if formats.isEmpty { return api.problem(.badRequest, "format names no format") }
        }
        if formats.contains(.pdf) && chromium == nil {
            return api.problem(.unprocessableContent, "this server renders no PDF; ask for csv, json, html")
        }
        let (archive, api, chromium, wanted) = (self.archive, self.api, self.chromium, formats)
        let request = AuditExport.Request(period: period, pds: [pd])
        let outcome: Result<AuditArchive.Made, any Error>? = await api.parsing.run { () -> Result<AuditArchive.Made, any Error> in
            Result {
                try archive.make(request, formats: wanted, renderPDF: chromium.map { browser in { try ChromiumPDF(executable: browser).render(html: $0) } })
            }
        }
        guard let outcome else { return api.problem(.serviceUnavailable, "the server is busy; try again shortly") }
        switch outcome {
        case .failure(let error):
            api.audit(caller.actor, action, pd, "invalid", "period \(period): \((error as? OperationError)?.message ?? "\(error)")")
            return api.failure(error)
        case .success(let made):
            api.audit(caller.actor, action, pd, "ok", "period \(made.result.scope.period) formats \(made.manifest.formats.joined(separator: ",")) "
                      + "over HTTP; \(made.manifest.files.count) files" + (made.result.empty ? "; no data in the period" : ""))
            return Response(status: .ok, headers: [.contentType: "application/zip",
                                                   .contentDisposition: "attachment; filename=\"\(made.fileName)\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: made.bytes)))
        }
    }
}
