import { useCallback, useEffect, useSyncExternalStore } from 'react';

/** The viewer's choice: follow the system setting, or one theme kept across visits. */
export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const KEY = 'pulse.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';
const listeners = new Set<() => void>();

export function storedChoice(): ThemeChoice {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

function systemTheme(): Theme {
  return window.matchMedia?.(DARK_QUERY).matches ? 'dark' : 'light';
}

export function effectiveTheme(choice: ThemeChoice = storedChoice()): Theme {
  return choice === 'system' ? systemTheme() : choice;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const media = window.matchMedia?.(DARK_QUERY);
  media?.addEventListener('change', listener);
  return () => {
    listeners.delete(listener);
    media?.removeEventListener('change', listener);
  };
}

/** The theme in effect, and a setter for the viewer's choice; the document's `data-theme` follows it. */
export function useTheme(): { theme: Theme; choice: ThemeChoice; choose: (choice: ThemeChoice) => void } {
  const choice = useSyncExternalStore(subscribe, storedChoice);
  const theme = useSyncExternalStore(subscribe, () => effectiveTheme(choice));
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const choose = useCallback((next: ThemeChoice) => {
    if (next === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, next);
    listeners.forEach((listener) => listener());
  }, []);
  return { theme, choice, choose };
}
