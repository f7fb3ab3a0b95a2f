/**
 * Motion for the app with its features loaded lazily: components use the
 * light `m.*` elements; the animation engine arrives in its own chunk after
 * the first render, so it never delays the first chart.
 */
import { LazyMotion } from 'motion/react';
import type { ReactNode } from 'react';

const loadFeatures = () => import('./motion-features.ts').then((m) => m.default);

export function MotionProvider({ children }: { children: ReactNode }) {
  return (
    <LazyMotion features={loadFeatures} strict>
      {children}
    </LazyMotion>
  );
}
