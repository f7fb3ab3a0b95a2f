/** "Sign out" in the header while a token is set: forgets it and starts every query again without it. */
import { useQueryClient } from '@tanstack/react-query';
import { LogOut } from 'lucide-react';
import { signOut, useAuth } from '../../api/auth.ts';
import { Button } from '../../components/ui/button.tsx';

export function SignOutButton() {
  const auth = useAuth();
  const client = useQueryClient();
  if (auth.token === null) return null;
  return (
    <Button
      variant="ghost"
      size="sm"
      title={auth.persistence === 'local' ? 'token remembered on this device' : 'token kept for this tab only'}
      onClick={() => {
        signOut();
        // No data of the signed-in session stays on screen; with authentication on the refetch answers 401,
        // which brings up the sign-in form (with it off, the views just load without a token).
        void client.resetQueries();
      }}
    >
      <LogOut aria-hidden />
      Sign out
    </Button>
  );
}
