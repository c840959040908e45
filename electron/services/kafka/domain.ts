import type { kafkaChannels } from '#contract/kafka.js';
import type { BackendContext, Domain } from '../../domain.js';
import { type DiscoverKafka, KafkaConnectionStore } from './connection.js';
import { KafkaService } from './kafka-service.js';

export interface KafkaDomainOptions {
  /**
   * The installed stack's brokers through per-broker port-forwards (the forwards service provides
   * it). Without it, "auto" mode answers KAFKA_UNREACHABLE with a hint to give a bootstrap address.
   */
  discover?: DiscoverKafka;
}

export function kafkaDomain(ctx: BackendContext, options: KafkaDomainOptions = {}): Domain<keyof typeof kafkaChannels> {
  const connection = new KafkaConnectionStore(ctx.dataDir, ctx.env, options.discover);
  const loaded = connection.load().then(() => {
    for (const notice of connection.notices) ctx.bus.emit('app:notice', notice);
  });
  const kafka = new KafkaService({
    connection,
    onMessages: (batch) => ctx.bus.emit('kafka:messages', batch),
    onStatus: (status) => ctx.bus.emit('kafka:tailStatus', status),
  });
  // kafka.json is read once, before the first request is served.
  const ready = <T>(fn: () => T | Promise<T>) => loaded.then(fn);
  return {
    handlers: {
      'kafka:getConnection': () => ready(() => kafka.connection()),
      'kafka:setConnection': (request) => ready(() => kafka.setConnection(request)),
      'kafka:cluster': () => ready(() => kafka.cluster()),
      'kafka:listTopics': (request) => ready(() => kafka.listTopics(request)),
      'kafka:describeTopic': ({ topic }) => ready(() => kafka.describeTopic(topic)),
      'kafka:createTopic': (request) => ready(() => kafka.createTopic(request)),
      'kafka:deleteTopic': ({ topic }) => ready(() => kafka.deleteTopic(topic)),
      'kafka:listGroups': (request) => ready(() => kafka.listGroups(request)),
      'kafka:tailStart': (request) => ready(() => kafka.startTail(request)),
      'kafka:tailAck': ({ tailId, seq }) => kafka.ackTail(tailId, seq),
      'kafka:tailPause': ({ tailId }) => kafka.pauseTail(tailId),
      'kafka:tailResume': ({ tailId }) => kafka.resumeTail(tailId),
      'kafka:tailStop': ({ tailId }) => kafka.stopTail(tailId),
      'kafka:produce': (request) => ready(() => kafka.produce(request)),
    },
    close: () => kafka.close(),
  };
}
