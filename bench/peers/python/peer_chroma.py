"""Chroma, embedded (PersistentClient in a scratch directory): HNSW with M and ef settable."""
import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb  # noqa: E402
from chromadb.api.client import SharedSystemClient  # noqa: E402
from chromadb.config import Settings  # noqa: E402


class Peer:
    def __init__(self):
        self.client = None
        self.col = None
        self.path = None
        self.ef = None

    def version(self):
        return chromadb.__version__

    def load(self, base, tags, req):
        self.path = os.path.join(req["workdir"], "chroma")
        self.client = self._open()
        space = "cosine" if req["metric"] == "cosine" else "l2"
        hnsw = {"space": space, "ef_construction": req["efConstruction"], "max_neighbors": req["M"], "ef_search": 64}
        self.col = self.client.create_collection("bench", configuration={"hnsw": hnsw}, embedding_function=None)
        self.ef = 64
        batch = self.client.get_max_batch_size()
        for start in range(0, len(base), batch):
            end = min(len(base), start + batch)
            self.col.add(
                ids=[str(i) for i in range(start, end)],
                embeddings=base[start:end],
                metadatas=[{"tag": int(t)} for t in tags[start:end]],
            )
        # Searchable means a query answers from the index over every row.
        self.col.query(query_embeddings=base[:1], n_results=1, include=[])
        return {
            "index": f"HNSW space={space} max_neighbors={req['M']} ef_construction={req['efConstruction']}",
            "knob": "ef_search",
            "knobs": [16, 32, 64, 128, 256, 512],
        }

    def insert_more(self, ids, vectors, tags):
        self.col.add(ids=[str(i) for i in ids], embeddings=vectors, metadatas=[{"tag": t} for t in tags])

    def get_ids(self, ids):
        return [int(i) for i in self.col.get(ids=[str(i) for i in ids], include=[])["ids"]]

    def persist(self, req):
        # PersistentClient writes through to its directory; nothing to add.
        pass

    def open(self, req):
        self.path = os.path.join(req["workdir"], "chroma")
        self.client = self._open()
        self.col = self.client.get_collection("bench", embedding_function=None)
        # The collection keeps the ef_search it was last given; prepare() reopens only for another.
        self.ef = int(self.col.configuration["hnsw"]["ef_search"])

    def _open(self):
        return chromadb.PersistentClient(path=self.path, settings=Settings(anonymized_telemetry=False))

    def prepare(self, knob, clients):
        if self.ef == int(knob):
            return
        self.col.modify(configuration={"hnsw": {"ef_search": int(knob)}})
        # A loaded index keeps the ef_search it was opened with (measured: recall did not move
        # after modify); only a new client, after dropping the cached system, opens it anew.
        self.col = None
        self.client = None
        SharedSystemClient.clear_system_cache()
        self.client = self._open()
        self.col = self.client.get_collection("bench", embedding_function=None)
        self.ef = int(knob)

    def search(self, q, k, flt):
        where = None
        if flt is not None:
            where = {"tag": {"$lt" if flt["op"] == "<" else "$eq": flt["value"]}}
        res = self.col.query(query_embeddings=q.reshape(1, -1), n_results=k, where=where, include=[])
        return [int(i) for i in res["ids"][0]]

    def close(self):
        self.col = None
        self.client = None
