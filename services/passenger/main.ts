import { runService } from '../lib/server/main.ts';
import { passengerService } from './app.ts';

await runService(passengerService);
