/**
 * The pipeline the user picked (a click on a curve, a bar or a row) and the one under the pointer: every
 * panel that shows pipelines listens, so they highlight the same one.
 */
export class Selection {
  private pickedIndex: number | null = null;
  private hoveredIndex: number | null = null;
  private readonly listeners: Array<(change: 'pick' | 'hover') => void> = [];

  /** The picked pipeline (pool index), or null. */
  get picked(): number | null {
    return this.pickedIndex;
  }

  /** The pipeline to describe now: the hovered one, else the picked one. */
  get shown(): number | null {
    return this.hoveredIndex ?? this.pickedIndex;
  }

  pick(index: number | null): void {
    if (index === this.pickedIndex) return;
    this.pickedIndex = index;
    this.notify('pick');
  }

  hover(index: number | null): void {
    if (index === this.hoveredIndex) return;
    this.hoveredIndex = index;
    this.notify('hover');
  }

  /** `listener` hears whether the picked pipeline changed or only the hovered one. */
  onChange(listener: (change: 'pick' | 'hover') => void): void {
    this.listeners.push(listener);
  }

  private notify(change: 'pick' | 'hover'): void {
    for (const listener of this.listeners) listener(change);
  }
}
