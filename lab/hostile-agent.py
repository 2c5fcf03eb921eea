#!/usr/bin/env python3
"""A misbehaving SNMP agent for Pantau's fault tests: faults no real agent shows on demand.

  hostile-agent.py PORT garbage        answer every request with bytes that are not SNMP
  hostile-agent.py PORT duplicates N   answer v1/v2c GET/GETNEXT/GETBULK correctly from a small
                                       MIB (system group, 300 interfaces), but send each reply N times

With COUNT_FILE set, the number of requests received so far is written there after each one
(a test compares it: retransmissions would show).

Listens on 127.0.0.1:PORT only; prints "ready" once bound. Uses pysnmp's message codec
(installed with snmpsim in the project's venv).
"""
import os
import socket
import sys

from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import api

MIB = [  # (OID tuple, pysnmp value factory name, value), in OID order
    ((1, 3, 6, 1, 2, 1, 1, 1, 0), "OctetString", b"Hostile test agent"),
    ((1, 3, 6, 1, 2, 1, 1, 2, 0), "ObjectIdentifier", (1, 3, 6, 1, 4, 1, 8072, 3, 2, 10)),
    ((1, 3, 6, 1, 2, 1, 1, 3, 0), "TimeTicks", 4242),
    ((1, 3, 6, 1, 2, 1, 1, 5, 0), "OctetString", b"hostile"),
]
# An interface table of 300 rows, so a poll takes many requests.
for column, kind, value in [(1, "Integer", None), (2, "OctetString", b"port"), (3, "Integer", 6), (8, "Integer", 1)]:
    for i in range(1, 301):
        MIB.append(((1, 3, 6, 1, 2, 1, 2, 2, 1, column, i), kind, i if value is None else (value + b"%d" % i if isinstance(value, bytes) else value)))
MIB.sort()


def answer(data):
    """The response to one request, or None when it cannot be read."""
    version = int(api.decodeMessageVersion(data)) if hasattr(api, "decodeMessageVersion") else int(api.decode_message_version(data))
    mod = api.PROTOCOL_MODULES[version]
    msg, _ = decoder.decode(data, asn1Spec=mod.Message())
    req = mod.apiMessage.get_pdu(msg)
    rsp_msg = mod.apiMessage.get_response(msg)
    rsp = mod.apiMessage.get_pdu(rsp_msg)
    out = []
    asked = [tuple(oid) for oid, _ in mod.apiPDU.get_varbinds(req)]
    if req.isSameTypeWith(mod.GetRequestPDU()):
        for oid in asked:
            hit = [getattr(mod, kind)(value) for o, kind, value in MIB if o == oid]
            out.append((oid, hit[0] if hit else mod.Null("")))
    else:  # GETNEXT and GETBULK: the next object after each, or endOfMibView (v2c) / noSuchName (v1)
        repeat = 1
        if hasattr(mod, "GetBulkRequestPDU") and req.isSameTypeWith(mod.GetBulkRequestPDU()):
            repeat = max(1, min(int(mod.apiBulkPDU.get_max_repetitions(req)), 10))
        for _ in range(repeat):
            nxt = []
            for oid in asked:
                later = next(((o, kind, value) for o, kind, value in MIB if o > oid), None)
                nxt.append((later[0], getattr(mod, later[1])(later[2])) if later else (oid, None))
            for o, v in nxt:
                if v is not None:
                    out.append((o, v))
                elif version == api.SNMP_VERSION_1:
                    out.append((o, mod.Null("")))
                else:
                    out.append((o, api.v2c.EndOfMibView("")))
            asked = [o for o, _ in nxt]
    mod.apiPDU.set_varbinds(rsp, out)
    return encoder.encode(rsp_msg)


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    copies = int(sys.argv[3]) if mode == "duplicates" else 1
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    print("ready", flush=True)
    count_file = os.environ.get("COUNT_FILE")
    received = 0
    while True:
        data, peer = sock.recvfrom(65535)
        received += 1
        if count_file:
            with open(count_file, "w") as f:
                f.write(str(received))
        if mode == "garbage":
            sock.sendto(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", peer)
            continue
        try:
            reply = answer(data)
        except Exception:  # a request this agent cannot read: no answer, as a real agent
            continue
        for _ in range(copies):
            sock.sendto(reply, peer)


if __name__ == "__main__":
    main()
