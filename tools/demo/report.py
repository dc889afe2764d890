#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Results of the demo scenario (tools/demo/scenario.sh).

  report.py collect RECORDS.jsonl RESULTS.json
      (guest, python3 -S) merge the scenario's JSON lines into one document
  report.py report RESULTS.json OUTDIR [key=value...]
      (host, /usr/bin/python3 with matplotlib) print the summary table,
      write OUTDIR/summary.md and OUTDIR/summary.png; exit 1 if the
      results are missing or any expectation failed.  key=value pairs
      (e.g. wall_s=212) are added to the facts.
"""

import json
import os
import sys

COLUMNS = [
    # key, title
    ("tenant", "tenant"),
    ("vf", "VF"),
    ("mac", "MAC"),
    ("vlan", "VLAN/qos"),
    ("trust", "trust"),
    ("spoof", "spoofchk/rate"),
    ("link", "link"),
    ("mbps", "throughput"),
    ("isolation", "isolation"),
    ("recovery", "recovery"),
]


def collect(records, out):
    doc = {"facts": {}, "tenants": {}, "checks": []}
    with open(records) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                r = json.loads(line)
            except ValueError as e:
                doc["checks"].append({"step": "collect", "ok": False,
                                      "name": "record %d unreadable: %s" % (n, e)})
                continue
            if r["kind"] == "fact":
                doc["facts"][r["key"]] = r["value"]
            elif r["kind"] == "tenant":
                doc["tenants"].setdefault(r["tenant"], {})[r["key"]] = r["value"]
            elif r["kind"] == "check":
                doc["checks"].append({k: r[k] for k in ("step", "name", "ok")})
    doc["passed"] = sum(c["ok"] for c in doc["checks"])
    doc["failed"] = sum(not c["ok"] for c in doc["checks"])
    doc["ok"] = doc["failed"] == 0 and doc["passed"] > 0
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.rename(tmp, out)
    return 0


def secs(ms):
    if isinstance(ms, (int, float)):
        return "%.1f s" % (ms / 1000.0)
    return str(ms) if ms is not None else "-"


def cells(name, t):
    """One row of the summary table, as strings."""
    vlan = t.get("vlan", 0)
    qos = t.get("qos", 0)
    rate = t.get("max_tx_rate", 0)
    link = "%s, %s" % (t.get("link_state", "?"), t.get("carrier", "?"))
    if "link_forced" in t:
        link += "; forced down/up ok"
    rec = t.get("recovery_ms")
    recovery = "wire %s" % secs(rec) if rec is not None else "-"
    if "mac_change_ms" in t:
        recovery += ", MAC %s" % secs(t["mac_change_ms"])
    iso = t.get("isolation", "-")
    if "isolation_ok" in t:
        iso = ("ok " if t["isolation_ok"] else "LEAK ") + iso
    return {
        "tenant": name,
        "vf": "%s (%s)" % (t.get("vf", "?"), t.get("netdev", "?")),
        "mac": str(t.get("mac", "?")),
        "vlan": "%s/%s" % (vlan, qos) if vlan else "untagged",
        "trust": "on" if t.get("trust") is True else "off",
        "spoof": "%s/%s" % ("on" if t.get("spoofchk") is True else "off",
                            "%s Mb/s" % rate if rate else "-"),
        "link": link,
        "mbps": "%s Mbit/s" % t["mbps"] if "mbps" in t else "-",
        "isolation": iso,
        "recovery": recovery,
    }


def text_table(rows):
    titles = [c[1] for c in COLUMNS]
    width = [max(len(titles[i]), *(len(r[k]) for r in rows)) if rows else len(titles[i])
             for i, (k, _) in enumerate(COLUMNS)]
    out = ["  ".join(t.ljust(w) for t, w in zip(titles, width)),
           "  ".join("-" * w for w in width)]
    for r in rows:
        out.append("  ".join(r[k].ljust(w) for (k, _), w in zip(COLUMNS, width)))
    return "\n".join(out)


def md_table(rows):
    out = ["| " + " | ".join(c[1] for c in COLUMNS) + " |",
           "|" + "---|" * len(COLUMNS)]
    for r in rows:
        out.append("| " + " | ".join(r[k] for k, _ in COLUMNS) + " |")
    return "\n".join(out)


def chart(doc, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(doc["tenants"])
    ten = doc["tenants"]
    mbps = [float(ten[n].get("mbps", 0) or 0) for n in names]
    labels = []
    for n in names:
        t = ten[n]
        v = "VLAN %s" % t["vlan"] if t.get("vlan") else "untagged"
        labels.append("%s\nVF %s, %s" % (n, t.get("vf", "?"), v))
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.2))
    bars = a1.bar(labels, mbps, color="#3b75af")
    a1.bar_label(bars, fmt="%.0f")
    a1.set_title("iperf3 TCP to the link partner")
    a1.set_ylabel("Mbit/s")
    lab = str(doc["facts"].get("enforced", "0")) != "1"
    for n, b in zip(names, bars):
        r = ten[n].get("max_tx_rate")
        if r:
            x0, x1 = b.get_x() - 0.08, b.get_x() + b.get_width() + 0.08
            a1.plot([x0, x1], [float(r)] * 2, color="#c03030", ls="--", lw=1.5)
            a1.annotate("max_tx_rate %s%s" % (r, "\n(not enforced\nby the model)" if lab else ""),
                        (b.get_x() + b.get_width() / 2, min(float(r), b.get_height())),
                        xytext=(0, -4), textcoords="offset points",
                        ha="center", va="top", fontsize=7, color="white")
    wire = [ten[n].get("recovery_ms") for n in names]
    wire = [w if isinstance(w, (int, float)) else 0 for w in wire]
    mac = [ten[n].get("mac_change_ms", 0) for n in names]
    x = range(len(names))
    w = 0.38
    b1 = a2.bar([i - w / 2 for i in x], [v / 1000.0 for v in wire], w,
                label="wire flap", color="#e08a2c")
    b2 = a2.bar([i + w / 2 for i in x], [v / 1000.0 for v in mac], w,
                label="live MAC change", color="#5a9e4b")
    a2.bar_label(b1, fmt="%.1f")
    a2.bar_label(b2, labels=["%.1f" % (v / 1000.0) if v else "" for v in mac])
    bound = doc["facts"].get("recover_bound_ms")
    if isinstance(bound, (int, float)):
        a2.axhline(bound / 1000.0, color="#c03030", ls="--", lw=1,
                   label="bound %.0f s" % (bound / 1000.0))
    a2.set_xticks(list(x), labels)
    a2.set_title("recovery: until the partner answers again")
    a2.set_ylabel("seconds")
    a2.legend(fontsize=8)
    fig.suptitle("iovnet demo: %d tenants on one 82576 - %s - %s" % (
        len(names), doc["facts"].get("mode", "?"),
        "all %d expectations met" % doc["passed"] if doc.get("ok")
        else "%d of %d expectations FAILED" % (doc["failed"], doc["passed"] + doc["failed"])))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def report(results, outdir, extra):
    try:
        with open(results) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print("demo: FAILED: no results from the scenario (%s): %s" % (results, e))
        return 1
    doc["facts"].update(extra)
    rows = [cells(n, t) for n, t in doc["tenants"].items()]
    failed = [c for c in doc["checks"] if not c["ok"]]
    facts = doc["facts"]

    print()
    print(text_table(rows))
    print()
    summary = "%d expectations met, %d failed" % (doc["passed"], doc["failed"])
    print("demo: " + summary)

    md = ["<!-- generated by tools/demo/report.py -->",
          "# iovnet demo summary", "",
          "- mode: %s, PF %s (%s), kernel %s" % (facts.get("mode", "?"), facts.get("pf_pci", "?"),
                                                 facts.get("pf_if", "?"), facts.get("kernel", "?")),
          "- scenario: %s in the guest%s" % (
              secs(facts.get("duration_ms")),
              ", `make demo` wall time %s s" % facts["wall_s"] if "wall_s" in facts else ""),
          "- result: **%s** (%s)" % ("PASS" if doc.get("ok") else "FAIL", summary),
          "- recovery bound: %s; wire flap: %s" % (secs(facts.get("recover_bound_ms")),
                                                   facts.get("wire_flap", "?")),
          "", md_table(rows), ""]
    if str(facts.get("enforced", "0")) != "1":
        md += ["Debian's QEMU igb model stores but does not enforce `max_tx_rate` "
               "(no rate limiter) or spoofchk (anti-spoof bits are not checked); "
               "the table shows the administrative values. The lab's patched QEMU "
               "(tools/qemu) enforces both.", ""]
    else:
        md += ["The device enforces `max_tx_rate` and spoofchk: t3's measured "
               "rate is held under its limit (a VF's limit is split over its two "
               "TX queues, so one TCP stream gets half of it).", ""]
    md += ["## Expectations", ""]
    step = None
    for c in doc["checks"]:
        if c["step"] != step:
            step = c["step"]
            md += ["", "**%s**" % step, ""]
        md.append("- %s %s" % ("ok" if c["ok"] else "**FAIL**", c["name"]))
    md.append("")
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "summary.md"), "w") as f:
        f.write("\n".join(md))
    try:
        chart(doc, os.path.join(outdir, "summary.png"))
    except Exception as e:  # a missing matplotlib must not hide the verdict
        print("demo: no chart: %s" % e)
        failed.append({"step": "report", "name": "chart: %s" % e, "ok": False})
    print("demo: wrote %s and %s" % (os.path.join(outdir, "summary.md"),
                                     os.path.join(outdir, "summary.png")))
    if failed or not doc.get("ok"):
        print("demo: FAILED:")
        for c in failed:
            print("  - [%s] %s" % (c["step"], c["name"]))
        if not doc["checks"]:
            print("  - the scenario recorded no expectations")
        return 1
    return 0


def main(argv):
    if len(argv) >= 4 and argv[1] == "collect":
        return collect(argv[2], argv[3])
    if len(argv) >= 4 and argv[1] == "report":
        extra = dict(a.split("=", 1) for a in argv[4:] if "=" in a)
        return report(argv[2], argv[3], extra)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
