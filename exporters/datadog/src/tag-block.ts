/**
 * A run of tags many spans share (`span.kind`, `language`, `runtime-id`, `env`… or the per-priority metrics),
 * built once by the mapper. The writers keep the block's encoding on the block itself, so a span copies the
 * bytes instead of encoding the same tags again.
 */
export class TagBlock {
  /** `[key, value, key, value…]`; values are strings in meta blocks, numbers in metric blocks. */
  readonly items: ReadonlyArray<string | number>;
  readonly pairs: number;
  /** v0.4: the encoded key/value pairs (payload-independent, so kept for the block's lifetime). */
  encodedV04: Uint8Array | undefined = undefined;
  /** v0.5: the encoded string-table indices, valid only in the payload `epochV05` names. */
  encodedV05: Uint8Array | undefined = undefined;
  epochV05 = -1;

  constructor(items: ReadonlyArray<string | number>) {
    this.items = items;
    this.pairs = items.length >> 1;
  }
}

export const EMPTY_BLOCK = new TagBlock([]);
