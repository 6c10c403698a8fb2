// The benches' random source: seeded, so a run can be repeated exactly. The same generator the
// services use (mulberry32), not a second copy of it.
export { createRandom as seededRandom } from '../../services/lib/random.ts';
