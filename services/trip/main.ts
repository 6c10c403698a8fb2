import { runService } from '../lib/server/main.ts';
import { tripService } from './app.ts';

await runService(tripService);
