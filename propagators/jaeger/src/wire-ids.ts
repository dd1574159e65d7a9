// Deliberately duplicated in @polytrace/propagator-b3 (src/wire-ids.ts), kept identical. Sharing these lines
// would need either this package to depend on b3 and b3's public surface (src/index.ts) to export an id helper
// that has nothing to do with B3, or a new internal package to build and publish: both cost more than 17 stable lines.
// Change both copies together.
const LOWER_HEX_32 = /^[0-9a-f]{32}$/;
const LOWER_HEX_16 = /^[0-9a-f]{16}$/;
const ZEROS_32 = '00000000000000000000000000000000';
const ZEROS_16 = '0000000000000000';

/**
 * A span-context id as it goes on the wire: `id` itself when it is `width` (32 or 16) lower-hex and not all zeros
 * (the common case: one regex test, no allocation), lower-cased when it has upper-case hex, undefined when it is
 * not a valid id. Validating here keeps a hand-made span context with a control character from making Node's
 * setHeader throw inside the caller's HTTP request.
 */
export function wireId(id: string, width: 32 | 16): string | undefined {
  if ((width === 32 ? LOWER_HEX_32 : LOWER_HEX_16).test(id)) return id === (width === 32 ? ZEROS_32 : ZEROS_16) ? undefined : id;
  const lower = id.toLowerCase();
  return lower !== id && (width === 32 ? LOWER_HEX_32 : LOWER_HEX_16).test(lower) && lower !== (width === 32 ? ZEROS_32 : ZEROS_16)
    ? lower
    : undefined;
}
