#!/usr/bin/env python3
"""Builds a synthetic mirror-port capture for the sampling benchmark: many hosts, as on a PD LAN.

    bench/make-realistic-capture.py OUT.pcap [PACKETS] [--seed N]

Defaults: 1,000,000 frames among 5,000 hosts on 8 VLANs (802.1Q tags 101-108, 625 hosts
each, plus one gateway per VLAN), seed 13. The same arguments always give the same bytes.

- 99 % of frames are TCP or UDP over IPv4 between hosts. 20,000 conversations are drawn
  once: the client with a Zipf-like spread over the hosts (exponent 0.8), the server with a
  steeper one (1.2, a few servers carry most traffic), a server port from a fixed list
  (53, 123, 161 and 5060 are UDP; the rest TCP). Each frame picks a conversation, again
  Zipf-like (exponent 1.0), and a direction (client to server or the reply). A conversation
  within one VLAN is addressed MAC to MAC; one across VLANs goes to the sender's gateway.
- 1 % are ARP: a request (broadcast) or a reply (unicast) between two hosts of one VLAN.
- Sizes: TCP frames are 40 % bare ACKs (64 bytes), 40 % full-size (1,518), 20 % anything in between; UDP
  frames 80-600 bytes. Frames are captured whole (tcpdump's default snap length), payload
  zero-filled; about 700 MB in all.
- Timestamps are 300 us apart, so the capture spans five minutes.

Addresses: host h of VLAN v (v = 0..7) is 10.(v+1).(h // 250).(h % 250 + 1), MAC
02:0v:00:00:hh:hh; gateways are 10.(v+1).3.254 with MAC 02:0v:00:ff:ff:fe. The matching PD map
for six of the VLANs is bench/realistic-pd-map.yaml (VLANs 107 and 108 belong to no PD, so
their traffic is attributed by /24 subnet only).
"""
import random, struct, sys

VLANS = 8
HOSTS_PER_VLAN = 625
SNAP = 65535
SERVER_PORTS = [443, 80, 53, 22, 445, 3389, 8080, 123, 161, 5060, 25, 993]
UDP_PORTS = {53, 123, 161, 5060}


def mac_bytes(v):
    return v.to_bytes(6, "big")


def zipf_cum(n, s):
    total, cum = 0.0, []
    for k in range(1, n + 1):
        total += 1.0 / k ** s
        cum.append(total)
    return cum


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    seed = 13
    if "--seed" in sys.argv:
        seed = int(sys.argv[sys.argv.index("--seed") + 1])
        args = [a for a in args if a != str(seed)]
    out = args[0]
    count = int(args[1]) if len(args) > 1 else 1_000_000
    rng = random.Random(seed)

    hosts = []  # (vlan index, mac int, ip int)
    for v in range(VLANS):
        for h in range(HOSTS_PER_VLAN):
            ip = (10 << 24) | ((v + 1) << 16) | ((h // 250) << 8) | (h % 250 + 1)
            hosts.append((v, 0x0200_0000_0000 | v << 32 | h, ip))
    gateways = [0x0200_00ff_fffe | v << 32 for v in range(VLANS)]
    n = len(hosts)

    # Zipf-like popularity over a shuffled ranking, so popular hosts are spread over VLANs.
    client_rank = list(range(n)); rng.shuffle(client_rank)
    server_rank = list(range(n)); rng.shuffle(server_rank)
    conv_count = 20_000
    clients = rng.choices(client_rank, cum_weights=zipf_cum(n, 0.8), k=conv_count)
    servers = rng.choices(server_rank, cum_weights=zipf_cum(n, 1.2), k=conv_count)
    convs = []
    for c, s in zip(clients, servers):
        if s == c:
            s = (s + 1) % n
        port = rng.choice(SERVER_PORTS)
        convs.append((c, s, rng.randrange(32768, 61000), port, 17 if port in UDP_PORTS else 6))
    picks = rng.choices(range(conv_count), cum_weights=zipf_cum(conv_count, 1.0), k=count)

    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, SNAP, 1))
        t = 1_700_000_000 * 1_000_000
        buf = []
        for i in range(count):
            if rng.random() < 0.01:
                v = rng.randrange(VLANS)
                a = hosts[v * HOSTS_PER_VLAN + rng.randrange(HOSTS_PER_VLAN)]
                b = hosts[v * HOSTS_PER_VLAN + rng.randrange(HOSTS_PER_VLAN)]
                reply = rng.random() < 0.5
                dst = mac_bytes(b[1]) if reply else b"\xff" * 6
                arp = struct.pack(">HHBBH", 1, 0x0800, 6, 4, 2 if reply else 1) + mac_bytes(a[1]) + struct.pack(">I", a[2]) \
                    + (mac_bytes(b[1]) if reply else b"\0" * 6) + struct.pack(">I", b[2])
                frame = dst + mac_bytes(a[1]) + struct.pack(">HHH", 0x8100, 101 + v, 0x0806) + arp
                frame += b"\0" * (64 - len(frame))
                wire = len(frame)
            else:
                c, s, cport, sport, proto = convs[picks[i]]
                if rng.random() < 0.5:
                    src, dst, sp, dp = hosts[c], hosts[s], cport, sport
                else:
                    src, dst, sp, dp = hosts[s], hosts[c], sport, cport
                if proto == 6:
                    r = rng.random()
                    wire = 64 if r < 0.4 else 1518 if r < 0.8 else rng.randrange(70, 1519)
                    l4 = struct.pack(">HHIIBBHHH", sp, dp, rng.getrandbits(32), rng.getrandbits(32), 0x50, 0x10, 502, 0, 0)
                else:
                    wire = rng.randrange(80, 601)
                    l4 = struct.pack(">HHHH", sp, dp, wire - 18 - 20, 0)
                v = src[0]
                dmac = dst[1] if dst[0] == v else gateways[v]
                ip = struct.pack(">BBHHHBBHII", 0x45, 0, 40 if wire == 64 else wire - 18, i & 0xffff, 0x4000, 64, proto, 0, src[2], dst[2])
                frame = mac_bytes(dmac) + mac_bytes(src[1]) + struct.pack(">HHH", 0x8100, 101 + v, 0x0800) + ip + l4
                frame += bytes(wire - len(frame))
            buf.append(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(frame), wire))
            buf.append(frame)
            t += 300
            if len(buf) >= 20_000:
                f.write(b"".join(buf)); buf.clear()
        f.write(b"".join(buf))
    print(f"{out}: {count} packets among {n} hosts on {VLANS} VLANs (seed {seed})")


main()
