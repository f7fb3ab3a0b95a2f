/** Label matchers of the explorer (`key="value"`, `key=~"re"` …), added from the metric's labels. */
import { useQuery } from '@tanstack/react-query';
import { X } from 'lucide-react';
import { useState } from 'react';
import { Button } from '../../components/ui/button.tsx';
import { Input, Label } from '../../components/ui/input.tsx';
import { NativeSelect } from '../../components/ui/native-select.tsx';
import { labelNamesQueryOptions, labelValuesQueryOptions } from '../../queries/metrics.ts';

const OPS = ['=', '!=', '=~', '!~'] as const;

export function LabelMatchers({
  metric,
  matchers,
  onChange,
}: {
  metric: string;
  matchers: string[];
  onChange: (next: string[]) => void;
}) {
  const labels = useQuery({ ...labelNamesQueryOptions(metric), enabled: metric !== '' });
  const [label, setLabel] = useState('');
  const [op, setOp] = useState<(typeof OPS)[number]>('=');
  const [value, setValue] = useState('');
  const values = useQuery({ ...labelValuesQueryOptions(label, metric), enabled: label !== '' && metric !== '' });
  const add = () => {
    if (!label) return;
    onChange([...matchers, `${label}${op}"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`]);
    setValue('');
  };
  return (
    <div className="space-y-1.5">
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex flex-col gap-1">
          <Label htmlFor="m-label">label</Label>
          <NativeSelect id="m-label" value={label} onChange={(e) => setLabel(e.target.value)}>
            <option value="">choose…</option>
            {(labels.data ?? []).map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </NativeSelect>
        </div>
        <NativeSelect aria-label="operator" value={op} onChange={(e) => setOp(e.target.value as (typeof OPS)[number])}>
          {OPS.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </NativeSelect>
        <div className="flex flex-col gap-1">
          <Label htmlFor="m-value">value</Label>
          <Input
            id="m-value"
            list="m-values"
            className="w-48"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') add();
            }}
          />
          <datalist id="m-values">
            {(values.data ?? []).map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
        </div>
        <Button variant="outline" onClick={add} disabled={!label}>
          add filter
        </Button>
      </div>
      {matchers.length > 0 && (
        <ul aria-label="active filters" className="flex flex-wrap gap-1">
          {matchers.map((m, i) => (
            <li
              key={`${m}-${i}`}
              className="inline-flex items-center gap-1 rounded-md border px-1.5 py-0.5 font-mono text-xs"
            >
              {m}
              <button
                type="button"
                aria-label={`remove filter ${m}`}
                className="text-muted-foreground hover:text-foreground"
                onClick={() => onChange(matchers.filter((_, j) => j !== i))}
              >
                <X className="size-3" aria-hidden />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
