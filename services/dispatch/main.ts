import { runService } from '../lib/server/main.ts';
import { dispatchService } from './app.ts';

await runService(dispatchService);
