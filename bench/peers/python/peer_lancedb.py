"""LanceDB, embedded (Python lancedb on a scratch directory): an IVF_FLAT index, nprobes swept.

IVF_FLAT keeps full-precision vectors, so recall can reach 1.0 like the HNSW systems; LanceDB's
HNSW variants (IVF_HNSW_*) took tens of times longer to build here and were not faster per query,
because the Python query path costs several milliseconds per call either way.
"""
import os
import warnings

os.environ.setdefault("LANCE_LOG", "error")
warnings.simplefilter("ignore")

import lancedb  # noqa: E402
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402


class Peer:
    def __init__(self):
        self.table = None
        self.knob = 1
        self.metric = "l2"

    def version(self):
        return lancedb.__version__

    def load(self, base, tags, req):
        db = lancedb.connect(os.path.join(req["workdir"], "lance"))
        rows, dim = base.shape
        vec = pa.FixedSizeListArray.from_arrays(pa.array(base.reshape(-1)), dim)
        data = pa.table({
            "id": pa.array(np.arange(rows), pa.int64()),
            "tag": pa.array(tags.astype(np.int64), pa.int64()),
            "vector": vec,
        })
        self.table = db.create_table("bench", data=data)
        self.metric = "cosine" if req["metric"] == "cosine" else "l2"
        self.table.create_index(metric=self.metric, index_type="IVF_FLAT")
        partitions = max(1, int(round(np.sqrt(rows))))
        knobs = [p for p in [1, 2, 4, 8, 16, 32, 64, 128] if p <= partitions] or [1]
        return {"index": f"IVF_FLAT metric={self.metric} (default partitions)", "knob": "nprobes", "knobs": knobs}

    def insert_more(self, ids, vectors, tags):
        dim = vectors.shape[1]
        self.table.add(pa.table({
            "id": pa.array(ids, pa.int64()),
            "tag": pa.array(tags, pa.int64()),
            "vector": pa.FixedSizeListArray.from_arrays(pa.array(np.ascontiguousarray(vectors).reshape(-1)), dim),
        }))

    def get_ids(self, ids):
        q = self.table.search().where(f"id IN ({','.join(str(int(i)) for i in ids)})").select(["id"]).limit(len(ids))
        return q.to_arrow().column("id").to_pylist()

    def persist(self, req):
        # Every write is a committed table version on disk already.
        pass

    def open(self, req):
        self.table = lancedb.connect(os.path.join(req["workdir"], "lance")).open_table("bench")
        self.metric = "cosine" if req["metric"] == "cosine" else "l2"

    def prepare(self, knob, clients):
        self.knob = int(knob)

    def search(self, q, k, flt):
        s = self.table.search(q).distance_type(self.metric).limit(k).nprobes(self.knob)
        if flt is not None:
            op = "<" if flt["op"] == "<" else "="
            s = s.where(f"tag {op} {int(flt['value'])}", prefilter=True)
        return s.select(["id", "_distance"]).to_arrow().column("id").to_pylist()

    def close(self):
        self.table = None
