/**
 * @hydra/collector: OTLP (HTTP protobuf/JSON, gRPC) and seed-JSON receivers,
 * limits, and the Ingestor that hands decoded series to @hydra/storage.
 */
export type { IngestPoint, IngestSeries, IngestResult, RejectReason } from './types.ts';
export { Ingestor, type IngestorDeps } from './ingestor.ts';
export { DEFAULT_LIMITS, resolveLimits, type IngestLimits } from './limits.ts';
export {
  startCollector,
  buildHttpReceiver,
  DEFAULT_GRPC_PORT,
  DEFAULT_HTTP_PORT,
  type CollectorOptions,
  type RunningCollector,
} from './collector.ts';
export { seedJsonRoute, parseSeedPoints } from './http/seed-route.ts';
export {
  mapError,
  CollectorClosedError,
  InvalidRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  type MappedError,
} from './errors.ts';
export { decodeProtobufRequest } from './otlp/protobuf-decoder.ts';
export { decodeJsonRequest } from './otlp/json-decoder.ts';
export type { DecodedRequest } from './series-builder.ts';
export { decodeWriteRequest, decompressSnappy, METRIC_NAME_LABEL } from './remote-write/decoder.ts';
export { remoteWriteRoute, checkRemoteWriteHeaders, REMOTE_WRITE_PATH } from './http/remote-write-route.ts';
