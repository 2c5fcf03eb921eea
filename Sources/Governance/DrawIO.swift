import Compression
import Foundation

/// Reading and writing diagrams.net (draw.io) files.
///
/// Conventions (config/diagrams/README.md): each device is a shape whose shape data
/// ("Edit Data", Ctrl+M) has `role` plus optional `vendor`, `model`, `serial`, `firmware`, `ip`,
/// `mac`, `location`, `snmp`, `acquired`, `asset_source`, `register_number`, `name`;
/// the shape's label is the device id. The boundary router has `boundary=yes` (and
/// `wan_port`, `upstream`, `wan_address`, `bandwidth_mbps`). Edges between devices are
/// links; ports come from edge data `source_port`/`target_port` or a label such as
/// `ether2 - 1`; `media` and `speed_mbps` may be set. Shapes with `role=vlan` or
/// `role=segment` declare VLANs and end-user segments. The diagram's own data (Edit Data
/// on the empty background) carries `pd`, `site` and `as_of`. All pages are read.
public enum DrawIO {
    /// Largest decompressed page accepted.
    public static let maxPageBytes = 8 * 1024 * 1024
    public static let maxPages = 64
    /// Most bytes all compressed pages of one file may inflate to together, and most XML
    /// elements all its pages may hold: a small upload of many highly compressible pages
    /// (a decompression bomb) is refused once it passes these, after bounded work.
    public static let maxInflatedBytes = 16 * 1024 * 1024
    public static let maxElements = 400_000

    // MARK: - Import

    /// Reads a .drawio file (plain or compressed pages, one or many) into a diagram plus the
    /// problems found. Throws only when the file cannot be read as draw.io at all.
    /// A drawing made with stock shapes and no shape data is read too: a shape's role comes
    /// from its style (`stencils`), its name from its label, and the PD from `defaultPD` (the
    /// submitter's) when the drawing does not say; what cannot be read becomes a warning that
    /// says what reconciliation will miss.
    public static func importDiagram(_ bytes: [UInt8], file: String, defaultPD: String? = nil,
                                     stencils: StencilRoles = .standard) throws(XMLInputError) -> (Diagram?, [DiagramIssue]) {
        let root = try XMLTree.parse(bytes, what: file, maxElements: maxElements)
        var inflatedLeft = maxInflatedBytes
        var elementsLeft = maxElements - root.elementCount
        var pages: [(name: String, model: XMLElement)] = []
        switch root.name {
        case "mxGraphModel":
            pages = [("Page-1", root)]
        case "mxfile":
            let diagrams = root.children.filter { $0.name == "diagram" }
            if diagrams.count > maxPages { throw XMLInputError(message: "\(file): \(diagrams.count) pages; at most \(maxPages) are read") }
            for (i, d) in diagrams.enumerated() {
                let name = d.attr("name") ?? "Page-\(i + 1)"
                if let model = d.child("mxGraphModel") {
                    pages.append((name, model))
                } else {
                    let text = d.text.trimmingCharacters(in: .whitespacesAndNewlines)
                    if text.isEmpty { continue }
                    let what = "\(file): page \"\(name)\""
                    let (xml, inflated) = try decompressPage(text, what: what, budget: inflatedLeft)
                    inflatedLeft -= inflated
                    guard elementsLeft > 0 else {
                        throw XMLInputError(message: "\(what): the file holds more than \(maxElements) XML elements", limitExceeded: true)
                    }
                    let model = try XMLTree.parse(xml, what: what, maxElements: elementsLeft)
                    elementsLeft -= model.elementCount
                    guard model.name == "mxGraphModel" else {
                        throw XMLInputError(message: "\(file): page \"\(name)\": expected <mxGraphModel>, found <\(model.name)>")
                    }
                    pages.append((name, model))
                }
            }
        default:
            throw XMLInputError(message: "\(file): not a draw.io file (root element <\(root.name)>, expected <mxfile> or <mxGraphModel>)")
        }
        if pages.isEmpty { throw XMLInputError(message: "\(file): the draw.io file has no pages") }
        return build(pages: pages, file: file, defaultPD: defaultPD, stencils: stencils)
    }

    /// diagrams.net's compressed page: base64, then raw DEFLATE, then URI-encoded XML.
    /// Returns the page's XML and the bytes inflated for it, inflating at most `budget`
    /// bytes (what is left of the file's `maxInflatedBytes`).
    static func decompressPage(_ text: String, what: String, budget: Int = maxInflatedBytes) throws(XMLInputError) -> ([UInt8], Int) {
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw XMLInputError(message: "\(what): compressed page is not valid base64")
        }
        let limit = min(maxPageBytes * 3, budget)
        let inflated: [UInt8]
        do { inflated = try RawDeflate.inflate(Array(data), limit: limit) } catch {
            if error.limitExceeded {
                throw XMLInputError(message: limit < maxPageBytes * 3
                    ? "\(what): the compressed pages inflate to more than \(maxInflatedBytes) bytes together; nothing more is read"
                    : "\(what): compressed page inflates to more than \(limit) bytes", limitExceeded: true)
            }
            throw XMLInputError(message: "\(what): compressed page cannot be decompressed: \(error)")
        }
        let encoded = String(decoding: inflated, as: UTF8.self)
        guard let decoded = encoded.removingPercentEncoding else {
            throw XMLInputError(message: "\(what): decompressed page is not URI-encoded text")
        }
        let out = Array(decoded.utf8)
        if out.count > maxPageBytes { throw XMLInputError(message: "\(what): page is larger than \(maxPageBytes) bytes", limitExceeded: true) }
        return (out, inflated.count)
    }

    /// A cell with its data: `<mxCell>` alone or wrapped in `<object>`/`<UserObject>`.
    struct Cell {
        var id: String
        var data: [String: String]
        var label: String
        var isVertex: Bool
        var isEdge: Bool
        var source: String?
        var target: String?
        var page: String
        var parent: String?
        var style: String
        /// Relative position of an edge label along its edge (-1 source end … 1 target end).
        var x: Double?
        /// How a message names the shape: its label, else its `name` data, else its cell id.
        var shapeName: String { label.isEmpty ? (data["name"] ?? id) : label }
    }

    static func cells(of model: XMLElement, page: String) -> [Cell] {
        guard let root = model.child("root") else { return [] }
        var out: [Cell] = []
        for el in root.children {
            var data: [String: String] = [:]
            var cellEl = el
            var id = el.attr("id") ?? ""
            var label = el.attr("value") ?? ""
            if el.name == "object" || el.name == "UserObject" {
                for (k, v) in el.attributes where !["id", "label", "placeholders", "tooltip", "link"].contains(k) { data[k] = v }
                label = el.attr("label") ?? ""
                id = el.attr("id") ?? ""
                guard let inner = el.child("mxCell") else { continue }
                cellEl = inner
            } else if el.name != "mxCell" {
                continue
            }
            out.append(Cell(id: id, data: data, label: plainText(label), isVertex: cellEl.attr("vertex") == "1",
                            isEdge: cellEl.attr("edge") == "1", source: cellEl.attr("source"), target: cellEl.attr("target"),
                            page: page, parent: cellEl.attr("parent"), style: cellEl.attr("style") ?? "",
                            x: cellEl.child("mxGeometry")?.attr("x").flatMap(Double.init)))
        }
        return out
    }

    /// Labels may be HTML (`html=1`); keep the text only: tags and line breaks become
    /// spaces, runs of white space one space, and the common entities their characters.
    static func plainText(_ s: String) -> String {
        var out = ""
        var inTag = false
        for ch in s {
            if ch == "<" { inTag = true; out.append(" ") } else if ch == ">" { inTag = false } else if !inTag { out.append(ch) }
        }
        var decoded = out
        for (entity, char) in [("&nbsp;", " "), ("&#160;", " "), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"),
                               ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")] {
            decoded = decoded.replacingOccurrences(of: entity, with: char)
        }
        return decoded.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func build(pages: [(name: String, model: XMLElement)], file: String, defaultPD: String? = nil,
                      stencils: StencilRoles = .standard) -> (Diagram?, [DiagramIssue]) {
        var issues: [DiagramIssue] = []
        // A shape's problem: `shape` (its label, else its cell id) joins the parameters.
        func add(_ c: Cell, _ path: String, _ code: DiagramIssueCode, _ params: [String: String], _ msg: String) {
            var params = params
            params["shape"] = c.shapeName
            issues.append(DiagramIssue(file: file, source: SourceRef(cell: c.id, page: c.page), path: path, code: code, params: params, message: msg))
        }
        var pd: String?, site: String?, asOf: String?
        var pdSource = SourceRef()
        var devices: [Diagram.Device] = []
        var boundary: Diagram.Boundary?
        var vlans: [Diagram.VLAN] = []
        var segments: [Diagram.Segment] = []
        var links: [Diagram.Link] = []
        let allowedDeviceKeys: Set<String> = [
            "role", "name", "vendor", "model", "serial", "firmware", "ip", "mac", "location", "snmp", "acquired", "asset_source",
            "register_number", "boundary", "wan_port", "upstream", "wan_address", "bandwidth_mbps", "device_id",
            "uplink", "uplink_port",
        ]
        // Cables between pages (one page per floor) cannot be drawn as edges; a device's
        // `uplink` data ("sw-core:2", with its own port in `uplink_port`) declares them.
        var uplinks: [(Cell, String, String?, String)] = []
        // Shapes without role data, and edges that do not make a cable: kept to be named or
        // reported once every page is read (StockShapes, in DrawIO+StockShapes.swift).
        var stock = StockShapes(stencils: stencils)
        var anyRoleData = false
        for (pageName, model) in pages {
            let cs = cells(of: model, page: pageName)
            var deviceOfCell: [String: String] = [:]
            var roleOfCell: [String: String] = [:]
            for c in cs {
                if c.id == "0" || (!c.isVertex && !c.isEdge && !c.data.isEmpty) {
                    // Diagram data (Edit Data on the background).
                    if let v = c.data["pd"] {
                        if let pd, pd != v {
                            issues.append(DiagramIssue(file: file, source: SourceRef(cell: c.id, page: c.page), path: "pd", code: .pdConflict,
                                                       params: ["page": c.page, "pd": v, "other": pd],
                                                       message: "page says PD \"\(v)\" but an earlier page says \"\(pd)\""))
                        }
                        pd = v
                        pdSource = SourceRef(cell: c.id, page: c.page)
                    }
                    if let v = c.data["site"] { site = v }
                    if let v = c.data["as_of"] { asOf = v }
                    continue
                }
                guard c.isVertex, let roleText = c.data["role"]?.trimmingCharacters(in: .whitespaces).lowercased() else {
                    if c.isVertex { stock.consider(c) }
                    continue
                }
                roleOfCell[c.id] = roleText
                anyRoleData = true
                let src = SourceRef(cell: c.id, page: c.page)
                switch roleText {
                case "vlan":
                    guard let idText = c.data["vlan"] ?? c.data["id_vlan"], let vid = Int(idText) else {
                        add(c, "vlan", .vlanShapeWithoutNumber, [:], "a role=vlan shape needs a numeric vlan data field")
                        continue
                    }
                    // "VLAN 30" is the label Pantau writes for an unnamed VLAN.
                    let named = !c.label.isEmpty && c.label != "VLAN \(vid)"
                    vlans.append(Diagram.VLAN(id: vid, name: named ? c.label : nil, subnet: c.data["subnet"],
                                              gateway: c.data["gateway"], source: src))
                case "segment":
                    var vlan: Int?
                    if let t = c.data["vlan"] {
                        vlan = Int(t)
                        if vlan == nil { add(c, "vlan", .vlanNotNumber, ["value": t], "\"\(t)\" is not a VLAN number") }
                    }
                    var hosts: Int?
                    if let t = c.data["hosts"] {
                        hosts = Int(t)
                        if hosts == nil { add(c, "hosts", .hostsNotNumber, ["value": t], "\"\(t)\" is not a number") }
                    }
                    segments.append(Diagram.Segment(name: c.label.isEmpty ? c.id : c.label, vlan: vlan, kind: c.data["kind"],
                                                    approxHosts: hosts, accessSwitch: c.data["switch"], accessPorts: c.data["ports"],
                                                    source: src))
                default:
                    let aliases: [String: Diagram.Role] = ["ap": .accessPoint, "access point": .accessPoint, "pc group": .pcGroup,
                                                           "pcs": .pcGroup]
                    guard let role = Diagram.Role(rawValue: roleText) ?? aliases[roleText] else {
                        add(c, "role", .roleUnknown, ["value": roleText, "allowed": Diagram.Role.allCases.map(\.rawValue).joined(separator: ", ")],
                            "\"\(roleText)\" is not one of: \(Diagram.Role.allCases.map(\.rawValue).joined(separator: ", ")), vlan, segment")
                        continue
                    }
                    for k in c.data.keys.sorted() where !allowedDeviceKeys.contains(k) {
                        add(c, k, .shapeDataUnknown, ["key": k, "allowed": allowedDeviceKeys.sorted().joined(separator: ", ")], "unknown shape data \"\(k)\"; allowed: \(allowedDeviceKeys.sorted().joined(separator: ", "))")
                    }
                    let id = c.data["device_id"] ?? (c.label.isEmpty ? c.id : c.label)
                    var snmp: Bool?
                    if let s = c.data["snmp"]?.lowercased() {
                        snmp = ["yes", "true", "1", "ya"].contains(s) ? true : ["no", "false", "0", "tidak"].contains(s) ? false : nil
                        if snmp == nil { add(c, "snmp", .snmpNotYesNo, ["value": s], "\"\(s)\" is not yes or no") }
                    }
                    var asset: Diagram.Asset?
                    if c.data["acquired"] != nil || c.data["asset_source"] != nil || c.data["register_number"] != nil {
                        var a = Diagram.Asset(acquired: c.data["acquired"], registerNumber: c.data["register_number"])
                        if let s = c.data["asset_source"] {
                            a.source = Diagram.Asset.Source(rawValue: s)
                            if a.source == nil { add(c, "asset_source", .assetSourceUnknown,
                                                       ["value": s, "allowed": Diagram.Asset.Source.allCases.map(\.rawValue).joined(separator: ", ")], "\"\(s)\" is not one of: \(Diagram.Asset.Source.allCases.map(\.rawValue).joined(separator: ", "))") }
                        }
                        asset = a
                    }
                    let macs = (c.data["mac"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }).map(String.init)
                    devices.append(Diagram.Device(id: id, role: role, name: c.data["name"], vendor: c.data["vendor"], model: c.data["model"],
                                                  serial: c.data["serial"], firmware: c.data["firmware"], managementIP: c.data["ip"], macs: macs,
                                                  location: c.data["location"], snmp: snmp, asset: asset, source: src))
                    deviceOfCell[c.id] = id
                    if let up = c.data["uplink"], !up.isEmpty { uplinks.append((c, id, c.data["uplink_port"], up)) }
                    if let b = c.data["boundary"]?.lowercased(), ["yes", "true", "1", "ya"].contains(b) {
                        if let boundary { add(c, "boundary", .boundaryMarkedTwice, ["router": boundary.router], "a second boundary device; \"\(boundary.router)\" is already marked") }
                        var bw: Double?
                        if let t = c.data["bandwidth_mbps"] {
                            bw = Double(t)
                            if bw == nil { add(c, "bandwidth_mbps", .bandwidthNotNumber, ["value": t], "\"\(t)\" is not a number") }
                        }
                        boundary = Diagram.Boundary(router: id, wanPort: c.data["wan_port"], upstream: c.data["upstream"],
                                                    wanAddress: c.data["wan_address"], bandwidthMbps: bw, source: src)
                    }
                }
            }
            // Shapes with no role data: a device when the stencil table knows their stencil.
            for (c, device) in stock.devices(onPage: pageName, taken: Set(devices.map(\.id))) {
                devices.append(device)
                deviceOfCell[c.id] = device.id
            }
            // Extra labels placed on an edge (child cells with style edgeLabel): one near the
            // source end names the source port, one near the target end the target port.
            var endLabels: [String: (String?, String?, String?)] = [:]
            for c in cs where c.isVertex && c.style.contains("edgeLabel") && !c.label.isEmpty {
                guard let parent = c.parent else { continue }
                var e = endLabels[parent] ?? (nil, nil, nil)
                if let x = c.x, x < -0.3 { e.0 = c.label } else if let x = c.x, x > 0.3 { e.1 = c.label } else { e.2 = c.label }
                endLabels[parent] = e
            }
            for c in cs where c.isEdge {
                guard let s = c.source, let t = c.target else {
                    stock.unreadable(edge: c, .dangling(attached: c.source ?? c.target), deviceOfCell: deviceOfCell,
                                     legacy: (.linkNotAttached, [:], "edge is not connected at both ends; attach it to two device shapes"))
                    continue
                }
                // Lines to VLAN or segment shapes are annotations, not cabling.
                if ["vlan", "segment"].contains(roleOfCell[s] ?? "") || ["vlan", "segment"].contains(roleOfCell[t] ?? "") { continue }
                guard let a = deviceOfCell[s], let b = deviceOfCell[t] else {
                    let kind: StockShapes.EdgeProblem.Kind = s == t ? .selfLoop(s) : .notCabling(s, t)
                    stock.unreadable(edge: c, kind, deviceOfCell: deviceOfCell,
                                     legacy: (.linkToNonDevice, ["end": cs.first { $0.id == (deviceOfCell[s] == nil ? s : t) }?.shapeName ?? (deviceOfCell[s] == nil ? s : t)],
                                             "edge connects cell \"\(deviceOfCell[s] == nil ? s : t)\" which is not a device shape (no role in its data)"))
                    continue
                }
                if s == t, stock.hasStockDevices {
                    // A device linked to itself: nothing to reconcile (YAML and annotated drawings refuse it).
                    stock.unreadable(edge: c, .selfLoop(s), deviceOfCell: deviceOfCell, legacy: nil)
                    continue
                }
                var (pa, pb) = (c.data["source_port"], c.data["target_port"])
                if pa == nil && pb == nil, !c.label.isEmpty { (pa, pb) = splitPortLabel(c.label) }
                if let extra = endLabels[c.id] {
                    if pa == nil && pb == nil, let mid = extra.2 { (pa, pb) = splitPortLabel(mid) }
                    pa = pa ?? extra.0
                    pb = pb ?? extra.1
                }
                var media: Diagram.Media?
                if let m = c.data["media"] {
                    media = Diagram.Media(rawValue: m.lowercased())
                    if media == nil { add(c, "media", .mediaUnknown, ["value": m, "allowed": Diagram.Media.allCases.map(\.rawValue).joined(separator: ", ")], "\"\(m)\" is not one of: \(Diagram.Media.allCases.map(\.rawValue).joined(separator: ", "))") }
                }
                var speed: Int?
                if let t = c.data["speed_mbps"] {
                    speed = Int(t)
                    if speed == nil { add(c, "speed_mbps", .speedNotNumber, ["value": t], "\"\(t)\" is not a whole number") }
                }
                links.append(Diagram.Link(a: .init(device: a, port: pa.flatMap { $0.isEmpty ? nil : $0 }),
                                          b: .init(device: b, port: pb.flatMap { $0.isEmpty ? nil : $0 }),
                                          media: media, speedMbps: speed, source: SourceRef(cell: c.id, page: c.page)))
            }
        }
        for (c, id, port, up) in uplinks {
            let far = Diagram.Endpoint(parsing: up)
            links.append(Diagram.Link(a: .init(device: id, port: port), b: far, source: SourceRef(cell: c.id, page: c.page)))
        }
        // A drawing made with stock shapes (some device read from its stencil, or no shape
        // data at all) is read leniently; one declared entirely with shape data, strictly.
        let stockDrawing = stock.hasStockDevices || !anyRoleData
        if stockDrawing {
            issues += stock.warnings(file: file)
            if boundary == nil, let (router, why, code, params) = stock.inferredBoundary(devices: devices, links: links) {
                boundary = Diagram.Boundary(router: router.id, source: router.source)
                issues.append(DiagramIssue(file: file, source: router.source, path: "boundary", code: code, params: params, message: why,
                                           severity: .warning))
            }
        } else {
            for (c, legacy) in stock.legacyErrors { add(c, "edge", legacy.code, legacy.params, legacy.message) }
        }
        guard let pd = pd ?? defaultPD else {
            issues.append(DiagramIssue(file: file, source: SourceRef(cell: "0"), path: "pd", code: .pdMissing,
                                       message: "the diagram has no pd: select the empty background, Edit Data (Ctrl+M), add property pd"))
            return (nil, issues)
        }
        if let a = asOf, LocalDate(a) == nil {
            issues.append(DiagramIssue(file: file, source: pdSource, path: "as_of", code: .asOfNotDate, params: ["value": a],
                                       message: "\"\(a)\" is not a date YYYY-MM-DD"))
        }
        var d = Diagram(pd: pd, site: site, asOf: asOf.flatMap { LocalDate($0) == nil ? nil : $0 }, boundary: boundary,
                        devices: devices, links: links, vlans: vlans, segments: segments, source: pdSource)
        if stockDrawing { d.stockDrawing = true }
        return (d, issues)
    }

    /// "ether2 - 1", "Gi0/1 <-> 24", "1 ↔ 2" → the two ports.
    static func splitPortLabel(_ label: String) -> (String?, String?) {
        for sep in [" <-> ", "<->", " ↔ ", "↔", " -- ", " - ", " to "] {
            if let r = label.range(of: sep) {
                let a = label[..<r.lowerBound].trimmingCharacters(in: .whitespaces)
                let b = label[r.upperBound...].trimmingCharacters(in: .whitespaces)
                return (a.isEmpty ? nil : a, b.isEmpty ? nil : b)
            }
        }
        return (nil, nil)
    }

    // MARK: - Export

    /// Writes a draw.io file following the conventions above, one page. With `compressed`,
    /// the page is stored the way diagrams.net compresses it.
    public static func export(_ d: Diagram, compressed: Bool = false, pageName: String = "LAN") -> String {
        let model = graphModel(d)
        let body: String
        if compressed {
            let encoded = uriEncode(model)
            // deflate of in-memory bytes only fails on zlib initialisation errors (out of memory).
            let deflated = (try? RawDeflate.deflate(Array(encoded.utf8))) ?? []
            body = "<diagram id=\"pantau-\(xmlEscape(d.pd))\" name=\"\(xmlEscape(pageName))\">\(Data(deflated).base64EncodedString())</diagram>"
        } else {
            body = "<diagram id=\"pantau-\(xmlEscape(d.pd))\" name=\"\(xmlEscape(pageName))\">\n\(model)\n</diagram>"
        }
        return "<mxfile host=\"pantau\" type=\"device\" compressed=\"\(compressed)\">\n\(body)\n</mxfile>\n"
    }

    /// Multi-page export (one page per item), for starter files.
    public static func exportPages(_ pages: [(name: String, model: String)], compressed: Bool) -> String {
        var out = "<mxfile host=\"pantau\" type=\"device\" compressed=\"\(compressed)\">\n"
        for (i, p) in pages.enumerated() {
            if compressed {
                let deflated = (try? RawDeflate.deflate(Array(uriEncode(p.model).utf8))) ?? []
                out += "<diagram id=\"page-\(i + 1)\" name=\"\(xmlEscape(p.name))\">\(Data(deflated).base64EncodedString())</diagram>\n"
            } else {
                out += "<diagram id=\"page-\(i + 1)\" name=\"\(xmlEscape(p.name))\">\n\(p.model)\n</diagram>\n"
            }
        }
        return out + "</mxfile>\n"
    }

    static let roleStyle: [Diagram.Role: String] = [
        .router: "shape=hexagon;perimeter=hexagonPerimeter2;fillColor=#dae8fc;strokeColor=#6c8ebf;",
        .firewall: "shape=hexagon;perimeter=hexagonPerimeter2;fillColor=#f8cecc;strokeColor=#b85450;",
        .switch_: "rounded=1;fillColor=#d5e8d4;strokeColor=#82b366;",
        .accessPoint: "ellipse;fillColor=#fff2cc;strokeColor=#d6b656;",
        .server: "rounded=0;fillColor=#e1d5e7;strokeColor=#9673a6;",
        .pcGroup: "rounded=1;dashed=1;fillColor=#f5f5f5;strokeColor=#666666;",
        .printer: "rounded=0;fillColor=#ffe6cc;strokeColor=#d79b00;",
        .ups: "rounded=0;fillColor=#eeeeee;strokeColor=#36393d;",
        .nas: "rounded=0;fillColor=#e1d5e7;strokeColor=#9673a6;",
        .other: "rounded=0;fillColor=#ffffff;strokeColor=#000000;",
    ]

    /// The `<mxGraphModel>` of one page. Devices are laid out by hops from the boundary router.
    public static func graphModel(_ d: Diagram, pageData: Bool = true) -> String {
        var rows: [[Diagram.Device]] = []
        var depth: [String: Int] = [:]
        let start = d.boundary?.router ?? d.devices.first { $0.role == .router }?.id ?? d.devices.first?.id
        if let start {
            depth[start] = 0
            var queue = [start]
            while !queue.isEmpty {
                let cur = queue.removeFirst()
                for l in d.links {
                    let next = l.a.device == cur ? l.b.device : l.b.device == cur ? l.a.device : nil
                    if let next, depth[next] == nil { depth[next] = (depth[cur] ?? 0) + 1; queue.append(next) }
                }
            }
        }
        let maxDepth = depth.values.max() ?? 0
        for dev in d.devices {
            let r = depth[dev.id] ?? (maxDepth + 1)
            while rows.count <= r { rows.append([]) }
            rows[r].append(dev)
        }
        var cellID: [String: String] = [:]
        for (i, dev) in d.devices.enumerated() { cellID[dev.id] = "dev-\(i + 1)" }
        var out = "<mxGraphModel dx=\"1200\" dy=\"800\" grid=\"1\" gridSize=\"10\" page=\"1\" pageWidth=\"1169\" pageHeight=\"827\">\n<root>\n"
        if pageData {
            var attrs = "label=\"\" pd=\"\(xmlEscape(d.pd))\""
            if let s = d.site { attrs += " site=\"\(xmlEscape(s))\"" }
            if let a = d.asOf { attrs += " as_of=\"\(xmlEscape(a))\"" }
            out += "<object \(attrs) id=\"0\"><mxCell /></object>\n"
        } else {
            out += "<mxCell id=\"0\" />\n"
        }
        out += "<mxCell id=\"1\" parent=\"0\" />\n"
        for (r, row) in rows.enumerated() {
            for (c, dev) in row.enumerated() {
                var attrs: [(String, String)] = [("label", dev.id), ("role", dev.role.rawValue)]
                if let v = dev.name { attrs.append(("name", v)) }
                if let v = dev.vendor { attrs.append(("vendor", v)) }
                if let v = dev.model { attrs.append(("model", v)) }
                if let v = dev.serial { attrs.append(("serial", v)) }
                if let v = dev.firmware { attrs.append(("firmware", v)) }
                if let v = dev.managementIP { attrs.append(("ip", v)) }
                if !dev.macs.isEmpty { attrs.append(("mac", dev.macs.joined(separator: ","))) }
                if let v = dev.location { attrs.append(("location", v)) }
                if let v = dev.snmp { attrs.append(("snmp", v ? "yes" : "no")) }
                if let a = dev.asset {
                    if let v = a.acquired { attrs.append(("acquired", v)) }
                    if let v = a.source { attrs.append(("asset_source", v.rawValue)) }
                    if let v = a.registerNumber { attrs.append(("register_number", v)) }
                }
                if let b = d.boundary, b.router == dev.id {
                    attrs.append(("boundary", "yes"))
                    if let v = b.wanPort { attrs.append(("wan_port", v)) }
                    if let v = b.upstream { attrs.append(("upstream", v)) }
                    if let v = b.wanAddress { attrs.append(("wan_address", v)) }
                    if let v = b.bandwidthMbps { attrs.append(("bandwidth_mbps", v == v.rounded() ? String(Int(v)) : String(v))) }
                }
                let a = attrs.map { "\($0.0)=\"\(xmlEscape($0.1))\"" }.joined(separator: " ")
                let style = (roleStyle[dev.role] ?? "") + "whiteSpace=wrap;html=1;"
                out += "<object \(a) id=\"\(cellID[dev.id] ?? dev.id)\"><mxCell style=\"\(style)\" vertex=\"1\" parent=\"1\">"
                out += "<mxGeometry x=\"\(40 + c * 180)\" y=\"\(40 + r * 140)\" width=\"120\" height=\"60\" as=\"geometry\" /></mxCell></object>\n"
            }
        }
        let infoY = 40 + rows.count * 140
        for (i, v) in d.vlans.enumerated() {
            var attrs: [(String, String)] = [("label", v.name ?? "VLAN \(v.id)"), ("role", "vlan"), ("vlan", String(v.id))]
            if let s = v.subnet { attrs.append(("subnet", s)) }
            if let g = v.gateway { attrs.append(("gateway", g)) }
            let a = attrs.map { "\($0.0)=\"\(xmlEscape($0.1))\"" }.joined(separator: " ")
            out += "<object \(a) id=\"vlan-\(i + 1)\"><mxCell style=\"shape=note;whiteSpace=wrap;html=1;fillColor=#fff2cc;\" vertex=\"1\" parent=\"1\">"
            out += "<mxGeometry x=\"\(40 + i * 180)\" y=\"\(infoY)\" width=\"140\" height=\"50\" as=\"geometry\" /></mxCell></object>\n"
        }
        for (i, s) in d.segments.enumerated() {
            var attrs: [(String, String)] = [("label", s.name), ("role", "segment")]
            if let v = s.vlan { attrs.append(("vlan", String(v))) }
            if let k = s.kind { attrs.append(("kind", k)) }
            if let h = s.approxHosts { attrs.append(("hosts", String(h))) }
            if let w = s.accessSwitch { attrs.append(("switch", w)) }
            if let p = s.accessPorts { attrs.append(("ports", p)) }
            let a = attrs.map { "\($0.0)=\"\(xmlEscape($0.1))\"" }.joined(separator: " ")
            out += "<object \(a) id=\"seg-\(i + 1)\"><mxCell style=\"shape=cloud;whiteSpace=wrap;html=1;\" vertex=\"1\" parent=\"1\">"
            out += "<mxGeometry x=\"\(40 + i * 180)\" y=\"\(infoY + 80)\" width=\"140\" height=\"70\" as=\"geometry\" /></mxCell></object>\n"
        }
        for (i, l) in d.links.enumerated() {
            var attrs: [(String, String)] = [("label", "\(l.a.port ?? "") - \(l.b.port ?? "")")]
            if let p = l.a.port { attrs.append(("source_port", p)) }
            if let p = l.b.port { attrs.append(("target_port", p)) }
            if let m = l.media { attrs.append(("media", m.rawValue)) }
            if let s = l.speedMbps { attrs.append(("speed_mbps", String(s))) }
            let a = attrs.map { "\($0.0)=\"\(xmlEscape($0.1))\"" }.joined(separator: " ")
            let src = cellID[l.a.device] ?? l.a.device, dst = cellID[l.b.device] ?? l.b.device
            out += "<object \(a) id=\"link-\(i + 1)\"><mxCell style=\"endArrow=none;html=1;\" edge=\"1\" parent=\"1\" source=\"\(xmlEscape(src))\" target=\"\(xmlEscape(dst))\">"
            out += "<mxGeometry relative=\"1\" as=\"geometry\" /></mxCell></object>\n"
        }
        return out + "</root>\n</mxGraphModel>"
    }

    /// JavaScript's encodeURIComponent, which diagrams.net applies before compressing.
    static func uriEncode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-_.!~*'()")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

func xmlEscape(_ s: String) -> String {
    var out = ""
    for ch in s.unicodeScalars {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "\n": out += "&#10;"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out
}

/// Graphviz DOT export of a diagram (for quick viewing with `dot -Tsvg`).
public enum DOTExport {
    public static func render(_ d: Diagram) -> String {
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        let shapes: [Diagram.Role: String] = [.router: "hexagon", .firewall: "octagon", .switch_: "box", .accessPoint: "ellipse",
                                              .server: "box3d", .pcGroup: "folder", .printer: "note", .ups: "cylinder",
                                              .nas: "cylinder", .other: "box"]
        var out = "graph \(q("LAN " + d.pd)) {\n  label=\(q("LAN \(d.pd)\(d.site.map { " / \($0)" } ?? "")"));\n  node [fontname=\"Helvetica\"];\n"
        for dev in d.devices {
            var label = "\(dev.id)\\n\(dev.role.rawValue)"
            if let m = dev.model { label += "\\n\(m)" }
            if let ip = dev.managementIP { label += "\\n\(ip)" }
            let extra = d.boundary?.router == dev.id ? ", penwidth=3" : ""
            out += "  \(q(dev.id)) [shape=\(shapes[dev.role] ?? "box"), label=\"\(label.replacingOccurrences(of: "\"", with: "'"))\"\(extra)];\n"
        }
        for l in d.links {
            out += "  \(q(l.a.device)) -- \(q(l.b.device)) [taillabel=\(q(l.a.port ?? "")), headlabel=\(q(l.b.port ?? ""))];\n"
        }
        for s in d.segments {
            out += "  \(q("segment " + s.name)) [shape=note, label=\(q("\(s.name)\(s.vlan.map { " VLAN \($0)" } ?? "")\(s.approxHosts.map { ", ~\($0) hosts" } ?? "")"))];\n"
            if let sw = s.accessSwitch { out += "  \(q(sw)) -- \(q("segment " + s.name)) [style=dashed, taillabel=\(q(s.accessPorts ?? ""))];\n" }
        }
        return out + "}\n"
    }
}
