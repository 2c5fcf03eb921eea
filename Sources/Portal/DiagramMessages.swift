import Governance

/// One message of the catalog in both languages: what is wrong (naming the shape, device or
/// value from the parameters, `{name}`) and what to do about it.
struct CatalogMessage: Sendable {
    var id: String
    var idTodo: String
    var en: String
    var enTodo: String

    init(_ id: String, _ idTodo: String, en: String, _ enTodo: String) {
        self.id = id
        self.idTodo = idTodo
        self.en = en
        self.enTodo = enTodo
    }

    func text(_ lang: PortalLanguage) -> String { lang == .id ? id : en }
    func todo(_ lang: PortalLanguage) -> String { lang == .id ? idTodo : enTodo }
}

/// The diagram checks' messages for the PD portal, by the check's stable code (Governance's
/// `DiagramIssueCode`): Bahasa Indonesia as a PD clerk reads it, and English. The switch is
/// exhaustive, so a new code does not compile without its words; a test checks that both
/// languages name exactly the code's parameters.
enum DiagramMessages {
    static func message(_ code: DiagramIssueCode) -> CatalogMessage {
        switch code {
        // Reading the file.
        case .fileTooLarge: CatalogMessage(
            "Berkas berukuran {size} byte, melebihi batas {limit} byte.",
            "Simpan ulang diagram tanpa gambar tempelan agar lebih kecil, atau hubungi {dinas}.",
            en: "The file is {size} bytes, over the limit of {limit} bytes.",
            "Save the diagram again without pasted images to make it smaller, or contact {dinas}.")
        case .notUTF8: CatalogMessage(
            "Berkas ini bukan teks UTF-8, jadi tidak dapat dibaca sebagai diagram YAML.",
            "Simpan berkas sebagai teks UTF-8, atau unggah berkas .drawio dari diagrams.net.",
            en: "The file is not UTF-8 text, so it cannot be read as a YAML diagram.",
            "Save the file as UTF-8 text, or upload the .drawio file from diagrams.net.")
        case .drawioUnreadable: CatalogMessage(
            "Berkas ini tidak dapat dibaca sebagai diagram diagrams.net (keterangan teknis: {detail}).",
            "Buka diagram di diagrams.net, simpan sebagai .drawio (File > Simpan sebagai), lalu unggah berkas itu.",
            en: "The file cannot be read as a diagrams.net drawing (technical detail: {detail}).",
            "Open the diagram in diagrams.net, save it as .drawio (File > Save as), and upload that file.")
        case .drawioTooComplex: CatalogMessage(
            "Berkas ini terlalu besar atau terlalu rumit untuk diperiksa (keterangan teknis: {detail}).",
            "Simpan ulang tanpa gambar tempelan atau bagi menjadi beberapa halaman, atau hubungi {dinas}.",
            en: "The file is too large or too complex to check (technical detail: {detail}).",
            "Save it again without pasted images or split it into fewer pages, or contact {dinas}.")
        case .yamlInvalid: CatalogMessage(
            "Isi berkas YAML pada baris {line} tidak sesuai format diagram (keterangan teknis: {detail}).",
            "Perbaiki baris itu sesuai contoh format diagram YAML, atau unggah berkas .drawio dari diagrams.net.",
            en: "The YAML file's line {line} does not follow the diagram format (technical detail: {detail}).",
            "Fix that line following the YAML diagram example, or upload the .drawio file from diagrams.net.")
        // Shape data.
        case .pdConflict: CatalogMessage(
            "Halaman “{page}” menyebut PD “{pd}”, padahal halaman sebelumnya menyebut PD “{other}”.",
            "Satu berkas hanya untuk satu PD: samakan data pd di setiap halaman (Ctrl+M pada latar kosong).",
            en: "Page “{page}” names PD “{pd}”, but an earlier page names PD “{other}”.",
            "One file is for one PD: make the pd data the same on every page (Ctrl+M on the empty background).")
        case .pdMissing: CatalogMessage(
            "Diagram ini tidak menyebut kode PD.",
            "Klik latar kosong di diagrams.net, tekan Ctrl+M (Edit Data), tambahkan properti pd berisi kode PD Anda.",
            en: "The diagram does not name its PD.",
            "Click the empty background in diagrams.net, press Ctrl+M (Edit Data) and add a property pd with your PD's code.")
        case .asOfNotDate: CatalogMessage(
            "Tanggal keadaan diagram (as_of) “{value}” bukan tanggal yang sah.",
            "Tulis tanggal dalam bentuk TTTT-BB-HH, misalnya 2026-11-30.",
            en: "The diagram's as-of date “{value}” is not a valid date.",
            "Write the date as YYYY-MM-DD, e.g. 2026-11-30.")
        case .vlanShapeWithoutNumber: CatalogMessage(
            "Bentuk VLAN “{shape}” tidak memiliki nomor VLAN.",
            "Pilih bentuk itu, tekan Ctrl+M (Edit Data) dan isi properti vlan dengan nomornya, misalnya 20.",
            en: "VLAN shape “{shape}” has no VLAN number.",
            "Select the shape, press Ctrl+M (Edit Data) and fill in the property vlan with its number, e.g. 20.")
        case .vlanNotNumber: CatalogMessage(
            "Bentuk “{shape}” memiliki nomor VLAN “{value}” yang bukan angka.",
            "Isi properti vlan dengan angka saja, misalnya 20.",
            en: "Shape “{shape}” has VLAN number “{value}”, which is not a number.",
            "Fill in the property vlan with a number only, e.g. 20.")
        case .hostsNotNumber: CatalogMessage(
            "Bentuk “{shape}” memiliki jumlah host “{value}” yang bukan angka.",
            "Isi properti hosts dengan angka saja, misalnya 25.",
            en: "Shape “{shape}” has a host count “{value}” that is not a number.",
            "Fill in the property hosts with a number only, e.g. 25.")
        case .roleUnknown: CatalogMessage(
            "Bentuk “{shape}” memiliki role “{value}” yang tidak dikenal.",
            "Pilih bentuk itu, tekan Ctrl+M dan isi role dengan salah satu dari: {allowed}, vlan, segment.",
            en: "Shape “{shape}” has an unknown role “{value}”.",
            "Select the shape, press Ctrl+M and set role to one of: {allowed}, vlan, segment.")
        case .shapeDataUnknown: CatalogMessage(
            "Bentuk “{shape}” memiliki data “{key}” yang tidak dikenal Pantau.",
            "Hapus data itu atau betulkan namanya (Ctrl+M). Nama yang dikenal: {allowed}.",
            en: "Shape “{shape}” has data “{key}”, which Pantau does not know.",
            "Remove it or correct its name (Ctrl+M). Known names: {allowed}.")
        case .snmpNotYesNo: CatalogMessage(
            "Bentuk “{shape}” memiliki nilai snmp “{value}”; yang diterima hanya ya atau tidak.",
            "Isi properti snmp dengan ya atau tidak (yes atau no).",
            en: "Shape “{shape}” has snmp “{value}”; only yes or no is accepted.",
            "Set the property snmp to yes or no.")
        case .assetSourceUnknown: CatalogMessage(
            "Bentuk “{shape}” memiliki asal aset “{value}” yang tidak dikenal.",
            "Isi properti asset_source dengan salah satu dari: {allowed}.",
            en: "Shape “{shape}” has an unknown asset source “{value}”.",
            "Set the property asset_source to one of: {allowed}.")
        case .boundaryMarkedTwice: CatalogMessage(
            "Bentuk “{shape}” ditandai sebagai router batas, padahal “{router}” sudah ditandai.",
            "Tandai hanya satu router batas: hapus boundary = yes dari salah satunya.",
            en: "Shape “{shape}” is marked as the boundary router, but “{router}” already is.",
            "Mark only one boundary router: remove boundary = yes from one of them.")
        case .bandwidthNotNumber: CatalogMessage(
            "Bentuk “{shape}” memiliki bandwidth “{value}” yang bukan angka.",
            "Isi properti bandwidth_mbps dengan angka dalam Mbit/s, misalnya 100.",
            en: "Shape “{shape}” has a bandwidth “{value}” that is not a number.",
            "Fill in the property bandwidth_mbps with a number of Mbit/s, e.g. 100.")
        case .mediaUnknown: CatalogMessage(
            "Garis “{shape}” memiliki jenis kabel “{value}” yang tidak dikenal.",
            "Isi properti media dengan salah satu dari: {allowed}.",
            en: "Line “{shape}” has an unknown medium “{value}”.",
            "Set the property media to one of: {allowed}.")
        case .speedNotNumber: CatalogMessage(
            "Garis “{shape}” memiliki kecepatan “{value}” yang bukan bilangan bulat.",
            "Isi properti speed_mbps dengan bilangan bulat dalam Mbit/s, misalnya 1000.",
            en: "Line “{shape}” has a speed “{value}” that is not a whole number.",
            "Fill in the property speed_mbps with a whole number of Mbit/s, e.g. 1000.")
        case .linkNotAttached: CatalogMessage(
            "Garis “{shape}” tidak menempel pada perangkat di kedua ujungnya.",
            "Tarik kedua ujung garis sampai menempel pada bentuk perangkat (bentuknya menyala biru).",
            en: "Line “{shape}” is not attached to a device at both ends.",
            "Drag both ends of the line onto device shapes until they attach (the shape lights up blue).")
        case .linkToNonDevice: CatalogMessage(
            "Garis “{shape}” tersambung ke “{end}”, yang bukan bentuk perangkat (tidak ada role di datanya).",
            "Sambungkan garis ke bentuk perangkat, atau beri bentuk “{end}” data role (Ctrl+M).",
            en: "Line “{shape}” connects to “{end}”, which is not a device shape (no role in its data).",
            "Attach the line to a device shape, or give “{end}” role data (Ctrl+M).")
        // Drawings made with stock shapes.
        case .boundaryInferredFromCloud: CatalogMessage(
            "Router batas belum ditandai; Pantau menganggap “{router}”, yang tersambung ke “{cloud}”, sebagai tempat WAN bertemu LAN PD.",
            "Bila benar, tidak perlu diubah. Bila salah, pilih router yang benar, tekan Ctrl+M dan tambahkan boundary = yes.",
            en: "No boundary router is marked; Pantau takes “{router}”, linked to “{cloud}”, as where the WAN meets the PD's LAN.",
            "If that is right, nothing to do. If not, select the right router, press Ctrl+M and add boundary = yes.")
        case .boundaryInferredOnlyRouter: CatalogMessage(
            "Router batas belum ditandai; Pantau menganggap “{router}”, satu-satunya router atau firewall di diagram, sebagai tempat WAN bertemu LAN PD.",
            "Bila benar, tidak perlu diubah. Bila salah, pilih router yang benar, tekan Ctrl+M dan tambahkan boundary = yes.",
            en: "No boundary router is marked; Pantau takes “{router}”, the only router or firewall drawn, as where the WAN meets the PD's LAN.",
            "If that is right, nothing to do. If not, select the right router, press Ctrl+M and add boundary = yes.")
        case .noDeviceShapes: CatalogMessage(
            "Tidak ada satu pun dari {count} bentuk yang dikenali sebagai perangkat, jadi setiap perangkat yang teramati akan dianggap tidak tercantum di diagram.",
            "Gambar perangkat dengan bentuk jaringan bawaan diagrams.net, atau beri setiap perangkat data role (Ctrl+M).",
            en: "None of the {count} shapes is recognised as a device, so every device observed will count as missing from the diagram.",
            "Draw devices with diagrams.net's stock network shapes, or give each device role data (Ctrl+M).")
        case .shapesWithoutRole: CatalogMessage(
            "{count} bentuk tampak seperti perangkat tetapi perannya tidak dikenali: {shapes}.",
            "Pilih bentuk itu, tekan Ctrl+M (Edit Data) dan isi role (misalnya switch, router, server), atau ganti dengan bentuk jaringan bawaan.",
            en: "{count} shape(s) look like equipment but their role is not recognised: {shapes}.",
            "Select the shape, press Ctrl+M (Edit Data) and fill in role (switch, router, server, ...), or use a stock network shape.")
        case .devicesUnlabelled: CatalogMessage(
            "{count} perangkat tidak bernama ({shapes}); Pantau sementara menyebutnya {ids}.",
            "Klik dua kali bentuk itu di diagrams.net dan ketik namanya (misalnya ap-lantai2), supaya Pantau dapat mencocokkannya dengan perangkat yang teramati.",
            en: "{count} device(s) have no label ({shapes}); Pantau calls them {ids} meanwhile.",
            "Double-click the shape in diagrams.net and type its name (e.g. ap-floor2), so Pantau can match it with the devices it observes.")
        case .labelsRepeated: CatalogMessage(
            "{count} nama dipakai oleh lebih dari satu perangkat: {labels}; Pantau sementara memberi nomor.",
            "Beri setiap perangkat nama yang berbeda (misalnya PC-Keuangan, PC-Umum).",
            en: "{count} name(s) are used by more than one device: {labels}; Pantau numbers them meanwhile.",
            "Give each device a different name (e.g. PC-Finance, PC-Front-desk).")
        case .linksToShapesWithoutRole: CatalogMessage(
            "{count} garis tersambung ke bentuk yang perannya tidak dikenali, jadi tidak diperiksa: {ends}.",
            "Beri bentuk di ujung garis itu data role (Ctrl+M), atau ganti dengan bentuk jaringan bawaan.",
            en: "{count} line(s) attach to shapes with no recognised role, so they are not checked: {ends}.",
            "Give the shape at the line's end role data (Ctrl+M), or use a stock network shape.")
        case .linksToNonDevices: CatalogMessage(
            "{count} garis berujung pada bentuk yang bukan perangkat (misalnya awan atau teks), jadi tidak diperiksa: {ends}.",
            "Boleh dibiarkan bila garis itu hanya keterangan; bila itu kabel, sambungkan ke bentuk perangkat.",
            en: "{count} line(s) end on shapes that are not devices (a cloud or a text, say), so they are not checked: {ends}.",
            "Leave them if they are only notes; if they are cables, attach them to device shapes.")
        case .linksNotAttached: CatalogMessage(
            "{count} garis tidak menempel di kedua ujungnya, jadi tidak diperiksa (ujung yang menempel: {ends}).",
            "Tarik kedua ujung setiap garis sampai menempel pada bentuk perangkat, bukan melayang.",
            en: "{count} line(s) are not attached at both ends, so they are not checked (attached ends: {ends}).",
            "Drag both ends of every line onto a device shape so none is left floating.")
        case .linksToThemselves: CatalogMessage(
            "{count} garis berawal dan berakhir pada bentuk yang sama, jadi diabaikan: {shapes}.",
            "Hapus garis itu, atau sambungkan ujung lainnya ke perangkat yang benar.",
            en: "{count} line(s) start and end on the same shape, so they are ignored: {shapes}.",
            "Delete the line, or attach its other end to the right device.")
        // The rules every diagram meets.
        case .pdOther: CatalogMessage(
            "Diagram ini untuk PD “{pd}”, bukan PD “{expected}”.",
            "Unggah diagram PD {expected}, atau betulkan data pd di diagram (Ctrl+M pada latar kosong).",
            en: "This diagram is for PD “{pd}”, not PD “{expected}”.",
            "Upload PD {expected}'s diagram, or correct the pd data in the diagram (Ctrl+M on the empty background).")
        case .pdUnregistered: CatalogMessage(
            "PD “{pd}” tidak terdaftar (yang terdaftar: {registered}).",
            "Betulkan kode PD di diagram, atau minta {dinas} mendaftarkan PD Anda.",
            en: "PD “{pd}” is not registered (registered: {registered}).",
            "Correct the PD code in the diagram, or ask {dinas} to register your PD.")
        case .siteUnknown: CatalogMessage(
            "PD {pd} tidak memiliki lokasi “{site}” (lokasi terdaftar: {registered}).",
            "Isi data site dengan salah satu lokasi terdaftar.",
            en: "PD {pd} has no site “{site}” (registered sites: {registered}).",
            "Set the site data to one of the registered sites.")
        case .siteMissing: CatalogMessage(
            "PD {pd} memiliki {count} lokasi, tetapi diagram tidak menyebut lokasi mana yang digambar.",
            "Tambahkan properti site pada data halaman (Ctrl+M pada latar kosong).",
            en: "PD {pd} has {count} sites, but the diagram does not say which one it shows.",
            "Add a property site to the page data (Ctrl+M on the empty background).")
        case .deviceIDInvalid: CatalogMessage(
            "Nama perangkat “{device}” kosong atau memuat spasi atau titik dua.",
            "Beri perangkat nama tanpa spasi dan tanpa titik dua, misalnya sw-lantai2.",
            en: "Device name “{device}” is empty or has spaces or a colon.",
            "Give the device a name with no spaces and no colon, e.g. sw-floor2.")
        case .deviceIDDuplicate: CatalogMessage(
            "Nama perangkat “{device}” dipakai lebih dari sekali.",
            "Beri setiap perangkat nama yang berbeda.",
            en: "Device name “{device}” is used more than once.",
            "Give each device a different name.")
        case .managementIPOutside: CatalogMessage(
            "Alamat IP manajemen {address} pada perangkat “{device}” berada di luar subnet terdaftar PD {pd} ({subnets}).",
            "Tulis alamat IP manajemen yang benar dalam subnet PD Anda, atau minta {dinas} memperbarui subnet terdaftar.",
            en: "Management IP address {address} of device “{device}” is outside PD {pd}'s registered subnets ({subnets}).",
            "Write the correct management IP address within your PD's subnets, or ask {dinas} to update the registered subnets.")
        case .managementIPInvalid: CatalogMessage(
            "Perangkat “{device}” memiliki alamat IP manajemen “{value}” yang tidak sah.",
            "Tulis alamat IP yang benar, misalnya 10.21.0.2.",
            en: "Device “{device}” has a management IP address “{value}” that is not valid.",
            "Write a correct IP address, e.g. 10.21.0.2.")
        case .macInvalid: CatalogMessage(
            "Perangkat “{device}” memiliki alamat MAC “{value}” yang tidak sah.",
            "Tulis alamat MAC dalam bentuk 00:11:22:33:44:55.",
            en: "Device “{device}” has a MAC address “{value}” that is not valid.",
            "Write the MAC address as 00:11:22:33:44:55.")
        case .acquiredNotDate: CatalogMessage(
            "Perangkat “{device}” memiliki tanggal perolehan “{value}” yang tidak sah.",
            "Tulis tanggal dalam bentuk TTTT-BB-HH, misalnya 2024-03-15.",
            en: "Device “{device}” has an acquisition date “{value}” that is not valid.",
            "Write the date as YYYY-MM-DD, e.g. 2024-03-15.")
        case .macDuplicate: CatalogMessage(
            "Alamat MAC {mac} pada perangkat “{device}” juga dipakai perangkat “{other}”.",
            "Periksa kedua perangkat dan tulis alamat MAC yang benar untuk masing-masing.",
            en: "MAC address {mac} of device “{device}” is also given for device “{other}”.",
            "Check both devices and write each one's correct MAC address.")
        case .boundaryNotRouter: CatalogMessage(
            "Perangkat batas “{device}” berperan {role}; router batas harus router atau firewall.",
            "Tandai router atau firewall yang tersambung ke jaringan {dinas} sebagai router batas.",
            en: "Boundary device “{device}” is a {role}; the boundary must be a router or firewall.",
            "Mark the router or firewall connected to {dinas}'s network as the boundary.")
        case .boundaryUnknownDevice: CatalogMessage(
            "Router batas “{device}” tidak ada di antara perangkat diagram.",
            "Tulis nama router batas persis seperti nama perangkatnya di diagram.",
            en: "Boundary router “{device}” is not among the diagram's devices.",
            "Write the boundary router's name exactly as the device is named in the diagram.")
        case .wanAddressInvalid: CatalogMessage(
            "Alamat WAN “{value}” tidak sah.",
            "Tulis alamat beserta prefiksnya, misalnya 10.255.0.2/30.",
            en: "WAN address “{value}” is not valid.",
            "Write the address with its prefix, e.g. 10.255.0.2/30.")
        case .boundaryMissingInDrawing: CatalogMessage(
            "Router batas belum ditandai, jadi Pantau tidak dapat memeriksa tempat WAN bertemu LAN PD.",
            "Pilih router yang tersambung ke jaringan {dinas}, tekan Ctrl+M dan tambahkan boundary = yes.",
            en: "No boundary router is marked, so Pantau cannot check where the WAN meets the PD's LAN.",
            "Select the router connected to {dinas}'s network, press Ctrl+M and add boundary = yes.")
        case .boundaryMissing: CatalogMessage(
            "Router batas belum disebut.",
            "Sebut router tempat WAN bertemu LAN PD (boundary.router).",
            en: "The boundary router is not named.",
            "Name the router where the WAN meets the PD's LAN (boundary.router).")
        case .linkUnknownDevice: CatalogMessage(
            "Sambungan {link} menyebut perangkat “{device}” yang tidak ada di diagram.",
            "Sambungkan garis ke perangkat yang ada, atau tambahkan perangkat “{device}”.",
            en: "Link {link} names device “{device}”, which is not in the diagram.",
            "Attach the line to an existing device, or add device “{device}”.")
        case .portUsedTwice: CatalogMessage(
            "Port {port} sudah dipakai sambungan lain; sambungan {link} memakainya lagi.",
            "Satu port hanya untuk satu kabel: betulkan nomor port pada salah satu sambungan.",
            en: "Port {port} is already used by another link; link {link} uses it again.",
            "One port takes one cable: correct the port number on one of the links.")
        case .linkToItself: CatalogMessage(
            "Sambungan {link} menghubungkan perangkat dengan dirinya sendiri.",
            "Hapus garis itu, atau sambungkan ujung lainnya ke perangkat yang benar.",
            en: "Link {link} connects a device to itself.",
            "Delete the line, or attach its other end to the right device.")
        case .linkDuplicate: CatalogMessage(
            "Sambungan {link} tergambar lebih dari sekali.",
            "Hapus garis yang dobel.",
            en: "Link {link} is drawn more than once.",
            "Delete the duplicate line.")
        case .speedNotPositive: CatalogMessage(
            "Kecepatan sambungan {link} harus lebih dari nol.",
            "Isi speed_mbps dengan kecepatan dalam Mbit/s, misalnya 1000.",
            en: "The speed of link {link} must be more than zero.",
            "Fill in speed_mbps in Mbit/s, e.g. 1000.")
        case .vlanOutOfRange: CatalogMessage(
            "Nomor VLAN {vlan} di luar rentang 1–4094.",
            "Tulis nomor VLAN antara 1 dan 4094.",
            en: "VLAN number {vlan} is outside 1–4094.",
            "Write a VLAN number between 1 and 4094.")
        case .vlanDuplicate: CatalogMessage(
            "VLAN {vlan} tercantum lebih dari sekali.",
            "Cantumkan setiap VLAN satu kali saja.",
            en: "VLAN {vlan} is listed more than once.",
            "List each VLAN once.")
        case .subnetOutside: CatalogMessage(
            "Subnet {subnet} pada VLAN {vlan} berada di luar subnet terdaftar PD {pd} ({subnets}).",
            "Betulkan subnet VLAN itu, atau minta {dinas} memperbarui subnet terdaftar PD Anda.",
            en: "Subnet {subnet} of VLAN {vlan} is outside PD {pd}'s registered subnets ({subnets}).",
            "Correct the VLAN's subnet, or ask {dinas} to update your PD's registered subnets.")
        case .subnetInvalid: CatalogMessage(
            "Subnet “{value}” pada VLAN {vlan} tidak sah.",
            "Tulis subnet dalam bentuk CIDR, misalnya 10.20.20.0/24 (bagian host nol).",
            en: "Subnet “{value}” of VLAN {vlan} is not valid.",
            "Write the subnet in CIDR form, e.g. 10.20.20.0/24 (host bits zero).")
        case .gatewayOutside: CatalogMessage(
            "Gateway {gateway} pada VLAN {vlan} berada di luar subnetnya ({subnet}).",
            "Tulis alamat gateway di dalam subnet VLAN itu.",
            en: "Gateway {gateway} of VLAN {vlan} is outside its subnet ({subnet}).",
            "Write a gateway address inside the VLAN's subnet.")
        case .gatewayInvalid: CatalogMessage(
            "Gateway “{value}” pada VLAN {vlan} bukan alamat IP yang sah.",
            "Tulis alamat IP gateway yang benar, misalnya 10.20.20.1.",
            en: "Gateway “{value}” of VLAN {vlan} is not a valid IP address.",
            "Write the gateway's correct IP address, e.g. 10.20.20.1.")
        case .segmentVLANUndeclared: CatalogMessage(
            "Segmen “{segment}” memakai VLAN {vlan} yang tidak tercantum di daftar VLAN.",
            "Tambahkan VLAN {vlan} ke diagram, atau betulkan nomor VLAN segmen itu.",
            en: "Segment “{segment}” uses VLAN {vlan}, which the diagram does not list.",
            "Add VLAN {vlan} to the diagram, or correct the segment's VLAN number.")
        case .segmentHostsNegative: CatalogMessage(
            "Jumlah host segmen “{segment}” tidak boleh negatif.",
            "Tulis perkiraan jumlah host sebagai angka 0 atau lebih.",
            en: "The host count of segment “{segment}” must not be negative.",
            "Write the approximate host count as 0 or more.")
        case .segmentSwitchNotSwitch: CatalogMessage(
            "Segmen “{segment}” menyebut “{device}” sebagai switch aksesnya, padahal perangkat itu berperan {role}.",
            "Sebut switch (atau access point) yang melayani segmen itu.",
            en: "Segment “{segment}” names “{device}” as its access switch, but that device is a {role}.",
            "Name the switch (or access point) that serves the segment.")
        case .segmentSwitchUnknown: CatalogMessage(
            "Segmen “{segment}” menyebut switch “{device}” yang tidak ada di diagram.",
            "Tulis nama switch persis seperti di diagram, atau tambahkan switch itu.",
            en: "Segment “{segment}” names switch “{device}”, which is not in the diagram.",
            "Write the switch's name exactly as in the diagram, or add the switch.")
        case .accessPortLinked: CatalogMessage(
            "Port {port} tercatat sebagai port akses segmen “{segment}” dan juga dipakai sambungan.",
            "Keluarkan port itu dari daftar port akses, atau betulkan sambungannya.",
            en: "Port {port} is an access port of segment “{segment}” and also used by a link.",
            "Take the port out of the access ports, or correct the link.")
        case .accessPortsInvalid: CatalogMessage(
            "Daftar port akses “{value}” pada segmen “{segment}” tidak dapat dibaca.",
            "Tulis daftar port seperti 1-24 atau 1-8,10.",
            en: "The access port list “{value}” of segment “{segment}” cannot be read.",
            "Write the port list like 1-24 or 1-8,10.")
        }
    }
}

/// Filling a catalog message's `{name}` placeholders.
enum MessageTemplate {
    /// The placeholders a text names, in order of first use.
    static func placeholders(_ text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let name = String(rest[rest.index(after: open)..<close])
            if !out.contains(name) { out.append(name) }
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    /// The text with each `{name}` replaced by its value; nil when a placeholder has no value
    /// (the caller then shows the check's own English message).
    static func fill(_ text: String, _ values: [String: String]) -> String? {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            guard let value = values[String(rest[rest.index(after: open)..<close])] else { return nil }
            out += value
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
