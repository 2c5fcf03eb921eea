/// The stable code of every problem a diagram check can report, with the named parameters
/// each carries (the shape's label, the device, the address, ...). Front ends render the
/// message from these in the reader's language (the portal's message catalog); the English
/// `message` the CLI and the API print stays as it is. Adding a check means adding its code
/// here, with its parameters, and its words to every catalog (a test enumerates `allCases`).
public enum DiagramIssueCode: String, Sendable, Hashable, CaseIterable, Codable {
    // Reading the file.
    case fileTooLarge = "file-too-large"
    case notUTF8 = "not-utf8"
    case drawioUnreadable = "drawio-unreadable"
    case drawioTooComplex = "drawio-too-complex"
    case yamlInvalid = "yaml-invalid"
    // A drawing's shape data.
    case pdConflict = "pd-conflict"
    case pdMissing = "pd-missing"
    case asOfNotDate = "as-of-not-a-date"
    case vlanShapeWithoutNumber = "vlan-shape-without-number"
    case vlanNotNumber = "vlan-not-a-number"
    case hostsNotNumber = "hosts-not-a-number"
    case roleUnknown = "role-unknown"
    case shapeDataUnknown = "shape-data-unknown"
    case snmpNotYesNo = "snmp-not-yes-no"
    case assetSourceUnknown = "asset-source-unknown"
    case boundaryMarkedTwice = "boundary-marked-twice"
    case bandwidthNotNumber = "bandwidth-not-a-number"
    case mediaUnknown = "media-unknown"
    case speedNotNumber = "speed-not-a-number"
    case linkNotAttached = "link-not-attached"
    case linkToNonDevice = "link-to-non-device"
    // A drawing made with stock shapes (warnings).
    case boundaryInferredFromCloud = "boundary-inferred-from-cloud"
    case boundaryInferredOnlyRouter = "boundary-inferred-only-router"
    case noDeviceShapes = "no-device-shapes"
    case shapesWithoutRole = "shapes-without-role"
    case devicesUnlabelled = "devices-unlabelled"
    case labelsRepeated = "labels-repeated"
    case linksToShapesWithoutRole = "links-to-shapes-without-role"
    case linksToNonDevices = "links-to-non-devices"
    case linksNotAttached = "links-not-attached"
    case linksToThemselves = "links-to-themselves"
    // The rules every diagram meets (`Diagram.validate`).
    case pdOther = "pd-other"
    case pdUnregistered = "pd-unregistered"
    case siteUnknown = "site-unknown"
    case siteMissing = "site-missing"
    case deviceIDInvalid = "device-id-invalid"
    case deviceIDDuplicate = "device-id-duplicate"
    case managementIPOutside = "management-ip-outside-subnets"
    case managementIPInvalid = "management-ip-invalid"
    case macInvalid = "mac-invalid"
    case acquiredNotDate = "acquired-not-a-date"
    case macDuplicate = "mac-duplicate"
    case boundaryNotRouter = "boundary-not-router"
    case boundaryUnknownDevice = "boundary-unknown-device"
    case wanAddressInvalid = "wan-address-invalid"
    case boundaryMissingInDrawing = "boundary-missing-in-drawing"
    case boundaryMissing = "boundary-missing"
    case linkUnknownDevice = "link-unknown-device"
    case portUsedTwice = "port-used-twice"
    case linkToItself = "link-to-itself"
    case linkDuplicate = "link-duplicate"
    case speedNotPositive = "speed-not-positive"
    case vlanOutOfRange = "vlan-out-of-range"
    case vlanDuplicate = "vlan-duplicate"
    case subnetOutside = "subnet-outside-subnets"
    case subnetInvalid = "subnet-invalid"
    case gatewayOutside = "gateway-outside-subnet"
    case gatewayInvalid = "gateway-invalid"
    case segmentVLANUndeclared = "segment-vlan-undeclared"
    case segmentHostsNegative = "segment-hosts-negative"
    case segmentSwitchNotSwitch = "segment-switch-not-a-switch"
    case segmentSwitchUnknown = "segment-switch-unknown"
    case accessPortLinked = "access-port-linked"
    case accessPortsInvalid = "access-ports-invalid"

    /// The parameters an issue with this code always carries (`DiagramIssue.params`' keys).
    /// `shape` is the label of the drawing's shape (its cell id when it has none); `device`
    /// a device's label or id; lists are comma-separated, a long one ending "(+N)".
    public var parameters: [String] {
        switch self {
        case .fileTooLarge: ["size", "limit"]
        case .notUTF8, .pdMissing, .boundaryMissingInDrawing, .boundaryMissing: []
        case .drawioUnreadable, .drawioTooComplex: ["detail"]
        case .yamlInvalid: ["line", "detail"]
        case .pdConflict: ["page", "pd", "other"]
        case .asOfNotDate, .wanAddressInvalid: ["value"]
        case .vlanShapeWithoutNumber, .linkNotAttached: ["shape"]
        case .vlanNotNumber, .hostsNotNumber, .snmpNotYesNo, .bandwidthNotNumber, .speedNotNumber: ["shape", "value"]
        case .roleUnknown, .assetSourceUnknown, .mediaUnknown: ["shape", "value", "allowed"]
        case .shapeDataUnknown: ["shape", "key", "allowed"]
        case .boundaryMarkedTwice: ["shape", "router"]
        case .linkToNonDevice: ["shape", "end"]
        case .boundaryInferredFromCloud: ["router", "cloud"]
        case .boundaryInferredOnlyRouter: ["router"]
        case .noDeviceShapes: ["count"]
        case .shapesWithoutRole, .linksToThemselves: ["count", "shapes"]
        case .devicesUnlabelled: ["count", "shapes", "ids"]
        case .labelsRepeated: ["count", "labels"]
        case .linksToShapesWithoutRole, .linksToNonDevices, .linksNotAttached: ["count", "ends"]
        case .pdOther: ["pd", "expected"]
        case .pdUnregistered: ["pd", "registered"]
        case .siteUnknown: ["pd", "site", "registered"]
        case .siteMissing: ["pd", "count"]
        case .deviceIDInvalid, .deviceIDDuplicate, .boundaryUnknownDevice: ["device"]
        case .managementIPOutside: ["device", "address", "pd", "subnets"]
        case .managementIPInvalid, .macInvalid, .acquiredNotDate: ["device", "value"]
        case .macDuplicate: ["device", "mac", "other"]
        case .boundaryNotRouter: ["device", "role"]
        case .linkUnknownDevice: ["device", "link"]
        case .portUsedTwice: ["port", "link"]
        case .linkToItself, .linkDuplicate, .speedNotPositive: ["link"]
        case .vlanOutOfRange, .vlanDuplicate: ["vlan"]
        case .subnetOutside: ["vlan", "subnet", "pd", "subnets"]
        case .subnetInvalid, .gatewayInvalid: ["vlan", "value"]
        case .gatewayOutside: ["vlan", "gateway", "subnet"]
        case .segmentVLANUndeclared: ["segment", "vlan"]
        case .segmentHostsNegative: ["segment"]
        case .segmentSwitchNotSwitch: ["segment", "device", "role"]
        case .segmentSwitchUnknown: ["segment", "device"]
        case .accessPortLinked: ["segment", "port"]
        case .accessPortsInvalid: ["segment", "value"]
        }
    }

    /// A list as one parameter: at most `max` items, comma-separated, then "(+N)" for the rest.
    public static func list(_ items: [String], max: Int = 5) -> String {
        items.count <= max ? items.joined(separator: ", ") : items.prefix(max).joined(separator: ", ") + " (+\(items.count - max))"
    }
}
