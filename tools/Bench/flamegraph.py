#!/usr/bin/env python3
"""Turns `perf script` output into a flame graph (SVG) and a table of where the CPU time goes.

Used by `BENCH_PROFILE=1 ./platform bench gateway`; standalone:

    perf script -i gateway-on.perf.data | tools/Bench/flamegraph.py --svg out.svg --table out.md --title "..."

Every sample is one stack. The table gives, for each part of the gateway, its inclusive share (samples
whose stack passes through it at all) and its own share (samples whose innermost recognised frame is
in it: kernel and runtime frames count for the managed code that called them). Written here because
Debian packages no flame-graph tool; the SVG is the usual one (root at the bottom, width = samples,
hover for names and counts).
"""
import argparse
import collections
import html
import re
import sys

# Innermost match wins for "own" time; order only breaks ties between patterns on one frame.
PARTS = [
    ("GC", re.compile(r"gc_heap|GCHeap|WKS::|SVR::|GarbageCollect|gc\.cpp")),
    ("our deadlines", re.compile(r"Platform\.Gateway\.Deadlines")),
    ("our hedging (and Polly)", re.compile(r"Platform\.Gateway\.Hedging|Polly\.")),
    ("our outlier filter", re.compile(r"Platform\.Gateway\.Outliers")),
    ("our rate limiter", re.compile(r"Platform\.Gateway\.RateLimiting")),
    ("our client identity", re.compile(r"Platform\.Gateway\.Identity|IdentityToken")),
    ("tracing (OpenTelemetry, Activity, our spans)",
     re.compile(r"OpenTelemetry\.|System\.Diagnostics\.(Activity|DiagnosticListener|DiagnosticSource|Propagat)|Platform\.(Gateway|Contracts)\.Tracing")),
    ("our other proxy middleware (door, retry, body limit, problems)", re.compile(r"Platform\.Gateway\.(Proxy|Problems|Door)")),
    ("metrics (prometheus-net, meters)", re.compile(r"Prometheus\.|Platform\.Gateway\.Observability|System\.Diagnostics\.Metrics")),
    ("logging", re.compile(r"Microsoft\.Extensions\.Logging")),
    ("HttpClient to the replica (SocketsHttpHandler)", re.compile(r"System\.Net\.Http\.")),
    ("YARP pipeline and forwarder", re.compile(r"Yarp\.")),
    ("routing", re.compile(r"Microsoft\.AspNetCore\.Routing")),
    ("Kestrel (parse, connection, response write)", re.compile(r"Microsoft\.AspNetCore\.Server\.Kestrel")),
    ("other ASP.NET Core", re.compile(r"Microsoft\.AspNetCore\.")),
    ("sockets", re.compile(r"System\.Net\.Sockets\.")),
    ("thread pool and async machinery", re.compile(r"System\.Threading\.|System\.Runtime\.CompilerServices\.")),
]
KERNEL = re.compile(r"\[kernel|\bkernel\.kallsyms\b")


def read_stacks(lines):
    """Yields (frames root-first, weight) from perf script text (leaf first within a sample)."""
    frames = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                yield list(reversed(frames)), 1
                frames = []
            continue
        if line.startswith((" ", "\t")):
            parts = line.strip().split(" ", 1)
            if len(parts) < 2:
                continue
            symbol = parts[1]
            dso = ""
            match = re.match(r"^(.*) \(([^()]*)\)$", symbol)
            if match:
                symbol, dso = match.group(1), match.group(2)
            symbol = re.sub(r"\+0x[0-9a-f]+$", "", symbol)
            if symbol == "[unknown]":
                symbol = f"[unknown in {dso.rsplit('/', 1)[-1] or '?'}]"
            if KERNEL.search(dso) or "kallsyms" in dso:
                symbol = f"{symbol} [k]"
            frames.append(symbol.replace(";", ":"))
    if frames:
        yield list(reversed(frames)), 1


def classify(frames):
    """The part owning the innermost recognised frame, and every part the stack passes through."""
    own = None
    seen = set()
    for frame in frames:  # root first: the last match is the innermost
        for name, pattern in PARTS:
            if pattern.search(frame):
                seen.add(name)
                own = name
                break
    leaf = frames[-1] if frames else ""
    if any("sched_yield" in frame for frame in frames[-8:]):
        own = "thread pool spin-waiting (sched_yield)"
    if own is None:
        own = "kernel (not under managed code)" if leaf.endswith("[k]") else "other (runtime, JIT, unresolved)"
    return own, seen


def tally(stacks):
    """Samples per part: own, inclusive, and how many had a kernel frame at the leaf."""
    own = collections.Counter()
    inclusive = collections.Counter()
    kernel = 0
    for frames, weight in stacks:
        part, seen = classify(frames)
        own[part] += weight
        for name in seen:
            inclusive[name] += weight
        if frames and frames[-1].endswith("[k]"):
            kernel += weight
    return own, inclusive, kernel


def parts_tsv(stacks, total):
    """One line per part, its own and inclusive samples, tab separated, then the total: for the bench to read."""
    own, inclusive, _ = tally(stacks)
    lines = [f"{name}\t{n}\t{inclusive.get(name, n)}" for name, n in own.most_common()]
    return "\n".join(lines + [f"total\t{total}\t{total}"]) + "\n"


def table(stacks, total):
    own, inclusive, kernel = tally(stacks)
    rows = ["| part | own | inclusive |", "| --- | ---: | ---: |"]
    for name, count in own.most_common():
        rows.append(f"| {name} | {100 * count / total:.1f} % | {100 * inclusive.get(name, count) / total:.1f} % |")
    rows.append(f"| *(of all samples, in the kernel at the leaf: {100 * kernel / total:.1f} %)* | | |")
    return "\n".join(rows) + f"\n\n{total} samples.\n"


def flame_svg(stacks, total, title):
    root = {"name": "all", "count": 0, "children": {}}
    for frames, weight in stacks:
        node = root
        node["count"] += weight
        for frame in frames:
            node = node["children"].setdefault(frame, {"name": frame, "count": 0, "children": {}})
            node["count"] += weight
    width, row, top = 1200.0, 16, 40
    depth = [0]

    def measure(node, level):
        depth[0] = max(depth[0], level)
        for child in node["children"].values():
            measure(child, level + 1)

    measure(root, 0)
    height = top + (depth[0] + 1) * row + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{int(width)}" height="{height}" font-family="monospace" font-size="11">',
           f'<text x="10" y="20" font-size="14">{html.escape(title)}</text>']

    def draw(node, x, level):
        w = width * node["count"] / total
        if w < 0.3:
            return
        y = height - 10 - (level + 1) * row
        hue = 20 + (hash(node["name"]) % 40)
        share = 100 * node["count"] / total
        label = html.escape(node["name"])
        out.append(f'<g><title>{label} ({node["count"]} samples, {share:.2f} %)</title>'
                   f'<rect x="{x:.2f}" y="{y}" width="{w:.2f}" height="{row - 1}" fill="hsl({hue},80%,60%)"/>')
        if w > 40:
            chars = int(w / 6.6)
            text = node["name"] if len(node["name"]) <= chars else node["name"][: max(chars - 2, 1)] + ".."
            out.append(f'<text x="{x + 2:.2f}" y="{y + row - 4}">{html.escape(text)}</text>')
        out.append("</g>")
        child_x = x
        for child in sorted(node["children"].values(), key=lambda c: c["name"]):
            draw(child, child_x, level + 1)
            child_x += width * child["count"] / total

    draw(root, 0.0, 0)
    out.append("</svg>")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", required=True)
    parser.add_argument("--table", required=True)
    parser.add_argument("--title", default="CPU flame graph")
    parser.add_argument("--parts", help="also write each part's own and inclusive samples here, tab separated")
    args = parser.parse_args()
    stacks = list(read_stacks(sys.stdin))
    total = sum(weight for _, weight in stacks)
    if total == 0:
        sys.exit("no samples in the input")
    with open(args.svg, "w", encoding="utf-8") as svg:
        svg.write(flame_svg(stacks, total, args.title))
    with open(args.table, "w", encoding="utf-8") as md:
        md.write(table(stacks, total))
    if args.parts:
        with open(args.parts, "w", encoding="utf-8") as tsv:
            tsv.write(parts_tsv(stacks, total))


if __name__ == "__main__":
    main()
