/// How binding a provision is, in the words the provision itself uses (regulations.md R3):
/// "wajib"/"harus" make a violation an error; "dapat" (may) makes it advisory; a provision
/// that states a duty plainly ("Dinas melaksanakan …", "Setiap PD menunjuk …") with none of
/// those words is `ketentuan`: binding like wajib, but shown without a word the text lacks.
public enum Strength: String, Sendable, Hashable, Codable, CaseIterable {
    case wajib, harus, dapat
    /// A plain statement of duty: binding, not worded with wajib, harus or dapat.
    case ketentuan

    /// True for "wajib", "harus" and a plain statement of duty.
    public var isMandatory: Bool { self != .dapat }

    /// The modal word the provision's text must contain, or nil for a plain statement
    /// (whose text contains none of wajib, harus, dapat).
    public var modalWord: String? { self == .ketentuan ? nil : rawValue }
}

/// A provision of the active Peraturan Bupati, e.g. Perbup Manggarai 52/2021 Pasal 16 ayat (1).
public struct Citation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// "Perbup Manggarai 52/2021".
    public var perbup: String
    public var pasal: Int
    public var ayat: Int?
    public var huruf: String?
    public var strength: Strength
    /// The cited line of the regulation's text file (regulations.md's L numbers), when known.
    public var line: Int?

    public init(perbup: String, pasal: Int, ayat: Int? = nil, huruf: String? = nil, strength: Strength, line: Int? = nil) {
        self.perbup = perbup
        self.pasal = pasal
        self.ayat = ayat
        self.huruf = huruf
        self.strength = strength
        self.line = line
    }

    /// "Perbup Manggarai 52/2021 Pasal 16 ayat (1) (wajib)"; a plain statement of duty
    /// reads "… Pasal 14 ayat (3) (ketentuan)", never "(wajib)".
    public var description: String {
        var s = "\(perbup) Pasal \(pasal)"
        if let ayat { s += " ayat (\(ayat))" }
        if let huruf { s += " huruf \(huruf)" }
        return s + " (\(strength.rawValue))"
    }
}

/// Why a check runs: a provision of the Perbup, or the Dinas's own policy where the
/// Perbup says nothing (regulations.md R2, R19).
public enum Basis: Sendable, Hashable, Codable, CustomStringConvertible {
    case perbup(Citation)
    case dinasPolicy

    private enum Keys: String, CodingKey { case kind, citation, text }

    /// JSON: `{"kind": "perbup", "citation": {...}, "text": "Perbup … Pasal 16 ayat (1) (wajib)"}`
    /// or `{"kind": "dinas_policy", "text": "Kebijakan Dinas – tidak diatur dalam Perbup"}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .perbup(let citation):
            try c.encode("perbup", forKey: .kind)
            try c.encode(citation, forKey: .citation)
        case .dinasPolicy:
            try c.encode("dinas_policy", forKey: .kind)
        }
        try c.encode(description, forKey: .text)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "perbup": self = .perbup(try c.decode(Citation.self, forKey: .citation))
        default: self = .dinasPolicy
        }
    }

    /// The label shown instead of a citation for a check with no provision.
    public static let policyLabel = "Kebijakan Dinas – tidak diatur dalam Perbup"

    public var citation: Citation? {
        if case .perbup(let c) = self { return c }
        return nil
    }

    /// A finding from a "dapat" provision or from Dinas policy is advisory, not a violation.
    public var isMandatory: Bool { citation?.strength.isMandatory ?? false }

    public var description: String {
        switch self {
        case .perbup(let c): c.description
        case .dinasPolicy: Basis.policyLabel
        }
    }
}
