import type { Widget } from '../api/get-dashboards';

/** Grid bounds the server enforces (docs/api.md): 12 columns, w 1–12, h 1–100, y 0–1000. */
export const COLUMNS = 12;

export type Move = 'left' | 'right' | 'up' | 'down' | 'wider' | 'narrower' | 'taller' | 'shorter';

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** The widget moved or resized one step, kept inside the grid. */
export function moved(widget: Widget, move: Move): Widget {
  switch (move) {
    case 'left': return { ...widget, x: clamp(widget.x - 1, 0, COLUMNS - widget.w) };
    case 'right': return { ...widget, x: clamp(widget.x + 1, 0, COLUMNS - widget.w) };
    case 'up': return { ...widget, y: clamp(widget.y - 1, 0, 1000) };
    case 'down': return { ...widget, y: clamp(widget.y + 1, 0, 1000) };
    case 'wider': return { ...widget, w: clamp(widget.w + 1, 1, COLUMNS - widget.x) };
    case 'narrower': return { ...widget, w: clamp(widget.w - 1, 1, COLUMNS) };
    case 'taller': return { ...widget, h: clamp(widget.h + 1, 1, 100) };
    case 'shorter': return { ...widget, h: clamp(widget.h - 1, 1, 100) };
  }
}

/** Where a new widget goes: half the width, below everything. */
export function nextSlot(widgets: Widget[]): Pick<Widget, 'x' | 'y' | 'w' | 'h'> {
  const bottom = widgets.reduce((max, w) => Math.max(max, w.y + w.h), 0);
  return { x: 0, y: Math.min(bottom, 1000), w: 6, h: 4 };
}

/**
 * The widgets' positions in reading order (top to bottom, left to right): the document order, so a phone's
 * single column, a screen reader and the PDF follow the layout rather than the order of creation.
 */
export function readingOrder(widgets: Widget[]): number[] {
  return widgets.map((w, index) => ({ w, index })).sort((a, b) => a.w.y - b.w.y || a.w.x - b.w.x).map(({ index }) => index);
}
