/// The lab's DINKES fixtures, shared by the tests that build a lab store with the real binary
/// (store copy, dashboard goldens): the PD map that places the corpus captures' hosts in DINKES,
/// and DINKES's LAN as its technician declares it (the D-Link by serial, a router that does not
/// answer SNMP, a switch the lab lacks).
public enum LabFixtures {
    public static let dinkesPDMap = "DINKES:\n  subnets: [192.168.0.0/24, 128.2.6.0/24]\n"

    public static let dinkesDiagram = """
        format: pantau-diagram/1
        pd: DINKES
        site: kantor
        boundary: {router: rtr-dinkes, wan_port: ether1, upstream: Jaringan Intra}
        devices:
          - {id: rtr-dinkes, role: router, vendor: MikroTik, snmp: false}
          - {id: sw-core, role: switch, vendor: D-Link, model: DGS-1510-28, serial: RZC52H3000029, snmp: true}
          - {id: sw-gudang, role: switch, vendor: TP-Link, model: TL-SG3428, management_ip: 10.22.8.5, snmp: true}
        vlans:
          - {id: 40, name: staf, subnet: 10.22.1.0/24, gateway: 10.22.1.1}
        """
}
