/**
 * One colour per model, the same in every chart: models in the order they first appear in the pool, spread
 * around the hue circle by the golden angle so neighbours differ however many models there are.
 */
export function modelColors(models: readonly string[]): Map<string, string> {
  const colors = new Map<string, string>();
  for (const model of models) {
    if (colors.has(model)) continue;
    const k = colors.size;
    const hue = (k * 137.508 + 210) % 360;
    const lightness = k % 2 === 0 ? 42 : 55;
    colors.set(model, `hsl(${hue.toFixed(1)} 65% ${lightness}%)`);
  }
  return colors;
}

/** The same colour, translucent (hsl(h s l) -> hsl(h s l / a)). */
export function withAlpha(color: string, alpha: number): string {
  return color.replace(/\)$/, ` / ${alpha})`);
}
