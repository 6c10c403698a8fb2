import { describe, expect, it } from 'vitest';
import { brokerEnvironment, brokerPhrase } from '../../src/run/broker-environment.ts';
import { withExternalBroker } from '../../src/topology/broker.ts';
import type { ManagedService, Topology } from '../../src/topology/model.ts';
import { taxiAsyncTopology, taxiTopology } from '../../src/topology/taxi.ts';

/** Which broker a run names in its environment, from the topology it runs (no broker started). */
describe('brokerEnvironment', () => {
  it('names the embedded broker with aedes and its version', () => {
    const env = brokerEnvironment(taxiAsyncTopology());
    expect(env).toEqual({ service: 'broker', protocol: 'mqtt', source: 'embedded', software: expect.stringMatching(/^aedes \d+\.\d+\.\d+$/) as string });
    expect(brokerPhrase(env!)).toMatch(/^embedded aedes \d/);
  });

  it('names an external broker (--broker) by its URL, and one started by command by its command line', () => {
    const external = brokerEnvironment(withExternalBroker(taxiAsyncTopology(), 'mqtt://127.0.0.1:1883'));
    expect(external).toEqual({ service: 'broker', protocol: 'mqtt', source: 'external', url: 'mqtt://127.0.0.1:1883' });
    expect(brokerPhrase(external!)).toBe('external mqtt://127.0.0.1:1883');
    const topology = taxiAsyncTopology();
    const byCommand: ManagedService = {
      kind: 'managed',
      name: 'mq',
      health: '',
      protocol: 'tcp',
      broker: 'mqtt',
      command: ['sh', 'mosquitto-on-port.sh'],
      env: {},
      cwd: '/',
      faultlineAware: false,
      portEnv: 'PORT',
      startTimeoutMs: 10_000,
    };
    const withCommand: Topology = { ...topology, services: topology.services.map((s) => (s.broker ? byCommand : s)) };
    expect(brokerEnvironment(withCommand)).toEqual({ service: 'mq', protocol: 'mqtt', source: 'command', command: ['sh', 'mosquitto-on-port.sh'] });
  });

  it('is absent for a topology without a broker', () => {
    expect(brokerEnvironment(taxiTopology())).toBeUndefined();
  });
});
