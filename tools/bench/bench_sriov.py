# SPDX-License-Identifier: GPL-2.0
"""make bench (tools/bench/run): turn the raw files tools/bench/sriov.sh
saved in every boot into results.json, report.md and PNG charts.

Called as "bench.py sriov-report RAWDIR OUTDIR [key=value...]".  The iperf3
runs are parsed by bench.parse_sample() (the datapath benchmark's parser:
"pf" there is the client's netdev, "peer" the server's); everything else
(stage timestamps, /proc/stat, /proc/meminfo) is read here.  A run that
failed keeps its log lines and gives no number.
"""

import contextlib
import io
import json
import lzma
import os
import re
import statistics
import subprocess
import tempfile

import bench

KINDS = ("ours", "stock", "virtio")
STAGES = [
    ("numvfs", "echo 7 > sriov_numvfs"),
    ("pf_settled", "PF carrier back"),
    ("admin_macs", "7x ip link set PF vf N mac"),
    ("bind", "bind 7 VFs (driver_override, probe, netdev)"),
    ("netns", "7 netns, move, address"),
    ("ifup", "7x ip link set up"),
    ("carrier", "carrier on all 7"),
    ("ping", "each VF pings the link partner"),
]
DP = [
    # scenario, title, kind
    ("vf_vf_tcp1", "VF<->VF TCP 1 stream (local switching)", "tcp"),
    ("vf_vf_udp64", "VF<->VF UDP 64 B frames", "udp"),
    ("vf_peer_tcp1_tx", "VF->peer TCP 1 stream", "tcp"),
    ("vf_peer_tcp1_rx", "peer->VF TCP 1 stream", "tcp"),
    ("vf_peer_udp64_tx", "VF->peer UDP 64 B frames", "udp"),
    ("vf_vf_rr", "VF<->VF TCP_RR 1 B", "rr"),
    ("vf_peer_rr", "VF<->peer TCP_RR 1 B", "rr"),
]


def us(path):
    v = bench.read(path)
    return int(v.strip()) if v and v.strip().isdigit() else None


def meminfo(path):
    out = {}
    for line in (bench.read(path) or "").splitlines():
        m = re.match(r"^(\w+):\s+(\d+)", line)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


def window(before, after, facts):
    """Wall time and guest CPU between two sriov.sh snapshots."""
    t0, t1 = us(f"{before}/time_us"), us(f"{after}/time_us")
    if t0 is None or t1 is None:
        return None
    wall = (t1 - t0) / 1e6
    w = bench.cpu_window(None, int(facts.get("clk_tck", 100)), int(facts.get("cpus", 1)),
                         wall, f"{before}/stat", f"{after}/stat")
    return {"wall_s": wall, "cpu_busy_pct": w["busy_pct"], "cpu_busy_s": w["busy_cpu_s"]}


def stages(path):
    out = {}
    for line in (bench.read(path) or "").splitlines():
        f = line.split()
        if len(f) == 2 and f[1].lstrip("-").isdigit():
            out[f[0]] = int(f[1])
    return out


def parse_boot(d, kind):
    """Every number of one boot: {metric: value}, plus notes and failures."""
    facts = bench.read_kv(f"{d}/facts")
    m, notes = {}, {}
    # 1a bring-up
    st = stages(f"{d}/bringup/stages")
    prev = 0
    for key, _ in STAGES:
        if key in st:
            m[f"bringup_{key}_ms"] = st[key] - prev
            prev = st[key]
    probes = [int(ln.split()[1]) for ln in (bench.read(f"{d}/bringup/probe_ms") or "").splitlines()
              if len(ln.split()) == 2]
    if probes:
        m["bringup_probe_ms"] = sum(probes)
        notes["probe_ms_per_vf"] = probes
    if "ping" in st:
        m["bringup_total_ms"] = st["ping"]
        w = window(f"{d}/bringup/before", f"{d}/bringup/after", facts)
        if w:
            m["bringup_cpu_s"] = w["cpu_busy_s"]
    vfs = [ln.split() for ln in (bench.read(f"{d}/bringup/vfs") or "").splitlines()]
    if vfs:
        notes["vfs"] = [{"index": int(v[0]), "netdev": v[1], "mac": v[2],
                         "queue_pairs": int(v[3])} for v in vfs if len(v) == 4]
    # 4 memory around the VFs' ifup
    m0, m1 = meminfo(f"{d}/bringup/pre-ifup/meminfo"), meminfo(f"{d}/bringup/post-ifup/meminfo")
    qps = sum(max(v["queue_pairs"], 1) for v in notes.get("vfs", []))
    if m0 and m1 and qps:
        notes["queue_pairs_total"] = qps
        for k in ("MemAvailable", "Slab", "MemFree"):
            if k in m0 and k in m1:
                used = m0[k] - m1[k] if k != "Slab" else m1[k] - m0[k]
                m[f"mem_ifup_{k.lower()}_kb"] = used
                m[f"mem_ifup_{k.lower()}_kb_per_qp"] = used / qps
    p0, p1 = meminfo(f"{d}/mem/pf-before/meminfo"), meminfo(f"{d}/mem/pf-up/meminfo")
    if p0 and p1:
        m["mem_pf_load_up_memavailable_kb"] = p0["MemAvailable"] - p1["MemAvailable"]
        m["mem_pf_load_up_slab_kb"] = p1["Slab"] - p0["Slab"]
    k = bench.read(f"{d}/ethtool-k")
    if k:
        notes["offloads"] = {key: bench.ethtool_field(k, key) for key in (
            "tx-checksumming", "tcp-segmentation-offload", "generic-receive-offload")}
    for line in (bench.read(f"{d}/module-coresize") or "").splitlines():
        k, _, v = line.partition("=")
        if v.strip().isdigit():
            notes.setdefault("module_coresize", {})[k] = int(v)
    # 1b MAC change
    mc = stages(f"{d}/macchange/stages")
    mode = (bench.read(f"{d}/macchange/mode") or "").strip() or None
    notes["macchange_mode"] = mode
    notes["macchange_stages_ms"] = mc
    obs = (bench.read(f"{d}/macchange/observed") or "").strip()
    if obs:
        notes["macchange_observed"] = obs
    if mode == "automatic":
        m["mac_change_ms"] = mc["traffic"]
        m["mac_change_netdev_ms"] = mc.get("netdev_mac")
    elif mode == "rebind" and "rebind_traffic" in mc:
        # the admin's reaction time (the observation window) left out
        m["mac_change_ms"] = mc.get("set", 0) + mc["rebind_traffic"]
    # 1c VLAN requests
    w = window(f"{d}/vlan/before", f"{d}/vlan/after", facts)
    cyc = bench.read(f"{d}/vlan/cycles")
    if w and cyc and (bench.read(f"{d}/vlan/rc") or "").strip() == "0":
        cycles = int(cyc)
        m["vlan_ms"] = w["wall_s"] * 1000
        m["vlan_req_per_s"] = 2 * cycles / w["wall_s"]
        m["vlan_cpu_s"] = w["cpu_busy_s"]
        notes["vlan_requests"] = 2 * cycles
        mb0, mb1 = bench.read(f"{d}/vlan/mbx_before"), bench.read(f"{d}/vlan/mbx_after")
        if mb0 and mb1 and mb0.strip().isdigit() and mb1.strip().isdigit():
            m["vlan_mbx_msgs"] = int(mb1) - int(mb0)
    # 2 datapath, and the same VF<->peer runs from the virtio NIC
    samples, vm = [], {}
    for sub, into in (("dp", m), ("dp-virtio", vm)):
        for scen, _, _ in DP:
            sd = f"{d}/{sub}/{scen}"
            if not os.path.isdir(sd):
                continue
            with contextlib.redirect_stdout(io.StringIO()):
                bench.sample(sd, f"{sd}/facts")
            s = json.loads(bench.read(f"{sd}/sample.json") or "{}")
            s["nic"] = "virtio" if sub == "dp-virtio" else "vf"
            samples.append(s)
            if s.get("ok"):
                for k in ("mbps", "rx_kpps", "tx_kpps", "lost_pct", "cpu_busy_pct",
                          "cpu_s_per_gb", "cpu_s_per_mpkt", "retransmits",
                          "pf_irq_per_kpkt", "tps", "lat_p50_us", "lat_p99_us",
                          "cpu_us_per_trans"):
                    if s["metrics"].get(k) is not None:
                        into[f"{scen}.{k}"] = s["metrics"][k]
    notes["virtio_metrics"] = vm
    k = bench.read(f"{d}/virtio-ethtool-k")
    if k:
        notes["virtio_offloads"] = {key: bench.ethtool_field(k, key) for key in (
            "tx-checksumming", "tcp-segmentation-offload", "generic-receive-offload")}
    # 3 scale
    for sd in sorted(os.listdir(f"{d}/scale")) if os.path.isdir(f"{d}/scale") else []:
        k = int(sd[1:])
        per, errs = [], []
        for i in range(k):
            try:
                j = json.loads(bench.read(f"{d}/scale/{sd}/vf{i}.json") or "")
            except ValueError:
                j = None
            if j and not j.get("error") and j["end"]["sum_received"]["bytes"] > 0:
                per.append(j["end"]["sum_received"]["bits_per_second"] / 1e6)
            else:
                errs.append(f"VF {i}: " + ((j or {}).get("error") or
                            bench.last_line(bench.read(f"{d}/scale/{sd}/vf{i}.err")) or
                            "no iperf3 output"))
        if errs:
            notes.setdefault("scale_errors", {})[k] = errs
            continue
        m[f"scale{k}.mbps"] = sum(per)
        m[f"scale{k}.fairness"] = min(per) / max(per) if max(per) else None
        m[f"scale{k}.min_share_pct"] = 100.0 * min(per) / sum(per)
        m[f"scale{k}.max_share_pct"] = 100.0 * max(per) / sum(per)
        w = window(f"{d}/scale/{sd}/before", f"{d}/scale/{sd}/after", facts)
        if w:
            m[f"scale{k}.cpu_busy_pct"] = w["cpu_busy_pct"]
        notes.setdefault("scale_per_vf_mbps", {})[k] = per
    return facts, m, notes, samples


# ------------------------------------------------------------ rows

def rows():
    """(section, metric, label, decimals, better)"""
    r = [("Control plane", "bringup_total_ms",
          "echo 7 > sriov_numvfs -> 7 VFs with admin MACs pinging, ms", 0, "lower"),
         ("Control plane", "bringup_cpu_s", "  guest CPU-s during the bring-up", 1, "lower")]
    for key, label in STAGES:
        r.append(("Control plane", f"bringup_{key}_ms", f"  stage: {label}, ms", 0, "lower"))
        if key == "bind":
            r.append(("Control plane", "bringup_probe_ms",
                      "  &nbsp;&nbsp;of which the 7 driver probes (write to drivers_probe), ms",
                      0, "lower"))
    r += [("Control plane", "mac_change_ms",
           "live admin MAC change -> traffic again, ms", 0, "lower"),
          ("Control plane", "vlan_req_per_s",
           "VLAN add/remove requests from a VF per second", 1, "higher"),
          ("Control plane", "vlan_ms", "  total time for all requests, ms", 0, "lower"),
          ("Control plane", "vlan_cpu_s", "  guest CPU-s", 1, "lower"),
          ("Control plane", "vlan_mbx_msgs", "  mailbox messages the PF counted", 0, None)]
    for scen, title, kind in DP:
        if kind == "tcp":
            r += [("Datapath", f"{scen}.mbps", f"{title}: Mbit/s", 0, "higher"),
                  ("Datapath", f"{scen}.cpu_busy_pct", "  guest CPU busy %", 0, None),
                  ("Datapath", f"{scen}.cpu_s_per_gb", "  guest CPU-s per GB", 1, "lower"),
                  ("Datapath", f"{scen}.retransmits", "  TCP retransmits", 0, "lower")]
        elif kind == "rr":
            r += [("Datapath", f"{scen}.tps", f"{title}: transactions/s", 0, "higher"),
                  ("Datapath", f"{scen}.lat_p50_us", "  latency p50, us", 0, "lower"),
                  ("Datapath", f"{scen}.lat_p99_us", "  latency p99, us", 0, "lower"),
                  ("Datapath", f"{scen}.cpu_us_per_trans", "  guest CPU-us per transaction", 1,
                   "lower")]
        else:
            r += [("Datapath", f"{scen}.rx_kpps", f"{title}: kpps received", 1, "higher"),
                  ("Datapath", f"{scen}.tx_kpps", "  kpps sent", 1, None),
                  ("Datapath", f"{scen}.lost_pct", "  lost %", 1, "lower"),
                  ("Datapath", f"{scen}.cpu_s_per_mpkt", "  guest CPU-s per Mpkt", 1, "lower")]
    for k in range(1, 8):
        r += [("Scale", f"scale{k}.mbps", f"{k} VF(s) -> peer at once, TCP: aggregate Mbit/s", 0, "higher"),
              ("Scale", f"scale{k}.fairness", "  min/max per-VF throughput", 2, "higher"),
              ("Scale", f"scale{k}.min_share_pct", "  smallest share %", 1, None),
              ("Scale", f"scale{k}.max_share_pct", "  largest share %", 1, None),
              ("Scale", f"scale{k}.cpu_busy_pct", "  guest CPU busy %", 0, None)]
    r += [("Memory", "mem_ifup_memavailable_kb", "7 VFs up: MemAvailable drop, KiB", 0, "lower"),
          ("Memory", "mem_ifup_memavailable_kb_per_qp", "  per queue pair, KiB", 0, "lower"),
          ("Memory", "mem_ifup_slab_kb", "7 VFs up: Slab growth, KiB", 0, "lower"),
          ("Memory", "mem_ifup_slab_kb_per_qp", "  per queue pair, KiB", 0, "lower"),
          ("Memory", "mem_pf_load_up_memavailable_kb",
           "PF insmod + up: MemAvailable drop, KiB (ours only: stock igb binds at boot)", 0, "lower")]
    return r


def applies(metric):
    """The kinds of boot that measure METRIC."""
    if metric.startswith("vf_peer_"):
        return KINDS
    if metric in ("vlan_mbx_msgs", "mem_pf_load_up_memavailable_kb"):
        return ("ours",)
    return ("ours", "stock")


def module_sizes(kernel, outdir):
    """`size` (text, data, bss) of every module measured: our copies and the
    stock ones of the guest kernel."""
    out = {}
    paths = {"iovnet_pf": f"{outdir}/iovnet_pf.ko", "iovnet_vf": f"{outdir}/iovnet_vf.ko"}
    base = f"/lib/modules/{kernel}/kernel/drivers/net"
    for name, rel in (("igb", "ethernet/intel/igb/igb.ko"), ("igbvf", "ethernet/intel/igbvf/igbvf.ko"),
                      ("virtio_net", "virtio_net.ko")):
        for ext in ("", ".xz"):
            if os.path.exists(f"{base}/{rel}{ext}"):
                paths[name] = f"{base}/{rel}{ext}"
                break
    for name, path in paths.items():
        if not os.path.exists(path):
            continue
        tmp = None
        try:
            if path.endswith(".xz"):
                with lzma.open(path) as f, tempfile.NamedTemporaryFile(
                        suffix=".ko", delete=False) as t:
                    t.write(f.read())
                    tmp = t.name
            r = subprocess.run(["size", "-A", tmp or path], capture_output=True,
                               text=True, check=False)
            sec = {}
            for line in r.stdout.splitlines():
                f = line.split()
                if len(f) >= 2 and f[0].startswith(".") and f[1].isdigit():
                    sec[f[0]] = int(f[1])
            text = sum(v for k, v in sec.items() if k.startswith(".text"))
            ro = sum(v for k, v in sec.items() if k.startswith(".rodata"))
            data = sum(v for k, v in sec.items() if k.startswith(".data") or
                       k == ".init.data" or k.startswith(".ref.data"))
            bss = sec.get(".bss", 0)
            out[name] = {"file": path, "text": text, "rodata": ro, "data": data, "bss": bss}
        finally:
            if tmp:
                os.unlink(tmp)
    return out


def report(raw, outdir, extra):
    boots = []
    for name in sorted(os.listdir(raw)) if os.path.isdir(raw) else []:
        d = f"{raw}/{name}"
        host = bench.read_kv(f"{d}/host.txt")
        if not host:
            continue
        kind = host.get("driver")
        first, bad, last = bench.lab_lines(host.get("log", ""))
        b = {"name": name, "kind": kind, "rep": int(host.get("rep", 0)),
             "lab_rc": int(host.get("lab_rc", -1)), "elapsed_s": int(host.get("elapsed_s", 0)),
             "host_loadavg_before": host.get("loadavg_before"),
             "host_loadavg_after": host.get("loadavg_after"),
             "other_qemu_before": int(host.get("other_qemu_before", 0)),
             "other_qemu_after": int(host.get("other_qemu_after", 0)),
             "earlier_attempts": [a for a in host.get("attempts", "").split(";") if a],
             "lab_line": first, "kernel_log_problems": bad, "log": host.get("log")}
        failures = [ln for ln in (bench.read(f"{d}/failures") or "").splitlines() if ln]
        setup = (bench.read(f"{d}/setup-error") or "").strip()
        if setup:
            failures.insert(0, f"setup: {setup}")
        if not os.path.exists(f"{d}/complete"):
            failures.append(f"the guest did not finish (lab exit {b['lab_rc']}): {last}")
        tail = (bench.read(f"{d}/dmesg-tail") or "").strip()
        try:
            facts, metrics, notes, samples = parse_boot(d, kind)
        except (OSError, ValueError, KeyError, TypeError, ZeroDivisionError) as e:
            facts, metrics, notes, samples = {}, {}, {}, []
            failures.append(f"bench_sriov.py could not parse the boot: {type(e).__name__}: {e}")
        notes["virtio_ran"] = os.path.isdir(f"{d}/dp-virtio")
        for s in samples:
            if not s.get("ok"):
                failures.append(f"{s['scenario']}{' (virtio NIC)' if s.get('nic') == 'virtio' else ''}: "
                                f"{s.get('error')}")
        for k, errs in notes.get("scale_errors", {}).items():
            failures.append(f"scale {k} VFs: " + "; ".join(errs))
        b.update({"facts": facts, "metrics": metrics, "notes": notes,
                  "samples": samples, "failures": failures,
                  "dmesg_tail": tail.splitlines()[-10:] if tail else []})
        boots.append(b)

    facts = bench.host_facts()
    facts.update(extra)
    for b in boots:
        f = b["facts"]
        facts.setdefault("guest_kernel", f.get("kernel"))
        facts.setdefault("accel", f.get("accel"))
        facts.setdefault("guest_cpu_model", f.get("guest_cpu"))
        facts.setdefault("guest_cpus", f.get("cpus"))
        facts.setdefault("iperf3", f.get("iperf3"))
        if b["lab_line"]:
            facts.setdefault("lab", b["lab_line"][5:])
            m = re.search(r"qemu=(\S+)", b["lab_line"])
            if m:
                facts.setdefault("lab_qemu", m.group(1))
    facts = {k: v for k, v in facts.items() if v is not None}
    sizes = module_sizes(facts.get("guest_kernel", ""), outdir)

    summary = []
    for section, key, label, dec, better in rows():
        row = {"section": section, "metric": key, "label": label, "decimals": dec,
               "better": better, "kinds": applies(key)}
        seen = False
        for kind in row["kinds"]:
            if kind == "virtio":
                # every boot ran the virtio NIC's runs too
                kb = [b for b in boots if b["notes"].get("virtio_ran")]
                vals = [b["notes"]["virtio_metrics"][key] for b in kb
                        if b["notes"]["virtio_metrics"].get(key) is not None]
            else:
                kb = [b for b in boots if b["kind"] == kind]
                vals = [b["metrics"][key] for b in kb if b["metrics"].get(key) is not None]
            row[kind] = bench.stats(vals)
            row[kind + "_runs"] = len(kb)
            row[kind + "_missing"] = len(kb) - len(vals)
            seen = seen or bool(vals)
        if not seen:
            continue
        o, s, v = row.get("ours"), row.get("stock"), row.get("virtio")
        row["ratio"] = o["median"] / s["median"] if o and s and s["median"] else None
        row["ratio_virtio"] = o["median"] / v["median"] if o and v and v["median"] else None
        summary.append(row)

    doc = {"facts": facts, "module_sizes": sizes, "boots": boots, "summary": summary}
    os.makedirs(outdir, exist_ok=True)
    with open(f"{outdir}/results.json", "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    charts = plot(doc, outdir)
    md = markdown(doc, charts, outdir)
    with open(f"{outdir}/report.md", "w", encoding="utf-8") as f:
        f.write(md)
    print(md, end="")
    ours_bad = any(b["failures"] for b in boots if b["kind"] == "ours")
    return 1 if ours_bad or not boots else 0


# ------------------------------------------------------------ markdown

def cell(row, kind):
    if kind not in row["kinds"]:
        return "n/a"
    st, missing, runs, dec = row[kind], row[kind + "_missing"], row[kind + "_runs"], row["decimals"]
    if not runs:
        return ""
    if st is None:
        return f"FAILED ({missing}/{runs})"
    s = f"{bench.num(st['median'], dec)}"
    if st["n"] > 1:
        s += f" ({bench.num(st['min'], dec)}-{bench.num(st['max'], dec)})"
    if missing:
        s += f", {missing}/{runs} failed"
    return s


def first_boot(doc, kind):
    return next((b for b in doc["boots"] if b["kind"] == kind and b["facts"]), None)


def offloads(b):
    o = b["notes"].get("offloads") or {}
    return ", ".join(f"{k.replace('tcp-segmentation-offload', 'TSO').replace('generic-receive-offload', 'GRO')} {v}"
                     for k, v in o.items()) or "?"


def markdown(doc, charts, outdir):
    f = doc["facts"]
    nrep = f.get("reps", "?")
    out = ["# iovnet benchmark: iovnet_pf + iovnet_vf (ours) vs stock igb + igbvf", ""]
    out.append(f"- date: {f.get('date_start', '?')} to {f.get('date_end', '?')} "
               f"({f.get('runtime', '?')}){', QUICK run' if f.get('quick') else ''}")
    out.append(f"- lab: {f.get('lab', '?')}")
    out.append(f"- guest kernel {f.get('guest_kernel', '?')}, {f.get('guest_cpus', '?')} vCPUs "
               f"({f.get('guest_cpu_model', '?')}), accel {f.get('accel', '?')}; {f.get('iperf3', '?')}")
    out.append(f"- host: {f.get('host_cpu_model', '?')}, {f.get('host_cpus', '?')} CPUs, kernel "
               f"{f.get('host_kernel', '?')}; iovnet {f.get('git_head', '?')}"
               f"{' (dirty)' if f.get('git_dirty') else ''}, iovnet_pf.ko sha256 "
               f"{f.get('iovnet_pf_sha256', '?')}, iovnet_vf.ko {f.get('iovnet_vf_sha256', '?')}")
    out.append(f"- {nrep} repetition(s), one lab boot per pair each, interleaved ours/stock (the virtio "
               "NIC's runs in both); "
               f"{f.get('seconds', '?')} s per iperf3 run; {f.get('vlan_cycles', '?')} VLAN "
               f"add+remove cycles; cells: median (min-max) over the repetitions")
    conc = [b for b in doc["boots"] if b["other_qemu_before"] or b["other_qemu_after"]]
    if conc:
        out.append(f"- other QEMU guests were running during {len(conc)} of {len(doc['boots'])} "
                   "boots (noisier numbers; the interleaved ratio is the figure): "
                   + ", ".join(b["name"] for b in conc))
    for kind in ("ours", "stock"):
        b = first_boot(doc, kind)
        if b:
            vfs = b["notes"].get("vfs") or []
            qp = ", ".join(str(q) if q else "1 (no ethtool -l; one ring pair)"
                           for q in sorted({v["queue_pairs"] for v in vfs}))
            out.append(f"- {kind}: PF {b['facts'].get('pf_driver', '?')}, VFs "
                       f"{b['facts'].get('vf_driver', '?')}, queue pairs per VF {qp or '?'}, "
                       f"VF 0 offloads {offloads(b)}")
    b = next((b for b in doc["boots"] if b["notes"].get("virtio_offloads")), None)
    if b:
        o = b["notes"]["virtio_offloads"]
        out.append("- virtio: a second virtio-net-pci on the same QEMU hub in the same guests (netns v0), "
                   "offloads " + ", ".join(f"{k} {v}" for k, v in o.items()) +
                   " (a hub port has no vnet header, so QEMU offers virtio no checksum/TSO offload: "
                   "a ceiling for frame rates, not for TCP with TSO)")
    if f.get("quick"):
        out.append(f"- QUICK run: 1 repetition (no min-max), scale with {f.get('scale', '?')} VFs, "
                   "no peer->VF TCP run, stock VF watched 5 s (not 10) before the rebind; "
                   "`make bench` does 5 repetitions of everything")
    out.append("")
    out += targets(doc)
    sec = None
    for r in doc["summary"]:
        if r["section"] != sec:
            sec = r["section"]
            out += [f"## {sec}", "",
                    "| | ours | stock | ratio ours/stock | virtio | ours/virtio |",
                    "| --- | --- | --- | --- | --- | --- |"]
        dec = r["decimals"]
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else ""
        if ratio and r["better"]:
            ratio += " (lower is better)" if r["better"] == "lower" else ""
        rv = f"{r['ratio_virtio']:.2f}" if r["ratio_virtio"] is not None else ""
        label = r["label"].replace("  ", "&nbsp;&nbsp;", 1) if r["label"].startswith("  ") else r["label"]
        vc = cell(r, "virtio") if "virtio" in r["kinds"] else ""
        out.append(f"| {label} | {cell(r, 'ours')} | {cell(r, 'stock')} | {ratio} | {vc} | {rv} |")
        nxt = doc["summary"].index(r) + 1
        if nxt == len(doc["summary"]) or doc["summary"][nxt]["section"] != sec:
            out.append("")
            out += section_notes(doc, sec)
    # module sizes
    sizes = doc["module_sizes"]
    if sizes:
        out += ["## Module sizes (`size -A` of the .ko; loaded: /sys/module/*/coresize)", "",
                "| module | text | rodata | data | bss | loaded (coresize) |",
                "| --- | --- | --- | --- | --- | --- |"]
        cores = {}
        for b in doc["boots"]:
            cores.update(b["notes"].get("module_coresize", {}))
        for name in ("iovnet_pf", "iovnet_vf", "igb", "igbvf", "virtio_net"):
            s = sizes.get(name)
            if s:
                out.append(f"| {name} | {s['text']} | {s['rodata']} | {s['data']} | {s['bss']} | "
                           f"{cores.get(name, '')} |")
        pair_o = sum(sizes[n]["text"] for n in ("iovnet_pf", "iovnet_vf") if n in sizes)
        pair_s = sum(sizes[n]["text"] for n in ("igb", "igbvf") if n in sizes)
        if pair_o and pair_s:
            out.append("")
            out.append(f"Text of the pair: ours {pair_o} B, stock {pair_s} B (ratio {pair_o / pair_s:.2f}; "
                       "the stock igb also drives 82575/82580/i350/i210 and their PHYs).")
        out.append("")
    pfmd = bench.read(f"{outdir}/datapath.md") if f.get("pf") == "1" else None
    if pfmd and "\n## " in pfmd:
        out += ["## PF <-> link partner (tools/bench/guest.sh in the same boots; "
                "details in datapath.md / datapath.json)", ""]
        body = pfmd[pfmd.index("\n## ") + 1:]
        out += [("#" + ln if ln.startswith("## ") else ln) for ln in body.splitlines()]
        out.append("")
    for c, title in charts:
        out += [f"![{title}]({os.path.relpath(c, outdir)})", ""]
    fails = [(b, x) for b in doc["boots"] for x in b["failures"]]
    if fails:
        out += ["## Failures (as logged; no number is given for these)", ""]
        for b, x in fails:
            out.append(f"- {b['name']}: {x}")
            for ln in b["dmesg_tail"][-5:] if x.startswith("setup") else []:
                out.append(f"  - dmesg: `{ln}`")
        out.append("")
    probs = [b for b in doc["boots"] if b["kernel_log_problems"]]
    if probs:
        out += ["## Kernel log problems", ""]
        for b in probs:
            out += [f"- {b['name']}: {ln}" for ln in b["kernel_log_problems"][:5]]
        out.append("")
    retried = [b for b in doc["boots"] if b["earlier_attempts"]]
    if retried:
        out += ["## Boots repeated (QEMU killed from outside the benchmark)", ""]
        out += [f"- {a}" for b in retried for a in b["earlier_attempts"]]
        out.append("")
    return "\n".join(out)


def targets(doc):
    """The targets of issue 7, met or missed by how much."""
    rows = {r["metric"]: r for r in doc["summary"]}
    out = ["## Targets (issue 7)", "", "| target | measured | verdict |", "| --- | --- | --- |"]

    def line(name, metric, want, invert=False):
        r = rows.get(metric)
        if not r:
            out.append(f"| {name} | not run{' (QUICK)' if doc['facts'].get('quick') else ''} | not measured |")
            return
        if r["ratio"] is None:
            why = "no ratio: " + ("ours failed" if not r["ours"] else "stock failed")
            out.append(f"| {name} | {why} | not measured |")
            return
        v = 1 / r["ratio"] if invert else r["ratio"]
        verdict = "met" if v >= want else f"missed by {100 * (want - v) / want:.0f}%"
        out.append(f"| {name} | {v:.2f}x | {verdict} |")

    line("VF bring-up >= 2x faster than stock (stock time / ours)", "bringup_total_ms", 2.0, True)
    for scen, title, kind in DP:
        key = {"tcp": f"{scen}.mbps", "rr": f"{scen}.tps"}.get(kind, f"{scen}.rx_kpps")
        want = 1.2 if scen == "vf_vf_tcp1" else 1.0
        line(f"{title} ours/stock >= {want}", key, want)
    modes = {b["kind"]: b["notes"].get("macchange_mode") for b in doc["boots"]
             if b["notes"].get("macchange_mode")}
    out.append(f"| live MAC change automatic (stock: needs a reload) | ours: "
               f"{modes.get('ours', 'failed')}, stock: {modes.get('stock', 'failed')} | "
               f"{'met' if modes.get('ours') == 'automatic' else 'missed'} |")
    out.append("")
    return out


def section_notes(doc, sec):
    out = []
    if sec == "Control plane":
        for kind in ("ours", "stock"):
            modes = [(b["name"], b["notes"].get("macchange_mode"), b["notes"].get("macchange_observed"),
                      b["notes"].get("macchange_stages_ms"))
                     for b in doc["boots"] if b["kind"] == kind]
            for name, mode, obs, st in modes[:1]:
                if mode == "automatic":
                    out.append(f"- MAC change, {kind}: automatic: the running VF driver took the new MAC "
                               f"by itself (netdev address after {st.get('netdev_mac')} ms, traffic after "
                               f"{st.get('traffic')} ms in {name}).")
                elif mode == "rebind":
                    out.append(f"- MAC change, {kind}: **needs a rebind**: {obs.replace(chr(10), '; ')}. "
                               "The figure is `ip link set ... vf 0 mac` plus the rebind procedure "
                               "(unbind, bind, netns, address, up, carrier, ping; "
                               f"{st.get('rebind_traffic')} ms in {name}), the observation window left out.")
                else:
                    out.append(f"- MAC change, {kind}: failed in {name} (see Failures).")
        b = first_boot(doc, "ours")
        if b and b["notes"].get("vlan_requests"):
            out.append(f"- VLAN: `ip -batch` in the VF's netns, {b['notes']['vlan_requests']} requests "
                       "(each `ip link add ... type vlan` asks the PF to add the VLAN filter over the "
                       "mailbox, each `del` to remove it); the netdev creation is part of each request's "
                       "cost, the same for both drivers.")
        out.append("- Bring-up, both pairs, the same commands: sriov_drivers_autoprobe=0, "
                   "`echo 7 > sriov_numvfs`, wait for the PF's carrier, set the 7 administrative MACs, "
                   "bind each VF with driver_override (the VF driver module already loaded), move each "
                   "netdev to its own netns with an address, `ip link set up`, wait for carrier, "
                   "wait until each namespace pings the link partner.")
        out.append("")
    elif sec == "Datapath":
        out += ["- VF<->VF: iperf3 client in netns t0 (VF 0), server in t1 (VF 1): switched inside the "
                "device (or by the model's loopback). VF<->peer: VF 0 and the link partner (virtio "
                "in netns peer). virtio: the same runs from a second virtio-net NIC on the same QEMU "
                "hub in the same boots (both pairs' boots; the ceiling: QEMU's fastest emulated NIC).",
                "- guest CPU busy %: 100% minus the idle share of both vCPUs over the run; the link "
                "partner is in the same guest, so its side is included.", ""]
    elif sec == "Memory":
        out += ["- Around `ip link set up` of the 7 VFs (rings, buffers, page pools): /proc/meminfo "
                "deltas; per queue pair = over the VFs' combined channels. MemAvailable is noisy "
                "(page cache, other allocations in the window).", ""]
    return out


# ------------------------------------------------------------ charts

def plot(doc, outdir):
    try:
        import matplotlib  # pylint: disable=import-outside-toplevel
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    except ImportError:
        return []
    rows = {r["metric"]: r for r in doc["summary"]}
    colors = {"ours": "#1f77b4", "stock": "#ff7f0e", "virtio": "#2ca02c"}
    charts = []

    def bars(metrics, labels, fname, title, ylabel):
        have = [(m, lab) for m, lab in zip(metrics, labels) if m in rows]
        if not have:
            return
        fig, ax = plt.subplots(figsize=(max(6, 1.8 * len(have)), 4))
        w = 0.27
        for i, kind in enumerate(KINDS):
            xs, ys, lo, hi = [], [], [], []
            for x, (m, _) in enumerate(have):
                st = rows[m].get(kind)
                if st:
                    xs.append(x + (i - 1) * w)
                    ys.append(st["median"])
                    lo.append(st["median"] - st["min"])
                    hi.append(st["max"] - st["median"])
            if xs:
                ax.bar(xs, ys, w, yerr=[lo, hi], label=kind, color=colors[kind], capsize=3)
        ax.set_xticks(range(len(have)))
        ax.set_xticklabels([lab for _, lab in have], fontsize=8)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend()
        fig.tight_layout()
        path = f"{outdir}/{fname}"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        charts.append((path, title))

    bars([f"{s}.mbps" for s, _, k in DP if k == "tcp"],
         ["VF<->VF", "VF->peer", "peer->VF"], "throughput.png",
         "TCP 1 stream throughput (median, min-max)", "Mbit/s")
    bars([f"{s}.rx_kpps" for s, _, k in DP if k == "udp"],
         ["VF<->VF", "VF->peer"], "packet_rate.png",
         "UDP 64-byte frames received (median, min-max)", "kpps")
    bars([f"{s}.tps" for s, _, k in DP if k == "rr"],
         ["VF<->VF", "VF<->peer"], "transactions.png",
         "TCP_RR 1-byte transactions (median, min-max)", "transactions/s")
    bars(["bringup_total_ms", "mac_change_ms"], ["7 VFs bring-up", "live MAC change"],
         "control_plane.png", "Control plane: time to traffic (lower is better)", "ms")
    # bring-up stages stacked
    st = [(k, lab) for k, lab in STAGES if f"bringup_{k}_ms" in rows]
    if st:
        fig, ax = plt.subplots(figsize=(9, 4))
        for i, kind in enumerate(("ours", "stock")):
            bottom = 0
            for j, (k, lab) in enumerate(st):
                s = rows[f"bringup_{k}_ms"][kind]
                v = s["median"] if s else 0
                ax.bar(i, v, 0.5, bottom=bottom, color=plt.cm.tab10(j),
                       label=lab if i == 0 else None)
                bottom += v
        ax.set_xticks([0, 1])
        ax.set_xticklabels(["ours", "stock"])
        ax.set_ylabel("ms (median per stage)")
        ax.set_title("echo 7 > sriov_numvfs -> 7 VFs pinging: stages")
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        fig.tight_layout()
        path = f"{outdir}/bringup_stages.png"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        charts.append((path, "bring-up stages"))
    ks = [k for k in range(1, 8) if f"scale{k}.mbps" in rows]
    if ks:
        fig, ax = plt.subplots(figsize=(6, 4))
        for kind in ("ours", "stock"):
            pts = [(k, rows[f"scale{k}.mbps"][kind]["median"]) for k in ks
                   if rows[f"scale{k}.mbps"][kind]]
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", label=kind,
                        color=colors[kind])
        ax.set_xlabel("VFs sending at once")
        ax.set_ylabel("aggregate Mbit/s (median)")
        ax.set_title("Scale: TCP from K VFs to the link partner")
        ax.legend()
        fig.tight_layout()
        path = f"{outdir}/scale.png"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        charts.append((path, "scale"))
    return charts
