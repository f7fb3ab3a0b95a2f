/**
 * Label matching for silences, with the Prometheus semantics the rest of
 * hydra uses: a missing label is the empty string, regular expressions are
 * fully anchored RE2 (storage's matchesRe2, the same engine that validates them).
 */
import { matchesRe2, type LabelMatcher } from '@hydra/storage';

/** True when `labels` satisfy every matcher. */
export function matchesAll(matchers: readonly LabelMatcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((m) => {
    const value = labels[m.name] ?? '';
    switch (m.op) {
      case '=':
        return value === m.value;
      case '!=':
        return value !== m.value;
      case '=~':
        return matchesRe2(m.value, value);
      case '!~':
        return !matchesRe2(m.value, value);
    }
  });
}
