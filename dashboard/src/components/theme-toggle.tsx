/** Light/dark switch; the choice is saved and applied before first paint by index.html. */
import { Moon, Sun } from 'lucide-react';
import { useState } from 'react';
import { Button } from './ui/button.tsx';

/** localStorage key of the theme choice (read by the inline script in index.html). */
export const THEME_STORAGE_KEY = 'hydra.theme';

export function ThemeToggle() {
  const [dark, setDark] = useState(() => document.documentElement.classList.contains('dark'));
  const toggle = () => {
    const next = !dark;
    document.documentElement.classList.toggle('dark', next);
    try {
      localStorage.setItem(THEME_STORAGE_KEY, next ? 'dark' : 'light');
    } catch {
      // Storage disabled: the theme still switches for this page.
    }
    setDark(next);
  };
  return (
    <Button
      variant="ghost"
      size="icon"
      onClick={toggle}
      aria-label={dark ? 'switch to light theme' : 'switch to dark theme'}
    >
      {dark ? <Sun aria-hidden /> : <Moon aria-hidden />}
    </Button>
  );
}
