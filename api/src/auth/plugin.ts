/**
 * Bearer authentication for every route registered in the context that
 * registers this plugin: reads (GET, HEAD) need metrics:read, everything else
 * metrics:write, unless the route names its scope in `config.scope` (the
 * alert acknowledge and silence routes need alerts:write). Public routes (health, docs) are registered outside it.
 * Routes also get the OpenAPI `security` requirement and the scope in their
 * description, so the document says which operations need which token.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errors, type Authenticate, type Scope } from '@hydra/contract';
import type { AuthConfig } from './config.ts';
import { createAuthenticator } from './authenticator.ts';

/** Name of the security scheme declared in the OpenAPI document. */
export const BEARER_SCHEME = 'bearerAuth';

const READ_METHODS = new Set(['GET', 'HEAD']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope the route needs, when not the method's default. */
    scope?: Scope;
  }
  interface FastifyRequest {
    /**
     * Who the request's verified token names (its `sub`): what acknowledgements and silences are recorded
     * under when authentication is on, whatever the body says. null with authentication off or no `sub`.
     */
    principal: string | null;
  }
}

export interface AuthPluginOptions {
  config: AuthConfig;
}

/** The scope a request needs: the route's own, or from its method. */
export function scopeFor(method: string, routeScope?: Scope): Scope {
  if (routeScope !== undefined) return routeScope;
  return READ_METHODS.has(method.toUpperCase()) ? 'metrics:read' : 'metrics:write';
}

async function authPlugin(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  const checks: Record<Scope, Authenticate> = {
    'metrics:read': createAuthenticator(options.config, 'metrics:read'),
    'metrics:write': createAuthenticator(options.config, 'metrics:write'),
    'alerts:write': createAuthenticator(options.config, 'alerts:write'),
    // no API route asks for it (the exports port checks it), but a route may
    'metrics:scrape': createAuthenticator(options.config, 'metrics:scrape'),
  };

  // OpenAPI 3.0 lists scopes only for oauth2/openIdConnect schemes, so the scope goes in the description.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const routeScope = (route.config as { scope?: Scope } | undefined)?.scope;
    const scopes = [...new Set(methods.map((m) => scopeFor(m, routeScope)))].join(', ');
    const description = [route.schema?.description, `Requires a bearer token with scope ${scopes}.`]
      .filter(Boolean)
      .join(' ');
    route.schema = { ...route.schema, description, security: [{ [BEARER_SCHEME]: [] }] };
  });

  app.decorateRequest('principal', null);
  if (options.config.mode === 'off') return;

  app.addHook('onRequest', async (request: FastifyRequest) => {
    const scope = scopeFor(request.method, request.routeOptions.config.scope);
    const verdict = await checks[scope](request.headers.authorization);
    if (verdict.ok) {
      request.principal = verdict.subject ?? null;
      return;
    }
    throw verdict.status === 401 ? Errors.unauthorized(verdict.message) : Errors.forbidden(verdict.message, scope);
  });
}

export default fp(authPlugin, { name: 'hydra-auth', fastify: '5.x' });
