"""The results table: one row per workload figure, one column per system
that ran (median of the repetitions, with min–max), and the ratios
datacooee/peer;
printed as text and written as Markdown."""
import statistics

SYSTEMS = ["datacooee", "datacooee on PostgreSQL", "datacooee on Citus", "InfluxDB", "PostgreSQL",
           "nginx"]
# (column title, datacooee's flavour, peer): the ratios shown.
RATIOS = [("datacooee/InfluxDB", "datacooee", "InfluxDB"),
          ("datacooee/PostgreSQL", "datacooee", "PostgreSQL"),
          ("datacooee/nginx", "datacooee", "nginx"),
          ("on PostgreSQL/PostgreSQL", "datacooee on PostgreSQL", "PostgreSQL"),
          ("on Citus/PostgreSQL", "datacooee on Citus", "PostgreSQL")]


class Results:
    def __init__(self):
        self.values = {}  # metric -> system -> [float]

    def add(self, metric, system, value):
        self.values.setdefault(metric, {}).setdefault(system, []).append(value)

    def get(self, metric, system):
        return self.values.get(metric, {}).get(system, [])

    def median(self, metric, system):
        v = self.get(metric, system)
        return statistics.median(v) if v else None


def _num(x):
    if x is None:
        return "–"
    if x >= 1000:
        return f"{x:,.0f}"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def cell(values):
    if not values:
        return "–"
    med = statistics.median(values)
    if len(values) == 1:
        return _num(med)
    return f"{_num(med)} ({_num(min(values))}–{_num(max(values))})"


def _ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    r = a / b
    if r < 0.1:  # 1/129× reads better than 0.00775×
        return f"1/{1 / r:,.0f}×"
    return f"{r:.3g}×" if r < 100 else f"{r:,.0f}×"


def rows(results, labels, no_ratio=()):
    """labels: [(metric, text)]; metrics in no_ratio get no ratio cells.
    Returns header and rows of strings."""
    ran = [s for s in SYSTEMS if any(s in by_system for by_system in results.values.values())]
    ratios = [r for r in RATIOS if r[1] in ran and r[2] in ran]
    header = ["workload"] + ran + [title for title, _, _ in ratios]
    out = []
    for metric, text in labels:
        if metric not in results.values:
            continue
        line = [text] + [cell(results.get(metric, s)) for s in ran]
        line += [("" if metric in no_ratio else
                  _ratio(results.median(metric, ours), results.median(metric, peer)))
                 for _, ours, peer in ratios]
        out.append(line)
    return header, out


def text_table(header, body):
    widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
    fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                              for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([fmt(header), "  ".join("-" * w for w in widths)] + [fmt(r) for r in body])


def markdown_table(header, body):
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)
