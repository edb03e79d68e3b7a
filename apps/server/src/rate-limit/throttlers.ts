/** The named limits, each per client address per minute: POST /predict, and feedback over HTTP and sockets alike. */
export const PREDICT_THROTTLER = 'predict';
export const FEEDBACK_THROTTLER = 'feedback';
export type ThrottlerName = typeof PREDICT_THROTTLER | typeof FEEDBACK_THROTTLER;
export const THROTTLER_NAMES: readonly ThrottlerName[] = [PREDICT_THROTTLER, FEEDBACK_THROTTLER];
