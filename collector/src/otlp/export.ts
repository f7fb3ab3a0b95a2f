/**
 * The part of an OTLP Export that HTTP and gRPC share: count what was decoded,
 * hand the series to the Ingestor, and turn both rejection tallies into the
 * OTLP outcome (full success, partial_success, or a request with nothing valid).
 */
import { InvalidRequestError } from '../errors.ts';
import type { Ingestor } from '../ingestor.ts';
import type { DecodedRequest } from '../series-builder.ts';
import { recordRejections, type CollectorTelemetry } from '../telemetry.ts';
import type { PartialSuccess } from './response.ts';

/**
 * Ingest a decoded request. Resolves with the partial success to report (null
 * when every point was stored or skipped on purpose); throws
 * InvalidRequestError when points arrived and none could be stored, and the
 * Ingestor's retryable errors as they are.
 */
export async function exportDecoded(
  ingestor: Ingestor,
  decoded: DecodedRequest,
  telemetry: CollectorTelemetry,
): Promise<PartialSuccess | null> {
  const { rejections } = decoded;
  telemetry.pointsReceived.add(decoded.points);
  telemetry.pointsSkipped.add(rejections.skipped);
  recordRejections(telemetry, rejections.byReason);
  const result = decoded.series.length
    ? await ingestor.ingest(decoded.series)
    : { acceptedPoints: 0, rejectedPoints: 0, errors: [] };
  const rejected = rejections.total + result.rejectedPoints;
  if (rejected === 0) return null;
  const messages = [...rejections.messages, ...result.errors].slice(0, ingestor.limits.maxErrorMessages);
  const omitted = rejected > messages.length ? ` (first ${messages.length} reasons shown)` : '';
  const errorMessage = `${rejected} data point(s) rejected${omitted}: ${messages.join('; ')}`;
  if (result.acceptedPoints === 0 && rejections.skipped === 0) {
    throw new InvalidRequestError(`no data point could be stored: ${errorMessage}`);
  }
  return { rejectedDataPoints: rejected, errorMessage };
}
