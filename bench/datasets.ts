/**
 * Synthetic benchmark datasets: float vectors drawn from a seeded Gaussian mixture, so every run
 * (and every machine) sees exactly the same vectors. Clustered data is closer to real embeddings
 * than uniform noise: queries have a meaningful neighbourhood and HNSW recall behaves as it does
 * on real data, while the intrinsic dimension stays high enough to be a fair test.
 */

/** Parameters that fully determine a dataset. */
export interface DatasetSpec {
  /** Stored vectors. */
  rows: number;
  /** Query vectors, drawn from the same mixture but not stored. */
  queries: number;
  dim: number;
  /** Mixture components. */
  clusters: number;
  seed: number;
}

/** A generated dataset: vectors back to back, row i has primary key i. */
export interface Dataset {
  spec: DatasetSpec;
  /** Short stable name used in reports and cache keys. */
  name: string;
  /** rows × dim. */
  vectors: Float32Array;
  /** queries × dim. */
  queries: Float32Array;
}

/** A seeded pseudo-random source: uniform [0, 1) and standard normal draws. */
export interface Random {
  uniform(): number;
  normal(): number;
}

/**
 * sfc32 (small fast counter) generator with a Box–Muller normal transform. Deterministic for a
 * given seed on every platform, and fast enough to draw tens of millions of values.
 */
export function seededRandom(seed: number): Random {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  let spare: number | null = null;
  return {
    uniform: next,
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/** Name of a dataset, e.g. `gmm100-100k-128d`. */
export function datasetName(spec: DatasetSpec): string {
  const rows = spec.rows % 1000 === 0 ? `${spec.rows / 1000}k` : String(spec.rows);
  return `gmm${spec.clusters}-${rows}-${spec.dim}d`;
}

/**
 * Generates the mixture: cluster centres ~ N(0, 1) per component; each cluster has its own
 * spread (0.35–0.7 per component) and weight (0.5–1.5 relative), so clusters differ in size and
 * density. Stored vectors and queries are independent draws from the same mixture.
 */
export function generateDataset(spec: DatasetSpec): Dataset {
  const { rows, queries, dim, clusters, seed } = spec;
  if (rows < 1 || queries < 1 || dim < 1 || clusters < 1) throw new Error(`invalid dataset spec ${JSON.stringify(spec)}`);
  const rnd = seededRandom(seed);
  const centres = new Float32Array(clusters * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = rnd.normal();
  const spread = Float64Array.from({ length: clusters }, () => 0.35 + 0.35 * rnd.uniform());
  const cumulative = new Float64Array(clusters);
  let total = 0;
  for (let c = 0; c < clusters; c++) {
    total += 0.5 + rnd.uniform();
    cumulative[c] = total;
  }
  const pick = (): number => {
    const x = rnd.uniform() * total;
    let lo = 0;
    let hi = clusters - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const draw = (count: number): Float32Array => {
    const out = new Float32Array(count * dim);
    for (let i = 0; i < count; i++) {
      const c = pick();
      const s = spread[c];
      const centre = c * dim;
      const base = i * dim;
      for (let j = 0; j < dim; j++) out[base + j] = centres[centre + j] + s * rnd.normal();
    }
    return out;
  };
  const vectors = draw(rows);
  const queryVectors = draw(queries);
  return { spec, name: datasetName(spec), vectors, queries: queryVectors };
}

/** Vector i of a back-to-back matrix, without copying. */
export function vectorAt(matrix: Float32Array, dim: number, i: number): Float32Array {
  return matrix.subarray(i * dim, (i + 1) * dim);
}
