import { runService } from '../lib/server/main.ts';
import { gatewayService } from './app.ts';

await runService(gatewayService);
