/**
 * Refuses a request whose query-string or path parameters hold U+0000 (NUL)
 * or a lone surrogate, before any route sees it: PostgreSQL text cannot
 * hold either, and a parameter that reached SQL would fail there (as a 500
 * before this check). A 400 naming the parameter instead, for every route.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errors } from '@hydra/contract';

const NUL = '\u0000';

function badText(value: string): string | null {
  if (value.includes(NUL)) return 'contains U+0000 (NUL), which no text field can hold';
  if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) return 'is not well-formed UTF-16';
  return null;
}

function check(source: unknown): void {
  if (typeof source !== 'object' || source === null) return;
  for (const [name, raw] of Object.entries(source as Record<string, unknown>)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (typeof value !== 'string') continue;
      const problem = badText(value);
      if (problem) throw Errors.invalidParameter(name, problem, value.replaceAll(NUL, '\\0'));
    }
  }
}

async function textParamsPlugin(app: FastifyInstance): Promise<void> {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    check(request.query);
    check(request.params);
  });
}

export default fp(textParamsPlugin, { name: 'hydra-text-params', fastify: '5.x' });
