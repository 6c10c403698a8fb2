import type { Random } from '../lib/random.ts';
import { errorReply } from '../lib/server/http-io.ts';
import type { ServiceDefinition } from '../lib/server/service.ts';

export interface Passenger {
  id: string;
  name: string;
  /** 1.0–5.0. */
  rating: number;
  memberSince: string;
  /** The passenger's last trips, newest first: the bulk of the answer (a few KB), which is what
   * makes bandwidth and slicer faults on the trip → passenger link bite. */
  recentTrips: RecentTrip[];
}

export interface RecentTrip {
  tripId: string;
  date: string;
  pickup: { lat: number; lng: number };
  dropoff: { lat: number; lng: number };
  fareCents: number;
}

/** Recent trips kept per passenger. */
const recentTripCount = 40;

const firstNames = ['Ada', 'Bo', 'Chen', 'Dara', 'Emil', 'Farah', 'Goran', 'Hana', 'Ines', 'Jun', 'Kofi', 'Lena'];
const lastNames = ['Okafor', 'Silva', 'Novak', 'Haddad', 'Larsen', 'Mori', 'Quinn', 'Rossi', 'Tan', 'Varga'];

function seedRecentTrips(random: Random, passenger: number): RecentTrip[] {
  const point = () => ({ lat: Math.round((52.4 + random() * 0.2) * 1e5) / 1e5, lng: Math.round((13.3 + random() * 0.2) * 1e5) / 1e5 });
  return Array.from({ length: recentTripCount }, (_, n) => ({
    tripId: `h-${passenger}-${recentTripCount - n}`,
    date: `2026-${String(1 + Math.floor(random() * 10)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
    pickup: point(),
    dropoff: point(),
    fareCents: 700 + Math.floor(random() * 4000),
  }));
}

/** Passengers p-1 … p-<count>, the same for the same seed. */
export function seedPassengers(random: Random, count = 100): Map<string, Passenger> {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const passengers = new Map<string, Passenger>();
  for (let i = 1; i <= count; i++) {
    const id = `p-${i}`;
    const year = 2015 + Math.floor(random() * 10);
    const name = `${pick(firstNames)} ${pick(lastNames)}`;
    const rating = Math.round((3.5 + random() * 1.5) * 10) / 10;
    passengers.set(id, { id, name, rating, memberSince: `${year}-01-01`, recentTrips: seedRecentTrips(random, i) });
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
