import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { tf } from '@live-digits/shared/tf/tf';

/** Seconds, from 0.5 ms to 2.5 s: the stages run in milliseconds, queues under load in tens of them. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5];

export type Stage = 'queue' | 'preprocess' | 'inference' | 'total';

/**
 * The server's Prometheus metrics, in a registry of its own (not prom-client's global one), so
 * every app instance — tests start several in one process — counts only its own traffic.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly framesReceived = new Counter({
    name: 'live_digits_frames_received_total',
    help: 'Frames that passed the rate limit and validation and entered a socket queue.',
    registers: [this.registry],
  });
  readonly framesSuperseded = new Counter({
    name: 'live_digits_frames_superseded_total',
    help: 'Frames replaced by a newer frame of the same socket before they were processed.',
    registers: [this.registry],
  });
  readonly predictions = new Counter({
    name: 'live_digits_predictions_total',
    help: 'Answers sent, by transport (socket or http) and whether the canvas was empty.',
    labelNames: ['transport', 'empty'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'live_digits_errors_total',
    help: 'Errors answered to clients, by code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly stageSeconds = new Histogram({
    name: 'live_digits_stage_seconds',
    help: 'Latency per stage: queue (arrival to start, debounce included), preprocess, inference (batching included), total.',
    labelNames: ['stage'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'live_digits_inference_batch_size',
    help: 'Images per inference micro-batch.',
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });
  readonly connectedSockets = new Gauge({
    name: 'live_digits_connected_sockets',
    help: 'Socket.IO connections open now.',
    registers: [this.registry],
  });
  readonly tensors = new Gauge({
    name: 'live_digits_tf_tensors',
    help: 'Tensors TensorFlow.js holds in memory (tf.memory().numTensors): flat under traffic.',
    registers: [this.registry],
    collect() {
      this.set(tf.memory().numTensors);
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  observeStages(timings: { queueMs: number; preprocessMs: number; inferenceMs: number; totalMs: number }): void {
    this.stageSeconds.observe({ stage: 'queue' }, timings.queueMs / 1000);
    this.stageSeconds.observe({ stage: 'preprocess' }, timings.preprocessMs / 1000);
    this.stageSeconds.observe({ stage: 'inference' }, timings.inferenceMs / 1000);
    this.stageSeconds.observe({ stage: 'total' }, timings.totalMs / 1000);
  }
}
