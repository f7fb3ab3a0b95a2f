/**
 * OTLP/gRPC: opentelemetry.proto.collector.metrics.v1.MetricsService/Export,
 * defined by hand (no proto-loader). The request arrives as bytes (grpc-js has
 * already enforced the size limit and removed gzip) and is decoded by the
 * hand-written protobuf decoder in the handler, after authentication, so an
 * unauthenticated caller cannot make the server decode 64 MiB; the reply is
 * encoded by the hand-written response encoder. Errors go through mapError
 * and become gRPC codes; 429 and 503 become RESOURCE_EXHAUSTED / UNAVAILABLE
 * with a google.rpc.RetryInfo in grpc-status-details-bin.
 */
import * as grpc from '@grpc/grpc-js';
import { defaultLogger, type Logger } from '@hydra/logging';
import type { Authenticate } from '@hydra/contract';
import { mapError } from '../errors.ts';
import type { Ingestor } from '../ingestor.ts';
import { exportDecoded } from '../otlp/export.ts';
import { decodeProtobufRequest } from '../otlp/protobuf-decoder.ts';
import { encodeExportResponse, encodeStatus, grpcCodeForHttpStatus, type PartialSuccess } from '../otlp/response.ts';
import type { CollectorTelemetry } from '../telemetry.ts';

export const EXPORT_METHOD_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';
/** Deadline for in-flight calls to finish on shutdown before they are cancelled. */
export const DEFAULT_GRPC_SHUTDOWN_MS = 10_000;
const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

export interface GrpcReceiverOptions {
  host: string;
  port: number;
  ingestor: Ingestor;
  telemetry: CollectorTelemetry;
  authenticate?: Authenticate;
  /** Where unexpected (5xx-class) failures are logged, at error; default defaultLogger('collector'). */
  logger?: Logger;
}

export interface RunningGrpcReceiver {
  address: string;
  shutdown(deadlineMs?: number): Promise<void>;
}

const SERVICE: grpc.ServiceDefinition = {
  Export: {
    path: EXPORT_METHOD_PATH,
    requestStream: false,
    responseStream: false,
    // Bytes as they came: decoding waits for authentication, and a decode error must be INVALID_ARGUMENT,
    // not the INTERNAL grpc-js answers when a deserializer throws.
    requestDeserialize: (bytes: Buffer): Buffer => bytes,
    requestSerialize: () => {
      throw new Error('the hydra gRPC receiver does not send requests');
    },
    responseSerialize: (partial: PartialSuccess | null) => Buffer.from(encodeExportResponse(partial)),
    responseDeserialize: () => {
      throw new Error('the hydra gRPC receiver does not read responses');
    },
  },
};

/** Start the gRPC receiver; resolves once it listens. */
export async function startGrpcReceiver(options: GrpcReceiverOptions): Promise<RunningGrpcReceiver> {
  const { ingestor, telemetry, authenticate } = options;
  const logger = options.logger ?? defaultLogger('collector');
  const server = new grpc.Server({
    'grpc.max_receive_message_length': ingestor.limits.maxBodyBytes,
  });

  const fail = (callback: grpc.sendUnaryData<PartialSuccess | null>, err: unknown, started: number): void => {
    const mapped = mapError(err);
    const code = grpcCodeForHttpStatus(mapped.status);
    const metadata = new grpc.Metadata();
    if (mapped.retryAfterSeconds !== undefined) {
      metadata.set(STATUS_DETAILS_KEY, Buffer.from(encodeStatus(code, mapped.message, mapped.retryAfterSeconds)));
    }
    if (mapped.status >= 500 && mapped.status !== 503) logger.error({ err }, 'OTLP gRPC Export failed');
    record(telemetry, code, started);
    callback({ code, details: mapped.message, metadata });
  };

  server.addService(SERVICE, {
    Export: (
      call: grpc.ServerUnaryCall<Buffer, PartialSuccess | null>,
      callback: grpc.sendUnaryData<PartialSuccess | null>,
    ) => {
      const started = performance.now();
      const run = async (): Promise<void> => {
        if (authenticate) {
          const header = call.metadata.get('authorization')[0];
          const verdict = await authenticate(typeof header === 'string' ? header : undefined);
          if (!verdict.ok) {
            const code = verdict.status === 401 ? grpc.status.UNAUTHENTICATED : grpc.status.PERMISSION_DENIED;
            record(telemetry, code, started);
            return callback({ code, details: verdict.message });
          }
        }
        const decoded = decodeProtobufRequest(call.request, ingestor.limits.maxErrorMessages);
        const partial = await exportDecoded(ingestor, decoded, telemetry);
        record(telemetry, grpc.status.OK, started);
        callback(null, partial);
      };
      run().catch((err: unknown) => fail(callback, err, started));
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err
        ? reject(new Error(`OTLP gRPC receiver could not listen on ${options.host}:${options.port}: ${err.message}`))
        : resolve(bound),
    );
  });

  let stopping: Promise<void> | null = null;
  return {
    address: `${options.host}:${port}`,
    shutdown(deadlineMs = DEFAULT_GRPC_SHUTDOWN_MS): Promise<void> {
      stopping ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, deadlineMs);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return stopping;
    },
  };
}

function record(t: CollectorTelemetry, code: grpc.status, started: number): void {
  const attributes = { transport: 'grpc', encoding: 'protobuf', status: grpc.status[code] ?? String(code) };
  t.requests.add(1, attributes);
  t.requestDuration.record((performance.now() - started) / 1000, attributes);
}
