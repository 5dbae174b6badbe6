"""Recall-vs-QPS charts of the peers suite, one PNG per dataset.

Usage: charts.py INPUT_JSON OUT_DIR

INPUT_JSON: {"subtitle": str, "datasets": {NAME: {"title": str,
             "series": [{"system": str, "clients": int, "points": [[recall, qps], ...]}]}}}
Writes OUT_DIR/peers-NAME.png for every dataset and prints the paths, one a line.
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {
    "quiver-http": "#d62728",
    "usearch-raw": "#7f7f7f",
    "faiss": "#8c564b",
    "milvus-lite": "#1f77b4",
    "chroma": "#2ca02c",
    "lancedb": "#9467bd",
}


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: charts.py INPUT_JSON OUT_DIR\n")
        return 2
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    os.makedirs(sys.argv[2], exist_ok=True)
    for name, ds in spec["datasets"].items():
        fig, ax = plt.subplots(figsize=(8, 5.5), dpi=110)
        for s in ds["series"]:
            pts = sorted(s["points"])
            if not pts:
                continue
            xs = [p[0] for p in pts]
            ys = [p[1] for p in pts]
            single = s["clients"] == 1
            ax.plot(xs, ys, marker="o" if single else "s", linestyle="-" if single else "--",
                    color=COLORS.get(s["system"], None), alpha=1.0 if single else 0.75, markersize=4,
                    label=f"{s['system']} ({s['clients']} client{'s' if s['clients'] > 1 else ''})")
        for target in (0.9, 0.95, 0.99):
            ax.axvline(target, color="#bbbbbb", linewidth=0.8, linestyle=":")
        ax.set_yscale("log")
        ax.set_xlabel("recall@10")
        ax.set_ylabel("queries per second (log scale)")
        ax.set_title(f"{ds['title']}\n{spec['subtitle']}", fontsize=10)
        ax.grid(True, which="both", alpha=0.25)
        ax.legend(fontsize=7, loc="lower left", ncol=2)
        fig.tight_layout()
        out = os.path.join(sys.argv[2], f"peers-{name}.png")
        fig.savefig(out)
        plt.close(fig)
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
