import Foundation
import InventoryModel
import SNMPCore

/// Applies a probe catalog to one agent and returns what it learned.
///
/// Three stages (`Run`): fetch — GET the `system` module's scalars (a timeout or
/// authentication failure here is the device's failure and is thrown), pick the family, GET
/// the family's other scalars and vendor OIDs, walk each table's columns in lockstep
/// (`walkColumns`); evaluate — decode, join and convert rows into records; assemble — build
/// the typed inventory through the field table (`InventoryFields`) and the family's facts.
/// A table that fails becomes a warning and keeps the rows received before the failure.
public struct ProbeRunner: Sendable {
    public let catalog: ProbeCatalog
    /// "Now" for the inventory's `polledAt` (the composition root's clock).
    public let clock: any WallClock

    public init(catalog: ProbeCatalog, clock: any WallClock = SystemClock()) {
        self.catalog = catalog
        self.clock = clock
    }

    public func inventory(client: any SNMPClient, agent: String) async throws(SNMPError) -> DeviceInventory {
        var run = Run(catalog: catalog, agent: agent)
        try await run.execute(client: client)
        var inventory = run.inventory
        inventory.polledAt = clock.now()
        return inventory
    }
}

/// One row of a walked table.
struct Row {
    var index: [UInt32]
    var parts: [String: SNMPValue]
    var columns: [String: SNMPValue]
}

/// Per-record field values, grouped by record key in first-seen order.
struct RecordSet {
    var order: [String] = []
    var records: [String: [String: FieldValue]] = [:]
    var sortKeys: [String: [UInt32]] = [:]

    mutating func merge(key: String, sortKey: [UInt32], fields: [(String, FieldValue, Bool)]) {
        if records[key] == nil {
            order.append(key)
            records[key] = [:]
            sortKeys[key] = sortKey
        }
        for (name, value, override) in fields where override || records[key]?[name] == nil {
            records[key]?[name] = value
        }
    }

    var ordered: [[String: FieldValue]] {
        order.sorted { (sortKeys[$0] ?? []).lexicographicallyPrecedes(sortKeys[$1] ?? []) }.compactMap { records[$0] }
    }
}

/// Lookup indexes of one run. A class so that the pure evaluation functions can fill it;
/// a run is used by one task only.
final class LookupCache: @unchecked Sendable {
    private var maps: [String: [String: Row]] = [:]

    func map(_ key: String, build: () -> [String: Row]) -> [String: Row] {
        if let m = maps[key] { return m }
        let m = build()
        maps[key] = m
        return m
    }
}

/// Forwards to a client with the family's option overrides (bulk off, max-repetitions).
struct OptionsOverride: SNMPClient {
    let base: any SNMPClient
    let options: SNMPOptions
    var agentDescription: String { base.agentDescription }
    var version: SNMPVersion { base.version }
    func get(_ oids: [OID]) async throws(SNMPError) -> [VarBind] { try await base.get(oids) }
    func getNext(_ oids: [OID]) async throws(SNMPError) -> [VarBind] { try await base.getNext(oids) }
    func getBulk(_ oids: [OID], nonRepeaters: Int, maxRepetitions: Int) async throws(SNMPError) -> [VarBind] {
        try await base.getBulk(oids, nonRepeaters: nonRepeaters, maxRepetitions: maxRepetitions)
    }
    func close() async { await base.close() }
}

struct Run {
    let catalog: ProbeCatalog
    var inventory: DeviceInventory
    /// Raw rows of every walked table and scalar group, by table name.
    var rows: [String: [Row]] = [:]
    var scalarValues: [OID: SNMPValue] = [:]
    /// Columns walked for family inventory (`walk:` alternatives).
    var walkedColumns: [OID: [VarBind]] = [:]
    var sections: [String: RecordSet] = [:]
    var interfaces: [Interface] = []
    /// Lookup indexes, built once per (table, by) on first use.
    let lookupCache = LookupCache()

    init(catalog: ProbeCatalog, agent: String) {
        self.catalog = catalog
        self.inventory = DeviceInventory(agent: agent)
    }

    /// A run in three stages: fetch (every SNMP request), evaluate (value pipelines into
    /// records, no SNMP), assemble (records into the typed inventory and its facts).
    mutating func execute(client base: any SNMPClient) async throws(SNMPError) {
        let family = try await fetch(client: base)
        evaluate(family)
        assemble(family)
        // Still no vendor (the sysObjectID names no maker: Net-SNMP's, or UPS-MIB's own OID as
        // a Generex card gives): a device that presents itself as a UPS names its maker in
        // UPS-MIB's upsIdentManufacturer ("ABB", "Marathon Power"); the JSON says so
        // (vendorSource: ups-mib).
        if inventory.vendor == nil, DeviceInventory.agentFamilies.contains(family.name),
           let maker = inventory.ups?.manufacturer?.trimmingCharacters(in: .whitespacesAndNewlines), !maker.isEmpty {
            inventory.vendor = maker
        }
    }

    /// Stage 1: identity, family, scalars, inventory columns and tables, into `scalarValues`,
    /// `walkedColumns` and `rows`. Only a failure of the identity GET is thrown.
    mutating func fetch(client base: any SNMPClient) async throws(SNMPError) -> ProbeFamily {
        // 1. Identity. Failure here is the device's failure.
        let systemTables = catalog.modules["system"]?.tables ?? []
        let systemOIDs = systemTables.filter(\.isScalar).flatMap { $0.columns.map(\.oid) }
        let sys = try await getScalars(client: base, oids: systemOIDs)
        scalarValues.merge(sys) { a, _ in a }
        for t in systemTables where t.isScalar { assembleScalar(t) }
        applySystem()

        // 2. Family.
        var family = catalog.family(sysObjectID: inventory.sysObjectID.flatMap { OID($0) }, sysDescr: inventory.sysDescr)
        // Only the agent software is known (Net-SNMP's sysObjectID, a bare "Linux …" sysDescr)
        // or nothing: a maker's own MIB, where the agent answers below it, names the family.
        if DeviceInventory.agentFamilies.contains(family.name), !catalog.mibSubtrees.isEmpty {
            let answered = await answeredSubtrees(client: base, catalog.mibSubtrees)
            if let f = catalog.family(answeringBelow: answered) { family = f }
        }
        inventory.family = family.name
        inventory.vendor = family.vendor
        // No family, or one that knows only the agent software: the maker is the organisation
        // the sysObjectID's enterprise number was assigned to (the JSON says so: vendorSource).
        if DeviceInventory.agentFamilies.contains(family.name), let oid = inventory.sysObjectID.flatMap({ OID($0) }) {
            inventory.vendor = catalog.enterprises.vendor(sysObjectID: oid)
        }
        var options = base.options
        if let d = family.disableBulk { options.disableBulk = d }
        if let r = family.maxRepetitions { options.maxRepetitions = r }
        let client: any SNMPClient = options == base.options ? base : OptionsOverride(base: base, options: options)

        let tables = catalog.tables(for: family).filter { $0.module != "system" }

        // 3. Other scalars and the family's vendor OIDs, in one GET (split on v1 errors).
        var gets = tables.filter(\.isScalar).flatMap { $0.columns.map(\.oid) }
        for alternatives in family.inventory.values {
            for spec in alternatives { collectGets(spec, into: &gets) }
        }
        var seen = Set(scalarValues.keys)
        gets = gets.filter { seen.insert($0).inserted }
        if !gets.isEmpty {
            do {
                scalarValues.merge(try await getScalars(client: client, oids: gets)) { a, _ in a }
            } catch {
                inventory.warnings.append("scalars (\(gets.count) objects from \(gets[0])): \(error.cause)")
            }
        }

        var walks: [OID] = []
        for alternatives in family.inventory.values {
            for spec in alternatives { collectWalks(spec, into: &walks) }
        }
        var seenWalks = Set<OID>()
        walks = walks.filter { seenWalks.insert($0).inserted }
        if !walks.isEmpty {
            do {
                for (oid, vbs) in zip(walks, try await client.walkColumns(walks)) { walkedColumns[oid] = vbs }
            } catch {
                inventory.warnings.append("inventory columns: \(error.cause)")
                for oid in walks { walkedColumns[oid] = error.partial.filter { $0.oid.isDescendant(of: oid) } }
            }
        }

        // 4. Tables, in module order; `only-if-empty` tables after the table they stand in for.
        let walked = tables.filter { !$0.isScalar }
        // An agent that stopped answering would cost a full timeout per table: after two
        // tables in a row time out without a single row, the rest are skipped.
        let ordered = walked.filter { $0.onlyIfEmpty == nil } + walked.filter { $0.onlyIfEmpty != nil }
        var silentTimeouts = 0
        var skipped: [String] = []
        for t in ordered {
            if let other = t.onlyIfEmpty, let r = rows[other], !r.isEmpty { continue }
            if silentTimeouts >= 2 {
                skipped.append(t.name)
                continue
            }
            let timedOutEmpty = await walk(t, client: client)
            silentTimeouts = timedOutEmpty ? silentTimeouts + 1 : 0
        }
        if !skipped.isEmpty {
            inventory.warnings.append("skipped \(skipped.count) tables after repeated timeouts: \(skipped.joined(separator: ", "))")
        }
        return family
    }

    /// Stage 2: every table's and scalar group's fields through their value pipelines into
    /// `sections`; interfaces first (other sections map names to ifIndex through them).
    mutating func evaluate(_ family: ProbeFamily) {
        let tables = catalog.tables(for: family).filter { $0.module != "system" }
        let walked = tables.filter { !$0.isScalar }
        for t in tables where t.isScalar { assembleScalar(t) }
        for t in walked where t.section == "interfaces" { assembleTable(t) }
        buildInterfaces()
        for t in walked where t.section != nil && t.section != "interfaces" { assembleTable(t) }
    }

    /// Stage 3: the records into the inventory's typed sections, and the family's facts.
    mutating func assemble(_ family: ProbeFamily) {
        buildSections()
        applyFacts(family)
    }

    func collectWalks(_ spec: ValueSpec, into out: inout [OID]) {
        if let w = spec.walk { out.append(w) }
        if let fb = spec.fallbackSpec { collectWalks(fb, into: &out) }
    }

    func collectGets(_ spec: ValueSpec, into out: inout [OID]) {
        if let g = spec.get { out.append(g) }
        if let fb = spec.fallbackSpec { collectGets(fb, into: &out) }
    }

    // MARK: SNMP

    /// GETs scalars. SNMPv1 agents fail the whole PDU with noSuchName when one object is
    /// missing (and some v2c agents answer genErr); then each OID is asked for alone.
    func getScalars(client: any SNMPClient, oids: [OID]) async throws(SNMPError) -> [OID: SNMPValue] {
        var out: [OID: SNMPValue] = [:]
        guard !oids.isEmpty else { return out }
        // Stay well below typical PDU limits.
        for start in stride(from: 0, to: oids.count, by: 20) {
            let chunk = Array(oids[start..<min(oids.count, start + 20)])
            do {
                for vb in try await client.get(chunk) where !vb.value.isException && vb.value != .null { out[vb.oid] = vb.value }
            } catch {
                guard case .errorStatus = error.code else { throw error }
                for oid in chunk {
                    do {
                        for vb in try await client.get([oid]) where !vb.value.isException && vb.value != .null { out[vb.oid] = vb.value }
                    } catch {
                        if case .errorStatus = error.code { continue }
                        throw error
                    }
                }
            }
        }
        return out
    }

    /// The subtrees the agent has an object below: one GETNEXT for all of them (20 a request).
    /// SNMPv1 agents fail the whole request with noSuchName when one subtree is the last in
    /// their MIB view; then each is asked alone. Any other failure (a timeout) leaves the
    /// subtrees of that request unanswered: the device keeps the family its identity gave.
    func answeredSubtrees(client: any SNMPClient, _ roots: [OID]) async -> Set<OID> {
        var out = Set<OID>()
        func note(_ vbs: [VarBind], _ asked: [OID]) {
            for (root, vb) in zip(asked, vbs) where !vb.value.isException && vb.oid.isDescendant(of: root) { out.insert(root) }
        }
        for start in stride(from: 0, to: roots.count, by: 20) {
            let chunk = Array(roots[start..<min(roots.count, start + 20)])
            do {
                note(try await client.getNext(chunk), chunk)
            } catch {
                guard case .errorStatus = error.code else { continue }
                for root in chunk { if let vbs = try? await client.getNext([root]) { note(vbs, [root]) } }
            }
        }
        return out
    }

    /// Walks one table into `rows`. Returns true when it timed out before any row arrived.
    @discardableResult
    mutating func walk(_ table: TableSpec, client: any SNMPClient) async -> Bool {
        let roots = table.columns.map(\.oid)
        var results: [[VarBind]]
        var silent = false
        do {
            results = try await client.walkColumns(roots)
        } catch {
            silent = error.code == .timeout && error.partial.isEmpty
            // Keep what arrived before the failure, sorted back into columns.
            results = roots.map { root in error.partial.filter { $0.oid.isDescendant(of: root) } }
            let rowCount = Set(zip(roots, results).flatMap { root, vbs in vbs.compactMap { $0.oid.suffix(after: root) } }).count
            inventory.warnings.append("table \(table.name) (\(table.module), \(roots.first.map(\.description) ?? "")): \(error.cause); kept \(rowCount) partial rows")
        }
        var byIndex: [[UInt32]: Row] = [:]
        for (col, vbs) in zip(table.columns, results) {
            for vb in vbs {
                guard let idx = vb.oid.suffix(after: col.oid), !vb.value.isException else { continue }
                if byIndex[idx] == nil {
                    guard let parts = ([table.index] + table.alternateIndexes).lazy
                        .compactMap({ IndexDecoder.decode(idx, parts: $0) }).first
                    else { continue }
                    byIndex[idx] = Row(index: idx, parts: parts, columns: [:])
                }
                byIndex[idx]?.columns[col.name] = vb.value
            }
        }
        rows[table.name] = byIndex.values.sorted { $0.index.lexicographicallyPrecedes($1.index) }
        return silent
    }

    // MARK: Evaluation

    struct Context {
        var row: Row?
        var table: TableSpec?
    }

    /// Evaluates a value pipeline; nil when absent. Falls back through `else`.
    func evaluate(_ spec: ValueSpec, _ ctx: Context) -> FieldValue? {
        if let v = evaluateOne(spec, ctx) { return v }
        if let fb = spec.fallbackSpec { return evaluate(fb, ctx) }
        return nil
    }

    func raw(_ ref: ValueRef, _ ctx: Context) -> SNMPValue? {
        switch ref {
        case .column(let c):
            if let v = ctx.row?.columns[c] { return v }
            if let t = ctx.table, t.isScalar, let oid = t.columns.first(where: { $0.name == c })?.oid { return scalarValues[oid] }
            return nil
        case .index(let p): return ctx.row?.parts[p]
        case .wholeIndex: return ctx.row.map { .oid(OID($0.index)) }
        case .fact(let f): return factValue(f).map { .octets(Array($0.utf8)) }
        }
    }

    func evaluateOne(_ spec: ValueSpec, _ ctx: Context) -> FieldValue? {
        var value: SNMPValue?
        if let c = spec.constant { value = .octets(Array(c.utf8)) }
        if let g = spec.get { value = scalarValues[g] }
        if let w = spec.walk {
            // The first row whose value the regex accepts (or the first non-empty row).
            value = (walkedColumns[w] ?? []).map(\.value).first { v in
                guard let t = Convert.text(v), !t.isEmpty else { return false }
                return spec.regex.map { $0.matches(t) } ?? true
            }
        }
        if let f = spec.from { value = raw(f, ctx) }
        guard var v = value, !v.isException else { return nil }
        if let l = spec.lookup {
            guard let found = lookup(l, key: v) else { return nil }
            v = found
        }
        if let rx = spec.regex {
            guard let t = Convert.text(v), let m = rx.extract(t, format: spec.format) else { return nil }
            v = .octets(Array(m.utf8))
        }
        guard var out = Convert.apply(spec.convert, v, enums: catalog.enums, enumName: spec.enumName) else { return nil }
        if let m = spec.multiply {
            guard let factor = raw(m, ctx)?.int64, let base = out.double else { return nil }
            out = .double(base * Double(factor))
        }
        if let s = spec.scale {
            guard let base = out.double else { return nil }
            // Round away binary noise from decimal scales (17 × 0.1 = 1.7000000000000002).
            out = .double((base * s * 1e6).rounded() / 1e6)
        }
        if let attrs = spec.interface {
            guard let ifIndex = matchInterface(out, attrs) else { return nil }
            out = .int(Int64(ifIndex))
        }
        if spec.skipZero && out.isZeroOrEmpty { return nil }
        if case .text(let s) = out, s.isEmpty { return nil }
        return out
    }

    func lookup(_ l: Lookup, key: SNMPValue) -> SNMPValue? {
        guard let k = Convert.key(key), let table = rows[l.table] else { return nil }
        let cacheKey = "\(l.table)\u{1}\(l.by?.description ?? "index")"
        let map = lookupCache.map(cacheKey) {
            var out: [String: Row] = [:]
            for row in table {
                let rowKey: String?
                switch l.by {
                case nil, .wholeIndex?: rowKey = OID(row.index).description
                case .index(let p)?: rowKey = row.parts[p].flatMap(Convert.key)
                case .column(let c)?: rowKey = row.columns[c].flatMap(Convert.key)
                case .fact?: rowKey = nil
                }
                // The first row wins, as a walk would meet it first.
                if let rowKey, out[rowKey] == nil { out[rowKey] = row }
            }
            return out
        }
        guard let row = map[k] else { return nil }
        switch l.take {
        case .column(let c): return row.columns[c]
        case .index(let p): return row.parts[p]
        case .wholeIndex: return .oid(OID(row.index))
        case .fact: return nil
        }
    }

    /// The one interface whose attribute equals the value, trying attributes in order.
    func matchInterface(_ value: FieldValue, _ attrs: [String]) -> Int? {
        guard let text = value.text else { return nil }
        for a in attrs {
            let hits = interfaces.filter { i in
                switch a {
                case "ifIndex": String(i.ifIndex) == text
                case "ifName": i.ifName == text
                case "ifDescr": i.ifDescr == text
                case "ifAlias": i.ifAlias == text
                case "mac": i.mac != nil && i.mac == MACAddress(text)?.description
                default: false
                }
            }
            if hits.count == 1 { return hits[0].ifIndex }
        }
        return nil
    }

    // MARK: Assembly

    mutating func assembleScalar(_ t: TableSpec) {
        guard let section = t.section else { return }
        let ctx = Context(row: nil, table: t)
        let fields = t.fields.compactMap { f in evaluate(f.value, ctx).map { (f.field, $0, f.override) } }
        sections[section, default: RecordSet()].merge(key: "", sortKey: [], fields: fields)
    }

    mutating func assembleTable(_ t: TableSpec) {
        guard let section = t.section else { return }
        let keyRefs = t.key ?? t.index.map { ValueRef.index($0.name) }
        for row in rows[t.name] ?? [] {
            let ctx = Context(row: row, table: t)
            var values: [(String, FieldValue, Bool)] = []
            for f in t.fields {
                if let v = evaluate(f.value, ctx) { values.append((f.field, v, f.override)) }
            }
            let key: String
            if Schema.singletons.contains(section) {
                key = ""
            } else {
                var parts: [String] = [t.recordGroup]
                for ref in keyRefs {
                    if case .column(let c) = ref, let v = values.first(where: { $0.0 == c }) {
                        parts.append(v.1.text ?? "")
                    } else {
                        parts.append(raw(ref, ctx).flatMap(Convert.key) ?? "")
                    }
                }
                key = parts.joined(separator: "\u{1}")
            }
            if t.mergeOnly && sections[section]?.records[key] == nil { continue }
            sections[section, default: RecordSet()].merge(key: key, sortKey: row.index, fields: values)
        }
    }

    mutating func applySystem() {
        guard let s = sections["system"]?.records[""] else { return }
        for slot in InventoryFields.system { if let v = s[slot.name] { slot.assign(&inventory, v) } }
    }

    mutating func buildInterfaces() {
        InventoryFields.interfaces.apply(&inventory, sections["interfaces"]?.ordered ?? [])
        interfaces = inventory.interfaces
    }

    /// Every section but system and interfaces (built before), through the field table.
    mutating func buildSections() {
        for section in InventoryFields.sections where section.name != "interfaces" {
            section.apply(&inventory, sections[section.name]?.ordered ?? [])
        }
    }

    /// The distinct non-empty values of a component field over the chassis rows.
    func chassisValues(_ field: String) -> Set<String> {
        guard let slot = InventoryFields.component.first(where: { $0.name == field }) else { return [] }
        return Set(inventory.components.filter { $0.physicalClass == "chassis" }.compactMap { slot.read($0) }.filter { !$0.isEmpty })
    }

    /// A fact for family inventory alternatives.
    func factValue(_ name: String) -> String? {
        if let slot = InventoryFields.system.first(where: { $0.name == name }) { return slot.read(inventory) }
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        let field = parts[1]
        switch parts[0] {
        case "chassis":
            // The first chassis row (lowest index) with a non-empty value for the field; stacks
            // list one chassis per member and the first is the stack's own.
            let chassis = inventory.components.filter { $0.physicalClass == "chassis" }
            guard let slot = InventoryFields.component.first(where: { $0.name == field }) else { return nil }
            for c in chassis {
                if let v = slot.read(c), !v.isEmpty { return v }
            }
            return nil
        case "sole-chassis":
            // The value the chassis rows give, only when they agree: members of a stack or of a
            // StackWise Virtual pair are peers, each a chassis with its own serial, and none of
            // them is the device's.
            let values = chassisValues(field)
            return values.count == 1 ? values.first : nil
        case "ups":
            return sections["ups"]?.records[""]?[field]?.text
        case "printer":
            return sections["printer"]?.records[""]?[field]?.text
        default:
            return nil
        }
    }

    mutating func applyFacts(_ family: ProbeFamily) {
        func resolve(_ fact: String) -> String? {
            for spec in family.inventory[fact] ?? [] {
                // Chassis that disagree (`sole-chassis.FIELD`) settle the fact: it is left out,
                // and no later alternative guesses one of the members' values.
                if case .fact(let name)? = spec.from, name.hasPrefix("sole-chassis."), factValue(name) == nil,
                   chassisValues(String(name.dropFirst("sole-chassis.".count))).count > 1 {
                    return nil
                }
                if let v = evaluate(spec, Context()), let t = v.text?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty {
                    return t
                }
            }
            return nil
        }
        inventory.model = resolve("model")
        inventory.serial = resolve("serial")
        inventory.version = resolve("version")
    }
}
