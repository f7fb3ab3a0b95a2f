/** Silences in force now: what they match, until when, who and why; expire one early. */
import { useQuery } from '@tanstack/react-query';
import { BellOff } from 'lucide-react';
import { describeError, PanelEmpty, PanelError, PanelLoading } from '../../components/panel-state.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardContent, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { silenceListQueryOptions, useExpireSilence } from '../../queries/alerts.ts';

export function SilencesPanel() {
  const silences = useQuery(silenceListQueryOptions());
  const expire = useExpireSilence();
  return (
    <Card aria-label="active silences">
      <CardHeader>
        <CardTitle className="flex items-center gap-1.5">
          <BellOff aria-hidden className="size-4" /> Silences in force
        </CardTitle>
      </CardHeader>
      <CardContent>
        {silences.isPending ? (
          <PanelLoading className="h-12" />
        ) : silences.isError && !silences.data ? (
          <PanelError error={silences.error} />
        ) : silences.data.length === 0 ? (
          <PanelEmpty className="min-h-8">no silence is in force</PanelEmpty>
        ) : (
          <ul className="divide-y text-xs">
            {silences.data.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center gap-2 py-1.5">
                <span className="font-mono">
                  {'{'}
                  {s.matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(', ')}
                  {'}'}
                </span>
                <span className="text-muted-foreground">
                  until {formatDateTime(Date.parse(s.endsAt))} · {s.createdBy}: {s.comment}
                </span>
                <Button
                  variant="outline"
                  size="sm"
                  className="ml-auto"
                  disabled={expire.isPending}
                  onClick={() => expire.mutate(s.id)}
                >
                  Expire
                </Button>
              </li>
            ))}
          </ul>
        )}
        {expire.isError && (
          <p role="alert" className="text-xs text-destructive">
            expire failed: {describeError(expire.error)}
          </p>
        )}
      </CardContent>
    </Card>
  );
}
