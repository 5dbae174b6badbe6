"""Milvus Lite through pymilvus's MilvusClient on a local file: HNSW, ef swept."""
import os

import pymilvus
from pymilvus import DataType, MilvusClient

try:
    from importlib.metadata import version as dist_version
except ImportError:  # pragma: no cover
    dist_version = None


class Peer:
    def __init__(self):
        self.client = None
        self.ef = 64
        self.metric = "L2"

    def version(self):
        lite = dist_version("milvus-lite") if dist_version else "?"
        return f"milvus-lite {lite}, pymilvus {pymilvus.__version__}"

    def load(self, base, tags, req):
        self.client = MilvusClient(os.path.join(req["workdir"], "milvus.db"))
        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=req["dim"])
        schema.add_field("tag", DataType.INT64)
        self.client.create_collection("bench", schema=schema)
        batch = max(100, min(5000, 4_000_000 // (req["dim"] * 4)))
        for start in range(0, len(base), batch):
            end = min(len(base), start + batch)
            rows = [{"id": i, "vector": base[i], "tag": int(tags[i])} for i in range(start, end)]
            self.client.insert("bench", rows)
        self.client.flush("bench")
        self.metric = "COSINE" if req["metric"] == "cosine" else "L2"
        params = self.client.prepare_index_params()
        params.add_index("vector", index_type="HNSW", metric_type=self.metric,
                         params={"M": req["M"], "efConstruction": req["efConstruction"]})
        self.client.create_index("bench", params)
        self.client.load_collection("bench")
        self.client.search("bench", data=[base[0].tolist()], limit=1, output_fields=["id"])
        return {
            "index": f"HNSW metric={self.metric} M={req['M']} efConstruction={req['efConstruction']}",
            "knob": "ef",
            "knobs": [16, 32, 64, 128, 256, 512],
        }

    def insert_more(self, ids, vectors, tags):
        self.client.insert("bench", [{"id": i, "vector": v, "tag": t} for i, v, t in zip(ids, vectors, tags)])

    def get_ids(self, ids):
        return [int(row["id"]) for row in self.client.get("bench", ids=list(ids), output_fields=["id"])]

    def persist(self, req):
        # Closing the client (when the driver stops) leaves milvus.db for the next process.
        pass

    def open(self, req):
        self.client = MilvusClient(os.path.join(req["workdir"], "milvus.db"))
        self.metric = "COSINE" if req["metric"] == "cosine" else "L2"
        self.client.load_collection("bench")

    def prepare(self, knob, clients):
        self.ef = int(knob)

    def search(self, q, k, flt):
        expr = ""
        if flt is not None:
            expr = f"tag {'<' if flt['op'] == '<' else '=='} {int(flt['value'])}"
        res = self.client.search(
            "bench", data=[q.tolist()], limit=k, filter=expr, output_fields=["id"],
            search_params={"metric_type": self.metric, "params": {"ef": max(self.ef, k)}},
        )
        return [hit["id"] for hit in res[0]]

    def close(self):
        if self.client is not None:
            self.client.close()
            self.client = None
