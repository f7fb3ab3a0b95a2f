/**
 * The demo's injected incidents: a schedule that is a pure function of the
 * seed and time. Time is cut into fixed slots; each slot's own PRNG decides
 * whether it holds an incident, on which host, of which kind, when and for
 * how long. History and live data therefore see the same incidents.
 */
import { DEMO_HOSTS } from './hosts.ts';
import { uniformAt } from './random.ts';

export const INCIDENT_SLOT_MS = 2 * 3600_000;
/** Chance that a slot holds an incident. */
export const INCIDENT_PROBABILITY = 0.6;

export type IncidentKind = 'spike' | 'level_shift' | 'memory_leak';

interface KindSpec {
  weight: number;
  minMinutes: number;
  maxMinutes: number;
  /** what it does, for the start-of-incident log line */
  effect: string;
}

export const INCIDENT_KINDS: Record<IncidentKind, KindSpec> = {
  spike: { weight: 0.45, minMinutes: 3, maxMinutes: 12, effect: 'CPU near saturation, latency x4, errors x10' },
  level_shift: { weight: 0.3, minMinutes: 45, maxMinutes: 150, effect: 'CPU +20 points, latency x2' },
  memory_leak: {
    weight: 0.25,
    minMinutes: 90,
    maxMinutes: 300,
    effect: 'memory climbs by up to 40% of total until a restart',
  },
};

/** Longest incident: how far back a slot's incident can still be running. */
const MAX_INCIDENT_MS = Math.max(...Object.values(INCIDENT_KINDS).map((k) => k.maxMinutes)) * 60_000;

export interface Incident {
  id: string;
  kind: IncidentKind;
  host: string;
  startMs: number;
  endMs: number;
}

/** The incident scheduled in slot `slot`, if any. */
export function incidentInSlot(seed: number, slot: number): Incident | null {
  const draw = (k: number) => uniformAt(seed, 'incident', slot * 8 + k);
  if (draw(0) >= INCIDENT_PROBABILITY) return null;
  const kind = pickKind(draw(1));
  const spec = INCIDENT_KINDS[kind];
  const host = DEMO_HOSTS[Math.floor(draw(2) * DEMO_HOSTS.length)] ?? DEMO_HOSTS[0]!;
  const durationMs = Math.round((spec.minMinutes + draw(3) * (spec.maxMinutes - spec.minMinutes)) * 60_000);
  const startMs = slot * INCIDENT_SLOT_MS + Math.floor((draw(4) * (INCIDENT_SLOT_MS - 60_000)) / 60_000) * 60_000;
  return {
    id: `${kind}-${host.name}-${new Date(startMs).toISOString()}`,
    kind,
    host: host.name,
    startMs,
    endMs: startMs + durationMs,
  };
}

function pickKind(u: number): IncidentKind {
  let acc = 0;
  for (const [kind, spec] of Object.entries(INCIDENT_KINDS) as Array<[IncidentKind, KindSpec]>) {
    acc += spec.weight;
    if (u < acc) return kind;
  }
  return 'spike';
}

/** Incidents overlapping [fromMs, toMs), in start order. */
export function incidentsBetween(seed: number, fromMs: number, toMs: number): Incident[] {
  const first = Math.floor((fromMs - MAX_INCIDENT_MS) / INCIDENT_SLOT_MS);
  const last = Math.floor(toMs / INCIDENT_SLOT_MS);
  const found: Incident[] = [];
  for (let slot = first; slot <= last; slot++) {
    const incident = incidentInSlot(seed, slot);
    if (incident && incident.startMs < toMs && incident.endMs > fromMs) found.push(incident);
  }
  return found;
}

/** Incidents running on `host` at `timeMs`. */
export function activeIncidents(seed: number, host: string, timeMs: number): Incident[] {
  return incidentsBetween(seed, timeMs, timeMs + 1).filter((i) => i.host === host);
}
