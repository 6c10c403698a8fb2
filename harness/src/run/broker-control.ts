import { FaultlineError } from '../errors.ts';
import type { BrokerControl } from '../faults/context.ts';
import { brokerOf } from '../topology/broker.ts';
import type { Topology } from '../topology/model.ts';
import type { ServiceSet } from './services.ts';

/**
 * How a broker fault takes the run's broker down and back: the embedded broker crashes and
 * restarts on its port (keeping or dropping its state); a broker started by `command` is a
 * process like any service, stopped (SIGTERM when its state should survive, so it can save it;
 * SIGKILL when not) and relaunched on its port. One already running is not faultline's to crash.
 */
export function brokerControl(topology: Topology, services: ServiceSet): BrokerControl {
  const broker = brokerOf(topology);
  if (!broker) throw new FaultlineError('FL_FAULT_APPLY', `topology '${topology.name}' has no broker to crash`);
  const { name } = broker;
  if (broker.kind === 'embedded') {
    const embedded = () => {
      const running = services.embeddedBroker(name);
      if (!running) throw new FaultlineError('FL_FAULT_APPLY', `the embedded broker ${name} is not running`);
      return running;
    };
    return { name, crash: (keepState) => embedded().crash({ keepState }), restart: () => embedded().restart() };
  }
  if (broker.kind === 'managed') {
    return {
      name,
      crash: (keepState) => services.stop(name, keepState ? 'graceful' : 'kill'),
      restart: async () => {
        if (!services.service(name)) await services.relaunch(name);
      },
    };
  }
  throw new FaultlineError('FL_FAULT_APPLY', `broker ${name} at ${broker.url} is already running elsewhere: faultline cannot crash it`);
}

/** The broker's direct address in its protocol's form (`mqtt://127.0.0.1:1883`), whichever way it
 * runs; `undefined` when the topology has none or it has not started. */
export function brokerUrlOf(topology: Topology, services: ServiceSet): string | undefined {
  const broker = brokerOf(topology);
  const protocol = broker?.broker;
  if (!broker || !protocol) return undefined;
  // A broker started by command is a TCP service, known as tcp://host:port.
  return services.url(broker.name)?.replace(/^[a-z]+:/, `${protocol}:`);
}
