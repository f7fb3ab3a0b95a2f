/**
 * Request bodies under a size limit: the raw body is capped by fastify's
 * bodyLimit while it streams in, and a compressed body is inflated with
 * zlib's maxOutputLength, so neither side of the decompression can exceed
 * the limit in memory.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { InvalidRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors.ts';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);

/** Content-Encodings the receivers accept. */
export const SUPPORTED_ENCODINGS = ['gzip', 'deflate', 'identity'] as const;

/** The body with its Content-Encoding removed, at most `maxBytes` long. */
export async function decodeContentEncoding(
  body: Buffer,
  contentEncoding: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip' && encoding !== 'deflate') {
    throw new UnsupportedMediaTypeError(
      `Content-Encoding '${encoding}' is not supported; use ${SUPPORTED_ENCODINGS.join(', ')}`,
    );
  }
  try {
    const options = { maxOutputLength: maxBytes };
    return encoding === 'gzip' ? await gunzip(body, options) : await inflate(body, options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PayloadTooLargeError(`the request body exceeds ${maxBytes} bytes after ${encoding} decompression`);
    }
    throw new InvalidRequestError(`the request body is not valid ${encoding}: ${(err as Error).message}`);
  }
}
