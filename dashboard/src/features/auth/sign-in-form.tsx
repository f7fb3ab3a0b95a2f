/**
 * The sign-in screen shown instead of the views when the API answers 401:
 * paste a bearer token, keep it for this tab (default) or on this device, and
 * the token is checked against the API before it is kept. A refused token
 * (401) and a token without `metrics:read` (403) get different messages.
 */
import { useQueryClient } from '@tanstack/react-query';
import { KeyRound } from 'lucide-react';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { parseToken, signIn, useAuth } from '../../api/auth.ts';
import { apiFetch, ApiRequestError } from '../../api/client.ts';
import { describeError } from '../../components/panel-state.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { Input, Label } from '../../components/ui/input.tsx';

/** The scope every view needs; the form checks a pasted token against a route that requires it. */
export const READ_SCOPE = 'metrics:read';
/** A cheap metrics:read route the form asks with the pasted token. */
export const TOKEN_CHECK_PATH = '/labels';

/** Why the pasted token cannot be used, for the form. */
export function describeRejectedToken(error: unknown): string {
  if (error instanceof ApiRequestError) {
    if (error.status === 401) return `The API refused this token: ${error.message}.`;
    if (error.status === 403) {
      const scope = error.missingScope ?? READ_SCOPE;
      return `This token is valid but lacks the scope ${scope}, which the dashboard needs to read metrics (the API says: ${error.message}).`;
    }
    return `The token could not be checked: ${describeError(error)}.`;
  }
  return describeError(error);
}

export function SignInForm() {
  const auth = useAuth();
  const client = useQueryClient();
  const [value, setValue] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const ids = { token: useId(), remember: useId(), help: useId(), error: useId(), title: useId() };

  // Focus goes to the token field when the form appears and after each refusal.
  useEffect(() => {
    if (!checking) input.current?.focus();
  }, [checking, error]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    let token: string;
    try {
      token = parseToken(value);
    } catch (err) {
      setError(`${(err as Error).message}.`);
      return;
    }
    setChecking(true);
    setError(null);
    try {
      await apiFetch(TOKEN_CHECK_PATH, { token });
    } catch (err) {
      setError(describeRejectedToken(err));
      setChecking(false);
      return;
    }
    // Keep the token first, then every query starts again with it, without the 401s it had.
    signIn(token, remember);
    void client.resetQueries();
  };

  const reason = auth.reason;
  return (
    <div className="flex justify-center pt-[8vh]">
      <Card aria-labelledby={ids.title} className="w-full max-w-md">
        <CardHeader className="flex-col items-start gap-1.5 pt-4">
          <CardTitle id={ids.title} className="flex items-center gap-2 text-base">
            <KeyRound aria-hidden className="size-4" />
            Sign in
          </CardTitle>
          <CardDescription>
            This hydra API has authentication on. Paste a bearer token: a JWT with the scope {READ_SCOPE} (and
            alerts:write to acknowledge and silence alerts), from your identity provider or signed with the API&apos;s
            HYDRA_JWT_SECRET. The ingest token of the collector only grants metrics:write and cannot be used here.
          </CardDescription>
        </CardHeader>
        <CardContent className="pb-4">
          {(reason?.tokenRefused || auth.signedOut) && !error && (
            <p role="status" className="mb-3 rounded-md border bg-secondary px-2.5 py-1.5 text-xs">
              {reason?.tokenRefused
                ? `Your token was refused: ${reason.message}. Sign in again.`
                : 'You are signed out.'}
            </p>
          )}
          {/* method=post: even if the script failed, the token would never end up in the URL. */}
          <form method="post" onSubmit={(e) => void submit(e)} className="space-y-3" noValidate>
            <div className="flex flex-col gap-1">
              <Label htmlFor={ids.token}>bearer token</Label>
              <Input
                ref={input}
                id={ids.token}
                name="token"
                type="password"
                autoComplete="off"
                spellCheck={false}
                value={value}
                placeholder="eyJhbGciOi…"
                aria-invalid={error !== null}
                aria-describedby={error !== null ? `${ids.error} ${ids.help}` : ids.help}
                onChange={(e) => setValue(e.target.value)}
              />
              <p id={ids.help} className="text-xs text-muted-foreground">
                Sent only in the Authorization header to this dashboard&apos;s API.
              </p>
            </div>
            <div className="flex items-start gap-2">
              <input
                id={ids.remember}
                type="checkbox"
                checked={remember}
                onChange={(e) => setRemember(e.target.checked)}
                className="mt-0.5 size-4 accent-primary focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
              />
              <Label htmlFor={ids.remember} className="text-sm font-normal text-foreground">
                Remember on this device
                <span className="block text-xs text-muted-foreground">
                  Otherwise the token is forgotten when this tab closes.
                </span>
              </Label>
            </div>
            {error !== null && (
              <p id={ids.error} role="alert" className="text-sm text-destructive">
                {error}
              </p>
            )}
            <Button type="submit" disabled={checking} className="w-full">
              {checking ? 'Checking the token…' : 'Sign in'}
            </Button>
          </form>
        </CardContent>
      </Card>
    </div>
  );
}
