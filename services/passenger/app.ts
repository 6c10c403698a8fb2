import type { Random } from '../lib/random.ts';
import { errorReply } from '../lib/server/http-io.ts';
import type { ServiceDefinition } from '../lib/server/service.ts';

export interface Passenger {
  id: string;
  name: string;
  /** 1.0–5.0. */
  rating: number;
  memberSince: string;
}

const firstNames = ['Ada', 'Bo', 'Chen', 'Dara', 'Emil', 'Farah', 'Goran', 'Hana', 'Ines', 'Jun', 'Kofi', 'Lena'];
const lastNames = ['Okafor', 'Silva', 'Novak', 'Haddad', 'Larsen', 'Mori', 'Quinn', 'Rossi', 'Tan', 'Varga'];

/** Passengers p-1 … p-<count>, the same for the same seed. */
export function seedPassengers(random: Random, count = 100): Map<string, Passenger> {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const passengers = new Map<string, Passenger>();
  for (let i = 1; i <= count; i++) {
    const id = `p-${i}`;
    const year = 2015 + Math.floor(random() * 10);
    passengers.set(id, { id, name: `${pick(firstNames)} ${pick(lastNames)}`, rating: Math.round((3.5 + random() * 1.5) * 10) / 10, memberSince: `${year}-01-01` });
  }
  return passengers;
}

/** Passenger management: answers who a passenger is. No dependencies. */
export const passengerService: ServiceDefinition = {
  name: 'passenger',
  dependencies: [],
  effects: [],
  routes: (ctx) => {
    const passengers = seedPassengers(ctx.random);
    return [
      {
        method: 'GET',
        path: '/passengers/:id',
        handler: ({ params }) => {
          const id = params['id']!;
          if (!/^p-\d+$/.test(id)) return errorReply(400, 'bad_request', `id: expected p-<number>, got '${id}'`);
          const passenger = passengers.get(id);
          return passenger ? { status: 200, body: passenger } : errorReply(404, 'not_found', `no passenger ${id}`);
        },
      },
    ];
  },
};
