/**
 * Reading hydra's stderr as a log stack does: every line one JSON object with the fields docs/logs.md
 * promises, and no key twice in any object. JSON.parse keeps the last of two equal keys without a word,
 * while Elasticsearch refuses the whole document, so duplicates are found with jsonc-parser's visitor.
 */
import { visit } from 'jsonc-parser';
import { expect } from 'vitest';

export type LogLine = Record<string, unknown>;

/** The keys that appear more than once in one object of `json` (as `path.key`). */
export function duplicateKeys(json: string): string[] {
  const objects: Array<Set<string>> = [];
  const duplicates: string[] = [];
  visit(json, {
    onObjectBegin: () => {
      objects.push(new Set());
    },
    onObjectEnd: () => {
      objects.pop();
    },
    onObjectProperty: (property, _offset, _length, _line, _column, pathSupplier) => {
      const keys = objects.at(-1)!;
      if (keys.has(property)) duplicates.push([...pathSupplier(), property].join('.'));
      keys.add(property);
    },
  });
  return duplicates;
}

/** Every non-empty line of `stderr` parsed; fails on a line that is not a hydra JSON log line or repeats a key. */
export function logLines(stderr: string): LogLine[] {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  return lines.map((l) => {
    let parsed: LogLine;
    try {
      parsed = JSON.parse(l) as LogLine;
    } catch {
      throw new Error(`a stderr line is not JSON: ${l}`);
    }
    expect(duplicateKeys(l), `a key appears twice in: ${l}`).toEqual([]);
    expect(parsed, l).toMatchObject({
      level: expect.stringMatching(/^(trace|debug|info|warn|error|fatal)$/),
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      msg: expect.any(String),
      component: expect.any(String),
      service: 'hydra',
      pid: expect.any(Number),
    });
    return parsed;
  });
}
