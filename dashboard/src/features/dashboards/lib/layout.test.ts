import { describe, expect, it } from 'vitest';
import { moved, nextSlot, readingOrder } from './layout';

const widget = { type: 'line', title: 't', query: {}, x: 10, y: 0, w: 2, h: 1 };

describe('grid layout', () => {
  it('moves and resizes one step, never past the grid', () => {
    expect(moved(widget, 'right')).toMatchObject({ x: 10 }); // already at the right edge
    expect(moved(widget, 'left')).toMatchObject({ x: 9 });
    expect(moved(widget, 'up')).toMatchObject({ y: 0 });
    expect(moved(widget, 'down')).toMatchObject({ y: 1 });
    expect(moved(widget, 'wider')).toMatchObject({ w: 2 }); // x + w is 12 already
    expect(moved(widget, 'narrower')).toMatchObject({ w: 1 });
    expect(moved({ ...widget, w: 1 }, 'narrower')).toMatchObject({ w: 1 });
    expect(moved(widget, 'taller')).toMatchObject({ h: 2 });
    expect(moved(widget, 'shorter')).toMatchObject({ h: 1 });
  });

  it('puts a new widget below the others, and reads widgets top to bottom, left to right', () => {
    const a = { ...widget, title: 'a', x: 6, y: 0, h: 4 };
    const b = { ...widget, title: 'b', x: 0, y: 0, h: 2 };
    const c = { ...widget, title: 'c', x: 0, y: 4, h: 3 };
    expect(nextSlot([a, b, c])).toEqual({ x: 0, y: 7, w: 6, h: 4 });
    expect(nextSlot([])).toEqual({ x: 0, y: 0, w: 6, h: 4 });
    expect(readingOrder([c, a, b])).toEqual([2, 1, 0]);
  });
});
