import { cva, type VariantProps } from 'class-variance-authority';
import type { ComponentProps } from 'react';
import { cn } from '../../lib/utils.ts';

export const badgeVariants = cva(
  'inline-flex items-center gap-1 rounded-md border px-1.5 py-0.5 text-xs font-medium whitespace-nowrap [&_svg]:size-3',
  {
    variants: {
      variant: {
        default: 'border-transparent bg-primary text-primary-foreground',
        secondary: 'border-transparent bg-secondary text-secondary-foreground',
        outline: 'text-foreground',
        critical: 'border-transparent bg-sev-critical/15 text-sev-critical',
        warning:
          'border-transparent bg-sev-warning/20 text-[color-mix(in_oklch,var(--sev-warning),black_35%)] dark:text-sev-warning',
        info: 'border-transparent bg-sev-info/15 text-sev-info',
        ok: 'border-transparent bg-ok/15 text-ok',
        muted: 'border-transparent bg-muted text-muted-foreground',
      },
    },
    defaultVariants: { variant: 'default' },
  },
);

/** shadcn/ui Badge with severity and state variants. */
export function Badge({ className, variant, ...props }: ComponentProps<'span'> & VariantProps<typeof badgeVariants>) {
  return <span data-slot="badge" className={cn(badgeVariants({ variant }), className)} {...props} />;
}
