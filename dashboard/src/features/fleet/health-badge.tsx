import { Badge } from '../../components/ui/badge.tsx';
import type { Health } from './use-fleet.ts';

const LABEL: Record<Health, string> = {
  critical: 'critical',
  warning: 'warning',
  ok: 'healthy',
  stale: 'no recent data',
  unknown: 'no data',
};
const VARIANT = { critical: 'critical', warning: 'warning', ok: 'ok', stale: 'muted', unknown: 'muted' } as const;

/** A host's health as a coloured badge with its name spelled out (never colour alone). */
export function HealthBadge({ health }: { health: Health }) {
  return (
    <Badge variant={VARIANT[health]}>
      <span aria-hidden className="inline-block size-1.5 rounded-full bg-current" />
      {LABEL[health]}
    </Badge>
  );
}
