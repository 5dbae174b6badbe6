"""One benchmarked peer database behind a JSON-lines protocol on stdin/stdout.

Usage: driver.py PEER  (PEER: faiss, chroma, lancedb, milvus-lite)

Every request is one JSON object per line; every reply is one JSON object per line with "ok".
The first line written is {"ok": true, "ready": ...} once the peer's library is imported, so the
caller can read the process's baseline memory before any data is loaded.

  {"cmd": "load", "base": F, "tags": F, "rows": N, "dim": D, "metric": "l2"|"cosine",
   "workdir": DIR, "M": 16, "efConstruction": 128}
      -> {"ok": true, "load_s": S, "index": TEXT, "knob": NAME, "knobs": [...]}
  {"cmd": "search", "queries": F, "dim": D, "k": 10, "knob": V, "clients": C,
   "filter": null | {"op": "<"|"==", "value": V}, "warmup": W, "max_s": S, "min_queries": M}
      -> {"ok": true, "wall_ms": MS, "latencies_ms": [...], "ids": [[...], ...]}
  {"cmd": "freshness", "base": F, "tags": F, "rows": N, "dim": D, "first_id": I, "batch": B,
   "rate": ROWS_PER_S, "duration_s": S, "timeout_s": S, "poll_ms": MS}
      -> {"ok": true, "latencies_ms": [...], "never_visible": N, "rows_inserted": N,
          "ingest_ms": MS, "probe_ms": [...]}          (see freshness.py)
  {"cmd": "persist", "workdir": DIR}   -> {"ok": true}  (leave the store on disk for "open")
  {"cmd": "open", "workdir": DIR, "dim": D, "metric": M, "queries": F, "k": 10, "knob": V}
      -> {"ok": true, "ids": [...]}    (open the persisted store, answer query 0)
  {"cmd": "close"}

Vectors are raw little-endian float32 files (rows x dim), tags raw int32. Timing happens here, in
the peer's own process, so the numbers are those of the peer's in-process client API.
"""
import gc
import importlib
import json
import os
import sys
import threading
import time
import traceback

import numpy as np

import freshness

ADAPTERS = {
    "faiss": "peer_faiss",
    "chroma": "peer_chroma",
    "lancedb": "peer_lancedb",
    "milvus-lite": "peer_milvus_lite",
}


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def run_clients(peer, queries, k, clients, flt, warmup, max_s, min_queries):
    """Closed loop: `clients` threads take query numbers in order until all are answered, or
    `max_s` passed and at least `min_queries` were taken (answered queries are then a prefix)."""
    nq = len(queries)
    for i in range(min(warmup, nq)):
        peer.search(queries[i], k, flt)
    latencies = [None] * nq
    ids = [None] * nq
    lock = threading.Lock()
    state = {"next": 0, "error": None}
    started = time.perf_counter()
    deadline = started + max_s

    def worker():
        while True:
            with lock:
                i = state["next"]
                if i >= nq or state["error"] is not None:
                    return
                if i >= min_queries and time.perf_counter() > deadline:
                    return
                state["next"] = i + 1
            try:
                t0 = time.perf_counter()
                found = peer.search(queries[i], k, flt)
                latencies[i] = (time.perf_counter() - t0) * 1000
                ids[i] = [int(x) for x in found]
            except Exception as err:  # noqa: BLE001 - reported to the caller
                state["error"] = err
                return

    threads = [threading.Thread(target=worker) for _ in range(max(1, clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall_ms = (time.perf_counter() - started) * 1000
    if state["error"] is not None:
        raise state["error"]
    answered = [i for i in range(nq) if latencies[i] is not None]
    return {
        "wall_ms": wall_ms,
        "latencies_ms": [latencies[i] for i in answered],
        "ids": [ids[i] for i in answered],
    }


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ADAPTERS:
        sys.stderr.write(f"usage: driver.py {'|'.join(ADAPTERS)}\n")
        return 2
    name = sys.argv[1]
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        module = importlib.import_module(ADAPTERS[name])
        peer = module.Peer()
    except Exception as err:  # noqa: BLE001 - an unusable peer is reported, not fatal
        reply({"ok": False, "error": f"{type(err).__name__}: {err}"})
        return 1
    reply({"ok": True, "ready": name, "version": peer.version()})
    queries_cache = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            cmd = req["cmd"]
            if cmd == "close":
                peer.close()
                reply({"ok": True})
                return 0
            if cmd == "load":
                base = np.fromfile(req["base"], dtype="<f4").reshape(req["rows"], req["dim"])
                tags = np.fromfile(req["tags"], dtype="<i4")
                started = time.perf_counter()
                info = peer.load(base, tags, req)
                load_s = time.perf_counter() - started
                del base
                gc.collect()
                reply({"ok": True, "load_s": load_s, **info})
            elif cmd == "freshness":
                base = np.memmap(req["base"], dtype="<f4", mode="r", shape=(req["rows"], req["dim"]))
                tags = np.fromfile(req["tags"], dtype="<i4")
                out = freshness.measure(
                    peer, base, tags, req["first_id"], req["batch"], req["rate"],
                    req["duration_s"], req["timeout_s"], req["poll_ms"],
                )
                del base
                reply({"ok": True, **out})
            elif cmd == "persist":
                peer.persist(req)
                reply({"ok": True})
            elif cmd == "open":
                peer.open(req)
                query = np.fromfile(req["queries"], dtype="<f4", count=req["dim"])
                peer.prepare(req["knob"], 1)
                reply({"ok": True, "ids": [int(x) for x in peer.search(query, req["k"], None)]})
            elif cmd == "search":
                path = req["queries"]
                if path not in queries_cache:
                    queries_cache[path] = np.fromfile(path, dtype="<f4").reshape(-1, req["dim"])
                peer.prepare(req["knob"], req["clients"])
                out = run_clients(
                    peer, queries_cache[path], req["k"], req["clients"], req.get("filter"),
                    req.get("warmup", 0), req.get("max_s", 1e9), req.get("min_queries", 0),
                )
                reply({"ok": True, **out})
            else:
                reply({"ok": False, "error": f"unknown command {cmd}"})
        except Exception as err:  # noqa: BLE001 - reported to the caller, the driver lives on
            sys.stderr.write(traceback.format_exc())
            reply({"ok": False, "error": f"{type(err).__name__}: {err}"})
    peer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
