/** The app's QueryClient: retries only what can recover (network, 5xx), never 4xx. */
import { QueryClient } from '@tanstack/react-query';
import { ApiRequestError } from '../api/client.ts';

/** Attempts after the first for a retryable failure. */
export const QUERY_RETRIES = 2;

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failures, error) =>
          failures < QUERY_RETRIES && !(error instanceof ApiRequestError && error.status >= 400 && error.status < 500),
        refetchOnWindowFocus: true,
        staleTime: 10_000,
      },
    },
  });
}
