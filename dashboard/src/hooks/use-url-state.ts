/**
 * State that lives in the URL so every view is a shareable link: the time
 * range (`from`, `to`) and each view's filters.
 */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { rangeFromParams, type TimeRange } from '../lib/time-range.ts';

/** The view's time range and a setter that keeps the other parameters. */
export function useTimeRange(): [TimeRange, (range: TimeRange) => void] {
  const [params, setParams] = useSearchParams();
  const range = useMemo(() => rangeFromParams(params), [params]);
  const setRange = useCallback(
    (next: TimeRange) =>
      setParams((prev) => {
        const p = new URLSearchParams(prev);
        p.set('from', next.from);
        p.set('to', next.to);
        return p;
      }),
    [setParams],
  );
  return [range, setRange];
}

/**
 * One string parameter of the URL; setting '' or null removes it. A filter
 * (`resetsPaging`) also drops `offset`, so a narrower list starts on page one.
 */
export function useUrlParam(name: string, resetsPaging = false): [string | null, (value: string | null) => void] {
  const [params, setParams] = useSearchParams();
  const value = params.get(name);
  const setValue = useCallback(
    (next: string | null) =>
      setParams((prev) => {
        const p = new URLSearchParams(prev);
        if (next === null || next === '') p.delete(name);
        else p.set(name, next);
        if (resetsPaging) p.delete('offset');
        return p;
      }),
    [name, resetsPaging, setParams],
  );
  return [value, setValue];
}

/** A repeatable parameter (e.g. `match`), as a list. */
export function useUrlList(name: string): [string[], (values: string[]) => void] {
  const [params, setParams] = useSearchParams();
  const values = useMemo(() => params.getAll(name), [params, name]);
  const setValues = useCallback(
    (next: string[]) =>
      setParams((prev) => {
        const p = new URLSearchParams(prev);
        p.delete(name);
        for (const v of next) p.append(name, v);
        return p;
      }),
    [name, setParams],
  );
  return [values, setValues];
}
