#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Packet generator for the iovnet selftests (runs in the lab guest, usually
# in netns "peer"):
#
#   pkt.py flows DST PORT FLOWS [PER_FLOW]
#       UDP datagrams from FLOWS sockets (one source port each), PER_FLOW
#       (default 4) per socket: many flows for RSS.
#   pkt.py syns DST PORT FLOWS
#       one TCP connection attempt (SYN) from each of FLOWS source ports to
#       a closed port; waits until each is refused or times out.
#   pkt.py csum udp|tcp good|bad DST PORT COUNT
#       COUNT UDP datagrams or TCP SYNs through a raw socket with a correct
#       or a deliberately corrupted L4 checksum (the kernel builds the IP
#       header, the L4 header is ours).
#   pkt.py l2send IFACE SRC_MAC VLAN COUNT TAG
#       COUNT broadcast frames of EtherType 0x88b5 (local experimental)
#       from IFACE through a packet socket, source address SRC_MAC as
#       given (forged or not), tagged with 802.1Q VLAN unless VLAN is 0;
#       the payload carries TAG.
#   pkt.py l2count IFACE TAG SECONDS [READY [ALL]]
#       count the frames with payload TAG that IFACE receives in SECONDS,
#       tagged or not; prints the count.  Creates file READY once it
#       listens; stops early once it has seen ALL different frames.
#
# DST is an IPv4 or IPv6 address.  Prints what it sent; exit 0 if it all went.

import errno
import select
import socket
import struct
import sys
import time


def family(addr):
    return socket.AF_INET6 if ':' in addr else socket.AF_INET


def csum16(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def source_for(dst):
    """The local address the kernel uses towards dst."""
    fam = family(dst)
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.connect((dst, 9))
    src = s.getsockname()[0]
    s.close()
    return src


def pseudo(fam, src, dst, proto, length):
    a = socket.inet_pton(fam, src)
    b = socket.inet_pton(fam, dst)
    if fam == socket.AF_INET:
        return a + b + struct.pack('!BBH', 0, proto, length)
    return a + b + struct.pack('!IxxxB', length, proto)


def cmd_flows(dst, port, flows, per_flow=4):
    fam = family(dst)
    socks = []
    for _ in range(flows):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind(('::' if fam == socket.AF_INET6 else '0.0.0.0', 0))
        socks.append(s)
    sent = 0
    payload = b'iovnet-rss-' + b'x' * 53
    for _ in range(per_flow):
        for s in socks:
            s.sendto(payload, (dst, port))
            sent += 1
        time.sleep(0.01)
    ports = sorted(s.getsockname()[1] for s in socks)
    print('sent %d datagrams from %d source ports (%d..%d)' %
          (sent, flows, ports[0], ports[-1]))
    return 0


def cmd_syns(dst, port, flows):
    fam = family(dst)
    pending = {}
    for _ in range(flows):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setblocking(False)
        err = s.connect_ex((dst, port))
        if err not in (errno.EINPROGRESS, errno.ECONNREFUSED, 0):
            print('connect: %s' % errno.errorcode.get(err, err))
            return 1
        pending[s.fileno()] = s
    refused = 0
    deadline = time.time() + 10
    while pending and time.time() < deadline:
        _, w, _ = select.select([], list(pending.values()), [], 0.2)
        for s in w:
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err == errno.ECONNREFUSED:
                refused += 1
            del pending[s.fileno()]
            s.close()
    print('%d connection attempts, %d refused, %d unanswered' %
          (flows, refused, len(pending)))
    return 0 if not pending else 1


def cmd_csum(proto, quality, dst, port, count):
    fam = family(dst)
    pnum = socket.IPPROTO_UDP if proto == 'udp' else socket.IPPROTO_TCP
    src = source_for(dst)
    s = socket.socket(fam, socket.SOCK_RAW, pnum)
    for i in range(count):
        sport = 40000 + i % 20000
        if proto == 'udp':
            payload = b'iovnet-csum-%06d' % i + b'y' * 40
            hdr = struct.pack('!HHHH', sport, port, 8 + len(payload), 0)
        else:
            # options (MSS, SACK permitted) keep the frame above 60 bytes
            payload = struct.pack('!BBHBBBB', 2, 4, 1460, 1, 1, 4, 2)
            hdr = struct.pack('!HHIIBBHHH', sport, port, 1000 + i, 0,
                              7 << 4, 0x02, 64240, 0, 0)
        seg = hdr + payload
        good = csum16(pseudo(fam, src, dst, pnum, len(seg)) + seg)
        if proto == 'udp' and good == 0:
            good = 0xffff
        val = good
        if quality == 'bad':
            val = (good + 0x1111) & 0xffff
            if val in (0, 0xffff):
                val = 0x1234
        off = 6 if proto == 'udp' else 16
        seg = seg[:off] + struct.pack('!H', val) + seg[off + 2:]
        s.sendto(seg, (dst, 0))
    print('sent %d %s %s with %s checksums to %s port %d' %
          (count, proto.upper(), 'datagrams' if proto == 'udp' else 'SYNs',
           quality, dst, port))
    return 0


ETH_P_ALL = 0x0003
ETH_P_LOCAL_EXP = 0x88b5


def l2_marker(tag):
    return b'iovnet-l2-' + tag.encode() + b'-'


def cmd_l2send(iface, src_mac, vlan, count, tag):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    src = bytes.fromhex(src_mac.replace(':', ''))
    hdr = b'\xff' * 6 + src
    if vlan:
        hdr += struct.pack('!HH', 0x8100, vlan)
    hdr += struct.pack('!H', ETH_P_LOCAL_EXP)
    for i in range(count):
        s.send(hdr + l2_marker(tag) + b'%06d' % i + b'z' * 40)
    print('sent %d frames from %s as %s%s' %
          (count, iface, src_mac, ' on VLAN %d' % vlan if vlan else ''))
    return 0


def cmd_l2count(iface, tag, seconds, ready=None, want=0):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    if ready:
        open(ready, 'w').close()
    marker = l2_marker(tag)
    seen = set()
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        if not select.select([s], [], [], left)[0]:
            continue
        frame = s.recv(2048)
        at = frame.find(marker)
        if at >= 0:
            seen.add(frame[at + len(marker):at + len(marker) + 6])
            if want and len(seen) >= want:
                break
    print(len(seen))
    return 0


def main(argv):
    if len(argv) == 6 and argv[0] == 'l2send':
        return cmd_l2send(argv[1], argv[2], int(argv[3]), int(argv[4]),
                          argv[5])
    if len(argv) in (4, 5, 6) and argv[0] == 'l2count':
        return cmd_l2count(argv[1], argv[2], float(argv[3]), *argv[4:5],
                           *(int(a) for a in argv[5:6]))
    if len(argv) >= 4 and argv[0] == 'flows':
        return cmd_flows(argv[1], int(argv[2]), int(argv[3]),
                         *(int(a) for a in argv[4:5]))
    if len(argv) == 4 and argv[0] == 'syns':
        return cmd_syns(argv[1], int(argv[2]), int(argv[3]))
    if len(argv) == 6 and argv[0] == 'csum' and argv[1] in ('udp', 'tcp') \
            and argv[2] in ('good', 'bad'):
        return cmd_csum(argv[1], argv[2], argv[3], int(argv[4]), int(argv[5]))
    sys.stderr.write(__doc__ if __doc__ else
                     'usage: pkt.py flows|syns|csum ... (see the header)\n')
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
