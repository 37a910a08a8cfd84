export type { Clock, Finished, InFlight } from './clock.ts';
