#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Parse and report the iovnet datapath benchmark (tools/bench/datapath).

  bench.py sample DIR FACTS    (guest) one scenario's raw files -> DIR/sample.json
                               (an iperf3 run, or a tcp_rr run: DIR/rr.json)
  bench.py boot OUTDIR         (guest) one lab boot -> OUTDIR/boot.json
  bench.py report RAWDIR JSON MD [key=value...]
                               (host) every boot -> datapath.json, datapath.md
  bench.py sriov-report RAWDIR OUTDIR [key=value...]
                               (host) make bench (tools/bench/run, sriov.sh):
                               every boot -> OUTDIR/results.json, report.md,
                               *.png (the SR-IOV part is in bench_sriov.py)

Every number comes from a file the guest saved (iperf3 or tcp_rr JSON, /proc/stat,
/proc/interrupts, /proc/softirqs, netdev statistics); a run that failed
keeps its error line and no numbers.
"""

import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys

SCENARIOS = [
    # name, title, bulk (TCP) or packet-rate (UDP)
    ("tcp1_tx", "TCP 1 stream PF->peer", "tcp"),
    ("tcp1_rx", "TCP 1 stream peer->PF", "tcp"),
    ("tcp4_tx", "TCP 4 streams PF->peer", "tcp"),
    ("tcp4_rx", "TCP 4 streams peer->PF", "tcp"),
    ("udp64_tx", "UDP 64 B frames PF->peer", "udp"),
    ("tcp_rr", "TCP_RR 1 B PF<->peer", "rr"),
]
DRIVERS = ("ours", "stock")

# Rows of the two tables: (scenario kind, metric key, label, decimals)
THROUGHPUT_ROWS = {
    "tcp": [("mbps", "Mbit/s (receiver)", 0)],
    "udp": [("rx_kpps", "kpps received by iperf3", 1),
            ("peer_nic_kpps", "kpps at the peer's NIC", 1),
            ("lost_pct", "lost %", 1)],
    "rr": [("tps", "transactions/s", 0),
           ("lat_p50_us", "latency p50 us (lower is better)", 0),
           ("lat_p99_us", "latency p99 us (lower is better)", 0)],
}
COST_ROWS = {
    "tcp": [("cpu_busy_pct", "guest CPU busy %", 0),
            ("cpu_s_per_gb", "guest CPU-s per GB", 2),
            ("pf_irq_per_kpkt", "PF IRQs per 1000 wire frames", 1),
            ("pf_irq_per_s", "PF IRQs per second", 0),
            ("data_frames_lost", "frames lost on the wire (sender's count - receiver's)", 0),
            ("retransmits", "TCP retransmits", 0)],
    "udp": [("tx_kpps", "kpps sent by iperf3", 1),
            ("cpu_busy_pct", "guest CPU busy %", 0),
            ("cpu_s_per_mpkt", "guest CPU-s per Mpkt received", 2),
            ("pf_irq_per_kpkt", "PF IRQs per 1000 wire frames", 1),
            ("pf_irq_per_s", "PF IRQs per second", 0),
            ("data_frames_lost", "frames lost on the wire (PF tx - peer rx)", 0)],
    "rr": [("cpu_busy_pct", "guest CPU busy %", 0),
           ("cpu_us_per_trans", "guest CPU-us per transaction", 1),
           ("pf_irq_per_kpkt", "PF IRQs per 1000 wire frames", 1),
           ("pf_irq_per_s", "PF IRQs per second", 0)],
}


def read(path, default=None):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return default


def read_kv(path, sep="="):
    out = {}
    for line in (read(path) or "").splitlines():
        if sep in line:
            k, v = line.split(sep, 1)
            out[k.strip()] = v.strip()
    return out


def last_line(text):
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    return lines[-1] if lines else None


def parse_stat(path):
    """The aggregate "cpu" row of /proc/stat: dict of jiffies."""
    names = ("user", "nice", "system", "idle", "iowait", "irq", "softirq",
             "steal", "guest", "guest_nice")
    for line in (read(path) or "").splitlines():
        f = line.split()
        if f and f[0] == "cpu":
            return dict(zip(names, (int(x) for x in f[1:])))
    raise ValueError(f"no cpu line in {path}")


def parse_interrupts(path):
    """IRQ number -> count summed over CPUs."""
    text = (read(path) or "").splitlines()
    ncpu = len(text[0].split()) if text else 0
    out = {}
    for line in text[1:]:
        f = line.split()
        if not f or not f[0].endswith(":") or not f[0][:-1].isdigit():
            continue
        out[int(f[0][:-1])] = sum(int(x) for x in f[1:1 + ncpu] if x.isdigit())
    return out


def parse_softirqs(path):
    text = (read(path) or "").splitlines()
    out = {}
    for line in text[1:]:
        f = line.split()
        if f and f[0].endswith(":"):
            out[f[0][:-1]] = sum(int(x) for x in f[1:])
    return out


def parse_stats(path):
    return {k: int(v) for k, v in read_kv(path, ":").items() if v.lstrip("-").isdigit()}


def delta(a, b):
    return {k: b[k] - a[k] for k in b if k in a}


def irq_list(text):
    return [int(x) for x in (text or "").split() if x.isdigit()]


def cpu_window(d, clk_tck, cpus, wall, before=None, after=None):
    """Guest CPU use over the run, from /proc/stat deltas.

    busy_pct is 100 - idle% against wall time x CPUs.  The kernel measures
    idle time with its clock (NO_HZ), but busy time only by sampling ticks,
    and under TCG on a loaded host the vCPU threads lose ticks: the jiffies
    then add up to less than wall x CPUs (total_jiffies against
    expected_total_jiffies), and busy/total (kept as busy_pct_ticks) reads
    low.  CPU-seconds are busy_pct x wall x CPUs.  The /proc/stat
    snapshots are d/before/stat and d/after/stat unless named."""
    s0 = parse_stat(before or f"{d}/before/stat")
    s1 = parse_stat(after or f"{d}/after/stat")
    dj = delta(s0, s1)
    total = sum(dj[k] for k in ("user", "nice", "system", "idle", "iowait",
                                "irq", "softirq", "steal"))
    busy = total - dj["idle"] - dj["iowait"]
    expected = wall * cpus * clk_tck
    frac = max(0.0, 1.0 - (dj["idle"] + dj["iowait"]) / expected) if expected > 0 else None
    return {
        "jiffies": dj, "busy_jiffies": busy, "total_jiffies": total,
        "expected_total_jiffies": expected,
        "accounted_pct": 100.0 * total / expected if expected > 0 else None,
        "busy_pct": 100.0 * frac if frac is not None else None,
        "busy_pct_ticks": 100.0 * busy / total if total else None,
        "busy_cpu_s": frac * wall * cpus if frac is not None else None,
        "busy_cpu_s_ticks": busy / clk_tck,
        "softirq_pct_ticks": 100.0 * dj["softirq"] / total if total else None,
        "system_pct_ticks": 100.0 * dj["system"] / total if total else None,
    }


def iperf_error(d, rc, j):
    """The log line that says why a run failed, or None if it did not."""
    if j is not None and j.get("error"):
        return f"iperf3: {j['error']}"
    if rc == 124:
        return "iperf3 client did not finish (timeout)"
    if rc != 0 or j is None:
        line = (last_line(read(f"{d}/iperf3.err")) or
                last_line(read(f"{d}/server.log")) or "no output")
        return f"iperf3 exit {rc}: {line}"
    return None


def sample(d, facts_path):
    try:
        return parse_sample(d, facts_path)
    except (OSError, ValueError, KeyError, TypeError, ZeroDivisionError) as e:
        res = {"scenario": os.path.basename(os.path.normpath(d)), "ok": False,
               "error": f"bench.py could not parse the run: {type(e).__name__}: {e}"}
        return finish_sample(d, res)


def parse_sample(d, facts_path):
    facts = read_kv(facts_path)
    name = os.path.basename(os.path.normpath(d))
    res = {"scenario": name, "ok": False, "error": None,
           "command": (read(f"{d}/command") or "").strip() or None}
    err = read(f"{d}/error")
    if err:
        res["error"] = err.strip()
        return finish_sample(d, res)
    if os.path.exists(f"{d}/rr.json"):
        return parse_rr(d, facts, res)
    rc = int((read(f"{d}/rc") or "-1").strip() or -1)
    res["iperf3_rc"] = rc
    try:
        j = json.loads(read(f"{d}/iperf3.json") or "")
    except ValueError:
        j = None
    res["error"] = iperf_error(d, rc, j)
    if res["error"]:
        return finish_sample(d, res)

    udp = j["start"]["test_start"]["protocol"] == "UDP"
    end = j["end"]
    recv = end.get("sum_received") or end.get("sum")
    sent = end.get("sum_sent") or end.get("sum")
    secs = recv["seconds"]
    m, w = run_window(d, facts)
    m.update({
        "seconds": secs,
        "bytes_received": recv["bytes"],
        "bits_per_second": recv["bits_per_second"],
        "mbps": recv["bits_per_second"] / 1e6,
    })
    cpu, pf_st, peer_st = w["cpu"], w["pf_stats_delta"], w["peer_stats_delta"]
    # Frames the sending side counted and the receiving side did not.  Toward
    # the PF no counter shows them (the model never increments RNBC/MPC);
    # TCP retransmits them.
    if j["start"]["test_start"].get("reverse"):
        m["data_frames_lost"] = peer_st.get("tx_packets", 0) - pf_st.get("rx_packets", 0)
    else:
        m["data_frames_lost"] = pf_st.get("tx_packets", 0) - peer_st.get("rx_packets", 0)
    if udp:
        lost = recv.get("lost_packets", 0)
        rx_pkts = recv["packets"] - lost
        m.update({
            "packets_sent": sent["packets"], "packets_received": rx_pkts,
            "lost_packets": lost, "lost_pct": recv.get("lost_percent"),
            "tx_kpps": sent["packets"] / sent["seconds"] / 1e3,
            "rx_kpps": rx_pkts / secs / 1e3,
            "peer_nic_rx_packets": peer_st.get("rx_packets"),
            "peer_nic_kpps": peer_st.get("rx_packets", 0) / secs / 1e3,
            "cpu_s_per_mpkt": cpu["busy_cpu_s"] / (rx_pkts / 1e6) if rx_pkts else None,
        })
    else:
        gb = recv["bytes"] / 1e9
        m["cpu_s_per_gb"] = cpu["busy_cpu_s"] / gb if gb else None
        m["retransmits"] = end.get("sum_sent", {}).get("retransmits")
        if m["retransmits"] is None:
            m.pop("retransmits")
    if recv["bytes"] == 0:
        res["error"] = "iperf3 ran but the receiver got 0 bytes"
        return finish_sample(d, res)
    res.update(w)
    res.update({"ok": True, "metrics": m,
                "iperf3_cpu_utilization": end.get("cpu_utilization_percent")})
    return finish_sample(d, res)


def run_window(d, facts):
    """What the guest's counters say about the window around one run:
    (metrics, the raw deltas) from d/before and d/after."""
    clk = int(facts.get("clk_tck", "100"))
    wall = float(read(f"{d}/after/time")) - float(read(f"{d}/before/time"))
    cpu = cpu_window(d, clk, int(facts.get("cpus", "1")), wall)
    i0, i1 = parse_interrupts(f"{d}/before/interrupts"), parse_interrupts(f"{d}/after/interrupts")
    pf_irqs, peer_irqs = irq_list(facts.get("pf_irqs")), irq_list(facts.get("peer_irqs"))
    pf_irq = sum(i1.get(n, 0) - i0.get(n, 0) for n in pf_irqs)
    peer_irq = sum(i1.get(n, 0) - i0.get(n, 0) for n in peer_irqs)
    pf_st = delta(parse_stats(f"{d}/before/pf-stats"), parse_stats(f"{d}/after/pf-stats"))
    peer_st = delta(parse_stats(f"{d}/before/peer-stats"), parse_stats(f"{d}/after/peer-stats"))
    sirq = delta(parse_softirqs(f"{d}/before/softirqs"), parse_softirqs(f"{d}/after/softirqs"))
    # Frames on the wire, both ways, counted by the link partner (virtio
    # without offloads toward the hub: one count per frame).
    wire = peer_st.get("rx_packets", 0) + peer_st.get("tx_packets", 0)
    m = {
        "wall_seconds": wall,
        "cpu_busy_pct": cpu["busy_pct"],
        "cpu_busy_s": cpu["busy_cpu_s"],
        "cpu_busy_pct_ticks": cpu["busy_pct_ticks"],
        "cpu_accounted_pct": cpu["accounted_pct"],
        "pf_irqs": pf_irq, "peer_irqs": peer_irq,
        "wire_frames": wire,
        "pf_irq_per_kpkt": 1000.0 * pf_irq / wire if wire else None,
        "pf_irq_per_s": pf_irq / wall if wall > 0 else None,
        "peer_irq_per_kpkt": 1000.0 * peer_irq / wire if wire else None,
        "net_rx_softirqs": sirq.get("NET_RX"), "net_tx_softirqs": sirq.get("NET_TX"),
    }
    return m, {"cpu": cpu, "pf_stats_delta": pf_st, "peer_stats_delta": peer_st,
               "softirqs_delta": sirq}


def parse_rr(d, facts, res):
    """A tcp_rr run (tools/bench/tcp_rr.c): d/rr.json, d/rr.err, d/rc."""
    rc = int((read(f"{d}/rc") or "-1").strip() or -1)
    res["tcp_rr_rc"] = rc
    try:
        j = json.loads(read(f"{d}/rr.json") or "")
    except ValueError:
        j = None
    if rc != 0 or j is None:
        why = ("did not finish (timeout)" if rc == 124 else
               last_line(read(f"{d}/rr.err")) or last_line(read(f"{d}/server.log")) or
               "no output")
        res["error"] = f"tcp_rr exit {rc}: {why}"
        return finish_sample(d, res)
    if not j["transactions"]:
        res["error"] = "tcp_rr ran but completed no transaction"
        return finish_sample(d, res)
    m, w = run_window(d, facts)
    lat = j["latency_us"]
    busy = w["cpu"]["busy_cpu_s"]
    m.update({
        "seconds": j["seconds"], "transactions": j["transactions"],
        "tps": j["per_second"],
        "lat_mean_us": lat["mean"], "lat_p50_us": lat["p50"],
        "lat_p90_us": lat["p90"], "lat_p99_us": lat["p99"],
        "lat_min_us": lat["min"], "lat_max_us": lat["max"],
        "cpu_us_per_trans": 1e6 * busy / j["transactions"] if busy is not None else None,
    })
    res.update(w)
    res.update({"ok": True, "metrics": m})
    return finish_sample(d, res)


def fmt_progress(res):
    if not res["ok"]:
        return f"bench:   {res['scenario']:9} FAILED: {res['error']}"
    m = res["metrics"]
    if "tps" in m:
        head = (f"{m['tps']:7.0f} transactions/s (latency p50 {m['lat_p50_us']} us, "
                f"p99 {m['lat_p99_us']} us), CPU {m['cpu_busy_pct']:.0f}%")
    elif "rx_kpps" in m:
        head = (f"{m['rx_kpps']:7.1f} kpps received ({m['tx_kpps']:.1f} sent, "
                f"{m['lost_pct']:.1f}% lost), CPU {m['cpu_busy_pct']:.0f}%")
    else:
        head = f"{m['mbps']:7.1f} Mbit/s, CPU {m['cpu_busy_pct']:.0f}%"
    irq = m["pf_irq_per_kpkt"]
    irq = f"{irq:.1f}" if irq is not None else "?"
    return f"bench:   {res['scenario']:9} {head}, PF {irq} IRQs/1000 frames"


def finish_sample(d, res):
    with open(f"{d}/sample.json", "w", encoding="utf-8") as f:
        json.dump(res, f, indent=1)
    print(fmt_progress(res), flush=True)
    return 0


def ethtool_field(text, key):
    """First "key: value" of ethtool output after "Current hardware settings"
    if there is such a section."""
    text = text or ""
    if "Current hardware settings" in text:
        text = text.split("Current hardware settings", 1)[1]
    m = re.search(rf"^{re.escape(key)}:\s*(.*)$", text, re.M)
    return m.group(1).strip() if m else None


def boot(out):
    facts = read_kv(f"{out}/facts")
    k = read(f"{out}/ethtool-k")
    res = {
        "facts": facts,
        "setup_error": (read(f"{out}/setup-error") or "").strip() or None,
        "kernel_driver": ethtool_field(read(f"{out}/ethtool-i"), "driver"),
        "channels_combined": ethtool_field(read(f"{out}/ethtool-l"), "Combined"),
        "rx_usecs": ethtool_field(read(f"{out}/ethtool-c"), "rx-usecs"),
        "tx_usecs": ethtool_field(read(f"{out}/ethtool-c"), "tx-usecs"),
        "adaptive": (re.search(r"^Adaptive RX:.*$", read(f"{out}/ethtool-c") or "", re.M)
                     or [None])[0],
        "rx_ring": ethtool_field(read(f"{out}/ethtool-g"), "RX"),
        "tx_ring": ethtool_field(read(f"{out}/ethtool-g"), "TX"),
        "offloads": {key: ethtool_field(k, key) for key in (
            "rx-checksumming", "tx-checksumming", "tcp-segmentation-offload",
            "generic-segmentation-offload", "generic-receive-offload",
            "scatter-gather")},
        "qdisc": (read(f"{out}/qdisc") or "").strip(),
        "samples": [],
    }
    for name, _, _ in SCENARIOS:
        s = read(f"{out}/{name}/sample.json")
        if s:
            res["samples"].append(json.loads(s))
    with open(f"{out}/boot.json", "w", encoding="utf-8") as f:
        json.dump(res, f, indent=1)
    return 0


# ---------------------------------------------------------------- report

def host_facts():
    cpu = None
    for line in (read("/proc/cpuinfo") or "").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break

    def cmd(*a):
        try:
            return subprocess.run(a, capture_output=True, text=True,
                                  check=False).stdout.strip()
        except OSError:
            return None
    qemu = cmd("qemu-system-x86_64", "--version").splitlines()
    return {
        "host_cpu_model": cpu, "host_cpus": os.cpu_count(),
        "host_kernel": platform.release(),
        "qemu": qemu[0] if qemu else None,
        "git_head": cmd("git", "rev-parse", "--short", "HEAD"),
        "git_dirty": bool(cmd("git", "status", "--porcelain", "--untracked-files=no")),
    }


def lab_lines(log):
    """(first "lab:" line, kernel-log problems, why the run ended early) of
    a lab run's log."""
    lines = (read(log) or "").splitlines()
    first = next((ln for ln in lines if ln.startswith("lab: kernel=")), None)
    bad, inbad = [], False
    for ln in lines:
        if ln.startswith("lab: FAIL: kernel log"):
            inbad = True
        elif inbad and ln.startswith("lab:   "):
            bad.append(ln[7:])
        else:
            inbad = False
    why = [ln for ln in lines if "terminating on signal" in ln or
           "FAILED" in ln or
           (ln.startswith("lab: ") and not ln.startswith(("lab: kernel=", "lab: exit ")))]
    last = next((ln for ln in reversed(lines) if ln.strip()), None)
    return first, bad, "; ".join(why[-3:]) if why else last


def stats(vals):
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals),
            "n": len(vals)} if vals else None


def num(v, dec):
    if v is None:
        return "?"
    return f"{v:,.{dec}f}".replace(",", " ") if abs(v) >= 10000 else f"{v:.{dec}f}"


def cell(st, nfail, nall, dec):
    if st is None:
        return f"FAILED ({nfail}/{nall})" if nall else "no run"
    s = f"{num(st['median'], dec)} ({num(st['min'], dec)}-{num(st['max'], dec)})"
    if nfail:
        s += f", {nfail}/{nall} failed"
    return s


def report(raw, json_out, md_out, extra):
    names = sorted(os.listdir(raw)) if os.path.isdir(raw) else []
    boots, samples = [], []
    for name in names:
        d = f"{raw}/{name}"
        host = read_kv(f"{d}/host.txt")
        if not host:
            continue
        first, bad, last = lab_lines(host.get("log", ""))
        b = {"name": name, "driver": host.get("driver"), "rep": int(host.get("rep", 0)),
             "lab_rc": int(host.get("lab_rc", -1)),
             "elapsed_s": int(host.get("elapsed_s", 0)),
             "host_loadavg_before": host.get("loadavg_before"),
             "host_loadavg_after": host.get("loadavg_after"),
             "earlier_attempts": [a for a in host.get("attempts", "").split(";") if a],
             "other_qemu_before": int(host.get("other_qemu_before", 0)),
             "other_qemu_after": int(host.get("other_qemu_after", 0)),
             "lab_line": first, "kernel_log_problems": bad, "log": host.get("log")}
        bj = read(f"{d}/boot.json")
        if not bj and os.path.exists(f"{d}/facts"):
            # The guest stopped early: keep the scenarios it finished.
            boot(d)
            bj = read(f"{d}/boot.json")
        if bj:
            bj = json.loads(bj)
            b.update({k: v for k, v in bj.items() if k != "samples"})
            if b["setup_error"] is None and len(bj["samples"]) < len(SCENARIOS):
                b["setup_error"] = f"guest stopped after {len(bj['samples'])} scenarios: {last}"
            for s in bj["samples"]:
                s = dict(s, driver=b["driver"], rep=b["rep"], boot=name)
                samples.append(s)
        else:
            b["setup_error"] = f"no results from the guest (lab exit {b['lab_rc']}): {last}"
        boots.append(b)

    facts = host_facts()
    facts.update(extra)
    for b in boots:
        f = b.get("facts") or {}
        facts.setdefault("guest_kernel", f.get("kernel"))
        facts.setdefault("accel", f.get("accel"))
        facts.setdefault("guest_cpu_model", f.get("guest_cpu"))
        facts.setdefault("guest_cpus", f.get("cpus"))
        facts.setdefault("iperf3", f.get("iperf3"))
        if b["lab_line"]:
            facts.setdefault("lab", b["lab_line"][5:])
    for k in [k for k, v in facts.items() if v is None]:
        del facts[k]

    # A scenario that never ran because its boot failed counts as failed.
    def runs_of(drv, scen):
        out = []
        for b in boots:
            if b["driver"] != drv:
                continue
            s = next((s for s in samples if s["boot"] == b["name"]
                      and s["scenario"] == scen), None)
            out.append(s or {"ok": False, "scenario": scen, "driver": drv,
                             "rep": b["rep"], "boot": b["name"],
                             "error": b.get("setup_error") or "did not run"})
        return out

    summary, failures = [], []
    for scen, title, kind in SCENARIOS:
        for table, rows in (("throughput", THROUGHPUT_ROWS), ("cost", COST_ROWS)):
            for key, label, dec in rows[kind]:
                row = {"table": table, "scenario": scen, "title": title,
                       "metric": key, "label": label, "decimals": dec}
                for drv in DRIVERS:
                    runs = runs_of(drv, scen)
                    vals = [r["metrics"][key] for r in runs
                            if r["ok"] and r["metrics"].get(key) is not None]
                    row[drv] = stats(vals)
                    row[drv + "_failed"] = sum(1 for r in runs if not r["ok"])
                    row[drv + "_runs"] = len(runs)
                o, s = row["ours"], row["stock"]
                row["ratio"] = (o["median"] / s["median"]
                                if o and s and s["median"] else None)
                summary.append(row)
        for drv in DRIVERS:
            for r in runs_of(drv, scen):
                if not r["ok"]:
                    failures.append({"driver": drv, "rep": r["rep"], "scenario": scen,
                                     "boot": r["boot"], "error": r["error"]})

    doc = {"facts": facts, "boots": boots, "samples": samples,
           "summary": summary, "failures": failures}
    os.makedirs(os.path.dirname(json_out) or ".", exist_ok=True)
    with open(json_out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    md = markdown(doc)
    with open(md_out, "w", encoding="utf-8") as f:
        f.write(md)
    print(md, end="")
    ours_bad = any(f["driver"] == "ours" for f in failures)
    return 1 if ours_bad or not boots else 0


def markdown(doc):
    f = doc["facts"]
    out = ["# iovnet datapath benchmark: iovnet_pf (ours) vs stock igb", ""]
    out.append(f"- date: {f.get('date_start', '?')} to {f.get('date_end', '?')} "
               f"({f.get('runtime', '?')})")
    out.append(f"- lab: {f.get('lab', '?')}")
    out.append(f"- guest kernel {f.get('guest_kernel', '?')}, {f.get('guest_cpus', '?')} vCPUs "
               f"({f.get('guest_cpu_model', '?')}), accel {f.get('accel', '?')}; "
               f"{f.get('iperf3', '?')}")
    out.append(f"- host: {f.get('host_cpu_model', '?')}, {f.get('host_cpus', '?')} CPUs, "
               f"kernel {f.get('host_kernel', '?')}; iovnet {f.get('git_head', '?')}"
               f"{' (dirty)' if f.get('git_dirty') else ''}, "
               f"iovnet_pf.ko sha256 {f.get('iovnet_pf_sha256', '?')}")
    out.append(f"- {f.get('reps', '?')} repetition(s), one lab boot per driver each, "
               f"interleaved ours/stock; {f.get('seconds', '?')} s per iperf3 run")
    conc = [b for b in doc["boots"] if b["other_qemu_before"] or b["other_qemu_after"]]
    if conc:
        out.append(f"- other QEMU guests were running during {len(conc)} of "
                   f"{len(doc['boots'])} boots (numbers are noisier): "
                   + ", ".join(b["name"] for b in conc))
    drv = {}
    for b in doc["boots"]:
        if b.get("facts"):
            drv.setdefault(b["driver"], b)
    for name in DRIVERS:
        b = drv.get(name)
        if b:
            out.append(f"- {name}: driver {b.get('kernel_driver')}, {b.get('channels_combined')} "
                       f"queue pairs, rx-usecs {b.get('rx_usecs')}, "
                       f"rings rx {b.get('rx_ring')}/tx {b.get('tx_ring')}, "
                       f"TSO {b['offloads'].get('tcp-segmentation-offload')}, "
                       f"GRO {b['offloads'].get('generic-receive-offload')}")
    out.append("")
    for table, head in (("throughput", "Throughput (higher is better)"),
                        ("cost", "Cost: guest CPU and interrupts (what explains the ratios)")):
        out += [f"## {head}", "",
                "| scenario | ours (median, min-max) | stock (median, min-max) | ratio ours/stock |",
                "| --- | --- | --- | --- |"]
        for r in doc["summary"]:
            if r["table"] != table:
                continue
            dec = r["decimals"]
            ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "n/a"
            out.append(f"| {r['title']}: {r['label']} | "
                       f"{cell(r['ours'], r['ours_failed'], r['ours_runs'], dec)} | "
                       f"{cell(r['stock'], r['stock_failed'], r['stock_runs'], dec)} | {ratio} |")
        out.append("")
    acc = [x["metrics"]["cpu_accounted_pct"] for x in doc["samples"] if x["ok"]]
    out += ["Guest CPU: 100% minus the idle share of both vCPUs over the iperf3 run",
            "(/proc/stat idle jiffies against wall time x CPUs; tick-sampled busy",
            "jiffies undercount under TCG: here the jiffies covered "
            + (f"{min(acc):.0f}-{max(acc):.0f}%" if acc else "?") + " of wall x CPUs).",
            "The link partner is in the same guest, so this includes the peer's side.",
            "PF IRQs: the 82576's MSI-X vectors in /proc/interrupts; wire frames:",
            "the peer's rx+tx packet counters (its virtio NIC has no offloads).",
            "Frames lost on the wire: the sender's netdev tx_packets minus the",
            "receiver's rx_packets in the data direction (+-1 is timing); toward the",
            "PF they vanish without a counter (the model keeps no missed/no-buffer",
            "counts), most likely for want of a free RX descriptor.", ""]
    if doc["failures"]:
        out += ["## Failures", ""]
        for x in doc["failures"]:
            out.append(f"- {x['driver']} rep {x['rep']} {x['scenario']} ({x['boot']}): {x['error']}")
        out.append("")
    retried = [b for b in doc["boots"] if b["earlier_attempts"]]
    if retried:
        out += ["## Boots repeated (QEMU killed from outside the benchmark)", ""]
        for b in retried:
            out += [f"- {a}" for a in b["earlier_attempts"]]
        out.append("")
    probs = [b for b in doc["boots"] if b["kernel_log_problems"]]
    if probs:
        out += ["## Kernel log problems", ""]
        for b in probs:
            for ln in b["kernel_log_problems"][:5]:
                out.append(f"- {b['name']}: {ln}")
        out.append("")
    return "\n".join(out)


def parse_extra(args):
    """key=value arguments of the host scripts -> facts."""
    extra = dict(a.split("=", 1) for a in args)
    for k in ("runtime_s", "reps", "seconds", "vlan_cycles"):
        if extra.get(k, "").isdigit():
            extra[k] = int(extra[k])
    for k in ("git_dirty", "quick"):
        if k in extra:
            extra[k] = extra[k] == "1"
    return extra


def main(argv):
    if len(argv) >= 3 and argv[0] == "sample":
        return sample(argv[1], argv[2])
    if len(argv) == 2 and argv[0] == "boot":
        return boot(argv[1])
    if len(argv) >= 4 and argv[0] == "report":
        extra = parse_extra(argv[4:])
        return report(argv[1], argv[2], argv[3], extra)
    if len(argv) >= 3 and argv[0] == "sriov-report":
        import bench_sriov  # pylint: disable=import-outside-toplevel
        return bench_sriov.report(argv[1], argv[2], parse_extra(argv[3:]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
