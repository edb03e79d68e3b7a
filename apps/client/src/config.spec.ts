import { DEFAULT_FRAME_INTERVAL_MS } from './composables/useRecognizer';
import { readClientConfig } from './config';

describe(readClientConfig.name, () => {
  it('streams every 150 ms by default', () => {
    expect(readClientConfig('')).toEqual({ frameIntervalMs: DEFAULT_FRAME_INTERVAL_MS });
    expect(DEFAULT_FRAME_INTERVAL_MS).toBe(150);
  });

  it('takes the interval from the URL first, then from the build', () => {
    expect(readClientConfig('?interval=500', '300')).toEqual({ frameIntervalMs: 500 });
    expect(readClientConfig('', '300')).toEqual({ frameIntervalMs: 300 });
  });

  it.each(['?interval=abc', '?interval=-5', '?interval=1', '?interval=999999', '?interval=1.5'])(
    'ignores an unusable interval: %s',
    (search) => {
      expect(readClientConfig(search)).toEqual({ frameIntervalMs: DEFAULT_FRAME_INTERVAL_MS });
    },
  );
});
