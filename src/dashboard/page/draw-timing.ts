import type uPlot from 'uplot';

/**
 * Adds a `qt-draw` measure (detail: the chart's name) around every redraw of a uPlot chart. NOTE: uPlot draws
 * after the code that gave it data has returned, so the page's own render measure does not include it.
 */
export function withDrawTiming(chart: string, hooks: uPlot.Hooks.Arrays): uPlot.Hooks.Arrays {
  let start = 0;
  return {
    ...hooks,
    drawClear: [() => void (start = performance.now()), ...(hooks.drawClear ?? [])],
    draw: [...(hooks.draw ?? []), () => void performance.measure('qt-draw', { start, end: performance.now(), detail: { chart } })],
  };
}
