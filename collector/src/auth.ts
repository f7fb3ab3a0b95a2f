/** The authentication hook receivers call with the raw Authorization header (HTTP) or metadata (gRPC). */
export type Authenticate = (
  authorization: string | undefined,
) => Promise<{ ok: true } | { ok: false; status: 401 | 403; message: string }>;
