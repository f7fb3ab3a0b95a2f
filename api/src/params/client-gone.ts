/**
 * An AbortSignal that fires when the client goes away before its answer is
 * sent (the connection closed with the response unfinished). Read routes
 * hand it to storage, which cancels the running statement on the server
 * instead of letting an abandoned read hold a connection to its end.
 */
import type { FastifyReply } from 'fastify';

export function clientGoneSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
