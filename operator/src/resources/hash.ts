/** Stable content hashes: the same object always hashes the same, whatever its key order. */
import { createHash } from 'node:crypto';

/** Hex characters kept from a SHA-256 (40 bits: collisions are irrelevant for change detection). */
export const HASH_LENGTH = 10;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
  );
}

/** Short SHA-256 of `value` serialised with sorted keys. */
export function contentHash(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex')
    .slice(0, HASH_LENGTH);
}
