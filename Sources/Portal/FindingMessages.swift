import Foundation
import Reconciliation

/// The findings' messages for the PD portal, by the finding's stable code (Reconciliation's
/// `FindingCatalog` is the source of truth for the codes). A finding is stored with its English
/// message; the portal says it again from what the finding holds: its subject (`device`, `port`,
/// `mac`, `address`, `detail`), its evidence's details under their own names (`diagram_version`,
/// `declared`, `seen`, ...), and a few values derived from them (`via`, `p95_mbps`,
/// `requirements`). A code may read in several ways (a link seen on other ports, or not seen
/// at all); its variants are tried in order and the first whose parameters the finding has is
/// used. A finding no variant fits keeps its English message, marked `lang="en"`.
enum FindingMessages {
    struct Variant: Sendable {
        var name: String
        /// The parameters the variant's words name; the finding must have them all.
        var params: [String]
        /// Values the finding must hold besides (which case of its code it is).
        var when: [String: String] = [:]
        var message: CatalogMessage
    }

    /// The codes' variants, most specific first.
    static let variants: [FindingCode: [Variant]] = [
        .unregisteredDevice: [
            Variant(name: "device", params: ["device", "via"], message: CatalogMessage(
                "Perangkat “{device}” terlihat di jaringan PD (lewat {via}), tetapi tidak ada di diagram PD.",
                "Tambahkan perangkat itu ke diagram lalu serahkan lagi. Bila perangkat itu bukan milik PD, beri tahu {dinas}.",
                en: "Device “{device}” is seen on the PD's network (by {via}) but is not in the PD's diagram.",
                "Add the device to the diagram and submit it again. If it is not the PD's, tell {dinas}.")),
            Variant(name: "maker", params: ["mac", "vendor"], message: CatalogMessage(
                "Alamat MAC {mac} milik pembuat perangkat jaringan ({vendor}), tetapi tidak ada perangkat dengan MAC itu di diagram PD.",
                "Cari perangkat itu (kemungkinan router, switch atau access point) dan tambahkan ke diagram beserta MAC-nya.",
                en: "MAC address {mac} belongs to a network equipment maker ({vendor}), but no device in the PD's diagram has it.",
                "Find the device (probably a router, switch or access point) and add it to the diagram with its MAC.")),
        ],
        .unmanagedSwitchSuspected: [
            Variant(name: "port", params: ["device", "port", "macs"], message: CatalogMessage(
                "{macs} alamat MAC terlihat di balik satu port akses {device}:{port}, padahal tidak ada switch terkelola di sana: kemungkinan ada switch atau hub biasa terpasang.",
                "Periksa apa yang tercolok di port itu. Cantumkan switch itu di diagram, ganti dengan switch terkelola, atau laporkan ke {dinas}.",
                en: "{macs} MAC addresses are seen behind one access port {device}:{port} with no managed switch there: an unmanaged switch or hub is probably plugged in.",
                "Check what is plugged into the port. Declare the switch in the diagram, replace it with a managed one, or report it to {dinas}.")),
            Variant(name: "capture", params: ["device", "macs"], message: CatalogMessage(
                "{macs} alamat MAC terlihat di titik pantau {device}, padahal tidak ada switch terkelola di sana.",
                "Periksa perangkat yang tersambung di titik itu dan cantumkan switch-nya di diagram.",
                en: "{macs} MAC addresses are seen at capture point {device} with no managed switch there.",
                "Check what is connected there and declare its switch in the diagram.")),
        ],
        .rogueDHCP: [
            Variant(name: "server", params: ["address", "mac", "capture_point"], message: CatalogMessage(
                "Ada server DHCP {address} ({mac}) yang menjawab di {capture_point}, padahal tidak tercantum di diagram mana pun.",
                "Cabut atau matikan server itu (sering berupa router rumahan yang terpasang terbalik), atau cantumkan di diagram bila memang milik PD.",
                en: "A DHCP server {address} ({mac}) answers at {capture_point}, and no diagram declares it.",
                "Unplug or disable it (often a home router plugged in backwards), or declare it in the diagram if it is the PD's own.")),
        ],
        .unknownEndpoint: [
            Variant(name: "host", params: ["mac", "address"], message: CatalogMessage(
                "Perangkat dengan MAC {mac} memakai alamat {address}, yang tidak berada di segmen mana pun di diagram.",
                "Kenali perangkat itu. Cantumkan segmennya di diagram, atau betulkan alamatnya.",
                en: "The device with MAC {mac} uses address {address}, which is in no segment of the diagram.",
                "Identify the device. Declare its segment in the diagram, or correct its address.")),
        ],
        .missingDevice: [
            Variant(name: "since", params: ["device", "diagram_version", "not_seen_since"], message: CatalogMessage(
                "Perangkat “{device}” tercantum di diagram versi {diagram_version}, tetapi tidak terlihat di jaringan sejak {not_seen_since}.",
                "Periksa apakah perangkat itu sudah dilepas atau mati. Bila sudah tidak ada, hapus dari diagram lalu serahkan lagi.",
                en: "Device “{device}” is in diagram version {diagram_version} but has not been seen on the network since {not_seen_since}.",
                "Check whether it was removed or is down. If it is gone, remove it from the diagram and submit it again.")),
            // Findings stored before the date was kept.
            Variant(name: "device", params: ["device", "diagram_version"], message: CatalogMessage(
                "Perangkat “{device}” tercantum di diagram versi {diagram_version}, tetapi sudah lama tidak terlihat di jaringan.",
                "Periksa apakah perangkat itu sudah dilepas atau mati. Bila sudah tidak ada, hapus dari diagram lalu serahkan lagi.",
                en: "Device “{device}” is in diagram version {diagram_version} but has not been seen on the network for a long time.",
                "Check whether it was removed or is down. If it is gone, remove it from the diagram and submit it again.")),
        ],
        .linkMismatch: [
            Variant(name: "other-ports", params: ["declared", "seen"], message: CatalogMessage(
                "Diagram mencantumkan sambungan {declared}, tetapi yang terlihat di jaringan {seen}.",
                "Betulkan port sambungan itu di diagram atau kabelnya, lalu serahkan diagram lagi.",
                en: "The diagram declares link {declared}, but the network shows {seen}.",
                "Correct the link's ports in the diagram or the cabling, then submit the diagram again.")),
            Variant(name: "not-seen", params: ["declared"], message: CatalogMessage(
                "Sambungan {declared} di diagram tidak terlihat oleh LLDP/CDP.",
                "Periksa kabelnya, atau hapus sambungan itu dari diagram bila sudah tidak ada.",
                en: "Link {declared} in the diagram is not seen by LLDP/CDP.",
                "Check the cable, or remove the link from the diagram if it is gone.")),
            Variant(name: "undeclared", params: ["seen"], message: CatalogMessage(
                "Terlihat sambungan {seen} yang tidak ada di diagram.",
                "Tambahkan sambungan itu ke diagram lalu serahkan lagi.",
                en: "Link {seen} is seen but is not in the diagram.",
                "Add the link to the diagram and submit it again.")),
        ],
        .attributeDrift: [
            Variant(name: "attribute", params: ["device", "attribute", "declared", "observed"], message: CatalogMessage(
                "Di diagram, {attribute} perangkat “{device}” tertulis {declared}, tetapi perangkatnya melaporkan {observed}.",
                "Betulkan diagram (perangkat tertukar atau salah ketik), atau cari tahu mengapa perangkatnya berubah.",
                en: "The diagram gives device “{device}”'s {attribute} as {declared}, but the device reports {observed}.",
                "Correct the diagram (a swapped device or a typo), or find out why the hardware changed.")),
        ],
        .wrongSegment: [
            Variant(name: "host", params: ["mac", "address", "plugged_in"], message: CatalogMessage(
                "Perangkat dengan MAC {mac} di {plugged_in} memakai alamat {address}, di luar subnet terdaftar PD.",
                "Beri perangkat itu alamat dalam subnet PD, atau minta {dinas} membetulkan subnet terdaftar.",
                en: "The device with MAC {mac} at {plugged_in} uses address {address}, outside the PD's registered subnets.",
                "Give the device an address in the PD's subnets, or ask {dinas} to correct the registered subnets.")),
        ],
        .diagramOverdue: [
            Variant(name: "late", params: ["latest_version", "due"], message: CatalogMessage(
                "Diagram LAN terbaru (versi {latest_version}) sudah melewati batas waktu {due}.",
                "Serahkan diagram LAN yang sesuai keadaan sekarang di halaman Serahkan diagram.",
                en: "The latest LAN diagram (version {latest_version}) is past its due date {due}.",
                "Submit a current LAN diagram on the Submit diagram page.")),
            Variant(name: "never", params: [], when: ["state": "never_submitted"], message: CatalogMessage(
                "PD ini belum pernah menyerahkan diagram LAN.",
                "Serahkan diagram LAN di halaman Serahkan diagram.",
                en: "This PD has never submitted a LAN diagram.",
                "Submit the LAN diagram on the Submit diagram page.")),
        ],
        .changeUnreported: [
            Variant(name: "changes", params: ["changes", "diagram_version"], message: CatalogMessage(
                "{changes} perubahan LAN terlihat setelah diagram versi {diagram_version}, tetapi belum ada diagram baru yang diserahkan.",
                "Serahkan diagram yang menunjukkan perubahan itu; kewajiban laporan perubahan lalu selesai.",
                en: "{changes} LAN change(s) are seen after diagram version {diagram_version}, and no new diagram was submitted since.",
                "Submit a diagram that shows the change; that closes the change-report duty.")),
        ],
        .outOfAuthority: [
            Variant(name: "declared", params: ["device", "wan_device", "wan_of", "diagram_version"], message: CatalogMessage(
                "Diagram PD versi {diagram_version} mencantumkan “{device}”, yaitu router batas {wan_device} milik {wan_of}: itu WAN, yang dikelola {dinas}.",
                "Keluarkan perangkat itu dari diagram PD, atau minta {dinas} membetulkan registri.",
                en: "The PD's diagram version {diagram_version} declares “{device}”, the boundary router {wan_device} of {wan_of}: WAN, run by {dinas}.",
                "Take the device out of the PD's diagram, or ask {dinas} to correct the registry.")),
            Variant(name: "beyond", params: ["device", "boundary", "diagram_version"], message: CatalogMessage(
                "Diagram PD versi {diagram_version} mencantumkan “{device}” di luar port WAN router batasnya ({boundary}): itu WAN, yang dikelola {dinas}.",
                "Keluarkan perangkat di sisi WAN dari diagram PD.",
                en: "The PD's diagram version {diagram_version} declares “{device}” beyond its boundary router's WAN port ({boundary}): WAN, run by {dinas}.",
                "Take the devices on the WAN side out of the PD's diagram.")),
            Variant(name: "collected", params: ["device", "wan_device", "wan_of"], message: CatalogMessage(
                "“{device}” dipantau untuk PD ini, padahal itu router batas {wan_device} milik {wan_of}: WAN, yang dikelola {dinas}.",
                "Minta {dinas} memindahkan perangkat itu dari target pemantauan PD, atau membetulkan registri.",
                en: "“{device}” is collected for this PD but is the boundary router {wan_device} of {wan_of}: WAN, run by {dinas}.",
                "Ask {dinas} to move the device out of the PD's collection targets, or to correct the registry.")),
        ],
        .belowSpec: [
            Variant(name: "device", params: ["device", "requirements"], message: CatalogMessage(
                "Perangkat “{device}” berada di bawah spesifikasi minimum Lampiran untuk: {requirements}.",
                "Rencanakan penggantian perangkat itu, atau betulkan data yang dipakai penilaian.",
                en: "Device “{device}” is below the annex's minimum for: {requirements}.",
                "Plan the device's replacement, or correct the facts the assessment used.")),
        ],
        .specUnknown: [
            Variant(name: "device", params: ["device", "requirements"], message: CatalogMessage(
                "Perangkat “{device}” tidak dapat dinilai terhadap Lampiran spesifikasi; yang belum diketahui: {requirements}.",
                "Lengkapi data perangkat itu di diagram (misalnya model), atau minta {dinas} memuat Lampiran.",
                en: "Device “{device}” cannot be assessed against the spec annex; unknown: {requirements}.",
                "Complete the device's facts in the diagram (its model, say), or ask {dinas} to load the annex.")),
        ],
        .bandwidthOverAllocation: [
            Variant(name: "uplink", params: ["p95_mbps", "approved_mbps", "period"], message: CatalogMessage(
                "Lalu lintas uplink PD (persentil ke-95) {p95_mbps} Mbit/s melebihi bandwidth yang disetujui, {approved_mbps} Mbit/s, pada periode {period}.",
                "Ajukan tambahan alokasi bandwidth ke {dinas}, atau kurangi lalu lintasnya.",
                en: "The PD's uplink traffic (95th percentile) of {p95_mbps} Mbit/s is over the approved {approved_mbps} Mbit/s in {period}.",
                "Ask {dinas} to approve a larger allocation, or reduce the traffic.")),
        ],
        .bandwidthUnapproved: [
            Variant(name: "uplink", params: ["device", "period"], message: CatalogMessage(
                "Ada lalu lintas di uplink PD ({device}) pada periode {period}, tetapi belum ada bandwidth yang disetujui untuk PD ini.",
                "Minta persetujuan alokasi bandwidth dari {dinas}.",
                en: "Traffic flows on the PD's uplink ({device}) in {period}, but no bandwidth is approved for the PD.",
                "Ask {dinas} to approve the PD's bandwidth.")),
        ],
        .uplinkUnmonitored: [
            Variant(name: "uplink", params: ["device", "port"], message: CatalogMessage(
                "Uplink PD di router {device} ({port}) tercatat di registri, tetapi lalu lintasnya belum terpantau.",
                "Minta {dinas} menambahkan router itu ke pemantauan, atau membetulkan uplink di registri.",
                en: "The PD's uplink on router {device} ({port}) is in the registry, but its traffic is not monitored.",
                "Ask {dinas} to add the router to monitoring, or to correct the uplink in the registry.")),
        ],
    ]

    /// Evidence details that describe the spec assessment rather than a requirement.
    static let specContext: Set<String> = ["annex", "from", "acquired", "class", "declared"]

    /// What a finding holds, as named values: its subject, its evidence's details (the first
    /// evidence that gives a name wins), and the values derived from them.
    static func values(_ f: Finding) -> [String: String] {
        var v: [String: String] = [:]
        v["device"] = f.subject.device
        v["port"] = f.subject.port
        v["mac"] = f.subject.mac
        v["address"] = f.subject.address
        v["detail"] = f.subject.detail
        for e in f.evidence { for (k, x) in e.details where v[k] == nil && !x.isEmpty { v[k] = x } }
        let sources = f.evidence.map { $0.source.uppercased() }.filter { !["DIAGRAM", "REGISTRY", "PROFILE", "RECONCILE"].contains($0) }
        var via: [String] = []
        for s in sources where !via.contains(s) { via.append(s) }
        if !via.isEmpty { v["via"] = via.joined(separator: "/") }
        if let bps = v["p95_bps"].flatMap(Double.init) { v["p95_mbps"] = String(Int((bps / 1_000_000).rounded())) }
        if f.code == .belowSpec || f.code == .specUnknown {
            let reqs = f.evidence.flatMap { $0.details.keys }.filter { !specContext.contains($0) }
            if !reqs.isEmpty { v["requirements"] = Set(reqs).sorted().joined(separator: ", ") }
        }
        return v
    }

    /// The variant of its code a finding reads as: the first whose parameters it holds.
    static func variant(_ f: Finding) -> Variant? {
        let v = values(f)
        return variants[f.code]?.first { variant in
            variant.params.allSatisfy { v[$0] != nil } && variant.when.allSatisfy { v[$0.key] == $0.value }
        }
    }

    /// The finding in the page's language (what and what to do), or nil when no variant of its
    /// code fits what it holds.
    static func said(_ f: Finding, lang: PortalLanguage, dinas: String) -> (text: String, todo: String)? {
        guard let variant = variant(f) else { return nil }
        var v = values(f)
        v["dinas"] = dinas
        guard let text = MessageTemplate.fill(variant.message.text(lang), v), let todo = MessageTemplate.fill(variant.message.todo(lang), v) else { return nil }
        return (text, todo)
    }
}
