import type { RunEvents } from '../model/events.ts';

/** A reporter: a name and any of the run events' hooks (vitest's reporter shape). */
export interface Reporter extends RunEvents {
  readonly name: string;
}
