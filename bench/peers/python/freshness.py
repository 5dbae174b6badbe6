"""Insert-to-visible latency of a peer while it keeps ingesting.

The calling thread inserts batches of fresh rows (copies of existing vectors under new ids) at a
paced rate; a prober thread reads the batches' marker rows (the first row of each batch) by id
with the peer's own get/query, with the peer's default consistency, every `poll_ms`. A marker's
latency runs from the return of its insert call until the first read that returned it; a marker
not seen within `timeout_s` of its insert counts as never visible.
"""
import math
import threading
import time


def measure(peer, base, tags, first_id, batch, rate, duration_s, timeout_s, poll_ms):
    rows = len(base)
    batches = max(1, math.ceil(duration_s * rate / batch))
    poll = poll_ms / 1000.0
    lock = threading.Lock()
    pending = {}  # marker id -> time its insert returned (None while the call runs)
    early = {}  # marker id -> time a read returned it before its insert call did
    latencies = []
    probe_ms = []
    state = {"ingesting": True, "error": None, "never": 0}

    def prober():
        while True:
            with lock:
                now = time.perf_counter()
                for marker, ack in list(pending.items()):
                    if ack is not None and now - ack > timeout_s:
                        del pending[marker]
                        state["never"] += 1
                if state["error"] is not None or (not state["ingesting"] and not pending):
                    return
                ids = [m for m in pending if m not in early]
            if not ids:
                time.sleep(poll)
                continue
            started = time.perf_counter()
            try:
                found = peer.get_ids(ids)
            except Exception as err:  # noqa: BLE001 - reported to the caller
                state["error"] = err
                return
            seen = time.perf_counter()
            with lock:
                probe_ms.append((seen - started) * 1000)
                for marker in found:
                    if marker not in pending:
                        continue
                    ack = pending[marker]
                    if ack is None:
                        early[marker] = seen
                    else:
                        latencies.append((seen - ack) * 1000)
                        del pending[marker]
            time.sleep(poll)

    thread = threading.Thread(target=prober, daemon=True)
    thread.start()
    started = time.perf_counter()
    last_ack = started
    inserted = 0
    completed = False
    try:
        for b in range(batches):
            if state["error"] is not None:
                break
            ids = [first_id + b * batch + j for j in range(batch)]
            sources = [(b * batch + j) % rows for j in range(batch)]
            vectors = base[sources]
            batch_tags = [int(tags[s]) for s in sources]
            wait = started + b * batch / rate - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            marker = ids[0]
            with lock:
                pending[marker] = None
            peer.insert_more(ids, vectors, batch_tags)
            last_ack = time.perf_counter()
            inserted += batch
            with lock:
                if marker in early:
                    latencies.append((early.pop(marker) - last_ack) * 1000)
                    del pending[marker]
                else:
                    pending[marker] = last_ack
        completed = True
    finally:
        with lock:
            state["ingesting"] = False
            if not completed:
                pending.clear()
        thread.join()
    if state["error"] is not None:
        raise state["error"]
    return {
        "latencies_ms": latencies,
        "never_visible": state["never"],
        "rows_inserted": inserted,
        "ingest_ms": (last_ack - started) * 1000,
        "probe_ms": probe_ms,
    }
