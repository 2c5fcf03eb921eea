#!/usr/bin/env python3
"""Builds a synthetic regency for the reconciliation benchmark (invented data, RFC 1918 space).

    bench/make-regency.py DIR [--pds 60] [--devices 5000] [--hosts 100000] [--seed 17]

Writes DIR/registry.yaml (PDs with a site, a /16 each, one VLAN, a boundary router),
DIR/diagrams/PD.yaml (the declared devices spread over the PDs: a router, switches, servers,
access points and printers with serials, MACs and management addresses, linked in a star to
the PD's core switch, one VLAN subnet) and DIR/hosts.pcap (one ARP request per host, from
distinct MACs: most hosts inside their PD's declared VLAN, 1 % in an undeclared subnet of
their PD, and 60 % of the declared devices' MACs present, so missing devices exist too).
"""
import os, random, struct, sys

def arg(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default

def main():
    out = sys.argv[1]
    pds, devices, hosts, seed = arg("--pds", 60), arg("--devices", 5000), arg("--hosts", 100000), arg("--seed", 17)
    rnd = random.Random(seed)
    os.makedirs(os.path.join(out, "diagrams"), exist_ok=True)
    codes = [f"PD{i:02d}" for i in range(1, pds + 1)]
    reg = ["format: pantau-registry/1", "regency: Kabupaten Contoh", "pds:"]
    for i, code in enumerate(codes, 1):
        reg += [f"  - code: {code}", f"    name: Perangkat Daerah {i}", "    sites: [{id: kantor, name: Kantor}]",
                f"    subnets: [10.{i}.0.0/16]", f"    vlans: [{100 + i}]",
                f"    boundary_routers: [{{name: rtr-{code.lower()}, site: kantor, management_ip: 10.{i}.0.1}}]",
                f"    tier1_contacts: [{{name: Tier1 {code}}}]"]
    open(os.path.join(out, "registry.yaml"), "w").write("\n".join(reg) + "\n")

    declared_macs = []
    per_pd = devices // pds
    for i, code in enumerate(codes, 1):
        n = per_pd + (1 if i <= devices % pds else 0)
        lines = ["format: pantau-diagram/1", f"pd: {code}", "site: kantor",
                 f"boundary: {{router: rtr, wan_port: ether1, upstream: Jaringan Intra}}", "devices:"]
        links = []
        for d in range(n):
            mac = "02:%02x:%02x:%02x:%02x:%02x" % (i, (d >> 8) & 0xff, d & 0xff, 0xaa, 0x01)
            ip = f"10.{i}.1.{d % 250 + 2}" if d < 250 else f"10.{i}.{2 + d // 250}.{d % 250 + 2}"
            if d == 0:
                dev_id, role, ip = "rtr", "router", f"10.{i}.0.1"
            elif d < 4:
                dev_id, role = f"sw{d}", "switch"
            else:
                dev_id, role = f"dev{d}", rnd.choice(["server", "access_point", "printer", "nas"])
            lines.append(f"  - {{id: {dev_id}, role: {role}, model: M-{role}, serial: S{i:02d}{d:05d}, management_ip: {ip}, macs: [\"{mac}\"], snmp: {str(d < 4).lower()}}}")
            declared_macs.append((mac, ip))
            if d > 0:
                links.append(f"  - {{a: \"{'rtr:ether2' if d == 1 else 'sw1:' + str(d)}\", b: \"{dev_id}:1\"}}")
        lines += ["links:"] + links
        lines += ["vlans:", f"  - {{id: {100 + i}, name: staf, subnet: 10.{i}.0.0/17, gateway: 10.{i}.0.1}}"]
        open(os.path.join(out, "diagrams", f"{code}.yaml"), "w").write("\n".join(lines) + "\n")

    def arp(mac_bytes, ip_bytes):
        eth = b"\xff" * 6 + mac_bytes + b"\x08\x06"
        return eth + struct.pack(">HHBBH", 1, 0x0800, 6, 4, 1) + mac_bytes + ip_bytes + b"\x00" * 6 + bytes([ip_bytes[0], ip_bytes[1], 0, 1])

    present = [m for m in declared_macs if rnd.random() < 0.6]
    with open(os.path.join(out, "hosts.pcap"), "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        t = 1_796_000_000 * 1_000_000   # 2026-11-30, the day before the benchmark's "now"
        def write(frame):
            nonlocal t
            f.write(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(frame), len(frame)))
            f.write(frame)
            t += 1000
        for mac, ip in present:
            write(arp(bytes(int(x, 16) for x in mac.split(":")), bytes(int(x) for x in ip.split("."))))
        for h in range(hosts - len(present)):
            pd = h % pds + 1
            third = rnd.randrange(200, 250) if rnd.random() < 0.01 else rnd.randrange(10, 120)   # /17 ends at .127
            mac = struct.pack(">Q", 0x060000000000 | h)[2:]
            write(arp(mac, bytes([10, pd, third, rnd.randrange(1, 255)])))
    print(f"{out}: {pds} PDs, {devices} declared devices, {hosts} hosts ({len(present)} of them declared devices)")

main()
