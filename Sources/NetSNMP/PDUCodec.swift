import SNMPCore
internal import CNetSNMP

/// Turns a Net-SNMP response PDU into Swift values. The PDU is freed by the library after
/// the callback returns, so everything is copied out here.
enum PDUCodec {
    static func response(_ pdu: UnsafeMutablePointer<netsnmp_pdu>) -> Response {
        var bindings: [VarBind] = []
        var v = pdu.pointee.variables
        while let vb = v {
            let name = vb.pointee.name.map { p in
                (0..<vb.pointee.name_length).map { UInt32(truncatingIfNeeded: p[$0]) }
            } ?? []
            bindings.append(VarBind(OID(name), value(vb)))
            v = vb.pointee.next_variable
        }
        return Response(errorStatus: Int(pdu.pointee.errstat), errorIndex: Int(pdu.pointee.errindex), bindings: bindings)
    }

    static func value(_ vb: UnsafeMutablePointer<netsnmp_variable_list>) -> SNMPValue {
        let type = vb.pointee.type
        let len = vb.pointee.val_len
        func bytes() -> [UInt8] {
            guard len > 0, let p = cnetsnmp_var_bytes(vb) else { return [] }
            return Array(UnsafeBufferPointer(start: p, count: len))
        }
        switch type {
        case cnetsnmp_ASN_INTEGER: return .integer(Int64(cnetsnmp_var_integer(vb)))
        case cnetsnmp_ASN_OCTET_STR, cnetsnmp_ASN_BIT_STR: return .octets(bytes())
        case cnetsnmp_ASN_OBJECT_ID:
            guard let p = cnetsnmp_var_objid(vb) else { return .oid(OID([])) }
            let n = len / MemoryLayout<oid>.size
            return .oid(OID((0..<n).map { UInt32(truncatingIfNeeded: p[$0]) }))
        case cnetsnmp_ASN_IPADDRESS: return .ipAddress(bytes())
        case cnetsnmp_ASN_COUNTER: return .counter32(UInt32(truncatingIfNeeded: cnetsnmp_var_integer(vb)))
        case cnetsnmp_ASN_GAUGE, cnetsnmp_ASN_UINTEGER: return .gauge32(UInt32(truncatingIfNeeded: cnetsnmp_var_integer(vb)))
        case cnetsnmp_ASN_TIMETICKS: return .timeticks(UInt32(truncatingIfNeeded: cnetsnmp_var_integer(vb)))
        case cnetsnmp_ASN_OPAQUE: return .opaque(bytes())
        case cnetsnmp_ASN_COUNTER64: return .counter64(cnetsnmp_var_counter64(vb))
        case cnetsnmp_ASN_NULL: return .null
        case cnetsnmp_NOSUCHOBJECT: return .noSuchObject
        case cnetsnmp_NOSUCHINSTANCE: return .noSuchInstance
        case cnetsnmp_ENDOFMIBVIEW: return .endOfMibView
        default: return .opaque(bytes())
        }
    }
}
