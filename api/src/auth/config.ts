/**
 * Authentication settings, resolved once at start-up from the environment.
 *
 * HYDRA_AUTH=auto (the default) turns authentication off only for the
 * embedded one-process mode bound to a loopback address, the laptop case;
 * everywhere else it is on, and a process with authentication on but no way
 * to verify a token (no HYDRA_JWT_SECRET, no HYDRA_OIDC_JWKS_URL) refuses to
 * start instead of accepting or refusing everything.
 */
import { isIP } from 'node:net';

export type AuthMode = 'off' | 'on';
export type AuthSetting = 'auto' | AuthMode;

export interface AuthConfig {
  mode: AuthMode;
  /** HS256 shared secret (HYDRA_JWT_SECRET). */
  jwtSecret?: string;
  /** OIDC JWKS endpoint (HYDRA_OIDC_JWKS_URL); tokens signed with asymmetric keys are checked against it. */
  jwksUrl?: string;
  /** Required `iss` claim (HYDRA_OIDC_ISSUER). */
  issuer?: string;
  /** Required `aud` claim (HYDRA_OIDC_AUDIENCE). */
  audience?: string;
  /** Static bearer token that grants metrics:write only (HYDRA_INGEST_TOKEN), for OTLP exporters. */
  ingestToken?: string;
  /** Static bearer token that grants metrics:scrape only (HYDRA_SCRAPE_TOKEN), for Prometheus on :9464. */
  scrapeToken?: string;
  /**
   * No JWT is verified, only the static tokens are: a collector given HYDRA_INGEST_TOKEN and neither a secret nor
   * a JWKS, as the operator deploys it (resolveAuthConfig's `ingestTokenSuffices`).
   */
  staticTokensOnly?: true;
}

/** HS256 keys shorter than the hash output weaken the MAC (RFC 7518 §3.2). */
export const MIN_JWT_SECRET_BYTES = 32;
/** Static tokens shorter than this are guessable. */
export const MIN_INGEST_TOKEN_LENGTH = 16;

const AUTH_SETTINGS: readonly AuthSetting[] = ['auto', 'on', 'off'];
/** The bearer token alphabet (RFC 6750 §2.1). */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Thrown at start-up when the authentication settings cannot work; names the variable at fault. */
export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';
}

/**
 * Reads HYDRA_AUTH, HYDRA_JWT_SECRET, HYDRA_OIDC_JWKS_URL, HYDRA_OIDC_ISSUER,
 * HYDRA_OIDC_AUDIENCE, HYDRA_INGEST_TOKEN and HYDRA_SCRAPE_TOKEN.
 *
 * @param context.embedded the process runs the embedded (PGlite) database
 * @param context.host the address the servers bind to
 * @throws AuthConfigError when a value is invalid, or authentication is on without a secret or JWKS
 */
export function resolveAuthConfig(
  env: NodeJS.ProcessEnv,
  context: {
    embedded: boolean;
    host: string;
    /** The process only ingests (the collector): HYDRA_INGEST_TOKEN alone is a way to authenticate. */
    ingestTokenSuffices?: boolean;
  },
): AuthConfig {
  const setting = (nonEmpty(env.HYDRA_AUTH) ?? 'auto').toLowerCase();
  if (!AUTH_SETTINGS.includes(setting as AuthSetting)) {
    throw new AuthConfigError(`HYDRA_AUTH must be one of ${AUTH_SETTINGS.join(', ')}; got '${env.HYDRA_AUTH}'`);
  }
  const mode: AuthMode =
    setting === 'auto' ? (context.embedded && isLoopbackHost(context.host) ? 'off' : 'on') : (setting as AuthMode);

  const config: AuthConfig = { mode };
  const jwtSecret = nonEmpty(env.HYDRA_JWT_SECRET);
  const jwksUrl = nonEmpty(env.HYDRA_OIDC_JWKS_URL);
  const issuer = nonEmpty(env.HYDRA_OIDC_ISSUER);
  const audience = nonEmpty(env.HYDRA_OIDC_AUDIENCE);
  const ingestToken = nonEmpty(env.HYDRA_INGEST_TOKEN);
  const scrapeToken = nonEmpty(env.HYDRA_SCRAPE_TOKEN);
  if (jwtSecret !== undefined) config.jwtSecret = jwtSecret;
  if (jwksUrl !== undefined) config.jwksUrl = jwksUrl;
  if (issuer !== undefined) config.issuer = issuer;
  if (audience !== undefined) config.audience = audience;
  if (ingestToken !== undefined) config.ingestToken = ingestToken;
  if (scrapeToken !== undefined) config.scrapeToken = scrapeToken;
  if (context.ingestTokenSuffices && ingestToken !== undefined && jwtSecret === undefined && jwksUrl === undefined) {
    config.staticTokensOnly = true;
  }
  validateAuthConfig(config, setting === 'auto' ? `HYDRA_AUTH=auto on ${context.host}` : `HYDRA_AUTH=${setting}`);
  return config;
}

/**
 * Checks a config built by hand (tests, embedding programs) the same way
 * `resolveAuthConfig` checks the environment.
 *
 * @param why how the mode was chosen, for the error message
 * @throws AuthConfigError naming the setting at fault
 */
export function validateAuthConfig(config: AuthConfig, why = `auth mode '${config.mode}'`): void {
  if (config.mode !== 'on') return;
  const staticTokens = config.staticTokensOnly && (config.ingestToken ?? config.scrapeToken) !== undefined;
  if (config.jwtSecret === undefined && config.jwksUrl === undefined && !staticTokens) {
    throw new AuthConfigError(
      `authentication is on (${why}) but neither HYDRA_JWT_SECRET nor HYDRA_OIDC_JWKS_URL is set: ` +
        'set one of them to verify bearer tokens, or HYDRA_AUTH=off on a trusted network',
    );
  }
  if (config.jwtSecret !== undefined && Buffer.byteLength(config.jwtSecret) < MIN_JWT_SECRET_BYTES) {
    throw new AuthConfigError(
      `HYDRA_JWT_SECRET must be at least ${MIN_JWT_SECRET_BYTES} bytes for HS256; got ${Buffer.byteLength(config.jwtSecret)}`,
    );
  }
  if (config.jwksUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(config.jwksUrl);
    } catch {
      throw new AuthConfigError(`HYDRA_OIDC_JWKS_URL is not a URL: '${config.jwksUrl}'`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new AuthConfigError(`HYDRA_OIDC_JWKS_URL must be http(s); got '${url.protocol}'`);
    }
  }
  for (const [variable, token] of [
    ['HYDRA_INGEST_TOKEN', config.ingestToken],
    ['HYDRA_SCRAPE_TOKEN', config.scrapeToken],
  ] as const) {
    if (token === undefined) continue;
    if (token.length < MIN_INGEST_TOKEN_LENGTH) {
      throw new AuthConfigError(`${variable} must be at least ${MIN_INGEST_TOKEN_LENGTH} characters`);
    }
    if (!TOKEN68.test(token)) {
      throw new AuthConfigError(
        `${variable} may only hold letters, digits and - . _ ~ + / (then = padding), to travel as a bearer token`,
      );
    }
  }
}

/** True for `localhost`, 127.0.0.0/8, ::1 and IPv4-mapped loopback; false for wildcard and other addresses. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  const family = isIP(h);
  if (family === 4) return h.startsWith('127.');
  if (family === 6) return h === '::1' || /^::ffff:127\./.test(h) || h === '0:0:0:0:0:0:0:1';
  return false;
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}
