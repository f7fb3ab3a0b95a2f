/**
 * Replies of the OTLP receivers, encoded by hand: ExportMetricsServiceResponse
 * (with partial_success when points were rejected) and google.rpc.Status for
 * refused requests, in protobuf and in OTLP JSON.
 */
import { tag, Writer, WIRE_LEN, WIRE_VARINT } from './wire.ts';

/** Longest error_message sent back; OTLP lets a server trim it. */
export const MAX_ERROR_MESSAGE_CHARS = 4096;
export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/** gRPC status codes used in google.rpc.Status bodies. */
export const GRPC_CODE = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export interface PartialSuccess {
  rejectedDataPoints: number;
  errorMessage: string;
}

function trim(message: string): string {
  return message.length > MAX_ERROR_MESSAGE_CHARS ? message.slice(0, MAX_ERROR_MESSAGE_CHARS - 1) + '…' : message;
}

/** ExportMetricsServiceResponse; empty (full success) when nothing was rejected and there is no warning. */
export function encodeExportResponse(partial: PartialSuccess | null): Uint8Array {
  if (!partial || (partial.rejectedDataPoints === 0 && partial.errorMessage === '')) return new Uint8Array(0);
  const w = Writer.create();
  w.uint32(tag(1, WIRE_LEN)).fork();
  if (partial.rejectedDataPoints !== 0) w.uint32(tag(1, WIRE_VARINT)).int64(partial.rejectedDataPoints);
  if (partial.errorMessage !== '') w.uint32(tag(2, WIRE_LEN)).string(trim(partial.errorMessage));
  w.ldelim();
  return w.finish();
}

/** The same response in OTLP JSON (int64 as a decimal string). */
export function exportResponseJson(partial: PartialSuccess | null): Record<string, unknown> {
  if (!partial || (partial.rejectedDataPoints === 0 && partial.errorMessage === '')) return {};
  return {
    partialSuccess: {
      rejectedDataPoints: String(partial.rejectedDataPoints),
      errorMessage: trim(partial.errorMessage),
    },
  };
}

/** google.rpc.Status with an optional RetryInfo detail. */
export function encodeStatus(code: number, message: string, retryAfterSeconds?: number): Uint8Array {
  const w = Writer.create();
  if (code !== 0) w.uint32(tag(1, WIRE_VARINT)).int32(code);
  if (message !== '') w.uint32(tag(2, WIRE_LEN)).string(trim(message));
  if (retryAfterSeconds !== undefined) {
    w.uint32(tag(3, WIRE_LEN)).fork(); // details: Any
    w.uint32(tag(1, WIRE_LEN)).string(RETRY_INFO_TYPE_URL);
    w.uint32(tag(2, WIRE_LEN)).fork(); // value: RetryInfo
    w.uint32(tag(1, WIRE_LEN)).fork(); // retry_delay: Duration
    w.uint32(tag(1, WIRE_VARINT)).int64(Math.max(0, Math.ceil(retryAfterSeconds)));
    w.ldelim().ldelim().ldelim();
  }
  return w.finish();
}

/** google.rpc.Status in JSON, as OTLP/HTTP sends it for a JSON request. */
export function statusJson(code: number, message: string, retryAfterSeconds?: number): Record<string, unknown> {
  const details =
    retryAfterSeconds === undefined
      ? []
      : [{ '@type': RETRY_INFO_TYPE_URL, retryDelay: `${Math.max(0, Math.ceil(retryAfterSeconds))}s` }];
  return { code, message: trim(message), details };
}

/** The gRPC code that matches an HTTP status chosen by mapError. */
export function grpcCodeForHttpStatus(status: number): number {
  switch (status) {
    case 400:
    case 415:
      return GRPC_CODE.INVALID_ARGUMENT;
    case 401:
      return GRPC_CODE.UNAUTHENTICATED;
    case 403:
      return GRPC_CODE.PERMISSION_DENIED;
    case 413:
    case 429:
      return GRPC_CODE.RESOURCE_EXHAUSTED;
    case 503:
      return GRPC_CODE.UNAVAILABLE;
    default:
      return status >= 400 && status < 500 ? GRPC_CODE.INVALID_ARGUMENT : GRPC_CODE.INTERNAL;
  }
}
