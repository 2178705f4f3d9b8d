/**
 * Whether a request's Accept-Encoding lets us send gzip (RFC 9110 §12.5.3): `gzip` (or `x-gzip`) with a q above 0,
 * or `*` above 0 when gzip is not named. No header, or `gzip;q=0`, means no.
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : header ?? '';
  let named: number | null = null;
  let wildcard: number | null = null;
  for (const part of value.split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    const weight = Number.isFinite(q) ? q : 0;
    if (coding === 'gzip' || coding === 'x-gzip') named = Math.max(named ?? 0, weight);
    else if (coding === '*') wildcard = weight;
  }
  return (named ?? wildcard ?? 0) > 0;
}
