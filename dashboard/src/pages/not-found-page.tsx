import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <div className="mx-auto mt-24 max-w-md space-y-2 text-center">
      <h1 className="text-lg font-semibold">No such view</h1>
      <p className="text-sm text-muted-foreground">
        Go to the{' '}
        <Link className="underline" to="/dashboard">
          fleet overview
        </Link>
        .
      </p>
    </div>
  );
}
