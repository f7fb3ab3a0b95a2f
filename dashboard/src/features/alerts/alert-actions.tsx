/** Acknowledge an alert, or silence alerts like it for a while (matchers from its labels). */
import { useState } from 'react';
import type { Alert, SilenceMatcher } from '../../api/analysis-types.ts';
import { describeError } from '../../components/panel-state.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Input, Label } from '../../components/ui/input.tsx';
import { NativeSelect } from '../../components/ui/native-select.tsx';
import { useAcknowledgeAlert, useCreateSilence } from '../../queries/alerts.ts';
import { HOST_LABEL } from '@hydra/contract';

/** Name recorded as the author of acknowledgements and silences made here. */
export const DASHBOARD_USER = 'dashboard';
/** Silence durations offered, in hours. */
const SILENCE_HOURS = [1, 4, 12, 24];
/** Labels that identify "alerts like this one" for a silence. */
const SILENCE_LABELS = ['alertname', 'monitor', '__name__', HOST_LABEL];

export function silenceMatchersFor(alert: Alert): SilenceMatcher[] {
  return SILENCE_LABELS.flatMap((name) => {
    const value = alert.labels[name];
    return value === undefined ? [] : [{ name, op: '=' as const, value }];
  });
}

export function AlertActions({ alert }: { alert: Alert }) {
  const ack = useAcknowledgeAlert();
  const silence = useCreateSilence();
  const [comment, setComment] = useState('');
  const [hours, setHours] = useState(4);
  const matchers = silenceMatchersFor(alert);
  return (
    <div className="space-y-3">
      <div className="flex flex-col gap-1">
        <Label htmlFor="action-comment">comment</Label>
        <Input
          id="action-comment"
          value={comment}
          placeholder="e.g. looking into it, deploy rolled back"
          onChange={(e) => setComment(e.target.value)}
        />
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button
          disabled={alert.acknowledgedAt !== null || alert.state === 'resolved' || ack.isPending}
          onClick={() => ack.mutate({ id: alert.id, by: DASHBOARD_USER, comment })}
        >
          {alert.acknowledgedAt !== null ? 'Acknowledged' : ack.isPending ? 'Acknowledging…' : 'Acknowledge'}
        </Button>
        <span className="text-xs text-muted-foreground">or silence alerts like it for</span>
        <NativeSelect
          aria-label="silence duration"
          value={String(hours)}
          onChange={(e) => setHours(Number(e.target.value))}
        >
          {SILENCE_HOURS.map((h) => (
            <option key={h} value={h}>
              {h} h
            </option>
          ))}
        </NativeSelect>
        <Button
          variant="outline"
          disabled={matchers.length === 0 || silence.isPending}
          onClick={() => {
            const now = Date.now();
            silence.mutate({
              matchers,
              startsAt: now,
              endsAt: now + hours * 3_600_000,
              createdBy: DASHBOARD_USER,
              comment: comment || `silenced from the dashboard for ${hours} h`,
            });
          }}
        >
          Silence
        </Button>
      </div>
      <p className="font-mono text-xs text-muted-foreground">
        {'{'}
        {matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(', ')}
        {'}'}
      </p>
      {ack.isError && (
        <p role="alert" className="text-xs text-destructive">
          acknowledge failed: {describeError(ack.error)}
        </p>
      )}
      {silence.isError && (
        <p role="alert" className="text-xs text-destructive">
          silence failed: {describeError(silence.error)}
        </p>
      )}
      {silence.isSuccess && (
        <p role="status" className="text-xs text-ok">
          silence {silence.data.id} created
        </p>
      )}
    </div>
  );
}
