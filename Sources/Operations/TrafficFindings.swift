import Foundation
import InventoryModel
import Reconciliation

extension TrafficReports {
    /// The codes the traffic report owns (and resolves when they clear).
    public static let findingCodes: Set<FindingCode> = [.bandwidthOverAllocation, .bandwidthUnapproved, .uplinkUnmonitored]

    /// The report's flags as findings, for the finding lifecycle (`FindingOperations.record`
    /// with `findingCodes`): one per PD and kind (per uplink for an unmonitored one), with the
    /// period and the figure that decided it.
    public static func detections(_ report: Report) -> [Detection] {
        report.flags.map { f in
            let code: FindingCode = switch f.kind {
            case .overAllocation: .bandwidthOverAllocation
            case .noAllocation: .bandwidthUnapproved
            case .uplinkNotFound: .uplinkUnmonitored
            }
            var details = ["period": "\(report.period.label) (\(report.timeZone))", "allocation_share": String(report.allocationShare)]
            if let pd = report.pds.first(where: { $0.pd == f.pd }) {
                if let a = pd.approvedMbps { details["approved_mbps"] = String(a) }
                if let p95 = pd.statistics?.p95BPS { details["p95_bps"] = String(p95) }
                details["uplinks"] = pd.uplinks.map { "\($0.router) \($0.device):\($0.interface ?? $0.uplink)" }.joined(separator: ", ")
            }
            return Detection(code: code, pd: f.pd, subject: FindingSubject(device: f.router, port: f.uplink), message: "\(f.pd): \(f.message)",
                             evidence: [Evidence(source: "traffic", firstSeen: report.period.start, lastSeen: report.period.end, details: details)])
        }
    }
}
