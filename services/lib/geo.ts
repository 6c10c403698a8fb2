import { z } from 'zod';

/** A point on the map, in degrees. */
export const locationSchema = z.strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) });
export type Location = z.infer<typeof locationSchema>;

/** Rough distance in km (equirectangular): plenty for picking the nearest driver in a city. */
export function distanceKm(a: Location, b: Location): number {
  const rad = Math.PI / 180;
  const x = (b.lng - a.lng) * rad * Math.cos(((a.lat + b.lat) / 2) * rad);
  const y = (b.lat - a.lat) * rad;
  return Math.sqrt(x * x + y * y) * 6371;
}
