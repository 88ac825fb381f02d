/**
 * Chart colours per theme, as explicit values (not CSS variables) so an exported SVG or PDF keeps them.
 * Series colours are Okabe-Ito-like hues chosen to stay apart for colour-blind viewers and to reach 3:1
 * against their background; text colours reach WCAG AA (4.5:1).
 */
export interface Palette {
  series: string[];
  text: string;
  mutedText: string;
  grid: string;
  background: string;
  /** heatmap ends: low, middle (diverging scales), high */
  low: string;
  middle: string;
  high: string;
  revised: string;
}

export const PALETTES: Record<'light' | 'dark', Palette> = {
  light: {
    series: ['#1d4ed8', '#c2410c', '#047857', '#9333ea', '#b91c1c', '#0e7490', '#a16207', '#be185d'],
    text: '#0f172a',
    mutedText: '#475569',
    grid: '#cbd5e1',
    background: '#ffffff',
    low: '#1d4ed8',
    middle: '#f8fafc',
    high: '#b91c1c',
    revised: '#b45309',
  },
  dark: {
    series: ['#60a5fa', '#fb923c', '#34d399', '#c084fc', '#f87171', '#22d3ee', '#facc15', '#f472b6'],
    text: '#e2e8f0',
    mutedText: '#94a3b8',
    grid: '#334155',
    background: '#0f172a',
    low: '#60a5fa',
    middle: '#1e293b',
    high: '#f87171',
    revised: '#fbbf24',
  },
};
