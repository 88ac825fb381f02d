import { useTheme } from '../lib/theme';

/** Switches between light and dark; the choice is kept, and until one is made the system's is followed. */
export function ThemeToggle() {
  const { theme, choose } = useTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="button subtle" aria-pressed={theme === 'dark'} onClick={() => choose(next)}
      aria-label="Dark mode" title={`Switch to ${next} mode`}>
      {theme === 'dark' ? '☾ Dark' : '☀ Light'}
    </button>
  );
}
