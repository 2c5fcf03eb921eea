/// The seam between collection logic and an SNMP implementation.
///
/// Collection code talks to `any SNMPClient`; the executable passes in the Net-SNMP-backed
/// client, tests may pass a playback client that reads the same `.snmprec` recordings that
/// snmpsim serves. Walk logic (end-of-subtree, loop and limit detection) lives once, in the
/// extension below, and works over any implementation of the three primitive operations.
public protocol SNMPClient: Sendable {
    /// The agent this client talks to, for error messages.
    var agentDescription: String { get }
    /// Protocol version in use (GETBULK is unavailable on v1).
    var version: SNMPVersion { get }
    /// Options: timeouts, retries, max-repetitions, walk limits.
    var options: SNMPOptions { get }

    /// GET: one binding per requested OID, in order. Missing objects come back as
    /// `noSuchObject`/`noSuchInstance` values (v2c/v3) or as `noSuchName` errors (v1).
    func get(_ oids: [OID]) async throws(SNMPError) -> [VarBind]
    /// GETNEXT: the lexicographic successor of each OID.
    func getNext(_ oids: [OID]) async throws(SNMPError) -> [VarBind]
    /// GETBULK (v2c/v3 only).
    func getBulk(_ oids: [OID], nonRepeaters: Int, maxRepetitions: Int) async throws(SNMPError) -> [VarBind]
    /// Releases the session. Further calls fail.
    func close() async
}

extension SNMPClient {
    /// Walks the subtree under `root` and returns its bindings in order.
    ///
    /// Uses GETBULK with `options.maxRepetitions` unless the session is v1 or bulk is
    /// disabled. Stops at the first OID outside `root` or at `endOfMibView`. Throws
    /// `walkNotIncreasing` if the agent returns an OID that is not greater than the previous
    /// one, and `walkLimitExceeded` past `options.maxWalkRows`; both carry what was received
    /// so far in `partial`.
    public func walk(_ root: OID) async throws(SNMPError) -> [VarBind] {
        let results = try await walkColumns([root])
        return results[0]
    }

    /// Walks several subtrees in lockstep, one request carrying the next OID of every
    /// unfinished column, as `snmptable` does. For table columns this needs roughly one
    /// round trip per `maxRepetitions` rows instead of one per column and block.
    ///
    /// Returns one array per root, in the order given.
    public func walkColumns(_ roots: [OID]) async throws(SNMPError) -> [[VarBind]] {
        var results = Array(repeating: [VarBind](), count: roots.count)
        var cursor = roots  // last OID seen per column
        var active = Array(roots.indices)
        let useBulk = version != .v1 && !options.disableBulk
        let maxRows = max(1, options.maxWalkRows)
        // Bound the bindings per request so replies stay below typical UDP sizes.
        let bindingBudget = max(10, options.maxRepetitions * 4)
        let action = roots.count == 1 ? "walking \(roots[0])" : "walking \(roots.count) columns from \(roots[0])"

        func partial() -> [VarBind] { results.flatMap { $0 } }

        var budget = bindingBudget
        while !active.isEmpty {
            let batch = Array(active.prefix(max(1, budget / max(1, min(options.maxRepetitions, budget)))))
            let request = batch.map { cursor[$0] }
            let reply: [VarBind]
            do {
                if useBulk {
                    let reps = max(1, min(options.maxRepetitions, budget / batch.count))
                    reply = try await getBulk(request, nonRepeaters: 0, maxRepetitions: reps)
                } else {
                    reply = try await getNext(request)
                }
            } catch {
                var e = error
                if case .errorStatus(let status, let index) = e.code {
                    if status == 1, budget > 1 {
                        // tooBig: ask for fewer bindings per request and try again.
                        budget = max(1, budget / 2)
                        continue
                    }
                    if status == 2, version == .v1, index >= 1, index <= batch.count {
                        // v1 signals the end of the MIB with noSuchName on GETNEXT: the
                        // column at error-index is finished.
                        active.removeAll { $0 == batch[index - 1] }
                        continue
                    }
                }
                e.partial = partial()
                throw e
            }
            guard !reply.isEmpty else {
                throw SNMPError(.invalidResponse, agent: agentDescription, action: action,
                                detail: "empty reply", partial: partial())
            }
            // GETBULK replies interleave: row r holds column c at r * batch.count + c.
            var finished = Set<Int>()
            for (i, vb) in reply.enumerated() {
                let column = batch[i % batch.count]
                if finished.contains(column) { continue }
                let root = roots[column]
                if vb.value == .endOfMibView || !vb.oid.isDescendant(of: root) {
                    finished.insert(column)
                    continue
                }
                if vb.oid <= cursor[column] {
                    throw SNMPError(.walkNotIncreasing(vb.oid), agent: agentDescription, action: action,
                                    partial: partial())
                }
                results[column].append(vb)
                cursor[column] = vb.oid
                if results[column].count > maxRows {
                    throw SNMPError(.walkLimitExceeded(maxRows), agent: agentDescription, action: action,
                                    partial: partial())
                }
            }
            active.removeAll { finished.contains($0) }
        }
        return results
    }
}

extension SNMPError.Code {
    /// The error-index of an `errorStatus` code.
    public var errorIndex: Int? {
        if case .errorStatus(_, let index) = self { return index }
        return nil
    }
}
