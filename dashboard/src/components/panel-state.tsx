/**
 * The loading, empty and error states every panel shows, so no panel is ever
 * a blank box: loading is a skeleton, empty says why, errors say what failed.
 */
import type { UseQueryResult } from '@tanstack/react-query';
import { AlertTriangle, Inbox } from 'lucide-react';
import type { ReactNode } from 'react';
import { ApiRequestError } from '../api/client.ts';
import { cn } from '../lib/utils.ts';
import { Skeleton } from './ui/skeleton.tsx';

/**
 * Message for a failed query or action; a missing route is "not available", not
 * an error, and a 403 names the scope the token lacks (from the API's `details.scope`).
 */
export function describeError(error: unknown): string {
  if (error instanceof ApiRequestError) {
    if (error.notFound) return `this API does not serve ${error.path} yet`;
    const scope = error.missingScope;
    if (scope !== undefined) {
      const said = error.message === `token lacks the scope ${scope}` ? '' : ` (${error.message})`;
      return `your token lacks the scope ${scope}${said}: sign in with a token that has it`;
    }
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function PanelEmpty({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <div
      role="status"
      className={cn(
        'flex h-full min-h-16 items-center justify-center gap-2 text-center text-xs text-muted-foreground',
        className,
      )}
    >
      <Inbox aria-hidden className="size-4 shrink-0" />
      <span>{children}</span>
    </div>
  );
}

export function PanelError({ error, className }: { error: unknown; className?: string }) {
  return (
    <div
      role="alert"
      className={cn(
        'flex h-full min-h-16 items-center justify-center gap-2 text-center text-xs text-destructive',
        className,
      )}
    >
      <AlertTriangle aria-hidden className="size-4 shrink-0" />
      <span>{describeError(error)}</span>
    </div>
  );
}

export function PanelLoading({ className, label = 'loading' }: { className?: string; label?: string }) {
  return (
    <div role="status" aria-label={label} className={cn('flex h-full min-h-16 flex-col gap-2', className)}>
      <Skeleton className="h-full min-h-16 w-full" />
    </div>
  );
}

/**
 * Renders the query's state: a skeleton while the first load runs, the error
 * (kept visible above stale data when a refetch fails), the empty message when
 * `isEmpty(data)`, or `children(data)`.
 */
export function QueryPanel<T>({
  query,
  isEmpty,
  empty,
  children,
  className,
}: {
  query: UseQueryResult<T>;
  isEmpty?: (data: T) => boolean;
  empty: ReactNode;
  children: (data: T) => ReactNode;
  className?: string;
}) {
  if (query.isPending) return <PanelLoading className={className} />;
  if (query.isError && query.data === undefined) return <PanelError error={query.error} className={className} />;
  const data = query.data as T;
  if (isEmpty?.(data)) return <PanelEmpty className={className}>{empty}</PanelEmpty>;
  return <>{children(data)}</>;
}
