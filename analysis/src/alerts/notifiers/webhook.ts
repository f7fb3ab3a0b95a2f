/**
 * Generic webhooks: a JSON body {version, event, deliveryId, sentAt, alert}
 * POSTed to the URL, signed with HMAC-SHA256 over the exact body bytes with
 * the monitor's shared secret:
 *
 *   X-Hydra-Signature-256: sha256=<hex>
 *   X-Hydra-Delivery: <outbox id>  (the same on every retry: receivers de-duplicate on it)
 *
 * Receivers verify with a constant-time comparison of their own HMAC.
 */
import { createHmac } from 'node:crypto';
import type { AlertSnapshot } from '../targets.ts';
import { postJson } from './http.ts';

export const WEBHOOK_VERSION = '1';
export const SIGNATURE_HEADER = 'x-hydra-signature-256';
export const DELIVERY_HEADER = 'x-hydra-delivery';

export interface WebhookBody {
  version: string;
  /** `alert.firing` or `alert.resolved` */
  event: string;
  deliveryId: string;
  sentAt: string;
  alert: AlertSnapshot;
}

/** `sha256=<hex HMAC-SHA256 of body>` */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Builds, signs (when a secret is given) and POSTs one webhook; throws DeliveryError when it is not accepted. */
export async function sendWebhook(
  url: string,
  delivery: { id: number; alert: AlertSnapshot; nowMs: number; secret?: string | undefined },
  timeoutMs?: number,
): Promise<void> {
  const body: WebhookBody = {
    version: WEBHOOK_VERSION,
    event: `alert.${delivery.alert.state}`,
    deliveryId: String(delivery.id),
    sentAt: new Date(delivery.nowMs).toISOString(),
    alert: delivery.alert,
  };
  const text = JSON.stringify(body);
  const headers: Record<string, string> = { [DELIVERY_HEADER]: String(delivery.id) };
  if (delivery.secret !== undefined) headers[SIGNATURE_HEADER] = signBody(text, delivery.secret);
  await postJson(url, text, headers, timeoutMs);
}
