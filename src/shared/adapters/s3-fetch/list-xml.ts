/**
 * Reading the two XML documents the fetch-based S3 store needs: a ListObjectsV2 page and an
 * error body. The shapes are flat and fixed, so a few regular expressions read them; Workers has
 * no DOMParser, and a general XML parser would be a dependency for two element names.
 */

export interface ListedObject {
  /** Full object name in the bucket (prefix included). */
  name: string;
  size: number;
  etag: string;
  /** Milliseconds since the epoch. */
  lastModified: number;
}

export interface ListPage {
  objects: ListedObject[];
  /** Continuation token of the next page, or null on the last page. */
  next: string | null;
}

/** Decodes the five predefined XML entities and numeric character references. */
export function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, ref: string) => {
    switch (ref) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    }
  });
}

function element(xml: string, name: string): string | null {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return m ? decodeXml(m[1]) : null;
}

/** Strips the quotes S3 puts around ETags. */
export function normalizeEtag(etag: string | null): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}

/** Parses one ListObjectsV2 answer; throws when it is not one. */
export function parseListPage(xml: string): ListPage {
  if (!/<ListBucketResult[\s>]/.test(xml)) throw new Error('the answer is not a ListBucketResult document');
  const objects: ListedObject[] = [];
  for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
    const body = m[1];
    const name = element(body, 'Key');
    if (name === null) continue;
    const modified = Date.parse(element(body, 'LastModified') ?? '');
    objects.push({
      name,
      size: Number(element(body, 'Size') ?? 0),
      etag: normalizeEtag(element(body, 'ETag')),
      lastModified: Number.isFinite(modified) ? modified : 0,
    });
  }
  const truncated = element(xml, 'IsTruncated') === 'true';
  return { objects, next: truncated ? element(xml, 'NextContinuationToken') : null };
}

/** The Code element of an S3 error document, or null. */
export function errorCode(xml: string): string | null {
  return element(xml, 'Code');
}
