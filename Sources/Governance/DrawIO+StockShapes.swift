import Foundation
import InventoryModel

extension DrawIO {
    /// A drawing as PD technicians make it: stock network shapes with labels, no shape data.
    /// Collects the shapes with no `role` data while the pages are read, names the ones the
    /// stencil table knows as devices, and turns what cannot be read into warnings that say
    /// what reconciliation will miss, each kind summarised in one message.
    struct StockShapes {
        let stencils: StencilRoles

        /// A shape with no role data, as classified by the stencil table.
        struct Shape {
            var cell: Cell
            /// What the table says; nil when no rule matched.
            var meaning: StencilRoles.Meaning?
            /// The style's name for the shape: the matched stencil, else the first name the
            /// style gives (`mxgraph.veeam.2d.proxy`), else "shape" for plain geometry.
            var stencil: String
            var pictorial: Bool
        }

        struct Legacy {
            var code: DiagramIssueCode
            var params: [String: String]
            var message: String
        }

        struct EdgeProblem {
            enum Kind {
                /// Attached at one end (that cell), or at neither (nil).
                case dangling(attached: String?)
                /// Both ends the same cell.
                case selfLoop(String)
                /// An end that is not a device shape.
                case notCabling(String, String)
            }
            var cell: Cell
            var kind: Kind
            /// Device ids of the cells on the edge's page, when it was read.
            var deviceOfCell: [String: String]
            /// Today's error for a drawing declared entirely with shape data.
            var legacy: Legacy?
        }

        private var shapes: [String: Shape] = [:]      // by page + "\u{0}" + cell id
        private var pending: [String: [Shape]] = [:]   // device shapes by page, in drawing order
        private var named: [String: (id: String, stencil: String)] = [:]  // device id by page + cell id
        private var unlabelled: [(id: String, stencil: String)] = []
        private var repeatedLabels: [String: [String]] = [:]
        private var labelOrder: [String] = []
        private var countByRole: [Diagram.Role: Int] = [:]
        private var edgeProblems: [EdgeProblem] = []
        private(set) var hasStockDevices = false

        init(stencils: StencilRoles) { self.stencils = stencils }

        private static func key(_ page: String, _ id: String) -> String { page + "\u{0}" + id }

        /// Records a vertex with no role data (labels on edges are not shapes).
        mutating func consider(_ c: Cell) {
            if c.style.contains("edgeLabel") || c.id == "1" { return }
            let match = stencils.match(style: c.style)
            let name = match?.stencil ?? StencilRoles.names(ofStyle: c.style).first ?? "shape"
            let shape = Shape(cell: c, meaning: match?.meaning, stencil: name, pictorial: StencilRoles.isPictorial(style: c.style))
            shapes[Self.key(c.page, c.id)] = shape
            if case .device = match?.meaning {
                pending[c.page, default: []].append(shape)
                hasStockDevices = true
            }
        }

        /// The devices drawn with stock shapes on a page, named from their labels: a label
        /// becomes the id with its spaces as `-` (and the full label the name); an unlabelled
        /// shape is called by its role and a number (`router-2`); a repeated name gets `-2`, `-3`.
        mutating func devices(onPage page: String, taken: Set<String>) -> [(Cell, Diagram.Device)] {
            var used = taken.union(named.values.map(\.id))
            var out: [(Cell, Diagram.Device)] = []
            for shape in pending[page] ?? [] {
                guard case .device(let role) = shape.meaning else { continue }
                let c = shape.cell
                var label = c.label.trimmingCharacters(in: .whitespacesAndNewlines)
                // An address written in the label ("Core Switch<br>10.21.0.2") is the management
                // IP, so reconciliation can match by it; the rest of the label is the name.
                var managementIP: String?
                let words = label.split(whereSeparator: \.isWhitespace)
                let addresses = words.filter { IPAddress($0) != nil }
                if addresses.count == 1, let address = addresses.first, let ip = IPAddress(address) {
                    managementIP = ip.description
                    let rest = words.filter { $0 != address }.joined(separator: " ")
                    label = rest.isEmpty ? ip.description : rest
                }
                var id: String
                if label.isEmpty {
                    repeat {
                        countByRole[role, default: 0] += 1
                        id = "\(role.rawValue.replacingOccurrences(of: "_", with: "-"))-\(countByRole[role] ?? 1)"
                    } while used.contains(id)
                    unlabelled.append((id, shape.stencil))
                } else {
                    let base = Self.slug(label)
                    id = base
                    var n = 1
                    while used.contains(id) { n += 1; id = "\(base)-\(n)" }
                    if repeatedLabels[label] == nil { labelOrder.append(label) }
                    repeatedLabels[label, default: []].append(id)
                }
                used.insert(id)
                named[Self.key(page, c.id)] = (id, shape.stencil)
                out.append((c, Diagram.Device(id: id, role: role, name: label.isEmpty ? nil : label, managementIP: managementIP,
                                              source: SourceRef(cell: c.id, page: c.page), shape: shape.stencil)))
            }
            pending[page] = nil
            return out
        }

        /// A label as a device id: whitespace runs become `-`, `:` is dropped.
        static func slug(_ label: String) -> String {
            let words = label.replacingOccurrences(of: ":", with: "").split(whereSeparator: \.isWhitespace)
            let s = words.joined(separator: "-")
            return s.isEmpty ? "device" : s
        }

        /// An edge that makes no cable.
        mutating func unreadable(edge c: Cell, _ kind: EdgeProblem.Kind, deviceOfCell: [String: String],
                                 legacy: (code: DiagramIssueCode, params: [String: String], message: String)?) {
            edgeProblems.append(EdgeProblem(cell: c, kind: kind, deviceOfCell: deviceOfCell,
                                            legacy: legacy.map { Legacy(code: $0.code, params: $0.params, message: $0.message) }))
        }

        /// Today's errors, for a drawing whose every device carries role data.
        var legacyErrors: [(Cell, Legacy)] { edgeProblems.compactMap { p in p.legacy.map { (p.cell, $0) } } }

        /// How a message names a cell: by its device id or label, and its shape.
        func describe(_ cellID: String, page: String, deviceOfCell: [String: String]) -> String {
            if let n = named[Self.key(page, cellID)] { return "\(n.id) (\(n.stencil))" }
            if let id = deviceOfCell[cellID] { return "\(id) (role data)" }
            guard let shape = shapes[Self.key(page, cellID)] else { return "cell \"\(cellID)\", which is not in the drawing" }
            let label = shape.cell.label.trimmingCharacters(in: .whitespacesAndNewlines)
            let what = shape.stencil == "shape" ? "a plain shape" : shape.stencil
            return label.isEmpty ? "an unlabelled \(what)" : "\"\(label)\" (\(what))"
        }

        /// How a message's parameter names a cell, in no language: the device id, else the
        /// shape's label, else its stencil; "?" for a cell not in the drawing.
        func name(_ cellID: String, page: String, deviceOfCell: [String: String]) -> String {
            if let n = named[Self.key(page, cellID)] { return n.id }
            if let id = deviceOfCell[cellID] { return id }
            guard let shape = shapes[Self.key(page, cellID)] else { return "?" }
            let label = shape.cell.label.trimmingCharacters(in: .whitespacesAndNewlines)
            return label.isEmpty ? shape.stencil : label
        }

        /// "a, b, c, d, e and 3 more".
        static func list(_ items: [String], max: Int = 5) -> String {
            if items.count <= max { return items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + (items.last ?? "") }
            return items.prefix(max).joined(separator: ", ") + " and \(items.count - max) more"
        }

        /// Items counted: "4 × an unlabelled mxgraph.networks.mobile, 2 × …", most frequent first.
        static func tally(_ items: [String]) -> [String] {
            var counts: [String: Int] = [:]
            var order: [String] = []
            for i in items {
                if counts[i] == nil { order.append(i) }
                counts[i, default: 0] += 1
            }
            return order.enumerated().sorted { (counts[$0.element] ?? 0, -$0.offset) > (counts[$1.element] ?? 0, -$1.offset) }
                .map { (counts[$0.element] ?? 0) > 1 ? "\(counts[$0.element] ?? 0) × \($0.element)" : $0.element }
        }

        static func plural(_ n: Int, _ one: String, _ many: String) -> String { n == 1 ? "1 \(one)" : "\(n) \(many)" }

        /// Every problem kind in one warning (one per kind), at its first cell.
        func warnings(file: String) -> [DiagramIssue] {
            var out: [DiagramIssue] = []
            func warn(_ cell: Cell, _ path: String, _ code: DiagramIssueCode, _ params: [String: String], _ message: String) {
                out.append(DiagramIssue(file: file, source: SourceRef(cell: cell.id, page: cell.page), path: path, code: code, params: params,
                                        message: message, severity: .warning))
            }
            let list = DiagramIssueCode.list
            if !hasStockDevices {
                out.append(DiagramIssue(file: file, source: SourceRef(), path: "devices", code: .noDeviceShapes,
                                        params: ["count": String(shapes.count)], message: "no shape is recognised as a device (\(shapes.count) shapes, none with a known network stencil or role data), so reconciliation will find every device it sees undeclared: give the devices shape data role (Edit Data, Ctrl+M)", severity: .warning))
            }
            // Shapes that look like equipment but whose stencil the table does not know.
            let unknown = shapes.values.filter { $0.meaning == nil && $0.pictorial }.sorted { ($0.cell.page, $0.cell.id) < ($1.cell.page, $1.cell.id) }
            if let first = unknown.first {
                let what = Self.tally(unknown.map { s in
                    let label = s.cell.label.trimmingCharacters(in: .whitespacesAndNewlines)
                    return label.isEmpty ? s.stencil : "\"\(label)\" (\(s.stencil))"
                })
                let named = Self.tally(unknown.map { s in
                    let label = s.cell.label.trimmingCharacters(in: .whitespacesAndNewlines)
                    return label.isEmpty ? s.stencil : label
                })
                warn(first.cell, "shapes", .shapesWithoutRole, ["count": String(unknown.count), "shapes": list(named, 5)],
                     "\(Self.plural(unknown.count, "shape has", "shapes have")) no recognisable role, so reconciliation will not know what \(unknown.count == 1 ? "it is" : "they are"): \(Self.list(what)); give \(unknown.count == 1 ? "it" : "each") shape data role (Edit Data, Ctrl+M)")
            }
            if !unlabelled.isEmpty, let cell = firstDeviceCell(unlabelled[0].id) {
                let what = Self.tally(unlabelled.map(\.stencil)).map { $0 }
                warn(cell, "devices", .devicesUnlabelled, ["count": String(unlabelled.count), "shapes": list(what, 5),
                                                           "ids": list(unlabelled.map(\.id), 5)],
                     "\(Self.plural(unlabelled.count, "device has", "devices have")) no label, so reconciliation cannot match \(unlabelled.count == 1 ? "it" : "them") by name: \(Self.list(what)); Pantau calls \(unlabelled.count == 1 ? "it" : "them") \(Self.list(unlabelled.map(\.id)))")
            }
            let repeated = labelOrder.filter { (repeatedLabels[$0]?.count ?? 0) > 1 }
            if let firstLabel = repeated.first, let id = repeatedLabels[firstLabel]?.first, let cell = firstDeviceCell(id) {
                let what = repeated.map { "\"\($0)\" × \(repeatedLabels[$0]?.count ?? 0) (\(Self.list(repeatedLabels[$0] ?? [], max: 3)))" }
                let labels = repeated.map { "“\($0)” × \(repeatedLabels[$0]?.count ?? 0)" }
                warn(cell, "devices", .labelsRepeated, ["count": String(repeated.count), "labels": list(labels, 5)],
                     "\(Self.plural(repeated.count, "label names", "labels name")) several devices, so Pantau numbers them: \(Self.list(what))")
            }
            // Edges that make no cable, by kind.
            // Each with its English description and its neutral name (for the parameters).
            var dangling: [(EdgeProblem, String, String)] = []
            var loops: [(EdgeProblem, String, String)] = []
            var toNonDevice: [(EdgeProblem, String, String)] = []
            var toNoRole: [(EdgeProblem, String, String)] = []
            for p in edgeProblems {
                let page = p.cell.page
                switch p.kind {
                case .dangling(let attached):
                    dangling.append((p, attached.map { "from " + describe($0, page: page, deviceOfCell: p.deviceOfCell) } ?? "attached at neither end",
                                     attached.map { name($0, page: page, deviceOfCell: p.deviceOfCell) } ?? "—"))
                case .selfLoop(let id):
                    loops.append((p, describe(id, page: page, deviceOfCell: p.deviceOfCell), name(id, page: page, deviceOfCell: p.deviceOfCell)))
                case .notCabling(let s, let t):
                    // Name the end that is not a device; both when neither is.
                    let ends = [s, t].filter { p.deviceOfCell[$0] == nil }
                    let text = ends.map { describe($0, page: page, deviceOfCell: p.deviceOfCell) }.joined(separator: " – ")
                    let neutral = ends.map { name($0, page: page, deviceOfCell: p.deviceOfCell) }.joined(separator: " – ")
                    let known = ends.allSatisfy { shapes[Self.key(page, $0)]?.meaning == .notADevice }
                    if known { toNonDevice.append((p, text, neutral)) } else { toNoRole.append((p, text, neutral)) }
                }
            }
            func params(_ items: [(EdgeProblem, String, String)], _ key: String = "ends") -> [String: String] {
                ["count": String(items.count), key: list(Self.tally(items.map(\.2)), 5)]
            }
            if let first = toNoRole.first {
                warn(first.0.cell, "links", .linksToShapesWithoutRole, params(toNoRole), "\(Self.plural(toNoRole.count, "link is", "links are")) attached to \(toNoRole.count == 1 ? "a shape" : "shapes") with no role, so reconciliation will not check \(toNoRole.count == 1 ? "it" : "them"): \(Self.list(Self.tally(toNoRole.map(\.1))))")
            }
            if let first = toNonDevice.first {
                warn(first.0.cell, "links", .linksToNonDevices, params(toNonDevice), "\(Self.plural(toNonDevice.count, "link ends", "links end")) on \(toNonDevice.count == 1 ? "a shape that is not a device" : "shapes that are not devices") Pantau reconciles, so \(toNonDevice.count == 1 ? "it is" : "they are") not checked: \(Self.list(Self.tally(toNonDevice.map(\.1))))")
            }
            if let first = dangling.first {
                warn(first.0.cell, "links", .linksNotAttached, params(dangling), "\(Self.plural(dangling.count, "link is", "links are")) not attached at both ends, so reconciliation will not check \(dangling.count == 1 ? "it" : "them"): \(Self.list(Self.tally(dangling.map(\.1))))")
            }
            if let first = loops.first {
                warn(first.0.cell, "links", .linksToThemselves, params(loops, "shapes"), "\(Self.plural(loops.count, "link starts", "links start")) and \(loops.count == 1 ? "ends" : "end") on the same shape, so \(loops.count == 1 ? "it is" : "they are") ignored: \(Self.list(Self.tally(loops.map(\.1))))")
            }
            return out
        }

        private func firstDeviceCell(_ id: String) -> Cell? {
            for (key, n) in named where n.id == id {
                if let shape = shapes[key] { return shape.cell }
            }
            return nil
        }

        /// With no boundary marked: the one router or firewall drawn linked to a cloud (the
        /// Internet, the WAN), else the only router or firewall in the drawing; nil when that
        /// does not pick exactly one.
        func inferredBoundary(devices: [Diagram.Device], links: [Diagram.Link]) -> (Diagram.Device, String, DiagramIssueCode, [String: String])? {
            let edgeRoles: Set<Diagram.Role> = [.router, .firewall]
            var linked: [String: String] = [:]  // device id -> the cloud it is linked to
            var cloudName: [String: String] = [:]  // the same, as a parameter
            for p in edgeProblems {
                guard case .notCabling(let s, let t) = p.kind else { continue }
                for (dev, other) in [(s, t), (t, s)] {
                    guard let id = p.deviceOfCell[dev], let shape = shapes[Self.key(p.cell.page, other)], shape.meaning == .notADevice,
                          shape.stencil.contains("cloud") else { continue }
                    let label = shape.cell.label.trimmingCharacters(in: .whitespacesAndNewlines)
                    linked[id] = linked[id] ?? (label.isEmpty ? "a cloud" : "\"\(label)\"")
                    cloudName[id] = cloudName[id] ?? (label.isEmpty ? shape.stencil : label)
                }
            }
            let onCloud = devices.filter { edgeRoles.contains($0.role) && linked[$0.id] != nil }
            let name = { (d: Diagram.Device) in "\(d.id) (\(d.shape ?? "role data"))" }
            if onCloud.count == 1, let d = onCloud.first {
                return (d, "no boundary router is marked; Pantau takes \(name(d)), linked to \(linked[d.id] ?? "a cloud"), as where the WAN meets this LAN (mark another with shape data boundary = yes)",
                        .boundaryInferredFromCloud, ["router": d.name ?? d.id, "cloud": cloudName[d.id] ?? "?"])
            }
            let all = devices.filter { edgeRoles.contains($0.role) }
            if onCloud.isEmpty, all.count == 1, let d = all.first {
                return (d, "no boundary router is marked; Pantau takes \(name(d)), the only router or firewall drawn, as where the WAN meets this LAN (mark another with shape data boundary = yes)",
                        .boundaryInferredOnlyRouter, ["router": d.name ?? d.id])
            }
            return nil
        }
    }
}
