import { EvaluationRequest, EvaluationService } from '../evaluation/evaluation.service';
import { scoreNumbers } from '../evaluation/number-scoring';
import { OptionError } from '../option-error';
import { DEFAULT_TRAIN_OPTIONS } from '../training.service';
import { EvaluateCommand, formatNumbers } from './evaluate.command';

describe(EvaluateCommand.name, () => {
  const numbers = scoreNumbers([
    { label: '42', read: '42' },
    { label: '170', read: '10' },
    { label: '2026', read: '2026' },
    { label: '55555', read: null },
    { label: '7', read: '7' },
  ]);
  let evaluate: jest.Mock;
  let printed: string[];
  let sut: EvaluateCommand;

  beforeEach(() => {
    evaluate = jest.fn().mockResolvedValue({ modelDir: 'models/digit-net', numbers });
    sut = new EvaluateCommand({ evaluate } as unknown as EvaluationService);
    printed = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
  });

  afterEach(() => jest.restoreAllMocks());

  it('asks for the numbers set alone, from the validation split and seed the other generated sets use', async () => {
    await sut.run([], { numbers: 500, seed: 7 });
    const request = evaluate.mock.calls[0][0] as EvaluationRequest;
    expect(request).toMatchObject({ numbers: 500, seed: 7, mnistTest: false, validationSize: DEFAULT_TRAIN_OPTIONS.validationSize });
  });

  it('prints exact readings by length, the misses and the misreadings', async () => {
    await sut.run([], { numbers: 5 });
    const text = printed.join('\n');
    expect(text).toMatch(/^Generated numbers, seed 42 \(models\/digit-net\): 60\.00% of 5 read exactly; 2–4 digits: 66\.67% of 3$/m);
    expect(text).toMatch(/^ +3 +1 +0\.00% +1 +0 +0$/m); // "170" read as "10": one too few
    expect(text).toMatch(/^ +5 +1 +0\.00% +0 +0 +1$/m); // refused
    expect(text).toContain('#1 170 → 10, #3 55555 → TOO_MANY_DIGITS');
  });

  it('prints the report as one JSON line with --json', async () => {
    await sut.run([], { numbers: 5, json: true });
    expect(JSON.parse(printed[0])).toEqual({ modelDir: 'models/digit-net', numbers });
  });

  it('reports a bad --numbers value, and the service’s option errors, with the flag', async () => {
    expect(() => sut.parseNumbers('0')).toThrow(/^--numbers must be a whole number of at least 1, got '0'$/);
    expect(() => sut.parseNumbers('many')).toThrow(/^--numbers must be a whole number of at least 1, got 'many'$/);
    evaluate.mockRejectedValue(new OptionError('numbers', 'is more than the set can draw'));
    await expect(sut.run([], { numbers: 5 })).rejects.toThrow(/^--numbers is more than the set can draw$/);
  });
});

describe(formatNumbers.name, () => {
  it('says when nothing was misread', () => {
    const text = formatNumbers('Numbers', scoreNumbers([{ label: '12', read: '12' }]));
    expect(text).toContain('Misread (#index written → read): none');
    expect(text).toMatch(/per digit {2}0: +- +1: 100\.00% {2}2: 100\.00%/);
  });
});
