/**
 * One HTTP POST of a notification, classified once: 2xx delivered; 408, 429,
 * 5xx and network errors retryable; any other 4xx permanent (retrying the
 * same body cannot help, so it goes straight to the dead letters).
 */

/** How long one delivery attempt may take. */
export const DEFAULT_NOTIFY_TIMEOUT_MS = 10_000;
/** Most response-body characters kept in an error message. */
export const MAX_ERROR_BODY_CHARS = 300;

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    /** false: retrying cannot help */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** POSTs `body` (already serialised JSON); resolves when the receiver answered 2xx, throws DeliveryError otherwise. */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs = DEFAULT_NOTIFY_TIMEOUT_MS,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'hydra-alerts', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new DeliveryError(`POST ${url}: ${reason}`, true, { cause: err });
  }
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const text = (await response.text().catch(() => '')).slice(0, MAX_ERROR_BODY_CHARS);
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  throw new DeliveryError(`POST ${url}: HTTP ${response.status}${text ? `: ${text}` : ''}`, retryable);
}
