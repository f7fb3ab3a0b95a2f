import type { ComponentProps } from 'react';
import { cn } from '../../lib/utils.ts';

/** shadcn/ui Skeleton: the shape of content that is loading. */
export function Skeleton({ className, ...props }: ComponentProps<'div'>) {
  return <div data-slot="skeleton" className={cn('animate-pulse rounded-md bg-muted', className)} {...props} />;
}
