/**
 * The current time as state, ticking every `intervalMs`: relative times
 * ("3 min ago") and open-ended spans stay current without calling Date.now()
 * during render.
 */
import { useEffect, useState } from 'react';

/** Default tick: relative times are shown to the minute, durations to the second only under a minute. */
export const NOW_TICK_MS = 15_000;

export function useNow(intervalMs = NOW_TICK_MS): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
