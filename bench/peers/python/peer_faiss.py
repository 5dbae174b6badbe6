"""faiss-cpu HNSW (IndexHNSWFlat): a second in-process reference next to usearch."""
import os

import faiss
import numpy as np


class Peer:
    def __init__(self):
        self.index = None
        self.tags = None
        self.params = None
        self.selectors = {}

    def version(self):
        return faiss.__version__

    def load(self, base, tags, req):
        metric = faiss.METRIC_INNER_PRODUCT if req["metric"] == "cosine" else faiss.METRIC_L2
        index = faiss.IndexHNSWFlat(req["dim"], req["M"], metric)
        index.hnsw.efConstruction = req["efConstruction"]
        index.add(np.ascontiguousarray(base))
        self.index = index
        self.tags = tags
        return {
            "index": f"IndexHNSWFlat M={req['M']} efConstruction={req['efConstruction']}",
            "knob": "efSearch",
            "knobs": [16, 32, 64, 128, 256, 512],
        }

    def persist(self, req):
        # faiss keeps its index in memory only; the file is what a new process can start from.
        faiss.write_index(self.index, os.path.join(req["workdir"], "faiss.index"))

    def open(self, req):
        self.index = faiss.read_index(os.path.join(req["workdir"], "faiss.index"))

    def prepare(self, knob, clients):
        # One query per call: keep OpenMP out of the way of the client threads.
        faiss.omp_set_num_threads(1)
        self.knob = int(knob)
        self.params = {"none": faiss.SearchParametersHNSW(efSearch=self.knob)}
        self.selectors = {}

    def _params(self, flt):
        if flt is None:
            return self.params["none"]
        key = f"{flt['op']}{flt['value']}:{self.knob}"
        if key not in self.params:
            mask = self.tags < flt["value"] if flt["op"] == "<" else self.tags == flt["value"]
            bits = np.packbits(mask, bitorder="little")
            sel = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))
            self.selectors[key] = (sel, bits)  # keep the bitmap alive as long as the selector
            self.params[key] = faiss.SearchParametersHNSW(efSearch=self.knob, sel=sel)
        return self.params[key]

    def search(self, q, k, flt):
        _, ids = self.index.search(q.reshape(1, -1), k, params=self._params(flt))
        return [int(i) for i in ids[0] if i >= 0]

    def close(self):
        self.index = None
