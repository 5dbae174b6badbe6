/** The metric a vector field is indexed with: its index spec, else the type's default. */
import type { CollectionInfo, MetricType } from './types.ts';

export function fieldMetric(c: CollectionInfo, field: string): MetricType {
  const spec = c.indexes.find((i) => i.fieldName === field);
  if (spec) return spec.metricType;
  const f = c.fields.find((x) => x.name === field);
  return f?.dataType === 'BinaryVector' ? 'HAMMING' : 'COSINE';
}
