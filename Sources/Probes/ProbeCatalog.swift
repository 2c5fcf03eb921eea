import Foundation
import InventoryModel
import SNMPCore
import YAMLSupport

/// Every probe module, enum table and device family under one directory, validated together.
public struct ProbeCatalog: Sendable {
    public let modules: [String: ProbeModule]
    public let families: [ProbeFamily]
    public let enums: [String: EnumTable]
    /// The family used when nothing matches (`generic`).
    public let generic: ProbeFamily
    /// Number of files read.
    public let fileCount: Int
    /// Vendor names by IANA enterprise number, for devices no family matches.
    public var enterprises = EnterpriseRegistry()

    /// Loads `DIR/modules/*.yaml`, `DIR/enums/*.yaml` and `DIR/families/*.yaml`, and the IANA
    /// enterprise-number registry from `enterprises` (none when the file is absent or the
    /// path is nil or empty; unreadable is an error).
    ///
    /// Strict: unknown keys, bad OIDs, bad regular expressions, references to unknown
    /// modules, tables, columns or enums, include cycles, duplicate names and identical
    /// sysObjectID prefixes in two families are all errors, reported together.
    public static func load(directory: String, enterprises: String? = EnterpriseRegistry.defaultPath) throws(ConfigIssues) -> ProbeCatalog {
        let loader = CatalogLoader(directory: directory)
        var catalog = try loader.run()
        do {
            catalog.enterprises = try EnterpriseRegistry.load(path: enterprises)
        } catch {
            throw ConfigIssues([ConfigIssue(file: enterprises ?? "", line: 1, column: 1, path: "",
                                            message: "cannot read the enterprise-number registry: \(error.localizedDescription)")])
        }
        return catalog
    }

    /// sysObjectID prefix → family (the loader rejects a prefix two families claim), so that
    /// matching costs one lookup per sub-identifier of the device's sysObjectID however many
    /// families there are.
    let prefixIndex: [OID: ProbeFamily]

    init(modules: [String: ProbeModule], families: [ProbeFamily], enums: [String: EnumTable], generic: ProbeFamily, fileCount: Int) {
        self.modules = modules
        self.families = families
        self.enums = enums
        self.generic = generic
        self.fileCount = fileCount
        var index: [OID: ProbeFamily] = [:]
        for f in families { for p in f.sysObjectIDPrefixes { index[p] = f } }
        prefixIndex = index
    }

    /// The family for a device from its identity: the longest matching sysObjectID prefix
    /// over all families, unless that family knows only the agent software
    /// (`DeviceInventory.agentFamilies`) and a maker's family's sysDescr pattern matches (a
    /// UniFi access point or a Zyxel firewall answering with Net-SNMP's sysObjectID); if no
    /// prefix matches, the first family (by file name) whose sysDescr pattern matches, makers'
    /// families before agent families; else `generic`. A result that is an agent family may
    /// still be refined by `family(answeringBelow:)`.
    public func family(sysObjectID: OID?, sysDescr: String?) -> ProbeFamily {
        var byPrefix: ProbeFamily?
        if let sysObjectID {
            // Longest first: the sysObjectID itself, then each shorter prefix down to 1.3.6.1.4.1.N.
            var c = sysObjectID.components
            while c.count >= 7 {
                if let f = prefixIndex[OID(c)] {
                    byPrefix = f
                    break
                }
                c.removeLast()
            }
        }
        if let f = byPrefix, !DeviceInventory.agentFamilies.contains(f.name) { return f }
        if let sysDescr {
            let matching = families.filter { $0.sysDescrPatterns.contains(where: { $0.matches(sysDescr) }) }
            if let f = matching.first(where: { !DeviceInventory.agentFamilies.contains($0.name) }) { return f }
            if let f = byPrefix { return f }
            if let f = matching.first { return f }
        }
        return byPrefix ?? generic
    }

    /// Families recognised by their maker's own MIB (`match.mib`), in file-name order.
    public var mibFamilies: [ProbeFamily] { families.filter { !$0.mibSubtrees.isEmpty } }

    /// Every `match.mib` subtree, in file-name order of the families, without repeats: the
    /// runner asks the agent for the next object after each, in one request.
    public var mibSubtrees: [OID] {
        var seen = Set<OID>()
        return mibFamilies.flatMap(\.mibSubtrees).filter { seen.insert($0).inserted }
    }

    /// The first family (by file name) with a `match.mib` subtree the agent answered below,
    /// for a device whose identity matched only an agent family or nothing.
    public func family(answeringBelow answered: Set<OID>) -> ProbeFamily? {
        mibFamilies.first { f in f.mibSubtrees.contains(where: answered.contains) }
    }

    /// The tables a family reads, in walk order, without excluded ones.
    func tables(for family: ProbeFamily) -> [TableSpec] {
        family.modules.flatMap { modules[$0]?.tables ?? [] }.filter { !family.excludeTables.contains($0.name) }
    }

    /// All tables of all modules by name (lookups may reach any module).
    var allTables: [String: TableSpec] {
        var out: [String: TableSpec] = [:]
        for m in modules.values { for t in m.tables { out[t.name] = t } }
        return out
    }
}

/// Lints a probe directory: every issue, or an empty list when it loads.
public func lint(directory: String) -> [ConfigIssue] {
    do {
        _ = try ProbeCatalog.load(directory: directory)
        return []
    } catch {
        return error.issues
    }
}

// MARK: - Loading

private final class CatalogLoader {
    let directory: String
    let sink = IssueSink()
    var modules: [String: ProbeModule] = [:]
    var moduleDecl: [String: YAMLValue] = [:]
    var enums: [String: EnumTable] = [:]
    var families: [ProbeFamily] = []
    var familyDecl: [String: YAMLValue] = [:]
    var files = 0
    /// Checks that need every file read first (references between files).
    var deferred: [() -> Void] = []

    init(directory: String) { self.directory = directory }

    func run() throws(ConfigIssues) -> ProbeCatalog {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw ConfigIssues([ConfigIssue(file: directory, line: 1, column: 1, path: "", message: "probe directory not found")])
        }
        for path in yamlFiles("enums") { read(path) { readEnum($0) } }
        for path in yamlFiles("modules") { read(path) { readModule($0) } }
        for path in yamlFiles("families") { read(path) { readFamily($0) } }
        for check in deferred { check() }
        checkIncludeCycles()
        if modules["system"] == nil {
            sink.add(ConfigIssue(file: "\(directory)/modules", line: 1, column: 1, path: "",
                                 message: "no module named \"system\" (the runner reads it first to identify the device)"))
        }
        let generic = families.first { $0.name == "generic" }
        if generic == nil {
            sink.add(ConfigIssue(file: "\(directory)/families", line: 1, column: 1, path: "",
                                 message: "no family named \"generic\" (the fallback when nothing matches)"))
        }
        try sink.throwIfAny()
        // Expand includes now that there are no cycles.
        var expanded = families
        for i in expanded.indices { expanded[i].modules = expand(expanded[i].modules) }
        let gen = expanded.first { $0.name == "generic" }!  // presence checked above
        return ProbeCatalog(modules: modules, families: expanded.filter { $0.name != "generic" }, enums: enums,
                            generic: gen, fileCount: files)
    }

    func yamlFiles(_ sub: String) -> [String] {
        let dir = "\(directory)/\(sub)"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { "\(dir)/\($0)" }
    }

    func read(_ path: String, _ body: (YAMLValue) -> Void) {
        files += 1
        do {
            let root = try YAMLValue.load(path: path, sink: sink)
            body(root)
        } catch {
            sink.add(contentsOf: error.issues)
        }
    }

    // MARK: Enums

    func readEnum(_ root: YAMLValue) {
        guard let obj = root.object(allowing: ["enum", "description", "values"]) else { return }
        _ = obj["description"]?.string()
        guard let name = obj.required("enum")?.string() else { return }
        var values: [String: String] = [:]
        if let vals = obj.required("values")?.object(allowing: nil) {
            for (k, v) in vals.pairs {
                let key = k.hasPrefix(".") ? String(k.dropFirst()) : k
                if Int64(key) == nil && OID(key) == nil {
                    vals.keyLocation(k)?.report("enum keys must be integers or numeric OIDs, found \"\(k)\"")
                }
                if let word = v.string() { values[key] = word }
            }
        }
        if enums[name] != nil {
            obj["enum"]?.report("duplicate enum \"\(name)\" (also in \(enums[name]!.file))")  // checked non-nil
            return
        }
        enums[name] = EnumTable(name: name, values: values, file: root.file)
    }

    // MARK: Modules

    func readModule(_ root: YAMLValue) {
        guard let obj = root.object(allowing: ["module", "description", "include", "tables", "scalars"]) else { return }
        guard let nameNode = obj.required("module"), let name = nameNode.string() else { return }
        let description = obj["description"]?.string()
        let includes = obj["include"]?.stringList() ?? []
        if let inc = obj["include"] {
            deferred.append { [unowned self] in
                for m in includes where self.modules[m] == nil { inc.report("unknown module \"\(m)\"\(self.suggest(m, self.modules.keys))") }
            }
        }
        var tables: [TableSpec] = []
        for (kind, scalar) in [("tables", false), ("scalars", true)] {
            guard let group = obj[kind]?.object(allowing: nil) else { continue }
            for (tname, tnode) in group.pairs {
                if let t = readTable(tname, tnode, module: name, scalar: scalar) { tables.append(t) }
            }
        }
        if let prior = modules[name] {
            nameNode.report("duplicate module \"\(name)\" (also in \(prior.file))")
            return
        }
        // Table names are global: lookups name tables without their module.
        for t in tables {
            for m in modules.values where m.tables.contains(where: { $0.name == t.name }) {
                sink.add(ConfigIssue(file: t.file, line: t.line, column: 1, path: "tables.\(t.name)",
                                     message: "table \"\(t.name)\" is also defined in module \"\(m.name)\" (\(m.file))"))
            }
        }
        modules[name] = ProbeModule(name: name, description: description, includes: includes, tables: tables, file: root.file)
        moduleDecl[name] = nameNode
    }

    func readTable(_ name: String, _ node: YAMLValue, module: String, scalar: Bool) -> TableSpec? {
        let allowed: Set<String> = scalar
            ? ["section", "columns", "fields", "description"]
            : ["section", "index", "alternate-index", "columns", "fields", "merge-with", "merge-only", "key", "only-if-empty",
               "description"]
        guard let obj = node.object(allowing: allowed) else { return nil }
        _ = obj["description"]?.string()
        var columns: [(name: String, oid: OID)] = []
        if let cols = obj.required("columns")?.object(allowing: nil) {
            for (c, v) in cols.pairs {
                guard let text = v.string() else { continue }
                guard let oid = OID(text) else {
                    v.report("\"\(text)\" is not a numeric OID")
                    continue
                }
                columns.append((c, oid))
            }
        }
        func readIndex(_ node: YAMLValue?) -> [IndexPart] {
            var index: [IndexPart] = []
            for item in node?.array() ?? [] {
                if isScalarNode(item), let n = item.string() {
                    index.append(IndexPart(name: n, kind: .int))
                } else if let m = item.object(allowing: nil) {
                    for (n, kv) in m.pairs {
                        if let k = kv.oneOf(IndexPart.Kind.self) { index.append(IndexPart(name: n, kind: k)) }
                    }
                }
            }
            if let last = index.dropLast().first(where: { $0.kind == .implied || $0.kind == .rest }) {
                node?.report("index part \"\(last.name)\" takes all remaining sub-identifiers, so it must be last")
            }
            return index
        }
        var index: [IndexPart] = []
        var alternates: [[IndexPart]] = []
        if !scalar {
            index = readIndex(obj["index"])
            let names = Set(index.map(\.name))
            for alt in obj["alternate-index"]?.array() ?? [] {
                let parts = readIndex(alt)
                for p in parts where !names.contains(p.name) {
                    alt.report("alternate index part \"\(p.name)\" is not a part of index")
                }
                alternates.append(parts)
            }
        }
        var section: String?
        if let s = obj["section"], let text = s.string() {
            if Schema.sections[text] == nil {
                s.report("unknown section \"\(text)\"\(suggest(text, Schema.sections.keys))")
            } else {
                section = text
            }
        }
        let sectionFields = section.flatMap { Schema.sections[$0] } ?? [:]
        let columnNames = Set(columns.map(\.name))
        let indexNames = Set(index.map(\.name))
        var fields: [FieldSpec] = []
        if let f = obj["fields"] {
            if section == nil && obj["section"] == nil { f.report("fields need a section to fill") }
            if let fo = f.object(allowing: nil) {
                for (fname, fnode) in fo.pairs {
                    if section != nil && sectionFields[fname] == nil {
                        fo.keyLocation(fname)?.report("section \"\(section!)\" has no field \"\(fname)\"\(suggest(fname, sectionFields.keys))")  // section checked non-nil
                        continue
                    }
                    var override = false
                    guard let spec = readValue(fnode, columns: columnNames, index: indexNames, allowOverride: true,
                                               override: &override, familyLevel: false) else { continue }
                    fields.append(FieldSpec(field: fname, value: spec, override: override))
                }
            }
        }
        var key: [ValueRef]?
        if let k = obj["key"], let items = k.stringList() {
            key = items.compactMap { parseRef($0, at: k, columns: columnNames, index: indexNames, fields: Set(fields.map(\.field))) }
        }
        let mergeWith = obj["merge-with"]?.string()
        let mergeOnly = obj["merge-only"]?.bool() ?? false
        if mergeOnly && mergeWith == nil { obj["merge-only"]?.report("merge-only needs merge-with") }
        let onlyIfEmpty = obj["only-if-empty"]?.string()
        for (keyName, target) in [("merge-with", mergeWith), ("only-if-empty", onlyIfEmpty)] {
            guard let target, let at = obj[keyName] else { continue }
            deferred.append { [unowned self] in
                let all = self.allTables
                guard let t = all[target] else {
                    at.report("unknown table \"\(target)\"\(self.suggest(target, all.keys))")
                    return
                }
                if keyName == "merge-with" && t.section != section {
                    at.report("table \"\(target)\" fills section \"\(t.section ?? "none")\", not \"\(section ?? "none")\"")
                }
            }
        }
        return TableSpec(name: name, module: module, columns: columns, index: index, alternateIndexes: alternates, section: section,
                         fields: fields, mergeWith: mergeWith, key: key, mergeOnly: mergeOnly, onlyIfEmpty: onlyIfEmpty, isScalar: scalar, file: node.file,
                         line: node.line)
    }

    var allTables: [String: TableSpec] {
        var out: [String: TableSpec] = [:]
        for m in modules.values { for t in m.tables { out[t.name] = t } }
        return out
    }

    /// Parses `column`, `index.part`, `index`, or (family level) a fact name.
    func parseRef(_ text: String, at node: YAMLValue, columns: Set<String>?, index: Set<String>?, fields: Set<String> = [],
                  facts: Bool = false) -> ValueRef? {
        if text == "index" {
            if index == nil { node.report("\"index\" is only available in tables") }
            return .wholeIndex
        }
        if text.hasPrefix("index.") {
            let part = String(text.dropFirst(6))
            guard let index else {
                node.report("\"\(text)\": index parts are only available in tables")
                return nil
            }
            if !index.contains(part) {
                node.report("unknown index part \"\(part)\"; the index is: \(index.sorted().joined(separator: ", "))")
                return nil
            }
            return .index(part)
        }
        if facts {
            if !Schema.isFact(text) {
                node.report("unknown fact \"\(text)\"; use sysDescr, sysObjectID, sysName, chassis.<component field>, sole-chassis.<component field>, ups.<field> or printer.<field>")
                return nil
            }
            return .fact(text)
        }
        if let columns, columns.contains(text) || fields.contains(text) { return .column(text) }
        if Schema.isFact(text) && Schema.sections["system"]?[text] != nil { return .fact(text) }
        node.report("unknown column \"\(text)\"\(suggest(text, columns ?? []))")
        return nil
    }

    static let valueKeys: Set<String> = [
        "from", "get", "walk", "value", "lookup", "regex", "format", "convert", "enum", "scale", "multiply", "interface",
        "skip-zero", "else",
    ]

    /// Reads a value pipeline: a plain string is shorthand for `{from: string}`.
    func readValue(_ node: YAMLValue, columns: Set<String>?, index: Set<String>?, allowOverride: Bool,
                   override: inout Bool, familyLevel: Bool) -> ValueSpec? {
        var spec = ValueSpec()
        if isScalarNode(node) {
            guard let text = node.string() else { return nil }
            guard let ref = parseRef(text, at: node, columns: columns, index: index, facts: familyLevel) else { return nil }
            spec.from = ref
            return spec
        }
        let allowed = allowOverride ? CatalogLoader.valueKeys.union(["override"]) : CatalogLoader.valueKeys
        guard let obj = node.object(allowing: allowed) else { return nil }
        if let o = obj["override"], let b = o.bool() { override = b }
        let starts = ["from", "get", "walk", "value"].filter { obj[$0] != nil }
        if starts.count != 1 {
            node.report(starts.isEmpty ? "a value needs one of: from, get, walk, value" : "use only one of: \(starts.joined(separator: ", "))")
        }
        if let f = obj["from"], let text = f.string() {
            spec.from = parseRef(text, at: f, columns: columns, index: index, facts: familyLevel)
        }
        if let g = obj["get"], let text = g.string() {
            if !familyLevel { g.report("\"get\" is only available in family inventory; use a scalars group in modules") }
            if let oid = OID(text) { spec.get = oid } else { g.report("\"\(text)\" is not a numeric OID") }
        }
        if let w = obj["walk"], let text = w.string() {
            if !familyLevel { w.report("\"walk\" is only available in family inventory; use a table in modules") }
            if let oid = OID(text) { spec.walk = oid } else { w.report("\"\(text)\" is not a numeric OID") }
        }
        if let v = obj["value"] { spec.constant = v.string() }
        if let l = obj["lookup"], let lo = l.object(allowing: ["table", "by", "take"]) {
            if familyLevel { l.report("\"lookup\" is only available in tables") }
            if let table = lo.required("table")?.string(), let takeNode = lo.required("take"), let take = takeNode.string() {
                let byNode = lo["by"]
                let by = byNode?.string()
                spec.lookup = Lookup(table: table, by: by.map { .column($0) }, take: .column(take))
                deferred.append { [unowned self] in
                    let all = self.allTables
                    guard let t = all[table] else {
                        lo["table"]?.report("unknown table \"\(table)\"\(self.suggest(table, all.keys))")
                        return
                    }
                    let cols = Set(t.columns.map(\.name))
                    let idx = Set(t.index.map(\.name))
                    func resolve(_ text: String, _ at: YAMLValue) -> ValueRef? {
                        self.parseRef(text, at: at, columns: cols, index: idx)
                    }
                    _ = resolve(take, takeNode)
                    if let by, let byNode { _ = resolve(by, byNode) }
                }
                // Store the parsed forms; index refs become .index.
                func refOf(_ s: String) -> ValueRef {
                    if s == "index" { return .wholeIndex }
                    if s.hasPrefix("index.") { return .index(String(s.dropFirst(6))) }
                    return .column(s)
                }
                spec.lookup = Lookup(table: table, by: by.map(refOf), take: refOf(take))
            }
        }
        if let r = obj["regex"], let text = r.string() {
            if let rx = ProbeRegex(text) { spec.regex = rx } else { r.report("invalid regular expression \"\(text)\"") }
        }
        if let f = obj["format"] {
            spec.format = f.string()
            if obj["regex"] == nil { f.report("\"format\" needs a \"regex\" whose groups it uses") }
        }
        if let c = obj["convert"] { spec.convert = c.oneOf(Conversion.self) }
        if let e = obj["enum"], let name = e.string() {
            spec.enumName = name
            deferred.append { [unowned self] in
                if self.enums[name] == nil { e.report("unknown enum \"\(name)\"\(self.suggest(name, self.enums.keys))") }
            }
            if spec.convert == nil { spec.convert = .enum }
        }
        if (spec.convert == .enum || spec.convert == .bits) && spec.enumName == nil {
            (obj["convert"] ?? node).report("convert \(spec.convert!.rawValue) needs an \"enum\"")  // checked non-nil
        }
        if let s = obj["scale"] { spec.scale = s.double() }
        if let m = obj["multiply"], let text = m.string() {
            spec.multiply = parseRef(text, at: m, columns: columns, index: index, facts: familyLevel)
        }
        if let i = obj["interface"], let attrs = i.stringList() {
            let known = Set(["ifIndex", "ifName", "ifDescr", "ifAlias", "mac"])
            for a in attrs where !known.contains(a) { i.report("cannot match interfaces by \"\(a)\"; use: \(known.sorted().joined(separator: ", "))") }
            spec.interface = attrs
        }
        if let z = obj["skip-zero"] { spec.skipZero = z.bool() ?? false }
        if let e = obj["else"] {
            var ignored = false
            if let fb = readValue(e, columns: columns, index: index, allowOverride: false, override: &ignored, familyLevel: familyLevel) {
                spec.fallback = .some(fb)
            }
        }
        return spec
    }

    // MARK: Families

    func readFamily(_ root: YAMLValue) {
        guard let obj = root.object(allowing: ["family", "vendor", "description", "match", "include", "inventory", "options"]) else { return }
        guard let nameNode = obj.required("family"), let name = nameNode.string() else { return }
        var family = ProbeFamily(name: name, vendor: obj["vendor"]?.string(), description: obj["description"]?.string(),
                                 sysObjectIDPrefixes: [], sysDescrPatterns: [], modules: [], inventory: [:],
                                 excludeTables: [], file: root.file)
        if let m = obj["match"], let mo = m.object(allowing: ["sysObjectID", "sysDescr", "mib"]) {
            if let s = mo["sysObjectID"] {
                for item in s.array() ?? [] {
                    guard let text = item.string() else { continue }
                    guard let oid = OID(text) else {
                        item.report("\"\(text)\" is not a numeric OID")
                        continue
                    }
                    // Shorter prefixes would claim every vendor's devices.
                    if oid.count < 7 || !oid.hasPrefix("1.3.6.1.4.1") {
                        item.report("\(oid) is not below an enterprise (1.3.6.1.4.1.N)")
                        continue
                    }
                    if let other = families.first(where: { $0.sysObjectIDPrefixes.contains(oid) }) {
                        item.report("sysObjectID prefix \(oid) is already matched by family \"\(other.name)\" (\(other.file))")
                        continue
                    }
                    family.sysObjectIDPrefixes.append(oid)
                }
            }
            if let d = mo["sysDescr"] {
                for item in d.array() ?? [] {
                    guard let text = item.string() else { continue }
                    if let rx = ProbeRegex(text) { family.sysDescrPatterns.append(rx) } else { item.report("invalid regular expression \"\(text)\"") }
                }
            }
            if let d = mo["mib"] {
                for item in d.array() ?? [] {
                    guard let text = item.string() else { continue }
                    guard let oid = OID(text) else {
                        item.report("\"\(text)\" is not a numeric OID")
                        continue
                    }
                    // The maker's own MIB: a standard MIB says nothing about who made the device.
                    if oid.count < 7 || !oid.hasPrefix("1.3.6.1.4.1") {
                        item.report("\(oid) is not below an enterprise (1.3.6.1.4.1.N)")
                        continue
                    }
                    if DeviceInventory.agentFamilies.contains(name) {
                        item.report("the \(name) family knows only the agent software and cannot be matched by a maker's MIB")
                        continue
                    }
                    family.mibSubtrees.append(oid)
                }
            }
        } else if name != "generic" {
            obj.value.report("missing required key \"match\"")
        }
        if name == "generic" && (!family.sysObjectIDPrefixes.isEmpty || !family.sysDescrPatterns.isEmpty || !family.mibSubtrees.isEmpty) {
            obj["match"]?.report("the generic family is the fallback and must not match anything itself")
        }
        if DeviceInventory.agentFamilies.contains(name), let v = obj["vendor"] {
            v.report("the \(name) family names no vendor: the vendor of a device it matches comes from the enterprise number in its sysObjectID")
        }
        let includes = obj.required("include")?.stringList() ?? []
        family.modules = includes
        if let inc = obj["include"] {
            deferred.append { [unowned self] in
                for m in includes where self.modules[m] == nil { inc.report("unknown module \"\(m)\"\(self.suggest(m, self.modules.keys))") }
            }
        }
        if let inv = obj["inventory"]?.object(allowing: Schema.inventoryFacts) {
            for (fact, node) in inv.pairs {
                let items = node.array() ?? []
                var alternatives: [ValueSpec] = []
                for item in items {
                    var ignored = false
                    if let v = readValue(item, columns: nil, index: nil, allowOverride: false, override: &ignored, familyLevel: true) {
                        alternatives.append(v)
                    }
                }
                family.inventory[fact] = alternatives
            }
        }
        if let o = obj["options"]?.object(allowing: ["bulk", "max-repetitions", "exclude"]) {
            if let b = o["bulk"]?.bool() { family.disableBulk = !b }
            if let r = o["max-repetitions"] {
                if let n = r.int() {
                    if n < 1 || n > 200 { r.report("max-repetitions must be between 1 and 200") } else { family.maxRepetitions = n }
                }
            }
            if let e = o["exclude"], let names = e.stringList() {
                family.excludeTables = Set(names)
                deferred.append { [unowned self] in
                    let all = self.allTables
                    for n in names where all[n] == nil { e.report("unknown table \"\(n)\"\(self.suggest(n, all.keys))") }
                }
            }
        }
        if let prior = families.first(where: { $0.name == name }) {
            nameNode.report("duplicate family \"\(name)\" (also in \(prior.file))")
            return
        }
        families.append(family)
        familyDecl[name] = nameNode
    }

    // MARK: Includes

    func checkIncludeCycles() {
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var reported = Set<String>()
        func visit(_ m: String, _ stack: [String]) {
            guard let mod = modules[m] else { return }
            if state[m] == 2 { return }
            if state[m] == 1 {
                let cycle = Array(stack.drop { $0 != m }) + [m]
                let key = Set(cycle).sorted().joined(separator: ",")
                if reported.insert(key).inserted {
                    moduleDecl[m]?.report("include cycle: \(cycle.joined(separator: " -> "))")
                }
                return
            }
            state[m] = 1
            for i in mod.includes { visit(i, stack + [m]) }
            state[m] = 2
        }
        for m in modules.keys.sorted() { visit(m, []) }
    }

    func expand(_ names: [String]) -> [String] {
        var out: [String] = []
        func add(_ m: String) {
            guard !out.contains(m), let mod = modules[m] else { return }
            for i in mod.includes { add(i) }
            out.append(m)
        }
        for n in names { add(n) }
        return out
    }

    func suggest(_ word: String, _ candidates: some Sequence<String>) -> String {
        YAMLValue.closest(to: word, in: candidates).map { " (did you mean \"\($0)\"?)" } ?? ""
    }
}

/// A plain value (not a list or mapping). YAMLSupport hides Yams' node type from us.
func isScalarNode(_ v: YAMLValue) -> Bool { v.kind.hasPrefix("the value") }
